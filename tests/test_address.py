"""Tests for twistlike.address: fields, equality, hashing, ordering and repr, as Twisted's."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

import pytest
from twisted.internet import address as taddress
from zope.interface.verify import verifyObject  # type: ignore[import-untyped, unused-ignore]

from twistlike.address import HostnameAddress, IPv4Address, IPv6Address, UNIXAddress
from twistlike.interfaces import IAddress


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("IPv4Address", ("TCP", "127.0.0.1", 80)),
        ("IPv4Address", ("UDP", "10.0.0.1", 0)),
        ("IPv6Address", ("TCP", "::1", 443)),
        ("IPv6Address", ("UDP", "fe80::1", 5353, 1, 2)),
        ("HostnameAddress", (b"example.com", 80)),
        ("UNIXAddress", ("/tmp/sock",)),
        ("UNIXAddress", (b"\x00abstract",)),
        ("UNIXAddress", (None,)),
    ],
)
def test_repr_matches_twisted(name: str, args: tuple[Any, ...]) -> None:
    """repr() of every address type is Twisted's."""
    from twistlike import address

    assert repr(getattr(address, name)(*args)) == repr(getattr(taddress, name)(*args))


def test_ipv4_address_fields_and_equality() -> None:
    """IPv4Address has type, host and port; equal fields mean equal and same hash."""
    a = IPv4Address("TCP", "127.0.0.1", 80)
    assert (a.type, a.host, a.port) == ("TCP", "127.0.0.1", 80)
    b = IPv4Address("TCP", "127.0.0.1", 80)
    assert a == b
    assert hash(a) == hash(b)
    assert a != IPv4Address("UDP", "127.0.0.1", 80)
    assert a != IPv4Address("TCP", "127.0.0.1", 81)
    assert len({a, b}) == 1
    assert verifyObject(IAddress, a)


def test_address_types_do_not_compare_equal_across_classes() -> None:
    """An IPv4Address is never equal to an IPv6Address or a tuple with the same fields."""
    v4: object = IPv4Address("TCP", "::1", 1)
    assert v4 != IPv6Address("TCP", "::1", 1)
    assert IPv4Address("TCP", "1.2.3.4", 5) != cast(object, ("TCP", "1.2.3.4", 5))


def test_ipv4_addresses_order_by_fields() -> None:
    """Addresses order by (type, host, port), as Twisted's attrs classes do."""
    addresses = [
        IPv4Address("UDP", "1.1.1.1", 1),
        IPv4Address("TCP", "1.1.1.1", 2),
        IPv4Address("TCP", "1.1.1.1", 1),
    ]
    theirs = sorted(taddress.IPv4Address(a.type, a.host, a.port) for a in addresses)
    assert [(a.type, a.host, a.port) for a in sorted(addresses)] == [
        (a.type, a.host, a.port) for a in theirs
    ]


@pytest.mark.parametrize("cls", [IPv4Address, IPv6Address])
def test_invalid_type_is_refused(cls: type[Any]) -> None:
    """A type other than TCP or UDP raises ValueError with Twisted's message."""
    with pytest.raises(ValueError) as ours:
        cls("SCTP", "x", 1)
    with pytest.raises(ValueError) as theirs:
        getattr(taddress, cls.__name__)("SCTP", "x", 1)
    assert str(ours.value) == str(theirs.value.args[0])


def test_ipv6_address_defaults() -> None:
    """IPv6Address has flowInfo and scopeID, both 0 by default."""
    a = IPv6Address("TCP", "::1", 8080)
    assert (a.flowInfo, a.scopeID) == (0, 0)
    assert a == IPv6Address("TCP", "::1", 8080, 0, 0)
    assert a != IPv6Address("TCP", "::1", 8080, scopeID="eth0")


def test_hostname_address() -> None:
    """HostnameAddress holds a hostname (bytes) and a port and compares by them."""
    assert HostnameAddress(b"example.com", 80) == HostnameAddress(b"example.com", 80)
    assert HostnameAddress(b"example.com", 80) != HostnameAddress(b"example.com", 81)


def test_unix_address_name_is_bytes() -> None:
    """A str name is stored encoded as bytes; None stays None."""
    assert UNIXAddress("/tmp/s").name == b"/tmp/s"
    assert UNIXAddress(b"/tmp/s").name == b"/tmp/s"
    assert UNIXAddress(None).name is None
    assert UNIXAddress("/tmp/s") == UNIXAddress(b"/tmp/s")


def test_unix_address_equal_for_same_file(tmp_path: Path) -> None:
    """Two names of the same file (a symlink) are equal addresses and hash alike."""
    target = tmp_path / "socket"
    target.write_bytes(b"")
    link = tmp_path / "link"
    os.symlink(target, link)
    a, b = UNIXAddress(str(target)), UNIXAddress(str(link))
    assert a == b
    assert hash(a) == hash(b)
    assert a != UNIXAddress(str(tmp_path / "other"))


def test_unix_address_abstract_namespace() -> None:
    """Abstract-namespace names (leading NUL) compare by name without touching the disk."""
    assert UNIXAddress(b"\x00x") == UNIXAddress(b"\x00x")
    assert UNIXAddress(b"\x00x") != UNIXAddress(b"\x00y")
    assert hash(UNIXAddress(b"\x00x")) == hash(UNIXAddress(b"\x00x"))


def test_unix_address_none() -> None:
    """Unnamed UNIX addresses are equal to each other and not to named ones."""
    assert UNIXAddress(None) == UNIXAddress(None)
    assert hash(UNIXAddress(None)) == hash(UNIXAddress(None))
    assert UNIXAddress(None) != UNIXAddress(b"/tmp/s")

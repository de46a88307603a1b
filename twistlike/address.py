"""Addresses of connection ends, as ``transport.getPeer()`` and ``getHost()`` return them.

Twisted: twisted.internet.address.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from zope.interface import implementer  # type: ignore[import-untyped, unused-ignore]

from twistlike.interfaces import IAddress

__all__ = ["HostnameAddress", "IPv4Address", "IPv6Address", "UNIXAddress"]

_TYPES = ["TCP", "UDP"]


def _checkType(value: str) -> None:
    """Raise ValueError, worded as Twisted's, unless ``value`` is ``"TCP"`` or ``"UDP"``."""
    if value not in _TYPES:
        raise ValueError(f"'type' must be in {_TYPES!r} (got {value!r})")


@implementer(IAddress)
@dataclass(order=True, unsafe_hash=True)
class IPv4Address:
    """The address of one end of an IPv4 socket.

    Instances compare equal (and hash equal) when their fields are equal; they also order
    by ``(type, host, port)``.

    Attributes:
        type: ``"TCP"`` or ``"UDP"``; anything else raises ValueError.
        host: The dotted-quad address, for example ``"127.0.0.1"``.
        port: The port number.

    Twisted: twisted.internet.address.IPv4Address.
    """

    type: Literal["TCP", "UDP"]
    host: str
    port: int

    def __post_init__(self) -> None:
        _checkType(self.type)


@implementer(IAddress)
@dataclass(order=True, unsafe_hash=True)
class IPv6Address:
    """The address of one end of an IPv6 socket.

    Attributes:
        type: ``"TCP"`` or ``"UDP"``; anything else raises ValueError.
        host: The address in colon-separated hexadecimal, for example ``"::1"``.
        port: The port number.
        flowInfo: The IPv6 flow label (usually 0).
        scopeID: The scope identifier, roughly which interface the address belongs to.

    Twisted: twisted.internet.address.IPv6Address.
    """

    type: Literal["TCP", "UDP"]
    host: str
    port: int
    flowInfo: int = 0
    scopeID: str | int = 0

    def __post_init__(self) -> None:
        _checkType(self.type)


@implementer(IAddress)
@dataclass(order=True, unsafe_hash=True)
class HostnameAddress:
    """The address a hostname endpoint connects to, before the name is resolved.

    Attributes:
        hostname: The host name as bytes, for example ``b"example.com"``.
        port: The port number.

    Twisted: twisted.internet.address.HostnameAddress.
    """

    hostname: bytes
    port: int


def _fsBytes(name: bytes | str | None) -> bytes | None:
    """Encode a ``str`` path the way the filesystem expects; pass bytes and None through."""
    if isinstance(name, str):
        return name.encode(sys.getfilesystemencoding(), "surrogateescape")
    return name


@implementer(IAddress)
class UNIXAddress:
    """The address of one end of a UNIX socket.

    Two addresses are equal when their names are equal or name the same file on disk.
    A name beginning with a NUL byte is a Linux abstract-namespace socket.

    Attributes:
        name: The socket's path as bytes (a ``str`` given to the constructor is encoded
            with the filesystem encoding), or None for an unnamed socket.

    Twisted: twisted.internet.address.UNIXAddress.
    """

    def __init__(self, name: bytes | str | None) -> None:
        self.name: bytes | None = _fsBytes(name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, self.__class__):
            return NotImplemented
        if self.name == other.name:
            return True
        if self.name and other.name:
            try:
                return os.path.samefile(self.name, other.name)
            except (OSError, ValueError, TypeError):
                # A missing file, or an abstract-namespace name (NUL bytes) that os.path
                # cannot look at: only equal names are equal then.
                pass
        return False

    def __hash__(self) -> int:
        # Hash by file identity when the file exists, so that addresses equal through
        # samefile() also hash equal.
        if self.name is None:
            return hash((self.__class__, None))
        try:
            st = os.stat(self.name)
        except (OSError, ValueError):
            return hash(self.name)
        return hash((st.st_ino, st.st_dev))

    def __repr__(self) -> str:
        shown = None
        if self.name is not None:
            shown = self.name.decode(sys.getfilesystemencoding(), "surrogateescape")
        return f"UNIXAddress({shown!r})"


if not TYPE_CHECKING:
    # (Hidden from type checkers, which would otherwise accept any name from this module.)

    def __getattr__(name: str) -> object:
        # A Twisted name twistlike does not provide fails with the reason (docs/missing.md).
        from twistlike._porting.missing import missing_name_error

        raise missing_name_error(__name__, name)

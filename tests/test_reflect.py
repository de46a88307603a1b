"""The internal helpers that give text for any object and check address literals.

Differential: each is compared with the Twisted function it mirrors
(``twisted.python.reflect.safe_repr``/``safe_str``,
``twisted.internet.abstract.isIPv6Address``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from twisted.internet.abstract import isIPv6Address
from twisted.python import reflect as treflect

from twistlike._core.addresses import is_ipv6_address
from twistlike._core.reflect import callable_name, safe_repr, safe_str

#: Twisted's safe_repr is untyped; called through Any.
twisted_safe_repr: Any = treflect.safe_repr


class _Broken:
    """Both ``__repr__`` and ``__str__`` raise."""

    def __repr__(self) -> str:
        raise ValueError("no repr")

    def __str__(self) -> str:
        raise ValueError("no str")


def _shape(text: str) -> str:
    """The text with addresses and traceback details blanked (they differ between calls)."""
    text = re.sub(r"0x[0-9a-f]+", "0x?", text)
    return re.sub(r"Traceback.*", "Traceback...", text, flags=re.S)


@pytest.mark.parametrize("value", [1, "text", b"bytes", b"\xff\xfe", [1, "a"], None])
def test_safe_repr_and_safe_str_of_ordinary_objects_match_twisted(value: object) -> None:
    """safe_repr/safe_str give Twisted's text for objects whose repr and str work."""
    assert safe_repr(value) == twisted_safe_repr(value)
    assert safe_str(value) == treflect.safe_str(value)


def test_safe_repr_and_safe_str_of_a_broken_object_match_twisted() -> None:
    """A raising __repr__/__str__ gives Twisted's description, with the traceback."""
    broken = _Broken()
    assert _shape(safe_repr(broken)) == _shape(twisted_safe_repr(broken))
    assert _shape(safe_str(broken)) == _shape(treflect.safe_str(broken))
    assert "ValueError: no repr" in safe_repr(broken)


def test_callable_name_prefers_the_qualified_name() -> None:
    """callable_name gives a function's qualified name and a safe repr for other objects."""
    assert callable_name(_Broken.__repr__) == "_Broken.__repr__"
    assert callable_name(_Broken()).startswith("<_Broken instance at 0x")


@pytest.mark.parametrize(
    "text", ["::1", "fe80::1%eth0", "::1%", "1.2.3.4", "example.com", "", ":::", "::ffff:1.2.3.4"]
)
def test_is_ipv6_address_matches_twisted(text: str) -> None:
    """is_ipv6_address decides as Twisted's isIPv6Address does."""
    assert is_ipv6_address(text) == isIPv6Address(text)

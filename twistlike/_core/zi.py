"""zope.interface's ``Interface`` and ``Attribute``, with the types static checkers need.

zope.interface ships no type information, so to a type checker every interface built on it
has an unknown base and metaclass, and every ``Attribute`` an unknown type: the public API
looks untyped (``pyright --verifytypes``). At run time these are zope's own objects; type
checkers see the small stand-ins below, which describe what interfaces offer
(``providedBy``, ``implementedBy``, ``names``, adaptation by calling).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["Attribute", "Interface"]

if TYPE_CHECKING:

    class Interface:
        """What type checkers see of a zope.interface interface."""

        def __init__(self, obj: object, alternate: object = ...) -> None:
            """Adapt ``obj`` to this interface (``IService(application)``)."""

        @classmethod
        def providedBy(cls, obj: object) -> bool:
            """Whether ``obj`` provides this interface."""
            ...

        @classmethod
        def implementedBy(cls, factory: object) -> bool:
            """Whether instances of ``factory`` provide this interface."""
            ...

        @classmethod
        def names(cls, all: bool = False) -> list[str]:
            """The names this interface declares."""
            ...

    class Attribute:
        """What type checkers see of a declared interface attribute."""

        def __init__(self, doc: str = "", /) -> None: ...

else:
    from zope.interface import Attribute, Interface

"""Text for any object without raising: the one home of the safe ``repr``/``str`` helpers.

Twisted: twisted.python.reflect.safe_repr / safe_str (same text: ``<Class instance at
0x... with repr error:`` and the traceback of what ``__repr__`` raised). Pure: no asyncio.
Names here carry no leading underscore: the module's own underscore keeps them private to
twistlike (see "Naming" in docs/index.md).
"""

from __future__ import annotations

import traceback
from typing import Any

__all__ = ["callable_name", "claim_public_names", "class_name", "safe_repr", "safe_str"]


def class_name(obj: object) -> str:
    """Return the name of ``obj``'s class without ever raising.

    Args:
        obj: Any object.

    Returns:
        The class name, or a placeholder when even that cannot be obtained.
    """
    try:
        cls = obj.__class__
    except BaseException:
        cls = type(obj)
    try:
        return cls.__name__
    except BaseException:
        try:
            return str(cls)
        except BaseException:
            return f"<BROKEN CLASS AT 0x{id(cls):x}>"


def _broken_text(obj: object, how: str) -> str:
    """Describe an object whose ``str``/``repr`` just raised; call from an ``except`` block."""
    return (
        f"<{class_name(obj)} instance at 0x{id(obj):x} with {how} error:\n"
        f" {traceback.format_exc()}>"
    )


def safe_repr(obj: object) -> str:
    """Return ``repr(obj)``, or a description of the error ``__repr__`` raised.

    Twisted: twisted.python.reflect.safe_repr.
    """
    try:
        return repr(obj)
    except BaseException:
        return _broken_text(obj, "repr")


def safe_str(obj: object) -> str:
    """Return ``str(obj)`` (UTF-8 ``bytes`` decoded), or a description of the error.

    Twisted: twisted.python.reflect.safe_str.
    """
    if isinstance(obj, bytes):
        try:
            return obj.decode("utf-8")
        except UnicodeDecodeError:
            pass
    try:
        return str(obj)
    except BaseException:
        return _broken_text(obj, "str")


def callable_name(func: object) -> str:
    """Name ``func`` the way Twisted's reprs do: qualified name, plain name, or safe repr."""
    name = getattr(func, "__qualname__", None)
    if name is None:
        name = getattr(func, "__name__", None)
    if name is None:
        return safe_repr(func)
    return str(name)


def claim_public_names(namespace: dict[str, Any]) -> None:
    """Make a public module the home of the private objects it re-exports.

    Called at the end of a public module as ``claim_public_names(globals())``: each name in
    its ``__all__`` defined in a private ``twistlike._*`` module gets the public module as its
    ``__module__``, so reprs, tracebacks, pickles and docs show the name where users import
    it (``twistlike.defer.Deferred``, not ``twistlike._core.deferred.Deferred``).
    """
    home = namespace["__name__"]
    for name in namespace["__all__"]:
        obj = namespace[name]
        if getattr(obj, "__module__", "").startswith("twistlike._"):
            obj.__module__ = home

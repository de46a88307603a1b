"""The classic log context: the ``system`` (and other keys) that ``log.msg`` adds to events.

Twisted keeps a stack of context dicts; twistlike keeps the current dict in a
:class:`contextvars.ContextVar`, so a value set around a protocol callback follows the code
that runs in it (including asyncio tasks started there, which copy the context) and never
leaks into another connection's callbacks. The reactor's transports set it around every
protocol callback (``[Echo,0,127.0.0.1]`` for a server connection).

Twisted: twisted.python.context with twisted.python.log.ILogContext.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from typing import Any, TypeVar

__all__ = [
    "DEFAULT",
    "LazySystemContext",
    "callWithContext",
    "current",
    "system_context",
    "variable",
]

_R = TypeVar("_R")

#: The context outside any callWithContext: Twisted's default for ILogContext.
DEFAULT: Mapping[str, Any] = {"system": "-", "isError": 0}

#: The current log context. Setting it directly (``token = variable.set(ctx)`` ...
#: ``variable.reset(token)``) is the cheap path the transports use.
variable: ContextVar[Mapping[str, Any]] = ContextVar("twistlike_log_context", default=DEFAULT)


def current() -> Mapping[str, Any]:
    """Return the current log context (do not mutate it)."""
    return variable.get()


def system_context(system: str) -> Mapping[str, Any]:
    """Return the context a transport sets: the default with ``system`` replaced."""
    return {"system": system, "isError": 0}


class LazySystemContext(Mapping[str, Any]):
    """A context whose ``system`` text is made on first use (most connections log nothing).

    Building ``"Echo,0,127.0.0.1"`` needs the peer's address; a connection only pays for it
    when something is logged inside one of its callbacks.
    """

    __slots__ = ("_make", "_system")

    def __init__(self, make: Callable[[], str]) -> None:
        self._make: Callable[[], str] | None = make
        self._system = ""

    def __getitem__(self, key: str) -> Any:
        if key == "system":
            make = self._make
            if make is not None:
                self._make = None
                try:
                    self._system = make()
                except Exception:
                    self._system = "(buggy logPrefix method)"
            return self._system
        if key == "isError":
            return 0
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(("system", "isError"))

    def __len__(self) -> int:
        return 2


def callWithContext(ctx: Mapping[str, Any], func: Callable[..., _R], *args: Any, **kw: Any) -> _R:
    """Call ``func(*args, **kw)`` with the keys of ``ctx`` added to the log context.

    Twisted: twisted.python.log.callWithContext.
    """
    merged = dict(variable.get())
    merged.update(ctx)
    token = variable.set(merged)
    try:
        return func(*args, **kw)
    finally:
        variable.reset(token)

"""The classic log context: the ``system`` (and other keys) that ``log.msg`` adds to events.

Twisted keeps a stack of context dicts; twistlike keeps the current dict in a
:class:`contextvars.ContextVar`, so a value set around a protocol callback follows the code
that runs in it (including asyncio tasks started there, which copy the context) and never
leaks into another connection's callbacks. The reactor's transports set it around every
protocol callback (``[Echo,0,127.0.0.1]`` for a server connection).

Twisted: twisted.python.context with twisted.python.log.ILogContext.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar

__all__ = [
    "DEFAULT",
    "ContextProvider",
    "callWithContext",
    "current",
    "system_context",
    "variable",
]

_R = TypeVar("_R")

#: The context outside any callWithContext: Twisted's default for ILogContext.
DEFAULT: Mapping[str, Any] = {"system": "-", "isError": 0}

#: The current log context: a mapping, or a :class:`ContextProvider`. Setting it directly
#: (``token = variable.set(ctx)`` ... ``variable.reset(token)``) is the cheap path the
#: transports use.
variable: ContextVar[Mapping[str, Any] | ContextProvider] = ContextVar(
    "twistlike_log_context", default=DEFAULT
)


def current() -> Mapping[str, Any]:
    """Return the current log context (do not mutate it)."""
    ctx = variable.get()
    if isinstance(ctx, dict):
        return ctx
    if isinstance(ctx, Mapping):
        return ctx
    return ctx._twistlike_log_context()


def system_context(system: str) -> Mapping[str, Any]:
    """Return the context a transport sets: the default with ``system`` replaced."""
    return {"system": system, "isError": 0}


class ContextProvider(Protocol):
    """An object that stands for a context until someone needs it (a connection).

    The transports set the context variable to the connection itself, which costs no
    allocation per callback; the mapping (with its ``system`` text, which needs the peer's
    address) is only built when something is logged.
    """

    def _twistlike_log_context(self) -> Mapping[str, Any]: ...


def callWithContext(ctx: Mapping[str, Any], func: Callable[..., _R], *args: Any, **kw: Any) -> _R:
    """Call ``func(*args, **kw)`` with the keys of ``ctx`` added to the log context.

    Twisted: twisted.python.log.callWithContext.
    """
    merged = dict(current())
    merged.update(ctx)
    token = variable.set(merged)
    try:
        return func(*args, **kw)
    finally:
        variable.reset(token)

"""Deferreds: results that arrive later, with chains of callbacks, and their asyncio bridge.

Twisted: twisted.internet.defer.

Everything here runs without an event loop (a Deferred is a synchronous state machine);
``await d`` works inside any asyncio task. See docs/deferreds.md.
"""

# Importing the bridge installs the Deferred's asyncio edges (await, asFuture, fromFuture, the
# coroutine driver), so that the chain engine in _core never imports asyncio itself.
import twistlike._aio.bridge  # noqa: F401
from twistlike._core.combinators import (
    AlreadyTryingToLockError,
    DeferredList,
    DeferredLock,
    DeferredQueue,
    DeferredSemaphore,
    FailureGroup,
    FirstError,
    QueueOverflow,
    QueueUnderflow,
    gatherResults,
    race,
)
from twistlike._core.deferred import (
    AlreadyCalledError,
    CancelledError,
    Deferred,
    NotACoroutineError,
    TimeoutError,
    ensureDeferred,
    execute,
    fail,
    getDebugging,
    inlineCallbacks,
    logError,
    maybeDeferred,
    passthru,
    returnValue,
    setDebugging,
    succeed,
)

#: DeferredList result flags, as in Twisted: ``(SUCCESS, value)`` / ``(FAILURE, failure)``.
SUCCESS = True
FAILURE = False

__all__ = [
    "FAILURE",
    "SUCCESS",
    "AlreadyCalledError",
    "AlreadyTryingToLockError",
    "CancelledError",
    "Deferred",
    "DeferredList",
    "DeferredLock",
    "DeferredQueue",
    "DeferredSemaphore",
    "FailureGroup",
    "FirstError",
    "NotACoroutineError",
    "QueueOverflow",
    "QueueUnderflow",
    "TimeoutError",
    "ensureDeferred",
    "execute",
    "fail",
    "gatherResults",
    "getDebugging",
    "inlineCallbacks",
    "logError",
    "maybeDeferred",
    "passthru",
    "race",
    "returnValue",
    "setDebugging",
    "succeed",
]

# This module is the public home of these names: show it in reprs, tracebacks and pickles.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("twistlike._"):
        _obj.__module__ = __name__
del _name, _obj

"""Deferreds: results that arrive later, with chains of callbacks, and their asyncio bridge.

Twisted: twisted.internet.defer.

Everything here runs without an event loop (a Deferred is a synchronous state machine);
``await d`` works inside any asyncio task. See docs/deferreds.md.
"""

import warnings
from typing import TYPE_CHECKING, Any

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
from twistlike._core.filelock import DeferredFilesystemLock
from twistlike._core.reflect import claim_public_names

# (Importable from here, as in Twisted's defer; its home is twistlike.failure.)
from twistlike.failure import Failure as Failure

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
    "DeferredFilesystemLock",
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
    "timeout",
]


def timeout(deferred: Deferred[Any]) -> None:
    """Fail ``deferred`` with ``TimeoutError("Callback timed out")``.

    Deprecated, as in Twisted 17.1: use ``Deferred.addTimeout``.

    Twisted: twisted.internet.defer.timeout.
    """
    warnings.warn(
        "twistlike.defer.timeout was deprecated (as in Twisted 17.1.0); "
        "use twistlike.defer.Deferred.addTimeout instead",
        DeprecationWarning,
        stacklevel=2,
    )
    deferred.errback(Failure(TimeoutError("Callback timed out")))


# This module is the public home of these names: show it in reprs, tracebacks and pickles.
claim_public_names(globals())
if not TYPE_CHECKING:
    # (Hidden from type checkers, which would otherwise accept any name from this module.)

    def __getattr__(name: str) -> object:
        # A Twisted name twistlike does not provide fails with the reason (docs/missing.md).
        from twistlike._porting.missing import missing_name_error

        raise missing_name_error(__name__, name)

"""The Deferred chain engine: a synchronous state machine that never imports asyncio.

This module holds :class:`Deferred` (ARCHITECTURE.md decision 1), the small helpers around it
(``succeed``, ``fail``, ``maybeDeferred`` ...) and ``inlineCallbacks``. The public home of
every name is :mod:`twistlike.defer`.

The four places where Deferreds meet asyncio (decision 2: ``Deferred.__await__`` of a pending
Deferred, ``Deferred.asFuture``, ``Deferred.fromFuture`` and the coroutine driver behind
``ensureDeferred``/``fromCoroutine``) keep their public methods here but are implemented in
:mod:`twistlike._aio.bridge`, which hands its functions over with :func:`install_edges` when
it is imported (:mod:`twistlike.defer` imports it). Code that imports only this module gets
the bridge loaded on first use of an edge. See that module for the cancellation story.
"""

from __future__ import annotations

import collections.abc
import contextvars
import functools
import importlib
import types
import warnings
from collections.abc import Callable, Coroutine, Generator, Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Concatenate,
    Generic,
    NoReturn,
    ParamSpec,
    Protocol,
    TypeVar,
    cast,
    overload,
)

import twistlike.logger as _logger
from twistlike._core.engine import COMPILED as _COMPILED
from twistlike._core.engine import chain as _chain
from twistlike._core.log import log_failure
from twistlike.failure import Failure

if TYPE_CHECKING:
    # For annotations only (the public signatures of asFuture/fromFuture); never imported
    # at run time, so the chain engine works in a process that never loads asyncio.
    import asyncio  # noqa: TID251

__all__ = [
    "AlreadyCalledError",
    "CancelledError",
    "Deferred",
    "NotACoroutineError",
    "TimeoutError",
    "ensureDeferred",
    "execute",
    "fail",
    "getDebugging",
    "inlineCallbacks",
    "logError",
    "maybeDeferred",
    "passthru",
    "returnValue",
    "setDebugging",
    "succeed",
]

_T = TypeVar("_T")
_T_co = TypeVar("_T_co", covariant=True)
_U = TypeVar("_U")

#: Where Deferreds log what Twisted's defer module logs (on the stdlib logger of that name);
#: made on first use, so that importing this module never needs twistlike.logger complete.
_log: _logger.Logger | None = None
_P = ParamSpec("_P")


# --------------------------------------------------------------------------------------------
# Errors


class AlreadyCalledError(Exception):
    """A Deferred was fired (``callback``/``errback``) a second time.

    Twisted: twisted.internet.defer.AlreadyCalledError.
    """


class CancelledError(Exception):
    """A Deferred was cancelled; the Deferred-side cancellation error.

    Twisted: twisted.internet.defer.CancelledError.
    asyncio: the asyncio side sees ``asyncio.CancelledError`` instead (see module docs).
    """


class TimeoutError(Exception):
    """A Deferred given a timeout with ``addTimeout`` timed out.

    Twisted: twisted.internet.defer.TimeoutError.
    """


class NotACoroutineError(TypeError):
    """``ensureDeferred`` or ``Deferred.fromCoroutine`` got something that is not a coroutine.

    Twisted: twisted.internet.defer.NotACoroutineError.
    """


# --------------------------------------------------------------------------------------------
# Debugging and unhandled-error tracking


def setDebugging(on: bool) -> None:
    """Record creation and first-fire call stacks of Deferreds (slow; for debugging).

    Twisted: twisted.internet.defer.setDebugging.
    """
    Deferred.debug = bool(on)


def getDebugging() -> bool:
    """Whether Deferred debugging is on.

    Twisted: twisted.internet.defer.getDebugging.
    """
    return Deferred.debug


class DebugInfo:
    """Per-Deferred bookkeeping that exists only when needed.

    It is created when a chain ends with a Failure (so that the failure can be logged if the
    Deferred is garbage-collected with it, as Twisted does) or when debugging is on. Keeping
    the finaliser here, not on Deferred, keeps Deferred deallocation cheap.
    """

    __slots__ = ("creator", "failure", "invoker")

    def __init__(self) -> None:
        self.creator: list[str] | None = None
        self.invoker: list[str] | None = None
        self.failure: Failure | None = None

    def stacks(self) -> str:
        """Where the Deferred was created and first fired, in Twisted's format ("" if unknown)."""
        info = ""
        if self.creator is not None:
            info += " C: Deferred was created:\n C:"
            info += "".join(self.creator).rstrip().replace("\n", "\n C:") + "\n"
        if self.invoker is not None:
            info += " I: First Invoker was:\n I:"
            info += "".join(self.invoker).rstrip().replace("\n", "\n I:") + "\n"
        return info

    def __del__(self) -> None:
        failure = self.failure
        if failure is None:
            return
        # As Twisted: two critical events, the header and then the failure (with where the
        # Deferred was created and fired, when debugging was on).
        global _log
        log = _log
        if log is None:
            log = _log = _logger.Logger(namespace="twistlike.defer")
        log.critical("Unhandled error in Deferred:", isError=True)
        debugInfo = self.stacks()
        log.failure("(debug: {debugInfo})" if debugInfo else "", failure, debugInfo=debugInfo)


# --------------------------------------------------------------------------------------------
# Deferred


def passthru(arg: _T) -> _T:
    """Return ``arg`` unchanged; a no-op callback.

    Twisted: twisted.internet.defer.passthru.
    """
    return arg


class Deferred(_chain.DeferredBase, Generic[_T]):
    """A result that is not there yet, and the chain of callbacks that will process it.

    Twisted: twisted.internet.defer.Deferred.
    asyncio: ``await d`` works in any asyncio task; see ``fromFuture``/``asFuture``.

    The chain runs synchronously inside ``callback()``/``errback()``, on the caller's stack,
    with or without an event loop. Each callback gets the previous result; a callback that
    raises (any BaseException) switches the chain to errbacks with a Failure; a callback that
    returns a Deferred pauses this chain until that one fires, then continues with its result
    (the inner Deferred's result becomes None). Chains of chained Deferreds are processed
    iteratively, so depth does not grow the Python stack.

    Args:
        canceller: called with this Deferred by ``cancel()``. It may fire the Deferred; if it
            does not, ``cancel()`` errbacks it with :class:`CancelledError`.
    """

    # The state and the hot methods (creation, adding callbacks, firing, cancel, the chain
    # loop) live in DeferredBase (twistlike._core.chain), compiled by mypyc when it was
    # built; this class stays Python, so it can be subclassed, monkeypatched and given
    # attributes as in Twisted. The declarations below give those methods their types.
    __slots__ = ("__dict__", "__weakref__")

    if TYPE_CHECKING:
        # Typed signatures of DeferredBase's methods (documented there); at run time the
        # inherited methods are used as they are.

        def __init__(self, canceller: Callable[[Deferred[Any]], None] | None = None) -> None: ...

        def addCallbacks(
            self,
            callback: Callable[..., Any],
            errback: Callable[..., Any] | None = None,
            callbackArgs: tuple[Any, ...] = (),
            callbackKeywords: Mapping[str, Any] = {},
            errbackArgs: tuple[Any, ...] = (),
            errbackKeywords: Mapping[str, Any] = {},
        ) -> Deferred[Any]: ...

        @overload
        def addCallback(
            self,
            callback: Callable[Concatenate[_T, _P], Deferred[_U]],
            *args: _P.args,
            **kwargs: _P.kwargs,
        ) -> Deferred[_U]: ...

        @overload
        def addCallback(
            self,
            callback: Callable[Concatenate[_T, _P], Coroutine[Any, Any, _U]],
            *args: _P.args,
            **kwargs: _P.kwargs,
        ) -> Deferred[Coroutine[Any, Any, _U]]: ...

        @overload
        def addCallback(
            self,
            callback: Callable[Concatenate[_T, _P], _U],
            *args: _P.args,
            **kwargs: _P.kwargs,
        ) -> Deferred[_U]: ...

        def addCallback(self, callback: Any, *args: Any, **kwargs: Any) -> Deferred[Any]: ...

        @overload
        def addErrback(
            self,
            errback: Callable[Concatenate[Failure, _P], Deferred[_U]],
            *args: _P.args,
            **kwargs: _P.kwargs,
        ) -> Deferred[_T | _U]: ...

        @overload
        def addErrback(
            self,
            errback: Callable[Concatenate[Failure, _P], _U],
            *args: _P.args,
            **kwargs: _P.kwargs,
        ) -> Deferred[_T | _U]: ...

        def addErrback(self, errback: Any, *args: Any, **kwargs: Any) -> Deferred[Any]: ...

        @overload
        def addBoth(
            self,
            callback: Callable[Concatenate[_T | Failure, _P], Deferred[_U]],
            *args: _P.args,
            **kwargs: _P.kwargs,
        ) -> Deferred[_U]: ...

        @overload
        def addBoth(
            self,
            callback: Callable[Concatenate[_T | Failure, _P], _U],
            *args: _P.args,
            **kwargs: _P.kwargs,
        ) -> Deferred[_U]: ...

        def addBoth(self, callback: Any, *args: Any, **kwargs: Any) -> Deferred[Any]: ...

        def callback(self, result: _T | Failure) -> None: ...

        def errback(self, fail: Failure | BaseException | None = None) -> None: ...

        def __await__(self) -> Generator[Any, Any, _T]: ...

    def addTimeout(
        self,
        timeout: float,
        clock: Any,
        onTimeoutCancel: Callable[[_T | Failure, float], Any] | None = None,
    ) -> Deferred[_T]:
        """Cancel this Deferred if it has not fired within ``timeout`` seconds of ``clock``.

        Twisted: twisted.internet.defer.Deferred.addTimeout.

        On timeout the Deferred is cancelled and the resulting CancelledError is turned into
        :class:`TimeoutError` (or passed to ``onTimeoutCancel(result, timeout)``). ``clock`` is
        anything with ``callLater`` (the reactor, a ``task.Clock``).
        """
        timedOut = False

        def timeItOut() -> None:
            nonlocal timedOut
            timedOut = True
            self.cancel()

        delayedCall = clock.callLater(timeout, timeItOut)

        def convertCancelled(result: Any) -> Any:
            if timedOut:
                convert = onTimeoutCancel or _cancelledToTimedOutError
                return convert(result, timeout)
            return result

        def cancelTimeout(result: Any) -> Any:
            if delayedCall.active():
                delayedCall.cancel()
            return result

        self.addBoth(convertCancelled)
        self.addBoth(cancelTimeout)
        return self

    def chainDeferred(self, d: Deferred[_T]) -> Deferred[None]:
        """Fire ``d`` with this Deferred's result (and pass None down this chain).

        Twisted: twisted.internet.defer.Deferred.chainDeferred.
        """
        d._chainedTo = self
        return self.addCallbacks(d.callback, d.errback)

    # Not in DeferredBase: as Twisted's, a Deferred whose result is itself recurses here until
    # RecursionError, which must read the same as Twisted's.
    def cancel(self) -> None:
        """Ask for the operation behind this Deferred to stop.

        Twisted: twisted.internet.defer.Deferred.cancel.

        Not fired yet: the canceller runs; if it did not fire the Deferred, it is errbacked
        with :class:`CancelledError` (and without a canceller, exactly one later
        ``callback``/``errback`` from the original source is swallowed). Fired but waiting on
        another Deferred: that one is cancelled. Otherwise nothing happens.
        """
        if not self.called:
            canceller = self._canceller
            if canceller is not None:
                canceller(self)
            else:
                self._suppressAlreadyCalled = True
            if not self.called:
                self.errback(Failure(CancelledError()))
        else:
            result = self.result
            if isinstance(result, Deferred):
                result.cancel()

    # ---- presentation ----------------------------------------------------------------------

    def __repr__(self) -> str:
        if self._chainedTo is not None:
            state = f" waiting on Deferred at 0x{id(self._chainedTo):x}"
        elif self.called:
            state = f" current result: {self.result!r}"
        else:
            state = ""
        return f"<{type(self).__name__} at 0x{id(self):x}{state}>"

    __str__ = __repr__

    # ---- asyncio edges ---------------------------------------------------------------------

    def __iter__(self) -> Generator[Deferred[_T], Any, _T]:
        """Wait for this Deferred from a generator-based coroutine (``yield from d``).

        Twisted: twisted.internet.defer.Deferred.__iter__.

        While the Deferred has no result this yields the Deferred itself, as Twisted does (the
        driver waits on it and resumes the generator); then it returns the result or raises
        the failure. With no loop running, ``await d`` of a pending Deferred does the same.
        """
        while True:
            if not self.called or self.paused:
                sent = yield self
                if sent is not None and self.called and not self.paused:
                    # Twisted's driver resumes us inside the Deferred's callback and sends the
                    # result; twistlike's, when it resumes from an asyncio Task a loop turn
                    # later, sends the result it took (the Deferred's own is consumed then).
                    return cast(_T, sent)
                continue
            return cast(_T, (yield from _fired(self)))

    def asFuture(self, loop: asyncio.AbstractEventLoop) -> asyncio.Future[_T]:
        """Return an asyncio Future (on ``loop``) that completes with this Deferred's result.

        Twisted: twisted.internet.defer.Deferred.asFuture.
        asyncio: cancelling the Future cancels this Deferred; a Deferred failing with
        :class:`CancelledError` cancels the Future (Divergence from Twisted: it sets the
        Deferred's CancelledError as the future's exception instead).

        The Deferred's result is consumed (it becomes None).
        """
        return _as_future(self, loop)

    @classmethod
    def fromFuture(cls, future: asyncio.Future[_T]) -> Deferred[_T]:
        """Return a Deferred that fires with ``future``'s outcome.

        Twisted: twisted.internet.defer.Deferred.fromFuture.
        asyncio: ``future.add_done_callback``; cancelling the Deferred cancels the future.

        Divergence from Twisted: a cancelled future makes the Deferred fail with this module's
        :class:`CancelledError` (Twisted passes ``asyncio.CancelledError`` through), keeping
        the rule that the Deferred side only sees Deferred cancellation.
        """
        return _from_future(cls, future)

    @classmethod
    def fromCoroutine(cls, coro: Coroutine[Any, Any, _T] | Generator[Any, Any, _T]) -> Deferred[_T]:
        """Run a coroutine and return a Deferred of its result.

        Twisted: twisted.internet.defer.Deferred.fromCoroutine.

        See :func:`ensureDeferred` for how the coroutine is driven.

        Raises:
            NotACoroutineError: ``coro`` is not a coroutine.
        """
        if not (
            isinstance(coro, collections.abc.Coroutine) or isinstance(coro, types.GeneratorType)
        ):
            raise NotACoroutineError(f"{coro!r} is not a coroutine")
        if isinstance(coro, types.GeneratorType):
            # Twisted drives a generator as inlineCallbacks does (plain values come back).
            return _runInline(coro)
        return _run_coroutine(cls, coro)


def _where(fn: object) -> tuple[str, int]:
    code = getattr(fn, "__code__", None)
    if code is None:
        return ("<unknown>", 0)
    return (code.co_filename, code.co_firstlineno)


def _cancelledToTimedOutError(value: Any, timeout: float) -> Any:
    if isinstance(value, Failure):
        value.trap(CancelledError)
        raise TimeoutError(timeout, "Deferred")
    return value


def fire_with_pending(
    d: Deferred[Any], canceller: Callable[[Deferred[Any]], None] | None
) -> Deferred[Any]:
    """Fire ``d`` now so that its chain waits on a new Deferred, and return that one.

    Used when a canceller cannot produce the outcome synchronously: ``d`` counts as fired
    (``called`` is true, a second ``cancel()`` is forwarded to the new Deferred, whose
    canceller is ``canceller``), and the real outcome is delivered by firing the new Deferred.
    """
    pending: Deferred[Any] = Deferred(canceller)
    entries = d._callbacks
    if entries is None:
        entries = d._callbacks = []
    entries.insert(0, (_returnPending, (pending,), None, None, None, None))
    d.callback(None)
    return pending


def _returnPending(_: object, pending: Deferred[Any]) -> Deferred[Any]:
    return pending


# --------------------------------------------------------------------------------------------
# Foreign Deferreds: real Twisted's, in a process that has both (a porter migrating step by
# step, or a library such as treq still on Twisted). Twisted chains on its own Deferreds; the
# engine does the same for a "foreign" one, recognised by its shape (Twisted is never
# imported): not a twistlike Deferred, its class has callable addCallbacks, addBoth and
# cancel, and the object has a ``called`` attribute. Such a value, returned or yielded by user
# code, is adopted: replaced by a twistlike Deferred that fires with its outcome.

#: Classes of ordinary results: neither twistlike's Deferred (nor a subclass) nor foreign
#: Deferreds; it grows with every class found not to look like a Deferred. After each
#: callback the chain engine asks only ``type(r) in`` this set, one lookup, and takes the
#: slow path (isinstance, adoption) for anything else.
PLAIN_RESULT_TYPES: set[type] = {
    type(None),
    bool,
    int,
    float,
    str,
    bytes,
    list,
    tuple,
    dict,
    Failure,
}
#: Past this size the set stops growing (classes made at run time would otherwise fill it);
#: unseen classes then take the slow path each time, which is still correct.
_NOT_FOREIGN_LIMIT = 4096
_FOREIGN: set[type] = set()


class ForeignDeferred(Protocol[_T_co]):
    """What twistlike needs of a foreign (real Twisted) Deferred, for type checkers."""

    def addBoth(self, callback: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """Add one function as both callback and errback."""
        ...

    def cancel(self) -> None:
        """Cancel the operation behind the Deferred."""
        ...

    def __await__(self) -> Generator[Any, Any, _T_co]:
        """Wait for the result from a coroutine."""
        ...


def adopt_if_foreign(obj: Any, *, keep: bool = False) -> Any:
    """Return ``obj``, or a twistlike Deferred of it if it is a foreign Deferred.

    The adopted Deferred fires with the foreign one's result, or fails with its failure
    turned into a twistlike :class:`Failure` (same exception value, type and traceback;
    Twisted's own CancelledError becomes twistlike's, so cancellation reads the same on both
    sides). Cancelling it cancels the foreign Deferred.

    Never raises: if the foreign Deferred's ``addCallbacks`` fails, the result is a failed
    Deferred.

    Args:
        obj: A value user code returned or yielded.
        keep: Leave a successful result in the foreign Deferred (a coroutine awaiting
            Twisted's Deferred reads the result from it when resumed). By default the
            foreign chain ends with None, as Twisted's own chaining leaves it.
    """
    if isinstance(obj, Deferred):
        return obj
    cls = type(obj)
    if cls not in _FOREIGN:
        try:
            foreign = all(
                callable(getattr(cls, name, None)) for name in ("addCallbacks", "addBoth", "cancel")
            )
            if foreign and not hasattr(obj, "called"):
                return obj
        except Exception:
            # A class whose attribute lookup fails is not a Deferred: the value passes on.
            foreign = False
        if not foreign:
            if len(PLAIN_RESULT_TYPES) < _NOT_FOREIGN_LIMIT:
                PLAIN_RESULT_TYPES.add(cls)
            return obj
        _FOREIGN.add(cls)
    return _adopt(obj, keep)


def _adopt(foreign: Any, keep: bool) -> Deferred[Any]:
    d: Deferred[Any] = Deferred(lambda _: foreign.cancel())

    def succeeded(result: Any) -> Any:
        if isinstance(result, Deferred):
            # A Twisted callback returned one of ours: Twisted sees a plain value; we chain.
            result.chainDeferred(d)
        else:
            d.callback(result)
        return result if keep else None

    def failed(failure: Any) -> None:
        d.errback(_fromForeignFailure(failure))

    try:
        foreign.addCallbacks(succeeded, failed)
    except BaseException:
        return fail(Failure(captureVars=Deferred.debug))
    return d


def _fromForeignFailure(failure: Any) -> Failure:
    """A twistlike Failure for what a foreign Deferred failed with (Twisted's Failure)."""
    if isinstance(failure, Failure):
        return failure
    # Twisted's Failure is itself a BaseException: look for the exception it wraps first.
    value = getattr(failure, "value", None)
    if not isinstance(value, BaseException):
        value = failure
    if not isinstance(value, BaseException):
        value = TypeError(f"a foreign Deferred failed with {failure!r}, not an exception")
    tb = getattr(failure, "tb", None) or value.__traceback__
    cls = type(value)
    if cls.__name__ == "CancelledError" and cls.__module__.startswith("twisted."):
        cancelled = CancelledError(*value.args)
        cancelled.__context__ = value
        return Failure(cancelled, CancelledError, tb)
    return Failure(value, cls, tb)


_chain.install(
    failure=Failure,
    debug_info=DebugInfo,
    already_called=AlreadyCalledError,
    where=_where,
    passthru=passthru,
    plain_result_types=PLAIN_RESULT_TYPES,
    adopt=adopt_if_foreign,
)


# --------------------------------------------------------------------------------------------
# The asyncio edges: implemented in twistlike._aio.bridge, which installs them here

_BRIDGE = "twistlike._aio.bridge"


def install_edges(
    *,
    await_pending: Callable[[Deferred[Any]], Generator[Any, Any, Any]],
    as_future: Callable[[Deferred[Any], asyncio.AbstractEventLoop], asyncio.Future[Any]],
    from_future: Callable[[type[Deferred[Any]], asyncio.Future[Any]], Deferred[Any]],
    run_coroutine: Callable[[type[Deferred[Any]], Coroutine[Any, Any, Any]], Deferred[Any]],
) -> None:
    """Give the Deferred its asyncio edges (called once, by the bridge module's import).

    The functions are kept as module globals, so the hot path (``await`` of a pending
    Deferred) costs one global lookup more than a method defined in place.
    """
    global _await_pending, _as_future, _from_future, _run_coroutine
    _await_pending = await_pending
    _chain.set_edges(await_pending=await_pending)
    _as_future = as_future
    _from_future = from_future
    _run_coroutine = run_coroutine


def _loadBridge() -> None:
    # By name, so that this module has no import-time dependency on the asyncio side.
    importlib.import_module(_BRIDGE)


def _lazyAwaitPending(d: Deferred[Any]) -> Generator[Any, Any, Any]:
    _loadBridge()
    return _await_pending(d)


def _lazyAsFuture(d: Deferred[Any], loop: asyncio.AbstractEventLoop) -> asyncio.Future[Any]:
    _loadBridge()
    return _as_future(d, loop)


def _lazyFromFuture(cls: type[Deferred[Any]], future: asyncio.Future[Any]) -> Deferred[Any]:
    _loadBridge()
    return _from_future(cls, future)


def _lazyRunCoroutine(cls: type[Deferred[Any]], coro: Coroutine[Any, Any, Any]) -> Deferred[Any]:
    _loadBridge()
    return _run_coroutine(cls, coro)


# Until the bridge is imported, each edge imports it and then calls its real implementation.
_await_pending: Callable[[Deferred[Any]], Generator[Any, Any, Any]] = _lazyAwaitPending
_as_future: Callable[[Deferred[Any], asyncio.AbstractEventLoop], asyncio.Future[Any]] = (
    _lazyAsFuture
)
_from_future: Callable[[type[Deferred[Any]], asyncio.Future[Any]], Deferred[Any]] = _lazyFromFuture
_run_coroutine: Callable[[type[Deferred[Any]], Coroutine[Any, Any, Any]], Deferred[Any]] = (
    _lazyRunCoroutine
)


_chain.set_edges(await_pending=_lazyAwaitPending)


def await_edges(
    *,
    get_running_loop: Callable[[], asyncio.AbstractEventLoop],
    future_type: type[asyncio.Future[Any]],
    cancelled_error: type[BaseException],
    task_cancelled: Callable[[Deferred[Any], asyncio.Future[Any]], bool],
    awaitable: Callable[[Failure], BaseException],
) -> Callable[[Deferred[Any]], Generator[Any, Any, Any]]:
    """Give the chain engine's ``await`` its asyncio pieces; return ``await_pending`` for
    :func:`install_edges`.

    ``await`` of a pending Deferred and the handover to the Future the Task waits on run in
    the chain engine (compiled with it, when it is); the bridge supplies the asyncio parts
    (see ``twistlike._core.chain.set_await_edges`` for what each one does).
    """
    _chain.set_await_edges(
        get_running_loop=get_running_loop,
        future_type=future_type,
        cancelled_error=cancelled_error,
        task_cancelled=task_cancelled,
        awaitable=awaitable,
    )
    return _chain.await_pending


def _isFuture(obj: object) -> bool:
    """``asyncio.isfuture`` without importing asyncio: the future protocol's own marker."""
    return (
        hasattr(type(obj), "_asyncio_future_blocking")
        and getattr(obj, "_asyncio_future_blocking", None) is not None
    )


#: The ``await`` of a Deferred that has fired: its result at once, no loop turn.
_fired: Callable[[Deferred[Any]], Generator[Any, Any, Any]] = _chain.fired


_NOTHING: Any = object()


@overload
def ensureDeferred(coro: Deferred[_T]) -> Deferred[_T]: ...


@overload
def ensureDeferred(coro: Coroutine[Any, Any, _T] | Generator[Any, Any, _T]) -> Deferred[_T]: ...


@overload
def ensureDeferred(coro: ForeignDeferred[_T]) -> Deferred[_T]: ...


def ensureDeferred(
    coro: Coroutine[Any, Any, _T] | Generator[Any, Any, _T] | Deferred[_T] | ForeignDeferred[_T],
) -> Deferred[_T]:
    """Run a coroutine and return a Deferred of its result; a Deferred is returned as is.

    Twisted: twisted.internet.defer.ensureDeferred.
    asyncio: while a loop runs, the coroutine runs in a real asyncio Task.

    The coroutine starts at once, in a copy of the current contextvars context, and may await
    Deferreds and asyncio awaitables (futures, tasks, ``asyncio.sleep``). Cancelling the
    returned Deferred cancels what the coroutine waits on: an awaited Deferred is cancelled (the
    coroutine sees :class:`CancelledError` there, as in Twisted); an awaited asyncio object is
    cancelled through the Task (the coroutine sees ``asyncio.CancelledError``). If the
    coroutine lets the error escape, the Deferred fails with :class:`CancelledError`.

    A real Twisted Deferred gives a twistlike Deferred of its outcome (so plain asyncio code
    can ``await ensureDeferred(twisted_deferred)``; docs/porting.md, "Mixing with real
    Twisted").

    Raises:
        NotACoroutineError: ``coro`` is neither a coroutine nor a Deferred.
    """
    if isinstance(coro, Deferred):
        return coro
    adopted = adopt_if_foreign(coro)
    if adopted is not coro:
        return cast(Deferred[_T], adopted)
    try:
        return Deferred.fromCoroutine(coro)
    except NotACoroutineError:
        raise NotACoroutineError(f"{coro!r} is not a coroutine or a Deferred") from None


# --------------------------------------------------------------------------------------------
# Helpers


def succeed(result: _T) -> Deferred[_T]:
    """Return a Deferred that has already fired with ``result``.

    Twisted: twisted.internet.defer.succeed.
    """
    if Deferred.debug or isinstance(result, (Deferred, Failure)):
        d: Deferred[_T] = Deferred()
        d.callback(result)
        return d
    if _COMPILED:
        # The compiled constructor is cheaper than anything done from here.
        d = Deferred()
        d.called = True
        d.result = result
        return d
    # The common case, built in place: a fired Deferred with no callbacks to run. (It is on
    # the hot path of every callback that returns succeed(x).)
    d = _newDeferred(Deferred)
    d._callbacks = None
    d._canceller = None
    d.paused = 0
    d._runningCallbacks = False
    d._suppressAlreadyCalled = False
    d._chainedTo = None
    d._debugInfo = None
    d._waiter = None
    d.called = True
    d.result = result
    return d


_newDeferred = object.__new__


def fail(result: Failure | BaseException | None = None) -> Deferred[Any]:
    """Return a Deferred that has already failed with ``result``.

    Twisted: twisted.internet.defer.fail.

    ``result`` None wraps the exception being handled.
    """
    d: Deferred[Any] = Deferred()
    d.errback(result)
    return d


def execute(callable: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> Deferred[_T]:
    """Call ``callable`` now and return a fired Deferred of its result or exception.

    Twisted: twisted.internet.defer.execute.
    """
    try:
        result = callable(*args, **kwargs)
    except BaseException:
        return fail()
    return succeed(result)


@overload
def maybeDeferred(
    f: Callable[_P, Deferred[_T]], *args: _P.args, **kwargs: _P.kwargs
) -> Deferred[_T]: ...


@overload
def maybeDeferred(
    f: Callable[_P, Coroutine[Any, Any, _T]], *args: _P.args, **kwargs: _P.kwargs
) -> Deferred[_T]: ...


@overload
def maybeDeferred(f: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> Deferred[_T]: ...


def maybeDeferred(f: Callable[..., Any], *args: Any, **kwargs: Any) -> Deferred[Any]:
    """Call ``f`` and always return a Deferred.

    Twisted: twisted.internet.defer.maybeDeferred.

    A Deferred result is returned as is (a real Twisted one is adopted: the result is a
    twistlike Deferred of it); a coroutine is run with ``Deferred.fromCoroutine``;
    a Failure or a raised exception gives a failed Deferred; any other value a fired one.
    """
    try:
        result = f(*args, **kwargs)
    except BaseException:
        return fail(Failure(captureVars=Deferred.debug))
    if isinstance(result, Deferred):
        return result
    if type(result) not in PLAIN_RESULT_TYPES:
        result = adopt_if_foreign(result)
        if isinstance(result, Deferred):
            return result
    if isinstance(result, Failure):
        return fail(result)
    if type(result) is types.CoroutineType:
        return Deferred.fromCoroutine(result)
    return succeed(result)


def logError(err: Failure) -> Failure:
    """Log ``err`` and return it, so the chain keeps failing; usable as an errback.

    Twisted: twisted.internet.defer.logError.
    """
    log_failure(err, "Unhandled Error", namespace="twistlike.defer")
    return err


# --------------------------------------------------------------------------------------------
# inlineCallbacks


class _DefGen_Return(BaseException):
    def __init__(self, value: object) -> None:
        super().__init__(value)
        self.value = value


def returnValue(val: object) -> NoReturn:
    """Return ``val`` from an ``inlineCallbacks`` generator (deprecated: use ``return``).

    Twisted: twisted.internet.defer.returnValue.
    """
    warnings.warn(
        # Twisted's text, with this library's module name.
        "twistlike.defer.returnValue was deprecated in Twisted 24.7.0; please use standard "
        "return statement instead",
        DeprecationWarning,
        stacklevel=2,
    )
    raise _DefGen_Return(val)


class _InlineCallbacks(Generic[_T]):
    """Drives one ``inlineCallbacks`` generator, synchronously, as Twisted does."""

    __slots__ = ("_context", "_deferred", "_gen", "_waitingOn")

    def __init__(self, gen: Generator[Any, Any, _T]) -> None:
        self._gen = gen
        self._context = contextvars.copy_context()
        self._waitingOn: Deferred[Any] | None = None
        self._deferred: Deferred[_T] = Deferred(self._cancel)

    def _cancel(self, d: Deferred[Any]) -> None:
        waiting = self._waitingOn
        if waiting is None:
            return
        # The generator decides: it sees CancelledError at its yield and may recover.
        self._deferred = fire_with_pending(d, self._cancel)
        waiting.cancel()

    def _step(self, result: Any) -> None:
        gen = self._gen
        run = self._context.run
        while True:
            # The outcome is delivered after the except clause, not inside it: callbacks run
            # by callback() (another generator resuming) must not see the StopIteration as
            # the __context__ of their own exceptions.
            outcome: Any = _NOTHING
            try:
                if isinstance(result, Failure):
                    yielded = run(result.throwExceptionIntoGenerator, gen)
                else:
                    yielded = run(gen.send, result)
            except StopIteration as e:
                outcome = e.value
            except _DefGen_Return as e:
                _warnIfNested(e, isinstance(result, Failure))
                outcome = e.value
            except BaseException:
                outcome = Failure(captureVars=Deferred.debug)
            if outcome is not _NOTHING:
                self._waitingOn = None
                if isinstance(outcome, Failure):
                    self._deferred.errback(outcome)
                else:
                    self._deferred.callback(outcome)
                return
            if type(yielded) is Deferred:
                pass
            elif isinstance(yielded, types.CoroutineType):
                yielded = Deferred.fromCoroutine(yielded)
            elif isinstance(yielded, types.GeneratorType):
                # Twisted runs a yielded generator as a nested inlineCallbacks generator.
                yielded = _runInline(yielded)
            elif _isFuture(yielded):
                # Divergence from Twisted: an asyncio future is waited on, not sent back.
                yielded = Deferred.fromFuture(yielded)
            elif type(yielded) not in PLAIN_RESULT_TYPES:
                yielded = adopt_if_foreign(yielded)
            if not isinstance(yielded, Deferred):
                result = yielded
                continue
            # Wait on it; if it has fired already, continue in this loop (no recursion).
            box: list[Any] = [_NOTHING, True]

            def gotResult(r: Any, box: list[Any] = box) -> None:
                if box[1]:
                    box[0] = r
                else:
                    self._step(r)

            yielded.addBoth(gotResult)
            if box[0] is not _NOTHING:
                result = box[0]
                continue
            box[1] = False
            self._waitingOn = yielded
            return


def _warnIfNested(e: _DefGen_Return, thrownIn: bool) -> None:
    """Warn, as Twisted does, when returnValue() was called from a function the generator
    called rather than by the generator itself (it then ends the generator anyway)."""
    # e's traceback: _step (this driver) -> [Failure.throwExceptionIntoGenerator] -> the
    # generator -> ... -> returnValue.
    appCode = e.__traceback__.tb_next if e.__traceback__ is not None else None
    if thrownIn and appCode is not None:
        appCode = appCode.tb_next
    if appCode is None or appCode.tb_next is None or appCode.tb_next.tb_next is None:
        return
    caller = appCode.tb_next
    while caller.tb_next is not None and caller.tb_next.tb_next is not None:
        caller = caller.tb_next
    warnings.warn_explicit(
        f"returnValue() in {caller.tb_frame.f_code.co_name!r} causing "
        f"{appCode.tb_frame.f_code.co_name!r} to exit: returnValue should only be invoked by "
        "functions decorated with inlineCallbacks",
        DeprecationWarning,
        caller.tb_frame.f_code.co_filename,
        caller.tb_lineno,
    )


def inlineCallbacks(f: Callable[_P, Generator[Any, Any, _T]]) -> Callable[_P, Deferred[_T]]:
    """Decorate a generator function so that it can ``yield`` Deferreds and get their results.

    Twisted: twisted.internet.defer.inlineCallbacks.

    The generator runs synchronously until it yields a Deferred that has not fired; it resumes
    when it fires. Yielding a coroutine runs it (``Deferred.fromCoroutine``); yielding an
    asyncio future waits for it. ``return x`` (or the deprecated ``returnValue(x)``) fires the
    returned Deferred. Cancelling that Deferred cancels the Deferred being waited on.
    """

    @functools.wraps(f)
    def unwindGenerator(*args: _P.args, **kwargs: _P.kwargs) -> Deferred[Any]:
        try:
            gen = f(*args, **kwargs)
        except _DefGen_Return:
            raise TypeError(
                f"inlineCallbacks requires {f!r} to produce a generator; instead caught "
                "returnValue being used in a non-generator"
            ) from None
        if not isinstance(gen, types.GeneratorType):
            raise TypeError(
                f"inlineCallbacks requires {f!r} to produce a generator; instead got {gen!r}"
            )
        return _runInline(gen)

    return unwindGenerator


def _runInline(gen: Generator[Any, Any, _T]) -> Deferred[_T]:
    driver: _InlineCallbacks[_T] = _InlineCallbacks(gen)
    d = driver._deferred
    driver._step(None)
    return d

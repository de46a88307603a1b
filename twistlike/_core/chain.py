"""The hot half of :class:`~twistlike._core.deferred.Deferred`: its state and the chain engine.

:class:`DeferredBase` holds a Deferred's slots and the methods every Deferred runs (creation,
``addCallback`` and friends, ``callback``/``errback``, ``cancel`` and the chain loop
``_runCallbacks``). The public, generic :class:`~twistlike._core.deferred.Deferred` is a plain
Python subclass of it, so users subclass and monkeypatch Deferred exactly as before.

This module is written to be compiled by mypyc (the optional accelerator, see
:mod:`twistlike._core.engine` and ``hatch_build.py``): the build compiles a copy of it as
``twistlike._core.chain_c``. This file itself always stays importable as pure Python, and is
what runs when there is no compiled copy or when ``TWISTLIKE_PURE_PYTHON=1``. So: no imports
of other twistlike modules at run time (the compiled copy is built without them); what the
engine needs from the Deferred module (Failure, the errors, the debug bookkeeping, the asyncio
handover) is handed in once by :func:`install`.
"""

from __future__ import annotations

import sys
import traceback
import warnings
import weakref
from collections.abc import Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeVar

_C = TypeVar("_C")

try:
    from mypy_extensions import mypyc_attr
except ImportError:  # pragma: no cover - mypy_extensions comes with mypy; run time never needs it

    def mypyc_attr(*attrs: str, **kwattrs: object) -> Callable[[_C], _C]:
        def identity(cls: _C) -> _C:
            return cls

        return identity


if TYPE_CHECKING:
    from twistlike._core.deferred import DebugInfo
    from twistlike.failure import Failure

__all__ = [
    "CONTINUE",
    "HANDOVER",
    "DeferredBase",
    "await_pending",
    "fired",
    "install",
    "run_callbacks",
    "set_await_edges",
    "set_edges",
    "settle_future",
]

# A callback entry is a 6-tuple: (callback, args, kwargs, errback, args, kwargs). A None
# function means "pass the result through" (Twisted's passthru), and args/kwargs of None mean
# "no extra arguments" so the common case calls fn(result) directly. (Typed as a tuple of any
# length: compiled, indexing one is cheaper than unpacking all six fields.)
_Entry = tuple[Any, ...]

CONTINUE: Final[Any] = object()  # marks the entry that resumes a Deferred waiting on this one
HANDOVER: Final[Any] = object()  # marks the entry that hands the result to an awaiting Task


class _Hooks:
    """What the engine gets from outside: from the Deferred module (:func:`install`), and
    from the asyncio bridge (:func:`set_edges`, :func:`set_await_edges`).

    (Attributes of one object rather than module globals: compiled, reading one is a load
    from a C struct instead of a dictionary lookup.)
    """

    def __init__(self) -> None:
        # Filled in at import, before any Deferred exists (see install()).
        self.failure: Any = None  # type[Failure]
        self.debugInfo: Any = None  # type[DebugInfo]
        self.alreadyCalled: type[Exception] = Exception
        self.where: Callable[[object], tuple[str, int]] = _noWhere
        self.passthru: Callable[[Any], Any] = _identity
        # Foreign (real Twisted) Deferreds: the classes of ordinary results, and what adopts
        # anything else (see the Deferred module's adopt_if_foreign).
        self.plain: set[type] = set()
        self.adopt: Callable[[Any], Any] = _identity
        # The asyncio edges; getRunningLoop stays None until the bridge is loaded.
        self.awaitPending: Callable[[Any], Generator[Any, Any, Any]] = await_pending
        self.getRunningLoop: Callable[[], Any] | None = None
        self.taskCancelledError: type[BaseException] = BaseException
        self.taskCancelled: Callable[[Any, Any], bool] = _neverCancelled
        self.awaitable: Callable[[Any], BaseException] = _noAwaitable
        # asyncio.Future and its set_result/result, called directly for exact Futures (a
        # loop's create_future may make a subclass; that one gets ordinary method calls).
        # (The two methods are read only once futureType is set, by set_await_edges.)
        self.futureType: type | None = None
        self.setResult: Any = None
        self.getResult: Any = None
        # The loop the last await ran on, and a weak reference to what proves it still
        # runs in this thread (Python 3.11 only; see _runningLoop).
        self.lastLoop: tuple[weakref.ref[Any], Any] | None = None


def _noWhere(fn: object) -> tuple[str, int]:
    return ("<unknown>", 0)


def _identity(result: Any) -> Any:
    return result


def _neverCancelled(d: Any, future: Any) -> bool:
    return True


def _noAwaitable(failure: Any) -> BaseException:
    return RuntimeError(failure)


def install(
    *,
    failure: type[Failure],
    debug_info: type[DebugInfo],
    already_called: type[Exception],
    where: Callable[[object], tuple[str, int]],
    passthru: Callable[[Any], Any],
    plain_result_types: set[type],
    adopt: Callable[[Any], Any],
) -> None:
    """Hand the engine what it needs from the Deferred module (called once, at its import).

    ``plain_result_types`` is shared, not copied: ``adopt`` adds the classes it finds
    ordinary, and the chain loop asks only ``type(result) in`` it after each callback.
    """
    hooks = _hooks
    hooks.plain = plain_result_types
    hooks.adopt = adopt
    hooks.failure = failure
    hooks.debugInfo = debug_info
    hooks.alreadyCalled = already_called
    hooks.where = where
    hooks.passthru = passthru


def set_edges(*, await_pending: Callable[[Any], Generator[Any, Any, Any]]) -> None:
    """Set what ``await`` of a pending Deferred runs until the asyncio bridge has called
    :func:`set_await_edges` (the Deferred module's lazy edge, which loads the bridge)."""
    _hooks.awaitPending = await_pending


def set_await_edges(
    *,
    get_running_loop: Callable[[], Any],
    future_type: type,
    cancelled_error: type[BaseException],
    task_cancelled: Callable[[Any, Any], bool],
    awaitable: Callable[[Any], BaseException],
) -> None:
    """Give :func:`await_pending` and :func:`settle_future` the asyncio pieces they use.

    From then on ``await`` of a pending Deferred runs :func:`await_pending`.

    Args:
        get_running_loop: ``asyncio.get_running_loop``.
        future_type: ``asyncio.Future``.
        cancelled_error: ``asyncio.CancelledError``.
        task_cancelled: called as ``task_cancelled(d, future)`` when the Task waiting on
            ``future`` for ``d`` gets a CancelledError; returns True when the Task itself is
            being cancelled (then it has dealt with ``d``, and the error propagates), False
            when ``d`` is to be cancelled and waited on again.
        awaitable: the exception an ``await`` of a Deferred failing with a Failure raises.
    """
    hooks = _hooks
    hooks.taskCancelledError = cancelled_error
    hooks.taskCancelled = task_cancelled
    hooks.awaitable = awaitable
    hooks.futureType = future_type
    hooks.setResult = future_type.set_result  # type: ignore[attr-defined]
    hooks.getResult = future_type.result  # type: ignore[attr-defined]
    hooks.getRunningLoop = get_running_loop


_FILE = __file__


def _stack() -> list[str]:
    """The formatted call stack up to the caller of this module's methods.

    (Run as pure Python, this module's own frames are on the stack and are left out;
    compiled, its functions make no frames.)
    """
    frames = traceback.extract_stack()
    while frames and frames[-1].filename == _FILE:
        frames.pop()
    return traceback.format_list(frames)


def _checked(fn: object, what: str) -> None:
    if not callable(fn):
        raise TypeError(f"{what} must be callable, got {fn!r}")


@mypyc_attr(allow_interpreted_subclasses=True)
class DeferredBase:
    """A Deferred's state and hot methods; see :class:`twistlike._core.deferred.Deferred`."""

    __slots__ = (
        "_callbacks",
        "_canceller",
        "_chainedTo",
        "_debugInfo",
        "_runningCallbacks",
        "_suppressAlreadyCalled",
        "_waiter",
        "called",
        "paused",
        "result",
    )

    #: Class-wide debugging switch; see ``setDebugging``.
    debug: ClassVar[bool] = False

    called: bool
    paused: int
    result: Any

    def __init__(self, canceller: Callable[[Any], None] | None = None) -> None:
        # (Made by the first entry: a Deferred that is only awaited or only fired never
        # needs one.)
        self._callbacks: list[_Entry] | None = None
        self._canceller = canceller
        self.called = False
        self.paused = 0
        self._runningCallbacks = False
        self._suppressAlreadyCalled = False
        self._chainedTo: DeferredBase | None = None
        self._debugInfo: DebugInfo | None = None
        # The Future of an asyncio Task awaiting this Deferred: the chain's last entry, kept
        # out of the list while it is the last (see await_pending and _entries).
        self._waiter: Any = None
        if self.debug:
            info = self._debugInfo = _hooks.debugInfo()
            info.creator = _stack()

    # ---- adding callbacks ------------------------------------------------------------------

    def addCallbacks(
        self,
        callback: Any,
        errback: Any = None,
        callbackArgs: tuple[Any, ...] = (),
        callbackKeywords: Mapping[str, Any] = {},
        errbackArgs: tuple[Any, ...] = (),
        errbackKeywords: Mapping[str, Any] = {},
    ) -> Any:
        """Add a callback and an errback at the same position in the chain.

        Twisted: twisted.internet.defer.Deferred.addCallbacks.

        ``errback=None`` passes failures through. Returns this Deferred.
        """
        _checked(callback, "callback")
        if errback is not None:
            _checked(errback, "errback")
        callbacks = self._callbacks
        if callbacks is None:
            callbacks = self._callbacks = []
        if self._waiter is not None:
            _entries(self)
        callbacks.append(
            (
                callback,
                callbackArgs or None,
                callbackKeywords or None,
                errback,
                errbackArgs or None,
                errbackKeywords or None,
            )
        )
        if self.called:
            run_callbacks(self)
        return self

    def addCallback(self, callback: Any, *args: Any, **kwargs: Any) -> Any:
        """Add a callback; failures pass it by. Extra arguments follow the result.

        Twisted: twisted.internet.defer.Deferred.addCallback.
        """
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {callback!r}")
        callbacks = self._callbacks
        if callbacks is None:
            callbacks = self._callbacks = []
        if self._waiter is not None:
            _entries(self)
        callbacks.append((callback, args or None, kwargs or None, None, None, None))
        if self.called:
            run_callbacks(self)
        return self

    def addErrback(self, errback: Any, *args: Any, **kwargs: Any) -> Any:
        """Add an errback; results pass it by. It gets the Failure and extra arguments.

        Twisted: twisted.internet.defer.Deferred.addErrback.
        """
        if not callable(errback):
            raise TypeError(f"errback must be callable, got {errback!r}")
        callbacks = self._callbacks
        if callbacks is None:
            callbacks = self._callbacks = []
        if self._waiter is not None:
            _entries(self)
        callbacks.append((None, None, None, errback, args or None, kwargs or None))
        if self.called:
            run_callbacks(self)
        return self

    def addBoth(self, callback: Any, *args: Any, **kwargs: Any) -> Any:
        """Add one function as both callback and errback.

        Twisted: twisted.internet.defer.Deferred.addBoth.
        """
        if not callable(callback):
            raise TypeError(f"callback must be callable, got {callback!r}")
        a = args or None
        k = kwargs or None
        callbacks = self._callbacks
        if callbacks is None:
            callbacks = self._callbacks = []
        if self._waiter is not None:
            _entries(self)
        callbacks.append((callback, a, k, callback, a, k))
        if self.called:
            run_callbacks(self)
        return self

    # ---- firing ----------------------------------------------------------------------------

    def callback(self, result: Any) -> None:
        """Fire the chain with a successful result.

        Twisted: twisted.internet.defer.Deferred.callback.

        Raises:
            AlreadyCalledError: this Deferred already fired.
            AssertionError: ``result`` is a Deferred (Twisted's rule; chain it instead).
        """
        if self.called or self.debug:
            self._startRunCallbacks(result)
            return
        if isinstance(result, DeferredBase):
            raise AssertionError(
                f"callback() got a Deferred ({result!r}); return it from a callback instead"
            )
        # The common case, inlined: it is the hot path of every Deferred.
        self.called = True
        self.result = result
        # As Twisted: a fired Deferred drops its canceller (and the cycle it may close).
        self._canceller = None
        if self._callbacks:
            run_callbacks(self)
        elif self._waiter is not None:
            if self._chainedTo is None and not self.paused:
                # Only an awaiting Task waits (the common `await d`): what the chain loop
                # would do, without the loop. (A handed-over result is consumed, Failure or
                # not: no bookkeeping is left to do.)
                future = self._waiter
                self._waiter = None
                left = self.result = settle_future(result, future)
                if left is None:
                    return
                # The Task stopped waiting; the outcome stays here, and a Failure gets the
                # end-of-chain bookkeeping (logged if nobody handles it).
            run_callbacks(self)
        elif self._chainedTo is not None or isinstance(result, _hooks.failure):
            # (With no callbacks, a Failure still needs the end-of-chain bookkeeping so that
            # it is logged if nobody handles it.)
            run_callbacks(self)

    def errback(self, fail: Any = None) -> None:
        """Fire the chain with a failure.

        Twisted: twisted.internet.defer.Deferred.errback.

        ``fail`` may be a Failure, an exception, or None to wrap the exception being handled.
        """
        if fail is None:
            fail = _hooks.failure(captureVars=self.debug)
        elif not isinstance(fail, _hooks.failure):
            fail = _hooks.failure(fail)
        self._startRunCallbacks(fail)

    def _startRunCallbacks(self, result: object) -> None:
        if self.called:
            if self._suppressAlreadyCalled:
                # cancel() without a canceller swallows exactly one later fire.
                self._suppressAlreadyCalled = False
                return
            if self.debug:
                info = self._debugInfo
                raise _hooks.alreadyCalled("\n" + (info.stacks() if info is not None else ""))
            raise _hooks.alreadyCalled()
        if self.debug:
            if self._debugInfo is None:
                self._debugInfo = _hooks.debugInfo()
            self._debugInfo.invoker = _stack()
        self.called = True
        self.result = result
        # As Twisted: a fired Deferred drops its canceller (and the cycle it may close).
        self._canceller = None
        run_callbacks(self)

    def pause(self) -> None:
        """Stop processing callbacks until ``unpause()``.

        Twisted: twisted.internet.defer.Deferred.pause.
        """
        self.paused += 1

    def unpause(self) -> None:
        """Undo one ``pause()``; when none is left, run pending callbacks.

        Twisted: twisted.internet.defer.Deferred.unpause.
        """
        self.paused -= 1
        if self.paused:
            return
        if self.called:
            run_callbacks(self)

    def _runCallbacks(self) -> None:
        """Run callbacks until the chain is empty, paused, or waiting on another Deferred."""
        run_callbacks(self)

    def __await__(self) -> Generator[Any, Any, Any]:
        """Wait for this Deferred from a coroutine.

        Twisted: twisted.internet.defer.Deferred.__await__.
        asyncio: works inside any asyncio task (default loop, uvloop): the task waits on an
        asyncio Future; cancelling the task cancels this Deferred and raises
        ``asyncio.CancelledError`` at the ``await``.

        A Deferred that has already fired gives its result (or raises its failure) at once,
        without a loop turn, and keeps it. Waiting on a pending Deferred consumes its result:
        afterwards the Deferred's own result is None, as in Twisted.
        """
        if self.called and not self.paused:
            return fired(self)
        if _hooks.getRunningLoop is None:
            # The asyncio bridge is not loaded yet: this loads it, then awaits.
            return _hooks.awaitPending(self)
        return await_pending(self)


# --------------------------------------------------------------------------------------------
# The chain engine


def run_callbacks(self: DeferredBase) -> None:
    """Run ``self``'s callbacks until the chain is empty, paused, or waiting on a Deferred.

    A stack of Deferreds replaces recursion: when a Deferred that others wait on gets its
    result, the waiter is pushed and processed in this same loop.
    """
    if self._runningCallbacks:
        # Re-entrant call from one of our own callbacks (it added a callback): the loop
        # below picks the new entry up.
        return
    current: DeferredBase = self
    chain: list[DeferredBase] | None = None
    debug = self.debug
    Failure = _hooks.failure
    plain = _hooks.plain
    while True:
        if current.paused:
            # Nothing more can happen until it is unpaused; whoever waits on it, waits.
            return
        if current._chainedTo is not None:
            current._chainedTo = None
        callbacks = current._callbacks
        result: Any = current.result
        finished = True
        waiting = False
        if callbacks:
            i = 0
            current._runningCallbacks = True
            try:
                # Iterating the list itself sees entries appended by the callbacks.
                for entry in callbacks:
                    i += 1
                    if isinstance(result, Failure):
                        fn = entry[3]
                        if fn is None:
                            continue
                        args = entry[4]
                        kwargs = entry[5]
                    else:
                        fn = entry[0]
                        if fn is None:
                            if not isinstance(result, DeferredBase):
                                continue
                            # Twisted's passthru is a real call, and its Deferred result
                            # is waited on like any other (after an early unpause()).
                            fn = _hooks.passthru
                        args = entry[1]
                        kwargs = entry[2]
                    if fn is HANDOVER:
                        # An asyncio Task awaits this Deferred: give it the outcome (see
                        # await_pending and settle_future; the handover never raises).
                        current.result = result = settle_future(result, args)
                        continue
                    if fn is CONTINUE:
                        # `current` fired while `args` waited on it: hand the result over.
                        waiter: DeferredBase = args
                        waiter.result = result
                        current.result = None
                        if current._debugInfo is not None:
                            current._debugInfo.failure = None
                        waiter.paused -= 1
                        if chain is None:
                            chain = [current]
                        chain.append(waiter)
                        finished = False
                        break
                    try:
                        if args is None:
                            if kwargs is None:
                                result = fn(result)
                            else:
                                result = fn(result, **kwargs)
                        elif kwargs is None:
                            result = fn(result, *args)
                        else:
                            result = fn(result, *args, **kwargs)
                        if result is current:
                            # Inside the try, as in Twisted: a warning turned into an
                            # error fails the chain instead of escaping callback().
                            warnings.warn_explicit(
                                "Callback returned the Deferred it was attached to; this "
                                "breaks the callback chain and will raise an exception "
                                "in the future.",
                                DeprecationWarning,
                                *_hooks.where(fn),
                            )
                    except BaseException:
                        # (Failure() without arguments is the fast constructor.)
                        result = Failure(captureVars=True) if debug else Failure()
                    current.result = result
                    if type(result) in plain:
                        # The common case: one set lookup (no isinstance call).
                        continue
                    if not isinstance(result, DeferredBase):
                        # A class not seen before, or a foreign (Twisted) Deferred.
                        current.result = result = _hooks.adopt(result)
                    if isinstance(result, DeferredBase):
                        if (
                            not result.called
                            or result.paused
                            or isinstance(result.result, DeferredBase)
                        ):
                            # Wait for it: resume when it fires.
                            waiting = True
                            current.paused += 1
                            current._chainedTo = result
                            _entries(result).append(
                                (CONTINUE, current, None, CONTINUE, current, None)
                            )
                            break
                        # Already has a result: take it over, leaving None behind.
                        inner = result.result
                        result.result = None
                        if result._debugInfo is not None:
                            result._debugInfo.failure = None
                        current.result = result = inner
            finally:
                current._runningCallbacks = False
                if i == len(callbacks):
                    # (The common case; compiled, cheaper than deleting a slice.)
                    callbacks.clear()
                else:
                    del callbacks[:i]
        if finished:
            future = current._waiter
            if future is not None and not waiting:
                # The chain's last entry: the awaiting Task's Future (see await_pending).
                current._waiter = None
                current.result = settle_future(current.result, future)
            result = current.result
            if isinstance(result, Failure):
                # Remember the failure, to be logged if nobody handles it. Its traceback
                # is kept (as Twisted does): awaiting the Deferred re-raises with it.
                info = current._debugInfo
                if info is None:
                    info = current._debugInfo = _hooks.debugInfo()
                info.failure = result
            elif current._debugInfo is not None:
                current._debugInfo.failure = None
            if chain is None:
                return
            chain.pop()
            if not chain:
                return
        assert chain is not None  # (only a CONTINUE entry leaves the loop unfinished)
        current = chain[-1]


# --------------------------------------------------------------------------------------------
# await


def fired(d: DeferredBase) -> Generator[Any, Any, Any]:
    """The ``await`` of a Deferred that has fired: its result at once, no loop turn."""
    result = d.result
    if isinstance(result, _hooks.failure):
        if d._debugInfo is not None:
            d._debugInfo.failure = None
        result.raiseException()
    return result
    yield  # makes this a generator


def settle_future(result: Any, future: Any) -> Any:
    """The :data:`HANDOVER` to an asyncio Future a Task waits on: settle it, consume the result.

    A Failure is set as the future's *result*, and :func:`await_pending` raises it: the Task
    then resumes the awaiting coroutine with ``send`` rather than ``throw``, and the exception
    keeps its original traceback whatever the engine (a compiled generator cannot keep the
    traceback of an exception thrown into it).

    This runs inside ``callback()``/``errback()``, which must never raise anything but
    AlreadyCalledError: whatever goes wrong here stays here.
    """
    try:
        if type(future) is _hooks.futureType:
            _hooks.setResult(future, result)
        else:
            future.set_result(result)
    except Exception:
        # The Task stopped waiting (it was cancelled, and so was the future): leave the
        # outcome to whoever reads it next (the Task's own retry in await_pending, or what
        # task_cancelled added). Or the Task's loop is closed (set_result cannot schedule the
        # Task's wakeup): the Task will never run again. Either way the outcome stays in the
        # Deferred, as if nobody had awaited it, so a Failure is logged when the Deferred is
        # collected instead of being lost.
        return result
    return None


def _entries(d: DeferredBase) -> list[_Entry]:
    """``d``'s list of chain entries, to append one to: made if there is none yet, and with
    the waiting Future of an awaiting Task moved in first as an ordinary :data:`HANDOVER`
    entry (it kept its own slot only while it was the last entry)."""
    callbacks = d._callbacks
    if callbacks is None:
        callbacks = d._callbacks = []
    future = d._waiter
    if future is not None:
        d._waiter = None
        callbacks.append((HANDOVER, future, None, HANDOVER, future, None))
    return callbacks


def _delegate(inner: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
    """``yield from inner``, spelled out so that exceptions go in through the one-argument
    ``throw()``: compiled by mypyc, ``yield from`` passes a thrown-in exception on with the
    (type, value, traceback) signature that Python 3.12+ deprecates (a DeprecationWarning,
    an error under ``-W error``)."""
    send: Any = None
    thrown: BaseException | None = None
    while True:
        try:
            yielded = inner.send(send) if thrown is None else inner.throw(thrown)
        except StopIteration as stop:
            return stop.value
        send = thrown = None
        try:
            send = yield yielded
        except BaseException as e:  # (GeneratorExit too: inner decides, as with yield from)
            thrown = e


#: Python 3.11's ``asyncio.get_running_loop`` makes a ``getpid()`` system call each time (a
#: fork check), which costs more than the rest of an ``await``; 3.12 dropped it.
_SLOW_RUNNING_LOOP: Final = sys.version_info < (3, 12)
_asyncgenHooks: Final = sys.get_asyncgen_hooks


def _runningLoop() -> Any:
    """The event loop running in this thread, or None.

    On Python 3.11 the loop found last is remembered with proof that it still runs in this
    thread: the first-iteration hook for asynchronous generators that it installed for this
    thread when it started (PEP 525; asyncio and uvloop install a bound method of the loop,
    for the current thread only, and put the previous hooks back when they stop). While that
    very object is this thread's hook, its loop runs here. It is held weakly: when the loop
    stops and the hook object goes away, the remembered loop is let go with it. Loops that
    install no such hook are asked with ``get_running_loop`` each time; loops awaited in
    several threads at once take turns in the one remembered place.
    """
    getRunningLoop = _hooks.getRunningLoop
    assert getRunningLoop is not None  # (set before this is ever called)
    if not _SLOW_RUNNING_LOOP:
        try:
            return getRunningLoop()
        except RuntimeError:
            return None
    hook = _asyncgenHooks()[0]
    last = _hooks.lastLoop
    if hook is not None and last is not None and last[0]() is hook:
        # (Not for a missing hook: the remembered one may have died an instant ago in
        # another thread, its weak reference reading None before it is forgotten.)
        return last[1]
    try:
        loop = getRunningLoop()
    except RuntimeError:
        return None
    if hook is not None and getattr(hook, "__self__", None) is loop:
        _hooks.lastLoop = (weakref.ref(hook, _forgetLoop), loop)
    return loop


def _forgetLoop(ref: weakref.ref[Any]) -> None:
    """The remembered loop's hook is gone (the loop stopped): let go of the loop."""
    last = _hooks.lastLoop
    if last is not None and last[0] is ref:
        _hooks.lastLoop = None


def await_pending(d: DeferredBase) -> Generator[Any, Any, Any]:
    """``d.__await__()`` for a Deferred that has not fired (or is paused).

    Inside an asyncio Task the Task waits on a plain asyncio Future (at C speed), which the
    Deferred's chain settles (:func:`settle_future`) as its last entry: the Deferred's
    ``_waiter`` slot, or a :data:`HANDOVER` entry once entries follow it. If the Task is
    cancelled, the CancelledError arrives here on its next step and ``task_cancelled`` decides.
    With no loop running, the Deferred is yielded itself, as Twisted does (``d.__iter__``).
    """
    loop = _runningLoop()
    if loop is None:
        # No loop: wait as Twisted does, yielding the Deferred itself to whatever drives the
        # coroutine (twistlike's driver, or a test double iterating it). (Not inside the
        # except clause: compiled, a generator suspended there would leak the RuntimeError
        # as the context of later exceptions.)
        iterable: Any = d  # (Deferred.__iter__ is defined by the public subclass)
        return (yield from _delegate(iterable.__iter__()))
    while True:
        future = loop.create_future()
        if d._waiter is not None:
            # Another Task awaits it already: that one comes first.
            _entries(d)
        d._waiter = future
        if d.called:
            run_callbacks(d)
        if not d.called or not future.done():
            # The Task waits on the real Future through its fast path. (The future never
            # carries an exception, see settle_future: only the Task's own cancellation is
            # thrown in here.)
            try:
                # Not `yield from future`: compiled by mypyc, that passes a thrown-in
                # CancelledError on through throw()'s (type, value, traceback) signature,
                # which Python 3.12+ deprecates. What the future's own iterator does
                # instead: mark it as waited on (asyncio's future protocol) and yield it;
                # the Task resumes us once it is done.
                future._asyncio_future_blocking = True
                yield future
            except _hooks.taskCancelledError:
                if _hooks.taskCancelled(d, future):
                    raise
                # The Deferred returned by ensureDeferred was cancelled: as in Twisted, the
                # coroutine gets what the awaited Deferred gives after its own cancel()
                # (usually Twisted's CancelledError); the loop waits for that outcome.
                public: Any = d  # (cancel() is defined by the public subclass)
                public.cancel()
                continue
        if type(future) is _hooks.futureType:
            result = _hooks.getResult(future)
        else:
            result = future.result()
        if isinstance(result, _hooks.failure):
            raise _hooks.awaitable(result)
        return result


_hooks: Final = _Hooks()

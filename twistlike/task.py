"""Scheduling helpers: a deterministic clock, repeating calls, delayed results, cooperation.

Everything here takes any reactor-like clock (an object with ``callLater`` and ``seconds``):
the asyncio reactor, a :class:`Clock`, or a test double. Where Twisted defaults to the global
reactor (``LoopingCall.clock``, the default ``Cooperator`` scheduler), twistlike looks the
reactor up lazily, on first use, so importing this module never touches an event loop.

``react(main)`` runs the global reactor (``reactor.run()``) until ``main``'s result fires.

Twisted: twisted.internet.task.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, NoReturn, Protocol, TypeVar, cast

from zope.interface import implementer  # type: ignore[import-untyped, unused-ignore]

from twistlike._core.delayedcall import DelayedCall
from twistlike._core.log import log_failure
from twistlike._core.reflect import callable_name, safe_repr
from twistlike.defer import Deferred, ensureDeferred, maybeDeferred
from twistlike.error import ReactorNotRunning
from twistlike.failure import Failure
from twistlike.interfaces import IReactorTime

__all__ = [
    "Clock",
    "CooperativeTask",
    "Cooperator",
    "LoopingCall",
    "NotPaused",
    "SchedulerError",
    "SchedulerStopped",
    "TaskDone",
    "TaskFailed",
    "TaskFinished",
    "TaskStopped",
    "coiterate",
    "cooperate",
    "deferLater",
    "react",
]

_T = TypeVar("_T")
_TaskIteratorT = TypeVar("_TaskIteratorT", bound=Iterator[object])


class _DelayedCallLike(Protocol):
    """What this module needs from the handle a clock's ``callLater`` returns."""

    def cancel(self) -> None: ...

    def active(self) -> bool: ...


class _ReactorTime(Protocol):
    """What this module needs from a clock: Twisted's ``IReactorTime`` subset."""

    def seconds(self) -> float: ...

    def callLater(
        self, delay: float, callable: Callable[..., object], *args: Any, **kw: Any
    ) -> _DelayedCallLike: ...


def _global_reactor() -> _ReactorTime:
    """Return ``twistlike.reactor``, importing it on first use.

    Raises:
        RuntimeError: the global reactor cannot be imported.
    """
    try:
        from twistlike import reactor
    except ImportError as e:
        raise RuntimeError(
            "twistlike.reactor is not available; pass a clock explicitly "
            "(for example a twistlike.task.Clock)"
        ) from e
    return reactor


# --------------------------------------------------------------------------------------------
# Clock


def _call_time(call: DelayedCall) -> float:
    return call.getTime()


def _no_reset(call: DelayedCall) -> None:
    # Clock re-sorts by getTime() whenever it looks at its queue, so it needs no reset hook.
    return None


@implementer(IReactorTime)
class Clock:
    """A deterministic clock: time moves only when the test calls :meth:`advance`.

    Pending calls are kept in :attr:`calls`, sorted by ``getTime()``; calls due at the same
    moment run in the order they were scheduled (a stable sort, exactly as Twisted's Clock).
    An exception raised by a call propagates out of :meth:`advance`.

    Twisted: twisted.internet.task.Clock.
    """

    #: The current time, in seconds; starts at 0.
    rightNow: float = 0.0

    def __init__(self) -> None:
        self.calls: list[DelayedCall] = []

    def seconds(self) -> float:
        """Return the current time of this clock.

        Twisted: twisted.internet.task.Clock.seconds.
        """
        return self.rightNow

    def _sortCalls(self) -> None:
        self.calls.sort(key=_call_time)

    def callLater(
        self, delay: float, callable: Callable[..., object], *args: Any, **kw: Any
    ) -> DelayedCall:
        """Schedule ``callable(*args, **kw)`` to run ``delay`` seconds from now.

        As in Twisted, a negative delay is accepted (the call is simply due already).

        Twisted: twisted.internet.task.Clock.callLater.
        """
        call = DelayedCall(
            self.seconds() + delay, callable, args, kw, self.calls.remove, _no_reset, self.seconds
        )
        self.calls.append(call)
        self._sortCalls()
        return call

    def getDelayedCalls(self) -> list[DelayedCall]:
        """Return the pending calls (the live list, sorted by time).

        Twisted: twisted.internet.task.Clock.getDelayedCalls.
        """
        return self.calls

    def advance(self, amount: float) -> None:
        """Move time forward by ``amount`` seconds and run every call that is now due.

        Calls run in time order; a call scheduled (or moved) during the advance runs in the
        same advance when it is due by the new time. Each call is marked ``called`` before it
        runs.

        Twisted: twisted.internet.task.Clock.advance.
        """
        self.rightNow += amount
        self._sortCalls()
        while self.calls and self.calls[0].getTime() <= self.seconds():
            call = self.calls.pop(0)
            call.called = 1
            call.func(*call.args, **call.kw)
            self._sortCalls()

    def pump(self, timings: Iterable[float]) -> None:
        """Advance by each amount in ``timings`` in turn.

        Twisted: twisted.internet.task.Clock.pump.
        """
        for amount in timings:
            self.advance(amount)


# --------------------------------------------------------------------------------------------
# LoopingCall


class LoopingCall:
    """Call a function every ``interval`` seconds.

    ``start()`` returns a Deferred that fires with this LoopingCall when ``stop()`` is called,
    or fails with the error when the function raises (or its Deferred fails); an error also
    stops the loop. When the function returns a Deferred, the next call is scheduled only after
    that Deferred fires. Calls keep to the grid ``starttime + k * interval``: when a call (or
    its Deferred) overruns one or more intervals, the missed ones are skipped, not run late in
    a burst; :meth:`withCount` reports how many intervals passed.

    Attributes:
        f: The function to call.
        a: Positional arguments for ``f``.
        kw: Keyword arguments for ``f``.
        running: True from ``start()`` until ``stop()`` or an error.
        interval: The interval given to ``start()``.
        starttime: The clock time of the last ``start()`` or ``reset()``.
        call: The pending timed call, or None while ``f`` runs or its Deferred is pending.

    Twisted: twisted.internet.task.LoopingCall.
    """

    call: _DelayedCallLike | None = None
    running: bool = False
    interval: float | None = None
    starttime: float | None = None
    _deferred: Deferred[LoopingCall] | None = None
    _runAtStart: bool = False
    _realLastTime: float | None = None
    _clock: _ReactorTime | None = None

    def __init__(self, f: Callable[..., object], *a: Any, **kw: Any) -> None:
        self.f = f
        self.a = a
        self.kw = kw

    @property
    def clock(self) -> _ReactorTime:
        """The clock that schedules the calls; defaults to ``twistlike.reactor``.

        Divergence from Twisted: Twisted binds the global reactor in ``__init__``; twistlike
        looks it up on first use, so creating a LoopingCall never touches an event loop. Set
        this before ``start()``.
        """
        if self._clock is None:
            self._clock = _global_reactor()
        return self._clock

    @clock.setter
    def clock(self, clock: _ReactorTime) -> None:
        self._clock = clock

    @classmethod
    def withCount(cls, countCallable: Callable[[int], object]) -> LoopingCall:
        """Make a LoopingCall that passes ``countCallable`` the number of intervals elapsed.

        The count is normally 1; it is larger when intervals were skipped because the clock
        was blocked or the previous call (or its Deferred) took longer than an interval. With
        an interval of 0 the count is always 1.

        Twisted: twisted.internet.task.LoopingCall.withCount.
        """

        def counter() -> object:
            return loop._call_with_count(countCallable)

        loop = cls(counter)
        return loop

    def _call_with_count(self, countCallable: Callable[[int], object]) -> object:
        now = self.clock.seconds()
        if self.interval == 0:
            self._realLastTime = now
            return countCallable(1)
        last = self._realLastTime
        if last is None:
            if self.starttime is None or self.interval is None:
                raise AssertionError("LoopingCall called before it was started")
            last = self.starttime
            if self._runAtStart:
                # The call made by start(now=True) covers the interval just before the start.
                last -= self.interval
        count = self._intervalOf(now) - self._intervalOf(last)
        if count > 0:
            self._realLastTime = now
            return countCallable(count)
        return None

    def _intervalOf(self, t: float) -> int:
        """Return how many whole intervals lie between ``starttime`` and ``t``."""
        assert self.starttime is not None and self.interval is not None
        # int() truncates toward zero, which matters for times before a reset; as Twisted.
        return int((t - self.starttime) / self.interval)

    def start(self, interval: float, now: bool = True) -> Deferred[LoopingCall]:
        """Start calling the function every ``interval`` seconds.

        Args:
            interval: Seconds between calls; 0 means as often as the clock allows.
            now: Call the function right away instead of after the first interval.

        Returns:
            A Deferred that fires with this LoopingCall after ``stop()``, or fails when the
            function raises or its Deferred fails.

        Raises:
            AssertionError: already running.
            ValueError: ``interval`` is negative.

        Twisted: twisted.internet.task.LoopingCall.start.
        """
        if self.running:
            raise AssertionError("Tried to start an already running LoopingCall.")
        if interval < 0:
            raise ValueError("interval must be >= 0")
        # Resolve a lazily-found reactor first, so a missing one leaves us not running.
        clock = self.clock
        self.running = True
        # A call made right now may fail and clear self._deferred; keep our own reference.
        deferred: Deferred[LoopingCall] = Deferred()
        self._deferred = deferred
        self.starttime = clock.seconds()
        self.interval = interval
        self._runAtStart = now
        if now:
            self()
        else:
            self._scheduleFrom(self.starttime)
        return deferred

    def stop(self) -> None:
        """Stop calling the function.

        The Deferred from ``start()`` fires now, or, when the function is running or its
        Deferred is pending, once that finishes.

        Raises:
            AssertionError: not running.

        Twisted: twisted.internet.task.LoopingCall.stop.
        """
        if not self.running:
            raise AssertionError("Tried to stop a LoopingCall that was not running.")
        self.running = False
        if self.call is not None:
            self.call.cancel()
            self.call = None
            self._fire_deferred()

    def reset(self) -> None:
        """Skip the next call and restart the interval grid from now.

        Has no effect while the function runs or its Deferred is pending.

        Raises:
            AssertionError: not running.

        Twisted: twisted.internet.task.LoopingCall.reset.
        """
        if not self.running:
            raise AssertionError("Tried to reset a LoopingCall that was not running.")
        if self.call is not None:
            self.call.cancel()
            self.call = None
            self.starttime = self.clock.seconds()
            self._scheduleFrom(self.starttime)

    def __call__(self) -> None:
        """Run one iteration (the clock calls this; so does ``start(now=True)``)."""
        self.call = None
        d = maybeDeferred(self.f, *self.a, **self.kw)
        # Errors raised while rescheduling also stop the loop: the errback comes second.
        d.addCallback(self._iteration_done)
        d.addErrback(self._iteration_failed)

    def _iteration_done(self, result: object) -> None:
        if self.running:
            self._scheduleFrom(self.clock.seconds())
        else:
            self._fire_deferred()

    def _iteration_failed(self, failure: Failure) -> None:
        self.running = False
        deferred, self._deferred = self._deferred, None
        assert deferred is not None
        deferred.errback(failure)

    def _fire_deferred(self) -> None:
        deferred, self._deferred = self._deferred, None
        assert deferred is not None
        deferred.callback(self)

    def _scheduleFrom(self, when: float) -> None:
        """Schedule the next call at the next grid point after ``when``."""
        self.call = self.clock.callLater(self._delay_from(when), self)

    def _delay_from(self, when: float) -> float:
        interval = self.interval
        assert interval is not None and self.starttime is not None
        if interval == 0:
            return 0
        remaining = interval - ((when - self.starttime) % interval)
        # When ``when`` is large, a tiny remainder can vanish in the addition; the next grid
        # point is then effectively now, so wait a whole interval (Twisted does the same).
        if when + remaining == when:
            return interval
        return remaining

    def __repr__(self) -> str:
        """Show the interval, the function and its arguments, as Twisted does."""
        return (
            f"LoopingCall<{self.interval!r}>({callable_name(self.f)}, "
            f"*{safe_repr(self.a)}, **{safe_repr(self.kw)})"
        )


# --------------------------------------------------------------------------------------------
# deferLater


def deferLater(
    clock: _ReactorTime,
    delay: float,
    callable: Callable[..., _T] | None = None,
    *args: Any,
    **kw: Any,
) -> Deferred[_T]:
    """Return a Deferred that fires with ``callable(*args, **kw)`` after ``delay`` seconds.

    With no ``callable`` it fires with None. Cancelling the Deferred before then cancels the
    timed call and fails the Deferred with ``CancelledError``.

    Twisted: twisted.internet.task.deferLater.
    """

    def cancel_call(deferred: Deferred[Any]) -> None:
        timed_call.cancel()

    def run(ignored: object) -> _T:
        if callable is None:
            return cast(_T, None)
        return callable(*args, **kw)

    d: Deferred[Any] = Deferred(cancel_call)
    d.addCallback(run)
    timed_call = clock.callLater(delay, d.callback, None)
    return d


# --------------------------------------------------------------------------------------------
# Cooperator


class SchedulerError(Exception):
    """A scheduler or one of its tasks is in the wrong state for the operation.

    Twisted: twisted.internet.task.SchedulerError.
    """


class SchedulerStopped(SchedulerError):
    """The Cooperator was stopped before (or while) the task ran.

    Twisted: twisted.internet.task.SchedulerStopped.
    """


class TaskFinished(SchedulerError):
    """The task has permanently stopped running (done, stopped or failed).

    Twisted: twisted.internet.task.TaskFinished.
    """


class TaskDone(TaskFinished):
    """The task's iterator is exhausted.

    Twisted: twisted.internet.task.TaskDone.
    """


class TaskStopped(TaskFinished):
    """The task was stopped with ``stop()``.

    Twisted: twisted.internet.task.TaskStopped.
    """


class TaskFailed(TaskFinished):
    """The task's iterator raised an exception.

    Twisted: twisted.internet.task.TaskFailed.
    """


class NotPaused(SchedulerError):
    """``resume()`` was called on a task that is not paused.

    Twisted: twisted.internet.task.NotPaused.
    """


class _Timer:
    """Default termination predicate: a tick may run for ``MAX_SLICE`` seconds."""

    MAX_SLICE = 0.01

    def __init__(self) -> None:
        self._end = time.monotonic() + self.MAX_SLICE

    def __call__(self) -> bool:
        return time.monotonic() >= self._end


_EPSILON = 0.00000001


def _defaultScheduler(callable: Callable[[], None]) -> _DelayedCallLike:
    """Run ``callable`` on the global reactor as soon as possible (looked up lazily)."""
    return _global_reactor().callLater(_EPSILON, callable)


class CooperativeTask(Generic[_TaskIteratorT]):
    """One iterator being run by a :class:`Cooperator`; pausable, resumable, stoppable.

    Create it with :meth:`Cooperator.cooperate`. Each tick the Cooperator calls ``next()`` on
    the iterator; a yielded Deferred pauses the task until it fires (a failure ends the task
    with that failure).

    Twisted: twisted.internet.task.CooperativeTask.
    """

    def __init__(self, iterator: _TaskIteratorT, cooperator: Cooperator) -> None:
        """Private: use :meth:`Cooperator.cooperate`."""
        self._iterator = iterator
        self._cooperator = cooperator
        self._deferreds: list[Deferred[_TaskIteratorT]] = []
        self._pauseCount = 0
        # None while the task may still run; afterwards the error that later calls raise.
        self._completionState: SchedulerError | None = None
        self._completionResult: _TaskIteratorT | Failure | None = None
        cooperator._addTask(self)

    def whenDone(self) -> Deferred[_TaskIteratorT]:
        """Return a Deferred that fires with the iterator when it is exhausted.

        It fails with the iterator's error, with ``TaskStopped`` after ``stop()``, or with
        ``SchedulerStopped`` when the Cooperator stops. Called after the task finished, it
        returns an already-fired Deferred.

        Twisted: twisted.internet.task.CooperativeTask.whenDone.
        """
        d: Deferred[_TaskIteratorT] = Deferred()
        if self._completionState is None:
            self._deferreds.append(d)
        else:
            result = self._completionResult
            assert result is not None
            d.callback(result)
        return d

    def pause(self) -> None:
        """Stop doing work until :meth:`resume`; pauses nest (resume once per pause).

        Raises:
            TaskFinished: the task has already finished.

        Twisted: twisted.internet.task.CooperativeTask.pause.
        """
        self._checkFinish()
        self._pauseCount += 1
        if self._pauseCount == 1:
            self._cooperator._removeTask(self)

    def resume(self) -> None:
        """Undo one :meth:`pause`; work continues when every pause is undone.

        Raises:
            NotPaused: the task is not paused.

        Twisted: twisted.internet.task.CooperativeTask.resume.
        """
        if self._pauseCount == 0:
            raise NotPaused()
        self._pauseCount -= 1
        if self._pauseCount == 0 and self._completionState is None:
            self._cooperator._addTask(self)

    def stop(self) -> None:
        """Stop the task for good; ``whenDone`` Deferreds fail with ``TaskStopped``.

        Raises:
            TaskFinished: the task has already finished.

        Twisted: twisted.internet.task.CooperativeTask.stop.
        """
        self._checkFinish()
        self._completeWith(TaskStopped(), Failure(TaskStopped()))

    def _checkFinish(self) -> None:
        if self._completionState is not None:
            raise self._completionState

    def _completeWith(
        self, completionState: SchedulerError, deferredResult: _TaskIteratorT | Failure
    ) -> None:
        self._completionState = completionState
        self._completionResult = deferredResult
        if not self._pauseCount:
            self._cooperator._removeTask(self)
        # Fire only after leaving the Cooperator: a callback may stop the Cooperator or touch
        # other tasks, and must not find this task still scheduled.
        for d in self._deferreds:
            d.callback(deferredResult)

    def _oneWorkUnit(self) -> None:
        try:
            result = next(self._iterator)
        except StopIteration:
            self._completeWith(TaskDone(), self._iterator)
        except BaseException:
            # Twisted turns every exception here (even KeyboardInterrupt) into TaskFailed.
            self._completeWith(TaskFailed(), Failure())
        else:
            if isinstance(result, Deferred):
                self.pause()
                result.addCallbacks(self._resume_after, self._fail_after)

    def _resume_after(self, result: object) -> None:
        self.resume()

    def _fail_after(self, failure: Failure) -> None:
        self._completeWith(TaskFailed(), failure)


class Cooperator:
    """Run iterators a step at a time, sharing time between them.

    Each tick (scheduled with ``scheduler``) visits the tasks round-robin, one ``next()`` per
    visit, until the termination predicate made by ``terminationPredicateFactory`` says the
    tick has run long enough; the next tick resumes the round where this one stopped.

    Args:
        terminationPredicateFactory: Called at the start of each tick; returns a predicate
            that is asked after each step whether the tick should end. The default allows
            about 10 ms per tick.
        scheduler: Called with the tick function; must arrange for it to run later and return
            something with ``cancel()``. The default uses ``twistlike.reactor.callLater``,
            looked up on first use.
        started: Whether to run tasks as soon as they are added, or wait for ``start()``.

    Twisted: twisted.internet.task.Cooperator.
    """

    def __init__(
        self,
        terminationPredicateFactory: Callable[[], Callable[[], bool]] = _Timer,
        scheduler: Callable[[Callable[[], None]], _DelayedCallLike] = _defaultScheduler,
        started: bool = True,
    ) -> None:
        self._tasks: list[CooperativeTask[Any]] = []
        # Where the round-robin stands; it survives between ticks.
        self._metarator: Iterator[CooperativeTask[Any]] = iter(())
        self._terminationPredicateFactory = terminationPredicateFactory
        self._scheduler = scheduler
        self._delayedCall: _DelayedCallLike | None = None
        self._stopped = False
        self._started = started
        self._mustScheduleOnStart = False

    def coiterate(
        self, iterator: _TaskIteratorT, doneDeferred: Deferred[_TaskIteratorT] | None = None
    ) -> Deferred[_TaskIteratorT]:
        """Run ``iterator`` as a task; return a Deferred that fires when it is done.

        Args:
            iterator: The iterator to run.
            doneDeferred: Deferred to fire instead of a new one.

        Twisted: twisted.internet.task.Cooperator.coiterate.
        """
        if doneDeferred is None:
            doneDeferred = Deferred()
        CooperativeTask(iterator, self).whenDone().chainDeferred(doneDeferred)
        return doneDeferred

    def cooperate(self, iterator: _TaskIteratorT) -> CooperativeTask[_TaskIteratorT]:
        """Run ``iterator`` as a long-running task and return its :class:`CooperativeTask`.

        Twisted: twisted.internet.task.Cooperator.cooperate.
        """
        return CooperativeTask(iterator, self)

    def _addTask(self, task: CooperativeTask[Any]) -> None:
        self._tasks.append(task)
        if self._stopped:
            # A stopped Cooperator finishes new tasks at once; _completeWith removes it again.
            task._completeWith(SchedulerStopped(), Failure(SchedulerStopped()))
        else:
            self._reschedule()

    def _removeTask(self, task: CooperativeTask[Any]) -> None:
        self._tasks.remove(task)
        if not self._tasks and self._delayedCall is not None:
            self._delayedCall.cancel()
            self._delayedCall = None

    def _tick(self) -> None:
        self._delayedCall = None
        should_stop = self._terminationPredicateFactory()
        while self._tasks:
            for task in self._metarator:
                task._oneWorkUnit()
                if should_stop():
                    self._reschedule()
                    return
            # The round is over: start a new one over the tasks as they are now. A list
            # iterator sees tasks appended during the round, as Twisted's does.
            self._metarator = iter(self._tasks)
        self._reschedule()

    def _reschedule(self) -> None:
        if not self._started:
            self._mustScheduleOnStart = True
            return
        if self._delayedCall is None and self._tasks:
            self._delayedCall = self._scheduler(self._tick)

    def start(self) -> None:
        """Begin scheduling ticks (and restart a stopped Cooperator).

        Twisted: twisted.internet.task.Cooperator.start.
        """
        self._stopped = False
        self._started = True
        if self._mustScheduleOnStart:
            self._mustScheduleOnStart = False
            self._reschedule()

    def stop(self) -> None:
        """Stop ticking; fail every task's ``whenDone`` with ``SchedulerStopped`` and drop it.

        Twisted: twisted.internet.task.Cooperator.stop.
        """
        self._stopped = True
        # Divergence from Twisted: Twisted iterates over the list that _completeWith removes
        # from, so every other task is skipped and its whenDone never fires; a copy fails all.
        for task in list(self._tasks):
            task._completeWith(SchedulerStopped(), Failure(SchedulerStopped()))
        self._tasks = []
        if self._delayedCall is not None:
            self._delayedCall.cancel()
            self._delayedCall = None

    @property
    def running(self) -> bool:
        """Whether this Cooperator is started and not stopped.

        Twisted: twisted.internet.task.Cooperator.running.
        """
        return self._started and not self._stopped


_theCooperator = Cooperator()


def coiterate(iterator: _TaskIteratorT) -> Deferred[_TaskIteratorT]:
    """Run ``iterator`` on the global Cooperator; return a Deferred fired when it is done.

    Twisted: twisted.internet.task.coiterate.
    """
    return _theCooperator.coiterate(iterator)


def cooperate(iterator: _TaskIteratorT) -> CooperativeTask[_TaskIteratorT]:
    """Run ``iterator`` on the global Cooperator and return its :class:`CooperativeTask`.

    Twisted: twisted.internet.task.cooperate.
    """
    return _theCooperator.cooperate(iterator)


# --------------------------------------------------------------------------------------------
# react


def react(
    main: Callable[..., Deferred[Any] | Coroutine[Any, Any, Any]],
    argv: Iterable[object] = (),
    _reactor: Any = None,
) -> NoReturn:
    """Run ``main(reactor, *argv)`` under ``reactor.run()``; exit when its result fires.

    Twisted: twisted.internet.task.react.

    ``main`` returns a Deferred or a coroutine. The process exits with 0 on success, with
    the code of a ``SystemExit`` failure, or with 1 after logging any other failure ("main
    function encountered error"). If the reactor stops first, the exit code is decided by
    whatever ``main``'s result is by then (0 if it never fired).

    A coroutine (``async def main``) starts once the reactor runs, so it may await asyncio
    things (``asyncio.sleep``, tasks, streams) before any Deferred. Divergence from
    Twisted: Twisted runs a coroutine's first step before ``run()``; no asyncio awaitable
    could work there.
    """
    if _reactor is None:
        _reactor = _global_reactor()
    started = main(_reactor, *argv)
    finished: Deferred[Any]
    if isinstance(started, Coroutine):
        coroutine = started
        finished = Deferred()
        _reactor.callWhenRunning(lambda: ensureDeferred(coroutine).chainDeferred(finished))
    else:
        finished = ensureDeferred(started)
    code: Any = 0
    stopping = False

    def onShutdown() -> None:
        nonlocal stopping
        stopping = True

    _reactor.addSystemEventTrigger("before", "shutdown", onShutdown)

    def stop(result: object, stopReactor: bool) -> None:
        nonlocal code
        if stopReactor:
            try:
                _reactor.stop()
            except ReactorNotRunning:
                pass
        if isinstance(result, Failure):
            if result.check(SystemExit) is not None:
                code = cast(SystemExit, result.value).code
            else:
                log_failure(result, "main function encountered error", namespace="twistlike.task")
                code = 1

    def cbFinish(result: object) -> None:
        if stopping:
            stop(result, False)
        else:
            _reactor.callWhenRunning(stop, result, True)

    finished.addBoth(cbFinish)
    _reactor.run()
    sys.exit(code)


if not TYPE_CHECKING:
    # (Hidden from type checkers, which would otherwise accept any name from this module.)

    def __getattr__(name: str) -> object:
        # A Twisted name twistlike does not provide fails with the reason (docs/missing.md).
        from twistlike._porting.missing import missing_name_error

        raise missing_name_error(__name__, name)

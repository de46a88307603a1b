"""Tests for twistlike.task, many differential against twisted.internet.task on a Clock."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest
import twisted.internet.defer as tdefer
import twisted.internet.task as ttask
from hypothesis import given, settings
from hypothesis import strategies as st
from zope.interface.verify import verifyObject  # type: ignore[import-untyped, unused-ignore]

import twistlike
from twistlike import task
from twistlike.defer import CancelledError, Deferred, succeed
from twistlike.error import AlreadyCancelled
from twistlike.failure import Failure
from twistlike.interfaces import IReactorTime
from twistlike.task import (
    Clock,
    CooperativeTask,
    Cooperator,
    LoopingCall,
    NotPaused,
    SchedulerError,
    SchedulerStopped,
    TaskDone,
    TaskFailed,
    TaskFinished,
    TaskStopped,
    deferLater,
)

TClock: Any = ttask.Clock
TLoopingCall: Any = ttask.LoopingCall
TCooperator: Any = ttask.Cooperator
TDeferred: Any = tdefer.Deferred


class _Impl:
    """One implementation of the task module (Twisted's or ours), for differential runs."""

    def __init__(self, clock: Any, looping: Any, cooperator: Any, deferred: Any) -> None:
        self.Clock = clock
        self.LoopingCall = looping
        self.Cooperator = cooperator
        self.Deferred = deferred


OURS = _Impl(Clock, LoopingCall, Cooperator, Deferred)
THEIRS = _Impl(TClock, TLoopingCall, TCooperator, TDeferred)


def _outcome(result: object) -> str:
    """Describe a Deferred's result by kind: a Failure by its exception class name."""
    value = getattr(result, "value", None)
    if isinstance(value, BaseException):
        return f"failure:{type(value).__name__}"
    return "success"


# ---- Clock --------------------------------------------------------------------------------


def test_clock_starts_at_zero() -> None:
    """A new Clock reads 0.0 and has no calls."""
    clock = Clock()
    assert clock.seconds() == 0.0 == clock.rightNow
    assert clock.getDelayedCalls() == []


def test_clock_provides_ireactortime() -> None:
    """Clock provides the IReactorTime zope interface."""
    assert verifyObject(IReactorTime, Clock())


def test_clock_advance_runs_due_calls_in_time_order() -> None:
    """advance() runs exactly the calls due by the new time, earliest first."""
    clock = Clock()
    ran: list[str] = []
    clock.callLater(3, ran.append, "c")
    clock.callLater(1, ran.append, "a")
    clock.callLater(2, ran.append, "b")
    clock.advance(2)
    assert ran == ["a", "b"]
    assert clock.seconds() == 2
    assert [c.getTime() for c in clock.getDelayedCalls()] == [3]
    clock.advance(1)
    assert ran == ["a", "b", "c"]


def test_clock_same_time_calls_run_in_scheduling_order() -> None:
    """Calls due at the same moment run in the order they were scheduled."""
    clock = Clock()
    ran: list[int] = []
    for i in range(5):
        clock.callLater(1, ran.append, i)
    clock.advance(1)
    assert ran == [0, 1, 2, 3, 4]


def test_clock_runs_calls_scheduled_during_advance_when_due() -> None:
    """A call scheduled by a running call runs in the same advance if due by its end."""
    clock = Clock()
    ran: list[tuple[str, float]] = []

    def second() -> None:
        ran.append(("second", clock.seconds()))
        clock.callLater(0, lambda: ran.append(("third", clock.seconds())))

    def first() -> None:
        ran.append(("first", clock.seconds()))
        clock.callLater(0, second)
        clock.callLater(1, lambda: ran.append(("late", clock.seconds())))

    clock.callLater(1, first)
    clock.advance(5)
    assert ran == [("first", 5), ("second", 5), ("third", 5)]
    assert [c.getTime() for c in clock.getDelayedCalls()] == [6]


def test_clock_postponed_call_waits() -> None:
    """A call delayed past the advance stays pending with its new time."""
    clock = Clock()
    ran: list[int] = []
    call = clock.callLater(1, ran.append, 1)
    call.delay(2)
    clock.advance(2)
    assert ran == []
    clock.advance(1)
    assert ran == [1]


def test_clock_cancel_removes_call() -> None:
    """A cancelled call leaves getDelayedCalls and never runs; cancelling again fails."""
    clock = Clock()
    ran: list[int] = []
    call = clock.callLater(1, ran.append, 1)
    call.cancel()
    assert clock.getDelayedCalls() == []
    clock.advance(5)
    assert ran == []
    with pytest.raises(AlreadyCancelled):
        call.cancel()


def test_clock_exception_propagates_from_advance() -> None:
    """An exception in a call escapes advance(); that call is gone, later ones still wait."""
    clock = Clock()
    ran: list[int] = []

    def boom() -> None:
        raise ZeroDivisionError

    clock.callLater(1, boom)
    clock.callLater(2, ran.append, 2)
    with pytest.raises(ZeroDivisionError):
        clock.advance(3)
    assert ran == []
    assert [c.getTime() for c in clock.getDelayedCalls()] == [2]
    clock.advance(0)
    assert ran == [2]


def test_clock_negative_delay_is_due_at_once() -> None:
    """As in Twisted, Clock accepts a negative delay; the call is due on the next advance."""
    clock = Clock()
    ran: list[int] = []
    clock.callLater(-1, ran.append, 1)
    clock.advance(0)
    assert ran == [1]


def test_clock_pump_advances_in_steps() -> None:
    """pump() advances by each amount in turn, running calls at each step."""
    clock = Clock()
    seen: list[float] = []
    for when in (1, 2, 3):
        clock.callLater(when, lambda: seen.append(clock.seconds()))
    clock.pump([1.5, 0, 1.5])
    assert seen == [1.5, 3, 3]
    assert clock.seconds() == 3


def test_clock_kwargs_and_args_reach_the_call() -> None:
    """callLater passes positional and keyword arguments through."""
    clock = Clock()
    got: list[tuple[object, ...]] = []
    clock.callLater(1, lambda *a, **kw: got.append((a, kw)), 1, 2, k=3)
    clock.advance(1)
    assert got == [((1, 2), {"k": 3})]


# ---- LoopingCall ----------------------------------------------------------------------------

# Interval 0 is left out: on a Clock it reschedules forever within one advance (in Twisted
# too); test_looping_call_zero_interval covers it.
_interval = st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0])
_amount = st.sampled_from([0.0, 0.1, 0.5, 1.0, 1.25, 2.0, 3.0, 4.75, 10.0])
_behaviour = st.one_of(
    st.just(("plain",)),
    st.tuples(st.just("advance"), _amount),
    st.tuples(st.just("defer"), _amount),
    st.tuples(st.just("defer_fail"), _amount),
    st.just(("raise",)),
    st.just(("stop",)),
    st.just(("reset",)),
)
_step = st.one_of(
    st.tuples(st.just("advance"), _amount),
    st.just(("stop",)),
    st.just(("reset",)),
    st.just(("restart",)),
)


def _run_looping(
    impl: _Impl,
    interval: float,
    now: bool,
    counted: bool,
    behaviours: list[tuple[Any, ...]],
    steps: list[tuple[Any, ...]],
    start_time: float = 0.0,
) -> list[object]:
    """Drive a LoopingCall on ``impl``'s Clock and return everything observable."""
    clock = impl.Clock()
    clock.advance(start_time)
    trace: list[object] = []
    plan = iter(behaviours)

    def body(count: int | None = None) -> object:
        trace.append(("call", clock.seconds(), count))
        what = next(plan, ("plain",))
        if what[0] == "advance":
            clock.advance(what[1])
        elif what[0] in ("defer", "defer_fail"):
            d = impl.Deferred()
            if what[0] == "defer":
                clock.callLater(what[1], d.callback, None)
            else:
                clock.callLater(what[1], d.errback, ValueError("late"))
            return d
        elif what[0] == "raise":
            raise ValueError("now")
        elif what[0] == "stop" and loop.running:
            loop.stop()
        elif what[0] == "reset" and loop.running:
            loop.reset()
        return None

    loop = impl.LoopingCall.withCount(body) if counted else impl.LoopingCall(body)
    loop.clock = clock

    def start() -> None:
        started = loop.start(interval, now)
        started.addBoth(lambda r: trace.append(("done", clock.seconds(), _outcome(r), r is loop)))

    start()
    for step in steps:
        if step[0] == "advance":
            clock.advance(step[1])
        elif step[0] == "stop" and loop.running:
            loop.stop()
        elif step[0] == "reset" and loop.running:
            loop.reset()
        elif step[0] == "restart" and not loop.running and loop.call is None:
            start()
        trace.append(
            (
                "state",
                clock.seconds(),
                loop.running,
                loop.starttime,
                [c.getTime() for c in clock.getDelayedCalls()],
            )
        )
    return trace


@pytest.mark.twistlike_allow_unhandled_errors
@settings(max_examples=200, deadline=None)
@given(
    _interval,
    st.booleans(),
    st.booleans(),
    st.lists(_behaviour, max_size=8),
    st.lists(_step, max_size=12),
)
def test_looping_call_schedule_matches_twisted(
    interval: float,
    now: bool,
    counted: bool,
    behaviours: list[tuple[Any, ...]],
    steps: list[tuple[Any, ...]],
) -> None:
    """Call times, withCount counts, skipped intervals, stops, resets and errors are
    Twisted's for the same Clock script."""
    ours = _run_looping(OURS, interval, now, counted, behaviours, steps)
    theirs = _run_looping(THEIRS, interval, now, counted, behaviours, steps)
    assert ours == theirs


@pytest.mark.parametrize("start", [0.1, 1e6 + 0.1, 1e15 + 0.3])
@pytest.mark.parametrize("interval", [0.1, 0.3, 0.7, 1.1])
@pytest.mark.parametrize("divisor", [1, 3])
def test_looping_call_float_grid_matches_twisted(
    start: float, interval: float, divisor: int
) -> None:
    """With intervals that floats cannot represent, where the next grid point can round onto
    the current time, the loop schedules exactly as Twisted's does."""
    steps: list[tuple[Any, ...]] = [("advance", interval / divisor)] * 300
    ours = _run_looping(OURS, interval, True, True, [], steps, start)
    theirs = _run_looping(THEIRS, interval, True, True, [], steps, start)
    assert ours == theirs


def test_looping_call_now_calls_immediately() -> None:
    """start(interval) calls at once, then every interval on the grid."""
    clock = Clock()
    times: list[float] = []
    loop = LoopingCall(lambda: times.append(clock.seconds()))
    loop.clock = clock
    loop.start(1.0)
    assert times == [0.0]
    clock.pump([1, 1, 1])
    assert times == [0.0, 1.0, 2.0, 3.0]
    assert loop.running and loop.interval == 1.0 and loop.starttime == 0.0


def test_looping_call_not_now_waits_one_interval() -> None:
    """start(interval, now=False) makes the first call after one interval."""
    clock = Clock()
    times: list[float] = []
    loop = LoopingCall(lambda: times.append(clock.seconds()))
    loop.clock = clock
    loop.start(2.0, now=False)
    assert times == []
    clock.advance(2)
    assert times == [2.0]


def test_looping_call_passes_arguments() -> None:
    """The function gets the positional and keyword arguments given to LoopingCall."""
    clock = Clock()
    got: list[tuple[object, ...]] = []
    loop = LoopingCall(lambda *a, **kw: got.append((a, kw)), 1, k=2)
    loop.clock = clock
    loop.start(1)
    assert got == [((1,), {"k": 2})]
    assert (loop.f, loop.a, loop.kw) == (loop.f, (1,), {"k": 2})


def test_looping_call_skips_missed_intervals() -> None:
    """A call that runs 2.5 intervals long makes the loop skip to the next grid point."""
    clock = Clock()
    times: list[float] = []

    def slow() -> None:
        times.append(clock.seconds())
        if len(times) == 1:
            clock.advance(2.5)

    loop = LoopingCall(slow)
    loop.clock = clock
    loop.start(1.0)
    clock.advance(0.5)
    assert times == [0.0, 3.0]


def test_looping_call_with_count_reports_skips() -> None:
    """withCount passes how many intervals passed since the last call."""
    clock = Clock()
    counts: list[int] = []
    loop = LoopingCall.withCount(counts.append)
    loop.clock = clock
    loop.start(1.0)
    clock.advance(1)
    clock.advance(3.5)
    clock.advance(0.5)
    assert counts == [1, 1, 3, 1]


@pytest.mark.parametrize("impl", [OURS, THEIRS], ids=["twistlike", "twisted"])
def test_looping_call_zero_interval(impl: _Impl) -> None:
    """With interval 0 the call repeats at once within the advance, and withCount passes 1."""
    clock = impl.Clock()
    seen: list[tuple[float, int]] = []

    def body(count: int) -> None:
        seen.append((clock.seconds(), count))
        if len(seen) == 4:
            loop.stop()

    loop = impl.LoopingCall.withCount(body)
    loop.clock = clock
    loop.start(0)
    assert seen == [(0.0, 1)]
    clock.advance(2)
    assert seen == [(0.0, 1), (2.0, 1), (2.0, 1), (2.0, 1)]
    assert not loop.running


def test_looping_call_waits_for_returned_deferred() -> None:
    """The next call is scheduled only after the function's Deferred fires."""
    clock = Clock()
    pending: list[Deferred[None]] = []
    times: list[float] = []

    def body() -> Deferred[None]:
        times.append(clock.seconds())
        pending.append(Deferred())
        return pending[-1]

    loop = LoopingCall(body)
    loop.clock = clock
    loop.start(1.0)
    clock.advance(5)
    assert times == [0.0]
    assert loop.call is None
    pending[0].callback(None)
    clock.advance(1)
    assert times == [0.0, 6.0]


def test_looping_call_error_stops_and_errbacks() -> None:
    """An exception stops the loop and fails the start Deferred with it."""
    clock = Clock()
    results: list[object] = []

    def body() -> None:
        if clock.seconds() >= 2:
            raise KeyError("stop here")

    loop = LoopingCall(body)
    loop.clock = clock
    loop.start(1.0).addBoth(results.append)
    clock.pump([1, 1, 1, 1])
    assert not loop.running
    assert len(results) == 1
    failure = results[0]
    assert isinstance(failure, Failure) and failure.check(KeyError)
    assert clock.getDelayedCalls() == []


def test_looping_call_failed_deferred_stops_and_errbacks() -> None:
    """A Deferred returned by the function that fails stops the loop with that failure."""
    clock = Clock()
    results: list[object] = []
    d: Deferred[None] = Deferred()
    loop = LoopingCall(lambda: d)
    loop.clock = clock
    loop.start(1.0).addBoth(results.append)
    d.errback(OSError("gone"))
    assert not loop.running
    assert isinstance(results[0], Failure) and results[0].check(OSError)


def test_looping_call_stop_fires_with_self() -> None:
    """stop() fires the start Deferred with the LoopingCall and cancels the pending call."""
    clock = Clock()
    results: list[object] = []
    loop = LoopingCall(lambda: None)
    loop.clock = clock
    loop.start(1.0).addCallback(results.append)
    loop.stop()
    assert results == [loop]
    assert not loop.running and loop.call is None
    assert clock.getDelayedCalls() == []


def test_looping_call_stop_while_deferred_pending() -> None:
    """stop() while the function's Deferred is pending fires the start Deferred later."""
    clock = Clock()
    results: list[object] = []
    d: Deferred[None] = Deferred()
    loop = LoopingCall(lambda: d)
    loop.clock = clock
    loop.start(1.0).addCallback(results.append)
    loop.stop()
    assert results == []
    d.callback(None)
    assert results == [loop]
    assert clock.getDelayedCalls() == []


def test_looping_call_stop_inside_function() -> None:
    """Stopping from inside the function fires the start Deferred once the call returns."""
    clock = Clock()
    results: list[object] = []
    loop = LoopingCall(lambda: loop.stop())
    loop.clock = clock
    loop.start(1.0).addCallback(results.append)
    assert results == [loop]
    assert clock.getDelayedCalls() == []


def test_looping_call_reset_restarts_grid() -> None:
    """reset() skips the pending call and restarts the interval from now."""
    clock = Clock()
    times: list[float] = []
    loop = LoopingCall(lambda: times.append(clock.seconds()))
    loop.clock = clock
    loop.start(2.0)
    clock.advance(1.5)
    loop.reset()
    assert loop.starttime == 1.5
    clock.advance(1)
    assert times == [0.0]
    clock.advance(1)
    assert times == [0.0, 3.5]


def test_looping_call_can_restart_after_stop() -> None:
    """A stopped LoopingCall can be started again with a new interval."""
    clock = Clock()
    times: list[float] = []
    loop = LoopingCall(lambda: times.append(clock.seconds()))
    loop.clock = clock
    loop.start(1.0)
    loop.stop()
    clock.advance(1)
    loop.start(3.0, now=False)
    clock.advance(3)
    assert times == [0.0, 4.0]
    assert loop.interval == 3.0


def test_looping_call_misuse_raises() -> None:
    """Starting twice, stopping or resetting when idle, or a negative interval, raise."""
    clock = Clock()
    loop = LoopingCall(lambda: None)
    loop.clock = clock
    with pytest.raises(AssertionError):
        loop.stop()
    with pytest.raises(AssertionError):
        loop.reset()
    with pytest.raises(ValueError):
        loop.start(-1)
    assert not loop.running
    loop.start(1)
    with pytest.raises(AssertionError):
        loop.start(1)


def test_looping_call_runs_coroutine_functions() -> None:
    """An async function's result is awaited like a returned Deferred."""
    clock = Clock()
    gate: Deferred[None] = Deferred()
    times: list[float] = []

    async def body() -> None:
        times.append(clock.seconds())
        await gate

    loop = LoopingCall(body)
    loop.clock = clock
    loop.start(1.0)
    clock.advance(3)
    assert times == [0.0]
    gate.callback(None)
    clock.advance(1)
    assert times == [0.0, 4.0]


def _sample(*args: object) -> None:
    """A function to name in reprs."""


@pytest.mark.parametrize(
    "func",
    [_sample, functools.partial(_sample, 1), print, lambda: None],
)
def test_looping_call_repr_matches_twisted(func: Callable[..., None]) -> None:
    """repr() matches Twisted's before and after start()."""
    ours = LoopingCall(func, 1, "x", k=[2])
    theirs = TLoopingCall(func, 1, "x", k=[2])
    assert repr(ours) == repr(theirs)
    for loop, clock in ((ours, Clock()), (theirs, TClock())):
        loop.clock = clock
        # now=False: the functions are only named, never called with these arguments.
        loop.start(1.5, now=False)
    assert repr(ours) == repr(theirs)
    assert repr(ours).startswith("LoopingCall<1.5>(")
    assert repr(ours).endswith(", *(1, 'x'), **{'k': [2]})")
    ours.stop()
    theirs.stop()


def test_looping_call_with_count_repr_matches_twisted() -> None:
    """withCount's LoopingCall is named like Twisted's in its repr."""
    assert repr(LoopingCall.withCount(print)) == repr(TLoopingCall.withCount(print))


def test_looping_call_resolves_reactor_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without an explicit clock, the first use looks up twistlike.reactor."""
    fake = Clock()
    monkeypatch.setattr(twistlike, "reactor", fake, raising=False)
    times: list[float] = []
    loop = LoopingCall(lambda: times.append(fake.seconds()))
    loop.start(1.0)
    fake.advance(1)
    assert loop.clock is fake
    assert times == [0.0, 1.0]
    loop.stop()


def test_missing_reactor_gives_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Creating a LoopingCall needs no reactor; using one without any says what to do."""
    monkeypatch.setitem(sys.modules, "twistlike._aio.reactor", None)
    loop = LoopingCall(lambda: None)
    with pytest.raises(RuntimeError, match="pass a clock explicitly"):
        loop.start(1.0)
    assert not loop.running
    with pytest.raises(RuntimeError, match=r"twistlike\.reactor"):
        task._defaultScheduler(lambda: None)


# ---- deferLater -----------------------------------------------------------------------------


def test_defer_later_fires_with_result_after_delay() -> None:
    """deferLater fires with the callable's result once the delay has passed."""
    clock = Clock()
    results: list[object] = []
    d = deferLater(clock, 2, lambda a, b: a + b, 1, b=2)
    d.addCallback(results.append)
    clock.advance(1.5)
    assert results == []
    clock.advance(0.5)
    assert results == [3]


def test_defer_later_without_callable_fires_none() -> None:
    """With no callable, deferLater fires with None."""
    clock = Clock()
    results: list[object] = []
    deferLater(clock, 1).addCallback(results.append)
    clock.advance(1)
    assert results == [None]


def test_defer_later_exception_fails_deferred() -> None:
    """An exception from the callable fails the Deferred."""
    clock = Clock()
    results: list[object] = []

    def boom() -> None:
        raise LookupError("x")

    deferLater(clock, 1, boom).addErrback(results.append)
    clock.advance(1)
    assert isinstance(results[0], Failure) and results[0].check(LookupError)


def test_defer_later_cancel() -> None:
    """Cancelling fails the Deferred with CancelledError and cancels the timed call."""
    clock = Clock()
    ran: list[int] = []
    results: list[object] = []
    d = deferLater(clock, 1, ran.append, 1)
    d.addErrback(results.append)
    assert len(clock.getDelayedCalls()) == 1
    d.cancel()
    assert clock.getDelayedCalls() == []
    assert isinstance(results[0], Failure) and results[0].check(CancelledError)
    clock.advance(5)
    assert ran == []


def test_defer_later_cancel_after_fire_is_harmless() -> None:
    """Cancelling a deferLater Deferred that already fired changes nothing."""
    clock = Clock()
    results: list[object] = []
    d = deferLater(clock, 1, lambda: "x")
    d.addCallback(results.append)
    clock.advance(1)
    d.cancel()
    assert results == ["x"]


# ---- Cooperator -----------------------------------------------------------------------------


class _Steps:
    """Termination predicate factory: each tick allows ``n`` work units."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __call__(self) -> Callable[[], bool]:
        left = [self.n]

        def done() -> bool:
            left[0] -= 1
            return left[0] <= 0

        return done


_task_spec = st.tuples(
    st.integers(0, 5),  # length
    st.sets(st.integers(0, 4), max_size=2),  # indexes that yield a Deferred
    st.one_of(st.none(), st.integers(0, 5)),  # index that raises
    st.booleans(),  # whether yielded Deferreds fail
)
_coop_op = st.one_of(
    st.tuples(st.just("advance"), st.sampled_from([0.0, 0.5, 1.0, 2.0])),
    st.tuples(st.just("pause"), st.integers(0, 3)),
    st.tuples(st.just("resume"), st.integers(0, 3)),
    st.tuples(st.just("stop_task"), st.integers(0, 3)),
    st.tuples(st.just("add"), _task_spec),
    st.tuples(st.just("whenDone"), st.integers(0, 3)),
)


def _run_cooperator(
    impl: _Impl,
    per_tick: int,
    started: bool,
    specs: list[tuple[Any, ...]],
    ops: list[tuple[Any, ...]],
    stop_at: int | None,
) -> list[object]:
    """Run tasks on ``impl``'s Cooperator driven by a Clock; return what is observable."""
    clock = impl.Clock()
    trace: list[object] = []
    coop = impl.Cooperator(
        terminationPredicateFactory=_Steps(per_tick),
        scheduler=lambda f: clock.callLater(1.0, f),
        started=started,
    )
    tasks: list[Any] = []

    def work(name: int, spec: tuple[Any, ...]) -> Generator[object, None, None]:
        length, deferred_at, raise_at, failing = spec
        for i in range(length):
            trace.append(("step", name, i, clock.seconds()))
            if i == raise_at:
                raise ValueError(name)
            if i in deferred_at:
                d = impl.Deferred()
                if failing:
                    clock.callLater(1.5, d.errback, KeyError(name))
                else:
                    clock.callLater(1.5, d.callback, None)
                yield d
            else:
                yield i

    def add(spec: tuple[Any, ...]) -> None:
        name = len(tasks)
        it = work(name, spec)
        t = coop.cooperate(it)
        tasks.append(t)
        watch(name)

    def watch(name: int) -> None:
        def done(result: object) -> None:
            is_iterator = isinstance(result, Iterator)
            trace.append(("done", name, clock.seconds(), _outcome(result), is_iterator))

        tasks[name].whenDone().addBoth(done)

    def attempt(action: Callable[[], object]) -> None:
        try:
            action()
        except Exception as e:
            trace.append(("error", type(e).__name__))

    for spec in specs:
        add(spec)
    for index, op in enumerate(ops):
        if index == stop_at:
            coop.stop()
            trace.append(("stopped", coop.running))
        kind = op[0]
        if kind == "advance":
            clock.advance(op[1])
        elif kind == "add":
            add(op[1])
        elif kind == "start":
            coop.start()
        elif tasks:
            target = tasks[op[1] % len(tasks)]
            if kind == "pause":
                attempt(target.pause)
            elif kind == "resume":
                attempt(target.resume)
            elif kind == "stop_task":
                attempt(target.stop)
            else:
                watch(op[1] % len(tasks))
        trace.append(("tick", clock.seconds(), coop.running, len(clock.getDelayedCalls())))
    coop.start()
    for _ in range(30):
        clock.advance(1.0)
    trace.append(("end", len(clock.getDelayedCalls())))
    return trace


@pytest.mark.twistlike_allow_unhandled_errors
@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 4),
    st.booleans(),
    st.lists(_task_spec, max_size=3),
    st.lists(st.one_of(_coop_op, st.just(("start",))), max_size=15),
)
def test_cooperator_matches_twisted(
    per_tick: int,
    started: bool,
    specs: list[tuple[Any, ...]],
    ops: list[tuple[Any, ...]],
) -> None:
    """Round-robin order, pauses, resumes, stops, yielded Deferreds and failures are
    Twisted's for the same Clock-driven script."""
    ours = _run_cooperator(OURS, per_tick, started, specs, ops, None)
    theirs = _run_cooperator(THEIRS, per_tick, started, specs, ops, None)
    assert ours == theirs


@pytest.mark.twistlike_allow_unhandled_errors
@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 4),
    _task_spec,
    st.lists(
        st.one_of(
            st.tuples(st.just("advance"), st.sampled_from([0.0, 1.0, 2.0])),
            st.tuples(st.just("pause"), st.just(0)),
            st.tuples(st.just("resume"), st.just(0)),
            st.just(("start",)),
        ),
        max_size=10,
    ),
    st.integers(0, 9),
)
def test_cooperator_stop_with_one_task_matches_twisted(
    per_tick: int, spec: tuple[Any, ...], ops: list[tuple[Any, ...]], stop_at: int
) -> None:
    """Stopping a Cooperator that runs one task fails it with SchedulerStopped, as in Twisted,
    and a later start() runs newly added work again."""
    ours = _run_cooperator(OURS, per_tick, True, [spec], ops, stop_at)
    theirs = _run_cooperator(THEIRS, per_tick, True, [spec], ops, stop_at)
    assert ours == theirs


def test_cooperator_stop_fails_every_task() -> None:
    """stop() fails the whenDone of every running task with SchedulerStopped.

    Divergence from Twisted: Twisted's stop() skips every other task while removing them
    (their whenDone never fires); twistlike fails them all.
    """
    clock = Clock()
    coop = Cooperator(scheduler=lambda f: clock.callLater(0, f))
    results: list[object] = []
    for _ in range(4):
        coop.coiterate(iter(range(10))).addErrback(results.append)
    coop.stop()
    assert len(results) == 4
    assert all(isinstance(r, Failure) and r.check(SchedulerStopped) for r in results)
    assert not coop.running
    assert clock.getDelayedCalls() == []


def test_cooperator_round_robin() -> None:
    """Each tick visits the tasks in turn, resuming the round where the last tick ended."""
    clock = Clock()
    seen: list[tuple[str, int]] = []
    coop = Cooperator(
        terminationPredicateFactory=_Steps(3), scheduler=lambda f: clock.callLater(1, f)
    )

    def work(name: str) -> Iterator[None]:
        for i in range(3):
            seen.append((name, i))
            yield None

    done = [coop.coiterate(work(n)) for n in "ab"]
    clock.advance(1)
    assert seen == [("a", 0), ("b", 0), ("a", 1)]
    clock.advance(1)
    assert seen[3:] == [("b", 1), ("a", 2), ("b", 2)]
    results: list[object] = []
    for d in done:
        d.addCallback(results.append)
    clock.advance(1)
    assert len(results) == 2 and all(isinstance(r, Iterator) for r in results)
    assert clock.getDelayedCalls() == []


def test_coiterate_fires_with_iterator() -> None:
    """coiterate's Deferred fires with the exhausted iterator itself."""
    clock = Clock()
    coop = Cooperator(scheduler=lambda f: clock.callLater(0, f))
    it = iter([1, 2, 3])
    results: list[object] = []
    coop.coiterate(it).addCallback(results.append)
    clock.advance(0)
    assert results == [it]


def test_coiterate_uses_given_deferred() -> None:
    """coiterate fires the doneDeferred it was given and returns it."""
    clock = Clock()
    coop = Cooperator(scheduler=lambda f: clock.callLater(0, f))
    mine: Deferred[Iterator[int]] = Deferred()
    assert coop.coiterate(iter([1]), mine) is mine
    clock.advance(0)
    assert mine.called


def test_yielded_deferred_pauses_task() -> None:
    """A yielded Deferred pauses the task until it fires; its failure ends the task."""
    clock = Clock()
    coop = Cooperator(scheduler=lambda f: clock.callLater(0, f))
    gate: Deferred[None] = Deferred()
    steps: list[int] = []

    def work() -> Iterator[object]:
        steps.append(1)
        yield gate
        steps.append(2)

    results: list[object] = []
    coop.coiterate(work()).addBoth(results.append)
    clock.advance(0)
    clock.advance(0)
    assert steps == [1]
    assert clock.getDelayedCalls() == []
    gate.callback(None)
    clock.advance(0)
    assert steps == [1, 2]
    assert len(results) == 1 and isinstance(results[0], Iterator)


def test_failing_iterator_fails_whendone() -> None:
    """An exception from the iterator fails whenDone with it; later calls raise TaskFailed."""
    clock = Clock()
    coop = Cooperator(scheduler=lambda f: clock.callLater(0, f))

    def work() -> Iterator[None]:
        yield None
        raise IndexError("x")

    t = coop.cooperate(work())
    results: list[object] = []
    t.whenDone().addErrback(results.append)
    clock.advance(0)
    assert isinstance(results[0], Failure) and results[0].check(IndexError)
    with pytest.raises(TaskFailed):
        t.pause()
    late: list[object] = []
    t.whenDone().addErrback(late.append)
    assert isinstance(late[0], Failure) and late[0].check(IndexError)


def _appending(target: list[int], count: int) -> Iterator[None]:
    """Append 0, 1, ... count-1 to ``target``, one per step."""
    for i in range(count):
        target.append(i)
        yield None


def test_task_pause_resume_and_errors() -> None:
    """Pauses nest; resume without pause raises NotPaused; a stopped task raises TaskStopped."""
    clock = Clock()
    coop = Cooperator(scheduler=lambda f: clock.callLater(0, f))
    steps: list[int] = []
    t = coop.cooperate(_appending(steps, 3))
    assert isinstance(t, CooperativeTask)
    t.pause()
    t.pause()
    clock.advance(0)
    t.resume()
    clock.advance(0)
    assert steps == []
    t.resume()
    with pytest.raises(NotPaused):
        t.resume()
    clock.advance(0)
    assert steps == [0, 1, 2]
    t2 = coop.cooperate(iter(range(3)))
    results: list[object] = []
    t2.whenDone().addErrback(results.append)
    t2.stop()
    assert isinstance(results[0], Failure) and results[0].check(TaskStopped)
    with pytest.raises(TaskStopped):
        t2.stop()
    with pytest.raises(TaskStopped):
        t2.pause()


def test_done_task_raises_task_done() -> None:
    """Operations on an exhausted task raise TaskDone."""
    clock = Clock()
    coop = Cooperator(scheduler=lambda f: clock.callLater(0, f))
    t = coop.cooperate(iter(()))
    clock.advance(0)
    with pytest.raises(TaskDone):
        t.stop()


def test_error_hierarchy() -> None:
    """The scheduler errors nest as in Twisted."""
    assert issubclass(SchedulerStopped, SchedulerError)
    assert issubclass(TaskFinished, SchedulerError)
    assert issubclass(NotPaused, SchedulerError)
    for cls in (TaskDone, TaskStopped, TaskFailed):
        assert issubclass(cls, TaskFinished)
    assert issubclass(SchedulerError, Exception)


def test_cooperator_not_started_waits_for_start() -> None:
    """With started=False nothing runs until start(); running reflects the state."""
    clock = Clock()
    coop = Cooperator(scheduler=lambda f: clock.callLater(0, f), started=False)
    assert not coop.running
    seen: list[int] = []
    coop.coiterate(_appending(seen, 2))
    clock.advance(0)
    assert seen == [] and clock.getDelayedCalls() == []
    coop.start()
    assert coop.running
    clock.advance(0)
    assert seen == [0, 1]


def test_stopped_cooperator_rejects_new_tasks() -> None:
    """A task added to a stopped Cooperator fails at once with SchedulerStopped."""
    coop = Cooperator(scheduler=lambda f: Clock().callLater(0, f))
    coop.stop()
    results: list[object] = []
    coop.coiterate(iter(range(2))).addErrback(results.append)
    assert isinstance(results[0], Failure) and results[0].check(SchedulerStopped)


def test_default_scheduler_uses_reactor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default scheduler schedules ticks with twistlike.reactor.callLater."""
    fake = Clock()
    monkeypatch.setattr(twistlike, "reactor", fake, raising=False)
    coop = Cooperator(terminationPredicateFactory=_Steps(10))
    results: list[object] = []
    coop.coiterate(iter(range(3))).addCallback(results.append)
    assert len(fake.getDelayedCalls()) == 1
    fake.advance(1)
    assert len(results) == 1


def test_module_cooperate_and_coiterate(monkeypatch: pytest.MonkeyPatch) -> None:
    """Module-level cooperate and coiterate share the global Cooperator."""
    fake = Clock()
    monkeypatch.setattr(twistlike, "reactor", fake, raising=False)
    results: list[object] = []
    task.coiterate(iter(range(3))).addCallback(results.append)
    t = task.cooperate(iter(range(2)))
    t.whenDone().addCallback(results.append)
    for _ in range(10):
        fake.advance(1)
    assert len(results) == 2
    assert fake.getDelayedCalls() == []


def test_succeed_is_not_a_pause() -> None:
    """A yielded already-fired Deferred resumes the task within the same tick."""
    clock = Clock()
    coop = Cooperator(
        terminationPredicateFactory=_Steps(10), scheduler=lambda f: clock.callLater(0, f)
    )
    results: list[object] = []
    coop.coiterate(iter([succeed(1), succeed(2)])).addCallback(results.append)
    clock.advance(0)
    assert len(results) == 1

"""Tests for twistlike's reactor (``from twistlike import reactor``) on asyncio and uvloop.

Three kinds of test live here:

- ``@pytest.mark.asyncio`` tests use the reactor inside a running loop (conftest.py runs them on
  the default loop and on uvloop, in debug mode, failing if the loop's exception handler runs).
- Plain tests call ``reactor.run()`` in this process (no loop runs in the test's thread), on
  loops made by :class:`_RunLoops` (debug mode, a recording exception handler and a watchdog).
- Subprocess tests run small programs: signals, the seed program, and the same program on
  Twisted's reactor and on ours where Twisted is the oracle.

Timed calls are checked by the ORDER in which they fire, never by how long they took.
"""

from __future__ import annotations

import asyncio
import functools
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
import twisted.internet.error as terror
import twisted.internet.task as ttask
import uvloop
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import twistlike
from twistlike import reactor
from twistlike._aio.reactor import AsyncioReactor
from twistlike._core.delayedcall import DelayedCall
from twistlike.defer import Deferred
from twistlike.error import (
    AlreadyCalled,
    AlreadyCancelled,
    ReactorAlreadyRunning,
    ReactorNotRunning,
)
from twistlike.threads import deferToThread

TClock: Any = ttask.Clock

ROOT = Path(__file__).resolve().parent.parent

#: Upper bound for every wait in this file, in seconds (a failure, not a timing assertion).
BOUND = 10.0

#: How long a watchdog lets a ``reactor.run()`` of this file go on before it stops the loop.
WATCHDOG = 20.0


def _keep_loop_busy(seconds: float) -> None:
    """Hold the loop's thread for ``seconds`` so that the timers due meanwhile fire late.

    This is not synchronisation: it makes the loop late on purpose, as a busy application
    does, so that several timers are due at the same wake-up.
    """
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


class _Schedule:
    """Deadlines counted from one instant, ``lead`` seconds after the schedule is made.

    The test process can be preempted for milliseconds between two statements (a shared
    machine); scheduling every call for an offset from the same instant, instead of a delay
    from "now", keeps the deadlines the test means whatever time passes while it schedules.
    """

    def __init__(self, lead: float = 0.010) -> None:
        self.start = reactor.seconds() + lead
        # Set when a deadline had already passed when it was asked for (the process was
        # preempted longer than the lead), or when a call landed later than asked (preempted
        # between computing its delay and scheduling it): the schedule then differs from the
        # one meant.
        self.slipped = False
        self._lastRead = self.start

    def delay(self, offset: float) -> float:
        """The delay from now (for callLater or reset) of the deadline ``start + offset``."""
        now = self._lastRead = reactor.seconds()
        delay = self.start + offset - now
        if delay < 0:
            self.slipped = True
        return max(0.0, delay)

    def checkReset(self, tolerance: float) -> Callable[[Any, float], None]:
        """For ``_operate``: note a slip when a call reset to ``delay`` (computed by the
        last :meth:`delay`) landed off that deadline by more than ``tolerance`` seconds."""
        return functools.partial(self._noteSlip, tolerance=tolerance)

    def tracked(self, tolerance: float) -> Callable[..., DelayedCall]:
        """``reactor.callLater`` that notes a slip when the call's time is off the deadline
        meant by the last :meth:`delay` by more than ``tolerance`` seconds."""

        def callLater(delay: float, f: Callable[..., object], *args: Any) -> DelayedCall:
            call = reactor.callLater(delay, f, *args)
            self._noteSlip(call, delay, tolerance)
            return call

        return callLater

    def _noteSlip(self, call: Any, delay: float, tolerance: float) -> None:
        # ``delay`` was computed by the last delay() call, from the clock it read then.
        if abs(call.getTime() - (self._lastRead + delay)) > tolerance:
            self.slipped = True

    def callLater(self, offset: float, f: Callable[..., object], *args: Any) -> DelayedCall:
        """``reactor.callLater`` for the deadline ``start + offset``.

        If the process was preempted between computing the delay and callLater reading the
        clock, the call lands late; it is re-armed (a few times at most) until it is on the
        deadline meant.
        """
        call = reactor.callLater(self.delay(offset), f, *args)
        meant = self.start + offset
        for _ in range(5):
            if abs(call.getTime() - meant) <= 0.0005:
                return call
            call.reset(self.delay(offset))
        self.slipped = True
        return call


# ---- the reactor object ------------------------------------------------------------------


def test_reactor_is_the_package_attribute() -> None:
    """``from twistlike import reactor`` gives the one AsyncioReactor."""
    assert twistlike.reactor is reactor
    assert isinstance(reactor, AsyncioReactor)


def test_negative_delay_raises_assertion_error_without_loop() -> None:
    """callLater with a negative delay raises AssertionError (as Twisted), even before run()."""
    with pytest.raises(AssertionError):
        reactor.callLater(-1, print)


def test_stop_when_not_running_raises_reactor_not_running() -> None:
    """stop() with no run() and no loop raises ReactorNotRunning."""
    assert not reactor.running
    with pytest.raises(ReactorNotRunning):
        reactor.stop()


def test_seconds_is_epoch_time() -> None:
    """seconds() reads the wall clock in epoch seconds, as Twisted's reactor does."""
    before = time.time()
    now = reactor.seconds()
    after = time.time()
    assert before <= now <= after


# ---- DelayedCall inside a running loop ------------------------------------------------------


@pytest.mark.asyncio
async def test_callLater_runs_on_the_loop_thread_with_args() -> None:
    """callLater(delay, f, *args, **kw) calls f(*args, **kw) on the loop's thread."""
    done: Deferred[tuple[Any, ...]] = Deferred()

    def record(*args: Any, **kw: Any) -> None:
        done.callback((args, kw, threading.get_ident()))

    call = reactor.callLater(0.001, record, 1, "two", three=3)
    assert call.func is record
    assert call.args == (1, "two")
    assert call.kw == {"three": 3}
    assert call.active()
    assert (call.called, call.cancelled) == (0, 0)
    async with asyncio.timeout(BOUND):
        args, kw, ident = await done
    assert args == (1, "two")
    assert kw == {"three": 3}
    assert ident == threading.get_ident()
    assert call.called == 1
    assert not call.active()


@pytest.mark.asyncio
async def test_getTime_is_epoch_seconds() -> None:
    """getTime() of a new call is the epoch time of its deadline."""
    before = time.time()
    call = reactor.callLater(100, print)
    after = time.time()
    assert before + 100 <= call.getTime() <= after + 100
    call.cancel()


@pytest.mark.asyncio
async def test_negative_delay_raises_assertion_error() -> None:
    """callLater with a negative delay raises AssertionError (as Twisted) and schedules nothing."""
    with pytest.raises(AssertionError):
        reactor.callLater(-0.5, print)
    assert reactor.getDelayedCalls() == []


@pytest.mark.asyncio
async def test_zero_delay_is_accepted() -> None:
    """callLater(0, f) runs f on a later loop iteration, not inside callLater."""
    done: Deferred[None] = Deferred()
    reactor.callLater(0, done.callback, None)
    assert not done.called
    async with asyncio.timeout(BOUND):
        await done


@pytest.mark.asyncio
async def test_cancel_prevents_the_call() -> None:
    """A cancelled call never runs; cancel/reset/delay then raise AlreadyCancelled."""
    ran: list[str] = []
    done: Deferred[None] = Deferred()
    call = reactor.callLater(0.001, ran.append, "cancelled one")
    reactor.callLater(0.002, done.callback, None)
    call.cancel()
    assert call.cancelled == 1
    assert not call.active()
    assert call not in reactor.getDelayedCalls()
    with pytest.raises(AlreadyCancelled):
        call.cancel()
    with pytest.raises(AlreadyCancelled):
        call.reset(1)
    with pytest.raises(AlreadyCancelled):
        call.delay(1)
    async with asyncio.timeout(BOUND):
        await done
    assert ran == []


@pytest.mark.asyncio
async def test_called_is_set_before_the_function_runs() -> None:
    """Inside its own function a call is already called: cancel/reset/delay raise AlreadyCalled."""
    seen: list[object] = []
    done: Deferred[None] = Deferred()

    def inside() -> None:
        seen.append((call.called, call.active()))
        for operation in (call.cancel, lambda: call.reset(1), lambda: call.delay(1)):
            try:
                operation()
            except AlreadyCalled:
                seen.append("AlreadyCalled")
        done.callback(None)

    call = reactor.callLater(0, inside)
    async with asyncio.timeout(BOUND):
        await done
    assert seen == [(1, False), "AlreadyCalled", "AlreadyCalled", "AlreadyCalled"]
    with pytest.raises(AlreadyCalled):
        call.cancel()


class _Order:
    """Records what timed calls fire; ``wait()`` returns once ``count`` were recorded.

    Finishing on the last expected call (rather than on a sentinel timer) keeps a test's
    outcome independent of how late the loop runs; a call that should not run would have
    been due before the last expected one, so it shows up in the record.
    """

    def __init__(self, count: int) -> None:
        self.seen: list[object] = []
        self.count = count
        self.done: Deferred[None] = Deferred()

    def __call__(self, item: object) -> None:
        self.seen.append(item)
        if len(self.seen) == self.count:
            self.done.callback(None)

    async def wait(self) -> list[object]:
        async with asyncio.timeout(BOUND):
            await self.done
        return self.seen


@pytest.mark.asyncio
async def test_delay_postpones_the_call() -> None:
    """delay(n) adds n seconds to getTime() and the call fires after a later-scheduled one."""
    order = _Order(2)
    at = _Schedule()
    first = at.callLater(0.001, order, "first")
    at.callLater(0.003, order, "second")
    old = first.getTime()
    first.delay(0.005)
    assert first.getTime() == old + 0.005
    assert await order.wait() == ["second", "first"]


@pytest.mark.asyncio
async def test_negative_delay_moves_the_call_earlier() -> None:
    """delay(-n) moves the call n seconds earlier, before a call that was due sooner."""
    order = _Order(2)
    at = _Schedule()
    late = at.callLater(100, order, "late")
    at.callLater(0.005, order, "sooner")
    old = late.getTime()
    late.delay(-99.998)
    assert late.getTime() == pytest.approx(old - 99.998)
    assert await order.wait() == ["late", "sooner"]


@pytest.mark.asyncio
async def test_reset_later_postpones_the_call() -> None:
    """reset(n) to a later moment makes the call fire after one that was due later."""
    order = _Order(2)
    at = _Schedule()
    call = at.callLater(0.001, order, "reset")
    at.callLater(0.003, order, "other")
    before = time.time()
    call.reset(0.100)
    after = time.time()
    assert before + 0.100 <= call.getTime() <= after + 0.100
    assert await order.wait() == ["other", "reset"]


@pytest.mark.asyncio
async def test_reset_earlier_brings_the_call_forward() -> None:
    """reset(n) to an earlier moment makes a far-away call fire now, exactly once."""
    order = _Order(2)
    at = _Schedule()
    call = at.callLater(1000, order, "reset")
    at.callLater(0.003, order, "other")
    call.reset(at.delay(0))
    assert call.getTime() == pytest.approx(at.start, abs=0.001)
    assert await order.wait() == ["reset", "other"]
    assert reactor.getDelayedCalls() == []


@pytest.mark.twistlike_allow_unhandled_errors
@pytest.mark.asyncio
async def test_exception_in_call_is_logged_and_later_calls_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An exception in a timed call is logged on stdlib logging; later timers still run."""
    order = _Order(2)

    def boom() -> None:
        order("boom")
        raise ZeroDivisionError("boom in a timed call")

    reactor.callLater(0, boom)
    reactor.callLater(0.002, order, "later")
    assert await order.wait() == ["boom", "later"]
    records = [r for r in caplog.records if getattr(r, "failure", None) is not None]
    assert len(records) == 1
    record = records[0]
    assert record.name.startswith("twistlike")
    assert record.levelname == "ERROR"
    failure: Any = getattr(record, "failure")  # noqa: B009
    assert isinstance(failure.value, ZeroDivisionError)
    assert "boom in a timed call" in record.getMessage()


@pytest.mark.asyncio
async def test_calls_fire_in_deadline_order() -> None:
    """Calls scheduled in shuffled order fire in the order of their deadlines."""
    delays = [7, 3, 11, 1, 9, 5, 2, 10, 4, 8, 6]
    order = _Order(len(delays))
    at = _Schedule()
    for n in delays:
        # 2 ms apart: more than one step of uvloop's millisecond clock (see the next test).
        at.callLater(n * 0.002, order, n)
    assert await order.wait() == sorted(delays)


@pytest.mark.asyncio
async def test_deadlines_are_not_rounded_to_the_loop_clock() -> None:
    """A call due later fires later, even when uvloop's millisecond clock did not tick between.

    ``a`` is scheduled right after a tick of the loop's clock, for 1.0 ms later; ``b`` 0.8 ms
    after that, for 0.5 ms later: b is due 0.3 ms after a (its getTime() says so), and
    Twisted's reactor, whose clock is a float, runs a first.
    """
    loop = asyncio.get_running_loop()
    tick = loop.time()
    while loop.time() == tick:
        pass
    order = _Order(2)
    a = reactor.callLater(0.001, order, "a")
    _keep_loop_busy(0.0008)
    b = reactor.callLater(0.0005, order, "b")
    assert a.getTime() < b.getTime()
    assert await order.wait() == ["a", "b"]


@pytest.mark.asyncio
async def test_callLater_from_a_timed_call_does_not_hold_back_earlier_calls() -> None:
    """A timed call that schedules a far-away call does not delay a call due sooner.

    The loop's own timer is the yardstick: ``c`` (due at 5 ms) must fire before it (40 ms);
    ``b``, scheduled by ``a`` for 200 ms later, after it.
    """
    order = _Order(4)

    def a() -> None:
        order("a")
        reactor.callLater(0.2, order, "b")

    reactor.callLater(0, a)
    reactor.callLater(0.005, order, "c")
    asyncio.get_running_loop().call_later(0.04, order, "loop timer")
    assert await order.wait() == ["a", "c", "loop timer", "b"]


@pytest.mark.asyncio
async def test_postponed_call_does_not_hold_back_earlier_calls() -> None:
    """A call postponed with delay() does not delay another call due sooner.

    ``first`` (due now, postponed by 200 ms) comes due, is re-armed for later, and ``c``
    (5 ms) must still fire before the loop's own 40 ms timer.
    """
    order = _Order(3)
    first = reactor.callLater(0, order, "first")
    first.delay(0.2)
    reactor.callLater(0.005, order, "c")
    asyncio.get_running_loop().call_later(0.04, order, "loop timer")
    assert await order.wait() == ["c", "loop timer", "first"]


@pytest.mark.asyncio
async def test_equal_deadlines_fire_in_scheduling_order() -> None:
    """Calls with the same delay fire in the order they were scheduled (as Twisted's Clock)."""
    order = _Order(50)
    for n in range(50):
        reactor.callLater(0, order, n)
    seen = await order.wait()
    clock = TClock()
    expected: list[int] = []
    for n in range(50):
        clock.callLater(0, expected.append, n)
    clock.advance(0)
    assert seen == expected == list(range(50))


@pytest.mark.asyncio
async def test_getDelayedCalls_lists_pending_calls_only() -> None:
    """getDelayedCalls() holds the calls that have neither run nor been cancelled."""
    assert reactor.getDelayedCalls() == []
    order = _Order(2)
    soon = reactor.callLater(0, order, "soon")
    cancelled = reactor.callLater(50, lambda: None)
    delayed = reactor.callLater(60, lambda: None)
    moved = reactor.callLater(70, lambda: None)
    cancelled.cancel()
    delayed.delay(5)
    moved.reset(1)
    pending = reactor.getDelayedCalls()
    assert set(map(id, pending)) == {id(soon), id(delayed), id(moved)}
    assert all(isinstance(call, DelayedCall) for call in pending)
    reactor.callLater(0.001, order, "later")
    assert await order.wait() == ["soon", "later"]
    assert set(map(id, reactor.getDelayedCalls())) == {id(delayed), id(moved)}
    delayed.cancel()
    moved.cancel()
    assert reactor.getDelayedCalls() == []


@pytest.mark.asyncio
async def test_many_cancellations_leave_the_rest_in_order() -> None:
    """Cancelling most of many calls (heap compaction) keeps the others, in deadline order."""
    order = _Order(100)
    calls = [reactor.callLater(0.001 + n * 0.00001, order, n) for n in range(300)]
    for n, call in enumerate(calls):
        if n % 3:
            call.cancel()
    assert await order.wait() == list(range(0, 300, 3))
    assert reactor.getDelayedCalls() == []


@pytest.mark.asyncio
async def test_cancelling_many_calls_from_a_call_keeps_the_rest() -> None:
    """A call that cancels most pending calls (compaction while firing) loses no other call."""
    order = _Order(51)
    calls: list[DelayedCall] = []

    def cancel_most() -> None:
        for n, call in enumerate(calls):
            if n % 4:
                call.cancel()
        reactor.callLater(0.001, order, -1)

    reactor.callLater(0, cancel_most)
    calls.extend(reactor.callLater(0.002 + n * 0.00001, order, n) for n in range(200))
    seen = await order.wait()
    # The new call's place among the old ones depends on when cancel_most ran.
    assert set(seen) == {-1, *range(0, 200, 4)}
    assert [n for n in seen if n != -1] == list(range(0, 200, 4))
    assert reactor.getDelayedCalls() == []


# ---- races: calls due at the same moment ----------------------------------------------------


@pytest.mark.asyncio
async def test_cancel_from_a_call_due_at_the_same_time() -> None:
    """A call cancelled by another call due at the same moment does not run."""
    order = _Order(2)

    def first() -> None:
        order("first")
        second.cancel()

    reactor.callLater(0, first)
    second = reactor.callLater(0, order, "second")
    reactor.callLater(0.002, order, "last")
    # Both calls are due when the loop next looks at its timers.
    _keep_loop_busy(0.001)
    assert await order.wait() == ["first", "last"]
    assert second.cancelled == 1


@pytest.mark.asyncio
async def test_reset_later_from_a_call_due_at_the_same_time() -> None:
    """A call reset to later by another call due at the same moment waits for its new time."""
    order = _Order(3)

    def first() -> None:
        order("first")
        # In this order, time passing between the two lines only moves `second` later.
        reactor.callLater(0.002, order, "between")
        second.reset(0.004)

    reactor.callLater(0, first)
    second = reactor.callLater(0, order, "second")
    _keep_loop_busy(0.001)
    assert await order.wait() == ["first", "between", "second"]


@pytest.mark.asyncio
async def test_reset_to_now_from_a_call_due_at_the_same_time_runs_it_once() -> None:
    """A due call reset to 0 by another call due at the same moment runs exactly once."""
    order = _Order(2)

    def first() -> None:
        order("first")
        second.reset(0)

    reactor.callLater(0, first)
    second = reactor.callLater(0, order, "second")
    _keep_loop_busy(0.001)
    assert await order.wait() == ["first", "second"]
    # A second run would come from the stale deadline, which is already past.
    after: Deferred[None] = Deferred()
    reactor.callLater(0.002, after.callback, None)
    async with asyncio.timeout(BOUND):
        await after
    assert order.seen == ["first", "second"]


@pytest.mark.asyncio
async def test_delay_from_a_call_due_at_the_same_time() -> None:
    """A call delayed by another call due at the same moment waits for its new time."""
    order = _Order(3)

    def first() -> None:
        order("first")
        # delay() counts from the call's own time, reset() and callLater from now.
        second.delay(0.050)
        reactor.callLater(0.002, order, "between")

    reactor.callLater(0, first)
    second = reactor.callLater(0, order, "second")
    _keep_loop_busy(0.001)
    assert await order.wait() == ["first", "between", "second"]


@pytest.mark.asyncio
async def test_late_loop_runs_a_postponed_call_in_deadline_order() -> None:
    """When the loop is late, a postponed call still fires before a call due after it.

    ``a`` (1 ms, delayed by 1.5 ms to 2.5 ms) must fire between ``b`` (2 ms) and ``c`` (3 ms),
    as on Twisted's reactor and its Clock, even when all three are due at one wake-up.
    """
    order = _Order(3)
    at = _Schedule()  # (its lead absorbs a preemption while the calls are scheduled)
    a = at.callLater(0.001, order, "a")
    at.callLater(0.002, order, "b")
    at.callLater(0.003, order, "c")
    a.delay(0.0015)
    _keep_loop_busy(at.delay(0.006))
    assert await order.wait() == ["b", "a", "c"]


@pytest.mark.asyncio
async def test_late_loop_runs_a_call_moved_earlier_in_deadline_order() -> None:
    """When the loop is late, a call moved earlier by a running call fires in deadline order.

    ``a`` (1 ms) moves ``w`` from 100 ms to 2 ms; ``w`` must fire before ``b`` (3 ms) and ``c``
    (4 ms), as on Twisted's reactor and its Clock, even when a, b and c are due at one wake-up.
    """
    order = _Order(4)

    def a() -> None:
        order("a")
        w.delay(-0.098)

    at = _Schedule()
    at.callLater(0.001, a)
    at.callLater(0.003, order, "b")
    at.callLater(0.004, order, "c")
    w = at.callLater(0.100, order, "w")
    _keep_loop_busy(at.delay(0.006))
    assert await order.wait() == ["a", "w", "b", "c"]


# ---- differential: the same timer script on Twisted's Clock and on our reactor --------------

_Script = tuple[list[int], list[tuple[str, int, int]], list[list[tuple[str, int, int]]]]


@st.composite
def _scripts(draw: st.DrawFn, inner_ops: tuple[str, ...]) -> _Script:
    """A timer script: initial delays (in units), top-level operations, per-call operations."""
    n = draw(st.integers(2, 6))
    delays = draw(st.lists(st.integers(0, 10), min_size=n, max_size=n, unique=True))
    index = st.integers(0, n - 1)
    top = draw(
        st.lists(
            st.one_of(
                st.tuples(st.just("reset"), index, st.integers(0, 10)),
                st.tuples(st.just("delay"), index, st.integers(-4, 10)),
                st.tuples(st.just("cancel"), index, st.just(0)),
            ),
            max_size=6,
        )
    )
    inner = draw(
        st.lists(
            st.lists(st.tuples(st.sampled_from(inner_ops), index, st.integers(1, 6)), max_size=2),
            min_size=n,
            max_size=n,
        )
    )
    return delays, top, inner


def _operate(
    call: Any,
    operation: str,
    amount: float,
    resetDelay: Callable[[float], float],
    onReset: Callable[[Any, float], object] = lambda call, delay: None,
) -> str:
    """Apply one operation to a DelayedCall (ours or Twisted's); describe the outcome.

    ``amount`` is in seconds; a reset goes to ``resetDelay(amount)`` seconds from now, and
    ``onReset(call, delay)`` is told of it.
    """
    try:
        if operation == "cancel":
            call.cancel()
        elif operation == "delay":
            call.delay(amount)
        else:
            delay = resetDelay(amount)
            call.reset(delay)
            onReset(call, delay)
    except (AlreadyCalled, AlreadyCancelled, terror.AlreadyCalled, terror.AlreadyCancelled) as e:
        return type(e).__name__
    return "ok"


def _play(
    callLater: Callable[..., Any],
    toDelay: Callable[[float], float],
    unit: float,
    script: _Script,
    trace: list[object],
    observe: Callable[[list[Any]], object] = lambda calls: None,
    onReset: Callable[[Any, float], object] = lambda call, delay: None,
) -> tuple[list[Any], list[float]]:
    """Schedule ``script`` with ``callLater``; firings and outcomes go to ``trace``.

    Times in the script are offsets from the script's start; ``toDelay(offset)`` turns one
    into a delay from now (for ``callLater`` and top-level resets). Calls cancel and delay
    other calls while they run; both count from a call's own time, not from now, so the
    script means the same on a Clock and on a real loop that runs late.

    ``observe(calls)`` is called whenever the schedule may have changed: after the top-level
    operations and after each call ran. Returns the calls and a list that receives each
    fired call's ``getTime()``.
    """
    delays, top, inner = script
    calls: list[Any] = []
    fired_at: list[float] = []

    def fire(i: int) -> None:
        trace.append(("fire", i))
        fired_at.append(calls[i].getTime())
        for operation, j, amount in inner[i]:
            trace.append(
                (operation, j, _operate(calls[j], operation, amount * unit, toDelay, onReset))
            )
        observe(calls)

    for i, d in enumerate(delays):
        calls.append(callLater(toDelay(d * unit), fire, i))
    for operation, j, amount in top:
        trace.append((operation, j, _operate(calls[j], operation, amount * unit, toDelay, onReset)))
    observe(calls)
    return calls, fired_at


def _on_twisted_clock(script: _Script) -> tuple[list[object], float]:
    """Run ``script`` on Twisted's Clock (one unit = 1.0); return its trace and last firing."""
    clock = TClock()
    trace: list[object] = []
    ties: list[float] = []

    def find_ties(calls: list[Any]) -> None:
        # Two pending calls due at one moment would leave their order to chance on a real
        # loop (whichever was scheduled a microsecond sooner); such scripts are skipped.
        times = [call.getTime() for call in calls if call.active()]
        ties.extend(t for t in times if times.count(t) > 1)

    _, fired_at = _play(clock.callLater, lambda offset: offset, 1.0, script, trace, find_ties)
    while clock.calls:
        nextTime = min(call.getTime() for call in clock.calls)
        clock.advance(max(0.0, nextTime - clock.seconds()))
    assume(not ties and len(set(fired_at)) == len(fired_at))
    return trace, max(fired_at, default=0.0)


async def _on_reactor(script: _Script, unit: float, late: bool) -> list[object]:
    """Run ``script`` on our reactor in the running loop; return its trace.

    With ``late``, the loop is kept busy until every call of the script is due, so that they
    all fire from one wake-up.
    """
    expected, last = _on_twisted_clock(script)
    trace: list[object] = []
    done: Deferred[None] = Deferred()
    at = _Schedule()
    calls, _ = _play(
        at.tracked(unit / 4), at.delay, unit, script, trace, onReset=at.checkReset(unit / 4)
    )
    at.callLater((max(last, 0.0) + 2) * unit, done.callback, None)
    if late:
        due = max((call.getTime() for call in calls if call.active()), default=0.0)
        _keep_loop_busy(max(0.0, due - reactor.seconds()) + unit)
    async with asyncio.timeout(BOUND):
        await done
    leftover = reactor.getDelayedCalls()
    for call in leftover:
        call.cancel()
    if leftover or trace != expected:
        # A machine that preempted the test past a deadline ran another script than the one
        # meant; such an example proves nothing either way.
        assume(not at.slipped)
    assert leftover == []
    assert trace == expected
    return trace


@pytest.mark.asyncio
@settings(max_examples=25, deadline=None)
@given(script=_scripts(("cancel",)))
async def test_timer_scripts_fire_in_the_order_of_twisted_clock(script: _Script) -> None:
    """callLater/reset/delay/cancel scripts fire in the same order as on Twisted's Clock."""
    await _on_reactor(script, unit=0.005, late=False)


@pytest.mark.asyncio
@settings(max_examples=25, deadline=None)
@given(script=_scripts(("cancel", "delay")))
async def test_timer_scripts_on_a_late_loop_fire_in_the_order_of_twisted_clock(
    script: _Script,
) -> None:
    """With every call due at one wake-up, scripts still fire in Twisted's Clock order.

    Calls cancel or postpone other calls while they run; a postponed call due again within
    the same wake-up must still fire in deadline order.
    """
    await _on_reactor(script, unit=0.005, late=True)


# ---- inside a running loop: the rest of the reactor ----------------------------------------


@pytest.mark.asyncio
async def test_reactor_runs_inside_a_running_loop() -> None:
    """Inside a running loop the reactor is running and callWhenRunning calls at once."""
    assert reactor.running
    ran: list[str] = []
    assert reactor.callWhenRunning(ran.append, "now") is None
    assert ran == ["now"]


@pytest.mark.asyncio
async def test_run_inside_a_running_loop_raises_a_helpful_error() -> None:
    """run() while a loop runs in this thread raises RuntimeError saying not to call run()."""
    with pytest.raises(RuntimeError, match=r"event loop is running.*don't call run\(\)"):
        reactor.run()
    assert reactor.running


@pytest.mark.asyncio
async def test_resolve_localhost() -> None:
    """resolve('localhost') gives '127.0.0.1' through the loop's resolver."""
    async with asyncio.timeout(BOUND):
        address = await reactor.resolve("localhost")
    assert address == "127.0.0.1"


@pytest.mark.asyncio
async def test_resolve_a_literal_address() -> None:
    """resolve() of a dotted quad gives it back."""
    async with asyncio.timeout(BOUND):
        assert await reactor.resolve("127.0.0.1") == "127.0.0.1"


@pytest.mark.asyncio
async def test_stop_inside_an_embedded_loop_runs_shutdown_but_keeps_the_loop() -> None:
    """stop() in a loop the reactor does not own fires shutdown; the loop keeps running."""
    order: list[str] = []
    done: Deferred[None] = Deferred()
    for phase in ("after", "during", "before"):
        reactor.addSystemEventTrigger(phase, "shutdown", order.append, phase)
    reactor.addSystemEventTrigger("after", "shutdown", done.callback, None)
    reactor.stop()
    with pytest.raises(ReactorNotRunning):
        reactor.stop()
    async with asyncio.timeout(BOUND):
        await done
    assert order == ["before", "during", "after"]
    assert not reactor.running
    # The application's loop is still running and serving.
    assert asyncio.get_running_loop().is_running()


# ---- reactor.run() in this process ------------------------------------------------------------


class _RunLoops:
    """A loop factory for ``reactor.run()`` that watches the loops it makes.

    The loops run in debug mode; their exception handler records what it is given; a
    watchdog stops a loop that runs for longer than :data:`WATCHDOG` seconds.
    """

    def __init__(self, name: str, make: Callable[[], asyncio.AbstractEventLoop]) -> None:
        self.name = name
        self.make = make
        self.reports: list[dict[str, Any]] = []
        self.expired = False
        self.loopTypes: list[type[asyncio.AbstractEventLoop]] = []

    def __call__(self) -> asyncio.AbstractEventLoop:
        loop = self.make()
        loop.set_debug(True)
        loop.set_exception_handler(lambda _, context: self.reports.append(context))
        loop.call_later(WATCHDOG, self._expire, loop)
        self.loopTypes.append(type(loop))
        return loop

    def _expire(self, loop: asyncio.AbstractEventLoop) -> None:
        self.expired = True
        loop.stop()

    def run(self) -> None:
        """Run the reactor on a watched loop, without signal handlers."""
        reactor.run(installSignalHandlers=False, loop_factory=self)

    def check(self) -> None:
        assert not self.expired, "the watchdog stopped reactor.run()"
        assert self.reports == []


@pytest.fixture(params=["asyncio", "uvloop"])
def loops(request: pytest.FixtureRequest) -> Iterator[_RunLoops]:
    """Watched loops of one kind for ``reactor.run()``; nothing of the reactor leaks out."""
    make = uvloop.new_event_loop if request.param == "uvloop" else asyncio.new_event_loop
    assert reactor.getDelayedCalls() == []
    assert not reactor.running
    watched = _RunLoops(request.param, make)
    yield watched
    watched.check()
    assert reactor.getDelayedCalls() == []
    assert not reactor.running


def _current_loop_type() -> type[asyncio.AbstractEventLoop]:
    return type(asyncio.get_running_loop())


def test_timers_scheduled_before_run_fire(loops: _RunLoops) -> None:
    """Calls scheduled before run() fire on the loop run() creates, in deadline order."""
    order: list[object] = []
    at = _Schedule(lead=0)
    at.callLater(0.004, order.append, "second")
    at.callLater(0, order.append, "first")
    at.callLater(0.008, lambda: order.append(_current_loop_type()))
    at.callLater(0.012, reactor.stop)
    assert len(reactor.getDelayedCalls()) == 4
    loops.run()
    assert order[:2] == ["first", "second"]
    assert order[2] is loops.loopTypes[0]
    if loops.name == "uvloop":
        assert issubclass(loops.loopTypes[0], uvloop.Loop)
    else:
        assert not issubclass(loops.loopTypes[0], uvloop.Loop)


def test_timers_scheduled_before_run_fire_after_startup(loops: _RunLoops) -> None:
    """A callLater(0) made before run() runs after the startup event, as in Twisted."""
    seen: list[object] = []

    def timed() -> None:
        seen.append(("timed", reactor.running))
        reactor.callWhenRunning(reactor.stop)

    reactor.callLater(0, timed)
    reactor.addSystemEventTrigger("after", "startup", seen.append, "after startup")
    loops.run()
    assert seen == ["after startup", ("timed", True)]


def test_seed_style_deferred_fired_by_callLater_before_run(loops: _RunLoops) -> None:
    """A Deferred fired by callLater before run() runs its callbacks once the loop runs."""
    results: list[int] = []
    d: Deferred[int] = Deferred()
    d.addCallback(lambda n: n * n)
    d.addCallback(results.append)
    reactor.callLater(0.001, d.callback, 5)
    reactor.callLater(0.002, reactor.stop)
    loops.run()
    assert results == [25]


def test_callWhenRunning_before_and_after_start(loops: _RunLoops) -> None:
    """callWhenRunning before run() waits for startup; while running it calls at once."""
    order: list[object] = []

    def started() -> None:
        order.append(("started", reactor.running))
        result = reactor.callWhenRunning(order.append, "immediately")
        order.append(("returned", result))
        reactor.stop()

    handle = reactor.callWhenRunning(started)
    assert handle is not None
    assert not reactor.running
    loops.run()
    assert order == [("started", True), "immediately", ("returned", None)]
    assert not reactor.running


def test_running_flag_follows_the_run(loops: _RunLoops) -> None:
    """running is False before run(), True inside it and False after it returns."""
    seen: list[bool] = []
    reactor.callWhenRunning(lambda: seen.append(reactor.running))
    reactor.callWhenRunning(reactor.stop)
    assert not reactor.running
    loops.run()
    assert seen == [True]
    assert not reactor.running


def test_system_event_trigger_order(loops: _RunLoops) -> None:
    """Triggers run before, during, after for startup, then for shutdown, each in order."""
    order: list[str] = []
    for event in ("shutdown", "startup"):
        for phase in ("after", "during", "before"):
            for n in (1, 2):
                reactor.addSystemEventTrigger(phase, event, order.append, f"{phase} {event} {n}")
    reactor.callWhenRunning(order.append, "callWhenRunning")
    reactor.callWhenRunning(reactor.stop)
    loops.run()
    assert order == [
        "before startup 1",
        "before startup 2",
        "during startup 1",
        "during startup 2",
        "after startup 1",
        "after startup 2",
        "callWhenRunning",
        "before shutdown 1",
        "before shutdown 2",
        "during shutdown 1",
        "during shutdown 2",
        "after shutdown 1",
        "after shutdown 2",
    ]


def test_invalid_phase_raises_key_error() -> None:
    """addSystemEventTrigger with an unknown phase raises KeyError (as Twisted)."""
    with pytest.raises(KeyError):
        reactor.addSystemEventTrigger("sometime", "shutdown", print)


def test_before_shutdown_deferred_delays_the_end_of_run(loops: _RunLoops) -> None:
    """A before-shutdown trigger's Deferred holds back during/after and the end of run()."""
    order: list[str] = []
    pending: Deferred[None] = Deferred()

    def before() -> Deferred[None]:
        order.append("before")
        reactor.callLater(0.002, release)
        return pending

    def release() -> None:
        order.append("released")
        pending.callback(None)

    reactor.addSystemEventTrigger("before", "shutdown", before)
    reactor.addSystemEventTrigger("during", "shutdown", order.append, "during")
    reactor.addSystemEventTrigger("after", "shutdown", order.append, "after")
    reactor.callWhenRunning(reactor.stop)
    loops.run()
    order.append("run returned")
    assert order == ["before", "released", "during", "after", "run returned"]


@pytest.mark.twistlike_allow_unhandled_errors
def test_failing_before_shutdown_deferred_still_shuts_down(
    loops: _RunLoops, caplog: pytest.LogCaptureFixture
) -> None:
    """A before-shutdown Deferred that fails is logged and shutdown goes on."""
    order: list[str] = []
    pending: Deferred[None] = Deferred()

    def before() -> Deferred[None]:
        reactor.callLater(0, pending.errback, ValueError("trigger failed"))
        return pending

    reactor.addSystemEventTrigger("before", "shutdown", before)
    reactor.addSystemEventTrigger("after", "shutdown", order.append, "after")
    reactor.callWhenRunning(reactor.stop)
    loops.run()
    assert order == ["after"]
    failures = [getattr(r, "failure", None) for r in caplog.records]
    assert any(f is not None and isinstance(f.value, ValueError) for f in failures)


def test_removeSystemEventTrigger(loops: _RunLoops) -> None:
    """A removed trigger does not run; removing it again raises ValueError."""
    order: list[str] = []
    removed = reactor.addSystemEventTrigger("during", "shutdown", order.append, "removed")
    reactor.addSystemEventTrigger("during", "shutdown", order.append, "kept")
    reactor.removeSystemEventTrigger(removed)
    with pytest.raises(ValueError):
        reactor.removeSystemEventTrigger(removed)
    reactor.callWhenRunning(reactor.stop)
    loops.run()
    assert order == ["kept"]


def test_fireSystemEvent_runs_a_custom_event(loops: _RunLoops) -> None:
    """fireSystemEvent runs the triggers of any event type, each phase in order."""
    order: list[str] = []
    for phase in ("after", "during", "before"):
        reactor.addSystemEventTrigger(phase, "custom", order.append, phase)

    def started() -> None:
        reactor.fireSystemEvent("custom")
        reactor.stop()

    reactor.callWhenRunning(started)
    loops.run()
    assert order == ["before", "during", "after"]


def test_stop_twice_raises_reactor_not_running(loops: _RunLoops) -> None:
    """A second stop() while the first is shutting down raises ReactorNotRunning."""
    seen: list[str] = []

    def started() -> None:
        reactor.stop()
        try:
            reactor.stop()
        except ReactorNotRunning:
            seen.append("ReactorNotRunning")

    reactor.callWhenRunning(started)
    loops.run()
    assert seen == ["ReactorNotRunning"]


def test_run_twice_in_one_process(loops: _RunLoops) -> None:
    """After stop(), run() may run again with a new loop; calls made in between fire on it."""
    order: list[str] = []
    reactor.callLater(0, order.append, "first run")
    reactor.callWhenRunning(reactor.stop)
    reactor.addSystemEventTrigger("after", "shutdown", order.append, "first shutdown")
    loops.run()
    reactor.callLater(0, order.append, "second run")
    reactor.addSystemEventTrigger("after", "startup", order.append, "second startup")
    reactor.callWhenRunning(reactor.callLater, 0.001, reactor.stop)
    loops.run()
    assert order[:2] == ["first run", "first shutdown"]
    # Their relative order is test_timers_scheduled_before_run_fire_after_startup's business.
    assert sorted(order[2:]) == ["second run", "second startup"]
    assert len(loops.loopTypes) == 2


def test_crash_stops_without_the_shutdown_event(loops: _RunLoops) -> None:
    """crash() ends run() at once; shutdown triggers do not run."""
    order: list[str] = []
    reactor.addSystemEventTrigger("before", "shutdown", order.append, "shutdown")
    reactor.callWhenRunning(order.append, "running")
    reactor.callWhenRunning(reactor.crash)
    loops.run()
    order.append("run returned")
    assert order == ["running", "run returned"]
    assert not reactor.running


def test_run_in_a_second_thread_raises_reactor_already_running(loops: _RunLoops) -> None:
    """run() from another thread while run() runs raises ReactorAlreadyRunning."""
    errors: list[BaseException] = []

    def other() -> None:
        try:
            reactor.run(installSignalHandlers=False)
        except BaseException as e:
            errors.append(e)

    def started() -> None:
        thread = threading.Thread(target=other)
        thread.start()
        thread.join(BOUND)
        reactor.stop()

    reactor.callWhenRunning(started)
    loops.run()
    assert len(errors) == 1
    assert isinstance(errors[0], ReactorAlreadyRunning)


def test_run_inside_run_raises_reactor_already_running(loops: _RunLoops) -> None:
    """run() called from inside the reactor's own run() raises ReactorAlreadyRunning (Twisted)."""
    errors: list[BaseException] = []

    def started() -> None:
        try:
            reactor.run(installSignalHandlers=False)
        except BaseException as e:
            errors.append(e)
        reactor.stop()

    reactor.callWhenRunning(started)
    loops.run()
    assert len(errors) == 1
    assert isinstance(errors[0], ReactorAlreadyRunning)


def test_callFromThread_before_run_runs_once_the_reactor_runs(loops: _RunLoops) -> None:
    """A callFromThread made before run() runs on the loop's thread, after startup (Twisted).

    Twisted runs calls queued from threads in its first loop iteration, after the startup
    event fired, so they see ``reactor.running`` true and may call ``reactor.stop()``.
    """
    seen: list[object] = []

    def fromThread() -> None:
        seen.append(("fromThread", reactor.running, threading.get_ident()))
        reactor.callLater(0, reactor.stop)

    thread = threading.Thread(target=reactor.callFromThread, args=(fromThread,))
    thread.start()
    thread.join(BOUND)
    reactor.callWhenRunning(seen.append, "callWhenRunning")
    loops.run()
    assert seen == ["callWhenRunning", ("fromThread", True, threading.get_ident())]


def test_run_with_loop_factory_uvloop() -> None:
    """run(loop_factory=uvloop.new_event_loop) runs the reactor on a uvloop loop."""
    seen: list[type[asyncio.AbstractEventLoop]] = []
    reactor.callWhenRunning(lambda: seen.append(_current_loop_type()))
    reactor.callWhenRunning(reactor.stop)
    reactor.run(installSignalHandlers=False, loop_factory=uvloop.new_event_loop)
    assert len(seen) == 1
    assert issubclass(seen[0], uvloop.Loop)


def test_set_loop_factory_chooses_the_loop_of_later_runs() -> None:
    """set_loop_factory(uvloop.new_event_loop) makes run() use uvloop; None restores asyncio."""
    seen: list[type[asyncio.AbstractEventLoop]] = []
    try:
        reactor.set_loop_factory(uvloop.new_event_loop)
        reactor.callWhenRunning(lambda: seen.append(_current_loop_type()))
        reactor.callWhenRunning(reactor.stop)
        reactor.run(installSignalHandlers=False)
    finally:
        reactor.set_loop_factory(None)
    reactor.callWhenRunning(lambda: seen.append(_current_loop_type()))
    reactor.callWhenRunning(reactor.stop)
    reactor.run(installSignalHandlers=False)
    assert len(seen) == 2
    assert issubclass(seen[0], uvloop.Loop)
    assert not issubclass(seen[1], uvloop.Loop)


# ---- system events: Twisted's reactor is the oracle ---------------------------------------

_ORACLE_PREAMBLE = """
import sys
if sys.argv[1] == "twisted":
    from twisted.internet import defer, reactor
else:
    from twistlike import defer, reactor

def log(*args):
    print(*args, flush=True)
"""


def _python(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` with this interpreter in a subprocess; bounded by :data:`WATCHDOG`."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=WATCHDOG,
        check=False,
    )


def _same_as_twisted(body: str) -> None:
    """Run ``body`` on Twisted's reactor and on ours; their output must be the same."""
    script = _ORACLE_PREAMBLE + body
    theirs = _python(script, "twisted")
    ours = _python(script, "twistlike")
    assert theirs.returncode == 0, theirs.stderr
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout, ours.stderr
    assert ours.stderr == ""


def test_system_event_order_is_twisteds() -> None:
    """Trigger order, callWhenRunning and a before-shutdown Deferred match Twisted's reactor."""
    _same_as_twisted(
        """
for event in ("startup", "shutdown"):
    for phase in ("after", "during", "before"):
        reactor.addSystemEventTrigger(phase, event, log, phase, event)
reactor.callWhenRunning(log, "callWhenRunning")

def slowBefore():
    d = defer.Deferred()
    reactor.callLater(0.01, log, "released")
    reactor.callLater(0.01, d.callback, None)
    return d

reactor.addSystemEventTrigger("before", "shutdown", slowBefore)

def started():
    log("started")
    log("callWhenRunning while running returns", reactor.callWhenRunning(log, "at once"))
    reactor.stop()
    log("stop() returned")

reactor.callWhenRunning(started)
reactor.run()
log("run returned")
"""
    )


def test_running_flag_in_triggers_is_twisteds() -> None:
    """reactor.running seen by triggers and after stop() matches Twisted's reactor.

    Twisted: running turns true in the ``during startup`` phase and false in ``during
    shutdown``; between stop() and then, it is still true.
    """
    _same_as_twisted(
        """
for event in ("startup", "shutdown"):
    for phase in ("after", "during", "before"):
        reactor.addSystemEventTrigger(
            phase, event, lambda p=phase, e=event: log(p, e, reactor.running)
        )

def started():
    reactor.stop()
    log("after stop()", reactor.running)

reactor.callWhenRunning(started)
reactor.run()
log("run returned", reactor.running)
"""
    )


def test_trigger_removed_by_an_earlier_phase_does_not_run() -> None:
    """A before-shutdown trigger may remove a during-shutdown trigger, which then doesn't run."""
    _same_as_twisted(
        """
removed = reactor.addSystemEventTrigger("during", "shutdown", log, "removed trigger ran")

def remove():
    reactor.removeSystemEventTrigger(removed)
    log("removed")

reactor.addSystemEventTrigger("before", "shutdown", remove)
reactor.addSystemEventTrigger("after", "shutdown", log, "after")
reactor.callWhenRunning(reactor.stop)
reactor.run()
"""
    )


def test_trigger_added_by_an_earlier_phase_runs() -> None:
    """A trigger added by a before-shutdown trigger for a later phase runs in that phase."""
    _same_as_twisted(
        """
def add():
    log("adding")
    reactor.addSystemEventTrigger("during", "shutdown", log, "added during ran")
    reactor.addSystemEventTrigger("after", "shutdown", log, "added after ran")

reactor.addSystemEventTrigger("before", "shutdown", add)
reactor.callWhenRunning(reactor.stop)
reactor.run()
log("run returned")
"""
    )


# ---- subprocesses: signals and the seed ---------------------------------------------------

_SIGNAL_SCRIPT = """
import sys
from twistlike import reactor
if sys.argv[1] == "uvloop":
    import uvloop
    reactor.set_loop_factory(uvloop.new_event_loop)
reactor.addSystemEventTrigger("before", "shutdown", print, "shutdown trigger", flush=True)
reactor.callWhenRunning(print, "ready", flush=True)
reactor.run()
print("run returned", flush=True)
"""


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_stops_the_reactor(loop: str, signum: signal.Signals) -> None:
    """SIGINT or SIGTERM stops run(): shutdown triggers run and the process exits 0."""
    with subprocess.Popen(
        [sys.executable, "-c", _SIGNAL_SCRIPT, loop],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        try:
            readable, _, _ = select.select([proc.stdout], [], [], WATCHDOG)
            assert readable, "the reactor never said it was running"
            assert proc.stdout.readline() == "ready\n"
            proc.send_signal(signum)
            out, err = proc.communicate(timeout=WATCHDOG)
        finally:
            if proc.returncode is None:
                proc.kill()
                proc.communicate()
    assert (proc.returncode, out) == (0, "shutdown trigger\nrun returned\n"), err


def test_seed_deferred_reactor_program() -> None:
    """The seed's third program prints exactly what it prints on Twisted."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "seed" / "deferred_reactor.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=WATCHDOG,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Square of 5 is 25\nTwice of %d is %d 10\n"
    assert result.stderr == ""


# ---- embedding in applications that own the loop -----------------------------------------


async def _twisted_style_code() -> type[asyncio.AbstractEventLoop]:
    """Use the reactor in the running loop without run(); return the loop's type."""
    loop_thread = threading.get_ident()
    assert reactor.running
    ran: list[str] = []
    assert reactor.callWhenRunning(ran.append, "at once") is None
    assert ran == ["at once"]

    d: Deferred[int] = Deferred()
    call = reactor.callLater(0.001, d.callback, 7)
    assert reactor.getDelayedCalls() == [call]
    fromThread: Deferred[int] = Deferred()
    threading.Thread(target=reactor.callFromThread, args=(fromThread.callback, 8)).start()
    async with asyncio.timeout(BOUND):
        assert await d == 7
        assert await fromThread == 8
        assert await deferToThread(threading.get_ident) != loop_thread
        assert await reactor.resolve("localhost") == "127.0.0.1"
    # A timer still pending when the application's loop ends must not outlive the loop.
    reactor.callLater(1000, print, "never")
    return _current_loop_type()


def _assert_nothing_left() -> None:
    assert reactor.getDelayedCalls() == []
    assert not reactor.running


def test_embedded_in_asyncio_run() -> None:
    """Inside asyncio.run every reactor method works without run()."""
    loop_type = asyncio.run(_twisted_style_code())
    assert not issubclass(loop_type, uvloop.Loop)
    _assert_nothing_left()


def test_embedded_in_a_uvloop_app() -> None:
    """Inside uvloop.run every reactor method works without run()."""
    loop_type = uvloop.run(_twisted_style_code())
    assert issubclass(loop_type, uvloop.Loop)
    _assert_nothing_left()


def test_embedded_in_anyio_run_on_asyncio() -> None:
    """Inside anyio.run (asyncio backend) every reactor method works without run()."""
    loop_type = anyio.run(_twisted_style_code, backend="asyncio")
    assert not issubclass(loop_type, uvloop.Loop)
    _assert_nothing_left()


def test_embedded_in_anyio_run_on_uvloop() -> None:
    """Inside anyio.run with use_uvloop every reactor method works on uvloop."""
    loop_type = anyio.run(
        _twisted_style_code, backend="asyncio", backend_options={"use_uvloop": True}
    )
    assert issubclass(loop_type, uvloop.Loop)
    _assert_nothing_left()

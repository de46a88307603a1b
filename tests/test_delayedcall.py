"""Tests for twistlike._core.delayedcall.DelayedCall, many differential against Twisted's."""

from __future__ import annotations

import functools
import heapq
import re
from collections.abc import Callable
from typing import Any

import pytest
import twisted.internet.error as terror
import twisted.internet.task as ttask
from hypothesis import given, settings
from hypothesis import strategies as st
from zope.interface.verify import verifyObject  # type: ignore[import-untyped, unused-ignore]

from twistlike._core.delayedcall import DelayedCall
from twistlike.error import AlreadyCalled, AlreadyCancelled
from twistlike.interfaces import IDelayedCall
from twistlike.task import Clock

TClock: Any = ttask.Clock


def _noop(*args: object, **kw: object) -> None:
    """Do nothing (a target for timed calls)."""


class _Owner:
    """A minimal owner that records the hook calls it receives."""

    def __init__(self) -> None:
        self.now = 0.0
        self.hooks: list[tuple[str, float, int, int]] = []

    def seconds(self) -> float:
        return self.now

    def cancel(self, call: DelayedCall) -> None:
        self.hooks.append(("cancel", call.getTime(), call.cancelled, call.called))

    def reset(self, call: DelayedCall) -> None:
        self.hooks.append(("reset", call.time, call.cancelled, call.called))

    def make(self, when: float) -> DelayedCall:
        return DelayedCall(when, _noop, (), {}, self.cancel, self.reset, self.seconds)


def test_initial_state() -> None:
    """A new call is active, neither called nor cancelled (as 0 integers), with its target."""
    owner = _Owner()
    kw = {"k": 1}
    call = DelayedCall(5.0, _noop, (1, 2), kw, owner.cancel, owner.reset, owner.seconds)
    assert call.active() is True
    assert (call.called, call.cancelled) == (0, 0)
    assert type(call.called) is int and type(call.cancelled) is int
    assert call.getTime() == 5.0
    assert call.time == 5.0
    assert call.delayed_time == 0.0
    assert (call.func, call.args, call.kw) == (_noop, (1, 2), kw)
    assert call.kw is kw
    assert owner.hooks == []


def test_provides_idelayedcall() -> None:
    """DelayedCall provides the IDelayedCall zope interface."""
    assert verifyObject(IDelayedCall, _Owner().make(1.0))


def test_has_slots() -> None:
    """DelayedCall allocates no instance dict (it is built on every callLater); vars() is a copy."""
    call = _Owner().make(1.0)
    assert type(call).__dictoffset__ == 0
    assert vars(call) is not vars(call)


def test_default_seconds_is_wall_clock() -> None:
    """Without a ``seconds`` argument, reset() measures from time.time()."""
    import time

    before = time.time()
    call = DelayedCall(0.0, _noop, (), {}, _noop, _noop)
    call.reset(1000.0)
    assert call.getTime() >= before + 1000.0


def test_cancel_runs_hook_before_marking_and_releases_target() -> None:
    """cancel() calls the cancel hook while still uncancelled, then drops func/args/kw."""
    owner = _Owner()
    call = owner.make(3.0)
    call.cancel()
    assert owner.hooks == [("cancel", 3.0, 0, 0)]
    assert call.cancelled == 1
    assert not call.active()
    for name in ("func", "args", "kw"):
        assert not hasattr(call, name)


def test_cancel_twice_raises_already_cancelled() -> None:
    """A second cancel() raises AlreadyCancelled and runs no hook."""
    owner = _Owner()
    call = owner.make(3.0)
    call.cancel()
    with pytest.raises(AlreadyCancelled):
        call.cancel()
    assert len(owner.hooks) == 1


@pytest.mark.parametrize("operation", ["cancel", "reset", "delay"])
def test_operations_after_call_raise_already_called(operation: str) -> None:
    """cancel(), reset() and delay() on a call that ran raise AlreadyCalled."""
    owner = _Owner()
    call = owner.make(3.0)
    call.called = 1
    method: Callable[..., None] = getattr(call, operation)
    with pytest.raises(AlreadyCalled):
        method() if operation == "cancel" else method(1.0)
    assert owner.hooks == []


@pytest.mark.parametrize("operation", ["reset", "delay"])
def test_operations_after_cancel_raise_already_cancelled(operation: str) -> None:
    """reset() and delay() on a cancelled call raise AlreadyCancelled."""
    call = _Owner().make(3.0)
    call.cancel()
    with pytest.raises(AlreadyCancelled):
        getattr(call, operation)(1.0)


def test_error_classes_are_twistlike_errors() -> None:
    """The raised errors are twistlike.error's classes, ValueErrors like Twisted's."""
    assert issubclass(AlreadyCalled, ValueError)
    assert issubclass(AlreadyCancelled, ValueError)
    assert str(AlreadyCalled()) == str(terror.AlreadyCalled())
    assert str(AlreadyCancelled()) == str(terror.AlreadyCancelled())


def test_reset_later_runs_no_hook() -> None:
    """reset() to a later time only records a postponement in delayed_time."""
    owner = _Owner()
    owner.now = 1.0
    call = owner.make(3.0)
    call.reset(10.0)
    assert owner.hooks == []
    assert (call.time, call.delayed_time, call.getTime()) == (3.0, 8.0, 11.0)


def test_reset_earlier_runs_hook_with_new_time() -> None:
    """reset() to an earlier time moves ``time`` and runs the reset hook after that."""
    owner = _Owner()
    owner.now = 1.0
    call = owner.make(3.0)
    call.reset(10.0)
    call.reset(0.5)
    assert owner.hooks == [("reset", 1.5, 0, 0)]
    assert (call.time, call.delayed_time, call.getTime()) == (1.5, 0.0, 1.5)


def test_delay_positive_runs_no_hook() -> None:
    """delay() by a positive amount accumulates in delayed_time without a hook."""
    owner = _Owner()
    call = owner.make(3.0)
    call.delay(2.0)
    call.delay(1.0)
    assert owner.hooks == []
    assert (call.time, call.delayed_time, call.getTime()) == (3.0, 3.0, 6.0)


def test_delay_negative_past_time_runs_hook() -> None:
    """A negative delay() that ends before ``time`` folds it in and runs the reset hook."""
    owner = _Owner()
    call = owner.make(3.0)
    call.delay(2.0)
    call.delay(-1.0)
    assert owner.hooks == []
    call.delay(-2.5)
    assert owner.hooks == [("reset", 1.5, 0, 0)]
    assert (call.time, call.delayed_time) == (1.5, 0.0)


def test_activate_delay_folds_postponement() -> None:
    """activate_delay() moves the postponement into ``time`` (the owner's re-arm step)."""
    call = _Owner().make(3.0)
    call.delay(4.0)
    call.activate_delay()
    assert (call.time, call.delayed_time, call.getTime()) == (7.0, 0.0, 7.0)


def test_ordering_uses_time_not_postponement() -> None:
    """< and <= compare ``time`` only, as Twisted's heap ordering does."""
    owner = _Owner()
    early, late = owner.make(1.0), owner.make(2.0)
    early.delay(5.0)
    assert early < late and early <= late and not late < early
    assert owner.make(2.0) <= late


def test_called_is_set_before_function_runs() -> None:
    """When the owner runs the call, the function already sees it as called and inactive."""
    clock = Clock()
    seen: list[tuple[int, bool]] = []
    call = clock.callLater(1, lambda: seen.append((call.called, call.active())))
    clock.advance(1)
    assert seen == [(1, False)]
    with pytest.raises(AlreadyCalled):
        call.cancel()


def test_cancel_from_inside_own_function_raises_already_called() -> None:
    """A call that tries to cancel itself while running gets AlreadyCalled."""
    clock = Clock()
    errors: list[type[BaseException]] = []

    def body() -> None:
        try:
            call.cancel()
        except Exception as e:
            errors.append(type(e))

    call = clock.callLater(1, body)
    clock.advance(1)
    assert errors == [AlreadyCalled]


# ---- repr ---------------------------------------------------------------------------------


class _Thing:
    def method(self) -> None:
        """A method to schedule."""


class _BadRepr:
    def __repr__(self) -> str:
        raise ValueError("no repr")


def _normalise(text: str) -> str:
    text = re.sub(r"0x[0-9a-f]+", "0xADDR", text)
    # Tracebacks of failing reprs name the module that called repr(); keep the first line.
    return re.sub(r"with repr error:.*?>", "with repr error>", text, flags=re.S)


_REPR_CASES: list[tuple[Callable[..., object], tuple[Any, ...], dict[str, Any]]] = [
    (_noop, (), {}),
    (_noop, (1, "a", None), {}),
    (_noop, (), {"k": 1, "j": "x"}),
    (_noop, (1.5,), {"k": [1]}),
    (print, (b"x",), {}),
    (_Thing().method, (), {}),
    (functools.partial(_noop, 1), (2,), {}),
    (lambda: None, (), {}),
    (_noop, (_BadRepr(),), {}),
]


@pytest.mark.parametrize(("func", "args", "kw"), _REPR_CASES)
def test_repr_matches_twisted(
    func: Callable[..., object], args: tuple[Any, ...], kw: dict[str, Any]
) -> None:
    """repr() shows the same text as Twisted's for the same call (addresses aside)."""
    ours, theirs = Clock(), TClock()
    for clock in (ours, theirs):
        clock.advance(0.5)
    mine = ours.callLater(2, func, *args, **kw)
    twisted_call = theirs.callLater(2, func, *args, **kw)
    assert _normalise(repr(mine)) == _normalise(repr(twisted_call))
    assert str(mine) == repr(mine)
    for clock in (ours, theirs):
        clock.advance(0.25)
    mine.delay(3)
    twisted_call.delay(3)
    assert _normalise(repr(mine)) == _normalise(repr(twisted_call))
    mine.cancel()
    twisted_call.cancel()
    assert _normalise(repr(mine)) == _normalise(repr(twisted_call))


def test_repr_of_called_call_matches_twisted() -> None:
    """A call that ran shows called=1 in its repr, as in Twisted."""
    ours, theirs = Clock(), TClock()
    mine = ours.callLater(1, _noop, 3)
    twisted_call = theirs.callLater(1, _noop, 3)
    ours.advance(2)
    theirs.advance(2)
    assert "called=1" in repr(mine)
    assert _normalise(repr(mine)) == _normalise(repr(twisted_call))


# ---- differential sequences -----------------------------------------------------------------

_amounts = st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 7.25])
_signed = st.sampled_from([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.5])

_operation = st.one_of(
    st.tuples(st.just("schedule"), _amounts),
    st.tuples(st.just("reset"), st.integers(0, 7), _amounts),
    st.tuples(st.just("delay"), st.integers(0, 7), _signed),
    st.tuples(st.just("cancel"), st.integers(0, 7)),
    st.tuples(st.just("advance"), _amounts),
    st.tuples(st.just("schedule_inside"), st.integers(0, 7), _amounts),
    st.tuples(st.just("reset_inside"), st.integers(0, 7), st.integers(0, 7), _amounts),
)


def _run_script(clock: Any, script: list[tuple[Any, ...]]) -> list[object]:
    """Run ``script`` on ``clock`` and return everything observable, in order."""
    trace: list[object] = []
    calls: list[Any] = []

    def fired(name: int, then: tuple[Any, ...] | None) -> None:
        trace.append(("fired", name, clock.seconds(), calls[name].getTime()))
        if then is None:
            return
        if then[0] == "schedule":
            calls.append(clock.callLater(then[1], fired, len(calls), None))
        else:
            attempt(lambda: calls[then[1] % len(calls)].reset(then[2]))

    def attempt(action: Callable[[], object]) -> None:
        try:
            action()
        except ValueError as e:
            trace.append(("error", type(e).__name__))

    for operation in script:
        kind = operation[0]
        if kind == "schedule":
            calls.append(clock.callLater(operation[1], fired, len(calls), None))
        elif kind == "schedule_inside":
            then: tuple[Any, ...] = ("schedule", operation[2])
            calls.append(clock.callLater(operation[1] / 4, fired, len(calls), then))
        elif kind == "reset_inside":
            then = ("reset", operation[2], operation[3])
            calls.append(clock.callLater(operation[1] / 4, fired, len(calls), then))
        elif kind == "advance":
            clock.advance(operation[1])
        elif calls:
            call = calls[operation[1] % len(calls)]
            if kind == "reset":
                attempt(functools.partial(call.reset, operation[2]))
            elif kind == "delay":
                attempt(functools.partial(call.delay, operation[2]))
            else:
                attempt(call.cancel)
        trace.append(
            [
                (c.getTime(), bool(c.called), bool(c.cancelled), c.active())
                for c in calls
                if c.active()
            ]
        )
        trace.append([c.getTime() for c in clock.getDelayedCalls()])
    clock.advance(100)
    trace.append([(bool(c.called), bool(c.cancelled)) for c in calls])
    return trace


@settings(max_examples=200, deadline=None)
@given(st.lists(_operation, max_size=25))
def test_clock_sequences_match_twisted(script: list[tuple[Any, ...]]) -> None:
    """Schedules, resets, delays, cancels and advances give Twisted's results and errors."""
    assert _run_script(Clock(), script) == _run_script(TClock(), script)


class _HeapOwner:
    """A heap-based owner that follows the hook contract, as the asyncio reactor will."""

    def __init__(self) -> None:
        self.now = 0.0
        self._heap: list[tuple[float, int, DelayedCall]] = []
        self._armed: dict[int, float] = {}
        self._counter = 0
        self._live: set[DelayedCall] = set()

    def seconds(self) -> float:
        return self.now

    def _arm(self, call: DelayedCall) -> None:
        self._counter += 1
        self._armed[id(call)] = call.time
        heapq.heappush(self._heap, (call.time, self._counter, call))

    def _cancel(self, call: DelayedCall) -> None:
        self._live.discard(call)
        del self._armed[id(call)]

    def callLater(self, delay: float, func: Callable[..., object], *args: Any) -> DelayedCall:
        call = DelayedCall(self.now + delay, func, args, {}, self._cancel, self._arm, self.seconds)
        self._live.add(call)
        self._arm(call)
        return call

    def getDelayedCalls(self) -> list[DelayedCall]:
        return sorted(self._live, key=DelayedCall.getTime)

    def advance(self, amount: float) -> None:
        self.now += amount
        while self._heap and self._heap[0][0] <= self.now:
            when, _, call = heapq.heappop(self._heap)
            if self._armed.get(id(call)) != when or call not in self._live:
                continue  # superseded by a re-arm, or cancelled
            if call.delayed_time:
                call.activate_delay()
                self._arm(call)
                continue
            self._live.discard(call)
            del self._armed[id(call)]
            call.called = 1
            call.func(*call.args, **call.kw)


def _fired(trace: list[object]) -> list[tuple[Any, ...]]:
    """The (name, clock time, due time) of every call that ran, in name order."""
    return sorted(item for item in trace if isinstance(item, tuple) and item[0] == "fired")


@settings(max_examples=200, deadline=None)
@given(st.lists(_operation.filter(lambda op: not op[0].endswith("_inside")), max_size=25))
def test_hook_contract_suffices_for_a_heap_owner(script: list[tuple[Any, ...]]) -> None:
    """An owner that re-arms only on the reset hook and on postponed firing runs every call
    in the same advance, at the same due time, as Twisted's Clock."""
    assert _fired(_run_script(_HeapOwner(), script)) == _fired(_run_script(TClock(), script))


def test_heap_owner_reset_inside_a_running_call() -> None:
    """A call that resets another to an earlier time during an advance makes it run in that
    advance under the heap owner, as under Twisted's Clock."""
    script: list[tuple[Any, ...]] = [
        ("schedule", 7.25),
        ("reset_inside", 4, 0, 0.25),
        ("advance", 1.0),
        ("delay", 0, 2.0),
        ("advance", 3.0),
    ]
    assert _fired(_run_script(_HeapOwner(), script)) == _fired(_run_script(TClock(), script))

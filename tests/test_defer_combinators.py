"""Tests for the Deferred helpers in twistlike._core.combinators (re-exported by twistlike.defer).

Everything except one asyncio test fires Deferreds by hand, without an event loop. The
differential tests run the same random scenario on real Twisted and on twistlike.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import twisted.internet.defer as tw
from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.python.failure import Failure as TwFailure

from twistlike._core import combinators as tl
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
from twistlike._core.deferred import CancelledError, Deferred, fail, succeed
from twistlike._core.log import FAILURE_ATTR
from twistlike.defer import ensureDeferred
from twistlike.failure import Failure

# --- helpers ----------------------------------------------------------------------------

# Twisted's Failure constructor is unannotated; go through Any for mypy --strict.
_TwFailure: Any = TwFailure


class _Records(logging.Handler):
    """A logging handler that keeps the records it sees."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _logged() -> Iterator[list[logging.LogRecord]]:
    """Collect the log records emitted inside the block (and by garbage it leaves)."""
    handler = _Records()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler.records
        gc.collect()
    finally:
        root.removeHandler(handler)


@contextmanager
def _nothingLogged() -> Iterator[None]:
    """Fail if anything at ERROR level is logged inside the block or by its garbage."""
    with _logged() as records:
        yield
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert errors == []


def _swallow(_: object) -> None:
    """Errback that handles any failure."""


def _resultOf(d: Deferred[Any]) -> Any:
    """The current result of a fired Deferred, which must not be a failure."""
    out: list[Any] = []
    d.addBoth(out.append)
    assert out, "Deferred has not fired"
    assert not isinstance(out[0], Failure), out[0]
    return out[0]


def _failureOf(d: Deferred[Any]) -> Failure:
    """The current failure of a fired Deferred; the failure is handled afterwards."""
    out: list[Any] = []
    d.addBoth(out.append)
    assert out, "Deferred has not fired"
    assert isinstance(out[0], Failure), out[0]
    failure: Failure = out[0]
    return failure


def _appender(out: list[Any], value: object) -> Callable[[object], None]:
    """A callback that ignores its result and appends ``value`` to ``out``."""

    def append(_: object) -> None:
        out.append(value)

    return append


def _firstError(failure: Failure) -> FirstError:
    """The FirstError a failure wraps."""
    assert isinstance(failure.value, FirstError)
    return failure.value


def _failureGroup(failure: Failure) -> FailureGroup:
    """The FailureGroup a failure wraps."""
    assert isinstance(failure.value, FailureGroup)
    return failure.value


def _notFired(d: Deferred[Any]) -> bool:
    """Whether ``d`` has not fired yet."""
    return not d.called


# --- FirstError --------------------------------------------------------------------------


def test_first_error_attributes() -> None:
    """FirstError keeps the sub-failure and index as attributes and as its args."""
    f = Failure(ValueError("x"))
    e = FirstError(f, 3)
    assert e.subFailure is f
    assert e.index == 3
    assert e.args == (f, 3)


def test_first_error_repr_and_str_match_twisted() -> None:
    """FirstError's repr and str have Twisted's format."""
    ours = FirstError(Failure(ValueError("boom")), 2)
    theirs = tw.FirstError(_TwFailure(ValueError("boom")), 2)
    assert repr(ours) == repr(theirs) == "FirstError[#2, ValueError('boom')]"
    assert str(ours) == str(theirs)


def test_first_error_equality() -> None:
    """FirstErrors are equal when index and sub-failure are; never equal to other types."""
    f = Failure(ValueError("x"))
    g = Failure(ValueError("x"))
    assert FirstError(f, 1) == FirstError(f, 1)
    assert not FirstError(f, 1) != FirstError(f, 1)
    assert FirstError(f, 1) != FirstError(f, 2)
    assert FirstError(f, 1) != FirstError(g, 1)
    assert FirstError(f, 1) != 1
    assert not FirstError(f, 1) == (f, 1)
    assert isinstance(hash(FirstError(f, 1)), int)


# --- DeferredList -----------------------------------------------------------------------


def test_deferred_list_waits_for_all_and_keeps_order() -> None:
    """DeferredList fires with (success, result) pairs in member order once all fired."""
    a: Deferred[int] = Deferred()
    b: Deferred[int] = Deferred()
    c: Deferred[int] = Deferred()
    dl = DeferredList([a, b, c])
    assert dl.resultList == [None, None, None]
    c.callback(3)
    err = ValueError("b")
    b.errback(err)
    assert _notFired(dl)
    assert dl.finishedCount == 2
    a.callback(1)
    result: Any = _resultOf(dl)
    assert result[0] == (True, 1)
    assert result[2] == (True, 3)
    assert result[1][0] is False
    assert result[1][1].value is err
    assert result is dl.resultList
    assert dl.finishedCount == 3
    b.addErrback(_swallow)


def test_deferred_list_sees_already_fired_members() -> None:
    """Members that fired before the DeferredList was made are counted at once."""
    dl = DeferredList([succeed(1), succeed(2)])
    assert _resultOf(dl) == [(True, 1), (True, 2)]


def test_deferred_list_empty_fires_at_once() -> None:
    """An empty DeferredList fires with [] at once."""
    assert _resultOf(DeferredList([])) == []
    assert _resultOf(DeferredList([], fireOnOneErrback=True)) == []


def test_deferred_list_empty_fire_on_one_callback_never_fires() -> None:
    """An empty DeferredList with fireOnOneCallback never fires, as in Twisted."""
    assert _notFired(DeferredList([], fireOnOneCallback=True))
    assert not tw.DeferredList([], fireOnOneCallback=True).called


def test_deferred_list_fire_on_one_callback() -> None:
    """fireOnOneCallback fires with (result, index) of the first success."""
    a: Deferred[str] = Deferred()
    b: Deferred[str] = Deferred()
    dl = DeferredList([a, b], fireOnOneCallback=True)
    a.errback(KeyError("k"))
    assert _notFired(dl)
    b.callback("B")
    assert _resultOf(dl) == ("B", 1)
    a.addErrback(_swallow)


def test_deferred_list_fire_on_one_callback_all_fail() -> None:
    """With fireOnOneCallback and no success, the list still fires with all pairs."""
    a: Deferred[str] = Deferred()
    dl = DeferredList([a], fireOnOneCallback=True, consumeErrors=True)
    a.errback(KeyError("k"))
    [(ok, failure)] = _resultOf(dl)
    assert ok is False
    assert failure.check(KeyError)


def test_deferred_list_fire_on_one_errback() -> None:
    """fireOnOneErrback fails with FirstError wrapping the member's failure and index."""
    a: Deferred[int] = Deferred()
    b: Deferred[int] = Deferred()
    dl = DeferredList([a, b], fireOnOneErrback=True)
    a.callback(1)
    b.errback(ValueError("v"))
    failure = _failureOf(dl)
    assert failure.check(FirstError)
    assert _firstError(failure).index == 1
    assert _firstError(failure).subFailure.check(ValueError)
    # Without consumeErrors the member keeps its failure.
    assert _failureOf(b).check(ValueError)


def test_deferred_list_keeps_counting_after_firing() -> None:
    """After firing early, later members still update resultList and finishedCount."""
    a: Deferred[int] = Deferred()
    b: Deferred[int] = Deferred()
    dl = DeferredList([a, b], fireOnOneCallback=True)
    a.callback(1)
    assert _resultOf(dl) == (1, 0)
    b.callback(2)
    assert dl.finishedCount == 2
    assert dl.resultList == [(True, 1), (True, 2)]


def test_deferred_list_consume_errors() -> None:
    """consumeErrors turns each member's failure into None in the member's chain."""
    a: Deferred[int] = Deferred()
    dl = DeferredList([a], consumeErrors=True)
    with _nothingLogged():
        a.errback(ValueError("v"))
        assert _resultOf(a) is None
        [(ok, failure)] = _resultOf(dl)
        assert ok is False
        assert failure.check(ValueError)
        del a, dl, failure


def test_deferred_list_without_consume_errors_leaves_failure() -> None:
    """Without consumeErrors the member chain still carries its failure afterwards."""
    a: Deferred[int] = Deferred()
    dl = DeferredList([a])
    a.errback(ValueError("v"))
    assert _failureOf(a).check(ValueError)
    assert _resultOf(dl)[0][0] is False


def test_deferred_list_passes_member_results_on() -> None:
    """Callbacks added to a member after the list see the member's own result."""
    a: Deferred[int] = Deferred()
    DeferredList([a])
    a.callback(7)
    assert _resultOf(a) == 7


def test_deferred_list_cancel_cancels_unfired_members() -> None:
    """cancel() cancels every member; the list then fires with their CancelledErrors."""
    cancelled: list[int] = []
    a: Deferred[int] = Deferred(lambda d: cancelled.append(0))
    b: Deferred[int] = succeed(5)
    c: Deferred[int] = Deferred(lambda d: cancelled.append(2))
    dl = DeferredList([a, b, c], consumeErrors=True)
    dl.cancel()
    assert cancelled == [0, 2]
    result = _resultOf(dl)
    assert result[1] == (True, 5)
    assert result[0][1].check(CancelledError)
    assert result[2][1].check(CancelledError)


def test_deferred_list_cancel_after_fired_does_nothing() -> None:
    """cancel() on a DeferredList that has fired leaves the members alone."""
    cancelled: list[int] = []
    a: Deferred[int] = Deferred(lambda d: cancelled.append(0))
    b: Deferred[int] = Deferred()
    dl = DeferredList([a, b], fireOnOneCallback=True)
    b.callback(1)
    dl.cancel()
    assert cancelled == []
    assert _notFired(a)
    a.callback(0)


@pytest.mark.twistlike_allow_unhandled_errors
def test_deferred_list_cancel_logs_raising_canceller_and_goes_on() -> None:
    """An exception from a member's canceller is logged; the other members are cancelled."""

    def badCanceller(d: Deferred[int]) -> None:
        raise RuntimeError("canceller broke")

    a: Deferred[int] = Deferred(badCanceller)
    b: Deferred[int] = Deferred()
    dl = DeferredList([a, b], consumeErrors=True)
    with _logged() as records:
        dl.cancel()
    assert [r.getMessage().splitlines()[0] for r in records] == [
        "Exception raised from user supplied canceller"
    ]
    assert getattr(records[0], FAILURE_ATTR).check(RuntimeError)
    assert _notFired(a)
    assert b.called
    a.callback(1)
    assert dl.called


def test_deferred_list_is_a_subclassable_deferred() -> None:
    """DeferredList is a Deferred; a subclass can add attributes and use the chain."""

    class Tagged(DeferredList):
        def __init__(self, ds: list[Deferred[int]]) -> None:
            self.tag = "t"
            super().__init__(ds)

    a: Deferred[int] = Deferred()
    dl = Tagged([a])
    assert isinstance(dl, Deferred)
    assert dl.tag == "t"
    seen: list[Any] = []
    dl.addCallback(lambda r: r[0][1] * 2).addCallback(seen.append)
    a.callback(21)
    assert seen == [42]


def test_deferred_list_as_member_result_chains() -> None:
    """A callback returning a DeferredList makes the outer chain wait for it."""
    a: Deferred[int] = Deferred()
    outer: Deferred[int] = succeed(0)
    outer.addCallback(lambda _: DeferredList([a]))
    seen: list[Any] = []
    outer.addCallback(seen.append)
    assert seen == []
    a.callback(9)
    assert seen == [[(True, 9)]]


# --- gatherResults ----------------------------------------------------------------------


def test_gather_results_list_of_results() -> None:
    """gatherResults fires with the bare results in member order."""
    a: Deferred[int] = Deferred()
    b: Deferred[int] = Deferred()
    g = gatherResults([a, b])
    b.callback(2)
    a.callback(1)
    assert _resultOf(g) == [1, 2]


def test_gather_results_empty() -> None:
    """gatherResults of no Deferreds fires with [] at once."""
    assert _resultOf(gatherResults([])) == []


def test_gather_results_first_error() -> None:
    """gatherResults fails with FirstError as soon as one member fails."""
    a: Deferred[int] = Deferred()
    b: Deferred[int] = Deferred()
    g = gatherResults([a, b])
    b.errback(ValueError("b"))
    failure = _failureOf(g)
    assert failure.check(FirstError)
    assert _firstError(failure).index == 1
    assert _firstError(failure).subFailure.check(ValueError)
    _failureOf(b)
    assert _notFired(a)
    a.callback(1)


def test_gather_results_consume_errors() -> None:
    """gatherResults(consumeErrors=True) leaves None in the failed member's chain."""
    a: Deferred[int] = Deferred()
    g = gatherResults([a], consumeErrors=True)
    with _nothingLogged():
        a.errback(ValueError("a"))
        assert _resultOf(a) is None
        _failureOf(g)
        del a, g


def test_gather_results_cancel() -> None:
    """Cancelling gatherResults cancels the members and fails with FirstError."""
    a: Deferred[int] = Deferred()
    b: Deferred[int] = Deferred()
    g = gatherResults([a, b], consumeErrors=True)
    g.cancel()
    failure = _failureOf(g)
    assert failure.check(FirstError)
    assert _firstError(failure).subFailure.check(CancelledError)
    assert a.called and b.called


# --- race / FailureGroup ----------------------------------------------------------------


def test_failure_group() -> None:
    """FailureGroup holds its failures; its args are empty, as in Twisted."""
    fs = [Failure(ValueError(1)), Failure(KeyError(2))]
    group = FailureGroup(fs)
    assert group.failures is fs
    assert group.args == tw.FailureGroup([]).args == ()


def test_race_first_success_wins_and_others_are_cancelled() -> None:
    """race fires with (index, result) of the first success and cancels the rest."""
    cancelled: list[int] = []
    ds: list[Deferred[str]] = [
        Deferred(lambda d, i=i: cancelled.append(i))  # type: ignore[misc]
        for i in range(3)
    ]
    r = race(ds)
    ds[1].callback("one")
    assert _resultOf(r) == (1, "one")
    assert cancelled == [0, 2]
    # race consumed everything: member chains end with None.
    assert [_resultOf(d) for d in ds] == [None, None, None]


def test_race_failures_before_success_are_ignored() -> None:
    """race waits past failures for a success."""
    a: Deferred[int] = Deferred()
    b: Deferred[int] = Deferred()
    r = race([a, b])
    a.errback(ValueError("a"))
    assert _notFired(r)
    b.callback(2)
    assert _resultOf(r) == (1, 2)


def test_race_all_fail() -> None:
    """When every member fails, race fails with a FailureGroup in member order."""
    a: Deferred[int] = Deferred()
    b: Deferred[int] = Deferred()
    r = race([a, b])
    with _nothingLogged():
        b.errback(KeyError("b"))
        a.errback(ValueError("a"))
        failure = _failureOf(r)
        assert failure.check(FailureGroup)
        assert [f.type for f in _failureGroup(failure).failures] == [ValueError, KeyError]
        del a, b, failure


def test_race_cancel_cancels_all() -> None:
    """Cancelling race cancels every member and fails with a FailureGroup of them."""
    a: Deferred[int] = Deferred()
    b: Deferred[int] = Deferred()
    r = race([a, b])
    r.cancel()
    failure = _failureOf(r)
    assert failure.check(FailureGroup)
    assert [f.type for f in _failureGroup(failure).failures] == [CancelledError, CancelledError]


def test_race_empty_never_fires() -> None:
    """race of nothing never fires, as in Twisted."""
    assert _notFired(race([]))
    assert not tw.race([]).called


def test_race_already_fired_member() -> None:
    """A member that already succeeded wins at once and the others are cancelled."""
    b: Deferred[int] = Deferred()
    r = race([succeed(1), b])
    assert _resultOf(r) == (0, 1)
    assert b.called


# --- DeferredLock -----------------------------------------------------------------------


def test_lock_acquire_release() -> None:
    """acquire() on a free lock fires at once with the lock; release() frees it."""
    lock = DeferredLock()
    assert lock.locked is False
    assert lock.waiting == []
    assert _resultOf(lock.acquire()) is lock
    assert lock.locked is True
    lock.release()
    assert lock.locked is False


def test_lock_waiters_in_order() -> None:
    """Waiting acquires get the lock one at a time, first come first served."""
    lock = DeferredLock()
    order: list[int] = []
    lock.acquire()
    for i in range(3):
        lock.acquire().addCallback(_appender(order, i))
    assert len(lock.waiting) == 3
    for expected in ([0], [0, 1], [0, 1, 2]):
        lock.release()
        assert order == expected
        assert lock.locked is True
    lock.release()
    assert lock.locked is False


def test_lock_cancel_waiting_acquire() -> None:
    """Cancelling a waiting acquire removes it from the queue and fails it."""
    lock = DeferredLock()
    lock.acquire()
    first = lock.acquire()
    second = lock.acquire()
    first.cancel()
    assert _failureOf(first).check(CancelledError)
    assert lock.waiting == [second]
    lock.release()
    assert _resultOf(second) is lock


def test_lock_cancel_acquired_is_noop() -> None:
    """Cancelling an acquire that has already fired changes nothing."""
    lock = DeferredLock()
    d = lock.acquire()
    d.cancel()
    assert _resultOf(d) is lock
    assert lock.locked


def test_lock_release_unlocked() -> None:
    """Releasing a lock that is not held is an assertion error, as in Twisted."""
    with pytest.raises(AssertionError):
        DeferredLock().release()


def test_lock_run_sync_value() -> None:
    """run() calls the function with its arguments and releases afterwards."""
    lock = DeferredLock()

    def f(a: int, b: int = 0) -> int:
        assert lock.locked
        return a + b

    assert _resultOf(lock.run(f, 1, b=2)) == 3
    assert lock.locked is False


def test_lock_run_releases_on_exception() -> None:
    """run() releases the lock when the function raises, and fails with its exception."""
    lock = DeferredLock()

    def f() -> None:
        raise ValueError("inside")

    assert _failureOf(lock.run(f)).check(ValueError)
    assert lock.locked is False


def test_lock_run_waits_for_deferred_result() -> None:
    """run() keeps the lock until the function's Deferred fires, success or failure."""
    lock = DeferredLock()
    inner: Deferred[int] = Deferred()
    d = lock.run(lambda: inner)
    assert lock.locked
    inner.callback(4)
    assert _resultOf(d) == 4
    assert lock.locked is False
    inner2: Deferred[int] = Deferred()
    d2 = lock.run(lambda: inner2)
    inner2.errback(KeyError("k"))
    assert _failureOf(d2).check(KeyError)
    assert lock.locked is False


def test_lock_run_waits_for_coroutine() -> None:
    """run() drives a coroutine function and keeps the lock until it returns."""
    lock = DeferredLock()
    gate: Deferred[int] = Deferred()

    async def work(x: int) -> int:
        return x + await gate

    d = lock.run(work, 1)
    assert lock.locked
    gate.callback(2)
    assert _resultOf(d) == 3
    assert lock.locked is False


def test_lock_run_queues_behind_holder_and_cancels() -> None:
    """A run() behind a holder waits; cancelling it never calls the function."""
    lock = DeferredLock()
    lock.acquire()
    called: list[int] = []
    d = lock.run(called.append, 1)
    d2 = lock.run(called.append, 2)
    d.cancel()
    assert _failureOf(d).check(CancelledError)
    lock.release()
    assert called == [2]
    assert _resultOf(d2) is None
    assert lock.locked is False


def test_lock_async_with_in_ensure_deferred() -> None:
    """``async with lock`` works in a coroutine driven by ensureDeferred, without a loop."""
    lock = DeferredLock()
    lock.acquire()
    gate: Deferred[None] = Deferred()
    trace: list[str] = []

    async def body() -> str:
        async with lock as held:
            assert held is lock
            trace.append("in")
            await gate
        trace.append("out")
        return "done"

    d = ensureDeferred(body())
    assert trace == []
    lock.release()
    assert trace == ["in"]
    assert lock.locked
    gate.callback(None)
    assert _resultOf(d) == "done"
    assert trace == ["in", "out"]
    assert lock.locked is False


def test_lock_async_with_exception_propagates_and_releases() -> None:
    """An exception inside ``async with lock`` propagates and the lock is released."""
    lock = DeferredLock()

    async def body() -> None:
        async with lock:
            raise ValueError("inside")

    assert _failureOf(ensureDeferred(body())).check(ValueError)
    assert lock.locked is False


def test_aexit_returns_deferred_false() -> None:
    """__aexit__ releases and returns a Deferred that fires with False."""
    lock = DeferredLock()
    assert _resultOf(lock.__aenter__()) is lock
    assert _resultOf(lock.__aexit__(None, None, None)) is False
    assert lock.locked is False


@pytest.mark.asyncio
async def test_lock_async_with_in_asyncio_tasks() -> None:
    """``async with DeferredLock()`` serialises plain asyncio tasks, first come first served."""
    lock = DeferredLock()
    trace: list[str] = []
    aInside = asyncio.Event()
    bStarted = asyncio.Event()
    releaseA = asyncio.Event()

    async def first() -> None:
        async with lock as held:
            assert held is lock
            trace.append("a in")
            aInside.set()
            await releaseA.wait()
            trace.append("a out")

    async def second() -> None:
        # set() and the acquire in `async with` run without a suspension in between, so
        # once the main task sees bStarted this task is already in lock.waiting.
        bStarted.set()
        async with lock:
            trace.append("b in")
        trace.append("b out")

    taskA = asyncio.create_task(first())
    await aInside.wait()
    taskB = asyncio.create_task(second())
    await bStarted.wait()
    assert trace == ["a in"]
    assert len(lock.waiting) == 1
    releaseA.set()
    await asyncio.gather(taskA, taskB)
    assert trace == ["a in", "a out", "b in", "b out"]
    assert lock.locked is False


# --- DeferredSemaphore ------------------------------------------------------------------


def test_semaphore_tokens_and_limit() -> None:
    """A semaphore hands out ``tokens`` acquires at once, then queues the rest in order."""
    sem = DeferredSemaphore(2)
    assert (sem.tokens, sem.limit, sem.waiting) == (2, 2, [])
    a, b, c, d = (sem.acquire() for _ in range(4))
    assert a.called and b.called
    assert sem.tokens == 0
    assert sem.waiting == [c, d]
    sem.release()
    assert c.called and not d.called
    assert sem.tokens == 0
    sem.release()
    assert d.called
    for _ in range(2):
        sem.release()
    assert sem.tokens == 2


@pytest.mark.parametrize("tokens", [0, -1])
def test_semaphore_needs_a_token(tokens: int) -> None:
    """DeferredSemaphore with fewer than one token is a ValueError, as in Twisted."""
    with pytest.raises(ValueError, match="tokens >= 1"):
        DeferredSemaphore(tokens)


def test_semaphore_over_release() -> None:
    """Releasing more than acquired is an assertion error, as in Twisted."""
    with pytest.raises(AssertionError):
        DeferredSemaphore(1).release()


def test_semaphore_cancel_waiting_acquire() -> None:
    """Cancelling a waiting acquire removes it from the semaphore's queue."""
    sem = DeferredSemaphore(1)
    sem.acquire()
    a = sem.acquire()
    b = sem.acquire()
    b.cancel()
    assert _failureOf(b).check(CancelledError)
    assert sem.waiting == [a]
    sem.release()
    assert _resultOf(a) is sem


def test_semaphore_run_releases_on_failure() -> None:
    """DeferredSemaphore.run releases its token when the function's Deferred fails."""
    sem = DeferredSemaphore(1)
    d = sem.run(fail, ValueError("x"))
    assert _failureOf(d).check(ValueError)
    assert sem.tokens == 1


def test_semaphore_async_with() -> None:
    """``async with semaphore`` takes and gives back a token."""
    sem = DeferredSemaphore(1)
    seen: list[int] = []

    async def body() -> None:
        async with sem:
            seen.append(sem.tokens)

    ensureDeferred(body())
    assert seen == [0]
    assert sem.tokens == 1


# --- DeferredQueue ----------------------------------------------------------------------


def test_queue_put_then_get() -> None:
    """Objects put are got in order, from ``pending``."""
    q: DeferredQueue[int] = DeferredQueue()
    assert (q.size, q.backlog, q.pending, q.waiting) == (None, None, [], [])
    q.put(1)
    q.put(2)
    assert q.pending == [1, 2]
    assert _resultOf(q.get()) == 1
    assert _resultOf(q.get()) == 2
    assert q.pending == []


def test_queue_get_then_put_in_order() -> None:
    """Waiting gets are served oldest first."""
    q: DeferredQueue[str] = DeferredQueue()
    a, b = q.get(), q.get()
    assert q.waiting == [a, b]
    q.put("x")
    assert _resultOf(a) == "x"
    assert _notFired(b)
    q.put("y")
    assert _resultOf(b) == "y"
    assert q.waiting == [] and q.pending == []


def test_queue_overflow() -> None:
    """put() on a full queue raises QueueOverflow; a waiting get takes it regardless."""
    q: DeferredQueue[int] = DeferredQueue(size=1)
    q.put(1)
    with pytest.raises(QueueOverflow):
        q.put(2)
    assert q.pending == [1]
    q0: DeferredQueue[int] = DeferredQueue(size=0)
    g = q0.get()
    q0.put(5)
    assert _resultOf(g) == 5


def test_queue_underflow() -> None:
    """get() with ``backlog`` gets already waiting raises QueueUnderflow."""
    q: DeferredQueue[int] = DeferredQueue(backlog=1)
    q.get()
    with pytest.raises(QueueUnderflow):
        q.get()
    assert len(q.waiting) == 1


def test_queue_cancel_waiting_get() -> None:
    """Cancelling a waiting get removes it, so the next put goes to the next get."""
    q: DeferredQueue[int] = DeferredQueue()
    a, b = q.get(), q.get()
    a.cancel()
    assert _failureOf(a).check(CancelledError)
    assert q.waiting == [b]
    q.put(3)
    assert _resultOf(b) == 3


def test_exceptions_are_plain_exceptions() -> None:
    """The queue and lock errors are Exception subclasses with Twisted's names."""
    for cls in (QueueOverflow, QueueUnderflow, AlreadyTryingToLockError, FirstError):
        assert issubclass(cls, Exception)
        assert cls.__name__ == getattr(tw, cls.__name__).__name__


def test_all_lists_the_public_names() -> None:
    """__all__ names exactly the public helpers, each with Twisted's spelling."""
    assert sorted(tl.__all__) == sorted(
        [
            "AlreadyTryingToLockError",
            "DeferredList",
            "DeferredLock",
            "DeferredQueue",
            "DeferredSemaphore",
            "FailureGroup",
            "FirstError",
            "QueueOverflow",
            "QueueUnderflow",
            "gatherResults",
            "race",
        ]
    )
    for name in tl.__all__:
        assert hasattr(tw, name)


# --- differential tests against Twisted -------------------------------------------------


@dataclass(frozen=True)
class _Api:
    """One implementation of the Deferred helpers under comparison."""

    Deferred: Any
    DeferredList: Any
    gatherResults: Any
    race: Any
    DeferredSemaphore: Any
    DeferredQueue: Any
    QueueOverflow: type[Exception]
    QueueUnderflow: type[Exception]
    failureTypes: tuple[type, ...]


_TWISTED = _Api(
    tw.Deferred,
    tw.DeferredList,
    tw.gatherResults,
    tw.race,
    tw.DeferredSemaphore,
    tw.DeferredQueue,
    tw.QueueOverflow,
    tw.QueueUnderflow,
    (TwFailure,),
)
_OURS = _Api(
    Deferred,
    DeferredList,
    gatherResults,
    race,
    DeferredSemaphore,
    DeferredQueue,
    QueueOverflow,
    QueueUnderflow,
    (Failure,),
)


def _norm(api: _Api, x: object) -> object:
    """Make a result comparable across implementations: Failures become (name, args)."""
    if isinstance(x, api.failureTypes):
        value = x.value  # type: ignore[attr-defined]
        name = type(value).__name__
        if name == "FailureGroup":
            return ("Failure", name, [_norm(api, f) for f in value.failures])
        return ("Failure", name, _norm(api, value.args))
    if isinstance(x, list):
        return [_norm(api, item) for item in x]
    if isinstance(x, tuple):
        return tuple(_norm(api, item) for item in x)
    return x


_ERRORS: dict[str, Callable[[int], Exception]] = {"ValueError": ValueError, "KeyError": KeyError}


@dataclass(frozen=True)
class _Member:
    """How one member Deferred behaves: its outcome, when it fires, how it cancels."""

    outcome: int | str  # an int succeeds with that value; a str fails with that error type
    prefired: bool
    canceller: str  # "none", "ignore", "succeed" or "fail"


@dataclass(frozen=True)
class _Scenario:
    """Members, the order they fire in, and when (if ever) the combined one is cancelled."""

    members: tuple[_Member, ...]
    order: tuple[int, ...]
    cancelAt: int | None
    fireOnOneCallback: bool
    fireOnOneErrback: bool
    consumeErrors: bool


_members = st.builds(
    _Member,
    outcome=st.one_of(st.integers(0, 9), st.sampled_from(sorted(_ERRORS))),
    prefired=st.booleans(),
    canceller=st.sampled_from(["none", "ignore", "succeed", "fail"]),
)


@st.composite
def _scenarios(draw: st.DrawFn) -> _Scenario:
    members = tuple(draw(st.lists(_members, max_size=5)))
    order = tuple(draw(st.permutations(range(len(members)))))
    cancelAt = draw(st.none() | st.integers(0, len(members)))
    flags = draw(st.tuples(st.booleans(), st.booleans(), st.booleans()))
    return _Scenario(members, order, cancelAt, *flags)


def _makeMember(api: _Api, index: int, member: _Member) -> Any:
    """Create a member Deferred with the scenario's canceller."""

    def canceller(d: Any) -> None:
        if member.canceller == "succeed":
            d.callback(100 + index)
        elif member.canceller == "fail":
            d.errback(KeyError(100 + index))

    return api.Deferred(None if member.canceller == "none" else canceller)


def _fire(d: Any, index: int, member: _Member) -> None:
    """Fire a member with its outcome unless it has fired already (e.g. by cancellation)."""
    if d.called:
        return
    if isinstance(member.outcome, int):
        d.callback(member.outcome)
    else:
        d.errback(_ERRORS[member.outcome](index))


def _runScenario(api: _Api, kind: str, sc: _Scenario) -> dict[str, object]:
    """Play a scenario on one implementation and describe everything observable."""
    ds = [_makeMember(api, i, m) for i, m in enumerate(sc.members)]
    for i, m in enumerate(sc.members):
        if m.prefired:
            _fire(ds[i], i, m)
    if kind == "list":
        combined = api.DeferredList(
            ds,
            fireOnOneCallback=sc.fireOnOneCallback,
            fireOnOneErrback=sc.fireOnOneErrback,
            consumeErrors=sc.consumeErrors,
        )
    elif kind == "gather":
        combined = api.gatherResults(ds, consumeErrors=sc.consumeErrors)
    else:
        combined = api.race(ds)
    step = [0]
    firedAt: list[int] = []

    def noteFired(result: object) -> object:
        firedAt.append(step[0])
        return result

    combined.addBoth(noteFired)
    for position, index in enumerate(sc.order):
        step[0] = position
        if sc.cancelAt == position:
            combined.cancel()
        _fire(ds[index], index, sc.members[index])
    step[0] = len(sc.order)
    if sc.cancelAt == len(sc.order):
        combined.cancel()
    observed: dict[str, object] = {
        "firedAt": firedAt,
        "result": _norm(api, combined.result) if combined.called else "pending",
        "members": [_norm(api, d.result) if d.called else "pending" for d in ds],
    }
    if kind == "list":
        observed["finishedCount"] = combined.finishedCount
        observed["resultList"] = _norm(api, combined.resultList)
    # Handle every failure left over so that nothing logs "Unhandled error in Deferred".
    for d in [*ds, combined]:
        if d.called:
            d.addErrback(_swallow)
    return observed


@settings(max_examples=200, deadline=None)
@given(sc=_scenarios())
def test_deferred_list_matches_twisted(sc: _Scenario) -> None:
    """DeferredList behaves as Twisted's for random members, flags, order and cancel."""
    assert _runScenario(_OURS, "list", sc) == _runScenario(_TWISTED, "list", sc)


@settings(max_examples=200, deadline=None)
@given(sc=_scenarios())
def test_gather_results_matches_twisted(sc: _Scenario) -> None:
    """gatherResults behaves as Twisted's for random members, order and cancel."""
    assert _runScenario(_OURS, "gather", sc) == _runScenario(_TWISTED, "gather", sc)


@settings(max_examples=200, deadline=None)
@given(sc=_scenarios())
def test_race_matches_twisted(sc: _Scenario) -> None:
    """race behaves as Twisted's for random members, order and cancel."""
    assert _runScenario(_OURS, "race", sc) == _runScenario(_TWISTED, "race", sc)


_semaphoreOps = st.lists(
    st.one_of(
        st.just(("acquire", 0)),
        st.just(("release", 0)),
        st.tuples(st.just("cancel"), st.integers(0, 7)),
    ),
    max_size=25,
)


def _runSemaphore(api: _Api, tokens: int, ops: list[tuple[str, int]]) -> list[object]:
    """Play acquire/release/cancel operations on a semaphore; trace who got a token."""
    sem = api.DeferredSemaphore(tokens)
    acquires: list[Any] = []
    trace: list[object] = []
    held = 0
    for op, arg in ops:
        if op == "acquire":
            n = len(acquires)
            d = sem.acquire()
            d.addCallbacks(lambda _, n=n: trace.append(("got", n)), _swallow)
            acquires.append(d)
        elif op == "release" and held:
            sem.release()
        elif op == "cancel" and acquires:
            acquires[arg % len(acquires)].cancel()
        held = sem.limit - sem.tokens
        trace.append((sem.tokens, len(sem.waiting)))
    return trace


@settings(max_examples=200, deadline=None)
@given(tokens=st.integers(1, 3), ops=_semaphoreOps)
def test_semaphore_matches_twisted(tokens: int, ops: list[tuple[str, int]]) -> None:
    """DeferredSemaphore hands out tokens to waiters as Twisted's does."""
    assert _runSemaphore(_OURS, tokens, ops) == _runSemaphore(_TWISTED, tokens, ops)


_queueOps = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.integers(0, 9)),
        st.just(("get", 0)),
        st.tuples(st.just("cancel"), st.integers(0, 7)),
    ),
    max_size=25,
)


def _runQueue(
    api: _Api, size: int | None, backlog: int | None, ops: list[tuple[str, int]]
) -> list[object]:
    """Play put/get/cancel operations on a queue; trace what each get received."""
    q = api.DeferredQueue(size, backlog)
    gets: list[Any] = []
    trace: list[object] = []
    for op, arg in ops:
        try:
            if op == "put":
                q.put(arg)
            elif op == "get":
                n = len(gets)
                d = q.get()
                d.addCallbacks(lambda v, n=n: trace.append(("got", n, v)), _swallow)
                gets.append(d)
            elif gets:
                gets[arg % len(gets)].cancel()
        except (api.QueueOverflow, api.QueueUnderflow) as e:
            trace.append(type(e).__name__)
        trace.append((list(q.pending), len(q.waiting)))
    return trace


@settings(max_examples=200, deadline=None)
@given(
    size=st.none() | st.integers(0, 3),
    backlog=st.none() | st.integers(0, 3),
    ops=_queueOps,
)
def test_queue_matches_twisted(size: int | None, backlog: int | None, ops: list[Any]) -> None:
    """DeferredQueue serves puts and gets as Twisted's does, limits included."""
    assert _runQueue(_OURS, size, backlog, ops) == _runQueue(_TWISTED, size, backlog, ops)

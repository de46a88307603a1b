"""Tests for the reactor's thread API, twistlike.threads and the ThreadPool behind them.

Results computed in threads must always arrive on the thread of the event loop that asked.
Waits are bounded (:data:`BOUND`); threads are synchronised with events and Deferreds.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import twisted.python.threadpool as tthreadpool

from twistlike import reactor
from twistlike.defer import Deferred, fail
from twistlike.failure import Failure
from twistlike.threads import (
    ThreadPool,
    blockingCallFromThread,
    callMultipleInThread,
    deferToThread,
    deferToThreadPool,
)

TThreadPool: Any = tthreadpool.ThreadPool

_T = TypeVar("_T")

ROOT = Path(__file__).resolve().parent.parent

#: Upper bound for every wait in this file, in seconds (a failure, not a timing assertion).
BOUND = 10.0


def _use_reactor_here() -> int:
    """Use the reactor once from the running loop's thread; return that thread's id.

    In an application that owns the loop, the reactor learns which loop calls from other
    threads go to when the loop's thread first uses it (see
    ``test_blockingCallFromThread_in_deferToThread_as_first_use``).
    """
    assert reactor.running
    return threading.get_ident()


def _note_thread(result: _T, into: list[int]) -> _T:
    """A callback that notes which thread runs it and passes the result on."""
    into.append(threading.get_ident())
    return result


# ---- callFromThread ---------------------------------------------------------------------


@pytest.mark.asyncio
async def test_callFromThread_from_many_threads_at_once() -> None:
    """20 threads x 50 callFromThread calls all arrive, on the loop's thread, each in order."""
    loop_thread = _use_reactor_here()
    threads, calls = 20, 50
    arrived: list[tuple[int, int, int]] = []
    everything: Deferred[None] = Deferred()

    def arrive(t: int, n: int, *, tag: str) -> None:
        assert tag == "kw"
        arrived.append((t, n, threading.get_ident()))
        if len(arrived) == threads * calls:
            everything.callback(None)

    barrier = threading.Barrier(threads)

    def worker(t: int) -> None:
        barrier.wait(BOUND)
        for n in range(calls):
            reactor.callFromThread(arrive, t, n, tag="kw")

    workers = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for thread in workers:
        thread.start()
    async with asyncio.timeout(BOUND):
        await everything
    for thread in workers:
        thread.join(BOUND)
    assert len(arrived) == threads * calls
    assert {ident for _, _, ident in arrived} == {loop_thread}
    for t in range(threads):
        assert [n for tt, n, _ in arrived if tt == t] == list(range(calls))


@pytest.mark.asyncio
async def test_callFromThread_from_the_loop_thread_runs_later() -> None:
    """callFromThread on the loop's own thread queues the call; it does not run inline."""
    _use_reactor_here()
    ran: Deferred[str] = Deferred()
    reactor.callFromThread(ran.callback, "ran")
    assert not ran.called
    async with asyncio.timeout(BOUND):
        assert await ran == "ran"


# ---- callInThread, the reactor's pool ---------------------------------------------------


@pytest.mark.asyncio
async def test_callInThread_runs_in_a_pool_thread() -> None:
    """callInThread(f, *args, **kw) runs f in a thread of the pool, not the loop's thread."""
    loop_thread = _use_reactor_here()
    done: Deferred[tuple[int, str, int]] = Deferred()

    def work(n: int, *, word: str) -> None:
        reactor.callFromThread(done.callback, (n, word, threading.get_ident()))

    reactor.callInThread(work, 5, word="five")
    async with asyncio.timeout(BOUND):
        n, word, ident = await done
    assert (n, word) == (5, "five")
    assert ident != loop_thread


class _Relay(logging.Handler):
    """A logging handler that hands each record to the loop with callFromThread."""

    def __init__(self, arrived: Deferred[logging.LogRecord]) -> None:
        super().__init__()
        self.arrived = arrived

    def emit(self, record: logging.LogRecord) -> None:
        reactor.callFromThread(self.arrived.callback, record)


@pytest.mark.twistlike_allow_unhandled_errors
@pytest.mark.asyncio
async def test_callInThread_exception_is_logged() -> None:
    """An exception raised by a callInThread function is logged on stdlib logging."""
    _use_reactor_here()
    arrived: Deferred[logging.LogRecord] = Deferred()
    relay = _Relay(arrived)
    logger = logging.getLogger("twistlike")
    logger.addHandler(relay)
    try:

        def boom() -> None:
            raise KeyError("raised in a pool thread")

        reactor.callInThread(boom)
        async with asyncio.timeout(BOUND):
            record = await arrived
    finally:
        logger.removeHandler(relay)
    assert record.levelno == logging.ERROR
    failure: Any = getattr(record, "failure")  # noqa: B009
    assert isinstance(failure.value, KeyError)


@pytest.mark.asyncio
async def test_getThreadPool_returns_the_started_pool() -> None:
    """getThreadPool() gives the reactor's one ThreadPool, already started."""
    pool = reactor.getThreadPool()
    assert isinstance(pool, ThreadPool)
    assert pool.started
    assert reactor.getThreadPool() is pool


@pytest.fixture
def restore_pool_size() -> Iterator[None]:
    """Put the reactor's pool size back to Twisted's default (10) after the test."""
    yield
    reactor.suggestThreadPoolSize(10)


@pytest.mark.asyncio
@pytest.mark.usefixtures("restore_pool_size")
async def test_suggestThreadPoolSize_sets_the_pool_maximum() -> None:
    """suggestThreadPoolSize(n) makes n the pool's maximum number of threads."""
    reactor.suggestThreadPoolSize(3)
    assert reactor.getThreadPool().max == 3
    reactor.suggestThreadPoolSize(12)
    assert reactor.getThreadPool().max == 12


@pytest.mark.asyncio
@pytest.mark.usefixtures("restore_pool_size")
async def test_pool_runs_calls_concurrently_up_to_its_size() -> None:
    """With a pool of 4, four blocking calls run at the same time (a barrier of 4 opens)."""
    _use_reactor_here()
    reactor.suggestThreadPoolSize(4)
    barrier = threading.Barrier(4)

    def meet() -> int:
        return barrier.wait(BOUND)

    calls = [deferToThread(meet) for _ in range(4)]
    async with asyncio.timeout(BOUND):
        positions = [await d for d in calls]
    assert sorted(positions) == [0, 1, 2, 3]


# ---- deferToThread and friends ----------------------------------------------------------


@pytest.mark.asyncio
async def test_deferToThread_result_fires_on_the_loop_thread() -> None:
    """deferToThread runs f in a worker; its Deferred fires with the result on the loop thread."""
    loop_thread = _use_reactor_here()
    fired_on: list[int] = []

    def work(a: int, b: int) -> tuple[int, int]:
        return a + b, threading.get_ident()

    d = deferToThread(work, 2, b=3)
    d.addCallback(_note_thread, fired_on)
    async with asyncio.timeout(BOUND):
        total, worker_thread = await d
    assert total == 5
    assert worker_thread != loop_thread
    assert fired_on == [loop_thread]


@pytest.mark.asyncio
async def test_deferToThread_exception_fails_on_the_loop_thread() -> None:
    """An exception in a deferToThread function fails its Deferred, on the loop thread."""
    loop_thread = _use_reactor_here()
    failed_on: list[int] = []

    def work() -> None:
        raise ValueError("raised in a worker")

    d = deferToThread(work)

    def record(failure: Failure) -> Failure:
        failed_on.append(threading.get_ident())
        return failure

    d.addErrback(record)
    async with asyncio.timeout(BOUND):
        with pytest.raises(ValueError, match="raised in a worker"):
            await d
    assert failed_on == [loop_thread]


@pytest.mark.asyncio
async def test_deferToThreadPool_with_an_own_pool() -> None:
    """deferToThreadPool runs f in the given pool; the result fires on the loop thread."""
    loop_thread = _use_reactor_here()
    pool = ThreadPool(1, 2, name="own-pool")
    pool.start()
    try:
        fired_on: list[int] = []
        d = deferToThreadPool(reactor, pool, lambda: threading.current_thread().name)
        d.addCallback(_note_thread, fired_on)
        async with asyncio.timeout(BOUND):
            name = await d
        failing = deferToThreadPool(reactor, pool, int, "not a number")
        async with asyncio.timeout(BOUND):
            with pytest.raises(ValueError):
                await failing
    finally:
        pool.stop()
    assert name.startswith("own-pool")
    assert fired_on == [loop_thread]


@pytest.mark.asyncio
async def test_callMultipleInThread_runs_the_calls_in_one_thread_in_order() -> None:
    """callMultipleInThread runs every (f, args, kw) in order, in one pool thread."""
    loop_thread = _use_reactor_here()
    seen: list[tuple[str, int]] = []
    done: Deferred[None] = Deferred()

    def record(tag: str, *, suffix: str = "") -> None:
        seen.append((tag + suffix, threading.get_ident()))

    callMultipleInThread(
        [
            (record, ("a",), {}),
            (record, ("b",), {"suffix": "!"}),
            (record, ("c",), {}),
            (reactor.callFromThread, (done.callback, None), {}),
        ]
    )
    async with asyncio.timeout(BOUND):
        await done
    assert [tag for tag, _ in seen] == ["a", "b!", "c"]
    assert len({ident for _, ident in seen}) == 1
    assert seen[0][1] != loop_thread


# ---- blockingCallFromThread -------------------------------------------------------------


@pytest.mark.asyncio
async def test_blockingCallFromThread_from_a_worker() -> None:
    """From a worker, blockingCallFromThread returns values, Deferred and coroutine results."""
    loop_thread = _use_reactor_here()

    def later() -> Deferred[str]:
        d: Deferred[str] = Deferred()
        reactor.callLater(0, d.callback, "from a Deferred")
        return d

    async def coroutine() -> tuple[str, int]:
        await asyncio.sleep(0)  # an asyncio awaitable: the coroutine runs as a Task
        value = await later()
        return value.replace("Deferred", "coroutine"), threading.get_ident()

    def worker() -> dict[str, object]:
        return {
            "value": blockingCallFromThread(reactor, lambda: ("value", threading.get_ident())),
            "deferred": blockingCallFromThread(reactor, later),
            "coroutine": blockingCallFromThread(reactor, coroutine),
            "worker": threading.get_ident(),
        }

    async with asyncio.timeout(BOUND):
        results = await deferToThread(worker)
    assert results["value"] == ("value", loop_thread)
    assert results["deferred"] == "from a Deferred"
    assert results["coroutine"] == ("from a coroutine", loop_thread)
    assert results["worker"] != loop_thread


@pytest.mark.asyncio
async def test_blockingCallFromThread_raises_the_failure() -> None:
    """blockingCallFromThread raises what f raised, or what its Deferred failed with."""
    _use_reactor_here()

    def raising() -> None:
        raise ValueError("raised on the loop")

    def worker() -> list[str]:
        outcomes = []
        for f in (raising, lambda: fail(KeyError("failed Deferred"))):
            try:
                blockingCallFromThread(reactor, f)
            except (ValueError, KeyError) as e:
                outcomes.append(f"{type(e).__name__}: {e}")
        return outcomes

    async with asyncio.timeout(BOUND):
        outcomes = await deferToThread(worker)
    assert outcomes == ["ValueError: raised on the loop", "KeyError: 'failed Deferred'"]


@pytest.mark.asyncio
async def test_blockingCallFromThread_on_the_loop_thread_raises() -> None:
    """blockingCallFromThread on the loop's own thread raises RuntimeError, not a deadlock."""
    ran: list[int] = []
    with pytest.raises(RuntimeError, match="reactor's own thread"):
        blockingCallFromThread(reactor, ran.append, 1)
    assert ran == []


_FIRST_USE_SCRIPT = """
import asyncio, sys
import uvloop
from twistlike import reactor
from twistlike.threads import blockingCallFromThread, deferToThread

async def main():
    # The loop's thread touches the reactor only through deferToThread.
    d = deferToThread(lambda: blockingCallFromThread(reactor, lambda: 42))
    print(await asyncio.wait_for(d.asFuture(asyncio.get_running_loop()), 5))

(uvloop.run if sys.argv[1] == "uvloop" else asyncio.run)(main())
"""


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_blockingCallFromThread_in_deferToThread_as_first_use(loop: str) -> None:
    """A worker started by deferToThread can call back into the loop that started it.

    Here deferToThread is the first thing the application's loop does with the reactor; the
    worker's blockingCallFromThread must still reach that loop. (A subprocess: a worker that
    waited forever would otherwise block the reactor's pool in this process.)
    """
    result = subprocess.run(
        [sys.executable, "-c", _FIRST_USE_SCRIPT, loop],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "42\n"), result.stderr


# ---- ThreadPool -------------------------------------------------------------------------


def test_threadpool_start_and_stop_join_the_workers() -> None:
    """start() starts minthreads workers; stop() ends and joins every one of them."""
    pool = ThreadPool(2, 4, name="unit")
    assert (pool.started, pool.joined, pool.workers) == (False, False, 0)
    pool.start()
    threads = list(pool.threads)
    assert pool.started
    assert pool.workers == 2
    assert all(thread.is_alive() and thread.name.startswith("unit") for thread in threads)
    pool.stop()
    assert (pool.started, pool.joined, pool.workers) == (False, True, 0)
    assert not any(thread.is_alive() for thread in threads)


def test_threadpool_work_queued_before_start_runs_after_start() -> None:
    """Calls queued before start() wait (no thread exists) and run once the pool starts."""
    pool = ThreadPool(0, 2)
    events = [threading.Event() for _ in range(3)]
    for event in events:
        pool.callInThread(event.set)
    assert pool.threads == []
    assert not any(event.is_set() for event in events)
    pool.start()
    try:
        assert all(event.wait(BOUND) for event in events)
    finally:
        pool.stop()


def _queued_then_stopped(pool: Any) -> list[int]:
    """Queue five calls on a one-thread pool, start it and stop it at once."""
    ran: list[int] = []
    for n in range(5):
        pool.callInThread(ran.append, n)
    pool.start()
    pool.stop()
    return ran


def test_threadpool_stop_finishes_queued_work_as_twisted() -> None:
    """stop() lets the work already queued run before the workers end, as Twisted's pool."""
    theirs = _queued_then_stopped(TThreadPool(1, 1))
    ours = _queued_then_stopped(ThreadPool(1, 1))
    assert ours == theirs == [0, 1, 2, 3, 4]


def test_threadpool_callInThreadWithCallback_success() -> None:
    """callInThreadWithCallback calls onResult(True, result) in the worker thread."""
    pool = ThreadPool(0, 1)
    pool.start()
    results: list[tuple[bool, object, int, int]] = []
    done = threading.Event()

    def onResult(success: bool, result: object) -> None:
        results.append((success, result, threading.get_ident(), worker_ids[0]))
        done.set()

    worker_ids: list[int] = []

    def work(a: int, *, b: int) -> int:
        worker_ids.append(threading.get_ident())
        return a * b

    try:
        pool.callInThreadWithCallback(onResult, work, 6, b=7)
        assert done.wait(BOUND)
    finally:
        pool.stop()
    [(success, result, onResult_thread, worker_thread)] = results
    assert (success, result) == (True, 42)
    assert onResult_thread == worker_thread != threading.get_ident()


def test_threadpool_callInThreadWithCallback_failure() -> None:
    """callInThreadWithCallback calls onResult(False, Failure) when the function raises."""
    pool = ThreadPool(0, 1)
    pool.start()
    results: list[tuple[bool, object]] = []
    done = threading.Event()

    def onResult(success: bool, result: object) -> None:
        results.append((success, result))
        done.set()

    try:
        pool.callInThreadWithCallback(onResult, int, "not a number")
        assert done.wait(BOUND)
    finally:
        pool.stop()
    [(success, failure)] = results
    assert success is False
    assert isinstance(failure, Failure)
    assert failure.check(ValueError) is ValueError


@pytest.mark.twistlike_allow_unhandled_errors
def test_threadpool_exception_without_callback_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An exception in callInThread work (no onResult) is logged on stdlib logging."""
    pool = ThreadPool(0, 1)
    pool.start()

    def boom() -> None:
        raise ZeroDivisionError("raised in the pool")

    pool.callInThread(boom)
    pool.stop()  # joins the worker, so the work and its logging are done
    failures = [getattr(r, "failure", None) for r in caplog.records]
    logged = [f for f in failures if f is not None]
    assert len(logged) == 1
    assert isinstance(logged[0].value, ZeroDivisionError)
    assert any(r.levelno == logging.ERROR for r in caplog.records)


@pytest.mark.twistlike_allow_unhandled_errors
def test_threadpool_exception_in_onResult_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    """An exception raised by onResult itself is logged, and the worker keeps working."""
    pool = ThreadPool(0, 1)
    pool.start()

    def onResult(success: bool, result: object) -> None:
        raise KeyError("raised by onResult")

    after = threading.Event()
    pool.callInThreadWithCallback(onResult, lambda: 1)
    pool.callInThread(after.set)
    try:
        assert after.wait(BOUND)
    finally:
        pool.stop()
    logged = [getattr(r, "failure", None) for r in caplog.records]
    assert any(f is not None and isinstance(f.value, KeyError) for f in logged)


def test_threadpool_grows_on_demand_up_to_maxthreads() -> None:
    """Blocked work makes the pool start more workers, never more than maxthreads."""
    pool = ThreadPool(0, 3)
    pool.start()
    barrier = threading.Barrier(4)  # three workers and this thread
    release = threading.Event()
    extra = threading.Event()

    def block() -> None:
        barrier.wait(BOUND)
        release.wait(BOUND)

    try:
        for _ in range(3):
            pool.callInThread(block)
        barrier.wait(BOUND)  # three workers run at once
        pool.callInThread(extra.set)
        assert pool.workers == 3
        release.set()
        assert extra.wait(BOUND)
    finally:
        release.set()
        pool.stop()


def test_threadpool_adjustPoolsize_starts_new_minimum() -> None:
    """adjustPoolsize(minthreads=n) on a started pool starts workers up to n."""
    pool = ThreadPool(0, 5)
    pool.start()
    try:
        pool.adjustPoolsize(minthreads=3)
        assert pool.workers == 3
        assert (pool.min, pool.max) == (3, 5)
    finally:
        pool.stop()


def test_threadpool_refuses_work_after_stop() -> None:
    """callInThread after stop() raises RuntimeError instead of dropping the work silently."""
    pool = ThreadPool(0, 1)
    pool.start()
    pool.stop()
    with pytest.raises(RuntimeError):
        pool.callInThread(print, "never")


def test_threadpool_restart_after_stop_runs_work_or_refuses() -> None:
    """start() after stop() either refuses (Twisted raises) or runs the work given to it.

    What it must not do is accept work that then never runs.
    """
    pool = ThreadPool(0, 2)
    pool.start()
    first = threading.Event()
    pool.callInThread(first.set)
    assert first.wait(BOUND)
    pool.stop()
    try:
        pool.start()
    except Exception:
        return  # refused, as Twisted's pool does (AlreadyQuit)
    again = threading.Event()
    try:
        pool.callInThread(again.set)
        assert again.wait(BOUND), "work given to a restarted pool never ran"
    finally:
        pool.stop()

"""ThreadPool lifetimes and races (issue 10 bug 7; issue 9 items 5 and 8).

What the pool keeps alive, work racing ``stop()``, Twisted's legacy ``waiters``/``working``
counts and pickling. Threads are synchronised with events; every wait is bounded.
"""

from __future__ import annotations

import pickle
import threading
import weakref
from typing import Any

import twisted.python.threadpool as tthreadpool

from twistlike.threads import ThreadPool

#: Upper bound for every wait in this file, in seconds (a failure, not a timing assertion).
BOUND = 10.0


class _Payload:
    """An object whose lifetime the tests watch through a weak reference."""


def test_function_and_arguments_are_released_before_onResult_runs() -> None:
    """When onResult runs, the pool no longer holds the function's arguments (as Twisted)."""
    pool = ThreadPool(1, 1)
    pool.start()
    seen: list[bool] = []
    done = threading.Event()

    def onResult(success: bool, result: Any) -> None:
        seen.append(ref() is None)
        done.set()

    payload = _Payload()
    ref = weakref.ref(payload)
    pool.callInThreadWithCallback(onResult, lambda p: None, payload)
    del payload
    try:
        assert done.wait(BOUND)
    finally:
        pool.stop()
    assert seen == [True]


def test_idle_worker_keeps_neither_result_nor_failure_alive() -> None:
    """A worker that finished its work holds no reference to the result or the failure."""
    pool = ThreadPool(1, 1)
    pool.start()
    refs: list[weakref.ref[_Payload]] = []

    def produce() -> _Payload:
        payload = _Payload()
        refs.append(weakref.ref(payload))
        return payload

    def fail() -> None:
        payload = _Payload()
        refs.append(weakref.ref(payload))
        raise ValueError(payload)

    checked: list[list[bool]] = []
    done = threading.Event()

    def check() -> None:
        # The same (only) worker, after both earlier calls and their onResult finished.
        checked.append([ref() is None for ref in refs])
        done.set()

    pool.callInThreadWithCallback(lambda ok, r: None, produce)
    pool.callInThreadWithCallback(lambda ok, r: None, fail)
    pool.callInThread(check)
    try:
        assert done.wait(BOUND)
    finally:
        pool.stop()
    assert checked == [[True, True]]


class _StopsWhileQueueing(ThreadPool):
    """A pool whose ``joined`` check, when armed, lets another thread call ``stop()``.

    That thread gets up to one second to finish ``stop()`` before the check answers: with
    the check outside the pool's lock, the stop completes in between (the race of the bug);
    with the check under the lock, ``stop()`` waits for the lock and the second passes.
    Either way the result does not depend on timing: the work must run or be refused.
    """

    armed = False

    @property
    def joined(self) -> bool:
        """Read by callInThreadWithCallback: race a stop() there once."""
        value = self._joinedValue
        if self.armed:
            # The value is read; now stop() runs before the caller acts on it.
            self.armed = False
            stopper = threading.Thread(target=self.stop)
            stopper.start()
            stopper.join(1.0)
        return value

    @joined.setter
    def joined(self, value: bool) -> None:
        self._joinedValue = value


def test_work_queued_while_stop_runs_is_run_or_refused() -> None:
    """Work racing stop() either runs before the workers end or is refused with an error."""
    pool = _StopsWhileQueueing(1, 1)
    pool.start()
    ran = threading.Event()
    pool.armed = True
    try:
        pool.callInThread(ran.set)
    except RuntimeError:
        refused = True
    else:
        refused = False
    pool.stop()
    assert refused or ran.wait(BOUND)


def test_waiters_and_working_count_idle_and_busy_workers() -> None:
    """``waiters`` has one entry per idle worker and ``working`` one per busy one (Twisted)."""
    pool = ThreadPool(2, 2)
    pool.start()
    busy = threading.Event()
    release = threading.Event()

    def work() -> None:
        busy.set()
        release.wait(BOUND)

    try:
        pool.callInThread(work)
        assert busy.wait(BOUND)
        assert pool.working == [None]
        assert pool.waiters == [None]
    finally:
        release.set()
        pool.stop()
    assert pool.working == []


def test_threadpool_pickles_as_twisted_does() -> None:
    """A pickled pool comes back unstarted with its bounds, as Twisted's does."""
    ours = ThreadPool(2, 7, name="pool")
    theirs = tthreadpool.ThreadPool(2, 7, name="pool")
    back = pickle.loads(pickle.dumps(ours))
    twisted_back = pickle.loads(pickle.dumps(theirs))
    assert (back.min, back.max, back.name, back.started, back.joined) == (
        twisted_back.min,
        twisted_back.max,
        twisted_back.name,
        twisted_back.started,
        twisted_back.joined,
    )
    back.start()
    done = threading.Event()
    back.callInThread(done.set)
    try:
        assert done.wait(BOUND)
    finally:
        back.stop()

"""A thread pool with Twisted's ThreadPool API (the reactor's pool behind deferToThread).

Pure: threads and a queue, no event loop. Results are handed back by the callers (see
twistlike.threads), which use the loop's thread-safe call to deliver them.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any, cast

from twistlike._core.log import log_failure
from twistlike.failure import Failure

__all__ = ["ThreadPool"]

_STOP = object()

_Work = tuple[
    Callable[[bool, Any], object] | None, Callable[..., Any], tuple[Any, ...], dict[str, Any]
]


class ThreadPool:
    """Worker threads that run queued calls; grows on demand from ``minthreads`` to ``maxthreads``.

    Twisted: twisted.python.threadpool.ThreadPool.

    Work queued before ``start()`` runs once the pool starts. ``stop()`` lets queued work
    finish, then joins the threads.
    """

    def __init__(self, minthreads: int = 5, maxthreads: int = 20, name: str | None = None) -> None:
        if minthreads < 0:
            raise ValueError(f"minthreads must be >= 0, got {minthreads}")
        if maxthreads < minthreads:
            raise ValueError(f"maxthreads ({maxthreads}) must be >= minthreads ({minthreads})")
        self.min: int = minthreads
        self.max: int = maxthreads
        self.name = name
        self.started: bool = False
        self.joined: bool = False
        self.threads: list[threading.Thread] = []
        self._queue: queue.SimpleQueue[_Work | object] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._queued = 0

    @property
    def workers(self) -> int:
        """How many worker threads exist."""
        return len(self.threads)

    @property
    def working(self) -> list[None]:
        """One ``None`` per worker running a call (Twisted's legacy shape of a count).

        Twisted: twisted.python.threadpool.ThreadPool.working.
        """
        with self._lock:
            return [None] * (len(self.threads) - self._idle)

    @property
    def waiters(self) -> list[None]:
        """One ``None`` per idle worker waiting for work (Twisted's legacy shape of a count).

        Twisted: twisted.python.threadpool.ThreadPool.waiters.
        """
        with self._lock:
            return [None] * self._idle

    def __getstate__(self) -> dict[str, int]:
        """Pickle the pool's bounds only; threads, queue and lock are not picklable.

        Twisted: twisted.python.threadpool.ThreadPool.__getstate__ (``min`` and ``max``).
        """
        return {"min": self.min, "max": self.max}

    def __setstate__(self, state: dict[str, int]) -> None:
        """Rebuild a new, unstarted pool with the pickled bounds (as Twisted, no name)."""
        ThreadPool.__init__(self, state["min"], state["max"])

    def start(self) -> None:
        """Start the workers (``minthreads`` at once, more as work arrives).

        Twisted: twisted.python.threadpool.ThreadPool.start.
        """
        with self._lock:
            self.joined = False
            self.started = True
            while len(self.threads) < self.min:
                self._spawn()
            while self._queued > self._idle and len(self.threads) < self.max:
                self._spawn()

    def _spawn(self) -> None:
        # Called with the lock held.
        n = len(self.threads) + 1
        thread = threading.Thread(
            target=self._worker, name=f"{self.name or 'ThreadPool'}-{n}", daemon=True
        )
        self.threads.append(thread)
        self._idle += 1
        thread.start()

    def callInThread(self, func: Callable[..., Any], *args: Any, **kw: Any) -> None:
        """Run ``func(*args, **kw)`` in a worker; an exception it raises is logged.

        Twisted: twisted.python.threadpool.ThreadPool.callInThread.
        """
        self.callInThreadWithCallback(None, func, *args, **kw)

    def callInThreadWithCallback(
        self,
        onResult: Callable[[bool, Any], object] | None,
        func: Callable[..., Any],
        *args: Any,
        **kw: Any,
    ) -> None:
        """Run ``func`` in a worker, then ``onResult(True, result)`` or
        ``onResult(False, failure)`` in that same worker thread.

        Twisted: twisted.python.threadpool.ThreadPool.callInThreadWithCallback.

        Raises:
            RuntimeError: the pool was stopped.
        """
        # One lock for the check and the put: work is either refused, or queued ahead of
        # the stop markers stop() queues (so a worker runs it before it ends).
        with self._lock:
            if self.joined:
                raise RuntimeError("the thread pool was stopped; it runs no more work")
            self._queued += 1
            if self.started and self._queued > self._idle and len(self.threads) < self.max:
                self._spawn()
            self._queue.put((onResult, func, args, kw))

    def _worker(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                with self._lock:
                    self._idle -= 1
                return
            # Handed over in a box that _run empties: this frame keeps no reference to the
            # work, so an idle worker keeps neither the call nor its result alive.
            box = [cast(_Work, item)]
            del item
            with self._lock:
                self._idle -= 1
                self._queued -= 1
            self._run(box)
            with self._lock:
                self._idle += 1

    @staticmethod
    def _run(box: list[_Work]) -> None:
        """Run the work item in ``box``; ``onResult`` gets the outcome once the call is
        released."""
        onResult, func, args, kw = box.pop()
        result: Any = None
        try:
            try:
                result = func(*args, **kw)
                success = True
            except BaseException:
                result = Failure()
                success = False
            # As Twisted: the function and its arguments are released before onResult runs,
            # so whatever onResult hands the result to may be the last holder of them.
            del func, args, kw
            if onResult is None:
                if not success:
                    log_failure(result, "Unhandled error in thread", namespace="twistlike.threads")
            else:
                onResult(success, result)
        except BaseException:
            log_failure(Failure(), "Unhandled error in onResult", namespace="twistlike.threads")
        finally:
            # A failure's traceback refers to this frame: drop the result here, or the frame
            # and the failure would keep each other (and the result) alive until a GC pass.
            result = None

    def adjustPoolsize(self, minthreads: int | None = None, maxthreads: int | None = None) -> None:
        """Change the pool's bounds; starts threads up to the new minimum when running.

        Twisted: twisted.python.threadpool.ThreadPool.adjustPoolsize.
        """
        with self._lock:
            if minthreads is not None:
                self.min = minthreads
            if maxthreads is not None:
                self.max = maxthreads
            if self.max < self.min:
                raise ValueError(f"maxthreads ({self.max}) must be >= minthreads ({self.min})")
            if self.started:
                while len(self.threads) < self.min:
                    self._spawn()

    def stop(self) -> None:
        """Let queued work finish, then end and join every worker.

        Twisted: twisted.python.threadpool.ThreadPool.stop.
        """
        with self._lock:
            if self.joined:
                return
            self.joined = True
            self.started = False
            threads = list(self.threads)
            self.threads.clear()
        for _ in threads:
            self._queue.put(_STOP)
        current = threading.current_thread()
        for thread in threads:
            if thread is not current:
                thread.join()

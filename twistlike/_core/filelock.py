"""A lock held as a file-system symlink, and its Deferred-returning form.

The lock is a symbolic link named after the lock whose target is the holder's process id,
the format Twisted's ``twisted.python.lockfile`` uses, so twistlike and Twisted processes
can share lock files. A lock whose holder process has died is taken over (and ``clean`` is
then False).

Twisted: twisted.python.lockfile.FilesystemLock, twisted.internet.defer.DeferredFilesystemLock.
"""

from __future__ import annotations

import os
from typing import Any

from twistlike._core.combinators import AlreadyTryingToLockError
from twistlike._core.deferred import CancelledError, Deferred, TimeoutError, fail
from twistlike.failure import Failure

__all__ = ["DeferredFilesystemLock", "FilesystemLock"]


def _holder_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (signal 0 probes without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it is just not ours
    return True


class FilesystemLock:
    """A lock that is a symlink ``name`` -> this process's pid.

    Attributes:
        name: the path of the lock.
        locked: whether this object holds the lock.
        clean: after ``lock()`` succeeded, False if a dead holder's lock was taken over.

    Twisted: twisted.python.lockfile.FilesystemLock.
    """

    clean: bool | None = None
    locked: bool = False

    def __init__(self, name: str) -> None:
        self.name = name

    def lock(self) -> bool:
        """Try to take the lock once, without waiting; return whether it is now held.

        Raises:
            OSError: the link cannot be made for another reason than "exists".
        """
        clean = True
        while True:
            try:
                os.symlink(str(os.getpid()), self.name)
            except FileExistsError:
                try:
                    holder = os.readlink(self.name)
                except FileNotFoundError:
                    continue  # released meanwhile: try again
                try:
                    pid = int(holder)
                except ValueError:
                    return False  # not a lock we understand: leave it alone
                if _holder_alive(pid):
                    return False
                # The holder died without unlocking: take the lock over.
                try:
                    os.remove(self.name)
                except FileNotFoundError:
                    pass
                clean = False
                continue
            self.locked = True
            self.clean = clean
            return True

    def unlock(self) -> None:
        """Release the lock.

        Raises:
            ValueError: this process does not hold it.
        """
        try:
            holder = os.readlink(self.name)
        except OSError as e:
            raise ValueError(f"Lock {self.name!r} not owned by this process") from e
        if holder != str(os.getpid()):
            raise ValueError(f"Lock {self.name!r} not owned by this process")
        os.remove(self.name)
        self.locked = False


class DeferredFilesystemLock(FilesystemLock):
    """A :class:`FilesystemLock` whose ``deferUntilLocked`` waits for the lock.

    Args:
        name: the path of the lock.
        scheduler: an IReactorTime provider for the retries (default: the reactor).

    Twisted: twisted.internet.defer.DeferredFilesystemLock.
    """

    #: Seconds between two attempts.
    _interval: float = 1
    _tryLockCall: Any = None
    _timeoutCall: Any = None

    def __init__(self, name: str, scheduler: Any = None) -> None:
        super().__init__(name)
        if scheduler is None:
            from twistlike import reactor

            scheduler = reactor
        self._scheduler = scheduler

    def deferUntilLocked(self, timeout: float | None = None) -> Deferred[None]:
        """Fire once the lock is held, trying every ``_interval`` seconds.

        Fails with :class:`~twistlike.defer.TimeoutError` after ``timeout`` seconds (None:
        never), with :class:`~twistlike.defer.AlreadyTryingToLockError` when a wait is
        already in progress. Cancelling makes one last attempt, then fails with
        CancelledError.

        Twisted: twisted.internet.defer.DeferredFilesystemLock.deferUntilLocked.
        """
        if self._tryLockCall is not None:
            return fail(AlreadyTryingToLockError("deferUntilLocked isn't safe for concurrent use."))

        def stop(reason: Failure | BaseException) -> None:
            if self._tryLockCall is not None:
                self._tryLockCall.cancel()
                self._tryLockCall = None
            if self._timeoutCall is not None and self._timeoutCall.active():
                self._timeoutCall.cancel()
            self._timeoutCall = None
            if self.lock():
                d.callback(None)
            else:
                d.errback(reason)

        d: Deferred[None] = Deferred(lambda _: stop(CancelledError()))

        def attempt() -> None:
            if self.lock():
                if self._timeoutCall is not None:
                    self._timeoutCall.cancel()
                    self._timeoutCall = None
                self._tryLockCall = None
                d.callback(None)
                return
            if timeout is not None and self._timeoutCall is None:
                why = TimeoutError(f"Timed out acquiring lock: {self.name} after {timeout:f}s")
                self._timeoutCall = self._scheduler.callLater(timeout, stop, Failure(why))
            self._tryLockCall = self._scheduler.callLater(self._interval, attempt)

        attempt()
        return d

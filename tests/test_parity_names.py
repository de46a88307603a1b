"""Names added for parity with Twisted (issue 9), outside logging, compared with Twisted's."""

from __future__ import annotations

import asyncio
import io
import os
from pathlib import Path
from typing import Any

import pytest
from twisted.internet import defer as tdefer
from twisted.internet import protocol as tprotocol
from twisted.internet import task as ttask

from twistlike import base, defer, error, protocol, reactor, task
from twistlike.failure import Failure

TDeferredFilesystemLock: Any = tdefer.DeferredFilesystemLock


# ---- DeferredFilesystemLock -----------------------------------------------------------------


def test_filesystem_lock_is_shared_with_twisteds(tmp_path: Path) -> None:
    """Twisted's lock waits while ours holds the same file, and gets it once ours unlocks."""
    name = str(tmp_path / "lock")
    ours = defer.DeferredFilesystemLock(name, task.Clock())
    theirClock = ttask.Clock()
    theirs = TDeferredFilesystemLock(name, theirClock)
    assert ours.lock() and ours.locked and ours.clean
    assert os.readlink(name) == str(os.getpid())
    waiting = theirs.deferUntilLocked()
    theirClock.advance(1)
    assert not waiting.called
    ours.unlock()
    theirClock.advance(1)
    assert waiting.called and theirs.locked
    theirs.unlock()
    assert not os.path.lexists(name)


def test_filesystem_lock_takes_over_a_dead_holders_lock(tmp_path: Path) -> None:
    """A lock left by a process that no longer exists is taken, with clean False."""
    name = str(tmp_path / "lock")
    os.symlink("999999999", name)  # (no such pid: above the kernel's pid_max)
    lock = defer.DeferredFilesystemLock(name, task.Clock())
    assert lock.lock()
    assert lock.clean is False


def _waits(lockClass: Any, clockClass: Any, tmp_path: Path) -> list[str]:
    """Hold a lock, then wait for it with a timeout, then cancel a second wait."""
    name = str(tmp_path / f"lock-{lockClass.__module__}")
    holder = lockClass(name, clockClass())
    holder.lock()
    clock = clockClass()
    lock = lockClass(name, clock)
    seen: list[str] = []
    d = lock.deferUntilLocked(timeout=2.5)
    d.addErrback(lambda f: seen.append(type(f.value).__name__))
    again = lock.deferUntilLocked()
    again.addErrback(lambda f: seen.append(type(f.value).__name__))
    clock.advance(1)
    clock.advance(1)
    clock.advance(1)
    second = lock.deferUntilLocked()
    second.addErrback(lambda f: seen.append(type(f.value).__name__))
    second.cancel()
    holder.unlock()
    return seen


def test_defer_until_locked_timeout_and_cancel_match_twisted(tmp_path: Path) -> None:
    """Concurrent use, timeout and cancellation fail the wait with Twisted's errors."""
    theirs = _waits(TDeferredFilesystemLock, ttask.Clock, tmp_path)
    ours = _waits(defer.DeferredFilesystemLock, task.Clock, tmp_path)
    assert ours == theirs == ["AlreadyTryingToLockError", "TimeoutError", "CancelledError"]


def test_unlock_by_a_non_holder_raises(tmp_path: Path) -> None:
    """unlock() of a lock this process does not hold raises ValueError."""
    lock = defer.DeferredFilesystemLock(str(tmp_path / "lock"), task.Clock())
    with pytest.raises(ValueError, match="not owned"):
        lock.unlock()


# ---- defer.timeout, defer.Failure ---------------------------------------------------------


def test_defer_timeout_is_deprecated_and_fails_the_deferred() -> None:
    """defer.timeout warns (deprecated since Twisted 17.1) and fails with TimeoutError."""
    d: defer.Deferred[Any] = defer.Deferred()
    with pytest.warns(DeprecationWarning, match="addTimeout"):
        defer.timeout(d)
    failure = d.result
    d.addErrback(lambda f: None)
    assert isinstance(failure, Failure) and failure.check(defer.TimeoutError)
    assert failure.getErrorMessage() == "Callback timed out"
    assert defer.Failure is Failure


# ---- protocol.FileWrapper ------------------------------------------------------------------


def _wrapper_story(wrapperClass: Any) -> tuple[Any, ...]:
    out = io.BytesIO()
    wrapper = wrapperClass(out)
    wrapper.write(b"a")
    wrapper.writeSequence([b"b", b"c"])
    pulled: list[str] = []

    class Pull:
        def resumeProducing(self) -> None:
            pulled.append("resume")

    wrapper.registerProducer(Pull(), False)
    value = out.getvalue()
    wrapper.loseConnection()
    return value, pulled, wrapper.closed, out.closed, wrapper.getPeer(), wrapper.getHost()


def test_file_wrapper_matches_twisted() -> None:
    """FileWrapper writes, pulls a producer once, and closes its file as Twisted's does."""
    assert _wrapper_story(protocol.FileWrapper) == _wrapper_story(tprotocol.FileWrapper)


@pytest.mark.twistlike_allow_unhandled_errors
def test_file_wrapper_logs_a_write_error() -> None:
    """A write to a closed file is logged (Twisted drops it silently)."""
    from twistlike.log import _collect_failures

    out = io.BytesIO()
    out.close()
    with _collect_failures() as failures:
        protocol.FileWrapper(out).write(b"x")
    assert [f.type for f in failures] == [ValueError]


# ---- base ---------------------------------------------------------------------------------


def test_reactor_base_is_the_reactors_class() -> None:
    """isinstance(reactor, base.ReactorBase) holds, as with Twisted's reactors."""
    assert isinstance(reactor, base.ReactorBase)


@pytest.mark.asyncio
async def test_threaded_resolver_resolves_and_fails() -> None:
    """ThreadedResolver resolves localhost in a thread and fails with DNSLookupError."""
    resolver = base.ThreadedResolver(reactor)
    async with asyncio.timeout(10):
        assert await resolver.getHostByName("localhost") == "127.0.0.1"
        with pytest.raises(error.DNSLookupError, match=r"address 'a\.\.b' not found"):
            await resolver.getHostByName("a..b", timeout=(5,))

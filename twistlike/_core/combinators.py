"""Helpers built on top of :class:`~twistlike._core.deferred.Deferred`.

This module holds the parts of ``twisted.internet.defer`` that only *use* the Deferred chain
engine: collecting several Deferreds (:class:`DeferredList`, :func:`gatherResults`,
:func:`race`) and the event-driven concurrency primitives (:class:`DeferredLock`,
:class:`DeferredSemaphore`, :class:`DeferredQueue`). It is pure: nothing here needs an event
loop, every Deferred is fired synchronously on the caller's stack, exactly as in Twisted.

The public home of every name is :mod:`twistlike.defer`, which re-exports them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine, Iterable, Sequence
from types import TracebackType
from typing import Any, Generic, Literal, ParamSpec, Self, TypeVar, cast, overload

from twistlike._core.deferred import Deferred, maybeDeferred, succeed
from twistlike._core.log import log_failure
from twistlike.failure import Failure

__all__ = [
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

_T = TypeVar("_T")
_P = ParamSpec("_P")

# Logger namespace for errors these helpers log, matching the Deferred core's.
_LOG_NAMESPACE = "twistlike.defer"


class FirstError(Exception):
    """The first failure of a :class:`DeferredList` created with ``fireOnOneErrback``.

    Twisted: twisted.internet.defer.FirstError.

    Attributes:
        subFailure: The :class:`~twistlike.failure.Failure` of the member Deferred.
        index: The position of that member in the list given to the DeferredList.
    """

    def __init__(self, failure: Failure, index: int) -> None:
        """Wrap ``failure``, which happened in the member Deferred at ``index``."""
        super().__init__(failure, index)
        self.subFailure = failure
        self.index = index

    def __repr__(self) -> str:
        """Show the index and the repr of the wrapped exception."""
        return f"FirstError[#{self.index}, {self.subFailure.value!r}]"

    def __str__(self) -> str:
        """Show the index and the whole wrapped Failure (with its traceback)."""
        return f"FirstError[#{self.index}, {self.subFailure}]"

    def __eq__(self, other: object) -> bool:
        """Equal to another FirstError with the same index and an equal sub-failure."""
        # Divergence from Twisted: Twisted derives every comparison from a Python 2 style
        # __cmp__, so two FirstErrors with the same index but different Failures raise
        # TypeError there and FirstError also supports ``<``. Here equality just compares
        # (index, subFailure) and no ordering is defined.
        if not isinstance(other, FirstError):
            return False
        return self.index == other.index and (
            self.subFailure is other.subFailure or bool(self.subFailure == other.subFailure)
        )

    def __ne__(self, other: object) -> bool:
        """The negation of :meth:`__eq__`."""
        return not self.__eq__(other)

    # Twisted's FirstError stays hashable (by identity) although it defines equality; keep
    # that, since exceptions are routinely put in sets and dicts (e.g. by traceback code).
    __hash__ = Exception.__hash__


class DeferredList(Deferred[list[tuple[bool, Any]]]):
    """A Deferred that fires once the Deferreds it watches have fired.

    By default it fires with a list of ``(success, result)`` pairs, one per member and in
    the members' order, where ``result`` is a :class:`~twistlike.failure.Failure` when
    ``success`` is false. It works by adding a callback/errback pair to every member, so
    callbacks added to a member before it is handed over change what the list sees, and
    callbacks added afterwards see what the list's pair returns.

    Twisted: twisted.internet.defer.DeferredList.

    Attributes:
        resultList: The results so far: ``None`` for a member that has not fired yet,
            otherwise its ``(success, result)`` pair.
        finishedCount: How many members have fired.
        fireOnOneCallback: See :meth:`__init__`.
        fireOnOneErrback: See :meth:`__init__`.
        consumeErrors: See :meth:`__init__`.
    """

    fireOnOneCallback: bool = False
    fireOnOneErrback: bool = False

    def __init__(
        self,
        deferredList: Iterable[Deferred[Any]],
        fireOnOneCallback: bool = False,
        fireOnOneErrback: bool = False,
        consumeErrors: bool = False,
    ) -> None:
        """Start watching ``deferredList``.

        Args:
            deferredList: The Deferreds to watch.
            fireOnOneCallback: Fire as soon as one member succeeds, with
                ``(result, index)`` of that member, without waiting for the others.
            fireOnOneErrback: Fail as soon as one member fails, with a
                :class:`FirstError` wrapping that member's Failure and index.
            consumeErrors: Replace each member's failure by ``None`` in that member's own
                chain once the list has seen it, so the member does not log an unhandled
                error. The list still records (and, with ``fireOnOneErrback``, reports) it.
        """
        self._deferredList: list[Deferred[Any]] = list(deferredList)
        self.resultList: list[tuple[bool, Any] | None] = [None] * len(self._deferredList)
        Deferred.__init__(self)
        if not self._deferredList and not fireOnOneCallback:
            self.callback([])
        # The flags must be in place before the pairs are attached: a member that has
        # already fired runs its pair right away.
        self.fireOnOneCallback = fireOnOneCallback
        self.fireOnOneErrback = fireOnOneErrback
        self.consumeErrors = consumeErrors
        self.finishedCount: int = 0
        succeeded = self._memberSucceeded
        failed = self._memberFailed
        for index, deferred in enumerate(self._deferredList):
            deferred.addCallbacks(succeeded, failed, callbackArgs=(index,), errbackArgs=(index,))

    # The two per-member callbacks are the hot path of a DeferredList: one each instead of a
    # single callback with a success flag saves a branch and an argument per member.

    def _memberSucceeded(self, result: Any, index: int) -> Any:
        """Record the success of member ``index`` and fire if that completes the list."""
        self.resultList[index] = (True, result)
        self.finishedCount += 1
        if not self.called:
            if self.fireOnOneCallback:
                self.callback(cast(list[tuple[bool, Any]], (result, index)))
            elif self.finishedCount == len(self.resultList):
                self.callback(cast(list[tuple[bool, Any]], self.resultList))
        return result

    def _memberFailed(self, failure: Failure, index: int) -> Failure | None:
        """Record the failure of member ``index`` and fire if that completes the list."""
        self.resultList[index] = (False, failure)
        self.finishedCount += 1
        if not self.called:
            if self.fireOnOneErrback:
                self.errback(Failure(FirstError(failure, index)))
            elif self.finishedCount == len(self.resultList):
                self.callback(cast(list[tuple[bool, Any]], self.resultList))
        if self.consumeErrors:
            return None
        return failure

    def cancel(self) -> None:
        """Cancel every member, unless this list has already fired.

        The list itself is not errbacked directly: it fires as its members do, which
        members without a canceller of their own do at once (with CancelledError).
        An exception raised by a member's canceller is logged and the others are still
        cancelled.
        """
        if self.called:
            return
        for deferred in self._deferredList:
            try:
                deferred.cancel()
            except BaseException:
                log_failure(
                    Failure(),
                    "Exception raised from user supplied canceller",
                    namespace=_LOG_NAMESPACE,
                )


def _resultsOnly(resultList: list[tuple[bool, _T]]) -> list[_T]:
    """Turn a DeferredList result whose members all succeeded into the bare results."""
    return [result for _, result in resultList]


def gatherResults(
    deferredList: Iterable[Deferred[_T]], consumeErrors: bool = False
) -> Deferred[list[_T]]:
    """Return a Deferred of the list of results of ``deferredList``.

    It fires once every member has succeeded, or fails with a :class:`FirstError` as soon as
    one member fails. Cancelling it cancels every member. The returned object is the
    underlying :class:`DeferredList`, as in Twisted.

    Twisted: twisted.internet.defer.gatherResults.

    Args:
        deferredList: The Deferreds to gather.
        consumeErrors: Replace each member's failure by ``None`` in that member's own chain
            (see :class:`DeferredList`).
    """
    dl = DeferredList(deferredList, fireOnOneErrback=True, consumeErrors=consumeErrors)
    return dl.addCallback(_resultsOnly)


class FailureGroup(Exception):
    """Several failures at once: :func:`race` fails with it when every member failed.

    Twisted: twisted.internet.defer.FailureGroup.

    Attributes:
        failures: The Failures, in the order of the members they came from.
    """

    def __init__(self, failures: Sequence[Failure]) -> None:
        """Hold ``failures``."""
        super().__init__()
        self.failures = failures


def race(ds: Sequence[Deferred[_T]]) -> Deferred[tuple[int, _T]]:
    """Return a Deferred of ``(index, result)`` of the first member of ``ds`` to succeed.

    When one member succeeds, every other member is cancelled (the winner is not: its chain
    belongs to the caller). When all members fail, the returned Deferred fails with a
    :class:`FailureGroup` of their Failures in member order. Cancelling the returned
    Deferred cancels all members. Member chains end with ``None``: race consumes their
    results and failures. An empty ``ds`` never fires.

    Twisted: twisted.internet.defer.race.
    """
    members = list(ds)
    count = len(members)
    failures: list[tuple[int, Failure]] = []
    winner: list[Deferred[_T]] = []

    def cancelAll(_: Deferred[tuple[int, _T]]) -> None:
        # The cancelled members fail, and once all have failed `result` fails with a
        # FailureGroup; Deferred.cancel only adds CancelledError if that did not happen.
        for member in members:
            member.cancel()

    result: Deferred[tuple[int, _T]] = Deferred(canceller=cancelAll)

    def succeeded(value: _T, index: int) -> None:
        # A second success can only come from a canceller that fires its Deferred with a
        # result; the race is already decided then.
        if winner:
            return
        first = members[index]
        winner.append(first)
        for member in members:
            if member is not first:
                member.cancel()
        result.callback((index, value))

    def failed(failure: Failure, index: int) -> None:
        failures.append((index, failure))
        if len(failures) == count:
            failures.sort(key=_firstItem)
            result.errback(FailureGroup([f for _, f in failures]))

    # Divergence from Twisted: Twisted attaches to the members by iterating ``ds`` a second
    # time, so an iterator argument leaves it with no member attached (it never fires);
    # iterating our own copy makes any iterable work.
    for index, member in enumerate(members):
        member.addCallbacks(succeeded, failed, callbackArgs=(index,), errbackArgs=(index,))
    return result


def _firstItem(pair: tuple[int, Failure]) -> int:
    """Sort key: the member index of an ``(index, failure)`` pair."""
    return pair[0]


class _ConcurrencyPrimitive(ABC):
    """What DeferredLock and DeferredSemaphore share: ``run`` and ``async with``."""

    def __init__(self) -> None:
        """Start with nobody waiting."""
        #: Deferreds of pending ``acquire()`` calls, first come first served.
        self.waiting: list[Deferred[Self]] = []

    def _releaseAndReturn(self, result: _T) -> _T:
        """Release, then pass ``result`` (a value or a Failure) on unchanged."""
        self.release()
        return result

    @overload
    def run(
        self, /, f: Callable[_P, Deferred[_T]], *args: _P.args, **kwargs: _P.kwargs
    ) -> Deferred[_T]: ...

    @overload
    def run(
        self,
        /,
        f: Callable[_P, Coroutine[Any, Any, _T]],
        *args: _P.args,
        **kwargs: _P.kwargs,
    ) -> Deferred[_T]: ...

    @overload
    def run(self, /, f: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> Deferred[_T]: ...

    def run(self, /, f: Callable[_P, Any], *args: _P.args, **kwargs: _P.kwargs) -> Deferred[Any]:
        """Acquire, call ``f(*args, **kwargs)``, release; return a Deferred of f's result.

        When ``f`` returns a Deferred or a coroutine, the release waits until that finishes.
        The release happens whether ``f`` succeeds or fails.

        Twisted: twisted.internet.defer.DeferredLock.run (and DeferredSemaphore.run).
        """

        def call(_: object) -> Deferred[Any]:
            return maybeDeferred(f, *args, **kwargs).addBoth(self._releaseAndReturn)

        return self.acquire().addCallback(call)

    def __aenter__(self) -> Deferred[Self]:
        """``async with``: acquire; the Deferred fires with this object once acquired.

        Twisted: twisted.internet.defer.DeferredLock.__aenter__.
        """
        return self.acquire()

    def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
        /,
    ) -> Deferred[Literal[False]]:
        """``async with``: release; the Deferred's ``False`` lets any exception propagate.

        Twisted: twisted.internet.defer.DeferredLock.__aexit__.
        """
        self.release()
        return succeed(False)

    @abstractmethod
    def acquire(self) -> Deferred[Self]:
        """Return a Deferred that fires with this object once it is acquired."""

    @abstractmethod
    def release(self) -> None:
        """Give back what :meth:`acquire` obtained."""


class DeferredLock(_ConcurrencyPrimitive):
    """A lock for code that runs on Deferreds.

    Twisted: twisted.internet.defer.DeferredLock.

    Attributes:
        locked: True while the lock is held. Read it, do not set it.
        waiting: Deferreds of the pending acquires, in the order they were made.
    """

    locked: bool = False

    def _cancelAcquire(self, d: Deferred[Self]) -> None:
        """Canceller of a pending acquire: forget it (it fails with CancelledError)."""
        # Only a waiting Deferred can still be cancelled: release() takes a Deferred out of
        # the list before firing it, and a fired Deferred never calls its canceller.
        self.waiting.remove(d)

    def acquire(self) -> Deferred[Self]:
        """Return a Deferred that fires with this lock once it is held by the caller.

        If the lock is free it is taken at once and the Deferred has already fired;
        otherwise the Deferred joins the end of :attr:`waiting`. Cancelling a pending
        acquire removes it from the queue.
        """
        if self.locked:
            d: Deferred[Self] = Deferred(canceller=self._cancelAcquire)
            self.waiting.append(d)
            return d
        self.locked = True
        # A fired Deferred never calls its canceller, so the fast path needs none.
        return succeed(self)

    def release(self: Self) -> None:
        """Release the lock, handing it straight to the first waiting acquire if any.

        Raises:
            AssertionError: The lock was not held (as in Twisted, an ``assert``).
        """
        assert self.locked, "Tried to release an unlocked lock"
        if self.waiting:
            # Hand over without ever showing the lock as free, as Twisted does.
            self.waiting.pop(0).callback(self)
        else:
            self.locked = False


class DeferredSemaphore(_ConcurrencyPrimitive):
    """A semaphore for code that runs on Deferreds.

    Twisted: twisted.internet.defer.DeferredSemaphore.

    Attributes:
        limit: How many holders may hold the semaphore at once.
        tokens: ``limit`` minus the current number of holders.
        waiting: Deferreds of the pending acquires, in the order they were made.
    """

    def __init__(self, tokens: int) -> None:
        """Create a semaphore that ``tokens`` holders may hold at once.

        Raises:
            ValueError: ``tokens`` is less than 1.
        """
        super().__init__()
        if tokens < 1:
            raise ValueError("DeferredSemaphore requires tokens >= 1")
        self.tokens: int = tokens
        self.limit = tokens

    def _cancelAcquire(self, d: Deferred[Self]) -> None:
        """Canceller of a pending acquire: forget it (it fails with CancelledError)."""
        self.waiting.remove(d)

    def acquire(self) -> Deferred[Self]:
        """Return a Deferred that fires with this semaphore once a token is taken.

        With a token free the Deferred has already fired; otherwise it joins the end of
        :attr:`waiting`. Cancelling a pending acquire removes it from the queue.
        """
        assert self.tokens >= 0, "Internal inconsistency??  tokens should never be negative"
        if self.tokens:
            self.tokens -= 1
            return succeed(self)
        d: Deferred[Self] = Deferred(canceller=self._cancelAcquire)
        self.waiting.append(d)
        return d

    def release(self: Self) -> None:
        """Give a token back, handing it straight to the first waiting acquire if any.

        Raises:
            AssertionError: More releases than acquires (as in Twisted, an ``assert``).
        """
        assert self.tokens < self.limit, "Someone released me too many times: too many tokens!"
        if self.waiting:
            self.waiting.pop(0).callback(self)
        else:
            self.tokens += 1


class QueueOverflow(Exception):
    """:meth:`DeferredQueue.put` on a queue that already holds ``size`` objects.

    Twisted: twisted.internet.defer.QueueOverflow.
    """


class QueueUnderflow(Exception):
    """:meth:`DeferredQueue.get` on a queue that already has ``backlog`` waiting gets.

    Twisted: twisted.internet.defer.QueueUnderflow.
    """


class AlreadyTryingToLockError(Exception):
    """A second ``deferUntilLocked`` call on one DeferredFilesystemLock.

    Twisted: twisted.internet.defer.AlreadyTryingToLockError.
    """


class DeferredQueue(Generic[_T]):
    """A queue whose :meth:`get` returns a Deferred that fires when an object is there.

    Twisted: twisted.internet.defer.DeferredQueue.

    Attributes:
        size: The most objects the queue holds at once (``None``: no limit).
        backlog: The most gets that may wait at once (``None``: no limit).
        pending: The objects put and not yet got, oldest first.
        waiting: Deferreds of the gets waiting for an object, oldest first.
    """

    def __init__(self, size: int | None = None, backlog: int | None = None) -> None:
        """Create an empty queue with the given limits (``None``: no limit)."""
        self.waiting: list[Deferred[_T]] = []
        self.pending: list[_T] = []
        self.size = size
        self.backlog = backlog

    def _cancelGet(self, d: Deferred[_T]) -> None:
        """Canceller of a waiting get: forget it (it fails with CancelledError)."""
        self.waiting.remove(d)

    def put(self, obj: _T) -> None:
        """Hand ``obj`` to the oldest waiting get, or keep it for a later one.

        Raises:
            QueueOverflow: No get is waiting and the queue already holds ``size`` objects.
        """
        if self.waiting:
            self.waiting.pop(0).callback(obj)
        elif self.size is None or len(self.pending) < self.size:
            self.pending.append(obj)
        else:
            raise QueueOverflow()

    def get(self) -> Deferred[_T]:
        """Return a Deferred of the oldest object, waiting for one if the queue is empty.

        Cancelling a waiting get removes it from :attr:`waiting`.

        Raises:
            QueueUnderflow: The queue is empty and ``backlog`` gets are already waiting.
        """
        if self.pending:
            return succeed(self.pending.pop(0))
        if self.backlog is None or len(self.waiting) < self.backlog:
            d: Deferred[_T] = Deferred(canceller=self._cancelGet)
            self.waiting.append(d)
            return d
        raise QueueUnderflow()

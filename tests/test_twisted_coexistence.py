"""twistlike next to real Twisted in one process (a porter migrating step by step, treq).

The contract (docs/porting.md, "Mixing with real Twisted"):

- "foreign Deferred" is duck-typed: not a twistlike Deferred, its class has callable
  ``addCallbacks``, ``addBoth`` and ``cancel``, and it has a ``called`` attribute (no import
  of Twisted, which stays optional).
- Wherever the engine asks ``isinstance(x, Deferred)`` about a value returned or yielded by
  user code (the chain loop's callback result, ``maybeDeferred``'s result, ``ensureDeferred``'s
  argument, the value ``inlineCallbacks`` gets from ``yield``, what a coroutine's ``await``
  yields to the driver), a foreign Deferred is first adopted: a twistlike Deferred whose
  canceller calls the foreign ``cancel()``, fired from the foreign chain with its result or
  with its Twisted Failure turned into a twistlike one (same exception value, type and
  traceback; Twisted's CancelledError becomes twistlike's). The foreign chain then holds None,
  as Twisted's own chaining leaves it (except after a coroutine's ``await``: Twisted's
  iterator reads its result from the Deferred when the coroutine resumes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator
from typing import Any

import pytest
from twisted.internet import defer as tdefer

from twistlike import defer
from twistlike.failure import Failure


def test_callback_returning_twisted_deferred_chains_on_it() -> None:
    """A twistlike callback that returns a Twisted Deferred pauses the chain until it fires."""
    inner: tdefer.Deferred[int] = tdefer.Deferred()
    results: list[object] = []
    outer = defer.succeed(1)
    outer.addCallback(lambda _: inner)
    outer.addCallback(results.append)
    assert results == []
    inner.callback(5)
    assert results == [5]


def test_twisted_deferred_failure_reaches_the_errback() -> None:
    """A Twisted Deferred failing in a twistlike chain reaches the errback as a Failure."""
    inner: tdefer.Deferred[int] = tdefer.Deferred()
    errors: list[Failure] = []
    outer = defer.succeed(1)
    outer.addCallback(lambda _: inner)
    outer.addErrback(errors.append)
    inner.errback(ValueError("boom"))
    assert len(errors) == 1
    assert isinstance(errors[0], Failure)
    assert errors[0].check(ValueError)


def test_maybe_deferred_waits_for_a_twisted_deferred() -> None:
    """maybeDeferred(f) where f returns a Twisted Deferred gives a twistlike Deferred of it."""
    inner: tdefer.Deferred[str] = tdefer.Deferred()
    result = defer.maybeDeferred(lambda: inner)
    assert isinstance(result, defer.Deferred)
    seen: list[object] = []
    result.addCallback(seen.append)
    inner.callback("done")
    assert seen == ["done"]


def test_inline_callbacks_wait_for_a_yielded_twisted_deferred() -> None:
    """inlineCallbacks resumes with a yielded Twisted Deferred's result."""
    inner: tdefer.Deferred[int] = tdefer.Deferred()

    @defer.inlineCallbacks
    def work() -> Generator[Any, Any, int]:
        value = yield inner
        return int(value) + 1

    seen: list[object] = []
    work().addCallback(seen.append)
    assert seen == []
    inner.callback(41)
    assert seen == [42]


def test_await_twisted_deferred_in_a_twistlike_coroutine() -> None:
    """`await` on a Twisted Deferred inside a coroutine run by ensureDeferred works."""
    inner: tdefer.Deferred[int] = tdefer.Deferred()

    async def work() -> int:
        return int(await inner) * 2

    seen: list[object] = []
    defer.ensureDeferred(work()).addCallback(seen.append)
    inner.callback(21)
    assert seen == [42]


def test_twisted_deferred_result_can_be_passed_by_hand() -> None:
    """What mixes today: chaining by hand, Twisted firing a twistlike Deferred's callback."""
    inner: tdefer.Deferred[int] = tdefer.Deferred()
    bridge: defer.Deferred[int] = defer.Deferred()
    inner.addCallbacks(bridge.callback, lambda f: bridge.errback(Failure(f.value)))
    seen: list[object] = []
    bridge.addCallback(seen.append)
    inner.callback(7)
    assert seen == [7]


@pytest.mark.asyncio(loop_factories=["asyncio"])
async def test_both_reactors_share_one_asyncio_loop() -> None:
    """Twisted's asyncio reactor and twistlike run timers on the same running loop."""
    from twisted.internet import asyncioreactor, task

    import twistlike.task
    from twistlike import reactor

    loop = asyncio.get_running_loop()
    treactor: Any = asyncioreactor.AsyncioSelectorReactor(loop)  # not installed globally
    try:
        async with asyncio.timeout(5):
            from_twisted = await task.deferLater(treactor, 0.01, lambda: "twisted").asFuture(loop)
            from_twistlike = await twistlike.task.deferLater(reactor, 0.01, lambda: "twistlike")
    finally:
        # Twisted's reactor registered its waker pipe on our loop; take it off and close it.
        treactor.removeReader(treactor.waker)
        treactor.waker.connectionLost(None)
    assert (from_twisted, from_twistlike) == ("twisted", "twistlike")


def test_already_fired_twisted_deferred_is_taken_at_once() -> None:
    """A fired Twisted Deferred returned by a callback gives its result without waiting."""
    inner = tdefer.succeed("now")
    seen: list[object] = []
    defer.succeed(1).addCallback(lambda _: inner).addCallback(seen.append)
    assert seen == ["now"]


def test_twisted_deferred_is_left_with_none_as_twisted_chaining_leaves_it() -> None:
    """After chaining, the Twisted Deferred's own result is None, as in Twisted."""
    inner: tdefer.Deferred[int] = tdefer.Deferred()
    twisted_outer: tdefer.Deferred[int] = tdefer.succeed(0)
    twisted_outer.addCallback(lambda _: inner)
    twistlike_inner: tdefer.Deferred[int] = tdefer.Deferred()
    defer.succeed(0).addCallback(lambda _: twistlike_inner)
    inner.callback(3)
    twistlike_inner.callback(3)
    assert (inner.result, twistlike_inner.result) == (None, None)


def test_cancelling_the_chain_cancels_the_twisted_deferred() -> None:
    """Cancelling a twistlike Deferred waiting on a Twisted one cancels that one too."""
    cancelled: list[object] = []
    inner: tdefer.Deferred[int] = tdefer.Deferred(cancelled.append)
    errors: list[Failure] = []
    outer = defer.succeed(1)
    outer.addCallback(lambda _: inner)
    outer.addErrback(errors.append)
    outer.cancel()
    assert cancelled == [inner]
    assert len(errors) == 1
    # Twisted's CancelledError arrives as twistlike's, so twistlike code traps one class.
    assert errors[0].check(defer.CancelledError)
    assert isinstance(errors[0].value.__context__, tdefer.CancelledError)


def test_failure_keeps_the_exception_and_its_traceback() -> None:
    """The converted Failure holds the very exception object and the traceback it had."""
    error = ValueError("deep")
    inner: tdefer.Deferred[int] = tdefer.Deferred()

    def raiser(_: object) -> None:
        raise error

    inner.addCallback(raiser)
    errors: list[Failure] = []
    defer.succeed(1).addCallback(lambda _: inner).addErrback(errors.append)
    inner.callback(0)
    assert errors[0].value is error
    assert errors[0].type is ValueError
    assert errors[0].tb is not None
    assert "raiser" in errors[0].getTraceback()


def test_twisted_callback_returning_a_twistlike_deferred_is_chained() -> None:
    """A Twisted Deferred whose result is a twistlike Deferred gives that one's result."""
    ours: defer.Deferred[str] = defer.Deferred()
    inner: tdefer.Deferred[Any] = tdefer.Deferred()
    seen: list[object] = []
    defer.succeed(1).addCallback(lambda _: inner).addCallback(seen.append)
    inner.callback(ours)  # Twisted treats our Deferred as a plain value
    assert seen == []
    ours.callback("late")
    assert seen == ["late"]


def test_ensure_deferred_adopts_a_twisted_deferred() -> None:
    """ensureDeferred(twisted_deferred) returns a twistlike Deferred of its result."""
    inner: tdefer.Deferred[int] = tdefer.Deferred()
    adopted = defer.ensureDeferred(inner)
    assert isinstance(adopted, defer.Deferred)
    seen: list[object] = []
    adopted.addCallback(seen.append)
    inner.callback(9)
    assert seen == [9]


def test_inline_callbacks_get_a_twisted_failure_thrown_in() -> None:
    """A yielded Twisted Deferred that fails raises its exception at the yield."""
    inner: tdefer.Deferred[int] = tdefer.Deferred()

    @defer.inlineCallbacks
    def work() -> Generator[Any, Any, str]:
        try:
            yield inner
        except KeyError as e:
            return f"caught {e.args[0]}"
        return "not reached"

    seen: list[object] = []
    work().addCallback(seen.append)
    inner.errback(KeyError("k"))
    assert seen == ["caught k"]


@pytest.mark.asyncio
async def test_await_twisted_deferred_in_a_twistlike_coroutine_on_a_running_loop() -> None:
    """With a loop running, a coroutine awaiting a Twisted Deferred resumes with its result."""
    inner: tdefer.Deferred[int] = tdefer.Deferred()
    waiting = asyncio.Event()

    async def work() -> int:
        await asyncio.sleep(0)  # now inside the asyncio Task that drives it
        waiting.set()  # and it waits on `inner` in this same step
        return int(await inner) * 2

    d = defer.ensureDeferred(work())
    async with asyncio.timeout(5):
        await waiting.wait()
        inner.callback(21)
        assert await d == 42


@pytest.mark.asyncio
async def test_twisted_failure_is_raised_at_the_await_and_can_be_handled() -> None:
    """A failing Twisted Deferred raises its exception at the coroutine's await."""
    inner: tdefer.Deferred[int] = tdefer.Deferred()

    waiting = asyncio.Event()

    async def work() -> str:
        await asyncio.sleep(0)
        waiting.set()
        try:
            await inner
        except ZeroDivisionError:
            return "handled"
        return "not reached"

    d = defer.ensureDeferred(work())
    async with asyncio.timeout(5):
        await waiting.wait()
        inner.errback(ZeroDivisionError())
        assert await d == "handled"


@pytest.mark.asyncio
async def test_asyncio_task_awaits_a_twisted_deferred_through_ensure_deferred() -> None:
    """Plain asyncio code awaits a Twisted Deferred by wrapping it in ensureDeferred."""
    inner: tdefer.Deferred[str] = tdefer.Deferred()
    asyncio.get_running_loop().call_soon(inner.callback, "via ensureDeferred")
    async with asyncio.timeout(5):
        # Pending when awaited: call_soon runs only once this task waits.
        assert await defer.ensureDeferred(inner) == "via ensureDeferred"


@pytest.mark.asyncio
async def test_cancelling_the_task_cancels_the_awaited_twisted_deferred() -> None:
    """Cancelling the asyncio Task of a coroutine awaiting a Twisted Deferred cancels it."""
    cancelled: list[object] = []
    inner: tdefer.Deferred[int] = tdefer.Deferred(cancelled.append)
    started = asyncio.Event()

    async def work() -> int:
        started.set()
        return await defer.ensureDeferred(inner)

    task = asyncio.ensure_future(work())
    async with asyncio.timeout(5):
        await started.wait()  # `work` set it and began to wait in the same step
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert cancelled == [inner]


def _returning(value: object) -> Callable[[object], object]:
    """A callback that returns ``value``."""
    return lambda _: value


class _LooksLikeADeferred:
    """Has Deferred-like methods but no ``called``: not adopted."""

    def addCallbacks(self, *a: object) -> None:
        raise AssertionError("must not be called")

    addBoth = addCallbacks
    cancel = addCallbacks


def test_values_that_are_not_deferreds_pass_through_untouched() -> None:
    """Mocks and objects missing part of a Deferred's shape are ordinary results."""
    from unittest import mock

    values: list[object] = [mock.MagicMock(), mock.Mock(), _LooksLikeADeferred()]
    seen: list[object] = []
    for value in values:
        defer.succeed(0).addCallback(_returning(value)).addCallback(seen.append)
    assert seen == values
    assert defer.maybeDeferred(lambda: values[2]).result is values[2]


def test_the_cache_of_ordinary_result_classes_is_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Classes made at run time do not grow the engine's class cache without bound."""
    from twistlike._core import deferred

    plain = deferred.PLAIN_RESULT_TYPES  # shared with the chain engine: changed in place
    saved = set(plain)
    monkeypatch.setattr(deferred, "_NOT_FOREIGN_LIMIT", len(plain) + 3)
    seen: list[object] = []
    try:
        for i in range(10):
            value = type(f"Made{i}", (), {})()
            defer.succeed(0).addCallback(_returning(value)).addCallback(seen.append)
        assert len(seen) == 10
        assert len(plain) == deferred._NOT_FOREIGN_LIMIT
    finally:
        plain.clear()
        plain.update(saved)

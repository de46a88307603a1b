"""twistlike next to real Twisted in one process (a porter migrating step by step, treq).

The Deferred tests specify what the chain engine (twistlike/_core/deferred.py) must do with
a real Twisted Deferred: treat it as Twisted treats its own. They are expected failures until
the engine supports it. The contract:

- "foreign Deferred" is duck-typed: not a twistlike Deferred, and has callable
  ``addCallbacks``, ``addBoth`` and ``cancel`` and a ``called`` attribute (no import of
  Twisted, which stays optional).
- Wherever the engine now asks ``isinstance(x, Deferred)`` about a value returned or yielded
  by user code (the chain loop's callback result, ``maybeDeferred``'s result, the value
  ``inlineCallbacks`` gets from ``yield``, what a coroutine's ``await`` yields to the
  driver), a foreign Deferred is first adopted: a twistlike Deferred whose canceller calls
  the foreign ``cancel()``, fired by ``foreign.addCallbacks(d.callback, eb)`` where ``eb``
  converts the Twisted Failure into a twistlike one (same exception value, type and
  traceback) and returns None, so the foreign chain ends with None as Twisted's own chaining
  leaves it. The adopted Deferred then goes through the existing code path.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import Any

import pytest
from twisted.internet import defer as tdefer

from twistlike import defer
from twistlike.failure import Failure

pending = pytest.mark.xfail(strict=True, reason="chain engine support pending: issue 14")


@pending
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


@pending
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


@pending
def test_maybe_deferred_waits_for_a_twisted_deferred() -> None:
    """maybeDeferred(f) where f returns a Twisted Deferred gives a twistlike Deferred of it."""
    inner: tdefer.Deferred[str] = tdefer.Deferred()
    result = defer.maybeDeferred(lambda: inner)
    assert isinstance(result, defer.Deferred)
    seen: list[object] = []
    result.addCallback(seen.append)
    inner.callback("done")
    assert seen == ["done"]


@pending
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


@pending
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

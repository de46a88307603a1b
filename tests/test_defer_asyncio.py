"""Tests for the asyncio edges of twistlike.defer (ARCHITECTURE.md decision 2).

The four edges: ``await d`` in an asyncio task, ``Deferred.fromFuture``, ``Deferred.asFuture``
and the coroutine driver behind ``ensureDeferred``/``Deferred.fromCoroutine``/
``inlineCallbacks``. Every test runs on the default asyncio loop and on uvloop: the
``@pytest.mark.asyncio`` tests through tests/conftest.py, the ones that start their own loop
(``asyncio.Runner``, ``anyio.run``) through their ``factory``/``useUvloop`` parameter. Loops
run in debug mode and any call of a loop's exception handler fails the test. Every await that
can wait is bounded (``asyncio.timeout``, ``anyio.fail_after``); the tests synchronise on
loop turns (``asyncio.sleep(0)``), never on timed sleeps.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import sys
import traceback
import types
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any, NoReturn, assert_type

import anyio
import pytest

from twistlike.defer import (
    CancelledError,
    Deferred,
    ensureDeferred,
    fail,
    inlineCallbacks,
    succeed,
)
from twistlike.failure import Failure

try:
    import uvloop
except ImportError:  # pragma: no cover - uvloop does not exist on Windows
    uvloop = None  # type: ignore[assignment]

pytestmark = pytest.mark.timeout(10)

#: Bound on every await that waits for something (the tests never come near it).
_BOUND = 5.0

_LoopFactory = Callable[[], asyncio.AbstractEventLoop]

_LOOPS: list[Any] = [pytest.param(asyncio.new_event_loop, id="asyncio")]
if uvloop is not None:
    _LOOPS.append(pytest.param(uvloop.new_event_loop, id="uvloop"))

_USE_UVLOOP: list[Any] = [pytest.param(False, id="asyncio")]
if uvloop is not None:
    _USE_UVLOOP.append(pytest.param(True, id="uvloop"))


# --- helpers ----------------------------------------------------------------------------


class _Boom(Exception):
    """The exception the tests raise and expect back."""


def _raiseAt(exc: BaseException) -> NoReturn:
    """Raise ``exc``; its traceback must come back through the bridge (this frame's name)."""
    raise exc


def _errbackRaised(d: Deferred[Any], exc: BaseException) -> None:
    """Errback ``d`` with ``exc`` raised in ``_raiseAt`` (so the failure has a traceback)."""
    try:
        _raiseAt(exc)
    except BaseException:
        d.errback()


def _frameNames(exc: BaseException) -> list[str]:
    return [frame.name for frame in traceback.extract_tb(exc.__traceback__)]


def _outcomes(d: Deferred[Any]) -> list[object]:
    """Collect what ``d`` fires with (a value or a Failure) and consume it."""
    seen: list[object] = []

    def record(result: object) -> None:
        seen.append(result)

    d.addBoth(record)
    return seen


def _cancelledFailure(outcome: object) -> bool:
    return isinstance(outcome, Failure) and outcome.check(CancelledError) is not None


def _recordingCanceller(log: list[str]) -> Callable[[Deferred[Any]], None]:
    def canceller(d: Deferred[Any]) -> None:
        log.append("cancelled")

    return canceller


async def _until(condition: Callable[[], object]) -> None:
    """Let the loop turn until ``condition()`` is true (bounded; usually a turn or two)."""
    async with asyncio.timeout(_BOUND):
        while not condition():
            await asyncio.sleep(0)


async def _turns(n: int) -> None:
    """Let the loop run ``n`` turns (scheduled callbacks run; nothing is waited on by time)."""
    for _ in range(n):
        await asyncio.sleep(0)


def _runOn(factory: _LoopFactory, main: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
    """Run ``main()`` on a new loop from ``factory``, in debug mode, failing on loop reports."""
    reports: list[dict[str, Any]] = []

    async def watched() -> Any:
        asyncio.get_running_loop().set_exception_handler(lambda _, ctx: reports.append(ctx))
        async with asyncio.timeout(_BOUND):
            return await main()

    with asyncio.Runner(debug=True, loop_factory=factory) as runner:
        result = runner.run(watched())
    gc.collect()
    assert reports == []
    return result


def _runAnyio(useUvloop: bool, main: Callable[[], Awaitable[Any]]) -> Any:
    """Run ``main()`` with ``anyio.run`` on the asyncio backend, failing on loop reports."""
    reports: list[dict[str, Any]] = []

    async def watched() -> Any:
        asyncio.get_running_loop().set_exception_handler(lambda _, ctx: reports.append(ctx))
        with anyio.fail_after(_BOUND):
            return await main()

    result = anyio.run(
        watched, backend="asyncio", backend_options={"debug": True, "use_uvloop": useUvloop}
    )
    gc.collect()
    assert reports == []
    return result


# --- the test loops themselves ------------------------------------------------------------


@pytest.mark.asyncio
async def test_loops_run_in_debug_mode_on_the_named_loop(request: pytest.FixtureRequest) -> None:
    """The conftest runs each asyncio test in debug mode, on uvloop for the ``uvloop`` id."""
    loop = asyncio.get_running_loop()
    assert loop.get_debug()
    if request.node.name.endswith("[uvloop]"):
        assert uvloop is not None
        assert isinstance(loop, uvloop.Loop)
    else:
        assert request.node.name.endswith("[asyncio]")
        assert uvloop is None or not isinstance(loop, uvloop.Loop)


# --- await d --------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_await_pending_deferred_returns_result() -> None:
    """Awaiting a Deferred in a task gives the value it fires with later."""
    d: Deferred[int] = Deferred()
    asyncio.get_running_loop().call_soon(d.callback, 7)
    async with asyncio.timeout(_BOUND):
        result = await d
    assert_type(result, int)
    assert result == 7


@pytest.mark.asyncio
async def test_await_pending_deferred_raises_the_original_exception() -> None:
    """A pending Deferred that fails raises the very exception, with its original traceback."""
    d: Deferred[int] = Deferred()
    exc = _Boom("late")
    asyncio.get_running_loop().call_soon(_errbackRaised, d, exc)
    with pytest.raises(_Boom) as info:
        async with asyncio.timeout(_BOUND):
            await d
    assert info.value is exc
    assert "_raiseAt" in _frameNames(info.value)


@pytest.mark.asyncio
async def test_await_fired_deferred_raises_the_original_exception() -> None:
    """A Deferred that already failed raises the very exception, with its original traceback."""
    d: Deferred[int] = Deferred()
    exc = _Boom("early")
    _errbackRaised(d, exc)
    with pytest.raises(_Boom) as info:
        await d
    assert info.value is exc
    assert "_raiseAt" in _frameNames(info.value)


@pytest.mark.asyncio
@pytest.mark.parametrize("failing", [False, True], ids=["succeeded", "failed"])
async def test_await_fired_deferred_needs_no_loop_turn(failing: bool) -> None:
    """Awaiting a fired Deferred returns before a callback scheduled earlier gets to run."""
    ran: list[int] = []
    asyncio.get_running_loop().call_soon(ran.append, 1)
    d: Deferred[int] = fail(_Boom()) if failing else succeed(3)
    try:
        assert await d == 3
    except _Boom:
        assert failing
    assert ran == []
    await _turns(1)
    assert ran == [1]


@pytest.mark.asyncio
async def test_await_fired_deferred_keeps_its_result() -> None:
    """An already-fired Deferred keeps its result after being awaited (as in Twisted)."""
    d = succeed("kept")
    assert await d == "kept"
    assert d.result == "kept"


@pytest.mark.asyncio
async def test_await_pending_deferred_consumes_its_result() -> None:
    """After a task awaited a pending Deferred, the Deferred's own result is None."""
    d: Deferred[str] = Deferred()
    asyncio.get_running_loop().call_soon(d.callback, "value")
    async with asyncio.timeout(_BOUND):
        assert await d == "value"
    assert d.called
    assert d.result is None
    # Later callbacks see the consumed result, as in Twisted.
    assert _outcomes(d) == [None]


@pytest.mark.asyncio
async def test_await_pending_deferred_consumes_a_failure() -> None:
    """A failure delivered to an awaiting task is consumed: nothing is left to log at GC."""
    d: Deferred[str] = Deferred()
    asyncio.get_running_loop().call_soon(_errbackRaised, d, _Boom())
    with pytest.raises(_Boom):
        async with asyncio.timeout(_BOUND):
            await d
    assert d.result is None


@pytest.mark.asyncio
async def test_cancelling_the_awaiting_task_cancels_the_deferred() -> None:
    """Cancelling a task that awaits a Deferred runs its canceller; the task ends cancelled."""
    log: list[str] = []
    d: Deferred[int] = Deferred(_recordingCanceller(log))

    async def waiter() -> int:
        return await d

    task = asyncio.get_running_loop().create_task(waiter())
    await _turns(1)
    assert not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        async with asyncio.timeout(_BOUND):
            await task
    assert task.cancelled()
    assert log == ["cancelled"]
    assert d.called


@pytest.mark.asyncio
async def test_cancelling_the_awaiting_task_swallows_a_later_fire() -> None:
    """A Deferred without canceller, cancelled through its task, ignores one later callback."""
    d: Deferred[int] = Deferred()

    async def waiter() -> int:
        return await d

    task = asyncio.get_running_loop().create_task(waiter())
    await _turns(1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        async with asyncio.timeout(_BOUND):
            await task
    d.callback(1)  # the source fires late: swallowed, no AlreadyCalledError
    assert task.cancelled()


@pytest.mark.asyncio
async def test_cancelled_task_message_reaches_the_awaiter() -> None:
    """The message given to ``Task.cancel(msg)`` is in the CancelledError the task ends with."""
    d: Deferred[int] = Deferred()
    caught: list[BaseException] = []

    async def waiter() -> None:
        try:
            await d
        except asyncio.CancelledError as e:
            caught.append(e)
            raise

    task = asyncio.get_running_loop().create_task(waiter())
    await _turns(1)
    task.cancel("stop now")
    with pytest.raises(asyncio.CancelledError):
        async with asyncio.timeout(_BOUND):
            await task
    assert [e.args for e in caught] == [("stop now",)]


@pytest.mark.asyncio
async def test_wait_for_times_out_and_cancels_the_deferred() -> None:
    """``asyncio.wait_for`` on a Deferred that never fires cancels it and raises TimeoutError."""
    log: list[str] = []
    d: Deferred[int] = Deferred(_recordingCanceller(log))
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(_BOUND):
            await asyncio.wait_for(d, 0.001)
    assert log == ["cancelled"]
    assert d.called


@pytest.mark.asyncio
async def test_asyncio_timeout_cancels_the_deferred() -> None:
    """``asyncio.timeout()`` expiring around ``await d`` cancels d and raises TimeoutError."""
    log: list[str] = []
    d: Deferred[int] = Deferred(_recordingCanceller(log))
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0):
            await d
    assert log == ["cancelled"]
    assert d.called


@pytest.mark.asyncio
async def test_many_tasks_await_one_deferred_in_turn() -> None:
    """Two tasks awaiting one pending Deferred: the first gets the result, the second None."""
    d: Deferred[str] = Deferred()

    async def waiter() -> str | None:
        return await d

    loop = asyncio.get_running_loop()
    first = loop.create_task(waiter())
    await _turns(1)
    second = loop.create_task(waiter())
    await _turns(1)
    d.callback("once")
    async with asyncio.timeout(_BOUND):
        assert await first == "once"
        assert await second is None


@pytest.mark.asyncio
async def test_await_paused_deferred_waits_for_unpause() -> None:
    """A fired but paused Deferred is awaited until it is unpaused."""
    d = succeed(6)
    d.pause()
    loop = asyncio.get_running_loop()
    loop.call_soon(d.unpause)
    async with asyncio.timeout(_BOUND):
        assert await d == 6


@pytest.mark.asyncio
async def test_await_deferred_waiting_on_another() -> None:
    """A Deferred whose callback returned a pending Deferred is awaited until that one fires."""
    inner: Deferred[int] = Deferred()
    outer = succeed(0).addCallback(lambda _: inner)
    asyncio.get_running_loop().call_soon(inner.callback, 9)
    async with asyncio.timeout(_BOUND):
        assert await outer == 9


@pytest.mark.asyncio
async def test_awaited_deferred_whose_callback_returns_a_pending_deferred() -> None:
    """The Task waits first; the chain then waits on another Deferred: the Task gets that
    one's result, not the Deferred itself."""
    inner: Deferred[int] = Deferred()
    outer: Deferred[int] = Deferred()
    outer.addCallback(lambda _: inner)

    async def waiter() -> int:
        return await outer

    task = asyncio.get_running_loop().create_task(waiter())
    await _turns(1)
    outer.callback(0)
    await _turns(1)
    assert not task.done()
    inner.callback(9)
    async with asyncio.timeout(_BOUND):
        assert await task == 9
    assert outer.result is None


class _CountingFuture(asyncio.Future[Any]):
    """A Future subclass, as a loop's ``create_future`` may make (asyncio's docs invite it)."""

    settled: list[object] = []

    def set_result(self, result: Any) -> None:
        self.settled.append(result)
        super().set_result(result)


class _SubclassFutureLoop(asyncio.SelectorEventLoop):
    def create_future(self) -> asyncio.Future[Any]:
        return _CountingFuture(loop=self)


def test_await_uses_the_loops_own_future_class() -> None:
    """An await waits on what the loop's create_future makes, through its own methods
    (outcome and failure alike)."""
    _CountingFuture.settled.clear()

    async def main() -> tuple[int, str]:
        loop = asyncio.get_running_loop()
        ok: Deferred[int] = Deferred()
        loop.call_soon(ok.callback, 7)
        got = await ok
        bad: Deferred[int] = Deferred()
        loop.call_soon(bad.errback, ValueError("from the subclass"))
        try:
            await bad
        except ValueError as e:
            return got, str(e)
        raise AssertionError("the failure was not raised")

    assert _runOn(_SubclassFutureLoop, main) == (7, "from the subclass")
    assert _CountingFuture.settled[0] == 7
    assert isinstance(_CountingFuture.settled[1], Failure)


@pytest.mark.asyncio
async def test_callback_added_after_the_await_runs_after_the_handover() -> None:
    """The awaiting Task holds its place in the chain: a callback added later runs after it
    and sees None (the Task consumed the result), as in Twisted."""
    d: Deferred[int] = Deferred()
    seen: list[object] = []

    async def waiter() -> int:
        return await d

    task = asyncio.get_running_loop().create_task(waiter())
    await _turns(1)
    d.addCallback(seen.append)
    d.callback(5)
    async with asyncio.timeout(_BOUND):
        assert await task == 5
    assert seen == [None]


@pytest.mark.asyncio
async def test_pause_inside_a_callback_does_not_hold_back_the_awaiting_task() -> None:
    """A callback pausing its own Deferred stops later runs, not the rest of this one (as
    Twisted's chain loop): the Task awaiting after it still gets the result."""
    d: Deferred[int] = Deferred()

    def pauseAndAdd(r: int) -> int:
        d.pause()
        return r + 1

    d.addCallback(pauseAndAdd)

    async def waiter() -> int:
        return await d

    task = asyncio.get_running_loop().create_task(waiter())
    await _turns(1)
    d.callback(1)
    async with asyncio.timeout(_BOUND):
        assert await task == 2
    assert d.paused == 1


@pytest.mark.asyncio
async def test_deferred_cancelled_by_its_owner_raises_twisted_cancelled_in_the_task() -> None:
    """A Deferred cancelled by someone else raises twistlike's CancelledError in the awaiter.

    The awaiting task itself was not cancelled, so it does not end cancelled.
    """
    d: Deferred[int] = Deferred()

    async def waiter() -> str:
        try:
            await d
        except CancelledError:
            return "deferred cancelled"
        return "no error"

    task = asyncio.get_running_loop().create_task(waiter())
    await _turns(1)
    d.cancel()
    async with asyncio.timeout(_BOUND):
        assert await task == "deferred cancelled"


@pytest.mark.asyncio
async def test_gather_awaits_deferreds() -> None:
    """``asyncio.gather`` accepts Deferreds, pending or fired, and returns their results."""
    pending: Deferred[int] = Deferred()
    asyncio.get_running_loop().call_soon(pending.callback, 2)
    async with asyncio.timeout(_BOUND):
        assert list(await asyncio.gather(succeed(1), pending)) == [1, 2]


@pytest.mark.asyncio
async def test_task_group_cancels_the_deferred_a_sibling_awaits() -> None:
    """A failing task in an asyncio.TaskGroup cancels the Deferred its sibling awaits."""
    log: list[str] = []
    d: Deferred[int] = Deferred(_recordingCanceller(log))

    async def waiter() -> None:
        await d

    async def failing() -> None:
        await asyncio.sleep(0)
        raise _Boom()

    with pytest.raises(ExceptionGroup) as info:
        async with asyncio.timeout(_BOUND), asyncio.TaskGroup() as tg:
            tg.create_task(waiter())
            tg.create_task(failing())
    assert info.group_contains(_Boom)
    assert log == ["cancelled"]


# --- Deferred.fromFuture --------------------------------------------------------------------


@pytest.mark.asyncio
async def test_fromFuture_fires_with_the_result() -> None:
    """A Deferred from a future fires with the future's result."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    d = Deferred.fromFuture(future)
    assert_type(d, Deferred[int])
    seen = _outcomes(d)
    future.set_result(11)
    await _turns(1)
    assert seen == [11]


@pytest.mark.asyncio
async def test_fromFuture_of_a_done_future() -> None:
    """A Deferred from an already-done future fires with its result."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    future.set_result(12)
    d = Deferred.fromFuture(future)
    async with asyncio.timeout(_BOUND):
        assert await d == 12


@pytest.mark.asyncio
async def test_fromFuture_fails_with_the_exception() -> None:
    """A Deferred from a failed future fails with the very same exception."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    d = Deferred.fromFuture(future)
    seen = _outcomes(d)
    exc = _Boom()
    future.set_exception(exc)
    await _turns(1)
    assert len(seen) == 1
    assert isinstance(seen[0], Failure)
    assert seen[0].value is exc


@pytest.mark.asyncio
async def test_fromFuture_of_a_failed_task_keeps_the_traceback() -> None:
    """A Deferred from a Task that raised raises that exception with its raise site."""
    exc = _Boom()

    async def failing() -> int:
        _raiseAt(exc)

    d = Deferred.fromFuture(asyncio.get_running_loop().create_task(failing()))
    with pytest.raises(_Boom) as info:
        async with asyncio.timeout(_BOUND):
            await d
    assert info.value is exc
    assert "_raiseAt" in _frameNames(info.value)


@pytest.mark.asyncio
async def test_fromFuture_cancelled_future_fails_with_twisted_cancellation() -> None:
    """A cancelled future makes the Deferred fail with twistlike's CancelledError."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    d = Deferred.fromFuture(future)
    seen = _outcomes(d)
    future.cancel()
    await _turns(1)
    assert len(seen) == 1
    assert _cancelledFailure(seen[0])


@pytest.mark.asyncio
async def test_fromFuture_deferred_cancel_cancels_the_future() -> None:
    """Cancelling the Deferred cancels the future and fails the Deferred with CancelledError."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    d = Deferred.fromFuture(future)
    seen = _outcomes(d)
    d.cancel()
    assert future.cancelled()
    await _turns(1)
    assert len(seen) == 1
    assert _cancelledFailure(seen[0])


@pytest.mark.asyncio
async def test_fromFuture_cancel_of_a_task_that_ends_cancelled() -> None:
    """Cancelling the Deferred of a running Task cancels it; the Deferred fails cancelled."""
    never: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def body() -> int:
        return await never

    task = asyncio.get_running_loop().create_task(body())
    await _turns(1)
    d = Deferred.fromFuture(task)
    seen = _outcomes(d)
    d.cancel()
    async with asyncio.timeout(_BOUND):
        await asyncio.wait([task])
    await _turns(1)
    assert task.cancelled()
    assert never.cancelled()
    assert len(seen) == 1
    assert _cancelledFailure(seen[0])


@pytest.mark.asyncio
async def test_fromFuture_task_that_swallows_cancellation_delivers_its_value() -> None:
    """A Task that catches the cancellation and returns a value fires the Deferred with it."""
    never: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def stubborn() -> int:
        try:
            return await never
        except asyncio.CancelledError:
            return 42

    task = asyncio.get_running_loop().create_task(stubborn())
    await _turns(1)
    d = Deferred.fromFuture(task)
    seen = _outcomes(d)
    d.cancel()
    assert seen == []
    async with asyncio.timeout(_BOUND):
        await asyncio.wait([task])
    await _turns(1)
    assert seen == [42]


# --- Deferred.asFuture ----------------------------------------------------------------------


@pytest.mark.asyncio
async def test_asFuture_result() -> None:
    """The future of a Deferred gets its result; the Deferred's result is consumed."""
    d: Deferred[int] = Deferred()
    future = d.asFuture(asyncio.get_running_loop())
    assert_type(future, asyncio.Future[int])
    d.callback(4)
    async with asyncio.timeout(_BOUND):
        assert await future == 4
    assert d.result is None


@pytest.mark.asyncio
async def test_asFuture_of_a_fired_deferred() -> None:
    """The future of an already-fired Deferred is done at once."""
    future = succeed(5).asFuture(asyncio.get_running_loop())
    assert future.done()
    assert future.result() == 5


@pytest.mark.asyncio
async def test_asFuture_exception() -> None:
    """The future of a failing Deferred gets the very exception, with its raise site."""
    d: Deferred[int] = Deferred()
    future = d.asFuture(asyncio.get_running_loop())
    exc = _Boom()
    _errbackRaised(d, exc)
    with pytest.raises(_Boom) as info:
        async with asyncio.timeout(_BOUND):
            await future
    assert info.value is exc
    assert "_raiseAt" in _frameNames(info.value)
    assert d.result is None


@pytest.mark.asyncio
async def test_asFuture_of_a_failed_deferred_keeps_the_traceback() -> None:
    """The future of an already-failed Deferred raises its exception with the raise site."""
    d: Deferred[int] = Deferred()
    exc = _Boom()
    _errbackRaised(d, exc)
    future = d.asFuture(asyncio.get_running_loop())
    with pytest.raises(_Boom) as info:
        await future
    assert info.value is exc
    assert "_raiseAt" in _frameNames(info.value)


@pytest.mark.asyncio
async def test_asFuture_deferred_cancellation_cancels_the_future() -> None:
    """A Deferred failing with CancelledError cancels its future."""
    d: Deferred[int] = Deferred()
    future = d.asFuture(asyncio.get_running_loop())
    d.errback(CancelledError())
    assert future.cancelled()


@pytest.mark.asyncio
async def test_asFuture_deferred_cancel_cancels_the_future() -> None:
    """``Deferred.cancel()`` cancels the future made by asFuture."""
    log: list[str] = []
    d: Deferred[int] = Deferred(_recordingCanceller(log))
    future = d.asFuture(asyncio.get_running_loop())
    d.cancel()
    assert log == ["cancelled"]
    assert future.cancelled()


@pytest.mark.asyncio
async def test_asFuture_future_cancel_cancels_the_deferred() -> None:
    """``future.cancel()`` cancels the Deferred (its canceller runs)."""
    log: list[str] = []
    d: Deferred[int] = Deferred(_recordingCanceller(log))
    future = d.asFuture(asyncio.get_running_loop())
    future.cancel()
    await _turns(1)
    assert log == ["cancelled"]
    assert d.called


@pytest.mark.asyncio
async def test_asFuture_task_awaiting_it_cancelled_cancels_the_deferred() -> None:
    """A task awaiting the future is cancelled: the future, then the Deferred, are cancelled."""
    log: list[str] = []
    d: Deferred[int] = Deferred(_recordingCanceller(log))
    future = d.asFuture(asyncio.get_running_loop())

    async def waiter() -> int:
        return await future

    task = asyncio.get_running_loop().create_task(waiter())
    await _turns(1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        async with asyncio.timeout(_BOUND):
            await task
    await _turns(1)
    assert log == ["cancelled"]


# --- ensureDeferred / fromCoroutine under a running loop ------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("start", [ensureDeferred, Deferred.fromCoroutine])
async def test_coroutine_starts_synchronously(start: Callable[[Any], Deferred[Any]]) -> None:
    """The coroutine's code before its first await has run when ensureDeferred returns."""
    steps: list[str] = []
    gate: Deferred[None] = Deferred()

    async def body() -> str:
        steps.append("before")
        await gate
        steps.append("after")
        return "done"

    d = start(body())
    assert steps == ["before"]
    gate.callback(None)
    async with asyncio.timeout(_BOUND):
        assert await d == "done"
    assert steps == ["before", "after"]


@pytest.mark.asyncio
async def test_coroutine_without_await_fires_at_once() -> None:
    """A coroutine that never suspends fires its Deferred before ensureDeferred returns."""

    async def body() -> int:
        return await succeed(1) + 1

    d = ensureDeferred(body())
    assert _outcomes(d) == [2]


@pytest.mark.asyncio
async def test_coroutine_awaits_deferreds_and_asyncio_awaitables() -> None:
    """A Twisted-style coroutine awaits Deferreds, futures, tasks and asyncio.sleep alike."""
    loop = asyncio.get_running_loop()
    pending: Deferred[int] = Deferred()
    future: asyncio.Future[int] = loop.create_future()

    async def child() -> int:
        await asyncio.sleep(0)
        return 4

    async def body() -> list[int]:
        got = [await succeed(1)]
        got.append(await pending)
        await asyncio.sleep(0)
        got.append(await future)
        got.append(await loop.create_task(child()))
        got.append(await asyncio.sleep(0, result=5))
        got.append(await ensureDeferred(child()))
        return got

    d = ensureDeferred(body())
    loop.call_soon(pending.callback, 2)
    loop.call_soon(future.set_result, 3)
    async with asyncio.timeout(_BOUND):
        assert await d == [1, 2, 3, 4, 5, 4]


@pytest.mark.asyncio
async def test_coroutine_first_awaits_an_asyncio_future() -> None:
    """A coroutine whose first await is an asyncio future gets the future's result."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def body() -> int:
        return await future * 2

    d = ensureDeferred(body())
    asyncio.get_running_loop().call_soon(future.set_result, 21)
    async with asyncio.timeout(_BOUND):
        assert await d == 42


@pytest.mark.asyncio
async def test_coroutine_exception_fails_the_deferred() -> None:
    """An exception escaping the coroutine (after it waited) fails the Deferred with it."""
    exc = _Boom()

    async def body() -> None:
        await asyncio.sleep(0)
        _raiseAt(exc)

    d = ensureDeferred(body())
    with pytest.raises(_Boom) as info:
        async with asyncio.timeout(_BOUND):
            await d
    assert info.value is exc
    assert "_raiseAt" in _frameNames(info.value)


@pytest.mark.asyncio
async def test_coroutine_sees_the_exception_of_an_awaited_future() -> None:
    """An asyncio future failing raises its exception inside the coroutine, which may catch it."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    exc = _Boom()

    async def body() -> str:
        try:
            await future
        except _Boom as e:
            return "caught" if e is exc else "other"
        return "no exception"

    d = ensureDeferred(body())
    future.set_exception(exc)
    async with asyncio.timeout(_BOUND):
        assert await d == "caught"


_SUSPENDING_FIRST_AWAITS = ["deferred", "future", "sleep0"]


async def _firstAwait(kind: str) -> None:
    """Suspend once, on a Deferred, an asyncio future, or asyncio.sleep(0)."""
    loop = asyncio.get_running_loop()
    if kind == "deferred":
        d: Deferred[None] = Deferred()
        loop.call_soon(d.callback, None)
        await d
    elif kind == "future":
        future: asyncio.Future[None] = loop.create_future()
        loop.call_soon(future.set_result, None)
        await future
    else:
        await asyncio.sleep(0)


@pytest.mark.asyncio
@pytest.mark.parametrize("first", _SUSPENDING_FIRST_AWAITS)
async def test_current_task_inside_coroutine(first: str) -> None:
    """After its first await the coroutine runs in its own real Task.

    Divergence from Twisted (documented): on Python 3.11 the first synchronous step runs
    inside the caller's task; on 3.12+ the coroutine's own task starts eagerly.
    """
    caller = asyncio.current_task()
    seen: dict[str, asyncio.Task[Any] | None] = {}

    async def body() -> None:
        seen["before"] = asyncio.current_task()
        await _firstAwait(first)
        seen["after"] = asyncio.current_task()
        await asyncio.sleep(0)
        seen["later"] = asyncio.current_task()

    d = ensureDeferred(body())
    async with asyncio.timeout(_BOUND):
        await d
    after = seen["after"]
    assert isinstance(after, asyncio.Task)
    assert after is not caller
    assert seen["later"] is after
    assert after.done()
    if sys.version_info >= (3, 12):
        assert seen["before"] is after
    else:
        assert seen["before"] is caller


_VAR: contextvars.ContextVar[str] = contextvars.ContextVar("_VAR", default="unset")


@pytest.mark.asyncio
@pytest.mark.parametrize("first", _SUSPENDING_FIRST_AWAITS)
async def test_coroutine_runs_in_a_copied_context(first: str) -> None:
    """A value set before is visible inside; a value set inside stays inside, across awaits."""
    token = _VAR.set("outer")
    seen: list[str] = []

    async def body() -> None:
        seen.append(_VAR.get())
        _VAR.set("inner")
        await _firstAwait(first)
        seen.append(_VAR.get())
        await asyncio.sleep(0)
        seen.append(_VAR.get())

    try:
        d = ensureDeferred(body())
        assert _VAR.get() == "outer"
        async with asyncio.timeout(_BOUND):
            await d
        assert _VAR.get() == "outer"
        assert seen == ["outer", "inner", "inner"]
    finally:
        _VAR.reset(token)


# --- cancelling the Deferred of a running coroutine -----------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("suspended", [False, True], ids=["first-step", "in-task"])
async def test_cancel_while_awaiting_a_deferred_raises_twisted_cancelled(suspended: bool) -> None:
    """Cancelling the result while the coroutine awaits a Deferred: it sees CancelledError there.

    The awaited Deferred's canceller runs; the coroutine may recover, and its return value
    fires the result Deferred (Twisted's behaviour).
    """
    waiting: list[bool] = []
    log: list[str] = []
    inner: Deferred[int] = Deferred(_recordingCanceller(log))
    caught: list[BaseException] = []

    async def body() -> str:
        if suspended:
            await asyncio.sleep(0)
        waiting.append(True)
        try:
            await inner
        except BaseException as e:
            caught.append(e)
            return "recovered"
        return "not cancelled"

    d = ensureDeferred(body())
    seen = _outcomes(d)
    await _until(lambda: waiting)
    d.cancel()
    await _until(lambda: seen)
    assert log == ["cancelled"]
    assert [type(e) for e in caught] == [CancelledError]
    assert seen == ["recovered"]


@pytest.mark.asyncio
@pytest.mark.parametrize("suspended", [False, True], ids=["first-step", "in-task"])
async def test_cancel_while_awaiting_a_deferred_unhandled(suspended: bool) -> None:
    """If the coroutine lets the Deferred's CancelledError escape, the result fails with it."""
    waiting: list[bool] = []
    inner: Deferred[int] = Deferred()

    async def body() -> int:
        if suspended:
            await asyncio.sleep(0)
        waiting.append(True)
        return await inner

    d = ensureDeferred(body())
    seen = _outcomes(d)
    await _until(lambda: waiting)
    d.cancel()
    await _until(lambda: seen)
    assert len(seen) == 1
    assert _cancelledFailure(seen[0])


@pytest.mark.asyncio
@pytest.mark.parametrize("suspended", [False, True], ids=["first-step", "in-task"])
async def test_cancel_while_awaiting_a_future_raises_asyncio_cancelled(suspended: bool) -> None:
    """Cancelling the result while the coroutine awaits a future: asyncio.CancelledError there.

    The future is cancelled; the error escaping the coroutine fails the result Deferred with
    twistlike's CancelledError.
    """
    waiting: list[bool] = []
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    caught: list[BaseException] = []

    async def body() -> int:
        if suspended:
            await asyncio.sleep(0)
        waiting.append(True)
        try:
            return await future
        except BaseException as e:
            caught.append(e)
            raise

    d = ensureDeferred(body())
    seen = _outcomes(d)
    await _until(lambda: waiting)
    d.cancel()
    await _until(lambda: seen)
    assert future.cancelled()
    assert [type(e) for e in caught] == [asyncio.CancelledError]
    assert len(seen) == 1
    assert _cancelledFailure(seen[0])


@pytest.mark.asyncio
@pytest.mark.parametrize("suspended", [False, True], ids=["first-step", "in-task"])
async def test_cancel_while_awaiting_a_future_recovered(suspended: bool) -> None:
    """A coroutine that catches asyncio.CancelledError and returns a value fires the result."""
    waiting: list[bool] = []
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    async def body() -> str:
        if suspended:
            await asyncio.sleep(0)
        waiting.append(True)
        try:
            await future
        except asyncio.CancelledError:
            return "recovered"
        return "not cancelled"

    d = ensureDeferred(body())
    seen = _outcomes(d)
    await _until(lambda: waiting)
    d.cancel()
    await _until(lambda: seen)
    assert seen == ["recovered"]


@pytest.mark.asyncio
async def test_cancel_generator_coroutine_waiting_on_a_yielded_deferred() -> None:
    """A generator-based coroutine yielding a Deferred in its task sees Twisted's cancellation.

    As in Twisted, cancelling the result cancels the yielded Deferred, the generator gets
    twistlike's CancelledError at the yield, and may recover.
    """
    waiting: list[bool] = []
    log: list[str] = []
    inner: Deferred[int] = Deferred(_recordingCanceller(log))
    caught: list[type[BaseException]] = []

    @types.coroutine
    def body() -> Generator[Any, Any, str]:
        yield from asyncio.sleep(0).__await__()
        waiting.append(True)
        try:
            yield inner
        except BaseException as e:
            caught.append(type(e))
            return "recovered"
        return "not cancelled"

    d = ensureDeferred(body())
    seen = _outcomes(d)
    await _until(lambda: waiting)
    d.cancel()
    await _until(lambda: seen)
    assert log == ["cancelled"]
    assert caught == [CancelledError]
    assert seen == ["recovered"]


@pytest.mark.asyncio
async def test_cancel_in_the_turn_the_awaited_deferred_fired() -> None:
    """The awaited Deferred fired, then the result is cancelled before the coroutine resumed.

    The coroutine still gets the value at its await (in Twisted it would already have
    resumed): it was waiting on a Deferred, so it never sees asyncio.CancelledError there.
    """
    waiting: list[bool] = []
    inner: Deferred[int] = Deferred()
    got: list[object] = []

    async def body() -> str:
        await asyncio.sleep(0)
        waiting.append(True)
        try:
            got.append(await inner)
        except BaseException as e:
            got.append(type(e))
            raise
        return "done"

    d = ensureDeferred(body())
    seen = _outcomes(d)
    await _until(lambda: waiting)
    inner.callback(5)
    d.cancel()
    await _until(lambda: seen)
    assert got == [5]
    assert len(seen) == 1


@pytest.mark.asyncio
async def test_cancel_after_the_coroutine_finished_does_nothing() -> None:
    """Cancelling the result of a coroutine that already returned changes nothing."""

    async def body() -> int:
        await asyncio.sleep(0)
        return 1

    d = ensureDeferred(body())
    await _until(lambda: d.called)
    d.cancel()
    assert _outcomes(d) == [1]


@pytest.mark.asyncio
async def test_cancelling_the_caller_of_an_awaited_coroutine() -> None:
    """A task awaiting ensureDeferred's result is cancelled: the coroutine is cancelled too."""
    waiting: list[bool] = []
    log: list[str] = []
    inner: Deferred[int] = Deferred(_recordingCanceller(log))

    async def body() -> int:
        await asyncio.sleep(0)
        waiting.append(True)
        return await inner

    d = ensureDeferred(body())

    async def waiter() -> int:
        return await d

    task = asyncio.get_running_loop().create_task(waiter())
    await _until(lambda: waiting)
    await _turns(1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        async with asyncio.timeout(_BOUND):
            await task
    await _until(lambda: log)
    assert log == ["cancelled"]


# --- inlineCallbacks under a loop -----------------------------------------------------------


@pytest.mark.asyncio
async def test_inlineCallbacks_yields_coroutines_and_futures() -> None:
    """An inlineCallbacks generator may yield coroutines and asyncio futures under a loop."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[int] = loop.create_future()

    async def child(n: int) -> int:
        await asyncio.sleep(0)
        return n

    @inlineCallbacks
    def gen() -> Generator[object, int, list[int]]:
        got = [(yield child(1))]
        got.append((yield future))
        got.append((yield loop.create_task(child(3))))
        got.append((yield succeed(4)))
        return got

    d = gen()
    assert_type(d, Deferred[list[int]])
    loop.call_soon(future.set_result, 2)
    async with asyncio.timeout(_BOUND):
        assert await d == [1, 2, 3, 4]


@pytest.mark.asyncio
async def test_inlineCallbacks_yielded_future_failure_is_thrown_in() -> None:
    """A failed future yielded by an inlineCallbacks generator raises inside the generator."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    exc = _Boom()

    @inlineCallbacks
    def gen() -> Generator[object, object, str]:
        try:
            yield future
        except _Boom as e:
            return "caught" if e is exc else "other"
        return "no exception"

    d = gen()
    future.set_exception(exc)
    async with asyncio.timeout(_BOUND):
        assert await d == "caught"


@pytest.mark.asyncio
async def test_inlineCallbacks_cancel_while_yielding_a_future() -> None:
    """Cancelling an inlineCallbacks Deferred waiting on a future cancels that future."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    @inlineCallbacks
    def gen() -> Generator[object, int, int]:
        return (yield future)

    d = gen()
    seen = _outcomes(d)
    d.cancel()
    assert future.cancelled()
    await _turns(1)
    assert len(seen) == 1
    assert _cancelledFailure(seen[0])


# --- a coroutine started before any loop runs -----------------------------------------------


@pytest.mark.parametrize("factory", _LOOPS)
def test_coroutine_started_without_a_loop_continues_under_a_loop(factory: _LoopFactory) -> None:
    """A coroutine started with no loop running may await asyncio things once a loop runs."""
    gate: Deferred[int] = Deferred()
    steps: list[str] = []

    async def body() -> int:
        steps.append("started")
        value = await gate
        steps.append("resumed")
        task = asyncio.current_task()
        assert task is not None
        await asyncio.sleep(0)
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_soon(future.set_result, 10)
        value += await future
        assert asyncio.current_task() is task
        return value

    d = ensureDeferred(body())
    assert steps == ["started"]

    async def main() -> int:
        gate.callback(5)
        return await d

    assert _runOn(factory, main) == 15
    assert steps == ["started", "resumed"]


@pytest.mark.parametrize("factory", _LOOPS)
def test_coroutine_started_without_a_loop_cancelled_as_its_deferred_fires(
    factory: _LoopFactory,
) -> None:
    """Cancelling right after the awaited Deferred fired under a loop: the value still arrives.

    The coroutine started with no loop; its Deferred fires inside a running loop, which
    hands the coroutine to a new Task; a cancel before that Task's first step must not turn
    the delivered value into asyncio.CancelledError.
    """
    gate: Deferred[int] = Deferred()
    got: list[object] = []

    async def body() -> str:
        try:
            got.append(await gate)
        except BaseException as e:
            got.append(type(e))
            raise
        return "done"

    d = ensureDeferred(body())
    seen = _outcomes(d)

    async def main() -> None:
        gate.callback(5)
        d.cancel()
        await _until(lambda: seen)

    _runOn(factory, main)
    assert got == [5]
    assert len(seen) == 1


@pytest.mark.parametrize("factory", _LOOPS)
def test_coroutine_started_without_a_loop_resumes_synchronously(factory: _LoopFactory) -> None:
    """With no loop running, a coroutine resumes inside the ``callback()`` that fires its wait."""
    gate: Deferred[int] = Deferred()
    steps: list[object] = []

    async def body() -> int:
        steps.append(await gate)
        return 1

    d = ensureDeferred(body())
    gate.callback(3)
    assert steps == [3]
    assert _outcomes(d) == [1]


# --- anyio ----------------------------------------------------------------------------------


@pytest.mark.parametrize("useUvloop", _USE_UVLOOP)
def test_anyio_awaits_a_deferred(useUvloop: bool) -> None:
    """Inside ``anyio.run`` on asyncio, awaiting a Deferred gives its result."""

    async def main() -> int:
        d: Deferred[int] = Deferred()
        asyncio.get_running_loop().call_soon(d.callback, 8)
        return await d

    assert _runAnyio(useUvloop, main) == 8


@pytest.mark.parametrize("useUvloop", _USE_UVLOOP)
def test_anyio_move_on_after_cancels_an_awaited_deferred(useUvloop: bool) -> None:
    """An expiring ``anyio.move_on_after`` cancels the Deferred being awaited."""
    log: list[str] = []

    async def main() -> bool:
        d: Deferred[int] = Deferred(_recordingCanceller(log))
        with anyio.move_on_after(0.001) as scope:
            await d
        return scope.cancelled_caught

    assert _runAnyio(useUvloop, main) is True
    assert log == ["cancelled"]


@pytest.mark.parametrize("useUvloop", _USE_UVLOOP)
def test_anyio_cancel_scope_cancel_cancels_an_awaited_deferred(useUvloop: bool) -> None:
    """``CancelScope.cancel()`` from another callback cancels the Deferred being awaited."""
    log: list[str] = []

    async def main() -> bool:
        d: Deferred[int] = Deferred(_recordingCanceller(log))
        with anyio.CancelScope() as scope:
            asyncio.get_running_loop().call_soon(scope.cancel)
            await d
        return scope.cancelled_caught

    assert _runAnyio(useUvloop, main) is True
    assert log == ["cancelled"]


@pytest.mark.parametrize("useUvloop", _USE_UVLOOP)
def test_anyio_task_group_cancel_cancels_awaited_deferreds(useUvloop: bool) -> None:
    """Cancelling a task group cancels the Deferreds its tasks await."""
    log: list[str] = []

    async def main() -> None:
        async def waiter(d: Deferred[int]) -> None:
            await d

        async with anyio.create_task_group() as tg:
            for _ in range(3):
                tg.start_soon(waiter, Deferred(_recordingCanceller(log)))
            await anyio.sleep(0)
            tg.cancel_scope.cancel()

    _runAnyio(useUvloop, main)
    assert log == ["cancelled"] * 3


@pytest.mark.parametrize("useUvloop", _USE_UVLOOP)
def test_anyio_primitives_inside_a_twisted_style_coroutine(useUvloop: bool) -> None:
    """A coroutine run by ensureDeferred uses anyio.sleep and a task group after its first await."""

    async def body(gate: Deferred[int]) -> list[object]:
        got: list[object] = [await gate]
        await anyio.sleep(0)
        got.append(anyio.get_current_task().id == id(asyncio.current_task()))
        results: list[int] = []

        async def child(n: int) -> None:
            await anyio.sleep(0)
            results.append(n)

        async with anyio.create_task_group() as tg:
            tg.start_soon(child, 1)
            tg.start_soon(child, 2)
        got.append(sorted(results))
        with anyio.move_on_after(0.001):
            await Deferred()
        got.append("moved on")
        return got

    async def main() -> list[object]:
        gate: Deferred[int] = Deferred()
        d = ensureDeferred(body(gate))
        asyncio.get_running_loop().call_soon(gate.callback, 0)
        return await d

    assert _runAnyio(useUvloop, main) == [0, True, [1, 2], "moved on"]


@pytest.mark.parametrize("useUvloop", _USE_UVLOOP)
def test_anyio_cancel_of_twisted_style_coroutine_result(useUvloop: bool) -> None:
    """Cancelling ensureDeferred's result while its coroutine awaits a Deferred inside anyio."""
    log: list[str] = []

    async def body(inner: Deferred[int]) -> str:
        await anyio.sleep(0)
        try:
            await inner
        except CancelledError:
            return "recovered"
        return "not cancelled"

    async def main() -> str:
        d = ensureDeferred(body(Deferred(_recordingCanceller(log))))
        await anyio.sleep(0)
        await anyio.sleep(0)
        d.cancel()
        return await d

    assert _runAnyio(useUvloop, main) == "recovered"
    assert log == ["cancelled"]

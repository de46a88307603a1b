"""Tests for the Deferred's asyncio bridge (twistlike/_aio/bridge.py) and its boundary.

The chain engine in twistlike/_core never imports asyncio; the bridge hands a Deferred's
outcome to awaiting Tasks without ever letting an exception escape ``callback()``, and the
coroutine driver makes its Tasks through the loop's task factory. Loop tests run on the
default loop and on uvloop (``@pytest.mark.asyncio`` through tests/conftest.py, the others
through their ``factory`` parameter); every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import inspect
import logging
import subprocess
import sys
import textwrap
import types
from collections.abc import Callable, Coroutine, Generator
from typing import Any

import pytest
import twisted.internet.defer as tdefer

from twistlike.defer import Deferred, ensureDeferred
from twistlike.failure import Failure

try:
    import uvloop
except ImportError:  # pragma: no cover - uvloop does not exist on Windows
    uvloop = None  # type: ignore[assignment]

pytestmark = pytest.mark.timeout(30)

#: Bound on every await that waits for something (the tests never come near it).
_BOUND = 5.0

_LoopFactory = Callable[[], asyncio.AbstractEventLoop]

_LOOPS: list[Any] = [pytest.param(asyncio.new_event_loop, id="asyncio")]
if uvloop is not None:
    _LOOPS.append(pytest.param(uvloop.new_event_loop, id="uvloop"))

_PY312 = sys.version_info >= (3, 12)


@types.coroutine
def _yieldDeferred(d: Deferred[Any]) -> Generator[Any, Any, Any]:
    """Yield ``d`` itself to the driver (a generator-based coroutine, as Twisted allows)."""
    return (yield d)


def _closedLoopWithWaitingTask(
    factory: _LoopFactory, main: Callable[[], Coroutine[Any, Any, Any]]
) -> tuple[asyncio.AbstractEventLoop, list[dict[str, Any]]]:
    """Start ``main()`` in a Task, let it reach its wait, then close the loop under it."""
    loop = factory()
    reports: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _, ctx: reports.append(ctx))
    loop.create_task(main())
    for _ in range(3):
        loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    return loop, reports


# --- handing the outcome to an awaiting Task never raises out of callback() -----------------


@pytest.mark.parametrize("factory", _LOOPS)
def test_callback_with_an_awaiting_task_of_a_closed_loop_does_not_raise(
    factory: _LoopFactory,
) -> None:
    """callback() of a Deferred awaited by a Task whose loop was closed returns normally and
    the Deferred keeps its result (nobody can read it any more)."""
    d: Deferred[int] = Deferred()

    async def main() -> int:
        return await d

    _closedLoopWithWaitingTask(factory, main)
    d.callback(1)
    assert d.result == 1
    gc.collect()


@pytest.mark.parametrize("factory", _LOOPS)
def test_errback_with_an_awaiting_task_of_a_closed_loop_keeps_the_failure(
    factory: _LoopFactory,
) -> None:
    """errback() of a Deferred awaited by a Task of a closed loop returns normally and leaves
    the Failure in the Deferred (to be handled or logged), not lost."""
    d: Deferred[int] = Deferred()

    async def main() -> int:
        return await d

    _closedLoopWithWaitingTask(factory, main)
    d.errback(ValueError("closed-loop"))
    assert isinstance(d.result, Failure) and d.result.check(ValueError)
    d.addErrback(lambda f: None)
    gc.collect()


@pytest.mark.twistlike_allow_unhandled_errors
@pytest.mark.parametrize("factory", _LOOPS)
def test_callback_with_a_failure_to_a_task_of_a_closed_loop_is_logged_if_unhandled(
    factory: _LoopFactory, caplog: pytest.LogCaptureFixture
) -> None:
    """callback(Failure) to a Deferred only a closed loop's Task awaits (the engine's
    handover shortcut) keeps the Failure, and it is logged when the Deferred is collected."""
    caplog.set_level(logging.ERROR)
    held: list[Deferred[int]] = [Deferred()]

    async def main() -> int:
        return await held[0]

    _closedLoopWithWaitingTask(factory, main)
    d = held.pop()
    d.callback(Failure(ValueError("closed-loop-handover-token")))
    assert isinstance(d.result, Failure) and d.result.check(ValueError)
    del d
    gc.collect()
    logged = [
        r
        for r in caplog.records
        if "closed-loop-handover-token" in str(getattr(r, "failure", ""))
        or "closed-loop-handover-token" in r.getMessage()
    ]
    assert logged, "the unhandled Failure was not logged"


@pytest.mark.parametrize("factory", _LOOPS)
def test_callback_with_a_coroutine_task_of_a_closed_loop_keeps_the_result(
    factory: _LoopFactory,
) -> None:
    """A Twisted-style coroutine whose Task waits on a yielded Deferred when its loop closes:
    callback() returns normally and the Deferred keeps its result."""
    d: Deferred[int] = Deferred()

    async def coroutine() -> Any:
        await asyncio.sleep(0)  # now the coroutine runs in a Task
        return await _yieldDeferred(d)

    async def main() -> None:
        ensureDeferred(coroutine())

    _closedLoopWithWaitingTask(factory, main)
    d.callback(5)
    assert d.result == 5
    gc.collect()


def _stopIterationAtAwait(driveWithTask: bool, defer: Any) -> tuple[object, ...]:
    """Await a pending Deferred that then fails with StopIteration; describe what is raised."""
    d = defer.Deferred()

    async def waiter() -> tuple[object, ...]:
        try:
            await d
        except BaseException as e:
            cause = e.__cause__
            return (type(e).__name__, str(e), type(cause).__name__, getattr(cause, "args", None))
        return ("no exception",)

    if not driveWithTask:
        # Twisted's own driver (no loop): the reference behaviour.
        result = defer.ensureDeferred(waiter())
        d.errback(StopIteration(3))
        return (result.result, d.result)

    async def main() -> tuple[object, ...]:
        task = asyncio.ensure_future(waiter())
        await asyncio.sleep(0)
        d.errback(StopIteration(3))
        async with asyncio.timeout(_BOUND):
            return (await task, d.result)

    return asyncio.run(main())


def test_stopiteration_reaches_an_awaiting_task_as_in_twisted() -> None:
    """A Deferred failing with StopIteration while an asyncio Task awaits it: errback()
    returns normally and the Task gets what Twisted's coroutine gets (PEP 479's
    RuntimeError caused by the StopIteration)."""
    expected = _stopIterationAtAwait(False, tdefer)
    assert expected == (
        ("RuntimeError", "generator raised StopIteration", "StopIteration", (3,)),
        None,
    )
    assert _stopIterationAtAwait(True, sys.modules["twistlike.defer"]) == expected


# --- ensureDeferred's Task comes from the loop's task factory -------------------------------


def _recordingFactory(
    made: list[asyncio.Task[Any]],
) -> Callable[..., asyncio.Task[Any]]:
    def factory(
        loop: asyncio.AbstractEventLoop,
        coro: Any,
        *,
        context: contextvars.Context | None = None,
        **kwargs: Any,
    ) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.Task(coro, loop=loop, context=context, **kwargs)
        made.append(task)
        return task

    return factory


@pytest.mark.asyncio
async def test_ensureDeferred_task_comes_from_the_loops_task_factory() -> None:
    """A task factory installed with loop.set_task_factory makes the Task a Twisted-style
    coroutine runs in, and the coroutine still starts synchronously, as in Twisted."""
    loop = asyncio.get_running_loop()
    made: list[asyncio.Task[Any]] = []
    steps: list[str] = []
    inTask: list[asyncio.Task[Any] | None] = []

    async def coroutine() -> int:
        steps.append("started")
        await asyncio.sleep(0)
        inTask.append(asyncio.current_task())
        return 7

    loop.set_task_factory(_recordingFactory(made))
    try:
        d = ensureDeferred(coroutine())
        assert steps == ["started"]
        async with asyncio.timeout(_BOUND):
            assert await d == 7
    finally:
        loop.set_task_factory(None)
    assert len(made) == 1 and inTask == made


@pytest.mark.skipif(not _PY312, reason="asyncio.eager_task_factory is new in Python 3.12")
@pytest.mark.asyncio
async def test_ensureDeferred_with_eager_task_factory_starts_inside_the_task() -> None:
    """With asyncio's eager_task_factory the first step already runs inside the Task; where
    the loop cannot use that factory at all (uvloop 0.23 on Python 3.13), the Deferred fails
    with the factory's error and the coroutine is closed, not left behind."""
    loop = asyncio.get_running_loop()
    inTask: list[asyncio.Task[Any] | None] = []

    async def coroutine() -> None:
        inTask.append(asyncio.current_task())

    async def probe() -> None:
        pass

    loop.set_task_factory(asyncio.eager_task_factory)  # type: ignore[attr-defined,unused-ignore]
    try:
        probeCoroutine = probe()
        try:
            probeTask = loop.create_task(probeCoroutine)
        except TypeError as e:
            factoryError: TypeError | None = e
            probeCoroutine.close()
        else:
            factoryError = None
            await probeTask
        outer = asyncio.current_task()
        started = coroutine()
        d = ensureDeferred(started)
    finally:
        loop.set_task_factory(None)
    if factoryError is not None:
        failure = d.result
        d.addErrback(lambda f: None)
        assert isinstance(failure, Failure) and failure.check(TypeError)
        assert str(failure.value) == str(factoryError)
        assert inspect.getcoroutinestate(started) == inspect.CORO_CLOSED and inTask == []
        return
    assert d.called and len(inTask) == 1
    assert inTask[0] is not None and inTask[0] is not outer


@pytest.mark.asyncio
async def test_a_failing_task_factory_fails_the_deferred_and_closes_the_coroutine() -> None:
    """If the loop's task factory raises when the coroutine first needs a Task, the error
    fails the Deferred and the coroutine is closed (its finally blocks run); nothing
    escapes ensureDeferred or is left pending."""
    loop = asyncio.get_running_loop()
    steps: list[str] = []

    def broken(*args: Any, **kwargs: Any) -> asyncio.Task[Any]:
        raise RuntimeError("factory broke")

    async def coroutine() -> None:
        try:
            steps.append("started")
            await asyncio.sleep(0)
            steps.append("resumed")
        finally:
            steps.append("closed")

    loop.set_task_factory(broken)
    try:
        d = ensureDeferred(coroutine())
    finally:
        loop.set_task_factory(None)
    assert steps == ["started", "closed"]
    failure = d.result
    d.addErrback(lambda f: None)
    assert isinstance(failure, Failure) and failure.check(RuntimeError)
    assert failure.value.args == ("factory broke",)


@pytest.mark.asyncio
async def test_ensureDeferred_task_is_named_after_the_coroutine() -> None:
    """The Task of a Twisted-style coroutine is named after it, and its repr shows it."""
    tasks: list[asyncio.Task[Any] | None] = []

    async def handleRequest() -> None:
        await asyncio.sleep(0)
        task = asyncio.current_task()
        tasks.append(task)

    async with asyncio.timeout(_BOUND):
        await ensureDeferred(handleRequest())
    task = tasks[0]
    assert task is not None
    qualname = handleRequest.__qualname__
    assert task.get_name() == qualname
    assert f"{qualname}()" in repr(task) and "without __name__" not in repr(task)


# --- the chain engine without asyncio (twistlike._core never imports it) ---------------------


def _runScript(script: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a fresh interpreter (bounded), so that sys.modules starts empty."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_chain_engine_runs_without_importing_asyncio() -> None:
    """Deferred chains and inlineCallbacks from twistlike._core never load asyncio."""
    done = _runScript(
        """
        import sys
        from twistlike._core.deferred import Deferred, inlineCallbacks, succeed

        seen = []
        d = Deferred()
        d.addCallback(lambda r: r + 1).addCallback(seen.append)
        d.callback(1)

        @inlineCallbacks
        def gen():
            x = yield succeed(2)
            return x * 10

        gen().addCallback(seen.append)
        assert seen == [2, 20], seen
        assert "asyncio" not in sys.modules, "the chain engine imported asyncio"
        print("ok")
        """
    )
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stderr


def test_core_alone_loads_its_asyncio_edges_on_first_use() -> None:
    """Code importing only twistlike._core.deferred can still await, adapt futures and run
    coroutines: the bridge loads on first use of an edge."""
    done = _runScript(
        """
        import asyncio
        import sys
        from twistlike._core.deferred import Deferred

        async def inner(d):
            return await d

        async def main():
            loop = asyncio.get_running_loop()
            d = Deferred()
            loop.call_soon(d.callback, 1)
            first = await d
            future = loop.create_future()
            fromFuture = Deferred.fromFuture(future)
            future.set_result(2)
            second = await fromFuture
            task = asyncio.ensure_future(asyncio.sleep(0, 3))
            third = await Deferred.fromCoroutine(inner(Deferred.fromFuture(task)))
            pending = Deferred()
            asFuture = pending.asFuture(loop)
            pending.callback(4)
            fourth = await asFuture
            return [first, second, third, fourth]

        assert "twistlike._aio.bridge" not in sys.modules
        print(asyncio.run(main()))
        """
    )
    assert (done.returncode, done.stdout.strip()) == (0, "[1, 2, 3, 4]"), done.stderr


# --- which loop an await hands its Future to ---------------------------------------------
#
# On Python 3.11 the engine remembers the loop found last, with the asynchronous-generator
# hook that loop installed for its thread as proof that it still runs there (3.11's
# get_running_loop makes a system call per await). These check that it never hands a Future
# to the wrong loop and never keeps a stopped loop alive.


async def _awaitSome(n: int) -> int:
    loop = asyncio.get_running_loop()
    total = 0
    for i in range(n):
        d: Deferred[int] = Deferred()
        loop.call_soon(d.callback, i)
        total += await d
    return total


def test_await_on_loops_run_one_after_another_on_one_thread() -> None:
    """Each new loop on a thread gets its own Futures (asyncio and uvloop, alternating)."""
    factories = [asyncio.new_event_loop] + ([uvloop.new_event_loop] if uvloop else [])
    for _ in range(3):
        for factory in factories:
            with asyncio.Runner(loop_factory=factory) as runner:
                assert runner.run(_awaitSome(5)) == 10


@pytest.mark.parametrize("factory", _LOOPS)
def test_await_in_loops_running_in_two_threads_at_once(factory: _LoopFactory) -> None:
    """Two threads, each running its own loop, await Deferreds in turns (so that the one
    remembered loop is always the other thread's): each gets Futures of its own loop."""
    import threading

    turns = 200
    barrier = threading.Barrier(2, timeout=_BOUND)
    results: list[object] = []

    async def taking_turns() -> int:
        total = 0
        for i in range(turns):
            barrier.wait()
            d: Deferred[int] = Deferred()
            asyncio.get_running_loop().call_soon(d.callback, i)
            total += await d
        return total

    def run() -> None:
        try:
            with asyncio.Runner(loop_factory=factory) as runner:
                results.append(runner.run(taking_turns()))
        except BaseException as e:  # reported by the assertion below
            barrier.abort()
            results.append(e)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=4 * _BOUND)
    assert not any(t.is_alive() for t in threads)
    assert results == [sum(range(turns))] * 2


@pytest.mark.parametrize("factory", _LOOPS)
def test_await_while_another_asyncgen_hook_is_installed(factory: _LoopFactory) -> None:
    """Code that installs its own asynchronous-generator hooks inside a running loop (trio's
    guest mode does) does not confuse the await: it still finds the running loop."""

    async def main() -> int:
        before = await _awaitSome(3)
        saved = sys.get_asyncgen_hooks()
        sys.set_asyncgen_hooks(firstiter=lambda agen: None, finalizer=saved.finalizer)
        try:
            during = await _awaitSome(3)
        finally:
            sys.set_asyncgen_hooks(*saved)
        return before + during + await _awaitSome(3)

    with asyncio.Runner(loop_factory=factory) as runner:
        assert runner.run(main()) == 9


@pytest.mark.parametrize("factory", _LOOPS)
def test_await_does_not_keep_a_stopped_loop_alive(factory: _LoopFactory) -> None:
    """Once its loop has stopped and is closed, nothing twistlike remembers holds it."""
    import weakref

    loop = factory()
    try:
        assert loop.run_until_complete(_awaitSome(3)) == 3
    finally:
        loop.close()
    ref = weakref.ref(loop)
    del loop
    gc.collect()
    assert ref() is None


def test_a_thread_without_a_loop_never_takes_a_dead_remembered_loop() -> None:
    """Another thread's loop stopped an instant ago: its remembered hook reads as gone
    (None) before it is forgotten. A thread with no loop, whose own hook is None too, must
    not take that for a match. (This state only lasts an instant between threads, so it
    is set up by hand; on 3.12+ the engine asks get_running_loop and never looks.)"""
    import weakref

    from twistlike._core import engine

    class _Hook:
        def __call__(self, agen: object) -> None:
            return None

    hook = _Hook()
    dead = weakref.ref(hook)
    del hook
    assert dead() is None
    saved = engine.chain._hooks.lastLoop
    engine.chain._hooks.lastLoop = (dead, object())
    try:
        assert sys.get_asyncgen_hooks()[0] is None
        d: Deferred[int] = Deferred()
        awaiting = d.__await__()
        # No loop runs: the await waits as Twisted's does, yielding the Deferred itself.
        assert awaiting.send(None) is d
        awaiting.close()
    finally:
        engine.chain._hooks.lastLoop = saved

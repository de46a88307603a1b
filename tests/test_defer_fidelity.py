"""Differential tests: Deferred behaviours of issue 9 run on real Twisted and on twistlike.

Each scenario is a function taking the ``defer`` module (``twisted.internet.defer`` or
``twistlike.defer``, plus its logger module where it logs) and returning what it observed;
the test runs it on both and compares. No loop runs in these scenarios: Twisted's coroutine
driver works without one, and so must twistlike's.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Callable, Generator
from types import ModuleType
from typing import Any, cast
from unittest.mock import Mock

import pytest
import twisted.internet.defer as twisted_defer
import twisted.logger as twisted_logger

import twistlike.defer as twistlike_defer
import twistlike.logger as twistlike_logger

Scenario = Callable[[ModuleType], object]
_Decorator = Callable[[Callable[..., Generator[Any, Any, Any]]], Callable[..., Any]]


def _inline(defer: ModuleType) -> _Decorator:
    """``defer.inlineCallbacks``, typed for the scenarios below."""
    return cast(_Decorator, defer.inlineCallbacks)


def _both(scenario: Scenario) -> tuple[object, object]:
    """Run ``scenario`` on Twisted, then on twistlike; return both observations."""
    return scenario(twisted_defer), scenario(twistlike_defer)


def _describe(outcome: object) -> object:
    """A Failure as (class name, args); anything else as itself."""
    value = getattr(outcome, "value", None)
    if isinstance(value, BaseException):
        return (type(value).__name__, value.args)
    return outcome


# --- awaiting and yielding pending Deferreds with no loop (issue 9, item 1) -----------------


def _yieldFromInInlineCallbacks(defer: ModuleType) -> object:
    d = defer.Deferred()

    @_inline(defer)
    def g() -> Generator[Any, Any, Any]:
        x = yield from d
        return ("got", x)

    result = g()
    before = result.called
    d.callback(6)
    return (before, result.result, d.result)


def _awaitInCoroutine(defer: ModuleType) -> object:
    d = defer.Deferred()
    failing = defer.Deferred()

    async def inner(w: Any) -> Any:
        return await w

    async def f() -> Any:
        first = await inner(d)
        try:
            await failing
        except ValueError as e:
            return (first, e.args)
        return (first, None)

    result = defer.ensureDeferred(f())
    steps = [result.called]
    d.callback(5)
    steps.append(result.called)
    failing.errback(ValueError("second"))
    return (steps, result.result, d.result, _describe(failing.result))


def _coroutineYieldedFromInlineCallbacks(defer: ModuleType) -> object:
    d = defer.Deferred()

    async def waiter() -> Any:
        return await d

    @_inline(defer)
    def g() -> Generator[Any, Any, Any]:
        x = yield waiter()
        return x * 2

    result = g()
    d.callback(21)
    return (result.result, d.result)


def _yieldFromInGeneratorGivenToFromCoroutine(defer: ModuleType) -> object:
    d = defer.Deferred()

    def gen() -> Generator[Any, Any, Any]:
        x = yield from d
        return ("got", x)

    result = defer.Deferred.fromCoroutine(gen())
    d.callback(8)
    return (result.result, d.result)


@pytest.mark.parametrize(
    "scenario",
    [
        _yieldFromInInlineCallbacks,
        _yieldFromInGeneratorGivenToFromCoroutine,
        _awaitInCoroutine,
        _coroutineYieldedFromInlineCallbacks,
    ],
)
def test_pending_deferred_awaited_without_a_loop(scenario: Scenario) -> None:
    """A coroutine or inlineCallbacks generator waiting on a pending Deferred with no loop
    running waits and resumes when it fires, with Twisted's results."""
    twisted, twistlike = _both(scenario)
    assert twistlike == twisted


# --- no stray __context__ after a nested generator or coroutine (item 2) --------------------


def _contextAfterYieldedGenerator(defer: ModuleType) -> object:
    d = defer.Deferred()

    @_inline(defer)
    def inner() -> Generator[Any, Any, Any]:
        yield d
        return 1

    @_inline(defer)
    def outer() -> Generator[Any, Any, Any]:
        yield inner()
        try:
            raise ValueError("x")
        except ValueError as e:
            return repr(e.__context__)

    result = outer()
    d.callback(None)
    return result.result


def _contextAfterAwaitedCoroutine(defer: ModuleType) -> object:
    d = defer.Deferred()

    async def inner() -> int:
        await d
        return 1

    async def outer() -> str:
        await inner()
        try:
            raise ValueError("x")
        except ValueError as e:
            return repr(e.__context__)

    result = defer.ensureDeferred(outer())
    d.callback(None)
    return result.result


def _contextInCallbackOfFinishedCoroutine(defer: ModuleType) -> object:
    d = defer.Deferred()
    seen: list[str] = []

    async def coroutine() -> int:
        await d
        return 1

    def callback(_: object) -> None:
        try:
            raise KeyError("y")
        except KeyError as e:
            seen.append(repr(e.__context__))

    defer.ensureDeferred(coroutine()).addCallback(callback)
    d.callback(None)
    return seen


@pytest.mark.parametrize(
    "scenario",
    [
        _contextAfterYieldedGenerator,
        _contextAfterAwaitedCoroutine,
        _contextInCallbackOfFinishedCoroutine,
    ],
)
def test_no_stray_exception_context_after_a_nested_wait(scenario: Scenario) -> None:
    """An exception raised after a nested generator or coroutine finished has no
    StopIteration as its __context__, as in Twisted."""
    twisted, twistlike = _both(scenario)
    assert twistlike == twisted
    assert "None" in str(twisted) and "StopIteration" not in str(twisted)


# --- returnValue from a nested function (item 3) ---------------------------------------------


def _returnValueFrom(helperDepth: int, thrownIn: bool) -> Scenario:
    def scenario(defer: ModuleType) -> object:
        def helper2() -> None:
            defer.returnValue(3)

        def helper() -> None:
            if helperDepth == 2:
                helper2()
            else:
                defer.returnValue(3)

        d = defer.Deferred()

        @_inline(defer)
        def g() -> Generator[Any, Any, Any]:
            try:
                yield d
            except ValueError:
                pass
            if helperDepth:
                helper()
            else:
                defer.returnValue(3)

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = g()
            if thrownIn:
                d.errback(ValueError())
            else:
                d.callback(None)
        nested = [
            (w.category.__name__, str(w.message), w.filename, w.lineno)
            for w in caught
            if "causing" in str(w.message)
        ]
        return (result.result, nested)

    return scenario


@pytest.mark.parametrize("thrownIn", [False, True], ids=["sent", "thrown"])
@pytest.mark.parametrize("helperDepth", [0, 1, 2])
def test_returnValue_from_a_nested_function_warns_as_twisted(
    helperDepth: int, thrownIn: bool
) -> None:
    """returnValue() called from a function the generator called warns "returnValue() in
    'helper' causing 'g' to exit" at the caller's line, as Twisted does; called by the
    generator itself it does not."""
    twisted, twistlike = _both(_returnValueFrom(helperDepth, thrownIn))
    assert twistlike == twisted
    assert bool(twisted[1]) == bool(helperDepth)  # type: ignore[index]


# --- a garbage-collected failing Deferred logs two critical events (item 6) ------------------


def _gcEvents(defer: ModuleType, logger: ModuleType, debug: bool) -> list[object]:
    events: list[dict[str, Any]] = []

    def observe(event: dict[str, Any]) -> None:
        namespace = event.get("log_namespace")
        if namespace in ("twisted.internet.defer", "twistlike.defer"):
            events.append(event)

    before = defer.getDebugging()
    defer.setDebugging(debug)
    logger.globalLogPublisher.addObserver(observe)
    try:
        d = defer.Deferred()
        d.callback(0)
        d.addCallback(lambda _: 1 / 0)
        del d
        gc.collect()
    finally:
        logger.globalLogPublisher.removeObserver(observe)
        defer.setDebugging(before)
    seen: list[object] = []
    for event in events:
        failure = event.get("log_failure")
        debugInfo = event.get("debugInfo")
        seen.append(
            (
                event["log_level"].name,
                event["log_format"],
                event.get("isError"),
                _describe(failure) if failure is not None else None,
                None if debugInfo is None else debugInfo.startswith(" C: Deferred was created:"),
                None if debugInfo is None else " I: First Invoker was:\n" in debugInfo,
            )
        )
    return seen


@pytest.mark.twistlike_allow_unhandled_errors
@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debugging"])
def test_garbage_collected_failure_logs_two_critical_events(debug: bool) -> None:
    """A Deferred collected with an unhandled Failure emits Twisted's two critical events:
    "Unhandled error in Deferred:", then the failure (with the debug stacks when on)."""
    twisted = _gcEvents(twisted_defer, twisted_logger, debug)
    twistlike = _gcEvents(twistlike_defer, twistlike_logger, debug)
    assert twistlike == twisted
    assert len(twisted) == 2


# --- iterating a pending Deferred yields the Deferred itself (item 16) -----------------------


def _iteration(defer: ModuleType) -> object:
    d = defer.Deferred()
    it = iter(d)
    first = next(it) is d
    again = next(it) is d
    d.callback(4)
    try:
        next(it)
    except StopIteration as e:
        finished = e.value
    fired = defer.succeed(3)
    try:
        next(iter(fired))
    except StopIteration as e:
        immediate = e.value
    awaited = defer.Deferred()
    sent = awaited.__await__().send(None) is awaited
    mock = defer.Deferred()
    return (first, again, finished, d.result, immediate, sent, Mock(side_effect=mock)() is mock)


def test_iterating_a_pending_deferred_yields_the_deferred_itself() -> None:
    """iter(d), d.__await__().send(None) (no loop) and Mock(side_effect=d)() give the
    Deferred itself while it is pending, and its result once it fired, as in Twisted."""
    twisted, twistlike = _both(_iteration)
    assert twistlike == twisted == (True, True, 4, 4, 3, True, True)


def _deprecationOfReturnValue(defer: ModuleType) -> object:
    @_inline(defer)
    def g() -> Generator[Any, Any, Any]:
        yield defer.succeed(None)
        defer.returnValue(1)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = g()
    return (
        result.result,
        [
            (w.category.__name__, str(w.message).replace(defer.__name__, "<defer>"), w.lineno)
            for w in caught
        ],
    )


def test_returnValue_deprecation_warning_reads_as_twisted() -> None:
    """returnValue() itself warns with Twisted's DeprecationWarning text (module name aside)
    at the caller's line."""
    twisted, twistlike = _both(_deprecationOfReturnValue)
    assert twistlike == twisted

"""Unit tests for the Deferred core (twistlike._core.deferred, public in twistlike.defer).

Everything here runs without an event loop: a Deferred is a synchronous state machine, and
coroutines and ``inlineCallbacks`` generators driven by it resume synchronously when the
Deferred they wait on fires. Where the expected behaviour is Twisted's, some tests run the
same scenario on real Twisted (the behaviour oracle) and compare.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import itertools
import logging
import re
import traceback
import warnings
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any, TypeVar, assert_type

import pytest
import twisted.internet.defer as twisted_defer

import twistlike.defer as twistlike_defer
from twistlike._core.log import FAILURE_ATTR
from twistlike.defer import (
    AlreadyCalledError,
    CancelledError,
    Deferred,
    NotACoroutineError,
    TimeoutError,
    ensureDeferred,
    execute,
    fail,
    getDebugging,
    inlineCallbacks,
    logError,
    maybeDeferred,
    passthru,
    returnValue,
    setDebugging,
    succeed,
)
from twistlike.failure import Failure, NoCurrentExceptionError
from twistlike.task import Clock

# --- helpers ----------------------------------------------------------------------------


def _outcome(d: Deferred[Any]) -> Any:
    """The current result of a fired Deferred (a Failure is handled by this)."""
    out: list[Any] = []
    d.addBoth(out.append)
    assert out, "the Deferred has not fired"
    return out[0]


def _result(d: Deferred[Any]) -> Any:
    """The current result of a fired Deferred, which must not be a failure."""
    result = _outcome(d)
    assert not isinstance(result, Failure), result
    return result


def _failure(d: Deferred[Any]) -> Failure:
    """The current failure of a fired Deferred; it is handled afterwards."""
    result = _outcome(d)
    assert isinstance(result, Failure), result
    return result


def _raise(exc: BaseException) -> Callable[[object], Any]:
    """A callback that raises ``exc``."""

    def raiser(_: object) -> Any:
        raise exc

    return raiser


_V = TypeVar("_V")


def _note(seen: list[Any], value: _V) -> _V:
    """Append ``value`` to ``seen`` and return it (for one-line recording callbacks)."""
    seen.append(value)
    return value


def _returns(value: _V) -> Callable[[object], _V]:
    """A callback that ignores its argument and returns ``value`` (often a Deferred)."""

    def returner(_: object) -> _V:
        return value

    return returner


def _names(tb: Any) -> list[str]:
    """Function names in a traceback, outermost first."""
    return [frame.name for frame in traceback.extract_tb(tb)]


@pytest.fixture
def debugging() -> Iterator[None]:
    """Turn Deferred debugging on for one test."""
    before = getDebugging()
    setDebugging(True)
    try:
        yield
    finally:
        setDebugging(before)


def _unhandled(caplog: pytest.LogCaptureFixture, token: str) -> list[logging.LogRecord]:
    """Collect garbage, then return the failure records of "Unhandled error in Deferred"
    reports naming ``token``.

    As in Twisted, a report is two critical events: the header, then the failure. Other
    tests' garbage may be logged during the collection too; only failures whose message
    contains ``token`` count.
    """
    gc.collect()
    records = caplog.records
    return [
        record
        for header, record in itertools.pairwise(records)
        if header.getMessage() == "Unhandled error in Deferred:"
        and isinstance(getattr(record, FAILURE_ATTR, None), Failure)
        and token in str(getattr(record, FAILURE_ATTR).value)
    ]


# --- firing and the callback chain ------------------------------------------------------


def test_callbacks_run_synchronously_inside_callback_without_a_loop() -> None:
    """callback() runs the whole chain before it returns, with no event loop anywhere."""
    with pytest.raises(RuntimeError):
        asyncio.get_running_loop()
    seen: list[object] = []
    d: Deferred[int] = Deferred()
    d.addCallback(lambda r: _note(seen, r) + 1)
    d.addCallback(lambda r: _note(seen, r) * 10)
    assert not d.called
    d.callback(1)
    assert seen == [1, 2]
    assert d.called
    assert d.result == 20


def test_callback_added_after_firing_runs_at_once() -> None:
    """A callback added to a fired Deferred runs immediately with the current result."""
    d = succeed(3)
    seen: list[int] = []
    d.addCallback(seen.append)
    assert seen == [3]
    assert d.result is None


def test_raising_callback_switches_to_errbacks_and_recovery_switches_back() -> None:
    """A raising callback skips callbacks until an errback; a returning errback recovers."""
    seen: list[object] = []
    d: Deferred[int] = Deferred()
    d.addCallback(_raise(ValueError("boom")))
    d.addCallback(lambda r: seen.append(("skipped", r)))
    d.addErrback(lambda f: _note(seen, ("errback", f.value.args)) and "recovered")
    d.addErrback(lambda f: seen.append(("skipped too", f)))
    d.addCallback(lambda r: seen.append(("callback", r)))
    d.callback(0)
    assert seen == [("errback", ("boom",)), ("callback", "recovered")]


def test_errback_returning_failure_and_callback_returning_failure_stay_failing() -> None:
    """Returning a Failure from a callback or errback continues down the errback chain."""
    seen: list[object] = []
    d: Deferred[int] = Deferred()
    d.addCallback(lambda r: Failure(KeyError(r)))
    d.addErrback(lambda f: _note(seen, type(f.value)) and f)
    d.addCallback(lambda r: seen.append("not me"))
    d.addErrback(lambda f: seen.append(f.value.args))
    d.callback(7)
    assert seen == [KeyError, (7,)]


def test_errback_wraps_exceptions_failures_and_the_current_exception() -> None:
    """errback() takes an exception, a Failure (kept as is) or None inside ``except``."""
    err = ValueError("e")
    assert _failure(fail(err)).value is err
    f = Failure(KeyError("k"))
    assert _failure(fail(f)) is f
    try:
        raise OSError("current")
    except OSError:
        d: Deferred[object] = Deferred()
        d.errback()
    caught = _failure(d)
    assert isinstance(caught.value, OSError)
    assert caught.value.args == ("current",)


def test_errback_without_an_exception_raises() -> None:
    """errback() with no argument outside ``except`` raises NoCurrentExceptionError."""
    d: Deferred[object] = Deferred()
    with pytest.raises(NoCurrentExceptionError):
        d.errback()
    assert not d.called


def test_add_callbacks_passes_arguments_and_keywords() -> None:
    """addCallbacks passes callbackArgs/Keywords and errbackArgs/Keywords after the result."""
    seen: list[object] = []

    def cb(result: object, *args: object, **kwargs: object) -> object:
        seen.append(("cb", result, args, kwargs))
        raise ValueError("to the errback")

    def eb(failure: Failure, *args: object, **kwargs: object) -> object:
        seen.append(("eb", failure.value.args, args, kwargs))
        return "done"

    d: Deferred[int] = Deferred()
    d.addCallbacks(cb, lambda f: seen.append("not this one"), callbackArgs=(1,))
    d.addCallbacks(
        lambda r: seen.append("nor this"),
        eb,
        callbackKeywords={"no": 0},
        errbackArgs=(2, 3),
        errbackKeywords={"k": "v"},
    )
    d.callback(0)
    assert seen == [
        ("cb", 0, (1,), {}),
        ("eb", ("to the errback",), (2, 3), {"k": "v"}),
    ]
    assert d.result == "done"


def test_add_callbacks_without_errback_passes_failures_through() -> None:
    """addCallbacks(cb) with errback=None leaves a failure for the next errback."""
    d: Deferred[int] = Deferred()
    d.addCallbacks(lambda r: "not called")
    d.errback(ValueError("through"))
    assert _failure(d).value.args == ("through",)


def test_add_callback_extra_arguments_follow_the_result() -> None:
    """addCallback/addErrback/addBoth pass extra positional and keyword arguments."""
    seen: list[object] = []
    d: Deferred[int] = Deferred()

    def first(r: int, a: str, /, b: int = 0) -> None:
        seen.append((r, a, b))

    d.addCallback(first, "a", b=2)
    d.addCallback(_raise(KeyError()))
    d.addErrback(lambda f, x: seen.append((type(f.value), x)), "x")
    d.addBoth(lambda r, *a, **k: seen.append((r, a, k)), 1, z=2)
    d.callback(0)
    assert seen == [(0, "a", 2), (KeyError, "x"), (None, (1,), {"z": 2})]


def test_add_both_sees_results_and_failures() -> None:
    """addBoth's function gets the result on success and the Failure on failure."""
    seen: list[object] = []
    ok: Deferred[int] = Deferred()
    ok.addBoth(seen.append)
    ok.callback(1)
    bad: Deferred[int] = Deferred()
    bad.addBoth(lambda r: seen.append(type(r)))
    bad.errback(ValueError())
    assert seen == [1, Failure]


def test_callbacks_added_during_a_run_execute_in_the_same_pass() -> None:
    """A callback that adds callbacks to its own Deferred sees them run before callback()
    returns, after the callbacks already queued."""
    order: list[str] = []
    d: Deferred[int] = Deferred()

    def first(r: int) -> int:
        order.append("first")
        d.addCallback(lambda r: len(_note(order, f"added {r}")) and r + 1)
        return r + 1

    d.addCallback(first)
    d.addCallback(lambda r: len(_note(order, f"second {r}")) and r)
    d.callback(1)
    assert order == ["first", "second 2", "added 2"]
    assert d.result == 3


def test_called_result_and_paused_attributes() -> None:
    """called flips on the first fire; result holds the last value; paused counts pauses."""
    d: Deferred[str] = Deferred()
    assert d.called is False
    assert d.paused == 0
    d.pause()
    d.pause()
    assert d.paused == 2
    d.callback("x")
    assert d.called is True
    assert d.result == "x"


def test_pause_holds_callbacks_until_the_last_unpause() -> None:
    """A paused Deferred keeps its result; callbacks run only when every pause is undone."""
    seen: list[int] = []
    d: Deferred[int] = Deferred()
    d.addCallback(seen.append)
    d.pause()
    d.pause()
    d.callback(5)
    assert seen == []
    d.unpause()
    assert seen == []
    assert d.result == 5
    d.unpause()
    assert seen == [5]


def test_unpause_before_firing_runs_nothing() -> None:
    """unpause() on an unfired Deferred only lowers the count."""
    seen: list[int] = []
    d: Deferred[int] = Deferred()
    d.addCallback(seen.append)
    d.pause()
    d.unpause()
    assert seen == []
    assert d.paused == 0
    d.callback(1)
    assert seen == [1]


def test_chain_deferred_fires_the_other_deferred() -> None:
    """a.chainDeferred(b): b gets a's result or failure, and a's result becomes None."""
    a: Deferred[int] = Deferred()
    b: Deferred[int] = Deferred()
    returned: object = a.chainDeferred(b)
    assert returned is a
    a.callback(4)
    assert _result(b) == 4
    assert a.result is None
    c: Deferred[int] = Deferred()
    e: Deferred[int] = Deferred()
    c.chainDeferred(e)
    c.errback(ValueError("chained"))
    assert _failure(e).value.args == ("chained",)
    assert c.result is None


def test_chained_deferred_repr_waits_until_fired() -> None:
    """The target of chainDeferred says it waits on the source until it gets the result."""
    a: Deferred[int] = Deferred()
    b: Deferred[int] = Deferred()
    a.chainDeferred(b)
    assert repr(b) == f"<Deferred at 0x{id(b):x} waiting on Deferred at 0x{id(a):x}>"
    a.callback(1)
    assert repr(b) == f"<Deferred at 0x{id(b):x} current result: 1>"


def test_fired_chain_target_repr_shows_its_result() -> None:
    """A chainDeferred target fired directly (with no callbacks) shows its result, as Twisted."""
    a: Deferred[int] = Deferred()
    b: Deferred[int] = Deferred()
    a.chainDeferred(b)
    b.callback(2)
    assert repr(b) == f"<Deferred at 0x{id(b):x} current result: 2>"


# --- a callback returning a Deferred ----------------------------------------------------


def test_callback_returning_unfired_deferred_pauses_the_outer_chain() -> None:
    """The outer chain waits for the returned Deferred, then continues with its result;
    the inner Deferred's result becomes None."""
    seen: list[object] = []
    inner: Deferred[str] = Deferred()
    outer: Deferred[int] = Deferred()
    outer.addCallback(lambda _: inner)
    outer.addCallback(seen.append)
    outer.callback(0)
    assert seen == []
    assert outer.paused == 1
    waitingRepr = f"<Deferred at 0x{id(outer):x} waiting on Deferred at 0x{id(inner):x}>"
    assert repr(outer) == waitingRepr
    inner.callback("inner result")
    assert seen == ["inner result"]
    assert outer.paused == 0
    assert inner.result is None


def test_callback_returning_fired_deferred_takes_its_result_now() -> None:
    """A returned Deferred that already fired hands over its result at once (leaving None)."""
    inner = succeed("ready")
    outer: Deferred[int] = Deferred()
    outer.addCallback(lambda _: inner)
    outer.callback(0)
    assert outer.result == "ready"
    assert inner.result is None


def test_callback_returning_failed_deferred_continues_with_its_failure() -> None:
    """A returned failed Deferred makes the outer chain fail with the same Failure."""
    inner = fail(KeyError("inner"))
    failure = _failure_of_unconsumed(inner)
    outer: Deferred[int] = Deferred()
    outer.addCallback(lambda _: inner)
    outer.callback(0)
    assert _failure(outer) is failure
    assert inner.result is None


def _failure_of_unconsumed(d: Deferred[Any]) -> Failure:
    """A fired Deferred's current Failure, read without adding a callback."""
    assert isinstance(d.result, Failure)
    return d.result


def test_returned_deferred_that_is_paused_is_waited_for() -> None:
    """A returned Deferred that fired but is paused is waited on until it is unpaused."""
    inner = succeed("later")
    inner.pause()
    outer: Deferred[int] = Deferred()
    outer.addCallback(lambda _: inner)
    outer.callback(0)
    assert outer.paused == 1
    inner.unpause()
    assert outer.result == "later"
    assert inner.result is None


def test_returning_the_deferred_itself_warns() -> None:
    """A callback returning the Deferred it is attached to gets Twisted's DeprecationWarning,
    blamed on the callback's file."""
    d: Deferred[int] = Deferred()

    def selfish(_: object) -> Deferred[int]:
        return d

    d.addCallback(selfish)
    with pytest.warns(DeprecationWarning) as record:
        d.callback(1)
    assert [str(w.message) for w in record] == [
        "Callback returned the Deferred it was attached to; this breaks the callback chain "
        "and will raise an exception in the future."
    ]
    assert Path(record[0].filename).resolve() == Path(__file__).resolve()


def test_returning_itself_with_warnings_as_errors_fails_the_chain() -> None:
    """When that warning is an error, the chain fails with it and callback() returns normally,
    as in Twisted (the warning is raised inside the chain's exception handling)."""
    d: Deferred[int] = Deferred()
    d.addCallback(lambda _: d)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        d.callback(1)
    assert d.paused == 0
    assert _failure(d).check(DeprecationWarning) is DeprecationWarning


def test_a_hundred_thousand_chained_deferreds_fired_innermost_first() -> None:
    """Each of 100,000 Deferreds waits on the next (fired from the inside out); firing the
    last one resolves them all without RecursionError."""
    n = 100_000
    ds: list[Deferred[Any]] = [Deferred() for _ in range(n)]
    for outer, inner in itertools.pairwise(ds):
        outer.addCallback(_returns(inner))
    for d in reversed(ds[:-1]):
        d.callback(None)
    ds[-1].callback("deep")
    assert _result(ds[0]) == "deep"
    assert all(d.result is None for d in ds[1:])


def test_a_hundred_thousand_chained_deferreds_fired_outermost_first() -> None:
    """The same chain fired from the outside in works too, and a failure at the bottom
    travels up the 100,000 levels."""
    n = 100_000
    ds: list[Deferred[Any]] = [Deferred() for _ in range(n)]
    for outer, inner in itertools.pairwise(ds):
        outer.addCallback(_returns(inner))
    for d in ds[:-1]:
        d.callback(None)
    ds[-1].errback(ValueError("bottom"))
    assert _failure(ds[0]).value.args == ("bottom",)


def test_deep_chain_of_already_fired_deferreds() -> None:
    """A callback chain taking over 100,000 already-fired Deferreds runs in one pass."""
    d = succeed(0)
    for _ in range(100_000):
        d.addCallback(lambda r: succeed(r + 1))
    assert d.result == 100_000


# --- exceptions in the chain -----------------------------------------------------------


@pytest.mark.parametrize(
    "exc_type", [KeyboardInterrupt, SystemExit, asyncio.CancelledError, GeneratorExit]
)
def test_chain_catches_base_exceptions(exc_type: type[BaseException]) -> None:
    """A BaseException raised by a callback becomes a Failure; callback() does not raise."""
    d: Deferred[int] = Deferred()
    d.addCallback(_raise(exc_type("base")))
    d.callback(0)
    assert _failure(d).check(exc_type) is exc_type


def test_second_fire_raises_already_called() -> None:
    """callback or errback on a fired Deferred raises AlreadyCalledError; the result stays."""
    d = succeed(1)
    with pytest.raises(AlreadyCalledError):
        d.callback(2)
    with pytest.raises(AlreadyCalledError):
        d.errback(ValueError())
    assert d.result == 1
    e = fail(ValueError("first"))
    with pytest.raises(AlreadyCalledError):
        e.callback(2)
    assert _failure(e).value.args == ("first",)


def test_already_called_error_has_no_message_without_debugging() -> None:
    """Without debugging AlreadyCalledError carries no arguments, as Twisted's, whatever the
    Deferred's result."""
    for d in (succeed(1), fail(ValueError())):
        with pytest.raises(AlreadyCalledError) as info:
            d.callback(2)
        assert info.value.args == ()
        d.addErrback(lambda f: None)


def test_already_called_checked_before_the_result_type() -> None:
    """A fired Deferred given a Deferred to callback() raises AlreadyCalledError (Twisted)."""
    d = succeed(1)
    with pytest.raises(AlreadyCalledError):
        d.callback(Deferred())  # type: ignore[arg-type]


def test_debugging_switch() -> None:
    """setDebugging turns the class-wide switch on and off; getDebugging reads it."""
    before = getDebugging()
    try:
        setDebugging(True)
        assert getDebugging() is True
        setDebugging(False)
        assert getDebugging() is False
    finally:
        setDebugging(before)


def _createForDebugTest() -> Deferred[int]:
    return Deferred()


def _fireForDebugTest(d: Deferred[int]) -> None:
    d.callback(1)


@pytest.mark.usefixtures("debugging")
def test_debugging_puts_creation_and_first_call_stacks_in_already_called() -> None:
    """With debugging on, AlreadyCalledError shows where the Deferred was created and first
    fired, in Twisted's " C:"/" I:" format."""
    d = _createForDebugTest()
    _fireForDebugTest(d)
    with pytest.raises(AlreadyCalledError) as info:
        d.callback(2)
    message = str(info.value)
    created, _, invoked = message.partition(" I: First Invoker was:")
    assert " C: Deferred was created:" in created
    assert "_createForDebugTest" in created
    assert "_fireForDebugTest" not in created
    assert "_fireForDebugTest" in invoked
    assert all(line.startswith(" I:") for line in invoked.strip("\n").splitlines()[1:])


def test_without_debugging_no_stacks_in_already_called() -> None:
    """With debugging off, AlreadyCalledError says nothing about creation or invocation."""
    d = _createForDebugTest()
    _fireForDebugTest(d)
    with pytest.raises(AlreadyCalledError) as info:
        d.callback(2)
    assert "_createForDebugTest" not in str(info.value)


# --- cancellation -----------------------------------------------------------------------


def test_cancel_without_canceller_swallows_exactly_one_later_fire() -> None:
    """Without a canceller, cancel() errbacks with CancelledError and ignores the next
    callback or errback only; a second one raises AlreadyCalledError."""
    d: Deferred[int] = Deferred()
    d.cancel()
    assert _failure(d).check(CancelledError) is CancelledError
    d.callback(1)
    assert d.result is None
    with pytest.raises(AlreadyCalledError):
        d.callback(2)
    e: Deferred[int] = Deferred()
    e.cancel()
    e.addErrback(lambda f: None)
    e.errback(ValueError("swallowed"))
    with pytest.raises(AlreadyCalledError):
        e.errback(ValueError("not swallowed"))


def test_cancel_with_canceller_that_does_not_fire() -> None:
    """The canceller gets the Deferred; if it does not fire it, CancelledError follows, and
    no later fire is swallowed."""
    calls: list[Deferred[int]] = []
    d: Deferred[int] = Deferred(calls.append)
    d.cancel()
    assert calls == [d]
    assert _failure(d).check(CancelledError) is CancelledError
    with pytest.raises(AlreadyCalledError):
        d.callback(1)


def test_cancel_with_canceller_that_fires() -> None:
    """A canceller that fires the Deferred decides its result; no CancelledError."""
    d: Deferred[str] = Deferred(lambda d: d.callback("cancelled nicely"))
    d.cancel()
    assert _result(d) == "cancelled nicely"
    e: Deferred[str] = Deferred(lambda d: d.errback(KeyError("canceller")))
    e.cancel()
    assert _failure(e).check(KeyError) is KeyError


def test_cancel_is_forwarded_to_the_deferred_being_waited_on() -> None:
    """Cancelling a Deferred that waits on another cancels that one; the failure comes back."""
    cancelled: list[object] = []
    inner: Deferred[int] = Deferred(cancelled.append)
    outer: Deferred[int] = Deferred(lambda d: cancelled.append("outer canceller"))
    outer.addCallback(lambda _: inner)
    outer.callback(0)
    outer.cancel()
    assert cancelled == [inner]
    assert _failure(outer).check(CancelledError) is CancelledError
    assert inner.result is None


def test_cancel_is_a_no_op_once_fired() -> None:
    """cancel() on a fired Deferred (not waiting) neither calls the canceller nor changes it."""
    calls: list[object] = []
    d: Deferred[int] = Deferred(calls.append)
    d.callback(1)
    d.cancel()
    assert calls == []
    assert d.result == 1
    paused = succeed(2)
    paused.pause()
    paused.cancel()
    assert paused.result == 2


# --- garbage collection of unhandled failures ------------------------------------------


@pytest.mark.twistlike_allow_unhandled_errors
def test_unhandled_failure_is_logged_when_garbage_collected(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A Deferred collected with a Failure result logs "Unhandled error in Deferred:" and then
    the failure with its traceback through stdlib logging, at CRITICAL as in Twisted."""
    caplog.set_level(logging.ERROR)

    def exploding(_: object) -> None:
        raise ValueError("gc-unhandled-token-1")

    d: Deferred[int] = Deferred()
    d.addCallback(exploding)
    d.callback(0)
    del d
    records = _unhandled(caplog, "gc-unhandled-token-1")
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.CRITICAL
    assert record.name == "twistlike.defer"
    message = record.getMessage()
    assert "Traceback" in message
    assert "exploding" in message
    assert "ValueError" in message
    failure = getattr(record, FAILURE_ATTR)
    assert isinstance(failure, Failure)
    assert failure.value.args == ("gc-unhandled-token-1",)


@pytest.mark.twistlike_allow_unhandled_errors
def test_unhandled_failure_given_to_callback_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    """callback(aFailure) on a Deferred without callbacks leaves an unhandled error that is
    logged at garbage collection, as in Twisted."""
    caplog.set_level(logging.ERROR)
    d: Deferred[int] = Deferred()
    d.callback(Failure(ValueError("gc-unhandled-token-2")))
    del d
    assert len(_unhandled(caplog, "gc-unhandled-token-2")) == 1


def test_handled_failure_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    """A failure consumed by an errback, or taken over by a waiting Deferred whose errback
    handles it, is never logged."""
    caplog.set_level(logging.ERROR)
    d = fail(ValueError("gc-handled-token"))
    d.addErrback(lambda f: None)
    inner = fail(ValueError("gc-handled-token"))
    outer: Deferred[int] = Deferred()
    outer.addCallback(_returns(inner))
    outer.addErrback(lambda f: None)
    outer.callback(0)
    pending: Deferred[int] = Deferred()
    waiting: Deferred[int] = Deferred()
    waiting.addCallback(_returns(pending))
    waiting.addErrback(lambda f: None)
    waiting.callback(0)
    pending.errback(ValueError("gc-handled-token"))
    del d, inner, outer, pending, waiting
    assert _unhandled(caplog, "gc-handled-token") == []


@pytest.mark.twistlike_allow_unhandled_errors
def test_failure_passed_up_a_chain_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    """A failure handed from an inner Deferred to an unhandled outer one is logged once."""
    caplog.set_level(logging.ERROR)
    inner: Deferred[int] = Deferred()
    outer: Deferred[int] = Deferred()
    outer.addCallback(_returns(inner))
    outer.callback(0)
    inner.errback(ValueError("gc-once-token"))
    del inner, outer
    assert len(_unhandled(caplog, "gc-once-token")) == 1


def test_failure_keeps_its_traceback_after_the_chain_ends() -> None:
    """A Failure left at the end of a chain keeps its traceback: a later errback's
    raiseException() shows the callback that raised it, as in Twisted."""

    def explodingCallback(_: object) -> None:
        raise ValueError("kept")

    d: Deferred[int] = Deferred()
    d.addCallback(explodingCallback)
    d.callback(0)
    failure = _failure(d)
    with pytest.raises(ValueError) as info:
        failure.raiseException()
    assert "explodingCallback" in _names(info.value.__traceback__)


def test_awaiting_a_failed_deferred_raises_with_the_original_traceback() -> None:
    """``await`` on a Deferred that already failed raises the exception with the frames of
    the code that raised it (Twisted's behaviour)."""

    def explodingCallback(_: object) -> None:
        raise ValueError("awaited")

    d: Deferred[int] = Deferred()
    d.addCallback(explodingCallback)
    d.callback(0)
    names: list[str] = []

    async def reader() -> None:
        try:
            await d
        except ValueError as e:
            names.extend(_names(e.__traceback__))

    ensureDeferred(reader())
    assert "explodingCallback" in names
    d.addErrback(lambda f: None)


# --- repr -------------------------------------------------------------------------------


def _normalisedRepr(d: object, names: dict[int, str]) -> str:
    return re.sub(r"0x[0-9a-f]+", lambda m: names.get(int(m.group(), 16), "?"), repr(d))


def test_repr_formats_match_twisted() -> None:
    """repr (and str) read "<Deferred at 0x..>", "... current result: r" and "... waiting
    on Deferred at 0x..", exactly as Twisted's."""
    outputs = []
    for module in (twisted_defer, twistlike_defer):
        plain = module.Deferred()
        fired = module.succeed(3)
        inner = module.Deferred()
        waiting = module.Deferred()
        waiting.addCallback(_returns(inner))
        waiting.callback(None)
        names = {id(plain): "P", id(fired): "F", id(inner): "I", id(waiting): "W"}
        outputs.append(
            [_normalisedRepr(d, names) for d in (plain, fired, waiting)]
            + [str(fired) == repr(fired)]
        )
    assert (
        outputs[0]
        == outputs[1]
        == [
            "<Deferred at P>",
            "<Deferred at F current result: 3>",
            "<Deferred at W waiting on Deferred at I>",
            True,
        ]
    )


# --- helpers: succeed, fail, execute, maybeDeferred, passthru, logError ------------------


def test_succeed_and_fail() -> None:
    """succeed(x) has fired with x; fail(exc) has failed; fail() wraps the current exception."""
    assert _result(succeed("x")) == "x"
    assert _failure(fail(KeyError("k"))).check(KeyError) is KeyError
    try:
        raise OSError("now")
    except OSError:
        d = fail()
    assert _failure(d).value.args == ("now",)


def test_execute_calls_now() -> None:
    """execute() calls at once and gives a fired Deferred of the value or the exception."""

    def add(a: int, /, b: int = 0) -> int:
        return a + b

    assert _result(execute(add, 1, b=2)) == 3
    d = execute(_raise(ValueError("x")), None)
    assert _failure(d).value.args == ("x",)


def test_maybe_deferred_wraps_every_kind_of_outcome() -> None:
    """maybeDeferred: a value fires, an exception or Failure fails, a Deferred is returned
    as is, a coroutine is run."""

    def multiply(a: int, /, k: int = 0) -> int:
        return a * k

    assert _result(maybeDeferred(multiply, 2, k=3)) == 6
    assert _failure(maybeDeferred(_raise(KeyError("raised")), None)).check(KeyError)
    f = Failure(ValueError("returned"))
    assert _failure(maybeDeferred(lambda: f)) is f
    d: Deferred[int] = Deferred()
    assert maybeDeferred(lambda: d) is d

    async def coro(x: int) -> int:
        return x + 1

    assert _result(maybeDeferred(coro, 1)) == 2


def test_maybe_deferred_catches_base_exceptions() -> None:
    """maybeDeferred turns a BaseException from the function into a failed Deferred."""
    assert _failure(maybeDeferred(_raise(KeyboardInterrupt()), None)).check(KeyboardInterrupt)


def test_passthru_returns_its_argument() -> None:
    """passthru returns the very object it got; as a callback it changes nothing."""
    marker = object()
    assert passthru(marker) is marker
    assert _result(succeed(marker).addCallback(passthru)) is marker


@pytest.mark.twistlike_allow_unhandled_errors
def test_log_error_logs_and_keeps_failing(caplog: pytest.LogCaptureFixture) -> None:
    """logError logs the failure through stdlib logging and returns it, so the chain still
    fails."""
    caplog.set_level(logging.ERROR)
    d = fail(ValueError("logError-token"))
    d.addErrback(logError)
    f = _failure(d)
    records = [r for r in caplog.records if getattr(r, FAILURE_ATTR, None) is f]
    assert len(records) == 1
    assert "logError-token" in records[0].getMessage()
    assert records[0].levelno == logging.ERROR


# --- addTimeout -------------------------------------------------------------------------


def test_add_timeout_times_out_with_timeout_error() -> None:
    """When the clock passes the timeout the Deferred is cancelled and fails with
    TimeoutError(timeout, "Deferred")."""
    clock = Clock()
    d: Deferred[int] = Deferred()
    assert d.addTimeout(5, clock) is d
    clock.advance(4)
    assert not d.called
    clock.advance(1)
    failure = _failure(d)
    assert failure.check(TimeoutError) is TimeoutError
    assert failure.value.args == (5, "Deferred")


def test_add_timeout_fired_in_time_cancels_the_timer() -> None:
    """A Deferred that fires in time keeps its result and its timer is cancelled."""
    clock = Clock()
    d: Deferred[int] = Deferred()
    d.addTimeout(5, clock)
    d.callback(1)
    assert clock.getDelayedCalls() == []
    clock.advance(10)
    assert _result(d) == 1


def test_add_timeout_on_timeout_cancel_decides() -> None:
    """onTimeoutCancel(result, timeout) gets the CancelledError failure and its value wins."""
    clock = Clock()
    seen: list[object] = []

    def onTimeout(result: object, timeout: float) -> str:
        assert isinstance(result, Failure)
        seen.append((type(result.value), timeout))
        return "timed out"

    d: Deferred[str] = Deferred()
    d.addTimeout(2, clock, onTimeoutCancel=onTimeout)
    clock.advance(2)
    assert seen == [(CancelledError, 2)]
    assert _result(d) == "timed out"


def test_add_timeout_with_a_canceller_that_fires() -> None:
    """If the canceller fires the Deferred with a value on timeout, that value is kept."""
    clock = Clock()
    d: Deferred[str] = Deferred(lambda d: d.callback("canceller's"))
    d.addTimeout(1, clock)
    clock.advance(1)
    assert _result(d) == "canceller's"


def test_add_timeout_only_converts_its_own_cancellation() -> None:
    """A cancel() by someone else before the timeout gives CancelledError, not TimeoutError."""
    clock = Clock()
    d: Deferred[int] = Deferred()
    d.addTimeout(1, clock)
    d.cancel()
    assert _failure(d).check(CancelledError) is CancelledError
    assert clock.getDelayedCalls() == []


# --- inlineCallbacks --------------------------------------------------------------------


def test_inline_callbacks_returns_and_waits() -> None:
    """The generator runs at once, waits on unfired Deferreds, and ``return x`` fires its
    Deferred with x."""
    gate: Deferred[int] = Deferred()
    steps: list[object] = []

    @inlineCallbacks
    def gen(a: int) -> Generator[Deferred[int], int, int]:
        steps.append("started")
        x = yield succeed(a)
        y = yield gate
        steps.append((x, y))
        return x + y

    d = gen(1)
    assert steps == ["started"]
    assert not d.called
    gate.callback(10)
    assert steps == ["started", (1, 10)]
    assert_type(d, Deferred[int])
    assert _result(d) == 11
    assert gate.result is None


def test_inline_callbacks_failure_is_raised_at_the_yield() -> None:
    """A failing Deferred raises its exception inside the generator; escaping exceptions
    fail the returned Deferred."""
    caught: list[object] = []

    @inlineCallbacks
    def gen() -> Generator[Deferred[object], object, None]:
        try:
            yield fail(KeyError("inside"))
        except KeyError as e:
            caught.append(e.args)
        yield succeed(None)
        raise ValueError("out")

    d = gen()
    assert caught == [("inside",)]
    assert _failure(d).value.args == ("out",)


def test_inline_callbacks_sends_back_plain_values() -> None:
    """Yielding something that is not a Deferred sends it straight back."""

    @inlineCallbacks
    def gen() -> Generator[object, object, object]:
        x = yield 5
        return x

    assert _result(gen()) == 5


def test_inline_callbacks_runs_a_yielded_coroutine() -> None:
    """Yielding a coroutine runs it and sends back its result."""

    async def coro() -> int:
        return await succeed(41) + 1

    @inlineCallbacks
    def gen() -> Generator[object, object, object]:
        x = yield coro()
        return x

    assert _result(gen()) == 42


def test_inline_callbacks_runs_a_yielded_generator() -> None:
    """Yielding a generator runs it like an inlineCallbacks generator, as Twisted does."""

    def helper() -> Generator[Deferred[int], int, int]:
        x = yield succeed(2)
        return x * 10

    @inlineCallbacks
    def gen() -> Generator[object, object, object]:
        x = yield helper()
        return x

    assert _result(gen()) == 20


def test_inline_callbacks_return_value_is_deprecated_but_works() -> None:
    """returnValue(x) still fires the Deferred with x, with a DeprecationWarning."""

    @inlineCallbacks
    def gen() -> Generator[Deferred[int], int, None]:
        yield succeed(1)
        returnValue(7)

    with pytest.deprecated_call():
        d = gen()
    assert _result(d) == 7


def test_inline_callbacks_requires_a_generator() -> None:
    """Decorating a function that returns no generator raises TypeError when called."""

    def notAGenerator() -> int:
        return 1

    # Statically, inlineCallbacks only takes generator functions: go through Any.
    untyped: Any = notAGenerator
    with pytest.raises(TypeError, match="generator"):
        inlineCallbacks(untyped)()


def test_inline_callbacks_deep_synchronous_yields() -> None:
    """100,000 yields of fired Deferreds do not grow the stack."""

    @inlineCallbacks
    def gen() -> Generator[Deferred[int], int, int]:
        total = 0
        for i in range(100_000):
            total += yield succeed(i)
        return total

    assert _result(gen()) == sum(range(100_000))


def test_inline_callbacks_resumed_deeply_from_fired_deferreds() -> None:
    """A generator resumed 10,000 times by Deferreds it fires itself does not recurse."""
    pending: list[Deferred[int]] = []

    @inlineCallbacks
    def gen() -> Generator[Deferred[int], int, int]:
        count = 0
        for _ in range(10_000):
            d: Deferred[int] = Deferred()
            pending.append(d)
            count += yield d
        return count

    result = gen()
    while pending:
        pending.pop().callback(1)
    assert _result(result) == 10_000


def test_inline_callbacks_cancel_is_forwarded() -> None:
    """Cancelling the returned Deferred cancels the one being waited on; the generator sees
    CancelledError at its yield and may recover."""
    cancelled: list[object] = []
    inner: Deferred[int] = Deferred(cancelled.append)

    @inlineCallbacks
    def gen() -> Generator[Deferred[int], int, str]:
        try:
            yield inner
        except CancelledError:
            return "recovered"
        return "not cancelled"

    d = gen()
    d.cancel()
    assert cancelled == [inner]
    assert _result(d) == "recovered"


def test_inline_callbacks_cancel_not_caught() -> None:
    """If the generator lets CancelledError escape, its Deferred fails with it."""

    @inlineCallbacks
    def gen() -> Generator[Deferred[int], int, None]:
        yield Deferred()

    d = gen()
    d.cancel()
    assert _failure(d).check(CancelledError) is CancelledError


_var: contextvars.ContextVar[str] = contextvars.ContextVar("_var", default="unset")


def test_inline_callbacks_runs_in_a_copied_context() -> None:
    """The generator sees the caller's context values; what it sets does not leak out."""
    gate: Deferred[None] = Deferred()
    seen: list[str] = []

    @inlineCallbacks
    def gen() -> Generator[Deferred[None], None, None]:
        seen.append(_var.get())
        _var.set("inside")
        yield gate
        seen.append(_var.get())

    token = _var.set("outside")
    try:
        gen()
        assert _var.get() == "outside"
        gate.callback(None)
        assert _var.get() == "outside"
    finally:
        _var.reset(token)
    assert seen == ["outside", "inside"]


# --- coroutines: ensureDeferred and fromCoroutine without a loop ------------------------


def test_ensure_deferred_starts_synchronously_and_resumes_on_fire() -> None:
    """The coroutine runs up to its first wait at once, and resumes inside callback()."""
    gate: Deferred[int] = Deferred()
    steps: list[object] = []

    async def coro() -> int:
        steps.append("started")
        x = await gate
        steps.append(x)
        return x * 2

    d = ensureDeferred(coro())
    assert_type(d, Deferred[int])
    assert steps == ["started"]
    assert not d.called
    gate.callback(21)
    assert steps == ["started", 21]
    assert _result(d) == 42
    assert gate.result is None


def test_from_coroutine_raises_failures_at_await_and_fails_on_escape() -> None:
    """A failed Deferred raises its exception at ``await``; an escaping one fails the result."""
    caught: list[object] = []

    async def coro() -> None:
        try:
            await fail(KeyError("awaited"))
        except KeyError as e:
            caught.append(e.args)
        raise ValueError("escaped")

    d = Deferred.fromCoroutine(coro())
    assert caught == [("awaited",)]
    assert _failure(d).value.args == ("escaped",)


def test_ensure_deferred_returns_a_deferred_unchanged() -> None:
    """ensureDeferred(d) is d."""
    d: Deferred[int] = Deferred()
    assert ensureDeferred(d) is d


def test_not_a_coroutine() -> None:
    """ensureDeferred and fromCoroutine reject other objects with NotACoroutineError."""
    assert issubclass(NotACoroutineError, TypeError)
    with pytest.raises(NotACoroutineError):
        ensureDeferred(5)  # type: ignore[call-overload]
    with pytest.raises(NotACoroutineError):
        Deferred.fromCoroutine(lambda: None)  # type: ignore[arg-type]


def test_from_coroutine_drives_a_generator_like_inline_callbacks() -> None:
    """fromCoroutine and ensureDeferred accept a generator and drive it as inlineCallbacks
    does: yielded Deferreds are waited on and other yielded values are sent back (Twisted)."""

    def gen() -> Generator[object, Any, int]:
        x = yield 5
        y = yield succeed(2)
        return int(x) + int(y)

    assert _result(Deferred.fromCoroutine(gen())) == 7
    assert _result(ensureDeferred(gen())) == 7


def test_coroutine_cancel_is_forwarded_to_the_awaited_deferred() -> None:
    """Cancelling the coroutine's Deferred cancels the awaited Deferred; the coroutine gets
    Twisted's CancelledError at the await and may recover."""
    cancelled: list[object] = []
    inner: Deferred[int] = Deferred(cancelled.append)

    async def coro() -> str:
        try:
            await inner
        except CancelledError:
            return "recovered"
        return "not cancelled"

    d = ensureDeferred(coro())
    d.cancel()
    assert cancelled == [inner]
    assert _result(d) == "recovered"


def test_coroutine_cancel_not_caught() -> None:
    """An escaping CancelledError fails the coroutine's Deferred with CancelledError."""

    async def coro() -> None:
        await Deferred()

    d = ensureDeferred(coro())
    d.cancel()
    assert _failure(d).check(CancelledError) is CancelledError


def test_coroutine_cancelling_its_own_deferred_while_running_gets_its_result() -> None:
    """A coroutine that cancels its own Deferred while it runs (after an earlier await)
    still delivers its return value, as in Twisted."""
    results = []
    for module in (twisted_defer, twistlike_defer):
        trigger = module.Deferred()
        holder: list[Any] = []

        async def coro(trigger: Any = trigger, holder: list[Any] = holder) -> int:
            await trigger
            holder[0].cancel()
            return 2

        holder.append(module.Deferred.fromCoroutine(coro()))
        trigger.callback(None)
        out: list[object] = []
        holder[0].addBoth(out.append)
        results.append(out)
    assert results[0] == [2]
    assert results[1] == results[0]


def test_coroutine_runs_in_a_copied_context() -> None:
    """The coroutine sees the caller's context values; what it sets does not leak out."""
    gate: Deferred[None] = Deferred()
    seen: list[str] = []

    async def coro() -> None:
        seen.append(_var.get())
        _var.set("inside")
        await gate
        seen.append(_var.get())

    token = _var.set("outside")
    try:
        ensureDeferred(coro())
        gate.callback(None)
        assert _var.get() == "outside"
    finally:
        _var.reset(token)
    assert seen == ["outside", "inside"]


def test_coroutine_deep_synchronous_awaits() -> None:
    """100,000 awaits of fired Deferreds, and 10,000 of Deferreds fired later one by one,
    do not grow the stack."""

    async def fired() -> int:
        total = 0
        for i in range(100_000):
            total += await succeed(i)
        return total

    assert _result(ensureDeferred(fired())) == sum(range(100_000))
    pending: list[Deferred[int]] = []

    async def later() -> int:
        total = 0
        for _ in range(10_000):
            d: Deferred[int] = Deferred()
            pending.append(d)
            total += await d
        return total

    result = ensureDeferred(later())
    while pending:
        pending.pop().callback(1)
    assert _result(result) == 10_000


# --- typing -----------------------------------------------------------------------------


def _format(value: int, prefix: str, /, *, suffix: str = "") -> str:
    return f"{prefix}{value}{suffix}"


def _recover(failure: Failure, default: int, /) -> int:
    return default


def _toBytes(value: str, /) -> Deferred[bytes]:
    return succeed(value.encode())


def _describe(result: int | Failure, /) -> str:
    return "failure" if isinstance(result, Failure) else "value"


def _length(result: str | Failure, /) -> int:
    return -1 if isinstance(result, Failure) else len(result)


def _needsPrefix(d: Deferred[int], prefix: str) -> Deferred[str]:
    # Type-checks only because addCallback's ParamSpec ties ``prefix`` to _format's second
    # parameter and infers Deferred[str] from its return type.
    return d.addCallback(_format, prefix)


def test_static_types_of_deferred_chains() -> None:
    """Deferred[T] is generic and addCallback & co. infer the next type from the callback
    (mypy --strict checks the assert_type calls; they also run)."""
    d: Deferred[int] = Deferred()
    assert_type(d, Deferred[int])
    formatted = assert_type(d.addCallback(_format, "n=", suffix="!"), Deferred[str])
    encoded = assert_type(formatted.addCallback(_toBytes), Deferred[bytes])
    d.callback(1)
    assert _result(encoded) == b"n=1!"
    e = fail(ValueError())
    assert_type(e, Deferred[Any])
    e.addErrback(lambda f: None)
    i: Deferred[int] = Deferred()
    recovered = assert_type(i.addErrback(_recover, 5), Deferred[int])
    described = assert_type(_needsPrefix(Deferred(), "p").addBoth(_length), Deferred[int])
    assert_type(recovered.addBoth(_describe), Deferred[str])
    i.errback(ValueError())
    assert _result(recovered) == "value"
    assert not described.called
    assert_type(succeed("s"), Deferred[str])
    assert_type(execute(_format, 1, "x"), Deferred[str])
    assert_type(maybeDeferred(_toBytes, "x"), Deferred[bytes])
    assert_type(maybeDeferred(_format, 1, "x"), Deferred[str])

    async def coro(x: int) -> float:
        return x / 2

    assert_type(ensureDeferred(coro(1)), Deferred[float])
    assert_type(Deferred.fromCoroutine(coro(1)), Deferred[float])


def _mypy(tmp_path: Path, source: str) -> dict[int, str]:
    """Run ``mypy --strict`` on ``source``; return its error messages by line number."""
    from mypy import api

    path = tmp_path / "snippet.py"
    path.write_text(source)
    stdout, stderr, status = api.run(
        ["--strict", "--no-error-summary", f"--cache-dir={tmp_path / 'cache'}", str(path)]
    )
    assert status in (0, 1), stderr
    errors: dict[int, str] = {}
    for line in stdout.splitlines():
        match = re.match(rf"{re.escape(str(path))}:(\d+): error: (.*)", line)
        if match:
            errors.setdefault(int(match.group(1)), match.group(2))
    return errors


def _marked(source: str) -> set[int]:
    """Line numbers of ``source`` ending with the marker comment ``# error``."""
    return {n for n, line in enumerate(source.splitlines(), 1) if line.endswith("# error")}


_WRONG_CALLS = """
from twistlike.defer import Deferred, execute, maybeDeferred
from twistlike.failure import Failure


def fmt(value: int, prefix: str, /, *, suffix: str = "") -> str:
    return prefix + str(value) + suffix


def recover(failure: Failure, default: int, /) -> int:
    return default


d: Deferred[int] = Deferred()
s: Deferred[str] = Deferred()
d.addCallback(fmt, "ok")
d.addCallback(fmt, "ok", suffix="ok")
d.addErrback(recover, 1)
d.addCallback(fmt, 1)  # error
d.addCallback(fmt)  # error
d.addCallback(fmt, "ok", suffix=2)  # error
d.addCallback(fmt, "ok", nope=1)  # error
s.addCallback(fmt, "ok")  # error
d.addErrback(recover, "1")  # error
execute(fmt, 1)  # error
maybeDeferred(fmt, "1", "ok")  # error
"""


def test_mypy_rejects_wrong_extra_arguments(tmp_path: Path) -> None:
    """mypy --strict rejects extra arguments that do not fit the callback (ParamSpec), and
    accepts the right ones."""
    assert set(_mypy(tmp_path, _WRONG_CALLS)) == _marked(_WRONG_CALLS)


_INLINE_CALLBACKS_TYPES = """
from collections.abc import Generator
from typing import Any, assert_type

from twistlike.defer import Deferred, inlineCallbacks, succeed


@inlineCallbacks
def typical(a: int) -> Generator[Deferred[Any], Any, str]:
    yield succeed(a)
    return ""


@inlineCallbacks
def exact(a: int) -> Generator[Deferred[int], int, str]:
    yield succeed(a)
    return ""


assert_type(exact(1), Deferred[str])
assert_type(typical(1), Deferred[str])
typical("1")  # error
exact("1")  # error
"""


def test_mypy_types_inline_callbacks_functions(tmp_path: Path) -> None:
    """An inlineCallbacks function is typed from its generator's return type and its
    parameters, also with the usual ``Generator[Deferred[Any], Any, T]`` annotation."""
    errors = _mypy(tmp_path, _INLINE_CALLBACKS_TYPES)
    assert set(errors) == _marked(_INLINE_CALLBACKS_TYPES)
    assert all("[arg-type]" in message for message in errors.values()), errors

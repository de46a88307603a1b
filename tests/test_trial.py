"""Tests for twistlike.trial: SynchronousTestCase and TestCase.

Each test defines small trial test cases inside itself (so pytest does not collect them), runs
them with unittest's own runner and looks at the result; some run the same cases on real
Twisted's trial and compare the outcomes.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import os
import subprocess
import sys
import textwrap
import unittest
import warnings
import weakref
from collections.abc import Generator
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import pytest
import uvloop
from twisted.internet import defer as tdefer
from twisted.internet import reactor as treactor
from twisted.internet import task as ttask
from twisted.python import log as tlog
from twisted.trial import reporter as treporter
from twisted.trial import unittest as tunittest

from twistlike import defer, log, task, trial
from twistlike import reactor as reactor
from twistlike.defer import Deferred, fail, succeed
from twistlike.failure import Failure
from twistlike.protocol import Factory, Protocol

# --------------------------------------------------------------------------------------------
# Helpers


def run(case: type[unittest.TestCase], name: str = "test") -> unittest.TestResult:
    """Run one test of ``case`` with unittest's plain result object."""
    result = unittest.TestResult()
    case(name).run(result)
    return result


def kind(result: unittest.TestResult) -> str:
    """Summarise a one-test result as one word (several problems are joined with '+')."""
    kinds = (
        ["failure"] * len(result.failures)
        + ["error"] * len(result.errors)
        + ["skip"] * len(result.skipped)
        + ["xfail"] * len(result.expectedFailures)
        + ["xpass"] * len(result.unexpectedSuccesses)
    )
    return "+".join(kinds) if kinds else "success"


def texts(result: unittest.TestResult) -> str:
    """All failure and error tracebacks of a result, as one string."""
    return "\n".join(text for _, text in result.failures + result.errors)


# --------------------------------------------------------------------------------------------
# successResultOf, failureResultOf, assertNoResult


def test_success_result_of_returns_the_result_and_consumes_it() -> None:
    """successResultOf returns a fired Deferred's result and leaves None in the Deferred."""
    case = trial.SynchronousTestCase()
    d = succeed("value")
    assert case.successResultOf(d) == "value"
    assert d.result is None


def test_success_result_of_fails_without_result_or_with_failure() -> None:
    """successResultOf raises failureException for a pending or a failed Deferred."""
    case = trial.SynchronousTestCase()
    with pytest.raises(trial.FailTest, match="found no result instead"):
        case.successResultOf(Deferred())
    with pytest.raises(trial.FailTest, match="found failure result instead") as info:
        case.successResultOf(fail(ValueError("oops")))
    assert "ValueError: oops" in str(info.value)


def test_success_result_of_runs_a_coroutine() -> None:
    """successResultOf accepts a coroutine, run with ensureDeferred."""

    async def coro() -> int:
        return await succeed(7) + 1

    assert trial.SynchronousTestCase().successResultOf(coro()) == 8


def test_failure_result_of_returns_the_failure_of_an_expected_type() -> None:
    """failureResultOf returns the Failure, consumed, when its type is among the expected."""
    case = trial.SynchronousTestCase()
    d = fail(KeyError("k"))
    failure = case.failureResultOf(d, ValueError, KeyError)
    assert isinstance(failure, Failure)
    assert failure.check(KeyError)
    assert d.result is None


def test_failure_result_of_fails_on_wrong_type_success_or_no_result() -> None:
    """failureResultOf raises failureException for another type, a success, or no result."""
    case = trial.SynchronousTestCase()
    with pytest.raises(trial.FailTest, match=r"builtins\.ValueError"):
        case.failureResultOf(fail(KeyError("k")), ValueError)
    with pytest.raises(trial.FailTest, match=r"found success result \(1\) instead"):
        case.failureResultOf(succeed(1))
    with pytest.raises(trial.FailTest, match="found no result instead"):
        case.failureResultOf(Deferred())


def test_assert_no_result_leaves_a_pending_deferred_alone() -> None:
    """assertNoResult passes on a pending Deferred, which later fires normally."""
    case = trial.SynchronousTestCase()
    d: Deferred[int] = Deferred()
    case.assertNoResult(d)
    d.callback(3)
    assert case.successResultOf(d) == 3


def test_assert_no_result_fails_and_swallows_a_failure() -> None:
    """assertNoResult fails on a fired Deferred and consumes a failure result."""
    case = trial.SynchronousTestCase()
    with pytest.raises(trial.FailTest, match="No result expected"):
        case.assertNoResult(succeed(1))
    d = fail(ValueError())
    with pytest.raises(trial.FailTest):
        case.assertNoResult(d)
    assert d.result is None


# --------------------------------------------------------------------------------------------
# Assertions


def test_every_trial_assertion_name_exists() -> None:
    """Every assert*/fail* name of Twisted's SynchronousTestCase exists here too."""
    names = {
        name
        for name in dir(tunittest.SynchronousTestCase)
        if name.startswith(("assert", "fail")) and not name.startswith("failureException")
    }
    missing = {name for name in names if not hasattr(trial.SynchronousTestCase, name)}
    assert missing == set()
    twisted_async = {n for n in dir(tunittest.TestCase) if n.startswith(("assert", "fail"))}
    assert {n for n in twisted_async if not hasattr(trial.TestCase, n)} == set()


def test_fail_raises_fail_test() -> None:
    """fail() and the assertions raise FailTest, an AssertionError, the failureException."""
    case = trial.SynchronousTestCase()
    assert case.failureException is trial.FailTest
    assert issubclass(trial.FailTest, AssertionError)
    with pytest.raises(trial.FailTest, match="boom"):
        case.fail("boom")
    with pytest.raises(trial.FailTest):
        case.assertEqual(1, 2)


def test_assert_raises_returns_the_exception() -> None:
    """assertRaises(exc, f, *args) returns the exception f raised (trial's form)."""
    case = trial.SynchronousTestCase()
    e = case.assertRaises(ValueError, int, "x")
    assert isinstance(e, ValueError)
    empty: dict[str, int] = {}
    assert case.failUnlessRaises(KeyError, empty.__getitem__, "k").args == ("k",)


def test_assert_raises_fails_on_no_exception_or_another_one() -> None:
    """assertRaises fails when f returns, and when f raises a different exception."""
    case = trial.SynchronousTestCase()
    with pytest.raises(trial.FailTest, match=r"not raised \(3 returned\)"):
        case.assertRaises(ValueError, lambda: 3)
    with pytest.raises(trial.FailTest, match="raised instead of"):
        case.assertRaises(ValueError, lambda: 1 // 0)


def test_assert_raises_context_manager_form() -> None:
    """With no function, assertRaises is unittest's context manager."""
    case = trial.SynchronousTestCase()
    with case.assertRaises(ZeroDivisionError) as cm:
        1 // 0
    assert isinstance(cm.exception, ZeroDivisionError)


def test_substring_and_approximates() -> None:
    """assertSubstring, assertNotSubstring and assertApproximates behave as trial's."""
    case = trial.SynchronousTestCase()
    case.assertSubstring("ell", "hello")
    case.failIfSubstring("xyz", "hello")
    with pytest.raises(trial.FailTest):
        case.assertSubstring("xyz", "hello")
    with pytest.raises(trial.FailTest):
        case.assertNotSubstring("ell", "hello")
    assert case.assertApproximates(1.0, 1.05, 0.1) == 1.0
    with pytest.raises(trial.FailTest, match="~=="):
        case.assertApproximates(1.0, 2.0, 0.1)


def test_is_instance_assertions_take_trials_message() -> None:
    """assertIsInstance adds trial's message suffix; assertNotIsInstance fails on a match."""
    case = trial.SynchronousTestCase()
    case.assertIsInstance(1, int)
    with pytest.raises(trial.FailTest, match=r"is not an instance of .*: because"):
        case.assertIsInstance(1, str, "because")
    with pytest.raises(trial.FailTest, match="is an instance of"):
        case.failIfIsInstance(1, int)


def test_aliases_do_not_warn() -> None:
    """Trial's old spellings work without the deprecation warnings unittest attaches."""
    case = trial.SynchronousTestCase()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        case.assertEquals(1, 1)
        case.failUnlessEqual(1, 1)
        case.assertNotEquals(1, 2)
        case.failIfEqual(1, 2)
        case.assertIdentical(None, None)
        case.assertNotIdentical(1, None)
        case.failUnless(True)
        case.failIf(False)
        case.assertNot(False)
        case.failUnlessIn(1, [1])
        case.failIfIn(2, [1])
        case.assertAlmostEquals(1.0, 1.0)
        case.failIfAlmostEqual(1.0, 2.0)


def _warns(value: int) -> int:
    warnings.warn("deprecated thing", DeprecationWarning, stacklevel=1)
    return value * 2


def test_assert_warns_trial_form_returns_the_result() -> None:
    """assertWarns(category, message, filename, f, *args) checks the warning, returns f's result."""
    case = trial.SynchronousTestCase()
    assert case.assertWarns(DeprecationWarning, "deprecated thing", __file__, _warns, 4) == 8


def test_assert_warns_trial_form_checks_message_category_and_file() -> None:
    """assertWarns fails for no warning, another message, another category or another file."""
    case = trial.SynchronousTestCase()
    with pytest.raises(trial.FailTest, match="No warnings emitted"):
        case.assertWarns(DeprecationWarning, "x", __file__, lambda: None)
    with pytest.raises(trial.FailTest):
        case.assertWarns(DeprecationWarning, "other message", __file__, _warns, 1)
    with pytest.raises(trial.FailTest):
        case.assertWarns(UserWarning, "deprecated thing", __file__, _warns, 1)
    with pytest.raises(trial.FailTest, match="Warning in"):
        case.assertWarns(DeprecationWarning, "deprecated thing", "/elsewhere.py", _warns, 1)


def test_assert_warns_unittest_forms_still_work() -> None:
    """unittest's context-manager and callable forms of assertWarns keep working."""
    case = trial.SynchronousTestCase()
    with case.assertWarns(DeprecationWarning) as cm:
        _warns(1)
    assert str(cm.warning) == "deprecated thing"
    case.assertWarns(DeprecationWarning, _warns, 1)
    with pytest.raises(trial.FailTest), case.assertWarns(UserWarning):
        pass


# --------------------------------------------------------------------------------------------
# Running SynchronousTestCase


def test_fixtures_and_cleanups_run_in_trials_order() -> None:
    """setUp, the test, cleanups (last added first), then tearDown: trial's order."""
    events: list[str] = []

    class Case(trial.SynchronousTestCase):
        def setUp(self) -> None:
            events.append("setUp")
            self.addCleanup(events.append, "cleanup 1")

        def test(self) -> None:
            events.append("test")
            self.addCleanup(events.append, "cleanup 2")

        def tearDown(self) -> None:
            events.append("tearDown")

    assert kind(run(Case)) == "success"
    assert events == ["setUp", "test", "cleanup 2", "cleanup 1", "tearDown"]


def test_failing_setup_skips_test_and_teardown_but_runs_cleanups() -> None:
    """If setUp fails, the test and tearDown do not run; cleanups added so far do."""
    events: list[str] = []

    class Case(trial.SynchronousTestCase):
        def setUp(self) -> None:
            self.addCleanup(events.append, "cleanup")
            raise RuntimeError("setUp broke")

        def test(self) -> None:
            events.append("test")

        def tearDown(self) -> None:
            events.append("tearDown")

    result = run(Case)
    assert kind(result) == "error"
    assert "setUp broke" in texts(result)
    assert events == ["cleanup"]


def test_failures_and_errors_are_told_apart() -> None:
    """An assertion failure is a failure; any other exception is an error."""

    class Case(trial.SynchronousTestCase):
        def test_fail(self) -> None:
            self.assertEqual(1, 2)

        def test_error(self) -> None:
            raise KeyError("k")

    assert kind(run(Case, "test_fail")) == "failure"
    assert kind(run(Case, "test_error")) == "error"


def test_failing_cleanup_is_an_error() -> None:
    """A cleanup that raises makes the test an error; the other cleanups still run."""
    ran: list[int] = []

    class Case(trial.SynchronousTestCase):
        def test(self) -> None:
            self.addCleanup(ran.append, 1)
            self.addCleanup(lambda: 1 // 0)

    result = run(Case)
    assert kind(result) == "error"
    assert "ZeroDivisionError" in texts(result)
    assert ran == [1]


def test_generator_test_method_is_an_error() -> None:
    """A test method that is a generator function would never run: an error, as in trial."""

    class Case(trial.SynchronousTestCase):
        def test(self) -> Generator[None, None, None]:
            yield None

    result = run(Case)
    assert kind(result) == "error"
    assert "generator function" in texts(result)


def test_return_values_are_ignored() -> None:
    """A SynchronousTestCase test's return value is ignored (no unittest deprecation warning)."""

    class Case(trial.SynchronousTestCase):
        def test(self) -> int:
            return 3

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kind(run(Case)) == "success"


def test_skip_attribute_on_method_class_and_module() -> None:
    """A skip attribute on the method, the class, or the module skips the test."""

    class OnMethod(trial.SynchronousTestCase):
        def test(self) -> None:
            raise AssertionError("ran")

        test.skip = "method reason"  # type: ignore[attr-defined]

    class OnClass(trial.SynchronousTestCase):
        skip = "class reason"

        def test(self) -> None:
            raise AssertionError("ran")

    result = run(OnMethod)
    assert kind(result) == "skip"
    assert result.skipped[0][1] == "method reason"
    assert run(OnClass).skipped[0][1] == "class reason"

    module = ModuleType("fake_test_module")
    module.skip = "module reason"  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    try:
        OnModule = type(
            "OnModule",
            (trial.SynchronousTestCase,),
            {"__module__": module.__name__, "test": lambda self: None},
        )
        assert run(OnModule).skipped[0][1] == "module reason"
    finally:
        del sys.modules[module.__name__]


def test_todo_attribute_makes_expected_and_unexpected_outcomes() -> None:
    """todo: a failing test is an expected failure, a passing one an unexpected success."""

    class Case(trial.SynchronousTestCase):
        todo = "not done yet"

        def test_fails(self) -> None:
            self.fail("as expected")

        def test_passes(self) -> None:
            pass

    assert kind(run(Case, "test_fails")) == "xfail"
    assert kind(run(Case, "test_passes")) == "xpass"


def test_todo_with_error_types_expects_only_those() -> None:
    """A todo of (errors, reason) expects only those errors; another one is an error."""

    class Case(trial.SynchronousTestCase):
        todo = (ValueError, "only ValueError")

        def test_expected(self) -> None:
            raise ValueError()

        def test_other(self) -> None:
            raise KeyError()

    assert kind(run(Case, "test_expected")) == "xfail"
    assert kind(run(Case, "test_other")) == "error"


def test_make_todo() -> None:
    """makeTodo accepts a reason or an (errors, reason) pair and rejects anything else."""
    assert trial.makeTodo("r").reason == "r"
    todo = trial.makeTodo(([ValueError, KeyError], "r"))
    assert todo.expected(Failure(KeyError()))
    assert not todo.expected(Failure(OSError()))
    with pytest.raises(TypeError):
        trial.makeTodo(3)  # type: ignore[arg-type]


def test_patch_is_undone_after_the_test() -> None:
    """patch() sets the attribute during the test and restores it afterwards."""

    class Target:
        value = "original"

    seen: list[str] = []

    class Case(trial.SynchronousTestCase):
        def test(self) -> None:
            patcher = self.patch(Target, "value", "patched")
            seen.append(Target.value)
            patcher.restore()
            seen.append(Target.value)
            patcher.patch()
            seen.append(Target.value)

    assert kind(run(Case)) == "success"
    assert seen == ["patched", "original", "patched"]
    assert Target.value == "original"


def test_mktemp_gives_unique_fresh_paths() -> None:
    """mktemp returns different paths whose parent exists and which do not exist yet."""
    paths: list[str] = []

    class Case(trial.SynchronousTestCase):
        def test(self) -> None:
            paths.append(self.mktemp())
            paths.append(self.mktemp())

    assert kind(run(Case)) == "success"
    first, second = paths
    assert first != second
    for path in paths:
        assert os.path.isabs(path)
        assert os.path.isdir(os.path.dirname(path))
        assert not os.path.exists(path)
    assert f"{os.sep}Case{os.sep}test{os.sep}" in first


def test_run_with_python_m_unittest(tmp_path: Path) -> None:
    """Trial test cases run under `python -m unittest`, outside pytest."""
    (tmp_path / "test_plain.py").write_text(
        textwrap.dedent(
            """
            from twistlike import reactor
            from twistlike.defer import Deferred
            from twistlike.trial import SynchronousTestCase, TestCase

            class Sync(SynchronousTestCase):
                def test_ok(self):
                    self.assertSubstring("b", "abc")

            class Async(TestCase):
                def test_deferred(self):
                    d = Deferred()
                    reactor.callLater(0, d.callback, None)
                    return d

                async def test_coroutine(self):
                    d = Deferred()
                    reactor.callLater(0, d.callback, 2)
                    self.assertEqual(await d, 2)

                def test_fails(self):
                    self.fail("on purpose")
            """
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "unittest", "-v", "test_plain"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Ran 4 tests" in done.stderr
    assert "FAILED (failures=1)" in done.stderr
    assert "test_fails" in done.stderr and "on purpose" in done.stderr


# --------------------------------------------------------------------------------------------
# Logged errors and warnings


def test_unflushed_logged_error_fails_the_test() -> None:
    """An unhandled error in a Deferred, logged when it is collected, fails the test."""

    class Case(trial.SynchronousTestCase):
        def test(self) -> None:
            fail(ValueError("nobody handled me"))

    result = run(Case)
    assert kind(result) == "error"
    assert "UnflushedLoggedErrors" in texts(result)
    assert "nobody handled me" in texts(result)


def test_logged_error_in_a_reference_cycle_is_seen() -> None:
    """An unhandled error kept alive by a reference cycle is found (garbage is collected)."""

    class Case(trial.SynchronousTestCase):
        def test(self) -> None:
            d = fail(ValueError("in a cycle"))
            holder: dict[str, Any] = {"d": d}
            holder["self"] = holder

    gc.disable()
    try:
        result = run(Case)
    finally:
        gc.enable()
    assert "in a cycle" in texts(result)


def test_after_test_collection_frees_young_and_promoted_cycles() -> None:
    """The after-test collection frees a young cycle, and one an older collection promoted."""

    class Node:
        other: object = None

    gc.disable()
    try:
        garbage = trial._Garbage()
        young = Node()
        young.other = young
        ref = weakref.ref(young)
        del young
        garbage.collect()
        assert ref() is None

        old = Node()
        old.other = old
        ref = weakref.ref(old)
        gc.collect(1)  # `old` is alive: it moves to the oldest generation
        del old
        gc.collect(1)
        assert ref() is not None  # a young collection no longer reaches it
        garbage.collect()
        assert ref() is None
    finally:
        gc.enable()


def test_flush_logged_errors_by_type() -> None:
    """flushLoggedErrors(*types) removes and returns only those; the rest still fail the test."""
    flushed: list[list[Failure]] = []

    class Case(trial.SynchronousTestCase):
        def test_all_flushed(self) -> None:
            fail(ValueError("expected"))
            flushed.append(self.flushLoggedErrors(ValueError))

        def test_one_left(self) -> None:
            fail(ValueError("expected"))
            fail(KeyError("unexpected"))
            flushed.append(self.flushLoggedErrors(ValueError))

    assert kind(run(Case, "test_all_flushed")) == "success"
    assert [f.type for f in flushed[0]] == [ValueError]
    result = run(Case, "test_one_left")
    assert kind(result) == "error"
    assert "KeyError: 'unexpected'" in texts(result)
    assert "ValueError" not in texts(result)
    assert [f.type for f in flushed[1]] == [ValueError]


def test_log_err_counts_as_a_logged_error() -> None:
    """log.err() in a test is a logged error, as under trial."""

    class Case(trial.SynchronousTestCase):
        def test_unflushed(self) -> None:
            log.err(OSError("logged"), "while testing")

        def test_flushed(self) -> None:
            log.err(OSError("logged"), "while testing")
            self.assertEqual(len(self.flushLoggedErrors(OSError)), 1)

    assert kind(run(Case, "test_unflushed")) == "error"
    assert kind(run(Case, "test_flushed")) == "success"


def test_nested_test_keeps_its_logged_errors() -> None:
    """Errors logged by a test run inside another test are that inner test's alone."""
    inner: list[unittest.TestResult] = []

    class Inner(trial.SynchronousTestCase):
        def test(self) -> None:
            fail(ValueError("inner"))

    class Outer(trial.SynchronousTestCase):
        def test(self) -> None:
            inner.append(run(Inner))

    assert kind(run(Outer)) == "success"
    assert kind(inner[0]) == "error"


def test_unflushed_warning_is_emitted_again_after_the_test() -> None:
    """A warning the test does not flush is shown again after the test."""

    class Case(trial.SynchronousTestCase):
        def test(self) -> None:
            warnings.warn("left over", UserWarning, stacklevel=1)

    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        assert kind(run(Case)) == "success"
    assert [str(w.message) for w in shown] == ["left over"]


def test_unflushed_warning_is_an_error_when_warnings_are_errors() -> None:
    """With warnings turned into errors (pytest's filterwarnings = error), it fails the test."""

    class Case(trial.SynchronousTestCase):
        def test(self) -> None:
            warnings.warn("left over", UserWarning, stacklevel=1)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = run(Case)
    assert kind(result) == "error"
    assert "left over" in texts(result)


def test_flush_warnings_returns_them_and_filters_by_function() -> None:
    """flushWarnings returns trial's dicts, and only those pointing into offendingFunctions."""
    flushed: list[list[dict[str, Any]]] = []

    def other() -> None:
        warnings.warn("from other", UserWarning, stacklevel=1)

    class Case(trial.SynchronousTestCase):
        def test(self) -> None:
            _warns(1)
            other()
            flushed.append(self.flushWarnings([_warns]))
            flushed.append(self.flushWarnings())

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert kind(run(Case)) == "success"
    [mine], [theirs] = flushed
    assert mine["message"] == "deprecated thing"
    assert mine["category"] is DeprecationWarning
    assert mine["filename"] == __file__
    assert isinstance(mine["lineno"], int)
    assert theirs["message"] == "from other"


def test_flush_warnings_rejects_non_functions() -> None:
    """flushWarnings raises TypeError for an offending "function" that is not one."""
    errors: list[BaseException] = []

    class Case(trial.SynchronousTestCase):
        def test(self) -> None:
            try:
                self.flushWarnings([42])  # type: ignore[list-item]
            except TypeError as e:
                errors.append(e)

    run(Case)
    assert len(errors) == 1


def test_flush_warnings_sees_a_warning_shown_before() -> None:
    """A warning already shown once (and so normally suppressed) is still collected."""
    counts: list[int] = []

    class Case(trial.SynchronousTestCase):
        def test(self) -> None:
            _warns(1)
            counts.append(len(self.flushWarnings()))

    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("default")
        _warns(1)  # shown once: the module's registry now remembers it
        run(Case)
    assert counts == [1]
    assert len(shown) == 1


# --------------------------------------------------------------------------------------------
# TestCase: Deferreds, coroutines, the loop


def test_deferred_test_waits_for_the_reactor() -> None:
    """A test returning a Deferred passes once the reactor fires it."""
    results: list[int] = []

    class Case(trial.TestCase):
        def test(self) -> Deferred[None]:
            d: Deferred[int] = Deferred()
            reactor.callLater(0.01, d.callback, 5)
            return d.addCallback(results.append)

    assert kind(run(Case)) == "success"
    assert results == [5]


def test_coroutine_test_awaits_deferreds_and_asyncio() -> None:
    """An async test may await Deferreds and asyncio awaitables, inside a real task."""
    seen: list[object] = []

    class Case(trial.TestCase):
        async def test(self) -> None:
            await asyncio.sleep(0)
            value = await task.deferLater(reactor, 0.01, lambda: "later")
            seen.append(value)
            seen.append(asyncio.current_task() is not None)

    assert kind(run(Case)) == "success"
    assert seen == ["later", True]


def test_inline_callbacks_test() -> None:
    """An inlineCallbacks test method runs to completion."""
    seen: list[int] = []

    class Case(trial.TestCase):
        @defer.inlineCallbacks
        def test(self) -> Generator[Deferred[Any], Any, None]:
            value = yield task.deferLater(reactor, 0, lambda: 1)
            seen.append(value)

    assert kind(run(Case)) == "success"
    assert seen == [1]


def test_each_test_gets_a_fresh_loop_closed_afterwards() -> None:
    """Every test runs on its own new event loop, closed when the test is over."""
    loops: list[asyncio.AbstractEventLoop] = []

    class Case(trial.TestCase):
        def setUp(self) -> None:
            loops.append(asyncio.get_running_loop())

        async def test_one(self) -> None:
            loops.append(asyncio.get_running_loop())

        def test_two(self) -> None:
            loops.append(asyncio.get_running_loop())

    assert kind(run(Case, "test_one")) == "success"
    assert kind(run(Case, "test_two")) == "success"
    assert loops[0] is loops[1]
    assert loops[2] is loops[3]
    assert loops[0] is not loops[2]
    assert all(loop.is_closed() for loop in loops)


def test_fixtures_may_return_deferreds_and_be_coroutines() -> None:
    """setUp, tearDown and cleanups returning Deferreds or being coroutines are awaited."""
    events: list[str] = []

    def later(name: str) -> Deferred[None]:
        return task.deferLater(reactor, 0.01, events.append, name)

    class Case(trial.TestCase):
        async def setUp(self) -> None:  # type: ignore[override]
            await later("setUp")
            self.addCleanup(later, "cleanup")

        async def cleanup(self) -> None:
            await asyncio.sleep(0)
            events.append("async cleanup")

        def test(self) -> Deferred[None]:
            self.addCleanup(self.cleanup)
            return later("test")

        def tearDown(self) -> Deferred[None]:  # type: ignore[override]
            return later("tearDown")

    assert kind(run(Case)) == "success"
    assert events == ["setUp", "test", "async cleanup", "cleanup", "tearDown"]


def test_context_variables_set_in_setup_are_seen_by_the_test() -> None:
    """setUp, the test and tearDown share one contextvars context."""
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")
    seen: list[str] = []

    class Case(trial.TestCase):
        def setUp(self) -> None:
            var.set("from setUp")

        async def test(self) -> None:
            seen.append(var.get())

    assert kind(run(Case)) == "success"
    assert seen == ["from setUp"]


def test_failed_deferred_and_failed_assertion() -> None:
    """A Deferred failing with an exception is an error; a failed assertion is a failure."""

    class Case(trial.TestCase):
        def test_deferred_error(self) -> Deferred[int]:
            return task.deferLater(reactor, 0, lambda: 1 // 0)

        async def test_assertion(self) -> None:
            await asyncio.sleep(0)
            self.assertEqual(1, 2)

    result = run(Case, "test_deferred_error")
    assert kind(result) == "error"
    assert "ZeroDivisionError" in texts(result)
    assert kind(run(Case, "test_assertion")) == "failure"


def test_assert_failure() -> None:
    """assertFailure's Deferred gives the expected exception, and fails otherwise."""
    got: list[BaseException] = []

    class Case(trial.TestCase):
        def test_expected(self) -> Deferred[None]:
            d = self.assertFailure(fail(KeyError("k")), ValueError, KeyError)
            return d.addCallback(got.append)

        def test_other_error(self) -> Deferred[Any]:
            return self.assertFailure(fail(OSError()), KeyError)

        def test_success(self) -> Deferred[Any]:
            return self.failUnlessFailure(succeed(1), KeyError)

    assert kind(run(Case, "test_expected")) == "success"
    assert isinstance(got[0], KeyError)
    assert kind(run(Case, "test_other_error")) == "failure"
    result = run(Case, "test_success")
    assert kind(result) == "failure"
    assert "did not catch an error, instead got 1" in texts(result)


# --------------------------------------------------------------------------------------------
# TestCase: timeouts


def test_deferred_that_never_fires_times_out() -> None:
    """A test whose Deferred never fires fails with TimeoutError after its timeout."""

    class Case(trial.TestCase):
        timeout = 0.05

        def test(self) -> Deferred[None]:
            return Deferred()

    result = run(Case)
    assert kind(result) == "error"
    assert "TimeoutError" in texts(result)
    assert "(test) still running after 0.05 seconds" in texts(result)


def test_coroutine_that_never_finishes_times_out_and_is_cancelled() -> None:
    """A coroutine test still waiting at the timeout fails, and what it awaits is cancelled."""
    awaited: list[Deferred[None]] = []

    class Case(trial.TestCase):
        timeout = 0.05

        async def test(self) -> None:
            d: Deferred[None] = Deferred()
            awaited.append(d)
            await d

    result = run(Case)
    assert kind(result) == "error"
    assert "still running after 0.05 seconds" in texts(result)
    assert awaited[0].called


def test_timeout_on_the_method_and_in_setup() -> None:
    """A timeout attribute on the test method wins; setUp is bounded too."""

    class Case(trial.TestCase):
        timeout = 60

        def test_method(self) -> Deferred[None]:
            return Deferred()

        test_method.timeout = 0.05  # type: ignore[attr-defined]

    class SlowSetUp(trial.TestCase):
        timeout = 0.05

        def setUp(self) -> Deferred[None]:  # type: ignore[override]
            return Deferred()

        def test(self) -> None:
            pass

    assert "still running after 0.05 seconds" in texts(run(Case, "test_method"))
    result = run(SlowSetUp)
    assert kind(result) == "error"
    assert "(setUp) still running" in texts(result)


def test_timeout_errback_reaches_the_tests_own_errbacks() -> None:
    """As in trial, the timed-out Deferred fails with TimeoutError through its own errbacks."""
    seen: list[type[BaseException]] = []

    class Case(trial.TestCase):
        timeout = 0.05

        def test_handled(self) -> Deferred[None]:
            d: Deferred[None] = Deferred()
            return d.addErrback(lambda f: seen.append(f.type))

    # The test's errback handles it, so the test passes, exactly as under trial.
    assert kind(run(Case, "test_handled")) == "success"
    assert seen == [defer.TimeoutError]


def test_get_timeout_default_and_bad_values() -> None:
    """getTimeout is 120 seconds by default and for a value that is not a number."""

    class Case(trial.TestCase):
        def test(self) -> None:
            pass

    class Bad(Case):
        timeout = "soon"

    assert Case("test").getTimeout() == trial.DEFAULT_TIMEOUT_DURATION == 120.0
    assert Bad("test").getTimeout() == 120.0


# --------------------------------------------------------------------------------------------
# TestCase: the dirty-reactor check and logged errors


def test_pending_delayed_call_fails_the_test_and_is_cancelled() -> None:
    """A DelayedCall left pending fails the test with a list of the calls; it is cancelled."""
    calls: list[Any] = []

    def forgotten() -> None:
        pass

    class Case(trial.TestCase):
        def test(self) -> None:
            calls.append(reactor.callLater(100, forgotten))

    result = run(Case)
    assert kind(result) == "error"
    text = texts(result)
    assert "DirtyReactorAggregateError: Reactor was unclean." in text
    assert "forgotten" in text
    assert "allow_dirty_reactor" in text
    assert calls[0].cancelled


def test_listening_port_fails_the_test_and_is_closed() -> None:
    """A port left listening fails the test, is listed, and is closed afterwards."""
    ports: list[Any] = []

    class Case(trial.TestCase):
        def test(self) -> None:
            ports.append(reactor.listenTCP(0, Factory.forProtocol(Protocol), interface="127.0.0.1"))

    result = run(Case)
    assert kind(result) == "error"
    assert "Selectables" in texts(result)
    assert str(ports[0].getHost().port) in texts(result)
    assert not ports[0].connected


def test_allow_dirty_reactor_opts_out_but_still_cleans_up() -> None:
    """allow_dirty_reactor = True lets leftovers pass; they are cleaned up all the same."""
    leftovers: list[Any] = []

    class Case(trial.TestCase):
        allow_dirty_reactor = True

        def test(self) -> None:
            leftovers.append(reactor.callLater(100, lambda: None))
            leftovers.append(
                reactor.listenTCP(0, Factory.forProtocol(Protocol), interface="127.0.0.1")
            )

    assert kind(run(Case)) == "success"
    call, port = leftovers
    assert call.cancelled
    assert not port.connected


def test_clean_test_with_waited_port_passes() -> None:
    """A test that stops listening and waits for it leaves a clean reactor."""

    class Case(trial.TestCase):
        async def test(self) -> None:
            port = reactor.listenTCP(0, Factory.forProtocol(Protocol), interface="127.0.0.1")
            await port.stopListening()

    assert kind(run(Case)) == "success"


def test_exception_in_timed_call_fails_the_test_unless_flushed() -> None:
    """An exception in a reactor.callLater call is a logged error of the test."""

    class Case(trial.TestCase):
        async def test_unflushed(self) -> None:
            await task.deferLater(reactor, 0, lambda: None)
            reactor.callLater(0, lambda: 1 // 0)
            await task.deferLater(reactor, 0.01, lambda: None)

        async def test_flushed(self) -> None:
            reactor.callLater(0, lambda: 1 // 0)
            await task.deferLater(reactor, 0.01, lambda: None)
            self.assertEqual(len(self.flushLoggedErrors(ZeroDivisionError)), 1)

    result = run(Case, "test_unflushed")
    assert kind(result) == "error"
    assert "ZeroDivisionError" in texts(result)
    assert kind(run(Case, "test_flushed")) == "success"


def test_loop_exception_handler_reports_are_logged_errors() -> None:
    """An asyncio task's never-retrieved exception becomes a logged error of the test."""

    class Case(trial.TestCase):
        async def test(self) -> None:
            async def broken() -> None:
                raise LookupError("never retrieved")

            t = asyncio.get_running_loop().create_task(broken())
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            assert t.done()
            del t

    result = run(Case)
    assert kind(result) == "error"
    assert "never retrieved" in texts(result)


# --------------------------------------------------------------------------------------------
# TestCase: choosing the loop


def test_loop_factory_class_attribute_picks_uvloop() -> None:
    """loop_factory = uvloop.new_event_loop runs the test on uvloop (no staticmethod needed)."""
    loops: list[asyncio.AbstractEventLoop] = []

    class Case(trial.TestCase):
        loop_factory = uvloop.new_event_loop

        async def test(self) -> None:
            loops.append(asyncio.get_running_loop())

    assert kind(run(Case)) == "success"
    assert isinstance(loops[0], uvloop.Loop)


def test_environment_variable_picks_the_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """TWISTLIKE_LOOP=uvloop picks uvloop when the class does not choose; others are errors."""
    loops: list[asyncio.AbstractEventLoop] = []

    class Case(trial.TestCase):
        async def test(self) -> None:
            loops.append(asyncio.get_running_loop())

    monkeypatch.setenv("TWISTLIKE_LOOP", "uvloop")
    assert kind(run(Case)) == "success"
    monkeypatch.setenv("TWISTLIKE_LOOP", "asyncio")
    assert kind(run(Case)) == "success"
    assert isinstance(loops[0], uvloop.Loop)
    assert not isinstance(loops[1], uvloop.Loop)
    monkeypatch.setenv("TWISTLIKE_LOOP", "no-such-loop")
    with pytest.raises(ValueError, match="TWISTLIKE_LOOP"):
        run(Case)


def test_debug_runs_the_test_and_raises() -> None:
    """debug() runs a TestCase on its own loop and lets the exception out."""

    class Case(trial.TestCase):
        async def test(self) -> None:
            await asyncio.sleep(0)
            raise KeyError("from debug")

    with pytest.raises(KeyError, match="from debug"):
        Case("test").debug()


def test_debug_lets_a_failing_cleanup_raise() -> None:
    """debug() lets a failing cleanup's exception out (cleanups run before tearDown)."""
    events: list[str] = []

    class Case(trial.TestCase):
        def test(self) -> None:
            self.addCleanup(lambda: 1 // 0)

        def tearDown(self) -> None:
            events.append("tearDown")

    with pytest.raises(ZeroDivisionError):
        Case("test").debug()
    assert events == []


# --------------------------------------------------------------------------------------------
# The same cases on real Twisted's trial


def _scenarios(
    unittest_mod: Any, defer_mod: Any, task_mod: Any, log_mod: Any, the_reactor: Any
) -> dict[str, type[unittest.TestCase]]:
    """Build the same trial test cases on either Twisted or twistlike."""

    class Sync(unittest_mod.SynchronousTestCase):  # type: ignore[misc]
        def test_pass(self) -> None:
            self.assertEqual(self.successResultOf(defer_mod.succeed(1)), 1)

        def test_fail(self) -> None:
            self.fail("no")

        def test_error(self) -> None:
            raise KeyError()

        def test_unflushed_error(self) -> None:
            log_mod.err(ValueError("x"))

        def test_flushed_error(self) -> None:
            log_mod.err(ValueError("x"))
            assert len(self.flushLoggedErrors(ValueError)) == 1

        def test_unhandled_deferred(self) -> None:
            defer_mod.fail(ValueError("x"))
            gc.collect()

        def test_skip(self) -> None:
            pass

        test_skip.skip = "skipped"  # type: ignore[attr-defined]

        def test_todo_fails(self) -> None:
            self.fail("expected")

        test_todo_fails.todo = "todo"  # type: ignore[attr-defined]

        def test_todo_passes(self) -> None:
            pass

        test_todo_passes.todo = "todo"  # type: ignore[attr-defined]

        def test_raise_skip(self) -> None:
            raise unittest_mod.SkipTest("skip")

        def test_cleanup_error(self) -> None:
            self.addCleanup(lambda: 1 // 0)

    class Async(unittest_mod.TestCase):  # type: ignore[misc]
        timeout = 0.2

        def test_deferred_pass(self) -> Any:
            return task_mod.deferLater(the_reactor, 0, lambda: None)

        def test_deferred_error(self) -> Any:
            return task_mod.deferLater(the_reactor, 0, lambda: 1 // 0)

        def test_timeout(self) -> Any:
            return defer_mod.Deferred()

        def test_dirty(self) -> None:
            the_reactor.callLater(50, lambda: None)

        def test_assert_failure(self) -> Any:
            return self.assertFailure(defer_mod.fail(KeyError()), KeyError)

    cases: dict[str, type[unittest.TestCase]] = {}
    for case in (Sync, Async):
        for name in dir(case):
            if name.startswith("test_"):
                cases[f"{case.__name__}.{name}"] = case
    return cases


_TWISTED = _scenarios(tunittest, tdefer, ttask, tlog, treactor)
_TWISTLIKE = _scenarios(trial, defer, task, log, reactor)


@pytest.mark.parametrize("scenario", sorted(_TWISTLIKE))
def test_outcomes_match_twisted_trial(scenario: str) -> None:
    """Each scenario has the same outcome on twistlike.trial as on Twisted's trial."""
    name = scenario.split(".")[1]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = treporter.TestResult()  # type: ignore[no-untyped-call]
        _TWISTED[scenario](name).run(theirs)
        ours = kind(run(_TWISTLIKE[scenario], name))
    # Remove what Twisted's reactor may keep from the scenario (the dirty one's call).
    for call in cast(Any, treactor).getDelayedCalls():
        call.cancel()
    theirKind = (
        ["failure"] * len(theirs.failures)
        + ["error"] * len(theirs.errors)
        + ["skip"] * len(theirs.skips)
        + ["xfail"] * len(theirs.expectedFailures)
        + ["xpass"] * len(theirs.unexpectedSuccesses)
    )
    assert ours == ("+".join(theirKind) or "success")


def test_unittest_hooks_trial_builds_on_exist() -> None:
    """The private unittest.TestCase hooks trial's fixtures use exist on this Python."""
    for name in ("_callSetUp", "_callTestMethod", "_callTearDown", "_callCleanup"):
        assert callable(getattr(unittest.TestCase, name, None)), name


def test_assert_underscore_alias_is_kept() -> None:
    """`assert_` (dropped by unittest in 3.12) still works as trial's alias of assertTrue."""
    case = trial.SynchronousTestCase()
    case.assert_(True)
    with pytest.raises(trial.FailTest):
        case.assert_(False)

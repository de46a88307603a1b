"""Tests for the twistlike pytest plugin (twistlike._aio.pytest_plugin), through pytester.

Each test writes a small test file, runs pytest on it in-process (the plugin is loaded from
its ``pytest11`` entry point, as in any project) and checks what pytest reports.
"""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

_INI = """
[pytest]
asyncio_mode = strict
asyncio_default_fixture_loop_scope = function
"""


@pytest.fixture
def tester(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester with an ini file that keeps pytest-asyncio quiet."""
    pytester.makeini(_INI)
    return pytester


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", *args)


# --------------------------------------------------------------------------------------------
# Tests that return Deferreds


def test_deferred_tests_pass_fail_and_error(tester: pytest.Pytester) -> None:
    """Returned Deferreds are waited for: success passes, a failure or an error fails."""
    tester.makepyfile(
        """
        from twistlike import reactor, task
        from twistlike.defer import Deferred, succeed

        def test_fired_later():
            d = Deferred()
            reactor.callLater(0.01, d.callback, None)
            return d

        def test_already_fired():
            return succeed("ignored")

        def test_assertion_in_callback():
            def check(value):
                assert value == 2, "value was not 2"
            return task.deferLater(reactor, 0, lambda: 1).addCallback(check)

        def test_error_in_callback():
            return task.deferLater(reactor, 0, lambda: {}["missing key"])
        """
    )
    result = _run(tester, "-v")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(
        [
            "*test_fired_later PASSED*",
            "*test_already_fired PASSED*",
            "*test_assertion_in_callback FAILED*",
            "*test_error_in_callback FAILED*",
            "*AssertionError: value was not 2*",
            "*KeyError: 'missing key'*",
        ]
    )


def test_inline_callbacks_tests(tester: pytest.Pytester) -> None:
    """inlineCallbacks tests run to completion, and their exceptions fail them."""
    tester.makepyfile(
        """
        from twistlike import reactor, task
        from twistlike.defer import inlineCallbacks

        @inlineCallbacks
        def test_waits():
            first = yield task.deferLater(reactor, 0.01, lambda: 1)
            second = yield task.deferLater(reactor, 0, lambda: first + 1)
            assert second == 2

        @inlineCallbacks
        def test_raises():
            yield task.deferLater(reactor, 0, lambda: None)
            raise ValueError("raised after a wait")
        """
    )
    result = _run(tester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*ValueError: raised after a wait*"])


def test_deferred_that_never_fires_fails_by_timeout(tester: pytest.Pytester) -> None:
    """A Deferred that never fires fails the test after --twistlike-timeout, and is cancelled."""
    tester.makepyfile(
        """
        from twistlike.defer import Deferred, CancelledError

        cancelled = []

        def test_never():
            return Deferred(lambda d: cancelled.append(True))

        def test_canceller_ran():
            assert cancelled == [True]
        """
    )
    result = _run(tester, "--twistlike-timeout", "0.2")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*TimeoutError: *test_never returned a Deferred that did not fire within 0.2 seconds*"]
    )


def test_timeout_from_the_ini_file(pytester: pytest.Pytester) -> None:
    """The twistlike_timeout ini option sets the timeout too."""
    pytester.makeini(_INI + "twistlike_timeout = 0.1\n")
    pytester.makepyfile(
        """
        from twistlike.defer import Deferred

        def test_never():
            return Deferred()
        """
    )
    result = _run(pytester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*did not fire within 0.1 seconds*"])


def test_bad_timeout_is_a_usage_error(tester: pytest.Pytester) -> None:
    """A timeout that is not a positive number is reported as a usage error."""
    tester.makepyfile(
        """
        from twistlike.defer import Deferred

        def test_never():
            return Deferred()
        """
    )
    result = _run(tester, "--twistlike-timeout", "0")
    assert result.ret != 0
    assert "twistlike_timeout must be positive" in result.stdout.str() + result.stderr.str()


def test_reactor_stopped_by_the_test_before_the_deferred_fired(tester: pytest.Pytester) -> None:
    """A test that stops the reactor itself, before its Deferred fires, fails clearly."""
    tester.makepyfile(
        """
        from twistlike import reactor
        from twistlike.defer import Deferred

        def test_stops():
            reactor.callLater(0, reactor.stop)
            return Deferred()
        """
    )
    result = _run(tester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the reactor stopped before the test's Deferred fired*"])


def test_other_return_values_are_left_to_pytest(tester: pytest.Pytester) -> None:
    """Non-Deferred results and unmarked async tests get pytest's own treatment."""
    tester.makepyfile(
        """
        def test_returns_a_value():
            return 3

        async def test_async_without_marker():
            pass
        """
    )
    with_plugin = _run(tester).parseoutcomes()
    without = _run(tester, "-p", "no:twistlike").parseoutcomes()
    assert with_plugin == without


def test_loop_factory_fixture_chooses_the_loop(tester: pytest.Pytester) -> None:
    """Overriding twistlike_loop_factory runs a Deferred test's reactor on that loop."""
    tester.makeconftest(
        """
        import pytest
        import uvloop

        @pytest.fixture
        def twistlike_loop_factory():
            return uvloop.new_event_loop
        """
    )
    tester.makepyfile(
        """
        import asyncio
        import uvloop
        from twistlike import reactor
        from twistlike.defer import Deferred

        def test_on_uvloop():
            d = Deferred()
            reactor.callLater(0, lambda: d.callback(asyncio.get_running_loop()))
            return d.addCallback(lambda loop: isinstance(loop, uvloop.Loop) or 1 / 0)
        """
    )
    _run(tester).assert_outcomes(passed=1)


def test_loop_factory_fixture_applies_to_trial_test_cases(tester: pytest.Pytester) -> None:
    """A trial TestCase runs on the twistlike_loop_factory fixture's loop, unless its class
    chooses one."""
    tester.makeconftest(
        """
        import pytest
        import uvloop

        @pytest.fixture
        def twistlike_loop_factory():
            return uvloop.new_event_loop
        """
    )
    tester.makepyfile(
        """
        import asyncio
        import uvloop
        from twistlike.trial import TestCase

        class OnFixturesLoop(TestCase):
            async def test(self):
                self.assertIsInstance(asyncio.get_running_loop(), uvloop.Loop)

        class OwnChoice(TestCase):
            loop_factory = asyncio.new_event_loop

            async def test(self):
                self.assertNotIsInstance(asyncio.get_running_loop(), uvloop.Loop)
        """
    )
    _run(tester).assert_outcomes(passed=2)


def test_environment_variable_chooses_the_loop(
    tester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TWISTLIKE_LOOP=uvloop runs a Deferred test's reactor on uvloop."""
    monkeypatch.setenv("TWISTLIKE_LOOP", "uvloop")
    tester.makepyfile(
        """
        import asyncio
        import uvloop
        from twistlike import reactor
        from twistlike.defer import Deferred

        def test_on_uvloop():
            d = Deferred()
            reactor.callLater(0, lambda: d.callback(asyncio.get_running_loop()))
            return d.addCallback(lambda loop: isinstance(loop, uvloop.Loop) or 1 / 0)
        """
    )
    _run(tester).assert_outcomes(passed=1)


# --------------------------------------------------------------------------------------------
# pytest-asyncio


def test_async_tests_await_deferreds_on_pytest_asyncios_loop(tester: pytest.Pytester) -> None:
    """An asyncio test awaits Deferreds; the reactor's calls run on that test's own loop."""
    tester.makepyfile(
        """
        import asyncio
        import pytest
        import pytest_asyncio
        from twistlike import task
        from twistlike.defer import Deferred

        @pytest_asyncio.fixture
        async def fired_later(reactor):
            return await task.deferLater(reactor, 0.01, lambda: asyncio.get_running_loop())

        @pytest.mark.asyncio
        async def test_same_loop(reactor, fired_later):
            loop = asyncio.get_running_loop()
            assert fired_later is loop
            d = Deferred()
            reactor.callLater(0.01, lambda: d.callback(asyncio.get_running_loop()))
            assert await d is loop

        @pytest.mark.asyncio
        async def test_failure_raises_at_await(reactor):
            d = task.deferLater(reactor, 0, lambda: 1 / 0)
            with pytest.raises(ZeroDivisionError):
                await d
        """
    )
    _run(tester).assert_outcomes(passed=2)


def test_unhandled_error_in_an_async_test_fails_it(tester: pytest.Pytester) -> None:
    """An unhandled Deferred error in an asyncio test fails that test too."""
    tester.makepyfile(
        """
        import pytest
        from twistlike.defer import fail

        @pytest.mark.asyncio
        async def test_drops_a_failure():
            fail(LookupError("dropped in async test"))
        """
    )
    result = _run(tester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*LookupError: dropped in async test*"])


# --------------------------------------------------------------------------------------------
# Fixtures


def test_fixtures(tester: pytest.Pytester) -> None:
    """clock, memory_reactor and reactor give a Clock, a MemoryReactorClock and the reactor."""
    tester.makepyfile(
        """
        import twistlike
        from twistlike.protocol import Factory
        from twistlike.task import Clock
        from twistlike.testing import MemoryReactorClock

        def test_clock(clock):
            fired = []
            clock.callLater(5, fired.append, True)
            clock.advance(5)
            assert isinstance(clock, Clock) and fired == [True]

        def test_memory_reactor(memory_reactor):
            assert isinstance(memory_reactor, MemoryReactorClock)
            memory_reactor.listenTCP(1234, Factory())
            assert memory_reactor.tcpServers[0][0] == 1234
            memory_reactor.advance(1)
            assert memory_reactor.seconds() == 1

        def test_reactor(reactor):
            assert reactor is twistlike.reactor
        """
    )
    _run(tester).assert_outcomes(passed=3)


def test_marker_is_registered(tester: pytest.Pytester) -> None:
    """The opt-out marker passes --strict-markers."""
    tester.makepyfile(
        """
        import pytest

        @pytest.mark.twistlike_allow_unhandled_errors
        def test_marked():
            pass
        """
    )
    _run(tester, "--strict-markers").assert_outcomes(passed=1)


# --------------------------------------------------------------------------------------------
# Unhandled errors


def test_unhandled_deferred_error_fails_the_test(tester: pytest.Pytester) -> None:
    """A Deferred collected with an unhandled failure fails the test, showing its traceback."""
    tester.makepyfile(
        """
        from twistlike.defer import Deferred

        def explode(_):
            raise OSError("nobody handled this")

        def test_drops_a_failure():
            d = Deferred()
            d.addCallback(explode)
            d.callback(None)
        """
    )
    result = _run(tester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*twistlike logged 1 unhandled error during the test*",
            "*in explode*",
            "*OSError: nobody handled this*",
        ]
    )


def test_error_in_a_reference_cycle_fails_its_own_test(tester: pytest.Pytester) -> None:
    """An unhandled error only freed by the garbage collector fails the test that made it."""
    tester.makepyfile(
        """
        import gc
        from twistlike.defer import fail

        def test_cycle():
            gc.disable()
            d = fail(OSError("in a cycle"))
            box = {"d": d}
            box["box"] = box

        def test_next():
            gc.enable()
        """
    )
    result = _run(tester, "-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*test_cycle FAILED*", "*test_next PASSED*", "*in a cycle*"])


def test_marked_tests_garbage_does_not_fail_the_next_test(tester: pytest.Pytester) -> None:
    """What a marked test drops in a reference cycle is collected with it, not in the next test."""
    tester.makepyfile(
        """
        import gc
        import pytest
        from twistlike.defer import fail

        @pytest.mark.twistlike_allow_unhandled_errors
        def test_marked_cycle():
            gc.disable()
            d = fail(OSError("in a cycle"))
            box = {"d": d}
            box["box"] = box

        def test_next():
            gc.enable()
        """
    )
    _run(tester).assert_outcomes(passed=2)


def test_error_in_a_timed_call_fails_the_test(tester: pytest.Pytester) -> None:
    """An exception in a reactor.callLater call, logged by the reactor, fails the test."""
    tester.makepyfile(
        """
        from twistlike import reactor, task

        def test_timed_call_raises():
            reactor.callLater(0, lambda: 1 / 0)
            return task.deferLater(reactor, 0.01, lambda: None)
        """
    )
    result = _run(tester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ZeroDivisionError*"])


def test_failing_test_shows_its_unhandled_errors_beside_the_failure(
    tester: pytest.Pytester,
) -> None:
    """A test that fails anyway keeps its own failure, and lists the unhandled errors too."""
    tester.makepyfile(
        """
        from twistlike.defer import fail

        def test_both():
            fail(OSError("also dropped"))
            assert False, "the test's own failure"
        """
    )
    result = _run(tester)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*the test's own failure*", "*twistlike unhandled errors*", "*OSError: also dropped*"]
    )


def test_opting_out_and_flushing(tester: pytest.Pytester) -> None:
    """The marker, the flush_logged_errors fixture and log.err calls do not fail tests."""
    tester.makepyfile(
        """
        import pytest
        from twistlike import log
        from twistlike.defer import fail

        pytestmark = []

        @pytest.mark.twistlike_allow_unhandled_errors
        def test_marked():
            fail(OSError("expected"))

        def test_flushed(flush_logged_errors):
            fail(OSError("expected"))
            fail(KeyError("expected too"))
            assert [f.type for f in flush_logged_errors(OSError)] == [OSError]
            assert [f.type for f in flush_logged_errors()] == [KeyError]

        def test_flush_leaves_other_types(flush_logged_errors):
            fail(OSError("expected"))
            fail(KeyError("not flushed"))
            flush_logged_errors(OSError)

        def test_log_err_is_deliberate():
            log.err(OSError("logged on purpose"), "deliberately")
        """
    )
    result = _run(tester, "-v")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*test_flush_leaves_other_types FAILED*", "*not flushed*"])


def test_check_can_be_turned_off_in_the_ini_file(pytester: pytest.Pytester) -> None:
    """twistlike_check_unhandled_errors = false turns the check off."""
    pytester.makeini(_INI + "twistlike_check_unhandled_errors = false\n")
    pytester.makepyfile(
        """
        from twistlike.defer import fail

        def test_drops_a_failure():
            fail(OSError("ignored"))
        """
    )
    _run(pytester).assert_outcomes(passed=1)


def test_error_dropped_in_fixture_teardown_is_a_teardown_error(tester: pytest.Pytester) -> None:
    """An unhandled error logged while fixtures are torn down is an error at teardown."""
    tester.makepyfile(
        """
        import pytest
        from twistlike.defer import fail

        @pytest.fixture
        def leaky():
            yield
            fail(OSError("dropped in teardown"))

        def test_uses_it(leaky):
            pass
        """
    )
    result = _run(tester)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_uses_it*", "*dropped in teardown*"])


# --------------------------------------------------------------------------------------------
# Trial test cases under pytest


def test_trial_test_cases_under_pytest(tester: pytest.Pytester) -> None:
    """Trial test cases report passes, failures, skips, todos and after-test checks to pytest."""
    tester.makepyfile(
        """
        import asyncio
        from twistlike import reactor, task
        from twistlike.defer import fail
        from twistlike.trial import SynchronousTestCase, TestCase

        class Sync(SynchronousTestCase):
            def test_pass(self):
                self.assertSubstring("a", "abc")

            def test_fail(self):
                self.fail("sync failure")

            def test_skipped(self):
                pass
            test_skipped.skip = "for a reason"

            def test_todo(self):
                self.fail("not yet")
            test_todo.todo = "later"

            def test_logged(self):
                fail(OSError("unflushed in trial"))

            def test_flushed(self):
                fail(OSError("flushed in trial"))
                self.flushLoggedErrors(OSError)

        class Async(TestCase):
            timeout = 0.2

            async def test_coroutine(self):
                await asyncio.sleep(0)
                self.assertEqual(await task.deferLater(reactor, 0, lambda: 2), 2)

            def test_dirty(self):
                reactor.callLater(10, lambda: None)

            def test_timeout(self):
                from twistlike.defer import Deferred
                return Deferred()
        """
    )
    result = _run(tester, "-v", "-rsx")
    result.assert_outcomes(passed=3, failed=4, skipped=1, xfailed=1)
    text = result.stdout.str()
    assert "sync failure" in text
    assert "for a reason" in text
    assert "UnflushedLoggedErrors" in text and "unflushed in trial" in text
    assert "Reactor was unclean" in text
    assert "still running after 0.2 seconds" in text
    # Trial's own check reported the logged error; the plugin did not report it again.
    assert "twistlike logged 1 unhandled error" not in text


def test_tests_that_do_not_use_twistlike_are_left_alone(tester: pytest.Pytester) -> None:
    """A test module that never refers to twistlike gets no log observer and no GC pass."""
    tester.makeconftest(
        """
        import gc

        collections = []

        def pytest_runtest_call(item):
            collections.append(sum(g["collections"] for g in gc.get_stats()))

        def pytest_runtest_teardown(item, nextitem):
            before = collections.pop()
            after = sum(g["collections"] for g in gc.get_stats())
            item.user_properties.append(("collections", after - before))
        """
    )
    tester.makepyfile(
        test_plain="""
        import gc
        import logging

        def test_plain():
            gc.disable()  # nothing but the plugin could collect now
            logging.getLogger("twistlike.reactor").error("not a twistlike error scope")
        """,
        test_uses="""
        import gc
        from twistlike.defer import fail

        def test_uses():
            gc.disable()
            d = fail(OSError("in a cycle"))
            box = {"d": d}
            box["box"] = box
        """,
    )
    import twistlike.defer  # noqa: F401  (the in-process run shares sys.modules)

    reprec = tester.inline_run("-p", "no:cacheprovider", "-W", "ignore")
    import gc

    gc.enable()
    teardowns = {
        report.nodeid.split("::")[-1]: report
        for report in reprec.getreports("pytest_runtest_logreport")
        if report.when == "teardown"
    }
    assert dict(teardowns["test_plain"].user_properties)["collections"] == 0
    passed, _, failed = reprec.listoutcomes()
    assert [r.nodeid.split("::")[-1] for r in passed] == ["test_plain"]
    assert [r.nodeid.split("::")[-1] for r in failed] == ["test_uses"]

"""The twistlike pytest plugin (registered through the ``pytest11`` entry point ``twistlike``).

It does three things; docs/testing.md has the details.

* A plain (non-``async``) test function that returns a Deferred (an ``inlineCallbacks``
  test does) is run to completion: a Deferred that has already fired gives its result at
  once, without an event loop; otherwise the reactor runs (``reactor.run()`` on a fresh
  loop, so calls the test made before it, like ``callLater``, run on it) until the Deferred
  fires, at most ``--twistlike-timeout`` seconds (ini ``twistlike_timeout``, default 60).
  A failed Deferred fails the test with its traceback; one that never fires fails it with
  :class:`twistlike.defer.TimeoutError` instead of hanging. ``async def`` tests are left to
  pytest-asyncio: they ``await`` Deferreds on pytest-asyncio's loop, and the reactor works
  on that loop (no second loop competes with it).
* Fixtures: ``clock`` (a :class:`twistlike.task.Clock`), ``memory_reactor`` (a
  :class:`twistlike.testing.MemoryReactorClock`), ``reactor`` (the twistlike reactor, which
  works on whatever loop runs the test), ``flush_logged_errors`` (removes expected logged
  errors, like trial's ``flushLoggedErrors``) and ``twistlike_loop_factory`` (the loop
  that a Deferred test's reactor, or a trial TestCase without a ``loop_factory`` of its own,
  runs on; override it in a conftest.py, or set ``TWISTLIKE_LOOP`` to ``uvloop``).
* An unhandled error that twistlike logs during a test (a Deferred garbage-collected with a
  failure, an exception in a timed call or in a protocol callback: the ERROR records of the
  ``twistlike`` logger tree that carry a Failure) fails that test with its traceback. A test
  that expects them removes them with ``flush_logged_errors``, or is marked
  ``@pytest.mark.twistlike_allow_unhandled_errors``; the ini option
  ``twistlike_check_unhandled_errors = false`` turns the check off. Trial test cases
  (:mod:`twistlike.trial`) do their own, stricter check.
"""

from __future__ import annotations

import asyncio
import gc
import inspect
import sys
from collections.abc import Callable, Generator
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from twistlike._aio.reactor import AsyncioReactor
    from twistlike.defer import Deferred
    from twistlike.failure import Failure
    from twistlike.task import Clock
    from twistlike.testing import MemoryReactorClock
    from twistlike.trial import _ErrorScope, _Garbage

# Hooks and fixtures are found by pytest; nothing here is meant to be imported.
__all__: list[str] = []

_MARKER = "twistlike_allow_unhandled_errors"
_DEFAULT_TIMEOUT = 60.0

_LoopFactory = Callable[[], asyncio.AbstractEventLoop]

_scope_key: pytest.StashKey[_ErrorScope] = pytest.StashKey()
_garbage_key: pytest.StashKey[_Garbage] = pytest.StashKey()


# --------------------------------------------------------------------------------------------
# Options


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--twistlike-timeout`` and the ini options."""
    group = parser.getgroup("twistlike", "twistlike (Twisted's API on asyncio)")
    group.addoption(
        "--twistlike-timeout",
        dest="twistlike_timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="how long a test's returned Deferred may take to fire (default: ini "
        f"twistlike_timeout, else {_DEFAULT_TIMEOUT:g})",
    )
    parser.addini(
        "twistlike_timeout",
        help=f"seconds a test's returned Deferred may take to fire (default {_DEFAULT_TIMEOUT:g})",
        default=str(_DEFAULT_TIMEOUT),
    )
    parser.addini(
        "twistlike_check_unhandled_errors",
        help="fail a test when twistlike logs an unhandled error during it (default true)",
        type="bool",
        default=True,
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker (``--strict-markers`` rejects unknown ones)."""
    config.addinivalue_line(
        "markers",
        f"{_MARKER}: unhandled errors that twistlike logs during this test do not fail it",
    )


def _timeout(config: pytest.Config) -> float:
    value = config.getoption("twistlike_timeout", None)
    if value is None:
        value = config.getini("twistlike_timeout")
    try:
        timeout = float(value)
    except (TypeError, ValueError):
        raise pytest.UsageError(
            f"twistlike_timeout must be a number of seconds, not {value!r}"
        ) from None
    if not timeout > 0:
        raise pytest.UsageError(f"twistlike_timeout must be positive, not {value!r}")
    return timeout


# --------------------------------------------------------------------------------------------
# Tests that return a Deferred


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, object, object]:
    """Run a Deferred returned by a plain test function to completion."""
    __tracebackhide__ = True
    original = pyfuncitem.obj
    if inspect.iscoroutinefunction(original) or inspect.isasyncgenfunction(original):
        # pytest-asyncio's (or pytest's own "not supported" message).
        return (yield)

    def run(*args: Any, **kwargs: Any) -> object:
        __tracebackhide__ = True
        result = original(*args, **kwargs)
        # Only a test of a process that imported twistlike.defer can return a Deferred; the
        # check costs a dict lookup for every other test.
        defer_module = sys.modules.get("twistlike.defer")
        if defer_module is not None and isinstance(result, defer_module.Deferred):
            _run_deferred(pyfuncitem, result)
            return None
        return result

    pyfuncitem.obj = run
    try:
        return (yield)
    finally:
        pyfuncitem.obj = original


def _loop_factory(item: pytest.Function) -> _LoopFactory:
    request = getattr(item, "_request", None)
    if request is not None:
        try:
            return request.getfixturevalue("twistlike_loop_factory")  # type: ignore[no-any-return]
        except pytest.FixtureLookupError:
            pass
    from twistlike._aio.loopstate import env_loop_factory

    return env_loop_factory()


def _run_deferred(item: pytest.Function, d: Deferred[Any]) -> None:
    """Wait for ``d``, running the reactor if it has not fired; raise its failure."""
    __tracebackhide__ = True
    from twistlike import defer, reactor
    from twistlike.error import ReactorNotRunning
    from twistlike.failure import Failure

    outcome: list[object] = []
    timedOut: list[defer.TimeoutError] = []

    def stop() -> None:
        try:
            reactor.stop()
        except ReactorNotRunning:
            pass  # not running (fired at once), or the test stopped it already

    def finished(result: object) -> None:
        # Returning None consumes a failure: it is reported here, not logged as unhandled.
        if not outcome:
            outcome.append(result)
            if reactor.running:
                stop()

    d.addBoth(finished)
    if not outcome:
        timeout = _timeout(item.config)

        def onTimeout() -> None:
            if outcome:
                return
            timedOut.append(
                defer.TimeoutError(
                    f"{item.nodeid} returned a Deferred that did not fire within {timeout:g} "
                    "seconds (--twistlike-timeout, or the twistlike_timeout ini option)"
                )
            )
            outcome.append(None)
            d.cancel()  # release what it waits for
            stop()

        # Made before run(): the reactor keeps it for the loop run() starts, as it keeps
        # whatever the test scheduled.
        timer = reactor.callLater(timeout, onTimeout)
        reactor.run(installSignalHandlers=False, loop_factory=_loop_factory(item))
        if timer.active():
            timer.cancel()
        if timedOut:
            raise timedOut[0]
        if not outcome:
            pytest.fail(
                f"{item.nodeid}: the reactor stopped before the test's Deferred fired",
                pytrace=False,
            )
    result = outcome[0]
    if isinstance(result, Failure):
        raise result.value.with_traceback(result.tb)


# --------------------------------------------------------------------------------------------
# Unhandled errors


def _check_enabled(item: pytest.Item) -> bool:
    return bool(item.config.getini("twistlike_check_unhandled_errors")) and (
        item.get_closest_marker(_MARKER) is None
    )


_FIXTURES = frozenset(
    {"clock", "memory_reactor", "reactor", "flush_logged_errors", "twistlike_loop_factory"}
)
_module_key: pytest.StashKey[dict[str, bool]] = pytest.StashKey()


def _module_uses_twistlike(module: ModuleType) -> bool:
    """Whether a test module refers to twistlike: imports it, or names one of its objects."""
    for value in vars(module).values():
        if isinstance(value, ModuleType):
            name = value.__name__
        else:
            name = getattr(value, "__module__", None) or ""
            if not isinstance(name, str):
                continue
        if name == "twistlike" or name.startswith("twistlike."):
            return True
    return False


def _uses_twistlike(item: pytest.Item) -> bool:
    """Whether the plugin's per-test work applies to ``item``.

    It does for a test that uses one of the plugin's fixtures or its marker, for a trial
    test case, and for any test in a module that refers to twistlike (where a Deferred may be
    dropped with an error). Anything else is left alone.
    """
    if "twistlike" not in sys.modules:
        return False
    if _FIXTURES.intersection(getattr(item, "fixturenames", ())):
        return True
    if item.get_closest_marker(_MARKER) is not None or _is_trial_case(item):
        return True
    module = getattr(item, "module", None)
    if not isinstance(module, ModuleType):
        return False
    cache = item.config.stash.setdefault(_module_key, {})
    known = cache.get(module.__name__)
    if known is None:
        known = cache[module.__name__] = _module_uses_twistlike(module)
    return known


def _is_trial_case(item: pytest.Item) -> bool:
    """Trial test cases check logged errors themselves (all of them, as trial does)."""
    cls = getattr(item, "cls", None)
    if not isinstance(cls, type):
        return False
    from twistlike.trial import SynchronousTestCase

    return issubclass(cls, SynchronousTestCase)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    """Collect what twistlike logs during the test (setup, call and teardown)."""
    from twistlike.trial import _error_scope, _Garbage

    # Nothing to check for a test marked to allow unhandled errors (and trial test cases
    # check during their own run): their scope only keeps what they log away from an
    # enclosing test (pytester runs a session inside a test), and adds no log observer.
    if not _uses_twistlike(item):
        # A test that touches no twistlike fixture, marker, trial case or module: the plugin
        # stays out of its way (no log observer, no garbage collection).
        return (yield)
    discard = not _check_enabled(item) or _is_trial_case(item)
    with _error_scope(unhandledOnly=True, discard=discard) as scope:
        item.stash[_scope_key] = scope
        item.stash[_garbage_key] = _Garbage()
        try:
            return (yield)
        finally:
            del item.stash[_scope_key]
            del item.stash[_garbage_key]


def _describe(failures: list[Failure]) -> str:
    count = len(failures)
    parts = [
        f"twistlike logged {count} unhandled error{'s' if count != 1 else ''} during the test "
        f"(flush expected ones with the flush_logged_errors fixture, or mark the test "
        f"@pytest.mark.{_MARKER}):"
    ]
    for number, failure in enumerate(failures, 1):
        parts.append(f"--- unhandled error {number} of {count} ---\n{failure.getTraceback()}")
    return "\n".join(parts).rstrip()


def _check(item: pytest.Item, when: str, failed: bool) -> None:
    """Fail the test phase ``when`` if unhandled errors were logged (and not flushed)."""
    scope = item.stash.get(_scope_key, None)
    if scope is None or not scope.failures:
        return
    failures = scope.flush()
    text = _describe(failures)
    if failed:
        # The phase failed anyway: show the errors beside that failure.
        item.add_report_section(when, "twistlike unhandled errors", text)
        return
    pytest.fail(text, pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """After the test body: fail it if twistlike logged unhandled errors meanwhile.

    Before it, a trial TestCase gets the ``twistlike_loop_factory`` fixture's loop factory.
    """
    __tracebackhide__ = True
    if _is_trial_case(item):
        _give_loop_factory(item)
    try:
        result = yield
    except BaseException:
        _collect_garbage(item)
        _check(item, "call", failed=True)
        raise
    _collect_garbage(item)
    _check(item, "call", failed=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    """After the fixtures are torn down: the same check for what was logged meanwhile."""
    try:
        result = yield
    except BaseException:
        _check(item, "teardown", failed=True)
        raise
    _check(item, "teardown", failed=False)
    return result


def _give_loop_factory(item: pytest.Item) -> None:
    from twistlike.trial import TestCase

    instance = getattr(item, "instance", None)
    if isinstance(instance, TestCase) and isinstance(item, pytest.Function):
        instance._defaultLoopFactory = _loop_factory(item)


def _collect_garbage(item: pytest.Item) -> None:
    # A Deferred that failed and was dropped inside a reference cycle (its traceback refers
    # to frames that refer to it) logs its error only when the cycle is collected: collect
    # now, so that it counts for this test and not a later one. A test marked to allow such
    # errors is collected too, so that what it drops does not fail the next test. (Trial
    # test cases collect at the end of their own run.)
    garbage = item.stash.get(_garbage_key, None)
    if (
        garbage is not None
        and item.config.getini("twistlike_check_unhandled_errors")
        and not _is_trial_case(item)
    ):
        garbage.collect()


# --------------------------------------------------------------------------------------------
# Fixtures


@pytest.fixture
def flush_logged_errors(
    request: pytest.FixtureRequest,
) -> Callable[..., list[Failure]]:
    """A function that removes and returns the unhandled errors twistlike logged so far.

    Call it as ``flush_logged_errors(ValueError, ...)`` (no types: all of them); garbage is
    collected first. What it removes does not fail the test.

    Twisted: twisted.trial.unittest.SynchronousTestCase.flushLoggedErrors, as a fixture.
    """
    node: pytest.Item = request.node

    def flush(*errorTypes: type[BaseException]) -> list[Failure]:
        scope = node.stash.get(_scope_key, None)
        if scope is None:
            return []
        gc.collect()
        return scope.flush(*errorTypes)

    return flush


@pytest.fixture
def clock() -> Clock:
    """A fresh :class:`twistlike.task.Clock`: time moves only with ``advance()``."""
    from twistlike.task import Clock

    return Clock()


@pytest.fixture
def memory_reactor() -> MemoryReactorClock:
    """A fresh :class:`twistlike.testing.MemoryReactorClock`: records listen/connect calls."""
    from twistlike.testing import MemoryReactorClock

    return MemoryReactorClock()


@pytest.fixture
def reactor() -> AsyncioReactor:
    """The twistlike reactor.

    It has no loop of its own: inside an ``async def`` test (pytest-asyncio) it works on the
    test's running loop; a sync test that returns a Deferred gets it running on a fresh loop.
    """
    from twistlike import reactor

    return reactor


@pytest.fixture
def twistlike_loop_factory() -> _LoopFactory:
    """The event loop factory for a Deferred-returning test's reactor.

    Default: ``TWISTLIKE_LOOP`` (``asyncio`` or ``uvloop``), else asyncio's loop. Override
    this fixture (in a conftest.py, possibly parametrized) to choose another.
    """
    from twistlike._aio.loopstate import env_loop_factory

    return env_loop_factory()

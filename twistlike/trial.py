"""Trial-compatible test cases: :class:`SynchronousTestCase` and :class:`TestCase`.

Both are :class:`unittest.TestCase` subclasses, so ``pytest``, ``python -m unittest`` and any
unittest runner run them. A trial suite ports by changing its imports
(``from twisted.trial.unittest import TestCase`` -> ``from twistlike.trial import TestCase``;
``from twisted.trial import unittest`` -> ``from twistlike import trial as unittest``).
See docs/testing.md.

What a test goes through, in order (trial's order, which differs from unittest's on one
point: cleanups run *before* ``tearDown``)::

    setUp -> test method -> cleanups (last added first) -> tearDown -> after-test checks

``tearDown`` runs only if ``setUp`` succeeded; cleanups always run. The after-test checks:

* a Failure logged through twistlike's logging during the test (an unhandled error in a
  Deferred, an exception in a timed call, ``log.err`` ...) and not removed with
  :meth:`SynchronousTestCase.flushLoggedErrors` fails the test (as trial does);
* a warning emitted during the test and not removed with
  :meth:`SynchronousTestCase.flushWarnings` is emitted again after the test (so pytest's
  ``filterwarnings = error`` turns it into a test error, as under trial);
* :class:`TestCase` only: DelayedCalls still pending and listening ports still open on the
  test's event loop fail the test with :class:`DirtyReactorAggregateError` (the dirty-reactor
  check), unless the class sets ``allow_dirty_reactor = True``. Either way they are cleaned
  up (calls cancelled, ports and connections closed) before the loop is closed.

Twisted: twisted.trial.unittest.
"""

from __future__ import annotations

import asyncio
import atexit
import contextvars
import gc
import inspect
import os
import shutil
import sys
import tempfile
import types
import unittest
import warnings
from collections.abc import Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar, cast, overload

from twistlike import defer
from twistlike._aio import loopstate
from twistlike._core.log import log_failure
from twistlike.defer import Deferred, ensureDeferred
from twistlike.failure import Failure
from twistlike.logger import LogEvent, globalLogPublisher

__all__ = [
    "DEFAULT_TIMEOUT_DURATION",
    "DirtyReactorAggregateError",
    "FailTest",
    "SkipTest",
    "SynchronousTestCase",
    "TestCase",
    "Todo",
    "UnflushedLoggedErrors",
    "makeTodo",
]

# unittest (and pytest, for unittest test cases) leave frames of modules that set this out of
# reported tracebacks: a failing test shows the test's frames, not this machinery.
__unittest = True

_T = TypeVar("_T")
_E = TypeVar("_E", bound=BaseException)
_P = ParamSpec("_P")

#: Seconds a :class:`TestCase` phase may run before it fails. Twisted: trial's default.
DEFAULT_TIMEOUT_DURATION = 120.0

#: Twisted: twisted.trial.unittest.SkipTest (the same class as unittest's).
SkipTest = unittest.SkipTest

_LoopFactory = Callable[[], asyncio.AbstractEventLoop]


class FailTest(AssertionError):
    """Raised by the assertion methods: the test failed (rather than errored).

    Twisted: twisted.trial.unittest.FailTest.
    """


class UnflushedLoggedErrors(Exception):
    """A test ended with Failures logged and not flushed; the message shows each traceback.

    ``failures`` holds the Failures. twistlike-only.

    Divergence from Twisted: trial reports each logged error as a separate error of the test;
    pytest shows only one error per test phase, so they are reported together.
    """

    def __init__(self, failures: Sequence[Failure]) -> None:
        super().__init__(failures)
        self.failures: list[Failure] = list(failures)

    def __str__(self) -> str:
        count = len(self.failures)
        parts = [
            f"{count} error{'s' if count != 1 else ''} logged during the test and not flushed "
            "(handle them, or remove them with flushLoggedErrors(*types) if they are expected):"
        ]
        for number, failure in enumerate(self.failures, 1):
            parts.append(f"--- logged error {number} of {count} ---\n{failure.getTraceback()}")
        return "\n".join(parts).rstrip()


class DirtyReactorAggregateError(Exception):
    """The reactor was left unclean by a test: timed calls pending or ports listening.

    ``delayedCalls`` are the pending DelayedCalls, ``selectables`` the listening ports (both
    already cleaned up when this is reported).

    Twisted: twisted.trial.util.DirtyReactorAggregateError.
    """

    def __init__(self, delayedCalls: Sequence[object], selectables: Sequence[object] = ()) -> None:
        super().__init__(delayedCalls, selectables)
        self.delayedCalls = list(delayedCalls)
        self.selectables = list(selectables)
        # Described now: cleaning them up afterwards changes their reprs.
        self._calls = [str(call) for call in self.delayedCalls]
        self._selectables = [str(port) for port in self.selectables]

    def __str__(self) -> str:
        lines = ["Reactor was unclean."]
        if self._calls:
            lines.append("DelayedCalls (cancel them, or wait for them, before the test ends):")
            lines.extend(self._calls)
        if self._selectables:
            lines.append("Selectables (listening ports; stopListening() and wait for it):")
            lines.extend(self._selectables)
        lines.append("(set allow_dirty_reactor = True on the TestCase class to allow this)")
        return "\n".join(lines)


class Todo:
    """An expected failure: the test is reported as an expected failure if it fails.

    ``errors`` restricts which exception types are expected (None: any).

    Twisted: twisted.trial.unittest.Todo.
    """

    # (Class-level too, as Twisted's attrs class has them.)
    reason: str = ""
    errors: type[BaseException] | tuple[type[BaseException], ...] | None = None

    def __init__(
        self,
        reason: str,
        errors: type[BaseException] | tuple[type[BaseException], ...] | None = None,
    ) -> None:
        self.reason = reason
        self.errors = errors

    def __repr__(self) -> str:
        return f"<Todo reason={self.reason!r} errors={self.errors!r}>"

    def expected(self, failure: Failure) -> bool:
        """Whether ``failure`` is one this todo expects."""
        if self.errors is None:
            return True
        errors = self.errors if isinstance(self.errors, tuple) else (self.errors,)
        return failure.check(*errors) is not None


def makeTodo(value: str | tuple[Any, str]) -> Todo:
    """Make a :class:`Todo` from a ``todo`` attribute: a reason, or ``(errors, reason)``.

    Twisted: twisted.trial.unittest.makeTodo.
    """
    if isinstance(value, str):
        return Todo(reason=value)
    if isinstance(value, tuple):
        errors, reason = value
        if isinstance(errors, list):
            errors = tuple(errors)
        return Todo(reason=reason, errors=errors)
    raise TypeError(f"todo must be a string or an (errors, reason) tuple, not {value!r}")


# --------------------------------------------------------------------------------------------
# Logged errors: one observer, failures go to the innermost active scope.
#
# Scopes nest: a trial test run inside another test (or inside a pytest test checked by the
# plugin) keeps its errors to itself, so the outer test neither sees nor reports them.


class _ErrorScope:
    """The Failures logged while this scope is the innermost one."""

    def __init__(self, unhandledOnly: bool, discard: bool) -> None:
        #: Only count what twistlike itself logged (the pytest plugin's rule).
        self.unhandledOnly = unhandledOnly
        #: Keep nothing: the scope only hides what is logged from the scopes around it.
        self.discard = discard
        self.failures: list[Failure] = []

    def flush(self, *errorTypes: type[BaseException]) -> list[Failure]:
        """Remove and return the collected Failures (those of ``errorTypes`` only, if given)."""
        if not errorTypes:
            flushed, self.failures = self.failures, []
            return flushed
        flushed = [f for f in self.failures if f.check(*errorTypes)]
        self.failures = [f for f in self.failures if not f.check(*errorTypes)]
        return flushed


_scopes: list[_ErrorScope] = []


def _is_unhandled(event: LogEvent) -> bool:
    """Whether twistlike itself logged the event (``log_failure`` and the twistlike loggers).

    Those are the errors nobody handled: a Deferred collected with a failure, an exception in
    a timed call or a protocol callback. ``log.err`` events (namespace ``log_legacy``) and an
    application's own ``Logger`` namespaces are deliberate logging and do not count.
    """
    namespace = event.get("log_namespace")
    return isinstance(namespace, str) and (
        namespace == "twistlike" or namespace.startswith("twistlike.")
    )


def _observe(event: LogEvent) -> None:
    if not _scopes:
        return
    scope = _scopes[-1]
    if scope.discard:
        return
    failure = event.get("log_failure")
    if failure is None and event.get("isError"):
        failure = event.get("failure")
    if not isinstance(failure, Failure):
        return
    if scope.unhandledOnly and not _is_unhandled(event):
        return
    scope.failures.append(failure)


def _observing() -> bool:
    return any(not scope.discard for scope in _scopes)


@contextmanager
def _error_scope(unhandledOnly: bool = False, discard: bool = False) -> Iterator[_ErrorScope]:
    """Collect the Failures logged through twistlike while the block runs (innermost wins).

    A ``discard`` scope keeps nothing and adds no log observer of its own: it only keeps what
    is logged inside it away from the scopes around it.
    """
    scope = _ErrorScope(unhandledOnly, discard)
    before = _observing()
    _scopes.append(scope)
    if not before and _observing():
        globalLogPublisher.addObserver(_observe)
    try:
        yield scope
    finally:
        before = _observing()
        _scopes.remove(scope)
        if before and not _observing():
            globalLogPublisher.removeObserver(_observe)


# The young-generation shortcut of _Garbage relies on CPython's three-generation collector as
# it was through 3.13; 3.14's incremental collector (and other implementations) make
# `gc.collect(1)` collect only part of the young garbage, so they always collect everything.
_GENERATIONAL_GC = sys.implementation.name == "cpython" and sys.version_info < (3, 14)

# The unittest.TestCase hooks trial's fixtures are built on (stable since Python 3.8, private).
# tests/test_trial.py checks they exist on every Python CI runs, so a release that drops one
# fails loudly there instead of silently skipping setUp or the after-test checks.
_UNITTEST_HOOKS = ("_callSetUp", "_callTestMethod", "_callTearDown", "_callCleanup")
_missing_hooks = [name for name in _UNITTEST_HOOKS if not hasattr(unittest.TestCase, name)]
if _missing_hooks:  # pragma: no cover - only on a Python whose unittest changed
    raise ImportError(
        "twistlike.trial needs unittest.TestCase's "
        + ", ".join(_missing_hooks)
        + f", which this Python ({sys.version.split()[0]}) does not have; please report it"
    )


class _Garbage:
    """Collects the garbage made since it was created, as cheaply as that can be done.

    A failed Deferred dropped inside a reference cycle logs its error only when the cycle
    is collected, so the after-test checks collect garbage first. A full collection costs
    time in proportion to everything alive (tens of milliseconds in a big test process, per
    test); if no older-generation collection ran meanwhile, nothing made since then has left
    the young generations, and collecting those is enough.
    """

    def __init__(self) -> None:
        self._older = self._olderCollections()

    @staticmethod
    def _olderCollections() -> int | None:
        if not _GENERATIONAL_GC:
            return None  # another collector design: always collect everything
        stats = gc.get_stats()
        if len(stats) != 3:
            return None
        return int(sum(generation["collections"] for generation in stats[1:]))

    def collect(self) -> None:
        older = self._olderCollections()
        if older is None or older != self._older:
            gc.collect()
        else:
            gc.collect(1)
        self._older = self._olderCollections()


# --------------------------------------------------------------------------------------------
# Warnings


class _WarningsCollector:
    """Records every warning emitted while active, instead of showing it."""

    def __init__(self) -> None:
        self.collected: list[dict[str, Any]] = []
        self._catcher: warnings.catch_warnings[None] | None = None

    def start(self) -> None:
        catcher = warnings.catch_warnings()
        catcher.__enter__()
        self._catcher = catcher
        # "always": a warning the test expects must be seen even if it was shown before
        # (catch_warnings resets the per-module "already shown" registries).
        warnings.simplefilter("always")
        warnings.showwarning = self._show

    def stop(self) -> None:
        catcher, self._catcher = self._catcher, None
        if catcher is not None:
            catcher.__exit__(None, None, None)

    def _show(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: object = None,
        line: str | None = None,
    ) -> None:
        self.collected.append(
            {"message": str(message), "category": category, "filename": filename, "lineno": lineno}
        )


def _code_of(function: object) -> types.CodeType:
    if inspect.ismethod(function):
        function = function.__func__
    if not inspect.isfunction(function):
        raise TypeError(f"{function!r} is not a function or method")
    return function.__code__


def _points_to(warning: dict[str, Any], code: types.CodeType) -> bool:
    """Whether ``warning``'s file and line fall inside the function of ``code``."""
    filename = str(warning["filename"])
    if os.path.normcase(os.path.abspath(filename)) != os.path.normcase(
        os.path.abspath(code.co_filename)
    ):
        return False
    lines = [line for _, _, line in code.co_lines() if line is not None]
    lines.append(code.co_firstlineno)
    return min(lines) <= int(warning["lineno"]) <= max(lines)


# --------------------------------------------------------------------------------------------
# Temporary paths


_tempRoot: list[str] = []


def _temp_root() -> str:
    """The per-process directory under which ``mktemp`` paths live; removed at exit."""
    if not _tempRoot:
        root = tempfile.mkdtemp(prefix="twistlike-trial-")
        _tempRoot.append(root)
        atexit.register(shutil.rmtree, root, True)
    return _tempRoot[0]


# --------------------------------------------------------------------------------------------
# Monkey patching


class _MonkeyPatcher:
    """Set attributes now and put the originals back on ``restore()``.

    Twisted: twisted.python.monkey.MonkeyPatcher (``patch``/``restore`` only).
    """

    def __init__(self, *patches: tuple[object, str, object]) -> None:
        self._patches = list(patches)
        self._originals: list[tuple[object, str, object]] = []

    def addPatch(self, obj: object, name: str, value: object) -> None:
        """Add a patch, applied by the next ``patch()``."""
        self._patches.append((obj, name, value))

    def patch(self) -> None:
        """Apply the patches, remembering the original values (restored once each)."""
        for obj, name, value in self._patches:
            if not any(o is obj and n == name for o, n, _ in self._originals):
                self._originals.append((obj, name, getattr(obj, name)))
            setattr(obj, name, value)

    def restore(self) -> None:
        """Put every original value back (most recent patch undone first)."""
        while self._originals:
            obj, name, value = self._originals.pop()
            setattr(obj, name, value)


# --------------------------------------------------------------------------------------------
# SynchronousTestCase


_MISSING: Any = object()


class SynchronousTestCase(unittest.TestCase):
    """A test case for code that needs no event loop: trial's assertions and helpers.

    Test methods, ``setUp``, ``tearDown`` and cleanups are plain functions; what they return
    is ignored (use :class:`TestCase` for Deferreds and coroutines). Drive Deferreds with
    :meth:`successResultOf`/:meth:`failureResultOf` and time with ``task.Clock``.

    Attributes read from the test method, then the class (or instance), then the module:
    ``skip`` (a reason: the test is skipped) and ``todo`` (a reason or ``(errors, reason)``:
    the test is expected to fail).

    Twisted: twisted.trial.unittest.SynchronousTestCase.
    """

    failureException = FailTest

    _loggedErrors: _ErrorScope | None = None
    _garbage: _Garbage | None = None
    _warningsCollector: _WarningsCollector | None = None
    _checksPending = False

    # ---- running ---------------------------------------------------------------------------

    def run(self, result: unittest.TestResult | None = None) -> unittest.TestResult | None:
        """Run the test, its fixtures and the after-test checks, reporting to ``result``.

        Twisted: twisted.trial.unittest.SynchronousTestCase.run.
        """
        todo = self.getTodo()
        if todo is not None:
            # unittest's own expected-failure machinery reports it (pytest: xfail).
            self.__unittest_expecting_failure__ = True
        collector = _WarningsCollector()
        self._warningsCollector = collector
        self._checksPending = True
        self._garbage = _Garbage()
        with _error_scope() as scope:
            self._loggedErrors = scope
            collector.start()
            try:
                return super().run(result)
            finally:
                collector.stop()
                self._loggedErrors = None
                self._checksPending = False

    def _callSetUp(self) -> None:
        doSkip, reason = self.getSkip()
        if doSkip:
            raise SkipTest(reason or "")
        self._runFixture(self.setUp, "setUp")

    def _callTestMethod(self, method: Callable[[], object]) -> None:
        if inspect.isgeneratorfunction(method):
            raise TypeError(f"{method!r} is a generator function and therefore will never run")
        try:
            self._runFixture(method, self._testMethodName)
        except BaseException as e:
            todo = self.getTodo()
            outcome = getattr(self, "_outcome", None)
            if todo is not None and outcome is not None and not todo.expected(Failure(e)):
                # Not an error this todo expects: an ordinary failure, as in trial.
                outcome.expecting_failure = False
            raise

    def _callTearDown(self) -> None:
        # Trial's order: cleanups first, then tearDown.
        if getattr(self, "_outcome", None) is None:
            # debug(): no result to report to, so a failing cleanup raises (as unittest's
            # debug() does with cleanups).
            while self._cleanups:  # type: ignore[attr-defined]
                function, args, kwargs = self._cleanups.pop()  # type: ignore[attr-defined]
                self._callCleanup(function, *args, **kwargs)
        else:
            unittest.TestCase.doCleanups(self)
        self._runFixture(self.tearDown, "tearDown")

    def _callCleanup(self, function: Callable[..., object], /, *args: Any, **kwargs: Any) -> None:
        name = getattr(function, "__name__", repr(function))
        self._runFixture(lambda: function(*args, **kwargs), f"cleanup function {name}")

    def _runFixture(self, f: Callable[[], object], description: str) -> None:
        """Call one of setUp, the test method, tearDown or a cleanup; results are ignored."""
        f()

    def doCleanups(self) -> None:
        """Run the remaining cleanups, then the after-test checks (once, at the end of a run).

        Each check is reported as its own error of the test, like a failing cleanup.
        """
        unittest.TestCase.doCleanups(self)
        if not self._checksPending:
            return
        self._checksPending = False
        executor = getattr(getattr(self, "_outcome", None), "testPartExecutor", None)
        for step in self._afterTestSteps():
            if executor is None:
                # debug(), or a unittest without the per-part executor: the first failing
                # check ends the run with its exception (reported as the test's error).
                step()
                continue
            with executor(self):
                step()

    def _afterTestSteps(self) -> list[Callable[[], None]]:
        return [self._checkLoggedErrors, self._reemitWarnings]

    def _checkLoggedErrors(self) -> None:
        scope = self._loggedErrors
        if scope is None:
            return
        # An unhandled error in a Deferred is logged when the Deferred is collected.
        if self._garbage is not None:
            self._garbage.collect()
        else:
            gc.collect()
        failures = scope.flush()
        if failures:
            raise UnflushedLoggedErrors(failures)

    def _reemitWarnings(self) -> None:
        collector = self._warningsCollector
        if collector is None:
            return
        collector.stop()
        for warning in self.flushWarnings():
            warnings.warn_explicit(
                message=warning["message"],
                category=warning["category"],
                filename=warning["filename"],
                lineno=warning["lineno"],
            )

    # ---- attributes ------------------------------------------------------------------------

    def _acquire(self, name: str, default: Any) -> Any:
        """Look ``name`` up on the test method, then self (and class), then the module."""
        method = getattr(self, self._testMethodName, None)
        module = sys.modules.get(type(self).__module__)
        for source in (method, self, module):
            if source is None:
                continue
            value = getattr(source, name, _MISSING)
            if value is not _MISSING:
                return value
        return default

    def getSkip(self) -> tuple[bool, str | None]:
        """Return ``(skip?, reason)`` from the ``skip`` attribute.

        Twisted: twisted.trial.unittest.SynchronousTestCase.getSkip.
        """
        reason = self._acquire("skip", None)
        if reason is None:
            return (False, None)
        return (True, str(reason))

    def getTodo(self) -> Todo | None:
        """Return the :class:`Todo` of the ``todo`` attribute, if any.

        Twisted: twisted.trial.unittest.SynchronousTestCase.getTodo.
        """
        todo = self._acquire("todo", None)
        if todo is None:
            return None
        return makeTodo(todo)

    # ---- Deferreds -------------------------------------------------------------------------

    def successResultOf(self, deferred: Deferred[_T] | Coroutine[Any, Any, _T]) -> _T:
        """Return the success result ``deferred`` already has, or fail the test.

        The result is consumed: afterwards the Deferred's result is None. A coroutine is run
        with ``ensureDeferred`` first.

        Twisted: twisted.trial.unittest.SynchronousTestCase.successResultOf.
        """
        d = ensureDeferred(deferred)
        results: list[Any] = []
        d.addBoth(results.append)
        if not results:
            self.fail(f"Success result expected on {d!r}, found no result instead")
        result = results[0]
        if isinstance(result, Failure):
            self.fail(
                f"Success result expected on {d!r}, found failure result instead:\n"
                f"{result.getTraceback()}"
            )
        return cast(_T, result)

    def failureResultOf(
        self, deferred: Deferred[Any] | Coroutine[Any, Any, Any], *expectedExceptionTypes: type
    ) -> Failure:
        """Return the Failure ``deferred`` already has (of one of the given types), or fail.

        The failure is consumed (the Deferred's result becomes None), so it is not logged.

        Twisted: twisted.trial.unittest.SynchronousTestCase.failureResultOf.
        """
        d = ensureDeferred(deferred)
        results: list[Any] = []
        d.addBoth(results.append)
        if not results:
            self.fail(f"Failure result expected on {d!r}, found no result instead")
        result = results[0]
        if not isinstance(result, Failure):
            self.fail(
                f"Failure result expected on {d!r}, found success result ({result!r}) instead"
            )
        if expectedExceptionTypes and not result.check(*expectedExceptionTypes):
            expected = " or ".join(
                f"{t.__module__}.{t.__qualname__}" for t in expectedExceptionTypes
            )
            self.fail(
                f"Failure of type ({expected}) expected on {d!r}, found type {result.type!r} "
                f"instead: {result.getTraceback()}"
            )
        return result

    def assertNoResult(self, deferred: Deferred[Any] | Coroutine[Any, Any, Any]) -> None:
        """Fail if ``deferred`` has a result; if it has none, it is left untouched.

        A failure result found here is consumed (the assertion reports it instead).

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertNoResult.
        """
        d = ensureDeferred(deferred)
        results: list[Any] = []

        def look(result: object) -> object:
            results.append(result)
            return result

        d.addBoth(look)
        if results:
            d.addErrback(lambda _: None)
            self.fail(f"No result expected on {d!r}, found {results[0]!r} instead")

    # ---- logged errors and warnings ---------------------------------------------------------

    def flushLoggedErrors(self, *errorTypes: type[BaseException]) -> list[Failure]:
        """Remove and return the Failures logged during this test (of ``errorTypes`` only, if
        given), so they do not fail it.

        Garbage is collected first, so an unhandled error in an unreachable Deferred is seen.

        Twisted: twisted.trial.unittest.SynchronousTestCase.flushLoggedErrors.
        """
        scope = self._loggedErrors
        if scope is None:
            return []
        gc.collect()
        return scope.flush(*errorTypes)

    def flushWarnings(
        self, offendingFunctions: Sequence[Callable[..., Any]] | None = None
    ) -> list[dict[str, Any]]:
        """Remove and return the warnings emitted during this test.

        Each is a dict with ``message`` (str), ``category``, ``filename`` and ``lineno``.
        With ``offendingFunctions``, only warnings whose location is inside one of those
        functions are flushed (a warning "points" at the code its ``stacklevel`` names).

        Twisted: twisted.trial.unittest.SynchronousTestCase.flushWarnings.

        Raises:
            TypeError: an entry of ``offendingFunctions`` is not a function or method.
        """
        collector = self._warningsCollector
        if collector is None:
            return []
        if offendingFunctions is None:
            flushed, collector.collected = collector.collected, []
            return flushed
        codes = [_code_of(function) for function in offendingFunctions]
        flushed = []
        kept = []
        for warning in collector.collected:
            if any(_points_to(warning, code) for code in codes):
                flushed.append(warning)
            else:
                kept.append(warning)
        collector.collected = kept
        return flushed

    # ---- other helpers ---------------------------------------------------------------------

    def patch(self, obj: object, attribute: str, value: object) -> _MonkeyPatcher:
        """Set ``obj.attribute = value`` for the rest of the test (undone by a cleanup).

        Returns the patcher, whose ``restore()``/``patch()`` undo and redo it.

        Twisted: twisted.trial.unittest.SynchronousTestCase.patch.
        """
        patcher = _MonkeyPatcher((obj, attribute, value))
        patcher.patch()
        self.addCleanup(patcher.restore)
        return patcher

    def mktemp(self) -> str:
        """Return a new unique path (not created; its parent directory exists).

        Divergence from Twisted: trial returns a path relative to its ``_trial_temp``
        working directory; here the path is absolute, under one temporary directory per
        process (removed at exit), so tests run by pytest do not write into the project.

        Twisted: twisted.trial.unittest.SynchronousTestCase.mktemp.
        """
        base = os.path.join(
            _temp_root(),
            type(self).__module__[:32],
            type(self).__name__[:32],
            self._testMethodName[:32],
        )
        os.makedirs(base, exist_ok=True)
        return os.path.join(tempfile.mkdtemp(dir=base), "temp")

    # ---- assertions with trial's spelling or behaviour -------------------------------------

    @overload  # type: ignore[override]
    def assertRaises(
        self, exception: type[_E] | tuple[type[_E], ...], f: None = None
    ) -> unittest.case._AssertRaisesContext[_E]: ...

    @overload
    def assertRaises(
        self,
        exception: type[_E] | tuple[type[_E], ...],
        f: Callable[_P, object],
        *args: _P.args,
        **kwargs: _P.kwargs,
    ) -> _E: ...

    def assertRaises(
        self, exception: Any, f: Callable[..., object] | None = None, *args: Any, **kwargs: Any
    ) -> Any:
        """Fail unless ``f(*args, **kwargs)`` raises ``exception``; return the exception.

        With no ``f``, return a context manager (``with self.assertRaises(E) as cm:``; the
        exception is ``cm.exception``). Another exception fails the test (trial's rule).

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertRaises.
        """
        if f is None:
            return super().assertRaises(exception)
        try:
            result = f(*args, **kwargs)
        except exception as e:
            return e
        except BaseException as e:
            self.fail(f"{e!r} raised instead of {exception!r}:\n{Failure().getTraceback()}")
        self.fail(f"{exception!r} not raised ({result!r} returned)")

    failUnlessRaises = assertRaises  # type: ignore[assignment]

    def assertApproximates(
        self, first: Any, second: Any, tolerance: Any, msg: str | None = None
    ) -> Any:
        """Fail if ``first`` and ``second`` differ by more than ``tolerance``; return first.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertApproximates.
        """
        if abs(first - second) > tolerance:
            raise self.failureException(msg or f"{first} ~== {second}")
        return first

    failUnlessApproximates = assertApproximates

    def assertSubstring(self, substring: Any, astring: Any, msg: str | None = None) -> Any:
        """Fail if ``substring`` is not in ``astring``; return ``substring``.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertSubstring.
        """
        return self.assertIn(substring, astring, msg)

    failUnlessSubstring = assertSubstring

    def assertNotSubstring(self, substring: Any, astring: Any, msg: str | None = None) -> Any:
        """Fail if ``substring`` is in ``astring``; return ``substring``.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertNotSubstring.
        """
        return self.assertNotIn(substring, astring, msg)

    failIfSubstring = assertNotSubstring

    def assertIsInstance(self, instance: Any, classOrTuple: Any, message: Any = None) -> None:
        """Fail unless ``isinstance(instance, classOrTuple)``.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertIsInstance.
        """
        if not isinstance(instance, classOrTuple):
            suffix = "" if message is None else f": {message}"
            self.fail(f"{instance!r} is not an instance of {classOrTuple}{suffix}")

    failUnlessIsInstance = assertIsInstance

    def assertNotIsInstance(self, instance: Any, classOrTuple: Any, msg: Any = None) -> None:
        """Fail if ``isinstance(instance, classOrTuple)``.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertNotIsInstance.
        """
        if isinstance(instance, classOrTuple):
            suffix = "" if msg is None else f": {msg}"
            self.fail(f"{instance!r} is an instance of {classOrTuple}{suffix}")

    failIfIsInstance = assertNotIsInstance

    @overload  # type: ignore[override]
    def assertWarns(
        self, category: type[Warning] | tuple[type[Warning], ...], *, msg: Any = None
    ) -> unittest.case._AssertWarnsContext: ...

    @overload
    def assertWarns(
        self,
        category: type[Warning],
        message: str,
        filename: str,
        f: Callable[_P, _T],
        *args: _P.args,
        **kwargs: _P.kwargs,
    ) -> _T: ...

    @overload
    def assertWarns(
        self,
        category: type[Warning] | tuple[type[Warning], ...],
        callable: Callable[_P, object],
        *args: _P.args,
        **kwargs: _P.kwargs,
    ) -> None: ...

    def assertWarns(self, category: Any, *args: Any, **kwargs: Any) -> Any:
        """Call ``f(*args, **kwargs)``, check the warning it emits and return its result.

        Trial's form is ``assertWarns(category, message, filename, f, *args, **kwargs)``:
        ``f`` must emit at least one warning, all of them the same, with exactly
        ``message`` and ``category``, from a file whose name ``filename`` starts with.

        unittest's forms work too: ``with self.assertWarns(category):`` and
        ``self.assertWarns(category, callable, *args, **kwargs)``.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertWarns.
        """
        if not args or callable(args[0]):
            return super().assertWarns(category, *args, **kwargs)
        message, filename, f, *rest = args
        collector = _WarningsCollector()
        collector.start()
        try:
            result = f(*rest, **kwargs)
        finally:
            collector.stop()
        shown = collector.collected
        if not shown:
            self.fail("No warnings emitted")
        first = shown[0]
        for other in shown[1:]:
            if (other["message"], other["category"]) != (first["message"], first["category"]):
                self.fail(f"Different warnings emitted: {shown!r}")
        self.assertEqual(first["message"], message)
        self.assertIs(first["category"], category)
        # startswith: the warning may name the .py file while the caller passes __file__.
        self.assertTrue(
            str(filename).startswith(first["filename"]),
            f"Warning in {first['filename']!r}, expected {filename!r}",
        )
        return result

    failUnlessWarns = assertWarns

    # As trial: the assertions return a value (the first argument, the condition or the
    # containee), so ``d.addCallback(self.assertEqual, expected)`` passes the result on.
    # The checks and messages are unittest's.

    def assertEqual(self, first: Any, second: Any, msg: Any = None) -> Any:
        """Fail unless ``first == second``; return ``first``.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertEqual.
        """
        super().assertEqual(first, second, msg)
        return first

    def assertNotEqual(self, first: Any, second: Any, msg: Any = None) -> Any:
        """Fail if ``first == second``; return ``first``.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertNotEqual.
        """
        super().assertNotEqual(first, second, msg)
        return first

    def assertTrue(self, condition: Any, msg: Any = None) -> Any:
        """Fail unless ``condition`` is true; return it.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertTrue.
        """
        super().assertTrue(condition, msg)
        return condition

    def assertFalse(self, condition: Any, msg: Any = None) -> Any:
        """Fail unless ``condition`` is false; return it.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertFalse.
        """
        super().assertFalse(condition, msg)
        return condition

    def assertIs(self, first: Any, second: Any, msg: Any = None) -> Any:
        """Fail unless ``first is second``; return ``first``.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertIs.
        """
        super().assertIs(first, second, msg)
        return first

    def assertIsNot(self, first: Any, second: Any, msg: Any = None) -> Any:
        """Fail if ``first is second``; return ``first``.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertIsNot.
        """
        super().assertIsNot(first, second, msg)
        return first

    def assertIn(self, containee: Any, container: Any, msg: Any = None) -> Any:
        """Fail unless ``containee in container``; return ``containee``.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertIn.
        """
        super().assertIn(containee, container, msg)
        return containee

    def assertNotIn(self, containee: Any, container: Any, msg: Any = None) -> Any:
        """Fail if ``containee in container``; return ``containee``.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertNotIn.
        """
        super().assertNotIn(containee, container, msg)
        return containee

    def assertAlmostEqual(
        self, first: Any, second: Any, places: Any = None, msg: Any = None, delta: Any = None
    ) -> Any:
        """Fail unless ``first`` and ``second`` are equal to ``places`` (or within ``delta``);
        return ``first``.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertAlmostEqual.
        """
        super().assertAlmostEqual(first, second, places, msg, delta)
        return first

    def assertNotAlmostEqual(
        self, first: Any, second: Any, places: Any = None, msg: Any = None, delta: Any = None
    ) -> Any:
        """Fail if ``first`` and ``second`` are equal to ``places`` (or within ``delta``);
        return ``first``.

        Twisted: twisted.trial.unittest.SynchronousTestCase.assertNotAlmostEqual.
        """
        super().assertNotAlmostEqual(first, second, places, msg, delta)
        return first

    # Trial's other spellings. (unittest's own deprecated aliases warn on Python 3.11 and
    # were removed in 3.12; these are trial's, and do not warn.)
    assertEquals = assertEqual
    failUnlessEqual = assertEqual
    failUnlessEquals = assertEqual
    assertNotEquals = assertNotEqual
    failIfEqual = assertNotEqual
    failIfEquals = assertNotEqual
    assertIdentical = assertIs
    failUnlessIdentical = assertIs
    assertNotIdentical = assertIsNot
    failIfIdentical = assertIsNot
    failUnlessIn = assertIn
    failIfIn = assertNotIn
    assertNot = assertFalse
    failIf = assertFalse  # type: ignore[assignment]  # (typeshed: 'expr')
    failUnlessFalse = assertFalse
    failUnless = assertTrue  # type: ignore[assignment]
    failUnlessTrue = assertTrue
    assert_ = assertTrue  # type: ignore[assignment]
    assertAlmostEquals = assertAlmostEqual
    failUnlessAlmostEqual = assertAlmostEqual
    assertNotAlmostEquals = assertNotAlmostEqual
    failIfAlmostEqual = assertNotAlmostEqual
    failIfAlmostEquals = assertNotAlmostEqual


# --------------------------------------------------------------------------------------------
# TestCase


def _class_attribute(obj: object, name: str) -> Any:
    """``obj``'s attribute ``name`` as stored (a function there is not turned into a method)."""
    value = vars(obj).get(name, _MISSING) if hasattr(obj, "__dict__") else _MISSING
    if value is _MISSING:
        for klass in type(obj).__mro__:
            if name in vars(klass):
                value = vars(klass)[name]
                break
        else:
            return None
    if isinstance(value, staticmethod):
        return value.__func__
    return value


def _await_anything(result: object) -> tuple[Deferred[Any] | None, bool]:
    """A Deferred for what a test function returned (None: nothing to wait for), and whether
    it runs a coroutine."""
    if isinstance(result, Deferred):
        return result, False
    if isinstance(result, types.CoroutineType):
        return Deferred.fromCoroutine(result), True
    if asyncio.isfuture(result):
        return Deferred.fromFuture(result), False
    if inspect.isawaitable(result):
        awaitable = result

        async def wait() -> object:
            return await awaitable

        return Deferred.fromCoroutine(wait()), True
    return None, False


class TestCase(SynchronousTestCase):
    """A test case whose test methods and fixtures may return Deferreds or be coroutines.

    Each test runs on a fresh asyncio event loop (closed after the test): ``setUp``, the test
    method, cleanups and ``tearDown`` each run inside it, and a Deferred or coroutine one of
    them returns is waited for before the next starts. Inside, the reactor
    (``from twistlike import reactor``) works on that loop, and coroutines may await
    Deferreds and asyncio awaitables alike.

    Class (or test method / module) attributes:

    * ``timeout``: seconds each of those steps may take (default 120, as trial); a step still
      running then fails the test with :class:`twistlike.defer.TimeoutError`.
    * ``loop_factory``: a callable making the loop, e.g. ``uvloop.new_event_loop``
      (twistlike-only; the name of :class:`unittest.IsolatedAsyncioTestCase`'s attribute).
      When unset: under pytest, the ``twistlike_loop_factory`` fixture; else the
      ``TWISTLIKE_LOOP`` environment variable (``asyncio`` or ``uvloop``); default asyncio's
      loop.
    * ``allow_dirty_reactor``: True lets a test leave timed calls pending or ports listening
      (twistlike-only). They are cleaned up either way.

    An exception reported to the loop's exception handler (a Task's exception never
    retrieved, an exception in a callback) is logged as an error of the test.

    Twisted: twisted.trial.unittest.TestCase.
    """

    #: Let tests leave pending timed calls and listening ports behind (they are still
    #: cleaned up). twistlike-only.
    allow_dirty_reactor: bool = False

    _runner: asyncio.Runner | None = None
    _context: contextvars.Context | None = None
    _dirty: DirtyReactorAggregateError | None = None

    def run(self, result: unittest.TestResult | None = None) -> unittest.TestResult | None:
        """Run the test on a fresh event loop; see the class documentation.

        Divergence from Twisted: trial runs every test on the one global reactor; here each
        test has its own loop, so nothing a test leaves behind reaches the next one.

        Twisted: twisted.trial.unittest.TestCase.run.
        """
        self._startLoop()
        try:
            return super().run(result)
        finally:
            self._closeLoop()

    def debug(self) -> None:
        """Run the test without a result, letting its exceptions propagate (unittest's)."""
        self._startLoop()
        try:
            super().debug()
        finally:
            self._closeLoop()

    def getTimeout(self) -> float:
        """Return the ``timeout`` attribute (method, class or module), default 120 seconds.

        Twisted: twisted.trial.unittest.TestCase.getTimeout.
        """
        timeout = self._acquire("timeout", DEFAULT_TIMEOUT_DURATION)
        try:
            return float(timeout)
        except (TypeError, ValueError):
            # As trial: a timeout that is not a number gives the default.
            return DEFAULT_TIMEOUT_DURATION

    #: Set by the pytest plugin from its ``twistlike_loop_factory`` fixture.
    _defaultLoopFactory: _LoopFactory | None = None

    def _loopFactory(self) -> _LoopFactory:
        factory = _class_attribute(self, "loop_factory")
        if factory is None:
            factory = self._defaultLoopFactory
        if factory is None:
            return loopstate.env_loop_factory()
        return cast(_LoopFactory, factory)

    def _startLoop(self) -> None:
        runner = asyncio.Runner(loop_factory=self._loopFactory())
        runner.get_loop().set_exception_handler(self._loopException)
        self._runner = runner
        self._context = contextvars.copy_context()
        self._dirty = None

    def _loopException(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        message = str(context.get("message", "exception in the event loop"))
        exc = context.get("exception")
        if isinstance(exc, BaseException):
            failure = Failure(exc, type(exc), exc.__traceback__)
        else:
            failure = Failure(RuntimeError(message))
        log_failure(
            failure,
            f"The event loop's exception handler was called: {message}",
            namespace="twistlike.trial",
        )

    def _closeLoop(self) -> None:
        """Clean up what the test left on its loop and close the loop (idempotent)."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        from twistlike._aio.reactor import reactor

        loop = runner.get_loop()
        try:
            state = runner.run(_reactor_state(), context=self._context)
            calls = state.delayed_calls()
            # Divergence from Twisted: trial's "selectables" include open connections; here
            # they are closed without failing the test, because asyncio reports a peer's
            # connection_lost a loop turn later and such a check would make tests flaky.
            ports = state.open_ports()
            if (calls or ports) and not _class_attribute(self, "allow_dirty_reactor"):
                self._dirty = DirtyReactorAggregateError(calls, ports)
            for call in calls:
                call.cancel()
            # Ports stop listening; connections and connection attempts end, as at shutdown.
            state.disconnect_all()
            # Let the closing transports deliver connectionLost and the ports their doStop.
            for _ in range(3):
                runner.run(asyncio.sleep(0), context=self._context)
        finally:
            try:
                runner.close()
            finally:
                loopstate.forget(reactor, loop)

    def _afterTestSteps(self) -> list[Callable[[], None]]:
        return [self._closeLoop, self._checkLoggedErrors, self._reportDirty, self._reemitWarnings]

    def _reportDirty(self) -> None:
        dirty, self._dirty = self._dirty, None
        if dirty is not None:
            raise dirty

    # ---- running the phases on the loop -----------------------------------------------------

    def _runFixture(self, f: Callable[[], object], description: str) -> None:
        runner = self._runner
        if runner is None:
            raise RuntimeError("TestCase fixtures and tests run only inside run() or debug()")
        runner.run(self._phase(f, description), context=self._context)

    async def _phase(self, f: Callable[[], object], description: str) -> None:
        d, isCoroutine = _await_anything(f())
        if d is None:
            return
        loop = asyncio.get_running_loop()
        settled: asyncio.Future[object] = loop.create_future()

        def settle(result: object) -> None:
            # Returning None consumes a failure: it is reported here, not logged as unhandled.
            if not settled.done():
                settled.set_result(result)

        d.addBoth(settle)
        if not settled.done():
            timeout = self.getTimeout()
            timedOut: list[defer.TimeoutError] = []

            def onTimeout() -> None:
                error = defer.TimeoutError(
                    f"{self.id()} ({description}) still running after {timeout:g} seconds "
                    "(the timeout attribute of the test case)"
                )
                if not isCoroutine and not d.called:
                    # As trial: the test's Deferred fails with the TimeoutError, and its own
                    # errbacks see it (one that handles it makes the test pass, as in trial).
                    d.errback(Failure(error))
                    if settled.done():
                        return
                # A coroutine, or a Deferred waiting on another one: stop waiting, and cancel
                # it so that what it waits for is released. (Divergence from Twisted: trial
                # errbacks a coroutine's Deferred and lets the coroutine run on.)
                timedOut.append(error)
                settled.set_result(Failure(error))
                d.cancel()

            handle = loop.call_later(timeout, onTimeout)
            try:
                await settled
            finally:
                handle.cancel()
            if timedOut:
                raise timedOut[0]
        outcome = settled.result()
        if isinstance(outcome, Failure):
            raise outcome.value.with_traceback(outcome.tb)

    # ---- assertions ------------------------------------------------------------------------

    def assertFailure(self, deferred: Deferred[Any], *expectedFailures: type[_E]) -> Deferred[_E]:
        """Return a Deferred that fires with the exception ``deferred`` fails with.

        It fails the test (fails with ``failureException``) if ``deferred`` succeeds or fails
        with an exception not among ``expectedFailures``.

        Twisted: twisted.trial.unittest.TestCase.assertFailure.
        """

        def succeeded(result: object) -> NoReturn:
            raise self.failureException(f"did not catch an error, instead got {result!r}")

        def failed(failure: Failure) -> Any:
            if failure.check(*expectedFailures):
                return failure.value
            expected = ", ".join(repr(t) for t in expectedFailures)
            raise self.failureException(f"\nExpected: {expected}\nGot:\n{failure}")

        return deferred.addCallbacks(succeeded, failed)

    failUnlessFailure = assertFailure


async def _reactor_state() -> loopstate.LoopState:
    """The reactor's state object for the running loop (called on the test's loop)."""
    from twistlike._aio.reactor import reactor

    return loopstate.current(reactor)


if not TYPE_CHECKING:
    # (Hidden from type checkers, which would otherwise accept any name from this module.)

    def __getattr__(name: str) -> object:
        # A Twisted name twistlike does not provide fails with the reason (docs/missing.md).
        from twistlike._porting.missing import missing_name_error

        raise missing_name_error(__name__, name)

"""Shared pytest configuration: every asyncio test runs on two loops, in debug mode, watched.

Tests opt in with ``@pytest.mark.asyncio`` and need nothing else:

- Each such test runs twice, once on asyncio's default loop (id ``asyncio``) and once on
  uvloop (id ``uvloop``, where uvloop is installed), through pytest-asyncio's
  ``pytest_asyncio_loop_factories`` hook (the supported way since pytest-asyncio 1.4;
  overriding the ``event_loop_policy`` fixture is deprecated).
  ``@pytest.mark.asyncio(loop_factories=["asyncio"])`` selects a subset.
- The loops run in asyncio debug mode (``--asyncio-debug`` is switched on here, because
  pytest-asyncio re-applies that option to every loop after our factory made it).
- A loop's exception handler fails the test: "Task exception was never retrieved", "Task was
  destroyed but it is pending", an exception in a callback and the like are recorded, and the
  test that was running fails at teardown with what was recorded (after its loop was closed and
  garbage was collected, so reports made at close or at collection count too).
"""

from __future__ import annotations

import asyncio
import gc
import textwrap
import traceback
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest

try:
    import uvloop
except ImportError:  # pragma: no cover - uvloop does not exist on Windows
    uvloop = None  # type: ignore[assignment]

_LoopFactory = Callable[[], asyncio.AbstractEventLoop]

#: What loop exception handlers reported since the last check, and whether a loop was made.
_reports: list[dict[str, Any]] = []
_loopsMade: list[asyncio.AbstractEventLoop] = []


def _record(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """The exception handler of every test loop: keep the report for the teardown check."""
    _reports.append(context)


def _watched(factory: _LoopFactory) -> _LoopFactory:
    """Wrap a loop factory so that its loops run in debug mode with the recording handler."""

    def make() -> asyncio.AbstractEventLoop:
        loop = factory()
        loop.set_debug(True)
        loop.set_exception_handler(_record)
        _loopsMade.append(loop)
        return loop

    return make


_FACTORIES: dict[str, _LoopFactory] = {"asyncio": _watched(asyncio.new_event_loop)}
if uvloop is not None:
    _FACTORIES["uvloop"] = _watched(uvloop.new_event_loop)


def pytest_configure(config: pytest.Config) -> None:
    """Turn on asyncio debug mode for pytest-asyncio's loops (as ``--asyncio-debug`` does)."""
    config.option.asyncio_debug = True


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, _LoopFactory]:
    """Run every pytest-asyncio test on each loop in ``_FACTORIES``."""
    return _FACTORIES


def _describe(context: dict[str, Any]) -> str:
    """One report of a loop's exception handler, as text (message, then the exception)."""
    lines = [str(context.get("message", "<no message>"))]
    for key, value in context.items():
        # The creation stacks of debug mode are long; the message names the place already.
        if key not in ("message", "exception", "source_traceback", "handle_traceback"):
            lines.append(f"  {key}: {value!r}")
    exc = context.get("exception")
    if isinstance(exc, BaseException):
        lines.append(textwrap.indent("".join(traceback.format_exception(exc)), "  ").rstrip())
    return "\n".join(lines)


@pytest.fixture(autouse=True)
def _fail_on_loop_exception_handler() -> Iterator[None]:
    """Fail the test if a test loop's exception handler was called during it.

    Autouse fixtures are set up before pytest-asyncio's loop runner, so this teardown runs
    after the runner closed a function-scoped loop. Reports from a loop of a wider scope
    are checked at the teardown of the test that is running (or follows) when they arrive.
    """
    yield
    if _loopsMade:
        # Reports made from __del__ (a pending Task destroyed, an exception never retrieved)
        # arrive only when the objects are collected.
        _loopsMade.clear()
        gc.collect()
    if _reports:
        reports = list(_reports)
        _reports.clear()
        text = "\n\n".join(_describe(context) for context in reports)
        pytest.fail(f"the event loop's exception handler was called:\n{text}", pytrace=False)


def _no_hypothesis_patches() -> None:
    """Keep a failing Hypothesis example a plain test failure.

    Importing Twisted (our behaviour oracle) gives ``abc.ABC`` a ``__provides__`` attribute
    that raises on access; Hypothesis's patch writer (libcst) trips over it while reporting a
    failing example, and pytest-xdist then turns the failure into an INTERNALERROR that hides
    it. The patch files are a convenience we do not use.
    """
    try:
        from hypothesis.extra import _patching
    except ImportError:  # pragma: no cover - libcst not installed
        return
    _patching.get_patch_for = lambda *args, **kwargs: None


_no_hypothesis_patches()

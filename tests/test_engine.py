"""The optional compiled chain engine: selection, fallback, and Deferred staying a Python class.

The whole suite runs against both engines in CI (``TWISTLIKE_PURE_PYTHON=1`` on one
interpreter); these tests cover what is specific to having two: which one is selected, that
the fallback is said once, and that the public Deferred can still be subclassed, monkeypatched
and given attributes as Twisted code does, whichever engine is underneath.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import weakref
from typing import Any

import pytest

import twistlike._core.chain as pure_chain
from twistlike._core import engine
from twistlike.defer import Deferred, succeed
from twistlike.failure import Failure

_COMPILED_AVAILABLE = importlib.util.find_spec("twistlike._core.chain_c") is not None


def _run(code: str, **env: str) -> str:
    """Run ``code`` in a fresh interpreter with extra environment; return its stdout."""
    environment = {k: v for k, v in os.environ.items() if k != engine.PURE_PYTHON_VARIABLE}
    environment.update(env)
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=environment,
    )
    return done.stdout


def test_compiled_flag_names_the_module_in_use() -> None:
    """COMPILED is true exactly when the engine module is the compiled copy."""
    assert engine.COMPILED == (engine.chain.__name__ == "twistlike._core.chain_c")
    assert issubclass(Deferred, engine.chain.DeferredBase)


def test_pure_python_variable_selects_the_pure_engine() -> None:
    """TWISTLIKE_PURE_PYTHON=1 makes Deferred run on the pure-Python module."""
    out = _run(
        "import twistlike.defer as d, twistlike._core.engine as e;"
        "print(e.COMPILED, e.chain.__name__, d.Deferred.__mro__[1].__module__)",
        TWISTLIKE_PURE_PYTHON="1",
    )
    assert out.split() == ["False", "twistlike._core.chain", "twistlike._core.chain"]


@pytest.mark.skipif(not _COMPILED_AVAILABLE, reason="the compiled engine was not built here")
def test_compiled_engine_is_the_default_when_built() -> None:
    """Without the variable, a built compiled engine is used."""
    out = _run("import twistlike._core.engine as e; print(e.COMPILED)")
    assert out.split() == ["True"]


# Child-process preamble: keep what the "twistlike" logger says, at any level, in `records`.
_KEEP_RECORDS = """
import logging, sys, types
records = []
class Keep(logging.Handler):
    def emit(self, record):
        records.append(record)
logger = logging.getLogger("twistlike")
logger.addHandler(Keep())
logger.setLevel(logging.DEBUG)
"""


def test_fallback_is_said_once_at_debug_level() -> None:
    """Without the compiled module, the pure engine is used and the 'twistlike' logger says so
    once, at DEBUG."""
    script = """
sys.modules["twistlike._core.chain_c"] = None  # as if it was never built
import twistlike.defer, twistlike._core.deferred, twistlike._core.engine as e
import importlib; importlib.import_module("twistlike.task")
print(e.COMPILED, len(records), records[0].levelname, "pure Python" in records[0].getMessage())
"""
    assert _run(_KEEP_RECORDS + script).split() == ["False", "1", "DEBUG", "True"]


def test_a_compiled_engine_older_than_its_source_is_not_used() -> None:
    """A compiled engine stamped with another source's CRC (an edited editable install) is
    ignored: the pure engine runs, and the 'twistlike' logger says why, once."""
    script = """
stale = types.ModuleType("twistlike._core.chain_c")
stale.SOURCE_CRC32 = -1
sys.modules["twistlike._core.chain_c"] = stale
import twistlike.defer, twistlike._core.engine as e
print(e.COMPILED, e.chain.__name__, len(records), "older" in records[0].getMessage())
"""
    assert _run(_KEEP_RECORDS + script).split() == ["False", "twistlike._core.chain", "1", "True"]


def test_a_python_subclass_overrides_hot_methods() -> None:
    """A Python subclass of Deferred overrides callback/addCallback, as Twisted code does."""
    calls: list[str] = []

    class Logged(Deferred[int]):
        def addCallback(self, callback: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append("addCallback")
            return super().addCallback(callback, *args, **kwargs)

        def callback(self, result: int | Failure) -> None:
            calls.append(f"callback {result}")
            super().callback(result)

    d = Logged()
    d.addCallback(lambda r: r + 1)
    d.callback(1)
    assert calls == ["addCallback", "callback 1"]
    assert d.result == 2
    assert type(d).__mro__[1] is Deferred


def test_subclass_with_slots_and_extra_state() -> None:
    """A subclass may add its own __slots__ and __init__ arguments."""

    class Named(Deferred[str]):
        __slots__ = ("name",)

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    d = Named("x")
    d.addCallback(str.upper)
    d.callback("ok")
    assert (d.name, d.result, d.called) == ("x", "OK", True)


def test_monkeypatching_a_method_on_deferred(monkeypatch: pytest.MonkeyPatch) -> None:
    """monkeypatch.setattr(Deferred, 'addCallback', ...) reaches every Deferred, as in
    Twisted."""
    seen: list[object] = []
    original = Deferred.addCallback

    def spy(self: Deferred[Any], callback: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(callback)
        return original(self, callback, *args, **kwargs)

    monkeypatch.setattr(Deferred, "addCallback", spy)
    d: Deferred[int] = Deferred()
    d.addCallback(abs)
    d.callback(-3)
    assert seen == [abs]
    assert d.result == 3
    monkeypatch.undo()
    assert Deferred.addCallback is original


def test_debug_switch_set_on_the_class_and_on_an_instance() -> None:
    """Deferred.debug set directly on the class (or an instance) is seen by the engine."""
    Deferred.debug = True
    try:
        d: Deferred[None] = Deferred()
        assert d._debugInfo is not None and d._debugInfo.creator is not None
    finally:
        Deferred.debug = False
    quiet: Deferred[None] = Deferred()
    assert quiet._debugInfo is None
    quiet.debug = True  # type: ignore[misc]
    quiet.callback(None)
    assert quiet._debugInfo is not None and quiet._debugInfo.invoker is not None


def test_arbitrary_attributes_and_weak_references() -> None:
    """Instances take any attribute and can be weakly referenced (Twisted code does both)."""
    d: Deferred[int] = Deferred()
    d.label = "request 1"  # type: ignore[attr-defined]
    assert d.label == "request 1"  # type: ignore[attr-defined]
    ref = weakref.ref(d)
    assert ref() is d
    fired = succeed(5)
    fired.extra = 1  # type: ignore[attr-defined]
    assert isinstance(fired, Deferred) and fired.result == 5


def test_the_pure_engine_module_is_always_importable() -> None:
    """The pure-Python module is importable whatever engine runs, and is a usable base."""
    if pure_chain is not engine.chain:
        # The compiled engine runs: give the pure one what the Deferred module gave it.
        import twistlike._core.deferred as deferred

        pure_chain.install(
            failure=Failure,
            debug_info=deferred.DebugInfo,
            already_called=deferred.AlreadyCalledError,
            where=deferred._where,
            passthru=deferred.passthru,
            plain_result_types=deferred.PLAIN_RESULT_TYPES,
            adopt=deferred.adopt_if_foreign,
        )

    class Plain(pure_chain.DeferredBase):
        pass

    d = Plain()
    d.addCallback(lambda r: r * 2)
    d.callback(21)
    assert d.result == 42

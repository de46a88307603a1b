"""Which chain engine runs: the mypyc-compiled one when it was built, else pure Python.

The Deferred's hot half (:mod:`twistlike._core._chain`) is pure Python and always importable.
When a C compiler was present at install time, the build also compiled a copy of it with
mypyc, ``twistlike._core._chain_c``; it is used unless ``TWISTLIKE_PURE_PYTHON=1`` is set
(for debugging, and for running the suite against the pure engine). Both behave the same; the
test suite runs against both in CI.

Falling back (no compiled module, or it failed to load) is said once, at DEBUG level, on the
``twistlike`` logger.
"""

from __future__ import annotations

import importlib
import logging
import os
from types import ModuleType
from typing import TYPE_CHECKING

__all__ = ["COMPILED", "PURE_PYTHON_VARIABLE", "chain"]

#: The environment variable that selects the pure-Python engine when set to ``1``.
PURE_PYTHON_VARIABLE = "TWISTLIKE_PURE_PYTHON"


def _load() -> tuple[ModuleType, bool]:
    log = logging.getLogger("twistlike")
    if os.environ.get(PURE_PYTHON_VARIABLE, "") == "1":
        log.debug("twistlike: pure-Python Deferred engine (%s=1)", PURE_PYTHON_VARIABLE)
        return importlib.import_module("twistlike._core._chain"), False
    try:
        return importlib.import_module("twistlike._core._chain_c"), True
    except ImportError as e:
        # Not built (no C compiler or mypy at install time) or built for another Python.
        log.debug("twistlike: compiled Deferred engine not available (%s); using pure Python", e)
        return importlib.import_module("twistlike._core._chain"), False


if TYPE_CHECKING:
    from twistlike._core import _chain as chain

    #: Whether the compiled engine is in use.
    COMPILED: bool
else:
    chain, COMPILED = _load()

"""Which chain engine runs: the mypyc-compiled one when it was built, else pure Python.

The Deferred's hot half (:mod:`twistlike._core.chain`) is pure Python and always importable.
When a C compiler was present at install time, the build also compiled a copy of it with
mypyc, ``twistlike._core.chain_c``; it is used unless ``TWISTLIKE_PURE_PYTHON=1`` is set
(for debugging, and for running the suite against the pure engine). Both behave the same; the
test suite runs against both in CI.

Falling back (no compiled module, it failed to load, or it was built from another version of
``chain.py``: the build stamps the source's CRC-32 on it) is said once, at DEBUG level, on
the ``twistlike`` logger.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import zlib
from types import ModuleType
from typing import TYPE_CHECKING

__all__ = ["COMPILED", "PURE_PYTHON_VARIABLE", "chain"]

#: The environment variable that selects the pure-Python engine when set to ``1``.
PURE_PYTHON_VARIABLE = "TWISTLIKE_PURE_PYTHON"


def _load() -> tuple[ModuleType, bool]:
    log = logging.getLogger("twistlike")
    if os.environ.get(PURE_PYTHON_VARIABLE, "") == "1":
        log.debug("twistlike: pure-Python Deferred engine (%s=1)", PURE_PYTHON_VARIABLE)
        return importlib.import_module("twistlike._core.chain"), False
    try:
        compiled = importlib.import_module("twistlike._core.chain_c")
    except ImportError as e:
        # Not built (no C compiler or mypy at install time) or built for another Python.
        log.debug("twistlike: compiled Deferred engine not available (%s); using pure Python", e)
        return importlib.import_module("twistlike._core.chain"), False
    if getattr(compiled, "SOURCE_CRC32", None) != _sourceCrc32():
        # An editable install whose chain.py changed since the build: run the edited code.
        log.debug(
            "twistlike: compiled Deferred engine is older than twistlike/_core/chain.py "
            "(reinstall to rebuild it); using pure Python"
        )
        return importlib.import_module("twistlike._core.chain"), False
    return compiled, True


def _sourceCrc32() -> int | None:
    """The CRC-32 of the pure engine's source file, as the build stamps it on the compiled
    copy (None if the source cannot be read)."""
    spec = importlib.util.find_spec("twistlike._core.chain")
    if spec is None or spec.origin is None:
        return None
    try:
        with open(spec.origin, "rb") as f:
            return zlib.crc32(f.read())
    except OSError:
        return None


if TYPE_CHECKING:
    from twistlike._core import chain

    #: Whether the compiled engine is in use.
    COMPILED: bool
else:
    chain, COMPILED = _load()

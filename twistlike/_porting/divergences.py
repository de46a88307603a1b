"""The one table of deliberate differences from Twisted (ARCHITECTURE.md decision 9).

docs/divergences.md is generated from this table (``python -m twistlike._porting.docs``);
the code carries a ``Divergence from Twisted:`` comment at each place. The rows are grouped in
sections, one per area of the project, and each area adds rows to its own section only.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DIVERGENCES", "Divergence"]


@dataclass(frozen=True)
class Divergence:
    """One deliberate difference from Twisted.

    Attributes:
        area: the docs heading it belongs under (e.g. "Deferreds (`twistlike.defer`)").
        title: a short bold summary, in Markdown.
        text: what twistlike does, what Twisted does, and why (Markdown, may be several
            sentences or a list).
    """

    area: str
    title: str
    text: str


# -- the core (defer, reactor, transports, protocols, logging, testing) -----------------------
_CORE: tuple[Divergence, ...] = ()

# -- services and the twistd runner ---------------------------------------------------------
_APPLICATION: tuple[Divergence, ...] = ()

# -- TLS --------------------------------------------------------------------------------------
_TLS: tuple[Divergence, ...] = ()

# -- UDP, processes, stdio, file descriptors --------------------------------------------------
_POSIX: tuple[Divergence, ...] = ()

# -- twisted.web ------------------------------------------------------------------------------
_WEB: tuple[Divergence, ...] = ()

# -- porting tools ----------------------------------------------------------------------------
_PORTING_AREA = "Porting tools (`python -m twistlike check | port | run`)"
_PORTING: tuple[Divergence, ...] = (
    Divergence(
        _PORTING_AREA,
        "Under `run`, `twisted.*` modules hold twistlike's objects",
        "`python -m twistlike run` serves each mapped Twisted module as a module of that name "
        "holding the twistlike module's objects, so `twisted.internet.defer.Deferred is "
        "twistlike.defer.Deferred`; the classes keep their twistlike `__module__` (reprs, "
        "pickles and tracebacks say `twistlike.defer`), and `twisted.internet.reactor` is "
        "twistlike's reactor, as after Twisted's `installReactor`.",
    ),
    Divergence(
        _PORTING_AREA,
        "Under `run`, an unsupported module or name fails at import",
        "Twisted would import it; twistlike raises an `ImportError` naming the feature, the "
        "reason, the alternative and the docs page at the `import` line. Reading a missing "
        "name as an attribute (`defer.NoSuchName`) raises an `AttributeError` with the same "
        "text, so `hasattr` feature detection keeps working.",
    ),
    Divergence(
        _PORTING_AREA,
        "Under `run`, reactor selection modules are refused",
        "`twisted.internet.asyncioreactor`, `default`, `epollreactor`, `gireactor` and the "
        "other reactor modules fail at import: twistlike has one reactor, which follows the "
        "running asyncio loop, so there is nothing to install (uvloop: start the loop with "
        "uvloop).",
    ),
    Divergence(
        _PORTING_AREA,
        "Under `run`, Twisted modules with no twistlike counterpart are refused",
        "When real Twisted is installed, `run` does not fall back to it: two reactors in one "
        "process do not mix. `--allow-twisted` loads such modules (and the unsupported ones) "
        "from the installed Twisted, at the user's risk.",
    ),
)

DIVERGENCES: tuple[Divergence, ...] = _CORE + _APPLICATION + _TLS + _POSIX + _WEB + _PORTING

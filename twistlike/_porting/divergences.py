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
_PORTING: tuple[Divergence, ...] = ()

DIVERGENCES: tuple[Divergence, ...] = _CORE + _APPLICATION + _TLS + _POSIX + _WEB + _PORTING

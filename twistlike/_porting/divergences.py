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
_CORE: tuple[Divergence, ...] = (
    # Deferred helper
    Divergence(
        area="Deferreds (`twistlike.defer`)",
        title="`await d` inside a running asyncio loop waits on an asyncio Future",
        text=(
            "With an asyncio loop running, `d.__await__()` of a pending Deferred yields an "
            "asyncio Future that the Deferred's chain settles, so that asyncio Tasks (which "
            "reject anything else) can await it; Twisted's yields the Deferred itself, which an "
            'asyncio Task refuses ("Task got bad yield"). `iter(d)`, `yield from d`, and '
            "`await d` with no loop running yield the Deferred itself, as in Twisted. When the "
            "generator of `iter(d)` is resumed after the Deferred fired with a value other "
            "than None sent in, it returns that value (twistlike's coroutine driver resumes "
            "from a Task a loop turn later and sends the result it took); Twisted ignores "
            "what is sent and reads the Deferred's result."
        ),
    ),
    Divergence(
        area="Deferreds (`twistlike.defer`)",
        title="Log namespace `twistlike.defer`",
        text=(
            "The two critical events of a Deferred garbage-collected with an unhandled failure "
            '("Unhandled error in Deferred:", then the failure) have the namespace (and '
            "stdlib logger) `twistlike.defer`; Twisted's are `twisted.internet.defer`. The "
            "text, levels, `isError`, `log_failure` and `debugInfo` are Twisted's."
        ),
    ),
)

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

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
_POSIX_AREA = "UDP, processes, stdio and file descriptors"
_POSIX: tuple[Divergence, ...] = (
    Divergence(
        _POSIX_AREA,
        "`connectionRefused` on every loop",
        'A connected UDP port whose earlier datagram drew an ICMP "port unreachable" calls '
        "the protocol's `connectionRefused()` on the default loop and on uvloop. Twisted does "
        "so with its select reactor, but its default epoll (and poll) reactor on Linux sees "
        "the socket error as a hang-up and stops the port instead. twistlike keeps the "
        "documented behaviour.",
    ),
    Divergence(
        _POSIX_AREA,
        "A second `stopListening()` on a UDP port returns None",
        "Twisted returns a new Deferred when `stopListening()` is called again before the "
        "port has closed, and the first Deferred then never fires. In twistlike the port is "
        "stopping from the first call: a second call returns None and the first Deferred "
        "fires.",
    ),
    Divergence(
        _POSIX_AREA,
        "`IUDPTransport.write` returns None",
        "Twisted's UDP `write` returns what `socket.send` returned (its docstring says to "
        "disregard it); asyncio's `sendto` reports nothing, so twistlike returns None.",
    ),
    Divergence(
        _POSIX_AREA,
        "A child's exit status needs twistlike to reap it",
        "Children are reaped through a pidfd (`loop.add_reader`), or a waiting thread where "
        "there is none. If something else in the process reaps every child "
        "(`waitpid(-1)`, as asyncio's deprecated SafeChildWatcher/FastChildWatcher do), the "
        "status is lost and the process is reported as `ProcessDone`.",
    ),
    Divergence(
        _POSIX_AREA,
        "StandardIO flushes on `connectionLost`",
        "When stdin ends (a protocol that is not half-closeable) twistlike's StandardIO "
        "still sends what was written before closing its duplicate of stdout; Twisted drops "
        "its write buffer there.",
    ),
    Divergence(
        _POSIX_AREA,
        "`adoptStreamConnection`: `connectionMade` a loop turn later",
        "The protocol is built during the call, as in Twisted, but asyncio makes the "
        "transport in a coroutine (`loop.connect_accepted_socket`), so `makeConnection` "
        "comes on a later loop turn instead of before the call returns.",
    ),
    Divergence(
        _POSIX_AREA,
        "`addReader`/`addWriter` need a loop; `getReaders` lists only what they added",
        "They raise RuntimeError before any loop runs (Twisted queues them for "
        "`reactor.run()`); call them from `callWhenRunning`. twistlike's own transports are "
        "asyncio's, so `getReaders()`/`getWriters()`/`removeAll()` see only descriptors "
        "added with `addReader`/`addWriter` (as with Twisted's asyncio reactor).",
    ),
    Divergence(
        _POSIX_AREA,
        "`StandardErrorBehavior` is an `enum.Enum`",
        "Twisted's is a `constantly.Names`; `StandardErrorBehavior.LOG` and `.DROP` are "
        "spelt and compared the same way. The LOG behaviour writes to the stdlib logger "
        "`twistlike.endpoints`.",
    ),
    Divergence(
        _POSIX_AREA,
        "`systemd:` reads the environment when the description is parsed",
        "Twisted reads `LISTEN_PID`/`LISTEN_FDS`/`LISTEN_FDNAMES` once, when "
        "`twisted.internet.endpoints` is imported; twistlike reads them at each "
        "`serverFromString`, so a program may set them up before parsing.",
    ),
)

# -- twisted.web ------------------------------------------------------------------------------
_WEB: tuple[Divergence, ...] = ()

# -- porting tools ----------------------------------------------------------------------------
_PORTING: tuple[Divergence, ...] = ()

DIVERGENCES: tuple[Divergence, ...] = _CORE + _APPLICATION + _TLS + _POSIX + _WEB + _PORTING

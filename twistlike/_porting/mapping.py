"""The one Twisted -> twistlike mapping table.

Everything that says which Twisted module (or name) twistlike replaces reads this module: the
``python -m twistlike check|port|run`` tools, the import hook, the docs' module tables, the
README's table and the name-parity test. Nothing else holds a second copy.

* :data:`MODULES`: for each Twisted module, the twistlike module that replaces it, or the
  reason it is not supported (and the asyncio-world alternative, where there is one).
* :data:`MISSING_NAMES` (in :mod:`twistlike._porting.missing`): per mapped Twisted module, the
  public names twistlike deliberately does not provide, each with its reason.

The rows are grouped in sections, one per area of the project.
"""

from __future__ import annotations

from dataclasses import dataclass

from twistlike._porting.missing import MISSING_NAMES

__all__ = ["MISSING_NAMES", "MODULES", "ModuleMapping", "by_twisted_name"]


@dataclass(frozen=True)
class ModuleMapping:
    """One Twisted module and what twistlike offers for it.

    Attributes:
        twisted: the Twisted module's dotted name.
        twistlike: the twistlike module that replaces it, or None when not supported.
        reason: why it is not supported (empty when supported).
        alternative: what to use instead in the asyncio world (may be empty).
        docs: the docs page that covers it (relative to docs/).
    """

    twisted: str
    twistlike: str | None
    reason: str = ""
    alternative: str = ""
    docs: str = "index.md"

    @property
    def supported(self) -> bool:
        return self.twistlike is not None


# -- the core: Deferreds, reactor, TCP/UNIX, protocols, logging, testing ----------------------
_CORE: tuple[ModuleMapping, ...] = (
    ModuleMapping("twisted.internet.defer", "twistlike.defer", docs="deferreds.md"),
    ModuleMapping("twisted.python.failure", "twistlike.failure", docs="deferreds.md"),
    ModuleMapping("twisted.internet.reactor", "twistlike.reactor", docs="reactor.md"),
    ModuleMapping("twisted.internet.base", "twistlike.base", docs="reactor.md"),
    ModuleMapping("twisted.internet.task", "twistlike.task", docs="reactor.md"),
    ModuleMapping("twisted.internet.threads", "twistlike.threads", docs="reactor.md"),
    ModuleMapping("twisted.internet.protocol", "twistlike.protocol", docs="protocols.md"),
    ModuleMapping("twisted.internet.endpoints", "twistlike.endpoints", docs="protocols.md"),
    ModuleMapping("twisted.internet.error", "twistlike.error", docs="protocols.md"),
    ModuleMapping("twisted.internet.interfaces", "twistlike.interfaces", docs="protocols.md"),
    ModuleMapping("twisted.internet.address", "twistlike.address", docs="protocols.md"),
    ModuleMapping("twisted.protocols.basic", "twistlike.basic", docs="protocols.md"),
    ModuleMapping("twisted.protocols.policies", "twistlike.policies", docs="protocols.md"),
    ModuleMapping("twisted.python.log", "twistlike.log", docs="logging.md"),
    ModuleMapping("twisted.logger", "twistlike.logger", docs="logging.md"),
    ModuleMapping("twisted.internet.testing", "twistlike.testing", docs="testing.md"),
    ModuleMapping("twisted.test.proto_helpers", "twistlike.testing", docs="testing.md"),
    ModuleMapping("twisted.test.iosim", "twistlike.testing", docs="testing.md"),
    ModuleMapping("twisted.trial.unittest", "twistlike.trial", docs="testing.md"),
)

# -- services and the twistd runner (application/, usage) ------------------------------------
_APPLICATION: tuple[ModuleMapping, ...] = ()

# -- TLS (ssl) --------------------------------------------------------------------------------
_TLS: tuple[ModuleMapping, ...] = ()

# -- UDP, processes, stdio, file descriptors (utils, stdio) -----------------------------------
_POSIX: tuple[ModuleMapping, ...] = (
    ModuleMapping("twisted.internet.utils", "twistlike.utils", docs="udp-processes.md"),
    ModuleMapping("twisted.internet.stdio", "twistlike.stdio", docs="udp-processes.md"),
    ModuleMapping(
        "twisted.internet.udp",
        None,
        reason="Twisted's implementation module of UDP ports (its docstring says not to use "
        "it directly); ports come from the reactor",
        alternative="reactor.listenUDP / listenMulticast / adoptDatagramPort",
        docs="udp-processes.md",
    ),
    ModuleMapping(
        "twisted.internet.process",
        None,
        reason="Twisted's implementation module of child processes; processes come from "
        "the reactor",
        alternative="reactor.spawnProcess, twistlike.utils, endpoints.ProcessEndpoint",
        docs="udp-processes.md",
    ),
    ModuleMapping(
        "twisted.internet.fdesc",
        None,
        reason="helpers for reading and writing raw descriptors; twistlike leaves I/O to "
        "asyncio's transports",
        alternative="os.set_blocking, loop.connect_read_pipe / connect_write_pipe, "
        "reactor.addReader",
        docs="udp-processes.md",
    ),
    ModuleMapping(
        "twisted.python.systemd",
        None,
        reason="ListenFDs is not provided; the systemd: server description reads "
        "LISTEN_PID/LISTEN_FDS/LISTEN_FDNAMES itself",
        alternative='endpoints.serverFromString(reactor, "systemd:domain=INET:index=0")',
        docs="udp-processes.md",
    ),
)

# -- twisted.web (web/) -----------------------------------------------------------------------
_WEB: tuple[ModuleMapping, ...] = ()

# -- Twisted modules twistlike does not provide, with the reason and the alternative ----------
_UNSUPPORTED: tuple[ModuleMapping, ...] = ()

MODULES: tuple[ModuleMapping, ...] = _CORE + _APPLICATION + _TLS + _POSIX + _WEB + _UNSUPPORTED

_BY_TWISTED = {m.twisted: m for m in MODULES}


def by_twisted_name(name: str) -> ModuleMapping | None:
    """Return the row for Twisted module ``name``, or None when the table has no row."""
    return _BY_TWISTED.get(name)

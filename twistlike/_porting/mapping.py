"""The one Twisted -> twistlike mapping table.

Everything that says which Twisted module (or name) twistlike replaces reads this module: the
``python -m twistlike check|port|run`` tools, the import hook, the docs' module tables, the
README's table and the name-parity test. Nothing else holds a second copy.

* :data:`MODULES`: for each Twisted module, the twistlike module that replaces it, or the
  reason it is not supported (and the asyncio-world alternative, where there is one).
* An unsupported row also covers every module below it (``twisted.conch`` covers
  ``twisted.conch.ssh.transport``); a supported row covers only itself (:func:`lookup`).
* :data:`MISSING_NAMES` (in :mod:`twistlike._porting.missing`): per mapped Twisted module, the
  public names twistlike deliberately does not provide, each with its reason.

The rows are grouped in sections, one per area of the project.
"""

from __future__ import annotations

from dataclasses import dataclass

from twistlike._porting.missing import MISSING_NAMES

__all__ = ["MISSING_NAMES", "MODULES", "ModuleMapping", "by_twisted_name", "lookup"]


@dataclass(frozen=True)
class ModuleMapping:
    """One Twisted module and what twistlike offers for it.

    Attributes:
        twisted: the Twisted module's dotted name.
        twistlike: the twistlike module that replaces it, or None when not supported.
        reason: why it is not supported (empty when supported).
        alternative: what to use instead in the asyncio world (may be empty).
        docs: the docs page that covers it (relative to docs/).
        elsewhere: names of this Twisted module that twistlike provides in another module,
            as ``(name, "twistlike.module.Name")`` pairs (``twisted.python.threadpool``'s
            ``ThreadPool`` is ``twistlike.threads.ThreadPool``); mostly for unsupported
            modules whose one useful name lives on.
    """

    twisted: str
    twistlike: str | None
    reason: str = ""
    alternative: str = ""
    docs: str = "index.md"
    elsewhere: tuple[tuple[str, str], ...] = ()

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
_POSIX: tuple[ModuleMapping, ...] = ()

# -- twisted.web (web/) -----------------------------------------------------------------------
_WEB: tuple[ModuleMapping, ...] = ()


# -- Twisted modules twistlike does not provide, with the reason and the alternative ----------
def _no(
    twisted: str,
    reason: str,
    alternative: str = "",
    elsewhere: tuple[tuple[str, str], ...] = (),
) -> ModuleMapping:
    # An unsupported row covers the module and every module below it (see lookup()).
    return ModuleMapping(twisted, None, reason, alternative, "porting.md#not-supported", elsewhere)


_UNSUPPORTED: tuple[ModuleMapping, ...] = (
    # Protocol families twistlike does not reimplement: maintained asyncio libraries exist.
    _no(
        "twisted.conch",
        "SSH and terminal protocols are a project of their own",
        "asyncssh (SSH client and server, SFTP) on the same asyncio loop",
    ),
    _no(
        "twisted.names",
        "DNS client and server are not provided",
        "dnspython (dns.asyncresolver), aiodns",
    ),
    _no(
        "twisted.mail",
        "SMTP, POP3 and IMAP4 are not provided",
        "aiosmtplib (client), aiosmtpd (server), aioimaplib",
    ),
    _no("twisted.words", "IRC and XMPP are not provided", "slixmpp (XMPP), pydle or bottom (IRC)"),
    _no(
        "twisted.spread",
        "Perspective Broker (pb, jelly, banana) is Twisted's own RPC wire format",
        "an RPC over HTTP (JSON-RPC, gRPC with grpc.aio) or AMP-like framing on twistlike.basic",
    ),
    _no(
        "twisted.protocols.amp",
        "AMP is not provided",
        "length-prefixed messages with twistlike.basic.Int16StringReceiver",
    ),
    _no("twisted.protocols.ftp", "FTP is not provided", "aioftp"),
    _no("twisted.protocols.sip", "SIP is not provided", "aiosip or a SIP stack of your choice"),
    _no("twisted.protocols.socks", "SOCKS is not provided", "python-socks (asyncio backend)"),
    _no("twisted.protocols.memcache", "the memcached client is not provided", "aiomcache"),
    _no(
        "twisted.protocols.haproxy",
        "the PROXY protocol wrapper is not provided",
        "proxy-protocol parsing in your asyncio server",
    ),
    _no(
        "twisted.protocols.portforward",
        "port forwarding is not provided",
        "a few lines over twistlike.protocol (connect and relay)",
    ),
    _no(
        "twisted.protocols.loopback",
        "Twisted's loopback test helpers are not provided",
        "twistlike.testing (connectedServerAndClient, IOPump)",
    ),
    _no("twisted.protocols.finger", "finger is not provided"),
    _no("twisted.protocols.ident", "ident is not provided"),
    _no("twisted.protocols.postfix", "the postfix map protocol is not provided"),
    _no("twisted.protocols.shoutcast", "shoutcast is not provided"),
    _no(
        "twisted.protocols.wire",
        "the toy wire protocols (echo, discard, ...) are not provided",
        "twistlike.protocol.Protocol",
    ),
    _no(
        "twisted.protocols.stateful",
        "StatefulProtocol is not provided",
        "twistlike.basic receivers",
    ),
    _no(
        "twisted.protocols.htb",
        "hierarchical token buckets are not provided",
        "twistlike.policies.ThrottlingFactory",
    ),
    _no("twisted.protocols.pcp", "producer/consumer proxies are not provided"),
    # twisted.web parts outside the HTTP server and client.
    _no(
        "twisted.web.template",
        "the Stan/XHTML templating system is not provided",
        "Jinja2 rendering into the response",
    ),
    _no(
        "twisted.web.xmlrpc",
        "XML-RPC is not provided",
        "xmlrpc.client in a thread (twistlike.threads.deferToThread) or aiohttp-xmlrpc",
    ),
    _no("twisted.web.soap", "SOAP is not provided", "zeep (AsyncClient)"),
    _no(
        "twisted.web._http2",
        "HTTP/2 is not provided: twistlike's HTTP is HTTP/1.1 over h11",
        "an ASGI server with HTTP/2 (hypercorn) in front of twistlike.web.asgi",
    ),
    _no(
        "twisted.web.proxy",
        "the HTTP proxy and reverse proxy resources are not provided",
        "a reverse proxy in front (nginx, haproxy) or a small twistlike.web.client relay",
    ),
    _no("twisted.web.twcgi", "CGI is not provided", "twistlike.web.wsgi or a subprocess"),
    _no("twisted.web.distrib", "distributed web (over Perspective Broker) is not provided"),
    _no(
        "twisted.web.guard",
        "HTTP authentication wrappers over twisted.cred are not provided",
        "check the Authorization header in your resource",
    ),
    _no("twisted.web.rewrite", "URL rewriting resources are not provided"),
    _no("twisted.web.script", "resource scripts (.rpy) are not provided"),
    _no("twisted.web.microdom", "microdom is not provided", "xml.etree.ElementTree, lxml"),
    _no("twisted.web.domhelpers", "domhelpers are not provided", "xml.etree.ElementTree, lxml"),
    _no("twisted.web.sux", "the SAX-like HTML parser is not provided", "html.parser"),
    _no(
        "twisted.web.websocket",
        "WebSockets are not provided",
        "the websockets library (asyncio server and client)",
    ),
    # Reactors: there is one reactor, and it follows the running asyncio loop.
    *(
        _no(
            f"twisted.internet.{name}",
            "reactor selection: twistlike has one reactor, which follows the running asyncio loop",
            "nothing to install; for uvloop, start the loop with uvloop (see reactor.md)",
        )
        for name in (
            "asyncioreactor",
            "default",
            "selectreactor",
            "pollreactor",
            "epollreactor",
            "kqreactor",
            "cfreactor",
            "win32eventreactor",
            "iocpreactor",
            "posixbase",
            "main",
        )
    ),
    *(
        _no(
            f"twisted.internet.{name}",
            "GUI event loop integration is not provided",
            "an asyncio-compatible GUI loop (qasync for Qt, PyGObject's asyncio loop for GTK) "
            "running twistlike",
        )
        for name in (
            "gireactor",
            "glib2reactor",
            "gtk2reactor",
            "gtk3reactor",
            "wxreactor",
            "wxsupport",
            "tksupport",
            "pyuisupport",
            "_threadedselect",
        )
    ),
    _no(
        "twisted.internet.tcp",
        "Twisted's TCP implementation classes are internal; twistlike's transports adapt asyncio's",
        "reactor.listenTCP / connectTCP and twistlike.endpoints",
    ),
    _no(
        "twisted.internet.unix",
        "Twisted's UNIX-socket implementation classes are internal",
        "reactor.listenUNIX / connectUNIX and twistlike.endpoints",
    ),
    _no(
        "twisted.internet.abstract",
        "Twisted's FileDescriptor base classes are internal",
        "twistlike.protocol and asyncio transports",
    ),
    _no("twisted.internet.inotify", "inotify is not provided", "watchfiles (awatch)"),
    _no("twisted.internet.serialport", "serial ports are not provided", "pyserial-asyncio"),
    # Frameworks around the core.
    _no(
        "twisted.cred",
        "the credentials framework (portal, checkers, realms) is not provided",
        "authenticate in your protocol; passlib or argon2-cffi for password checks",
    ),
    _no(
        "twisted.enterprise",
        "adbapi (database connection pools on threads) is not provided",
        "asyncpg, aiosqlite, or a DB-API call under twistlike.threads.deferToThread",
    ),
    _no("twisted.positioning", "NMEA positioning is not provided", "pynmea2"),
    _no("twisted.pair", "raw Ethernet/IP and TUN/TAP are not provided"),
    _no(
        "twisted.persisted",
        "persistence helpers (styles, aot, sob) are not provided",
        "pickle, json",
    ),
    _no(
        "twisted.runner",
        "procmon and inetd are not provided",
        "systemd or supervisord to keep processes running",
    ),
    _no(
        "twisted.trial.util",
        "trial's internal helpers are not provided",
        "twistlike.trial",
        elsewhere=(("DirtyReactorAggregateError", "twistlike.trial.DirtyReactorAggregateError"),),
    ),
    _no(
        "twisted.python.threadpool",
        "the module is not provided; its ThreadPool is",
        "twistlike.threads.ThreadPool, or a concurrent.futures executor",
        elsewhere=(("ThreadPool", "twistlike.threads.ThreadPool"),),
    ),
    _no(
        "twisted.trial.runner",
        "trial's runner is not provided: twistlike.trial test cases run under pytest or unittest",
        "pytest",
    ),
    _no("twisted.trial.reporter", "trial's reporters are not provided", "pytest"),
    _no(
        "twisted.scripts",
        "the trial/twistd/tkconch scripts' modules are not provided",
        "python -m twistlike twistd, pytest",
    ),
    # twisted.python helpers with a standard-library equivalent.
    _no("twisted.python.filepath", "FilePath is not provided", "pathlib.Path"),
    _no("twisted.python.zippath", "ZipPath is not provided", "zipfile.Path"),
    _no(
        "twisted.python.reflect",
        "reflect is not provided",
        "importlib, operator.attrgetter, pkgutil.resolve_name",
    ),
    _no(
        "twisted.python.components",
        "Twisted's adapter registry helpers are not provided",
        "zope.interface's adapter registry (registerAdapter) directly",
    ),
    _no("twisted.python.compat", "Python 2 compatibility helpers are not needed"),
    _no(
        "twisted.python.deprecate",
        "deprecation helpers are not provided",
        "warnings.deprecated (typing_extensions.deprecated)",
    ),
    _no(
        "twisted.python.versions",
        "version objects are not provided",
        "packaging.version, importlib.metadata.version",
    ),
    _no("twisted.python.procutils", "procutils is not provided", "shutil.which"),
    _no("twisted.python.randbytes", "randbytes is not provided", "secrets.token_bytes"),
    _no("twisted.python.runtime", "runtime is not provided", "sys.platform, platform"),
    _no(
        "twisted.python.lockfile", "lockfile is not provided", "fcntl.flock or the filelock library"
    ),
    _no(
        "twisted.python.logfile",
        "LogFile/DailyLogFile are not provided",
        "logging.handlers.RotatingFileHandler and TimedRotatingFileHandler",
    ),
    _no("twisted.python.modules", "module walking is not provided", "pkgutil, importlib.resources"),
    _no("twisted.python.context", "call contexts are not provided", "contextvars"),
    _no(
        "twisted.python.monkey",
        "MonkeyPatcher is not provided",
        "pytest's monkeypatch, unittest.mock.patch",
    ),
    _no("twisted.python.rebuild", "rebuild is not provided", "importlib.reload"),
    _no("twisted.python.urlpath", "URLPath is not provided", "urllib.parse, hyperlink"),
    _no("twisted.python.url", "twisted.python.url is not provided", "hyperlink"),
    _no("twisted.python.text", "text helpers are not provided", "textwrap"),
    _no(
        "twisted.python.syslog",
        "the syslog observer is not provided",
        "logging.handlers.SysLogHandler",
    ),
    _no(
        "twisted.python.systemd",
        "systemd socket activation helpers are not provided",
        "socket.socket(fileno=3) from LISTEN_FDS, served with asyncio's create_server(sock=...)",
    ),
    _no(
        "twisted.python.threadable",
        "threadable is not needed: twistlike's core is thread-aware where Twisted's is",
    ),
    _no("twisted.python.sendmsg", "sendmsg is not provided", "socket.send_fds, socket.recv_fds"),
)

MODULES: tuple[ModuleMapping, ...] = _CORE + _APPLICATION + _TLS + _POSIX + _WEB + _UNSUPPORTED

_BY_TWISTED = {m.twisted: m for m in MODULES}


def by_twisted_name(name: str) -> ModuleMapping | None:
    """Return the row for Twisted module ``name``, or None when the table has no row."""
    return _BY_TWISTED.get(name)


def lookup(name: str) -> ModuleMapping | None:
    """Return the row that decides Twisted module ``name``, or None when nothing does.

    The module's own row wins; otherwise the nearest enclosing package with an *unsupported*
    row (``twisted.conch`` decides ``twisted.conch.ssh.keys``). A supported package row says
    nothing about its submodules, which need rows of their own.
    """
    row = _BY_TWISTED.get(name)
    if row is not None:
        return row
    parts = name.split(".")
    for end in range(len(parts) - 1, 0, -1):
        row = _BY_TWISTED.get(".".join(parts[:end]))
        if row is not None and not row.supported:
            return row
    return None

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
_APPLICATION: tuple[ModuleMapping, ...] = (
    ModuleMapping(
        "twisted.application.service", "twistlike.application.service", docs="services.md"
    ),
    ModuleMapping(
        "twisted.application.internet", "twistlike.application.internet", docs="services.md"
    ),
    ModuleMapping(
        "twisted.application.strports", "twistlike.application.strports", docs="services.md"
    ),
    ModuleMapping("twisted.application.app", "twistlike.application.app", docs="services.md"),
    ModuleMapping("twisted.scripts.twistd", "twistlike.application.twistd", docs="services.md"),
    ModuleMapping("twisted.python.usage", "twistlike.usage", docs="services.md"),
)

# -- TLS (ssl) --------------------------------------------------------------------------------
_TLS: tuple[ModuleMapping, ...] = (
    ModuleMapping("twisted.internet.ssl", "twistlike.ssl", docs="tls.md"),
    ModuleMapping(
        "twisted.protocols.tls",
        None,
        reason=(
            "TLSMemoryBIOProtocol/TLSMemoryBIOFactory wrap pyOpenSSL; twistlike's TLS runs "
            "in asyncio's own TLS layer (loop.start_tls) under the transport"
        ),
        alternative=(
            "reactor.listenSSL/connectSSL, transport.startTLS, or the endpoints "
            "wrapClientTLS/wrapServerTLS"
        ),
        docs="tls.md",
    ),
)

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
_WEB: tuple[ModuleMapping, ...] = (
    ModuleMapping("twisted.web", "twistlike.web", docs="web.md"),
    ModuleMapping("twisted.web.resource", "twistlike.web.resource", docs="web.md"),
    ModuleMapping("twisted.web.pages", "twistlike.web.pages", docs="web.md"),
    ModuleMapping("twisted.web.server", "twistlike.web.server", docs="web.md"),
    ModuleMapping("twisted.web.http", "twistlike.web.http", docs="web.md"),
    ModuleMapping("twisted.web.http_headers", "twistlike.web.http_headers", docs="web.md"),
    ModuleMapping("twisted.web.static", "twistlike.web.static", docs="web.md"),
    ModuleMapping("twisted.web.util", "twistlike.web.util", docs="web.md"),
    ModuleMapping("twisted.web.wsgi", "twistlike.web.wsgi", docs="web.md"),
    ModuleMapping("twisted.web.client", "twistlike.web.client", docs="web.md"),
    ModuleMapping("twisted.web.iweb", "twistlike.web.iweb", docs="web.md"),
    ModuleMapping("twisted.web.error", "twistlike.web.error", docs="web.md"),
    ModuleMapping("twisted.web.test.requesthelper", "twistlike.web.testing", docs="web.md"),
    # Out of scope for twistlike.web (issue 15), each with the reason and what to use.
    ModuleMapping(
        "twisted.web.template",
        None,
        reason="Twisted's XML templating (Element, renderer, flatten) is not provided.",
        alternative="Render with Jinja2 or another template engine and return bytes.",
        docs="web.md",
    ),
    ModuleMapping(
        "twisted.web.xmlrpc",
        None,
        reason="XML-RPC over twisted.web is not provided.",
        alternative="xmlrpc.client/xmlrpc.server from the stdlib, or an ASGI XML-RPC app "
        "mounted with twistlike.web.asgi.ASGIResource.",
        docs="web.md",
    ),
    ModuleMapping(
        "twisted.web.soap",
        None,
        reason="SOAP support (SOAPpy-based, long unmaintained) is not provided.",
        alternative="zeep (client) or spyne (server).",
        docs="web.md",
    ),
    ModuleMapping(
        "twisted.web._http2",
        None,
        reason="HTTP/2 is not provided: the server and client speak HTTP/1.1 through h11.",
        alternative="Serve asgi_app(site) under hypercorn for HTTP/2; httpx for an HTTP/2 client.",
        docs="web.md",
    ),
    ModuleMapping(
        "twisted.web.proxy",
        None,
        reason="The reverse/forward proxy resources are not provided.",
        alternative="ProxyAgent for outgoing requests through a proxy; a dedicated proxy "
        "(nginx, mitmproxy) for serving one.",
        docs="web.md",
    ),
    ModuleMapping(
        "twisted.web.tap",
        None,
        reason="The `twistd web` plugin is not provided yet (it needs the twistd runner).",
        alternative="A few lines: Site(static.File(path)) with reactor.listenTCP.",
        docs="web.md",
    ),
    ModuleMapping(
        "twisted.web.twcgi",
        None,
        reason="CGI scripts are not run.",
        alternative="Serve the program as WSGI or ASGI (WSGIResource, ASGIResource).",
        docs="web.md",
    ),
    ModuleMapping(
        "twisted.web.script",
        None,
        reason=".rpy/.epy scripts executed from the file system are not supported.",
        alternative="Import the resource and putChild it.",
        docs="web.md",
    ),
    ModuleMapping(
        "twisted.web.distrib",
        None,
        reason="Distributed (Perspective Broker) web servers are not provided.",
        docs="web.md",
    ),
    ModuleMapping(
        "twisted.web.guard",
        None,
        reason="HTTP authentication wrappers (twisted.cred) are not provided.",
        alternative="Check request.getUser()/getPassword() in a wrapping resource.",
        docs="web.md",
    ),
    ModuleMapping(
        "twisted.web.vhost",
        None,
        reason="Virtual-host resources are not provided.",
        alternative="A root resource that dispatches on request.getRequestHostname().",
        docs="web.md",
    ),
)


# -- Twisted modules twistlike does not provide, with the reason and the alternative ----------
def _no(
    twisted: str,
    reason: str,
    alternative: str = "",
    elsewhere: tuple[tuple[str, str], ...] = (),
) -> ModuleMapping:
    # An unsupported row covers the module and every module below it (see lookup()).
    # twisted.web's rows point at the web page, which lists what is out of its scope.
    docs = "web.md" if twisted.startswith("twisted.web.") else "porting.md#not-supported"
    return ModuleMapping(twisted, None, reason, alternative, docs, elsewhere)


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
    # twisted.web parts outside the HTTP server and client (the others are in _WEB).
    _no("twisted.web.rewrite", "URL rewriting resources are not provided"),
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

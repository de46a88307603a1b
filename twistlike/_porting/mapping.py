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
_TLS: tuple[ModuleMapping, ...] = ()

# -- UDP, processes, stdio, file descriptors (utils, stdio) -----------------------------------
_POSIX: tuple[ModuleMapping, ...] = ()

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
_UNSUPPORTED: tuple[ModuleMapping, ...] = ()

MODULES: tuple[ModuleMapping, ...] = _CORE + _APPLICATION + _TLS + _POSIX + _WEB + _UNSUPPORTED

_BY_TWISTED = {m.twisted: m for m in MODULES}


def by_twisted_name(name: str) -> ModuleMapping | None:
    """Return the row for Twisted module ``name``, or None when the table has no row."""
    return _BY_TWISTED.get(name)

"""Public Twisted names that twistlike deliberately does not provide, each with its reason.

Keyed by Twisted module, then by name (``"Class.member"`` for a member of a class or an
interface; for ``twisted.internet.reactor``, an attribute of the reactor object). The
name-parity test (tests/test_name_parity.py) fails when Twisted has a public name that
twistlike neither provides nor lists here, and when a row here names something twistlike
does provide (a stale row). docs/missing.md is generated from this table
(``python -m twistlike._porting.docs``).

Reasons start with one of a few phrases so the docs can group them: ``in progress: issue N``
(another area of the project is adding it), ``deprecated in Twisted`` (not worth porting),
``not provided:`` (a deliberate gap, with why and what to use instead), ``import it from``
(Twisted's module re-exports a name whose twistlike home is elsewhere).
"""

from __future__ import annotations

__all__ = ["MISSING_NAMES", "MissingNameError", "missing_name_error", "missing_reactor_attribute"]

MISSING_NAMES: dict[str, dict[str, str]] = {}

# -- services and the twistd runner (application/, usage) ------------------------------------
_RUNNER = "twistlike's twistd runner is twistlike.application.twistd (python -m twistlike twistd)"
MISSING_NAMES.update(
    {
        "twisted.application.app": {
            "AppLogger": _RUNNER + "; it starts logging with twistlike.log.startLogging.",
            "AppProfiler": "Profiling twistd (--profile) is not supported; run under cProfile.",
            "ApplicationRunner": _RUNNER + "; it has no runner class hierarchy to subclass.",
            "CProfileRunner": "Profiling twistd (--profile) is not supported.",
            "ProfileRunner": "Profiling twistd (--profile) is not supported.",
            "ReactorSelectionMixin": "--reactor accepts asyncio and uvloop only.",
            "ServerOptions": "It lives in twistlike.application.twistd.",
            "convertStyle": "Persisted .tap/.tas applications are not supported.",
            "fixPdb": "The twistd debugger option (--debug) is not supported.",
            "getApplication": "Use twistlike.application.service.loadApplication(path, 'python').",
            "getPassphrase": "Encrypted persisted applications are not supported.",
            "getSavePassphrase": "Encrypted persisted applications are not supported.",
            "run": _RUNNER + ".",
            "runReactorWithLogging": _RUNNER + "; it runs the reactor itself.",
        },
    }
)

# -- twisted.web ------------------------------------------------------------------------------
_TEMPLATES = "twisted.web.template is not provided (render with a template engine); see docs/web.md"
_WEB_MISSING: dict[str, dict[str, str]] = {
    "twisted.web.http": {
        "HTTPClient": "The old line-based client protocol (deprecated in Twisted); use "
        "twistlike.web.client.Agent.",
        "StringTransport": "Not part of twisted.web.http's API (an import Twisted leaks); use "
        "twistlike.testing.StringTransport.",
    },
    "twisted.web.static": {
        "ASISProcessor": "'.asis' files are not processed; serve them with File.",
        "Redirect": "Deprecated in Twisted; use twistlike.web.util.Redirect.",
        "Registry": "The per-site component registry of .rpy scripts is not provided (no .rpy).",
        "addSlash": "Deprecated helper; use twistlike.web.util.redirectTo with the URL plus '/'.",
        "isDangerous": "Deprecated in Twisted; File refuses path traversal itself.",
        "platformType": "Not part of the API (an import Twisted leaks).",
    },
    "twisted.web.util": {
        "FailureElement": _TEMPLATES,
        "formatFailure": _TEMPLATES + " (use Failure.getTraceback()).",
    },
    "twisted.web.iweb": {
        "ICredentialFactory": "HTTP authentication (twisted.web.guard, twisted.cred) is not "
        "provided.",
        "IRenderable": _TEMPLATES,
        "IUsernameDigestHash": "HTTP digest authentication is not provided.",
    },
    "twisted.web.error": {
        "FlattenerError": _TEMPLATES,
        "MissingRenderMethod": _TEMPLATES,
        "MissingTemplateLoader": _TEMPLATES,
        "RenderError": _TEMPLATES,
        "UnexposedMethodError": _TEMPLATES,
        "UnfilledSlot": _TEMPLATES,
        "UnsupportedType": _TEMPLATES,
    },
}
MISSING_NAMES.update(_WEB_MISSING)
_NEEDS_PYOPENSSL = "needs a pyOpenSSL object; twistlike's TLS uses the standard library's ssl"

MISSING_NAMES.update(
    {
        # -- TLS (issue 12) --
        "twisted.internet.ssl": {
            "Certificate.getPublicKey": "public keys are not modelled; use cryptography on dump()",
            "Certificate.hostFromTransport": "the local certificate is not exposed by ssl",
            "Certificate.inspect": "use getSubject()/getIssuer()/digest()",
            "KeyPair.inspect": "not provided; use cryptography on dump()",
            "KeyPair.keyHash": "not provided; use cryptography on dump()",
            "KeyPair.matches": "not provided; use cryptography on dump()",
            "KeyPair.requestObject": _NEEDS_PYOPENSSL,
            "KeyPair.signRequestObject": _NEEDS_PYOPENSSL,
            "PrivateCertificate.signRequestObject": _NEEDS_PYOPENSSL,
        },
    }
)
_IOSIM_TLS = (
    "not provided: twistlike's FakeTransport.startTLS runs real TLS over ssl.MemoryBIO "
    "(docs/tls.md), so Twisted's simulated negotiation object has no counterpart"
)
_SELECT_LOOP = (
    "not provided: an internal of Twisted's select-loop reactors; the asyncio loop runs "
    "timers, threads and wake-ups (see docs/reactor.md)"
)

_FIDELITY_MISSING: dict[str, dict[str, str]] = {
    "twisted.internet.defer": {
        "Deferred.callbacks": "deprecated in Twisted 25.5 (the callback list is internal)",
        "DeferredList.callbacks": "deprecated in Twisted 25.5 (the callback list is internal)",
    },
    "twisted.python.failure": {
        "DO_POST_MORTEM": "not provided: post-mortem debugging of Failures (use pdb.pm())",
        "startDebugMode": "not provided: post-mortem debugging of Failures (use pdb.pm())",
        "EXCEPTION_CAUGHT_HERE": "not provided: a marker of Twisted's own traceback capture",
        "traceupLength": "not provided: a tuning knob of Twisted's own traceback capture",
        "count": "not provided: Twisted's global counter of Failures created",
        "deprecatedProperty": "not provided: an implementation helper of Twisted",
        "Failure.stack": "deprecated in Twisted 24.10 (always empty)",
    },
    "twisted.internet.reactor": {
        "installNameResolver": "not provided: names are resolved by the loop's getaddrinfo",
        "installResolver": "not provided: names are resolved by the loop's getaddrinfo",
        "nameResolver": "not provided: names are resolved by the loop's getaddrinfo",
        "resolver": "not provided: names are resolved by the loop's getaddrinfo",
        "disconnectAll": _SELECT_LOOP,
        "doIteration": _SELECT_LOOP,
        "installWaker": _SELECT_LOOP,
        "wakeUp": _SELECT_LOOP,
        "waker": _SELECT_LOOP,
        "mainLoop": _SELECT_LOOP,
        "runUntilCurrent": _SELECT_LOOP,
        "startRunning": _SELECT_LOOP,
        "timeout": _SELECT_LOOP,
        "threadCallQueue": _SELECT_LOOP,
        "usingThreads": _SELECT_LOOP,
        "threadpool": "not provided: use reactor.getThreadPool()",
        "threadpoolShutdownID": _SELECT_LOOP,
        "installed": "not provided: the twistlike reactor needs no install step",
        "sigInt": "not provided: signals are handled by loop.add_signal_handler",
        "sigTerm": "not provided: signals are handled by loop.add_signal_handler",
        "sigBreak": "not provided: signals are handled by loop.add_signal_handler",
    },
    "twisted.internet.task": {
        "LoopingCall.deferred": "deprecated in Twisted (use the Deferred start() returns)",
    },
    "twisted.internet.protocol": {},
    "twisted.internet.endpoints": {},
    "twisted.internet.interfaces": {
        "Failure": "import it from twistlike.failure (Twisted imports it for annotations)",
        "Binding": "not provided: a typing NewType of Twisted's annotations",
    },
    "twisted.internet.address": {
        "platform": "not provided: Twisted's platform probe (use sys.platform)",
    },
    "twisted.protocols.basic": {
        "DEBUG": "not provided: an unused debugging switch of Twisted's module",
    },
    "twisted.protocols.policies": {
        "IAddress": "import it from twistlike.interfaces",
        "WP": "not provided: a TypeVar of Twisted's annotations",
    },
    "twisted.python.log": {
        "synchronize": "not provided: an import of twisted.python.threadable in Twisted's "
        "module (a lock decorator for Python 2 era classes)",
        "LoggingFile.next": "not provided: a Python 2 file method (it only raises in Twisted)",
        "LoggingFile.xreadlines": "not provided: a Python 2 file method (it only raises in "
        "Twisted)",
    },
    "twisted.logger": {
        "LoggingFile.next": "not provided: a Python 2 file method (it only raises in Twisted)",
        "LoggingFile.xreadlines": "not provided: a Python 2 file method (it only raises in "
        "Twisted)",
    },
    "twisted.test.iosim": {
        "ConnectionRefusedError": "import it from twistlike.error",
        "TCP4ClientEndpoint": "import it from twistlike.endpoints",
        "TCP4ServerEndpoint": "import it from twistlike.endpoints",
        "Failure.stack": "deprecated in Twisted 24.10 (always empty)",
        "TLSNegotiation": _IOSIM_TLS,
        "FakeTransport.tls": _IOSIM_TLS,
    },
    "twisted.trial.unittest": {
        "PyUnitResultAdapter": "not provided: twistlike.trial runs under pytest or unittest's "
        "own runner (see docs/testing.md)",
        "TestDecorator": "not provided: trial's runner internals (see docs/testing.md)",
        "TestSuite": "not provided: use unittest.TestSuite (see docs/testing.md)",
        "decorate": "not provided: trial's runner internals (see docs/testing.md)",
        "SynchronousTestCase.callDeprecated": "not provided: use assertWarns",
        "TestCase.callDeprecated": "not provided: use assertWarns",
        "SynchronousTestCase.getDeprecatedModuleAttribute": "not provided: use assertWarns",
        "TestCase.getDeprecatedModuleAttribute": "not provided: use assertWarns",
        "SynchronousTestCase.runTest": "not provided: trial's runner internals",
        "TestCase.runTest": "not provided: trial's runner internals",
        "TestCase.getSuppress": "not provided: trial's `suppress` attributes are not supported",
    },
}
for _module, _names in _FIDELITY_MISSING.items():
    MISSING_NAMES.setdefault(_module, {}).update(
        {k: v for k, v in _names.items() if k not in MISSING_NAMES.get(_module, {})}
    )


# -- class members of the newer areas (services, TLS, web) that twistlike does not provide --
_M_VOLATILE = (
    "not provided: persisted applications (.tap files) are not supported, so services "
    "keep no list of attributes to drop when pickled (docs/services.md)"
)
_M_APP = (
    "not provided: twistd chooses the loop with --reactor asyncio|uvloop; Twisted's "
    "reactor installation and reflect helpers have no use here (docs/services.md)"
)
_M_CONSTANTS = (
    "not provided: twistlike's TLSVersion and ProtocolNegotiationSupport are "
    "enum.Enum classes (iterate or index them by name) instead of constantly "
    "containers"
)
_M_SSL = (
    "not provided: a pyOpenSSL-level detail; twistlike's TLS is the standard "
    "library's ssl module (docs/tls.md)"
)
_M_DYN = (
    "not provided: deprecated resource-listing helpers and the traversal helper; "
    "twistlike.web.resource.getChildForRequest(resource, request) does the traversal"
)
_M_COMPONENT = (
    "not provided: Twisted's Componentized/persistence (jelly, styles) machinery; "
    "twistlike.web requests and sessions are plain objects (docs/web.md)"
)
_M_VIEW = (
    "not provided: the view_* remote-call wrappers for Perspective Broker, which "
    "twistlike does not provide"
)
_M_INST = "set on each request by the server (an instance attribute, not a class default)"
_M_CHAN = (
    "not provided: part of Twisted's own HTTP/1.1 parser (a LineReceiver); "
    "twistlike.web parses with h11, so HTTPChannel has no line/raw modes "
    "(docs/web.md)"
)
_M_FILEPATH = (
    "not provided: static.File is a Resource in twistlike, not a "
    "twisted.python.filepath.FilePath; use its .path with os/pathlib"
)
_M_HELPERS = (
    "not provided: Twisted-internal string and deprecation helpers (use "
    "str.encode/decode and warnings)"
)
_M_PRIVATE = "not provided: a private name of Twisted's module"
_M_GZIP = (
    "not provided: GzipDecoder wraps the response it decodes; read those attributes "
    "from the original response"
)
_M_ENDPOINTFACTORY = (
    "not provided: the Agent builds its connections from the reactor; a custom "
    "endpoint factory is not supported yet"
)
_M_LENGTH = "set on each response (an instance attribute, not a class default)"
_M_DUMMY = "not provided: DummyChannel's transport offers only what twistlike.web uses"
_M_ACCEPTABLE = (
    "not provided: the ALPN protocols come from the TLS context (twistlike.ssl), not the Site"
)
_M_NOQUEUE = "not provided: deprecated in Twisted (a no-op kept for old callers)"
_M_STDIO = (
    "not provided: twistlike's StandardIO delivers to its protocol directly; it is no "
    "process transport, so it has no child* callbacks"
)
_M_ENUM = (
    "not provided: StandardErrorBehavior is an enum.Enum (iterate it, or index it by name) "
    "instead of a constantly container"
)
_MEMBERS_MISSING: dict[str, dict[str, str]] = {
    "twisted.internet.endpoints": {
        "StandardErrorBehavior.iterconstants": _M_ENUM,
        "StandardErrorBehavior.lookupByName": _M_ENUM,
    },
    "twisted.internet.stdio": {
        "StandardIO.childConnectionLost": _M_STDIO,
        "StandardIO.childDataReceived": _M_STDIO,
    },
    "twisted.application.internet": {
        "MulticastServer.volatile": _M_VOLATILE,
        "SSLClient.volatile": _M_VOLATILE,
        "SSLServer.volatile": _M_VOLATILE,
        "TCPClient.volatile": _M_VOLATILE,
        "TCPServer.volatile": _M_VOLATILE,
        "TimerService.volatile": _M_VOLATILE,
        "UDPServer.volatile": _M_VOLATILE,
        "UNIXClient.volatile": _M_VOLATILE,
        "UNIXDatagramClient.volatile": _M_VOLATILE,
        "UNIXDatagramServer.volatile": _M_VOLATILE,
        "UNIXServer.volatile": _M_VOLATILE,
    },
    "twisted.application.app": {
        "NoSuchReactor": _M_APP,
        "installReactor": _M_APP,
        "namedAny": _M_APP,
        "namedModule": _M_APP,
        "qual": _M_APP,
    },
    "twisted.internet.ssl": {
        "AcceptableCiphers.selectCiphers": _M_SSL,
        "ClientContextFactory.method": _M_SSL,
        "PrivateCertificate.getPublicKey": _M_SSL,
        "PrivateCertificate.hostFromTransport": _M_SSL,
        "PrivateCertificate.inspect": _M_SSL,
        "ProtocolNegotiationSupport.iterconstants": _M_CONSTANTS,
        "ProtocolNegotiationSupport.lookupByName": _M_CONSTANTS,
        "ProtocolNegotiationSupport.lookupByValue": _M_CONSTANTS,
        "TLSVersion.iterconstants": _M_CONSTANTS,
        "TLSVersion.lookupByName": _M_CONSTANTS,
    },
    "twisted.web.resource": {
        "ErrorPage.getChildForRequest": _M_DYN,
        "ErrorPage.listDynamicEntities": _M_DYN,
        "ErrorPage.listDynamicNames": _M_DYN,
        "ForbiddenResource.getChildForRequest": _M_DYN,
        "ForbiddenResource.listDynamicEntities": _M_DYN,
        "ForbiddenResource.listDynamicNames": _M_DYN,
        "NoResource.getChildForRequest": _M_DYN,
        "NoResource.listDynamicEntities": _M_DYN,
        "NoResource.listDynamicNames": _M_DYN,
        "Resource.getChildForRequest": _M_DYN,
        "Resource.listDynamicEntities": _M_DYN,
        "Resource.listDynamicNames": _M_DYN,
    },
    "twisted.web.server": {
        "Request.addAdapter": _M_COMPONENT,
        "Request.addComponent": _M_COMPONENT,
        "Request.args": _M_INST,
        "Request.getComponent": _M_COMPONENT,
        "Request.getStateFor": _M_COMPONENT,
        "Request.getStateToCopy": _M_COMPONENT,
        "Request.getStateToCopyFor": _M_COMPONENT,
        "Request.getTypeToCopy": _M_COMPONENT,
        "Request.getTypeToCopyFor": _M_COMPONENT,
        "Request.jellyFor": _M_COMPONENT,
        "Request.locateAdapterClass": _M_COMPONENT,
        "Request.noLongerQueued": _M_NOQUEUE,
        "Request.persistenceVersion": _M_COMPONENT,
        "Request.postpath": _M_INST,
        "Request.prepath": _M_INST,
        "Request.processUniqueID": _M_COMPONENT,
        "Request.removeComponent": _M_COMPONENT,
        "Request.session": _M_INST,
        "Request.setAdapter": _M_COMPONENT,
        "Request.setComponent": _M_COMPONENT,
        "Request.sibLink": _M_COMPONENT,
        "Request.unsetComponent": _M_COMPONENT,
        "Request.view_addCookie": _M_VIEW,
        "Request.view_finish": _M_VIEW,
        "Request.view_registerProducer": _M_VIEW,
        "Request.view_setETag": _M_VIEW,
        "Request.view_setHeader": _M_VIEW,
        "Request.view_setLastModified": _M_VIEW,
        "Request.view_setResponseCode": _M_VIEW,
        "Request.view_unregisterProducer": _M_VIEW,
        "Request.view_write": _M_VIEW,
        "Session.addAdapter": _M_COMPONENT,
        "Session.addComponent": _M_COMPONENT,
        "Session.locateAdapterClass": _M_COMPONENT,
        "Session.persistenceVersion": _M_COMPONENT,
        "Session.setAdapter": _M_COMPONENT,
        "Session.unsetComponent": _M_COMPONENT,
        "Site.acceptableProtocols": _M_ACCEPTABLE,
    },
    "twisted.web.http": {
        "HTTPChannel.MAX_LENGTH": _M_CHAN,
        "HTTPChannel.allContentReceived": _M_CHAN,
        "HTTPChannel.allHeadersReceived": _M_CHAN,
        "HTTPChannel.checkPersistence": _M_CHAN,
        "HTTPChannel.clearLineBuffer": _M_CHAN,
        "HTTPChannel.delimiter": _M_CHAN,
        "HTTPChannel.headerReceived": _M_CHAN,
        "HTTPChannel.length": _M_CHAN,
        "HTTPChannel.lineLengthExceeded": _M_CHAN,
        "HTTPChannel.lineReceived": _M_CHAN,
        "HTTPChannel.line_mode": _M_CHAN,
        "HTTPChannel.pauseProducing": _M_CHAN,
        "HTTPChannel.paused": _M_CHAN,
        "HTTPChannel.persistent": _M_CHAN,
        "HTTPChannel.rawDataReceived": _M_CHAN,
        "HTTPChannel.resumeProducing": _M_CHAN,
        "HTTPChannel.sendLine": _M_CHAN,
        "HTTPChannel.setLineMode": _M_CHAN,
        "HTTPChannel.setRawMode": _M_CHAN,
        "HTTPChannel.stopProducing": _M_CHAN,
        "Request.args": _M_INST,
        "Request.noLongerQueued": _M_NOQUEUE,
    },
    "twisted.web.static": {
        "Data.getChildForRequest": _M_DYN,
        "Data.listDynamicEntities": _M_DYN,
        "Data.listDynamicNames": _M_DYN,
        "DirectoryLister.getChildForRequest": _M_DYN,
        "DirectoryLister.listDynamicEntities": _M_DYN,
        "DirectoryLister.listDynamicNames": _M_DYN,
        "File.Selfish": _M_FILEPATH,
        "File.asBytesMode": _M_FILEPATH,
        "File.asTextMode": _M_FILEPATH,
        "File.changed": _M_FILEPATH,
        "File.childNotFound": _M_FILEPATH,
        "File.childSearchPreauth": _M_FILEPATH,
        "File.children": _M_FILEPATH,
        "File.chmod": _M_FILEPATH,
        "File.clonePath": _M_FILEPATH,
        "File.copyTo": _M_FILEPATH,
        "File.create": _M_FILEPATH,
        "File.createDirectory": _M_FILEPATH,
        "File.descendant": _M_FILEPATH,
        "File.dirname": _M_FILEPATH,
        "File.forbidden": _M_FILEPATH,
        "File.getAccessTime": _M_FILEPATH,
        "File.getChildForRequest": _M_DYN,
        "File.getContent": _M_FILEPATH,
        "File.getDevice": _M_FILEPATH,
        "File.getGroupID": _M_FILEPATH,
        "File.getInodeNumber": _M_FILEPATH,
        "File.getNumberOfHardLinks": _M_FILEPATH,
        "File.getPermissions": _M_FILEPATH,
        "File.getStatusChangeTime": _M_FILEPATH,
        "File.getUserID": _M_FILEPATH,
        "File.getatime": _M_FILEPATH,
        "File.getctime": _M_FILEPATH,
        "File.getmtime": _M_FILEPATH,
        "File.getsize": _M_FILEPATH,
        "File.globChildren": _M_FILEPATH,
        "File.isBlockDevice": _M_FILEPATH,
        "File.isSocket": _M_FILEPATH,
        "File.isabs": _M_FILEPATH,
        "File.isfile": _M_FILEPATH,
        "File.islink": _M_FILEPATH,
        "File.linkTo": _M_FILEPATH,
        "File.listDynamicEntities": _M_DYN,
        "File.listDynamicNames": _M_DYN,
        "File.listdir": _M_FILEPATH,
        "File.makedirs": _M_FILEPATH,
        "File.moveTo": _M_FILEPATH,
        "File.open": _M_FILEPATH,
        "File.parent": _M_FILEPATH,
        "File.parents": _M_FILEPATH,
        "File.preauthChild": _M_FILEPATH,
        "File.realpath": _M_FILEPATH,
        "File.remove": _M_FILEPATH,
        "File.requireCreate": _M_FILEPATH,
        "File.segmentsFrom": _M_FILEPATH,
        "File.sep": _M_FILEPATH,
        "File.setContent": _M_FILEPATH,
        "File.sibling": _M_FILEPATH,
        "File.siblingExtension": _M_FILEPATH,
        "File.siblingExtensionSearch": _M_FILEPATH,
        "File.splitext": _M_FILEPATH,
        "File.temporarySibling": _M_FILEPATH,
        "File.touch": _M_FILEPATH,
        "File.walk": _M_FILEPATH,
        "InsensitiveDict": _M_HELPERS,
        "dangerousPathError": _M_HELPERS,
        "deprecated": _M_HELPERS,
        "nativeString": _M_HELPERS,
        "networkString": _M_HELPERS,
    },
    "twisted.web.util": {
        "DeferredResource.getChildForRequest": _M_DYN,
        "DeferredResource.listDynamicEntities": _M_DYN,
        "DeferredResource.listDynamicNames": _M_DYN,
        "ParentRedirect.getChildForRequest": _M_DYN,
        "ParentRedirect.listDynamicEntities": _M_DYN,
        "ParentRedirect.listDynamicNames": _M_DYN,
        "Redirect.getChildForRequest": _M_DYN,
        "Redirect.listDynamicEntities": _M_DYN,
        "Redirect.listDynamicNames": _M_DYN,
        "_FrameElement": _M_PRIVATE,
        "_PRE": _M_PRIVATE,
        "_SourceFragmentElement": _M_PRIVATE,
        "_SourceLineElement": _M_PRIVATE,
        "_StackElement": _M_PRIVATE,
    },
    "twisted.web.client": {
        "Agent.usingEndpointFactory": _M_ENDPOINTFACTORY,
        "GzipDecoder.code": _M_GZIP,
        "GzipDecoder.headers": _M_GZIP,
        "GzipDecoder.length": _M_GZIP,
        "GzipDecoder.phrase": _M_GZIP,
        "GzipDecoder.previousResponse": _M_GZIP,
        "GzipDecoder.request": _M_GZIP,
        "GzipDecoder.setPreviousResponse": _M_GZIP,
        "GzipDecoder.version": _M_GZIP,
        "Response.length": _M_LENGTH,
    },
    "twisted.web.iweb": {
        "_IRequestEncoder": _M_PRIVATE,
        "_IRequestEncoderFactory": _M_PRIVATE,
    },
    "twisted.web.test.requesthelper": {
        "DummyChannel.getPeerCertificate": _M_DUMMY,
        "DummyChannel.getTcpKeepAlive": _M_DUMMY,
        "DummyChannel.getTcpNoDelay": _M_DUMMY,
        "DummyChannel.loseWriteConnection": _M_DUMMY,
        "DummyChannel.setTcpKeepAlive": _M_DUMMY,
        "DummyChannel.setTcpNoDelay": _M_DUMMY,
    },
}
for _module, _names in _MEMBERS_MISSING.items():
    MISSING_NAMES.setdefault(_module, {}).update(_names)


class MissingNameError(ImportError):
    """A Twisted name that twistlike deliberately does not provide was asked for.

    An ImportError, so that ``from twistlike.protocol import DatagramProtocol`` shows the
    reason instead of Python's bare "cannot import name" (module attribute lookups that fail
    with AttributeError lose their message inside ``from ... import``).
    """


def missing_name_error(module: str, name: str) -> ImportError | AttributeError:
    """The error for ``module.name`` when it does not exist: the listed reason, if any.

    Returns a :class:`MissingNameError` naming the Twisted name, the reason and
    docs/missing.md when ``name`` is one of MISSING_NAMES' rows for a Twisted module that
    ``module`` replaces; otherwise the usual AttributeError.
    """
    from twistlike._porting.mapping import MODULES

    for row in MODULES:
        if row.twistlike != module:
            continue
        reason = MISSING_NAMES.get(row.twisted, {}).get(name)
        if reason is not None:
            return MissingNameError(
                f"{module} does not provide {name} ({row.twisted}.{name}): {reason}. "
                "See docs/missing.md.",
                name=name,
            )
    return AttributeError(f"module {module!r} has no attribute {name!r}")


def missing_reactor_attribute(name: str) -> AttributeError:
    """The AttributeError for a reactor attribute, naming the reason when one is listed."""
    reason = MISSING_NAMES["twisted.internet.reactor"].get(name)
    if reason is None:
        return AttributeError(f"'AsyncioReactor' object has no attribute {name!r}")
    return AttributeError(
        f"the twistlike reactor does not provide {name}: {reason}. See docs/missing.md."
    )

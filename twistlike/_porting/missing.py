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

_TLS = "in progress: issue 12 (TLS)"
_POSIX = "in progress: issue 13 (UDP, processes, stdio, file descriptors)"
_LIFECYCLE = "in progress: issue 10 (lifecycle and threads)"
_FD = (
    "not provided: twistlike never reads or writes file descriptors itself (asyncio does); "
    + _POSIX
)
_SELECT_LOOP = (
    "not provided: an internal of Twisted's select-loop reactors; the asyncio loop runs "
    "timers, threads and wake-ups (see docs/reactor.md)"
)

MISSING_NAMES: dict[str, dict[str, str]] = {
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
        "addReader": _FD,
        "addWriter": _FD,
        "removeReader": _FD,
        "removeWriter": _FD,
        "getReaders": _FD,
        "getWriters": _FD,
        "removeAll": _FD,
        "adoptDatagramPort": _POSIX,
        "adoptStreamConnection": _POSIX,
        "adoptStreamPort": _POSIX,
        "listenUDP": _POSIX,
        "listenMulticast": _POSIX,
        "listenUNIXDatagram": _POSIX,
        "connectUNIXDatagram": _POSIX,
        "spawnProcess": _POSIX,
        "listenSSL": _TLS,
        "connectSSL": _TLS,
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
    "twisted.internet.protocol": {
        "AbstractDatagramProtocol": _POSIX,
        "DatagramProtocol": _POSIX,
        "ConnectedDatagramProtocol": _POSIX,
        "ProcessProtocol": _POSIX,
        "ClientCreator.connectSSL": _TLS,
    },
    "twisted.internet.endpoints": {
        "SSL4ClientEndpoint": _TLS,
        "SSL4ServerEndpoint": _TLS,
        "wrapClientTLS": _TLS,
        "wrapServerTLS": _TLS,
        "AdoptedStreamServerEndpoint": _POSIX,
        "ProcessEndpoint": _POSIX,
        "StandardErrorBehavior": _POSIX,
        "StandardIOEndpoint": _POSIX,
    },
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
        "TLSNegotiation": _TLS,
        "FakeTransport.startTLS": _TLS,
        "FakeTransport.tls": _TLS,
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

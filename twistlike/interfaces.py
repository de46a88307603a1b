"""zope.interface declarations of what protocols, transports, factories and reactors provide.

The names, methods and attributes are Twisted's, so ``@implementer(IHalfCloseableProtocol)``,
``IPushProducer.providedBy(obj)`` and ``verifyObject(ITransport, t)`` work as they do there.
As zope.interface wants, methods are declared without ``self``.

For static typing these interfaces are opaque (zope.interface has no type information
without a mypy plugin); annotate with concrete classes or ``typing.Protocol`` types instead.

Twisted: twisted.internet.interfaces.
"""

# zope.interface ships no type information, so mypy sees ``Interface`` as Any: subclassing it
# is allowed here, and interface methods have declarations but no bodies.
# mypy: allow-subclassing-any
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from zope.interface import Attribute, Interface  # type: ignore[import-untyped, unused-ignore]

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from twistlike.defer import Deferred
    from twistlike.failure import Failure

__all__ = [
    "IAddress",
    "IConnector",
    "IConsumer",
    "IDelayedCall",
    "IFileDescriptor",
    "IHalfCloseableDescriptor",
    "IHalfCloseableProtocol",
    "IHandshakeListener",
    "IListeningPort",
    "ILoggingContext",
    "IProcessProtocol",
    "IProcessTransport",
    "IProducer",
    "IProtocol",
    "IProtocolFactory",
    "IPullProducer",
    "IPushProducer",
    "IReactorCore",
    "IReactorFromThreads",
    "IReactorInThreads",
    "IReactorTCP",
    "IReactorThreads",
    "IReactorTime",
    "IReactorUNIX",
    "IStreamClientEndpoint",
    "IStreamServerEndpoint",
    "ITCPTransport",
    "ITransport",
    "IUNIXTransport",
]


class IAddress(Interface):
    """The address of one end of a connection, such as an IPv4 host and port.

    Twisted: twisted.internet.interfaces.IAddress.
    """


# Reactor interfaces.


class IConnector(Interface):
    """Manages one outgoing connection attempt and the connection it makes.

    Twisted: twisted.internet.interfaces.IConnector.
    """

    def stopConnecting() -> None:  # type: ignore[misc]
        """Give up the connection attempt in progress."""

    def disconnect() -> None:  # type: ignore[misc]
        """Drop the connection if there is one, or stop trying to make it."""

    def connect() -> None:  # type: ignore[misc]
        """Try to connect to the destination (again)."""

    def getDestination() -> IAddress:  # type: ignore[misc]
        """Return the address this connector connects to."""


class IReactorTCP(Interface):
    """A reactor that can listen for and make TCP connections.

    Twisted: twisted.internet.interfaces.IReactorTCP.
    """

    def listenTCP(port: int, factory: Any, backlog: int = 50, interface: str = "") -> Any:
        """Listen on TCP ``port`` and serve each connection with a protocol from ``factory``.

        Returns an IListeningPort provider; raises CannotListenError if binding fails.
        ``interface`` is the local address to bind (``""``: all IPv4 addresses).
        """

    def connectTCP(
        host: str,
        port: int,
        factory: Any,
        timeout: float = 30.0,
        bindAddress: tuple[str, int] | None = None,
    ) -> Any:
        """Connect to ``host``:``port``; ``factory`` (a ClientFactory) hears how it goes.

        Returns an IConnector provider.
        """


class IReactorUNIX(Interface):
    """A reactor that can listen for and make UNIX-socket connections.

    Twisted: twisted.internet.interfaces.IReactorUNIX.
    """

    def connectUNIX(address: str, factory: Any, timeout: float = 30, checkPID: bool = False) -> Any:
        """Connect to the UNIX socket at path ``address``; returns an IConnector provider."""

    def listenUNIX(
        address: str,
        factory: Any,
        backlog: int = 50,
        mode: int = 0o666,
        wantPID: bool = False,
    ) -> Any:
        """Listen on the UNIX socket at path ``address``; returns an IListeningPort provider."""


class IReactorTime(Interface):
    """A reactor that knows the time and can run calls later.

    Twisted: twisted.internet.interfaces.IReactorTime.
    """

    def seconds() -> float:  # type: ignore[misc]
        """Return the current time in seconds since the epoch."""

    def callLater(
        delay: float, callable: Callable[..., Any], *args: object, **kwargs: object
    ) -> Any:
        """Call ``callable(*args, **kwargs)`` after ``delay`` seconds.

        Returns an IDelayedCall provider that can cancel, delay or reset the call.
        """

    def getDelayedCalls() -> Sequence[Any]:  # type: ignore[misc]
        """Return the calls that are scheduled and have not run yet."""


class IDelayedCall(Interface):
    """A call scheduled with ``callLater``.

    Twisted: twisted.internet.interfaces.IDelayedCall.
    """

    def getTime() -> float:  # type: ignore[misc]
        """Return when the call will run, in seconds since the epoch."""

    def cancel() -> None:  # type: ignore[misc]
        """Cancel the call; AlreadyCalled or AlreadyCancelled if it is not pending."""

    def delay(secondsLater: float) -> None:
        """Move the call ``secondsLater`` seconds later than it is now scheduled."""

    def reset(secondsFromNow: float) -> None:
        """Reschedule the call to run ``secondsFromNow`` seconds from now."""

    def active() -> bool:  # type: ignore[misc]
        """Return True while the call has neither run nor been cancelled."""


class IReactorFromThreads(Interface):
    """The thread-safe part of a reactor.

    Twisted: twisted.internet.interfaces.IReactorFromThreads.
    """

    def callFromThread(callable: Callable[..., Any], *args: object, **kwargs: object) -> None:
        """Run ``callable(*args, **kwargs)`` in the reactor's thread; callable from any thread."""


class IReactorInThreads(Interface):
    """A reactor that can run functions in other threads.

    Twisted: twisted.internet.interfaces.IReactorInThreads.
    """

    def callInThread(callable: Callable[..., Any], *args: object, **kwargs: object) -> None:
        """Run ``callable(*args, **kwargs)`` in a worker thread."""


class IReactorThreads(IReactorFromThreads, IReactorInThreads):
    """A reactor with a pool of worker threads.

    Twisted: twisted.internet.interfaces.IReactorThreads.
    """

    def getThreadPool() -> Executor | Any:  # type: ignore[misc]
        """Return the pool that ``callInThread`` uses, creating it if needed."""

    def suggestThreadPoolSize(size: int) -> None:
        """Suggest how many worker threads the pool should have."""


class IReactorCore(Interface):
    """The core of a reactor: running, stopping, and system event triggers.

    Twisted: twisted.internet.interfaces.IReactorCore.
    """

    running = Attribute("True from during startup until during shutdown, False otherwise.")

    def resolve(name: str, timeout: Sequence[int] = (1, 3, 11, 45)) -> Deferred[str]:
        """Resolve host name ``name`` to one IPv4 address."""

    def run() -> None:  # type: ignore[misc]
        """Fire the startup events and run the event loop until ``stop()`` or ``crash()``."""

    def stop() -> None:  # type: ignore[misc]
        """Fire the shutdown events; ``run()`` returns when they are done."""

    def crash() -> None:  # type: ignore[misc]
        """Stop the event loop at once, without firing any system events."""

    def iterate(delay: float) -> None:
        """Run one iteration of the event loop, waiting at most ``delay`` seconds."""

    def fireSystemEvent(eventType: str) -> None:
        """Fire the system event ``eventType`` (``"startup"``, ``"shutdown"``, ...)."""

    def addSystemEventTrigger(
        phase: str,
        eventType: str,
        callable: Callable[..., Any],
        *args: object,
        **kwargs: object,
    ) -> Any:
        """Call ``callable`` in ``phase`` (before, during, after) of system event ``eventType``.

        Returns an identifier for ``removeSystemEventTrigger``. A ``"before"`` trigger may
        return a Deferred; the ``"during"`` phase waits for it.
        """

    def removeSystemEventTrigger(triggerID: Any) -> None:
        """Remove a trigger that ``addSystemEventTrigger`` added."""

    def callWhenRunning(callable: Callable[..., Any], *args: object, **kwargs: object) -> Any:
        """Call ``callable`` now if the reactor runs, else once it has started.

        Returns None if it was called, else a trigger identifier.
        """


class IListeningPort(Interface):
    """A port that accepts connections.

    Twisted: twisted.internet.interfaces.IListeningPort.
    """

    def startListening() -> None:  # type: ignore[misc]
        """Start listening; raises CannotListenError if that is not possible."""

    def stopListening() -> Deferred[None] | None:  # type: ignore[misc]
        """Stop listening; may return a Deferred that fires once the port is closed."""

    def getHost() -> IAddress:  # type: ignore[misc]
        """Return the address the port listens on."""


class ILoggingContext(Interface):
    """Something that tells log messages what context they come from.

    Twisted: twisted.internet.interfaces.ILoggingContext.
    """

    def logPrefix() -> str:  # type: ignore[misc]
        """Return the prefix for log messages about this object."""


class IFileDescriptor(ILoggingContext):
    """Something backed by an operating-system file descriptor.

    Twisted: twisted.internet.interfaces.IFileDescriptor.
    """

    def fileno() -> int:  # type: ignore[misc]
        """Return the file descriptor number, or -1 once it is no longer valid."""

    def connectionLost(reason: Failure) -> None:
        """The descriptor's connection was lost for ``reason``."""


class IHalfCloseableDescriptor(Interface):
    """A descriptor that is told separately when each direction of its connection closes.

    Twisted: twisted.internet.interfaces.IHalfCloseableDescriptor.
    """

    def writeConnectionLost(reason: Failure) -> None:
        """The write direction was closed for ``reason``."""

    def readConnectionLost(reason: Failure) -> None:
        """The read direction was closed for ``reason``."""


# Producers and consumers.


class IConsumer(Interface):
    """Something that takes data, optionally from a registered producer.

    Twisted: twisted.internet.interfaces.IConsumer.
    """

    def registerProducer(producer: Any, streaming: bool) -> None:
        """Register ``producer`` to feed this consumer.

        A streaming (push) producer writes on its own and is paused and resumed; a
        non-streaming (pull) producer writes only when ``resumeProducing()`` is called.
        Registering while another producer is registered raises RuntimeError.
        """

    def unregisterProducer() -> None:  # type: ignore[misc]
        """Forget the registered producer."""

    def write(data: bytes) -> None:
        """Take ``data``; the producer may be paused if it comes too fast."""


class IProducer(Interface):
    """Something that writes data into a consumer.

    Twisted: twisted.internet.interfaces.IProducer.
    """

    def stopProducing() -> None:  # type: ignore[misc]
        """Stop producing for good (the consumer has gone away)."""


class IPushProducer(IProducer):
    """A producer that writes whenever it likes until it is paused.

    Twisted: twisted.internet.interfaces.IPushProducer.
    """

    def pauseProducing() -> None:  # type: ignore[misc]
        """Stop writing until ``resumeProducing()`` is called."""

    def resumeProducing() -> None:  # type: ignore[misc]
        """Start writing again after ``pauseProducing()``."""


class IPullProducer(IProducer):
    """A producer that writes only when it is asked to.

    Twisted: twisted.internet.interfaces.IPullProducer.
    """

    def resumeProducing() -> None:  # type: ignore[misc]
        """Write some data into the consumer now."""


# Protocols, factories and transports.


class IProtocol(Interface):
    """The handler of one connection's events.

    Call order: ``makeConnection -> connectionMade [-> dataReceived*] -> connectionLost``.

    Twisted: twisted.internet.interfaces.IProtocol.
    """

    def dataReceived(data: bytes) -> None:
        """Bytes arrived; they may be any part of a message, so buffer what is incomplete."""

    def connectionLost(reason: Failure) -> None:
        """The connection ended for ``reason`` (ConnectionDone when it was clean)."""

    def makeConnection(transport: Any) -> None:
        """Attach to ``transport`` and call ``connectionMade()``."""

    def connectionMade() -> None:  # type: ignore[misc]
        """The connection is ready; send any greeting here."""


class IProcessProtocol(Interface):
    """The handler of one child process's events.

    Twisted: twisted.internet.interfaces.IProcessProtocol.
    """

    def makeConnection(process: Any) -> None:
        """Attach to the process transport ``process``."""

    def childDataReceived(childFD: int, data: bytes) -> None:
        """The child wrote ``data`` to its file descriptor ``childFD``."""

    def childConnectionLost(childFD: int) -> None:
        """The child's file descriptor ``childFD`` was closed."""

    def processExited(reason: Failure) -> None:
        """The child exited (its descriptors may still be open)."""

    def processEnded(reason: Failure) -> None:
        """The child exited and all its descriptors are closed."""


class IHalfCloseableProtocol(Interface):
    """A protocol that handles each direction of its connection closing on its own.

    A transport that sees this interface on its protocol calls ``readConnectionLost()``
    when the peer stops sending, instead of closing the whole connection.

    Twisted: twisted.internet.interfaces.IHalfCloseableProtocol.
    """

    def readConnectionLost() -> None:  # type: ignore[misc]
        """The peer will send nothing more; we may still write."""

    def writeConnectionLost() -> None:  # type: ignore[misc]
        """Our write direction is closed; we may still receive."""


class IHandshakeListener(Interface):
    """A protocol told when the TLS handshake of its connection has completed.

    Twisted: twisted.internet.interfaces.IHandshakeListener.
    """

    def handshakeCompleted() -> None:  # type: ignore[misc]
        """The TLS handshake is done; the peer certificate can be inspected now."""


class IProtocolFactory(Interface):
    """Something that makes a protocol for each new connection.

    Twisted: twisted.internet.interfaces.IProtocolFactory.
    """

    def buildProtocol(addr: Any) -> Any:
        """Return a protocol for a connection with ``addr``, or None to refuse it."""

    def doStart() -> None:  # type: ignore[misc]
        """Called before the factory starts being used by a port or connector."""

    def doStop() -> None:  # type: ignore[misc]
        """Called after a port or connector stops using the factory."""


class ITransport(Interface):
    """One end of a connection, as its protocol sees it.

    Writes are buffered and never block; data written before ``loseConnection()`` is
    still sent.

    Twisted: twisted.internet.interfaces.ITransport.
    """

    def write(data: bytes) -> None:
        """Send ``data`` (bytes) to the peer, eventually and in order."""

    def writeSequence(data: Iterable[bytes]) -> None:
        """Send each item of ``data`` in order, as if written one by one."""

    def loseConnection() -> None:  # type: ignore[misc]
        """Close the connection once all pending data has been sent."""

    def getPeer() -> IAddress:  # type: ignore[misc]
        """Return the address of the other end."""

    def getHost() -> IAddress:  # type: ignore[misc]
        """Return the address of this end."""


class ITCPTransport(ITransport):
    """A TCP connection.

    Twisted: twisted.internet.interfaces.ITCPTransport.
    """

    def loseWriteConnection() -> None:  # type: ignore[misc]
        """Send pending data, then shut down the write direction (half-close)."""

    def abortConnection() -> None:  # type: ignore[misc]
        """Close the connection at once, discarding pending data."""

    def getTcpNoDelay() -> bool:  # type: ignore[misc]
        """Return whether TCP_NODELAY (Nagle's algorithm off) is set."""

    def setTcpNoDelay(enabled: bool) -> None:
        """Set or clear TCP_NODELAY."""

    def getTcpKeepAlive() -> bool:  # type: ignore[misc]
        """Return whether SO_KEEPALIVE is set."""

    def setTcpKeepAlive(enabled: bool) -> None:
        """Set or clear SO_KEEPALIVE."""


class IUNIXTransport(ITransport):
    """A UNIX-socket connection, which can also pass file descriptors.

    Twisted: twisted.internet.interfaces.IUNIXTransport.
    """

    def sendFileDescriptor(descriptor: int) -> None:
        """Send the file descriptor ``descriptor`` along with the next bytes written."""


class IProcessTransport(ITransport):
    """The connection to a child process.

    Twisted: twisted.internet.interfaces.IProcessTransport.
    """

    pid = Attribute("The child's process id, or None once it has exited.")

    def closeStdin() -> None:  # type: ignore[misc]
        """Close the child's standard input."""

    def closeStdout() -> None:  # type: ignore[misc]
        """Close the child's standard output."""

    def closeStderr() -> None:  # type: ignore[misc]
        """Close the child's standard error."""

    def closeChildFD(descriptor: int) -> None:
        """Close the child's file descriptor ``descriptor``."""

    def writeToChild(childFD: int, data: bytes) -> None:
        """Write ``data`` to the child's file descriptor ``childFD``."""

    def signalProcess(signalID: str | int) -> None:
        """Send the child a signal (a number, or ``"KILL"``, ``"TERM"``, ``"INT"``)."""


# Endpoints.


class IStreamClientEndpoint(Interface):
    """Somewhere a stream connection can be made to.

    Twisted: twisted.internet.interfaces.IStreamClientEndpoint.
    """

    def connect(protocolFactory: Any) -> Deferred[Any]:
        """Connect, and fire with the protocol ``protocolFactory`` built for the connection."""


class IStreamServerEndpoint(Interface):
    """Somewhere stream connections can be accepted.

    Twisted: twisted.internet.interfaces.IStreamServerEndpoint.
    """

    def listen(protocolFactory: Any) -> Deferred[Any]:
        """Start listening, and fire with an IListeningPort provider."""


# -- TLS interfaces (issue 12) --


class ISSLTransport(ITCPTransport):
    """A TCP connection secured with TLS.

    Twisted: twisted.internet.interfaces.ISSLTransport.
    """

    def getPeerCertificate() -> Any:  # type: ignore[misc]
        """Return the peer's certificate (a ``twistlike.ssl.Certificate``), or None."""


class ITLSTransport(ITCPTransport):
    """A TCP connection that can be upgraded to TLS while it runs (STARTTLS).

    Twisted: twisted.internet.interfaces.ITLSTransport.
    """

    def startTLS(contextFactory: Any) -> None:
        """Start TLS now: what was written before goes out in clear, what follows encrypted."""


class INegotiated(ISSLTransport):
    """A TLS connection that knows the application protocol negotiated with ALPN.

    Twisted: twisted.internet.interfaces.INegotiated.
    """

    negotiatedProtocol = Attribute(
        "The protocol agreed on with ALPN (bytes), or None (none agreed, or handshake not done)."
    )


class IReactorSSL(Interface):
    """A reactor that listens and connects with TLS.

    Twisted: twisted.internet.interfaces.IReactorSSL.
    """

    def connectSSL(
        host: str,
        port: int,
        factory: Any,
        contextFactory: Any,
        timeout: float,
        bindAddress: tuple[str, int] | None,
    ) -> IConnector:
        """Connect to ``host:port`` and secure the connection with TLS."""

    def listenSSL(
        port: int, factory: Any, contextFactory: Any, backlog: int = 50, interface: str = ""
    ) -> IListeningPort:
        """Listen on ``port``; every accepted connection is secured with TLS."""


class IProtocolNegotiationFactory(Interface):
    """A factory that offers application protocols for ALPN.

    Twisted: twisted.internet.interfaces.IProtocolNegotiationFactory.
    """

    def acceptableProtocols() -> list[bytes]:  # type: ignore[misc]
        """Return the protocols to offer, most preferred first."""


class IOpenSSLClientConnectionCreator(Interface):
    """TLS settings for client connections (what ``optionsForClientTLS`` returns).

    Twisted: twisted.internet.interfaces.IOpenSSLClientConnectionCreator. twistlike's
    providers build an ``ssl.SSLContext``; ``clientConnectionForTLS`` (a pyOpenSSL
    ``Connection``) is not available (docs/tls.md).
    """

    def clientConnectionForTLS(tlsProtocol: Any) -> Any:
        """Twisted: return a pyOpenSSL Connection; twistlike raises a clear error."""


class IOpenSSLServerConnectionCreator(Interface):
    """TLS settings for server connections (``CertificateOptions`` provides it).

    Twisted: twisted.internet.interfaces.IOpenSSLServerConnectionCreator.
    """

    def serverConnectionForTLS(tlsProtocol: Any) -> Any:
        """Twisted: return a pyOpenSSL Connection; twistlike raises a clear error."""


class IOpenSSLContextFactory(Interface):
    """Something that makes the TLS context (``getContext``).

    Twisted: twisted.internet.interfaces.IOpenSSLContextFactory. In twistlike
    ``getContext()`` returns an ``ssl.SSLContext``, not an ``OpenSSL.SSL.Context``.
    """

    def getContext() -> Any:  # type: ignore[misc]
        """Return the context (an ``ssl.SSLContext``)."""


__all__ += [
    "INegotiated",
    "IOpenSSLClientConnectionCreator",
    "IOpenSSLContextFactory",
    "IOpenSSLServerConnectionCreator",
    "IProtocolNegotiationFactory",
    "IReactorSSL",
    "ISSLTransport",
    "ITLSTransport",
]

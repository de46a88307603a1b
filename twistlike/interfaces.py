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

from twistlike._core.zi import Attribute, Interface

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from twistlike.defer import Deferred
    from twistlike.failure import Failure

__all__ = [
    "IAcceptableCiphers",
    "IAddress",
    "ICipher",
    "IConnector",
    "IConsumer",
    "IDelayedCall",
    "IFileDescriptor",
    "IFileDescriptorReceiver",
    "IHalfCloseableDescriptor",
    "IHalfCloseableProtocol",
    "IHandshakeListener",
    "IHostResolution",
    "IHostnameResolver",
    "IListeningPort",
    "ILoggingContext",
    "IMulticastTransport",
    "INegotiated",
    "IOpenSSLClientConnectionCreator",
    "IOpenSSLContextFactory",
    "IOpenSSLServerConnectionCreator",
    "IProcessProtocol",
    "IProcessTransport",
    "IProducer",
    "IProtocol",
    "IProtocolFactory",
    "IProtocolNegotiationFactory",
    "IPullProducer",
    "IPushProducer",
    "IReactorCore",
    "IReactorDaemonize",
    "IReactorFDSet",
    "IReactorFromThreads",
    "IReactorInThreads",
    "IReactorMulticast",
    "IReactorPluggableNameResolver",
    "IReactorPluggableResolver",
    "IReactorProcess",
    "IReactorSSL",
    "IReactorSocket",
    "IReactorTCP",
    "IReactorTCP2",
    "IReactorThreads",
    "IReactorTime",
    "IReactorUDP",
    "IReactorUNIX",
    "IReactorUNIXDatagram",
    "IReactorWin32Events",
    "IReadDescriptor",
    "IReadWriteDescriptor",
    "IResolutionReceiver",
    "IResolver",
    "IResolverSimple",
    "ISSLTransport",
    "IServiceCollection",
    "IStreamClientEndpoint",
    "IStreamClientEndpointStringParserWithReactor",
    "IStreamServerEndpoint",
    "IStreamServerEndpointStringParser",
    "ISystemHandle",
    "ITCPTransport",
    "ITLSTransport",
    "ITransport",
    "IUDPTransport",
    "IUNIXDatagramConnectedTransport",
    "IUNIXDatagramTransport",
    "IUNIXTransport",
    "IWriteDescriptor",
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

    def listenTCP(port: int, factory: Any, backlog: int = 50, interface: str = "") -> Any:  # type: ignore[misc]
        """Listen on TCP ``port`` and serve each connection with a protocol from ``factory``.

        Returns an IListeningPort provider; raises CannotListenError if binding fails.
        ``interface`` is the local address to bind (``""``: all IPv4 addresses).
        """

    def connectTCP(  # type: ignore[misc]
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

    def connectUNIX(address: str, factory: Any, timeout: float = 30, checkPID: bool = False) -> Any:  # type: ignore[misc]
        """Connect to the UNIX socket at path ``address``; returns an IConnector provider."""

    def listenUNIX(  # type: ignore[misc]
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

    def callLater(  # type: ignore[misc]
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

    def delay(secondsLater: float) -> None:  # type: ignore[misc]
        """Move the call ``secondsLater`` seconds later than it is now scheduled."""

    def reset(secondsFromNow: float) -> None:  # type: ignore[misc]
        """Reschedule the call to run ``secondsFromNow`` seconds from now."""

    def active() -> bool:  # type: ignore[misc]
        """Return True while the call has neither run nor been cancelled."""


class IReactorFromThreads(Interface):
    """The thread-safe part of a reactor.

    Twisted: twisted.internet.interfaces.IReactorFromThreads.
    """

    def callFromThread(callable: Callable[..., Any], *args: object, **kwargs: object) -> None:  # type: ignore[misc]
        """Run ``callable(*args, **kwargs)`` in the reactor's thread; callable from any thread."""


class IReactorInThreads(Interface):
    """A reactor that can run functions in other threads.

    Twisted: twisted.internet.interfaces.IReactorInThreads.
    """

    def callInThread(callable: Callable[..., Any], *args: object, **kwargs: object) -> None:  # type: ignore[misc]
        """Run ``callable(*args, **kwargs)`` in a worker thread."""


class IReactorThreads(IReactorFromThreads, IReactorInThreads):
    """A reactor with a pool of worker threads.

    Twisted: twisted.internet.interfaces.IReactorThreads.
    """

    def getThreadPool() -> Executor | Any:  # type: ignore[misc]
        """Return the pool that ``callInThread`` uses, creating it if needed."""

    def suggestThreadPoolSize(size: int) -> None:  # type: ignore[misc]
        """Suggest how many worker threads the pool should have."""


class IReactorCore(Interface):
    """The core of a reactor: running, stopping, and system event triggers.

    Twisted: twisted.internet.interfaces.IReactorCore.
    """

    running: Attribute = Attribute(
        "True from during startup until during shutdown, False otherwise."
    )

    def resolve(name: str, timeout: Sequence[int] = (1, 3, 11, 45)) -> Deferred[str]:  # type: ignore[misc]
        """Resolve host name ``name`` to one IPv4 address."""

    def run() -> None:  # type: ignore[misc]
        """Fire the startup events and run the event loop until ``stop()`` or ``crash()``."""

    def stop() -> None:  # type: ignore[misc]
        """Fire the shutdown events; ``run()`` returns when they are done."""

    def crash() -> None:  # type: ignore[misc]
        """Stop the event loop at once, without firing any system events."""

    def iterate(delay: float) -> None:  # type: ignore[misc]
        """Run one iteration of the event loop, waiting at most ``delay`` seconds."""

    def fireSystemEvent(eventType: str) -> None:  # type: ignore[misc]
        """Fire the system event ``eventType`` (``"startup"``, ``"shutdown"``, ...)."""

    def addSystemEventTrigger(  # type: ignore[misc]
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

    def callWhenRunning(callable: Callable[..., Any], *args: object, **kwargs: object) -> Any:  # type: ignore[misc]
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

    def connectionLost(reason: Failure) -> None:  # type: ignore[misc]
        """The descriptor's connection was lost for ``reason``."""


class IHalfCloseableDescriptor(Interface):
    """A descriptor that is told separately when each direction of its connection closes.

    Twisted: twisted.internet.interfaces.IHalfCloseableDescriptor.
    """

    def writeConnectionLost(reason: Failure) -> None:  # type: ignore[misc]
        """The write direction was closed for ``reason``."""

    def readConnectionLost(reason: Failure) -> None:  # type: ignore[misc]
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

    def write(data: bytes) -> None:  # type: ignore[misc]
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

    def dataReceived(data: bytes) -> None:  # type: ignore[misc]
        """Bytes arrived; they may be any part of a message, so buffer what is incomplete."""

    def connectionLost(reason: Failure) -> None:  # type: ignore[misc]
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

    def childDataReceived(childFD: int, data: bytes) -> None:  # type: ignore[misc]
        """The child wrote ``data`` to its file descriptor ``childFD``."""

    def childConnectionLost(childFD: int) -> None:  # type: ignore[misc]
        """The child's file descriptor ``childFD`` was closed."""

    def processExited(reason: Failure) -> None:  # type: ignore[misc]
        """The child exited (its descriptors may still be open)."""

    def processEnded(reason: Failure) -> None:  # type: ignore[misc]
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

    def write(data: bytes) -> None:  # type: ignore[misc]
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

    def setTcpNoDelay(enabled: bool) -> None:  # type: ignore[misc]
        """Set or clear TCP_NODELAY."""

    def getTcpKeepAlive() -> bool:  # type: ignore[misc]
        """Return whether SO_KEEPALIVE is set."""

    def setTcpKeepAlive(enabled: bool) -> None:  # type: ignore[misc]
        """Set or clear SO_KEEPALIVE."""


class IUNIXTransport(ITransport):
    """A UNIX-socket connection, which can also pass file descriptors.

    Twisted: twisted.internet.interfaces.IUNIXTransport.
    """

    def sendFileDescriptor(descriptor: int) -> None:  # type: ignore[misc]
        """Send the file descriptor ``descriptor`` along with the next bytes written."""


class IProcessTransport(ITransport):
    """The connection to a child process.

    Twisted: twisted.internet.interfaces.IProcessTransport.
    """

    pid: Attribute = Attribute("The child's process id, or None once it has exited.")

    def closeStdin() -> None:  # type: ignore[misc]
        """Close the child's standard input."""

    def closeStdout() -> None:  # type: ignore[misc]
        """Close the child's standard output."""

    def closeStderr() -> None:  # type: ignore[misc]
        """Close the child's standard error."""

    def closeChildFD(descriptor: int) -> None:  # type: ignore[misc]
        """Close the child's file descriptor ``descriptor``."""

    def writeToChild(childFD: int, data: bytes) -> None:  # type: ignore[misc]
        """Write ``data`` to the child's file descriptor ``childFD``."""

    def signalProcess(signalID: str | int) -> None:  # type: ignore[misc]
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


# --------------------------------------------------------------------------------------------
# The rest of Twisted's interfaces. Declared even where twistlike does not implement the
# feature yet (TLS, UDP, processes, file descriptors, DNS records), so that code declaring or
# checking them imports and works; the reactor declares only what it implements.

# Name resolution.


class IResolverSimple(Interface):
    """Turns a host name into one IPv4 address.

    Twisted: twisted.internet.interfaces.IResolverSimple.
    """

    def getHostByName(name: str, timeout: Sequence[int] = ()) -> Deferred[str]:  # type: ignore[misc]
        """Fire with an address for ``name`` (a dotted quad), or fail with DNSLookupError.

        ``timeout`` is a sequence of retry delays in seconds.
        """


class IHostResolution(Interface):
    """One name lookup in progress, as handed to an IResolutionReceiver.

    Twisted: twisted.internet.interfaces.IHostResolution.
    """

    name: Attribute = Attribute("The host name being looked up.")

    def cancel() -> None:  # type: ignore[misc]
        """Stop the lookup; the receiver then hears resolutionComplete."""


class IResolutionReceiver(Interface):
    """Hears the results of one IHostnameResolver lookup, one address at a time.

    Twisted: twisted.internet.interfaces.IResolutionReceiver.
    """

    def resolutionBegan(resolutionInProgress: Any) -> None:
        """The lookup started; ``resolutionInProgress`` (IHostResolution) can cancel it."""

    def addressResolved(address: Any) -> None:
        """One address (IPv4Address or IPv6Address) was found."""

    def resolutionComplete() -> None:  # type: ignore[misc]
        """No more addresses will come."""


class IHostnameResolver(Interface):
    """Looks host names up, reporting every address to a receiver.

    Twisted: twisted.internet.interfaces.IHostnameResolver.
    """

    def resolveHostName(
        resolutionReceiver: Any,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type] | None = None,
        transportSemantics: str = "TCP",
    ) -> Any:
        """Start looking ``hostName`` up; return the receiver, told about each address.

        ``addressTypes`` limits the families (IPv4Address, IPv6Address; None: both);
        ``transportSemantics`` is ``"TCP"`` or ``"UDP"``.
        """


class IResolver(IResolverSimple):
    """A DNS client: each ``lookup*`` fires with ``(answers, authority, additional)``.

    Twisted: twisted.internet.interfaces.IResolver.
    """

    def query(query: Any, timeout: Sequence[int]) -> Deferred[Any]:
        """Send one DNS query object."""

    def lookupAddress(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for A (IPv4 address) records."""

    def lookupAddress6(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for A6 records (obsolete IPv6 address records)."""

    def lookupIPV6Address(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for AAAA (IPv6 address) records."""

    def lookupMailExchange(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for MX records."""

    def lookupNameservers(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for NS records."""

    def lookupCanonicalName(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for CNAME records."""

    def lookupMailBox(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for MB records."""

    def lookupMailGroup(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for MG records."""

    def lookupMailRename(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for MR records."""

    def lookupPointer(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for PTR records (reverse lookups)."""

    def lookupAuthority(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for SOA records."""

    def lookupNull(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for NULL records."""

    def lookupWellKnownServices(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for WKS records."""

    def lookupHostInfo(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for HINFO records."""

    def lookupMailboxInfo(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for MINFO records."""

    def lookupText(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for TXT records."""

    def lookupResponsibility(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for RP records."""

    def lookupAFSDatabase(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for AFSDB records."""

    def lookupService(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for SRV records."""

    def lookupAllRecords(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for every record type (ALL_RECORDS)."""

    def lookupSenderPolicy(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for SPF records."""

    def lookupNamingAuthorityPointer(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for NAPTR records."""

    def lookupZone(name: str, timeout: Sequence[int]) -> Deferred[Any]:  # type: ignore[misc]
        """Ask for a zone transfer (AXFR)."""


# More reactor interfaces.


class IReactorTCP2(IReactorTCP):
    """IReactorTCP with ``interface=None`` meaning every address family.

    Twisted: twisted.internet.interfaces.IReactorTCP2.
    """

    def listenTCP(port: int, factory: Any, backlog: int = 50, interface: str | None = None) -> Any:  # type: ignore[misc]
        """Listen on TCP ``port``; ``interface=None`` binds all IPv4 and IPv6 addresses."""

    def connectTCP(  # type: ignore[misc]
        host: str,
        port: int,
        factory: Any,
        timeout: float = 30.0,
        bindAddress: tuple[str, int] | None = None,
    ) -> Any:
        """Connect to ``host``:``port``, as IReactorTCP.connectTCP."""


class IReactorSSL(Interface):
    """A reactor that can listen for and make TLS connections.

    Twisted: twisted.internet.interfaces.IReactorSSL.
    """

    def connectSSL(  # type: ignore[misc]
        host: str,
        port: int,
        factory: Any,
        contextFactory: Any,
        timeout: float,
        bindAddress: tuple[str, int] | None,
    ) -> Any:
        """Connect over TLS, configured by ``contextFactory``; returns an IConnector."""

    def listenSSL(  # type: ignore[misc]
        port: int, factory: Any, contextFactory: Any, backlog: int = 50, interface: str = ""
    ) -> Any:
        """Listen for TLS connections on ``port``; returns an IListeningPort."""


class IReactorUNIXDatagram(Interface):
    """A reactor that can send and receive datagrams on UNIX sockets.

    Twisted: twisted.internet.interfaces.IReactorUNIXDatagram.
    """

    def connectUNIXDatagram(  # type: ignore[misc]
        address: str, protocol: Any, maxPacketSize: int, mode: int, bindAddress: Any
    ) -> Any:
        """Connect a datagram protocol to the UNIX datagram socket at ``address``."""

    def listenUNIXDatagram(address: str, protocol: Any, maxPacketSize: int, mode: int) -> Any:  # type: ignore[misc]
        """Receive datagrams on the UNIX socket at ``address`` with a DatagramProtocol."""


class IReactorWin32Events(Interface):
    """A Windows reactor that can wait on event objects.

    Twisted: twisted.internet.interfaces.IReactorWin32Events.
    """

    def addEvent(event: Any, fd: Any, action: str) -> None:
        """Call ``fd``'s method ``action`` whenever ``event`` is signalled."""

    def removeEvent(event: Any) -> None:
        """Stop waiting on ``event``."""


class IReactorUDP(Interface):
    """A reactor that can send and receive UDP datagrams.

    Twisted: twisted.internet.interfaces.IReactorUDP.
    """

    def listenUDP(port: int, protocol: Any, interface: str, maxPacketSize: int) -> Any:  # type: ignore[misc]
        """Bind UDP ``port`` and hand datagrams to ``protocol``; returns its transport."""


class IReactorMulticast(Interface):
    """A reactor that can join IP multicast groups.

    Twisted: twisted.internet.interfaces.IReactorMulticast.
    """

    def listenMulticast(  # type: ignore[misc]
        port: int,
        protocol: Any,
        interface: str = "",
        maxPacketSize: int = 8192,
        listenMultiple: bool = False,
    ) -> Any:
        """Bind a UDP port for multicast; ``listenMultiple`` lets other sockets share it."""


class IReactorSocket(Interface):
    """A reactor that can take over sockets made elsewhere (by file descriptor).

    Twisted: twisted.internet.interfaces.IReactorSocket.
    """

    def adoptStreamPort(fileDescriptor: int, addressFamily: int, factory: Any) -> Any:  # type: ignore[misc]
        """Serve a listening stream socket that is already bound; returns an IListeningPort."""

    def adoptStreamConnection(fileDescriptor: int, addressFamily: int, factory: Any) -> None:  # type: ignore[misc]
        """Run a protocol from ``factory`` over an already connected stream socket."""

    def adoptDatagramPort(  # type: ignore[misc]
        fileDescriptor: int, addressFamily: int, protocol: Any, maxPacketSize: int
    ) -> Any:
        """Receive datagrams on an already bound datagram socket."""


class IReactorProcess(Interface):
    """A reactor that can start child processes.

    Twisted: twisted.internet.interfaces.IReactorProcess.
    """

    def spawnProcess(
        processProtocol: Any,
        executable: bytes | str,
        args: Sequence[bytes | str],
        env: dict[Any, Any] | None = None,
        path: bytes | str | None = None,
        uid: int | None = None,
        gid: int | None = None,
        usePTY: bool = False,
        childFDs: dict[int, Any] | None = None,
    ) -> Any:
        """Start ``executable`` with ``args``; ``processProtocol`` hears its output and
        exit. Returns an IProcessTransport."""


class IReactorPluggableResolver(Interface):
    """A reactor whose IResolverSimple can be replaced (deprecated form).

    Twisted: twisted.internet.interfaces.IReactorPluggableResolver.
    """

    def installResolver(resolver: Any) -> Any:
        """Use ``resolver`` from now on; return the one it replaces."""


class IReactorPluggableNameResolver(Interface):
    """A reactor whose IHostnameResolver can be replaced.

    Twisted: twisted.internet.interfaces.IReactorPluggableNameResolver.
    """

    nameResolver: Attribute = Attribute("The IHostnameResolver the reactor uses.")

    def installNameResolver(resolver: Any) -> Any:
        """Use ``resolver`` from now on; return the one it replaces."""


class IReactorDaemonize(Interface):
    """A reactor that must prepare for and recover from daemonization (fork).

    Twisted: twisted.internet.interfaces.IReactorDaemonize.
    """

    def beforeDaemonize() -> None:  # type: ignore[misc]
        """Release what must not cross the fork."""

    def afterDaemonize() -> None:  # type: ignore[misc]
        """Set up again in the daemon process."""


class IReactorFDSet(Interface):
    """A reactor that watches file descriptors for reading and writing.

    Twisted: twisted.internet.interfaces.IReactorFDSet.
    """

    def addReader(reader: Any) -> None:
        """Call ``reader.doRead()`` whenever its descriptor is readable."""

    def addWriter(writer: Any) -> None:
        """Call ``writer.doWrite()`` whenever its descriptor is writable."""

    def removeReader(reader: Any) -> None:
        """Stop watching ``reader``."""

    def removeWriter(writer: Any) -> None:
        """Stop watching ``writer``."""

    def removeAll() -> list[Any]:  # type: ignore[misc]
        """Stop watching everything (except internals); return what was removed."""

    def getReaders() -> list[Any]:  # type: ignore[misc]
        """Return the readers being watched."""

    def getWriters() -> list[Any]:  # type: ignore[misc]
        """Return the writers being watched."""


# Descriptors.


class IReadDescriptor(IFileDescriptor):
    """A file descriptor the reactor reads from.

    Twisted: twisted.internet.interfaces.IReadDescriptor.
    """

    def doRead() -> Any:  # type: ignore[misc]
        """Data can be read; return None, or a Failure-like reason to disconnect."""


class IWriteDescriptor(IFileDescriptor):
    """A file descriptor the reactor writes to.

    Twisted: twisted.internet.interfaces.IWriteDescriptor.
    """

    def doWrite() -> Any:  # type: ignore[misc]
        """Data can be written; return None, or a reason to disconnect."""


class IReadWriteDescriptor(IReadDescriptor, IWriteDescriptor):
    """A file descriptor the reactor both reads from and writes to.

    Twisted: twisted.internet.interfaces.IReadWriteDescriptor.
    """


class ISystemHandle(Interface):
    """Something that wraps an operating-system handle.

    Twisted: twisted.internet.interfaces.ISystemHandle.
    """

    def getHandle() -> Any:  # type: ignore[misc]
        """Return the handle (a socket object, a file descriptor ...)."""


class IFileDescriptorReceiver(Interface):
    """A protocol that can receive file descriptors over a UNIX socket.

    Twisted: twisted.internet.interfaces.IFileDescriptorReceiver.
    """

    def fileDescriptorReceived(descriptor: int) -> None:  # type: ignore[misc]
        """A descriptor arrived (it arrives before the bytes sent with it)."""


# TLS.


class IOpenSSLServerConnectionCreator(Interface):
    """Makes the pyOpenSSL Connection of each server-side TLS connection.

    Twisted: twisted.internet.interfaces.IOpenSSLServerConnectionCreator.
    """

    def serverConnectionForTLS(tlsProtocol: Any) -> Any:
        """Return the OpenSSL.SSL.Connection for ``tlsProtocol``."""


class IOpenSSLClientConnectionCreator(Interface):
    """Makes the pyOpenSSL Connection of each client-side TLS connection.

    Twisted: twisted.internet.interfaces.IOpenSSLClientConnectionCreator.
    """

    def clientConnectionForTLS(tlsProtocol: Any) -> Any:
        """Return the OpenSSL.SSL.Connection for ``tlsProtocol``."""


class IProtocolNegotiationFactory(Interface):
    """A factory that offers application protocols (ALPN) during the TLS handshake.

    Twisted: twisted.internet.interfaces.IProtocolNegotiationFactory.
    """

    def acceptableProtocols() -> list[bytes]:  # type: ignore[misc]
        """Return the protocol names it speaks, most preferred first."""


class IOpenSSLContextFactory(Interface):
    """Something that hands out a pyOpenSSL context.

    Twisted: twisted.internet.interfaces.IOpenSSLContextFactory.
    """

    def getContext() -> Any:  # type: ignore[misc]
        """Return an OpenSSL.SSL.Context."""


class ITLSTransport(ITCPTransport):
    """A TCP transport that can switch to TLS.

    Twisted: twisted.internet.interfaces.ITLSTransport.
    """

    def startTLS(contextFactory: Any) -> None:
        """Start TLS once the bytes already written are sent."""


class ISSLTransport(ITCPTransport):
    """A TLS connection.

    Twisted: twisted.internet.interfaces.ISSLTransport.
    """

    def getPeerCertificate() -> Any:  # type: ignore[misc]
        """Return the peer's certificate, or None."""


class INegotiated(ISSLTransport):
    """A TLS connection whose application protocol was negotiated.

    Twisted: twisted.internet.interfaces.INegotiated.
    """

    negotiatedProtocol: Attribute = Attribute(
        "The application protocol chosen (bytes), or None if none was; raises while the "
        "handshake is still running."
    )


class ICipher(Interface):
    """One TLS cipher.

    Twisted: twisted.internet.interfaces.ICipher.
    """

    fullName: Attribute = Attribute("The cipher's OpenSSL name.")


class IAcceptableCiphers(Interface):
    """Chooses which ciphers may be used.

    Twisted: twisted.internet.interfaces.IAcceptableCiphers.
    """

    def selectCiphers(availableCiphers: Sequence[Any]) -> list[Any]:  # type: ignore[misc]
        """Return the ICipher providers to use, from those available."""


# Services (twisted.application's collection of services).


class IServiceCollection(Interface):
    """A container of named services.

    Twisted: twisted.internet.interfaces.IServiceCollection.
    """

    def getServiceNamed(serviceName: str) -> Any:  # type: ignore[misc]
        """Return the child service called ``serviceName``; raise KeyError if none."""

    def addService(service: Any) -> None:
        """Add a child service."""

    def removeService(service: Any) -> None:
        """Remove a child service."""


# Datagram transports.


class IUDPTransport(Interface):
    """The transport of a UDP protocol.

    Twisted: twisted.internet.interfaces.IUDPTransport.
    """

    def write(packet: bytes, addr: tuple[str, int] | None) -> None:  # type: ignore[misc]
        """Send one datagram to ``addr`` (None: to the peer given to ``connect``)."""

    def connect(host: str, port: int) -> None:  # type: ignore[misc]
        """Send to and receive from only ``host``:``port`` from now on."""

    def getHost() -> Any:  # type: ignore[misc]
        """Return the local address."""

    def stopListening() -> Any:  # type: ignore[misc]
        """Close the port; may return a Deferred fired once it is closed."""

    def setBroadcastAllowed(enabled: bool) -> None:  # type: ignore[misc]
        """Allow or forbid sending to broadcast addresses."""

    def getBroadcastAllowed() -> bool:  # type: ignore[misc]
        """Return whether sending to broadcast addresses is allowed."""


class IUNIXDatagramTransport(Interface):
    """The transport of a UNIX datagram protocol.

    Twisted: twisted.internet.interfaces.IUNIXDatagramTransport.
    """

    def write(packet: bytes, addr: str) -> None:  # type: ignore[misc]
        """Send one datagram to the socket at path ``addr``."""

    def getHost() -> Any:  # type: ignore[misc]
        """Return the local address."""


class IUNIXDatagramConnectedTransport(Interface):
    """The transport of a connected UNIX datagram protocol.

    Twisted: twisted.internet.interfaces.IUNIXDatagramConnectedTransport.
    """

    def write(packet: bytes) -> None:  # type: ignore[misc]
        """Send one datagram to the connected peer."""

    def getHost() -> Any:  # type: ignore[misc]
        """Return the local address."""

    def getPeer() -> Any:  # type: ignore[misc]
        """Return the peer's address."""


class IMulticastTransport(IUDPTransport):
    """The transport of a multicast UDP protocol.

    Twisted: twisted.internet.interfaces.IMulticastTransport.
    """

    def getOutgoingInterface() -> str:  # type: ignore[misc]
        """Return the interface address multicast datagrams leave from."""

    def setOutgoingInterface(addr: str) -> Any:  # type: ignore[misc]
        """Send multicast datagrams from interface ``addr``."""

    def getLoopbackMode() -> bool:  # type: ignore[misc]
        """Return whether this host receives its own multicast datagrams."""

    def setLoopbackMode(mode: bool) -> None:  # type: ignore[misc]
        """Receive (or not) this host's own multicast datagrams."""

    def getTTL() -> int:  # type: ignore[misc]
        """Return the time-to-live of outgoing multicast datagrams."""

    def setTTL(ttl: int) -> None:  # type: ignore[misc]
        """Set the time-to-live of outgoing multicast datagrams."""

    def joinGroup(addr: str, interface: str = "") -> Deferred[Any]:  # type: ignore[misc]
        """Join multicast group ``addr`` on ``interface``."""

    def leaveGroup(addr: str, interface: str = "") -> Deferred[Any]:  # type: ignore[misc]
        """Leave multicast group ``addr`` on ``interface``."""


# Endpoint description parsers (plugins of serverFromString/clientFromString).


class IStreamServerEndpointStringParser(Interface):
    """Parses one kind of ``serverFromString`` description.

    Twisted: twisted.internet.interfaces.IStreamServerEndpointStringParser.
    """

    prefix: Attribute = Attribute("The description prefix it handles, such as ``'tcp'``.")

    def parseStreamServer(reactor: Any, *args: Any, **kwargs: Any) -> Any:
        """Build an IStreamServerEndpoint from the description's fields."""


class IStreamClientEndpointStringParserWithReactor(Interface):
    """Parses one kind of ``clientFromString`` description.

    Twisted: twisted.internet.interfaces.IStreamClientEndpointStringParserWithReactor.
    """

    prefix: Attribute = Attribute("The description prefix it handles, such as ``'tcp'``.")

    def parseStreamClient(reactor: Any, *args: Any, **kwargs: Any) -> Any:
        """Build an IStreamClientEndpoint from the description's fields."""


if not TYPE_CHECKING:
    # (Hidden from type checkers, which would otherwise accept any name from this module.)

    def __getattr__(name: str) -> object:
        # A Twisted name twistlike does not provide fails with the reason (docs/missing.md).
        from twistlike._porting.missing import missing_name_error

        raise missing_name_error(__name__, name)

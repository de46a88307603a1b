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


# -- UDP/process/FD interfaces (issue 13) --


class IUDPTransport(Interface):
    """A UDP port, as the datagram protocol on it sees it.

    Twisted: twisted.internet.interfaces.IUDPTransport.
    """

    def write(packet: bytes, addr: tuple[str, int] | None) -> None:
        """Send ``packet`` to ``addr`` (to the connected address when ``addr`` is None)."""

    def connect(host: str, port: int) -> None:
        """Send to and receive from ``host:port`` only (an IP address, not a name)."""

    def getHost() -> IAddress:  # type: ignore[misc]
        """Return the bound address."""

    def stopListening() -> Deferred[None] | None:  # type: ignore[misc]
        """Stop listening; the Deferred fires once the port is closed."""

    def setBroadcastAllowed(enabled: bool) -> None:
        """Allow or forbid sending to broadcast addresses (SO_BROADCAST)."""

    def getBroadcastAllowed() -> bool:  # type: ignore[misc]
        """Whether sending to broadcast addresses is allowed."""


class IMulticastTransport(IUDPTransport):
    """A UDP port that can join multicast groups.

    Twisted: twisted.internet.interfaces.IMulticastTransport.
    """

    def getOutgoingInterface() -> str:  # type: ignore[misc]
        """Return the IP address of the interface multicast datagrams are sent from."""

    def setOutgoingInterface(addr: str) -> Deferred[int]:
        """Send multicast datagrams from the interface with IP address ``addr``."""

    def getLoopbackMode() -> bool:  # type: ignore[misc]
        """Whether this host receives the multicast datagrams it sends."""

    def setLoopbackMode(mode: bool) -> None:
        """Set whether this host receives the multicast datagrams it sends."""

    def getTTL() -> int:  # type: ignore[misc]
        """Return the time-to-live of outgoing multicast datagrams."""

    def setTTL(ttl: int) -> None:
        """Set the time-to-live of outgoing multicast datagrams."""

    def joinGroup(addr: str, interface: str = "") -> Deferred[int]:
        """Join the multicast group ``addr`` on ``interface`` (any when empty)."""

    def leaveGroup(addr: str, interface: str = "") -> Deferred[int]:
        """Leave the multicast group ``addr`` on ``interface``."""


class IUNIXDatagramTransport(Interface):
    """A UNIX datagram socket that sends to any address.

    Twisted: twisted.internet.interfaces.IUNIXDatagramTransport.
    """

    def write(packet: bytes, addr: str) -> None:
        """Send ``packet`` to the socket path ``addr``."""

    def getHost() -> IAddress:  # type: ignore[misc]
        """Return the bound address."""


class IUNIXDatagramConnectedTransport(Interface):
    """A UNIX datagram socket connected to one peer.

    Twisted: twisted.internet.interfaces.IUNIXDatagramConnectedTransport.
    """

    def write(packet: bytes) -> None:
        """Send ``packet`` to the peer."""

    def getHost() -> IAddress:  # type: ignore[misc]
        """Return the bound address."""

    def getPeer() -> IAddress:  # type: ignore[misc]
        """Return the peer's address."""


class IReactorUDP(Interface):
    """A reactor that listens on UDP ports.

    Twisted: twisted.internet.interfaces.IReactorUDP.
    """

    def listenUDP(port: int, protocol: Any, interface: str, maxPacketSize: int) -> IListeningPort:
        """Bind UDP ``port`` on ``interface`` and connect ``protocol`` to it."""


class IReactorMulticast(Interface):
    """A reactor that listens on UDP ports able to join multicast groups.

    Twisted: twisted.internet.interfaces.IReactorMulticast.
    """

    def listenMulticast(
        port: int,
        protocol: Any,
        interface: str = "",
        maxPacketSize: int = 8192,
        listenMultiple: bool = False,
    ) -> IListeningPort:
        """Bind a multicast-capable UDP ``port`` (shared with others if ``listenMultiple``)."""


class IReactorUNIXDatagram(Interface):
    """A reactor with UNIX datagram sockets.

    Twisted: twisted.internet.interfaces.IReactorUNIXDatagram.
    """

    def connectUNIXDatagram(
        address: str, protocol: Any, maxPacketSize: int, mode: int, bindAddress: str | None
    ) -> Any:
        """Connect a datagram ``protocol`` to the socket path ``address``."""

    def listenUNIXDatagram(
        address: str, protocol: Any, maxPacketSize: int, mode: int
    ) -> IListeningPort:
        """Bind a UNIX datagram socket at ``address`` and connect ``protocol`` to it."""


class IReactorProcess(Interface):
    """A reactor that starts child processes.

    Twisted: twisted.internet.interfaces.IReactorProcess.
    """

    def spawnProcess(
        processProtocol: Any,
        executable: str | bytes,
        args: Sequence[str | bytes],
        env: dict[str | bytes, str | bytes] | None = None,
        path: str | bytes | None = None,
        uid: int | None = None,
        gid: int | None = None,
        usePTY: bool = False,
        childFDs: dict[int, int | str] | None = None,
    ) -> IProcessTransport:
        """Start ``executable`` with ``args``; ``processProtocol`` hears its events."""


class IReadDescriptor(IFileDescriptor):
    """A file descriptor the reactor tells when it can be read.

    Twisted: twisted.internet.interfaces.IReadDescriptor.
    """

    def doRead() -> Failure | BaseException | None:  # type: ignore[misc]
        """Read some data; return an exception or Failure to disconnect."""


class IWriteDescriptor(IFileDescriptor):
    """A file descriptor the reactor tells when it can be written.

    Twisted: twisted.internet.interfaces.IWriteDescriptor.
    """

    def doWrite() -> Failure | BaseException | None:  # type: ignore[misc]
        """Write some data; return an exception or Failure to disconnect."""


class IReadWriteDescriptor(IReadDescriptor, IWriteDescriptor):
    """A file descriptor the reactor tells when it can be read and written.

    Twisted: twisted.internet.interfaces.IReadWriteDescriptor.
    """


class IReactorFDSet(Interface):
    """A reactor that watches file descriptors for readiness.

    Twisted: twisted.internet.interfaces.IReactorFDSet.
    """

    def addReader(reader: IReadDescriptor) -> None:
        """Call ``reader.doRead()`` whenever its descriptor is readable."""

    def addWriter(writer: IWriteDescriptor) -> None:
        """Call ``writer.doWrite()`` whenever its descriptor is writable."""

    def removeReader(reader: IReadDescriptor) -> None:
        """Stop watching ``reader``."""

    def removeWriter(writer: IWriteDescriptor) -> None:
        """Stop watching ``writer``."""

    def removeAll() -> list[IReadDescriptor | IWriteDescriptor]:  # type: ignore[misc]
        """Stop watching every descriptor; return the readers and writers removed."""

    def getReaders() -> list[IReadDescriptor]:  # type: ignore[misc]
        """Return the readers being watched."""

    def getWriters() -> list[IWriteDescriptor]:  # type: ignore[misc]
        """Return the writers being watched."""


class IReactorSocket(Interface):
    """A reactor that adopts sockets created elsewhere (socket activation, pre-fork).

    Twisted: twisted.internet.interfaces.IReactorSocket.
    """

    def adoptStreamPort(fileDescriptor: int, addressFamily: int, factory: Any) -> IListeningPort:
        """Listen on a copy of the listening stream socket ``fileDescriptor``."""

    def adoptStreamConnection(fileDescriptor: int, addressFamily: int, factory: Any) -> None:
        """Serve a copy of the connected stream socket ``fileDescriptor`` with ``factory``."""

    def adoptDatagramPort(
        fileDescriptor: int, addressFamily: int, protocol: Any, maxPacketSize: int
    ) -> IListeningPort:
        """Receive on a copy of the bound datagram socket ``fileDescriptor``."""


__all__ += [
    "IMulticastTransport",
    "IReactorFDSet",
    "IReactorMulticast",
    "IReactorProcess",
    "IReactorSocket",
    "IReactorUDP",
    "IReactorUNIXDatagram",
    "IReadDescriptor",
    "IReadWriteDescriptor",
    "IUDPTransport",
    "IUNIXDatagramConnectedTransport",
    "IUNIXDatagramTransport",
    "IWriteDescriptor",
]

"""In-memory stand-ins for transports, reactors, protocols and producers, for testing.

Nothing here does I/O or needs an event loop:

- a protocol connected to a :class:`StringTransport` writes into a buffer the test reads
  with ``value()``;
- a :class:`MemoryReactor` records ``listenTCP``/``connectTCP``/... calls instead of making
  sockets, and :class:`MemoryReactorClock` adds a deterministic :class:`~twistlike.task.Clock`;
- :func:`connectedServerAndClient` joins two protocols through a pair of
  :class:`FakeTransport` objects, and the returned :class:`IOPump` moves their bytes when the
  test says so (``pump()`` one round, ``flush()`` until quiet).

Twisted: twisted.internet.testing (and twisted.test.iosim, whose public home is here).
"""

from __future__ import annotations

import itertools
import socket
from collections.abc import Callable, Iterable, Iterator, Sequence
from io import BytesIO
from typing import TYPE_CHECKING, Any, Literal, NoReturn, Self, TypeVar, cast, overload
from typing import Protocol as _TypingProtocol

from zope.interface import implementer  # type: ignore[import-untyped, unused-ignore]

from twistlike import error
from twistlike._core.addresses import is_ipv6_address
from twistlike._core.log import log_failure
from twistlike.address import IPv4Address, IPv6Address, UNIXAddress
from twistlike.basic import LineReceiver
from twistlike.defer import Deferred, DeferredList, maybeDeferred
from twistlike.failure import Failure
from twistlike.interfaces import (
    IAddress,
    IConnector,
    IConsumer,
    IHostnameResolver,
    IListeningPort,
    IPushProducer,
    IReactorCore,
    IReactorFDSet,
    IReactorPluggableNameResolver,
    IReactorSocket,
    IReactorSSL,
    IReactorTCP,
    IReactorTime,
    IReactorUNIX,
    ITransport,
    IUDPTransport,
)
from twistlike.logger import LogEvent, LogPublisher
from twistlike.protocol import Factory, Protocol
from twistlike.task import Clock, LoopingCall

__all__ = [
    "AccumulatingProtocol",
    "ConnectionCompleter",
    "EventLoggingObserver",
    "FakeAddress",
    "FakeDatagramTransport",
    "FakeTransport",
    "IOPump",
    "LineSendingProtocol",
    "MemoryReactor",
    "MemoryReactorClock",
    "NonStreamingProducer",
    "RaisingMemoryReactor",
    "StringIOWithoutClosing",
    "StringTransport",
    "StringTransportWithDisconnection",
    "SynchronousResolver",
    # Private by name, but exported by Twisted's own __all__, and ported tests import them.
    "_FakeConnector",
    "_FakePort",
    "connect",
    "connectableEndpoint",
    "connectedServerAndClient",
    "makeFakeClient",
    "makeFakeServer",
    "waitUntilAllDisconnected",
]


class AccumulatingProtocol(Protocol):
    """A protocol that keeps everything it receives and records its connection events.

    If its factory has a ``protocolConnectionMade`` Deferred, ``connectionMade`` fires it
    with the protocol (once); if ``closedDeferred`` is set, ``connectionLost`` fires it.

    Attributes:
        made: 1 once ``connectionMade`` was called.
        data: All the bytes received so far.
        closed: 1 once ``connectionLost`` was called.
        closedReason: The reason given to ``connectionLost``.
        closedDeferred: A Deferred to fire (with None) from ``connectionLost``.

    Twisted: twisted.internet.testing.AccumulatingProtocol.
    """

    made: int = 0
    closed: int = 0
    closedReason: Failure | None = None
    closedDeferred: Deferred[None] | None = None
    data: bytes = b""

    def connectionMade(self) -> None:
        """Record the connection and fire the factory's ``protocolConnectionMade``."""
        self.made = 1
        # Divergence from Twisted: a factory without a ``protocolConnectionMade``
        # attribute is accepted (Twisted raises AttributeError).
        d: Deferred[AccumulatingProtocol] | None = getattr(
            self.factory, "protocolConnectionMade", None
        )
        if d is not None:
            self.factory.protocolConnectionMade = None
            d.callback(self)

    def dataReceived(self, data: bytes) -> None:
        """Append ``data`` to ``self.data``."""
        self.data += data

    def connectionLost(self, reason: Failure | None = None) -> None:
        """Record the reason and fire ``closedDeferred``."""
        self.closed = 1
        self.closedReason = reason
        if self.closedDeferred is not None:
            d, self.closedDeferred = self.closedDeferred, None
            d.callback(None)


class LineSendingProtocol(LineReceiver):
    """Sends the given lines and collects the lines it receives.

    With ``start`` true the lines are sent on connection; otherwise they are sent in
    answer to the first line received.

    Attributes:
        lines: The lines still to send.
        response: The lines received.
        lostConn: True once ``connectionLost`` was called.

    Twisted: twisted.internet.testing.LineSendingProtocol.
    """

    lostConn: bool = False

    def __init__(self, lines: list[bytes], start: bool = True) -> None:
        self.lines: list[bytes] = lines[:]
        self.response: list[bytes] = []
        self.start = start

    def connectionMade(self) -> None:
        """Send the lines now if ``start`` is true."""
        if self.start:
            for line in self.lines:
                self.sendLine(line)

    def lineReceived(self, line: bytes) -> None:
        """Collect ``line``; send the lines now unless they were sent on connection."""
        if not self.start:
            for toSend in self.lines:
                self.sendLine(toSend)
            self.lines = []
        self.response.append(line)

    def connectionLost(self, reason: Failure | None = None) -> None:
        """Record that the connection was lost."""
        self.lostConn = True


@implementer(ITransport, IConsumer, IPushProducer)
class StringTransport:
    """A transport that keeps what is written in memory and only records state changes.

    Attributes:
        io: A BytesIO with everything written since the last ``clear()``.
        connected: True (the transport never disconnects by itself).
        disconnecting: False until ``loseConnection`` (or ``abortConnection``) is called.
        disconnected: False until ``abortConnection`` is called.
        producer: The registered producer, or None.
        streaming: The ``streaming`` flag it was registered with, or None.
        producerState: ``"producing"``, ``"paused"`` or ``"stopped"``: this transport's
            own state as a push producer.
        hostAddr: The address ``getHost()`` returns (None: a default IPv4Address).
        peerAddr: The address ``getPeer()`` returns (None: a default IPv4Address).

    Twisted: twisted.internet.testing.StringTransport.
    """

    disconnecting: bool = False
    disconnected: bool = False
    producer: Any = None
    streaming: bool | None = None
    hostAddr: Any = None
    peerAddr: Any = None
    producerState: str = "producing"

    def __init__(
        self, hostAddress: Any = None, peerAddress: Any = None, lenient: bool = False
    ) -> None:
        """Create the transport.

        Args:
            hostAddress: What ``getHost()`` returns, if not None.
            peerAddress: What ``getPeer()`` returns, if not None.
            lenient: Allow ``pauseProducing``/``resumeProducing`` after ``loseConnection``
                (by default that raises RuntimeError, to catch code that expects more
                data from a closing connection).
        """
        self.clear()
        if hostAddress is not None:
            self.hostAddr = hostAddress
        if peerAddress is not None:
            self.peerAddr = peerAddress
        self.connected = True
        self._lenient = lenient

    def clear(self) -> None:
        """Forget everything written so far (a test helper, not a transport method)."""
        self.io: BytesIO = BytesIO()

    def value(self) -> bytes:
        """Return everything written since the last ``clear()`` (a test helper)."""
        return self.io.getvalue()

    def write(self, data: bytes) -> None:
        """Buffer ``data``; anything but ``bytes`` raises TypeError."""
        if not isinstance(data, bytes):
            raise TypeError("Data must be bytes")
        self.io.write(data)

    def writeSequence(self, data: Iterable[bytes]) -> None:
        """Buffer the items of ``data`` joined together."""
        self.io.write(b"".join(data))

    def loseConnection(self) -> None:
        """Set ``disconnecting``; nothing else happens."""
        self.disconnecting = True

    def abortConnection(self) -> None:
        """Set ``disconnected`` and ``disconnecting``; nothing else happens."""
        self.disconnected = True
        self.loseConnection()

    def getPeer(self) -> Any:
        """Return ``peerAddr``, or ``IPv4Address("TCP", "192.168.1.1", 54321)``."""
        if self.peerAddr is None:
            return IPv4Address("TCP", "192.168.1.1", 54321)
        return self.peerAddr

    def getHost(self) -> Any:
        """Return ``hostAddr``, or ``IPv4Address("TCP", "10.0.0.1", 12345)``."""
        if self.hostAddr is None:
            return IPv4Address("TCP", "10.0.0.1", 12345)
        return self.hostAddr

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        """Record ``producer``; RuntimeError if one is already registered."""
        if self.producer is not None:
            raise RuntimeError("Cannot register two producers")
        self.producer = producer
        self.streaming = streaming

    def unregisterProducer(self) -> None:
        """Forget the producer; RuntimeError if none is registered."""
        if self.producer is None:
            raise RuntimeError("Cannot unregister a producer unless one is registered")
        self.producer = None
        self.streaming = None

    def _checkState(self) -> None:
        """Refuse to pause or resume a closing or stopped transport."""
        if self.disconnecting and not self._lenient:
            raise RuntimeError("Cannot resume producing after loseConnection")
        if self.producerState == "stopped":
            raise RuntimeError("Cannot resume a stopped producer")

    def pauseProducing(self) -> None:
        """Set ``producerState`` to ``"paused"``."""
        self._checkState()
        self.producerState = "paused"

    def stopProducing(self) -> None:
        """Set ``producerState`` to ``"stopped"``."""
        self.producerState = "stopped"

    def resumeProducing(self) -> None:
        """Set ``producerState`` to ``"producing"``."""
        self._checkState()
        self.producerState = "producing"


class StringTransportWithDisconnection(StringTransport):
    """A StringTransport whose ``loseConnection`` calls its protocol's ``connectionLost``.

    Set ``protocol`` before losing the connection. The first ``loseConnection`` clears
    ``connected`` and calls ``protocol.connectionLost`` with a Failure of
    ``ConnectionDone("Bye.")``; later calls do nothing.

    Twisted: twisted.internet.testing.StringTransportWithDisconnection.
    """

    protocol: Any

    def loseConnection(self) -> None:
        """Disconnect the protocol, once."""
        if self.connected:
            self.connected = False
            self.protocol.connectionLost(Failure(error.ConnectionDone("Bye.")))


class StringIOWithoutClosing(BytesIO):
    """A BytesIO whose ``close()`` does nothing, so it can be read after a transfer.

    Twisted: twisted.internet.testing.StringIOWithoutClosing.
    """

    def close(self) -> None:
        """Do nothing."""


class NonStreamingProducer:
    """A pull producer that writes the numbers 0 to 9, one per ``resumeProducing``.

    After the tenth write it unregisters and fires ``result``; ``stopProducing`` fires it
    too. Pausing a pull producer, or resuming it after it finished, raises RuntimeError.

    Twisted: twisted.internet.testing.NonStreamingProducer.
    """

    counter: int = 0
    stopped: bool = False

    def __init__(self, consumer: Any) -> None:
        self.consumer: Any = consumer
        self.result: Deferred[None] = Deferred()

    def resumeProducing(self) -> None:
        """Write the next number; after the tenth, unregister and fire ``result``."""
        if self.consumer is None or self.counter >= 10:
            raise RuntimeError("BUG: resume after unregister/stop.")
        self.consumer.write(b"%d" % (self.counter,))
        self.counter += 1
        if self.counter == 10:
            self.consumer.unregisterProducer()
            self._done()

    def pauseProducing(self) -> None:
        """Raise RuntimeError: a pull producer is never paused."""
        raise RuntimeError("BUG: pause should never be called.")

    def _done(self) -> None:
        """Drop the consumer and fire ``result``."""
        self.consumer = None
        d = self.result
        del self.result
        d.callback(None)

    def stopProducing(self) -> None:
        """Record the stop and fire ``result``."""
        self.stopped = True
        self._done()


# --------------------------------------------------------------------------------------------
# A datagram transport


@implementer(IUDPTransport)
class FakeDatagramTransport:
    """A datagram transport that keeps every ``write`` in :attr:`written`.

    Attributes:
        written: ``(packet, addr)`` pairs in the order written; ``addr`` is :attr:`noAddr`
            when ``write`` was called without an address.

    Twisted: twisted.internet.testing.FakeDatagramTransport.
    """

    #: The address recorded for a ``write`` without one.
    noAddr: Any = object()

    def __init__(self) -> None:
        self.written: list[tuple[bytes, Any]] = []

    def write(self, packet: bytes, addr: Any = noAddr) -> None:
        """Record ``packet`` and its destination."""
        self.written.append((packet, addr))


# --------------------------------------------------------------------------------------------
# MemoryReactor and its ports, connectors and resolver


@implementer(IListeningPort)
class _FakePort:
    """A listening port that listens on nothing; ``getHost()`` gives the address it was made
    with.

    Twisted: twisted.internet.testing._FakePort.
    """

    def __init__(self, hostAddress: Any) -> None:
        self._hostAddress = hostAddress

    def startListening(self) -> None:
        """Do nothing."""

    def stopListening(self) -> None:
        """Do nothing (and return None, not a Deferred, as Twisted's fake does)."""

    def getHost(self) -> Any:
        """Return the address given to the constructor."""
        return self._hostAddress


@implementer(IConnector)
class _FakeConnector:
    """A connector that never connects but records being told to stop.

    Attributes:
        stoppedConnecting: True once ``stopConnecting`` was called.

    Twisted: twisted.internet.testing._FakeConnector.
    """

    _disconnected = False
    stoppedConnecting: bool = False

    def __init__(self, address: Any) -> None:
        self._address = address

    def stopConnecting(self) -> None:
        """Set :attr:`stoppedConnecting`."""
        self.stoppedConnecting = True

    def disconnect(self) -> None:
        """Record the call (in ``_disconnected``); nothing else happens."""
        self._disconnected = True

    def connect(self) -> None:
        """Do nothing."""

    def getDestination(self) -> Any:
        """Return the address given to the constructor."""
        return self._address


class _ResolutionReceiver(_TypingProtocol):
    """What a hostname resolver reports to (Twisted's IResolutionReceiver)."""

    def resolutionBegan(self, resolutionInProgress: Any) -> None: ...

    def addressResolved(self, address: Any) -> None: ...

    def resolutionComplete(self) -> None: ...


class _SynchronousResolution:
    """The finished resolution of one name by :class:`SynchronousResolver`."""

    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:
        """Raise: the resolution finished before anyone could cancel it."""
        raise Exception("already resolved")


@implementer(IHostnameResolver)
class SynchronousResolver:
    """A hostname resolver that resolves every name at once to ``127.0.0.1``.

    Twisted: twisted.internet.testing.SynchronousResolver.
    """

    def resolveHostName(
        self,
        resolutionReceiver: _ResolutionReceiver,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type] | None = None,
        transportSemantics: str = "TCP",
    ) -> _SynchronousResolution:
        """Report ``IPv4Address("TCP", "127.0.0.1", portNumber)`` to ``resolutionReceiver``.

        The whole resolution (began, one address, complete) happens before this returns.
        """
        resolution = _SynchronousResolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        resolutionReceiver.addressResolved(IPv4Address("TCP", "127.0.0.1", portNumber))
        resolutionReceiver.resolutionComplete()
        return resolution


#: A recorded call: the callable with its positional and keyword arguments.
_Call = tuple[Callable[..., object], tuple[Any, ...], dict[str, Any]]

#: What MemoryReactor.addSystemEventTrigger returns: phase, event type and the recorded call.
_TriggerID = tuple[str, str, _Call]


def _logTriggerError(failure: Failure) -> None:
    log_failure(failure, "Unhandled error in system event trigger", namespace="twistlike.testing")


@implementer(
    IReactorCore,
    IReactorTCP,
    IReactorSSL,
    IReactorUNIX,
    IReactorSocket,
    IReactorFDSet,
    IReactorPluggableNameResolver,
)
class MemoryReactor:
    """A reactor that records what it is asked to do and does none of it.

    ``listenTCP``, ``connectTCP`` and their SSL, UNIX and adopted-socket cousins append their
    arguments, as tuples in Twisted's shapes, to the lists below and return a fake port
    (``getHost()``, ``stopListening()``) or a fake connector (``stopConnecting()``,
    ``disconnect()``, ``getDestination()``); a connection never happens unless a test makes
    it (see :class:`ConnectionCompleter`). ``connect*`` calls ``factory.startedConnecting``
    with the connector, as a real reactor does.

    ``run()`` only sets flags and calls the ``callWhenRunning`` hooks, then stops at once.

    Attributes:
        hasInstalled: True once ``install()`` was called.
        running: False, True inside ``run()``, None after ``crash()``.
        hasRun: True once ``run()`` was called.
        hasStopped: True once ``stop()`` was called.
        hasCrashed: True once ``crash()`` was called.
        whenRunningHooks: ``(callable, args, kw)`` for each ``callWhenRunning`` made before
            ``run()``.
        triggers: ``triggers[phase][eventType]`` is the list of ``(callable, args, kw)``
            added with ``addSystemEventTrigger``.
        tcpServers: ``(port, factory, backlog, interface)`` per ``listenTCP``.
        tcpClients: ``(host, port, factory, timeout, bindAddress)`` per ``connectTCP``.
        sslServers: ``(port, factory, contextFactory, backlog, interface)`` per
            ``listenSSL``.
        sslClients: ``(host, port, factory, contextFactory, timeout, bindAddress)`` per
            ``connectSSL``.
        unixServers: ``(address, factory, backlog, mode, wantPID)`` per ``listenUNIX``.
        unixClients: ``(address, factory, timeout, checkPID)`` per ``connectUNIX``.
        adoptedPorts: ``(fileno, addressFamily, factory)`` per ``adoptStreamPort`` and
            ``(fileno, addressFamily, protocol, maxPacketSize)`` per ``adoptDatagramPort``.
        adoptedStreamConnections: ``(fileDescriptor, addressFamily, factory)`` per
            ``adoptStreamConnection``.
        connectors: The connectors returned by the ``connect*`` methods, in order.
        readers: What ``addReader`` added.
        writers: What ``addWriter`` added.
        nameResolver: The hostname resolver (a :class:`SynchronousResolver` at first).

    Twisted: twisted.internet.testing.MemoryReactor.
    """

    def __init__(self) -> None:
        self.hasInstalled: bool = False

        self.running: bool | None = False
        self.hasRun: bool = False
        self.hasStopped: bool = False
        self.hasCrashed: bool = False

        self.whenRunningHooks: list[_Call] = []
        self.triggers: dict[str, dict[str, list[_Call]]] = {}

        self.tcpClients: list[tuple[str, int, Any, float, Any]] = []
        self.tcpServers: list[tuple[int, Any, int, str]] = []
        self.sslClients: list[tuple[str, int, Any, Any, float, Any]] = []
        self.sslServers: list[tuple[int, Any, Any, int, str]] = []
        self.unixClients: list[tuple[Any, Any, float, Any]] = []
        self.unixServers: list[tuple[Any, Any, int, int, Any]] = []
        self.adoptedPorts: list[tuple[Any, ...]] = []
        self.adoptedStreamConnections: list[tuple[Any, int, Any]] = []
        self.connectors: list[_FakeConnector] = []

        self.readers: set[Any] = set()
        self.writers: set[Any] = set()
        self.nameResolver: Any = SynchronousResolver()

    # ---- installation and name resolution ----------------------------------------------

    def installNameResolver(self, resolver: Any) -> Any:
        """Replace :attr:`nameResolver`; return the one it replaces.

        Twisted: IReactorPluggableNameResolver.installNameResolver.
        """
        old, self.nameResolver = self.nameResolver, resolver
        return old

    def install(self) -> None:
        """Set :attr:`hasInstalled` (stands in for installing a reactor module)."""
        self.hasInstalled = True

    def resolve(self, name: str, timeout: Any = 10) -> Deferred[str]:
        """Raise NotImplementedError, as Twisted's MemoryReactor does."""
        raise NotImplementedError()

    # ---- IReactorCore --------------------------------------------------------------------

    def run(self) -> None:
        """Mark the reactor as running, call the ``callWhenRunning`` hooks, then ``stop()``.

        The hooks stay in :attr:`whenRunningHooks`. No system event is fired.

        Raises:
            AssertionError: the reactor is running or has crashed (``running`` is not
                False), as in Twisted.
        """
        if self.running is not False:
            raise AssertionError("MemoryReactor.run() called while running or crashed")
        self.running = True
        self.hasRun = True
        for f, args, kwargs in self.whenRunningHooks:
            f(*args, **kwargs)
        self.stop()

    def stop(self) -> None:
        """Set ``running`` to False and :attr:`hasStopped` to True."""
        self.running = False
        self.hasStopped = True

    def crash(self) -> None:
        """Set ``running`` to None and :attr:`hasCrashed` to True."""
        self.running = None
        self.hasCrashed = True

    def iterate(self, delay: float = 0) -> None:
        """Raise NotImplementedError, as Twisted's MemoryReactor does."""
        raise NotImplementedError()

    def addSystemEventTrigger(
        self, phase: str, eventType: str, callable: Callable[..., object], *args: Any, **kw: Any
    ) -> _TriggerID:
        """Record a trigger in ``triggers[phase][eventType]`` and return its identifier.

        Divergence from Twisted: Twisted's MemoryReactor returns None; the identifier
        returned here is what :meth:`removeSystemEventTrigger` takes.
        """
        call: _Call = (callable, args, kw)
        self.triggers.setdefault(phase, {}).setdefault(eventType, []).append(call)
        return (phase, eventType, call)

    def removeSystemEventTrigger(self, triggerID: _TriggerID) -> None:
        """Remove a trigger recorded by :meth:`addSystemEventTrigger`.

        Divergence from Twisted: Twisted's MemoryReactor raises NotImplementedError.

        Raises:
            ValueError: no such trigger (removed already, or run by ``fireSystemEvent``).
        """
        try:
            phase, eventType, call = triggerID
            calls = self.triggers[phase][eventType]
            index = next(i for i, recorded in enumerate(calls) if recorded is call)
        except (KeyError, TypeError, ValueError, StopIteration):
            raise ValueError(f"no system event trigger {triggerID!r}") from None
        del calls[index]

    def fireSystemEvent(self, eventType: str) -> None:
        """Run and remove the ``before``, ``during`` and ``after`` triggers of ``eventType``.

        As a real reactor does, ``during`` waits until every Deferred returned by a
        ``before`` trigger has fired. An exception raised by a trigger is logged (and the
        other triggers still run).

        Divergence from Twisted: Twisted's MemoryReactor raises NotImplementedError; a test
        that records triggers can run them here.
        """
        waiting: list[Deferred[object]] = []
        before = self.triggers.get("before", {}).get(eventType, [])
        while before:
            f, args, kw = before.pop(0)
            waiting.append(maybeDeferred(f, *args, **kw).addErrback(_logTriggerError))
        DeferredList(waiting).addCallback(lambda _: self._finishSystemEvent(eventType))

    def _finishSystemEvent(self, eventType: str) -> None:
        for phase in ("during", "after"):
            calls = self.triggers.get(phase, {}).get(eventType, [])
            while calls:
                f, args, kw = calls.pop(0)
                try:
                    f(*args, **kw)
                except BaseException:
                    _logTriggerError(Failure())

    def callWhenRunning(self, callable: Callable[..., object], *args: Any, **kw: Any) -> None:
        """Call ``callable`` now if the reactor runs or has run, else record it for ``run()``.

        "Has run" counts because ``run()`` stops this reactor at once.
        """
        if self.running or self.hasRun:
            callable(*args, **kw)
            return None
        self.whenRunningHooks.append((callable, args, kw))
        return None

    # ---- IReactorSocket ------------------------------------------------------------------

    def adoptStreamPort(self, fileno: int, addressFamily: int, factory: Any) -> _FakePort:
        """Record the call; return a port on ``0.0.0.0:1234`` (or ``[::]:1234``).

        Raises:
            UnsupportedAddressFamily: ``addressFamily`` is neither AF_INET nor AF_INET6.
        """
        addr = _wildcardAddress("TCP", addressFamily)
        self.adoptedPorts.append((fileno, addressFamily, factory))
        return _FakePort(addr)

    def adoptStreamConnection(self, fileDescriptor: int, addressFamily: int, factory: Any) -> None:
        """Record the call in :attr:`adoptedStreamConnections`."""
        self.adoptedStreamConnections.append((fileDescriptor, addressFamily, factory))

    def adoptDatagramPort(
        self, fileno: int, addressFamily: int, protocol: Any, maxPacketSize: int = 8192
    ) -> _FakePort:
        """Record the call; return a UDP port on ``0.0.0.0:1234`` (or ``[::]:1234``).

        Raises:
            UnsupportedAddressFamily: ``addressFamily`` is neither AF_INET nor AF_INET6.
        """
        addr = _wildcardAddress("UDP", addressFamily)
        self.adoptedPorts.append((fileno, addressFamily, protocol, maxPacketSize))
        return _FakePort(addr)

    # ---- IReactorTCP, IReactorSSL, IReactorUNIX ------------------------------------------

    def listenTCP(
        self, port: int, factory: Any, backlog: int = 50, interface: str = ""
    ) -> _FakePort:
        """Record the call; return a port whose host is ``interface`` if it is an IPv6
        literal, else ``0.0.0.0``, with ``port``."""
        self.tcpServers.append((port, factory, backlog, interface))
        address: IPv4Address | IPv6Address
        if is_ipv6_address(interface):
            address = IPv6Address("TCP", interface, port)
        else:
            # Twisted's fake ignores an IPv4 interface here.
            address = IPv4Address("TCP", "0.0.0.0", port)
        return _FakePort(address)

    def connectTCP(
        self,
        host: str,
        port: int,
        factory: Any,
        timeout: float = 30,
        bindAddress: Any = None,
    ) -> _FakeConnector:
        """Record the call; return a connector to ``host``:``port`` after telling the
        factory it started connecting."""
        self.tcpClients.append((host, port, factory, timeout, bindAddress))
        address: IPv4Address | IPv6Address
        if is_ipv6_address(host):
            address = IPv6Address("TCP", host, port)
        else:
            address = IPv4Address("TCP", host, port)
        return self._connector(address, factory)

    def listenSSL(
        self, port: int, factory: Any, contextFactory: Any, backlog: int = 50, interface: str = ""
    ) -> _FakePort:
        """Record the call; return a port on ``0.0.0.0``:``port``."""
        self.sslServers.append((port, factory, contextFactory, backlog, interface))
        return _FakePort(IPv4Address("TCP", "0.0.0.0", port))

    def connectSSL(
        self,
        host: str,
        port: int,
        factory: Any,
        contextFactory: Any,
        timeout: float = 30,
        bindAddress: Any = None,
    ) -> _FakeConnector:
        """Record the call; return a connector to ``host``:``port`` (always IPv4Address)."""
        self.sslClients.append((host, port, factory, contextFactory, timeout, bindAddress))
        return self._connector(IPv4Address("TCP", host, port), factory)

    def listenUNIX(
        self, address: Any, factory: Any, backlog: int = 50, mode: int = 0o666, wantPID: Any = 0
    ) -> _FakePort:
        """Record the call; return a port whose host is ``UNIXAddress(address)``."""
        self.unixServers.append((address, factory, backlog, mode, wantPID))
        return _FakePort(UNIXAddress(address))

    def connectUNIX(
        self, address: Any, factory: Any, timeout: float = 30, checkPID: Any = 0
    ) -> _FakeConnector:
        """Record the call; return a connector to ``UNIXAddress(address)``."""
        self.unixClients.append((address, factory, timeout, checkPID))
        return self._connector(UNIXAddress(address), factory)

    def _connector(self, address: Any, factory: Any) -> _FakeConnector:
        connector = _FakeConnector(address)
        factory.startedConnecting(connector)
        self.connectors.append(connector)
        return connector

    # ---- IReactorFDSet -------------------------------------------------------------------

    def addReader(self, reader: Any) -> None:
        """Add ``reader`` to :attr:`readers`."""
        self.readers.add(reader)

    def removeReader(self, reader: Any) -> None:
        """Remove ``reader`` from :attr:`readers` (if it is there)."""
        self.readers.discard(reader)

    def addWriter(self, writer: Any) -> None:
        """Add ``writer`` to :attr:`writers`."""
        self.writers.add(writer)

    def removeWriter(self, writer: Any) -> None:
        """Remove ``writer`` from :attr:`writers` (if it is there)."""
        self.writers.discard(writer)

    def getReaders(self) -> list[Any]:
        """Return :attr:`readers` as a list."""
        return list(self.readers)

    def getWriters(self) -> list[Any]:
        """Return :attr:`writers` as a list."""
        return list(self.writers)

    def removeAll(self) -> list[Any]:
        """Empty :attr:`readers` and :attr:`writers`; return what they held."""
        result = list(self.readers | self.writers)
        self.readers.clear()
        self.writers.clear()
        return result


def _wildcardAddress(type: Literal["TCP", "UDP"], addressFamily: int) -> Any:
    """The ``*:1234`` address that adopted ports report, for AF_INET or AF_INET6."""
    if addressFamily == socket.AF_INET:
        return IPv4Address(type, "0.0.0.0", 1234)
    if addressFamily == socket.AF_INET6:
        return IPv6Address(type, "::", 1234)
    raise error.UnsupportedAddressFamily()


class MemoryReactorClock(MemoryReactor, Clock):
    """A :class:`MemoryReactor` that is also a :class:`~twistlike.task.Clock`.

    ``callLater`` schedules on the clock; time moves only with ``advance()``.

    Twisted: twisted.internet.testing.MemoryReactorClock.
    """

    def __init__(self) -> None:
        MemoryReactor.__init__(self)
        Clock.__init__(self)


def _raise(exception: Exception | None) -> NoReturn:
    # Raising None gives TypeError, as ``raise self._listenException`` does in Twisted when
    # the reactor was made without that exception.
    raise cast(Exception, exception)


@implementer(IReactorTCP, IReactorSSL, IReactorUNIX, IReactorSocket, IReactorPluggableNameResolver)
class RaisingMemoryReactor:
    """A reactor whose listen and connect methods raise the exceptions it was given.

    The ``listen*`` methods and ``adoptStreamPort`` raise ``listenException``; the
    ``connect*`` methods, ``adoptDatagramPort`` and ``adoptStreamConnection`` raise
    ``connectException`` (None gives TypeError, as in Twisted).

    Twisted: twisted.internet.testing.RaisingMemoryReactor.
    """

    def __init__(
        self,
        listenException: Exception | None = None,
        connectException: Exception | None = None,
    ) -> None:
        self._listenException = listenException
        self._connectException = connectException
        self.nameResolver: Any = SynchronousResolver()

    def installNameResolver(self, nameResolver: Any) -> Any:
        """Replace :attr:`nameResolver`; return the one it replaces."""
        previous, self.nameResolver = self.nameResolver, nameResolver
        return previous

    def adoptStreamPort(self, fileno: int, addressFamily: int, factory: Any) -> NoReturn:
        """Raise the listen exception."""
        _raise(self._listenException)

    def listenTCP(
        self, port: int, factory: Any, backlog: int = 50, interface: str = ""
    ) -> NoReturn:
        """Raise the listen exception."""
        _raise(self._listenException)

    def connectTCP(
        self,
        host: str,
        port: int,
        factory: Any,
        timeout: float = 30,
        bindAddress: Any = None,
    ) -> NoReturn:
        """Raise the connect exception."""
        _raise(self._connectException)

    def listenSSL(
        self, port: int, factory: Any, contextFactory: Any, backlog: int = 50, interface: str = ""
    ) -> NoReturn:
        """Raise the listen exception."""
        _raise(self._listenException)

    def connectSSL(
        self,
        host: str,
        port: int,
        factory: Any,
        contextFactory: Any,
        timeout: float = 30,
        bindAddress: Any = None,
    ) -> NoReturn:
        """Raise the connect exception."""
        _raise(self._connectException)

    def listenUNIX(
        self, address: Any, factory: Any, backlog: int = 50, mode: int = 0o666, wantPID: Any = 0
    ) -> NoReturn:
        """Raise the listen exception."""
        _raise(self._listenException)

    def connectUNIX(
        self, address: Any, factory: Any, timeout: float = 30, checkPID: Any = 0
    ) -> NoReturn:
        """Raise the connect exception."""
        _raise(self._connectException)

    def adoptDatagramPort(
        self, fileDescriptor: int, addressFamily: int, protocol: Any, maxPacketSize: int
    ) -> NoReturn:
        """Raise the connect exception (as Twisted does, not the listen one)."""
        _raise(self._connectException)

    def adoptStreamConnection(
        self, fileDescriptor: int, addressFamily: int, factory: Any
    ) -> NoReturn:
        """Raise the connect exception."""
        _raise(self._connectException)


# --------------------------------------------------------------------------------------------
# Waiting for disconnection, collecting log events


def waitUntilAllDisconnected(reactor: Any, protocols: Sequence[Any]) -> Deferred[LoopingCall]:
    """Return a Deferred that fires once no protocol's transport is ``connected``.

    It checks now and then every 0.01 seconds on ``reactor`` (any IReactorTime: a Clock,
    a MemoryReactorClock or the real reactor). Meant for old tests whose disconnection
    takes a reactor turn; protocols tested in memory do not need it.

    Twisted: twisted.internet.testing.waitUntilAllDisconnected.
    """

    def check() -> None:
        if not any(protocol.transport.connected for protocol in protocols):
            loop.stop()

    loop = LoopingCall(check)
    loop.clock = reactor
    return loop.start(0.01, now=True)


class _CleanupRegistry(_TypingProtocol):
    """A test case, as far as :meth:`EventLoggingObserver.createWithCleanup` needs one."""

    def addCleanup(self, function: Callable[[], object], /) -> None: ...


class EventLoggingObserver(Sequence[LogEvent]):
    """A log observer that keeps every event it sees, in order, for the test to inspect.

    It is a sequence of the event dicts (``len(observer)``, ``observer[0]``, iteration).
    Add it to a :class:`~twistlike.logger.LogPublisher` (``globalLogPublisher`` sees events
    from :mod:`twistlike.logger`, :mod:`twistlike.log` and twistlike's own error logging),
    or pass it as a ``Logger``'s ``observer``.

    Twisted: twisted.internet.testing.EventLoggingObserver.
    """

    def __init__(self) -> None:
        self._events: list[LogEvent] = []

    def __len__(self) -> int:
        return len(self._events)

    @overload
    def __getitem__(self, index: int) -> LogEvent: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[LogEvent]: ...

    def __getitem__(self, index: int | slice) -> LogEvent | Sequence[LogEvent]:
        return self._events[index]

    def __iter__(self) -> Iterator[LogEvent]:
        return iter(self._events)

    def __call__(self, event: LogEvent) -> None:
        """Keep ``event``."""
        self._events.append(event)

    @classmethod
    def createWithCleanup(cls, testInstance: _CleanupRegistry, publisher: LogPublisher) -> Self:
        """Return a new observer added to ``publisher`` and removed by a test cleanup.

        Args:
            testInstance: The running test (anything with ``addCleanup``: a
                ``unittest.TestCase`` or a twistlike.trial test case).
            publisher: The publisher to observe, such as ``globalLogPublisher``.
        """
        observer = cls()
        publisher.addObserver(observer)
        testInstance.addCleanup(lambda: publisher.removeObserver(observer))
        return observer


# --------------------------------------------------------------------------------------------
# In-memory connections (twisted.test.iosim)


@implementer(IAddress)
class FakeAddress:
    """The address of both ends of a :class:`FakeTransport` unless others are given.

    Each instance is a distinct address (they compare by identity).

    Twisted: twisted.test.iosim.FakeAddress.
    """


_serials = itertools.count()


# (Twisted's also declares ITLSTransport: startTLS comes with the TLS work, issue 12.)
@implementer(ITransport, IConsumer)
class FakeTransport:
    """One end of an in-memory connection: it buffers writes until an :class:`IOPump`
    delivers them to the other end's protocol.

    ``loseConnection()`` and ``abortConnection()`` only set ``disconnecting``; the pump then
    calls the other side's ``connectionLost`` and, on its next round, this side's, both with
    :attr:`disconnectReason` (``ConnectionDone`` by default; set it before disconnecting to
    report something else). Data written while ``disconnecting`` is dropped; data written
    before it is still delivered.

    A pull producer (``streaming`` false) is resumed when it is registered and then once per
    pump round; a push producer is never paused or resumed.

    Attributes:
        protocol: The protocol this transport delivers received bytes to.
        isServer: True on the accepting side, False on the connecting side.
        hostAddress: What ``getHost()`` returns.
        peerAddress: What ``getPeer()`` returns.
        stream: The writes not yet taken by the pump.
        serial: A number unique to this transport (it shows in the repr).
        disconnecting: True once this side or the pump started closing.
        disconnected: True once the pump reported this side's close to the peer.
        disconnectReason: The exception given (in a Failure) to ``connectionLost``.
        producer: The registered producer, or None.
        streamingProducer: Its ``streaming`` flag.

    Twisted: twisted.test.iosim.FakeTransport.
    """

    closed = 0
    disconnecting: bool | int = 0
    disconnected: bool | int = 0
    disconnectReason: BaseException = error.ConnectionDone("Connection done")
    producer: Any = None
    streamingProducer: bool | int = 0

    def __init__(
        self,
        protocol: Any,
        isServer: bool,
        hostAddress: Any = None,
        peerAddress: Any = None,
    ) -> None:
        """Create one end of a connection.

        Args:
            protocol: The protocol that receives what the other end writes.
            isServer: True for the accepting side, False for the connecting side.
            hostAddress: What ``getHost()`` returns; None: a new :class:`FakeAddress`.
            peerAddress: What ``getPeer()`` returns; None: a new :class:`FakeAddress`.
        """
        self.protocol = protocol
        self.isServer = isServer
        self.stream: list[bytes] = []
        self.serial: int = self._nextserial()
        self.hostAddress = FakeAddress() if hostAddress is None else hostAddress
        self.peerAddress = FakeAddress() if peerAddress is None else peerAddress

    @staticmethod
    def _nextserial() -> int:
        # One counter for every FakeTransport, as in Twisted.
        return next(_serials)

    def __repr__(self) -> str:
        side = "S" if self.isServer else "C"
        return f"FakeTransport<{side},{self.serial},{self.protocol.__class__.__name__}>"

    def write(self, data: bytes) -> None:
        """Buffer ``data`` for the pump; drop it if the connection is closing.

        As in Twisted, the type is not checked here: something other than bytes makes the
        pump raise TypeError when it joins the buffer.
        """
        if self.disconnecting:
            return
        if self._tls is not None:
            data = self._tls.write(data)
            if not data:
                return
        self.stream.append(data)

    def writeSequence(self, iovec: Iterable[bytes]) -> None:
        """Write the items of ``iovec`` joined together."""
        self.write(b"".join(iovec))

    def _checkProducer(self) -> None:
        # Called by the pump each round: a pull producer is asked for more data.
        if self.producer and not self.streamingProducer:
            self.producer.resumeProducing()

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        """Register ``producer``; a pull producer is resumed at once.

        A second registration replaces the first (no error, as in Twisted's fake).
        """
        self.producer = producer
        self.streamingProducer = streaming
        if not streaming:
            producer.resumeProducing()

    def unregisterProducer(self) -> None:
        """Forget the producer."""
        self.producer = None

    def stopConsuming(self) -> None:
        """Unregister the producer and lose the connection."""
        self.unregisterProducer()
        self.loseConnection()

    def loseConnection(self) -> None:
        """Start closing: set ``disconnecting``; the pump does the rest."""
        self.disconnecting = True

    def abortConnection(self) -> None:
        """The same as :meth:`loseConnection`: buffered data is still delivered.

        Twisted's fake does the same; the reason reported is :attr:`disconnectReason`
        (ConnectionDone), not ConnectionAborted.
        """
        self.disconnecting = True

    def reportDisconnect(self) -> None:
        """Call the protocol's ``connectionLost`` with :attr:`disconnectReason`."""
        self.protocol.connectionLost(Failure(self.disconnectReason))

    def logPrefix(self) -> str:
        """Return ``"iosim"``."""
        return "iosim"

    def getPeer(self) -> Any:
        """Return :attr:`peerAddress`."""
        return self.peerAddress

    def getHost(self) -> Any:
        """Return :attr:`hostAddress`."""
        return self.hostAddress

    def resumeProducing(self) -> None:
        """Do nothing (this transport produces nothing by itself)."""

    def pauseProducing(self) -> None:
        """Do nothing (this transport produces nothing by itself)."""

    def stopProducing(self) -> None:
        """Lose the connection."""
        self.loseConnection()

    def getOutBuffer(self) -> bytes | None:
        """Take the buffered writes: their concatenation, or None if there are none."""
        if not self.stream:
            return None
        data = b"".join(self.stream)
        self.stream = []
        return data

    def bufferReceived(self, buf: bytes) -> None:
        """Deliver ``buf`` to the protocol's ``dataReceived`` (decrypted, after startTLS)."""
        if self._tls is not None:
            self._tlsReceived(buf)
            return
        self.protocol.dataReceived(buf)

    # -- TLS over the pump (issue 12) --

    _tls: Any = None

    def startTLS(self, contextFactory: Any, beNormal: bool = True) -> None:
        """Run real TLS (``ssl.MemoryBIO``) over this in-memory connection from now on.

        What was written before goes out in clear; what is written after is encrypted once
        the handshake (which the pump carries) completes. ``beNormal`` False swaps the roles.

        Twisted: twisted.test.iosim.FakeTransport.startTLS. Divergence from Twisted: there
        the negotiation is simulated without encryption; here both ends must call startTLS
        with real settings (CertificateOptions, optionsForClientTLS ...), certificates are
        verified, and a failure ends the connection with the ``ssl.SSLError``.
        """
        from twistlike._core.memorytls import MemoryTLS
        from twistlike._core.tlsconfig import contextFor

        serverSide = self.isServer == bool(beNormal)
        context, hostname = contextFor(contextFactory, serverSide)
        if not serverSide and hostname is None and context.check_hostname:
            raise ValueError("startTLS: these client settings check a host name; give one")
        self._tls = MemoryTLS(context, serverSide, hostname)
        first = self._tls.start()
        if first:
            self.stream.append(first)

    def _tlsReceived(self, buf: bytes) -> None:
        import ssl

        from twistlike.interfaces import IHandshakeListener

        tls = self._tls
        try:
            chunks, completed = tls.receive(buf)
        except ssl.SSLError as e:
            alert = tls.outgoing()
            if alert:
                self.stream.append(alert)
            self.disconnectReason = e
            self.loseConnection()
            return
        replies = tls.outgoing()
        if replies:
            self.stream.append(replies)
        if completed:
            if IHandshakeListener.providedBy(self.protocol):
                self.protocol.handshakeCompleted()
            pending = tls.flushPending()
            if pending:
                self.stream.append(pending)
        for chunk in chunks:
            self.protocol.dataReceived(chunk)
        if tls.closed and not self.disconnecting:
            self.loseConnection()

    def getPeerCertificate(self) -> Any:
        """The TLS peer's certificate (a ``twistlike.ssl.Certificate``), or None."""
        from twistlike._core.tlscerts import Certificate

        tls = self._tls
        der = tls.sslobj.getpeercert(binary_form=True) if tls and tls.handshakeDone else None
        return Certificate(der) if der else None

    @property
    def negotiatedProtocol(self) -> bytes | None:
        """The protocol ALPN agreed on (bytes), or None."""
        tls = self._tls
        chosen = tls.sslobj.selected_alpn_protocol() if tls and tls.handshakeDone else None
        return chosen.encode("ascii") if chosen else None

    # Twisted's fake has these ITCPTransport methods, as stubs, for protocols that call them.

    def getTcpKeepAlive(self) -> None:
        """Return None."""

    def getTcpNoDelay(self) -> None:
        """Return None."""

    def loseWriteConnection(self) -> None:
        """Do nothing (half-close is not simulated)."""

    def setTcpKeepAlive(self, enabled: bool) -> None:
        """Do nothing."""

    def setTcpNoDelay(self, enabled: bool) -> None:
        """Do nothing."""


def makeFakeClient(clientProtocol: Any) -> FakeTransport:
    """Return a client-side :class:`FakeTransport` for ``clientProtocol``.

    Twisted: twisted.test.iosim.makeFakeClient.
    """
    return FakeTransport(clientProtocol, isServer=False)


def makeFakeServer(serverProtocol: Any) -> FakeTransport:
    """Return a server-side :class:`FakeTransport` for ``serverProtocol``.

    Twisted: twisted.test.iosim.makeFakeServer.
    """
    return FakeTransport(serverProtocol, isServer=True)


class _Advancing(_TypingProtocol):
    """A clock, as far as :class:`IOPump` needs one."""

    def advance(self, amount: float) -> None: ...


class IOPump:
    """Moves bytes between the two ends of an in-memory connection when told to.

    One round (:meth:`pump`): run the clock's due calls (``advance(0)``), take both ends'
    buffered writes, resume pull producers (client's, then server's), deliver the client's
    bytes to the server and the server's to the client. If no bytes moved, a closing end is
    reported instead: the server's close first, then the client's, one per round.

    Attributes:
        client: The client protocol.
        server: The server protocol.
        clientIO: The client's transport.
        serverIO: The server's transport.
        debug: Print each round's traffic to stdout.
        clock: Advanced by 0 at the start of each round (a MemoryReactorClock if none was
            given).

    Twisted: twisted.test.iosim.IOPump.
    """

    def __init__(
        self,
        client: Any,
        server: Any,
        clientIO: FakeTransport,
        serverIO: FakeTransport,
        debug: bool,
        clock: _Advancing | None = None,
    ) -> None:
        self.client = client
        self.server = server
        self.clientIO = clientIO
        self.serverIO = serverIO
        self.debug = debug
        self.clock: _Advancing = MemoryReactorClock() if clock is None else clock

    def flush(self, debug: bool = False, advanceClock: bool = True) -> bool:
        """Pump until a round moves nothing; return whether anything moved.

        Raises:
            AssertionError: ``"Too long"``, after 1000 rounds that all moved something
                (the protocols talk forever).
        """
        moved = False
        for _ in range(1000):
            if not self.pump(debug, advanceClock):
                return moved
            moved = True
        raise AssertionError("Too long")

    def pump(self, debug: bool = False, advanceClock: bool = True) -> bool:
        """Run one round (see the class docstring); return whether anything moved.

        A reported disconnection counts as movement.
        """
        if advanceClock:
            self.clock.advance(0)
        show = self.debug or debug
        if show:
            print("-- GLUG --")
        sData = self.serverIO.getOutBuffer()
        cData = self.clientIO.getOutBuffer()
        self.clientIO._checkProducer()
        self.serverIO._checkProducer()
        if show:
            print(".")
            if cData:
                print("C: " + repr(cData))
            if sData:
                print("S: " + repr(sData))
        if cData:
            self.serverIO.bufferReceived(cData)
        if sData:
            self.clientIO.bufferReceived(sData)
        if cData or sData:
            return True
        if self.serverIO.disconnecting and not self.serverIO.disconnected:
            if show:
                print("* C")
            self.serverIO.disconnected = True
            self.clientIO.disconnecting = True
            self.clientIO.reportDisconnect()
            return True
        if self.clientIO.disconnecting and not self.clientIO.disconnected:
            if show:
                print("* S")
            self.clientIO.disconnected = True
            self.serverIO.disconnecting = True
            self.serverIO.reportDisconnect()
            return True
        return False


def connect(
    serverProtocol: Any,
    serverTransport: FakeTransport,
    clientProtocol: Any,
    clientTransport: FakeTransport,
    debug: bool = False,
    greet: bool = True,
    clock: _Advancing | None = None,
) -> IOPump:
    """Connect two protocols through their transports; return the :class:`IOPump`.

    The server's ``makeConnection`` runs first, then the client's. With ``greet`` the pump
    is flushed once, so the protocols are past their greetings on return.

    Twisted: twisted.test.iosim.connect.
    """
    serverProtocol.makeConnection(serverTransport)
    clientProtocol.makeConnection(clientTransport)
    pump = IOPump(clientProtocol, serverProtocol, clientTransport, serverTransport, debug, clock)
    if greet:
        pump.flush()
    return pump


_TServer = TypeVar("_TServer")
_TClient = TypeVar("_TClient")


def connectedServerAndClient(
    ServerClass: Callable[[], _TServer],
    ClientClass: Callable[[], _TClient],
    clientTransportFactory: Callable[[_TClient], FakeTransport] = makeFakeClient,
    serverTransportFactory: Callable[[_TServer], FakeTransport] = makeFakeServer,
    debug: bool = False,
    greet: bool = True,
    clock: _Advancing | None = None,
) -> tuple[_TClient, _TServer, IOPump]:
    """Make a client and a server protocol, connect them in memory, return both and the pump.

    The client protocol is built first, then the server, then their transports; see
    :func:`connect` for the rest.

    Returns:
        ``(client, server, pump)``.

    Twisted: twisted.test.iosim.connectedServerAndClient.
    """
    client = ClientClass()
    server = ServerClass()
    clientTransport = clientTransportFactory(client)
    serverTransport = serverTransportFactory(server)
    pump = connect(server, serverTransport, client, clientTransport, debug, greet, clock=clock)
    return client, server, pump


def _factoriesShouldConnect(
    clientInfo: tuple[str, int, Any, float, Any], serverInfo: tuple[int, Any, int, str]
) -> tuple[Any, Any] | None:
    """The (client, server) factories of a connectTCP and a listenTCP on the same port."""
    if serverInfo[0] == clientInfo[1]:
        return clientInfo[2], serverInfo[1]
    return None


_connectionRefused = Failure(error.ConnectionRefusedError())


class ConnectionCompleter:
    """Makes the TCP connections recorded by a :class:`MemoryReactor` succeed or fail.

    Twisted: twisted.test.iosim.ConnectionCompleter.
    """

    def __init__(self, memoryReactor: MemoryReactor) -> None:
        self._reactor = memoryReactor

    def succeedOnce(self, debug: bool = False, greet: bool = True) -> IOPump | None:
        """Connect the first ``connectTCP`` whose port some ``listenTCP`` listens on.

        The attempt leaves ``tcpClients`` (and its connector ``connectors``); each factory
        builds a protocol (with address None) and the two are joined by :func:`connect`,
        on the reactor's clock when it is one.

        Returns:
            The pump of the new connection, or None if no attempt matches a listener.
        """
        reactor = self._reactor
        for clientIndex, clientInfo in enumerate(reactor.tcpClients):
            for serverInfo in reactor.tcpServers:
                factories = _factoriesShouldConnect(clientInfo, serverInfo)
                if factories is None:
                    continue
                reactor.tcpClients.remove(clientInfo)
                reactor.connectors.pop(clientIndex)
                clientFactory, serverFactory = factories
                clientProtocol = clientFactory.buildProtocol(None)
                serverProtocol = serverFactory.buildProtocol(None)
                clock = cast(_Advancing, reactor) if IReactorTime.providedBy(reactor) else None
                return connect(
                    serverProtocol,
                    makeFakeServer(serverProtocol),
                    clientProtocol,
                    makeFakeClient(clientProtocol),
                    debug,
                    greet=greet,
                    clock=clock,
                )
        return None

    def failOnce(self, reason: Failure = _connectionRefused) -> None:
        """Fail the oldest ``connectTCP`` attempt: its factory's ``clientConnectionFailed``
        gets its connector and ``reason`` (default: a ConnectionRefusedError Failure, one
        shared by every call, as Twisted's default is).

        Raises:
            IndexError: there is no attempt left.
        """
        factory = self._reactor.tcpClients.pop(0)[2]
        factory.clientConnectionFailed(self._reactor.connectors.pop(0), reason)


def connectableEndpoint(debug: bool = False) -> tuple[Any, ConnectionCompleter]:
    """Return a client endpoint whose connections complete when a test says so.

    The endpoint is a TCP4ClientEndpoint to port 4321 on a MemoryReactorClock on which
    something listens on that port; ``completer.succeedOnce()`` connects the oldest
    attempt (firing its Deferred), ``completer.failOnce()`` fails it.

    Returns:
        ``(endpoint, completer)``.

    Twisted: twisted.test.iosim.connectableEndpoint.
    """
    # Imported here: twistlike.endpoints is a bridge module (it imports asyncio), and this
    # module stays importable without it; the endpoints need no loop with a MemoryReactor.
    from twistlike.endpoints import TCP4ClientEndpoint, TCP4ServerEndpoint

    reactor = MemoryReactorClock()
    clientEndpoint = TCP4ClientEndpoint(reactor, "0.0.0.0", 4321)
    serverEndpoint = TCP4ServerEndpoint(reactor, 4321)
    serverEndpoint.listen(Factory.forProtocol(Protocol))
    return clientEndpoint, ConnectionCompleter(reactor)


if not TYPE_CHECKING:
    # (Hidden from type checkers, which would otherwise accept any name from this module.)

    def __getattr__(name: str) -> object:
        # A Twisted name twistlike does not provide fails with the reason (docs/missing.md).
        from twistlike._porting.missing import missing_name_error

        raise missing_name_error(__name__, name)

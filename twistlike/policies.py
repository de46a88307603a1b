"""Protocol and factory wrappers that add policies: timeouts, limits, throttling, logging.

A WrappingFactory builds, for each connection, the wrapped factory's protocol inside a
ProtocolWrapper, which stands between that protocol and the real transport: the transport
sees the wrapper as its protocol, the wrapped protocol sees it as its transport. Subclasses
of both add a policy at that point.

Twisted: twisted.protocols.policies.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, Any

from zope.interface import (  # type: ignore[import-untyped, unused-ignore]
    alsoProvides,
    directlyProvides,
    providedBy,
)

from twistlike import error
from twistlike.failure import Failure
from twistlike.interfaces import IHalfCloseableProtocol, ILoggingContext
from twistlike.protocol import ClientFactory, Protocol, ServerFactory, connectionDone

__all__ = [
    "LimitConnectionsByPeer",
    "LimitTotalConnectionsFactory",
    "ProtocolWrapper",
    "SpewingFactory",
    "SpewingProtocol",
    "ThrottlingFactory",
    "ThrottlingProtocol",
    "TimeoutFactory",
    "TimeoutMixin",
    "TimeoutProtocol",
    "TrafficLoggingFactory",
    "TrafficLoggingProtocol",
    "WrappingFactory",
]

_log = logging.getLogger("twistlike.policies")


def _reactorCallLater(period: float, func: Callable[[], object]) -> Any:
    """Schedule ``func`` on the global reactor, imported only now (never at import time)."""
    from twistlike import reactor

    return reactor.callLater(period, func)


def _wrappedLogPrefix(wrapper: object, wrapped: object) -> str:
    """Return ``"<wrapped prefix> (<wrapper class>)"`` for log messages."""
    if ILoggingContext.providedBy(wrapped):
        prefix: str = wrapped.logPrefix()  # type: ignore[attr-defined]
    else:
        prefix = wrapped.__class__.__name__
    return f"{prefix} ({wrapper.__class__.__name__})"


class ProtocolWrapper(Protocol):
    """Wraps a protocol and acts as its transport.

    On connection the wrapper provides every interface its transport provides (so the
    wrapped protocol can check for ITCPTransport and the like), registers with its factory
    and connects the wrapped protocol to itself. Transport methods it does not define
    itself (``abortConnection``, ``loseWriteConnection``, ``pauseProducing`` ...) are looked
    up on the real transport.

    Divergence from Twisted: when the wrapped protocol provides IHalfCloseableProtocol, so
    does the wrapper, and it forwards ``readConnectionLost``/``writeConnectionLost``;
    Twisted's wrapper hides half-closing from the transport.

    Attributes:
        wrappedProtocol: The protocol being wrapped (None after ``connectionLost``).
        factory: The WrappingFactory (or LimitTotalConnectionsFactory) that built this.
        disconnecting: 1 once ``loseConnection`` was called.

    Twisted: twisted.protocols.policies.ProtocolWrapper.
    """

    disconnecting: int = 0

    def __init__(self, factory: Any, wrappedProtocol: Any) -> None:
        self.wrappedProtocol: Any = wrappedProtocol
        self.factory = factory

    def logPrefix(self) -> str:
        """Return the wrapped protocol's prefix, followed by this class's name."""
        return _wrappedLogPrefix(self, self.wrappedProtocol)

    def makeConnection(self, transport: Any) -> None:
        """Take on the transport's interfaces, register, and connect the wrapped protocol."""
        directlyProvides(self, providedBy(transport))
        if IHalfCloseableProtocol.providedBy(self.wrappedProtocol):
            alsoProvides(self, IHalfCloseableProtocol)
        Protocol.makeConnection(self, transport)
        self.factory.registerProtocol(self)
        self.wrappedProtocol.makeConnection(self)

    # The transport side, as the wrapped protocol sees it.

    def write(self, data: bytes) -> None:
        """Write ``data`` to the real transport."""
        self.transport.write(data)

    def writeSequence(self, data: Iterable[bytes]) -> None:
        """Write the items of ``data`` to the real transport."""
        self.transport.writeSequence(data)

    def loseConnection(self) -> None:
        """Set ``disconnecting`` and close the real transport."""
        self.disconnecting = 1
        self.transport.loseConnection()

    def getPeer(self) -> Any:
        """Return the real transport's peer address."""
        return self.transport.getPeer()

    def getHost(self) -> Any:
        """Return the real transport's host address."""
        return self.transport.getHost()

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        """Register ``producer`` with the real transport."""
        self.transport.registerProducer(producer, streaming)

    def unregisterProducer(self) -> None:
        """Unregister the producer from the real transport."""
        self.transport.unregisterProducer()

    def stopConsuming(self) -> None:
        """Forward ``stopConsuming`` to the real transport."""
        self.transport.stopConsuming()

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes the wrapper lacks; ``transport`` itself is a class
        # attribute, so this cannot recurse.
        return getattr(self.transport, name)

    # The protocol side, as the real transport sees it.

    def dataReceived(self, data: bytes) -> None:
        """Pass ``data`` to the wrapped protocol."""
        self.wrappedProtocol.dataReceived(data)

    def readConnectionLost(self) -> None:
        """Tell a half-closeable wrapped protocol that the peer stopped sending."""
        self.wrappedProtocol.readConnectionLost()

    def writeConnectionLost(self) -> None:
        """Tell a half-closeable wrapped protocol that our write side is closed."""
        self.wrappedProtocol.writeConnectionLost()

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        """Unregister, and pass the loss on to the wrapped protocol."""
        self.factory.unregisterProtocol(self)
        self.wrappedProtocol.connectionLost(reason)
        # Break the reference cycle wrapped protocol -> wrapper -> wrapped protocol.
        self.wrappedProtocol = None


class WrappingFactory(ClientFactory[ProtocolWrapper]):
    """Wraps a factory: each protocol it builds is wrapped in ``protocol``.

    Starting, stopping and the client connection hooks are passed on to the wrapped
    factory. Live wrappers are kept in ``protocols`` (a dict used as a set).

    Twisted: twisted.protocols.policies.WrappingFactory.
    """

    protocol: Callable[..., Any] = ProtocolWrapper

    def __init__(self, wrappedFactory: Any) -> None:
        self.wrappedFactory = wrappedFactory
        self.protocols: dict[Any, int] = {}

    def logPrefix(self) -> str:
        """Return the wrapped factory's prefix, followed by this class's name."""
        return _wrappedLogPrefix(self, self.wrappedFactory)

    def doStart(self) -> None:
        """Start the wrapped factory, then this one."""
        self.wrappedFactory.doStart()
        ClientFactory.doStart(self)

    def doStop(self) -> None:
        """Stop the wrapped factory, then this one."""
        self.wrappedFactory.doStop()
        ClientFactory.doStop(self)

    def startedConnecting(self, connector: Any) -> None:
        """Pass on to the wrapped factory."""
        self.wrappedFactory.startedConnecting(connector)

    def clientConnectionFailed(self, connector: Any, reason: Failure) -> None:
        """Pass on to the wrapped factory."""
        self.wrappedFactory.clientConnectionFailed(connector, reason)

    def clientConnectionLost(self, connector: Any, reason: Failure) -> None:
        """Pass on to the wrapped factory."""
        self.wrappedFactory.clientConnectionLost(connector, reason)

    def buildProtocol(self, addr: Any) -> Any:
        """Wrap the protocol the wrapped factory builds for ``addr``."""
        return self.protocol(self, self.wrappedFactory.buildProtocol(addr))

    def registerProtocol(self, p: Any) -> None:
        """Called by a wrapper when its connection is made."""
        self.protocols[p] = 1

    def unregisterProtocol(self, p: Any) -> None:
        """Called by a wrapper when its connection is lost."""
        del self.protocols[p]


# Throttling.


class ThrottlingProtocol(ProtocolWrapper):
    """The wrapper of ThrottlingFactory: counts bytes and pauses when told to.

    Twisted: twisted.protocols.policies.ThrottlingProtocol.
    """

    def write(self, data: bytes) -> None:
        """Count ``data`` as written, then write it."""
        self.factory.registerWritten(len(data))
        ProtocolWrapper.write(self, data)

    def writeSequence(self, seq: Iterable[bytes]) -> None:
        """Count the items of ``seq`` as written, then write them."""
        seq = list(seq)
        self.factory.registerWritten(sum(map(len, seq)))
        ProtocolWrapper.writeSequence(self, seq)

    def dataReceived(self, data: bytes) -> None:
        """Count ``data`` as read, then deliver it."""
        self.factory.registerRead(len(data))
        ProtocolWrapper.dataReceived(self, data)

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        """Remember ``producer`` (writes are throttled through it) and register it."""
        self.producer = producer
        ProtocolWrapper.registerProducer(self, producer, streaming)

    def unregisterProducer(self) -> None:
        """Forget the producer and unregister it."""
        del self.producer
        ProtocolWrapper.unregisterProducer(self)

    def throttleReads(self) -> None:
        """Pause reading from the transport."""
        self.transport.pauseProducing()

    def unthrottleReads(self) -> None:
        """Resume reading from the transport."""
        self.transport.resumeProducing()

    def throttleWrites(self) -> None:
        """Pause the registered producer, if any."""
        # Divergence from Twisted: Twisted tests ``hasattr(self, "producer")``, which the
        # attribute forwarding answers from the transport (a transport's ``producer`` is
        # None), and then fails; only a producer registered here counts.
        producer = self.__dict__.get("producer")
        if producer is not None:
            producer.pauseProducing()

    def unthrottleWrites(self) -> None:
        """Resume the registered producer, if any."""
        producer = self.__dict__.get("producer")
        if producer is not None:
            producer.resumeProducing()


class ThrottlingFactory(WrappingFactory):
    """Limits the number of connections and the read and write bandwidth of them all.

    Every second the bytes counted are checked against the limits; past a limit, all
    connections are paused for as long as it takes to fall back under it. Writes can only
    be throttled through a registered producer.

    Attributes:
        maxConnectionCount: Connections beyond this are refused.
        readLimit: Bytes per second to read, or None for no limit.
        writeLimit: Bytes per second to write, or None for no limit.

    Twisted: twisted.protocols.policies.ThrottlingFactory.
    """

    protocol = ThrottlingProtocol

    def __init__(
        self,
        wrappedFactory: Any,
        maxConnectionCount: int = sys.maxsize,
        readLimit: float | None = None,
        writeLimit: float | None = None,
    ) -> None:
        WrappingFactory.__init__(self, wrappedFactory)
        self.connectionCount: int = 0
        self.maxConnectionCount = maxConnectionCount
        self.readLimit = readLimit
        self.writeLimit = writeLimit
        self.readThisSecond: int = 0
        self.writtenThisSecond: int = 0
        self.unthrottleReadsID: Any = None
        self.checkReadBandwidthID: Any = None
        self.unthrottleWritesID: Any = None
        self.checkWriteBandwidthID: Any = None

    def callLater(self, period: float, func: Callable[[], object]) -> Any:
        """Schedule ``func`` on the reactor; override (or set) it to use another clock."""
        return _reactorCallLater(period, func)

    def registerWritten(self, length: int) -> None:
        """Count ``length`` more bytes written."""
        self.writtenThisSecond += length

    def registerRead(self, length: int) -> None:
        """Count ``length`` more bytes read."""
        self.readThisSecond += length

    def checkReadBandwidth(self) -> None:
        """Throttle reads if the last second read too much; check again in a second."""
        assert self.readLimit is not None
        if self.readThisSecond > self.readLimit:
            self.throttleReads()
            throttleTime = (float(self.readThisSecond) / self.readLimit) - 1.0
            self.unthrottleReadsID = self.callLater(throttleTime, self.unthrottleReads)
        self.readThisSecond = 0
        self.checkReadBandwidthID = self.callLater(1, self.checkReadBandwidth)

    def checkWriteBandwidth(self) -> None:
        """Throttle writes if the last second wrote too much; check again in a second."""
        assert self.writeLimit is not None
        if self.writtenThisSecond > self.writeLimit:
            self.throttleWrites()
            throttleTime = (float(self.writtenThisSecond) / self.writeLimit) - 1.0
            self.unthrottleWritesID = self.callLater(throttleTime, self.unthrottleWrites)
        self.writtenThisSecond = 0
        self.checkWriteBandwidthID = self.callLater(1, self.checkWriteBandwidth)

    def throttleReads(self) -> None:
        """Pause reading on every connection."""
        _log.info("Throttling reads on %s", self)
        for p in list(self.protocols):
            p.throttleReads()

    def unthrottleReads(self) -> None:
        """Resume reading on every connection."""
        self.unthrottleReadsID = None
        _log.info("Stopped throttling reads on %s", self)
        for p in list(self.protocols):
            p.unthrottleReads()

    def throttleWrites(self) -> None:
        """Pause the producers of every connection."""
        _log.info("Throttling writes on %s", self)
        for p in list(self.protocols):
            p.throttleWrites()

    def unthrottleWrites(self) -> None:
        """Resume the producers of every connection."""
        self.unthrottleWritesID = None
        _log.info("Stopped throttling writes on %s", self)
        for p in list(self.protocols):
            p.unthrottleWrites()

    def buildProtocol(self, addr: Any) -> Any:
        """Start the bandwidth checks with the first connection; refuse one too many."""
        if self.connectionCount == 0:
            if self.readLimit is not None:
                self.checkReadBandwidth()
            if self.writeLimit is not None:
                self.checkWriteBandwidth()
        if self.connectionCount < self.maxConnectionCount:
            self.connectionCount += 1
            return WrappingFactory.buildProtocol(self, addr)
        _log.info("Max connection count reached!")
        return None

    def unregisterProtocol(self, p: Any) -> None:
        """Count the connection out; with the last one gone, stop the timed checks."""
        WrappingFactory.unregisterProtocol(self, p)
        self.connectionCount -= 1
        if self.connectionCount == 0:
            for call in (
                self.unthrottleReadsID,
                self.checkReadBandwidthID,
                self.unthrottleWritesID,
                self.checkWriteBandwidthID,
            ):
                if call is not None:
                    call.cancel()


# Debug logging.


class SpewingProtocol(ProtocolWrapper):
    """The wrapper of SpewingFactory: logs every read and write.

    Twisted: twisted.protocols.policies.SpewingProtocol.
    """

    def dataReceived(self, data: bytes) -> None:
        """Log ``data``, then deliver it."""
        _log.info("Received: %r", data)
        ProtocolWrapper.dataReceived(self, data)

    def write(self, data: bytes) -> None:
        """Log ``data``, then write it."""
        _log.info("Sending: %r", data)
        ProtocolWrapper.write(self, data)


class SpewingFactory(WrappingFactory):
    """Logs (INFO, logger ``"twistlike.policies"``) all data read and written.

    Twisted: twisted.protocols.policies.SpewingFactory.
    """

    protocol = SpewingProtocol


# Connection limits.


def _peerHost(address: Any, index: int) -> Any:
    """The host of a peer address: its ``host``, or item ``index`` of a tuple address."""
    host = getattr(address, "host", None)
    if host is not None:
        return host
    return address[index]


class LimitConnectionsByPeer(WrappingFactory):
    """Refuses connections from a host that already has ``maxConnectionsPerPeer`` open.

    Divergence from Twisted: Twisted indexes the address (``addr[0]``, and ``[1]`` of
    ``getPeer()``), which fails with IPv4Address and IPv6Address; their ``host`` is used
    here, and tuples are still indexed as in Twisted.

    Twisted: twisted.protocols.policies.LimitConnectionsByPeer.
    """

    maxConnectionsPerPeer = 5

    def startFactory(self) -> None:
        """Start with no connections counted."""
        self.peerConnections: dict[Any, int] = {}

    def buildProtocol(self, addr: Any) -> Any:
        """Refuse the connection if its host is at the limit; count it otherwise."""
        peerHost = _peerHost(addr, 0)
        connectionCount = self.peerConnections.get(peerHost, 0)
        if connectionCount >= self.maxConnectionsPerPeer:
            return None
        self.peerConnections[peerHost] = connectionCount + 1
        return WrappingFactory.buildProtocol(self, addr)

    def unregisterProtocol(self, p: Any) -> None:
        """Count the connection out."""
        peerHost = _peerHost(p.getPeer(), 1)
        self.peerConnections[peerHost] -= 1
        if self.peerConnections[peerHost] == 0:
            del self.peerConnections[peerHost]


class LimitTotalConnectionsFactory(ServerFactory[Any]):
    """Limits the number of simultaneous connections.

    Beyond ``connectionLimit`` a connection gets an ``overflowProtocol`` (if set) or is
    refused. Each protocol is wrapped in a ProtocolWrapper whose factory is this one.

    Attributes:
        connectionCount: The number of connections now.
        connectionLimit: The most connections served normally, or None for no limit.
        overflowProtocol: The protocol class for connections over the limit, or None.

    Twisted: twisted.protocols.policies.LimitTotalConnectionsFactory.
    """

    connectionCount: int = 0
    connectionLimit: int | None = None
    overflowProtocol: Callable[[], Any] | None = None

    def buildProtocol(self, addr: Any) -> Any:
        """Build (and wrap) a protocol or an overflow protocol, or refuse."""
        if self.connectionLimit is None or self.connectionCount < self.connectionLimit:
            assert self.protocol is not None, "Factory.protocol is not set"
            wrappedProtocol = self.protocol()
        elif self.overflowProtocol is None:
            return None
        else:
            wrappedProtocol = self.overflowProtocol()
        wrappedProtocol.factory = self
        protocol = ProtocolWrapper(self, wrappedProtocol)
        self.connectionCount += 1
        return protocol

    def registerProtocol(self, p: Any) -> None:
        """Nothing to do: connections are counted when built."""

    def unregisterProtocol(self, p: Any) -> None:
        """Count the connection out."""
        self.connectionCount -= 1


# Timeouts.


class TimeoutProtocol(ProtocolWrapper):
    """The wrapper of TimeoutFactory: closes the connection after a quiet period.

    Reads and writes restart the countdown.

    Twisted: twisted.protocols.policies.TimeoutProtocol.
    """

    def __init__(self, factory: Any, wrappedProtocol: Any, timeoutPeriod: float | None) -> None:
        ProtocolWrapper.__init__(self, factory, wrappedProtocol)
        self.timeoutCall: Any = None
        self.timeoutPeriod: float | None = None
        self.setTimeout(timeoutPeriod)

    def setTimeout(self, timeoutPeriod: float | None = None) -> None:
        """Cancel the countdown and, unless ``timeoutPeriod`` is None, start a new one."""
        self.cancelTimeout()
        self.timeoutPeriod = timeoutPeriod
        if timeoutPeriod is not None:
            self.timeoutCall = self.factory.callLater(self.timeoutPeriod, self.timeoutFunc)

    def cancelTimeout(self) -> None:
        """Cancel the countdown, if there is one."""
        self.timeoutPeriod = None
        if self.timeoutCall:
            try:
                self.timeoutCall.cancel()
            except (error.AlreadyCalled, error.AlreadyCancelled):
                pass
            self.timeoutCall = None

    def resetTimeout(self) -> None:
        """Restart the countdown (some activity happened)."""
        if self.timeoutCall:
            self.timeoutCall.reset(self.timeoutPeriod)

    def write(self, data: bytes) -> None:
        """Restart the countdown and write ``data``."""
        self.resetTimeout()
        ProtocolWrapper.write(self, data)

    def writeSequence(self, seq: Iterable[bytes]) -> None:
        """Restart the countdown and write ``seq``."""
        self.resetTimeout()
        ProtocolWrapper.writeSequence(self, seq)

    def dataReceived(self, data: bytes) -> None:
        """Restart the countdown and deliver ``data``."""
        self.resetTimeout()
        ProtocolWrapper.dataReceived(self, data)

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        """Cancel the countdown and pass the loss on."""
        self.cancelTimeout()
        ProtocolWrapper.connectionLost(self, reason)

    def timeoutFunc(self) -> None:
        """Called when the countdown ends; closes the connection. Override to change that."""
        self.loseConnection()


class TimeoutFactory(WrappingFactory):
    """Closes each connection after ``timeoutPeriod`` seconds without reads or writes.

    Twisted: twisted.protocols.policies.TimeoutFactory.
    """

    protocol = TimeoutProtocol

    def __init__(self, wrappedFactory: Any, timeoutPeriod: float | None = 30 * 60) -> None:
        self.timeoutPeriod = timeoutPeriod
        WrappingFactory.__init__(self, wrappedFactory)

    def buildProtocol(self, addr: Any) -> Any:
        """Wrap the wrapped factory's protocol with this factory's timeout."""
        return self.protocol(
            self, self.wrappedFactory.buildProtocol(addr), timeoutPeriod=self.timeoutPeriod
        )

    def callLater(self, period: float, func: Callable[[], object]) -> Any:
        """Schedule ``func`` on the reactor; override (or set) it to use another clock."""
        return _reactorCallLater(period, func)


# Traffic logging.


class TrafficLoggingProtocol(ProtocolWrapper):
    """The wrapper of TrafficLoggingFactory: writes every event to a log file.

    Lines are ``*`` (connected), ``C <n>: <data>`` (received, or the loss reason),
    ``S <n>: <data>`` (sent), ``SV <n>: [...]`` (sent as a sequence) and ``S <n>: *``
    (closed by us).

    Twisted: twisted.protocols.policies.TrafficLoggingProtocol.
    """

    def __init__(
        self,
        factory: Any,
        wrappedProtocol: Any,
        logfile: IO[str],
        lengthLimit: int | None = None,
        number: int = 0,
    ) -> None:
        ProtocolWrapper.__init__(self, factory, wrappedProtocol)
        self.logfile = logfile
        self.lengthLimit = lengthLimit
        self._number = number

    def _log(self, line: str) -> None:
        self.logfile.write(line + "\n")
        self.logfile.flush()

    def _mungeData(self, data: bytes) -> bytes:
        # Divergence from Twisted: the elision marker is bytes; Twisted adds a str to the
        # bytes and raises TypeError.
        if self.lengthLimit and len(data) > self.lengthLimit:
            data = data[: self.lengthLimit - 12] + b"<... elided>"
        return data

    def connectionMade(self) -> None:
        """Log the connection."""
        self._log("*")
        ProtocolWrapper.connectionMade(self)

    def dataReceived(self, data: bytes) -> None:
        """Log and deliver ``data``."""
        self._log(f"C {self._number}: {self._mungeData(data)!r}")
        ProtocolWrapper.dataReceived(self, data)

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        """Log the reason and pass the loss on."""
        self._log(f"C {self._number}: {reason!r}")
        ProtocolWrapper.connectionLost(self, reason)

    def write(self, data: bytes) -> None:
        """Log and write ``data``."""
        self._log(f"S {self._number}: {self._mungeData(data)!r}")
        ProtocolWrapper.write(self, data)

    def writeSequence(self, iovec: Iterable[bytes]) -> None:
        """Log and write the items of ``iovec``."""
        iovec = list(iovec)
        self._log(f"SV {self._number}: {[self._mungeData(d) for d in iovec]!r}")
        ProtocolWrapper.writeSequence(self, iovec)

    def loseConnection(self) -> None:
        """Log and close the connection."""
        self._log(f"S {self._number}: *")
        ProtocolWrapper.loseConnection(self)


class TrafficLoggingFactory(WrappingFactory):
    """Logs each connection's traffic to its own file, ``<logfilePrefix>-<n>``.

    Twisted: twisted.protocols.policies.TrafficLoggingFactory.
    """

    protocol = TrafficLoggingProtocol
    _counter = 0

    def __init__(
        self, wrappedFactory: Any, logfilePrefix: str, lengthLimit: int | None = None
    ) -> None:
        self.logfilePrefix = logfilePrefix
        self.lengthLimit = lengthLimit
        WrappingFactory.__init__(self, wrappedFactory)

    def open(self, name: str) -> IO[str]:
        """Open the log file ``name`` for writing; override to log elsewhere."""
        return open(name, "w")

    def buildProtocol(self, addr: Any) -> Any:
        """Wrap the wrapped factory's protocol, logging to the next numbered file."""
        self._counter += 1
        logfile = self.open(self.logfilePrefix + "-" + str(self._counter))
        return self.protocol(
            self,
            self.wrappedFactory.buildProtocol(addr),
            logfile,
            self.lengthLimit,
            self._counter,
        )

    def resetCounter(self) -> None:
        """Number the next connection 1 again."""
        self._counter = 0


class TimeoutMixin:
    """Mixin giving a protocol one idle timeout.

    ``setTimeout(period)`` starts (or changes, or with None cancels) the countdown;
    ``resetTimeout()`` restarts it, typically when data arrives. When it ends,
    ``timeoutConnection()`` runs, which by default drops the connection. The countdown is
    a timed call from ``callLater`` (the reactor's, unless overridden), moved with
    ``DelayedCall.reset``.

    Attributes:
        timeOut: The timeout in seconds, or None for none.

    Twisted: twisted.protocols.policies.TimeoutMixin.
    """

    timeOut: float | None = None
    __timeoutCall: Any = None
    transport: Any

    def callLater(self, period: float, func: Callable[[], object]) -> Any:
        """Schedule ``func`` on the reactor; override (or set) it to use another clock.

        Twisted: twisted.protocols.policies.TimeoutMixin.callLater.
        """
        return _reactorCallLater(period, func)

    def resetTimeout(self) -> None:
        """Restart the countdown, unless it already ran out or was cancelled.

        Twisted: twisted.protocols.policies.TimeoutMixin.resetTimeout.
        """
        if self.__timeoutCall is not None and self.timeOut is not None:
            self.__timeoutCall.reset(self.timeOut)

    def setTimeout(self, period: float | None) -> float | None:
        """Change the timeout to ``period`` seconds (None: no timeout); return the old one.

        Twisted: twisted.protocols.policies.TimeoutMixin.setTimeout.
        """
        prev = self.timeOut
        self.timeOut = period
        if self.__timeoutCall is not None:
            if period is None:
                try:
                    self.__timeoutCall.cancel()
                except (error.AlreadyCancelled, error.AlreadyCalled):
                    pass
                self.__timeoutCall = None
            else:
                self.__timeoutCall.reset(period)
        elif period is not None:
            self.__timeoutCall = self.callLater(period, self.__timedOut)
        return prev

    def __timedOut(self) -> None:
        self.__timeoutCall = None
        self.timeoutConnection()

    def timeoutConnection(self) -> None:
        """Called when the countdown ends; drops the connection. Override to change that.

        Twisted: twisted.protocols.policies.TimeoutMixin.timeoutConnection.
        """
        self.transport.loseConnection()


if not TYPE_CHECKING:
    # (Hidden from type checkers, which would otherwise accept any name from this module.)

    def __getattr__(name: str) -> object:
        # A Twisted name twistlike does not provide fails with the reason (docs/missing.md).
        from twistlike._porting.missing import missing_name_error

        raise missing_name_error(__name__, name)

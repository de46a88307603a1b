"""In-memory stand-ins for transports, protocols and producers, for testing protocols.

Nothing here does I/O or needs an event loop: a protocol connected to a StringTransport
writes into a buffer the test reads with ``value()``.

Twisted: twisted.internet.testing.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO
from typing import Any

from zope.interface import implementer  # type: ignore[import-untyped, unused-ignore]

from twistlike import error
from twistlike.address import IPv4Address
from twistlike.basic import LineReceiver
from twistlike.defer import Deferred
from twistlike.failure import Failure
from twistlike.interfaces import IConsumer, IPushProducer, ITransport
from twistlike.protocol import Protocol

__all__ = [
    "AccumulatingProtocol",
    "LineSendingProtocol",
    "NonStreamingProducer",
    "StringIOWithoutClosing",
    "StringTransport",
    "StringTransportWithDisconnection",
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

    made = 0
    closed = 0
    closedReason: Failure | None = None
    closedDeferred: Deferred[None] | None = None
    data = b""

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

    lostConn = False

    def __init__(self, lines: list[bytes], start: bool = True) -> None:
        self.lines = lines[:]
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

    disconnecting = False
    disconnected = False
    producer: Any = None
    streaming: bool | None = None
    hostAddr: Any = None
    peerAddr: Any = None
    producerState = "producing"

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
        self.io = BytesIO()

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

    counter = 0
    stopped = False

    def __init__(self, consumer: Any) -> None:
        self.consumer = consumer
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

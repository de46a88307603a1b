"""Base classes for connection protocols and the factories that build them.

A protocol handles the events of one connection, in this order::

    makeConnection -> connectionMade [-> dataReceived*] -> connectionLost

A factory builds one protocol per connection and is started and stopped by the ports and
connectors that use it. Nothing here does I/O: the transport a protocol writes to is
whatever ``makeConnection`` was given (an asyncio-backed transport, or a StringTransport in
tests).

This module holds the pure part of Twisted's module. ReconnectingClientFactory,
ClientCreator, DatagramProtocol and ProcessProtocol need a reactor and come with it.

Twisted: twisted.internet.protocol.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic

from typing_extensions import TypeVar
from zope.interface import (  # type: ignore[import-untyped, unused-ignore]
    implementer,
    providedBy,
)
from zope.interface.adapter import AdapterRegistry  # type: ignore[import-untyped, unused-ignore]
from zope.interface.interface import adapter_hooks  # type: ignore[import-untyped, unused-ignore]

from twistlike import error
from twistlike._core.log import log_failure
from twistlike.defer import Deferred
from twistlike.failure import Failure
from twistlike.interfaces import (
    IConsumer,
    ILoggingContext,
    IProcessProtocol,
    IProtocol,
    IProtocolFactory,
    ITransport,
)
from twistlike.logger import _loggerFor

__all__ = [
    "BaseProtocol",
    "ClientCreator",
    "ClientFactory",
    "ConsumerToProtocolAdapter",
    "Factory",
    "FileWrapper",
    "Protocol",
    "ProtocolToConsumerAdapter",
    "ReconnectingClientFactory",
    "ServerFactory",
    "connectionDone",
]


def _msg(text: str) -> None:
    # As Twisted, a classic log.msg (it shows in a startLogging file, with the context's
    # system); with no Twisted-style logging, stdlib gets it at INFO on twistlike.protocol.
    from twistlike.log import msg

    msg(text, log_namespace="twistlike.protocol")


class BaseProtocol:
    """The base of every protocol: remembers its transport and announces the connection.

    Attributes:
        connected: 0 until ``makeConnection`` is called, then 1.
        transport: The transport given to ``makeConnection``, or None before that.

    Twisted: twisted.internet.protocol.BaseProtocol.
    """

    connected: int = 0
    # Typed as Any, not ``ITransport | None``: zope interfaces are opaque to mypy, and an
    # Optional would force an assert before every ``self.transport.write``.
    transport: Any = None

    def makeConnection(self, transport: Any) -> None:
        """Attach to ``transport``: set ``connected`` and ``transport``, then ``connectionMade``.

        Twisted: twisted.internet.protocol.BaseProtocol.makeConnection.
        """
        self.connected = 1
        self.transport = transport
        self.connectionMade()

    def connectionMade(self) -> None:
        """Called once the connection is ready; override it to send a greeting.

        Twisted: twisted.internet.protocol.BaseProtocol.connectionMade.
        """


#: The reason given to ``connectionLost`` for a connection that was closed cleanly.
#: Twisted: twisted.internet.protocol.connectionDone.
connectionDone: Failure = Failure(error.ConnectionDone())
connectionDone.cleanFailure()


@implementer(IProtocol, ILoggingContext)
class Protocol(BaseProtocol):
    """The base class for stream protocols: override ``dataReceived`` and ``connectionLost``.

    ``dataReceived`` may get any slice of the byte stream, a message split in pieces or many
    messages at once; buffer what is incomplete (or use twistlike.basic's receivers).

    Attributes:
        factory: The factory that built this protocol (set by ``Factory.buildProtocol``).

    Twisted: twisted.internet.protocol.Protocol.
    """

    factory: Any = None

    def logPrefix(self) -> str:
        """Return the class name, to tag log messages about this protocol.

        Twisted: twisted.internet.protocol.Protocol.logPrefix.
        """
        return self.__class__.__name__

    def dataReceived(self, data: bytes) -> None:
        """Called with each chunk of bytes that arrives; does nothing by default.

        Twisted: twisted.internet.protocol.Protocol.dataReceived.
        """

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        """Called once when the connection has ended; does nothing by default.

        Args:
            reason: Why: a Failure of ConnectionDone for a clean close, ConnectionLost or
                ConnectionAborted otherwise.

        Twisted: twisted.internet.protocol.Protocol.connectionLost.
        """


_P = TypeVar("_P", bound=Protocol, default=Protocol)
_Q = TypeVar("_Q", bound=Protocol)


@implementer(IProtocolFactory, ILoggingContext)
class Factory(Generic[_P]):
    """Builds a protocol (of class ``protocol``) for each connection.

    A factory can serve several ports at once: ``startFactory`` runs when the first one
    starts using it, ``stopFactory`` when the last one stops.

    Attributes:
        protocol: The protocol class (any callable returning a protocol) to build.
        noisy: Whether starting and stopping is logged (INFO, logger
            ``"twistlike.protocol"``).
        numPorts: How many ports or connectors are using the factory now.

    Twisted: twisted.internet.protocol.Factory.
    """

    protocol: Callable[..., _P] | None = None
    numPorts: int = 0
    noisy = True

    @classmethod
    def forProtocol(cls, protocol: Callable[[], _Q], *args: Any, **kwargs: Any) -> Factory[_Q]:
        """Create a factory of this class, passing ``args``, and set its ``protocol``.

        Twisted: twisted.internet.protocol.Factory.forProtocol.
        """
        factory: Factory[Any] = cls(*args, **kwargs)
        factory.protocol = protocol
        return factory

    def logPrefix(self) -> str:
        """Return the class name, to tag log messages about this factory.

        Twisted: twisted.internet.protocol.Factory.logPrefix.
        """
        return self.__class__.__name__

    def doStart(self) -> None:
        """Count one more user of the factory; call ``startFactory`` for the first one.

        Called by ports and connectors, not by applications.

        Twisted: twisted.internet.protocol.Factory.doStart.
        """
        if not self.numPorts:
            if self.noisy:
                _loggerFor(self).info("Starting factory {factory!r}", factory=self)
            self.startFactory()
        self.numPorts = self.numPorts + 1

    def doStop(self) -> None:
        """Count one user less; call ``stopFactory`` when none is left.

        An unbalanced call (no users) is ignored, as in Twisted.

        Twisted: twisted.internet.protocol.Factory.doStop.
        """
        if self.numPorts == 0:
            return
        self.numPorts = self.numPorts - 1
        if not self.numPorts:
            if self.noisy:
                _loggerFor(self).info("Stopping factory {factory!r}", factory=self)
            self.stopFactory()

    def startFactory(self) -> None:
        """Called before the first port or connector uses the factory; override it.

        Twisted: twisted.internet.protocol.Factory.startFactory.
        """

    def stopFactory(self) -> None:
        """Called after the last port or connector stopped using the factory; override it.

        Twisted: twisted.internet.protocol.Factory.stopFactory.
        """

    def buildProtocol(self, addr: Any) -> _P | None:
        """Build a protocol for a connection with ``addr`` and set its ``factory``.

        Override it to build protocols differently, or to return None, which refuses the
        connection.

        Twisted: twisted.internet.protocol.Factory.buildProtocol.
        """
        assert self.protocol is not None, "Factory.protocol is not set"
        p = self.protocol()
        p.factory = self
        return p


class ClientFactory(Factory[_P]):
    """A factory for outgoing connections, told how each connection attempt goes.

    Twisted: twisted.internet.protocol.ClientFactory.
    """

    def startedConnecting(self, connector: Any) -> None:
        """A connection attempt started; ``connector.stopConnecting()`` would cancel it.

        Twisted: twisted.internet.protocol.ClientFactory.startedConnecting.
        """

    def clientConnectionFailed(self, connector: Any, reason: Failure) -> None:
        """The connection attempt failed; ``connector.connect()`` would try again.

        Twisted: twisted.internet.protocol.ClientFactory.clientConnectionFailed.
        """

    def clientConnectionLost(self, connector: Any, reason: Failure) -> None:
        """An established connection was lost; ``connector.connect()`` would reconnect.

        Twisted: twisted.internet.protocol.ClientFactory.clientConnectionLost.
        """


class ServerFactory(Factory[_P]):
    """A factory meant for listening ports only.

    Twisted: twisted.internet.protocol.ServerFactory.
    """


class _Adapter:
    """Base of the adapters below: holds the adapted object as ``original``."""

    def __init__(self, original: Any) -> None:
        self.original = original


@implementer(IConsumer)
class ProtocolToConsumerAdapter(_Adapter):
    """Lets a protocol be used as a consumer: ``write`` feeds its ``dataReceived``.

    ``IConsumer(protocol)`` returns one of these.

    Twisted: twisted.internet.protocol.ProtocolToConsumerAdapter.
    """

    def write(self, data: bytes) -> None:
        """Pass ``data`` to the protocol's ``dataReceived``."""
        self.original.dataReceived(data)

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        """Ignore the producer."""

    def unregisterProducer(self) -> None:
        """Nothing to undo."""


@implementer(IProtocol)
class ConsumerToProtocolAdapter(_Adapter):
    """Lets a consumer be used as a protocol: ``dataReceived`` writes to it.

    ``IProtocol(consumer)`` returns one of these.

    Twisted: twisted.internet.protocol.ConsumerToProtocolAdapter.
    """

    def dataReceived(self, data: bytes) -> None:
        """Write ``data`` to the consumer."""
        self.original.write(data)

    def connectionLost(self, reason: Failure) -> None:
        """Ignore the end of the connection."""

    def makeConnection(self, transport: Any) -> None:
        """Ignore the transport."""

    def connectionMade(self) -> None:
        """Nothing to do."""


# Adaptation (``IConsumer(protocol)``) goes through zope.interface's adapter hooks, as
# Twisted's global registry does; this registry holds the two adapters above.
_adapters = AdapterRegistry()
_adapters.register([IProtocol], IConsumer, "", ProtocolToConsumerAdapter)
_adapters.register([IConsumer], IProtocol, "", ConsumerToProtocolAdapter)


def _adapterHook(iface: Any, ob: object) -> object:
    """Adapt ``ob`` to ``iface`` with an adapter registered in this module, or return None."""
    factory = _adapters.lookup1(providedBy(ob), iface, "")
    if factory is None:
        return None
    return factory(ob)


adapter_hooks.append(_adapterHook)


class ReconnectingClientFactory(ClientFactory[_P]):
    """A client factory that reconnects after a failed or lost connection, backing off.

    Each retry waits ``delay`` (with Gaussian ``jitter``), which then grows by ``factor`` up
    to ``maxDelay``; ``maxRetries`` (None: unlimited) ends the attempts. ``resetDelay()`` is
    meant for ``buildProtocol``/``connectionMade`` of a successful connection;
    ``stopTrying()`` stops for good. ``clock`` (default: the reactor, looked up on first
    use) is what schedules retries: a ``task.Clock`` makes the backoff testable.

    Twisted: twisted.internet.protocol.ReconnectingClientFactory.
    """

    maxDelay: float = 3600
    initialDelay: float = 1.0
    # e and a jitter that keeps retries of many clients apart; Twisted's values.
    factor: float = 2.7182818284590451
    jitter: float = 0.11962656472
    delay: float = initialDelay
    retries: int = 0
    maxRetries: int | None = None
    _callID: Any = None
    connector: Any = None
    clock: Any = None
    continueTrying: int = 1

    def clientConnectionFailed(self, connector: Any, reason: Failure) -> None:
        """Retry, unless ``stopTrying()`` was called.

        Twisted: twisted.internet.protocol.ReconnectingClientFactory.clientConnectionFailed.
        """
        if self.continueTrying:
            self.connector = connector
            self.retry()

    def clientConnectionLost(self, connector: Any, unused_reason: Failure) -> None:
        """Retry, unless ``stopTrying()`` was called.

        Twisted: twisted.internet.protocol.ReconnectingClientFactory.clientConnectionLost.
        """
        if self.continueTrying:
            self.connector = connector
            self.retry()

    def retry(self, connector: Any = None) -> None:
        """Schedule the next connection attempt.

        Twisted: twisted.internet.protocol.ReconnectingClientFactory.retry.

        Raises:
            ValueError: there is no connector to retry with.
        """
        if not self.continueTrying:
            if self.noisy:
                _msg(f"Abandoning {connector} on explicit request")
            return
        if connector is None:
            if self.connector is None:
                raise ValueError("no connector to retry")
            connector = self.connector
        self.retries += 1
        if self.maxRetries is not None and self.retries > self.maxRetries:
            if self.noisy:
                _msg(f"Abandoning {connector} after {self.retries:d} retries.")
            return
        if self.jitter:
            self.delay = random.normalvariate(self.delay, self.delay * self.jitter)
        if self.noisy:
            _msg(f"{connector} will retry in {int(self.delay)} seconds")

        def reconnector() -> None:
            self._callID = None
            connector.connect()

        if self.clock is None:
            from twistlike import reactor

            self.clock = reactor
        self._callID = self.clock.callLater(self.delay, reconnector)
        # The next retry waits longer (as Twisted: grown after scheduling this one).
        self.delay = min(self.delay * self.factor, self.maxDelay)

    def stopTrying(self) -> None:
        """Stop reconnecting (and stop a connection attempt in progress).

        Twisted: twisted.internet.protocol.ReconnectingClientFactory.stopTrying.
        """
        if self._callID is not None:
            self._callID.cancel()
            self._callID = None
        self.continueTrying = 0
        if self.connector is not None:
            try:
                self.connector.stopConnecting()
            except error.NotConnectingError:
                pass

    def resetDelay(self) -> None:
        """Start the backoff afresh (call it once a connection succeeded).

        Twisted: twisted.internet.protocol.ReconnectingClientFactory.resetDelay.
        """
        self.delay = self.initialDelay
        self.retries = 0
        self._callID = None
        self.continueTrying = 1

    def __getstate__(self) -> dict[str, Any]:
        # As Twisted: a pickled factory does not carry its connection state.
        state = self.__dict__.copy()
        for key in ("connector", "retries", "delay", "continueTrying", "_callID", "clock"):
            state.pop(key, None)
        return state


class _InstanceFactory(ClientFactory[Protocol]):
    """Hands one ready-made protocol instance to a connection; fires a Deferred with it."""

    noisy = False

    def __init__(self, reactor: Any, instance: Protocol, deferred: Deferred[Protocol]) -> None:
        self.reactor = reactor
        self.instance = instance
        self.deferred = deferred
        self.pending: Any = None

    def __repr__(self) -> str:
        return f"<ClientCreator factory: {self.instance!r}>"

    def buildProtocol(self, addr: Any) -> Protocol:
        # As Twisted: the Deferred fires on a later turn, after connectionMade.
        self.pending = self.reactor.callLater(0, self._fire, self.deferred.callback, self.instance)
        return self.instance

    def _fire(self, fire: Callable[[Any], object], value: object) -> None:
        self.pending = None
        fire(value)

    def clientConnectionFailed(self, connector: Any, reason: Failure) -> None:
        # As Twisted: the failure, too, is delivered on a later turn, so a cancel() made
        # right after the connection failed still cancels the Deferred.
        if self.pending is not None:
            self.pending.cancel()
            self.pending = None
        if not self.deferred.called:
            self.pending = self.reactor.callLater(0, self._fire, self.deferred.errback, reason)


class ClientCreator:
    """Connect a single protocol instance and get a Deferred of it once connected.

    Twisted: twisted.internet.protocol.ClientCreator (prefer endpoints and connectProtocol).
    """

    def __init__(
        self, reactor: Any, protocolClass: Callable[..., Protocol], *args: Any, **kwargs: Any
    ) -> None:
        self.reactor = reactor
        self.protocolClass = protocolClass
        self.args = args
        self.kwargs = kwargs

    def _connect(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Deferred[Protocol]:
        def cancelConnect(deferred: Deferred[Protocol]) -> None:
            connector.disconnect()
            if factory.pending is not None:
                factory.pending.cancel()
                factory.pending = None

        d: Deferred[Protocol] = Deferred(cancelConnect)
        factory = _InstanceFactory(self.reactor, self.protocolClass(*self.args, **self.kwargs), d)
        connector = method(*args, factory=factory, **kwargs)
        return d

    def connectTCP(
        self, host: str, port: int, timeout: float = 30, bindAddress: Any = None
    ) -> Deferred[Protocol]:
        """Connect over TCP; the Deferred fires with the protocol after connectionMade.

        Twisted: twisted.internet.protocol.ClientCreator.connectTCP.
        """
        return self._connect(
            self.reactor.connectTCP, host, port, timeout=timeout, bindAddress=bindAddress
        )

    def connectUNIX(
        self, address: str, timeout: float = 30, checkPID: bool = False
    ) -> Deferred[Protocol]:
        """Connect to a UNIX socket.

        Twisted: twisted.internet.protocol.ClientCreator.connectUNIX.
        """
        return self._connect(self.reactor.connectUNIX, address, timeout=timeout, checkPID=checkPID)

    def connectSSL(
        self,
        host: str,
        port: int,
        contextFactory: Any,
        timeout: float = 30,
        bindAddress: Any = None,
    ) -> Deferred[Protocol]:
        """Connect over TLS; the Deferred fires with the protocol after connectionMade.

        Twisted: twisted.internet.protocol.ClientCreator.connectSSL. As there, the protocol
        is connected before the TLS handshake completes (see docs/tls.md).
        """
        return self._connect(
            self.reactor.connectSSL,
            host,
            port,
            contextFactory=contextFactory,
            timeout=timeout,
            bindAddress=bindAddress,
        )


@implementer(ITransport)
class FileWrapper:
    """A transport that writes to a file object: for debugging a protocol by hand.

    Nothing is read from the file. ``getPeer()``/``getHost()`` return Twisted's placeholder
    values (``("file", "file")`` and ``"file"``), not addresses.

    Twisted: twisted.internet.protocol.FileWrapper.
    """

    closed: int = 0
    disconnecting = 0
    producer: Any = None
    streamingProducer: int = 0

    def __init__(self, file: Any) -> None:
        self.file = file

    def write(self, data: bytes) -> None:
        """Write ``data`` to the file; an error is handed to ``handleException``."""
        try:
            self.file.write(data)
        except BaseException:
            self.handleException()

    def writeSequence(self, iovec: Any) -> None:
        """Write the concatenation of ``iovec``."""
        self.write(b"".join(iovec))

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        """Remember ``producer``; a pull producer is asked for data once."""
        self.producer = producer
        self.streamingProducer = streaming
        if not streaming:
            producer.resumeProducing()

    def unregisterProducer(self) -> None:
        """Forget the producer."""
        self.producer = None

    def stopConsuming(self) -> None:
        """Forget the producer and close the file."""
        self.unregisterProducer()
        self.loseConnection()

    def loseConnection(self) -> None:
        """Close the file."""
        self.closed = 1
        try:
            self.file.close()
        except OSError:
            self.handleException()

    def getPeer(self) -> Any:
        """Return ``("file", "file")``, as Twisted does."""
        return "file", "file"

    def getHost(self) -> Any:
        """Return ``"file"``, as Twisted does."""
        return "file"

    def handleException(self) -> None:
        """Called inside ``except`` when writing or closing failed.

        Divergence from Twisted: the error is logged (Twisted's ignores it); override to
        handle it differently.
        """
        log_failure(
            Failure(),
            "FileWrapper could not write or close its file",
            namespace="twistlike.protocol",
        )

    def resumeProducing(self) -> None:
        """Nothing to produce."""

    def pauseProducing(self) -> None:
        """Nothing to produce."""

    def stopProducing(self) -> None:
        """Close the file."""
        self.loseConnection()


if not TYPE_CHECKING:
    # (Hidden from type checkers, which would otherwise accept any name from this module.)

    def __getattr__(name: str) -> object:
        # A Twisted name twistlike does not provide fails with the reason (docs/missing.md).
        from twistlike._porting.missing import missing_name_error

        raise missing_name_error(__name__, name)

# -- datagram and process protocols (issue 13) -------------------------------------------------


class AbstractDatagramProtocol:
    """The base of datagram protocols: started by the first port using it, stopped by the last.

    Call order, per protocol instance::

        makeConnection -> doStart [-> startProtocol] [-> datagramReceived*]
            -> doStop [-> stopProtocol]

    Attributes:
        transport: The port (IUDPTransport) this protocol is on, or None.
        numPorts: How many ports use the protocol now.
        noisy: Whether starting and stopping is logged (INFO, logger ``"twistlike.protocol"``).

    Twisted: twisted.internet.protocol.AbstractDatagramProtocol.
    """

    transport: Any = None
    numPorts: int = 0
    noisy = True

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["transport"] = None
        return state

    def doStart(self) -> None:
        """Count one more port; call ``startProtocol`` for the first one.

        Twisted: twisted.internet.protocol.AbstractDatagramProtocol.doStart.
        """
        if not self.numPorts:
            if self.noisy:
                _loggerFor(self).info("Starting protocol {protocol}", protocol=self)
            self.startProtocol()
        self.numPorts = self.numPorts + 1

    def doStop(self) -> None:
        """Count one port less, forget the transport; call ``stopProtocol`` for the last one.

        Twisted: twisted.internet.protocol.AbstractDatagramProtocol.doStop.

        Raises:
            AssertionError: no port was using the protocol (as Twisted).
        """
        assert self.numPorts > 0
        self.numPorts = self.numPorts - 1
        self.transport = None
        if not self.numPorts:
            if self.noisy:
                _loggerFor(self).info("Stopping protocol {protocol}", protocol=self)
            self.stopProtocol()

    def startProtocol(self) -> None:
        """Called once when the first port starts using the protocol; override it.

        Twisted: twisted.internet.protocol.AbstractDatagramProtocol.startProtocol.
        """

    def stopProtocol(self) -> None:
        """Called once after the last port stopped using the protocol; override it.

        Twisted: twisted.internet.protocol.AbstractDatagramProtocol.stopProtocol.
        """

    def makeConnection(self, transport: Any) -> None:
        """Attach to ``transport`` and call ``doStart``.

        Twisted: twisted.internet.protocol.AbstractDatagramProtocol.makeConnection.

        Raises:
            AssertionError: the protocol already has a transport (as Twisted).
        """
        assert self.transport is None
        self.transport = transport
        self.doStart()

    def datagramReceived(self, datagram: bytes, addr: Any) -> None:
        """One datagram arrived from ``addr``; override it.

        Twisted: twisted.internet.protocol.AbstractDatagramProtocol.datagramReceived.
        """


@implementer(ILoggingContext)
class DatagramProtocol(AbstractDatagramProtocol):
    """The base class for UDP protocols: override ``datagramReceived``.

    Twisted: twisted.internet.protocol.DatagramProtocol.
    """

    def logPrefix(self) -> str:
        """Return the class name, to tag log messages about this protocol.

        Twisted: twisted.internet.protocol.DatagramProtocol.logPrefix.
        """
        return self.__class__.__name__

    def connectionRefused(self) -> None:
        """A datagram sent on a connected port was refused (an ICMP error); override it.

        The refusal reports a *previous* write: the kernel learns of it asynchronously.

        Twisted: twisted.internet.protocol.DatagramProtocol.connectionRefused.
        """


class ConnectedDatagramProtocol(DatagramProtocol):
    """A datagram protocol for connected transports (no address with each datagram).

    Twisted: twisted.internet.protocol.ConnectedDatagramProtocol.
    """

    def datagramReceived(self, datagram: bytes) -> None:  # type: ignore[override]
        """One datagram arrived from the connected peer; override it.

        Twisted: twisted.internet.protocol.ConnectedDatagramProtocol.datagramReceived.
        """

    def connectionFailed(self, failure: Failure) -> None:
        """Connecting failed; override it.

        Twisted: twisted.internet.protocol.ConnectedDatagramProtocol.connectionFailed.
        """


@implementer(IProcessProtocol)
class ProcessProtocol(BaseProtocol):
    """The base class for child-process protocols; dispatches fds 0, 1 and 2 by name.

    Call order, per process::

        makeConnection -> connectionMade [-> childDataReceived(fd)*]
            [-> childConnectionLost(fd)* and processExited, in any order]
            -> processEnded

    ``processEnded`` comes last: after the process exited *and* every pipe to it closed.

    Twisted: twisted.internet.protocol.ProcessProtocol.
    """

    def childDataReceived(self, childFD: int, data: bytes) -> None:
        """The child wrote ``data`` on ``childFD``; fd 1 goes to ``outReceived``, 2 to
        ``errReceived``.

        Twisted: twisted.internet.protocol.ProcessProtocol.childDataReceived.
        """
        if childFD == 1:
            self.outReceived(data)
        elif childFD == 2:
            self.errReceived(data)

    def outReceived(self, data: bytes) -> None:
        """The child wrote ``data`` to its stdout; override it.

        Twisted: twisted.internet.protocol.ProcessProtocol.outReceived.
        """

    def errReceived(self, data: bytes) -> None:
        """The child wrote ``data`` to its stderr; override it.

        Twisted: twisted.internet.protocol.ProcessProtocol.errReceived.
        """

    def childConnectionLost(self, childFD: int) -> None:
        """The pipe of ``childFD`` closed; fds 0, 1, 2 go to the ``in/out/errConnectionLost``.

        Twisted: twisted.internet.protocol.ProcessProtocol.childConnectionLost.
        """
        if childFD == 0:
            self.inConnectionLost()
        elif childFD == 1:
            self.outConnectionLost()
        elif childFD == 2:
            self.errConnectionLost()

    def inConnectionLost(self) -> None:
        """The child's stdin closed; override it.

        Twisted: twisted.internet.protocol.ProcessProtocol.inConnectionLost.
        """

    def outConnectionLost(self) -> None:
        """The child's stdout closed; override it.

        Twisted: twisted.internet.protocol.ProcessProtocol.outConnectionLost.
        """

    def errConnectionLost(self) -> None:
        """The child's stderr closed; override it.

        Twisted: twisted.internet.protocol.ProcessProtocol.errConnectionLost.
        """

    def processExited(self, reason: Failure) -> None:
        """The child exited (ProcessDone or ProcessTerminated); pipes may still be open.

        Twisted: twisted.internet.protocol.ProcessProtocol.processExited.
        """

    def processEnded(self, reason: Failure) -> None:
        """The child exited and every pipe to it is closed; the last call.

        Twisted: twisted.internet.protocol.ProcessProtocol.processEnded.
        """


__all__ += [
    "AbstractDatagramProtocol",
    "ConnectedDatagramProtocol",
    "DatagramProtocol",
    "ProcessProtocol",
]

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

import logging
from collections.abc import Callable
from typing import Any, Generic

from typing_extensions import TypeVar
from zope.interface import (  # type: ignore[import-untyped, unused-ignore]
    implementer,
    providedBy,
)
from zope.interface.adapter import AdapterRegistry  # type: ignore[import-untyped, unused-ignore]
from zope.interface.interface import adapter_hooks  # type: ignore[import-untyped, unused-ignore]

from twistlike import error
from twistlike.failure import Failure
from twistlike.interfaces import (
    IConsumer,
    ILoggingContext,
    IProtocol,
    IProtocolFactory,
)

__all__ = [
    "BaseProtocol",
    "ClientFactory",
    "ConsumerToProtocolAdapter",
    "Factory",
    "Protocol",
    "ProtocolToConsumerAdapter",
    "ServerFactory",
    "connectionDone",
]

_log = logging.getLogger("twistlike.protocol")


class BaseProtocol:
    """The base of every protocol: remembers its transport and announces the connection.

    Attributes:
        connected: 0 until ``makeConnection`` is called, then 1.
        transport: The transport given to ``makeConnection``, or None before that.

    Twisted: twisted.internet.protocol.BaseProtocol.
    """

    connected = 0
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
connectionDone = Failure(error.ConnectionDone())
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
    numPorts = 0
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
                _log.info("Starting factory %r", self)
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
                _log.info("Stopping factory %r", self)
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

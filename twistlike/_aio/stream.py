"""Twisted-style connections over asyncio's own stream transports.

ARCHITECTURE.md decision 5. twistlike never reads or writes sockets: asyncio (or uvloop's C
code) does the I/O. For each connection one :class:`Connection` object is both

* the ``asyncio.Protocol`` the loop calls (``connection_made``, ``data_received``,
  ``eof_received``, ``pause_writing``/``resume_writing``, ``connection_lost``), and
* the Twisted transport the user's protocol holds (``write``, ``loseConnection``,
  ``abortConnection``, ``getPeer`` ... , ``registerProducer``),

and it is the one place with Twisted's policy: the reasons given to ``connectionLost``,
flush-before-close, RST on abort, half-close, push and pull producers. Call order, as for
Twisted's TCP:

    makeConnection -> connectionMade [-> dataReceived*] [-> readConnectionLost]
        [-> writeConnectionLost] -> connectionLost

Listening ports and connectors (client connection attempts) are here too.
"""

from __future__ import annotations

import asyncio
import os
import socket
import struct
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from zope.interface import implementer

from twistlike import error
from twistlike._core import logcontext
from twistlike._core.log import log_failure
from twistlike.address import IPv4Address, IPv6Address, UNIXAddress
from twistlike.defer import Deferred, succeed
from twistlike.failure import Failure
from twistlike.interfaces import (
    IConnector,
    IHalfCloseableProtocol,
    IListeningPort,
    IPushProducer,
    ITCPTransport,
    ITLSTransport,
    IUNIXTransport,
)

if TYPE_CHECKING:
    from twistlike._aio.loopstate import LoopState

__all__ = ["Connection", "Connector", "Port"]

_log_ns = "twistlike.transport"


def _done() -> Failure:
    return Failure(error.ConnectionDone())


def _lost(exc: BaseException | None = None) -> Failure:
    # As Twisted, the reason's text does not name the OS error (str() is exactly Twisted's);
    # the OSError asyncio reported stays reachable as the exception's __cause__.
    lost = error.ConnectionLost()
    lost.__cause__ = exc
    return Failure(lost)


#: The log context of a client connection until it is connected, as Twisted's.
_UNINITIALIZED = logcontext.system_context("Uninitialized")


def _log_msg(text: str) -> None:
    """Log one classic event (``log.msg``) on the stdlib logger ``twistlike.transport``."""
    from twistlike.log import msg

    msg(text, log_namespace=_log_ns)


def _logPrefixOf(obj: Any) -> str:
    """Twisted's _getLogPrefix: ``obj.logPrefix()`` if it has one, else its class name."""
    logPrefix = getattr(obj, "logPrefix", None)
    if logPrefix is not None:
        try:
            return str(logPrefix())
        except Exception:
            return "(buggy logPrefix method)"
    return type(obj).__name__


def _qual(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def address_of(sockaddr: Any, family: int | None) -> Any:
    """Twisted's address object for a socket address from asyncio's get_extra_info."""
    if family == socket.AF_INET6:
        host, port, flowinfo, scopeid = sockaddr
        return IPv6Address("TCP", host, port, flowinfo, scopeid)
    if family == socket.AF_INET:
        host, port = sockaddr[:2]
        return IPv4Address("TCP", host, port)
    return UNIXAddress(sockaddr or None)


@implementer(ITCPTransport, ITLSTransport, IUNIXTransport, IPushProducer)
class Connection(asyncio.Protocol):
    """One stream connection: asyncio protocol below, Twisted transport above.

    Twisted: twisted.internet.tcp.Connection (the transport) and its reactor bookkeeping.
    asyncio: an ``asyncio.Protocol`` over ``loop.create_server``/``create_connection``
    transports.
    """

    __slots__ = (
        "_closeWhenProducerGone",
        "_connector",
        "_ended",
        "_family",
        "_logContext",
        "_logSystem",
        "_lostCallback",
        "_reason",
        "_sessionno",
        "_state",
        "_tls",
        "_transport",
        "_writeEOFPending",
        "connected",
        "disconnecting",
        "factory",
        "producer",
        "producerPaused",
        "protocol",
        "streamingProducer",
    )

    def __init__(
        self,
        factory: Any,
        state: LoopState,
        lostCallback: Callable[[Connection, Failure], None] | None = None,
        protocol: Any = None,
        connector: Connector | None = None,
        family: int | None = None,
    ) -> None:
        self._connector = connector
        self.factory: Any = factory
        self._state = state
        self._lostCallback = lostCallback
        # A client connection knows its protocol before the connection exists (the
        # connector builds it in connection_made); a server connection builds it there too.
        self.protocol: Any = protocol
        self._transport: asyncio.Transport | None = None
        # The port or connector knows the family; asking the transport for its socket costs
        # more than a microsecond per connection on the default loop.
        self._family = family
        self._reason: Failure | None = None
        self.connected: int = 0
        self.disconnecting: bool = False
        self.producer: Any = None
        self.streamingProducer: bool = False
        self.producerPaused: bool = False
        self._closeWhenProducerGone = False
        self._writeEOFPending = False
        self._ended = False
        # TLS state (twistlike._aio.tls): None for plain TCP; set by a TLS port or connector,
        # or by startTLS.
        self._tls: Any = None
        # The classic log context (its "system") set around every protocol callback, as
        # Twisted's reactor does: until connected, "Uninitialized" for a client (a server
        # connection gets its port's context from the port).
        self._logContext: Any = _UNINITIALIZED
        self._logSystem: Any = None  # the context of a connected connection, once built
        self._sessionno = 0  # a server connection's number on its port

    # ---- asyncio.Protocol ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        token = logcontext.variable.set(self._logContext)
        try:
            self._made(transport)
        finally:
            logcontext.variable.reset(token)

    def _made(self, transport: asyncio.BaseTransport) -> None:
        # (uvloop's transports are duck-typed, not asyncio.Transport subclasses.)
        self._transport = cast(asyncio.Transport, transport)
        if self._family is None:
            sock = transport.get_extra_info("socket")
            self._family = sock.family if sock is not None else socket.AF_INET
        protocol = self.protocol
        if protocol is None:
            try:
                protocol = self.factory.buildProtocol(self.getPeer())
            except BaseException:
                log_failure(Failure(), "Unhandled error in buildProtocol", namespace=_log_ns)
                protocol = None
            if protocol is None:
                if self._connector is not None:
                    # As Twisted's connectTCP: the connection is closed and the factory
                    # hears clientConnectionLost(ConnectionDone).
                    self._reason = _done()
                    self._transport.close()
                    return
                # Twisted: a server factory that returns None refuses the connection.
                self._reason = Failure(error.NoProtocol())
                self._transport.abort()
                return
            self.protocol = protocol
        self.connected = 1
        self._state.connections.add(self)
        connector = self._connector
        if connector is not None:
            # As Twisted: the connector is connected before the protocol hears of it.
            connector._connected(self)
        # Twisted's log prefix from now on: "Proto,<session>,<peer host>" for a server
        # connection, "Proto,client" for a client (connectionMade itself runs in the
        # port's context, or "Uninitialized", as in Twisted).
        self._logContext = self  # (a ContextProvider: see _twistlike_log_context)
        try:
            protocol.makeConnection(self)
        except BaseException:
            token = logcontext.variable.set(self._logContext)
            try:
                self._failed(Failure(), "Unhandled error in connectionMade")
            finally:
                logcontext.variable.reset(token)

    def _twistlike_log_context(self) -> Any:
        """This connection's log context, built when first needed (most never log)."""
        context = self._logSystem
        if context is None:
            prefix = _logPrefixOf(self.protocol)
            if self._connector is not None:
                system = f"{prefix},client"
            else:
                peer = self.getPeer()
                where = peer.host if hasattr(peer, "host") else self.getHost().name
                system = f"{prefix},{self._sessionno},{os.fsdecode(where or '')}"
            context = self._logSystem = logcontext.system_context(system)
        return context

    def data_received(self, data: bytes) -> None:
        token = logcontext.variable.set(self._logContext)
        try:
            self.protocol.dataReceived(data)
        except BaseException:
            self._failed(Failure(), "Unhandled error in dataReceived")
        finally:
            logcontext.variable.reset(token)

    def eof_received(self) -> bool:
        protocol = self.protocol
        if IHalfCloseableProtocol.providedBy(protocol):
            # Keep the write side open; the protocol decides when to close it.
            token = logcontext.variable.set(self._logContext)
            try:
                protocol.readConnectionLost()
            except BaseException:
                self._failed(Failure(), "Unhandled error in readConnectionLost")
            finally:
                logcontext.variable.reset(token)
            return True
        return False  # asyncio closes the transport: connectionLost(ConnectionDone)

    def pause_writing(self) -> None:
        producer = self.producer
        if producer is not None and self.streamingProducer and not self.producerPaused:
            self.producerPaused = True
            producer.pauseProducing()

    def resume_writing(self) -> None:
        producer = self.producer
        if producer is not None:
            if self.streamingProducer:
                if self.producerPaused:
                    self.producerPaused = False
                    producer.resumeProducing()
            else:
                self._pullSoon()
        if self._writeEOFPending and self._transport is not None:
            if not self._transport.get_write_buffer_size():
                self._writeSideClosed()

    def connection_lost(self, exc: Exception | None) -> None:
        reason = self._reason
        if reason is None:
            reason = _done() if exc is None else _lost(exc)
        self._connectionLost(reason)

    # ---- the end of a connection -----------------------------------------------------------

    def _failed(self, failure: Failure, why: str) -> None:
        """A protocol method raised: log it and drop this connection with that failure."""
        log_failure(failure, why, namespace=_log_ns)
        if self._reason is None:
            self._reason = failure
        transport = self._transport
        if transport is not None and not transport.is_closing():
            transport.abort()
        elif transport is not None:
            # Already closing (e.g. after loseConnection): make sure the reason wins.
            pass

    def _connectionLost(self, reason: Failure) -> None:
        token = logcontext.variable.set(self._logContext)
        try:
            self._lostNow(reason)
        finally:
            logcontext.variable.reset(token)

    def _lostNow(self, reason: Failure) -> None:
        if self._ended:
            return
        self._ended = True
        wasConnected = self.connected
        self.connected = 0
        self.disconnecting = True
        self._state.connections.discard(self)
        producer = self.producer
        if producer is not None:
            self.producer = None
            try:
                producer.stopProducing()
            except BaseException:
                log_failure(Failure(), "Unhandled error in stopProducing", namespace=_log_ns)
        protocol = self.protocol
        if wasConnected and protocol is not None:
            try:
                protocol.connectionLost(reason)
            except BaseException:
                log_failure(Failure(), "Unhandled error in connectionLost", namespace=_log_ns)
        lost = self._lostCallback
        if lost is not None:
            self._lostCallback = None
            lost(self, reason)

    def _shutdown(self) -> None:
        """The reactor is shutting down: the connection ends now, as in Twisted."""
        self.connectionLost(_lost())

    def connectionLost(self, reason: Failure) -> None:
        """End the connection now with ``reason``: the reactor is shutting down.

        Twisted: twisted.internet.tcp.Connection.connectionLost (what the reactor's
        ``disconnectAll`` calls). The protocol hears ``connectionLost(reason)`` at once.
        """
        if not self.connected:
            return
        self._reason = reason
        transport = self._transport
        self._connectionLost(reason)
        if transport is not None:
            transport.abort()

    # ---- ITransport ------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Send ``data`` (buffered, never blocks).

        Twisted: ITransport.write.
        asyncio: ``transport.write``.

        Raises:
            TypeError: ``data`` is a str (Twisted's rule).
        """
        if isinstance(data, str):
            raise TypeError(f"Data must be bytes, not str: {data[:40]!r}")
        if self.connected and not self._writeEOFPending:
            transport = self._transport
            if transport is not None and not transport.is_closing():
                transport.write(data)

    def writeSequence(self, iovec: Any) -> None:
        """Send each bytes object of ``iovec`` in order.

        Twisted: ITransport.writeSequence.
        """
        data = list(iovec)
        for item in data:
            if isinstance(item, str):
                raise TypeError(f"Data must be bytes, not str: {item[:40]!r}")
        if self.connected and not self._writeEOFPending:
            transport = self._transport
            if transport is not None and not transport.is_closing():
                transport.writelines(data)

    def loseConnection(self) -> None:
        """Close after everything written has been sent (and a producer has unregistered).

        Twisted: ITransport.loseConnection.
        asyncio: ``transport.close()``, which flushes first.

        Reading stops at once; ``disconnecting`` is true at once; the protocol's
        ``connectionLost`` gets ConnectionDone.
        """
        if not self.connected or self.disconnecting:
            return
        self.disconnecting = True
        transport = self._transport
        if transport is None:
            return
        try:
            transport.pause_reading()
        except RuntimeError:
            pass
        if self.producer is not None:
            self._closeWhenProducerGone = True
            return
        # As Twisted, writes made after loseConnection() (in this callback) still go out:
        # close on the next turn of the connection's own loop.
        self._loop().call_soon(self._closeIfOpen, transport)

    def _loop(self) -> asyncio.AbstractEventLoop:
        """The loop this connection lives on (not whichever loop runs the caller)."""
        loop = self._state.loop
        if loop is None:  # pragma: no cover - a connection exists only on a live loop
            raise RuntimeError("the connection's event loop is gone")
        return loop

    def _closeIfOpen(self, transport: asyncio.Transport) -> None:
        if not transport.is_closing():
            transport.close()

    def abortConnection(self) -> None:
        """Close now, dropping unsent data; the peer sees a reset.

        Twisted: ITCPTransport.abortConnection.
        asyncio: ``transport.abort()`` with SO_LINGER 0.

        The protocol's ``connectionLost`` gets ConnectionAborted on a later loop turn.
        """
        if not self.connected:
            return
        transport = self._transport
        if transport is None:
            return
        if self._reason is None:
            self._reason = Failure(error.ConnectionAborted())
        self.disconnecting = True
        sock = transport.get_extra_info("socket")
        if sock is not None and self._family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
        transport.abort()

    def loseWriteConnection(self) -> None:
        """Half-close: send EOF after the buffered data; reading goes on.

        Twisted: ITCPTransport.loseWriteConnection.
        asyncio: ``transport.write_eof()``.

        An ``IHalfCloseableProtocol`` gets ``writeConnectionLost`` once the EOF is sent.
        """
        transport = self._transport
        if not self.connected or transport is None or self._writeEOFPending:
            return
        self._writeEOFPending = True
        transport.write_eof()
        if transport.get_write_buffer_size():
            # Be told when the buffer is empty: with a high-water mark of 0 the transport
            # pauses us now and resumes us once everything was sent.
            transport.set_write_buffer_limits(high=0, low=0)
        else:
            self._loop().call_soon(self._writeSideClosed)

    def _writeSideClosed(self) -> None:
        protocol = self.protocol
        if self.connected and IHalfCloseableProtocol.providedBy(protocol):
            try:
                protocol.writeConnectionLost()
            except BaseException:
                self._failed(Failure(), "Unhandled error in writeConnectionLost")

    def startTLS(self, contextFactory: Any, normal: bool = True) -> None:
        """Upgrade this connection to TLS now (STARTTLS).

        Twisted: ITLSTransport.startTLS.
        asyncio: ``loop.start_tls`` (see twistlike._aio.tls).
        """
        from twistlike._aio.tls import startTLS

        startTLS(self, contextFactory, normal)

    def getPeer(self) -> Any:
        """The address of the other end.

        Twisted: ITransport.getPeer.
        """
        transport = self._transport
        assert transport is not None
        return address_of(transport.get_extra_info("peername"), self._family)

    def getHost(self) -> Any:
        """The address of this end.

        Twisted: ITransport.getHost.
        """
        transport = self._transport
        assert transport is not None
        return address_of(transport.get_extra_info("sockname"), self._family)

    def logPrefix(self) -> str:
        """The system shown on log lines of this connection (``"Echo,0,127.0.0.1"``).

        Twisted: twisted.internet.tcp.Connection.logPrefix.
        """
        context = self._logContext
        if context is self:
            context = self._twistlike_log_context()
        return str(context["system"])

    # ---- TCP options -----------------------------------------------------------------------

    def _socket(self) -> Any:
        transport = self._transport
        sock = transport.get_extra_info("socket") if transport is not None else None
        if sock is None:
            raise RuntimeError("the connection has no socket (closed?)")
        return sock

    def getHandle(self) -> Any:
        """The connection's socket (asyncio's socket-like wrapper: options, no I/O).

        Twisted: twisted.internet.tcp.Connection.getHandle.
        """
        return self._socket()

    def getTcpNoDelay(self) -> bool:
        """Whether Nagle's algorithm is off. asyncio turns it off on every TCP connection.

        Twisted: ITCPTransport.getTcpNoDelay.
        """
        return bool(self._socket().getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    def setTcpNoDelay(self, enabled: bool) -> None:
        """Twisted: ITCPTransport.setTcpNoDelay."""
        self._socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, int(enabled))

    def getTcpKeepAlive(self) -> bool:
        """Twisted: ITCPTransport.getTcpKeepAlive."""
        return bool(self._socket().getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE))

    def setTcpKeepAlive(self, enabled: bool) -> None:
        """Twisted: ITCPTransport.setTcpKeepAlive."""
        self._socket().setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, int(enabled))

    # ---- IConsumer: producers writing to us ------------------------------------------------

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        """Let ``producer`` write to this connection with flow control.

        Twisted: IConsumer.registerProducer.
        asyncio: push producers follow ``pause_writing``/``resume_writing``; pull producers
        get ``resumeProducing`` whenever the write buffer has drained.

        Raises:
            RuntimeError: another producer is registered.
        """
        if self.producer is not None:
            raise RuntimeError(
                f"Cannot register producer {producer!r}, because producer {self.producer!r} "
                "was never unregistered."
            )
        if not self.connected:
            producer.stopProducing()
            return
        self.producer = producer
        self.streamingProducer = bool(streaming)
        self.producerPaused = False
        transport = self._transport
        assert transport is not None
        if not streaming:
            # Told whenever anything is buffered, and again when it has all been sent.
            transport.set_write_buffer_limits(high=0, low=0)
            # As Twisted: a pull producer is asked for data before registerProducer returns.
            producer.resumeProducing()
            if self.producer is producer and not transport.get_write_buffer_size():
                self._pullSoon()
        elif transport.get_write_buffer_size() > transport.get_write_buffer_limits()[1]:
            self.producerPaused = True
            producer.pauseProducing()

    def unregisterProducer(self) -> None:
        """Stop using the registered producer (a pending ``loseConnection`` then closes).

        Twisted: IConsumer.unregisterProducer.
        """
        if self.producer is None:
            return
        streaming = self.streamingProducer
        self.producer = None
        self.producerPaused = False
        transport = self._transport
        if transport is not None and not streaming and not self._writeEOFPending:
            transport.set_write_buffer_limits()  # back to asyncio's defaults
        if self._closeWhenProducerGone and transport is not None:
            self._closeWhenProducerGone = False
            transport.close()

    def _pullSoon(self) -> None:
        self._loop().call_soon(self._pull)

    def _pull(self) -> None:
        producer = self.producer
        transport = self._transport
        if producer is None or self.streamingProducer or transport is None or not self.connected:
            return
        if transport.get_write_buffer_size():
            return  # resume_writing will call us again once it drained
        try:
            producer.resumeProducing()
        except BaseException:
            self._failed(Failure(), "Unhandled error in resumeProducing")
            return
        if self.producer is producer and not transport.get_write_buffer_size():
            self._pullSoon()

    # ---- IPushProducer: the connection as a producer of received data ---------------------

    def pauseProducing(self) -> None:
        """Stop reading (the peer is slowed by TCP flow control).

        Twisted: IPushProducer.pauseProducing. asyncio: ``transport.pause_reading()``.
        """
        transport = self._transport
        if transport is not None and self.connected:
            try:
                transport.pause_reading()
            except RuntimeError:
                pass

    def resumeProducing(self) -> None:
        """Read again. Twisted: IPushProducer.resumeProducing.

        asyncio: ``transport.resume_reading()``.
        """
        transport = self._transport
        if transport is not None and self.connected and not self.disconnecting:
            try:
                transport.resume_reading()
            except RuntimeError:
                pass

    def stopProducing(self) -> None:
        """Twisted: IPushProducer.stopProducing — closes the connection."""
        self.loseConnection()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.logPrefix()} connected={self.connected}>"


# ------------------------------------------------------------------------------------------
# Listening


@implementer(IListeningPort)
class Port:
    """A listening TCP or UNIX port, bound synchronously, served by ``loop.create_server``.

    Twisted: twisted.internet.tcp.Port / twisted.internet.unix.Port.
    """

    def __init__(
        self, sock: socket.socket, factory: Any, state: LoopState, address: Any, backlog: int = 50
    ) -> None:
        self.socket: socket.socket | None = sock
        # asyncio's create_server listen()s again on the socket it is given (default queue
        # 100): passing the backlog keeps the listen queue the caller asked for.
        self._backlog = backlog
        self.factory = factory
        self._state = state
        self._address = address
        self._server: asyncio.AbstractServer | None = None
        self._starting: asyncio.Task[Any] | None = None
        self.connected: bool = False
        self.disconnected: bool = False

    def startListening(self) -> None:
        """Start the factory and serve connections on the loop (now, or when it runs)."""
        # As Twisted's ports: "EchoFactory starting on 8000" (a UNIX path is repr'd).
        if isinstance(self._address, UNIXAddress):
            where = repr(os.fsdecode(self._address.name or ""))
        else:
            where = str(self._address.port)
        _log_msg(f"{_logPrefixOf(self.factory)} starting on {where}")
        self.factory.doStart()
        self.connected = True
        self._state.ports.add(self)
        self._state.on_loop(self._serve)

    def _serve(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.disconnected or self.socket is None:
            return
        state = self._state
        factory = self.factory
        family = self.socket.family

        newConnection = self._newConnection
        # As Twisted: buildProtocol and connectionMade run in the port's log context.
        portContext = logcontext.system_context(self.logPrefix())
        sessions = iter(range(1 << 62))

        def protocolFactory() -> Connection:
            conn = newConnection(factory, state, family)
            conn._logContext = portContext
            conn._sessionno = next(sessions)
            return conn

        if self.socket.family == socket.AF_UNIX:
            coro = loop.create_unix_server(protocolFactory, sock=self.socket, backlog=self._backlog)
        else:
            coro = loop.create_server(protocolFactory, sock=self.socket, backlog=self._backlog)
        task = loop.create_task(coro)
        self._starting = task

        def started(t: asyncio.Task[Any]) -> None:
            self._starting = None
            if t.cancelled():
                # Cancelled before it served (its loop ended first): nothing else will close
                # the bound socket, and the port is not listening.
                self._not_serving()
                return
            exc = t.exception()
            if exc is not None:
                log_failure(Failure(exc), "Could not serve the listening port", namespace=_log_ns)
                self._not_serving()
                return
            self._server = t.result()
            if self.disconnected:
                self._server.close()

        task.add_done_callback(started)

    def _not_serving(self) -> None:
        """Serving never started: the port stops listening (its factory stops) at once."""
        if self.disconnected:
            return
        self._stop(now=True)

    def _newConnection(self, factory: Any, state: Any, family: int) -> Connection:
        """The transport of one accepted connection (a TLS port makes TLS ones)."""
        return Connection(factory, state, family=family)

    def stopListening(self) -> Deferred[None]:
        """Close the listening socket; the Deferred fires once it is closed.

        Twisted: IListeningPort.stopListening. Established connections stay open.
        """
        return self._stop(now=False)

    def _stop(self, now: bool) -> Deferred[None]:
        """Close; stop the factory now (reactor shutdown) or on a later loop turn."""
        if self.disconnected:
            return succeed(None)
        self.disconnected = True
        self.connected = False
        self._state.ports.discard(self)
        server = self._server
        if server is not None:
            server.close()
        elif self._starting is None and self.socket is not None:
            self.socket.close()
        elif self._starting is not None and self.socket is not None:
            # create_server has not taken the socket yet: if it never does (its task is
            # cancelled), the socket is closed here; if it does, `started` closes the server.
            starting, sock = self._starting, self.socket

            def close_if_never_served(t: asyncio.Task[Any]) -> None:
                if t.cancelled() or t.exception() is not None:
                    sock.close()

            starting.add_done_callback(close_if_never_served)
        self.socket = None
        d: Deferred[None] = Deferred()
        loop = self._state.loop
        if now:
            self._stopped(d)
        elif loop is not None:
            loop.call_soon(self._stopped, d)
        else:
            # Not running yet: as Twisted, the Deferred fires once the reactor runs.
            self._state.on_loop(lambda _loop: self._stopped(d))
        return d

    loseConnection = stopListening

    def connectionLost(self, reason: Failure) -> None:
        """Stop listening now and stop the factory: the reactor is shutting down.

        Twisted: twisted.internet.tcp.Port.connectionLost (what ``disconnectAll`` calls).
        """
        self._stop(now=True)

    def _stopped(self, d: Deferred[None]) -> None:
        token = logcontext.variable.set(logcontext.system_context(self.logPrefix()))
        try:
            if isinstance(self._address, UNIXAddress):
                _log_msg(f"(UNIX Port {os.fsdecode(self._address.name or '')} Closed)")
            else:
                _log_msg(f"(TCP Port {self._address.port} Closed)")
        finally:
            logcontext.variable.reset(token)
        if isinstance(self._address, UNIXAddress) and self._address.name:
            name = self._address.name
            try:
                os.unlink(name)
            except OSError:
                pass
        try:
            self.factory.doStop()
        finally:
            d.callback(None)

    def logPrefix(self) -> str:
        """The system of this port's log lines: the factory's dotted class name.

        Twisted: twisted.internet.tcp.Port.logPrefix.
        """
        return _qual(type(self.factory))

    def getHost(self) -> Any:
        """The bound address; for port 0 the real port, at once. Twisted: IListeningPort.getHost."""
        return self._address

    def __repr__(self) -> str:
        if isinstance(self._address, UNIXAddress):
            return f"<{type(self.factory).__name__} on {self._address.name!r}>"
        return f"<{type(self.factory).__name__} on {self._address.port}>"


def bindTCP(port: int, backlog: int, interface: str) -> tuple[socket.socket, Any]:
    """Bind and listen synchronously, as Twisted's listenTCP does.

    Raises:
        CannotListenError: the address is in use, not local, or otherwise unusable.
    """
    family = socket.AF_INET6 if ":" in interface else socket.AF_INET
    host = interface or ("::" if family == socket.AF_INET6 else "0.0.0.0")
    # IPPROTO_TCP (not 0): asyncio turns Nagle off only on sockets whose proto says TCP,
    # and accepted sockets inherit it; uvloop does so on every TCP socket.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        if os.name != "nt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            info = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)[0][4]
            sock.bind(info)
        else:
            sock.bind((host, port))
        sock.listen(backlog)
        sock.setblocking(False)
    except (OSError, OverflowError) as e:
        sock.close()
        raise error.CannotListenError(interface, port, e) from None
    return sock, address_of(sock.getsockname(), family)


def bindUNIX(address: str, backlog: int, mode: int) -> tuple[socket.socket, Any]:
    """Bind a UNIX socket synchronously.

    Raises:
        CannotListenError: the path is in use or unusable.
    """
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(address)
        os.chmod(address, mode)
        sock.listen(backlog)
        sock.setblocking(False)
    except OSError as e:
        sock.close()
        raise error.CannotListenError(None, address, e) from None
    return sock, UNIXAddress(address)


# ------------------------------------------------------------------------------------------
# Connecting


@implementer(IConnector)
class Connector:
    """A client connection attempt (and its connection), reusable for reconnecting.

    Twisted: twisted.internet.tcp.Connector / twisted.internet.base.BaseConnector.
    asyncio: ``loop.create_connection`` / ``create_unix_connection`` in a task, with the
    timeout a loop timer that cancels the task only while it is still connecting.
    """

    def __init__(
        self,
        state: LoopState,
        factory: Any,
        timeout: float,
        host: str | None = None,
        port: int = 0,
        bindAddress: tuple[str, int] | None = None,
        path: str | None = None,
    ) -> None:
        self._state = state
        self.factory = factory
        self.timeout = timeout
        self.host = host
        self.port = port
        self.bindAddress = bindAddress
        self.path = path
        self.state: str = "disconnected"
        self.transport: Connection | None = None
        self._attempt: asyncio.Task[Any] | None = None
        self._factoryStarted = False

    def connect(self) -> None:
        """Start connecting (again).

        Twisted: IConnector.connect.
        """
        if self.state != "disconnected":
            raise RuntimeError("can't connect in this state")
        self.state = "connecting"
        self._state.connectors.add(self)  # so that reactor shutdown stops it
        if not self._factoryStarted:
            self.factory.doStart()
            self._factoryStarted = True
        self.factory.startedConnecting(self)
        self._state.on_loop(self._start)

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.state != "connecting":
            return
        self._attempt = loop.create_task(self._run(loop))

    async def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.path is not None:
            family = socket.AF_UNIX
        else:
            family = socket.AF_INET6 if ":" in (self.host or "") else socket.AF_INET
        conn = self._newConnection(family)

        def protocolFactory() -> Connection:
            return conn

        task = asyncio.current_task()
        assert task is not None
        timed_out = False

        def on_timeout() -> None:
            # The timeout covers connecting only: once connection_made ran (`_connected`
            # cleared `_attempt`), the connection is the protocol's, and the factory hears
            # clientConnectionLost only (never clientConnectionFailed as well).
            nonlocal timed_out
            if self._attempt is task and self.state == "connecting":
                timed_out = True
                task.cancel()

        timer = loop.call_later(self.timeout, on_timeout)
        try:
            if self.path is not None:
                coro = loop.create_unix_connection(protocolFactory, self.path)
            else:
                assert self.host is not None
                # As Twisted's connectTCP: IPv4 (or IPv6 for an IPv6 literal), so a refused
                # name gives ConnectionRefusedError, not asyncio's multi-address error.
                family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
                coro = loop.create_connection(
                    protocolFactory,
                    self.host,
                    self.port,
                    local_addr=self.bindAddress,
                    family=family,
                )
            await coro
        except asyncio.CancelledError:
            if timed_out:
                # Our own timer cancelled the attempt: it failed with TimeoutError.
                task.uncancel()
                self._failed(Failure(error.TimeoutError()))  # (Twisted's text: no address)
                return
            # (stopConnecting already failed this attempt; an older task cancelled after a
            # reconnect must not fail the new one.)
            if self._attempt is task and self.state == "connecting":
                self._failed(Failure(error.UserError("connection attempt was cancelled")))
            raise
        except TimeoutError:
            self._failed(Failure(error.TimeoutError()))  # (Twisted's text: no address)
        except socket.gaierror as e:
            self._failed(Failure(error.DNSLookupError(f"{self.host!r}: {e}")))
        except OSError as e:
            if e.errno is None:
                # asyncio tried several addresses and lists every error in the message.
                self._failed(Failure(error.ConnectError(str(e))))
            else:
                # Twisted's mapping and message: "...: 111: Connection refused."
                self._failed(Failure(error.getConnectError((e.errno, os.strerror(e.errno)))))
        finally:
            timer.cancel()

    def _newConnection(self, family: int) -> Connection:
        """The transport of this attempt's connection (a TLS connector makes a TLS one)."""
        return Connection(self.factory, self._state, self._lost, connector=self, family=family)

    def _connected(self, conn: Connection) -> None:
        self._attempt = None  # the task only finishes create_connection from here on
        self.state = "connected"
        self.transport = conn

    def _failed(self, reason: Failure) -> None:
        self._attempt = None
        self.state = "disconnected"
        self.factory.clientConnectionFailed(self, reason)
        if self.state == "disconnected":
            self._stopFactory()

    def _lost(self, conn: Connection, reason: Failure) -> None:
        self.state = "disconnected"
        self.transport = None
        self.factory.clientConnectionLost(self, reason)
        if self.state == "disconnected":
            self._stopFactory()

    def _stopFactory(self) -> None:
        self._state.connectors.discard(self)
        if self._factoryStarted:
            self._factoryStarted = False
            self.factory.doStop()

    def stopConnecting(self) -> None:
        """Cancel a connection attempt in progress (fails it with UserError).

        Twisted: IConnector.stopConnecting.

        Raises:
            NotConnectingError: not connecting.
        """
        if self.state != "connecting":
            raise error.NotConnectingError("we're not trying to connect")
        attempt = self._attempt
        self._attempt = None
        if attempt is not None:
            attempt.cancel()
        # As Twisted: the attempt has failed when stopConnecting returns.
        self._failed(Failure(error.UserError("connection attempt was cancelled")))

    def disconnect(self) -> None:
        """Close the connection, or stop connecting.

        Twisted: IConnector.disconnect.
        """
        if self.state == "connecting":
            self.stopConnecting()
        elif self.state == "connected" and self.transport is not None:
            self.transport.loseConnection()

    def _destination(self) -> str:
        return self.path if self.path is not None else f"{self.host}:{self.port}"

    def getDestination(self) -> Any:
        """The address being connected to.

        Twisted: IConnector.getDestination.
        """
        if self.path is not None:
            return UNIXAddress(self.path)
        assert self.host is not None
        if ":" in self.host:
            return IPv6Address("TCP", self.host, self.port)
        return IPv4Address("TCP", self.host, self.port)

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} instance at 0x{id(self):x} {self.state} {self._destination()}>"
        )

"""TLS on asyncio's own TLS support (``ssl.SSLContext``, ``loop.start_tls``).

ARCHITECTURE.md decision 5: asyncio's ``sslproto`` (or uvloop's) runs the TLS state machine;
this module only turns Twisted's settings objects into an ``ssl.SSLContext``
(twistlike._core.tlsconfig) and keeps Twisted's semantics on top.

Every TLS connection, from ``listenSSL``, ``connectSSL`` or ``startTLS``, starts as a plain
TCP :class:`~twistlike._aio.stream.Connection` and is upgraded with ``loop.start_tls``. That
gives Twisted's order of events, where the protocol is connected before the handshake::

    makeConnection -> connectionMade [-> handshakeCompleted] [-> dataReceived*]
        -> connectionLost

Writes made before the handshake completes are kept and sent encrypted once it has; a
failed handshake (unknown CA, wrong host name, expired certificate ...) ends the connection
with ``connectionLost(Failure(ssl.SSLCertVerificationError(...)))``, whose message names the
reason.

Close semantics, as Twisted's TLS:

* ``loseConnection``: flush, send close_notify, wait for the peer's, close:
  ConnectionDone.
* the peer's close_notify: answer it and close: ConnectionDone.
* the peer drops TCP without close_notify: ConnectionLost (the data may be truncated).
* ``abortConnection``: reset now: ConnectionAborted.
* TLS has no half-close: ``loseWriteConnection`` raises, and ``readConnectionLost`` is never
  called (the peer's close_notify ends the connection).
"""

from __future__ import annotations

import asyncio
import ssl
from typing import TYPE_CHECKING, Any

from zope.interface import implementer

from twistlike import error
from twistlike._aio.stream import Connection, Connector, Port, bindTCP
from twistlike._core.tlscerts import Certificate
from twistlike._core.tlsconfig import contextFor
from twistlike.failure import Failure
from twistlike.interfaces import (
    IHandshakeListener,
    INegotiated,
    IReactorSSL,
    ISSLTransport,
)

__all__ = ["TLSConnection", "TLSConnector", "TLSPort", "TLSReactorMixin", "startTLS"]

# asyncio's default write-buffer limits (selector transports and sslproto alike).
_DEFAULT_LIMITS = (16 * 1024, 64 * 1024)


class _Settings:
    """What a TLS port or connector gives each connection: context, side, host name."""

    __slots__ = ("context", "hostname", "serverSide")

    def __init__(self, context: ssl.SSLContext, serverSide: bool, hostname: str | None) -> None:
        self.context = context
        self.serverSide: bool = serverSide
        self.hostname: str | None = hostname


class _Handshake:
    """The connection's transport while the handshake runs; later, its TLS state.

    During the handshake the protocol writes here: the data is kept and sent encrypted once
    the handshake has completed (Twisted buffers the same way). Everything else goes to the
    TCP transport. After the handshake, the connection writes to the TLS transport directly
    and this object only remembers how the TLS session ended.
    """

    __slots__ = (
        "_buffer",
        "_buffered",
        "_closeAfter",
        "_conn",
        "_early",
        "_earlyEOF",
        "_limits",
        "_raw",
        "_readingPaused",
        "_settings",
        "_task",
        "cleanEOF",
        "done",
        "sslTransport",
        "tcp",
    )

    def __init__(self, conn: TLSConnection, tcp: asyncio.Transport, settings: _Settings) -> None:
        self._conn = conn
        self.tcp = tcp
        self._settings = settings
        self._buffer: list[bytes] = []
        self._buffered = 0
        self._closeAfter = False
        self._readingPaused = False
        self._limits: tuple[int, int] | None = None
        self._task: asyncio.Task[None] | None = None
        self.done = False
        self.cleanEOF = False
        self.sslTransport: asyncio.Transport | None = None
        # What the TLS layer delivered between the handshake's end and start_tls returning
        # (it reads on at once; our task resumes a loop turn later).
        self._early: list[bytes] = []
        self._earlyEOF = False
        # TLS records that reached the connection before start_tls took the TCP transport
        # over (uvloop starts reading after connection_made even when it paused reading).
        self._raw: list[bytes] = []

    # -- the transport interface Connection uses, until the handshake is done --

    def write(self, data: bytes) -> None:
        self._buffer.append(data)
        self._buffered += len(data)

    def writelines(self, data: list[bytes]) -> None:
        for item in data:
            self.write(item)

    def is_closing(self) -> bool:
        return self._closeAfter or self.tcp.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.tcp.get_extra_info(name, default)

    def pause_reading(self) -> None:
        self._readingPaused = True

    def resume_reading(self) -> None:
        self._readingPaused = False

    def get_write_buffer_size(self) -> int:
        return self._buffered + self.tcp.get_write_buffer_size()

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._limits or _DEFAULT_LIMITS

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        if high is None and low is None:
            self._limits = None
        else:
            high = high if high is not None else (4 * low if low is not None else 64 * 1024)
            low = low if low is not None else high // 4
            self._limits = (low, high)

    def close(self) -> None:
        if self._task is None:
            self.tcp.close()
        else:
            # Divergence from Twisted: loseConnection before the handshake completes waits
            # for it, then sends the buffered data and close_notify (Twisted aborts the
            # connection when nothing is buffered).
            self._closeAfter = True

    def abort(self) -> None:
        task = self._task
        if task is not None and not task.done():
            task.cancel()
        self.tcp.abort()

    # -- running the handshake --

    def start(self) -> None:
        """Stop reading from TCP and start ``loop.start_tls`` in a task."""
        try:
            self.tcp.pause_reading()
        except RuntimeError:
            pass
        loop = asyncio.get_running_loop()
        self._task = loop.create_task(self._run(loop))
        # Runs after the task's first step, in which start_tls installs its TLS protocol on
        # the TCP transport and schedules that protocol's connection_made.
        loop.call_soon(loop.call_soon, self._passRawBytes)

    def _passRawBytes(self) -> None:
        """Give TLS records read before start_tls took over to its TLS protocol."""
        raw, self._raw = self._raw, []
        task = self._task
        if not raw or task is None or task.done() or self.tcp.is_closing():
            return
        protocol: Any = self.tcp.get_protocol()
        if protocol is self._conn:
            return
        for data in raw:
            if isinstance(protocol, asyncio.BufferedProtocol) or hasattr(protocol, "get_buffer"):
                # (asyncio's and uvloop's TLS protocols are buffered protocols.)
                view = memoryview(data)
                while view:
                    buf = protocol.get_buffer(len(view))
                    n = min(len(buf), len(view))
                    buf[:n] = view[:n]
                    protocol.buffer_updated(n)
                    view = view[n:]
            else:
                protocol.data_received(data)

    async def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        settings = self._settings
        conn = self._conn
        try:
            transport = await loop.start_tls(
                self.tcp,
                conn,
                settings.context,
                server_side=settings.serverSide,
                server_hostname=None if settings.serverSide else settings.hostname,
            )
        except asyncio.CancelledError:
            # abortConnection or reactor shutdown: the connection ends with its reason.
            conn._tlsEnded(None)
            return
        except BaseException as e:
            conn._tlsEnded(e)
            return
        if transport is None or conn._ended or transport.get_extra_info("ssl_object") is None:
            # The TCP connection went away while the handshake ran (asyncio then returns a
            # transport that never completed its handshake).
            if transport is not None:
                transport.close()
            conn._tlsEnded(None)
            return
        conn._tlsReady(transport)

    def _finish(self, transport: asyncio.Transport) -> None:
        """Hand the kept state to the TLS transport."""
        self.done = True
        if self._limits is not None:
            low, high = self._limits
            transport.set_write_buffer_limits(high=high, low=low)
        if self._readingPaused:
            transport.pause_reading()
        if self._buffer:
            buffered, self._buffer = self._buffer, []
            self._buffered = 0
            transport.writelines(buffered)


def _handshakeFailure(exc: BaseException | None) -> Failure:
    """The reason a connection whose handshake failed ends with."""
    if exc is None:
        return Failure(error.ConnectionLost("the connection closed during the TLS handshake"))
    if isinstance(exc, ssl.SSLError):
        # ssl.SSLCertVerificationError names the reason: "certificate verify failed:
        # Hostname mismatch, certificate is not valid for 'x'", "... certificate has
        # expired", "... unable to get local issuer certificate".
        return Failure(exc)
    if isinstance(exc, TimeoutError):
        return Failure(error.TimeoutError(f"TLS handshake timed out: {exc}"))
    return Failure(error.ConnectionLost(f"TLS handshake failed: {exc!r}"))


@implementer(ISSLTransport, INegotiated)
class TLSConnection(Connection):
    """A TCP connection secured with TLS (asyncio's TLS transport below).

    Twisted: twisted.protocols.tls.TLSMemoryBIOProtocol as the transport of a TLS
    connection (ISSLTransport, INegotiated).
    asyncio: ``loop.start_tls`` over the connection's TCP transport.
    """

    __slots__ = ()

    # ---- asyncio.Protocol -------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        settings = self._tls
        assert isinstance(settings, _Settings)
        handshake = _Handshake(self, transport, settings)  # type: ignore[arg-type]
        self._tls = handshake
        # The protocol is built and connected now (Twisted's order: before the handshake);
        # its writes wait in `handshake`.
        super().connection_made(handshake)  # type: ignore[arg-type]
        if self.connected and not self._ended and not handshake.tcp.is_closing():
            handshake.start()

    def data_received(self, data: bytes) -> None:
        tls = self._tls
        if tls.done:
            Connection.data_received(self, data)
        elif tls.tcp.get_protocol() is self:
            tls._raw.append(data)  # still TLS records: see _Handshake._passRawBytes
        else:
            tls._early.append(data)

    def eof_received(self) -> bool:
        tls = self._tls
        if not tls.done:
            tls._earlyEOF = True
            return False
        self._checkCloseNotify()
        # No half-close over TLS: asyncio answers the close_notify and closes.
        return False

    def _checkCloseNotify(self) -> None:
        # The TLS layer calls this for the peer's close_notify (and, on asyncio's default
        # loop, for a TCP EOF without one). OpenSSL tells them apart: after a close_notify a
        # read returns b"" or raises SSLZeroReturnError; after a bare TCP EOF it wants more
        # data (uvloop does not call eof_received for a bare TCP EOF at all).
        tls = self._tls
        transport = self._transport
        sslobj = transport.get_extra_info("ssl_object") if transport is not None else None
        if isinstance(tls, _Handshake) and sslobj is not None:
            try:
                tls.cleanEOF = sslobj.read(1) == b""
            except ssl.SSLZeroReturnError:
                # The same close_notify, once our answer to it was sent too.
                tls.cleanEOF = True
            except (ssl.SSLError, ValueError):
                tls.cleanEOF = False

    def connection_lost(self, exc: Exception | None) -> None:
        tls = self._tls
        if isinstance(tls, _Handshake) and not tls.done and tls._early:
            # Lost before start_tls returned: deliver what was received first.
            early, tls._early = tls._early, []
            for data in early:
                Connection.data_received(self, data)
        if self._reason is None:
            if exc is not None:
                self._reason = Failure(exc) if isinstance(exc, ssl.SSLError) else _lostFrom(exc)
            elif (
                isinstance(tls, _Handshake)
                and tls.done
                and not tls.cleanEOF
                and not self.disconnecting
            ):
                self._reason = Failure(
                    error.ConnectionLost("the peer closed TCP without a TLS close_notify")
                )
        super().connection_lost(exc)

    # ---- the handshake's end ----------------------------------------------------------------

    def _tlsReady(self, transport: asyncio.Transport) -> None:
        tls = self._tls
        assert isinstance(tls, _Handshake)
        tls.sslTransport = transport
        protocol = self.protocol
        if IHandshakeListener.providedBy(protocol):
            # As Twisted: before the writes made during the handshake are sent (writes made
            # here are queued after them; an abort here discards them all).
            try:
                protocol.handshakeCompleted()
            except BaseException:
                self._failed(Failure(), "Unhandled error in handshakeCompleted")
        self._transport = transport
        if tls.tcp.is_closing():
            tls._buffer = []  # aborted: nothing more goes out
        tls._finish(transport)
        early, tls._early = tls._early, []
        for data in early:
            if not self.connected:
                break
            Connection.data_received(self, data)
        if tls._earlyEOF:
            self._checkCloseNotify()
        if tls._closeAfter and self.producer is None and not transport.is_closing():
            transport.close()

    def _tlsEnded(self, exc: BaseException | None) -> None:
        tls = self._tls
        if isinstance(tls, _Handshake) and not tls.tcp.is_closing():
            tls.tcp.abort()
        reason = self._reason or _handshakeFailure(exc)
        self._connectionLost(reason)

    # ---- ISSLTransport / INegotiated ------------------------------------------------------

    def _sslObject(self) -> ssl.SSLObject | None:
        tls = self._tls
        if not isinstance(tls, _Handshake) or tls.sslTransport is None:
            return None
        sslobj: ssl.SSLObject | None = tls.sslTransport.get_extra_info("ssl_object")
        return sslobj

    def getPeerCertificate(self) -> Certificate | None:
        """The peer's certificate, or None (none sent, or the handshake is not done).

        Twisted: ISSLTransport.getPeerCertificate (an ``OpenSSL.crypto.X509`` there).
        Divergence from Twisted: a ``twistlike.ssl.Certificate``.
        """
        sslobj = self._sslObject()
        der = sslobj.getpeercert(binary_form=True) if sslobj is not None else None
        return Certificate(der) if der else None

    @property
    def negotiatedProtocol(self) -> bytes | None:
        """The ALPN protocol agreed on (bytes), or None. Twisted: INegotiated."""
        sslobj = self._sslObject()
        chosen = sslobj.selected_alpn_protocol() if sslobj is not None else None
        return chosen.encode("ascii") if chosen is not None else None

    def loseWriteConnection(self) -> None:
        """TLS has no half-close; this raises.

        Twisted: ITCPTransport.loseWriteConnection (over TLS, Twisted half-closes the TCP
        connection under the TLS session).

        Raises:
            NotImplementedError: always (use loseConnection, which sends close_notify).
        """
        # Divergence from Twisted: asyncio's TLS transports cannot half-close (write_eof
        # raises), and a TCP half-close under TLS reads as truncation to the peer.
        raise NotImplementedError(
            "TLS connections cannot half-close; loseConnection() sends close_notify and closes"
        )

    def startTLS(self, contextFactory: Any, normal: bool = True) -> None:
        """Twisted: ITLSTransport.startTLS.

        Raises:
            RuntimeError: TLS has already been started on this connection.
        """
        raise RuntimeError("TLS is already started on this connection")


def _lostFrom(exc: BaseException) -> Failure:
    return Failure(error.ConnectionLost(str(exc)))


def startTLS(conn: Connection, contextFactory: Any, normal: bool = True) -> None:
    """Upgrade a connected plain TCP connection to TLS (STARTTLS).

    Twisted: ITLSTransport.startTLS. Bytes written before this go out in clear, bytes
    written after it are encrypted (sent once the handshake completed); data received after
    the handshake goes to the same protocol. ``normal`` True makes the TLS role match the
    connection's (client for connectTCP, server for listenTCP); False swaps it.

    Raises:
        RuntimeError: the connection is not connected, or already uses TLS.
        TypeError: ``contextFactory`` is not usable (pyOpenSSL-based, ...).
    """
    if type(conn) is not Connection:
        raise RuntimeError(f"startTLS: {conn!r} already uses TLS or is not a TCP connection")
    tcp = conn._transport
    if not conn.connected or tcp is None or conn.disconnecting:
        raise RuntimeError("startTLS: the connection is not connected")
    isClient = conn._connector is not None
    serverSide = (not isClient) if normal else isClient
    context, hostname = contextFor(contextFactory, serverSide)
    if not serverSide and hostname is None and context.check_hostname:
        connector = conn._connector
        hostname = connector.host if connector is not None else None
    # A TLSConnection has the same slots as a Connection (it adds none), so the running
    # connection can become one in place: the protocol keeps its transport object.
    conn.__class__ = TLSConnection
    assert isinstance(conn, TLSConnection)
    handshake = _Handshake(conn, tcp, _Settings(context, serverSide, hostname))
    conn._tls = handshake
    conn._transport = handshake  # type: ignore[assignment]
    handshake.start()


# ------------------------------------------------------------------------------------------
# Ports and connectors


class TLSPort(Port):
    """A listening TCP port whose connections are secured with TLS.

    Twisted: twisted.internet.ssl.Port.
    """

    def __init__(
        self, sock: Any, factory: Any, state: Any, address: Any, context: ssl.SSLContext
    ) -> None:
        super().__init__(sock, factory, state, address)
        self._settings = _Settings(context, True, None)

    def _newConnection(self, factory: Any, state: Any, family: int) -> Connection:
        conn = TLSConnection(factory, state, family=family)
        conn._tls = self._settings
        return conn


class TLSConnector(Connector):
    """A TLS client connection attempt. Twisted: twisted.internet.ssl.Connector."""

    def __init__(self, *args: Any, settings: _Settings, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._settings = settings

    def _newConnection(self, family: int) -> Connection:
        conn = TLSConnection(self.factory, self._state, self._lost, connector=self, family=family)
        conn._tls = self._settings
        return conn


@implementer(IReactorSSL)
class TLSReactorMixin:
    """The reactor's TLS methods (IReactorSSL)."""

    if TYPE_CHECKING:

        def _state(self) -> Any: ...

    def listenSSL(
        self,
        port: int,
        factory: Any,
        contextFactory: Any,
        backlog: int = 50,
        interface: str = "",
    ) -> TLSPort:
        """Listen on a TCP port; every accepted connection is secured with TLS.

        Twisted: IReactorSSL.listenSSL.
        asyncio: ``loop.create_server(sock=...)`` and ``loop.start_tls(server_side=True)``
        for each connection.

        Raises:
            CannotListenError: the address cannot be bound.
            TypeError: ``contextFactory`` is not usable (pyOpenSSL-based, client-only ...).
        """
        context, _ = contextFor(contextFactory, True)
        sock, address = bindTCP(port, backlog, interface)
        p = TLSPort(sock, factory, self._state(), address, context)
        p.startListening()
        return p

    def connectSSL(
        self,
        host: str,
        port: int,
        factory: Any,
        contextFactory: Any,
        timeout: float = 30,
        bindAddress: tuple[str, int] | None = None,
    ) -> TLSConnector:
        """Connect to ``host:port`` and secure the connection with TLS.

        Twisted: IReactorSSL.connectSSL.
        asyncio: ``loop.create_connection`` then ``loop.start_tls`` with
        ``server_hostname`` (the options' host name, or ``host`` when the context checks
        host names).

        The protocol is connected when TCP is; a failed handshake ends it with
        ``connectionLost`` (and the factory's ``clientConnectionLost``), as in Twisted.
        """
        context, hostname = contextFor(contextFactory, False)
        if hostname is None and context.check_hostname:
            hostname = host
        connector = TLSConnector(
            self._state(),
            factory,
            timeout,
            host=host,
            port=port,
            bindAddress=bindAddress,
            settings=_Settings(context, False, hostname),
        )
        connector.connect()
        return connector

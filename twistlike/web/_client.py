"""The HTTP/1.1 client: Agent and friends over h11 (private home of twistlike.web.client).

h11 writes requests and parses responses; connections come from ``reactor.connectTCP``
(``reactor.connectSSL`` for https) and are kept in an
:class:`HTTPConnectionPool`. No asyncio here: a Deferred is awaitable in any asyncio task.

Response body call order for the protocol given to ``deliverBody``:
``makeConnection -> dataReceived* -> connectionLost(ResponseDone | PotentialDataLoss |
ResponseFailed)``.
"""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Callable, Iterator
from typing import IO, Any, cast
from urllib.parse import urljoin

import h11
from zope.interface import implementer  # type: ignore[import-untyped, unused-ignore]

from twistlike._core.log import log_failure
from twistlike.defer import CancelledError, Deferred, fail, succeed
from twistlike.error import ConnectionDone
from twistlike.failure import Failure
from twistlike.protocol import ClientFactory, Protocol
from twistlike.web import error
from twistlike.web._headers import Headers, encodeName
from twistlike.web._http import PotentialDataLoss
from twistlike.web.iweb import (
    UNKNOWN_LENGTH,
    IAgent,
    IBodyProducer,
    IClientRequest,
    IPolicyForHTTPS,
    IResponse,
)

_log_ns = "twistlike.web.client"

_NO_CONNECT_SSL = (
    "https:// needs a reactor that provides connectSSL (IReactorSSL); the reactor given to "
    "this Agent has none"
)


# ------------------------------------------------------------------------------------------
# Errors


class _WrapperException(Exception):
    def __init__(self, reasons: list[Failure]) -> None:
        Exception.__init__(self, reasons)
        self.reasons = reasons


class ResponseDone(Exception):
    """The response body was received completely (the reason given to ``connectionLost``).

    Twisted: twisted.web.client.ResponseDone.
    """


class ResponseFailed(_WrapperException):
    """The response could not be received completely.

    Twisted: twisted.web.client.ResponseFailed.

    Attributes:
        reasons: the Failures that caused it.
        response: the Response, when one had started.
    """

    def __init__(self, reasons: list[Failure], response: Any = None) -> None:
        _WrapperException.__init__(self, reasons)
        self.response = response


class ResponseNeverReceived(ResponseFailed):
    """The connection ended before any of the response arrived.

    Twisted: twisted.web.client.ResponseNeverReceived.
    """


class RequestGenerationFailed(_WrapperException):
    """The request could not be written (its body producer failed).

    Twisted: twisted.web.client.RequestGenerationFailed.
    """


class RequestTransmissionFailed(_WrapperException):
    """The connection failed while the request was being sent.

    Twisted: twisted.web.client.RequestTransmissionFailed.
    """


class RequestNotSent(Exception):
    """The request could not be sent on this connection (it was busy or closed).

    Twisted: twisted.web._newclient.RequestNotSent.
    """


class PartialDownloadError(error.Error):
    """The body ended without a way to know it was complete (close-delimited).

    Twisted: twisted.web.client.PartialDownloadError.

    Attributes:
        response: the body received.
    """


# ------------------------------------------------------------------------------------------
# URI


class URI:
    """A parsed http/https URI. Twisted: twisted.web.client.URI."""

    def __init__(
        self,
        scheme: bytes,
        netloc: bytes,
        host: bytes,
        port: int,
        path: bytes,
        params: bytes,
        query: bytes,
        fragment: bytes,
    ) -> None:
        self.scheme = scheme
        self.netloc = netloc
        self.host: bytes = host.strip(b"[]")
        self.port = port
        self.path = path
        self.params = params
        self.query = query
        self.fragment = fragment

    @classmethod
    def fromBytes(cls, uri: bytes, defaultPort: int | None = None) -> URI:
        """Parse ``uri``. Twisted: URI.fromBytes.

        Raises:
            ValueError: ``uri`` has no scheme or host.
        """
        from urllib.parse import urlparse

        parts = urlparse(uri.strip())
        scheme = parts.scheme
        netloc = parts.netloc
        if not scheme or not netloc:
            raise ValueError(f"not an absolute http URI: {uri!r}")
        if defaultPort is None:
            defaultPort = 443 if scheme == b"https" else 80
        host: bytes = netloc
        port = defaultPort
        if b"@" in host:
            host = host.rsplit(b"@", 1)[1]
        if host.startswith(b"["):
            end = host.find(b"]")
            rest = host[end + 1 :]
            hostPart = host[: end + 1]
            if rest.startswith(b":") and rest[1:].isdigit():
                port = int(rest[1:])
            host = hostPart
        elif b":" in host:
            name, _, portText = host.rpartition(b":")
            if portText.isdigit():
                host, port = name, int(portText)
        return cls(
            scheme,
            netloc,
            host,
            port,
            parts.path or b"/",
            parts.params,
            parts.query,
            parts.fragment,
        )

    def toBytes(self) -> bytes:
        """The whole URI. Twisted: URI.toBytes."""
        return (
            self.scheme + b"://" + self.netloc + self.originForm
            + (b"#" + self.fragment if self.fragment else b"")
        )  # fmt: skip

    @property
    def originForm(self) -> bytes:
        """Path, params and query: what goes on the request line. Twisted: URI.originForm."""
        path = self.path or b"/"
        if self.params:
            path += b";" + self.params
        if self.query:
            path += b"?" + self.query
        return path


def _hostHeader(uri: URI) -> bytes:
    default = 443 if uri.scheme == b"https" else 80
    host = b"[" + uri.host + b"]" if b":" in uri.host else uri.host
    return host if uri.port == default else host + b":%d" % (uri.port,)


# ------------------------------------------------------------------------------------------
# Response and body delivery


class _BodyTransport:
    """What a body protocol sees as its transport: flow control over the connection."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    def pauseProducing(self) -> None:
        if self._connection is not None:
            self._connection.transport.pauseProducing()

    def resumeProducing(self) -> None:
        if self._connection is not None:
            self._connection.transport.resumeProducing()

    def stopProducing(self) -> None:
        """Abandon the body: the connection is aborted (it cannot be reused)."""
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection._abandon()

    def loseConnection(self) -> None:
        self.stopProducing()

    def abortConnection(self) -> None:
        self.stopProducing()


@implementer(IResponse)
class Response:
    """A response received by the client; its body arrives through ``deliverBody``.

    Twisted: twisted.web.client.Response.

    Data that arrives before ``deliverBody`` is called is kept and delivered then.
    """

    def __init__(
        self,
        version: tuple[bytes, int, int],
        code: int,
        phrase: bytes,
        headers: Headers,
        _transport: Any,
        request: Any = None,
    ) -> None:
        self.version = version
        self.code = code
        self.phrase = phrase
        self.headers = headers
        self.request = request
        self.previousResponse: Response | None = None
        self._transport = _transport
        length = headers.getRawHeaders(b"content-length")
        self.length: int | str = UNKNOWN_LENGTH
        if length and not headers.hasHeader(b"transfer-encoding"):
            try:
                self.length = int(length[-1])
            except ValueError:
                pass
        if code in (204, 304) or (request is not None and request.method == b"HEAD"):
            self.length = 0
        self._buffer: list[bytes] = []
        self._end: Failure | None = None
        self._protocol: Any = None

    def __repr__(self) -> str:
        return f"<Response {self.code} {self.phrase!r} length={self.length!r}>"

    def setPreviousResponse(self, response: Response) -> None:
        """Twisted: Response.setPreviousResponse."""
        self.previousResponse = response

    def deliverBody(self, protocol: Any) -> None:
        """Send the body to ``protocol``: ``makeConnection``, ``dataReceived*``, then
        ``connectionLost`` with ResponseDone, PotentialDataLoss or ResponseFailed.

        Twisted: Response.deliverBody.

        Raises:
            RuntimeError: the body was delivered already.
        """
        if self._protocol is not None:
            raise RuntimeError(
                f"Response already has protocol {self._protocol!r}, cannot deliverBody again"
            )
        self._protocol = protocol
        protocol.makeConnection(_BodyTransport(self._transport) if self._end is None else None)
        buffered, self._buffer = self._buffer, []
        for data in buffered:
            protocol.dataReceived(data)
        if self._end is not None:
            self._finish()

    def _bodyDataReceived(self, data: bytes) -> None:
        protocol = self._protocol
        if protocol is None:
            self._buffer.append(data)
        else:
            protocol.dataReceived(data)

    def _bodyDataFinished(self, reason: Failure) -> None:
        if self._end is not None:
            return
        self._end = reason
        self._transport = None
        if self._protocol is not None:
            self._finish()

    def _finish(self) -> None:
        reason = self._end
        assert reason is not None
        try:
            self._protocol.connectionLost(reason)
        except BaseException:
            log_failure(Failure(), "Unhandled error in a body protocol", namespace=_log_ns)


class _ReadBodyProtocol(Protocol):
    def __init__(self, status: int, message: bytes, deferred: Deferred[bytes]) -> None:
        self.deferred = deferred
        self.status = status
        self.message = message
        self.dataBuffer: list[bytes] = []

    def dataReceived(self, data: bytes) -> None:
        self.dataBuffer.append(data)

    def connectionLost(self, reason: Failure = Failure(ConnectionDone())) -> None:  # noqa: B008
        if self.deferred.called:
            return
        if reason.check(ResponseDone):
            self.deferred.callback(b"".join(self.dataBuffer))
        elif reason.check(PotentialDataLoss):
            self.deferred.errback(
                PartialDownloadError(self.status, self.message, b"".join(self.dataBuffer))
            )
        else:
            self.deferred.errback(reason)


def readBody(response: Any) -> Deferred[bytes]:
    """A Deferred firing with the whole body of ``response``.

    Twisted: twisted.web.client.readBody.

    Fails with PartialDownloadError when the body's end could not be verified (its
    ``response`` attribute holds what arrived), or with ResponseFailed. Cancelling it
    aborts the connection.
    """

    def cancel(d: Deferred[bytes]) -> None:
        transport = getattr(protocol, "transport", None)
        if transport is not None:
            transport.stopProducing()

    d: Deferred[bytes] = Deferred(cancel)
    protocol = _ReadBodyProtocol(response.code, response.phrase, d)
    response.deliverBody(protocol)
    return d


# ------------------------------------------------------------------------------------------
# Body producers


@implementer(IBodyProducer)
class FileBodyProducer:
    """Produces a request body from a file, in ``readSize`` pieces, cooperatively.

    Twisted: twisted.web.client.FileBodyProducer.

    ``length`` is found by seeking when the file allows it, else UNKNOWN_LENGTH (the body
    is then sent chunked).
    """

    def __init__(self, inputFile: IO[bytes], cooperator: Any = None, readSize: int = 2**16) -> None:
        if cooperator is None:
            from twistlike import task

            cooperator = task
        self._inputFile = inputFile
        self._cooperate = cooperator.cooperate
        self._readSize = readSize
        self.length: int | str = self._determineLength(inputFile)
        self._task: Any = None

    def _determineLength(self, fObj: IO[bytes]) -> int | str:
        try:
            seek, tell = fObj.seek, fObj.tell
            originalPosition = tell()
            seek(0, os.SEEK_END)
            end = tell()
            seek(originalPosition, os.SEEK_SET)
            return end - originalPosition
        except (AttributeError, OSError, io.UnsupportedOperation):
            return UNKNOWN_LENGTH

    def stopProducing(self) -> None:
        """Stop reading and close the file. Twisted: FileBodyProducer.stopProducing."""
        self._inputFile.close()
        if self._task is not None:
            try:
                self._task.stop()
            except Exception:  # already finished or stopped
                pass

    def startProducing(self, consumer: Any) -> Deferred[None]:
        """Write the file to ``consumer``; the Deferred fires when all is written.

        Twisted: FileBodyProducer.startProducing.
        """
        self._task = self._cooperate(self._writeloop(consumer))
        d: Deferred[Any] = self._task.whenDone()

        def maybeStopped(reason: Failure) -> Any:
            from twistlike.task import TaskStopped

            reason.trap(TaskStopped)
            return Deferred()  # stopped: never fires, as in Twisted

        d.addCallbacks(lambda ignored: None, maybeStopped)
        d.addBoth(self._closeAfter)
        return d

    def _closeAfter(self, result: Any) -> Any:
        self._inputFile.close()
        return result

    def _writeloop(self, consumer: Any) -> Iterator[None]:
        while True:
            data = self._inputFile.read(self._readSize)
            if not data:
                self._inputFile.close()
                break
            consumer.write(data)
            yield None

    def pauseProducing(self) -> None:
        """Twisted: FileBodyProducer.pauseProducing."""
        if self._task is not None:
            self._task.pause()

    def resumeProducing(self) -> None:
        """Twisted: FileBodyProducer.resumeProducing."""
        if self._task is not None:
            self._task.resume()


# ------------------------------------------------------------------------------------------
# The connection protocol

_CONNECTION_CONTROL_HEADERS = frozenset(
    [
        b"content-length",
        b"connection",
        b"keep-alive",
        b"te",
        b"trailers",
        b"transfer-encoding",
        b"upgrade",
        b"proxy-connection",
    ]
)


@implementer(IClientRequest)
class Request:
    """A request as the client sends it: method, target, headers, body producer.

    Twisted: twisted.web._newclient.Request (also reachable as twisted.web.client.Request).
    """

    def __init__(
        self,
        method: bytes,
        uri: bytes,
        headers: Headers,
        bodyProducer: Any,
        persistent: bool = False,
    ) -> None:
        self.method = method
        self.uri = uri
        self.headers = headers
        self.bodyProducer = bodyProducer
        self.persistent = persistent
        self.absoluteURI = uri


class _BodyConsumer:
    """The consumer a body producer writes to: frames data through h11."""

    def __init__(self, connection: HTTP11ClientProtocol) -> None:
        self._connection = connection

    def write(self, data: bytes) -> None:
        if data:
            self._connection._send(h11.Data(data=data))

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        self._connection.transport.registerProducer(producer, streaming)

    def unregisterProducer(self) -> None:
        self._connection.transport.unregisterProducer()


class HTTP11ClientProtocol(Protocol):
    """One client connection: sends a request with h11, parses the response.

    Twisted: twisted.web._newclient.HTTP11ClientProtocol.

    ``quiescentCallback(self)`` is called when the response is complete and the connection
    can carry another request (the pool keeps it).
    """

    def __init__(self, quiescentCallback: Callable[[Any], object] = lambda c: None) -> None:
        self._quiescentCallback = quiescentCallback
        self._conn = h11.Connection(h11.CLIENT)
        self._state = "QUIESCENT"
        self._finished: Deferred[Response] | None = None
        self._response: Response | None = None
        self._request: Request | None = None
        self._received = False
        self._producer: Any = None

    @property
    def state(self) -> str:
        """QUIESCENT, TRANSMITTING, WAITING, CONNECTION_LOST, ..."""
        return self._state

    def _send(self, event: Any) -> None:
        data = self._conn.send(event)
        if data:
            self.transport.write(data)

    def request(self, request: Request) -> Deferred[Response]:
        """Send ``request``; the Deferred fires with the Response once its head arrives.

        Twisted: HTTP11ClientProtocol.request.
        """
        if self._state != "QUIESCENT":
            return fail(RequestNotSent())
        self._state = "TRANSMITTING"
        self._request = request
        self._received = False
        headers = [(k, v) for k, values in request.headers.getAllRawHeaders() for v in values]
        producer = request.bodyProducer
        if producer is not None and producer.length is not UNKNOWN_LENGTH:
            headers.append((b"Content-Length", b"%d" % (producer.length,)))
        elif producer is not None:
            headers.append((b"Transfer-Encoding", b"chunked"))
        elif request.method in (b"POST", b"PUT", b"PATCH"):
            headers.append((b"Content-Length", b"0"))
        if not request.persistent:
            headers.append((b"Connection", b"close"))

        def cancel(d: Deferred[Response]) -> None:
            # The Deferred fails with CancelledError; the connection cannot be reused.
            self._finished = None
            self._state = "ABORTING"
            self.transport.abortConnection()

        self._finished = Deferred(cancel)
        try:
            self._send(h11.Request(method=request.method, target=request.uri, headers=headers))
        except h11.LocalProtocolError as e:
            self._state = "QUIESCENT"
            d, self._finished = self._finished, None
            d.errback(RequestGenerationFailed([Failure(e)]))
            return d
        finished = self._finished
        if producer is None:
            self._send(h11.EndOfMessage())
            self._state = "WAITING"
        else:
            self._producer = producer
            pd = producer.startProducing(_BodyConsumer(self))

            def sent(ignored: object) -> None:
                self._producer = None
                if self._state == "TRANSMITTING":
                    try:
                        self._send(h11.EndOfMessage())
                    except h11.LocalProtocolError as e:
                        self._failRequest(RequestGenerationFailed([Failure(e)]))
                        return
                    self._state = "WAITING"

            def notSent(reason: Failure) -> None:
                self._producer = None
                self._failRequest(RequestGenerationFailed([reason]))

            pd.addCallbacks(sent, notSent)
        return finished

    def _failRequest(self, exc: Exception) -> None:
        d, self._finished = self._finished, None
        self._state = "GENERATION_FAILED"
        self.transport.abortConnection()
        if d is not None:
            d.errback(exc)

    def dataReceived(self, data: bytes) -> None:
        """Feed h11; fire the response and deliver its body."""
        self._received = True
        try:
            self._conn.receive_data(data)
        except RuntimeError:
            return
        self._drive()

    def _drive(self) -> None:
        conn = self._conn
        while True:
            try:
                event = conn.next_event()
            except h11.RemoteProtocolError as e:
                self._protocolError(Failure(e))
                return
            if event is h11.NEED_DATA or event is h11.PAUSED:
                return
            if isinstance(event, h11.InformationalResponse):
                continue
            if isinstance(event, h11.Response):
                self._gotResponse(event)
            elif isinstance(event, h11.Data):
                if self._response is not None:
                    self._response._bodyDataReceived(event.data)
            elif isinstance(event, h11.EndOfMessage):
                self._gotEnd()
                return
            elif isinstance(event, h11.ConnectionClosed):
                return

    def _gotResponse(self, event: h11.Response) -> None:
        # As Twisted: connection-control headers are not the response's headers; they only
        # decide the framing (h11 has applied them already).
        headers = Headers()
        length: int | None = None
        chunked = False
        noBody = self._request is not None and self._request.method == b"HEAD"
        for name, value in event.headers.raw_items():
            lowered = name.lower()
            if lowered == b"content-length" and noBody:
                pass  # describes the entity, not this (bodiless) message: a real header
            elif lowered in _CONNECTION_CONTROL_HEADERS:
                if lowered == b"content-length":
                    length = int(value)
                elif lowered == b"transfer-encoding":
                    chunked = b"chunked" in value.lower()
                continue
            headers.addRawHeader(name, value)
        major, _, minor = event.http_version.partition(b".")
        response = Response(
            (b"HTTP", int(major), int(minor or b"0")),
            event.status_code,
            event.reason,
            headers,
            self,
            self._request,
        )
        if response.length is UNKNOWN_LENGTH and length is not None and not chunked:
            response.length = length
        self._response = response
        self._closeDelimited = response.length is UNKNOWN_LENGTH and not chunked
        d, self._finished = self._finished, None
        if d is not None:
            d.callback(response)

    def _gotEnd(self) -> None:
        response, self._response = self._response, None
        conn = self._conn
        reusable = (
            conn.our_state is h11.DONE
            and conn.their_state is h11.DONE
            and self._request is not None
            and self._request.persistent
        )
        self._request = None
        if response is not None:
            if self._closeDelimited:
                # As Twisted: a body ended only by the connection closing may be truncated.
                response._bodyDataFinished(Failure(PotentialDataLoss()))
            else:
                response._bodyDataFinished(Failure(ResponseDone()))
        if reusable:
            conn.start_next_cycle()
            self._state = "QUIESCENT"
            self._quiescentCallback(self)
        else:
            self._state = "CONNECTION_LOST" if getattr(self, "_eof", False) else "QUIESCENT"
            self.transport.loseConnection()

    def _protocolError(self, reason: Failure) -> None:
        self._state = "CONNECTION_LOST"
        self.transport.abortConnection()
        self._fail(reason)

    def _fail(self, reason: Failure) -> None:
        d, self._finished = self._finished, None
        if d is not None:
            if self._received:
                d.errback(ResponseFailed([reason]))
            else:
                d.errback(ResponseNeverReceived([reason]))
        response, self._response = self._response, None
        if response is not None:
            response._bodyDataFinished(Failure(ResponseFailed([reason], response)))

    def _abandon(self) -> None:
        """The body's consumer stopped: this connection cannot be reused."""
        self._state = "ABORTING"
        response, self._response = self._response, None
        self.transport.abortConnection()
        if response is not None:
            response._bodyDataFinished(
                Failure(ResponseFailed([Failure(CancelledError())], response))
            )

    def connectionLost(self, reason: Failure = Failure(ConnectionDone())) -> None:  # noqa: B008
        """The connection ended: finish a close-delimited body, or fail what is pending.

        Twisted: HTTP11ClientProtocol.connectionLost.
        """
        self._eof = True
        if self._response is not None and self._closeDelimited:
            try:
                self._conn.receive_data(b"")
                self._drive()
            except RuntimeError:
                pass
        self._state = "CONNECTION_LOST"
        producer, self._producer = self._producer, None
        if producer is not None:
            try:
                producer.stopProducing()
            except BaseException:
                log_failure(Failure(), "Unhandled error in stopProducing", namespace=_log_ns)
            d, self._finished = self._finished, None
            if d is not None:
                d.errback(RequestTransmissionFailed([reason]))
                return
        self._fail(reason)

    def abort(self) -> Deferred[None]:
        """Abort the connection. Twisted: HTTP11ClientProtocol.abort."""
        self.transport.abortConnection()
        return succeed(None)


# ------------------------------------------------------------------------------------------
# Connection pool


class _ConnectFactory(ClientFactory[HTTP11ClientProtocol]):
    """Makes one client connection and fires a Deferred with its protocol."""

    noisy = False

    def __init__(self, quiescentCallback: Callable[[Any], object]) -> None:
        self.deferred: Deferred[HTTP11ClientProtocol] = Deferred(self._cancel)
        self._quiescentCallback = quiescentCallback
        self.connector: Any = None

    def _cancel(self, d: Deferred[HTTP11ClientProtocol]) -> None:
        if self.connector is not None:
            self.connector.stopConnecting()

    def startedConnecting(self, connector: Any) -> None:
        self.connector = connector

    def buildProtocol(self, addr: Any) -> HTTP11ClientProtocol:
        protocol = _PooledProtocol(self._quiescentCallback, self)
        protocol.factory = self
        return protocol

    def clientConnectionFailed(self, connector: Any, reason: Failure) -> None:
        if not self.deferred.called:
            self.deferred.errback(reason)


class _PooledProtocol(HTTP11ClientProtocol):
    def __init__(
        self, quiescentCallback: Callable[[Any], object], factory: _ConnectFactory
    ) -> None:
        HTTP11ClientProtocol.__init__(self, quiescentCallback)
        self._factory = factory
        self._lostCallbacks: list[Callable[[], object]] = []
        self._watchedByPool = False

    def connectionMade(self) -> None:
        if not self._factory.deferred.called:
            self._factory.deferred.callback(self)

    def connectionLost(self, reason: Failure = Failure(ConnectionDone())) -> None:  # noqa: B008
        HTTP11ClientProtocol.connectionLost(self, reason)
        callbacks, self._lostCallbacks = self._lostCallbacks, []
        for callback in callbacks:
            callback()


class HTTPConnectionPool:
    """Keeps idle persistent connections, per (scheme, host, port), for reuse.

    Twisted: twisted.web.client.HTTPConnectionPool.

    Args:
        reactor: the reactor to connect and time out with.
        persistent: keep connections for reuse (False: one request per connection).

    Attributes:
        maxPersistentPerHost: idle connections kept per key (2).
        cachedConnectionTimeout: seconds an idle connection is kept (240).
        retryAutomatically: retry an idempotent request once on a fresh connection when a
            reused one turns out to be closed.
    """

    maxPersistentPerHost = 2
    cachedConnectionTimeout = 240
    retryAutomatically = True

    def __init__(self, reactor: Any, persistent: bool = True) -> None:
        self._reactor = reactor
        self.persistent = persistent
        self._connections: dict[Any, list[HTTP11ClientProtocol]] = {}
        self._timeouts: dict[HTTP11ClientProtocol, Any] = {}

    def getConnection(self, key: Any, endpoint: Any) -> Deferred[Any]:
        """A Deferred firing with a connection for ``key``: an idle one, else a new one
        made with ``endpoint`` (a callable taking a client factory and connecting it).

        Twisted: HTTPConnectionPool.getConnection.
        """
        connections = self._connections.get(key)
        while connections:
            connection = connections.pop(0)
            call = self._timeouts.pop(connection, None)
            if call is not None and call.active():
                call.cancel()
            if connection.state == "QUIESCENT":
                connection._pooledReused = True  # type: ignore[attr-defined]
                return succeed(connection)
        return self._newConnection(key, endpoint)

    def _newConnection(self, key: Any, endpoint: Any) -> Deferred[Any]:
        def quiescent(connection: Any) -> None:
            self._putConnection(key, connection)

        factory = _ConnectFactory(quiescent)
        endpoint(factory)
        return factory.deferred

    def _putConnection(self, key: Any, connection: Any) -> None:
        if not self.persistent:
            connection.transport.loseConnection()
            return
        connections = self._connections.setdefault(key, [])
        if len(connections) >= self.maxPersistentPerHost:
            dropped = connections.pop(0)
            call = self._timeouts.pop(dropped, None)
            if call is not None and call.active():
                call.cancel()
            dropped.transport.loseConnection()
        connections.append(connection)

        def expire() -> None:
            self._timeouts.pop(connection, None)
            self._remove(key, connection)
            connection.transport.loseConnection()

        self._timeouts[connection] = self._reactor.callLater(self.cachedConnectionTimeout, expire)
        if isinstance(connection, _PooledProtocol) and not connection._watchedByPool:
            connection._watchedByPool = True
            connection._lostCallbacks.append(lambda: self._remove(key, connection))

    def _remove(self, key: Any, connection: Any) -> None:
        connections = self._connections.get(key)
        if connections and connection in connections:
            connections.remove(connection)
            call = self._timeouts.pop(connection, None)
            if call is not None and call.active():
                call.cancel()
        if not connections:
            self._connections.pop(key, None)

    def closeCachedConnections(self) -> Deferred[Any]:
        """Close every idle connection. Twisted: HTTPConnectionPool.closeCachedConnections."""
        from twistlike.defer import DeferredList

        waits: list[Deferred[None]] = []
        for connections in list(self._connections.values()):
            for connection in list(connections):
                d: Deferred[None] = Deferred()
                if isinstance(connection, _PooledProtocol):
                    connection._lostCallbacks.append(lambda d=d: d.callback(None))  # type: ignore[misc]
                    waits.append(d)
                connection.transport.loseConnection()
        for call in self._timeouts.values():
            if call.active():
                call.cancel()
        self._timeouts.clear()
        self._connections.clear()
        return DeferredList(waits)


# ------------------------------------------------------------------------------------------
# Agents


@implementer(IPolicyForHTTPS)
class BrowserLikePolicyForHTTPS:
    """Verifies the server's certificate and hostname against the system's trust roots.

    Twisted: twisted.web.client.BrowserLikePolicyForHTTPS.

    asyncio: the settings are ``twistlike.ssl.optionsForClientTLS``, an ``ssl.SSLContext``.
    """

    def __init__(self, trustRoot: Any = None) -> None:
        self._trustRoot = trustRoot

    def creatorForNetloc(self, hostname: bytes, port: int) -> Any:
        """TLS settings for ``hostname:port``. Twisted: creatorForNetloc."""
        # (Imported here: an http-only client never loads the TLS configuration code.)
        from twistlike.ssl import optionsForClientTLS

        return optionsForClientTLS(hostname.decode("idna"), trustRoot=self._trustRoot)


def _requireToken(method: bytes) -> None:
    import re

    if not isinstance(method, bytes) or not re.fullmatch(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", method):
        raise ValueError(f"Invalid method {method!r}")


def _requireURI(uri: bytes) -> None:
    if not isinstance(uri, bytes) or any(c < 0x21 or c == 0x7F for c in uri):
        raise ValueError(f"Invalid URI {uri!r}")


class _AgentBase:
    def __init__(self, reactor: Any, pool: HTTPConnectionPool | None) -> None:
        if reactor is None:
            from twistlike import reactor as globalReactor

            reactor = globalReactor
        self._reactor = reactor
        self._pool = pool if pool is not None else HTTPConnectionPool(reactor, False)

    def _requestWithConnect(
        self,
        key: Any,
        connect: Callable[[Any], object],
        method: bytes,
        target: bytes,
        headers: Headers | None,
        bodyProducer: Any,
        hostHeader: bytes,
    ) -> Deferred[Any]:
        headers = headers.copy() if headers is not None else Headers()
        if not headers.hasHeader(b"host"):
            headers.addRawHeader(b"host", hostHeader)
        request = Request(method, target, headers, bodyProducer, self._pool.persistent)

        def send(connection: Any) -> Deferred[Any]:
            reused = getattr(connection, "_pooledReused", False)
            d: Deferred[Any] = connection.request(request)
            if reused and self._pool.retryAutomatically and bodyProducer is None:
                if method in (b"GET", b"HEAD", b"OPTIONS", b"DELETE", b"TRACE"):

                    def retry(reason: Failure) -> Any:
                        if reason.check(ResponseNeverReceived, RequestNotSent):
                            return self._pool._newConnection(key, connect).addCallback(
                                lambda c: c.request(request)
                            )
                        return reason

                    d.addErrback(retry)
            return d

        return self._pool.getConnection(key, connect).addCallback(send)


@implementer(IAgent)
class Agent(_AgentBase):
    """Makes HTTP/1.1 requests: ``request(...)`` gives a Deferred of a Response.

    Twisted: twisted.web.client.Agent.

    The Deferred is awaitable in asyncio tasks: ``response = await agent.request(...)``.

    Args:
        reactor: the reactor to connect with.
        contextFactory: an IPolicyForHTTPS for https URLs (verifying by default).
        connectTimeout: seconds to wait for a connection (None: the reactor's default, 30).
        bindAddress: the local ``(host, port)`` to connect from.
        pool: an HTTPConnectionPool (a non-persistent one by default).
    """

    def __init__(
        self,
        reactor: Any,
        contextFactory: Any = None,
        connectTimeout: float | None = None,
        bindAddress: Any = None,
        pool: HTTPConnectionPool | None = None,
    ) -> None:
        _AgentBase.__init__(self, reactor, pool)
        self._policyForHTTPS = (
            contextFactory if contextFactory is not None else BrowserLikePolicyForHTTPS()
        )
        self._connectTimeout = connectTimeout
        self._bindAddress = bindAddress

    def _connector(self, scheme: bytes, host: bytes, port: int) -> Callable[[Any], object]:
        timeout = self._connectTimeout if self._connectTimeout is not None else 30
        hostText = host.decode("idna") if not host.isascii() else host.decode("ascii")
        if scheme == b"http":

            def connectTCP(factory: Any) -> object:
                return self._reactor.connectTCP(
                    hostText, port, factory, timeout=timeout, bindAddress=self._bindAddress
                )

            return connectTCP
        connectSSL = getattr(self._reactor, "connectSSL", None)
        if connectSSL is None:
            # A reactor without IReactorSSL (a test double): a clear error, not an AttributeError.
            raise error.SchemeNotSupported(_NO_CONNECT_SSL)
        creator = self._policyForHTTPS.creatorForNetloc(host, port)

        def connectTLS(factory: Any) -> object:
            return connectSSL(
                hostText, port, factory, creator, timeout=timeout, bindAddress=self._bindAddress
            )

        return connectTLS

    def request(
        self,
        method: bytes,
        uri: bytes,
        headers: Headers | None = None,
        bodyProducer: Any = None,
    ) -> Deferred[Any]:
        """Send a request; the Deferred fires with the Response once its head arrives.

        Twisted: Agent.request.

        Fails with SchemeNotSupported (not http/https, or https on a reactor without connectSSL),
        ResponseNeverReceived, ResponseFailed, RequestGenerationFailed, or the connection
        error (ConnectionRefusedError, TimeoutError, DNSLookupError).
        """
        try:
            _requireToken(method)
            _requireURI(uri)
            parsed = URI.fromBytes(uri)
        except ValueError as e:
            return fail(e)
        if parsed.scheme not in (b"http", b"https"):
            return fail(error.SchemeNotSupported(f"Unsupported scheme: {parsed.scheme!r}"))
        try:
            connect = self._connector(parsed.scheme, parsed.host, parsed.port)
        except (error.SchemeNotSupported, NotImplementedError) as e:
            return fail(e)
        key = (parsed.scheme, parsed.host, parsed.port)
        return self._requestWithConnect(
            key, connect, method, parsed.originForm, headers, bodyProducer, _hostHeader(parsed)
        )


@implementer(IAgent)
class ProxyAgent(_AgentBase):
    """Sends every request to an HTTP proxy, with the absolute URI on the request line.

    Twisted: twisted.web.client.ProxyAgent.

    Args:
        endpoint: the proxy's IStreamClientEndpoint (``connect(factory)``).
        reactor: the reactor for the pool's timers.
        pool: an HTTPConnectionPool.
    """

    def __init__(
        self, endpoint: Any, reactor: Any = None, pool: HTTPConnectionPool | None = None
    ) -> None:
        _AgentBase.__init__(self, reactor, pool)
        self._proxyEndpoint = endpoint

    def request(
        self,
        method: bytes,
        uri: bytes,
        headers: Headers | None = None,
        bodyProducer: Any = None,
    ) -> Deferred[Any]:
        """Send ``method uri`` through the proxy. Twisted: ProxyAgent.request."""
        try:
            _requireToken(method)
            _requireURI(uri)
            parsed = URI.fromBytes(uri)
        except ValueError as e:
            return fail(e)
        endpoint = self._proxyEndpoint

        def connect(factory: Any) -> object:
            d = endpoint.connect(factory)
            d.addErrback(factory.deferred.errback)
            return d

        return self._requestWithConnect(
            ("http-proxy", endpoint),
            connect,
            method,
            uri,
            headers,
            bodyProducer,
            _hostHeader(parsed),
        )


_defaultSensitiveHeaders = frozenset(
    [b"Authorization", b"Cookie", b"Cookie2", b"Proxy-Authorization", b"WWW-Authenticate"]
)


@implementer(IAgent)
class RedirectAgent:
    """Follows redirects: 301/302/307/308 for GET and HEAD, 303 as a GET.

    Twisted: twisted.web.client.RedirectAgent.

    Fails with ResponseFailed wrapping InfiniteRedirection past ``redirectLimit``,
    RedirectWithNoLocation, or PageRedirect (a 301/302/307/308 to another method).
    Sensitive headers are dropped on a redirect to another origin.
    """

    _redirectResponses = [301, 302, 307, 308]
    _seeOtherResponses = [303]

    def __init__(self, agent: Any, redirectLimit: int = 20, sensitiveHeaderNames: Any = ()) -> None:
        self._agent = agent
        self._redirectLimit = redirectLimit
        self._sensitiveHeaderNames = {encodeName(name) for name in sensitiveHeaderNames}
        self._sensitiveHeaderNames.update(_defaultSensitiveHeaders)

    def request(
        self, method: bytes, uri: bytes, headers: Headers | None = None, bodyProducer: Any = None
    ) -> Deferred[Any]:
        """Send a request, following redirects. Twisted: RedirectAgent.request."""
        d = self._agent.request(method, uri, headers, bodyProducer)
        return cast(Deferred[Any], d.addCallback(self._handleResponse, method, uri, headers, 0))

    def _resolveLocation(self, requestURI: bytes, location: bytes) -> bytes:
        return urljoin(requestURI, location)

    def _handleRedirect(
        self, response: Any, method: bytes, uri: bytes, headers: Headers | None, count: int
    ) -> Deferred[Any]:
        if count >= self._redirectLimit:
            err = error.InfiniteRedirection(
                response.code, b"Infinite redirection detected", location=uri
            )
            raise ResponseFailed([Failure(err)], response)
        locations = response.headers.getRawHeaders(b"location", [])
        if not locations:
            err2 = error.RedirectWithNoLocation(response.code, b"No location header field", uri)
            raise ResponseFailed([Failure(err2)], response)
        location = self._resolveLocation(uri, locations[0])
        if headers:
            old, new = URI.fromBytes(uri), URI.fromBytes(location)
            if (old.scheme, old.host, old.port) != (new.scheme, new.host, new.port):
                headers = Headers(
                    {
                        name: values
                        for name, values in headers.getAllRawHeaders()
                        if name not in self._sensitiveHeaderNames
                    }
                )
        d = self._agent.request(method, location, headers)

        def chain(newResponse: Any) -> Any:
            newResponse.setPreviousResponse(response)
            return newResponse

        d.addCallback(chain)
        return cast(
            Deferred[Any], d.addCallback(self._handleResponse, method, uri, headers, count + 1)
        )

    def _handleResponse(
        self, response: Any, method: bytes, uri: bytes, headers: Headers | None, count: int
    ) -> Any:
        if response.code in self._redirectResponses:
            if method not in (b"GET", b"HEAD"):
                err = error.PageRedirect(response.code, location=uri)
                raise ResponseFailed([Failure(err)], response)
            return self._handleRedirect(response, method, uri, headers, count)
        if response.code in self._seeOtherResponses:
            return self._handleRedirect(response, b"GET", uri, headers, count)
        return response


class BrowserLikeRedirectAgent(RedirectAgent):
    """Follows redirects as browsers do: 301/302/303/308 become GET, 307 keeps the method.

    Twisted: twisted.web.client.BrowserLikeRedirectAgent.
    """

    _redirectResponses = [307]
    _seeOtherResponses = [301, 302, 303, 308]


class _FakeStdlibRequest:
    """What http.cookiejar needs to know of a request (urllib.request.Request's API)."""

    def __init__(self, uri: bytes) -> None:
        self.uri = uri.decode("ascii")
        self.headers: dict[str, str] = {}
        parsed = URI.fromBytes(uri)
        self.type = parsed.scheme.decode("ascii")
        self.host = parsed.host.decode("ascii")
        if (self.type, parsed.port) not in (("http", 80), ("https", 443)):
            self.host += f":{parsed.port}"
        self.origin_req_host = self.host
        self.unverifiable = False

    def has_header(self, header: str) -> bool:
        return header in self.headers

    def add_unredirected_header(self, name: str, value: str) -> None:
        self.headers[name] = value

    def get_full_url(self) -> str:
        return self.uri

    def get_header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name, default)

    def get_host(self) -> str:
        return self.host

    def get_type(self) -> str:
        return self.type

    def is_unverifiable(self) -> bool:
        return False


class _FakeStdlibResponse:
    """What http.cookiejar needs of a response: ``info().get_all(name, default)``."""

    def __init__(self, response: Any) -> None:
        self.response = response

    def info(self) -> _FakeStdlibResponse:
        return self

    def get_all(self, name: str, default: Any = None) -> Any:
        values = self.response.headers.getRawHeaders(name.encode("ascii"))
        if values is None:
            return default
        return [v.decode("latin-1") for v in values]


@implementer(IAgent)
class CookieAgent:
    """Sends the cookies of ``cookieJar`` with each request and stores the ones received.

    Twisted: twisted.web.client.CookieAgent.

    Args:
        agent: the wrapped agent.
        cookieJar: an ``http.cookiejar.CookieJar``.
    """

    def __init__(self, agent: Any, cookieJar: Any) -> None:
        self._agent = agent
        self.cookieJar = cookieJar

    def request(
        self, method: bytes, uri: bytes, headers: Headers | None = None, bodyProducer: Any = None
    ) -> Deferred[Any]:
        """Send a request with the jar's cookies (unless a Cookie header is given).

        Twisted: CookieAgent.request.
        """
        actualHeaders = headers if headers is not None else Headers()
        lastRequest = _FakeStdlibRequest(uri)
        if not actualHeaders.hasHeader(b"cookie"):
            self.cookieJar.add_cookie_header(lastRequest)
            cookieHeader = lastRequest.get_header("Cookie", None)
            if cookieHeader is not None:
                actualHeaders = actualHeaders.copy()
                actualHeaders.addRawHeader(b"cookie", cookieHeader.encode("latin-1"))
        d = self._agent.request(method, uri, actualHeaders, bodyProducer)
        return cast(Deferred[Any], d.addCallback(self._extractCookies, lastRequest))

    def _extractCookies(self, response: Any, request: _FakeStdlibRequest) -> Any:
        self.cookieJar.extract_cookies(_FakeStdlibResponse(response), request)
        return response


class GzipDecoder:
    """Wraps a Response whose body is gzip- (or deflate-) encoded; delivers it decoded.

    Twisted: twisted.web.client.GzipDecoder.
    """

    def __init__(self, response: Any) -> None:
        self.original = response
        self.length = UNKNOWN_LENGTH

    def __getattr__(self, name: str) -> Any:
        return getattr(self.original, name)

    def deliverBody(self, protocol: Any) -> None:
        """Deliver the decoded body to ``protocol``. Twisted: GzipDecoder.deliverBody."""
        self.original.deliverBody(_GzipProtocol(protocol, self.original))


class _GzipProtocol(Protocol):
    def __init__(self, protocol: Any, response: Any) -> None:
        self.original = protocol
        self._response = response
        self._zlibDecompress = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def makeConnection(self, transport: Any) -> None:
        self.transport = transport
        self.original.makeConnection(transport)

    def dataReceived(self, data: bytes) -> None:
        try:
            rawData = self._zlibDecompress.decompress(data)
        except zlib.error:
            raise ResponseFailed([Failure()], self._response) from None
        if rawData:
            self.original.dataReceived(rawData)

    def connectionLost(self, reason: Failure = Failure(ConnectionDone())) -> None:  # noqa: B008
        try:
            rawData = self._zlibDecompress.flush()
        except zlib.error:
            self.original.connectionLost(
                Failure(ResponseFailed([reason, Failure()], self._response))
            )
            return
        if rawData:
            self.original.dataReceived(rawData)
        self.original.connectionLost(reason)


@implementer(IAgent)
class ContentDecoderAgent:
    """Asks for encoded bodies (Accept-Encoding) and decodes them with ``decoders``.

    Twisted: twisted.web.client.ContentDecoderAgent.

    Args:
        agent: the wrapped agent.
        decoders: ``[(b"gzip", GzipDecoder)]`` pairs of encoding name and wrapper class.
    """

    def __init__(self, agent: Any, decoders: list[tuple[bytes, Any]]) -> None:
        self._agent = agent
        self._decoders = dict(decoders)
        self._supported = b",".join([name for name, _ in decoders])

    def request(
        self, method: bytes, uri: bytes, headers: Headers | None = None, bodyProducer: Any = None
    ) -> Deferred[Any]:
        """Send a request and decode its response. Twisted: ContentDecoderAgent.request."""
        headers = headers.copy() if headers is not None else Headers()
        headers.addRawHeader(b"accept-encoding", self._supported)
        d = self._agent.request(method, uri, headers, bodyProducer)
        return cast(Deferred[Any], d.addCallback(self._handleResponse))

    def _handleResponse(self, response: Any) -> Any:
        header = response.headers.getRawHeaders(b"content-encoding")
        if not header:
            return response
        encodings = [e.strip().lower() for value in header for e in value.split(b",")]
        while encodings:
            decoder = self._decoders.get(encodings[-1])
            if decoder is None:
                break
            encodings.pop()
            response = decoder(response)
        if encodings:
            response.headers.setRawHeaders(b"content-encoding", [b",".join(encodings)])
        else:
            response.headers.removeHeader(b"content-encoding")
        return response

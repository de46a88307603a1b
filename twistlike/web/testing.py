"""Request and channel doubles for testing resources without a server.

Twisted: twisted.web.test.requesthelper (DummyRequest, DummyChannel, NullAddress), which
ported test suites import widely.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from zope.interface import implementer  # type: ignore[import-untyped, unused-ignore]

from twistlike.address import IPv4Address, IPv6Address
from twistlike.defer import Deferred
from twistlike.failure import Failure
from twistlike.interfaces import IAddress
from twistlike.task import Clock
from twistlike.web.http_headers import Headers
from twistlike.web.resource import Resource
from twistlike.web.server import NOT_DONE_YET, Session, Site

__all__ = ["DummyChannel", "DummyRequest", "NullAddress"]


@implementer(IAddress)
class NullAddress:
    """An address that is no address. Twisted: requesthelper.NullAddress."""


class _TCP:
    """The fake TCP transport of a DummyChannel: records what is written."""

    port = 80
    disconnected: bool = False

    def __init__(self, peer: Any = None) -> None:
        if peer is None:
            peer = IPv4Address("TCP", "192.168.1.1", 12344)
        self._peer = peer
        self.written: BytesIO = BytesIO()
        self.producers: list[tuple[Any, bool]] = []

    def getPeer(self) -> Any:
        return self._peer

    def write(self, data: bytes) -> None:
        if not isinstance(data, bytes):
            raise TypeError(f"Can only write bytes to a transport, not {data!r}")
        self.written.write(data)

    def writeSequence(self, iovec: Any) -> None:
        for data in iovec:
            self.write(data)

    def getHost(self) -> Any:
        return IPv4Address("TCP", "10.0.0.1", self.port)

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        self.producers.append((producer, streaming))

    def unregisterProducer(self) -> None:
        pass

    def loseConnection(self) -> None:
        self.disconnected = True

    def abortConnection(self) -> None:
        self.disconnected = True


class _SSL(_TCP):
    """The fake TLS transport: a DummyChannel with it is secure."""

    def getPeerCertificate(self) -> None:
        return None


class DummyChannel:
    """A channel whose transport records the raw response bytes (``transport.written``).

    Twisted: twisted.web.test.requesthelper.DummyChannel.

    As in Twisted, the bytes are the HTTP/1.1 wire format, chunked framing included.
    """

    TCP = _TCP
    SSL = _SSL
    site = Site(Resource())

    def __init__(self, peer: Any = None) -> None:
        self.transport: Any = self.TCP(peer)
        self._chunked = False

    def requestDone(self, request: Any) -> None:
        """Twisted: DummyChannel.requestDone."""

    def writeHeaders(self, version: bytes, code: bytes, reason: bytes, headers: Any) -> None:
        """Write the status line and headers. Twisted: DummyChannel.writeHeaders."""
        if isinstance(headers, Headers):
            pairs = [(k, v) for k, values in headers.getAllRawHeaders() for v in values]
        else:
            pairs = list(headers)
        self._chunked = any(
            k.lower() == b"transfer-encoding" and v.lower() == b"chunked" for k, v in pairs
        )
        lines = [version + b" " + code + b" " + reason + b"\r\n"]
        lines.extend(name + b": " + value + b"\r\n" for name, value in pairs)
        lines.append(b"\r\n")
        self.transport.writeSequence(lines)

    def write(self, data: bytes) -> None:
        """Write body bytes (framed as a chunk when the response is chunked)."""
        if self._chunked:
            self.transport.writeSequence((b"%x\r\n" % (len(data),), data, b"\r\n"))
        else:
            self.transport.write(data)

    def writeSequence(self, iovec: Any) -> None:
        """Twisted: DummyChannel.writeSequence."""
        for data in iovec:
            self.write(data)

    def endResponse(self) -> None:
        """The response is complete: the last chunk, when chunked."""
        if self._chunked:
            self.transport.write(b"0\r\n\r\n")
            self._chunked = False

    def getPeer(self) -> Any:
        """Twisted: DummyChannel.getPeer."""
        return self.transport.getPeer()

    def getHost(self) -> Any:
        """Twisted: DummyChannel.getHost."""
        return self.transport.getHost()

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        """Twisted: DummyChannel.registerProducer."""
        self.transport.registerProducer(producer, streaming)

    def unregisterProducer(self) -> None:
        """Twisted: DummyChannel.unregisterProducer."""
        self.transport.unregisterProducer()

    def loseConnection(self) -> None:
        """Twisted: DummyChannel.loseConnection."""
        self.transport.loseConnection()

    def endRequest(self) -> None:
        """Twisted: DummyChannel.endRequest."""

    def isSecure(self) -> bool:
        """Whether the transport is the SSL double. Twisted: DummyChannel.isSecure."""
        return isinstance(self.transport, self.SSL)

    def abortConnection(self) -> None:
        """Twisted: DummyChannel.abortConnection."""
        self.transport.abortConnection()


class DummyRequest:
    """A request double: records writes, headers and the response code; no channel.

    Twisted: twisted.web.test.requesthelper.DummyRequest.

    Attributes:
        written: the bytes passed to ``write``, in order.
        finished: how many times ``finish`` was called.
        responseCode: the code given to ``setResponseCode`` (None until then).
    """

    uri = b"http://dummy/"
    method = b"GET"
    client: Any = None
    _forceSSL = 0

    def __init__(self, postpath: list[bytes], session: Any = None, client: Any = None) -> None:
        self.sitepath: list[bytes] = []
        self.written: list[bytes] = []
        self.finished: int = 0
        self.postpath = postpath
        self.prepath: list[bytes] = []
        self.session: Any = None
        self.protoSession = session or Session(site=None, uid=b"0", reactor=Clock())
        self.args: dict[bytes, list[bytes]] = {}
        self.requestHeaders: Headers = Headers()
        self.responseHeaders: Headers = Headers()
        self.responseCode: int | None = None
        self.responseMessage: bytes | None = None
        self._finishedDeferreds: list[Deferred[None]] | None = []
        self._serverName = b"dummy"
        self.clientproto = b"HTTP/1.0"
        if client is not None:
            self.client = client

    def registerProducer(self, prod: Any, s: bool) -> None:
        """Call ``resumeProducing`` until the producer unregisters. Twisted: same."""
        self.go: int = 1
        while self.go:
            prod.resumeProducing()

    def unregisterProducer(self) -> None:
        """Twisted: DummyRequest.unregisterProducer."""
        self.go = 0

    def getAllHeaders(self) -> dict[bytes, bytes]:
        """Lower-cased header name -> last value. Twisted: DummyRequest.getAllHeaders."""
        return {k.lower(): v[-1] for k, v in self.requestHeaders.getAllRawHeaders()}

    def getHeader(self, name: bytes) -> bytes | None:
        """The first value of request header ``name``. Twisted: DummyRequest.getHeader."""
        value: bytes | None = self.requestHeaders.getRawHeaders(name.lower(), [None])[0]
        return value

    def setHeader(self, name: bytes, value: bytes) -> None:
        """Add a response header value. Twisted: DummyRequest.setHeader."""
        self.responseHeaders.addRawHeader(name, value)

    def getSession(self, sessionInterface: Any = None) -> Any:
        """Twisted: DummyRequest.getSession."""
        if self.session:
            return self.session
        assert not self.written, "Session cannot be requested after data has been written."
        self.session = self.protoSession
        return self.session

    def render(self, resource: Any) -> None:
        """Render ``resource`` (bytes are written and the request finished).

        Twisted: DummyRequest.render.
        """
        result = resource.render(self)
        if result is NOT_DONE_YET:
            return
        self.write(result)
        self.finish()

    def write(self, data: bytes) -> None:
        """Record ``data``. Twisted: DummyRequest.write.

        Raises:
            TypeError: ``data`` is not bytes.
        """
        if not isinstance(data, bytes):
            raise TypeError("write() only accepts bytes")
        self.written.append(data)

    def notifyFinish(self) -> Deferred[None]:
        """Fires at ``finish``, fails at ``processingFailed``. Twisted: same."""
        finished: Deferred[None] = Deferred()
        assert self._finishedDeferreds is not None, "notifyFinish after finish"
        self._finishedDeferreds.append(finished)
        return finished

    def finish(self) -> None:
        """Count the call and fire the notifyFinish Deferreds. Twisted: DummyRequest.finish."""
        self.finished = self.finished + 1
        if self._finishedDeferreds is not None:
            observers, self._finishedDeferreds = self._finishedDeferreds, None
            for obs in observers:
                obs.callback(None)

    def processingFailed(self, reason: Failure) -> None:
        """Fail the notifyFinish Deferreds. Twisted: DummyRequest.processingFailed."""
        if self._finishedDeferreds is not None:
            observers, self._finishedDeferreds = self._finishedDeferreds, None
            for obs in observers:
                obs.errback(reason)

    def addArg(self, name: bytes, value: bytes) -> None:
        """Twisted: DummyRequest.addArg."""
        self.args[name] = [value]

    def setResponseCode(self, code: int, message: bytes | None = None) -> None:
        """Record the code. Twisted: DummyRequest.setResponseCode."""
        assert not self.written, (
            f"Response code cannot be set after data has been written: {self.written!r}."
        )
        self.responseCode = code
        self.responseMessage = message

    def setLastModified(self, when: float) -> None:
        """Twisted: DummyRequest.setLastModified (checks only the order of calls)."""
        assert not self.written, (
            f"Last-Modified cannot be set after data has been written: {self.written!r}."
        )

    def setETag(self, tag: bytes) -> None:
        """Twisted: DummyRequest.setETag (checks only the order of calls)."""
        assert not self.written, (
            f"ETag cannot be set after data has been written: {self.written!r}."
        )

    def getClientIP(self) -> str | None:
        """Twisted: DummyRequest.getClientIP."""
        if isinstance(self.client, IPv4Address | IPv6Address):
            return self.client.host
        return None

    def getClientAddress(self) -> Any:
        """The client address, or a NullAddress. Twisted: DummyRequest.getClientAddress."""
        if self.client is None:
            return NullAddress()
        return self.client

    def getRequestHostname(self) -> bytes:
        """Twisted: DummyRequest.getRequestHostname."""
        return self._serverName

    def getHost(self) -> Any:
        """Twisted: DummyRequest.getHost."""
        return IPv4Address("TCP", "127.0.0.1", 80)

    def isSecure(self) -> bool:
        """Whether ``setHost(..., ssl=1)`` made the request secure."""
        # Divergence from Twisted: its DummyRequest lacks isSecure (its setHost fails).
        return bool(self._forceSSL)

    def setHost(self, host: bytes, port: int, ssl: int = 0) -> None:
        """Twisted: DummyRequest.setHost."""
        self._forceSSL = ssl
        default = 443 if self.isSecure() else 80
        self.requestHeaders.addRawHeader(
            b"host", host if port == default else b"%b:%d" % (host, port)
        )

    def redirect(self, url: bytes) -> None:
        """Twisted: DummyRequest.redirect."""
        self.setResponseCode(302)
        self.setHeader(b"location", url)

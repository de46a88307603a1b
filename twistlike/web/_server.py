"""Site, the resource-rendering Request and sessions (private home of twistlike.web.server)."""

from __future__ import annotations

import inspect
import os
import re
import zlib
from binascii import hexlify
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from twistlike import __version__
from twistlike._core.log import log_failure
from twistlike.defer import Deferred, ensureDeferred
from twistlike.error import AlreadyCalled, AlreadyCancelled
from twistlike.failure import Failure
from twistlike.web import resource
from twistlike.web._headers import encodeName, encodeValue, rawHeadersOf
from twistlike.web._http import HTTPFactory, nowString
from twistlike.web._http import Request as HTTPRequest
from twistlike.web._iencoding import IEncodingResource
from twistlike.web.error import UnsupportedMethod

_log_ns = "twistlike.web.server"

#: A render method returns this when it will write and finish the response later.
NOT_DONE_YET = 1

#: The Server header twistlike sends.
# Divergence from Twisted: "twistlike/<version>", not "TwistedWeb/<version>".
version = b"twistlike/" + __version__.encode("ascii")

#: Methods the server knows: a resource without them answers 405, other methods 501.
supportedMethods = (b"GET", b"HEAD", b"POST")


_SERVER = encodeName(b"server")
_DATE = encodeName(b"date")
_CONTENT_LENGTH = encodeName(b"content-length")
_CONTENT_TYPE = encodeName(b"content-type")
_setHeader = HTTPRequest.setHeader


def _isAwaitable(value: object) -> bool:
    kind = type(value)
    if kind is bytes or kind is int:  # the common answers: a body, or NOT_DONE_YET
        return False
    return inspect.isawaitable(value)


class Request(HTTPRequest):
    """A request served by a :class:`Site`: finds its resource and renders it.

    Twisted: twisted.web.server.Request.

    twistlike: a render method may return a Deferred or a coroutine (``async def``); the
    response is written when it fires, exactly as if the body had been returned.
    """

    defaultContentType: bytes | None = b"text/html"
    site: Any = None
    appRootURL: bytes | None = None
    prepath: list[bytes]
    postpath: list[bytes]
    _inFakeHead = False
    _encoder: Any = None
    _insecureSession: Any = None
    _secureSession: Any = None

    def __init__(
        self, channel: Any, queued: object = None, parsePOSTFormSubmission: bool = True
    ) -> None:
        HTTPRequest.__init__(self, channel, queued, parsePOSTFormSubmission)
        self.sitepath: list[bytes] = []

    def process(self) -> None:
        """Find the resource for this request and render it. Twisted: server.Request.process."""
        self.site = self.channel.site
        if type(self).setHeader is _setHeader:
            # Both values are valid already: straight into the Headers' dict.
            raw = rawHeadersOf(self.responseHeaders)
            raw[_SERVER] = [version]
            raw[_DATE] = [nowString()]
        else:
            self.setHeader(b"Server", version)
            self.setHeader(b"Date", nowString())
        self.prepath = []
        path = self.path
        postpath = path[1:].split(b"/")
        if b"%" in path:
            postpath = [unquote_to_bytes(seg) if b"%" in seg else seg for seg in postpath]
        self.postpath = postpath
        if self.path == b"*":
            self._handleStar()
            return
        try:
            resrc = self.site.getResourceFor(self)
            if IEncodingResource.providedBy(resrc):
                encoder = resrc.getEncoder(self)
                if encoder is not None:
                    self._encoder = encoder
            self.render(resrc)
        except BaseException:
            self.processingFailed(Failure())

    def _handleStar(self) -> None:
        """``OPTIONS *`` gets 200, any other method on ``*`` gets 405."""
        if self.method == b"OPTIONS":
            self.setResponseCode(200)
        else:
            self.setResponseCode(405)
            self.setHeader(b"Allow", b"OPTIONS")
        self.setHeader(b"Content-Length", b"0")
        self.finish()

    def render(self, resrc: Any) -> None:
        """Ask ``resrc`` to render this request and write what it returns.

        Twisted: server.Request.render.

        Unsupported methods answer 405 with ``Allow`` (501 for methods the server does not
        know); HEAD falls back to GET with the body dropped.
        """
        try:
            body = resrc.render(self)
        except UnsupportedMethod as e:
            allowed = e.allowedMethods
            if self.method == b"HEAD" and b"GET" in allowed:
                self.method = b"GET"
                self._inFakeHead = True
                body = resrc.render(self)
                self._inFakeHead = False
                self.method: bytes = b"HEAD"
                if _isAwaitable(body):
                    self._renderLater(resrc, body, fakeHead=True)
                    return
                if body is not NOT_DONE_YET:
                    self.setHeader(b"Content-Length", b"%d" % (len(body),))
                self.write(b"")
                self.finish()
                return
            if self.method in supportedMethods:
                self.setHeader(b"Allow", b", ".join(allowed))
                uri = escape(self.uri.decode("latin-1"))
                method = self.method.decode("latin-1")
                plural = "s" if len(allowed) > 1 else ""
                names = ", ".join(m.decode("latin-1") for m in allowed)
                text = (
                    f'Your browser approached me (at {uri}) with the method "{method}".  '
                    f"I only allow the method{plural} {names} here."
                )
                body = resource.ErrorPage(405, "Method Not Allowed", text).render(self)
            else:
                body = resource.ErrorPage(
                    501,
                    "Huh?",
                    f"I don't know how to treat a {escape(self.method.decode('latin-1'))} request.",
                ).render(self)
        if type(body) is not bytes and _isAwaitable(body):
            self._renderLater(resrc, body)
            return
        self._writeRendered(resrc, body)

    def _renderLater(self, resrc: Any, body: Any, fakeHead: bool = False) -> None:
        """twistlike: a render method returned a Deferred or a coroutine."""
        # Divergence from Twisted: Twisted answers 500 "Request did not return bytes" here.
        d: Deferred[Any] = body if isinstance(body, Deferred) else ensureDeferred(body)

        def rendered(result: Any) -> None:
            if self._disconnected or self.finished:
                return
            if fakeHead:
                if result is not NOT_DONE_YET:
                    self.setHeader(b"Content-Length", b"%d" % (len(result),))
                self.write(b"")
                self.finish()
                return
            self._writeRendered(resrc, result)

        def failed(reason: Failure) -> None:
            if self._disconnected or self.finished:
                log_failure(reason, "Rendering failed after the response ended", namespace=_log_ns)
                return
            self.processingFailed(reason)

        d.addCallbacks(rendered, failed).addErrback(
            lambda f: log_failure(f, "Unhandled error writing a response", namespace=_log_ns)
        )

    def _writeRendered(self, resrc: Any, body: Any) -> None:
        if body is NOT_DONE_YET:
            return
        if not isinstance(body, bytes):
            body = resource.ErrorPage(
                500,
                "Request did not return bytes",
                "Request: <pre>"
                + escape(repr(self))
                + "</pre><br />Resource: <pre>"
                + escape(repr(resrc))
                + "</pre><br />Value: <pre>"
                + escape(repr(body))
                + "</pre>",
            ).render(self)
        if self.method == b"HEAD":
            if body:
                self.setHeader(b"Content-Length", b"%d" % (len(body),))
            self.write(b"")
        else:
            if type(self).setHeader is _setHeader:
                rawHeadersOf(self.responseHeaders)[_CONTENT_LENGTH] = [b"%d" % (len(body),)]
            else:
                self.setHeader(b"Content-Length", b"%d" % (len(body),))
            self.write(body)
        self.finish()

    def processingFailed(self, reason: Failure) -> Failure:
        """Answer 500 (with the traceback only when ``site.displayTracebacks``).

        Twisted: server.Request.processingFailed.
        """
        log_failure(reason, "Error rendering a web request", namespace=_log_ns)
        if self._disconnected or self.finished:
            return reason
        if self.startedWriting:
            # Divergence from Twisted: headers are gone already; cutting the response is the
            # honest answer (Twisted writes the error page into the body).
            self.channel.transport.abortConnection()
            return reason
        if self.site is not None and self.site.displayTracebacks:
            body = (
                b"<html><head><title>web.Server Traceback (most recent call last)</title></head>"
                b"<body><b>web.Server Traceback (most recent call last):</b>\n\n"
                + escape(reason.getTraceback()).encode("utf-8", "replace")
                + b"\n\n</body></html>\n"
            )
        else:
            body = (
                b"<html><head><title>Processing Failed</title></head><body>"
                b"<b>Processing Failed</b></body></html>"
            )
        self.setResponseCode(500)
        self.setHeader(b"Content-Type", b"text/html")
        self.setHeader(b"Content-Length", b"%d" % (len(body),))
        self.write(body)
        self.finish()
        return reason

    def write(self, data: bytes) -> None:
        """Write body data; the first write adds the default Content-Type.

        Twisted: server.Request.write.
        """
        if not self.startedWriting:
            raw = rawHeadersOf(self.responseHeaders)
            if (
                self.code not in (304, 204)
                and _CONTENT_TYPE not in raw
                and self.defaultContentType is not None
            ):
                length = raw.get(_CONTENT_LENGTH)
                if not (length and length[0] == b"0"):
                    value = self.defaultContentType
                    if type(value) is not bytes or b"\r" in value or b"\n" in value:
                        value = encodeValue(value)
                    raw[_CONTENT_TYPE] = [value]
        if not self._inFakeHead:
            if self._encoder is not None:
                data = self._encoder.encode(data)
            HTTPRequest.write(self, data)

    def finish(self) -> None:
        """Flush an encoder, then finish. Twisted: server.Request.finish."""
        encoder = self._encoder
        if encoder is not None and not self._disconnected and not self.finished:
            data = encoder.finish()
            if data:
                HTTPRequest.write(self, data)
        HTTPRequest.finish(self)

    # ---- URLs -----------------------------------------------------------------------------

    def _prePathURL(self, prepath: list[bytes]) -> bytes:
        port = self.getHost().port
        secure = self.isSecure()
        default = 443 if secure else 80
        hostport = b"" if port == default else b":%d" % (port,)
        prefix = b"http%s://%s%s/" % (b"s" if secure else b"", self.getRequestHostname(), hostport)
        return prefix + b"/".join(quote(seg, safe="").encode("ascii") for seg in prepath)

    def prePathURL(self) -> bytes:
        """The absolute URL of the path walked so far. Twisted: server.Request.prePathURL."""
        return self._prePathURL(self.prepath)

    def URLPath(self) -> Any:
        """A URLPath object for ``prePathURL()``. Twisted: server.Request.URLPath."""
        from twistlike.web._urlpath import URLPath

        return URLPath.fromBytes(self.prePathURL())

    def rememberRootURL(self) -> None:
        """Remember the URL of the path walked so far as the app's root.

        Twisted: server.Request.rememberRootURL.
        """
        self.appRootURL = self._prePathURL(self.prepath[:-1] if self.postpath else self.prepath)

    def getRootURL(self) -> bytes | None:
        """Twisted: server.Request.getRootURL."""
        return self.appRootURL

    def childLink(self, name: bytes) -> bytes:
        """A relative link to child ``name``. Twisted: server.Request.childLink."""
        lpp = len(self.postpath)
        if lpp > 1:
            return ((lpp - 1) * b"../") + name
        if lpp == 1:
            return name
        if self.prepath and self.prepath[-1]:
            return self.prepath[-1] + b"/" + name
        return name

    # ---- sessions -------------------------------------------------------------------------

    def getSession(self, sessionInterface: Any = None, forceNotSecure: bool = False) -> Any:
        """This client's Session (made and sent as a cookie when there is none).

        Twisted: server.Request.getSession.
        """
        secure = self.isSecure() and not forceNotSecure
        if secure:
            cookieString, attribute = b"TWISTED_SECURE_SESSION", "_secureSession"
        else:
            cookieString, attribute = b"TWISTED_SESSION", "_insecureSession"
        session = getattr(self, attribute)
        if session is not None:
            try:
                session.touch()
            except (AlreadyCalled, AlreadyCancelled):
                session = None
        if session is None:
            cookieName = b"_".join([cookieString, *self.sitepath])
            cookie = self.getCookie(cookieName)
            if cookie:
                try:
                    session = self.site.getSession(cookie)
                except KeyError:
                    pass
            if not session:
                session = self.site.makeSession()
                self.addCookie(cookieName, session.uid, path=b"/", secure=secure)
        setattr(self, attribute, session)
        if sessionInterface:
            return session.getComponent(sessionInterface)
        return session


class Session:
    """Per-client state kept by a Site for ``sessionTimeout`` seconds after the last use.

    Twisted: twisted.web.server.Session (a Componentized: ``setComponent``/``getComponent``).

    Expiry runs on the reactor's clock (``reactor=`` takes a task.Clock in tests).
    """

    sessionTimeout: float = 900
    _expireCall: Any = None

    def __init__(self, site: Any, uid: bytes, reactor: Any = None) -> None:
        if reactor is None:
            from twistlike import reactor as globalReactor

            reactor = globalReactor
        self._reactor = reactor
        self._adapterCache: dict[Any, Any] = {}
        self.site = site
        self.uid = uid
        self.expireCallbacks: list[Callable[[], object]] = []
        self.touch()
        self.sessionNamespaces: dict[Any, Any] = {}

    def startCheckingExpiration(self) -> None:
        """Start the expiry timer. Twisted: Session.startCheckingExpiration."""
        self._expireCall = self._reactor.callLater(self.sessionTimeout, self.expire)

    def notifyOnExpire(self, callback: Callable[[], object]) -> None:
        """Call ``callback()`` when the session expires. Twisted: Session.notifyOnExpire."""
        self.expireCallbacks.append(callback)

    def expire(self) -> None:
        """Forget the session now and run the expiry callbacks. Twisted: Session.expire."""
        del self.site.sessions[self.uid]
        callbacks, self.expireCallbacks = self.expireCallbacks, []
        for callback in callbacks:
            callback()
        call = self._expireCall
        if call is not None and call.active():
            call.cancel()
        self._expireCall = None

    def touch(self) -> None:
        """Mark the session used now; the expiry restarts. Twisted: Session.touch."""
        self.lastModified: Any = self._reactor.seconds()
        if self._expireCall is not None:
            self._expireCall.reset(self.sessionTimeout)

    # Componentized, as Twisted's Session is.
    def setComponent(self, interfaceClass: Any, component: Any) -> None:
        """Store ``component`` for ``interfaceClass``. Twisted: Componentized.setComponent."""
        self._adapterCache[interfaceClass] = component

    def getComponent(self, interface: Any, default: Any = None) -> Any:
        """The component stored for ``interface``, else ``default``.

        Twisted: Componentized.getComponent.
        """
        return self._adapterCache.get(interface, default)

    def removeComponent(self, component: Any) -> list[Any]:
        """Forget ``component`` wherever it is stored. Twisted: Componentized.removeComponent."""
        removed = [k for k, v in self._adapterCache.items() if v is component]
        for key in removed:
            del self._adapterCache[key]
        return removed


class _GzipEncoder:
    """Compresses one response with gzip."""

    def __init__(self, compressLevel: int, request: Any) -> None:
        self._zlibCompressor = zlib.compressobj(compressLevel, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        self._request = request

    def encode(self, data: bytes) -> bytes:
        """Compress ``data`` (the length is no longer known: the response goes chunked)."""
        request = self._request
        if request is not None:
            request.responseHeaders.removeHeader(b"content-length")
        return self._zlibCompressor.compress(data)

    def finish(self) -> bytes:
        """The end of the compressed stream."""
        remain = self._zlibCompressor.flush()
        self._request = None
        return remain


class GzipEncoderFactory:
    """Gzip-encodes responses of requests that accept it (with EncodingResourceWrapper).

    Twisted: twisted.web.server.GzipEncoderFactory.
    """

    _gzipCheckRegex = re.compile(rb"(:?^|[\s,])gzip(:?$|[\s,])")
    compressLevel = 9

    def encoderForRequest(self, request: Any) -> _GzipEncoder | None:
        """An encoder when the request's Accept-Encoding names gzip, else None.

        Twisted: GzipEncoderFactory.encoderForRequest.
        """
        accept = b",".join(request.requestHeaders.getRawHeaders(b"accept-encoding", []))
        if not self._gzipCheckRegex.search(accept):
            return None
        encoding = request.responseHeaders.getRawHeaders(b"content-encoding")
        value = b",".join([*encoding, b"gzip"]) if encoding else b"gzip"
        request.responseHeaders.setRawHeaders(b"content-encoding", [value])
        return _GzipEncoder(self.compressLevel, request)


class Site(HTTPFactory):
    """Serves a resource tree over HTTP: each request renders the resource its path names.

    Twisted: twisted.web.server.Site.

    Args:
        resource: the root resource.
        requestFactory: the Request class (``server.Request`` by default).
        args: passed to :class:`~twistlike.web.http.HTTPFactory` (``logPath``,
            ``timeout``, ``logFormatter``, ``reactor`` and twistlike's limits).
        kwargs: likewise.
    """

    counter = 0
    requestFactory: Callable[..., Any] = Request
    displayTracebacks = False
    sessionFactory: Callable[..., Any] = Session
    sessionCheckTime = 1800
    _entropy = staticmethod(os.urandom)
    isLeaf = 0

    def __init__(
        self,
        resource: Any,
        requestFactory: Callable[..., Any] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        HTTPFactory.__init__(self, *args, **kwargs)
        self.sessions: dict[bytes, Any] = {}
        self.resource = resource
        if requestFactory is not None:
            self.requestFactory = requestFactory

    def _mkuid(self) -> bytes:
        return hexlify(self._entropy(32))

    def makeSession(self) -> Any:
        """Create and remember a new Session. Twisted: Site.makeSession."""
        uid = self._mkuid()
        session = self.sessions[uid] = self.sessionFactory(self, uid, reactor=self.reactor)
        session.startCheckingExpiration()
        return session

    def getSession(self, uid: bytes) -> Any:
        """The session ``uid``. Twisted: Site.getSession.

        Raises:
            KeyError: there is no such session (or it expired).
        """
        return self.sessions[uid]

    def buildProtocol(self, addr: Any) -> Any:
        """A channel that makes this site's requests. Twisted: Site.buildProtocol."""
        # Divergence from Twisted: the HTTPChannel itself, without the HTTP/2-negotiating
        # _GenericHTTPChannelProtocol proxy around it.
        channel = HTTPFactory.buildProtocol(self, addr)
        channel.requestFactory = self.requestFactory
        channel.site = self  # type: ignore[attr-defined]
        return channel

    def render(self, request: Any) -> None:
        """Redirect to the URL with a trailing slash. Twisted: Site.render."""
        request.redirect(request.prePathURL() + b"/")
        request.finish()

    def getChildWithDefault(self, pathEl: bytes, request: Any) -> Any:
        """Twisted: Site.getChildWithDefault."""
        request.site = self
        return self.resource.getChildWithDefault(pathEl, request)

    def getResourceFor(self, request: Any) -> Any:
        """The resource that renders ``request``. Twisted: Site.getResourceFor."""
        request.site = self
        request.sitepath = list(request.prepath)
        return resource.getChildForRequest(self.resource, request)

"""ASGI both ways (the asyncio side of twistlike.web.asgi).

* :func:`asgi_app`: a twisted.web resource tree (or Site) as an ASGI 3 application. Each
  ASGI ``http`` call becomes a ``server.Request`` on a channel whose writes become
  ``http.response.*`` events; ``http.disconnect`` becomes ``connectionLost`` (so
  ``notifyFinish`` fails with ConnectionDone, as over a real connection).
* :class:`ASGIResource`: an ASGI 3 application served as a resource of a Site; its
  lifespan startup runs when the reactor starts (at once when it is running already) and
  its shutdown before the reactor stops.

Flow control: a push producer registered on a request is paused while more than
``_HIGH_WATER`` response events wait for the ASGI server to take them, and resumed once
they are sent; a pull producer is asked for more whenever the queue is empty.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote

from zope.interface import implementer  # type: ignore[import-untyped, unused-ignore]

from twistlike._core.log import log_failure
from twistlike.address import IPv4Address, IPv6Address, UNIXAddress
from twistlike.defer import Deferred, ensureDeferred
from twistlike.error import ConnectionDone
from twistlike.failure import Failure
from twistlike.web.resource import IResource

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_log_ns = "twistlike.web.asgi"
_HIGH_WATER = 16
_SKIPPED_HEADERS = frozenset([b"transfer-encoding", b"connection", b"keep-alive", b"date"])


def _version() -> bytes:
    from twistlike.web.server import version

    return version


def _address(pair: Any, default: Any) -> Any:
    if not pair:
        return default
    host, port = pair[0], pair[1]
    if ":" in host:
        return IPv6Address("TCP", host, port)
    return IPv4Address("TCP", host, port)


class _ASGITransport:
    """The transport a request sees: addresses and flow control, no socket."""

    disconnecting = False

    def __init__(self, channel: _ASGIChannel, peer: Any, host: Any, secure: bool) -> None:
        self._channel = channel
        self._peer = peer
        self._host = host
        self.TLS = secure

    def getPeer(self) -> Any:
        return self._peer

    def getHost(self) -> Any:
        return self._host

    def write(self, data: bytes) -> None:
        self._channel.write(data)

    def writeSequence(self, iovec: Any) -> None:
        for data in iovec:
            self._channel.write(data)

    def loseConnection(self) -> None:
        self._channel.loseConnection()

    def abortConnection(self) -> None:
        self._channel.loseConnection()

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        self._channel.registerProducer(producer, streaming)

    def unregisterProducer(self) -> None:
        self._channel.unregisterProducer()

    def pauseProducing(self) -> None:
        """Nothing to pause: the body was read before the request was processed."""

    def resumeProducing(self) -> None:
        """Nothing to resume."""


class _ASGIChannel:
    """Stands where an HTTPChannel would: turns a Request's output into ASGI events."""

    def __init__(self, site: Any, scope: Scope) -> None:
        self.site = site
        self.factory = site
        self.requestFactory = site.requestFactory
        peer = _address(scope.get("client"), UNIXAddress(None))
        host = _address(scope.get("server"), IPv4Address("TCP", "127.0.0.1", 0))
        self.secure = scope.get("scheme") in ("https", "wss")
        self.transport = _ASGITransport(self, peer, host, self.secure)
        self.events: asyncio.Queue[Message | None] = asyncio.Queue()
        self.producer: Any = None
        self.streaming = False
        self.paused = False
        self.done = False
        self.head = False

    # ---- what the Request calls ----------------------------------------------------------

    def getPeer(self) -> Any:
        return self.transport.getPeer()

    def getHost(self) -> Any:
        return self.transport.getHost()

    def isSecure(self) -> bool:
        return self.secure

    def writeHeaders(self, version: bytes, code: bytes, reason: bytes, headers: Any) -> None:
        # The ASGI server frames the body and sends its own Date and Server headers.
        pairs = [
            (name.lower(), value)
            for name, values in headers.getAllRawHeaders()
            for value in values
            if name.lower() not in _SKIPPED_HEADERS
            and not (name.lower() == b"server" and value == _version())
        ]
        self._put({"type": "http.response.start", "status": int(code), "headers": pairs})

    def write(self, data: bytes) -> None:
        if data and not self.done:
            self._put({"type": "http.response.body", "body": data, "more_body": True})

    def writeSequence(self, iovec: Any) -> None:
        for data in iovec:
            self.write(data)

    def endResponse(self) -> None:
        if not self.done:
            self._put({"type": "http.response.body", "body": b"", "more_body": False})

    def requestDone(self, request: Any) -> None:
        self.done = True
        self.events.put_nowait(None)

    def loseConnection(self) -> None:
        if not self.done:
            self.done = True
            self.events.put_nowait(None)

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        self.producer = producer
        self.streaming = streaming
        self.paused = False
        if not streaming:
            producer.resumeProducing()

    def unregisterProducer(self) -> None:
        self.producer = None
        self.paused = False

    def _respondToBadRequestAndDisconnect(self, why: bytes = b"bad request") -> None:
        body = b"Bad Request: " + why
        self._put(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", b"text/plain"),
                    (b"content-length", b"%d" % len(body)),
                ],
            }
        )
        self._put({"type": "http.response.body", "body": body, "more_body": False})
        self.requestDone(None)

    def _put(self, message: Message) -> None:
        self.events.put_nowait(message)
        producer = self.producer
        if (
            producer is not None
            and self.streaming
            and not self.paused
            and self.events.qsize() > _HIGH_WATER
        ):
            self.paused = True
            producer.pauseProducing()

    # ---- the ASGI side -------------------------------------------------------------------

    def sent(self) -> None:
        """An event went to the server: resume or pull a producer when the queue drained."""
        producer = self.producer
        if producer is None or self.done:
            return
        if self.streaming:
            if self.paused and self.events.qsize() <= _HIGH_WATER // 2:
                self.paused = False
                producer.resumeProducing()
        elif self.events.empty():
            producer.resumeProducing()


def asgi_app(
    resource_or_site: Any, *, max_body_size: int | None = None
) -> Callable[..., Awaitable[None]]:
    """Return an ASGI 3 application that serves a twisted.web resource tree.

    twistlike-only (no Twisted counterpart).

    Args:
        resource_or_site: a root resource, or a Site (its requestFactory, sessions and
            ``displayTracebacks`` are used).
        max_body_size: the largest request body accepted (413 beyond); None for no limit.

    Render methods run on the ASGI server's loop; NOT_DONE_YET, Deferreds, callLater,
    producers and ``notifyFinish`` work as under a twistlike Site. The Site is started
    (``startFactory``: its access log opens) at lifespan startup or the first request, and
    stopped at lifespan shutdown.
    """
    from twistlike.web.server import Site

    site = resource_or_site if isinstance(resource_or_site, Site) else Site(resource_or_site)
    started = [False]

    def start() -> None:
        # The Site is used as a listening port would use it: startFactory opens its log.
        if not started[0]:
            started[0] = True
            site.doStart()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    start()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    if started[0]:
                        started[0] = False
                        site.doStop()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if kind != "http":
            raise ValueError(f"twistlike asgi_app serves HTTP only, not {kind!r} scopes")
        start()
        await _serveHTTP(site, scope, receive, send, max_body_size)

    return app


async def _serveHTTP(
    site: Any, scope: Scope, receive: Receive, send: Send, maxBody: int | None
) -> None:
    channel = _ASGIChannel(site, scope)
    request = site.requestFactory(channel, queued=False)
    for name, value in scope.get("headers", ()):
        request.requestHeaders.addRawHeader(name, value)
    length = request.requestHeaders.getRawHeaders(b"content-length")
    request.gotLength(int(length[0]) if length and length[0].isdigit() else None)
    received = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        body = message.get("body", b"")
        received += len(body)
        if maxBody is not None and received > maxBody:
            text = b"Request Entity Too Large: the request body is larger than %d bytes" % maxBody
            await send(
                {
                    "type": "http.response.start",
                    "status": 413,
                    "headers": [
                        (b"content-type", b"text/plain"),
                        (b"content-length", b"%d" % len(text)),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": text})
            return
        if body:
            request.handleContentChunk(body)
        if not message.get("more_body", False):
            break
    # ASGI's path includes root_path (where this app is mounted); the tree starts below it.
    path = scope.get("path", "/")
    raw = scope.get("raw_path") or quote(path).encode("ascii")
    root = scope.get("root_path", "")
    if root:
        rootRaw = quote(root).encode("ascii")
        if raw.startswith(rootRaw):
            raw = raw[len(rootRaw) :] or b"/"
    query = scope.get("query_string", b"")
    target = raw + (b"?" + query if query else b"")
    version = b"HTTP/" + str(scope.get("http_version", "1.1")).encode("ascii")
    request.parseCookies()
    watcher = asyncio.ensure_future(_watchDisconnect(receive, channel, request))
    try:
        try:
            request.requestReceived(scope["method"].encode("ascii"), target, version)
        except BaseException:
            log_failure(Failure(), "Unhandled error processing a request", namespace=_log_ns)
            channel.loseConnection()
        while True:
            event = await channel.events.get()
            if event is None:
                break
            await send(event)
            channel.sent()
    finally:
        watcher.cancel()
        try:
            await watcher
        except asyncio.CancelledError:
            pass


async def _watchDisconnect(receive: Receive, channel: _ASGIChannel, request: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
    if not channel.done:
        channel.done = True
        if not request.finished:
            request.connectionLost(Failure(ConnectionDone("the ASGI client disconnected")))
        channel.events.put_nowait(None)


@implementer(IResource)
class ASGIResource:
    """Serves an ASGI 3 application (FastAPI, Starlette ...) as a leaf resource of a Site.

    twistlike-only (no Twisted counterpart); used like WSGIResource.

    The application sees ``root_path`` as the path walked to this resource; ``path`` is the
    whole path (it includes ``root_path``, as the ASGI specification says). Its lifespan
    startup runs when the reactor starts (at once when it is running), its shutdown before
    the reactor stops; :meth:`startup`/:meth:`shutdown` run them by hand. An application
    that does not support lifespan is fine.

    Args:
        app: the ASGI application.
        lifespan: whether to run the lifespan protocol.
    """

    isLeaf = True
    server: Any = None

    def __init__(self, app: Callable[..., Awaitable[None]], lifespan: bool = True) -> None:
        from twistlike import reactor

        self.app = app
        self.state: dict[str, Any] = {}
        self._startup: Deferred[None] | None = None
        self._shutdown: Deferred[None] | None = None
        self._lifespanQueue: asyncio.Queue[Message] | None = None
        if lifespan:
            if reactor.running:
                self.startup()
            else:
                # A Deferred returned by a "before startup" trigger delays the rest of the
                # startup: the application is ready before callWhenRunning callbacks run.
                reactor.addSystemEventTrigger("before", "startup", self.startup)
            reactor.addSystemEventTrigger("before", "shutdown", self.shutdown)

    # ---- lifespan ----------------------------------------------------------------------------

    def startup(self) -> Deferred[None]:
        """Run the application's lifespan startup (once); fires when it completed.

        Fails with RuntimeError when the application reports ``lifespan.startup.failed``.
        """
        if self._startup is None:
            self._startup = ensureDeferred(self._runStartup())
        return self._startup

    async def _runStartup(self) -> None:
        queue: asyncio.Queue[Message] = asyncio.Queue()
        self._lifespanQueue = queue
        started: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._lifespanDone: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        scope = {
            "type": "lifespan",
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "state": self.state,
        }

        async def receive() -> Message:
            return await queue.get()

        async def send(message: Message) -> None:
            kind = message["type"]
            if kind == "lifespan.startup.complete" and not started.done():
                started.set_result(None)
            elif kind == "lifespan.startup.failed" and not started.done():
                started.set_exception(
                    RuntimeError(message.get("message", "lifespan startup failed"))
                )
            elif kind in ("lifespan.shutdown.complete", "lifespan.shutdown.failed"):
                if not self._lifespanDone.done():
                    self._lifespanDone.set_result(None)

        async def run() -> None:
            try:
                await self.app(scope, receive, send)
            except BaseException as e:
                # As ASGI servers do: an application without lifespan support may raise.
                if not started.done():
                    self._lifespanQueue = None
                    started.set_result(None)
                elif not isinstance(e, asyncio.CancelledError):
                    log_failure(Failure(e), "ASGI lifespan error", namespace=_log_ns)
            finally:
                if not self._lifespanDone.done():
                    self._lifespanDone.set_result(None)

        self._lifespanTask = asyncio.ensure_future(run())
        queue.put_nowait({"type": "lifespan.startup"})
        await started

    def shutdown(self) -> Deferred[None]:
        """Run the application's lifespan shutdown (once, after startup)."""
        if self._shutdown is None:
            self._shutdown = ensureDeferred(self._runShutdown())
        return self._shutdown

    async def _runShutdown(self) -> None:
        if self._startup is None:
            return
        try:
            await self._startup
        except Exception:
            return
        queue = self._lifespanQueue
        if queue is None:
            return
        queue.put_nowait({"type": "lifespan.shutdown"})
        await self._lifespanDone

    # ---- IResource -------------------------------------------------------------------------

    def getChildWithDefault(self, name: bytes, request: Any) -> Any:
        """Every path below is the application's (this is a leaf)."""
        return self

    def putChild(self, path: bytes, child: Any) -> None:
        """Raises RuntimeError: an ASGI application has no resource children."""
        raise RuntimeError("Cannot put IResource children under ASGIResource")

    def render(self, request: Any) -> int:
        """Run the application for ``request``; the response is written as it sends it."""
        ensureDeferred(self._call(request)).addErrback(
            lambda f: log_failure(f, "Unhandled error in ASGIResource", namespace=_log_ns)
        )
        return 1  # NOT_DONE_YET

    def _scope(self, request: Any) -> Scope:
        root = b"/" + b"/".join(request.prepath) if request.prepath else b""
        rest = b"/" + b"/".join(request.postpath)
        query = request.uri.split(b"?", 1)[1] if b"?" in request.uri else b""
        peer, host = request.getClientAddress(), request.getHost()
        headers = [
            (name.lower(), value)
            for name, values in request.requestHeaders.getAllRawHeaders()
            for value in values
        ]
        return {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": request.clientproto.decode("ascii").partition("/")[2] or "1.1",
            "method": request.method.decode("ascii"),
            "scheme": "https" if request.isSecure() else "http",
            "path": (root + rest).decode("utf-8", "surrogateescape"),
            "raw_path": root + rest,
            "query_string": query,
            "root_path": root.decode("utf-8", "surrogateescape"),
            "headers": headers,
            "client": (peer.host, peer.port) if hasattr(peer, "port") else None,
            "server": (host.host, host.port) if hasattr(host, "port") else None,
            "state": dict(self.state),
        }

    async def _call(self, request: Any) -> None:
        scope = self._scope(request)
        content = request.content
        body = content.read() if content is not None else b""
        disconnected: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        gone = [False]

        def over(result: object) -> None:
            # Finished, or the connection was lost (a Failure): either way, no more output.
            gone[0] = True
            if not disconnected.done():
                disconnected.set_result(None)

        request.notifyFinish().addBoth(over)
        bodySent = False
        started = False
        ended = False

        async def receive() -> Message:
            nonlocal bodySent
            if not bodySent:
                bodySent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await disconnected
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            nonlocal started, ended
            if gone[0] or ended:
                return
            kind = message["type"]
            if kind == "http.response.start":
                started = True
                request.setResponseCode(int(message["status"]))
                for name, value in message.get("headers", ()):
                    request.responseHeaders.addRawHeader(name, value)
            elif kind == "http.response.body":
                if not started:
                    raise RuntimeError("http.response.body sent before http.response.start")
                data = message.get("body", b"")
                if data:
                    request.write(data)
                if not message.get("more_body", False):
                    ended = True
                    request.finish()

        request.defaultContentType = None
        try:
            await self.app(scope, receive, send)
        except BaseException:
            failure = Failure()
            if gone[0] or ended:
                log_failure(failure, "ASGI application error", namespace=_log_ns)
            elif started:
                log_failure(failure, "ASGI application error", namespace=_log_ns)
                request.loseConnection()
            else:
                request.processingFailed(failure)
            return
        if not ended and not gone[0]:
            if not started:
                request.setResponseCode(500)
            request.finish()

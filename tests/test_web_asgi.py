"""ASGI both ways: a resource tree under uvicorn (asgi_app), an ASGI app in a Site
(ASGIResource).

uvicorn runs in the test's own loop (default loop and uvloop) on a socket bound to
127.0.0.1 port 0 before it starts, so clients connect without waiting for a readiness
signal; it is told to exit at the end and awaited with a bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from twistlike import reactor
from twistlike.error import ConnectionDone
from twistlike.failure import Failure
from twistlike.web import resource, server, static
from twistlike.web.asgi import ASGIResource, asgi_app

BOUND = 10.0


class _Tree(resource.Resource):
    def __init__(self, files: Path) -> None:
        super().__init__()
        self.putChild(b"hello", _Hello())
        self.putChild(b"later", _Later())
        self.putChild(b"files", static.File(str(files)))
        self.hang = _Hang()
        self.putChild(b"hang", self.hang)


class _Hello(resource.Resource):
    isLeaf = True

    def render_GET(self, request: Any) -> bytes:
        return b"hello " + b"/".join(request.postpath) + b" " + repr(request.args).encode()

    def render_POST(self, request: Any) -> bytes:
        return b"got " + bytes(request.content.read())


class _Later(resource.Resource):
    isLeaf = True

    def render_GET(self, request: Any) -> int:
        def finish() -> None:
            request.write(b"written ")
            request.write(b"later")
            request.finish()

        reactor.callLater(0, finish)
        return server.NOT_DONE_YET


class _Hang(resource.Resource):
    isLeaf = True

    def __init__(self) -> None:
        super().__init__()
        self.outcome: asyncio.Future[Any] | None = None
        self.rendered: asyncio.Future[None] | None = None

    def render_GET(self, request: Any) -> int:
        assert self.outcome is not None and self.rendered is not None
        request.notifyFinish().addBoth(self.outcome.set_result)
        self.rendered.set_result(None)
        return server.NOT_DONE_YET


async def _exchange(port: int, raw: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    data = await reader.read()
    writer.close()
    await writer.wait_closed()
    return data


@contextlib.asynccontextmanager
async def _uvicornTree(tmp_path: Path) -> AsyncIterator[tuple[int, _Tree]]:
    (tmp_path / "big.bin").write_bytes(bytes(range(256)) * 4096)
    tree = _Tree(tmp_path)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    config = uvicorn.Config(asgi_app(tree), http="h11", lifespan="on", log_level="warning")
    srv = uvicorn.Server(config)
    task = asyncio.ensure_future(srv.serve(sockets=[sock]))
    try:
        yield sock.getsockname()[1], tree
    finally:
        srv.should_exit = True
        async with asyncio.timeout(BOUND):
            await task
        sock.close()


@pytest.mark.asyncio
async def test_resource_tree_under_uvicorn(tmp_path: Path) -> None:
    """GET, POST, 404, NOT_DONE_YET and a streamed 1 MiB static file all work under uvicorn."""
    async with _uvicornTree(tmp_path) as (port, _), asyncio.timeout(BOUND):
        data = await _exchange(
            port, b"GET /hello/a/b?x=1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
        )
        assert data.startswith(b"HTTP/1.1 200 ")
        assert data.endswith(b"hello a/b {b'x': [b'1']}")
        assert data.count(b"server: ") == 1
        data = await _exchange(
            port,
            b"POST /hello HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\nConnection: close\r\n"
            b"\r\nbody",
        )
        assert data.endswith(b"got body")
        data = await _exchange(port, b"GET /nope HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        assert data.startswith(b"HTTP/1.1 404 ") and b"No Such Resource" in data
        data = await _exchange(port, b"GET /later HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        assert b"written " in data and data.endswith(b"0\r\n\r\n")
        data = await _exchange(
            port, b"GET /files/big.bin HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"
        )
        head, _, body = data.partition(b"\r\n\r\n")
        assert b"content-length: 1048576" in head.lower()
        assert body == bytes(range(256)) * 4096


@pytest.mark.asyncio
async def test_disconnect_under_uvicorn_fails_notify_finish(tmp_path: Path) -> None:
    """A client leaving mid-request fails notifyFinish with ConnectionDone under uvicorn."""
    loop = asyncio.get_running_loop()
    async with _uvicornTree(tmp_path) as (port, tree), asyncio.timeout(BOUND):
        tree.hang.outcome = loop.create_future()
        tree.hang.rendered = loop.create_future()
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /hang HTTP/1.1\r\nHost: h\r\n\r\n")
        await tree.hang.rendered
        writer.close()
        await writer.wait_closed()
        result = await tree.hang.outcome
        assert isinstance(result, Failure) and result.check(ConnectionDone)


def _echoApp(events: list[str]) -> Any:
    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                events.append(message["type"])
                if message["type"] == "lifespan.startup":
                    scope["state"]["ready"] = True
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        message = await receive()
        if scope["path"].endswith("/fail"):
            raise ValueError("app failure")
        text = f"{scope['method']} root={scope['root_path']} path={scope['path']} "
        text += f"q={scope['query_string'].decode()} ready={scope['state'].get('ready')} "
        await send(
            {
                "type": "http.response.start",
                "status": 207,
                "headers": [(b"content-type", b"text/plain"), (b"x-app", b"1")],
            }
        )
        await send({"type": "http.response.body", "body": text.encode(), "more_body": True})
        await send({"type": "http.response.body", "body": b"body=" + message["body"]})

    return app


@pytest.mark.twistlike_allow_unhandled_errors
@pytest.mark.asyncio
async def test_asgi_app_mounted_in_a_site() -> None:
    """An ASGI app under ASGIResource gets scope, body and lifespan; its response streams."""
    events: list[str] = []
    asgi = ASGIResource(_echoApp(events))
    root = resource.Resource()
    api = resource.Resource()
    root.putChild(b"api", api)
    api.putChild(b"v1", asgi)
    port = reactor.listenTCP(0, server.Site(root), interface="127.0.0.1")
    try:
        async with asyncio.timeout(BOUND):
            await asgi.startup()
            assert events == ["lifespan.startup"]
            data = await _exchange(
                port.getHost().port,
                b"POST /api/v1/items/7?x=y HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
                b"Connection: close\r\n\r\nabc",
            )
            head, _, body = data.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 207 ")
            assert b"X-App: 1" in head and b"Content-Type: text/plain" in head
            first = b"POST root=/api/v1 path=/api/v1/items/7 q=x=y ready=True "
            assert body == (b"%x\r\n%s\r\n8\r\nbody=abc\r\n0\r\n\r\n" % (len(first), first))
            data = await _exchange(
                port.getHost().port,
                b"GET /api/v1/fail HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
            )
            assert data.startswith(b"HTTP/1.1 500 ")
            await asgi.shutdown()
            assert events == ["lifespan.startup", "lifespan.shutdown"]
    finally:
        await port.stopListening()


@pytest.mark.asyncio
async def test_round_trip_resource_through_asgi_and_back() -> None:
    """asgi_app(tree) mounted with ASGIResource in a Site serves the tree unchanged."""
    inner = resource.Resource()
    inner.putChild(b"hello", _Hello())
    outer = resource.Resource()
    outer.putChild(b"inner", ASGIResource(asgi_app(inner)))
    port = reactor.listenTCP(0, server.Site(outer), interface="127.0.0.1")
    try:
        async with asyncio.timeout(BOUND):
            data = await _exchange(
                port.getHost().port,
                b"GET /inner/hello/z HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
            )
        assert data.startswith(b"HTTP/1.1 200 ") and data.endswith(b"hello z {}")
    finally:
        await port.stopListening()


_LIFESPAN_SCRIPT = r"""
from twistlike import reactor
from twistlike.web.asgi import ASGIResource

events = []

async def app(scope, receive, send):
    assert scope["type"] == "lifespan"
    while True:
        message = await receive()
        events.append(message["type"])
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        else:
            await send({"type": "lifespan.shutdown.complete"})
            return

resource = ASGIResource(app)
reactor.callWhenRunning(lambda: events.append("running"))
reactor.callLater(0.05, reactor.stop)
reactor.addSystemEventTrigger("after", "shutdown", lambda: events.append("stopped"))
reactor.run()
print(events)
"""


def test_lifespan_follows_reactor_run_and_stop() -> None:
    """An ASGIResource made before reactor.run() has its lifespan startup when the reactor
    starts and its shutdown before the reactor stops."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", _LIFESPAN_SCRIPT], capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(
        ["lifespan.startup", "running", "lifespan.shutdown", "stopped"]
    )

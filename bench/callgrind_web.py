"""Instruction counts of one hello-world HTTP request under valgrind (issue 15).

Run: python bench/callgrind_web.py [CASE ...] [--profile CASE]

Each case runs in a child interpreter under ``valgrind --tool=callgrind`` twice, with
``SMALL`` and ``LARGE`` sequential keep-alive requests on one connection; the difference
divided by ``LARGE - SMALL`` is the instruction count of one request, start-up, imports and
the connection's set-up cancelled out. No sockets and no load generator: each server's
protocol object is driven in-process over an in-memory transport, so the figure is the
server's own Python work per request (what bench_web.py's CPU figure measures, minus the
system calls and the event loop's socket handling). The request is bench_web.py's:
``GET /hello HTTP/1.1`` with a ``Host`` header; the answer is 12 bytes with Server, Date,
Content-Type and Content-Length headers. Cases:

- ``twistlike-uvloop`` / ``twistlike-asyncio``: a twistlike ``Site`` with the hello-world
  ``Resource`` behind twistlike's own TCP transport adapter (``_aio.stream.Connection``, the
  asyncio protocol a real server uses) over a fake asyncio transport, inside a running loop;
- ``twistlike-channel``: the same Site's HTTPChannel fed directly over a minimal Python
  transport (no adapter): ``twistlike-uvloop`` minus this is the transport adapter's share;
- ``twisted``: Twisted's ``twisted.web.server.Site`` with the same tree over Twisted's
  ``StringTransport`` (its protocol stack from ``dataReceived`` down to ``write``);
- ``uvicorn-uvloop``: uvicorn's ``H11Protocol`` with a bare ASGI 3 app over a fake asyncio
  transport (its response runs in a task, so each request costs the driver one await:
  ``turn-uvloop`` measures that await alone, to subtract);
- ``h11``: h11 alone doing the least one server request needs: receive the request bytes,
  read the Request and EndOfMessage events, send Response (the same four headers) + Data +
  EndOfMessage, ``start_next_cycle`` and look for a pipelined request (``trailing_data``);
- ``turn-uvloop``: the driver's await of a future resolved by ``call_soon`` (no server).

``--profile CASE`` runs CASE once under cProfile instead (no valgrind) and prints the
functions by own time, for the breakdown of a path.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from typing import Any

# (bench/ is this script's directory, so it is on sys.path.)
import _callgrind

SMALL = 1_000
LARGE = 6_000
CASES = (
    "h11",
    "twistlike-uvloop",
    "twistlike-asyncio",
    "twistlike-channel",
    "twisted",
    "uvicorn-uvloop",
    "turn-uvloop",
)
REQUEST = b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
HELLO = b"Hello, world"
DATE = b"Fri, 04 Dec 2026 21:00:00 GMT"


class FakeTransport:
    """An in-memory asyncio transport: counts what is written, never blocks."""

    def __init__(self) -> None:
        self.written = 0
        self.answers = 0
        self.waiter: asyncio.Future[None] | None = None

    def write(self, data: bytes) -> None:
        self.written += len(data)
        if data.endswith(HELLO):
            self.answers += 1
            waiter = self.waiter
            if waiter is not None:
                self.waiter = None
                waiter.set_result(None)

    def writelines(self, data: Any) -> None:
        for chunk in data:
            self.write(chunk)

    def is_closing(self) -> bool:
        return False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {
            "peername": ("127.0.0.1", 40000),
            "sockname": ("127.0.0.1", 8080),
        }.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def set_write_buffer_limits(self, high: Any = None, low: Any = None) -> None:
        pass

    def get_write_buffer_size(self) -> int:
        return 0

    def close(self) -> None:
        pass

    def abort(self) -> None:
        pass


def _check(transport: FakeTransport | ChannelTransport, n: int) -> None:
    if transport.answers != n:
        raise RuntimeError(f"{transport.answers} answers to {n} requests")


def run_h11(n: int) -> None:
    import h11

    conn = h11.Connection(h11.SERVER)
    end = h11.EndOfMessage()
    out = 0
    for _ in range(n):
        conn.receive_data(REQUEST)
        request = conn.next_event()
        assert type(request) is h11.Request
        assert type(conn.next_event()) is h11.EndOfMessage
        headers = [
            (b"Server", b"twistlike/0"),
            (b"Date", DATE),
            (b"Content-Type", b"text/html"),
            (b"Content-Length", b"12"),
        ]
        data = conn.send(h11.Response(status_code=200, headers=headers, reason=b"OK"))
        data += conn.send(h11.Data(data=HELLO))  # type: ignore[operator]
        data += conn.send(end)  # type: ignore[operator]
        out += len(data)  # type: ignore[arg-type]
        conn.start_next_cycle()
        # Is a pipelined request waiting? (Cheaper than a next_event() answering NEED_DATA.)
        if conn.trailing_data[0]:
            raise RuntimeError("nothing was pipelined")


def _tree(resourceModule: Any) -> Any:
    class Hello(resourceModule.Resource):  # type: ignore[misc]
        isLeaf = True

        def render_GET(self, request: Any) -> bytes:
            return HELLO

    root = resourceModule.Resource()
    root.putChild(b"hello", Hello())
    return root


def run_twistlike(loopName: str, n: int) -> None:
    from twistlike import reactor
    from twistlike._aio import loopstate
    from twistlike._aio.stream import Connection
    from twistlike.web import resource, server

    async def main() -> None:
        site = server.Site(_tree(resource))
        site.doStart()
        transport = FakeTransport()
        conn = Connection(site, loopstate.current(reactor), family=socket.AF_INET)
        conn.connection_made(transport)  # type: ignore[arg-type]
        received = conn.data_received
        for _ in range(n):
            received(REQUEST)
        _check(transport, n)
        conn.connection_lost(None)
        site.doStop()

    _callgrind.run_on(loopName, main())


class ChannelTransport:
    """The least a Twisted transport under an HTTPChannel needs (for ``twistlike-channel``)."""

    def __init__(self) -> None:
        from twistlike.address import IPv4Address

        self.answers = 0
        self.connected = 1
        self.disconnecting = False
        self._peer = IPv4Address("TCP", "127.0.0.1", 40000)
        self._host = IPv4Address("TCP", "127.0.0.1", 8080)

    def write(self, data: bytes) -> None:
        if data.endswith(HELLO):
            self.answers += 1

    def getPeer(self) -> Any:
        return self._peer

    def getHost(self) -> Any:
        return self._host

    def loseConnection(self) -> None:
        pass


def run_twistlike_channel(loopName: str, n: int) -> None:
    from twistlike.address import IPv4Address
    from twistlike.web import resource, server

    async def main() -> None:
        site = server.Site(_tree(resource))
        site.doStart()
        transport = ChannelTransport()
        channel = site.buildProtocol(IPv4Address("TCP", "127.0.0.1", 40000))
        channel.makeConnection(transport)
        received = channel.dataReceived
        for _ in range(n):
            received(REQUEST)
        _check(transport, n)
        site.doStop()

    _callgrind.run_on(loopName, main())


def run_twisted(n: int) -> None:
    import warnings

    warnings.simplefilter("ignore")
    from twisted.internet.address import IPv4Address
    from twisted.internet.testing import StringTransport
    from twisted.web import resource, server

    site = server.Site(_tree(resource))
    site.doStart()
    proto = site.buildProtocol(IPv4Address("TCP", "127.0.0.1", 40000))
    transport = StringTransport(
        hostAddress=IPv4Address("TCP", "127.0.0.1", 8080),
        peerAddress=IPv4Address("TCP", "127.0.0.1", 40000),
    )
    proto.makeConnection(transport)
    received = proto.dataReceived
    for i in range(n):
        received(REQUEST)
        if i % 64 == 0:
            transport.clear()
    if not transport.value().endswith(HELLO):
        raise RuntimeError("Twisted did not answer")
    site.doStop()


async def _app(scope: Any, receive: Any, send: Any) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/html"), (b"content-length", b"12")],
        }
    )
    await send({"type": "http.response.body", "body": HELLO})


def run_uvicorn(loopName: str, n: int) -> None:
    import uvicorn
    from uvicorn.protocols.http.h11_impl import H11Protocol
    from uvicorn.server import ServerState

    async def main() -> None:
        loop = asyncio.get_running_loop()
        config = uvicorn.Config(
            _app, http="h11", lifespan="off", access_log=False, log_level="warning"
        )
        config.load()
        state = ServerState()
        # What uvicorn's main loop keeps there (refreshed once a second).
        state.default_headers = [(b"date", DATE), *config.encoded_headers]
        proto = H11Protocol(config, state, {}, loop)
        transport = FakeTransport()
        proto.connection_made(transport)  # type: ignore[arg-type]
        for _ in range(n):
            waiter = transport.waiter = loop.create_future()
            proto.data_received(REQUEST)
            await waiter
        _check(transport, n)
        proto.connection_lost(None)

    _callgrind.run_on(loopName, main())


def run_turn(loopName: str, n: int) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        for _ in range(n):
            f = loop.create_future()
            loop.call_soon(f.set_result, None)
            await f

    _callgrind.run_on(loopName, main())


def run_case(case: str, n: int) -> None:
    """Serve ``n`` requests the ``case`` way (in the child, under valgrind)."""
    name, _, loopName = case.partition("-")
    if name == "h11":
        run_h11(n)
    elif name == "twistlike" and loopName.startswith("channel"):
        run_twistlike_channel(loopName.partition("-")[2] or "uvloop", n)
    elif name == "twistlike":
        run_twistlike(loopName, n)
    elif name == "twisted":
        run_twisted(n)
    elif name == "uvicorn":
        run_uvicorn(loopName, n)
    elif name == "turn":
        run_turn(loopName, n)
    else:
        raise SystemExit(f"unknown case {case!r}; cases: {', '.join(CASES)}")


def per_request(case: str) -> float:
    """Instructions of one request served the ``case`` way."""
    return _callgrind.per_operation(__file__, case, SMALL, LARGE, timeout=900)


def profile(case: str, n: int = LARGE) -> None:
    """Run ``case`` under cProfile and print where its time goes."""
    import cProfile
    import pstats

    run_case(case, 100)  # imports and first-use caches out of the picture
    profiler = cProfile.Profile()
    profiler.enable()
    run_case(case, n)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(40)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        run_case(argv[1], int(argv[2]))
        return 0
    if argv[:1] == ["--profile"]:
        profile(argv[1])
        return 0
    print("| case | instructions/request |")
    print("|---|---:|")
    for case in argv or CASES:
        perRequest = per_request(case)
        print(f"| {case} | {perRequest:,.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

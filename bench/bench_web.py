"""HTTP server benchmark: twistlike.web vs Twisted's twisted.web vs uvicorn+h11 (issue 15).

Run: python bench/bench_web.py [--quick] [--repeat N]

Each server runs in its own process; this process is the load generator (an asyncio client
on uvloop with keep-alive connections; ``wrk`` is not needed). The figure is the SERVER
process's CPU time (user + system, ``resource.getrusage`` read in the server before and after
each workload) per request, plus requests per second of wall time (which, on a small shared
machine, the client limits as much as the server).

Servers (all HTTP/1.1 with keep-alive, no access log):

- twistlike: ``Site`` with a hello-world ``Resource`` (``render_GET`` returns 12 bytes) and a
  ``static.File`` serving a 1 MiB file; on asyncio's default loop and on uvloop;
- Twisted: the same tree on Twisted's default reactor;
- uvicorn with ``http="h11"`` serving a bare ASGI 3 app: the same 12 bytes, and the same
  file read from disk in 64 KiB pieces per request; on asyncio and on uvloop.

Workloads (full / ``--quick``): hello: 32 connections, 20,000 (5,000) requests; static:
4 connections, 400 (100) requests for the 1 MiB file. Each cell is the best of 5 (3)
measurements, the cells taking turns. Bars (issue 15): twistlike on uvloop <= 0.6 x
Twisted's CPU per request; twistlike <= 1.3 x uvicorn+h11 on the same loop. Loopback only;
every wait is bounded; the server processes are killed on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

HELLO = b"Hello, world"
FILE_SIZE = 1 << 20
WORKLOAD_BOUND = 300.0
CONTROL_BOUND = 30.0


# ------------------------------------------------------------------------------------------
# Server side: python bench_web.py --serve IMPL LOOP FILE


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _control() -> None:
    """Answer "cpu" on stdin with this process's CPU seconds; exit at EOF."""
    for line in sys.stdin:
        if line.strip() == "cpu":
            print(f"{_cpu():.6f}", flush=True)
    os._exit(0)


def _bind() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    return sock


def _loop_factory(name: str) -> Callable[[], asyncio.AbstractEventLoop]:
    if name == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return asyncio.new_event_loop


def _tree(resource_module: Any, static_module: Any, path: str) -> Any:
    class Hello(resource_module.Resource):  # type: ignore[misc]
        isLeaf = True

        def render_GET(self, request: Any) -> bytes:
            return HELLO

    root = resource_module.Resource()
    root.putChild(b"hello", Hello())
    root.putChild(b"file", static_module.File(path))
    return root


def serve_twistlike(loop: str, path: str) -> None:
    from twistlike import reactor
    from twistlike.web import resource as tresource
    from twistlike.web import server, static

    port = reactor.listenTCP(0, server.Site(_tree(tresource, static, path)), interface="127.0.0.1")
    print(port.getHost().port, flush=True)
    threading.Thread(target=_control, daemon=True).start()
    reactor.run(loop_factory=_loop_factory(loop))


def serve_twisted(path: str) -> None:
    import warnings

    warnings.simplefilter("ignore")
    from twisted.internet import reactor as twistedReactor
    from twisted.web import resource as tresource
    from twisted.web import server, static

    reactor: Any = twistedReactor
    port = reactor.listenTCP(0, server.Site(_tree(tresource, static, path)), interface="127.0.0.1")
    print(port.getHost().port, flush=True)
    threading.Thread(target=_control, daemon=True).start()
    reactor.run()


def serve_uvicorn(loop: str, path: str) -> None:
    import uvicorn

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/hello":
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"text/html"), (b"content-length", b"12")],
                }
            )
            await send({"type": "http.response.body", "body": HELLO})
            return
        size = os.path.getsize(path)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/octet-stream"),
                    (b"content-length", b"%d" % size),
                ],
            }
        )
        with open(path, "rb") as f:
            while chunk := f.read(65536):
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    sock = _bind()
    print(sock.getsockname()[1], flush=True)
    threading.Thread(target=_control, daemon=True).start()
    config = uvicorn.Config(
        app, http="h11", loop=loop, lifespan="off", access_log=False, log_level="warning"
    )
    uvicorn.Server(config).run(sockets=[sock])


def serve(impl: str, loop: str, path: str) -> None:
    if impl == "twistlike":
        serve_twistlike(loop, path)
    elif impl == "twisted":
        serve_twisted(path)
    else:
        serve_uvicorn(loop, path)


# ------------------------------------------------------------------------------------------
# Client side


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[str]
    port: int

    def cpu(self) -> float:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("cpu\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())


@contextlib.contextmanager
def running(impl: str, loop: str, path: str) -> Iterator[Server]:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", impl, loop, path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        yield Server(f"{impl}/{loop}", proc, int(line))
    finally:
        proc.kill()
        proc.wait(timeout=CONTROL_BOUND)


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lower = head.lower()
    i = lower.index(b"content-length:")
    length = int(lower[i + 15 : lower.index(b"\r\n", i)])
    await reader.readexactly(length)
    return length


async def load(port: int, path: bytes, connections: int, total: int) -> float:
    request = b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    remaining = [total]

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 21)
        while remaining[0] > 0:
            remaining[0] -= 1
            await _one(reader, writer, request)
        writer.close()

    start = time.perf_counter()
    async with asyncio.timeout(WORKLOAD_BOUND):
        await asyncio.gather(*(worker() for _ in range(connections)))
    return time.perf_counter() - start


def _client_loop() -> Callable[[], asyncio.AbstractEventLoop]:
    try:
        import uvloop

        return uvloop.new_event_loop
    except ImportError:
        return asyncio.new_event_loop


def measure(server: Server, path: bytes, connections: int, total: int) -> tuple[float, float]:
    """(server µs CPU per request, requests per second)."""
    runner = asyncio.Runner(loop_factory=_client_loop())
    with runner:
        runner.run(load(server.port, path, connections, max(total // 10, connections)))  # warm
        before = server.cpu()
        wall = runner.run(load(server.port, path, connections, total))
        after = server.cpu()
    return (after - before) / total * 1e6, total / wall


CELLS = [
    ("twistlike", "asyncio"),
    ("twistlike", "uvloop"),
    ("twisted", "-"),
    ("uvicorn", "asyncio"),
    ("uvicorn", "uvloop"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--serve", nargs=3, metavar=("IMPL", "LOOP", "FILE"))
    args = parser.parse_args()
    if args.serve:
        serve(*args.serve)
        return 0
    repeat = args.repeat or (3 if args.quick else 5)
    workloads = {
        "hello": (b"/hello", 32, 5_000 if args.quick else 20_000),
        "static 1 MiB": (b"/file", 4, 100 if args.quick else 400),
    }
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(os.urandom(FILE_SIZE))
        f.flush()
        results: dict[tuple[str, str], dict[str, tuple[float, float]]] = {}
        with contextlib.ExitStack() as stack:
            servers = {cell: stack.enter_context(running(*cell, f.name)) for cell in CELLS}
            for workload, (path, connections, total) in workloads.items():
                best: dict[tuple[str, str], tuple[float, float]] = {}
                for _ in range(repeat):
                    for cell, server in servers.items():
                        cpu, rate = measure(server, path, connections, total)
                        old = best.get(cell)
                        if old is None or cpu < old[0]:
                            best[cell] = (cpu, max(rate, old[1] if old else 0.0))
                        else:
                            best[cell] = (old[0], max(rate, old[1]))
                for cell in CELLS:
                    results.setdefault(cell, {})[workload] = best[cell]
    twisted = results[("twisted", "-")]
    print("| workload | server | loop | µs CPU/request | req/s | vs Twisted | vs uvicorn+h11 |")
    print("|---|---|---|---:|---:|---:|---:|")
    for workload in workloads:
        for impl, loop in CELLS:
            cpu, rate = results[(impl, loop)][workload]
            vsTwisted = cpu / twisted[workload][0]
            uv = results.get(("uvicorn", loop if loop != "-" else "uvloop"), {}).get(workload)
            vsUvicorn = f"{cpu / uv[0]:.2f}" if uv and impl != "uvicorn" else ""
            print(
                f"| {workload} | {impl} | {loop} | {cpu:,.1f} | {rate:,.0f} | {vsTwisted:.2f} | "
                f"{vsUvicorn} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""TCP echo server benchmark: twistlike vs a raw asyncio.Protocol vs Twisted (issue 4).

Run: python bench/bench_tcp.py [--quick] [--repeat N]

The echo server runs in its own process; this process is the client (raw asyncio protocols,
on uvloop when installed). What is measured is the SERVER process's CPU time (user + system,
``resource.getrusage`` in the server, read before and after each workload) per operation:
on a small machine wall-clock throughput is limited by the client, CPU per operation is not.

Servers:

- twistlike: a ``Protocol`` whose ``dataReceived`` writes the data back, served by
  ``reactor.listenTCP`` and ``reactor.run(loop_factory=...)``;
- raw asyncio: an ``asyncio.Protocol`` whose ``data_received`` writes the data back, served by
  ``loop.create_server(sock=...)`` on a socket bound the way ``listenTCP`` binds it, so that
  both servers get the same kind of socket;
- Twisted: the same Protocol on Twisted's default reactor.

The first two run on asyncio's default loop and on uvloop.

Workloads (full / ``--quick``):

- ping-pong: 50 connections, each sends a 64-byte message and waits for its echo, 200,000
  (40,000) round trips in all; CPU per round trip.
- bulk: one connection streams 256 MiB (128 MiB) to the server, which echoes it back, so the
  server's read and write paths both carry every byte; the client keeps at most 1 MiB
  unechoed (64 KiB writes), which keeps the echo servers' buffers small and their reads
  regular (they, like most echo servers, never pause reading); CPU per MiB.
- churn: 5,000 (1,500) short connections, 50 at a time: connect, 1-byte echo, close; CPU per
  connection.
- idle: 2,000 (1,000) connections opened and kept open (each first does a 1-byte echo, so the
  server has accepted it and built its protocol); server RSS growth per connection, in bytes,
  over the second half (the first half uses up the free memory each server happens to have).
  Every idle measurement gets a fresh server process, so that memory freed earlier does
  not hide the connections' cost; the CPU workloads use one server per cell, warmed up.

Each cell is the best of 5 (``--quick``: 3) measurements, the cells of one workload taking
turns, and the server and client are pinned to different CPUs when there are two: on a busy
machine single measurements vary by +-30 %.

Bars (issue 4), as twistlike / raw asyncio on the same loop: ping-pong and bulk <= 1.10,
churn <= 1.20, idle bytes per connection <= 1.5. Loopback only; every wait is bounded; the
server processes are killed on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import resource
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

MESSAGE = b"m" * 64
#: Bound for one workload's client side, in seconds.
WORKLOAD_BOUND = 300.0
#: Bound for a server to start or to answer a control command, in seconds.
CONTROL_BOUND = 30.0


# ------------------------------------------------------------------------------------------
# The server process: python bench_tcp.py --serve IMPL LOOP


def _rss() -> int:
    """This process's resident set size in bytes, now."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: the peak is the best we have
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > 65536:
        hard = 65536
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _control() -> None:
    """Answer the parent on stdin/stdout from a thread; the event loop is never touched.

    ``stats`` prints "cpu_seconds rss_bytes" (``rss`` too, after a garbage collection); end
    of input or ``quit`` ends the process.
    """

    def serve() -> None:
        for line in sys.stdin:
            command = line.strip()
            if command == "stats":
                print(f"{_cpu():.6f} {_rss()}", flush=True)
            elif command == "rss":
                # Garbage from the connections' set-up is not their cost.
                gc.collect()
                print(f"{_cpu():.6f} {_rss()}", flush=True)
            elif command == "quit":
                break
        os._exit(0)

    threading.Thread(target=serve, daemon=True).start()


def _bind() -> socket.socket:
    # Bound as twistlike's listenTCP binds (the same socket kind for both asyncio servers).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(4096)
    sock.setblocking(False)
    return sock


def _loop_factory(name: str) -> Callable[[], asyncio.AbstractEventLoop]:
    if name == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return asyncio.new_event_loop


def serve_twistlike(loop: str) -> None:
    from twistlike import reactor
    from twistlike.protocol import Factory, Protocol

    class Echo(Protocol):
        def dataReceived(self, data: bytes) -> None:
            self.transport.write(data)

    factory = Factory.forProtocol(Echo)
    factory.noisy = False
    port = reactor.listenTCP(0, factory, backlog=4096, interface="127.0.0.1")
    print(port.getHost().port, flush=True)
    _control()
    reactor.run(loop_factory=_loop_factory(loop))


def serve_raw(loop: str) -> None:
    class Echo(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport

        def data_received(self, data: bytes) -> None:
            self.transport.write(data)  # type: ignore[attr-defined]

    async def main() -> None:
        sock = _bind()
        server = await asyncio.get_running_loop().create_server(Echo, sock=sock)
        print(sock.getsockname()[1], flush=True)
        _control()
        async with server:
            await server.serve_forever()

    with asyncio.Runner(loop_factory=_loop_factory(loop)) as runner:
        runner.run(main())


TWISTED_SERVER = """
from twisted.internet import reactor
from twisted.internet.protocol import Factory, Protocol

class Echo(Protocol):
    def dataReceived(self, data):
        self.transport.write(data)

factory = Factory.forProtocol(Echo)
factory.noisy = False
port = reactor.listenTCP(0, factory, backlog=4096, interface="127.0.0.1")
print(port.getHost().port, flush=True)
control()
reactor.run()
"""


def serve_twisted() -> None:
    exec(TWISTED_SERVER, {"control": _control})


def _pin(which: int) -> None:
    """Keep this process on one CPU (server and client on different ones), where possible.

    The parent records the CPUs it may use in ``BENCH_TCP_CPUS`` before pinning itself, so
    that its server children (which inherit its affinity) can pick another one.
    """
    if not hasattr(os, "sched_setaffinity"):  # not Linux
        return
    cpus = os.environ.get("BENCH_TCP_CPUS")
    if cpus is None:
        cpus = os.environ["BENCH_TCP_CPUS"] = ",".join(map(str, sorted(os.sched_getaffinity(0))))
    allowed = [int(c) for c in cpus.split(",")]
    if len(allowed) >= 2:
        os.sched_setaffinity(0, {allowed[which]})


def serve(impl: str, loop: str) -> None:
    _raise_fd_limit()
    _pin(0)
    if impl == "twistlike":
        serve_twistlike(loop)
    elif impl == "raw":
        serve_raw(loop)
    else:
        serve_twisted()


# ------------------------------------------------------------------------------------------
# The client side (this process)


class Server:
    """A server subprocess and its control channel."""

    def __init__(self, impl: str, loop: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--serve", impl, loop],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.port = int(self._line())

    def _line(self) -> str:
        assert self.proc.stdout is not None
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.proc.stdout.readline()))  # type: ignore[union-attr]
        reader.daemon = True
        reader.start()
        reader.join(CONTROL_BOUND)
        if not result or not result[0]:
            raise RuntimeError("the server process did not answer")
        return result[0]

    def stats(self, command: str = "stats") -> tuple[float, int]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        cpu, rss = self._line().split()
        return float(cpu), int(rss)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write("quit\n")
                self.proc.stdin.flush()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


@contextlib.contextmanager
def running(impl: str, loop: str) -> Iterator[Server]:
    server = Server(impl, loop)
    try:
        yield server
    finally:
        server.close()


class _PingPong(asyncio.Protocol):
    def __init__(self, rounds: int, done: asyncio.Future[None]) -> None:
        self.rounds = rounds
        self.pending = 0
        self.done = done

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: Any = transport
        transport.write(MESSAGE)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        self.pending += len(data)
        while self.pending >= len(MESSAGE):
            self.pending -= len(MESSAGE)
            self.rounds -= 1
            if self.rounds:
                self.transport.write(MESSAGE)
            else:
                self.transport.close()
                self.done.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_exception(ConnectionError(f"lost early: {exc}"))


async def ping_pong(port: int, connections: int, total: int) -> int:
    loop = asyncio.get_running_loop()
    each = total // connections
    futures = []
    for _ in range(connections):
        done: asyncio.Future[None] = loop.create_future()
        futures.append(done)
        await loop.create_connection(lambda d=done: _PingPong(each, d), "127.0.0.1", port)  # type: ignore[misc]
    await asyncio.gather(*futures)
    return each * connections


class _Bulk(asyncio.Protocol):
    """Streams ``total`` bytes and reads the echo, with at most ``window`` bytes unechoed.

    The window keeps the server's reads and writes regular: with unbounded buffers, how
    many bytes each recv() returns (and so the CPU per MiB) depends mostly on scheduling.
    """

    chunk = b"b" * (64 << 10)
    window = 1 << 20

    def __init__(self, total: int, done: asyncio.Future[None]) -> None:
        self.total = total
        self.sent = 0
        self.received = 0
        self.paused = False
        self.done = done

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: Any = transport
        self._send()

    def _send(self) -> None:
        while (
            not self.paused and self.sent < self.total and self.sent - self.received < self.window
        ):
            self.transport.write(self.chunk)
            self.sent += len(self.chunk)

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        self._send()

    def data_received(self, data: bytes) -> None:
        self.received += len(data)
        if self.received >= self.total:
            self.transport.close()
            self.done.set_result(None)
        else:
            self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_exception(ConnectionError(f"lost early: {exc}"))


async def bulk(port: int, mib: int) -> int:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    total = mib << 20
    await loop.create_connection(lambda: _Bulk(total, done), "127.0.0.1", port)
    await done
    return mib


async def _echo_one(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"x")
    if await reader.readexactly(1) != b"x":
        raise RuntimeError("bad echo")
    return reader, writer


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()


async def churn(port: int, total: int, concurrency: int = 50) -> int:
    async def worker(n: int) -> None:
        for _ in range(n):
            _, writer = await _echo_one(port)
            await _close(writer)

    await asyncio.gather(*(worker(total // concurrency) for _ in range(concurrency)))
    return total // concurrency * concurrency


async def idle_open(port: int, total: int) -> list[asyncio.StreamWriter]:
    writers: list[asyncio.StreamWriter] = []
    for start in range(0, total, 100):
        pairs = await asyncio.gather(
            *(_echo_one(port) for _ in range(start, min(total, start + 100)))
        )
        writers.extend(w for _, w in pairs)
    return writers


def _client_loop() -> Callable[[], asyncio.AbstractEventLoop]:
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        return asyncio.new_event_loop
    return uvloop.new_event_loop


def _run(coro: Any) -> Any:
    async def bounded() -> Any:
        async with asyncio.timeout(WORKLOAD_BOUND):
            return await coro

    with asyncio.Runner(loop_factory=_client_loop()) as runner:
        return runner.run(bounded())


@dataclass
class Sizes:
    pingpong_connections: int
    pingpong_total: int
    bulk_mib: int
    churn_total: int
    idle_total: int


FULL = Sizes(50, 200_000, 256, 5_000, 2_000)
QUICK = Sizes(50, 40_000, 128, 1_500, 1_000)


def _workload(server: Server, workload: str, sizes: Sizes) -> float:
    """Run a CPU workload against ``server``; return its CPU seconds per operation."""
    cpu0, _ = server.stats()
    if workload == "ping-pong":
        ops = _run(ping_pong(server.port, sizes.pingpong_connections, sizes.pingpong_total))
    elif workload == "bulk":
        ops = _run(bulk(server.port, sizes.bulk_mib))
    else:
        ops = _run(churn(server.port, sizes.churn_total))
    cpu1, _ = server.stats()
    return (cpu1 - cpu0) / int(ops)


def _idle(server: Server, sizes: Sizes) -> float:
    """Bytes of server RSS per idle connection.

    The slope over the second half: the first half uses up whatever free memory the process
    had (after imports and the warm-up), which differs between servers.
    """
    half = sizes.idle_total // 2

    async def hold() -> tuple[int, int]:
        first = await idle_open(server.port, half)
        _, rss_a = await asyncio.to_thread(server.stats, "rss")
        second = await idle_open(server.port, half)
        _, rss_b = await asyncio.to_thread(server.stats, "rss")
        await asyncio.gather(*(_close(w) for w in first + second))
        return rss_a, rss_b

    rss_a, rss_b = _run(hold())
    return float(rss_b - rss_a) / half


def measure(cells: list[tuple[str, str]], workload: str, sizes: Sizes, repeat: int) -> list[float]:
    """The best of ``repeat`` measurements of each (impl, loop) cell.

    The cells' runs are interleaved, so that a noisy stretch of time (other processes on
    the machine) does not fall on one of them only. CPU workloads reuse one server per cell;
    the idle workload gets a fresh server each time.
    """
    results = [float("inf")] * len(cells)
    with contextlib.ExitStack() as stack:
        servers: list[Server] = []
        if workload != "idle":
            for impl, loop in cells:
                servers.append(stack.enter_context(running(impl, loop)))
                _run(churn(servers[-1].port, 50, 10))  # warm up: lazy imports, caches
        for _ in range(repeat):
            for i, (impl, loop) in enumerate(cells):
                if workload == "idle":
                    with running(impl, loop) as server:
                        _run(churn(server.port, 50, 10))
                        value = _idle(server, sizes)
                else:
                    value = _workload(servers[i], workload, sizes)
                results[i] = min(results[i], value)
    return results


WORKLOADS = {
    # name: (unit, scale from the measured value, bar)
    "ping-pong": ("µs CPU/round trip", 1e6, 1.10),
    "bulk": ("ms CPU/MiB", 1e3, 1.10),  # shown with 2 decimals
    "churn": ("µs CPU/connection", 1e6, 1.20),
    "idle": ("bytes RSS/connection", 1.0, 1.5),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts (< 60 s)")
    parser.add_argument("--repeat", type=int, default=None, help="runs per cell (best kept)")
    parser.add_argument("--serve", nargs=2, metavar=("IMPL", "LOOP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(*args.serve)
        return 0
    _raise_fd_limit()
    _pin(1)
    sizes = QUICK if args.quick else FULL
    repeat = args.repeat or (3 if args.quick else 5)
    loops = ["asyncio"]
    try:
        import uvloop  # noqa: F401

        loops.append("uvloop")
    except ImportError:  # pragma: no cover
        pass

    started = time.monotonic()
    print(
        f"{'quick' if args.quick else 'full'} run: ping-pong {sizes.pingpong_connections} conns x "
        f"{sizes.pingpong_total // sizes.pingpong_connections} round trips, bulk "
        f"{sizes.bulk_mib} MiB echoed, churn {sizes.churn_total} conns, idle "
        f"{sizes.idle_total} conns; server-process CPU (RSS for idle), best of {repeat}"
    )
    print()
    print("| workload | loop | twistlike | raw asyncio | ratio | bar | Twisted |")
    print("|---|---|---:|---:|---:|---|---:|")
    for workload, (unit, scale, bar) in WORKLOADS.items():
        cells = [("twisted", "default")]
        for loop in loops:
            cells += [("twistlike", loop), ("raw", loop)]
        twisted, *pairs = measure(cells, workload, sizes, repeat)
        for n, loop in enumerate(loops):
            ours, raw = pairs[2 * n], pairs[2 * n + 1]
            ratio = ours / raw if raw > 0 else float("inf")
            verdict = "ok" if ratio <= bar else "MISSED"
            digits = 2 if workload == "bulk" else 1
            print(
                f"| {workload} ({unit}) | {loop} | {ours * scale:,.{digits}f} "
                f"| {raw * scale:,.{digits}f} | {ratio:.2f} | <= {bar:.2f} {verdict} "
                f"| {twisted * scale:,.{digits}f} |",
                flush=True,
            )
    print()
    print(f"took {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

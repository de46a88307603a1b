"""twistd --workers benchmark: one server process versus two workers (issue 11).

Run: python bench/bench_workers.py [--quick] [--repeat N] [--loop uvloop|asyncio]

The server is a .tac echo server run by ``python -m twistlike twistd -n``; this process is
the client (raw asyncio protocols on uvloop when installed). Servers, in one interleaved run:

- ``twistlike 1 process``: ``twistd`` without ``--workers``;
- ``twistlike --workers 2 (reuseport)``: two workers, one SO_REUSEPORT socket each;
- ``twistlike --workers 2 (shared)``: two workers accepting from one shared socket;
- ``Twisted twistd``: Twisted's own twistd with the same .tac (Twisted imports), for
  reference (its default reactor, one process).

Workloads (full / ``--quick``):

- ping-pong: 100 connections, each sends a 64-byte message and waits for its echo,
  100,000 (20,000) round trips in all.
- churn: 6,000 (1,500) short connections, 100 at a time: connect, 1-byte request, the
  server answers with its pid (so the spread over workers is counted), close.

Two figures per cell: wall-clock throughput (operations per second, what a user sees) and
server CPU per operation (user + system time of the supervisor and all workers, read from
/proc/<pid>/stat before and after). Each cell is the best of 3 (``--quick``: 2) rounds, the
servers taking turns. The machine has 2 cores and the client needs one of them too: with
two busy workers and the client, three processes share two cores, so throughput cannot
double; the CPU figure shows what the workers themselves cost.

Loopback only; every wait is bounded; the server processes are stopped (SIGTERM, then
SIGKILL) on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MESSAGE = b"m" * 64
BOUND = 300.0

TAC = """
import os
{imports}


class Echo(Protocol):
    def dataReceived(self, data):
        if data == b"?":
            self.transport.write(b"%d" % os.getpid())
            self.transport.loseConnection()
        else:
            self.transport.write(data)


class Listen(service.Service):
    def privilegedStartService(self):
        self.port = reactor.listenTCP(0, Factory.forProtocol(Echo), interface="127.0.0.1",
                                      backlog=1024)
        with open(os.environ["BENCH_PORT_FILE"] + ".tmp", "w") as f:
            f.write(str(self.port.getHost().port))
        os.rename(os.environ["BENCH_PORT_FILE"] + ".tmp", os.environ["BENCH_PORT_FILE"])

    def startService(self):
        super().startService()
        os.write(1, b"bench-ready %d\\n" % os.getpid())

    def stopService(self):
        super().stopService()
        return self.port.stopListening()


application = service.Application("bench")
Listen().setServiceParent(application)
"""

TWISTLIKE_IMPORTS = """from twistlike import reactor
from twistlike.application import service
from twistlike.protocol import Factory, Protocol"""
TWISTED_IMPORTS = """from twisted.internet import reactor
from twisted.application import service
from twisted.internet.protocol import Factory, Protocol"""


@dataclass
class Server:
    """One running twistd and what it reported."""

    name: str
    proc: subprocess.Popen[bytes]
    port: int
    pids: list[int]
    spread: Counter[int] = field(default_factory=Counter)


def _cpu(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _serverCPU(server: Server) -> float:
    return sum(_cpu(pid) for pid in [server.proc.pid, *server.pids])


def _start(name: str, argv: list[str], tac: str, workers: int, tmp: Path) -> Server:
    tacFile = tmp / f"{abs(hash(name))}.tac"
    tacFile.write_text(tac)
    portFile = tmp / f"{abs(hash(name))}.port"
    env = dict(os.environ, BENCH_PORT_FILE=str(portFile), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [*argv, "-n", "-l", str(tmp / f"{abs(hash(name))}.log"), "--pidfile=", "-y", str(tacFile)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=tmp,
    )
    assert proc.stdout is not None
    pids: list[int] = []
    deadline = time.monotonic() + 60
    while len(pids) < workers:
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"{name}: workers did not start")
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{name}: twistd exited (status {proc.wait(5)})")
        if line.startswith(b"bench-ready"):
            pid = int(line.split()[1])
            if pid not in pids:
                pids.append(pid)
    if workers == 1 and pids == [proc.pid]:
        pids = []  # the single process is proc itself
    return Server(name, proc, int(portFile.read_text()), pids)


def _stop(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(30)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(10)


class _PingPong(asyncio.Protocol):
    def __init__(self, remaining: list[int], done: asyncio.Future[None]) -> None:
        self.remaining = remaining
        self.done = done
        self.got = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self._send()

    def _send(self) -> None:
        if self.remaining[0] <= 0:
            self.transport.close()
            return
        self.remaining[0] -= 1
        self.got = 0
        self.transport.write(MESSAGE)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        self.got += len(data)
        if self.got >= len(MESSAGE):
            self._send()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def _pingpong(port: int, total: int, connections: int) -> None:
    loop = asyncio.get_running_loop()
    remaining = [total]
    dones = []
    for _ in range(connections):
        done: asyncio.Future[None] = loop.create_future()
        await loop.create_connection(lambda d=done: _PingPong(remaining, d), "127.0.0.1", port)
        dones.append(done)
    await asyncio.gather(*dones)


class _Ask(asyncio.Protocol):
    """One churn connection: send "?", collect the pid the server answers, see it close."""

    def __init__(self, done: asyncio.Future[bytes]) -> None:
        self.done = done
        self.reply = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(b"?")  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        self.reply += data

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(self.reply)


async def _churn(port: int, total: int, concurrency: int, spread: Counter[int]) -> None:
    loop = asyncio.get_running_loop()
    remaining = [total]

    async def one() -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            done: asyncio.Future[bytes] = loop.create_future()
            await loop.create_connection(functools.partial(_Ask, done), "127.0.0.1", port)
            spread[int(await done)] += 1

    await asyncio.gather(*(one() for _ in range(concurrency)))


def _measure(server: Server, workload: str, n: int, loopFactory: object) -> tuple[float, float]:
    """Run one workload; return (operations per wall second, server CPU µs per operation)."""
    before = _serverCPU(server)
    started = time.perf_counter()

    async def run() -> None:
        async with asyncio.timeout(BOUND):
            if workload == "ping-pong":
                await _pingpong(server.port, n, 100)
            else:
                await _churn(server.port, n, 100, server.spread)

    with asyncio.Runner(loop_factory=loopFactory) as runner:  # type: ignore[arg-type]
        runner.run(run())
    wall = time.perf_counter() - started
    cpu = _serverCPU(server) - before
    return n / wall, cpu / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=None)
    parser.add_argument("--loop", choices=["uvloop", "asyncio"], default="uvloop")
    args = parser.parse_args()
    repeat = args.repeat or (2 if args.quick else 3)
    sizes = {
        "ping-pong": 20_000 if args.quick else 100_000,
        "churn": 1_500 if args.quick else 6_000,
    }
    try:
        import uvloop

        clientLoop: object = uvloop.new_event_loop
    except ImportError:
        clientLoop = asyncio.new_event_loop

    twistd = [sys.executable, "-m", "twistlike", "twistd", "--reactor", args.loop]
    twistedTwistd = [sys.executable, "-c", "from twisted.scripts.twistd import run; run()"]
    configs = [
        ("twistlike 1 process", twistd, TWISTLIKE_IMPORTS, 1),
        ("twistlike --workers 2 (reuseport)", [*twistd, "--workers", "2"], TWISTLIKE_IMPORTS, 2),
        (
            "twistlike --workers 2 (shared)",
            [*twistd, "--workers", "2", "--worker-sockets", "shared"],
            TWISTLIKE_IMPORTS,
            2,
        ),
        ("Twisted twistd", twistedTwistd, TWISTED_IMPORTS, 1),
    ]
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmpName:
        tmp = Path(tmpName)
        servers = []
        try:
            for name, argv, imports, workers in configs:
                servers.append(_start(name, argv, TAC.format(imports=imports), workers, tmp))
            for server in servers:  # warm up
                _measure(server, "ping-pong", 2_000, clientLoop)
                _measure(server, "churn", 200, clientLoop)
                server.spread.clear()
            for _ in range(repeat):
                for workload, n in sizes.items():
                    for server in servers:
                        results.setdefault((workload, server.name), []).append(
                            _measure(server, workload, n, clientLoop)
                        )
        finally:
            for server in servers:
                _stop(server)

    clientName = "asyncio" if clientLoop is asyncio.new_event_loop else "uvloop"
    print(
        f"server loop: {args.loop}; client: one process on {clientName}; "
        f"{os.cpu_count()} CPUs; best of {repeat}"
    )
    print()
    print("| workload | server | ops/s (wall) | vs 1 process | server µs CPU/op | vs 1 process |")
    print("|---|---|---:|---:|---:|---:|")
    for workload in sizes:
        base = results[(workload, configs[0][0])]
        baseRate = max(r for r, _ in base)
        baseCPU = min(c for _, c in base)
        for name, *_ in configs:
            cells = results[(workload, name)]
            rate = max(r for r, _ in cells)
            cpu = min(c for _, c in cells)
            print(
                f"| {workload} | {name} | {rate:,.0f} | {rate / baseRate:.2f} | {cpu:.1f} | "
                f"{cpu / baseCPU:.2f} |"
            )
    print()
    for server in servers:
        if len(server.pids) > 1:
            counts = [server.spread[pid] for pid in server.pids]
            print(f"churn connections per worker, {server.name}: {counts}")


if __name__ == "__main__":
    main()

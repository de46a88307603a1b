"""UDP echo server benchmark: twistlike vs a raw asyncio DatagramProtocol vs Twisted (issue 13).

Run: python bench/bench_udp.py [--quick] [--repeat N]

The echo server runs in its own process; this process is the client (a raw asyncio datagram
endpoint, on uvloop when installed). What is measured is the SERVER process's CPU time (user +
system, ``resource.getrusage`` read in the server before and after each workload) per echoed
datagram: on a small machine wall-clock throughput is limited by the client, CPU per datagram
is not.

Servers:

- twistlike: a ``DatagramProtocol`` whose ``datagramReceived`` writes the datagram back,
  served by ``reactor.listenUDP`` and ``reactor.run(loop_factory=...)``;
- raw asyncio: an ``asyncio.DatagramProtocol`` whose ``datagram_received`` sends it back,
  served by ``loop.create_datagram_endpoint(sock=...)`` on a bound socket;
- Twisted: the same DatagramProtocol on Twisted's default reactor.

The first two run on asyncio's default loop and on uvloop. The client keeps 64 datagrams of
64 bytes in flight and sends 200,000 (``--quick``: 40,000) in all; a datagram lost on the
loopback is not waited for (the run ends after 1 s of silence) and is not counted. Each cell
is the best of 5 (``--quick``: 3) measurements, the cells taking turns; the server and the
client are pinned to different CPUs when there are two.

Bar (issue 13): twistlike / raw asyncio <= 1.10 on the same loop.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any

MESSAGE = b"d" * 64
WINDOW = 64
CONTROL_BOUND = 30.0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _control() -> None:
    """Answer ``stats`` with this process's CPU seconds, from a thread; EOF ends the process."""

    def serve() -> None:
        for line in sys.stdin:
            if line.strip() == "stats":
                print(f"{_cpu():.6f}", flush=True)
        os._exit(0)

    threading.Thread(target=serve, daemon=True).start()


def _loop_factory(name: str) -> Callable[[], asyncio.AbstractEventLoop]:
    if name == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return asyncio.new_event_loop


def _pin(which: int) -> None:
    if not hasattr(os, "sched_setaffinity"):
        return
    cpus = os.environ.get("BENCH_UDP_CPUS")
    if cpus is None:
        cpus = os.environ["BENCH_UDP_CPUS"] = ",".join(map(str, sorted(os.sched_getaffinity(0))))
    allowed = [int(c) for c in cpus.split(",")]
    if len(allowed) >= 2:
        os.sched_setaffinity(0, {allowed[which]})


def serve_twistlike(loop: str) -> None:
    from twistlike import reactor
    from twistlike.protocol import DatagramProtocol

    class Echo(DatagramProtocol):
        noisy = False

        def datagramReceived(self, datagram: bytes, addr: Any) -> None:
            self.transport.write(datagram, addr)

    port = reactor.listenUDP(0, Echo(), interface="127.0.0.1")
    print(port.getHost().port, flush=True)
    _control()
    reactor.run(loop_factory=_loop_factory(loop))


def serve_raw(loop: str) -> None:
    class Echo(asyncio.DatagramProtocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport: Any = transport

        def datagram_received(self, data: bytes, addr: Any) -> None:
            self.transport.sendto(data, addr)

    async def main() -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        sock.setblocking(False)
        await asyncio.get_running_loop().create_datagram_endpoint(Echo, sock=sock)
        print(sock.getsockname()[1], flush=True)
        _control()
        await asyncio.Event().wait()

    with asyncio.Runner(loop_factory=_loop_factory(loop)) as runner:
        runner.run(main())


TWISTED_SERVER = """
from twisted.internet import reactor
from twisted.internet.protocol import DatagramProtocol

class Echo(DatagramProtocol):
    noisy = False
    def datagramReceived(self, datagram, addr):
        self.transport.write(datagram, addr)

port = reactor.listenUDP(0, Echo(), interface="127.0.0.1")
print(port.getHost().port, flush=True)
control()
reactor.run()
"""


def serve(impl: str, loop: str) -> None:
    _pin(0)
    if impl == "twistlike":
        serve_twistlike(loop)
    elif impl == "raw":
        serve_raw(loop)
    else:
        exec(TWISTED_SERVER, {"control": _control})


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
        result: list[str] = []
        stdout = self.proc.stdout
        assert stdout is not None
        reader = threading.Thread(target=lambda: result.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(CONTROL_BOUND)
        if not result or not result[0]:
            raise RuntimeError("the server process did not answer")
        return result[0]

    def cpu(self) -> float:
        assert self.proc.stdin is not None
        self.proc.stdin.write("stats\n")
        self.proc.stdin.flush()
        return float(self._line())

    def close(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            try:
                self.proc.wait(CONTROL_BOUND)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


async def echo_run(port: int, total: int) -> int:
    """Send ``total`` datagrams, WINDOW in flight; return how many came back."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    state = {"sent": 0, "got": 0}

    class Client(asyncio.DatagramProtocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport: Any = transport
            for _ in range(WINDOW):
                self.send()

        def send(self) -> None:
            if state["sent"] < total:
                state["sent"] += 1
                self.transport.sendto(MESSAGE)

        def datagram_received(self, data: bytes, addr: Any) -> None:
            state["got"] += 1
            if state["got"] >= total and not done.done():
                done.set_result(None)
            else:
                self.send()

    transport, _ = await loop.create_datagram_endpoint(Client, remote_addr=("127.0.0.1", port))
    try:
        last = -1
        while not done.done() and state["got"] != last:
            last = state["got"]
            try:
                await asyncio.wait_for(asyncio.shield(done), 1.0)
            except TimeoutError:
                # Lost datagrams: refill the window once and see whether anything moves.
                for _ in range(WINDOW):
                    transport.get_protocol().send()  # type: ignore[attr-defined]
    finally:
        transport.close()
    return state["got"]


def _client_loop() -> Callable[[], asyncio.AbstractEventLoop]:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop
    return uvloop.new_event_loop


def measure(server: Server, total: int) -> float:
    """Server CPU microseconds per echoed datagram for one run."""
    before = server.cpu()
    with asyncio.Runner(loop_factory=_client_loop()) as runner:
        got = runner.run(echo_run(server.port, total))
    after = server.cpu()
    return (after - before) / max(got, 1) * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=0)
    parser.add_argument("--serve", nargs=2, metavar=("IMPL", "LOOP"), help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.serve:
        serve(*opts.serve)
        return 0
    total = 40_000 if opts.quick else 200_000
    repeat = opts.repeat or (3 if opts.quick else 5)
    _pin(1)
    cells = [
        ("twistlike", "asyncio"),
        ("raw", "asyncio"),
        ("twistlike", "uvloop"),
        ("raw", "uvloop"),
        ("twisted", "-"),
    ]
    servers = {cell: Server(*cell) for cell in cells}
    best: dict[tuple[str, str], float] = {}
    try:
        for server in servers.values():
            measure(server, total // 10)  # warm up
        for _ in range(repeat):
            for cell, server in servers.items():
                us = measure(server, total)
                best[cell] = min(best.get(cell, us), us)
    finally:
        for server in servers.values():
            server.close()
    twisted = best[("twisted", "-")]
    print(f"UDP echo, {total} datagrams of 64 bytes, {WINDOW} in flight, best of {repeat}")
    print("| loop | twistlike µs CPU/datagram | raw asyncio | ratio | bar | Twisted | vs Twisted |")
    print("|---|---:|---:|---:|---|---:|---:|")
    for loop in ("asyncio", "uvloop"):
        ours, raw = best[("twistlike", loop)], best[("raw", loop)]
        ratio = ours / raw
        met = "met" if ratio <= 1.10 else "NOT met"
        print(
            f"| {loop} | {ours:.2f} | {raw:.2f} | {ratio:.2f} | <= 1.10 {met} | "
            f"{twisted:.2f} | {ours / twisted:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

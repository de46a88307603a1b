"""TLS echo server benchmark: twistlike vs a raw asyncio TLS server vs Twisted (issue 12).

Run: python bench/bench_tls.py [--quick] [--repeat N]

The same method as bench/bench_tcp.py (whose helpers this reuses): the echo server runs in
its own process, this process is the client (asyncio TLS client on uvloop when installed),
and what is measured is the SERVER process's CPU time per operation. Certificates are made
with trustme at start-up, written to a temporary directory and removed at the end.

Servers:

- twistlike: a ``Protocol`` echoing in ``dataReceived``, served by ``reactor.listenSSL``
  with ``CertificateOptions`` (asyncio's ``start_tls`` underneath);
- raw asyncio: an ``asyncio.Protocol`` echoing in ``data_received``, served by
  ``loop.create_server(sock=..., ssl=context)`` with an ``ssl.SSLContext`` for the same
  certificate, on the same loop;
- Twisted: the same Protocol on Twisted's default reactor with ``listenSSL`` (pyOpenSSL and
  its memory-BIO TLS layer).

Workloads (full / ``--quick``): ping-pong, 50 TLS connections each sending 64 bytes and
waiting for the echo, 100,000 (20,000) round trips in all (CPU per round trip); bulk, one
TLS connection streaming 128 MiB (64 MiB) echoed back (CPU per MiB). Best of 5 (3) per cell,
cells interleaved. Bar (issue 12): twistlike / raw asyncio on the same loop <= 1.10 for both.

``--callgrind`` counts instead the instructions the server process executes (user space:
Python, OpenSSL, the loop), under ``valgrind --tool=callgrind``, for a small and a large
workload on the default loop; the difference divided by the extra operations is the cost per
round trip (one connection) or per MiB, free of the kernel's and the scheduler's noise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator

import bench_tcp
from bench_tcp import (
    _Bulk,
    _control,
    _loop_factory,
    _pin,
    _PingPong,
    _raise_fd_limit,
    _run,
)

#: Where the parent wrote the certificate files (set for the server processes).
_CERTS_ENV = "BENCH_TLS_CERTS"


def _paths() -> tuple[str, str, str]:
    """The CA certificate, server certificate and server key files."""
    directory = os.environ[_CERTS_ENV]
    return (
        os.path.join(directory, "ca.pem"),
        os.path.join(directory, "cert.pem"),
        os.path.join(directory, "key.pem"),
    )


# ------------------------------------------------------------------------------------------
# Servers


def _bind() -> socket.socket:
    # Bound exactly as listenSSL binds (IPPROTO_TCP, so that asyncio sets TCP_NODELAY on the
    # accepted sockets of both asyncio servers).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(4096)
    sock.setblocking(False)
    return sock


def serve_twistlike(loop: str) -> None:
    from twistlike import reactor
    from twistlike.protocol import Factory, Protocol
    from twistlike.ssl import PrivateCertificate

    class Echo(Protocol):
        def dataReceived(self, data: bytes) -> None:
            self.transport.write(data)

    _, cert, key = _paths()
    with open(cert, "rb") as c, open(key, "rb") as k:
        options = PrivateCertificate.loadPEM(c.read() + k.read()).options()
    factory = Factory.forProtocol(Echo)
    factory.noisy = False
    port = reactor.listenSSL(0, factory, options, backlog=4096, interface="127.0.0.1")
    print(port.getHost().port, flush=True)
    _control()
    reactor.run(loop_factory=_loop_factory(loop))


def serve_raw(loop: str) -> None:
    class Echo(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport

        def data_received(self, data: bytes) -> None:
            self.transport.write(data)  # type: ignore[attr-defined]

    _, cert, key = _paths()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def main() -> None:
        sock = _bind()
        server = await asyncio.get_running_loop().create_server(Echo, sock=sock, ssl=context)
        print(sock.getsockname()[1], flush=True)
        _control()
        async with server:
            await server.serve_forever()

    with asyncio.Runner(loop_factory=_loop_factory(loop)) as runner:
        runner.run(main())


TWISTED_SERVER = """
from twisted.internet import reactor, ssl
from twisted.internet.protocol import Factory, Protocol

class Echo(Protocol):
    def dataReceived(self, data):
        self.transport.write(data)

with open(cert, "rb") as c, open(key, "rb") as k:
    options = ssl.PrivateCertificate.loadPEM(c.read() + k.read()).options()
factory = Factory.forProtocol(Echo)
factory.noisy = False
port = reactor.listenSSL(0, factory, options, backlog=4096, interface="127.0.0.1")
print(port.getHost().port, flush=True)
control()
reactor.run()
"""


def serve_twisted() -> None:
    _, cert, key = _paths()
    exec(TWISTED_SERVER, {"control": _control, "cert": cert, "key": key})


def serve(impl: str, loop: str) -> None:
    _raise_fd_limit()
    _pin(0)
    {"twistlike": serve_twistlike, "raw": serve_raw}.get(impl, lambda _: serve_twisted())(loop)


class Server(bench_tcp.Server):
    """A TLS server subprocess (this file) and its control channel."""

    def __init__(self, impl: str, loop: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--serve", impl, loop],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.port = int(self._line())


@contextlib.contextmanager
def running(impl: str, loop: str) -> Iterator[Server]:
    server = Server(impl, loop)
    try:
        yield server
    finally:
        server.close()


# ------------------------------------------------------------------------------------------
# The client


def _clientContext() -> ssl.SSLContext:
    ca, _, _ = _paths()
    return ssl.create_default_context(cafile=ca)


async def ping_pong(port: int, connections: int, total: int) -> int:
    loop = asyncio.get_running_loop()
    context = _clientContext()
    each = total // connections
    futures = []
    for _ in range(connections):
        done: asyncio.Future[None] = loop.create_future()
        futures.append(done)
        await loop.create_connection(
            lambda d=done: _PingPong(each, d),  # type: ignore[misc]
            "127.0.0.1",
            port,
            ssl=context,
            server_hostname="localhost",
        )
    await asyncio.gather(*futures)
    return each * connections


async def bulk(port: int, mib: int) -> int:
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()
    total = mib << 20
    await loop.create_connection(
        lambda: _Bulk(total, done),
        "127.0.0.1",
        port,
        ssl=_clientContext(),
        server_hostname="localhost",
    )
    await done
    return mib


def _workload(server: Server, workload: str, quick: bool) -> float:
    cpu0, _ = server.stats()
    if workload == "ping-pong":
        ops = _run(ping_pong(server.port, 50, 20_000 if quick else 100_000))
    else:
        ops = _run(bulk(server.port, 64 if quick else 128))
    cpu1, _ = server.stats()
    return (cpu1 - cpu0) / int(ops)


def measure(cells: list[tuple[str, str]], workload: str, quick: bool, repeat: int) -> list[float]:
    """The best of ``repeat`` measurements of each cell, the cells taking turns."""
    results = [float("inf")] * len(cells)
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(running(impl, loop)) for impl, loop in cells]
        for server in servers:
            _run(ping_pong(server.port, 10, 200))  # warm up: lazy imports, caches
        for _ in range(repeat):
            for i, server in enumerate(servers):
                results[i] = min(results[i], _workload(server, workload, quick))
    return results


WORKLOADS = {"ping-pong": ("µs CPU/round trip", 1e6), "bulk": ("ms CPU/MiB", 1e3)}
BAR = 1.10


def _callgrindCount(impl: str, workload: str, amount: int, directory: str) -> int:
    """Instructions the server executed serving one connection's ``workload``."""
    log = os.path.join(directory, f"valgrind-{impl}-{workload}-{amount}.log")
    proc = subprocess.Popen(
        [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={os.path.join(directory, 'callgrind.%p')}",
            f"--log-file={log}",
            sys.executable,
            os.path.abspath(__file__),
            "--serve",
            impl,
            "asyncio",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    server = Server.__new__(Server)
    server.proc = proc
    try:
        server.port = int(server._line())
        if workload == "ping-pong":
            _run(ping_pong(server.port, 1, amount))
        else:
            _run(bulk(server.port, amount))
    finally:
        server.close()
    with open(log) as f:
        for line in f:
            if "Collected :" in line:
                return int(line.rsplit(":", 1)[1])
    raise RuntimeError(f"no instruction count in {log}")


def callgrind(directory: str) -> None:
    """Print instructions per round trip and per MiB, twistlike vs raw asyncio vs Twisted."""
    print("| workload | twistlike | raw asyncio | ratio | Twisted |")
    print("|---|---:|---:|---:|---:|")
    for workload, small, large, unit in (
        ("ping-pong", 200, 2200, "instructions/round trip"),
        ("bulk", 1, 9, "M instructions/MiB"),
    ):
        perOp = {}
        for impl in ("twistlike", "raw", "twisted"):
            low = _callgrindCount(impl, workload, small, directory)
            high = _callgrindCount(impl, workload, large, directory)
            perOp[impl] = (high - low) / (large - small)
        scale = 1e-6 if workload == "bulk" else 1.0
        ours, raw, twisted = (
            perOp["twistlike"] * scale,
            perOp["raw"] * scale,
            perOp["twisted"] * scale,
        )
        print(
            f"| {workload} ({unit}) | {ours:,.2f} | {raw:,.2f} | {ours / raw:.3f} "
            f"| {twisted:,.2f} |",
            flush=True,
        )


def _makeCertificates(directory: str) -> None:
    import trustme

    ca = trustme.CA()
    leaf = ca.issue_cert("localhost")
    ca.cert_pem.write_to_path(os.path.join(directory, "ca.pem"))
    leaf.cert_chain_pems[0].write_to_path(os.path.join(directory, "cert.pem"))
    leaf.private_key_pem.write_to_path(os.path.join(directory, "key.pem"))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts")
    parser.add_argument("--repeat", type=int, default=None, help="runs per cell (best kept)")
    parser.add_argument(
        "--callgrind", action="store_true", help="instruction counts under valgrind instead"
    )
    parser.add_argument("--serve", nargs=2, metavar=("IMPL", "LOOP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(*args.serve)
        return 0
    if args.callgrind:
        bench_tcp.CONTROL_BOUND = 600.0  # a Python start-up under valgrind is slow
        directory = tempfile.mkdtemp(prefix="bench-tls-")
        os.environ[_CERTS_ENV] = directory
        try:
            _makeCertificates(directory)
            callgrind(directory)
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return 0
    _raise_fd_limit()
    _pin(1)
    repeat = args.repeat or (3 if args.quick else 5)
    loops = ["asyncio"]
    with contextlib.suppress(ImportError):
        import uvloop  # noqa: F401

        loops.append("uvloop")
    directory = tempfile.mkdtemp(prefix="bench-tls-")
    os.environ[_CERTS_ENV] = directory
    started = time.monotonic()
    try:
        _makeCertificates(directory)
        print(f"{'quick' if args.quick else 'full'} run, server-process CPU, best of {repeat}")
        print()
        print("| workload | loop | twistlike | raw asyncio | ratio | bar | Twisted |")
        print("|---|---|---:|---:|---:|---|---:|")
        for workload, (unit, scale) in WORKLOADS.items():
            cells: list[tuple[str, str]] = [("twisted", "default")]
            for loop in loops:
                cells += [("twistlike", loop), ("raw", loop)]
            twisted, *pairs = measure(cells, workload, args.quick, repeat)
            for n, loop in enumerate(loops):
                ours, raw = pairs[2 * n], pairs[2 * n + 1]
                ratio = ours / raw if raw > 0 else float("inf")
                verdict = "ok" if ratio <= BAR else "MISSED"
                digits = 2 if workload == "bulk" else 1
                print(
                    f"| {workload} ({unit}) | {loop} | {ours * scale:,.{digits}f} "
                    f"| {raw * scale:,.{digits}f} | {ratio:.2f} | <= {BAR:.2f} {verdict} "
                    f"| {twisted * scale:,.{digits}f} |",
                    flush=True,
                )
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print()
    print(f"took {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

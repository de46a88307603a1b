"""Tests for ProcessEndpoint, StandardIOEndpoint and the ``stdio:``/``systemd:`` descriptions.

Children are ``sys.executable -c ...`` programs, bounded and reaped; the systemd test runs
the same child on Twisted and on twistlike (default loop and uvloop) with a listening socket
passed in as systemd would (fd 3, LISTEN_FDS, LISTEN_PID).
"""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from twistlike import error, reactor
from twistlike.endpoints import (
    AdoptedStreamServerEndpoint,
    ProcessEndpoint,
    StandardErrorBehavior,
    StandardIOEndpoint,
    connectProtocol,
    serverFromString,
)
from twistlike.failure import Failure
from twistlike.protocol import Factory, Protocol

ROOT = Path(__file__).resolve().parent.parent
BOUND = 20.0


class Collect(Protocol):
    """Collects data and fires ``lost`` with connectionLost's reason."""

    def __init__(self) -> None:
        self.data = b""
        self.lost: asyncio.Future[Failure] = asyncio.get_running_loop().create_future()

    def dataReceived(self, data: bytes) -> None:
        self.data += data

    def connectionLost(self, reason: Failure = error.ConnectionDone) -> None:  # type: ignore[assignment]
        self.lost.set_result(reason)


@pytest.mark.asyncio
async def test_process_endpoint_round_trip() -> None:
    """A protocol connected to a child through ProcessEndpoint writes to its stdin, reads its
    stdout, and gets connectionLost(ConnectionDone) when it exits with 0."""
    endpoint = ProcessEndpoint(
        reactor,
        sys.executable,
        [sys.executable, "-c", "import sys; sys.stdout.write(sys.stdin.read().upper())"],
        env=None,
    )
    proto = Collect()
    async with asyncio.timeout(BOUND):
        got = await connectProtocol(endpoint, proto)
    assert got is proto
    assert isinstance(proto.transport.pid, int)
    proto.transport.write(b"hello")
    proto.transport.closeStdin()
    async with asyncio.timeout(BOUND):
        reason = await proto.lost
    assert reason.check(error.ConnectionDone)
    assert proto.data == b"HELLO"


@pytest.mark.asyncio
async def test_process_endpoint_stderr_and_exit_code(caplog: pytest.LogCaptureFixture) -> None:
    """stderr is logged with LOG and dropped with DROP; a non-zero exit is the loss reason."""
    code = "import sys; sys.stderr.write('oops'); sys.exit(5)"
    for flag, logged in ((StandardErrorBehavior.LOG, True), (StandardErrorBehavior.DROP, False)):
        caplog.clear()
        endpoint = ProcessEndpoint(
            reactor, sys.executable, [sys.executable, "-c", code], env=None, errFlag=flag
        )
        proto = Collect()
        with caplog.at_level(logging.ERROR, logger="twistlike.endpoints"):
            async with asyncio.timeout(BOUND):
                await connectProtocol(endpoint, proto)
                reason = await proto.lost
        assert reason.check(error.ProcessTerminated)
        value: Any = reason.value
        assert value.exitCode == 5
        assert any("oops" in r.getMessage() for r in caplog.records) is logged


@pytest.mark.asyncio
async def test_process_endpoint_spawn_failure() -> None:
    """A program that cannot start fails the connect Deferred."""
    endpoint = ProcessEndpoint(reactor, "/nonexistent/twistlike-nothing", ["x"])
    with pytest.raises(OSError):
        async with asyncio.timeout(BOUND):
            await endpoint.connect(Factory.forProtocol(Protocol))


def test_descriptions() -> None:
    """``stdio:`` is a StandardIOEndpoint; ``systemd:`` needs exactly one of index and name."""
    assert isinstance(serverFromString(reactor, "stdio:"), StandardIOEndpoint)
    with pytest.raises(ValueError, match="exactly one"):
        serverFromString(reactor, "systemd:domain=INET")
    with pytest.raises(ValueError, match="no such descriptor"):
        serverFromString(reactor, "systemd:domain=INET:index=0")


@pytest.mark.asyncio
async def test_adopted_endpoint_listens_once() -> None:
    """AdoptedStreamServerEndpoint adopts (and closes) the fd; a second listen fails."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    portNumber = sock.getsockname()[1]
    endpoint = AdoptedStreamServerEndpoint(reactor, sock.detach(), socket.AF_INET)
    port = await endpoint.listen(Factory.forProtocol(Protocol))
    try:
        assert port.getHost().port == portNumber
        with pytest.raises(error.AlreadyListened):
            await endpoint.listen(Factory.forProtocol(Protocol))
    finally:
        await port.stopListening()


_SYSTEMD_CHILD = r"""
import os, sys
os.dup2(int(sys.argv[1]), 3)
os.environ["LISTEN_PID"] = str(os.getpid())
os.environ["LISTEN_FDS"] = "1"
os.environ["LISTEN_FDNAMES"] = "web"
__IMPORTS__

class Echo(Protocol):
    def dataReceived(self, data):
        self.transport.write(data.upper())
        self.transport.loseConnection()
    def connectionLost(self, reason):
        reactor.callLater(0, reactor.stop)

def listening(port):
    sys.stdout.write("listening %s\n" % (port.getHost().port,))
    sys.stdout.flush()

serverFromString(reactor, sys.argv[2]).listen(Factory.forProtocol(Echo)).addCallback(listening)
reactor.callLater(20, reactor.stop)
__RUN__
"""

_SYSTEMD_FLAVOURS = {
    "twisted": (
        "from twisted.internet import reactor\n"
        "from twisted.internet.endpoints import serverFromString\n"
        "from twisted.internet.protocol import Protocol, Factory",
        "reactor.run()",
    ),
    "asyncio": (
        "from twistlike import reactor\n"
        "from twistlike.endpoints import serverFromString\n"
        "from twistlike.protocol import Protocol, Factory",
        "reactor.run()",
    ),
    "uvloop": (
        "from twistlike import reactor\n"
        "from twistlike.endpoints import serverFromString\n"
        "from twistlike.protocol import Protocol, Factory\nimport uvloop",
        "reactor.run(loop_factory=uvloop.new_event_loop)",
    ),
}


@pytest.mark.parametrize("flavour", list(_SYSTEMD_FLAVOURS))
@pytest.mark.parametrize("description", ["systemd:domain=INET:index=0", "systemd:INET:name=web"])
def test_systemd_socket_activation(flavour: str, description: str) -> None:
    """A child given a listening socket as systemd does serves it via ``systemd:``."""
    imports, run = _SYSTEMD_FLAVOURS[flavour]
    code = _SYSTEMD_CHILD.replace("__IMPORTS__", imports).replace("__RUN__", run)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(listener.fileno()), description],
        pass_fds=(listener.fileno(),),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        assert line == f"listening {listener.getsockname()[1]}\n", proc.stderr
        with socket.create_connection(listener.getsockname(), timeout=BOUND) as conn:
            conn.sendall(b"activated")
            assert conn.recv(100) == b"ACTIVATED"
        _, err = proc.communicate(timeout=BOUND)
        assert proc.returncode == 0, err.decode()
    finally:
        listener.close()
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def test_stdio_endpoint_in_child() -> None:
    """``stdio:`` served by serverFromString echoes a parent's input and ends at EOF."""
    code = (
        "from twistlike import reactor\n"
        "from twistlike.endpoints import serverFromString\n"
        "from twistlike.protocol import Protocol, Factory\n"
        "class Echo(Protocol):\n"
        "    def dataReceived(self, data):\n"
        "        self.transport.write(data[::-1])\n"
        "    def connectionLost(self, reason):\n"
        "        reactor.stop()\n"
        "serverFromString(reactor, 'stdio:').listen(Factory.forProtocol(Echo))\n"
        "reactor.callLater(20, reactor.stop)\n"
        "reactor.run()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], input=b"abc", capture_output=True, timeout=BOUND, check=True
    ).stdout
    assert out == b"cba"

"""Tests for twistlike.stdio.StandardIO, driven by this process as the parent.

Each scenario is a child program that connects a protocol to its own stdin/stdout and runs
the reactor; the parent (the test) feeds stdin, reads stdout and the events the child wrote
to stderr. The same child runs on Twisted, on twistlike's default loop and on uvloop, and
what the parent sees must be equal. Every child is bounded by a timeout and reaped.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 30

_PRELUDE = """\
import sys
__IMPORTS__
from zope.interface import implementer

def log(*items):
    sys.stderr.write(" ".join(str(i) for i in items) + "\\n")
    sys.stderr.flush()

def watchdog():
    log("watchdog")
    reactor.stop()

reactor.callLater(20, watchdog)
"""

_IMPORTS = {
    "twisted": "from twisted.internet import reactor, stdio\n"
    "from twisted.internet.protocol import Protocol\n"
    "from twisted.internet.interfaces import IHalfCloseableProtocol\n",
    "asyncio": "from twistlike import reactor, stdio\n"
    "from twistlike.protocol import Protocol\n"
    "from twistlike.interfaces import IHalfCloseableProtocol\n",
    "uvloop": "from twistlike import reactor, stdio\n"
    "from twistlike.protocol import Protocol\n"
    "from twistlike.interfaces import IHalfCloseableProtocol\n"
    "import uvloop\n",
}

_RUN = {
    "twisted": "reactor.run()",
    "asyncio": "reactor.run()",
    "uvloop": "reactor.run(loop_factory=uvloop.new_event_loop)",
}


def _run(
    body: str,
    flavour: str,
    stdin: bytes | None = None,
    stdinFile: IO[bytes] | int = subprocess.PIPE,
    stdoutFile: IO[bytes] | int = subprocess.PIPE,
) -> tuple[bytes, str]:
    code = _PRELUDE.replace("__IMPORTS__", _IMPORTS[flavour]) + body + "\n" + _RUN[flavour]
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=stdinFile,
        stdout=stdoutFile,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    try:
        out, err = proc.communicate(stdin, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"{flavour} child hung:\n{err.decode(errors='replace')}")
    assert proc.returncode == 0, err.decode(errors="replace")
    return out or b"", err.decode(errors="replace")


def _everywhere(body: str, stdin: bytes | None = None) -> tuple[bytes, str]:
    results = {flavour: _run(body, flavour, stdin) for flavour in _IMPORTS}
    assert results["asyncio"] == results["twisted"]
    assert results["uvloop"] == results["twisted"]
    return results["twisted"]


_ECHO = """
class Echo(Protocol):
    def connectionMade(self):
        log("connectionMade", type(self.transport.getPeer()).__name__)
    def dataReceived(self, data):
        self.transport.write(data.upper())
    def connectionLost(self, reason):
        log("connectionLost", type(reason.value).__name__)
        reactor.stop()

stdio.StandardIO(Echo())
"""


def test_echo_until_stdin_eof() -> None:
    """An echo protocol upper-cases stdin to stdout; at EOF it gets connectionLost(Done)."""
    out, err = _everywhere(_ECHO, b"hello\nworld\n" * 1000)
    assert out == b"HELLO\nWORLD\n" * 1000
    assert err.splitlines() == ["connectionMade PipeAddress", "connectionLost ConnectionDone"]


def test_half_close() -> None:
    """A half-closeable protocol hears readConnectionLost at stdin EOF, can still write, and
    after loseWriteConnection hears writeConnectionLost."""
    out, err = _everywhere(
        """
@implementer(IHalfCloseableProtocol)
class Half(Protocol):
    def dataReceived(self, data):
        self.got = getattr(self, "got", b"") + data
    def readConnectionLost(self):
        log("readConnectionLost")
        self.transport.write(b"got %d bytes\\n" % len(self.got))
        self.transport.loseWriteConnection()
    def writeConnectionLost(self):
        log("writeConnectionLost")
        self.transport.loseConnection()
        reactor.callLater(0, reactor.stop)
    def connectionLost(self, reason):
        log("connectionLost", type(reason.value).__name__)

stdio.StandardIO(Half())
""",
        b"x" * 100000,
    )
    assert out == b"got 100000 bytes\n"
    assert err.splitlines()[:2] == ["readConnectionLost", "writeConnectionLost"]


def test_lose_connection() -> None:
    """loseConnection after a write: the write goes out, then connectionLost(Done)."""
    out, err = _everywhere(
        """
class Once(Protocol):
    def dataReceived(self, data):
        self.transport.write(b"first: " + data[:5])
        self.transport.loseConnection()
    def connectionLost(self, reason):
        log("connectionLost", type(reason.value).__name__)
        reactor.stop()

stdio.StandardIO(Once())
""",
        b"abcdefgh",
    )
    assert out == b"first: abcde"
    assert err.splitlines() == ["connectionLost ConnectionDone"]


@pytest.mark.parametrize("flavour", ["asyncio", "uvloop"])
def test_regular_files(flavour: str) -> None:
    """stdin read from a regular file and stdout written to one (no pipes at all)."""
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "in"
        dst = Path(d) / "out"
        src.write_bytes(b"line\n" * 50000)
        with src.open("rb") as fin, dst.open("wb") as fout:
            _, err = _run(_ECHO, flavour, stdinFile=fin, stdoutFile=fout)
        assert dst.read_bytes() == b"LINE\n" * 50000
    assert err.splitlines() == ["connectionMade PipeAddress", "connectionLost ConnectionDone"]

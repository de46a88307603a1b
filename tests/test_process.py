"""Tests for child processes: reactor.spawnProcess, ProcessProtocol and twistlike.utils.

Differential scenarios run the same program on Twisted's reactor and on twistlike's (default
loop and uvloop) and compare what the protocol saw: the data per fd, the fds closed, the
reasons, and the order rules Twisted guarantees (each fd's data before its close, processEnded
last). ``@pytest.mark.asyncio`` tests use the reactor inside a running loop. Every child is
``sys.executable -c ...``, every wait is bounded, and each test reaps what it started.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from differential import run_all

from twistlike import error, reactor, utils
from twistlike.failure import Failure
from twistlike.protocol import ProcessProtocol

BOUND = 20.0

# ==========================================================================================
# Differential scenarios
# ==========================================================================================

_RECORDER = r"""
class P(ProcessProtocol):
    def connectionMade(self):
        rec("order", "connectionMade")
    def childDataReceived(self, fd, data):
        events.setdefault("data", {}).setdefault(str(fd), "")
        events["data"][str(fd)] += data.decode("latin-1")
        rec("order", "data", fd)
    def childConnectionLost(self, fd):
        rec("order", "childConnectionLost", fd)
    def processExited(self, r):
        rec("order", "processExited", *reason(r))
    def processEnded(self, r):
        rec("order", "processEnded", *reason(r))
        done()

def spawn(code, **kw):
    kw.setdefault("env", None)
    return reactor.spawnProcess(P(), sys.executable, [sys.executable, "-c", code], **kw)
"""


def _normalise(result: dict[str, Any]) -> dict[str, Any]:
    """What must be equal between Twisted and twistlike, and the order rules checked."""
    order = result["order"]
    assert order[0] == ["connectionMade"]
    assert order[-1][0] == "processEnded"
    kinds = [e[0] for e in order]
    assert kinds.count("processEnded") == 1 and kinds.count("processExited") == 1
    lost = [e[1] for e in order if e[0] == "childConnectionLost"]
    for fd in lost:
        # No data on an fd after it was closed.
        closedAt = order.index(["childConnectionLost", fd])
        assert ["data", fd] not in order[closedAt:]
    return {
        "data": result.get("data", {}),
        "lost": sorted(lost),
        "exited": [e for e in order if e[0] == "processExited"],
        "ended": order[-1],
        "extra": {k: v for k, v in result.items() if k not in ("order", "data", "done")},
    }


def _differential(body: str) -> dict[str, Any]:
    results = run_all(_RECORDER + body)
    normal = {flavour: _normalise(r) for flavour, r in results.items()}
    assert normal["asyncio"] == normal["twisted"]
    assert normal["uvloop"] == normal["twisted"]
    return normal["twisted"]


def test_exit_zero_with_output() -> None:
    """Exit 0: stdout and stderr data, three fds closed, ProcessDone twice, ended last."""
    seen = _differential(
        r"""
spawn("import sys; sys.stdout.write('out'); sys.stderr.write('err')")
"""
    )
    assert seen["data"] == {"1": "out", "2": "err"}
    assert seen["lost"] == [0, 1, 2]
    assert seen["ended"] == ["processEnded", "ProcessDone", 0, None]


def test_exit_three() -> None:
    """Exit 3: ProcessTerminated with exitCode 3 and no signal."""
    seen = _differential(
        r"""
spawn("import sys; print('bye'); sys.exit(3)")
"""
    )
    assert seen["ended"] == ["processEnded", "ProcessTerminated", 3, None]


def test_killed_by_signal() -> None:
    """A child killed with signalProcess('KILL') ends with ProcessTerminated(signal=9)."""
    seen = _differential(
        r"""
class K(P):
    def childDataReceived(self, fd, data):
        P.childDataReceived(self, fd, data)
        if not events.get("signalled"):
            events["signalled"] = True
            self.transport.signalProcess("KILL")
    def processEnded(self, r):
        try:
            self.transport.signalProcess("TERM")
        except error.ProcessExitedAlready:
            events["after"] = "ProcessExitedAlready"
        P.processEnded(self, r)

reactor.spawnProcess(K(), sys.executable, [sys.executable, "-c",
    "import os, time; os.write(1, b'ready\\n'); time.sleep(30)"], env=None)
"""
    )
    assert seen["ended"] == ["processEnded", "ProcessTerminated", None, signal.SIGKILL]
    assert seen["extra"]["after"] == "ProcessExitedAlready"


def test_stdin_closed() -> None:
    """Data written then closeStdin: the child reads it all, sees EOF, and says so."""
    seen = _differential(
        r"""
p = spawn("import sys; d = sys.stdin.buffer.read(); print(len(d), d[:5], d[-5:])")
p.write(b"hello" * 1000)
p.writeSequence([b"12345", b"world"])
p.closeStdin()
"""
    )
    assert seen["data"]["1"] == "5010 b'hello' b'world'\n"
    assert seen["lost"] == [0, 1, 2]


def test_env_path_and_argv() -> None:
    """The child gets exactly ``env`` (empty by default), ``path`` as cwd, and argv[0]."""
    seen = _differential(
        r"""
code = ("import os, sys; "
    "print(sorted(k for k in os.environ if k != 'LC_CTYPE'), os.getcwd(), sys.argv[1:])")
spawn(code, env={"A": "1", b"B": b"2"}, path="/")
"""
    )
    assert seen["data"]["1"] == "['A', 'B'] / []\n"


def test_default_env_is_empty() -> None:
    """With the default env (``{}``) the child's environment is empty."""
    seen = _differential(
        r"""
reactor.spawnProcess(P(), sys.executable, [sys.executable, "-c",
    "import os; print(sorted(k for k in os.environ if k != 'LC_CTYPE'))"])
"""
    )
    assert seen["data"]["1"] == "[]\n"


def test_extra_child_fds() -> None:
    """childFDs: fd 3 read by the parent, fd 4 written by it, stderr not given to the child."""
    seen = _differential(
        r"""
code = '''
import os
os.write(3, b"three")
os.close(3)
print(os.read(4, 100).decode())
'''
p = spawn(code, childFDs={0: "w", 1: "r", 3: "r", 4: "w"})
p.writeToChild(4, b"four")
p.closeChildFD(4)
"""
    )
    assert seen["data"] == {"1": "four\n", "3": "three"}
    assert seen["lost"] == [0, 1, 3, 4]


def test_child_fd_inherited() -> None:
    """childFDs with a parent fd number: the child's stdout is that fd (here, a pipe)."""
    seen = _differential(
        r"""
r, w = os.pipe()
reactor.spawnProcess(P(), sys.executable, [sys.executable, "-c", "print('via pipe')"],
    env=None, childFDs={0: "w", 1: w, 2: "r"})
os.close(w)
def check(_):
    events["pipe"] = os.read(r, 100).decode()
reactor.callLater(0, lambda: None)
reactor.addSystemEventTrigger("before", "shutdown", check, None)
"""
    )
    assert seen["extra"]["pipe"] == "via pipe\n"
    assert seen["lost"] == [0, 2]


def test_running_child_at_shutdown() -> None:
    """At reactor shutdown a running child's pipes close (childConnectionLost for each) and
    the child keeps running: it is neither killed nor waited for (as Twisted)."""
    results = run_all(
        r"""
import signal
class S(ProcessProtocol):
    def connectionMade(self):
        events["pid"] = self.transport.pid
    def childDataReceived(self, fd, data):
        reactor.stop()
    def childConnectionLost(self, fd):
        rec("lost", fd)
    def processExited(self, r):
        rec("exited")
    def processEnded(self, r):
        rec("ended")

reactor.spawnProcess(S(), sys.executable, [sys.executable, "-c",
    "import os, time; os.write(1, b'up'); time.sleep(30)"], env=None)
def afterwards():
    pid = events["pid"]
    os.kill(pid, 0)  # still running
    events["alive"] = True
    events["told"] = [k for k in ("exited", "ended") if k in events]
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
reactor.addSystemEventTrigger("after", "shutdown", afterwards)
"""
    )
    for flavour, result in results.items():
        assert sorted(result["lost"]) == [[0], [1], [2]], flavour
        assert result.get("alive") is True, flavour
        assert result["told"] == [], flavour


def test_get_process_output_and_value() -> None:
    """utils.getProcessOutput/Value/OutputAndValue, errortoo and the stderr failure."""
    seen = run_all(
        r"""
from twisted.python.failure import Failure as TF
def outcome(key):
    def ok(r):
        if isinstance(r, tuple):
            r = [x.decode() if isinstance(x, bytes) else x for x in r]
        events[key] = ["ok", r.decode() if isinstance(r, bytes) else r]
    def bad(f):
        v = f.value
        events[key] = ["err", type(v).__name__, str(getattr(v, "args", ""))[:60]]
    return ok, bad

py = sys.executable
ds = []
for key, d in [
    ("output", utils.getProcessOutput(py, ["-c", "print('hi')"], env=None)),
    ("errortoo", utils.getProcessOutput(py, ["-c", "import sys; sys.stderr.write('e')"],
        env=None, errortoo=True)),
    ("stderr", utils.getProcessOutput(py, ["-c", "import sys; sys.stderr.write('e')"],
        env=None)),
    ("value", utils.getProcessValue(py, ["-c", "import sys; sys.exit(7)"], env=None)),
    ("signal", utils.getProcessValue(py, ["-c", "import os; os.kill(os.getpid(), 15)"],
        env=None)),
    ("both", utils.getProcessOutputAndValue(py,
        ["-c", "import sys; print('o'); sys.stderr.write('e'); sys.exit(2)"], env=None)),
    ("bothsignal", utils.getProcessOutputAndValue(py,
        ["-c", "import os; print('o', flush=True); os.kill(os.getpid(), 9)"], env=None)),
    ("path", utils.getProcessOutput(py, ["-c", "import os; print(os.getcwd())"],
        env=None, path="/")),
]:
    ok, bad = outcome(key)
    d.addCallbacks(ok, bad)
    ds.append(d)
from twistlike.defer import DeferredList as TL
try:
    from twisted.internet.defer import DeferredList
except ImportError:
    DeferredList = TL
if "twistlike" in str(reactor.__class__.__module__):
    DeferredList = TL
DeferredList(ds).addCallback(done)
"""
    )
    for flavour in ("asyncio", "uvloop"):
        assert seen[flavour] == seen["twisted"], flavour
    twisted = seen["twisted"]
    assert twisted["output"] == ["ok", "hi\n"]
    assert twisted["value"] == ["ok", 7]


# ==========================================================================================
# In a running loop (asyncio and uvloop)
# ==========================================================================================


class Recorder(ProcessProtocol):
    """Records data per fd and fires ``ended`` with processEnded's reason."""

    def __init__(self) -> None:
        self.data: dict[int, list[bytes]] = {}
        self.lost: list[int] = []
        self.exited: Failure | None = None
        self.ended: asyncio.Future[Failure] = asyncio.get_running_loop().create_future()

    def childDataReceived(self, childFD: int, data: bytes) -> None:
        self.data.setdefault(childFD, []).append(data)

    def childConnectionLost(self, childFD: int) -> None:
        self.lost.append(childFD)

    def processExited(self, reason: Failure) -> None:
        self.exited = reason

    def processEnded(self, reason: Failure) -> None:
        self.ended.set_result(reason)

    def out(self, fd: int = 1) -> bytes:
        return b"".join(self.data.get(fd, []))


_PIDS: list[int] = []


@pytest.fixture(autouse=True)
def _children_reaped() -> Iterator[None]:
    """After each test, every child it started has been reaped: no zombies, no strays."""
    yield
    pids, _PIDS[:] = list(_PIDS), []
    for pid in pids:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue  # reaped by twistlike, as it must be
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail(f"child {pid} was still running after the test")
        pytest.fail(f"child {pid} was left unreaped (a zombie)")


def _spawn(proto: ProcessProtocol, code: str, **kw: Any) -> Any:
    kw.setdefault("env", None)
    transport = reactor.spawnProcess(proto, sys.executable, [sys.executable, "-c", code], **kw)
    _PIDS.append(transport.pid)
    return transport


@pytest.mark.asyncio
async def test_pid_and_connection_made_before_return() -> None:
    """spawnProcess returns with ``pid`` set and connectionMade already called (as Twisted)."""
    made: list[Any] = []

    class P(Recorder):
        def connectionMade(self) -> None:
            made.append(self.transport.pid)

    proto = P()
    transport = _spawn(proto, "pass")
    assert made == [transport.pid] and isinstance(transport.pid, int)
    async with asyncio.timeout(BOUND):
        reason = await proto.ended
    assert reason.check(error.ProcessDone)
    assert transport.pid is None
    assert proto.exited is not None and proto.exited.check(error.ProcessDone)


@pytest.mark.asyncio
async def test_large_output_with_backpressure() -> None:
    """64 MiB through stdout arrive intact while the parent pauses and resumes reading."""
    total = 64 * 1024 * 1024
    chunk = 8 * 1024 * 1024
    loop = asyncio.get_running_loop()

    class Slow(Recorder):
        def __init__(self) -> None:
            super().__init__()
            self.digest = hashlib.sha256()
            self.count = 0
            self.paused = False
            self.pauses = 0

        def childDataReceived(self, childFD: int, data: bytes) -> None:
            assert not self.paused, "data arrived while paused"
            if childFD != 1:
                return
            before = self.count
            self.count += len(data)
            self.digest.update(data)
            if self.count // chunk != before // chunk:
                self.paused = True
                self.pauses += 1
                self.transport.pauseProducing()
                loop.call_soon(self.resume)

        def resume(self) -> None:
            self.paused = False
            self.transport.resumeProducing()

    code = (
        "import sys\n"
        "block = bytes(range(256)) * 4096\n"
        f"for _ in range({total} // len(block)):\n"
        "    sys.stdout.buffer.write(block)\n"
    )
    proto = Slow()
    _spawn(proto, code)
    async with asyncio.timeout(60):
        reason = await proto.ended
    assert reason.check(error.ProcessDone)
    assert proto.count == total
    expected = hashlib.sha256(bytes(range(256)) * 4096 * (total // (256 * 4096))).hexdigest()
    assert proto.digest.hexdigest() == expected
    assert proto.pauses >= total // chunk - 1


@pytest.mark.asyncio
async def test_stdin_producer_backpressure() -> None:
    """A streaming producer registered on the process is paused when stdin's buffer fills."""
    events: list[str] = []

    class Producer:
        def pauseProducing(self) -> None:
            events.append("pause")
            proc.write(b"x" * 10)

        def resumeProducing(self) -> None:
            events.append("resume")
            proc.unregisterProducer()
            proc.closeStdin()

        def stopProducing(self) -> None:
            events.append("stop")

    proto = Recorder()
    proc = _spawn(
        proto,
        "import sys, time\n"
        "sys.stdin.buffer.read(1)\n"  # wait until the parent filled the pipe
        "print(len(sys.stdin.buffer.read()) + 1)",
    )
    proc.registerProducer(Producer(), True)
    proc.write(b"y" * (4 * 1024 * 1024))
    async with asyncio.timeout(BOUND):
        reason = await proto.ended
    assert reason.check(error.ProcessDone)
    assert events[:2] == ["pause", "resume"]
    assert proto.out() == b"%d\n" % (4 * 1024 * 1024 + 10)


@pytest.mark.asyncio
async def test_signal_after_exit_raises() -> None:
    """signalProcess after the child was reaped raises ProcessExitedAlready."""
    proto = Recorder()
    proc = _spawn(proto, "pass")
    async with asyncio.timeout(BOUND):
        await proto.ended
    with pytest.raises(error.ProcessExitedAlready):
        proc.signalProcess("KILL")
    with pytest.raises(error.ProcessExitedAlready):
        proc.signalProcess(signal.SIGTERM)


@pytest.mark.asyncio
async def test_write_str_raises_type_error() -> None:
    """Writing a str to a process raises TypeError; bytes still go through."""
    proto = Recorder()
    proc = _spawn(proto, "import sys; sys.stdout.write(sys.stdin.read())")
    with pytest.raises(TypeError):
        proc.write("text")
    proc.write(b"bytes")
    proc.closeStdin()
    async with asyncio.timeout(BOUND):
        await proto.ended
    assert proto.out() == b"bytes"


@pytest.mark.asyncio
async def test_close_stdout_early() -> None:
    """closeStdout: outConnectionLost comes at once-ish, the child gets EPIPE, processEnded
    still comes last."""
    proto = Recorder()
    proc = _spawn(
        proto,
        "import sys, time\n"
        "try:\n"
        "    while True:\n"
        "        sys.stdout.write('x' * 65536); sys.stdout.flush()\n"
        "except BrokenPipeError:\n"
        "    sys.stderr.write('EPIPE'); sys.stderr.flush()\n"
        "    sys.stdout = None\n",
    )
    proc.closeStdout()
    async with asyncio.timeout(BOUND):
        await proto.ended
    assert 1 in proto.lost and sorted(proto.lost) == [0, 1, 2]
    assert proto.out(2) == b"EPIPE"


@pytest.mark.asyncio
async def test_missing_executable() -> None:
    """A missing executable raises OSError from spawnProcess; no protocol is connected."""
    proto = Recorder()
    with pytest.raises(OSError):
        reactor.spawnProcess(proto, "/nonexistent/twistlike-no-such-program", ["x"])
    assert proto.transport is None


@pytest.mark.asyncio
async def test_bad_arguments() -> None:
    """Non-string arguments raise TypeError; childFDs with usePTY raise ValueError."""
    with pytest.raises(TypeError):
        reactor.spawnProcess(ProcessProtocol(), sys.executable, [sys.executable, 1])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        reactor.spawnProcess(
            ProcessProtocol(), sys.executable, [sys.executable], usePTY=True, childFDs={0: "w"}
        )


@pytest.mark.asyncio
async def test_pty() -> None:
    """usePTY: the child sees a terminal on stdin and stdout; its output arrives on fd 1."""

    class Talk(Recorder):
        said = False

        def childDataReceived(self, childFD: int, data: bytes) -> None:
            super().childDataReceived(childFD, data)
            if b"HELLO\r\n" in self.out() and not self.said:
                # Only now let the child exit: a pty drops unread output when it closes.
                self.said = True
                self.transport.write(b"bye\n")

    proto = Talk()
    proc = _spawn(
        proto,
        "import os, sys\n"
        "print(os.isatty(0), os.isatty(1), flush=True)\n"
        "print(sys.stdin.readline().strip().upper(), flush=True)\n"
        "sys.stdin.readline()\n",
        usePTY=True,
    )
    proc.write(b"hello\n")
    for closer in (proc.closeStdin, proc.closeStdout, proc.closeStderr):
        closer()  # nothing, on a pty (as Twisted)
    with pytest.raises(NotImplementedError):
        proc.closeChildFD(0)
    async with asyncio.timeout(BOUND):
        reason = await proto.ended
    assert reason.check(error.ProcessDone)
    out = proto.out().replace(b"\r\n", b"\n")
    assert b"True True\n" in out and b"HELLO\n" in out
    assert proto.lost == []


@pytest.mark.asyncio
async def test_utils_in_loop() -> None:
    """getProcessOutputAndValue awaited inside a running loop."""
    async with asyncio.timeout(BOUND):
        out, err, code = await utils.getProcessOutputAndValue(
            sys.executable, ["-c", "import sys; print('o'); sys.stderr.write('e'); sys.exit(4)"]
        )
    assert (out, err, code) == (b"o\n", b"e", 4)


def test_run_with_warnings_suppressed() -> None:
    """runWithWarningsSuppressed hides the listed warnings while the call runs."""

    def noisy() -> int:
        warnings.warn("hidden", DeprecationWarning, stacklevel=1)
        return 5

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert (
            utils.runWithWarningsSuppressed(
                [(("ignore",), {"category": DeprecationWarning})], noisy
            )
            == 5
        )
    assert caught == []

    wrapped = utils.suppressWarnings(noisy, (("ignore",), {"category": DeprecationWarning}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert wrapped() == 5
    assert caught == []

"""The twistd runner in subprocesses, on loopback: foreground, daemon, pidfile, SIGHUP and
--workers. Every wait is bounded and every process started here is gone at the end."""

from __future__ import annotations

import asyncio
import os
import select
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(120)

# A .tac whose echo replies carry the serving process's pid, and whose services report
# their start and stop (log lines) and the port they bound (a file).
TAC = """
import os
from twistlike import reactor
from twistlike.application import service
from twistlike.log import msg
from twistlike.protocol import Factory, Protocol


class Echo(Protocol):
    def dataReceived(self, data):
        msg("echoed")
        self.transport.write(b"%d:" % os.getpid() + data)


class Listen(service.Service):
    def privilegedStartService(self):
        self.port = reactor.listenTCP(0, Factory.forProtocol(Echo), interface="127.0.0.1")
        portFile = os.environ["TAC_PORT_FILE"]
        with open(portFile + ".tmp", "w") as f:
            f.write(str(self.port.getHost().port))
        os.rename(portFile + ".tmp", portFile)

    def startService(self):
        super().startService()
        msg("tac-ready %d" % os.getpid())

    def stopService(self):
        super().stopService()
        msg("tac-stopping %d" % os.getpid())
        return self.port.stopListening()


application = service.Application("echo")
Listen().setServiceParent(application)
"""


def _twistd(*args: str) -> list[str]:
    return [sys.executable, "-m", "twistlike", "twistd", *args]


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["TAC_PORT_FILE"] = str(tmp_path / "port")
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    return env


def _tac(tmp_path: Path) -> str:
    path = tmp_path / "echo.tac"
    path.write_text(TAC)
    return str(path)


async def _echo(port: int, data: bytes = b"ping") -> tuple[int, bytes]:
    """One connection: send ``data``, return (serving pid, echoed data)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    writer.write_eof()
    reply = await reader.read()
    writer.close()
    await writer.wait_closed()
    pid, _, echoed = reply.partition(b":")
    return int(pid), echoed


def _wait_gone(pid: int, timeout: float) -> bool:
    """Wait (bounded) until process ``pid``, not necessarily our child, has exited."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([fd], [], [], timeout)
        return bool(readable)
    finally:
        os.close(fd)


class _Lines:
    """The lines a foreground twistd writes to stdout, read as they come."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.seen: list[str] = []

    async def until(self, text: str, count: int = 1) -> list[str]:
        """Read lines until ``count`` lines containing ``text`` were seen; return them."""
        assert self.proc.stdout is not None
        while True:
            found = [line for line in self.seen if text in line]
            if len(found) >= count:
                return found
            line = await self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"twistd ended before {text!r}:\n" + "".join(self.seen))
            self.seen.append(line.decode())

    async def rest(self) -> str:
        """Read everything up to the end of the output; return all of it."""
        assert self.proc.stdout is not None
        self.seen.extend((await self.proc.stdout.read()).decode().splitlines(keepends=True))
        return "".join(self.seen)


@asynccontextmanager
async def _foreground(tmp_path: Path, *args: str) -> AsyncIterator[_Lines]:
    proc = await asyncio.create_subprocess_exec(
        *_twistd("-n", "-l", "-", "-y", _tac(tmp_path), *args),
        env=_env(tmp_path),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        yield _Lines(proc)
    finally:
        if proc.returncode is None:
            proc.kill()
        await proc.wait()


@pytest.mark.asyncio(loop_factories=["asyncio"])
async def test_tac_echo_server_in_the_foreground(tmp_path: Path) -> None:
    """-n serves the .tac's echo server, writes the pidfile, and SIGTERM stops it gracefully
    (stopService awaited, pidfile removed, exit by SIGTERM as Twisted's twistd); a stale
    pidfile left by a dead process is replaced."""
    pidfile = tmp_path / "twistd.pid"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        timeout=60,
        capture_output=True,
        text=True,
        check=True,
    )
    pidfile.write_text(dead.stdout.strip())
    async with asyncio.timeout(60), _foreground(tmp_path, "--pidfile", str(pidfile)) as out:
        await out.until("tac-ready")
        assert pidfile.read_text() == str(out.proc.pid)
        port = int((tmp_path / "port").read_text())
        assert await _echo(port) == (out.proc.pid, b"ping")
        out.proc.send_signal(signal.SIGTERM)
        await out.until("Server Shut Down.")
        assert await out.proc.wait() == -signal.SIGTERM
    text = "".join(out.seen)
    for expected in (
        "Removing stale pidfile",
        "Log opened.",
        "starting up.",
        "reactor class: ",
        "tac-stopping",
    ):
        assert expected in text
    assert text.index("Received SIGTERM") < text.index("tac-stopping")
    assert not pidfile.exists()


@pytest.mark.asyncio(loop_factories=["asyncio"])
async def test_uvloop_reactor_and_sigint(tmp_path: Path) -> None:
    """--reactor uvloop runs the application on uvloop; SIGINT stops it like SIGTERM."""
    async with asyncio.timeout(60), _foreground(tmp_path, "--reactor", "uvloop") as out:
        await out.until("tac-ready")
        assert "event loop: uvloop." in "".join(out.seen)
        port = int((tmp_path / "port").read_text())
        assert (await _echo(port))[1] == b"ping"
        out.proc.send_signal(signal.SIGINT)
        await out.until("tac-stopping")
        assert await out.proc.wait() == -signal.SIGINT


@pytest.mark.skipif(os.getuid() != 0, reason="switching users needs root")
@pytest.mark.asyncio(loop_factories=["asyncio"])
async def test_uid_gid_are_switched_after_binding(tmp_path: Path) -> None:
    """Started as root with --uid/--gid, twistd binds first, then runs as that user."""
    import grp
    import pwd

    nobody = pwd.getpwnam("nobody")
    group = grp.getgrgid(nobody.pw_gid).gr_name
    tmp_path.chmod(0o755)
    args = ("--uid", "nobody", "--gid", group, "--pidfile=")
    async with asyncio.timeout(60), _foreground(tmp_path, *args) as out:
        ready = await out.until("tac-ready")
        pid = int(ready[0].split()[-1])
        status = Path(f"/proc/{pid}/status").read_text()
        uids = next(line for line in status.splitlines() if line.startswith("Uid:"))
        gids = next(line for line in status.splitlines() if line.startswith("Gid:"))
        assert uids.split()[1:] == [str(nobody.pw_uid)] * 4
        assert gids.split()[1:] == [str(nobody.pw_gid)] * 4
        port = int((tmp_path / "port").read_text())
        assert (await _echo(port))[1] == b"ping"
        out.proc.send_signal(signal.SIGTERM)
        assert await out.proc.wait() == -signal.SIGTERM


@pytest.mark.asyncio(loop_factories=["asyncio"])
async def test_logger_option_installs_an_observer_factory(tmp_path: Path) -> None:
    """--logger package.module.factory sends the events to the observer it makes."""
    (tmp_path / "observers.py").write_text(
        "import os\n"
        "from twistlike.logger import formatEvent\n"
        "def make():\n"
        "    def observe(event):\n"
        "        text = formatEvent(event)\n"
        "        os.write(1, b'OBSERVED ' + text.encode() + b'\\n')\n"
        "    return observe\n"
    )
    env = _env(tmp_path)
    env["PYTHONPATH"] += os.pathsep + str(tmp_path)
    proc = await asyncio.create_subprocess_exec(
        *_twistd("-n", "--logger", "observers.make", "-y", _tac(tmp_path), "--pidfile="),
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
    )
    out = _Lines(proc)
    try:
        async with asyncio.timeout(60):
            await out.until("OBSERVED tac-ready")
            proc.send_signal(signal.SIGTERM)
            text = await out.rest()
            assert await proc.wait() == -signal.SIGTERM
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert "OBSERVED Server Shut Down." in text


def test_pidfile_held_by_a_live_process_is_refused(tmp_path: Path) -> None:
    """A pidfile naming a live process makes twistd refuse to start, with Twisted's message."""
    pidfile = tmp_path / "twistd.pid"
    pidfile.write_text(str(os.getpid()))
    result = subprocess.run(
        _twistd("-n", "-y", _tac(tmp_path), "--pidfile", str(pidfile)),
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"Another twistd server is running, PID {os.getpid()}" in result.stderr
    assert pidfile.read_text() == str(os.getpid())
    assert not (tmp_path / "port").exists()


def test_usage_errors_are_clear(tmp_path: Path) -> None:
    """Unknown reactors, unsupported Twisted options and a bad .tac fail with status 1."""
    cases = [
        (["-n", "-y", _tac(tmp_path), "--reactor", "epoll"], "not supported by twistlike"),
        (["-n", "-f", "app.tap"], ".tap files"),
        (["-n"], "no application given"),
        (["-n", "--nope"], "option --nope not recognized"),
    ]
    bad = tmp_path / "bad.tac"
    bad.write_text("raise ValueError('broken tac')\n")
    cases.append((["-n", "-y", str(bad)], "Failed to load application: broken tac"))
    for args, message in cases:
        result = subprocess.run(
            _twistd(*args), env=_env(tmp_path), capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 1, args
        assert message in result.stdout + result.stderr, args


def test_a_failing_start_is_reported(tmp_path: Path) -> None:
    """startService raising ends twistd with status 1 in the foreground, and makes the
    daemonizing command fail with the error, without leaving a daemon or a pidfile."""
    tac = tmp_path / "fails.tac"
    tac.write_text(
        "from twistlike.application import service\n"
        "class Broken(service.Service):\n"
        "    def startService(self):\n"
        "        raise RuntimeError('cannot start')\n"
        "application = service.Application('broken')\n"
        "Broken().setServiceParent(application)\n"
    )
    pidfile = tmp_path / "broken.pid"
    foreground = subprocess.run(
        _twistd("-n", "-y", str(tac), "--pidfile", str(pidfile)),
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert foreground.returncode == 1
    assert "cannot start" in foreground.stdout
    assert not pidfile.exists()
    daemon = subprocess.run(
        _twistd("-y", str(tac), "--pidfile", str(pidfile), "-l", str(tmp_path / "b.log")),
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert daemon.returncode == 1
    assert "startService failed: cannot start" in daemon.stderr
    assert not pidfile.exists()


def test_daemon_writes_pidfile_and_stops_on_sigterm(tmp_path: Path) -> None:
    """Without -n, twistd returns once the daemon started; the daemon writes the pidfile,
    serves, and on SIGTERM stops its services, removes the pidfile and exits."""
    pidfile = tmp_path / "daemon.pid"
    logfile = tmp_path / "daemon.log"
    result = subprocess.run(
        _twistd("-y", _tac(tmp_path), "--pidfile", str(pidfile), "-l", str(logfile)),
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    pid = int(pidfile.read_text())
    try:
        assert pid != os.getpid()
        port = int((tmp_path / "port").read_text())
        assert asyncio.run(_echo(port)) == (pid, b"ping")
        os.kill(pid, signal.SIGTERM)
        assert _wait_gone(pid, 30)
    finally:
        if not _wait_gone(pid, 0):
            os.kill(pid, signal.SIGKILL)
    log = logfile.read_text()
    assert "tac-stopping" in log and "Server Shut Down." in log
    assert not pidfile.exists()
    # A daemon's default umask is 077, as in Twisted: its log is private.
    assert logfile.stat().st_mode & 0o777 == 0o600


def test_sighup_reopens_the_log_file(tmp_path: Path) -> None:
    """After logrotate moves the log away, SIGHUP makes twistd write to a new file."""
    pidfile = tmp_path / "daemon.pid"
    logfile = tmp_path / "app.log"
    result = subprocess.run(
        _twistd(
            "-y", _tac(tmp_path), "--pidfile", str(pidfile), "-l", str(logfile), "--umask", "022"
        ),
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    pid = int(pidfile.read_text())
    try:
        port = int((tmp_path / "port").read_text())
        rotated = tmp_path / "app.log.1"
        logfile.rename(rotated)
        os.kill(pid, signal.SIGHUP)

        async def until_reopened() -> None:
            # Each round trip is a loop turn of the daemon; the signal is handled in one.
            async with asyncio.timeout(30):
                while not (logfile.exists() and "reopened" in logfile.read_text()):
                    await _echo(port)
                await _echo(port, b"after")

        asyncio.run(until_reopened())
        os.kill(pid, signal.SIGTERM)
        assert _wait_gone(pid, 30)
    finally:
        if not _wait_gone(pid, 0):
            os.kill(pid, signal.SIGKILL)
    assert "tac-ready" in rotated.read_text()
    assert "Log file reopened." in logfile.read_text()
    assert "Server Shut Down." in logfile.read_text()
    assert "Server Shut Down." not in rotated.read_text()
    assert logfile.stat().st_mode & 0o777 == 0o644  # --umask 022


@pytest.mark.asyncio(loop_factories=["asyncio"])
@pytest.mark.parametrize("sockets", ["reuseport", "shared"])
async def test_workers_share_the_port_and_survive_a_killed_worker(
    tmp_path: Path, sockets: str
) -> None:
    """--workers 2: both workers serve the one port; a killed worker is restarted while the
    other keeps serving; SIGTERM stops the supervisor and every worker."""
    args = ("--workers", "2", "--worker-sockets", sockets)
    async with asyncio.timeout(90), _foreground(tmp_path, *args) as out:
        ready = await out.until("tac-ready", 2)
        workers = {int(line.split()[-1]) for line in ready}
        assert len(workers) == 2
        port = int((tmp_path / "port").read_text())
        served: set[int] = set()
        for _ in range(400):
            served.add((await _echo(port))[0])
            if served == workers:
                break
        assert served == workers

        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        await out.until("killed by SIGKILL")
        survivor = (workers - {victim}).pop()
        # Connections made while the victim is down are served (by the survivor; with
        # reuseport, those the kernel hashed to the victim's socket wait for its successor).
        assert (await _echo(port))[1] == b"ping"
        ready = await out.until("tac-ready", 3)
        replacement = int(ready[-1].split()[-1])
        assert replacement not in workers
        for _ in range(3):
            assert (await _echo(port))[1] == b"ping"

        out.proc.send_signal(signal.SIGTERM)
        text = await out.rest()
        assert await out.proc.wait() == -signal.SIGTERM
    for pid in (survivor, replacement):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert text.count("tac-stopping") == 2
    assert text.count("killed by SIGTERM") == 2
    assert ("one SO_REUSEPORT listening socket per worker" in text) == (sockets == "reuseport")


def test_log_file_reopen_keeps_the_old_file_when_the_path_is_gone(tmp_path: Path) -> None:
    """Reopening a log whose directory disappeared keeps writing to the old file."""
    from twistlike._aio.twistd import _LogFile

    directory = tmp_path / "logs"
    directory.mkdir()
    log = _LogFile(str(directory / "a.log"))
    log.write("before\n")
    moved = tmp_path / "moved"
    directory.rename(moved)
    log.reopen()
    log.write("after\n")
    log.close()
    assert (moved / "a.log").read_text() == "before\nafter\n"
    assert not directory.exists()


def test_daemon_with_workers_restarts_a_killed_worker(tmp_path: Path) -> None:
    """A daemonized --workers supervisor writes its pidfile, restarts a killed worker (which
    then serves), and stops everything on SIGTERM."""
    pidfile = tmp_path / "sup.pid"
    logfile = tmp_path / "sup.log"
    result = subprocess.run(
        _twistd(
            "-y", _tac(tmp_path), "--workers", "2", "--pidfile", str(pidfile), "-l", str(logfile)
        ),
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    supervisor = int(pidfile.read_text())
    try:
        started = [line for line in logfile.read_text().splitlines() if "started (pid" in line]
        workers = {int(line.rsplit("pid ", 1)[1].rstrip(").")) for line in started}
        assert len(workers) == 2 and supervisor not in workers
        port = int((tmp_path / "port").read_text())
        os.kill(min(workers), signal.SIGKILL)

        async def until_replacement_serves() -> int:
            async with asyncio.timeout(30):
                while True:
                    pid, echoed = await _echo(port)
                    assert echoed == b"ping"
                    if pid not in workers:
                        return pid

        replacement = asyncio.run(until_replacement_serves())
        os.kill(supervisor, signal.SIGTERM)
        assert _wait_gone(supervisor, 30)
    finally:
        if not _wait_gone(supervisor, 0):
            os.kill(supervisor, signal.SIGKILL)
    for pid in (*workers, replacement):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    log = logfile.read_text()
    assert "killed by SIGKILL" in log and log.count("killed by SIGTERM") == 2
    assert not pidfile.exists()

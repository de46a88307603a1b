"""The twistd runner: load a .tac application, daemonize, log, run it on asyncio.

Twisted: twisted.scripts.twistd (``twistd``) with twisted.application.app's runner.

The order of a run, as Twisted's:

1. Parse the options (``ServerOptions``); refuse a pidfile held by a live process.
2. Load the application (errors go to the terminal, exit status 1).
3. Daemonize unless ``-n`` (double fork; the parent exits once the daemon reports that it
   started, with the daemon's status), change to ``--rundir``, apply ``--umask``.
4. Start logging (``--logfile``/``--logger``), write the pidfile (in the daemon).
5. ``privilegedStartService`` (bind ports), then drop to ``--uid``/``--gid`` when root.
6. Run the reactor: ``startService`` from ``callWhenRunning``; SIGTERM/SIGINT stop the
   reactor, whose "before shutdown" trigger awaits ``stopService``; SIGHUP reopens the log.
7. Log ``Server Shut Down.``, remove the pidfile; after a signal, exit by that signal (as
   Twisted does, so service managers see how the process ended).

With ``--workers N`` a supervisor process does steps 1-5 and then forks N workers that
inherit the bound listening sockets and run step 6 each; see :func:`_supervise`.
"""

from __future__ import annotations

import asyncio
import errno
import importlib
import logging
import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable
from typing import IO, Any

import twistlike.logger
from twistlike import __version__
from twistlike._core.usage import Options, UsageError
from twistlike.application._service import IProcess, IService, loadApplication
from twistlike.error import ReactorNotRunning
from twistlike.log import msg, startLogging
from twistlike.logger import Logger, globalLogPublisher

__all__ = ["ServerOptions", "main", "run", "runApp"]

_log = Logger(namespace="twistlike.application.twistd")

#: Names accepted by --reactor, and the loop each runs on.
_REACTORS = ("asyncio", "uvloop")

#: How long a stopping supervisor waits for its workers before killing them (seconds).
_WORKER_STOP_TIMEOUT = 30.0


def _octal(value: str) -> int:
    return int(value, 8)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(f"{number} is not a positive number")
    return number


class ServerOptions(Options):
    """twistd's command line (the options that matter off Windows, plus ``--workers``).

    Twisted: twisted.scripts.twistd.ServerOptions.

    Twisted options twistlike does not support (.tap/.tas files, profiling, syslog, the
    debugger) are accepted by name and refused in ``postOptions`` with a message naming
    them, instead of "option not recognized".
    """

    synopsis = "Usage: twistd [options]"
    longdesc = (
        "twistd reads a twistlike.application.service.Application out of a file and runs it "
        "on asyncio (twistlike's twistd; see docs/services.md)."
    )

    optFlags = [
        ["nodaemon", "n", "don't daemonize, don't use default umask of 0077"],
        ["no_save", "o", "do not save state on shutdown"],
        ["originalname", None, "Don't try to change the process name"],
        ["euid", None, "Set only effective user-id rather than real user-id."],
        ["syslog", None, "Log to syslog, not to file (not supported by twistlike)"],
        ["debug", "b", "Run the application in the Python Debugger (not supported)"],
        ["spew", None, "Print a verbose trace of every call (not supported)"],
        ["encrypted", "e", "The specified tap/aos file is encrypted (not supported)"],
    ]
    optParameters = [
        ["python", "y", None, "read an application from within a Python file (implies -o)"],
        ["logfile", "l", None, "log to a specified file, - for stdout"],
        [
            "logger",
            None,
            None,
            "A fully-qualified name to a log observer factory to use for the initial log "
            "observer.  Takes precedence over --logfile.",
        ],
        ["pidfile", None, "twistd.pid", "Name of the pidfile"],
        ["rundir", "d", ".", "Change to a supplied directory before running"],
        ["umask", None, None, "The (octal) file creation mask to apply.", _octal],
        ["uid", "u", None, "The uid to run as."],
        [
            "gid",
            "g",
            None,
            "The gid to run as.  If not specified, the default gid associated with the "
            "specified --uid is used.",
        ],
        ["chroot", None, None, "Chroot to a supplied directory before running"],
        ["reactor", "r", "asyncio", "Which reactor to use: asyncio or uvloop"],
        [
            "workers",
            None,
            1,
            "Run N worker processes sharing the listening ports (twistlike only).",
            _positive,
        ],
        [
            "worker-sockets",
            None,
            "reuseport"
            if hasattr(socket, "SO_REUSEPORT") and sys.platform == "linux"
            else "shared",
            "With --workers: 'reuseport' gives each worker its own listening socket "
            "(SO_REUSEPORT, the kernel spreads connections evenly; Linux), 'shared' lets "
            "all workers accept from one socket (twistlike only).",
        ],
        ["file", "f", None, "read the given .tap file (not supported)"],
        ["source", "s", None, "Read an application from a .tas file (not supported)"],
        ["profile", "p", None, "Run in profile mode (not supported)"],
    ]

    def opt_version(self) -> None:
        """
        Print version information and exit.
        """
        print(f"twistd (twistlike) {__version__}")
        sys.exit(0)

    def opt_help_reactors(self) -> None:
        """
        Display a list of possibly available reactor names.
        """
        for name in _REACTORS:
            print(f"    {name:<10}asyncio's {'default loop' if name == 'asyncio' else name}")
        sys.exit(0)

    def postOptions(self) -> None:
        for flag in ("syslog", "debug", "spew", "encrypted"):
            if self[flag]:
                raise UsageError(f"--{flag} is not supported by twistlike (see docs/services.md)")
        for name, what in (
            ("file", ".tap files"),
            ("source", ".tas files"),
            ("profile", "profiling"),
        ):
            if self[name] is not None:
                raise UsageError(
                    f"--{name} ({what}) is not supported by twistlike; use -y/--python with a "
                    ".tac file (see docs/services.md)"
                )
        if self["python"] is None:
            raise UsageError("no application given: use -y/--python FILE.tac")
        if self["reactor"] not in _REACTORS:
            raise UsageError(
                f"The specified reactor is not supported by twistlike: {self['reactor']!r}. "
                f"Use one of: {', '.join(_REACTORS)}."
            )
        if self["worker-sockets"] not in ("reuseport", "shared"):
            raise UsageError("--worker-sockets must be 'reuseport' or 'shared'")
        if self["worker-sockets"] == "reuseport" and not hasattr(socket, "SO_REUSEPORT"):
            raise UsageError("--worker-sockets reuseport: this platform has no SO_REUSEPORT")
        # The log names the file as given, as Twisted's does; the absolute path is used.
        self.givenPython: str = self["python"]
        for name in ("pidfile", "python"):
            if self[name]:
                self[name] = os.path.abspath(self[name])
        if self["logfile"] is None and not self["nodaemon"] and not self["logger"]:
            # A daemon logs to twistd.log; like every path here, relative to the directory
            # twistd was started in (not --rundir), as in Twisted.
            self["logfile"] = "twistd.log"
        if self["logfile"] not in (None, "-"):
            self["logfile"] = os.path.abspath(self["logfile"])


# ---- the log file ---------------------------------------------------------------------------


class _LogFile:
    """A text log file that can be reopened (SIGHUP, for logrotate), or stdout."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._file: IO[str] = sys.stdout if path is None else open(path, "a", buffering=1)

    def write(self, text: str) -> int:
        return self._file.write(text)

    def flush(self) -> None:
        self._file.flush()

    def reopen(self) -> None:
        """Close and open the file again at its path (after logrotate moved it away).

        When the path cannot be opened (permissions, a missing directory), the old file is
        kept and the error is logged: losing the log would be worse than a stale file.
        """
        if self.path is None:
            return
        try:
            new = open(self.path, "a", buffering=1)
        except OSError as e:
            msg(f"Could not reopen the log file {self.path}: {e}; still writing the old one.")
            return
        old, self._file = self._file, new
        old.close()

    def close(self) -> None:
        if self.path is not None:
            self._file.close()


def _startLogging(config: ServerOptions) -> _LogFile | None:
    """Begin logging as twistd does; return the log file (None with --logger)."""
    # The reactor's own info lines ("Received SIGTERM, shutting down.") go through stdlib
    # logging; let them through to the observers, as Twisted's twistd logs them.
    logging.getLogger("twistlike").setLevel(logging.INFO)
    if config["logger"]:
        module, _, name = config["logger"].rpartition(".")
        try:
            factory = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError, ValueError) as e:
            raise UsageError(f"--logger: cannot find {config['logger']!r}: {e}") from e
        observer = factory()
        beginner = getattr(twistlike.logger, "globalLogBeginner", None)
        if beginner is not None:
            beginner.beginLoggingTo([observer])
        else:
            globalLogPublisher.addObserver(observer)
            msg("Log opened.")
        return None
    path = config["logfile"]
    if path == "-" or (path is None and config["nodaemon"]):
        logFile = _LogFile(None)
    else:
        logFile = _LogFile(path)
    # Captured stdout would loop into itself when the log is stdout.
    startLogging(logFile, setStdout=logFile.path is not None)  # type: ignore[arg-type]
    return logFile


# ---- the pidfile ----------------------------------------------------------------------------


def _checkPidfile(pidfile: str) -> str | None:
    """None when ``pidfile`` is free (a stale one is removed), else the refusal message."""
    if not pidfile or not os.path.exists(pidfile):
        return None
    try:
        with open(pidfile) as f:
            pid = int(f.read())
    except ValueError:
        return f"Pidfile {pidfile} contains non-numeric value"
    except OSError as e:
        return f"Can't read pidfile {pidfile}: {e}"
    try:
        os.kill(pid, 0)
    except OSError as e:
        if e.errno == errno.ESRCH:
            print(f"Removing stale pidfile {pidfile}")
            os.remove(pidfile)
            return None
        if e.errno != errno.EPERM:
            return f"Can't check status of PID {pid} from pidfile {pidfile}: {e}"
    return (
        f"Another twistd server is running, PID {pid}\n\n"
        "This could either be a previously started instance of your application or a\n"
        "different application entirely. To start a new one, either run it in some other\n"
        "directory, or use the --pidfile and --logfile parameters to avoid clashes.\n"
    )


def _writePidfile(pidfile: str) -> None:
    if pidfile:
        with open(pidfile, "w") as f:
            f.write(str(os.getpid()))


def _removePidfile(pidfile: str) -> None:
    if not pidfile:
        return
    try:
        with open(pidfile) as f:
            pid = int(f.read())
        if pid == os.getpid():
            os.remove(pidfile)
    except FileNotFoundError:
        pass  # already removed (a failed start removes it before reporting)
    except (OSError, ValueError) as e:
        msg(f"Failed to unlink PID file: {e}")


# ---- daemonizing ----------------------------------------------------------------------------


def _daemonize() -> int:
    """Detach (double fork, new session); return the pipe end to report the start on.

    The original process does not return: it waits for the daemon's report and exits with
    status 0 (started) or 1 (printing the daemon's error).
    """
    readEnd, writeEnd = os.pipe()
    if os.fork():
        os.close(writeEnd)
        report = b""
        while not report.startswith(b"0"):
            chunk = os.read(readEnd, 4096)
            if not chunk:
                break
            report += chunk
        if report.startswith(b"0"):
            os._exit(0)
        text = report[1:].decode(errors="replace").strip() if report else "(no report)"
        sys.stderr.write(
            f"An error has occurred: {text}\nPlease look at log file for more information.\n"
        )
        sys.stderr.flush()
        os._exit(1)
    os.close(readEnd)
    os.setsid()
    if os.fork():
        os._exit(0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    return writeEnd


_reported: set[int] = set()


def _report(statusFD: int | None, ok: bool, text: str = "") -> None:
    """Tell the waiting original process whether the daemon started (once: later reports
    are dropped, so a closed descriptor's number, reused since, is never written)."""
    if statusFD is None or statusFD in _reported:
        return
    _reported.add(statusFD)
    try:
        os.write(statusFD, (b"0" if ok else b"1") + text.encode(errors="replace")[:1000])
        os.close(statusFD)
    except OSError:
        pass


# ---- privileges -----------------------------------------------------------------------------


def _ids(config: ServerOptions, application: Any) -> tuple[int | None, int | None]:
    import grp
    import pwd

    process: Any = IProcess(application, None)
    uid: Any = config["uid"] if config["uid"] is not None else getattr(process, "uid", None)
    gid: Any = config["gid"] if config["gid"] is not None else getattr(process, "gid", None)
    if isinstance(uid, str):
        uid = int(uid) if uid.isdigit() else pwd.getpwnam(uid).pw_uid
    if isinstance(gid, str):
        gid = int(gid) if gid.isdigit() else grp.getgrnam(gid).gr_gid
    if uid is not None and gid is None:
        gid = pwd.getpwuid(uid).pw_gid
    return uid, gid


def _shedPrivileges(euid: bool, uid: int | None, gid: int | None) -> None:
    """Switch to ``uid``/``gid`` (only meaningful as root); OSError when not allowed."""
    if uid is None and gid is None:
        return
    if os.getuid() != 0 and uid in (None, os.getuid()) and gid in (None, os.getgid()):
        return
    if gid is not None:
        if uid is not None:
            import pwd

            os.initgroups(pwd.getpwuid(uid).pw_name, gid)
        (os.setegid if euid else os.setgid)(gid)
    if uid is not None:
        (os.seteuid if euid else os.setuid)(uid)


# ---- running --------------------------------------------------------------------------------


def _loopFactory(name: str) -> Callable[[], asyncio.AbstractEventLoop]:
    if name == "uvloop":
        try:
            import uvloop
        except ImportError as e:
            raise UsageError("--reactor uvloop: uvloop is not installed") from e
        return uvloop.new_event_loop
    return asyncio.new_event_loop


class _Stop:
    """How the reactor run ended: the signal that stopped it (None: it stopped by itself),
    and the error of a ``startService`` that raised (None: the services started)."""

    signal: int | None = None
    startError: str | None = None


def _runReactor(
    config: ServerOptions,
    service: Any,
    logFile: _LogFile | None,
    onRunning: Callable[[], None],
) -> _Stop:
    """Run the reactor with ``service`` started; return how the run ended.

    ``onRunning`` is called once the services started. When ``startService`` raises, the
    error is kept in the result and the reactor stops, without calling ``stopService``
    (Twisted's twistd never registers it when the start fails).
    """
    from twistlike import reactor

    stop = _Stop()

    def onSignal(signum: int) -> None:
        name = signal.Signals(signum).name
        _log.info("Received {signal}, shutting down.", signal=name)
        stop.signal = signum
        try:
            reactor.stop()
        except ReactorNotRunning:
            pass  # already stopping: a second signal changes nothing

    def reopenLog() -> None:
        if logFile is not None:
            logFile.reopen()
            _log.info("Log file reopened.")

    def whenRunning() -> None:
        loop = asyncio.get_running_loop()
        # Replaces the reactor's own SIGINT/SIGTERM handlers so that the signal is known:
        # the process exits by that signal afterwards, as Twisted's twistd does.
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, onSignal, signum)
        loop.add_signal_handler(signal.SIGHUP, reopenLog)
        try:
            service.startService()
        except Exception as e:
            _log.failure("Failed to start the application's services")
            stop.startError = f"startService failed: {e}"
            reactor.stop()
            return
        reactor.addSystemEventTrigger("before", "shutdown", service.stopService)
        onRunning()

    reactor.callWhenRunning(whenRunning)
    _log.info(
        "twistd {version} ({executable} {python}) starting up.",
        version=__version__,
        executable=sys.executable,
        python=sys.version.split()[0],
    )
    _log.info(
        "reactor class: {cls}.",
        cls=f"{type(reactor).__module__}.{type(reactor).__qualname__}",
    )
    _log.info("event loop: {loop}.", loop=config["reactor"])
    reactor.run(installSignalHandlers=True, loop_factory=_loopFactory(config["reactor"]))
    return stop


def _exitWithSignal(signum: int) -> None:
    """End the process by ``signum`` with its default action, as Twisted's twistd does."""
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _loadApplication(path: str) -> Any:
    """Load the .tac file; on failure print the error (as Twisted) and return None."""
    try:
        return loadApplication(path, "python")
    except Exception as e:
        traceback.print_exc()
        print(f"\n\nFailed to load application: {e}\n")
        return None


def main(argv: list[str]) -> int:
    """Run twistd with ``argv`` (the arguments after ``twistd``); return the exit status.

    twistlike-only entry point of ``python -m twistlike twistd``. When a signal stopped
    the application, the process ends by that signal instead of returning.
    """
    config = ServerOptions()
    try:
        config.parseOptions(argv)
    except UsageError as e:
        print(config)
        print(f"twistd: {e}", file=sys.stderr)
        return 1
    return runApp(config)


def run() -> None:
    """Run twistd with ``sys.argv`` and exit with its status.

    Twisted: twisted.scripts.twistd.run.
    """
    sys.exit(main(sys.argv[1:]))


def runApp(config: ServerOptions) -> int:
    """Run the application described by the parsed ``config``; return the exit status.

    Twisted: twisted.scripts.twistd.runApp (which returns nothing; this returns the
    status). When a signal stopped the application, the process ends by that signal.
    """
    refusal = _checkPidfile(config["pidfile"])
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return 1

    application = _loadApplication(config["python"])
    if application is None:
        return 1
    service: Any = IService(application)

    statusFD = None
    if not config["nodaemon"]:
        statusFD = _daemonize()
    try:
        if config["chroot"] is not None:
            os.chroot(config["chroot"])
            if config["rundir"] == ".":
                config["rundir"] = "/"
        os.chdir(config["rundir"])
        if config["umask"] is not None:
            os.umask(config["umask"])
        elif not config["nodaemon"]:
            os.umask(0o077)
        logFile = _startLogging(config)
    except (OSError, UsageError) as e:
        _report(statusFD, False, str(e))
        print(f"twistd: {e}", file=sys.stderr)
        return 1

    msg(f"Loading {getattr(config, 'givenPython', config['python'])}...")
    msg("Loaded.")
    _writePidfile(config["pidfile"])
    error: str | None = "twistd stopped unexpectedly"
    try:
        status, error = _serve(config, application, service, logFile, statusFD)
        return status
    finally:
        _removePidfile(config["pidfile"])
        if logFile is not None:
            logFile.flush()
        # A failed start is reported only now, so that the daemonizing command returns
        # after the daemon's pidfile is gone.
        if error is not None:
            _report(statusFD, False, error)


def _serve(
    config: ServerOptions,
    application: Any,
    service: Any,
    logFile: _LogFile | None,
    statusFD: int | None,
) -> tuple[int, str | None]:
    """Start, run and stop the services; return the exit status and, when the start
    failed, the error to report to a daemonizing parent."""
    try:
        service.privilegedStartService()
    except Exception as e:
        _log.failure("Failed to start the application's services")
        return 1, f"privilegedStartService failed: {e}"
    uid, gid = _ids(config, application)
    try:
        _shedPrivileges(config["euid"], uid, gid)
    except OSError as e:
        msg(f"failed to set uid/gid {uid}/{gid}: {e} (are you root?) -- exiting.")
        return 1, f"failed to set uid/gid {uid}/{gid}: {e}"

    if config["workers"] > 1:
        slots: list[tuple[int, list[socket.socket]]] = []
        if config["worker-sockets"] == "reuseport":
            try:
                slots = _reusePortSockets(config["workers"])
            except OSError as e:
                _log.failure("Could not make per-worker SO_REUSEPORT sockets")
                return 1, f"--worker-sockets reuseport failed: {e}"
        return _supervise(config, service, logFile, statusFD, slots), None

    ended = _runReactor(config, service, logFile, lambda: _report(statusFD, True))
    _log.info("Server Shut Down.")
    if ended.startError is not None:
        return 1, ended.startError
    if ended.signal is not None:
        _removePidfile(config["pidfile"])
        if logFile is not None:
            logFile.flush()
        _exitWithSignal(ended.signal)
    return 0, None


# ---- --workers ------------------------------------------------------------------------------


def _openFDs() -> set[int]:
    """This process's open file descriptors (empty where /proc/self/fd does not exist)."""
    try:
        return {int(name) for name in os.listdir("/proc/self/fd")}
    except OSError:
        return set()


def _reusePortSockets(count: int) -> list[tuple[int, list[socket.socket]]]:
    """Give every listening TCP port of this process one listening socket per extra worker.

    The supervisor listens on nothing of its own, so its listening TCP sockets are the
    application's ports (bound by the .tac or by privilegedStartService, while still
    privileged). For each: turn SO_REUSEPORT on (Linux lets a
    listening socket join a reuseport group afterwards) and bind ``count - 1`` more sockets
    to the same address. Worker 1 serves the original socket; worker k >= 2 puts socket k
    in place of it (dup2 onto the same descriptor number, which the port object holds).

    Returns:
        ``(descriptor, [socket for worker 2, worker 3, ...])`` per port.
    """
    slots: list[tuple[int, list[socket.socket]]] = []
    for fd in sorted(_openFDs()):
        try:
            copy = os.dup(fd)
        except OSError:
            continue  # already closed (the descriptor listdir used)
        try:
            probe = socket.socket(fileno=copy)
        except OSError:
            os.close(copy)
            continue  # not a socket (the log file ...)
        try:
            if (
                probe.family not in (socket.AF_INET, socket.AF_INET6)
                or probe.type != socket.SOCK_STREAM
                or not probe.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            ):
                continue
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            address = probe.getsockname()
            extras = []
            for _ in range(count - 1):
                extra = socket.socket(probe.family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
                extra.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                extra.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
                extra.bind(address)
                extra.listen(socket.SOMAXCONN)
                extra.setblocking(False)
                extras.append(extra)
            slots.append((fd, extras))
            _log.info(
                "port {address}: one SO_REUSEPORT listening socket per worker.",
                address=address[1],
            )
        finally:
            probe.close()
    return slots


def _supervise(
    config: ServerOptions,
    service: Any,
    logFile: _LogFile | None,
    statusFD: int | None,
    slots: list[tuple[int, list[socket.socket]]],
) -> int:
    """Fork ``--workers`` workers serving the already bound sockets; restart those that die.

    twistlike-only. The supervisor has bound every listening port (privilegedStartService)
    and holds no event loop; each worker inherits the listening sockets, runs the reactor
    and starts the services. With ``slots`` (``--worker-sockets reuseport``), worker k
    serves its own SO_REUSEPORT socket of each TCP port; the supervisor keeps them all
    open, so a restarted worker k takes over socket k with the connections queued on it.

    A worker that exits unexpectedly is restarted after a back-off (0.5 s doubling to 30 s,
    reset once a worker has run for 10 s). SIGTERM/SIGINT stop the workers with SIGTERM
    (each awaits its stopService), then the supervisor exits; SIGHUP reopens the
    supervisor's log and is passed on to the workers.
    """
    count = config["workers"]
    watched = {signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
    previousMask = signal.pthread_sigmask(signal.SIG_BLOCK, watched)
    workers: dict[int, tuple[int, float]] = {}  # pid -> (slot, start time)
    failures = dict.fromkeys(range(1, count + 1), 0)
    restartAt: dict[int, float] = {}

    def spawn(slot: int) -> None:
        pid = os.fork()
        if pid == 0:
            signal.pthread_sigmask(signal.SIG_SETMASK, previousMask)
            # Still open only if the supervisor has not reported yet (first workers).
            if statusFD is not None and statusFD not in _reported:
                _reported.add(statusFD)
                os.close(statusFD)
            for fd, extras in slots:
                if slot >= 2:
                    os.dup2(extras[slot - 2].fileno(), fd, inheritable=False)
                for extra in extras:
                    extra.close()
            try:
                ended = _runReactor(config, service, logFile, lambda: None)
                _log.info("Server Shut Down.")
                if logFile is not None:
                    logFile.flush()
                if ended.startError is not None:
                    os._exit(1)
                if ended.signal is not None:
                    _exitWithSignal(ended.signal)
                os._exit(0)
            except BaseException:
                traceback.print_exc()
                os._exit(1)
        workers[pid] = (slot, time.monotonic())
        _log.info("worker {slot} started (pid {pid}).", slot=slot, pid=pid)

    _log.info(
        "twistd {version} supervisor starting {count} workers.", version=__version__, count=count
    )
    for slot in range(1, count + 1):
        spawn(slot)
    _report(statusFD, True)

    stopping: int | None = None
    deadline = 0.0
    while workers or (stopping is None and restartAt):
        now = time.monotonic()
        if stopping is None:
            for slot, when in sorted(restartAt.items()):
                if when <= now:
                    del restartAt[slot]
                    spawn(slot)
        timeout = 1.0
        if restartAt and stopping is None:
            timeout = max(0.0, min(restartAt.values()) - time.monotonic())
        if stopping is not None:
            timeout = max(0.0, deadline - time.monotonic())
            if timeout == 0.0:
                for pid in workers:
                    _log.warn("worker pid {pid} did not stop; killing it.", pid=pid)
                    os.kill(pid, signal.SIGKILL)
                timeout = 1.0
        info = signal.sigtimedwait(watched, timeout)
        if info is None:
            continue
        if info.si_signo in (signal.SIGTERM, signal.SIGINT) and stopping is None:
            stopping = info.si_signo
            deadline = time.monotonic() + _WORKER_STOP_TIMEOUT
            _log.info(
                "Received {signal}, stopping the workers.", signal=signal.Signals(stopping).name
            )
            restartAt.clear()
            for pid in workers:
                os.kill(pid, signal.SIGTERM)
        elif info.si_signo == signal.SIGHUP:
            if logFile is not None:
                logFile.reopen()
                _log.info("Log file reopened.")
            for pid in workers:
                os.kill(pid, signal.SIGHUP)
        # Reap every worker that has exited (several SIGCHLDs may have merged into one).
        while workers:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if pid not in workers:
                continue
            slot, started = workers.pop(pid)
            _log.info(
                "worker {slot} (pid {pid}) exited: {how}.",
                slot=slot,
                pid=pid,
                how=_describeStatus(status),
            )
            if stopping is None:
                if time.monotonic() - started > 10.0:
                    failures[slot] = 0
                delay = min(0.5 * 2 ** failures[slot], 30.0)
                failures[slot] += 1
                restartAt[slot] = time.monotonic() + delay
                _log.info("restarting worker {slot} in {delay} seconds.", slot=slot, delay=delay)

    signal.pthread_sigmask(signal.SIG_SETMASK, previousMask)
    _log.info("Server Shut Down.")
    if stopping is not None:
        _removePidfile(config["pidfile"])
        if logFile is not None:
            logFile.flush()
        _exitWithSignal(stopping)
    return 0


def _describeStatus(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.WEXITSTATUS(status)}"

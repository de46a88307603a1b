"""Twisted's child processes (``reactor.spawnProcess``) with asyncio pipe transports.

ARCHITECTURE.md decision 5. The child is started synchronously with :class:`subprocess.Popen`
(so, as in Twisted, ``spawnProcess`` returns a transport whose ``pid`` is set and the protocol's
``connectionMade`` has run); each pipe to it is served by the loop with
``loop.connect_read_pipe`` / ``loop.connect_write_pipe`` (uvloop's C pipes on uvloop), and
the child is reaped when its pidfd becomes readable (``loop.add_reader``), or by a waiting
thread where there is no pidfd. Call order, as Twisted's::

    makeConnection -> connectionMade [-> childDataReceived(fd, data)*]
        [-> childConnectionLost(fd)* and processExited(reason), in the order they happen]
        -> processEnded(reason)

``processEnded`` comes once the child was reaped *and* every pipe closed; its reason is
``ProcessDone`` (exit code 0) or ``ProcessTerminated`` (``exitCode``, ``signal``, ``status``).

Why not ``loop.subprocess_exec``: it starts the child inside a coroutine, so ``pid`` and
``connectionMade`` would come a loop turn later than in Twisted (and not at all before
``run()``), argv[0] cannot differ from the executable on uvloop, and child fds above 2 need
pipes it does not make; its own transport would also kill the child when closed, which Twisted
never does.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast

from zope.interface import implementer

from twistlike import error
from twistlike._core.log import log_failure
from twistlike.failure import Failure
from twistlike.interfaces import IConsumer, IProcessTransport, IPushProducer

__all__ = ["Process", "processReason"]

_log_ns = "twistlike.process"

_SIGNAL_NAMES = ("HUP", "STOP", "INT", "KILL", "TERM")


def processReason(status: int) -> BaseException:
    """Twisted's reason for a raw wait status: ProcessDone, or ProcessTerminated."""
    exitCode: int | None = None
    sig: int | None = None
    if os.WIFEXITED(status):
        exitCode = os.WEXITSTATUS(status)
    else:
        sig = os.WTERMSIG(status)
    if exitCode or sig:
        return error.ProcessTerminated(exitCode, sig, status)
    return error.ProcessDone(status)


def _same(pipe: _ReadPipe | _WritePipe) -> asyncio.BaseProtocol:
    return pipe


def _fsencode(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else os.fsencode(value)


class _PipeEnd:
    """The parent's end of a pipe, handed to ``connect_read_pipe``/``connect_write_pipe``.

    Not a file object: uvloop attaches the object only after the transport is connected and
    closes it when its handle closes (an io.FileIO would then warn about being unclosed, or
    fail with EBADF); this one closes its descriptor at most once and tolerates EBADF.
    """

    __slots__ = ("fd",)

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def fileno(self) -> int:
        return self.fd

    def close(self) -> None:
        fd, self.fd = self.fd, -1
        if fd >= 0:
            try:
                os.close(fd)
            except OSError as e:
                if e.errno != errno.EBADF:
                    raise


class _ReadPipe(asyncio.Protocol):
    """The parent's end of a pipe the child writes to (``childFDs`` value ``'r'``)."""

    def __init__(self, process: Process, childFD: int) -> None:
        self.process = process
        self.childFD = childFD
        self.transport: asyncio.ReadTransport | None = None
        self.lost = False  # the process no longer counts this pipe as open

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.ReadTransport, transport)
        if self.lost:
            # Closed while the loop was connecting it.
            self.transport.close()
        elif self.process._paused:
            self.transport.pause_reading()

    def data_received(self, data: bytes) -> None:
        if not self.lost:
            self.process._childData(self.childFD, data)

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        self.process._pipeLost(self.childFD)

    def close(self) -> None:
        """Stop reading and close our end (closeChildFD / closeStdout)."""
        transport = self.transport
        if transport is not None:
            if not transport.is_closing():
                transport.close()
        # Not connected yet: _connectPipes sees ``lost`` and closes the file.


class ProducingWritePipe(asyncio.Protocol):
    """A write pipe's flow control: an IProducer registered on it follows the pipe's buffer.

    A push producer is paused and resumed with asyncio's ``pause_writing``/``resume_writing``;
    a pull producer is asked for more (``resumeProducing``) whenever the buffer has drained.
    Shared by the process pipes and StandardIO's stdout.
    """

    transport: asyncio.WriteTransport | None
    producer: Any
    streaming: bool
    producerPaused: bool

    def pause_writing(self) -> None:
        if self.producer is not None and self.streaming and not self.producerPaused:
            self.producerPaused = True
            self.producer.pauseProducing()

    def resume_writing(self) -> None:
        producer = self.producer
        if producer is None:
            return
        if self.streaming:
            if self.producerPaused:
                self.producerPaused = False
                producer.resumeProducing()
        else:
            asyncio.get_running_loop().call_soon(self.pull)

    def pull(self) -> None:
        producer = self.producer
        transport = self.transport
        if producer is None or self.streaming or transport is None or transport.is_closing():
            return
        if transport.get_write_buffer_size():
            return
        producer.resumeProducing()
        if self.producer is producer and not transport.get_write_buffer_size():
            asyncio.get_running_loop().call_soon(self.pull)

    def drop_producer(self, log_namespace: str) -> None:
        """The pipe is gone: forget the transport and stop the producer (errors logged)."""
        self.transport = None
        producer, self.producer = self.producer, None
        if producer is not None:
            try:
                producer.stopProducing()
            except BaseException:
                log_failure(Failure(), "Unhandled error in stopProducing", namespace=log_namespace)


class _WritePipe(ProducingWritePipe):
    """The parent's end of a pipe the child reads from (``childFDs`` value ``'w'``)."""

    def __init__(self, process: Process, childFD: int) -> None:
        self.process = process
        self.childFD = childFD
        self.transport: asyncio.WriteTransport | None = None
        self.pending: list[bytes] = []  # written before the loop connected the pipe
        self.closing = False
        self.producer: Any = None
        self.streaming = False
        self.producerPaused = False
        self.lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.WriteTransport, transport)
        if self.lost:
            self.transport.abort()
            return
        pending, self.pending = self.pending, []
        if pending:
            self.transport.writelines(pending)
        if self.closing:
            self.transport.close()

    def write(self, data: bytes) -> None:
        if self.closing:
            return
        transport = self.transport
        if transport is None:
            self.pending.append(bytes(data))
        elif not transport.is_closing():
            transport.write(data)

    def close(self) -> None:
        """Close after the buffered data is written (closeStdin / closeChildFD)."""
        if self.closing:
            return
        self.closing = True
        if self.producer is not None:
            return  # closes when the producer unregisters, as Twisted
        transport = self.transport
        if transport is not None and not transport.is_closing():
            # On the next loop turn: asyncio's pipe transport (3.11) reports connection_lost
            # twice when closed from inside its own resume_writing callback.
            asyncio.get_running_loop().call_soon(self._closeTransport, transport)

    @staticmethod
    def _closeTransport(transport: asyncio.WriteTransport) -> None:
        if not transport.is_closing():
            transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.drop_producer(_log_ns)
        self.process._pipeLost(self.childFD)


_Pipe = _ReadPipe | _WritePipe


def _abort(transport: asyncio.ReadTransport | asyncio.WriteTransport) -> None:
    """Close a pipe transport now, dropping unwritten data."""
    if isinstance(transport, asyncio.WriteTransport) or hasattr(transport, "abort"):
        cast(asyncio.WriteTransport, transport).abort()
    else:
        transport.close()


@implementer(IProcessTransport, IConsumer, IPushProducer)
class Process:
    """A child process: Twisted's process transport over asyncio pipe transports.

    Twisted: twisted.internet.process.Process (IProcessTransport).
    asyncio: ``loop.connect_read_pipe`` / ``connect_write_pipe``; reaping through
    ``loop.add_reader`` on a pidfd.

    Attributes:
        pid: The child's process id; None once it was reaped.
        status: The raw wait status once reaped, else None.
        pipes: The parent's open pipe ends, by child fd.
    """

    pid: int | None
    status: int | None = None

    def __init__(
        self,
        state: Any,
        proto: Any,
        executable: str | bytes,
        args: Sequence[str | bytes],
        env: Mapping[str | bytes, str | bytes] | None,
        path: str | bytes | None,
        uid: int | None,
        gid: int | None,
        childFDs: Mapping[int, int | str] | None,
    ) -> None:
        self._state = state
        self.proto = proto
        self.pipes: dict[int, _Pipe] = {}
        self._paused = False
        self._lostProcess = False
        self._ended = False
        self._pidfd: int | None = None
        if childFDs is None:
            childFDs = {0: "w", 1: "r", 2: "r"}
        argv = [_fsencode(a) for a in args] or [_fsencode(executable)]
        environment = None if env is None else {_fsencode(k): _fsencode(v) for k, v in env.items()}
        opened: list[int] = []  # every pipe fd we made, closed on failure
        parentEnds: list[tuple[int, int, str]] = []  # (childFD, parent fd, 'r'|'w')
        fdmap: dict[int, int] = {}  # child fd -> parent fd the child gets
        try:
            for childFD, target in childFDs.items():
                if target == "r":
                    r, w = os.pipe()
                    opened += (r, w)
                    fdmap[childFD] = w
                    parentEnds.append((childFD, r, "r"))
                elif target == "w":
                    r, w = os.pipe()
                    opened += (r, w)
                    fdmap[childFD] = r
                    parentEnds.append((childFD, w, "w"))
                elif isinstance(target, int) and not isinstance(target, bool):
                    fdmap[childFD] = target
                else:
                    raise ValueError(
                        f"childFDs[{childFD}] is {target!r}: use 'r', 'w' or a file descriptor"
                    )
            self._popen = self._spawn(executable, argv, environment, path, uid, gid, fdmap)
        except BaseException:
            for fd in opened:
                os.close(fd)
            raise
        # The child has its copies; close ours of the child's ends.
        for childFD, target in childFDs.items():
            if target in ("r", "w"):
                os.close(fdmap[childFD])
        self.pid = self._popen.pid
        for childFD, _fd, kind in parentEnds:
            self.pipes[childFD] = (
                _ReadPipe(self, childFD) if kind == "r" else _WritePipe(self, childFD)
            )
        self._parentFDs = {childFD: fd for childFD, fd, _ in parentEnds}
        state.connections.add(self)
        state.onLoop(self._start)
        try:
            proto.makeConnection(self)
        except BaseException:
            log_failure(Failure(), "Unhandled error in connectionMade", namespace=_log_ns)

    # ---- starting --------------------------------------------------------------------------

    @staticmethod
    def _spawn(
        executable: str | bytes,
        argv: list[bytes],
        env: dict[bytes, bytes] | None,
        path: str | bytes | None,
        uid: int | None,
        gid: int | None,
        fdmap: dict[int, int],
    ) -> subprocess.Popen[bytes]:
        kwargs: dict[str, Any] = {}
        if uid is not None and uid != os.getuid():
            kwargs["user"] = uid
        if gid is not None and gid != os.getgid():
            kwargs["group"] = gid
        std = [fdmap.get(n) for n in (0, 1, 2)]
        extra = {n: fd for n, fd in fdmap.items() if n > 2}
        missingStd = [n for n in (0, 1, 2) if n not in fdmap]
        preexec: Callable[[], None] | None = None
        closeFds = True
        passFds: tuple[int, ...] = ()
        if any(n != fd for n, fd in extra.items()) or missingStd:
            # Child fds above 2 at other numbers than the parent's, or standard fds the child
            # must not have (Twisted closes them): arrange them between fork and exec.
            # Python's fds are not inheritable by default, so only these are inherited.
            closeFds = False
            moves = sorted(extra.items())

            def preexec() -> None:
                high = [os.dup(fd) for _, fd in moves]
                for (n, _), fd in zip(moves, high, strict=True):
                    os.dup2(fd, n)
                for fd in high:
                    os.close(fd)
                for n in missingStd:
                    os.close(n)

        else:
            passFds = tuple(extra)
        return subprocess.Popen(
            argv,
            executable=_fsencode(executable),
            stdin=std[0],
            stdout=std[1],
            stderr=std[2],
            env=env,
            cwd=path,
            close_fds=closeFds,
            pass_fds=passFds,
            preexec_fn=preexec,
            **kwargs,
        )

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the loop: serve the pipes and watch for the child's exit."""
        self._loop = loop
        if self._parentFDs:
            task = loop.create_task(self._connectPipes(loop))
            task.add_done_callback(self._pipesConnected)
        if self.status is None:
            self._watchExit(loop)

    async def _connectPipes(self, loop: asyncio.AbstractEventLoop) -> None:
        # All at once: each connection takes a loop turn, and they need not wait for each
        # other.
        connecting: list[Any] = []
        for childFD, fd in self._parentFDs.items():
            pipe = self.pipes.get(childFD)
            if pipe is None:
                # Closed (closeChildFD, reactor shutdown) before the loop served it.
                os.close(fd)
            elif isinstance(pipe, _ReadPipe):
                factory = functools.partial(_same, pipe)
                connecting.append(loop.connect_read_pipe(factory, _PipeEnd(fd)))
            else:
                factory = functools.partial(_same, pipe)
                connecting.append(loop.connect_write_pipe(factory, _PipeEnd(fd)))
        self._parentFDs = {}
        await asyncio.gather(*connecting)

    def _pipesConnected(self, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log_failure(Failure(exc), "Could not serve the pipes to the child", namespace=_log_ns)

    def _watchExit(self, loop: asyncio.AbstractEventLoop) -> None:
        pid = self._popen.pid
        try:
            pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            pidfd = None
        if pidfd is not None:
            try:
                loop.add_reader(pidfd, self._exitReady)
            except NotImplementedError:
                os.close(pidfd)
            else:
                self._pidfd = pidfd
                return
        # No pidfd (not Linux, or an old kernel) or no add_reader: a thread waits.
        threading.Thread(
            target=self._waitInThread, args=(loop,), name=f"twistlike-wait-{pid}", daemon=True
        ).start()

    def _exitReady(self) -> None:
        try:
            pid, status = os.waitpid(self._popen.pid, os.WNOHANG)
        except ChildProcessError:
            # Divergence from Twisted: someone else reaped it (a waitpid(-1) child watcher),
            # so the status is lost; report a normal exit.
            pid, status = self._popen.pid, 0
        if pid == 0:
            return
        self._stopWatching()
        self._reaped(status)

    def _stopWatching(self) -> None:
        pidfd, self._pidfd = self._pidfd, None
        if pidfd is not None:
            self._loop.remove_reader(pidfd)
            os.close(pidfd)

    def _waitInThread(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            _, status = os.waitpid(self._popen.pid, 0)
        except ChildProcessError:
            status = 0
        try:
            loop.call_soon_threadsafe(self._reaped, status)
        except RuntimeError:
            pass  # the loop is closed: nobody is left to tell

    def _reaped(self, status: int) -> None:
        self._popen.returncode = os.waitstatus_to_exitcode(status)
        self.status = status
        self.pid = None
        self._lostProcess = True
        try:
            self.proto.processExited(Failure(processReason(status)))
        except BaseException:
            log_failure(Failure(), "while calling processExited:", namespace=_log_ns)
        self._maybeEnded()

    # ---- pipes -----------------------------------------------------------------------------

    def _childData(self, childFD: int, data: bytes) -> None:
        try:
            self.proto.childDataReceived(childFD, data)
        except BaseException:
            log_failure(Failure(), "Unhandled error in childDataReceived", namespace=_log_ns)

    def _pipeLost(self, childFD: int) -> None:
        pipe = self.pipes.pop(childFD, None)
        if pipe is None:
            return
        pipe.lost = True
        try:
            self.proto.childConnectionLost(childFD)
        except BaseException:
            log_failure(Failure(), "Unhandled error in childConnectionLost", namespace=_log_ns)
        self._maybeEnded()

    def _maybeEnded(self) -> None:
        if self.pipes or not self._lostProcess or self._ended:
            return
        self._ended = True
        self._state.connections.discard(self)
        assert self.status is not None
        proto, self.proto = self.proto, None
        try:
            proto.processEnded(Failure(processReason(self.status)))
        except BaseException:
            log_failure(Failure(), "while calling processEnded:", namespace=_log_ns)

    def connectionLost(self, reason: Failure | None = None) -> None:
        """Reactor shutdown (the per-loop state's ``disconnect_all``): see ``_shutdown``."""
        self._shutdown()

    def _shutdown(self) -> None:
        """Reactor shutdown: close every pipe now (as Twisted); the child keeps running."""
        for childFD in list(self.pipes):
            pipe = self.pipes.get(childFD)
            if pipe is None:
                continue
            transport = pipe.transport
            self._pipeLost(childFD)
            if transport is not None and not transport.is_closing():
                _abort(transport)

    # ---- IProcessTransport -----------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Write ``data`` to the child's stdin (dropped when there is none, as Twisted).

        Twisted: IProcessTransport.write.
        asyncio: the stdin pipe's ``transport.write``.

        Raises:
            TypeError: ``data`` is a str.
        """
        self.writeToChild(0, data, missingOK=True)

    def writeSequence(self, seq: Iterable[bytes]) -> None:
        """Write each item of ``seq`` to the child's stdin.

        Twisted: ITransport.writeSequence.
        """
        for data in seq:
            self.write(data)

    def writeToChild(self, childFD: int, data: bytes, missingOK: bool = False) -> None:
        """Write ``data`` to the child's fd ``childFD``.

        Twisted: IProcessTransport.writeToChild.

        Raises:
            TypeError: ``data`` is a str.
            KeyError: no open pipe the parent writes to at ``childFD`` (as Twisted).
        """
        if isinstance(data, str):
            raise TypeError(f"Data must be bytes, not str: {data[:40]!r}")
        pipe = self.pipes.get(childFD)
        if not isinstance(pipe, _WritePipe):
            if missingOK:
                return
            raise KeyError(childFD)
        pipe.write(data)

    def closeChildFD(self, descriptor: int) -> None:
        """Close our end of the pipe at the child's fd ``descriptor`` (after pending writes).

        Twisted: IProcessTransport.closeChildFD. An fd without a pipe is ignored.
        """
        pipe = self.pipes.get(descriptor)
        if pipe is None:
            return
        pipe.close()
        if pipe.transport is None:
            # Not served yet: _connectPipes closes the fd; tell the protocol now.
            if isinstance(pipe, _WritePipe) and pipe.pending:
                return  # flushed and closed once connected
            self._pipeLost(descriptor)

    def closeStdin(self) -> None:
        """Close the child's stdin once pending writes went out.

        Twisted: IProcessTransport.closeStdin.
        """
        self.closeChildFD(0)

    def closeStdout(self) -> None:
        """Stop reading the child's stdout. Twisted: IProcessTransport.closeStdout."""
        self.closeChildFD(1)

    def closeStderr(self) -> None:
        """Stop reading the child's stderr. Twisted: IProcessTransport.closeStderr."""
        self.closeChildFD(2)

    def loseConnection(self) -> None:
        """Close stdin, stderr and stdout. Twisted: IProcessTransport.loseConnection."""
        self.closeStdin()
        self.closeStderr()
        self.closeStdout()

    def signalProcess(self, signalID: str | int) -> None:
        """Send the child a signal: a number, or ``"HUP"``, ``"STOP"``, ``"INT"``, ``"KILL"``,
        ``"TERM"``.

        Twisted: IProcessTransport.signalProcess.

        Raises:
            ProcessExitedAlready: the child was already reaped.
        """
        if signalID in _SIGNAL_NAMES:
            signalID = int(getattr(signal, f"SIG{signalID}"))
        if self.pid is None:
            raise error.ProcessExitedAlready()
        try:
            os.kill(self.pid, cast(int, signalID))
        except OSError as e:
            if e.errno == errno.ESRCH:
                raise error.ProcessExitedAlready() from None
            raise

    def getPeer(self) -> Any:
        """Twisted: ITransport.getPeer — processes have no address (NotImplementedError)."""
        raise NotImplementedError()

    def getHost(self) -> Any:
        """Twisted: ITransport.getHost — processes have no address (NotImplementedError)."""
        raise NotImplementedError()

    # ---- IPushProducer (the child's output) and IConsumer (its stdin) ----------------------

    def pauseProducing(self) -> None:
        """Stop reading the child's output pipes (it blocks once they are full).

        Twisted: twisted.internet.process.Process.pauseProducing.
        asyncio: ``pause_reading()`` on each read pipe transport.
        """
        self._paused = True
        for pipe in self.pipes.values():
            if isinstance(pipe, _ReadPipe) and pipe.transport is not None:
                pipe.transport.pause_reading()

    def resumeProducing(self) -> None:
        """Read the child's output pipes again.

        Twisted: twisted.internet.process.Process.resumeProducing.
        """
        self._paused = False
        for pipe in self.pipes.values():
            if isinstance(pipe, _ReadPipe) and pipe.transport is not None:
                pipe.transport.resume_reading()

    def stopProducing(self) -> None:
        """Close every pipe. Twisted: IProducer.stopProducing."""
        self.loseConnection()

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        """Feed the child's stdin from ``producer``; without stdin it is stopped at once.

        Twisted: twisted.internet.process.Process.registerProducer.
        """
        pipe = self.pipes.get(0)
        if not isinstance(pipe, _WritePipe):
            producer.stopProducing()
            return
        if pipe.producer is not None:
            raise RuntimeError(
                f"Cannot register producer {producer!r}, because producer "
                f"{pipe.producer!r} was never unregistered."
            )
        pipe.producer = producer
        pipe.streaming = bool(streaming)
        pipe.producerPaused = False
        if not streaming:
            self._state.onLoop(lambda loop: loop.call_soon(pipe.pull))

    def unregisterProducer(self) -> None:
        """Stop feeding stdin from the producer. Twisted: IConsumer.unregisterProducer."""
        pipe = self.pipes.get(0)
        if isinstance(pipe, _WritePipe) and pipe.producer is not None:
            pipe.producer = None
            if pipe.closing and pipe.transport is not None:
                asyncio.get_running_loop().call_soon(pipe._closeTransport, pipe.transport)

    def __repr__(self) -> str:
        return f"<Process pid={self.pid} status={self.status}>"


class PTYProcess(Process):
    """A child process on a pseudo-terminal: its stdin, stdout and stderr are the pty.

    Twisted: twisted.internet.process.PTYProcess.
    asyncio: ``pty.openpty()``; the master end is watched with ``loop.add_reader`` /
    ``add_writer`` (:class:`_PTYChannel`): asyncio has no pty transport, and uvloop's pipe
    transports deliver nothing from a pty's master end.

    As Twisted: everything the child prints arrives as ``childDataReceived(1, data)``;
    ``closeStdin``/``closeStdout``/``closeStderr`` do nothing (a pty has one channel each
    way), ``closeChildFD``/``writeToChild`` raise NotImplementedError, and the protocol gets
    no ``childConnectionLost``; ``processEnded`` follows the exit and the pty's end.
    """

    def __init__(
        self,
        state: Any,
        proto: Any,
        executable: str | bytes,
        args: Sequence[str | bytes],
        env: Mapping[str | bytes, str | bytes] | None,
        path: str | bytes | None,
        uid: int | None,
        gid: int | None,
        usePTY: Any = True,
    ) -> None:
        import fcntl
        import pty
        import termios

        self._state = state
        self.proto = proto
        self.pipes = {}
        self._paused = False
        self._lostProcess = False
        self._ended = False
        self._pidfd = None
        if isinstance(usePTY, tuple):
            master, slave = usePTY[0], usePTY[1]
        else:
            master, slave = pty.openpty()
        argv = [_fsencode(a) for a in args] or [_fsencode(executable)]
        environment = None if env is None else {_fsencode(k): _fsencode(v) for k, v in env.items()}
        kwargs: dict[str, Any] = {}
        if uid is not None and uid != os.getuid():
            kwargs["user"] = uid
        if gid is not None and gid != os.getgid():
            kwargs["group"] = gid

        def controllingTerminal() -> None:
            # After setsid (start_new_session): make the pty this session's terminal.
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        try:
            self._popen = subprocess.Popen(
                argv,
                executable=_fsencode(executable),
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=environment,
                cwd=path,
                start_new_session=True,
                preexec_fn=controllingTerminal,
                **kwargs,
            )
        except BaseException:
            os.close(master)
            os.close(slave)
            raise
        os.close(slave)
        self.pid = self._popen.pid
        self._channel = _PTYChannel(self, master)
        self.pipes[1] = self._channel  # type: ignore[assignment]
        self._parentFDs = {}
        state.connections.add(self)
        state.onLoop(self._start)
        try:
            proto.makeConnection(self)
        except BaseException:
            log_failure(Failure(), "Unhandled error in connectionMade", namespace=_log_ns)

    def _start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._channel.start(loop)
        if self.status is None:
            self._watchExit(loop)

    def _pipeLost(self, childFD: int) -> None:
        if self.pipes.pop(childFD, None) is None:
            return
        self._maybeEnded()

    def _shutdown(self) -> None:
        """Reactor shutdown: close the pty (the child sees a hangup) without waiting."""
        self._channel.close()

    def pauseProducing(self) -> None:
        """Stop reading the pty. Twisted: PTYProcess.pauseProducing."""
        self._paused = True
        self._channel.pause()

    def resumeProducing(self) -> None:
        """Read the pty again. Twisted: PTYProcess.resumeProducing."""
        self._paused = False
        self._channel.resume()

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        """Not supported on a pty: the producer is stopped at once."""
        producer.stopProducing()

    def unregisterProducer(self) -> None:
        """Nothing to unregister on a pty."""

    def closeStdin(self) -> None:
        """Nothing: a pty cannot be half-closed. Twisted: PTYProcess.closeStdin."""

    def closeStdout(self) -> None:
        """Nothing: a pty cannot be half-closed. Twisted: PTYProcess.closeStdout."""

    def closeStderr(self) -> None:
        """Nothing: a pty cannot be half-closed. Twisted: PTYProcess.closeStderr."""

    def loseConnection(self) -> None:
        """Close the pty after pending writes (the child sees a hangup).

        Twisted: PTYProcess.loseConnection.
        """
        self._channel.closeWhenWritten()

    def closeChildFD(self, descriptor: int) -> None:
        """Not possible on a pty (NotImplementedError, as Twisted)."""
        raise NotImplementedError()

    def writeToChild(self, childFD: int, data: bytes, missingOK: bool = False) -> None:
        """Write to the pty when ``missingOK`` (``write``); else NotImplementedError, as
        Twisted."""
        if not missingOK:
            raise NotImplementedError()
        if isinstance(data, str):
            raise TypeError(f"Data must be bytes, not str: {data[:40]!r}")
        self._channel.write(data)


class _PTYChannel:
    """The parent's end of a pty: reads and writes on ``loop.add_reader``/``add_writer``.

    The master end delivers EIO once the child's side is closed: that is its end of file.
    """

    childFD = 1
    transport = None  # (a pipe's attribute, read by Process)

    def __init__(self, process: PTYProcess, fd: int) -> None:
        self.process = process
        self.fd = fd
        self.loop: asyncio.AbstractEventLoop | None = None
        self.buffer = bytearray()
        self.reading = False
        self.paused = False
        self.closing = False
        self.lost = False

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.lost:
            return
        self.loop = loop
        os.set_blocking(self.fd, False)
        if not self.paused:
            self._startReading()
        if self.buffer:
            loop.add_writer(self.fd, self._writeReady)

    def _startReading(self) -> None:
        if self.loop is not None and not self.reading and not self.lost:
            self.loop.add_reader(self.fd, self._readReady)
            self.reading = True

    def _stopReading(self) -> None:
        if self.loop is not None and self.reading:
            self.loop.remove_reader(self.fd)
            self.reading = False

    def pause(self) -> None:
        self.paused = True
        self._stopReading()

    def resume(self) -> None:
        self.paused = False
        self._startReading()

    def _readReady(self) -> None:
        try:
            data = os.read(self.fd, 65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""  # EIO: the child's side of the pty is closed
        if not data:
            self.close()
            return
        self.process._childData(1, data)

    def write(self, data: bytes) -> None:
        if self.lost or self.closing:
            return
        if not self.buffer and self.loop is not None:
            try:
                written = os.write(self.fd, data)
            except (BlockingIOError, InterruptedError):
                written = 0
            except OSError:
                return  # the pty is going away; reading will see it end
            data = data[written:]
            if not data:
                return
            self.loop.add_writer(self.fd, self._writeReady)
        self.buffer += data

    def _writeReady(self) -> None:
        try:
            written = os.write(self.fd, self.buffer)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            written = len(self.buffer)
        del self.buffer[:written]
        if not self.buffer and self.loop is not None:
            self.loop.remove_writer(self.fd)
            if self.closing:
                self.close()

    def closeWhenWritten(self) -> None:
        self.closing = True
        if not self.buffer:
            self.close()

    def close(self) -> None:
        if self.lost:
            return
        self.lost = True
        self._stopReading()
        if self.loop is not None and self.buffer:
            self.loop.remove_writer(self.fd)
        self.buffer.clear()
        os.close(self.fd)
        self.process._pipeLost(1)

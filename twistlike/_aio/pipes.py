"""StandardIO: a Protocol over this process's own stdin and stdout, on asyncio pipe transports.

ARCHITECTURE.md decision 5. Duplicates of the stdin and stdout descriptors are served by
``loop.connect_read_pipe`` and ``loop.connect_write_pipe`` (uvloop's C pipes on uvloop);
closing a transport closes only the duplicate, and the original descriptors are put back into
blocking mode, as Twisted does, so ``print()`` keeps working afterwards. Call order, as
Twisted's::

    makeConnection -> connectionMade [-> dataReceived*]
        [-> readConnectionLost (IHalfCloseableProtocol, at stdin EOF)]
        [-> writeConnectionLost (IHalfCloseableProtocol, after loseWriteConnection)]
        -> connectionLost(ConnectionDone)

At stdin EOF a protocol that is not half-closeable gets ``connectionLost`` at once.
Regular files (``< file``, ``> file``) cannot be watched by a loop; they are read in chunks
on later loop turns and written synchronously (a file never blocks).
"""

from __future__ import annotations

import asyncio
import os
import stat
from typing import Any, cast

from zope.interface import implementer

from twistlike import error
from twistlike._aio import loopstate
from twistlike._aio.process import ProducingWritePipe
from twistlike._core.log import log_failure
from twistlike.failure import Failure
from twistlike.interfaces import (
    IAddress,
    IConsumer,
    IHalfCloseableDescriptor,
    IHalfCloseableProtocol,
    IProducer,
    ITransport,
)

__all__ = ["PipeAddress", "StandardIO"]

_log_ns = "twistlike.stdio"
_CHUNK = 65536


@implementer(IAddress)
class PipeAddress:
    """The address of either end of a StandardIO transport (there is nothing to say).

    Twisted: twisted.internet.stdio.PipeAddress.
    """


class _Dup:
    """A duplicate of a standard descriptor, for a pipe transport to own and close."""

    __slots__ = ("fd", "original")

    def __init__(self, original: int) -> None:
        self.original = original
        self.fd = os.dup(original)

    def fileno(self) -> int:
        return self.fd

    def close(self) -> None:
        fd, self.fd = self.fd, -1
        if fd >= 0:
            try:
                os.close(fd)
            except OSError:
                pass  # uvloop closed it already
        try:
            os.set_blocking(self.original, True)
        except OSError:
            pass


def _isRegularFile(fd: int) -> bool:
    try:
        return stat.S_ISREG(os.fstat(fd).st_mode)
    except OSError:
        return False


class _Reader(asyncio.Protocol):
    def __init__(self, stdio: StandardIO) -> None:
        self.stdio = stdio
        self.transport: asyncio.ReadTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.ReadTransport, transport)
        if self.stdio._readerGone:
            self.transport.close()
        elif self.stdio._paused:
            self.transport.pause_reading()

    def data_received(self, data: bytes) -> None:
        self.stdio._dataReceived(data)

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None
        reason = Failure(error.ConnectionDone()) if exc is None else Failure(exc)
        self.stdio._readConnectionLost(reason)


class _Writer(ProducingWritePipe):
    def __init__(self, stdio: StandardIO) -> None:
        self.stdio = stdio
        self.transport: asyncio.WriteTransport | None = None
        self.pending: list[bytes] = []
        self.closing = False
        self.producer: Any = None
        self.streaming = False
        self.producerPaused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.WriteTransport, transport)
        pending, self.pending = self.pending, []
        if pending:
            self.transport.writelines(pending)
        if self.closing and self.producer is None:
            asyncio.get_running_loop().call_soon(self.closeNow)

    def write(self, data: bytes) -> None:
        if self.transport is None:
            self.pending.append(bytes(data))
        elif not self.transport.is_closing():
            self.transport.write(data)

    def close(self) -> None:
        if self.closing:
            return
        self.closing = True
        if self.transport is not None and self.producer is None:
            # Next loop turn: writes made in this callback still go out first.
            asyncio.get_running_loop().call_soon(self.closeNow)

    def closeNow(self) -> None:
        transport = self.transport
        if transport is not None and not transport.is_closing():
            transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.drop_producer(_log_ns)
        reason = Failure(error.ConnectionDone()) if exc is None else Failure(exc)
        self.stdio._writeConnectionLost(reason)


class _FileWriter:
    """stdout redirected to a regular file: written synchronously."""

    def __init__(self, stdio: StandardIO, fd: int) -> None:
        self.stdio = stdio
        self.fd = fd
        self.closing = False
        self.producer: Any = None
        self.transport = None

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]

    def close(self) -> None:
        if not self.closing:
            self.closing = True
            self.stdio._onLoop(
                lambda loop: loop.call_soon(
                    self.stdio._writeConnectionLost, Failure(error.ConnectionDone())
                )
            )


@implementer(ITransport, IProducer, IConsumer, IHalfCloseableDescriptor)
class StandardIO:
    """A transport over this process's stdin and stdout, connected to ``proto``.

    Twisted: twisted.internet.stdio.StandardIO.
    asyncio: ``loop.connect_read_pipe`` (stdin) and ``loop.connect_write_pipe`` (stdout).

    ``proto.makeConnection`` runs before the constructor returns; reading starts when the
    loop runs (at once inside a running loop).
    """

    disconnected: bool = False
    disconnecting: bool = False

    def __init__(self, proto: Any, stdin: int = 0, stdout: int = 1, reactor: Any = None) -> None:
        if reactor is None:
            from twistlike._aio.reactor import reactor
        self.protocol = proto
        self._reactorState = loopstate.current(reactor)
        self._paused = False
        self._readerGone = False
        self._reader: _Reader | None = _Reader(self)
        self._writer: _Writer | _FileWriter | None
        self._stdinFD = stdin
        if _isRegularFile(stdout):
            self._writer = _FileWriter(self, stdout)
        else:
            self._writer = _Writer(self)
        self._stdoutFD = stdout
        self._onLoop(self._connect)
        self.protocol.makeConnection(self)

    def _onLoop(self, fn: Any) -> None:
        self._reactorState.onLoop(fn)

    def _connect(self, loop: asyncio.AbstractEventLoop) -> None:
        connecting: list[Any] = []
        reader = self._reader
        if reader is not None:
            if _isRegularFile(self._stdinFD):
                loop.call_soon(self._readFile, loop)
            else:
                connecting.append(loop.connect_read_pipe(lambda: reader, _Dup(self._stdinFD)))
        writer = self._writer
        if isinstance(writer, _Writer):
            connecting.append(loop.connect_write_pipe(lambda: writer, _Dup(self._stdoutFD)))
        if connecting:
            task = loop.create_task(self._gather(connecting))
            task.add_done_callback(self._connected)

    @staticmethod
    async def _gather(connecting: list[Any]) -> None:
        await asyncio.gather(*connecting)

    def _connected(self, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log_failure(Failure(exc), "Could not serve stdin/stdout", namespace=_log_ns)
            if not self.disconnected:
                self.connectionLost(Failure(exc))

    def _readFile(self, loop: asyncio.AbstractEventLoop) -> None:
        # stdin is a regular file: always readable, so read a chunk per loop turn.
        if self._reader is None or self._readerGone:
            return
        if self._paused:
            return  # resumeProducing schedules the next chunk
        try:
            data = os.read(self._stdinFD, _CHUNK)
        except OSError as e:
            self._readConnectionLost(Failure(e))
            return
        if not data:
            self._readConnectionLost(Failure(error.ConnectionDone()))
            return
        self._dataReceived(data)
        loop.call_soon(self._readFile, loop)

    # ---- events ----------------------------------------------------------------------------

    def _dataReceived(self, data: bytes) -> None:
        if self.disconnected or self._readerGone:
            return
        try:
            self.protocol.dataReceived(data)
        except BaseException:
            log_failure(Failure(), "Unhandled error in dataReceived", namespace=_log_ns)

    def _readConnectionLost(self, reason: Failure) -> None:
        if self.disconnected or self._reader is None:
            return
        self._reader = None
        self._readerGone = True
        p: Any = IHalfCloseableProtocol(self.protocol, None)
        if p is not None:
            try:
                p.readConnectionLost()
            except BaseException:
                failure = Failure()
                log_failure(failure, "while calling stdio readConnectionLost:", namespace=_log_ns)
                self.connectionLost(failure)
        else:
            self.connectionLost(reason)

    def _writeConnectionLost(self, reason: Failure) -> None:
        if self.disconnected or self._writer is None:
            return
        self._writer = None
        if self.disconnecting:
            self.connectionLost(reason)
            return
        p: Any = IHalfCloseableProtocol(self.protocol, None)
        if p is not None:
            try:
                p.writeConnectionLost()
            except BaseException:
                failure = Failure()
                log_failure(failure, "while calling stdio writeConnectionLost:", namespace=_log_ns)
                self.connectionLost(failure)

    def connectionLost(self, reason: Failure) -> None:
        """Both directions are over: close what is left and tell the protocol.

        Twisted: twisted.internet.stdio.StandardIO.connectionLost.
        """
        if self.disconnected:
            return
        self.disconnected = True
        reader, self._reader = self._reader, None
        writer, self._writer = self._writer, None
        protocol, self.protocol = self.protocol, None
        self._readerGone = True
        if writer is not None:
            # Divergence from Twisted: what was written still goes out before stdout's
            # duplicate closes (Twisted drops a pending write buffer here).
            writer.close()
        if reader is not None and reader.transport is not None:
            reader.transport.close()
        try:
            protocol.connectionLost(reason)
        except BaseException:
            log_failure(Failure(), "while calling stdio connectionLost:", namespace=_log_ns)

    # ---- ITransport ------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Write ``data`` to stdout. Twisted: ITransport.write.

        Raises:
            TypeError: ``data`` is a str.
        """
        if isinstance(data, str):
            raise TypeError(f"Data must be bytes, not str: {data[:40]!r}")
        writer = self._writer
        if writer is not None and not writer.closing:
            writer.write(data)

    def writeSequence(self, data: Any) -> None:
        """Write each item of ``data`` to stdout. Twisted: ITransport.writeSequence."""
        for item in data:
            self.write(item)

    def loseWriteConnection(self) -> None:
        """Close stdout after pending writes; reading goes on.

        Twisted: twisted.internet.stdio.StandardIO.loseWriteConnection.
        """
        if self._writer is not None:
            self._writer.close()

    def loseConnection(self) -> None:
        """Stop reading stdin, close stdout after pending writes, then ``connectionLost``.

        Twisted: ITransport.loseConnection.
        """
        self.disconnecting = True
        if self._writer is not None:
            self._writer.close()
        reader = self._reader
        if reader is not None and reader.transport is not None:
            reader.transport.pause_reading()
        self._paused = True

    def getPeer(self) -> PipeAddress:
        """Twisted: ITransport.getPeer — a PipeAddress."""
        return PipeAddress()

    def getHost(self) -> PipeAddress:
        """Twisted: ITransport.getHost — a PipeAddress."""
        return PipeAddress()

    # ---- producer / consumer ---------------------------------------------------------------

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        """Feed stdout from ``producer``; without stdout it is stopped at once.

        Twisted: IConsumer.registerProducer.
        """
        writer = self._writer
        if not isinstance(writer, _Writer):
            producer.stopProducing()
            return
        if writer.producer is not None:
            raise RuntimeError(
                f"Cannot register producer {producer!r}, because producer "
                f"{writer.producer!r} was never unregistered."
            )
        writer.producer = producer
        writer.streaming = bool(streaming)
        if not streaming:
            self._onLoop(lambda loop: loop.call_soon(writer.pull))

    def unregisterProducer(self) -> None:
        """Twisted: IConsumer.unregisterProducer."""
        writer = self._writer
        if isinstance(writer, _Writer) and writer.producer is not None:
            writer.producer = None
            if writer.closing:
                asyncio.get_running_loop().call_soon(writer.closeNow)

    def stopProducing(self) -> None:
        """Twisted: IProducer.stopProducing — loseConnection."""
        self.loseConnection()

    def pauseProducing(self) -> None:
        """Stop reading stdin. Twisted: IPushProducer.pauseProducing."""
        self._paused = True
        reader = self._reader
        if reader is not None and reader.transport is not None:
            reader.transport.pause_reading()

    def resumeProducing(self) -> None:
        """Read stdin again. Twisted: IPushProducer.resumeProducing."""
        if self.disconnecting:
            return
        wasPaused, self._paused = self._paused, False
        reader = self._reader
        if reader is not None and reader.transport is not None:
            reader.transport.resume_reading()
        elif wasPaused and reader is not None and _isRegularFile(self._stdinFD):
            self._onLoop(lambda loop: loop.call_soon(self._readFile, loop))

    def stopReading(self) -> None:
        """Compatibility with Twisted: pauseProducing."""
        self.pauseProducing()

    def startReading(self) -> None:
        """Compatibility with Twisted: resumeProducing."""
        self.resumeProducing()

    def readConnectionLost(self, reason: Failure) -> None:
        """Twisted: IHalfCloseableDescriptor.readConnectionLost — NotImplementedError."""
        raise NotImplementedError()

    def writeConnectionLost(self, reason: Failure) -> None:
        """Twisted: IHalfCloseableDescriptor.writeConnectionLost — NotImplementedError."""
        raise NotImplementedError()

"""Tests for IReactorFDSet (addReader & co) and IReactorSocket (adopting sockets).

Every test runs inside a running loop (default and uvloop) over socketpairs and loopback
sockets; every wait is bounded.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any, TypeVarTuple

import pytest
from zope.interface.verify import verifyObject  # type: ignore[import-untyped, unused-ignore]

from twistlike import error, reactor
from twistlike.failure import Failure
from twistlike.interfaces import IReactorFDSet, IReactorProcess, IReactorSocket, IReactorUDP
from twistlike.protocol import Factory, Protocol

BOUND = 10.0


class Reader:
    """A Twisted-style reader over one end of a socketpair."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.data: asyncio.Queue[bytes] = asyncio.Queue()
        self.lost: asyncio.Future[Failure] = asyncio.get_running_loop().create_future()

    def fileno(self) -> int:
        return self.sock.fileno()

    def logPrefix(self) -> str:
        return "Reader"

    def doRead(self) -> Any:
        data = self.sock.recv(65536)
        if not data:
            return error.ConnectionDone()
        self.data.put_nowait(data)
        return None

    def connectionLost(self, reason: Failure) -> None:
        self.lost.set_result(reason)


def test_reactor_declares_the_interfaces() -> None:
    """The reactor provides IReactorFDSet, IReactorSocket, IReactorUDP and IReactorProcess."""
    for iface in (IReactorFDSet, IReactorSocket, IReactorUDP, IReactorProcess):
        assert verifyObject(iface, reactor)


@pytest.mark.asyncio
async def test_reader_reads_until_eof() -> None:
    """doRead runs when data arrives; a returned ConnectionDone removes it and calls
    connectionLost with that reason."""
    a, b = socket.socketpair()
    a.setblocking(False)
    reader = Reader(a)
    try:
        reactor.addReader(reader)
        assert reader in reactor.getReaders()
        b.sendall(b"ping")
        async with asyncio.timeout(BOUND):
            assert await reader.data.get() == b"ping"
        b.close()
        async with asyncio.timeout(BOUND):
            reason = await reader.lost
        assert reason.check(error.ConnectionDone)
        assert reader not in reactor.getReaders()
    finally:
        reactor.removeReader(reader)
        a.close()


@pytest.mark.asyncio
async def test_writer_and_remove_all() -> None:
    """doWrite runs while the socket is writable; removeAll returns and unregisters both."""
    a, b = socket.socketpair()
    a.setblocking(False)
    wrote: asyncio.Queue[int] = asyncio.Queue()

    class Writer(Reader):
        def doWrite(self) -> Any:
            wrote.put_nowait(self.sock.send(b"x"))
            reactor.removeWriter(self)
            return None

    writer = Writer(a)
    reader = Reader(a)
    try:
        reactor.addWriter(writer)
        reactor.addReader(reader)
        async with asyncio.timeout(BOUND):
            assert await wrote.get() == 1
        assert b.recv(10) == b"x"
        assert writer not in reactor.getWriters()
        reactor.addWriter(writer)
        removed = reactor.removeAll()
        assert set(map(id, removed)) == {id(writer), id(reader)}
        assert reactor.getReaders() == [] and reactor.getWriters() == []
    finally:
        reactor.removeAll()
        a.close()
        b.close()


@pytest.mark.asyncio
@pytest.mark.twistlike_allow_unhandled_errors
async def test_do_read_raising_disconnects() -> None:
    """An exception in doRead is logged and the reader is removed with that failure."""
    a, b = socket.socketpair()
    a.setblocking(False)

    class Broken(Reader):
        def doRead(self) -> Any:
            raise ValueError("broken reader")

    reader = Broken(a)
    try:
        reactor.addReader(reader)
        b.sendall(b"x")
        async with asyncio.timeout(BOUND):
            reason = await reader.lost
        assert reason.check(ValueError)
        assert reader not in reactor.getReaders()
    finally:
        a.close()
        b.close()


class Echo(Protocol):
    """Echoes what it receives."""

    def dataReceived(self, data: bytes) -> None:
        self.transport.write(data)


@pytest.mark.asyncio
async def test_adopt_stream_port() -> None:
    """adoptStreamPort serves a listening socket made elsewhere (as systemd would pass it)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    port = reactor.adoptStreamPort(listener.fileno(), socket.AF_INET, Factory.forProtocol(Echo))
    listener.close()  # the reactor has its own copy
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port.getHost().port)
        writer.write(b"adopted")
        async with asyncio.timeout(BOUND):
            assert await reader.readexactly(7) == b"adopted"
        writer.close()
        await writer.wait_closed()
    finally:
        await port.stopListening()


@pytest.mark.asyncio
async def test_adopt_stream_connection() -> None:
    """adoptStreamConnection builds the protocol at once and serves the connected socket."""
    a, b = socket.socketpair()
    a.setblocking(False)
    built: list[Any] = []

    class F(Factory[Protocol]):
        protocol = Echo

        def buildProtocol(self, addr: Any) -> Protocol | None:
            built.append(addr)
            return super().buildProtocol(addr)

    reactor.adoptStreamConnection(a.fileno(), socket.AF_UNIX, F())
    assert len(built) == 1
    a.close()
    b.setblocking(False)
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(BOUND):
        await loop.sock_sendall(b, b"hello")
        assert await loop.sock_recv(b, 5) == b"hello"
    b.close()


@pytest.mark.asyncio
async def test_adopt_unsupported_family() -> None:
    """Adopting a socket of an unsupported family raises UnsupportedAddressFamily."""
    with pytest.raises(error.UnsupportedAddressFamily):
        reactor.adoptStreamPort(0, 12345, Factory.forProtocol(Echo))


_Ts = TypeVarTuple("_Ts")


class _NoReaderLoop(asyncio.SelectorEventLoop):
    """A loop without add_reader/add_writer, as the Windows Proactor loop is."""

    def add_reader(self, fd: Any, callback: Callable[[*_Ts], object], *args: *_Ts) -> None:
        raise NotImplementedError

    def add_writer(self, fd: Any, callback: Callable[[*_Ts], object], *args: *_Ts) -> None:
        raise NotImplementedError


def test_loop_without_add_reader() -> None:
    """On a loop without add_reader, addReader/addWriter raise a NotImplementedError that
    names the loop and the docs page."""
    a, b = socket.socketpair()

    async def attempt() -> list[str]:
        messages = []
        reader = Reader(a)
        for add in (reactor.addReader, reactor.addWriter):
            with pytest.raises(NotImplementedError) as info:
                add(reader)
            messages.append(str(info.value))
        assert reactor.getReaders() == [] and reactor.getWriters() == []
        return messages

    try:
        with asyncio.Runner(loop_factory=_NoReaderLoop) as runner:
            messages = runner.run(attempt())
    finally:
        a.close()
        b.close()
    for message in messages:
        assert "_NoReaderLoop" in message and "udp-processes.md" in message

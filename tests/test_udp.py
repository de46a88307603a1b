"""Tests for datagram ports: listenUDP, listenMulticast, listenUNIXDatagram, connectUNIXDatagram.

Differential scenarios run the same program on Twisted's reactor and on twistlike's (default
loop and uvloop) and compare the recorded events; ``@pytest.mark.asyncio`` tests use the
reactor inside a running loop. Loopback only, port 0, every wait bounded.
"""

from __future__ import annotations

import asyncio
import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from differential import run_all

from twistlike import error, reactor
from twistlike.address import IPv4Address, UNIXAddress
from twistlike.interfaces import IListeningPort, IMulticastTransport, IUDPTransport
from twistlike.protocol import ConnectedDatagramProtocol, DatagramProtocol

BOUND = 10.0


def _same_everywhere(body: str, twisted_reactor: str | None = None) -> dict[str, Any]:
    results = run_all(body, twisted_reactor)
    assert results["asyncio"] == results["twisted"]
    assert results["uvloop"] == results["twisted"]
    return results["twisted"]


def test_echo_and_lifecycle() -> None:
    """UDP echo: startProtocol inside listenUDP, datagrams both ways, stopProtocol before
    stopListening's Deferred fires, a second stopListening returns None."""
    seen = _same_everywhere(
        r"""
class Echo(DatagramProtocol):
    noisy = False
    def startProtocol(self):
        rec("server", "startProtocol")
    def stopProtocol(self):
        rec("server", "stopProtocol")
    def datagramReceived(self, data, addr):
        rec("server", "datagramReceived", data.decode(), addr[0])
        self.transport.write(data.upper(), addr)

class Client(DatagramProtocol):
    noisy = False
    def startProtocol(self):
        rec("client", "startProtocol")
        self.transport.write(b"one", ("127.0.0.1", server.getHost().port))
        self.transport.writeSequence([b"tw", b"o"], ("127.0.0.1", server.getHost().port))
    def stopProtocol(self):
        rec("client", "stopProtocol")
    def datagramReceived(self, data, addr):
        fromServer = addr == ("127.0.0.1", server.getHost().port)
        rec("client", "datagramReceived", data.decode(), fromServer)
        if len(events["client"]) == 4:
            d = server.stopListening()
            d.addCallback(lambda _: rec("server", "stopped", server.stopListening() is None))
            d.addCallback(lambda _: client.stopListening()).addCallback(done)

server = reactor.listenUDP(0, Echo(), interface="127.0.0.1")
rec("server", "listening", server.getHost().type, server.getHost().host, server.getHost().port > 0)
client = reactor.listenUDP(0, Client(), interface="127.0.0.1")
rec("client", "listening")
"""
    )
    assert seen["server"][0] == ["startProtocol"]
    assert seen["server"][-2:] == [["stopProtocol"], ["stopped", True]]
    assert ["datagramReceived", "TWO", True] in seen["client"]


def test_connected_refused() -> None:
    """A connected UDP port writing to a closed port hears connectionRefused (compared with
    Twisted's select reactor: its epoll and poll reactors drop the port on the ICMP error)."""
    seen = _same_everywhere(
        r"""
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
closed = s.getsockname()[1]
s.close()

class C(DatagramProtocol):
    noisy = False
    def startProtocol(self):
        self.transport.connect("127.0.0.1", closed)
        self.send()
    def send(self):
        if not events.get("refused"):
            self.transport.write(b"anyone?")
            reactor.callLater(0.05, self.send)
    def connectionRefused(self):
        if not events.get("refused"):
            events["refused"] = True
            try:
                self.transport.connect("127.0.0.1", closed)
            except RuntimeError as e:
                rec("reconnect", str(e))
            port.stopListening().addCallback(done)

port = reactor.listenUDP(0, C(), interface="127.0.0.1")
""",
        twisted_reactor="selectreactor",
    )
    assert seen["refused"] is True
    assert seen["reconnect"] == [["already connected, reconnecting is not currently supported"]]


def test_write_errors() -> None:
    """str, a host name, a wrong family and an oversized datagram raise as Twisted's do."""
    seen = _same_everywhere(
        r"""
p = reactor.listenUDP(0, DatagramProtocol(), interface="127.0.0.1")
for key, args in [
    ("str", ("text", ("127.0.0.1", 9))),
    ("hostname", (b"x", ("localhost", 9))),
    ("ipv6", (b"x", ("::1", 9))),
    ("long", (b"x" * 70000, ("127.0.0.1", 9))),
]:
    try:
        p.write(*args)
        events[key] = "no error"
    except Exception as e:
        events[key] = type(e).__name__
try:
    reactor.listenUDP(p.getHost().port, DatagramProtocol(), interface="127.0.0.1")
except error.CannotListenError as e:
    events["in use"] = [type(e).__name__, e.port == p.getHost().port]
try:
    reactor.listenUDP(0, DatagramProtocol(), interface="localhost")
except Exception as e:
    events["interface"] = type(e).__name__
p.setBroadcastAllowed(True)
events["broadcast"] = p.getBroadcastAllowed()
p.stopListening().addCallback(done)
"""
    )
    assert seen["str"] == "TypeError"
    assert seen["hostname"] == "InvalidAddressError"
    assert seen["long"] == "MessageLengthError"
    assert seen["in use"] == ["CannotListenError", True]


def test_stop_at_shutdown() -> None:
    """A port still listening at reactor shutdown stops its protocol (as Twisted)."""
    seen = _same_everywhere(
        r"""
class P(DatagramProtocol):
    noisy = False
    def stopProtocol(self):
        rec("p", "stopProtocol")
reactor.listenUDP(0, P(), interface="127.0.0.1")
reactor.addSystemEventTrigger("after", "shutdown", rec, "p", "after shutdown")
reactor.callLater(0, done)
"""
    )
    assert seen["p"] == [["stopProtocol"], ["after shutdown"]]


# ==========================================================================================
# In a running loop
# ==========================================================================================


class Collector(DatagramProtocol):
    """Collects datagrams into a queue."""

    noisy = False

    def __init__(self) -> None:
        self.queue: asyncio.Queue[tuple[bytes, Any]] = asyncio.Queue()
        self.stopped = False

    def datagramReceived(self, datagram: bytes, addr: Any) -> None:
        self.queue.put_nowait((datagram, addr))

    def stopProtocol(self) -> None:
        self.stopped = True


@pytest.mark.asyncio
async def test_interfaces_and_host() -> None:
    """listenUDP returns an IListeningPort/IUDPTransport whose getHost has the real port."""
    proto = Collector()
    port = reactor.listenUDP(0, proto, interface="127.0.0.1")
    try:
        assert IListeningPort.providedBy(port) and IUDPTransport.providedBy(port)
        host = port.getHost()
        assert isinstance(host, IPv4Address) and host.type == "UDP" and host.port > 0
        assert proto.transport is port
    finally:
        d = port.stopListening()
        assert d is not None
        async with asyncio.timeout(BOUND):
            await d
    assert proto.stopped and proto.transport is None


@pytest.mark.asyncio
async def test_protocol_on_two_ports() -> None:
    """A protocol already on a port cannot start on a second (AssertionError, as Twisted),
    and the failed port does not stay registered."""
    proto = Collector()
    port = reactor.listenUDP(0, proto, interface="127.0.0.1")
    try:
        with pytest.raises(AssertionError):
            reactor.listenUDP(0, proto, interface="127.0.0.1")
        assert proto.numPorts == 1
    finally:
        await port.stopListening()  # type: ignore[misc]
    assert proto.stopped


@pytest.mark.asyncio
async def test_ipv6_and_max_packet_size() -> None:
    """IPv6 addresses come as (host, port); datagrams beyond maxPacketSize are cut."""
    server = Collector()
    try:
        port = reactor.listenUDP(0, server, interface="::1", maxPacketSize=10)
    except error.CannotListenError:
        pytest.skip("IPv6 loopback is not available on this host")
    client = reactor.listenUDP(0, DatagramProtocol(), interface="::1")
    try:
        client.write(b"0123456789abcdef", ("::1", port.getHost().port))
        async with asyncio.timeout(BOUND):
            data, addr = await server.queue.get()
        assert data == b"0123456789"
        assert addr == ("::1", client.getHost().port)
    finally:
        await port.stopListening()  # type: ignore[misc]
        await client.stopListening()  # type: ignore[misc]


@pytest.mark.asyncio
async def test_empty_datagram() -> None:
    """An empty datagram is sent and received, as in Twisted."""
    server = Collector()
    port = reactor.listenUDP(0, server, interface="127.0.0.1")
    client = reactor.listenUDP(0, DatagramProtocol(), interface="127.0.0.1")
    try:
        client.write(b"", ("127.0.0.1", port.getHost().port))
        async with asyncio.timeout(BOUND):
            data, _ = await server.queue.get()
        assert data == b""
    finally:
        await port.stopListening()  # type: ignore[misc]
        await client.stopListening()  # type: ignore[misc]


@pytest.mark.asyncio
async def test_multicast_loopback() -> None:
    """A multicast port joined to a group on the loopback interface receives its own sends."""
    group = "239.255.42.99"
    proto = Collector()
    port = reactor.listenMulticast(0, proto, listenMultiple=True)
    try:
        assert IMulticastTransport.providedBy(port)
        try:
            async with asyncio.timeout(BOUND):
                await port.joinGroup(group, "127.0.0.1")
            async with asyncio.timeout(BOUND):
                await port.setOutgoingInterface("127.0.0.1")
        except error.MulticastJoinError as e:
            pytest.skip(f"the kernel refused multicast on loopback: {e}")
        port.setLoopbackMode(True)
        assert port.getLoopbackMode()
        port.setTTL(2)
        assert port.getTTL() == 2
        assert port.getOutgoingInterface() == "127.0.0.1"
        try:
            port.write(b"to the group", (group, port.getHost().port))
        except OSError as e:
            pytest.skip(f"the kernel refused to send multicast on loopback: {e}")
        async with asyncio.timeout(BOUND):
            data, _ = await proto.queue.get()
        assert data == b"to the group"
        async with asyncio.timeout(BOUND):
            await port.leaveGroup(group, "127.0.0.1")
        with pytest.raises(error.MulticastJoinError):
            async with asyncio.timeout(BOUND):
                await port.joinGroup("127.0.0.1", "127.0.0.1")
    finally:
        await port.stopListening()  # type: ignore[misc]


@pytest.fixture
def tmp_sock_dir() -> Iterator[Path]:
    """A short temporary directory for UNIX socket paths (they are limited to ~100 bytes)."""
    with tempfile.TemporaryDirectory(prefix="tl") as d:
        yield Path(d)


@pytest.mark.asyncio
async def test_unix_datagram(tmp_sock_dir: Path) -> None:
    """UNIX datagram ports exchange datagrams; a connected one hears datagramReceived(data)."""
    server = Collector()
    path = str(tmp_sock_dir / "server")
    port = reactor.listenUNIXDatagram(path, server)
    assert port.getHost() == UNIXAddress(path)

    class Connected(ConnectedDatagramProtocol):
        noisy = False

        def __init__(self) -> None:
            self.got: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

        def datagramReceived(self, datagram: bytes) -> None:  # type: ignore[override]
            self.got.set_result(datagram)

    client = Connected()
    clientPath = str(tmp_sock_dir / "client")
    conn = reactor.connectUNIXDatagram(path, client, bindAddress=clientPath)
    try:
        assert conn.getPeer() == UNIXAddress(path)
        conn.write(b"hello")
        async with asyncio.timeout(BOUND):
            data, addr = await server.queue.get()
        assert (data, addr) == (b"hello", clientPath)
        port.write(b"back", clientPath)
        async with asyncio.timeout(BOUND):
            assert await client.got == b"back"
        with pytest.raises(TypeError):
            conn.write("text")  # type: ignore[arg-type]
    finally:
        await conn.stopListening()  # type: ignore[misc]
        await port.stopListening()  # type: ignore[misc]


@pytest.mark.asyncio
async def test_unix_datagram_connect_failed(tmp_sock_dir: Path) -> None:
    """connectUNIXDatagram to a missing path calls connectionFailed with the error."""
    failed: list[Any] = []

    class C(ConnectedDatagramProtocol):
        noisy = False

        def connectionFailed(self, failure: Any) -> None:
            failed.append(failure)

    reactor.connectUNIXDatagram(str(tmp_sock_dir / "missing"), C())
    assert len(failed) == 1 and failed[0].check(OSError)


@pytest.mark.asyncio
async def test_adopt_datagram_port() -> None:
    """adoptDatagramPort serves a copy of an already bound socket; the caller keeps its own."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.setblocking(False)
    proto = Collector()
    port = reactor.adoptDatagramPort(sock.fileno(), socket.AF_INET, proto)
    try:
        assert port.getHost().port == sock.getsockname()[1]
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.sendto(b"adopted", sock.getsockname())
        sender.close()
        async with asyncio.timeout(BOUND):
            data, _ = await proto.queue.get()
        assert data == b"adopted"
    finally:
        await port.stopListening()  # type: ignore[misc]
    # The original descriptor is still ours and still open.
    assert os.fstat(sock.fileno())
    sock.close()


def test_unix_datagram_differential() -> None:
    """UNIX datagram ports: the same exchange, addresses and stop order as Twisted's."""
    seen = _same_everywhere(
        r"""
import shutil, tempfile
d = tempfile.mkdtemp(prefix="tl")
reactor.addSystemEventTrigger("after", "shutdown", shutil.rmtree, d)
server_path, client_path = d + "/s", d + "/c"

class Server(DatagramProtocol):
    noisy = False
    def datagramReceived(self, data, addr):
        rec("server", "datagramReceived", data.decode(), addr == client_path)
        self.transport.write(data.upper(), addr)
    def stopProtocol(self):
        rec("server", "stopProtocol")

class Client(ConnectedDatagramProtocol):
    noisy = False
    def startProtocol(self):
        peer = self.transport.getPeer().name
        rec("client", "startProtocol", peer in (server_path, server_path.encode()))
        self.transport.write(b"hi")
    def datagramReceived(self, data):
        rec("client", "datagramReceived", data.decode())
        conn.stopListening().addCallback(lambda _: port.stopListening()).addCallback(done)
    def stopProtocol(self):
        rec("client", "stopProtocol")

port = reactor.listenUNIXDatagram(server_path, Server())
rec("server", "host", port.getHost().name in (server_path, server_path.encode()))
conn = reactor.connectUNIXDatagram(server_path, Client(), bindAddress=client_path)
"""
    )
    assert seen["client"] == [
        ["startProtocol", True],
        ["datagramReceived", "HI"],
        ["stopProtocol"],
    ]
    assert seen["server"] == [
        ["host", True],
        ["datagramReceived", "hi", True],
        ["stopProtocol"],
    ]

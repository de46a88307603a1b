"""Twisted's UDP, multicast and UNIX datagram ports over asyncio's datagram transports.

ARCHITECTURE.md decision 5. The socket is created and bound synchronously (as Twisted's
``listenUDP``: ``CannotListenError`` and ``getHost()`` at once, and the protocol's
``startProtocol`` runs before ``listenUDP`` returns); then ``loop.create_datagram_endpoint``
serves it, so the loop (or uvloop's C code) does the reading and writing. One
:class:`DatagramPort` is both the ``asyncio.DatagramProtocol`` the loop calls and the Twisted
transport (IUDPTransport / IMulticastTransport / IUNIXDatagramTransport) the user's protocol
holds. Call order, as Twisted's::

    listenUDP -> makeConnection -> doStart [-> startProtocol] [-> datagramReceived*]
        -> stopListening -> (next loop turn) doStop [-> stopProtocol] -> Deferred fires

Until the asyncio transport exists (the first loop turn after ``listenUDP``, or ``run()``),
writes go straight to the socket with ``sendto``: asyncio offers no synchronous way to make
its transport, and Twisted sends (and raises ``MessageLengthError``) at once.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import os
import socket
import struct
from collections.abc import Iterable
from typing import Any, cast

from zope.interface import implementer

from twistlike import error
from twistlike._core.log import log_failure
from twistlike.address import IPv4Address, IPv6Address, UNIXAddress
from twistlike.defer import Deferred, fail, succeed
from twistlike.failure import Failure
from twistlike.interfaces import (
    IListeningPort,
    IMulticastTransport,
    IUDPTransport,
    IUNIXDatagramConnectedTransport,
    IUNIXDatagramTransport,
)

__all__ = [
    "ConnectedUNIXDatagramPort",
    "DatagramPort",
    "MulticastPort",
    "UNIXDatagramPort",
    "adoptDatagramSocket",
    "bindUDP",
    "bindUNIXDatagram",
]

_log_ns = "twistlike.udp"


def _isIPv4(host: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(host), ipaddress.IPv4Address)
    except ValueError:
        return False


def _isIPv6(host: str) -> bool:
    try:
        return isinstance(ipaddress.ip_address(host.split("%", 1)[0]), ipaddress.IPv6Address)
    except ValueError:
        return False


def _family(interface: str) -> int:
    """The address family of ``interface`` (Twisted's rule: an IP literal or empty)."""
    if _isIPv6(interface):
        return socket.AF_INET6
    if interface and not _isIPv4(interface):
        raise error.InvalidAddressError(interface, "not an IPv4 or IPv6 address.")
    return socket.AF_INET


def bindUDP(port: int, interface: str, reuse: bool = False) -> tuple[socket.socket, int]:
    """Create and bind a UDP socket synchronously, as Twisted's listenUDP does.

    Raises:
        InvalidAddressError: ``interface`` is not an IP address literal.
        CannotListenError: the address cannot be bound.
    """
    family = _family(interface)
    try:
        sock = socket.socket(family, socket.SOCK_DGRAM)
    except OSError as e:
        raise error.CannotListenError(interface, port, e) from None
    try:
        if reuse:
            # listenMulticast(listenMultiple=True): share the port with other sockets.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if hasattr(socket, "SO_REUSEPORT"):
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
                except OSError as e:
                    if e.errno != errno.ENOPROTOOPT:
                        raise
        sock.bind((interface, port))
        sock.setblocking(False)
    except (OSError, OverflowError) as e:
        sock.close()
        raise error.CannotListenError(interface, port, e) from None
    return sock, family


def bindUNIXDatagram(address: str | None, mode: int) -> socket.socket:
    """Create a UNIX datagram socket, bound to ``address`` when given.

    Raises:
        CannotListenError: the path cannot be bound.
    """
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        if address:
            sock.bind(address)
            if not address.startswith("\0"):
                # As Twisted: readable and writable by everyone unless ``mode`` says less.
                os.chmod(address, mode)
        sock.setblocking(False)
    except OSError as e:
        sock.close()
        raise error.CannotListenError(None, address or "", e) from None
    return sock


def adoptDatagramSocket(fileDescriptor: int, addressFamily: int) -> socket.socket:
    """A new socket object for a duplicate of ``fileDescriptor`` (the caller keeps its own).

    Raises:
        UnsupportedAddressFamily: ``addressFamily`` is not AF_INET, AF_INET6 or AF_UNIX.
    """
    if addressFamily not in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX):
        raise error.UnsupportedAddressFamily(addressFamily)
    sock = socket.socket(addressFamily, socket.SOCK_DGRAM, fileno=os.dup(fileDescriptor))
    sock.setblocking(False)
    return sock


@implementer(IListeningPort, IUDPTransport)
class DatagramPort(asyncio.DatagramProtocol):
    """A bound datagram socket: asyncio datagram protocol below, Twisted transport above.

    Twisted: twisted.internet.udp.Port.
    asyncio: ``loop.create_datagram_endpoint(sock=...)``; ``transport.sendto``.
    """

    _connectedAddr: Any = None

    def __init__(
        self,
        sock: socket.socket,
        protocol: Any,
        state: Any,
        maxPacketSize: int = 8192,
    ) -> None:
        self.socket: socket.socket | None = sock
        self.protocol = protocol
        self._state = state
        self.maxPacketSize = maxPacketSize
        self.addressFamily = sock.family
        self._v6 = sock.family == socket.AF_INET6
        # Hosts write() has already accepted: checking an address literal costs more than
        # sending the datagram, and a server answers the same few peers again and again.
        self._goodHosts: set[str] = set()
        self._transport: asyncio.DatagramTransport | None = None
        self._starting: asyncio.Task[Any] | None = None
        self._sendError: OSError | None = None
        self._stopDeferred: Deferred[None] | None = None
        self.connected: int = 0
        self.disconnected: bool = False
        # Bound once: the host address never changes after binding.
        self._host = self._hostAddress(sock)

    def _hostAddress(self, sock: socket.socket) -> Any:
        name = sock.getsockname()
        if self.addressFamily == socket.AF_INET6:
            return IPv6Address("UDP", name[0], name[1])
        if self.addressFamily == socket.AF_INET:
            return IPv4Address("UDP", name[0], name[1])
        return UNIXAddress(name or None)

    # ---- starting --------------------------------------------------------------------------

    def startListening(self) -> None:
        """Connect the protocol (``startProtocol`` runs now) and serve on the loop."""
        self.connected = 1
        self._state.ports.add(self)
        try:
            self._connectToProtocol()
        except BaseException:
            # As Twisted, the error reaches the caller; the port does not stay open.
            self.connected = 0
            self.disconnected = True
            self._state.ports.discard(self)
            if self.socket is not None:
                self.socket.close()
                self.socket = None
            raise
        self._state.onLoop(self._serve)

    def _connectToProtocol(self) -> None:
        self.protocol.makeConnection(self)

    def _serve(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.disconnected or self.socket is None:
            return
        sock = self.socket
        task = loop.create_task(loop.create_datagram_endpoint(lambda: self, sock=sock))
        self._starting = task
        task.add_done_callback(self._served)

    def _served(self, task: asyncio.Task[Any]) -> None:
        self._starting = None
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log_failure(Failure(exc), "Could not serve the datagram port", namespace=_log_ns)
            return
        if self.disconnected and self._transport is not None:
            self._transport.close()

    # ---- asyncio.DatagramProtocol ----------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.DatagramTransport, transport)
        if self.disconnected:
            self._transport.close()

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if not self.connected:
            return  # stopListening() was called: as Twisted, nothing more is read
        if len(data) > self.maxPacketSize:
            # As Twisted's recvfrom(maxPacketSize): the rest of a long datagram is dropped.
            data = data[: self.maxPacketSize]
        if self._v6:
            # As Twisted: (host, port) only, without flow info and scope id.
            addr = addr[:2]
        try:
            self.protocol.datagramReceived(data, addr)
        except BaseException:
            log_failure(Failure(), "Unhandled error in datagramReceived", namespace=_log_ns)

    def error_received(self, exc: Exception) -> None:
        if not isinstance(exc, OSError):
            log_failure(Failure(exc), "Datagram transport error", namespace=_log_ns)
            return
        if self._sending:
            # Called synchronously from transport.sendto inside write(): write() raises it.
            self._sendError = exc
            return
        if exc.errno == errno.ECONNREFUSED:
            # An ICMP "port unreachable" for an earlier datagram. Divergence from Twisted:
            # its epoll reactor stops the port here instead; its select reactor, like us,
            # calls connectionRefused.
            if self._connectedAddr is not None:
                self._refused()
            return
        if exc.errno in (errno.EAGAIN, errno.EINTR):
            return
        log_failure(Failure(exc), "Datagram socket error", namespace=_log_ns)

    _sending = False

    def _refused(self) -> None:
        try:
            self.protocol.connectionRefused()
        except BaseException:
            log_failure(Failure(), "Unhandled error in connectionRefused", namespace=_log_ns)

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        self.socket = None

    # ---- IUDPTransport ---------------------------------------------------------------------

    def _checkData(self, datagram: Any) -> None:
        if not isinstance(datagram, (bytes, bytearray, memoryview)):
            raise TypeError(f"Data must be bytes, not {type(datagram).__name__}: {datagram!r:.40}")

    def _checkAddress(self, addr: Any) -> None:
        host = addr[0]
        if host in self._goodHosts:
            return
        v4 = host == "<broadcast>" or _isIPv4(host)
        v6 = not v4 and _isIPv6(host)
        if not v4 and not v6:
            raise error.InvalidAddressError(
                host, "write() only accepts IP addresses, not hostnames"
            )
        if v4 and self.addressFamily == socket.AF_INET6:
            raise error.InvalidAddressError(
                host, "IPv6 port write() called with IPv4 or broadcast address"
            )
        if v6 and self.addressFamily == socket.AF_INET:
            raise error.InvalidAddressError(host, "IPv4 port write() called with IPv6 address")
        if len(self._goodHosts) >= 1024:
            self._goodHosts.clear()
        self._goodHosts.add(host)

    def write(self, datagram: bytes, addr: Any = None) -> None:
        """Send one datagram to ``addr``, or to the connected address.

        Twisted: IUDPTransport.write.
        asyncio: ``transport.sendto``.

        Divergence from Twisted: returns None (Twisted returns ``socket.send``'s count).

        Raises:
            TypeError: ``datagram`` is not bytes (a str, for instance).
            InvalidAddressError: ``addr`` is a host name, or of the wrong family.
            MessageLengthError: the datagram is too long to send.
        """
        if self._connectedAddr is not None:
            assert addr in (None, self._connectedAddr)
            addr = self._connectedAddr
        else:
            assert addr is not None
            if addr[0] not in self._goodHosts:
                self._checkAddress(addr)
        transport = self._transport
        if transport is not None and datagram and type(datagram) is bytes:
            # The common case, inlined: a served port sending bytes.
            self._sending = True
            try:
                transport.sendto(datagram, addr)
            finally:
                self._sending = False
            if self._sendError is not None:
                exc, self._sendError = self._sendError, None
                self._writeError(exc)
            return
        self._checkData(datagram)
        self._send(datagram, addr)

    def _send(self, datagram: bytes, addr: Any) -> None:
        transport = self._transport
        if transport is None or not datagram:
            # Before the asyncio transport exists (see the module docstring); and empty
            # datagrams, which asyncio's transports silently drop.
            sock = self.socket
            if sock is None:
                return
            try:
                if self._connectedAddr is not None or addr is None:
                    sock.send(datagram)
                else:
                    sock.sendto(datagram, addr)
            except BlockingIOError:
                return  # as Twisted: a full socket buffer drops the datagram
            except OSError as e:
                self._writeError(e)
            return
        self._sending = True
        try:
            transport.sendto(datagram, addr)
        finally:
            self._sending = False
        exc = self._sendError
        if exc is not None:
            self._sendError = None
            self._writeError(exc)

    def _writeError(self, exc: OSError) -> None:
        if exc.errno == errno.EMSGSIZE:
            raise error.MessageLengthError("message too long")
        if exc.errno == errno.ECONNREFUSED:
            if self._connectedAddr is not None:
                self._refused()
            return
        if exc.errno in (errno.EAGAIN, errno.EINTR):
            return
        raise exc

    def writeSequence(self, seq: Iterable[bytes], addr: Any = None) -> None:
        """Send the concatenation of ``seq`` as one datagram.

        Twisted: twisted.internet.udp.Port.writeSequence.
        """
        self.write(b"".join(seq), addr)

    def connect(self, host: str, port: int) -> None:
        """Talk to ``host:port`` only: ``write(data)`` goes there, other senders are filtered.

        Twisted: IUDPTransport.connect.

        Raises:
            RuntimeError: already connected.
            InvalidAddressError: ``host`` is not an IP address literal.
        """
        if self._connectedAddr is not None:
            raise RuntimeError("already connected, reconnecting is not currently supported")
        if not _isIPv4(host) and not _isIPv6(host):
            raise error.InvalidAddressError(host, "not an IPv4 or IPv6 address.")
        self._connectedAddr = (host, port)
        assert self.socket is not None
        self.socket.connect((host, port))

    def getHost(self) -> Any:
        """The bound address (the real port for port 0).

        Twisted: IUDPTransport.getHost.
        """
        return self._host

    def setBroadcastAllowed(self, enabled: bool) -> None:
        """Allow or forbid sending to broadcast addresses (SO_BROADCAST).

        Twisted: IUDPTransport.setBroadcastAllowed.
        """
        self._sock().setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, int(bool(enabled)))

    def getBroadcastAllowed(self) -> bool:
        """Whether sending to broadcast addresses is allowed.

        Twisted: IUDPTransport.getBroadcastAllowed.
        """
        return bool(self._sock().getsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST))

    def _sock(self) -> socket.socket:
        sock = self.socket
        if sock is None:
            raise error.NotListeningError("the port is not listening")
        return sock

    def getHandle(self) -> socket.socket:
        """The socket. Twisted: ISystemHandle.getHandle."""
        return self._sock()

    def logPrefix(self) -> str:
        return f"{type(self.protocol).__name__} (UDP)"

    # ---- stopping ---------------------------------------------------------------------------

    def stopListening(self) -> Deferred[None] | None:
        """Stop receiving; on the next loop turn the protocol is stopped and the Deferred fires.

        Twisted: IListeningPort.stopListening. Returns None when already stopped (as Twisted).
        """
        if not self.connected:
            # Divergence from Twisted: also while the port is still closing (Twisted then
            # returns a new Deferred and the first never fires).
            return None
        d: Deferred[None] = Deferred()
        self._stopDeferred = d
        self._stop(now=False)
        return d

    loseConnection = stopListening

    def connectionLost(self, reason: Failure | None = None) -> None:
        """Reactor shutdown (the per-loop state's ``disconnect_all``): stop now.

        Twisted: twisted.internet.udp.Port.connectionLost, which its reactor's
        ``disconnectAll`` calls; the protocol's ``stopProtocol`` runs at once.
        """
        self._stop(now=True)

    def _stop(self, now: bool) -> Deferred[None]:
        """Close the socket; stop the protocol now (reactor shutdown) or on a later turn."""
        if not self.connected:
            return succeed(None)
        self.connected = 0
        self.disconnected = True
        self._state.ports.discard(self)
        loop = self._state.loop
        if now:
            self._connectionLost()
        elif loop is not None:
            loop.call_soon(self._connectionLost)
        else:
            self._state.onLoop(lambda _loop: self._connectionLost())
        return self._stopDeferred or succeed(None)

    def _connectionLost(self) -> None:
        transport = self._transport
        if transport is not None:
            transport.close()
        elif self._starting is None and self.socket is not None:
            self.socket.close()
        self.socket = None
        try:
            self.protocol.doStop()
        except BaseException:
            log_failure(Failure(), "Unhandled error in stopProtocol", namespace=_log_ns)
        self._unlinkPath()
        d, self._stopDeferred = self._stopDeferred, None
        if d is not None:
            d.callback(None)

    def _unlinkPath(self) -> None:
        """UNIX datagram ports do not remove their path (as Twisted); UDP has none."""

    def __repr__(self) -> str:
        if self.connected:
            return f"<{type(self.protocol).__name__} on {self._host.port}>"
        return f"<{type(self.protocol).__name__} not connected>"


@implementer(IMulticastTransport)
class MulticastPort(DatagramPort):
    """A UDP port that joins multicast groups.

    Twisted: twisted.internet.udp.MulticastPort.
    asyncio: the same datagram transport; group membership is set with setsockopt.
    """

    def __init__(
        self, sock: socket.socket, protocol: Any, state: Any, maxPacketSize: int, reactor: Any
    ) -> None:
        super().__init__(sock, protocol, state, maxPacketSize)
        self.reactor = reactor

    @property
    def _v4(self) -> bool:
        return self.addressFamily == socket.AF_INET

    def _pack(self, addr: str) -> bytes:
        try:
            return socket.inet_pton(self.addressFamily, addr)
        except OSError:
            name = socket.AddressFamily(self.addressFamily).name
            raise error.MulticastJoinError(
                f"invalid address literal for {name}: {addr!r}"
            ) from None

    def _resolve(self, name: str) -> Deferred[str]:
        if _isIPv4(name) or _isIPv6(name):
            return succeed(name)
        resolved: Deferred[str] = self.reactor.resolve(name)
        return resolved

    def getOutgoingInterface(self) -> str | int:
        """The interface multicast datagrams leave from (an IPv4 address, an IPv6 index).

        Twisted: IMulticastTransport.getOutgoingInterface.
        """
        if self._v4:
            raw = self._sock().getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, 4)
            return socket.inet_ntop(socket.AF_INET, raw)
        return self._sock().getsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF)

    def setOutgoingInterface(self, addr: str | int) -> Deferred[int]:
        """Send multicast datagrams from interface ``addr``; fires with 1.

        Twisted: IMulticastTransport.setOutgoingInterface.
        """
        if not self._v4:
            assert isinstance(addr, int), "IPv6 interfaces are specified as integers"
            try:
                self._sock().setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, addr)
            except OSError:
                return fail()
            return succeed(1)
        assert isinstance(addr, str), "IPv4 interfaces are specified as addresses"

        def setIt(resolved: str) -> int:
            self._sock().setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, self._pack(resolved))
            return 1

        return self._resolve(addr).addCallback(setIt)

    def getLoopbackMode(self) -> bool:
        """Whether this host receives its own multicast datagrams.

        Twisted: IMulticastTransport.getLoopbackMode.
        """
        level, opt = self._loopOpt()
        return bool(self._sock().getsockopt(level, opt))

    def setLoopbackMode(self, mode: bool) -> None:
        """Set whether this host receives its own multicast datagrams.

        Twisted: IMulticastTransport.setLoopbackMode.
        """
        level, opt = self._loopOpt()
        self._sock().setsockopt(level, opt, int(bool(mode)))

    def _loopOpt(self) -> tuple[int, int]:
        if self._v4:
            return socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP
        return socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP

    def getTTL(self) -> int:
        """The time-to-live of outgoing multicast datagrams.

        Twisted: IMulticastTransport.getTTL.
        """
        return self._sock().getsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL)

    def setTTL(self, ttl: int) -> None:
        """Set the time-to-live of outgoing multicast datagrams (0 to 255).

        Twisted: IMulticastTransport.setTTL.
        """
        self._sock().setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, struct.pack("B", ttl))

    def joinGroup(self, addr: str, interface: str = "") -> Deferred[None]:
        """Join multicast group ``addr`` on ``interface`` (any when empty).

        Twisted: IMulticastTransport.joinGroup. Fails with MulticastJoinError.
        """
        return self._joinLeave(addr, interface, join=True)

    def leaveGroup(self, addr: str, interface: str = "") -> Deferred[None]:
        """Leave multicast group ``addr``.

        Twisted: IMulticastTransport.leaveGroup. Fails with MulticastJoinError.
        """
        return self._joinLeave(addr, interface, join=False)

    def _joinLeave(self, addr: str, interface: str, join: bool) -> Deferred[None]:
        if self._v4:
            level = socket.IPPROTO_IP
            cmd = socket.IP_ADD_MEMBERSHIP if join else socket.IP_DROP_MEMBERSHIP
        else:
            level = socket.IPPROTO_IPV6
            cmd = socket.IPV6_JOIN_GROUP if join else socket.IPV6_LEAVE_GROUP
        if not interface:
            interface = "0.0.0.0" if self._v4 else "::"

        async def go() -> None:
            group = self._pack(await self._resolve(addr))
            if self._v4:
                request = group + self._pack(await self._resolve(interface))
            else:
                # ipv6_mreq: the group and an interface index (0: the kernel chooses).
                request = group + struct.pack("@I", 0)
            try:
                self._sock().setsockopt(level, cmd, request)
            except OSError as e:
                raise error.MulticastJoinError(addr, interface, *e.args) from e

        return Deferred.fromCoroutine(go())


@implementer(IListeningPort, IUNIXDatagramTransport)
class UNIXDatagramPort(DatagramPort):
    """A UNIX datagram socket bound to a path.

    Twisted: twisted.internet.unix.DatagramPort.
    """

    def _checkAddress(self, addr: Any) -> None:
        pass

    def write(self, datagram: bytes, addr: Any = None) -> None:
        """Send ``datagram`` to the socket path ``addr``.

        Twisted: IUNIXDatagramTransport.write.

        Raises:
            TypeError: ``datagram`` is not bytes.
            MessageLengthError: the datagram is too long to send.
        """
        self._checkData(datagram)
        self._send(datagram, addr)

    def _hostAddress(self, sock: socket.socket) -> Any:
        return UNIXAddress(sock.getsockname() or None)

    def logPrefix(self) -> str:
        return f"{type(self.protocol).__name__} (UDP)"

    def __repr__(self) -> str:
        return f"<{type(self.protocol).__name__} on {self._host.name!r}>"


@implementer(IUNIXDatagramConnectedTransport)
class ConnectedUNIXDatagramPort(UNIXDatagramPort):
    """A UNIX datagram socket connected to one peer path.

    Twisted: twisted.internet.unix.ConnectedDatagramPort.
    """

    def __init__(
        self, sock: socket.socket, protocol: Any, state: Any, maxPacketSize: int, peer: str
    ) -> None:
        super().__init__(sock, protocol, state, maxPacketSize)
        self.remoteaddr = peer
        self._connectedAddr = peer

    def startListening(self) -> None:
        """Connect to the peer path; on failure, ``connectionFailed`` and no port."""
        assert self.socket is not None
        try:
            self.socket.connect(self.remoteaddr)
        except OSError:
            reason = Failure()
            self.socket.close()
            self.socket = None
            self.disconnected = True
            # As Twisted: the protocol was never started; it hears connectionFailed.
            self.protocol.connectionFailed(reason)
            return
        super().startListening()

    def write(self, datagram: bytes, addr: Any = None) -> None:
        """Send ``datagram`` to the connected peer.

        Twisted: IUNIXDatagramConnectedTransport.write.

        Raises:
            TypeError: ``datagram`` is not bytes.
            MessageLengthError: the datagram is too long to send.
        """
        self._checkData(datagram)
        self._send(datagram, None)

    def datagram_received(self, data: bytes, addr: Any) -> None:
        if len(data) > self.maxPacketSize:
            data = data[: self.maxPacketSize]
        try:
            self.protocol.datagramReceived(data)
        except BaseException:
            log_failure(Failure(), "Unhandled error in datagramReceived", namespace=_log_ns)

    def getPeer(self) -> UNIXAddress:
        """The peer's address. Twisted: IUNIXDatagramConnectedTransport.getPeer."""
        return UNIXAddress(self.remoteaddr)

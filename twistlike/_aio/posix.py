"""The reactor's UDP, process, file-descriptor and socket-adoption methods.

:class:`PosixReactorMixin` is inherited by :class:`~twistlike._aio.reactor.AsyncioReactor`;
the adapters themselves live in their own ``_aio`` modules (datagram, process, fdset).
The mixin only needs the reactor's ``_state()`` (the per-loop state: ``loop``, ``onLoop``,
``ports``, ``connections``).
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Mapping, Sequence
from typing import Any

from zope.interface import implementer

from twistlike import error
from twistlike._aio.datagram import (
    ConnectedUNIXDatagramPort,
    DatagramPort,
    MulticastPort,
    UNIXDatagramPort,
    adoptDatagramSocket,
    bindUDP,
    bindUNIXDatagram,
)
from twistlike._aio.fdset import fdsetFor
from twistlike._aio.process import Process, PTYProcess
from twistlike._aio.stream import Connection, Port, address_of
from twistlike._core.log import log_failure
from twistlike.failure import Failure
from twistlike.interfaces import (
    IReactorFDSet,
    IReactorMulticast,
    IReactorProcess,
    IReactorSocket,
    IReactorUDP,
    IReactorUNIXDatagram,
)

__all__ = ["PosixReactorMixin"]


def _checkArgs(
    args: Sequence[str | bytes], env: Mapping[Any, Any] | None
) -> tuple[list[str | bytes], Mapping[Any, Any] | None]:
    """Twisted's checks of spawnProcess arguments: str or bytes, no NUL bytes."""
    checked: list[str | bytes] = []
    for arg in args:
        if not isinstance(arg, (str, bytes)):
            raise TypeError(f"Arguments contain a non-string value: {arg!r}")
        if (isinstance(arg, str) and "\0" in arg) or (isinstance(arg, bytes) and b"\0" in arg):
            raise ValueError(f"Argument contains a NUL byte: {arg!r}")
        checked.append(arg)
    if env is not None:
        for key, value in env.items():
            for item in (key, value):
                if not isinstance(item, (str, bytes)):
                    raise TypeError(f"Environment contains a non-string value: {item!r}")
    return checked, env


@implementer(
    IReactorUDP,
    IReactorMulticast,
    IReactorUNIXDatagram,
    IReactorProcess,
    IReactorFDSet,
    IReactorSocket,
)
class PosixReactorMixin:
    """The reactor's IReactorUDP/Multicast/UNIXDatagram/Process/FDSet/Socket methods."""

    def _state(self) -> Any:
        raise NotImplementedError  # provided by AsyncioReactor

    # ---- IReactorUDP / IReactorMulticast ---------------------------------------------------

    def listenUDP(
        self, port: int, protocol: Any, interface: str = "", maxPacketSize: int = 8192
    ) -> DatagramPort:
        """Bind UDP ``port`` on ``interface``; ``protocol.startProtocol`` runs before this
        returns.

        Twisted: IReactorUDP.listenUDP.
        asyncio: ``loop.create_datagram_endpoint(sock=...)`` serves the bound socket.

        Raises:
            CannotListenError: the address cannot be bound.
            InvalidAddressError: ``interface`` is not an IP address literal.
        """
        sock, _ = bindUDP(port, interface)
        p = DatagramPort(sock, protocol, self._state(), maxPacketSize)
        p.startListening()
        return p

    def listenMulticast(
        self,
        port: int,
        protocol: Any,
        interface: str = "",
        maxPacketSize: int = 8192,
        listenMultiple: bool = False,
    ) -> MulticastPort:
        """Bind a UDP port able to join multicast groups (shared if ``listenMultiple``).

        Twisted: IReactorMulticast.listenMulticast.
        asyncio: ``loop.create_datagram_endpoint(sock=...)``; memberships via setsockopt.

        Raises:
            CannotListenError: the address cannot be bound.
        """
        sock, _ = bindUDP(port, interface, reuse=listenMultiple)
        p = MulticastPort(sock, protocol, self._state(), maxPacketSize, self)
        p.startListening()
        return p

    # ---- IReactorUNIXDatagram ----------------------------------------------------------------

    def listenUNIXDatagram(
        self, address: str, protocol: Any, maxPacketSize: int = 8192, mode: int = 0o666
    ) -> UNIXDatagramPort:
        """Bind a UNIX datagram socket at the path ``address``.

        Twisted: IReactorUNIXDatagram.listenUNIXDatagram.
        asyncio: ``loop.create_datagram_endpoint(sock=...)``.

        Raises:
            CannotListenError: the path cannot be bound.
        """
        sock = bindUNIXDatagram(address, mode)
        p = UNIXDatagramPort(sock, protocol, self._state(), maxPacketSize)
        p.startListening()
        return p

    def connectUNIXDatagram(
        self,
        address: str,
        protocol: Any,
        maxPacketSize: int = 8192,
        mode: int = 0o666,
        bindAddress: str | None = None,
    ) -> ConnectedUNIXDatagramPort:
        """Connect a ConnectedDatagramProtocol to the UNIX datagram socket at ``address``.

        Twisted: IReactorUNIXDatagram.connectUNIXDatagram. A failure to connect calls the
        protocol's ``connectionFailed``.

        Raises:
            CannotListenError: ``bindAddress`` cannot be bound.
        """
        sock = bindUNIXDatagram(bindAddress, mode)
        p = ConnectedUNIXDatagramPort(sock, protocol, self._state(), maxPacketSize, address)
        p.startListening()
        return p

    # ---- IReactorProcess -------------------------------------------------------------------

    def spawnProcess(
        self,
        processProtocol: Any,
        executable: str | bytes,
        args: Sequence[str | bytes] = (),
        env: Mapping[Any, Any] | None = {},  # Twisted's default: an empty environment
        path: str | bytes | None = None,
        uid: int | None = None,
        gid: int | None = None,
        usePTY: bool = False,
        childFDs: Mapping[int, int | str] | None = None,
    ) -> Any:
        """Start ``executable`` with argv ``args`` and connect ``processProtocol`` to it.

        Twisted: IReactorProcess.spawnProcess.
        asyncio: the child starts now (``subprocess.Popen``); its pipes are served by
        ``loop.connect_read_pipe``/``connect_write_pipe`` and it is reaped through a pidfd.

        ``env`` is exactly the child's environment (``{}``, the default, gives it none;
        None gives it the parent's). ``childFDs`` maps each child fd to ``'r'`` (the parent
        reads it), ``'w'`` (the parent writes it) or a parent fd the child inherits; the
        default is ``{0: 'w', 1: 'r', 2: 'r'}``. ``connectionMade`` runs and ``pid`` is set
        before this returns.

        Raises:
            TypeError: an argument or environment entry is not str or bytes.
            ValueError: ``childFDs`` with ``usePTY``, or an unknown ``childFDs`` value.
            OSError: the executable could not be started (not found, not executable).
        """
        checkedArgs, checkedEnv = _checkArgs(args, env)
        if usePTY:
            if childFDs is not None:
                raise ValueError("Using childFDs is not supported with usePTY=True.")
            return PTYProcess(
                self._state(),
                processProtocol,
                executable,
                checkedArgs,
                checkedEnv,
                path,
                uid,
                gid,
                usePTY,
            )
        return Process(
            self._state(),
            processProtocol,
            executable,
            checkedArgs,
            checkedEnv,
            path,
            uid,
            gid,
            childFDs,
        )

    # ---- IReactorFDSet ---------------------------------------------------------------------

    def addReader(self, reader: Any) -> None:
        """Call ``reader.doRead()`` whenever its descriptor is readable.

        Twisted: IReactorFDSet.addReader. asyncio: ``loop.add_reader``.

        Raises:
            NotImplementedError: the loop has no add_reader (the Proactor loop).
        """
        fdsetFor(self._state()).addReader(reader)

    def addWriter(self, writer: Any) -> None:
        """Call ``writer.doWrite()`` whenever its descriptor is writable.

        Twisted: IReactorFDSet.addWriter. asyncio: ``loop.add_writer``.

        Raises:
            NotImplementedError: the loop has no add_writer (the Proactor loop).
        """
        fdsetFor(self._state()).addWriter(writer)

    def removeReader(self, reader: Any) -> None:
        """Stop watching ``reader`` (nothing if it is not watched).

        Twisted: IReactorFDSet.removeReader.
        """
        fdsetFor(self._state()).removeReader(reader)

    def removeWriter(self, writer: Any) -> None:
        """Stop watching ``writer`` (nothing if it is not watched).

        Twisted: IReactorFDSet.removeWriter.
        """
        fdsetFor(self._state()).removeWriter(writer)

    def removeAll(self) -> list[Any]:
        """Stop watching every reader and writer; return them.

        Twisted: IReactorFDSet.removeAll. Only descriptors added with addReader/addWriter
        are listed: twistlike's own transports are asyncio's, not readers (as in Twisted's
        asyncio reactor).
        """
        return fdsetFor(self._state()).removeAll()

    def getReaders(self) -> list[Any]:
        """The readers being watched. Twisted: IReactorFDSet.getReaders."""
        return list(fdsetFor(self._state()).readers)

    def getWriters(self) -> list[Any]:
        """The writers being watched. Twisted: IReactorFDSet.getWriters."""
        return list(fdsetFor(self._state()).writers)

    # ---- IReactorSocket --------------------------------------------------------------------

    def adoptStreamPort(self, fileDescriptor: int, addressFamily: int, factory: Any) -> Port:
        """Listen on a copy of the listening stream socket ``fileDescriptor``.

        Twisted: IReactorSocket.adoptStreamPort. The caller still owns (and should close)
        ``fileDescriptor``.

        Raises:
            UnsupportedAddressFamily: not AF_INET, AF_INET6 or AF_UNIX.
        """
        sock = _adoptSocket(fileDescriptor, addressFamily, socket.SOCK_STREAM)
        p = Port(sock, factory, self._state(), address_of(sock.getsockname(), addressFamily))
        p.startListening()
        return p

    def adoptStreamConnection(self, fileDescriptor: int, addressFamily: int, factory: Any) -> None:
        """Serve a copy of the connected stream socket ``fileDescriptor`` with ``factory``.

        Twisted: IReactorSocket.adoptStreamConnection. ``factory.buildProtocol(peer)`` runs
        now (None closes the socket, as Twisted); the protocol's ``connectionMade`` follows
        when the loop has taken the socket.
        asyncio: ``loop.connect_accepted_socket``.

        Raises:
            UnsupportedAddressFamily: not AF_INET, AF_INET6 or AF_UNIX.
        """
        sock = _adoptSocket(fileDescriptor, addressFamily, socket.SOCK_STREAM)
        state = self._state()
        protocol = factory.buildProtocol(address_of(sock.getpeername(), addressFamily))
        if protocol is None:
            sock.close()
            return
        # Divergence from Twisted: connectionMade comes a loop turn later (asyncio makes the
        # transport in a coroutine), not before adoptStreamConnection returns.
        conn = Connection(factory, state, protocol=protocol, family=addressFamily)

        def serve(loop: asyncio.AbstractEventLoop) -> None:
            task = loop.create_task(loop.connect_accepted_socket(lambda: conn, sock))
            task.add_done_callback(_logTaskError)

        state.onLoop(serve)

    def adoptDatagramPort(
        self, fileDescriptor: int, addressFamily: int, protocol: Any, maxPacketSize: int = 8192
    ) -> DatagramPort:
        """Receive on a copy of the bound datagram socket ``fileDescriptor``.

        Twisted: IReactorSocket.adoptDatagramPort.

        Raises:
            UnsupportedAddressFamily: not AF_INET, AF_INET6 or AF_UNIX.
        """
        sock = adoptDatagramSocket(fileDescriptor, addressFamily)
        p: DatagramPort
        if addressFamily == socket.AF_UNIX:
            p = UNIXDatagramPort(sock, protocol, self._state(), maxPacketSize)
        else:
            p = DatagramPort(sock, protocol, self._state(), maxPacketSize)
        p.startListening()
        return p


def _adoptSocket(fileDescriptor: int, addressFamily: int, kind: int) -> socket.socket:
    if addressFamily not in (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX):
        raise error.UnsupportedAddressFamily(addressFamily)
    sock = socket.socket(addressFamily, kind, fileno=os.dup(fileDescriptor))
    sock.setblocking(False)
    return sock


def _logTaskError(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log_failure(
            Failure(task.exception()), "Could not adopt the connection", namespace="twistlike"
        )

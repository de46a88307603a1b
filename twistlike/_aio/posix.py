"""The reactor's UDP, process, file-descriptor and socket-adoption methods.

:class:`PosixReactorMixin` is inherited by :class:`~twistlike._aio.reactor.AsyncioReactor`;
the adapters themselves live in their own ``_aio`` modules (datagram, process, fdset).
The mixin only needs the reactor's ``_state()`` (the per-loop state: ``loop``, ``onLoop``,
``ports``, ``connections``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from zope.interface import implementer

from twistlike._aio.datagram import (
    ConnectedUNIXDatagramPort,
    DatagramPort,
    MulticastPort,
    UNIXDatagramPort,
    bindUDP,
    bindUNIXDatagram,
)
from twistlike._aio.process import Process
from twistlike.interfaces import (
    IReactorMulticast,
    IReactorProcess,
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


@implementer(IReactorUDP, IReactorMulticast, IReactorUNIXDatagram, IReactorProcess)
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
            from twistlike._aio.process import PTYProcess

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

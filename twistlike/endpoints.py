"""Endpoints: where to listen and where to connect, as objects and as description strings.

Twisted: twisted.internet.endpoints.

An endpoint hides *how* a connection is made. A server endpoint's ``listen(factory)`` returns
a Deferred of the listening port; a client endpoint's ``connect(factory)`` returns a Deferred
that fires with the connected protocol once its ``connectionMade`` has run. From asyncio code
both can be awaited::

    port = await TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1").listen(factory)
    proto = await connectProtocol(HostnameEndpoint(reactor, "localhost", 8007), Echo())

Client attempts, in order (the connection grammar of the protocol is unchanged)::

    connect() -> [name resolution ->] startedConnecting -> buildProtocol
        -> connectionMade -> the Deferred fires with the protocol
    connect() -> ... -> the Deferred fails (ConnectionRefusedError, TimeoutError,
        DNSLookupError, NoProtocol ...)
    connect() -> Deferred.cancel() -> the Deferred fails with ConnectingCancelledError

``serverFromString``/``clientFromString`` parse Twisted's description strings (``tcp:``,
``tcp6:`` and ``unix:``) with Twisted's rules: ``:`` separates arguments, ``key=value`` is a
keyword argument, a backslash makes the next character literal (``quoteStringArgument``).

asyncio: listening and connecting go through the reactor (``loop.create_server``,
``loop.create_connection``); host names are resolved with the running loop's
``getaddrinfo`` (uvloop's own resolver on uvloop).
"""

from __future__ import annotations

# A bridge module (ARCHITECTURE.md): names are resolved with the running loop's getaddrinfo.
import asyncio
import socket
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from typing import Protocol as _TypingProtocol

from zope.interface import directlyProvides, implementer

from twistlike._aio import loopstate
from twistlike._aio import tlsendpoints as _tls
from twistlike._aio.posix_endpoints import (
    AdoptedStreamServerEndpoint,
    ProcessEndpoint,
    StandardErrorBehavior,
    StandardIOEndpoint,
    posixServerFromString,
)
from twistlike._aio.tlsendpoints import wrapClientTLS, wrapServerTLS
from twistlike._core.addresses import is_ipv6_address
from twistlike.address import HostnameAddress
from twistlike.defer import CancelledError, Deferred, execute, fail
from twistlike.error import (
    ConnectingCancelledError,
    DNSLookupError,
    NoProtocol,
    NotConnectingError,
)
from twistlike.failure import Failure
from twistlike.interfaces import (
    IHalfCloseableProtocol,
    IHandshakeListener,
    ILoggingContext,
    IStreamClientEndpoint,
    IStreamServerEndpoint,
)
from twistlike.protocol import ClientFactory, Factory, Protocol, connectionDone

__all__ = [
    "AdoptedStreamServerEndpoint",
    "HostnameEndpoint",
    "ProcessEndpoint",
    "SSL4ClientEndpoint",
    "SSL4ServerEndpoint",
    "StandardErrorBehavior",
    "StandardIOEndpoint",
    "TCP4ClientEndpoint",
    "TCP4ServerEndpoint",
    "TCP6ClientEndpoint",
    "TCP6ServerEndpoint",
    "UNIXClientEndpoint",
    "UNIXServerEndpoint",
    "asyncio_protocol_factory",
    "clientFromString",
    "connectProtocol",
    "quoteStringArgument",
    "serverFromString",
    "wrapClientTLS",
    "wrapServerTLS",
]

_P = TypeVar("_P")

# This module is the public home of the TLS wrappers (implemented in _aio/tlsendpoints).
wrapClientTLS.__module__ = wrapServerTLS.__module__ = __name__


class _StreamClientEndpoint(_TypingProtocol):
    """The static type of an IStreamClientEndpoint provider: something with ``connect``."""

    def connect(self, protocolFactory: Any, /) -> Deferred[Any]: ...


#: One entry of ``getaddrinfo``'s answer: (family, type, proto, canonname, sockaddr).
_AddrInfo = tuple[int, int, int, str, tuple[Any, ...]]


# ------------------------------------------------------------------------------------------
# Firing connect()'s Deferred after connectionMade


class _WrappingProtocol(Protocol):
    """Stands between the transport and the user's protocol until the connection is made.

    Twisted: twisted.internet.endpoints._WrappingProtocol (a private class; same role).

    ``connectionMade`` connects the wrapped protocol, then fires the endpoint's Deferred with
    it; every later event is passed through. The half-close and TLS handshake interfaces of
    the wrapped protocol are declared on the wrapper too, because the transport looks for
    them on the protocol it holds.
    """

    def __init__(self, connected: Deferred[Any], wrapped: Any) -> None:
        self._connected = connected
        self._wrapped = wrapped
        self._made = False
        for iface in (IHalfCloseableProtocol, IHandshakeListener):
            if iface.providedBy(wrapped):
                directlyProvides(self, iface)

    def logPrefix(self) -> str:
        """The wrapped protocol's log prefix (its class name when it has none)."""
        if ILoggingContext.providedBy(self._wrapped):
            return str(self._wrapped.logPrefix())
        name: str = self._wrapped.__class__.__name__
        return name

    def connectionMade(self) -> None:
        """Connect the wrapped protocol, then fire the Deferred with it."""
        connected = self._connected
        if connected.called:
            # The attempt was cancelled while asyncio was completing the connection (its
            # connection_made callback runs a loop turn after the socket connected). Twisted
            # cancels synchronously and cannot get here; nobody wants this connection now.
            self.transport.abortConnection()
            return
        self._made = True
        try:
            self._wrapped.makeConnection(self.transport)
        except BaseException:
            # Divergence from Twisted: there the Deferred never fires when connectionMade
            # raises; here it fails with that exception. The transport still logs it and
            # drops the connection, as for any exception in connectionMade.
            connected.errback()
            raise
        connected.callback(self._wrapped)

    def dataReceived(self, data: bytes) -> None:
        """Pass ``data`` to the wrapped protocol."""
        self._wrapped.dataReceived(data)

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        """Pass the end of the connection on (if the wrapped protocol was connected)."""
        if self._made:
            self._wrapped.connectionLost(reason)

    def readConnectionLost(self) -> None:
        """Pass the peer's EOF on (IHalfCloseableProtocol)."""
        self._wrapped.readConnectionLost()

    def writeConnectionLost(self) -> None:
        """Pass the end of our write side on (IHalfCloseableProtocol)."""
        self._wrapped.writeConnectionLost()

    def handshakeCompleted(self) -> None:
        """Pass the end of the TLS handshake on (IHandshakeListener)."""
        self._wrapped.handshakeCompleted()


class _WrappingFactory(ClientFactory[Any]):
    """Turns one connection attempt of a connector into one Deferred.

    Twisted: twisted.internet.endpoints._WrappingFactory (a private class; same role).

    ``_onConnection`` fires with the wrapped factory's protocol after its ``connectionMade``,
    or fails with the reason of ``clientConnectionFailed``, with NoProtocol (or the
    exception) when ``buildProtocol`` returns None (or raises), or with
    ConnectingCancelledError when it is cancelled. Starting and stopping are passed through
    to the wrapped factory.
    """

    def __init__(self, wrappedFactory: Any) -> None:
        self._wrappedFactory = wrappedFactory
        self._connector: Any = None
        self._onConnection: Deferred[Any] = Deferred(canceller=self._canceller)

    def startedConnecting(self, connector: Any) -> None:
        """Remember the connector, to stop it if the Deferred is cancelled."""
        self._connector = connector

    def _canceller(self, d: Deferred[Any]) -> None:
        connector = self._connector
        d.errback(ConnectingCancelledError(connector.getDestination()))
        try:
            connector.stopConnecting()
        except NotConnectingError:
            # The attempt is over already: it connected a moment ago, and the wrapping
            # protocol drops the connection because this Deferred has fired.
            pass

    def doStart(self) -> None:
        """Start the wrapped factory."""
        self._wrappedFactory.doStart()

    def doStop(self) -> None:
        """Stop the wrapped factory."""
        self._wrappedFactory.doStop()

    def buildProtocol(self, addr: Any) -> Any:
        """Build the wrapped factory's protocol and wrap it; None (refused) fails the attempt."""
        d = self._onConnection
        if d.called:
            return None  # cancelled: refuse the connection
        try:
            proto = self._wrappedFactory.buildProtocol(addr)
            if proto is None:
                raise NoProtocol()
        except BaseException:
            d.errback()
            return None
        return _WrappingProtocol(d, proto)

    def clientConnectionFailed(self, connector: Any, reason: Failure) -> None:
        """Fail the Deferred with ``reason`` (unless it already fired or was cancelled)."""
        if not self._onConnection.called:
            self._onConnection.errback(reason)


def _connect_wrapped(
    protocolFactory: Any, connect: Callable[[_WrappingFactory], object]
) -> Deferred[Any]:
    """Start one attempt with ``connect(wrappingFactory)``; its Deferred, or the failure."""
    try:
        wf = _WrappingFactory(protocolFactory)
        connect(wf)
    except BaseException:
        return fail()
    return wf._onConnection


# ------------------------------------------------------------------------------------------
# Name resolution on the loop


def _getaddrinfo(reactor: Any, host: str, port: int, family: int) -> Deferred[list[_AddrInfo]]:
    """Resolve ``host`` with the running loop's ``getaddrinfo`` (stream sockets only).

    The Deferred fails with the resolver's exception, and with CancelledError when cancelled
    (the lookup itself cannot be interrupted; its answer is dropped).
    """
    task: asyncio.Task[Any] | None = None

    def cancel(d: Deferred[list[_AddrInfo]]) -> None:
        if task is not None:
            task.cancel()

    d: Deferred[list[_AddrInfo]] = Deferred(canceller=cancel)

    def done(t: asyncio.Task[Any]) -> None:
        # Read the outcome first, even when nobody wants it any more: an exception never
        # retrieved from a task is reported by the loop.
        exc = None if t.cancelled() else t.exception()
        if d.called:
            return
        if t.cancelled():
            d.errback(CancelledError())
        elif exc is not None:
            d.errback(Failure(exc))
        else:
            d.callback(list(t.result()))

    def start(loop: asyncio.AbstractEventLoop) -> None:
        nonlocal task
        if d.called:
            return  # cancelled before the loop ran
        task = loop.create_task(
            loop.getaddrinfo(host, port, family=family, type=socket.SOCK_STREAM)
        )
        task.add_done_callback(done)

    loopstate.on_loop(reactor, start)
    return d


def _idnaBytes(text: str) -> bytes:
    # As Twisted: the idna package (IDNA 2008) when it is installed, else the stdlib codec.
    try:
        import idna
    except ImportError:  # pragma: no cover - idna comes with Twisted's test dependency
        return text.encode("idna")
    return idna.encode(text)


def _idnaText(octets: bytes) -> str:
    try:
        import idna
    except ImportError:  # pragma: no cover
        return octets.decode("idna")
    return idna.decode(octets)


def _hostAsBytesAndText(host: bytes | str) -> tuple[bool, bytes, str]:
    """Return (invalid, bytes form, text form) of a host name, with Twisted's rules."""
    invalid = False
    if isinstance(host, bytes):
        hostBytes = host
        try:
            hostText = _idnaText(hostBytes)
        except UnicodeError:
            hostText = hostBytes.decode("charmap")
            invalid = not is_ipv6_address(hostText)
    else:
        hostText = unicodedata.normalize("NFC", host)
        if is_ipv6_address(hostText):
            hostBytes = hostText.encode("ascii")
        else:
            try:
                hostBytes = _idnaBytes(hostText)
            except UnicodeError:
                invalid = True
    if invalid:
        hostBytes = hostText.encode("ascii", "backslashreplace")
        hostText = hostBytes.decode("ascii")
    return invalid, hostBytes, hostText


# ------------------------------------------------------------------------------------------
# Server endpoints


@implementer(IStreamServerEndpoint)
class _TCPServerEndpoint:
    """What the two TCP server endpoints share: ``listen`` with ``reactor.listenTCP``."""

    def __init__(self, reactor: Any, port: int, backlog: int, interface: str) -> None:
        self._reactor = reactor
        self._port = port
        self._backlog = backlog
        self._interface = interface

    def listen(self, protocolFactory: Any) -> Deferred[Any]:
        """Listen; the Deferred has fired (or failed) by the time this returns.

        Twisted: IStreamServerEndpoint.listen.

        Returns:
            A Deferred of the IListeningPort (``getHost().port`` is the real port, for port 0
            too), or failing with CannotListenError.
        """
        return execute(
            self._reactor.listenTCP,
            self._port,
            protocolFactory,
            backlog=self._backlog,
            interface=self._interface,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._interface or '*'}:{self._port}>"


class TCP4ServerEndpoint(_TCPServerEndpoint):
    """Listen on a TCP port over IPv4.

    Twisted: twisted.internet.endpoints.TCP4ServerEndpoint.

    Args:
        reactor: An IReactorTCP provider.
        port: The port number; 0 picks a free one.
        backlog: The length of the listen queue.
        interface: The local address to bind; ``""`` means every IPv4 interface.
    """

    def __init__(self, reactor: Any, port: int, backlog: int = 50, interface: str = "") -> None:
        super().__init__(reactor, port, backlog, interface)


class TCP6ServerEndpoint(_TCPServerEndpoint):
    """Listen on a TCP port over IPv6.

    Twisted: twisted.internet.endpoints.TCP6ServerEndpoint.

    Args:
        reactor: An IReactorTCP provider.
        port: The port number; 0 picks a free one.
        backlog: The length of the listen queue.
        interface: The local IPv6 address to bind; ``"::"`` means every interface.
    """

    def __init__(self, reactor: Any, port: int, backlog: int = 50, interface: str = "::") -> None:
        super().__init__(reactor, port, backlog, interface)


@implementer(IStreamServerEndpoint)
class SSL4ServerEndpoint:
    """Listen with TLS on a TCP port (``reactor.listenSSL``).

    Twisted: twisted.internet.endpoints.SSL4ServerEndpoint.

    Args:
        reactor: An IReactorSSL provider.
        port: The port (0 for any).
        sslContextFactory: The server's TLS settings (``CertificateOptions`` ...).
        backlog: The listen queue length.
        interface: The address to bind ("" for all IPv4 addresses).
    """

    def __init__(
        self,
        reactor: Any,
        port: int,
        sslContextFactory: Any,
        backlog: int = 50,
        interface: str = "",
    ) -> None:
        self._reactor = reactor
        self._port = port
        self._sslContextFactory = sslContextFactory
        self._backlog = backlog
        self._interface = interface

    def listen(self, protocolFactory: Any) -> Deferred[Any]:
        """Listen; the Deferred has fired (or failed) by the time this returns.

        Twisted: IStreamServerEndpoint.listen.
        """
        return execute(
            self._reactor.listenSSL,
            self._port,
            protocolFactory,
            contextFactory=self._sslContextFactory,
            backlog=self._backlog,
            interface=self._interface,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._interface or '*'}:{self._port}>"


@implementer(IStreamServerEndpoint)
class UNIXServerEndpoint:
    """Listen on a UNIX socket path.

    Twisted: twisted.internet.endpoints.UNIXServerEndpoint.

    Args:
        reactor: An IReactorUNIX provider.
        address: The path of the socket file.
        backlog: The length of the listen queue.
        mode: The permissions of the socket file.
        wantPID: Whether to keep a PID lock file beside the socket (passed to
            ``listenUNIX``).
    """

    def __init__(
        self,
        reactor: Any,
        address: str,
        backlog: int = 50,
        mode: int = 0o666,
        wantPID: int | bool = 0,
    ) -> None:
        self._reactor = reactor
        self._address = address
        self._backlog = backlog
        self._mode = mode
        self._wantPID = wantPID

    def listen(self, protocolFactory: Any) -> Deferred[Any]:
        """Listen; the Deferred has fired (or failed with CannotListenError) on return.

        Twisted: IStreamServerEndpoint.listen.
        """
        return execute(
            self._reactor.listenUNIX,
            self._address,
            protocolFactory,
            backlog=self._backlog,
            mode=self._mode,
            wantPID=self._wantPID,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._address!r}>"


# ------------------------------------------------------------------------------------------
# Client endpoints


class _TCPClientEndpoint:
    """What the TCP client endpoints share: their arguments and one ``connectTCP`` attempt."""

    def __init__(
        self,
        reactor: Any,
        host: str,
        port: int,
        timeout: float = 30,
        bindAddress: Any = None,
    ) -> None:
        self._reactor = reactor
        self._host = host
        self._port = port
        self._timeout = timeout
        self._bindAddress = bindAddress

    def _connect_to(self, host: str, protocolFactory: Any) -> Deferred[Any]:
        """One ``connectTCP`` attempt to ``host`` (an address, or a name for IPv4)."""
        return _connect_wrapped(
            protocolFactory,
            lambda wf: self._reactor.connectTCP(
                host, self._port, wf, timeout=self._timeout, bindAddress=self._bindAddress
            ),
        )


@implementer(IStreamClientEndpoint)
class TCP4ClientEndpoint(_TCPClientEndpoint):
    """Connect over TCP (``reactor.connectTCP``), to an IPv4 address or host name.

    Twisted: twisted.internet.endpoints.TCP4ClientEndpoint.

    Args:
        reactor: An IReactorTCP provider.
        host: The host to connect to.
        port: The port to connect to.
        timeout: Seconds before the attempt fails with TimeoutError.
        bindAddress: A ``(host, port)`` local address to bind, or None.
    """

    def connect(self, protocolFactory: Any) -> Deferred[Any]:
        """Connect; fire with the protocol after its ``connectionMade``.

        Twisted: IStreamClientEndpoint.connect.

        Fails with the connection error (ConnectionRefusedError, TimeoutError,
        DNSLookupError ...); cancelling it before it fires stops the attempt and fails it with
        ConnectingCancelledError.
        """
        return self._connect_to(self._host, protocolFactory)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._host}:{self._port}>"


@implementer(IStreamClientEndpoint)
class SSL4ClientEndpoint:
    """Connect with TLS over TCP (``reactor.connectSSL``).

    Twisted: twisted.internet.endpoints.SSL4ClientEndpoint.

    The Deferred fires with the protocol after its ``connectionMade`` (before the TLS
    handshake completes, as in Twisted); a failed verification reaches the protocol's
    ``connectionLost``.

    Args:
        reactor: An IReactorSSL provider.
        host: The host to connect to.
        port: The port to connect to.
        sslContextFactory: The client's TLS settings (``optionsForClientTLS(host)`` ...).
        timeout: Seconds before the attempt fails with TimeoutError.
        bindAddress: A ``(host, port)`` local address to bind, or None.
    """

    def __init__(
        self,
        reactor: Any,
        host: str,
        port: int,
        sslContextFactory: Any,
        timeout: float = 30,
        bindAddress: Any = None,
    ) -> None:
        self._reactor = reactor
        self._host = host
        self._port = port
        self._sslContextFactory = sslContextFactory
        self._timeout = timeout
        self._bindAddress = bindAddress

    def connect(self, protocolFactory: Any) -> Deferred[Any]:
        """Connect; fire with the protocol after its ``connectionMade``.

        Twisted: IStreamClientEndpoint.connect.
        """
        try:
            wf = _WrappingFactory(protocolFactory)
            self._reactor.connectSSL(
                self._host,
                self._port,
                wf,
                self._sslContextFactory,
                timeout=self._timeout,
                bindAddress=self._bindAddress,
            )
        except BaseException:
            return fail()
        return wf._onConnection

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._host}:{self._port}>"


@implementer(IStreamClientEndpoint)
class TCP6ClientEndpoint(_TCPClientEndpoint):
    """Connect over TCP to an IPv6 address, or to the first IPv6 address of a host name.

    Twisted: twisted.internet.endpoints.TCP6ClientEndpoint.
    asyncio: a host name is resolved with the loop's ``getaddrinfo`` (AF_INET6).

    Args:
        reactor: An IReactorTCP provider.
        host: An IPv6 literal, or a host name with an IPv6 address.
        port: The port to connect to.
        timeout: Seconds before the attempt fails with TimeoutError.
        bindAddress: A ``(host, port)`` local address to bind, or None.
    """

    def connect(self, protocolFactory: Any) -> Deferred[Any]:
        """Resolve the host if needed, connect; fire with the protocol after connectionMade.

        Twisted: IStreamClientEndpoint.connect.

        Fails with DNSLookupError when the name has no IPv6 address, else as
        ``TCP4ClientEndpoint.connect``. Cancelling fails it with ConnectingCancelledError,
        during the name lookup too.
        """
        if is_ipv6_address(self._host):
            return self._connect_to(self._host, protocolFactory)
        attempt: Deferred[Any] | None = None
        lookup: Deferred[list[_AddrInfo]] | None = None

        def cancel(d: Deferred[Any]) -> None:
            # Divergence from Twisted: cancelling during the lookup gives CancelledError
            # there; here it is ConnectingCancelledError, as at every other moment.
            if attempt is not None:
                attempt.cancel()  # fails `result` with the attempt's ConnectingCancelledError
                return
            d.errback(ConnectingCancelledError(HostnameAddress(self._host.encode(), self._port)))
            if lookup is not None:
                lookup.cancel()

        result: Deferred[Any] = Deferred(canceller=cancel)

        def resolved(infos: list[_AddrInfo]) -> None:
            nonlocal attempt
            if result.called:
                return
            if not infos:
                result.errback(DNSLookupError(f"no IPv6 address for '{self._host}'"))
                return
            attempt = self._connect_to(infos[0][4][0], protocolFactory)
            attempt.chainDeferred(result)

        def notResolved(reason: Failure) -> None:
            if not result.called:
                # Divergence from Twisted: its TCP6ClientEndpoint fails with the raw
                # socket.gaierror; DNSLookupError is what every other endpoint gives.
                result.errback(
                    DNSLookupError(f"Couldn't find the hostname '{self._host}'", str(reason.value))
                )

        lookup = _getaddrinfo(self._reactor, self._host, 0, socket.AF_INET6)
        lookup.addCallbacks(resolved, notResolved)
        return result

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self._host}]:{self._port}>"


@implementer(IStreamClientEndpoint)
class UNIXClientEndpoint:
    """Connect to a UNIX socket path.

    Twisted: twisted.internet.endpoints.UNIXClientEndpoint.

    Args:
        reactor: An IReactorUNIX provider.
        path: The path of the socket file.
        timeout: Seconds before the attempt fails with TimeoutError.
        checkPID: Whether to check the server's PID lock file (passed to ``connectUNIX``).
    """

    def __init__(
        self, reactor: Any, path: str, timeout: float = 30, checkPID: int | bool = 0
    ) -> None:
        self._reactor = reactor
        self._path = path
        self._timeout = timeout
        self._checkPID = checkPID

    def connect(self, protocolFactory: Any) -> Deferred[Any]:
        """Connect; fire with the protocol after its ``connectionMade``.

        Twisted: IStreamClientEndpoint.connect.
        """
        return _connect_wrapped(
            protocolFactory,
            lambda wf: self._reactor.connectUNIX(
                self._path, wf, timeout=self._timeout, checkPID=self._checkPID
            ),
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._path!r}>"


@implementer(IStreamClientEndpoint)
class HostnameEndpoint:
    """Connect to a host name over IPv6 or IPv4, whichever address answers first.

    Twisted: twisted.internet.endpoints.HostnameEndpoint.
    asyncio: the name is resolved with the loop's ``getaddrinfo``; each address is tried with
    ``reactor.connectTCP``.

    The addresses are tried in the order ``getaddrinfo`` gives them: a new attempt starts
    every ``attemptDelay`` seconds, or at once when the previous one failed, until one
    connects (the others are then cancelled) or all have failed (the Deferred then fails with
    the last failure).

    Args:
        reactor: An IReactorTCP and IReactorTime provider.
        host: The host name (str or bytes), or an IP address literal.
        port: The port to connect to.
        timeout: Seconds each attempt may take before it fails with TimeoutError.
        bindAddress: A local address to bind: a host string, or a ``(host, port)`` tuple.
        attemptDelay: Seconds between the starts of two attempts (default 0.3).
    """

    _DEFAULT_ATTEMPT_DELAY = 0.3

    def __init__(
        self,
        reactor: Any,
        host: str | bytes,
        port: int,
        timeout: float = 30,
        bindAddress: Any = None,
        attemptDelay: float | None = None,
    ) -> None:
        self._reactor = reactor
        self._badHostname, self._hostBytes, self._hostText = _hostAsBytesAndText(host)
        self._port = port
        self._timeout = timeout
        if bindAddress is not None:
            if isinstance(bindAddress, (bytes, str)):
                bindAddress = (bindAddress, 0)
            if isinstance(bindAddress[0], bytes):
                bindAddress = (bindAddress[0].decode(), bindAddress[1])
        self._bindAddress = bindAddress
        self._attemptDelay = self._DEFAULT_ATTEMPT_DELAY if attemptDelay is None else attemptDelay

    def __repr__(self) -> str:
        if self._badHostname:
            host = self._hostText
        elif is_ipv6_address(self._hostText):
            host = f"[{self._hostText}]"
        else:
            host = self._hostBytes.decode("ascii")
        return f"<HostnameEndpoint {host}:{self._port}>"

    def connect(self, protocolFactory: Any) -> Deferred[Any]:
        """Resolve the name, then connect to the address that answers first.

        Twisted: IStreamClientEndpoint.connect.

        Fires with the protocol after its ``connectionMade``. Fails with ValueError for an
        invalid host name, DNSLookupError when the name does not resolve, the last
        connection error when every address failed, and ConnectingCancelledError (of a
        HostnameAddress) when cancelled, during the lookup too.
        """
        if self._badHostname:
            return fail(ValueError(f"invalid hostname: {self._hostText}"))
        return _HostnameConnection(self, protocolFactory).start()


class _HostnameConnection:
    """One ``HostnameEndpoint.connect()``: the lookup, the staggered attempts, the winner."""

    def __init__(self, endpoint: HostnameEndpoint, protocolFactory: Any) -> None:
        self._endpoint = endpoint
        self._factory = protocolFactory
        self._result: Deferred[Any] = Deferred(canceller=self._cancel)
        self._lookup: Deferred[list[_AddrInfo]] | None = None
        self._remaining: list[TCP4ClientEndpoint | TCP6ClientEndpoint] = []
        self._pending: list[Deferred[Any]] = []
        self._failures: list[Failure] = []
        self._timer: Any = None
        self._starting = False
        # Set once the outcome is decided (a winner, or cancellation), before the losers are
        # cancelled: their failures must not count.
        self._decided = False

    def start(self) -> Deferred[Any]:
        ep = self._endpoint
        self._lookup = _getaddrinfo(ep._reactor, ep._hostText, ep._port, socket.AF_UNSPEC)
        self._lookup.addCallbacks(self._resolved, self._notResolved)
        return self._result

    def _notResolved(self, reason: Failure) -> None:
        self._lookup = None
        if not self._result.called:
            self._result.errback(
                DNSLookupError(f"Couldn't find the hostname '{self._endpoint._hostText}'")
            )

    def _resolved(self, infos: list[_AddrInfo]) -> None:
        self._lookup = None
        if self._result.called:
            return
        ep = self._endpoint
        for family, _, _, _, sockaddr in infos:
            if family == socket.AF_INET6:
                self._remaining.append(
                    TCP6ClientEndpoint(
                        ep._reactor, sockaddr[0], sockaddr[1], ep._timeout, ep._bindAddress
                    )
                )
            elif family == socket.AF_INET:
                self._remaining.append(
                    TCP4ClientEndpoint(
                        ep._reactor, sockaddr[0], sockaddr[1], ep._timeout, ep._bindAddress
                    )
                )
        if not self._remaining:
            self._result.errback(DNSLookupError(f"no results for hostname lookup: {ep._hostText}"))
            return
        self._attemptNext()

    def _attemptNext(self) -> None:
        """Start attempts until one is in progress (or all are used up)."""
        self._timer = None
        while self._remaining and not self._decided:
            attempt = self._remaining.pop(0).connect(self._factory)
            self._pending.append(attempt)
            self._starting = True
            attempt.addCallbacks(
                self._succeeded, self._failed, callbackArgs=(attempt,), errbackArgs=(attempt,)
            )
            self._starting = False
            if attempt in self._pending:
                # In progress: give it attemptDelay before the next address gets a chance.
                if self._remaining:
                    ep = self._endpoint
                    self._timer = ep._reactor.callLater(ep._attemptDelay, self._attemptNext)
                return
            # Over already (failed at once): go straight on to the next address.
        self._checkDone()

    def _succeeded(self, protocol: Any, attempt: Deferred[Any]) -> None:
        self._pending.remove(attempt)
        if self._decided:  # pragma: no cover - losers are cancelled before they can win
            protocol.transport.abortConnection()
            return
        self._decided = True
        self._stopTrying()
        self._result.callback(protocol)

    def _failed(self, reason: Failure, attempt: Deferred[Any]) -> None:
        self._pending.remove(attempt)
        if self._decided or self._result.called:
            return  # a loser cancelled after the winner (or after our own cancellation)
        self._failures.append(reason)
        if self._starting:
            return  # _attemptNext goes on with the next address
        if self._timer is not None:
            # Divergence from Twisted: Twisted waits for the next attemptDelay tick; as Happy
            # Eyeballs (RFC 8305) advises, a failure starts the next attempt at once here.
            self._timer.cancel()
            self._attemptNext()
        else:
            self._checkDone()

    def _checkDone(self) -> None:
        if self._pending or self._remaining or self._result.called or not self._failures:
            return
        self._result.errback(self._failures[-1])

    def _stopTrying(self) -> None:
        self._remaining.clear()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for attempt in list(self._pending):
            attempt.cancel()
        if self._lookup is not None:
            self._lookup.cancel()

    def _cancel(self, d: Deferred[Any]) -> None:
        # Divergence from Twisted: cancelling during the name lookup fails there with
        # DNSLookupError (its lookup errback turns the CancelledError into one); here it is
        # ConnectingCancelledError at every stage.
        ep = self._endpoint
        self._decided = True
        d.errback(ConnectingCancelledError(HostnameAddress(ep._hostBytes, ep._port)))
        self._stopTrying()


# ------------------------------------------------------------------------------------------
# connectProtocol


class _OneShotFactory(Factory[Any]):
    """A factory whose only protocol is the instance it was given."""

    def __init__(self, protocol: Any) -> None:
        self._protocolInstance = protocol

    def buildProtocol(self, addr: Any) -> Any:
        return self._protocolInstance


def connectProtocol(endpoint: _StreamClientEndpoint, protocol: _P) -> Deferred[_P]:
    """Connect ``protocol`` (an instance, no factory needed) through a client endpoint.

    Twisted: twisted.internet.endpoints.connectProtocol.

    Returns:
        ``endpoint.connect``'s Deferred: it fires with ``protocol`` after its
        ``connectionMade``, or fails with the connection error.
    """
    d: Deferred[_P] = endpoint.connect(_OneShotFactory(protocol))
    return d


# ------------------------------------------------------------------------------------------
# Description strings
#
# Twisted's grammar, re-implemented from its observable behaviour (tests/test_endpoints.py
# compares the two over tables and generated descriptions):
#
#   description := segment (":" segment)*
#   segment     := value | key "=" value      (only the first "=" of a segment splits it)
#   a backslash makes the next character literal, so "\:" and "\=" and "\\" are text.
#
# The first positional segment names the endpoint type; the other positional segments and
# the keyword segments are its arguments. A later keyword replaces an earlier one.
#
# Divergence from Twisted: every malformed description raises ValueError with a message that
# says what is wrong. Twisted raises ValueError for bad numbers and unknown types, but
# TypeError for a missing, unexpected or repeated argument, IndexError when there is no type
# and RuntimeError for a trailing backslash.


def _split(description: str) -> tuple[list[str], dict[str, str]]:
    """Split a description into its positional and keyword segments."""
    if not isinstance(description, str):
        raise ValueError(
            f"an endpoint description must be a str, not {type(description).__name__}: "
            f"{description!r}"
        )
    args: list[str] = []
    kwargs: dict[str, str] = {}
    key: str | None = None
    text: list[str] = []
    chars = iter(description)
    for char in chars:
        if char == "\\":
            escaped = next(chars, None)
            if escaped is None:
                raise ValueError(
                    f"endpoint description {description!r} ends in a backslash that escapes "
                    "nothing (write \\\\ for a backslash)"
                )
            text.append(escaped)
        elif char == ":":
            if key is None:
                args.append("".join(text))
            else:
                kwargs[key] = "".join(text)
            key = None
            text = []
        elif char == "=" and key is None:
            key = "".join(text)
            text = []
        else:
            text.append(char)
    if key is None:
        args.append("".join(text))
    else:
        kwargs[key] = "".join(text)
    return args, kwargs


def quoteStringArgument(argument: str) -> str:
    """Escape ``argument`` so that it reads back as one argument of a description string.

    Twisted: twisted.internet.endpoints.quoteStringArgument.

    Backslashes and colons get a backslash in front (``=`` needs none inside a value).
    """
    return argument.replace("\\", "\\\\").replace(":", "\\:")


def _bind(
    description: str,
    what: str,
    params: tuple[str, ...],
    required: int,
    args: list[str],
    kwargs: dict[str, str],
    accepted: str = "",
) -> dict[str, str]:
    """Match arguments to parameter names the way a Python call does; say what is wrong."""
    if len(args) > len(params):
        raise ValueError(
            f"too many positional arguments in endpoint description {description!r}: "
            f"{what} takes at most {len(params)} ({', '.join(params)})"
        )
    bound = dict(zip(params, args, strict=False))
    for key, value in kwargs.items():
        if key not in params:
            raise ValueError(
                f"unknown argument {key!r} in endpoint description {description!r}: "
                f"{what} takes {accepted or ', '.join(params)}"
            )
        if key in bound:
            raise ValueError(
                f"argument {key!r} is given twice (by position and by name) in endpoint "
                f"description {description!r}"
            )
        bound[key] = value
    missing = [name for name in params[:required] if name not in bound]
    if missing:
        raise ValueError(f"missing {' and '.join(missing)} in endpoint description {description!r}")
    return bound


def _int(description: str, name: str, value: str | int, base: int = 10) -> int:
    """``int(value)`` (Python's rules, as Twisted), with a clear error."""
    try:
        return int(value, base) if isinstance(value, str) else int(value)
    except ValueError:
        kind = "an octal number" if base == 8 else "an integer"
        raise ValueError(
            f"{name}={value!r} in endpoint description {description!r} is not {kind}"
        ) from None


def _unknownType(description: str, name: str, server: bool) -> ValueError:
    hint = "twistlike knows tcp, tcp6, unix and ssl" + ("" if server else " and tls")
    if server and name in ("tcp", "unix", "ssl"):
        hint = "in a server description, as in Twisted, write tcp, unix and ssl in lower case"
    return ValueError(
        f"Unknown endpoint type: {name!r} in endpoint description {description!r} ({hint})"
    )


def serverFromString(
    reactor: Any, description: str
) -> (
    TCP4ServerEndpoint
    | TCP6ServerEndpoint
    | UNIXServerEndpoint
    | SSL4ServerEndpoint
    | StandardIOEndpoint
    | AdoptedStreamServerEndpoint
):
    """Make a server endpoint from a description string.

    Twisted: twisted.internet.endpoints.serverFromString.

    The forms, with their positional order and defaults::

        tcp:PORT[:INTERFACE[:BACKLOG]]            interface="" backlog=50
        tcp6:PORT[:BACKLOG[:INTERFACE]]           backlog=50 interface="::"
        unix:ADDRESS[:MODE[:BACKLOG[:LOCKFILE]]]  mode=666 (octal) backlog=50 lockfile=1
        ssl:PORT[:PRIVATEKEY[:CERTKEY[:SSLMETHOD[:INTERFACE[:BACKLOG[:EXTRACERTCHAIN
            [:DHPARAMETERS]]]]]]]               privateKey=server.pem certKey=privateKey

    Every argument can also be given by name (``tcp:port=80:interface=127.0.0.1``); escape
    colons in values with a backslash (``tcp6:80:interface=\\:\\:1``). As in Twisted, the
    ``tcp`` and ``unix`` type names are lower case only, while ``tcp6`` may be in any case.

    Raises:
        ValueError: unknown endpoint type, bad number, missing, unknown or repeated argument,
            or a dangling backslash.
    """
    args, kwargs = _split(description)
    if not args:
        raise ValueError(f"endpoint description {description!r} names no endpoint type")
    kind, args = args[0], args[1:]
    if kind == "tcp":
        bound = _bind(description, "tcp", ("port", "interface", "backlog"), 1, args, kwargs)
        return TCP4ServerEndpoint(
            reactor,
            _int(description, "port", bound["port"]),
            backlog=_int(description, "backlog", bound.get("backlog", 50)),
            interface=bound.get("interface", ""),
        )
    if kind == "unix":
        bound = _bind(
            description, "unix", ("address", "mode", "backlog", "lockfile"), 1, args, kwargs
        )
        return UNIXServerEndpoint(
            reactor,
            bound["address"],
            backlog=_int(description, "backlog", bound.get("backlog", 50)),
            mode=_int(description, "mode", bound.get("mode", "666"), 8),
            wantPID=bool(_int(description, "lockfile", bound.get("lockfile", 1))),
        )
    if kind == "ssl":
        params = (
            "port", "privateKey", "certKey", "sslmethod", "interface", "backlog",
            "extraCertChain", "dhParameters",
        )  # fmt: skip
        bound = _bind(description, "ssl", params, 1, args, kwargs)
        options = _tls.serverSSLOptions(
            bound.get("privateKey", "server.pem"),
            bound.get("certKey"),
            bound.get("sslmethod"),
            bound.get("extraCertChain"),
            bound.get("dhParameters"),
        )
        return SSL4ServerEndpoint(
            reactor,
            _int(description, "port", bound["port"]),
            options,
            backlog=_int(description, "backlog", bound.get("backlog", 50)),
            interface=bound.get("interface", ""),
        )
    if kind.lower() == "tcp6":
        # Twisted finds tcp6 through its plugin lookup, which ignores case.
        bound = _bind(description, "tcp6", ("port", "backlog", "interface"), 1, args, kwargs)
        return TCP6ServerEndpoint(
            reactor,
            _int(description, "port", bound["port"]),
            backlog=_int(description, "backlog", bound.get("backlog", 50)),
            interface=bound.get("interface", "::"),
        )
    if kind in ("systemd", "stdio"):
        return posixServerFromString(reactor, description, kind, args, kwargs)
    raise _unknownType(description, kind.lower(), server=True)


def clientFromString(reactor: Any, description: str) -> Any:
    """Make a client endpoint from a description string.

    Twisted: twisted.internet.endpoints.clientFromString.

    The forms (type names in any case)::

        tcp:HOST:PORT  or  tcp:host=HOST:port=PORT   [:timeout=SECONDS] [:bindAddress=IP]
        unix:PATH      or  unix:path=PATH            [:timeout=SECONDS] [:lockfile=0|1]
        tls:HOST:PORT  [:timeout=] [:bindAddress=] [:certificate=PEM] [:privateKey=PEM]
                       [:trustRoots=DIR] [:endpoint=DESCRIPTION]
        ssl:HOST:PORT  [:timeout=] [:bindAddress=] [:certKey=PEM] [:privateKey=PEM]
                       [:caCertsDir=DIR] [:hostname=NAME]

    ``tls:`` verifies the server's certificate (platform trust, or the ``*.pem`` files of
    ``trustRoots``) and host name, connecting with HostnameEndpoint (or the endpoint
    described by ``endpoint``). ``ssl:`` verifies the host name only when ``hostname`` is
    given, and the chain only with ``caCertsDir`` (as in Twisted).

    One positional argument is the host, or the port when ``host=`` is given; positional
    arguments win over keywords of the same name, and three or more positional arguments are
    ignored (all as in Twisted). ``timeout`` is a whole number of seconds; ``bindAddress`` is
    an address (port 0).

    ``tcp6:`` takes the same arguments as ``tcp:`` and makes a TCP6ClientEndpoint
    (Divergence from Twisted: Twisted's clientFromString has no ``tcp6`` type).

    Raises:
        ValueError: unknown endpoint type, bad number, missing or unknown argument, or a
            dangling backslash.
    """
    args, kwargs = _split(description)
    if not args:
        raise ValueError(f"endpoint description {description!r} names no endpoint type")
    kind, args = args[0].upper(), args[1:]
    if kind in ("TCP", "TCP6"):
        ignored = len(args) > 2
        if len(args) == 2:
            kwargs["port"], kwargs["host"] = args[1], args[0]
        elif len(args) == 1:
            if "host" in kwargs:
                kwargs["port"] = args[0]
            else:
                kwargs["host"] = args[0]
        if ignored and not ("host" in kwargs and "port" in kwargs):
            raise ValueError(
                f"endpoint description {description!r} has {len(args)} positional arguments; "
                f"{kind.lower()} takes at most two (host and port)"
            )
        bound = _bind(
            description, kind.lower(), ("host", "port", "timeout", "bindAddress"), 2, [], kwargs
        )
        endpointClass = TCP4ClientEndpoint if kind == "TCP" else TCP6ClientEndpoint
        return endpointClass(
            reactor,
            bound["host"],
            _int(description, "port", bound["port"]),
            timeout=_int(description, "timeout", bound.get("timeout", 30)),
            bindAddress=(bound["bindAddress"], 0) if "bindAddress" in bound else None,
        )
    if kind == "TLS":
        params = (
            "host", "port", "timeout", "bindAddress", "certificate", "privateKey",
            "trustRoots", "endpoint",
        )  # fmt: skip
        bound = _bind(description, "tls", params, 2, args, kwargs)
        host = bound["host"]
        options = _tls.clientTLSOptions(
            host, bound.get("trustRoots"), bound.get("certificate"), bound.get("privateKey")
        )
        wrapped: Any
        if "endpoint" in bound:
            wrapped = clientFromString(reactor, bound["endpoint"])
        else:
            bindAddress = bound.get("bindAddress")
            wrapped = HostnameEndpoint(
                reactor,
                _idnaBytes(host),
                _int(description, "port", bound["port"]),
                _int(description, "timeout", bound.get("timeout", 30)),
                None if bindAddress is None else (bindAddress, 0),
            )
        return wrapClientTLS(options, wrapped)
    if kind == "SSL":
        if len(args) > 2:
            raise ValueError(
                f"endpoint description {description!r} has {len(args)} positional arguments; "
                "ssl takes at most two (host and port)"
            )
        params = (
            "host", "port", "timeout", "bindAddress", "certKey", "privateKey", "caCertsDir",
            "hostname",
        )  # fmt: skip
        bound = _bind(description, "ssl", params, 2, args, kwargs)
        options = _tls.clientSSLOptions(
            bound.get("hostname"),
            bound.get("certKey"),
            bound.get("privateKey"),
            bound.get("caCertsDir"),
        )
        bindAddress = bound.get("bindAddress")
        return SSL4ClientEndpoint(
            reactor,
            bound["host"],
            _int(description, "port", bound["port"]),
            options,
            timeout=_int(description, "timeout", bound.get("timeout", 30)),
            bindAddress=None if bindAddress is None else (bindAddress, 0),
        )
    if kind == "UNIX":
        ignored = len(args) > 1
        if len(args) == 1:
            kwargs["path"] = args[0]
        if ignored and "path" not in kwargs:
            raise ValueError(
                f"endpoint description {description!r} has {len(args)} positional arguments; "
                "unix takes at most one (the path)"
            )
        # As Twisted: lockfile=0|1 becomes checkPID; a checkPID= keyword is passed on
        # unconverted, and lockfile wins when both are given.
        checkPID: int | bool | str = kwargs.pop("checkPID", 0)
        if "lockfile" in kwargs:
            checkPID = bool(_int(description, "lockfile", kwargs.pop("lockfile")))
        bound = _bind(
            description, "unix", ("path", "timeout"), 1, [], kwargs, "path, timeout, lockfile"
        )
        return UNIXClientEndpoint(
            reactor,
            bound["path"],
            timeout=_int(description, "timeout", bound.get("timeout", 30)),
            checkPID=checkPID,  # type: ignore[arg-type]
        )
    raise _unknownType(description, kind.lower(), server=False)


# --------------------------------------------------------------------------------------------
# Serving twistlike factories from asyncio's own server calls (twistlike-only API)


def asyncio_protocol_factory(factory: Any) -> Callable[[], asyncio.Protocol]:
    """Return a ``protocol_factory`` for ``loop.create_server`` that serves ``factory``.

    twistlike-only (asyncio naming). For an asyncio application that creates its servers
    itself (``loop.create_server``, ``loop.create_unix_server``, ``start_tls`` users ...)
    and wants a Twisted-style Factory to handle the connections, with the same transport
    semantics as ``reactor.listenTCP``::

        server = await loop.create_server(asyncio_protocol_factory(MyFactory()), host, port)

    ``factory.doStart()`` is called now; call ``factory.doStop()`` when the application
    closes the server. Each connection is one twistlike transport on the running loop.
    """
    from twistlike import reactor
    from twistlike._aio.stream import Connection

    factory.doStart()

    def protocolFactory() -> asyncio.Protocol:
        # Called by the loop for each accepted connection, so inside the running loop.
        return Connection(factory, loopstate.current(reactor))

    return protocolFactory


if not TYPE_CHECKING:
    # (Hidden from type checkers, which would otherwise accept any name from this module.)

    def __getattr__(name: str) -> object:
        # A Twisted name twistlike does not provide fails with the reason (docs/missing.md).
        from twistlike._porting.missing import missing_name_error

        raise missing_name_error(__name__, name)


# The process, stdio and adopted-socket endpoints live in twistlike._aio.posix_endpoints;
# this module is their public home.
for _obj in (
    AdoptedStreamServerEndpoint,
    ProcessEndpoint,
    StandardErrorBehavior,
    StandardIOEndpoint,
):
    _obj.__module__ = __name__
del _obj

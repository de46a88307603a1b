"""Tests for twistlike.endpoints: description strings against Twisted's, and live endpoints.

Parsing is compared with real Twisted (``twisted.internet.endpoints`` on a MemoryReactor):
the same description must give the same endpoint class with the same stored arguments, or be
rejected by both. Live tests run on loopback, port 0, on the default loop and on uvloop
(tests/conftest.py), with every wait bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import sys
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.internet import endpoints as tw_endpoints
from twisted.internet.testing import MemoryReactor
from zope.interface import implementer
from zope.interface.verify import verifyObject

from twistlike import endpoints, error, reactor
from twistlike.address import HostnameAddress, IPv4Address, IPv6Address, UNIXAddress
from twistlike.defer import Deferred, succeed
from twistlike.endpoints import (
    HostnameEndpoint,
    TCP4ClientEndpoint,
    TCP4ServerEndpoint,
    TCP6ClientEndpoint,
    TCP6ServerEndpoint,
    UNIXClientEndpoint,
    UNIXServerEndpoint,
    clientFromString,
    connectProtocol,
    quoteStringArgument,
    serverFromString,
)
from twistlike.failure import Failure
from twistlike.interfaces import (
    IHalfCloseableProtocol,
    IStreamClientEndpoint,
    IStreamServerEndpoint,
)
from twistlike.protocol import ClientFactory, Factory, Protocol, connectionDone

_T = TypeVar("_T")

#: The arguments each endpoint class stores, under Twisted's attribute names.
_ATTRS = {
    "TCP4ServerEndpoint": ("_port", "_backlog", "_interface"),
    "TCP6ServerEndpoint": ("_port", "_backlog", "_interface"),
    "UNIXServerEndpoint": ("_address", "_backlog", "_mode", "_wantPID"),
    "TCP4ClientEndpoint": ("_host", "_port", "_timeout", "_bindAddress"),
    "TCP6ClientEndpoint": ("_host", "_port", "_timeout", "_bindAddress"),
    "UNIXClientEndpoint": ("_path", "_timeout", "_checkPID"),
    "HostnameEndpoint": (
        "_badHostname",
        "_hostBytes",
        "_hostText",
        "_port",
        "_timeout",
        "_bindAddress",
        "_attemptDelay",
    ),
}


def _memoryReactor() -> Any:
    """Twisted's in-memory reactor: endpoints built on it store their arguments, nothing more."""
    return MemoryReactor()  # type: ignore[no-untyped-call]


_twistedQuote: Callable[[str], str] = tw_endpoints.quoteStringArgument


def _cancelledAt(failures: list[Failure]) -> object:
    """The address of the one ConnectingCancelledError in ``failures``."""
    assert len(failures) == 1
    exc = failures[0].value
    assert isinstance(exc, error.ConnectingCancelledError)
    return exc.address


def _summary(endpoint: object) -> tuple[str, dict[str, object]]:
    """The class name of an endpoint and the arguments it stored (with their types)."""
    name = type(endpoint).__name__
    return name, {
        attr: (type(getattr(endpoint, attr)).__name__, getattr(endpoint, attr))
        for attr in _ATTRS[name]
    }


def _twisted(parse: Callable[[Any, str], Any], description: str) -> Any:
    with warnings.catch_warnings():
        # Twisted's plugin lookup (for tcp6: and unknown types) may warn about its cache.
        warnings.simplefilter("ignore")
        return parse(_memoryReactor(), description)


def _outcome(parse: Callable[[Any, str], Any], description: str) -> object:
    """What parsing gives: the endpoint summary, or the class of the exception raised."""
    try:
        return _summary(parse(_memoryReactor(), description))
    except Exception as e:
        return type(e)


# ------------------------------------------------------------------------------------------
# Description strings: tables compared with Twisted

SERVER_VALID = [
    "tcp:80",
    "tcp:0",
    "tcp:port=8080",
    "tcp:80:interface=127.0.0.1",
    "tcp:80:127.0.0.1",
    "tcp:80:127.0.0.1:10",
    "tcp:80:backlog=5",
    "tcp:80:interface=127.0.0.1:backlog=7",
    "tcp:backlog=3:port=81",
    "tcp:80:interface=",
    "tcp:80:interface=a=b",  # only the first "=" splits
    "tcp:80:inter\\face=\\1",  # an escaped ordinary character is itself
    "tcp:80:interface=1:backlog=2:interface=3",  # the last keyword wins
    "tcp:80:81",  # a second positional is the interface, even if it looks like a port
    "tcp: 80",  # int() ignores surrounding spaces
    "tcp:1_0",  # and accepts underscores
    "tcp:-1",
    "tcp6:80",
    "TCP6:80",  # tcp6 is found case-insensitively
    "tcp6:port=80",
    "tcp6:80:10",  # tcp6's positional order is port, backlog, interface
    "tcp6:80:10:\\:\\:1",
    "tcp6:80:interface=\\:\\:1",
    "tcp6:80:interface=fe80\\:\\:1%eth0:backlog=9",
    "unix:/var/run/finger",
    "unix:/tmp/x:mode=660",
    "unix:/tmp/x:mode=0o600",
    "unix:/tmp/x:lockfile=0",
    "unix:/tmp/x:lockfile=1",
    "unix:/tmp/x:660:10:0",
    "unix:address=/tmp/x",
    "unix:/tmp/a\\:b",
    "unix:/tmp/back\\\\slash",
    "unix:C\\:/path/with\\=equals",  # "=" escaped, or it would make a keyword
    "unix:",
]

CLIENT_VALID = [
    "tcp:example.com:80",
    "tcp:host=example.com:port=80",
    "tcp:host=example.com:80",  # one positional with host= is the port
    "tcp:example.com:port=80",
    "tcp:example.com:80:timeout=5",
    "tcp:example.com:80:bindAddress=10.0.0.1",
    "tcp:h:80:bindAddress=\\:\\:1",
    "tcp:\\:\\:1:80",
    "TCP:h:80",
    "Tcp:h:80",
    "tcp:h:80:host=z",  # positional arguments win over keywords
    "tcp:a:b:c:host=h:port=80",  # three or more positionals are ignored
    "tcp::80",
    "unix:/tmp/x",
    "unix:path=/tmp/x",
    "unix:/tmp/x:lockfile=1:timeout=9",
    "unix:/tmp/x:lockfile=0",
    "unix:/tmp/x:checkPID=1",  # passed on unconverted, as Twisted does
    "unix:/tmp/x:checkPID=1:lockfile=0",
    "Unix:/x",
    "unix:path=/x:/y",
    "unix:/tmp/a\\:b:timeout=3",
]

#: Malformed descriptions that Twisted rejects with ValueError too.
SERVER_VALUEERROR = [
    "",
    "foo:80",
    "TCP:80",  # tcp and unix server types are case-sensitive in Twisted
    "Unix:/x",
    ":80",
    "tcp:",
    "tcp:abc",
    "tcp:0x10",
    "tcp:80::",
    "tcp:80:backlog=x",
    "tcp:8.0",
    "tcp6:",
    "tcp6:abc",
    "tcp6:80:backlog=",
    "unix:/tmp/x:mode=999",
    "unix:/tmp/x:lockfile=yes",
    "unix:/x:backlog=",
]

CLIENT_VALUEERROR = [
    "",
    "foo:h:80",
    "tcp:h:x",
    "tcp:h:",
    "tcp:example.com:80:timeout=1.5",
    "tcp:host=h:port=eighty",
    "unix:/tmp/x:timeout=x",
    "unix:/x:lockfile=z",
    "unix:/x:timeout=",
]

#: Malformed descriptions Twisted rejects with another exception (TypeError for a missing,
#: unknown or repeated argument, IndexError with no type, RuntimeError for a dangling
#: backslash); twistlike raises ValueError for all of them.
SERVER_OTHER_ERROR = [
    "tcp",
    "tcp:80:bogus=1",
    "tcp:80:=x",
    "tcp:80:a:b:c",
    "tcp:port=80:81",
    "tcp:80:factory=x",
    "tcp:80\\",
    "port=80",
    "unix",
    "unix:/x:wantPID=1",
    "unix:/x:address=/y",
    "tcp6",
    "tcp6:80:bogus=1",
    "tcp6:80:interface=::1",  # the unescaped colons make "::1" positional too
    "tcp6:80:reactor=x",
]

CLIENT_OTHER_ERROR = [
    "tcp",
    "tcp:",
    "tcp:h",
    "tcp:h:80:extra",
    "tcp:h:80:81",
    "tcp:h:80:bogus=1",
    "tcp:port=80",
    "tcp:host=h",
    "tcp:h:80:reactor=x",
    "tcp:h:80\\",
    "host=h",
    "unix",
    "unix:/a:/b",
    "unix:/x:bogus=1",
    "unix:/x:mode=1",
]


@pytest.mark.parametrize("description", SERVER_VALID)
def test_server_descriptions_match_twisted(description: str) -> None:
    """serverFromString builds the endpoint Twisted builds, with the same stored arguments."""
    ours = serverFromString(reactor, description)
    theirs = _twisted(tw_endpoints.serverFromString, description)
    assert _summary(ours) == _summary(theirs)
    assert ours._reactor is reactor


@pytest.mark.parametrize("description", CLIENT_VALID)
def test_client_descriptions_match_twisted(description: str) -> None:
    """clientFromString builds the endpoint Twisted builds, with the same stored arguments."""
    ours = clientFromString(reactor, description)
    theirs = _twisted(tw_endpoints.clientFromString, description)
    assert _summary(ours) == _summary(theirs)
    assert ours._reactor is reactor


@pytest.mark.parametrize("description", SERVER_VALUEERROR)
def test_malformed_server_descriptions_raise_valueerror(description: str) -> None:
    """A bad number or unknown type in a server description is a ValueError, as in Twisted."""
    with pytest.raises(ValueError):
        _twisted(tw_endpoints.serverFromString, description)
    with pytest.raises(ValueError, match="endpoint"):
        serverFromString(reactor, description)


@pytest.mark.parametrize("description", CLIENT_VALUEERROR)
def test_malformed_client_descriptions_raise_valueerror(description: str) -> None:
    """A bad number or unknown type in a client description is a ValueError, as in Twisted."""
    with pytest.raises(ValueError):
        _twisted(tw_endpoints.clientFromString, description)
    with pytest.raises(ValueError, match="endpoint"):
        clientFromString(reactor, description)


@pytest.mark.parametrize("description", SERVER_OTHER_ERROR)
def test_server_argument_errors_are_valueerror(description: str) -> None:
    """Argument errors Twisted reports as TypeError and the like are ValueError here."""
    with pytest.raises((TypeError, IndexError, RuntimeError)):
        _twisted(tw_endpoints.serverFromString, description)
    with pytest.raises(ValueError, match="endpoint description"):
        serverFromString(reactor, description)


@pytest.mark.parametrize("description", CLIENT_OTHER_ERROR)
def test_client_argument_errors_are_valueerror(description: str) -> None:
    """Argument errors Twisted reports as TypeError and the like are ValueError here."""
    with pytest.raises((TypeError, IndexError, RuntimeError)):
        _twisted(tw_endpoints.clientFromString, description)
    with pytest.raises(ValueError, match="endpoint description"):
        clientFromString(reactor, description)


@pytest.mark.parametrize(
    ("parse", "description", "words"),
    [
        (serverFromString, "foo:80", "Unknown endpoint type: 'foo'"),
        (serverFromString, "TCP:80", "lower case"),
        (serverFromString, "tcp:80:bogus=1", "unknown argument 'bogus'"),
        (serverFromString, "tcp", "missing port"),
        (serverFromString, "tcp:port=80:81", "'port' is given twice"),
        (serverFromString, "tcp:80:a:b:c", "at most 3"),
        (serverFromString, "tcp:http", "port='http'"),
        (serverFromString, "unix:/x:mode=9", "octal"),
        (serverFromString, "tcp:80\\", "backslash"),
        (clientFromString, "tcp:h", "missing port"),
        (clientFromString, "tcp:h:80:extra", "at most two"),
        (clientFromString, "unix:/a:/b", "at most one"),
        (clientFromString, "unix:/x:mode=1", "path, timeout, lockfile"),
    ],
)
def test_error_messages_say_what_is_wrong(
    parse: Callable[[Any, str], Any], description: str, words: str
) -> None:
    """The ValueError names the problem and quotes the description."""
    with pytest.raises(ValueError) as info:
        parse(reactor, description)
    assert words in str(info.value)
    assert repr(description) in str(info.value)


def test_bytes_descriptions_are_rejected() -> None:
    """A bytes description is a ValueError, as in Twisted (which finds no such type)."""
    for parse, theirs in (
        (serverFromString, tw_endpoints.serverFromString),
        (clientFromString, tw_endpoints.clientFromString),
    ):
        with pytest.raises(ValueError):
            _twisted(theirs, b"tcp:80")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="str"):
            parse(reactor, b"tcp:80")  # type: ignore[arg-type]


def test_client_tcp6_is_a_twistlike_extension() -> None:
    """clientFromString("tcp6:...") makes a TCP6ClientEndpoint (Twisted has no such type)."""
    with pytest.raises(ValueError):
        _twisted(tw_endpoints.clientFromString, "tcp6:\\:\\:1:80")
    ep = clientFromString(reactor, "tcp6:\\:\\:1:80:timeout=4:bindAddress=\\:\\:1")
    assert _summary(ep) == (
        "TCP6ClientEndpoint",
        {
            "_host": ("str", "::1"),
            "_port": ("int", 80),
            "_timeout": ("int", 4),
            "_bindAddress": ("tuple", ("::1", 0)),
        },
    )
    assert _summary(clientFromString(reactor, "TCP6:host=h:port=1")) == _summary(
        TCP6ClientEndpoint(reactor, "h", 1)
    )


# Descriptions built from the pieces that matter to the grammar: type names (in several
# cases), argument names, separators, escapes, and values that are and are not numbers.
_PIECES = st.sampled_from(
    [
        "tcp", "TCP", "tcp6", "Tcp6", "unix", "UNIX", ":", ":", ":", "=", "\\", "\\:",
        "80", "0", "7", "-1", " 5", "1_0", "x", "", "666", "0o7", "1.5", "/tmp/s", "::1",
        "port", "host", "interface", "backlog", "timeout", "bindAddress", "path", "mode",
        "lockfile", "address", "checkPID", "wantPID", "=80", "=1", "=0", "=h", "=",
    ]
)  # fmt: skip
_DESCRIPTIONS = st.lists(_PIECES, min_size=1, max_size=9).map("".join)


@settings(max_examples=300, deadline=None)
@given(_DESCRIPTIONS)
def test_generated_server_descriptions_match_twisted(description: str) -> None:
    """For any description, both accept it with the same result, or both reject it."""
    theirs = _outcome(lambda r, d: _twisted(tw_endpoints.serverFromString, d), description)
    ours = _outcome(serverFromString, description)
    if isinstance(theirs, type):
        assert ours is ValueError
    else:
        assert ours == theirs


@settings(max_examples=300, deadline=None)
@given(_DESCRIPTIONS)
def test_generated_client_descriptions_match_twisted(description: str) -> None:
    """For any client description (but tcp6:, our extension), both agree as for servers."""
    theirs = _outcome(lambda r, d: _twisted(tw_endpoints.clientFromString, d), description)
    ours = _outcome(clientFromString, description)
    if isinstance(theirs, type):
        if ours is not ValueError:
            assert ours[0] == "TCP6ClientEndpoint"  # type: ignore[index]
    else:
        assert ours == theirs


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_quoted_arguments_round_trip(text: str) -> None:
    """quoteStringArgument quotes as Twisted does; a quoted keyword value reads back unchanged
    (and so does a positional one without "=", which quoting leaves alone, as in Twisted)."""
    quoted = quoteStringArgument(text)
    assert quoted == _twistedQuote(text)
    assert vars(serverFromString(reactor, "unix:address=" + quoted))["_address"] == text
    assert _twisted(tw_endpoints.serverFromString, "unix:address=" + quoted)._address == text
    assert vars(clientFromString(reactor, "tcp:port=1:host=" + quoted))["_host"] == text
    if "=" not in text:
        assert vars(serverFromString(reactor, "unix:" + quoted))["_address"] == text
        assert vars(clientFromString(reactor, "unix:" + quoted))["_path"] == text


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        b"localhost",
        "127.0.0.1",
        "::1",
        "fe80::1%eth0",
        "b\u00fccher.de",
        "a..b",
        "",
        "x" * 64,
        b"b\xfccher",
        "my_host",
    ],
)
def test_hostname_endpoint_host_forms_match_twisted(host: str | bytes) -> None:
    """HostnameEndpoint stores a host name's text and IDNA bytes, and its repr, as Twisted."""
    ours = HostnameEndpoint(reactor, host, 80)
    theirs = tw_endpoints.HostnameEndpoint(_memoryReactor(), host, 80)
    assert _summary(ours) == _summary(theirs)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize(
    "bindAddress", [None, "10.0.0.1", b"10.0.0.1", ("10.0.0.1", 5), (b"10.0.0.1", 5)]
)
def test_hostname_endpoint_arguments_match_twisted(bindAddress: Any) -> None:
    """HostnameEndpoint normalises bindAddress and defaults attemptDelay as Twisted does."""
    ours = HostnameEndpoint(reactor, "h", 1, timeout=3, bindAddress=bindAddress)
    theirs = tw_endpoints.HostnameEndpoint(_memoryReactor(), "h", 1, 3, bindAddress)
    assert _summary(ours) == _summary(theirs)
    assert HostnameEndpoint(reactor, "h", 1, attemptDelay=2)._attemptDelay == 2


def test_endpoints_provide_their_interfaces() -> None:
    """Server endpoints provide IStreamServerEndpoint, client endpoints IStreamClientEndpoint."""
    for server in (
        TCP4ServerEndpoint(reactor, 0),
        TCP6ServerEndpoint(reactor, 0),
        UNIXServerEndpoint(reactor, "/tmp/x"),
    ):
        assert verifyObject(IStreamServerEndpoint, server)
    for client in (
        TCP4ClientEndpoint(reactor, "h", 1),
        TCP6ClientEndpoint(reactor, "::1", 1),
        UNIXClientEndpoint(reactor, "/tmp/x"),
        HostnameEndpoint(reactor, "h", 1),
    ):
        assert verifyObject(IStreamClientEndpoint, client)


def test_all_is_complete() -> None:
    """__all__ lists exactly the module's public names."""
    public = {
        name
        for name, value in vars(endpoints).items()
        if not name.startswith("_") and getattr(value, "__module__", None) == endpoints.__name__
    }
    assert set(endpoints.__all__) == public


def test_invalid_hostname_fails_connect_with_valueerror() -> None:
    """connect() on a HostnameEndpoint with an invalid name fails at once with ValueError."""
    d = HostnameEndpoint(reactor, "a..b", 80).connect(Factory.forProtocol(Protocol))
    failures: list[Failure] = []
    d.addErrback(failures.append)
    assert failures and failures[0].check(ValueError)
    assert "invalid hostname: a..b" in str(failures[0].value)


# ------------------------------------------------------------------------------------------
# Live endpoints


async def _wait(awaitable: Awaitable[_T], seconds: float = 10) -> _T:
    """Await with a bound: a hang fails the test instead of stalling the run."""
    async with asyncio.timeout(seconds):
        return await awaitable


def _ipv6Loopback() -> bool:
    """Whether this machine can bind the IPv6 loopback address."""
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


_needsIPv6 = pytest.mark.skipif(not _ipv6Loopback(), reason="no IPv6 loopback here")


class _Recorder(Protocol):
    """Records events; ``received`` fires once ``expected`` bytes arrived; ``lost`` at end."""

    def __init__(self, expected: int = 0) -> None:
        self.events: list[str] = []
        self.data = b""
        self.expected = expected
        self.received: Deferred[bytes] = Deferred()
        self.lost: Deferred[None] = Deferred()
        self.reason: Failure | None = None

    def connectionMade(self) -> None:
        self.events.append("connectionMade")

    def dataReceived(self, data: bytes) -> None:
        self.data += data
        if len(self.data) >= self.expected and not self.received.called:
            self.received.callback(self.data)

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        self.events.append("connectionLost")
        self.reason = reason
        self.lost.callback(None)


class _Echo(Protocol):
    def dataReceived(self, data: bytes) -> None:
        self.transport.write(data)


class _Server(Factory[Protocol]):
    """An echo server factory that remembers the protocols it built."""

    noisy = False

    def __init__(self, protocol: Callable[[], Protocol] = _Echo) -> None:
        self.protocol = protocol
        self.built: list[Protocol] = []

    def buildProtocol(self, addr: Any) -> Protocol | None:
        p = super().buildProtocol(addr)
        assert p is not None
        self.built.append(p)
        return p


class _Client(Factory[_Recorder]):
    """Builds one _Recorder per connection; ``stopped`` fires at stopFactory."""

    noisy = False

    def __init__(self, expected: int = 0) -> None:
        self.expected = expected
        self.built: list[_Recorder] = []
        self.stopped: Deferred[None] = Deferred()

    def buildProtocol(self, addr: Any) -> _Recorder:
        p = _Recorder(self.expected)
        p.factory = self
        self.built.append(p)
        return p

    def stopFactory(self) -> None:
        self.stopped.callback(None)


@contextlib.asynccontextmanager
async def _listening(endpoint: Any, factory: Any) -> AsyncIterator[Any]:
    """Listen on ``endpoint`` for the ``async with`` block; stop listening at its end."""
    port = await _wait(endpoint.listen(factory))
    try:
        yield port
    finally:
        await _wait(port.stopListening())


async def _echoThrough(proto: _Recorder, payload: bytes = b"hello endpoints") -> None:
    """Send ``payload`` over ``proto``'s connection; check it comes back; close cleanly."""
    proto.expected = len(payload)
    proto.transport.write(payload)
    assert await _wait(proto.received) == payload
    proto.transport.loseConnection()
    await _wait(proto.lost)
    assert proto.reason is not None and proto.reason.check(error.ConnectionDone)


@pytest.mark.asyncio
async def test_tcp_listen_and_connect_round_trip() -> None:
    """await listen() gives a port on a real port number; connect() gives a working protocol."""
    server = _Server()
    async with _listening(TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1"), server) as port:
        host = port.getHost()
        assert isinstance(host, IPv4Address) and host.host == "127.0.0.1" and host.port > 0
        client = _Client()
        proto = await _wait(TCP4ClientEndpoint(reactor, "127.0.0.1", host.port).connect(client))
        assert isinstance(proto, _Recorder) and proto is client.built[0]
        assert proto.transport.getPeer() == IPv4Address("TCP", "127.0.0.1", host.port)
        await _echoThrough(proto)


@pytest.mark.asyncio
async def test_connect_fires_after_connection_made() -> None:
    """connect()'s Deferred fires with the protocol after its connectionMade has run."""
    async with _listening(TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1"), _Server()) as port:
        seenAtFiring: list[list[str]] = []
        d = TCP4ClientEndpoint(reactor, "127.0.0.1", port.getHost().port).connect(_Client())
        assert not d.called  # the connection needs the loop

        def fired(proto: _Recorder) -> _Recorder:
            seenAtFiring.append(list(proto.events))
            return proto

        d.addCallback(fired)
        proto = await _wait(d)
        assert seenAtFiring == [["connectionMade"]]
        await _echoThrough(proto)


@pytest.mark.asyncio
async def test_connect_protocol_uses_the_given_instance() -> None:
    """connectProtocol connects the very protocol instance it was given."""
    async with _listening(TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1"), _Server()) as port:
        mine = _Recorder()
        endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", port.getHost().port)
        proto = await _wait(connectProtocol(endpoint, mine))
        assert proto is mine and mine.events == ["connectionMade"]
        await _echoThrough(mine)


@pytest.mark.asyncio
async def test_connection_refused() -> None:
    """Connecting to a port nobody listens on fails with ConnectionRefusedError."""
    with socket.socket() as holder:
        # Bound but not listening: the port stays ours, and connections to it are refused.
        holder.bind(("127.0.0.1", 0))
        portNumber = holder.getsockname()[1]
        client = _Client()
        with pytest.raises(error.ConnectionRefusedError):
            await _wait(TCP4ClientEndpoint(reactor, "127.0.0.1", portNumber).connect(client))
        await _wait(client.stopped)  # the factory is stopped after the failed attempt
        assert client.built == []


@pytest.mark.twistlike_allow_unhandled_errors
@pytest.mark.asyncio
async def test_exception_in_connection_made_fails_connect(caplog: pytest.LogCaptureFixture) -> None:
    """An exception raised by the protocol's connectionMade fails connect() with it (Twisted's
    Deferred would never fire), is logged, and drops the connection."""

    class Broken(_Recorder):
        def connectionMade(self) -> None:
            raise ZeroDivisionError("in connectionMade")

    async with _listening(TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1"), _Server()) as port:
        broken = Broken()
        endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", port.getHost().port)
        with caplog.at_level(logging.ERROR, logger="twistlike"):
            with pytest.raises(ZeroDivisionError):
                await _wait(connectProtocol(endpoint, broken))
            await _wait(broken.lost)
        assert broken.reason is not None and broken.reason.check(ZeroDivisionError)
        assert any("in connectionMade" in record.getMessage() for record in caplog.records)


@implementer(IHalfCloseableProtocol)
class _HalfCloser(_Recorder):
    """A half-closeable client: on the server's EOF it answers, then closes its side."""

    def readConnectionLost(self) -> None:
        self.events.append("readConnectionLost")
        self.transport.write(b"bye")
        self.transport.loseWriteConnection()

    def writeConnectionLost(self) -> None:
        self.events.append("writeConnectionLost")
        self.transport.loseConnection()


class _SendAndHalfClose(Protocol):
    """A server protocol that greets, half-closes, and collects what comes back."""

    def __init__(self) -> None:
        self.data = b""

    def connectionMade(self) -> None:
        self.transport.write(b"hi")
        self.transport.loseWriteConnection()

    def dataReceived(self, data: bytes) -> None:
        self.data += data


@implementer(IHalfCloseableProtocol)
class _HalfCloseableServer(_SendAndHalfClose):
    def readConnectionLost(self) -> None:
        self.transport.loseConnection()

    def writeConnectionLost(self) -> None:
        pass


@pytest.mark.asyncio
async def test_half_close_reaches_the_wrapped_protocol() -> None:
    """A half-closeable protocol connected through an endpoint gets readConnectionLost and
    writeConnectionLost (the endpoint's wrapper passes the interface on, as in Twisted)."""
    server = _Server(_HalfCloseableServer)
    async with _listening(TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1"), server) as port:
        client = _HalfCloser(expected=2)
        endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", port.getHost().port)
        assert await _wait(connectProtocol(endpoint, client)) is client
        assert await _wait(client.received) == b"hi"
        await _wait(client.lost)
        assert client.events == [
            "connectionMade",
            "readConnectionLost",
            "writeConnectionLost",
            "connectionLost",
        ]
        (serverProtocol,) = server.built
        assert isinstance(serverProtocol, _HalfCloseableServer)
        assert serverProtocol.data == b"bye"


@pytest.mark.asyncio
async def test_build_protocol_returning_none_fails_with_no_protocol() -> None:
    """A client factory whose buildProtocol returns None fails connect() with NoProtocol."""
    async with _listening(TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1"), _Server()) as port:

        class Refusing(ClientFactory[Protocol]):
            noisy = False

            def buildProtocol(self, addr: Any) -> None:
                return None

        with pytest.raises(error.NoProtocol):
            await _wait(
                TCP4ClientEndpoint(reactor, "127.0.0.1", port.getHost().port).connect(Refusing())
            )


@pytest.mark.asyncio
async def test_cancelling_connect_gives_connecting_cancelled_error() -> None:
    """cancel() on a pending connect fails it with ConnectingCancelledError at once and
    stops the attempt: the factory is stopped and never builds a protocol (as Twisted)."""
    async with _listening(TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1"), _Server()) as port:
        portNumber = port.getHost().port
        client = _Client()
        d = TCP4ClientEndpoint(reactor, "127.0.0.1", portNumber).connect(client)
        d.cancel()
        failures: list[Failure] = []
        d.addErrback(failures.append)
        assert _cancelledAt(failures) == IPv4Address("TCP", "127.0.0.1", portNumber)
        await _wait(client.stopped, 5)
        assert client.built == []


@pytest.mark.asyncio
async def test_listen_on_a_used_port_fails_with_cannot_listen() -> None:
    """listen() on a port already in use gives a failed Deferred of CannotListenError."""
    async with _listening(
        TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1"), _Server()
    ) as first:
        d = TCP4ServerEndpoint(reactor, first.getHost().port, interface="127.0.0.1").listen(
            _Server()
        )
        assert d.called  # listening is synchronous, as in Twisted
        with pytest.raises(error.CannotListenError):
            await _wait(d)


@pytest.mark.asyncio
async def test_endpoints_from_strings_connect() -> None:
    """Endpoints made by serverFromString/clientFromString listen and connect."""
    async with _listening(
        serverFromString(reactor, "tcp:0:interface=127.0.0.1"), _Server()
    ) as port:
        endpoint = clientFromString(reactor, f"tcp:host=127.0.0.1:port={port.getHost().port}")
        await _echoThrough(await _wait(endpoint.connect(_Client())))


@pytest.mark.asyncio
async def test_unix_endpoints(tmp_path: Path) -> None:
    """UNIX server and client endpoints (object and string forms) round-trip data."""
    path = str(tmp_path / "s.sock")
    async with _listening(UNIXServerEndpoint(reactor, path), _Server()) as port:
        assert port.getHost() == UNIXAddress(path)
        proto = await _wait(UNIXClientEndpoint(reactor, path).connect(_Client()))
        await _echoThrough(proto)
        described = clientFromString(reactor, "unix:" + quoteStringArgument(path) + ":timeout=5")
        await _echoThrough(await _wait(described.connect(_Client())))


@pytest.mark.asyncio
async def test_unix_server_from_string_with_escaped_colon(tmp_path: Path) -> None:
    """A socket path with a colon, escaped in the description, is listened on as written."""
    path = str(tmp_path / "a:b.sock")
    endpoint = serverFromString(reactor, f"unix:{quoteStringArgument(path)}:mode=600")
    async with _listening(endpoint, _Server()) as port:
        assert port.getHost() == UNIXAddress(path)
        assert (Path(path).stat().st_mode & 0o777) == 0o600
        await _echoThrough(await _wait(UNIXClientEndpoint(reactor, path).connect(_Client())))


@pytest.mark.asyncio
async def test_unix_connect_to_missing_path_fails(tmp_path: Path) -> None:
    """Connecting to a UNIX path with no server fails with a ConnectError."""
    with pytest.raises(error.ConnectError):
        await _wait(UNIXClientEndpoint(reactor, str(tmp_path / "none")).connect(_Client()))


@pytest.mark.asyncio
async def test_unix_listen_on_a_used_path_fails(tmp_path: Path) -> None:
    """listen() on a UNIX path that is already bound fails with CannotListenError."""
    path = str(tmp_path / "s.sock")
    async with _listening(UNIXServerEndpoint(reactor, path), _Server()):
        with pytest.raises(error.CannotListenError):
            await _wait(UNIXServerEndpoint(reactor, path).listen(_Server()))


@pytest.mark.asyncio
@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
async def test_hostname_endpoint_ipv4(host: str) -> None:
    """HostnameEndpoint resolves a name (or takes an IPv4 literal) and connects."""
    async with _listening(TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1"), _Server()) as port:
        proto = await _wait(HostnameEndpoint(reactor, host, port.getHost().port).connect(_Client()))
        assert proto.transport.getPeer().host == "127.0.0.1"
        await _echoThrough(proto)


@_needsIPv6
@pytest.mark.asyncio
async def test_hostname_endpoint_ipv6() -> None:
    """HostnameEndpoint connects to the IPv6 loopback literal over IPv6."""
    async with _listening(TCP6ServerEndpoint(reactor, 0, interface="::1"), _Server()) as port:
        assert isinstance(port.getHost(), IPv6Address)
        proto = await _wait(
            HostnameEndpoint(reactor, "::1", port.getHost().port).connect(_Client())
        )
        peer = proto.transport.getPeer()
        assert isinstance(peer, IPv6Address) and peer.host == "::1"
        await _echoThrough(proto)


@_needsIPv6
@pytest.mark.asyncio
async def test_tcp6_endpoints() -> None:
    """TCP6 server and client endpoints (object and string forms) connect over IPv6."""
    async with _listening(serverFromString(reactor, "tcp6:0:interface=\\:\\:1"), _Server()) as port:
        portNumber = port.getHost().port
        await _echoThrough(
            await _wait(TCP6ClientEndpoint(reactor, "::1", portNumber).connect(_Client()))
        )
        endpoint = clientFromString(reactor, f"tcp6:\\:\\:1:{portNumber}")
        await _echoThrough(await _wait(endpoint.connect(_Client())))


@pytest.mark.asyncio
async def test_hostname_endpoint_refused() -> None:
    """When every address refuses, HostnameEndpoint fails with ConnectionRefusedError."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        endpoint = HostnameEndpoint(reactor, "127.0.0.1", holder.getsockname()[1])
        with pytest.raises(error.ConnectionRefusedError):
            await _wait(endpoint.connect(_Client()))


@pytest.mark.asyncio
async def test_hostname_endpoint_unknown_name() -> None:
    """A name that does not resolve fails HostnameEndpoint.connect with DNSLookupError."""
    with pytest.raises(error.DNSLookupError, match=r"nonexistent\.invalid"):
        await _wait(HostnameEndpoint(reactor, "nonexistent.invalid", 80).connect(_Client()), 30)


@pytest.mark.asyncio
async def test_tcp6_endpoint_unknown_name() -> None:
    """A name with no IPv6 address fails TCP6ClientEndpoint.connect with DNSLookupError."""
    with pytest.raises(error.DNSLookupError):
        await _wait(TCP6ClientEndpoint(reactor, "nonexistent.invalid", 80).connect(_Client()), 30)


@pytest.mark.asyncio
@pytest.mark.parametrize("endpointClass", [HostnameEndpoint, TCP6ClientEndpoint])
async def test_cancel_during_name_lookup(endpointClass: Any) -> None:
    """Cancelling while the name is being looked up gives ConnectingCancelledError."""
    client = _Client()
    d = endpointClass(reactor, "localhost", 80).connect(client)
    d.cancel()
    failures: list[Failure] = []
    d.addErrback(failures.append)
    assert _cancelledAt(failures) == HostnameAddress(b"localhost", 80)
    await asyncio.sleep(0)  # let the cancelled lookup task finish before the loop closes
    assert client.built == []


@pytest.fixture
def blackhole() -> Iterator[tuple[str, int]]:
    """A loopback address where connection attempts stay pending (no answer to the SYN).

    A listening socket with backlog 0 whose accept queue is filled by one connection: Linux
    then drops further SYNs, so a connect() neither succeeds nor fails until it times out.
    """
    if sys.platform != "linux":
        pytest.skip("relies on Linux dropping SYNs to a full accept queue")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    address: tuple[str, int] = server.getsockname()
    filler = socket.create_connection(address, timeout=5)
    try:
        yield address
    finally:
        filler.close()
        server.close()


async def _loopTurns(n: int = 3) -> None:
    """Let the loop run ``n`` iterations (for tasks just created to take their first step)."""
    for _ in range(n):
        await asyncio.sleep(0)


@pytest.mark.asyncio
async def test_cancel_while_connecting(blackhole: tuple[str, int]) -> None:
    """Cancelling an attempt that is in progress fails it with ConnectingCancelledError and
    stops the factory without building a protocol."""
    client = _Client()
    d = TCP4ClientEndpoint(reactor, *blackhole).connect(client)
    await _loopTurns()
    assert not d.called
    d.cancel()
    failures: list[Failure] = []
    d.addErrback(failures.append)
    assert _cancelledAt(failures) == IPv4Address("TCP", *blackhole)
    await _wait(client.stopped, 5)
    assert client.built == []


@pytest.mark.asyncio
async def test_connect_timeout(blackhole: tuple[str, int]) -> None:
    """An attempt that gets no answer within ``timeout`` fails with TimeoutError."""
    client = _Client()
    with pytest.raises(error.TimeoutError):
        await _wait(TCP4ClientEndpoint(reactor, *blackhole, timeout=0.2).connect(client))
    assert client.built == []


@pytest.mark.asyncio
async def test_hostname_endpoint_cancel_while_connecting(blackhole: tuple[str, int]) -> None:
    """Cancelling HostnameEndpoint.connect while it connects gives ConnectingCancelledError
    of a HostnameAddress, and the attempt is stopped."""
    client = _Client()
    d = HostnameEndpoint(reactor, "127.0.0.1", blackhole[1]).connect(client)
    async with asyncio.timeout(10):
        # The lookup runs off the loop (in a thread, or libuv's pool); the factory starts
        # with the first connection attempt.
        while not client.numPorts:
            await asyncio.sleep(0)
    await _loopTurns()
    assert not d.called
    d.cancel()
    failures: list[Failure] = []
    d.addErrback(failures.append)
    assert _cancelledAt(failures) == HostnameAddress(b"127.0.0.1", blackhole[1])
    await _wait(client.stopped, 5)
    assert client.built == []


@pytest.mark.asyncio
async def test_hostname_endpoint_tries_the_next_address(
    monkeypatch: pytest.MonkeyPatch, blackhole: tuple[str, int]
) -> None:
    """Addresses are tried in order: the next one after a failure at once, or after
    attemptDelay while one hangs; the first to connect wins and the others are stopped."""
    async with _listening(TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1"), _Server()) as port:
        good = ("127.0.0.1", port.getHost().port)
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", 0))
            refusing = holder.getsockname()
            answers = [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", refusing),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", blackhole),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", good),
            ]
            # Only the resolver is replaced: the answer's order is what this test is about.
            monkeypatch.setattr(endpoints, "_getaddrinfo", lambda *args: succeed(answers))
            client = _Client()
            endpoint = HostnameEndpoint(reactor, "three.example", 1, attemptDelay=0.05)
            proto = await _wait(endpoint.connect(client))
            assert proto.transport.getPeer() == IPv4Address("TCP", *good)
            assert len(client.built) == 1
            await _echoThrough(proto)
            # Every attempt's connector let go of the factory: the hanging one was stopped.
            await _wait(client.stopped, 5)


@pytest.mark.asyncio
async def test_hostname_endpoint_fails_with_the_last_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When all addresses fail, the failure is the last one's, as in Twisted."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        refusing = holder.getsockname()
        answers = [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", refusing),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", refusing),
        ]
        monkeypatch.setattr(endpoints, "_getaddrinfo", lambda *args: succeed(answers))
        with pytest.raises(error.ConnectionRefusedError):
            await _wait(HostnameEndpoint(reactor, "x.example", 1).connect(_Client()))
        answers.clear()
        with pytest.raises(error.DNSLookupError, match="no results"):
            await _wait(HostnameEndpoint(reactor, "x.example", 1).connect(_Client()))


@pytest.mark.parametrize("loopName", ["asyncio", "uvloop"])
def test_connect_before_reactor_run(loopName: str) -> None:
    """Twisted-style code: endpoints used before reactor.run() connect once it runs."""
    if loopName == "uvloop":
        uvloop = pytest.importorskip("uvloop")
        factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    else:
        factory = asyncio.new_event_loop
    server = TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1")
    ports: list[Any] = []
    server.listen(_Server()).addCallback(ports.append)
    portNumber = ports[0].getHost().port
    outcomes: list[object] = []

    def done(result: object) -> None:
        outcomes.append(result)
        if len(outcomes) == 2:
            reactor.stop()

    HostnameEndpoint(reactor, "127.0.0.1", portNumber).connect(_Client()).addBoth(done)
    TCP4ClientEndpoint(reactor, "127.0.0.1", portNumber).connect(_Client()).addBoth(done)
    guard = reactor.callLater(10, reactor.stop)  # a bound, in case nothing connects
    reactor.run(installSignalHandlers=False, loop_factory=factory)
    assert guard.active()
    guard.cancel()
    assert [type(o) for o in outcomes] == [_Recorder, _Recorder]

"""TLS connections: reactor.listenSSL/connectSSL, transport.startTLS, over loopback.

Certificates are made in the tests with trustme (no files in git). Every test runs on
asyncio's default loop and on uvloop (conftest.py), in debug mode, failing on loop exception
reports; every wait is bounded by ``asyncio.timeout``; tests synchronise on events.
"""

from __future__ import annotations

import asyncio
import datetime
import socket
import ssl
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
import trustme
from zope.interface import implementer  # type: ignore[import-untyped, unused-ignore]

from twistlike import error, reactor
from twistlike.failure import Failure
from twistlike.interfaces import (
    IHandshakeListener,
    INegotiated,
    IPullProducer,
    IPushProducer,
    ISSLTransport,
    ITLSTransport,
)
from twistlike.protocol import ClientFactory, Factory, Protocol, connectionDone
from twistlike.ssl import (
    Certificate,
    CertificateOptions,
    ClientContextFactory,
    PrivateCertificate,
    optionsForClientTLS,
)

BOUND = 10.0


# ------------------------------------------------------------------------------------------
# Certificates


class PKI:
    """A CA, a server certificate for localhost, and a client certificate from another CA."""

    def __init__(self) -> None:
        self.ca = trustme.CA()
        self.server = self.ca.issue_cert("localhost", "127.0.0.1")
        self.clientCA = trustme.CA()
        self.client = self.clientCA.issue_cert("client@example.com")

    def serverOptions(self, **kw: Any) -> CertificateOptions:
        cert = PrivateCertificate.loadPEM(self.server.private_key_and_cert_chain_pem.bytes())
        return CertificateOptions(privateKey=cert.privateKey, certificate=cert, **kw)

    def caCert(self) -> Certificate:
        return Certificate.loadPEM(self.ca.cert_pem.bytes())

    def clientCACert(self) -> Certificate:
        return Certificate.loadPEM(self.clientCA.cert_pem.bytes())

    def clientOptions(self, hostname: str = "localhost", **kw: Any) -> Any:
        return optionsForClientTLS(hostname, trustRoot=self.caCert(), **kw)

    def clientCertificate(self) -> PrivateCertificate:
        return PrivateCertificate.loadPEM(self.client.private_key_and_cert_chain_pem.bytes())


@pytest.fixture(scope="module")
def pki() -> PKI:
    return PKI()


# ------------------------------------------------------------------------------------------
# A recording protocol


@implementer(IHandshakeListener)
class Recorder(Protocol):
    """Records its callbacks; its events let a test wait for each stage."""

    def __init__(self, onMade: Callable[[Recorder], None] | None = None) -> None:
        self.events: list[Any] = []
        self.data = bytearray()
        self.made = asyncio.Event()
        self.handshook = asyncio.Event()
        self.lost = asyncio.Event()
        self.got = asyncio.Event()
        self.reason: Failure | None = None
        self.onMade = onMade
        self.onData: Callable[[Recorder, bytes], None] | None = None

    def connectionMade(self) -> None:
        self.events.append("connectionMade")
        self.made.set()
        if self.onMade is not None:
            self.onMade(self)

    def handshakeCompleted(self) -> None:
        self.events.append("handshakeCompleted")
        self.handshook.set()

    def dataReceived(self, data: bytes) -> None:
        if not self.events or self.events[-1] != "dataReceived":
            self.events.append("dataReceived")
        self.data += data
        self.got.set()
        if self.onData is not None:
            self.onData(self, data)

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        self.events.append(("connectionLost", reason.type))
        self.reason = reason
        self.lost.set()

    async def receive(self, n: int) -> bytes:
        async with asyncio.timeout(BOUND):
            while len(self.data) < n:
                self.got.clear()
                await self.got.wait()
        return bytes(self.data)

    async def waitLost(self) -> Failure:
        async with asyncio.timeout(BOUND):
            await self.lost.wait()
        assert self.reason is not None
        return self.reason


class Network:
    """Listens and connects with TLS; remembers the server-side protocols."""

    def __init__(self) -> None:
        self.servers: list[Recorder] = []
        self.serverMade = asyncio.Event()
        self.ports: list[Any] = []
        self.connectors: list[Any] = []
        self.onServerMade: Callable[[Recorder], None] | None = None
        self.onServerData: Callable[[Recorder, bytes], None] | None = None

    def _serverFactory(self) -> Factory[Any]:
        net = self

        class F(Factory[Any]):
            noisy = False

            def buildProtocol(self, addr: Any) -> Recorder:
                p = Recorder(net.onServerMade)
                p.onData = net.onServerData
                p.factory = self
                net.servers.append(p)
                net.serverMade.set()
                return p

        return F()

    def listenSSL(self, options: Any) -> int:
        port = reactor.listenSSL(0, self._serverFactory(), options, interface="127.0.0.1")
        self.ports.append(port)
        return int(port.getHost().port)

    def listenTCP(self) -> int:
        port = reactor.listenTCP(0, self._serverFactory(), interface="127.0.0.1")
        self.ports.append(port)
        return int(port.getHost().port)

    def connect(self, port: int, options: Any, client: Recorder | None = None) -> Recorder:
        proto = client or Recorder()

        class CF(ClientFactory[Any]):
            noisy = False

            def buildProtocol(self, addr: Any) -> Recorder:
                proto.factory = self
                return proto

        if options is None:
            self.connectors.append(reactor.connectTCP("127.0.0.1", port, CF()))
        else:
            self.connectors.append(reactor.connectSSL("127.0.0.1", port, CF(), options))
        return proto

    async def server(self) -> Recorder:
        async with asyncio.timeout(BOUND):
            await self.serverMade.wait()
        return self.servers[-1]


@asynccontextmanager
async def network() -> AsyncIterator[Network]:
    net = Network()
    try:
        yield net
    finally:
        for c in net.connectors:
            if c.transport is not None:
                c.transport.abortConnection()
        for p in net.servers:
            if p.transport is not None and p.transport.connected:
                p.transport.abortConnection()
        for port in net.ports:
            await port.stopListening()
        async with asyncio.timeout(BOUND):
            for p in net.servers:
                if p.transport is not None and p.made.is_set():
                    await p.lost.wait()


# ------------------------------------------------------------------------------------------
# Handshake and echo


@pytest.mark.asyncio
async def test_handshake_and_echo(pki: PKI) -> None:
    """A verified TLS client and server exchange data; callbacks come in Twisted's order."""
    async with network() as net:
        net.onServerData = lambda p, data: p.transport.write(data.upper())
        port = net.listenSSL(pki.serverOptions())
        client = net.connect(
            port, pki.clientOptions(), Recorder(lambda p: p.transport.write(b"hi"))
        )
        assert await client.receive(2) == b"HI"
        server = await net.server()
        assert ISSLTransport.providedBy(client.transport)
        assert ISSLTransport.providedBy(server.transport)
        peer = client.transport.getPeerCertificate()
        assert peer == Certificate.loadPEM(pki.server.cert_chain_pems[0].bytes())
        assert server.transport.getPeerCertificate() is None  # no client certificate
        client.transport.loseConnection()
        assert (await client.waitLost()).type is error.ConnectionDone
        assert (await server.waitLost()).type is error.ConnectionDone
        assert client.events == [
            "connectionMade",
            "handshakeCompleted",
            "dataReceived",
            ("connectionLost", error.ConnectionDone),
        ]
        assert server.events == [
            "connectionMade",
            "handshakeCompleted",
            "dataReceived",
            ("connectionLost", error.ConnectionDone),
        ]


@pytest.mark.asyncio
async def test_writes_before_the_handshake_are_sent_encrypted_after_it(pki: PKI) -> None:
    """Data written in connectionMade (before the handshake) arrives, in order."""
    async with network() as net:
        port = net.listenSSL(pki.serverOptions())

        def made(p: Recorder) -> None:
            p.transport.write(b"one ")
            p.transport.writeSequence([b"two ", b"three"])

        net.connect(port, pki.clientOptions(), Recorder(made))
        server = await net.server()
        assert await server.receive(13) == b"one two three"


@pytest.mark.asyncio
async def test_server_loseConnection_sends_close_notify(pki: PKI) -> None:
    """The server's loseConnection flushes, then the client sees a clean ConnectionDone."""
    async with network() as net:

        def made(p: Recorder) -> None:
            p.transport.write(b"x" * 100_000)
            p.transport.loseConnection()

        net.onServerMade = made
        port = net.listenSSL(pki.serverOptions())
        client = net.connect(port, pki.clientOptions())
        assert (await client.waitLost()).type is error.ConnectionDone
        assert bytes(client.data) == b"x" * 100_000


# ------------------------------------------------------------------------------------------
# Verification failures


async def _failedHandshake(pki: PKI, serverOptions: Any, clientOptions: Any) -> Failure:
    async with network() as net:
        port = net.listenSSL(serverOptions)
        client = net.connect(port, clientOptions, Recorder(lambda p: p.transport.write(b"x")))
        reason = await client.waitLost()
        assert client.events == ["connectionMade", ("connectionLost", reason.type)]
        assert client.data == b""
        server = await net.server()
        await server.waitLost()
        assert server.data == b""
        return reason


@pytest.mark.asyncio
async def test_wrong_hostname_fails_with_a_reason_naming_it(pki: PKI) -> None:
    """A certificate for another host name ends the connection with a verification error."""
    reason = await _failedHandshake(pki, pki.serverOptions(), pki.clientOptions("wrong.example"))
    assert reason.check(ssl.SSLCertVerificationError)
    assert "wrong.example" in str(reason.value)


@pytest.mark.asyncio
async def test_unknown_ca_fails(pki: PKI) -> None:
    """A server certificate from a CA the client does not trust fails verification."""
    other = trustme.CA()
    options = optionsForClientTLS(
        "localhost", trustRoot=Certificate.loadPEM(other.cert_pem.bytes())
    )
    reason = await _failedHandshake(pki, pki.serverOptions(), options)
    assert reason.check(ssl.SSLCertVerificationError)
    assert "certificate verify failed" in str(reason.value)
    assert "issuer" in str(reason.value)


@pytest.mark.asyncio
async def test_expired_certificate_fails(pki: PKI) -> None:
    """An expired server certificate fails verification with 'certificate has expired'."""
    past = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)
    expired = pki.ca.issue_cert("localhost", not_before=past, not_after=past.replace(year=2002))
    cert = PrivateCertificate.loadPEM(expired.private_key_and_cert_chain_pem.bytes())
    options = CertificateOptions(privateKey=cert.privateKey, certificate=cert)
    reason = await _failedHandshake(pki, options, pki.clientOptions())
    assert reason.check(ssl.SSLCertVerificationError)
    assert "expired" in str(reason.value)


@pytest.mark.asyncio
async def test_platform_trust_is_the_default_and_rejects_a_private_ca(pki: PKI) -> None:
    """optionsForClientTLS without trustRoot uses the platform's CAs: a test CA fails."""
    reason = await _failedHandshake(pki, pki.serverOptions(), optionsForClientTLS("localhost"))
    assert reason.check(ssl.SSLCertVerificationError)


# ------------------------------------------------------------------------------------------
# Client certificates


@pytest.mark.asyncio
async def test_client_certificate_required_and_given(pki: PKI) -> None:
    """A server that requires a client certificate sees the one the client presented."""
    async with network() as net:
        port = net.listenSSL(pki.serverOptions(trustRoot=pki.clientCACert()))
        options = pki.clientOptions(clientCertificate=pki.clientCertificate())
        client = net.connect(port, options, Recorder(lambda p: p.transport.write(b"x")))
        server = await net.server()
        await server.receive(1)
        peer = server.transport.getPeerCertificate()
        assert peer == Certificate.loadPEM(pki.client.cert_chain_pems[0].bytes())
        assert peer.getIssuer() == Certificate.loadPEM(pki.clientCA.cert_pem.bytes()).getSubject()
        client.transport.loseConnection()
        assert (await client.waitLost()).type is error.ConnectionDone


@pytest.mark.asyncio
async def test_client_certificate_required_and_missing(pki: PKI) -> None:
    """Without a client certificate, a server that requires one ends both sides with an SSL
    error (TLS 1.3: the client learns it after its handshake completed)."""
    async with network() as net:
        port = net.listenSSL(pki.serverOptions(trustRoot=pki.clientCACert()))
        client = net.connect(port, pki.clientOptions())
        server = await net.server()
        sreason = await server.waitLost()
        assert sreason.check(ssl.SSLError)
        assert "certificate" in str(sreason.value)
        creason = await client.waitLost()
        assert creason.check(ssl.SSLError, error.ConnectionLost)
        assert server.data == b""


@pytest.mark.asyncio
async def test_client_certificate_optional(pki: PKI) -> None:
    """requireCertificate=False lets clients without a certificate in."""
    async with network() as net:
        options = pki.serverOptions(
            verify=True, caCerts=[pki.clientCACert()], requireCertificate=False
        )
        port = net.listenSSL(options)
        net.connect(port, pki.clientOptions(), Recorder(lambda p: p.transport.write(b"x")))
        server = await net.server()
        assert await server.receive(1) == b"x"
        assert server.transport.getPeerCertificate() is None


# ------------------------------------------------------------------------------------------
# ALPN


@pytest.mark.asyncio
async def test_alpn_negotiates_a_common_protocol(pki: PKI) -> None:
    """Both sides see the protocol ALPN agreed on, as bytes."""
    async with network() as net:
        port = net.listenSSL(pki.serverOptions(acceptableProtocols=[b"h2", b"http/1.1"]))
        client = net.connect(port, pki.clientOptions(acceptableProtocols=[b"http/1.1"]))
        async with asyncio.timeout(BOUND):
            await client.handshook.wait()
        assert INegotiated.providedBy(client.transport)
        assert client.transport.negotiatedProtocol == b"http/1.1"
        server = await net.server()
        async with asyncio.timeout(BOUND):
            await server.handshook.wait()
        assert server.transport.negotiatedProtocol == b"http/1.1"


@pytest.mark.asyncio
async def test_alpn_none_without_protocols(pki: PKI) -> None:
    """Without ALPN the negotiated protocol is None."""
    async with network() as net:
        port = net.listenSSL(pki.serverOptions())
        client = net.connect(port, pki.clientOptions())
        async with asyncio.timeout(BOUND):
            await client.handshook.wait()
        assert client.transport.negotiatedProtocol is None


# ------------------------------------------------------------------------------------------
# STARTTLS


@pytest.mark.asyncio
async def test_starttls_upgrades_a_running_connection(pki: PKI) -> None:
    """Bytes written before startTLS go out in clear, bytes after are encrypted, and the same
    protocols receive what follows."""
    async with network() as net:
        serverOptions = pki.serverOptions()

        def serverData(p: Recorder, data: bytes) -> None:
            if bytes(p.data) == b"STARTTLS\n":
                p.transport.write(b"OK\n")  # before: in clear
                p.transport.startTLS(serverOptions)
                p.transport.write(b"secret from server")  # after: encrypted

        net.onServerData = serverData
        port = net.listenTCP()
        client = net.connect(port, None, Recorder(lambda p: p.transport.write(b"STARTTLS\n")))
        clientOptions = pki.clientOptions()

        def clientData(p: Recorder, data: bytes) -> None:
            if bytes(p.data) == b"OK\n":
                assert not ISSLTransport.providedBy(p.transport)
                p.transport.startTLS(clientOptions)
                p.transport.write(b"secret from client")

        client.onData = clientData
        server = await net.server()
        assert ITLSTransport.providedBy(server.transport)
        assert await client.receive(21) == b"OK\nsecret from server"
        assert await server.receive(27) == b"STARTTLS\nsecret from client"
        assert ISSLTransport.providedBy(client.transport)
        assert ISSLTransport.providedBy(server.transport)
        assert client.transport.getPeerCertificate() is not None
        assert client.events[-1] == "dataReceived"
        assert "handshakeCompleted" in client.events
        client.transport.loseConnection()
        assert (await server.waitLost()).type is error.ConnectionDone


@pytest.mark.asyncio
async def test_starttls_twice_raises(pki: PKI) -> None:
    """startTLS on a connection that already uses TLS raises RuntimeError."""
    async with network() as net:
        port = net.listenSSL(pki.serverOptions())
        client = net.connect(port, pki.clientOptions())
        async with asyncio.timeout(BOUND):
            await client.handshook.wait()
        with pytest.raises(RuntimeError, match="already"):
            client.transport.startTLS(pki.clientOptions())


# ------------------------------------------------------------------------------------------
# How connections end


def _rawTLSClientDropsTCP(port: int, cafile: str) -> bytes:
    """A blocking TLS client: handshake, send, read one reply, then drop TCP without
    close_notify (SSLSocket.shutdown skips TLS's close)."""
    ctx = ssl.create_default_context(cafile=cafile)
    with socket.create_connection(("127.0.0.1", port), timeout=BOUND) as raw:
        s = ctx.wrap_socket(raw, server_hostname="localhost")
        s.sendall(b"ping")
        reply = s.recv(100)
        s.shutdown(socket.SHUT_RDWR)
        s.close()
        return reply


@pytest.mark.asyncio
async def test_tcp_dropped_without_close_notify_is_connection_lost(pki: PKI, tmp_path: Any) -> None:
    """A peer that closes TCP without close_notify gives ConnectionLost, not ConnectionDone."""
    cafile = tmp_path / "ca.pem"
    pki.ca.cert_pem.write_to_path(str(cafile))
    async with network() as net:
        net.onServerData = lambda p, data: p.transport.write(b"pong")
        port = net.listenSSL(pki.serverOptions())
        reply = await asyncio.wait_for(
            asyncio.to_thread(_rawTLSClientDropsTCP, port, str(cafile)), BOUND
        )
        assert reply == b"pong"
        server = await net.server()
        reason = await server.waitLost()
        assert reason.type is error.ConnectionLost
        assert "close_notify" in str(reason.value) or reason.value.args


@pytest.mark.asyncio
async def test_abortConnection_over_tls(pki: PKI) -> None:
    """abortConnection ends the connection at once: ConnectionAborted here, lost there."""
    async with network() as net:
        port = net.listenSSL(pki.serverOptions())
        client = net.connect(port, pki.clientOptions())
        async with asyncio.timeout(BOUND):
            await client.handshook.wait()
        server = await net.server()
        client.transport.abortConnection()
        assert (await client.waitLost()).type is error.ConnectionAborted
        assert (await server.waitLost()).type is error.ConnectionLost


@pytest.mark.asyncio
async def test_abortConnection_during_the_handshake(pki: PKI) -> None:
    """abortConnection in connectionMade (before the handshake) gives ConnectionAborted."""
    async with network() as net:
        port = net.listenSSL(pki.serverOptions())
        client = net.connect(
            port, pki.clientOptions(), Recorder(lambda p: p.transport.abortConnection())
        )
        assert (await client.waitLost()).type is error.ConnectionAborted
        assert "handshakeCompleted" not in client.events


@pytest.mark.asyncio
async def test_loseConnection_during_the_handshake_flushes_after_it(pki: PKI) -> None:
    """loseConnection before the handshake completes: the data still goes out, then close."""
    async with network() as net:
        port = net.listenSSL(pki.serverOptions())

        def made(p: Recorder) -> None:
            p.transport.write(b"last words")
            p.transport.loseConnection()

        client = net.connect(port, pki.clientOptions(), Recorder(made))
        server = await net.server()
        assert await server.receive(10) == b"last words"
        assert (await client.waitLost()).type is error.ConnectionDone
        assert (await server.waitLost()).type is error.ConnectionDone


@pytest.mark.asyncio
async def test_loseWriteConnection_is_not_available_over_tls(pki: PKI) -> None:
    """TLS has no half-close: loseWriteConnection raises NotImplementedError."""
    async with network() as net:
        port = net.listenSSL(pki.serverOptions())
        client = net.connect(port, pki.clientOptions())
        async with asyncio.timeout(BOUND):
            await client.handshook.wait()
        with pytest.raises(NotImplementedError, match="half-close"):
            client.transport.loseWriteConnection()


@pytest.mark.asyncio
async def test_unverified_client_context_factory_connects(pki: PKI) -> None:
    """ClientContextFactory (Twisted's unverified client) still encrypts and connects."""
    async with network() as net:
        port = net.listenSSL(pki.serverOptions())
        client = net.connect(
            port, ClientContextFactory(), Recorder(lambda p: p.transport.write(b"x"))
        )
        server = await net.server()
        assert await server.receive(1) == b"x"
        assert client.transport.getPeerCertificate() is not None


@pytest.mark.asyncio
async def test_plain_sslcontext_is_accepted(pki: PKI) -> None:
    """An ssl.SSLContext works as the context factory; the host name comes from connectSSL."""
    async with network() as net:
        port = net.listenSSL(pki.serverOptions())
        ctx = ssl.create_default_context()
        pki.ca.configure_trust(ctx)
        # connectSSL to 127.0.0.1: the certificate lists that address too.
        client = net.connect(port, ctx, Recorder(lambda p: p.transport.write(b"y")))
        server = await net.server()
        assert await server.receive(1) == b"y"
        assert client.transport.getPeerCertificate() is not None


# ------------------------------------------------------------------------------------------
# Producers


@implementer(IPushProducer)
class PushProducer:
    """Writes 16 KiB chunks until paused, up to ``total`` bytes."""

    def __init__(self, transport: Any, total: int) -> None:
        self.transport = transport
        self.total = total
        self.written = 0
        self.paused = False
        self.pauses = 0
        self.pausedEvent = asyncio.Event()
        self.done = asyncio.Event()

    def resumeProducing(self) -> None:
        self.paused = False
        asyncio.get_running_loop().call_soon(self._produce)

    def _produce(self) -> None:
        while not self.paused and self.written < self.total:
            chunk = min(16 << 10, self.total - self.written)
            self.written += chunk
            self.transport.write(b"p" * chunk)
        if self.written >= self.total and not self.done.is_set():
            self.transport.unregisterProducer()
            self.done.set()

    def pauseProducing(self) -> None:
        self.paused = True
        self.pauses += 1
        self.pausedEvent.set()

    def stopProducing(self) -> None:
        self.paused = True


@pytest.mark.asyncio
async def test_push_producer_is_paused_by_a_slow_tls_reader(pki: PKI) -> None:
    """A slow TLS reader pauses the producer; what is written but unread stays bounded."""
    total = 32 << 20
    async with network() as net:
        port = net.listenSSL(pki.serverOptions())
        client = net.connect(port, pki.clientOptions())
        async with asyncio.timeout(BOUND):
            await client.handshook.wait()
        client.transport.pauseProducing()  # the slow reader
        server = await net.server()
        async with asyncio.timeout(BOUND):
            await server.handshook.wait()
        producer = PushProducer(server.transport, total)
        server.transport.registerProducer(producer, True)
        producer.resumeProducing()
        async with asyncio.timeout(BOUND):
            await producer.pausedEvent.wait()
        # Kernel buffers plus TLS and transport buffers: far below `total`.
        assert producer.written < 16 << 20
        client.transport.resumeProducing()
        async with asyncio.timeout(BOUND):
            await producer.done.wait()
        data = await client.receive(total)
        assert len(data) == total
        assert producer.pauses >= 1


# ------------------------------------------------------------------------------------------
# ClientCreator and endpoints


@pytest.mark.asyncio
async def test_clientcreator_connectSSL(pki: PKI) -> None:
    """ClientCreator.connectSSL fires with the connected protocol."""
    from twistlike.protocol import ClientCreator

    async with network() as net:
        port = net.listenSSL(pki.serverOptions())
        async with asyncio.timeout(BOUND):
            proto = await ClientCreator(reactor, Recorder).connectSSL(
                "127.0.0.1", port, pki.clientOptions()
            )
        assert isinstance(proto, Recorder)
        proto.transport.write(b"cc")
        server = await net.server()
        assert await server.receive(2) == b"cc"
        proto.transport.loseConnection()
        assert (await proto.waitLost()).type is error.ConnectionDone


@pytest.mark.asyncio
async def test_ssl4_endpoints(pki: PKI) -> None:
    """SSL4ServerEndpoint and SSL4ClientEndpoint connect and exchange data."""
    from twistlike.endpoints import SSL4ClientEndpoint, SSL4ServerEndpoint, connectProtocol

    net = Network()
    async with asyncio.timeout(BOUND):
        port = await SSL4ServerEndpoint(
            reactor, 0, pki.serverOptions(), interface="127.0.0.1"
        ).listen(net._serverFactory())
        try:
            endpoint = SSL4ClientEndpoint(
                reactor, "127.0.0.1", port.getHost().port, pki.clientOptions()
            )
            client = await connectProtocol(endpoint, Recorder())
            client.transport.write(b"ep")
            server = await net.server()
            assert await server.receive(2) == b"ep"
            assert ISSLTransport.providedBy(client.transport)
            client.transport.loseConnection()
            await server.waitLost()
        finally:
            await port.stopListening()


@pytest.mark.asyncio
async def test_wrap_client_and_server_tls(pki: PKI) -> None:
    """wrapServerTLS over a TCP server endpoint and wrapClientTLS over a TCP client endpoint
    speak TLS to each other; connect() fires with the application's protocol."""
    from twistlike.endpoints import (
        TCP4ClientEndpoint,
        TCP4ServerEndpoint,
        connectProtocol,
        wrapClientTLS,
        wrapServerTLS,
    )

    net = Network()
    async with asyncio.timeout(BOUND):
        server_ep = wrapServerTLS(
            pki.serverOptions(), TCP4ServerEndpoint(reactor, 0, interface="127.0.0.1")
        )
        port = await server_ep.listen(net._serverFactory())
        try:
            client_ep = wrapClientTLS(
                pki.clientOptions(), TCP4ClientEndpoint(reactor, "127.0.0.1", port.getHost().port)
            )
            client = await connectProtocol(client_ep, Recorder())
            assert isinstance(client, Recorder)
            await client.handshook.wait()
            client.transport.write(b"wrapped")
            server = await net.server()
            assert await server.receive(7) == b"wrapped"
            assert server.events[:2] == ["connectionMade", "handshakeCompleted"]
            assert client.transport.getPeerCertificate() is not None
            client.transport.loseConnection()
            assert (await server.waitLost()).type is error.ConnectionDone
        finally:
            await port.stopListening()


@pytest.mark.asyncio
async def test_wrap_client_tls_verification_failure_reaches_connectionLost(pki: PKI) -> None:
    """With wrapClientTLS, a wrong host name ends the connected protocol with the error."""
    from twistlike.endpoints import TCP4ClientEndpoint, connectProtocol, wrapClientTLS

    async with network() as net:
        port = net.listenSSL(pki.serverOptions())
        endpoint = wrapClientTLS(
            pki.clientOptions("wrong.example"), TCP4ClientEndpoint(reactor, "127.0.0.1", port)
        )
        async with asyncio.timeout(BOUND):
            client = await connectProtocol(endpoint, Recorder())
        reason = await client.waitLost()
        assert reason.check(ssl.SSLCertVerificationError)
        assert "wrong.example" in str(reason.value)


@pytest.mark.asyncio
async def test_string_endpoints_ssl_server_and_tls_client(pki: PKI, tmp_path: Any) -> None:
    """serverFromString('ssl:...') and clientFromString('tls:...') make working endpoints;
    the tls: client verifies against the trustRoots directory and the host name."""
    from twistlike.endpoints import (
        clientFromString,
        connectProtocol,
        quoteStringArgument,
        serverFromString,
    )

    key = tmp_path / "key.pem"
    cert = tmp_path / "cert.pem"
    pki.server.private_key_pem.write_to_path(str(key))
    pki.server.cert_chain_pems[0].write_to_path(str(cert))
    cas = tmp_path / "cas"
    cas.mkdir()
    pki.ca.cert_pem.write_to_path(str(cas / "ca.pem"))
    (cas / "junk.pem").write_bytes(b"not a certificate")
    net = Network()
    async with asyncio.timeout(BOUND):
        server = serverFromString(
            reactor,
            f"ssl:0:privateKey={quoteStringArgument(str(key))}:"
            f"certKey={quoteStringArgument(str(cert))}:interface=127.0.0.1",
        )
        port = await server.listen(net._serverFactory())
        try:
            portNumber = port.getHost().port
            good = clientFromString(
                reactor, f"tls:localhost:{portNumber}:trustRoots={quoteStringArgument(str(cas))}"
            )
            client = await connectProtocol(good, Recorder())
            await client.handshook.wait()
            client.transport.write(b"s")
            assert await (await net.server()).receive(1) == b"s"
            client.transport.loseConnection()
            await client.waitLost()
            # The platform's trust store does not know the test CA.
            bad = clientFromString(reactor, f"tls:localhost:{portNumber}")
            client = await connectProtocol(bad, Recorder())
            assert (await client.waitLost()).check(ssl.SSLCertVerificationError)
            # ssl: client with a hostname verifies it.
            sslClient = clientFromString(
                reactor,
                f"ssl:127.0.0.1:{portNumber}:hostname=localhost:"
                f"caCertsDir={quoteStringArgument(str(cas))}",
            )
            client = await connectProtocol(sslClient, Recorder())
            await client.handshook.wait()
            client.transport.loseConnection()
            await client.waitLost()
        finally:
            await port.stopListening()
            for p in net.servers:
                if p.transport is not None and p.transport.connected:
                    p.transport.abortConnection()


def test_reactor_provides_IReactorSSL() -> None:
    """The reactor declares IReactorSSL, as Twisted's TLS-capable reactors do."""
    from twistlike.interfaces import IReactorSSL

    assert IReactorSSL.providedBy(reactor)


def test_listenSSL_with_client_settings_raises_before_binding() -> None:
    """listenSSL with optionsForClientTLS settings fails at once with a TypeError."""
    with pytest.raises(TypeError, match="client settings"):
        reactor.listenSSL(0, Factory(), optionsForClientTLS("x.example"), interface="127.0.0.1")


# ------------------------------------------------------------------------------------------
# TLS through the in-memory pump (twistlike.testing)


def _tlsFromTheStart(pki: PKI, clientOptions: Any) -> tuple[Recorder, Recorder]:
    from twistlike.testing import connectedServerAndClient

    serverOptions = pki.serverOptions(acceptableProtocols=[b"h2", b"http/1.1"])

    def server() -> Recorder:
        p = Recorder(lambda p: p.transport.startTLS(serverOptions))
        p.onData = lambda p, data: p.transport.write(data.upper())
        return p

    def client() -> Recorder:
        def made(p: Recorder) -> None:
            p.transport.startTLS(clientOptions)
            p.transport.write(b"secret")  # sent once the handshake completes

        return Recorder(made)

    c, s, pump = connectedServerAndClient(server, client)
    pump.flush()
    return c, s


def test_iosim_runs_real_tls_in_memory(pki: PKI) -> None:
    """connectedServerAndClient with startTLS on both ends runs a verified TLS session."""
    c, s = _tlsFromTheStart(pki, pki.clientOptions(acceptableProtocols=[b"h2"]))
    assert bytes(c.data) == b"SECRET"
    assert bytes(s.data) == b"secret"
    assert c.events[:2] == ["connectionMade", "handshakeCompleted"]
    assert c.transport.getPeerCertificate() == Certificate.loadPEM(
        pki.server.cert_chain_pems[0].bytes()
    )
    assert c.transport.negotiatedProtocol == b"h2"
    assert s.transport.negotiatedProtocol == b"h2"


def test_iosim_tls_verification_failure(pki: PKI) -> None:
    """A wrong host name ends both in-memory ends: the client with the verification error,
    the server with the alert it received."""
    c, s = _tlsFromTheStart(pki, pki.clientOptions("wrong.example"))
    assert c.reason is not None and c.reason.check(ssl.SSLCertVerificationError)
    assert "wrong.example" in str(c.reason.value)
    assert s.reason is not None and s.reason.check(ssl.SSLError)
    assert c.data == b"" and s.data == b""


def test_iosim_starttls_after_clear_bytes(pki: PKI) -> None:
    """STARTTLS over the pump: bytes before startTLS in clear, after it encrypted."""
    from twistlike.testing import connectedServerAndClient

    serverOptions = pki.serverOptions()
    clientOptions = pki.clientOptions()

    def serverData(p: Recorder, data: bytes) -> None:
        if bytes(p.data) == b"STARTTLS":
            p.transport.write(b"OK")
            p.transport.startTLS(serverOptions)
        else:  # what follows arrives through TLS
            p.transport.write(data.upper())

    def clientData(p: Recorder, data: bytes) -> None:
        if bytes(p.data) == b"OK":
            p.transport.startTLS(clientOptions)
            p.transport.write(b"secret")

    def server() -> Recorder:
        p = Recorder()
        p.onData = serverData
        return p

    def client() -> Recorder:
        p = Recorder(lambda p: p.transport.write(b"STARTTLS"))
        p.onData = clientData
        return p

    c, s, pump = connectedServerAndClient(server, client)
    pump.flush()
    assert bytes(c.data) == b"OKSECRET"
    assert bytes(s.data) == b"STARTTLSsecret"
    assert "handshakeCompleted" in c.events and "handshakeCompleted" in s.events


@implementer(IPullProducer)
class PullProducer:
    """Each resumeProducing() writes the next 64 KiB; at the end it unregisters and closes."""

    def __init__(self, transport: Any, data: bytes) -> None:
        self.transport = transport
        self.data = data
        self.offset = 0
        self.calls = 0

    def resumeProducing(self) -> None:
        self.calls += 1
        chunk = self.data[self.offset : self.offset + (64 << 10)]
        self.offset += len(chunk)
        if chunk:
            self.transport.write(chunk)
            return
        self.transport.unregisterProducer()
        self.transport.loseConnection()

    def stopProducing(self) -> None:
        self.offset = len(self.data)


@pytest.mark.asyncio
async def test_pull_producer_over_tls(pki: PKI) -> None:
    """A pull producer registered during the handshake streams everything, then closes."""
    content = bytes(range(256)) * (12 << 10)  # 3 MiB

    async with network() as net:
        producers: list[PullProducer] = []

        def made(p: Recorder) -> None:
            producer = PullProducer(p.transport, content)
            producers.append(producer)
            p.transport.registerProducer(producer, False)

        net.onServerMade = made
        port = net.listenSSL(pki.serverOptions())
        client = net.connect(port, pki.clientOptions())
        assert await client.receive(len(content)) == content
        assert (await client.waitLost()).type is error.ConnectionDone
        assert producers[0].calls > len(content) // (64 << 10)


@pytest.mark.asyncio
async def test_contextForServerName_picks_the_certificate_by_sni(pki: PKI) -> None:
    """CertificateOptions(contextForServerName=...) serves the certificate for the name the
    client asked for (SNI), so a client verifying that name connects."""
    other = pki.ca.issue_cert("b.example")
    otherCert = PrivateCertificate.loadPEM(other.private_key_and_cert_chain_pem.bytes())
    otherContext = otherCert.options().getContext()
    asked: list[bytes | None] = []

    def choose(name: bytes | None) -> ssl.SSLContext | None:
        asked.append(name)
        return otherContext if name == b"b.example" else None

    async with network() as net:
        port = net.listenSSL(pki.serverOptions(contextForServerName=choose))
        client = net.connect(port, pki.clientOptions("b.example"))
        async with asyncio.timeout(BOUND):
            await client.handshook.wait()
        assert asked == [b"b.example"]
        assert client.transport.getPeerCertificate() == Certificate(otherCert)

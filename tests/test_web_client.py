"""Tests for twistlike.web.client: Agent, the pool, redirects, decoding, proxies, readBody.

- Differential: the same list of requests made by Twisted's Agent and by twistlike's Agent
  (tests/scenarios/agent_client.py.in), against Twisted's server and against twistlike's
  (tests/scenarios/web_site.py.in), each side in its own subprocess on 127.0.0.1 port 0.
  Every combination must see what Twisted's client sees from Twisted's server.
- In-process ``@pytest.mark.asyncio`` tests (default loop and uvloop) for pooling, errors,
  close-delimited bodies, proxies and the https-without-TLS error.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twistlike import error as twerror
from twistlike import failure as twfailure
from twistlike import reactor
from twistlike.endpoints import TCP4ClientEndpoint
from twistlike.protocol import Protocol
from twistlike.web import client, resource, server
from twistlike.web.error import PageRedirect, SchemeNotSupported
from twistlike.web.http_headers import Headers

HERE = Path(__file__).resolve().parent
SITE = HERE / "scenarios" / "web_site.py.in"
AGENT = HERE / "scenarios" / "agent_client.py.in"
BOUND = 10.0


def _serve(flavor: str) -> tuple[subprocess.Popen[bytes], int]:
    proc = subprocess.Popen(
        [sys.executable, str(SITE), flavor],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.strip().isdigit():
        proc.kill()
        _, err = proc.communicate(timeout=BOUND)
        raise AssertionError(f"{flavor} server did not start: {err.decode(errors='replace')}")
    return proc, int(line)


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, int]]:
    started = [_serve("twisted"), _serve("twistlike")]
    try:
        yield {"twisted": started[0][1], "twistlike": started[1][1]}
    finally:
        for proc, _ in started:
            assert proc.stdin is not None
            proc.stdin.close()
            try:
                proc.wait(timeout=BOUND)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=BOUND)
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()


def _fetch(clientFlavor: str, port: int) -> Any:
    out = subprocess.run(
        [sys.executable, str(AGENT), clientFlavor, f"http://127.0.0.1:{port}"],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert out.returncode == 0, out.stderr.decode(errors="replace")
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


@pytest.fixture(scope="module")
def reference(servers: dict[str, int]) -> Any:
    return _fetch("twisted", servers["twisted"])


def test_twisted_agent_sees_the_same_from_twistlike_server(
    servers: dict[str, int], reference: Any
) -> None:
    """Twisted's Agent gets the same answers from twistlike's server as from Twisted's."""
    assert _fetch("twisted", servers["twistlike"]) == reference


def test_twistlike_agent_sees_what_twisted_agent_sees(
    servers: dict[str, int], reference: Any
) -> None:
    """twistlike's Agent (with redirects and gzip) reads Twisted's server as Twisted's does."""
    assert _fetch("twistlike", servers["twisted"]) == reference


def test_twistlike_agent_against_twistlike_server(servers: dict[str, int], reference: Any) -> None:
    """Both sides twistlike: still what Twisted's client sees from Twisted's server."""
    assert _fetch("twistlike", servers["twistlike"]) == reference


# ==========================================================================================
# In-process
# ==========================================================================================


class _Echo(resource.Resource):
    isLeaf = True

    def render_GET(self, request: Any) -> bytes:
        return b"uri=" + bytes(request.uri)

    def render_POST(self, request: Any) -> bytes:
        return b"body=" + bytes(request.content.read())


class _CountingSite(server.Site):
    def __init__(self, root: Any) -> None:
        super().__init__(root)
        self.connections = 0

    def buildProtocol(self, addr: Any) -> Any:
        self.connections += 1
        return super().buildProtocol(addr)


@pytest.mark.asyncio
async def test_persistent_pool_reuses_one_connection() -> None:
    """Sequential requests through a persistent pool share one connection; without it,
    each request has its own."""
    site = _CountingSite(_Echo())
    port = reactor.listenTCP(0, site, interface="127.0.0.1")
    url = b"http://127.0.0.1:%d/" % (port.getHost().port,)
    try:
        async with asyncio.timeout(BOUND):
            pool = client.HTTPConnectionPool(reactor)
            agent = client.Agent(reactor, pool=pool)
            for i in range(3):
                response = await agent.request(b"GET", url + b"%d" % (i,))
                assert await client.readBody(response) == b"uri=/%d" % (i,)
            assert site.connections == 1
            await pool.closeCachedConnections()
            plain = client.Agent(reactor)
            for _ in range(2):
                response = await plain.request(b"GET", url)
                await client.readBody(response)
            assert site.connections == 3
    finally:
        await port.stopListening()


@pytest.mark.asyncio
async def test_post_with_unknown_length_is_chunked() -> None:
    """A body producer of unknown length is sent chunked and arrives whole."""

    class Unsized(BytesIO):
        def seek(self, *a: Any) -> int:
            raise OSError("not seekable")

    port = reactor.listenTCP(0, server.Site(_Echo()), interface="127.0.0.1")
    url = b"http://127.0.0.1:%d/" % (port.getHost().port,)
    try:
        async with asyncio.timeout(BOUND):
            producer = client.FileBodyProducer(Unsized(b"z" * 200000), readSize=7000)
            assert producer.length == "twisted.web.iweb.UNKNOWN_LENGTH"
            response = await client.Agent(reactor).request(b"POST", url, None, producer)
            assert await client.readBody(response) == b"body=" + b"z" * 200000
    finally:
        await port.stopListening()


class _WithoutTLS:
    """A reactor double that provides TCP but not IReactorSSL."""

    def __getattr__(self, name: str) -> Any:
        if name == "connectSSL":
            raise AttributeError(name)
        return getattr(reactor, name)


async def _rawServer(reply: bytes) -> tuple[asyncio.Server, int]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(reply)
        await writer.drain()
        writer.close()

    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    return srv, srv.sockets[0].getsockname()[1]


@pytest.mark.asyncio
async def test_close_delimited_body_is_a_partial_download() -> None:
    """As in Twisted, readBody of a body ended only by the close fails with
    PartialDownloadError carrying the bytes."""
    srv, portNumber = await _rawServer(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it")
    try:
        async with asyncio.timeout(BOUND):
            response = await client.Agent(reactor).request(
                b"GET", b"http://127.0.0.1:%d/" % (portNumber,)
            )
            with pytest.raises(client.PartialDownloadError) as info:
                await client.readBody(response)
            assert info.value.response == b"all of it"
    finally:
        srv.close()
        await srv.wait_closed()


@pytest.mark.asyncio
async def test_response_never_received_and_failed() -> None:
    """A close before any response is ResponseNeverReceived; a truncated body is
    ResponseFailed."""
    srv, portNumber = await _rawServer(b"")
    srv2, portNumber2 = await _rawServer(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort")
    try:
        async with asyncio.timeout(BOUND):
            with pytest.raises(client.ResponseNeverReceived):
                await client.Agent(reactor).request(b"GET", b"http://127.0.0.1:%d/" % (portNumber,))
            response = await client.Agent(reactor).request(
                b"GET", b"http://127.0.0.1:%d/" % (portNumber2,)
            )
            with pytest.raises(client.ResponseFailed):
                await client.readBody(response)
    finally:
        for s in (srv, srv2):
            s.close()
            await s.wait_closed()


@pytest.mark.asyncio
async def test_connection_refused_and_bad_scheme() -> None:
    """Refused connections fail with ConnectionRefusedError; https on a reactor without
    connectSSL and unknown schemes fail with SchemeNotSupported naming the reason."""
    srv, portNumber = await _rawServer(b"")
    srv.close()
    await srv.wait_closed()
    agent = client.Agent(reactor)
    async with asyncio.timeout(BOUND):
        with pytest.raises(twerror.ConnectionRefusedError):
            await agent.request(b"GET", b"http://127.0.0.1:%d/" % (portNumber,))
        plain = _WithoutTLS()
        with pytest.raises(SchemeNotSupported, match="connectSSL"):
            await client.Agent(plain).request(b"GET", b"https://127.0.0.1/")
        with pytest.raises(SchemeNotSupported):
            await agent.request(b"GET", b"ftp://127.0.0.1/")
        with pytest.raises(ValueError):
            await agent.request(b"GET /", b"http://127.0.0.1/")


@pytest.mark.asyncio
async def test_redirect_agent_refuses_post_and_limits_hops() -> None:
    """RedirectAgent does not turn a POST 302 into a GET, and stops after redirectLimit."""

    class Loop(resource.Resource):
        isLeaf = True

        def render_GET(self, request: Any) -> bytes:
            request.redirect(b"/again")
            return b""

        render_POST = render_GET

    port = reactor.listenTCP(0, server.Site(Loop()), interface="127.0.0.1")
    url = b"http://127.0.0.1:%d/" % (port.getHost().port,)
    try:
        async with asyncio.timeout(BOUND):
            agent = client.RedirectAgent(client.Agent(reactor), redirectLimit=3)
            with pytest.raises(client.ResponseFailed) as info:
                await agent.request(b"POST", url)
            assert info.value.reasons[0].check(PageRedirect)
            with pytest.raises(client.ResponseFailed) as info:
                await agent.request(b"GET", url)
            assert type(info.value.reasons[0].value).__name__ == "InfiniteRedirection"
    finally:
        await port.stopListening()


@pytest.mark.asyncio
async def test_proxy_agent_sends_the_absolute_uri() -> None:
    """ProxyAgent connects to the proxy and puts the absolute URI on the request line."""
    port = reactor.listenTCP(0, server.Site(_Echo()), interface="127.0.0.1")
    try:
        async with asyncio.timeout(BOUND):
            endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", port.getHost().port)
            agent = client.ProxyAgent(endpoint, reactor)
            response = await agent.request(b"GET", b"http://example.invalid/path?q=1")
            assert await client.readBody(response) == b"uri=http://example.invalid/path?q=1"
    finally:
        await port.stopListening()


@pytest.mark.asyncio
async def test_headers_are_sent_and_host_added() -> None:
    """Given headers reach the server; Host is added from the URI."""

    class Show(resource.Resource):
        isLeaf = True

        def render_GET(self, request: Any) -> bytes:
            return request.getHeader(b"host") + b"|" + request.getHeader(b"x-custom")  # type: ignore[no-any-return]

    port = reactor.listenTCP(0, server.Site(Show()), interface="127.0.0.1")
    portNumber = port.getHost().port
    try:
        async with asyncio.timeout(BOUND):
            response = await client.Agent(reactor).request(
                b"GET",
                b"http://127.0.0.1:%d/" % (portNumber,),
                Headers({b"X-Custom": [b"yes"]}),
            )
            assert await client.readBody(response) == b"127.0.0.1:%d|yes" % (portNumber,)
    finally:
        await port.stopListening()


@pytest.mark.asyncio
async def test_ipv6_loopback_round_trip() -> None:
    """A Site listening on ::1 answers an Agent request to http://[::1]:port/."""
    try:
        port = reactor.listenTCP(0, server.Site(_Echo()), interface="::1")
    except twerror.CannotListenError:
        pytest.skip("no IPv6 loopback on this machine")
    try:
        async with asyncio.timeout(BOUND):
            response = await client.Agent(reactor).request(
                b"GET", b"http://[::1]:%d/six?x" % (port.getHost().port,)
            )
            assert await client.readBody(response) == b"uri=/six?x"
    finally:
        await port.stopListening()


@pytest.mark.asyncio
async def test_cancelling_a_request_aborts_it() -> None:
    """Cancelling the Deferred of a request the server never answers fails it with
    CancelledError and aborts the connection (the server sees it go)."""
    from twistlike.defer import CancelledError

    rendered: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    gone: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    class Hang(resource.Resource):
        isLeaf = True

        def render_GET(self, request: Any) -> int:
            request.notifyFinish().addBoth(gone.set_result)
            rendered.set_result(None)
            return server.NOT_DONE_YET

    port = reactor.listenTCP(0, server.Site(Hang()), interface="127.0.0.1")
    try:
        async with asyncio.timeout(BOUND):
            d = client.Agent(reactor).request(
                b"GET", b"http://127.0.0.1:%d/" % (port.getHost().port,)
            )
            await rendered
            d.cancel()
            with pytest.raises(CancelledError):
                await d
            assert isinstance(await gone, twfailure.Failure)
    finally:
        await port.stopListening()


class _WatchedSite(server.Site):
    """A Site that resolves a future per connection when the server side sees it end."""

    def __init__(self, root: Any) -> None:
        super().__init__(root)
        self.closed: list[asyncio.Future[None]] = []

    def buildProtocol(self, addr: Any) -> Any:
        channel = super().buildProtocol(addr)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed.append(done)
        lost = channel.connectionLost

        def connectionLost(reason: Any) -> None:
            lost(reason)
            done.set_result(None)

        channel.connectionLost = connectionLost
        return channel


@pytest.mark.asyncio
async def test_pool_limits_and_expires_idle_connections() -> None:
    """maxPersistentPerHost bounds the idle connections kept; cachedConnectionTimeout closes
    an idle one."""
    site = _WatchedSite(_Echo())
    port = reactor.listenTCP(0, site, interface="127.0.0.1")
    url = b"http://127.0.0.1:%d/" % (port.getHost().port,)
    try:
        async with asyncio.timeout(BOUND):
            pool = client.HTTPConnectionPool(reactor)
            pool.maxPersistentPerHost = 1
            pool.cachedConnectionTimeout = 0
            agent = client.Agent(reactor, pool=pool)
            first, second = await asyncio.gather(
                agent.request(b"GET", url + b"a"), agent.request(b"GET", url + b"b")
            )
            assert len(site.closed) == 2
            await client.readBody(first)
            await client.readBody(second)
            # One connection is over the limit and closed at once, the other expires (0 s).
            await asyncio.gather(*site.closed)
    finally:
        await port.stopListening()


_RESPONSE_FRAGMENTS = [
    b"HTTP/1.1 200 OK\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\n",
    b"Content-Length: 3\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"\r\n",
    b"abc",
    b"3\r\nabc\r\n0\r\n\r\n",
    b"zz\r\n",
    b"\x00",
    b"HTTP/1.1 99999 X\r\n",
]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.one_of(st.sampled_from(_RESPONSE_FRAGMENTS), st.binary(max_size=30)), max_size=20)
)
def test_client_survives_arbitrary_responses(chunks: list[bytes]) -> None:
    """Whatever a server sends, the request Deferred ends in a Response or a
    ResponseFailed/ResponseNeverReceived, and a delivered body ends with a reason."""
    from twistlike.testing import StringTransport

    protocol = client.HTTP11ClientProtocol()
    transport = StringTransport()
    protocol.makeConnection(transport)
    request = client.Request(b"GET", b"/", Headers({b"host": [b"x"]}), None, True)
    outcome: list[Any] = []
    ends: list[Any] = []
    protocol.request(request).addBoth(outcome.append)
    for chunk in chunks:
        protocol.dataReceived(chunk)
    protocol.connectionLost(twfailure.Failure(twerror.ConnectionDone()))
    assert len(outcome) == 1
    result = outcome[0]
    if isinstance(result, twfailure.Failure):
        assert result.check(client.ResponseFailed, client.ResponseNeverReceived)
        return

    class Collect(Protocol):
        def connectionLost(self, reason: Any = None) -> None:
            ends.append(reason)

    result.deliverBody(Collect())
    assert len(ends) == 1


def test_https_policy_verifies_the_host_name() -> None:
    """BrowserLikePolicyForHTTPS builds twistlike.ssl settings that check the host name."""
    import ssl

    options = client.BrowserLikePolicyForHTTPS().creatorForNetloc(b"example.com", 443)
    context = options.getContext()
    assert context.check_hostname
    assert context.verify_mode == ssl.CERT_REQUIRED


@pytest.mark.asyncio
async def test_https_request_verifies_the_server_and_reads_the_body() -> None:
    """An https request goes over TLS, verified against the given trust root, and a server
    whose certificate that root does not vouch for fails the request."""
    import trustme

    from twistlike.ssl import Certificate, CertificateOptions, PrivateCertificate

    ca = trustme.CA()
    issued = PrivateCertificate.loadPEM(
        ca.issue_cert("localhost").private_key_and_cert_chain_pem.bytes()
    )
    options = CertificateOptions(privateKey=issued.privateKey, certificate=issued)
    port = reactor.listenSSL(0, server.Site(_Echo()), options, interface="127.0.0.1")
    url = b"https://localhost:%d/secure" % (port.getHost().port,)
    trusted = client.BrowserLikePolicyForHTTPS(Certificate.loadPEM(ca.cert_pem.bytes()))
    stranger = client.BrowserLikePolicyForHTTPS(Certificate.loadPEM(trustme.CA().cert_pem.bytes()))
    try:
        async with asyncio.timeout(BOUND):
            response = await client.Agent(reactor, trusted).request(b"GET", url)
            body = await client.readBody(response)
            assert response.code == 200
            assert b"/secure" in body
            with pytest.raises(client.ResponseNeverReceived):
                await client.Agent(reactor, stranger).request(b"GET", url)
    finally:
        await port.stopListening()

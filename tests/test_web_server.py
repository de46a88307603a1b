"""Tests for twistlike.web's server side: Headers, resources, the h11 channel, Site.

Most tests drive an HTTPChannel over a StringTransport with a task.Clock as the site's
reactor (no loop, no sockets); hostile input must get a clear 4xx and a closed connection.
A few ``@pytest.mark.asyncio`` tests serve on 127.0.0.1 port 0 (default loop and uvloop).
"""

from __future__ import annotations

import asyncio
import io
from typing import Any

import h11
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twistlike import reactor
from twistlike.defer import Deferred
from twistlike.error import ConnectionDone
from twistlike.failure import Failure
from twistlike.task import Clock
from twistlike.testing import StringTransport
from twistlike.web import http, resource, server
from twistlike.web.error import UnsupportedMethod
from twistlike.web.http_headers import Headers, InvalidHeaderName

BOUND = 10.0


# ==========================================================================================
# Headers
# ==========================================================================================


def test_headers_are_case_insensitive_and_canonical() -> None:
    """Names match case-insensitively and come back in canonical Http-Header-Case."""
    h = Headers({b"x-foo": [b"1"]})
    h.addRawHeader(b"X-FOO", b"2")
    h.setRawHeaders("etag", ["abc"])
    assert h.getRawHeaders(b"X-Foo") == [b"1", b"2"]
    assert h.getRawHeaders("x-foo") == ["1", "2"]
    assert sorted(h.getAllRawHeaders()) == [(b"ETag", [b"abc"]), (b"X-Foo", [b"1", b"2"])]
    assert h.hasHeader("X-foo")
    h.removeHeader(b"x-foo")
    assert h.getRawHeaders(b"x-foo", b"default") == b"default"


def test_headers_sanitise_line_breaks_and_reject_bad_names() -> None:
    """A value cannot smuggle a header line, and a name must be an HTTP token."""
    h = Headers()
    h.setRawHeaders(b"x", [b"a\r\nInjected: yes", "b\nc"])
    assert h.getRawHeaders(b"x") == [b"a Injected: yes", b"b c"]
    for bad in (b"with space", b"nul\x00", "é", b""):
        with pytest.raises(InvalidHeaderName):
            h.setRawHeaders(bad, [b"v"])


def test_headers_match_twisted() -> None:
    """The same operations give the same results on Twisted's Headers."""
    from twisted.web.http_headers import Headers as THeaders

    def script(cls: Any) -> Any:
        h = cls({b"content-type": [b"text/html"], "x-a": ["1"]})
        h.addRawHeader("X-A", "2")
        h.setRawHeaders(b"www-authenticate", [b"Basic"])
        h.addRawHeader(b"x-b", b"a\nb")
        copy = h.copy()
        copy.removeHeader(b"x-a")
        return (
            sorted((k, list(v)) for k, v in h.getAllRawHeaders()),
            h.getRawHeaders("X-A"),
            copy.hasHeader(b"x-a"),
            h == copy,
        )

    assert script(Headers) == script(THeaders)


# ==========================================================================================
# Resources
# ==========================================================================================


class _Leaf(resource.Resource):
    isLeaf = True

    def render_GET(self, request: Any) -> bytes:
        return b"leaf:" + b"/".join(request.postpath)


def test_resource_dispatch_and_allowed_methods() -> None:
    """render() dispatches on the method and raises UnsupportedMethod listing the others."""
    leaf = _Leaf()

    class Req:
        method = b"PUT"

    with pytest.raises(UnsupportedMethod) as info:
        leaf.render(Req())
    assert sorted(info.value.allowedMethods) == [b"GET", b"HEAD"]


def test_get_child_for_request_walks_the_path() -> None:
    """getChildForRequest moves segments from postpath to prepath until a leaf."""
    root = resource.Resource()
    mid = resource.Resource()
    leaf = _Leaf()
    root.putChild(b"a", mid)
    mid.putChild(b"b", leaf)

    class Req:
        prepath: list[bytes] = []
        postpath = [b"a", b"b", b"c", b"d"]

    req = Req()
    req.prepath = []
    assert resource.getChildForRequest(root, req) is leaf
    assert req.prepath == [b"a", b"b"]
    assert req.postpath == [b"c", b"d"]
    with pytest.raises(TypeError):
        root.putChild("str", leaf)  # type: ignore[arg-type]


# ==========================================================================================
# The channel, over a StringTransport
# ==========================================================================================


class _Rig:
    """A Site on a task.Clock with one channel connected to a StringTransport."""

    def __init__(self, root: Any, **kw: Any) -> None:
        self.clock = Clock()
        self.site = server.Site(root, reactor=self.clock, **kw)
        self.transport = StringTransport()
        self.channel = self.site.buildProtocol(None)
        self.channel.makeConnection(self.transport)

    def send(self, data: bytes) -> None:
        self.channel.dataReceived(data)

    def responses(self, method: bytes = b"GET") -> list[tuple[int, dict[bytes, bytes], bytes]]:
        conn = h11.Connection(h11.CLIENT)
        conn.receive_data(self.transport.value())
        if self.transport.disconnecting:
            conn.receive_data(b"")
        out: list[tuple[int, dict[bytes, bytes], bytes]] = []
        while True:
            conn.send(h11.Request(method=method, target=b"/", headers=[(b"host", b"x")]))
            conn.send(h11.EndOfMessage())
            code, headers, body = 0, {}, b""
            while True:
                event = conn.next_event()
                if isinstance(event, h11.Response):
                    code, headers = event.status_code, dict(event.headers)
                elif isinstance(event, h11.Data):
                    body += event.data
                elif isinstance(event, h11.EndOfMessage):
                    break
                else:
                    return out
            out.append((code, headers, body))
            if conn.our_state is h11.MUST_CLOSE or conn.their_state is not h11.DONE:
                return out
            conn.start_next_cycle()


def _request(path: bytes = b"/", extra: bytes = b"", method: bytes = b"GET") -> bytes:
    return method + b" " + path + b" HTTP/1.1\r\nHost: example.com\r\n" + extra + b"\r\n"


def test_keep_alive_serves_several_requests() -> None:
    """Requests on one persistent connection are answered in order; the connection stays."""
    rig = _Rig(_Leaf())
    rig.send(_request(b"/x") + _request(b"/y/z"))
    assert [r[2] for r in rig.responses()] == [b"leaf:x", b"leaf:y/z"]
    assert not rig.transport.disconnecting


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=60), max_size=12))
def test_chunk_invariance(splits: list[int]) -> None:
    """The same bytes fed in any chunking give the same responses."""
    raw = (
        _request(b"/a")
        + b"POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n"
        + _request(b"/c", b"Connection: close\r\n")
    )

    class Echo(resource.Resource):
        isLeaf = True

        def render_GET(self, request: Any) -> bytes:
            return bytes(request.path)

        def render_POST(self, request: Any) -> bytes:
            return bytes(request.content.read())

    rig = _Rig(Echo())
    pos = 0
    for size in splits:
        rig.send(raw[pos : pos + size])
        pos += size
    rig.send(raw[pos:])
    assert [r[2] for r in rig.responses()] == [b"/a", b"body", b"/c"]


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n"
            b"\r\n0\r\n\r\n",
            400,
            id="smuggling-cl-te",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcd",
            400,
            id="conflicting-content-lengths",
        ),
        pytest.param(
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nab\r\n",
            400,
            id="bad-chunk-size",
        ),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: x\r\nX\xc3\xa9: 1\r\n\r\n", 400, id="non-ascii-name"
        ),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: x\r\nNo Colon Here\r\n\r\n", 400, id="bad-header-line"
        ),
        pytest.param(b"GARBAGE\r\n\r\n", 400, id="bad-request-line"),
        pytest.param(
            b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            414,
            id="oversized-request-line",
        ),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"v" * 17000 + b"\r\n\r\n",
            431,
            id="oversized-header",
        ),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: x\r\n"
            + b"".join(b"X-%d: v\r\n" % i for i in range(600))
            + b"\r\n",
            431,
            id="too-many-headers",
        ),
    ],
)
def test_hostile_input_gets_a_4xx_and_close(raw: bytes, status: int) -> None:
    """Malformed, ambiguous or oversized requests get a 4xx naming the problem; the
    application never sees them, and the connection closes."""
    seen: list[bytes] = []

    class Spy(resource.Resource):
        isLeaf = True

        def render(self, request: Any) -> bytes:
            seen.append(request.uri)
            return b"served"

    rig = _Rig(Spy())
    rig.send(raw)
    value = rig.transport.value()
    assert value.startswith(b"HTTP/1.1 %d " % (status,)), value[:200]
    assert b"\r\nConnection: close\r\n" in value
    assert rig.transport.disconnecting
    assert seen == []
    # Nothing more is read or answered on a rejected connection.
    rig.send(_request())
    assert rig.transport.value() == value


def test_header_name_limits_are_configurable() -> None:
    """max_headers and max_header_bytes change the limits (Twisted's defaults otherwise)."""
    rig = _Rig(_Leaf(), max_headers=3)
    rig.send(_request(b"/", b"A: 1\r\nB: 2\r\nC: 3\r\n"))
    assert rig.transport.value().startswith(b"HTTP/1.1 431 ")
    rig = _Rig(_Leaf(), max_header_bytes=100000)
    rig.send(_request(b"/x", b"X-Big: " + b"v" * 17000 + b"\r\n"))
    assert rig.responses()[0][2] == b"leaf:x"


def test_body_over_the_maximum_is_refused() -> None:
    """A declared or streamed body over max_body_size gets 413 before the app sees it."""
    rig = _Rig(_Leaf(), max_body_size=10)
    rig.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n")
    assert rig.transport.value().startswith(b"HTTP/1.1 413 ")
    rig = _Rig(_Leaf(), max_body_size=10)
    rig.send(b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
    for _ in range(3):
        rig.send(b"5\r\n12345\r\n")
    assert rig.transport.value().startswith(b"HTTP/1.1 413 ")
    assert rig.transport.disconnecting


def test_large_body_is_spooled_to_a_file() -> None:
    """A body past 100 kB is not held in a BytesIO; the resource reads it all the same."""
    sizes: list[tuple[bool, int]] = []

    class Sink(resource.Resource):
        isLeaf = True

        def render_POST(self, request: Any) -> bytes:
            sizes.append((isinstance(request.content, io.BytesIO), len(request.content.read())))
            return b"ok"

    rig = _Rig(Sink())
    rig.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n" + b"x" * 200000)
    rig.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nsmall")
    assert sizes == [(False, 200000), (True, 5)]


def test_header_timeout_answers_408() -> None:
    """A client that starts a request but does not finish its headers gets 408 and a close."""
    rig = _Rig(_Leaf(), header_timeout=5.0)
    rig.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
    rig.clock.advance(4.9)
    assert rig.transport.value() == b""
    rig.clock.advance(0.2)
    assert rig.transport.value().startswith(b"HTTP/1.1 408 ")
    assert rig.transport.disconnecting


def test_header_timeout_covers_a_partial_pipelined_request() -> None:
    """Part of a next request arriving with a whole one starts that request's header clock."""
    rig = _Rig(_Leaf(), header_timeout=5.0)
    rig.send(_request(b"/whole") + b"GET /part HTTP/1.1\r\nHost")
    assert [r[2] for r in rig.responses()] == [b"leaf:whole"]
    rig.clock.advance(5.1)
    assert rig.transport.value().count(b"HTTP/1.1 408 ") == 1
    assert rig.transport.disconnecting


def test_escaped_path_segments_are_unquoted_in_postpath() -> None:
    """Percent escapes are decoded per segment; an escaped slash stays inside its segment."""
    rig = _Rig(_Leaf())
    rig.send(_request(b"/x%41/a%2Fb/plain"))
    assert [r[2] for r in rig.responses()] == [b"leaf:xA/a/b/plain"]


def test_set_header_override_sees_the_server_headers() -> None:
    """A Request subclass overriding setHeader hears Server, Date and Content-Length, as in
    Twisted (the server's shortcut for these headers applies only without an override)."""
    seen: list[bytes] = []

    class Spy(server.Request):
        def setHeader(self, name: bytes | str, value: bytes | str) -> None:
            seen.append(name.lower() if isinstance(name, bytes) else name.encode().lower())
            server.Request.setHeader(self, name, value)

    rig = _Rig(_Leaf())
    rig.site.requestFactory = Spy
    rig.channel.requestFactory = Spy
    rig.send(_request(b"/a"))
    assert seen == [b"server", b"date", b"content-length"]
    assert [r[2] for r in rig.responses()] == [b"leaf:a"]


def test_idle_timeout_closes_then_aborts() -> None:
    """An idle persistent connection is closed after timeOut, aborted abortTimeout later."""
    rig = _Rig(_Leaf(), timeout=30, header_timeout=None)
    rig.send(_request(b"/x"))
    assert rig.responses()[0][2] == b"leaf:x"
    rig.clock.advance(29)
    assert not rig.transport.disconnecting
    rig.clock.advance(2)
    assert rig.transport.disconnecting
    assert not rig.transport.disconnected
    rig.clock.advance(15)
    assert rig.transport.disconnected


def test_read_ahead_is_bounded_while_a_response_is_pending() -> None:
    """Pipelined data past the read-ahead limit pauses reading instead of growing memory."""
    pending: list[Any] = []

    class Slow(resource.Resource):
        isLeaf = True

        def render_GET(self, request: Any) -> int:
            pending.append(request)
            return server.NOT_DONE_YET

    rig = _Rig(Slow())
    rig.send(_request(b"/first"))
    for _ in range(20):
        rig.send(_request(b"/next", b"X-Pad: " + b"p" * 8000 + b"\r\n"))
    assert rig.transport.producerState == "paused"
    # Each finished response lets the next buffered request start; reading resumes once
    # what is buffered fits the read-ahead again.
    done = 0
    while done < len(pending):
        pending[done].write(b"done")
        pending[done].finish()
        done += 1
    assert done == 21
    assert rig.transport.producerState == "producing"


def test_notify_finish_fails_when_the_client_goes_away() -> None:
    """notifyFinish errbacks with the connectionLost reason when the client leaves first."""
    requests: list[Any] = []

    class Slow(resource.Resource):
        isLeaf = True

        def render_GET(self, request: Any) -> int:
            requests.append(request)
            return server.NOT_DONE_YET

    rig = _Rig(Slow())
    rig.send(_request())
    results: list[Any] = []
    requests[0].notifyFinish().addBoth(results.append)
    rig.channel.connectionLost(Failure(ConnectionDone()))
    assert isinstance(results[0], Failure) and results[0].check(ConnectionDone)
    requests[0].write(b"ignored")  # writing after the client left is silently dropped
    with pytest.raises(RuntimeError):
        requests[0].finish()


def test_notify_finish_fires_on_finish() -> None:
    """notifyFinish fires with None once the response is finished."""
    requests: list[Any] = []

    class Slow(resource.Resource):
        isLeaf = True

        def render_GET(self, request: Any) -> int:
            requests.append(request)
            return server.NOT_DONE_YET

    rig = _Rig(Slow())
    rig.send(_request())
    results: list[Any] = []
    requests[0].notifyFinish().addBoth(results.append)
    requests[0].write(b"streamed ")
    requests[0].write(b"body")
    assert results == []
    requests[0].finish()
    assert results == [None]
    code, headers, body = rig.responses()[0]
    assert (code, headers[b"transfer-encoding"], body) == (200, b"chunked", b"streamed body")


@pytest.mark.twistlike_allow_unhandled_errors
def test_async_def_and_deferred_render_methods() -> None:
    """twistlike: render methods may be async def or return a Deferred."""
    later: Deferred[bytes] = Deferred()

    class Modern(resource.Resource):
        isLeaf = True

        async def render_GET(self, request: Any) -> bytes:
            value = await later
            request.setResponseCode(201)
            return b"async " + value

        def render_POST(self, request: Any) -> Deferred[bytes]:
            return Deferred.fromCoroutine(self._fail())

        async def _fail(self) -> bytes:
            raise ValueError("render failed")

    rig = _Rig(Modern())
    rig.send(_request(b"/a"))
    assert rig.transport.value() == b""
    later.callback(b"value")
    rig.send(_request(b"/b", b"Content-Length: 0\r\n", method=b"POST"))
    responses = rig.responses()
    assert responses[0][:1] == (201,) and responses[0][2] == b"async value"
    assert responses[1][0] == 500
    assert b"Processing Failed" in responses[1][2]


@pytest.mark.twistlike_allow_unhandled_errors
def test_display_tracebacks_is_off_by_default() -> None:
    """A failing render shows no traceback unless site.displayTracebacks is set."""

    class Boom(resource.Resource):
        isLeaf = True

        def render_GET(self, request: Any) -> bytes:
            raise ValueError("secret detail")

    rig = _Rig(Boom())
    rig.send(_request())
    assert b"secret detail" not in rig.transport.value()
    rig = _Rig(Boom())
    rig.site.displayTracebacks = True
    rig.send(_request())
    assert b"secret detail" in rig.transport.value()


def test_sessions_expire_on_the_reactor_clock() -> None:
    """getSession makes a session cookie; the session expires sessionTimeout after last use."""
    uids: list[bytes] = []

    class S(resource.Resource):
        isLeaf = True

        def render_GET(self, request: Any) -> bytes:
            session = request.getSession()
            session.touch()  # as in Twisted, a use found by cookie does not touch by itself
            uids.append(session.uid)
            return session.uid  # type: ignore[no-any-return]

    rig = _Rig(S())
    rig.send(_request(b"/"))
    cookie = rig.responses()[0][1][b"set-cookie"]
    assert cookie.startswith(b"TWISTED_SESSION=" + uids[0] + b"; Path=/")
    expired: list[bool] = []
    rig.site.sessions[uids[0]].notifyOnExpire(lambda: expired.append(True))
    rig.clock.advance(800)
    rig.send(_request(b"/", b"Cookie: TWISTED_SESSION=" + uids[0] + b"\r\n"))
    assert uids[1] == uids[0]
    rig.clock.advance(800)
    assert expired == []
    rig.clock.advance(200)
    assert expired == [True]
    assert uids[0] not in rig.site.sessions


def test_access_log_in_combined_format() -> None:
    """A finished request writes one combined-format line to the site's log file."""
    rig = _Rig(_Leaf(), header_timeout=None, timeout=None)
    log = io.StringIO()
    rig.site.logFile = log
    rig.clock.advance(1_000_000_000)
    rig.send(_request(b"/x", b"User-Agent: probe\r\nReferer: http://r/\r\n"))
    assert log.getvalue() == (
        '"192.168.1.1" - - [09/Sep/2001:01:46:40 +0000] "GET /x HTTP/1.1" 200 6 '
        '"http://r/" "probe"\n'
    )


def test_dates_round_trip_like_twisted() -> None:
    """datetimeToString and stringToDatetime agree with Twisted on all three date formats."""
    from twisted.web import http as thttp

    theirs: Any = thttp

    for when in (0, 784111777, 1_700_000_000):
        assert http.datetimeToString(when) == theirs.datetimeToString(when)
    for text in (
        b"Sun, 06 Nov 1994 08:49:37 GMT",
        b"Sunday, 06-Nov-94 08:49:37 GMT",
        b"Sun Nov  6 08:49:37 1994",
    ):
        assert http.stringToDatetime(text) == theirs.stringToDatetime(text)


# ==========================================================================================
# Over real sockets (asyncio and uvloop)
# ==========================================================================================


@pytest.mark.asyncio
async def test_streaming_producer_gets_backpressure() -> None:
    """A push producer registered on a request is paused when the client stops reading."""
    events: list[str] = []
    finished: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    class Producer:
        def __init__(self, request: Any) -> None:
            self.request = request
            self.sent = 0
            self.paused = False

        def pauseProducing(self) -> None:
            events.append("pause")
            self.paused = True

        def resumeProducing(self) -> None:
            events.append("resume")
            self.paused = False
            self.pump()

        def stopProducing(self) -> None:
            events.append("stop")

        def pump(self) -> None:
            while not self.paused and self.sent < 64:
                self.sent += 1
                self.request.write(b"x" * 65536)
            if self.sent >= 64 and not finished.done():
                self.request.unregisterProducer()
                self.request.finish()
                finished.set_result(None)

    class Big(resource.Resource):
        isLeaf = True

        def render_GET(self, request: Any) -> int:
            producer = Producer(request)
            request.registerProducer(producer, True)
            producer.pump()
            return server.NOT_DONE_YET

    port = reactor.listenTCP(0, server.Site(Big()), interface="127.0.0.1")
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port.getHost().port)
        writer.write(_request(b"/", b"Connection: close\r\n"))
        async with asyncio.timeout(BOUND):
            while "pause" not in events:
                await asyncio.sleep(0)  # a loop turn, not a timing wait: the server writes
            data = await reader.read()
        assert events[0] == "pause" and "resume" in events
        assert data.split(b"\r\n\r\n", 1)[1].count(b"x") == 64 * 65536
        await finished
        writer.close()
        await writer.wait_closed()
    finally:
        await port.stopListening()


@pytest.mark.asyncio
async def test_client_disconnect_reaches_notify_finish() -> None:
    """Over a real socket, a client that closes fails notifyFinish with ConnectionDone."""
    outcome: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    rendered: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    class Hang(resource.Resource):
        isLeaf = True

        def render_GET(self, request: Any) -> int:
            request.notifyFinish().addBoth(outcome.set_result)
            rendered.set_result(None)
            return server.NOT_DONE_YET

    port = reactor.listenTCP(0, server.Site(Hang()), interface="127.0.0.1")
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port.getHost().port)
        writer.write(_request())
        async with asyncio.timeout(BOUND):
            await rendered
            writer.close()
            await writer.wait_closed()
            result = await outcome
        assert isinstance(result, Failure)
        assert result.check(ConnectionDone)
    finally:
        await port.stopListening()


def test_expect_100_continue_gets_an_interim_response() -> None:
    """A client that sends Expect: 100-continue gets 100 Continue before the final answer."""

    class Sink(resource.Resource):
        isLeaf = True

        def render_POST(self, request: Any) -> bytes:
            return b"got " + bytes(request.content.read())

    rig = _Rig(Sink())
    rig.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
    assert rig.transport.value() == b"HTTP/1.1 100 Continue\r\n\r\n"
    rig.send(b"body")
    assert rig.transport.value().endswith(b"got body")


def test_write_refuses_str_and_channel_takes_a_clock() -> None:
    """request.write(str) raises TypeError; channel.callLater = clock.callLater uses that
    clock for the timeouts, as Twisted's tests do."""
    requests: list[Any] = []

    class Keep(resource.Resource):
        isLeaf = True

        def render_GET(self, request: Any) -> int:
            requests.append(request)
            return server.NOT_DONE_YET

    rig = _Rig(Keep())
    rig.send(_request())
    with pytest.raises(TypeError):
        requests[0].write("text")
    other = Clock()
    channel = rig.site.buildProtocol(None)
    channel.callLater = other.callLater
    transport = StringTransport()
    channel.makeConnection(transport)
    channel.dataReceived(b"GET / HTTP/1.1\r\n")
    other.advance(61)
    assert transport.value().startswith(b"HTTP/1.1 408 ")


@pytest.mark.asyncio
async def test_access_log_file_opened_by_listening(tmp_path: Any) -> None:
    """Site(logPath=...) opens its log when a port starts using it and writes one line per
    request; stopping the port closes it."""
    path = tmp_path / "access.log"
    site = server.Site(_Leaf(), logPath=str(path))
    port = reactor.listenTCP(0, site, interface="127.0.0.1")
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port.getHost().port)
        writer.write(_request(b"/logged", b"User-Agent: t\r\nConnection: close\r\n"))
        async with asyncio.timeout(BOUND):
            assert (await reader.read()).endswith(b"leaf:logged")
        writer.close()
        await writer.wait_closed()
    finally:
        await port.stopListening()
    line = path.read_text()
    assert line.startswith('"127.0.0.1" - - [')
    assert line.endswith('] "GET /logged HTTP/1.1" 200 11 "-" "t"\n')


@pytest.mark.twistlike_allow_unhandled_errors
def test_failure_after_the_response_started_aborts() -> None:
    """A render that fails after writing part of the body aborts the connection (no error
    page spliced into the body) and the failure is logged."""
    later: Deferred[bytes] = Deferred()

    class Partial(resource.Resource):
        isLeaf = True

        def render_GET(self, request: Any) -> Deferred[bytes]:
            request.write(b"partial ")
            return later

    rig = _Rig(Partial())
    rig.send(_request())
    assert rig.transport.value().endswith(b"partial \r\n")
    later.errback(ValueError("late failure"))
    assert rig.transport.disconnected
    assert b"Processing Failed" not in rig.transport.value()


_FRAGMENTS = [
    b"GET / HTTP/1.1\r\n",
    b"POST /p HTTP/1.1\r\n",
    b"Host: x\r\n",
    b"Content-Length: 5\r\n",
    b"Content-Length: -1\r\n",
    b"Transfer-Encoding: chunked\r\n",
    b"Expect: 100-continue\r\n",
    b"Connection: close\r\n",
    b"\r\n",
    b"5\r\nhello\r\n",
    b"0\r\n\r\n",
    b"zz\r\n",
    b"\x00\xff",
    b" ",
    b":",
    b"HTTP/9.9",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.binary(max_size=40)), max_size=30))
def test_arbitrary_input_never_escapes_the_channel(chunks: list[bytes]) -> None:
    """Any byte sequence gets well-formed HTTP/1.1 responses or a 4xx and a close; no
    exception leaves dataReceived and nothing is answered after a close."""

    class Echo(resource.Resource):
        isLeaf = True

        def render(self, request: Any) -> bytes:
            return bytes(request.content.read())

    rig = _Rig(Echo())
    for chunk in chunks:
        rig.send(chunk)
    value = rig.transport.value()
    if value:
        assert value.startswith(b"HTTP/1.1 ")
    for status in (b"400", b"408", b"413", b"414", b"431"):
        if b"HTTP/1.1 " + status + b" " in value:
            assert rig.transport.disconnecting


def test_session_components_and_unknown_cookie() -> None:
    """getSession(interface) returns the component stored for it; a cookie naming no
    session gets a new session (and a new cookie)."""
    from zope.interface import Interface  # type: ignore[import-untyped, unused-ignore]

    class ICart(Interface):  # type: ignore[misc]
        """A test component interface."""

    seen: list[Any] = []

    class S(resource.Resource):
        isLeaf = True

        def render_GET(self, request: Any) -> bytes:
            session = request.getSession()
            if session.getComponent(ICart) is None:
                session.setComponent(ICart, ["item"])
            seen.append((session.uid, request.getSession(ICart)))
            return b"ok"

    rig = _Rig(S())
    rig.send(_request(b"/", b"Cookie: TWISTED_SESSION=unknown\r\n"))
    uid, cart = seen[0]
    assert uid != b"unknown" and cart == ["item"]
    assert rig.responses()[0][1][b"set-cookie"].startswith(b"TWISTED_SESSION=" + uid)
    rig.send(_request(b"/", b"Cookie: TWISTED_SESSION=" + uid + b"\r\n"))
    assert seen[1] == (uid, ["item"])
    assert rig.site.getSession(uid).removeComponent(cart) == [ICart]

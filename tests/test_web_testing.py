"""twistlike.web.testing's request doubles behave as twisted.web.test.requesthelper's.

Each scenario runs on Twisted's doubles and resources and on twistlike's, and what the
doubles recorded is compared.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest

from twistlike.web import resource, server, testing, util
from twistlike.web.http_headers import Headers

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from twisted.web import resource as tresource
    from twisted.web import server as tserver
    from twisted.web import util as tutil
    from twisted.web.test import requesthelper as thelper


def _resources(resourceModule: Any, utilModule: Any) -> dict[str, Any]:
    class Hello(resourceModule.Resource):  # type: ignore[misc]
        isLeaf = True

        def render_GET(self, request: Any) -> bytes:
            request.setHeader(b"x-hello", b"yes")
            request.setResponseCode(201)
            return b"hello " + b"/".join(request.postpath)

    return {"hello": Hello(), "redirect": utilModule.Redirect(b"/elsewhere")}


@pytest.mark.parametrize("name", ["hello", "redirect"])
def test_dummy_request_records_like_twisted(name: str) -> None:
    """DummyRequest.render records the same writes, code, headers and finish count."""

    def run(helper: Any, resources: dict[str, Any]) -> Any:
        request = helper.DummyRequest([b"a", b"b"])
        finished: list[Any] = []
        request.notifyFinish().addBoth(finished.append)
        request.render(resources[name])
        return (
            request.written,
            request.responseCode,
            sorted(request.responseHeaders.getAllRawHeaders()),
            request.finished,
            finished,
        )

    ours = run(testing, _resources(resource, util))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        theirs = run(thelper, _resources(tresource, tutil))
    assert ours == theirs


def test_dummy_request_helpers_like_twisted() -> None:
    """Header, argument, host and address helpers answer as Twisted's double does."""

    def run(helper: Any) -> Any:
        request = helper.DummyRequest([])
        request.requestHeaders.addRawHeader(b"X-A", b"1")
        request.addArg(b"k", b"v")
        request.redirect(b"/there")
        return (
            request.getHeader(b"x-a"),
            request.getAllHeaders(),
            request.args,
            request.getRequestHostname(),
            type(request.getClientAddress()).__name__,
            request.responseCode,
            request.responseHeaders.getRawHeaders(b"location"),
        )

    assert run(testing) == run(thelper)
    # Twisted's double lacks isSecure (its setHost calls it and fails); ours has it.
    ours = testing.DummyRequest([])
    ours.setHost(b"example.com", 443, ssl=1)
    assert ours.isSecure() and ours.getHeader(b"host") == b"example.com"


def test_server_request_on_dummy_channel_writes_the_wire_format() -> None:
    """A server.Request over DummyChannel writes the bytes Twisted's does (chunks too)."""

    def run(serverModule: Any, helper: Any) -> bytes:
        channel = helper.DummyChannel()
        request = serverModule.Request(channel)
        request.method = b"GET"
        request.clientproto = b"HTTP/1.1"
        request.setHeader(b"content-type", b"text/plain")
        request.write(b"first")
        request.write(b"second")
        request.finish()
        raw: bytes = channel.transport.written.getvalue()
        return raw

    ours = run(server, testing)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        theirs = run(tserver, thelper)
    assert ours == theirs
    assert b"5\r\nfirst\r\n6\r\nsecond\r\n0\r\n\r\n" in ours


def test_dummy_channel_is_secure_with_ssl_transport() -> None:
    """DummyChannel with its SSL transport double is secure, as in Twisted."""
    channel = testing.DummyChannel()
    assert not channel.isSecure()
    channel.transport = testing.DummyChannel.SSL()
    assert channel.isSecure()
    request = server.Request(channel)
    assert request.isSecure()
    assert re.match(r"<Request at 0x[0-9a-f]+ method=", repr(request))
    assert isinstance(request.requestHeaders, Headers)

"""Differential tests: the same resource tree served by Twisted's twisted.web and by
twistlike.web (tests/scenarios/web_site.py.in), the same raw requests sent to both, and the
answers (status, reason, the headers that are not version or time stamps, body) compared.

Each server runs in its own subprocess on 127.0.0.1 port 0; every socket operation has a
timeout and each subprocess is stopped (stdin closed, then waited for, bounded).
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import h11
import pytest

SCENARIO = Path(__file__).resolve().parent / "scenarios" / "web_site.py.in"
BOUND = 10.0

#: Headers that legitimately differ (product name, time).
_IGNORED = {b"server", b"date"}


def _serve(flavor: str) -> tuple[subprocess.Popen[bytes], int]:
    proc = subprocess.Popen(
        [sys.executable, str(SCENARIO), flavor],
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
    started = [_serve("twisted"), _serve("twistlike"), _serve("twistlike-uvloop")]
    try:
        yield {
            "twisted": started[0][1],
            "twistlike": started[1][1],
            "twistlike-uvloop": started[2][1],
        }
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


def _exchange(port: int, raw: bytes, method: bytes = b"GET", count: int = 1) -> list[Any]:
    """Send ``raw``, read until the server closes, parse ``count`` responses with h11."""
    with socket.create_connection(("127.0.0.1", port), timeout=BOUND) as sock:
        sock.sendall(raw)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    conn = h11.Connection(h11.CLIENT)
    # h11 needs to know what it asked for (HEAD responses have no body).
    responses: list[Any] = []
    conn.receive_data(data)
    conn.receive_data(b"")
    for _ in range(count):
        conn.send(h11.Request(method=method, target=b"/", headers=[(b"host", b"x")]))
        conn.send(h11.EndOfMessage())
        status: Any = None
        body = b""
        while True:
            event = conn.next_event()
            if isinstance(event, h11.Response):
                headers = sorted(
                    (k, v)
                    for k, v in event.headers
                    if k not in _IGNORED and k not in (b"connection", b"transfer-encoding")
                )
                status = (event.status_code, event.reason, headers)
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                break
            elif event is h11.NEED_DATA or isinstance(event, h11.ConnectionClosed):
                raise AssertionError(f"incomplete response in {data!r}")
        responses.append((status, body))
        if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
            break
        conn.start_next_cycle()
    return responses


def _get(path: bytes, extra: bytes = b"", method: bytes = b"GET") -> bytes:
    return (
        method
        + b" "
        + path
        + b" HTTP/1.1\r\nHost: localhost\r\n"
        + extra
        + b"Connection: close\r\n\r\n"
    )


def _normalise(responses: list[Any], port: int) -> list[Any]:
    out = []
    for (code, reason, headers), body in responses:
        headers = [
            (k, re.sub(rb"TWISTED_SESSION=[0-9a-f]+", b"TWISTED_SESSION=ID", v)) for k, v in headers
        ]
        out.append(((code, reason, headers), body.replace(b":%d" % (port,), b":PORT")))
    return out


CASES: dict[str, tuple[bytes, bytes]] = {
    "get-echo": (_get(b"/echo/a/b?x=1&y=2&x=3", b"Cookie: a=1; b=2\r\n"), b"GET"),
    "get-quoted-path": (_get(b"/echo/a%20b/%2Fc"), b"GET"),
    "urls-and-session": (
        _get(b"/urls/deeper/deeper/leaf/x/y?q=1", b"X-A: 1\r\nAuthorization: Basic dTpwOnE=\r\n"),
        b"GET",
    ),
    "urls-host-port": (
        b"GET /urls/leaf/ HTTP/1.1\r\nHost: example.com:8080\r\nConnection: close\r\n\r\n",
        b"GET",
    ),
    "head-echo": (_get(b"/echo/a", method=b"HEAD"), b"HEAD"),
    "post-form": (
        b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded"
        b"\r\nContent-Length: 10\r\nConnection: close\r\n\r\nk=v&k2=v+2",
        b"POST",
    ),
    "post-chunked": (
        b"POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
        b"POST",
    ),
    "not-found": (_get(b"/missing/deeper"), b"GET"),
    "forbidden": (_get(b"/forbidden"), b"GET"),
    "pages-error": (_get(b"/page-error/deeper"), b"GET"),
    "pages-not-found": (_get(b"/page-missing"), b"GET"),
    "pages-forbidden": (_get(b"/page-forbidden", method=b"HEAD"), b"HEAD"),
    "error-page": (_get(b"/error/x"), b"GET"),
    "method-not-allowed": (_get(b"/echo", method=b"PUT"), b"PUT"),
    "post-not-allowed": (
        b"POST /data HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        b"POST",
    ),
    "not-implemented": (_get(b"/sub/", method=b"BREW"), b"BREW"),
    "head-from-get": (_get(b"/later", method=b"HEAD"), b"HEAD"),
    "not-done-yet": (_get(b"/later"), b"GET"),
    "exception": (_get(b"/boom"), b"GET"),
    "redirect-with-cookie": (_get(b"/redirect"), b"GET"),
    "util-redirect": (_get(b"/util-redirect/deep"), b"GET"),
    "not-bytes": (_get(b"/notbytes"), b"GET"),
    "no-content": (_get(b"/empty"), b"GET"),
    "static-data": (_get(b"/data"), b"GET"),
    "deferred-resource": (_get(b"/deferred-FLAVOR"), b"GET"),
    "static-data-head": (_get(b"/data", method=b"HEAD"), b"HEAD"),
    "directory-index": (_get(b"/sub/"), b"GET"),
    "no-trailing-slash": (_get(b"/sub"), b"GET"),
    "http10": (b"GET /echo/old HTTP/1.0\r\nHost: localhost\r\n\r\n", b"GET"),
    "wsgi-environ": (
        b"POST /wsgi/a/b?q=1 HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n"
        b"X-Multi: 1\r\nX-Multi: 2\r\nConnection: close\r\n\r\nbody",
        b"POST",
    ),
    "wsgi-stream": (_get(b"/wsgi/stream"), b"GET"),
    "gzip-encoded": (_get(b"/encoded", b"Accept-Encoding: deflate, gzip\r\n"), b"GET"),
    "gzip-not-accepted": (_get(b"/encoded", b"Accept-Encoding: br\r\n"), b"GET"),
    "wsgi-error": (_get(b"/wsgi/fail"), b"GET"),
}


@pytest.mark.parametrize("flavor", ["twistlike", "twistlike-uvloop"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_same_answer_as_twisted(servers: dict[str, int], case: str, flavor: str) -> None:
    """twistlike.web (default loop and uvloop) answers each request with Twisted's status,
    headers and body."""
    raw, method = CASES[case]
    raw = raw.replace(b"FLAVOR", flavor.encode())
    expected = _exchange(servers["twisted"], raw, method)
    actual = _exchange(servers[flavor], raw, method)
    if case.startswith("urls"):
        # prePathURL shows the listening port, and sessions have random ids.
        expected = _normalise(expected, servers["twisted"])
        actual = _normalise(actual, servers[flavor])
    if case == "not-bytes":
        # The page shows reprs of the request and resource objects (addresses differ).
        assert actual[0][0] == expected[0][0]
        assert b"Request did not return bytes" in actual[0][1]
        return
    if case == "exception":
        assert actual[0][0] == expected[0][0]
        assert actual[0][1] == expected[0][1]
        return
    assert actual == expected


@pytest.mark.parametrize("flavor", ["twistlike", "twistlike-uvloop"])
def test_pipelined_requests_answered_in_order(servers: dict[str, int], flavor: str) -> None:
    """Three pipelined requests in one segment get three answers, in order, as from Twisted."""
    raw = (
        b"GET /echo/1 HTTP/1.1\r\nHost: localhost\r\n\r\n"
        b"GET /later HTTP/1.1\r\nHost: localhost\r\n\r\n"
        b"GET /echo/3 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    expected = _exchange(servers["twisted"], raw, count=3)
    actual = _exchange(servers[flavor], raw, count=3)
    assert len(actual) == 3
    assert actual == expected

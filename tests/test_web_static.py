"""twistlike.web.static and util against Twisted's, on the same directory tree.

The tree is made in a temporary directory; Twisted's twisted.web and twistlike.web each
serve it in a subprocess (tests/scenarios/web_site.py.in) on 127.0.0.1 port 0, and the same
raw requests go to both. Pure tests cover Range parsing and traversal without a server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import h11
import pytest

from twistlike.web import static
from twistlike.web.http import datetimeToString

SITE = Path(__file__).resolve().parent / "scenarios" / "web_site.py.in"
BOUND = 10.0
_IGNORED = {b"server", b"date", b"connection", b"transfer-encoding"}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("static")
    (root / "a.txt").write_bytes(b"0123456789" * 10)
    (root / "page.html").write_bytes(b"<p>hi</p>")
    (root / "style.css").write_bytes(b"p {}")
    (root / "big.bin").write_bytes(os.urandom(1 << 20))
    (root / "archive.tar.gz").write_bytes(b"\x1f\x8b not really")
    (root / "with space.txt").write_bytes(b"spaced")
    (root / "sub").mkdir()
    (root / "sub" / "index.html").write_bytes(b"index of sub")
    (root / "list").mkdir()
    (root / "list" / "x.txt").write_bytes(b"x")
    (root / "list" / "<b>.txt").write_bytes(b"b")
    stamp = 1_600_000_000
    for path in root.rglob("*"):
        os.utime(path, (stamp, stamp))
    return root


def _serve(flavor: str, root: Path) -> tuple[subprocess.Popen[bytes], int]:
    proc = subprocess.Popen(
        [sys.executable, str(SITE), flavor, str(root)],
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
def servers(tree: Path) -> Iterator[dict[str, int]]:
    started = [_serve("twisted", tree), _serve("twistlike", tree)]
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


def _exchange(port: int, path: bytes, extra: bytes = b"", method: bytes = b"GET") -> Any:
    raw = method + b" " + path + b" HTTP/1.1\r\nHost: localhost\r\n" + extra
    raw += b"Connection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=BOUND) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(1 << 20):
            data += chunk
    conn = h11.Connection(h11.CLIENT)
    conn.send(h11.Request(method=method, target=path, headers=[(b"host", b"x")]))
    conn.send(h11.EndOfMessage())
    conn.receive_data(data)
    conn.receive_data(b"")
    head: Any = None
    body = b""
    while True:
        event = conn.next_event()
        if isinstance(event, h11.Response):
            headers = sorted((k, v) for k, v in event.headers if k not in _IGNORED)
            head = (event.status_code, headers)
        elif isinstance(event, h11.Data):
            body += event.data
        elif isinstance(event, h11.EndOfMessage):
            return head, body
        else:
            raise AssertionError(f"incomplete response {data[:300]!r}")


_FUTURE = datetimeToString(2_000_000_000)
_PAST = datetimeToString(1_000_000_000)

CASES: dict[str, tuple[bytes, bytes, bytes]] = {
    "text": (b"/static/a.txt", b"", b"GET"),
    "html": (b"/static/page.html", b"", b"GET"),
    "css": (b"/static/style.css", b"", b"GET"),
    "gzip-encoding": (b"/static/archive.tar.gz", b"", b"GET"),
    "quoted-name": (b"/static/with%20space.txt", b"", b"GET"),
    "big-file": (b"/static/big.bin", b"", b"GET"),
    "head": (b"/static/a.txt", b"", b"HEAD"),
    "range": (b"/static/a.txt", b"Range: bytes=5-14\r\n", b"GET"),
    "range-open": (b"/static/a.txt", b"Range: bytes=95-\r\n", b"GET"),
    "range-suffix": (b"/static/a.txt", b"Range: bytes=-3\r\n", b"GET"),
    "range-past-end": (b"/static/a.txt", b"Range: bytes=90-1000\r\n", b"GET"),
    "range-unsatisfiable": (b"/static/a.txt", b"Range: bytes=500-600\r\n", b"GET"),
    "range-malformed": (b"/static/a.txt", b"Range: pages=1-2\r\n", b"GET"),
    "range-big": (b"/static/big.bin", b"Range: bytes=1000-400000\r\n", b"GET"),
    "not-modified": (b"/static/a.txt", b"If-Modified-Since: " + _FUTURE + b"\r\n", b"GET"),
    "modified": (b"/static/a.txt", b"If-Modified-Since: " + _PAST + b"\r\n", b"GET"),
    "dir-redirect": (b"/static/sub?q=1", b"", b"GET"),
    "dir-index": (b"/static/sub/", b"", b"GET"),
    "missing": (b"/static/nope.txt", b"", b"GET"),
    "dotdot": (b"/static/../web_site.py.in", b"", b"GET"),
    "encoded-dotdot": (b"/static/%2e%2e/etc", b"", b"GET"),
    "encoded-slash": (b"/static/sub%2Findex.html", b"", b"GET"),
    "file-as-dir": (b"/static/a.txt/more", b"", b"GET"),
    "post": (b"/static/a.txt", b"Content-Length: 0\r\n", b"POST"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_static_file_like_twisted(servers: dict[str, int], case: str) -> None:
    """static.File answers like Twisted's: status, headers and body."""
    path, extra, method = CASES[case]
    expected = _exchange(servers["twisted"], path, extra, method)
    actual = _exchange(servers["twistlike"], path, extra, method)
    assert actual == expected


def test_multiple_ranges_like_twisted(servers: dict[str, int]) -> None:
    """Several ranges give multipart/byteranges with the same parts (boundaries differ)."""
    extra = b"Range: bytes=0-1,10-12,-2\r\n"
    expected = _exchange(servers["twisted"], b"/static/a.txt", extra)
    actual = _exchange(servers["twistlike"], b"/static/a.txt", extra)

    def parts(response: Any) -> Any:
        (status, headers), body = response
        ctype = dict(headers)[b"content-type"]
        boundary = ctype.split(b'boundary="')[1].rstrip(b'"')
        return status, len(body), body.replace(boundary, b"B")

    assert parts(actual) == parts(expected)


def test_directory_listing_names_and_escapes(servers: dict[str, int]) -> None:
    """A directory without an index is listed, names escaped and linked quoted."""
    (status, headers), body = _exchange(servers["twistlike"], b"/static/list/")
    assert status == 200
    assert (b"content-type", b"text/html; charset=utf-8") in headers
    assert b'<a href="x.txt">x.txt</a>' in body
    assert b'<a href="%3Cb%3E.txt">&lt;b&gt;.txt</a>' in body
    (tstatus, _), tbody = _exchange(servers["twisted"], b"/static/list/")
    assert tstatus == status and b"&lt;b&gt;.txt" in tbody


def test_child_refuses_to_leave_the_root(tree: Path) -> None:
    """File.getChild answers 404 for '..', '.', slashes and NUL; real children resolve."""
    root = static.File(str(tree))
    for bad in (b"..", b".", b"sub/index.html", b"a\x00", b"\xff"):
        assert root.getChild(bad, None) is root.childNotFound
    child = root.getChild(b"a.txt", None)
    assert isinstance(child, static.File) and child.path == str(tree / "a.txt")


def test_range_parsing_matches_twisted(tree: Path) -> None:
    """Range headers parse to the same (start, end) pairs, and bad ones fail alike."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # twisted.web.static's own imports
        from twisted.web import static as tstatic

    ours = static.File(str(tree / "a.txt"))
    theirs: Any = tstatic.File(str(tree / "a.txt"))
    for header in (b"bytes=1-2", b"bytes=-5", b"bytes=3-", b"bytes=1-2, 4-5", b"bytes=,1-2"):
        assert ours._parseRangeHeader(header) == theirs._parseRangeHeader(header)
    for bad in (b"bytes", b"pages=1-2", b"bytes=2-1", b"bytes=-", b"bytes=a-b"):
        with pytest.raises(ValueError):
            ours._parseRangeHeader(bad)
        with pytest.raises(ValueError):
            theirs._parseRangeHeader(bad)

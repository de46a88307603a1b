"""examples/web_site.py does what its docstring says (loopback only, port 0, bounded waits)."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from twistlike import reactor
from twistlike.web import server
from twistlike.web.client import Agent, CookieAgent, readBody

EXAMPLE = Path(__file__).parent.parent / "examples" / "web_site.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("example_web_site", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.asyncio
async def test_example_site_pages_session_fetch_and_files() -> None:
    """The index, the session counter (with a cookie jar), the async fetch page and the
    file listing all answer."""
    from http.cookiejar import CookieJar

    example = _load()
    port = reactor.listenTCP(0, server.Site(example.make_root()), interface="127.0.0.1")
    base = b"http://127.0.0.1:%d" % (port.getHost().port,)
    try:
        async with asyncio.timeout(10):
            agent = CookieAgent(Agent(reactor), CookieJar())
            assert b"twistlike.web" in await readBody(await agent.request(b"GET", base + b"/"))
            for expected in (b"visits: 1", b"visits: 2"):
                body = await readBody(await agent.request(b"GET", base + b"/count"))
                assert body == expected
            body = await readBody(
                await agent.request(b"GET", base + b"/fetch?url=" + base + b"/count")
            )
            assert body.startswith(b"<pre>200 9 bytes: b&#x27;visits: 1&#x27;")
            listing = await readBody(await agent.request(b"GET", base + b"/files/"))
            assert b"web_site.py" in listing
    finally:
        await port.stopListening()

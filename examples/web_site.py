"""A small twisted.web site on twistlike: pages, a session counter, an async render method,
static files, and the same tree served as an ASGI app.

Run:  python examples/web_site.py [PORT]          (twistlike's Site, default port 8080)
      uvicorn examples.web_site:app                (the same tree under uvicorn)

Pages: /            the index
       /count       a per-visitor counter kept in the session (cookie TWISTED_SESSION)
       /fetch?url=  fetches a URL with the Agent from an ``async def`` render method
       /files/      this directory, listed and served by static.File
"""

from __future__ import annotations

import os
import sys
from html import escape
from typing import Any

from twistlike import reactor
from twistlike.web import resource, server, static
from twistlike.web.asgi import asgi_app
from twistlike.web.client import Agent, readBody


class Index(resource.Resource):
    isLeaf = True

    def render_GET(self, request: Any) -> bytes:
        return b"<h1>twistlike.web</h1><a href='/count'>count</a> <a href='/files/'>files</a>"


class Counter(resource.Resource):
    isLeaf = True

    def render_GET(self, request: Any) -> bytes:
        session = request.getSession()
        session.touch()
        visits = getattr(session, "visits", 0) + 1
        session.visits = visits
        request.setHeader(b"content-type", b"text/plain")
        return b"visits: %d" % (visits,)


class Fetch(resource.Resource):
    isLeaf = True

    def __init__(self) -> None:
        super().__init__()
        self.agent = Agent(reactor)

    async def render_GET(self, request: Any) -> bytes:
        url = request.args.get(b"url", [b""])[0]
        if not url.startswith(b"http://"):
            request.setResponseCode(400)
            return b"give ?url=http://..."
        response = await self.agent.request(b"GET", url)
        body = await readBody(response)
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        text = f"{response.code} {len(body)} bytes: {body[:200]!r}"
        return f"<pre>{escape(text)}</pre>".encode()


def make_root() -> resource.Resource:
    """The site's resource tree."""
    root = resource.Resource()
    root.putChild(b"", Index())
    root.putChild(b"count", Counter())
    root.putChild(b"fetch", Fetch())
    root.putChild(b"files", static.File(os.path.dirname(os.path.abspath(__file__))))
    return root


#: The same tree as an ASGI application (for uvicorn/hypercorn, or to mount in Starlette).
app = asgi_app(make_root())

if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    reactor.listenTCP(port, server.Site(make_root()), interface="127.0.0.1")
    print(f"serving on http://127.0.0.1:{port}/")
    reactor.run()

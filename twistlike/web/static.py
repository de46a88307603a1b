"""Static content: in-memory data and files from a directory tree.

Twisted: twisted.web.static.
"""

from __future__ import annotations

from typing import Any

from twistlike.web import resource

__all__ = ["Data"]


class Data(resource.Resource):
    """A resource that serves fixed bytes with a fixed content type.

    Twisted: twisted.web.static.Data.
    """

    def __init__(self, data: bytes, type: str | bytes) -> None:
        resource.Resource.__init__(self)
        self.data = data
        self.type = type

    def render_GET(self, request: Any) -> bytes:
        """Serve the data (headers only for HEAD). Twisted: Data.render_GET."""
        ctype = self.type.encode("ascii") if isinstance(self.type, str) else self.type
        request.setHeader(b"content-type", ctype)
        request.setHeader(b"content-length", b"%d" % (len(self.data),))
        if request.method == b"HEAD":
            return b""
        return self.data

    render_HEAD = render_GET

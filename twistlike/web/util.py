"""Small resources and helpers: redirects and a resource that arrives later.

Twisted: twisted.web.util.
"""

from __future__ import annotations

from html import escape
from typing import Any

from twistlike.defer import Deferred
from twistlike.failure import Failure
from twistlike.web import resource

__all__ = ["DeferredResource", "ParentRedirect", "Redirect", "redirectTo"]


def redirectTo(URL: bytes, request: Any) -> bytes:
    """Make ``request`` a 302 redirect to ``URL``; return a small HTML page pointing there.

    Twisted: twisted.web.util.redirectTo.

    Raises:
        TypeError: ``URL`` is not bytes.
    """
    if not isinstance(URL, bytes):
        raise TypeError("URL must be bytes")
    request.setHeader(b"Content-Type", b"text/html; charset=utf-8")
    request.redirect(URL)
    url = escape(URL.decode("utf-8")).encode("utf-8")
    return (
        b'\n<html>\n    <head>\n        <meta http-equiv="refresh" content="0;URL=%(url)s">\n'
        b'    </head>\n    <body bgcolor="#FFFFFF" text="#000000">\n'
        b'    <a href="%(url)s">click here</a>\n    </body>\n</html>\n' % {b"url": url}
    )


class Redirect(resource.Resource):
    """Redirects every request (at any depth below it) to ``url``.

    Twisted: twisted.web.util.Redirect.
    """

    isLeaf = True

    def __init__(self, url: bytes) -> None:
        super().__init__()
        self.url = url

    def render(self, request: Any) -> bytes:
        """Twisted: Redirect.render."""
        return redirectTo(self.url, request)

    def getChild(self, name: bytes, request: Any) -> Any:
        """Twisted: Redirect.getChild."""
        return self


class ParentRedirect(resource.Resource):
    """Redirects to the parent directory's URL. Twisted: twisted.web.util.ParentRedirect."""

    isLeaf = 1

    def render(self, request: Any) -> bytes:
        """Twisted: ParentRedirect.render."""
        return redirectTo(bytes(request.URLPath().here()), request)

    def getChild(self, name: bytes, request: Any) -> Any:
        """Twisted: ParentRedirect.getChild."""
        return self


class DeferredResource(resource.Resource):
    """A resource whose real resource arrives later, from a Deferred.

    Twisted: twisted.web.util.DeferredResource.
    """

    isLeaf = 1

    def __init__(self, d: Deferred[Any]) -> None:
        resource.Resource.__init__(self)
        self.d = d

    def getChild(self, name: bytes, request: Any) -> Any:
        """Twisted: DeferredResource.getChild."""
        return self

    def render(self, request: Any) -> int:
        """Render the resource once it arrives. Twisted: DeferredResource.render."""
        from twistlike.web.server import NOT_DONE_YET

        self.d.addCallback(self._cbChild, request).addErrback(self._ebChild, request)
        return NOT_DONE_YET

    def _cbChild(self, child: Any, request: Any) -> None:
        request.render(resource.getChildForRequest(child, request))

    def _ebChild(self, reason: Failure, request: Any) -> None:
        request.processingFailed(reason)

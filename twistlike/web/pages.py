"""Simple, escaped error pages: the replacements Twisted recommends for ErrorPage & co.

Twisted: twisted.web.pages (errorPage, notFound, forbidden).
"""

from __future__ import annotations

from html import escape
from typing import Any

from twistlike.web.resource import Resource

__all__ = ["errorPage", "forbidden", "notFound"]


class _ErrorPage(Resource):
    """Answers every request (at any depth below it) with a status and an escaped page."""

    def __init__(self, code: int, brief: str, detail: str) -> None:
        super().__init__()
        self._code = code
        self._brief = brief
        self._detail = detail

    def render(self, request: Any) -> int:
        """Write the page and finish (Twisted renders it with renderElement)."""
        request.setResponseCode(self._code)
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        brief = escape(self._brief, quote=False)
        page = (
            f"<!DOCTYPE html>\n<html><head><title>{self._code} - {brief}</title></head>"
            f"<body><h1>{brief}</h1><p>{escape(self._detail, quote=False)}</p></body></html>"
        )
        request.write(page.encode("utf-8"))
        request.finish()
        return 1  # NOT_DONE_YET: written and finished already, as renderElement does

    def getChild(self, path: bytes, request: Any) -> Any:
        """Every path below is this page too."""
        return self


def errorPage(code: int, brief: str, detail: str) -> _ErrorPage:
    """A resource answering ``code`` with an HTML page (text escaped). Twisted: errorPage."""
    return _ErrorPage(code, brief, detail)


def notFound(
    brief: str = "No Such Resource", message: str = "Sorry. No luck finding that resource."
) -> _ErrorPage:
    """A 404 page. Twisted: twisted.web.pages.notFound."""
    return _ErrorPage(404, brief, message)


def forbidden(
    brief: str = "Forbidden Resource", message: str = "Sorry, resource is forbidden."
) -> _ErrorPage:
    """A 403 page. Twisted: twisted.web.pages.forbidden."""
    return _ErrorPage(403, brief, message)

"""A small URLPath: the URL of a request, navigable to children, siblings and parents.

Twisted: twisted.python.urlpath.URLPath (the part that Request.URLPath() users call).
"""

from __future__ import annotations

from urllib.parse import quote, unquote_to_bytes, urljoin, urlsplit, urlunsplit

__all__ = ["URLPath"]


class URLPath:
    """An absolute URL split into parts, as bytes.

    Twisted: twisted.python.urlpath.URLPath.
    """

    def __init__(
        self,
        scheme: bytes = b"",
        netloc: bytes = b"localhost",
        path: bytes = b"",
        query: bytes = b"",
        fragment: bytes = b"",
    ) -> None:
        self.scheme = scheme or b"http"
        self.netloc = netloc
        self.path = path or b"/"
        self.query = query
        self.fragment = fragment

    @classmethod
    def fromBytes(cls, url: bytes) -> URLPath:
        """Parse an absolute URL. Twisted: URLPath.fromBytes.

        Raises:
            ValueError: ``url`` is not bytes.
        """
        if not isinstance(url, bytes):
            raise ValueError("'url' must be bytes")
        parts = urlsplit(url)
        return cls(parts.scheme, parts.netloc, parts.path, parts.query, parts.fragment)

    def pathList(self, unquote: bool = False, copy: bool = True) -> list[bytes]:
        """The path's segments. Twisted: URLPath.pathList."""
        segments = self.path.split(b"/")
        return [unquote_to_bytes(s) for s in segments] if unquote else segments

    def _withPath(self, path: bytes, keepQuery: bool) -> URLPath:
        return URLPath(self.scheme, self.netloc, path, self.query if keepQuery else b"")

    def sibling(self, path: bytes, keepQuery: bool = False) -> URLPath:
        """The URL of sibling ``path``. Twisted: URLPath.sibling."""
        segments = self.pathList()
        segments[-1] = quote(path, safe="").encode("ascii")
        return self._withPath(b"/".join(segments), keepQuery)

    def child(self, path: bytes, keepQuery: bool = False) -> URLPath:
        """The URL of child ``path``. Twisted: URLPath.child."""
        segments = self.pathList()
        if segments[-1] == b"":
            segments[-1] = quote(path, safe="").encode("ascii")
        else:
            segments.append(quote(path, safe="").encode("ascii"))
        return self._withPath(b"/".join(segments), keepQuery)

    def parent(self, keepQuery: bool = False) -> URLPath:
        """The parent directory's URL. Twisted: URLPath.parent."""
        return self.click(b"..") if not keepQuery else self._withPath(self.click(b"..").path, True)

    def here(self, keepQuery: bool = False) -> URLPath:
        """This directory's URL. Twisted: URLPath.here."""
        return self.click(b".") if not keepQuery else self._withPath(self.click(b".").path, True)

    def click(self, href: bytes) -> URLPath:
        """Resolve ``href`` relative to this URL. Twisted: URLPath.click."""
        return URLPath.fromBytes(urljoin(bytes(self), href))

    def __bytes__(self) -> bytes:
        return urlunsplit((self.scheme, self.netloc, self.path, self.query, self.fragment))

    def __str__(self) -> str:
        return bytes(self).decode("ascii")

    def __repr__(self) -> str:
        return (
            f"URLPath(scheme={self.scheme!r}, netloc={self.netloc!r}, path={self.path!r}, "
            f"query={self.query!r}, fragment={self.fragment!r})"
        )

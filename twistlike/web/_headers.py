"""Header collections (private home of twistlike.web.http_headers.Headers)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import AnyStr, ClassVar, TypeVar, overload

__all__ = [
    "Headers",
    "InvalidHeaderName",
    "canonicalNames",
    "encodeName",
    "encodeValue",
    "headersWithRaw",
    "rawHeadersOf",
]

_T = TypeVar("_T")

#: RFC 9110 token characters: what a header name may contain.
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_LINEAR_WHITESPACE = re.compile(rb"\r\n|\r|\n")

#: Names whose conventional spelling is not plain ``Word-Case``.
_SPECIAL_CASE: dict[bytes, bytes] = {
    b"Content-Md5": b"Content-MD5",
    b"Dnt": b"DNT",
    b"Etag": b"ETag",
    b"P3p": b"P3P",
    b"Te": b"TE",
    b"Www-Authenticate": b"WWW-Authenticate",
    b"X-Xss-Protection": b"X-XSS-Protection",
}

# A bounded cache: an attacker choosing endless header spellings must not grow it forever.
_CACHE_LIMIT = 10_000
canonicalNames: dict[str | bytes, bytes] = {}


class InvalidHeaderName(ValueError):
    """A header name is not an RFC 9110 token (whitespace, NUL, non-ASCII ...).

    Twisted: twisted.web.http_headers.InvalidHeaderName.
    """


def encodeName(name: str | bytes) -> bytes:
    """Return ``name`` as canonical ``Http-Header-Case`` bytes, or raise InvalidHeaderName."""
    cached = canonicalNames.get(name)
    if cached is not None:
        return cached
    if isinstance(name, str):
        try:
            raw = name.encode("iso-8859-1")
        except UnicodeEncodeError:
            raise InvalidHeaderName(name.encode("utf-8", "backslashreplace")) from None
    elif isinstance(name, bytes):
        raw = name
    else:
        raise TypeError(f"Header name must be bytes or str, not {type(name).__name__}")
    if not _TOKEN.match(raw):
        raise InvalidHeaderName(raw)
    result = b"-".join(word.capitalize() for word in raw.split(b"-"))
    result = _SPECIAL_CASE.get(result, result)
    if len(canonicalNames) < _CACHE_LIMIT:
        canonicalNames[name] = result
    return result


def encodeValue(value: str | bytes) -> bytes:
    """Return ``value`` as bytes (str as UTF-8) with CR/LF line breaks replaced by spaces.

    Raises:
        TypeError: ``value`` is neither bytes nor str.
    """
    if type(value) is bytes:
        if b"\r" in value or b"\n" in value:
            return _LINEAR_WHITESPACE.sub(b" ", value)
        return value
    if isinstance(value, str):
        value = value.encode("utf-8")
    elif not isinstance(value, bytes):
        raise TypeError(f"Header value must be bytes or str, not {type(value).__name__}")
    if b"\r" in value or b"\n" in value:
        value = _LINEAR_WHITESPACE.sub(b" ", value)
    return value


class Headers:
    """A case-insensitive multimap of HTTP header names to lists of raw values.

    Twisted: twisted.web.http_headers.Headers.

    Args:
        rawHeaders: initial headers, a mapping of name to a sequence of values.

    Raises:
        InvalidHeaderName: a name is not a valid HTTP token.
    """

    __slots__ = ("_rawHeaders",)

    def __init__(self, rawHeaders: Mapping[AnyStr, Sequence[AnyStr]] | None = None) -> None:
        self._rawHeaders: dict[bytes, list[bytes]] = {}
        if rawHeaders is not None:
            for name, values in rawHeaders.items():
                self.setRawHeaders(name, values)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._rawHeaders!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return sorted(self._rawHeaders.items()) == sorted(other._rawHeaders.items())
        return NotImplemented

    __hash__: ClassVar[None] = None  # type: ignore[assignment]  # (mutable: unhashable)

    def copy(self) -> Headers:
        """Return an independent copy. Twisted: Headers.copy."""
        new = type(self)()
        new._rawHeaders = {k: list(v) for k, v in self._rawHeaders.items()}
        return new

    def hasHeader(self, name: str | bytes) -> bool:
        """Whether a header called ``name`` is present. Twisted: Headers.hasHeader."""
        return encodeName(name) in self._rawHeaders

    def removeHeader(self, name: str | bytes) -> None:
        """Remove every value of ``name`` (no error when absent). Twisted: Headers.removeHeader."""
        self._rawHeaders.pop(encodeName(name), None)

    def setRawHeaders(self, name: str | bytes, values: Sequence[str | bytes]) -> None:
        """Replace the values of ``name`` with ``values``.

        Twisted: Headers.setRawHeaders.

        Raises:
            InvalidHeaderName: ``name`` is not a valid HTTP token.
            TypeError: a value is neither bytes nor str.
        """
        self._rawHeaders[encodeName(name)] = [encodeValue(v) for v in values]

    def addRawHeader(self, name: str | bytes, value: str | bytes) -> None:
        """Append ``value`` to the values of ``name``. Twisted: Headers.addRawHeader."""
        self._rawHeaders.setdefault(encodeName(name), []).append(encodeValue(value))

    @overload
    def getRawHeaders(self, name: AnyStr) -> Sequence[AnyStr] | None: ...

    @overload
    def getRawHeaders(self, name: AnyStr, default: _T) -> Sequence[AnyStr] | _T: ...

    def getRawHeaders(self, name: AnyStr, default: object = None) -> object:
        """Return the values of ``name`` (``str`` values for a ``str`` name), or ``default``.

        Twisted: Headers.getRawHeaders.
        """
        values = self._rawHeaders.get(encodeName(name))
        if not values:
            return default
        if isinstance(name, str):
            return [v.decode("utf-8") for v in values]
        return values

    def getAllRawHeaders(self) -> Iterator[tuple[bytes, Sequence[bytes]]]:
        """Iterate over ``(canonical name, values)`` pairs, as bytes.

        Twisted: Headers.getAllRawHeaders.
        """
        return iter(self._rawHeaders.items())


# The web server's per-request path reads and fills Headers' dict directly (a method call per
# header costs more than the lookup itself). Callers keep Headers' invariants: keys are the
# canonical names (encodeName's results), values are lists of valid bytes.


def rawHeadersOf(headers: Headers) -> dict[bytes, list[bytes]]:
    """The dict behind ``headers``: canonical name -> list of values (not a copy)."""
    return headers._rawHeaders


def headersWithRaw(raw: dict[bytes, list[bytes]]) -> Headers:
    """A Headers holding ``raw`` itself (canonical name -> list of values) as its dict."""
    new = Headers()
    new._rawHeaders = raw
    return new

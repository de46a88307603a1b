"""Exceptions of the web server and client.

Twisted: twisted.web.error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from twistlike.web._responses import codeToMessage

__all__ = [
    "Error",
    "InfiniteRedirection",
    "PageRedirect",
    "RedirectWithNoLocation",
    "SchemeNotSupported",
    "UnsupportedMethod",
]


class Error(Exception):
    """An HTTP error: a status code, a short message and maybe an HTML page.

    Twisted: twisted.web.error.Error.

    Args:
        code: the status code, an int or three ASCII digits.
        message: a short message; the status's reason phrase when not given.
        response: a whole error document.

    Raises:
        ValueError: ``code`` is bytes but not three digits.
    """

    status: bytes
    message: bytes | None
    response: bytes | None

    def __init__(
        self, code: int | bytes, message: bytes | None = None, response: bytes | None = None
    ) -> None:
        message = message or codeToMessage(code)
        Exception.__init__(self, code, message, response)
        if isinstance(code, int):
            code = b"%d" % (code,)
        elif len(code) != 3 or not code.isdigit():
            raise ValueError(f"Not a valid HTTP status code: {code!r}")
        self.status = code
        self.message = message
        self.response = response

    def __str__(self) -> str:
        text = self.status
        if self.message:
            text += b" " + self.message
        return text.decode("ascii", "replace")


class PageRedirect(Error):
    """A request was answered with a redirect to ``location``.

    Twisted: twisted.web.error.PageRedirect.
    """

    location: bytes | None

    def __init__(
        self,
        code: int | bytes,
        message: bytes | None = None,
        response: bytes | None = None,
        location: bytes | None = None,
    ) -> None:
        Error.__init__(self, code, message, response)
        if self.message and location:
            self.message = self.message + b" to " + location
        self.location = location


class InfiniteRedirection(Error):
    """Redirects went on for longer than the redirect limit.

    Twisted: twisted.web.error.InfiniteRedirection.
    """

    location: bytes | None

    def __init__(
        self,
        code: int | bytes,
        message: bytes | None = None,
        response: bytes | None = None,
        location: bytes | None = None,
    ) -> None:
        Error.__init__(self, code, message, response)
        if self.message and location:
            self.message = self.message + b" to " + location
        self.location = location


class RedirectWithNoLocation(Error):
    """A redirect response had no ``Location`` header.

    Twisted: twisted.web.error.RedirectWithNoLocation.
    """

    message: bytes
    uri: bytes

    def __init__(self, code: int | bytes, message: bytes, uri: bytes) -> None:
        Error.__init__(self, code, message)
        self.message = self.message + b" to " + uri
        self.uri = uri


class UnsupportedMethod(Exception):
    """A resource cannot handle the request's method; the server answers 405 or 501.

    Twisted: twisted.web.error.UnsupportedMethod.

    Args:
        allowedMethods: the methods the resource does support (a sequence of bytes).

    Raises:
        TypeError: ``allowedMethods`` is not a sequence.
    """

    allowedMethods: Sequence[bytes] = ()

    def __init__(self, allowedMethods: Sequence[bytes], *args: Any) -> None:
        Exception.__init__(self, allowedMethods, *args)
        self.allowedMethods = allowedMethods
        if not isinstance(allowedMethods, Sequence):
            raise TypeError(
                "First argument must be a sequence of supported methods, "
                "but my first argument is not a sequence."
            )

    def __str__(self) -> str:
        return f"Expected one of {self.allowedMethods!r}"


class SchemeNotSupported(Exception):
    """A URI's scheme is not one the client supports.

    Twisted: twisted.web.error.SchemeNotSupported.
    """

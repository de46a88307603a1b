"""Interfaces of the web server and client (zope.interface, Twisted's names).

Twisted: twisted.web.iweb.

Static types use the concrete classes; these interfaces serve ``providedBy`` checks and
``@implementer`` declarations, as in Twisted (ARCHITECTURE.md decision 6).
"""

# zope.interface ships no type information: interfaces subclass an Any, and their methods
# are declarations without bodies (as in twistlike/interfaces.py).
# mypy: allow-subclassing-any
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from typing import Any

from zope.interface import Attribute, Interface  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "UNKNOWN_LENGTH",
    "IAccessLogFormatter",
    "IAgent",
    "IBodyProducer",
    "IClientRequest",
    "IPolicyForHTTPS",
    "IRequest",
    "IResponse",
]

#: The ``length`` of a body producer or response whose size is not known in advance.
UNKNOWN_LENGTH = "twisted.web.iweb.UNKNOWN_LENGTH"


class IRequest(Interface):
    """An HTTP request as a resource sees it (method, uri, headers, content, response).

    Twisted: twisted.web.iweb.IRequest.
    """

    method = Attribute("The HTTP method, bytes (b'GET').")
    uri = Attribute("The full request target, bytes.")
    path = Attribute("The target's path part, bytes.")
    args = Attribute("Query and form arguments: dict of bytes -> list of bytes.")
    requestHeaders = Attribute("The request's Headers.")
    responseHeaders = Attribute("The response's Headers.")
    content = Attribute("A file object holding the request body.")

    def setResponseCode(code: int, message: bytes | None = None) -> None:
        """Set the response status."""

    def write(data: bytes) -> None:
        """Write part of the response body."""

    def finish() -> None:  # type: ignore[misc]
        """End the response."""


class IAccessLogFormatter(Interface):
    """A callable ``(timestamp, request) -> str`` that formats one access-log line.

    Twisted: twisted.web.iweb.IAccessLogFormatter.
    """

    def __call__(timestamp: str, request: Any) -> str:
        """Return the log line (without the newline)."""


class IBodyProducer(Interface):
    """A producer of a request body for the HTTP client.

    Twisted: twisted.web.iweb.IBodyProducer.
    """

    length = Attribute("The body's length in bytes, or UNKNOWN_LENGTH.")

    def startProducing(consumer: Any) -> Any:
        """Write the body to ``consumer``; return a Deferred fired when done."""

    def stopProducing() -> None:  # type: ignore[misc]
        """Stop producing at once; the Deferred need not fire."""

    def pauseProducing() -> None:  # type: ignore[misc]
        """Pause writing."""

    def resumeProducing() -> None:  # type: ignore[misc]
        """Resume writing."""


class IClientRequest(Interface):
    """The request a client response answers (``response.request``).

    Twisted: twisted.web.iweb.IClientRequest.
    """

    method = Attribute("The HTTP method, bytes.")
    absoluteURI = Attribute("The absolute URI requested, bytes.")
    headers = Attribute("The request's Headers.")


class IResponse(Interface):
    """An HTTP response received by the client.

    Twisted: twisted.web.iweb.IResponse.
    """

    version = Attribute("(b'HTTP', major, minor).")
    code = Attribute("The status code, an int.")
    phrase = Attribute("The reason phrase, bytes.")
    headers = Attribute("The response's Headers.")
    length = Attribute("The body length, or UNKNOWN_LENGTH.")
    request = Attribute("The IClientRequest that produced this response.")
    previousResponse = Attribute("The response before a redirect, or None.")

    def deliverBody(protocol: Any) -> None:
        """Deliver the body to ``protocol`` (dataReceived*, connectionLost)."""


class IAgent(Interface):
    """Something that makes HTTP requests.

    Twisted: twisted.web.iweb.IAgent.
    """

    def request(method: bytes, uri: bytes, headers: Any = None, bodyProducer: Any = None) -> Any:
        """Return a Deferred firing with an IResponse."""


class IPolicyForHTTPS(Interface):
    """Chooses the TLS settings for a connection to a host.

    Twisted: twisted.web.iweb.IPolicyForHTTPS.
    """

    def creatorForNetloc(hostname: bytes, port: int) -> Any:
        """Return the TLS connection creator for ``hostname:port``."""

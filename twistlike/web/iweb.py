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

from twistlike._core.zi import Attribute, Interface

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

    method: Attribute = Attribute("The HTTP method, bytes (b'GET').")
    uri: Attribute = Attribute("The full request target, bytes.")
    path: Attribute = Attribute("The target's path part, bytes.")
    args: Attribute = Attribute("Query and form arguments: dict of bytes -> list of bytes.")
    requestHeaders: Attribute = Attribute("The request's Headers.")
    responseHeaders: Attribute = Attribute("The response's Headers.")
    content: Attribute = Attribute("A file object holding the request body.")

    def setResponseCode(code: int, message: bytes | None = None) -> None:  # type: ignore[misc]
        """Set the response status."""

    def write(data: bytes) -> None:  # type: ignore[misc]
        """Write part of the response body."""

    def finish() -> None:  # type: ignore[misc]
        """End the response."""


class IAccessLogFormatter(Interface):
    """A callable ``(timestamp, request) -> str`` that formats one access-log line.

    Twisted: twisted.web.iweb.IAccessLogFormatter.
    """

    def __call__(timestamp: str, request: Any) -> str:  # type: ignore[misc]
        """Return the log line (without the newline)."""


class IBodyProducer(Interface):
    """A producer of a request body for the HTTP client.

    Twisted: twisted.web.iweb.IBodyProducer.
    """

    length: Attribute = Attribute("The body's length in bytes, or UNKNOWN_LENGTH.")

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

    method: Attribute = Attribute("The HTTP method, bytes.")
    absoluteURI: Attribute = Attribute("The absolute URI requested, bytes.")
    headers: Attribute = Attribute("The request's Headers.")


class IResponse(Interface):
    """An HTTP response received by the client.

    Twisted: twisted.web.iweb.IResponse.
    """

    version: Attribute = Attribute("(b'HTTP', major, minor).")
    code: Attribute = Attribute("The status code, an int.")
    phrase: Attribute = Attribute("The reason phrase, bytes.")
    headers: Attribute = Attribute("The response's Headers.")
    length: Attribute = Attribute("The body length, or UNKNOWN_LENGTH.")
    request: Attribute = Attribute("The IClientRequest that produced this response.")
    previousResponse: Attribute = Attribute("The response before a redirect, or None.")

    def deliverBody(protocol: Any) -> None:
        """Deliver the body to ``protocol`` (dataReceived*, connectionLost)."""


class IAgent(Interface):
    """Something that makes HTTP requests.

    Twisted: twisted.web.iweb.IAgent.
    """

    def request(method: bytes, uri: bytes, headers: Any = None, bodyProducer: Any = None) -> Any:  # type: ignore[misc]
        """Return a Deferred firing with an IResponse."""


class IPolicyForHTTPS(Interface):
    """Chooses the TLS settings for a connection to a host.

    Twisted: twisted.web.iweb.IPolicyForHTTPS.
    """

    def creatorForNetloc(hostname: bytes, port: int) -> Any:  # type: ignore[misc]
        """Return the TLS connection creator for ``hostname:port``."""

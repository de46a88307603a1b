"""The one table of deliberate differences from Twisted (ARCHITECTURE.md decision 9).

docs/divergences.md is generated from this table (``python -m twistlike._porting.docs``);
the code carries a ``Divergence from Twisted:`` comment at each place. The rows are grouped in
sections, one per area of the project, and each area adds rows to its own section only.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DIVERGENCES", "Divergence"]


@dataclass(frozen=True)
class Divergence:
    """One deliberate difference from Twisted.

    Attributes:
        area: the docs heading it belongs under (e.g. "Deferreds (`twistlike.defer`)").
        title: a short bold summary, in Markdown.
        text: what twistlike does, what Twisted does, and why (Markdown, may be several
            sentences or a list).
    """

    area: str
    title: str
    text: str


# -- the core (defer, reactor, transports, protocols, logging, testing) -----------------------
_CORE: tuple[Divergence, ...] = ()

# -- services and the twistd runner ---------------------------------------------------------
_APPLICATION: tuple[Divergence, ...] = ()

# -- TLS --------------------------------------------------------------------------------------
_TLS: tuple[Divergence, ...] = ()

# -- UDP, processes, stdio, file descriptors --------------------------------------------------
_POSIX: tuple[Divergence, ...] = ()

# -- twisted.web ------------------------------------------------------------------------------
_WEB_AREA = "The web server and client (`twistlike.web`)"
_WEB: tuple[Divergence, ...] = (
    Divergence(
        _WEB_AREA,
        "**An error after the response started aborts the connection**",
        (
            "When a render method (or its Deferred) fails after the status line and some body "
            "were sent, twistlike logs the failure and aborts the connection, so the client sees "
            "a truncated response rather than an error page spliced into the body, which is what "
            "Twisted writes."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**h11 frames every response: the status line always says HTTP/1.1**",
        (
            "An HTTP/1.0 client gets `HTTP/1.1 200 OK` (with `Connection: close` and a "
            "close-delimited body), where Twisted echoes `HTTP/1.0`. RFC 9110 allows it (the "
            "version is the server's), and h11, which does all parsing and framing, always writes"
            " HTTP/1.1."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**Bad requests get the precise 4xx and a short text body**",
        (
            "Twisted answers every malformed request with a bare `400 Bad Request`. twistlike "
            "answers 400 (syntax, bad chunked encoding, Content-Length together with "
            "Transfer-Encoding, non-token header names), 414 (request target longer than "
            "`totalHeadersSize`), 431 (too many or too large headers), 413 (body over "
            "`max_body_size`) or 408 (headers too slow), each with `Connection: close` and a "
            "one-line text body naming the problem, then closes."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**A header timeout (60 s by default)**",
        (
            "Twisted has only the idle timeout (`timeOut`, 12 hours), so a client that trickles "
            "header bytes holds a connection for hours. twistlike adds `header_timeout` (an "
            "HTTPFactory/Site keyword, 60 s, None to turn off): from the connection's start for "
            "the first request and from the first byte of each later one, the headers must be "
            "complete, else 408 and close."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**Render methods may be `async def` or return a Deferred**",
        (
            'In Twisted such a return value is not bytes: a 500 "Request did not return bytes" '
            "page. In twistlike the response is written when the coroutine or Deferred fires (its"
            " result is the body, or NOT_DONE_YET); a failure becomes the usual 500 page."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**The Server header says `twistlike/<version>`**",
        "Twisted sends `TwistedWeb/<version>`; `twistlike.web.server.version` holds ours.",
    ),
    Divergence(
        _WEB_AREA,
        "**A response that breaks its own framing is aborted**",
        (
            "When an application writes more (or finishes with fewer) bytes than the "
            "Content-Length it set, h11 refuses the message: twistlike logs the error and aborts "
            "the connection, so the client sees a reset instead of a corrupted stream. Twisted "
            "sends what it was given."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**Pipelined requests: one at a time, 64 KiB of read-ahead**",
        (
            "h11 parses the next pipelined request only after the current response is complete. "
            "While a response is pending twistlike keeps reading (so a disconnect still reaches "
            "`notifyFinish`) until 64 KiB of later requests are buffered, then pauses reading."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**Chunked request bodies are spooled**",
        (
            "A request body of unknown length is kept in a SpooledTemporaryFile (memory up to 100"
            " kB, then a file) where Twisted opens a temporary file at once."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**No HTTP/2 negotiation wrapper**",
        (
            "`Site.buildProtocol` returns the HTTPChannel itself, not Twisted's "
            "`_GenericHTTPChannelProtocol` proxy (which exists to switch to HTTP/2)."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**Directory listings use twistlike's markup**",
        (
            "`static.File` lists a directory with the same columns (name, size, type, encoding), "
            "escaping and links as Twisted, in twistlike's own HTML."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**https needs the TLS feature**",
        (
            "Until `reactor.connectSSL` (twistlike's TLS work) is present, `Agent.request` on an "
            "https URL fails with SchemeNotSupported naming it, and "
            "`BrowserLikePolicyForHTTPS.creatorForNetloc` raises NotImplementedError."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**`testing.DummyRequest` has `isSecure`**",
        ("Twisted's double lacks it, so its `setHost` raises AttributeError; twistlike's works."),
    ),
)

# -- porting tools ----------------------------------------------------------------------------
_PORTING: tuple[Divergence, ...] = ()

DIVERGENCES: tuple[Divergence, ...] = _CORE + _APPLICATION + _TLS + _POSIX + _WEB + _PORTING

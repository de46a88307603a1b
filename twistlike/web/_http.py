"""The HTTP/1.1 server: Request, HTTPChannel and HTTPFactory over h11 (private home).

h11 does every bit of parsing and framing (request line, headers, Content-Length versus
chunked bodies, keep-alive, pipelining one request at a time); this module turns h11's events
into calls on Twisted's Request object and the Request's writes back into h11 events. It
uses only the reactor and transport APIs, never asyncio.

Channel call order, per request:
``Request(channel) -> gotLength -> handleContentChunk* -> requestReceived -> process
[-> write*] -> finish -> channel.requestDone`` (or ``connectionLost`` when the client leaves).
"""

from __future__ import annotations

import base64
import binascii
import calendar
import email.parser
import email.policy
import io
import math
import tempfile
import time
from collections.abc import Callable, Sequence
from typing import IO, Any, cast
from urllib.parse import unquote_to_bytes

import h11
from zope.interface import alsoProvides  # type: ignore[import-untyped, unused-ignore]

from twistlike._core.log import log_failure
from twistlike.address import IPv4Address, IPv6Address
from twistlike.defer import Deferred
from twistlike.failure import Failure
from twistlike.protocol import Protocol, ServerFactory, connectionDone
from twistlike.web._headers import (
    Headers,
    InvalidHeaderName,
    canonicalNames,
    encodeName,
    headersWithRaw,
    rawHeadersOf,
)
from twistlike.web._responses import RESPONSES
from twistlike.web.iweb import IAccessLogFormatter

_log_ns = "twistlike.web.http"

#: Magic value returned by setLastModified/setETag when the conditional request matched.
CACHED = """Magic constant returned by http.Request methods to set cache
validation headers when the request is conditional and the value fails
the condition."""

#: Responses that never have a body.
NO_BODY_CODES = (204, 304)

#: Twisted's default idle timeout of a connection: 12 hours.
_REQUEST_TIMEOUT = 60 * 60 * 12

#: Request bodies up to this size stay in memory; longer ones go to a temporary file.
_SPOOL_SIZE = 100_000

#: How many bytes of pipelined requests are read ahead while a response is pending, before
#: reading from the client pauses (reading on lets a disconnect be noticed meanwhile).
_READ_AHEAD = 65536

#: h11 events are immutable: the end of every response is this one.
_END_OF_MESSAGE = h11.EndOfMessage()

#: Canonical header names (the keys of Headers' dict), for the per-request lookups.
_CONTENT_LENGTH = encodeName(b"content-length")
_TRANSFER_ENCODING = encodeName(b"transfer-encoding")
_EXPECT = encodeName(b"expect")
_COOKIE = encodeName(b"cookie")
_LAST_MODIFIED = encodeName(b"last-modified")

_weekdayname = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_monthname = [
    None, "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
]  # fmt: skip
_weekdayname_lower = [name.lower() for name in _weekdayname]
_monthname_lower = [name and name.lower() for name in _monthname]


class PotentialDataLoss(Exception):
    """A body ended by the connection closing: it may have been cut short.

    Twisted: twisted.web.http.PotentialDataLoss.
    """


# ------------------------------------------------------------------------------------------
# Helpers with Twisted's names


def parse_qs(
    qs: bytes, keep_blank_values: int = 0, strict_parsing: int = 0
) -> dict[bytes, list[bytes]]:
    """Parse a query string (``&`` and ``;`` separate pairs) into bytes -> list of bytes.

    Twisted: twisted.web.http.parse_qs.

    Raises:
        ValueError: ``strict_parsing`` is true and a pair has no ``=``.
    """
    result: dict[bytes, list[bytes]] = {}
    for chunk in qs.split(b"&"):
        for item in chunk.split(b";"):
            try:
                key, value = item.split(b"=", 1)
            except ValueError:
                if strict_parsing:
                    raise
                continue
            if value or keep_blank_values:
                key = unquote_to_bytes(key.replace(b"+", b" "))
                value = unquote_to_bytes(value.replace(b"+", b" "))
                result.setdefault(key, []).append(value)
    return result


_dateCache: list[Any] = [-1, b""]


def nowString() -> bytes:
    """datetimeToString() for now, computed once per second (a header on every response)."""
    now = int(time.time())
    cache = _dateCache
    if cache[0] != now:
        cache[0] = now
        cache[1] = datetimeToString(now)
    value: bytes = cache[1]
    return value


def datetimeToString(msSinceEpoch: float | None = None) -> bytes:
    """Format epoch seconds (now by default) as an HTTP date: ``b"Sun, 06 Nov 1994 08:49:37 GMT"``.

    Twisted: twisted.web.http.datetimeToString.
    """
    year, month, day, hh, mm, ss, wd, _, _ = (
        time.gmtime() if msSinceEpoch is None else time.gmtime(msSinceEpoch)
    )
    return b"%s, %02d %3s %4d %02d:%02d:%02d GMT" % (
        _weekdayname[wd].encode("ascii"),
        day,
        cast(str, _monthname[month]).encode("ascii"),
        year,
        hh,
        mm,
        ss,
    )


def datetimeToLogString(msSinceEpoch: float | None = None) -> str:
    """Format epoch seconds as an access-log date: ``"[06/Nov/1994:08:49:37 +0000]"``.

    Twisted: twisted.web.http.datetimeToLogString.
    """
    if msSinceEpoch is None:
        msSinceEpoch = time.time()
    year, month, day, hh, mm, ss, _, _, _ = time.gmtime(msSinceEpoch)
    return f"[{day:02d}/{_monthname[month]}/{year:4d}:{hh:02d}:{mm:02d}:{ss:02d} +0000]"


def timegm(year: int, month: int, day: int, hour: int, minute: int, second: int) -> int:
    """Seconds since the epoch of a GMT time. Twisted: twisted.web.http.timegm.

    Raises:
        ValueError: the year is before 1970.
    """
    if year < 1970:
        raise ValueError("Years prior to 1970 not supported")
    return calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0))


def stringToDatetime(dateString: bytes) -> int:
    """Parse an HTTP date in any of its three formats into epoch seconds.

    Twisted: twisted.web.http.stringToDatetime.

    Raises:
        ValueError: the text is not an HTTP date.
    """
    parts = dateString.decode("ascii").split()
    if not parts:
        raise ValueError(f"Unknown datetime format {dateString!r}")
    if parts[0][0:3].lower() not in _weekdayname_lower:
        try:
            return stringToDatetime(b"Sun, " + dateString)
        except ValueError:
            pass
    count = len(parts)
    if count in (5, 6) and parts[1].isdigit():
        # RFC 1123: Sun, 06 Nov 1994 08:49:37 GMT
        day, month, year, clock = parts[1], parts[2], parts[3], parts[4]
    elif count in (3, 4) and parts[1].find("-") != -1:
        # RFC 850: Sunday, 06-Nov-94 08:49:37 GMT
        day, month, year = parts[1].split("-")
        clock = parts[2]
        iyear = int(year)
        year = str(iyear + (1900 if iyear >= 69 else 2000))
    elif count in (5, 6):
        # asctime: Sun Nov  6 08:49:37 1994
        month, day, clock, year = parts[1], parts[2], parts[3], parts[4]
    else:
        raise ValueError(f"Unknown datetime format {dateString!r}")
    try:
        imonth = _monthname_lower.index(month.lower())
    except ValueError:
        raise ValueError(f"Unknown month {month!r}") from None
    hour, minute, second = (int(x) for x in clock.split(":"))
    return timegm(int(year), imonth, int(day), hour, minute, second)


def toChunk(data: bytes) -> tuple[bytes, ...]:
    """Frame ``data`` as one HTTP chunk. Twisted: twisted.web.http.toChunk."""
    return (b"%x" % (len(data),), b"\r\n", data, b"\r\n")


def fromChunk(data: bytes) -> tuple[bytes, bytes]:
    """Split one HTTP chunk off ``data``: ``(chunk, rest)``. Twisted: http.fromChunk.

    Raises:
        ValueError: the chunk's size line or its CRLF ending is malformed.
    """
    prefix, rest = data.split(b"\r\n", 1)
    text = prefix.strip()
    if not text or not all(c in b"0123456789abcdefABCDEF" for c in text):
        raise ValueError(f"invalid chunk size {prefix!r}")
    length = int(text, 16)
    if rest[length : length + 2] != b"\r\n":
        raise ValueError("chunk must end with CRLF")
    return rest[:length], rest[length + 2 :]


def parseContentRange(header: str) -> tuple[int, int, int | None]:
    """Parse ``"bytes start-end/length"`` (length may be ``*``). Twisted: parseContentRange.

    Raises:
        ValueError: not a bytes range.
    """
    kind, other = header.strip().split()
    if kind.lower() != "bytes":
        raise ValueError(f"a range of type {kind!r} is not supported")
    startend, realLength = other.split("/")
    start, end = map(int, startend.split("-"))
    return start, end, None if realLength == "*" else int(realLength)


def urlparse(url: bytes) -> Any:
    """urllib.parse.urlparse for bytes URLs, giving bytes parts. Twisted: http.urlparse.

    Raises:
        TypeError: ``url`` is not bytes.
    """
    from urllib.parse import urlparse as stdlibUrlparse

    if not isinstance(url, bytes):
        raise TypeError("url must be bytes, not unicode")
    return stdlibUrlparse(url)


def _escape(value: str | bytes) -> str:
    """Escape a value for the combined log format (quotes and backslashes, as repr does)."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "backslashreplace")
    text = repr(value)
    if text[0] == "'":
        return text[1:-1].replace('"', '\\"').replace("\\'", "'")
    return text[1:-1]


def combinedLogFormatter(timestamp: str, request: Any) -> str:
    """Format one access-log line in the combined log format.

    Twisted: twisted.web.http.combinedLogFormatter.
    """
    addr = request.getClientAddress()
    ip: str | bytes = addr.host if isinstance(addr, IPv4Address | IPv6Address) else b"-"
    referrer = _escape(request.getHeader(b"referer") or b"-")
    agent = _escape(request.getHeader(b"user-agent") or b"-")
    return (
        f'"{_escape(ip)}" - - {timestamp} "{_escape(request.method)} {_escape(request.uri)} '
        f'{_escape(request.clientproto)}" {request.code:d} {request.sentLength or "-"} '
        f'"{referrer}" "{agent}"'
    )


alsoProvides(combinedLogFormatter, IAccessLogFormatter)


def _contentFile(length: int | None) -> IO[bytes]:
    """Where a request body goes: memory when small and of known size, else spooled."""
    if length is not None and length < _SPOOL_SIZE:
        return io.BytesIO()
    # Divergence from Twisted: a body of unknown length (chunked) is spooled (memory first,
    # a temporary file past 100 kB) instead of going straight to a temporary file.
    return cast(IO[bytes], tempfile.SpooledTemporaryFile(max_size=_SPOOL_SIZE))


def _multipartArgs(content: bytes, ctype: bytes) -> dict[bytes, list[bytes]]:
    """The form fields of a multipart/form-data body (stdlib email parser).

    Raises:
        ValueError: the body is not a well-formed multipart document.
    """
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    message = parser.parsebytes(b"Content-Type: " + ctype + b"\r\n\r\n" + content)
    if not message.is_multipart() or message.defects:
        raise ValueError("malformed multipart/form-data body")
    result: dict[bytes, list[bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name is None:
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            payload = b""
        result.setdefault(str(name).encode("utf-8"), []).append(payload)
    return result


# ------------------------------------------------------------------------------------------
# Request


class Request:
    """One HTTP request and the response being written to it.

    Twisted: twisted.web.http.Request.

    The channel fills in the request (headers, body, then ``requestReceived``), and
    ``process()`` hands it to the application, which sets the status and headers, writes
    the body and calls ``finish()`` (now or later). ``notifyFinish()`` tells when the
    response was sent, or fails with the reason the connection was lost first.
    """

    producer: Any = None
    finished: int = 0
    code: int = 200
    code_message: bytes = RESPONSES[200]
    method = b"(no method yet)"
    clientproto: bytes = b"(no clientproto yet)"
    uri = b"(no uri yet)"
    startedWriting: int = 0
    chunked: int = 0
    sentLength: int = 0
    etag: bytes | None = None
    lastModified: int | None = None
    path: bytes = b""
    content: IO[bytes] | None = None
    _forceSSL = 0
    _disconnected = False

    def __init__(
        self, channel: Any, queued: object = None, parsePOSTFormSubmission: bool = True
    ) -> None:
        self.notifications: list[Deferred[None]] = []
        self.channel: Any = channel
        self.client: Any = channel.getPeer()
        self.host: IPv4Address = channel.getHost()
        self.requestHeaders: Headers = Headers()
        self.received_cookies: dict[bytes, bytes] = {}
        self.responseHeaders: Headers = Headers()
        self.cookies: list[bytes] = []
        self.transport: Any = channel.transport
        self.queued: bool = bool(queued)
        self._parsePOSTFormSubmission = parsePOSTFormSubmission
        self.prepath: list[bytes] = []
        self.postpath: list[bytes] = []
        self.args: dict[bytes, list[bytes]] = {}

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} at 0x{id(self):x} method={self.method.decode('latin-1')} "
            f"uri={self.uri.decode('latin-1')} clientproto={self.clientproto.decode('latin-1')}>"
        )

    # ---- filled in by the channel -------------------------------------------------------

    def gotLength(self, length: int | None) -> None:
        """The body's length is known (None: chunked). Twisted: Request.gotLength."""
        if length is not None and length < _SPOOL_SIZE:
            self.content = io.BytesIO()  # (_contentFile's first case, without the call)
        else:
            self.content = _contentFile(length)

    def handleContentChunk(self, data: bytes) -> None:
        """Append part of the body. Twisted: Request.handleContentChunk."""
        assert self.content is not None
        self.content.write(data)

    def parseCookies(self) -> None:
        """Fill ``received_cookies`` from the Cookie headers. Twisted: Request.parseCookies."""
        values = rawHeadersOf(self.requestHeaders).get(_COOKIE)
        if not values:
            return
        for text in values:
            for cookie in text.split(b";"):
                try:
                    key, value = cookie.lstrip().split(b"=", 1)
                except ValueError:
                    continue
                self.received_cookies[key] = value

    def requestReceived(self, command: bytes, path: bytes, version: bytes) -> None:
        """The whole request has arrived: parse the target and form, then ``process()``.

        Twisted: Request.requestReceived.
        """
        if self.content is None:
            self.content = io.BytesIO()
        clength = self.content.tell()
        self.content.seek(0, 0)
        self.args = {}
        self.method, self.uri = command, path
        self.clientproto = version
        target = path.split(b"?", 1)
        if len(target) == 1:
            self.path = path
        else:
            self.path, query = target
            self.args = parse_qs(query, 1)
        ctype = (
            self.requestHeaders.getRawHeaders(b"content-type")
            if self.method == b"POST" and clength and self._parsePOSTFormSubmission
            else None
        )
        if ctype:
            key = ctype[0].split(b";", 1)[0].strip().lower()
            if key == b"application/x-www-form-urlencoded":
                self.args.update(parse_qs(self.content.read(), 1))
            elif key == b"multipart/form-data":
                try:
                    self.args.update(_multipartArgs(self.content.read(), ctype[0]))
                except ValueError:
                    self.channel._respondToBadRequestAndDisconnect(b"bad multipart/form-data body")
                    return
            self.content.seek(0, 0)
        self.process()

    def process(self) -> None:
        """Handle the request; the server's Request renders a resource here.

        Twisted: Request.process.
        """

    # ---- reading the request ------------------------------------------------------------

    def getHeader(self, key: bytes | str) -> Any:
        """The last value of request header ``key``, or None. Twisted: Request.getHeader."""
        value = self.requestHeaders.getRawHeaders(key)
        if value is not None:
            return value[-1]
        return None

    def getAllHeaders(self) -> dict[bytes, bytes]:
        """Lower-cased header name -> last value. Twisted: Request.getAllHeaders."""
        return {k.lower(): v[-1] for k, v in self.requestHeaders.getAllRawHeaders()}

    def getCookie(self, key: bytes) -> bytes | None:
        """The value of received cookie ``key``, or None. Twisted: Request.getCookie."""
        return self.received_cookies.get(key)

    def getRequestHostname(self) -> bytes:
        """The Host header without its port, else the local address. Twisted: same name."""
        host: bytes | None = self.getHeader(b"host")
        if host:
            if host[-1:] == b"]":
                return host  # an IPv6 literal without a port
            return host.rsplit(b":", 1)[0]
        return cast(str, self.getHost().host).encode("ascii")

    def getHost(self) -> Any:
        """The server's address of this connection. Twisted: Request.getHost."""
        return self.host

    def getClientAddress(self) -> Any:
        """The client's address. Twisted: Request.getClientAddress."""
        return self.client

    def getClientIP(self) -> str | None:
        """The client's IP, or None when not on IP. Twisted: Request.getClientIP (deprecated)."""
        if isinstance(self.client, IPv4Address | IPv6Address):
            return self.client.host
        return None

    def isSecure(self) -> bool:
        """Whether the connection is TLS. Twisted: Request.isSecure."""
        if self._forceSSL:
            return True
        channel = getattr(self, "channel", None)
        if channel is None:
            return False
        return bool(channel.isSecure())

    def _authorize(self) -> None:
        try:
            header = self.getHeader(b"authorization")
            if not header:
                self.user = self.password = b""
                return
            scheme, encoded = header.split()
            if scheme.lower() != b"basic":
                raise ValueError("not basic")
            self.user, self.password = base64.b64decode(encoded).split(b":", 1)
        except (binascii.Error, ValueError):
            self.user = self.password = b""

    def getUser(self) -> bytes:
        """The Basic-auth user name, or b"". Twisted: Request.getUser."""
        try:
            return self.user
        except AttributeError:
            self._authorize()
            return self.user

    def getPassword(self) -> bytes:
        """The Basic-auth password, or b"". Twisted: Request.getPassword."""
        try:
            return self.password
        except AttributeError:
            self._authorize()
            return self.password

    # ---- writing the response -----------------------------------------------------------

    def setResponseCode(self, code: int, message: bytes | None = None) -> None:
        """Set the status code (and phrase). Twisted: Request.setResponseCode.

        Raises:
            TypeError: ``code`` is not an int.
        """
        if not isinstance(code, int):
            raise TypeError("HTTP response code must be int or long")
        self.code = code
        self.code_message = (
            message if message is not None else RESPONSES.get(code, b"Unknown Status")
        )

    def setHeader(self, name: bytes | str, value: bytes | str) -> None:
        """Set response header ``name`` to the one value ``value``. Twisted: Request.setHeader."""
        self.responseHeaders.setRawHeaders(name, [value])

    def redirect(self, url: bytes | str) -> None:
        """Answer 302 Found with ``Location: url``. Twisted: Request.redirect."""
        self.setResponseCode(302)
        self.setHeader(b"Location", url)

    def setHost(self, host: bytes, port: int, ssl: int = 0) -> None:
        """Pretend the request arrived at ``host:port``. Twisted: Request.setHost."""
        self._forceSSL = ssl
        default = 443 if ssl else 80
        self.requestHeaders.setRawHeaders(
            b"host", [host if port == default else host + b":%d" % (port,)]
        )
        self.host = IPv4Address("TCP", host.decode("ascii"), port)

    def setLastModified(self, when: float) -> Any:
        """Set Last-Modified; answer 304 (returning CACHED) when If-Modified-Since matches.

        Twisted: Request.setLastModified.
        """
        iwhen = math.ceil(when)
        if not self.lastModified or self.lastModified < iwhen:
            self.lastModified = iwhen
        since = self.getHeader(b"if-modified-since")
        if since:
            try:
                sinceTime = stringToDatetime(since.split(b";", 1)[0])
            except (ValueError, UnicodeDecodeError):
                return None
            if sinceTime >= self.lastModified:
                self.setResponseCode(304)
                return CACHED
        return None

    def setETag(self, etag: bytes) -> Any:
        """Set ETag; answer 304/412 (returning CACHED) when If-None-Match matches.

        Twisted: Request.setETag.
        """
        if etag:
            self.etag = etag
        tags = self.getHeader(b"if-none-match")
        if tags:
            tagList = tags.split()
            if etag in tagList or b"*" in tagList:
                self.setResponseCode(304 if self.method in (b"HEAD", b"GET") else 412)
                return CACHED
        return None

    def addCookie(
        self,
        k: bytes | str,
        v: bytes | str,
        expires: bytes | str | None = None,
        domain: bytes | str | None = None,
        path: bytes | str | None = None,
        max_age: bytes | str | None = None,
        comment: bytes | str | None = None,
        secure: bool | None = None,
        httpOnly: bool = False,
        sameSite: bytes | str | None = None,
    ) -> None:
        """Add a Set-Cookie header to the response. Twisted: Request.addCookie.

        Raises:
            ValueError: ``sameSite`` is not lax/strict/none, or none without ``secure``.
        """

        def clean(value: bytes | str) -> bytes:
            raw = value.encode("utf-8") if isinstance(value, str) else value
            for bad in (b"\r\n", b"\r", b"\n", b";"):
                raw = raw.replace(bad, b" ")
            return raw

        cookie = clean(k) + b"=" + clean(v)
        for label, value in (
            (b"Expires", expires),
            (b"Domain", domain),
            (b"Path", path),
            (b"Max-Age", max_age),
            (b"Comment", comment),
        ):
            if value is not None:
                cookie += b"; " + label + b"=" + clean(value)
        if secure:
            cookie += b"; Secure"
        if httpOnly:
            cookie += b"; HttpOnly"
        if sameSite:
            same = (sameSite.encode("utf-8") if isinstance(sameSite, str) else sameSite).lower()
            if not secure and same == b"none":
                raise ValueError(
                    "Invalid value for sameSite: " + repr(same) + '. Missing the "secure" attribute'
                )
            if same not in (b"lax", b"strict", b"none"):
                raise ValueError("Invalid value for sameSite: " + repr(same))
            cookie += b"; SameSite=" + same
        self.cookies.append(cookie)

    def write(self, data: bytes) -> None:
        """Write part of the body; the first call sends the status line and headers.

        Twisted: Request.write.

        Raises:
            RuntimeError: the request was already finished.
            TypeError: ``data`` is not bytes.
        """
        if type(data) is not bytes and not isinstance(data, bytes):
            raise TypeError(f"Data must be bytes, not {type(data).__name__}: {data!r:.40}")
        if self.finished:
            raise RuntimeError("Request.write called on a request after Request.finish was called.")
        if self._disconnected:
            return
        if not self.startedWriting:
            self.startedWriting = 1
            headers = self.responseHeaders
            raw = rawHeadersOf(headers)
            if (
                self.clientproto == b"HTTP/1.1"
                and _CONTENT_LENGTH not in raw
                and self.method != b"HEAD"
                and self.code not in NO_BODY_CODES
            ):
                raw[_TRANSFER_ENCODING] = [b"chunked"]
                self.chunked = 1
            if self.lastModified is not None and _LAST_MODIFIED not in raw:
                raw[_LAST_MODIFIED] = [datetimeToString(self.lastModified)]
            if self.etag is not None:
                headers.setRawHeaders(b"ETag", [self.etag])
            if self.cookies:
                headers.setRawHeaders(b"Set-Cookie", self.cookies)
            self.channel.writeHeaders(
                self.clientproto, b"%d" % (self.code,), self.code_message, headers
            )
            if self.method == b"HEAD" or self.code in NO_BODY_CODES:
                self.write = lambda data: None  # type: ignore[method-assign]
                return
        self.sentLength += len(data)
        if data:
            self.channel.write(data)

    def writeSequence(self, data: Sequence[bytes]) -> None:
        """Write each bytes object of ``data``. Twisted: Request.writeSequence."""
        for chunk in data:
            self.write(chunk)

    def finish(self) -> None:
        """End the response (the next pipelined request may start).

        Twisted: Request.finish.

        Raises:
            RuntimeError: the connection was already lost (use ``notifyFinish`` to know).
        """
        if self._disconnected:
            raise RuntimeError(
                "Request.finish called on a request after its connection was lost; "
                "use Request.notifyFinish to keep track of this."
            )
        if self.finished:
            import warnings

            warnings.warn("Warning! request.finish called twice.", stacklevel=2)
            return
        if not self.startedWriting:
            self.write(b"")
        endResponse = getattr(self.channel, "endResponse", None)
        if endResponse is not None:
            endResponse()
        elif self.chunked:
            # A channel of the application's own (not HTTPChannel): Twisted's framing.
            self.channel.write(b"0\r\n\r\n")
        factory = getattr(self.channel, "factory", None)
        if factory is not None:
            factory.log(self)
        self.finished = 1
        self._cleanup()

    def _cleanup(self) -> None:
        if self.producer is not None:
            log_failure(
                Failure(RuntimeError(f"Producer was not unregistered for {self.uri!r}")),
                namespace=_log_ns,
            )
            self.unregisterProducer()
        self.channel.requestDone(self)
        del self.channel
        if self.content is not None:
            try:
                self.content.close()
            except OSError:
                pass
            del self.content
        notifications = self.notifications
        if notifications:
            self.notifications = []
            for d in notifications:
                d.callback(None)

    def notifyFinish(self) -> Deferred[None]:
        """A Deferred that fires with None once the response is finished, or fails with the
        reason (ConnectionDone, ConnectionLost) when the connection ends first.

        Twisted: Request.notifyFinish.
        """
        d: Deferred[None] = Deferred()
        self.notifications.append(d)
        return d

    def connectionLost(self, reason: Failure) -> None:
        """The connection ended before the response did. Twisted: Request.connectionLost."""
        self._disconnected = True
        self.channel = None
        if self.content is not None:
            self.content.close()
        notifications, self.notifications = self.notifications, []
        for d in notifications:
            d.errback(reason)

    def loseConnection(self) -> None:
        """Close the connection. Twisted: Request.loseConnection."""
        self.channel.loseConnection()

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        """Let ``producer`` write the body with flow control. Twisted: Request.registerProducer.

        Raises:
            ValueError: a producer is registered already.
        """
        if self.producer:
            raise ValueError(
                f"registering producer {producer!r} before previous one ({self.producer!r}) was "
                "unregistered"
            )
        self.streamingProducer = streaming
        self.producer = producer
        self.channel.registerProducer(producer, streaming)

    def unregisterProducer(self) -> None:
        """Twisted: Request.unregisterProducer."""
        channel = getattr(self, "channel", None)
        if channel is not None:
            channel.unregisterProducer()
        self.producer = None


# ------------------------------------------------------------------------------------------
# The channel: one connection, h11 underneath


class HTTPChannel(Protocol):
    """One HTTP/1.1 server connection: h11 parses, requests are built and answered in order.

    Twisted: twisted.web.http.HTTPChannel.

    Limits (class attributes, overridable per factory): ``maxHeaders`` (500 headers),
    ``totalHeadersSize`` (16384 bytes of request line and headers), ``timeOut`` (the idle
    timeout, 12 hours), ``abortTimeout`` (15 s to close before aborting); twistlike adds
    ``max_body_size`` (None: unbounded, bodies past 100 kB are spooled to a file) and
    ``header_timeout`` (seconds a client may take to send a request's headers).

    Hostile input gets a 4xx answer and the connection closes: malformed syntax (400),
    request smuggling with both Content-Length and Transfer-Encoding (400), too many or too
    large headers (431), a body over ``max_body_size`` (413), headers too slow (408).
    """

    maxHeaders = 500
    totalHeadersSize = 16384
    abortTimeout: float | None = 15
    timeOut: float | None = _REQUEST_TIMEOUT
    max_body_size: int | None = None
    # Divergence from Twisted: a header timeout (Twisted has only the 12-hour idle timeout).
    header_timeout: float | None = 60.0
    requestFactory: Callable[..., Any] = Request
    factory: Any = None

    def __init__(self) -> None:
        self._conn: h11.Connection | None = None
        self._request: Any = None
        self._driving = False
        # A response ended and the connection goes on: the driving loop starts h11's next
        # cycle (set by requestDone, which may run inside the loop).
        self._cycleDone = False
        self._readPaused = False
        self._bodyReceived = 0
        self._timer: Any = None
        self._timerAt = 0.0
        self._lastActivity = 0.0
        self._headerDeadline: float | None = None
        self._abortingCall: Any = None
        self._reactor: Any = None
        self._closing = False
        self._method = b""
        self._target = b""
        self._version = b""
        self._held = b""
        self._peer: Any = None
        self._host: Any = None

    # ---- clock ---------------------------------------------------------------------------

    @property
    def callLater(self) -> Callable[..., Any]:
        """The reactor's callLater (Twisted sets this attribute from the factory)."""
        return cast(Callable[..., Any], self._clock().callLater)

    @callLater.setter
    def callLater(self, value: Callable[..., Any]) -> None:
        # Twisted's tests set ``channel.callLater = clock.callLater``: use that clock.
        owner = getattr(value, "__self__", None)
        if owner is None or not hasattr(owner, "seconds"):
            raise TypeError("callLater must be the bound callLater of a reactor or Clock")
        self._reactor = owner

    def _clock(self) -> Any:
        if self._reactor is None:
            factory = self.factory
            reactor = getattr(factory, "reactor", None) if factory is not None else None
            if reactor is None:
                from twistlike import reactor as globalReactor

                reactor = globalReactor
            self._reactor = reactor
        return self._reactor

    def _arm(self, when: float, now: float) -> None:
        # ``_timer`` is None or pending: _checkTimeouts and connectionLost reset it to None,
        # so callers skip this call when ``_timer`` is set and due no later than ``when``.
        timer = self._timer
        if timer is not None and timer.active():
            if when < self._timerAt:
                timer.reset(max(0.0, when - now))
                self._timerAt = when
            return
        self._timer = self._clock().callLater(max(0.0, when - now), self._checkTimeouts)
        self._timerAt = when

    def _checkTimeouts(self) -> None:
        self._timer = None
        if self._closing or not self.connected:
            return
        now = self._clock().seconds()
        deadline = self._headerDeadline
        if deadline is not None and now >= deadline:
            self._headerDeadline = None
            self._rejectAndClose(408, b"the request headers took too long to arrive")
            return
        nextAt = deadline
        if self.timeOut is not None and self._request is None:
            idleAt = self._lastActivity + self.timeOut
            if now >= idleAt:
                self.timeoutConnection()
                return
            nextAt = idleAt if nextAt is None else min(nextAt, idleAt)
        elif self.timeOut is not None:
            # A request is being answered: the idle clock restarts when it is done.
            idleAt = now + self.timeOut
            nextAt = idleAt if nextAt is None else min(nextAt, idleAt)
        if nextAt is not None:
            self._arm(nextAt, now)

    def setTimeout(self, period: float | None) -> float | None:
        """Change the idle timeout; return the old one. Twisted: TimeoutMixin.setTimeout."""
        old, self.timeOut = self.timeOut, period
        if period is not None and self.connected:
            now = self._clock().seconds()
            self._lastActivity = now
            self._arm(now + period, now)
        return old

    def resetTimeout(self) -> None:
        """Restart the idle clock. Twisted: TimeoutMixin.resetTimeout."""
        self._lastActivity = self._clock().seconds()

    def timeoutConnection(self) -> None:
        """The connection was idle for ``timeOut`` seconds: close it (abort later).

        Twisted: HTTPChannel.timeoutConnection.
        """
        from twistlike.log import msg

        msg(f"Timing out client: {self.transport.getPeer()}")
        if self.abortTimeout is not None:
            self._abortingCall = self._clock().callLater(self.abortTimeout, self.forceAbortClient)
        self.loseConnection()

    def forceAbortClient(self) -> None:
        """The client did not close after a timeout: abort.

        Twisted: HTTPChannel.forceAbortClient.
        """
        self._abortingCall = None
        self.transport.abortConnection()

    # ---- IProtocol ------------------------------------------------------------------------

    def connectionMade(self) -> None:
        """Start the h11 state machine and the timers. Twisted: HTTPChannel.connectionMade."""
        self._conn = h11.Connection(h11.SERVER, max_incomplete_event_size=self.totalHeadersSize)
        now = self._clock().seconds()
        self._lastActivity = now
        self._startCycle(now, first=True)

    def _startCycle(self, now: float, first: bool = False) -> bool:
        """A new request may begin: arm the header deadline and the idle timer.

        The header deadline runs from the connection's start for its first request, and
        from the first byte of each later one (between requests the idle timeout rules).
        Returns whether bytes of a next request are buffered already.
        """
        self._bodyReceived = 0
        when: float | None = None
        conn = self._conn
        pending = conn is not None and bool(conn.trailing_data[0])
        if self.header_timeout is not None and (first or pending):
            self._headerDeadline = now + self.header_timeout
            when = self._headerDeadline
        else:
            self._headerDeadline = None
        if self.timeOut is not None:
            idleAt = now + self.timeOut
            when = idleAt if when is None else min(when, idleAt)
        if when is not None and (self._timer is None or when < self._timerAt):
            self._arm(when, now)
        return pending

    def dataReceived(self, data: bytes) -> None:
        """Feed ``data`` to h11 and act on the events it yields.

        Twisted: HTTPChannel.dataReceived.
        """
        conn = self._conn
        if conn is None or self._closing:
            return
        if self.timeOut is not None or self._headerDeadline is None:
            reactor = self._reactor
            now = (reactor if reactor is not None else self._clock()).seconds()
            self._lastActivity = now
            if (
                self._headerDeadline is None
                and self.header_timeout is not None
                and self._request is None
                and conn.their_state is h11.IDLE
            ):
                deadline = self._headerDeadline = now + self.header_timeout
                if self._timer is None or deadline < self._timerAt:
                    self._arm(deadline, now)
        try:
            conn.receive_data(data)
        except RuntimeError:
            return  # h11 refuses data after an error: the connection is closing
        self._drive()

    def _drive(self) -> None:
        """Turn h11 events into Request calls until h11 needs more data or a response."""
        if self._driving:
            return  # re-entered from a synchronous finish(): the outer loop continues
        self._driving = True
        conn = self._conn
        assert conn is not None
        NEED_DATA, PAUSED = h11.NEED_DATA, h11.PAUSED
        try:
            while not self._closing:
                if self._cycleDone:
                    # requestDone saw both sides DONE: the next request may begin.
                    self._cycleDone = False
                    conn.start_next_cycle()
                    pending = self._startCycle(self._lastActivity)
                    if self._readPaused:
                        self._readPaused = False
                        self.transport.resumeProducing()
                    if not pending:
                        # Nothing buffered: next_event() would answer NEED_DATA (or, after
                        # the client's EOF, ConnectionClosed, which ends this loop too).
                        return
                try:
                    event = conn.next_event()
                except h11.RemoteProtocolError as e:
                    self._rejectAndClose(e.error_status_hint, str(e).encode("ascii", "replace"))
                    return
                if event is NEED_DATA:
                    return
                if event is PAUSED:
                    # A response is pending; read on (a disconnect must still be noticed) but
                    # never buffer more than _READ_AHEAD bytes of the next requests.
                    if len(conn.trailing_data[0]) > _READ_AHEAD and not self._readPaused:
                        self._readPaused = True
                        self.transport.pauseProducing()
                    return
                kind = type(event)
                if kind is h11.Request:
                    self._gotRequest(event)  # type: ignore[arg-type]
                elif kind is h11.EndOfMessage:
                    self._gotEnd()
                elif kind is h11.Data:
                    self._gotBody(event.data)  # type: ignore[union-attr]
                elif kind is h11.ConnectionClosed:
                    return
        finally:
            self._driving = False

    def _gotRequest(self, event: h11.Request) -> None:
        self._headerDeadline = None
        conn = self._conn
        assert conn is not None
        raw = event.headers.raw_items()  # h11 has validated every name and value
        if len(raw) > self.maxHeaders:
            self._rejectAndClose(431, b"too many request headers")
            return
        # h11 bounds what it buffers of an incomplete head; a head that arrived whole is
        # measured here, so the limit does not depend on how the bytes were segmented.
        limit = self.totalHeadersSize
        target = event.target
        if len(target) > limit:
            self._rejectAndClose(414, b"the request target is longer than %d bytes" % (limit,))
            return
        # Headers' dict, built here (h11 validated the names: they only need their canonical
        # spelling) while measuring the head: name, value, ": " and CRLF of each.
        rawHeaders: dict[bytes, list[bytes]] = {}
        size = len(target)
        canonical = canonicalNames
        try:
            for name, value in raw:
                size += len(name) + len(value) + 4
                key = canonical.get(name)
                if key is None:
                    key = encodeName(name)
                values = rawHeaders.get(key)
                if values is None:
                    rawHeaders[key] = [value]
                else:
                    values.append(value)
        except InvalidHeaderName as e:
            self._rejectAndClose(400, b"invalid header name " + repr(e.args[0]).encode())
            return
        if size > limit:
            self._rejectAndClose(431, b"the request headers are larger than %d bytes" % (limit,))
            return
        lengths = rawHeaders.get(_CONTENT_LENGTH)
        hasEncoding = _TRANSFER_ENCODING in rawHeaders
        if lengths is not None and hasEncoding:
            # RFC 9112 section 6.1: such a message may be an attempt at request smuggling.
            self._rejectAndClose(400, b"both Content-Length and Transfer-Encoding")
            return
        length: int | None
        if hasEncoding:
            length = None
        elif lengths is None:
            length = 0
        else:
            length = int(lengths[0])
        maxBody = self.max_body_size
        if maxBody is not None and length is not None and length > maxBody:
            self._rejectAndClose(413, b"the request body is larger than %d bytes" % (maxBody,))
            return
        headers = headersWithRaw(rawHeaders)
        request = self.requestFactory(self, queued=False)
        request.requestHeaders = headers
        self._request = request
        self._method = event.method
        self._target = target
        self._version = b"HTTP/" + event.http_version
        request.gotLength(length)
        if _EXPECT in rawHeaders and conn.they_are_waiting_for_100_continue:
            self._send(h11.InformationalResponse(status_code=100, headers=[], reason=b"Continue"))

    def _gotBody(self, data: bytes) -> None:
        self._bodyReceived += len(data)
        limit = self.max_body_size
        if limit is not None and self._bodyReceived > limit:
            self._rejectAndClose(413, b"the request body is larger than %d bytes" % (limit,))
            return
        request = self._request
        if request is not None:
            request.handleContentChunk(data)

    def _gotEnd(self) -> None:
        request = self._request
        if request is None:
            return
        request.parseCookies()
        try:
            request.requestReceived(self._method, self._target, self._version)
        except BaseException:
            log_failure(Failure(), "Unhandled error processing a request", namespace=_log_ns)
            if self.connected and not self._closing:
                self.transport.abortConnection()

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        """Tell the unfinished request; stop the timers. Twisted: HTTPChannel.connectionLost."""
        self._closing = True
        for call in (self._timer, self._abortingCall):
            if call is not None and call.active():
                call.cancel()
        self._timer = self._abortingCall = None
        request, self._request = self._request, None
        if request is not None and not request.finished:
            request.connectionLost(reason)

    # ---- the response side, called by Request -------------------------------------------

    def _send(self, event: Any, hold: bool = False) -> bool:
        """Send one h11 event; on a framing error by the application, log and abort.

        With ``hold``, the bytes wait for the next event's, so that a response head and its
        body leave in one write (one system call, one TCP segment for a small response).
        """
        conn = self._conn
        if conn is None or self._closing:
            return False
        try:
            data = conn.send(event)
        except h11.LocalProtocolError:
            self._badResponse()
            return False
        held = self._held
        if held:
            data = held + data if data else held
            self._held = b""
        if hold:
            self._held = data
        elif data:
            self.transport.write(data)
        return True

    def _badResponse(self) -> None:
        """h11 refused to send an event of the response: log it and abort the connection."""
        # Divergence from Twisted: a response that breaks its own framing (say more bytes
        # than its Content-Length) is aborted instead of sent corrupted.
        log_failure(Failure(), "Invalid HTTP response; aborting the connection", namespace=_log_ns)
        self._closing = True
        self._held = b""
        self.transport.abortConnection()

    def writeHeaders(self, version: bytes, code: bytes, reason: bytes, headers: Headers) -> None:
        """Send the status line and headers. Twisted: HTTPChannel.writeHeaders."""
        # Divergence from Twisted: h11 writes "HTTP/1.1" whatever ``version`` the client used
        # (with Connection: close and close-delimited framing for an HTTP/1.0 client).
        self._send(
            h11.Response(
                status_code=int(code),
                headers=[(k, v) for k, values in rawHeadersOf(headers).items() for v in values],
                reason=reason,
            ),
            hold=True,
        )

    def write(self, data: bytes) -> None:
        """Send part of the body (h11 frames it: chunked or counted). Twisted: HTTPChannel.write."""
        if data:
            # (_send inlined: this runs for every piece of every body.)
            conn = self._conn
            if conn is None or self._closing:
                return
            try:
                out = conn.send(h11.Data(data=data))
            except h11.LocalProtocolError:
                self._badResponse()
                return
            held = self._held
            if held:
                self._held = b""
                out = held + out if out else held
            if out:
                self.transport.write(out)
        elif self._held:
            self._flush()

    def _flush(self) -> None:
        """Send a held response head now (``write(b"")`` asks for the headers to go out)."""
        held, self._held = self._held, b""
        if held and not self._closing:
            self.transport.write(held)

    def writeSequence(self, iovec: Sequence[bytes]) -> None:
        """Twisted: HTTPChannel.writeSequence."""
        for data in iovec:
            self.write(data)

    def endResponse(self) -> None:
        """The response is complete: send its end (the last chunk, if chunked)."""
        self._send(_END_OF_MESSAGE)

    def requestDone(self, request: Any) -> None:
        """The current request is finished: close, or go on with the next one.

        Twisted: HTTPChannel.requestDone.
        """
        if request is not self._request:
            return
        self._request = None
        conn = self._conn
        if conn is None or self._closing:
            return
        if conn.our_state is h11.MUST_CLOSE or conn.our_state is h11.ERROR:
            self.loseConnection()
            return
        if conn.their_state is not h11.DONE:
            # Answered before the request body was complete (h11 cannot skip the rest).
            self.loseConnection()
            return
        reactor = self._reactor
        self._lastActivity = (reactor if reactor is not None else self._clock()).seconds()
        self._cycleDone = True
        if not self._driving:  # (else the driving loop below us goes on by itself)
            self._drive()

    def _respondToBadRequestAndDisconnect(self, why: bytes = b"bad request") -> None:
        """Answer 400 and close. Twisted: HTTPChannel._respondToBadRequestAndDisconnect."""
        self._rejectAndClose(400, why)

    def _rejectAndClose(self, status: int, why: bytes) -> None:
        """Answer a hostile or broken request with ``status`` and a short text, then close."""
        # Divergence from Twisted: the precise 4xx and a one-line reason, where Twisted
        # writes a bare "400 Bad Request" for every kind of bad request.
        if self._closing:
            return
        request, self._request = self._request, None
        phrase = RESPONSES.get(status, b"Bad Request")
        body = phrase + b": " + why.replace(b"\r", b" ").replace(b"\n", b" ")[:200] + b"\n"
        conn = self._conn
        if conn is None or conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
            # The client has not seen a response to this request yet: it can get one.
            self.transport.write(
                b"HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
                % (status, phrase, len(body), body)
            )
        self._closing = True
        if request is not None and not request.finished:
            request.connectionLost(Failure(ConnectionError(phrase.decode("ascii"))))
        self.loseConnection()

    # ---- transport passthrough ------------------------------------------------------------

    def getPeer(self) -> Any:
        """Twisted: HTTPChannel.getPeer (asked once per connection, then remembered)."""
        peer = self._peer
        if peer is None:
            peer = self._peer = self.transport.getPeer()
        return peer

    def getHost(self) -> Any:
        """Twisted: HTTPChannel.getHost (asked once per connection, then remembered)."""
        host = self._host
        if host is None:
            host = self._host = self.transport.getHost()
        return host

    def isSecure(self) -> bool:
        """Whether the transport is TLS (it has a TLS connection object or a peer certificate)."""
        transport = self.transport
        return bool(
            getattr(transport, "TLS", False)
            or getattr(transport, "getPeerCertificate", None) is not None
        )

    def loseConnection(self) -> None:
        """Close after the buffered response is sent. Twisted: HTTPChannel.loseConnection."""
        self._closing = True
        if self.transport is not None:
            self.transport.loseConnection()

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        """Twisted: HTTPChannel.registerProducer."""
        self.transport.registerProducer(producer, streaming)

    def unregisterProducer(self) -> None:
        """Twisted: HTTPChannel.unregisterProducer."""
        self.transport.unregisterProducer()


# ------------------------------------------------------------------------------------------
# The factory


class HTTPFactory(ServerFactory[HTTPChannel]):
    """Makes HTTPChannels; writes the access log.

    Twisted: twisted.web.http.HTTPFactory.

    Args:
        logPath: a file to append combined-format access log lines to, or None.
        timeout: the idle timeout of connections, in seconds (None: none).
        logFormatter: formats a log line; :func:`combinedLogFormatter` by default.
        reactor: the clock for timeouts and log times; the global reactor by default.
        max_body_size: twistlike: the largest request body accepted (413 beyond); None for
            no limit (Twisted's behaviour; bodies past 100 kB are spooled to a file).
        header_timeout: twistlike: seconds a client may take to send a request's headers
            (408 and close after); None for no limit (Twisted's behaviour).
        max_headers: twistlike: how many request headers are accepted (Twisted: 500).
        max_header_bytes: twistlike: the bytes of request line plus headers accepted
            (Twisted: 16384).
    """

    protocol = HTTPChannel
    logPath: str | None = None
    timeOut: float | None = _REQUEST_TIMEOUT

    def __init__(
        self,
        logPath: str | bytes | None = None,
        timeout: float | None = _REQUEST_TIMEOUT,
        logFormatter: Callable[[str, Any], str] | None = None,
        reactor: Any = None,
        *,
        max_body_size: int | None = None,
        header_timeout: float | None = 60.0,
        max_headers: int = 500,
        max_header_bytes: int = 16384,
    ) -> None:
        if reactor is None:
            from twistlike import reactor as globalReactor

            reactor = globalReactor
        self.reactor = reactor
        import os

        if isinstance(logPath, bytes):
            logPath = os.fsdecode(logPath)
        self.logPath = os.path.abspath(logPath) if logPath is not None else None
        self.timeOut = timeout
        self._logFormatter = logFormatter if logFormatter is not None else combinedLogFormatter
        self._logFile: Any = None
        self._logDateTimeAt = -1
        self._logDateTime = ""
        self.max_body_size = max_body_size
        self.header_timeout = header_timeout
        self.max_headers = max_headers
        self.max_header_bytes = max_header_bytes

    @property
    def logFile(self) -> Any:
        """The text file access-log lines go to. Twisted: HTTPFactory.logFile.

        Raises:
            AttributeError: there is none.
        """
        if self._logFile is None:
            raise AttributeError("no log file present")
        return self._logFile

    @logFile.setter
    def logFile(self, value: Any) -> None:
        if isinstance(value, io.BufferedIOBase | io.RawIOBase):
            value = io.TextIOWrapper(cast(Any, value), "utf-8", write_through=True, newline="\n")
        self._logFile = value

    def buildProtocol(self, addr: Any) -> HTTPChannel:
        """Make a channel with this factory's limits. Twisted: HTTPFactory.buildProtocol."""
        p = self.protocol()
        p.factory = self
        p.timeOut = self.timeOut
        p._reactor = self.reactor
        p.max_body_size = self.max_body_size
        p.header_timeout = self.header_timeout
        p.maxHeaders = self.max_headers
        p.totalHeadersSize = self.max_header_bytes
        return p

    def startFactory(self) -> None:
        """Open the access log. Twisted: HTTPFactory.startFactory."""
        if self.logPath is not None and self._logFile is None:
            self.logFile = open(self.logPath, "a", encoding="utf-8", newline="\n")

    def stopFactory(self) -> None:
        """Close the access log. Twisted: HTTPFactory.stopFactory."""
        if self._logFile is not None and self.logPath is not None:
            self._logFile.close()
            self._logFile = None

    def _updateLogDateTime(self) -> str:
        now = int(self.reactor.seconds())
        if now != self._logDateTimeAt:
            self._logDateTimeAt = now
            self._logDateTime = datetimeToLogString(now)
        return self._logDateTime

    def log(self, request: Any) -> None:
        """Write the access-log line of a finished request. Twisted: HTTPFactory.log."""
        logFile = self._logFile
        if logFile is not None:
            logFile.write(self._logFormatter(self._updateLogDateTime(), request) + "\n")

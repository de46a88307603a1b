"""HTTP status codes and their reason phrases, as Twisted spells them (private home)."""

from __future__ import annotations

_CODES: tuple[tuple[str, int, bytes], ...] = (
    ("_CONTINUE", 100, b"Continue"),
    ("SWITCHING", 101, b"Switching Protocols"),
    ("OK", 200, b"OK"),
    ("CREATED", 201, b"Created"),
    ("ACCEPTED", 202, b"Accepted"),
    ("NON_AUTHORITATIVE_INFORMATION", 203, b"Non-Authoritative Information"),
    ("NO_CONTENT", 204, b"No Content"),
    ("RESET_CONTENT", 205, b"Reset Content."),
    ("PARTIAL_CONTENT", 206, b"Partial Content"),
    ("MULTI_STATUS", 207, b"Multi-Status"),
    ("MULTIPLE_CHOICE", 300, b"Multiple Choices"),
    ("MOVED_PERMANENTLY", 301, b"Moved Permanently"),
    ("FOUND", 302, b"Found"),
    ("SEE_OTHER", 303, b"See Other"),
    ("NOT_MODIFIED", 304, b"Not Modified"),
    ("USE_PROXY", 305, b"Use Proxy"),
    ("TEMPORARY_REDIRECT", 307, b"Temporary Redirect"),
    ("PERMANENT_REDIRECT", 308, b"Permanent Redirect"),
    ("BAD_REQUEST", 400, b"Bad Request"),
    ("UNAUTHORIZED", 401, b"Unauthorized"),
    ("PAYMENT_REQUIRED", 402, b"Payment Required"),
    ("FORBIDDEN", 403, b"Forbidden"),
    ("NOT_FOUND", 404, b"Not Found"),
    ("NOT_ALLOWED", 405, b"Method Not Allowed"),
    ("NOT_ACCEPTABLE", 406, b"Not Acceptable"),
    ("PROXY_AUTH_REQUIRED", 407, b"Proxy Authentication Required"),
    ("REQUEST_TIMEOUT", 408, b"Request Time-out"),
    ("CONFLICT", 409, b"Conflict"),
    ("GONE", 410, b"Gone"),
    ("LENGTH_REQUIRED", 411, b"Length Required"),
    ("PRECONDITION_FAILED", 412, b"Precondition Failed"),
    ("REQUEST_ENTITY_TOO_LARGE", 413, b"Request Entity Too Large"),
    ("REQUEST_URI_TOO_LONG", 414, b"Request-URI Too Long"),
    ("UNSUPPORTED_MEDIA_TYPE", 415, b"Unsupported Media Type"),
    ("REQUESTED_RANGE_NOT_SATISFIABLE", 416, b"Requested Range not satisfiable"),
    ("EXPECTATION_FAILED", 417, b"Expectation Failed"),
    ("IM_A_TEAPOT", 418, b"I'm a teapot"),
    ("INTERNAL_SERVER_ERROR", 500, b"Internal Server Error"),
    ("NOT_IMPLEMENTED", 501, b"Not Implemented"),
    ("BAD_GATEWAY", 502, b"Bad Gateway"),
    ("SERVICE_UNAVAILABLE", 503, b"Service Unavailable"),
    ("GATEWAY_TIMEOUT", 504, b"Gateway Time-out"),
    ("HTTP_VERSION_NOT_SUPPORTED", 505, b"HTTP Version not supported"),
    ("INSUFFICIENT_STORAGE_SPACE", 507, b"Insufficient Storage Space"),
    ("NOT_EXTENDED", 510, b"Not Extended"),
)

#: Status code -> reason phrase (Twisted's phrases, including its few odd spellings).
RESPONSES: dict[int, bytes] = {code: phrase for _, code, phrase in _CODES}


def codeToMessage(code: int | bytes) -> bytes | None:
    """The reason phrase for ``code`` (an int or its ASCII digits), or None."""
    try:
        return RESPONSES.get(int(code))
    except ValueError:
        return None

"""The HTTP client: Agent, connection pooling, redirects, decoding, proxies, readBody.

Twisted: twisted.web.client.

Every request gives a Deferred, which asyncio code can await:
``response = await agent.request(b"GET", url)``; ``body = await readBody(response)``.
https:// goes through ``reactor.connectSSL`` with ``BrowserLikePolicyForHTTPS``'s settings
(the peer and its host name are verified by default).
"""

from twistlike.web._client import (
    URI,
    Agent,
    BrowserLikePolicyForHTTPS,
    BrowserLikeRedirectAgent,
    ContentDecoderAgent,
    CookieAgent,
    FileBodyProducer,
    GzipDecoder,
    HTTP11ClientProtocol,
    HTTPConnectionPool,
    PartialDownloadError,
    ProxyAgent,
    RedirectAgent,
    Request,
    RequestGenerationFailed,
    RequestNotSent,
    RequestTransmissionFailed,
    Response,
    ResponseDone,
    ResponseFailed,
    ResponseNeverReceived,
    readBody,
)

__all__ = [
    "URI",
    "Agent",
    "BrowserLikePolicyForHTTPS",
    "BrowserLikeRedirectAgent",
    "ContentDecoderAgent",
    "CookieAgent",
    "FileBodyProducer",
    "GzipDecoder",
    "HTTP11ClientProtocol",
    "HTTPConnectionPool",
    "PartialDownloadError",
    "ProxyAgent",
    "RedirectAgent",
    "Request",
    "RequestGenerationFailed",
    "RequestNotSent",
    "RequestTransmissionFailed",
    "Response",
    "ResponseDone",
    "ResponseFailed",
    "ResponseNeverReceived",
    "readBody",
]

# This module is the public home of these names: show it in reprs, tracebacks and pickles.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("twistlike.web._"):
        _obj.__module__ = __name__
del _name, _obj

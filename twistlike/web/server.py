"""Serving a resource tree: Site, the rendering Request, NOT_DONE_YET and sessions.

Twisted: twisted.web.server.

twistlike adds one convenience: a render method may be ``async def`` or return a Deferred,
and the response is written when it fires (docs/web.md).
"""

from twistlike.web._server import (
    NOT_DONE_YET,
    GzipEncoderFactory,
    Request,
    Session,
    Site,
    supportedMethods,
    version,
)

__all__ = [
    "NOT_DONE_YET",
    "GzipEncoderFactory",
    "Request",
    "Session",
    "Site",
    "supportedMethods",
    "version",
]

# This module is the public home of these names: show it in reprs, tracebacks and pickles.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("twistlike.web._"):
        _obj.__module__ = __name__
del _name, _obj

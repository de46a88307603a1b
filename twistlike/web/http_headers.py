"""HTTP header collections: case-insensitive names, several values per name.

Twisted: twisted.web.http_headers.

Names are canonicalised to ``Http-Header-Case`` (with Twisted's special spellings such as
``ETag`` and ``WWW-Authenticate``) and must be RFC 9110 tokens; values have line breaks
replaced by spaces, so a header can never smuggle a second header line. ``str`` names and
values are accepted (names as ISO-8859-1, values as UTF-8) and a ``str`` query gets ``str``
values back, as in Twisted 26.
"""

from twistlike.web._headers import Headers, InvalidHeaderName

__all__ = ["Headers", "InvalidHeaderName"]

# This module is the public home of these names: show it in reprs, tracebacks and pickles.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("twistlike.web._"):
        _obj.__module__ = __name__
del _name, _obj

"""twisted.web on asyncio: HTTP/1.1 server and client over h11, static files, WSGI, ASGI.

Twisted: twisted.web. See docs/web.md.

The modules mirror Twisted's: ``resource``, ``server``, ``http``, ``http_headers``,
``static``, ``util``, ``wsgi``, ``client``, ``iweb``, ``error``; ``testing`` holds the
request doubles of ``twisted.web.test.requesthelper``; ``asgi`` runs a resource tree as an
ASGI application and an ASGI application as a resource.
"""

__all__: list[str] = []

"""ASGI both ways: a resource tree as an ASGI application, an ASGI application as a resource.

twistlike-only (Twisted has no ASGI support). See docs/web.md.

* ``asgi_app(root_or_site)`` runs existing twisted.web code under uvicorn or hypercorn, or
  inside Starlette/FastAPI (mount it): request bodies, streaming, NOT_DONE_YET and
  ``notifyFinish`` on client disconnect all work.
* ``ASGIResource(app)`` mounts a FastAPI/Starlette application inside a twistlike Site,
  the way WSGIResource mounts a WSGI one; its lifespan follows the reactor.
"""

from twistlike._aio.asgi import ASGIResource, asgi_app

__all__ = ["ASGIResource", "asgi_app"]

# This module is the public home of these names: show it in reprs, tracebacks and pickles.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("twistlike._"):
        _obj.__module__ = __name__
del _name, _obj

"""Resources: the objects a Site's URL tree is made of.

Twisted: twisted.web.resource.

A request's path is walked from the root: each segment moves from ``request.postpath`` to
``request.prepath`` and selects a child (:func:`getChildForRequest`) until a leaf or the end
of the path; the resource found renders the response (``render`` -> ``render_<METHOD>``).
"""

# zope.interface ships no type information: interfaces subclass an Any, and their methods
# are declarations without bodies (as in twistlike/interfaces.py).
# mypy: allow-subclassing-any
# mypy: disable-error-code="empty-body"

from __future__ import annotations

from typing import Any, ClassVar

from zope.interface import implementer  # type: ignore[import-untyped, unused-ignore]

from twistlike._core.zi import Attribute, Interface
from twistlike.web._iencoding import IEncodingResource
from twistlike.web.error import UnsupportedMethod

__all__ = [
    "EncodingResourceWrapper",
    "ErrorPage",
    "ForbiddenResource",
    "IResource",
    "NoResource",
    "Resource",
    "getChildForRequest",
]

_FORBIDDEN = 403
_NOT_FOUND = 404


class IResource(Interface):
    """A web resource: it has children and renders requests.

    Twisted: twisted.web.resource.IResource.
    """

    isLeaf: Attribute = Attribute("True when the resource handles the rest of the path itself.")

    def getChildWithDefault(name: bytes, request: Any) -> Any:  # type: ignore[misc]
        """Return the child called ``name`` (a static child first, else ``getChild``)."""

    def putChild(path: bytes, child: Any) -> None:  # type: ignore[misc]
        """Add a static child at ``path`` (one path segment)."""

    def render(request: Any) -> Any:
        """Render ``request``: return bytes, or NOT_DONE_YET and finish it later."""


#: The render method names of the common methods (built once, not per request).
_RENDER_NAMES = {
    m: "render_" + m.decode("ascii")
    for m in (b"GET", b"HEAD", b"POST", b"PUT", b"DELETE", b"OPTIONS", b"PATCH")
}


def _allowedMethods(resource: object) -> list[bytes]:
    """The methods ``resource`` has a ``render_<METHOD>`` for, as bytes (Twisted's order:
    the class hierarchy's, base classes first)."""
    names: list[str] = []
    for klass in reversed(type(resource).__mro__):
        for attr in vars(klass):
            if attr.startswith("render_") and attr[7:] and attr[7:] not in names:
                names.append(attr[7:])
    return [name.encode("ascii") for name in names]


@implementer(IResource)
class Resource:
    """A node of the URL tree with static children and ``render_<METHOD>`` dispatch.

    Twisted: twisted.web.resource.Resource.

    Set ``isLeaf = True`` on a resource that renders every path below it itself; give it an
    ``allowedMethods`` attribute to control the ``Allow`` header of its 405 answers (by
    default the methods it has ``render_*`` methods for).
    """

    entityType: ClassVar[Any] = IResource
    server: Any = None
    isLeaf: bool | int = 0

    def __init__(self) -> None:
        self.children: dict[bytes, Any] = {}

    def listStaticNames(self) -> list[bytes]:
        """The names of the static children. Twisted: Resource.listStaticNames."""
        return list(self.children.keys())

    def listStaticEntities(self) -> list[tuple[bytes, Any]]:
        """``(name, child)`` pairs of the static children. Twisted: Resource.listStaticEntities."""
        return list(self.children.items())

    def listNames(self) -> list[bytes]:
        """Twisted: Resource.listNames (the static names, overridable)."""
        return list(self.listStaticNames())

    def listEntities(self) -> list[tuple[bytes, Any]]:
        """Twisted: Resource.listEntities."""
        return list(self.listStaticEntities())

    def getStaticEntity(self, name: bytes) -> Any:
        """The static child ``name``, or None. Twisted: Resource.getStaticEntity."""
        return self.children.get(name)

    def getDynamicEntity(self, name: bytes, request: Any) -> Any:
        """Twisted: Resource.getDynamicEntity (``getChild`` unless a static child exists)."""
        if name not in self.children:
            return self.getChild(name, request)
        return None

    def delEntity(self, name: bytes) -> None:
        """Remove the static child ``name``. Twisted: Resource.delEntity."""
        del self.children[name]

    def reallyPutEntity(self, name: bytes, entity: Any) -> None:
        """Twisted: Resource.reallyPutEntity."""
        self.children[name] = entity

    def getChild(self, path: bytes, request: Any) -> Any:
        """Return the dynamic child ``path``; by default a 404 page.

        Twisted: Resource.getChild.
        """
        return NoResource()

    def getChildWithDefault(self, path: bytes, request: Any) -> Any:
        """Return the static child ``path`` if there is one, else ``getChild(path, request)``.

        Twisted: Resource.getChildWithDefault.
        """
        children = self.children
        if path in children:
            return children[path]
        return self.getChild(path, request)

    def putChild(self, path: bytes, child: Any) -> None:
        """Add ``child`` as the static child at one path segment ``path``.

        Twisted: Resource.putChild.

        Raises:
            TypeError: ``path`` is not bytes (as Twisted 26).
        """
        if not isinstance(path, bytes):
            raise TypeError(f"Path segment must be bytes, but {path!r} is {type(path)}")
        self.children[path] = child
        child.server = self.server

    def render(self, request: Any) -> Any:
        """Dispatch to ``render_<METHOD>``; raise UnsupportedMethod when there is none.

        Twisted: Resource.render.

        twistlike: a ``render_*`` method may also be ``async def`` or return a Deferred;
        the server writes the response when it fires (see docs/web.md).
        """
        name = _RENDER_NAMES.get(request.method)
        if name is None:
            name = "render_" + request.method.decode("latin-1")
        method = getattr(self, name, None)
        if method is None:
            try:
                allowed = self.allowedMethods  # type: ignore[attr-defined]
            except AttributeError:
                allowed = _allowedMethods(self)
            raise UnsupportedMethod(allowed)
        return method(request)

    def render_HEAD(self, request: Any) -> Any:
        """Render a HEAD request as a GET (the server drops the body).

        Twisted: Resource.render_HEAD.
        """
        return self.render_GET(request)  # type: ignore[attr-defined]


def getChildForRequest(resource: Any, request: Any) -> Any:
    """Walk ``request.postpath`` from ``resource`` to the resource that renders it.

    Twisted: twisted.web.resource.getChildForRequest.

    Each segment moves from ``postpath`` to ``prepath``; the walk stops at a leaf.
    """
    while request.postpath and not resource.isLeaf:
        segment = request.postpath.pop(0)
        request.prepath.append(segment)
        resource = resource.getChildWithDefault(segment, request)
    return resource


_TEMPLATE = """
<html>
  <head><title>%(code)s - %(brief)s</title></head>
  <body>
    <h1>%(brief)s</h1>
    <p>%(detail)s</p>
  </body>
</html>
"""


class ErrorPage(Resource):
    """A resource that answers every request with ``status`` and a small HTML page.

    Twisted: twisted.web.resource.ErrorPage (deprecated there since 22.10 because the text
    is not escaped; kept here, unescaped as in Twisted, for ported code).

    Args:
        status: the response code.
        brief: the title text.
        detail: the paragraph text (HTML, not escaped).
    """

    template = _TEMPLATE

    def __init__(self, status: int, brief: str, detail: str) -> None:
        Resource.__init__(self)
        self.code = status
        self.brief = brief
        self.detail = detail

    def render(self, request: Any) -> bytes:
        """Set the status and return the page. Twisted: ErrorPage.render."""
        request.setResponseCode(self.code)
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        page = self.template % {"code": self.code, "brief": self.brief, "detail": self.detail}
        return page.encode("utf-8") if isinstance(page, str) else page

    def getChild(self, path: bytes, request: Any) -> Any:
        """Every child is this page too. Twisted: ErrorPage.getChild."""
        return self


class NoResource(ErrorPage):
    """A 404 "No Such Resource" page. Twisted: twisted.web.resource.NoResource."""

    def __init__(self, message: str = "Sorry. No luck finding that resource.") -> None:
        ErrorPage.__init__(self, _NOT_FOUND, "No Such Resource", message)


class ForbiddenResource(ErrorPage):
    """A 403 "Forbidden Resource" page. Twisted: twisted.web.resource.ForbiddenResource."""

    def __init__(self, message: str = "Sorry, resource is forbidden.") -> None:
        ErrorPage.__init__(self, _FORBIDDEN, "Forbidden Resource", message)


@implementer(IEncodingResource, IResource)
class EncodingResourceWrapper:
    """Wraps a resource so that its responses are encoded by the first willing encoder.

    Twisted: twisted.web.resource.EncodingResourceWrapper.

    Args:
        original: the wrapped resource (everything else is delegated to it).
        encoders: encoder factories, such as ``server.GzipEncoderFactory()``.
    """

    def __init__(self, original: Any, encoders: list[Any]) -> None:
        self.original = original
        self._encoders = encoders

    @property
    def isLeaf(self) -> Any:
        return self.original.isLeaf

    def getChildWithDefault(self, name: bytes, request: Any) -> Any:
        """Twisted: delegated to the wrapped resource."""
        return self.original.getChildWithDefault(name, request)

    def putChild(self, path: bytes, child: Any) -> None:
        """Twisted: delegated to the wrapped resource."""
        self.original.putChild(path, child)

    def render(self, request: Any) -> Any:
        """Twisted: delegated to the wrapped resource."""
        return self.original.render(request)

    def getEncoder(self, request: Any) -> Any:
        """The first encoder that accepts ``request``, or None.

        Twisted: EncodingResourceWrapper.getEncoder.
        """
        for factory in self._encoders:
            encoder = factory.encoderForRequest(request)
            if encoder is not None:
                return encoder
        return None

"""WSGI applications served as resources, running on the reactor's thread pool.

Twisted: twisted.web.wsgi.

The application runs in a pool thread; its headers and body go to the request through the
reactor thread (``blockingCallFromThread``), so a slow client slows the application rather
than filling memory.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import IO, Any

from twistlike._core.log import log_failure
from twistlike.failure import Failure
from twistlike.threads import blockingCallFromThread
from twistlike.web import resource

__all__ = ["WSGIResource"]

_NOT_DONE_YET = 1


def _wsgiString(value: str | bytes) -> str:
    """PEP 3333: environ strings are latin-1 decoded native strings."""
    return value.decode("latin-1") if isinstance(value, bytes) else value


class _ErrorStream:
    """``wsgi.errors``: text written here is logged (stdlib logging)."""

    def write(self, data: str) -> None:
        if not isinstance(data, str):
            raise TypeError(f"write() argument must be str, not {data!r} ({type(data).__name__})")
        import logging

        logging.getLogger("twistlike.web.wsgi").error("%s", data.rstrip("\n"))

    def writelines(self, iovec: Iterable[str]) -> None:
        for line in iovec:
            self.write(line)

    def flush(self) -> None:
        """Nothing is buffered."""


class _InputStream:
    """``wsgi.input``: the request body."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._wrapped = stream

    def read(self, size: int | None = None) -> bytes:
        return self._wrapped.read(-1 if size is None else size)

    def readline(self, size: int | None = None) -> bytes:
        return self._wrapped.readline(-1 if size is None else size)

    def readlines(self, size: int | None = None) -> list[bytes]:
        return self._wrapped.readlines(-1 if size is None else size)

    def __iter__(self) -> Any:
        return iter(self._wrapped)


class _WSGIResponse:
    """One application call: environ in, status/headers/body out through the reactor."""

    def __init__(self, reactor: Any, threadpool: Any, application: Any, request: Any) -> None:
        self.started = False
        self.reactor = reactor
        self.threadpool = threadpool
        self.application = application
        self.request = request
        self.requestFinished = False
        request.notifyFinish().addBoth(self._finished)
        prepath, postpath = request.prepath, request.postpath
        scriptName = b"/" + b"/".join(prepath) if prepath else b""
        pathInfo = b"/" + b"/".join(postpath) if postpath else b""
        parts = request.uri.split(b"?", 1)
        queryString = parts[1] if len(parts) == 2 else b""
        peer = request.getClientAddress()
        environ: dict[str, Any] = {
            "REQUEST_METHOD": _wsgiString(request.method),
            "REMOTE_ADDR": _wsgiString(getattr(peer, "host", "")),
            "REMOTE_PORT": _wsgiString(str(getattr(peer, "port", ""))),
            "SCRIPT_NAME": _wsgiString(scriptName),
            "PATH_INFO": _wsgiString(pathInfo),
            "QUERY_STRING": _wsgiString(queryString),
            "CONTENT_TYPE": _wsgiString(request.getHeader(b"content-type") or ""),
            "CONTENT_LENGTH": _wsgiString(request.getHeader(b"content-length") or ""),
            "SERVER_NAME": _wsgiString(request.getRequestHostname()),
            "SERVER_PORT": _wsgiString(str(request.getHost().port)),
            "SERVER_PROTOCOL": _wsgiString(request.clientproto),
        }
        for name, values in request.requestHeaders.getAllRawHeaders():
            key = "HTTP_" + _wsgiString(name).upper().replace("-", "_")
            environ[key] = ",".join(_wsgiString(v) for v in values).replace("\n", " ")
        environ.update(
            {
                "wsgi.version": (1, 0),
                "wsgi.url_scheme": "https" if request.isSecure() else "http",
                "wsgi.run_once": False,
                "wsgi.multithread": True,
                "wsgi.multiprocess": False,
                "wsgi.errors": _ErrorStream(),
                "wsgi.input": _InputStream(request.content),
            }
        )
        self.environ = environ
        # The application chooses the content type; none is added for it (as in Twisted).
        request.defaultContentType = None
        self.status: str | None = None
        self.headers: list[tuple[str, str]] = []

    def _finished(self, ignored: object) -> None:
        self.requestFinished = True

    def startResponse(
        self, status: str, headers: list[tuple[str, str]], excInfo: Any = None
    ) -> Callable[[bytes], None]:
        """PEP 3333 start_response (called in the pool thread)."""
        if excInfo is not None:
            try:
                if self.started:
                    raise excInfo[1].with_traceback(excInfo[2])
            finally:
                excInfo = None
        if not isinstance(status, str):
            raise TypeError(f"status must be str, not {status!r} ({type(status).__name__})")
        if not isinstance(headers, list):
            raise TypeError(f"headers must be a list, not {headers!r} ({type(headers).__name__})")
        for header in headers:
            if not isinstance(header, tuple) or len(header) != 2:
                raise TypeError(f"header must be a (str, str) tuple, not {header!r}")
            for item in header:
                if not isinstance(item, str):
                    raise TypeError(f"header must be (str, str) tuple, not {header!r}")
        self.status = status
        self.headers = headers
        return self.write

    def write(self, data: bytes) -> None:
        """PEP 3333 write (pool thread): blocks until the reactor has taken the data."""
        if not isinstance(data, bytes):
            raise TypeError(f"Can only write bytes to a transport, not {data!r}")
        started = self.started
        self.started = True

        def wsgiWrite() -> None:
            if not started:
                self._sendResponseHeaders()
            if not self.requestFinished:
                self.request.write(data)

        blockingCallFromThread(self.reactor, wsgiWrite)

    def _sendResponseHeaders(self) -> None:
        assert self.status is not None
        code, _, message = self.status.partition(" ")
        self.request.setResponseCode(int(code), message.encode("latin-1"))
        for name, value in self.headers:
            if name.lower() not in ("server", "date"):
                self.request.responseHeaders.addRawHeader(
                    name.encode("latin-1"), value.encode("latin-1")
                )

    def start(self) -> None:
        """Run the application in the thread pool."""
        self.threadpool.callInThread(self.run)

    def run(self) -> None:
        """Call the application and send what it returns (pool thread)."""
        try:
            appIterator = self.application(self.environ, self.startResponse)
            try:
                for elem in appIterator:
                    if elem:
                        self.write(elem)
                    if self.requestFinished:
                        break
            finally:
                close = getattr(appIterator, "close", None)
                if close is not None:
                    close()
        except BaseException:
            excInfo = sys.exc_info()

            def wsgiError(started: bool) -> None:
                log_failure(
                    Failure(excInfo[1], excInfo[0], excInfo[2]),
                    "WSGI application error",
                    namespace="twistlike.web.wsgi",
                )
                if self.requestFinished:
                    return
                if started:
                    self.request.loseConnection()
                else:
                    self.request.setResponseCode(500)
                    self.request.finish()

            self.reactor.callFromThread(wsgiError, self.started)
        else:

            def wsgiFinish(started: bool) -> None:
                if not self.requestFinished:
                    if not started:
                        self._sendResponseHeaders()
                    self.request.finish()

            self.reactor.callFromThread(wsgiFinish, self.started)
        self.started = True


class WSGIResource(resource.Resource):
    """Serves a WSGI application; each request runs it in a thread of ``threadpool``.

    Twisted: twisted.web.wsgi.WSGIResource.

    Args:
        reactor: the reactor that owns the requests.
        threadpool: where the application runs (``reactor.getThreadPool()`` usually).
        application: the WSGI callable.
    """

    isLeaf = True

    def __init__(self, reactor: Any, threadpool: Any, application: Any) -> None:
        resource.Resource.__init__(self)
        self._reactor = reactor
        self._threadpool = threadpool
        self._application = application

    def render(self, request: Any) -> int:
        """Start the application for ``request``. Twisted: WSGIResource.render."""
        response = _WSGIResponse(self._reactor, self._threadpool, self._application, request)
        response.start()
        return _NOT_DONE_YET

    def getChildWithDefault(self, name: bytes, request: Any) -> Any:
        """Reject child lookups (it is a leaf). Twisted: WSGIResource.getChildWithDefault.

        Raises:
            RuntimeError: always.
        """
        raise RuntimeError("Cannot get IResource children from WSGIResource")

    def putChild(self, path: bytes, child: Any) -> None:
        """Reject children (it is a leaf). Twisted: WSGIResource.putChild.

        Raises:
            RuntimeError: always.
        """
        raise RuntimeError("Cannot put IResource children under WSGIResource")

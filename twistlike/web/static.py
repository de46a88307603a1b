"""Static content: in-memory data and files from a directory tree.

Twisted: twisted.web.static.

:class:`File` serves a file or a directory tree: content types from the file name, Range
requests (one range or several, as multipart/byteranges), If-Modified-Since (304), HEAD,
index files and directory listings. A request can never leave the root: a path segment
that is ``.``, ``..`` or contains a slash or NUL is answered 404. The body is sent by a
pull producer, so a large file is read only as fast as the client takes it.
"""

from __future__ import annotations

import errno
import mimetypes
import os
import time
from collections.abc import Sequence
from html import escape
from typing import IO, Any
from urllib.parse import quote

from twistlike.web import resource
from twistlike.web._http import CACHED
from twistlike.web.util import redirectTo

__all__ = [
    "Data",
    "DirectoryLister",
    "File",
    "InsecurePath",
    "MultipleRangeStaticProducer",
    "NoRangeStaticProducer",
    "SingleRangeStaticProducer",
    "StaticProducer",
    "formatFileSize",
    "getTypeAndEncoding",
    "loadMimeTypes",
]

_NOT_DONE_YET = 1


class Data(resource.Resource):
    """A resource that serves fixed bytes with a fixed content type.

    Twisted: twisted.web.static.Data.
    """

    def __init__(self, data: bytes, type: str | bytes) -> None:
        resource.Resource.__init__(self)
        self.data = data
        self.type = type

    def render_GET(self, request: Any) -> bytes:
        """Serve the data (headers only for HEAD). Twisted: Data.render_GET."""
        ctype = self.type.encode("ascii") if isinstance(self.type, str) else self.type
        request.setHeader(b"content-type", ctype)
        request.setHeader(b"content-length", b"%d" % (len(self.data),))
        if request.method == b"HEAD":
            return b""
        return self.data

    render_HEAD = render_GET


def loadMimeTypes(mimetype_locations: Sequence[str] | None = None) -> dict[str, str]:
    """The extension -> content type table: the system's, plus Twisted's additions.

    Twisted: twisted.web.static.loadMimeTypes.
    """
    types = mimetypes.MimeTypes(filenames=())
    for path in mimetype_locations if mimetype_locations is not None else mimetypes.knownfiles:
        if os.path.isfile(path):
            types.read(path)
    table = dict(mimetypes.types_map)
    table.update(types.types_map[True])
    table.update(
        {
            ".conf": "text/plain",
            ".diff": "text/plain",
            ".flac": "audio/x-flac",
            ".java": "text/plain",
            ".oz": "text/x-oz",
            ".swf": "application/x-shockwave-flash",
            ".wml": "text/vnd.wap.wml",
            ".xul": "application/vnd.mozilla.xul+xml",
            ".patch": "text/plain",
        }
    )
    return table


def getTypeAndEncoding(
    filename: str, types: dict[str, str], encodings: dict[str, str], defaultType: str
) -> tuple[str, str | None]:
    """The content type and encoding (gzip for ``.gz`` ...) of ``filename``.

    Twisted: twisted.web.static.getTypeAndEncoding.
    """
    base, ext = os.path.splitext(filename)
    ext = ext.lower()
    encoding: str | None = None
    if ext in encodings:
        encoding = encodings[ext]
        ext = os.path.splitext(base)[1].lower()
    return types.get(ext, defaultType), encoding


def formatFileSize(size: int) -> str:
    """Size in B/K/M/G, as directory listings show it. Twisted: static.formatFileSize."""
    if size < 1024:
        return "%iB" % size  # noqa: UP031
    if size < (1 << 20):
        return "%iK" % (size >> 10)  # noqa: UP031
    if size < (1 << 30):
        return "%iM" % (size >> 20)  # noqa: UP031
    return "%iG" % (size >> 30)  # noqa: UP031


class InsecurePath(Exception):
    """A path segment would leave the served directory. Twisted: filepath.InsecurePath."""


def _addSlash(request: Any) -> bytes:
    uri: bytes = request.uri
    path, sep, query = uri.partition(b"?")
    return path + b"/" + sep + query


class File(resource.Resource):
    """Serves the file or directory tree at ``path``.

    Twisted: twisted.web.static.File.

    Args:
        path: the file or directory.
        defaultType: the content type when the extension says nothing.
        ignoredExts: extensions a request may leave out (``(".html",)``).
        registry: kept for Twisted compatibility (processors receive it).
    """

    contentTypes: dict[str, str] = loadMimeTypes()
    contentEncodings: dict[str, str] = {".gz": "gzip", ".bz2": "bzip2"}
    processors: dict[str, Any] = {}
    indexNames: list[str] = ["index", "index.html", "index.htm", "index.rpy"]
    type: str | None = None
    encoding: str | None = None

    def __init__(
        self,
        path: str,
        defaultType: str = "text/html",
        ignoredExts: Sequence[str] = (),
        registry: Any = None,
        allowExt: int = 0,
    ) -> None:
        resource.Resource.__init__(self)
        self.path: str = os.path.abspath(os.fsdecode(path))
        self.defaultType = defaultType
        self.ignoredExts: list[str] = list(ignoredExts)
        self.registry = registry
        self.childNotFound: Any = resource.NoResource("File not found.")
        self.forbidden: Any = resource.ForbiddenResource()

    # ---- the file system ------------------------------------------------------------------

    def exists(self) -> bool:
        """Twisted: FilePath.exists."""
        return os.path.exists(self.path)

    def isdir(self) -> bool:
        """Twisted: FilePath.isdir."""
        return os.path.isdir(self.path)

    def basename(self) -> str:
        """Twisted: FilePath.basename."""
        return os.path.basename(self.path)

    def getFileSize(self) -> int:
        """Twisted: File.getFileSize."""
        return os.path.getsize(self.path)

    def getModificationTime(self) -> float:
        """Twisted: FilePath.getModificationTime."""
        return os.path.getmtime(self.path)

    def openForReading(self) -> IO[bytes]:
        """Twisted: File.openForReading."""
        return open(self.path, "rb")

    def restat(self, reraise: bool = True) -> None:
        """Twisted: FilePath.restat (nothing is cached here)."""

    def child(self, name: str) -> str:
        """The path of child ``name``.

        Raises:
            InsecurePath: ``name`` would leave this directory.
        """
        if not name or name in (".", "..") or "/" in name or "\x00" in name or os.sep in name:
            raise InsecurePath(name)
        childPath = os.path.join(self.path, name)
        if os.path.dirname(os.path.abspath(childPath)) != self.path:
            raise InsecurePath(name)
        return childPath

    def ignoreExt(self, ext: str) -> None:
        """Serve ``file.ext`` when ``file`` is asked for. Twisted: File.ignoreExt."""
        self.ignoredExts.append(ext)

    def listNames(self) -> list[str]:  # type: ignore[override]
        """The sorted names in this directory. Twisted: File.listNames."""
        if not self.isdir():
            return []
        return sorted(os.listdir(self.path))

    def directoryListing(self) -> DirectoryLister:
        """A resource listing this directory. Twisted: File.directoryListing."""
        return DirectoryLister(
            self.path, self.listNames(), self.contentTypes, self.contentEncodings, self.defaultType
        )

    def createSimilarFile(self, path: str) -> File:
        """A File for ``path`` with this one's settings. Twisted: File.createSimilarFile."""
        f = type(self)(path, self.defaultType, self.ignoredExts, self.registry)
        f.processors = self.processors
        f.indexNames = self.indexNames[:]
        f.childNotFound = self.childNotFound
        return f

    def getChild(self, path: bytes, request: Any) -> Any:
        """The File for child ``path``; the index or a listing for ``b""``.

        Twisted: File.getChild.
        """
        try:
            name = path.decode("utf-8")
        except UnicodeDecodeError:
            return self.childNotFound
        if not self.isdir():
            return self.childNotFound
        if name:
            try:
                childPath = self.child(name)
            except InsecurePath:
                return self.childNotFound
        else:
            for index in self.indexNames:
                candidate = os.path.join(self.path, index)
                if os.path.exists(candidate):
                    childPath = candidate
                    break
            else:
                return self.directoryListing()
        if not os.path.exists(childPath):
            for ext in self.ignoredExts:
                if os.path.exists(childPath + ext):
                    childPath += ext
                    break
            else:
                return self.childNotFound
        processor = self.processors.get(os.path.splitext(childPath)[1])
        if processor:
            return processor(childPath, self.registry)
        return self.createSimilarFile(childPath)

    # ---- rendering -------------------------------------------------------------------------

    def _parseRangeHeader(self, value: bytes) -> list[tuple[int | None, int | None]]:
        try:
            kind, spec = value.split(b"=", 1)
        except ValueError:
            raise ValueError("Missing '=' separator") from None
        if kind.strip() != b"bytes":
            raise ValueError(f"Unsupported Bytes-Unit: {kind!r}")
        parsed: list[tuple[int | None, int | None]] = []
        for byteRange in filter(None, (r.strip() for r in spec.split(b","))):
            try:
                startText, endText = byteRange.split(b"-", 1)
                start = int(startText) if startText else None
                end = int(endText) if endText else None
            except ValueError:
                raise ValueError(f"Invalid Byte-Range: {byteRange!r}") from None
            if start is not None:
                if end is not None and start > end:
                    raise ValueError(f"Invalid Byte-Range: {byteRange!r}")
            elif end is None:
                raise ValueError(f"Invalid Byte-Range: {byteRange!r}")
            parsed.append((start, end))
        return parsed

    def _rangeToOffsetAndSize(self, start: int | None, end: int | None) -> tuple[int, int]:
        size = self.getFileSize()
        if start is None:
            assert end is not None
            start = size - end
            end = size
        elif end is None:
            end = size
        elif end < size:
            end += 1
        elif end > size:
            end = size
        if start >= size:
            start = end = 0
        return max(start, 0), end - max(start, 0)

    def _contentRange(self, offset: int, size: int) -> bytes:
        return b"bytes %d-%d/%d" % (offset, offset + size - 1, self.getFileSize())

    def _setContentHeaders(self, request: Any, size: int | None = None) -> None:
        if size is None:
            size = self.getFileSize()
        request.setHeader(b"content-length", b"%d" % (size,))
        if self.type:
            request.setHeader(b"content-type", self.type.encode("ascii"))
        if self.encoding:
            request.setHeader(b"content-encoding", self.encoding.encode("ascii"))

    def makeProducer(self, request: Any, fileForReading: IO[bytes]) -> StaticProducer:
        """The producer for this response; sets the status and Content-* headers.

        Twisted: File.makeProducer.
        """
        byteRange = request.getHeader(b"range")
        if byteRange is not None:
            try:
                ranges = self._parseRangeHeader(byteRange)
            except ValueError:
                ranges = []
            if len(ranges) == 1:
                offset, size = self._rangeToOffsetAndSize(*ranges[0])
                if offset == size == 0:
                    request.setResponseCode(416)
                    request.setHeader(b"content-range", b"bytes */%d" % (self.getFileSize(),))
                else:
                    request.setResponseCode(206)
                    request.setHeader(b"content-range", self._contentRange(offset, size))
                self._setContentHeaders(request, size)
                return SingleRangeStaticProducer(request, fileForReading, offset, size)
            if ranges:
                return MultipleRangeStaticProducer(
                    request, fileForReading, self._multipleRanges(request, ranges)
                )
        self._setContentHeaders(request)
        request.setResponseCode(200)
        return NoRangeStaticProducer(request, fileForReading)

    def _multipleRanges(
        self, request: Any, ranges: list[tuple[int | None, int | None]]
    ) -> list[tuple[bytes, int, int]]:
        boundary = b"%x%x" % (int(time.time() * 1000000), os.getpid())
        contentType = self.type.encode("ascii") if self.type else b"bytes"
        info: list[tuple[bytes, int, int]] = []
        length = 0
        for start, end in ranges:
            offset, size = self._rangeToOffsetAndSize(start, end)
            if offset == size == 0:
                continue
            separator = b"\r\n--%s\r\nContent-type: %s\r\nContent-range: %s\r\n\r\n" % (
                boundary,
                contentType,
                self._contentRange(offset, size),
            )
            length += size + len(separator)
            info.append((separator, offset, size))
        if not info:
            request.setResponseCode(416)
            request.setHeader(b"content-length", b"0")
            request.setHeader(b"content-range", b"bytes */%d" % (self.getFileSize(),))
            return []
        final = b"\r\n--" + boundary + b"--\r\n"
        info.append((final, 0, 0))
        request.setResponseCode(206)
        request.setHeader(b"content-type", b'multipart/byteranges; boundary="%s"' % (boundary,))
        request.setHeader(b"content-length", b"%d" % (length + len(final),))
        return info

    def render_GET(self, request: Any) -> Any:
        """Serve the file (a Range of it, 304 when not modified), or redirect a directory.

        Twisted: File.render_GET.
        """
        if self.type is None:
            self.type, self.encoding = getTypeAndEncoding(
                self.basename(), self.contentTypes, self.contentEncodings, self.defaultType
            )
        if not self.exists():
            return self.childNotFound.render(request)
        if self.isdir():
            return self.redirect(request)
        request.setHeader(b"accept-ranges", b"bytes")
        try:
            fileForReading = self.openForReading()
        except OSError as e:
            if e.errno == errno.EACCES:
                return self.forbidden.render(request)
            raise
        if request.setLastModified(self.getModificationTime()) is CACHED:
            fileForReading.close()
            return b""
        if request.method == b"HEAD":
            self._setContentHeaders(request)
            fileForReading.close()
            return b""
        producer = self.makeProducer(request, fileForReading)
        producer.start()
        return _NOT_DONE_YET

    render_HEAD = render_GET

    def redirect(self, request: Any) -> bytes:
        """Redirect to the URL with a trailing slash. Twisted: File.redirect."""
        return redirectTo(_addSlash(request), request)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path!r}>"


class StaticProducer:
    """A pull producer writing (part of) a file to a request.

    Twisted: twisted.web.static.StaticProducer.
    """

    bufferSize = 2**16

    def __init__(self, request: Any, fileObject: IO[bytes]) -> None:
        self.request: Any = request
        self.fileObject = fileObject

    def start(self) -> None:
        """Register with the request and start writing."""
        raise NotImplementedError

    def resumeProducing(self) -> None:
        """Write the next piece."""
        raise NotImplementedError

    def stopProducing(self) -> None:
        """Stop: close the file. Twisted: StaticProducer.stopProducing."""
        self.fileObject.close()
        self.request = None

    def _done(self) -> None:
        request, self.request = self.request, None
        self.fileObject.close()
        if request is not None:
            # (A lost connection stops the producer first: request is None then.)
            request.unregisterProducer()
            request.finish()


class NoRangeStaticProducer(StaticProducer):
    """Writes a whole file. Twisted: twisted.web.static.NoRangeStaticProducer."""

    def start(self) -> None:
        """Twisted: NoRangeStaticProducer.start."""
        self.request.registerProducer(self, False)

    def resumeProducing(self) -> None:
        """Twisted: NoRangeStaticProducer.resumeProducing."""
        if not self.request:
            return
        data = self.fileObject.read(self.bufferSize)
        if data:
            self.request.write(data)
        else:
            self._done()


class SingleRangeStaticProducer(StaticProducer):
    """Writes ``size`` bytes from ``offset``. Twisted: SingleRangeStaticProducer."""

    def __init__(self, request: Any, fileObject: IO[bytes], offset: int, size: int) -> None:
        StaticProducer.__init__(self, request, fileObject)
        self.offset = offset
        self.size = size

    def start(self) -> None:
        """Twisted: SingleRangeStaticProducer.start."""
        self.fileObject.seek(self.offset)
        self.bytesWritten: int = 0
        self.request.registerProducer(self, False)

    def resumeProducing(self) -> None:
        """Twisted: SingleRangeStaticProducer.resumeProducing."""
        if not self.request:
            return
        data = self.fileObject.read(min(self.bufferSize, self.size - self.bytesWritten))
        if data:
            self.bytesWritten += len(data)
            self.request.write(data)
        if self.request and self.bytesWritten == self.size:
            self._done()
        elif not data and self.request:
            self._done()


class MultipleRangeStaticProducer(StaticProducer):
    """Writes several ranges as multipart/byteranges. Twisted: MultipleRangeStaticProducer."""

    def __init__(
        self, request: Any, fileObject: IO[bytes], rangeInfo: list[tuple[bytes, int, int]]
    ) -> None:
        StaticProducer.__init__(self, request, fileObject)
        self.rangeInfo = rangeInfo

    def start(self) -> None:
        """Twisted: MultipleRangeStaticProducer.start."""
        self.rangeIter = iter(self.rangeInfo)
        self._nextRange()
        self.request.registerProducer(self, False)

    def _nextRange(self) -> None:
        self.partBoundary, partOffset, self._partSize = next(self.rangeIter)
        self._partBytesWritten = 0
        self.fileObject.seek(partOffset)

    def resumeProducing(self) -> None:
        """Twisted: MultipleRangeStaticProducer.resumeProducing."""
        if not self.request:
            return
        data: list[bytes] = []
        dataLength = 0
        done = False
        while dataLength < self.bufferSize:
            if self.partBoundary:
                dataLength += len(self.partBoundary)
                data.append(self.partBoundary)
                self.partBoundary = b""
            piece = self.fileObject.read(
                min(self.bufferSize - dataLength, self._partSize - self._partBytesWritten)
            )
            self._partBytesWritten += len(piece)
            dataLength += len(piece)
            data.append(piece)
            if self._partBytesWritten == self._partSize:
                try:
                    self._nextRange()
                except StopIteration:
                    done = True
                    break
        self.request.write(b"".join(data))
        if done:
            self._done()


class DirectoryLister(resource.Resource):
    """An HTML listing of a directory: name, size, content type and encoding of each entry.

    Twisted: twisted.web.static.DirectoryLister.
    """

    # Divergence from Twisted: the same columns, escaping and links, in twistlike's markup.

    template = """<html>
<head>
<title>%(header)s</title>
<style>
.even-dir { background-color: #efe0ef }
.even { background-color: #eee }
.odd-dir {background-color: #f0d0ef }
.odd { background-color: #dedede }
.icon { text-align: center }
.listing {
    margin-left: auto;
    margin-right: auto;
    width: 50%%;
    padding: 0.1em;
    }

body { border: 0; padding: 0; margin: 0; background-color: #efefef; }
h1 {padding: 0.1em; background-color: #777; color: white; border-bottom: thin white dashed;}

</style>
</head>

<body>
<h1>%(header)s</h1>

<table>
    <thead>
        <tr>
            <th>Filename</th>
            <th>Size</th>
            <th>Content type</th>
            <th>Content encoding</th>
        </tr>
    </thead>
    <tbody>
%(tableContent)s
    </tbody>
</table>

</body>
</html>
"""

    linePattern = """<tr class="%(class)s">
    <td><a href="%(href)s">%(text)s</a></td>
    <td>%(size)s</td>
    <td>%(type)s</td>
    <td>%(encoding)s</td>
</tr>
"""

    def __init__(
        self,
        pathname: str,
        dirs: list[str] | None = None,
        contentTypes: dict[str, str] = File.contentTypes,
        contentEncodings: dict[str, str] = File.contentEncodings,
        defaultType: str = "text/html",
    ) -> None:
        resource.Resource.__init__(self)
        self.contentTypes = contentTypes
        self.contentEncodings = contentEncodings
        self.defaultType = defaultType
        self.dirs = dirs
        self.path = pathname

    def _getFilesAndDirectories(
        self, directory: list[str]
    ) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        files: list[dict[str, str]] = []
        dirs: list[dict[str, str]] = []
        for path in directory:
            url = quote(path, safe="")
            escaped = escape(path)
            childPath = os.path.join(self.path, path)
            if os.path.isdir(childPath):
                dirs.append(
                    {
                        "text": escaped + "/",
                        "href": url + "/",
                        "size": "",
                        "type": "[Directory]",
                        "encoding": "",
                    }
                )
            else:
                mimetype, encoding = getTypeAndEncoding(
                    path, self.contentTypes, self.contentEncodings, self.defaultType
                )
                try:
                    size = formatFileSize(os.path.getsize(childPath))
                except OSError:
                    continue
                files.append(
                    {
                        "text": escaped,
                        "href": url,
                        "type": f"[{escape(mimetype)}]",
                        "encoding": f"[{escape(encoding)}]" if encoding else "",
                        "size": size,
                    }
                )
        return dirs, files

    def _buildTableContent(self, elements: list[dict[str, str]]) -> list[str]:
        rows = []
        for index, element in enumerate(elements):
            parity = "odd" if index % 2 else "even"
            rows.append(self.linePattern % dict(element, **{"class": parity}))
        return rows

    def render(self, request: Any) -> bytes:
        """The listing page. Twisted: DirectoryLister.render."""
        request.setHeader(b"content-type", b"text/html; charset=utf-8")
        directory = self.dirs if self.dirs is not None else sorted(os.listdir(self.path))
        dirs, files = self._getFilesAndDirectories(directory)
        tableContent = "".join(self._buildTableContent(dirs + files))
        header = "Directory listing for {}".format(
            escape(request.uri.decode("utf-8", "replace").split("?", 1)[0])
        )
        return (self.template % {"header": header, "tableContent": tableContent}).encode("utf-8")

    def __repr__(self) -> str:
        return f"<DirectoryLister of {self.path!r}>"

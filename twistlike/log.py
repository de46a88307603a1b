"""Twisted's classic logging API (``msg``, ``err``, observers) on top of stdlib ``logging``.

``msg`` and ``err`` log on the stdlib logger ``"twistlike.log"`` (``msg`` at INFO, or at the
stdlib level given as ``logLevel=``; ``err`` and ``isError=1`` events at ERROR), with the
event's ``system`` as ``record.system`` and a logged Failure as ``record.failure``; an
application's logging configuration decides what is shown.

Observers added with :func:`addObserver` receive classic event dicts (``message`` tuple,
``isError``, ``failure``, ``why``, ``time``, ``system``, ``format`` ...) for every event
published through twistlike: ``msg``/``err``, every :class:`twistlike.logger.Logger` event,
and every stdlib record of the ``"twistlike"`` logger tree (such as unhandled errors logged by
``twistlike._core.log.log_failure``). The routing is described in :mod:`twistlike.logger`.
Observers see events whatever the stdlib levels are; records of the ``"twistlike"`` tree
reach them only if stdlib logging lets them through to the ``"twistlike"`` logger.

Tests collect logged failures with :func:`_collect_failures`.

Twisted: twisted.python.log.
"""

from __future__ import annotations

import logging
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from twistlike._core import logcontext as _logcontext
from twistlike._core.logcontext import callWithContext
from twistlike._core.reflect import safe_str
from twistlike._core.zi import Interface
from twistlike.failure import Failure
from twistlike.logger import (
    LegacyLogObserverWrapper,
    LogBeginner,
    LogEvent,
    LoggingFile,
    LogLevel,
    _end_logging,
    _global_publisher,
    _GlobalLogPublisher,
    globalLogBeginner,
)

# Twisted's classic log module also offers these names of the structured API (their home is
# twistlike.logger), so code written against it imports them from here.
from twistlike.logger import Logger as NewLogger  # noqa: F401
from twistlike.logger import LogLevel as NewLogLevel  # noqa: F401
from twistlike.logger import LogPublisher as NewPublisher
from twistlike.logger import STDLibLogObserver as NewSTDLibLogObserver  # noqa: F401
from twistlike.logger import globalLogBeginner as newGlobalLogBeginner  # noqa: F401
from twistlike.logger import globalLogPublisher as newGlobalLogPublisher  # noqa: F401

__all__ = [
    "DefaultObserver",
    "FileLogObserver",
    "ILogContext",
    "ILogObserver",
    "LogPublisher",
    "Logger",
    "NullFile",
    "PythonLoggingObserver",
    "StdioOnnaStick",
    "addObserver",
    "callWithContext",
    "callWithLogger",
    "defaultObserver",
    "deferr",
    "discardLogs",
    "err",
    "logerr",
    "logfile",
    "msg",
    "removeObserver",
    "showwarning",
    "startLogging",
    "startLoggingWithObserver",
    "textFromEventDict",
    "theLogPublisher",
]

#: A classic log event.
_EventDict = dict[str, Any]
_LegacyObserver = Callable[[_EventDict], object]


class ILogObserver(Interface):  # zope.interface is untyped
    """An observer of classic log events: a callable taking one event dict.

    Twisted: twisted.python.log.ILogObserver.
    """

    def __call__(eventDict: _EventDict) -> None:  # type: ignore[misc]  # (zope: no self)
        """Handle one event."""


# --------------------------------------------------------------------------------------------
# Text


def _safe_format(fmt: Any, values: _EventDict) -> str:
    """``fmt % values``, degrading to a description instead of raising."""
    try:
        return str(fmt % values)
    except KeyboardInterrupt:
        raise
    except BaseException:
        try:
            return (
                f"Invalid format string or unformattable object in log message: {fmt!r}, {values}"
            )
        except BaseException:
            try:
                return f"UNFORMATTABLE OBJECT WRITTEN TO LOG with fmt {fmt!r}, MESSAGE LOST"
            except BaseException:
                return "PATHOLOGICAL ERROR IN BOTH FORMAT STRING AND MESSAGE DETAILS, MESSAGE LOST"


def textFromEventDict(eventDict: _EventDict) -> str | None:
    """Return the text of a classic event, or None when it has nothing to say.

    A non-empty ``message`` tuple is joined with spaces; otherwise an error event with a
    ``failure`` gives ``why`` (or ``"Unhandled Error"``) and the traceback; otherwise a
    ``format`` key is %-formatted with the event.

    Twisted: twisted.python.log.textFromEventDict.
    """
    message = eventDict["message"]
    if message:
        return " ".join(safe_str(part) for part in message)
    if eventDict["isError"] and "failure" in eventDict:
        why = eventDict.get("why")
        header = safe_str(why) if why else "Unhandled Error"
        try:
            traceback = eventDict["failure"].getTraceback()
        except Exception as e:
            traceback = f"(unable to obtain traceback): {e}"
        return f"{header}\n{traceback}"
    if "format" in eventDict:
        return _safe_format(eventDict["format"], eventDict)
    return None


# --------------------------------------------------------------------------------------------
# Observers


_STDLIB_TO_LEVEL = {
    logging.DEBUG: LogLevel.debug,
    logging.INFO: LogLevel.info,
    logging.WARNING: LogLevel.warn,
    logging.ERROR: LogLevel.error,
    logging.CRITICAL: LogLevel.critical,
}


class LogPublisher:
    """The classic publisher: ``msg``, ``showwarning`` and classic observers.

    Args:
        observerPublisher: where classic observers are registered (default: a new
            :class:`twistlike.logger.LogPublisher`; the global one for
            :data:`theLogPublisher`).
        publishPublisher: where ``msg`` sends events (default: ``observerPublisher``).
        logBeginner: accepted for compatibility (the global beginner starts logging).
        warningsModule: accepted for compatibility.

    Twisted: twisted.python.log.LogPublisher.
    """

    synchronized: list[str] = ["msg"]

    def __init__(
        self,
        observerPublisher: Any = None,
        publishPublisher: Any = None,
        logBeginner: LogBeginner | None = None,
        warningsModule: Any = warnings,
    ) -> None:
        if observerPublisher is None:
            observerPublisher = NewPublisher()
        self._publisher = observerPublisher
        self._publishPublisher = (
            publishPublisher if publishPublisher is not None else observerPublisher
        )
        self._logBeginner = logBeginner
        self._warningsModule = warningsModule
        self._wrappers: list[LegacyLogObserverWrapper] = []

    @property
    def observers(self) -> list[_LegacyObserver]:
        """The classic observers currently registered."""
        return [wrapper.legacyObserver for wrapper in self._wrappers]

    def addObserver(self, other: _LegacyObserver) -> None:
        """Register a classic observer."""
        wrapper = LegacyLogObserverWrapper(other)
        self._wrappers.append(wrapper)
        self._publisher.addObserver(wrapper)

    def removeObserver(self, other: _LegacyObserver) -> None:
        """Unregister a classic observer; unknown observers are ignored."""
        for wrapper in self._wrappers:
            if wrapper.legacyObserver == other:
                self._wrappers.remove(wrapper)
                self._publisher.removeObserver(wrapper)
                break

    def msg(self, *message: object, **kw: Any) -> None:
        """Publish a classic event; see :func:`msg`."""
        # As Twisted: the event starts from the log context (its "system" names the
        # connection whose callback is running), then the keywords override it.
        event: _EventDict = dict(_logcontext.current())
        event.update(kw)
        event["message"] = message
        event["time"] = time.time()
        event.setdefault("isError", 0)
        # Make it a structured event too (Twisted's publishToNewObserver).
        event.setdefault("log_time", event["time"])
        if "log_format" not in event:
            text = textFromEventDict(event)
            if text is not None:
                event["log_text"] = text
                event["log_format"] = "{log_text}"
        stdlib_level = event.get("logLevel")
        if "log_level" not in event:
            if "logLevel" in event:
                level = (
                    _STDLIB_TO_LEVEL.get(stdlib_level) if isinstance(stdlib_level, int) else None
                )
                if level is not None:
                    event["log_level"] = level
            else:
                event["log_level"] = LogLevel.critical if event["isError"] else LogLevel.info
        event.setdefault("log_namespace", "log_legacy")
        if "log_system" not in event and "system" in event:
            event["log_system"] = event["system"]
        if not isinstance(stdlib_level, int):
            # Divergence from Twisted: its structured level for errors is critical; stdlib
            # gets ERROR, as Twisted's own PythonLoggingObserver does.
            stdlib_level = logging.ERROR if event["isError"] else logging.INFO
        publisher = self._publishPublisher
        if isinstance(publisher, _GlobalLogPublisher):
            publisher._publish(event, stdlib_level)
        else:
            publisher(event)

    def showwarning(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: IO[str] | None = None,
        line: str | None = None,
    ) -> None:
        """Log a warning as one classic event (``file:line: category: message``).

        A warning with an explicit ``file`` is written there, as ``warnings`` would.

        Twisted: twisted.python.log.LogPublisher.showwarning.
        """
        if file is None:
            self.msg(
                warning=message,
                category=f"{category.__module__}.{category.__qualname__}",
                filename=filename,
                lineno=lineno,
                format="%(filename)s:%(lineno)s: %(category)s: %(warning)s",
            )
        else:
            file.write(warnings.formatwarning(message, category, filename, lineno, line))


#: The classic global publisher. Twisted: twisted.python.log.theLogPublisher.
theLogPublisher: LogPublisher = LogPublisher(_global_publisher)

#: Twisted: twisted.python.log.showwarning (the global publisher's).
showwarning = theLogPublisher.showwarning


def msg(*message: object, **kw: Any) -> None:
    """Log a message: the parts of ``message`` joined by spaces, plus event fields ``kw``.

    ``system=`` names the subsystem (default ``"-"``); ``logLevel=`` picks the stdlib level
    (default INFO, ERROR for ``isError=1``); ``format=`` with no message gives a %-format
    rendered with the event.

    Twisted: twisted.python.log.msg.
    """
    theLogPublisher.msg(*message, **kw)


def err(_stuff: object = None, _why: str | None = None, /, **kw: Any) -> None:
    """Log a failure (default: the exception being handled) with an optional reason.

    Returns None, so as an errback (``d.addErrback(log.err, "why")``) it handles the failure.
    A plain exception is wrapped in a Failure; anything else is logged by its repr.
    ``_stuff`` and ``_why`` are meant to be passed positionally (they are positional-only in
    the signature so that the errback form type-checks), but ``_why=`` by keyword still
    works at runtime, as in Twisted.

    Twisted: twisted.python.log.err.
    """
    if "_stuff" in kw:
        _stuff = kw.pop("_stuff")
    if "_why" in kw:
        _why = kw.pop("_why")
    if _stuff is None:
        _stuff = Failure()
    if isinstance(_stuff, Failure):
        msg(failure=_stuff, why=_why, isError=1, **kw)
    elif isinstance(_stuff, Exception):
        msg(failure=Failure(_stuff), why=_why, isError=1, **kw)
    else:
        msg(repr(_stuff), why=_why, isError=1, **kw)


#: Twisted: twisted.python.log.deferr (an alias of err).
deferr = err


def addObserver(observer: _LegacyObserver) -> None:
    """Register ``observer`` to receive every classic event dict.

    Twisted: twisted.python.log.addObserver.
    """
    theLogPublisher.addObserver(observer)


def removeObserver(observer: _LegacyObserver) -> None:
    """Unregister an observer added with :func:`addObserver`.

    Twisted: twisted.python.log.removeObserver.
    """
    theLogPublisher.removeObserver(observer)


# --------------------------------------------------------------------------------------------
# Writing to a file


class FileLogObserver:
    """Writes events as ``"<time> [<system>] <text>"`` lines to a file.

    Twisted: twisted.python.log.FileLogObserver.
    """

    def getTimezoneOffset(self, when: float) -> int:
        """Return the local time zone's offset from UTC at ``when``, in seconds west.

        Twisted: twisted.python.log.FileLogObserver.getTimezoneOffset.
        """
        offset = datetime.fromtimestamp(when).astimezone().utcoffset()
        return -int(offset.total_seconds()) if offset is not None else 0

    #: A strftime format for the timestamp; None gives ``2024-01-31 12:00:00+0100``.
    timeFormat: str | None = None

    def __init__(self, f: IO[str]) -> None:
        self.write = f.write
        self.flush = f.flush

    def formatTime(self, when: float) -> str:
        """Format the epoch time ``when`` in local time."""
        if self.timeFormat is not None:
            return datetime.fromtimestamp(when).strftime(self.timeFormat)
        return datetime.fromtimestamp(when).astimezone().strftime("%Y-%m-%d %H:%M:%S%z")

    def emit(self, eventDict: _EventDict) -> None:
        """Write one event (events without text are skipped)."""
        text = textFromEventDict(eventDict)
        if text is None:
            return
        line = _safe_format(
            "[%(system)s] %(text)s\n",
            {"system": eventDict["system"], "text": text.replace("\n", "\n\t")},
        )
        self.write(f"{self.formatTime(eventDict['time'])} {line}")
        self.flush()

    def start(self) -> None:
        """Start observing the global classic publisher."""
        addObserver(self.emit)

    def stop(self) -> None:
        """Stop observing the global classic publisher."""
        removeObserver(self.emit)


_started: list[_LegacyObserver] = []


def startLoggingWithObserver(observer: _LegacyObserver, setStdout: bool = True) -> None:
    """Begin Twisted-style logging to a classic observer, then log ``"Log opened."``.

    From then on the observer gets every event; stdout and stderr (with ``setStdout``) and
    warnings become events; and twistlike's events no longer fall back to stdlib's last
    resort (stderr), so errors are written once, to the observer. Undo with
    :func:`_stop_logging`.

    Twisted: twisted.python.log.startLoggingWithObserver.
    """
    addObserver(observer)
    _started.append(observer)
    globalLogBeginner.beginLoggingTo((), redirectStandardIO=setStdout)
    msg("Log opened.")


def startLogging(file: IO[str], setStdout: bool = True) -> FileLogObserver | None:
    """Write every event to ``file`` in Twisted's classic format; see
    :func:`startLoggingWithObserver`.

    Returns the :class:`FileLogObserver`, or None when ``file`` is the captured stdio itself
    (logging it would loop).

    Twisted: twisted.python.log.startLogging.
    """
    if isinstance(file, LoggingFile):
        return None
    observer = FileLogObserver(file)
    startLoggingWithObserver(observer.emit, setStdout)
    return observer


def _stop_logging() -> None:
    """Undo every ``startLogging``: remove their observers, restore stdio and warnings."""
    while _started:
        removeObserver(_started.pop())
    _end_logging()


class DefaultObserver:
    """Writes error events to stderr: what Twisted shows before logging is started.

    Twisted: twisted.python.log.DefaultObserver.
    """

    stderr: IO[str] = sys.stderr

    def emit(self, eventDict: _EventDict) -> None:
        """Write the text of an error event to ``stderr``."""
        if eventDict["isError"]:
            text = textFromEventDict(eventDict)
            if text is not None:
                self.stderr.write(text)
                self.stderr.flush()

    def start(self) -> None:
        """Start observing the global classic publisher."""
        addObserver(self.emit)

    def stop(self) -> None:
        """Stop observing."""
        removeObserver(self.emit)


class PythonLoggingObserver:
    """Sends classic events to the stdlib logger ``loggerName``.

    The level is the event's ``logLevel`` (a stdlib level), else ERROR for errors and INFO.

    Twisted: twisted.python.log.PythonLoggingObserver.
    """

    def __init__(self, loggerName: str = "twisted") -> None:
        self._logger = logging.getLogger(loggerName)

    def emit(self, eventDict: _EventDict) -> None:
        """Log one classic event."""
        if "logLevel" in eventDict:
            level = eventDict["logLevel"]
        elif eventDict["isError"]:
            level = logging.ERROR
        else:
            level = logging.INFO
        text = textFromEventDict(eventDict)
        if text is None:
            return
        self._logger.log(level, "%s", text)

    def start(self) -> None:
        """Start observing the global classic publisher."""
        addObserver(self.emit)

    def stop(self) -> None:
        """Stop observing."""
        removeObserver(self.emit)


class StdioOnnaStick:
    """A write-only file whose every line is logged with ``msg`` (``printed=1``).

    Twisted: twisted.python.log.StdioOnnaStick.
    """

    closed = 0
    softspace = 0
    mode = "wb"
    name = "<stdio (log)>"

    def __init__(self, isError: int = 0, encoding: str | None = None) -> None:
        self.isError = isError
        self.encoding: str = encoding or sys.getdefaultencoding()
        self.buf: str = ""

    def close(self) -> None:
        """Nothing to close."""

    def fileno(self) -> int:
        """Return -1: there is no descriptor behind this file."""
        return -1

    def flush(self) -> None:
        """Nothing to flush: a line is logged when its newline is written."""

    def read(self) -> str:
        """Raise OSError: the file is write-only."""
        raise OSError("can't read from the log!")

    readline = read
    readlines = read
    seek = read
    tell = read

    def write(self, data: str | bytes) -> None:
        """Log each complete line of ``data``."""
        if isinstance(data, bytes):
            data = data.decode(self.encoding)
        lines = (self.buf + data).split("\n")
        self.buf = lines.pop()
        for line in lines:
            msg(line, printed=1, isError=self.isError)

    def writelines(self, lines: Iterable[str | bytes]) -> None:
        """Log each of ``lines``."""
        for line in lines:
            if isinstance(line, bytes):
                line = line.decode(self.encoding)
            msg(line, printed=1, isError=self.isError)


class NullFile:
    """A file that discards what is written. Twisted: twisted.python.log.NullFile."""

    softspace = 0

    def read(self) -> None:
        """Read nothing."""

    def write(self, bytes: object) -> None:
        """Discard ``bytes``."""

    def flush(self) -> None:
        """Nothing to flush."""

    def close(self) -> None:
        """Nothing to close."""


#: Twisted: twisted.python.log.logfile / logerr (files that log what is written to them).
logfile: Any = StdioOnnaStick(0, getattr(sys.stdout, "encoding", None))
logerr: Any = StdioOnnaStick(1, getattr(sys.stderr, "encoding", None))


def discardLogs() -> None:
    """Make :data:`logfile` and :data:`logerr` discard what is written to them.

    Twisted: twisted.python.log.discardLogs.
    """
    global logfile, logerr
    logfile = logerr = NullFile()


#: Twisted: twisted.python.log.defaultObserver (not started: stdlib logging is the default).
defaultObserver: DefaultObserver = DefaultObserver()


class ILogContext:
    """The key of the log context (Twisted's context dictionary key); see callWithContext.

    Twisted: twisted.python.log.ILogContext.
    """


class Logger:
    """A base class for objects that own a log prefix (``logPrefix()``).

    Twisted: twisted.python.log.Logger.
    """

    def logPrefix(self) -> str:
        """Return the prefix for log lines about this object (default ``"-"``)."""
        return "-"


def callWithLogger(logger: Any, func: Callable[..., Any], *args: Any, **kw: Any) -> Any:
    """Call ``func`` with the log context's ``system`` set to ``logger.logPrefix()``.

    Twisted: twisted.python.log.callWithLogger.
    """
    try:
        prefix = logger.logPrefix()
    except KeyboardInterrupt:
        raise
    except BaseException:
        prefix = "(buggy logPrefix method)"
        err(system=prefix)
    try:
        return callWithContext({"system": prefix}, func, *args, **kw)
    except KeyboardInterrupt:
        raise
    except BaseException:
        err(system=prefix)
        return None


# --------------------------------------------------------------------------------------------
# For tests


@contextmanager
def _collect_failures() -> Iterator[list[Failure]]:
    """Collect every Failure logged through twistlike while the block runs.

    Sees ``err``, ``Logger.failure`` and ``twistlike._core.log.log_failure`` alike (the latter
    only if stdlib logging lets the record reach the ``"twistlike"`` logger).
    """
    failures: list[Failure] = []

    def observe(event: LogEvent) -> None:
        failure = event.get("log_failure")
        if failure is None and event.get("isError"):
            failure = event.get("failure")
        if isinstance(failure, Failure):
            failures.append(failure)

    _global_publisher.addObserver(observe)
    try:
        yield failures
    finally:
        _global_publisher.removeObserver(observe)


# callWithContext lives with the context variable; this module is its public home.
callWithContext.__module__ = __name__


if not TYPE_CHECKING:
    # (Hidden from type checkers, which would otherwise accept any name from this module.)

    def __getattr__(name: str) -> object:
        # A Twisted name twistlike does not provide fails with the reason (docs/missing.md).
        from twistlike._porting.missing import missing_name_error

        raise missing_name_error(__name__, name)

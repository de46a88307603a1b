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

import io
import logging
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import IO, Any

from zope.interface import Interface  # type: ignore[import-untyped, unused-ignore]

from twistlike._core.reflect import safe_str
from twistlike.failure import Failure
from twistlike.logger import (
    LogEvent,
    LogLevel,
    _global_publisher,
    _GlobalLogPublisher,
    _publishing,
    formatEvent,
)

__all__ = [
    "FileLogObserver",
    "ILogObserver",
    "addObserver",
    "deferr",
    "err",
    "msg",
    "removeObserver",
    "startLogging",
    "startLoggingWithObserver",
    "textFromEventDict",
    "theLogPublisher",
]

#: A classic log event.
_EventDict = dict[str, Any]
_LegacyObserver = Callable[[_EventDict], object]


class ILogObserver(Interface):  # type: ignore[misc]  # zope.interface is untyped
    """An observer of classic log events: a callable taking one event dict.

    Twisted: twisted.python.log.ILogObserver.
    """

    def __call__(eventDict: _EventDict) -> None:  # zope declares methods without self
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


class _StringifiableFromEvent:
    """Renders a structured event lazily, for classic observers that %-format ``format``."""

    __slots__ = ("_event",)

    def __init__(self, event: LogEvent) -> None:
        self._event = event

    def __str__(self) -> str:
        return formatEvent(self._event)


# --------------------------------------------------------------------------------------------
# Observers


class _LegacyObserverWrapper:
    """Adapts a classic observer to structured events by adding the classic keys."""

    def __init__(self, legacyObserver: _LegacyObserver) -> None:
        self.legacyObserver = legacyObserver

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.legacyObserver})"

    def __call__(self, event: LogEvent) -> None:
        # The keys are added to the shared event, as Twisted does.
        event.setdefault("message", ())
        if "time" not in event:
            event["time"] = event["log_time"]
        if "system" not in event:
            event["system"] = event.get("log_system", "-")
        if "format" not in event and event.get("log_format") is not None:
            event["format"] = "%(log_legacy)s"
            event["log_legacy"] = _StringifiableFromEvent(event.copy())
            if not isinstance(event["message"], tuple):
                # A structured event used "message" as a field: render via "format" instead.
                event["message"] = ()
        if "log_failure" in event:
            event.setdefault("failure", event["log_failure"])
            event.setdefault("isError", 1)
            if "why" not in event:
                event["why"] = formatEvent(event)
        elif "isError" not in event:
            event["isError"] = (
                1 if event.get("log_level") in (LogLevel.error, LogLevel.critical) else 0
            )
        self.legacyObserver(event)


_STDLIB_TO_LEVEL = {
    logging.DEBUG: LogLevel.debug,
    logging.INFO: LogLevel.info,
    logging.WARNING: LogLevel.warn,
    logging.ERROR: LogLevel.error,
    logging.CRITICAL: LogLevel.critical,
}


class _LogPublisher:
    """The classic global publisher: ``msg`` plus observer registration.

    Twisted: twisted.python.log.LogPublisher (only ``msg``, ``addObserver``,
    ``removeObserver`` and ``observers``).
    """

    def __init__(self, publisher: _GlobalLogPublisher) -> None:
        self._publisher = publisher
        self._wrappers: list[_LegacyObserverWrapper] = []

    @property
    def observers(self) -> list[_LegacyObserver]:
        """The classic observers currently registered."""
        return [wrapper.legacyObserver for wrapper in self._wrappers]

    def addObserver(self, other: _LegacyObserver) -> None:
        """Register a classic observer."""
        wrapper = _LegacyObserverWrapper(other)
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
        event: _EventDict = {"system": "-"}
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
        self._publisher._publish(event, stdlib_level)


#: The classic global publisher. Twisted: twisted.python.log.theLogPublisher.
theLogPublisher = _LogPublisher(_global_publisher)


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


class _LoggingFile(io.TextIOBase):
    """Stands in for stdout/stderr after ``startLogging``: each written line is a ``msg``."""

    def __init__(self, original: IO[str], isError: int) -> None:
        self._original = original
        self._buffer = ""
        self.isError = isError

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._original, "encoding", None) or "utf-8"

    def writable(self) -> bool:
        return True

    def write(self, data: str) -> int:
        if _publishing():
            # Written while an event is being published (an observer printing, or stdlib's
            # lastResort writing to sys.stderr): logging it again would loop.
            return self._original.write(data)
        lines = (self._buffer + data).split("\n")
        self._buffer = lines.pop()
        for line in lines:
            msg(line, printed=1, isError=self.isError)
        return len(data)


_started: list[_LegacyObserver] = []
_saved_stdio: tuple[Any, Any] | None = None


def startLoggingWithObserver(observer: _LegacyObserver, setStdout: bool = True) -> None:
    """Add ``observer`` and log ``"Log opened."``; with ``setStdout`` also capture stdio.

    Captured stdout/stderr lines become ``msg`` events (``printed=1``; ``isError=1`` for
    stderr). Undo everything with :func:`_stop_logging`.

    Twisted: twisted.python.log.startLoggingWithObserver.
    """
    global _saved_stdio
    addObserver(observer)
    _started.append(observer)
    if setStdout and _saved_stdio is None:
        _saved_stdio = (sys.stdout, sys.stderr)
        sys.stdout = _LoggingFile(sys.stdout, 0)
        sys.stderr = _LoggingFile(sys.stderr, 1)
    msg("Log opened.")


def startLogging(file: IO[str], setStdout: bool = True) -> FileLogObserver | None:
    """Write every event to ``file``; see :func:`startLoggingWithObserver`.

    Returns the :class:`FileLogObserver`, or None when ``file`` is the captured stdio
    itself (logging it would loop).

    Twisted: twisted.python.log.startLogging.
    """
    if isinstance(file, _LoggingFile):
        return None
    observer = FileLogObserver(file)
    startLoggingWithObserver(observer.emit, setStdout)
    return observer


def _stop_logging() -> None:
    """Undo every ``startLogging``: remove their observers and restore stdout/stderr."""
    global _saved_stdio
    while _started:
        removeObserver(_started.pop())
    if _saved_stdio is not None:
        sys.stdout, sys.stderr = _saved_stdio
        _saved_stdio = None


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

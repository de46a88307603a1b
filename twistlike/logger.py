"""Twisted's structured logging API (``Logger``, ``LogLevel``) on top of stdlib ``logging``.

Every event published here ends in a stdlib :class:`logging.LogRecord` on the logger named by
the event's namespace (``Logger(namespace="myapp.db")`` logs on ``logging.getLogger(
"myapp.db")``), so an application's logging configuration sees it; the record's message is
the formatted event text, and a logged Failure rides along as ``record.failure`` with its
traceback appended to the message (as :func:`twistlike._core.log.log_failure` does).

Observers added to :data:`globalLogPublisher` receive Twisted-style event dicts for

* every event emitted through a :class:`Logger` (and through :mod:`twistlike.log`), whatever
  the stdlib levels are: observers are not filtered by logging configuration;
* every stdlib record that reaches the ``"twistlike"`` logger, i.e. what twistlike's own
  modules log (unhandled errors via ``twistlike._core.log.log_failure``, ...). These go through
  stdlib first, so logging configuration (levels, ``propagate``, ``disabled``) applies to them.
  While observers exist a handler sits on the ``"twistlike"`` logger; it stands in for
  ``logging.lastResort`` when it is the only handler, so adding an observer never silences an
  application that configured no logging.

Twisted: twisted.logger.
"""

from __future__ import annotations

import collections
import enum
import io
import json
import logging
import string
import sys
import threading
import time
import typing
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from types import FrameType
from typing import IO, TYPE_CHECKING, Any, cast

from twistlike._core import logcontext as _logcontext
from twistlike._core.log import FAILURE_ATTR
from twistlike._core.reflect import safe_repr
from twistlike._core.zi import Interface
from twistlike.failure import Failure

__all__ = [
    "FileLogObserver",
    "FilteringLogObserver",
    "ILogFilterPredicate",
    "ILogObserver",
    "InvalidLogLevelError",
    "LegacyLogObserverWrapper",
    "LimitedHistoryLogObserver",
    "LogBeginner",
    "LogEvent",
    "LogLevel",
    "LogLevelFilterPredicate",
    "LogPublisher",
    "Logger",
    "LoggingFile",
    "Operation",
    "PredicateResult",
    "STDLibLogObserver",
    "capturedLogs",
    "eventAsJSON",
    "eventAsText",
    "eventFromJSON",
    "eventsFromJSONLogFile",
    "extractField",
    "formatEvent",
    "formatEventAsClassicLogText",
    "formatTime",
    "globalLogBeginner",
    "globalLogPublisher",
    "jsonFileLogObserver",
    "textFileLogObserver",
    "timeFormatRFC3339",
]

#: A Twisted log event: a dict of ``log_*`` keys plus whatever the emitter passed.
LogEvent = dict[str, Any]

#: Name of the LogRecord attribute that carries the event dict of a record made here.
_EVENT_ATTR = "twistlike_event"


# --------------------------------------------------------------------------------------------
# Levels


class InvalidLogLevelError(Exception):
    """A log level that does not exist was asked for.

    Twisted: twisted.logger.InvalidLogLevelError.
    """

    def __init__(self, level: object) -> None:
        super().__init__(str(level))
        self.level = level


class LogLevel(enum.Enum):
    """The five log levels, ordered from ``debug`` to ``critical``.

    Each level's ``value`` is the matching stdlib level (``LogLevel.warn.value ==
    logging.WARNING``), which is where events at that level are logged.

    Twisted: twisted.logger.LogLevel (a ``constantly.Names`` there; the names, repr,
    ``lookupByName``, ``levelWithName``, ``iterconstants`` and ordering are the same).
    """

    debug = logging.DEBUG
    info = logging.INFO
    warn = logging.WARNING
    error = logging.ERROR
    critical = logging.CRITICAL

    def __repr__(self) -> str:
        return f"<LogLevel={self.name}>"

    __str__ = __repr__

    def __format__(self, format_spec: str) -> str:
        return format(repr(self), format_spec)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, LogLevel):
            return NotImplemented
        return self.value < other.value

    def __le__(self, other: object) -> bool:
        if not isinstance(other, LogLevel):
            return NotImplemented
        return self.value <= other.value

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, LogLevel):
            return NotImplemented
        return self.value > other.value

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, LogLevel):
            return NotImplemented
        return self.value >= other.value

    @classmethod
    def lookupByName(cls, name: str) -> LogLevel:
        """Return the level called ``name``.

        Raises:
            ValueError: no level has that name.

        Twisted: constantly.Names.lookupByName.
        """
        member = cls.__members__.get(name)
        if member is None:
            raise ValueError(name)
        return member

    @classmethod
    def levelWithName(cls, name: str) -> LogLevel:
        """Return the level called ``name``.

        Raises:
            InvalidLogLevelError: no level has that name.

        Twisted: twisted.logger.LogLevel.levelWithName.
        """
        try:
            return cls.lookupByName(name)
        except ValueError:
            raise InvalidLogLevelError(name) from None

    @classmethod
    def iterconstants(cls) -> Iterator[LogLevel]:
        """Iterate over the levels from ``debug`` to ``critical``.

        Twisted: constantly.Names.iterconstants.
        """
        return iter(cls)


def _level_from_stdlib(levelno: int) -> LogLevel:
    """Return the highest LogLevel at or below the stdlib level ``levelno``."""
    if levelno >= logging.CRITICAL:
        return LogLevel.critical
    if levelno >= logging.ERROR:
        return LogLevel.error
    if levelno >= logging.WARNING:
        return LogLevel.warn
    if levelno >= logging.INFO:
        return LogLevel.info
    return LogLevel.debug


# --------------------------------------------------------------------------------------------
# Formatting


class _MaybeCalled:
    """Wraps a value found by a format field so ``.name()`` in the field calls ``name``."""

    __slots__ = ("_wrapped",)

    def __init__(self, wrapped: Any) -> None:
        self._wrapped = wrapped

    def __getattr__(self, name: str) -> _MaybeCalled:
        return _MaybeCalled(_lookup(name, lambda key: getattr(self._wrapped, key)))

    def __getitem__(self, key: object) -> _MaybeCalled:
        return _MaybeCalled(self._wrapped[key])

    def __format__(self, format_spec: str) -> str:
        return format(self._wrapped, format_spec)

    def __repr__(self) -> str:
        return repr(self._wrapped)

    def __str__(self) -> str:
        return str(self._wrapped)


def _lookup(key: str, get: Callable[[str], Any]) -> Any:
    # Twisted's extension to PEP 3101: a field segment ending in "()" is called.
    if key.endswith("()"):
        return get(key[:-2])()
    return get(key)


class _EventFormatter(string.Formatter):
    """``str.format`` over an event's keys, with the ``{name()}`` call syntax."""

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, int):
            return args[key]
        return _MaybeCalled(_lookup(key, kwargs.__getitem__))


_formatter = _EventFormatter()


def _format_unformattable(event: Mapping[str, Any], error: BaseException) -> str:
    try:
        return f"Unable to format event {event!r}: {error}"
    except BaseException:
        # The event itself cannot be shown: salvage what can be.
        try:
            details = Failure().getTraceback()
        except BaseException:
            details = "(no traceback)"
        text = ", ".join(f"{safe_repr(k)} = {safe_repr(v)}" for k, v in event.items())
        return (
            f"MESSAGE LOST: unformattable object logged: {safe_repr(error)}\n"
            f"Recoverable data: {text}\n"
            f"Exception during formatting:\n{details}"
        )


def formatEvent(event: Mapping[str, Any]) -> str:
    """Render ``event["log_format"]`` (PEP 3101) with the event's own keys; never raises.

    ``{name()}`` calls ``name`` and shows the result. A missing or None format gives ``""``;
    a format that cannot be rendered gives ``"Unable to format event {event!r}: {error}"``.

    Twisted: twisted.logger.formatEvent.
    """
    try:
        fmt = event.get("log_format", None)
        if fmt is None:
            return ""
        if isinstance(fmt, bytes):
            fmt = fmt.decode("utf-8")
        elif not isinstance(fmt, str):
            raise TypeError(f"Log format must be str, not {fmt!r}")
        if "log_flattened" in event:
            # As Twisted: a flattened event (one read back from JSON) renders its saved text.
            return _flat_format(event)
        return _formatter.vformat(fmt, (), event)
    except BaseException as e:
        return _format_unformattable(event, e)


def _traceback_text(failure: Failure) -> str:
    try:
        return failure.getTraceback()
    except BaseException as e:
        return f"(UNABLE TO OBTAIN TRACEBACK FROM EVENT):{e}"


# --------------------------------------------------------------------------------------------
# Publishing: stdlib first, then observers

_Observer = Callable[[LogEvent], None]

_this_file = __file__
_log_file = _this_file.rsplit("logger.py", 1)[0] + "log.py"
_state = threading.local()


def _publishing() -> bool:
    """Return whether this thread is inside a publication (used to break print loops)."""
    return bool(getattr(_state, "depth", 0))


def _caller() -> tuple[str, int, str | None]:
    """Return file, line and function of the first frame outside the logging modules."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename not in (_this_file, _log_file):
            return filename, frame.f_lineno, frame.f_code.co_name
        frame = frame.f_back
    return "(unknown file)", 0, None


def _to_stdlib(event: LogEvent, name: str, levelno: int, text: str | None) -> None:
    """Hand ``event`` to stdlib logging as a record on ``name``, if that logger wants it."""
    stdlib_logger = logging.getLogger(name)
    if not stdlib_logger.isEnabledFor(levelno):
        return
    message = text if text is not None else ""
    failure = event.get("log_failure")
    if isinstance(failure, Failure):
        # The traceback is part of the text, as log_failure() does; exc_info is not used
        # because a cleaned Failure has no live traceback.
        message = f"{message}\n{_traceback_text(failure)}"
    elif event.get("isError"):
        # A legacy error event: its text (textFromEventDict) already holds the traceback.
        failure = event.get("failure")
    if not isinstance(failure, Failure):
        failure = None
    filename, lineno, func = _caller()
    record = stdlib_logger.makeRecord(
        name,
        levelno,
        filename,
        lineno,
        message,
        (),
        None,
        func,
        {
            _EVENT_ATTR: event,
            FAILURE_ATTR: failure,
            "system": event.get("log_system", event.get("system", "-")),
        },
    )
    stdlib_logger.handle(record)


class LogPublisher:
    """Fans events out to observers (callables taking one event dict).

    An observer that raises is reported to stdlib logging (logger ``"twistlike.logger"``)
    and stays registered; the other observers still get the event.

    Twisted: twisted.logger.LogPublisher.
    """

    def __init__(self, *observers: _Observer) -> None:
        # Replaced, never mutated, so publishing iterates without copying or locking.
        self._observers: tuple[_Observer, ...] = observers

    def addObserver(self, observer: _Observer) -> None:
        """Register ``observer`` (adding it twice has no effect).

        Twisted: twisted.logger.LogPublisher.addObserver.
        """
        if not callable(observer):
            raise TypeError(f"Observer is not callable: {observer!r}")
        if observer not in self._observers:
            self._observers = (*self._observers, observer)

    def removeObserver(self, observer: _Observer) -> None:
        """Unregister ``observer``; unknown observers are ignored.

        Twisted: twisted.logger.LogPublisher.removeObserver.
        """
        self._observers = tuple(o for o in self._observers if o != observer)

    def __call__(self, event: LogEvent) -> None:
        """Send ``event`` to every observer.

        Twisted: twisted.logger.LogPublisher.__call__.
        """
        _dispatch(self._observers, event, self)


def _dispatch(observers: tuple[_Observer, ...], event: LogEvent, publisher: object = None) -> None:
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        trace = event.get("log_trace")
        if not isinstance(trace, list):
            trace = None
        broken: list[tuple[_Observer, Failure]] = []
        for observer in observers:
            if trace is not None:
                # As Twisted: who delivered the event to whom, for debugging observers.
                trace.append((publisher, observer))
            try:
                observer(event)
            except Exception:
                broken.append((observer, Failure()))
        for observer, bad in broken:
            # As Twisted: the other observers hear about it (as a critical failure event);
            # stdlib logging too (marked, so the tree handler does not loop it back).
            text = f"Temporarily disabling observer {safe_repr(observer)} due to exception"
            _to_stdlib(
                {"log_failure": bad, "log_observer": observer},
                "twistlike.logger",
                logging.ERROR,
                text,
            )
            others = tuple(o for o in observers if o is not observer)
            if others:
                report: LogEvent = {
                    "log_format": (
                        "Temporarily disabling observer {observer} due to exception: {log_failure}"
                    ),
                    "log_failure": bad,
                    "observer": observer,
                    "log_level": LogLevel.critical,
                    "log_namespace": "twistlike.logger",
                    "log_source": None,
                    "log_time": time.time(),
                }
                _dispatch(others, report, publisher)
    finally:
        _state.depth -= 1


class _GlobalLogPublisher(LogPublisher):
    """The publisher every :class:`Logger` uses by default; see the module docstring."""

    def addObserver(self, observer: _Observer) -> None:
        super().addObserver(observer)
        _tree_handler.attach()

    def removeObserver(self, observer: _Observer) -> None:
        super().removeObserver(observer)
        if not self._observers:
            _tree_handler.detach()

    def __call__(self, event: LogEvent) -> None:
        """Log ``event`` to stdlib (at its ``log_level``), then send it to the observers."""
        self._publish(event, None)

    def _publish(self, event: LogEvent, levelno: int | None) -> None:
        _state.depth = getattr(_state, "depth", 0) + 1
        try:
            level = event.get("log_level")
            if levelno is None:
                levelno = level.value if isinstance(level, LogLevel) else logging.INFO
            namespace = event.get("log_namespace")
            if not isinstance(namespace, str) or namespace == "log_legacy":
                namespace = "twistlike.log"
            if logging.getLogger(namespace).isEnabledFor(levelno) and (
                not _beginning or _tree_handler._other_handlers(namespace)
            ):
                # (Once Twisted-style logging began, only handlers an application set up
                # get the event: stdlib's last resort would print it to stderr a 2nd time.)
                _to_stdlib(event, namespace, levelno, _text_of(event))
            if self._observers:
                _dispatch(self._observers, event, self)
        finally:
            _state.depth -= 1


def _text_of(event: LogEvent) -> str | None:
    # Legacy events (twistlike.log.msg) carry their own rendering in log_text.
    text = event.get("log_text")
    if isinstance(text, str) and event.get("log_format") == "{log_text}":
        return text
    return formatEvent(event)


class _TreeHandler(logging.Handler):
    """Sends records of the ``"twistlike"`` logger tree to the observers."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self._tree = logging.getLogger("twistlike")

    def attach(self) -> None:
        # Checked on every addObserver: an application's dictConfig may have removed us.
        if self not in self._tree.handlers:
            self._tree.addHandler(self)

    def detach(self) -> None:
        self._tree.removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        if not _beginning and not self._other_handlers(record.name):
            # We are the only handler on the record's way up, so stdlib would not fall back
            # to logging.lastResort because of us: do what it would have done.
            last = logging.lastResort
            if last is not None and record.levelno >= last.level:
                last.handle(record)
        if hasattr(record, _EVENT_ATTR):
            # Made by _to_stdlib: its event already went to the observers.
            return
        _dispatch(_global_publisher._observers, _event_from_record(record))

    def _other_handlers(self, name: str) -> bool:
        current: logging.Logger | None = logging.getLogger(name)
        while current is not None:
            if any(handler is not self for handler in current.handlers):
                return True
            if not current.propagate:
                return False
            current = current.parent
        return False


def _event_from_record(record: logging.LogRecord) -> LogEvent:
    """Build a Twisted-style event from a stdlib record of the twistlike logger tree."""
    failure = getattr(record, FAILURE_ATTR, None)
    if not isinstance(failure, Failure) and record.exc_info and record.exc_info[1] is not None:
        failure = Failure(record.exc_info[1], record.exc_info[0], record.exc_info[2])
    args = record.args
    if (
        isinstance(failure, Failure)
        and record.msg == "%s\n%s"
        and isinstance(args, tuple)
        and len(args) == 2
    ):
        # log_failure(failure, why): the message is "why\ntraceback"; keep only the why so
        # renderers that append the traceback do not show it twice.
        text = str(args[0])
    else:
        try:
            text = record.getMessage()
        except BaseException as e:
            text = f"Unable to format record {record.msg!r}: {e}"
    event: LogEvent = {
        # The classic context's system (the connection a callback runs for), as Twisted's
        # log.err inside a protocol callback shows it.
        "system": _logcontext.current()["system"],
        "log_namespace": record.name,
        "log_level": _level_from_stdlib(record.levelno),
        "log_time": record.created,
        "log_source": None,
        "log_text": text,
        "log_format": "{log_text}",
        "log_record": record,
    }
    if isinstance(failure, Failure):
        event["log_failure"] = failure
    return event


_tree_handler = _TreeHandler()

#: The publisher that every Logger without an explicit observer sends its events to.
#: Twisted: twisted.logger.globalLogPublisher (minimal: addObserver, removeObserver, call).
_global_publisher = _GlobalLogPublisher()
globalLogPublisher: LogPublisher = _global_publisher


# --------------------------------------------------------------------------------------------
# Logger


class Logger:
    """Emits structured events: a format string plus keyword fields.

    ``log = Logger()`` at module level takes the module's name as namespace; as a class
    attribute it is a descriptor, and ``self.log`` is a Logger with namespace
    ``"module.Class"`` and ``source`` the instance (``Class.log``: the class). Without an
    ``observer``, events go to :data:`globalLogPublisher`, which logs them on the stdlib
    logger named by the namespace.

    Args:
        namespace: Dotted name for the events; defaults to the calling module's name.
        source: The object the events are about.
        observer: Where to send events; defaults to :data:`globalLogPublisher`.

    Twisted: twisted.logger.Logger.
    """

    def __init__(
        self,
        namespace: str | None = None,
        source: object | None = None,
        observer: _Observer | None = None,
    ) -> None:
        if namespace is None:
            try:
                namespace = str(sys._getframe(1).f_globals["__name__"])
            except KeyError:
                namespace = "<unknown>"
        self.namespace = namespace
        self.source = source
        self.observer: _Observer = _global_publisher if observer is None else observer

    def __get__(self, instance: object, owner: type | None = None) -> Logger:
        """Return a Logger for ``owner`` (namespace ``module.Class``) with the right source."""
        assert owner is not None
        return self.__class__(
            f"{owner.__module__}.{owner.__name__}",
            owner if instance is None else instance,
            observer=self.observer,
        )

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} {self.namespace!r}>"

    def emit(self, level: LogLevel, format: str | None = None, **kwargs: object) -> None:
        """Emit an event at ``level`` whose text is ``format`` rendered with its fields.

        The event holds ``kwargs`` plus ``log_logger``, ``log_level``, ``log_namespace``,
        ``log_source``, ``log_format`` and ``log_time``. An invalid level is reported as a
        critical failure event instead.

        Twisted: twisted.logger.Logger.emit.
        """
        if not isinstance(level, LogLevel):
            self.failure(
                "Got invalid log level {invalidLevel!r} in {logger}.emit().",
                Failure(InvalidLogLevelError(level)),
                invalidLevel=level,
                logger=self,
            )
            return
        event: LogEvent = kwargs
        event.update(
            log_logger=self,
            log_level=level,
            log_namespace=self.namespace,
            log_source=self.source,
            log_format=format,
            log_time=time.time(),
        )
        trace = event.get("log_trace")
        if isinstance(trace, list):
            trace.append((self, self.observer))
        self.observer(event)

    def failure(
        self,
        format: str,
        failure: Failure | None = None,
        level: LogLevel = LogLevel.critical,
        **kwargs: object,
    ) -> None:
        """Emit ``failure`` (default: the exception being handled) with a traceback.

        Twisted: twisted.logger.Logger.failure.
        """
        if failure is None:
            failure = Failure()
        self.emit(level, format, log_failure=failure, **kwargs)

    def debug(self, format: str | None = None, **kwargs: object) -> None:
        """Emit at :attr:`LogLevel.debug`. Twisted: twisted.logger.Logger.debug."""
        self.emit(LogLevel.debug, format, **kwargs)

    def info(self, format: str | None = None, **kwargs: object) -> None:
        """Emit at :attr:`LogLevel.info`. Twisted: twisted.logger.Logger.info."""
        self.emit(LogLevel.info, format, **kwargs)

    def warn(self, format: str | None = None, **kwargs: object) -> None:
        """Emit at :attr:`LogLevel.warn`. Twisted: twisted.logger.Logger.warn."""
        self.emit(LogLevel.warn, format, **kwargs)

    def error(self, format: str | None = None, **kwargs: object) -> None:
        """Emit at :attr:`LogLevel.error`. Twisted: twisted.logger.Logger.error."""
        self.emit(LogLevel.error, format, **kwargs)

    def critical(self, format: str | None = None, **kwargs: object) -> None:
        """Emit at :attr:`LogLevel.critical`. Twisted: twisted.logger.Logger.critical."""
        self.emit(LogLevel.critical, format, **kwargs)


# --------------------------------------------------------------------------------------------
# Handling failures in a block


class Operation(typing.Protocol):
    """What ``Logger.failuresHandled`` yields: how the block it guarded ended.

    Twisted: twisted.logger.Operation.
    """

    @property
    def succeeded(self) -> bool:
        """True if the block ran to its end."""
        ...

    @property
    def failure(self) -> Failure | None:
        """The Failure of the exception that ended the block, if one did."""
        ...

    @property
    def failed(self) -> bool:
        """True if an exception ended the block."""
        ...


class _HandledBlock:
    """A context manager that logs an escaping exception and swallows it."""

    succeeded: bool = False
    failure: Failure | None = None

    def __init__(self, report: Callable[[Failure], None]) -> None:
        self._report = report

    @property
    def failed(self) -> bool:
        return self.failure is not None

    def __enter__(self) -> _HandledBlock:
        return self

    def __exit__(self, excType: object, excValue: object, traceback: object, /) -> bool:
        if excType is None:
            self.succeeded = True
            return False
        failure = Failure()
        self.failure = failure
        self._report(failure)
        return True  # handled: logged, not raised


def _failuresHandled(
    self: Logger, format: str, level: LogLevel = LogLevel.critical, **kwargs: object
) -> AbstractContextManager[Operation]:
    """Run a ``with`` block whose exception is logged (as ``failure``) and swallowed.

    The value bound by ``as`` tells afterwards whether the block succeeded or failed.

    Twisted: twisted.logger.Logger.failuresHandled.
    """
    return _HandledBlock(lambda f: self.failure(format, f, level, **kwargs))


def _failureHandler(
    self: Logger, staticMessage: str, level: LogLevel = LogLevel.critical
) -> AbstractContextManager[None]:
    """Return a reusable context manager that logs and swallows an exception.

    Twisted: twisted.logger.Logger.failureHandler.
    """
    return cast(
        "AbstractContextManager[None]",
        _HandledBlock(lambda f: self.failure(staticMessage, f, level)),
    )


Logger.failuresHandled = _failuresHandled  # type: ignore[attr-defined]
Logger.failureHandler = _failureHandler  # type: ignore[attr-defined]


def _loggerFor(obj: object) -> Logger:
    """Return a Logger whose source is ``obj`` and namespace ``module.Class`` of its class.

    Twisted: twisted.logger._loggerFor.
    """
    cls = type(obj)
    return Logger(f"{cls.__module__}.{cls.__name__}", obj)


# --------------------------------------------------------------------------------------------
# Observers and their interfaces


class ILogObserver(Interface):  # zope.interface is untyped
    """Something that receives structured events: a callable taking one event dict.

    Twisted: twisted.logger.ILogObserver.
    """

    def __call__(event: LogEvent) -> None:  # type: ignore[misc]  # (zope: no self)
        """Handle one event (it must not raise)."""


class PredicateResult(enum.Enum):
    """What a filter predicate says about an event.

    Twisted: twisted.logger.PredicateResult.
    """

    yes = "yes"
    no = "no"
    maybe = "maybe"

    def __repr__(self) -> str:
        return f"<PredicateResult={self.name}>"

    @classmethod
    def lookupByName(cls, name: str) -> PredicateResult:
        """Return the result called ``name``; raise ValueError if there is none.

        Twisted: constantly.Names.lookupByName.
        """
        member = cls.__members__.get(name)
        if member is None:
            raise ValueError(name)
        return member

    @classmethod
    def iterconstants(cls) -> Iterator[PredicateResult]:
        """Iterate over yes, no and maybe. Twisted: constantly.Names.iterconstants."""
        return iter(cls)


class ILogFilterPredicate(Interface):
    """Decides whether an event goes on to an observer.

    Twisted: twisted.logger.ILogFilterPredicate.
    """

    def __call__(event: LogEvent) -> PredicateResult:  # type: ignore[empty-body, misc]  # (zope)
        """Return yes (deliver), no (drop) or maybe (ask the next predicate)."""


class FilteringLogObserver:
    """Passes an event on to ``observer`` unless a predicate says no.

    Predicates are asked in order; the first ``yes`` or ``no`` decides, all ``maybe`` means
    yes. Refused events go to ``negativeObserver``.

    Twisted: twisted.logger.FilteringLogObserver.
    """

    def __init__(
        self,
        observer: _Observer,
        predicates: Iterable[Callable[[LogEvent], PredicateResult]],
        negativeObserver: _Observer = lambda event: None,
    ) -> None:
        self._observer = observer
        self._predicates = list(predicates)
        self._negativeObserver = negativeObserver

    def _shouldLogEvent(self, event: LogEvent) -> bool:
        for predicate in self._predicates:
            result = predicate(event)
            if result is PredicateResult.yes:
                return True
            if result is PredicateResult.no:
                return False
            if result is not PredicateResult.maybe:
                raise TypeError(f"Invalid predicate result: {result!r}")
        return True

    def __call__(self, event: LogEvent) -> None:
        """Deliver ``event`` to the observer or to the negative observer."""
        if self._shouldLogEvent(event):
            if "log_trace" in event:
                event["log_trace"].append((self, self._observer))
            self._observer(event)
        else:
            self._negativeObserver(event)


class LogLevelFilterPredicate:
    """Says ``no`` to events below the level set for their namespace (or a parent's).

    Twisted: twisted.logger.LogLevelFilterPredicate.
    """

    def __init__(self, defaultLogLevel: LogLevel = LogLevel.info) -> None:
        self._logLevelsByNamespace: dict[str, LogLevel] = {}
        self.defaultLogLevel = defaultLogLevel
        self.clearLogLevels()

    def logLevelForNamespace(self, namespace: str | None) -> LogLevel:
        """Return the level in force for ``namespace`` (its own, a parent's, or the default)."""
        if not namespace:
            return self._logLevelsByNamespace[""]
        if namespace in self._logLevelsByNamespace:
            return self._logLevelsByNamespace[namespace]
        segments = namespace.split(".")
        while segments:
            segments.pop()
            found = self._logLevelsByNamespace.get(".".join(segments))
            if found is not None:
                return found
        return self._logLevelsByNamespace[""]

    def setLogLevelForNamespace(self, namespace: str, level: LogLevel) -> None:
        """Set the lowest level let through for ``namespace`` and its children."""
        if not isinstance(level, LogLevel):
            raise InvalidLogLevelError(level)
        self._logLevelsByNamespace[namespace or ""] = level

    def clearLogLevels(self) -> None:
        """Forget every namespace's level; only the default remains."""
        self._logLevelsByNamespace.clear()
        self._logLevelsByNamespace[""] = self.defaultLogLevel

    def __call__(self, event: LogEvent) -> PredicateResult:
        level = event.get("log_level")
        namespace = event.get("log_namespace")
        if not isinstance(level, LogLevel) or level < self.logLevelForNamespace(namespace):
            return PredicateResult.no
        return PredicateResult.maybe


class LimitedHistoryLogObserver:
    """Keeps the last ``size`` events; ``replayTo`` hands them to another observer.

    Twisted: twisted.logger.LimitedHistoryLogObserver.
    """

    def __init__(self, size: int) -> None:
        self._buffer: collections.deque[LogEvent] = collections.deque(maxlen=size)

    def __call__(self, event: LogEvent) -> None:
        self._buffer.append(event)

    def replayTo(self, otherObserver: _Observer) -> None:
        """Send every kept event to ``otherObserver``, oldest first."""
        for event in self._buffer:
            otherObserver(event)


class STDLibLogObserver:
    """Sends events to stdlib logging, on the logger ``name``.

    Twisted: twisted.logger.STDLibLogObserver. (twistlike's own events already reach stdlib
    logging through :data:`globalLogPublisher`; this is for other publishers.)
    """

    #: How many frames up the emitting code is (kept for compatibility).
    defaultStackDepth = 4

    def __init__(self, name: str = "twisted", stackDepth: int = defaultStackDepth) -> None:
        self.logger = logging.getLogger(name)
        self.stackDepth = stackDepth

    def __call__(self, event: LogEvent) -> None:
        level = event.get("log_level", LogLevel.info)
        levelno = level.value if isinstance(level, LogLevel) else logging.INFO
        failure = event.get("log_failure")
        text = formatEvent(event)
        if isinstance(failure, Failure):
            text = f"{text}\n{_traceback_text(failure)}"
        self.logger.log(levelno, "%s", text)


# --------------------------------------------------------------------------------------------
# Text

#: Twisted: twisted.logger.timeFormatRFC3339.
timeFormatRFC3339 = "%Y-%m-%dT%H:%M:%S%z"


def formatTime(
    when: float | None, timeFormat: str | None = timeFormatRFC3339, default: str = "-"
) -> str:
    """Format the epoch time ``when`` in local time; ``default`` when there is none.

    Twisted: twisted.logger.formatTime.
    """
    if timeFormat is None or when is None:
        return default
    return datetime.fromtimestamp(when).astimezone().strftime(timeFormat)


def _system_of(event: LogEvent) -> str:
    system = event.get("log_system")
    if system is None:
        level = event.get("log_level")
        levelName = level.name if isinstance(level, LogLevel) else "-"
        return f"{event.get('log_namespace', '-')}#{levelName}"
    try:
        return str(system)
    except Exception:
        return "UNFORMATTABLE"


def eventAsText(
    event: LogEvent,
    includeTraceback: bool = True,
    includeTimestamp: bool = True,
    includeSystem: bool = True,
    formatTime: Callable[[float], str] = formatTime,
) -> str:
    """Render an event as one text: ``"<time> [<system>] <text>"`` plus its traceback.

    ``system`` is ``log_system``, else ``"<namespace>#<level>"``. Empty text gives ``""``.

    Twisted: twisted.logger.eventAsText.
    """
    text = formatEvent(event)
    failure = event.get("log_failure")
    if includeTraceback and isinstance(failure, Failure):
        text = f"{text}\n{_traceback_text(failure)}"
    if not text:
        return text
    prefix = ""
    if includeTimestamp:
        prefix = f"{formatTime(event.get('log_time'))} "  # type: ignore[arg-type]
    if includeSystem:
        prefix = f"{prefix}[{_system_of(event)}] "
    return prefix + text


def formatEventAsClassicLogText(
    event: LogEvent, formatTime: Callable[[float | None], str] = formatTime
) -> str | None:
    """Render an event as the classic log line (continuation lines tab-indented), or None.

    Twisted: twisted.logger.formatEventAsClassicLogText.
    """
    text = eventAsText(event, formatTime=formatTime)
    if not text:
        return None
    return text.replace("\n", "\n\t") + "\n"


def extractField(field: str, event: LogEvent) -> Any:
    """Return the value a format field (``"a.b"``, ``"obj.method()"``, ``"d[key]"``) names.

    Raises:
        KeyError: the event has no such key.

    Twisted: twisted.logger.extractField.
    """
    value, _ = _formatter.get_field(field, (), event)
    return value._wrapped if isinstance(value, _MaybeCalled) else value


class FileLogObserver:
    """Writes each event, as text made by ``formatEvent``, to a text file.

    Events for which ``formatEvent`` returns None (or ``""``) are skipped.

    Twisted: twisted.logger.FileLogObserver.
    """

    def __init__(self, outFile: IO[Any], formatEvent: Callable[[LogEvent], str | None]) -> None:
        self._encoding = "utf-8" if "b" in getattr(outFile, "mode", "") else None
        self._outFile = outFile
        self.formatEvent = formatEvent

    def __call__(self, event: LogEvent) -> None:
        text = self.formatEvent(event)
        if text:
            if self._encoding is not None:
                self._outFile.write(text.encode(self._encoding))
            else:
                self._outFile.write(text)
            self._outFile.flush()


def textFileLogObserver(
    outFile: IO[Any], timeFormat: str | None = timeFormatRFC3339
) -> FileLogObserver:
    """Return an observer writing classic log lines to ``outFile``.

    Twisted: twisted.logger.textFileLogObserver.
    """

    def when(t: float | None) -> str:
        return formatTime(t, timeFormat)

    return FileLogObserver(outFile, lambda event: formatEventAsClassicLogText(event, when))


# --------------------------------------------------------------------------------------------
# JSON


def _json_default(obj: object) -> Any:
    if isinstance(obj, LogLevel):
        return {"name": obj.name, "__class_uuid__": _LEVEL_UUID}
    if isinstance(obj, Failure):
        return {
            "type": f"{obj.type.__module__}.{obj.type.__qualname__}",
            "value": safe_repr(obj.value),
            "traceback": _traceback_text(obj),
            "__class_uuid__": _FAILURE_UUID,
        }
    if isinstance(obj, bytes):
        return obj.decode("charmap")
    return {"unpersistable": True}


# Twisted's markers for the objects its JSON form can revive (the same values, so JSON logs
# written by Twisted and by twistlike read back alike).
_LEVEL_UUID = "02e59486-f24d-46ad-8224-3acdf2a5732a"
_FAILURE_UUID = "e76887e2-20ed-49bf-a8f8-ba25cc586f2d"


def _flat_key(fieldName: str, formatSpec: str | None, conversion: str | None) -> str:
    # Twisted's key for a flattened field: "name!conversion:spec".
    return f"{fieldName}!{conversion or ''}:{formatSpec or ''}"


def _flatten(event: LogEvent) -> None:
    """Store the text of each field of ``log_format`` in ``log_flattened`` (Twisted's form).

    A flattened event keeps its text when the objects are gone (a JSON log read back).
    """
    fmt = event.get("log_format")
    if not isinstance(fmt, str):
        return
    fields: dict[str, Any] = event.get("log_flattened") or {}
    seen: dict[str, int] = {}

    def numbered(key: str) -> str:
        seen[key] = seen.get(key, 0) + 1
        return key if seen[key] == 1 else f"{key}/{seen[key]}"

    for _, fieldName, formatSpec, conversion in _formatter.parse(fmt):
        if fieldName is None:
            continue
        conversion = "r" if conversion == "r" else "s"
        flatKey = numbered(_flat_key(fieldName, formatSpec, conversion))
        structuredKey = numbered(_flat_key(fieldName, formatSpec, ""))
        if flatKey in fields:
            continue
        try:
            value = extractField(fieldName, event)
        except (KeyError, AttributeError, IndexError, TypeError):
            continue
        fields[flatKey] = repr(value) if conversion == "r" else str(value)
        fields[structuredKey] = value
    if fields:
        event["log_flattened"] = fields


def _flat_format(event: Mapping[str, Any]) -> str:
    """Render ``log_format`` from ``log_flattened`` (Twisted's flatFormat)."""
    values = event["log_flattened"]
    seen: dict[str, int] = {}
    parts = []
    for literal, fieldName, formatSpec, conversion in _formatter.parse(event["log_format"]):
        parts.append(literal)
        if fieldName is not None:
            key = _flat_key(fieldName, formatSpec, conversion or "s")
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                key = f"{key}/{seen[key]}"
            parts.append(str(values[key]))
    return "".join(parts)


def eventAsJSON(event: LogEvent) -> str:
    """Return ``event`` as one JSON text; what cannot be saved becomes a marker.

    The fields of ``log_format`` are flattened to text first (``log_flattened``, added to
    ``event`` as Twisted does), so the text survives without the objects it referred to and
    Twisted's ``eventsFromJSONLogFile`` reads it back alike.

    Twisted: twisted.logger.eventAsJSON.
    """
    _flatten(event)
    saved: dict[str, Any] = {}
    for key, value in event.items():
        if key in ("log_logger", "log_source", "log_trace", "log_observer"):
            # Live objects: keep their repr only.
            saved[key] = safe_repr(value) if key == "log_source" and value is not None else None
            continue
        saved[key] = value
    return json.dumps(saved, default=_json_default, skipkeys=True, sort_keys=False)


class _RevivedFailure(Exception):
    """Stands for the exception of a Failure read back from JSON."""


def _json_object(obj: dict[str, Any]) -> Any:
    marker = str(obj.get("__class_uuid__", "")).lower()
    if marker == _LEVEL_UUID:
        return LogLevel.levelWithName(obj["name"])
    if marker == _FAILURE_UUID:
        failure = Failure(_RevivedFailure(obj.get("value")))
        return failure
    return obj


def eventFromJSON(eventText: str) -> LogEvent:
    """Read back an event written by :func:`eventAsJSON`.

    Twisted: twisted.logger.eventFromJSON.
    """
    event = json.loads(eventText, object_hook=_json_object)
    if not isinstance(event, dict):
        raise ValueError(f"not a JSON log event: {eventText[:80]!r}")
    return event


def jsonFileLogObserver(outFile: IO[Any], recordSeparator: str = "\x1e") -> FileLogObserver:
    """Return an observer writing each event as ``recordSeparator + JSON + "\\n"``.

    Twisted: twisted.logger.jsonFileLogObserver.
    """
    return FileLogObserver(outFile, lambda event: f"{recordSeparator}{eventAsJSON(event)}\n")


def eventsFromJSONLogFile(
    inFile: IO[Any], recordSeparator: str | None = None, bufferSize: int = 4096
) -> Iterator[LogEvent]:
    """Yield the events of a file written by :func:`jsonFileLogObserver`.

    The separator is guessed from the first byte when not given (``"\\x1e"`` records, else
    one event per line). Records that are not valid JSON are skipped with a logged error.

    Twisted: twisted.logger.eventsFromJSONLogFile.
    """
    chunks: list[str] = []
    while True:
        chunk = inFile.read(bufferSize)
        if not chunk:
            break
        chunks.append(chunk.decode("utf-8") if isinstance(chunk, bytes) else chunk)
    data = "".join(chunks)
    if recordSeparator is None:
        recordSeparator = "\x1e" if data.startswith("\x1e") else "\n"
    for record in data.split(recordSeparator):
        if not record.strip():
            continue
        try:
            yield eventFromJSON(record.strip())
        except ValueError:
            _log_self.error("Unable to read JSON record: {record!r}", record=record)


_log_self = Logger("twistlike.logger")


@contextmanager
def capturedLogs() -> Iterator[Sequence[LogEvent]]:
    """Collect the events published to :data:`globalLogPublisher` while the block runs.

    Twisted: twisted.logger.capturedLogs.
    """
    events: list[LogEvent] = []
    _global_publisher.addObserver(events.append)
    try:
        yield events
    finally:
        _global_publisher.removeObserver(events.append)


# --------------------------------------------------------------------------------------------
# Starting Twisted-style logging


class LoggingFile(io.TextIOBase):
    """A write-only text file whose every line becomes an event on ``logger``.

    Standard output and error become two of these once logging begins (namespaces
    ``"stdout"`` and ``"stderr"``). Each event carries the line as ``log_io`` (format
    ``"{log_io}"``); an incomplete last line waits for its newline (as in Twisted, neither
    ``flush`` nor ``close`` emits it).

    Twisted: twisted.logger.LoggingFile.
    """

    softspace = 0
    mode = "w"
    newlines = None

    def __init__(
        self, logger: Logger, level: LogLevel = LogLevel.info, encoding: str | None = None
    ) -> None:
        self.level = level
        self.log = logger
        self._encoding = encoding or sys.getdefaultencoding()
        self._buffer = ""
        self._closed = False
        # Where text goes when it is written while an event is being published (an observer
        # that prints, stdlib's lastResort): logging it again would loop.
        self._fallback: IO[str] | None = None

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding

    @property
    def name(self) -> str:
        """Twisted's name for such a file."""
        return f"<{self.__class__.__name__} {self.log.namespace}#{self.level.name}>"

    def close(self) -> None:
        """Refuse further writes."""
        self._closed = True

    def flush(self) -> None:
        """Nothing to flush: a line is emitted when its newline is written."""

    def fileno(self) -> int:
        """Return -1: there is no descriptor behind this file."""
        return -1

    def isatty(self) -> bool:
        return False

    def writable(self) -> bool:
        return True

    def write(self, string: str | bytes) -> int:
        """Emit an event for each complete line of ``string`` (str, or bytes to decode).

        Raises:
            ValueError: the file is closed.
        """
        if self._closed:
            raise ValueError("I/O operation on closed file")
        text = string.decode(self._encoding) if isinstance(string, bytes) else string
        if _publishing():
            fallback = self._fallback or sys.__stderr__
            if fallback is not None:
                fallback.write(text)
            return len(string)
        lines = (self._buffer + text).split("\n")
        self._buffer = lines.pop()
        for line in lines:
            self.log.emit(self.level, format="{log_io}", log_io=line)
        return len(string)

    def writelines(self, lines: Iterable[str | bytes]) -> None:  # type: ignore[override]
        """Write each of ``lines``."""
        for line in lines:
            self.write(line)


_beginning: dict[str, Any] = {}
"""What the first beginLoggingTo changed (stdio, showwarning) and where it was called."""


class LogBeginner:
    """Starts Twisted-style logging: observers on the publisher, stdio and warnings captured.

    Before ``beginLoggingTo``, twistlike's events go to stdlib logging (whose last resort
    prints warnings and errors to stderr). Once it has run, events reach the given observers
    and stdlib logging only through handlers an application configured, so nothing is
    printed twice. Warnings become one-line events (``file:line: category: message``).

    Twisted: twisted.logger.LogBeginner.
    """

    def __init__(
        self,
        publisher: LogPublisher,
        errorStream: IO[Any],
        stdio: object,
        warningsModule: Any,
        initialBufferSize: int | None = None,
    ) -> None:
        self._publisher = publisher
        self._errorStream = errorStream
        self._stdio = stdio
        self._warningsModule = warningsModule
        self._oldshowwarning = warningsModule.showwarning
        self._log = Logger(namespace="twistlike.logger", observer=publisher)

    def beginLoggingTo(
        self,
        observers: Iterable[_Observer],
        discardBuffer: bool = False,
        redirectStandardIO: bool = True,
    ) -> None:
        """Send events to ``observers``; capture stdout/stderr and warnings.

        ``discardBuffer`` is accepted for compatibility: twistlike keeps no buffer of
        earlier events (they went to stdlib logging).

        Twisted: twisted.logger.LogBeginner.beginLoggingTo.
        """
        filename, lineno, _ = _caller()
        previous = _beginning.get("where")
        for observer in observers:
            self._publisher.addObserver(observer)
        if previous is not None:
            self._log.warn(
                "Warning: primary log target selected twice at <{fileNow}:{lineNow}> - "
                "previously selected at <{fileThen}:{lineThen}>.  Remove one of the calls "
                "to beginLoggingTo.",
                fileNow=filename,
                lineNow=lineno,
                fileThen=previous[0],
                lineThen=previous[1],
            )
            return
        _beginning["where"] = (filename, lineno)
        _beginning["beginner"] = self
        if redirectStandardIO:
            stdio: Any = self._stdio
            _beginning["stdio"] = (stdio, stdio.stdout, stdio.stderr)
            for name, level in (("stdout", LogLevel.info), ("stderr", LogLevel.error)):
                original = getattr(stdio, name)
                replacement = LoggingFile(
                    Logger(namespace=name, observer=self._publisher),
                    level,
                    getattr(original, "encoding", None),
                )
                replacement._fallback = original
                setattr(stdio, name, replacement)
        _beginning["showwarning"] = (self._warningsModule, self._warningsModule.showwarning)
        self._warningsModule.showwarning = self.showwarning

    def showwarning(
        self,
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: IO[str] | None = None,
        line: str | None = None,
    ) -> None:
        """Log a warning as one event; one with an explicit ``file`` is written there.

        Twisted: twisted.logger.LogBeginner.showwarning.
        """
        if file is None:
            self._log.warn(
                "{filename}:{lineno}: {category}: {warning}",
                warning=message,
                category=f"{category.__module__}.{category.__qualname__}",
                filename=filename,
                lineno=lineno,
            )
        else:
            self._oldshowwarning(message, category, filename, lineno, file, line)


def _end_logging() -> None:
    """Undo beginLoggingTo's captures (stdio, showwarning); for tests and twistlike.log."""
    saved = _beginning.get("stdio")
    if saved is not None:
        stdio, stdout, stderr = saved
        stdio.stdout, stdio.stderr = stdout, stderr
    warned = _beginning.get("showwarning")
    if warned is not None:
        module, original = warned
        module.showwarning = original
    _beginning.clear()


#: Twisted: twisted.logger.globalLogBeginner.
globalLogBeginner: LogBeginner = LogBeginner(_global_publisher, sys.stderr, sys, warnings)


# --------------------------------------------------------------------------------------------
# Classic observers


class _StringifiableFromEvent:
    """Renders a structured event lazily, for classic observers that %-format ``format``."""

    __slots__ = ("_event",)

    def __init__(self, event: LogEvent) -> None:
        self._event = event

    def __str__(self) -> str:
        return formatEvent(self._event)


class LegacyLogObserverWrapper:
    """Adapts a classic observer (``twistlike.log`` style) to structured events.

    The classic keys (``message``, ``time``, ``system``, ``isError``, ``failure``, ``why``,
    ``format``) are added to the event, which is shared, as Twisted does.

    Twisted: twisted.logger.LegacyLogObserverWrapper.
    """

    def __init__(self, legacyObserver: Callable[[LogEvent], object]) -> None:
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


if not TYPE_CHECKING:
    # (Hidden from type checkers, which would otherwise accept any name from this module.)

    def __getattr__(name: str) -> object:
        # A Twisted name twistlike does not provide fails with the reason (docs/missing.md).
        from twistlike._porting.missing import missing_name_error

        raise missing_name_error(__name__, name)

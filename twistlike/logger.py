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

import enum
import logging
import string
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import FrameType
from typing import Any

from twistlike._core.log import FAILURE_ATTR
from twistlike._core.reflect import safe_repr
from twistlike.failure import Failure

__all__ = [
    "InvalidLogLevelError",
    "LogEvent",
    "LogLevel",
    "LogPublisher",
    "Logger",
    "formatEvent",
    "globalLogPublisher",
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
        _dispatch(self._observers, event)


def _dispatch(observers: tuple[_Observer, ...], event: LogEvent) -> None:
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        for observer in observers:
            try:
                observer(event)
            except BaseException:
                # Reported to stdlib only (marked, so the tree handler does not send it back
                # to the observers and loop).
                bad = Failure()
                _to_stdlib(
                    {"log_failure": bad, "log_observer": observer},
                    "twistlike.logger",
                    logging.ERROR,
                    f"Temporarily disabling observer {safe_repr(observer)} due to exception",
                )
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
            if logging.getLogger(namespace).isEnabledFor(levelno):
                _to_stdlib(event, namespace, levelno, _text_of(event))
            if self._observers:
                _dispatch(self._observers, event)
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
        if not self._other_handlers(record.name):
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

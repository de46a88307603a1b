"""Tests for twistlike.logger: Logger, LogLevel, formatEvent and the stdlib routing."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import twisted.logger as tlogger
from hypothesis import given, settings
from hypothesis import strategies as st

from twistlike.failure import Failure
from twistlike.logger import (
    InvalidLogLevelError,
    LogEvent,
    Logger,
    LogLevel,
    LogPublisher,
    formatEvent,
    globalLogPublisher,
)

TLogger: Any = tlogger.Logger
TLogLevel: Any = tlogger.LogLevel
tformatEvent: Any = tlogger.formatEvent

NAMES = ["debug", "info", "warn", "error", "critical"]


@pytest.fixture
def observed() -> Iterator[list[LogEvent]]:
    """Collect the events published on globalLogPublisher during the test."""
    events: list[LogEvent] = []
    globalLogPublisher.addObserver(events.append)
    yield events
    globalLogPublisher.removeObserver(events.append)


# ---- LogLevel -----------------------------------------------------------------------------


def test_levels_match_twisted_names_and_reprs() -> None:
    """The levels, their order, names and reprs are Twisted's."""
    ours = list(LogLevel.iterconstants())
    theirs = list(TLogLevel.iterconstants())
    assert [level.name for level in ours] == [level.name for level in theirs] == NAMES
    assert [repr(level) for level in ours] == [repr(level) for level in theirs]
    assert [str(level) for level in ours] == [str(level) for level in theirs]
    assert [f"{level}" for level in ours] == [f"{level}" for level in theirs]


@pytest.mark.parametrize("a", NAMES)
@pytest.mark.parametrize("b", NAMES)
def test_levels_compare_like_twisted(a: str, b: str) -> None:
    """Levels are ordered from debug to critical, as in Twisted."""
    ours = (LogLevel.lookupByName(a), LogLevel.lookupByName(b))
    theirs = (TLogLevel.lookupByName(a), TLogLevel.lookupByName(b))
    assert (ours[0] < ours[1], ours[0] <= ours[1], ours[0] > ours[1], ours[0] >= ours[1]) == (
        theirs[0] < theirs[1],
        theirs[0] <= theirs[1],
        theirs[0] > theirs[1],
        theirs[0] >= theirs[1],
    )
    assert (ours[0] == ours[1]) == (a == b)


def test_level_lookup_errors() -> None:
    """lookupByName raises ValueError and levelWithName InvalidLogLevelError for bad names."""
    with pytest.raises(ValueError):
        LogLevel.lookupByName("loud")
    with pytest.raises(InvalidLogLevelError) as info:
        LogLevel.levelWithName("loud")
    assert info.value.level == "loud"
    assert str(info.value) == "loud"
    assert LogLevel.levelWithName("error") is LogLevel.error


def test_levels_map_to_stdlib() -> None:
    """Each level's value is the stdlib level it is logged at."""
    assert [level.value for level in LogLevel] == [
        logging.DEBUG,
        logging.INFO,
        logging.WARNING,
        logging.ERROR,
        logging.CRITICAL,
    ]


def test_level_comparison_with_other_types_fails() -> None:
    """Ordering a level against a non-level raises TypeError."""
    with pytest.raises(TypeError):
        assert LogLevel.info < 3


# ---- formatEvent --------------------------------------------------------------------------


class _Point:
    x = 3

    def name(self) -> str:
        return "point"

    def __format__(self, spec: str) -> str:
        return f"P[{spec}]"


_FORMATS = [
    "plain text",
    "{a}",
    "{a!r} and {b:>6}",
    "{c()}",
    "{p.x} {p.name()} {p:xy}",
    "{d[k]}",
    "{{escaped}}",
    "{missing}",
    "{0}",
    "{a",
    "}",
    "{c.bad()}",
    "{a:%}",
    "{boom()}",
    "",
]


def _boom() -> str:
    raise RuntimeError("boom")


def _fields() -> dict[str, Any]:
    return {
        "a": "alpha",
        "b": 42,
        "c": lambda: "called",
        "p": _Point(),
        "d": {"k": [1, 2]},
        "boom": _boom,
    }


@pytest.mark.parametrize("fmt", _FORMATS)
def test_format_event_matches_twisted(fmt: str) -> None:
    """formatEvent renders (or reports being unable to render) exactly as Twisted does."""
    fields = _fields()
    event = dict(fields, log_format=fmt)
    twisted_event = dict(fields, log_format=fmt)
    assert formatEvent(event) == tformatEvent(twisted_event)


@pytest.mark.parametrize("fmt", [None, b"bytes {a}", 7])
def test_format_event_odd_formats_match_twisted(fmt: object) -> None:
    """A missing, bytes or non-string format renders as in Twisted."""
    assert formatEvent({"log_format": fmt, "a": 1}) == tformatEvent({"log_format": fmt, "a": 1})
    assert formatEvent({}) == tformatEvent({}) == ""


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="{}!:ab0.()[]rs<>", max_size=12))
def test_format_event_never_raises_and_matches_twisted(fmt: str) -> None:
    """Arbitrary format strings never raise and render like Twisted's formatEvent."""
    fields = {"a": "x", "b": [1]}
    ours = formatEvent(dict(fields, log_format=fmt))
    assert ours == tformatEvent(dict(fields, log_format=fmt))


# ---- Logger -------------------------------------------------------------------------------


def test_default_namespace_is_calling_module() -> None:
    """Logger() takes the namespace of the module that creates it."""
    assert Logger().namespace == __name__
    assert repr(Logger(namespace="a.b")) == "<Logger 'a.b'>"


class _Thing:
    log = Logger()


def test_descriptor_namespace_and_source() -> None:
    """As a class attribute, the Logger is named module.Class with the class or instance
    as source, like Twisted's."""
    thing = _Thing()

    class Theirs:
        log = TLogger()

    assert _Thing.log.namespace == f"{_Thing.__module__}._Thing"
    assert _Thing.log.source is _Thing
    assert thing.log.source is thing
    assert Theirs.log.namespace == f"{Theirs.__module__}.Theirs"


def test_descriptor_keeps_observer() -> None:
    """A descriptor-form Logger passes its observer to the per-instance Loggers."""
    events: list[LogEvent] = []

    class Owner:
        log = Logger(observer=events.append)

    Owner().log.info("x")
    assert len(events) == 1 and isinstance(events[0]["log_source"], Owner)


@pytest.mark.parametrize("name", NAMES)
def test_event_keys_match_twisted(name: str) -> None:
    """Each level method emits an event with Twisted's keys and values."""
    ours: list[LogEvent] = []
    theirs: list[LogEvent] = []
    source = object()
    getattr(Logger("ns", source, ours.append), name)("hi {who}", who="there")
    getattr(TLogger("ns", source, theirs.append), name)("hi {who}", who="there")
    assert set(ours[0]) == set(theirs[0])
    for key in ("who", "log_namespace", "log_source", "log_format"):
        assert ours[0][key] == theirs[0][key]
    assert ours[0]["log_level"].name == theirs[0]["log_level"].name == name
    assert formatEvent(ours[0]) == "hi there"
    assert isinstance(ours[0]["log_time"], float)


def test_failure_captures_current_exception() -> None:
    """failure() without a Failure wraps the exception being handled, at critical."""
    events: list[LogEvent] = []
    log = Logger("ns", observer=events.append)
    try:
        raise ValueError("bad")
    except ValueError:
        log.failure("while {doing}", doing="work")
    event = events[0]
    assert isinstance(event["log_failure"], Failure)
    assert event["log_failure"].check(ValueError)
    assert event["log_level"] is LogLevel.critical
    assert formatEvent(event) == "while work"


def test_failure_with_explicit_failure_and_level() -> None:
    """failure() logs the given Failure at the given level."""
    events: list[LogEvent] = []
    failure = Failure(KeyError("k"))
    Logger("ns", observer=events.append).failure("oops", failure, LogLevel.warn)
    assert events[0]["log_failure"] is failure
    assert events[0]["log_level"] is LogLevel.warn


def test_invalid_level_reports_failure() -> None:
    """emit() with an unknown level emits a critical failure event, as Twisted does."""
    ours: list[LogEvent] = []
    theirs: list[LogEvent] = []
    log = Logger("ns", observer=ours.append)
    tlog = TLogger("ns", observer=theirs.append)
    log.emit("loud", "x")  # type: ignore[arg-type]
    tlog.emit("loud", "x")
    assert ours[0]["log_level"] is LogLevel.critical
    assert ours[0]["log_failure"].check(InvalidLogLevelError)
    assert formatEvent(ours[0]) == tformatEvent(theirs[0])
    assert set(ours[0]) == set(theirs[0])


# ---- stdlib routing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "levelno"),
    [
        ("debug", logging.DEBUG),
        ("info", logging.INFO),
        ("warn", logging.WARNING),
        ("error", logging.ERROR),
        ("critical", logging.CRITICAL),
    ],
)
def test_logger_writes_to_namespaced_stdlib_logger(
    caplog: pytest.LogCaptureFixture, name: str, levelno: int
) -> None:
    """Events land on the stdlib logger named by the namespace, at the mapped level."""
    caplog.set_level(logging.DEBUG, logger="myapp.db")
    getattr(Logger("myapp.db"), name)("query {q} took {ms}ms", q="SELECT", ms=3)
    [record] = [r for r in caplog.records if r.name == "myapp.db"]
    assert record.levelno == levelno
    assert record.getMessage() == "query SELECT took 3ms"
    assert record.pathname == __file__
    assert record.funcName == "test_logger_writes_to_namespaced_stdlib_logger"


def test_logger_respects_stdlib_level(caplog: pytest.LogCaptureFixture) -> None:
    """A level the stdlib logger filters out makes no record, but observers still see it."""
    caplog.set_level(logging.WARNING, logger="quiet.ns")
    events: list[LogEvent] = []
    globalLogPublisher.addObserver(events.append)
    try:
        Logger("quiet.ns").info("hidden")
    finally:
        globalLogPublisher.removeObserver(events.append)
    assert [r for r in caplog.records if r.name == "quiet.ns"] == []
    assert [formatEvent(e) for e in events] == ["hidden"]


def test_logger_failure_record_carries_failure(caplog: pytest.LogCaptureFixture) -> None:
    """A failure event's record holds the Failure and shows its traceback in the message."""
    caplog.set_level(logging.DEBUG, logger="fail.ns")
    try:
        1 / 0
    except ZeroDivisionError:
        Logger("fail.ns").failure("division went wrong")
    [record] = [r for r in caplog.records if r.name == "fail.ns"]
    assert record.levelno == logging.CRITICAL
    failure = getattr(record, "failure", None)
    assert isinstance(failure, Failure) and failure.check(ZeroDivisionError)
    message = record.getMessage()
    assert message.startswith("division went wrong\n")
    assert "ZeroDivisionError" in message


def test_unformattable_event_does_not_raise(caplog: pytest.LogCaptureFixture) -> None:
    """A format that cannot be rendered logs "Unable to format event" instead of raising."""
    caplog.set_level(logging.DEBUG, logger="bad.ns")
    Logger("bad.ns").error("{missing} {0}")
    [record] = [r for r in caplog.records if r.name == "bad.ns"]
    assert record.getMessage().startswith("Unable to format event {")
    assert record.getMessage().endswith(": 'missing'")


def test_percent_in_text_is_not_reformatted(caplog: pytest.LogCaptureFixture) -> None:
    """Rendered text containing % signs reaches stdlib unchanged."""
    caplog.set_level(logging.DEBUG, logger="pct.ns")
    Logger("pct.ns").info("100% {word} %s %(x)d", word="done")
    [record] = [r for r in caplog.records if r.name == "pct.ns"]
    assert record.getMessage() == "100% done %s %(x)d"


def test_explicit_observer_bypasses_stdlib(caplog: pytest.LogCaptureFixture) -> None:
    """A Logger with its own observer sends events only there, as in Twisted."""
    caplog.set_level(logging.DEBUG, logger="own.ns")
    events: list[LogEvent] = []
    Logger("own.ns", observer=events.append).info("private")
    assert len(events) == 1
    assert [r for r in caplog.records if r.name == "own.ns"] == []


def test_global_observers_receive_events(observed: list[LogEvent]) -> None:
    """globalLogPublisher observers get every Logger event."""
    Logger("obs.ns").warn("careful {x}", x=1)
    [event] = [e for e in observed if e.get("log_namespace") == "obs.ns"]
    assert event["x"] == 1 and event["log_level"] is LogLevel.warn


def test_remove_observer_stops_delivery() -> None:
    """A removed observer gets no more events; removing an unknown one is harmless."""
    events: list[LogEvent] = []
    globalLogPublisher.addObserver(events.append)
    globalLogPublisher.removeObserver(events.append)
    globalLogPublisher.removeObserver(events.append)
    Logger("gone.ns").info("x")
    assert events == []


@pytest.mark.twistlike_allow_unhandled_errors
def test_failing_observer_does_not_stop_others(
    caplog: pytest.LogCaptureFixture, observed: list[LogEvent]
) -> None:
    """An observer that raises is reported to stdlib; later observers still get the event."""

    def broken(event: LogEvent) -> None:
        raise RuntimeError("observer bug")

    after: list[LogEvent] = []
    globalLogPublisher.addObserver(broken)
    globalLogPublisher.addObserver(after.append)
    try:
        Logger("robust.ns").info("still delivered")
    finally:
        globalLogPublisher.removeObserver(broken)
        globalLogPublisher.removeObserver(after.append)
    assert [formatEvent(e) for e in after if e.get("log_namespace") == "robust.ns"] == [
        "still delivered"
    ]
    reports = [r for r in caplog.records if r.name == "twistlike.logger"]
    assert len(reports) == 1
    assert getattr(reports[0], "failure").check(RuntimeError)  # noqa: B009 - stdlib extra
    assert "Temporarily disabling observer" in reports[0].getMessage()


def test_local_publisher_fans_out() -> None:
    """A LogPublisher sends each event to its observers and rejects non-callables."""
    a: list[LogEvent] = []
    b: list[LogEvent] = []
    publisher = LogPublisher(a.append)
    publisher.addObserver(b.append)
    publisher.addObserver(b.append)
    Logger("p.ns", observer=publisher).info("x")
    assert len(a) == len(b) == 1
    with pytest.raises(TypeError):
        publisher.addObserver(42)  # type: ignore[arg-type]


def test_records_of_the_twistlike_tree_reach_observers(observed: list[LogEvent]) -> None:
    """Plain stdlib records logged by twistlike modules reach observers as events."""
    logging.getLogger("twistlike.sometest").warning("disk at %d%%", 93)
    [event] = [e for e in observed if e.get("log_namespace") == "twistlike.sometest"]
    assert event["log_level"] is LogLevel.warn
    assert formatEvent(event) == "disk at 93%"
    assert "log_failure" not in event


@pytest.mark.twistlike_allow_unhandled_errors
def test_exc_info_records_become_failures(observed: list[LogEvent]) -> None:
    """A twistlike-tree record with exc_info reaches observers with a Failure."""
    try:
        raise OSError("io")
    except OSError:
        logging.getLogger("twistlike.sometest").exception("while reading")
    [event] = [e for e in observed if e.get("log_namespace") == "twistlike.sometest"]
    assert event["log_failure"].check(OSError)
    assert formatEvent(event) == "while reading"


def test_records_outside_the_tree_are_not_observed(observed: list[LogEvent]) -> None:
    """Stdlib records of other libraries do not reach twistlike observers."""
    logging.getLogger("unrelated.lib").warning("not ours")
    assert [e for e in observed if e.get("log_namespace") == "unrelated.lib"] == []

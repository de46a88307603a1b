"""Tests for twistlike.log: msg/err on stdlib logging, classic observers, startLogging."""

from __future__ import annotations

import io
import logging
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import twisted.logger as tlogger
import twisted.python.failure as tfailure
import twisted.python.log as tlog
from zope.interface import Interface  # type: ignore[import-untyped, unused-ignore]

from twistlike import log
from twistlike._core.log import log_failure
from twistlike.defer import Deferred, fail
from twistlike.failure import Failure
from twistlike.logger import Logger, LogLevel

TFailure: Any = tfailure.Failure
TLogger: Any = tlogger.Logger
tmsg: Any = tlog.msg
terr: Any = tlog.err
taddObserver: Any = tlog.addObserver
tremoveObserver: Any = tlog.removeObserver
ttextFromEventDict: Any = tlog.textFromEventDict
TFileLogObserver: Any = tlog.FileLogObserver

_Event = dict[str, Any]


@pytest.fixture
def classic() -> Iterator[list[_Event]]:
    """Collect classic events delivered to a log.addObserver observer during the test."""
    events: list[_Event] = []
    log.addObserver(events.append)
    yield events
    log.removeObserver(events.append)


def _records(caplog: pytest.LogCaptureFixture, name: str = "twistlike.log") -> list[Any]:
    return [r for r in caplog.records if r.name == name]


# ---- msg and err on stdlib ----------------------------------------------------------------


def test_msg_logs_info_on_twistlike_log(caplog: pytest.LogCaptureFixture) -> None:
    """msg() joins its parts with spaces and logs them at INFO on "twistlike.log"."""
    caplog.set_level(logging.DEBUG, logger="twistlike.log")
    log.msg("hello", "world", 3)
    [record] = _records(caplog)
    assert record.levelno == logging.INFO
    assert record.getMessage() == "hello world 3"
    assert record.system == "-"
    assert record.failure is None
    assert record.funcName == "test_msg_logs_info_on_twistlike_log"


def test_msg_system_and_level(caplog: pytest.LogCaptureFixture) -> None:
    """system= rides along as record.system; logLevel= picks the stdlib level."""
    caplog.set_level(logging.DEBUG, logger="twistlike.log")
    log.msg("quiet", system="HTTP", logLevel=logging.DEBUG)
    [record] = _records(caplog)
    assert (record.levelno, record.system) == (logging.DEBUG, "HTTP")


def test_msg_format(caplog: pytest.LogCaptureFixture) -> None:
    """With no message, format= is %-formatted with the event."""
    caplog.set_level(logging.DEBUG, logger="twistlike.log")
    log.msg(format="%(count)d items in %(where)s", count=3, where="box")
    assert [r.getMessage() for r in _records(caplog)] == ["3 items in box"]


def test_err_logs_error_with_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """err(failure, why) logs at ERROR: the reason, then the traceback; record.failure set."""
    failure = Failure(ValueError("bad value"))
    log.err(failure, "while parsing")
    [record] = _records(caplog)
    assert record.levelno == logging.ERROR
    assert record.failure is failure
    assert record.getMessage() == "while parsing\n" + failure.getTraceback()


def test_err_without_argument_uses_current_exception(caplog: pytest.LogCaptureFixture) -> None:
    """err() inside an except block logs the exception being handled."""
    table: dict[str, int] = {}
    try:
        table["missing"]
    except KeyError:
        log.err()
    [record] = _records(caplog)
    assert record.failure.check(KeyError)
    assert record.getMessage().startswith("Unhandled Error\n")


def test_err_wraps_exceptions_and_reprs_others(caplog: pytest.LogCaptureFixture) -> None:
    """An exception is wrapped in a Failure; anything else is logged by repr as an error."""
    log.err(OSError("disk"))
    log.err("just text", "context")
    first, second = _records(caplog)
    assert first.failure.check(OSError)
    assert (second.levelno, second.getMessage(), second.failure) == (
        logging.ERROR,
        "'just text'",
        None,
    )


def test_err_as_errback_handles_failure(caplog: pytest.LogCaptureFixture) -> None:
    """d.addErrback(log.err) logs the failure and leaves the Deferred with result None."""
    results: list[object] = []
    d: Deferred[object] = fail(RuntimeError("lost"))
    d.addErrback(log.err, "in the chain")
    d.addCallback(results.append)
    assert results == [None]
    [record] = _records(caplog)
    assert record.failure.check(RuntimeError)
    assert record.getMessage().startswith("in the chain\n")


def test_err_reason_by_keyword(caplog: pytest.LogCaptureFixture) -> None:
    """_stuff and _why may also be given by keyword, as in Twisted."""
    log.err(_stuff=ValueError("kw"), _why="keyword reason", system="K")
    [record] = _records(caplog)
    assert record.failure.check(ValueError)
    assert record.getMessage().startswith("keyword reason\n")
    assert record.system == "K"


def test_deferr_is_err() -> None:
    """deferr is an alias of err, as in Twisted."""
    assert log.deferr is log.err


# ---- classic observers --------------------------------------------------------------------

_KEYS = ("message", "isError", "why", "system", "format", "log_namespace", "log_text")


def _scenarios() -> list[tuple[str, Callable[[Any, Any, Any, Any], None]]]:
    def msg_parts(msg: Any, err: Any, F: Any, L: Any) -> None:
        msg("a", "b", 1)

    def msg_system(msg: Any, err: Any, F: Any, L: Any) -> None:
        msg("x", system="S", extra=[1])

    def msg_format(msg: Any, err: Any, F: Any, L: Any) -> None:
        msg(format="%(n)d-%(s)s", n=4, s="q")

    def msg_level(msg: Any, err: Any, F: Any, L: Any) -> None:
        msg("lvl", logLevel=logging.WARNING)

    def msg_error(msg: Any, err: Any, F: Any, L: Any) -> None:
        msg("flagged", isError=1)

    def err_failure(msg: Any, err: Any, F: Any, L: Any) -> None:
        err(F(ValueError("v")), "why text")

    def err_exception(msg: Any, err: Any, F: Any, L: Any) -> None:
        err(KeyError("k"))

    def err_other(msg: Any, err: Any, F: Any, L: Any) -> None:
        err(12, "num")

    def logger_info(msg: Any, err: Any, F: Any, L: Any) -> None:
        L("ns.x").info("hi {who}", who="you")

    def logger_error(msg: Any, err: Any, F: Any, L: Any) -> None:
        L("ns.x").error("bad {n}", n=1)

    def logger_failure(msg: Any, err: Any, F: Any, L: Any) -> None:
        L("ns.x").failure("broke {n}", F(OSError("o")), n=2)

    return [
        ("msg_parts", msg_parts),
        ("msg_system", msg_system),
        ("msg_format", msg_format),
        ("msg_level", msg_level),
        ("msg_error", msg_error),
        ("err_failure", err_failure),
        ("err_exception", err_exception),
        ("err_other", err_other),
        ("logger_info", logger_info),
        ("logger_error", logger_error),
        ("logger_failure", logger_failure),
    ]


@pytest.mark.parametrize(("name", "scenario"), _scenarios(), ids=[n for n, _ in _scenarios()])
def test_classic_events_match_twisted(
    name: str, scenario: Callable[[Any, Any, Any, Any], None]
) -> None:
    """Classic observers get the keys, values and text that Twisted's observers get."""
    ours: list[_Event] = []
    theirs: list[_Event] = []
    log.addObserver(ours.append)
    taddObserver(theirs.append)
    try:
        scenario(log.msg, log.err, Failure, Logger)
        scenario(tmsg, terr, TFailure, TLogger)
    finally:
        log.removeObserver(ours.append)
        tremoveObserver(theirs.append)
    [mine] = ours
    [twisted_event] = theirs
    assert set(mine) == set(twisted_event)
    for key in _KEYS:
        if key in twisted_event:
            assert mine[key] == twisted_event[key], key
    assert mine["log_level"].name == twisted_event["log_level"].name
    assert log.textFromEventDict(mine) == ttextFromEventDict(twisted_event)
    if "failure" in twisted_event:
        assert type(mine["failure"].value) is type(twisted_event["failure"].value)


def test_remove_observer(classic: list[_Event]) -> None:
    """A removed observer gets nothing more; theLogPublisher lists current observers."""
    events: list[_Event] = []
    log.addObserver(events.append)
    assert events.append in log.theLogPublisher.observers
    log.removeObserver(events.append)
    assert events.append not in log.theLogPublisher.observers
    log.removeObserver(events.append)
    log.msg("after")
    assert events == []
    assert [e["message"] for e in classic] == [("after",)]


def test_observers_ignore_stdlib_levels(
    caplog: pytest.LogCaptureFixture, classic: list[_Event]
) -> None:
    """Observers get events that stdlib logging filters out."""
    caplog.set_level(logging.CRITICAL, logger="twistlike.log")
    log.msg("filtered by stdlib")
    assert _records(caplog) == []
    assert [e["message"] for e in classic] == [("filtered by stdlib",)]


@pytest.mark.twistlike_allow_unhandled_errors
def test_observers_see_log_failure_records(classic: list[_Event]) -> None:
    """Failures logged by other modules through twistlike._core.log reach classic observers once,
    with the reason as ``why`` and the traceback shown once."""
    failure = Failure(LookupError("gone"))
    log_failure(failure, "Unhandled error in Deferred:", namespace="twistlike.defer")
    [event] = classic
    assert event["isError"] == 1
    assert event["failure"] is failure
    assert event["why"] == "Unhandled error in Deferred:"
    assert event["system"] == "-"
    text = log.textFromEventDict(event)
    assert text == "Unhandled error in Deferred:\n" + failure.getTraceback()


@pytest.mark.twistlike_allow_unhandled_errors
def test_log_failure_without_reason(classic: list[_Event]) -> None:
    """log_failure with no reason gives Twisted's "Unhandled Error" header."""
    failure = Failure(LookupError("gone"))
    log_failure(failure)
    [event] = classic
    assert log.textFromEventDict(event) == "Unhandled Error\n" + failure.getTraceback()


@pytest.mark.twistlike_allow_unhandled_errors
def test_collect_failures() -> None:
    """_collect_failures gathers failures from err, Logger.failure and log_failure."""
    with log._collect_failures() as failures:
        log.err(ValueError("a"))
        Logger("ns").failure("b", Failure(KeyError("b")))
        log_failure(Failure(OSError("c")), "c", namespace="twistlike.reactor")
        log.msg("not a failure")
        Logger("ns").error("not a failure either")
    log.err(ValueError("after"))
    assert [type(f.value) for f in failures] == [ValueError, KeyError, OSError]


@pytest.mark.twistlike_allow_unhandled_errors
def test_collect_failures_sees_through_caplog_levels(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Failures logged while stdlib passes them along are collected even if no handler shows
    them at that level."""
    caplog.set_level(logging.ERROR, logger="twistlike")
    with log._collect_failures() as failures:
        log_failure(Failure(OSError("c")), namespace="twistlike.defer")
    assert len(failures) == 1


@pytest.mark.twistlike_allow_unhandled_errors
def test_observing_does_not_silence_unconfigured_logging(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no handler of its own, a twistlike error still reaches stdlib's lastResort
    (stderr) while observers are registered."""
    tree = logging.getLogger("twistlike")
    monkeypatch.setattr(tree, "propagate", False)
    # (The pytest plugin may itself be observing during the test: compare with that.)
    before = list(tree.handlers)
    with log._collect_failures() as failures:
        log_failure(Failure(OSError("shown")), "visible reason", namespace="twistlike.x")
    assert len(failures) == 1
    err = capsys.readouterr().err
    assert "visible reason" in err and "OSError" in err
    # Once its observers are gone the handler goes too, and stdlib's own fallback applies.
    assert tree.handlers == before


# ---- textFromEventDict --------------------------------------------------------------------


class _BadStr:
    def __str__(self) -> str:
        raise ValueError("no str")


_DICTS: list[_Event] = [
    {"message": ("a", 1, None), "isError": 0},
    {"message": (), "isError": 0},
    {"message": (), "isError": 0, "format": "%(x)s!", "x": 5},
    {"message": (), "isError": 0, "format": "%(missing)s"},
    {"message": (), "isError": 1},
    {"message": (), "isError": 1, "why": "", "format": "%(x)s", "x": 1},
    {"message": ("given",), "isError": 1},
]


@pytest.mark.parametrize("event", _DICTS)
def test_text_from_event_dict_matches_twisted(event: _Event) -> None:
    """textFromEventDict renders classic dicts as Twisted's does."""
    assert log.textFromEventDict(dict(event)) == ttextFromEventDict(dict(event))


def test_text_from_event_dict_failure_and_bad_str() -> None:
    """Failures give why (or "Unhandled Error") plus traceback; unprintable parts are
    described instead of raising."""
    failure = Failure(ValueError("x"))
    text = log.textFromEventDict({"message": (), "isError": 1, "failure": failure})
    assert text == "Unhandled Error\n" + failure.getTraceback()
    event = {"message": (), "isError": 1, "failure": failure, "why": "because"}
    assert log.textFromEventDict(event) == "because\n" + failure.getTraceback()
    bad = log.textFromEventDict({"message": (_BadStr(),), "isError": 0})
    assert bad is not None and "with str error" in bad


# ---- startLogging -------------------------------------------------------------------------


@pytest.fixture
def stop_logging() -> Iterator[None]:
    """Undo startLogging after the test."""
    yield
    log._stop_logging()


_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4} \[(?P<system>[^\]]*)\] (?P<text>.*)$")


def test_start_logging_writes_lines(stop_logging: None) -> None:
    """startLogging writes "time [system] text" lines, opening with "Log opened."."""
    out = io.StringIO()
    observer = log.startLogging(out, setStdout=False)
    assert isinstance(observer, log.FileLogObserver)
    log.msg("first", system="S")
    log.err(ValueError("boom"), "oops")
    lines = out.getvalue().splitlines()
    matches = [_LINE.match(line) for line in lines if not line.startswith("\t")]
    assert all(m is not None for m in matches)
    assert [(m.group("system"), m.group("text")) for m in matches if m] == [
        ("-", "Log opened."),
        ("S", "first"),
        ("-", "oops"),
    ]
    assert any(line.startswith("\t") and "ValueError" in line for line in lines)
    log._stop_logging()
    log.msg("after stop")
    assert "after stop" not in out.getvalue()


def test_file_observer_matches_twisted() -> None:
    """FileLogObserver writes the same line as Twisted's for the same event."""
    failure = Failure(ValueError("v"))
    events: list[_Event] = [
        {"message": ("hello", "there"), "isError": 0, "system": "sys", "time": 1234567890.25},
        {"message": (), "isError": 1, "failure": failure, "why": "w", "system": "-", "time": 0},
        {"message": (), "isError": 0, "system": "-", "time": 5.0},
    ]
    for event in events:
        ours, theirs = io.StringIO(), io.StringIO()
        log.FileLogObserver(ours).emit(dict(event))
        TFileLogObserver(theirs).emit(dict(event))
        assert ours.getvalue() == theirs.getvalue()
    custom = log.FileLogObserver(io.StringIO())
    custom.timeFormat = "%Y"
    twisted_custom = TFileLogObserver(io.StringIO())
    twisted_custom.timeFormat = "%Y"
    assert custom.formatTime(1e9) == twisted_custom.formatTime(1e9)


def test_start_logging_captures_stdio(stop_logging: None) -> None:
    """With setStdout, printed lines become log events, and stopping restores stdio."""
    original_out, original_err = sys.stdout, sys.stderr
    out = io.StringIO()
    log.startLogging(out)
    assert sys.stdout is not original_out
    print("printed line")
    print("partial", end="")
    sys.stderr.write("error line\n")
    text = out.getvalue()
    assert "[-] printed line" in text
    assert "partial" not in text
    assert "[-] error line" in text
    assert log.startLogging(sys.stdout) is None
    log._stop_logging()
    assert (sys.stdout, sys.stderr) == (original_out, original_err)


def test_printing_observer_does_not_loop(
    stop_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """An observer that prints while stdio is captured writes to the real stdout instead of
    logging again."""
    out = io.StringIO()
    log.startLogging(out)
    seen: list[_Event] = []

    def printer(event: _Event) -> None:
        seen.append(event)
        print("observer saw", event["message"])

    log.addObserver(printer)
    try:
        log.msg("once")
    finally:
        log.removeObserver(printer)
    log._stop_logging()
    assert [e["message"] for e in seen] == [("once",)]
    assert "observer saw ('once',)" in capsys.readouterr().out


def test_file_observer_start_stop() -> None:
    """FileLogObserver.start/stop add and remove it as a classic observer."""
    out = io.StringIO()
    observer = log.FileLogObserver(out)
    observer.start()
    log.msg("while started")
    observer.stop()
    log.msg("after")
    assert "while started" in out.getvalue() and "after" not in out.getvalue()


def test_ilogobserver_is_an_interface() -> None:
    """ILogObserver is a zope.interface Interface, as in Twisted."""
    assert issubclass(log.ILogObserver, Interface)


def test_log_levels_for_logger_events_seen_classically(classic: list[_Event]) -> None:
    """Structured error and critical events are isError=1 for classic observers."""
    Logger("lv.ns").error("e")
    Logger("lv.ns").warn("w")
    assert [(e["isError"], e["log_level"]) for e in classic] == [
        (1, LogLevel.error),
        (0, LogLevel.warn),
    ]

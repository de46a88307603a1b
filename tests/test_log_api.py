"""Twisted's logging names added for parity (issue 9), each compared with Twisted's."""

from __future__ import annotations

import io
import json
import logging
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
import twisted.logger as tlogger
import twisted.python.log as tlog
from twisted.python.failure import Failure as TFailure

from twistlike import log, logger
from twistlike.failure import Failure
from twistlike.logger import Logger, LogLevel, LogPublisher

T: Any = tlogger
TL: Any = tlog
_Event = dict[str, Any]

#: A fixed moment, so that time formatting compares exactly.
WHEN = 1_700_000_000.25


@pytest.fixture
def classic() -> Iterator[list[_Event]]:
    """Collect classic events delivered to a log.addObserver observer during the test."""
    events: list[_Event] = []
    log.addObserver(events.append)
    yield events
    log.removeObserver(events.append)


# ---- the log context ------------------------------------------------------------------------


def test_call_with_context_sets_the_system_of_msg(classic: list[_Event]) -> None:
    """msg inside callWithContext takes its system (nested contexts merge), as in Twisted."""
    theirs: list[_Event] = []
    TL.addObserver(theirs.append)
    try:
        for module in (TL, log):
            module.callWithContext(
                {"system": "outer", "extra": 1},
                module.callWithContext,
                {"system": "inner"},
                module.msg,
                "hello",
            )
            module.msg("outside")
    finally:
        TL.removeObserver(theirs.append)

    def summary(events: list[_Event]) -> list[tuple[Any, ...]]:
        return [(e["system"], e.get("extra"), e["message"]) for e in events if "message" in e]

    assert summary(classic)[-2:] == summary(theirs)[-2:]
    assert summary(classic)[-2:] == [("inner", 1, ("hello",)), ("-", None, ("outside",))]


def test_call_with_logger_uses_log_prefix(classic: list[_Event]) -> None:
    """callWithLogger runs the function with the object's logPrefix as system."""

    class Owner(log.Logger):
        def logPrefix(self) -> str:
            return "Owner,7"

    assert log.callWithLogger(Owner(), log.msg, "inside") is None
    assert classic[-1]["system"] == "Owner,7"
    assert log.Logger().logPrefix() == TL.Logger().logPrefix() == "-"


def test_showwarning_text_matches_twisted() -> None:
    """log.showwarning renders as Twisted's: "file:line: module.Category: message"."""
    texts = []
    for module in (TL, log):
        events: list[_Event] = []
        module.addObserver(events.append)
        try:
            module.showwarning(UserWarning("careful"), UserWarning, "/x.py", 21)
        finally:
            module.removeObserver(events.append)
        texts.append(module.textFromEventDict(events[-1]))
    assert texts[0] == texts[1] == "/x.py:21: builtins.UserWarning: careful"


# ---- text formatting ------------------------------------------------------------------------


def _event(module: Any, **extra: Any) -> _Event:
    return {
        "log_format": "{who} said {what!r}",
        "who": "alice",
        "what": b"hi",
        "log_level": module.LogLevel.warn,
        "log_namespace": "some.where",
        "log_time": WHEN,
        **extra,
    }


@pytest.mark.parametrize(
    "fmt", [logger.timeFormatRFC3339, "%H:%M", None], ids=["rfc3339", "short", "none"]
)
def test_format_time_matches_twisted(fmt: str | None) -> None:
    """formatTime gives Twisted's text for a time format (and "-" without one)."""
    assert logger.formatTime(WHEN, fmt) == T.formatTime(WHEN, fmt)
    assert logger.formatTime(None) == T.formatTime(None) == "-"


@pytest.mark.parametrize("system", [None, "Echo,0,127.0.0.1"])
def test_classic_text_of_an_event_matches_twisted(system: str | None) -> None:
    """eventAsText and formatEventAsClassicLogText render an event as Twisted does."""
    extra = {} if system is None else {"log_system": system}
    theirs = _event(T, **extra)
    ours = _event(logger, **extra)
    assert logger.eventAsText(ours) == T.eventAsText(theirs)
    assert logger.eventAsText(ours, includeTimestamp=False, includeSystem=False) == (
        T.eventAsText(theirs, includeTimestamp=False, includeSystem=False)
    )
    assert logger.formatEventAsClassicLogText(ours) == T.formatEventAsClassicLogText(theirs)


def test_text_file_observer_writes_twisteds_lines() -> None:
    """textFileLogObserver writes the same line as Twisted's, tracebacks tab-indented."""
    outputs = []
    for module, failureClass in ((T, TFailure), (logger, Failure)):
        out = io.StringIO()
        observer = module.textFileLogObserver(out)
        try:
            raise ValueError("bad")
        except ValueError:
            failure = failureClass()
        observer(_event(module, log_failure=failure, log_system="sys"))
        observer({"log_format": None, "log_time": WHEN})  # nothing to say: nothing written
        outputs.append(out.getvalue())
    first = outputs[0].splitlines()[0]
    assert outputs[1].splitlines()[0] == first
    assert outputs[1].count("\n\t") == outputs[0].count("\n\t") > 0


@pytest.mark.parametrize("field", ["who", "obj.name", "items[1]", "obj.greet()"])
def test_extract_field_matches_twisted(field: str) -> None:
    """extractField reads attributes, items and method calls of an event as Twisted's does."""

    class Obj:
        name = "n"

        def greet(self) -> str:
            return "hello"

    def event() -> _Event:
        fmt = "{" + field + "}"
        return {"log_format": fmt, "who": "bob", "obj": Obj(), "items": ["zero", "one"]}

    assert logger.extractField(field, event()) == T.extractField(field, event())


# ---- JSON ---------------------------------------------------------------------------------


def test_json_round_trip_keeps_the_text_and_level() -> None:
    """eventAsJSON/eventFromJSON keep the rendered text, the level and plain fields."""
    event = _event(logger)
    restored = logger.eventFromJSON(logger.eventAsJSON(event))
    assert logger.formatEvent(restored) == "alice said b'hi'"
    assert restored["log_level"] is LogLevel.warn
    assert restored["who"] == "alice"


def test_reads_a_json_log_written_by_twisted() -> None:
    """eventsFromJSONLogFile reads a file written by Twisted's jsonFileLogObserver."""
    out = io.StringIO()
    observer = T.jsonFileLogObserver(out)
    observer(_event(T))
    observer({"log_format": "second {n}", "n": 2, "log_level": T.LogLevel.info})
    events = list(logger.eventsFromJSONLogFile(io.StringIO(out.getvalue())))
    assert [logger.formatEvent(e) for e in events] == ["alice said b'hi'", "second 2"]
    assert events[0]["log_level"] is LogLevel.warn


def test_twisted_reads_a_json_log_written_by_twistlike() -> None:
    """Twisted's eventsFromJSONLogFile reads what jsonFileLogObserver writes."""
    out = io.StringIO()
    observer = logger.jsonFileLogObserver(out)
    observer(_event(logger))
    [event] = list(T.eventsFromJSONLogFile(io.StringIO(out.getvalue())))
    assert T.formatEvent(event) == "alice said b'hi'"
    assert event["log_level"] is T.LogLevel.warn
    json.loads(out.getvalue().lstrip("\x1e"))  # one record, one JSON text


# ---- observers ----------------------------------------------------------------------------


def test_filtering_by_namespace_level_matches_twisted() -> None:
    """LogLevelFilterPredicate with FilteringLogObserver lets the same events through."""
    results = []
    for module in (T, logger):
        kept: list[_Event] = []
        dropped: list[_Event] = []
        predicate = module.LogLevelFilterPredicate(defaultLogLevel=module.LogLevel.warn)
        predicate.setLogLevelForNamespace("app.db", module.LogLevel.debug)
        observer = module.FilteringLogObserver(kept.append, [predicate], dropped.append)
        for namespace in ("app", "app.db", "app.db.pool"):
            for level in ("debug", "info", "error"):
                observer(
                    {
                        "log_namespace": namespace,
                        "log_level": getattr(module.LogLevel, level),
                        "n": f"{namespace}/{level}",
                    }
                )
        results.append(([e["n"] for e in kept], [e["n"] for e in dropped]))
        assert predicate.logLevelForNamespace("app.db.x").name == "debug"
    assert results[0] == results[1]


def test_limited_history_keeps_the_last_events() -> None:
    """LimitedHistoryLogObserver keeps the last N events and replays them in order."""
    history = logger.LimitedHistoryLogObserver(2)
    for n in range(4):
        history({"n": n})
    replayed: list[_Event] = []
    history.replayTo(replayed.append)
    assert [e["n"] for e in replayed] == [2, 3]


def test_python_logging_observer_forwards_classic_events(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """PythonLoggingObserver logs a classic event's text at its level on its logger."""
    observer = log.PythonLoggingObserver("forwarded")
    with caplog.at_level(logging.DEBUG, logger="forwarded"):
        observer.emit({"message": ("a", "b"), "isError": 0})
        observer.emit({"message": ("oops",), "isError": 1})
        observer.emit({"message": ("quiet",), "isError": 0, "logLevel": logging.DEBUG})
    records = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "forwarded"]
    assert records == [(logging.INFO, "a b"), (logging.ERROR, "oops"), (logging.DEBUG, "quiet")]


def test_stdio_onna_stick_logs_whole_lines(classic: list[_Event]) -> None:
    """StdioOnnaStick logs each complete line as a printed event; a partial line waits."""
    stick = log.StdioOnnaStick(isError=1)
    stick.write("one\ntw")
    stick.write(b"o\n")
    printed = [(e["message"], e["isError"]) for e in classic if e.get("printed")]
    assert printed == [(("one",), 1), (("two",), 1)]
    with pytest.raises(OSError):
        stick.read()


def test_logging_file_emits_a_line_per_event() -> None:
    """LoggingFile emits one {log_io} event per line, as Twisted's."""
    results = []
    for module in (T, logger):
        events: list[_Event] = []
        out = module.LoggingFile(module.Logger(observer=events.append), module.LogLevel.error)
        out.write("a\nb")
        out.write("c\n")
        out.writelines(["d\n"])
        results.append([(e["log_io"], e["log_level"].name) for e in events])
    assert results[0] == results[1] == [("a", "error"), ("bc", "error"), ("d", "error")]


def test_log_beginner_captures_stdio_and_warnings() -> None:
    """beginLoggingTo adds observers, redirects stdio and logs warnings as one event."""

    class Stdio:
        stdout = io.StringIO()
        stderr = io.StringIO()

    class Warnings:
        showwarning = staticmethod(warnings.showwarning)

    publisher = LogPublisher()
    events: list[_Event] = []
    beginner = logger.LogBeginner(publisher, io.StringIO(), Stdio, Warnings)
    try:
        beginner.beginLoggingTo([events.append])
        print("to stdout", file=Stdio.stdout)
        Warnings.showwarning(UserWarning("w"), UserWarning, "f.py", 3)
        beginner.beginLoggingTo([])  # twice: a warning naming both places
    finally:
        logger._end_logging()
    texts = [logger.formatEvent(e) for e in events]
    assert texts[:2] == ["to stdout", "f.py:3: builtins.UserWarning: w"]
    assert texts[2].startswith("Warning: primary log target selected twice at <")
    assert isinstance(Stdio.stdout, io.StringIO)  # restored


# ---- Logger extras --------------------------------------------------------------------------


def test_failures_handled_matches_twisted() -> None:
    """failuresHandled logs and swallows an exception and reports how the block ended."""
    results: list[tuple[Any, ...]] = []
    for module in (T, logger):
        events: list[_Event] = []
        log_ = module.Logger(observer=events.append)
        with log_.failuresHandled("doing {what}", what="x") as ok:
            pass
        with log_.failuresHandled("doing {what}", what="y") as bad:
            raise KeyError("k")
        with log_.failureHandler("static"):
            raise ValueError("v")
        results.append(
            (
                (ok.succeeded, ok.failed, bad.succeeded, bad.failed),
                bad.failure.type.__name__ if bad.failure else None,
                [
                    (module.formatEvent(e), e["log_level"].name, e["log_failure"].type.__name__)
                    for e in events
                ],
            )
        )
    assert results[0] == results[1]
    assert results[1][2] == [
        ("doing y", "critical", "KeyError"),
        ("static", "critical", "ValueError"),
    ]


def test_log_trace_records_the_route() -> None:
    """An event with log_trace gets (logger, observer) and (publisher, observer) entries."""
    shapes = []
    for module in (T, logger):
        seen: list[_Event] = []
        publisher = module.LogPublisher(seen.append)
        log_ = module.Logger(observer=publisher)
        trace: list[tuple[Any, Any]] = []
        log_.info("x", log_trace=trace)
        shapes.append([(type(a).__name__, b is publisher or b == seen.append) for a, b in trace])
    assert shapes[0] == shapes[1] == [("Logger", True), ("LogPublisher", True)]


def test_raising_observer_is_reported_to_the_others() -> None:
    """An observer that raises is reported, as a critical failure event, to the others."""
    results = []
    for module in (T, logger):
        seen: list[_Event] = []

        def broken(event: _Event) -> None:
            raise RuntimeError("observer bug")

        publisher = module.LogPublisher(broken, seen.append)
        module.Logger(observer=publisher).info("hello")
        results.append(
            [
                (e.get("log_format"), e["log_level"].name, e.get("log_failure") is not None)
                for e in seen
            ]
        )
    assert results[0] == results[1]
    assert results[1][1] == (
        "Temporarily disabling observer {observer} due to exception: {log_failure}",
        "critical",
        True,
    )


def test_captured_logs_collects_global_events() -> None:
    """capturedLogs yields the events published globally while the block runs."""
    with logger.capturedLogs() as events:
        Logger(namespace="captured").info("one {n}", n=1)
    assert [logger.formatEvent(e) for e in events] == ["one 1"]

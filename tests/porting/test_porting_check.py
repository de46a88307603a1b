"""``python -m twistlike check``: what it finds, how it classifies it, and how it reports."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from twistlike._porting.checker import check_source
from twistlike._porting.cli import _Progress, check_main, summary, summary_line
from twistlike._porting.divergences import Divergence
from twistlike._porting.support import divergences_for, name_verdict

SEED = Path(__file__).parent / "seed_twisted"


def _uses(source: str, path: str = "x.py") -> list[tuple[str, str, str]]:
    report = check_source(source, path)
    assert report.error == ""
    return [(u.kind, u.text, u.verdict.status) for u in report.uses]


def test_imports_and_attribute_chains() -> None:
    """Imports and attribute chains through Twisted bindings are found and classified."""
    uses = _uses(
        "from twisted.internet import reactor, defer\n"
        "import twisted.internet.task\n"
        "reactor.callLater(1, print)\n"
        "reactor.listenNoSuchThing(53)\n"
        "defer.Deferred()\n"
        "twisted.internet.task.LoopingCall(print)\n"
    )
    assert uses == [
        ("import", "from twisted.internet import reactor", "supported"),
        ("import", "from twisted.internet import defer", "supported"),
        ("import", "import twisted.internet.task", "supported"),
        ("attribute", "reactor.callLater", "divergent"),
        ("attribute", "reactor.listenNoSuchThing", "unsupported"),
        ("attribute", "defer.Deferred", "supported"),
        ("attribute", "twisted.internet.task.LoopingCall", "supported"),
    ]


def test_unsupported_module_reports_reason_and_alternative() -> None:
    """An unsupported module's use carries the table's reason, alternative and docs page."""
    report = check_source("from twisted.conch.ssh import transport\ntransport.SSHTransport\n")
    verdicts = [u.verdict for u in report.uses]
    assert [v.status for v in verdicts] == ["unsupported", "unsupported"]
    assert all("asyncssh" in v.alternative for v in verdicts)
    assert all(v.docs == "porting.md#not-supported" for v in verdicts)
    assert all(v.module == "twisted.conch" for v in verdicts)


def test_names_provided_elsewhere_are_supported() -> None:
    """A name the mapping provides elsewhere is supported, with its new home."""
    uses = check_source("from twisted.python.threadpool import ThreadPool, other\n").uses
    assert [(u.verdict.status, u.verdict.twistlike) for u in uses] == [
        ("supported", "twistlike.threads.ThreadPool"),
        ("unsupported", None),
    ]


def test_unmapped_module_is_unsupported() -> None:
    """A Twisted module with no row at all is unsupported, saying the table has no row."""
    (use,) = check_source("import twisted.internet.nosuchmodule\n").uses
    assert use.verdict.status == "unsupported"
    assert "no row" in use.verdict.reason


def test_rebound_names_are_not_taken_for_modules() -> None:
    """A local variable with a Twisted module's name is not reported as that module."""
    uses = _uses("from twisted.internet import defer\ndef f(defer):\n    return defer.anything\n")
    assert uses == [("import", "from twisted.internet import defer", "supported")]


def test_endpoint_strings() -> None:
    """Endpoint descriptions are classified by type: tcp supported, onion from a plugin."""
    uses = _uses(
        "from twisted.internet import endpoints, reactor\n"
        "endpoints.serverFromString(reactor, 'tcp:8080')\n"
        "endpoints.clientFromString(reactor, 'onion:example.onion:80')\n"
        "other = 'not an endpoint'\n"
    )
    endpoint_uses = [u for u in uses if u[0] == "endpoint"]
    assert endpoint_uses == [
        ("endpoint", "'tcp:8080'", "supported"),
        ("endpoint", "'onion:example.onion:80'", "unsupported"),
    ]


def test_endpoint_strings_need_twisted_in_the_file() -> None:
    """A file that never uses Twisted has no endpoint uses, whatever strings it holds."""
    assert _uses("x = 'tcp:80'\n") == []


def test_twistd_plugin_files(tmp_path: Path) -> None:
    """A file under twisted/plugins/ (or declaring an IServiceMaker) is a twistd plugin use."""
    source = (
        "from zope.interface import implementer\n"
        "from twisted.application.service import IServiceMaker\n"
        "from twisted.plugin import IPlugin\n"
    )
    uses = _uses(source, "myproj/twisted/plugins/myplugin.py")
    assert uses[0][:2] == ("plugin", "twistd plugin file")


def test_syntax_error_is_reported_not_raised() -> None:
    """A file that does not parse gets an error, not an exception."""
    report = check_source("from twisted.internet import defer\ndef (:\n", "bad.py")
    assert report.error.startswith("cannot parse")


def test_missing_names_come_from_the_parity_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name listed in MISSING_NAMES is unsupported with the table's reason."""
    from twistlike._porting import missing

    monkeypatch.setitem(missing.MISSING_NAMES, "twisted.internet.defer", {"Deferred": "why"})
    verdict = name_verdict("twisted.internet.defer", "Deferred")
    assert verdict.status == "unsupported"
    assert verdict.reason.endswith(": why")


def test_missing_class_members_come_from_the_parity_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A "Class.member" row of MISSING_NAMES makes `defer.Deferred.member` unsupported."""
    from twistlike._porting import missing

    monkeypatch.setitem(
        missing.MISSING_NAMES, "twisted.internet.defer", {"Deferred.callbacks": "deprecated"}
    )
    uses = _uses(
        "from twisted.internet import defer\n"
        "from twisted.internet.defer import Deferred\n"
        "defer.Deferred.callbacks\n"
        "Deferred.callbacks\n"
        "defer.Deferred.addCallback\n"
    )
    assert uses[2:] == [
        ("attribute", "defer.Deferred.callbacks", "unsupported"),
        ("attribute", "Deferred.callbacks", "unsupported"),
        ("attribute", "defer.Deferred", "supported"),
    ]


def test_divergences_are_matched_by_backquoted_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """A divergence naming `Deferred.fromFuture(f)` concerns defer's fromFuture, not task's."""
    from twistlike._porting import support

    row = Divergence("Deferreds (`twistlike.defer`)", "t", "`Deferred.fromFuture(f)` differs")
    monkeypatch.setattr(support, "DIVERGENCES", (row,))
    support._divergence_index.cache_clear()
    try:
        assert divergences_for("twistlike.defer", "fromFuture") == (row,)
        assert divergences_for("twistlike.task", "fromFuture") == ()
        assert divergences_for("twistlike.defer", "succeed") == ()
    finally:
        support._divergence_index.cache_clear()


def test_summary_line_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--json gives the documented schema; the summary counts supported over all uses."""
    (tmp_path / "a.py").write_text(
        "from twisted.internet import defer\nfrom twisted.names import client\n"
    )
    (tmp_path / "b.py").write_text("print('no twisted here')\n")
    assert check_main([str(tmp_path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == 1
    assert set(data) == {"schema", "files", "summary", "seconds"}
    (entry,) = data["files"]
    assert entry["path"].endswith("a.py")
    assert entry["error"] is None
    assert [u["status"] for u in entry["uses"]] == ["supported", "unsupported"]
    assert set(entry["uses"][0]) == {
        "line",
        "column",
        "kind",
        "text",
        "twisted",
        "feature",
        "status",
        "twistlike",
        "reason",
        "alternative",
        "docs",
        "divergences",
    }
    assert data["summary"]["total"] == 2
    assert data["summary"]["supported"] == 1
    assert data["summary"]["percent"] == 50.0
    assert data["summary"]["files"] == 2


def test_human_report_and_exit_statuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The text report groups by file and feature, ends with the summary; 0 when all ok."""
    good = tmp_path / "good.py"
    good.write_text("from twisted.internet import defer\ndefer.succeed(1)\n")
    assert check_main([str(good)]) == 0
    out = capsys.readouterr().out
    assert f"{good}:\n  twisted.internet.defer -> twistlike.defer: 2 of 2 supported" in out
    assert out.rstrip().endswith("2 of 2 Twisted uses supported (100.0 %)")
    bad = tmp_path / "bad.py"
    bad.write_text("from twisted.internet import reactor\nreactor.listenNoSuchThing(1)\n")
    assert check_main([str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:2:1: reactor.listenNoSuchThing: unsupported" in out
    assert check_main([str(tmp_path / "missing.py")]) == 2


def test_seed_originals_are_fully_supported() -> None:
    """Each seed program in its original Twisted form is 100 % supported."""
    from twistlike._porting.checker import check_file

    for path in sorted(SEED.glob("*.py")):
        counts = summary([check_file(path)])
        assert counts["total"] > 0 and counts["unsupported"] == 0, summary_line(counts)


class _FakeTTY(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("tty", [True, False])
def test_progress_bar_only_on_a_terminal(tty: bool) -> None:
    """The progress bar writes to its stream only when that stream is a terminal."""
    stream = _FakeTTY(tty)
    progress = _Progress(100, stream)
    for done in range(1, 101):
        progress.update(done)
    progress.close()
    assert ("100/100 files" in stream.getvalue()) is tty
    assert (stream.getvalue() == "") is not tty


def test_parallel_scan_gives_the_same_report() -> None:
    """Checking in two processes gives the same reports, in the same order, as in one."""
    from twistlike._porting.cli import _scan

    fixtures = str(Path(__file__).parent / "fixtures")
    assert _scan([fixtures], jobs=2) == _scan([fixtures], jobs=1)

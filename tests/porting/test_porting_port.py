"""``python -m twistlike port``: golden files, idempotency, the CLI's modes and statuses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from twistlike._porting.cli import port_main
from twistlike._porting.codemod import port_source

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.stem for p in FIXTURES.glob("*.py"))


def test_fixtures_exist() -> None:
    """Every fixture has its golden file, and the set covers the import forms."""
    assert {"import_forms", "formatting", "mixed", "unsupported", "already_ported"} <= set(CASES)
    for case in CASES:
        assert (FIXTURES / f"{case}.expected").is_file(), case


@pytest.mark.parametrize("case", CASES)
def test_port_matches_golden_file(case: str) -> None:
    """Porting each fixture gives its .expected file byte for byte."""
    source = (FIXTURES / f"{case}.py").read_text(encoding="utf-8")
    expected = (FIXTURES / f"{case}.expected").read_text(encoding="utf-8")
    assert port_source(source) == expected


@pytest.mark.parametrize("case", CASES)
def test_port_is_idempotent(case: str) -> None:
    """Porting a ported file changes nothing."""
    expected = (FIXTURES / f"{case}.expected").read_text(encoding="utf-8")
    assert port_source(expected) == expected


def test_only_import_lines_and_references_change() -> None:
    """The formatting fixture differs from its port only on lines naming twisted/twistlike."""
    source = (FIXTURES / "formatting.py").read_text(encoding="utf-8").splitlines()
    ported = (FIXTURES / "formatting.expected").read_text(encoding="utf-8").splitlines()
    assert len(source) == len(ported)
    for before, after in zip(source, ported, strict=True):
        if before != after:
            assert "twisted" in before and "twistlike" in after
            assert (
                before.replace("twisted.internet", "twistlike").replace(
                    "twisted.python", "twistlike"
                )
                == after
            )


def test_unsupported_left_untouched() -> None:
    """Unsupported modules and names stay as written (the unsupported fixture is unchanged)."""
    source = (FIXTURES / "unsupported.py").read_text(encoding="utf-8")
    assert port_source(source) == source


def test_type_checking_and_function_imports() -> None:
    """Imports under TYPE_CHECKING and inside functions are rewritten too."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from twisted.internet.defer import Deferred\n"
        "def f():\n"
        "    import twisted.internet.task as task\n"
        "    return task\n"
    )
    ported = port_source(source)
    assert "    from twistlike.defer import Deferred\n" in ported
    assert "    import twistlike.task as task\n" in ported


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    for case in ("import_forms", "already_ported"):
        shutil.copy(FIXTURES / f"{case}.py", root / f"{case}.py")
    return root


def test_cli_diff_prints_a_unified_diff_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--diff prints a unified diff, leaves the files alone, and exits 1 (work to do)."""
    root = _tree(tmp_path)
    before = (root / "import_forms.py").read_text()
    assert port_main([str(root), "--diff"]) == 1
    out, err = capsys.readouterr()
    assert f"--- a/{root / 'import_forms.py'}" in out
    assert "-from twisted.internet import reactor, defer  # the usual pair" in out
    assert "+from twistlike import reactor, defer  # the usual pair" in out
    assert "already_ported" not in out
    assert (root / "import_forms.py").read_text() == before
    assert "would rewrite 1 file(s)" in err
    # The unsupported uses left are reported with their reasons.
    assert "twisted.internet.udp" in err and "unsupported" in err


def test_cli_write_rewrites_in_place_then_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--write edits the file to the golden result; a second run rewrites nothing."""
    root = _tree(tmp_path)
    assert port_main([str(root), "--write"]) == 1  # unsupported uses remain
    expected = (FIXTURES / "import_forms.expected").read_text()
    assert (root / "import_forms.py").read_text() == expected
    capsys.readouterr()
    port_main([str(root), "--write"])
    assert "rewrote 0 file(s)" in capsys.readouterr().err
    assert (root / "import_forms.py").read_text() == expected


def test_cli_exit_zero_when_nothing_to_do(tmp_path: Path) -> None:
    """A tree that is fully ported and fully supported exits 0."""
    root = tmp_path / "done"
    root.mkdir()
    shutil.copy(FIXTURES / "already_ported.py", root / "a.py")
    assert port_main([str(root), "--diff"]) == 0


def test_cli_reports_syntax_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that is not Python is reported and the exit status is 2; others still port."""
    bad = tmp_path / "bad.py"
    bad.write_text("from twisted.internet import defer\ndef (:\n")
    assert port_main([str(bad)]) == 2
    assert "cannot parse" in capsys.readouterr().err


def test_cli_write_keeps_crlf_line_endings(tmp_path: Path) -> None:
    """A file with Windows line endings keeps them, byte for byte, around the rewrite."""
    path = tmp_path / "crlf.py"
    path.write_bytes(b"from twisted.internet import defer\r\n\r\nd = defer.Deferred()\r\n")
    assert port_main([str(path), "--write"]) == 1
    assert path.read_bytes() == b"from twistlike import defer\r\n\r\nd = defer.Deferred()\r\n"


def test_cli_parallel_port_matches_serial(tmp_path: Path) -> None:
    """Porting in two processes writes the same files as porting in one."""
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    for root in (serial, parallel):
        shutil.copytree(FIXTURES, root)
    port_main([str(serial), "--write", "-j", "1"])
    port_main([str(parallel), "--write", "-j", "2"])
    for path in sorted(serial.glob("*.py")):
        assert path.read_bytes() == (parallel / path.name).read_bytes()
        assert path.read_text() == (FIXTURES / f"{path.stem}.expected").read_text()

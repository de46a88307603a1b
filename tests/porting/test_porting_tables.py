"""The mapping table, the parity table and the docs' tables agree."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from twistlike._porting import docs_tables
from twistlike._porting.mapping import _UNSUPPORTED, MODULES, by_twisted_name, lookup
from twistlike._porting.missing import MISSING_NAMES
from twistlike._porting.support import twistlike_object

ROOT = Path(__file__).parent.parent.parent


@pytest.mark.parametrize("relative", [str(p) for p in docs_tables.FILES])
def test_committed_tables_are_the_generated_ones(relative: str) -> None:
    """docs/porting.md and README.md hold exactly what the generator makes (run it if not)."""
    text = (ROOT / relative).read_text(encoding="utf-8")
    assert docs_tables.render(text) == text, (
        f"{relative} is out of date: run python -m twistlike._porting.docs_tables"
    )


def test_every_marker_is_present() -> None:
    """Each generated table has its markers in one of the files."""
    texts = "".join((ROOT / p).read_text(encoding="utf-8") for p in docs_tables.FILES)
    for name in docs_tables.tables():
        assert f"<!-- mapping:{name} -->" in texts and f"<!-- /mapping:{name} -->" in texts


def _table_rows(relative: str, marker: str) -> list[list[str]]:
    text = (ROOT / relative).read_text(encoding="utf-8")
    match = re.search(rf"<!-- mapping:{marker} -->\n(.*?)<!-- /mapping:{marker} -->", text, re.S)
    assert match is not None
    rows = [line.strip("|").split(" | ") for line in match.group(1).splitlines()]
    return rows[2:]  # past the header and the rule


def test_module_table_lists_exactly_the_supported_rows() -> None:
    """The docs' module table has one row per supported mapping row, in order."""
    rows = _table_rows("docs/porting.md", "modules")
    documented = [re.findall(r"`([^`]+)`", row[0])[0] for row in rows]
    expected = []
    for m in MODULES:
        if m.supported:
            parent, _, name = m.twisted.rpartition(".")
            spelled = (
                m.twisted if m.twistlike != "twistlike.reactor" else f"from {parent} import {name}"
            )
            expected.append(spelled)
    assert documented == expected


def test_unsupported_table_lists_exactly_the_unsupported_rows() -> None:
    """The docs' unsupported table has one row per unsupported mapping row, with its reason."""
    rows = _table_rows("docs/porting.md", "unsupported")
    assert [row[0].strip(" `") for row in rows] == [m.twisted for m in MODULES if not m.supported]
    for row, m in zip(rows, [m for m in MODULES if not m.supported], strict=True):
        assert row[1].replace("\\|", "|") == m.reason


def test_readme_table_covers_every_supported_module() -> None:
    """Every supported Twisted module is named in the README's table."""
    text = " ".join(" ".join(row) for row in _table_rows("README.md", "readme"))
    for m in MODULES:
        if m.supported:
            assert f"`{m.twisted}`" in text or f"import {m.twisted.rpartition('.')[2]}`" in text


def test_twisted_names_are_unique() -> None:
    """No Twisted module has two rows (each section adds rows for its own modules only)."""
    names = [m.twisted for m in MODULES]
    assert len(names) == len(set(names))
    assert all(by_twisted_name(n) is not None for n in names)


@pytest.mark.parametrize("row", [m for m in MODULES if m.supported], ids=lambda m: m.twisted)
def test_supported_rows_point_at_importable_twistlike_homes(row: object) -> None:
    """Each supported row's twistlike home exists (a module, or the reactor object)."""
    assert row is not None
    target = getattr(row, "twistlike", None)
    assert isinstance(target, str) and target.startswith("twistlike.")
    twistlike_object(target)


def test_unsupported_rows_say_why_and_link_an_existing_page() -> None:
    """Every unsupported row has a reason and a docs page that exists (with its anchor)."""
    porting = (ROOT / "docs" / "porting.md").read_text(encoding="utf-8")
    for row in _UNSUPPORTED:
        assert row.twisted.startswith("twisted.") and row.reason
        page, _, anchor = row.docs.partition("#")
        assert (ROOT / "docs" / page).is_file(), row.docs
        assert anchor == "" or f"## {anchor.replace('-', ' ').capitalize()}" in porting


def test_parity_table_keys_are_supported_modules() -> None:
    """MISSING_NAMES only lists names of Twisted modules the mapping supports."""
    for module in MISSING_NAMES:
        row = lookup(module)
        assert row is not None and row.supported, module


def test_parity_table_names_are_really_missing() -> None:
    """A name the parity table calls missing is not provided by its twistlike module."""
    for module, names in MISSING_NAMES.items():
        row = by_twisted_name(module)
        assert row is not None and row.twistlike is not None
        owner = twistlike_object(row.twistlike)
        for name in names:
            if "." not in name:
                # A listed name raises MissingNameError (an ImportError, so that
                # `from ... import` shows the reason), which hasattr() does not catch.
                try:
                    getattr(owner, name)
                except (AttributeError, ImportError):
                    continue
                raise AssertionError(f"{module}.{name} is provided after all")


def test_index_no_longer_duplicates_the_module_table() -> None:
    """docs/index.md links the generated table instead of keeping a copy."""
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    assert "| `twisted.internet.defer` |" not in index
    assert "porting.md#module-table" in index

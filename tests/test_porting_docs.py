"""The docs pages generated from the porting tables are committed as generated."""

from __future__ import annotations

from pathlib import Path

import pytest

from twistlike._porting import docs
from twistlike._porting.divergences import Divergence

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("relative", sorted(docs.pages()))
def test_committed_page_is_the_generated_one(relative: str) -> None:
    """docs/divergences.md and docs/missing.md equal the generator's output (regenerate with
    ``python -m twistlike._porting.docs``)."""
    committed = (ROOT / relative).read_text(encoding="utf-8")
    assert committed == docs.pages()[relative]


def test_rendering_groups_by_area_and_nests_lists() -> None:
    """Rows are grouped under their area's heading; "\\n- " parts become nested items."""
    text = docs.render_divergences(
        [
            Divergence("Area one", "Bold", "first.\n- sub a\n- sub b"),
            Divergence("Area two", "", "plain"),
            Divergence("Area one", "", "second"),
        ]
    )
    body = text.split("[missing.md](missing.md).\n", 1)[1]
    assert body == (
        "\n## Area one\n\n- **Bold** first.\n  - sub a\n  - sub b\n- second\n"
        "\n## Area two\n\n- plain\n"
    )


def test_check_reports_a_stale_page(tmp_path: Path) -> None:
    """--check exits 1 and names a page that differs; writing then makes it pass."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "divergences.md").write_text("old\n", encoding="utf-8")
    assert docs.main(["--root", str(tmp_path), "--check"]) == 1
    assert docs.main(["--root", str(tmp_path)]) == 0
    assert docs.main(["--root", str(tmp_path), "--check"]) == 0

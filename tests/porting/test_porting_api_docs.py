"""The Sphinx API reference builds offline with warnings as errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent


@pytest.mark.timeout(180)
def test_api_reference_builds_without_warnings(tmp_path: Path) -> None:
    """`python -m sphinx -W -b html docs/api OUT` succeeds and documents every module."""
    out = tmp_path / "api"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-E", "-q", "-b", "html", "docs/api", str(out)],
        capture_output=True,
        text=True,
        timeout=170,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    index = (out / "index.html").read_text(encoding="utf-8")
    sys.path.insert(0, str(ROOT / "docs" / "api"))
    try:
        import conf  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "docs" / "api"))
    modules = conf.public_modules()
    assert "twistlike.defer" in modules
    for name in modules:
        assert f'id="module-{name}"' in index, name

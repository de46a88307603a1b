"""The twisted.web rows of the porting tables are sound: every twistlike module they name
exists, every unsupported module says why, and every missing name has a reason."""

from __future__ import annotations

import importlib

import pytest

from twistlike._porting.divergences import DIVERGENCES
from twistlike._porting.mapping import MISSING_NAMES, MODULES

WEB_ROWS = [m for m in MODULES if m.twisted.startswith("twisted.web")]


@pytest.mark.parametrize("row", WEB_ROWS, ids=lambda m: m.twisted)
def test_web_rows_name_modules_or_reasons(row: object) -> None:
    """A supported row's module imports; an unsupported row has a reason and the docs page."""
    from twistlike._porting.mapping import ModuleMapping

    assert isinstance(row, ModuleMapping)
    assert row.docs == "web.md"
    if row.supported:
        assert row.twistlike is not None
        importlib.import_module(row.twistlike)
    else:
        assert row.reason


def test_web_missing_names_are_really_missing() -> None:
    """Each name listed as not provided is absent from the twistlike module, with a reason."""
    rows = {m.twisted: m.twistlike for m in WEB_ROWS}
    for twistedModule, names in MISSING_NAMES.items():
        if not twistedModule.startswith("twisted.web"):
            continue
        target = rows[twistedModule]
        assert target is not None
        module = importlib.import_module(target)
        for name, reason in names.items():
            assert not hasattr(module, name), f"{target}.{name} exists but is listed missing"
            assert reason


def test_web_divergences_have_text() -> None:
    """The web section of the divergence table has titled, explained rows."""
    web = [d for d in DIVERGENCES if "twistlike.web" in d.area]
    assert len(web) >= 10
    for row in web:
        assert row.title.startswith("**") and len(row.text) > 40

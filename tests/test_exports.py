"""Every public module has a complete ``__all__``, and every public name has one home.

(trio's test_exports and anyio's test_all_attributes do the same.)
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

import twistlike

# Public modules of twistlike and of its public subpackages (twistlike.web, ...): no dotted
# part of the name is private.
PUBLIC = sorted(
    name
    for _, name, _ in pkgutil.walk_packages(
        twistlike.__path__,
        "twistlike.",
        onerror=lambda name: None,
    )
    if not any(part.startswith("_") for part in name.split("."))
)


def _module(name: str) -> ModuleType:
    return importlib.import_module(name)


def test_public_modules_are_found() -> None:
    """The module scan sees the modules the architecture's map names."""
    for expected in ("twistlike.defer", "twistlike.failure", "twistlike.task", "twistlike.error"):
        assert expected in PUBLIC
    assert "twistlike.web.server" in PUBLIC


@pytest.mark.parametrize("name", PUBLIC)
def test_all_lists_existing_names(name: str) -> None:
    """Each name in a public module's __all__ exists in that module."""
    module = _module(name)
    assert hasattr(module, "__all__"), f"{name} has no __all__"
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert missing == []


@pytest.mark.parametrize("name", PUBLIC)
def test_all_is_complete(name: str) -> None:
    """Every public class and function a public module defines is in its __all__."""
    module = _module(name)
    defined = {
        attr
        for attr, value in vars(module).items()
        if not attr.startswith("_")
        and (inspect.isclass(value) or inspect.isfunction(value))
        and getattr(value, "__module__", None) == name
    }
    assert defined - set(module.__all__) == set()


def test_each_public_name_has_one_home() -> None:
    """No object is exported from two public modules (Twisted's aliases within one module,
    like log.err/log.deferr, are fine)."""
    homes: dict[int, set[str]] = {}
    for name in PUBLIC:
        module = _module(name)
        for attr in module.__all__:
            value = getattr(module, attr)
            if inspect.isclass(value) or inspect.isfunction(value):
                homes.setdefault(id(value), set()).add(name)
    shared = [sorted(modules) for modules in homes.values() if len(modules) > 1]
    assert shared == []

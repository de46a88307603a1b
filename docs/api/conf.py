"""Sphinx configuration for twistlike's API reference (built offline, warnings as errors).

Build: ``.venv/bin/python -m sphinx -W -b html docs/api build/api``

The reference has one section per public module, found by walking the package at build
time (a module whose name has no leading underscore), so a new public module appears
without editing anything here. autodoc documents each module's ``__all__``; napoleon reads
the Google-style docstrings.
"""

from __future__ import annotations

import pkgutil
from typing import Any

import twistlike

project = "twistlike"
author = "the twistlike developers"
copyright = "the twistlike developers"
release = twistlike.__version__
version = release

extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon"]
# No intersphinx: the build runs offline (CI reaches package registries only).

napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
# "Attributes:" sections become fields of their class, so an attribute that is also a
# documented property (basic.IntNStringReceiver.recvd) is not described twice.
napoleon_use_ivar = True
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
# Annotations name private classes (twistlike._aio..., twistlike._core...) and third-party
# types without documentation here; those references cannot resolve offline.
nitpicky = False
# Annotations such as ``type[Exception]`` make Sphinx look for a target named ``type``,
# which matches every documented attribute of that name (Failure.type, IPv4Address.type):
# an ambiguity in the reference's links, not a problem in the docstrings.
suppress_warnings = ["ref.python"]

html_theme = "alabaster"
html_theme_options = {"description": "Twisted's API on asyncio", "fixed_sidebar": True}
templates_path: list[str] = []
exclude_patterns: list[str] = ["_build"]


def public_modules() -> list[str]:
    """Every public twistlike module, subpackages included, sorted."""
    found = []
    for info in pkgutil.walk_packages(twistlike.__path__, "twistlike."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            found.append(info.name)
    return sorted(found)


def _add_modules(app: Any, docname: str, source: list[str]) -> None:
    # The index lists the modules found now, so the reference never misses one.
    if docname != "index":
        return
    sections = []
    for name in public_modules():
        sections.append(f"\n``{name}``\n{'-' * (len(name) + 4)}\n\n.. automodule:: {name}\n")
    source[0] = source[0].replace(".. public-modules::", "".join(sections))


def setup(app: Any) -> None:
    app.connect("source-read", _add_modules)

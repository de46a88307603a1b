"""Public Twisted names that twistlike deliberately does not provide, each with its reason.

Keyed by Twisted module, then by name (``"Class.method"`` for a class member). The
name-parity test (tests/test_name_parity.py) fails when Twisted has a public name that
twistlike neither provides nor lists here; docs/divergences.md is generated from this table.
"""

from __future__ import annotations

__all__ = ["MISSING_NAMES"]

MISSING_NAMES: dict[str, dict[str, str]] = {}

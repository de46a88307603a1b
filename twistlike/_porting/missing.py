"""Public Twisted names that twistlike deliberately does not provide, each with its reason.

Keyed by Twisted module, then by name (``"Class.method"`` for a class member). The
name-parity test (tests/test_name_parity.py) fails when Twisted has a public name that
twistlike neither provides nor lists here; docs/divergences.md is generated from this table.
"""

from __future__ import annotations

__all__ = ["MISSING_NAMES"]

MISSING_NAMES: dict[str, dict[str, str]] = {}

# -- services and the twistd runner (application/, usage) ------------------------------------
_RUNNER = "twistlike's twistd runner is twistlike.application.twistd (python -m twistlike twistd)"
MISSING_NAMES.update(
    {
        "twisted.application.app": {
            "AppLogger": _RUNNER + "; it starts logging with twistlike.log.startLogging.",
            "AppProfiler": "Profiling twistd (--profile) is not supported; run under cProfile.",
            "ApplicationRunner": _RUNNER + "; it has no runner class hierarchy to subclass.",
            "CProfileRunner": "Profiling twistd (--profile) is not supported.",
            "ProfileRunner": "Profiling twistd (--profile) is not supported.",
            "ReactorSelectionMixin": "--reactor accepts asyncio and uvloop only.",
            "ServerOptions": "It lives in twistlike.application.twistd.",
            "convertStyle": "Persisted .tap/.tas applications are not supported.",
            "fixPdb": "The twistd debugger option (--debug) is not supported.",
            "getApplication": "Use twistlike.application.service.loadApplication(path, 'python').",
            "getPassphrase": "Encrypted persisted applications are not supported.",
            "getSavePassphrase": "Encrypted persisted applications are not supported.",
            "run": _RUNNER + ".",
            "runReactorWithLogging": _RUNNER + "; it runs the reactor itself.",
        },
    }
)

"""The one table of deliberate differences from Twisted (ARCHITECTURE.md decision 9).

docs/divergences.md is generated from this table (``python -m twistlike._porting.docs``);
the code carries a ``Divergence from Twisted:`` comment at each place. The rows are grouped in
sections, one per area of the project, and each area adds rows to its own section only.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DIVERGENCES", "Divergence"]


@dataclass(frozen=True)
class Divergence:
    """One deliberate difference from Twisted.

    Attributes:
        area: the docs heading it belongs under (e.g. "Deferreds (`twistlike.defer`)").
        title: a short bold summary, in Markdown.
        text: what twistlike does, what Twisted does, and why (Markdown, may be several
            sentences or a list).
    """

    area: str
    title: str
    text: str


# -- the core (defer, reactor, transports, protocols, logging, testing) -----------------------
_CORE: tuple[Divergence, ...] = ()

# -- services and the twistd runner ---------------------------------------------------------
_SERVICES = "Services and twistd (`twistlike.application`, `twistlike.usage`)"
_APPLICATION: tuple[Divergence, ...] = (
    Divergence(
        _SERVICES,
        "`startService` runs once the loop runs",
        "twistd and `app.startApplication` call the root service's `startService` from "
        "`reactor.callWhenRunning`; Twisted calls it just before `reactor.run()`. Services "
        "may then use the running asyncio loop (create tasks, `asyncio.get_running_loop()`). "
        "`privilegedStartService` still runs before the reactor, before privileges are "
        "dropped.",
    ),
    Divergence(
        _SERVICES,
        "No persisted applications",
        "`Application` has no `sob.IPersistable` component; `loadApplication` accepts only "
        "`kind='python'` (.tac/.py files); `startApplication(app, save=True)` and twistd's "
        "`-f` (.tap), `-s` (.tas) and `-e` are refused with an error naming them. Pickled "
        "applications are a Twisted-specific format that few deployments still use.",
    ),
    Divergence(
        _SERVICES,
        "twistd: reactors and unsupported options",
        "`--reactor` accepts `asyncio` and `uvloop` only; `--syslog`, `--profile`, "
        "`--spew` and `--debug` are refused by name instead of being run. "
        "`--version` prints twistlike's version; the `starting up.` line names twistlike's "
        "version and the `reactor class:` line twistlike's reactor, followed by an "
        "`event loop:` line.",
    ),
    Divergence(
        _SERVICES,
        "twistd: the log file is reopened on SIGHUP, not rotated",
        "Twisted's twistd rotates its log file itself (every megabyte, and on SIGUSR1); "
        "twistlike's never renames files: rotate with logrotate (or journald) and send "
        "SIGHUP, which makes twistd (and every `--workers` worker) reopen the file. A "
        "`Log file reopened.` line is logged.",
    ),
    Divergence(
        _SERVICES,
        "Application components",
        "`Application(...)` is a small componentized object: `IService(app)`, "
        "`IServiceCollection(app)`, `IProcess(app)` and `getComponent`/`addComponent`/"
        "`setComponent` work as in Twisted, but there is no global adapter registry, so "
        "`addComponent(c, ignoreClass=0)` registers every interface `c` provides.",
    ),
    Divergence(
        _SERVICES,
        "`usage.Completions` are kept as data",
        "Options classes may declare `compData = usage.Completions(...)`; twistlike keeps "
        "the declaration but does not generate zsh completion functions "
        "(`--_shell-completion` is an unknown option).",
    ),
    Divergence(
        _SERVICES,
        "`twistd.runApp` returns the exit status",
        "`runApp(config)` returns the status instead of exiting; `run()` exits with it. "
        "After SIGTERM/SIGINT the process still ends by that signal, as Twisted's does.",
    ),
)

# -- TLS --------------------------------------------------------------------------------------
_TLS: tuple[Divergence, ...] = ()

# -- UDP, processes, stdio, file descriptors --------------------------------------------------
_POSIX: tuple[Divergence, ...] = ()

# -- twisted.web ------------------------------------------------------------------------------
_WEB: tuple[Divergence, ...] = ()

# -- porting tools ----------------------------------------------------------------------------
_PORTING: tuple[Divergence, ...] = ()

DIVERGENCES: tuple[Divergence, ...] = _CORE + _APPLICATION + _TLS + _POSIX + _WEB + _PORTING

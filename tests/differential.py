"""Run one scenario text on Twisted's reactor and on twistlike's (default loop and uvloop).

A scenario is Python source that uses ``reactor``, ``error`` and the protocol classes named
in the import lines, records what happens in the dict ``events`` and calls ``done()`` when
finished. Each flavour runs in its own subprocess (all three at once), bounded by a watchdog
inside and a timeout outside; the printed JSON of ``events`` is returned per flavour.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: How long a scenario may run before its watchdog stops the reactor.
WATCHDOG = 15.0

_PRELUDE = """\
import json, os, sys
__IMPORTS__
events = {}

def rec(key, *item):
    events.setdefault(key, []).append(list(item))

def reason(failure):
    v = failure.value
    return [type(v).__name__, getattr(v, "exitCode", None), getattr(v, "signal", None)]

def done(*_):
    if not events.get("done"):
        events["done"] = True
        reactor.callLater(0, reactor.stop)

def watchdog():
    events["watchdog"] = True
    reactor.stop()

"""

_EPILOGUE = """
reactor.callLater(__WATCHDOG__, watchdog)
__RUN__
sys.stdout.write("\\n" + json.dumps(events) + "\\n")
"""

_TWISTED = """\
from twisted.internet import reactor, error
from twisted.internet.protocol import ProcessProtocol, DatagramProtocol, Protocol, Factory
from twisted.internet.protocol import ConnectedDatagramProtocol
from twisted.internet import utils
"""

_TWISTLIKE = """\
from twistlike import reactor, error
from twistlike.protocol import ProcessProtocol, DatagramProtocol, Protocol, Factory
from twistlike.protocol import ConnectedDatagramProtocol
from twistlike import utils
import uvloop
"""

FLAVOURS = {
    "twisted": (_TWISTED, "reactor.run()"),
    "asyncio": (_TWISTLIKE, "reactor.run()"),
    "uvloop": (_TWISTLIKE, "reactor.run(loop_factory=uvloop.new_event_loop)"),
}


def script(body: str, flavour: str, twisted_reactor: str | None = None) -> str:
    """The whole program for ``body`` on ``flavour`` (on Twisted, ``twisted_reactor``'s
    reactor module, e.g. ``"selectreactor"``, when given)."""
    imports, run = FLAVOURS[flavour]
    if flavour == "twisted" and twisted_reactor is not None:
        imports = (
            f"from twisted.internet import {twisted_reactor}\n{twisted_reactor}.install()\n"
            + imports
        )
    epilogue = _EPILOGUE.replace("__WATCHDOG__", repr(WATCHDOG)).replace("__RUN__", run)
    return _PRELUDE.replace("__IMPORTS__", imports) + body + epilogue


def run_all(body: str, twisted_reactor: str | None = None) -> dict[str, dict[str, Any]]:
    """Run ``body`` on every flavour at once; return each flavour's events.

    Raises:
        AssertionError: a flavour failed, hung, or its watchdog fired.
    """
    procs = {
        flavour: subprocess.Popen(
            [sys.executable, "-c", script(body, flavour, twisted_reactor)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        for flavour in FLAVOURS
    }
    results: dict[str, dict[str, Any]] = {}
    failures: list[str] = []
    try:
        for flavour, proc in procs.items():
            try:
                out, err = proc.communicate(timeout=WATCHDOG + 30)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, err = proc.communicate()
                failures.append(f"{flavour} hung:\n{err.decode(errors='replace')}")
                continue
            lines = out.decode(errors="replace").strip().splitlines()
            if proc.returncode != 0 or not lines:
                failures.append(f"{flavour} failed:\n{err.decode(errors='replace')}")
                continue
            result: dict[str, Any] = json.loads(lines[-1])
            if result.get("watchdog"):
                failures.append(f"{flavour}: the watchdog fired: {result}")
            results[flavour] = result
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert not failures, "\n".join(failures)
    return results

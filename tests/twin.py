"""Run one Twisted-style program under Twisted and under twistlike, in subprocesses.

The program is written against Twisted; :func:`twistlike_source` rewrites its imports to
twistlike's, the way a porter would. Each run is bounded and leaves no process behind
(``subprocess.run`` kills the child on timeout).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Seconds one program may run.
BOUND = 30.0

#: Twisted import lines and their twistlike spelling, longest first.
_IMPORTS = (
    ("from twisted.internet.protocol import", "from twistlike.protocol import"),
    ("from twisted.internet import reactor", "from twistlike import reactor"),
    ("from twisted.internet import protocol", "from twistlike import protocol"),
    ("from twisted.internet import defer", "from twistlike import defer"),
    ("from twisted.internet import task", "from twistlike import task"),
    ("from twisted.protocols import basic", "from twistlike import basic"),
    ("from twisted.python import log", "from twistlike import log"),
    ("from twisted.logger import", "from twistlike.logger import"),
    ("from twisted.internet import endpoints", "from twistlike import endpoints"),
)


def twistlike_source(source: str) -> str:
    """Return ``source`` with its Twisted imports changed to twistlike's."""
    for theirs, ours in _IMPORTS:
        source = source.replace(theirs, ours)
    assert "twisted" not in source.replace("Twisted", ""), source
    return source


def run(source: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``source`` in a fresh interpreter; return its completed process (text output)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(source), *args],
        capture_output=True,
        text=True,
        timeout=BOUND,
        cwd=ROOT,
        check=False,
    )


def run_both(
    source: str, *args: str
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """Run the Twisted program and its twistlike port; return (Twisted's, twistlike's)."""
    source = textwrap.dedent(source)
    return run(source, *args), run(twistlike_source(source), *args)

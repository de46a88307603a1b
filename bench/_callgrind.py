"""What the callgrind_* scripts share: run one case in a child under valgrind, read the count.

Each script re-runs itself as ``python SCRIPT --child CASE N``; the instruction count of one
operation is the difference between two such runs divided by the difference in ``N``, so
start-up and import costs cancel out.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from collections.abc import Coroutine
from typing import Any


def count(script: str, case: str, n: int, *, env: dict[str, str], timeout: float) -> int:
    """Instructions valgrind's callgrind counts for ``python script --child case n``."""
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            script,
            "--child",
            case,
            str(n),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
        env={**env, "PYTHONHASHSEED": "0"},
    )
    match = re.search(r"Collected : (\d+)", done.stderr)
    if match is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{done.stderr}")
    return int(match.group(1))


def per_operation(
    script: str,
    case: str,
    small: int,
    large: int,
    *,
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> float:
    """Instructions of one operation of ``case``: two child runs, start-up cancelled out."""
    env = dict(os.environ) if env is None else env
    large_count = count(script, case, large, env=env, timeout=timeout)
    return (large_count - count(script, case, small, env=env, timeout=timeout)) / (large - small)


def run_on(loop_name: str, coro: Coroutine[Any, Any, None]) -> None:
    """Run ``coro`` to its end on a new event loop: uvloop's for ``"uvloop"``, else asyncio's."""
    loop: asyncio.AbstractEventLoop
    if loop_name == "uvloop":
        import uvloop

        loop = uvloop.new_event_loop()
    else:
        loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(coro)
    finally:
        loop.close()

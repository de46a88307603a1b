"""Process spawn+exit latency: twistlike's spawnProcess vs asyncio.create_subprocess_exec vs
Twisted's spawnProcess (issue 13).

Run: python bench/bench_process.py [--quick] [--repeat N]

Each measurement starts ``/bin/true`` (a program that exits at once, so the figure is the
cost of starting, watching and reaping a child, not of the child's own work) N times, one
after the other, with stdin, stdout and stderr as pipes, and waits for everything to be over:

- twistlike: ``reactor.spawnProcess`` with a ProcessProtocol; done at ``processEnded``
  (the child reaped and its three pipes closed);
- raw asyncio: ``asyncio.create_subprocess_exec(stdin=PIPE, stdout=PIPE, stderr=PIPE)``,
  then ``communicate()`` (reaped and both output pipes read to EOF) — the same work;
- Twisted: ``reactor.spawnProcess`` on Twisted's default reactor, in its own process.

The first two run on asyncio's default loop and on uvloop, in one loop, alternating batches
of 20 children, so that both see the same moments of a busy machine; a round's figure is the
lower quartile of its batches, and the table has the best of ``--repeat`` rounds (wall-clock
microseconds per child). Bar (issue 13):
twistlike / raw asyncio <= 1.20 on the same loop.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

TRUE = shutil.which("true") or "/bin/true"


def _loop_factory(name: str) -> Callable[[], asyncio.AbstractEventLoop]:
    if name == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return asyncio.new_event_loop


def _timed(fn: Callable[[int], Any]) -> Callable[[int], Any]:
    """Wrap a workload to return (wall seconds, this process's CPU seconds)."""

    async def run(n: int) -> tuple[float, float]:
        cpu = time.process_time()
        wall = await fn(n)
        return wall, time.process_time() - cpu

    return run


async def _twistlike(n: int) -> float:
    from twistlike import reactor
    from twistlike.protocol import ProcessProtocol

    loop = asyncio.get_running_loop()

    class P(ProcessProtocol):
        def __init__(self) -> None:
            self.ended = loop.create_future()

        def processEnded(self, reason: object) -> None:
            self.ended.set_result(None)

    start = time.perf_counter()
    for _ in range(n):
        p = P()
        reactor.spawnProcess(p, TRUE, [TRUE], env=None)
        await p.ended
    return time.perf_counter() - start


async def _raw(n: int) -> float:
    pipe = asyncio.subprocess.PIPE
    start = time.perf_counter()
    for _ in range(n):
        proc = await asyncio.create_subprocess_exec(TRUE, stdin=pipe, stdout=pipe, stderr=pipe)
        await proc.communicate()
    return time.perf_counter() - start


_TWISTED = """
import sys, time
from twisted.internet import reactor
from twisted.internet.protocol import ProcessProtocol
n = int(sys.argv[1]); true = sys.argv[2]
left = [n]
class P(ProcessProtocol):
    def processEnded(self, reason):
        left[0] -= 1
        if left[0]:
            spawn()
        else:
            print(time.perf_counter() - start)
            reactor.stop()
def spawn():
    reactor.spawnProcess(P(), true, [true], env=None)
start = time.perf_counter()
reactor.callWhenRunning(spawn)
reactor.run()
"""


def _twisted(n: int) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _TWISTED, str(n), TRUE],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout
    return float(out.strip().splitlines()[-1])


def _sideBySide(loop: str, n: int, batch: int = 20) -> dict[str, tuple[float, float]]:
    """twistlike and raw asyncio on one loop, alternating batches of ``batch`` children, so
    that both see the same moments of a busy machine.

    Returns, per kind, (wall seconds, parent CPU seconds) per child: the lower quartile over
    the batches, robust against the bursts of a shared machine.
    """

    async def run() -> dict[str, tuple[float, float]]:
        await _twistlike(batch)  # warm up (imports, first-use costs)
        await _raw(batch)
        samples: dict[str, list[tuple[float, float]]] = {"twistlike": [], "raw": []}
        for _ in range(max(1, n // batch)):
            for kind, fn in (("twistlike", _twistlike), ("raw", _raw)):
                wall, cpu = await _timed(fn)(batch)
                samples[kind].append((wall / batch, cpu / batch))
        result = {}
        for kind, values in samples.items():
            walls = sorted(v[0] for v in values)
            cpus = sorted(v[1] for v in values)
            result[kind] = (walls[len(walls) // 4], cpus[len(cpus) // 4])
        return result

    with asyncio.Runner(loop_factory=_loop_factory(loop)) as runner:
        return runner.run(run())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer children per round")
    parser.add_argument("--repeat", type=int, default=5, help="rounds (best is kept)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    opts = parser.parse_args()
    n = 200 if opts.quick else 1000
    best: dict[tuple[str, str], float] = {}
    bestCPU: dict[tuple[str, str], float] = {}
    for _ in range(opts.repeat):
        for loop in ("asyncio", "uvloop"):
            for kind, (wall, cpu) in _sideBySide(loop, n).items():
                best[(kind, loop)] = min(best.get((kind, loop), wall * 1e6), wall * 1e6)
                bestCPU[(kind, loop)] = min(bestCPU.get((kind, loop), cpu * 1e6), cpu * 1e6)
        us = _twisted(n) / n * 1e6
        best[("twisted", "-")] = min(best.get(("twisted", "-"), us), us)
    twisted = best[("twisted", "-")]
    rows = []
    for loop in ("asyncio", "uvloop"):
        ours, raw = best[("twistlike", loop)], best[("raw", loop)]
        rows.append(
            {
                "loop": loop,
                "twistlike_us": round(ours, 1),
                "raw_us": round(raw, 1),
                "ratio": round(ours / raw, 2),
                "twisted_us": round(twisted, 1),
                "twistlike_cpu_us": round(bestCPU[("twistlike", loop)], 1),
                "raw_cpu_us": round(bestCPU[("raw", loop)], 1),
                "vs_twisted": round(ours / twisted, 2),
            }
        )
    if opts.json:
        print(json.dumps(rows))
        return 0
    print(f"spawn+exit of {TRUE}, {n} children per round, best of {opts.repeat} (µs/child)")
    print(
        "| loop | twistlike | raw asyncio | ratio | bar | Twisted | twistlike/Twisted "
        "| parent CPU twistlike | parent CPU raw |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|")
    for r in rows:
        met = "met" if r["ratio"] <= 1.20 else "NOT met"
        print(
            f"| {r['loop']} | {r['twistlike_us']} | {r['raw_us']} | {r['ratio']} | "
            f"<= 1.20 {met} | {r['twisted_us']} | {r['vs_twisted']} | "
            f"{r['twistlike_cpu_us']} | {r['raw_cpu_us']} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Timer benchmark: reactor.callLater against raw loop.call_later and Twisted's reactor.

Run: python bench/bench_reactor.py [--quick]

Schedules N timers with delays spread over 0-10 ms and runs until all have fired. twistlike
and raw call_later are measured on the same loop kind in one process (default asyncio loop
and uvloop); Twisted's default reactor runs in a subprocess (it cannot restart). Bar (issue
3): twistlike <= 1.15 x raw call_later on the same loop.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import subprocess
import sys
import time
from collections.abc import Callable

from twistlike import reactor


def _delays(n: int) -> list[float]:
    return [(i % 1000) / 100_000 for i in range(n)]  # 0 .. 9.99 ms


def run_timers(factory: Callable[[], asyncio.AbstractEventLoop], n: int, ours: bool) -> float:
    """Schedule n timers with reactor.callLater (ours) or loop.call_later; wait for all."""
    delays = _delays(n)

    async def main() -> float:
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        left = n

        def fired() -> None:
            nonlocal left
            left -= 1
            if not left:
                done.set_result(None)

        schedule = reactor.callLater if ours else loop.call_later
        t0 = time.perf_counter()
        for d in delays:
            schedule(d, fired)
        await done
        return time.perf_counter() - t0

    return _run(factory, main())


TWISTED_SCRIPT = """
import sys, time
from twisted.internet import reactor
n = int(sys.argv[1])
delays = [(i % 1000) / 100_000 for i in range(n)]
left = [n]
result = []
def fired():
    left[0] -= 1
    if not left[0]:
        result.append(time.perf_counter() - t0)
        reactor.stop()
def start():
    global t0
    t0 = time.perf_counter()
    for d in delays:
        reactor.callLater(d, fired)
t0 = 0.0
reactor.callWhenRunning(start)
reactor.run()
print(result[0])
"""


def run_twisted(n: int) -> float:
    out = subprocess.run(
        [sys.executable, "-c", TWISTED_SCRIPT, str(n)], capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def _run(factory: Callable[[], asyncio.AbstractEventLoop], coro: object) -> float:
    loop = factory()
    try:
        gc.collect()
        return float(loop.run_until_complete(coro))  # type: ignore[arg-type]
    finally:
        loop.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n = 20_000 if args.quick else 100_000
    rounds = 3 if args.quick else 5
    loops: list[tuple[str, Callable[[], asyncio.AbstractEventLoop]]] = [
        ("asyncio", asyncio.new_event_loop)
    ]
    try:
        import uvloop

        loops.append(("uvloop", uvloop.new_event_loop))
    except ImportError:  # pragma: no cover
        pass
    twisted = min(run_twisted(n) for _ in range(rounds))
    print(f"{n} timers with delays 0-10 ms, best of {rounds}")
    print()
    print(
        "| loop | twistlike ns/timer | raw call_later ns/timer | ratio | bar "
        "| Twisted reactor ns/timer | twistlike/Twisted |"
    )
    print("|---|---:|---:|---:|---|---:|---:|")
    for name, factory in loops:
        ours = raw = float("inf")
        for _ in range(rounds):
            ours = min(ours, run_timers(factory, n, ours=True))
            raw = min(raw, run_timers(factory, n, ours=False))
        print(
            f"| {name} | {ours / n * 1e9:.0f} | {raw / n * 1e9:.0f} | {ours / raw:.2f} | <= 1.15 "
            f"| {twisted / n * 1e9:.0f} | {ours / twisted:.2f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

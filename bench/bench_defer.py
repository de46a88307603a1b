"""Deferred benchmark: twistlike.defer against twisted.internet.defer and asyncio Futures.

Run: python bench/bench_defer.py [--quick]

All rows are measured in one process, interleaved (best of several rounds), so the ratios
compare like with like on a noisy machine. Bars come from issues 2 and 16. twistlike runs its
compiled chain engine when it was built; run with TWISTLIKE_PURE_PYTHON=1 for the pure-Python
one (the first line of the output says which ran).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
from collections.abc import Callable
from typing import Any

import twisted.internet.defer as tdefer

import twistlike.defer as ldefer


def _noop(r: Any) -> Any:
    return r


def _recover(f: Any) -> int:
    return 0


def _raise(r: Any) -> Any:
    raise ValueError(r)


def make_a(mod: Any) -> Callable[[int], None]:
    """(a) create, addCallback x2 + addErrback, callback()."""
    Deferred = mod.Deferred

    def run(n: int) -> None:
        for i in range(n):
            d = Deferred()
            d.addCallback(_noop)
            d.addCallback(_noop)
            d.addErrback(_recover)
            d.callback(i)

    return run


def make_b(mod: Any) -> Callable[[int], None]:
    """(b) as (a), the first callback returns an already-fired Deferred."""
    Deferred = mod.Deferred
    succeed = mod.succeed

    def run(n: int) -> None:
        for i in range(n):
            d = Deferred()
            d.addCallback(succeed)
            d.addCallback(_noop)
            d.addErrback(_recover)
            d.callback(i)

    return run


def make_c(mod: Any) -> Callable[[int], None]:
    """(c) the first callback raises, an errback recovers."""
    Deferred = mod.Deferred

    def run(n: int) -> None:
        for i in range(n):
            d = Deferred()
            d.addCallback(_raise)
            d.addErrback(_recover)
            d.addCallback(_noop)
            d.callback(i)

    return run


def await_deferreds(loop_factory: Callable[[], asyncio.AbstractEventLoop], n: int) -> float:
    """(d) one task awaits n Deferreds, each fired by loop.call_soon."""
    Deferred = ldefer.Deferred

    async def main() -> float:
        loop = asyncio.get_running_loop()
        call_soon = loop.call_soon
        t0 = time.perf_counter()
        for i in range(n):
            d = Deferred()
            call_soon(d.callback, i)
            await d
        return time.perf_counter() - t0

    return _run(loop_factory, main())


def await_futures(loop_factory: Callable[[], asyncio.AbstractEventLoop], n: int) -> float:
    """(d) baseline: one task awaits n asyncio Futures, each resolved by loop.call_soon."""

    async def main() -> float:
        loop = asyncio.get_running_loop()
        call_soon = loop.call_soon
        create_future = loop.create_future
        t0 = time.perf_counter()
        for i in range(n):
            f = create_future()
            call_soon(f.set_result, i)
            await f
        return time.perf_counter() - t0

    return _run(loop_factory, main())


def _run(loop_factory: Callable[[], asyncio.AbstractEventLoop], coro: Any) -> float:
    loop = loop_factory()
    try:
        return float(loop.run_until_complete(coro))
    finally:
        loop.close()


def _time(fn: Callable[[int], None], n: int) -> float:
    gc.collect()
    t0 = time.perf_counter()
    fn(n)
    return time.perf_counter() - t0


def best(rounds: int, measure: Callable[[], float]) -> float:
    return min(measure() for _ in range(rounds))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer iterations (smoke run)")
    args = parser.parse_args()
    n = 20_000 if args.quick else 200_000
    n_await = 10_000 if args.quick else 100_000
    rounds = 3 if args.quick else 7

    rows: list[tuple[str, str, float, float, float, str]] = []
    for name, maker, bar in (
        ("(a) 2 callbacks + errback, callback()", make_a, 0.5),
        ("(b) first callback returns a fired Deferred", make_b, 0.5),
        ("(c) callback raises, errback recovers", make_c, 0.6),
    ):
        ours_fn, theirs_fn = maker(ldefer), maker(tdefer)
        # Interleave the two so that machine noise hits both alike.
        ours = theirs = float("inf")
        for _ in range(rounds):
            ours = min(ours, _time(ours_fn, n))
            theirs = min(theirs, _time(theirs_fn, n))
        ratio = ours / theirs
        rows.append((name, "Twisted", ours / n * 1e9, theirs / n * 1e9, ratio, f"<= {bar}"))

    loops: list[tuple[str, Callable[[], asyncio.AbstractEventLoop]]] = [
        ("asyncio", asyncio.new_event_loop)
    ]
    try:
        import uvloop

        loops.append(("uvloop", uvloop.new_event_loop))
    except ImportError:  # pragma: no cover - uvloop is a test dependency
        pass
    # The await bars of issue 16: 1.15 on the default loop, 1.3 on uvloop.
    bars = {"asyncio": "<= 1.15", "uvloop": "<= 1.3"}
    for loop_name, factory in loops:
        ours = theirs = float("inf")
        for _ in range(rounds):
            ours = min(ours, await_deferreds(factory, n_await))
            theirs = min(theirs, await_futures(factory, n_await))
        rows.append(
            (
                f"(d) await Deferred fired by call_soon [{loop_name}]",
                f"asyncio Future [{loop_name}]",
                ours / n_await * 1e9,
                theirs / n_await * 1e9,
                ours / theirs,
                bars[loop_name],
            )
        )

    import twistlike._core.engine as engine

    print(
        f"Python {sys.version.split()[0]}, twisted {_twisted_version()}, twistlike engine: "
        + ("compiled" if engine.COMPILED else "pure Python")
    )
    print()
    print("| case | against | twistlike ns/op | other ns/op | ratio | bar |")
    print("|---|---|---:|---:|---:|---|")
    for name, other, ours_ns, theirs_ns, ratio, bar in rows:
        print(f"| {name} | {other} | {ours_ns:.0f} | {theirs_ns:.0f} | {ratio:.2f} | {bar} |")
    return 0


def _twisted_version() -> str:
    import twisted

    return str(twisted.__version__)


if __name__ == "__main__":
    sys.exit(main())

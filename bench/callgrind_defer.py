"""Instruction counts of the Deferred hot paths under valgrind (repeatable on a busy machine).

Run: python bench/callgrind_defer.py [CASE ...]

Each case runs in a child interpreter under ``valgrind --tool=callgrind`` twice, with
``SMALL`` and ``LARGE`` iterations; the difference divided by ``LARGE - SMALL`` is the
instruction count of one operation, start-up and import costs cancelled out. Cases: ``a``,
``c`` (bench_defer.py's chains; ``a-twisted``/``c-twisted`` run them on Twisted),
``d-asyncio``/``d-uvloop`` (await a Deferred fired by call_soon) and ``f-asyncio``/
``f-uvloop`` (the same with an asyncio Future: the baseline). A ``-pure`` suffix (``a-pure``,
``d-uvloop-pure`` ...) runs a twistlike case on the pure-Python engine (TWISTLIKE_PURE_PYTHON=1);
without it, twistlike runs the compiled engine when it was built (the output says which).
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

# (bench/ is this script's directory, so it is on sys.path.)
import _callgrind

SMALL = 2_000
LARGE = 12_000
CASES = (
    "a",
    "a-pure",
    "a-twisted",
    "c",
    "c-pure",
    "c-twisted",
    "d-asyncio",
    "d-asyncio-pure",
    "f-asyncio",
    "d-uvloop",
    "d-uvloop-pure",
    "f-uvloop",
)


def _noop(r: Any) -> Any:
    return r


def _recover(f: Any) -> int:
    return 0


def _raise(r: Any) -> Any:
    raise ValueError(r)


def run_case(case: str, n: int) -> None:
    """Run ``n`` operations of ``case`` (in the child, under valgrind)."""
    if case.endswith("-twisted"):
        import twisted.internet.defer as defer

        case = case.removesuffix("-twisted")
    else:
        import twistlike.defer as defer  # type: ignore[no-redef]

    Deferred: Any = defer.Deferred
    if case == "a":
        for i in range(n):
            d = Deferred()
            d.addCallback(_noop)
            d.addCallback(_noop)
            d.addErrback(_recover)
            d.callback(i)
        return
    if case == "c":
        for i in range(n):
            d = Deferred()
            d.addCallback(_raise)
            d.addErrback(_recover)
            d.addCallback(_noop)
            d.callback(i)
        return
    kind, loopName = case.split("-")

    async def awaitDeferreds() -> None:
        callSoon = asyncio.get_running_loop().call_soon
        for i in range(n):
            d: Any = Deferred()
            callSoon(d.callback, i)
            await d

    async def awaitFutures() -> None:
        running = asyncio.get_running_loop()
        callSoon = running.call_soon
        for i in range(n):
            f = running.create_future()
            callSoon(f.set_result, i)
            await f

    _callgrind.run_on(loopName, awaitDeferreds() if kind == "d" else awaitFutures())


def per_op(case: str) -> float:
    """Instructions of one operation of ``case`` (``-pure``: on the pure-Python engine)."""
    env = dict(os.environ)
    env.pop("TWISTLIKE_PURE_PYTHON", None)
    if case.endswith("-pure"):
        case = case.removesuffix("-pure")
        env["TWISTLIKE_PURE_PYTHON"] = "1"
    return _callgrind.per_operation(__file__, case, SMALL, LARGE, env=env)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        run_case(argv[1], int(argv[2]))
        return 0
    import twistlike._core.engine as engine

    print(f"(twistlike cases without -pure run the {_engineName(engine.COMPILED)} engine)")
    print("| case | instructions/op |")
    print("|---|---:|")
    for case in argv or CASES:
        perOp = per_op(case)
        print(f"| {case} | {perOp:,.0f} |", flush=True)
    return 0


def _engineName(compiled: bool) -> str:
    return "compiled" if compiled else "pure-Python"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

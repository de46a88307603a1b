"""Lines (and strings) per second through twistlike.basic's receivers against Twisted's.

Run: ``python bench/bench_basic.py`` (about 20 seconds). Each row feeds the same
packets to twistlike's receiver and to Twisted's, connected to a transport that discards
everything, and prints the best of 9 runs of each, their ratio (twistlike / Twisted, lower
is better) and the bar issue 5 sets for it.
"""

from __future__ import annotations

import functools
import gc
import struct
import sys
import time
from collections.abc import Callable
from typing import Any

from twisted.protocols import basic as twisted_basic

from twistlike import basic as twistlike_basic

# Best of 9 short runs: on a busy machine the fastest run is the least disturbed one.
REPEATS = 9


class NullTransport:
    """A transport that discards what is written and never disconnects."""

    disconnecting = False

    def write(self, data: bytes) -> None:
        pass

    def writeSequence(self, data: Any) -> None:
        pass

    def loseConnection(self) -> None:
        pass


def make_line_receiver(base: type) -> Any:
    """Return a connected line receiver derived from ``base`` that counts its lines."""

    class Counting(base):  # type: ignore[misc]
        count = 0

        def lineReceived(self, line: bytes) -> None:
            self.count += 1

    proto = Counting()
    proto.makeConnection(NullTransport())
    return proto


def make_int32_receiver(base: type) -> Any:
    """Return a connected Int32 string receiver derived from ``base`` that counts strings."""

    class Counting(base):  # type: ignore[misc]
        count = 0

        def stringReceived(self, string: bytes) -> None:
            self.count += 1

    proto = Counting()
    proto.makeConnection(NullTransport())
    return proto


def run_once(make: Callable[[], Any], packets: list[bytes], expected: int) -> float:
    """Feed ``packets`` to a fresh receiver and return the time it took."""
    proto = make()
    feed = proto.dataReceived
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter()
        for packet in packets:
            feed(packet)
        elapsed = time.perf_counter() - t0
    finally:
        gc.enable()
    if proto.count != expected:
        raise AssertionError(f"{make}: {proto.count} callbacks, expected {expected}")
    return elapsed


def best_times(
    make_ours: Callable[[], Any],
    make_theirs: Callable[[], Any],
    packets: list[bytes],
    expected: int,
) -> tuple[float, float]:
    """Return the best of REPEATS runs of each, alternating them so noise hits both alike."""
    ours = theirs = float("inf")
    for _ in range(REPEATS):
        ours = min(ours, run_once(make_ours, packets, expected))
        theirs = min(theirs, run_once(make_theirs, packets, expected))
    return ours, theirs


def short_lines_one_per_packet() -> tuple[list[bytes], int]:
    n = 100_000
    return [b"PRIVMSG #chan :hello there %d\r\n" % i for i in range(n)], n


def short_lines_100_per_packet() -> tuple[list[bytes], int]:
    packets = []
    for p in range(1_000):
        packets.append(
            b"".join(b"PRIVMSG #chan :hello there %d %d\r\n" % (p, i) for i in range(100))
        )
    return packets, 1_000 * 100


def short_lines_64k_reads() -> tuple[list[bytes], int]:
    stream = b"".join(b"PRIVMSG #chan :hello there %d\r\n" % i for i in range(100_000))
    # Reads of 64 KiB, as a busy connection delivers them: lines cut at read boundaries.
    packets = [stream[i : i + 65_536] for i in range(0, len(stream), 65_536)]
    return packets, 100_000


def long_line_in_small_pieces() -> tuple[list[bytes], int]:
    line = (b"x" * 16_384) + b"\r\n"
    pieces = [line[i : i + 64] for i in range(0, len(line), 64)]
    n = 100
    return pieces * n, n


def int32_strings(per_packet: int, packets_count: int) -> tuple[list[bytes], int]:
    packets = []
    for p in range(packets_count):
        strings = (b"payload %d %d" % (p, i) for i in range(per_packet))
        packets.append(b"".join(struct.pack("!I", len(s)) + s for s in strings))
    return packets, per_packet * packets_count


def main() -> None:
    rows: list[tuple[str, str, Callable[[type], Any], type, type, list[bytes], int, str]] = []
    packets, n = short_lines_one_per_packet()
    rows.append(
        (
            "LineReceiver: short lines, 1 per packet",
            "lines",
            make_line_receiver,
            twistlike_basic.LineReceiver,
            twisted_basic.LineReceiver,
            packets,
            n,
            "≤ 0.8",
        )
    )
    packets, n = short_lines_100_per_packet()
    rows.append(
        (
            "LineReceiver: short lines, 100 per packet",
            "lines",
            make_line_receiver,
            twistlike_basic.LineReceiver,
            twisted_basic.LineReceiver,
            packets,
            n,
            "≤ 0.5",
        )
    )
    packets, n = short_lines_64k_reads()
    rows.append(
        (
            "LineReceiver: short lines in 64 KiB reads (~2000 per read)",
            "lines",
            make_line_receiver,
            twistlike_basic.LineReceiver,
            twisted_basic.LineReceiver,
            packets,
            n,
            "≤ 0.5",
        )
    )
    packets, n = long_line_in_small_pieces()
    rows.append(
        (
            "LineReceiver: 16 KiB line in 64-byte pieces",
            "lines",
            make_line_receiver,
            twistlike_basic.LineReceiver,
            twisted_basic.LineReceiver,
            packets,
            n,
            "≤ 0.5",
        )
    )
    packets, n = int32_strings(1, 100_000)
    rows.append(
        (
            "Int32StringReceiver: 1 string per packet",
            "strings",
            make_int32_receiver,
            twistlike_basic.Int32StringReceiver,
            twisted_basic.Int32StringReceiver,
            packets,
            n,
            "—",
        )
    )
    packets, n = int32_strings(100, 1_000)
    rows.append(
        (
            "Int32StringReceiver: 100 strings per packet",
            "strings",
            make_int32_receiver,
            twistlike_basic.Int32StringReceiver,
            twisted_basic.Int32StringReceiver,
            packets,
            n,
            "—",
        )
    )

    print(f"Python {sys.version.split()[0]}, best of {REPEATS} runs each\n")
    print("| case | twistlike | Twisted | ratio | bar |")
    print("|---|---:|---:|---:|:---:|")
    for name, unit, make, ours, theirs, packets, n, bar in rows:
        t_ours, t_theirs = best_times(
            functools.partial(make, ours), functools.partial(make, theirs), packets, n
        )
        ratio = t_ours / t_theirs
        print(
            f"| {name} | {t_ours * 1e3:.1f} ms ({n / t_ours:,.0f} {unit}/s) "
            f"| {t_theirs * 1e3:.1f} ms ({n / t_theirs:,.0f} {unit}/s) "
            f"| {ratio:.2f} | {bar} |"
        )


if __name__ == "__main__":
    main()

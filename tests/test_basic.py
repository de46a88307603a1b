"""Tests for twistlike.basic: line, netstring and length-prefixed receivers.

Most tests are differential: the same bytes, cut into the same chunks, go to twistlike's
receiver and to Twisted's, whose callbacks (and the side effects the callbacks perform:
mode and delimiter changes, clearing the buffer, pausing, closing, re-entrant calls) are
scripted alike; the recorded callbacks, return values and transport state must be equal.
The chunk-invariance tests feed one stream whole, byte by byte and cut at random points.
"""

from __future__ import annotations

import io
import itertools
import logging
import struct
import tracemalloc
from collections.abc import Sequence
from typing import Any, cast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.internet import testing as ttesting
from twisted.protocols import basic as tbasic

from twistlike import basic
from twistlike.basic import (
    FileSender,
    Int8StringReceiver,
    Int16StringReceiver,
    Int32StringReceiver,
    IntNStringReceiver,
    LineOnlyReceiver,
    LineReceiver,
    NetstringReceiver,
    StatefulStringProtocol,
    StringTooLongError,
)
from twistlike.testing import StringTransport

Event = tuple[object, ...]
Action = tuple[Any, ...]

SETTINGS = settings(max_examples=200, deadline=None)

# Bytes that make delimiters, prefixes of delimiters and self-overlapping delimiters
# frequent in generated streams.
_TOKENS = [b"a", b"b", b"\r", b"\n", b"\r\n", b"aa", b"xyz", b"\x00", b"0", b"9", b":", b","]
_DELIMITERS = [b"\r\n", b"\n", b"aa", b"ab", b"a", b"\r\n\r\n"]


def _streams(max_tokens: int = 40) -> st.SearchStrategy[bytes]:
    """Byte streams rich in delimiters (and sometimes arbitrary bytes)."""
    tokens = st.lists(st.sampled_from(_TOKENS), max_size=max_tokens).map(b"".join)
    return st.one_of(tokens, st.binary(max_size=max_tokens))


@st.composite
def _chunked(draw: st.DrawFn, data: st.SearchStrategy[bytes]) -> list[bytes]:
    """A stream cut into chunks at random points (empty chunks included)."""
    stream = draw(data)
    cuts = sorted(draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    bounds = [0, *cuts, len(stream)]
    return [stream[start:end] for start, end in itertools.pairwise(bounds)]


def _cuts(stream: bytes, points: Sequence[int]) -> list[bytes]:
    """Cut ``stream`` at ``points``."""
    bounds = [0, *sorted(p % (len(stream) + 1) for p in points), len(stream)]
    return [stream[start:end] for start, end in itertools.pairwise(bounds)]


def _bytewise(stream: bytes) -> list[bytes]:
    """``stream`` one byte at a time."""
    return [stream[i : i + 1] for i in range(len(stream))]


class _Script:
    """The side effects callbacks perform, keyed by the callback's number (0, 1, ...)."""

    def __init__(self, actions: dict[int, Action], events: list[Event]) -> None:
        self.actions = actions
        self.events = events
        self.count = 0

    def run(self, proto: Any) -> object:
        """Perform the action planned for this callback; return what the callback returns."""
        action = self.actions.get(self.count)
        self.count += 1
        if action is None:
            return None
        kind = action[0]
        events = self.events
        if kind == "raw":
            proto.setRawMode()
        elif kind == "line":
            events.append(("setLineMode", proto.setLineMode(action[1])))
        elif kind == "delim":
            proto.delimiter = action[1]
        elif kind == "max":
            proto.MAX_LENGTH = action[1]
        elif kind == "stop":
            return action[1]
        elif kind == "clear":
            events.append(("clear", proto.clearLineBuffer()))
        elif kind == "lose":
            proto.transport.loseConnection()
        elif kind == "pause":
            proto.pauseProducing()
        elif kind == "reenter":
            events.append(("reenter", proto.dataReceived(action[1])))
        elif kind == "send":
            proto.sendLine(action[1])
        elif kind == "recvd":
            events.append(("recvd", proto.recvd))
        elif kind == "setrecvd":
            proto.recvd = action[1]
        elif kind == "sendString":
            proto.sendString(action[1])
        return None


class _LineMixin:
    """Records LineReceiver / LineOnlyReceiver callbacks and runs the script."""

    script: _Script
    tolerant = False
    # Whether raw-data callbacks run (and count in) the script; how many there are
    # depends on the chunking, so chunk-invariance tests script line callbacks only.
    scriptRaw = True

    def lineReceived(self, line: bytes) -> object:
        self.script.events.append(("line", line))
        return self.script.run(self)

    def rawDataReceived(self, data: bytes) -> object:
        self.script.events.append(("raw", data))
        if self.scriptRaw:
            return self.script.run(self)
        return None

    def lineLengthExceeded(self, line: bytes) -> Any:
        self.script.events.append(("exceeded", line))
        if self.tolerant:
            return self.script.run(self)
        return cast(Any, super()).lineLengthExceeded(line)


class _OurLine(_LineMixin, LineReceiver):
    pass


class _TheirLine(_LineMixin, tbasic.LineReceiver):
    pass


class _OurLineOnly(_LineMixin, LineOnlyReceiver):
    pass


class _TheirLineOnly(_LineMixin, tbasic.LineOnlyReceiver):
    pass


class _StringMixin:
    """Records string-receiver callbacks and runs the script."""

    script: _Script

    def stringReceived(self, string: bytes) -> None:
        self.script.events.append(("string", string))
        self.script.run(self)

    def lengthLimitExceeded(self, length: int) -> None:
        self.script.events.append(("lengthLimitExceeded", length))
        cast(Any, super()).lengthLimitExceeded(length)


def _intClasses(width: int) -> tuple[type[Any], type[Any]]:
    """Our and Twisted's recording IntN receivers for a prefix of ``width`` bits."""
    ours = {8: Int8StringReceiver, 16: Int16StringReceiver, 32: Int32StringReceiver}[width]
    theirs = {
        8: tbasic.Int8StringReceiver,
        16: tbasic.Int16StringReceiver,
        32: tbasic.Int32StringReceiver,
    }[width]
    return (
        type(f"OurInt{width}", (_StringMixin, ours), {}),
        type(f"TheirInt{width}", (_StringMixin, theirs), {}),
    )


class _OurNetstring(_StringMixin, NetstringReceiver):
    pass


class _TheirNetstring(_StringMixin, tbasic.NetstringReceiver):
    pass


def _connect(
    cls: type[Any],
    transportClass: type[Any] | None,
    actions: dict[int, Action],
    **attributes: object,
) -> tuple[Any, Any, list[Event]]:
    """Make a recording receiver of ``cls`` with ``attributes`` and connect it."""
    events: list[Event] = []
    proto = cls()
    proto.script = _Script(actions, events)
    for name, value in attributes.items():
        setattr(proto, name, value)
    transport = None
    if transportClass is not None:
        transport = transportClass(lenient=True)
        # Count loseConnection calls: Twisted's receivers may call it more than once.
        loseConnection = transport.loseConnection

        def countingLoseConnection() -> None:
            events.append(("loseConnection",))
            loseConnection()

        transport.loseConnection = countingLoseConnection
        proto.makeConnection(transport)
    return proto, transport, events


def _feed(
    proto: Any,
    transport: Any,
    chunks: Sequence[bytes],
    events: list[Event],
    *,
    resume: bool = True,
    stopWhenClosing: bool = False,
) -> None:
    """Feed ``chunks``, recording return values and resuming a paused receiver."""
    for chunk in chunks:
        if stopWhenClosing and transport is not None and transport.disconnecting:
            return
        events.append(("return", proto.dataReceived(chunk)))
        if resume and getattr(proto, "paused", False):
            proto.resumeProducing()
            events.append(("resumed",))


def _outcome(transport: Any, events: list[Event]) -> tuple[object, ...]:
    """What a differential test compares: callbacks, and what reached the transport."""
    if transport is None:
        return (events,)
    return (events, transport.value(), transport.disconnecting)


# Scripted side effects for LineReceiver callbacks.
_lineActions = st.one_of(
    st.just(("raw",)),
    st.tuples(st.just("line"), st.sampled_from([b"", b"q\r\nw", b"zz\n", b"aab"])),
    st.tuples(st.just("delim"), st.sampled_from(_DELIMITERS)),
    st.tuples(st.just("max"), st.integers(0, 12)),
    st.tuples(st.just("stop"), st.sampled_from([1, "why", 0, ""])),
    st.just(("clear",)),
    st.just(("lose",)),
    st.just(("pause",)),
    st.tuples(st.just("reenter"), st.sampled_from([b"", b"k\r\n", b"\nm", b"aab", b"a\r"])),
    st.tuples(st.just("send"), st.sampled_from([b"", b"pong"])),
)
_scripts = st.dictionaries(st.integers(0, 14), _lineActions, max_size=6)


# LineReceiver.


@SETTINGS
@given(
    chunks=_chunked(_streams()),
    delimiter=st.sampled_from(_DELIMITERS),
    maxLength=st.integers(0, 14),
    actions=_scripts,
    tolerant=st.booleans(),
)
def test_line_receiver_matches_twisted(
    chunks: list[bytes],
    delimiter: bytes,
    maxLength: int,
    actions: dict[int, Action],
    tolerant: bool,
) -> None:
    """LineReceiver gives the same callbacks, results and writes as Twisted's, whatever the
    callbacks do to the mode, delimiter, buffer and connection."""
    outcomes = []
    for cls, transportClass in (
        (_OurLine, StringTransport),
        (_TheirLine, ttesting.StringTransport),
    ):
        proto, transport, events = _connect(
            cls, transportClass, actions, delimiter=delimiter, MAX_LENGTH=maxLength
        )
        proto.tolerant = tolerant
        _feed(proto, transport, chunks, events)
        events.append(("left", proto.clearLineBuffer(), proto.line_mode))
        outcomes.append(_outcome(transport, events))
    assert outcomes[0] == outcomes[1]


@SETTINGS
@given(
    chunks=_chunked(_streams()),
    delimiter=st.sampled_from(_DELIMITERS),
    maxLength=st.integers(0, 14),
    actions=st.dictionaries(
        st.integers(0, 14),
        _lineActions.filter(lambda a: a[0] not in ("lose", "pause", "send")),
        max_size=5,
    ),
)
def test_line_receiver_without_transport_matches_twisted(
    chunks: list[bytes], delimiter: bytes, maxLength: int, actions: dict[int, Action]
) -> None:
    """A LineReceiver never connected to a transport delivers as Twisted's does."""
    outcomes = []
    for cls in (_OurLine, _TheirLine):
        proto, _, events = _connect(cls, None, actions, delimiter=delimiter, MAX_LENGTH=maxLength)
        proto.tolerant = True
        _feed(proto, None, chunks, events)
        events.append(("left", proto.clearLineBuffer()))
        outcomes.append(events)
    assert outcomes[0] == outcomes[1]


def _normalised(events: list[Event]) -> list[Event]:
    """Callbacks only, with consecutive raw data merged and over-long data elided."""
    result: list[Event] = []
    for event in events:
        if event[0] in ("return", "resumed", "setLineMode", "reenter"):
            continue
        if event[0] == "raw" and result and result[-1][0] == "raw":
            result[-1] = ("raw", cast(bytes, result[-1][1]) + cast(bytes, event[1]))
        elif event[0] == "exceeded":
            result.append(("exceeded",))
        else:
            result.append(event)
    return result


def _lineRun(
    cls: type[Any],
    chunks: list[bytes],
    delimiter: bytes,
    maxLength: int,
    actions: dict[int, Action],
) -> tuple[object, ...]:
    proto, transport, events = _connect(
        cls, StringTransport, actions, delimiter=delimiter, MAX_LENGTH=maxLength
    )
    proto.scriptRaw = False
    _feed(proto, transport, chunks, events, stopWhenClosing=True)
    # A callback that returned a true value left lines buffered: later calls deliver them.
    for _ in range(len(actions) + 1):
        if transport.disconnecting:
            break
        proto.dataReceived(b"")
    return (_normalised(events), transport.value(), transport.disconnecting)


@SETTINGS
@given(
    stream=_streams(60),
    points=st.lists(st.integers(0, 1000), max_size=10),
    delimiter=st.sampled_from(_DELIMITERS),
    maxLength=st.integers(0, 14),
    actions=st.dictionaries(
        st.integers(0, 14),
        # Left out: what clearLineBuffer and re-entrant calls see depends on the chunking
        # by design, and so does how much raw data arrives before a close takes effect.
        _lineActions.filter(lambda a: a[0] not in ("clear", "reenter", "line", "lose")),
        max_size=5,
    ),
)
def test_line_receiver_chunk_invariance(
    stream: bytes,
    points: list[int],
    delimiter: bytes,
    maxLength: int,
    actions: dict[int, Action],
) -> None:
    """A stream fed whole, byte by byte or in random pieces gives the same lines, raw data
    and over-long-line events, mode and delimiter changes included."""
    whole = _lineRun(_OurLine, [stream], delimiter, maxLength, actions)
    assert _lineRun(_OurLine, _bytewise(stream), delimiter, maxLength, actions) == whole
    assert _lineRun(_OurLine, _cuts(stream, points), delimiter, maxLength, actions) == whole


class _Lines(LineReceiver):
    """Collects lines and raw data."""

    def __init__(self) -> None:
        self.lines: list[bytes] = []
        self.raw: list[bytes] = []
        self.exceeded: list[bytes] = []

    def lineReceived(self, line: bytes) -> object:
        self.lines.append(line)
        return None

    def rawDataReceived(self, data: bytes) -> None:
        self.raw.append(data)

    def lineLengthExceeded(self, line: bytes) -> Any:
        self.exceeded.append(line)
        return super().lineLengthExceeded(line)


def _connected(proto: Any) -> StringTransport:
    transport = StringTransport()
    proto.makeConnection(transport)
    return transport


def test_line_receiver_delivers_lines_without_delimiters() -> None:
    """Complete lines are delivered without their delimiter; the incomplete rest waits."""
    proto = _Lines()
    _connected(proto)
    proto.dataReceived(b"one\r\ntwo\r\nthr")
    assert proto.lines == [b"one", b"two"]
    proto.dataReceived(b"ee\r\n")
    assert proto.lines == [b"one", b"two", b"three"]


def test_line_receiver_line_of_max_length_is_accepted() -> None:
    """A line of exactly MAX_LENGTH bytes is delivered."""
    proto = _Lines()
    proto.MAX_LENGTH = 5
    transport = _connected(proto)
    proto.dataReceived(b"12345\r\n")
    assert proto.lines == [b"12345"]
    assert not transport.disconnecting


def test_line_receiver_complete_overlong_line() -> None:
    """A complete line over MAX_LENGTH hands the whole buffer to lineLengthExceeded and
    drops the connection."""
    proto = _Lines()
    proto.MAX_LENGTH = 5
    transport = _connected(proto)
    proto.dataReceived(b"ok\r\n123456\r\nrest\r\n")
    assert proto.lines == [b"ok"]
    assert proto.exceeded == [b"123456\r\nrest\r\n"]
    assert transport.disconnecting
    assert proto.clearLineBuffer() == b""


def test_line_receiver_incomplete_overlong_line() -> None:
    """MAX_LENGTH + len(delimiter) bytes without a delimiter count as an over-long line."""
    proto = _Lines()
    proto.MAX_LENGTH = 5
    transport = _connected(proto)
    proto.dataReceived(b"123456")
    assert proto.exceeded == []
    proto.dataReceived(b"7")
    assert proto.exceeded == [b"1234567"]
    assert transport.disconnecting


def test_line_receiver_long_line_in_small_pieces() -> None:
    """A line of MAX_LENGTH bytes arriving 64 bytes at a time is delivered once, whole."""
    proto = _Lines()
    _connected(proto)
    line = bytes(range(256)).replace(b"\r", b"").replace(b"\n", b"") * 64
    line = line[: proto.MAX_LENGTH]
    data = line + b"\r\n"
    for i in range(0, len(data), 64):
        proto.dataReceived(data[i : i + 64])
    assert proto.lines == [line]


def test_line_receiver_buffer_stays_bounded() -> None:
    """Endless bytes without a delimiter never grow the buffer past MAX_LENGTH plus one read,
    and the connection is dropped."""

    class Counting(LineReceiver):
        MAX_LENGTH = 1000
        exceeded = 0

        def lineLengthExceeded(self, line: bytes) -> Any:
            # The peer keeps sending (a StringTransport never closes): count, keep nothing.
            self.exceeded += 1
            return super().lineLengthExceeded(line)

    proto = Counting()
    transport = _connected(proto)
    tracemalloc.start()
    try:
        chunk = b"x" * 100
        for _ in range(10_000):
            proto.dataReceived(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert transport.disconnecting
    assert proto.exceeded == 1000 * 100 * 100 // (1002 * 100) or proto.exceeded > 900
    assert peak < 64 * 1024


def test_line_receiver_mode_switch_applies_to_rest_of_buffer() -> None:
    """setRawMode from lineReceived sends the rest of the same chunk to rawDataReceived."""

    class Switching(_Lines):
        def lineReceived(self, line: bytes) -> None:
            super().lineReceived(line)
            if line == b"RAW":
                self.setRawMode()

    proto = Switching()
    _connected(proto)
    proto.dataReceived(b"a\r\nRAW\r\nb\r\nc")
    assert proto.lines == [b"a", b"RAW"]
    assert proto.raw == [b"b\r\nc"]


def test_line_receiver_set_line_mode_with_extra() -> None:
    """setLineMode(extra) from rawDataReceived parses the extra data as lines."""

    class Switching(_Lines):
        def rawDataReceived(self, data: bytes) -> None:
            super().rawDataReceived(data)
            self.setLineMode(data[3:])

    proto = Switching()
    _connected(proto)
    proto.setRawMode()
    proto.dataReceived(b"123x\r\ny\r\n")
    assert proto.raw == [b"123x\r\ny\r\n"]
    assert proto.lines == [b"x", b"y"]


def test_line_receiver_delimiter_change_applies_to_rest_of_buffer() -> None:
    """A delimiter set in lineReceived splits the rest of the buffer."""

    class Changing(_Lines):
        def lineReceived(self, line: bytes) -> None:
            super().lineReceived(line)
            self.delimiter = b"\n"

    proto = Changing()
    _connected(proto)
    proto.dataReceived(b"a\r\nb\nc\n")
    assert proto.lines == [b"a", b"b", b"c"]


def test_line_receiver_clear_line_buffer_returns_rest() -> None:
    """clearLineBuffer in lineReceived returns the data after the current line."""
    cleared: list[bytes] = []

    class Clearing(_Lines):
        def lineReceived(self, line: bytes) -> None:
            super().lineReceived(line)
            cleared.append(self.clearLineBuffer())

    proto = Clearing()
    _connected(proto)
    proto.dataReceived(b"a\r\nb\r\nc")
    assert proto.lines == [b"a"]
    assert cleared == [b"b\r\nc"]


def test_line_receiver_true_result_stops_delivery() -> None:
    """A true value from lineReceived stops delivery and is returned by dataReceived."""

    class Stopping(_Lines):
        def lineReceived(self, line: bytes) -> object:
            super().lineReceived(line)
            return "stop" if line == b"b" else None

    proto = Stopping()
    _connected(proto)
    assert proto.dataReceived(b"a\r\nb\r\nc\r\n") == "stop"
    assert proto.lines == [b"a", b"b"]
    assert proto.dataReceived(b"") is None
    assert proto.lines == [b"a", b"b", b"c"]


def test_line_receiver_stops_after_lose_connection() -> None:
    """Once the transport is disconnecting no more lines are delivered from the buffer."""

    class Closing(_Lines):
        def lineReceived(self, line: bytes) -> None:
            super().lineReceived(line)
            self.transport.loseConnection()

    proto = Closing()
    _connected(proto)
    proto.dataReceived(b"a\r\nb\r\n")
    assert proto.lines == [b"a"]


def test_line_receiver_reentrant_data_is_buffered() -> None:
    """dataReceived called from lineReceived only buffers; the lines come after the
    current chunk's."""

    class Reentrant(_Lines):
        def lineReceived(self, line: bytes) -> None:
            super().lineReceived(line)
            if line == b"a":
                self.dataReceived(b"inner\r\n")
                self.lines.append(b"returned")

    proto = Reentrant()
    _connected(proto)
    proto.dataReceived(b"a\r\nb\r\n")
    assert proto.lines == [b"a", b"returned", b"b", b"inner"]


def test_line_receiver_pause_and_resume() -> None:
    """A paused receiver buffers; resumeProducing delivers the buffer and resumes the
    transport."""
    proto = _Lines()
    transport = _connected(proto)
    proto.pauseProducing()
    assert transport.producerState == "paused"
    proto.dataReceived(b"a\r\nb\r\n")
    assert proto.lines == []
    proto.resumeProducing()
    assert transport.producerState == "producing"
    assert proto.lines == [b"a", b"b"]
    proto.stopProducing()
    assert transport.producerState == "stopped"
    proto.dataReceived(b"c\r\n")
    assert proto.lines == [b"a", b"b"]


def test_line_receiver_pause_from_line_received() -> None:
    """pauseProducing in lineReceived holds back the rest of the chunk until resumed."""

    class Pausing(_Lines):
        def lineReceived(self, line: bytes) -> None:
            super().lineReceived(line)
            if line == b"a":
                self.pauseProducing()

    proto = Pausing()
    _connected(proto)
    proto.dataReceived(b"a\r\nb\r\n")
    assert proto.lines == [b"a"]
    proto.resumeProducing()
    assert proto.lines == [b"a", b"b"]


def test_line_receiver_send_line() -> None:
    """sendLine writes the line followed by the delimiter."""
    proto = _Lines()
    proto.delimiter = b"\n"
    transport = _connected(proto)
    proto.sendLine(b"hello")
    assert transport.value() == b"hello\n"


def test_line_receiver_empty_delimiter_never_splits() -> None:
    """An empty delimiter (as in Twisted) finds no line; the data counts as one long line."""
    proto = _Lines()
    proto.delimiter = b""
    proto.MAX_LENGTH = 3
    transport = _connected(proto)
    proto.dataReceived(b"ab")
    assert proto.lines == []
    proto.dataReceived(b"cd")
    assert proto.exceeded == [b"abcd"]
    assert transport.disconnecting


def test_line_receiver_settings_read_through_properties() -> None:
    """A subclass computing delimiter and MAX_LENGTH with properties is honoured."""

    class Dynamic(_Lines):
        currentDelimiter = b";"

        @property
        def delimiter(self) -> bytes:  # type: ignore[override]
            return self.currentDelimiter

        @property
        def MAX_LENGTH(self) -> int:  # type: ignore[override]
            return 10

    proto = Dynamic()
    _connected(proto)
    proto.dataReceived(b"a;b;")
    proto.currentDelimiter = b"|"
    proto.dataReceived(b"c|d;e|")
    assert proto.lines == [b"a", b"b", b"c", b"d;e"]


def test_line_receiver_unimplemented_callbacks_raise() -> None:
    """The base class's lineReceived and rawDataReceived raise NotImplementedError."""
    proto = LineReceiver()
    _connected(proto)
    with pytest.raises(NotImplementedError):
        proto.dataReceived(b"a\r\n")
    proto.setRawMode()
    with pytest.raises(NotImplementedError):
        proto.dataReceived(b"a")


# LineOnlyReceiver.

_lineOnlyActions = st.one_of(
    st.tuples(st.just("delim"), st.sampled_from(_DELIMITERS)),
    st.tuples(st.just("max"), st.integers(0, 12)),
    st.just(("lose",)),
    st.tuples(st.just("reenter"), st.sampled_from([b"", b"k\r\n", b"\nm", b"aab"])),
    st.tuples(st.just("send"), st.sampled_from([b"", b"pong"])),
)


@SETTINGS
@given(
    chunks=_chunked(_streams()),
    delimiter=st.sampled_from(_DELIMITERS),
    maxLength=st.integers(0, 14),
    actions=st.dictionaries(st.integers(0, 14), _lineOnlyActions, max_size=5),
    tolerant=st.booleans(),
)
def test_line_only_receiver_matches_twisted(
    chunks: list[bytes],
    delimiter: bytes,
    maxLength: int,
    actions: dict[int, Action],
    tolerant: bool,
) -> None:
    """LineOnlyReceiver gives the same callbacks, results and writes as Twisted's."""
    outcomes = []
    for cls, transportClass in (
        (_OurLineOnly, StringTransport),
        (_TheirLineOnly, ttesting.StringTransport),
    ):
        proto, transport, events = _connect(
            cls, transportClass, actions, delimiter=delimiter, MAX_LENGTH=maxLength
        )
        proto.tolerant = tolerant
        _feed(proto, transport, chunks, events)
        outcomes.append(_outcome(transport, events))
    assert outcomes[0] == outcomes[1]


@SETTINGS
@given(
    stream=_streams(60),
    points=st.lists(st.integers(0, 1000), max_size=10),
    delimiter=st.sampled_from(_DELIMITERS),
    maxLength=st.integers(1, 14),
)
def test_line_only_receiver_chunk_invariance(
    stream: bytes, points: list[int], delimiter: bytes, maxLength: int
) -> None:
    """LineOnlyReceiver delivers the same lines whatever the chunking, as long as no
    partial line grows over MAX_LENGTH.

    (Its partial-line check counts the first bytes of a delimiter that has not fully
    arrived, as Twisted's does, so only fine enough chunking can trip it; feeding byte by
    byte trips it whenever any chunking can.)
    """

    def run(chunks: list[bytes]) -> tuple[object, ...]:
        proto, transport, events = _connect(
            _OurLineOnly, StringTransport, {}, delimiter=delimiter, MAX_LENGTH=maxLength
        )
        _feed(proto, transport, chunks, events, stopWhenClosing=True)
        return (_normalised(events), transport.disconnecting)

    bytewise = run(_bytewise(stream))
    if not bytewise[1]:
        assert run([stream]) == bytewise
        assert run(_cuts(stream, points)) == bytewise


def test_line_only_receiver_overlong_line() -> None:
    """LineOnlyReceiver drops the connection on a line, or a partial line, over MAX_LENGTH."""
    lines: list[bytes] = []

    class Receiver(LineOnlyReceiver):
        MAX_LENGTH = 4

        def lineReceived(self, line: bytes) -> None:
            lines.append(line)

    proto = Receiver()
    transport = _connected(proto)
    proto.dataReceived(b"abcd\r\nabcde\r\nx\r\n")
    assert lines == [b"abcd"]
    assert transport.disconnecting
    proto = Receiver()
    transport = _connected(proto)
    proto.dataReceived(b"abcde")
    assert transport.disconnecting


def test_line_only_receiver_send_line() -> None:
    """LineOnlyReceiver.sendLine writes the line and the delimiter."""
    proto = LineOnlyReceiver()
    transport = _connected(proto)
    proto.sendLine(b"hi")
    assert transport.value() == b"hi\r\n"


# Length-prefixed strings.

_stringActions = st.one_of(
    st.tuples(st.just("max"), st.integers(0, 14)),
    st.just(("pause",)),
    st.just(("recvd",)),
    st.tuples(st.just("setrecvd"), st.sampled_from([b"", b"\x00\x02hi", b"\x03"])),
    st.just(("lose",)),
    st.tuples(st.just("sendString"), st.sampled_from([b"", b"pong"])),
)


@st.composite
def _prefixedStream(draw: st.DrawFn, width: int) -> bytes:
    """Strings with their length prefixes, some lengths lying, some junk after them."""
    fmt = {8: "!B", 16: "!H", 32: "!I"}[width]
    parts = []
    for payload in draw(st.lists(st.binary(max_size=12), max_size=8)):
        length = len(payload)
        if draw(st.integers(0, 9)) == 0:
            length = draw(st.integers(0, 2**width - 1))
        parts.append(struct.pack(fmt, length) + payload)
    parts.append(draw(st.binary(max_size=5)))
    return b"".join(parts)


@SETTINGS
@given(
    width=st.sampled_from([8, 16, 32]),
    data=st.data(),
    maxLength=st.integers(0, 14),
    actions=st.dictionaries(st.integers(0, 10), _stringActions, max_size=4),
)
def test_int_string_receivers_match_twisted(
    width: int, data: st.DataObject, maxLength: int, actions: dict[int, Action]
) -> None:
    """Int8/16/32StringReceiver give the same callbacks, results and writes as Twisted's
    (until the connection is dropped, after which Twisted re-delivers old strings)."""
    chunks = data.draw(_chunked(_prefixedStream(width)))
    outcomes = []
    for cls, transportClass in zip(
        _intClasses(width), (StringTransport, ttesting.StringTransport), strict=True
    ):
        proto, transport, events = _connect(cls, transportClass, actions, MAX_LENGTH=maxLength)
        _feed(proto, transport, chunks, events, stopWhenClosing=True)
        events.append(("left", proto.recvd))
        outcomes.append(_outcome(transport, events))
    assert outcomes[0] == outcomes[1]


@SETTINGS
@given(
    width=st.sampled_from([8, 16, 32]),
    data=st.data(),
    points=st.lists(st.integers(0, 1000), max_size=10),
    maxLength=st.integers(0, 14),
)
def test_int_string_receivers_chunk_invariance(
    width: int, data: st.DataObject, points: list[int], maxLength: int
) -> None:
    """Length-prefixed strings are delivered alike whatever the chunking."""
    stream = data.draw(_prefixedStream(width))
    cls = _intClasses(width)[0]

    def run(chunks: list[bytes]) -> tuple[object, ...]:
        proto, transport, events = _connect(cls, StringTransport, {}, MAX_LENGTH=maxLength)
        _feed(proto, transport, chunks, events, stopWhenClosing=True)
        # What is left buffered depends on where feeding stopped once the connection
        # was being dropped; otherwise it is the same.
        left = None if transport.disconnecting else proto.recvd
        return (_normalised(events), transport.disconnecting, left)

    whole = run([stream])
    assert run(_bytewise(stream)) == whole
    assert run(_cuts(stream, points)) == whole


class _Strings(Int32StringReceiver):
    """Collects strings and rejected lengths."""

    def __init__(self) -> None:
        self.strings: list[bytes] = []
        self.rejected: list[int] = []

    def stringReceived(self, string: bytes) -> None:
        self.strings.append(string)

    def lengthLimitExceeded(self, length: int) -> None:
        self.rejected.append(length)
        super().lengthLimitExceeded(length)


def test_int32_huge_length_prefix_allocates_nothing() -> None:
    """A 4 GiB length prefix is refused at once (and the connection dropped) without
    allocating anything near that size."""
    proto = _Strings()
    transport = _connected(proto)
    tracemalloc.start()
    try:
        proto.dataReceived(b"\xff\xff\xff\xff" + b"x" * 1000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert proto.rejected == [2**32 - 1]
    assert transport.disconnecting
    assert peak < 64 * 1024


def test_int32_announced_length_is_not_preallocated() -> None:
    """With MAX_LENGTH raised to 2**32 - 1, a 4 GiB announcement costs only the bytes that
    actually arrive."""
    proto = _Strings()
    proto.MAX_LENGTH = 2**32 - 1
    _connected(proto)
    tracemalloc.start()
    try:
        proto.dataReceived(b"\xff\xff\xff\xff")
        for _ in range(1000):
            proto.dataReceived(b"y" * 1000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert proto.strings == []
    assert peak < 4 * 1024 * 1024


def test_int_string_receiver_send_string() -> None:
    """sendString writes the big-endian length prefix and the string."""
    for cls, prefix in (
        (Int8StringReceiver, b"\x03"),
        (Int16StringReceiver, b"\x00\x03"),
        (Int32StringReceiver, b"\x00\x00\x00\x03"),
    ):
        proto = cls()
        transport = _connected(proto)
        proto.sendString(b"abc")
        assert transport.value() == prefix + b"abc"


def test_int_string_receiver_send_too_long_string() -> None:
    """sendString refuses a string too long for the prefix with StringTooLongError."""
    proto = Int8StringReceiver()
    _connected(proto)
    with pytest.raises(StringTooLongError):
        proto.sendString(b"x" * 256)
    assert issubclass(StringTooLongError, AssertionError)


def test_int_string_receiver_pause_and_resume() -> None:
    """A paused IntN receiver buffers strings until resumeProducing."""
    proto = _Strings()
    _connected(proto)
    proto.pauseProducing()
    proto.dataReceived(b"\x00\x00\x00\x01a\x00\x00\x00\x01b")
    assert proto.strings == []
    proto.resumeProducing()
    assert proto.strings == [b"a", b"b"]


def test_int_string_receiver_reentrant_data_is_delivered_once() -> None:
    """dataReceived from stringReceived buffers its data, delivered after the current chunk.

    Divergence from Twisted: Twisted re-delivers the strings already delivered from the
    current chunk (and recurses without end if that repeats the re-entrant call).
    """

    class Reentrant(_Strings):
        def stringReceived(self, string: bytes) -> None:
            super().stringReceived(string)
            if string == b"a":
                self.dataReceived(b"\x00\x00\x00\x01z")

    proto = Reentrant()
    _connected(proto)
    proto.dataReceived(b"\x00\x00\x00\x01a\x00\x00\x00\x01b")
    assert proto.strings == [b"a", b"b", b"z"]


def test_int_string_receiver_recvd() -> None:
    """recvd shows the undelivered bytes; assigning it from stringReceived replaces them."""

    class Replacing(_Strings):
        def stringReceived(self, string: bytes) -> None:
            super().stringReceived(string)
            if string == b"a":
                self.seen = self.recvd
                self.recvd = b"\x00\x00\x00\x01r"

    proto = Replacing()
    _connected(proto)
    proto.dataReceived(b"\x00\x00\x00\x01a\x00\x00\x00\x01b\x00")
    assert proto.seen == b"\x00\x00\x00\x01b\x00"
    assert proto.strings == [b"a", b"r"]
    assert proto.recvd == b""


def test_int_string_receiver_is_intn() -> None:
    """The three receivers share IntNStringReceiver and have Twisted's prefixes."""
    assert [c.prefixLength for c in (Int8StringReceiver, Int16StringReceiver)] == [1, 2]
    assert Int32StringReceiver.structFormat == "!I"
    assert issubclass(Int32StringReceiver, IntNStringReceiver)


# Netstrings.

_netstringTokens = [
    b"0", b"1", b"2", b"9", b":", b",", b"a", b"\n", b"3:abc,", b"0:,", b"12:", b"007:",
    b"10:0123456789,", b"99999999:",
]  # fmt: skip


@SETTINGS
@given(
    chunks=_chunked(st.lists(st.sampled_from(_netstringTokens), max_size=15).map(b"".join)),
    maxLength=st.sampled_from([1, 3, 5, 9, 10, 11, 99, 100, 99999]),
    actions=st.dictionaries(
        st.integers(0, 6),
        st.one_of(
            st.tuples(st.just("max"), st.integers(1, 12)),
            st.just(("lose",)),
            st.tuples(st.just("sendString"), st.sampled_from([b"", b"yo"])),
        ),
        max_size=3,
    ),
)
def test_netstring_receiver_matches_twisted(
    chunks: list[bytes], maxLength: int, actions: dict[int, Action]
) -> None:
    """NetstringReceiver delivers, rejects and drops connections as Twisted's does, for
    well-formed and malformed input alike."""
    outcomes = []
    for cls, transportClass in (
        (_OurNetstring, StringTransport),
        (_TheirNetstring, ttesting.StringTransport),
    ):
        proto, transport, events = _connect(cls, transportClass, actions, MAX_LENGTH=maxLength)
        for chunk in chunks:
            events.append(("return", proto.dataReceived(chunk), proto.brokenPeer))
        outcomes.append(_outcome(transport, events))
    assert outcomes[0] == outcomes[1]


@SETTINGS
@given(
    stream=st.lists(st.sampled_from(_netstringTokens), max_size=15).map(b"".join),
    points=st.lists(st.integers(0, 1000), max_size=10),
    maxLength=st.sampled_from([1, 5, 10, 99999]),
)
def test_netstring_receiver_chunk_invariance(
    stream: bytes, points: list[int], maxLength: int
) -> None:
    """Netstrings are delivered, and malformed input detected, alike whatever the chunking."""

    def run(chunks: list[bytes]) -> tuple[object, ...]:
        proto, transport, events = _connect(
            _OurNetstring, StringTransport, {}, MAX_LENGTH=maxLength
        )
        _feed(proto, transport, chunks, events, stopWhenClosing=True)
        return ([e for e in events if e[0] == "string"], transport.disconnecting)

    whole = run([stream])
    assert run(_bytewise(stream)) == whole
    assert run(_cuts(stream, points)) == whole


class _Netstrings(NetstringReceiver):
    def __init__(self) -> None:
        self.strings: list[bytes] = []

    def stringReceived(self, string: bytes) -> None:
        self.strings.append(string)


@pytest.mark.parametrize(
    "data",
    [b"x:abc,", b"3x", b"03:abc,", b"3:abcd", b"3:abc;", b"-1:,", b"100000:", b"1234567"],
)
def test_netstring_receiver_malformed_input_drops_connection(data: bytes) -> None:
    """A non-digit or leading-zero length, a missing comma or a length over MAX_LENGTH
    drops the connection and marks the peer broken."""
    proto = _Netstrings()
    transport = _connected(proto)
    proto.dataReceived(data)
    assert transport.disconnecting
    assert proto.brokenPeer == 1
    assert proto.strings == []


def test_netstring_receiver_delivers_payloads() -> None:
    """Well-formed netstrings, empty ones included, are delivered in order."""
    proto = _Netstrings()
    transport = _connected(proto)
    proto.dataReceived(b"5:hello,0:,3:a")
    proto.dataReceived(b"bc,")
    assert proto.strings == [b"hello", b"", b"abc"]
    assert not transport.disconnecting


def test_netstring_receiver_nothing_delivered_after_error() -> None:
    """After malformed input, even well-formed netstrings are no longer delivered."""
    proto = _Netstrings()
    _connected(proto)
    proto.dataReceived(b"1:a,x")
    proto.dataReceived(b"1:b,")
    assert proto.strings == [b"a"]


def test_netstring_receiver_huge_length_is_refused_early() -> None:
    """A length with more digits than MAX_LENGTH has is refused before its colon arrives,
    and a length over MAX_LENGTH before its payload."""
    proto = _Netstrings()
    transport = _connected(proto)
    proto.dataReceived(b"4294967296")
    assert transport.disconnecting
    proto = _Netstrings()
    proto.MAX_LENGTH = 10
    transport = _connected(proto)
    proto.dataReceived(b"11:")
    assert transport.disconnecting


def test_netstring_receiver_send_string() -> None:
    """sendString writes the netstring encoding."""
    proto = _Netstrings()
    transport = _connected(proto)
    proto.sendString(b"hello")
    proto.sendString(b"")
    assert transport.value() == b"5:hello,0:,"


def test_netstring_errors() -> None:
    """NetstringParseError is a ValueError; IncompleteNetstring an Exception."""
    assert issubclass(basic.NetstringParseError, ValueError)
    assert issubclass(basic.IncompleteNetstring, Exception)


# StatefulStringProtocol.


class _Stateful(StatefulStringProtocol, Int8StringReceiver):
    def __init__(self) -> None:
        self.seen: list[tuple[str, bytes]] = []

    def proto_init(self, string: bytes) -> str:
        self.seen.append(("init", string))
        return "next"

    def proto_next(self, string: bytes) -> str:
        self.seen.append(("next", string))
        return "done" if string == b"bye" else "next"


def test_stateful_string_protocol_dispatches_by_state() -> None:
    """Each string goes to proto_<state>, whose result is the next state; "done" closes."""
    proto = _Stateful()
    transport = _connected(proto)
    proto.dataReceived(b"\x01a\x01b")
    assert proto.seen == [("init", b"a"), ("next", b"b")]
    assert proto.state == "next"
    proto.dataReceived(b"\x03bye")
    assert proto.state == "done"
    assert transport.disconnecting


def test_stateful_string_protocol_unknown_state_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A state without a proto_ method is logged and the string dropped."""
    proto = _Stateful()
    _connected(proto)
    proto.state = "missing"
    with caplog.at_level(logging.INFO, logger="twistlike.basic"):
        proto.dataReceived(b"\x01a")
    assert proto.seen == []
    assert "callback missing not found" in caplog.text


# FileSender.


def _pump(transport: StringTransport) -> None:
    """Drive a registered pull producer until it unregisters."""
    while transport.producer is not None:
        transport.producer.resumeProducing()


def test_file_sender_sends_file_and_fires_with_last_byte() -> None:
    """FileSender writes the whole file (transformed) and fires with the last byte sent."""
    transport = StringTransport()
    sender = FileSender()
    sender.CHUNK_SIZE = 4
    results: list[object] = []
    d = sender.beginFileTransfer(io.BytesIO(b"hello world"), transport, bytes.upper)
    d.addCallback(results.append)
    assert transport.producer is sender
    assert transport.streaming is False
    _pump(transport)
    assert transport.value() == b"HELLO WORLD"
    assert results == [b"D"]


def test_file_sender_empty_file() -> None:
    """An empty file fires the Deferred with "" (Twisted's initial lastSent)."""
    transport = StringTransport()
    results: list[object] = []
    FileSender().beginFileTransfer(io.BytesIO(b""), transport).addCallback(results.append)
    _pump(transport)
    assert results == [""]


def test_file_sender_stop_producing_fails_deferred() -> None:
    """stopProducing fails the transfer's Deferred."""
    transport = StringTransport()
    sender = FileSender()
    failures: list[Any] = []
    sender.beginFileTransfer(io.BytesIO(b"data"), transport).addErrback(failures.append)
    sender.stopProducing()
    assert len(failures) == 1
    assert failures[0].getErrorMessage() == "Consumer asked us to stop producing"


def test_basic_all_is_complete() -> None:
    """Every public class of twistlike.basic is in __all__."""
    public = {
        name
        for name, value in vars(basic).items()
        if not name.startswith("_")
        and isinstance(value, type)
        and value.__module__ == basic.__name__
    }
    assert public == set(basic.__all__)


def test_int_string_receiver_data_after_refused_length() -> None:
    """After a refused length prefix, more data leaves the strings already delivered alone
    and refuses the same prefix again.

    Divergence from Twisted: Twisted delivers the earlier strings of the chunk again.
    """

    class Tolerant(_Strings):
        MAX_LENGTH = 5

        def lengthLimitExceeded(self, length: int) -> None:
            self.rejected.append(length)

    proto = Tolerant()
    _connected(proto)
    proto.dataReceived(b"\x00\x00\x00\x01a\x00\x00\x00\x09")
    proto.dataReceived(b"more")
    assert proto.strings == [b"a"]
    assert proto.rejected == [9, 9]
    assert proto.recvd == b"\x00\x00\x00\x09more"


def test_netstring_receiver_works_before_make_connection() -> None:
    """A NetstringReceiver parses even before makeConnection (Twisted's raises
    AttributeError)."""
    proto = _Netstrings()
    proto.dataReceived(b"2:hi,")
    assert proto.strings == [b"hi"]

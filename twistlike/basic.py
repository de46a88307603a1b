"""Receivers that turn a byte stream into lines, netstrings or length-prefixed strings.

Every receiver here is sans-IO: ``dataReceived(bytes)`` calls the receiver's callbacks
(``lineReceived``, ``stringReceived`` ...) and writes to ``self.transport``, nothing else,
so it behaves the same on a real connection and on a StringTransport.

They deliver the same callbacks whatever the chunking of the input (whole, byte by byte,
or anything between), and they are built for hostile peers: no receiver buffers more than
its ``MAX_LENGTH`` plus one read of unconsumed data, and none ever allocates a buffer from
a length the peer announced. Unlike Twisted's receivers they keep one buffer and scan it
forward from where the last scan stopped, so a long line arriving in small pieces, or many
lines in one read, cost linear time.

Twisted: twisted.protocols.basic.
"""

from __future__ import annotations

import logging
import struct
from collections.abc import Callable, Iterator
from typing import IO, TYPE_CHECKING, Any

from zope.interface import implementer  # type: ignore[import-untyped, unused-ignore]

from twistlike.defer import Deferred
from twistlike.interfaces import IProducer
from twistlike.protocol import Protocol

__all__ = [
    "FileSender",
    "IncompleteNetstring",
    "Int8StringReceiver",
    "Int16StringReceiver",
    "Int32StringReceiver",
    "IntNStringReceiver",
    "LineOnlyReceiver",
    "LineReceiver",
    "NetstringParseError",
    "NetstringReceiver",
    "StatefulStringProtocol",
    "StringTooLongError",
]

_log = logging.getLogger("twistlike.basic")


class _PauseableMixin:
    """Pausing delivery: the receiver is also the push producer its transport sees.

    While ``paused`` the receiver only buffers; ``resumeProducing()`` delivers what was
    buffered, then lets the transport read again.
    """

    paused: bool = False
    transport: Any

    if TYPE_CHECKING:

        def dataReceived(self, data: bytes) -> Any: ...

    def pauseProducing(self) -> None:
        """Stop delivering callbacks and pause the transport.

        Twisted: twisted.protocols.basic.LineReceiver.pauseProducing.
        """
        self.paused = True
        self.transport.pauseProducing()

    def resumeProducing(self) -> None:
        """Resume the transport and deliver everything buffered meanwhile.

        Twisted: twisted.protocols.basic.LineReceiver.resumeProducing.
        """
        self.paused = False
        self.transport.resumeProducing()
        self.dataReceived(b"")

    def stopProducing(self) -> None:
        """Stop delivering callbacks for good and stop the transport.

        Twisted: twisted.protocols.basic.LineReceiver.stopProducing.
        """
        self.paused = True
        self.transport.stopProducing()


# Lines.


class LineReceiver(Protocol, _PauseableMixin):
    """Receives lines (``lineReceived``) or raw data (``rawDataReceived``), by mode.

    Lines are delivered one at a time, so a callback that changes ``delimiter``,
    ``MAX_LENGTH`` or the mode (``setRawMode``, ``setLineMode``) changes how the rest of
    the buffered data is read. Delivery stops for this call when ``lineReceived`` or
    ``rawDataReceived`` returns a true value (which ``dataReceived`` returns), or when
    the transport is disconnecting after a line. A ``dataReceived`` call made from inside
    a callback only buffers its data; the running call delivers it.

    A line longer than ``MAX_LENGTH`` (or ``MAX_LENGTH + len(delimiter)`` bytes without a
    delimiter) clears the buffer and calls ``lineLengthExceeded`` with what was buffered;
    by default that drops the connection.

    Attributes:
        delimiter: The line separator (default ``b"\\r\\n"``).
        MAX_LENGTH: The longest line accepted, delimiter excluded (default 16384).
        line_mode: 1 in line mode, 0 in raw mode.
        paused: True between ``pauseProducing`` and ``resumeProducing``.

    Twisted: twisted.protocols.basic.LineReceiver.
    """

    line_mode: int = 1
    delimiter = b"\r\n"
    MAX_LENGTH = 16384

    _busyReceiving = False
    # While a call delivers lines, the unconsumed input is: the lines not delivered yet
    # (``_lines``, an iterator over one split() of the buffer), the incomplete ``_tail``
    # after them, then ``_more``. Rebuilding the rest from those (``_delim.join``) is only
    # needed when a callback changes the mode or delimiter, clears the buffer or stops
    # delivery, so each line costs one step of split()'s output, not a copy of the rest
    # of the buffer. Between calls ``_more`` holds everything unconsumed (an incomplete
    # line, or data held back by a pause); as a bytearray it grows in amortised linear
    # time when a long line arrives in small pieces.
    _lines: Iterator[bytes] | None = None
    _tail = b""
    _delim = b""
    _more: bytearray | None = None
    # ``_more[:_scanned]`` holds no start of ``_scanDelim``: the next search begins there.
    _scanned = 0
    _scanDelim = b""

    def _materialize(self) -> bytearray:
        """Copy the per-line settings from the class into the instance, on the first call.

        The loops read ``line_mode``, ``delimiter``, ``MAX_LENGTH`` and ``paused`` for every
        line (a callback may change them); on CPython 3.11 an instance attribute is read
        several times faster than a class attribute. Properties and other descriptors are
        left alone.
        """
        cls = type(self)
        for name in ("line_mode", "delimiter", "MAX_LENGTH", "paused", "_busyReceiving"):
            value = getattr(cls, name)
            # Not ``self.__dict__``: touching it makes CPython drop its fast attribute
            # layout for this instance.
            if not hasattr(type(value), "__get__") and getattr(self, name) is value:
                setattr(self, name, value)
        more = self._more = bytearray()
        return more

    def _takeRest(self) -> bytes:
        """Remove and return all unconsumed input."""
        lines = self._lines
        if lines is None:
            rest = self._tail
        else:
            self._lines = None
            rest = self._delim.join([*lines, self._tail])
        self._tail = b""
        more = self._more
        if more:
            rest += more
            del more[:]
        self._scanned = 0
        return rest

    def clearLineBuffer(self) -> bytes:
        """Discard the buffered data and return it.

        Called from ``lineReceived``, this returns the data after the current line, which
        is then not delivered as lines.

        Twisted: twisted.protocols.basic.LineReceiver.clearLineBuffer.
        """
        return self._takeRest()

    def dataReceived(self, data: bytes) -> Any:
        """Buffer ``data`` and deliver each complete line (or the raw data, in raw mode).

        Returns the true value a callback returned to stop delivery, or the result of
        ``lineLengthExceeded``; None otherwise.

        Twisted: twisted.protocols.basic.LineReceiver.dataReceived.
        """
        more = self._more
        if more is None:
            more = self._materialize()
        if self._busyReceiving or self.paused:
            # Re-entrant call, or paused: only buffer.
            if not more:
                self._scanned = 0
            more += data
            return None
        if more:
            more += data
            if self.line_mode:
                # An incomplete line is waiting: look for a delimiter in the new bytes only
                # and return at once if the line is still incomplete and not too long.
                delim = self.delimiter
                scanFrom = self._scanned if delim == self._scanDelim else 0
                if (not delim or more.find(delim, scanFrom) < 0) and len(more) < (
                    self.MAX_LENGTH + len(delim)
                ):
                    self._scanned = max(len(more) - len(delim) + 1, 0)
                    self._scanDelim = delim
                    return None
            data = bytes(more)
            del more[:]
            self._scanned = 0
        elif self.line_mode:
            # The common case of exactly one whole line: deliver it without the bookkeeping
            # that the rest of a buffer needs.
            delim = self.delimiter
            if delim:
                line, found, rest = data.partition(delim)
                if found and not rest and len(line) <= self.MAX_LENGTH:
                    self._busyReceiving = True
                    try:
                        why = self.lineReceived(line)
                    finally:
                        self._busyReceiving = False
                    if why:
                        return why
                    if more or why is not None:
                        # Data came in re-entrantly, or a false value other than None was
                        # returned (which Twisted passes on if the transport is closing).
                        transport = self.transport
                        if transport and transport.disconnecting:
                            return why
                        if more:
                            return self.dataReceived(b"")
                    return None
        return self._deliver(data)

    def _deliver(self, buf: bytes) -> Any:
        """Deliver what ``buf`` followed by ``_more`` holds, as lines or raw data."""
        self._busyReceiving = True
        try:
            while True:
                if not buf or self.paused:
                    self._tail = buf
                    return None
                if not self.line_mode:
                    why = self.rawDataReceived(buf)
                    buf = self._takeRest()
                    if why:
                        self._tail = buf
                        return why
                    continue
                delim = self.delimiter
                lines = buf.split(delim) if delim else [buf]
                tail = lines.pop()
                if not lines:
                    # No complete line in the whole buffer.
                    if len(buf) >= self.MAX_LENGTH + len(delim):
                        return self.lineLengthExceeded(buf)
                    self._tail = buf
                    self._scanned = max(len(buf) - len(delim) + 1, 0)
                    self._scanDelim = delim
                    return None
                self._lines = it = iter(lines)
                self._tail = tail
                self._delim = delim
                maxLength = self.MAX_LENGTH
                # No line of a buffer this short can be too long (while MAX_LENGTH stays).
                short = len(buf) <= maxLength
                for line in it:
                    if not short and len(line) > maxLength:
                        exceeded = delim.join([line, self._takeRest()])
                        return self.lineLengthExceeded(exceeded)
                    why = self.lineReceived(line)
                    # One test for everything that can end this batch of lines; the
                    # branch below tells the cases apart, in Twisted's order. (A missing
                    # transport raises AttributeError here and takes that branch too.)
                    try:
                        if not (
                            why
                            or self.transport.disconnecting
                            or self.paused
                            or not self.line_mode
                            or self.delimiter is not delim
                            or self.MAX_LENGTH is not maxLength
                        ):
                            continue
                    except AttributeError:
                        pass
                    transport = self.transport
                    if why or (transport and transport.disconnecting):
                        self._tail = self._takeRest()
                        return why
                    if (
                        self.paused
                        or not self.line_mode
                        or self.delimiter is not delim
                        or self.MAX_LENGTH is not maxLength
                    ):
                        # Read the rest again under the new settings (or stop, if paused).
                        buf = self._takeRest()
                        break
                    # Only the transport was missing: go on with this batch.
                else:
                    # All lines delivered (or the buffer was cleared): go on with the
                    # incomplete tail and whatever arrived re-entrantly.
                    self._lines = None
                    buf = self._tail
                    self._tail = b""
                    more = self._more
                    if more:
                        buf += more
                        del more[:]
        finally:
            self._busyReceiving = False
            # Whatever is left waits in ``_more`` for the next call.
            rest = self._takeRest() if self._lines is not None else self._tail
            self._tail = b""
            if rest:
                more = self._more
                if more is None:
                    self._more = bytearray(rest)
                elif more:
                    more[:0] = rest
                    self._scanned = 0
                else:
                    more += rest

    def setLineMode(self, extra: bytes = b"") -> Any:
        """Switch to line mode; ``extra`` (unconsumed data from raw mode) is read as lines.

        Twisted: twisted.protocols.basic.LineReceiver.setLineMode.
        """
        self.line_mode = 1
        if extra:
            return self.dataReceived(extra)
        return None

    def setRawMode(self) -> None:
        """Switch to raw mode: further data goes to ``rawDataReceived``.

        Twisted: twisted.protocols.basic.LineReceiver.setRawMode.
        """
        self.line_mode = 0

    def rawDataReceived(self, data: bytes) -> object:
        """Called with the data received in raw mode; override it.

        Twisted: twisted.protocols.basic.LineReceiver.rawDataReceived.
        """
        raise NotImplementedError

    def lineReceived(self, line: bytes) -> object:
        """Called with each line, delimiter removed; override it.

        A true return value stops delivery of the rest of the buffer for now.

        Twisted: twisted.protocols.basic.LineReceiver.lineReceived.
        """
        raise NotImplementedError

    def sendLine(self, line: bytes) -> Any:
        """Write ``line`` followed by the delimiter to the transport.

        Twisted: twisted.protocols.basic.LineReceiver.sendLine.
        """
        return self.transport.write(line + self.delimiter)

    def lineLengthExceeded(self, line: bytes) -> Any:
        """Called with the buffered data when a line is too long; drops the connection.

        ``line`` starts with (part of) the over-long line and may hold more after it.

        Twisted: twisted.protocols.basic.LineReceiver.lineLengthExceeded.
        """
        return self.transport.loseConnection()


class LineOnlyReceiver(Protocol):
    """Receives lines only (no raw mode), a simpler LineReceiver.

    The lines of one ``dataReceived`` call are cut with the delimiter in force when the
    call starts. Before each line the transport is checked: once it is disconnecting no
    more lines are delivered. A line longer than ``MAX_LENGTH``, or more than
    ``MAX_LENGTH`` bytes without a delimiter, calls ``lineLengthExceeded`` (which drops
    the connection) and ends the call.

    Twisted: twisted.protocols.basic.LineOnlyReceiver.
    """

    delimiter = b"\r\n"
    MAX_LENGTH = 16384

    # An incomplete line waits here; ``_more[:_scanned]`` holds no start of ``_scanDelim``.
    _more: bytearray | None = None
    _scanned = 0
    _scanDelim = b""

    def dataReceived(self, data: bytes) -> Any:
        """Deliver each complete line of the buffered data plus ``data``.

        Twisted: twisted.protocols.basic.LineOnlyReceiver.dataReceived.
        """
        delim = self.delimiter
        more = self._more
        if more:
            more += data
            scanFrom = self._scanned if delim == self._scanDelim else 0
            if more.find(delim, scanFrom) < 0:
                # Still no complete line: keep buffering.
                self._scanned = max(len(more) - len(delim) + 1, 0)
                self._scanDelim = delim
                if len(more) > self.MAX_LENGTH:
                    return self.lineLengthExceeded(bytes(more))
                return None
            buf = bytes(more)
        else:
            buf = data
        # split() rather than repeated find(): it cuts at the same places as Twisted for a
        # delimiter that can overlap itself (b"aa" in b"aaa").
        lines = buf.split(delim)
        rest = lines.pop()
        # The incomplete rest is buffered before any line is delivered, so a re-entrant
        # dataReceived call continues from it.
        if more is None:
            more = self._more = bytearray(rest)
        else:
            more[:] = rest
        self._scanned = 0
        for line in lines:
            if self.transport.disconnecting:
                return None
            if len(line) > self.MAX_LENGTH:
                return self.lineLengthExceeded(line)
            self.lineReceived(line)
        more = self._more
        if more is not None and len(more) > self.MAX_LENGTH:
            return self.lineLengthExceeded(bytes(more))
        return None

    def lineReceived(self, line: bytes) -> object:
        """Called with each line, delimiter removed; override it.

        Twisted: twisted.protocols.basic.LineOnlyReceiver.lineReceived.
        """
        raise NotImplementedError

    def sendLine(self, line: bytes) -> Any:
        """Write ``line`` and the delimiter to the transport (with one ``writeSequence``).

        Twisted: twisted.protocols.basic.LineOnlyReceiver.sendLine.
        """
        return self.transport.writeSequence((line, self.delimiter))

    def lineLengthExceeded(self, line: bytes) -> Any:
        """Called with an over-long line (or incomplete buffer); drops the connection.

        Twisted: twisted.protocols.basic.LineOnlyReceiver.lineLengthExceeded.
        """
        return self.transport.loseConnection()


# Length-prefixed strings.


class StringTooLongError(AssertionError):
    """``sendString`` was given a string too long for the length prefix.

    Twisted: twisted.protocols.basic.StringTooLongError.
    """


class _ChunkStash:
    """The input stash IntNStringReceiver and NetstringReceiver share.

    Bytes that cannot be parsed yet wait in ``_parts`` (``_partsLength`` bytes in all) and
    are joined only once ``_need`` bytes are there, so a large string that arrives in many
    small chunks costs one join instead of one per chunk. While ``dataReceived`` is running
    (``_busyReceiving``), a re-entrant call only stashes its data; the running call parses it
    next, in order.
    """

    _busyReceiving = False
    _parts: list[bytes] | None = None
    _partsLength = 0
    _need = 0

    def _stash(self, data: bytes) -> bool:
        """Add ``data`` to the stash; True when there is nothing to parse yet (a re-entrant
        call, or fewer than ``_need`` bytes)."""
        parts = self._parts
        if parts is None:
            self._parts = [data]
        else:
            parts.append(data)
        self._partsLength += len(data)
        return self._busyReceiving or self._partsLength < self._need

    def _take_stash(self) -> bytes:
        """Return the stashed bytes, joined, and empty the stash."""
        parts = self._parts
        self._parts = None
        self._partsLength = 0
        return b"".join(parts) if parts else b""

    def _stash_rest(self, rest: bytes, need: int) -> None:
        """At the end of a call: keep the unparsed ``rest``; parse again at ``need`` bytes."""
        self._parts = [rest]
        self._partsLength = len(rest)
        self._need = need

    def _reset_stash(self) -> None:
        """Forget everything stashed."""
        self._parts = None
        self._partsLength = 0
        self._need = 0


class IntNStringReceiver(Protocol, _PauseableMixin, _ChunkStash):
    """Receives strings each prefixed by its length as a fixed-size integer.

    Subclasses set ``structFormat`` (a ``struct`` format of one unsigned integer) and
    ``prefixLength``. A prefix above ``MAX_LENGTH`` calls ``lengthLimitExceeded`` (which
    drops the connection) before any of that string is buffered. A ``dataReceived`` call
    made from inside ``stringReceived`` only buffers its data.

    Attributes:
        MAX_LENGTH: The longest string accepted (default 99999).
        recvd: The unconsumed buffered bytes; assigning it from ``stringReceived``
            replaces them.

    Twisted: twisted.protocols.basic.IntNStringReceiver.
    """

    MAX_LENGTH = 99999
    structFormat: str
    prefixLength: int

    # The unconsumed input is ``_buffer[_start:]`` followed by the stash (_ChunkStash).
    _buffer = b""
    _start = 0

    @property
    def recvd(self) -> bytes:
        """The bytes received and not yet delivered.

        Twisted: twisted.protocols.basic.IntNStringReceiver.recvd.
        """
        data = self._buffer[self._start :]
        if self._parts:
            data += b"".join(self._parts)
        return data

    @recvd.setter
    def recvd(self, value: bytes) -> None:
        self._buffer = value
        self._start = 0
        self._reset_stash()

    def stringReceived(self, string: bytes) -> None:
        """Called with each complete string, prefix removed; override it.

        Twisted: twisted.protocols.basic.IntNStringReceiver.stringReceived.
        """
        raise NotImplementedError

    def lengthLimitExceeded(self, length: int) -> None:
        """Called with a length prefix above ``MAX_LENGTH``; drops the connection.

        Twisted: twisted.protocols.basic.IntNStringReceiver.lengthLimitExceeded.
        """
        self.transport.loseConnection()

    def dataReceived(self, data: bytes) -> None:
        """Buffer ``data`` and deliver each complete string.

        Twisted: twisted.protocols.basic.IntNStringReceiver.dataReceived.
        """
        if self._busyReceiving or self._parts:
            # Divergence from Twisted: a re-entrant call only buffers its data, which the
            # running call then delivers in order; Twisted re-delivers earlier strings.
            if self._stash(data):
                return
            buf = self._buffer[self._start :] + self._take_stash()
        elif self._start < len(self._buffer):
            buf = self._buffer[self._start :] + data
        else:
            buf = data
        self._buffer = b""
        start = 0
        need = 0
        prefixLength = self.prefixLength
        unpackFrom = struct.Struct(self.structFormat).unpack_from
        self._busyReceiving = True
        try:
            while not self.paused:
                if len(buf) - start < prefixLength:
                    if self._parts:
                        buf = buf[start:] + self._take_stash()
                        start = 0
                        continue
                    need = prefixLength
                    break
                (length,) = unpackFrom(buf, start)
                if length > self.MAX_LENGTH or length < 0:
                    # The bytes from the refused prefix on stay buffered (``recvd``).
                    # Divergence from Twisted: Twisted keeps the strings already delivered
                    # from this chunk too and delivers them again on the next call; and it
                    # loops forever on a negative length from a signed structFormat, which
                    # counts as too long here.
                    self._buffer = buf
                    self._start = start
                    self.lengthLimitExceeded(length)
                    buf = self._buffer
                    start = self._start
                    break
                end = start + prefixLength + length
                if end > len(buf):
                    if self._parts:
                        buf = buf[start:] + self._take_stash()
                        start = 0
                        continue
                    need = end - start
                    break
                string = buf[start + prefixLength : end]
                self._buffer = buf
                self._start = start = end
                self.stringReceived(string)
                # ``recvd`` may have been replaced.
                buf = self._buffer
                start = self._start
        finally:
            self._busyReceiving = False
            if self._parts:
                # Bytes that arrived re-entrantly wait behind the unconsumed ones.
                self._buffer = buf
                self._start = start
                self._need = 0
            elif start < len(buf):
                self._buffer = b""
                self._start = 0
                self._stash_rest(buf[start:], need)
            else:
                self._buffer = b""
                self._start = 0

    def sendString(self, string: bytes) -> None:
        """Write ``string`` with its length prefix; StringTooLongError if it cannot fit.

        Twisted: twisted.protocols.basic.IntNStringReceiver.sendString.
        """
        limit = 2 ** (8 * self.prefixLength)
        if len(string) >= limit:
            raise StringTooLongError(f"Try to send {len(string)} bytes whereas maximum is {limit}")
        self.transport.write(struct.pack(self.structFormat, len(string)) + string)


class Int32StringReceiver(IntNStringReceiver):
    """Receives strings prefixed by a 32-bit unsigned big-endian length.

    Twisted: twisted.protocols.basic.Int32StringReceiver.
    """

    structFormat = "!I"
    prefixLength = struct.calcsize(structFormat)


class Int16StringReceiver(IntNStringReceiver):
    """Receives strings prefixed by a 16-bit unsigned big-endian length.

    Twisted: twisted.protocols.basic.Int16StringReceiver.
    """

    structFormat = "!H"
    prefixLength = struct.calcsize(structFormat)


class Int8StringReceiver(IntNStringReceiver):
    """Receives strings prefixed by an 8-bit unsigned length.

    Twisted: twisted.protocols.basic.Int8StringReceiver.
    """

    structFormat = "!B"
    prefixLength = struct.calcsize(structFormat)


# Netstrings.


class NetstringParseError(ValueError):
    """The received data is not a valid netstring.

    Twisted: twisted.protocols.basic.NetstringParseError.
    """


class IncompleteNetstring(Exception):
    """Not enough data has arrived to complete a netstring.

    Twisted: twisted.protocols.basic.IncompleteNetstring.
    """


_DIGITS = frozenset(b"0123456789")
_COLON = ord(":")
_COMMA = ord(",")
_NEWLINE = ord("\n")


class NetstringReceiver(Protocol, _ChunkStash):
    """Receives and sends netstrings (``b"5:hello,"``; see cr.yp.to/proto/netstrings.txt).

    A malformed netstring (a length that is not decimal digits, has a leading zero or is
    above ``MAX_LENGTH``, or a payload not followed by a comma) drops the connection and
    sets ``brokenPeer``; from then on no more strings are delivered. Lengths are refused
    as soon as their digits show they are too big, before the payload arrives.

    Attributes:
        MAX_LENGTH: The longest payload accepted (default 99999).
        brokenPeer: 1 once the peer sent malformed data, else 0.

    Twisted: twisted.protocols.basic.NetstringReceiver.
    """

    MAX_LENGTH = 99999
    brokenPeer: int = 0

    _PARSING_LENGTH = 0
    _PARSING_PAYLOAD = 1

    _state = _PARSING_LENGTH
    # The unconsumed input is ``_buffer[_start:]`` followed by the stash (_ChunkStash).
    _buffer = b""
    _start = 0
    # The payload length plus one (the comma) of the netstring being read, and the same
    # for the length ``_parseLength`` has just parsed.
    _expectedPayloadSize = 0
    _payloadSize = 0
    # After a parse error: whether malformed bytes are still buffered. Twisted keeps them
    # and fails again on every later call that has any; only that fact is kept here.
    _broken = False
    _brokenData = False

    def makeConnection(self, transport: Any) -> None:
        """Attach to ``transport``, then reset the parser.

        Twisted: twisted.protocols.basic.NetstringReceiver.makeConnection.
        """
        Protocol.makeConnection(self, transport)
        self._state = self._PARSING_LENGTH
        self._buffer = b""
        self._start = 0
        self._reset_stash()
        self._expectedPayloadSize = 0
        self._broken = False
        self._brokenData = False
        self.brokenPeer = 0

    def sendString(self, string: bytes) -> None:
        """Write ``string`` as a netstring.

        Twisted: twisted.protocols.basic.NetstringReceiver.sendString.
        """
        self.transport.write(b"".join((b"%d:" % len(string), string, b",")))

    def stringReceived(self, string: bytes) -> None:
        """Called with the payload of each netstring; override it.

        Twisted: twisted.protocols.basic.NetstringReceiver.stringReceived.
        """
        raise NotImplementedError()

    def dataReceived(self, data: bytes) -> None:
        """Buffer ``data`` and deliver each complete netstring.

        Twisted: twisted.protocols.basic.NetstringReceiver.dataReceived.
        """
        if self._broken:
            if data:
                self._brokenData = True
            if self._brokenData:
                self._handleParseError()
            return
        if self._busyReceiving or self._parts:
            # A re-entrant call only buffers; the running call delivers its strings next,
            # the same order Twisted's nested processing produces.
            if self._stash(data):
                return
            buf = self._take_stash()
        else:
            buf = data
        start = 0
        need = 0
        self._busyReceiving = True
        try:
            while True:
                if start >= len(buf):
                    if self._parts:
                        buf = self._take_stash()
                        start = 0
                        continue
                    break
                if self._state == self._PARSING_LENGTH:
                    result = self._parseLength(buf, start)
                    if result is None:
                        if self._parts:
                            buf = buf[start:] + self._take_stash()
                            start = 0
                            continue
                        # Incomplete length: the next byte may complete it.
                        need = len(buf) - start + 1
                        break
                    if result < 0:
                        self._broken = True
                        self._brokenData = True
                        self._handleParseError()
                        break
                    start, self._expectedPayloadSize = result, self._payloadSize
                    self._state = self._PARSING_PAYLOAD
                end = start + self._expectedPayloadSize
                if end > len(buf):
                    if self._parts:
                        buf = buf[start:] + self._take_stash()
                        start = 0
                        continue
                    need = end - start
                    break
                if buf[end - 1] != _COMMA:
                    self._broken = True
                    self._brokenData = end < len(buf) or bool(self._parts)
                    self._handleParseError()
                    break
                self._state = self._PARSING_LENGTH
                string = buf[start : end - 1]
                start = end
                self.stringReceived(string)
        finally:
            self._busyReceiving = False
            if self._broken:
                self._buffer = b""
                self._start = 0
                self._take_stash()
            elif self._parts:
                self._parts[:0] = [buf[start:]]
                self._partsLength += len(buf) - start
                self._need = 0
            elif start < len(buf):
                self._stash_rest(buf[start:], need)

    def _parseLength(self, buf: bytes, start: int) -> int | None:
        """Parse the length at ``buf[start:]``, as Twisted's regular expressions do.

        Returns the offset of the payload (and sets ``_payloadSize``), None when the
        digits so far may still become a valid length, or -1 when the data is malformed.
        """
        end = len(buf)
        # More digits than MAX_LENGTH has mean the length is too big: never scan (or
        # convert) more than that, whatever the peer sends.
        maxDigits = len(str(self.MAX_LENGTH))
        pos = start
        limit = min(end, start + maxDigits + 1)
        while pos < limit and buf[pos] in _DIGITS:
            pos += 1
        digits = pos - start
        if digits == 0 or (digits > 1 and buf[start] == 0x30):
            # No length at all, or a leading zero.
            return -1
        if digits > maxDigits or int(buf[start:pos]) > self.MAX_LENGTH:
            return -1
        if pos == end:
            return None
        if buf[pos] == _COLON:
            self._payloadSize = int(buf[start:pos]) + 1
            return pos + 1
        if buf[pos] == _NEWLINE and pos + 1 == end:
            # Twisted's partial-length pattern ends with "$", which also matches before a
            # final newline: digits followed by b"\n" only fail once more data arrives.
            return None
        return -1

    def _handleParseError(self) -> None:
        """Drop the connection and mark the peer as broken.

        Twisted: twisted.protocols.basic.NetstringReceiver._handleParseError.
        """
        self.transport.loseConnection()
        self.brokenPeer = 1


class StatefulStringProtocol:
    """Mixin dispatching each received string to ``proto_<state>``, by the current state.

    Each ``proto_*`` method returns the next state; the state ``"done"`` drops the
    connection. A state without a method is logged (INFO, logger ``"twistlike.basic"``)
    and the string is dropped.

    Attributes:
        state: The current state (initially ``"init"``, so ``proto_init`` runs first).

    Twisted: twisted.protocols.basic.StatefulStringProtocol.
    """

    state: str = "init"
    transport: Any

    def stringReceived(self, string: bytes) -> None:
        """Call ``proto_<state>(string)`` and make its result the new state.

        Twisted: twisted.protocols.basic.StatefulStringProtocol.stringReceived.
        """
        try:
            handler: Callable[[bytes], str] = getattr(self, "proto_" + self.state)
        except AttributeError:
            _log.info("callback %s not found", self.state)
        else:
            self.state = handler(string)
            if self.state == "done":
                self.transport.loseConnection()


@implementer(IProducer)
class FileSender:
    """A pull producer that writes the contents of a file into a consumer.

    Twisted: twisted.protocols.basic.FileSender.
    """

    CHUNK_SIZE = 2**14

    # Twisted's initial value is the str "", which is what the Deferred fires with for an
    # empty file; kept for compatibility.
    lastSent: bytes | str = ""
    deferred: Deferred[bytes | str] | None = None
    file: IO[bytes] | None
    consumer: Any
    transform: Callable[[bytes], bytes] | None

    def beginFileTransfer(
        self,
        file: IO[bytes],
        consumer: Any,
        transform: Callable[[bytes], bytes] | None = None,
    ) -> Deferred[bytes | str]:
        """Register with ``consumer`` as a pull producer and send it ``file``'s contents.

        Args:
            file: A binary file object to read from.
            consumer: The IConsumer provider to write to.
            transform: Applied to each chunk read before it is written.

        Returns:
            A Deferred that fires with the last byte written once the whole file was
            written, or fails if the consumer stops the transfer.

        Twisted: twisted.protocols.basic.FileSender.beginFileTransfer.
        """
        self.file = file
        self.consumer = consumer
        self.transform = transform
        deferred: Deferred[bytes | str] = Deferred()
        self.deferred = deferred
        self.consumer.registerProducer(self, False)
        return deferred

    def resumeProducing(self) -> None:
        """Write the next chunk; at the end of the file unregister and fire the Deferred.

        Twisted: twisted.protocols.basic.FileSender.resumeProducing.
        """
        chunk = b""
        if self.file:
            chunk = self.file.read(self.CHUNK_SIZE)
        if not chunk:
            self.file = None
            self.consumer.unregisterProducer()
            if self.deferred:
                self.deferred.callback(self.lastSent)
                self.deferred = None
            return
        if self.transform:
            chunk = self.transform(chunk)
        self.consumer.write(chunk)
        self.lastSent = chunk[-1:]

    def pauseProducing(self) -> None:
        """Nothing to do: a pull producer only writes when asked.

        Twisted: twisted.protocols.basic.FileSender.pauseProducing.
        """

    def stopProducing(self) -> None:
        """Fail the Deferred: the consumer asked to stop.

        Twisted: twisted.protocols.basic.FileSender.stopProducing.
        """
        if self.deferred:
            self.deferred.errback(Exception("Consumer asked us to stop producing"))
            self.deferred = None


if not TYPE_CHECKING:
    # (Hidden from type checkers, which would otherwise accept any name from this module.)

    def __getattr__(name: str) -> object:
        # A Twisted name twistlike does not provide fails with the reason (docs/missing.md).
        from twistlike._porting.missing import missing_name_error

        raise missing_name_error(__name__, name)

"""Tests for twistlike.testing: StringTransport and the helper protocols and producers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.internet import testing as ttesting
from zope.interface.verify import verifyObject  # type: ignore[import-untyped, unused-ignore]

from twistlike import error
from twistlike.address import IPv4Address, UNIXAddress
from twistlike.defer import Deferred
from twistlike.failure import Failure
from twistlike.interfaces import IConsumer, IPushProducer, ITransport
from twistlike.protocol import Factory, Protocol, connectionDone
from twistlike.testing import (
    AccumulatingProtocol,
    LineSendingProtocol,
    NonStreamingProducer,
    StringIOWithoutClosing,
    StringTransport,
    StringTransportWithDisconnection,
)

_operations = st.lists(
    st.one_of(
        st.tuples(st.just("write"), st.sampled_from([b"", b"abc", "text", bytearray(b"x")])),
        st.tuples(st.just("writeSequence"), st.sampled_from([[b"a", b"b"], [], [b"c"]])),
        st.just(("clear",)),
        st.just(("loseConnection",)),
        st.just(("abortConnection",)),
        st.just(("registerProducer", True)),
        st.just(("registerProducer", False)),
        st.just(("unregisterProducer",)),
        st.just(("pauseProducing",)),
        st.just(("resumeProducing",)),
        st.just(("stopProducing",)),
    ),
    max_size=12,
)


def _apply(transport: Any, operations: list[tuple[Any, ...]]) -> list[object]:
    """Run ``operations`` on ``transport``; record outcomes and state after each."""
    producer = object()
    record: list[object] = []
    for operation in operations:
        name, *args = operation
        if name == "registerProducer":
            args = [producer, args[0]]
        try:
            getattr(transport, name)(*args)
            outcome: object = "ok"
        except Exception as e:
            outcome = (type(e).__name__, str(e))
        record.append(
            (
                outcome,
                transport.value(),
                transport.disconnecting,
                transport.disconnected,
                transport.connected,
                transport.producer is producer,
                transport.streaming,
                transport.producerState,
            )
        )
    return record


@settings(max_examples=200, deadline=None)
@given(operations=_operations, lenient=st.booleans())
def test_string_transport_matches_twisted(operations: list[tuple[Any, ...]], lenient: bool) -> None:
    """Any sequence of transport, consumer and producer calls has the same results, errors
    and state on StringTransport as on Twisted's."""
    ours = _apply(StringTransport(lenient=lenient), operations)
    theirs = _apply(ttesting.StringTransport(lenient=lenient), operations)  # type: ignore[no-untyped-call]
    assert ours == theirs


def test_string_transport_value_and_clear() -> None:
    """value() returns everything written since the last clear()."""
    transport = StringTransport()
    transport.write(b"ab")
    transport.writeSequence([b"c", b"d"])
    assert transport.value() == b"abcd"
    assert transport.io.getvalue() == b"abcd"
    transport.clear()
    assert transport.value() == b""


def test_string_transport_refuses_text() -> None:
    """write() of anything but bytes raises TypeError."""
    transport = StringTransport()
    with pytest.raises(TypeError, match="Data must be bytes"):
        transport.write("text")  # type: ignore[arg-type]


def test_string_transport_flags() -> None:
    """loseConnection sets disconnecting; abortConnection sets disconnected too."""
    transport = StringTransport()
    assert (transport.connected, transport.disconnecting, transport.disconnected) == (
        True,
        False,
        False,
    )
    transport.loseConnection()
    assert transport.disconnecting and not transport.disconnected
    aborted = StringTransport()
    aborted.abortConnection()
    assert aborted.disconnecting and aborted.disconnected


def test_string_transport_addresses() -> None:
    """getHost/getPeer return the given addresses, or Twisted's default IPv4 addresses."""
    transport = StringTransport()
    assert transport.getHost() == IPv4Address("TCP", "10.0.0.1", 12345)
    assert transport.getPeer() == IPv4Address("TCP", "192.168.1.1", 54321)
    host, peer = UNIXAddress(b"/h"), UNIXAddress(b"/p")
    given_ = StringTransport(hostAddress=host, peerAddress=peer)
    assert given_.getHost() is host
    assert given_.getPeer() is peer


def test_string_transport_provides_interfaces() -> None:
    """StringTransport provides ITransport, IConsumer and IPushProducer."""
    transport = StringTransport()
    for interface in (ITransport, IConsumer, IPushProducer):
        assert verifyObject(interface, transport)


def test_string_transport_with_disconnection() -> None:
    """Its first loseConnection calls the protocol's connectionLost with
    ConnectionDone("Bye."); later calls do nothing."""
    reasons: list[Failure] = []

    class Losing(Protocol):
        def connectionLost(self, reason: Failure = connectionDone) -> None:
            reasons.append(reason)

    transport = StringTransportWithDisconnection()
    transport.protocol = Losing()
    transport.loseConnection()
    transport.loseConnection()
    assert not transport.connected
    assert len(reasons) == 1
    assert reasons[0].check(error.ConnectionDone)
    # Twisted's own message, with its doubled full stop.
    assert reasons[0].getErrorMessage() == "Connection was closed cleanly: Bye.."


def test_accumulating_protocol() -> None:
    """AccumulatingProtocol keeps data, records connection events and fires its Deferreds."""
    made: list[object] = []
    closed: list[object] = []
    factory: Factory[AccumulatingProtocol] = Factory.forProtocol(AccumulatingProtocol)
    connected: Deferred[AccumulatingProtocol] = Deferred()
    connected.addCallback(made.append)
    factory.protocolConnectionMade = connected  # type: ignore[attr-defined]
    proto = factory.buildProtocol(None)
    assert proto is not None
    proto.closedDeferred = Deferred()
    proto.closedDeferred.addCallback(closed.append)
    proto.makeConnection(StringTransport())
    assert proto.made == 1
    assert made == [proto]
    assert factory.protocolConnectionMade is None  # type: ignore[attr-defined]
    proto.dataReceived(b"ab")
    proto.dataReceived(b"c")
    assert proto.data == b"abc"
    reason = Failure(error.ConnectionLost())
    proto.connectionLost(reason)
    assert (proto.closed, proto.closedReason) == (1, reason)
    assert closed == [None]


def test_accumulating_protocol_with_plain_factory() -> None:
    """A factory without protocolConnectionMade is accepted.

    Divergence from Twisted: Twisted raises AttributeError from connectionMade.
    """
    proto = Factory.forProtocol(AccumulatingProtocol).buildProtocol(None)
    assert proto is not None
    proto.makeConnection(StringTransport())
    assert proto.made == 1


def test_line_sending_protocol_sends_on_connect() -> None:
    """With start true the lines are sent on connection and replies are collected."""
    proto = LineSendingProtocol([b"one", b"two"])
    transport = StringTransport()
    proto.makeConnection(transport)
    assert transport.value() == b"one\r\ntwo\r\n"
    proto.dataReceived(b"reply\r\n")
    assert proto.response == [b"reply"]
    proto.connectionLost(Failure(error.ConnectionDone()))
    assert proto.lostConn


def test_line_sending_protocol_answers_first_line() -> None:
    """With start false the lines are sent in answer to the first line received."""
    proto = LineSendingProtocol([b"hello"], start=False)
    transport = StringTransport()
    proto.makeConnection(transport)
    assert transport.value() == b""
    proto.dataReceived(b"hi\r\nagain\r\n")
    assert transport.value() == b"hello\r\n"
    assert proto.response == [b"hi", b"again"]


def test_non_streaming_producer() -> None:
    """NonStreamingProducer writes 0..9, one per resumeProducing, then unregisters and fires
    its result; pausing or resuming it afterwards raises RuntimeError."""
    transport = StringTransport()
    producer = NonStreamingProducer(transport)
    done: list[object] = []
    producer.result.addCallback(done.append)
    transport.registerProducer(producer, False)
    while transport.producer is not None:
        producer.resumeProducing()
    assert transport.value() == b"0123456789"
    assert done == [None]
    with pytest.raises(RuntimeError):
        producer.resumeProducing()
    with pytest.raises(RuntimeError):
        producer.pauseProducing()


def test_non_streaming_producer_stop() -> None:
    """stopProducing marks the producer stopped and fires its result."""
    producer = NonStreamingProducer(StringTransport())
    done: list[object] = []
    producer.result.addCallback(done.append)
    producer.stopProducing()
    assert producer.stopped
    assert done == [None]


def test_string_io_without_closing() -> None:
    """StringIOWithoutClosing stays readable after close()."""
    buffer = StringIOWithoutClosing()
    buffer.write(b"kept")
    buffer.close()
    assert buffer.getvalue() == b"kept"

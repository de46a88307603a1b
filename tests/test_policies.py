"""Tests for twistlike.policies, on StringTransport and task.Clock (no event loop)."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.internet import task as ttask
from twisted.internet import testing as ttesting
from twisted.protocols import policies as tpolicies
from zope.interface import implementer  # type: ignore[import-untyped, unused-ignore]

from twistlike import error
from twistlike.address import IPv4Address
from twistlike.failure import Failure
from twistlike.interfaces import IConsumer, IHalfCloseableProtocol, ITransport
from twistlike.policies import (
    LimitConnectionsByPeer,
    LimitTotalConnectionsFactory,
    SpewingFactory,
    ThrottlingFactory,
    TimeoutFactory,
    TimeoutMixin,
    TrafficLoggingFactory,
    WrappingFactory,
)
from twistlike.protocol import Factory, Protocol, ServerFactory, connectionDone
from twistlike.task import Clock
from twistlike.testing import AccumulatingProtocol, StringTransport


class _Recording(Protocol):
    def __init__(self) -> None:
        self.events: list[object] = []

    def connectionMade(self) -> None:
        self.events.append(("made", self.transport))

    def dataReceived(self, data: bytes) -> None:
        self.events.append(("data", data))

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        self.events.append(("lost", reason))


@implementer(IHalfCloseableProtocol)
class _HalfCloseable(_Recording):
    def readConnectionLost(self) -> None:
        self.events.append("readConnectionLost")

    def writeConnectionLost(self) -> None:
        self.events.append("writeConnectionLost")


class _Counting(Factory[_Recording]):
    protocol = _Recording

    def __init__(self) -> None:
        self.calls: list[object] = []

    def startFactory(self) -> None:
        self.calls.append("start")

    def stopFactory(self) -> None:
        self.calls.append("stop")


def _wrapped(
    factory: WrappingFactory, transport: StringTransport | None = None
) -> tuple[Any, Any, StringTransport]:
    """Build a wrapper with ``factory`` and connect it to a transport."""
    wrapper = factory.buildProtocol(IPv4Address("TCP", "127.0.0.1", 1))
    transport = transport or StringTransport()
    wrapper.makeConnection(transport)
    return wrapper, wrapper.wrappedProtocol, transport


def test_wrapper_is_the_wrapped_protocols_transport() -> None:
    """The wrapped protocol is connected to the wrapper, which writes to the transport."""
    factory = WrappingFactory(_Counting())
    wrapper, proto, transport = _wrapped(factory)
    assert proto.events == [("made", wrapper)]
    assert factory.protocols == {wrapper: 1}
    proto.transport.write(b"a")
    proto.transport.writeSequence([b"b", b"c"])
    assert transport.value() == b"abc"
    assert proto.transport.getPeer() == transport.getPeer()
    assert proto.transport.getHost() == transport.getHost()


def test_wrapper_forwards_other_transport_methods() -> None:
    """Transport methods the wrapper does not define are looked up on the transport."""
    wrapper, _, transport = _wrapped(WrappingFactory(_Counting()))
    wrapper.pauseProducing()
    assert transport.producerState == "paused"
    wrapper.resumeProducing()
    wrapper.abortConnection()
    assert transport.disconnected
    with pytest.raises(AttributeError):
        wrapper.noSuchMethod


def test_wrapper_provides_the_transports_interfaces() -> None:
    """After connection the wrapper provides what its transport provides."""
    wrapper, _, _ = _wrapped(WrappingFactory(_Counting()))
    assert ITransport.providedBy(wrapper)
    assert IConsumer.providedBy(wrapper)


def test_wrapper_producer_registration() -> None:
    """registerProducer and unregisterProducer reach the transport."""
    wrapper, _, transport = _wrapped(WrappingFactory(_Counting()))
    producer = object()
    wrapper.registerProducer(producer, True)
    assert (transport.producer, transport.streaming) == (producer, True)
    wrapper.unregisterProducer()
    assert transport.producer is None


def test_wrapper_delivers_data_and_connection_loss() -> None:
    """Data and the loss reach the wrapped protocol; the wrapper then unregisters."""
    factory = WrappingFactory(_Counting())
    wrapper, proto, _ = _wrapped(factory)
    wrapper.dataReceived(b"hi")
    reason = Failure(error.ConnectionLost())
    wrapper.connectionLost(reason)
    assert proto.events[1:] == [("data", b"hi"), ("lost", reason)]
    assert factory.protocols == {}
    assert wrapper.wrappedProtocol is None


def test_wrapper_lose_connection() -> None:
    """loseConnection sets disconnecting on the wrapper and closes the transport."""
    wrapper, _, transport = _wrapped(WrappingFactory(_Counting()))
    assert not wrapper.disconnecting
    wrapper.loseConnection()
    assert wrapper.disconnecting
    assert transport.disconnecting


def test_wrapper_half_close() -> None:
    """A wrapper is half-closeable exactly when its wrapped protocol is, and forwards the
    half-close events (a divergence from Twisted, whose wrapper hides them)."""

    class HalfCloseableFactory(Factory[_HalfCloseable]):
        protocol = _HalfCloseable

    wrapper, proto, _ = _wrapped(WrappingFactory(HalfCloseableFactory()))
    assert IHalfCloseableProtocol.providedBy(wrapper)
    wrapper.readConnectionLost()
    wrapper.writeConnectionLost()
    assert proto.events[1:] == ["readConnectionLost", "writeConnectionLost"]
    plain, _, _ = _wrapped(WrappingFactory(_Counting()))
    assert not IHalfCloseableProtocol.providedBy(plain)


def test_wrapping_factory_passes_on_start_stop_and_client_hooks() -> None:
    """doStart/doStop and the client hooks reach the wrapped factory."""

    class Client(_Counting):
        def startedConnecting(self, connector: Any) -> None:
            self.calls.append(("started", connector))

        def clientConnectionFailed(self, connector: Any, reason: Failure) -> None:
            self.calls.append(("failed", connector))

        def clientConnectionLost(self, connector: Any, reason: Failure) -> None:
            self.calls.append(("lost", connector))

    wrapped = Client()
    factory = WrappingFactory(wrapped)
    factory.noisy = wrapped.noisy = False
    factory.doStart()
    reason = Failure(error.ConnectionRefusedError())
    factory.startedConnecting("c")
    factory.clientConnectionFailed("c", reason)
    factory.clientConnectionLost("c", reason)
    factory.doStop()
    assert wrapped.calls == ["start", ("started", "c"), ("failed", "c"), ("lost", "c"), "stop"]
    assert factory.numPorts == 0


def test_log_prefixes_match_twisted() -> None:
    """Wrapper and wrapping factory log prefixes are Twisted's."""
    from twisted.internet import protocol as tprotocol

    factory = WrappingFactory(_Counting())
    wrapper, _, _ = _wrapped(factory)
    theirFactory: Any = tpolicies.WrappingFactory(  # type: ignore[no-untyped-call]
        tprotocol.Factory.forProtocol(tprotocol.Protocol)
    )
    theirWrapper = theirFactory.buildProtocol(None)
    assert factory.logPrefix() == "_Counting (WrappingFactory)"
    assert theirFactory.logPrefix() == "Factory (WrappingFactory)"
    assert wrapper.logPrefix() == "_Recording (ProtocolWrapper)"
    assert theirWrapper.logPrefix() == "Protocol (ProtocolWrapper)"


# Throttling.


def _throttling(**kwargs: Any) -> tuple[ThrottlingFactory, Clock]:
    clock = Clock()
    factory = ThrottlingFactory(_Counting(), **kwargs)
    factory.callLater = clock.callLater  # type: ignore[method-assign, assignment]
    return factory, clock


def test_throttling_factory_limits_connections() -> None:
    """Connections beyond maxConnectionCount are refused; closing one frees a place."""
    factory, _ = _throttling(maxConnectionCount=2)
    first, _, _ = _wrapped(factory)
    _wrapped(factory)
    assert factory.buildProtocol(None) is None
    first.connectionLost(connectionDone)
    assert factory.buildProtocol(None) is not None


def test_throttling_factory_throttles_reads() -> None:
    """Reading more than readLimit in a second pauses every transport until the excess is
    paid back, then resumes them."""
    factory, clock = _throttling(readLimit=10)
    wrapper, proto, transport = _wrapped(factory)
    wrapper.dataReceived(b"x" * 30)
    assert proto.events[-1] == ("data", b"x" * 30)
    clock.advance(1)
    assert transport.producerState == "paused"
    clock.advance(1.9)
    assert transport.producerState == "paused"
    clock.advance(0.1)
    assert transport.producerState == "producing"


def test_throttling_factory_throttles_writes_through_producer() -> None:
    """Writing more than writeLimit pauses a registered producer for the excess time."""
    factory, clock = _throttling(writeLimit=10)
    wrapper, _, transport = _wrapped(factory)
    states: list[str] = []

    class Producer:
        def pauseProducing(self) -> None:
            states.append("paused")

        def resumeProducing(self) -> None:
            states.append("resumed")

        def stopProducing(self) -> None:
            states.append("stopped")

    wrapper.registerProducer(Producer(), True)
    wrapper.writeSequence([b"y" * 10, b"y" * 10])
    assert transport.value() == b"y" * 20
    clock.advance(1)
    assert states == ["paused"]
    clock.advance(1)
    assert states == ["paused", "resumed"]


def test_throttling_writes_without_producer() -> None:
    """With no producer registered, write throttling does nothing and the checks go on.

    Divergence from Twisted: Twisted's throttleWrites raises AttributeError here (it finds
    the transport's ``producer``, None).
    """
    factory, clock = _throttling(writeLimit=1)
    wrapper, _, transport = _wrapped(factory)
    wrapper.write(b"too much")
    clock.advance(1)
    assert factory.unthrottleWritesID is not None
    clock.advance(10)
    assert factory.unthrottleWritesID is None
    assert transport.value() == b"too much"
    assert factory.checkWriteBandwidthID.active()


def test_throttling_factory_stops_checking_without_connections() -> None:
    """When the last connection closes, the bandwidth checks are cancelled."""
    factory, clock = _throttling(readLimit=10, writeLimit=10)
    wrapper, _, _ = _wrapped(factory)
    assert len(clock.getDelayedCalls()) == 2
    wrapper.connectionLost(connectionDone)
    assert clock.getDelayedCalls() == []


def test_throttling_logs(caplog: pytest.LogCaptureFixture) -> None:
    """Throttling and refusing are logged at INFO on "twistlike.policies"."""
    factory, clock = _throttling(readLimit=1, maxConnectionCount=1)
    wrapper, _, _ = _wrapped(factory)
    with caplog.at_level(logging.INFO, logger="twistlike.policies"):
        wrapper.dataReceived(b"xx")
        clock.advance(1)
        factory.buildProtocol(None)
    assert f"Throttling reads on {factory}" in caplog.messages
    assert "Max connection count reached!" in caplog.messages


# Spewing and traffic logging.


def test_spewing_factory_logs_traffic(caplog: pytest.LogCaptureFixture) -> None:
    """SpewingFactory logs what is received and sent."""
    wrapper, proto, _ = _wrapped(SpewingFactory(_Counting()))
    with caplog.at_level(logging.INFO, logger="twistlike.policies"):
        wrapper.dataReceived(b"in")
        proto.transport.write(b"out")
    assert caplog.messages == ["Received: b'in'", "Sending: b'out'"]


class _MemoryTrafficLogging(TrafficLoggingFactory):
    def open(self, name: str) -> io.StringIO:
        self.opened: list[tuple[str, io.StringIO]] = getattr(self, "opened", [])
        logfile = io.StringIO()
        self.opened.append((name, logfile))
        return logfile


def test_traffic_logging_factory() -> None:
    """Each connection's events go to its own numbered log, long data elided."""
    factory = _MemoryTrafficLogging(_Counting(), "traffic", lengthLimit=20)
    wrapper, proto, _ = _wrapped(factory)
    wrapper.dataReceived(b"hello")
    proto.transport.write(b"x" * 30)
    proto.transport.writeSequence([b"a", b"b"])
    proto.transport.loseConnection()
    wrapper.connectionLost(connectionDone)
    name, logfile = factory.opened[0]
    assert name == "traffic-1"
    lines = logfile.getvalue().splitlines()
    assert lines[:5] == [
        "*",
        "C 1: b'hello'",
        "S 1: b'xxxxxxxx<... elided>'",
        "SV 1: [b'a', b'b']",
        "S 1: *",
    ]
    assert lines[5] == f"C 1: {connectionDone!r}"
    _wrapped(factory)
    assert factory.opened[1][0] == "traffic-2"
    factory.resetCounter()
    _wrapped(factory)
    assert factory.opened[2][0] == "traffic-1"


# Connection limits.


def test_limit_connections_by_peer() -> None:
    """At most maxConnectionsPerPeer connections per host; closing one frees a place."""
    factory = LimitConnectionsByPeer(_Counting())
    factory.maxConnectionsPerPeer = 2
    factory.noisy = factory.wrappedFactory.noisy = False
    factory.doStart()
    peer = IPv4Address("TCP", "10.1.1.1", 1000)
    other = IPv4Address("TCP", "10.1.1.2", 1000)
    wrappers = []
    for _ in range(2):
        wrapper = factory.buildProtocol(peer)
        wrapper.makeConnection(StringTransport(peerAddress=peer))
        wrappers.append(wrapper)
    assert factory.buildProtocol(peer) is None
    assert factory.buildProtocol(other) is not None
    wrappers[0].connectionLost(connectionDone)
    assert factory.buildProtocol(peer) is not None


def test_limit_total_connections_factory() -> None:
    """Beyond connectionLimit connections get the overflow protocol, or are refused."""

    class Overflow(Protocol):
        pass

    factory = LimitTotalConnectionsFactory()
    factory.protocol = AccumulatingProtocol
    factory.connectionLimit = 1
    first = factory.buildProtocol(None)
    first.makeConnection(StringTransport())
    assert isinstance(first.wrappedProtocol, AccumulatingProtocol)
    assert first.wrappedProtocol.factory is factory
    assert factory.buildProtocol(None) is None
    assert factory.connectionCount == 1
    factory.overflowProtocol = Overflow
    overflow = factory.buildProtocol(None)
    assert isinstance(overflow.wrappedProtocol, Overflow)
    assert factory.connectionCount == 2
    first.connectionLost(connectionDone)
    assert factory.connectionCount == 1
    assert isinstance(factory, ServerFactory)


# Timeouts.


def _timeoutFactory(period: float | None) -> tuple[TimeoutFactory, Clock]:
    clock = Clock()
    factory = TimeoutFactory(_Counting(), timeoutPeriod=period)
    factory.callLater = clock.callLater  # type: ignore[method-assign, assignment]
    return factory, clock


def test_timeout_factory_closes_idle_connections() -> None:
    """A connection with no traffic for timeoutPeriod seconds is closed."""
    factory, clock = _timeoutFactory(10)
    _, _, transport = _wrapped(factory)
    clock.advance(9.9)
    assert not transport.disconnecting
    clock.advance(0.1)
    assert transport.disconnecting


def test_timeout_factory_activity_restarts_countdown() -> None:
    """Reads and writes restart the countdown."""
    factory, clock = _timeoutFactory(10)
    wrapper, proto, transport = _wrapped(factory)
    clock.advance(8)
    wrapper.dataReceived(b"x")
    clock.advance(8)
    proto.transport.write(b"y")
    clock.advance(8)
    proto.transport.writeSequence([b"z"])
    clock.advance(8)
    assert not transport.disconnecting
    clock.advance(2)
    assert transport.disconnecting


def test_timeout_factory_connection_lost_cancels() -> None:
    """Losing the connection cancels the countdown; setTimeout(None) does too."""
    factory, clock = _timeoutFactory(10)
    wrapper, _, _ = _wrapped(factory)
    wrapper.connectionLost(connectionDone)
    assert clock.getDelayedCalls() == []
    factory, clock = _timeoutFactory(10)
    wrapper, _, transport = _wrapped(factory)
    wrapper.setTimeout(None)
    clock.advance(100)
    assert not transport.disconnecting
    wrapper.cancelTimeout()


# TimeoutMixin, against Twisted's.


def _mixinProtocol(base: type[Any], mixin: type[Any], clock: Any) -> Any:
    """A protocol with ``mixin`` whose timeouts run on ``clock`` and are recorded."""

    class Timed(mixin, base):  # type: ignore[misc]
        timedOut = 0

        def callLater(self, period: float, func: Callable[[], object]) -> Any:
            return clock.callLater(period, func)

        def timeoutConnection(self) -> None:
            self.timedOut += 1
            super().timeoutConnection()

    return Timed()


_mixinOps = st.lists(
    st.one_of(
        st.tuples(st.just("advance"), st.sampled_from([0, 0.5, 1, 3, 10])),
        st.tuples(st.just("setTimeout"), st.sampled_from([None, 0, 1, 2, 5])),
        st.just(("resetTimeout",)),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(operations=_mixinOps, initial=st.sampled_from([None, 1, 3]))
def test_timeout_mixin_matches_twisted(
    operations: list[tuple[Any, ...]], initial: float | None
) -> None:
    """TimeoutMixin times out, resets and returns previous timeouts as Twisted's does, for
    any sequence of setTimeout, resetTimeout and clock advances."""
    from twisted.internet import protocol as tprotocol

    runs = []
    for base, mixin, clockClass, transportClass in (
        (Protocol, TimeoutMixin, Clock, StringTransport),
        (tprotocol.Protocol, tpolicies.TimeoutMixin, ttask.Clock, ttesting.StringTransport),
    ):
        clock = clockClass()
        proto = _mixinProtocol(base, mixin, clock)
        transport = transportClass()
        proto.makeConnection(transport)
        record: list[object] = []
        if initial is not None:
            record.append(proto.setTimeout(initial))
        for name, *args in operations:
            if name == "advance":
                clock.advance(args[0])
            else:
                record.append(getattr(proto, name)(*args))
            record.append((proto.timedOut, transport.disconnecting, proto.timeOut))
        record.append(len(clock.getDelayedCalls()))
        runs.append(record)
    assert runs[0] == runs[1]


def test_timeout_mixin_defaults_to_closing() -> None:
    """When the countdown ends the connection is dropped; the timed call is reused by
    resetTimeout (DelayedCall.reset)."""
    clock = Clock()

    class Timed(TimeoutMixin, Protocol):
        def callLater(self, period: float, func: Callable[[], object]) -> Any:
            return clock.callLater(period, func)

    proto = Timed()
    transport = StringTransport()
    proto.makeConnection(transport)
    assert proto.setTimeout(5) is None
    (call,) = clock.getDelayedCalls()
    clock.advance(4)
    proto.resetTimeout()
    assert clock.getDelayedCalls() == [call]
    clock.advance(4)
    assert not transport.disconnecting
    clock.advance(1)
    assert transport.disconnecting
    assert proto.setTimeout(None) == 5


def test_timeout_mixin_uses_the_reactor_by_default() -> None:
    """Without an overridden callLater, the countdown is a timed call on the reactor."""
    from twistlike import reactor

    class Timed(TimeoutMixin, Protocol):
        pass

    proto = Timed()
    proto.makeConnection(StringTransport())
    before = list(reactor.getDelayedCalls())
    proto.setTimeout(60)
    try:
        (call,) = [c for c in reactor.getDelayedCalls() if c not in before]
        assert call.active()
    finally:
        proto.setTimeout(None)
    assert not call.active()

"""Tests for twistlike.testing: StringTransport, MemoryReactor, the helper protocols,
producers and observers (the in-memory connections are in test_iosim.py)."""

from __future__ import annotations

import socket
import unittest
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twisted import logger as tlogger
from twisted.internet import task as ttask
from twisted.internet import testing as ttesting
from zope.interface.verify import verifyObject  # type: ignore[import-untyped, unused-ignore]

from twistlike import error, log, testing
from twistlike._core.log import log_failure
from twistlike.address import IPv4Address, IPv6Address, UNIXAddress
from twistlike.defer import Deferred
from twistlike.failure import Failure
from twistlike.interfaces import (
    IConnector,
    IConsumer,
    IListeningPort,
    IPushProducer,
    IReactorCore,
    IReactorTCP,
    IReactorTime,
    IReactorUNIX,
    ITransport,
)
from twistlike.logger import Logger, LogLevel, formatEvent, globalLogPublisher
from twistlike.protocol import Factory, Protocol, connectionDone
from twistlike.task import Clock
from twistlike.testing import (
    AccumulatingProtocol,
    EventLoggingObserver,
    FakeDatagramTransport,
    LineSendingProtocol,
    MemoryReactor,
    MemoryReactorClock,
    NonStreamingProducer,
    RaisingMemoryReactor,
    StringIOWithoutClosing,
    StringTransport,
    StringTransportWithDisconnection,
    SynchronousResolver,
    waitUntilAllDisconnected,
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


# --------------------------------------------------------------------------------------------
# MemoryReactor, MemoryReactorClock, RaisingMemoryReactor


class _RecordingFactory:
    """A client factory that belongs to neither library: it records startedConnecting."""

    def __init__(self) -> None:
        self.started: list[object] = []

    def startedConnecting(self, connector: Any) -> None:
        self.started.append(connector)


def _address(address: Any) -> tuple[object, ...]:
    """An address of either library as a comparable tuple."""
    name = type(address).__name__
    if name == "IPv4Address":
        return (name, address.type, address.host, address.port)
    if name == "IPv6Address":
        return (name, address.type, address.host, address.port, address.flowInfo, address.scopeID)
    if name == "UNIXAddress":
        return (name, address.name)
    return (name,)


_hosts = st.sampled_from(
    ["", "127.0.0.1", "0.0.0.0", "::1", "::", "fe80::1%lo", "localhost", "1.2.3", "::g"]
)
_paths = st.sampled_from(["/tmp/sock", b"/tmp/bsock"])
_reactorCalls = st.lists(
    st.one_of(
        st.tuples(
            st.just("listenTCP"),
            st.integers(0, 65535),
            st.sampled_from([None, 5]),
            st.sampled_from([None, *["", "10.0.0.1", "::1", "fe80::1%eth0"]]),
        ),
        st.tuples(
            st.just("connectTCP"),
            _hosts,
            st.integers(0, 65535),
            st.sampled_from([None, 3]),
            st.sampled_from([None, ("127.0.0.1", 0)]),
        ),
        st.tuples(
            st.just("listenSSL"),
            st.integers(0, 65535),
            st.sampled_from([None, 7]),
            st.sampled_from([None, "::1"]),
        ),
        st.tuples(
            st.just("connectSSL"),
            _hosts,
            st.integers(0, 65535),
            st.sampled_from([None, 4.5]),
            st.sampled_from([None, ("::1", 1)]),
        ),
        st.tuples(
            st.just("listenUNIX"),
            _paths,
            st.sampled_from([None, 2]),
            st.sampled_from([None, 0o600]),
            st.sampled_from([None, 1]),
        ),
        st.tuples(
            st.just("connectUNIX"),
            _paths,
            st.sampled_from([None, 9]),
            st.sampled_from([None, True]),
        ),
        st.tuples(
            st.sampled_from(["adoptStreamPort", "adoptDatagramPort", "adoptStreamConnection"]),
            st.integers(0, 20),
            st.sampled_from([socket.AF_INET, socket.AF_INET6, socket.AF_UNIX]),
        ),
    ),
    max_size=10,
)

_KEYWORDS = {
    "listenTCP": ("backlog", "interface"),
    "connectTCP": ("timeout", "bindAddress"),
    "listenSSL": ("backlog", "interface"),
    "connectSSL": ("timeout", "bindAddress"),
    "listenUNIX": ("backlog", "mode", "wantPID"),
    "connectUNIX": ("timeout", "checkPID"),
}


def _recordCalls(reactor: Any, calls: list[tuple[Any, ...]]) -> list[object]:
    """Make ``calls`` on ``reactor``; record results, errors and the recorded tuples."""
    factory = _RecordingFactory()
    contextFactory = object()
    record: list[object] = []
    for call in calls:
        name, *args = call
        kw = {}
        if name in _KEYWORDS:
            positional = args[: len(args) - len(_KEYWORDS[name])]
            for key, value in zip(_KEYWORDS[name], args[len(positional) :], strict=True):
                if value is not None:
                    kw[key] = value
        else:
            positional = args
        if name.startswith(("listen", "connect")):
            positional.insert(2 if name.startswith("connect") else 1, factory)
            if name.endswith("SSL"):
                positional.insert(3 if name.startswith("connect") else 2, contextFactory)
        elif name == "adoptDatagramPort":
            positional.append(factory)
        else:
            positional.append(factory)
        try:
            result = getattr(reactor, name)(*positional, **kw)
            if name.startswith("connect"):
                outcome: object = ("connector", _address(result.getDestination()))
                assert factory.started[-1] is result
                assert reactor.connectors[-1] is result
            elif result is None:
                outcome = None
            else:
                outcome = ("port", _address(result.getHost()))
        except Exception as e:
            outcome = type(e).__name__
        record.append(outcome)
    for attribute in (
        "tcpServers",
        "tcpClients",
        "sslServers",
        "sslClients",
        "unixServers",
        "unixClients",
        "adoptedPorts",
        "adoptedStreamConnections",
    ):
        recorded = [
            tuple(
                "<factory>" if item is factory else "<context>" if item is contextFactory else item
                for item in entry
            )
            for entry in getattr(reactor, attribute)
        ]
        record.append((attribute, recorded))
    record.append(("connectors", len(reactor.connectors), len(factory.started)))
    return record


@settings(max_examples=200, deadline=None)
@given(calls=_reactorCalls)
def test_memory_reactor_records_like_twisted(calls: list[tuple[Any, ...]]) -> None:
    """listen*, connect* and adopt* calls record the same tuples, return ports and
    connectors with the same addresses, and raise the same errors as on Twisted's
    MemoryReactor."""
    ours = _recordCalls(MemoryReactor(), calls)
    theirs = _recordCalls(ttesting.MemoryReactor(), calls)  # type: ignore[no-untyped-call]
    assert ours == theirs


_coreCalls = st.lists(
    st.sampled_from(["run", "stop", "crash", "install", "callWhenRunning", "trigger"]),
    max_size=10,
)


def _core(reactor: Any, calls: list[str]) -> list[object]:
    """Run/stop/crash/callWhenRunning/addSystemEventTrigger on ``reactor``; record flags."""
    called: list[int] = []
    hook = called.append
    record: list[object] = []

    def calls_of(recorded: list[tuple[Any, ...]]) -> list[object]:
        return [(f is hook, args, kw) for f, args, kw in recorded]

    for number, name in enumerate(calls):
        try:
            if name == "callWhenRunning":
                reactor.callWhenRunning(hook, number)
            elif name == "trigger":
                reactor.addSystemEventTrigger(
                    ["before", "during", "after"][number % 3],
                    ["startup", "shutdown"][number % 2],
                    hook,
                    number,
                    extra=number,
                )
            else:
                getattr(reactor, name)()
            outcome: object = "ok"
        except Exception as e:
            outcome = type(e).__name__
        record.append(
            (
                outcome,
                list(called),
                reactor.running,
                reactor.hasRun,
                reactor.hasStopped,
                reactor.hasCrashed,
                reactor.hasInstalled,
                calls_of(reactor.whenRunningHooks),
                {
                    phase: {event: calls_of(entries) for event, entries in events.items()}
                    for phase, events in reactor.triggers.items()
                },
            )
        )
    return record


@settings(max_examples=200, deadline=None)
@given(calls=_coreCalls)
def test_memory_reactor_core_like_twisted(calls: list[str]) -> None:
    """run, stop, crash, install, callWhenRunning and addSystemEventTrigger set the same
    flags, call the same hooks and record the same triggers as Twisted's MemoryReactor."""
    assert _core(MemoryReactor(), calls) == _core(ttesting.MemoryReactor(), calls)  # type: ignore[no-untyped-call]


def test_memory_reactor_run_calls_hooks_then_stops() -> None:
    """run() calls the callWhenRunning hooks in order, keeps them, and leaves the reactor
    stopped; later callWhenRunning calls run at once."""
    reactor = MemoryReactor()
    seen: list[object] = []
    reactor.callWhenRunning(seen.append, 1)
    reactor.callWhenRunning(lambda **kw: seen.append(kw), a=2)
    assert seen == []
    reactor.run()
    assert seen == [1, {"a": 2}]
    assert len(reactor.whenRunningHooks) == 2
    assert (reactor.running, reactor.hasRun, reactor.hasStopped) == (False, True, True)
    reactor.callWhenRunning(seen.append, 3)
    assert seen[-1] == 3
    reactor.crash()
    assert reactor.running is None and reactor.hasCrashed
    with pytest.raises(AssertionError):
        reactor.run()


def test_memory_reactor_unimplemented_methods() -> None:
    """resolve and iterate raise NotImplementedError, as in Twisted."""
    reactor = MemoryReactor()
    with pytest.raises(NotImplementedError):
        reactor.resolve("example.com")
    with pytest.raises(NotImplementedError):
        reactor.iterate()


def test_fire_system_event_runs_triggers_in_phases() -> None:
    """fireSystemEvent runs before, during and after triggers in that order, removes them,
    and waits for a Deferred returned by a before trigger.

    Divergence from Twisted: Twisted's MemoryReactor raises NotImplementedError.
    """
    reactor = MemoryReactor()
    order: list[str] = []
    waiting: Deferred[None] = Deferred()

    def before() -> Deferred[None]:
        order.append("before")
        return waiting

    reactor.addSystemEventTrigger("after", "shutdown", order.append, "after")
    reactor.addSystemEventTrigger("during", "shutdown", order.append, "during")
    reactor.addSystemEventTrigger("before", "shutdown", before)
    reactor.addSystemEventTrigger("before", "startup", order.append, "other event")
    reactor.fireSystemEvent("shutdown")
    assert order == ["before"]
    waiting.callback(None)
    assert order == ["before", "during", "after"]
    assert reactor.triggers["before"] == {
        "shutdown": [],
        "startup": [(order.append, ("other event",), {})],
    }
    reactor.fireSystemEvent("shutdown")
    assert order == ["before", "during", "after"]


@pytest.mark.twistlike_allow_unhandled_errors
def test_fire_system_event_logs_trigger_errors(caplog: pytest.LogCaptureFixture) -> None:
    """A trigger that raises is logged and the others still run."""
    reactor = MemoryReactor()
    ran: list[str] = []

    def broken() -> None:
        raise ZeroDivisionError()

    reactor.addSystemEventTrigger("before", "shutdown", broken)
    reactor.addSystemEventTrigger("during", "shutdown", broken)
    reactor.addSystemEventTrigger("after", "shutdown", ran.append, "after")
    with caplog.at_level("ERROR", logger="twistlike.testing"):
        reactor.fireSystemEvent("shutdown")
    assert ran == ["after"]
    failures = [record.failure for record in caplog.records]  # type: ignore[attr-defined]
    assert [f.type for f in failures] == [ZeroDivisionError, ZeroDivisionError]


def test_remove_system_event_trigger() -> None:
    """removeSystemEventTrigger removes the trigger its identifier names; a second removal
    raises ValueError.

    Divergence from Twisted: Twisted's MemoryReactor raises NotImplementedError (and its
    addSystemEventTrigger returns None instead of an identifier).
    """
    reactor = MemoryReactor()
    ran: list[int] = []
    first = reactor.addSystemEventTrigger("during", "startup", ran.append, 1)
    reactor.addSystemEventTrigger("during", "startup", ran.append, 1)
    reactor.removeSystemEventTrigger(first)
    assert reactor.triggers == {"during": {"startup": [(ran.append, (1,), {})]}}
    with pytest.raises(ValueError):
        reactor.removeSystemEventTrigger(first)
    with pytest.raises(ValueError):
        reactor.removeSystemEventTrigger(("during", "nothing", (ran.append, (), {})))
    reactor.fireSystemEvent("startup")
    assert ran == [1]


def test_memory_reactor_ports_and_connectors() -> None:
    """Fake ports listen on nothing; fake connectors record stopConnecting and disconnect."""
    reactor = MemoryReactor()
    port = reactor.listenTCP(0, Factory())
    port.startListening()
    assert port.stopListening() is None  # type: ignore[func-returns-value]
    assert port.getHost() == IPv4Address("TCP", "0.0.0.0", 0)
    factory = _RecordingFactory()
    connector = reactor.connectTCP("::1", 80, factory)
    assert connector.getDestination() == IPv6Address("TCP", "::1", 80)
    assert not connector.stoppedConnecting
    connector.stopConnecting()
    connector.disconnect()
    connector.connect()
    assert connector.stoppedConnecting and connector._disconnected
    assert reactor.listenUNIX("/s", Factory()).getHost() == UNIXAddress("/s")
    for interface in (IReactorCore, IReactorTCP, IReactorUNIX):
        assert verifyObject(interface, reactor)
    assert verifyObject(IListeningPort, port)
    assert verifyObject(IConnector, connector)


def test_memory_reactor_readers_writers_and_resolver() -> None:
    """addReader/addWriter keep sets that removeAll empties; installNameResolver swaps the
    resolver, which resolves every name to 127.0.0.1 at once."""
    reactor = MemoryReactor()
    reader, writer = object(), object()
    reactor.addReader(reader)
    reactor.addWriter(writer)
    reactor.addWriter(reader)
    assert reactor.getReaders() == [reader]
    assert set(reactor.getWriters()) == {reader, writer}
    reactor.removeWriter(reader)
    reactor.removeReader(object())
    assert set(reactor.removeAll()) == {reader, writer}
    assert reactor.getReaders() == reactor.getWriters() == []

    events: list[object] = []

    class Receiver:
        def resolutionBegan(self, resolution: Any) -> None:
            events.append(("began", resolution.name))

        def addressResolved(self, address: Any) -> None:
            events.append(address)

        def resolutionComplete(self) -> None:
            events.append("complete")

    resolver = reactor.nameResolver
    assert isinstance(resolver, SynchronousResolver)
    resolution = resolver.resolveHostName(Receiver(), "example.com", 443)
    assert events == [("began", "example.com"), IPv4Address("TCP", "127.0.0.1", 443), "complete"]
    with pytest.raises(Exception, match="already resolved"):
        resolution.cancel()
    other = object()
    assert reactor.installNameResolver(other) is resolver
    assert reactor.nameResolver is other


def test_memory_reactor_clock() -> None:
    """MemoryReactorClock records like a MemoryReactor and schedules like a Clock."""
    reactor = MemoryReactorClock()
    ran: list[int] = []
    reactor.callLater(2, ran.append, 2)
    reactor.listenTCP(80, Factory())
    reactor.advance(1)
    assert ran == []
    reactor.advance(1)
    assert ran == [2]
    assert reactor.seconds() == 2
    assert reactor.tcpServers[0][0] == 80
    assert verifyObject(IReactorTime, reactor)
    assert isinstance(reactor, Clock)


_RAISING = [
    ("adoptStreamPort", (3, socket.AF_INET, None), "listen"),
    ("listenTCP", (80, None), "listen"),
    ("connectTCP", ("h", 80, None), "connect"),
    ("listenSSL", (80, None, None), "listen"),
    ("connectSSL", ("h", 80, None, None), "connect"),
    ("listenUNIX", ("/s", None), "listen"),
    ("connectUNIX", ("/s", None), "connect"),
    ("adoptDatagramPort", (3, socket.AF_INET, None, 8192), "connect"),
    ("adoptStreamConnection", (3, socket.AF_INET, None), "connect"),
]


@pytest.mark.parametrize(("name", "args", "kind"), _RAISING)
def test_raising_memory_reactor(name: str, args: tuple[Any, ...], kind: str) -> None:
    """Each listen method raises the listen exception and each connect method the connect
    exception (adoptDatagramPort counts as connect); a missing exception gives TypeError,
    as in Twisted."""
    listen, connect = ValueError("listen"), KeyError("connect")
    ours = RaisingMemoryReactor(listen, connect)
    with pytest.raises(Exception) as caught:
        getattr(ours, name)(*args)
    assert caught.value is (listen if kind == "listen" else connect)
    theirs = ttesting.RaisingMemoryReactor(listen, connect)
    with pytest.raises(Exception) as caughtTheirs:
        getattr(theirs, name)(*args)
    assert caughtTheirs.value is caught.value
    with pytest.raises(TypeError):
        getattr(RaisingMemoryReactor(), name)(*args)
    with pytest.raises(TypeError):
        getattr(ttesting.RaisingMemoryReactor(), name)(*args)


def test_raising_memory_reactor_name_resolver() -> None:
    """RaisingMemoryReactor has a swappable name resolver too."""
    reactor = RaisingMemoryReactor()
    assert isinstance(reactor.nameResolver, SynchronousResolver)
    other = object()
    previous = reactor.installNameResolver(other)
    assert isinstance(previous, SynchronousResolver)
    assert reactor.nameResolver is other


def test_fake_datagram_transport() -> None:
    """FakeDatagramTransport records each packet with its address, or noAddr."""
    transport = FakeDatagramTransport()
    transport.write(b"a", ("h", 1))
    transport.write(b"b")
    assert transport.written == [(b"a", ("h", 1)), (b"b", FakeDatagramTransport.noAddr)]


# --------------------------------------------------------------------------------------------
# waitUntilAllDisconnected, EventLoggingObserver


def _waitUntil(clockClass: Any, transportClass: Any) -> list[object]:
    """Two protocols disconnect at different times; record when the Deferred fires."""
    clock = clockClass()
    protocols = [Protocol(), Protocol()]
    for proto in protocols:
        proto.transport = transportClass()
    fired: list[object] = []
    d = ttesting.waitUntilAllDisconnected if clockClass is ttask.Clock else waitUntilAllDisconnected
    d(clock, protocols).addCallback(lambda result: fired.append(clock.seconds()))
    record: list[object] = []
    for step in range(4):
        if step == 1:
            protocols[0].transport.connected = False
        if step == 2:
            protocols[1].transport.connected = False
        clock.advance(0.01)
        record.append((step, list(fired), len(clock.getDelayedCalls())))
    return record


def test_wait_until_all_disconnected_like_twisted() -> None:
    """waitUntilAllDisconnected polls every 0.01 s and fires once no transport is
    connected, as in Twisted."""
    ours = _waitUntil(Clock, StringTransport)
    assert ours == _waitUntil(ttask.Clock, ttesting.StringTransport)
    assert ours[-1] == (3, [pytest.approx(0.03)], 0)


def test_wait_until_all_disconnected_already() -> None:
    """With every transport already disconnected the Deferred has fired on return."""
    transport = StringTransport()
    transport.connected = False
    proto = Protocol()
    proto.transport = transport
    fired: list[object] = []
    waitUntilAllDisconnected(Clock(), [proto]).addCallback(fired.append)
    assert len(fired) == 1


def test_event_logging_observer_sequence() -> None:
    """EventLoggingObserver keeps the events it is called with, as a sequence."""
    observer = EventLoggingObserver()
    logger = Logger(namespace="test.ns", observer=observer)
    logger.info("hello {who}", who="world")
    logger.error("bad")
    assert len(observer) == 2
    assert observer[0]["who"] == "world"
    assert formatEvent(observer[0]) == "hello world"
    assert [event["log_level"] for event in observer] == [LogLevel.info, LogLevel.error]
    assert observer[1:][0]["log_format"] == "bad"
    assert observer[0]["log_namespace"] == "test.ns"


def test_event_logging_observer_keys_like_twisted() -> None:
    """A Logger event reaches the observer with the same keys and text as in Twisted."""
    ours = EventLoggingObserver()
    theirs = ttesting.EventLoggingObserver()
    Logger(namespace="n", observer=ours).warn("x={x}", x=1)
    tlogger.Logger(namespace="n", observer=theirs).warn("x={x}", x=1)  # type: ignore[arg-type]
    assert sorted(ours[0]) == sorted(theirs[0])
    assert formatEvent(ours[0]) == tlogger.formatEvent(theirs[0]) == "x=1"


@pytest.mark.twistlike_allow_unhandled_errors
def test_event_logging_observer_with_cleanup() -> None:
    """createWithCleanup observes the publisher until the test's cleanups run; the global
    publisher brings events of twistlike.log and of twistlike's error logging."""

    class Case(unittest.TestCase):
        def runTest(self) -> None:
            pass

    case = Case()
    observer = EventLoggingObserver.createWithCleanup(case, globalLogPublisher)
    log.msg("classic")
    log_failure(Failure(ZeroDivisionError()), "boom")
    Logger(namespace="test").info("structured")
    case.doCleanups()
    Logger(namespace="test").info("not seen")
    assert [formatEvent(event) for event in observer] == ["classic", "boom", "structured"]
    assert observer[1]["log_failure"].check(ZeroDivisionError)


def test_testing_all_is_complete() -> None:
    """__all__ names every public name of twistlike.testing, and Twisted's testing names."""
    public = {
        name
        for name, value in vars(testing).items()
        if not name.startswith("_") and getattr(value, "__module__", None) == testing.__name__
    }
    assert public <= set(testing.__all__)
    assert set(ttesting.__all__) <= set(testing.__all__)
    for name in testing.__all__:
        assert hasattr(testing, name)

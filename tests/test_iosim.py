"""Tests for the in-memory connections of twistlike.testing (Twisted's twisted.test.iosim).

Most scenarios run twice, on twisted.test.iosim with Twisted protocols and on
twistlike.testing with twistlike protocols, and compare what each protocol received, what the
pump returned, the transports' flags, the disconnection reasons and the debug output.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import redirect_stdout
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.internet import error as terror
from twisted.internet import protocol as tprotocol
from twisted.internet import task as ttask
from twisted.internet import testing as ttesting
from twisted.python import failure as tfailure
from twisted.test import iosim as tiosim
from zope.interface.verify import verifyObject  # type: ignore[import-untyped, unused-ignore]

from twistlike import error, task, testing
from twistlike.failure import Failure
from twistlike.interfaces import IAddress, IConsumer, ITransport
from twistlike.protocol import ClientFactory, Factory, Protocol, connectionDone
from twistlike.testing import (
    ConnectionCompleter,
    FakeAddress,
    FakeTransport,
    IOPump,
    MemoryReactor,
    MemoryReactorClock,
    connect,
    connectedServerAndClient,
    makeFakeClient,
    makeFakeServer,
)


@dataclass
class _Lib:
    """One implementation under comparison: its protocol base, iosim functions and errors."""

    name: str
    Recorder: Any
    connectedServerAndClient: Any
    Clock: Any
    MemoryReactorClock: Any
    ConnectionCompleter: Any
    connectableEndpoint: Any
    Factory: Any
    ClientFactory: Any
    Failure: Any
    error: Any


class _RecorderMixin:
    """Records connection events in a shared log; optionally greets, echoes, writes later."""

    transport: Any

    def __init__(
        self,
        log: list[object],
        name: str,
        greeting: bytes = b"",
        echo: bool = False,
        clock: Any = None,
        late: bytes = b"",
    ) -> None:
        self.log = log
        self.name = name
        self.greeting = greeting
        self.echo = echo
        self.clock = clock
        self.late = late

    def connectionMade(self) -> None:
        self.log.append(("made", self.name))
        if self.greeting:
            self.transport.write(self.greeting)
        if self.late:
            self.clock.callLater(0, self.transport.write, self.late)

    def dataReceived(self, data: bytes) -> None:
        self.log.append(("data", self.name, data))
        if self.echo and not data.startswith(b">"):
            self.transport.write(b">" + data)

    def connectionLost(self, reason: Any = None) -> None:
        self.log.append(("lost", self.name, type(reason.value).__name__, str(reason.value)))


class _OurRecorder(_RecorderMixin, Protocol):
    """The recorder on twistlike's Protocol."""


class _TheirRecorder(_RecorderMixin, tprotocol.Protocol):
    """The recorder on Twisted's Protocol."""


OURS = _Lib(
    "twistlike",
    _OurRecorder,
    testing.connectedServerAndClient,
    task.Clock,
    testing.MemoryReactorClock,
    testing.ConnectionCompleter,
    testing.connectableEndpoint,
    Factory,
    ClientFactory,
    Failure,
    error,
)
THEIRS = _Lib(
    "twisted",
    _TheirRecorder,
    tiosim.connectedServerAndClient,
    ttask.Clock,
    ttesting.MemoryReactorClock,
    tiosim.ConnectionCompleter,
    tiosim.connectableEndpoint,
    tprotocol.Factory,
    tprotocol.ClientFactory,
    tfailure.Failure,
    terror,
)


class _PullProducer:
    """A pull producer writing ``p0``, ``p1`` ... and unregistering after ``count`` writes."""

    def __init__(self, transport: Any, count: int, log: list[object], name: str) -> None:
        self.transport = transport
        self.count = count
        self.done = 0
        self.log = log
        self.name = name

    def resumeProducing(self) -> None:
        self.log.append(("resume", self.name, self.done))
        if self.done < self.count:
            self.transport.write(b"p%d" % self.done)
            self.done += 1
        if self.done >= self.count and self.transport.producer is self:
            self.transport.unregisterProducer()

    def stopProducing(self) -> None:
        self.log.append(("stop", self.name))


class _PushProducer:
    """A push producer that only records the calls it gets."""

    def __init__(self, log: list[object], name: str) -> None:
        self.log = log
        self.name = name

    def pauseProducing(self) -> None:
        self.log.append(("pause", self.name))

    def resumeProducing(self) -> None:
        self.log.append(("push-resume", self.name))

    def stopProducing(self) -> None:
        self.log.append(("push-stop", self.name))


_side = st.sampled_from(["C", "S"])
_actions = st.lists(
    st.one_of(
        st.tuples(st.just("write"), _side, st.sampled_from([b"a", b"bc", b"", b">x"])),
        st.tuples(st.just("writeSequence"), _side, st.sampled_from([[b"q", b"r"], []])),
        st.tuples(st.just("loseConnection"), _side),
        st.tuples(st.just("abortConnection"), _side),
        st.tuples(st.just("stopProducing"), _side),
        st.tuples(st.just("stopConsuming"), _side),
        st.tuples(
            st.just("reason"), _side, st.sampled_from(["ConnectionLost", "ConnectionAborted"])
        ),
        st.tuples(st.just("pull"), _side, st.integers(min_value=0, max_value=3)),
        st.tuples(st.just("push"), _side),
        st.tuples(st.just("unregister"), _side),
        st.tuples(st.just("pump"), st.booleans()),
        st.tuples(st.just("flush"), st.booleans()),
    ),
    max_size=14,
)


def _state(transport: Any) -> tuple[object, ...]:
    """The observable state of one FakeTransport."""
    return (
        bool(transport.disconnecting),
        bool(transport.disconnected),
        transport.producer is not None,
        bool(transport.streamingProducer),
        list(transport.stream),
    )


def _scenario(
    lib: _Lib,
    actions: list[tuple[Any, ...]],
    greet: bool,
    echo: bool,
    debug: bool,
    greeting: bytes,
    late: bytes,
) -> tuple[list[object], str]:
    """Run ``actions`` on a connected pair of ``lib``; return the record and the stdout."""
    log: list[object] = []
    clock = lib.Clock()
    out = io.StringIO()
    record: list[object] = []
    with redirect_stdout(out):
        client, server, pump = lib.connectedServerAndClient(
            lambda: lib.Recorder(log, "S", greeting, echo, clock, late),
            lambda: lib.Recorder(log, "C", b"", False, clock, b""),
            debug=debug,
            greet=greet,
            clock=clock,
        )
        transports = {"C": client.transport, "S": server.transport}
        record.append(("setup", list(log), _state(transports["C"]), _state(transports["S"])))
        for action in actions:
            name, *args = action
            result: object = None
            try:
                if name == "pump":
                    result = pump.pump(debug=args[0])
                elif name == "flush":
                    result = pump.flush(debug=args[0])
                elif name == "reason":
                    transports[args[0]].disconnectReason = getattr(lib.error, args[1])()
                elif name == "pull":
                    transport = transports[args[0]]
                    transport.registerProducer(
                        _PullProducer(transport, args[1], log, args[0]), False
                    )
                elif name == "push":
                    transports[args[0]].registerProducer(_PushProducer(log, args[0]), True)
                elif name == "unregister":
                    transports[args[0]].unregisterProducer()
                else:
                    getattr(transports[args[0]], name)(*args[1:])
                outcome: object = ("ok", result)
            except Exception as e:
                outcome = (type(e).__name__, str(e))
            record.append(
                (action, outcome, list(log), _state(transports["C"]), _state(transports["S"]))
            )
    return record, out.getvalue()


@settings(max_examples=200, deadline=None)
@given(
    actions=_actions,
    greet=st.booleans(),
    echo=st.booleans(),
    debug=st.booleans(),
    greeting=st.sampled_from([b"", b"hello"]),
    late=st.sampled_from([b"", b"later"]),
)
def test_pumped_connection_matches_twisted(
    actions: list[tuple[Any, ...]],
    greet: bool,
    echo: bool,
    debug: bool,
    greeting: bytes,
    late: bytes,
) -> None:
    """Any sequence of writes, closes, producer calls, pumps and flushes on a connected pair
    delivers the same data and reasons, returns the same values, leaves the same flags and
    prints the same debug output as twisted.test.iosim."""
    ours = _scenario(OURS, actions, greet, echo, debug, greeting, late)
    theirs = _scenario(THEIRS, actions, greet, echo, debug, greeting, late)
    assert ours == theirs


def test_pull_producers_resumed_client_first_like_twisted() -> None:
    """With pull producers on both ends, each round resumes the client's before the
    server's, after taking the buffers, so new data waits for the next round."""
    both = [("pull", "S", 4), ("pull", "C", 4), ("pump", False), ("pump", False), ("flush", False)]
    ours = _scenario(OURS, both, True, False, False, b"", b"")
    assert ours == _scenario(THEIRS, both, True, False, False, b"", b"")
    record, _ = ours
    last = record[-1]
    assert isinstance(last, tuple)
    events = last[2]  # the protocols' and producers' log after the last step
    resumes = [entry for entry in events if entry[0] == "resume"]
    assert resumes[2:4] == [("resume", "C", 1), ("resume", "S", 1)]


def _pingPong(lib: _Lib) -> tuple[str, int]:
    """Two echoing protocols that never stop; return the flush error and the rounds seen."""
    log: list[object] = []

    class Echo(lib.Recorder):  # type: ignore[name-defined, misc]
        def dataReceived(self, data: bytes) -> None:
            log.append(data)
            self.transport.write(data)

    _, _, pump = lib.connectedServerAndClient(
        lambda: Echo(log, "S", b"ping"), lambda: Echo(log, "C"), greet=False
    )
    with pytest.raises(AssertionError) as caught:
        pump.flush()
    return str(caught.value), len(log)


def test_flush_gives_up_after_1000_rounds() -> None:
    """flush() raises AssertionError("Too long") after 1000 rounds that all moved data."""
    ours = _pingPong(OURS)
    assert ours == _pingPong(THEIRS)
    assert ours[0] == "Too long"
    # Both sides echo in each round, so more than 1000 chunks arrive in 1000 rounds.
    assert ours[1] > 1000


def test_connected_server_and_client_order() -> None:
    """The client protocol and transport are made before the server's, the server connects
    first, and greet=True flushes the greetings before returning."""
    events: list[str] = []

    class Side(Protocol):
        def __init__(self, name: str) -> None:
            events.append(f"build {name}")
            self.name = name

        def connectionMade(self) -> None:
            events.append(f"made {self.name}")
            self.transport.write(self.name.encode())

        def dataReceived(self, data: bytes) -> None:
            events.append(f"{self.name} got {data.decode()}")

    def transportFor(make: Callable[[Any], FakeTransport]) -> Callable[[Side], FakeTransport]:
        def build(protocol: Side) -> FakeTransport:
            events.append(f"transport {protocol.name}")
            return make(protocol)

        return build

    client, server, pump = connectedServerAndClient(
        lambda: Side("S"),
        lambda: Side("C"),
        clientTransportFactory=transportFor(makeFakeClient),
        serverTransportFactory=transportFor(makeFakeServer),
    )
    assert events == [
        "build C",
        "build S",
        "transport C",
        "transport S",
        "made S",
        "made C",
        "S got C",  # in a round, the client's bytes are delivered first
        "C got S",
    ]
    assert isinstance(pump, IOPump)
    assert (pump.client, pump.server) == (client, server)
    assert (pump.clientIO, pump.serverIO) == (client.transport, server.transport)
    assert not client.transport.isServer and server.transport.isServer


def test_greet_false_leaves_greetings_buffered() -> None:
    """With greet=False nothing is delivered until the test pumps."""
    got: list[bytes] = []

    class Greeter(Protocol):
        def connectionMade(self) -> None:
            self.transport.write(b"hi")

    class Listener(Protocol):
        def dataReceived(self, data: bytes) -> None:
            got.append(data)

    _, server, pump = connectedServerAndClient(Greeter, Listener, greet=False)
    assert got == []
    assert server.transport.stream == [b"hi"]
    assert pump.pump() is True
    assert got == [b"hi"]
    assert pump.pump() is False


def test_disconnection_reaches_both_sides_in_two_rounds() -> None:
    """loseConnection on the client is reported to the server in one round and back to the
    client in the next, each time with ConnectionDone("Connection done")."""
    reasons: list[tuple[str, Failure]] = []

    class Side(Protocol):
        def connectionLost(self, reason: Failure = connectionDone) -> None:
            reasons.append(("S" if self.transport.isServer else "C", reason))

    client, server, pump = connectedServerAndClient(Side, Side)
    client.transport.write(b"last words")
    client.transport.loseConnection()
    client.transport.write(b"dropped")
    assert client.transport.stream == [b"last words"]
    assert pump.pump() is True  # the data
    assert pump.pump() is True  # the server hears of the close
    assert [side for side, _ in reasons] == ["S"]
    assert server.transport.disconnecting and client.transport.disconnected
    assert pump.pump() is True  # the client hears of it in turn
    assert [side for side, _ in reasons] == ["S", "C"]
    assert pump.pump() is False
    for _, reason in reasons:
        assert reason.check(error.ConnectionDone)
        assert str(reason.value) == "Connection was closed cleanly: Connection done."


def test_abort_connection_reports_connection_done() -> None:
    """abortConnection is the same as loseConnection here, as in Twisted's fake: buffered
    data is still delivered and the reason is ConnectionDone (a divergence from a real
    transport, kept so ported tests see what they saw)."""
    received: list[bytes] = []
    reasons: list[Failure] = []

    class Server(Protocol):
        def dataReceived(self, data: bytes) -> None:
            received.append(data)

        def connectionLost(self, reason: Failure = connectionDone) -> None:
            reasons.append(reason)

    client, _, pump = connectedServerAndClient(Server, Protocol)
    client.transport.write(b"kept")
    client.transport.abortConnection()
    pump.flush()
    assert received == [b"kept"]
    assert reasons[0].check(error.ConnectionDone)


def test_disconnect_reason_can_be_set() -> None:
    """Setting disconnectReason makes the pump report that exception to both sides."""
    reasons: list[Failure] = []

    class Side(Protocol):
        def connectionLost(self, reason: Failure = connectionDone) -> None:
            reasons.append(reason)

    client, server, pump = connectedServerAndClient(Side, Side)
    aborted = error.ConnectionAborted()
    server.transport.disconnectReason = aborted
    client.transport.disconnectReason = aborted
    server.transport.loseConnection()
    pump.flush()
    assert [r.value for r in reasons] == [aborted, aborted]


def test_pull_producer_is_resumed_every_round() -> None:
    """A pull producer is resumed on registration and once per pump round until it
    unregisters; a push producer is never called."""
    log: list[object] = []
    client, server, pump = connectedServerAndClient(Protocol, Protocol)
    pull = _PullProducer(client.transport, 3, log, "C")
    client.transport.registerProducer(pull, False)
    assert log == [("resume", "C", 0)]
    pump.flush()
    assert pull.done == 3 and client.transport.producer is None
    push = _PushProducer(log, "S")
    server.transport.registerProducer(push, True)
    pump.flush()
    assert not any(entry[0].startswith("push") for entry in log if isinstance(entry, tuple))
    server.transport.stopProducing()
    assert server.transport.disconnecting


def test_pump_runs_due_clock_calls() -> None:
    """Each round advances the clock by 0 first, so callLater(0, ...) calls run; with
    advanceClock=False they do not."""
    clock = task.Clock()
    ran: list[str] = []
    _, _, pump = connectedServerAndClient(Protocol, Protocol, clock=clock)
    clock.callLater(0, ran.append, "now")
    clock.callLater(1, ran.append, "later")
    assert pump.pump(advanceClock=False) is False
    assert ran == []
    assert pump.pump() is False
    assert ran == ["now"]
    assert clock.seconds() == 0


def test_default_clock_is_a_memory_reactor_clock() -> None:
    """Without a clock the pump makes its own MemoryReactorClock."""
    pump = connect(Protocol(), makeFakeServer(None), Protocol(), makeFakeClient(None))
    assert isinstance(pump.clock, MemoryReactorClock)


def test_debug_output() -> None:
    """debug=True prints each round's traffic and disconnections as Twisted's pump does."""
    out = io.StringIO()
    with redirect_stdout(out):
        client, server, pump = connectedServerAndClient(Protocol, Protocol, debug=True)
        client.transport.write(b"x")
        server.transport.write(b"y")
        pump.pump()
        server.transport.loseConnection()
        pump.flush()
    assert out.getvalue() == (
        "-- GLUG --\n.\n"  # the greeting flush
        "-- GLUG --\n.\nC: b'x'\nS: b'y'\n"
        "-- GLUG --\n.\n* C\n"
        "-- GLUG --\n.\n* S\n"
        "-- GLUG --\n.\n"
    )


def test_fake_transport_addresses_and_repr() -> None:
    """A FakeTransport has a distinct FakeAddress for each end unless given addresses, and a
    repr naming its side, serial number and protocol class."""
    transport = FakeTransport(Protocol(), isServer=True)
    assert isinstance(transport.getHost(), FakeAddress)
    assert isinstance(transport.getPeer(), FakeAddress)
    assert transport.getHost() is not transport.getPeer()
    assert verifyObject(IAddress, transport.getHost())
    host, peer = object(), object()
    given = FakeTransport(Protocol(), False, hostAddress=host, peerAddress=peer)
    assert (given.getHost(), given.getPeer()) == (host, peer)
    assert repr(given) == f"FakeTransport<C,{given.serial},Protocol>"
    assert given.serial == transport.serial + 1
    assert given.logPrefix() == "iosim"
    for interface in (ITransport, IConsumer):
        assert verifyObject(interface, given)


def test_fake_transport_out_buffer() -> None:
    """getOutBuffer takes everything written so far, joined, or None when nothing was."""
    transport = makeFakeClient(Protocol())
    assert transport.getOutBuffer() is None
    transport.write(b"a")
    transport.writeSequence([b"b", b"c"])
    assert transport.getOutBuffer() == b"abc"
    assert transport.getOutBuffer() is None


def test_fake_transport_stop_consuming() -> None:
    """stopConsuming unregisters the producer and starts closing."""
    transport = makeFakeServer(Protocol())
    transport.registerProducer(_PushProducer([], "S"), True)
    transport.stopConsuming()
    assert transport.producer is None
    assert transport.disconnecting


def _completed(lib: _Lib) -> list[object]:
    """ConnectionCompleter on a MemoryReactorClock: one failed attempt, one to an unknown
    port, one connected; return what happened."""
    log: list[object] = []
    reactor = lib.MemoryReactorClock()

    def factory(name: str, base: Any) -> Any:
        made = base()
        made.protocol = lambda: lib.Recorder(log, name, b"hi " + name.encode())
        made.clientConnectionFailed = lambda connector, reason: log.append(
            ("failed", connector.getDestination().port, type(reason.value).__name__)
        )
        return made

    completer = lib.ConnectionCompleter(reactor)
    reactor.listenTCP(80, factory("S", lib.Factory))
    reactor.connectTCP("example.com", 80, factory("refused", lib.ClientFactory))
    reactor.connectTCP("example.com", 81, factory("unknown", lib.ClientFactory))
    reactor.connectTCP("example.com", 80, factory("C", lib.ClientFactory))
    completer.failOnce()
    pump = completer.succeedOnce()
    log.append(("clock", pump.clock is reactor))
    log.append(("left", [info[1] for info in reactor.tcpClients], len(reactor.connectors)))
    pump.server.transport.loseConnection()
    pump.flush()
    log.append(("again", completer.succeedOnce()))
    return log


def test_connection_completer_matches_twisted() -> None:
    """ConnectionCompleter fails and connects recorded TCP attempts as Twisted's does."""
    ours = _completed(OURS)
    assert ours == _completed(THEIRS)
    assert ("clock", True) in ours


def _endpoint(lib: _Lib) -> list[object]:
    """connectableEndpoint: one attempt connected, one refused; return the outcomes."""
    log: list[object] = []
    endpoint, completer = lib.connectableEndpoint()
    factory = lib.Factory.forProtocol(lambda: lib.Recorder(log, "C", b"hello"))
    first = endpoint.connect(factory)
    second = endpoint.connect(factory)
    first.addCallback(lambda proto: log.append(("connected", proto.name)))
    second.addErrback(lambda f: log.append(("refused", type(f.value).__name__)))
    pump = completer.succeedOnce()
    completer.failOnce()
    log.append(("pumped", pump.flush()))
    return log


def test_connectable_endpoint_matches_twisted() -> None:
    """connectableEndpoint's endpoint connects when the completer says so, as in Twisted."""
    ours = _endpoint(OURS)
    assert ours == _endpoint(THEIRS)
    assert ("connected", "C") in ours
    assert ("refused", "ConnectionRefusedError") in ours


def test_connection_completer_on_plain_memory_reactor() -> None:
    """On a MemoryReactor that is no clock, the pump gets a clock of its own."""
    reactor = MemoryReactor()
    reactor.listenTCP(1, Factory.forProtocol(Protocol))
    reactor.connectTCP("h", 1, ClientFactory.forProtocol(Protocol))
    pump = ConnectionCompleter(reactor).succeedOnce()
    assert pump is not None
    clock: object = pump.clock
    assert clock is not reactor
    assert reactor.tcpClients == [] and reactor.connectors == []

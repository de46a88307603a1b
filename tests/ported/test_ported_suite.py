"""A Twisted-style trial suite, ported to twistlike by changing its imports only.

The acceptance test of the testing kit: the same file, with the import block below switched
back to Twisted (tests/test_ported_on_twisted.py does that), passes under ``python -m
twisted.trial``; here it runs under pytest on twistlike. Everything after the import block is
plain Twisted API, written the way trial suites are written.

The protocols under test: a line-based server that upper-cases each line (``QUIT`` ends the
connection), and a client that sends requests and gets a Deferred of each reply, with a
timeout on a clock.
"""

from __future__ import annotations

import gc
from typing import Any

from twistlike import defer, reactor
from twistlike.basic import LineReceiver
from twistlike.defer import Deferred, inlineCallbacks
from twistlike.error import ConnectionDone
from twistlike.failure import Failure
from twistlike.protocol import ClientCreator, Factory, Protocol, connectionDone
from twistlike.task import Clock, LoopingCall, deferLater
from twistlike.testing import MemoryReactorClock, StringTransport, connectedServerAndClient
from twistlike.trial import SynchronousTestCase, TestCase

# --------------------------------------------------------------------------------------------
# The code under test


class UpperServer(LineReceiver):
    """Replies to each line with the line in upper case; ``QUIT`` closes the connection."""

    lost: Deferred[None] | None = None

    def lineReceived(self, line: bytes) -> None:
        if line == b"QUIT":
            self.sendLine(b"BYE")
            self.transport.loseConnection()
        else:
            self.sendLine(line.upper())

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        if self.lost is not None:
            lost, self.lost = self.lost, None
            lost.callback(None)


class RequestClient(LineReceiver):
    """Sends requests; each gets a Deferred of its reply line (replies come in order)."""

    def __init__(self, clock: Any = None, timeout: float | None = None) -> None:
        self.clock = clock
        self.timeout = timeout
        self.pending: list[Deferred[bytes]] = []
        self.lost: Deferred[None] = Deferred()

    def request(self, line: bytes) -> Deferred[bytes]:
        d: Deferred[bytes] = Deferred()
        self.pending.append(d)
        self.sendLine(line)
        if self.timeout is not None:
            d.addTimeout(self.timeout, self.clock)
        return d

    def lineReceived(self, line: bytes) -> None:
        while self.pending:
            d = self.pending.pop(0)
            if not d.called:  # a timed-out request has no reply any more
                d.callback(line)
                return

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        pending, self.pending = self.pending, []
        for d in pending:
            if not d.called:
                d.errback(reason)
        self.lost.callback(None)


class Heartbeat(Protocol):
    """Writes ``beat`` every ``interval`` seconds of its clock while connected."""

    def __init__(self, clock: Any, interval: float) -> None:
        self.clock = clock
        self.interval = interval
        self.loop = LoopingCall(self.beat)
        self.loop.clock = clock

    def beat(self) -> None:
        self.transport.write(b"beat\n")

    def connectionMade(self) -> None:
        self.loop.start(self.interval, now=False)

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        if self.loop.running:
            self.loop.stop()


def serverFactory() -> Factory[UpperServer]:
    return Factory.forProtocol(UpperServer)


class TrackingFactory(Factory):
    """Builds UpperServers and keeps them, each with a Deferred fired when it is lost."""

    protocol = UpperServer

    def __init__(self) -> None:
        self.servers: list[UpperServer] = []

    def buildProtocol(self, addr: Any) -> UpperServer:
        server = UpperServer()
        server.factory = self
        server.lost = Deferred()
        self.servers.append(server)
        return server


# --------------------------------------------------------------------------------------------
# Without a reactor: StringTransport, Clock, in-memory connections


class UpperServerTests(SynchronousTestCase):
    """The server, driven byte by byte through a StringTransport."""

    def setUp(self) -> None:
        self.transport = StringTransport()
        self.server = UpperServer()
        self.server.makeConnection(self.transport)

    def test_replies_in_upper_case(self) -> None:
        """Each line is answered in upper case."""
        self.server.dataReceived(b"hello\r\nworld\r\n")
        self.assertEqual(self.transport.value(), b"HELLO\r\nWORLD\r\n")

    def test_lines_split_across_deliveries(self) -> None:
        """A line delivered one byte at a time is answered once, whole."""
        for byte in b"split line\r\n":
            self.server.dataReceived(bytes([byte]))
        self.assertEqual(self.transport.value(), b"SPLIT LINE\r\n")

    def test_quit_closes_the_connection(self) -> None:
        """QUIT is answered with BYE and closes the connection."""
        self.assertFalse(self.transport.disconnecting)
        self.server.dataReceived(b"QUIT\r\n")
        self.assertEqual(self.transport.value(), b"BYE\r\n")
        self.assertTrue(self.transport.disconnecting)


class RequestClientTests(SynchronousTestCase):
    """The client: its Deferreds, checked with successResultOf and friends."""

    def setUp(self) -> None:
        self.clock = Clock()
        self.transport = StringTransport()
        self.client = RequestClient(self.clock, timeout=5)
        self.client.makeConnection(self.transport)

    def test_reply_fires_the_request(self) -> None:
        """A request's Deferred fires with the reply line, not before."""
        d = self.client.request(b"ping")
        self.assertEqual(self.transport.value(), b"ping\r\n")
        self.assertNoResult(d)
        self.client.dataReceived(b"PONG\r\n")
        self.assertEqual(self.successResultOf(d), b"PONG")

    def test_replies_in_order(self) -> None:
        """Replies fire the pending requests in order."""
        first = self.client.request(b"a")
        second = self.client.request(b"b")
        self.client.dataReceived(b"A\r\nB\r\n")
        self.assertEqual(self.successResultOf(first), b"A")
        self.assertEqual(self.successResultOf(second), b"B")

    def test_timeout_on_the_clock(self) -> None:
        """A request without a reply fails with TimeoutError when the clock reaches the timeout."""
        d = self.client.request(b"slow")
        self.clock.advance(4.9)
        self.assertNoResult(d)
        self.clock.advance(0.1)
        self.failureResultOf(d, defer.TimeoutError)
        self.assertEqual(self.clock.getDelayedCalls(), [])

    def test_reply_after_a_timeout_goes_to_the_next_request(self) -> None:
        """A reply after a timeout goes to the next pending request."""
        late = self.client.request(b"late")
        self.clock.advance(5)
        self.failureResultOf(late, defer.TimeoutError)
        nxt = self.client.request(b"next")
        self.client.dataReceived(b"NEXT\r\n")
        self.assertEqual(self.successResultOf(nxt), b"NEXT")

    def test_connection_lost_fails_pending_requests(self) -> None:
        """Losing the connection fails the pending requests with its reason."""
        d = self.client.request(b"never answered")
        self.client.connectionLost(Failure(ConnectionDone()))
        failure = self.failureResultOf(d, ConnectionDone)
        self.assertIsInstance(failure.value, ConnectionDone)
        self.successResultOf(self.client.lost)

    def test_inline_callbacks_without_a_reactor(self) -> None:
        """An inlineCallbacks function over the client runs with no reactor at all."""

        @inlineCallbacks
        def twoRequests() -> Any:
            first = yield self.client.request(b"x")
            second = yield self.client.request(first + b"y")
            return second

        d = twoRequests()
        self.client.dataReceived(b"X\r\n")
        self.assertEqual(self.transport.value(), b"x\r\nXy\r\n")
        self.client.dataReceived(b"XY\r\n")
        self.assertEqual(self.successResultOf(d), b"XY")


class HeartbeatTests(SynchronousTestCase):
    """A LoopingCall on a Clock: time passes only when the test says so."""

    def test_beats_every_interval(self) -> None:
        """The heartbeat writes once per interval of the clock, and stops when disconnected."""
        clock = Clock()
        transport = StringTransport()
        protocol = Heartbeat(clock, 2.0)
        protocol.makeConnection(transport)
        clock.advance(1)
        self.assertEqual(transport.value(), b"")
        clock.pump([1, 2, 2])
        self.assertEqual(transport.value(), b"beat\n" * 3)
        protocol.connectionLost(Failure(ConnectionDone()))
        self.assertEqual(clock.getDelayedCalls(), [])


class InMemoryConnectionTests(SynchronousTestCase):
    """Client and server connected through iosim's in-memory transports."""

    def test_request_and_reply(self) -> None:
        """A request crosses the in-memory connection when the pump flushes."""
        client, _server, pump = connectedServerAndClient(UpperServer, RequestClient)
        d = client.request(b"over memory")
        self.assertNoResult(d)
        pump.flush()
        self.assertEqual(self.successResultOf(d), b"OVER MEMORY")

    def test_quit_ends_both_sides(self) -> None:
        """QUIT over the in-memory connection ends the client's connection too."""
        client, _server, pump = connectedServerAndClient(UpperServer, RequestClient)
        d = client.request(b"QUIT")
        pump.flush()
        self.assertEqual(self.successResultOf(d), b"BYE")
        self.successResultOf(client.lost)

    def test_timeout_with_the_pumps_clock(self) -> None:
        """Without pumping, the reply never arrives and the request times out."""
        clock = Clock()
        client, _server, _pump = connectedServerAndClient(
            UpperServer, lambda: RequestClient(clock, timeout=3), clock=clock
        )
        d = client.request(b"x")
        clock.advance(3)  # no pumping: the reply never arrives in time
        self.failureResultOf(d, defer.TimeoutError)


class MemoryReactorTests(SynchronousTestCase):
    """Code that calls the reactor, given a MemoryReactorClock instead."""

    def test_connect_records_the_attempt(self) -> None:
        """ClientCreator's connectTCP is recorded, and fires once a protocol is connected."""
        memory = MemoryReactorClock()
        creator = ClientCreator(memory, RequestClient)
        d = creator.connectTCP("example.com", 4321)
        host, port, factory, _timeout, _bindAddress = memory.tcpClients[0]
        self.assertEqual((host, port), ("example.com", 4321))
        self.assertNoResult(d)
        protocol = factory.buildProtocol(None)
        protocol.makeConnection(StringTransport())
        memory.advance(0)  # Twisted's ClientCreator fires its Deferred from a callLater(0)
        self.assertIsInstance(self.successResultOf(d), RequestClient)

    def test_listen_records_the_port(self) -> None:
        """listenTCP is recorded with its port and interface."""
        memory = MemoryReactorClock()
        memory.listenTCP(8080, serverFactory(), interface="127.0.0.1")
        port, _factory, _backlog, interface = memory.tcpServers[0]
        self.assertEqual((port, interface), (8080, "127.0.0.1"))

    def test_call_later_on_the_memory_clock(self) -> None:
        """The memory reactor's callLater runs when its clock advances."""
        memory = MemoryReactorClock()
        fired: list[str] = []
        memory.callLater(10, fired.append, "done")
        memory.advance(10)
        self.assertEqual(fired, ["done"])


class TrialHelpersTests(SynchronousTestCase):
    """Trial's own helpers: logged errors, patching, assertion spellings."""

    def test_flush_logged_errors(self) -> None:
        """An unhandled error in a dropped Deferred is flushed from the log."""
        d: Deferred[None] = Deferred()
        d.errback(ValueError("nobody handles this"))
        del d
        gc.collect()
        self.assertEqual(len(self.flushLoggedErrors(ValueError)), 1)

    def test_patch(self) -> None:
        """patch() changes the attribute during the test."""
        self.patch(UpperServer, "delimiter", b"\n")
        transport = StringTransport()
        server = UpperServer()
        server.makeConnection(transport)
        server.dataReceived(b"patched\n")
        self.assertEqual(transport.value(), b"PATCHED\n")

    def test_patch_was_undone(self) -> None:
        """The patch of another test is not visible here."""
        self.assertEqual(UpperServer.delimiter, b"\r\n")

    def test_old_spellings(self) -> None:
        """Trial's old assertion names work."""
        self.assertEquals(1, 1)  # noqa: UP005 (trial's spelling, on purpose)
        self.failUnlessEqual(2, 2)  # noqa: UP005
        self.assertIdentical(None, None)
        self.assertSubstring(b"PP", b"UPPER")
        self.assertNotSubstring(b"lower", b"UPPER")
        self.assertIsInstance(UpperServer(), LineReceiver)
        error = self.assertRaises(ZeroDivisionError, lambda: 1 // 0)
        self.assertIsInstance(error, ZeroDivisionError)


# --------------------------------------------------------------------------------------------
# With the reactor: tests return Deferreds


class ReactorTests(TestCase):
    """Tests that return Deferreds, waited for on the real reactor."""

    def setUp(self) -> Deferred[None]:  # type: ignore[override]
        self.events: list[str] = []
        return deferLater(reactor, 0, self.events.append, "setUp")

    def test_defer_later(self) -> Deferred[None]:
        """A Deferred from deferLater is waited for."""
        d = deferLater(reactor, 0.01, lambda: 42)
        return d.addCallback(self.assertEqual, 42)

    def test_setup_was_waited_for(self) -> None:
        """setUp's Deferred fired before the test ran."""
        self.assertEqual(self.events, ["setUp"])

    @inlineCallbacks
    def test_inline_callbacks(self) -> Any:
        """An inlineCallbacks test waits on the reactor."""
        first = yield deferLater(reactor, 0, lambda: 1)
        second = yield deferLater(reactor, 0.01, lambda: first + 1)
        self.assertEqual(second, 2)

    def test_assert_failure(self) -> Deferred[ZeroDivisionError]:
        """assertFailure passes for the expected exception."""
        return self.assertFailure(deferLater(reactor, 0, lambda: 1 // 0), ZeroDivisionError)

    def test_timeout_on_the_reactor(self) -> Deferred[Any]:
        """addTimeout on the reactor fails the Deferred with TimeoutError."""
        d: Deferred[None] = Deferred()
        d.addTimeout(0.01, reactor)
        return self.assertFailure(d, defer.TimeoutError)

    def test_deferred_cleanup(self) -> None:
        """A cleanup returning a Deferred is waited for before the next cleanup."""

        def cleanUp() -> Deferred[None]:
            return deferLater(reactor, 0.01, self.events.append, "cleaned up")

        self.addCleanup(self.assertEqual, self.events, ["setUp", "cleaned up"])
        self.addCleanup(cleanUp)


class LoopbackTests(TestCase):
    """A real TCP connection over loopback, cleaned up so that the reactor stays clean."""

    @inlineCallbacks
    def test_request_over_tcp(self) -> Any:
        """A request and a QUIT over loopback TCP, both ends closed before the test ends."""
        factory = TrackingFactory()
        port = reactor.listenTCP(0, factory, interface="127.0.0.1")
        self.addCleanup(port.stopListening)
        client = yield ClientCreator(reactor, RequestClient).connectTCP(
            "127.0.0.1", port.getHost().port
        )
        reply = yield client.request(b"hello tcp")
        self.assertEqual(reply, b"HELLO TCP")
        bye = yield client.request(b"QUIT")
        self.assertEqual(bye, b"BYE")
        yield client.lost
        serverLost = factory.servers[0].lost
        if serverLost is not None:
            yield serverLost

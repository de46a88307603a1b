"""Behaviour differences found against Twisted (issue 9, part 2): each scenario runs on both."""

from __future__ import annotations

import asyncio
import pickle
import shutil
from pathlib import Path
from typing import Any

import pytest
import twin
from twisted.internet import protocol as tprotocol
from twisted.internet import task as ttask
from twisted.internet import testing as ttesting
from twisted.python import failure as tfailure

from twistlike import error, protocol, reactor, task, testing
from twistlike.failure import Failure

# ---- item 4: ClientCreator delivers a failed connection on a later turn ---------------------


def _client_creator_failure(
    creator: Any, reactorClass: Any, failureClass: Any, refused: type[Exception]
) -> list[str]:
    """Fail a ClientCreator connection, then cancel; record what the Deferred saw, when."""
    clock = reactorClass()
    seen: list[str] = []
    d = creator(clock, protocol.Protocol).connectTCP("127.0.0.1", 1)
    d.addErrback(lambda f: seen.append(type(f.value).__name__))
    _host, _port, factory, _timeout, _bind = clock.tcpClients[0]
    connector = clock.connectors[0]
    factory.clientConnectionFailed(connector, failureClass(refused()))
    seen.append("after failure: " + ("called" if d.called else "pending"))
    d.cancel()
    clock.advance(0)
    seen.append("after a turn")
    return seen


def test_client_creator_failure_waits_a_turn() -> None:
    """A failed ClientCreator connection errbacks on a later turn, so cancel() still wins."""
    from twisted.internet import error as terror

    theirs = _client_creator_failure(
        tprotocol.ClientCreator,
        ttesting.MemoryReactorClock,
        tfailure.Failure,
        terror.ConnectionRefusedError,
    )
    ours = _client_creator_failure(
        protocol.ClientCreator, testing.MemoryReactorClock, Failure, error.ConnectionRefusedError
    )
    assert ours == theirs == ["after failure: pending", "CancelledError", "after a turn"]


# ---- item 5: a ReconnectingClientFactory that retried can be pickled ------------------------


class _PicklableFactory(protocol.ReconnectingClientFactory[protocol.Protocol]):
    """A module-level subclass, so pickle can find it."""


class _TwistedPicklableFactory(tprotocol.ReconnectingClientFactory):
    """The same for Twisted's class."""


class _Connector:
    def connect(self) -> None:
        pass


def test_reconnecting_factory_pickles_after_a_retry() -> None:
    """After a retry scheduled on a Clock, the factory pickles and comes back without it."""
    results = []
    for factoryClass, clockClass in (
        (_TwistedPicklableFactory, ttask.Clock),
        (_PicklableFactory, task.Clock),
    ):
        factory: Any = factoryClass()
        factory.clock = clockClass()
        factory.clientConnectionFailed(_Connector(), None)
        assert factory.clock.getDelayedCalls()
        restored = pickle.loads(pickle.dumps(factory))
        results.append((sorted(vars(restored)), restored.clock, restored.retries, restored.delay))
    assert results[0] == results[1] == ([], None, 0, 1.0)


# ---- item 10: signal handlers are installed during startup ----------------------------------


def test_signal_handlers_installed_after_before_startup_triggers() -> None:
    """SIGINT's handler is still the default in a "before startup" trigger, set after it."""
    theirs, ours = twin.run_both(
        """
        import signal
        from twisted.internet import reactor

        seen = []

        def look(phase):
            seen.append((phase, signal.getsignal(signal.SIGINT) is signal.default_int_handler))

        reactor.addSystemEventTrigger("before", "startup", look, "before")
        reactor.addSystemEventTrigger("after", "startup", look, "after")
        reactor.callWhenRunning(reactor.stop)
        reactor.run()
        print(seen)
        """
    )
    assert theirs.returncode == ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout == "[('before', True), ('after', False)]\n"


# ---- item 11: resolve() before run() --------------------------------------------------------


def test_resolve_before_run_waits_for_the_loop() -> None:
    """reactor.resolve() called before run() resolves once the reactor runs."""
    theirs, ours = twin.run_both(
        """
        from twisted.internet import reactor

        d = reactor.resolve("localhost")
        d.addBoth(print)
        d.addBoth(lambda _: reactor.stop())
        reactor.run()
        """
    )
    assert theirs.returncode == ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout == "127.0.0.1\n"


# ---- item 12: listenTCP/listenUNIX honour backlog -------------------------------------------


async def _listen_queue(*ssArgs: str) -> int:
    """The listen queue length ss reports for one listening socket (its Send-Q column)."""
    process = await asyncio.create_subprocess_exec(
        "ss", "-lH", *ssArgs, stdout=asyncio.subprocess.PIPE
    )
    async with asyncio.timeout(10):
        out, _ = await process.communicate()
    [line] = out.decode().splitlines()
    fields = line.split()
    return int(fields[fields.index("LISTEN") + 2])


@pytest.mark.skipif(shutil.which("ss") is None, reason="needs ss(8) to read the listen queue")
@pytest.mark.asyncio
async def test_listen_backlog_is_kept(tmp_path: Path) -> None:
    """The listen queue of a served port is the backlog asked for (TCP and UNIX), as Twisted."""
    tcp = reactor.listenTCP(0, protocol.Factory.forProtocol(protocol.Protocol), 7, "127.0.0.1")
    path = str(tmp_path / "s")
    unix = reactor.listenUNIX(path, protocol.Factory.forProtocol(protocol.Protocol), 9)
    try:
        number = tcp.getHost().port
        async with asyncio.timeout(10):
            # Once a connection is accepted, asyncio serves the socket (and re-listened).
            _, w1 = await asyncio.open_connection("127.0.0.1", number)
            _, w2 = await asyncio.open_unix_connection(path)
        w1.close()
        w2.close()
        assert await _listen_queue("-t", "-n", f"sport = :{number}") == 7
        assert await _listen_queue("-x", "src", path) == 9
    finally:
        await tcp.stopListening()
        await unix.stopListening()


# ---- item 17: reactor.iterate() -------------------------------------------------------------


def test_iterate_spins_the_reactor_before_run() -> None:
    """iterate() runs due timers and loopback I/O without run(), and run() works after it."""
    theirs, ours = twin.run_both(
        """
        import time
        from twisted.internet import reactor
        from twisted.internet import protocol

        class Echo(protocol.Protocol):
            def dataReceived(self, data):
                self.transport.write(data)

        class Client(protocol.Protocol):
            def connectionMade(self):
                self.transport.write(b"ping")

            def dataReceived(self, data):
                got.append(data)
                self.transport.loseConnection()

        got, calls = [], []
        reactor.callLater(0, calls.append, "timer")
        reactor.iterate()
        print(calls, reactor.running)
        port = reactor.listenTCP(0, protocol.Factory.forProtocol(Echo), interface="127.0.0.1")
        protocol.ClientCreator(reactor, Client).connectTCP("127.0.0.1", port.getHost().port)
        deadline = time.monotonic() + 10
        while not got and time.monotonic() < deadline:
            reactor.iterate(0.01)
        print(got, reactor.running)
        reactor.callWhenRunning(calls.append, "running")
        reactor.callWhenRunning(reactor.stop)
        reactor.run()
        print(calls)
        """
    )
    assert theirs.returncode == ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout
    assert ours.stdout.splitlines() == [
        "['timer'] False",
        "[b'ping'] False",
        "['timer', 'running']",
    ]


# ---- item 14: trial's assertions return a value --------------------------------------------

_PASSING_ASSERTIONS: list[tuple[str, tuple[Any, ...]]] = [
    ("assertEqual", (1, 1.0)),
    ("assertEquals", ("x", "x")),
    ("failUnlessEqual", (2, 2)),
    ("assertNotEqual", (1, 2)),
    ("failIfEqual", (1, 2)),
    ("assertTrue", ([1],)),
    ("failUnless", ("yes",)),
    ("assert_", (3,)),
    ("assertFalse", (0,)),
    ("assertNot", ("",)),
    ("failIf", ([],)),
    ("assertIs", (None, None)),
    ("assertIdentical", (True, True)),
    ("assertIsNot", (1, None)),
    ("assertNotIdentical", (1, None)),
    ("assertIn", (1, [1, 2])),
    ("failUnlessIn", ("a", "cab")),
    ("assertNotIn", (3, [1])),
    ("failIfIn", ("z", "cab")),
    ("assertAlmostEqual", (1.0, 1.00000000001)),
    ("failUnlessAlmostEqual", (1.0, 1.0)),
    ("assertNotAlmostEqual", (1.0, 2.0)),
    ("assertApproximates", (1, 1.05, 0.1)),
    ("assertSubstring", ("a", "cab")),
    ("assertNotSubstring", ("z", "cab")),
    ("assertIsInstance", (1, int)),
    ("assertNotIsInstance", (1, str)),
]


@pytest.mark.parametrize(("name", "args"), _PASSING_ASSERTIONS)
def test_assertions_return_what_trial_returns(name: str, args: tuple[Any, ...]) -> None:
    """A passing assertion returns the same value as trial's (first, condition, containee)."""
    from twisted.trial import unittest as tunittest

    from twistlike import trial

    theirsClass: Any = tunittest.SynchronousTestCase
    theirs = getattr(theirsClass(), name)(*args)
    ours = getattr(trial.SynchronousTestCase(), name)(*args)
    assert type(ours) is type(theirs)
    assert ours == theirs


def test_assert_equal_as_a_callback_passes_the_result_on() -> None:
    """d.addCallback(self.assertEqual, expected) hands the result to the next callback."""
    from twistlike import defer, trial

    case = trial.SynchronousTestCase()
    seen: list[int] = []
    d = defer.succeed(5)
    d.addCallback(case.assertEqual, 5)
    d.addCallback(seen.append)
    assert seen == [5]


# ---- item 15: vars() of a DelayedCall ------------------------------------------------------


def test_vars_of_a_delayed_call_shows_twisteds_keys() -> None:
    """vars(call) lists the same attributes with the same values, before and after cancel."""
    results = []
    for clock in (ttask.Clock(), task.Clock()):
        call = clock.callLater(2, max, 1, key=None)
        before = dict(vars(call))  # (Twisted's vars() is the live dict that cancel() empties)
        clock_call: Any = call
        clock_call.cancel()
        after = vars(call)
        results.append(
            (
                list(before),
                [before[k] for k in ("time", "args", "kw", "cancelled", "delayed_time")],
                before["func"] is max,
                list(after),
                after["cancelled"],
            )
        )
    assert results[0] == results[1]


# ---- item 13: the texts of connectionLost / clientConnectionFailed reasons ------------------

_REASONS_PROGRAM = """
import socket
import sys
from twisted.internet import reactor
from twisted.internet import protocol

sections = {}
current = []
expected = {"lose": 2, "abort": 2, "timeout": 1}
plan = ["lose", "abort", "timeout", "shutdown"]
clients, keep, made = [], [], []


def record(who, reason):
    sections.setdefault(current[0], []).append(
        f"{who}: {type(reason.value).__name__}: {reason.value}"
    )
    if len(sections[current[0]]) == expected.get(current[0]):
        reactor.callLater(0, next_step)


def made_at_shutdown():
    made.append(1)
    if len(made) == 2:
        reactor.stop()


class Server(protocol.Protocol):
    def connectionMade(self):
        if current[0] == "shutdown":
            made_at_shutdown()

    def connectionLost(self, reason):
        record("server", reason)


class Client(protocol.Protocol):
    def connectionMade(self):
        clients.append(self)
        if current[0] == "lose":
            self.transport.loseConnection()
        elif current[0] == "abort":
            self.transport.abortConnection()
        else:
            made_at_shutdown()

    def connectionLost(self, reason):
        record("client", reason)


class ClientFactory(protocol.ClientFactory):
    protocol = Client

    def clientConnectionFailed(self, connector, reason):
        record("failed", reason)


port = reactor.listenTCP(0, protocol.Factory.forProtocol(Server), interface="127.0.0.1")
number = port.getHost().port


def next_step():
    what = plan.pop(0)
    current[:] = [what]
    if what == "timeout":
        # A listen queue that is full and never accepted: the next SYN is dropped.
        full = socket.socket()
        full.bind(("127.0.0.1", 0))
        full.listen(0)
        keep.extend([full, socket.create_connection(full.getsockname())])
        reactor.connectTCP("127.0.0.1", full.getsockname()[1], ClientFactory(), timeout=0.5)
    else:
        reactor.connectTCP("127.0.0.1", number, ClientFactory())


reactor.callWhenRunning(next_step)
reactor.callLater(20, reactor.stop)
reactor.run()
for name, lines in sections.items():
    print("--", name)
    print("\\n".join(sorted(lines)))
"""


def test_reason_texts_match_twisted() -> None:
    """Clean close, abort, connect timeout and shutdown give reasons with Twisted's str()."""
    theirs, ours = twin.run_both(_REASONS_PROGRAM)
    assert theirs.returncode == ours.returncode == 0, ours.stderr
    assert ours.stdout == theirs.stdout
    assert "User timeout caused connection failure.\n" in ours.stdout
    assert ours.stdout.count(": Connection lost.") == 2


# ---- item 7 (and Part 3): a noisy ReconnectingClientFactory's lines ------------------------


class _NamedConnector:
    """A connector whose str() is fixed, so both libraries print the same line."""

    def connect(self) -> None:
        pass

    def stopConnecting(self) -> None:
        pass

    def __str__(self) -> str:
        return "<connector>"


def test_reconnecting_factory_logs_twisteds_classic_lines() -> None:
    """Retry and give-up messages are classic log events with Twisted's text."""
    import twisted.python.log as tlog

    from twistlike import log

    texts = []
    for logModule, factoryClass, clockClass in (
        (tlog, tprotocol.ReconnectingClientFactory, ttask.Clock),
        (log, protocol.ReconnectingClientFactory, task.Clock),
    ):
        events: list[dict[str, Any]] = []
        classic: Any = logModule
        classic.addObserver(events.append)
        try:
            factory: Any = factoryClass()
            factory.clock = clockClass()
            factory.jitter = 0
            factory.maxRetries = 1
            connector = _NamedConnector()
            factory.clientConnectionFailed(connector, None)
            factory.clientConnectionFailed(connector, None)
            factory.stopTrying()
            factory.retry(connector)
        finally:
            classic.removeObserver(events.append)
        texts.append([classic.textFromEventDict(e) for e in events if e.get("message")])
    assert (
        texts[0]
        == texts[1]
        == [
            "<connector> will retry in 1 seconds",
            "Abandoning <connector> after 2 retries.",
            "Abandoning <connector> on explicit request",
        ]
    )

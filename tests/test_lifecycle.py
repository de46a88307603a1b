"""Lifecycle regressions (issue 10): loops that end, threads that race the end, many loops.

Each test here failed before its fix. Tests that need a loop that misbehaves (a server that
cannot start, a resolver that never answers, a connection that returns late) use a small
subclass of asyncio's own loop; everything else runs on asyncio and uvloop as usual.
Waits are bounded by :data:`BOUND`; nothing synchronises on sleeping.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import queue
import socket
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import twistlike
from twistlike import reactor
from twistlike.defer import Deferred, ensureDeferred
from twistlike.error import DNSLookupError
from twistlike.failure import Failure
from twistlike.protocol import ClientFactory, Factory, Protocol
from twistlike.task import react

#: Upper bound for every wait in this file, in seconds (a failure, not a timing assertion).
BOUND = 10.0


class _Recorder(Protocol):
    """Fires ``made``/``lost`` Deferreds when the connection is made and lost."""

    def __init__(self) -> None:
        self.made: Deferred[None] = Deferred()
        self.lost: Deferred[None] = Deferred()
        self.reasons: list[Failure] = []

    def connectionMade(self) -> None:
        """Fire ``made``."""
        self.made.callback(None)

    def connectionLost(self, reason: Failure = Failure(Exception())) -> None:  # noqa: B008
        """Keep the reason and fire ``lost``."""
        self.reasons.append(reason)
        self.lost.callback(None)


class _ServerFactory(Factory):
    """Builds :class:`_Recorder` servers and keeps the last one; fires ``stopped`` at doStop."""

    def __init__(self) -> None:
        self.servers: list[_Recorder] = []
        self.built: Deferred[_Recorder] = Deferred()
        self.stopped: Deferred[None] = Deferred()

    def buildProtocol(self, addr: Any) -> _Recorder:
        """Build and remember one server protocol."""
        proto = _Recorder()
        proto.factory = self
        self.servers.append(proto)
        if not self.built.called:
            self.built.callback(proto)
        return proto

    def stopFactory(self) -> None:
        """Fire ``stopped``."""
        if not self.stopped.called:
            self.stopped.callback(None)


class _ClientFactory(ClientFactory):
    """Builds one :class:`_Recorder` client and records what the connector reports."""

    def __init__(self) -> None:
        self.client = _Recorder()
        self.reports: list[tuple[str, type[BaseException]]] = []
        self.lost: Deferred[None] = Deferred()

    def buildProtocol(self, addr: Any) -> _Recorder:
        """Return the one client protocol."""
        self.client.factory = self
        return self.client

    def clientConnectionFailed(self, connector: Any, reason: Failure) -> None:
        """Record a failed attempt."""
        self.reports.append(("failed", reason.type))

    def clientConnectionLost(self, connector: Any, reason: Failure) -> None:
        """Record a lost connection and fire ``lost``."""
        self.reports.append(("lost", reason.type))
        self.lost.callback(None)


def _run_reactor(loop_factory: Callable[[], asyncio.AbstractEventLoop]) -> None:
    """reactor.run() on a fresh loop, stopped by a watchdog after :data:`BOUND` at worst."""
    watchdog = reactor.callLater(BOUND, reactor.stop)
    reactor.run(installSignalHandlers=False, loop_factory=loop_factory)
    if watchdog.active():
        watchdog.cancel()
    else:
        pytest.fail("the watchdog had to stop the reactor")


_FACTORIES: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {"asyncio": asyncio.new_event_loop}
try:
    import uvloop
except ImportError:  # pragma: no cover - no uvloop on this platform or Python
    pass
else:
    _FACTORIES["uvloop"] = uvloop.new_event_loop


@pytest.fixture(params=sorted(_FACTORIES))
def loop_factory(request: pytest.FixtureRequest) -> Iterator[Callable[[], Any]]:
    """A loop factory for reactor.run(): asyncio's loop, and uvloop's where it is installed."""
    yield _FACTORIES[request.param]
    assert not reactor.running
    assert reactor.getDelayedCalls() == []


# ---- 1. closed loops and their states die ----------------------------------------------------


def test_closed_loops_are_not_kept_alive_by_the_reactor() -> None:
    """After many asyncio.run() calls that used the reactor, none of their loops stays alive."""
    loops: list[weakref.ref[asyncio.AbstractEventLoop]] = []

    async def useReactor() -> None:
        loops.append(weakref.ref(asyncio.get_running_loop()))
        d: Deferred[None] = Deferred()
        reactor.callLater(0, d.callback, None)
        await d

    for _ in range(20):
        asyncio.run(useReactor())
    gc.collect()
    assert [ref for ref in loops if ref() is not None] == []


# ---- 2. run() cancels and awaits leftover tasks -------------------------------------------------


def test_run_cancels_leftover_tasks_so_their_finally_runs(
    loop_factory: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    """A task still pending when run() ends is cancelled and finishes before run() returns."""
    events: list[object] = []

    async def forever() -> None:
        try:
            await asyncio.get_running_loop().create_future()
        finally:
            events.append("finally")

    def start() -> None:
        d = ensureDeferred(forever())
        d.addErrback(lambda f: events.append(f.type))
        reactor.callLater(0, reactor.stop)

    reactor.callWhenRunning(start)
    _run_reactor(loop_factory)
    assert events[0] == "finally"
    assert len(events) == 2 and issubclass(events[1], BaseException)  # type: ignore[arg-type]


# ---- 4. callFromThread racing the end of a loop -----------------------------------------------


class _ClosesUnnoticed(asyncio.SelectorEventLoop):
    """A loop that, while ``racing`` is set, still says it is open after it closed.

    That is what ``callFromThread`` sees when the loop closes between its check and its
    ``call_soon_threadsafe``: this makes the race deterministic.
    """

    racing = False

    def is_closed(self) -> bool:
        """Pretend to be open while racing."""
        return False if self.racing else super().is_closed()


def test_callFromThread_after_the_loop_closed_is_dropped_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A call from a thread that reaches a loop which just closed is dropped with a warning."""
    ran: list[object] = []
    raised: list[BaseException] = []

    async def useReactor() -> None:
        reactor.getDelayedCalls()  # calls from threads now go to this loop

    with asyncio.Runner(loop_factory=_ClosesUnnoticed) as runner:
        runner.run(useReactor())
        loop = runner.get_loop()  # kept alive: the reactor still points at it

    def fromThread() -> None:
        try:
            reactor.callFromThread(ran.append, "ran")
        except BaseException as e:
            raised.append(e)

    assert isinstance(loop, _ClosesUnnoticed)
    loop.racing = True
    try:
        with caplog.at_level(logging.WARNING, logger="twistlike.reactor"):
            thread = threading.Thread(target=fromThread)
            thread.start()
            thread.join(BOUND)
    finally:
        loop.racing = False
    assert loop.is_closed()
    assert raised == []
    assert ran == []
    assert any("dropped" in r.getMessage() for r in caplog.records)


# ---- 5. blockingCallFromThread during shutdown --------------------------------------------------

_BLOCKING_AT_SHUTDOWN = """
import threading
from twistlike import reactor
from twistlike.error import ReactorNotRunning
from twistlike.threads import blockingCallFromThread

shutdown = threading.Event()
outcome = []

def worker():
    shutdown.wait()
    try:
        blockingCallFromThread(reactor, lambda: "answered")
    except ReactorNotRunning as e:
        outcome.append("ReactorNotRunning")
    else:
        outcome.append("answered")

reactor.callWhenRunning(reactor.callInThread, worker)
reactor.callWhenRunning(reactor.stop)
reactor.addSystemEventTrigger("after", "shutdown", shutdown.set)
reactor.run(installSignalHandlers=False)
print(outcome)
"""


def test_blockingCallFromThread_during_shutdown_fails_instead_of_deadlocking() -> None:
    """A pool thread that calls blockingCallFromThread as run() ends gets ReactorNotRunning."""
    result = subprocess.run(
        [sys.executable, "-c", _BLOCKING_AT_SHUTDOWN],
        capture_output=True,
        text=True,
        timeout=BOUND * 2,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['ReactorNotRunning']"


def test_blockingCallFromThread_after_run_ended_is_answered_by_the_next_run(
    loop_factory: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    """After run() ended, blocking calls work again: the next run() answers one."""
    reactor.callWhenRunning(reactor.stop)
    _run_reactor(loop_factory)
    from twistlike.threads import blockingCallFromThread

    answers: list[object] = []

    def answer() -> str:
        reactor.callLater(0, reactor.stop)
        return "answered"

    def fromThread() -> None:
        try:
            answers.append(blockingCallFromThread(reactor, answer))
        except BaseException as e:
            answers.append(e)

    thread = threading.Thread(target=fromThread)
    thread.start()
    # Whether the call reaches the pending state or the running loop first, this run
    # answers it (and `answer` stops the reactor).
    _run_reactor(loop_factory)
    thread.join(BOUND)
    assert answers == ["answered"]


# ---- 6. the reactor seen from a worker thread -------------------------------------------------


def test_running_and_callLater_from_a_worker_thread_while_run_runs(
    loop_factory: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    """From a thread, ``running`` is true while run() runs, callWhenRunning calls at once (as
    Twisted's), and callLater and addSystemEventTrigger raise clearly instead of parking the
    call forever."""
    seen: list[object] = []

    def worker() -> None:
        seen.append(reactor.running)
        reactor.callWhenRunning(seen.append, "at once")
        try:
            reactor.callLater(0, seen.append, "parked")
        except RuntimeError as e:
            seen.append(str(e))
        try:
            reactor.addSystemEventTrigger("before", "shutdown", seen.append, "parked trigger")
        except RuntimeError as e:
            seen.append(str(e))
        reactor.callFromThread(reactor.stop)

    reactor.callWhenRunning(reactor.callInThread, worker)
    _run_reactor(loop_factory)
    assert seen[:2] == [True, "at once"]
    assert isinstance(seen[2], str) and "callFromThread(reactor.callLater" in seen[2]
    assert isinstance(seen[3], str)
    assert "callFromThread(reactor.addSystemEventTrigger" in seen[3]
    assert len(seen) == 4


def test_shutdown_trigger_added_through_callFromThread_runs(
    loop_factory: Callable[[], asyncio.AbstractEventLoop],
) -> None:
    """The way the error points to: a worker thread's shutdown trigger, added with
    callFromThread, runs when the reactor stops."""
    seen: list[object] = []

    def worker() -> None:
        reactor.callFromThread(
            reactor.addSystemEventTrigger, "before", "shutdown", seen.append, "trigger ran"
        )
        reactor.callFromThread(reactor.stop)

    reactor.callWhenRunning(reactor.callInThread, worker)
    _run_reactor(loop_factory)
    assert seen == ["trigger ran"]


@pytest.mark.asyncio
async def test_running_is_true_from_to_thread_in_an_embedded_loop() -> None:
    """In an application's own loop, a worker thread sees the reactor running too."""
    reactor.getDelayedCalls()  # the reactor is used on this loop
    async with asyncio.timeout(BOUND):
        assert await asyncio.to_thread(lambda: reactor.running) is True


# ---- 10. react() with an async main ------------------------------------------------------------


def test_react_runs_an_async_main_on_the_running_loop() -> None:
    """react(async main) starts main once the loop runs, so it may await asyncio first."""
    seen: list[object] = []

    async def main(r: Any) -> None:
        await asyncio.sleep(0)
        seen.append(type(asyncio.get_running_loop()))

    with pytest.raises(SystemExit) as exit:
        react(main)
    assert exit.value.code == 0
    assert len(seen) == 1 and issubclass(seen[0], asyncio.AbstractEventLoop)  # type: ignore[arg-type]


def test_react_exit_code_of_an_async_main_that_fails() -> None:
    """react(async main) exits 3 when main raises SystemExit(3) after an asyncio await."""

    async def main(r: Any) -> None:
        await asyncio.get_running_loop().create_task(asyncio.sleep(0))
        raise SystemExit(3)

    with pytest.raises(SystemExit) as exit:
        react(main)
    assert exit.value.code == 3


# ---- 11. a connection uses its own loop --------------------------------------------------------


def test_loseConnection_outside_the_loop_uses_the_connections_own_loop() -> None:
    """loseConnection() called while no loop runs schedules on the connection's own loop."""
    loop = asyncio.new_event_loop()
    try:
        factory = _ServerFactory()
        client = _ClientFactory()

        async def connect() -> tuple[Any, _Recorder]:
            port = reactor.listenTCP(0, factory, interface="127.0.0.1")
            reactor.connectTCP("127.0.0.1", port.getHost().port, client)
            async with asyncio.timeout(BOUND):
                server = await factory.built
                await server.made
                await client.client.made
            return port, server

        port, server = loop.run_until_complete(connect())
        assert server.transport is not None
        server.transport.loseConnection()  # no loop runs in this thread now

        async def finish() -> None:
            async with asyncio.timeout(BOUND):
                await client.client.lost
                await server.lost
                await port.stopListening()

        loop.run_until_complete(finish())
        assert [r.type.__name__ for r in client.client.reasons] == ["ConnectionDone"]
    finally:
        loop.close()


# ---- 12. a port that cannot be served ----------------------------------------------------------


class _CannotServe(asyncio.SelectorEventLoop):
    """A loop whose create_server fails (as when the process runs out of descriptors)."""

    async def create_server(self, *args: Any, **kwargs: Any) -> Any:
        """Fail."""
        raise OSError(errno.EMFILE, "Too many open files")


@pytest.mark.twistlike_allow_unhandled_errors
def test_port_that_cannot_be_served_stops_listening(caplog: pytest.LogCaptureFixture) -> None:
    """When serving the bound socket fails, the error is logged and the port stops listening."""

    async def main() -> Any:
        factory = _ServerFactory()
        port = reactor.listenTCP(0, factory, interface="127.0.0.1")
        async with asyncio.timeout(BOUND):
            await factory.stopped
        return port

    with asyncio.Runner(loop_factory=_CannotServe) as runner:
        port = runner.run(main())
    assert port.connected is False
    assert port.socket is None
    assert any("Could not serve" in r.getMessage() for r in caplog.records)


def test_port_of_a_loop_that_ended_before_serving_closes_its_socket() -> None:
    """A port whose loop ended before it was served releases its socket (the port is free)."""
    ports: list[Any] = []
    factory = _ServerFactory()

    async def main() -> None:
        ports.append(reactor.listenTCP(0, factory, interface="127.0.0.1"))

    asyncio.run(main())
    number = ports[0].getHost().port
    assert ports[0].connected is False
    assert factory.stopped.called
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", number))  # in use while the old socket still listens
        probe.listen(1)
    finally:
        probe.close()


# ---- 13. resolve() timeout; connect timeout after connection_made -----------------------------


class _NeverResolves(asyncio.SelectorEventLoop):
    """A loop whose resolver never answers."""

    async def getaddrinfo(self, *args: Any, **kwargs: Any) -> Any:
        """Wait until cancelled."""
        await self.create_future()


def test_resolve_fails_when_its_timeout_expires() -> None:
    """reactor.resolve(name, timeout) fails with DNSLookupError once sum(timeout) passed."""

    async def main() -> Failure:
        d = reactor.resolve("never.invalid", timeout=(0, 0))
        async with asyncio.timeout(BOUND):
            try:
                await d
            except DNSLookupError:
                return Failure()
        raise AssertionError("resolve() succeeded")

    with asyncio.Runner(loop_factory=_NeverResolves) as runner:
        failure = runner.run(main())
    assert "timeout" in str(failure.value)


class _LateConnect(asyncio.SelectorEventLoop):
    """A loop whose create_connection returns only when ``release`` is set.

    The connection is made (``connection_made`` ran) before that: the connect timeout can
    expire between the two, as it can under load or with a slow TLS handshake.
    """

    release: asyncio.Future[None]

    async def create_connection(self, *args: Any, **kwargs: Any) -> Any:
        """Connect, then wait for ``release``."""
        result = await super().create_connection(*args, **kwargs)
        await self.release
        return result


def test_connect_timeout_after_connection_made_does_not_fail_the_connection() -> None:
    """A connect timeout that expires after connection_made leaves the connection alone."""

    async def main() -> list[tuple[str, type[BaseException]]]:
        loop = asyncio.get_running_loop()
        assert isinstance(loop, _LateConnect)
        loop.release = loop.create_future()
        server = _ServerFactory()
        port = reactor.listenTCP(0, server, interface="127.0.0.1")
        client = _ClientFactory()
        reactor.connectTCP("127.0.0.1", port.getHost().port, client, timeout=0.01)
        async with asyncio.timeout(BOUND):
            await client.client.made
            # Timers run in deadline order: this one is due after the connect timeout.
            loop.call_later(0.05, loop.release.set_result, None)
            await loop.release
            await asyncio.sleep(0)
            assert client.client.transport is not None
            assert client.client.transport.connected
            client.client.transport.loseConnection()
            await client.lost
            await port.stopListening()
        return client.reports

    with asyncio.Runner(loop_factory=_LateConnect) as runner:
        reports = runner.run(main())
    assert [what for what, _ in reports] == ["lost"]


# ---- 14. the loop lookup from many threads -------------------------------------------------------


def test_loop_lookup_stays_coherent_when_another_thread_runs_between_any_two_lines() -> None:
    """The reactor's loop lookup cache is never torn, whatever line a thread switch falls on.

    Free-threaded Python can run another thread's lookup between any two statements of
    ours; a line tracer makes that happen here on every line of the reactor's lookup code:
    thread B looks up its state before each line thread A executes. Afterwards each thread
    must still see its own loop's calls.
    """
    aio = str(Path(twistlike.__file__).parent / "_aio")
    requests: queue.SimpleQueue[str] = queue.SimpleQueue()
    replies: queue.SimpleQueue[bool] = queue.SimpleQueue()

    async def threadB() -> None:
        mine = reactor.callLater(1000, lambda: None)
        replies.put(True)
        # Blocking inside the loop on purpose: each request is one lookup on this loop.
        while requests.get(timeout=BOUND) == "lookup":
            replies.put(reactor.getDelayedCalls() == [mine])
        mine.cancel()

    b = threading.Thread(target=asyncio.run, args=(threadB(),))
    b.start()
    seenByB: list[bool] = [replies.get(timeout=BOUND)]

    def switchToB(frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            requests.put("lookup")
            seenByB.append(replies.get(timeout=BOUND))
        return switchToB

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        return switchToB if frame.f_code.co_filename.startswith(aio) else None

    async def threadA() -> bool:
        mine = reactor.callLater(1000, lambda: None)
        requests.put("lookup")  # B was the last to look up: A's next lookup misses the cache
        seenByB.append(replies.get(timeout=BOUND))
        previous = sys.gettrace()
        sys.settrace(tracer)
        try:
            calls = reactor.getDelayedCalls()
        finally:
            sys.settrace(previous)
        requests.put("lookup")  # B's lookup after A's: it must not get A's state
        seenByB.append(replies.get(timeout=BOUND))
        mine.cancel()
        return calls == [mine]

    try:
        seenByA = asyncio.run(threadA())
    finally:
        requests.put("stop")
        b.join(BOUND)
    assert seenByA
    assert len(seenByB) > 3
    assert all(seenByB)

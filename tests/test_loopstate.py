"""The reactor's internal per-loop API (twistlike/_aio/loopstate.py), as its users see it.

Endpoints, threads, trial and the pytest plugin reach the reactor's state only through
these functions; these tests pin what they promise.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from twistlike import reactor
from twistlike._aio import loopstate
from twistlike.defer import Deferred
from twistlike.protocol import Factory, Protocol
from twistlike.testing import MemoryReactorClock

#: Upper bound for every wait in this file, in seconds (a failure, not a timing assertion).
BOUND = 10.0


def test_other_reactors_have_no_states() -> None:
    """A fake reactor is not twistlike's: no states, and current() says so clearly."""
    fake = MemoryReactorClock()
    assert loopstate.states_of(fake) is None
    assert loopstate.states_of(object()) is None
    with pytest.raises(TypeError, match="not a twistlike reactor"):
        loopstate.current(fake)


def test_delivery_of_a_fake_reactor_is_its_callFromThread() -> None:
    """For a reactor-like object, results go back through its own callFromThread."""

    class Fake:
        def callFromThread(self, f: Any, *a: Any) -> None:
            """Record nothing: only its identity matters here."""

    fake = Fake()
    assert loopstate.delivery(fake) == fake.callFromThread
    assert loopstate.in_loop_thread(fake) is False


@pytest.mark.asyncio
async def test_current_state_lists_open_ports_and_connections() -> None:
    """open_ports/open_connections list what is open on this loop; disconnect_all ends it."""
    state = loopstate.current(reactor)
    assert state is loopstate.current(reactor)
    assert state.loop is asyncio.get_running_loop()
    made: Deferred[None] = Deferred()
    lost: Deferred[None] = Deferred()

    class Server(Protocol):
        def connectionMade(self) -> None:
            """Fire ``made``."""
            made.callback(None)

        def connectionLost(self, reason: Any = None) -> None:
            """Fire ``lost``."""
            lost.callback(None)

    port = reactor.listenTCP(0, Factory.forProtocol(Server), interface="127.0.0.1")
    assert state.open_ports() == [port]
    reader, writer = await asyncio.open_connection("127.0.0.1", port.getHost().port)
    try:
        async with asyncio.timeout(BOUND):
            await made
        assert len(state.open_connections()) == 1
        state.disconnect_all()
        async with asyncio.timeout(BOUND):
            await lost
            assert await reader.read() == b""
        assert state.open_ports() == []
        assert state.open_connections() == []
    finally:
        writer.close()


def test_on_loop_waits_for_run_then_gets_its_loop() -> None:
    """on_loop(reactor, fn) with no loop running calls fn(loop) once run() has a loop."""
    seen: list[object] = []

    def fn(loop: asyncio.AbstractEventLoop) -> None:
        seen.append(loop is asyncio.get_running_loop())
        reactor.stop()

    loopstate.on_loop(reactor, fn)
    assert seen == []
    watchdog = reactor.callLater(BOUND, reactor.stop)
    reactor.run(installSignalHandlers=False)
    assert watchdog.active()
    watchdog.cancel()
    assert seen == [True]


def test_forget_drops_a_loops_state() -> None:
    """After forget(reactor, loop), the loop gets a fresh state the next time it is used."""
    loop = asyncio.new_event_loop()
    try:

        async def state() -> loopstate.LoopState:
            return loopstate.current(reactor)

        first = loop.run_until_complete(state())
        assert loop.run_until_complete(state()) is first
        loopstate.forget(reactor, loop)
        assert loop.run_until_complete(state()) is not first
    finally:
        loopstate.forget(reactor, loop)
        loop.close()


def test_in_loop_thread_is_false_in_a_plain_thread() -> None:
    """in_loop_thread is true inside a running loop and false in a thread without one."""
    answers: list[bool] = []

    async def inside() -> bool:
        return loopstate.in_loop_thread(reactor)

    answers.append(asyncio.run(inside()))
    thread = threading.Thread(target=lambda: answers.append(loopstate.in_loop_thread(reactor)))
    thread.start()
    thread.join(BOUND)
    assert answers == [True, False]

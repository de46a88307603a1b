"""ReconnectingClientFactory and ClientCreator, compared with Twisted where it matters."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest
from twisted.internet import protocol as tprotocol
from twisted.internet import task as ttask
from twisted.python import failure as tfailure

from twistlike import error, reactor
from twistlike.failure import Failure
from twistlike.protocol import ClientCreator, Factory, Protocol, ReconnectingClientFactory
from twistlike.task import Clock


class _Connector:
    """A connector double that counts connect() calls and can refuse stopConnecting."""

    def __init__(self) -> None:
        self.connects = 0
        self.stops = 0
        self.connecting = False

    def connect(self) -> None:
        self.connects += 1

    def stopConnecting(self) -> None:
        self.stops += 1
        if not self.connecting:
            raise error.NotConnectingError("not connecting")


class _TwistedConnector(_Connector):
    def stopConnecting(self) -> None:
        from twisted.internet import error as terror

        self.stops += 1
        if not self.connecting:
            raise terror.NotConnectingError("not connecting")


def _schedule(factory: Any, clock: Any, connector: _Connector, failures: int) -> list[float]:
    """Fail `failures` times in a row; return the delay before each reconnect."""
    delays = []
    for _ in range(failures):
        before = clock.seconds()
        factory.clientConnectionFailed(connector, None)
        calls = clock.getDelayedCalls()
        if not calls:
            break
        delays.append(calls[0].getTime() - before)
        clock.advance(calls[0].getTime() - before)
    return delays


@pytest.mark.parametrize("seed", [0, 1, 42])
@pytest.mark.parametrize("maxRetries", [None, 3])
def test_reconnect_delays_match_twisted(seed: int, maxRetries: int | None) -> None:
    """The backoff delays (with jitter, same random seed) and retry limit are Twisted's."""
    ours = ReconnectingClientFactory[Protocol]()
    ours.clock = Clock()
    ours.maxRetries = maxRetries
    ours.maxDelay = 60
    theirs: Any = tprotocol.ReconnectingClientFactory()
    theirs.clock = ttask.Clock()
    theirs.maxRetries = maxRetries
    theirs.maxDelay = 60
    random.seed(seed)
    ours_delays = _schedule(ours, ours.clock, _Connector(), 12)
    random.seed(seed)
    theirs_delays = _schedule(theirs, theirs.clock, _TwistedConnector(), 12)
    assert ours_delays == pytest.approx(theirs_delays)
    assert ours.retries == theirs.retries


def test_reconnect_connects_again_after_the_delay() -> None:
    """A lost connection reconnects through the connector once the delay has passed."""
    factory = ReconnectingClientFactory[Protocol]()
    factory.clock = clock = Clock()
    factory.jitter = 0
    connector = _Connector()
    factory.clientConnectionLost(connector, Failure(error.ConnectionLost()))
    assert connector.connects == 0
    clock.advance(factory.delay)
    assert connector.connects == 1


def test_stop_trying_cancels_the_pending_retry() -> None:
    """stopTrying cancels the scheduled reconnect and later failures do not retry."""
    factory = ReconnectingClientFactory[Protocol]()
    factory.clock = clock = Clock()
    connector = _Connector()
    factory.clientConnectionFailed(connector, Failure(error.ConnectionRefusedError()))
    assert clock.getDelayedCalls()
    factory.stopTrying()
    assert clock.getDelayedCalls() == []
    assert connector.stops == 1
    factory.clientConnectionFailed(connector, Failure(error.ConnectionRefusedError()))
    assert clock.getDelayedCalls() == []


def test_reset_delay_starts_the_backoff_afresh() -> None:
    """resetDelay puts delay and retries back to their start values."""
    factory = ReconnectingClientFactory[Protocol]()
    factory.clock = Clock()
    _schedule(factory, factory.clock, _Connector(), 3)
    assert factory.retries == 3
    factory.resetDelay()
    assert (factory.delay, factory.retries, factory.continueTrying) == (1.0, 0, 1)


def test_retry_without_a_connector_raises() -> None:
    """retry() with no connector known raises ValueError, as in Twisted."""
    factory = ReconnectingClientFactory[Protocol]()
    with pytest.raises(ValueError):
        factory.retry()
    twisted: Any = tprotocol.ReconnectingClientFactory()
    with pytest.raises(ValueError):
        twisted.retry()


def test_pickled_state_drops_connection_state() -> None:
    """__getstate__ leaves out the connector and backoff state, as Twisted's does."""
    factory: Any = ReconnectingClientFactory()
    factory.connector = object()
    factory.retries = 3
    factory.extra = "kept"
    assert factory.__getstate__() == {"extra": "kept"}
    twisted: Any = tprotocol.ReconnectingClientFactory()
    twisted.connector = object()
    twisted.retries = 3
    twisted.extra = "kept"
    assert twisted.__getstate__() == {"extra": "kept"}
    assert tfailure  # the oracle module is importable


class _Greeter(Protocol):
    made = False

    def connectionMade(self) -> None:
        self.made = True


@pytest.mark.asyncio
async def test_client_creator_fires_after_connection_made() -> None:
    """ClientCreator.connectTCP fires with the protocol instance after connectionMade."""
    port = reactor.listenTCP(0, Factory.forProtocol(Protocol), interface="127.0.0.1")
    try:
        async with asyncio.timeout(5):
            proto = await ClientCreator(reactor, _Greeter).connectTCP(
                "127.0.0.1", port.getHost().port
            )
        assert isinstance(proto, _Greeter)
        assert proto.made
        proto.transport.loseConnection()
    finally:
        await port.stopListening()


@pytest.mark.asyncio
async def test_client_creator_refused_fails_the_deferred() -> None:
    """A refused ClientCreator connection fails its Deferred with ConnectionRefusedError."""
    probe = reactor.listenTCP(0, Factory.forProtocol(Protocol), interface="127.0.0.1")
    portNumber = probe.getHost().port
    await probe.stopListening()
    with pytest.raises(error.ConnectionRefusedError):
        async with asyncio.timeout(5):
            await ClientCreator(reactor, _Greeter).connectTCP("127.0.0.1", portNumber)

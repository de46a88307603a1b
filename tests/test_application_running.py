"""Services on a running asyncio loop: strports, TCPServer and ``application.running``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from twistlike import reactor
from twistlike.application import running, strports
from twistlike.application.internet import TCPServer
from twistlike.application.service import Application, IService, MultiService, Service
from twistlike.defer import Deferred
from twistlike.error import CannotListenError
from twistlike.protocol import Factory, Protocol


class Echo(Protocol):
    def dataReceived(self, data: bytes) -> None:
        assert self.transport is not None
        self.transport.write(data)


async def _echo_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    writer.write(b"ping")
    await writer.drain()
    data = await reader.readexactly(4)
    writer.close()
    await writer.wait_closed()
    return data


class SlowStop(Service):
    """Stops half a tick later, through the reactor, and records it."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def startService(self) -> None:
        super().startService()
        self.events.append("started")

    def stopService(self) -> Deferred[None]:
        super().stopService()
        self.events.append("stopping")
        d: Deferred[None] = Deferred()

        def done() -> None:
            self.events.append("stopped")
            d.callback(None)

        reactor.callLater(0.01, done)
        return d


@pytest.mark.asyncio
async def test_running_serves_a_strports_service_and_stops_it(tmp_path: Path) -> None:
    """A strports service inside ``running`` serves while the block runs and stops after."""
    path = str(tmp_path / "echo.sock")
    app = Application("echo")
    strports.service(f"unix:{path}", Factory.forProtocol(Echo)).setServiceParent(app)
    async with asyncio.timeout(10):
        async with running(app) as service:
            assert service is IService(app)
            assert service.running
            reader, writer = await asyncio.open_unix_connection(path)
            assert await _echo_once(reader, writer) == b"ping"
        assert not service.running
        with pytest.raises(OSError):
            await asyncio.open_unix_connection(path)


@pytest.mark.asyncio
async def test_running_awaits_stop_on_cancellation() -> None:
    """Cancelling the task inside ``running`` still runs and awaits stopService."""
    slow = SlowStop()
    entered = asyncio.Event()

    async def body() -> None:
        async with running(slow):
            entered.set()
            await asyncio.Event().wait()

    async with asyncio.timeout(10):
        task = asyncio.ensure_future(body())
        await entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert slow.events == ["started", "stopping", "stopped"]


@pytest.mark.asyncio
async def test_running_stops_on_error_and_reraises() -> None:
    """An exception in the block stops the services, then propagates unchanged."""
    parent = MultiService()
    slow = SlowStop()
    slow.setServiceParent(parent)
    async with asyncio.timeout(10):
        with pytest.raises(KeyError, match="boom"):
            async with running(parent):
                raise KeyError("boom")
    assert slow.events == ["started", "stopping", "stopped"]


@pytest.mark.asyncio
async def test_tcp_server_and_strports_listen_on_loopback() -> None:
    """strports.listen returns a bound port; TCPServer on a taken port fails at start."""
    port = strports.listen("tcp:0:interface=127.0.0.1", Factory.forProtocol(Echo))
    try:
        number = port.getHost().port
        async with asyncio.timeout(10):
            reader, writer = await asyncio.open_connection("127.0.0.1", number)
            assert await _echo_once(reader, writer) == b"ping"
        taken = TCPServer(number, Factory.forProtocol(Echo), interface="127.0.0.1")
        with pytest.raises(CannotListenError):
            taken.privilegedStartService()
        duplicate = strports.service(f"tcp:{number}:interface=127.0.0.1", Factory())
        with pytest.raises(CannotListenError):
            duplicate.startService()
    finally:
        await port.stopListening()


def test_strports_service_rejects_bad_descriptions() -> None:
    """A malformed description fails when the service is made, with ValueError."""
    with pytest.raises(ValueError):
        strports.service("nonsense:1", Factory())


def test_running_accepts_only_services() -> None:
    """``running`` on something that is not a service fails with TypeError at entry."""

    async def enter() -> Any:
        async with running(object()):
            pass

    coroutine = enter()
    with pytest.raises(TypeError):
        coroutine.send(None)
    coroutine.close()


def test_start_application_starts_when_running_and_waits_for_stop() -> None:
    """app.startApplication: startService runs once the reactor runs; reactor.run() returns
    only after the Deferred of stopService fired."""
    from twistlike.application.app import startApplication

    events: list[str] = []
    app = Application("lifecycle")
    slow = SlowStop()
    slow.setServiceParent(app)
    startApplication(app, False)
    events.append(f"before run: {slow.running}")

    def stopSoon() -> None:
        events.append(f"running: {slow.running}")
        reactor.stop()

    reactor.callWhenRunning(stopSoon)
    reactor.run(installSignalHandlers=False)
    events.append("run returned")
    assert events == ["before run: 0", "running: 1", "run returned"]
    assert slow.events == ["started", "stopping", "stopped"]


def test_start_application_refuses_save() -> None:
    """startApplication(app, save=True) fails clearly: persisted applications are not supported."""
    from twistlike.application.app import startApplication

    with pytest.raises(ValueError, match="not supported"):
        startApplication(Application("x"), True)

"""Services that listen, connect, repeat a call, or keep a client connection alive.

Twisted: twisted.application.internet.

``TCPServer(8080, factory)`` calls ``reactor.listenTCP(8080, factory)`` when it starts and
``stopListening`` when it stops; the ``*Client`` services call ``reactor.connect*``.
``ClientService`` keeps one connection to an endpoint, reconnecting with a back-off policy.
"""

from __future__ import annotations

from collections.abc import Callable
from random import random as _jitter
from typing import Any

from twistlike._core.deferred import CancelledError, Deferred, fail, maybeDeferred, succeed
from twistlike.application._service import Service
from twistlike.failure import Failure
from twistlike.log import err
from twistlike.logger import Logger
from twistlike.task import Cooperator, LoopingCall

__all__ = [
    "ClientService",
    "CooperatorService",
    "MulticastServer",
    "SSLClient",
    "SSLServer",
    "StreamServerEndpointService",
    "TCPClient",
    "TCPServer",
    "TimerService",
    "UDPServer",
    "UNIXClient",
    "UNIXDatagramClient",
    "UNIXDatagramServer",
    "UNIXServer",
    "backoffPolicy",
]

# What each reactor method needs, for the error when a reactor handed to a service lacks it.
_FEATURE_DOCS = {
    "TCP": ("TCP", "docs/reactor.md"),
    "UNIX": ("UNIX sockets", "docs/reactor.md"),
    "SSL": ("TLS", "docs/tls.md"),
    "UDP": ("UDP", "docs/posix.md"),
    "UNIXDatagram": ("UNIX datagram sockets", "docs/posix.md"),
    "Multicast": ("UDP multicast", "docs/posix.md"),
}


def maybe_global_reactor(reactor: Any) -> Any:
    """``reactor``, or twistlike's global reactor when it is None."""
    if reactor is None:
        from twistlike import reactor as globalReactor

        return globalReactor
    return reactor


def _reactorMethod(reactor: Any, name: str, method: str) -> Any:
    """The reactor's ``listenX``/``connectX`` method, or a clear error naming the feature.

    Twisted raises a bare AttributeError here; this one says which transport the service
    needs (twistlike's own reactor has them all; a fake or custom reactor may not).
    """
    reactor = maybe_global_reactor(reactor)
    found = getattr(reactor, name, None)
    if found is None:
        feature, docs = _FEATURE_DOCS.get(method, (method, "docs/services.md"))
        raise AttributeError(
            f"the reactor {reactor!r} has no {name}(), so the {method} service cannot start: "
            f"it needs a reactor with {feature} (twistlike's reactor has it; see {docs})"
        )
    return found


class _AbstractServer(Service):
    """Listen with ``reactor.listen<method>(*args, **kwargs)`` while running."""

    method: str = ""
    reactor: Any = None
    _port: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args
        if "reactor" in kwargs:
            self.reactor = kwargs.pop("reactor")
        self.kwargs = kwargs

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_port", None)
        return state

    def privilegedStartService(self) -> None:
        """Listen now (before privileges are dropped, so low ports work)."""
        Service.privilegedStartService(self)
        self._port = self._getPort()

    def startService(self) -> None:
        """Listen, unless privilegedStartService already did."""
        Service.startService(self)
        if self._port is None:
            self._port = self._getPort()

    def stopService(self) -> Any:
        """Stop listening; returns the port's stopListening Deferred (or None)."""
        Service.stopService(self)
        if self._port is not None:
            result = self._port.stopListening()
            del self._port
            return result
        return None

    def _getPort(self) -> Any:
        listen = _reactorMethod(self.reactor, "listen" + self.method, self.method)
        return listen(*self.args, **self.kwargs)


class _AbstractClient(Service):
    """Connect with ``reactor.connect<method>(*args, **kwargs)`` while running."""

    method: str = ""
    reactor: Any = None
    _connection: Any = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args
        if "reactor" in kwargs:
            self.reactor = kwargs.pop("reactor")
        self.kwargs = kwargs

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_connection", None)
        return state

    def startService(self) -> None:
        """Connect."""
        Service.startService(self)
        connect = _reactorMethod(self.reactor, "connect" + self.method, self.method)
        self._connection = connect(*self.args, **self.kwargs)

    def stopService(self) -> None:
        """Disconnect (or stop the connection attempt)."""
        Service.stopService(self)
        if self._connection is not None:
            self._connection.disconnect()
            del self._connection


class TCPServer(_AbstractServer):
    """Serve TCP: ``reactor.listenTCP(*args, **kwargs)`` while the service runs.

    Twisted: twisted.application.internet.TCPServer.
    """

    method = "TCP"


class TCPClient(_AbstractClient):
    """Connect over TCP: ``reactor.connectTCP(*args, **kwargs)`` when the service starts.

    Twisted: twisted.application.internet.TCPClient.
    """

    method = "TCP"


class UNIXServer(_AbstractServer):
    """Serve a UNIX socket: ``reactor.listenUNIX(*args, **kwargs)`` while running.

    Twisted: twisted.application.internet.UNIXServer.
    """

    method = "UNIX"


class UNIXClient(_AbstractClient):
    """Connect to a UNIX socket: ``reactor.connectUNIX(*args, **kwargs)`` at start.

    Twisted: twisted.application.internet.UNIXClient.
    """

    method = "UNIX"


class SSLServer(_AbstractServer):
    """Serve TLS: ``reactor.listenSSL(*args, **kwargs)`` while running.

    Twisted: twisted.application.internet.SSLServer.
    """

    method = "SSL"


class SSLClient(_AbstractClient):
    """Connect over TLS: ``reactor.connectSSL(*args, **kwargs)`` at start.

    Twisted: twisted.application.internet.SSLClient.
    """

    method = "SSL"


class UDPServer(_AbstractServer):
    """Serve UDP: ``reactor.listenUDP(*args, **kwargs)`` while running.

    Twisted: twisted.application.internet.UDPServer.
    """

    method = "UDP"


class UNIXDatagramServer(_AbstractServer):
    """Serve a UNIX datagram socket: ``reactor.listenUNIXDatagram(*args, **kwargs)``.

    Twisted: twisted.application.internet.UNIXDatagramServer.
    """

    method = "UNIXDatagram"


class UNIXDatagramClient(_AbstractClient):
    """Connect a UNIX datagram socket: ``reactor.connectUNIXDatagram(*args, **kwargs)``.

    Twisted: twisted.application.internet.UNIXDatagramClient.
    """

    method = "UNIXDatagram"


class MulticastServer(_AbstractServer):
    """Serve UDP multicast: ``reactor.listenMulticast(*args, **kwargs)`` while running.

    Twisted: twisted.application.internet.MulticastServer.
    """

    method = "Multicast"


class CooperatorService(Service):
    """Runs a :class:`twistlike.task.Cooperator` while the service runs.

    Twisted: twisted.application.internet.CooperatorService.
    """

    def __init__(self) -> None:
        self.coop = Cooperator(started=False)

    def coiterate(self, iterator: Any) -> Deferred[Any]:
        """Run ``iterator`` on the cooperator; the Deferred fires when it is exhausted."""
        return self.coop.coiterate(iterator)

    def startService(self) -> None:
        self.coop.start()

    def stopService(self) -> None:
        self.coop.stop()


class TimerService(Service):
    """Call ``callable(*args, **kwargs)`` every ``step`` seconds while running.

    Twisted: twisted.application.internet.TimerService.

    The first call is made at start. ``stopService`` returns a Deferred that fires once a
    call in progress (one that returned a Deferred) has finished. ``clock`` (None: the
    reactor) may be set before the service starts.
    """

    def __init__(self, step: float, callable: Callable[..., Any], *args: Any, **kwargs: Any):
        self.step = step
        self.call = (callable, args, kwargs)
        self.clock: Any = None

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_loop", None)
        state.pop("_loopFinished", None)
        return state

    def startService(self) -> None:
        Service.startService(self)
        callable, args, kwargs = self.call
        # A new LoopingCall per start: a stopped one cannot be restarted with its old result.
        self._loop = LoopingCall(callable, *args, **kwargs)
        self._loop.clock = maybe_global_reactor(self.clock)
        self._loopFinished: Deferred[Any] = self._loop.start(self.step, now=True)
        self._loopFinished.addErrback(self._failed)

    def _failed(self, why: Failure) -> None:
        # The loop stopped by itself; stopService must not stop it again.
        self._loop.running = False
        err(why)

    def stopService(self) -> Deferred[Any]:
        if self._loop.running:
            self._loop.stop()
        self._loopFinished.addCallback(lambda _: Service.stopService(self))
        return self._loopFinished


class StreamServerEndpointService(Service):
    """Listen on a server endpoint with ``factory`` while the service runs.

    Twisted: twisted.application.internet.StreamServerEndpointService.

    A listen failure is logged (or raised at start, for services made by
    ``strports.service``). ``stopService`` stops listening, or cancels a listen still in
    progress, and returns a Deferred that fires when done.
    """

    _raiseSynchronously = False

    def __init__(self, endpoint: Any, factory: Any) -> None:
        self.endpoint = endpoint
        self.factory = factory
        self._waitingForPort: Deferred[Any] | None = None

    def privilegedStartService(self) -> None:
        """Start listening (before privileges are dropped)."""
        Service.privilegedStartService(self)
        self._waitingForPort = self.endpoint.listen(self.factory)
        failedNow: list[Failure] = []

        def onError(failure: Failure) -> None:
            if self._raiseSynchronously:
                failedNow.append(failure)
            elif not failure.check(CancelledError):
                err(failure)

        self._waitingForPort.addErrback(onError)
        if failedNow:
            failedNow[0].raiseException()
        self._raiseSynchronously = False

    def startService(self) -> None:
        """Start listening, unless privilegedStartService already did."""
        Service.startService(self)
        if self._waitingForPort is None:
            self.privilegedStartService()

    def stopService(self) -> Deferred[Any]:
        """Stop listening (or cancel the listen); fires with None when done."""
        assert self._waitingForPort is not None, "stopService before startService"
        self._waitingForPort.cancel()

        def stopListening(port: Any) -> Any:
            if port is not None:
                return port.stopListening()
            return None

        def stopped(passthrough: Any) -> Any:
            self.running = False
            return passthrough

        return self._waitingForPort.addCallback(stopListening).addBoth(stopped)


# ---- ClientService ---------------------------------------------------------------------------


def backoffPolicy(
    initialDelay: float = 1.0,
    maxDelay: float = 60.0,
    factor: float = 1.5,
    jitter: Callable[[], float] = _jitter,
) -> Callable[[int], float]:
    """A retry policy: ``min(initialDelay * factor ** attempt, maxDelay) + jitter()``.

    Twisted: twisted.application.internet.backoffPolicy.

    The policy takes the number of consecutive failed attempts (1 for the first retry) and
    returns the seconds to wait. The exponent is capped at 100, and an overflow gives
    ``maxDelay``; jitter is added after the cap.
    """

    def policy(attempt: int) -> float:
        try:
            delay = min(initialDelay * (factor ** min(100, attempt)), maxDelay)
        except OverflowError:
            delay = maxDelay
        return delay + jitter()

    return policy


_defaultPolicy = backoffPolicy()


class _LostNotifyingProtocol:
    """Wraps the application's protocol to report connectionLost to the ClientService.

    Every other attribute is the wrapped protocol's, so optional interfaces (half-close,
    handshake) seen through getattr still work.
    """

    def __init__(self, protocol: Any, lost: Callable[[Failure], None]) -> None:
        self._protocol = protocol
        self._lost = lost
        self._transport: Any = None

    def makeConnection(self, transport: Any) -> None:
        self._transport = transport
        self._protocol.makeConnection(transport)

    def connectionLost(self, reason: Failure) -> Any:
        try:
            return self._protocol.connectionLost(reason)
        finally:
            self._lost(reason)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._protocol, name)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} wrapping {self._protocol!r}>"


class _LostNotifyingFactory:
    """Wraps the application's factory so its protocols report connectionLost."""

    def __init__(self, factory: Any, lost: Callable[[Failure], None]) -> None:
        self._factory = factory
        self._lostCallback = lost

    def buildProtocol(self, addr: Any) -> Any:
        built = self._factory.buildProtocol(addr)
        if built is None:
            return None
        return _LostNotifyingProtocol(built, self._lostCallback)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._factory, name)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} wrapping {self._factory!r}>"


class _NoTransition(Exception):
    """An input that the ClientService state machine does not accept in its state."""


class _ClientMachine:
    """The ClientService states, with the transitions of Twisted's state machine.

    States (and their data): Init, Connecting (the connection attempt), Waiting (the retry
    call), Connected (the protocol wrapper), Disconnecting, Restarting, Stopped.

    Entering a state with data builds that data first, then the transition's own action
    runs. Inputs that return nothing and arrive while a transition runs (a connection
    attempt failing synchronously) are run after it, in arrival order.
    """

    def __init__(
        self,
        endpoint: Any,
        factory: Any,
        retryPolicy: Callable[[int], float],
        clock: Any,
        prepareConnection: Callable[[Any], object] | None,
        log: Logger,
    ) -> None:
        self.endpoint = endpoint
        self.factory = factory
        self.retryPolicy = retryPolicy
        self.clock = clock
        self.prepareConnection = prepareConnection
        self.log = log
        self.state = "Init"
        self.data: Any = None
        self.failedAttempts = 0
        self.stopWaiters: list[Deferred[None]] = []
        self.awaiting: list[tuple[Deferred[Any], int | None]] = []
        self._postponed: list[Callable[[], None]] | None = None

    # ---- the reentrancy rule ----------------------------------------------------------------

    def _input(self, action: Callable[[], Any], returnsValue: bool) -> Any:
        if self._postponed is not None:
            if returnsValue:
                raise RuntimeError("ClientService input run reentrantly during a transition")
            self._postponed.append(action)
            return None
        postponed = self._postponed = []
        try:
            result = action()
        finally:
            self._postponed = None
        while postponed:
            postponed.pop(0)()
        return result

    def _noTransition(self, name: str) -> _NoTransition:
        return _NoTransition(f"no transition for {name} in state {self.state}")

    # ---- state data -------------------------------------------------------------------------

    def _enterConnecting(self) -> None:
        self.state = "Connecting"
        factory = _LostNotifyingFactory(self.factory, self._clientDisconnected)
        attempt: Deferred[Any] = self.endpoint.connect(factory)
        self.data = attempt

        def prepare(protocol: _LostNotifyingProtocol) -> Deferred[Any]:
            if self.prepareConnection is not None:
                return maybeDeferred(self.prepareConnection, protocol).addCallback(
                    lambda _: protocol
                )
            return succeed(protocol)

        attempt.addCallback(prepare).addCallback(self._connectionMade).addErrback(
            self._connectionFailed
        )

    def _enterWaiting(self) -> None:
        self.state = "Waiting"
        self.failedAttempts += 1
        delay = self.retryPolicy(self.failedAttempts)
        self.log.info(
            "Scheduling retry {attempt} to connect {endpoint} in {delay} seconds.",
            attempt=self.failedAttempts,
            endpoint=self.endpoint,
            delay=delay,
        )
        self.data = self.clock.callLater(delay, self._reconnect)

    def _enter(self, state: str) -> None:
        self.state = state
        self.data = None

    # ---- helpers ----------------------------------------------------------------------------

    def _waitForStop(self) -> Deferred[None]:
        waiter: Deferred[None] = Deferred()
        self.stopWaiters.append(waiter)
        return waiter

    def _unawait(self, value: Any) -> None:
        waiting, self.awaiting = self.awaiting, []
        for waiter, _ in waiting:
            waiter.callback(value)

    def _cancelConnectWaiters(self) -> None:
        self._unawait(Failure(CancelledError()))

    def _finishStopping(self) -> None:
        waiting, self.stopWaiters = self.stopWaiters, []
        for waiter in waiting:
            waiter.callback(None)

    # ---- inputs -----------------------------------------------------------------------------

    def start(self) -> None:
        def run() -> None:
            if self.state in ("Init", "Stopped"):
                self._enterConnecting()
            elif self.state in ("Disconnecting", "Restarting"):
                self._enter("Restarting")
            # Connecting, Waiting, Connected: already on it.

        self._input(run, False)

    def stop(self) -> Deferred[None]:
        def run() -> Deferred[None]:
            state, data = self.state, self.data
            if state in ("Init", "Stopped"):
                self._enter("Stopped")
                return succeed(None)
            if state == "Connecting":
                self._enter("Disconnecting")
                waited = self._waitForStop()
                data.cancel()
                return waited
            if state == "Waiting":
                self._enter("Stopped")
                waited = self._waitForStop()
                self._cancelConnectWaiters()
                data.cancel()
                self._finishStopping()
                return waited
            if state == "Connected":
                self._enter("Disconnecting")
                waited = self._waitForStop()
                data._transport.loseConnection()
                return waited
            # Disconnecting, Restarting
            self._enter("Disconnecting")
            return self._waitForStop()

        result: Deferred[None] = self._input(run, True)
        return result

    def whenConnected(self, failAfterFailures: int | None = None) -> Deferred[Any]:
        def run() -> Deferred[Any]:
            if self.state == "Connected":
                return succeed(self.data._protocol)
            if self.state == "Stopped":
                return fail(CancelledError())
            waiter: Deferred[Any] = Deferred()
            self.awaiting.append((waiter, failAfterFailures))
            return waiter

        result: Deferred[Any] = self._input(run, True)
        return result

    def _connectionMade(self, protocol: _LostNotifyingProtocol) -> None:
        def run() -> None:
            if self.state != "Connecting":
                raise self._noTransition("_connectionMade")
            self.state, self.data = "Connected", protocol
            self.failedAttempts = 0
            self._unawait(protocol._protocol)

        self._input(run, False)

    def _connectionFailed(self, failure: Failure) -> None:
        def run() -> None:
            if self.state == "Connecting":
                self._enterWaiting()
                ready = []
                notReady: list[tuple[Deferred[Any], int | None]] = []
                for waiter, remaining in self.awaiting:
                    if remaining is None:
                        notReady.append((waiter, remaining))
                    elif remaining <= 1:
                        ready.append(waiter)
                    else:
                        notReady.append((waiter, remaining - 1))
                self.awaiting = notReady
                for waiter in ready:
                    waiter.callback(failure)
            elif self.state == "Connected":
                self._enterWaiting()
            elif self.state == "Disconnecting":
                self._enter("Stopped")
                self._cancelConnectWaiters()
                self._finishStopping()
            else:
                raise self._noTransition("_connectionFailed")

        self._input(run, False)

    def _reconnect(self) -> None:
        def run() -> None:
            if self.state != "Waiting":
                raise self._noTransition("_reconnect")
            self._enterConnecting()

        self._input(run, False)

    def _clientDisconnected(self, failure: Failure | None = None) -> None:
        def run() -> None:
            if self.state == "Connected":
                self._enterWaiting()
            elif self.state == "Disconnecting":
                self._enter("Stopped")
                self._cancelConnectWaiters()
                self._finishStopping()
            elif self.state == "Restarting":
                self._enterConnecting()
                self._finishStopping()
            else:
                raise self._noTransition("_clientDisconnected")

        self._input(run, False)


class ClientService(Service):
    """Keep one connection to ``endpoint`` open, reconnecting when it fails or is lost.

    Twisted: twisted.application.internet.ClientService.

    Args:
        endpoint: a client endpoint (``connect(factory)`` returning a Deferred).
        factory: the protocol factory for each connection.
        retryPolicy: seconds to wait given the number of consecutive failures
            (default: ``backoffPolicy()``).
        clock: what schedules the retries (default: the reactor; a ``task.Clock`` in
            tests).
        prepareConnection: called with each new protocol; may return a Deferred. The
            connection is used (``whenConnected`` fires) only after it succeeds; when it
            fails, the attempt counts as a failed one.
    """

    _log = Logger()

    def __init__(
        self,
        endpoint: Any,
        factory: Any,
        retryPolicy: Callable[[int], float] | None = None,
        clock: Any = None,
        prepareConnection: Callable[[Any], object] | None = None,
    ) -> None:
        self._machine = _ClientMachine(
            endpoint,
            factory,
            _defaultPolicy if retryPolicy is None else retryPolicy,
            maybe_global_reactor(clock),
            prepareConnection,
            self._log,
        )

    def whenConnected(self, failAfterFailures: int | None = None) -> Deferred[Any]:
        """The connected protocol, now or when the next connection is made.

        Twisted: twisted.application.internet.ClientService.whenConnected.

        The Deferred fails with CancelledError when the service stops first, and with the
        connection error after ``failAfterFailures`` consecutive failed attempts (None:
        never).
        """
        return self._machine.whenConnected(failAfterFailures)

    def startService(self) -> None:
        """Start connecting (a second start while running only logs a warning)."""
        if self.running:
            self._log.warn("Duplicate ClientService.startService {log_source}")
            return
        super().startService()
        self._machine.start()

    def stopService(self) -> Deferred[None]:
        """Stop retrying and close the connection; fires when everything has stopped."""
        super().stopService()
        return self._machine.stop()

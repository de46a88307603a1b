"""The reactor: Twisted's reactor API on whichever asyncio loop is running.

ARCHITECTURE.md decisions 3 and 4. There is one reactor object (``from twistlike import
reactor``) and one :class:`_LoopState` per event loop it is used on:

* Inside a running loop (``asyncio.run``, ``anyio.run``, uvloop, pytest-asyncio, an aiohttp
  app ...) every method works on that loop; no ``run()`` and no install step.
* With no loop running, calls are kept in a pending state; ``reactor.run()`` creates a loop,
  adopts the pending state, runs until ``reactor.stop()``, and closes the loop. It can run
  again afterwards.

Times are epoch seconds (``time.time()``), as in Twisted; timers are armed on the loop's
monotonic clock (``loop.call_at``), so a jump of the wall clock does not move them.
"""

from __future__ import annotations

import asyncio
import functools
import heapq
import signal
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from zope.interface import implementer

from twistlike._aio.posix import PosixReactorMixin
from twistlike._aio.stream import Connection, Connector, Port, bindTCP, bindUNIX
from twistlike._aio.tls import TLSReactorMixin
from twistlike._core.delayedcall import DelayedCall
from twistlike._core.log import log_failure
from twistlike._core.threadpool import ThreadPool
from twistlike.defer import Deferred, DeferredList, maybeDeferred
from twistlike.error import DNSLookupError, ReactorAlreadyRunning, ReactorNotRunning
from twistlike.failure import Failure
from twistlike.interfaces import (
    IReactorCore,
    IReactorTCP,
    IReactorThreads,
    IReactorTime,
    IReactorUNIX,
)
from twistlike.logger import Logger

__all__ = ["AsyncioReactor", "reactor"]

_log = Logger(namespace="twistlike.reactor")

_PHASES = ("before", "during", "after")

_SystemEventID = tuple[str, str, int]


class _ReactorDelayedCall(DelayedCall):
    """A DelayedCall in a loop's timer heap; ``_when`` is its deadline on ``loop.time()``."""

    __slots__ = ("_when",)

    _when: float


_INFINITY = float("inf")
_RESOLUTION = time.get_clock_info("monotonic").resolution


class _SystemEvent:
    """The three phases of one system event type (``startup``, ``shutdown`` ...)."""

    __slots__ = ("firing", "triggers")

    def __init__(self) -> None:
        self.triggers: dict[
            str, dict[int, tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]]
        ] = {phase: {} for phase in _PHASES}
        self.firing = False


class _LoopState:
    """Everything the reactor knows about one event loop (or, before ``run()``, none)."""

    def __init__(self, reactor: AsyncioReactor, loop: asyncio.AbstractEventLoop | None) -> None:
        self.reactor = reactor
        self.loop = loop
        self.heap: list[tuple[float, int, _ReactorDelayedCall]] = []
        self.seq = 0
        self.cancellations = 0
        self.handle: asyncio.TimerHandle | None = None
        self.armedFor = _INFINITY
        self.events: dict[str, _SystemEvent] = {}
        self.nextTriggerID = 0
        # `started`: startup has fired (or we joined a loop that was already running).
        # `stopping`: stop() was called; the shutdown event is on its way.
        self.started = loop is not None
        self.stopping = False
        self.stopped = False  # the shutdown event reached its `during` phase
        self.firing = False  # wakeUp is running due calls
        self.newCalls: list[tuple[float, int, _ReactorDelayedCall]] = []
        self.owned = False  # run() created this loop and will stop and close it
        # Connections, listening ports, and work waiting for this state's loop to run.
        self.connections: set[Connection] = set()
        self.ports: set[Port] = set()
        self.connectors: set[Connector] = set()
        self.waitingForLoop: list[Callable[[asyncio.AbstractEventLoop], None]] = []
        # Bound once: every DelayedCall gets these as its cancel/reset hooks.
        self.cancelHook = self.cancelCall
        self.resetHook = self.resetCall
        self.fromThreads: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []

    @property
    def running(self) -> bool:
        return self.started and not self.stopped

    # -- timers --
    #
    # Like Twisted's reactor (and unlike one asyncio TimerHandle per call), the state keeps its
    # own heap of (deadline, sequence, call) tuples and arms a single loop timer for the
    # earliest deadline. Tuples compare in C, and one wake-up runs every call that is due.
    # Cancelled or moved calls leave stale entries behind, skipped when popped.

    def schedule(self, call: _ReactorDelayedCall, when: float) -> None:
        call._when = when
        self.seq += 1
        heapq.heappush(self.heap, (when, self.seq, call))
        if when < self.armedFor and not self.firing:
            self.armAt(when)

    def armAt(self, when: float) -> None:
        loop = self.loop
        if loop is None or (not self.started and self.owned):
            return  # run() arms the adopted heap after startup
        handle = self.handle
        if handle is not None:
            handle.cancel()
        self.armedFor = when
        self.handle = loop.call_at(loop.time() + (when - time.monotonic()), self.wakeUp)

    def wakeUp(self) -> None:
        loop = self.loop
        assert loop is not None
        # The loop fired our timer for `armedFor`, so by the loop's own rule (the same it
        # applies to its call_later; uvloop's clock has millisecond steps) everything up to
        # then is due, even if loop.time() reads a hair earlier.
        limit = max(time.monotonic() + _RESOLUTION, self.armedFor)
        self.handle = None
        self.armedFor = _INFINITY
        self.firing = True
        try:
            self.runDue(limit)
        finally:
            self.firing = False
            for entry in self.newCalls:
                heapq.heappush(self.heap, entry)
            self.newCalls = []
        if self.heap:
            self.armAt(self.heap[0][0])

    def runDue(self, limit: float) -> None:
        while self.heap and self.heap[0][0] <= limit:
            when, _, call = heapq.heappop(self.heap)
            if call._when != when:
                continue  # stale entry of a moved call
            if call.cancelled or call.called:
                if call.cancelled and self.cancellations:
                    self.cancellations -= 1
                continue
            if call.delayed_time:
                # Postponed with delay()/reset(): fold it in and wait again.
                extra = call.delayed_time
                call.activate_delay()
                self.schedule(call, when + extra)
                continue
            call.called = 1
            try:
                call.func(*call.args, **call.kw)
            except BaseException:
                log_failure(Failure(), "while handling timed call", namespace="twistlike.reactor")

    def cancelCall(self, call: DelayedCall) -> None:
        # Lazy deletion; compact when stale entries dominate the heap.
        self.cancellations += 1
        if self.cancellations > 50 and self.cancellations > len(self.heap) >> 1:
            self.heap = [
                e for e in self.heap if e[2] is not call and e[2].active() and e[2]._when == e[0]
            ]
            heapq.heapify(self.heap)
            self.cancellations = 0

    def resetCall(self, call: DelayedCall) -> None:
        # Moved earlier: call.time already holds the new epoch time.
        assert isinstance(call, _ReactorDelayedCall)
        self.schedule(call, time.monotonic() + (call.time - time.time()))

    def adopt(self, loop: asyncio.AbstractEventLoop) -> None:
        """Bind the pending state to the loop run() created; re-base deadlines onto it."""
        self.loop = loop
        self.armedFor = _INFINITY
        if self.heap:
            self.armAt(self.heap[0][0])
        waiting, self.waitingForLoop = self.waitingForLoop, []
        for fn in waiting:
            loop.call_soon(fn, loop)

    def delayedCalls(self) -> list[DelayedCall]:
        return [
            call
            for when, _, call in sorted(self.heap + self.newCalls)
            if call._when == when and not call.cancelled and not call.called
        ]

    def disarm(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None

    def onLoop(self, fn: Callable[[asyncio.AbstractEventLoop], None]) -> None:
        """Call ``fn(loop)`` now if this state has its loop, else when run() adopts it."""
        if self.loop is not None:
            fn(self.loop)
        else:
            self.waitingForLoop.append(fn)

    def disconnectAll(self) -> None:
        """Shutdown: close listening ports, stop connecting, drop connections (as Twisted)."""
        for port in list(self.ports):
            # As Twisted's disconnectAll: the factory is stopped before the other
            # "during shutdown" triggers run.
            port._stop(now=True)
        for connector in list(self.connectors):
            if connector.state == "connecting":
                connector.stopConnecting()
        for connection in list(self.connections):
            connection._shutdown()

    # -- system events --

    def event(self, eventType: str) -> _SystemEvent:
        event = self.events.get(eventType)
        if event is None:
            event = self.events[eventType] = _SystemEvent()
        return event


@implementer(IReactorCore, IReactorTime, IReactorThreads, IReactorTCP, IReactorUNIX)
class AsyncioReactor(TLSReactorMixin, PosixReactorMixin):
    """Twisted's reactor, on the asyncio event loop that runs it.

    Twisted: twisted.internet.interfaces.IReactorCore, IReactorTime, IReactorThreads.
    asyncio: each method uses the running loop; ``run()`` makes and runs one.
    """

    def __init__(self) -> None:
        self._states: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = (
            weakref.WeakKeyDictionary()
        )
        self._pending = _LoopState(self, None)
        self._lastLoop: asyncio.AbstractEventLoop | None = None
        self._lastState: _LoopState = self._pending
        self._lock = threading.Lock()  # guards _pending.fromThreads and _threadLoop
        # The loop that calls from other threads go to: the loop run() runs, else the last
        # loop the reactor was used on.
        self._threadLoop: asyncio.AbstractEventLoop | None = None
        self._loopFactory: Callable[[], asyncio.AbstractEventLoop] | None = None
        self._runThread: threading.Thread | None = None
        self._threadpool: ThreadPool | None = None
        self._threadpoolMax = 10
        # The signals run() installs once startup reaches its "during" phase (None: none).
        self._signalsToInstall: list[signal.Signals] | None = None

    # ---- which loop -------------------------------------------------------------------------

    def _state(self) -> _LoopState:
        """The state for the loop running in this thread, or the pending state."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self._pending
        if loop is self._lastLoop:
            return self._lastState
        state = self._states.get(loop)
        if state is None:
            state = self._states[loop] = _LoopState(self, loop)
            with self._lock:
                if self._threadLoop is None or not self._threadLoop.is_running():
                    self._threadLoop = loop
        self._lastLoop = loop
        self._lastState = state
        return state

    def _forget(self, loop: asyncio.AbstractEventLoop) -> None:
        self._states.pop(loop, None)
        if self._lastLoop is loop:
            self._lastLoop = None
            self._lastState = self._pending
        with self._lock:
            if self._threadLoop is loop:
                self._threadLoop = None

    # ---- IReactorTime -----------------------------------------------------------------------

    def seconds(self) -> float:
        """Return the current time in epoch seconds.

        Twisted: IReactorTime.seconds.
        asyncio: ``time.time()``; timers themselves run on ``loop.time()``.
        """
        return time.time()

    def callLater(
        self, delay: float, callable: Callable[..., Any], *args: Any, **kw: Any
    ) -> DelayedCall:
        """Call ``callable(*args, **kw)`` in ``delay`` seconds; return a DelayedCall.

        Twisted: IReactorTime.callLater.
        asyncio: ``loop.call_at`` on the monotonic clock; ``reset()`` re-arms it.

        Without a running loop the call waits for ``run()``. An exception raised by the call
        is logged and the loop keeps running.

        Raises:
            AssertionError: ``delay`` is negative (as Twisted).
        """
        if not delay >= 0:
            raise AssertionError(f"{delay} is not greater than or equal to 0 seconds")
        state = self._state()
        call = _ReactorDelayedCall(
            time.time() + delay, callable, args, kw, state.cancelHook, state.resetHook
        )
        # (state.schedule, inlined: this is the hot path of every timer.)
        call._when = when = time.monotonic() + delay
        state.seq += 1
        if state.firing:
            # As Twisted: calls made by a running timed call wait for the next pass.
            state.newCalls.append((when, state.seq, call))
            return call
        heapq.heappush(state.heap, (when, state.seq, call))
        if when < state.armedFor:
            state.armAt(when)
        return call

    def getDelayedCalls(self) -> list[DelayedCall]:
        """Return the calls scheduled with ``callLater`` that have not run or been cancelled.

        Twisted: IReactorTime.getDelayedCalls.
        """
        return self._state().delayedCalls()

    # ---- IReactorCore -----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True while the reactor runs: between startup and shutdown of ``run()``, or
        whenever it is used inside a running asyncio loop (until ``stop()``).

        Twisted: IReactorCore.running.
        """
        return self._state().running

    def set_loop_factory(self, factory: Callable[[], asyncio.AbstractEventLoop] | None) -> None:
        """Choose the loop ``run()`` creates, e.g. ``uvloop.new_event_loop``; None resets.

        twistlike-only. Porting one line: call it where Twisted code installed a reactor.
        """
        self._loopFactory = factory

    def run(
        self,
        installSignalHandlers: bool = True,
        *,
        loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None,
    ) -> None:
        """Create an event loop, run it until ``stop()``, then close it.

        Twisted: IReactorCore.run.
        asyncio: like ``asyncio.run``: a new loop (``loop_factory``, else the one chosen
        with ``set_loop_factory``, else ``asyncio.new_event_loop``) that is closed at the end.

        Calls made before ``run()`` (``callLater``, ``callWhenRunning``, triggers) run on it.
        With ``installSignalHandlers`` (in the main thread), SIGINT and SIGTERM stop the
        reactor. Unlike Twisted, ``run()`` may be called again after it returned.

        Raises:
            RuntimeError: an asyncio loop is already running in this thread; the reactor
                already works on that loop, so there is nothing to run.
            ReactorAlreadyRunning: ``run()`` is already running in another thread.
        """
        if self._runThread is threading.current_thread():
            raise ReactorAlreadyRunning("reactor.run() is already running in this thread")
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError(
                "reactor.run() was called while an asyncio event loop is running in this "
                "thread. The reactor already works on that loop: don't call run(); to wait "
                "for the end of Twisted-style code, await a Deferred (or an asyncio.Event) "
                "instead of calling reactor.stop()."
            )
        with self._lock:
            if self._runThread is not None:
                raise ReactorAlreadyRunning("reactor.run() is already running")
            self._runThread = threading.current_thread()
        factory = loop_factory or self._loopFactory or asyncio.new_event_loop
        with self._lock:
            state = self._pending
            # iterate() may have made the loop already: run() goes on with it.
            loop = state.loop if state.loop is not None else factory()
            state.disarm()  # (an iterate() timer; _startup arms the heap again)
            self._pending = _LoopState(self, None)
            fromThreads, state.fromThreads = state.fromThreads, []
            self._threadLoop = loop
        state.loop = loop
        state.owned = True
        state.started = False
        state.stopping = False
        self._states[loop] = state
        self._lastLoop = None
        self._lastState = self._pending
        installed: list[signal.Signals] = []
        # As Twisted: the handlers are installed "during startup", after the "before
        # startup" triggers ran (_finishEvent calls _installSignals).
        self._signalsToInstall = (
            installed
            if installSignalHandlers and threading.current_thread() is threading.main_thread()
            else None
        )
        try:
            asyncio.set_event_loop(loop)
            state.loop = loop
            loop.call_soon(self._startup, state, fromThreads)
            loop.run_forever()
            _log.info("Main loop terminated.")
        finally:
            self._signalsToInstall = None
            for signum in installed:
                loop.remove_signal_handler(signum)
            state.disarm()
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
                if self._threadpool is not None:
                    self._threadpool.stop()
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                asyncio.set_event_loop(None)
                self._forget(loop)
                loop.close()
                with self._lock:
                    self._runThread = None

    def iterate(self, delay: float = 0) -> None:
        """Run one iteration of the loop: due timers, ready I/O and callbacks.

        Twisted: IReactorCore.iterate (test helpers spin the reactor with it).
        asyncio: the first call makes the loop that ``run()`` would make (and ``run()`` later
        goes on with it); each call runs it once (``loop.stop()`` then ``run_forever()``).

        Divergence from Twisted: with ``delay > 0`` the loop runs for ``delay`` seconds;
        Twisted returns as soon as some I/O was handled. Not running: startup does not fire.

        Raises:
            RuntimeError: an asyncio loop is already running in this thread.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError(
                "reactor.iterate() was called while an asyncio event loop is running in "
                "this thread; await a Deferred instead"
            )
        state = self._pending
        loop = state.loop
        if loop is None:
            loop = (self._loopFactory or asyncio.new_event_loop)()
            self._states[loop] = state
            with self._lock:
                self._threadLoop = loop
                fromThreads, state.fromThreads = state.fromThreads, []
            state.adopt(loop)
            for f, args, kw in fromThreads:
                loop.call_soon(functools.partial(f, *args, **kw))
        if delay > 0:
            loop.call_later(delay, loop.stop)
        else:
            loop.stop()
        loop.run_forever()

    def _installSignals(self, loop: asyncio.AbstractEventLoop) -> None:
        installed = self._signalsToInstall
        if installed is None:
            return
        self._signalsToInstall = None
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, self._onSignal, signum)
            except (NotImplementedError, RuntimeError, ValueError):
                continue
            installed.append(signum)

    def _onSignal(self, signum: int) -> None:
        name = signal.Signals(signum).name
        # (Twisted's text; with Twisted-style logging started it reads "[-] Received ...".)
        _log.info("Received {signal}, shutting down.", signal=name)
        state = self._state()
        if state.running:
            self.stop()

    def _startup(self, state: _LoopState, fromThreads: list[Any]) -> None:
        # As Twisted: the startup event first, then timers and calls from threads.
        state.started = True
        state.stopped = True  # not running until `during startup`
        self._fireEvent(state, "startup")
        assert state.loop is not None
        state.adopt(state.loop)
        for f, args, kw in fromThreads:
            state.loop.call_soon(functools.partial(f, *args, **kw))

    def stop(self) -> None:
        """Fire the shutdown event; when its triggers are done, stop the loop ``run()`` runs.

        Twisted: IReactorCore.stop.

        Inside a loop the reactor does not own (embedded), the shutdown triggers run but the
        loop keeps running: it belongs to the application.

        Raises:
            ReactorNotRunning: the reactor is not running (or is already stopping).
        """
        state = self._state()
        if not state.started or state.stopping:
            raise ReactorNotRunning("Can't stop reactor that isn't running.")
        state.stopping = True
        loop = state.loop
        assert loop is not None
        # As Twisted: the shutdown event fires on a later loop iteration, not inside stop().
        # After the timed calls already due, as Twisted's main loop does.
        self.callLater(0, self._fireEvent, state, "shutdown")

    def crash(self) -> None:
        """Stop the loop ``run()`` runs at once, without the shutdown event.

        Twisted: IReactorCore.crash.
        """
        state = self._state()
        state.started = False
        if state.owned and state.loop is not None:
            state.loop.stop()

    def callWhenRunning(
        self, callable: Callable[..., Any], *args: Any, **kw: Any
    ) -> _SystemEventID | None:
        """Call now if the reactor is running, else when it starts.

        Twisted: IReactorCore.callWhenRunning.
        """
        if self._state().running:
            callable(*args, **kw)
            return None
        return self.addSystemEventTrigger("after", "startup", callable, *args, **kw)

    def addSystemEventTrigger(
        self, phase: str, eventType: str, callable: Callable[..., Any], *args: Any, **kw: Any
    ) -> _SystemEventID:
        """Call ``callable`` in ``phase`` (before/during/after) of system event ``eventType``.

        Twisted: IReactorCore.addSystemEventTrigger.

        A ``before`` trigger may return a Deferred: the ``during`` phase waits for it (a
        ``before shutdown`` trigger delays the end of ``run()``).

        Raises:
            KeyError: ``phase`` is not ``before``, ``during`` or ``after``.
        """
        if phase not in _PHASES:
            raise KeyError(f"invalid phase {phase!r}: use 'before', 'during' or 'after'")
        state = self._state()
        state.nextTriggerID += 1
        triggerID = state.nextTriggerID
        state.event(eventType).triggers[phase][triggerID] = (callable, args, kw)
        return (phase, eventType, triggerID)

    def removeSystemEventTrigger(self, triggerID: _SystemEventID) -> None:
        """Remove a trigger added with ``addSystemEventTrigger``.

        Twisted: IReactorCore.removeSystemEventTrigger.

        Raises:
            ValueError: no such trigger (already removed, or already run).
        """
        try:
            phase, eventType, number = triggerID
            del self._state().events[eventType].triggers[phase][number]
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"no system event trigger {triggerID!r}") from None

    def fireSystemEvent(self, eventType: str) -> None:
        """Run the triggers of ``eventType``: before, then during and after.

        Twisted: IReactorCore.fireSystemEvent.
        """
        self._fireEvent(self._state(), eventType)

    def _fireEvent(self, state: _LoopState, eventType: str) -> None:
        event = state.event(eventType)
        waiting: list[Deferred[Any]] = []
        before = event.triggers["before"]
        while before:
            f, args, kw = before.pop(next(iter(before)))
            d = maybeDeferred(f, *args, **kw)
            d.addErrback(self._logTriggerError)
            if not d.called or d.paused:
                waiting.append(d)
        if waiting:
            DeferredList(waiting).addCallback(lambda _: self._finishEvent(state, eventType, event))
        else:
            self._finishEvent(state, eventType, event)

    def _logTriggerError(self, failure: Failure) -> None:
        log_failure(
            failure, "Unhandled error in system event trigger", namespace="twistlike.reactor"
        )

    def _finishEvent(self, state: _LoopState, eventType: str, event: _SystemEvent) -> None:
        if eventType == "shutdown":
            # Twisted registers this as the first "during shutdown" trigger.
            try:
                state.disconnectAll()
            except BaseException:
                log_failure(
                    Failure(), "Unhandled error while disconnecting", namespace="twistlike.reactor"
                )
        if eventType == "startup":
            if state.owned and state.loop is not None:
                self._installSignals(state.loop)
            state.stopped = False
        elif eventType == "shutdown":
            state.stopped = True
        for phase in ("during", "after"):
            triggers = event.triggers[phase]
            while triggers:
                f, args, kw = triggers.pop(next(iter(triggers)))
                try:
                    f(*args, **kw)
                except BaseException:
                    log_failure(
                        Failure(),
                        "Unhandled error in system event trigger",
                        namespace="twistlike.reactor",
                    )
        if eventType == "shutdown":
            state.started = False
            if state.owned and state.loop is not None:
                state.loop.stop()

    # ---- IReactorTCP / IReactorUNIX --------------------------------------------------------------

    def listenTCP(self, port: int, factory: Any, backlog: int = 50, interface: str = "") -> Port:
        """Listen on a TCP port; the socket is bound before this returns.

        Twisted: IReactorTCP.listenTCP.
        asyncio: ``loop.create_server(sock=...)`` serves the bound socket.

        ``getHost().port`` is the real port at once (for port 0 too). Connections are
        served now inside a running loop, else once ``run()`` starts.

        Raises:
            CannotListenError: the address cannot be bound (in use, not local ...).
        """
        sock, address = bindTCP(port, backlog, interface)
        p = Port(sock, factory, self._state(), address, backlog)
        p.startListening()
        return p

    def connectTCP(
        self,
        host: str,
        port: int,
        factory: Any,
        timeout: float = 30,
        bindAddress: tuple[str, int] | None = None,
    ) -> Connector:
        """Connect to ``host:port``; ``factory.startedConnecting`` is called before this returns.

        Twisted: IReactorTCP.connectTCP.
        asyncio: ``loop.create_connection``.

        Refused, timed-out and unresolvable connections end in
        ``factory.clientConnectionFailed`` with ConnectionRefusedError, TimeoutError or
        DNSLookupError.
        """
        state = self._state()
        connector = Connector(
            state, factory, timeout, host=host, port=port, bindAddress=bindAddress
        )
        connector.connect()
        return connector

    def listenUNIX(
        self, address: str, factory: Any, backlog: int = 50, mode: int = 0o666, wantPID: int = 0
    ) -> Port:
        """Listen on a UNIX socket path; bound before this returns.

        Twisted: IReactorUNIX.listenUNIX. asyncio: ``loop.create_unix_server(sock=...)``.

        Raises:
            CannotListenError: the path cannot be bound.
        """
        sock, addr = bindUNIX(address, backlog, mode)
        p = Port(sock, factory, self._state(), addr, backlog)
        p.startListening()
        return p

    def connectUNIX(
        self, address: str, factory: Any, timeout: float = 30, checkPID: int = 0
    ) -> Connector:
        """Connect to a UNIX socket path.

        Twisted: IReactorUNIX.connectUNIX. asyncio: ``loop.create_unix_connection``.
        """
        state = self._state()
        connector = Connector(state, factory, timeout, path=address)
        connector.connect()
        return connector

    # ---- name resolution ------------------------------------------------------------------------

    def resolve(self, name: str, timeout: Iterable[int] = (1, 3, 11, 45)) -> Deferred[str]:
        """Resolve ``name`` to one IPv4 address (a dotted quad string).

        Twisted: IReactorCore.resolve.
        asyncio: ``loop.getaddrinfo`` (the loop's resolver, a thread for the default loop).

        Fails with :class:`~twistlike.error.DNSLookupError` when the name does not resolve.
        """
        state = self._state()

        async def lookup(loop: asyncio.AbstractEventLoop) -> str:
            try:
                infos = await loop.getaddrinfo(
                    name, None, family=socket.AF_INET, type=socket.SOCK_STREAM
                )
            except OSError as e:
                raise DNSLookupError(name, str(e)) from e
            if not infos:
                raise DNSLookupError(name, "no addresses")
            return str(infos[0][4][0])

        # As Twisted: before run() the lookup waits for the loop run() starts.
        result: Deferred[str] = Deferred()

        def start(loop: asyncio.AbstractEventLoop) -> None:
            Deferred.fromCoroutine(lookup(loop)).chainDeferred(result)

        state.onLoop(start)
        return result

    # ---- IReactorThreads ------------------------------------------------------------------------

    def callFromThread(self, callable: Callable[..., Any], *args: Any, **kw: Any) -> None:
        """Call ``callable`` soon on the reactor's loop thread; safe from any thread.

        Twisted: IReactorThreads.callFromThread.
        asyncio: ``loop.call_soon_threadsafe`` (wakes the loop).

        Before any loop runs, the call waits for ``run()``.
        """
        with self._lock:
            loop = self._threadLoop
            if loop is None or loop.is_closed():
                self._pending.fromThreads.append((callable, args, kw))
                return
        if kw:
            loop.call_soon_threadsafe(functools.partial(callable, *args, **kw))
        else:
            loop.call_soon_threadsafe(callable, *args)

    def getThreadPool(self) -> ThreadPool:
        """Return the reactor's thread pool, started on first use.

        Twisted: IReactorThreads.getThreadPool.

        One pool serves every loop the reactor is used on (each result goes back to the loop
        that asked for it); ``run()`` stops it when its loop ends.
        """
        with self._lock:
            pool = self._threadpool
            if pool is None or pool.joined:
                pool = self._threadpool = ThreadPool(0, self._threadpoolMax, name="twistlike")
                pool.start()
            return pool

    def callInThread(self, callable: Callable[..., Any], *args: Any, **kw: Any) -> None:
        """Run ``callable`` in the reactor's thread pool; exceptions are logged.

        Twisted: IReactorThreads.callInThread.
        """
        self.getThreadPool().callInThread(callable, *args, **kw)

    def suggestThreadPoolSize(self, size: int) -> None:
        """Set the thread pool's maximum size.

        Twisted: IReactorThreads.suggestThreadPoolSize.
        """
        self._threadpoolMax = size
        if self._threadpool is not None:
            self._threadpool.adjustPoolsize(maxthreads=size)

    def _inReactorThread(self) -> bool:
        """Whether this thread runs an event loop (the reactor's, for all we can tell)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    def _deliveryFor(self) -> Callable[..., object]:
        """How a worker thread hands a result back to the loop running this call, if any."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self.callFromThread
        self._state()  # this loop is now where calls from threads go
        return loop.call_soon_threadsafe

    def __repr__(self) -> str:
        return f"<twistlike reactor on {self._threadLoop!r}>"

    if not TYPE_CHECKING:
        # (Hidden from type checkers, which would otherwise accept any attribute.)

        def __getattr__(self, name: str) -> object:
            # Only reached for attributes the reactor lacks: a Twisted reactor attribute
            # twistlike does not provide fails with the reason (docs/missing.md).
            from twistlike._porting.missing import missing_reactor_attribute

            raise missing_reactor_attribute(name)


reactor = AsyncioReactor()

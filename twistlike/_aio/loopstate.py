"""The reactor's state per event loop: the one typed internal API over it.

ARCHITECTURE.md decision 3 ("one reactor state per loop; nothing global survives a loop").
The reactor keeps a :class:`LoopStates` registry; each running loop it is used on gets one
:class:`LoopState` (timers, system events, open ports, connections and connection attempts),
and calls made with no loop running wait in a *pending* state that ``reactor.run()`` adopts.

Other modules (endpoints, threads, trial, the pytest plugin, the transports) use this
module's functions and the methods of :class:`LoopState`; none of them reads the reactor's
underscored attributes. Names here carry no leading underscore: the module's own underscore
is what makes them private to twistlike (see "Naming" in docs/index.md).

Lifetime: a state holds its loop only through a weak reference, and the registry maps each
loop to its state weakly, so a closed loop and its state disappear together (a process that
runs many short loops does not accumulate them).
"""

from __future__ import annotations

import asyncio
import functools
import heapq
import logging
import os
import queue
import threading
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from twistlike._core.delayedcall import DelayedCall
from twistlike._core.log import log_failure
from twistlike.error import ConnectionLost, ReactorNotRunning
from twistlike.failure import Failure

if TYPE_CHECKING:
    from twistlike._aio.stream import Connector

__all__ = [
    "PHASES",
    "ClosesAtShutdown",
    "LoopState",
    "LoopStates",
    "ReactorDelayedCall",
    "SystemEvent",
    "cancel_leftover_tasks",
    "current",
    "delivery",
    "env_loop_factory",
    "forget",
    "in_loop_thread",
    "on_loop",
    "register",
    "states_of",
]

PHASES = ("before", "during", "after")

_INFINITY = float("inf")
_RESOLUTION = time.get_clock_info("monotonic").resolution
_log = logging.getLogger("twistlike.reactor")

_Call = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]
_LoopRef = Callable[[], "asyncio.AbstractEventLoop | None"]


def _no_loop() -> None:
    """The loop reference of a state that has no loop (yet): always None."""
    return None


class ReactorDelayedCall(DelayedCall):
    """A DelayedCall in a loop's timer heap; ``deadline`` is its deadline on the monotonic
    clock (the heap entry that matches it is the live one)."""

    __slots__ = ("deadline",)

    deadline: float


class SystemEvent:
    """The three phases of one system event type (``startup``, ``shutdown`` ...)."""

    __slots__ = ("firing", "triggers")

    def __init__(self) -> None:
        self.triggers: dict[str, dict[int, _Call]] = {phase: {} for phase in PHASES}
        self.firing: bool = False


class ClosesAtShutdown(Protocol):
    """What a listening port or a connection registered in a state provides.

    Twisted's reactor ends every selectable at shutdown with ``connectionLost(reason)``
    (``ReactorBase.disconnectAll``); ours do the same: a port stops listening and stops its
    factory at once, a connection ends with ``reason``.
    """

    def connectionLost(self, reason: Failure) -> None:
        """End now, as the reactor shuts down."""


class LoopState:
    """Everything the reactor knows about one event loop (or, before ``run()``, none).

    Attributes:
        connections: Open connections (each ends at shutdown).
        ports: Listening ports (each stops listening at shutdown).
        connectors: Client connection attempts (each is stopped at shutdown).
        started: The startup event has fired (or the state joined a running loop).
        stopping: ``stop()`` was called; the shutdown event is on its way.
        stopped: The shutdown event reached its ``during`` phase.
        owned: ``run()`` created this loop and will stop and close it.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self.loop_ref: _LoopRef = weakref.ref(loop) if loop is not None else _no_loop
        self.heap: list[tuple[float, int, ReactorDelayedCall]] = []
        self.seq: int = 0
        self.cancellations: int = 0
        self.handle: asyncio.TimerHandle | None = None
        self.armed_for: float = _INFINITY
        self.events: dict[str, SystemEvent] = {}
        self.next_trigger_id = 0
        self.started: bool = loop is not None
        self.stopping = False
        self.stopped = False
        self.firing: bool = False  # wake_up is running due calls
        self.new_calls: list[tuple[float, int, ReactorDelayedCall]] = []
        self.owned = False
        self.connections: set[ClosesAtShutdown] = set()
        self.ports: set[ClosesAtShutdown] = set()
        self.connectors: set[Connector] = set()
        self.waiting_for_loop: list[Callable[[asyncio.AbstractEventLoop], None]] = []
        # Bound once: every DelayedCall gets these as its cancel/reset hooks.
        self.cancel_hook = self.cancel_call
        self.reset_hook = self.reset_call

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The state's loop; None before ``run()`` adopted one, or once it is gone."""
        return self.loop_ref()

    @property
    def running(self) -> bool:
        """Between startup and shutdown (always, for a loop the reactor joined running)."""
        return self.started and not self.stopped

    # -- timers --
    #
    # Like Twisted's reactor (and unlike one asyncio TimerHandle per call), the state keeps its
    # own heap of (deadline, sequence, call) tuples and arms a single loop timer for the
    # earliest deadline. Tuples compare in C, and one wake-up runs every call that is due.
    # Cancelled or moved calls leave stale entries behind, skipped when popped.

    def schedule(self, call: ReactorDelayedCall, when: float) -> None:
        """Put ``call`` in the heap for monotonic time ``when`` and arm the timer if needed."""
        call.deadline = when
        self.seq += 1
        heapq.heappush(self.heap, (when, self.seq, call))
        if when < self.armed_for and not self.firing:
            self.arm_at(when)

    def arm_at(self, when: float) -> None:
        """Arm the loop's one timer for monotonic time ``when``."""
        loop = self.loop_ref()
        if loop is None or (not self.started and self.owned):
            return  # run() arms the adopted heap after startup
        handle = self.handle
        if handle is not None:
            handle.cancel()
        self.armed_for = when
        self.handle = loop.call_at(loop.time() + (when - time.monotonic()), self.wake_up)

    def wake_up(self) -> None:
        """The loop's timer fired: run every call that is due, then re-arm."""
        # The loop fired our timer for `armed_for`, so by the loop's own rule (the same it
        # applies to its call_later; uvloop's clock has millisecond steps) everything up to
        # then is due, even if loop.time() reads a hair earlier.
        limit = max(time.monotonic() + _RESOLUTION, self.armed_for)
        self.handle = None
        self.armed_for = _INFINITY
        self.firing = True
        try:
            self._run_due(limit)
        finally:
            self.firing = False
            for entry in self.new_calls:
                heapq.heappush(self.heap, entry)
            self.new_calls = []
        if self.heap:
            self.arm_at(self.heap[0][0])

    def _run_due(self, limit: float) -> None:
        while self.heap and self.heap[0][0] <= limit:
            when, _, call = heapq.heappop(self.heap)
            if call.deadline != when:
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

    def cancel_call(self, call: DelayedCall) -> None:
        """A DelayedCall's cancel hook: lazy deletion, compacting when stale entries dominate."""
        self.cancellations += 1
        if self.cancellations > 50 and self.cancellations > len(self.heap) >> 1:
            self.heap = [
                e for e in self.heap if e[2] is not call and e[2].active() and e[2].deadline == e[0]
            ]
            heapq.heapify(self.heap)
            self.cancellations = 0

    def reset_call(self, call: DelayedCall) -> None:
        """A DelayedCall's reset hook: moved earlier, ``call.time`` holds the new epoch time."""
        assert isinstance(call, ReactorDelayedCall)
        self.schedule(call, time.monotonic() + (call.time - time.time()))

    def adopt(self, loop: asyncio.AbstractEventLoop) -> None:
        """Bind the pending state to the loop run() created; re-base deadlines onto it."""
        self.loop_ref = weakref.ref(loop)
        self.armed_for = _INFINITY
        if self.heap:
            self.arm_at(self.heap[0][0])
        waiting, self.waiting_for_loop = self.waiting_for_loop, []
        for fn in waiting:
            loop.call_soon(fn, loop)

    def delayed_calls(self) -> list[DelayedCall]:
        """The calls still to run, soonest first (Twisted: ``getDelayedCalls``)."""
        return [
            call
            for when, _, call in sorted(self.heap + self.new_calls)
            if call.deadline == when and not call.cancelled and not call.called
        ]

    def disarm(self) -> None:
        """Cancel the loop timer (the loop is ending)."""
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None

    # -- the loop, now or later --

    def on_loop(self, fn: Callable[[asyncio.AbstractEventLoop], None]) -> None:
        """Call ``fn(loop)`` now if this state has its loop, else when run() adopts it."""
        loop = self.loop_ref()
        if loop is not None:
            fn(loop)
        else:
            self.waiting_for_loop.append(fn)

    # Transition: the TLS and POSIX reactor mixins were written against this spelling.
    onLoop = on_loop

    # -- what is open on the loop --

    def open_ports(self) -> list[ClosesAtShutdown]:
        """The listening ports, in no particular order."""
        return list(self.ports)

    def open_connections(self) -> list[ClosesAtShutdown]:
        """The open connections, in no particular order."""
        return list(self.connections)

    def disconnect_all(self) -> None:
        """Shutdown: close listening ports, stop connecting, drop connections (as Twisted)."""
        # As Twisted's disconnectAll: ports (and their factories) stop before the other
        # "during shutdown" triggers run; then every connection ends with ConnectionLost.
        for port in list(self.ports):
            port.connectionLost(Failure(ConnectionLost()))
        for connector in list(self.connectors):
            if connector.state == "connecting":
                connector.stopConnecting()
        for connection in list(self.connections):
            # Twisted's shutdown reason reads "Connection lost" (its main.CONNECTION_LOST).
            connection.connectionLost(Failure(ConnectionLost("Connection lost")))

    # -- system events --

    def event(self, event_type: str) -> SystemEvent:
        """The triggers of ``event_type`` (created on first use)."""
        event = self.events.get(event_type)
        if event is None:
            event = self.events[event_type] = SystemEvent()
        return event


class LoopStates:
    """One reactor's states: one per loop it is used on, plus the pending one.

    Thread handover lives here too: which loop calls from other threads go to, what happens
    to them when that loop is gone, and the threads blocked in ``blockingCallFromThread``.
    """

    def __init__(self) -> None:
        self.states: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoopState] = (
            weakref.WeakKeyDictionary()
        )
        self.pending = LoopState(None)
        # The last state looked up, as ONE attribute, so that a lookup never sees a loop
        # paired with another loop's state (free-threaded Python has no GIL to hide that).
        self.last = self.pending
        self.lock = threading.Lock()  # guards from_threads, thread_loop, closing, blocked
        self.from_threads: list[_Call] = []
        # Where calls from other threads go: the loop run() runs, else the last loop the
        # reactor was used on. None: no loop yet (calls wait for run()).
        self.thread_loop: _LoopRef | None = None
        # The loop run() has left (until it forgot it): blocked threads are released, new
        # blocking calls fail at once.
        self.closing: asyncio.AbstractEventLoop | None = None
        self.blocked: set[queue.SimpleQueue[object]] = set()

    def current(self) -> LoopState:
        """The state for the loop running in this thread, or the pending state."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self.pending
        last = self.last
        if last.loop_ref() is loop:
            return last
        state = self.states.get(loop)
        if state is None:
            state = self.states[loop] = LoopState(loop)
            with self.lock:
                known = self.thread_loop() if self.thread_loop is not None else None
                if known is None or not known.is_running():
                    self.thread_loop = state.loop_ref
        self.last = state
        return state

    def take_pending(self, loop: asyncio.AbstractEventLoop) -> tuple[LoopState, list[_Call]]:
        """run(): the pending state and calls from threads now belong to ``loop``."""
        with self.lock:
            state = self.pending
            self.pending = LoopState(None)
            calls, self.from_threads = self.from_threads, []
            state.loop_ref = weakref.ref(loop)
            self.thread_loop = state.loop_ref
            self.closing = None
        state.owned = True
        state.started = False
        state.stopping = False
        self.states[loop] = state
        self.last = self.pending
        return state, calls

    def forget(self, loop: asyncio.AbstractEventLoop) -> None:
        """Drop ``loop``'s state (the loop is closing); calls from threads wait for run().

        This also ends a shutdown's release of blocked threads (run() forgets its loop
        after joining the thread pool): from now on, a blocking call waits for the next
        loop, as every call from a thread does when no loop is there.
        """
        self.states.pop(loop, None)
        if self.last.loop_ref() is loop:
            self.last = self.pending
        with self.lock:
            if self.thread_loop is not None and self.thread_loop() is loop:
                self.thread_loop = None
            if self.closing is loop:
                self.closing = None

    def thread_state(self) -> LoopState | None:
        """The state of the loop calls from threads go to, while that loop runs."""
        ref = self.thread_loop
        loop = ref() if ref is not None else None
        if loop is None or not loop.is_running():
            return None
        return self.states.get(loop)

    def running(self) -> bool:
        """Whether the reactor runs, as seen from this thread (or from the loop's thread)."""
        state = self.current()
        if state is self.pending:
            other = self.thread_state()
            if other is not None:
                return other.running
        return state.running

    def runs_elsewhere(self) -> bool:
        """No loop runs in this thread, but the reactor's loop runs in another one."""
        return self.thread_state() is not None

    def call_from_thread(
        self, f: Callable[..., Any], args: tuple[Any, ...], kw: dict[str, Any]
    ) -> bool:
        """Hand ``f(*args, **kw)`` to the loop's thread; False if it was dropped.

        With no loop yet, the call waits for ``run()``. When the loop it would go to has
        closed (or closes while the call is handed over), the call is dropped with a
        warning: the loop that would run it is gone, and raising into a thread that merely
        reports back would break it (Twisted never raises here).
        """
        with self.lock:
            ref = self.thread_loop
            if ref is None:
                self.from_threads.append((f, args, kw))
                return True
            loop = ref()
        call: Callable[..., Any] = functools.partial(f, *args, **kw) if kw else f
        try:
            if loop is None:
                raise RuntimeError("Event loop is gone")
            loop.call_soon_threadsafe(call, *(() if kw else args))
        except RuntimeError:
            _log.warning(
                "callFromThread(%r) arrived after the event loop closed; the call is dropped",
                f,
            )
            return False
        return True

    def call_and_wait(self, start: Callable[[Callable[[object], object]], object]) -> object:
        """From a non-loop thread: run ``start(put)`` on the loop; wait for ``put(result)``.

        Raises:
            ReactorNotRunning: the reactor is shutting down (now, or while waiting), or
                the loop the call would go to is gone: nothing would ever answer.
        """
        results: queue.SimpleQueue[object] = queue.SimpleQueue()
        with self.lock:
            if self.closing is not None:
                raise _shutting_down()
            self.blocked.add(results)

        def start_if_waited() -> None:
            # A call that reached the loop after its thread was released is not run.
            with self.lock:
                waited = results in self.blocked
            if waited:
                start(results.put)

        try:
            if not self.call_from_thread(start_if_waited, (), {}):
                raise _shutting_down()
            result = results.get()
            if result is _RELEASED:
                raise _shutting_down()
            return result
        finally:
            with self.lock:
                self.blocked.discard(results)

    def release_blocked(self, loop: asyncio.AbstractEventLoop) -> None:
        """run() left ``loop``: threads waiting for it get an error instead of waiting on,
        until ``forget(loop)``."""
        with self.lock:
            self.closing = loop
            # No longer waited for: a call already handed to the loop is not run if the
            # loop turns again (to cancel leftover tasks).
            blocked = list(self.blocked)
            self.blocked.clear()
        for waiting in blocked:
            waiting.put(_RELEASED)

    def in_loop_thread(self) -> bool:
        """Whether this thread runs an event loop (the reactor's, for all we can tell)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    def delivery(self, call_from_thread: Callable[..., object]) -> Callable[..., object]:
        """How a worker thread hands a result back to the loop running this call, if any."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return call_from_thread
        self.current()  # this loop is now where calls from threads go
        return loop.call_soon_threadsafe


_RELEASED = object()


def _shutting_down() -> ReactorNotRunning:
    return ReactorNotRunning(
        "blockingCallFromThread(): the reactor is shutting down, so its loop will never run "
        "the call; the waiting thread is released with this error instead of blocking forever"
    )


# Each twistlike reactor's LoopStates, found with states_of(). The states do not refer back
# to their reactor, so this weak mapping lets a reactor object be collected.
_registry: weakref.WeakKeyDictionary[object, LoopStates] = weakref.WeakKeyDictionary()


def register(reactor: object, states: LoopStates) -> None:
    """Make ``states`` the states of ``reactor`` (called by the reactor's constructor)."""
    _registry[reactor] = states


def states_of(reactor: object) -> LoopStates | None:
    """The states of a twistlike reactor; None for other reactor-like objects (fakes)."""
    try:
        return _registry.get(reactor)
    except TypeError:  # not weakly referenceable: not ours
        return None


def current(reactor: object) -> LoopState:
    """The state of ``reactor`` for the loop running in this thread (or its pending state).

    Raises:
        TypeError: ``reactor`` is not a twistlike reactor.
    """
    states = states_of(reactor)
    if states is None:
        raise TypeError(f"{reactor!r} is not a twistlike reactor")
    return states.current()


def forget(reactor: object, loop: asyncio.AbstractEventLoop) -> None:
    """Drop ``reactor``'s state for ``loop`` (the caller is closing that loop)."""
    states = states_of(reactor)
    if states is not None:
        states.forget(loop)


def on_loop(reactor: Any, fn: Callable[[asyncio.AbstractEventLoop], None]) -> None:
    """Call ``fn(loop)`` now inside a running loop, else once ``reactor`` runs one.

    For a reactor that is not twistlike's (a fake), the running loop is used, and with none
    a ``callLater(0)`` waits for the reactor to run one.
    """
    states = states_of(reactor)
    if states is not None:
        states.current().on_loop(fn)
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        reactor.callLater(0, lambda: fn(asyncio.get_running_loop()))
        return
    fn(loop)


def in_loop_thread(reactor: object) -> bool:
    """Whether this thread runs an event loop ``reactor`` would use."""
    states = states_of(reactor)
    if states is not None:
        return states.in_loop_thread()
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def delivery(reactor: Any) -> Callable[..., object]:
    """How a worker thread hands a result back to the loop this call runs on.

    Inside a running loop: that loop's ``call_soon_threadsafe`` (each result goes back to
    the loop that asked). Otherwise, and for other reactor-like objects, their
    ``callFromThread``.
    """
    states = states_of(reactor)
    if states is None:
        return reactor.callFromThread  # type: ignore[no-any-return]
    return states.delivery(reactor.callFromThread)


def cancel_leftover_tasks(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the tasks still pending on ``loop`` and let them finish, as ``asyncio.run``.

    Their ``finally`` blocks run now (not at garbage collection), the Deferreds driving them
    fail with CancelledError, and an exception other than cancellation goes to the loop's
    exception handler.
    """
    tasks = asyncio.all_tasks(loop)
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
    for task in tasks:
        if task.cancelled():
            continue
        exc = task.exception()
        if exc is not None:
            loop.call_exception_handler(
                {
                    "message": "unhandled exception in a task cancelled when reactor.run() ended",
                    "exception": exc,
                    "task": task,
                }
            )


def env_loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    """The loop factory ``TWISTLIKE_LOOP`` names (``asyncio`` or ``uvloop``); asyncio's."""
    name = os.environ.get("TWISTLIKE_LOOP", "asyncio").strip().lower()
    if name in ("", "asyncio"):
        return asyncio.new_event_loop
    if name == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    raise ValueError(f"TWISTLIKE_LOOP must be 'asyncio' or 'uvloop', not {name!r}")

"""The reactor: Twisted's reactor API on whichever asyncio loop is running.

ARCHITECTURE.md decisions 3 and 4. There is one reactor object (``from twistlike import
reactor``) and one :class:`~twistlike._aio.loopstate.LoopState` per event loop it is used on:

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
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from zope.interface import implementer

from twistlike._aio import loopstate
from twistlike._aio.loopstate import PHASES, LoopState, LoopStates, ReactorDelayedCall, SystemEvent
from twistlike._aio.posix import PosixReactorMixin
from twistlike._aio.stream import Connector, Port, bindTCP, bindUNIX
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

_SystemEventID = tuple[str, str, int]


def _fromForeignThread(method: str, what: str, args: str) -> RuntimeError:
    """The error for a reactor method called from a thread with no loop while the reactor
    runs in another thread (the call would land where no loop ever runs it)."""
    return RuntimeError(
        f"reactor.{method}() was called from thread {threading.current_thread().name!r}, "
        f"which runs no event loop, while the reactor runs in another thread; the reactor's "
        f"{what} are not thread-safe. Use reactor.callFromThread(reactor.{method}, {args}) "
        "instead."
    )


@implementer(IReactorCore, IReactorTime, IReactorThreads, IReactorTCP, IReactorUNIX)
class AsyncioReactor(TLSReactorMixin, PosixReactorMixin):
    """Twisted's reactor, on the asyncio event loop that runs it.

    Twisted: twisted.internet.interfaces.IReactorCore, IReactorTime, IReactorThreads.
    asyncio: each method uses the running loop; ``run()`` makes and runs one.
    """

    def __init__(self) -> None:
        self._loops = LoopStates()
        loopstate.register(self, self._loops)
        # The state for the loop running in this thread, or the pending state (the hot path
        # of every reactor method: bound once).
        self._state: Callable[[], LoopState] = self._loops.current
        self._lock = threading.Lock()  # guards _runThread and _threadpool
        self._loopFactory: Callable[[], asyncio.AbstractEventLoop] | None = None
        self._runThread: threading.Thread | None = None
        self._threadpool: ThreadPool | None = None
        self._threadpoolMax = 10
        # The signals run() installs once startup reaches its "during" phase (None: none).
        self._signalsToInstall: list[signal.Signals] | None = None
        # The loop iterate() made before run(): run() goes on with it.
        self._iterateLoop: asyncio.AbstractEventLoop | None = None

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
            RuntimeError: called from a thread with no event loop while the reactor runs
                in another thread (use ``reactor.callFromThread``).
        """
        if not delay >= 0:
            raise AssertionError(f"{delay} is not greater than or equal to 0 seconds")
        state = self._state()
        if state is self._loops.pending and state.loop is None and self._loops.runs_elsewhere():
            raise _fromForeignThread("callLater", "timers", "delay, f, ...")
        call = ReactorDelayedCall(
            time.time() + delay, callable, args, kw, state.cancel_hook, state.reset_hook
        )
        # (state.schedule, inlined: this is the hot path of every timer.)
        call.deadline = when = time.monotonic() + delay
        state.seq += 1
        if state.firing:
            # As Twisted: calls made by a running timed call wait for the next pass.
            state.new_calls.append((when, state.seq, call))
            return call
        heapq.heappush(state.heap, (when, state.seq, call))
        if when < state.armed_for:
            state.arm_at(when)
        return call

    def getDelayedCalls(self) -> list[DelayedCall]:
        """Return the calls scheduled with ``callLater`` that have not run or been cancelled.

        Twisted: IReactorTime.getDelayedCalls.
        """
        return self._state().delayed_calls()

    # ---- IReactorCore -----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True while the reactor runs: between startup and shutdown of ``run()``, or
        whenever it is used inside a running asyncio loop (until ``stop()``).

        Twisted: IReactorCore.running.

        From a thread that runs no loop it tells whether the reactor's loop (the one
        ``run()`` runs, else the last one used) is running, as Twisted's attribute does.
        """
        state = self._state()
        if state is self._loops.pending:
            return self._loops.running()
        return state.started and not state.stopped

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
        # iterate() may have made the loop already: run() goes on with it.
        loop = self._iterateLoop
        self._iterateLoop = None
        if loop is None or loop.is_closed():
            loop = factory()
        self._loops.pending.disarm()  # (an iterate() timer; _startup arms the heap again)
        state, fromThreads = self._loops.take_pending(loop)
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
            loop.call_soon(self._startup, state, fromThreads)
            loop.run_forever()
            _log.info("Main loop terminated.")
        finally:
            self._signalsToInstall = None
            for signum in installed:
                loop.remove_signal_handler(signum)
            state.disarm()
            # Threads blocked in blockingCallFromThread would wait for this loop forever
            # (and the pool below joins them): release them with an error first.
            self._loops.release_blocked(loop)
            try:
                # As asyncio.run: tasks still pending are cancelled and finish now, so their
                # `finally` blocks run and the Deferreds driving them fire.
                loopstate.cancel_leftover_tasks(loop)
                loop.run_until_complete(loop.shutdown_asyncgens())
                if self._threadpool is not None:
                    self._threadpool.stop()
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                asyncio.set_event_loop(None)
                self._loops.forget(loop)
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
        loops = self._loops
        loop = self._iterateLoop
        if loop is None or loop.is_closed():
            # Kept here: the per-loop states only hold their loops weakly.
            loop = self._iterateLoop = (self._loopFactory or asyncio.new_event_loop)()
            state = loops.pending
            loops.states[loop] = state
            state.adopt(loop)
            with loops.lock:
                loops.thread_loop = state.loop_ref
                fromThreads, loops.from_threads = loops.from_threads, []
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

    def _startup(self, state: LoopState, fromThreads: list[Any]) -> None:
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
        if self.running:  # (from another thread too, as Twisted's: it calls at once)
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
            RuntimeError: called from a thread with no event loop while the reactor runs
                in another thread (use ``reactor.callFromThread``).
        """
        if phase not in PHASES:
            raise KeyError(f"invalid phase {phase!r}: use 'before', 'during' or 'after'")
        state = self._state()
        if state is self._loops.pending and state.loop is None and self._loops.runs_elsewhere():
            # The trigger would be parked where the running reactor never fires it.
            raise _fromForeignThread(
                "addSystemEventTrigger", "system event triggers", "phase, eventType, f, ..."
            )
        state.next_trigger_id += 1
        triggerID = state.next_trigger_id
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

    def _fireEvent(self, state: LoopState, eventType: str) -> None:
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

    def _finishEvent(self, state: LoopState, eventType: str, event: SystemEvent) -> None:
        if eventType == "shutdown":
            # Twisted registers this as the first "during shutdown" trigger.
            try:
                state.disconnect_all()
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
        # As Twisted's ThreadedResolver: the timeouts are summed into one deadline (60
        # seconds when none is given); retries within it are the system resolver's business.
        timeouts = list(timeout)
        delay = sum(timeouts) if timeouts else 60

        async def lookup(loop: asyncio.AbstractEventLoop) -> str:
            # (Not asyncio.timeout: this coroutine starts inside its caller's task.)
            task = asyncio.ensure_future(
                loop.getaddrinfo(name, None, family=socket.AF_INET, type=socket.SOCK_STREAM)
            )
            expired: list[bool] = []

            def expire() -> None:
                expired.append(True)
                task.cancel()

            timer = loop.call_later(delay, expire)
            try:
                infos = await task
            except asyncio.CancelledError:
                if not expired:
                    raise
                raise DNSLookupError(f"address {name!r} not found: timeout error") from None
            except OSError as e:
                raise DNSLookupError(name, str(e)) from e
            finally:
                timer.cancel()
            if not infos:
                raise DNSLookupError(name, "no addresses")
            return str(infos[0][4][0])

        # As Twisted: before run() the lookup waits for the loop run() starts.
        result: Deferred[str] = Deferred()

        def start(loop: asyncio.AbstractEventLoop) -> None:
            Deferred.fromCoroutine(lookup(loop)).chainDeferred(result)

        state.on_loop(start)
        return result

    # ---- IReactorThreads ------------------------------------------------------------------------

    def callFromThread(self, callable: Callable[..., Any], *args: Any, **kw: Any) -> None:
        """Call ``callable`` soon on the reactor's loop thread; safe from any thread.

        Twisted: IReactorThreads.callFromThread.
        asyncio: ``loop.call_soon_threadsafe`` (wakes the loop).

        Before any loop runs, the call waits for ``run()``. A call that arrives after the
        loop it would go to has closed is dropped, with a warning logged (Twisted never
        raises here either; see docs/reactor.md).
        """
        self._loops.call_from_thread(callable, args, kw)

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

    def __repr__(self) -> str:
        ref = self._loops.thread_loop
        return f"<twistlike reactor on {ref() if ref is not None else None!r}>"

    if not TYPE_CHECKING:
        # (Hidden from type checkers, which would otherwise accept any attribute.)

        def __getattr__(self, name: str) -> object:
            # Only reached for attributes the reactor lacks: a Twisted reactor attribute
            # twistlike does not provide fails with the reason (docs/missing.md).
            from twistlike._porting.missing import missing_reactor_attribute

            raise missing_reactor_attribute(name)


reactor = AsyncioReactor()

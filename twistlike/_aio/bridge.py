"""The Deferred's edges to asyncio: ``await``, futures, and the coroutine driver.

ARCHITECTURE.md decision 2: asyncio meets a Deferred at four edges only, and they all live
here, so that the chain engine (:mod:`twistlike._core.deferred`) never imports asyncio:

- ``await d`` of a pending Deferred inside an asyncio Task (:func:`await_pending`);
- ``Deferred.asFuture`` (:func:`as_future`) and ``Deferred.fromFuture`` (:func:`from_future`);
- the coroutine driver behind ``ensureDeferred``/``fromCoroutine`` (:func:`run_coroutine`,
  :class:`_CoroutineRunner`), which also waits on asyncio futures for ``inlineCallbacks``.

The public methods stay on :class:`~twistlike._core.deferred.Deferred`; they call the
functions here through :func:`twistlike._core.deferred.install_edges`, which this module calls
when it is imported (:mod:`twistlike.defer` imports it). This module uses the Deferred's
public API only, plus the core's small internal API (``fire_with_pending``).

The one cancellation story: code on the Deferred side sees :class:`CancelledError` (Twisted's
class); code on the asyncio side sees :class:`asyncio.CancelledError`. Each edge translates:
a cancelled future becomes a Deferred failing with ``CancelledError``; a Deferred failing with
``CancelledError`` cancels the future made by ``asFuture``; an asyncio task cancelled while
awaiting a Deferred cancels that Deferred and gets ``asyncio.CancelledError`` at the
``await``.
"""

from __future__ import annotations

import asyncio
import collections.abc
import contextvars
import functools
import sys
from collections.abc import Callable, Coroutine, Generator
from typing import Any, TypeVar

from twistlike._core.deferred import (
    PLAIN_RESULT_TYPES,
    CancelledError,
    Deferred,
    adopt_if_foreign,
    await_edges,
    fire_with_pending,
    install_edges,
)
from twistlike._core.log import log_failure
from twistlike.failure import Failure

__all__ = ["as_future", "await_pending", "from_future", "run_coroutine"]

_T = TypeVar("_T")

_PY312 = sys.version_info >= (3, 12)


# --------------------------------------------------------------------------------------------
# await, asFuture, fromFuture


def as_future(d: Deferred[_T], loop: asyncio.AbstractEventLoop) -> asyncio.Future[_T]:
    """``d.asFuture(loop)``: an asyncio Future on ``loop`` that completes with ``d``'s result."""
    future: asyncio.Future[_T] = loop.create_future()

    def checkCancel(f: asyncio.Future[_T]) -> None:
        if f.cancelled():
            d.cancel()

    def settle(result: Any) -> None:
        if future.done():
            return
        if isinstance(result, Failure):
            if result.check(CancelledError):
                future.cancel()
            else:
                future.set_exception(result.value)
        else:
            future.set_result(result)

    future.add_done_callback(checkCancel)
    d.addBoth(settle)
    return future


def from_future(cls: type[Deferred[_T]], future: asyncio.Future[_T]) -> Deferred[_T]:
    """``Deferred.fromFuture(future)``: a ``cls`` instance that fires with the outcome."""

    def cancel(d: Deferred[Any]) -> None:
        future.cancel()
        if not d.called and not future.done():
            # The future reports its fate on a later loop turn (a Task may even finish
            # normally); let the chain wait for it instead of failing now.
            target[0] = fire_with_pending(d, cancel)

    d: Deferred[_T] = cls(cancel)
    target = [d]

    def adapt(f: asyncio.Future[_T]) -> None:
        fire = target[0]
        if fire.called:
            return
        if f.cancelled():
            fire.errback(Failure(CancelledError()))
            return
        exc = f.exception()
        if exc is not None:
            fire.errback(Failure(exc, type(exc), exc.__traceback__))
        else:
            fire.callback(f.result())

    future.add_done_callback(adapt)
    return d


def run_coroutine(cls: type[Deferred[_T]], coro: Coroutine[Any, Any, _T]) -> Deferred[_T]:
    """``Deferred.fromCoroutine(coro)`` for a coroutine: start it, return its Deferred."""
    runner = _CoroutineRunner(coro)
    d: Deferred[_T] = cls(runner._cancel)
    runner._deferred = d
    runner.start()
    return d


# --------------------------------------------------------------------------------------------
# Awaiting a pending Deferred


def _awaitable(failure: Failure) -> BaseException:
    """The exception an ``await`` of a Deferred failing with ``failure`` raises.

    The await of a Deferred is a generator (Twisted's ``Deferred.__iter__``), so a
    StopIteration raised through it becomes ``RuntimeError("generator raised StopIteration")``
    (PEP 479) in Twisted; asyncio futures refuse a StopIteration outright. Give the Task what
    Twisted gives the coroutine.
    """
    exc = failure.value.with_traceback(failure.tb)
    if isinstance(exc, StopIteration):
        wrapped = RuntimeError("generator raised StopIteration")
        wrapped.__cause__ = wrapped.__context__ = exc
        return wrapped
    return exc


def _taskCancelled(d: Deferred[Any], future: asyncio.Future[Any]) -> bool:
    """A Task awaiting ``d`` (through ``future``) got a CancelledError: what it means.

    Returns True when the Task itself is being cancelled: ``d`` is cancelled and whatever it
    ends with is dropped (its reader is gone), and the CancelledError propagates. Returns
    False when the cancellation came from cancelling the Task's ensureDeferred result: the
    awaiting code then waits for what ``d`` gives after its own ``cancel()``.
    """
    if not future.cancelled() or not _cancelledFromDeferred():
        d.cancel()
        d.addBoth(_discard)
        return True
    return False


# ``await d`` of a pending Deferred (``await_pending(d)``) and the handover to the Future the
# Task waits on run in the chain engine, compiled with it when it is: inside an asyncio Task
# the Task waits on a plain asyncio Future (at C speed), which the Deferred's chain settles; if
# the Task is cancelled, the CancelledError arrives at the await on its next step and
# _taskCancelled decides. With no loop running, the Deferred is yielded itself, as in Twisted,
# and twistlike's own coroutine driver waits (_CoroutineRunner).
await_pending = await_edges(
    get_running_loop=asyncio.get_running_loop,
    future_type=asyncio.Future,
    cancelled_error=asyncio.CancelledError,
    task_cancelled=_taskCancelled,
    awaitable=_awaitable,
)


def _discard(result: object) -> None:
    return None


def _cancelledFromDeferred() -> bool:
    """Whether the current Task's cancellation came from cancelling its ensureDeferred result.

    If so, the cancellation request is withdrawn (``Task.uncancel``), so that the Deferred
    side's cancellation reaches the coroutine as Twisted's, through the awaited Deferred.
    """
    task = asyncio.current_task()
    if task is None:
        return False
    runner = task.get_coro()
    if type(runner) is not _CoroutineRunner or not runner._cancelFromDeferred:
        return False
    runner._cancelFromDeferred = False
    task.uncancel()
    return True


# --------------------------------------------------------------------------------------------
# The future-like object an asyncio Task (or our own driver) waits on for a pending Deferred


class _DeferredWaiter:
    """How twistlike's coroutine driver waits on a Deferred the coroutine yielded.

    A coroutine yields a pending Deferred itself (``await d`` with no loop running, ``yield
    from d``, a generator-based coroutine's ``yield d``, as in Twisted); the driver wraps it in
    one of these, which takes the Deferred's result (consuming it, as Twisted's driver does).
    It is future-like in the sense of :func:`asyncio.isfuture` (it has
    ``_asyncio_future_blocking``, ``get_loop``, ``add_done_callback``, ``result`` and
    ``cancel``), so an asyncio Task waits on it exactly as on a Future. Twistlike's own
    coroutine driver instead sets ``direct`` and is resumed synchronously, as Twisted resumes
    coroutines.
    """

    __slots__ = (
        "_asyncio_future_blocking",
        "_callbacks",
        "_cancel_msg",
        "_cancel_requested",
        "_deferred",
        "_done",
        "_loop",
        "_outcome",
        "direct",
    )

    def __init__(self, d: Deferred[Any]) -> None:
        self._asyncio_future_blocking = False
        self._deferred = d
        self._done = False
        self._outcome: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._callbacks: list[tuple[Callable[[Any], object], contextvars.Context | None]] = []
        self._cancel_requested = False
        self._cancel_msg: object = None
        self.direct: Callable[[], None] | None = None
        d.addBoth(self._fire)

    def _fire(self, result: Any) -> Any:
        # Returning None consumes the Deferred's result, as Twisted's coroutine driver does.
        self._outcome = result
        self._done = True
        direct = self.direct
        if direct is not None:
            direct()
        callbacks = self._callbacks
        if callbacks:
            loop = self._loop
            assert loop is not None
            try:
                for fn, context in callbacks:
                    loop.call_soon(fn, self, context=context)
            except RuntimeError:
                # The waiting Task's loop is closed; this runs inside callback(), which must
                # not raise. Nobody will read the outcome: leave it in the Deferred (see
                # the chain engine's settle_future).
                return result
            finally:
                callbacks.clear()
        return None

    def _exception(self) -> BaseException | None:
        """What awaiting the outcome raises (None for a result), with its own traceback."""
        outcome = self._outcome
        if not isinstance(outcome, Failure):
            return None
        if self._cancel_requested and outcome.check(CancelledError):
            msg = self._cancel_msg
            return asyncio.CancelledError(*(() if msg is None else (msg,)))
        return outcome.value.with_traceback(outcome.tb)

    def _unwrap(self) -> Any:
        exc = self._exception()
        if exc is not None:
            raise exc
        return self._outcome

    # -- the asyncio future protocol --

    def get_loop(self) -> asyncio.AbstractEventLoop:
        loop = self._loop
        if loop is None:
            loop = self._loop = asyncio.get_running_loop()
        return loop

    def add_done_callback(
        self, fn: Callable[[Any], object], *, context: contextvars.Context | None = None
    ) -> None:
        if self._done:
            self.get_loop().call_soon(fn, self, context=context)
        else:
            self.get_loop()
            self._callbacks.append((fn, context))

    def remove_done_callback(self, fn: Callable[[Any], object]) -> int:
        before = len(self._callbacks)
        self._callbacks[:] = [(f, c) for f, c in self._callbacks if f != fn]
        return before - len(self._callbacks)

    def done(self) -> bool:
        return self._done

    def cancelled(self) -> bool:
        outcome = self._outcome
        return (
            self._done
            and self._cancel_requested
            and isinstance(outcome, Failure)
            and outcome.check(CancelledError) is not None
        )

    def result(self) -> Any:
        if not self._done:
            raise asyncio.InvalidStateError("Deferred has not fired yet")
        return self._unwrap()

    def exception(self) -> BaseException | None:
        if not self._done:
            raise asyncio.InvalidStateError("Deferred has not fired yet")
        try:
            self._unwrap()
        except asyncio.CancelledError:
            raise
        except BaseException as e:
            return e
        return None

    def cancel(self, msg: object = None) -> bool:
        if self._done:
            return False
        self._cancel_requested = True
        self._cancel_msg = msg
        self._deferred.cancel()
        return True

    def __repr__(self) -> str:
        return f"<awaiting {self._deferred!r}>"


# --------------------------------------------------------------------------------------------
# Coroutines: ensureDeferred / fromCoroutine


class _CoroutineRunner(collections.abc.Coroutine[Any, Any, None]):
    """Drives one coroutine and fires a Deferred with its outcome.

    With no event loop running, the runner drives the coroutine itself: it starts
    synchronously, and resumes synchronously when an awaited Deferred fires (Twisted's
    behaviour). While a loop runs, the coroutine runs inside a real asyncio Task (so
    ``asyncio.current_task()``, anyio and sniffio work), with the runner as the Task's
    coroutine. The Task comes from the loop's task factory (``loop.create_task``), so tools
    that install one (tracing, aiomonitor) see it, and is named after the coroutine. The
    first step runs synchronously, as in Twisted: inside the Task where the Task can start
    eagerly without bypassing a task factory (Python 3.12+ with no factory, or asyncio's
    ``eager_task_factory``), otherwise taken by the runner itself before it hands the
    coroutine to the Task at its first wait.

    The coroutine's outcome goes to the Deferred from inside the runner; the Task itself
    always ends with None, so asyncio never reports "exception was never retrieved".
    """

    def __init__(self, coro: Coroutine[Any, Any, Any]) -> None:
        self._coro = coro
        # asyncio's reprs of the Task name the coroutine through these.
        self.__name__: str = getattr(coro, "__name__", None) or type(coro).__name__
        self.__qualname__: str = getattr(coro, "__qualname__", None) or self.__name__
        self._deferred: Deferred[Any]  # set by run_coroutine, which makes it with _cancel
        self._context = contextvars.copy_context()
        self._waiting: Any = None  # the _DeferredWaiter or future the coroutine waits on
        self._task: asyncio.Task[None] | None = None
        self._first: Any = _NOTHING  # an object already yielded, for the Task's first step
        self._cancelFromDeferred = False
        self._driving = False

    # -- start and finish --

    def start(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._drive(None, None, None)
            return
        if _PY312:
            factory = loop.get_task_factory()
            if factory is None:
                # What loop.create_task would make, started eagerly: there is no factory to
                # bypass, and the first step runs now, inside the Task.
                self._task = asyncio.Task(  # type: ignore[call-arg,unused-ignore]
                    self,
                    loop=loop,
                    name=self.__qualname__,
                    context=self._context,
                    eager_start=True,
                )
                return
            if factory is getattr(asyncio, "eager_task_factory", None):
                self._createTask(loop)
                return
        # Python 3.11, or a task factory that may not start the Task eagerly: take the first
        # step here (Twisted starts the coroutine synchronously); the factory makes the Task
        # when the coroutine first waits on something a Task must wait for.
        self._drive(None, None, loop)

    def _finish(self, value: Any) -> None:
        self._waiting = None
        d = self._deferred
        if isinstance(value, Failure) and value.check(asyncio.CancelledError):
            # The asyncio side's cancellation reaches the Deferred side as Twisted's error.
            value = Failure(CancelledError(*value.value.args))
        if d.called:
            # The Deferred was cancelled while the coroutine itself was running (nothing to
            # forward the cancellation to), so it already failed with CancelledError.
            if isinstance(value, Failure):
                log_failure(
                    value,
                    "Coroutine failed after its Deferred was cancelled:",
                    namespace="twistlike.defer",
                )
            return
        if isinstance(value, Failure):
            d.errback(value)
        else:
            d.callback(value)

    def _cancel(self, d: Deferred[Any]) -> None:
        """The result Deferred was cancelled: cancel what the coroutine is waiting on."""
        task = self._task
        waiting = self._waiting
        if self._driving:
            # Cancelled by the coroutine itself while it runs: as in Twisted, its own outcome
            # (not CancelledError) is what the Deferred gets.
            self._deferred = fire_with_pending(d, self._cancel)
            return
        if waiting is None and (task is None or task.done()):
            # Not waiting on anything (finished, or cancelling itself while it runs).
            return
        # Keep the chain waiting for the coroutine's own outcome (it may catch the error).
        self._deferred = fire_with_pending(d, self._cancel)
        if waiting is not None and waiting.done():
            # What it waited on has delivered already; the coroutine resumes with that
            # on its next step (in Twisted it would have resumed synchronously).
            return
        if isinstance(waiting, _DeferredWaiter):
            # Twisted's behaviour, also inside a Task: the awaited Deferred is cancelled and
            # the coroutine sees its CancelledError (the waiter fires, the Task wakes up).
            waiting._deferred.cancel()
        elif task is not None:
            # If the coroutine waits on a Deferred, await_pending sees this flag and delivers
            # that Deferred's own cancellation (Twisted's behaviour) instead of
            # asyncio.CancelledError.
            self._cancelFromDeferred = True
            task.cancel()
        else:
            waiting.cancel()

    def _startTask(self, loop: asyncio.AbstractEventLoop, waiting: Any) -> None:
        # The Task's first step hands `waiting` (already yielded by the coroutine) to it.
        if type(waiting) is _DeferredWaiter:
            waiting._asyncio_future_blocking = True
        self._first = waiting
        self._waiting = waiting
        self._createTask(loop)

    def _createTask(self, loop: asyncio.AbstractEventLoop) -> None:
        """Have the loop's task factory make the Task; if it fails, so does the Deferred."""
        try:
            self._task = loop.create_task(self, name=self.__qualname__, context=self._context)
        except BaseException:
            # A task factory that raises (uvloop 0.23 on Python 3.13 cannot use
            # asyncio.eager_task_factory, for one). This may run inside a Deferred's
            # callback: nothing escapes; the coroutine is closed, its Deferred fails.
            failure = Failure()
            self._first = _NOTHING
            self._waiting = None
            try:
                self._coro.close()
            except BaseException:
                failure = Failure()
            self._finish(failure)

    # -- the driver without a Task --

    def _drive(
        self, value: Any, exc: BaseException | None, loop: asyncio.AbstractEventLoop | None
    ) -> None:
        """Run the coroutine until it waits; ``loop`` is the running loop, if any.

        With no loop, a pending Deferred resumes the coroutine synchronously when it fires.
        With a loop (Python 3.11's synchronous first step), the Task takes over at the first
        wait on anything but a Deferred, or when a Deferred resumes it.
        """
        coro = self._coro
        run = self._context.run
        while True:
            self._driving = True
            # The outcome is delivered after the except clause, not inside it: the Deferred's
            # callbacks must not see the StopIteration as the __context__ of their errors.
            outcome: Any = _NOTHING
            try:
                if exc is None:
                    yielded = run(coro.send, value)
                else:
                    yielded = run(coro.throw, exc)
            except StopIteration as e:
                outcome = e.value
            except BaseException:
                outcome = Failure()
            self._driving = False
            if outcome is not _NOTHING:
                self._finish(outcome)
                return
            exc = None
            if type(yielded) not in PLAIN_RESULT_TYPES:
                # `await` on Twisted's own Deferred yields it: adopt it (keeping its result,
                # which its iterator returns when the coroutine is resumed).
                yielded = adopt_if_foreign(yielded, keep=True)
            if isinstance(yielded, Deferred):
                # `await d` (with no loop) and `yield from d` yield the Deferred itself, as
                # in Twisted; so may a generator-based coroutine. Wait on it.
                waiter = _DeferredWaiter(yielded)
                if not waiter._done:
                    self._waiting = waiter
                    waiter.direct = functools.partial(self._resume, waiter)
                    return
                value = waiter._outcome
                exc = waiter._exception()
                continue
            if yielded is None:
                # A bare yield (asyncio.sleep(0)) asks for one loop turn.
                if loop is not None:
                    self._startTask(loop, None)
                    return
                value = None
                continue
            if asyncio.isfuture(yielded):
                if loop is not None:
                    self._startTask(loop, yielded)
                else:
                    self._waiting = yielded
                    yielded.add_done_callback(self._resume)
                return
            exc = RuntimeError(
                f"a coroutine run by twistlike awaited {yielded!r}, which is neither a "
                "Deferred nor an asyncio future"
            )

    def _resume(self, waited: Any) -> None:
        self._waiting = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            # A loop runs now: continue inside a real Task.
            self._startTask(loop, waited)
            return
        if isinstance(waited, _DeferredWaiter):
            self._drive(waited._outcome, waited._exception(), None)
            return
        try:
            value = waited.result()
        except BaseException as e:
            self._drive(None, e, None)
        else:
            self._drive(value, None, None)

    # -- the Coroutine protocol, used by the asyncio Task --

    def send(self, value: Any) -> Any:
        first = self._first
        if first is not _NOTHING:
            self._first = _NOTHING
            return first
        waiting = self._waiting
        if type(waiting) is _DeferredWaiter and waiting._done:
            # The Task sends None once what it waited on is done; the coroutine yielded a
            # Deferred and gets its result, as Twisted's driver sends it. (A failure reaches
            # throw() instead: the Task raises it from the waiter's result().)
            value = waiting._outcome
        return self._step(self._coro.send, value)

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        if val is None:
            exc = typ if isinstance(typ, BaseException) else typ()
        else:
            exc = val
        first = self._first
        if first is not _NOTHING:
            # Cancelled before the Task's first step: cancel what the coroutine waits on too.
            self._first = _NOTHING
            if first is not None and not first.done():
                first.cancel()
        return self._step(self._coro.throw, exc)

    def _step(self, method: Callable[[Any], Any], arg: Any) -> Any:
        while True:
            outcome: Any = _NOTHING
            try:
                yielded = method(arg)
            except StopIteration as e:
                outcome = e.value
            except BaseException:
                outcome = Failure()
            finally:
                # A cancellation from the Deferred side is delivered in the step after it was
                # requested; what this step did not consume must not linger.
                self._cancelFromDeferred = False
            if outcome is not _NOTHING:
                # Outside the except clause (see _drive); the Task itself ends with None.
                self._finish(outcome)
                raise StopIteration(None)
            if type(yielded) not in PLAIN_RESULT_TYPES:
                # Twisted's Deferred, awaited (see _drive); asyncio futures seen once pass.
                yielded = adopt_if_foreign(yielded, keep=True)
            if isinstance(yielded, Deferred):
                # A Deferred yielded by `yield from d` or a generator-based coroutine: wait
                # on it (its result is consumed, as Twisted's driver does).
                waiter = _DeferredWaiter(yielded)
                if waiter._done:
                    method, arg = self._coro.send, waiter._outcome
                    if isinstance(arg, Failure):
                        method, arg = self._coro.throw, arg.value.with_traceback(arg.tb)
                    continue
                waiter._asyncio_future_blocking = True
                yielded = waiter
            self._waiting = yielded
            return yielded

    def close(self) -> None:
        self._coro.close()

    # -- what asyncio's reprs read from a coroutine (the Task shows where it runs) --

    @property
    def cr_code(self) -> Any:
        return getattr(self._coro, "cr_code", None)

    @property
    def cr_frame(self) -> Any:
        return getattr(self._coro, "cr_frame", None)

    @property
    def cr_running(self) -> bool:
        return bool(getattr(self._coro, "cr_running", False))

    @property
    def cr_await(self) -> Any:
        return getattr(self._coro, "cr_await", None)

    def __await__(self) -> Generator[Any, None, None]:
        raise TypeError("twistlike's coroutine runner is driven by a Task, not awaited")


_NOTHING: Any = object()

install_edges(
    await_pending=await_pending,
    as_future=as_future,
    from_future=from_future,
    run_coroutine=run_coroutine,
)

"""Running blocking code in threads and getting results back on the event loop.

Twisted: twisted.internet.threads.

Results always arrive on the thread of the event loop that asked for them.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from twistlike._aio import loopstate
from twistlike._aio.reactor import AsyncioReactor
from twistlike._aio.reactor import reactor as _reactor
from twistlike._core.reflect import claim_public_names
from twistlike._core.threadpool import ThreadPool
from twistlike.defer import Deferred, maybeDeferred
from twistlike.failure import Failure

__all__ = [
    "ThreadPool",
    "blockingCallFromThread",
    "callMultipleInThread",
    "deferToThread",
    "deferToThreadPool",
]

_T = TypeVar("_T")
_P = ParamSpec("_P")


def deferToThreadPool(
    reactor: AsyncioReactor,
    threadpool: ThreadPool,
    f: Callable[_P, _T],
    *args: _P.args,
    **kwargs: _P.kwargs,
) -> Deferred[_T]:
    """Run ``f(*args, **kwargs)`` in ``threadpool``; return a Deferred of its result.

    Twisted: twisted.internet.threads.deferToThreadPool.
    asyncio: the result is delivered with ``reactor.callFromThread`` (``call_soon_threadsafe``
    on the loop the call was made on).
    """
    d: Deferred[_T] = Deferred()
    # Back to the loop this call was made on (any reactor-like object: its callFromThread).
    deliver = loopstate.delivery(reactor)

    def onResult(success: bool, result: Any) -> None:
        if success:
            deliver(d.callback, result)
        else:
            deliver(d.errback, result)

    threadpool.callInThreadWithCallback(onResult, f, *args, **kwargs)
    return d


def deferToThread(f: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> Deferred[_T]:
    """Run ``f(*args, **kwargs)`` in the reactor's thread pool; return a Deferred of it.

    Twisted: twisted.internet.threads.deferToThread.
    """
    return deferToThreadPool(_reactor, _reactor.getThreadPool(), f, *args, **kwargs)


def _run_multiple(
    tupleList: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]],
) -> None:
    for f, args, kwargs in tupleList:
        f(*args, **kwargs)


def callMultipleInThread(
    tupleList: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]],
) -> None:
    """Run ``(f, args, kwargs)`` calls one after another in one pool thread.

    Twisted: twisted.internet.threads.callMultipleInThread.
    """
    _reactor.callInThread(_run_multiple, tupleList)


def blockingCallFromThread(
    reactor: AsyncioReactor, f: Callable[..., Any], *a: Any, **kw: Any
) -> Any:
    """From a non-reactor thread: run ``f`` on the reactor's loop and wait for its result.

    Twisted: twisted.internet.threads.blockingCallFromThread.

    ``f`` may return a Deferred or a coroutine; its result is returned, its failure raised.

    Raises:
        RuntimeError: called from the reactor's own thread, where waiting would deadlock.
        ReactorNotRunning: the reactor is shutting down (or shuts down while this thread
            waits): its loop will never run ``f``. Divergence from Twisted: Twisted's call
            waits forever there (a deadlock when ``run()`` joins the pool at its end).
    """
    if loopstate.in_loop_thread(reactor):
        raise RuntimeError(
            "blockingCallFromThread() was called from the reactor's own thread; it would wait "
            "for itself forever. Call the function directly (or yield/await its Deferred)."
        )

    def run(put: Callable[[object], object]) -> None:
        maybeDeferred(f, *a, **kw).addBoth(put)

    states = loopstate.states_of(reactor)
    if states is not None:
        result = states.call_and_wait(run)
    else:
        # Another reactor-like object (a fake): its callFromThread, and wait.
        results: queue.SimpleQueue[Any] = queue.SimpleQueue()
        reactor.callFromThread(run, results.put)
        result = results.get()
    if isinstance(result, Failure):
        result.raiseException()
    return result


# This module is the public home of these names: show it in reprs, tracebacks and pickles.
claim_public_names(globals())

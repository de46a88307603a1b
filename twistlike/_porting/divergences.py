"""The one table of deliberate differences from Twisted (ARCHITECTURE.md decision 9).

docs/divergences.md is generated from this table (``python -m twistlike._porting.docs``);
the code carries a ``Divergence from Twisted:`` comment at each place. The rows are grouped in
sections, one per area of the project, and each area adds rows to its own section only.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DIVERGENCES", "Divergence"]


@dataclass(frozen=True)
class Divergence:
    """One deliberate difference from Twisted.

    Attributes:
        area: the docs heading it belongs under (e.g. "Deferreds (`twistlike.defer`)").
        title: a short bold summary, in Markdown (empty: the text stands alone).
        text: what twistlike does, what Twisted does, and why (Markdown, may be several
            sentences or a list).
    """

    area: str
    title: str
    text: str


# -- the core (defer, reactor, transports, protocols, logging, testing) -----------------------
_DEFER = "Deferreds (`twistlike.defer`)"
_COMBINATORS = "Combinators"
_FAILURE = "Failure (`twistlike.failure`)"
_REACTOR = "Reactor"
_LOG = "task, log, logger"
_TRANSPORTS = "Transports, endpoints (`twistlike.endpoints`)"
_RECEIVERS = "Receivers and policies (`twistlike.basic`, `twistlike.policies`)"
_TESTING = "Testing kit (`twistlike.testing`)"
_TRIAL = "trial and the pytest plugin (`twistlike.trial`)"

_CORE: tuple[Divergence, ...] = (
    Divergence(
        _DEFER,
        "One cancellation story across the asyncio edges",
        (
            "(see [deferreds.md](deferreds.md)). Twisted lets `asyncio.CancelledError` "
            "leak into Deferreds and `defer.CancelledError` into futures; twistlike "
            "translates at each edge so that Deferred code only ever sees "
            "`defer.CancelledError` and asyncio code only `asyncio.CancelledError`:\n- "
            "`Deferred.fromFuture(f)` fails with `defer.CancelledError` when `f` is "
            "cancelled (Twisted: `asyncio.CancelledError`).\n- `d.asFuture(loop)` cancels "
            "the future when `d` fails with `defer.CancelledError` (Twisted: sets that "
            "error as the future's exception).\n- A coroutine run by `ensureDeferred` that"
            " lets `asyncio.CancelledError` escape makes the Deferred fail with "
            "`defer.CancelledError`."
        ),
    ),
    Divergence(
        _DEFER,
        "Coroutines run in real asyncio Tasks while a loop runs.",
        (
            "Twisted drives coroutines itself, so `asyncio.current_task()` is wrong "
            "inside them and awaiting asyncio things fails. twistlike uses a Task, so "
            "after an awaited Deferred fires the coroutine resumes on the next loop turn "
            "instead of synchronously inside `callback()`; with no loop running it "
            "resumes synchronously, as in Twisted. On Python 3.11 (no eager tasks) the "
            "coroutine's first step runs before the Task exists, inside the caller's "
            "task."
        ),
    ),
    Divergence(
        _DEFER,
        "A task awaiting a Deferred and cancelled",
        (
            "cancels the Deferred when the task processes its cancellation (its next "
            "step), not inside `task.cancel()`."
        ),
    ),
    Divergence(
        _DEFER,
        "`inlineCallbacks` waits on a yielded asyncio future",
        "(Twisted sends the future back into the generator as a plain value).",
    ),
    Divergence(
        _DEFER,
        "`addCallback` and friends check that the callback is callable",
        "and raise `TypeError` at once (Twisted fails later, when the chain runs it).",
    ),
    Divergence(
        _DEFER,
        "`callback(a_deferred)` raises `AssertionError`",
        (
            "(checked after `AlreadyCalledError`, as in Twisted); Twisted 26 accepts a "
            "Deferred there and the chain then misbehaves."
        ),
    ),
    Divergence(
        _DEFER,
        "`Deferred.callbacks` is not provided",
        "(Twisted deprecated it in 25.5).",
    ),
    Divergence(
        _DEFER,
        "`returnValue()`",
        "warns with its own deprecation message.",
    ),
    Divergence(
        _COMBINATORS,
        "",
        (
            "`FirstError` compares with `==`/`!=` only (index and sub-failure); Twisted's"
            " Python-2-style `__cmp__` raises `TypeError` for some pairs and orders "
            "unrelated objects."
        ),
    ),
    Divergence(
        _COMBINATORS,
        "",
        (
            "`race()` accepts any iterable, including iterators (Twisted walks its "
            "argument twice, so an iterator leaves it never firing)."
        ),
    ),
    Divergence(
        _FAILURE,
        "",
        (
            "`check`/`trap`/`parents` use the real class hierarchy for "
            "`BaseException`-only types (`KeyboardInterrupt`, `asyncio.CancelledError`) "
            "and for non-exception values; Twisted's `parents` is just `[type]` there, so"
            " `check(BaseException)` fails for them."
        ),
    ),
    Divergence(
        _FAILURE,
        "",
        (
            "Class arguments to `check`/`trap` match by class identity, not dotted name "
            "(the hot path never has to build `parents`)."
        ),
    ),
    Divergence(
        _FAILURE,
        "",
        (
            "An exception class passed as the value gets no traceback (Twisted crashes "
            "later in `frames`)."
        ),
    ),
    Divergence(
        _FAILURE,
        "",
        (
            "`captureVars=True` records variables when the Failure is created (Twisted 26"
            " records them at first access, showing later values)."
        ),
    ),
    Divergence(
        _FAILURE,
        "",
        (
            "Variables saved by `cleanFailure` or pickling are shown once as their repr "
            "(Twisted quotes them twice)."
        ),
    ),
    Divergence(
        _FAILURE,
        "",
        "An invalid `detail` argument always raises `ValueError` up front.",
    ),
    Divergence(
        _FAILURE,
        "",
        ("`printTraceback(file=None)` writes to `sys.stderr` (Twisted: its log's error stream)."),
    ),
    Divergence(
        _FAILURE,
        "",
        (
            "`trap()` re-raises directly, so its traceback lacks Twisted's extra "
            "`raiseException` frame."
        ),
    ),
    Divergence(
        _FAILURE,
        "",
        "`type`, `value`, `tb` and `count` live in slots, not in `__dict__`.",
    ),
    Divergence(
        _FAILURE,
        "",
        (
            "`NoCurrentExceptionError` has a message; the deprecated `stack` attribute "
            "and module-level debugging switches are not provided."
        ),
    ),
    Divergence(
        _REACTOR,
        "Time:",
        (
            "`seconds()` and `DelayedCall.getTime()` are epoch seconds as in Twisted, but"
            " timers are armed on the loop's monotonic clock, so changing the wall clock "
            "does not move them."
        ),
    ),
    Divergence(
        _REACTOR,
        "Restartable:",
        (
            "`reactor.run()` may be called again after it returned (Twisted raises "
            "`ReactorNotRestartable`). Each run uses a new loop; state (timers, triggers)"
            " does not survive from one loop to the next."
        ),
    ),
    Divergence(
        _REACTOR,
        "No install step; follows the running loop:",
        (
            "inside a running asyncio loop every reactor method works on that loop and "
            "`reactor.running` is true; `reactor.run()` there raises `RuntimeError` "
            "(nothing to run). `reactor.stop()` inside a loop the reactor did not create "
            "runs the shutdown triggers but leaves the loop to its owner."
        ),
    ),
    Divergence(
        _REACTOR,
        "One thread pool per reactor, not per loop",
        ", stopped when `run()` ends.",
    ),
    Divergence(
        _REACTOR,
        "ThreadPool:",
        (
            "`callInThread` after `stop()` raises `RuntimeError` (Twisted drops the work "
            "silently); `ThreadPool(minthreads > maxthreads)` raises `ValueError` "
            "(Twisted: `AssertionError`)."
        ),
    ),
    Divergence(
        _REACTOR,
        "TCP_NODELAY:",
        (
            "asyncio (and uvloop) turn Nagle's algorithm off on every TCP connection; "
            "twistlike keeps that, so `getTcpNoDelay()` is true by default (Twisted: "
            "false). `setTcpNoDelay(False)` turns it back on."
        ),
    ),
    Divergence(
        _REACTOR,
        "`iterate(delay)`",
        (
            "with `delay > 0` runs the loop for `delay` seconds; Twisted returns as soon "
            "as some I/O was handled. The first `iterate()` makes the loop `run()` would "
            "make, and a later `run()` goes on with it."
        ),
    ),
    Divergence(
        _REACTOR,
        "`vars(delayed_call)`",
        (
            "gives a fresh dict of the call's attributes (Twisted's keys, order and "
            "values): `DelayedCall` keeps its attributes in slots, to keep `callLater` "
            "small and fast, so writing to that dict changes nothing (in Twisted it is the "
            "instance dict)."
        ),
    ),
    Divergence(
        _REACTOR,
        "",
        (
            "`base.ReactorBase` is the class of twistlike's one reactor (so `isinstance` "
            "checks hold); it is not an abstract base to derive a new reactor from."
        ),
    ),
    Divergence(
        _LOG,
        "",
        (
            "`LoopingCall.clock` is looked up on first use, not in `__init__`, so "
            "creating one never touches an event loop."
        ),
    ),
    Divergence(
        _LOG,
        "",
        (
            "`Cooperator.stop()` fails every task's `whenDone` Deferred; Twisted's loop "
            "removes tasks from the list it iterates, so every other task never fires."
        ),
    ),
    Divergence(
        _LOG,
        "",
        (
            "`log.err()` and `isError` events go to stdlib logging at ERROR (their "
            "Twisted `log_level` stays critical), as Twisted's own "
            "`PythonLoggingObserver` does."
        ),
    ),
    Divergence(
        _LOG,
        "",
        (
            "`log.err`'s `_stuff` and `_why` are positional-only in the signature (so "
            'that `d.addErrback(log.err, "why")` type-checks); passing them by keyword '
            "still works."
        ),
    ),
    Divergence(
        _LOG,
        "",
        (
            "`LogLevel` is an `enum.Enum` whose values are the stdlib levels (no "
            "`constantly` dependency); names, ordering, `lookupByName`, `levelWithName` "
            "and `iterconstants` match."
        ),
    ),
    Divergence(
        _LOG,
        "",
        (
            "An observer that raises is reported to the other observers (as Twisted does) "
            "and also to stdlib logging (`twistlike.logger`); it stays registered."
        ),
    ),
    Divergence(
        _LOG,
        "Two sinks (see [logging.md](logging.md)).",
        (
            "Until `startLogging`/`globalLogBeginner.beginLoggingTo` is called, events go to "
            "stdlib `logging` (ARCHITECTURE decision 7), so an application's logging "
            "configuration applies and stdlib's last resort prints warnings and errors to "
            "stderr; Twisted keeps them in a buffer (and prints critical ones to stderr). "
            "After it, the text in the log file is Twisted's, and stdlib logging only sees "
            "events through handlers an application configured."
        ),
    ),
    Divergence(
        _LOG,
        "",
        (
            "`beginLoggingTo` does not replay earlier events (`discardBuffer` is accepted "
            "and ignored): twistlike keeps no buffer of them; they went to stdlib logging."
        ),
    ),
    Divergence(
        _LOG,
        "",
        (
            "The log context (`callWithContext`, the `[Proto,0,127.0.0.1]` prefix) is a "
            "`contextvars.ContextVar`: an asyncio task started inside a protocol callback "
            "keeps that connection's prefix (Twisted's context ends with the callback)."
        ),
    ),
    Divergence(
        _LOG,
        "",
        (
            "Not provided: `DelayedCall.debug`/`creator`, the deprecated "
            "`LoopingCall.deferred` (see [missing.md](missing.md) for every Twisted name "
            "twistlike does not provide)."
        ),
    ),
    Divergence(
        _LOG,
        "",
        (
            "`eventFromJSON` revives a logged Failure as a Failure of a stand-in exception "
            "carrying the original's repr (Twisted rebuilds a Failure without a live "
            "exception); `extractField` evaluates the field on the event itself (Twisted "
            "flattens the event first)."
        ),
    ),
    Divergence(
        _LOG,
        "",
        (
            "Events twistlike itself emits carry twistlike's namespaces (`twistlike.reactor` "
            'for "Received SIGINT, shutting down." and "Main loop terminated.", '
            "`twistlike.logger` for warnings) instead of Twisted's module names "
            "(`twisted.internet.base`, `twisted.logger._global`): a stdlib logger of that "
            "name gets them, and `textFileLogObserver` shows them as "
            "`[twistlike.reactor#info]`. The classic `startLogging` text is the same."
        ),
    ),
    Divergence(
        _TRANSPORTS,
        "",
        (
            "Malformed endpoint descriptions always raise `ValueError` naming the problem"
            " (Twisted raises `TypeError`, `IndexError` or `RuntimeError` for some of "
            "them; its docs promise `ValueError`)."
        ),
    ),
    Divergence(
        _TRANSPORTS,
        "",
        (
            '`clientFromString("tcp6:...")` builds a `TCP6ClientEndpoint` (Twisted has no'
            " client `tcp6` type)."
        ),
    ),
    Divergence(
        _TRANSPORTS,
        "",
        (
            "A failed name lookup in `TCP6ClientEndpoint` gives `DNSLookupError` (Twisted"
            " lets `socket.gaierror` through); cancelling during the lookup gives "
            "`ConnectingCancelledError`."
        ),
    ),
    Divergence(
        _TRANSPORTS,
        "",
        (
            "An exception in `connectionMade` fails the `connect()` Deferred with it (in "
            "Twisted it never fires); the connection is dropped and the error logged "
            "either way."
        ),
    ),
    Divergence(
        _TRANSPORTS,
        "",
        (
            "`HostnameEndpoint` starts the next address at once after a failed attempt "
            "(RFC 8305), not at the next `attemptDelay` tick."
        ),
    ),
    Divergence(
        _TRANSPORTS,
        "",
        (
            "An exception raised in `dataReceived`/`connectionMade` closes the connection"
            " with that Failure, as in Twisted, but `connectionLost` arrives on a later "
            "loop turn (asyncio reports the closed transport then). In a server-side "
            "`connectionMade`, Twisted only logs the exception and leaves the connection "
            "open; twistlike closes it (issue 4's rule: one misbehaving connection is "
            "dropped, everything else keeps running)."
        ),
    ),
    Divergence(
        _TRANSPORTS,
        "Eager writes:",
        (
            "asyncio's `write()` hands data to the kernel at once, so data written just "
            "before `abortConnection()` (or in a `connectionMade` that then raises) can "
            "reach the peer; with Twisted it never does."
        ),
    ),
    Divergence(
        _TRANSPORTS,
        "`loseConnection()` with an active, unpaused push producer",
        (
            "waits for `unregisterProducer()`, as the ITransport documentation says; "
            "Twisted closes as soon as its buffer is empty and calls `stopProducing()`."
        ),
    ),
    Divergence(
        _TRANSPORTS,
        "",
        (
            "`connectionLost` after a reset carries `ConnectionLost()` with Twisted's text; "
            "the `OSError` asyncio reported is kept as the exception's `__cause__`."
        ),
    ),
    Divergence(
        _TRANSPORTS,
        "",
        (
            "`protocol.FileWrapper` logs an error writing or closing its file (Twisted's "
            "`handleException` ignores it; override it to do that)."
        ),
    ),
    Divergence(
        _TRANSPORTS,
        "",
        (
            'An exception raised by a protocol callback is logged as "Unhandled error in '
            "dataReceived\" (or the callback's name) with twistlike's frames in the "
            'traceback; Twisted logs "Unhandled Error" with its reactor\'s frames. The '
            "`[Proto,0,host]` prefix of that log line is the same."
        ),
    ),
    Divergence(
        _RECEIVERS,
        "",
        (
            "`LineReceiver` copies `line_mode`, `delimiter`, `MAX_LENGTH` and `paused` "
            "from the class to the instance on the first `dataReceived` (an instance "
            "attribute reads faster); class attributes changed after that are not seen by"
            " that instance."
        ),
    ),
    Divergence(
        _RECEIVERS,
        "",
        (
            "`IntNStringReceiver`: a re-entrant `dataReceived` only buffers (Twisted "
            "re-delivers earlier strings and can recurse until `RecursionError`); data "
            "after `lengthLimitExceeded` does not re-deliver strings already delivered; a"
            " negative length from a signed `structFormat` counts as too long (Twisted "
            "loops forever)."
        ),
    ),
    Divergence(
        _RECEIVERS,
        "",
        (
            "`NetstringReceiver` works before `makeConnection`, keeps only whether "
            "malformed bytes are pending after a parse error (bounded memory), and does "
            "not crash for `MAX_LENGTH <= 0`."
        ),
    ),
    Divergence(
        _RECEIVERS,
        "",
        (
            "`ProtocolWrapper` provides `IHalfCloseableProtocol` exactly when the wrapped"
            " protocol does and forwards `readConnectionLost`/`writeConnectionLost` "
            "(Twisted hides half-close)."
        ),
    ),
    Divergence(
        _RECEIVERS,
        "",
        (
            "`ThrottlingProtocol` throttles writes only through a producer registered via"
            " the wrapper (Twisted crashes on a transport's `producer = None`); "
            "`LimitConnectionsByPeer` uses `.host` of address objects (Twisted indexes "
            "them and raises `TypeError`); `TrafficLoggingProtocol`'s elision marker is "
            "bytes (Twisted mixes str and bytes)."
        ),
    ),
    Divergence(
        _RECEIVERS,
        "",
        (
            "`twistlike.error` exceptions convert non-str arguments with `str()` in "
            "`str()` (Twisted raises `TypeError`), and `MESSAGE` is the one-line message."
        ),
    ),
    Divergence(
        _TESTING,
        "",
        (
            "`MemoryReactor.addSystemEventTrigger` returns an ID; "
            "`removeSystemEventTrigger` and `fireSystemEvent` work (Twisted's fake raises"
            " `NotImplementedError`)."
        ),
    ),
    Divergence(
        _TRIAL,
        "",
        (
            "The differences from trial are listed in "
            "[testing.md](testing.md#differences-from-trial): in short, unflushed logged "
            "errors are reported together, the dirty-reactor check covers pending "
            "DelayedCalls and listening ports but not open connections (asyncio delivers "
            "a peer's `connectionLost` a loop turn later, so such a check would make "
            "correct tests flaky), `mktemp()` paths are absolute, and each `TestCase` "
            "test runs on its own event loop."
        ),
    ),
)

# -- services and the twistd runner ---------------------------------------------------------
_APPLICATION: tuple[Divergence, ...] = ()

# -- TLS --------------------------------------------------------------------------------------
_TLS: tuple[Divergence, ...] = ()

# -- UDP, processes, stdio, file descriptors --------------------------------------------------
_POSIX: tuple[Divergence, ...] = ()

# -- twisted.web ------------------------------------------------------------------------------
_WEB: tuple[Divergence, ...] = ()

# -- porting tools ----------------------------------------------------------------------------
_PORTING: tuple[Divergence, ...] = ()

DIVERGENCES: tuple[Divergence, ...] = _CORE + _APPLICATION + _TLS + _POSIX + _WEB + _PORTING

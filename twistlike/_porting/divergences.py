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
    # Lifecycle and threads (issue 10).
    Divergence(
        "Reactor",
        "A `callFromThread` that arrives after its loop closed is dropped, with a warning",
        "The call cannot run: the loop it was handed to is gone. twistlike logs a warning on "
        "`twistlike.reactor` naming the callable; Twisted (whose reactor cannot restart) "
        "queues it silently, and it never runs. Calls made before any loop ran still wait "
        "for `run()`, as in Twisted.",
    ),
    Divergence(
        "Reactor",
        "`callLater` and `addSystemEventTrigger` from another thread while the reactor runs "
        "raise `RuntimeError`",
        "The reactor's timers and triggers are not thread-safe (in Twisted either). Twisted "
        "lets the call race the reactor thread; twistlike raises a `RuntimeError` that says "
        "to use `reactor.callFromThread(reactor.callLater, ...)` (or "
        "`addSystemEventTrigger`), because before this check the call was parked where no "
        "loop would ever run it. From a thread that runs its own loop, both work on that "
        "loop.",
    ),
    Divergence(
        "Reactor",
        "`blockingCallFromThread` during shutdown raises `ReactorNotRunning`",
        "Twisted's waits forever when the reactor stops first, and `run()` then deadlocks "
        "joining the thread pool. twistlike releases the waiting thread with "
        "`ReactorNotRunning` once `run()` has left its loop, and fails new calls at once.",
    ),
    Divergence(
        "Reactor",
        "`ThreadPool`: `callInThread` after `stop()` raises; bad bounds raise `ValueError`",
        "Twisted drops work queued after `stop()` silently; twistlike raises `RuntimeError` "
        "(checked under the pool's lock, so work racing `stop()` either runs or is refused). "
        "`ThreadPool(minthreads > maxthreads)` raises `ValueError` (Twisted: "
        "`AssertionError`).",
    ),
    Divergence(
        "task, log, logger",
        "`task.react(main)` starts a coroutine `main` once the reactor runs",
        "Twisted runs the coroutine's first step before `reactor.run()`; there no asyncio "
        "awaitable could work (there is no running loop yet), so twistlike starts it from "
        "`callWhenRunning`. A `main` that returns a Deferred is still called before `run()`.",
    ),
    # Deferred helper
    Divergence(
        area="Deferreds (`twistlike.defer`)",
        title="`await d` inside a running asyncio loop waits on an asyncio Future",
        text=(
            "With an asyncio loop running, `d.__await__()` of a pending Deferred yields an "
            "asyncio Future that the Deferred's chain settles, so that asyncio Tasks (which "
            "reject anything else) can await it; Twisted's yields the Deferred itself, which an "
            'asyncio Task refuses ("Task got bad yield"). `iter(d)`, `yield from d`, and '
            "`await d` with no loop running yield the Deferred itself, as in Twisted. When the "
            "generator of `iter(d)` is resumed after the Deferred fired with a value other "
            "than None sent in, it returns that value (twistlike's coroutine driver resumes "
            "from a Task a loop turn later and sends the result it took); Twisted ignores "
            "what is sent and reads the Deferred's result."
        ),
    ),
    Divergence(
        area="Deferreds (`twistlike.defer`)",
        title="Log namespace `twistlike.defer`",
        text=(
            "The two critical events of a Deferred garbage-collected with an unhandled failure "
            '("Unhandled error in Deferred:", then the failure) have the namespace (and '
            "stdlib logger) `twistlike.defer`; Twisted's are `twisted.internet.defer`. The "
            "text, levels, `isError`, `log_failure` and `debugInfo` are Twisted's."
        ),
    ),
)

# -- services and the twistd runner ---------------------------------------------------------
_SERVICES = "Services and twistd (`twistlike.application`, `twistlike.usage`)"
_APPLICATION: tuple[Divergence, ...] = (
    Divergence(
        _SERVICES,
        "`startService` runs once the loop runs",
        "twistd and `app.startApplication` call the root service's `startService` from "
        "`reactor.callWhenRunning`; Twisted calls it just before `reactor.run()`. Services "
        "may then use the running asyncio loop (create tasks, `asyncio.get_running_loop()`). "
        "`privilegedStartService` still runs before the reactor, before privileges are "
        "dropped.",
    ),
    Divergence(
        _SERVICES,
        "No persisted applications",
        "`Application` has no `sob.IPersistable` component; `loadApplication` accepts only "
        "`kind='python'` (.tac/.py files); `startApplication(app, save=True)` and twistd's "
        "`-f` (.tap), `-s` (.tas) and `-e` are refused with an error naming them. Pickled "
        "applications are a Twisted-specific format that few deployments still use.",
    ),
    Divergence(
        _SERVICES,
        "twistd: reactors and unsupported options",
        "`--reactor` accepts `asyncio` and `uvloop` only; `--syslog`, `--profile`, "
        "`--spew` and `--debug` are refused by name instead of being run. "
        "`--version` prints twistlike's version; the `starting up.` line names twistlike's "
        "version and the `reactor class:` line twistlike's reactor, followed by an "
        "`event loop:` line.",
    ),
    Divergence(
        _SERVICES,
        "twistd: the log file is reopened on SIGHUP, not rotated",
        "Twisted's twistd rotates its log file itself (every megabyte, and on SIGUSR1); "
        "twistlike's never renames files: rotate with logrotate (or journald) and send "
        "SIGHUP, which makes twistd (and every `--workers` worker) reopen the file. A "
        "`Log file reopened.` line is logged.",
    ),
    Divergence(
        _SERVICES,
        "Application components",
        "`Application(...)` is a small componentized object: `IService(app)`, "
        "`IServiceCollection(app)`, `IProcess(app)` and `getComponent`/`addComponent`/"
        "`setComponent` work as in Twisted, but there is no global adapter registry, so "
        "`addComponent(c, ignoreClass=0)` registers every interface `c` provides.",
    ),
    Divergence(
        _SERVICES,
        "`usage.Completions` are kept as data",
        "Options classes may declare `compData = usage.Completions(...)`; twistlike keeps "
        "the declaration but does not generate zsh completion functions "
        "(`--_shell-completion` is an unknown option).",
    ),
    Divergence(
        _SERVICES,
        "`twistd.runApp` returns the exit status",
        "`runApp(config)` returns the status instead of exiting; `run()` exits with it. "
        "After SIGTERM/SIGINT the process still ends by that signal, as Twisted's does.",
    ),
)

# -- TLS --------------------------------------------------------------------------------------
_TLS_AREA = "TLS (`twistlike.ssl`, listenSSL/connectSSL/startTLS)"
_TLS: tuple[Divergence, ...] = (
    Divergence(
        _TLS_AREA,
        "`getContext()` returns an `ssl.SSLContext`",
        (
            "Twisted's context factories return a pyOpenSSL `OpenSSL.SSL.Context`. twistlike "
            "builds on the standard library's `ssl` module, so `getContext()` returns an "
            "`ssl.SSLContext`; calling a pyOpenSSL method on it (`set_verify`, "
            "`use_certificate_file` ...) raises an AttributeError naming the `ssl` equivalent, "
            "and pyOpenSSL objects passed in (contexts, `X509`, `PKey`, "
            "`method=SSL.TLSv1_2_METHOD`, Twisted's own `CertificateOptions`) raise a TypeError"
            " naming the replacement. See docs/tls.md."
        ),
    ),
    Divergence(
        _TLS_AREA,
        "Certificates and keys are not pyOpenSSL objects",
        (
            "`Certificate`, `PrivateCertificate`, `KeyPair` and `CertificateRequest` hold "
            "DER/PEM bytes; their `.original` is the object itself (Twisted: the pyOpenSSL "
            "`X509`/`PKey`), so `CertificateOptions(privateKey=k.original, "
            "certificate=c.original)` still works. `transport.getPeerCertificate()` returns a "
            "`twistlike.ssl.Certificate` instead of an `X509`. Reading fields, converting keys "
            "and signing need `cryptography` (`twistlike[tls]`)."
        ),
    ),
    Divergence(
        _TLS_AREA,
        "Verification failures are `ssl.SSLError`s",
        (
            "A failed handshake ends the connection with the standard library's error "
            "(`ssl.SSLCertVerificationError` for verification, whose message names the reason, "
            "e.g. `Hostname mismatch, certificate is not valid for 'x'`). Twisted gives "
            "`OpenSSL.SSL.Error` or service_identity's `VerificationError`. "
            "`twistlike.ssl.VerificationError` is `ssl.SSLCertVerificationError`."
        ),
    ),
    Divergence(
        _TLS_AREA,
        "The client factory hears the TLS error",
        (
            "When a handshake fails, `clientConnectionLost` gets the same TLS error as the "
            "protocol's `connectionLost`. Twisted's factory hears the reason of the TCP "
            "connection under its TLS layer (ConnectionDone or ConnectionAborted), which says "
            "nothing about the failure."
        ),
    ),
    Divergence(
        _TLS_AREA,
        "A rejected certificate reaches the server as ConnectionLost",
        (
            "When a client rejects the server's certificate, asyncio's TLS layer closes without"
            " sending the alert, so the server's `connectionLost` gets ConnectionLost; "
            "Twisted's server gets the alert as an `OpenSSL.SSL.Error`."
        ),
    ),
    Divergence(
        _TLS_AREA,
        "`abortConnection()` over TLS reports ConnectionAborted",
        (
            "The aborting side's `connectionLost` gets ConnectionAborted (a ConnectionLost "
            "subclass), as over TCP. Twisted's TLS layer reports its own abort as "
            "ConnectionLost or as an `OpenSSL.SSL.Error`."
        ),
    ),
    Divergence(
        _TLS_AREA,
        "No half-close over TLS; no data after `loseConnection`",
        (
            "`loseWriteConnection()` on a TLS connection raises NotImplementedError (asyncio's "
            "TLS transports cannot half-close; Twisted half-closes the TCP connection under the"
            " TLS session, which the peer reads as truncation). After `loseConnection()` no "
            "more data is delivered, as over TCP; Twisted's TLS layer still delivers data that "
            "arrives before the peer's close_notify."
        ),
    ),
    Divergence(
        _TLS_AREA,
        "`loseConnection()` during the handshake waits for it",
        (
            "Data written before the handshake completes is sent after it, then close_notify. "
            "Twisted aborts the connection instead when nothing was written."
        ),
    ),
    Divergence(
        _TLS_AREA,
        "Old pyOpenSSL method constants are refused",
        (
            "`CertificateOptions(method=...)`, `DefaultOpenSSLContextFactory(sslmethod=...)` "
            "and the `ssl:` string's `sslmethod=` (other than SSLv23_METHOD/TLS_METHOD) raise: "
            "TLS versions are chosen with `raiseMinimumTo=`, `insecurelyLowerMinimumTo=` and "
            "`lowerMaximumSecurityTo=` (TLSVersion), as Twisted recommends."
        ),
    ),
    Divergence(
        _TLS_AREA,
        "iosim's startTLS runs real TLS",
        (
            "`twistlike.testing.FakeTransport.startTLS` runs a real TLS session over "
            "`ssl.MemoryBIO` (both ends must call it with real settings; certificates are "
            "verified and a failure ends the connection with the `ssl.SSLError`); Twisted's "
            "fake only simulates the negotiation, without encryption."
        ),
    ),
)

# -- UDP, processes, stdio, file descriptors --------------------------------------------------
_POSIX_AREA = "UDP, processes, stdio and file descriptors"
_POSIX: tuple[Divergence, ...] = (
    Divergence(
        _POSIX_AREA,
        "`connectionRefused` on every loop",
        'A connected UDP port whose earlier datagram drew an ICMP "port unreachable" calls '
        "the protocol's `connectionRefused()` on the default loop and on uvloop. Twisted does "
        "so with its select reactor, but its default epoll (and poll) reactor on Linux sees "
        "the socket error as a hang-up and stops the port instead. twistlike keeps the "
        "documented behaviour.",
    ),
    Divergence(
        _POSIX_AREA,
        "A second `stopListening()` on a UDP port returns None",
        "Twisted returns a new Deferred when `stopListening()` is called again before the "
        "port has closed, and the first Deferred then never fires. In twistlike the port is "
        "stopping from the first call: a second call returns None and the first Deferred "
        "fires.",
    ),
    Divergence(
        _POSIX_AREA,
        "`IUDPTransport.write` returns None",
        "Twisted's UDP `write` returns what `socket.send` returned (its docstring says to "
        "disregard it); asyncio's `sendto` reports nothing, so twistlike returns None.",
    ),
    Divergence(
        _POSIX_AREA,
        "A child's exit status needs twistlike to reap it",
        "Children are reaped through a pidfd (`loop.add_reader`), or a waiting thread where "
        "there is none. If something else in the process reaps every child "
        "(`waitpid(-1)`, as asyncio's deprecated SafeChildWatcher/FastChildWatcher do), the "
        "status is lost and the process is reported as `ProcessDone`.",
    ),
    Divergence(
        _POSIX_AREA,
        "StandardIO flushes on `connectionLost`",
        "When stdin ends (a protocol that is not half-closeable) twistlike's StandardIO "
        "still sends what was written before closing its duplicate of stdout; Twisted drops "
        "its write buffer there.",
    ),
    Divergence(
        _POSIX_AREA,
        "`adoptStreamConnection`: `connectionMade` a loop turn later",
        "The protocol is built during the call, as in Twisted, but asyncio makes the "
        "transport in a coroutine (`loop.connect_accepted_socket`), so `makeConnection` "
        "comes on a later loop turn instead of before the call returns.",
    ),
    Divergence(
        _POSIX_AREA,
        "`addReader`/`addWriter` need a loop; `getReaders` lists only what they added",
        "They raise RuntimeError before any loop runs (Twisted queues them for "
        "`reactor.run()`); call them from `callWhenRunning`. twistlike's own transports are "
        "asyncio's, so `getReaders()`/`getWriters()`/`removeAll()` see only descriptors "
        "added with `addReader`/`addWriter` (as with Twisted's asyncio reactor).",
    ),
    Divergence(
        _POSIX_AREA,
        "`StandardErrorBehavior` is an `enum.Enum`",
        "Twisted's is a `constantly.Names`; `StandardErrorBehavior.LOG` and `.DROP` are "
        "spelt and compared the same way. The LOG behaviour writes to the stdlib logger "
        "`twistlike.endpoints`.",
    ),
    Divergence(
        _POSIX_AREA,
        "`systemd:` reads the environment when the description is parsed",
        "Twisted reads `LISTEN_PID`/`LISTEN_FDS`/`LISTEN_FDNAMES` once, when "
        "`twisted.internet.endpoints` is imported; twistlike reads them at each "
        "`serverFromString`, so a program may set them up before parsing.",
    ),
)

# -- twisted.web ------------------------------------------------------------------------------
_WEB_AREA = "The web server and client (`twistlike.web`)"
_WEB: tuple[Divergence, ...] = (
    Divergence(
        _WEB_AREA,
        "**An error after the response started aborts the connection**",
        (
            "When a render method (or its Deferred) fails after the status line and some body "
            "were sent, twistlike logs the failure and aborts the connection, so the client sees "
            "a truncated response rather than an error page spliced into the body, which is what "
            "Twisted writes."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**h11 frames every response: the status line always says HTTP/1.1**",
        (
            "An HTTP/1.0 client gets `HTTP/1.1 200 OK` (with `Connection: close` and a "
            "close-delimited body), where Twisted echoes `HTTP/1.0`. RFC 9110 allows it (the "
            "version is the server's), and h11, which does all parsing and framing, always writes"
            " HTTP/1.1."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**Bad requests get the precise 4xx and a short text body**",
        (
            "Twisted answers every malformed request with a bare `400 Bad Request`. twistlike "
            "answers 400 (syntax, bad chunked encoding, Content-Length together with "
            "Transfer-Encoding, non-token header names), 414 (request target longer than "
            "`totalHeadersSize`), 431 (too many or too large headers), 413 (body over "
            "`max_body_size`) or 408 (headers too slow), each with `Connection: close` and a "
            "one-line text body naming the problem, then closes."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**A header timeout (60 s by default)**",
        (
            "Twisted has only the idle timeout (`timeOut`, 12 hours), so a client that trickles "
            "header bytes holds a connection for hours. twistlike adds `header_timeout` (an "
            "HTTPFactory/Site keyword, 60 s, None to turn off): from the connection's start for "
            "the first request and from the first byte of each later one, the headers must be "
            "complete, else 408 and close."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**Render methods may be `async def` or return a Deferred**",
        (
            'In Twisted such a return value is not bytes: a 500 "Request did not return bytes" '
            "page. In twistlike the response is written when the coroutine or Deferred fires (its"
            " result is the body, or NOT_DONE_YET); a failure becomes the usual 500 page."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**The Server header says `twistlike/<version>`**",
        "Twisted sends `TwistedWeb/<version>`; `twistlike.web.server.version` holds ours.",
    ),
    Divergence(
        _WEB_AREA,
        "**A response that breaks its own framing is aborted**",
        (
            "When an application writes more (or finishes with fewer) bytes than the "
            "Content-Length it set, h11 refuses the message: twistlike logs the error and aborts "
            "the connection, so the client sees a reset instead of a corrupted stream. Twisted "
            "sends what it was given."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**Pipelined requests: one at a time, 64 KiB of read-ahead**",
        (
            "h11 parses the next pipelined request only after the current response is complete. "
            "While a response is pending twistlike keeps reading (so a disconnect still reaches "
            "`notifyFinish`) until 64 KiB of later requests are buffered, then pauses reading."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**Chunked request bodies are spooled**",
        (
            "A request body of unknown length is kept in a SpooledTemporaryFile (memory up to 100"
            " kB, then a file) where Twisted opens a temporary file at once."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**No HTTP/2 negotiation wrapper**",
        (
            "`Site.buildProtocol` returns the HTTPChannel itself, not Twisted's "
            "`_GenericHTTPChannelProtocol` proxy (which exists to switch to HTTP/2)."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**Directory listings use twistlike's markup**",
        (
            "`static.File` lists a directory with the same columns (name, size, type, encoding), "
            "escaping and links as Twisted, in twistlike's own HTML."
        ),
    ),
    Divergence(
        _WEB_AREA,
        "**`testing.DummyRequest` has `isSecure`**",
        ("Twisted's double lacks it, so its `setHost` raises AttributeError; twistlike's works."),
    ),
)

# -- porting tools ----------------------------------------------------------------------------
_PORTING_AREA = "Porting tools (`python -m twistlike check | port | run`)"
_PORTING: tuple[Divergence, ...] = (
    Divergence(
        _PORTING_AREA,
        "Under `run`, `twisted.*` modules hold twistlike's objects",
        "`python -m twistlike run` serves each mapped Twisted module as a module of that name "
        "holding the twistlike module's objects, so `twisted.internet.defer.Deferred is "
        "twistlike.defer.Deferred`; the classes keep their twistlike `__module__` (reprs, "
        "pickles and tracebacks say `twistlike.defer`), and `twisted.internet.reactor` is "
        "twistlike's reactor, as after Twisted's `installReactor`.",
    ),
    Divergence(
        _PORTING_AREA,
        "Under `run`, an unsupported module or name fails at import",
        "Twisted would import it; twistlike raises an `ImportError` naming the feature, the "
        "reason, the alternative and the docs page at the `import` line. Reading a missing "
        "name as an attribute (`defer.NoSuchName`) raises an `AttributeError` with the same "
        "text, so `hasattr` feature detection keeps working.",
    ),
    Divergence(
        _PORTING_AREA,
        "Under `run`, reactor selection modules are refused",
        "`twisted.internet.asyncioreactor`, `default`, `epollreactor`, `gireactor` and the "
        "other reactor modules fail at import: twistlike has one reactor, which follows the "
        "running asyncio loop, so there is nothing to install (uvloop: start the loop with "
        "uvloop).",
    ),
    Divergence(
        _PORTING_AREA,
        "Under `run`, Twisted modules with no twistlike counterpart are refused",
        "When real Twisted is installed, `run` does not fall back to it: two reactors in one "
        "process do not mix. `--allow-twisted` loads such modules (and the unsupported ones) "
        "from the installed Twisted, at the user's risk.",
    ),
)

DIVERGENCES: tuple[Divergence, ...] = _CORE + _APPLICATION + _TLS + _POSIX + _WEB + _PORTING

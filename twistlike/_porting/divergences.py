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
        title: a short bold summary, in Markdown.
        text: what twistlike does, what Twisted does, and why (Markdown, may be several
            sentences or a list).
    """

    area: str
    title: str
    text: str


# -- the core (defer, reactor, transports, protocols, logging, testing) -----------------------
_CORE: tuple[Divergence, ...] = (
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
        "`callLater` from another thread while the reactor runs raises `RuntimeError`",
        "The reactor's timers are not thread-safe (in Twisted either). Twisted lets the call "
        "race the reactor thread; twistlike raises a `RuntimeError` that says to use "
        "`reactor.callFromThread(reactor.callLater, ...)`, because before this check the "
        "call was parked where no loop would ever run it. From a thread that runs its own "
        "loop, `callLater` works on that loop.",
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
_POSIX: tuple[Divergence, ...] = ()

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
        "**https needs the TLS feature**",
        (
            "Until `reactor.connectSSL` (twistlike's TLS work) is present, `Agent.request` on an "
            "https URL fails with SchemeNotSupported naming it, and "
            "`BrowserLikePolicyForHTTPS.creatorForNetloc` raises NotImplementedError."
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

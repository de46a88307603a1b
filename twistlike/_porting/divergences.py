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
_CORE: tuple[Divergence, ...] = ()

# -- services and the twistd runner ---------------------------------------------------------
_APPLICATION: tuple[Divergence, ...] = ()

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
_WEB: tuple[Divergence, ...] = ()

# -- porting tools ----------------------------------------------------------------------------
_PORTING: tuple[Divergence, ...] = ()

DIVERGENCES: tuple[Divergence, ...] = _CORE + _APPLICATION + _TLS + _POSIX + _WEB + _PORTING

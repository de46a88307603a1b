"""TLS settings objects, as ``twisted.internet.ssl`` spells them, built on ``ssl.SSLContext``.

Twisted: twisted.internet._sslverify (CertificateOptions, optionsForClientTLS, trust roots,
TLSVersion) and twisted.internet.ssl (DefaultOpenSSLContextFactory, ClientContextFactory).

Each settings object knows how to make the standard library's ``ssl.SSLContext`` for the
client side and for the server side (:func:`contextFor`); the asyncio side passes that
context to ``loop.start_tls``. Nothing here does I/O or imports asyncio.

Security defaults (ARCHITECTURE.md decision 11), as in Twisted: TLS 1.2 minimum, no
compression, no session tickets; ``optionsForClientTLS`` verifies the peer against the
platform's trust store and checks the host name. ``CertificateOptions`` and
``ClientContextFactory`` keep Twisted's meaning: they check no host name (docs/tls.md).
"""

from __future__ import annotations

import enum
import os
import ssl
import tempfile
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from zope.interface import implementer

from twistlike._core.tlscerts import (
    Certificate,
    KeyPair,
    PrivateCertificate,
    rejectPyOpenSSL,
)
from twistlike.interfaces import (
    IOpenSSLClientConnectionCreator,
    IOpenSSLContextFactory,
    IOpenSSLServerConnectionCreator,
)

__all__ = [
    "AcceptableCiphers",
    "CertificateOptions",
    "ClientContextFactory",
    "ContextFactory",
    "DefaultOpenSSLContextFactory",
    "DiffieHellmanParameters",
    "OpenSSLDefaultPaths",
    "ProtocolNegotiationSupport",
    "TLSVersion",
    "contextFor",
    "optionsForClientTLS",
    "platformTrust",
    "protocolNegotiationMechanisms",
    "trustRootFromCertificates",
]


class TLSVersion(enum.Enum):
    """TLS protocol versions, ordered (``TLSVersion.TLSv1_2 < TLSVersion.TLSv1_3``).

    Twisted: twisted.internet.ssl.TLSVersion (a NamedConstant set).
    asyncio: the values are the standard library's ``ssl.TLSVersion`` members.
    """

    SSLv3 = ssl.TLSVersion.SSLv3
    TLSv1_0 = ssl.TLSVersion.TLSv1
    TLSv1_1 = ssl.TLSVersion.TLSv1_1
    TLSv1_2 = ssl.TLSVersion.TLSv1_2
    TLSv1_3 = ssl.TLSVersion.TLSv1_3

    def __lt__(self, other: TLSVersion) -> bool:
        return _ORDER.index(self) < _ORDER.index(other)

    def __gt__(self, other: TLSVersion) -> bool:
        return _ORDER.index(self) > _ORDER.index(other)

    def __le__(self, other: TLSVersion) -> bool:
        return not self > other

    def __ge__(self, other: TLSVersion) -> bool:
        return not self < other

    def __repr__(self) -> str:
        return f"<TLSVersion={self.name}>"


_ORDER = list(TLSVersion)
_DEFAULT_MINIMUM = TLSVersion.TLSv1_2

# pyOpenSSL Context methods Twisted code calls on getContext()'s result, and what to write
# on an ssl.SSLContext instead.
_PYOPENSSL_METHODS = {
    "use_certificate_file": "load_cert_chain(certfile, keyfile)",
    "use_certificate_chain_file": "load_cert_chain(certfile, keyfile)",
    "use_privatekey_file": "load_cert_chain(certfile, keyfile)",
    "use_certificate": "load_cert_chain(certfile, keyfile)",
    "use_privatekey": "load_cert_chain(certfile, keyfile)",
    "check_privatekey": "load_cert_chain (it checks the key)",
    "set_verify": "verify_mode = ssl.CERT_REQUIRED (and check_hostname)",
    "set_verify_depth": "nothing (OpenSSL's default depth)",
    "set_options": "options |= ssl.OP_...",
    "set_cipher_list": "set_ciphers(...)",
    "set_alpn_protos": "set_alpn_protocols([...])",
    "set_alpn_select_callback": "set_alpn_protocols([...])",
    "set_npn_advertise_callback": "set_alpn_protocols([...]) (NPN is gone)",
    "load_tmp_dh": "load_dh_params(path)",
    "set_tmp_ecdh": "set_ecdh_curve(name)",
    "set_tlsext_servername_callback": "sni_callback",
    "set_min_proto_version": "minimum_version = ssl.TLSVersion...",
    "set_max_proto_version": "maximum_version = ssl.TLSVersion...",
    "get_cert_store": "load_verify_locations(...) / get_ca_certs()",
    "add_extra_chain_cert": "load_cert_chain with the chain in the certificate file",
    "set_info_callback": "msg_callback (debugging only)",
    "set_session_id": "nothing (sessions are managed by ssl)",
    "set_session_cache_mode": "nothing (sessions are managed by ssl)",
    "set_mode": "nothing",
}


class _Context(ssl.SSLContext):
    """An ``ssl.SSLContext`` that explains pyOpenSSL method names Twisted code may call."""

    def __getattr__(self, name: str) -> Any:
        replacement = _PYOPENSSL_METHODS.get(name)
        if replacement is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        raise AttributeError(
            f"{name}() is a pyOpenSSL Context method; twistlike's getContext() returns the "
            f"standard library's ssl.SSLContext: use {replacement} (see docs/tls.md)"
        )


def _newContext(serverSide: bool) -> _Context:
    ctx = _Context(ssl.PROTOCOL_TLS_SERVER if serverSide else ssl.PROTOCOL_TLS_CLIENT)
    if not serverSide:
        # PROTOCOL_TLS_CLIENT starts with check_hostname on; callers decide.
        ctx.check_hostname = False
    ctx.options |= ssl.OP_NO_COMPRESSION
    return ctx


def _loadChain(ctx: ssl.SSLContext, chainPEM: bytes) -> None:
    """Load a certificate chain and key held in memory (ssl only loads from files)."""
    # A private directory (mode 0700) and a file removed right after the load: the key is on
    # disk only for the duration of this call, readable only by this user.
    directory = tempfile.mkdtemp(prefix="twistlike-tls-")
    path = os.path.join(directory, "chain.pem")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(chainPEM)
        ctx.load_cert_chain(path)
    finally:
        try:
            os.unlink(path)
        finally:
            os.rmdir(directory)


class ProtocolNegotiationSupport(enum.Flag):
    """Which protocol negotiation mechanisms TLS offers here.

    Twisted: twisted.internet.ssl.ProtocolNegotiationSupport.
    """

    NOSUPPORT = 0
    NPN = 1
    ALPN = 2


def protocolNegotiationMechanisms() -> ProtocolNegotiationSupport:
    """ALPN when the ``ssl`` module has it; never NPN (the standard library dropped it).

    Twisted: twisted.internet.ssl.protocolNegotiationMechanisms.
    """
    if ssl.HAS_ALPN:
        return ProtocolNegotiationSupport.ALPN
    return ProtocolNegotiationSupport.NOSUPPORT


# ------------------------------------------------------------------------------------------
# Trust roots


class OpenSSLDefaultPaths:
    """Trust the platform's certificate authorities.

    Twisted: twisted.internet.ssl.OpenSSLDefaultPaths.
    asyncio: ``SSLContext.load_default_certs``.
    """

    def _addTo(self, ctx: ssl.SSLContext, serverSide: bool) -> None:
        ctx.load_default_certs(ssl.Purpose.CLIENT_AUTH if serverSide else ssl.Purpose.SERVER_AUTH)


class _CertificateAuthorities:
    """Trust exactly these certificates (Twisted: OpenSSLCertificateAuthorities)."""

    def __init__(self, certificates: Sequence[Certificate]) -> None:
        self._pem = "".join(c.dumpPEM().decode("ascii") for c in certificates)

    def _addTo(self, ctx: ssl.SSLContext, serverSide: bool) -> None:
        if self._pem:
            ctx.load_verify_locations(cadata=self._pem)


def platformTrust() -> OpenSSLDefaultPaths:
    """The platform's trusted certificate authorities.

    Twisted: twisted.internet.ssl.platformTrust.
    asyncio: ``ssl.SSLContext.load_default_certs()``.
    """
    return OpenSSLDefaultPaths()


def trustRootFromCertificates(certificates: Iterable[Certificate]) -> _CertificateAuthorities:
    """Trust only ``certificates`` (CA or self-signed certificates).

    Twisted: twisted.internet.ssl.trustRootFromCertificates.

    Raises:
        TypeError: an item is not a twistlike Certificate.
    """
    certs = list(certificates)
    for cert in certs:
        if not isinstance(cert, Certificate):
            rejectPyOpenSSL(cert, "trustRootFromCertificates", "twistlike.ssl.Certificate")
            raise TypeError(
                f"trustRootFromCertificates only accepts Certificate objects, not {cert!r}"
            )
    return _CertificateAuthorities(certs)


def _trustRoot(trustRoot: Any) -> Any:
    if trustRoot is None or hasattr(trustRoot, "_addTo"):
        return trustRoot
    if isinstance(trustRoot, Certificate):
        return _CertificateAuthorities([trustRoot])
    rejectPyOpenSSL(trustRoot, "trustRoot", "platformTrust() or trustRootFromCertificates()")
    raise TypeError(
        f"trustRoot must be platformTrust(), trustRootFromCertificates([...]) or a "
        f"Certificate, not {trustRoot!r}"
    )


# ------------------------------------------------------------------------------------------
# Ciphers and DH parameters


class AcceptableCiphers:
    """The ciphers to allow, as an OpenSSL cipher string (applies to TLS 1.2 and older).

    Twisted: twisted.internet.ssl.AcceptableCiphers.
    """

    def __init__(self, cipherString: str) -> None:
        self._cipherString = cipherString

    @classmethod
    def fromOpenSSLCipherString(cls, cipherString: str) -> AcceptableCiphers:
        """Twisted: AcceptableCiphers.fromOpenSSLCipherString."""
        return cls(cipherString)


class DiffieHellmanParameters:
    """A file of Diffie-Hellman parameters for DHE ciphers on a server.

    Twisted: twisted.internet.ssl.DiffieHellmanParameters.
    asyncio: ``SSLContext.load_dh_params``.
    """

    def __init__(self, parameters: Any) -> None:
        self._dhFile = parameters

    @classmethod
    def fromFile(cls, filePath: Any) -> DiffieHellmanParameters:
        """Twisted: DiffieHellmanParameters.fromFile (a FilePath or a path)."""
        return cls(getattr(filePath, "path", filePath))


# ------------------------------------------------------------------------------------------
# CertificateOptions


def _pyOpenSSLOnly(name: str) -> Any:
    raise TypeError(
        f"{name}() returns a pyOpenSSL Connection; twistlike builds on the standard library's "
        "ssl module. Pass these options to connectSSL/listenSSL/startTLS or a TLS endpoint, or "
        "get the ssl.SSLContext with getContext() (see docs/tls.md)"
    )


@implementer(
    IOpenSSLServerConnectionCreator, IOpenSSLClientConnectionCreator, IOpenSSLContextFactory
)
class CertificateOptions:
    """TLS settings for servers (and clients that bring their own checks).

    Twisted: twisted.internet.ssl.CertificateOptions (OpenSSLCertificateOptions).
    asyncio: becomes an ``ssl.SSLContext`` (``getContext()`` returns the server one).

    As in Twisted: ``privateKey`` and ``certificate`` go together; ``verify=True`` needs
    ``caCerts`` (or give ``trustRoot``, which turns verification on and requires a peer
    certificate); TLS 1.2 is the minimum unless ``insecurelyLowerMinimumTo`` says otherwise.
    A client using these options verifies the chain when asked but checks no host name: use
    :func:`optionsForClientTLS` for that.

    Raises:
        ValueError: inconsistent arguments (Twisted's messages).
        TypeError: pyOpenSSL objects (``method=SSL.TLSv1_2_METHOD``, ``crypto.X509`` ...),
            with the replacement to use.
    """

    def __init__(
        self,
        privateKey: Any = None,
        certificate: Any = None,
        method: Any = None,
        verify: bool = False,
        caCerts: Sequence[Any] | None = None,
        verifyDepth: int = 9,
        requireCertificate: bool = True,
        verifyOnce: bool = True,
        enableSingleUseKeys: bool = True,
        enableSessions: bool = False,
        fixBrokenPeers: bool = False,
        enableSessionTickets: bool = False,
        extraCertChain: Sequence[Any] | None = None,
        acceptableCiphers: AcceptableCiphers | None = None,
        dhParameters: DiffieHellmanParameters | None = None,
        trustRoot: Any = None,
        acceptableProtocols: Sequence[bytes] | None = None,
        raiseMinimumTo: TLSVersion | None = None,
        insecurelyLowerMinimumTo: TLSVersion | None = None,
        lowerMaximumSecurityTo: TLSVersion | None = None,
        contextForServerName: Callable[[bytes | None], ssl.SSLContext | None] | None = None,
    ) -> None:
        if (privateKey is None) != (certificate is None):
            raise ValueError("Specify neither or both of privateKey and certificate")
        if method is not None:
            # Divergence from Twisted: Twisted accepts (deprecated) pyOpenSSL method constants.
            raise TypeError(
                "CertificateOptions(method=...) takes a pyOpenSSL method constant, which "
                "twistlike cannot use: give raiseMinimumTo=/insecurelyLowerMinimumTo=/"
                "lowerMaximumSecurityTo=TLSVersion.... instead (see docs/tls.md)"
            )
        if insecurelyLowerMinimumTo is not None and raiseMinimumTo is not None:
            raise TypeError("insecurelyLowerMinimumTo and raiseMinimumTo cannot be used together")
        self.privateKey = _key(privateKey) if privateKey is not None else None
        self.certificate = _cert(certificate) if certificate is not None else None
        minimum = insecurelyLowerMinimumTo
        if raiseMinimumTo is not None:
            if lowerMaximumSecurityTo and raiseMinimumTo > lowerMaximumSecurityTo:
                raise ValueError("raiseMinimumTo needs to be lower than lowerMaximumSecurityTo")
            if raiseMinimumTo > _DEFAULT_MINIMUM:
                minimum = raiseMinimumTo
        if minimum is None:
            minimum = _DEFAULT_MINIMUM
            if lowerMaximumSecurityTo and minimum > lowerMaximumSecurityTo:
                minimum = lowerMaximumSecurityTo
        if lowerMaximumSecurityTo and minimum > lowerMaximumSecurityTo:
            raise ValueError(
                "insecurelyLowerMinimumTo needs to be lower than lowerMaximumSecurityTo"
            )
        self._minimum = minimum
        self._maximum = lowerMaximumSecurityTo
        if verify and not caCerts:
            raise ValueError(
                "Specify client CA certificate information if and only if enabling "
                "certificate verification"
            )
        if extraCertChain is not None and None in (privateKey, certificate):
            raise ValueError(
                "A private key and a certificate are required when adding a supplemental "
                "certificate chain."
            )
        self.verify: bool = verify
        self.extraCertChain = [_cert(c) for c in extraCertChain or ()]
        self.caCerts = [_cert(c) for c in caCerts] if caCerts else caCerts
        self.verifyDepth = verifyDepth
        self.requireCertificate: bool = requireCertificate
        self.verifyOnce = verifyOnce
        self.enableSingleUseKeys = enableSingleUseKeys
        self.enableSessions = enableSessions
        self.fixBrokenPeers = fixBrokenPeers
        self.enableSessionTickets = enableSessionTickets
        self.dhParameters = dhParameters
        self._acceptableCiphers = acceptableCiphers
        if trustRoot is None:
            if self.verify:
                trustRoot = _CertificateAuthorities(self.caCerts or [])
        else:
            self.verify = True
            self.requireCertificate = True
            trustRoot = _trustRoot(trustRoot)
        self.trustRoot = trustRoot
        self._acceptableProtocols = list(acceptableProtocols) if acceptableProtocols else None
        self._contextForServerName = contextForServerName
        self._contexts: dict[bool, ssl.SSLContext] = {}

    def _buildContext(self, serverSide: bool) -> ssl.SSLContext:
        ctx = _newContext(serverSide)
        ctx.minimum_version = self._minimum.value
        if self._maximum is not None:
            ctx.maximum_version = self._maximum.value
        if not self.enableSessionTickets:
            ctx.options |= ssl.OP_NO_TICKET
        if self.fixBrokenPeers:
            ctx.options |= getattr(ssl, "OP_ALL", 0)
        if self.verify:
            if serverSide and not self.requireCertificate:
                ctx.verify_mode = ssl.CERT_OPTIONAL
            else:
                ctx.verify_mode = ssl.CERT_REQUIRED
        else:
            ctx.verify_mode = ssl.CERT_NONE
        if self.trustRoot is not None:
            self.trustRoot._addTo(ctx, serverSide)
        if self.privateKey is not None and self.certificate is not None:
            chain = self.certificate.dumpPEM() + b"".join(c.dumpPEM() for c in self.extraCertChain)
            _loadChain(ctx, chain + self.privateKey._pem)
        if self._acceptableCiphers is not None:
            try:
                ctx.set_ciphers(self._acceptableCiphers._cipherString)
            except ssl.SSLError:
                raise ValueError(
                    "Supplied IAcceptableCiphers yielded no usable ciphers on this platform."
                ) from None
        if self.dhParameters is not None and serverSide:
            ctx.load_dh_params(self.dhParameters._dhFile)
        if self._acceptableProtocols:
            ctx.set_alpn_protocols([p.decode("ascii") for p in self._acceptableProtocols])
        chooser = self._contextForServerName
        if chooser is not None and serverSide:

            def sni(sslobj: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
                chosen = chooser(name.encode("idna") if name is not None else None)
                if chosen is not None:
                    sslobj.context = chosen

            ctx.sni_callback = sni
        return ctx

    def _twistlikeContext(self, serverSide: bool) -> tuple[ssl.SSLContext, str | None]:
        """The (cached) ``ssl.SSLContext`` for one side, and the host name to verify (None)."""
        ctx = self._contexts.get(serverSide)
        if ctx is None:
            ctx = self._contexts[serverSide] = self._buildContext(serverSide)
        return ctx, None

    def getContext(self) -> ssl.SSLContext:
        """The server-side ``ssl.SSLContext`` (built once).

        Twisted: CertificateOptions.getContext returns an ``OpenSSL.SSL.Context``.
        Divergence from Twisted: this is an ``ssl.SSLContext``; pyOpenSSL method names on it
        raise an AttributeError naming the ssl replacement.
        """
        return self._twistlikeContext(True)[0]

    def serverConnectionForTLS(self, tlsProtocol: Any) -> Any:
        """Twisted: a pyOpenSSL Connection. Raises a TypeError naming the replacement."""
        return _pyOpenSSLOnly("serverConnectionForTLS")

    def clientConnectionForTLS(self, tlsProtocol: Any) -> Any:
        """Twisted: a pyOpenSSL Connection. Raises a TypeError naming the replacement."""
        return _pyOpenSSLOnly("clientConnectionForTLS")


def _cert(value: Any) -> Certificate:
    if isinstance(value, Certificate):
        return value
    rejectPyOpenSSL(value, "CertificateOptions", "twistlike.ssl.Certificate.loadPEM(...)")
    return Certificate(value)


def _key(value: Any) -> KeyPair:
    if isinstance(value, KeyPair):
        return value
    rejectPyOpenSSL(value, "CertificateOptions", "twistlike.ssl.KeyPair.load(pem, FILETYPE_PEM)")
    return KeyPair(value)


# ------------------------------------------------------------------------------------------
# optionsForClientTLS


@implementer(IOpenSSLClientConnectionCreator)
class _ClientTLSOptions:
    """Client settings that verify the server's certificate and host name.

    Twisted: twisted.internet._sslverify.ClientTLSOptions.
    """

    def __init__(self, hostname: str, options: CertificateOptions, sendServerName: bool) -> None:
        self._hostname = hostname
        self._options = options
        self._sendServerName = sendServerName
        self._ctx: ssl.SSLContext | None = None

    def _twistlikeContext(self, serverSide: bool) -> tuple[ssl.SSLContext, str | None]:
        if serverSide:
            raise TypeError(
                "optionsForClientTLS(...) makes client settings; a server needs "
                "CertificateOptions(privateKey=..., certificate=...) or "
                "PrivateCertificate.options()"
            )
        ctx = self._ctx
        if ctx is None:
            ctx = self._options._buildContext(False)
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.check_hostname = True
            self._ctx = ctx
        return ctx, self._hostname

    def getContext(self) -> ssl.SSLContext:
        """The client ``ssl.SSLContext`` (host name checking on). twistlike-only."""
        return self._twistlikeContext(False)[0]

    def clientConnectionForTLS(self, tlsProtocol: Any) -> Any:
        """Twisted: a pyOpenSSL Connection. Raises a TypeError naming the replacement."""
        return _pyOpenSSLOnly("clientConnectionForTLS")

    def __repr__(self) -> str:
        return f"<ClientTLSOptions for {self._hostname!r}>"


def optionsForClientTLS(
    hostname: str,
    trustRoot: Any = None,
    clientCertificate: PrivateCertificate | None = None,
    acceptableProtocols: Sequence[bytes] | None = None,
    *,
    extraCertificateOptions: dict[str, Any] | None = None,
    sendServerName: bool | None = None,
) -> _ClientTLSOptions:
    """Client TLS settings that verify the server is ``hostname``.

    Twisted: twisted.internet.ssl.optionsForClientTLS.
    asyncio: an ``ssl.SSLContext`` with ``check_hostname`` and ``CERT_REQUIRED``, used with
    ``server_hostname=hostname``.

    ``trustRoot`` defaults to :func:`platformTrust`; ``clientCertificate`` is presented to
    servers that ask; ``acceptableProtocols`` are offered with ALPN. ``sendServerName`` is
    accepted for Twisted's signature; the ``ssl`` module always sends the name it checks
    (SNI), except for IP addresses.

    Raises:
        TypeError: ``hostname`` is bytes (as Twisted), or an unknown extra option.
    """
    if isinstance(hostname, bytes):
        raise TypeError("optionsForClientTLS requires text for host names, not bytes")
    extra = dict(extraCertificateOptions or {})
    for reserved in ("trustRoot", "privateKey", "certificate", "acceptableProtocols"):
        if reserved in extra:
            raise TypeError(
                f"extraCertificateOptions may not set {reserved!r}; "
                "pass it to optionsForClientTLS itself"
            )
    if clientCertificate is not None:
        extra["privateKey"] = clientCertificate.privateKey
        extra["certificate"] = clientCertificate
    options = CertificateOptions(
        trustRoot=trustRoot if trustRoot is not None else platformTrust(),
        acceptableProtocols=acceptableProtocols,
        **extra,
    )
    return _ClientTLSOptions(
        hostname, options, True if sendServerName is None else bool(sendServerName)
    )


# ------------------------------------------------------------------------------------------
# The old context factories


@implementer(IOpenSSLContextFactory)
class ContextFactory:
    """Base class of the old context factories (subclasses define ``getContext``).

    Twisted: twisted.internet.ssl.ContextFactory.
    """

    isClient = 0

    def getContext(self) -> ssl.SSLContext:
        """Return the ``ssl.SSLContext`` (Twisted: an OpenSSL.SSL.Context)."""
        raise NotImplementedError(f"{type(self).__name__}.getContext")


class DefaultOpenSSLContextFactory(ContextFactory):
    """A server context from a PEM private key file and a PEM certificate file.

    Twisted: twisted.internet.ssl.DefaultOpenSSLContextFactory.
    asyncio: ``ssl.SSLContext(PROTOCOL_TLS_SERVER).load_cert_chain(certificateFileName,
    privateKeyFileName)``.

    The files are read now (as Twisted does), so a wrong path fails here.

    Raises:
        OSError / ssl.SSLError: a file is missing or does not hold a matching key and
            certificate.
    """

    def __init__(
        self,
        privateKeyFileName: str,
        certificateFileName: str,
        sslmethod: Any = None,
        _contextFactory: Any = None,
    ) -> None:
        if sslmethod is not None:
            raise TypeError(
                "DefaultOpenSSLContextFactory(sslmethod=...) takes a pyOpenSSL method "
                "constant; twistlike negotiates TLS 1.2 or newer (use CertificateOptions with "
                "TLSVersion for other limits; see docs/tls.md)"
            )
        if _contextFactory is not None:
            raise TypeError(
                "DefaultOpenSSLContextFactory(_contextFactory=...) takes a pyOpenSSL Context "
                "class, which twistlike cannot use (see docs/tls.md)"
            )
        self.privateKeyFileName = privateKeyFileName
        self.certificateFileName = certificateFileName
        self.cacheContext()

    def cacheContext(self) -> None:
        """Build the context from the files. Twisted: same name."""
        ctx = _newContext(True)
        ctx.minimum_version = _DEFAULT_MINIMUM.value
        ctx.options |= ssl.OP_NO_TICKET
        ctx.load_cert_chain(self.certificateFileName, self.privateKeyFileName)
        self._context = ctx

    def getContext(self) -> ssl.SSLContext:
        """The server ``ssl.SSLContext``. Twisted: same name (an OpenSSL.SSL.Context there)."""
        return self._context


class ClientContextFactory(ContextFactory):
    """The old client context factory: encrypts, but verifies nothing (as in Twisted).

    Twisted: twisted.internet.ssl.ClientContextFactory. Prefer :func:`optionsForClientTLS`,
    which verifies the server (docs/tls.md).
    """

    isClient = 1

    def __init__(self) -> None:
        self._context: ssl.SSLContext | None = None

    def getContext(self) -> ssl.SSLContext:
        """A client ``ssl.SSLContext`` with no verification. Twisted: same name."""
        if self._context is None:
            ctx = _newContext(False)
            ctx.verify_mode = ssl.CERT_NONE
            ctx.minimum_version = _DEFAULT_MINIMUM.value
            self._context = ctx
        return self._context


# ------------------------------------------------------------------------------------------
# From whatever the caller passed to an ssl.SSLContext


def contextFor(contextFactory: Any, serverSide: bool) -> tuple[ssl.SSLContext, str | None]:
    """The ``ssl.SSLContext`` for one side of a connection, and the host name to verify.

    Accepts twistlike's settings objects (CertificateOptions, optionsForClientTLS's result,
    DefaultOpenSSLContextFactory, ClientContextFactory, subclasses of ContextFactory whose
    ``getContext`` returns an ``ssl.SSLContext``) and, twistlike-only, a plain
    ``ssl.SSLContext``.

    Raises:
        TypeError: a pyOpenSSL-based factory or context (naming the replacement), or
            something that is not a context factory at all.
    """
    if isinstance(contextFactory, ssl.SSLContext):
        return contextFactory, None
    maker = getattr(contextFactory, "_twistlikeContext", None)
    if maker is not None:
        ctx, hostname = maker(serverSide)
        return ctx, hostname
    rejectPyOpenSSL(contextFactory, "the TLS context factory", "twistlike.ssl.CertificateOptions")
    getContext = getattr(contextFactory, "getContext", None)
    if getContext is not None:
        ctx = getContext()
        if isinstance(ctx, ssl.SSLContext):
            return ctx, None
        rejectPyOpenSSL(
            ctx,
            f"{type(contextFactory).__name__}.getContext()",
            "an ssl.SSLContext (or twistlike.ssl.CertificateOptions / optionsForClientTLS)",
        )
        raise TypeError(
            f"{type(contextFactory).__name__}.getContext() returned {ctx!r}, not an ssl.SSLContext"
        )
    raise TypeError(
        f"{contextFactory!r} is not a TLS context factory: pass "
        "twistlike.ssl.optionsForClientTLS(...), CertificateOptions(...), "
        "DefaultOpenSSLContextFactory(...) or an ssl.SSLContext"
    )

"""TLS endpoints: wrapping any stream endpoint in TLS, and the ``ssl:``/``tls:`` strings.

Twisted: twisted.internet.endpoints.wrapClientTLS, wrapServerTLS, and the parsers behind
``serverFromString(reactor, "ssl:...")``, ``clientFromString(reactor, "ssl:...")`` and
``clientFromString(reactor, "tls:...")``.

``wrapClientTLS``/``wrapServerTLS`` upgrade each connection of the wrapped endpoint with
``transport.startTLS`` as soon as it is connected, before the application's protocol is
(so the protocol is connected, as in Twisted, before the handshake completes, and sees an
ISSLTransport).
"""

from __future__ import annotations

import os
import re
from typing import Any

from zope.interface import directlyProvides, implementer

from twistlike._core.tlscerts import FILETYPE_PEM, Certificate, KeyPair, PrivateCertificate
from twistlike._core.tlsconfig import (
    CertificateOptions,
    DiffieHellmanParameters,
    optionsForClientTLS,
    trustRootFromCertificates,
)
from twistlike.defer import Deferred
from twistlike.failure import Failure
from twistlike.interfaces import (
    IHandshakeListener,
    ILoggingContext,
    IStreamClientEndpoint,
    IStreamServerEndpoint,
)
from twistlike.protocol import Factory, Protocol, connectionDone

__all__ = [
    "clientSSLOptions",
    "clientTLSOptions",
    "loadCAsFromDir",
    "privateCertFromPaths",
    "serverSSLOptions",
    "wrapClientTLS",
    "wrapServerTLS",
]


class _TLSStarter(Protocol):
    """Starts TLS on its connection, then connects the application's protocol to it.

    Twisted: the role of twisted.protocols.tls.TLSMemoryBIOProtocol in wrapClientTLS.
    Every later event is passed through to the wrapped protocol.
    """

    def __init__(self, wrapped: Any, connectionCreator: Any) -> None:
        self._wrapped = wrapped
        self._creator = connectionCreator
        if IHandshakeListener.providedBy(wrapped):
            directlyProvides(self, IHandshakeListener)

    def logPrefix(self) -> str:
        """The wrapped protocol's log prefix."""
        if ILoggingContext.providedBy(self._wrapped):
            return str(self._wrapped.logPrefix())
        name: str = self._wrapped.__class__.__name__
        return name

    def makeConnection(self, transport: Any) -> None:
        """Start TLS on ``transport``, then connect the wrapped protocol."""
        startTLS = getattr(transport, "startTLS", None)
        if startTLS is None:
            raise TypeError(
                f"wrapClientTLS/wrapServerTLS need a transport with startTLS (ITLSTransport); "
                f"{transport!r} has none"
            )
        self.connected = 1
        self.transport = transport
        startTLS(self._creator)
        self._wrapped.makeConnection(transport)

    def dataReceived(self, data: bytes) -> None:
        """Pass ``data`` on."""
        self._wrapped.dataReceived(data)

    def connectionLost(self, reason: Failure = connectionDone) -> None:
        """Pass the end of the connection on."""
        self.connected = 0
        self._wrapped.connectionLost(reason)

    def handshakeCompleted(self) -> None:
        """Pass the end of the handshake on (IHandshakeListener)."""
        self._wrapped.handshakeCompleted()


class _TLSFactory(Factory[Any]):
    """Builds the wrapped factory's protocols behind a :class:`_TLSStarter`."""

    def __init__(self, wrappedFactory: Any, connectionCreator: Any) -> None:
        self._wrappedFactory = wrappedFactory
        self._creator = connectionCreator

    def logPrefix(self) -> str:
        """The wrapped factory's log prefix."""
        if ILoggingContext.providedBy(self._wrappedFactory):
            return str(self._wrappedFactory.logPrefix())
        name: str = self._wrappedFactory.__class__.__name__
        return name

    def doStart(self) -> None:
        """Start the wrapped factory."""
        self._wrappedFactory.doStart()

    def doStop(self) -> None:
        """Stop the wrapped factory."""
        self._wrappedFactory.doStop()

    def buildProtocol(self, addr: Any) -> Any:
        """The wrapped factory's protocol, behind a TLS starter (None stays None)."""
        protocol = self._wrappedFactory.buildProtocol(addr)
        if protocol is None:
            return None
        return _TLSStarter(protocol, self._creator)


def _unwrap(starter: Any) -> Any:
    return starter._wrapped if isinstance(starter, _TLSStarter) else starter


@implementer(IStreamClientEndpoint)
class _TLSClientEndpoint:
    """What ``wrapClientTLS`` returns."""

    def __init__(self, connectionCreator: Any, wrappedEndpoint: Any) -> None:
        self._creator = connectionCreator
        self._wrappedEndpoint = wrappedEndpoint

    def connect(self, protocolFactory: Any) -> Deferred[Any]:
        """Connect the wrapped endpoint, start TLS, fire with the application's protocol."""
        d: Deferred[Any] = self._wrappedEndpoint.connect(
            _TLSFactory(protocolFactory, self._creator)
        )
        return d.addCallback(_unwrap)

    def __repr__(self) -> str:
        return f"<TLS over {self._wrappedEndpoint!r}>"


@implementer(IStreamServerEndpoint)
class _TLSServerEndpoint:
    """What ``wrapServerTLS`` returns."""

    def __init__(self, connectionCreator: Any, wrappedEndpoint: Any) -> None:
        self._creator = connectionCreator
        self._wrappedEndpoint = wrappedEndpoint

    def listen(self, protocolFactory: Any) -> Deferred[Any]:
        """Listen on the wrapped endpoint; every accepted connection starts TLS."""
        d: Deferred[Any] = self._wrappedEndpoint.listen(_TLSFactory(protocolFactory, self._creator))
        return d

    def __repr__(self) -> str:
        return f"<TLS over {self._wrappedEndpoint!r}>"


def wrapClientTLS(
    connectionCreator: Any, wrappedEndpoint: Any, clock: Any = None
) -> _TLSClientEndpoint:
    """An endpoint that connects with ``wrappedEndpoint`` and upgrades to TLS at once.

    Twisted: twisted.internet.endpoints.wrapClientTLS.
    asyncio: ``loop.start_tls`` on each connection (``transport.startTLS``).

    ``connectionCreator`` is usually ``optionsForClientTLS(hostname)``. The Deferred of
    ``connect`` fires with the application's protocol once it is connected (before the
    handshake completes, as in Twisted); a verification failure reaches its
    ``connectionLost``. ``clock`` is accepted for Twisted's signature and not needed.
    """
    return _TLSClientEndpoint(connectionCreator, wrappedEndpoint)


def wrapServerTLS(
    connectionCreator: Any, wrappedEndpoint: Any, clock: Any = None
) -> _TLSServerEndpoint:
    """A server endpoint that listens with ``wrappedEndpoint`` and serves TLS.

    Twisted: twisted.internet.endpoints.wrapServerTLS.

    ``connectionCreator`` is a ``CertificateOptions`` (or anything listenSSL accepts).
    """
    return _TLSServerEndpoint(connectionCreator, wrappedEndpoint)


# ------------------------------------------------------------------------------------------
# Description strings


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def serverSSLOptions(
    privateKey: str,
    certKey: str | None,
    sslmethod: str | None,
    extraCertChain: str | None,
    dhParameters: str | None,
) -> CertificateOptions:
    """The options of ``ssl:`` server descriptions, from its file arguments.

    Twisted: twisted.internet.endpoints._parseSSL.

    Raises:
        ValueError: an unusable ``sslmethod``, or a chain file without certificates.
        OSError: a file cannot be read.
    """
    if sslmethod not in (None, "SSLv23_METHOD", "TLS_METHOD"):
        # Divergence from Twisted: other pyOpenSSL methods pin old protocol versions.
        raise ValueError(
            f"sslmethod={sslmethod!r}: twistlike negotiates TLS 1.2 or newer and accepts only "
            "SSLv23_METHOD or TLS_METHOD here (see docs/tls.md)"
        )
    certPEM = _read(certKey if certKey is not None else privateKey)
    keyPEM = _read(privateKey)
    certificate = PrivateCertificate.loadPEM(certPEM + b"\n" + keyPEM)
    chain = None
    if extraCertChain is not None:
        text = _read(extraCertChain)
        blocks = re.findall(
            rb"-----BEGIN CERTIFICATE-----\r?\n.+?\r?\n-----END CERTIFICATE-----", text, re.DOTALL
        )
        chain = [Certificate.loadPEM(block) for block in blocks]
        if not chain:
            raise ValueError(
                f"Specified chain file '{extraCertChain}' doesn't contain any valid "
                "certificates in PEM format."
            )
    dh = DiffieHellmanParameters.fromFile(dhParameters) if dhParameters is not None else None
    return CertificateOptions(
        privateKey=certificate.privateKey,
        certificate=certificate,
        extraCertChain=chain,
        dhParameters=dh,
    )


def loadCAsFromDir(directory: str) -> Any:
    """Trust every certificate in the ``*.pem`` files of ``directory`` (unreadable or invalid
    files are skipped, as in Twisted).

    Twisted: twisted.internet.endpoints._loadCAsFromDir.
    """
    certificates: dict[bytes, Certificate] = {}
    for name in sorted(os.listdir(directory)):
        if name.rsplit(".", 1)[-1].lower() != "pem":
            continue
        try:
            cert = Certificate.loadPEM(_read(os.path.join(directory, name)))
        except (OSError, ValueError):
            continue
        certificates[cert.digest()] = cert
    return trustRootFromCertificates(certificates.values())


def privateCertFromPaths(certificate: str | None, privateKey: str | None) -> Any:
    """A PrivateCertificate from a PEM certificate file and an optional key file.

    Twisted: twisted.internet.endpoints._privateCertFromPaths.
    """
    if certificate is None:
        return None
    certPEM = _read(certificate)
    if privateKey is None:
        return PrivateCertificate.loadPEM(certPEM)
    return PrivateCertificate.fromCertificateAndKeyPair(
        Certificate.loadPEM(certPEM), KeyPair.load(_read(privateKey), FILETYPE_PEM)
    )


def clientSSLOptions(
    hostname: str | None,
    certKey: str | None,
    privateKey: str | None,
    caCertsDir: str | None,
) -> Any:
    """The options of ``ssl:`` client descriptions.

    Twisted: twisted.internet.endpoints._parseClientSSLOptions. With ``hostname`` the
    server's certificate and name are verified; without it, as in Twisted, only the chain
    is (and only when ``caCertsDir`` is given).
    """
    clientCertificate = privateCertFromPaths(certKey, privateKey)
    trustRoot = loadCAsFromDir(caCertsDir) if caCertsDir is not None else None
    if hostname is not None:
        return optionsForClientTLS(
            hostname, trustRoot=trustRoot, clientCertificate=clientCertificate
        )
    return CertificateOptions(
        trustRoot=trustRoot,
        privateKey=clientCertificate.privateKey if clientCertificate is not None else None,
        certificate=clientCertificate,
    )


def clientTLSOptions(
    host: str, trustRoots: str | None, certificate: str | None, privateKey: str | None
) -> Any:
    """The options of ``tls:`` client descriptions: verify ``host`` (platform trust, or the
    ``*.pem`` files of ``trustRoots``), with an optional client certificate.

    Twisted: twisted.internet.endpoints._parseClientTLS.
    """
    return optionsForClientTLS(
        host,
        trustRoot=loadCAsFromDir(trustRoots) if trustRoots is not None else None,
        clientCertificate=privateCertFromPaths(certificate, privateKey),
    )

"""TLS settings, certificates and keys, on the standard library's ``ssl`` module.

Twisted: twisted.internet.ssl.

The objects here describe TLS for ``reactor.listenSSL``/``connectSSL``,
``transport.startTLS`` and the TLS endpoints; each becomes an ``ssl.SSLContext``. Clients
should use :func:`optionsForClientTLS`, which verifies the server's certificate and host
name; servers use :class:`CertificateOptions` (or ``PrivateCertificate.options()``, or
:class:`DefaultOpenSSLContextFactory` with PEM files). pyOpenSSL is not needed; reading
certificate fields, converting keys and generating keys/certificates need ``cryptography``
(``pip install 'twistlike[tls]'``). See docs/tls.md.
"""

# A failed verification (unknown CA, wrong host name, expired ...) ends the connection with
# this error. Twisted: service_identity's VerificationError / OpenSSL.SSL.Error.
from ssl import SSLCertVerificationError as VerificationError

from twistlike._core.tlscerts import (
    DN,
    Certificate,
    CertificateRequest,
    DistinguishedName,
    KeyPair,
    PrivateCertificate,
)
from twistlike._core.tlsconfig import (
    AcceptableCiphers,
    CertificateOptions,
    ClientContextFactory,
    ContextFactory,
    DefaultOpenSSLContextFactory,
    DiffieHellmanParameters,
    OpenSSLDefaultPaths,
    ProtocolNegotiationSupport,
    TLSVersion,
    optionsForClientTLS,
    platformTrust,
    protocolNegotiationMechanisms,
    trustRootFromCertificates,
)

__all__ = [
    "DN",
    "AcceptableCiphers",
    "Certificate",
    "CertificateOptions",
    "CertificateRequest",
    "ClientContextFactory",
    "ContextFactory",
    "DefaultOpenSSLContextFactory",
    "DiffieHellmanParameters",
    "DistinguishedName",
    "KeyPair",
    "OpenSSLDefaultPaths",
    "PrivateCertificate",
    "ProtocolNegotiationSupport",
    "TLSVersion",
    "VerificationError",
    "optionsForClientTLS",
    "platformTrust",
    "protocolNegotiationMechanisms",
    "trustRootFromCertificates",
]

# This module is the public home of these names: show it in reprs, tracebacks and pickles.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("twistlike._"):
        _obj.__module__ = __name__
del _name, _obj

"""twistlike.ssl without a network: certificates, keys, settings objects and their contexts.

Certificates are made here with trustme (no files in git). The settings objects are checked
through the ``ssl.SSLContext`` they build: security defaults, Twisted's argument rules, and
the clear errors for pyOpenSSL-based code.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import pytest
import trustme

from twistlike import endpoints, reactor
from twistlike._core.tlsconfig import contextFor
from twistlike.ssl import (
    DN,
    Certificate,
    CertificateOptions,
    CertificateRequest,
    ClientContextFactory,
    DefaultOpenSSLContextFactory,
    DistinguishedName,
    KeyPair,
    PrivateCertificate,
    TLSVersion,
    optionsForClientTLS,
    platformTrust,
    trustRootFromCertificates,
)

FILETYPE_PEM = 1
FILETYPE_ASN1 = 2


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def leaf(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert("localhost", "example.com")


def _private(leaf: trustme.LeafCert) -> PrivateCertificate:
    return PrivateCertificate.loadPEM(leaf.private_key_and_cert_chain_pem.bytes())


# ------------------------------------------------------------------------------------------
# Certificates and keys


def test_certificate_pem_der_round_trip(leaf: trustme.LeafCert) -> None:
    """A certificate loads from PEM, dumps to DER and PEM, and loads back equal."""
    cert = Certificate.loadPEM(leaf.cert_chain_pems[0].bytes())
    der = cert.dump()
    assert der.startswith(b"\x30")
    assert Certificate.load(der) == cert
    assert Certificate.load(cert.dump(FILETYPE_PEM), FILETYPE_PEM) == cert
    assert cert.dumpPEM().startswith(b"-----BEGIN CERTIFICATE-----\n")
    assert ssl.PEM_cert_to_DER_cert(cert.dumpPEM().decode()) == der


def test_certificate_digest_matches_hashlib(leaf: trustme.LeafCert) -> None:
    """digest() is the colon-separated upper-case hex hash of the DER bytes, as Twisted's."""
    import hashlib

    cert = Certificate.loadPEM(leaf.cert_chain_pems[0].bytes())
    expected = hashlib.sha256(cert.dump()).hexdigest().upper()
    assert cert.digest("sha256").replace(b":", b"").decode() == expected
    assert len(cert.digest()) == 16 * 3 - 1  # md5 by default, as Twisted


def test_certificate_subject_issuer_serial(ca: trustme.CA, leaf: trustme.LeafCert) -> None:
    """getSubject/getIssuer give DNs (bytes values); the issuer is the CA's subject."""
    cert = Certificate.loadPEM(leaf.cert_chain_pems[0].bytes())
    caCert = Certificate.loadPEM(ca.cert_pem.bytes())
    assert cert.getIssuer() == caCert.getSubject()
    assert isinstance(cert.getSubject(), DistinguishedName)
    assert all(isinstance(v, bytes) for v in caCert.getSubject().values())
    assert cert.serialNumber() > 0


def test_loadPEM_without_a_certificate_says_so() -> None:
    """Loading text without a certificate raises ValueError naming the missing block."""
    with pytest.raises(ValueError, match="BEGIN CERTIFICATE"):
        Certificate.loadPEM(b"hello")
    with pytest.raises(ValueError, match="DER"):
        Certificate.load(b"hello")


def test_private_certificate_load_and_options(leaf: trustme.LeafCert) -> None:
    """PrivateCertificate.loadPEM reads certificate and key; options() makes server settings."""
    private = _private(leaf)
    assert isinstance(private.privateKey, KeyPair)
    assert b"PRIVATE KEY" in private.dumpPEM()
    options = private.options()
    ctx = options.getContext()
    assert isinstance(ctx, ssl.SSLContext)
    assert ctx.verify_mode == ssl.CERT_NONE


def test_private_certificate_options_with_authorities(
    ca: trustme.CA, leaf: trustme.LeafCert
) -> None:
    """options(ca) requires a client certificate signed by ``ca`` (as in Twisted)."""
    options = _private(leaf).options(Certificate.loadPEM(ca.cert_pem.bytes()))
    ctx = options.getContext()
    assert ctx.verify_mode == ssl.CERT_REQUIRED
    assert ctx.cert_store_stats()["x509_ca"] == 1


def test_keypair_generate_and_self_signed() -> None:
    """KeyPair.generate and selfSignedCert make a usable certificate with the given subject."""
    key = KeyPair.generate(size=2048)
    cert = key.selfSignedCert(1, commonName="me.example", O="twistlike")
    assert cert.getSubject().commonName == b"me.example"
    assert cert.getSubject().organizationName == b"twistlike"
    assert cert.getIssuer() == cert.getSubject()
    # The pair loads into an ssl.SSLContext.
    CertificateOptions(privateKey=cert.privateKey, certificate=cert).getContext()
    assert KeyPair.load(key.dump(), FILETYPE_ASN1).dump(FILETYPE_PEM).startswith(b"-----BEGIN")


def test_certificate_request_round_trip() -> None:
    """A CSR from KeyPair.certificateRequest is signed into a certificate for its subject."""
    issuer = KeyPair.generate()
    issuerCert = issuer.selfSignedCert(1, CN="ca.example")
    key = KeyPair.generate()
    csr = key.certificateRequest(DN(CN="leaf.example"))
    assert CertificateRequest.load(csr).getSubject().commonName == b"leaf.example"
    d = issuerCert.signCertificateRequest(csr, lambda dn: True, 7)
    results: list[Any] = []
    d.addCallback(results.append)
    cert = key.newCertificate(results[0])
    assert cert.serialNumber() == 7
    assert cert.getIssuer().commonName == b"ca.example"


def test_distinguished_name_aliases() -> None:
    """DN accepts short aliases and stores bytes under Twisted's long names."""
    dn = DN(CN="a", O=b"b")
    assert dn == {"commonName": b"a", "organizationName": b"b"}
    assert dn.CN == dn.commonName == b"a"
    with pytest.raises(AttributeError, match="known fields"):
        dn.localityName
    with pytest.raises(AttributeError, match="not a DistinguishedName field"):
        DN(bogus="x")


# ------------------------------------------------------------------------------------------
# Security defaults


def test_optionsForClientTLS_verifies_by_default() -> None:
    """The client context verifies the peer and host name, with TLS 1.2 minimum and no
    compression, and carries the host name."""
    options = optionsForClientTLS("example.com")
    ctx, hostname = contextFor(options, False)
    assert hostname == "example.com"
    assert ctx.verify_mode == ssl.CERT_REQUIRED
    assert ctx.check_hostname
    assert ctx.minimum_version == ssl.TLSVersion.TLSv1_2
    assert ctx.options & ssl.OP_NO_COMPRESSION
    assert ctx.options & ssl.OP_NO_TICKET


def test_optionsForClientTLS_rejects_bytes_hostnames() -> None:
    """Host names must be text, as in Twisted."""
    with pytest.raises(TypeError, match="requires text"):
        optionsForClientTLS(b"example.com")  # type: ignore[arg-type]


def test_optionsForClientTLS_is_not_a_server_configuration() -> None:
    """Using client settings on a server raises a TypeError naming what to use."""
    with pytest.raises(TypeError, match="CertificateOptions"):
        contextFor(optionsForClientTLS("example.com"), True)


def test_certificate_options_defaults(leaf: trustme.LeafCert) -> None:
    """Server defaults: no client verification, TLS 1.2 minimum, no compression."""
    private = _private(leaf)
    ctx = CertificateOptions(privateKey=private.privateKey, certificate=private).getContext()
    assert ctx.verify_mode == ssl.CERT_NONE
    assert ctx.minimum_version == ssl.TLSVersion.TLSv1_2
    assert ctx.options & ssl.OP_NO_COMPRESSION


def test_certificate_options_version_limits() -> None:
    """raiseMinimumTo raises, insecurelyLowerMinimumTo lowers, lowerMaximumSecurityTo caps."""
    ctx, _ = contextFor(CertificateOptions(raiseMinimumTo=TLSVersion.TLSv1_3), True)
    assert ctx.minimum_version == ssl.TLSVersion.TLSv1_3
    ctx, _ = contextFor(CertificateOptions(raiseMinimumTo=TLSVersion.TLSv1_1), True)
    assert ctx.minimum_version == ssl.TLSVersion.TLSv1_2  # never below the default
    options = CertificateOptions(insecurelyLowerMinimumTo=TLSVersion.TLSv1_1)
    assert options._minimum is TLSVersion.TLSv1_1
    ctx, _ = contextFor(CertificateOptions(lowerMaximumSecurityTo=TLSVersion.TLSv1_2), True)
    assert ctx.maximum_version == ssl.TLSVersion.TLSv1_2
    with pytest.raises(TypeError, match="together"):
        CertificateOptions(
            raiseMinimumTo=TLSVersion.TLSv1_3, insecurelyLowerMinimumTo=TLSVersion.TLSv1_0
        )
    with pytest.raises(ValueError, match="lower than lowerMaximumSecurityTo"):
        CertificateOptions(
            raiseMinimumTo=TLSVersion.TLSv1_3, lowerMaximumSecurityTo=TLSVersion.TLSv1_2
        )
    assert TLSVersion.TLSv1_2 < TLSVersion.TLSv1_3
    assert repr(TLSVersion.TLSv1_2) == "<TLSVersion=TLSv1_2>"


def test_certificate_options_argument_rules(leaf: trustme.LeafCert) -> None:
    """Twisted's rules: key and certificate together; verify needs caCerts."""
    private = _private(leaf)
    with pytest.raises(ValueError, match="neither or both"):
        CertificateOptions(privateKey=private.privateKey)
    with pytest.raises(ValueError, match="if and only if"):
        CertificateOptions(verify=True)
    with pytest.raises(ValueError, match="supplemental certificate chain"):
        CertificateOptions(extraCertChain=[private])


def test_client_certificate_optional_and_required(ca: trustme.CA, leaf: trustme.LeafCert) -> None:
    """requireCertificate=False gives CERT_OPTIONAL; a trustRoot forces CERT_REQUIRED."""
    private = _private(leaf)
    caCert = Certificate.loadPEM(ca.cert_pem.bytes())
    optional = CertificateOptions(
        privateKey=private.privateKey,
        certificate=private,
        verify=True,
        caCerts=[caCert],
        requireCertificate=False,
    )
    assert optional.getContext().verify_mode == ssl.CERT_OPTIONAL
    required = CertificateOptions(
        privateKey=private.privateKey,
        certificate=private,
        trustRoot=caCert,
        requireCertificate=False,
    )
    assert required.getContext().verify_mode == ssl.CERT_REQUIRED


def test_client_context_factory_verifies_nothing() -> None:
    """ClientContextFactory keeps Twisted's meaning: encrypted, unverified."""
    ctx, hostname = contextFor(ClientContextFactory(), False)
    assert ctx.verify_mode == ssl.CERT_NONE and not ctx.check_hostname
    assert hostname is None


def test_trust_roots(ca: trustme.CA) -> None:
    """trustRootFromCertificates loads exactly the given CAs; non-certificates are refused."""
    root = trustRootFromCertificates([Certificate.loadPEM(ca.cert_pem.bytes())])
    ctx, _ = contextFor(optionsForClientTLS("x.example", trustRoot=root), False)
    assert ctx.cert_store_stats()["x509_ca"] == 1
    with pytest.raises(TypeError, match="only accepts Certificate"):
        trustRootFromCertificates([b"pem"])  # type: ignore[list-item]
    assert contextFor(optionsForClientTLS("x.example", trustRoot=platformTrust()), False)


def test_default_openssl_context_factory(leaf: trustme.LeafCert, tmp_path: Path) -> None:
    """DefaultOpenSSLContextFactory loads the PEM files at once and gives a server context."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    leaf.private_key_pem.write_to_path(str(key))
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    factory = DefaultOpenSSLContextFactory(str(key), str(cert))
    ctx = factory.getContext()
    assert isinstance(ctx, ssl.SSLContext)
    assert contextFor(factory, True)[0] is ctx
    with pytest.raises(OSError):
        DefaultOpenSSLContextFactory(str(tmp_path / "missing.pem"), str(cert))


# ------------------------------------------------------------------------------------------
# pyOpenSSL-based code fails clearly


def test_pyopenssl_context_method_names_explain_the_replacement(leaf: trustme.LeafCert) -> None:
    """pyOpenSSL Context methods called on getContext() name the ssl.SSLContext equivalent."""
    ctx = _private(leaf).options().getContext()
    with pytest.raises(AttributeError, match=r"pyOpenSSL.*verify_mode"):
        ctx.set_verify
    with pytest.raises(AttributeError, match="load_cert_chain"):
        ctx.use_certificate_file
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        ctx.nonsense


def test_pyopenssl_objects_are_refused_with_the_replacement(leaf: trustme.LeafCert) -> None:
    """pyOpenSSL contexts, keys and method constants raise TypeErrors naming what to use."""
    from OpenSSL import SSL, crypto

    with pytest.raises(TypeError, match=r"pyOpenSSL.*CertificateOptions"):
        contextFor(SSL.Context(SSL.TLS_METHOD), True)
    x509 = crypto.load_certificate(crypto.FILETYPE_PEM, leaf.cert_chain_pems[0].bytes())
    with pytest.raises(TypeError, match="pyOpenSSL"):
        Certificate(x509)
    with pytest.raises(TypeError, match="TLSVersion"):
        CertificateOptions(method=SSL.TLS_METHOD)

    class OldFactory:
        def getContext(self) -> Any:
            return SSL.Context(SSL.TLS_METHOD)

    with pytest.raises(TypeError, match=r"OldFactory.getContext\(\).*ssl.SSLContext"):
        contextFor(OldFactory(), True)
    with pytest.raises(TypeError, match="clientConnectionForTLS"):
        optionsForClientTLS("x.example").clientConnectionForTLS(None)
    with pytest.raises(TypeError, match="not a TLS context factory"):
        contextFor(object(), False)


def test_real_twisted_options_are_refused() -> None:
    """Twisted's own CertificateOptions (pyOpenSSL-based) passed by mistake fails clearly."""
    from twisted.internet import ssl as tssl

    with pytest.raises(TypeError, match="pyOpenSSL"):
        reactor.connectSSL("127.0.0.1", 1, object(), tssl.CertificateOptions())


# ------------------------------------------------------------------------------------------
# Description strings (parsing only)


def test_ssl_server_string_errors(leaf: trustme.LeafCert, tmp_path: Path) -> None:
    """ssl: server descriptions check their arguments with clear errors."""
    key = tmp_path / "key.pem"
    leaf.private_key_pem.write_to_path(str(key))
    cert = tmp_path / "cert.pem"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    empty = tmp_path / "empty.pem"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="sslmethod"):
        endpoints.serverFromString(
            reactor, f"ssl:0:privateKey={key}:certKey={cert}:sslmethod=TLSv1_METHOD"
        )
    with pytest.raises(ValueError, match="doesn't contain any valid certificates"):
        endpoints.serverFromString(
            reactor, f"ssl:0:privateKey={key}:certKey={cert}:extraCertChain={empty}"
        )
    with pytest.raises(ValueError, match="unknown argument 'bogus'"):
        endpoints.serverFromString(reactor, f"ssl:0:privateKey={key}:bogus=1")
    with pytest.raises(OSError):
        endpoints.serverFromString(reactor, f"ssl:0:privateKey={tmp_path / 'nope.pem'}")
    with pytest.raises(ValueError, match="lower case"):
        endpoints.serverFromString(reactor, f"SSL:0:privateKey={key}")


def test_tls_client_string_parses_twisteds_parameters() -> None:
    """tls: client descriptions take host and port by position and Twisted's keywords."""
    ep = endpoints.clientFromString(reactor, "tls:example.com:443:timeout=5")
    assert "HostnameEndpoint example.com:443" in repr(ep)
    with pytest.raises(ValueError, match="missing port"):
        endpoints.clientFromString(reactor, "tls:example.com")
    with pytest.raises(ValueError, match="unknown argument 'caCertsDir'"):
        endpoints.clientFromString(reactor, "tls:example.com:443:caCertsDir=/tmp")

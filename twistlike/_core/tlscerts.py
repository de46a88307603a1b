"""Certificates, keys and distinguished names, as ``twisted.internet.ssl`` spells them.

Twisted: twisted.internet._sslverify (Certificate, PrivateCertificate, KeyPair,
CertificateRequest, DistinguishedName), which wrap pyOpenSSL objects.

Here a certificate is its DER bytes and a key is its PEM text: the standard library's ``ssl``
module converts PEM <-> DER and loads both into an ``ssl.SSLContext``, so handshakes never
need anything else. Reading fields (subject, issuer, serial number), converting keys between
formats, generating keys and signing certificates need the ``cryptography`` package (the
``twistlike[tls]`` extra), imported on first use; without it those calls raise an ImportError
that says so.

Divergence from Twisted: ``.original`` is not a pyOpenSSL object (there is none); it is the
twistlike object itself, so ``CertificateOptions(privateKey=k.original,
certificate=c.original)`` keeps working.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import re
from typing import Any, Self

__all__ = [
    "DN",
    "FILETYPE_ASN1",
    "FILETYPE_PEM",
    "Certificate",
    "CertificateRequest",
    "DistinguishedName",
    "KeyPair",
    "PrivateCertificate",
    "crypto",
    "pemBlocks",
    "rejectPyOpenSSL",
]

#: pyOpenSSL's ``crypto.FILETYPE_PEM`` and ``crypto.FILETYPE_ASN1`` values, which Twisted code
#: passes as ``format=``.
FILETYPE_PEM = 1
FILETYPE_ASN1 = 2

#: Twisted's KeyPair.generate ``kind`` (pyOpenSSL's ``crypto.TYPE_RSA``).
TYPE_RSA = 6

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.DOTALL)


def crypto() -> Any:
    """Import ``cryptography`` for the operations that need it, or say how to get it."""
    try:
        import cryptography.x509
        from cryptography.hazmat.primitives import hashes, serialization  # noqa: F401
        from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: F401
    except ImportError as e:
        raise ImportError(
            "this twistlike.ssl operation (reading certificate fields, converting or "
            "generating keys, signing) needs the 'cryptography' package: "
            "pip install 'twistlike[tls]'. Handshakes with PEM files do not need it."
        ) from e
    import cryptography

    return cryptography


def rejectPyOpenSSL(value: Any, what: str, replacement: str) -> None:
    """Raise a TypeError naming the stdlib-based replacement when given a pyOpenSSL object."""
    module = type(value).__module__ or ""
    if module.startswith("OpenSSL"):
        raise TypeError(
            f"{what} got a pyOpenSSL object ({module}.{type(value).__name__}); twistlike "
            f"builds on the standard library's ssl module: use {replacement} instead "
            "(see docs/tls.md)"
        )


def pemBlocks(data: bytes | str, kind: str | None = None) -> list[tuple[str, bytes]]:
    """The ``(label, DER bytes)`` of each PEM block in ``data`` (optionally only ``kind``)."""
    raw = data.encode("ascii") if isinstance(data, str) else bytes(data)
    blocks = []
    for match in _PEM_BLOCK.finditer(raw):
        label = match.group(1).decode("ascii")
        if kind is not None and label != kind:
            continue
        try:
            der = base64.b64decode(b"".join(match.group(2).split()), validate=True)
        except binascii.Error as e:
            raise ValueError(f"a PEM {label} block is not valid base64: {e}") from None
        blocks.append((label, der))
    return blocks


def _pem(label: str, der: bytes) -> bytes:
    body = base64.encodebytes(der).replace(b"\n", b"")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return (
        b"-----BEGIN "
        + label.encode()
        + b"-----\n"
        + b"\n".join(lines)
        + (b"\n-----END " + label.encode() + b"-----\n")
    )


def _format(format: int) -> int:
    if format not in (FILETYPE_PEM, FILETYPE_ASN1):
        raise ValueError(f"format must be FILETYPE_PEM (1) or FILETYPE_ASN1 (2), not {format!r}")
    return format


# ------------------------------------------------------------------------------------------
# Distinguished names

# Twisted's attribute names, their short aliases, and the X.509 OID dotted strings.
_DN_FIELDS = {
    "commonName": ("CN", "2.5.4.3"),
    "organizationName": ("O", "2.5.4.10"),
    "organizationalUnitName": ("OU", "2.5.4.11"),
    "localityName": ("L", "2.5.4.7"),
    "stateOrProvinceName": ("ST", "2.5.4.8"),
    "countryName": ("C", "2.5.4.6"),
    "emailAddress": ("emailAddress", "1.2.840.113549.1.9.1"),
}
_DN_ALIASES = {short: long for long, (short, _) in _DN_FIELDS.items()}
_DN_BY_OID = {oid: long for long, (_, oid) in _DN_FIELDS.items()}


class DistinguishedName(dict[str, bytes]):
    """A certificate subject or issuer: a dict with attribute access.

    Twisted: twisted.internet.ssl.DistinguishedName (alias ``DN``).

    Keys are Twisted's long names (``commonName``, ``organizationName`` ...); the short
    forms (``CN``, ``O``, ``OU``, ``L``, ``ST``, ``C``) are accepted as aliases. Values are
    bytes (text is encoded as UTF-8).
    """

    __slots__ = ()

    def __init__(self, **kw: str | bytes) -> None:
        super().__init__()
        for key, value in kw.items():
            setattr(self, key, value)

    def __getattr__(self, attr: str) -> bytes:
        try:
            return self[_DN_ALIASES.get(attr, attr)]
        except KeyError:
            raise AttributeError(
                f"{attr!r} is not set in this DistinguishedName "
                f"(known fields: {', '.join(_DN_FIELDS)})"
            ) from None

    def __setattr__(self, attr: str, value: str | bytes) -> None:
        attr = _DN_ALIASES.get(attr, attr)
        if attr not in _DN_FIELDS:
            raise AttributeError(
                f"{attr!r} is not a DistinguishedName field (known: {', '.join(_DN_FIELDS)})"
            )
        if isinstance(value, str):
            value = value.encode("utf-8")
        if not isinstance(value, bytes):
            raise TypeError(f"DistinguishedName values are bytes or str, not {value!r}")
        self[attr] = value

    def inspect(self) -> str:
        """A readable multi-line rendering of the fields. Twisted: DistinguishedName.inspect."""
        width = max((len(k) for k in self), default=0)
        return "\n".join(
            f"{k.rjust(width)}: {v.decode('utf-8', 'replace')}" for k, v in sorted(self.items())
        )

    def _name(self) -> Any:
        """This name as a ``cryptography.x509.Name`` (for signing)."""
        crypto()
        from cryptography import x509

        return x509.Name(
            [
                x509.NameAttribute(x509.ObjectIdentifier(_DN_FIELDS[k][1]), v.decode("utf-8"))
                for k, v in self.items()
            ]
        )

    @classmethod
    def _fromName(cls, name: Any) -> DistinguishedName:
        dn = cls()
        for attribute in name:
            field = _DN_BY_OID.get(attribute.oid.dotted_string)
            if field is not None:
                value = attribute.value
                dn[field] = value.encode("utf-8") if isinstance(value, str) else bytes(value)
        return dn


DN = DistinguishedName


# ------------------------------------------------------------------------------------------
# Certificates


class Certificate:
    """An X.509 certificate (stored as DER bytes).

    Twisted: twisted.internet.ssl.Certificate.

    ``load``/``loadPEM``/``dump``/``dumpPEM``/``digest`` need only the standard library;
    ``getSubject``/``getIssuer``/``serialNumber`` need ``cryptography``.
    """

    def __init__(self, original: Any) -> None:
        if isinstance(original, Certificate):
            original = original._der
        elif hasattr(original, "public_bytes") and hasattr(original, "subject"):
            # A cryptography x509.Certificate.
            from cryptography.hazmat.primitives.serialization import Encoding

            original = original.public_bytes(Encoding.DER)
        rejectPyOpenSSL(original, "Certificate", "Certificate.loadPEM(pem) or Certificate(der)")
        if not isinstance(original, bytes):
            raise TypeError(
                f"Certificate takes the DER bytes of a certificate (or use Certificate.loadPEM), "
                f"not {type(original).__name__}"
            )
        self._der: bytes = original

    @property
    def original(self) -> Any:
        """This object (Twisted: the pyOpenSSL X509; see the module's divergence note)."""
        return self

    @classmethod
    def load(cls, requestData: bytes, format: int = FILETYPE_ASN1) -> Self:
        """Load a certificate from DER (the default) or PEM bytes.

        Twisted: Certificate.load.

        Raises:
            ValueError: the data holds no certificate.
        """
        if _format(format) == FILETYPE_PEM:
            return cls.loadPEM(requestData)
        if not isinstance(requestData, bytes) or not requestData.startswith(b"\x30"):
            raise ValueError("Certificate.load: the data is not a DER-encoded certificate")
        return cls(requestData)

    @classmethod
    def loadPEM(cls, data: bytes | str) -> Self:
        """Load the first certificate of a PEM text. Twisted: Certificate.loadPEM.

        Raises:
            ValueError: the text holds no PEM CERTIFICATE block.
        """
        blocks = pemBlocks(data, "CERTIFICATE")
        if not blocks:
            raise ValueError("Certificate.loadPEM: no -----BEGIN CERTIFICATE----- block found")
        return cls(blocks[0][1])

    @classmethod
    def peerFromTransport(cls, transport: Any) -> Certificate:
        """The certificate of the TLS peer of ``transport``.

        Twisted: Certificate.peerFromTransport.

        Raises:
            CertificateError: the peer sent no certificate.
        """
        from twistlike.error import CertificateError

        cert = transport.getPeerCertificate()
        if cert is None:
            raise CertificateError(f"TLS peer of {transport!r} did not send a certificate")
        return cls(cert)

    def dump(self, format: int = FILETYPE_ASN1) -> bytes:
        """The certificate as DER (default) or PEM bytes. Twisted: Certificate.dump."""
        if _format(format) == FILETYPE_PEM:
            return _pem("CERTIFICATE", self._der)
        return self._der

    def dumpPEM(self) -> bytes:
        """The certificate as PEM bytes. Twisted: Certificate.dumpPEM."""
        return _pem("CERTIFICATE", self._der)

    def digest(self, method: str = "md5") -> bytes:
        """The hash of the DER certificate, as ``b"AB:CD:..."``. Twisted: Certificate.digest."""
        h = hashlib.new(method, self._der).hexdigest().upper()
        return ":".join(h[i : i + 2] for i in range(0, len(h), 2)).encode("ascii")

    def _x509(self) -> Any:
        crypto()
        from cryptography import x509

        return x509.load_der_x509_certificate(self._der)

    def getSubject(self) -> DistinguishedName:
        """The subject's distinguished name. Twisted: Certificate.getSubject."""
        return DistinguishedName._fromName(self._x509().subject)

    def getIssuer(self) -> DistinguishedName:
        """The issuer's distinguished name. Twisted: Certificate.getIssuer."""
        return DistinguishedName._fromName(self._x509().issuer)

    def serialNumber(self) -> int:
        """The serial number. Twisted: Certificate.serialNumber."""
        return int(self._x509().serial_number)

    def options(self, *authorities: Any) -> Any:
        """Twisted: Certificate.options raises NotImplementedError; so does this."""
        raise NotImplementedError(
            "Certificate.options: use PrivateCertificate.options, or optionsForClientTLS"
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Certificate):
            return self._der == other._der
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._der)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.digest('sha256')[:23].decode()}...>"


class KeyPair:
    """A private key (stored as PEM text, loaded by ``ssl`` as is).

    Twisted: twisted.internet.ssl.KeyPair.
    """

    def __init__(self, osslpkey: Any) -> None:
        if isinstance(osslpkey, KeyPair):
            osslpkey = osslpkey._pem
        elif hasattr(osslpkey, "private_bytes"):
            # A cryptography private key.
            from cryptography.hazmat.primitives import serialization

            osslpkey = osslpkey.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        rejectPyOpenSSL(osslpkey, "KeyPair", "KeyPair.load(pem, FILETYPE_PEM)")
        if not isinstance(osslpkey, bytes) or not pemBlocks(osslpkey):
            raise TypeError(
                "KeyPair takes a PEM private key (use KeyPair.load for DER), not "
                f"{type(osslpkey).__name__}"
            )
        self._pem: bytes = osslpkey

    @property
    def original(self) -> Any:
        """This object (Twisted: the pyOpenSSL PKey; see the module's divergence note)."""
        return self

    @classmethod
    def load(cls, data: bytes, format: int = FILETYPE_ASN1) -> KeyPair:
        """Load a private key from DER (default; needs cryptography) or PEM bytes.

        Twisted: KeyPair.load.

        Raises:
            ValueError: the data holds no private key.
        """
        if _format(format) == FILETYPE_PEM:
            keys = [b for b in pemBlocks(data) if b[0].endswith("PRIVATE KEY")]
            if not keys:
                raise ValueError("KeyPair.load: no -----BEGIN ... PRIVATE KEY----- block found")
            label, der = keys[0]
            return cls(_pem(label, der))
        crypto()
        from cryptography.hazmat.primitives import serialization

        return cls(serialization.load_der_private_key(data, password=None))

    @classmethod
    def generate(cls, kind: int = TYPE_RSA, size: int = 2048) -> KeyPair:
        """A new RSA key (needs cryptography). Twisted: KeyPair.generate."""
        if kind != TYPE_RSA:
            raise ValueError(f"KeyPair.generate: only RSA keys (kind={TYPE_RSA}) are supported")
        crypto()
        from cryptography.hazmat.primitives.asymmetric import rsa

        return cls(rsa.generate_private_key(public_exponent=65537, key_size=size))

    def _key(self) -> Any:
        crypto()
        from cryptography.hazmat.primitives import serialization

        return serialization.load_pem_private_key(self._pem, password=None)

    def dump(self, format: int = FILETYPE_ASN1) -> bytes:
        """The key as DER (default; needs cryptography) or PEM bytes. Twisted: KeyPair.dump."""
        if _format(format) == FILETYPE_PEM:
            return self._pem
        from cryptography.hazmat.primitives import serialization

        return bytes(
            self._key().private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )

    def certificateRequest(
        self,
        distinguishedName: DistinguishedName,
        format: int = FILETYPE_ASN1,
        digestAlgorithm: str = "sha256",
    ) -> bytes:
        """A certificate signing request for ``distinguishedName``, signed by this key.

        Twisted: KeyPair.certificateRequest.
        """
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import Encoding

        csr = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(DistinguishedName(**distinguishedName)._name())
            .sign(self._key(), _hash(digestAlgorithm))
        )
        return bytes(csr.public_bytes(Encoding.PEM if _format(format) == 1 else Encoding.DER))

    def signCertificateRequest(
        self,
        issuerDistinguishedName: DistinguishedName,
        requestData: bytes,
        verifyDNCallback: Any,
        serialNumber: int,
        requestFormat: int = FILETYPE_ASN1,
        certificateFormat: int = FILETYPE_ASN1,
        secondsToExpiry: int = 60 * 60 * 24 * 365,
        digestAlgorithm: str = "sha256",
    ) -> Any:
        """Sign a request; returns the certificate bytes (or a Deferred of them).

        Twisted: KeyPair.signCertificateRequest. ``verifyDNCallback(subject)`` may return a
        bool or a Deferred of one; a false answer fails with VerifyError.
        """
        from twistlike.defer import maybeDeferred
        from twistlike.error import VerifyError

        request = CertificateRequest.load(requestData, requestFormat)
        subject = request.getSubject()

        def verified(ok: Any) -> bytes:
            if not ok:
                raise VerifyError(f"DN callback {verifyDNCallback!r} rejected {subject!r}")
            cert = self._sign(
                issuerDistinguishedName,
                subject,
                request._csr().public_key(),
                serialNumber,
                secondsToExpiry,
                digestAlgorithm,
            )
            return cert.dump(certificateFormat)

        d = maybeDeferred(verifyDNCallback, subject)
        return d.addCallback(verified)

    def _sign(
        self,
        issuer: DistinguishedName,
        subject: DistinguishedName,
        publicKey: Any,
        serialNumber: int,
        secondsToExpiry: int,
        digestAlgorithm: str,
    ) -> Certificate:
        from cryptography import x509

        now = datetime.datetime.now(datetime.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(DistinguishedName(**subject)._name())
            .issuer_name(DistinguishedName(**issuer)._name())
            .public_key(publicKey)
            .serial_number(serialNumber)
            .not_valid_before(now - datetime.timedelta(seconds=1))
            .not_valid_after(now + datetime.timedelta(seconds=secondsToExpiry))
            .sign(self._key(), _hash(digestAlgorithm))
        )
        return Certificate(cert)

    def selfSignedCert(self, serialNumber: int, **kw: str | bytes) -> PrivateCertificate:
        """A certificate for this key, signed by itself, valid for a year (needs cryptography).

        Twisted: KeyPair.selfSignedCert; ``kw`` are DistinguishedName fields.
        """
        dn = DistinguishedName(**kw)
        cert = self._sign(
            dn, dn, self._key().public_key(), serialNumber, 60 * 60 * 24 * 365, "sha256"
        )
        return PrivateCertificate.fromCertificateAndKeyPair(cert, self)

    def newCertificate(self, newCertData: bytes, format: int = FILETYPE_ASN1) -> Any:
        """A PrivateCertificate of ``newCertData`` and this key. Twisted: same name."""
        return PrivateCertificate.load(newCertData, self, format)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def _hash(name: str) -> Any:
    from cryptography.hazmat.primitives import hashes

    algorithm = getattr(hashes, name.upper(), None)
    if algorithm is None:
        raise ValueError(f"unknown digest algorithm {name!r} (try 'sha256')")
    return algorithm()


class PrivateCertificate(Certificate):
    """A certificate together with its private key.

    Twisted: twisted.internet.ssl.PrivateCertificate.
    """

    privateKey: KeyPair

    @classmethod
    def load(  # type: ignore[override]
        cls, data: bytes, privateKey: KeyPair, format: int = FILETYPE_ASN1
    ) -> PrivateCertificate:
        """Load the certificate from ``data`` and pair it with ``privateKey``.

        Twisted: PrivateCertificate.load.
        """
        return cls.fromCertificateAndKeyPair(Certificate.load(data, format), privateKey)

    @classmethod
    def loadPEM(cls, data: bytes | str) -> PrivateCertificate:
        """Load a certificate and its private key from one PEM text.

        Twisted: PrivateCertificate.loadPEM.

        Raises:
            ValueError: the text lacks the certificate or the key.
        """
        return cls.fromCertificateAndKeyPair(
            Certificate.loadPEM(data),
            KeyPair.load(data.encode() if isinstance(data, str) else data, FILETYPE_PEM),
        )

    @classmethod
    def fromCertificateAndKeyPair(
        cls, certificateInstance: Certificate, privateKey: KeyPair
    ) -> PrivateCertificate:
        """Pair a certificate with its key. Twisted: same name."""
        self = cls(certificateInstance._der)
        self.privateKey = privateKey
        return self

    def dumpPEM(self) -> bytes:
        """The certificate, then the key, as PEM. Twisted: PrivateCertificate.dumpPEM."""
        return self.dump(FILETYPE_PEM) + self.privateKey.dump(FILETYPE_PEM)

    def _chainPEM(self) -> bytes:
        return self.dump(FILETYPE_PEM) + self.privateKey._pem

    def options(self, *authorities: Any) -> Any:
        """Server (or client-certificate) options with this certificate and key.

        Twisted: PrivateCertificate.options. With ``authorities`` (Certificates), the peer
        must present a certificate signed by one of them.
        """
        from twistlike._core.tlsconfig import CertificateOptions, trustRootFromCertificates

        if authorities:
            return CertificateOptions(
                privateKey=self.privateKey,
                certificate=self,
                trustRoot=trustRootFromCertificates(list(authorities)),
            )
        return CertificateOptions(privateKey=self.privateKey, certificate=self)

    def certificateRequest(
        self, format: int = FILETYPE_ASN1, digestAlgorithm: str = "sha256"
    ) -> bytes:
        """A request for a certificate of this subject and key. Twisted: same name."""
        return self.privateKey.certificateRequest(self.getSubject(), format, digestAlgorithm)

    def signCertificateRequest(
        self,
        requestData: bytes,
        verifyDNCallback: Any,
        serialNumber: int,
        requestFormat: int = FILETYPE_ASN1,
        certificateFormat: int = FILETYPE_ASN1,
    ) -> Any:
        """Sign a request as this certificate's subject. Twisted: same name."""
        return self.privateKey.signCertificateRequest(
            self.getSubject(),
            requestData,
            verifyDNCallback,
            serialNumber,
            requestFormat,
            certificateFormat,
        )

    def newCertificate(self, newCertData: bytes, format: int = FILETYPE_ASN1) -> Any:
        """The PrivateCertificate of ``newCertData`` with this key. Twisted: same name."""
        return PrivateCertificate.load(newCertData, self.privateKey, format)


class CertificateRequest:
    """A certificate signing request (stored as DER).

    Twisted: twisted.internet.ssl.CertificateRequest.
    """

    def __init__(self, original: Any) -> None:
        rejectPyOpenSSL(original, "CertificateRequest", "CertificateRequest.load(data, format)")
        if not isinstance(original, bytes):
            raise TypeError("CertificateRequest takes DER bytes (or use CertificateRequest.load)")
        self._der = original

    @property
    def original(self) -> Any:
        """This object (Twisted: the pyOpenSSL X509Req)."""
        return self

    @classmethod
    def load(cls, data: bytes, format: int = FILETYPE_ASN1) -> CertificateRequest:
        """Load a request from DER (default) or PEM bytes. Twisted: CertificateRequest.load."""
        if _format(format) == FILETYPE_PEM:
            blocks = pemBlocks(data, "CERTIFICATE REQUEST")
            if not blocks:
                raise ValueError("no -----BEGIN CERTIFICATE REQUEST----- block found")
            return cls(blocks[0][1])
        return cls(data)

    def dump(self, format: int = FILETYPE_ASN1) -> bytes:
        """The request as DER (default) or PEM. Twisted: CertificateRequest.dump."""
        if _format(format) == FILETYPE_PEM:
            return _pem("CERTIFICATE REQUEST", self._der)
        return self._der

    def _csr(self) -> Any:
        crypto()
        from cryptography import x509

        return x509.load_der_x509_csr(self._der)

    def getSubject(self) -> DistinguishedName:
        """The requested subject (needs cryptography). Twisted: CertificateRequest.getSubject."""
        return DistinguishedName._fromName(self._csr().subject)

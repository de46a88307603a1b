"""Public Twisted names that twistlike deliberately does not provide, each with its reason.

Keyed by Twisted module, then by name (``"Class.method"`` for a class member). The
name-parity test (tests/test_name_parity.py) fails when Twisted has a public name that
twistlike neither provides nor lists here; docs/divergences.md is generated from this table.
"""

from __future__ import annotations

__all__ = ["MISSING_NAMES"]

_NEEDS_PYOPENSSL = "needs a pyOpenSSL object; twistlike's TLS uses the standard library's ssl"

MISSING_NAMES: dict[str, dict[str, str]] = {
    # -- TLS (issue 12) --
    "twisted.internet.ssl": {
        "Certificate.getPublicKey": "public keys are not modelled; use cryptography on dump()",
        "Certificate.hostFromTransport": "the local certificate is not exposed by ssl",
        "Certificate.inspect": "use getSubject()/getIssuer()/digest()",
        "KeyPair.inspect": "not provided; use cryptography on dump()",
        "KeyPair.keyHash": "not provided; use cryptography on dump()",
        "KeyPair.matches": "not provided; use cryptography on dump()",
        "KeyPair.requestObject": _NEEDS_PYOPENSSL,
        "KeyPair.signRequestObject": _NEEDS_PYOPENSSL,
        "PrivateCertificate.signRequestObject": _NEEDS_PYOPENSSL,
    },
}

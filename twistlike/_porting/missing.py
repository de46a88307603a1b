"""Public Twisted names that twistlike deliberately does not provide, each with its reason.

Keyed by Twisted module, then by name (``"Class.method"`` for a class member). The
name-parity test (tests/test_name_parity.py) fails when Twisted has a public name that
twistlike neither provides nor lists here; docs/divergences.md is generated from this table.
"""

from __future__ import annotations

__all__ = ["MISSING_NAMES"]

MISSING_NAMES: dict[str, dict[str, str]] = {}

# -- services and the twistd runner (application/, usage) ------------------------------------
_RUNNER = "twistlike's twistd runner is twistlike.application.twistd (python -m twistlike twistd)"
MISSING_NAMES.update(
    {
        "twisted.application.app": {
            "AppLogger": _RUNNER + "; it starts logging with twistlike.log.startLogging.",
            "AppProfiler": "Profiling twistd (--profile) is not supported; run under cProfile.",
            "ApplicationRunner": _RUNNER + "; it has no runner class hierarchy to subclass.",
            "CProfileRunner": "Profiling twistd (--profile) is not supported.",
            "ProfileRunner": "Profiling twistd (--profile) is not supported.",
            "ReactorSelectionMixin": "--reactor accepts asyncio and uvloop only.",
            "ServerOptions": "It lives in twistlike.application.twistd.",
            "convertStyle": "Persisted .tap/.tas applications are not supported.",
            "fixPdb": "The twistd debugger option (--debug) is not supported.",
            "getApplication": "Use twistlike.application.service.loadApplication(path, 'python').",
            "getPassphrase": "Encrypted persisted applications are not supported.",
            "getSavePassphrase": "Encrypted persisted applications are not supported.",
            "run": _RUNNER + ".",
            "runReactorWithLogging": _RUNNER + "; it runs the reactor itself.",
        },
    }
)

# -- twisted.web ------------------------------------------------------------------------------
_TEMPLATES = "twisted.web.template is not provided (render with a template engine); see docs/web.md"
_WEB_MISSING: dict[str, dict[str, str]] = {
    "twisted.web.http": {
        "HTTPClient": "The old line-based client protocol (deprecated in Twisted); use "
        "twistlike.web.client.Agent.",
        "StringTransport": "Not part of twisted.web.http's API (an import Twisted leaks); use "
        "twistlike.testing.StringTransport.",
    },
    "twisted.web.static": {
        "ASISProcessor": "'.asis' files are not processed; serve them with File.",
        "Redirect": "Deprecated in Twisted; use twistlike.web.util.Redirect.",
        "Registry": "The per-site component registry of .rpy scripts is not provided (no .rpy).",
        "addSlash": "Deprecated helper; use twistlike.web.util.redirectTo with the URL plus '/'.",
        "isDangerous": "Deprecated in Twisted; File refuses path traversal itself.",
        "platformType": "Not part of the API (an import Twisted leaks).",
    },
    "twisted.web.util": {
        "FailureElement": _TEMPLATES,
        "formatFailure": _TEMPLATES + " (use Failure.getTraceback()).",
    },
    "twisted.web.iweb": {
        "ICredentialFactory": "HTTP authentication (twisted.web.guard, twisted.cred) is not "
        "provided.",
        "IRenderable": _TEMPLATES,
        "IUsernameDigestHash": "HTTP digest authentication is not provided.",
    },
    "twisted.web.error": {
        "FlattenerError": _TEMPLATES,
        "MissingRenderMethod": _TEMPLATES,
        "MissingTemplateLoader": _TEMPLATES,
        "RenderError": _TEMPLATES,
        "UnexposedMethodError": _TEMPLATES,
        "UnfilledSlot": _TEMPLATES,
        "UnsupportedType": _TEMPLATES,
    },
}
MISSING_NAMES.update(_WEB_MISSING)
_NEEDS_PYOPENSSL = "needs a pyOpenSSL object; twistlike's TLS uses the standard library's ssl"

MISSING_NAMES.update(
    {
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
)

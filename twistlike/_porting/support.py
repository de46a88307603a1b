"""Is this Twisted module, or this name in it, supported? One answer for every tool.

``check``, ``port`` and the ``run`` import hook all ask here. The answer comes from the
mapping table (:mod:`twistlike._porting.mapping`), the name-parity table
(:mod:`twistlike._porting.missing`), the divergence table
(:mod:`twistlike._porting.divergences`) and, for names, from the twistlike module itself:
a name is supported when the twistlike module has it and the parity table does not list it
as missing. Only twistlike's own modules are imported to find out, never the user's code.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from twistlike._porting.divergences import DIVERGENCES, Divergence
from twistlike._porting.mapping import MODULES, lookup
from twistlike._porting.missing import MISSING_NAMES

__all__ = [
    "ENDPOINT_TYPES",
    "Verdict",
    "endpoint_verdict",
    "is_package",
    "member_verdict",
    "module_verdict",
    "name_verdict",
    "twistlike_object",
]

Status = Literal["supported", "divergent", "unsupported"]

NOT_SUPPORTED_DOCS = "porting.md#not-supported"


@dataclass(frozen=True)
class Verdict:
    """What twistlike offers for one Twisted module or name.

    Attributes:
        twisted: the Twisted dotted name (``twisted.internet.defer.Deferred``).
        module: the Twisted module the verdict is about: the feature it is grouped under.
        status: ``supported``, ``divergent`` (supported, with documented differences) or
            ``unsupported``.
        twistlike: the twistlike dotted name that replaces it (None when unsupported).
        reason: why it is unsupported (empty otherwise).
        alternative: what to use instead, where there is something.
        docs: the docs page (relative to docs/) that covers it.
        divergences: titles of the divergences that concern it (status ``divergent``).
    """

    twisted: str
    module: str
    status: Status
    twistlike: str | None
    reason: str = ""
    alternative: str = ""
    docs: str = "index.md"
    divergences: tuple[str, ...] = field(default=())

    @property
    def supported(self) -> bool:
        return self.status != "unsupported"


# Twisted packages that only hold modules (their own namespace has no API worth a row), so
# ``from twisted.internet import X`` names the module twisted.internet.X.
_PACKAGES = frozenset(
    ".".join(m.twisted.split(".")[:end])
    for m in MODULES
    for end in range(1, m.twisted.count(".") + 1)
) | {"twisted"}


def is_package(name: str) -> bool:
    """Whether Twisted dotted name ``name`` is a package that holds mapped modules."""
    return name in _PACKAGES and lookup(name) is None


def module_verdict(name: str) -> Verdict:
    """The verdict for Twisted module ``name`` (a row of its own or an unsupported parent)."""
    row = lookup(name)
    if row is None:
        return Verdict(
            name,
            name,
            "unsupported",
            None,
            reason=f"{name} has no twistlike counterpart (the mapping table has no row for it)",
            docs=NOT_SUPPORTED_DOCS,
        )
    if not row.supported:
        return Verdict(
            name, row.twisted, "unsupported", None, row.reason, row.alternative, row.docs
        )
    return Verdict(name, name, "supported", row.twistlike, docs=row.docs)


def twistlike_object(target: str) -> object:
    """Import and return what twistlike dotted name ``target`` names (a module or object).

    ``twistlike.reactor`` is the reactor object (Twisted's ``twisted.internet.reactor`` is
    the installed reactor too), so the last component may be an attribute.
    """
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError:
        parent, _, attribute = target.rpartition(".")
        return getattr(importlib.import_module(parent), attribute)


@cache
def _has(target: str, name: str) -> bool:
    try:
        owner = twistlike_object(target)
    except ImportError:
        return False
    try:
        getattr(owner, name)
    except (AttributeError, ImportError):
        # (A name listed as missing raises MissingNameError, an ImportError.)
        return False
    return True


def _identifiers(span: str) -> str:
    # `Deferred.fromFuture(f)` -> "fromFuture": the name a divergence is about is the last
    # identifier before the call parentheses or the first space.
    head = re.split(r"[(\s\[=]", span, maxsplit=1)[0]
    parts = [p for p in head.split(".") if p.isidentifier()]
    return parts[-1] if parts else ""


@cache
def _divergence_index() -> dict[str, tuple[Divergence, ...]]:
    index: dict[str, list[Divergence]] = {}
    for divergence in DIVERGENCES:
        if "python -m twistlike" in divergence.area:
            continue  # about the porting tools themselves, not about a name in a module
        keys = {
            _identifiers(span)
            for span in re.findall(r"`([^`]+)`", divergence.title + " " + divergence.text)
        }
        for key in keys - {""}:
            index.setdefault(key, []).append(divergence)
    return {key: tuple(rows) for key, rows in index.items()}


def divergences_for(target: str, name: str) -> tuple[Divergence, ...]:
    """The divergences that name ``name`` (in backquotes) and concern twistlike ``target``.

    A divergence concerns ``target`` unless its area names other twistlike modules only.
    """
    found = []
    for divergence in _divergence_index().get(name, ()):
        modules = re.findall(r"twistlike\.[\w.]*\w", divergence.area)
        if not modules or target in modules:
            found.append(divergence)
    return tuple(found)


def name_verdict(module: str, name: str) -> Verdict:
    """The verdict for ``name`` used from Twisted module ``module`` (``defer.Deferred``).

    ``name`` may itself be a module (``from twisted.internet import defer``): when ``module``
    is a package, or a mapped module lacks ``name`` but ``module.name`` has a row, the verdict
    is about that module.
    """
    dotted = f"{module}.{name}"
    if is_package(module) or (lookup(dotted) is not None and lookup(dotted) is not lookup(module)):
        return module_verdict(dotted)
    verdict = module_verdict(module)
    row = lookup(module)
    moved = dict(row.elsewhere) if row is not None and row.twisted == module else {}
    if name in moved:
        parent, _, attribute = moved[name].rpartition(".")
        if _has(parent, attribute):
            return Verdict(dotted, module, "supported", moved[name], docs=NOT_SUPPORTED_DOCS)
    if verdict.twistlike is None:
        return Verdict(
            dotted,
            verdict.module,
            "unsupported",
            None,
            verdict.reason,
            verdict.alternative,
            verdict.docs,
        )
    missing = MISSING_NAMES.get(module, {})
    if name in missing:
        return Verdict(
            dotted,
            module,
            "unsupported",
            None,
            reason=f"{dotted} is not provided: {missing[name]}",
            docs=NOT_SUPPORTED_DOCS,
        )
    if not _has(verdict.twistlike, name):
        return Verdict(
            dotted,
            module,
            "unsupported",
            None,
            reason=f"{verdict.twistlike} has no {name}",
            docs=verdict.docs,
        )
    divergences = divergences_for(verdict.twistlike, name)
    return Verdict(
        dotted,
        module,
        "divergent" if divergences else "supported",
        f"{verdict.twistlike}.{name}",
        docs="divergences.md" if divergences else verdict.docs,
        divergences=tuple(d.title for d in divergences),
    )


def member_verdict(module: str, owner: str, member: str) -> Verdict | None:
    """An unsupported verdict for ``owner.member`` when the parity table lists it, else None.

    The parity table names class members as ``"Class.member"`` (``"Deferred.callbacks"``).
    """
    key = f"{owner}.{member}"
    reason = MISSING_NAMES.get(module, {}).get(key)
    if reason is None:
        return None
    return Verdict(
        f"{module}.{key}",
        module,
        "unsupported",
        None,
        reason=f"{module}.{key} is not provided: {reason}",
        docs=NOT_SUPPORTED_DOCS,
    )


# Endpoint description types -> the Twisted module that implements them; an endpoint string
# is supported when that module is (``ssl:`` becomes supported with twisted.internet.ssl).
ENDPOINT_TYPES: dict[str, str] = {
    "tcp": "twisted.internet.endpoints",
    "tcp6": "twisted.internet.endpoints",
    "unix": "twisted.internet.endpoints",
    "ssl": "twisted.internet.ssl",
    "tls": "twisted.internet.ssl",
    "stdio": "twisted.internet.stdio",
    "systemd": "twisted.python.systemd",
    "onion": "txtorcon",
    "tor": "txtorcon",
    "le": "txacme",
    "lets": "txacme",
}


def endpoint_verdict(description: str) -> Verdict:
    """The verdict for an endpoint description string such as ``"ssl:443"``."""
    kind = description.split(":", 1)[0].lower()
    module = ENDPOINT_TYPES.get(kind, "")
    use = f"endpoint {description!r}"
    if module.startswith("twisted."):
        verdict = module_verdict(module)
        if verdict.supported:
            return Verdict(use, module, "supported", "twistlike.endpoints", docs="protocols.md")
        return Verdict(
            use,
            module,
            "unsupported",
            None,
            f"{kind}: endpoints need {module}: {verdict.reason}",
            verdict.alternative,
            verdict.docs,
        )
    return Verdict(
        use,
        "twisted.internet.endpoints",
        "unsupported",
        None,
        f"{kind}: endpoints come from a third-party plugin"
        + (f" ({module})" if module else "")
        + "; twistlike has no plugin lookup",
        docs=NOT_SUPPORTED_DOCS,
    )

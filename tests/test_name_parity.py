"""Every public Twisted name of a mapped module is provided by twistlike or listed as missing.

For each supported row of ``twistlike._porting.mapping.MODULES`` the public names of
Twisted's module (module level, plus the public methods and attributes of its public classes
and the members of its interfaces) are compared with twistlike's module. A Twisted name that
twistlike neither provides nor lists in ``twistlike._porting.missing.MISSING_NAMES`` fails the
test, and so does a listed name that twistlike does provide (a stale row) or that Twisted
does not have.
"""

from __future__ import annotations

import importlib
import inspect
import json
import subprocess
import sys
import warnings
from types import ModuleType
from typing import Any

import pytest
from zope.interface.interface import InterfaceClass

import twistlike
from twistlike._porting.mapping import MODULES
from twistlike._porting.missing import MISSING_NAMES

SUPPORTED = [row for row in MODULES if row.twistlike is not None]

#: The Twisted reactor twistlike's is compared with: the asyncio one (an instance, since a
#: reactor sets many of its public attributes in __init__), built in a child process so
#: that no Twisted reactor gets installed or leaks sockets here.
_TWISTED_REACTOR_NAMES = """
import asyncio, json
from twisted.internet.asyncioreactor import AsyncioSelectorReactor
loop = asyncio.new_event_loop()
r = AsyncioSelectorReactor(loop)
print(json.dumps(sorted(n for n in dir(r) if not n.startswith("_"))))
"""


def _belongs_to_twisted(value: object) -> bool:
    """Whether ``value`` is Twisted's own (not an import from the stdlib or a library)."""
    if inspect.ismodule(value):
        return False
    module = getattr(value, "__module__", None)
    if not isinstance(module, str):
        return True  # a plain constant defined in the module
    return module.startswith("twisted.")


def _public_names(module: ModuleType) -> list[str]:
    """The public module-level names of a Twisted module: ``__all__``, else its own names."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        explicit = getattr(module, "__all__", None)
        if explicit is not None:
            return list(explicit)
        return [
            name
            for name, value in vars(module).items()
            if not name.startswith("_") and _belongs_to_twisted(value)
        ]


def _members(value: object) -> list[str]:
    """The public members of a Twisted class (or interface) that twistlike must match."""
    if isinstance(value, InterfaceClass):
        return sorted(n for n in value.names(all=True) if not n.startswith("_"))
    if inspect.isclass(value):
        return sorted(n for n in dir(value) if not n.startswith("_"))
    return []


def _provides(ours: object, name: str) -> bool:
    """hasattr, counting a listed-missing name (MissingNameError) as not provided."""
    try:
        getattr(ours, name)
    except (AttributeError, ImportError):
        return False
    return True


def _has_member(value: object, name: str) -> bool:
    if isinstance(value, InterfaceClass):
        return name in value.names(all=True)
    return _provides(value, name)


def _import_twisted(twisted: str) -> ModuleType:
    # Some Twisted modules warn at import (twisted.web.static builds a deprecated resource).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return importlib.import_module(twisted)


def _twisted_names(twisted: str) -> dict[str, set[str]]:
    """Twisted's public names for one mapped module: module level and ``Class.member``."""
    module = _import_twisted(twisted)
    names: dict[str, set[str]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for name in _public_names(module):
            value = getattr(module, name)
            names[name] = set(_members(value))
    return names


def _missing(twisted: str, ours: Any) -> list[str]:
    """The names of Twisted module ``twisted`` that ``ours`` does not provide."""
    module = _import_twisted(twisted)
    missing: list[str] = []
    for name, members in sorted(_twisted_names(twisted).items()):
        if not _provides(ours, name):
            missing.append(name)
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            theirs = getattr(module, name)
        mine = getattr(ours, name)
        if not (inspect.isclass(theirs) and (inspect.isclass(mine) or mine is not None)):
            continue
        missing.extend(f"{name}.{m}" for m in sorted(members) if not _has_member(mine, m))
    return missing


def _reactor_missing() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", _TWISTED_REACTOR_NAMES],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    theirs: list[str] = json.loads(out)
    return [name for name in theirs if not _provides(twistlike.reactor, name)]


def _ours(row_twistlike: str) -> Any:
    if row_twistlike == "twistlike.reactor":
        return twistlike.reactor
    return importlib.import_module(row_twistlike)


def _listed(twisted: str) -> dict[str, str]:
    return MISSING_NAMES.get(twisted, {})


@pytest.mark.parametrize("row", SUPPORTED, ids=[row.twisted for row in SUPPORTED])
def test_every_twisted_name_is_provided_or_listed(row: Any) -> None:
    """Each public name of the Twisted module exists in twistlike or is in MISSING_NAMES."""
    if row.twisted == "twisted.internet.reactor":
        missing = _reactor_missing()
    else:
        missing = _missing(row.twisted, _ours(row.twistlike))
    unlisted = [name for name in missing if name not in _listed(row.twisted)]
    assert unlisted == [], (
        f"{row.twisted}: provide these names in {row.twistlike} or list them, with a "
        f"reason, in twistlike/_porting/missing.py: {unlisted}"
    )


@pytest.mark.parametrize("row", SUPPORTED, ids=[row.twisted for row in SUPPORTED])
def test_no_stale_missing_rows(row: Any) -> None:
    """A name listed as missing is really missing from twistlike, and exists in Twisted."""
    listed = _listed(row.twisted)
    if not listed:
        return
    if row.twisted == "twisted.internet.reactor":
        missing = set(_reactor_missing())
    else:
        missing = set(_missing(row.twisted, _ours(row.twistlike)))
    stale = sorted(set(listed) - missing)
    assert stale == [], f"{row.twisted}: twistlike provides (or Twisted lacks): {stale}"


def test_missing_rows_are_for_mapped_modules() -> None:
    """MISSING_NAMES has rows only for supported mapped modules, each with a reason."""
    supported = {row.twisted for row in SUPPORTED}
    assert set(MISSING_NAMES) <= supported
    for names in MISSING_NAMES.values():
        assert all(reason.strip() for reason in names.values())


def test_a_new_twisted_name_fails() -> None:
    """The comparison sees a name that twistlike lacks (the check cannot pass vacuously)."""
    assert "DeferredList" in _twisted_names("twisted.internet.defer")
    fake = ModuleType("fake")
    assert "Deferred" in _missing("twisted.internet.defer", fake)


def test_interfaces_match_twisteds_signatures() -> None:
    """Every Twisted interface exists in twistlike.interfaces with the same bases and methods."""
    import twisted.internet.interfaces as theirs

    from twistlike import interfaces as ours

    differences = []
    for name, iface in vars(theirs).items():
        if not isinstance(iface, InterfaceClass) or name.startswith("_"):
            continue
        mine = getattr(ours, name)
        if [b.__name__ for b in iface.__bases__] != [b.__name__ for b in mine.__bases__]:
            differences.append(f"{name}: bases")
        for member, description in iface.namesAndDescriptions(all=True):
            counterpart = mine.get(member)
            if counterpart is None:
                differences.append(f"{name}.{member}: missing")
            elif hasattr(description, "positional") and (
                description.positional,
                description.required,
                description.varargs,
                description.kwargs,
            ) != (
                counterpart.positional,
                counterpart.required,
                counterpart.varargs,
                counterpart.kwargs,
            ):
                differences.append(f"{name}.{member}: {description.getSignatureString()}")
    assert differences == []


#: Interfaces a Twisted fake declares that twistlike's does not yet, with the issue adding them.
_FAKE_DECLARATIONS_IN_PROGRESS = {"FakeTransport": {"ITLSTransport"}}  # issue 12 (TLS)


@pytest.mark.parametrize(
    ("twistedModule", "name"),
    [
        ("twisted.internet.testing", "MemoryReactor"),
        ("twisted.internet.testing", "MemoryReactorClock"),
        ("twisted.internet.testing", "RaisingMemoryReactor"),
        ("twisted.internet.testing", "StringTransport"),
        ("twisted.internet.testing", "FakeDatagramTransport"),
        ("twisted.internet.testing", "SynchronousResolver"),
        ("twisted.test.iosim", "FakeTransport"),
        ("twisted.test.iosim", "FakeAddress"),
    ],
)
def test_fakes_declare_what_twisteds_declare(twistedModule: str, name: str) -> None:
    """Each testing fake declares the interfaces (by name) Twisted's fake declares."""
    from zope.interface import implementedBy

    from twistlike import testing

    theirs = {
        i.__name__ for i in implementedBy(getattr(importlib.import_module(twistedModule), name))
    }
    ours = {i.__name__ for i in implementedBy(getattr(testing, name))}
    assert ours == theirs - _FAKE_DECLARATIONS_IN_PROGRESS.get(name, set())


_TWISTED_REACTOR_INTERFACES = """
import asyncio, json
from zope.interface import providedBy
from twisted.internet.asyncioreactor import AsyncioSelectorReactor
r = AsyncioSelectorReactor(asyncio.new_event_loop())
print(json.dumps(sorted(i.__name__ for i in providedBy(r).flattened())))
"""


def test_reactor_declares_what_it_implements() -> None:
    """The reactor's declared interfaces verify; each one Twisted's asyncio reactor declares
    and twistlike's does not has a method listed as missing (the feature is not there)."""
    from zope.interface import providedBy
    from zope.interface.verify import verifyObject

    import twistlike.interfaces as interfaces

    for iface in providedBy(twistlike.reactor):
        assert verifyObject(iface, twistlike.reactor)
    out = subprocess.run(
        [sys.executable, "-c", _TWISTED_REACTOR_INTERFACES],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    listed = _listed("twisted.internet.reactor")
    for name in json.loads(out):
        iface = getattr(interfaces, name, None)
        if iface is None or iface.providedBy(twistlike.reactor):
            continue  # (Twisted-private interfaces such as _ISupportsExitSignalCapturing)
        assert any(member in listed for member in iface.names(all=True)), name


def test_a_listed_name_fails_with_its_reason() -> None:
    """Importing a listed-missing name raises an ImportError naming it, the reason and
    docs/missing.md; other missing names stay plain AttributeErrors."""
    import twistlike.address
    from twistlike._porting.missing import MissingNameError

    missing = "platform"  # (by name: the type checker knows it does not exist)
    with pytest.raises(MissingNameError, match=r"platform .*not provided.*docs/missing\.md"):
        getattr(twistlike.address, missing)
    with pytest.raises(MissingNameError, match=r"sys\.platform"):
        exec("from twistlike.address import platform", {})
    assert not hasattr(twistlike.address, "NoSuchName")
    attribute = "installNameResolver"
    with pytest.raises(AttributeError, match=r"installNameResolver: not provided"):
        getattr(twistlike.reactor, attribute)
    assert not hasattr(twistlike.reactor, "noSuchAttribute")

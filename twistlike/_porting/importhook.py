"""``python -m twistlike run``'s import hook: twistlike served under the ``twisted.*`` names.

While :func:`installed` is active, a finder at the front of ``sys.meta_path`` answers every
``twisted`` import:

* a mapped module (``twisted.internet.defer``) is a module of that name holding the twistlike
  module's names (the objects themselves: ``twisted.internet.defer.Deferred is
  twistlike.defer.Deferred``); ``twisted.internet.reactor`` is twistlike's reactor object, as
  in Twisted, where the installed reactor sits in ``sys.modules``;
* a package on the way to mapped modules (``twisted``, ``twisted.internet``) is an empty
  package;
* an unsupported module (``twisted.conch``) fails at import with an :class:`UnsupportedTwisted`
  error naming the feature, the reason, the alternative and the docs page; so does a name
  the parity table lists as missing (``from twisted.internet.defer import X``);
* any other ``twisted`` module: with real Twisted installed, refused unless
  ``allow_twisted`` (two reactors in one process do not mix); then it is loaded from the
  installed Twisted, and so are the unsupported modules. Without Twisted installed it fails
  like an unsupported module.
"""

from __future__ import annotations

import dis
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType, ModuleType
from typing import Any

from twistlike._porting.mapping import by_twisted_name, lookup
from twistlike._porting.missing import MISSING_NAMES
from twistlike._porting.support import is_package, module_verdict, twistlike_object

__all__ = ["TwistedShimFinder", "UnsupportedTwisted", "UnsupportedTwistedName", "installed"]

DOCS = "https://github.com/twistlike/twistlike/blob/main/docs/"


class UnsupportedTwisted(ImportError):
    """A Twisted module or name that twistlike does not provide, met under ``run``.

    An ImportError (not an AttributeError) so that ``from twisted.x import Name`` shows this
    message instead of Python's generic "cannot import name".
    """


def _real_twisted_path() -> list[str] | None:
    """Where the installed Twisted package lives, found without importing it."""
    for finder in sys.meta_path:
        if isinstance(finder, TwistedShimFinder):
            continue
        find_spec = getattr(finder, "find_spec", None)
        if find_spec is None:
            continue
        spec = find_spec("twisted", None)
        if spec is not None and spec.submodule_search_locations is not None:
            return list(spec.submodule_search_locations)
    return None


def _unsupported_message(name: str) -> str:
    verdict = module_verdict(name)
    text = f"{name} is not supported by twistlike: {verdict.reason}"
    if verdict.alternative:
        text += f"; instead: {verdict.alternative}"
    return f"{text} (see docs/{verdict.docs})"


class UnsupportedTwistedName(AttributeError):
    """A name twistlike does not provide, read as an attribute (``defer.NoSuchName``).

    An AttributeError, so ``hasattr(module, name)`` and ``getattr(module, name, default)``
    keep working for feature detection; ``from module import name`` gets the same message
    as an :class:`UnsupportedTwisted` ImportError instead.
    """


_IMPORT_FROM = dis.opmap["IMPORT_FROM"]


def _importing_from(frame: FrameType | None) -> bool:
    # Python turns an AttributeError raised during `from m import name` into a generic
    # "cannot import name", dropping our message; an ImportError passes through unchanged.
    if frame is None or frame.f_lasti < 0:
        return False
    return frame.f_code.co_code[frame.f_lasti] == _IMPORT_FROM


def _module_getattr(twisted: str, target: str | None) -> Any:
    """The ``__getattr__`` of a shim module: a clear error for any name it lacks.

    ``target`` is the twistlike module serving it, None for an unsupported module of which
    only a few names are served (``elsewhere`` in the mapping).
    """
    missing = MISSING_NAMES.get(twisted, {})

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(f"module {twisted!r} has no attribute {name!r}")
        row = by_twisted_name(twisted)
        docs = row.docs if row is not None else "index.md"
        if target is None:
            message = f"{twisted}.{name}: {_unsupported_message(twisted)}"
        elif name in missing:
            message = (
                f"{twisted}.{name} is not provided by twistlike: {missing[name]} "
                "(see docs/porting.md#not-supported)"
            )
        else:
            message = (
                f"{twisted}.{name} is not provided by twistlike ({target} has no {name!r}; "
                f"see docs/{docs})"
            )
        if _importing_from(sys._getframe(1)):
            raise UnsupportedTwisted(message, name=twisted)
        raise UnsupportedTwistedName(message, name=name, obj=None)

    return __getattr__


class _ShimLoader(importlib.abc.Loader):
    def __init__(self, finder: TwistedShimFinder) -> None:
        self.finder = finder

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # a plain module; exec_module fills it

    def exec_module(self, module: ModuleType) -> None:
        name = module.__name__
        row = by_twisted_name(name)
        # Every shim module may hold submodules (twisted.internet is a package in Twisted).
        module.__path__ = list(self.finder.real_path(name))
        if row is not None and row.twistlike is None:
            # Only the names twistlike provides elsewhere; the rest fail with the reason.
            for attribute, target in row.elsewhere:
                setattr(module, attribute, twistlike_object(target))
            setattr(module, "__all__", [a for a, _ in row.elsewhere])  # noqa: B010
            setattr(module, "__getattr__", _module_getattr(name, None))  # noqa: B010
            return
        if row is None or row.twistlike is None:
            return  # a package that only holds mapped modules
        owner = twistlike_object(row.twistlike)
        if not isinstance(owner, ModuleType):
            # twisted.internet.reactor is the reactor itself, as after installReactor().
            sys.modules[name] = owner  # type: ignore[assignment]
            return
        exported = getattr(owner, "__all__", None)
        names: Sequence[str] = (
            exported if exported is not None else [n for n in vars(owner) if not n.startswith("_")]
        )
        for attribute in names:
            setattr(module, attribute, getattr(owner, attribute))
        module.__doc__ = f"twistlike's {row.twistlike}, served as {name} (python -m twistlike run)"
        setattr(module, "__all__", list(names))  # noqa: B010 - a module attribute
        setattr(module, "__getattr__", _module_getattr(name, row.twistlike))  # noqa: B010


class TwistedShimFinder(importlib.abc.MetaPathFinder):
    """The meta path finder that answers ``twisted`` imports (see the module docstring)."""

    def __init__(self, allow_twisted: bool = False) -> None:
        self.allow_twisted = allow_twisted
        self._real = _real_twisted_path()
        self._loader = _ShimLoader(self)

    def real_path(self, name: str) -> list[str]:
        """The installed Twisted's directory for package ``name`` (with --allow-twisted)."""
        if not (self.allow_twisted and self._real):
            return []
        parts = name.split(".")[1:]
        return [f"{root}/{'/'.join(parts)}".rstrip("/") for root in self._real]

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "twisted" and not fullname.startswith("twisted."):
            return None
        row = lookup(fullname)
        if row is not None and row.twisted == fullname and row.elsewhere:
            # Unsupported, but some of its names live on in twistlike: serve those.
            return importlib.machinery.ModuleSpec(fullname, self._loader, is_package=True)
        if row is not None and not row.supported:
            if self.allow_twisted and self._real is not None:
                return None  # asked for: the installed Twisted's module (see real_path)
            raise UnsupportedTwisted(_unsupported_message(fullname), name=fullname)
        if (row is not None and row.twisted == fullname) or is_package(fullname):
            return importlib.machinery.ModuleSpec(fullname, self._loader, is_package=True)
        if self._real is None:
            raise UnsupportedTwisted(_unsupported_message(fullname), name=fullname)
        if not self.allow_twisted:
            raise UnsupportedTwisted(
                f"{fullname} has no twistlike counterpart. Real Twisted is installed, but "
                "`python -m twistlike run` does not load it by default: two reactors in one "
                "process do not mix. Pass --allow-twisted to load the installed Twisted's "
                f"{fullname} anyway (at your own risk), or port that part "
                "(see docs/porting.md).",
                name=fullname,
            )
        return None  # the path finder loads it from the installed Twisted (real_path)


@contextmanager
def installed(allow_twisted: bool = False) -> Iterator[TwistedShimFinder]:
    """Serve twistlike under the ``twisted`` names inside the block.

    Twisted modules already imported are set aside for the block and put back afterwards,
    and the shim modules are removed, so a test can use the hook and real Twisted in turn.
    """
    finder = TwistedShimFinder(allow_twisted)
    saved = {
        name: module
        for name, module in sys.modules.items()
        if name == "twisted" or name.startswith("twisted.")
    }
    for name in saved:
        del sys.modules[name]
    sys.meta_path.insert(0, finder)
    importlib.invalidate_caches()
    try:
        yield finder
    finally:
        sys.meta_path.remove(finder)
        for name in [n for n in sys.modules if n == "twisted" or n.startswith("twisted.")]:
            del sys.modules[name]
        sys.modules.update(saved)

"""Services: objects started when the program starts and stopped, with waiting, at its end.

Twisted: twisted.application.service.

Pure: no event loop here. The reactor (or :func:`twistlike.application.running`) calls
``privilegedStartService``/``startService`` at startup and waits for the Deferred
``stopService`` may return before it finishes shutting down.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

from zope.interface import (  # type: ignore[import-untyped, unused-ignore]
    implementer,
    providedBy,
)

from twistlike._core.combinators import DeferredList
from twistlike._core.deferred import Deferred, maybeDeferred
from twistlike._core.zi import Attribute, Interface

__all__ = [
    "Application",
    "IProcess",
    "IService",
    "IServiceCollection",
    "IServiceMaker",
    "MultiService",
    "Process",
    "Service",
    "ServiceMaker",
    "loadApplication",
]


class IServiceMaker(Interface):  # zope.interface is untyped
    """Makes a service from parsed command-line options (a twistd plugin).

    Twisted: twisted.application.service.IServiceMaker.
    """

    tapname: Attribute = Attribute("The short name of the plugin (twistd's sub-command).")
    description: Attribute = Attribute("A one-line summary of the plugin.")
    options: Attribute = Attribute("The usage.Options subclass of the plugin's command line.")

    def makeService(options: Any) -> Any:  # zope declares methods without self
        """Return an IService provider configured by ``options``."""


class IService(Interface):
    """Something started when the program starts and stopped when it ends.

    Twisted: twisted.application.service.IService.
    """

    name: Attribute = Attribute("The service's name (a str) or None.")
    running: Attribute = Attribute("True between startService and stopService.")
    parent: Attribute = Attribute("The IServiceCollection this service belongs to, or None.")

    def setName(name: str) -> None:  # type: ignore[misc]
        """Set the name; RuntimeError once the service has a parent."""

    def setServiceParent(parent: Any) -> None:
        """Add this service to ``parent`` (an IServiceCollection)."""

    def disownServiceParent() -> Any:  # type: ignore[misc]  # zope: no self
        """Remove this service from its parent; may return a Deferred (its stop)."""

    def startService() -> None:  # type: ignore[misc]  # zope: no self
        """Start the service."""

    def stopService() -> Any:  # type: ignore[misc]  # zope: no self
        """Stop the service; may return a Deferred that fires when it has stopped."""

    def privilegedStartService() -> None:  # type: ignore[misc]  # zope: no self
        """Do the work that needs privileges (binding low ports) before they are dropped."""


class IServiceCollection(Interface):
    """A service that holds child services.

    Twisted: twisted.application.service.IServiceCollection.
    """

    def getServiceNamed(name: str) -> Any:  # type: ignore[misc]
        """The child named ``name``; KeyError when there is none."""

    def __iter__() -> Any:  # type: ignore[misc]  # zope: no self
        """Iterate over the children."""

    def addService(service: Any) -> None:
        """Add a child (used by setServiceParent); RuntimeError on a duplicate name."""

    def removeService(service: Any) -> Any:
        """Remove a child (used by disownServiceParent); may return a Deferred."""


class IProcess(Interface):
    """How the process runs: its name and the user and group it switches to.

    Twisted: twisted.application.service.IProcess.
    """

    processName: Attribute = Attribute("The process name for ps, or None.")
    uid: Attribute = Attribute("The user id to switch to, or None.")
    gid: Attribute = Attribute("The group id to switch to, or None.")


@implementer(IServiceMaker)
class ServiceMaker:
    """An IServiceMaker whose ``options`` and ``makeService`` live in module ``module``.

    Twisted: twisted.application.service.ServiceMaker.
    """

    def __init__(self, name: str, module: str, description: str, tapname: str) -> None:
        self.name = name
        self.module = module
        self.description = description
        self.tapname = tapname

    @property
    def options(self) -> Any:
        return importlib.import_module(self.module).Options

    @property
    def makeService(self) -> Any:
        return importlib.import_module(self.module).makeService


@implementer(IService)
class Service:
    """Base class of services: name, parent and running bookkeeping.

    Twisted: twisted.application.service.Service.

    Subclasses override ``startService``/``stopService`` and call the base methods, which
    set ``running``. ``stopService`` may return a Deferred; whoever stops the service waits
    for it.
    """

    running: int = 0
    name: str | None = None
    parent: Any = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("running", None)
        return state

    def setName(self, name: str) -> None:
        """Set the service's name.

        Raises:
            RuntimeError: the service already has a parent (its name is registered there).
        """
        if self.parent is not None:
            raise RuntimeError("cannot change name when parent exists")
        self.name = name

    def setServiceParent(self, parent: Any) -> None:
        """Make this service a child of ``parent`` (anything adaptable to IServiceCollection,
        such as an Application); leaves a previous parent first.

        Raises:
            RuntimeError: ``parent`` already has a child with this service's name.
        """
        if self.parent is not None:
            self.disownServiceParent()
        collection: Any = IServiceCollection(parent, parent)
        self.parent = collection
        collection.addService(self)

    def disownServiceParent(self) -> Any:
        """Leave the parent; returns what the parent's ``removeService`` returned (the
        Deferred of this service's stop, when the parent was running)."""
        result = self.parent.removeService(self)
        self.parent = None
        return result

    def privilegedStartService(self) -> None:
        """Nothing by default: the step before privileges are dropped."""

    def startService(self) -> None:
        """Mark the service running."""
        self.running = 1

    def stopService(self) -> Any:
        """Mark the service stopped; returns None (nothing to wait for)."""
        self.running = 0
        return None


@implementer(IServiceCollection)
class MultiService(Service):
    """A service holding child services, started in order and stopped in reverse.

    Twisted: twisted.application.service.MultiService.

    ``stopService`` stops every child (in reverse order, without waiting between them) and
    returns a Deferred that fires when all of their stops have finished. A child added while
    the collection runs is started at once; one removed is stopped.
    """

    def __init__(self) -> None:
        self.services: list[Any] = []
        self.namedServices: dict[str, Any] = {}
        self.parent = None

    def privilegedStartService(self) -> None:
        Service.privilegedStartService(self)
        for child in self:
            child.privilegedStartService()

    def startService(self) -> None:
        Service.startService(self)
        for child in self:
            child.startService()

    def stopService(self) -> Deferred[Any]:
        Service.stopService(self)
        # Every child is asked to stop before any result is waited for, as in Twisted.
        stops = [maybeDeferred(child.stopService) for child in reversed(list(self))]
        return DeferredList(stops)

    def getServiceNamed(self, name: str) -> Any:
        """The child named ``name``.

        Raises:
            KeyError: no child has that name.
        """
        return self.namedServices[name]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.services)

    def addService(self, service: Any) -> None:
        """Add ``service`` as a child (``setServiceParent`` calls this).

        Raises:
            RuntimeError: a child with the same name exists.
        """
        if service.name is not None:
            if service.name in self.namedServices:
                raise RuntimeError(f"cannot have two services with same name '{service.name}'")
            self.namedServices[service.name] = service
        self.services.append(service)
        if self.running:
            # Late, but as complete a start as the child would have had.
            service.privilegedStartService()
            service.startService()

    def removeService(self, service: Any) -> Any:
        """Remove the child ``service``; when running, stop it and return its stop result.

        Raises:
            ValueError: ``service`` is not a child.
        """
        if service.name:
            del self.namedServices[service.name]
        self.services.remove(service)
        if self.running:
            return service.stopService()
        return None


@implementer(IProcess)
class Process:
    """The process parameters of an application: uid, gid and processName.

    Twisted: twisted.application.service.Process.
    """

    processName: str | None = None

    def __init__(self, uid: int | None = None, gid: int | None = None) -> None:
        self.uid = uid
        self.gid = gid


class _Componentized:
    """An object that answers interface adaptation with components it holds.

    Twisted: twisted.python.components.Componentized (the part Application needs):
    ``IService(application)`` asks ``__conform__``, which returns the component registered
    for that interface.
    """

    def __init__(self) -> None:
        self._adapterCache: dict[Any, Any] = {}

    def addComponent(self, component: Any, ignoreClass: int = 0) -> None:
        """Register ``component`` for every interface it provides.

        twistlike keeps no global adapter registry for Componentized objects, so
        ``ignoreClass`` is accepted for Twisted's signature and every provided interface
        is registered.
        """
        for interface in providedBy(component):
            self._adapterCache[interface] = component

    def setComponent(self, interfaceClass: Any, component: Any) -> None:
        """Register ``component`` for ``interfaceClass``."""
        self._adapterCache[interfaceClass] = component

    def unsetComponent(self, interfaceClass: Any) -> None:
        """Forget the component of ``interfaceClass`` (KeyError when there is none)."""
        del self._adapterCache[interfaceClass]

    def removeComponent(self, component: Any) -> list[Any]:
        """Forget ``component`` for every interface; return those interfaces."""
        removed = [i for i, c in self._adapterCache.items() if c is component]
        for interface in removed:
            del self._adapterCache[interface]
        return removed

    def getComponent(self, interface: Any, default: Any = None) -> Any:
        """The component registered for ``interface`` (or one the interface adapts this
        object to, which is then kept), else ``default``."""
        if interface in self._adapterCache:
            return self._adapterCache[interface]
        adapter = interface.__adapt__(self)
        if adapter is None:
            return default
        if not getattr(adapter, "temporaryAdapter", False):
            self._adapterCache[interface] = adapter
        return adapter

    def __conform__(self, interface: Any) -> Any:
        return self.getComponent(interface)

    def __repr__(self) -> str:
        service = self._adapterCache.get(IService)
        name = getattr(service, "name", None)
        return f"<Application {name!r}>"


def Application(name: str, uid: int | None = None, gid: int | None = None) -> Any:
    """The root of a .tac file's service tree: adapt it with ``IService(application)``.

    Twisted: twisted.application.service.Application.

    Returns an object with an IService/IServiceCollection component (a MultiService named
    ``name``) and an IProcess component (``uid``, ``gid``). Always reach them through the
    interfaces, as in Twisted.
    """
    # Divergence from Twisted: no sob.IPersistable component (.tap pickles are not supported).
    application = _Componentized()
    for component in (MultiService(), Process(uid, gid)):
        application.addComponent(component, ignoreClass=1)
    root: Any = IService(application)
    root.setName(name)
    return application


def loadApplication(filename: str, kind: str, passphrase: str | None = None) -> Any:
    """Run the Python file ``filename`` and return its ``application`` variable.

    Twisted: twisted.application.service.loadApplication.

    Only ``kind="python"`` (a .tac or .py file) is supported.

    Raises:
        ValueError: ``kind`` is not "python" (pickled .tap/.tas applications are not
            supported; see docs/services.md), or a passphrase was given.
        KeyError: the file defines no ``application``.
    """
    # Divergence from Twisted: pickled (.tap) and source (.tas) applications are refused.
    if kind != "python":
        raise ValueError(
            f"loadApplication: kind {kind!r} is not supported by twistlike; only 'python' "
            "(.tac/.py files) is (persisted .tap/.tas applications: see docs/services.md)"
        )
    if passphrase is not None:
        raise ValueError("loadApplication: encrypted applications are not supported")
    with open(filename) as f:
        source = f.read()
    # As Twisted: only __file__ is predefined (so __name__ is the builtins module's name).
    namespace: dict[str, Any] = {"__file__": filename}
    exec(compile(source, filename, "exec"), namespace)
    if "application" not in namespace:
        raise KeyError(f"{filename} does not define 'application'")
    return namespace["application"]

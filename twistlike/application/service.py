"""Services: the start/stop tree of an application (.tac files build one).

Twisted: twisted.application.service.

``IService(application)`` gives the application's root MultiService, as in Twisted. See
docs/services.md.
"""

from zope.interface.interface import (  # type: ignore[import-untyped, unused-ignore]
    InterfaceClass,
)

from twistlike.application._service import (
    Application,
    IProcess,
    IService,
    IServiceCollection,
    IServiceMaker,
    MultiService,
    Process,
    Service,
    ServiceMaker,
    loadApplication,
)

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

# This module is the public home of these names: show it in reprs, tracebacks and pickles.
# (zope interfaces keep the module they were declared in: their __module__ is read-only.)
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("twistlike.application._") and not isinstance(
        _obj, InterfaceClass
    ):
        _obj.__module__ = __name__
del _name, _obj

"""Starting an application's services on the reactor, as twistd does.

Twisted: twisted.application.app (``startApplication``; the runner itself is
:mod:`twistlike.application.twistd`).
"""

from __future__ import annotations

from typing import Any

from twistlike.application._service import IService

__all__ = ["startApplication"]


def startApplication(application: Any, save: bool) -> None:
    """Start ``application``'s services when the reactor runs; stop them at its shutdown.

    Twisted: twisted.application.app.startApplication.

    ``startService`` runs from ``reactor.callWhenRunning``; ``stopService`` is a "before
    shutdown" trigger, so the reactor waits for the Deferred it returns.

    Raises:
        ValueError: ``save`` is true (persisting the application at shutdown, Twisted's
            .tap files, is not supported).
    """
    from twistlike import reactor

    if save:
        raise ValueError("startApplication: save=True (persisted .tap files) is not supported")
    service: Any = IService(application)
    # Divergence from Twisted: startService waits for the running loop (Twisted calls it
    # before reactor.run()), so services may use the running asyncio loop.
    reactor.callWhenRunning(service.startService)
    reactor.addSystemEventTrigger("before", "shutdown", service.stopService)

"""Servers from endpoint description strings (``"tcp:8080"``, ``"unix:/run/app.sock"``).

Twisted: twisted.application.strports.
"""

from __future__ import annotations

from typing import Any

from twistlike.application._internet import StreamServerEndpointService, maybe_global_reactor
from twistlike.endpoints import serverFromString
from twistlike.failure import Failure

__all__ = ["listen", "service"]


def service(description: str, factory: Any, reactor: Any = None) -> StreamServerEndpointService:
    """A service listening on the endpoint ``description`` with ``factory``.

    Twisted: twisted.application.strports.service.

    A failure to listen is raised from ``privilegedStartService``/``startService`` (so
    twistd refuses to start), not only logged.

    Raises:
        ValueError: ``description`` is not a valid server endpoint description.
    """
    svc = StreamServerEndpointService(
        serverFromString(maybe_global_reactor(reactor), description), factory
    )
    svc._raiseSynchronously = True
    return svc


def listen(description: str, factory: Any) -> Any:
    """Listen on the endpoint ``description`` now; return the listening port.

    Twisted: twisted.application.strports.listen.

    Raises:
        ValueError: ``description`` is not a valid server endpoint description.
        twistlike.error.CannotListenError: the address could not be bound.
    """
    outcome: list[Any] = []
    endpoint = serverFromString(maybe_global_reactor(None), description)
    endpoint.listen(factory).addBoth(outcome.append)
    # twistlike's server endpoints bind synchronously, so the outcome is already known.
    if not outcome:
        raise RuntimeError(f"listening on {description!r} did not complete synchronously")
    if isinstance(outcome[0], Failure):
        outcome[0].raiseException()
    return outcome[0]

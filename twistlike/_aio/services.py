"""Running a service tree inside an asyncio application (``async with running(app)``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from twistlike._core.deferred import maybeDeferred
from twistlike.application._service import IService

__all__ = ["running"]


@asynccontextmanager
async def running(app_or_service: Any) -> AsyncIterator[Any]:
    """Start a service tree for the duration of an ``async with`` block.

    twistlike-only (twistd's start/stop, for embedding): ``privilegedStartService`` and
    ``startService`` run on entry; on exit, normal, by exception or by cancellation,
    ``stopService`` runs and its Deferred is awaited before the block's outcome goes on.
    ``app_or_service`` is anything adaptable to IService (an Application or a Service); the
    block receives the IService.

    asyncio: the stop is shielded, so a second cancellation while stopping does not
    abandon it (the stop still completes; the CancelledError is raised after it).

    Example::

        async with running(application) as service:
            await stop_requested.wait()
    """
    service: Any = IService(app_or_service)
    service.privilegedStartService()
    service.startService()
    try:
        yield service
    finally:
        stopping = asyncio.ensure_future(
            maybeDeferred(service.stopService).asFuture(asyncio.get_running_loop())
        )
        try:
            await asyncio.shield(stopping)
        except asyncio.CancelledError:
            # Cancelled again while stopping: finish the stop, then let the cancel go on.
            await stopping
            raise

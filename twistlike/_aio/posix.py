"""The reactor's UDP, process, file-descriptor and socket-adoption methods.

:class:`PosixReactorMixin` is inherited by :class:`~twistlike._aio.reactor.AsyncioReactor`;
the adapters themselves live in their own ``_aio`` modules.
"""

from __future__ import annotations

__all__ = ["PosixReactorMixin"]


class PosixReactorMixin:
    """The reactor's IReactorUDP/Multicast/UNIXDatagram/Process/FDSet/Socket methods."""

"""TLS on asyncio's own TLS support (``ssl.SSLContext``, ``loop.start_tls``).

The reactor's IReactorSSL methods live in :class:`TLSReactorMixin`, which
:class:`~twistlike._aio.reactor.AsyncioReactor` inherits.
"""

from __future__ import annotations

__all__ = ["TLSReactorMixin"]


class TLSReactorMixin:
    """The reactor's TLS methods (IReactorSSL)."""

"""Name resolution in the reactor's thread pool: Twisted's ThreadedResolver.

Twisted: twisted.internet.base.ThreadedResolver.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from typing import Any

from zope.interface import implementer

from twistlike.defer import Deferred
from twistlike.error import DNSLookupError
from twistlike.failure import Failure
from twistlike.interfaces import IResolverSimple

__all__ = ["ThreadedResolver"]


@implementer(IResolverSimple)
class ThreadedResolver:
    """Resolves names with ``socket.gethostbyname`` in the reactor's thread pool.

    The elements of a ``timeout`` are summed into one deadline for the whole lookup (the
    platform does its own retries); a lookup still running at the deadline fails with
    DNSLookupError, and its late answer is dropped.

    Args:
        reactor: provides getThreadPool, callFromThread and callLater.

    Twisted: twisted.internet.base.ThreadedResolver.
    """

    def __init__(self, reactor: Any) -> None:
        self.reactor = reactor

    def getHostByName(self, name: str, timeout: Sequence[int] = (1, 3, 11, 45)) -> Deferred[str]:
        """Resolve ``name`` to one IPv4 address; fail with DNSLookupError.

        Twisted: twisted.internet.base.ThreadedResolver.getHostByName.
        """
        from twistlike.threads import deferToThreadPool

        delay = sum(timeout) if timeout else 60
        result: Deferred[str] = Deferred()
        lookup = deferToThreadPool(
            self.reactor, self.reactor.getThreadPool(), socket.gethostbyname, name
        )

        def expire() -> None:
            if not result.called:
                result.errback(_failure(name, "timeout error"))

        deadline = self.reactor.callLater(delay, expire)

        def done(outcome: str | Failure) -> None:
            if result.called:
                return  # the deadline passed first
            deadline.cancel()
            if isinstance(outcome, Failure):
                result.errback(_failure(name, outcome.getErrorMessage()))
            else:
                result.callback(outcome)

        lookup.addBoth(done)
        return result


def _failure(name: str, why: str) -> Failure:
    # Twisted's wording.
    return Failure(DNSLookupError(f"address {name!r} not found: {why}"))

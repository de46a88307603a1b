"""The reactor's building blocks: :class:`DelayedCall`, the reactor class, the resolver.

``ReactorBase`` is the class of twistlike's reactor, so ``isinstance(reactor, ReactorBase)``
holds as in Twisted; twistlike has one reactor class (it runs on any asyncio loop), so there
is no tree of reactor classes to subclass from.

Twisted: twisted.internet.base.
"""

from twistlike._aio.reactor import AsyncioReactor as ReactorBase
from twistlike._aio.resolve import ThreadedResolver
from twistlike._core.delayedcall import DelayedCall
from twistlike._core.reflect import claim_public_names

__all__ = ["DelayedCall", "ReactorBase", "ThreadedResolver"]

# This module is the public home of these names: show it in reprs, tracebacks and pickles.
claim_public_names(globals())

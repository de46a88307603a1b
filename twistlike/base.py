"""The public home of :class:`DelayedCall`, as ``twisted.internet.base`` is in Twisted.

Twisted: twisted.internet.base.
"""

from twistlike._core.delayedcall import DelayedCall
from twistlike._core.reflect import claim_public_names

__all__ = ["DelayedCall"]

# This module is the public home of these names: show it in reprs, tracebacks and pickles.
claim_public_names(globals())

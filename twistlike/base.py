"""The public home of :class:`DelayedCall`, as ``twisted.internet.base`` is in Twisted.

Twisted: twisted.internet.base.
"""

from twistlike._delayedcall import DelayedCall

__all__ = ["DelayedCall"]

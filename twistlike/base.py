"""The public home of :class:`DelayedCall`, as ``twisted.internet.base`` is in Twisted.

Twisted: twisted.internet.base.
"""

from twistlike._core.delayedcall import DelayedCall

__all__ = ["DelayedCall"]

# This module is the public home of these names: show it in reprs, tracebacks and pickles.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("twistlike._"):
        _obj.__module__ = __name__
del _name, _obj

"""The timed-call handle returned by ``callLater`` (pure; shared by ``task.Clock`` and the reactor).

A :class:`DelayedCall` only records *when* and *what*; the object that owns the schedule (a
:class:`twistlike.task.Clock`, or the asyncio reactor) keeps it in its queue and runs it. The
two constructor hooks ``cancel`` and ``reset`` are how the handle tells its owner that the
schedule changed; see :class:`DelayedCall` for the contract.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from typing import Any

from zope.interface import implementer  # type: ignore[import-untyped, unused-ignore]

from twistlike._core.reflect import callable_name, safe_repr
from twistlike.error import AlreadyCalled, AlreadyCancelled
from twistlike.interfaces import IDelayedCall

__all__ = ["DelayedCall"]


#: The attributes ``vars(call)`` shows, in the order Twisted's instance dict has them.
_VARS_ORDER = (
    "time",
    "func",
    "args",
    "kw",
    "resetter",
    "canceller",
    "seconds",
    "cancelled",
    "called",
    "delayed_time",
)


@implementer(IDelayedCall)
class DelayedCall:
    """A call scheduled for a moment in time, which can be cancelled or moved.

    ``called`` and ``cancelled`` are ``0``/``1`` integers, as in Twisted (its repr prints
    ``called=0``). The owner sets ``called = 1`` *before* it runs ``func``, so the function
    sees its own handle as no longer active. ``cancel``, ``reset`` and ``delay`` raise
    :class:`~twistlike.error.AlreadyCancelled` once the call was cancelled and
    :class:`~twistlike.error.AlreadyCalled` once it ran (or started running). After
    ``cancel()`` the ``func``, ``args`` and ``kw`` attributes are deleted so the call does not
    keep its arguments alive.

    Hook contract (for the owner of the schedule):

    * ``cancel(call)`` runs exactly once, when an active call is cancelled, *before* the call
      is marked cancelled. The owner must drop the call from its queue (or cancel its loop
      timer) so it never runs.
    * ``reset(call)`` runs only when the firing time moves *earlier* than ``call.time`` (a
      ``reset()`` to an earlier moment, or a negative ``delay()`` past the original time);
      ``call.time`` already holds the new time. The owner re-arms its timer for
      ``call.time``.
    * Moving a call *later* runs no hook: only ``call.delayed_time`` grows, so code that
      postpones a timeout on every packet costs no timer churn. ``getTime()`` is
      ``time + delayed_time``. When the owner's timer for ``call.time`` fires and
      ``call.delayed_time`` is non-zero, the owner calls ``call.activate_delay()`` (which
      folds the postponement into ``call.time``) and re-arms for the new ``call.time``
      instead of running the call. An owner that sorts by ``getTime()`` (like ``Clock``)
      may ignore the hook altogether.
    * To run the call the owner sets ``call.called = 1`` and then invokes
      ``call.func(*call.args, **call.kw)``.

    The class uses ``__slots__`` to keep ``callLater`` cheap; an owner that needs to hang
    its own state on the handle (an asyncio ``TimerHandle``, say) subclasses it with extra
    slots.

    Twisted: twisted.internet.base.DelayedCall.
    asyncio: the reactor arms ``loop.call_at`` on the monotonic clock; ``reset`` re-arms it.
    """

    __slots__ = (
        "args",
        "called",
        "cancelled",
        "canceller",
        "delayed_time",
        "func",
        "kw",
        "resetter",
        "seconds",
        "time",
    )

    time: float
    func: Callable[..., Any]
    args: tuple[Any, ...]
    kw: dict[str, Any]
    canceller: Callable[[DelayedCall], object]
    resetter: Callable[[DelayedCall], object]
    seconds: Callable[[], float]
    cancelled: int
    called: int
    delayed_time: float

    # Divergence from Twisted: the attributes live in slots (one DelayedCall per timer:
    # memory and attribute speed on the hot path), so there is no real instance dict.
    # ``vars(call)`` still works, as code that prints pending calls relies on: it gives a
    # fresh dict of the attributes, in Twisted's order; writing to that dict changes nothing.
    @property
    def __dict__(self) -> dict[str, Any]:  # type: ignore[override]
        """A snapshot of the call's attributes (what ``vars(call)`` shows in Twisted)."""
        return {
            name: getattr(self, name)
            for name in _VARS_ORDER
            if hasattr(self, name)  # func/args/kw are gone after cancel()
        }

    def __init__(
        self,
        time: float,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        kw: dict[str, Any],
        cancel: Callable[[DelayedCall], object],
        reset: Callable[[DelayedCall], object],
        seconds: Callable[[], float] = _time.time,
    ) -> None:
        """Record a call of ``func(*args, **kw)`` at ``time``.

        Args:
            time: When to call, in the owner's clock (epoch seconds for the reactor).
            func: The callable to run.
            args: Positional arguments for ``func``.
            kw: Keyword arguments for ``func``.
            cancel: Hook run with this call before it is marked cancelled.
            reset: Hook run with this call after its time moved earlier.
            seconds: The owner's clock, used by ``reset`` and ``__repr__``.
        """
        self.time = time
        self.func = func
        self.args = args
        self.kw = kw
        self.canceller = cancel
        self.resetter = reset
        self.seconds = seconds
        self.cancelled = 0
        self.called = 0
        self.delayed_time = 0.0

    def getTime(self) -> float:
        """Return the time at which this call will run, postponements included.

        Twisted: twisted.internet.base.DelayedCall.getTime.
        """
        return self.time + self.delayed_time

    def cancel(self) -> None:
        """Unschedule this call.

        Raises:
            AlreadyCancelled: the call was already cancelled.
            AlreadyCalled: the call already ran or is running.

        Twisted: twisted.internet.base.DelayedCall.cancel.
        """
        if self.cancelled:
            raise AlreadyCancelled
        if self.called:
            raise AlreadyCalled
        self.canceller(self)
        self.cancelled = 1
        # Release the callable and its arguments, as Twisted does.
        del self.func, self.args, self.kw

    def reset(self, secondsFromNow: float) -> None:
        """Reschedule this call to run ``secondsFromNow`` seconds after the owner's now.

        Raises:
            AlreadyCancelled: the call was cancelled.
            AlreadyCalled: the call already ran or is running.

        Twisted: twisted.internet.base.DelayedCall.reset.
        """
        if self.cancelled:
            raise AlreadyCancelled
        if self.called:
            raise AlreadyCalled
        when = self.seconds() + secondsFromNow
        if when < self.time:
            self.delayed_time = 0.0
            self.time = when
            self.resetter(self)
        else:
            self.delayed_time = when - self.time

    def delay(self, secondsLater: float) -> None:
        """Move this call ``secondsLater`` seconds later (earlier when negative).

        Raises:
            AlreadyCancelled: the call was cancelled.
            AlreadyCalled: the call already ran or is running.

        Twisted: twisted.internet.base.DelayedCall.delay.
        """
        if self.cancelled:
            raise AlreadyCancelled
        if self.called:
            raise AlreadyCalled
        self.delayed_time += secondsLater
        if self.delayed_time < 0.0:
            self.activate_delay()
            self.resetter(self)

    def activate_delay(self) -> None:
        """Fold the pending postponement into ``time`` (called by the owner, see the class).

        Twisted: twisted.internet.base.DelayedCall.activate_delay.
        """
        self.time += self.delayed_time
        self.delayed_time = 0.0

    def active(self) -> bool:
        """Return whether the call has neither run nor been cancelled.

        Twisted: twisted.internet.base.DelayedCall.active.
        """
        return not (self.cancelled or self.called)

    def __lt__(self, other: DelayedCall) -> bool:
        """Order by ``time`` (not ``getTime()``), as Twisted does, for heap-based owners."""
        return self.time < other.time

    def __le__(self, other: DelayedCall) -> bool:
        """Order by ``time`` (not ``getTime()``), as Twisted does, for heap-based owners."""
        return self.time <= other.time

    def __repr__(self) -> str:
        """Describe the call as Twisted does: id, seconds until ``time``, state, and the call.

        Twisted: twisted.internet.base.DelayedCall.__repr__.
        """
        # Twisted prints ``time - now`` here, ignoring a pending postponement; kept on purpose.
        parts = [
            f"<DelayedCall 0x{id(self):x} [{self.time - self.seconds()}s] "
            f"called={self.called} cancelled={self.cancelled}"
        ]
        try:
            func = self.func
        except AttributeError:
            # Cancelled: func, args and kw are gone.
            pass
        else:
            rendered = [safe_repr(arg) for arg in self.args]
            rendered.extend(f"{key}={safe_repr(value)}" for key, value in self.kw.items())
            parts.append(f" {callable_name(func)}({', '.join(rendered)})")
        parts.append(">")
        return "".join(parts)

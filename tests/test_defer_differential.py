"""Differential tests: random Deferred scenarios run on real Twisted and on twistlike.

Hypothesis generates a list of operations (add callbacks and errbacks that return values,
raise, return fired or unfired Deferreds, fire, cancel or pause other Deferreds from inside
the chain; fire, pause, unpause, cancel, chain and time out Deferreds from outside). The same
list runs through :func:`interpret` once with ``twisted.internet.defer`` and once with
``twistlike.defer``; everything observable is recorded and compared: the value every
callback saw (failures normalised to their exception class name and args), the exceptions
the operations raised, the warnings, and the final state of every Deferred (``called``,
``paused``, result, what its repr says it waits on, and whether it would report an
unhandled error when garbage-collected).
"""

from __future__ import annotations

import asyncio
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import twisted.internet.defer as twisted_defer
import twisted.internet.task as twisted_task
from hypothesis import example, given, settings
from hypothesis import strategies as st
from twisted.python.failure import Failure as TwistedFailure

import twistlike.defer as twistlike_defer
import twistlike.task as twistlike_task
from twistlike.failure import Failure as TwistlikeFailure

# --- the scenario language --------------------------------------------------------------
#
# An action is what a callback does after recording the value it got:
#   ("value", n)      return n                    ("pass",)        return what it got
#   ("raise", n)      raise ValueError(n)         ("base", k)      raise a BaseException
#   ("succeed", n)    return succeed(n)           ("fail", n)      return fail(ValueError(n))
#   ("unfired",)      return a new Deferred       ("existing", i)  return Deferred i
#   ("self",)         return its own Deferred     ("fire", i, n)   callback Deferred i with n
#   ("errfire", i, n) errback Deferred i          ("cancel", i)    cancel Deferred i
#   ("pause", i)      pause Deferred i            ("unpause", i)   unpause Deferred i
#   ("add", n)        add an addBoth recorder to its own Deferred (it runs in the same pass)
#   ("trap",)         f.trap(CancelledError) on a failure, else pass
# Deferred indices are taken modulo the number of Deferreds made so far (the pool).
#
# An operation is done from outside any chain:
#   ("new", canceller)   a new Deferred; canceller: ("none",), ("noop",), ("cb", n), ("eb", n)
#   ("addCallback" | "addErrback" | "addBoth", i, action, extra) extra: pass (n,), kw=n too
#   ("addCallbacks", i, action, action)
#   ("callback", i, n)  ("errback", i, n)  ("errbackFailure", i, n)  ("callbackFailure", i, n)
#   ("pause", i)  ("unpause", i)  ("cancel", i)  ("chain", i, j)  i.chainDeferred(j)
#   ("timeout", i, t, custom)   i.addTimeout(t, clock[, onTimeoutCancel])   ("advance", t)

Action = tuple[Any, ...]
Op = tuple[Any, ...]

_ints = st.integers(min_value=0, max_value=3)
# Deferred indices, modulo the pool size: mostly the first and the latest Deferreds, so that
# operations meet on the same Deferreds often.
_idx = st.sampled_from([0, 0, 1, 2, 3, -1, -1, -2])


def _actions() -> st.SearchStrategy[Action]:
    return st.one_of(
        st.tuples(st.just("value"), _ints),
        st.tuples(st.just("raise"), _ints),
        st.tuples(st.just("base"), st.integers(min_value=0, max_value=1)),
        st.just(("pass",)),
        st.tuples(st.just("succeed"), _ints),
        st.tuples(st.just("fail"), _ints),
        st.just(("unfired",)),
        st.tuples(st.just("existing"), _idx),
        st.just(("self",)),
        st.tuples(st.just("fire"), _idx, _ints),
        st.tuples(st.just("errfire"), _idx, _ints),
        st.tuples(st.just("cancel"), _idx),
        st.tuples(st.just("pause"), _idx),
        st.tuples(st.just("unpause"), _idx),
        st.tuples(st.just("add"), _ints),
        st.just(("trap",)),
    )


actions = _actions()

cancellers: st.SearchStrategy[tuple[Any, ...]] = st.one_of(
    st.just(("none",)),
    st.just(("noop",)),
    st.tuples(st.just("cb"), _ints),
    st.tuples(st.just("eb"), _ints),
)


# Each function makes a new strategy object; st.one_of picks uniformly among distinct
# strategy objects, so calling one twice gives its operations twice the weight (firing and
# adding callbacks are what make chains run).
def _new() -> st.SearchStrategy[Op]:
    return st.tuples(st.just("new"), cancellers)


def _add() -> st.SearchStrategy[Op]:
    return st.tuples(
        st.sampled_from(["addCallback", "addErrback", "addBoth"]), _idx, actions, st.booleans()
    )


def _addCallbacks() -> st.SearchStrategy[Op]:
    return st.tuples(st.just("addCallbacks"), _idx, actions, actions)


def _fire() -> st.SearchStrategy[Op]:
    return st.tuples(
        st.sampled_from(["callback", "callback", "errback", "errbackFailure", "callbackFailure"]),
        _idx,
        _ints,
    )


def _control() -> st.SearchStrategy[Op]:
    return st.tuples(st.sampled_from(["pause", "unpause", "cancel"]), _idx)


def _chain() -> st.SearchStrategy[Op]:
    return st.tuples(st.just("chain"), _idx, _idx)


def _clock() -> st.SearchStrategy[Op]:
    return st.one_of(
        st.tuples(st.just("timeout"), _idx, st.integers(min_value=1, max_value=3), st.booleans()),
        st.tuples(st.just("advance"), st.integers(min_value=1, max_value=3)),
    )


operations: st.SearchStrategy[Op] = st.one_of(
    _new(),
    _new(),
    _add(),
    _add(),
    _add(),
    _add(),
    _addCallbacks(),
    _fire(),
    _fire(),
    _fire(),
    _control(),
    _control(),
    _chain(),
    _clock(),
)

scenarios = st.lists(operations, min_size=4, max_size=24)


# --- the interpreter --------------------------------------------------------------------


@dataclass
class Implementation:
    """One side of the comparison: a defer module, its Failure class and a clock factory."""

    defer: ModuleType
    failure: type[Any]
    clock: Callable[[], Any]
    pendingFailure: Callable[[Any], bool]
    forgetFailure: Callable[[Any], None]


def _twistedPending(d: Any) -> bool:
    # Observing the log at garbage collection for every example would need a full
    # gc.collect() per run; the flag it is driven by is compared instead (test_defer.py
    # checks the logging itself).
    info = d._debugInfo
    return info is not None and info.failResult is not None


def _twistedForget(d: Any) -> None:
    if d._debugInfo is not None:
        d._debugInfo.failResult = None


def _twistlikePending(d: Any) -> bool:
    info = d._debugInfo
    return info is not None and info.failure is not None


def _twistlikeForget(d: Any) -> None:
    if d._debugInfo is not None:
        d._debugInfo.failure = None


TWISTED = Implementation(
    twisted_defer, TwistedFailure, twisted_task.Clock, _twistedPending, _twistedForget
)
TWISTLIKE = Implementation(
    twistlike_defer, TwistlikeFailure, twistlike_task.Clock, _twistlikePending, _twistlikeForget
)


@dataclass
class Observed:
    """Everything a scenario let us see, in comparable (library-independent) form."""

    seen: list[Any] = field(default_factory=list)
    raised: list[Any] = field(default_factory=list)
    warned: list[Any] = field(default_factory=list)
    final: list[Any] = field(default_factory=list)


_REPR = re.compile(
    r"<Deferred at 0x(?P<me>[0-9a-f]+)"
    r"(?: waiting on Deferred at 0x(?P<on>[0-9a-f]+)| current result: .*)?>\Z",
    re.DOTALL,
)


_LIBRARIES = (
    os.path.dirname(os.path.abspath(twisted_defer.__file__ or "")),
    os.path.dirname(os.path.abspath(twistlike_defer.__file__ or "")),
)


def _where(filename: str) -> str:
    """A warning's file: this file, or "library" when a library function is blamed."""
    path = os.path.normcase(os.path.abspath(filename))
    if any(path.startswith(os.path.normcase(lib) + os.sep) for lib in _LIBRARIES):
        # e.g. a chained Deferred's own bound ``callback`` method: each side blames itself.
        return "library"
    return os.path.basename(path)


def interpret(
    ops: list[Op],
    defer: ModuleType,
    Failure: type[Any],
    clock: Callable[[], Any] | None = None,
    impl: Implementation | None = None,
) -> Observed:
    """Run ``ops`` with ``defer``'s Deferred and return what could be observed."""
    if impl is None:
        impl = TWISTED if defer is twisted_defer else TWISTLIKE
    Deferred = defer.Deferred
    theClock = (clock or impl.clock)()
    pool: list[Any] = [Deferred()]
    out = Observed()
    counter = [0]

    def norm(x: object) -> Any:
        if isinstance(x, Failure):
            return ("failure", type(x.value).__name__, norm(x.value.args))
        if isinstance(x, Deferred):
            for i, d in enumerate(pool):
                if d is x:
                    return ("deferred", i)
            return ("deferred", "?")
        if isinstance(x, tuple):
            return tuple(norm(item) for item in x)
        if x is None or isinstance(x, int | str | float):
            return x
        return ("object", type(x).__name__)

    def pick(i: int) -> Any:
        return pool[i % len(pool)]

    def makeCanceller(kind: tuple[Any, ...]) -> Callable[[Any], None] | None:
        if kind[0] == "none":
            return None
        if kind[0] == "noop":
            return lambda d: None
        if kind[0] == "cb":
            return lambda d: d.callback(kind[1])
        return lambda d: d.errback(ValueError("canceller", kind[1]))

    def makeCallback(action: Action, owner: Any) -> Callable[..., Any]:
        counter[0] += 1
        ident = counter[0]

        def fn(result: Any, *args: Any, **kwargs: Any) -> Any:
            side = "eb" if isinstance(result, Failure) else "cb"
            out.seen.append((ident, side, norm(result), args, sorted(kwargs.items())))
            return act(action, result, owner)

        return fn

    def act(action: Action, result: Any, owner: Any) -> Any:
        kind = action[0]
        if kind == "value":
            return action[1]
        if kind == "raise":
            raise ValueError(action[1])
        if kind == "base":
            raise (KeyboardInterrupt, asyncio.CancelledError)[action[1]]("base")
        if kind == "pass":
            return result
        if kind == "succeed":
            return defer.succeed(action[1])
        if kind == "fail":
            return defer.fail(ValueError(action[1]))
        if kind == "unfired":
            d = Deferred()
            pool.append(d)
            return d
        if kind == "existing":
            return pick(action[1])
        if kind == "self":
            return owner
        if kind == "fire":
            pick(action[1]).callback(action[2])
        elif kind == "errfire":
            pick(action[1]).errback(ValueError("errfire", action[2]))
        elif kind == "cancel":
            pick(action[1]).cancel()
        elif kind == "pause":
            pick(action[1]).pause()
        elif kind == "unpause":
            pick(action[1]).unpause()
        elif kind == "add":
            owner.addBoth(makeCallback(("value", action[1]), owner))
        elif kind == "trap":
            if isinstance(result, Failure):
                result.trap(defer.CancelledError)
        return result

    def run(op: Op) -> None:
        name = op[0]
        if name == "new":
            pool.append(Deferred(makeCanceller(op[1])))
        elif name in ("addCallback", "addErrback", "addBoth"):
            d = pick(op[1])
            fn = makeCallback(op[2], d)
            if op[3]:
                getattr(d, name)(fn, op[2][0], kw=len(pool))
            else:
                getattr(d, name)(fn)
        elif name == "addCallbacks":
            d = pick(op[1])
            d.addCallbacks(makeCallback(op[2], d), makeCallback(op[3], d))
        elif name == "callback":
            pick(op[1]).callback(op[2])
        elif name == "errback":
            pick(op[1]).errback(ValueError(op[2]))
        elif name == "errbackFailure":
            pick(op[1]).errback(Failure(ValueError(op[2])))
        elif name == "callbackFailure":
            pick(op[1]).callback(Failure(ValueError(op[2])))
        elif name == "pause":
            pick(op[1]).pause()
        elif name == "unpause":
            pick(op[1]).unpause()
        elif name == "cancel":
            pick(op[1]).cancel()
        elif name == "chain":
            pick(op[1]).chainDeferred(pick(op[2]))
        elif name == "timeout":
            custom = (lambda result, timeout: ("timed out", timeout)) if op[3] else None
            pick(op[1]).addTimeout(op[2], theClock, custom)
        elif name == "advance":
            theClock.advance(op[1])
        else:  # pragma: no cover - the strategies make no other operation
            raise AssertionError(op)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for step, op in enumerate(ops):
            try:
                run(op)
            except BaseException as e:  # every exception escaping an operation is observed
                out.raised.append((step, type(e).__name__, norm(e.args)))
    for w in caught:
        out.warned.append((w.category.__name__, str(w.message), _where(w.filename)))
    for d in pool:
        match = _REPR.match(repr(d))
        assert match is not None, repr(d)
        waitingOn = match.group("on")
        if waitingOn is not None:
            waitingOn = next(
                (i for i, other in enumerate(pool) if id(other) == int(waitingOn, 16)), "?"
            )
        out.final.append(
            (
                bool(d.called),
                d.paused,
                norm(d.result) if d.called else "no result",
                waitingOn,
                impl.pendingFailure(d),
            )
        )
        # Nobody handles these failures on purpose; don't let them be logged later.
        impl.forgetFailure(d)
    return out


def compare(ops: list[Op]) -> None:
    """Run ``ops`` on both libraries and assert that every observable is the same."""
    theirs = interpret(ops, twisted_defer, TwistedFailure)
    ours = interpret(ops, twistlike_defer, TwistlikeFailure)
    # One assertion per kind of observable, so Hypothesis reports each kind of divergence.
    assert ours.raised == theirs.raised
    assert ours.warned == theirs.warned
    assert ours.seen == theirs.seen
    assert ours.final == theirs.final


# --- the tests --------------------------------------------------------------------------


def test_interpreter_sees_both_libraries() -> None:
    """The interpreter observes a plain chain the same way on both sides (a sanity check)."""
    ops: list[Op] = [
        ("addCallback", 0, ("raise", 1), False),
        ("addErrback", 0, ("value", 2), True),
        ("callback", 0, 0),
    ]
    theirs = interpret(ops, twisted_defer, TwistedFailure)
    ours = interpret(ops, twistlike_defer, TwistlikeFailure)
    assert theirs.seen == [
        (1, "cb", 0, (), []),
        (2, "eb", ("failure", "ValueError", (1,)), ("value",), [("kw", 1)]),
    ]
    assert theirs.final == [(True, 0, 2, None, False)]
    assert ours.seen == theirs.seen
    assert ours.final == theirs.final


@settings(max_examples=300, deadline=None)
@example(ops=[("callbackFailure", 0, 1)])
@example(ops=[("addCallback", 0, ("self",), False), ("callback", 0, 1)])
@example(ops=[("callback", 0, 1), ("callback", 0, 2)])
@example(ops=[("errback", 0, 1), ("addErrback", 0, ("pass",), False), ("callback", 0, 2)])
@example(ops=[("new", ("none",)), ("chain", 0, 1), ("callback", 1, 1)])
@example(ops=[("cancel", 0), ("callback", 0, 1), ("callback", 0, 2)])
@example(  # an early unpause(): a pass-through slot meets a Deferred result
    ops=[
        ("addCallback", 0, ("unfired",), False),
        ("addErrback", 0, ("pass",), False),
        ("callback", 0, 0),
        ("unpause", 0),
        ("callback", 1, 1),
    ]
)
@example(  # a chained, already fired Deferred is given a Deferred by callback()
    ops=[
        ("new", ("none",)),
        ("callback", 1, 0),
        ("addCallback", 0, ("unfired",), False),
        ("chain", 0, 1),
        ("callback", 0, 0),
        ("unpause", 0),
    ]
)
@given(ops=scenarios)
def test_random_scenarios_match_twisted(ops: list[Op]) -> None:
    """Random operation sequences are observed identically on Twisted and twistlike."""
    compare(ops)

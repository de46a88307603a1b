"""Run a program and get its output or exit code as a Deferred; suppress warnings.

Twisted: twisted.internet.utils.

The process helpers use ``reactor.spawnProcess`` (the given reactor, or twistlike's); their
Deferreds can be awaited inside asyncio code::

    out, err, code = await utils.getProcessOutputAndValue("git", ["status"], env=None)
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from io import BytesIO
from typing import Any, TypeVar

from twistlike.defer import Deferred
from twistlike.failure import Failure
from twistlike.protocol import ProcessProtocol

__all__ = [
    "getProcessOutput",
    "getProcessOutputAndValue",
    "getProcessValue",
    "runWithWarningsSuppressed",
    "suppressWarnings",
]

_T = TypeVar("_T")

_Env = Mapping[Any, Any] | None


def _spawnWithDeferred(
    makeProtocol: Callable[[Deferred[Any]], ProcessProtocol],
    executable: str | bytes,
    args: Sequence[str | bytes],
    env: _Env,
    path: str | bytes | None,
    reactor: Any,
) -> Deferred[Any]:
    if reactor is None:
        from twistlike._aio.reactor import reactor
    d: Deferred[Any] = Deferred()
    # As Twisted: argv[0] is the executable, followed by ``args``.
    reactor.spawnProcess(makeProtocol(d), executable, (executable, *args), env, path)
    return d


class _UnexpectedErrorOutput(IOError):
    """getProcessOutput's failure when the program wrote to stderr.

    Attributes:
        processEnded: A Deferred that errbacks with processEnded's reason once the process
            (whose pipes were closed) has ended.
    """

    def __init__(self, text: bytes, processEnded: Deferred[Any]) -> None:
        super().__init__(f"got stderr: {text!r}")
        self.processEnded = processEnded


class _BackRelay(ProcessProtocol):
    """Collects stdout (and stderr with ``errortoo``); fails at the first stderr without."""

    def __init__(self, deferred: Deferred[bytes], errortoo: bool = False) -> None:
        self.deferred: Deferred[bytes] | None = deferred
        self.onProcessEnded: Deferred[Any] | None = None
        self.s = BytesIO()
        self.errortoo = errortoo

    def errReceived(self, data: bytes) -> None:
        if self.errortoo:
            self.s.write(data)
            return
        if self.deferred is not None:
            self.onProcessEnded = Deferred()
            d, self.deferred = self.deferred, None
            d.errback(Failure(_UnexpectedErrorOutput(data, self.onProcessEnded)))
            self.transport.loseConnection()

    def outReceived(self, data: bytes) -> None:
        self.s.write(data)

    def processEnded(self, reason: Failure) -> None:
        if self.deferred is not None:
            self.deferred.callback(self.s.getvalue())
        elif self.onProcessEnded is not None:
            self.onProcessEnded.errback(reason)


def getProcessOutput(
    executable: str | bytes,
    args: Sequence[str | bytes] = (),
    env: _Env = {},  # noqa: B006 - Twisted's default: an empty environment
    path: str | bytes | None = None,
    reactor: Any = None,
    errortoo: bool = False,
) -> Deferred[bytes]:
    """Run ``executable`` with ``args``; fire with everything it wrote to stdout.

    Twisted: twisted.internet.utils.getProcessOutput.

    With ``errortoo``, stderr is collected along with stdout. Without it, the first bytes
    on stderr fail the Deferred with an IOError ("got stderr: ...") whose ``processEnded``
    attribute is a Deferred that fails with the process's end reason; the pipes are closed.
    ``env`` is the child's whole environment (``{}`` by default; None for the parent's).
    """
    return _spawnWithDeferred(
        lambda d: _BackRelay(d, errortoo=errortoo), executable, args, env, path, reactor
    )


class _ValueGetter(ProcessProtocol):
    def __init__(self, deferred: Deferred[int | None]) -> None:
        self.deferred = deferred

    def processEnded(self, reason: Failure) -> None:
        value: Any = reason.value
        self.deferred.callback(value.exitCode)


def getProcessValue(
    executable: str | bytes,
    args: Sequence[str | bytes] = (),
    env: _Env = {},  # noqa: B006 - Twisted's default: an empty environment
    path: str | bytes | None = None,
    reactor: Any = None,
) -> Deferred[int | None]:
    """Run ``executable``; fire with its exit code (None when a signal ended it).

    Twisted: twisted.internet.utils.getProcessValue.
    """
    return _spawnWithDeferred(_ValueGetter, executable, args, env, path, reactor)


class _EverythingGetter(ProcessProtocol):
    def __init__(self, deferred: Deferred[Any], stdinBytes: bytes | None = None) -> None:
        self.deferred = deferred
        self.outBuf = BytesIO()
        self.errBuf = BytesIO()
        self.stdinBytes = stdinBytes

    def connectionMade(self) -> None:
        if self.stdinBytes is not None:
            self.transport.writeToChild(0, self.stdinBytes)
            self.transport.closeStdin()

    def outReceived(self, data: bytes) -> None:
        self.outBuf.write(data)

    def errReceived(self, data: bytes) -> None:
        self.errBuf.write(data)

    def processEnded(self, reason: Failure) -> None:
        out = self.outBuf.getvalue()
        err = self.errBuf.getvalue()
        value: Any = reason.value
        if value.signal:
            # As Twisted: the Deferred fails with the tuple itself as the failure's value.
            self.deferred.errback((out, err, value.signal))  # type: ignore[arg-type]
        else:
            self.deferred.callback((out, err, value.exitCode))


def getProcessOutputAndValue(
    executable: str | bytes,
    args: Sequence[str | bytes] = (),
    env: _Env = {},  # noqa: B006 - Twisted's default: an empty environment
    path: str | bytes | None = None,
    reactor: Any = None,
    stdinBytes: bytes | None = None,
) -> Deferred[tuple[bytes, bytes, int]]:
    """Run ``executable``; fire with ``(stdout, stderr, exitCode)``.

    Twisted: twisted.internet.utils.getProcessOutputAndValue.

    ``stdinBytes`` is written to the child's stdin, which is then closed. When a signal
    ended the child the Deferred fails, with ``(stdout, stderr, signal)`` as the failure's
    value.
    """
    return _spawnWithDeferred(
        lambda d: _EverythingGetter(d, stdinBytes), executable, args, env, path, reactor
    )


def _resetWarningFilters(passthrough: _T, addedFilters: list[Any]) -> _T:
    filters: list[Any] = warnings.filters  # type: ignore[assignment]
    for f in addedFilters:
        try:
            filters.remove(f)
        except ValueError:
            pass
    return passthrough


def runWithWarningsSuppressed(
    suppressedWarnings: Sequence[tuple[Sequence[Any], Mapping[str, Any]]],
    f: Callable[..., _T],
    *a: Any,
    **kw: Any,
) -> _T:
    """Call ``f(*a, **kw)`` with warning filters added; remove them afterwards.

    Twisted: twisted.internet.utils.runWithWarningsSuppressed.

    ``suppressedWarnings`` is a sequence of ``(args, kwargs)`` for
    ``warnings.filterwarnings``. When ``f`` returns a Deferred, the filters stay until it
    fires. The filter list is process-wide: other threads see the filters too.
    """
    for args, kwargs in suppressedWarnings:
        warnings.filterwarnings(*args, **kwargs)
    added: list[Any] = list(warnings.filters[: len(suppressedWarnings)])
    try:
        result = f(*a, **kw)
    except BaseException:
        _resetWarningFilters(None, added)
        raise
    if isinstance(result, Deferred):
        result.addBoth(lambda r: _resetWarningFilters(r, added))
    else:
        _resetWarningFilters(None, added)
    return result


def suppressWarnings(
    f: Callable[..., _T], *suppressedWarnings: tuple[Sequence[Any], Mapping[str, Any]]
) -> Callable[..., _T]:
    """Wrap ``f`` so that each call runs with ``suppressedWarnings`` suppressed.

    Twisted: twisted.internet.utils.suppressWarnings.
    """

    @wraps(f)
    def warningSuppressingWrapper(*a: Any, **kw: Any) -> _T:
        return runWithWarningsSuppressed(suppressedWarnings, f, *a, **kw)

    return warningSuppressingWrapper

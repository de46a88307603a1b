"""Tests for twistlike.error: hierarchy, attributes and str() formats, against Twisted's."""

from __future__ import annotations

import errno
import socket
from typing import Any

import pytest
from twisted.internet import error as terror

from twistlike import error

# Constructor arguments to try for each class (with Twisted's signatures).
_ARGS: dict[str, list[tuple[Any, ...]]] = {
    "CannotListenError": [("", 80, OSError(98, "Address in use")), ("127.0.0.1", 0, "boom")],
    "ProcessDone": [(0,), (None,)],
    "ProcessTerminated": [(), (1,), (None, 9), (2, 15, 512)],
    "ConnectingCancelledError": [("somewhere",)],
    "InvalidAddressError": [("1.2.3", "not an address")],
}
_DEFAULT_ARGS: list[tuple[Any, ...]] = [(), ("detail",), ("two", "words")]


def _errorClasses() -> list[str]:
    """Names of every exception class in Twisted's module that twistlike provides."""
    return [
        name
        for name in terror.__all__
        if isinstance(getattr(terror, name), type) and name in error.__all__
    ]


def test_every_twisted_error_is_provided() -> None:
    """twistlike.error has every exception class and function Twisted's module exports."""
    assert set(terror.__all__) <= set(error.__all__)


@pytest.mark.parametrize("name", _errorClasses())
def test_hierarchy_matches_twisted(name: str) -> None:
    """Each class has the same public base classes (by name) as Twisted's, and the same
    builtin ones."""
    ours = getattr(error, name)
    theirs = getattr(terror, name)

    def bases(cls: type) -> set[str]:
        return {
            base.__name__
            for base in cls.__mro__
            if not base.__name__.startswith("_") and base is not object
        }

    assert bases(ours) == bases(theirs)
    for builtin in (ValueError, RuntimeError, OSError, AssertionError):
        assert issubclass(ours, builtin) == issubclass(theirs, builtin)


@pytest.mark.parametrize("name", _errorClasses())
def test_str_and_attributes_match_twisted(name: str) -> None:
    """str(), args and attributes of each error equal Twisted's for the same arguments."""
    for args in _ARGS.get(name, _DEFAULT_ARGS):
        ours = getattr(error, name)(*args)
        theirs = getattr(terror, name)(*args)
        assert str(ours) == str(theirs)
        assert ours.args == theirs.args
        for attribute in ("osError", "exitCode", "signal", "status", "address"):
            assert getattr(ours, attribute, None) == getattr(theirs, attribute, None)
        # Twisted's MESSAGE is sometimes the class docstring; its first line is the message.
        theirMessage = getattr(theirs, "MESSAGE", "").strip().splitlines()[:1]
        assert getattr(ours, "MESSAGE", "").splitlines()[:1] == theirMessage


def test_connect_error_str() -> None:
    """ConnectError's str() joins MESSAGE, osError and the message string."""
    assert str(error.ConnectError()) == "An error occurred while connecting."
    assert str(error.ConnectError(111, "refused")) == (
        "An error occurred while connecting: 111: refused."
    )
    assert str(error.ConnectionRefusedError("x")) == "Connection was refused by other side: x."
    assert issubclass(error.TimeoutError, error.UserError)


def test_connection_lost_str_with_non_string_arguments() -> None:
    """ConnectionLost formats non-string arguments with str().

    Divergence from Twisted: Twisted's str() raises TypeError for them.
    """
    reason = error.ConnectionLost(OSError(104, "reset"))
    assert str(reason) == (
        "Connection to the other side was lost in a non-clean fashion: [Errno 104] reset."
    )


def test_cannot_listen_error_attributes() -> None:
    """CannotListenError keeps interface, port and socketError and says "any" for ""."""
    failure = OSError(98, "in use")
    err = error.CannotListenError("", 8080, failure)
    assert (err.interface, err.port, err.socketError) == ("", 8080, failure)
    assert str(err) == "Couldn't listen on any:8080: [Errno 98] in use."
    assert isinstance(err, error.BindError)


@pytest.mark.parametrize(
    "exception",
    [
        socket.gaierror(-2, "Name or service not known"),
        OSError(errno.ECONNREFUSED, "Connection refused"),
        OSError(errno.ENETUNREACH, "Network is unreachable"),
        OSError(errno.ETIMEDOUT, "Timed out"),
        OSError(errno.EPERM, "Not permitted"),
        OSError("just a message"),
    ],
)
def test_get_connect_error_matches_twisted(exception: OSError) -> None:
    """getConnectError maps socket errors to the same classes, args and str() as Twisted."""
    ours = error.getConnectError(exception)
    theirs = terror.getConnectError(exception)  # type: ignore[no-untyped-call]
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.args == theirs.args
    assert str(ours) == str(theirs)


def test_get_connect_error_accepts_tuples() -> None:
    """getConnectError also takes an (errno, message) tuple."""
    err = error.getConnectError((errno.ECONNREFUSED, "refused"))
    assert isinstance(err, error.ConnectionRefusedError)
    assert err.osError == errno.ECONNREFUSED


def test_process_errors() -> None:
    """ProcessDone and ProcessTerminated carry exit code, signal and status."""
    done = error.ProcessDone(0)
    assert (done.exitCode, done.signal, done.status) == (0, None, 0)
    assert isinstance(done, error.ConnectionDone)
    killed = error.ProcessTerminated(signal=9, status=9)
    assert (killed.exitCode, killed.signal) == (None, 9)
    assert str(killed).endswith("process ended by signal 9.")
    assert isinstance(killed, error.ConnectionLost)

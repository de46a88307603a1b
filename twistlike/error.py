"""Exceptions that connection, listening, timer and reactor code raise or report.

These are the classes users catch and compare against (``reason.check(ConnectionDone)``),
with Twisted's hierarchy, attributes and ``str()`` formats.

Twisted: twisted.internet.error.
"""

from __future__ import annotations

import errno
import socket

__all__ = [
    "AlreadyCalled",
    "AlreadyCancelled",
    "AlreadyListened",
    "BadFileError",
    "BindError",
    "CannotListenError",
    "CertificateError",
    "ConnectBindError",
    "ConnectError",
    "ConnectInProgressError",
    "ConnectingCancelledError",
    "ConnectionAborted",
    "ConnectionClosed",
    "ConnectionDone",
    "ConnectionFdescWentAway",
    "ConnectionLost",
    "ConnectionRefusedError",
    "DNSLookupError",
    "FileDescriptorOverrun",
    "InvalidAddressError",
    "MessageLengthError",
    "MulticastJoinError",
    "NoProtocol",
    "NoRouteError",
    "NotConnectingError",
    "NotListeningError",
    "PeerVerifyError",
    "ProcessDone",
    "ProcessExitedAlready",
    "ProcessTerminated",
    "ReactorAlreadyInstalledError",
    "ReactorAlreadyRunning",
    "ReactorNotRestartable",
    "ReactorNotRunning",
    "SSLError",
    "ServiceNameUnknownError",
    "TCPTimedOutError",
    "TimeoutError",
    "UnknownHostError",
    "UnsupportedAddressFamily",
    "UnsupportedSocketType",
    "UserError",
    "VerifyError",
    "getConnectError",
]


def _messageWithArgs(message: str, args: tuple[object, ...]) -> str:
    """Format ``"<message>[: <args joined by spaces>]."``, the shape most errors here share.

    Divergence from Twisted: non-``str`` arguments are converted with ``str()``; Twisted
    raises TypeError from ``str(error)`` when an argument is not a string.
    """
    if args:
        message = f"{message}: {' '.join(str(arg) for arg in args)}"
    return f"{message}."


class _MessageError(Exception):
    """Base for errors whose ``str()`` is their ``MESSAGE`` followed by their arguments."""

    MESSAGE = ""

    def __str__(self) -> str:
        return _messageWithArgs(self.MESSAGE, self.args)


# Binding and listening.


class BindError(_MessageError):
    """Binding a socket to a local address failed.

    Twisted: twisted.internet.error.BindError.
    """

    MESSAGE = "An error occurred binding to an interface"


class CannotListenError(BindError):
    """A port could not start listening.

    Attributes:
        interface: The interface that was asked for (``""`` means all of them).
        port: The port number that was asked for.
        socketError: The exception the socket layer raised.

    Twisted: twisted.internet.error.CannotListenError.
    """

    def __init__(self, interface: str | None, port: int | str, socketError: object) -> None:
        super().__init__(interface, port, socketError)
        self.interface = interface
        self.port = port
        self.socketError = socketError

    def __str__(self) -> str:
        return f"Couldn't listen on {self.interface or 'any'}:{self.port}: {self.socketError}."


class MulticastJoinError(Exception):
    """Joining a multicast group failed.

    Twisted: twisted.internet.error.MulticastJoinError.
    """


class MessageLengthError(_MessageError):
    """A datagram was too long to send.

    Twisted: twisted.internet.error.MessageLengthError.
    """

    MESSAGE = "Message is too long to send"


class DNSLookupError(OSError):
    """A host name could not be resolved.

    Twisted: twisted.internet.error.DNSLookupError.
    """

    MESSAGE = "DNS lookup failed"

    def __str__(self) -> str:
        return _messageWithArgs(self.MESSAGE, self.args)


class ConnectInProgressError(Exception):
    """A connection attempt has started and has not finished yet.

    Twisted: twisted.internet.error.ConnectInProgressError.
    """


# Connecting.


class ConnectError(Exception):
    """A connection attempt failed.

    Attributes:
        osError: The operating system's error (often an errno number), or None.

    ``str()`` is ``MESSAGE``, then ``: osError`` if it is set, then ``: string`` if that is
    not empty, then a full stop.

    Twisted: twisted.internet.error.ConnectError.
    """

    MESSAGE = "An error occurred while connecting"

    def __init__(self, osError: object = None, string: object = "") -> None:
        self.osError = osError
        super().__init__(string)

    def __str__(self) -> str:
        text = self.MESSAGE
        if self.osError:
            text = f"{text}: {self.osError}"
        if self.args[0]:
            text = f"{text}: {self.args[0]}"
        return f"{text}."


class ConnectBindError(ConnectError):
    """Binding the local end of an outgoing connection failed.

    Twisted: twisted.internet.error.ConnectBindError.
    """

    MESSAGE = "Couldn't bind"


class UnknownHostError(ConnectError):
    """The host to connect to could not be looked up.

    Twisted: twisted.internet.error.UnknownHostError.
    """

    MESSAGE = "Hostname couldn't be looked up"


class NoRouteError(ConnectError):
    """There is no route to the host.

    Twisted: twisted.internet.error.NoRouteError.
    """

    MESSAGE = "No route to host"


class ConnectionRefusedError(ConnectError):
    """The other side refused the connection.

    Twisted: twisted.internet.error.ConnectionRefusedError.
    """

    MESSAGE = "Connection was refused by other side"


class TCPTimedOutError(ConnectError):
    """The operating system gave up on the TCP connection attempt.

    Twisted: twisted.internet.error.TCPTimedOutError.
    """

    MESSAGE = "TCP connection timed out"


class BadFileError(ConnectError):
    """The path given for a UNIX socket cannot be used.

    Twisted: twisted.internet.error.BadFileError.
    """

    MESSAGE = "File used for UNIX socket is no good"


class ServiceNameUnknownError(ConnectError):
    """A service name was given as the port and is not known.

    Twisted: twisted.internet.error.ServiceNameUnknownError.
    """

    MESSAGE = "Service name given as port is unknown"


class UserError(ConnectError):
    """The user (the program) aborted the connection attempt.

    Twisted: twisted.internet.error.UserError.
    """

    MESSAGE = "User aborted connection"


class TimeoutError(UserError):
    """The connection attempt took longer than the timeout the user gave.

    Twisted: twisted.internet.error.TimeoutError.
    """

    MESSAGE = "User timeout caused connection failure"


class SSLError(ConnectError):
    """A TLS error happened while connecting.

    Twisted: twisted.internet.error.SSLError.
    """

    MESSAGE = "An SSL error occurred"


class VerifyError(Exception):
    """Something that should have been signed could not be verified.

    Twisted: twisted.internet.error.VerifyError.
    """

    MESSAGE = "Could not verify something that was supposed to be signed."


class PeerVerifyError(VerifyError):
    """The peer rejected our verification.

    Twisted: twisted.internet.error.PeerVerifyError.
    """

    MESSAGE = "The peer rejected our verify error."


class CertificateError(Exception):
    """A certificate was expected and none was found.

    Twisted: twisted.internet.error.CertificateError.
    """

    MESSAGE = "We did not find a certificate where we expected to find one."


_errnoToConnectError: dict[int, type[ConnectError]] = {
    errno.ENETUNREACH: NoRouteError,
    errno.ECONNREFUSED: ConnectionRefusedError,
    errno.ETIMEDOUT: TCPTimedOutError,
}
for _name, _cls in (("WSAECONNREFUSED", ConnectionRefusedError), ("WSAENETUNREACH", NoRouteError)):
    if hasattr(errno, _name):
        _errnoToConnectError[getattr(errno, _name)] = _cls
del _name, _cls


def getConnectError(e: BaseException | tuple[object, ...]) -> ConnectError:
    """Translate a socket error (or an ``(errno, message)`` tuple) into a ConnectError.

    ``socket.gaierror`` becomes UnknownHostError; ECONNREFUSED, ENETUNREACH and ETIMEDOUT
    become ConnectionRefusedError, NoRouteError and TCPTimedOutError; anything else is a
    plain ConnectError. An exception whose arguments are not ``(number, message)`` is
    wrapped whole as ``ConnectError(string=e)``.

    Twisted: twisted.internet.error.getConnectError.
    """
    args = e.args if isinstance(e, BaseException) else e
    try:
        number, string = args
    except ValueError:
        return ConnectError(string=e)
    if isinstance(e, socket.gaierror):
        cls: type[ConnectError] = UnknownHostError
    else:
        cls = ConnectError
        if isinstance(number, int):
            cls = _errnoToConnectError.get(number, ConnectError)
    return cls(number, string)


# Connections that have ended.


class ConnectionClosed(Exception):
    """A connection was closed, cleanly or not; the base of ConnectionDone and ConnectionLost.

    Twisted: twisted.internet.error.ConnectionClosed.
    """


class ConnectionLost(ConnectionClosed):
    """The connection to the other side was lost in a non-clean fashion.

    Twisted: twisted.internet.error.ConnectionLost.
    """

    MESSAGE = "Connection to the other side was lost in a non-clean fashion"

    def __str__(self) -> str:
        return _messageWithArgs(self.MESSAGE, self.args)


class ConnectionAborted(ConnectionLost):
    """The connection was aborted on this side with ``abortConnection()``.

    Twisted: twisted.internet.error.ConnectionAborted.
    """

    MESSAGE = "Connection was aborted locally using ITCPTransport.abortConnection"


class ConnectionDone(ConnectionClosed):
    """The connection was closed cleanly.

    Twisted: twisted.internet.error.ConnectionDone.
    """

    MESSAGE = "Connection was closed cleanly"

    def __str__(self) -> str:
        return _messageWithArgs(self.MESSAGE, self.args)


class FileDescriptorOverrun(ConnectionLost):
    """More file descriptors than bytes were sent over a UNIX socket, so it was closed.

    Twisted: twisted.internet.error.FileDescriptorOverrun.
    """

    MESSAGE = "A mis-use of IUNIXTransport.sendFileDescriptor caused the connection to be closed."


class ConnectionFdescWentAway(ConnectionLost):
    """The file descriptor under a connection went away.

    Twisted: twisted.internet.error.ConnectionFdescWentAway.
    """

    MESSAGE = "Uh"


# Timed calls.


class AlreadyCalled(_MessageError, ValueError):
    """A delayed call was cancelled, delayed or reset after it had already run.

    Twisted: twisted.internet.error.AlreadyCalled.
    """

    MESSAGE = "Tried to cancel an already-called event"


class AlreadyCancelled(_MessageError, ValueError):
    """A delayed call was cancelled, delayed or reset after it had been cancelled.

    Twisted: twisted.internet.error.AlreadyCancelled.
    """

    MESSAGE = "Tried to cancel an already-cancelled event"


# Processes.


class ProcessDone(ConnectionDone):
    """A child process ended with exit code 0.

    Attributes:
        exitCode: Always 0.
        signal: Always None.
        status: The raw wait status.

    Twisted: twisted.internet.error.ProcessDone.
    """

    MESSAGE = "A process has ended without apparent errors"

    def __init__(self, status: int | None) -> None:
        super().__init__("process finished with exit code 0")
        self.exitCode = 0
        self.signal: int | None = None
        self.status = status


class ProcessTerminated(ConnectionLost):
    """A child process ended with a non-zero exit code or because of a signal.

    Attributes:
        exitCode: The exit code, or None if a signal ended the process.
        signal: The signal that ended the process, or None.
        status: The raw wait status.

    Twisted: twisted.internet.error.ProcessTerminated.
    """

    MESSAGE = "A process has ended with a probable error condition"

    def __init__(
        self,
        exitCode: int | None = None,
        signal: int | None = None,
        status: int | None = None,
    ) -> None:
        self.exitCode = exitCode
        self.signal = signal
        self.status = status
        text = "process ended"
        if exitCode is not None:
            text += f" with exit code {exitCode}"
        if signal is not None:
            text += f" by signal {signal}"
        super().__init__(text)


class ProcessExitedAlready(Exception):
    """The process has exited, so the requested operation cannot be done any more.

    Twisted: twisted.internet.error.ProcessExitedAlready.
    """


# Connectors, ports and reactors.


class NotConnectingError(_MessageError, RuntimeError):
    """``stopConnecting()`` was called on a connector that was not connecting.

    Twisted: twisted.internet.error.NotConnectingError.
    """

    MESSAGE = "The Connector was not connecting when it was asked to stop connecting"


class NotListeningError(_MessageError, RuntimeError):
    """``stopListening()`` was called on a port that was not listening.

    Twisted: twisted.internet.error.NotListeningError.
    """

    MESSAGE = "The Port was not listening when it was asked to stop listening"


class ReactorNotRunning(RuntimeError):
    """The reactor was asked to stop while it was not running.

    Twisted: twisted.internet.error.ReactorNotRunning.
    """


class ReactorNotRestartable(RuntimeError):
    """A reactor that cannot be restarted was asked to run again.

    Twisted: twisted.internet.error.ReactorNotRestartable.
    """


class ReactorAlreadyRunning(RuntimeError):
    """The reactor was asked to run while it was already running.

    Twisted: twisted.internet.error.ReactorAlreadyRunning.
    """


class ReactorAlreadyInstalledError(AssertionError):
    """A reactor could not be installed because one already is.

    Twisted: twisted.internet.error.ReactorAlreadyInstalledError.
    """


class ConnectingCancelledError(Exception):
    """A client endpoint's connection attempt was cancelled before it connected.

    Attributes:
        address: The address the endpoint was connecting to.

    Twisted: twisted.internet.error.ConnectingCancelledError.
    """

    def __init__(self, address: object) -> None:
        super().__init__(address)
        self.address = address


class NoProtocol(Exception):
    """A client endpoint's factory returned None from ``buildProtocol``.

    Twisted: twisted.internet.error.NoProtocol.
    """


class UnsupportedAddressFamily(Exception):
    """A socket address family (AF_INET6, AF_UNIX, ...) that the reactor does not support.

    Twisted: twisted.internet.error.UnsupportedAddressFamily.
    """


class UnsupportedSocketType(Exception):
    """A socket type (SOCK_STREAM, SOCK_DGRAM, ...) that the reactor does not support.

    Twisted: twisted.internet.error.UnsupportedSocketType.
    """


class AlreadyListened(Exception):
    """A file descriptor that can only be listened on once was listened on again.

    Twisted: twisted.internet.error.AlreadyListened.
    """


class InvalidAddressError(ValueError):
    """An address was not a valid IPv4 or IPv6 address, or not of the expected family.

    Attributes:
        address: The address that was given.
        message: More information from the caller.

    Twisted: twisted.internet.error.InvalidAddressError.
    """

    def __init__(self, address: object, message: str) -> None:
        # Twisted does not pass these to Exception.__init__, yet ``args`` still holds both
        # because BaseException.__new__ records the constructor arguments.
        self.address = address
        self.message = message

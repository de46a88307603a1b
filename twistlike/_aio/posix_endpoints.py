"""Endpoints for processes, stdio and adopted (socket-activated) ports.

Twisted: ProcessEndpoint, StandardErrorBehavior, StandardIOEndpoint,
AdoptedStreamServerEndpoint and the ``systemd:`` / ``stdio:`` server descriptions of
twisted.internet.endpoints. twistlike.endpoints re-exports the public ones.
"""

from __future__ import annotations

import enum
import logging
import os
import socket
from collections.abc import Mapping, Sequence
from typing import Any

from zope.interface import implementer

from twistlike import error
from twistlike.defer import Deferred, execute, fail, succeed
from twistlike.failure import Failure
from twistlike.interfaces import (
    IAddress,
    IConsumer,
    IProcessTransport,
    IPushProducer,
    IStreamClientEndpoint,
    IStreamServerEndpoint,
)
from twistlike.protocol import ProcessProtocol

__all__ = [
    "AdoptedStreamServerEndpoint",
    "ProcessEndpoint",
    "StandardErrorBehavior",
    "StandardIOEndpoint",
    "posixServerFromString",
]

_log = logging.getLogger("twistlike.endpoints")


class StandardErrorBehavior(enum.Enum):
    """What ProcessEndpoint does with the child's stderr: LOG it (the default) or DROP it.

    Twisted: twisted.internet.endpoints.StandardErrorBehavior (a ``constantly.Names``).
    Divergence from Twisted: an ``enum.Enum`` (no dependency on ``constantly``).
    """

    LOG = "LOG"
    DROP = "DROP"


@implementer(IAddress)
class _ProcessAddress:
    """The address of a process endpoint's connection (there is nothing to say)."""


@implementer(IProcessTransport, IConsumer, IPushProducer)
class _ProcessEndpointTransport:
    """The transport a ProcessEndpoint's protocol holds: the process transport, proxied."""

    def __init__(self, process: Any) -> None:
        self._process = process

    def __getattr__(self, name: str) -> Any:
        if name in (
            "pid",
            "write",
            "writeSequence",
            "loseConnection",
            "getPeer",
            "getHost",
            "closeStdin",
            "closeStdout",
            "closeStderr",
            "closeChildFD",
            "writeToChild",
            "signalProcess",
            "registerProducer",
            "unregisterProducer",
            "pauseProducing",
            "resumeProducing",
            "stopProducing",
        ):
            return getattr(self._process, name)
        raise AttributeError(name)


class _WrapIProtocol(ProcessProtocol):
    """Runs a stream protocol over a child process: stdout is its data, the end its loss."""

    def __init__(self, proto: Any, executable: Any, errFlag: StandardErrorBehavior) -> None:
        self.protocol = proto
        self.executable = executable
        self.errFlag = errFlag

    def makeConnection(self, process: Any) -> None:
        self.process = process
        self.transport = process
        self.protocol.makeConnection(_ProcessEndpointTransport(process))

    def childDataReceived(self, childFD: int, data: bytes) -> None:
        if childFD == 1:
            self.protocol.dataReceived(data)
        elif childFD == 2 and self.errFlag == StandardErrorBehavior.LOG:
            _log.error(
                "Process %s wrote stderr unhandled by %s: %s",
                self.executable,
                self.protocol,
                data.decode("utf-8", "replace"),
            )

    def processEnded(self, reason: Failure) -> None:
        value: Any = reason.value
        if reason.check(error.ProcessDone) and value.status == 0:
            self.protocol.connectionLost(Failure(error.ConnectionDone()))
        else:
            self.protocol.connectionLost(reason)


@implementer(IStreamClientEndpoint)
class ProcessEndpoint:
    """A client endpoint that "connects" a stream protocol to a new child process.

    Twisted: twisted.internet.endpoints.ProcessEndpoint.

    The protocol's ``dataReceived`` gets the child's stdout, its ``write`` goes to the
    child's stdin, and its ``connectionLost`` comes when the process ended (ConnectionDone
    for exit code 0, else the ProcessTerminated reason). stderr is logged (``errFlag`` LOG,
    logger ``twistlike.endpoints``) or dropped.
    """

    def __init__(
        self,
        reactor: Any,
        executable: str | bytes,
        args: Sequence[str | bytes] = (),
        env: Mapping[Any, Any] | None = {},  # Twisted's default: an empty environment
        path: str | bytes | None = None,
        uid: int | None = None,
        gid: int | None = None,
        usePTY: bool = False,
        childFDs: Mapping[int, int | str] | None = None,
        errFlag: StandardErrorBehavior = StandardErrorBehavior.LOG,
    ) -> None:
        self._reactor = reactor
        self._executable = executable
        self._args = args
        self._env = env
        self._path = path
        self._uid = uid
        self._gid = gid
        self._usePTY = usePTY
        self._childFDs = childFDs
        self._errFlag = errFlag
        self._spawnProcess = reactor.spawnProcess

    def connect(self, protocolFactory: Any) -> Deferred[Any]:
        """Start the process; fire with the protocol (after its connectionMade).

        Twisted: IStreamClientEndpoint.connect. Fails when the process cannot start.
        """
        proto = protocolFactory.buildProtocol(_ProcessAddress())
        try:
            self._spawnProcess(
                _WrapIProtocol(proto, self._executable, self._errFlag),
                self._executable,
                self._args,
                self._env,
                self._path,
                self._uid,
                self._gid,
                self._usePTY,
                self._childFDs,
            )
        except BaseException:
            return fail()
        return succeed(proto)


@implementer(IStreamServerEndpoint)
class StandardIOEndpoint:
    """A server endpoint whose one "connection" is this process's stdin and stdout.

    Twisted: twisted.internet.endpoints.StandardIOEndpoint.
    """

    def __init__(self, reactor: Any) -> None:
        self._reactor = reactor

    def listen(self, stdioProtocolFactory: Any) -> Deferred[Any]:
        """Connect a protocol built by the factory to stdio; fire with the StandardIO.

        Twisted: IStreamServerEndpoint.listen.
        """
        from twistlike._aio.pipes import PipeAddress, StandardIO

        return execute(
            StandardIO, stdioProtocolFactory.buildProtocol(PipeAddress()), reactor=self._reactor
        )


@implementer(IStreamServerEndpoint)
class AdoptedStreamServerEndpoint:
    """A server endpoint over a listening socket made elsewhere (systemd, a parent process).

    Twisted: twisted.internet.endpoints.AdoptedStreamServerEndpoint.

    ``listen`` adopts the socket (``reactor.adoptStreamPort``) and closes ``fileno``; it can
    be called once.
    """

    def __init__(self, reactor: Any, fileno: int, addressFamily: int) -> None:
        self.reactor = self._reactor = reactor
        self.fileno = fileno
        self.addressFamily = addressFamily
        self._used = False

    def listen(self, factory: Any) -> Deferred[Any]:
        """Listen with ``factory``; fails with AlreadyListened the second time.

        Twisted: IStreamServerEndpoint.listen.
        """
        if self._used:
            return fail(error.AlreadyListened())
        self._used = True
        try:
            os.set_blocking(self.fileno, False)
            port = self.reactor.adoptStreamPort(self.fileno, self.addressFamily, factory)
            os.close(self.fileno)
        except BaseException:
            return fail()
        return succeed(port)


def _listenFDs(environ: Mapping[str, str]) -> tuple[list[int], list[str]]:
    """The descriptors systemd passed to this process (LISTEN_PID/LISTEN_FDS/LISTEN_FDNAMES)."""
    if environ.get("LISTEN_PID") != str(os.getpid()):
        return [], []
    try:
        count = int(environ.get("LISTEN_FDS", "0"))
    except ValueError:
        return [], []
    fds = list(range(3, 3 + count))
    names = environ.get("LISTEN_FDNAMES", "")
    return fds, names.split(":") if names else []


def posixServerFromString(
    reactor: Any, description: str, kind: str, args: list[str], kwargs: dict[str, str]
) -> StandardIOEndpoint | AdoptedStreamServerEndpoint:
    """The ``stdio:`` and ``systemd:`` server descriptions (for serverFromString).

    ``systemd:domain=INET:index=0`` (or ``name=NAME``) adopts a socket systemd passed in
    (its environment is read when the description is parsed); ``stdio:`` is a
    StandardIOEndpoint.

    Raises:
        ValueError: bad or missing arguments, or no such inherited descriptor.
    """
    if kind == "stdio":
        if [a for a in args if a] or kwargs:
            raise ValueError(f"stdio takes no arguments in endpoint description {description!r}")
        return StandardIOEndpoint(reactor)
    params = ("domain", "index", "name")
    bound = dict(zip(params, args, strict=False))
    for key, value in kwargs.items():
        if key not in params:
            raise ValueError(
                f"unknown argument {key!r} in endpoint description {description!r}: "
                "systemd takes domain, index, name"
            )
        bound[key] = value
    if len(args) > len(params):
        raise ValueError(f"too many arguments in endpoint description {description!r}")
    if "domain" not in bound:
        raise ValueError(f"missing domain in endpoint description {description!r}")
    index, name = bound.get("index"), bound.get("name")
    if (index is None) == (name is None):
        raise ValueError("Specify exactly one of descriptor index or name")
    family = getattr(socket, "AF_" + bound["domain"], None)
    if not isinstance(family, int):
        raise ValueError(
            f"domain={bound['domain']!r} in endpoint description {description!r} is not an "
            "address family (INET, INET6, UNIX)"
        )
    # Divergence from Twisted: read now, not when the endpoints module was imported.
    fds, names = _listenFDs(os.environ)
    try:
        if index is not None:
            fileno = fds[int(index)]
        else:
            fileno = dict(zip(names, fds, strict=False))[name]  # type: ignore[index]
    except (IndexError, KeyError, ValueError):
        raise ValueError(
            f"endpoint description {description!r}: systemd passed no such descriptor "
            f"({len(fds)} passed: LISTEN_FDS/LISTEN_PID/LISTEN_FDNAMES)"
        ) from None
    return AdoptedStreamServerEndpoint(reactor, fileno, family)

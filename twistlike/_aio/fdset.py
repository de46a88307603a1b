"""IReactorFDSet: Twisted's readers and writers on the loop's ``add_reader``/``add_writer``.

A reader is any object with ``fileno()``, ``doRead()``, ``connectionLost(reason)`` (and
``logPrefix()``); a writer has ``doWrite()`` instead. While registered, the loop calls
``doRead``/``doWrite`` whenever the descriptor is ready. As in Twisted, a non-None return
value (an exception or Failure) or an exception raised by ``doRead``/``doWrite`` removes the
descriptor and calls its ``connectionLost`` with that reason; so does a ``fileno()`` of -1.

asyncio: ``loop.add_reader``/``add_writer`` (selector loops and uvloop). Loops without them
(the Proactor loop on Windows) raise a clear NotImplementedError.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from twistlike import error
from twistlike._core.log import log_failure
from twistlike.failure import Failure

__all__ = ["FDSet", "fdsetFor"]

_log_ns = "twistlike.fdset"


class FDSet:
    """The readers and writers registered on one loop (kept in the loop's reactor state)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.readers: dict[Any, int] = {}  # descriptor -> fd it was registered with
        self.writers: dict[Any, int] = {}

    def _fileno(self, descriptor: Any) -> int:
        try:
            fd = descriptor.fileno()
        except BaseException:
            return -1
        return fd if isinstance(fd, int) else -1

    def addReader(self, reader: Any) -> None:
        if reader in self.readers:
            return
        fd = self._fileno(reader)
        if fd == -1:
            self._lost(reader, Failure(error.ConnectionFdescWentAway("Filedescriptor went away")))
            return
        try:
            self.loop.add_reader(fd, self._doRead, reader)
        except NotImplementedError:
            raise NotImplementedError(
                f"{type(self.loop).__name__} has no add_reader: IReactorFDSet needs a selector "
                "loop or uvloop (see docs/udp-processes.md)"
            ) from None
        self.readers[reader] = fd

    def addWriter(self, writer: Any) -> None:
        if writer in self.writers:
            return
        fd = self._fileno(writer)
        if fd == -1:
            self._lost(writer, Failure(error.ConnectionFdescWentAway("Filedescriptor went away")))
            return
        try:
            self.loop.add_writer(fd, self._doWrite, writer)
        except NotImplementedError:
            raise NotImplementedError(
                f"{type(self.loop).__name__} has no add_writer: IReactorFDSet needs a selector "
                "loop or uvloop (see docs/udp-processes.md)"
            ) from None
        self.writers[writer] = fd

    def removeReader(self, reader: Any) -> None:
        fd = self.readers.pop(reader, None)
        if fd is not None:
            self.loop.remove_reader(fd)

    def removeWriter(self, writer: Any) -> None:
        fd = self.writers.pop(writer, None)
        if fd is not None:
            self.loop.remove_writer(fd)

    def removeAll(self) -> list[Any]:
        removed = list(self.readers) + [w for w in self.writers if w not in self.readers]
        for reader in list(self.readers):
            self.removeReader(reader)
        for writer in list(self.writers):
            self.removeWriter(writer)
        return removed

    def _doRead(self, reader: Any) -> None:
        self._run(reader, "doRead")

    def _doWrite(self, writer: Any) -> None:
        self._run(writer, "doWrite")

    def _run(self, descriptor: Any, method: str) -> None:
        why: Any = None
        try:
            if self._fileno(descriptor) == -1:
                why = error.ConnectionFdescWentAway("Filedescriptor went away")
            else:
                why = getattr(descriptor, method)()
        except BaseException:
            why = Failure()
            log_failure(why, f"Unhandled error in {method}", namespace=_log_ns)
        if why is not None:
            reason = why if isinstance(why, Failure) else Failure(why)
            self.removeReader(descriptor)
            self.removeWriter(descriptor)
            self._lost(descriptor, reason)

    def _lost(self, descriptor: Any, reason: Failure) -> None:
        try:
            descriptor.connectionLost(reason)
        except BaseException:
            log_failure(Failure(), "Unhandled error in connectionLost", namespace=_log_ns)

    def connectionLost(self, reason: Failure | None = None) -> None:
        """Reactor shutdown (the per-loop state's ``disconnect_all``): see ``_shutdown``."""
        self._shutdown()

    def _shutdown(self) -> None:
        """Reactor shutdown: remove everything and tell each its connection was lost."""
        for descriptor in self.removeAll():
            self._lost(descriptor, Failure(error.ConnectionLost()))


#: One FDSet per reactor state (so per loop); it goes when its state goes.
_FDSETS: weakref.WeakKeyDictionary[Any, FDSet] = weakref.WeakKeyDictionary()


def fdsetFor(state: Any) -> FDSet:
    """The FDSet of reactor ``state``, made on first use.

    The FDSet joins the state's connections, so that reactor shutdown (``disconnectAll``)
    removes every reader and writer and calls their ``connectionLost``, as Twisted does.

    Raises:
        RuntimeError: ``state`` has no loop yet (called before ``run()`` with no loop).
    """
    fdset = _FDSETS.get(state)
    if fdset is None:
        if state.loop is None:
            # Divergence from Twisted: without a loop there is nothing to register with.
            raise RuntimeError(
                "addReader/addWriter need a running event loop: call them once the reactor "
                "runs (reactor.callWhenRunning) or inside a running asyncio loop"
            )
        fdset = _FDSETS[state] = FDSet(state.loop)
    state.connections.add(fdset)
    return fdset

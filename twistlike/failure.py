"""An error captured as a value, so it can be passed along a callback chain.

This module reimplements ``twisted.python.failure``. A :class:`Failure` holds an
exception, its class and its traceback. Creating one is deliberately cheap: the
list of frames and the list of parent class names are only worked out the first
time somebody asks for them.
"""

from __future__ import annotations

import itertools
import linecache
import sys
from collections.abc import Callable, Iterator, Sequence
from io import StringIO
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Final, NoReturn, Protocol, TypeVar, cast

from twistlike._core.reflect import safe_repr, safe_str

__all__ = [
    "DefaultException",
    "Failure",
    "NoCurrentExceptionError",
    "format_frames",
]

_T_co = TypeVar("_T_co", covariant=True)

_ExcType = type[BaseException]
_ErrorSpec = type[BaseException] | str
_VarItems = Sequence[tuple[str, object]]
#: One entry of ``Failure.frames``: (function name, file name, line number,
#: local variable items, global variable items).
_FrameInfo = tuple[str, str, int, _VarItems, _VarItems]
_FailureClass = type["Failure"]

_DETAILS: Final = frozenset({"default", "brief", "verbose", "verbose-vars-not-captured"})

# Serial numbers for failures; ``next()`` on this is atomic under the GIL.
_counter = itertools.count(1)


class DefaultException(Exception):
    """A generic exception type, kept for code written against Twisted.

    Twisted: twisted.python.failure.DefaultException.
    """


class NoCurrentExceptionError(Exception):
    """Raised when a Failure is asked to wrap the current exception but there is none.

    Twisted: twisted.python.failure.NoCurrentExceptionError.
    """

    def __init__(self, message: str = "there is no current exception to wrap in a Failure"):
        """Create the error with a message explaining there is no exception being handled.

        Args:
            message: The explanation shown when the error is printed.
        """
        super().__init__(message)


class _Throwable(Protocol[_T_co]):
    """Anything with a generator-style ``throw`` method (generators, coroutines)."""

    def throw(self, value: BaseException, /) -> _T_co:
        """Raise ``value`` inside the suspended generator and return what it yields next."""
        ...


def _qual(obj: object) -> str:
    """Return ``module.name`` for a class, the way Twisted names exception classes.

    Args:
        obj: Usually a class. Anything else is named by its ``str``.

    Returns:
        The dotted name, built from ``__module__`` and ``__name__`` (not ``__qualname__``).
    """
    try:
        return f"{obj.__module__}.{obj.__name__}"  # type: ignore[attr-defined]
    except AttributeError:
        return safe_str(obj)


def _framesFromTraceback(tb: TracebackType | None, captureVars: bool) -> list[_FrameInfo]:
    """Walk a traceback and describe each of its frames, outermost first.

    Args:
        tb: The head of the traceback chain, or None.
        captureVars: Whether to copy each frame's local and global variables.

    Returns:
        One ``(funcName, fileName, lineNumber, localsItems, globalsItems)`` tuple per frame.
    """
    frames: list[_FrameInfo] = []
    append = frames.append
    if not captureVars:
        while tb is not None:
            code = tb.tb_frame.f_code
            append((code.co_name, code.co_filename, tb.tb_lineno, (), ()))
            tb = tb.tb_next
        return frames
    while tb is not None:
        frame = tb.tb_frame
        code = frame.f_code
        localVars = dict(frame.f_locals)
        globalVars = {} if frame.f_locals is frame.f_globals else dict(frame.f_globals)
        localVars.pop("__builtins__", None)
        globalVars.pop("__builtins__", None)
        append(
            (
                code.co_name,
                code.co_filename,
                tb.tb_lineno,
                list(localVars.items()),
                list(globalVars.items()),
            )
        )
        tb = tb.tb_next
    return frames


def format_frames(
    frames: Sequence[_FrameInfo], write: Callable[[str], object], detail: str = "default"
) -> None:
    """Write a textual rendering of ``Failure.frames``-style tuples.

    Twisted: twisted.python.failure.format_frames.

    Args:
        frames: ``(funcName, fileName, lineNumber, localsItems, globalsItems)`` tuples.
        write: Called with each chunk of text.
        detail: ``"default"`` (like Python's tracebacks), ``"brief"`` (one
            ``file:line:func`` line each), ``"verbose"`` (with variables) or
            ``"verbose-vars-not-captured"`` (verbose layout plus a note that no
            variables were captured).

    Raises:
        ValueError: If ``detail`` is not one of the values above.
    """
    if detail not in _DETAILS:
        raise ValueError(
            "detail must be 'default', 'brief', 'verbose' or 'verbose-vars-not-captured', "
            f"not {detail!r}"
        )
    if detail == "default":
        for funcName, fileName, lineNumber, _, _ in frames:
            write(f'  File "{fileName}", line {lineNumber}, in {funcName}\n')
            write(f"    {linecache.getline(fileName, lineNumber).strip()}\n")
    elif detail == "brief":
        for funcName, fileName, lineNumber, _, _ in frames:
            write(f"{fileName}:{lineNumber}:{funcName}\n")
    elif detail == "verbose":
        for funcName, fileName, lineNumber, localItems, globalItems in frames:
            write(f"{fileName}:{lineNumber}: {funcName}(...)\n")
            write(" [ Locals ]\n")
            for name, val in localItems:
                write(f"  {name} : {safe_repr(val)}\n")
            write(" ( Globals )\n")
            for name, val in globalItems:
                write(f"  {name} : {safe_repr(val)}\n")
    else:
        for funcName, fileName, lineNumber, _, _ in frames:
            write(f"{fileName}:{lineNumber}: {funcName}(...)\n")
        write(" [Capture of Locals and Globals disabled (use captureVars=True)]\n")


class _StoredRepr(str):
    """A variable's repr saved when a Failure was cleaned or pickled; it shows as itself."""

    __slots__ = ()

    def __repr__(self) -> str:
        """Return the saved repr unchanged, so it is not quoted a second time."""
        return str(self)


def _reprItems(items: _VarItems) -> list[tuple[str, object]]:
    """Replace each variable value by its (stored) repr text.

    Args:
        items: ``(name, value)`` pairs.

    Returns:
        ``(name, repr)`` pairs; values that already are stored reprs are kept.
    """
    return [
        (name, val if isinstance(val, _StoredRepr) else _StoredRepr(safe_repr(val)))
        for name, val in items
    ]


def _reprFrames(frames: Sequence[_FrameInfo]) -> list[_FrameInfo]:
    """Copy frame descriptions with every captured variable replaced by its repr.

    Args:
        frames: Frame descriptions, as in ``Failure.frames``.

    Returns:
        The same frames, holding no references to the variables' values.
    """
    return [
        (name, fileName, line, _reprItems(localItems), _reprItems(globalItems))
        for name, fileName, line, localItems, globalItems in frames
    ]


class _FakeCode:
    """Just enough of a code object for the ``traceback`` and ``inspect`` modules."""

    co_argcount = 0
    co_posonlyargcount = 0
    co_kwonlyargcount = 0
    co_nlocals = 0
    co_stacksize = 0
    co_flags = 0
    co_firstlineno = 0
    co_code = b""
    co_lnotab = b""
    co_linetable = b""
    co_consts: tuple[object, ...] = ()
    co_names: tuple[str, ...] = ()
    co_varnames: tuple[str, ...] = ()
    co_freevars: tuple[str, ...] = ()
    co_cellvars: tuple[str, ...] = ()

    def __init__(self, name: str, filename: str) -> None:
        """Record the function name and file name of a frame.

        Args:
            name: The function name.
            filename: The source file name.
        """
        self.co_name = name
        self.co_qualname = name
        self.co_filename = filename

    def co_positions(self) -> Iterator[tuple[None, None, None, None]]:
        """Report that no column information is known."""
        return iter([(None, None, None, None)])


class _FakeFrame:
    """Just enough of a frame object for the ``traceback`` and ``inspect`` modules."""

    f_lasti = -1
    f_trace = None

    def __init__(self, info: _FrameInfo, back: _FakeFrame | None) -> None:
        """Build a frame from one ``Failure.frames`` entry.

        Args:
            info: The frame description.
            back: The calling (older) frame, if any.
        """
        name, filename, lineno, localItems, globalItems = info
        self.f_code = _FakeCode(name, filename)
        self.f_lineno = lineno
        self.f_locals: dict[str, object] = dict(localItems)
        self.f_globals: dict[str, object] = dict(globalItems)
        self.f_builtins: dict[str, object] = {}
        self.f_back = back


class _FakeTraceback:
    """Just enough of a traceback object for ``traceback.extract_tb`` and friends."""

    tb_lasti = -1

    def __init__(self, frame: _FakeFrame) -> None:
        """Wrap a fake frame as one traceback entry.

        Args:
            frame: The frame this entry refers to.
        """
        self.tb_frame = frame
        self.tb_lineno = frame.f_lineno
        self.tb_next: _FakeTraceback | None = None


def _fakeTraceback(frames: Sequence[_FrameInfo]) -> _FakeTraceback:
    """Chain fake traceback entries for the given frames, outermost first.

    Args:
        frames: A non-empty list of frame descriptions.

    Returns:
        The first (outermost) traceback entry.
    """
    frame = _FakeFrame(frames[0], None)
    head = tail = _FakeTraceback(frame)
    for info in frames[1:]:
        frame = _FakeFrame(info, frame)
        tail.tb_next = _FakeTraceback(frame)
        tail = tail.tb_next
    return head


def _restore(cls: _FailureClass) -> Failure:
    """Create an empty Failure for the unpickler; ``__setstate__`` fills it in.

    Args:
        cls: Failure or a subclass of it.

    Returns:
        A Failure without any state.
    """
    return cls.__new__(cls)


class Failure(BaseException):
    """An exception, its class and its traceback, captured so it can be passed around.

    Construction only stores the exception, its class and its traceback;
    ``frames`` and ``parents`` are worked out on first access.

    Twisted: twisted.python.failure.Failure.

    Attributes:
        type: The exception's class.
        value: The exception instance.
        tb: The traceback, or None once the failure was cleaned or pickled, or
            when the exception had none.
        count: A serial number, shown by ``printDetailedTraceback``.
        captureVars: Whether local and global variables of the frames were captured.
        pickled: 1 after ``cleanFailure`` or unpickling, 0 otherwise.
    """

    __slots__ = ("count", "tb", "type", "value")

    type: _ExcType
    value: BaseException
    tb: TracebackType | None
    count: int

    # Rarely set, so they live in the instance __dict__ with these class defaults.
    captureVars: bool = False
    pickled: int = 0
    _frames: list[_FrameInfo] | None = None
    _parents: list[str] | None = None

    def __init__(
        self,
        exc_value: BaseException | None = None,
        exc_type: _ExcType | None = None,
        exc_tb: TracebackType | None = None,
        captureVars: bool = False,
    ) -> None:
        """Capture an exception.

        Twisted: twisted.python.failure.Failure.__init__.

        Args:
            exc_value: The exception to wrap. When None, the exception currently
                being handled is used (and ``exc_type``/``exc_tb`` are ignored).
                Like Twisted, any other object is accepted and stored as is. When
                it is a Failure, this one becomes a copy of it.
            exc_type: The class to record; defaults to ``type(exc_value)``.
            exc_tb: The traceback to record; defaults to ``exc_value.__traceback__``.
            captureVars: Also record (right away) the local and global variables
                of every frame, for ``printDetailedTraceback``. Slow.

        Raises:
            NoCurrentExceptionError: If ``exc_value`` is None and no exception
                is being handled.
        """
        self.count = next(_counter)
        if exc_value is None:
            # The hot path: wrapping the exception an ``except`` block is handling.
            exc_value = sys.exception()
            if exc_value is None:
                raise NoCurrentExceptionError()
            if isinstance(exc_value, Failure):
                self._copyFrom(exc_value)
                return
            self.type = type(exc_value)
            self.tb = exc_value.__traceback__
        else:
            if isinstance(exc_value, BaseException):
                if isinstance(exc_value, Failure):
                    self._copyFrom(exc_value)
                    return
                self.tb = exc_tb or exc_value.__traceback__
            else:
                self.tb = exc_tb or None
            self.type = type(exc_value) if exc_type is None else exc_type
        self.value = exc_value
        if captureVars:
            self.captureVars = True
            self._frames = _framesFromTraceback(self.tb, True)

    def _copyFrom(self, other: Failure) -> None:
        """Make this failure a copy of ``other`` (state only, serial number included).

        Args:
            other: The failure to copy.
        """
        self.__dict__.update(other.__dict__)
        for name in Failure.__slots__:
            try:
                setattr(self, name, getattr(other, name))
            except AttributeError:
                pass

    @staticmethod
    def _withoutTraceback(value: BaseException) -> Failure:
        """Wrap an exception that has no traceback, skipping the general constructor.

        Twisted: twisted.python.failure.Failure._withoutTraceback.

        Args:
            value: The exception.

        Returns:
            A Failure with no traceback and no frames.
        """
        result = Failure.__new__(Failure)
        result.count = next(_counter)
        result.type = type(value)
        result.value = value
        result.tb = None
        return result

    @property
    def frames(self) -> list[_FrameInfo]:
        """The traceback's frames, outermost first, computed on first access.

        Each is ``(funcName, fileName, lineNumber, localsItems, globalsItems)``;
        the items are empty unless ``captureVars`` was set.

        Twisted: twisted.python.failure.Failure.frames.
        """
        frames = self._frames
        if frames is None:
            frames = self._frames = _framesFromTraceback(self.tb, self.captureVars)
        return frames

    @frames.setter
    def frames(self, frames: list[_FrameInfo]) -> None:
        self._frames = frames

    @property
    def parents(self) -> list[str]:
        """Dotted names (``module.name``) of every class in the exception type's MRO.

        Twisted: twisted.python.failure.Failure.parents.
        """
        parents = self._parents
        if parents is None:
            excType: object = self.type
            if isinstance(excType, type):
                parents = [_qual(cls) for cls in excType.__mro__]
            else:
                parents = [_qual(excType)]
            self._parents = parents
        return parents

    @parents.setter
    def parents(self, parents: list[str]) -> None:
        self._parents = parents

    def check(self, *errorTypes: _ErrorSpec) -> _ErrorSpec | None:
        """Return the first of ``errorTypes`` that this failure's exception is an instance of.

        Classes match when they appear in the exception type's MRO; strings match
        when they equal a name in ``parents`` (e.g. ``"builtins.ValueError"``).

        Twisted: twisted.python.failure.Failure.check.

        Args:
            *errorTypes: Exception classes and/or dotted class names.

        Returns:
            The first matching argument, or None.
        """
        try:
            mro: tuple[type, ...] = self.type.__mro__
        except AttributeError:
            mro = ()
        for error in errorTypes:
            if error in mro:
                return error
            if isinstance(error, str) and error in self.parents:
                return error
        return None

    def trap(self, *errorTypes: _ErrorSpec) -> _ErrorSpec:
        """Return the first of ``errorTypes`` that matches, else re-raise the exception.

        Meant for errbacks: an unexpected failure is passed on to the next errback.

        Twisted: twisted.python.failure.Failure.trap.

        Args:
            *errorTypes: Exception classes and/or dotted class names.

        Returns:
            The first matching argument.

        Raises:
            BaseException: The wrapped exception itself (with its original
                traceback) when nothing matches.
        """
        # Same matching as check(), inlined: trap() runs in most errbacks.
        try:
            mro: tuple[type, ...] = self.type.__mro__
        except AttributeError:
            mro = ()
        for error in errorTypes:
            if error in mro:
                return error
            if isinstance(error, str) and error in self.parents:
                return error
        raise self.value.with_traceback(self.tb)

    def raiseException(self) -> NoReturn:
        """Raise the wrapped exception, with its original traceback attached.

        Twisted: twisted.python.failure.Failure.raiseException.

        Raises:
            BaseException: The wrapped exception.
        """
        raise self.value.with_traceback(self.tb)

    def throwExceptionIntoGenerator(self, g: _Throwable[_T_co]) -> _T_co:
        """Raise the wrapped exception (with its traceback) inside a generator.

        Twisted: twisted.python.failure.Failure.throwExceptionIntoGenerator.

        Args:
            g: A suspended generator or coroutine.

        Returns:
            What the generator yields next.

        Raises:
            StopIteration: If the generator returns instead.
            BaseException: Whatever the generator raises.
        """
        return g.throw(self.value.with_traceback(self.tb))

    def cleanFailure(self) -> None:
        """Drop the traceback and frame objects, keeping their text.

        The frames are extracted first (captured variables are replaced by their
        reprs), then the traceback is dropped and the exception's
        ``__traceback__`` cleared, so tracebacks can still be printed afterwards.
        ``pickled`` becomes 1, as in Twisted.

        Twisted: twisted.python.failure.Failure.cleanFailure.
        """
        frames = self.frames
        if self.captureVars:
            self._frames = _reprFrames(frames)
        self.tb = None
        self.pickled = 1
        value = self.value
        if isinstance(value, BaseException) and value.__traceback__ is not None:
            value.__traceback__ = None

    def getTracebackObject(self) -> TracebackType | None:
        """Return something ``traceback.extract_tb`` accepts, for this failure's stack.

        That is the real traceback while it is kept; after ``cleanFailure`` or
        unpickling it is a look-alike object rebuilt from ``frames`` (not an
        instance of ``TracebackType``); None when there are no frames at all.

        Twisted: twisted.python.failure.Failure.getTracebackObject.

        Returns:
            A traceback (or look-alike), or None.
        """
        if self.tb is not None:
            return self.tb
        if self.frames:
            return cast(TracebackType, _fakeTraceback(self.frames))
        return None

    def getErrorMessage(self) -> str:
        """Return the exception's message, i.e. ``str(value)``, without ever raising.

        Twisted: twisted.python.failure.Failure.getErrorMessage.

        Returns:
            The message.
        """
        value = self.value
        if isinstance(value, Failure):
            return value.getErrorMessage()
        return safe_str(value)

    def getTraceback(self, elideFrameworkCode: int = 0, detail: str = "default") -> str:
        """Return the text ``printTraceback`` would write.

        Twisted: twisted.python.failure.Failure.getTraceback.

        Args:
            elideFrameworkCode: Ignored (as in Twisted).
            detail: ``"default"``, ``"brief"`` or ``"verbose"``.

        Returns:
            The traceback text.
        """
        out = StringIO()
        self.printTraceback(out, elideFrameworkCode, detail)
        return out.getvalue()

    def getBriefTraceback(self) -> str:
        """Return the compact traceback text (one ``file:line:func`` line per frame).

        Twisted: twisted.python.failure.Failure.getBriefTraceback.

        Returns:
            The traceback text.
        """
        out = StringIO()
        self.printTraceback(out, detail="brief")
        return out.getvalue()

    def printTraceback(
        self,
        file: IO[str] | None = None,
        elideFrameworkCode: bool | int = False,
        detail: str = "default",
    ) -> None:
        """Write the traceback, formatted like Python's own by default.

        Twisted: twisted.python.failure.Failure.printTraceback.

        Args:
            file: Where to write; ``sys.stderr`` when None.
            elideFrameworkCode: Ignored (as in Twisted).
            detail: ``"default"``, ``"brief"`` or ``"verbose"``.

        Raises:
            ValueError: If ``detail`` is not a known level.
        """
        if detail not in _DETAILS:
            raise ValueError(f"detail must be 'default', 'brief' or 'verbose', not {detail!r}")
        if file is None:
            file = sys.stderr
        write = file.write
        frames = self.frames

        if detail == "verbose":
            write(f"*--- Failure #{self.count}{' (pickled) ' if self.pickled else ' '}---\n")
        elif detail == "brief":
            hasFrames = "Traceback" if frames else "Traceback (failure with no frames)"
            write(f"{hasFrames}: {safe_str(self.type)}: {safe_str(self.value)}\n")
        else:
            write("Traceback (most recent call last):\n")

        if frames:
            if detail == "verbose" and not self.captureVars:
                format_frames(frames, write, "verbose-vars-not-captured")
            else:
                format_frames(frames, write, detail)
        elif detail != "brief":
            write("Failure: ")

        if detail != "brief":
            write(f"{_qual(self.type)}: {safe_str(self.value)}\n")

        if isinstance(self.value, Failure):
            write(" (chained Failure)\n")
            self.value.printTraceback(file, elideFrameworkCode, detail)
        if detail == "verbose":
            write(f"*--- End of Failure #{self.count} ---\n")

    def printBriefTraceback(
        self, file: IO[str] | None = None, elideFrameworkCode: bool | int = 0
    ) -> None:
        """Write the compact traceback (one ``file:line:func`` line per frame).

        Twisted: twisted.python.failure.Failure.printBriefTraceback.

        Args:
            file: Where to write; ``sys.stderr`` when None.
            elideFrameworkCode: Ignored (as in Twisted).
        """
        self.printTraceback(file, elideFrameworkCode, detail="brief")

    def printDetailedTraceback(
        self, file: IO[str] | None = None, elideFrameworkCode: bool | int = 0
    ) -> None:
        """Write the traceback with each frame's variables (if they were captured).

        Twisted: twisted.python.failure.Failure.printDetailedTraceback.

        Args:
            file: Where to write; ``sys.stderr`` when None.
            elideFrameworkCode: Ignored (as in Twisted).
        """
        self.printTraceback(file, elideFrameworkCode, detail="verbose")

    def __repr__(self) -> str:
        """Return ``<module.Failure module.ExcType: message>``.

        Twisted: twisted.python.failure.Failure.__repr__.
        """
        return f"<{_qual(type(self))} {_qual(self.type)}: {self.getErrorMessage()}>"

    def __str__(self) -> str:
        """Return ``[Failure instance: <brief traceback>]``.

        Twisted: twisted.python.failure.Failure.__str__.
        """
        return f"[Failure instance: {self.getBriefTraceback()}]"

    def __getstate__(self) -> dict[str, object]:
        """Return a picklable state: no traceback object, variables as reprs.

        The keys follow Twisted's (``parents`` and ``frames`` included,
        ``tb`` set to None, ``pickled`` set to 1).

        Twisted: twisted.python.failure.Failure.__getstate__.

        Returns:
            The state dictionary.
        """
        state: dict[str, object] = dict(self.__dict__)
        state.pop("_frames", None)
        state.pop("_parents", None)
        for name in Failure.__slots__:
            try:
                state[name] = getattr(self, name)
            except AttributeError:
                pass
        state["captureVars"] = self.captureVars
        state["parents"] = self.parents
        state["frames"] = _reprFrames(self.frames) if self.captureVars else self.frames
        state["tb"] = None
        state["pickled"] = 1
        return state

    def __setstate__(self, state: dict[str, Any] | None) -> None:
        """Restore the state made by ``__getstate__``.

        Twisted: twisted.python.failure.Failure.__setstate__.

        Args:
            state: The state dictionary.
        """
        state = dict(state or {})
        state.pop("stack", None)
        if "parents" in state:
            state["_parents"] = state.pop("parents")
        if "frames" in state:
            state["_frames"] = state.pop("frames")
        for name in Failure.__slots__:
            if name in state:
                setattr(self, name, state.pop(name))
        self.__dict__.update(state)

    def __reduce__(self) -> tuple[Callable[[_FailureClass], Failure], tuple[_FailureClass], Any]:
        """Pickle through ``__getstate__`` instead of ``BaseException``'s args-based reduce."""
        return (_restore, (type(self),), self.__getstate__())


if not TYPE_CHECKING:
    # (Hidden from type checkers, which would otherwise accept any name from this module.)

    def __getattr__(name: str) -> object:
        # A Twisted name twistlike does not provide fails with the reason (docs/missing.md).
        from twistlike._porting.missing import missing_name_error

        raise missing_name_error(__name__, name)

"""Tests for twistlike.failure, many of them differential against Twisted's Failure."""

from __future__ import annotations

import ast
import copy
import io
import pickle
import re
import sys
import traceback
import types
from collections.abc import Callable, Generator
from typing import Any

import pytest
import twisted.python.failure as tfailure
from hypothesis import given
from hypothesis import strategies as st

import twistlike.failure as ofailure
from twistlike.failure import (
    DefaultException,
    Failure,
    NoCurrentExceptionError,
    format_frames,
)

# Twisted's module is unannotated; give it an explicit Any type for mypy --strict.
TFailure: Any = tfailure.Failure
TNoCurrentExceptionError: Any = tfailure.NoCurrentExceptionError
tformat_frames: Any = tfailure.format_frames


class AppError(Exception):
    """A project-specific exception."""


class SubError(AppError):
    """A subclass of AppError."""


class OtherError(Exception):
    """An exception unrelated to AppError."""


class MultiError(SubError, KeyError):
    """An exception with two bases."""


class Outer:
    """Holder for a nested exception class."""

    class Inner(Exception):
        """A nested exception; Twisted names it by ``__name__`` only."""


class BrokenStr(Exception):
    """An exception whose ``__str__`` raises."""

    def __str__(self) -> str:
        raise RuntimeError("no str for you")


EXCEPTION_CLASSES: list[type[Exception]] = [
    Exception,
    ValueError,
    KeyError,
    IndexError,
    LookupError,
    ZeroDivisionError,
    ArithmeticError,
    OSError,
    FileNotFoundError,
    RuntimeError,
    NotImplementedError,
    AppError,
    SubError,
    OtherError,
    MultiError,
    Outer.Inner,
]


def _qual(cls: type) -> str:
    """Name a class the way Twisted's ``reflect.qual`` does."""
    return f"{cls.__module__}.{cls.__name__}"


def _raise(exc: BaseException) -> None:
    """Raise ``exc`` (a separate frame, so tracebacks have two entries)."""
    raise exc


def _capture(factory: Any, make: Callable[[], BaseException], **kwargs: Any) -> Any:
    """Raise ``make()`` through ``_raise`` and wrap it with ``factory()`` in the handler."""
    try:
        _raise(make())
    except BaseException:
        return factory(**kwargs)
    raise AssertionError("unreachable")


def _pair(make: Callable[[], BaseException], **kwargs: Any) -> tuple[Any, Failure]:
    """Build a Twisted Failure and a twistlike Failure for equal exceptions raised identically."""
    theirs = _capture(TFailure, make, **kwargs)
    ours = _capture(Failure, make, **kwargs)
    assert isinstance(ours, Failure)
    return theirs, ours


def _ourRepr(text: str) -> str:
    """Rewrite Twisted's Failure class name into ours."""
    return text.replace("twisted.python.failure.Failure", "twistlike.failure.Failure")


def _noCount(text: str) -> str:
    """Blank out the serial numbers in verbose tracebacks."""
    return re.sub(r"Failure #\d+", "Failure #N", text)


# --- construction ----------------------------------------------------------------


def test_captures_current_exception() -> None:
    """Failure() inside an except block records the handled exception, its class and traceback."""
    try:
        _raise(ValueError("boom"))
    except ValueError:
        excType, excValue, excTb = sys.exc_info()
        f = Failure()
    assert f.type is excType
    assert f.value is excValue
    assert f.tb is excTb
    assert f.captureVars is False


def test_no_current_exception_raises() -> None:
    """Failure() outside an except block raises NoCurrentExceptionError, as Twisted does."""
    with pytest.raises(TNoCurrentExceptionError):
        TFailure()
    with pytest.raises(NoCurrentExceptionError, match="no current exception"):
        Failure()
    assert issubclass(NoCurrentExceptionError, Exception)


def test_no_current_exception_after_handler_finished() -> None:
    """Once an except block is left there is no current exception any more."""
    try:
        _raise(ValueError("gone"))
    except ValueError:
        pass
    with pytest.raises(NoCurrentExceptionError):
        Failure()


def test_current_exception_ignores_type_and_tb_arguments() -> None:
    """With no exc_value, exc_type and exc_tb are ignored in favour of sys.exc_info()."""
    theirs, ours = _pair(lambda: ValueError("a"), exc_type=KeyError, exc_tb=None, captureVars=False)
    assert ours.type is ValueError is theirs.type
    assert ours.frames == theirs.frames
    assert len(ours.frames) == 2


def test_explicit_value_uses_its_traceback() -> None:
    """An exception instance passed in brings its own __traceback__ along."""
    try:
        _raise(KeyError("k"))
    except KeyError as e:
        exc = e
    ours, theirs = Failure(exc), TFailure(exc)
    assert ours.tb is exc.__traceback__ is theirs.tb
    assert ours.type is KeyError
    assert ours.frames == theirs.frames


def test_explicit_value_inside_other_handler_ignores_current_exception() -> None:
    """An explicit exception never raised has no traceback, even inside another except block."""
    try:
        _raise(ValueError("a"))
    except ValueError:
        ours, theirs = Failure(KeyError("other")), TFailure(KeyError("other"))
    assert ours.tb is None is theirs.tb
    assert ours.frames == [] == theirs.frames
    assert ours.type is KeyError


def test_explicit_traceback_wins() -> None:
    """An explicit exc_tb is recorded instead of the exception's own traceback."""
    try:
        _raise(ValueError("first"))
    except ValueError as e:
        tb = e.__traceback__
    exc = KeyError("second")
    f = Failure(exc, exc_tb=tb)
    assert f.tb is tb
    assert [frame[0] for frame in f.frames] == [
        frame[0] for frame in TFailure(exc, None, tb).frames
    ]
    assert f.frames[-1][0] == "_raise"


def test_explicit_type() -> None:
    """exc_type overrides the recorded class, and parents follow it, as in Twisted."""
    ours = Failure(ValueError("v"), exc_type=KeyError)
    theirs = TFailure(ValueError("v"), exc_type=KeyError)
    assert ours.type is KeyError is theirs.type
    assert ours.parents == theirs.parents
    assert ours.check(LookupError) is LookupError
    assert theirs.check(LookupError) is LookupError


def test_non_exception_value_is_wrapped() -> None:
    """A non-exception value is stored as is with its own class, like Twisted does."""
    # Deliberately outside the annotated contract (value: BaseException), hence Any.
    ours: Any = Failure("a string")  # type: ignore[arg-type]
    theirs = TFailure("a string")
    assert ours.type is str is theirs.type
    assert ours.value == "a string" == theirs.value
    assert ours.getErrorMessage() == theirs.getErrorMessage()
    assert repr(ours) == _ourRepr(repr(theirs))
    assert ours.getTraceback() == theirs.getTraceback()
    assert ours.check(str) is str
    assert theirs.check(str) is str


def test_exception_class_value() -> None:
    """An exception class passed as the value is stored with type ``type``, like Twisted."""
    ours: Any = Failure(ValueError)  # type: ignore[arg-type]
    theirs = TFailure(ValueError)
    assert ours.type is type is theirs.type
    assert ours.value is ValueError is theirs.value
    assert ours.getErrorMessage() == theirs.getErrorMessage() == "<class 'ValueError'>"
    assert repr(ours) == _ourRepr(repr(theirs))
    # Divergence: Twisted mistakes the class's __traceback__ descriptor for a traceback.
    assert ours.tb is None
    assert ours.getTraceback() == (
        "Traceback (most recent call last):\nFailure: builtins.type: <class 'ValueError'>\n"
    )


def test_failure_is_base_exception() -> None:
    """Failure subclasses BaseException, as Twisted's does, so it can be raised."""
    assert isinstance(Failure(ValueError()), BaseException)
    assert isinstance(TFailure(ValueError()), BaseException)


def test_wrapping_a_failure_copies_it() -> None:
    """Failure(otherFailure) becomes a copy of the other failure, serial number included."""
    theirs, ours = _pair(lambda: ValueError("copied"), captureVars=True)
    ourCopy, theirCopy = Failure(ours), TFailure(theirs)
    for attr in ("type", "tb", "count", "captureVars", "pickled"):
        assert getattr(ourCopy, attr) is getattr(ours, attr)
        assert getattr(theirCopy, attr) is getattr(theirs, attr)
    assert ourCopy.value is ours.value
    assert ourCopy.frames == ours.frames
    assert ourCopy.getTraceback() == ours.getTraceback()


def test_wrapping_a_failure_with_explicit_type_still_copies() -> None:
    """Even with exc_type given, wrapping a Failure copies it, like Twisted."""
    original = Failure(ValueError("x"))
    assert Failure(original, exc_type=KeyError).type is ValueError
    assert TFailure(TFailure(ValueError("x")), exc_type=KeyError).type is ValueError


def test_raised_failure_is_copied_when_captured() -> None:
    """Failure() while handling a raised Failure copies that Failure instead of wrapping it."""
    inner = Failure(ValueError("inner"))
    try:
        raise inner
    except Failure:
        outer = Failure()
    assert outer.type is ValueError
    assert outer.value is inner.value
    assert outer.count == inner.count
    tinner = TFailure(ValueError("inner"))
    try:
        raise tinner
    except BaseException:
        touter = TFailure()
    assert touter.type is ValueError


def test_count_increases() -> None:
    """Each new Failure gets a larger serial number than the previous one."""
    first, second = Failure(ValueError()), Failure(ValueError())
    assert second.count > first.count
    assert Failure._withoutTraceback(ValueError()).count > second.count


def test_without_traceback_constructor() -> None:
    """_withoutTraceback wraps an exception with no traceback and no frames."""
    exc = OtherError("fast")
    f = Failure._withoutTraceback(exc)
    assert f.value is exc
    assert f.type is OtherError
    assert f.tb is None
    assert f.frames == []
    assert f.captureVars is False
    assert f.getTraceback() == TFailure._withoutTraceback(exc).getTraceback()


def test_capture_vars_snapshots_at_construction() -> None:
    """With captureVars the variables are recorded when the Failure is made, not later."""
    marker = "before"
    try:
        _raise(ValueError("v"))
    except ValueError:
        f = Failure(captureVars=True)
    marker = "after"
    assert marker == "after"
    localItems = dict(f.frames[0][3])
    assert localItems["marker"] == "before"
    assert "f" not in localItems
    assert f.captureVars is True


def test_capture_vars_matches_twisted() -> None:
    """Captured locals and globals equal Twisted's for a frame that has finished running."""
    theirs, ours = _pair(lambda: ValueError("v"), captureVars=True)
    ourName, ourFile, ourLine, ourLocals, ourGlobals = ours.frames[-1]
    theirName, theirFile, theirLine, theirLocals, theirGlobals = theirs.frames[-1]
    assert (ourName, ourFile, ourLine) == (theirName, theirFile, theirLine)
    assert [(k, repr(v)) for k, v in ourLocals] == [(k, repr(v)) for k, v in theirLocals]
    assert list(ourGlobals) == list(theirGlobals)
    assert dict(ourLocals)["exc"] is ours.value
    assert "__builtins__" not in dict(ours.frames[-1][4])
    assert dict(ours.frames[-1][4])["_raise"] is _raise


def test_frames_without_capture_have_empty_items() -> None:
    """Without captureVars every frame has empty locals and globals, and equals Twisted's."""
    theirs, ours = _pair(lambda: KeyError("k"))
    assert ours.frames == theirs.frames
    assert [frame[0] for frame in ours.frames] == ["_capture", "_raise"]
    assert all(frame[3] == () and frame[4] == () for frame in ours.frames)
    assert ours.frames[0][1] == __file__


# --- laziness ------------------------------------------------------------------------


def test_frames_are_computed_lazily_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Constructing a Failure does not walk the traceback; the first frames access does, once."""
    calls: list[object] = []
    original = ofailure._framesFromTraceback

    def counting(tb: types.TracebackType | None, captureVars: bool) -> Any:
        calls.append(tb)
        return original(tb, captureVars)

    monkeypatch.setattr(ofailure, "_framesFromTraceback", counting)
    try:
        _raise(ValueError("lazy"))
    except ValueError:
        f = Failure()
    assert calls == []
    first = f.frames
    assert f.frames is first
    assert len(calls) == 1


def test_parents_are_computed_lazily_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Constructing or class-based check() never names classes; parents is computed once."""
    calls: list[object] = []
    original = ofailure._qual

    def counting(obj: object) -> str:
        calls.append(obj)
        return original(obj)

    monkeypatch.setattr(ofailure, "_qual", counting)
    try:
        _raise(SubError("lazy"))
    except SubError:
        f = Failure()
    assert f.check(KeyError, AppError) is AppError
    assert calls == []
    first = f.parents
    assert f.parents is first
    assert len(calls) == len(SubError.__mro__)


# --- parents and check ---------------------------------------------------------------


@given(st.sampled_from(EXCEPTION_CLASSES))
def test_parents_match_twisted(excClass: type[Exception]) -> None:
    """parents lists the dotted names of the type's MRO exactly as Twisted does."""
    ours, theirs = Failure(excClass()), TFailure(excClass())
    assert ours.parents == theirs.parents
    assert ours.parents[0] == _qual(excClass)
    assert ours.parents[-1] == "builtins.object"


def test_parents_use_name_not_qualname() -> None:
    """Nested classes are named module.Name (not module.Outer.Name), as in Twisted."""
    ours = Failure(Outer.Inner())
    assert ours.parents[0] == f"{__name__}.Inner"
    assert ours.parents == TFailure(Outer.Inner()).parents
    assert ours.check(f"{__name__}.Inner") == f"{__name__}.Inner"


_specs = st.sampled_from(EXCEPTION_CLASSES).flatmap(
    lambda cls: st.sampled_from([cls, _qual(cls)])
) | st.sampled_from(["nonexistent.Error", "ValueError", "builtins.object"])


@given(st.sampled_from(EXCEPTION_CLASSES), st.lists(_specs, max_size=6))
def test_check_matches_twisted(
    excClass: type[Exception], specs: list[type[Exception] | str]
) -> None:
    """check() returns the same argument as Twisted's for Exception classes and dotted names."""
    ours, theirs = Failure(excClass()), TFailure(excClass())
    assert ours.check(*specs) == theirs.check(*specs)


_ALL_CLASSES: list[type[BaseException]] = [
    *EXCEPTION_CLASSES,
    BaseException,
    KeyboardInterrupt,
    SystemExit,
    GeneratorExit,
]


@given(st.sampled_from(_ALL_CLASSES), st.lists(st.sampled_from(_ALL_CLASSES), max_size=6))
def test_check_is_mro_aware(
    excClass: type[BaseException], classes: list[type[BaseException]]
) -> None:
    """check() returns the first argument that is in the exception type's MRO, by class or name."""
    f = Failure(excClass())
    expected = next((cls for cls in classes if issubclass(excClass, cls)), None)
    assert f.check(*classes) is expected
    names = [_qual(cls) for cls in classes]
    expectedName = None if expected is None else _qual(expected)
    assert f.check(*names) == expectedName


def test_check_returns_first_argument_in_argument_order() -> None:
    """check() returns the first matching argument, even if a later one is more specific."""
    f = Failure(SubError())
    assert f.check(OtherError, Exception, SubError) is Exception
    assert f.check("builtins.Exception", SubError) == "builtins.Exception"
    assert f.check() is None


def test_check_base_exception_types_divergence() -> None:
    """BaseException-only types match through their MRO (Twisted only compares them by identity)."""
    ours, theirs = Failure(KeyboardInterrupt()), TFailure(KeyboardInterrupt())
    assert ours.check(KeyboardInterrupt) is KeyboardInterrupt
    assert theirs.check(KeyboardInterrupt) is KeyboardInterrupt
    assert ours.check(BaseException) is BaseException
    assert theirs.check(BaseException) is None
    assert ours.check("builtins.KeyboardInterrupt") == "builtins.KeyboardInterrupt"
    assert theirs.check("builtins.KeyboardInterrupt") is None
    assert ours.parents == [
        "builtins.KeyboardInterrupt",
        "builtins.BaseException",
        "builtins.object",
    ]
    assert Failure(ValueError()).check(BaseException) is BaseException
    assert TFailure(ValueError()).check(BaseException) is None


def test_check_does_not_use_virtual_subclasses() -> None:
    """check() follows the real MRO, so ABC-registered virtual subclasses do not match."""
    import abc

    class Marker(abc.ABC):  # noqa: B024
        pass

    Marker.register(ValueError)
    assert issubclass(ValueError, Marker)
    assert Failure(ValueError()).check(Marker) is None  # type: ignore[arg-type]


# --- trap, raiseException, throwExceptionIntoGenerator ---------------------------------


def test_trap_returns_match() -> None:
    """trap() returns the matching argument when the failure matches."""
    theirs, ours = _pair(lambda: SubError("t"))
    assert ours.trap(KeyError, AppError) is AppError
    assert theirs.trap(KeyError, AppError) is AppError
    assert ours.trap(f"{__name__}.SubError") == f"{__name__}.SubError"


def _tbNames(exc: BaseException) -> list[str]:
    """Function names along an exception's traceback, outermost first."""
    return [entry.name for entry in traceback.extract_tb(exc.__traceback__)]


def test_trap_reraises_original_exception() -> None:
    """trap() re-raises the wrapped exception itself, original traceback included, as Twisted."""
    theirs, ours = _pair(lambda: ValueError("not trapped"))
    with pytest.raises(ValueError) as ourInfo:
        ours.trap(KeyError, "builtins.TypeError")
    with pytest.raises(ValueError) as theirInfo:
        theirs.trap(KeyError, "builtins.TypeError")
    assert ourInfo.value is ours.value
    assert theirInfo.value is theirs.value
    theirNames = _tbNames(theirInfo.value)
    assert theirNames[:3] == ["test_trap_reraises_original_exception", "trap", "raiseException"]
    # Divergence: trap() raises by itself, so there is no extra raiseException frame.
    assert _tbNames(ourInfo.value) == [theirNames[0], "trap", *theirNames[3:]]
    assert _tbNames(ourInfo.value)[-2:] == ["_capture", "_raise"]


def test_raise_exception_keeps_original_traceback() -> None:
    """raiseException() raises the value with the original raise site in its traceback."""
    theirs, ours = _pair(lambda: OtherError("again"))
    with pytest.raises(OtherError) as ourInfo:
        ours.raiseException()
    with pytest.raises(OtherError) as theirInfo:
        theirs.raiseException()
    assert ourInfo.value is ours.value
    assert _tbNames(ourInfo.value) == _tbNames(theirInfo.value)
    assert _tbNames(ourInfo.value)[-3:] == ["raiseException", "_capture", "_raise"]


def test_raise_exception_without_traceback() -> None:
    """raiseException() on a never-raised exception raises it with just the new frames."""
    exc = ValueError("fresh")
    with pytest.raises(ValueError) as info:
        Failure(exc).raiseException()
    assert info.value is exc
    assert _tbNames(exc)[-1] == "raiseException"


def _otherTraceback() -> types.TracebackType:
    """Return a traceback whose innermost frame is ``_raise``, from an unrelated exception."""
    try:
        _raise(OSError("elsewhere"))
    except OSError as e:
        assert e.__traceback__ is not None
        return e.__traceback__
    raise AssertionError("unreachable")


def test_raise_exception_uses_recorded_traceback() -> None:
    """raiseException() attaches the recorded traceback even when the value carries another."""
    exc = ValueError("explicit tb")
    tb = _otherTraceback()
    ours, theirs = Failure(exc, exc_tb=tb), TFailure(exc, None, tb)
    exc.__traceback__ = None
    with pytest.raises(ValueError) as info:
        ours.raiseException()
    assert _tbNames(info.value)[-3:] == ["raiseException", "_otherTraceback", "_raise"]
    exc.__traceback__ = None
    with pytest.raises(ValueError) as theirInfo:
        theirs.raiseException()
    assert _tbNames(theirInfo.value)[-3:] == ["raiseException", "_otherTraceback", "_raise"]
    exc.__traceback__ = None
    with pytest.raises(ValueError) as trapInfo:
        ours.trap(KeyError)
    assert _tbNames(trapInfo.value)[-3:] == ["trap", "_otherTraceback", "_raise"]


def test_throw_into_generator_uses_recorded_traceback() -> None:
    """throwExceptionIntoGenerator() throws the value with the recorded traceback attached."""
    exc = KeyError("explicit tb")
    ours = Failure(exc, exc_tb=_otherTraceback())
    exc.__traceback__ = None
    gen = _catcher()
    next(gen)
    with pytest.raises(KeyError) as info:
        ours.throwExceptionIntoGenerator(gen)
    assert _tbNames(info.value)[-2:] == ["_otherTraceback", "_raise"]


def _catcher() -> Generator[str, None, None]:
    """Yield once, then report whether a ValueError was thrown in."""
    try:
        yield "started"
    except ValueError as e:
        yield f"caught {e}"


def test_throw_into_generator_returns_next_yield() -> None:
    """throwExceptionIntoGenerator() returns what the generator yields after catching."""
    theirs, ours = _pair(lambda: ValueError("g"))
    gen = _catcher()
    assert next(gen) == "started"
    assert ours.throwExceptionIntoGenerator(gen) == "caught g"
    tgen = _catcher()
    next(tgen)
    assert theirs.throwExceptionIntoGenerator(tgen) == "caught g"


def test_throw_into_generator_propagates_with_traceback() -> None:
    """An uncaught thrown exception comes back out with the original raise site in its traceback."""
    _, ours = _pair(lambda: KeyError("nope"))
    gen = _catcher()
    next(gen)
    with pytest.raises(KeyError) as info:
        ours.throwExceptionIntoGenerator(gen)
    assert info.value is ours.value
    assert _tbNames(info.value)[-2:] == ["_capture", "_raise"]
    assert "_catcher" in _tbNames(info.value)


def test_throw_into_finished_generator_raises_stop_iteration() -> None:
    """When the generator returns after catching, StopIteration carries its return value."""

    def returner() -> Generator[None, None, str]:
        try:
            yield None
        except ValueError:
            return "done"
        return "not thrown"

    gen = returner()
    next(gen)
    with pytest.raises(StopIteration) as info:
        Failure(ValueError()).throwExceptionIntoGenerator(gen)
    assert info.value.value == "done"


def test_throw_into_coroutine() -> None:
    """throwExceptionIntoGenerator() also works on a suspended coroutine."""

    class Suspend:
        def __await__(self) -> Generator[str, None, None]:
            yield "suspended"

    async def coro() -> str:
        try:
            await Suspend()
        except ValueError:
            return "handled"
        return "not thrown"

    c = coro()
    assert c.send(None) == "suspended"
    with pytest.raises(StopIteration) as info:
        Failure(ValueError()).throwExceptionIntoGenerator(c)
    assert info.value.value == "handled"


# --- messages and tracebacks -----------------------------------------------------------


@given(st.one_of(st.text(), st.binary(), st.integers()))
def test_error_message_matches_twisted(payload: object) -> None:
    """getErrorMessage() equals Twisted's for exception and non-exception values."""
    assert Failure(ValueError(payload)).getErrorMessage() == (
        TFailure(ValueError(payload)).getErrorMessage()
    )
    assert Failure(payload).getErrorMessage() == TFailure(payload).getErrorMessage()  # type: ignore[arg-type]


def test_error_message_known_values() -> None:
    """getErrorMessage() is str(value), with UTF-8 bytes decoded."""
    assert Failure(ValueError("boom")).getErrorMessage() == "boom"
    assert Failure(KeyError("k")).getErrorMessage() == "'k'"
    assert Failure(b"caf\xc3\xa9").getErrorMessage() == "café"  # type: ignore[arg-type]
    assert Failure(b"\xff").getErrorMessage() == "b'\\xff'"  # type: ignore[arg-type]


def test_error_message_survives_broken_str() -> None:
    """A value whose __str__ raises gets a description instead of an exception, like Twisted."""
    exc = BrokenStr()
    ours, theirs = Failure(exc).getErrorMessage(), TFailure(exc).getErrorMessage()
    prefix = f"<BrokenStr instance at 0x{id(exc):x} with str error:\n Traceback"
    assert ours.startswith(prefix)
    assert theirs.startswith(prefix)
    assert "RuntimeError: no str for you" in ours
    assert ours.endswith(">")
    assert repr(Failure(exc)).startswith(
        f"<twistlike.failure.Failure {__name__}.BrokenStr: <Broken"
    )


@pytest.mark.parametrize("detail", ["default", "brief", "verbose"])
def test_traceback_text_matches_twisted(detail: str) -> None:
    """getTraceback() produces exactly Twisted's text for each detail level."""
    theirs, ours = _pair(lambda: AppError("text"))
    assert _noCount(ours.getTraceback(detail=detail)) == _noCount(
        theirs.getTraceback(detail=detail)
    )


def test_default_traceback_shape() -> None:
    """The default traceback looks like Python's, ending with the dotted class name and message."""
    _, ours = _pair(lambda: AppError("text"))
    lines = ours.getTraceback().splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert re.fullmatch(r'  File ".*test_failure\.py", line \d+, in _capture', lines[1])
    assert lines[2] == "    _raise(make())"
    assert re.fullmatch(r'  File ".*test_failure\.py", line \d+, in _raise', lines[3])
    assert lines[4] == "    raise exc"
    assert lines[5] == f"{__name__}.AppError: text"
    assert len(lines) == 6


def test_brief_traceback_shape() -> None:
    """getBriefTraceback() has a header with the class and message, then file:line:func lines."""
    theirs, ours = _pair(lambda: ValueError("brief"))
    lines = ours.getBriefTraceback().splitlines()
    assert lines[0] == "Traceback: <class 'ValueError'>: brief"
    assert re.fullmatch(r".*test_failure\.py:\d+:_capture", lines[1])
    assert re.fullmatch(r".*test_failure\.py:\d+:_raise", lines[2])
    assert len(lines) == 3
    assert ours.getBriefTraceback() == theirs.getBriefTraceback()


def test_tracebacks_without_frames_match_twisted() -> None:
    """A failure with no frames prints Twisted's 'Failure:' and 'no frames' variants."""
    ours, theirs = Failure(ValueError("nf")), TFailure(ValueError("nf"))
    assert ours.getTraceback() == theirs.getTraceback()
    assert ours.getTraceback() == (
        "Traceback (most recent call last):\nFailure: builtins.ValueError: nf\n"
    )
    assert ours.getBriefTraceback() == theirs.getBriefTraceback()
    assert (
        ours.getBriefTraceback() == "Traceback (failure with no frames): <class 'ValueError'>: nf\n"
    )
    assert _noCount(ours.getTraceback(detail="verbose")) == _noCount(
        theirs.getTraceback(detail="verbose")
    )


def test_verbose_traceback_without_vars() -> None:
    """The verbose traceback says variables were not captured and is framed by the serial number."""
    _, ours = _pair(lambda: ValueError("v"))
    text = ours.getTraceback(detail="verbose")
    assert text.startswith(f"*--- Failure #{ours.count} ---\n")
    assert text.endswith(f"builtins.ValueError: v\n*--- End of Failure #{ours.count} ---\n")
    assert " [Capture of Locals and Globals disabled (use captureVars=True)]\n" in text
    assert re.search(r"test_failure\.py:\d+: _raise\(\.\.\.\)\n", text)


def test_verbose_traceback_with_vars_matches_twisted() -> None:
    """With captured variables, the verbose text of a finished frame equals Twisted's."""
    theirs, ours = _pair(lambda: ValueError("vars"), captureVars=True)
    ourText, theirText = io.StringIO(), io.StringIO()
    format_frames(ours.frames[-1:], ourText.write, "verbose")
    tformat_frames(theirs.frames[-1:], theirText.write, "verbose")
    assert ourText.getvalue() == theirText.getvalue()
    assert " [ Locals ]\n  exc : ValueError('vars')\n ( Globals )\n" in ourText.getvalue()
    assert "[Capture of Locals" not in ours.getTraceback(detail="verbose")


@pytest.mark.parametrize("detail", ["default", "brief", "verbose", "verbose-vars-not-captured"])
def test_format_frames_matches_twisted(detail: str) -> None:
    """format_frames() writes the same text as Twisted's for every detail level."""
    theirs, ours = _pair(lambda: ValueError("ff"))
    ourText, theirText = io.StringIO(), io.StringIO()
    format_frames(ours.frames, ourText.write, detail)
    tformat_frames(theirs.frames, theirText.write, detail)
    assert ourText.getvalue() == theirText.getvalue()
    assert ourText.getvalue()


def test_bad_detail_raises() -> None:
    """An unknown detail level raises ValueError, even when there are no frames to format."""
    _, ours = _pair(lambda: ValueError("d"))
    with pytest.raises(ValueError, match="bogus"):
        ours.getTraceback(detail="bogus")
    with pytest.raises(ValueError, match="bogus"):
        Failure(ValueError()).getTraceback(detail="bogus")
    with pytest.raises(ValueError, match="bogus"):
        format_frames([], io.StringIO().write, "bogus")


def test_print_traceback_defaults_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    """printTraceback() with no file writes the default traceback to sys.stderr."""
    _, ours = _pair(lambda: ValueError("stderr"))
    ours.printTraceback()
    out = capsys.readouterr()
    assert out.err == ours.getTraceback()
    assert out.out == ""
    ours.printBriefTraceback()
    assert capsys.readouterr().err == ours.getBriefTraceback()
    ours.printDetailedTraceback()
    assert capsys.readouterr().err == ours.getTraceback(detail="verbose")


def test_print_methods_write_to_file() -> None:
    """The print methods write the same text the get methods return."""
    _, ours = _pair(lambda: ValueError("file"))
    for printer, expected in [
        (ours.printTraceback, ours.getTraceback()),
        (ours.printBriefTraceback, ours.getBriefTraceback()),
        (ours.printDetailedTraceback, ours.getTraceback(detail="verbose")),
    ]:
        out = io.StringIO()
        printer(out)
        assert out.getvalue() == expected
    out = io.StringIO()
    ours.printTraceback(out, detail="brief")
    assert out.getvalue() == ours.getBriefTraceback()


def test_chained_failure_value_matches_twisted() -> None:
    """A Failure whose value is another Failure delegates its message and prints both."""
    theirInner, ourInner = _pair(lambda: ValueError("inner"))
    ours, theirs = Failure(KeyError("outer")), TFailure(KeyError("outer"))
    ours.value = ourInner
    theirs.value = theirInner
    assert ours.getErrorMessage() == "inner" == theirs.getErrorMessage()
    assert " (chained Failure)\n" in ours.getTraceback()
    assert ours.getTraceback().endswith(ourInner.getTraceback())
    assert ours.getTraceback() == theirs.getTraceback()
    assert ours.getBriefTraceback() == theirs.getBriefTraceback()


def test_repr_and_str_match_twisted() -> None:
    """repr() and str() have Twisted's formats, with our class name in repr."""
    theirs, ours = _pair(lambda: ValueError("boom"))
    assert repr(ours) == "<twistlike.failure.Failure builtins.ValueError: boom>"
    assert repr(ours) == _ourRepr(repr(theirs))
    assert str(ours) == str(theirs)
    assert str(ours) == f"[Failure instance: {ours.getBriefTraceback()}]"


def test_repr_names_subclass() -> None:
    """repr() names the actual class of a Failure subclass."""

    class MyFailure(Failure):
        __slots__ = ()

    text = repr(MyFailure(OtherError("x")))
    assert text == f"<{__name__}.MyFailure {__name__}.OtherError: x>"


# --- cleanFailure, getTracebackObject, pickling -----------------------------------------


def test_clean_failure_matches_twisted() -> None:
    """cleanFailure() drops traceback references but keeps the text, like Twisted."""
    theirs, ours = _pair(lambda: ValueError("clean"))
    before = ours.getTraceback()
    frames = list(ours.frames)
    ours.cleanFailure()
    theirs.cleanFailure()
    assert ours.tb is None
    assert ours.value.__traceback__ is None
    assert ours.pickled == 1 == theirs.pickled
    assert ours.frames == frames
    assert ours.getTraceback() == before == theirs.getTraceback()
    assert _noCount(ours.getTraceback(detail="verbose")) == _noCount(
        theirs.getTraceback(detail="verbose")
    )
    assert "(pickled)" in ours.getTraceback(detail="verbose")
    assert ours.check(ValueError) is ValueError


def test_traceback_object_is_real_while_kept() -> None:
    """getTracebackObject() returns the real traceback before cleaning, None with no frames."""
    _, ours = _pair(lambda: ValueError("tbo"))
    assert ours.getTracebackObject() is ours.tb
    assert isinstance(ours.getTracebackObject(), types.TracebackType)
    assert Failure(ValueError()).getTracebackObject() is None
    assert TFailure(ValueError()).getTracebackObject() is None


def test_traceback_object_after_clean_works_with_traceback_module() -> None:
    """After cleanFailure() the stand-in traceback formats like Twisted's stand-in."""
    theirs, ours = _pair(lambda: ValueError("fake"))
    realSummary = [(e.filename, e.lineno, e.name, e.line) for e in traceback.extract_tb(ours.tb)]
    ours.cleanFailure()
    theirs.cleanFailure()
    fake = ours.getTracebackObject()
    assert fake is not None
    assert not isinstance(fake, types.TracebackType)
    summary = traceback.extract_tb(fake)
    assert [(e.filename, e.lineno, e.name, e.line) for e in summary] == realSummary
    assert traceback.format_tb(fake) == traceback.format_tb(theirs.getTracebackObject())
    assert fake.tb_frame.f_code.co_name == "_capture"
    assert fake.tb_next is not None
    assert fake.tb_next.tb_frame.f_back is fake.tb_frame
    assert fake.tb_next.tb_next is None


def test_pickle_round_trip() -> None:
    """A pickled and unpickled Failure keeps type, value, message, text and check()."""
    theirs, ours = _pair(lambda: SubError("pickled"))
    text = ours.getTraceback()
    restored = pickle.loads(pickle.dumps(ours))
    assert isinstance(restored, Failure)
    assert restored.type is SubError
    assert type(restored.value) is SubError
    assert restored.value.args == ("pickled",)
    assert restored.getErrorMessage() == "pickled"
    assert restored.getTraceback() == text
    assert restored.getBriefTraceback() == ours.getBriefTraceback()
    assert restored.check(AppError) is AppError
    assert restored.check(f"{__name__}.AppError") == f"{__name__}.AppError"
    assert restored.tb is None
    assert restored.pickled == 1
    assert restored.count == ours.count
    assert restored.parents == ours.parents
    assert ours.tb is not None
    theirRestored = pickle.loads(pickle.dumps(theirs))
    assert restored.getTraceback() == theirRestored.getTraceback()
    assert restored.frames == theirRestored.frames
    assert repr(restored) == _ourRepr(repr(theirRestored))


@given(st.text(), st.sampled_from(EXCEPTION_CLASSES[:12]))
def test_pickle_round_trip_messages(message: str, excClass: type[Exception]) -> None:
    """Pickling preserves the error message and class of any simple exception."""
    restored = pickle.loads(pickle.dumps(Failure(excClass(message))))
    assert restored.type is excClass
    assert restored.getErrorMessage() == Failure(excClass(message)).getErrorMessage()
    assert restored.check(excClass) is excClass


def test_pickle_with_captured_vars() -> None:
    """Captured variables are pickled as their reprs, shown once (not re-quoted) afterwards."""
    _, ours = _pair(lambda: ValueError("vars"), captureVars=True)
    restored = pickle.loads(pickle.dumps(ours))
    assert dict(restored.frames[-1][3])["exc"] == "ValueError('vars')"
    assert "  exc : ValueError('vars')\n" in restored.getTraceback(detail="verbose")
    twice = pickle.loads(pickle.dumps(restored))
    assert "  exc : ValueError('vars')\n" in twice.getTraceback(detail="verbose")
    ours.cleanFailure()
    assert "  exc : ValueError('vars')\n" in ours.getTraceback(detail="verbose")


def test_getstate_keys_follow_twisted() -> None:
    """__getstate__ produces Twisted's keys, with no traceback and pickled set."""
    theirs, ours = _pair(lambda: ValueError("state"))
    state = ours.__getstate__()
    assert state["tb"] is None
    assert state["pickled"] == 1
    assert state["parents"] == ours.parents
    assert state["frames"] == ours.frames
    assert set(state) == set(theirs.__getstate__()) - {"stack"}


def test_copy_drops_traceback_like_twisted() -> None:
    """copy.copy() goes through the pickling state, so the copy has no traceback, as in Twisted."""
    theirs, ours = _pair(lambda: ValueError("copy"))
    ourCopy, theirCopy = copy.copy(ours), copy.copy(theirs)
    assert ourCopy.tb is None is theirCopy.tb
    assert ourCopy.value is ours.value
    assert ourCopy.pickled == 1 == theirCopy.pickled
    assert ourCopy.getTraceback() == ours.getTraceback()


# --- module surface ----------------------------------------------------------------------


def test_default_exception() -> None:
    """DefaultException exists, as in Twisted, and is an ordinary Exception."""
    assert issubclass(DefaultException, Exception)
    assert issubclass(tfailure.DefaultException, Exception)
    assert Failure(DefaultException("d")).check("twistlike.failure.DefaultException")


def test_all_is_complete() -> None:
    """__all__ lists exactly the public names the module defines."""
    defined = {
        name
        for name, obj in vars(ofailure).items()
        if not name.startswith("_")
        and not isinstance(obj, types.ModuleType)
        and getattr(obj, "__module__", None) == ofailure.__name__
    }
    assert set(ofailure.__all__) == defined
    assert {"Failure", "NoCurrentExceptionError", "DefaultException"} <= defined


def test_module_does_not_import_asyncio() -> None:
    """The failure module stays free of asyncio imports."""
    assert ofailure.__file__ is not None
    with open(ofailure.__file__, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert imported
    assert not any(name.split(".")[0] == "asyncio" for name in imported)

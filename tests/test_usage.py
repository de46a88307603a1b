"""twistlike.usage against twisted.python.usage: the same Options classes, the same results."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from twisted.python import usage as tusage

from twistlike import usage


class _TwistedOptions(tusage.Options):
    """Twisted's Options with twistlike's --version text, so only the layout is compared."""

    def opt_version(self) -> None:
        """
        Display twistlike version and exit.
        """
        super().opt_version()  # type: ignore[no-untyped-call]


def _define(mod: ModuleType) -> dict[str, type[Any]]:
    """The same family of Options classes, built on ``mod``'s Options."""
    base = _TwistedOptions if mod is tusage else usage.Options

    def positive(value: str) -> int:
        number = int(value)
        if number <= 0:
            raise ValueError(f"{number} is not positive")
        return number

    positive.coerceDoc = "A positive integer."  # type: ignore[attr-defined]

    class Serve(base):  # type: ignore[valid-type, misc]
        """Serve things."""

        optFlags = [["verbose", "v", "Talk a lot."], ["dry-run", None, "Do nothing at all."]]
        optParameters = [
            [
                "port",
                "p",
                8080,
                "The port to listen on, a long description that wraps "
                "around the end of the line at least once because it is long.",
                mod.portCoerce,
            ],
            ["name", None, None, "A name."],
            ["workers", "w", "1", "How many.", positive],
        ]
        synopsis = "Usage: serve [options] [files...]"

        def __init__(self) -> None:
            super().__init__()
            self["files"] = ()
            self["tags"] = []

        def opt_tag(self, value: str) -> None:
            """Add a tag (may be repeated)."""
            self["tags"].append(value)

        opt_t = opt_tag

        def opt_quiet(self) -> None:
            """
            Be quiet.
            """
            self["verbose"] = 0

        def parseArgs(self, *files: str) -> None:
            self["files"] = files

        def postOptions(self) -> None:
            if self["name"] == "bad":
                raise mod.UsageError("name may not be bad")

    class Add(base):  # type: ignore[valid-type, misc]
        optParameters = [["count", "c", "3", "How many to add."]]

        def parseArgs(self, what: str) -> None:
            self["what"] = what

    class Top(base):  # type: ignore[valid-type, misc]
        longdesc = "A tool with sub-commands, to compare how they are parsed and shown."
        optFlags = [["debug", "d", "Debug."]]
        subCommands = [
            ["add", "a", Add, "Add something."],
            ["serve", None, Serve, "Serve."],
        ]

    class Defaulted(Top):
        defaultSubCommand = "serve"

    class Bare(base):  # type: ignore[valid-type, misc]
        longdesc = ""

    return {"Serve": Serve, "Top": Top, "Defaulted": Defaulted, "Bare": Bare}


T = _define(tusage)
L = _define(usage)


def _outcome(cls: type[Any], argv: list[str]) -> tuple[str, Any]:
    """Parse ``argv`` with ``cls``: ("ok", parsed values) or ("error", the message)."""
    options = cls()
    try:
        options.parseOptions(argv)
    except (tusage.UsageError, usage.UsageError) as e:
        return ("error", str(e))
    sub = getattr(options, "subOptions", None)
    return ("ok", (dict(options), options.subCommand, None if sub is None else dict(sub)))


CASES = [
    ("Serve", []),
    ("Serve", ["-v", "--port", "99", "a", "b"]),
    ("Serve", ["--port=70000"]),
    ("Serve", ["--port=x"]),
    ("Serve", ["-p"]),
    ("Serve", ["--nope"]),
    ("Serve", ["-x"]),
    ("Serve", ["--verbose=yes"]),
    ("Serve", ["--dry-run", "--dry_run"]),
    ("Serve", ["--tag", "a", "-t", "b", "--quiet", "-v"]),
    ("Serve", ["--workers", "0"]),
    ("Serve", ["--workers", "4", "--name", "n"]),
    ("Serve", ["--name", "bad"]),
    ("Serve", ["--por", "1"]),
    ("Serve", ["--", "-v"]),
    ("Top", []),
    ("Top", ["-d", "add", "thing"]),
    ("Top", ["a", "-c", "9", "thing"]),
    ("Top", ["add"]),
    ("Top", ["add", "x", "y"]),
    ("Top", ["remove"]),
    ("Top", ["serve", "-v", "f"]),
    ("Defaulted", []),
    ("Defaulted", ["-d"]),
    ("Bare", ["extra"]),
]


@pytest.mark.parametrize(("cls", "argv"), CASES)
def test_parse_matches_twisted(cls: str, argv: list[str]) -> None:
    """The same command line gives the same values, sub-command or error message."""
    assert _outcome(L[cls], argv) == _outcome(T[cls], argv)


def _help(cls: type[Any], argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    options = cls()
    with pytest.raises(SystemExit) as exit:
        options.parseOptions(argv)
    assert exit.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(
    ("cls", "argv"),
    [("Serve", ["--help"]), ("Top", ["--help"]), ("Top", ["add", "--help"]), ("Bare", ["--help"])],
)
@pytest.mark.parametrize("columns", ["80", "50"])
def test_help_matches_twisted(
    cls: str,
    argv: list[str],
    columns: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--help prints Twisted's text, column for column, at any width."""
    monkeypatch.setenv("COLUMNS", columns)
    expected = _help(T[cls], argv, capsys)
    assert _help(L[cls], argv, capsys) == expected


def test_str_is_synopsis_and_usage() -> None:
    """str(options) is the synopsis line followed by the options table, as in Twisted."""
    assert str(L["Serve"]()) == str(T["Serve"]())


def test_version_names_twistlike(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints twistlike's version and exits with status 0."""
    from twistlike import __version__

    with pytest.raises(SystemExit) as exit:
        L["Bare"]().parseOptions(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out == f"twistlike version: {__version__}\n"


def test_bad_declarations_raise() -> None:
    """A nameless flag or parameter, or a handler with two arguments, is refused."""

    class NoName(usage.Options):
        optFlags = [[None, "x", "doc"]]

    class NoParam(usage.Options):
        optParameters = [["", "x", None, "doc"]]

    class TwoArgs(usage.Options):
        def opt_two(self, a: str, b: str) -> None:
            """Two."""

    with pytest.raises(ValueError, match="flag cannot be without a name"):
        NoName()
    with pytest.raises(ValueError, match="parameter cannot be without a name"):
        NoParam()
    with pytest.raises(usage.UsageError, match="Invalid Option function for two"):
        TwoArgs()


def test_port_coerce() -> None:
    """portCoerce accepts 0..65535 and rejects the rest with Twisted's message."""
    assert usage.portCoerce("0") == 0
    assert usage.portCoerce("65535") == 65535
    with pytest.raises(ValueError, match="Port number not in range: 65536"):
        usage.portCoerce("65536")


def test_completions_are_kept_as_data() -> None:
    """An Options class declaring compData imports and parses unchanged."""

    class WithCompletion(usage.Options):
        optParameters = [["file", "f", None, "A file."]]
        compData = usage.Completions(optActions={"file": usage.CompleteFiles("*.txt")})

    options = WithCompletion()
    options.parseOptions(["-f", "a.txt"])
    assert options["file"] == "a.txt"
    assert isinstance(options.compData.optActions["file"], usage.Completer)


_TOKENS = [
    "-v",
    "--verbose",
    "-p",
    "80",
    "--port=1",
    "--port",
    "--name",
    "x",
    "--tag",
    "-t",
    "--quiet",
    "--dry-run",
    "file",
    "--",
    "-w",
    "3",
    "--workers=0",
    "--bogus",
    "-vp",
    "90000",
    "add",
    "serve",
    "-d",
    "-c",
]


@given(st.lists(st.sampled_from(_TOKENS), max_size=8), st.sampled_from(["Serve", "Top"]))
@settings(max_examples=300, deadline=None)
def test_random_command_lines_match_twisted(argv: list[str], cls: str) -> None:
    """Hypothesis-chosen command lines parse to the same values or errors as Twisted's."""
    assert _outcome(L[cls], argv) == _outcome(T[cls], argv)

"""Command-line option parsing with Twisted's ``usage.Options`` contract.

Twisted: twisted.python.usage.

An ``Options`` object is a dict of option values. It collects its options from three places in
the class hierarchy (base classes first): ``optFlags`` rows ``[long, short, doc]``,
``optParameters`` rows ``[long, short, default, doc, coerce]`` and ``opt_<name>`` methods (a
method taking one argument is a parameter, one taking none is a flag). ``parseOptions`` runs
``getopt`` over the arguments, dispatches every option, hands the first remaining argument to a
sub-command parser (``subCommands``) or all of them to ``parseArgs``, then calls
``postOptions``. The ``--help`` text is laid out as Twisted lays it out, column for column.

Everything here is pure: no event loop, no I/O except ``opt_help``/``opt_version`` printing.
"""

from __future__ import annotations

import getopt
import inspect
import os
import sys
import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import Any

__all__ = [
    "CoerceParameter",
    "CompleteDirs",
    "CompleteFiles",
    "CompleteGroups",
    "CompleteHostnames",
    "CompleteList",
    "CompleteMultiList",
    "CompleteNetInterfaces",
    "CompleteUserAtHost",
    "CompleteUsernames",
    "Completer",
    "Completions",
    "Options",
    "UsageError",
    "docMakeChunks",
    "error",
    "flagFunction",
    "portCoerce",
]


class UsageError(Exception):
    """The command line is wrong: an unknown option, a missing or bad value, extra arguments.

    Twisted: twisted.python.usage.UsageError.
    """


#: Twisted's older name for :class:`UsageError`.
error = UsageError


class CoerceParameter:
    """Store a parameter's value after converting it with ``coerce``.

    Twisted: twisted.python.usage.CoerceParameter.

    ``coerce.coerceDoc`` (when present) is added to the option's help line.
    """

    def __init__(self, options: Options, coerce: Callable[[str], Any]) -> None:
        self.options = options
        self.coerce = coerce
        self.doc: str = getattr(coerce, "coerceDoc", "")

    def dispatch(self, parameterName: str, value: str | None) -> None:
        """Convert ``value`` and store it under ``parameterName``.

        Raises:
            UsageError: no value was given, or ``coerce`` raised ValueError.
        """
        if value is None:
            raise UsageError(f"Parameter '{parameterName}' requires an argument.")
        try:
            converted = self.coerce(value)
        except ValueError as e:
            raise UsageError(f"Parameter type enforcement failed: {e}") from e
        self.options.opts[parameterName] = converted


def _pad(n: int, row: Sequence[Any]) -> list[Any]:
    """``row`` extended with None to ``n`` items; a longer row is a definition error."""
    if len(row) > n:
        raise ValueError(f"{len(row)} elements is more than {n}.")
    return [*row, *([None] * (n - len(row)))]


def _class_rows(cls: type, attr: str) -> list[Any]:
    """The rows of list attribute ``attr`` over ``cls``'s bases (depth first), then ``cls``.

    A class reached twice through several bases contributes twice, as in Twisted.
    """
    rows: list[Any] = []
    for base in cls.__bases__:
        rows.extend(_class_rows(base, attr))
    rows.extend(cls.__dict__.get(attr, []))
    return rows


def _handler_names(cls: type, names: dict[str, int]) -> None:
    """Add the ``opt_`` method names of ``cls`` and its bases (bases first) to ``names``."""
    for base in cls.__bases__:
        _handler_names(base, names)
    for attr, value in cls.__dict__.items():
        if attr.startswith("opt_") and len(attr) > 4 and callable(value):
            names[attr[4:]] = 1


def flagFunction(method: Callable[..., Any], name: str | None = None) -> bool:
    """True when the bound ``opt_`` method takes no argument (a flag), False for one.

    Twisted: twisted.python.usage.flagFunction.

    Raises:
        UsageError: the method takes more than one argument.
    """
    count = len(inspect.signature(method).parameters)
    if count > 1:
        raise UsageError("Invalid Option function for %s" % (name or method.__name__))
    return count == 0


def portCoerce(value: str) -> int:
    """Convert ``value`` to a port number in 0..65535.

    Twisted: twisted.python.usage.portCoerce.

    Raises:
        ValueError: not an integer, or out of range.
    """
    port = int(value)
    if port < 0 or port > 65535:
        raise ValueError(f"Port number not in range: {port}")
    return port


portCoerce.coerceDoc = "Must be an int between 0 and 65535."  # type: ignore[attr-defined]


def _module_name_of(filename: str) -> str:
    """The dotted module name of the Python file ``filename`` (its packages included).

    Used for the program name in the synopsis, as Twisted shows it.
    """
    base = os.path.basename(filename) or os.path.basename(filename[:-1])
    name = os.path.splitext(base)[0]
    directory = os.path.abspath(filename)
    while True:
        directory = os.path.dirname(directory)
        if not os.path.exists(os.path.join(directory, "__init__.py")):
            return name
        name = f"{os.path.basename(directory)}.{name}"


class Options(dict[str, Any]):
    """A command-line parser whose results are this dict's items.

    Twisted: twisted.python.usage.Options.

    Declare options as class attributes and methods:

    * ``optFlags = [[long, short, doc], ...]``: value 1 when given, 0 by default.
    * ``optParameters = [[long, short, default, doc, coerce], ...]``: the value (converted by
      ``coerce`` when given; ``coerce.coerceDoc`` is shown in the help).
    * ``def opt_<name>(self, value)``: a parameter handled by the method;
      ``def opt_<name>(self)``: a flag; ``opt_x = opt_long`` makes an alias.
    * ``subCommands = [[name, shortcut, OptionsClass, doc], ...]`` and
      ``defaultSubCommand``: the first non-option argument selects a sub-command whose parser
      gets the remaining arguments (``subCommand``/``subOptions`` are set).
    * ``synopsis``, ``longdesc``: the first line and the description in the help text.

    ``--help`` prints the help and exits with status 0; ``--version`` prints the version.
    """

    subCommand: str | None = None
    defaultSubCommand: str | None = None
    parent: Options | None = None
    completionData: Any = None

    # dict defines __hash__ = None; an Options object is hashable by identity, as in Twisted.
    __hash__ = object.__hash__  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.opts: Options = self
        self.defaults: dict[str, Any] = {}
        self.longOpt: list[str] = []
        self.shortOpt: str = ""
        self.docs: dict[str, str | None] = {}
        self.synonyms: dict[str, str] = {}
        self._dispatch: dict[str, Any] = {}
        self._gatherFlags()
        self._gatherParameters()
        self._gatherHandlers()

    # ---- collecting the declarations ----------------------------------------------------------

    def _gatherFlags(self) -> None:
        for row in _class_rows(type(self), "optFlags"):
            long, short, doc = _pad(3, row)
            if not long:
                raise ValueError("A flag cannot be without a name.")
            self.docs[long] = doc
            self.opts[long] = 0
            self.defaults[long] = 0
            if short:
                self.shortOpt += short
                self.synonyms[short] = long
            self.longOpt.append(long)
            self.synonyms[long] = long
            self._dispatch[long] = self._setFlag

    def _gatherParameters(self) -> None:
        for row in _class_rows(type(self), "optParameters"):
            long, short, default, doc, coerce = _pad(5, row)
            if not long:
                raise ValueError("A parameter cannot be without a name.")
            self.docs[long] = doc
            self.opts[long] = default
            self.defaults[long] = default
            if short:
                self.shortOpt += short + ":"
                self.synonyms[short] = long
            self.longOpt.append(long + "=")
            self.synonyms[long] = long
            self._dispatch[long] = CoerceParameter(self, str if coerce is None else coerce)

    def _gatherHandlers(self) -> None:
        names: dict[str, int] = {}
        _handler_names(type(self), names)
        byMethod: dict[Any, list[str]] = {}
        for name in names:
            method = getattr(self, "opt_" + name)
            takesValue = not flagFunction(method, name)
            pretty = name.replace("_", "-")
            # The whole docstring is kept; the help text collapses its whitespace.
            self.docs[pretty] = method.__doc__ or self.docs.get(pretty)
            self.synonyms[pretty] = pretty
            self._dispatch[pretty] = _Handler(method, takesValue)
            if len(name) == 1:
                self.shortOpt += name + (":" if takesValue else "")
            else:
                self.longOpt.append(pretty + ("=" if takesValue else ""))
            byMethod.setdefault(method, []).append(pretty)
        # Aliases (opt_x = opt_long) all dispatch to their longest spelling.
        for spellings in byMethod.values():
            if len(spellings) > 1:
                longest = max(spellings, key=len)
                for spelling in spellings:
                    self.synonyms[spelling] = longest

    def _setFlag(self, flagName: str, value: str | None = None) -> None:
        if value not in ("", None):
            raise UsageError(f"Flag '{flagName}' takes no argument. Not even \"{value}\".")
        self.opts[flagName] = 1

    # ---- the built-in options ---------------------------------------------------------------

    def opt_help(self) -> None:
        """
        Display this help and exit.
        """
        print(self.__str__())
        sys.exit(0)

    def opt_version(self) -> None:
        """
        Display twistlike version and exit.
        """
        # Divergence from Twisted: the version is twistlike's (Twisted prints its own).
        from twistlike import __version__

        print("twistlike version:", __version__)
        sys.exit(0)

    # ---- parsing ----------------------------------------------------------------------------

    def parseOptions(self, options: Sequence[str] | None = None) -> None:
        """Parse ``options`` (default ``sys.argv[1:]``) into this dict.

        Twisted: twisted.python.usage.Options.parseOptions.

        Options are dispatched in command-line order; then the remaining arguments go to a
        sub-command's parser or to ``parseArgs``; ``postOptions`` runs last.

        Raises:
            UsageError: an unknown option, a bad value, an unknown sub-command, or a wrong
                number of arguments (``parseArgs`` raising TypeError).
        """
        arguments = list(sys.argv[1:] if options is None else options)
        try:
            found, args = getopt.getopt(arguments, self.shortOpt, self.longOpt)
        except getopt.GetoptError as e:
            raise UsageError(str(e)) from e

        for flag, value in found:
            name = flag[2:] if flag[1] == "-" else flag[1:]
            key = name
            if key not in self.synonyms:
                key = name.replace("-", "_")
                if key not in self.synonyms:
                    raise UsageError(f"No such option '{name}'")
            key = self.synonyms[key]
            handler = self._dispatch[key]
            if isinstance(handler, CoerceParameter):
                handler.dispatch(key, value)
            else:
                handler(key, value)

        subCommands: Iterable[Sequence[Any]] | None = getattr(self, "subCommands", None)
        if subCommands and (args or self.defaultSubCommand is not None):
            if not args:
                args = [self.defaultSubCommand]  # type: ignore[list-item]
            chosen, rest = args[0], args[1:]
            for command, shortcut, parserClass, _doc in subCommands:
                if chosen in (command, shortcut):
                    self.subCommand = command
                    self.subOptions: Options = parserClass()
                    self.subOptions.parent = self
                    self.subOptions.parseOptions(rest)
                    break
            else:
                raise UsageError(f"Unknown command: {chosen}")
        else:
            try:
                self.parseArgs(*args)
            except TypeError as e:
                # As Twisted: any TypeError from parseArgs reads as a wrong argument count.
                raise UsageError("Wrong number of arguments.") from e
        self.postOptions()

    def postOptions(self) -> None:
        """Called after all options and arguments were parsed: validate them here.

        Twisted: twisted.python.usage.Options.postOptions.
        """

    def parseArgs(self) -> None:
        """Receive the non-option arguments; by default, none are accepted.

        Twisted: twisted.python.usage.Options.parseArgs. Override with the arguments your
        command takes (``def parseArgs(self, *files)``).
        """

    # ---- help text --------------------------------------------------------------------------

    def __str__(self) -> str:
        return self.getSynopsis() + "\n" + self.getUsage(width=None)

    def getSynopsis(self) -> str:
        """The first line of the help text: ``Usage: <program> [options]`` by default.

        Twisted: twisted.python.usage.Options.getSynopsis.

        A sub-command's synopsis is its parent's, followed by the sub-command's name.
        """
        program = _module_name_of(sys.argv[0])
        if program.endswith(".__main__"):
            program = "{} -m {}".format(
                os.path.basename(sys.executable), program.replace(".__main__", "")
            )
        if self.parent is None:
            default = "Usage: {}{}".format(program, (self.longOpt and " [options]") or "")
        else:
            default = (self.longOpt and "[options]") or ""
        synopsis: str = getattr(self, "synopsis", default).rstrip()
        if self.parent is not None:
            assert self.parent.subCommand is not None
            synopsis = " ".join((self.parent.getSynopsis(), self.parent.subCommand, synopsis))
        return synopsis

    def getUsage(self, width: int | None = None) -> str:
        """The options table, the long description and the sub-commands, as help text.

        Twisted: twisted.python.usage.Options.getUsage.

        ``width`` defaults to ``$COLUMNS`` (else 80). Once a sub-command was chosen, its
        usage is shown instead.
        """
        if hasattr(self, "subOptions"):
            return self.subOptions.getUsage(width=width)
        if not width:
            width = int(os.environ.get("COLUMNS", "80"))

        commands = ""
        if hasattr(self, "subCommands"):
            rows = [
                {"long": c, "short": s, "doc": d, "optType": "command", "default": None}
                for c, s, _parser, d in self.subCommands
            ]
            commands = "Commands:\n" + "".join(docMakeChunks(rows, width))

        shortOf: dict[str, str | None] = {}
        for spelling, long in self.synonyms.items():
            if spelling != long and len(spelling) == 1:
                shortOf[long] = spelling
            elif long not in shortOf:
                shortOf[long] = None

        optionRows = []
        for spelling in self.longOpt:
            kind = "flag"
            if spelling.endswith("="):
                kind, spelling = "parameter", spelling[:-1]
            optionRows.append(
                {
                    "long": spelling,
                    "short": shortOf[spelling],
                    "doc": self.docs[spelling],
                    "optType": kind,
                    "default": self.defaults.get(spelling),
                    "dispatch": self._dispatch.get(spelling),
                }
            )

        longdesc: str | None = getattr(self, "longdesc", None)
        if longdesc is None:
            # As Twisted: without a longdesc, the main module's docstring describes it.
            longdesc = getattr(sys.modules.get("__main__"), "__doc__", None) or ""
        if longdesc:
            longdesc = "\n" + "\n".join(textwrap.wrap(longdesc, width)).strip() + "\n"

        if optionRows:
            text = "Options:\n" + "".join(docMakeChunks(optionRows, width))
        else:
            text = "Options: None\n"
        return text + longdesc + commands


class _Handler:
    """An ``opt_`` method with the dispatch signature ``(name, value)``."""

    def __init__(self, method: Callable[..., Any], takesValue: bool) -> None:
        self.method = method
        self.takesValue = takesValue

    def __call__(self, name: str, value: str | None = None) -> None:
        if self.takesValue:
            self.method(value)
        else:
            # As Twisted: a flag method given a value (--flag=x) ignores the value.
            self.method()


def docMakeChunks(optList: list[dict[str, Any]], width: int = 80) -> list[str]:
    """Lay out option (or sub-command) rows as help text, one string per option.

    Twisted: twisted.python.usage.docMakeChunks.

    Each row is a dict with ``long``, ``short``, ``doc``, ``default``, ``optType`` ("flag",
    "parameter" or "command") and optionally ``dispatch``. Rows are sorted by short name (or
    long name); the documentation column is wrapped to ``width``.
    """
    optList.sort(key=lambda o: str(o.get("short") or o.get("long")))

    longest = 0
    for row in optList:
        size = len(row.get("long", ""))
        if size:
            if row.get("optType") == "parameter":
                size += 1  # the "=" after a parameter's name
            longest = max(longest, size)

    firstWidth = longest + len("  -s, --  ")
    docWidth = width - firstWidth
    indent = " " * firstWidth

    chunks: list[str] = []
    seen: set[str] = set()
    for row in optList:
        short, long = row.get("short"), row.get("long")
        if short in seen or long in seen:
            continue
        seen.update(x for x in (short, long) if x is not None)

        shortText = f"-{short}" if short else ""
        comma = " "
        if long:
            longText = long + ("=" if row.get("optType") == "parameter" else "")
            longText = longText.ljust(longest)
            if shortText:
                comma = ","
        else:
            longText = " " * (longest + 2)

        if row.get("optType") == "command":
            first = f"    {longText}      "
        else:
            first = f"  {shortText:>2}{comma} --{longText}  "

        doc = (row.get("doc") or "").strip()
        if row.get("optType") == "parameter":
            if row.get("default") is not None:
                doc = "{} [default: {}]".format(doc, row["default"])
            dispatch = row.get("dispatch")
            if isinstance(dispatch, CoerceParameter) and dispatch.doc:
                doc = f"{doc}. {dispatch.doc}"

        lines = textwrap.wrap(doc, docWidth) if doc else [""]
        chunks.append("".join([f"{first}{lines[0]}\n"] + [f"{indent}{x}\n" for x in lines[1:]]))
    return chunks


# ---- completion declarations ------------------------------------------------------------------
# Options classes declare shell-completion hints (compData = Completions(...)); twistlike keeps
# the declarations so such classes import and parse unchanged, but does not generate zsh
# completion functions (see twistlike._porting.missing).


class Completer:
    """A completion hint for one option or argument (kept as data).

    Twisted: twisted.python.usage.Completer.
    """

    _descr: str | None = None

    def __init__(self, descr: str | None = None, repeat: bool = False) -> None:
        if descr is not None:
            self._descr = descr
        self._repeat = repeat


class CompleteFiles(Completer):
    """Complete file names matching ``globPattern``.

    Twisted: twisted.python.usage.CompleteFiles.
    """

    def __init__(self, globPattern: str = "*", **kw: Any) -> None:
        super().__init__(**kw)
        self._globPattern = globPattern


class CompleteDirs(Completer):
    """Complete directory names.

    Twisted: twisted.python.usage.CompleteDirs.
    """


class CompleteList(Completer):
    """Complete one of ``items``.

    Twisted: twisted.python.usage.CompleteList.
    """

    def __init__(self, items: Iterable[str] | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self._items = list(items or [])


class CompleteMultiList(Completer):
    """Complete a comma-separated list of ``items``.

    Twisted: twisted.python.usage.CompleteMultiList.
    """

    def __init__(self, items: Iterable[str] | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self._items = list(items or [])


class CompleteUsernames(Completer):
    """Complete user names.

    Twisted: twisted.python.usage.CompleteUsernames.
    """


class CompleteGroups(Completer):
    """Complete group names.

    Twisted: twisted.python.usage.CompleteGroups.
    """

    _descr = "group"


class CompleteHostnames(Completer):
    """Complete host names.

    Twisted: twisted.python.usage.CompleteHostnames.
    """


class CompleteUserAtHost(Completer):
    """Complete ``user@host``.

    Twisted: twisted.python.usage.CompleteUserAtHost.
    """

    _descr = "host | user@host"


class CompleteNetInterfaces(Completer):
    """Complete network interface names.

    Twisted: twisted.python.usage.CompleteNetInterfaces.
    """

    _descr = "net interface"


class Completions:
    """Shell-completion declarations of an Options class (kept as data).

    Twisted: twisted.python.usage.Completions.
    """

    def __init__(
        self,
        descriptions: dict[str, str] | None = None,
        multiUse: Sequence[str] | None = None,
        mutuallyExclusive: Sequence[Sequence[str]] | None = None,
        optActions: dict[str, Completer] | None = None,
        extraActions: Sequence[Completer] | None = None,
    ) -> None:
        self.descriptions: dict[str, str] = descriptions or {}
        self.multiUse: list[str] = list(multiUse or [])
        self.mutuallyExclusive = list(mutuallyExclusive or [])
        self.optActions = optActions or {}
        self.extraActions = list(extraActions or [])

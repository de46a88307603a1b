"""Command-line parsing: ``Options`` classes with flags, parameters and sub-commands.

Twisted: twisted.python.usage.

Parse results and ``--help`` text are Twisted's. twistd plugins and many command lines are
written with it; see docs/services.md.
"""

from twistlike._core.usage import (
    CoerceParameter,
    CompleteDirs,
    CompleteFiles,
    CompleteGroups,
    CompleteHostnames,
    CompleteList,
    CompleteMultiList,
    CompleteNetInterfaces,
    Completer,
    CompleteUserAtHost,
    CompleteUsernames,
    Completions,
    Options,
    UsageError,
    docMakeChunks,
    error,
    flagFunction,
    portCoerce,
)

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

# This module is the public home of these names: show it in reprs, tracebacks and pickles.
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("twistlike._"):
        _obj.__module__ = __name__
del _name, _obj

"""``python -m twistlike <verb>``: the command line.

Verbs:
    check   list the Twisted uses in Python files and whether twistlike supports them
    port    rewrite Twisted imports to their twistlike homes (``--diff`` / ``--write``)
    run     run an unmodified Twisted program on twistlike
    twistd  Twisted's ``twistd`` application runner on asyncio

Each verb's module is imported only when that verb runs, so ``--help`` stays fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

__all__ = ["main"]

# verb -> (module, function, one-line summary); the function takes the verb's arguments
# and returns the exit status.
_VERBS: dict[str, tuple[str, str, str]] = {
    "check": ("twistlike._porting.cli", "check_main", "report Twisted uses and their support"),
    "port": ("twistlike._porting.cli", "port_main", "rewrite Twisted imports to twistlike"),
    "run": ("twistlike._porting.cli", "run_main", "run an unmodified Twisted program"),
    "twistd": ("twistlike.application.twistd", "main", "run a .tac application (twistd)"),
}


def _usage() -> str:
    lines = ["usage: python -m twistlike <verb> [arguments]", "", "verbs:"]
    for verb, (_, _, summary) in _VERBS.items():
        lines.append(f"  {verb:<8}{summary}")
    lines.append("")
    lines.append("Run `python -m twistlike <verb> --help` for a verb's options.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch to the verb named by the first argument; return the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(_usage())
        return 0 if args else 2
    verb, rest = args[0], args[1:]
    if verb not in _VERBS:
        print(f"twistlike: unknown verb {verb!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    import importlib

    module_name, function_name, _ = _VERBS[verb]
    function: Callable[[list[str]], int] = getattr(
        importlib.import_module(module_name), function_name
    )
    return function(rest)


if __name__ == "__main__":
    sys.exit(main())

"""Generate the docs' tables from the mapping table: ``python -m twistlike._porting.docs_tables``.

The tables sit between marker comments (``<!-- mapping:NAME -->`` ... ``<!-- /mapping:NAME -->``)
in docs/porting.md and README.md; everything outside the markers is left alone. With
``--check`` nothing is written and the exit status is 1 when a file is out of date (the test
suite runs the same comparison).

Tables:
    modules      docs/porting.md: every supported Twisted module, its twistlike home, the
                 names it does not provide (from the parity table) and its docs page.
    unsupported  docs/porting.md: every unsupported Twisted module, why, and what instead.
    example      docs/porting.md: the seed's broadcast server ported, as a diff.
    readme       README.md: the short "What is here" table.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from twistlike._porting.mapping import MODULES, ModuleMapping
from twistlike._porting.missing import MISSING_NAMES
from twistlike._porting.support import twistlike_object

__all__ = ["generate", "main", "render", "tables"]

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLE = Path("tests/porting/seed_twisted/broadcast_server.py")


def _spelling(twisted: str, target: str) -> tuple[str, str]:
    """How a row reads: modules as dotted names, an object (the reactor) as an import."""
    if isinstance(twistlike_object(target), ModuleType):
        return f"`{twisted}`", f"`{target}`"
    parent, _, name = target.rpartition(".")
    twisted_parent, _, twisted_name = twisted.rpartition(".")
    return (
        f"`from {twisted_parent} import {twisted_name}`",
        f"`from {parent} import {name}`",
    )


def _supported() -> list[ModuleMapping]:
    return [m for m in MODULES if m.supported]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def modules_table() -> str:
    lines = [
        "| Twisted | twistlike | names not provided | docs |",
        "|---|---|---|---|",
    ]
    for row in _supported():
        assert row.twistlike is not None
        twisted, twistlike = _spelling(row.twisted, row.twistlike)
        missing = len(MISSING_NAMES.get(row.twisted, {}))
        names = f"[{missing}](divergences.md)" if missing else "none"
        page = row.docs.split("#")[0]
        lines.append(f"| {twisted} | {twistlike} | {names} | [{page}]({row.docs}) |")
    return "\n".join(lines)


def unsupported_table() -> str:
    lines = ["| Twisted | why not | instead |", "|---|---|---|"]
    for row in MODULES:
        if row.supported:
            continue
        instead = _cell(row.alternative) if row.alternative else "-"
        if row.elsewhere:
            names = ", ".join(f"`{name}` is `{target}`" for name, target in row.elsewhere)
            instead += f" ({names})"
        lines.append(f"| `{row.twisted}` | {_cell(row.reason)} | {instead} |")
    return "\n".join(lines)


def readme_table() -> str:
    # One line per twistlike home, the Twisted modules it replaces joined.
    homes: dict[str, list[str]] = {}
    spelled: dict[str, str] = {}
    for row in _supported():
        assert row.twistlike is not None
        twisted, twistlike = _spelling(row.twisted, row.twistlike)
        homes.setdefault(row.twistlike, []).append(twisted)
        spelled[row.twistlike] = twistlike
    lines = ["| Twisted | twistlike |", "|---|---|"]
    for target, twisted_names in homes.items():
        lines.append(f"| {', '.join(twisted_names)} | {spelled[target]} |")
    unsupported = [m.twisted for m in MODULES if not m.supported]
    packages = ", ".join(f"`{n}`" for n in unsupported if n.count(".") == 1)
    lines.append(
        f"| {len(unsupported)} other Twisted packages and modules ({packages}, ...) "
        "| not provided: reasons and alternatives in "
        "[docs/porting.md](docs/porting.md#not-supported) |"
    )
    return "\n".join(lines)


def example_diff() -> str:
    from twistlike._porting.codemod import port_source

    original = (ROOT / EXAMPLE).read_text(encoding="utf-8")
    diff = difflib.unified_diff(
        original.splitlines(keepends=True),
        port_source(original).splitlines(keepends=True),
        "a/broadcast_server.py",
        "b/broadcast_server.py",
    )
    return "```diff\n" + "".join(diff) + "```"


def tables() -> dict[str, Callable[[], str]]:
    """The generated tables by marker name."""
    return {
        "modules": modules_table,
        "unsupported": unsupported_table,
        "example": example_diff,
        "readme": readme_table,
    }


def render(text: str) -> str:
    """``text`` with every marked table replaced by its generated content."""
    for name, make in tables().items():
        pattern = re.compile(
            rf"(<!-- mapping:{name} -->\n)(?:.*?\n)?(<!-- /mapping:{name} -->)", re.DOTALL
        )
        if pattern.search(text):
            content = make()

            def replace(match: re.Match[str], content: str = content) -> str:
                return match.group(1) + content + "\n" + match.group(2)

            text = pattern.sub(replace, text)
    return text


FILES = (Path("docs/porting.md"), Path("README.md"))


def generate(check: bool = False, root: Path = ROOT) -> list[Path]:
    """Regenerate the tables in ``FILES``; return the files that were (or would be) changed."""
    changed = []
    for relative in FILES:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        new = render(text)
        if new != text:
            changed.append(relative)
            if not check:
                path.write_text(new, encoding="utf-8")
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate the tables, or with ``--check`` exit 1 when they are out of date."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    changed = generate(check=check)
    for path in changed:
        print(f"{'out of date' if check else 'regenerated'}: {path}")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main())

"""The ``check``, ``port`` and ``run`` verbs of ``python -m twistlike``.

Each ``*_main(argv)`` parses its own arguments and returns the exit status:

* ``check PATH... [--json]``: 0 when every Twisted use is supported, 1 otherwise, 2 on a
  usage error or an unreadable file.
* ``port PATH... [--diff | --write]``: 0 when nothing needs rewriting and nothing is
  unsupported; 1 otherwise (files rewritten or to rewrite, or unsupported uses left).
* ``run [--allow-twisted] script.py [args] | -m module [args]``: the program's own status.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from twistlike._porting.checker import FileReport, check_file, check_source, iter_python_files
from twistlike._porting.mapping import by_twisted_name

__all__ = ["check_main", "port_main", "run_main"]

JSON_SCHEMA_VERSION = 1


class _Progress:
    """A one-line progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.total = total
        self.enabled = total >= 20 and self.stream.isatty()
        self.last = -1

    def update(self, done: int) -> None:
        if not self.enabled:
            return
        percent = done * 100 // self.total
        if percent == self.last:
            return
        self.last = percent
        filled = percent * 30 // 100
        bar = "#" * filled + "-" * (30 - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total} files")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


def _scan(paths: Sequence[str], jobs: int = 0) -> list[FileReport]:
    """Check every file under ``paths``, in order; large trees in ``jobs`` processes.

    ``jobs`` 0 means one process per CPU for trees of 500 files or more (parsing dominates,
    and it is CPU-bound), one process otherwise.
    """
    files = list(iter_python_files(paths))
    if jobs == 0:
        jobs = (os.cpu_count() or 1) if len(files) >= 500 else 1
    progress = _Progress(len(files))
    reports = []
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as pool:
            for done, report in enumerate(pool.map(check_file, files, chunksize=32), 1):
                reports.append(report)
                progress.update(done)
    else:
        for done, path in enumerate(files, 1):
            reports.append(check_file(path))
            progress.update(done)
    progress.close()
    return reports


def summary(reports: Sequence[FileReport]) -> dict[str, Any]:
    """Counts over all uses: total, supported (divergent included), divergent, unsupported."""
    uses = [u for r in reports for u in r.uses]
    supported = sum(u.verdict.supported for u in uses)
    return {
        "files": len(reports),
        "files_with_twisted": sum(bool(r.uses) for r in reports),
        "total": len(uses),
        "supported": supported,
        "divergent": sum(u.verdict.status == "divergent" for u in uses),
        "unsupported": len(uses) - supported,
        "percent": round(100.0 * supported / len(uses), 1) if uses else 100.0,
        "errors": sum(bool(r.error) for r in reports),
    }


def summary_line(counts: dict[str, Any]) -> str:
    """``N of M Twisted uses supported (P %)``, the line CI logs show."""
    return (
        f"{counts['supported']} of {counts['total']} Twisted uses supported ({counts['percent']} %)"
    )


def _as_json(reports: Sequence[FileReport], seconds: float) -> dict[str, Any]:
    return {
        "schema": JSON_SCHEMA_VERSION,
        "files": [
            {
                "path": r.path,
                "error": r.error or None,
                "uses": [
                    {
                        "line": u.line,
                        "column": u.column,
                        "kind": u.kind,
                        "text": u.text,
                        "twisted": u.verdict.twisted,
                        "feature": u.verdict.module,
                        "status": u.verdict.status,
                        "twistlike": u.verdict.twistlike,
                        "reason": u.verdict.reason,
                        "alternative": u.verdict.alternative,
                        "docs": u.verdict.docs,
                        "divergences": list(u.verdict.divergences),
                    }
                    for u in r.uses
                ],
            }
            for r in reports
            if r.uses or r.error
        ],
        "summary": summary(reports),
        "seconds": round(seconds, 3),
    }


def format_report(reports: Sequence[FileReport], verbose: bool = False) -> str:
    """The human report: per file, per feature (Twisted module), what is and is not supported.

    Supported uses are counted per feature; divergent and unsupported ones are listed with
    their line, reason and docs page (``verbose`` lists supported ones too).
    """
    out: list[str] = []
    for report in reports:
        if report.error:
            out.append(f"{report.path}: {report.error}")
            continue
        if not report.uses:
            continue
        out.append(f"{report.path}:")
        features: dict[str, list[Any]] = {}
        for use in report.uses:
            features.setdefault(use.verdict.module, []).append(use)
        for feature, uses in features.items():
            supported = sum(u.verdict.supported for u in uses)
            row = by_twisted_name(feature)
            head = f"  {feature}"
            if row is not None and row.twistlike is not None:
                head += f" -> {row.twistlike}"
            head += f": {supported} of {len(uses)} supported"
            out.append(head)
            for use in uses:
                status = use.verdict.status
                if status == "supported" and not verbose:
                    continue
                line = f"    {report.path}:{use.line}:{use.column + 1}: {use.text}: {status}"
                if status == "unsupported":
                    line += f": {use.verdict.reason}"
                    if use.verdict.alternative:
                        line += f"; instead: {use.verdict.alternative}"
                elif status == "divergent":
                    line += ": " + "; ".join(use.verdict.divergences)
                line += f" (docs/{use.verdict.docs})"
                out.append(line)
    return "\n".join(out)


def check_main(argv: Sequence[str]) -> int:
    """``python -m twistlike check``: report the Twisted uses in files and directories."""
    parser = argparse.ArgumentParser(
        prog="python -m twistlike check",
        description="List every Twisted use in Python files (statically: no code runs) and "
        "whether twistlike supports it. Exit status 0 when all are supported, 1 otherwise.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.add_argument("-v", "--verbose", action="store_true", help="list supported uses too")
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=0,
        help="processes to use (default: one per CPU on trees of 500+ files)",
    )
    args = parser.parse_args(list(argv))
    started = time.perf_counter()
    reports = _scan(args.paths, args.jobs)
    seconds = time.perf_counter() - started
    counts = summary(reports)
    if args.json:
        print(json.dumps(_as_json(reports, seconds), indent=2))
    else:
        text = format_report(reports, args.verbose)
        if text:
            print(text)
            print()
        print(summary_line(counts))
    if counts["errors"]:
        return 2
    return 1 if counts["unsupported"] else 0


def _port_file(path: Path) -> tuple[Path, bytes | None, bytes | None, str]:
    """Port one file: (path, original bytes, ported bytes, error); None when no Twisted."""
    from twistlike._porting.codemod import port_bytes

    try:
        original = path.read_bytes()
    except OSError as e:
        return path, None, None, f"cannot read: {e.strerror or e}"
    if b"twisted" not in original:
        return path, None, None, ""
    try:
        return path, original, port_bytes(original), ""
    except Exception as e:  # libcst.ParserSyntaxError and friends: report, go on
        return path, None, None, f"cannot parse: {e}"


def port_main(argv: Sequence[str]) -> int:
    """``python -m twistlike port``: rewrite Twisted imports and references to twistlike."""
    parser = argparse.ArgumentParser(
        prog="python -m twistlike port",
        description="Rewrite Twisted imports and references to their twistlike homes, keeping "
        "formatting and comments. Unsupported uses are left as they are and reported.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff (default)")
    mode.add_argument("--write", action="store_true", help="rewrite the files in place")
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=0,
        help="processes to use (default: one per CPU on trees of 100+ files)",
    )
    args = parser.parse_args(list(argv))
    try:
        import libcst  # noqa: F401 - only to say clearly that the extra is missing
    except ImportError as e:  # libcst is the optional extra twistlike[port]
        print(
            f"twistlike port: {e}; install the extra: pip install 'twistlike[port]'",
            file=sys.stderr,
        )
        return 2
    import difflib

    files = list(iter_python_files(args.paths))
    jobs = args.jobs or ((os.cpu_count() or 1) if len(files) >= 100 else 1)
    if jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as pool:
            results = list(pool.map(_port_file, files, chunksize=8))
    else:
        results = [_port_file(path) for path in files]
    changed = 0
    reports = []
    status = 0
    for path, original, ported, error in results:
        if error:
            print(f"{path}: {error}", file=sys.stderr)
            status = 2
            continue
        if original is None or ported is None:
            continue  # no Twisted in it
        if ported != original:
            changed += 1
            if args.write:
                path.write_bytes(ported)
                print(f"rewrote {path}", file=sys.stderr)
            else:
                sys.stdout.writelines(
                    difflib.unified_diff(
                        original.decode("utf-8", "replace").splitlines(keepends=True),
                        ported.decode("utf-8", "replace").splitlines(keepends=True),
                        f"a/{path}",
                        f"b/{path}",
                    )
                )
        # What is left after porting is what `check` reports on the ported text.
        report = check_source(ported, str(path))
        report.uses = [u for u in report.uses if not u.verdict.supported]
        reports.append(report)
    left = format_report(reports)
    if left:
        print("left unported (unsupported):", file=sys.stderr)
        print(left, file=sys.stderr)
    unsupported = sum(len(r.uses) for r in reports)
    verb = "rewrote" if args.write else "would rewrite"
    print(f"{verb} {changed} file(s); {unsupported} unsupported use(s) left", file=sys.stderr)
    if status:
        return status
    return 1 if changed or unsupported else 0


def run_main(argv: Sequence[str]) -> int:
    """``python -m twistlike run``: run an unmodified Twisted program on twistlike."""
    parser = argparse.ArgumentParser(
        prog="python -m twistlike run",
        usage="python -m twistlike run [--allow-twisted] (script.py | -m module) [args ...]",
        description="Run a Twisted program unmodified: twistlike's modules are served under "
        "the twisted.* names they replace.",
    )
    parser.add_argument(
        "--allow-twisted",
        action="store_true",
        help="load Twisted modules twistlike does not replace from the installed Twisted "
        "(unsafe: two implementations in one process)",
    )
    parser.add_argument("-m", dest="module", metavar="module", help="run a module as a script")
    parser.add_argument("target", nargs=argparse.REMAINDER, help="script.py and its arguments")
    # Everything after the script (or -m module) belongs to the program, as with python.
    args_list = list(argv)
    split = len(args_list)
    for i, arg in enumerate(args_list):
        if arg == "-m":
            split = min(i + 2, len(args_list))
            break
        if not arg.startswith("-"):
            split = i + 1
            break
    args = parser.parse_args(args_list[:split])
    program_args = args_list[split:]
    if args.module is None and not args.target:
        parser.error("give a script or -m module")
    import runpy

    from twistlike._porting.importhook import installed

    with installed(allow_twisted=args.allow_twisted):
        if args.module is not None:
            sys.argv = [args.module, *args.target, *program_args]
            runpy.run_module(args.module, run_name="__main__", alter_sys=True)
        else:
            script = args.target[0]
            if not Path(script).exists():
                print(f"twistlike run: no such file: {script}", file=sys.stderr)
                return 2
            sys.argv = [script, *args.target[1:], *program_args]
            sys.path.insert(0, str(Path(script).resolve().parent))
            runpy.run_path(script, run_name="__main__")
    return 0

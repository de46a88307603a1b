"""The acceptance test of the testing kit: one trial suite, passing on twistlike and on Twisted.

tests/ported/test_ported_suite.py is a Twisted-style suite whose imports, all in one block at
its top, name twistlike. Here its text is converted back to Twisted (only the import block
changes), written to a temporary directory and run with ``python -m twisted.trial``; the
twistlike original is run with unittest's runner. Both must pass, with the same tests.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
import unittest
from pathlib import Path

import pytest

_PORTED = Path(__file__).parent / "ported" / "test_ported_suite.py"

#: twistlike module -> the Twisted module it stands for (ARCHITECTURE.md's module map).
_MODULES = {
    "twistlike.address": "twisted.internet.address",
    "twistlike.basic": "twisted.protocols.basic",
    "twistlike.defer": "twisted.internet.defer",
    "twistlike.endpoints": "twisted.internet.endpoints",
    "twistlike.error": "twisted.internet.error",
    "twistlike.failure": "twisted.python.failure",
    "twistlike.interfaces": "twisted.internet.interfaces",
    "twistlike.log": "twisted.python.log",
    "twistlike.logger": "twisted.logger",
    "twistlike.policies": "twisted.protocols.policies",
    "twistlike.protocol": "twisted.internet.protocol",
    "twistlike.task": "twisted.internet.task",
    "twistlike.testing": "twisted.internet.testing",
    "twistlike.threads": "twisted.internet.threads",
    "twistlike.trial": "twisted.trial.unittest",
}

#: Names of twistlike.testing whose Twisted home is twisted.test.iosim.
_IOSIM = {
    "ConnectionCompleter",
    "FakeAddress",
    "FakeTransport",
    "IOPump",
    "connect",
    "connectableEndpoint",
    "connectedServerAndClient",
    "makeFakeClient",
    "makeFakeServer",
}

#: ``from twistlike import <name>``: where <name> lives in Twisted, and as what.
_TOP_LEVEL = {
    "reactor": "from twisted.internet import reactor",
    "trial": "from twisted.trial import unittest as trial",
}


def _twisted_import(node: ast.ImportFrom) -> list[str]:
    """The Twisted import lines for one ``from twistlike... import ...`` statement."""
    names = node.names
    if node.module == "twistlike":
        lines = []
        for alias in names:
            bound = alias.asname or alias.name
            if alias.name in _TOP_LEVEL:
                line = _TOP_LEVEL[alias.name]
                default = line.rsplit(" ", 1)[-1]
                lines.append(line if bound == default else f"{line.split(' as ')[0]} as {bound}")
                continue
            module = _MODULES[f"twistlike.{alias.name}"]
            package, _, leaf = module.rpartition(".")
            suffix = "" if bound == leaf else f" as {bound}"
            lines.append(f"from {package} import {leaf}{suffix}")
        return lines
    assert node.module is not None
    groups: dict[str, list[str]] = {}
    for alias in names:
        module = _MODULES[node.module]
        if node.module == "twistlike.testing" and alias.name in _IOSIM:
            module = "twisted.test.iosim"
        text = alias.name if alias.asname is None else f"{alias.name} as {alias.asname}"
        groups.setdefault(module, []).append(text)
    return [f"from {module} import {', '.join(texts)}" for module, texts in groups.items()]


def to_twisted(source: str) -> str:
    """Return ``source`` with its top import block switched from twistlike to Twisted.

    Raises:
        AssertionError: twistlike is imported outside one contiguous block at the top.
    """
    tree = ast.parse(source)
    body = list(tree.body)
    start = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        start = 1  # the module docstring
    end = start
    while end < len(body) and isinstance(body[end], ast.Import | ast.ImportFrom):
        end += 1
    block = body[start:end]
    for node in body[end:]:
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom | ast.Import):
                text = ast.unparse(inner)
                assert "twistlike" not in text, f"import outside the top block: {text}"
    lines = source.splitlines(keepends=True)
    replaced: list[str] = []
    for node in block:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("twistlike"):
            replaced.extend(line + "\n" for line in _twisted_import(node))
        else:
            segment = ast.get_source_segment(source, node)
            assert segment is not None
            replaced.append(segment + "\n")
    first = block[0].lineno - 1
    last = block[-1].end_lineno
    assert last is not None
    # Blank lines inside the block go; the code after it is kept exactly as written.
    converted = "".join(lines[:first]) + "".join(replaced) + "".join(lines[last:])
    return converted


def test_conversion_maps_each_module_and_iosim_names() -> None:
    """The conversion rewrites only the import block, splitting iosim's names from testing's."""
    source = (
        '"""doc"""\n'
        "from __future__ import annotations\n"
        "import gc\n"
        "from twistlike import defer, reactor\n"
        "from twistlike.testing import StringTransport, connectedServerAndClient as csc\n"
        "from twistlike.trial import TestCase\n"
        "\n"
        "x = 'twistlike stays in code'\n"
    )
    assert to_twisted(source) == (
        '"""doc"""\n'
        "from __future__ import annotations\n"
        "import gc\n"
        "from twisted.internet import defer\n"
        "from twisted.internet import reactor\n"
        "from twisted.internet.testing import StringTransport\n"
        "from twisted.test.iosim import connectedServerAndClient as csc\n"
        "from twisted.trial.unittest import TestCase\n"
        "\n"
        "x = 'twistlike stays in code'\n"
    )


def test_conversion_rejects_imports_outside_the_block() -> None:
    """A twistlike import after the top block is refused (the suite must keep one block)."""
    source = "import gc\n\ndef f():\n    from twistlike import task\n"
    with pytest.raises(AssertionError, match="outside the top block"):
        to_twisted(source)


def _twistlike_count() -> int:
    """Run the ported suite on twistlike with unittest's runner; return how many tests ran."""
    spec = importlib.util.spec_from_file_location("_ported_on_twistlike", _PORTED)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    result = unittest.TestResult()
    suite.run(result)
    problems = [text for _, text in result.errors + result.failures]
    assert problems == [], "\n".join(problems)
    assert result.skipped == []
    return result.testsRun


def test_ported_suite_passes_on_twistlike_and_on_twisted(tmp_path: Path) -> None:
    """The ported suite passes on twistlike, and under Twisted's trial with Twisted imports."""
    count = _twistlike_count()
    assert count >= 20

    converted = to_twisted(_PORTED.read_text())
    assert "twistlike" not in converted.split("# ----", 1)[0].split('"""', 2)[2]
    target = tmp_path / "test_ported_twisted.py"
    target.write_text(converted)
    done = subprocess.run(
        [sys.executable, "-m", "twisted.trial", "--reporter=text", str(target)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert re.search(rf"Ran {count} tests", output), output
    assert f"PASSED (successes={count})" in output, output

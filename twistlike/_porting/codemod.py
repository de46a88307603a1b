"""``python -m twistlike port``'s rewrite: Twisted imports and references -> twistlike.

A libcst transformer (libcst is the optional extra ``twistlike[port]``), so everything it does
not rewrite (formatting, comments, blank lines) stays byte for byte. What it rewrites:

* ``import twisted.internet.defer [as d]`` -> ``import twistlike.defer [as d]``, and the
  dotted references ``twisted.internet.defer.Deferred`` -> ``twistlike.defer.Deferred``;
* ``from twisted.internet import reactor, defer`` -> ``from twistlike import reactor, defer``;
  a module whose twistlike home has another name keeps its local name with ``as``
  (``from twisted.trial import unittest`` -> ``from twistlike import trial as unittest``);
* ``from twisted.internet.defer import Deferred`` -> ``from twistlike.defer import Deferred``;
* the same forms anywhere: inside functions, under ``if TYPE_CHECKING:``, in ``try`` blocks.

Unsupported modules and names stay as they are (one import statement is split in two when it
mixes both), so the result still says what is left to port; ``check`` reports them. The
rewrite is idempotent: its output has no supported Twisted import left.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from twistlike._porting.mapping import by_twisted_name
from twistlike._porting.support import is_package, name_verdict

__all__ = ["port_bytes", "port_source"]


def _dotted(node: cst.BaseExpression) -> str | None:
    """``a.b.c`` as a string; None for anything but a plain dotted name."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        value = _dotted(node.value)
        return None if value is None else f"{value}.{node.attr.value}"
    return None


def _expression(dotted: str) -> cst.Name | cst.Attribute:
    expression = cst.parse_expression(dotted)
    assert isinstance(expression, cst.Name | cst.Attribute)
    return expression


def _target(twisted: str) -> str | None:
    """The twistlike home of Twisted module ``twisted``, when the table supports it."""
    row = by_twisted_name(twisted)
    return row.twistlike if row is not None else None


def _is_module(target: str) -> bool:
    # The only mapped target that is an object rather than a module: the reactor.
    return target != "twistlike.reactor"


def _strip_last_comma(aliases: list[cst.ImportAlias], parenthesized: bool) -> list[cst.ImportAlias]:
    if aliases and not parenthesized and aliases[-1].comma is not cst.MaybeSentinel.DEFAULT:
        aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return aliases


class _Chains(cst.CSTVisitor):
    """First pass: every dotted chain in the module, to find unsupported ``twisted.x.y.Name``."""

    def __init__(self) -> None:
        self.chains: set[str] = set()
        self.imported: set[str] = set()  # ``import twisted.x.y`` (no ``as``) with a home
        self.present: set[str] = set()  # ``import twistlike.x`` (no ``as``) already there

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = _dotted(alias.name)
            if alias.asname is not None or name is None:
                continue
            if _target(name) is not None:
                self.imported.add(name)
            elif name == "twistlike" or name.startswith("twistlike."):
                self.present.add(name)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        dotted = _dotted(node)
        if dotted is not None and dotted.startswith("twisted."):
            self.chains.add(dotted)


class _Porter(cst.CSTTransformer):
    def __init__(self, chains: set[str], imported: set[str], present: set[str]) -> None:
        super().__init__()
        self.chains = chains
        self.present = present
        # Twisted modules imported with plain ``import twisted.x.y`` (anywhere in the file),
        # which are rewritten; the dotted references through them are rewritten too.
        self.rewritten = imported
        self.in_import = 0

    # -- the import statements -------------------------------------------------------------

    def _has_unsupported_chain(self, module: str) -> bool:
        prefix = module + "."
        return any(
            chain.startswith(prefix)
            and "." not in chain[len(prefix) :]
            and not name_verdict(module, chain[len(prefix) :]).supported
            for chain in self.chains
        )

    def _port_import(self, node: cst.Import) -> list[cst.BaseSmallStatement]:
        aliases: list[cst.ImportAlias] = []
        extra: list[cst.BaseSmallStatement] = []
        for alias in node.names:
            name = _dotted(alias.name)
            target = _target(name) if name is not None else None
            if name is None or target is None:
                aliases.append(alias)
                continue
            if alias.asname is None:
                new = target if _is_module(target) else target.rpartition(".")[0]
                if self._has_unsupported_chain(name):
                    aliases.append(alias)  # still needed by the references left unported
                    if new in self.present:
                        continue  # ported before: the twistlike import is there already
                aliases.append(alias.with_changes(name=_expression(new)))
            elif _is_module(target):
                aliases.append(alias.with_changes(name=_expression(target)))
            else:  # import twisted.internet.reactor as r -> from twistlike import reactor as r
                parent, _, attr = target.rpartition(".")
                extra.append(
                    cst.ImportFrom(
                        module=_expression(parent),
                        names=[
                            alias.with_changes(name=cst.Name(attr), comma=cst.MaybeSentinel.DEFAULT)
                        ],
                    )
                )
        result: list[cst.BaseSmallStatement] = []
        if aliases:
            result.append(node.with_changes(names=_strip_last_comma(aliases, False)))
        return result + extra

    def _port_import_from(self, node: cst.ImportFrom) -> list[cst.BaseSmallStatement]:
        if node.relative or node.module is None:
            return [node]
        module = _dotted(node.module)
        if module is None or not (module == "twisted" or module.startswith("twisted.")):
            return [node]
        if isinstance(node.names, cst.ImportStar):
            target = _target(module)
            if target is None or not _is_module(target):
                return [node]
            return [node.with_changes(module=_expression(target))]
        groups: dict[str, list[cst.ImportAlias]] = {}
        package = is_package(module)
        module_target = None if package else _target(module)
        row = by_twisted_name(module)
        moved = dict(row.elsewhere) if row is not None else {}
        if module_target is not None and not _is_module(module_target):
            return [node]
        if not package and module_target is None and not moved:
            return [node]
        for alias in node.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else None
            home = module
            if name is not None and name in moved and name_verdict(module, name).supported:
                # A name twistlike provides in another module than its Twisted one's home.
                home, _, new_name = moved[name].rpartition(".")
                if new_name != name:
                    asname = alias.asname or cst.AsName(name=cst.Name(name))
                    alias = alias.with_changes(name=cst.Name(new_name), asname=asname)
            elif name is not None and package:
                target = _target(f"{module}.{name}")
                if target is not None:
                    home, _, new_name = target.rpartition(".")
                    if new_name != name:
                        asname = alias.asname or cst.AsName(name=cst.Name(name))
                        alias = alias.with_changes(name=cst.Name(new_name), asname=asname)
            elif name is not None and module_target is not None:
                if name_verdict(module, name).supported:
                    home = module_target
            groups.setdefault(home, []).append(alias)
        if list(groups) == [module]:
            return [node]
        # Each statement of a split ends its names as the original did (trailing comma or
        # not, and the line break before a closing parenthesis).
        last_comma = node.names[-1].comma
        result: list[cst.BaseSmallStatement] = []
        for home, aliases in groups.items():
            if len(groups) > 1:
                aliases = [*aliases[:-1], aliases[-1].with_changes(comma=last_comma)]
            result.append(node.with_changes(module=_expression(home), names=aliases))
        return result

    def _port_small(self, statement: cst.BaseSmallStatement) -> list[cst.BaseSmallStatement]:
        if isinstance(statement, cst.Import):
            return self._port_import(statement)
        if isinstance(statement, cst.ImportFrom):
            return self._port_import_from(statement)
        return [statement]

    def _port_body(
        self, body: Sequence[cst.BaseSmallStatement]
    ) -> list[cst.BaseSmallStatement] | None:
        ported: list[cst.BaseSmallStatement] = []
        changed = False
        for statement in body:
            new = self._port_small(statement)
            changed = changed or new != [statement]
            ported.extend(new)
        if not changed:
            return None
        # Semicolons between statements: the last one keeps whatever it had.
        for i in range(len(ported) - 1):
            if ported[i].semicolon is cst.MaybeSentinel.DEFAULT:
                ported[i] = ported[i].with_changes(
                    semicolon=cst.Semicolon(whitespace_after=cst.SimpleWhitespace(" "))
                )
        return ported

    def visit_Import(self, node: cst.Import) -> None:
        self.in_import += 1

    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import:
        self.in_import -= 1
        return updated

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.in_import += 1

    def leave_ImportFrom(self, original: cst.ImportFrom, updated: cst.ImportFrom) -> cst.ImportFrom:
        self.in_import -= 1
        return updated

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        if len(updated.body) == 1:
            ported = self._port_small(updated.body[0])
            if ported == [updated.body[0]]:
                return updated
            # One statement became several (supported names moved, unsupported ones left):
            # one line each; the first keeps the blank lines, comments above it and its own comment.
            lines = [updated.with_changes(body=[ported[0]])]
            for statement in ported[1:]:
                lines.append(cst.SimpleStatementLine(body=[statement]))
            if len(lines) == 1:
                return lines[0]
            return cst.FlattenSentinel(lines)
        body = self._port_body(updated.body)
        return updated if body is None else updated.with_changes(body=body)

    def leave_SimpleStatementSuite(
        self, original: cst.SimpleStatementSuite, updated: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        body = self._port_body(updated.body)
        return updated if body is None else updated.with_changes(body=body)

    # -- dotted references through ``import twisted.x.y`` -------------------------------

    def leave_Attribute(
        self, original: cst.Attribute, updated: cst.Attribute
    ) -> cst.BaseExpression:
        if self.in_import:
            return updated
        value = _dotted(updated.value)
        if value is None or value not in self.rewritten:
            return updated
        target = _target(value)
        if target is None or not name_verdict(value, updated.attr.value).supported:
            return updated
        return updated.with_changes(value=_expression(target))


def _port(tree: cst.Module) -> cst.Module:
    chains = _Chains()
    tree.visit(chains)
    return tree.visit(_Porter(chains.chains, chains.imported, chains.present))


def port_source(source: str) -> str:
    """Return ``source`` with its supported Twisted imports and references rewritten.

    Raises:
        libcst.ParserSyntaxError: ``source`` is not valid Python.
    """
    return _port(cst.parse_module(source)).code


def port_bytes(source: bytes) -> bytes:
    """:func:`port_source` on a file's bytes: its encoding and line endings are kept.

    Raises:
        libcst.ParserSyntaxError: ``source`` is not valid Python.
    """
    return _port(cst.parse_module(source)).bytes

"""What every rule shares: the shell finder, and a record of what was rewritten or left.

A rule is a libcst ``VisitorBasedCodemodCommand`` (so that libcst's own runner
runs it: ``python -m libcst.tool codemod migration.rules.magic.MagicToRunLineMagic
PATH``), with a ``NAME`` (for ``--only``) and a ``DESCRIPTION``. It rewrites
only expressions proven to be the shell (:mod:`..shellrefs`); what it cannot
rewrite it records, with the reason, for the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import PositionProvider

from ..nodes import dotted, spelling
from ..shellrefs import Root, ShellFinder

__all__ = ["Note", "ShellRule"]


@dataclass(frozen=True)
class Note:
    """One site a rule touched (``reason`` empty) or left (``reason`` says why)."""

    line: int
    col: int
    chain: str
    rule: str
    reason: str = ""


class ShellRule(VisitorBasedCodemodCommand):
    """Base of the rules: finds the shell, records notes."""

    NAME: ClassVar[str] = ""
    #: Text without which the rule has nothing to do: the file is not even parsed for it.
    TRIGGER: ClassVar[re.Pattern[str]] = re.compile(r"(?!)")
    DESCRIPTION: str = ""
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self.notes: list[Note] = []
        self._finder: ShellFinder | None = None

    @property
    def finder(self) -> ShellFinder:
        if self._finder is None:
            wrapper = self.context.wrapper
            assert wrapper is not None, "a rule runs inside transform_module"
            self._finder = ShellFinder(wrapper)
        return self._finder

    def shell(self, node: cst.CSTNode) -> Root | None:
        """``node`` as a *proven* shell expression, else ``None`` (probable ones are left)."""
        root = self.finder.root(node)
        if root is not None and not root.proven:
            self.left(node, spelling(node), f"probably the shell ({root.note}), not proven")
            return None
        return root

    def _position(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self.get_metadata(PositionProvider, node).start
        return start.line, start.column + 1

    def rewrote(self, node: cst.CSTNode, chain: str) -> None:
        self.notes.append(Note(*self._position(node), chain, self.NAME))

    def left(self, node: cst.CSTNode, chain: str, reason: str) -> None:
        self.notes.append(Note(*self._position(node), chain, self.NAME, reason))

    def need_get_ipython(self) -> None:
        """Import ``get_ipython`` from where this module takes the shell's names."""
        module = "IPython" if _uses_ipython(self.context.wrapper) else "legacy_shell"
        AddImportsVisitor.add_needed_import(self.context, module, "get_ipython")


def _uses_ipython(wrapper: cst.MetadataWrapper | None) -> bool:
    if wrapper is None:
        return False
    for statement in wrapper.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            module = small.module if isinstance(small, cst.ImportFrom) else None
            if module is not None and dotted(module).split(".")[0] == "IPython":
                return True
            if isinstance(small, cst.Import) and any(
                dotted(alias.name).split(".")[0] == "IPython" for alias in small.names
            ):
                return True
    return False

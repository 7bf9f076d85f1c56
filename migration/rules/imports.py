"""Legacy import paths: ``legacy_shell.ipapi`` (and IPython's ``ipapi``) names that are no
longer used once the other rules ran are removed; their new home is ``get_ipython``
(imported by the rule that needs it)."""

from __future__ import annotations

import re

import libcst as cst
from libcst.codemod.visitors import RemoveImportsVisitor

from ..nodes import dotted
from .base import ShellRule

__all__ = ["DropLegacyImports"]

_LEGACY_MODULES = {"legacy_shell.ipapi", "IPython.ipapi", "IPython.core.ipapi"}


class DropLegacyImports(ShellRule):
    NAME = "imports"
    TRIGGER = re.compile(r"ipapi")
    DESCRIPTION = "remove imports of legacy_shell.ipapi (IPython.ipapi) names left unused"

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = dotted(node.module) if node.module is not None else ""
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = dotted(alias.name)
            if module in _LEGACY_MODULES or f"{module}.{name}" in _LEGACY_MODULES:
                RemoveImportsVisitor.remove_unused_import(self.context, module, name)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if dotted(alias.name) in _LEGACY_MODULES:
                RemoveImportsVisitor.remove_unused_import(self.context, dotted(alias.name))

"""``def init_ipython(ip)`` -> ``def load_ipython_extension(ip)``."""

from __future__ import annotations

import re

import libcst as cst

from .base import ShellRule

__all__ = ["InitToLoadExtension"]


class InitToLoadExtension(ShellRule):
    NAME = "init-ipython"
    TRIGGER = re.compile(r"\binit_ipython\b")
    DESCRIPTION = (
        "def init_ipython(ip) -> def load_ipython_extension(ip): the extension then gets "
        "the shell, not the legacy wrapper (the other rules port what it did with it)"
    )

    def visit_Module(self, node: cst.Module) -> None:
        self._has_load = any(
            isinstance(s, cst.FunctionDef) and s.name.value == "load_ipython_extension"
            for s in node.body
        )

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        if original_node.name.value != "init_ipython":
            return updated_node
        if not isinstance(self.finder.parent(original_node), cst.Module):
            return updated_node
        if self._has_load:
            self.left(original_node, "init_ipython", "the module has a load_ipython_extension too")
            return updated_node
        self.rewrote(original_node, "init_ipython")
        return updated_node.with_changes(name=cst.Name("load_ipython_extension"))

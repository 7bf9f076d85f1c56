"""``ip.runlines(src)`` -> ``ip.run_cell(src)``."""

from __future__ import annotations

import re

import libcst as cst

from .base import ShellRule

__all__ = ["RunlinesToRunCell"]


class RunlinesToRunCell(ShellRule):
    NAME = "runlines"
    TRIGGER = re.compile(r"\.runlines\(")
    DESCRIPTION = 'ip.runlines(src) -> ip.run_cell(src) (a list of lines: "\\n".join(lines))'

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "runlines"):
            return updated_node
        if len(original_node.args) != 1 or self.shell(func.value) is None:
            return updated_node
        source = updated_node.args[0].value
        if isinstance(source, cst.List | cst.Tuple):  # the legacy call also took lines
            source = cst.Call(
                func=cst.Attribute(value=cst.SimpleString('"\\n"'), attr=cst.Name("join")),
                args=[cst.Arg(source)],
            )
        self.rewrote(original_node, "runlines")
        assert isinstance(updated_node.func, cst.Attribute)
        return updated_node.with_changes(
            func=updated_node.func.with_changes(attr=cst.Name("run_cell")),
            args=[cst.Arg(source)],
        )

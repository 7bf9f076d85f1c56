"""``ip.magic("name args")`` -> ``ip.run_line_magic("name", "args")``."""

from __future__ import annotations

import re

import libcst as cst

from ..nodes import literal, string_like
from .base import ShellRule

__all__ = ["MagicToRunLineMagic"]


class MagicToRunLineMagic(ShellRule):
    NAME = "magic"
    TRIGGER = re.compile(r"\.magic\(|\bipmagic\(")
    DESCRIPTION = (
        'ip.magic("name args") (also "%name args", and the ipmagic() builtin) -> '
        'ip.run_line_magic("name", "args"), for string literals; anything else is reported'
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if isinstance(func, cst.Attribute) and func.attr.value == "magic":
            if len(original_node.args) != 1 or self.shell(func.value) is None:
                return updated_node
            return self._rewrite(original_node, updated_node, updated_node.func)
        if isinstance(func, cst.Name) and func.value == "ipmagic" and len(original_node.args) == 1:
            if self.finder.scope(func) is None or self.finder._binding(func)[1]:
                return updated_node  # a name of the module's own, not the shell's builtin
            self.need_get_ipython()
            shell = cst.Call(func=cst.Name("get_ipython"))
            return self._rewrite(
                original_node, updated_node, cst.Attribute(value=shell, attr=cst.Name("magic"))
            )
        return updated_node

    def _rewrite(
        self, original: cst.Call, updated: cst.Call, func: cst.BaseExpression
    ) -> cst.BaseExpression:
        arg = original.args[0].value
        line = literal(arg)
        if line is None:
            self.left(original, "magic", "the line is not a string literal: port it by hand")
            return updated
        name, _, rest = line.strip().lstrip("%").partition(" ")
        self.rewrote(original, "magic")
        assert isinstance(func, cst.Attribute)
        return updated.with_changes(
            func=func.with_changes(attr=cst.Name("run_line_magic")),
            args=[
                cst.Arg(
                    string_like(name, arg),
                    comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
                ),
                cst.Arg(string_like(rest.strip(), arg)),
            ],
        )

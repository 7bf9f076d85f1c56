"""``ip.IP.x`` -> ``ip.x``: the legacy wrapper's ``IP`` was the shell itself."""

from __future__ import annotations

import re

import libcst as cst

from .base import ShellRule

__all__ = ["DropIPAttribute"]


class DropIPAttribute(ShellRule):
    NAME = "ip-attr"
    TRIGGER = re.compile(r"\.IP\b")
    DESCRIPTION = "ip.IP.x -> ip.x (and ip.IP -> ip): the wrapped shell is the shell"

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        if original_node.attr.value != "IP" or self.shell(original_node.value) is None:
            return updated_node
        self.rewrote(original_node, "IP")
        return updated_node.value

"""``ip.to_user_ns(x)`` -> ``ip.push(x)``; ``ip.user_ns[k] = v`` -> ``ip.push({k: v})``.

``push`` is one call, also when the shell is in another process (an item
assignment through the proxy is one call too, but ``push`` says what is meant:
put names in the user's namespace). A value that cannot cross by value (a
function, a class, a module, a lambda) is left, and reported.
"""

from __future__ import annotations

import re

import libcst as cst

from ..crossing import cannot_cross
from .base import ShellRule

__all__ = ["PushToUserNamespace"]


class PushToUserNamespace(ShellRule):
    NAME = "push"
    TRIGGER = re.compile(r"\.to_user_ns\(|\.user_ns\[")
    DESCRIPTION = "ip.to_user_ns(x) -> ip.push(x); ip.user_ns[k] = v -> ip.push({k: v})"

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "to_user_ns"):
            return updated_node
        if len(original_node.args) != 1 or self.shell(func.value) is None:
            return updated_node
        self.rewrote(original_node, "to_user_ns")
        assert isinstance(updated_node.func, cst.Attribute)
        return updated_node.with_changes(func=updated_node.func.with_changes(attr=cst.Name("push")))

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.BaseSmallStatement:
        if len(original_node.targets) != 1:
            return updated_node
        target = original_node.targets[0].target
        if not (isinstance(target, cst.Subscript) and len(target.slice) == 1):
            return updated_node
        namespace = target.value
        if not (isinstance(namespace, cst.Attribute) and namespace.attr.value == "user_ns"):
            return updated_node
        if self.shell(namespace.value) is None:
            return updated_node
        index = target.slice[0].slice
        if not isinstance(index, cst.Index):
            return updated_node
        if cannot_cross(self.finder, original_node.value):
            self.left(original_node, "user_ns.__setitem__", "a value that cannot cross by value")
            return updated_node
        updated_target = updated_node.targets[0].target
        assert isinstance(updated_target, cst.Subscript)
        assert isinstance(updated_target.value, cst.Attribute)
        key = updated_target.slice[0].slice
        assert isinstance(key, cst.Index)
        self.rewrote(original_node, "user_ns.__setitem__")
        call = cst.Call(
            func=cst.Attribute(value=updated_target.value.value, attr=cst.Name("push")),
            args=[cst.Arg(cst.Dict([cst.DictElement(key.value, updated_node.value)]))],
        )
        return cst.Expr(call)

"""``ip.expose_magic(name, fn)`` / ``define_magic`` -> ``ip.register_magic_function(fn, "line", name)``.

The legacy magic was ``fn(self, line)`` with ``self`` the shell; a registered
magic function is called as ``fn(line)``. When ``fn``'s body never uses
``self``, the parameter goes; when it does, the registration is still
rewritten (``lambda line: fn(ip, line)``: the body still gets the shell) and
the body is reported as manual: what it does with the shell must be ported to
``ShellAPI`` (or it becomes a ``Magics`` class).
"""

from __future__ import annotations

import re

import libcst as cst

from ..nodes import literal
from ..shellrefs import ShellFinder
from ._callables import Target, drop_first_param, resolve_target
from .base import ShellRule

__all__ = ["ExposeMagicToRegister", "plan"]

_LEGACY = ("expose_magic", "define_magic")


class ExposeMagicToRegister(ShellRule):
    NAME = "expose-magic"
    TRIGGER = re.compile(r"\.(expose|define)_magic\(")
    DESCRIPTION = (
        'ip.expose_magic("name", fn) / ip.define_magic(...) -> '
        'ip.register_magic_function(fn, "line", "name"); fn(self, line) loses self when '
        "its body does not use it, else it is registered as lambda line: fn(ip, line) and "
        "its body is reported as manual"
    )

    def visit_Module(self, node: cst.Module) -> None:
        self._calls: dict[cst.Call, Target | None] = {}
        self._strip: set[cst.CSTNode] = set()
        rule = self

        class Plan(cst.CSTVisitor):
            def visit_Call(self, call: cst.Call) -> None:
                func = call.func
                if not (isinstance(func, cst.Attribute) and func.attr.value in _LEGACY):
                    return
                if len(call.args) != 2 or rule.finder.root(func.value) is None:
                    return
                if not rule.finder.root(func.value).proven:  # type: ignore[union-attr]
                    return
                target = resolve_target(rule.finder, call.args[1].value)
                rule._calls[call] = target
                if target is not None and not target.single_use:
                    rule._calls[call] = None  # also used elsewhere: changing it is not ours
                elif target is not None and target.first and not target.uses_first:
                    rule._strip.add(target.node)

        self.finder.wrapper.module.visit(Plan())

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node not in self._calls:
            return updated_node
        target = self._calls[original_node]
        name_arg = original_node.args[0]
        chain = original_node.func.attr.value  # type: ignore[attr-defined]
        if literal(name_arg.value) is None:
            self.left(original_node, chain, "the magic's name is not a string literal")
            return updated_node
        if target is None:
            self.left(
                original_node,
                chain,
                "the magic's function is not a lambda or a def used only here: port it by hand",
            )
            return updated_node
        new_name, new_fn = updated_node.args
        assert isinstance(updated_node.func, cst.Attribute)
        function = new_fn.value
        if target.uses_first:
            if not isinstance(function, cst.Name):
                self.left(original_node, chain, "a lambda that uses its self argument (the shell)")
                return updated_node
            # it still gets the shell, as before: lambda line: fn(ip, line)
            space = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            function = cst.Lambda(
                params=cst.Parameters([cst.Param(cst.Name("line"))]),
                body=cst.Call(
                    func=function,
                    args=[cst.Arg(updated_node.func.value, comma=space), cst.Arg(cst.Name("line"))],
                ),
            )
            self.left(
                target.node,
                "magic body",
                "the magic's body uses its self argument (the shell): it still gets the "
                "shell; port what it does with it to ShellAPI",
            )
        self.rewrote(original_node, chain)
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        return updated_node.with_changes(
            func=updated_node.func.with_changes(attr=cst.Name("register_magic_function")),
            args=[
                cst.Arg(function, comma=comma),
                cst.Arg(cst.SimpleString('"line"'), comma=comma),
                cst.Arg(new_name.value),
            ],
        )

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        if original_node in self._strip:
            self.rewrote(original_node, f"{original_node.name.value}(self, ...)")
            return drop_first_param(updated_node)  # type: ignore[return-value]
        return updated_node

    def leave_Lambda(self, original_node: cst.Lambda, updated_node: cst.Lambda) -> cst.Lambda:
        if original_node in self._strip:
            return drop_first_param(updated_node)  # type: ignore[return-value]
        return updated_node


def plan(finder: ShellFinder, call: cst.Call) -> str:
    """``""`` when the registration can be rewritten, else why not (the audit asks it too)."""
    if len(call.args) != 2:
        return "expose_magic with other arguments than (name, function)"
    if literal(call.args[0].value) is None:
        return "the magic's name is not a string literal"
    target = resolve_target(finder, call.args[1].value)
    if target is None or not target.single_use:
        return "the magic's function is not a lambda or a def used only here: port it by hand"
    if target.uses_first and isinstance(target.node, cst.Lambda):
        return "a lambda that uses its self argument (the shell)"
    return ""

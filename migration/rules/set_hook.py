"""``ip.set_hook(name, fn)`` -> ``ip.events.register(event, fn)`` where the mapping is exact.

Only ``pre_run_code_hook`` (``pre_runcode_hook``) has an event that is the same
moment: ``pre_execute``, before any code runs. A hook was called as
``fn(shell)``; ``pre_execute`` callbacks get no argument, so ``fn`` must take
none: its first parameter goes when its body never uses it; otherwise, or with
``priority``/``str_key``/``re_key``, or for any other hook, the call is left and
reported as manual.
"""

from __future__ import annotations

import re

import libcst as cst

from ..nodes import literal, string_like
from ..shellrefs import ShellFinder
from ._callables import drop_first_param, resolve_target
from .base import ShellRule

__all__ = ["SetHookToEvents", "plan"]

EXACT = {"pre_run_code_hook": "pre_execute", "pre_runcode_hook": "pre_execute"}


class SetHookToEvents(ShellRule):
    NAME = "set-hook"
    TRIGGER = re.compile(r"\.set_hook\(")
    DESCRIPTION = (
        'ip.set_hook("pre_run_code_hook", fn) -> ip.events.register("pre_execute", fn) when fn '
        "can be called with no argument (its unused first parameter goes); others: manual"
    )

    def visit_Module(self, node: cst.Module) -> None:
        self._calls: dict[cst.Call, str] = {}
        self._strip: set[cst.CSTNode] = set()
        rule = self

        class Plan(cst.CSTVisitor):
            def visit_Call(self, call: cst.Call) -> None:
                func = call.func
                if not (isinstance(func, cst.Attribute) and func.attr.value == "set_hook"):
                    return
                root = rule.finder.root(func.value)
                if root is None or not root.proven:
                    return
                rule._calls[call] = rule._plan(call)

        self.finder.wrapper.module.visit(Plan())

    def _plan(self, call: cst.Call) -> str:
        reason, strip = plan(self.finder, call)
        if strip is not None:
            self._strip.add(strip)
        return reason

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        reason = self._calls.get(original_node)
        if reason is None:
            return updated_node
        if reason:
            self.left(original_node, "set_hook", f"callback into the kernel: {reason}")
            return updated_node
        hook = original_node.args[0].value
        event = EXACT[literal(hook) or ""]
        self.rewrote(original_node, "set_hook")
        assert isinstance(updated_node.func, cst.Attribute)
        events = cst.Attribute(value=updated_node.func.value, attr=cst.Name("events"))
        return updated_node.with_changes(
            func=cst.Attribute(value=events, attr=cst.Name("register")),
            args=[
                updated_node.args[0].with_changes(value=string_like(event, hook)),
                updated_node.args[1],
            ],
        )

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        if original_node in self._strip:
            return drop_first_param(updated_node)  # type: ignore[return-value]
        return updated_node

    def leave_Lambda(self, original_node: cst.Lambda, updated_node: cst.Lambda) -> cst.Lambda:
        if original_node in self._strip:
            return drop_first_param(updated_node)  # type: ignore[return-value]
        return updated_node


def plan(finder: ShellFinder, call: cst.Call) -> tuple[str, cst.CSTNode | None]:
    """``("", node to drop the first parameter of, or None)`` when ``call`` can be rewritten,
    else ``(why not, None)``; the audit asks the same question."""
    if len(call.args) != 2 or any(a.keyword is not None for a in call.args):
        return "set_hook with priority or keys: register an event by hand", None
    hook = literal(call.args[0].value)
    if hook not in EXACT:
        return f"hook {hook or '?'} has no event that is the same moment", None
    target = resolve_target(finder, call.args[1].value)
    if target is None or not target.single_use:
        return "the hook's function is not a lambda or a def used only here", None
    if target.takes_varargs and target.required_after_first == 0:
        return "", None
    if target.first is None:
        return "", None
    if target.uses_first:
        return "the hook's body uses its first argument (the shell): use get_ipython() there", None
    if target.required_after_first:
        return "the hook takes arguments that pre_execute does not give", None
    return "", target.node

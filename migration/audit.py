"""The audit: every access to the shell in one module, with its class and the reason.

A *site* is one use of the shell: the chain used on it (``user_ns.__setitem__``,
``magic``), where (line, column), and a class:

- ``proxy-safe``: the chain is in ``ShellAPI`` (see :mod:`.contract`);
- ``rewritable``: a rule of :mod:`.rules` ports it (the reason names the rule);
- ``manual``: a person must port it; the reason says why (callback into the
  kernel, private internals, monkey-patching or subclassing the shell, the
  live namespace passed to ``eval``/``exec``, frame inspection, a value that
  cannot cross by value, or a member that is not part of the shell API).

Sites found through a *probable* shell expression carry ``proven: False``
(see :mod:`.shellrefs`); the rules never rewrite those.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import libcst as cst
from libcst.metadata import PositionProvider

from .contract import Contract
from .crossing import cannot_cross
from .nodes import literal, spelling
from .shellrefs import INJECTED, Root, ShellFinder

__all__ = ["LEGACY_RULES", "Site", "audit_module"]

MANUAL_CALLBACK = "callback into the kernel"
MANUAL_PRIVATE = "private internals of the shell"
MANUAL_PATCH = "monkey-patching the shell"
MANUAL_SUBCLASS = "subclassing the shell"
MANUAL_EVAL = "the live namespace passed to eval/exec"
MANUAL_FRAME = "frame inspection"
MANUAL_VALUE = "a value that cannot cross by value"
MANUAL_NOT_API = "not part of the shell API (ShellAPI)"

#: Legacy members a rule ports: member -> rule name.
LEGACY_RULES = {
    "magic": "magic",
    "IP": "ip-attr",
    "to_user_ns": "push",
    "runlines": "runlines",
    "expose_magic": "expose-magic",
    "define_magic": "expose-magic",
    "set_hook": "set-hook",
}

_SHELL_CLASSES = frozenset(
    {
        "legacy_shell.InteractiveShell",
        "legacy_shell.shell.InteractiveShell",
        "IPython.InteractiveShell",
        "IPython.core.interactiveshell.InteractiveShell",
        "IPython.terminal.interactiveshell.TerminalInteractiveShell",
    }
)
_FRAME_CALLS = frozenset(
    {"sys._getframe", "inspect.currentframe", "inspect.stack", "inspect.getouterframes"}
)
_EVAL = frozenset({"builtins.eval", "builtins.exec", "eval", "exec"})


@dataclass(frozen=True)
class Site:
    """One use of the shell."""

    line: int
    col: int
    chain: str
    cls: str
    reason: str
    proven: bool
    #: The rule that ports it (``rewritable`` sites), else ``""``.
    rule: str = ""

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data["class"] = data.pop("cls")
        return data


class _Auditor:
    def __init__(self, wrapper: cst.MetadataWrapper, contract: Contract) -> None:
        self.finder = ShellFinder(wrapper)
        self.positions = wrapper.resolve(PositionProvider)
        self.contract = contract
        self.sites: list[Site] = []

    def add(
        self, node: cst.CSTNode, chain: str, cls: str, reason: str, proven: bool, rule: str = ""
    ) -> None:
        start = self.positions[node].start
        self.sites.append(Site(start.line, start.column + 1, chain, cls, reason, proven, rule))

    # -- one shell expression ----------------------------------------------------------

    def access(self, root: Root) -> None:
        finder = self.finder
        gets_the_shell = isinstance(root.node, cst.Call) or spelling(root.node) in INJECTED
        if root.origin == "legacy" and gets_the_shell:  # not each use of a variable set from it
            spelled = spelling(root.node)
            if not (
                spelled == "__IPYTHON__" and not isinstance(finder.parent(root.node), cst.Attribute)
            ):
                self.add(
                    root.node,
                    spelled,
                    "rewritable",
                    "the legacy way to get the shell: get_ipython()",
                    root.proven,
                    "get-ipython",
                )
        parts: list[str] = []
        node: cst.CSTNode = root.node
        while True:
            parent = finder.parent(node)
            if isinstance(parent, cst.Attribute) and parent.value is node:
                parts.append(parent.attr.value)
                node = parent
                continue
            if isinstance(parent, cst.Subscript) and parent.value is node and parts:
                chain = ".".join(parts)
                if self._keyed(chain):
                    node = parent
                    continue
                parts.append(_item_op(finder, parent))
                node = parent
            break
        if parts[:1] == ["IP"]:  # ip.IP.x: the wrapped shell; the rest is used on the shell
            self.add(
                root.node,
                "IP",
                "rewritable",
                "legacy call, ported by rule ip-attr",
                root.proven,
                "ip-attr",
            )
            parts = parts[1:]
        if not parts:
            return
        if chain_op := _container_op(finder, node):
            parts.append(chain_op)
        chain = ".".join(parts)
        parent = finder.parent(node)
        assigned = isinstance(parent, cst.AssignTarget | cst.AugAssign)
        if assigned and _target_of(parent) is node and not chain.endswith("__setitem__"):
            self.add(node, chain, "manual", MANUAL_PATCH, root.proven)
            return
        if isinstance(parent, cst.Call) and parent.func is node:
            self.call(parent, chain, root)
        else:
            self.use(node, chain, root)

    def _keyed(self, chain: str) -> bool:
        prefix = chain + "."
        members = [c for c in self.contract.members if c.startswith(prefix)]
        return bool(members) and prefix + "__getitem__" not in self.contract

    def _namespace_reaches_eval(self, node: cst.CSTNode) -> bool:
        """``ns = ip.user_ns`` and later ``eval(x, ns)`` (or ``globals=ns``/``locals=ns``)."""
        finder = self.finder
        statement = finder.parent(node)
        if not (
            isinstance(statement, cst.Assign)
            and statement.value is node
            and len(statement.targets) == 1
            and isinstance(statement.targets[0].target, cst.Name)
        ):
            return False
        name = statement.targets[0].target
        scope = finder.scope(name)
        if scope is None:
            return False
        for assignment in scope[name.value]:
            if getattr(assignment, "node", None) is not name:
                continue
            for access in assignment.references:  # type: ignore[attr-defined]
                arg = finder.parent(access.node)
                call = finder.parent(arg) if isinstance(arg, cst.Arg) else None
                if not isinstance(call, cst.Call) or not isinstance(arg, cst.Arg):
                    continue
                keyword = arg.keyword.value if arg.keyword is not None else ""
                if finder.qualified(call.func) & _EVAL or keyword in ("globals", "locals"):
                    return True
        return False

    def call(self, call: cst.Call, chain: str, root: Root) -> None:
        first = chain.split(".", 1)[0]
        if first in LEGACY_RULES and "." not in chain:
            rule = LEGACY_RULES[first]
            if rule == "set-hook":
                from .rules.set_hook import plan  # the rule's own answer, not a second one

                reason, _ = plan(self.finder, call)
                if reason:
                    self.add(call, chain, "manual", f"{MANUAL_CALLBACK}: {reason}", root.proven)
                    return
            if rule == "expose-magic":
                from .rules.expose_magic import plan as plan_magic

                reason = plan_magic(self.finder, call)
                if reason:
                    self.add(call, chain, "manual", reason, root.proven)
                    return
            if rule == "magic" and not (call.args and literal(call.args[0].value) is not None):
                self.add(
                    call,
                    chain,
                    "manual",
                    "magic() with a line that is not a string literal",
                    root.proven,
                )
                return
            self.add(
                call, chain, "rewritable", f"legacy call, ported by rule {rule}", root.proven, rule
            )
            return
        if chain in ("user_ns.update", "push") and any(
            cannot_cross(self.finder, a.value) for a in call.args
        ):
            self.add(call, chain, "manual", MANUAL_VALUE, root.proven)
            return
        self.use(call, chain, root)

    def use(self, node: cst.CSTNode, chain: str, root: Root) -> None:
        parent = self.finder.parent(node)
        call = self.finder.parent(parent) if isinstance(parent, cst.Arg) else None
        if (
            isinstance(call, cst.Call)
            and chain in ("user_ns", "user_global_ns")
            and self.finder.qualified(call.func) & _EVAL
        ):
            self.add(node, chain, "manual", MANUAL_EVAL, root.proven)
            return
        if chain in ("user_ns", "user_global_ns") and self._namespace_reaches_eval(node):
            self.add(node, chain, "manual", MANUAL_EVAL, root.proven)
            return
        if any(
            part.startswith("_") and not (part.startswith("__") and part.endswith("__"))
            for part in chain.split(".")
        ):
            self.add(node, chain, "manual", MANUAL_PRIVATE, root.proven)
            return
        if chain in self.contract:
            if chain.endswith("__setitem__") and isinstance(parent, cst.AssignTarget):
                assign = self.finder.parent(parent)
                if isinstance(assign, cst.Assign) and cannot_cross(self.finder, assign.value):
                    self.add(node, chain, "manual", MANUAL_VALUE, root.proven)
                    return
            self.add(node, chain, "proxy-safe", "in ShellAPI", root.proven)
            return
        self.add(node, chain, "manual", MANUAL_NOT_API, root.proven)

    # -- the module ----------------------------------------------------------------------

    def run(self) -> list[Site]:
        for root in self.finder.roots():
            self.access(root)
        self._module_level()
        self.sites.sort(key=lambda s: (s.line, s.col))
        return self.sites

    def _module_level(self) -> None:
        auditor = self

        class Visit(cst.CSTVisitor):
            def visit_ClassDef(self, node: cst.ClassDef) -> None:
                for base in node.bases:
                    if auditor.finder.qualified(base.value) & _SHELL_CLASSES:
                        auditor.add(node, spelling(base.value), "manual", MANUAL_SUBCLASS, True)

            def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
                if node.name.value == "init_ipython" and isinstance(
                    auditor.finder.parent(node), cst.Module
                ):
                    auditor.add(
                        node,
                        "init_ipython",
                        "rewritable",
                        "legacy entry point, ported by rule init-ipython",
                        True,
                        "init-ipython",
                    )

            def visit_Call(self, node: cst.Call) -> None:
                names = auditor.finder.qualified(node.func)
                if names & _FRAME_CALLS:
                    auditor.add(node, sorted(names & _FRAME_CALLS)[0], "manual", MANUAL_FRAME, True)

        self.finder.wrapper.module.visit(Visit())


def _container_op(finder: ShellFinder, node: cst.CSTNode) -> str:
    """``__contains__``, ``__len__`` or ``__iter__`` when ``node`` is used as a container."""
    parent = finder.parent(node)
    if (
        isinstance(parent, cst.ComparisonTarget)
        and parent.comparator is node
        and isinstance(parent.operator, cst.In | cst.NotIn)
    ):
        return "__contains__"
    if isinstance(parent, cst.For) and parent.iter is node:
        return "__iter__"
    if isinstance(parent, cst.Arg):
        call = finder.parent(parent)
        if isinstance(call, cst.Call) and finder.qualified(call.func) & {"builtins.len", "len"}:
            return "__len__"
    return ""


def _target_of(parent: cst.CSTNode | None) -> cst.CSTNode | None:
    return getattr(parent, "target", None)


def _item_op(finder: ShellFinder, subscript: cst.Subscript) -> str:
    parent = finder.parent(subscript)
    if isinstance(parent, cst.AssignTarget) and parent.target is subscript:
        return "__setitem__"
    if isinstance(parent, cst.Del):
        return "__delitem__"
    return "__getitem__"


def audit_module(wrapper: cst.MetadataWrapper, contract: Contract) -> list[Site]:
    """The sites of one parsed module, in source order."""
    return _Auditor(wrapper, contract).run()

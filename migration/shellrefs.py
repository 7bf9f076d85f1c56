"""Knowing what is the shell: which expressions of a module stand for the shell object.

*Proven* shell expressions, by libcst's qualified names and scope analysis:

- a call of ``get_ipython`` (from ``legacy_shell`` or ``IPython``, or the bare
  name IPython puts in the namespace) or of the legacy ``ipapi.get``;
- the first parameter of ``load_ipython_extension``, ``unload_ipython_extension``
  and ``init_ipython``;
- ``self.shell`` inside a ``Magics`` subclass;
- ``_ip`` and ``__IPYTHON__`` used as objects (names the shell injects);
- a variable assigned once, in its scope, from one of these.

*Probable* ones, reported but never rewritten: a parameter or variable named
``ip``, ``_ip``, ``shell`` or ``ipython``, any ``X.shell``, a value annotated
with a shell type. A proven name that is assigned again is only probable
(``rebound``): which value it holds depends on the path taken.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import libcst as cst
from libcst._metadata_dependent import LazyValue
from libcst.metadata import (
    Assignment,
    ParentNodeProvider,
    QualifiedNameProvider,
    Scope,
    ScopeProvider,
)

__all__ = [
    "ENTRY_POINTS",
    "INJECTED",
    "LEGACY_GETTERS",
    "Root",
    "ShellFinder",
]

#: Functions that return the shell (qualified names; IPython's spellings too).
GETTERS = frozenset(
    {
        "get_ipython",
        "legacy_shell.get_ipython",
        "legacy_shell._current.get_ipython",
        "IPython.get_ipython",
        "IPython.core.getipython.get_ipython",
    }
)
#: The legacy API's getter of the shell's wrapper (``ip = ipapi.get()``).
LEGACY_GETTERS = frozenset(
    {"legacy_shell.ipapi.get", "IPython.ipapi.get", "IPython.core.ipapi.get"}
)
#: Names the shell puts in the user namespace and builtins.
INJECTED = frozenset({"_ip", "__IPYTHON__"})
#: Module-level functions whose first parameter is the shell.
ENTRY_POINTS = frozenset({"load_ipython_extension", "unload_ipython_extension", "init_ipython"})
MAGICS_CLASSES = frozenset(
    {
        "legacy_shell.Magics",
        "legacy_shell.magic.Magics",
        "IPython.core.magic.Magics",
        "IPython.Magics",
    }
)
PROBABLE_NAMES = frozenset({"ip", "_ip", "shell", "ipython"})
SHELL_TYPES = frozenset(
    {"InteractiveShell", "ShellAPI", "TerminalInteractiveShell", "ZMQInteractiveShell"}
)


@dataclass(frozen=True)
class Root:
    """An expression that stands for the shell, and how sure we are."""

    node: cst.CSTNode
    proven: bool
    #: ``"legacy"`` for the legacy wrapper's getters and globals, else ``""``.
    origin: str = ""
    #: Why a name that looks like the shell is only probable (``"rebound"``, ...).
    note: str = ""


class ShellFinder(cst.MetadataDependent):
    """Finds the shell expressions of one module (its wrapper's metadata resolved once)."""

    METADATA_DEPENDENCIES = (ScopeProvider, QualifiedNameProvider, ParentNodeProvider)

    def __init__(self, wrapper: cst.MetadataWrapper) -> None:
        super().__init__()
        self.wrapper = wrapper
        self.metadata = wrapper.resolve_many(self.METADATA_DEPENDENCIES)

    # -- questions about one node ------------------------------------------------------

    def qualified(self, node: cst.CSTNode) -> set[str]:
        names: Any = self.metadata[QualifiedNameProvider].get(node, set())
        if isinstance(names, LazyValue):  # computed on first use, as get_metadata does
            names = names()
        return {q.name for q in names}

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        found: Any = self.metadata[ParentNodeProvider].get(node)
        return found if isinstance(found, cst.CSTNode) else None

    def scope(self, node: cst.CSTNode) -> Scope | None:
        found: Any = self.metadata[ScopeProvider].get(node)
        return found if isinstance(found, Scope) else None

    def is_getter_call(self, node: cst.CSTNode) -> str | None:
        """``"shell"`` or ``"legacy"`` when ``node`` calls a getter of the shell."""
        if not isinstance(node, cst.Call) or node.args:
            return None
        names = self.qualified(node.func)
        if names & LEGACY_GETTERS:
            return "legacy"
        if names & GETTERS:
            return "shell"
        if isinstance(node.func, cst.Name) and node.func.value == "get_ipython" and not names:
            return "shell"  # the name IPython injects, used without an import
        return None

    def _binding(self, name: cst.Name) -> tuple[Assignment | None, int]:
        """The one assignment ``name`` refers to (if exactly one), and how many there are."""
        scope = self.scope(name)
        if scope is None:
            return None, 0
        found = [a for a in scope[name.value] if isinstance(a, Assignment)]
        return (found[0] if len(found) == 1 else None), len(found)

    def _assigned_value(self, assignment: Assignment) -> cst.BaseExpression | None:
        node = assignment.node
        if isinstance(node, cst.Param):
            return None
        parent = self.parent(node)
        if isinstance(parent, cst.AssignTarget):
            assign = self.parent(parent)
            if isinstance(assign, cst.Assign) and len(assign.targets) == 1:
                return assign.value
        if isinstance(parent, cst.AnnAssign) and parent.value is not None:
            return parent.value
        return None

    def _is_entry_param(self, assignment: Assignment) -> bool:
        node = assignment.node
        if not isinstance(node, cst.Param):
            return False
        params = self.parent(node)
        func = self.parent(params) if params is not None else None
        if not isinstance(func, cst.FunctionDef) or func.name.value not in ENTRY_POINTS:
            return False
        first = func.params.params[:1] or func.params.posonly_params[:1]
        return bool(first) and first[0] is node

    def _in_magics_class(self, node: cst.CSTNode) -> bool:
        current = self.parent(node)
        while current is not None:
            if isinstance(current, cst.ClassDef):
                return any(self.qualified(base.value) & MAGICS_CLASSES for base in current.bases)
            current = self.parent(current)
        return False

    def root(self, node: cst.CSTNode, _depth: int = 0) -> Root | None:
        """``node`` as a shell expression, or ``None`` when it is not one."""
        if _depth > 8:
            return None
        getter = self.is_getter_call(node)
        if getter is not None:
            return Root(node, proven=True, origin="legacy" if getter == "legacy" else "")
        if isinstance(node, cst.Attribute) and node.attr.value == "shell":
            on_self = isinstance(node.value, cst.Name) and node.value.value == "self"
            if on_self and self._in_magics_class(node):
                return Root(node, proven=True)
            return Root(node, proven=False, note="an attribute named shell")
        if not isinstance(node, cst.Name):
            return None
        assignment, count = self._binding(node)
        if count == 0:
            if node.value in INJECTED:
                return Root(node, proven=True, origin="legacy")
            return None
        if assignment is None:  # assigned more than once: which value depends on the path
            if self._any_shell_binding(node):
                return Root(node, proven=False, note="rebound")
            return self._probable(node)
        if self._is_entry_param(assignment):
            return Root(node, proven=True)
        value = self._assigned_value(assignment)
        if value is not None:
            inner = self.root(value, _depth + 1)
            if inner is not None:
                return Root(node, inner.proven, inner.origin, inner.note)
        return self._probable(node)

    def _any_shell_binding(self, name: cst.Name) -> bool:
        scope = self.scope(name)
        if scope is None:
            return False
        for assignment in scope[name.value]:
            if isinstance(assignment, Assignment):
                if self._is_entry_param(assignment):
                    return True
                value = self._assigned_value(assignment)
                if value is not None and self.is_getter_call(value) is not None:
                    return True
        return False

    def _probable(self, name: cst.Name) -> Root | None:
        if name.value in PROBABLE_NAMES:
            return Root(name, proven=False, note=f"a name often used for the shell ({name.value})")
        assignment, _ = self._binding(name)
        if assignment is not None and isinstance(assignment.node, cst.Param):
            annotation = assignment.node.annotation
            if annotation is not None and _annotation_names(annotation.annotation) & SHELL_TYPES:
                return Root(name, proven=False, note="annotated with a shell type")
        return None

    # -- the whole module ----------------------------------------------------------------

    def roots(self) -> Iterator[Root]:
        """Every outermost shell expression of the module, in source order."""
        finder = self
        found: list[Root] = []

        class Visit(cst.CSTVisitor):
            def on_visit(self, node: cst.CSTNode) -> bool:
                if isinstance(node, cst.Name | cst.Attribute | cst.Call):
                    if _is_definition(finder, node):
                        return True
                    root = finder.root(node)
                    if root is not None:
                        found.append(root)
                        # a getter call's arguments and ``self.shell``'s ``self``: nothing inside
                        return False
                return True

        self.wrapper.module.visit(Visit())
        yield from found


def _annotation_names(node: cst.BaseExpression) -> set[str]:
    names: set[str] = set()

    class Collect(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            names.add(n.value)

        def visit_Attribute(self, n: cst.Attribute) -> None:
            names.add(n.attr.value)

    node.visit(Collect())
    return names


def _is_definition(finder: ShellFinder, node: cst.CSTNode) -> bool:
    """A name being bound (a parameter, an assignment target), not a use."""
    parent = finder.parent(node)
    if isinstance(parent, cst.Param) and parent.name is node:
        return True
    if (
        isinstance(parent, cst.AssignTarget | cst.AnnAssign)
        and getattr(parent, "target", None) is node
    ):
        return isinstance(node, cst.Name)
    if isinstance(parent, cst.FunctionDef | cst.ClassDef) and parent.name is node:
        return True
    if isinstance(parent, cst.ImportAlias | cst.AsName):
        return True
    return isinstance(parent, cst.Attribute) and parent.attr is node

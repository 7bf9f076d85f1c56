"""What cannot travel by value to a shell in another process (functions, classes, modules).

Asked by the audit (a ``manual`` site) and by the ``push`` rule (which then
leaves the assignment as it is).
"""

from __future__ import annotations

import libcst as cst

from .shellrefs import ShellFinder

__all__ = ["cannot_cross"]


def cannot_cross(finder: ShellFinder, value: cst.BaseExpression) -> bool:
    """A lambda, or a name bound to a function, a class or a module: they cannot travel."""
    if isinstance(value, cst.Lambda):
        return True
    if isinstance(value, cst.Dict):
        return any(
            isinstance(e, cst.DictElement) and cannot_cross(finder, e.value) for e in value.elements
        )
    if isinstance(value, cst.Name):
        scope = finder.scope(value)
        if scope is None:
            return False
        for assignment in scope[value.value]:
            node = getattr(assignment, "node", None)
            if isinstance(node, cst.FunctionDef | cst.ClassDef | cst.Import | cst.ImportFrom):
                return True
    return False

"""The functions a legacy registration names, and dropping their first (shell) argument.

Legacy magics were ``fn(self, line)`` and hooks ``fn(self, ...)``: ``self`` was
the shell. The new API calls a magic as ``fn(line)`` and an event callback
with the event's own arguments; a function that never uses its first argument
just loses it, one that does needs a person (it should call ``get_ipython()``
or live in a ``Magics`` class).
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst
from libcst.metadata import Assignment

from ..shellrefs import ShellFinder

__all__ = ["Target", "drop_first_param", "resolve_target"]


@dataclass(frozen=True)
class Target:
    """A function given to a legacy registration: its definition, if we can see it."""

    node: cst.FunctionDef | cst.Lambda
    first: str | None  # the first parameter's name
    uses_first: bool
    #: Positional parameters that must be passed (after the first).
    required_after_first: int
    takes_varargs: bool
    #: Named once in the module (this registration): changing it changes nothing else.
    single_use: bool = True


def resolve_target(finder: ShellFinder, value: cst.BaseExpression) -> Target | None:
    """The module-level ``def`` (assigned once) or the lambda ``value`` names, else ``None``."""
    node: cst.FunctionDef | cst.Lambda | None = None
    single_use = True
    if isinstance(value, cst.Lambda):
        node = value
    elif isinstance(value, cst.Name):
        scope = finder.scope(value)
        found = [a for a in scope[value.value] if isinstance(a, Assignment)] if scope else []
        if len(found) == 1 and isinstance(found[0].node, cst.FunctionDef):
            node = found[0].node
            single_use = len(found[0].references) == 1
    if node is None:
        return None
    params = list(node.params.posonly_params) + list(node.params.params)
    first = params[0].name.value if params else None
    required = sum(1 for p in params[1:] if p.default is None)
    return Target(
        node,
        first,
        first is not None and _uses(node, first),
        required,
        isinstance(node.params.star_arg, cst.Param),
        single_use,
    )


def _uses(node: cst.FunctionDef | cst.Lambda, name: str) -> bool:
    found = False

    class Find(cst.CSTVisitor):
        def visit_Name(self, n: cst.Name) -> None:
            nonlocal found
            if n.value == name:
                found = True

        def visit_Param(self, n: cst.Param) -> bool:
            return False  # the parameter itself is not a use

        def visit_Attribute(self, n: cst.Attribute) -> bool:
            n.value.visit(self)  # ``x.name`` uses x, not name
            return False

    body = node.body
    body.visit(Find())
    return found


def drop_first_param(
    node: cst.FunctionDef | cst.Lambda,
) -> cst.FunctionDef | cst.Lambda:
    params = node.params
    if params.posonly_params:
        new = params.with_changes(posonly_params=params.posonly_params[1:])
    else:
        new = params.with_changes(params=params.params[1:])
    if isinstance(node, cst.Lambda) and not (new.params or new.posonly_params or new.star_arg):
        return node.with_changes(params=new, whitespace_after_lambda=cst.SimpleWhitespace(""))
    return node.with_changes(params=new)

"""The legacy ways to get the shell -> ``get_ipython()``.

``legacy_shell.ipapi.get()`` (and IPython's ``ipapi.get()``), ``_ip`` used as an
object, and ``__IPYTHON__.x`` become ``get_ipython()``, imported from
``legacy_shell`` (or from ``IPython`` when the module uses IPython's names). A
bare ``__IPYTHON__`` (``if __IPYTHON__:``, a check that the code runs in a
shell) stays as it is.
"""

from __future__ import annotations

import re

import libcst as cst

from ..shellrefs import LEGACY_GETTERS
from .base import ShellRule

__all__ = ["LegacyGetterToGetIpython"]


class LegacyGetterToGetIpython(ShellRule):
    NAME = "get-ipython"
    TRIGGER = re.compile(r"ipapi|\b_ip\b|__IPYTHON__")
    DESCRIPTION = (
        "legacy_shell.ipapi.get(), _ip and __IPYTHON__.x -> get_ipython() (imported); "
        "a bare __IPYTHON__ check stays"
    )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if original_node.args or not (self.finder.qualified(original_node.func) & LEGACY_GETTERS):
            return updated_node
        self.rewrote(original_node, "ipapi.get()")
        self.need_get_ipython()
        return cst.Call(func=cst.Name("get_ipython"))

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if original_node.value not in ("_ip", "__IPYTHON__"):
            return updated_node
        root = self.finder.root(original_node)
        if root is None or root.origin != "legacy":
            return updated_node
        parent = self.finder.parent(original_node)
        used_as_object = isinstance(parent, cst.Attribute) and parent.value is original_node
        if original_node.value == "__IPYTHON__" and not used_as_object:
            return updated_node  # a flag check: stays
        if not _is_use(parent, original_node):
            return updated_node
        self.rewrote(original_node, original_node.value)
        self.need_get_ipython()
        return cst.Call(func=cst.Name("get_ipython"))


def _is_use(parent: cst.CSTNode | None, node: cst.Name) -> bool:
    """A name read as a value (not an attribute's name, a parameter, a target)."""
    if isinstance(parent, cst.Attribute) and parent.attr is node:
        return False
    if isinstance(parent, cst.Param | cst.AssignTarget | cst.ImportAlias | cst.AsName):
        return False
    return not isinstance(parent, cst.FunctionDef | cst.ClassDef)

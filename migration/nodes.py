"""Small readings of libcst nodes shared by the audit and the rules: names, literals."""

from __future__ import annotations

import libcst as cst

__all__ = ["dotted", "literal", "spelling", "string_like"]


def dotted(node: cst.BaseExpression) -> str:
    """``a.b.c`` for a chain of names, ``""`` for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


def spelling(node: cst.CSTNode) -> str:
    """How a site is named in reports: ``ip.magic``, ``ipapi.get()``."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{spelling(node.value)}.{node.attr.value}"
    if isinstance(node, cst.Call):
        return spelling(node.func) + "()"
    return type(node).__name__


def literal(node: cst.BaseExpression) -> str | None:
    """The value of a plain string literal (no f-string, no concatenation), else ``None``."""
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def string_like(value: str, like: cst.BaseExpression) -> cst.SimpleString:
    """A literal for ``value``, quoted as ``like`` was (``"`` or ``'``)."""
    quote = like.quote[-1] if isinstance(like, cst.SimpleString) else '"'
    escaped = value.replace("\\", "\\\\").replace("\n", "\\n").replace(quote, "\\" + quote)
    return cst.SimpleString(f"{quote}{escaped}{quote}")

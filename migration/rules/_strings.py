"""String literals: reading them, and writing new ones in the style of the old."""

from __future__ import annotations

import libcst as cst

__all__ = ["literal", "string_like"]


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

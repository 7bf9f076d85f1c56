"""The namespace completer: names, attributes and dict keys from live objects.

It answers instantly from what is already in memory, and it must never run the
user's code as a side effect of pressing Tab: an expression is resolved only
when it is a dotted name (or a literal), attributes are read with
``inspect.getattr_static`` (properties are not evaluated), and dict keys are
listed only for mappings whose ``keys`` cannot be user code.
"""

from __future__ import annotations

import ast
import builtins
import collections.abc
import inspect
import keyword
import re
import sys
import types
from typing import Any

from .base import Completion, Context, classify, is_private, signature_of

__all__ = [
    "attribute_completions",
    "dict_key_completions",
    "name_completions",
    "resolve",
    "string_state",
]

#: an expression we are willing to resolve: a dotted name or a string literal
_LITERAL_RE = r"[bBrRuU]{0,2}(?:'[^'\\\n]*'|\"[^\"\\\n]*\")"
_LITERAL = re.compile(_LITERAL_RE)
_EXPR = rf"(?:[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*|{_LITERAL_RE})"
_ATTR = re.compile(rf"(?P<expr>{_EXPR})\s*\.\s*(?P<prefix>\w*)$")
_NAME = re.compile(r"[A-Za-z_]\w*$|$")
_SIGNATURE_LIMIT = 50
_NO_VALUE = object()


def resolve(ctx: Context, expr: str) -> Any:
    """The object an expression names, or ``_NO_VALUE``; never calls anything.

    Only literals and dotted names are accepted. The first name comes from the
    namespace or builtins; each attribute is read statically, and descriptors
    written in Python (properties...) stop the walk instead of being run.
    """
    if _LITERAL.fullmatch(expr):
        try:
            return ast.literal_eval(expr)
        except (ValueError, SyntaxError):
            return _NO_VALUE
    expr = re.sub(r"\s+", "", expr)
    first, *rest = expr.split(".")
    found, value = ctx.lookup(first)
    if not found:
        return _NO_VALUE
    for attr in rest:
        value = _static_attr(value, attr)
        if value is _NO_VALUE:
            break
    return value


def _static_attr(obj: Any, attr: str) -> Any:
    try:
        value = inspect.getattr_static(obj, attr)
    except AttributeError:
        return _NO_VALUE
    if isinstance(value, staticmethod | classmethod):
        return value.__func__
    if inspect.isgetsetdescriptor(value) or inspect.ismemberdescriptor(value):
        # implemented in C (or a __slots__ slot): reading it runs no Python code
        try:
            return getattr(obj, attr)
        except Exception:
            return _NO_VALUE
    if isinstance(value, property) and isinstance(obj, type):
        return value
    if isinstance(value, property):
        return _NO_VALUE
    return value


def name_completions(ctx: Context) -> list[Completion] | None:
    """Bare names: the namespace, builtins, keywords, then magics (automagic)."""
    line = ctx.line
    m = _NAME.search(line)
    assert m is not None
    prefix = m.group()
    start = ctx.cursor - len(prefix)
    before = line[: m.start()].rstrip()
    last = line[-1:]
    if before.endswith(".") or (not prefix and last and (last.isalnum() or last in "_)]}'\"")):
        return None
    show_private = prefix.startswith("_")
    found: dict[str, Completion] = {}

    def add(name: str, value: Any, kind: str | None = None) -> None:
        if name in found or not name.startswith(prefix):
            return
        if is_private(name) and not show_private:
            return
        ctype = kind or classify(value)
        sig = signature_of(value, name) if kind is None and len(found) < _SIGNATURE_LIMIT else ""
        found[name] = Completion(start, ctx.cursor, name, ctype, sig)

    for name, value in list(ctx.namespace.items()):
        if isinstance(name, str):
            add(name, value)
    for name, value in vars(builtins).items():
        add(name, value)
    for name in keyword.kwlist:
        add(name, None, "keyword")
    results = list(found.values())
    if ctx.automagic and prefix and not before:
        for name in sorted(ctx.magics.get("line", {})):
            if name.startswith(prefix) and name not in ctx.namespace:
                results.append(Completion(start, ctx.cursor, "%" + name, "magic"))
    return results


def attribute_completions(ctx: Context) -> list[Completion] | None:
    """``obj.at``: the attributes ``dir(obj)`` lists (honouring ``__dir__``)."""
    m = _ATTR.search(ctx.line)
    if m is None:
        return None
    head = ctx.line[: m.start()].rstrip()
    if head.endswith((".", ")", "]")):
        return None  # part of a longer expression that we will not evaluate
    obj = resolve(ctx, m.group("expr"))
    if obj is _NO_VALUE:
        return []
    prefix = m.group("prefix")
    try:
        names = dir(obj)
    except Exception:
        return []
    start = ctx.cursor - len(prefix)
    show_private = prefix.startswith("_")
    results = []
    for name in names:
        if not isinstance(name, str) or not name.startswith(prefix):
            continue
        if is_private(name) and not show_private:
            continue
        try:
            value = inspect.getattr_static(obj, name)
        except AttributeError:
            results.append(Completion(start, ctx.cursor, name, "instance"))
            continue
        sig = signature_of(value, name) if len(results) < _SIGNATURE_LIMIT else ""
        results.append(Completion(start, ctx.cursor, name, classify(value), sig))
    return results


def _safe_keys(obj: Any) -> list[Any] | None:
    """The keys of a mapping (empty if its ``keys`` is user code); ``None`` if not one."""
    if isinstance(obj, dict):
        return list(dict.keys(obj))
    if isinstance(obj, types.MappingProxyType):
        return list(obj.keys())
    if isinstance(obj, collections.abc.Mapping):
        module = type(obj).__module__.split(".")[0]
        if module not in sys.stdlib_module_names:
            return []  # a mapping, but listing its keys would run user code
        try:
            return list(obj.keys())
        except Exception:
            return []
    return None


def string_state(line: str) -> tuple[str, int] | None:
    """``(quote, offset after it)`` when the end of ``line`` is inside a string."""
    quote = ""
    start = 0
    i = 0
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if line.startswith(quote, i):
                i += len(quote)
                quote = ""
                continue
        elif ch == "#":
            return None
        elif ch in "'\"":
            quote = ch * 3 if line.startswith(ch * 3, i) else ch
            start = i + len(quote)
            i = start
            continue
        i += 1
    return (quote, start) if quote else None


_KEY_OPEN = re.compile(rf"(?P<expr>{_EXPR})\s*\[\s*(?P<prefix>[bB]?)$")


def dict_key_completions(ctx: Context) -> list[Completion] | None:
    """``d[`` and ``d['k``: the keys of a dict in the namespace, quoted."""
    line = ctx.line
    state = string_state(line)
    if state is not None:
        quote, content_start = state
        if len(quote) != 1:
            return None
        m = _KEY_OPEN.search(line[: content_start - 1])
        typed = line[content_start:]
        start = ctx.line_start + content_start
    else:
        m = _KEY_OPEN.search(line)
        if m is not None and m.group("prefix"):
            return None  # ``d[b`` is a name being typed, not a bytes prefix
        quote, typed, start = "", "", ctx.cursor
    if m is None:
        return None
    head = line[: m.start()].rstrip()
    if head.endswith((".", ")", "]")):
        return None
    keys = _safe_keys(resolve(ctx, m.group("expr")))
    if keys is None:
        return None  # not a mapping: ``lst[`` goes on to names, ``x['`` to paths
    want_bytes = bool(m.group("prefix"))
    end = ctx.cursor
    rest = ctx.code[ctx.cursor :]
    closing = quote
    if quote and rest.startswith(quote):
        end += 1
        rest = rest[1:]
    if rest.lstrip().startswith("]"):
        end += len(rest) - len(rest.lstrip()) + 1
    results = []
    for key in keys:
        if isinstance(key, bytes if want_bytes else str):
            text = key.decode("latin-1") if isinstance(key, bytes) else key
            if not text.startswith(typed):
                continue
            if quote:
                body = text.replace("\\", "\\\\").replace(quote, "\\" + quote)
                results.append(Completion(start, end, f"{body}{closing}]", "dict key"))
            else:
                results.append(Completion(start, end, f"{key!r}]", "dict key"))
        elif not quote and isinstance(key, int | float | tuple | bytes) and key is not True:
            results.append(Completion(start, end, f"{key!r}]", "dict key"))
    return results

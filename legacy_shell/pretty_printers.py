"""The default pretty printers for built-in types, in IPython's format.

Each printer is ``printer(obj, p, cycle)`` on a :class:`~legacy_shell.pretty.PrettyPrinter`.
The tables are built fresh by the functions below (no shared module state), so
that each ``text/plain`` formatter owns and may change its own copy.
"""

from __future__ import annotations

import re
import types
from typing import Any

from .pretty import (
    MAX_SEQ_LENGTH,
    CallExpression,
    PrettyPrinter,
    Printer,
    RawText,
    _repr_pprint,
    _safe_getattr,
)

__all__ = [
    "default_deferred_printers",
    "default_singleton_printers",
    "default_type_printers",
    "pretty",
]


def _sequence_printer(start: str, end: str) -> Printer:
    def print_sequence(obj: Any, p: PrettyPrinter, cycle: bool) -> None:
        if cycle:
            p.text(start + "..." + end)
            return
        with p.group(len(start), start, end):
            for idx, item in p._enumerate(obj):
                if idx:
                    p.text(",")
                    p.breakable()
                p.pretty(item)
            if isinstance(obj, tuple) and len(obj) == 1:
                p.text(",")

    return print_sequence


def _sorted(items: Any) -> list[Any]:
    """Sets print sorted when their items allow it (by ``str`` otherwise)."""
    items = list(items)
    for key in (None, str):
        try:
            return sorted(items, key=key)
        except Exception:
            continue
    return items


def _set_printer(start: str, end: str) -> Printer:
    def print_set(obj: Any, p: PrettyPrinter, cycle: bool) -> None:
        if cycle:
            p.text(start + "..." + end)
            return
        if not obj:
            p.text(type(obj).__name__ + "()")
            return
        items = obj if p.max_seq_length and len(obj) >= p.max_seq_length else _sorted(obj)
        with p.group(len(start), start, end):
            for idx, item in p._enumerate(items):
                if idx:
                    p.text(",")
                    p.breakable()
                p.pretty(item)

    return print_set


def _dict_printer(start: str, end: str) -> Printer:
    def print_dict(obj: Any, p: PrettyPrinter, cycle: bool) -> None:
        if cycle:
            p.text("{...}")
            return
        with p.group(len(start), start, end):
            for idx, key in p._enumerate(obj.keys()):
                if idx:
                    p.text(",")
                    p.breakable()
                p.pretty(key)
                p.text(": ")
                p.pretty(obj[key])

    return print_dict


def _type_pprint(obj: Any, p: PrettyPrinter, cycle: bool) -> None:
    """Classes print as ``module.QualName`` (builtins by name), unless the metaclass has a repr."""
    own_repr = [m for m in type(obj).__mro__ if "__repr__" in vars(m)][:1]
    if own_repr != [type]:
        _repr_pprint(obj, p, cycle)
        return
    module = _safe_getattr(obj, "__module__", None)
    name = _safe_getattr(obj, "__qualname__", None)
    if not isinstance(name, str):
        name = _safe_getattr(obj, "__name__", "<unknown type>")
    p.text(name if module in (None, "builtins") else f"{module}.{name}")


def _function_pprint(obj: Any, p: PrettyPrinter, cycle: bool) -> None:
    """``<function module.name(signature)>``."""
    import inspect

    name = _safe_getattr(obj, "__qualname__", None) or obj.__name__
    module = _safe_getattr(obj, "__module__", None)
    if module and module != "builtins":
        name = f"{module}.{name}"
    try:
        name += str(inspect.signature(obj))
    except (ValueError, TypeError):
        pass
    p.text(f"<function {name}>")


def _exception_pprint(obj: Any, p: PrettyPrinter, cycle: bool) -> None:
    """``ValueError('message')``: the class and its args, as a call."""
    klass = obj.__class__
    name = getattr(klass, "__qualname__", klass.__name__)
    if klass.__module__ != "builtins":
        name = f"{klass.__module__}.{name}"
    p.pretty(CallExpression(name, *getattr(obj, "args", ())))


def _namespace_pprint(obj: Any, p: PrettyPrinter, cycle: bool) -> None:
    if cycle:
        p.pretty(CallExpression("namespace", RawText("...")))
    else:
        p.pretty(CallExpression("namespace", **obj.__dict__))


_RE_FLAGS = ("IGNORECASE", "LOCALE", "MULTILINE", "DOTALL", "UNICODE", "VERBOSE", "DEBUG")


def _pattern_pprint(obj: Any, p: PrettyPrinter, cycle: bool) -> None:
    """``re.compile(r'...', re.FLAG|...)``."""
    literal = repr(obj.pattern)
    raw = RawText(("r" + literal).replace("\\\\", "\\"))
    flags = "|".join(f"re.{f}" for f in _RE_FLAGS if obj.flags & getattr(re, f))
    args: list[Any] = [raw, RawText(flags)] if obj.flags else [raw]
    p.pretty(CallExpression("re.compile", *args))


def _collection_printer(convert: Any) -> Printer:
    """Printers of ``collections`` types: ``ClassName(<converted contents>)``."""

    def print_collection(obj: Any, p: PrettyPrinter, cycle: bool) -> None:
        name = obj.__class__.__name__
        if cycle:
            p.pretty(CallExpression(name, RawText("...")))
            return
        args, kwargs = convert(obj)
        p.pretty(CallExpression(name, *args, **kwargs))

    return print_collection


def _deque_parts(obj: Any) -> tuple[list[Any], dict[str, Any]]:
    if obj.maxlen is not None:
        return [list(obj)], {"maxlen": obj.maxlen}
    return [list(obj)], {}


def default_singleton_printers() -> dict[int, Printer]:
    """Printers for ``None``, ``True``, ``False``, ``...`` and ``NotImplemented``."""
    return dict.fromkeys(map(id, [None, True, False, Ellipsis, NotImplemented]), _repr_pprint)


def default_type_printers() -> dict[type, Printer]:
    """A fresh table of the built-in types' printers."""
    table: dict[type, Printer] = {
        int: _repr_pprint,
        float: _repr_pprint,
        str: _repr_pprint,
        bytes: _repr_pprint,
        range: _repr_pprint,
        slice: _repr_pprint,
        tuple: _sequence_printer("(", ")"),
        list: _sequence_printer("[", "]"),
        dict: _dict_printer("{", "}"),
        set: _set_printer("{", "}"),
        frozenset: _set_printer("frozenset({", "})"),
        types.MappingProxyType: _dict_printer("mappingproxy({", "})"),
        type: _type_pprint,
        types.FunctionType: _function_pprint,
        types.BuiltinFunctionType: _function_pprint,
        types.MethodType: _repr_pprint,
        types.SimpleNamespace: _namespace_pprint,
        re.Pattern: _pattern_pprint,
        BaseException: _exception_pprint,
    }
    return table


def default_deferred_printers() -> dict[tuple[str, str], Printer]:
    """Printers of types named by (module, name), bound on first use."""
    return {
        ("collections", "defaultdict"): _collection_printer(
            lambda o: ([o.default_factory, dict(o)], {})
        ),
        ("collections", "OrderedDict"): _collection_printer(
            lambda o: ([list(o.items())] if o else [], {})
        ),
        ("collections", "deque"): _collection_printer(_deque_parts),
        ("collections", "Counter"): _collection_printer(
            lambda o: ([dict(o.most_common())] if o else [], {})
        ),
        ("collections", "UserList"): _collection_printer(lambda o: ([o.data], {})),
    }


def pretty(obj: Any, max_width: int = 79, max_seq_length: int = MAX_SEQ_LENGTH) -> str:
    """The pretty ``text/plain`` form of ``obj`` with the default printers."""
    printer = PrettyPrinter(
        max_width=max_width,
        max_seq_length=max_seq_length,
        singleton_printers=default_singleton_printers(),
        type_printers=default_type_printers(),
        deferred_printers=default_deferred_printers(),
    )
    printer.pretty(obj)
    return printer.getvalue()

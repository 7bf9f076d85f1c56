"""The pretty printer behind ``text/plain``: IPython's look, our own engine.

Printers describe an object as a tree of text, break points and groups, through
the same calls IPython's ``_repr_pretty_(p, cycle)`` protocol uses (``p.text``,
``p.breakable``, ``p.begin_group`` / ``p.end_group``, ``p.pretty``). The tree is
then laid out Wadler-style: a group is printed on one line when it fits in the
width, otherwise every break point of that group becomes a newline. Indentation
is the sum of the enclosing groups' indents, as in IPython, so that the output
of containers looks the same (``{'a': 1, 'b': 2}``; long lists one item a line).

Which function prints which type is decided by the caller's tables (the
``text/plain`` formatter owns them, so ``for_type`` also applies inside
containers); ``legacy_shell.pretty_printers`` has the default tables.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

__all__ = [
    "MAX_SEQ_LENGTH",
    "CallExpression",
    "PrettyPrinter",
    "RawText",
]

MAX_SEQ_LENGTH = 1000

Printer = Callable[[Any, "PrettyPrinter", bool], Any]


class _Break:
    __slots__ = ("indent", "sep")

    def __init__(self, sep: str, indent: int) -> None:
        self.sep = sep
        self.indent = indent


class _Hard:
    __slots__ = ("indent",)

    def __init__(self, indent: int) -> None:
        self.indent = indent


class _Group:
    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[Any] = []


def _safe_getattr(obj: Any, name: str, default: Any = None) -> Any:
    try:
        return getattr(obj, name, default)
    except Exception:
        return default


class PrettyPrinter:
    """The ``p`` that ``_repr_pretty_(p, cycle)`` methods and printers receive."""

    def __init__(
        self,
        max_width: int = 79,
        newline: str = "\n",
        max_seq_length: int = MAX_SEQ_LENGTH,
        verbose: bool = False,
        singleton_printers: dict[int, Printer] | None = None,
        type_printers: dict[type, Printer] | None = None,
        deferred_printers: dict[tuple[str, str], Printer] | None = None,
        call: Callable[[Printer, Any, PrettyPrinter, bool], Any] | None = None,
    ) -> None:
        self.max_width = max_width
        self.newline = newline
        self.max_seq_length = max_seq_length
        self.verbose = verbose
        self.indentation = 0
        self.singleton_printers = singleton_printers if singleton_printers is not None else {}
        self.type_printers = type_printers if type_printers is not None else {}
        self.deferred_printers = deferred_printers if deferred_printers is not None else {}
        self._call = call or (lambda func, obj, p, cycle: func(obj, p, cycle))
        self._root = _Group()
        self._groups = [self._root]
        self._visiting: list[int] = []

    # -- the protocol used by _repr_pretty_ methods --------------------------------
    def text(self, obj: str) -> None:
        """Literal text (no newlines expected; use ``break_`` for those)."""
        self._groups[-1].items.append(str(obj))

    def breakable(self, sep: str = " ") -> None:
        """``sep`` if the group fits on one line, else a newline and the indentation."""
        self._groups[-1].items.append(_Break(sep, self.indentation))

    def break_(self) -> None:
        """A newline that is always taken (its groups cannot stay on one line)."""
        self._groups[-1].items.append(_Hard(self.indentation))

    def begin_group(self, indent: int = 0, open: str = "") -> None:
        if open:
            self.text(open)
        group = _Group()
        self._groups[-1].items.append(group)
        self._groups.append(group)
        self.indentation += indent

    def end_group(self, dedent: int = 0, close: str = "") -> None:
        self.indentation -= dedent
        if len(self._groups) > 1:
            self._groups.pop()
        if close:
            self.text(close)

    @contextlib.contextmanager
    def group(self, indent: int = 0, open: str = "", close: str = "") -> Iterator[None]:
        self.begin_group(indent, open)
        try:
            yield
        finally:
            self.end_group(indent, close)

    @contextlib.contextmanager
    def indent(self, indent: int) -> Iterator[None]:
        self.indentation += indent
        try:
            yield
        finally:
            self.indentation -= indent

    def _enumerate(self, seq: Iterable[Any]) -> Iterator[tuple[int, Any]]:
        """``enumerate`` that stops with ``, ...`` after ``max_seq_length`` items."""
        for idx, item in enumerate(seq):
            if self.max_seq_length and idx >= self.max_seq_length:
                self.text(",")
                self.breakable()
                self.text("...")
                return
            yield idx, item

    def pretty(self, obj: Any) -> None:
        """Print ``obj`` with the printer its type calls for (cycles print as ``...``)."""
        obj_id = id(obj)
        cycle = obj_id in self._visiting
        self._visiting.append(obj_id)
        self.begin_group()
        try:
            printer = self._find_printer(obj)
            if printer is not None:
                self._call(printer, obj, self, cycle)
            else:
                _default_pprint(obj, self, cycle)
        finally:
            self.end_group()
            self._visiting.pop()

    def _find_printer(self, obj: Any) -> Printer | None:
        try:
            return self.singleton_printers[id(obj)]
        except (KeyError, TypeError):
            pass
        klass = _safe_getattr(obj, "__class__", None) or type(obj)
        for cls in _safe_getattr(klass, "__mro__", None) or (klass,):
            if cls in self.type_printers:
                return self.type_printers[cls]
            key = (_safe_getattr(cls, "__module__"), _safe_getattr(cls, "__name__"))
            if key in self.deferred_printers:
                printer = self.deferred_printers.pop(key)
                self.type_printers[cls] = printer
                return printer
            method = vars(cls).get("_repr_pretty_") if hasattr(cls, "__dict__") else None
            if method is not None and callable(_safe_getattr(cls, "_repr_pretty_")):
                return _call_repr_pretty
            if cls is not object and "__repr__" in _safe_getattr(cls, "__dict__", {}):
                return _repr_pprint
        return None

    # -- layout ------------------------------------------------------------------
    def getvalue(self) -> str:
        """Lay the printed tree out in ``max_width`` columns and return the text."""
        out: list[str] = []
        col = 0
        stack: list[tuple[bool, Any]] = [(False, self._root)]
        while stack:
            flat, item = stack.pop()
            if isinstance(item, str):
                out.append(item)
                col += len(item)
            elif isinstance(item, _Break) and flat:
                out.append(item.sep)
                col += len(item.sep)
            elif isinstance(item, (_Break, _Hard)):
                out.append(self.newline + " " * item.indent)
                col = item.indent
            else:
                mode = flat or self._fits(self.max_width - col, item, stack)
                stack.extend((mode, child) for child in reversed(item.items))
        return "".join(out)

    @staticmethod
    def _fits(room: int, group: _Group, rest: list[tuple[bool, Any]]) -> bool:
        """Does ``group`` on one line, plus what follows up to the next break, fit?"""
        todo: list[tuple[bool, Any]] = [(True, child) for child in reversed(group.items)]
        rest_index = len(rest)
        while room >= 0:
            if not todo:
                if rest_index == 0:
                    return True
                rest_index -= 1
                todo.append(rest[rest_index])
            flat, item = todo.pop()
            if isinstance(item, str):
                room -= len(item)
            elif isinstance(item, _Hard):
                return not flat
            elif isinstance(item, _Break):
                if not flat:
                    return True
                room -= len(item.sep)
            else:
                todo.extend((flat, child) for child in reversed(item.items))
        return False


def _call_repr_pretty(obj: Any, p: PrettyPrinter, cycle: bool) -> None:
    """IPython's protocol: the object prints itself on ``p``."""
    obj._repr_pretty_(p, cycle)


def _repr_pprint(obj: Any, p: PrettyPrinter, cycle: bool) -> None:
    """``repr(obj)``; a multi-line repr keeps its lines (indented with the group)."""
    lines = repr(obj).splitlines() or [""]
    with p.group():
        for idx, line in enumerate(lines):
            if idx:
                p.break_()
            p.text(line)


def _default_pprint(obj: Any, p: PrettyPrinter, cycle: bool) -> None:
    """``<module.Class at 0x...>`` for objects that keep ``object.__repr__``."""
    klass = _safe_getattr(obj, "__class__", None) or type(obj)
    if _safe_getattr(klass, "__repr__", None) is not object.__repr__:
        _repr_pprint(obj, p, cycle)
        return
    module = _safe_getattr(klass, "__module__", None)
    name = _safe_getattr(klass, "__qualname__", None) or _safe_getattr(klass, "__name__", "?")
    if module not in (None, "builtins"):
        name = f"{module}.{name}"
    p.text(f"<{name} at 0x{id(obj):x}{' ...' if cycle else ''}>")


class RawText:
    """``p.pretty(RawText(s))`` prints ``s`` as it is."""

    def __init__(self, value: str) -> None:
        self.value = value

    def _repr_pretty_(self, p: PrettyPrinter, cycle: bool) -> None:
        p.text(self.value)


class CallExpression:
    """Prints as ``name(arg, ..., key=value)``, wrapped like a container."""

    def __init__(self, name: str, /, *args: Any, **kwargs: Any) -> None:
        self.name = name
        self.args = args
        self.kwargs = kwargs

    def _repr_pretty_(self, p: PrettyPrinter, cycle: bool) -> None:
        prefix = self.name + "("
        items: list[tuple[str | None, Any]] = [(None, a) for a in self.args]
        items += list(self.kwargs.items())
        with p.group(len(prefix), prefix, ")"):
            for idx, (key, value) in enumerate(items):
                if idx:
                    p.text(",")
                    p.breakable()
                if key is None:
                    p.pretty(value)
                else:
                    with p.group(len(key) + 1, key + "="):
                        p.pretty(value)

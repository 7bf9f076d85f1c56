"""The ``text/plain`` formatter: the pretty printer, with the shell's settings.

This is what the terminal shows after ``Out[n]:``. Its tables of printers are
the pretty printer's tables, so a function registered with ``for_type`` is
used inside containers too, and so is ``float_precision`` (``%precision``).
Registered functions may be IPython-style ``func(obj, p, cycle)`` (most real
extensions) or plain ``func(obj) -> str``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from .formatter_base import BaseFormatter
from .pretty import MAX_SEQ_LENGTH, PrettyPrinter, _call_repr_pretty, _repr_pprint
from .pretty_printers import (
    default_deferred_printers,
    default_singleton_printers,
    default_type_printers,
)

__all__ = ["PlainTextFormatter", "parse_float_precision"]


def parse_float_precision(value: Any) -> str:
    """The float format for a ``float_precision`` value.

    ``""`` means ``repr`` (``"%r"``); an int ``n`` means ``"%.nf"``; a string
    with ``%`` is a format used as given. ``ValueError`` for anything else.
    """
    text = str(value).strip()
    if not text:
        return "%r"
    if "%" in text:
        try:
            text % 3.14159
        except Exception as exc:
            raise ValueError(f"Precision must be int or format string, not {text!r}") from exc
        return text
    try:
        digits = int(text)
    except ValueError:
        raise ValueError(f"Precision must be int or format string, not {text!r}") from None
    if digits < 0:
        raise ValueError(f"int precision must be non-negative, not {digits!r}")
    return f"%.{digits}f"


def _positional_arity_at_least_3(func: Callable[..., Any]) -> bool:
    import inspect

    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return True
    positional = 0
    for param in params:
        if param.kind is param.VAR_POSITIONAL:
            return True
        if param.kind in (param.POSITIONAL_ONLY, param.POSITIONAL_OR_KEYWORD):
            positional += 1
    return positional >= 3


class PlainTextFormatter(BaseFormatter):
    """Pretty ``text/plain`` (IPython's look); ``pprint = False`` gives plain ``repr``."""

    format_type = "text/plain"
    print_method = "_repr_pretty_"

    def __init__(self) -> None:
        super().__init__()
        self.pprint = True
        self.verbose = False
        self.max_width = 79
        self.newline = "\n"
        self.max_seq_length = MAX_SEQ_LENGTH
        self.float_format = "%r"
        self._float_precision = ""
        self.singleton_printers.update(default_singleton_printers())
        self.type_printers.update(default_type_printers())
        self.type_printers[float] = self._print_float
        self.deferred_printers.update(default_deferred_printers())
        self.deferred_printers[("numpy", "float64")] = self._print_float
        builtin = (
            *self.singleton_printers.values(),
            *self.type_printers.values(),
            *self.deferred_printers.values(),
            _call_repr_pretty,
            _repr_pprint,
        )
        self._takes_printer: dict[Any, bool] = dict.fromkeys(builtin, True)

    @property
    def float_precision(self) -> str:
        """What ``%precision`` set: ``""``, digits, or a format string."""
        return self._float_precision

    @float_precision.setter
    def float_precision(self, value: Any) -> None:
        self.float_format = parse_float_precision(value)
        self._float_precision = "" if value is None else str(value).strip()
        numpy = sys.modules.get("numpy")
        if numpy is not None and "%" not in self._float_precision:
            digits = int(self._float_precision) if self._float_precision else 8
            numpy.set_printoptions(precision=digits)

    def _print_float(self, obj: Any, p: PrettyPrinter, cycle: bool) -> None:
        p.text(self.float_format % obj)

    def __call__(self, obj: Any) -> Any:
        """The pretty text of ``obj`` (never disabled: every bundle has ``text/plain``)."""
        return self._check_return(self._guarded(lambda: self.compute(obj), obj), obj)

    def compute(self, obj: Any) -> str:
        if not self.pprint:
            return repr(obj)
        printer = PrettyPrinter(
            max_width=self.max_width,
            newline=self.newline,
            max_seq_length=self.max_seq_length,
            verbose=self.verbose,
            singleton_printers=self.singleton_printers,
            type_printers=self.type_printers,
            deferred_printers=self.deferred_printers,
            call=self._call_printer,
        )
        printer.pretty(obj)
        return printer.getvalue()

    def _call_printer(self, func: Any, obj: Any, p: PrettyPrinter, cycle: bool) -> None:
        """Call ``func(obj, p, cycle)``, or ``func(obj)`` and print the text it returns."""
        try:
            takes_printer = self._takes_printer[func]
        except (KeyError, TypeError):
            takes_printer = _positional_arity_at_least_3(func)
            try:
                self._takes_printer[func] = takes_printer
            except TypeError:
                pass
        if takes_printer:
            func(obj, p, cycle)
            return
        text = func(obj)
        if text is not None:
            p.text(text if isinstance(text, str) else repr(text))

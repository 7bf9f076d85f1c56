"""The formatter of one MIME type: a registry of functions plus a ``_repr_*_`` method name.

A formatter finds how to format an object in this order: a function registered
for that very object (``singleton_printers``), for its class or a base class
(``for_type``), or for a class named by module and name (``for_type_by_name``,
so that an extension need not import numpy to teach the shell about arrays);
else the object's own ``print_method`` (``_repr_html_``...). A function that
raises is reported on stderr with its traceback and the format is skipped.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["BaseFormatter", "FormatterWarning", "get_real_method", "report_format_error"]

_CANARY = "_ipython_canary_method_should_not_exist_"
_MISSING = object()


class FormatterWarning(UserWarning):
    """A formatter failed or returned data of the wrong type."""


def get_real_method(obj: Any, name: str) -> Callable[..., Any] | None:
    """``obj.name`` if it is a real method, else ``None``.

    Classes are skipped (their ``_repr_html_`` is an unbound function), and so
    are objects that claim to have every attribute (proxies, mocks): they
    answer IPython's canary attribute, which nothing real defines.
    """
    if isinstance(obj, type):
        return None
    try:
        if getattr(obj, _CANARY, None) is not None:
            return None
        method = getattr(obj, name, None)
    except Exception:
        return None
    return method if callable(method) else None


def report_format_error(format_type: str, obj: Any, exc: BaseException) -> None:
    """Say on stderr that a formatter raised, with the traceback (and carry on)."""
    import os
    import traceback

    tb = exc.__traceback__
    here = os.path.dirname(os.path.abspath(__file__))
    # drop the formatter machinery's own leading frames: show the failing method
    while tb is not None and tb.tb_next is not None:
        if os.path.dirname(os.path.abspath(tb.tb_frame.f_code.co_filename)) != here:
            break
        tb = tb.tb_next
    kind = type(obj).__qualname__
    text = "".join(traceback.format_exception(type(exc), exc, tb, chain=False))
    sys.stderr.write(
        f"FormatterWarning: the {format_type} formatter failed for an object of type "
        f"{kind}; that format is skipped.\n{text}"
    )
    sys.stderr.flush()


def _type_key(typ: Any) -> tuple[Any, Any]:
    return getattr(typ, "__module__", None), getattr(typ, "__name__", None)


class BaseFormatter:
    """The formatter of one MIME type (``format_type``); see the module docstring."""

    format_type = "text/plain"
    print_method = "__repr__"
    return_type: Any = str

    def __init__(self) -> None:
        self.enabled = True
        self.singleton_printers: dict[int, Callable[..., Any]] = {}
        self.type_printers: dict[type, Callable[..., Any]] = {}
        self.deferred_printers: dict[tuple[str, str], Callable[..., Any]] = {}

    # -- computing -----------------------------------------------------------------
    def __call__(self, obj: Any) -> Any:
        """The data of ``obj`` in this format, ``(data, metadata)``, or ``None``."""
        if not self.enabled:
            return None
        return self._check_return(self._guarded(lambda: self.compute(obj), obj), obj)

    def compute(self, obj: Any) -> Any:
        """A registered function's result, else the object's ``print_method``'s."""
        printer = self._printer_or_none(obj)
        if printer is not None:
            return printer(obj)
        method = get_real_method(obj, self.print_method)
        return None if method is None else method()

    def _printer_or_none(self, obj: Any) -> Callable[..., Any] | None:
        try:
            return self.lookup(obj)
        except KeyError:
            return None

    def _guarded(self, compute: Callable[[], Any], obj: Any) -> Any:
        try:
            return compute()
        except NotImplementedError:
            return None  # the protocol's way of saying "not in this format"
        except Exception as exc:
            report_format_error(self.format_type, obj, exc)
            return None

    def _check_return(self, result: Any, obj: Any) -> Any:
        """The result if its type suits this MIME type, else ``None`` with a warning."""
        if result is None or isinstance(result, self.return_type):
            return result
        if isinstance(result, tuple) and result and isinstance(result[0], self.return_type):
            return result
        try:
            shown = repr(obj)
        except Exception:
            shown = object.__repr__(obj)
        warnings.warn(
            f"{self.format_type} formatter returned invalid type {type(result)} "
            f"(expected {self.return_type}) for object: {shown}",
            FormatterWarning,
            stacklevel=2,
        )
        return None

    # -- the registry --------------------------------------------------------------
    def lookup(self, obj: Any) -> Callable[..., Any]:
        """The function registered for ``obj`` (or its type); ``KeyError`` if none."""
        if id(obj) in self.singleton_printers:
            return self.singleton_printers[id(obj)]
        return self.lookup_by_type(getattr(obj, "__class__", None) or type(obj))

    def lookup_by_type(self, typ: Any) -> Callable[..., Any]:
        """The function for a type (or ``"module.Name"``), walking the MRO."""
        if isinstance(typ, str):
            key = tuple(typ.rsplit(".", 1))
            if key in self.deferred_printers:
                return self.deferred_printers[key]  # type: ignore[index]
            for cls, func in self.type_printers.items():
                if _type_key(cls) == key:
                    return func
        else:
            for cls in getattr(typ, "__mro__", (typ,)):
                if cls in self.type_printers:
                    return self.type_printers[cls]
                key = _type_key(cls)
                if key in self.deferred_printers:
                    # bind a name-registered printer to the class now that it exists
                    self.type_printers[cls] = self.deferred_printers.pop(key)
                    return self.type_printers[cls]
        raise KeyError(f"No registered printer for {typ!r}")

    def has_printer_for(self, obj: Any) -> bool:
        return self._printer_or_none(obj) is not None

    def __contains__(self, typ: Any) -> bool:
        try:
            self.lookup_by_type(typ)
        except KeyError:
            return False
        return True

    def for_type(self, typ: Any, func: Callable[..., Any] | None = None) -> Any:
        """Format instances of ``typ`` (a class or ``"module.Name"``) with ``func``.

        Returns the function registered before (``None`` if there was none), so
        that a caller can put it back; ``func=None`` only returns it.
        """
        if isinstance(typ, str):
            module, name = typ.rsplit(".", 1)
            return self.for_type_by_name(module, name, func)
        try:
            old = self.lookup_by_type(typ)
        except KeyError:
            old = None
        if func is not None:
            self.type_printers[typ] = func
        return old

    def for_type_by_name(
        self, type_module: str, type_name: str, func: Callable[..., Any] | None = None
    ) -> Any:
        """Like ``for_type`` for a class named by module and name (not imported)."""
        try:
            old = self.lookup_by_type(f"{type_module}.{type_name}")
        except KeyError:
            old = None
        if func is not None:
            self.deferred_printers[(type_module, type_name)] = func
        return old

    def pop(self, typ: Any, default: Any = _MISSING) -> Any:
        """Unregister and return the function for ``typ``; ``KeyError`` unless ``default``."""
        if isinstance(typ, str):
            key = tuple(typ.rsplit(".", 1))
            if key in self.deferred_printers:
                return self.deferred_printers.pop(key)  # type: ignore[arg-type]
            for cls in list(self.type_printers):
                if _type_key(cls) == key:
                    return self.type_printers.pop(cls)
            old = default
        elif typ in self.type_printers:
            return self.type_printers.pop(typ)
        else:
            old = self.deferred_printers.pop(_type_key(typ), default)  # type: ignore[arg-type]
        if old is _MISSING:
            raise KeyError(f"No registered value for {typ!r}")
        return old

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.format_type} enabled={self.enabled}>"

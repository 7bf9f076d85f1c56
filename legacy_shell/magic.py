"""The magic system: ``Magics`` classes, decorators and the registry.

Names and behaviour follow IPython's modern API (``@magics_class``,
``@line_magic``, ``register_magics``...), so real extensions read naturally
against it. The registry is an object owned by one shell, not module state.
"""

from __future__ import annotations

import getopt
import shlex
from collections.abc import Callable
from typing import Any

from .api import ShellAPI
from .errors import UsageError

__all__ = [
    "MAGIC_KINDS",
    "Magics",
    "MagicsManager",
    "Struct",
    "cell_magic",
    "line_cell_magic",
    "line_magic",
    "magics_class",
    "needs_local_scope",
    "no_var_expand",
    "register_cell_magic",
    "register_line_cell_magic",
    "register_line_magic",
]

MAGIC_KINDS = ("line", "cell", "line_cell")
_MARK = "_legacy_shell_magic_kinds"


class Struct(dict):  # type: ignore[type-arg]
    """A dict whose keys are also attributes (the options of ``parse_options``)."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def _decorator(kind: str) -> Callable[..., Any]:
    def deco(arg: Any = None) -> Any:
        def mark(func: Callable[..., Any], name: str | None) -> Callable[..., Any]:
            kinds = list(getattr(func, _MARK, []))
            kinds.append((kind, name or func.__name__))
            setattr(func, _MARK, kinds)
            return func

        if callable(arg):
            return mark(arg, None)
        return lambda func: mark(func, arg)

    deco.__name__ = f"{kind}_magic"
    deco.__doc__ = f"Mark a method of a ``Magics`` class as a {kind} magic (optionally named)."
    return deco


line_magic = _decorator("line")
cell_magic = _decorator("cell")
line_cell_magic = _decorator("line_cell")


def magics_class(cls: type) -> type:
    """Collect the decorated methods of ``cls`` into ``cls.magics``."""
    table: dict[str, dict[str, str]] = {"line": {}, "cell": {}}
    for klass in reversed(cls.__mro__):
        for attr, value in vars(klass).items():
            for kind, name in getattr(value, _MARK, ()):
                kinds = ("line", "cell") if kind == "line_cell" else (kind,)
                for k in kinds:
                    table[k][name] = attr
    cls.magics = table  # type: ignore[attr-defined]
    cls.registered = True  # type: ignore[attr-defined]
    return cls


def needs_local_scope(func: Callable[..., Any]) -> Callable[..., Any]:
    """The magic gets the caller's local namespace as ``local_ns``."""
    func.needs_local_scope = True  # type: ignore[attr-defined]
    return func


def no_var_expand(func: Callable[..., Any]) -> Callable[..., Any]:
    """Do not expand ``$var`` / ``{expr}`` in this magic's arguments."""
    func._ipython_magic_no_var_expand = True  # type: ignore[attr-defined]
    return func


def _register_function(kind: str) -> Callable[..., Any]:
    def deco(arg: Any = None) -> Any:
        def register(func: Callable[..., Any], name: str | None) -> Callable[..., Any]:
            from ._current import get_ipython

            shell = get_ipython()
            if shell is None:
                raise UsageError(f"register_{kind}_magic needs a running shell")
            shell.register_magic_function(func, kind, name or func.__name__)
            return func

        if callable(arg):
            return register(arg, None)
        return lambda func: register(func, arg)

    deco.__name__ = f"register_{kind}_magic"
    deco.__doc__ = f"Register a plain function as a {kind} magic of the current shell."
    return deco


register_line_magic = _register_function("line")
register_cell_magic = _register_function("cell")
register_line_cell_magic = _register_function("line_cell")


class Magics:
    """Base class of magic collections; instantiated with the shell they serve."""

    magics: dict[str, dict[str, str]] = {"line": {}, "cell": {}}
    registered = False

    #: The shell this collection serves: the real one (in this process or in a
    #: kernel) or a ``ShellProxy``. ``Any`` on purpose: the shell's own
    #: collections (``legacy_shell.magics``) are part of it and reach its
    #: internals; an extension's should use only ``ShellAPI``, which is what the
    #: constructor promises and what the migration audit checks.
    shell: Any

    def __init__(self, shell: ShellAPI | None = None, **kwargs: Any) -> None:
        if not getattr(type(self), "registered", False):
            raise ValueError(
                f"Class {type(self).__name__} must be decorated with @magics_class to be instantiated"
            )
        self.shell = shell
        self.options_table: dict[str, str] = {}

    def arg_err(self, func: Callable[..., Any]) -> None:
        print("Error in arguments:")
        print((func.__doc__ or "").strip())

    def parse_options(
        self,
        arg_str: str,
        opt_str: str,
        *long_opts: str,
        mode: str = "string",
        list_all: bool = False,
        posix: bool = True,
        strict: bool = True,
    ) -> tuple[Struct, Any]:
        """Parse ``getopt``-style options as IPython's magics do.

        Returns ``(opts, args)``: ``opts`` is a ``Struct`` (single values unless
        ``list_all``), ``args`` the rest joined as a string, or a list with
        ``mode="list"``.
        """
        arg_str = arg_str.strip()
        if not arg_str:
            return Struct(), [] if mode == "list" else ""
        try:
            argv = shlex.split(arg_str, posix=posix)
        except ValueError:
            argv = arg_str.split()
        try:
            opts, args = getopt.getopt(argv, opt_str, list(long_opts))
        except getopt.GetoptError as e:
            raise UsageError(f"{e.msg} ( allowed: {opt_str!r} {' '.join(long_opts)})") from None
        result = Struct()
        for key, value in opts:
            key = key.lstrip("-")
            result.setdefault(key, []).append(value)
        if not list_all:
            for key in result:
                result[key] = result[key][-1]
        if mode == "list":
            return result, args
        # keep the original spelling of the positional part where possible
        return result, " ".join(shlex.quote(a) if " " in a else a for a in args)


class MagicsManager:
    """The line and cell magics of one shell, and the objects that provide them."""

    def __init__(self, shell: ShellAPI) -> None:
        self.shell = shell
        self.magics: dict[str, dict[str, Callable[..., Any]]] = {"line": {}, "cell": {}}
        self.registry: dict[str, Magics] = {}
        self.auto_magic = True

    def register(self, *objs: Any) -> None:
        """Register ``Magics`` subclasses (instantiated with the shell) or instances."""
        for obj in objs:
            if isinstance(obj, type):
                if not issubclass(obj, Magics):
                    raise ValueError(f"{obj!r} is not a Magics subclass")
                obj = obj(shell=self.shell)
            if not isinstance(obj, Magics):
                raise ValueError(f"{obj!r} is neither a Magics subclass nor an instance of one")
            self.registry[type(obj).__name__] = obj
            for kind in ("line", "cell"):
                for name, attr in type(obj).magics[kind].items():
                    self.magics[kind][name] = getattr(obj, attr)

    def register_function(
        self, func: Callable[..., Any], magic_kind: str = "line", magic_name: str | None = None
    ) -> None:
        """Register a plain function: ``f(line)``, ``f(line, cell)`` for cell magics."""
        if magic_kind not in MAGIC_KINDS:
            raise ValueError(f"magic_kind must be one of {MAGIC_KINDS}, not {magic_kind!r}")
        name = magic_name or func.__name__
        kinds = ("line", "cell") if magic_kind == "line_cell" else (magic_kind,)
        for kind in kinds:
            self.magics[kind][name] = func

    def register_alias(
        self, alias: str, magic_name: str, magic_kind: str = "line", params: str | None = None
    ) -> None:
        """Make ``%alias`` run ``%magic_name`` (with ``params`` prepended to its line)."""
        target = self.magics[magic_kind].get(magic_name)
        if target is None:
            raise UsageError(f"{magic_kind.capitalize()} magic function `{magic_name}` not found.")

        def alias_func(*args: Any, **kwargs: Any) -> Any:
            if params and args:
                args = (f"{params} {args[0]}", *args[1:])
            return target(*args, **kwargs)

        alias_func.__doc__ = f"Alias for `%{magic_name}`."
        self.magics[magic_kind][alias] = alias_func

    def unregister(self, name: str, kind: str = "line") -> None:
        self.magics[kind].pop(name, None)

    def find(self, name: str, kind: str = "line") -> Callable[..., Any] | None:
        return self.magics[kind].get(name)

    def lsmagic(self) -> dict[str, list[str]]:
        return {kind: sorted(table) for kind, table in self.magics.items()}

    def lsmagic_text(self, esc: str = "%") -> str:
        """The text that ``%lsmagic`` prints."""
        lines = ["Available line magics:"]
        lines.append("  ".join(esc + n for n in sorted(self.magics["line"])))
        lines.append("")
        lines.append("Available cell magics:")
        lines.append("  ".join(esc * 2 + n for n in sorted(self.magics["cell"])))
        lines.append("")
        state = "ON" if self.auto_magic else "OFF"
        lines.append(
            f"Automagic is {state}, % prefix IS NOT needed for line magics."
            if self.auto_magic
            else f"Automagic is {state}, % prefix IS needed for line magics."
        )
        return "\n".join(lines)

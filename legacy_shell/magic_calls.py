"""Calling a magic: lookup, ``$var`` / ``{expr}`` expansion, local scope, errors.

IPython expands variables in a magic's argument line unless the magic takes
Python code (``%time x = {1: 2}`` must stay as typed); those are listed here
or marked with ``@no_var_expand``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from types import FrameType
from typing import Any, Protocol

from .errors import UsageError
from .system import var_expand

__all__ = ["NO_VAR_EXPAND", "MagicHost", "call_cell_magic", "call_line_magic"]


class MagicHost(Protocol):
    """What calling a magic needs of the shell: its magics, its namespace, its builtins."""

    @property
    def user_ns(self) -> dict[str, Any]: ...
    def find_line_magic(self, name: str) -> Callable[..., Any] | None: ...
    def find_cell_magic(self, name: str) -> Callable[..., Any] | None: ...
    def builtin_trap(self) -> AbstractContextManager[Any]: ...


# Magics whose argument is Python code or a pattern: never expand in it.
NO_VAR_EXPAND = frozenset(
    [
        "time",
        "timeit",
        "prun",
        "debug",
        "pinfo",
        "pinfo2",
        "psearch",
        "pdef",
        "pdoc",
        "psource",
        "pfile",
        "alias",
        "sx",
        "system",
        "config",
        "capture",
        "precision",
        "macro",
        "rerun",
        "recall",
    ]
)


def _expand(
    shell: MagicHost, name: str, fn: Callable[..., Any], line: str, frame: FrameType | None
) -> str:
    if name in NO_VAR_EXPAND or getattr(fn, "_ipython_magic_no_var_expand", False):
        return line
    if "$" not in line and "{" not in line:
        return line
    namespace = dict(shell.user_ns)
    if frame is not None:
        namespace.update(frame.f_locals)
    return var_expand(line, namespace)


def _missing(kind: str, name: str, other: Callable[..., Any] | None) -> UsageError:
    if kind == "line":
        hint = f" (But cell magic `%%{name}` exists, did you mean that instead?)" if other else ""
        return UsageError(f"Line magic function `%{name}` not found.{hint}")
    hint = f" (But line magic `%{name}` exists, did you mean that instead?)" if other else ""
    return UsageError(f"Cell magic `%%{name}` not found.{hint}")


def call_line_magic(shell: MagicHost, name: str, line: str, frame: FrameType | None) -> Any:
    """Run ``%name line`` as called from ``frame`` (whose locals it may need)."""
    __tracebackhide__ = True
    if name == "_cell_magic_misplaced":
        raise UsageError(f"Cell magic `%%{line}` must be the first line of the cell.")
    fn = shell.find_line_magic(name)
    if fn is None:
        raise _missing("line", name, shell.find_cell_magic(name))
    line = _expand(shell, name, fn, line, frame)
    kwargs = {}
    if getattr(fn, "needs_local_scope", False):
        kwargs["local_ns"] = frame.f_locals if frame is not None else shell.user_ns
    with shell.builtin_trap():
        return fn(line, **kwargs)


def call_cell_magic(shell: MagicHost, name: str, line: str, cell: str) -> Any:
    """Run ``%%name line`` with ``cell`` as its body (always at the top level of a cell)."""
    __tracebackhide__ = True
    fn = shell.find_cell_magic(name)
    if fn is None:
        raise _missing("cell", name, shell.find_line_magic(name))
    line = _expand(shell, name, fn, line, None)
    kwargs = {}
    if getattr(fn, "needs_local_scope", False):
        kwargs["local_ns"] = shell.user_ns
    with shell.builtin_trap():
        return fn(line, cell, **kwargs)

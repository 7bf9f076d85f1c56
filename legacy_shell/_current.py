"""Which shell is "the current one".

A context variable, not a singleton: tests and embedders can swap it with
:func:`use_shell`. A process-wide fallback covers threads started by user code,
which do not inherit the main thread's context.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any, Protocol

from .api import ShellAPI
from .output import OutputSink

__all__ = ["CurrentShell", "get_ipython", "set_current", "use_shell"]


class CurrentShell(ShellAPI, Protocol):
    """The shell of this process as its own modules use it (``display``, ``%capture``).

    The contract, plus where output goes (``%capture`` swaps it) and the legacy
    wrapper (``ipapi.get()``). Always a real shell: a proxy is never current.
    """

    output: OutputSink

    @property
    def legacy(self) -> Any: ...


_current: ContextVar[Any] = ContextVar("legacy_shell_current", default=None)
_fallback: list[Any] = [None]


def get_ipython() -> CurrentShell | None:
    """Return the running shell, or ``None`` outside of one (as IPython does)."""
    shell = _current.get()
    return shell if shell is not None else _fallback[0]


def set_current(shell: CurrentShell | None) -> None:
    """Make ``shell`` the current one for this context and for new threads."""
    _current.set(shell)
    _fallback[0] = shell


@contextlib.contextmanager
def use_shell(shell: CurrentShell | None) -> Iterator[None]:
    """Temporarily make ``shell`` current; restores the previous one after."""
    token = _current.set(shell)
    old = _fallback[0]
    _fallback[0] = shell
    try:
        yield
    finally:
        _current.reset(token)
        _fallback[0] = old

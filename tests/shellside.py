"""Reaching into the shell's own process from a test, the same way in both shell modes.

In two-process mode the shell under test lives in a kernel: its namespace
crosses by value, but its internals, environment and working directory stay
there. These helpers run a small cell instead, which works on the real shell
(``get_ipython()`` in a cell is the shell under test) and on the proxy alike.
"""

from __future__ import annotations

from typing import Any

import pytest

__all__ = ["in_shell", "run_quietly", "setenv", "value_of"]


def run_quietly(shell: Any, code: str) -> None:
    """Run ``code`` in the shell's process: no history, no events, no output; errors raise."""
    shell.run_cell(code, silent=True).raise_error()


def in_shell(shell: Any, expr: str) -> Any:
    """``expr`` evaluated in the shell's process (``sys`` at hand, not left in the namespace).

    For objects that stay there: the value that comes back is a plain one.
    """
    run_quietly(shell, f"_in_shell_value = (lambda sys: {expr})(__import__('sys'))")
    return shell.user_ns.pop("_in_shell_value")


def value_of(shell: Any, expression: str) -> Any:
    """``expression`` evaluated in the shell, not displayed (a ``RemoteRef`` if it cannot cross)."""
    result = shell.run_cell(f"{expression};")
    result.raise_error()
    return result.result


def setenv(shell: Any, monkeypatch: pytest.MonkeyPatch, name: str, value: str | None) -> None:
    """Set (``None``: remove) a variable in the shell's environment, undone after the test.

    In two-process mode the kernel copied this environment when the shell started,
    so the variable is changed there too.
    """
    monkeypatch.setenv(name, value or "")  # recorded: whatever happens next is undone
    environ = "__import__('os').environ"
    if value is None:
        monkeypatch.delenv(name)
        code = f"{environ}.pop({name!r}, None)"
    else:
        code = f"{environ}[{name!r}] = {value!r}"
    run_quietly(shell, code)

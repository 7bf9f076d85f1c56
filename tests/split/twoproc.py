"""Driving ``ipython --two-process`` through a pseudo-terminal: what every such test needs.

``spawn`` (a fixture of ``tests/split/conftest.py``) starts the two-process
shell in a 24x100 xterm with a private shell home and runtime directory, and
checks afterwards that no kernel is left; the helpers type lines and read
what the screen shows.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
from kernel_processes import kernel_pids, wait_gone
from ptyterm import UP, screen, spawn_terminal

__all__ = [
    "CTRL_C",
    "IPYTHON",
    "LINE",
    "Spawn",
    "answers_42",
    "kernel_pid",
    "recalls",
    "run",
    "spawner",
]

IPYTHON = str(Path(sys.executable).with_name("ipython"))
CTRL_C = "\x03"
#: Start of a line of output: after a newline, or after the prompt leaves bracketed-paste mode.
LINE = r"(?:\n|\x1b\[\?2004l)"

Spawn = Callable[..., pexpect.spawn]


def spawner(tmp_path: Path) -> Iterator[Spawn]:
    """``start(*args, env={...})``; every child is closed and its kernels gone afterwards."""
    children: list[pexpect.spawn] = []
    runtime = tmp_path / "runtime"

    def start(*args: str, env: dict[str, str] | None = None) -> pexpect.spawn:
        child = spawn_terminal(
            IPYTHON,
            ["--two-process", "--no-banner", *args],
            cwd=tmp_path,
            env={
                "LEGACY_SHELL_DIR": str(tmp_path / "home"),
                "JUPYTER_RUNTIME_DIR": str(runtime),
                **(env or {}),
            },
        )
        children.append(child)
        return child

    yield start
    for child in children:
        child.close(force=True)
    left = [pid for pid in kernel_pids(runtime) if not wait_gone(pid, 5.0)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"kernels left behind: {left}"


def run(child: pexpect.spawn, line: str, expect: str | None = None) -> None:
    child.send(line + "\r")
    if expect is not None:
        child.expect(screen(expect))


def kernel_pid(child: pexpect.spawn) -> int:
    child.send("import os; print('pid', os.getpid(), 'end')\r")
    child.expect(r"pid (\d+) end")
    return int(child.match.group(1))


def answers_42(child: pexpect.spawn) -> None:
    """The prompt is back, on a kernel that answers."""
    child.expect(screen("In [1]: "))
    child.send("print(6*7)\r")
    child.expect(LINE + r"42\r\n")


def recalls(child: pexpect.spawn, text: str, presses: int) -> None:
    child.expect(screen("In [2]: "))
    child.send(UP * presses)
    child.expect(screen(text))
    child.send(CTRL_C)

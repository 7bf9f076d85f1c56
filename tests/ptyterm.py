"""Driving a terminal program through a real pseudo-terminal (pexpect), for the pty tests.

One place for what every pty test needs: the screen pattern that tolerates
colour codes between characters, and spawning a program in a 24x100 xterm
with the environment prompt_toolkit needs under pexpect.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pexpect

__all__ = ["TIMEOUT", "UP", "screen", "spawn_terminal"]

TIMEOUT = 10
UP = "\x1b[A"
_ESCAPES = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"


def screen(text: str) -> str:
    """A pattern for ``text`` as the terminal draws it: colour codes may sit between characters."""
    return _ESCAPES.join(re.escape(ch) for ch in text)


def spawn_terminal(
    program: str, args: list[str], *, cwd: Path, env: dict[str, str]
) -> pexpect.spawn:
    """``program args`` in a 24x100 xterm; ``env`` is added to ours (PYTHONSTARTUP left out)."""
    full = dict(os.environ)
    full.pop("PYTHONSTARTUP", None)
    full.update(env)
    full.update(TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")  # pexpect answers no cursor queries
    return pexpect.spawn(
        program,
        args,
        env=full,
        cwd=str(cwd),
        dimensions=(24, 100),
        timeout=TIMEOUT,
        encoding="utf-8",
    )

"""Parity: one scripted session, typed into ``ipython`` and ``ipython --two-process``, same screen.

The regression net of the split. The session is what an IPython user does
(the README's features, and what differed between the modes until it did not): results
and ``Out[n]``, ``;``, ``_``/``_iN``, ``!cmd`` and ``x = !cmd``, ``obj?``,
automagic, tracebacks in two modes, ``%debug``, top-level ``await``,
``input()``, ``%cpaste``, ``%macro``, ``%store``, ``%edit`` with a scripted
editor, ``%history``, ``%doctest_mode``, ``%config`` in IPython's spelling,
``%%writefile`` and ``%%!``, ``display()``... Both modes run it in a real
pseudo-terminal with line-mode prompts; the transcripts must be equal once
what legitimately differs between two runs is normalised (colour codes, times,
memory addresses, temporary paths). A difference is a parity defect unless
``docs/user-guide.md`` says why.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pytest
from kernel_processes import kernel_pids, wait_gone
from ptyterm import spawn_terminal

pytestmark = pytest.mark.pty

IPYTHON = str(Path(sys.executable).with_name("ipython"))
PROMPT = r"(?:In \[\d+\]: |>>> )"
TIMEOUT = 30


@dataclass
class Step:
    """One thing typed: a cell (lines), then answers to what it asks (``(expect, send)``)."""

    lines: list[str]
    answers: tuple[tuple[str, str], ...] = ()


def cell(*lines: str, answers: tuple[tuple[str, str], ...] = ()) -> Step:
    return Step(list(lines), answers)


SESSION = [
    cell("x = 6 * 7"),
    cell("x"),
    cell("x;"),
    cell("print(_, _2, _i1)"),
    cell("In[1], Out[2]"),
    cell("!echo shell says hi"),
    cell("lines = !printf 'a\\nb\\n'"),
    cell("lines"),
    cell("def twice(a):", "    '''Double it.'''", "    return a * 2", ""),
    cell("twice(21)"),
    cell("twice?"),
    cell("pwd"),
    cell("1 / 0"),
    cell("%xmode Plain"),
    cell("twice(None) + 'x'"),
    cell("%xmode Context"),
    cell("%debug", answers=(("ipdb> ", "p a"), ("ipdb> ", "q"))),
    cell("import asyncio"),
    cell("await asyncio.sleep(0, result='awaited')"),
    cell("name = input('who? ')", answers=(("who\\? ", "ada"),)),
    cell("name.upper()"),
    cell("%cpaste", answers=((":", ">>> pasted = 40 + 2"), (":", "--"))),
    cell("pasted"),
    cell("%macro again 2"),
    cell("again"),
    cell("%store pasted"),
    cell("%store"),
    cell("%edit", answers=()),
    cell("edited"),
    cell("%config InteractiveShell.ast_node_interactivity = 'all'"),
    cell("1; 2"),
    cell("%config InteractiveShell.ast_node_interactivity = 'last_expr'"),
    cell("%pprint"),
    cell("{'k': list(range(30))}"),
    cell("%pprint"),
    cell("%%writefile notes.txt", "written by a cell magic", ""),
    cell("%%!", "cat notes.txt", ""),
    cell("%doctest_mode"),
    cell("[1, 2]"),
    cell("%doctest_mode"),
    cell("from legacy_shell.display import HTML; display(HTML('<b>bold</b>'))"),
    cell("%who"),
    cell("%nosuchmagic"),
    cell("%history -n 1-4"),
]

#: What legitimately differs between two runs of the same session.
_NORMALISE = [
    (re.compile(r"\x1b\[[0-9;?]*[A-Za-z]"), ""),  # colours and cursor codes
    (re.compile(r"\r"), ""),
    (re.compile(r"0x[0-9a-f]{6,}"), "0x..."),
    (re.compile(r"\d+(\.\d+)? ?(ns|µs|us|ms|s)\b"), "<time>"),
    (re.compile(r"/tmp/[^\s'\"]*"), "<tmp>"),
]


def normalised(text: str) -> str:
    for pattern, replacement in _NORMALISE:
        text = pattern.sub(replacement, text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip() + "\n"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    """A private home and runtime dir, a scripted editor; no kernel left afterwards."""
    editor = tmp_path / "editor"
    editor.write_text('#!/bin/sh\nfor last; do :; done\necho "edited = twice(4)" >> "$last"\n')
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    runtime = tmp_path / "runtime"
    env = {
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "EDITOR": str(editor),
        "VISUAL": "",
    }
    yield tmp_path, env
    left = [pid for pid in kernel_pids(runtime) if not wait_gone(pid, 5.0)]
    for pid in left:
        os.kill(pid, 9)
    assert not left, f"kernels left behind: {left}"


def transcript(mode: list[str], root: Path, env: dict[str, str]) -> str:
    """Type the session into ``ipython *mode`` and return everything the screen showed."""
    work = root / ("two" if mode else "one")
    work.mkdir()
    child = spawn_terminal(
        IPYTHON,
        [*mode, "--simple-prompt", "--no-banner"],
        cwd=work,
        env={**env, "LEGACY_SHELL_DIR": str(work / "home")},
    )
    child.timeout = TIMEOUT
    seen: list[str] = []

    def expect(pattern: str) -> None:
        child.expect(pattern)
        seen.append(child.before + (child.after if isinstance(child.after, str) else ""))

    try:
        expect(PROMPT)
        for step in SESSION:
            for i, line in enumerate(step.lines):
                child.sendline(line)
                if i < len(step.lines) - 1:
                    expect(r"\.\.\.: ")
            for answer_to, answer in step.answers:
                expect(answer_to)
                child.sendline(answer)
            expect(PROMPT)
        child.sendline("exit")
        child.expect(pexpect.EOF)
        seen.append(child.before)
    finally:
        child.close(force=True)
    return "".join(seen).replace(str(work), "<work>")


def test_the_same_session_looks_the_same_in_both_modes(
    world: tuple[Path, dict[str, str]],
) -> None:
    root, env = world
    one = normalised(transcript([], root, env))
    two = normalised(transcript(["--two-process"], root, env))
    if one != two:
        diff = "\n".join(
            difflib.unified_diff(
                one.splitlines(), two.splitlines(), "one process", "two processes", lineterm=""
            )
        )
        pytest.fail(f"the two modes differ:\n{diff}")
    for shown in ("Out[2]: 42", "shell says hi", "ZeroDivisionError", "awaited", "ADA", ": 8\n"):
        assert shown in one

"""``%edit`` and ``%paste`` in ``ipython --two-process``: the terminal's editor and clipboard.

The kernel has no terminal (and may be on another host): the editor must run
in the terminal's process, on the user's screen, and the clipboard must be the
terminal machine's. A scripted editor records which process ran it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pexpect
import pytest
from ptyterm import screen
from twoproc import LINE, Spawn, run

pytestmark = pytest.mark.pty


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return path


@pytest.fixture
def editor(tmp_path: Path) -> tuple[Path, Path]:
    """An editor that appends a line and writes its parent's and grandparent's pids to a file."""
    record = tmp_path / "editor-ran-under"
    script = _script(
        tmp_path / "editor",
        "for last; do :; done\n"
        f"echo $PPID $(cut -d' ' -f4 /proc/$PPID/stat) > {record}\n"
        'echo "edited_value = 6 * 7" >> "$last"\n',
    )
    return script, record


def test_edit_runs_the_terminals_editor_and_the_kernel_runs_the_result(
    spawn: Spawn, editor: tuple[Path, Path]
) -> None:
    script, record = editor
    child = spawn(env={"EDITOR": str(script), "VISUAL": ""})
    child.expect(screen("In [1]: "))
    run(child, "%edit")
    child.expect("done. Executing edited code")
    child.expect(screen("In [2]: "))
    run(child, "print(edited_value)")
    child.expect(LINE + r"42\r\n")
    ancestors = [int(pid) for pid in record.read_text().split()]
    assert child.pid in ancestors  # the terminal's process (maybe through sh), not the kernel


def test_edit_of_a_function_opens_its_source_and_x_does_not_run_it(
    spawn: Spawn, editor: tuple[Path, Path]
) -> None:
    script, _ = editor
    child = spawn(env={"EDITOR": str(script), "VISUAL": ""})
    child.expect(screen("In [1]: "))
    run(child, "def f(x):\r    return x + 1\r")
    child.expect(screen("In [2]: "))
    run(child, "%edit -x f")
    child.expect("Editing In\\[1\\]")
    child.expect(r"edited_value = 6 \* 7")  # the edited text is the result
    child.expect(screen("In [3]: "))
    run(child, "print('edited_value' in dir())")
    child.expect(LINE + r"False\r\n")  # -x: not run


def test_a_failing_editor_is_one_line(spawn: Spawn, tmp_path: Path) -> None:
    failing = _script(tmp_path / "failing", "exit 4\n")
    child = spawn(env={"EDITOR": str(failing), "VISUAL": ""})
    child.expect(screen("In [1]: "))
    run(child, "%edit")
    child.expect(r"Could not open editor: the editor command .* exited with status 4")
    child.expect(screen("In [2]: "))


def test_paste_reads_the_terminals_clipboard(spawn: Spawn, tmp_path: Path) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    _script(tools / "xclip", "printf '>>> pasted = 40 + 2\\n'\n")
    child = spawn(env={"PATH": f"{tools}{os.pathsep}{os.environ['PATH']}"})
    child.expect(screen("In [1]: "))
    run(child, "%paste")
    child.expect("## -- End pasted text --")
    child.expect(screen("In [2]: "))
    run(child, "print(pasted)")
    child.expect(LINE + r"42\r\n")
    run(child, "exit")
    child.expect(pexpect.EOF)

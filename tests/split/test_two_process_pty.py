"""``ipython --two-process`` through a real pseudo-terminal: crashes, interrupts, stdin.

The acceptance of the split, as a user sees it: whatever kills the kernel
(a segfault, ``os._exit``, SIGKILL from outside, ``abort()``, a C stack
overflow), the terminal says so in one line naming the signal or exit code,
gives a prompt on a fresh kernel that answers ``print(6*7)``,
and up-arrow still recalls the input that crashed. Ctrl-C interrupts the
running cell, not the kernel. Each test waits for what the screen shows, and
leaves no kernel behind: the frontend is killed, then every kernel started
under the test's runtime directory must vanish.
"""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path

import pexpect
import pytest
from kernel_processes import kernel_pids, wait_gone
from ptyterm import screen, spawn_terminal
from twoproc import CTRL_C, LINE, Spawn, answers_42, kernel_pid, recalls, run

pytestmark = pytest.mark.pty

CRASHES = {
    "segfault": ("import ctypes; ctypes.string_at(0)", "killed by signal SIGSEGV"),
    "os._exit": ("import os; os._exit(3)", "exited with code 3"),
    "abort": ("import os; os.abort()", "SIGABRT"),
    "C stack overflow": (
        "import sys; sys.setrecursionlimit(10**6); l = []; [l := [l] for _ in range(10**6)]; repr(l)",
        "killed by signal SIGSEGV",
    ),
}


@pytest.mark.parametrize("kind", list(CRASHES))
def test_a_crash_is_one_line_then_a_fresh_kernel_answers(spawn: Spawn, kind: str) -> None:
    code, said = CRASHES[kind]
    child = spawn()
    child.expect(screen("In [1]: "))
    run(child, "x = 1")
    child.expect(screen("In [2]: "))
    run(child, code)
    child.expect(f"Kernel died: [^\r\n]*{re.escape(said)}[^\r\n]*; restarted[^\r\n]*\r\n")
    answers_42(child)
    recalls(child, code[:30], presses=2)


def test_sigkill_from_outside_during_a_cell_is_noticed_at_once(spawn: Spawn) -> None:
    child = spawn()
    child.expect(screen("In [1]: "))
    pid = kernel_pid(child)
    child.expect(screen("In [2]: "))
    run(child, "import time; print('go'); time.sleep(100)")
    child.expect(LINE + "go\r\n")  # the cell is running in the kernel
    os.kill(pid, signal.SIGKILL)
    # noticed at once: not after a heartbeat's seconds, not when the cell's 100 s are over
    child.expect(r"Kernel died: killed by signal SIGKILL[^\r\n]*; restarted")
    answers_42(child)
    recalls(child, "time.sleep(100)", presses=2)


@pytest.mark.parametrize(
    "cell", ["print('go'); exec('while True: pass')", "import time; print('go'); time.sleep(100)"]
)
def test_ctrl_c_interrupts_the_cell_and_keeps_the_kernel(spawn: Spawn, cell: str) -> None:
    child = spawn()
    child.expect(screen("In [1]: "))
    run(child, "x = 41")
    child.expect(screen("In [2]: "))
    run(child, cell)
    child.expect(LINE + "go\r\n")  # the cell is running in the kernel
    child.send(CTRL_C)
    child.expect("KeyboardInterrupt")
    child.expect(screen("In [3]: "))
    assert "split/" not in child.before  # no frame of the kernel's own
    run(child, "print(x + 1)")
    child.expect(LINE + r"42\r\n")


def test_input_in_the_kernel_is_read_at_the_terminal(spawn: Spawn) -> None:
    child = spawn()
    child.expect(screen("In [1]: "))
    run(child, "name = input('who? ')")
    child.expect("who\\? ")
    child.send("bob\r")
    child.expect(screen("In [2]: "))
    run(child, "print(name * 2)")
    child.expect("bobbob")


def test_crashes_typed_one_after_another_are_each_restarted_at_once(spawn: Spawn) -> None:
    """The user's own crashes are what two processes are for: never a "restart loop"."""
    child = spawn()
    kinds = ["segfault", "os._exit", "abort", "segfault", "os._exit", "abort"]
    child.expect(screen("In [1]: "))
    for n, kind in enumerate(kinds):  # more than the crash policy's limit, within seconds
        code, said = CRASHES[kind]
        if n:
            child.expect(screen("In [2]: "))
        run(child, code)
        child.expect(f"Kernel died: [^\r\n]*{re.escape(said)}[^\r\n]*; restarted[^\r\n]*\r\n")
        child.expect(screen("In [1]: "))  # how fast: bench/frontend_bench.py (crash to prompt)
        child.send("print(6*7)\r")
        child.expect(LINE + r"42\r\n")


CRASH_LOUDLY = "import os; os.write(2, b'last-words\\n'); os._exit(7)"


def test_a_kernel_that_keeps_dying_while_starting_is_stopped_and_the_terminal_stays(
    spawn: Spawn, tmp_path: Path
) -> None:
    startup = tmp_path / "home" / "startup"
    startup.mkdir(parents=True)
    crash = startup / "00-crash.py"
    crash.write_text(CRASH_LOUDLY + "\n")
    child = spawn()
    for _ in range(4):
        child.expect(r"The kernel died while starting \(exited with code 7\); starting another")
    child.expect("The kernel died 5 times in a row while starting")
    child.expect("Last lines of the kernel's stderr:")
    child.expect("last-words")
    child.expect("No kernel is running: press Enter on an empty line")
    child.expect(screen("In [1]: "))
    run(child, "print(6*7)")  # typed code is never taken as an answer, and the terminal stays
    child.expect("Not run. No kernel is running")
    child.expect(screen("In [1]: "))
    run(child, "n")
    child.expect("Not run. No kernel is running")
    crash.unlink()
    child.expect(screen("In [1]: "))
    run(child, "")  # Enter on an empty line starts a kernel
    child.expect("A new kernel is running")
    answers_42(child)
    child.expect(screen("In [2]: "))
    run(child, "exit")
    child.expect(pexpect.EOF)


def test_exit_leaves_when_no_kernel_runs(spawn: Spawn, tmp_path: Path) -> None:
    startup = tmp_path / "home" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-crash.py").write_text(CRASH_LOUDLY + "\n")
    child = spawn()
    child.expect("No kernel is running")
    child.expect(screen("In [1]: "))
    run(child, "exit")
    child.expect(pexpect.EOF)


def test_start_up_file_output_and_errors_show_before_the_first_prompt(
    spawn: Spawn, tmp_path: Path
) -> None:
    startup = tmp_path / "home" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-hello.py").write_text("print('hello from start-up')\n1/0\n")
    child = spawn()
    child.expect("hello from start-up")
    child.expect("ZeroDivisionError")
    child.expect(screen("In [1]: "))
    run(child, "print(6*7)")
    child.expect(LINE + r"42\r\n")
    child.expect(screen("In [2]: "))
    run(child, "import os; os._exit(3)")  # a restart runs them again, shown after the notice
    child.expect("Kernel died: exited with code 3; restarted")
    child.expect("hello from start-up")
    child.expect(screen("In [1]: "))


def test_percent_restart_gives_a_fresh_kernel(spawn: Spawn) -> None:
    child = spawn()
    child.expect(screen("In [1]: "))
    run(child, "x = 1")
    child.expect(screen("In [2]: "))
    run(child, "%restart")
    child.expect("Kernel restarted")
    child.expect(screen("In [1]: "))
    run(child, "print('x' in dir())")
    child.expect(LINE + r"False\r\n")


def test_ctrl_x_ctrl_r_restarts_the_kernel(spawn: Spawn) -> None:
    child = spawn()
    child.expect(screen("In [1]: "))
    run(child, "x = 1")
    child.expect(screen("In [2]: "))
    child.send("\x18\x12")  # Ctrl-X Ctrl-R
    child.expect("Kernel restarted")
    child.expect(screen("In [1]: "))
    run(child, "print('x' in dir())")
    child.expect(LINE + r"False\r\n")


def test_a_kernel_killed_while_at_the_prompt_is_reported_at_once(spawn: Spawn) -> None:
    child = spawn()
    child.expect(screen("In [1]: "))
    pid = kernel_pid(child)
    child.expect(screen("In [2]: "))
    child.send("half typed")
    child.expect(screen("half typed"))
    os.kill(pid, signal.SIGKILL)
    # no key pressed: the terminal notices by itself, says so, and restarts
    child.expect(r"Kernel died: killed by signal SIGKILL[^\r\n]*; restarted")
    child.expect(screen("In [1]: "))
    child.expect(screen("half typed"))  # what was being typed is kept
    child.send("\x15")  # Ctrl-U: drop it
    child.send("print(6*7)\r")
    child.expect(LINE + r"42\r\n")


def test_the_interactive_frontend_builds_no_shell_of_its_own(tmp_path: Path) -> None:
    """A whole terminal session (a cell, ``x?``, completion) runs with no shell in the frontend."""
    probe = (
        "import sys\n"
        "from split.launcher import main\n"
        "status = main(['--two-process', '--no-banner'])\n"
        "print('frontend modules:', 'legacy_shell.shell' in sys.modules, 'adapters' in sys.modules)\n"
        "sys.exit(status)\n"
    )
    runtime = tmp_path / "runtime"
    child = spawn_terminal(
        sys.executable,
        ["-c", probe],
        cwd=tmp_path,
        env={"LEGACY_SHELL_DIR": str(tmp_path / "home"), "JUPYTER_RUNTIME_DIR": str(runtime)},
    )
    try:
        child.expect(screen("In [1]: "))
        run(child, "xyz_value = 41 + 1")
        child.expect(screen("In [2]: "))
        run(child, "xyz_value?", "Type:")
        child.expect(screen("In [3]: "))
        child.send("xyz_v\t")  # completed from the kernel's namespace...
        child.expect(screen("alue"))  # (the rest of the name is drawn after what was typed)
        run(child, "", "Out[3]: 42")  # ...or this would be a NameError
        child.expect(screen("In [4]: "))
        run(child, "exit")
        child.expect(r"frontend modules: (\w+) (\w+)")
        assert child.match.group(1) == "False"  # the shell lives in the kernel only
        assert child.match.group(2) == "False"  # and the frontend needs no proxy either
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    left = [pid for pid in kernel_pids(runtime) if not wait_gone(pid, 5.0)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"kernels left behind: {left}"


def test_typing_ahead_during_restart_goes_to_the_next_prompt_not_above(spawn: Spawn) -> None:
    child = spawn()
    child.expect(screen("In [1]: "))
    child.send("%restart\r")
    child.send("print('typed ' + 'ahead')")  # typed while the kernel restarts
    child.expect("Kernel restarted")
    before_restart_line = child.before
    assert "print('typed" not in before_restart_line  # not echoed above the line
    child.expect(screen("In [1]: "))
    child.expect(screen("print('typed ' + 'ahead')"))  # it is at the new prompt
    child.send("\r")
    child.expect(LINE + r"typed ahead\r\n")

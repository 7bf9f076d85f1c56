"""Ctrl-C in ``ipython --two-process`` when the kernel does not simply stop.

A cell that ignores SIGINT must not leave the user at a frozen terminal: after
the configured time the terminal says so and gives the prompt back, refuses
to queue code behind the busy kernel (typed code is never taken as an
answer), and ``%restart`` gets a working kernel. Ctrl-C and Ctrl-D at an
``input()`` prompt end it as at a terminal, with no frame of the kernel's own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ptyterm import screen
from twoproc import CTRL_C, LINE, Spawn, run

pytestmark = pytest.mark.pty


def test_an_unanswered_ctrl_c_gives_the_prompt_back_and_offers_a_restart(spawn: Spawn) -> None:
    child = spawn("--config", "terminal.interrupt_timeout=1")
    child.expect(screen("In [1]: "))
    child.send("import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN)\r")
    child.expect(screen("In [2]: "))
    run(child, "print('spinning'); exec('while True: time.sleep(0.01)')")
    child.expect(LINE + "spinning")
    child.send(CTRL_C)
    child.expect(r"The kernel did not stop within 1 s of Ctrl-C")
    child.expect("It is still running that cell")
    child.expect(r"%restart \(or Ctrl-X Ctrl-R\) restarts the kernel")
    child.expect(screen("In [2]: "))
    run(child, "print(6*7)")  # typed code is not queued behind the busy kernel
    child.expect("Not run: the kernel is still running an earlier cell")
    child.expect(screen("In [2]: "))
    run(child, "%restart")
    child.expect("Kernel restarted")
    child.expect(screen("In [1]: "))
    run(child, "print(6*7)")
    child.expect(LINE + r"42\r\n")


def test_three_ctrl_c_stop_waiting_at_once(spawn: Spawn) -> None:
    child = spawn("--config", "terminal.interrupt_timeout=600")
    child.expect(screen("In [1]: "))
    # a cell that hears every interrupt and goes on: each Ctrl-C shows when it arrived
    child.send(
        "import signal, time; "
        "signal.signal(signal.SIGINT, lambda *a: print('heard it', flush=True))\r"
    )
    child.expect(screen("In [2]: "))
    run(child, "print('spinning'); exec('while True: time.sleep(0.01)')")
    child.expect(LINE + "spinning")
    for _ in range(2):
        child.send(CTRL_C)
        child.expect("heard it")
    child.send(CTRL_C)
    child.expect("Stopped waiting after 3 Ctrl-C: the kernel did not stop")
    child.expect(screen("In [2]: "))


def test_the_prompt_comes_back_for_good_when_the_busy_cell_ends(
    spawn: Spawn, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    child = spawn("--config", "terminal.interrupt_timeout=0.5")
    child.expect(screen("In [1]: "))
    child.send("import os, signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN)\r")
    child.expect(screen("In [2]: "))
    # a cell that ignores Ctrl-C and ends when the test says so
    wait = f"while not os.path.exists({str(go)!r}): time.sleep(0.01)"
    run(child, f"print('waiting'); exec({wait!r}); print('woke up')")
    child.expect(LINE + "waiting")
    child.send(CTRL_C)
    child.expect("It is still running that cell")
    go.touch()
    child.expect(LINE + "woke up")  # its output still comes, at the prompt
    child.expect(r"\(The earlier cell has finished\.\)")
    run(child, "print(6*7)")
    child.expect(LINE + r"42\r\n")


@pytest.mark.parametrize(("key", "error"), [("\x04", "EOFError"), (CTRL_C, "KeyboardInterrupt")])
def test_ctrl_d_or_ctrl_c_at_input_shows_only_the_users_line(
    spawn: Spawn, key: str, error: str
) -> None:
    child = spawn()
    child.expect(screen("In [1]: "))
    run(child, "name = input('who? ')")
    child.expect(LINE + r"who\? ")  # input()'s prompt (not the echo of the line typed)
    child.send(key)
    child.expect("Traceback")
    child.expect(screen("name = input('who? ')"))
    child.expect(screen("In [2]: "))
    shown = child.before
    assert error in shown
    for internal in ("split/", "zmq/", "stdin.py", "core.py"):
        assert internal not in shown, f"an internal frame ({internal}) was shown:\n{shown}"

"""The prompt_toolkit terminal driven through a real pseudo-terminal (pexpect).

What only a terminal shows: prompts, continuation lines, Tab completion,
Ctrl-C during running code, Ctrl-D with its question, up-arrow history across
sessions. Each test waits for what the screen shows (never for time), and
every child is killed in teardown.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest
from ptyterm import UP, screen, spawn_terminal

pytestmark = pytest.mark.pty


Spawn = Callable[..., pexpect.spawn]


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Spawn]:
    """Start ``python -m legacy_shell`` in a 24x100 xterm; all children are killed afterwards."""
    children: list[pexpect.spawn] = []

    def start(*args: str, home: Path | None = None) -> pexpect.spawn:
        child = spawn_terminal(
            sys.executable,
            ["-m", "legacy_shell", *args],
            cwd=tmp_path,
            env={"LEGACY_SHELL_DIR": str(home or tmp_path)},
        )
        children.append(child)
        return child

    yield start
    for child in children:
        child.close(force=True)


def test_the_prompt_appears_after_the_banner(spawn: Spawn) -> None:
    child = spawn()
    child.expect("legacy_shell .* An enhanced Interactive Python")
    child.expect(screen("In [1]: "))


def test_an_expression_shows_its_result(spawn: Spawn) -> None:
    child = spawn("--no-banner")
    child.expect(screen("In [1]: "))
    child.send("1+1\r")
    child.expect(screen("Out[1]: 2"))
    child.expect(screen("In [2]: "))


def test_a_block_gets_continuation_lines_and_runs_after_a_blank_line(spawn: Spawn) -> None:
    child = spawn("--no-banner")
    child.expect(screen("In [1]: "))
    child.send("for i in range(3):\r")
    child.expect(screen("   ...: "))
    child.send("print(i * 11)\r")  # auto-indented inside the block
    child.expect(screen("   ...: "))
    child.send("\r")
    child.expect("0\r\n11\r\n22\r\n")
    child.expect(screen("In [2]: "))


def test_tab_completes_a_name_defined_earlier(spawn: Spawn) -> None:
    child = spawn("--no-banner")
    child.expect(screen("In [1]: "))
    child.send("my_long_variable = 5\r")
    child.expect(screen("In [2]: "))
    child.send("my_long_v\t")
    child.expect("ariable")  # the completion was inserted
    child.send("\r")
    child.expect(screen("Out[2]: 5"))


def test_ctrl_c_interrupts_running_code_and_the_shell_survives(spawn: Spawn) -> None:
    child = spawn("--no-banner")
    child.expect(screen("In [1]: "))
    child.send('import time; print("sl" + "eeping"); time.sleep(30)\r')
    child.expect("sleeping")
    child.sendintr()
    child.expect("KeyboardInterrupt")
    child.expect(screen("In [2]: "))
    child.send("print('alive')\r")
    child.expect("alive")


def test_ctrl_c_at_the_prompt_drops_the_line(spawn: Spawn) -> None:
    child = spawn("--no-banner")
    child.expect(screen("In [1]: "))
    child.send("dropped_name")
    child.sendintr()
    child.expect(screen("In [1]: "))
    child.send("1\r")
    child.expect(screen("Out[1]: 1"))


def test_ctrl_d_asks_and_y_leaves_with_status_0(spawn: Spawn) -> None:
    child = spawn("--no-banner")
    child.expect(screen("In [1]: "))
    child.sendcontrol("d")
    child.expect(re.escape("Do you really want to exit ([y]/n)? "))
    child.send("y\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_ctrl_d_answered_n_stays(spawn: Spawn) -> None:
    child = spawn("--no-banner")
    child.expect(screen("In [1]: "))
    child.sendcontrol("d")
    child.expect(re.escape("Do you really want to exit ([y]/n)? "))
    child.send("n\r")
    child.expect(screen("In [1]: "))
    child.send("2\r")
    child.expect(screen("Out[1]: 2"))


def test_exit_leaves_at_once(spawn: Spawn) -> None:
    child = spawn("--no-banner")
    child.expect(screen("In [1]: "))
    child.send("exit\r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_up_arrow_recalls_input_from_a_previous_session(spawn: Spawn, tmp_path: Path) -> None:
    first = spawn("--no-banner", "--config", "terminal.confirm_exit=false")
    first.expect(screen("In [1]: "))
    first.send("recalled_value = 1234\r")
    first.expect(screen("In [2]: "))
    first.sendcontrol("d")
    first.expect(pexpect.EOF)

    second = spawn("--no-banner")
    second.expect(screen("In [1]: "))
    second.send(UP)
    second.expect("recalled_value")
    second.send("\r")
    second.expect(screen("In [2]: "))
    second.send("recalled_value\r")
    second.expect(screen("Out[2]: 1234"))


def test_ctrl_r_finds_an_earlier_input_and_enter_runs_it(spawn: Spawn) -> None:
    child = spawn("--no-banner")
    child.expect(screen("In [1]: "))
    child.send("searchable_thing = 99\r")
    child.expect(screen("In [2]: "))
    child.send("other = 1\r")
    child.expect(screen("In [3]: "))
    child.sendcontrol("r")
    child.send("searchab")
    child.expect(screen("searchable_thing = 99"))
    child.send("\r")  # accept the search
    child.send("\r")  # run it
    child.expect(screen("In [4]: "))
    child.send("searchable_thing + 1\r")
    child.expect(screen("Out[4]: 100"))


def test_set_next_input_prefills_the_next_prompt(spawn: Spawn) -> None:
    child = spawn("--no-banner")
    child.expect(screen("In [1]: "))
    child.send("get_ipython().set_next_input('prefilled = 7')\r")
    child.expect(screen("In [2]: "))
    child.expect(screen("prefilled = 7"))
    child.send("\r")
    child.expect(screen("In [3]: "))
    child.send("prefilled\r")
    child.expect(screen("Out[3]: 7"))


def test_help_syntax_prints_the_help_text(spawn: Spawn) -> None:
    child = spawn("--no-banner")
    child.expect(screen("In [1]: "))
    child.send("len?\r")
    child.expect("Signature:")
    child.expect("Return the number of items in a container")
    child.expect(screen("In [2]: "))


def test_simple_prompt_on_a_terminal_shows_plain_prompts(spawn: Spawn) -> None:
    child = spawn("--no-banner", "--simple-prompt")
    child.expect_exact("In [1]: ")
    child.send("if True:\r")
    child.expect_exact("   ...: ")
    child.send("    print('in block')\r")
    child.expect_exact("   ...: ")
    child.send("\r")
    child.expect_exact("in block")
    child.expect_exact("In [2]: ")
    child.sendeof()
    child.expect_exact("Do you really want to exit ([y]/n)? ")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

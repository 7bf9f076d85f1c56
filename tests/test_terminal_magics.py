"""%cpaste, %paste, %clear, %autoindent: code pasted at the prompt or from the clipboard."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from shellside import in_shell, setenv
from test_namespace_magics import answer

from legacy_shell.errors import UsageError
from legacy_shell.magics.terminal import clean_pasted

SESSION = """\
>>> def twice(a):
...     return a * 2
>>> result = twice(21)
"""


def test_pasted_text_loses_prompts_quotes_and_common_indentation() -> None:
    assert clean_pasted(SESSION) == "def twice(a):\n    return a * 2\nresult = twice(21)\n"
    assert clean_pasted("> > x = 1\n> > y = 2\n") == "x = 1\ny = 2\n"
    assert clean_pasted("    if x:\n        y = 1\n") == "if x:\n    y = 1\n"
    assert clean_pasted("In [1]: a = 3\n   ...: b = 4\n") == "a = 3\nb = 4\n"


def test_cpaste_runs_the_lines_up_to_the_sentinel(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts = answer(shell, *SESSION.splitlines(), "--", "never read")
    shell.run_line_magic("cpaste", "")
    assert shell.user_ns["result"] == 42
    assert shell.user_ns["pasted_block"].startswith("def twice(a):")
    assert prompts() == [":"] * 4
    assert "enter '--' alone on the line to stop" in capsys.readouterr().out


def test_cpaste_ends_at_end_of_input_and_can_keep_the_block_instead(shell: Any) -> None:
    answer(shell, "x = 7")
    shell.run_line_magic("cpaste", "-q kept")
    assert shell.user_ns["kept"] == "x = 7\n"
    assert "x" not in shell.user_ns
    shell.run_line_magic("cpaste", "-r kept")  # runs what was kept
    assert shell.user_ns["x"] == 7


def test_cpaste_takes_another_sentinel(shell: Any) -> None:
    answer(shell, "y = 1", "%%")
    shell.run_line_magic("cpaste", "-q -s %%")
    assert shell.user_ns["y"] == 1


@pytest.fixture
def clipboard(shell: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake ``xclip`` first on the shell's PATH, printing the file this returns."""
    tools = tmp_path / "bin"
    tools.mkdir()
    content = tmp_path / "clipboard.txt"
    script = tools / "xclip"
    script.write_text(f"#!/bin/sh\ncat {content}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    path = in_shell(shell, "__import__('os').environ['PATH']")
    setenv(shell, monkeypatch, "PATH", f"{tools}{os.pathsep}{path}")
    return content


def test_paste_runs_the_clipboard_and_shows_it_first(
    shell: Any, clipboard: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clipboard.write_text(SESSION)
    shell.run_line_magic("paste", "")
    assert shell.user_ns["result"] == 42
    out = capsys.readouterr().out
    assert "def twice(a):" in out and "## -- End pasted text --" in out


def test_paste_into_a_name_keeps_the_text(shell: Any, clipboard: Path) -> None:
    clipboard.write_text("z = 3\n")
    shell.run_line_magic("paste", "snippet")
    assert shell.user_ns["snippet"] == "z = 3\n"
    assert "z" not in shell.user_ns


def test_paste_without_any_clipboard_tool_says_what_to_do(
    shell: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setenv(shell, monkeypatch, "PATH", str(tmp_path))  # no tool at all
    with pytest.raises(UsageError, match=r"no clipboard tool was found.*%cpaste"):
        shell.run_line_magic("paste", "")


def test_clear_clears_the_screen(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("clear", "")
    assert capsys.readouterr().out == "\x1b[H\x1b[2J"


def test_autoindent_toggles_the_terminal_setting(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_line_magic("autoindent", "")
    assert in_shell(shell, "get_ipython().config['terminal.autoindent']") is False
    assert capsys.readouterr().out == "Automatic indentation is: OFF\n"
    shell.run_line_magic("autoindent", "on")
    assert in_shell(shell, "get_ipython().config['terminal.autoindent']") is True
    with pytest.raises(UsageError):
        shell.run_line_magic("autoindent", "sideways")


@pytest.mark.parametrize("name", ["restart", "shutdown_kernel"])
def test_the_kernel_magics_say_in_one_line_why_they_do_nothing_here(shell: Any, name: str) -> None:
    """In one process there is no kernel; in a kernel, the terminal answers them itself."""
    with pytest.raises(UsageError, match=rf"^%{name}: .*(one process|the terminal)"):
        shell.run_line_magic(name, "")

"""%page, %less, %more, %pycat, %man; %macro; %store; %logstart and friends; %%file, %%!."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from shellside import in_shell, run_quietly

from legacy_shell.errors import UsageError


def output_of(shell: Any, capsys: pytest.CaptureFixture[str], line: str) -> str:
    capsys.readouterr()
    name, _, rest = line.partition(" ")
    shell.run_line_magic(name, rest)
    return capsys.readouterr().out


# -- the pager ------------------------------------------------------------------------------


def test_page_shows_an_object_pretty_printed_or_as_str(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    run_quietly(shell, "data = {'k': list(range(40))}")
    assert output_of(shell, capsys, "page data").count("\n") > 2  # wrapped
    assert output_of(shell, capsys, "page -r data").count("\n") == 1
    with pytest.raises(UsageError, match="not found"):
        shell.run_line_magic("page", "nothing_here")


def test_less_and_more_show_a_file(
    shell: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("first line\nsecond line\n")
    assert "second line" in output_of(shell, capsys, f"less {notes}")
    assert "first line" in output_of(shell, capsys, f"more {notes}")
    with pytest.raises(UsageError, match="no such file"):
        shell.run_line_magic("less", str(tmp_path / "missing.txt"))


def test_pycat_shows_code_from_a_file_or_the_history(
    shell: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run_quietly(shell, "get_ipython().config['shell.colors'] = 'NoColor'")
    script = tmp_path / "s.py"
    script.write_text("print('from the file')\n")
    assert output_of(shell, capsys, f"pycat {script}") == "print('from the file')\n\n"
    shell.run_cell("value = 6 * 7", store_history=True)
    assert "value = 6 * 7" in output_of(shell, capsys, "pycat 1")


@pytest.mark.skipif(shutil.which("man") is None, reason="the man program is not installed")
def test_man_shows_a_manual_page(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    text = output_of(shell, capsys, "man ls")
    assert "NAME" in text and "ls" in text
    with pytest.raises(UsageError):
        shell.run_line_magic("man", "no_such_command_anywhere")


# -- %macro ---------------------------------------------------------------------------------


def test_a_macro_runs_its_history_lines_when_its_name_is_typed(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell("total = 0", store_history=True)
    shell.run_cell("total += 5", store_history=True)
    out = output_of(shell, capsys, "macro add 2")
    assert "Macro `add` created" in out and "total += 5" in out
    shell.run_cell("add", store_history=True).raise_error()
    shell.run_cell("add", store_history=True).raise_error()
    assert shell.user_ns["total"] == 15
    assert in_shell(shell, "str(get_ipython().user_ns['add'])") == "total += 5\n"


def test_macro_needs_a_name_and_a_source(shell: Any) -> None:
    with pytest.raises(UsageError, match="Usage"):
        shell.run_line_magic("macro", "only_a_name")
    with pytest.raises(UsageError, match="not a valid variable name"):
        shell.run_line_magic("macro", "2bad 1")


# -- %store ---------------------------------------------------------------------------------


def test_store_keeps_values_across_a_reset(
    shell: Any, capsys: pytest.CaptureFixture[str], shell_home: Path
) -> None:
    run_quietly(shell, "kept = [1, 2, 3]\nother = 'x'")
    assert output_of(shell, capsys, "store kept") == "Stored 'kept' (list)\n"
    assert (shell_home / "store" / "kept").is_file()
    shell.run_line_magic("reset", "-f")
    assert "kept" not in shell.user_ns
    assert output_of(shell, capsys, "store -r") == "Restored 'kept' (list)\n"
    assert shell.user_ns["kept"] == [1, 2, 3]
    assert "kept -> [1, 2, 3]" in output_of(shell, capsys, "store")
    shell.run_line_magic("store", "-d kept")
    assert not (shell_home / "store" / "kept").exists()


def test_store_refuses_what_cannot_be_kept(shell: Any) -> None:
    run_quietly(shell, "import sys as module_value")
    with pytest.raises(UsageError, match="cannot be pickled"):
        shell.run_line_magic("store", "module_value")
    with pytest.raises(UsageError, match="Unknown variable"):
        shell.run_line_magic("store", "not_defined_anywhere")


def test_store_writes_a_value_to_a_file(shell: Any, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    run_quietly(shell, "text = 'hello'")
    shell.run_line_magic("store", f"text > {target}")
    shell.run_line_magic("store", f"text >> {target}")
    assert target.read_text() == "hello\nhello\n"


# -- the session log ------------------------------------------------------------------------


def test_logstart_writes_the_session_and_what_follows(
    shell: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    log = tmp_path / "session.py"
    shell.run_cell("a = 1", store_history=True)
    shell.run_cell(f"%logstart -o -q {log} over", store_history=True).raise_error()
    shell.run_cell("a + 1", store_history=True)
    shell.run_cell("%logoff", store_history=True)
    shell.run_cell("not_logged = 1", store_history=True)
    shell.run_cell("%logon", store_history=True)
    out = output_of(shell, capsys, "logstate")
    assert f"Filename       : {log}" in out and "State          : active" in out
    shell.run_line_magic("logstop", "")
    text = log.read_text()
    assert text.startswith("# legacy-shell log file\n")
    assert "a = 1\n" in text and "a + 1\n#[Out]# 2\n" in text
    assert "not_logged" not in text
    assert text.count("run_line_magic('logstart'") == 1
    assert output_of(shell, capsys, "logstate") == "Logging has not been activated.\n"


def test_logstart_backs_up_an_existing_log(shell: Any, tmp_path: Path) -> None:
    log = tmp_path / "ipython_log.py"
    log.write_text("old log\n")
    shell.run_line_magic("logstart", f"-q {log}")
    shell.run_line_magic("logstop", "")
    assert (tmp_path / "ipython_log.py~").read_text() == "old log\n"
    with pytest.raises(UsageError, match="Invalid log mode"):
        shell.run_line_magic("logstart", f"-q {log} sideways")


# -- other spellings ------------------------------------------------------------------------


def test_cell_magic_spellings_file_html_svg_and_bang(shell: Any, tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    shell.run_cell_magic("file", str(target), "written\n")
    assert target.read_text() == "written\n"
    assert list(shell.run_cell_magic("!", "", "echo one\necho two\n")) == ["one", "two"]
    for name in ("HTML", "SVG"):
        assert in_shell(shell, f"get_ipython().find_cell_magic({name!r}) is not None") is True


def test_rehashx_makes_commands_on_the_path_aliases(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    out = output_of(shell, capsys, "rehashx")
    assert "commands on $PATH are aliases now" in out
    assert in_shell(shell, "get_ipython().alias_manager.is_alias('true')") is True

"""%pprint, %colors, %autoawait, %doctest_mode, and %config with IPython's key spellings."""

from __future__ import annotations

from typing import Any

import pytest
from shellside import in_shell

from legacy_shell.errors import UsageError


def config(shell: Any, key: str) -> Any:
    return in_shell(shell, f"get_ipython().config[{key!r}]")


def shown(shell: Any, capsys: pytest.CaptureFixture[str], cell: str) -> str:
    capsys.readouterr()
    shell.run_cell(cell, store_history=True).raise_error()
    return capsys.readouterr().out


def test_pprint_toggles_pretty_printing_of_results(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    long = "{'k': list(range(40))}"
    assert "\n" in shown(shell, capsys, long)  # pretty: wrapped
    shell.run_line_magic("pprint", "")
    assert capsys.readouterr().out == "Pretty printing has been turned OFF\n"
    assert shown(shell, capsys, long).count("\n") == 1  # plain repr: one line
    shell.run_line_magic("pprint", "")
    assert config(shell, "shell.pprint") is True


def test_colors_sets_the_scheme_by_any_case_and_refuses_others(shell: Any) -> None:
    shell.run_line_magic("colors", "nocolor")
    assert config(shell, "shell.colors") == "NoColor"
    with pytest.raises(UsageError, match="Unknown colour scheme 'purple'"):
        shell.run_line_magic("colors", "purple")
    with pytest.raises(UsageError, match="needs a scheme"):
        shell.run_line_magic("colors", "")


def test_autoawait_off_makes_top_level_await_a_syntax_error(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cell = "import asyncio\nawait asyncio.sleep(0)\nawaited = True"
    shell.run_line_magic("autoawait", "off")
    result = shell.run_cell(cell)
    assert isinstance(result.error_before_exec or result.error_in_exec, SyntaxError)
    assert "awaited" not in shell.user_ns
    shell.run_line_magic("autoawait", "asyncio")
    shell.run_cell(cell).raise_error()
    assert shell.user_ns["awaited"] is True
    capsys.readouterr()
    shell.run_line_magic("autoawait", "")
    assert capsys.readouterr().out == "autoawait is `On`, and set to use `asyncio`\n"
    with pytest.raises(UsageError, match="only asyncio"):
        shell.run_line_magic("autoawait", "trio")


def test_doctest_mode_gives_plain_python_looks_and_takes_them_back(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_line_magic("doctest_mode", "")
    assert capsys.readouterr().out == "Exception reporting mode: Plain\nDoctest mode is: ON\n"
    assert config(shell, "prompts.in") == ">>> "
    assert shown(shell, capsys, "[1, 2]") == "[1, 2]\n"  # no Out[n]:
    shell.run_line_magic("doctest_mode", "")
    assert "Doctest mode is: OFF" in capsys.readouterr().out
    assert config(shell, "prompts.in") == "In [{count}]: "
    assert config(shell, "shell.xmode") == "Context"


@pytest.mark.parametrize(
    ("ipython_key", "ours", "value"),
    [
        ("InteractiveShell.ast_node_interactivity", "shell.ast_node_interactivity", "all"),
        ("InteractiveShell.colors", "shell.colors", "NoColor"),
        ("InteractiveShell.autoawait", "shell.autoawait", False),
        ("PlainTextFormatter.pprint", "shell.pprint", False),
        ("TerminalInteractiveShell.editor", "shell.editor", "nano"),
        ("TerminalInteractiveShell.confirm_exit", "terminal.confirm_exit", False),
        ("TerminalIPythonApp.display_banner", "shell.banner", False),
        ("HistoryAccessor.enabled", "history.enabled", False),
    ],
)
def test_config_takes_ipythons_spelling_of_the_keys_it_knows(
    shell: Any, ipython_key: str, ours: str, value: Any
) -> None:
    shell.run_line_magic("config", f"{ipython_key} = {value!r}")
    assert config(shell, ours) == value


def test_config_of_a_key_this_shell_does_not_have_says_so(shell: Any) -> None:
    with pytest.raises(UsageError, match="Unknown configuration key"):
        shell.run_line_magic("config", "InteractiveShell.separate_in = ''")


def test_config_of_a_class_lists_its_keys(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("config", "InteractiveShell")
    out = capsys.readouterr().out
    assert "shell.ast_node_interactivity" in out and "terminal." not in out


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("last_expr", ["Out[1]: 2"]),
        ("all", ["Out[1]: 1", "Out[1]: 2"]),
        ("none", []),
        ("last_expr_or_assign", ["Out[1]: 3"]),
    ],
)
def test_ast_node_interactivity_picks_what_shows_a_value(
    shell: Any, capsys: pytest.CaptureFixture[str], rule: str, expected: list[str]
) -> None:
    shell.run_line_magic("config", f"InteractiveShell.ast_node_interactivity = {rule}")
    cell = "1\n2\nx = 3" if rule == "last_expr_or_assign" else "1\n2"
    lines = [line for line in shown(shell, capsys, cell).splitlines() if line]
    assert lines == expected

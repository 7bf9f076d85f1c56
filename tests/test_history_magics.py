"""%history / %hist, %recall / %rep and %rerun, through the shell, in IPython's formats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from shellside import in_shell


@pytest.fixture
def cells(shell: Any, capsys: pytest.CaptureFixture[str]) -> Any:
    """The shell after four stored cells: a plain one, a result, a magic, a multi-line one."""
    for code in ("x = 1", "x + 1", "%pwd", "def f():\n\treturn 1"):
        shell.run_cell(code, store_history=True)
    capsys.readouterr()
    return shell


def history(shell: Any, capsys: pytest.CaptureFixture[str], line: str) -> str:
    shell.run_line_magic("history", line)
    return capsys.readouterr().out


def test_history_with_line_numbers(cells: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert history(cells, capsys, "-n 1-2") == "   1: x = 1\n   2: x + 1\n"


def test_history_plain_is_ready_to_paste(cells: Any, capsys: pytest.CaptureFixture[str]) -> None:
    # Tabs are expanded to 4 spaces; a multi-line entry stays as typed.
    assert history(cells, capsys, "") == "x = 1\nx + 1\n%pwd\ndef f():\n    return 1\n"


def test_history_multiline_entry_with_numbers(
    cells: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert history(cells, capsys, "-n 4") == "   4:\ndef f():\n    return 1\n"


def test_history_outputs_and_prompts(cells: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert history(cells, capsys, "-o 1-2") == "x = 1\nx + 1\n2\n"
    assert (
        history(cells, capsys, "-p -o 2 4") == ">>> x + 1\n2\n>>> def f():\n...     return 1\n...\n"
    )


def test_hist_alias_and_translated_input(cells: Any, capsys: pytest.CaptureFixture[str]) -> None:
    cells.run_line_magic("hist", "-t 3")
    out = capsys.readouterr().out
    assert out.startswith("get_ipython().run_line_magic(") and "pwd" in out
    assert history(cells, capsys, "-r 3") == "%pwd\n"


def test_history_search_and_last(cells: Any, capsys: pytest.CaptureFixture[str]) -> None:
    cells.run_cell("%history -g x", store_history=True)
    assert capsys.readouterr().out.splitlines() == [
        "   1: x = 1",
        "   2: x + 1",
        "   5: %history -g x",
    ]
    cells.run_cell("%history -l 2", store_history=True)
    assert capsys.readouterr().out == "def f():\n    return 1\n%history -g x\n"
    cells.run_cell("%history -n -g x -u 1-3", store_history=True)  # pattern filters a range
    assert capsys.readouterr().out == "   1: x = 1\n   2: x + 1\n"


def test_history_of_previous_sessions(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("a = 'old'", store_history=True)
    old = in_shell(shell, "get_ipython().history_manager.session_number")
    shell.run_cell("get_ipython().reset(new_session=True)").raise_error()
    shell.run_cell("b = 'new'", store_history=True)
    capsys.readouterr()
    label = f"{old}/1".rjust(4)
    assert history(shell, capsys, "~1/") == "a = 'old'\n"
    assert history(shell, capsys, "-n ~1/1 1") == f"{label}: a = 'old'\n   1: b = 'new'\n"
    assert history(shell, capsys, f"-n {old}/1") == f"{label}: a = 'old'\n"


def test_history_to_file(cells: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "hist.py"
    assert history(cells, capsys, f"-n -f {target} 1-2") == ""
    assert target.read_text() == "   1: x = 1\n   2: x + 1\n"
    assert history(cells, capsys, f"-f {target} -y 1") == ""
    assert target.read_text() == "x = 1\n"


def test_history_bad_option_is_a_usage_error(
    cells: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cells.run_cell("%history -z", store_history=True)
    captured = capsys.readouterr()
    assert "UsageError: unrecognized arguments: -z" in captured.out + captured.err


def next_input(shell: Any) -> str | None:
    """What the shell asked the frontend to pre-fill (its terminal output keeps it); cleared."""
    text: str | None = in_shell(shell, "get_ipython().output.next_input")
    shell.run_cell("get_ipython().output.next_input = None", silent=True).raise_error()
    return text


def test_recall_puts_input_or_last_result_into_the_next_prompt(
    cells: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cells.run_cell("x * 2", store_history=True)
    cells.run_line_magic("recall", "1-2")
    assert next_input(cells) == "x = 1\nx + 1"
    cells.run_line_magic("rep", "")  # the last result
    assert next_input(cells) == "2"
    cells.run_line_magic("recall", "x * 10")  # evaluates in the user namespace
    assert next_input(cells) == "10"
    cells.run_line_magic("recall", "pw")  # otherwise searched in the history
    assert next_input(cells) == "%pwd"
    capsys.readouterr()
    cells.run_line_magic("recall", "no_such_thing(")
    assert next_input(cells) is None
    assert capsys.readouterr().out == "Couldn't evaluate or find in history: no_such_thing(\n"


def test_rerun_prints_and_runs_like_ipython(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("n = 0", store_history=True)
    shell.run_cell("n += 1; print('n is', n)", store_history=True)
    capsys.readouterr()
    shell.run_cell("%rerun", store_history=True)  # the last input
    assert capsys.readouterr().out == (
        "=== Executing: ===\nn += 1; print('n is', n)\n=== Output: ===\nn is 2\n"
    )
    shell.run_cell("%rerun 1-2", store_history=True)
    assert capsys.readouterr().out == (
        "=== Executing: ===\nn = 0\nn += 1; print('n is', n)\n=== Output: ===\nn is 1\n"
    )
    shell.run_cell("%rerun -l 1", store_history=True)  # the last one, not counting itself
    assert capsys.readouterr().out.startswith("=== Executing: ===\n%rerun 1-2\n=== Output: ===\n")
    shell.run_cell("%rerun -g n is", store_history=True)  # the latest match that is no %rerun
    assert capsys.readouterr().out.endswith("=== Output: ===\nn is 2\n")
    assert shell.execution_count == 7  # re-run code is not stored again


def test_rerun_with_nothing_to_run(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("%rerun -g nothing-like-this", store_history=True)
    assert capsys.readouterr().out == "No lines in history match specification\n"
    shell.run_cell("%rerun -l 0", store_history=True)
    assert capsys.readouterr().out == "Requested 0 last lines - nothing to run\n"
    shell.run_cell("%rerun -l x", store_history=True)
    assert capsys.readouterr().out == "Number of lines must be an integer\n"

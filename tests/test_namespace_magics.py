"""%who, %who_ls, %whos, %reset, %reset_selective, %xdel: what the user defined, shown and cleared."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from shellside import in_shell

from legacy_shell.errors import UsageError

# The user at the keyboard of the shell's process: run there with ``replies`` in its
# globals, not in the user namespace (which %reset clears). The shell fixture puts
# the real ``input`` back.
FAKE_INPUT = """
import builtins

def fake_input(prompt=""):
    fake_input.prompts.append(prompt)
    if not replies:
        raise EOFError  # no more answers: end of input (Ctrl-D)
    return replies.pop(0)

fake_input.prompts = []
builtins.input = fake_input
"""


def answer(shell: Any, *replies: str) -> Callable[[], list[str]]:
    """Make ``input()`` give ``replies`` in turn, then end of input; return the prompts asked."""
    shell.run_cell(
        f"exec({FAKE_INPUT!r}, {{'replies': {list(replies)!r}}})", silent=True
    ).raise_error()
    return lambda: in_shell(shell, "__import__('builtins').input.prompts")


# -- %who / %who_ls / %whos ---------------------------------------------------------------


def test_who_lists_user_variables_tab_separated(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell("alpha = 123\nbeta = 'test'")
    capsys.readouterr()
    shell.run_line_magic("who", "")
    assert capsys.readouterr().out == "alpha\t beta\t \n"


def test_who_hides_the_shells_own_names_and_underscore_names(
    shell: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell("_private = 1\nvisible = 2", store_history=True)
    shell.run_cell("visible", store_history=True)  # sets _, _2, _i2, Out[2]...
    assert shell.run_line_magic("who_ls", "") == ["visible"]


def test_who_shows_a_shell_name_the_user_rebound(shell: Any) -> None:
    shell.run_cell("In = 'mine'")
    assert shell.run_line_magic("who_ls", "") == ["In"]


def test_who_on_an_empty_namespace(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("who", "")
    assert capsys.readouterr().out == "Interactive namespace is empty.\n"


def test_who_filters_by_type_name(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("alpha = 123\nbeta = 'test'\ndef f(): pass")
    assert shell.run_line_magic("who_ls", "int") == ["alpha"]
    assert shell.run_line_magic("who_ls", "str function") == ["beta", "f"]
    capsys.readouterr()
    shell.run_line_magic("who", "str")
    assert capsys.readouterr().out == "beta\t \n"
    shell.run_line_magic("who", "float")
    assert capsys.readouterr().out == "No variables match your requested type.\n"


def test_who_breaks_lines_after_nine_names(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.push({f"v{i:02d}": i for i in range(10)})
    shell.run_line_magic("who", "")
    lines = capsys.readouterr().out.split("\n")
    assert lines[0].count("\t") == 9
    assert lines[1] == "v09\t "


def test_who_ls_is_sorted(shell: Any) -> None:
    shell.run_cell("zeta = 1\nalpha = 2\nmid = 3")
    assert shell.run_line_magic("who_ls", "") == ["alpha", "mid", "zeta"]


def test_whos_prints_ipythons_table(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("alpha = 123\nbeta = 'test'\nitems = [1, 2, 3]\nlong = 'x' * 60 + 'END'")
    capsys.readouterr()
    shell.run_line_magic("whos", "")
    assert capsys.readouterr().out.splitlines() == [
        "Variable   Type    Data/Info",
        "----------------------------",
        "alpha      int     123",
        "beta       str     test",
        "items      list    n=3",
        "long       str     " + "x" * 25 + "<...>" + "x" * 22 + "END",
    ]


def test_whos_shows_newlines_escaped(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.push({"text": "a\nb"})
    shell.run_line_magic("whos", "")
    assert capsys.readouterr().out.splitlines()[-1] == "text       str     a\\nb"


def test_whos_on_an_empty_namespace(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("whos", "")
    assert capsys.readouterr().out == "Interactive namespace is empty.\n"


# -- %reset -------------------------------------------------------------------------------


def test_reset_f_clears_user_variables_and_the_shell_still_works(shell: Any) -> None:
    shell.run_cell("a = 1\nb = 2", store_history=True)
    shell.run_line_magic("reset", "-f")
    assert "a" not in shell.user_ns and "b" not in shell.user_ns
    assert shell.run_line_magic("who_ls", "") == []
    result = shell.run_cell("c = 40 + 2\nc", store_history=True)
    assert result.success and result.result == 42
    # get_ipython is back: the shell whose namespace this is
    assert in_shell(shell, "get_ipython().user_ns is globals()")


def test_reset_asks_and_no_keeps_everything(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("a = 1")
    prompts = answer(shell, "n")
    shell.run_line_magic("reset", "")
    assert prompts() == ["Once deleted, variables cannot be recovered. Proceed (y/[n])? "]
    assert capsys.readouterr().out == "Nothing done.\n"
    assert shell.user_ns["a"] == 1


def test_reset_asks_and_yes_clears(shell: Any) -> None:
    shell.run_cell("a = 1")
    answer(shell, "y")
    shell.run_line_magic("reset", "")
    assert "a" not in shell.user_ns


def test_reset_repeats_the_question_until_it_gets_an_answer(shell: Any) -> None:
    shell.run_cell("a = 1")
    prompts = answer(shell, "maybe", "YES")
    shell.run_line_magic("reset", "")
    assert len(prompts()) == 2 and "a" not in shell.user_ns


def test_reset_empty_answer_means_no(shell: Any) -> None:
    shell.run_cell("a = 1")
    answer(shell, "")
    shell.run_line_magic("reset", "")
    assert shell.user_ns["a"] == 1


def test_soft_reset_removes_only_user_variables(shell: Any) -> None:
    shell.run_cell("a = 1", store_history=True)
    shell.run_line_magic("reset", "-f -s")
    assert "a" not in shell.user_ns
    assert shell.user_ns["_i1"].rstrip("\n") == "a = 1"


def test_reset_in_flushes_input_history(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("a = 1", store_history=True)
    capsys.readouterr()
    shell.run_line_magic("reset", "-f in")
    assert capsys.readouterr().out == "Flushing input history\n"
    assert "_i1" not in shell.user_ns and shell.user_ns["_i"] == ""
    assert shell.user_ns["a"] == 1


def test_reset_out_flushes_the_output_cache(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("6 * 7", store_history=True)
    capsys.readouterr()
    shell.run_line_magic("reset", "-f out")
    assert capsys.readouterr().out == "Flushing output cache (1 entries)\n"
    assert len(shell.user_ns["Out"]) == 0


def test_reset_dhist_and_unknown_targets(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("reset", "-f dhist bogus")
    assert capsys.readouterr().out == (
        "Flushing directory history\n"
        "Don't know how to reset  bogus, please run `%reset?` for details\n"
    )
    assert shell.user_ns["_dh"] == []


def test_reset_selective_removes_matching_names(shell: Any) -> None:
    shell.run_cell("a=1; b=2; c=3; b1m=4; b2m=5; b3m=6; b4m=7; b2s=8")
    shell.run_line_magic("reset_selective", "-f b[2-3]m")
    assert shell.run_line_magic("who_ls", "") == ["a", "b", "b1m", "b2s", "b4m", "c"]
    shell.run_line_magic("reset_selective", "-f b")
    assert shell.run_line_magic("who_ls", "") == ["a", "c"]


def test_reset_selective_asks_first(shell: Any) -> None:
    shell.run_cell("abc = 1")
    answer(shell, "n")
    shell.run_line_magic("reset_selective", "abc")
    assert shell.user_ns["abc"] == 1


def test_reset_selective_rejects_a_bad_regex(shell: Any) -> None:
    with pytest.raises(UsageError, match="invalid regular expression"):
        shell.run_line_magic("reset_selective", "-f (")


# -- %xdel --------------------------------------------------------------------------------


def test_xdel_removes_every_name_bound_to_the_object(shell: Any) -> None:
    shell.run_cell("data = [1, 2]\nalias = data\nother = [1, 2]")
    shell.run_line_magic("xdel", "data")
    assert "data" not in shell.user_ns and "alias" not in shell.user_ns
    assert shell.user_ns["other"] == [1, 2]


def test_xdel_removes_the_object_from_out(shell: Any) -> None:
    shell.run_cell("data = [1, 2]", store_history=True)
    shell.run_cell("data", store_history=True)
    shell.run_line_magic("xdel", "data")
    assert all(v is not None and v != [1, 2] for v in shell.user_ns["Out"].values())


def test_xdel_n_removes_only_the_name(shell: Any) -> None:
    shell.run_cell("data = [1]\nalias = data")
    shell.run_line_magic("xdel", "-n data")
    assert "data" not in shell.user_ns and shell.user_ns["alias"] == [1]


def test_xdel_of_an_unknown_name_says_so(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("xdel", "nothing_here")
    assert capsys.readouterr().out == "NameError: name 'nothing_here' is not defined\n"


def test_reset_at_end_of_input_means_no(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("a = 1")
    answer(shell)  # no answer: end of input
    shell.run_line_magic("reset", "")
    assert capsys.readouterr().out == "\nNothing done.\n"
    assert shell.user_ns["a"] == 1

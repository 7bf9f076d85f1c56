"""run_cell: numbering, the output cache, display of the last expression, errors, await."""

from __future__ import annotations

import textwrap

import pytest
from shellside import in_shell


def class_name(error: BaseException) -> str:
    """The name of the class of ``error``, also of one raised in a kernel.

    A kernel's exception of a class only the kernel has comes back as
    ``adapters.RemoteError``, whose ``remote_type`` names that class.
    """
    remote = getattr(error, "remote_type", "")
    return remote.rpartition(".")[2] if remote else type(error).__name__


def test_get_ipython_returns_the_current_shell(shell) -> None:
    assert shell.run_cell("ip = get_ipython()").success
    # in the shell's process: the current shell, the one whose namespace the cell ran in
    assert in_shell(shell, "ip is __import__('legacy_shell').get_ipython()")
    assert in_shell(shell, "ip.user_ns is globals()")


def test_result_records_success_value_and_count(shell) -> None:
    res = shell.run_cell("6 * 7", store_history=True)
    assert res.success
    assert res.result == 42
    assert res.execution_count == 1
    assert res.error_before_exec is None and res.error_in_exec is None
    assert shell.execution_count == 2


def test_last_expression_is_displayed_with_out_prompt(shell, capsys) -> None:
    shell.run_cell("x = 6*7\nx", store_history=True)
    assert capsys.readouterr().out == "Out[1]: 42\n"


def test_print_output_goes_to_stdout(shell, capsys) -> None:
    shell.run_cell("x = 6*7\nprint(x)", store_history=True)
    assert capsys.readouterr().out == "42\n"


def test_trailing_semicolon_suppresses_the_result(shell, capsys) -> None:
    res = shell.run_cell("1 + 1;  # comment", store_history=True)
    assert capsys.readouterr().out == ""
    assert res.success
    assert 1 not in shell.user_ns["Out"]


def test_in_out_and_underscore_variables(shell) -> None:
    for code in ("10", "20", "30", "40"):
        shell.run_cell(code, store_history=True)
    ns = shell.user_ns
    assert ns["In"][1:] == ["10", "20", "30", "40"]
    assert ns["Out"] == {1: 10, 2: 20, 3: 30, 4: 40}
    assert (ns["_"], ns["__"], ns["___"]) == (40, 30, 20)
    assert ns["_2"] == 20
    assert ns["_i2"] == "20"
    shell.run_cell("y = _1 + _4", store_history=True)
    assert ns["y"] == 50


def test_unstored_cells_do_not_advance_the_count(shell) -> None:
    shell.run_cell("a = 1")
    assert shell.execution_count == 1
    assert shell.user_ns["a"] == 1


def test_silent_runs_without_display_or_events(shell, capsys) -> None:
    seen = []
    shell.events.register("post_run_cell", seen.append)
    res = shell.run_cell("5", silent=True)
    assert res.success
    assert capsys.readouterr().out == ""
    assert seen == []


def test_syntax_error_is_an_error_before_exec_with_caret(shell, capsys) -> None:
    res = shell.run_cell("x = = 1", store_history=True)
    assert isinstance(res.error_before_exec, SyntaxError)
    out = capsys.readouterr().out
    assert "x = = 1" in out
    assert "^" in out
    assert "SyntaxError" in out
    assert not res.success


def test_runtime_error_is_shown_and_returned(shell, capsys) -> None:
    res = shell.run_cell("1/0", store_history=True)
    assert isinstance(res.error_in_exec, ZeroDivisionError)
    out = capsys.readouterr().out
    assert "ZeroDivisionError" in out
    with pytest.raises(ZeroDivisionError):
        res.raise_error()
    # the shell goes on
    assert shell.run_cell("2").result == 2


def test_keyboard_interrupt_in_a_cell_is_reported_and_survived(shell, capsys) -> None:
    res = shell.run_cell("raise KeyboardInterrupt", store_history=True)
    assert isinstance(res.error_in_exec, KeyboardInterrupt)
    assert "KeyboardInterrupt" in capsys.readouterr().out
    assert shell.run_cell("1").success


def test_system_exit_does_not_end_the_shell(shell, capsys) -> None:
    res = shell.run_cell("raise SystemExit(3)", store_history=True)
    assert isinstance(res.error_in_exec, SystemExit)
    assert "SystemExit: 3" in capsys.readouterr().out


def test_top_level_await(shell) -> None:
    res = shell.run_cell("import asyncio\nawait asyncio.sleep(0)\nawait asyncio.sleep(0, result=7)")
    assert res.success, res
    assert res.result == 7


def test_future_imports_persist_between_cells(shell) -> None:
    shell.run_cell("from __future__ import annotations")
    shell.run_cell("def f(x: Undefined) -> None: pass\nann = f.__annotations__")
    assert shell.user_ns["ann"]["x"] == "Undefined"


def test_only_the_last_expression_is_displayed(shell, capsys) -> None:
    shell.run_cell("1\n2\nif True:\n    3\n4", store_history=True)
    assert capsys.readouterr().out == "Out[1]: 4\n"


def test_none_is_not_displayed(shell, capsys) -> None:
    shell.run_cell("None", store_history=True)
    assert capsys.readouterr().out == ""


def test_multiline_repr_starts_on_its_own_line(shell, capsys) -> None:
    shell.run_cell("class R:\n    def __repr__(self): return 'a\\nb'\nR()", store_history=True)
    assert capsys.readouterr().out == "Out[1]: \na\nb\n"


# AST transformers are objects of the shell's process: defined and added there.
DOUBLER = textwrap.dedent(
    """
    import ast

    class Doubler(ast.NodeTransformer):
        def visit_Constant(self, node):
            if isinstance(node.value, int):
                return ast.copy_location(ast.Constant(node.value * 2), node)
            return node

    get_ipython().ast_transformers.append(Doubler())
    """
)

BROKEN = textwrap.dedent(
    """
    import ast

    class Broken(ast.NodeTransformer):
        def visit(self, node):
            raise ValueError("broken")

    get_ipython().ast_transformers.append(Broken())
    """
)


def test_ast_transformers_apply_to_each_cell(shell) -> None:
    shell.run_cell(DOUBLER).raise_error()
    assert len(shell.ast_transformers) == 1
    assert shell.run_cell("21").result == 42


def test_failing_ast_transformer_is_reported_and_removed(shell, capsys) -> None:
    shell.run_cell(BROKEN).raise_error()
    assert len(shell.ast_transformers) == 1
    assert shell.run_cell("1 + 1").result == 2
    assert "threw an error" in capsys.readouterr().err
    assert list(shell.ast_transformers) == []


def test_input_transformers_post_see_the_python_lines(shell) -> None:
    shell.input_transformers_post.append(lambda lines: [ln.replace("NINE", "9") for ln in lines])
    assert shell.run_cell("NINE * 2").result == 18


def test_shell_escape_and_capture(shell, capfd) -> None:
    shell.run_cell("!echo hi", store_history=True)
    assert "hi" in capfd.readouterr().out
    shell.run_cell("lines = !printf 'a\\nb\\n'")
    assert list(shell.user_ns["lines"]) == ["a", "b"]
    # an SList: its .n and .s are asked of it where it lives
    assert in_shell(shell, "lines.n") == "a\nb" and in_shell(shell, "lines.s") == "a b"


def test_shell_commands_expand_variables(shell, capfd) -> None:
    shell.run_cell("word = 'expanded'\n!echo $word {word.upper()}")
    assert "expanded EXPANDED" in capfd.readouterr().out


def test_exit_code_of_last_command(shell) -> None:
    shell.run_cell("!exit 3")
    assert shell.user_ns["_exit_code"] == 3


def test_exit_asks_the_frontend_to_leave(shell) -> None:
    shell.run_cell("exit")
    assert in_shell(shell, "get_ipython().exit_now")
    assert in_shell(shell, "get_ipython().output.exit_requested")


def test_history_input_stored_before_running(shell) -> None:
    shell.run_cell("seen = []\ndef probe():\n    seen.append(list(In))").raise_error()
    shell.run_cell("probe()", store_history=True)
    assert shell.user_ns["seen"][0][-1] == "probe()"


def test_an_exception_whose_str_raises_is_still_reported(shell, capsys) -> None:
    res = shell.run_cell(
        "class E(Exception):\n    def __str__(self):\n        raise ValueError('bad')\nraise E()",
        store_history=True,
    )
    assert class_name(res.error_in_exec) == "E"
    assert "E" in capsys.readouterr().out
    assert shell.run_cell("1 + 1").result == 2


def test_a_try_block_typed_line_by_line_runs_once_complete(shell) -> None:
    check = "get_ipython().input_transformer.check_complete('try:\\n    x = 1')[0]"
    assert in_shell(shell, check) == "incomplete"
    res = shell.run_cell("try:\n    x = 1\nexcept ValueError:\n    x = 2\n")
    assert res.success and shell.user_ns["x"] == 1

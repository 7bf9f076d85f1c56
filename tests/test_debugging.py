"""%xmode, %tb, %debug / %%debug and %pdb: the shell's error-handling magics.

The debugger reads its commands from the current ``sys.stdin`` of the shell's
process; tests feed it an ``io.StringIO`` of commands, as a user would type
them at ``ipdb>``.
"""

from __future__ import annotations

import sys

import pytest
from shellside import in_shell, run_quietly

FAILING_CELL = "def f(n):\n    x = n * 6\n    return x / 0\n"


#: The identity of the tracer of the shell's process (coverage's, when measured).
TRACER = "id(sys.gettrace())"


@pytest.fixture
def no_last_exception(shell, monkeypatch):
    """Forget the exception an earlier test left in ``sys.last_*`` of the shell's process.

    In-process they are restored afterwards; a kernel has no later use for them.
    """
    names = ("last_type", "last_value", "last_traceback", "last_exc")
    for name in names:
        monkeypatch.delattr(sys, name, raising=False)
    run_quietly(shell, f"import sys\nfor name in {names!r}:\n    vars(sys).pop(name, None)")


# -- %xmode ------------------------------------------------------------------------------
def test_xmode_without_argument_cycles_like_ipython(shell, capsys):
    seen = []
    for _ in range(4):
        shell.run_line_magic("xmode", "")
        seen.append(in_shell(shell, "get_ipython().traceback_formatter.mode"))
    assert seen == ["Verbose", "Minimal", "Plain", "Context"]
    assert capsys.readouterr().out.splitlines() == [
        "Exception reporting mode: Verbose",
        "Exception reporting mode: Minimal",
        "Exception reporting mode: Plain",
        "Exception reporting mode: Context",
    ]


def test_xmode_sets_the_mode_and_the_config(shell, capsys):
    shell.run_cell("%xmode plain", store_history=True)
    assert capsys.readouterr().out == "Exception reporting mode: Plain\n"
    assert in_shell(shell, "get_ipython().traceback_formatter.mode") == "Plain"
    assert shell.config["shell.xmode"] == "Plain"


def test_xmode_rejects_an_unknown_mode(shell, capsys):
    shell.run_cell("%xmode Fancy", store_history=True)
    out = capsys.readouterr().out
    assert out.startswith("UsageError: ") and "Plain, Context, Verbose, Minimal" in out
    assert in_shell(shell, "get_ipython().traceback_formatter.mode") == "Context"


# -- %tb ---------------------------------------------------------------------------------
def test_tb_prints_the_last_traceback_again(shell, capsys):
    shell.run_cell(FAILING_CELL + "f(1)", store_history=True)
    first = capsys.readouterr().out
    shell.run_cell("%tb", store_history=True)
    again = capsys.readouterr().out
    assert "Cell In[1], line 3, in f(n)" in again
    assert again == first


def test_tb_honours_xmode_or_a_mode_given_once(shell, capsys):
    shell.run_cell(FAILING_CELL + "f(1)", store_history=True)
    shell.run_line_magic("xmode", "Minimal")
    capsys.readouterr()
    shell.run_line_magic("tb", "")
    assert capsys.readouterr().out == "ZeroDivisionError: division by zero\n"
    shell.run_line_magic("tb", "Plain")
    assert capsys.readouterr().out.startswith(
        "Traceback (most recent call last):\n  Cell In[1], line 4"
    )
    assert in_shell(shell, "get_ipython().traceback_formatter.mode") == "Minimal"


def test_tb_without_a_traceback_says_so(shell, capsys, no_last_exception):
    shell.run_cell("%tb", store_history=True)
    assert capsys.readouterr().out == "UsageError: No traceback available to show.\n"


# -- %debug ------------------------------------------------------------------------------
def test_debug_without_a_traceback_says_so(shell, capsys, no_last_exception):
    shell.run_cell("%debug", store_history=True)
    assert capsys.readouterr().out == "No traceback has been produced, nothing to debug.\n"


def test_debug_starts_post_mortem_where_the_exception_was_raised(shell, capsys, feed_debugger):
    shell.run_cell(FAILING_CELL + "f(7)", store_history=True)
    capsys.readouterr()
    feed_debugger("p x\nq\n")
    tracer = in_shell(shell, TRACER)
    shell.run_cell("%debug", store_history=True)
    out = capsys.readouterr().out
    assert out.startswith("> <ipython-input-1-")
    assert "(3)f()\n-> return x / 0\n" in out
    assert "ipdb> 42\nipdb> " in out
    assert in_shell(shell, TRACER) == tracer  # a coverage tracer survives the debugger


def test_debug_lists_the_lines_of_the_cell(shell, capsys, feed_debugger):
    shell.run_cell(FAILING_CELL + "f(7)", store_history=True)
    capsys.readouterr()
    feed_debugger("l\np n\nup\n")  # Ctrl-D (end of input) leaves too
    shell.run_cell("%debug", store_history=True)
    out = capsys.readouterr().out
    assert "  2  \t    x = n * 6\n  3  ->\t    return x / 0\n" in out
    assert "-> f(7)" in out  # up: the cell that called f
    assert "ipdb> 7\n" in out


def test_debug_statement_runs_under_the_debugger(shell, capsys, feed_debugger):
    shell.run_cell("a = 20", store_history=True)
    feed_debugger("p a\nn\np b\nc\n")
    shell.run_cell("%debug b = a + 22", store_history=True)
    out = capsys.readouterr().out
    assert "-> b = a + 22" in out
    assert "ipdb> 20\n" in out and "ipdb> 42\n" in out
    assert shell.user_ns["b"] == 42


def test_debug_cell_runs_the_cell_under_the_debugger(shell, capsys, feed_debugger):
    feed_debugger("n\nn\np total\nc\n")
    shell.run_cell("%%debug\ntotal = 1\ntotal += 2\nother = 0\n", store_history=True)
    out = capsys.readouterr().out
    assert "-> total = 1" in out and "-> other = 0" in out
    assert "ipdb> 3\n" in out
    assert shell.user_ns["other"] == 0


def test_debug_with_a_breakpoint_runs_on_to_it(shell, capsys, feed_debugger, tmp_path):
    (tmp_path / "dbgmod.py").write_text("def g(a):\n    b = a * 2\n    return b + 1\n")
    run_quietly(shell, f"import sys\nsys.path.insert(0, {str(tmp_path)!r})")
    run_quietly(shell, "sys.modules.pop('dbgmod', None)")
    shell.run_cell("import dbgmod", store_history=True)
    feed_debugger("p b\nc\n")
    shell.run_cell(f"%debug -b {tmp_path / 'dbgmod.py'}:3 r = dbgmod.g(5)", store_history=True)
    out = capsys.readouterr().out
    assert "-> return b + 1" in out
    assert "ipdb> 10\n" in out
    assert shell.user_ns["r"] == 11


def test_debug_with_a_bad_breakpoint_is_a_usage_error(shell, capsys):
    shell.run_cell("%debug -b nowhere x = 1", store_history=True)
    assert capsys.readouterr().out.startswith("UsageError: Breakpoint must be FILE:LINE")


# -- %pdb --------------------------------------------------------------------------------
def test_pdb_switches_automatic_calling(shell, capsys):
    shell.run_line_magic("pdb", "on")
    assert in_shell(shell, "get_ipython().call_pdb") is True
    shell.run_line_magic("pdb", "0")
    assert in_shell(shell, "get_ipython().call_pdb") is False
    shell.run_line_magic("pdb", "")
    assert in_shell(shell, "get_ipython().call_pdb") is True
    shell.run_line_magic("pdb", "")
    assert in_shell(shell, "get_ipython().call_pdb") is False
    assert capsys.readouterr().out.splitlines() == [
        "Automatic pdb calling has been turned ON",
        "Automatic pdb calling has been turned OFF",
        "Automatic pdb calling has been turned ON",
        "Automatic pdb calling has been turned OFF",
    ]


def test_pdb_rejects_other_arguments(shell, capsys):
    shell.run_cell("%pdb maybe", store_history=True)
    assert capsys.readouterr().out.startswith("UsageError: %pdb takes on, off, 1 or 0")


def test_pdb_on_starts_the_debugger_after_a_failing_cell(shell, capsys, feed_debugger):
    shell.run_cell(FAILING_CELL, store_history=True)
    shell.run_line_magic("pdb", "1")
    capsys.readouterr()
    feed_debugger("p x\nq\n")
    shell.run_cell("f(2)", store_history=True)
    out = capsys.readouterr().out
    traceback_end = out.index("ZeroDivisionError: division by zero")
    assert out.index("ipdb> 12\n") > traceback_end


def test_pdb_off_leaves_failing_cells_alone(shell, capsys, feed_debugger):
    shell.run_line_magic("pdb", "off")
    feed_debugger("p 1\nq\n")
    shell.run_cell("1/0", store_history=True)
    assert "ipdb>" not in capsys.readouterr().out

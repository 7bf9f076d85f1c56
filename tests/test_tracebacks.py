"""Tracebacks: what a user sees when code fails, in each %xmode and colour scheme."""

from __future__ import annotations

import re
import sys
import zipfile
from types import TracebackType

import pytest

from legacy_shell.cells import register_cell
from legacy_shell.tracebacks import MODES, TracebackFormatter

COLORS = ("Neutral", "Linux", "LightBG", "NoColor")
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def raise_in_cell(source: str, number: int = 1, ns: dict | None = None) -> ExcInfo:
    """Run ``source`` as cell ``number`` and return its exception info."""
    filename = register_cell(number, source)
    try:
        exec(compile(source, filename, "exec"), {} if ns is None else ns)
    except BaseException as e:
        return type(e), e, e.__traceback__
    raise AssertionError("the cell did not raise")


def fmt(exc_info: ExcInfo, mode: str = "Context", colors: str = "NoColor", **kw) -> str:
    # tb_offset=1 leaves out raise_in_cell's own frame
    return TracebackFormatter(mode, colors, **kw).text(*exc_info, tb_offset=1)


FUNC_CELL = """\
def f(x):
    y = x + 1
    return y / 0

f(1)
"""


# -- the modes ---------------------------------------------------------------------------
def test_context_mode_shows_cell_frames_with_numbered_source_and_marker():
    text = fmt(raise_in_cell(FUNC_CELL, 4))
    lines = text.splitlines()
    assert lines[0] == "-" * 75
    assert lines[1] == "ZeroDivisionError" + " " * 25 + "Traceback (most recent call last)"
    assert "Cell In[4], line 5\n----> 5 f(1)\n" in text
    assert (
        "Cell In[4], line 3, in f(x)\n      1 def f(x):\n      2     y = x + 1\n----> 3     return y / 0\n"
        in text
    )
    assert lines[-1] == "ZeroDivisionError: division by zero"


def test_context_mode_shows_file_frames_as_path_line_and_call(tmp_path, monkeypatch):
    (tmp_path / "tbmod.py").write_text(
        "import os\n\n\ndef g(a, b=2):\n    c = a * b\n    return c / 0\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "tbmod", raising=False)
    text = fmt(raise_in_cell("import tbmod\ntbmod.g(3)\n"))
    assert f"File {tmp_path / 'tbmod.py'}:6, in g(a, b)\n      4 def g(a, b=2):\n" in text
    assert "----> 6     return c / 0" in text


def test_context_lines_are_limited_by_the_context_setting():
    source = (
        "".join(f"a{i} = {i}\n" for i in range(1, 10))
        + "1 / 0\n"
        + "".join(f"b{i} = {i}\n" for i in range(5))
    )
    text = fmt(raise_in_cell(source), context=3)
    assert "      9 a9 = 9\n---> 10 1 / 0\n     11 b0 = 0\n" in text
    assert "a8 = 8" not in text and "b1 = 1" not in text


def test_plain_mode_looks_like_pythons_traceback_with_cell_names():
    text = fmt(raise_in_cell(FUNC_CELL, 2), mode="Plain")
    assert text.splitlines() == [
        "Traceback (most recent call last):",
        "  Cell In[2], line 5",
        "    f(1)",
        "  Cell In[2], line 3, in f",
        "    return y / 0",
        "ZeroDivisionError: division by zero",
    ]


def test_verbose_mode_adds_argument_values_and_variables_of_the_failing_line():
    text = fmt(raise_in_cell(FUNC_CELL), mode="Verbose")
    assert "Cell In[1], line 3, in f(x=1)" in text
    assert "----> 3     return y / 0\n        y = 2\n" in text


def test_verbose_mode_truncates_long_values_and_survives_a_failing_repr():
    source = """\
class Bad:
    def __repr__(self):
        raise RuntimeError("no repr")

def h(obj, big):
    return obj + big

h(Bad(), "x" * 1000)
"""
    text = fmt(raise_in_cell(source), mode="Verbose")
    assert "in h(obj=<unprintable Bad object>, big='xxx" in text
    assert "        obj = <unprintable Bad object>" in text
    big_line = next(line for line in text.splitlines() if line.startswith("        big = "))
    assert "..." in big_line and len(big_line) < 250
    assert text.endswith("TypeError: unsupported operand type(s) for +: 'Bad' and 'str'")


def test_minimal_mode_is_only_the_last_line():
    assert fmt(raise_in_cell(FUNC_CELL), mode="Minimal") == "ZeroDivisionError: division by zero"


def test_mode_is_case_insensitive_and_validated():
    formatter = TracebackFormatter()
    assert formatter.mode == "Context"
    formatter.mode = "verbose"
    assert formatter.mode == "Verbose"
    with pytest.raises(ValueError, match="Plain, Context, Verbose, Minimal"):
        formatter.mode = "Fancy"
    with pytest.raises(ValueError, match="NoColor"):
        formatter.colors = "Rainbow"
    formatter.colors = "linux"
    assert formatter.colors == "Linux"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("colors", COLORS)
def test_every_mode_in_every_colour_scheme(mode, colors):
    text = fmt(raise_in_cell(FUNC_CELL), mode=mode, colors=colors)
    assert "division by zero" in text
    if colors == "NoColor":
        assert "\x1b" not in text
    else:
        assert "\x1b[" in text
    if mode != "Minimal":
        assert "Cell In[1]" in ANSI.sub("", text)


def test_colours_highlight_the_failing_expression():
    text = fmt(raise_in_cell("a = 1\nb = a + (a / 0)\n"), colors="Linux")
    assert "\x1b[30;43ma / 0\x1b[0m" in text


# -- chains, notes, groups ----------------------------------------------------------------
CHAIN_CELL = """\
try:
    {{}}["k"]
except KeyError as e:
    raise ValueError("bad"){suffix}
"""


@pytest.mark.parametrize(
    ("suffix", "message"),
    [
        (" from e", "The above exception was the direct cause of the following exception:"),
        ("", "During handling of the above exception, another exception occurred:"),
    ],
)
@pytest.mark.parametrize("mode", ["Plain", "Context", "Verbose"])
def test_chained_exceptions_are_shown_oldest_first(suffix, message, mode):
    text = fmt(raise_in_cell(CHAIN_CELL.format(suffix=suffix)), mode=mode)
    first, _, second = text.partition(message)
    assert "KeyError: 'k'" in first and "ValueError" not in first.replace("raise ValueError", "")
    assert second.rstrip().endswith("ValueError: bad")
    assert "line 4" in second


def test_suppressed_context_is_not_shown():
    text = fmt(raise_in_cell(CHAIN_CELL.format(suffix=" from None")))
    assert "KeyError: 'k'" not in text and "During handling" not in text
    assert text.endswith("ValueError: bad")


def test_a_cycle_in_the_chain_does_not_loop():
    a, b = ValueError("a"), TypeError("b")
    a.__context__, b.__context__ = b, a
    text = TracebackFormatter(colors="NoColor").text(ValueError, a, None)
    assert text.count("ValueError: a") == 1 and text.count("TypeError: b") == 1


def test_exception_notes_follow_the_exception_line():
    source = 'e = ValueError("x")\ne.add_note("first note")\ne.add_note("second note")\nraise e\n'
    for mode in ("Plain", "Context", "Minimal"):
        text = fmt(raise_in_cell(source), mode=mode)
        assert text.endswith("ValueError: x\nfirst note\nsecond note")


def test_exception_group_shows_each_sub_exception():
    source = 'raise ExceptionGroup("many", [ValueError("one"), TypeError("two")])\n'
    text = fmt(raise_in_cell(source))
    assert "ExceptionGroup: many (2 sub-exceptions)" in text
    assert "+---------------- 1 ----------------" in text
    assert "| ValueError: one" in text and "| TypeError: two" in text


def test_nested_groups_with_tracebacks_are_indented():
    source = """\
def fail():
    raise KeyError("deep")
try:
    fail()
except KeyError as k:
    raise ExceptionGroup("outer", [ExceptionGroup("inner", [k])])
"""
    text = fmt(raise_in_cell(source))
    assert "ExceptionGroup: inner (1 sub-exception)" in text
    assert "|     | KeyError: 'deep'" in text
    assert "|     | Cell In[1], line 2, in fail()" in text


# -- recursion ---------------------------------------------------------------------------
RECURSION_CELL = "def rec(n):\n    return rec(n + 1)\n\nrec(0)\n"


def test_context_mode_collapses_runaway_recursion():
    text = fmt(raise_in_cell(RECURSION_CELL))
    assert text.count("in rec(n)") == 2
    assert "[... skipping similar frames: rec at line 2 (" in text
    assert text.endswith("RecursionError: maximum recursion depth exceeded")
    assert len(text.splitlines()) < 40


def test_plain_mode_collapses_runaway_recursion():
    text = fmt(raise_in_cell(RECURSION_CELL), mode="Plain")
    assert "more times]" in text
    assert len(text.splitlines()) < 20


def test_mutual_recursion_is_collapsed_too():
    source = "def a(n):\n    return b(n)\ndef b(n):\n    return a(n)\na(0)\n"
    text = fmt(raise_in_cell(source))
    assert "skipping similar frames: a at line 2, b at line 4" in text
    assert len(text.splitlines()) < 60


# -- robustness --------------------------------------------------------------------------
def test_missing_source_shows_the_location_only():
    try:
        exec(compile("1 / 0", "/no/such/file.py", "exec"), {})
    except ZeroDivisionError as e:
        text = TracebackFormatter(colors="NoColor").text(type(e), e, e.__traceback__, tb_offset=1)
    assert "File /no/such/file.py:1\n" in text
    assert text.endswith("ZeroDivisionError: division by zero")


def test_source_of_a_module_imported_from_a_zip(tmp_path, monkeypatch):
    archive = tmp_path / "lib.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("zipmod.py", "def boom():\n    raise OSError('from zip')\n")
    monkeypatch.syspath_prepend(str(archive))
    monkeypatch.delitem(sys.modules, "zipmod", raising=False)
    text = fmt(raise_in_cell("import zipmod\nzipmod.boom()\n"))
    assert "----> 2     raise OSError('from zip')" in text
    assert text.endswith("OSError: from zip")


def test_no_traceback_and_odd_values_never_raise():
    formatter = TracebackFormatter(colors="NoColor")
    assert formatter.text(ValueError, ValueError("x"), None).endswith("ValueError: x")
    assert formatter.text(KeyError, None, None).endswith("KeyError")

    class BadStr(Exception):
        def __str__(self):
            raise RuntimeError("no str")

    assert "BadStr" in formatter.text(BadStr, BadStr(), None)
    assert formatter.text(None, None, None)  # something, not an exception


def test_tb_offset_skips_leading_frames():
    info = raise_in_cell(FUNC_CELL)
    formatter = TracebackFormatter(colors="NoColor")
    assert "line 5" in formatter.text(*info, tb_offset=1)
    skipped = formatter.text(*info, tb_offset=2)
    assert "line 5" not in skipped and "line 3, in f(x)" in skipped


def test_structured_traceback_is_a_list_of_strings():
    lines = TracebackFormatter(colors="NoColor").structured_traceback(
        *raise_in_cell(FUNC_CELL), tb_offset=1
    )
    assert isinstance(lines, list) and all(isinstance(line, str) for line in lines)
    assert lines[-1] == "ZeroDivisionError: division by zero"


# -- syntax errors -----------------------------------------------------------------------
def syntax_error(source: str, number: int = 1) -> SyntaxError:
    try:
        compile(source, register_cell(number, source), "exec")
    except SyntaxError as e:
        return e
    raise AssertionError("no syntax error")


def test_syntax_error_shows_the_line_and_a_caret():
    lines = TracebackFormatter(colors="NoColor").syntax_error(syntax_error("x = (1 +* 2)", 3))
    assert lines == [
        "  Cell In[3], line 1",
        "    x = (1 +* 2)",
        "            ^",
        "SyntaxError: invalid syntax",
    ]


def test_syntax_error_with_a_range_gets_several_carets():
    lines = TracebackFormatter(colors="NoColor").syntax_error(syntax_error("f(a for a in b, c)"))
    assert lines[1:3] == ["    f(a for a in b, c)", "      ^^^^^^^^^^^^"]
    assert lines[-1] == "SyntaxError: Generator expression must be parenthesized"


def test_indentation_and_tab_errors_show_their_line():
    lines = TracebackFormatter(colors="NoColor").syntax_error(syntax_error("if 1:\n  x\n     y"))
    assert lines == [
        "  Cell In[1], line 3",
        "    y",
        "    ^",
        "IndentationError: unexpected indent",
    ]
    lines = TracebackFormatter(colors="NoColor").syntax_error(syntax_error("if 1:\n\tx\n        y"))
    assert lines[0] == "  Cell In[1], line 3"
    assert lines[-1] == "TabError: inconsistent use of tabs and spaces in indentation"


def test_syntax_error_outside_a_cell_and_without_text():
    error = SyntaxError("bad thing", ("/tmp/x.py", 7, None, None))
    assert TracebackFormatter(colors="NoColor").syntax_error(error) == [
        "  File /tmp/x.py:7",
        "SyntaxError: bad thing",
    ]


def test_syntax_error_raised_by_an_import_shows_frames_and_the_caret(tmp_path, monkeypatch):
    (tmp_path / "broken_mod.py").write_text("x = = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    text = fmt(raise_in_cell("import broken_mod\n"))
    assert "----> 1 import broken_mod" in text
    assert (
        f"  File {tmp_path / 'broken_mod.py'}:1\n    x = = 1\n        ^\nSyntaxError: invalid syntax"
        in text
    )


# -- through the shell -------------------------------------------------------------------
def test_a_failing_cell_shows_its_own_lines(shell, capsys):
    shell.run_cell("1/0", store_history=True)
    out = capsys.readouterr().out
    assert "Cell In[1], line 1" in out
    assert "----> 1 1/0" in out
    assert "ZeroDivisionError: division by zero" in out
    assert "execution.py" not in out and "shell.py" not in out  # the shell's own frames stay hidden
    assert "\x1b" not in out


def test_a_function_from_an_earlier_cell_is_shown_with_that_cells_name(shell, capsys):
    shell.run_cell(FUNC_CELL.replace("f(1)\n", ""), store_history=True)
    shell.run_cell("f(2)", store_history=True)
    out = capsys.readouterr().out
    assert "Cell In[2], line 1\n----> 1 f(2)" in out
    assert "Cell In[1], line 3, in f(x)" in out


def test_a_syntax_error_in_a_cell_shows_the_line_and_a_caret(shell, capsys):
    result = shell.run_cell("a = (1 +* 2)", store_history=True)
    assert isinstance(result.error_before_exec, SyntaxError)
    out = capsys.readouterr().out
    assert (
        "  Cell In[1], line 1\n    a = (1 +* 2)\n            ^\nSyntaxError: invalid syntax" in out
    )


def test_the_shells_formatter_follows_xmode(shell, capsys):
    shell.run_line_magic("xmode", "Plain")
    shell.run_cell("def f(x):\n    y = 3\n    return x / 0\nf(1)", store_history=True)
    out = capsys.readouterr().out
    assert "Traceback (most recent call last):\n  Cell In[1], line 4\n    f(1)" in out
    shell.run_line_magic("xmode", "Minimal")
    shell.run_cell("f(1)", store_history=True)
    assert capsys.readouterr().out.splitlines() == [
        "Exception reporting mode: Minimal",
        "ZeroDivisionError: division by zero",
    ]


def test_verbose_through_the_shell_shows_values(shell, capsys):
    shell.run_line_magic("xmode", "Verbose")
    shell.run_cell("def f(x):\n    y = [x] * 2\n    return y[5]\nf(7)", store_history=True)
    out = capsys.readouterr().out
    assert "in f(x=7)" in out and "        y = [7, 7]" in out
    assert out.rstrip().endswith("IndexError: list index out of range")


def test_verbose_mode_keeps_huge_containers_short():
    source = "def k(items):\n    return items[10**8]\n\nk(list(range(10**6)))\n"
    text = fmt(raise_in_cell(source), mode="Verbose")
    assert "items = [0, 1, 2, 3, 4, 5, ...]" in text

"""%load, %save, %edit: code between the session, files and the editor."""

from __future__ import annotations

import stat
import textwrap
from pathlib import Path
from typing import Any

import pytest
from shellside import in_shell, setenv

from legacy_shell.errors import UsageError
from legacy_shell.magics.code import extract_code_ranges, extract_symbols, strip_initial_indent

SOURCE = """\
import math

def area(r):
    return math.pi * r ** 2

class Shape:
    sides = 0

def perimeter(r):
    return 2 * math.pi * r
"""


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def shell(here: Path, shell: Any) -> Any:
    """The suite's fresh shell, started in ``here``: relative file names mean the same to both."""
    return shell


def next_input(shell: Any) -> str | None:
    """What the shell asked the frontend to pre-fill (its terminal output keeps it)."""
    text: str | None = in_shell(shell, "get_ipython().output.next_input")
    return text


# -- helpers ------------------------------------------------------------------------------


def test_extract_code_ranges() -> None:
    assert list(extract_code_ranges("5-10 2")) == [(4, 10), (1, 2)]
    assert list(extract_code_ranges("3:5 -2 7-")) == [(2, 4), (None, 2), (6, None)]


def test_extract_symbols_finds_functions_and_classes() -> None:
    blocks, missing = extract_symbols(SOURCE, "Shape,area,nope")
    assert blocks == [
        "class Shape:\n    sides = 0\n",
        "def area(r):\n    return math.pi * r ** 2\n",
    ]
    assert missing == ["nope"]


def test_extract_symbols_keeps_decorators() -> None:
    blocks, _ = extract_symbols("@dec\ndef f():\n    pass\n", "f")
    assert blocks == ["@dec\ndef f():\n    pass\n"]


def test_strip_initial_indent_stops_at_the_first_dedent() -> None:
    lines = ["    a = 1", "", "    b = 2", "c = 3", "    d = 4"]
    assert list(strip_initial_indent(lines)) == ["a = 1", "", "b = 2", "c = 3", "    d = 4"]


# -- %load --------------------------------------------------------------------------------


def test_load_a_file_fills_the_next_input(shell: Any, here: Path) -> None:
    (here / "geo.py").write_text(SOURCE)
    assert shell.run_line_magic("load", "geo.py") is None
    assert next_input(shell) == "# %load geo.py\n" + SOURCE


def test_load_finds_a_file_without_its_py_suffix(shell: Any, here: Path) -> None:
    (here / "geo.py").write_text(SOURCE)
    shell.run_line_magic("load", "geo")
    assert next_input(shell) == "# %load geo\n" + SOURCE


def test_load_selected_lines(shell: Any, here: Path) -> None:
    (here / "geo.py").write_text(SOURCE)
    shell.run_line_magic("load", "-r 3-4 geo.py")
    assert next_input(shell) == "# %load -r 3-4 geo.py\ndef area(r):\n    return math.pi * r ** 2"


def test_load_indented_lines_are_dedented(shell: Any, here: Path) -> None:
    (here / "geo.py").write_text(SOURCE)
    shell.run_line_magic("load", "-r 4 geo.py")
    assert next_input(shell) == "# %load -r 4 geo.py\nreturn math.pi * r ** 2"


def test_load_selected_symbols(shell: Any, here: Path) -> None:
    (here / "geo.py").write_text(SOURCE)
    shell.run_line_magic("load", "-s perimeter,Shape geo.py")
    assert next_input(shell) == (
        "# %load -s perimeter,Shape geo.py\n"
        "def perimeter(r):\n    return 2 * math.pi * r\n\n"
        "class Shape:\n    sides = 0\n"
    )


def test_load_a_history_range(shell: Any) -> None:
    shell.run_cell("x = 1", store_history=True)
    shell.run_cell("y = 2", store_history=True)
    shell.run_cell("z = 3", store_history=True)
    shell.run_line_magic("load", "1-2")
    assert next_input(shell) == "# %load 1-2\nx = 1\ny = 2"


def test_load_a_string_variable_or_an_objects_source(shell: Any, here: Path) -> None:
    shell.push({"snippet": "print('from a string')"})
    shell.run_line_magic("load", "snippet")
    assert next_input(shell) == "# %load snippet\nprint('from a string')"
    (here / "geomod.py").write_text(SOURCE)
    shell.run_cell(f"import sys; sys.path.insert(0, {str(here)!r}); import geomod")
    shell.run_line_magic("load", "geomod.area")
    assert next_input(shell) == "# %load geomod.area\ndef area(r):\n    return math.pi * r ** 2\n"


def test_load_of_a_url_is_refused_clearly(shell: Any) -> None:
    with pytest.raises(UsageError, match="URL is not supported"):
        shell.run_line_magic("load", "https://example.com/x.py")


def test_load_of_nothing_known(shell: Any, here: Path) -> None:
    with pytest.raises(UsageError, match="'missing_thing' was not found"):
        shell.run_line_magic("load", "missing_thing")
    (here / "adir").mkdir()
    with pytest.raises(UsageError, match="is a directory"):
        shell.run_line_magic("load", "adir")


def test_load_through_run_cell_uses_the_terminal_payload(shell: Any, here: Path) -> None:
    (here / "one.py").write_text("answer = 42\n")
    assert shell.run_cell("%load one.py").success
    assert next_input(shell) == "# %load one.py\nanswer = 42\n"


# -- %save --------------------------------------------------------------------------------


def test_save_a_history_range(shell: Any, here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("a = 1", store_history=True)
    shell.run_cell("b = a + 1", store_history=True)
    shell.run_cell("print(b)", store_history=True)
    capsys.readouterr()
    shell.run_line_magic("save", "out 1-2")
    assert (here / "out.py").read_text() == "# coding: utf-8\na = 1\nb = a + 1\n"
    assert capsys.readouterr().out == (
        "The following commands were written to file `out.py`:\na = 1\nb = a + 1\n"
    )


def test_save_raw_keeps_magics_and_uses_ipy(shell: Any, here: Path) -> None:
    shell.run_cell("%pwd", store_history=True)
    shell.run_line_magic("save", "-r session 1")
    assert (here / "session.ipy").read_text() == "# coding: utf-8\n%pwd\n"


def test_save_asks_before_overwriting(
    shell: Any, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / "keep.py").write_text("precious\n")
    shell.run_cell("a = 1", store_history=True)
    # The question is asked with input() in the shell's process (the fixture puts builtins back).
    shell.run_cell(
        textwrap.dedent(
            """\
            import builtins
            prompts = []

            def say_no(prompt=""):
                prompts.append(prompt)
                return "n"

            builtins.input = say_no
            """
        )
    )
    capsys.readouterr()
    shell.run_line_magic("save", "keep.py 1")
    assert shell.user_ns["prompts"] == ["File `keep.py` exists. Overwrite (y/[N])?  "]
    assert capsys.readouterr().out == "Operation cancelled.\n"
    assert (here / "keep.py").read_text() == "precious\n"
    shell.run_line_magic("save", "-f keep.py 1")
    assert (here / "keep.py").read_text() == "# coding: utf-8\na = 1\n"


def test_save_appends(shell: Any, here: Path) -> None:
    shell.run_cell("a = 1", store_history=True)
    shell.run_cell("b = 2", store_history=True)
    shell.run_line_magic("save", "both.py 1")
    shell.run_line_magic("save", "-a both.py 2")
    assert (here / "both.py").read_text() == "# coding: utf-8\na = 1\nb = 2\n"


def test_save_an_objects_source(shell: Any, here: Path) -> None:
    shell.run_cell("def double(x):\n    return 2 * x\n", store_history=True)
    shell.run_line_magic("save", "fn.py double")
    assert (here / "fn.py").read_text() == "# coding: utf-8\ndef double(x):\n    return 2 * x\n"


def test_save_needs_a_filename(shell: Any) -> None:
    with pytest.raises(UsageError, match="Missing filename"):
        shell.run_line_magic("save", "")


# -- %edit --------------------------------------------------------------------------------


def write_editor(path: Path, line: str, status: int = 0) -> Path:
    """A non-interactive "editor": appends ``line`` to the file it is given (its last argument)."""
    path.write_text(
        f'#!/bin/sh\nfor f; do :; done\necho "$@" >> {path}.args\n'
        f"printf '%s\\n' '{line}' >> \"$f\"\nexit {status}\n"
    )
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def editor(shell: Any, here: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shell's $EDITOR (no $VISUAL to take precedence): appends ``print("edited")``."""
    script = write_editor(here / "editor.sh", 'print("edited")')
    setenv(shell, monkeypatch, "VISUAL", None)
    setenv(shell, monkeypatch, "EDITOR", str(script))
    return script


def test_edit_empty_opens_a_temp_file_and_runs_it(
    shell: Any, editor: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    text = shell.run_line_magic("edit", "")
    out = capfd.readouterr().out
    assert out.startswith("legacy-shell will make a temporary file named: ")
    assert out.endswith("Editing... done. Executing edited code...\nedited\n")
    assert text == 'print("edited")\n'


def test_edit_x_does_not_run(shell: Any, editor: Path, capfd: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("edit", "-x")
    out = capfd.readouterr().out
    assert out.endswith("Editing... \n")
    assert "edited" not in out.splitlines()[-1]


def test_edit_a_file_edits_it_in_place_and_runs_it(
    shell: Any, here: Path, editor: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    target = here / "prog.py"
    target.write_text("value = 41\n")
    assert shell.run_line_magic("edit", "prog.py") is None
    assert target.read_text() == 'value = 41\nprint("edited")\n'
    assert shell.user_ns["value"] == 41
    assert capfd.readouterr().out == "Editing... done. Executing edited code...\nedited\n"
    assert "__file__" not in shell.user_ns


def test_edit_a_history_range(shell: Any, editor: Path, capfd: pytest.CaptureFixture[str]) -> None:
    shell.run_cell("base = 40", store_history=True)
    shell.run_cell("total = base + 2", store_history=True)
    shell.run_cell("total = 0")
    text = shell.run_line_magic("edit", "1-2")
    assert text == 'base = 40\ntotal = base + 2\nprint("edited")\n'
    assert shell.user_ns["total"] == 42


def test_edit_a_function_opens_its_file_at_its_line(
    shell: Any, here: Path, editor: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    (here / "mod.py").write_text("\n\ndef f():\n    return 1\n")
    shell.run_cell(f"import sys; sys.path.insert(0, {str(here)!r}); from mod import f")
    shell.run_line_magic("edit", "-x f")
    assert (here / "editor.sh.args").read_text().split()[0] == "+3"
    assert (here / "mod.py").read_text().endswith('print("edited")\n')


def test_edit_n_opens_at_a_line(shell: Any, here: Path, editor: Path) -> None:
    (here / "x.py").write_text("")
    shell.run_line_magic("edit", "-x -n 7 x.py")
    assert (here / "editor.sh.args").read_text().split() == ["+7", str(here / "x.py")]


def test_editor_from_config_wins(
    shell: Any, here: Path, editor: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    other = write_editor(here / "other.sh", 'print("other")')
    shell.config.set("shell.editor", str(other))
    shell.run_line_magic("edit", "")
    assert capfd.readouterr().out.endswith("other\n")


def test_a_failing_editor_is_reported(
    shell: Any, here: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    setenv(shell, monkeypatch, "VISUAL", None)
    setenv(shell, monkeypatch, "EDITOR", str(write_editor(here / "bad.sh", "x = 1", status=1)))
    assert shell.run_line_magic("edit", "") is None
    assert "Could not open editor" in capfd.readouterr().err


def test_edit_p_reopens_the_previous_target(shell: Any, here: Path, editor: Path) -> None:
    (here / "again.py").write_text("")
    shell.run_line_magic("edit", "-x again.py")
    shell.run_line_magic("edit", "-x -p")
    assert (here / "again.py").read_text() == 'print("edited")\n' * 2


def test_edit_of_an_unknown_name(
    shell: Any, editor: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert shell.run_line_magic("edit", "no_such_name") is None
    assert "can't be found as a variable or as a filename" in capfd.readouterr().out


def test_edit_a_string_variable(
    shell: Any, editor: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    shell.push({"code": "x = 1"})
    assert shell.run_line_magic("edit", "code") == 'x = 1\nprint("edited")\n'
    assert shell.user_ns["x"] == 1


def test_edit_a_function_defined_in_a_cell_edits_that_cell(
    shell: Any, editor: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    shell.run_cell("def g():\n    return 1", store_history=True)
    text = shell.run_line_magic("edit", "g")
    assert "Editing In[1]" in capfd.readouterr().out
    assert text == 'def g():\n    return 1\nprint("edited")\n'


def test_load_reports_missing_symbols(
    shell: Any, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / "geo.py").write_text(SOURCE)
    shell.run_line_magic("load", "-s area,nope geo.py")
    assert "`nope`" in capsys.readouterr().err
    assert next_input(shell) == "# %load -s area,nope geo.py\n" + SOURCE.split("\n\n")[1] + "\n"

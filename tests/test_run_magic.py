"""``%run``: a script runs as a program inside the shell, then its names are the user's."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from shellside import in_shell, run_quietly

from legacy_shell.errors import UsageError
from legacy_shell.magics._run_args import parse_run_line, split_args


def write(path: Path, source: str) -> Path:
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


# --- the command line, without a shell ----------------------------------------------------


def test_arguments_split_like_a_shell_and_remember_quoting() -> None:
    assert split_args("""a 'b c' "d\\"e" f\\ g""") == [
        ("a", False),
        ("b c", True),
        ('d"e', True),
        ("f g", True),
    ]


def test_unquoted_arguments_are_glob_expanded(tmp_path: Path) -> None:
    script = write(tmp_path / "s.py", "")
    (tmp_path / "one.txt").touch()
    (tmp_path / "two.txt").touch()
    request = parse_run_line(f"{script} {tmp_path}/*.txt '{tmp_path}/*.txt' nomatch*")
    assert request.args == [
        str(tmp_path / "one.txt"),
        str(tmp_path / "two.txt"),
        f"{tmp_path}/*.txt",
        "nomatch*",
    ]
    assert parse_run_line(f"-G {script} {tmp_path}/*.txt").args == [f"{tmp_path}/*.txt"]


def test_options_after_the_module_name_belong_to_the_module() -> None:
    request = parse_run_line("-m json.tool -x --indent 2")
    assert request.module == "json.tool"
    assert request.args == ["-x", "--indent", "2"]


# --- running scripts -------------------------------------------------------------------------


def test_run_sets_argv_and_runs_as_main(shell, capsys, tmp_path: Path) -> None:
    script = write(
        tmp_path / "prog.py",
        """
        import sys
        print(sys.argv)
        if __name__ == "__main__":
            ran_as_main = True
        """,
    )
    saved_argv = in_shell(shell, "id(sys.argv)")
    shell.run_cell(f"%run {script} a 'b c'")
    assert capsys.readouterr().out == f"{[str(script), 'a', 'b c']}\n"
    assert shell.user_ns["ran_as_main"] is True
    assert in_shell(shell, "id(sys.argv)") == saved_argv  # the same list, given back


def test_run_leaves_the_script_names_in_the_user_namespace(shell, tmp_path: Path) -> None:
    script = write(
        tmp_path / "defs.py",
        """
        def twice():
            return CONST * 2
        CONST = 21
        """,
    )
    shell.run_line_magic("run", str(script))
    assert shell.run_cell("twice()").result == 42
    assert "__file__" not in shell.user_ns
    assert shell.user_ns["__name__"] == "__main__"


def test_run_adds_py_to_a_name_without_extension(shell, tmp_path: Path) -> None:
    write(tmp_path / "noext.py", "found = True\n")
    shell.run_line_magic("run", str(tmp_path / "noext"))
    assert shell.user_ns["found"] is True


def test_run_gives_the_script_a_fresh_namespace(shell, tmp_path: Path) -> None:
    shell.push({"secret": 41})
    script = write(tmp_path / "fresh.py", "saw_secret = 'secret' in globals()\n")
    shell.run_line_magic("run", str(script))
    assert shell.user_ns["saw_secret"] is False


def test_run_i_runs_in_the_user_namespace(shell, tmp_path: Path) -> None:
    shell.push({"secret": 41})
    script = write(tmp_path / "inter.py", "answer = secret + 1\n")
    shell.run_line_magic("run", f"-i {script}")
    assert shell.user_ns["answer"] == 42


def test_run_n_does_not_run_the_main_block(shell, tmp_path: Path) -> None:
    script = write(
        tmp_path / "lib.py",
        """
        seen_name = __name__
        if __name__ == "__main__":
            main_ran = True
        """,
    )
    shell.run_line_magic("run", f"-n {script}")
    assert shell.user_ns["seen_name"] == "lib"
    assert "main_ran" not in shell.user_ns


def test_the_script_directory_comes_first_on_sys_path_during_the_run(shell, tmp_path: Path) -> None:
    write(tmp_path / "helper_mod_for_run.py", "VALUE = 7\n")
    script = write(
        tmp_path / "uses_helper.py",
        "import sys, helper_mod_for_run\nfirst = sys.path[0]\nvalue = helper_mod_for_run.VALUE\n",
    )
    try:
        shell.run_line_magic("run", str(script))
    finally:
        run_quietly(shell, "import sys\nsys.modules.pop('helper_mod_for_run', None)")
    assert shell.user_ns["first"] == str(tmp_path.resolve())
    assert shell.user_ns["value"] == 7
    assert str(tmp_path.resolve()) not in in_shell(shell, "sys.path")


def test_system_exit_with_an_error_code_is_reported_in_one_line(
    shell, capsys, tmp_path: Path
) -> None:
    script = write(tmp_path / "bye.py", "import sys\nbefore = 1\nsys.exit(3)\nafter = 2\n")
    result = shell.run_cell(f"%run {script}")
    out = capsys.readouterr().out
    assert "SystemExit: 3" in out
    assert "Traceback" not in out
    assert shell.user_ns["before"] == 1 and "after" not in shell.user_ns
    assert result.success
    assert shell.run_cell("1 + 1").result == 2  # the shell goes on


def test_system_exit_zero_and_e_are_quiet(shell, capsys, tmp_path: Path) -> None:
    zero = write(tmp_path / "zero.py", "raise SystemExit(0)\n")
    three = write(tmp_path / "three.py", "raise SystemExit(3)\n")
    shell.run_line_magic("run", str(zero))
    shell.run_line_magic("run", f"-e {three}")
    assert capsys.readouterr().out == ""


def test_an_exception_shows_a_traceback_in_the_script(shell, capsys, tmp_path: Path) -> None:
    script = write(tmp_path / "boom.py", "x = 1\nraise ValueError('boom')\n")
    shell.run_cell(f"%run {script}")
    out = capsys.readouterr().out
    assert "ValueError" in out and "boom" in out
    assert str(script.resolve()) in out
    assert "_run.py" not in out and "execution.py" not in out
    assert shell.user_ns["x"] == 1


def test_a_syntax_error_in_the_script_is_shown(shell, capsys, tmp_path: Path) -> None:
    script = write(tmp_path / "bad.py", "x = (1,\n")
    shell.run_cell(f"%run {script}")
    assert "SyntaxError" in capsys.readouterr().out


def test_a_missing_file_is_a_one_line_usage_error(shell, capsys, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"File `'nope_missing\.py'` not found\."):
        shell.run_line_magic("run", "nope_missing.py")
    shell.run_cell("%run nope_missing.py")
    captured = capsys.readouterr()
    assert "UsageError: File `'nope_missing.py'` not found." in captured.out + captured.err
    assert "Traceback" not in captured.out + captured.err


def test_run_without_a_file_is_a_usage_error(shell) -> None:
    with pytest.raises(UsageError, match="filename"):
        shell.run_line_magic("run", "")


def test_run_t_prints_timings(shell, capsys, tmp_path: Path) -> None:
    script = write(tmp_path / "timed.py", "total = sum(range(10))\n")
    shell.run_line_magic("run", f"-t -N2 {script}")
    out = capsys.readouterr().out
    assert "IPython CPU timings (estimated):" in out
    assert "Total runs performed: 2" in out
    assert "Wall time:" in out
    assert shell.user_ns["total"] == 45


def test_run_p_profiles_the_script(shell, capsys, tmp_path: Path) -> None:
    script = write(tmp_path / "prof.py", "profiled_total = sum(range(10))\n")
    shell.run_line_magic("run", f"-p {script}")
    assert "function calls" in capsys.readouterr().out
    assert shell.user_ns["profiled_total"] == 45


def test_run_p_takes_the_profiler_options(shell, capsys, tmp_path: Path) -> None:
    script = write(tmp_path / "prof_q.py", "x = sum(range(10))\n")
    report = tmp_path / "report.txt"
    shell.run_line_magic("run", f"-p -q -s cumulative -T {report} {script}")
    assert "Ordered by: cumulative time" in report.read_text()
    assert "function calls" not in capsys.readouterr().out


def test_run_m_runs_a_module_as_main(shell, capsys, tmp_path: Path) -> None:
    write(
        tmp_path / "runnable_mod_for_run.py",
        """
        import sys
        if __name__ == "__main__":
            module_args = sys.argv[1:]
        """,
    )
    # on sys.path of the shell's process (the shell fixture restores it)
    run_quietly(shell, f"import sys\nsys.path.insert(0, {str(tmp_path)!r})")
    shell.run_line_magic("run", "-m runnable_mod_for_run -x 1")
    assert shell.user_ns["module_args"] == ["-x", "1"]


def test_run_m_of_an_unknown_module_is_a_usage_error(shell) -> None:
    with pytest.raises(UsageError, match="not a valid modulename"):
        shell.run_line_magic("run", "-m no_such_module_here_at_all")


def test_an_ipy_file_is_run_as_shell_input(shell, capsys, tmp_path: Path) -> None:
    script = write(tmp_path / "cells.ipy", "%time ipy_value = 5\n")
    shell.run_line_magic("run", str(script))
    assert shell.user_ns["ipy_value"] == 5
    assert "Wall time:" in capsys.readouterr().out


def test_run_d_runs_the_script_under_the_debugger(
    shell, capsys, feed_debugger, tmp_path: Path
) -> None:
    script = write(tmp_path / "debugged.py", "first = 1\nsecond = first + 1\n")
    feed_debugger("next\np first\ncontinue\n")
    shell.run_line_magic("run", f"-d {script}")
    out = capsys.readouterr().out
    assert "debugged.py" in out
    assert re.search(r"> 1\n", out)  # `p first` after one step, at the debugger's prompt
    assert shell.user_ns["second"] == 2


def test_run_d_b_stops_at_the_breakpoint(shell, capsys, feed_debugger, tmp_path: Path) -> None:
    script = write(tmp_path / "broken_at.py", "a = 1\nb = 2\nc = a + b\n")
    feed_debugger("continue\np a, b\ncontinue\n")
    shell.run_line_magic("run", f"-d -b3 {script}")
    out = capsys.readouterr().out
    assert "NOTE: Enter 'c' at the ipdb> prompt to continue execution." in out
    assert "(1, 2)" in out
    assert shell.user_ns["c"] == 3

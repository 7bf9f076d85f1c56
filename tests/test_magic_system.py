"""The magic system: registering magics the ways real extensions do, and running them."""

from __future__ import annotations

import pytest

from legacy_shell import (
    Magics,
    cell_magic,
    line_cell_magic,
    line_magic,
    magics_class,
    needs_local_scope,
    register_cell_magic,
    register_line_magic,
)
from legacy_shell.errors import UsageError


@magics_class
class Greeter(Magics):
    @line_magic
    def hello(self, line):
        return f"hello {line}"

    @line_magic("bye")
    def goodbye(self, line):
        return f"bye {line}"

    @cell_magic
    def shout(self, line, cell):
        return cell.upper() + line

    @line_cell_magic
    def both(self, line, cell=None):
        return ("cell", line, cell) if cell is not None else ("line", line)


def test_register_magics_class_line_cell_and_named(shell) -> None:
    shell.register_magics(Greeter)
    assert shell.run_line_magic("hello", "world") == "hello world"
    assert shell.run_line_magic("bye", "now") == "bye now"
    assert shell.run_cell_magic("shout", "!", "abc") == "ABC!"
    assert shell.run_cell("%both x").result == ("line", "x")
    assert shell.run_cell("%%both y\nbody").result == ("cell", "y", "body\n")
    assert isinstance(shell.magics_manager.registry["Greeter"], Greeter)
    assert shell.magics_manager.registry["Greeter"].shell is shell


def test_magics_class_must_be_decorated(shell) -> None:
    class NotDecorated(Magics):
        pass

    with pytest.raises(ValueError, match="magics_class"):
        shell.register_magics(NotDecorated)


def test_register_magic_function_line_and_cell(shell) -> None:
    shell.register_magic_function(lambda line: line[::-1], "line", "rev")
    shell.register_magic_function(lambda line, cell: cell * 2, "cell", "twice")
    assert shell.run_cell("%rev abc").result == "cba"
    assert shell.run_cell("%%twice\nab").result == "ab\nab\n"


def test_register_line_and_cell_magic_decorators_use_the_current_shell(shell) -> None:
    @register_line_magic
    def upper(line):
        return line.upper()

    @register_cell_magic("lines")
    def count_lines(line, cell):
        return len(cell.splitlines())

    assert shell.run_line_magic("upper", "a") == "A"
    assert shell.run_cell_magic("lines", "", "a\nb\nc") == 3


def test_needs_local_scope_gets_the_callers_locals(shell) -> None:
    @needs_local_scope
    def peek(line, local_ns=None):
        return local_ns[line]

    shell.register_magic_function(peek)
    shell.run_cell(
        "def f():\n    secret = 41\n    found = %peek secret\n    return found\nvalue = f() + 1"
    )
    assert shell.user_ns["value"] == 42


def test_magic_result_is_displayed_and_assignable(shell, capsys) -> None:
    shell.register_magics(Greeter)
    shell.run_cell("%hello you", store_history=True)
    assert capsys.readouterr().out == "Out[1]: 'hello you'\n"
    shell.run_cell("x = %hello me")
    assert shell.user_ns["x"] == "hello me"


def test_unknown_magic_is_a_one_line_usage_error(shell, capsys) -> None:
    res = shell.run_cell("%foo", store_history=True)
    assert isinstance(res.error_in_exec, UsageError)
    assert capsys.readouterr().out == "UsageError: Line magic function `%foo` not found.\n"
    res = shell.run_cell("%%foo\nbody")
    assert "Cell magic `%%foo` not found." in capsys.readouterr().out


def test_automagic_calls_magics_without_percent_unless_shadowed(shell) -> None:
    shell.register_magics(Greeter)
    assert shell.run_cell("hello there").result == "hello there"
    shell.run_cell("hello = 'a variable'")
    assert shell.run_cell("hello").result == "a variable"
    shell.run_line_magic("automagic", "off")
    shell.run_cell("del hello")
    res = shell.run_cell("hello there")
    assert isinstance(res.error_before_exec, SyntaxError)


def test_magic_args_expand_variables_but_code_magics_do_not(shell) -> None:
    shell.register_magics(Greeter)
    shell.run_cell("name = 'Ada'")
    assert shell.run_cell("%hello $name").result == "hello Ada"
    assert shell.run_cell("%hello {name.lower()}").result == "hello ada"
    assert shell.run_cell("%hello {undefined_name}").result == "hello {undefined_name}"


def test_parse_options_getopt_style(shell) -> None:
    m = Greeter(shell)
    opts, args = m.parse_options("-n 3 -v file.py a b", "n:v")
    assert opts.n == "3" and "v" in opts
    assert args == "file.py a b"
    opts, args = m.parse_options("-n 1 a b", "n:", mode="list")
    assert args == ["a", "b"]
    with pytest.raises(UsageError):
        m.parse_options("-x", "n:")


def test_lsmagic_lists_line_and_cell_magics(shell, capsys) -> None:
    shell.run_line_magic("lsmagic", "")
    out = capsys.readouterr().out
    assert "Available line magics:" in out and "%lsmagic" in out
    assert "Available cell magics:" in out


def test_builtin_magic_set_is_complete(shell) -> None:
    line = set(shell.magics_manager.magics["line"])
    cell = set(shell.magics_manager.magics["cell"])
    assert {
        "time",
        "timeit",
        "who",
        "whos",
        "who_ls",
        "reset",
        "run",
        "load_ext",
        "unload_ext",
        "reload_ext",
        "history",
        "pwd",
        "cd",
        "dhist",
        "env",
        "lsmagic",
        "magic",
        "load",
        "save",
        "xmode",
        "precision",
        "automagic",
        "config",
        "alias",
        "debug",
        "pdb",
        "recall",
        "rerun",
        "prun",
        "pip",
        "edit",
    } <= line
    assert {
        "time",
        "timeit",
        "writefile",
        "capture",
        "bash",
        "sh",
        "script",
        "html",
        "markdown",
    } <= cell


def test_config_magic_shows_and_sets(shell, capsys) -> None:
    shell.run_line_magic("config", "InteractiveShell.automagic = False")
    assert shell.config["shell.automagic"] is False
    assert shell.magics_manager.auto_magic is False
    shell.run_line_magic("config", "shell.automagic")
    assert "shell.automagic = False" in capsys.readouterr().out
    res = shell.run_cell("%config shell.automagic = maybe")
    assert isinstance(res.error_in_exec, UsageError)
    assert "expected bool" in capsys.readouterr().out


def test_push_takes_a_dict_or_names_from_the_callers_frame(shell) -> None:
    shell.push({"a": 1})
    b, c = 2, 3
    shell.push("b c")
    d = 4
    shell.push(["d"])
    assert (b, c, d) == (2, 3, 4)
    assert [shell.user_ns[k] for k in "abcd"] == [1, 2, 3, 4]
    shell.push({"hidden": 5}, interactive=False)
    assert "hidden" in shell.user_ns_hidden
    with pytest.raises(NameError):
        shell.push("not_defined_anywhere")


def test_ev_ex_and_deprecated_magic(shell) -> None:
    shell.ex("z = 5")
    assert shell.ev("z * 2") == 10
    with pytest.warns(DeprecationWarning, match="run_line_magic"):
        assert shell.magic("pwd") == shell.run_line_magic("pwd", "")

"""The magic system: registering magics the ways real extensions do, and running them."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from shellside import in_shell

from legacy_shell import (
    Magics,
    cell_magic,
    line_cell_magic,
    line_magic,
    magics_class,
    needs_local_scope,
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

    @line_magic
    def lookup(self, line):
        """A name of the user namespace, read through the shell the instance was made with."""
        return self.shell.user_ns[line]


def test_register_magics_class_line_cell_and_named(shell) -> None:
    shell.register_magics(Greeter)
    assert shell.run_line_magic("hello", "world") == "hello world"
    assert shell.run_line_magic("bye", "now") == "bye now"
    assert shell.run_cell_magic("shout", "!", "abc") == "ABC!"
    assert shell.run_cell("%both x").result == ("line", "x")
    assert shell.run_cell("%%both y\nbody").result == ("cell", "y", "body\n")
    # the class was instantiated with the shell it was registered in
    shell.push({"target": 42})
    assert shell.run_line_magic("lookup", "target") == 42


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


# Code of the shell's process (an extension, a cell) decorating its functions.
DECORATED_MAGICS = textwrap.dedent(
    """
    from legacy_shell import register_cell_magic, register_line_magic

    @register_line_magic
    def upper(line):
        return line.upper()

    @register_cell_magic("lines")
    def count_lines(line, cell):
        return len(cell.splitlines())
    """
)


def test_register_line_and_cell_magic_decorators_use_the_current_shell(shell) -> None:
    shell.run_cell(DECORATED_MAGICS).raise_error()
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
    line = set(in_shell(shell, "list(get_ipython().magics_manager.magics['line'])"))
    cell = set(in_shell(shell, "list(get_ipython().magics_manager.magics['cell'])"))
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
    assert in_shell(shell, "get_ipython().magics_manager.auto_magic") is False
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
    assert in_shell(shell, "'hidden' in get_ipython().user_ns_hidden")
    with pytest.raises(NameError):
        shell.push("not_defined_anywhere")


# ``ex``, ``ev`` and ``magic`` are not part of the shell API: code of the shell's process uses them.
EV_EX_AND_MAGIC = textwrap.dedent(
    """
    import warnings

    ip = get_ipython()
    ip.ex("z = 5")
    doubled = ip.ev("z * 2")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old_style = ip.magic("pwd")
    deprecations = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    """
)


def test_ev_ex_and_deprecated_magic(shell) -> None:
    shell.run_cell(EV_EX_AND_MAGIC).raise_error()
    assert shell.user_ns["z"] == 5
    assert shell.user_ns["doubled"] == 10
    assert any("run_line_magic" in message for message in shell.user_ns["deprecations"])
    assert shell.user_ns["old_style"] == shell.run_line_magic("pwd", "")


IPYTHON_9_LINE_MAGICS = [
    "cpaste",
    "paste",
    "store",
    "autoindent",
    "autoawait",
    "doctest_mode",
    "macro",
    "logstart",
    "logstop",
    "logon",
    "logoff",
    "logstate",
    "pprint",
    "colors",
    "clear",
    "page",
    "less",
    "more",
    "pycat",
    "rehashx",
    "man",
    "edit",
    "ed",
    "config",
]
IPYTHON_9_CELL_MAGICS = ("file", "HTML", "SVG", "!", "writefile", "html", "svg", "sx")


def test_the_magics_ipython_users_reach_for_exist(shell: Any) -> None:
    line = in_shell(shell, "sorted(get_ipython().magics_manager.magics['line'])")
    cell = in_shell(shell, "sorted(get_ipython().magics_manager.magics['cell'])")
    assert [name for name in IPYTHON_9_LINE_MAGICS if name not in line] == []
    assert [name for name in IPYTHON_9_CELL_MAGICS if name not in cell] == []

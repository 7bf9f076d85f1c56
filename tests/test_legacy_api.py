"""The legacy API: every member of the old ``ip`` wrapper works and warns once.

Old extensions reach the shell through ``ipapi.get()``, ``_ip``, ``__IPYTHON__``
or the ``ip`` handed to ``init_ipython(ip)``; all are one wrapper object. Each
use emits exactly one ``DeprecationWarning`` that names the replacement and
points at the caller's line.

The wrapper lives in the shell's process, where old extension code runs: the
tests use it from cells (and from a module imported there), and record the
warnings in that process.
"""

from __future__ import annotations

import os
import re
import textwrap
import warnings
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from legacy_shell import ipapi
from legacy_shell._current import use_shell
from legacy_shell.errors import UsageError
from legacy_shell.magic import needs_local_scope

#: The pseudo-file of a cell's code: ``<ipython-input-N-...>``.
CELL_FILE = "<ipython-input-"


class Warned(NamedTuple):
    """One warning emitted in the shell's process, as plain values."""

    category: str
    message: str
    filename: str
    line: str  # the source line it points at


_RECORDING_CELL = """\
import warnings as _warnings, linecache as _linecache
with _warnings.catch_warnings(record=True) as _caught:
    _warnings.simplefilter("always")
{code}
_warned = [
    (w.category.__name__, str(w.message), w.filename,
     _linecache.getline(w.filename, w.lineno).strip())
    for w in _caught
]
del _warnings, _linecache, _caught
"""


def record_warnings(shell: Any, code: str, *, store_history: bool = False) -> list[Warned]:
    """Run ``code`` in a cell; every warning it emits in the shell's process."""
    cell = _RECORDING_CELL.format(code=textwrap.indent(textwrap.dedent(code), "    "))
    shell.run_cell(cell, store_history=store_history).raise_error()
    return [Warned(*w) for w in shell.user_ns.pop("_warned")]


def deprecated_once(
    shell: Any,
    code: str,
    match: str,
    *,
    where: str = CELL_FILE,
    at: str | None = None,
    store_history: bool = False,
) -> None:
    """``code`` emits exactly one DeprecationWarning matching ``match``, at the caller's line.

    The warning points at a file whose name starts with ``where`` (the cell's
    pseudo-file for calls made by code in a cell), at the line that contains
    ``at`` (default: a line of ``code`` itself).
    """
    warned = record_warnings(shell, code, store_history=store_history)
    found = [w for w in warned if w.category == "DeprecationWarning"]
    assert len(found) == 1, [w.message for w in found]
    (warning,) = found
    assert re.search(match, warning.message), warning.message
    assert warning.filename.startswith(where), warning.filename
    assert warning.line, warning
    if at is None:
        assert warning.line in textwrap.dedent(code), warning.line
    else:
        assert at in warning.line, warning.line


def ev(shell: Any, expr: str) -> Any:
    """The value of ``expr`` in the shell (a plain value)."""
    shell.run_cell(f"_value = {expr}").raise_error()
    return shell.user_ns.pop("_value")


def on_sys_path(shell: Any, directory: Path) -> None:
    """Put ``directory`` first on ``sys.path`` in the shell's process."""
    shell.run_cell(f"__import__('sys').path.insert(0, {str(directory)!r})").raise_error()


def forget_module(shell: Any, name: str) -> None:
    """Drop ``name`` from ``sys.modules`` in the shell's process."""
    shell.run_cell(f"__import__('sys').modules.pop({name!r}, None)").raise_error()


# -- getting the wrapper ------------------------------------------------------------


def test_get_returns_the_current_shells_wrapper(shell: Any) -> None:
    deprecated_once(
        shell,
        "from legacy_shell import ipapi\nip = ipapi.get()",
        r"ipapi.get\(\) is deprecated.*use get_ipython\(\)",
    )
    shell.run_cell("from legacy_shell.ipapi import LegacyAPI").raise_error()
    assert ev(shell, "ip is get_ipython().legacy") is True
    assert ev(shell, "isinstance(ip, LegacyAPI)") is True


def test_get_outside_a_shell_returns_none() -> None:
    with use_shell(None), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert ipapi.get() is None
    found = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert len(found) == 1, [str(w.message) for w in found]
    assert "get_ipython" in str(found[0].message)
    assert found[0].filename == __file__


def test_underscore_ip_and_dunder_ipython_are_the_same_wrapper(shell: Any) -> None:
    assert ev(shell, "_ip is get_ipython().legacy") is True
    shell.run_cell("same = __IPYTHON__ is _ip\ntruthy = bool(__IPYTHON__)")
    assert shell.user_ns["same"] is True
    assert shell.user_ns["truthy"] is True


def test_am_i_in_the_shell_check_keeps_working(shell: Any) -> None:
    shell.run_cell(
        "try:\n    __IPYTHON__\n    inside = True\nexcept NameError:\n    inside = False\n"
    )
    assert shell.user_ns["inside"] is True


def test_attribute_access_of_ip_itself_does_not_warn(shell: Any) -> None:
    warned = record_warnings(shell, "w = _ip")
    assert not [w for w in warned if w.category == "DeprecationWarning"]


# -- attributes ---------------------------------------------------------------------


def test_IP_is_the_shell(shell: Any) -> None:
    deprecated_once(
        shell, "is_shell = _ip.IP is get_ipython()", r"ip\.IP is deprecated.*get_ipython\(\)"
    )
    assert shell.user_ns["is_shell"] is True


def test_user_ns_is_the_shells_namespace(shell: Any) -> None:
    deprecated_once(shell, "ns = _ip.user_ns", r"ip\.user_ns.*get_ipython\(\)\.user_ns")
    shell.run_cell("ns['planted'] = 5").raise_error()
    assert shell.user_ns["planted"] == 5


def test_get_ipython_method_returns_the_shell(shell: Any) -> None:
    deprecated_once(shell, "is_shell = _ip.get_ipython() is get_ipython()", r"use get_ipython\(\)")
    assert shell.user_ns["is_shell"] is True


def test_options_reads_the_config_by_short_full_and_old_names(shell: Any) -> None:
    deprecated_once(shell, "options = _ip.options", r"ip\.options.*config")
    reading = """
        readings = (
            options.automagic,
            options["xmode"],
            options["terminal.confirm_exit"],
            options.prompt_in1,
            "automagic" in options,
            "nonsense" in options,
        )
    """
    assert record_warnings(shell, reading) == []  # reading the view itself does not warn again
    assert shell.user_ns["readings"] == (
        True,
        shell.config["shell.xmode"],
        shell.config["terminal.confirm_exit"],
        shell.config["prompts.in"],
        True,
        False,
    )


def test_options_is_a_live_read_only_view(shell: Any) -> None:
    deprecated_once(shell, "options = _ip.options", "options")
    shell.run_line_magic("config", "InteractiveShell.automagic = False")
    assert ev(shell, "options.automagic") is False
    with pytest.raises(TypeError, match=r"read-only.*%config"):
        shell.run_cell("options.automagic = True").raise_error()
    with pytest.raises(TypeError, match="read-only"):
        shell.run_cell("options['xmode'] = 'Plain'").raise_error()
    with pytest.raises(AttributeError, match="No option 'nonsense'"):
        shell.run_cell("options.nonsense").raise_error()
    with pytest.raises(KeyError):
        shell.run_cell("options['nonsense']").raise_error()


# -- running things -----------------------------------------------------------------


def test_magic_runs_a_line_magic_with_or_without_percent(shell: Any) -> None:
    shell.register_magic_function(lambda line: f"<{line}>", "line", "echo")
    deprecated_once(
        shell,
        "echoed = _ip.magic('%echo a b')",
        r"ip\.magic\(\) is deprecated.*run_line_magic\(name, line\)",
    )
    assert shell.user_ns["echoed"] == "<a b>"
    deprecated_once(shell, "echoed = _ip.magic('echo')", "run_line_magic")
    assert shell.user_ns["echoed"] == "<>"
    deprecated_once(shell, "here = _ip.magic('pwd')", "run_line_magic")
    assert shell.user_ns["here"] == os.getcwd()


def test_magic_gives_local_scope_magics_the_callers_frame(shell: Any) -> None:
    @needs_local_scope
    def peek(line: str, local_ns: dict[str, Any]) -> Any:
        return local_ns.get(line)

    shell.register_magic_function(peek, "line", "peek")
    shell.run_cell(
        textwrap.dedent("""
            def caller():
                secret = "from the caller"  # read by %peek
                return _ip.magic("peek secret")
        """)
    ).raise_error()
    deprecated_once(shell, "peeked = caller()", "run_line_magic", at="_ip.magic(")
    assert shell.user_ns["peeked"] == "from the caller"


def test_unknown_magic_is_a_usage_error(shell: Any) -> None:
    quietly = "import warnings\nwith warnings.catch_warnings():\n"
    quietly += "    warnings.simplefilter('ignore')\n    _ip.magic('nope')\n"
    with pytest.raises(UsageError, match="`%nope` not found"):
        shell.run_cell(quietly).raise_error()


def test_ipmagic_builtin_runs_a_line_magic(shell: Any) -> None:
    shell.register_magic_function(lambda line: line.upper(), "line", "shout")
    deprecated_once(
        shell,
        "loud = ipmagic('%shout hey')",
        r"ipmagic\(\) is deprecated.*run_line_magic",
        store_history=True,
    )
    assert shell.user_ns["loud"] == "HEY"


def test_runlines_runs_a_string_or_a_list_of_lines(shell: Any) -> None:
    deprecated_once(
        shell, r"result = _ip.runlines('a = 1\nb = a + 1')", r"ip\.runlines\(\).*run_cell\(code\)"
    )
    assert ev(shell, "result.success") is True
    deprecated_once(shell, "_ip.runlines(['def f():', '    return b * 10', 'c = f()'])", "run_cell")
    assert (shell.user_ns["a"], shell.user_ns["b"], shell.user_ns["c"]) == (1, 2, 20)


def test_ev_and_ex_use_the_user_namespace(shell: Any) -> None:
    deprecated_once(shell, "_ip.ex('z = 6 * 7')", r"ip\.ex\(\).*shell\.ex")
    assert shell.user_ns["z"] == 42
    deprecated_once(shell, "value = _ip.ev('z + 1')", r"ip\.ev\(\).*shell\.ev")
    assert shell.user_ns["value"] == 43


def test_system_runs_a_shell_command(shell: Any, capfd: Any) -> None:
    deprecated_once(shell, "_ip.system('echo from-sh')", r"ip\.system\(\).*shell\.system\(cmd\)")
    assert "from-sh" in capfd.readouterr().out


def test_set_next_input(shell: Any) -> None:
    deprecated_once(shell, "_ip.set_next_input(\"print('next')\")", "set_next_input")
    assert ev(shell, "get_ipython().output.next_input") == "print('next')"


# -- extending the shell ---------------------------------------------------------------


@pytest.mark.parametrize("method", ["expose_magic", "define_magic"])
def test_old_style_magic_gets_the_shell_as_self(shell: Any, method: str) -> None:
    shell.run_cell(
        textwrap.dedent('''
            calls = []

            def magic_hello(self, arg):
                """Say hello."""
                calls.append(self is get_ipython())
                return f"hello {arg}"
        ''')
    ).raise_error()
    deprecated_once(
        shell,
        f"_ip.{method}('hello', magic_hello)",
        rf"ip\.{method}\(\).*register_magic_function\(fn, 'line', name\)",
    )
    assert shell.run_line_magic("hello", "there") == "hello there"
    shell.run_cell("r = %hello you")
    assert shell.user_ns["r"] == "hello you"
    assert shell.user_ns["calls"] == [True, True]  # called with the shell as `self`, twice
    assert ev(shell, "get_ipython().find_line_magic('hello').__doc__") == "Say hello."


def test_to_user_ns_with_a_dict(shell: Any) -> None:
    deprecated_once(
        shell, "_ip.to_user_ns({'pushed': [1, 2]})", r"to_user_ns\(\).*shell\.push\(variables\)"
    )
    assert shell.user_ns["pushed"] == [1, 2]


EXTENSION_CODE = """\
GLOBAL_VALUE = "module global"


def extension_code(ip):
    local_value = "a local"  # pushed by name
    ip.to_user_ns("local_value GLOBAL_VALUE missing_name")
"""


def test_to_user_ns_with_names_from_the_callers_frame(
    shell: Any, tmp_path: Path, capsys: Any
) -> None:
    module = tmp_path / "legacy_api_extension_code.py"
    module.write_text(EXTENSION_CODE)
    on_sys_path(shell, tmp_path)
    try:
        shell.run_cell("import legacy_api_extension_code").raise_error()
        deprecated_once(
            shell,
            "legacy_api_extension_code.extension_code(_ip)",
            "shell.push",
            where=str(module),
            at="ip.to_user_ns(",
        )
    finally:
        forget_module(shell, "legacy_api_extension_code")
    assert shell.user_ns["local_value"] == "a local"
    assert shell.user_ns["GLOBAL_VALUE"] == "module global"
    assert "missing_name" not in shell.user_ns
    assert "Could not get variable missing_name from extension_code" in capsys.readouterr().err


def test_set_hook_adds_a_hook_called_with_the_shell(shell: Any) -> None:
    shell.run_cell(
        textwrap.dedent("""
            seen = []

            def before_code(self):
                seen.append(self is get_ipython())
        """)
    ).raise_error()
    deprecated_once(
        shell,
        "_ip.set_hook('pre_runcode_hook', before_code)",
        r"ip\.set_hook\(\).*events\.register\('pre_run_cell', fn\)",
    )
    shell.run_cell("1 + 1")
    shell.run_cell("2 + 2")
    assert shell.user_ns["seen"] == [True, True]  # called with the shell, once per cell


def test_set_hook_for_a_supported_hook_names_shell_set_hook(shell: Any, capsys: Any) -> None:
    deprecated_once(
        shell,
        "_ip.set_hook('show_in_pager', "
        "lambda self, data, start=0, screen_lines=0: print('PAGED', data))",
        r"ip\.set_hook\(\).*shell\.set_hook\(name, fn\)",
    )
    shell.run_cell("get_ipython().page('some help')").raise_error()
    assert "PAGED" in capsys.readouterr().out


def test_set_hook_with_an_unknown_name_also_warns_that(shell: Any) -> None:
    code = "_ip.set_hook('my_own_hook', lambda self: None)"
    warned = record_warnings(shell, code)
    assert sorted(w.category for w in warned) == ["DeprecationWarning", "UserWarning"]
    assert all(w.filename.startswith(CELL_FILE) and w.line == code for w in warned), warned


def test_load_loads_an_extension(shell: Any, tmp_path: Path) -> None:
    (tmp_path / "tiny_ext.py").write_text(
        "def load_ipython_extension(shell):\n    shell.push({'tiny_loaded': True})\n"
    )
    on_sys_path(shell, tmp_path)
    try:
        deprecated_once(shell, "_ip.load('tiny_ext')", "load_ext")
    finally:
        forget_module(shell, "tiny_ext")
    assert shell.user_ns["tiny_loaded"] is True


# -- new-API names through the wrapper ---------------------------------------------------


def test_modern_names_are_forwarded_to_the_shell(shell: Any) -> None:
    deprecated_once(
        shell, "result = _ip.run_cell('q = 9')", r"_ip\.run_cell.*get_ipython\(\)\.run_cell"
    )
    assert ev(shell, "result.success") is True and shell.user_ns["q"] == 9
    deprecated_once(shell, "_ip.push({'r': 1})", "get_ipython")
    assert shell.user_ns["r"] == 1


def test_private_and_unknown_names_are_attribute_errors(shell: Any) -> None:
    probing = """
        answers = [
            hasattr(_ip, "_ipython_canary_method_should_not_exist_"),
            hasattr(_ip, "_repr_html_"),
        ]
        try:
            _ip.no_such_member
        except AttributeError:
            answers.append("AttributeError")
    """
    assert record_warnings(shell, probing) == []
    assert shell.user_ns["answers"] == [False, False, "AttributeError"]


def test_ip_in_user_code_warns_once_per_use(shell: Any) -> None:
    deprecated_once(shell, "here = _ip.magic('pwd')", r"ip\.magic\(\)", store_history=True)
    assert shell.user_ns["here"] == os.getcwd()


# -- the shell's own old methods ---------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["pre_run_code_hook", "pre_runcode_hook", "late_startup_hook", "shutdown_hook"]
)
def test_shell_set_hook_warns_for_hooks_ipython_deprecated(shell: Any, name: str) -> None:
    deprecated_once(
        shell,
        f"get_ipython().set_hook({name!r}, lambda self: None)",
        rf"Hook '{name}' is deprecated",
    )


@pytest.mark.parametrize(
    "name", ["editor", "show_in_pager", "pre_prompt_hook", "synchronize_with_editor"]
)
def test_shell_set_hook_is_silent_for_supported_hooks(shell: Any, name: str) -> None:
    code = f"get_ipython().set_hook({name!r}, lambda self, *args, **kwargs: None)"
    assert record_warnings(shell, code) == []

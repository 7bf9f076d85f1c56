"""The legacy API: every member of the old ``ip`` wrapper works and warns once.

Old extensions reach the shell through ``ipapi.get()``, ``_ip``, ``__IPYTHON__``
or the ``ip`` handed to ``init_ipython(ip)``; all are one wrapper object. Each
use emits exactly one ``DeprecationWarning`` that names the replacement and
points at the caller's line.
"""

from __future__ import annotations

import os
import re
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from legacy_shell import ipapi
from legacy_shell._current import use_shell
from legacy_shell.ipapi import LegacyAPI
from legacy_shell.magic import needs_local_scope


@contextmanager
def deprecated_once(match: str, *, where: str | None = __file__) -> Iterator[None]:
    """Exactly one DeprecationWarning matching ``match``, pointing at a file named ``where...``.

    ``where`` is this file for calls made here, the cell's pseudo-file for calls
    made by user code in a cell (``<ipython-input-N-...>``), ``None`` not to check.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    found = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert len(found) == 1, [str(w.message) for w in found]
    assert re.search(match, str(found[0].message)), str(found[0].message)
    if where is not None:
        assert found[0].filename.startswith(where), found[0].filename


@pytest.fixture
def ip(shell: Any) -> LegacyAPI:
    return shell.legacy


# -- getting the wrapper ------------------------------------------------------------


def test_get_returns_the_current_shells_wrapper(shell: Any) -> None:
    with deprecated_once(r"ipapi.get\(\) is deprecated.*use get_ipython\(\)"):
        ip = ipapi.get()
    assert ip is shell.legacy
    assert isinstance(ip, LegacyAPI)


def test_get_outside_a_shell_returns_none() -> None:
    with use_shell(None), deprecated_once("get_ipython"):
        assert ipapi.get() is None


def test_underscore_ip_and_dunder_ipython_are_the_same_wrapper(shell: Any) -> None:
    assert shell.user_ns["_ip"] is shell.legacy
    shell.run_cell("same = __IPYTHON__ is _ip\ntruthy = bool(__IPYTHON__)")
    assert shell.user_ns["same"] is True
    assert shell.user_ns["truthy"] is True


def test_am_i_in_the_shell_check_keeps_working(shell: Any) -> None:
    shell.run_cell(
        "try:\n    __IPYTHON__\n    inside = True\nexcept NameError:\n    inside = False\n"
    )
    assert shell.user_ns["inside"] is True


def test_attribute_access_of_ip_itself_does_not_warn(shell: Any) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        shell.run_cell("w = _ip")
    assert not [w for w in caught if issubclass(w.category, DeprecationWarning)]


# -- attributes ---------------------------------------------------------------------


def test_IP_is_the_shell(ip: LegacyAPI, shell: Any) -> None:
    with deprecated_once(r"ip\.IP is deprecated.*get_ipython\(\)"):
        assert ip.IP is shell


def test_user_ns_is_the_shells_namespace(ip: LegacyAPI, shell: Any) -> None:
    with deprecated_once(r"ip\.user_ns.*get_ipython\(\)\.user_ns"):
        ns = ip.user_ns
    ns["planted"] = 5
    assert shell.user_ns["planted"] == 5


def test_get_ipython_method_returns_the_shell(ip: LegacyAPI, shell: Any) -> None:
    with deprecated_once(r"use get_ipython\(\)"):
        assert ip.get_ipython() is shell


def test_options_reads_the_config_by_short_full_and_old_names(ip: LegacyAPI, shell: Any) -> None:
    with deprecated_once(r"ip\.options.*config"):
        options = ip.options
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reading the view itself does not warn again
        assert options.automagic is True
        assert options["xmode"] == shell.config["shell.xmode"]
        assert options["terminal.confirm_exit"] == shell.config["terminal.confirm_exit"]
        assert options.prompt_in1 == shell.config["prompts.in"]
        assert "automagic" in options and "nonsense" not in options


def test_options_is_a_live_read_only_view(ip: LegacyAPI, shell: Any) -> None:
    with deprecated_once("options"):
        options = ip.options
    shell.run_line_magic("config", "InteractiveShell.automagic = False")
    assert options.automagic is False
    with pytest.raises(TypeError, match=r"read-only.*%config"):
        options.automagic = True
    with pytest.raises(TypeError, match="read-only"):
        options["xmode"] = "Plain"
    with pytest.raises(AttributeError, match="No option 'nonsense'"):
        options.nonsense  # noqa: B018
    with pytest.raises(KeyError):
        options["nonsense"]


# -- running things -----------------------------------------------------------------


def test_magic_runs_a_line_magic_with_or_without_percent(ip: LegacyAPI, shell: Any) -> None:
    shell.register_magic_function(lambda line: f"<{line}>", "line", "echo")
    with deprecated_once(r"ip\.magic\(\) is deprecated.*run_line_magic\(name, line\)"):
        assert ip.magic("%echo a b") == "<a b>"
    with deprecated_once("run_line_magic"):
        assert ip.magic("echo") == "<>"
    with deprecated_once("run_line_magic"):
        assert ip.magic("pwd") == os.getcwd()


def test_magic_gives_local_scope_magics_the_callers_frame(ip: LegacyAPI, shell: Any) -> None:
    @needs_local_scope
    def peek(line: str, local_ns: dict[str, Any]) -> Any:
        return local_ns.get(line)

    shell.register_magic_function(peek, "line", "peek")

    def caller() -> Any:
        secret = "from the caller"  # noqa: F841 - read by %peek
        return ip.magic("peek secret")

    with deprecated_once("run_line_magic"):
        assert caller() == "from the caller"


def test_unknown_magic_is_a_usage_error(ip: LegacyAPI) -> None:
    from legacy_shell.errors import UsageError

    with pytest.raises(UsageError, match="`%nope` not found"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ip.magic("nope")


def test_ipmagic_builtin_runs_a_line_magic(shell: Any) -> None:
    shell.register_magic_function(lambda line: line.upper(), "line", "shout")
    with deprecated_once(r"ipmagic\(\) is deprecated.*run_line_magic", where="<ipython-input-"):
        shell.run_cell("loud = ipmagic('%shout hey')", store_history=True)
    assert shell.user_ns["loud"] == "HEY"


def test_runlines_runs_a_string_or_a_list_of_lines(ip: LegacyAPI, shell: Any) -> None:
    with deprecated_once(r"ip\.runlines\(\).*run_cell\(code\)"):
        result = ip.runlines("a = 1\nb = a + 1")
    assert result.success
    with deprecated_once("run_cell"):
        ip.runlines(["def f():", "    return b * 10", "c = f()"])
    assert (shell.user_ns["a"], shell.user_ns["b"], shell.user_ns["c"]) == (1, 2, 20)


def test_ev_and_ex_use_the_user_namespace(ip: LegacyAPI, shell: Any) -> None:
    with deprecated_once(r"ip\.ex\(\).*shell\.ex"):
        ip.ex("z = 6 * 7")
    assert shell.user_ns["z"] == 42
    with deprecated_once(r"ip\.ev\(\).*shell\.ev"):
        assert ip.ev("z + 1") == 43


def test_system_runs_a_shell_command(ip: LegacyAPI, capfd: Any) -> None:
    with deprecated_once(r"ip\.system\(\).*shell\.system\(cmd\)"):
        ip.system("echo from-sh")
    assert "from-sh" in capfd.readouterr().out


def test_set_next_input(ip: LegacyAPI, shell: Any) -> None:
    with deprecated_once("set_next_input"):
        ip.set_next_input("print('next')")
    assert shell.output.next_input == "print('next')"


# -- extending the shell ---------------------------------------------------------------


@pytest.mark.parametrize("method", ["expose_magic", "define_magic"])
def test_old_style_magic_gets_the_shell_as_self(ip: LegacyAPI, shell: Any, method: str) -> None:
    calls = []

    def magic_hello(self: Any, arg: str) -> str:
        """Say hello."""
        calls.append(self)
        return f"hello {arg}"

    with deprecated_once(rf"ip\.{method}\(\).*register_magic_function\(fn, 'line', name\)"):
        getattr(ip, method)("hello", magic_hello)
    assert shell.run_line_magic("hello", "there") == "hello there"
    shell.run_cell("r = %hello you")
    assert shell.user_ns["r"] == "hello you"
    assert calls == [shell, shell]
    assert shell.find_line_magic("hello").__doc__ == "Say hello."


def test_to_user_ns_with_a_dict(ip: LegacyAPI, shell: Any) -> None:
    with deprecated_once(r"to_user_ns\(\).*shell\.push\(variables\)"):
        ip.to_user_ns({"pushed": [1, 2]})
    assert shell.user_ns["pushed"] == [1, 2]


GLOBAL_VALUE = "module global"


def test_to_user_ns_with_names_from_the_callers_frame(
    ip: LegacyAPI, shell: Any, capsys: Any
) -> None:
    def extension_code() -> None:
        local_value = "a local"  # noqa: F841 - pushed by name
        ip.to_user_ns("local_value GLOBAL_VALUE missing_name")

    with deprecated_once("shell.push"):
        extension_code()
    assert shell.user_ns["local_value"] == "a local"
    assert shell.user_ns["GLOBAL_VALUE"] == "module global"
    assert "missing_name" not in shell.user_ns
    assert "Could not get variable missing_name from extension_code" in capsys.readouterr().err


def test_set_hook_adds_a_hook_called_with_the_shell(ip: LegacyAPI, shell: Any) -> None:
    seen = []

    def before_code(self: Any) -> None:
        seen.append(self)

    with deprecated_once(r"ip\.set_hook\(\).*events\.register\('pre_run_cell', fn\)"):
        ip.set_hook("pre_runcode_hook", before_code)
    shell.run_cell("1 + 1")
    shell.run_cell("2 + 2")
    assert seen == [shell, shell]


def test_set_hook_for_a_supported_hook_names_shell_set_hook(
    ip: LegacyAPI, shell: Any, capsys: Any
) -> None:
    with deprecated_once(r"ip\.set_hook\(\).*shell\.set_hook\(name, fn\)"):
        ip.set_hook(
            "show_in_pager", lambda self, data, start=0, screen_lines=0: print("PAGED", data)
        )
    shell.page("some help")
    assert "PAGED" in capsys.readouterr().out


def test_set_hook_with_an_unknown_name_also_warns_that(ip: LegacyAPI) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ip.set_hook("my_own_hook", lambda self: None)
    categories = sorted(w.category.__name__ for w in caught)
    assert categories == ["DeprecationWarning", "UserWarning"]
    assert all(w.filename == __file__ for w in caught)


def test_load_loads_an_extension(
    ip: LegacyAPI, shell: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    (tmp_path / "tiny_ext.py").write_text(
        "def load_ipython_extension(shell):\n    shell.push({'tiny_loaded': True})\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with deprecated_once("load_ext"):
        ip.load("tiny_ext")
    assert shell.user_ns["tiny_loaded"] is True
    sys.modules.pop("tiny_ext", None)


# -- new-API names through the wrapper ---------------------------------------------------


def test_modern_names_are_forwarded_to_the_shell(ip: LegacyAPI, shell: Any) -> None:
    with deprecated_once(r"_ip\.run_cell.*get_ipython\(\)\.run_cell"):
        result = ip.run_cell("q = 9")
    assert result.success and shell.user_ns["q"] == 9
    with deprecated_once("get_ipython"):
        ip.push({"r": 1})
    assert shell.user_ns["r"] == 1


def test_private_and_unknown_names_are_attribute_errors(ip: LegacyAPI) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not hasattr(ip, "_ipython_canary_method_should_not_exist_")
        assert not hasattr(ip, "_repr_html_")
        with pytest.raises(AttributeError):
            ip.no_such_member  # noqa: B018


def test_ip_in_user_code_warns_once_per_use(shell: Any) -> None:
    with deprecated_once(r"ip\.magic\(\)", where="<ipython-input-"):
        shell.run_cell("here = _ip.magic('pwd')", store_history=True)
    assert shell.user_ns["here"] == os.getcwd()


# -- the shell's own old methods ---------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["pre_run_code_hook", "pre_runcode_hook", "late_startup_hook", "shutdown_hook"]
)
def test_shell_set_hook_warns_for_hooks_ipython_deprecated(shell: Any, name: str) -> None:
    with deprecated_once(rf"Hook '{name}' is deprecated"):
        shell.set_hook(name, lambda self: None)


@pytest.mark.parametrize(
    "name", ["editor", "show_in_pager", "pre_prompt_hook", "synchronize_with_editor"]
)
def test_shell_set_hook_is_silent_for_supported_hooks(shell: Any, name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shell.set_hook(name, lambda self, *args, **kwargs: None)

"""Hooks: priority order, TryNext, defaults, aliases and the shell's use of them."""

from __future__ import annotations

import sys
import textwrap
import warnings
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from legacy_shell.config import ShellConfig
from legacy_shell.hooks import (
    DEFAULT_PRIORITY,
    KNOWN_HOOKS,
    HookManager,
    TryNext,
    deprecation_message,
)
from legacy_shell.output import TerminalSink
from legacy_shell.usersite import LocalSite


@pytest.fixture
def fake_shell() -> SimpleNamespace:
    """The little a HookManager needs from a shell: config, an output sink, the user's site."""
    config = ShellConfig()
    return SimpleNamespace(
        config=config,
        output=TerminalSink(),
        user_site=LocalSite(lambda: str(config["shell.editor"])),
    )


@pytest.fixture
def hooks(fake_shell: SimpleNamespace) -> HookManager:
    return HookManager(fake_shell)


# -- calling convention and order ------------------------------------------------------


def test_hook_gets_the_shell_first_then_the_arguments(hooks: HookManager, fake_shell: Any) -> None:
    seen = []
    hooks.set_hook("synchronize_with_editor", lambda self, *args: seen.append((self, args)))
    hooks.call("synchronize_with_editor", "f.py", 3, 1)
    assert seen == [(fake_shell, ("f.py", 3, 1))]


def test_lower_priority_runs_first_and_its_result_wins(hooks: HookManager) -> None:
    hooks.set_hook("pre_prompt_hook", lambda self: "late", priority=60)
    hooks.set_hook("pre_prompt_hook", lambda self: "early", priority=10)
    assert hooks.call("pre_prompt_hook") == "early"


def test_equal_priorities_run_in_registration_order(hooks: HookManager) -> None:
    hooks.set_hook("pre_prompt_hook", lambda self: "first")
    hooks.set_hook("pre_prompt_hook", lambda self: "second")
    assert hooks.call("pre_prompt_hook") == "first"


def test_trynext_passes_to_the_next_function(hooks: HookManager) -> None:
    calls = []

    def passes(self: Any) -> None:
        calls.append("passes")
        raise TryNext

    def answers(self: Any) -> str:
        calls.append("answers")
        return "answer"

    hooks.set_hook("pre_prompt_hook", passes, priority=1)
    hooks.set_hook("pre_prompt_hook", answers, priority=2)
    assert hooks.call("pre_prompt_hook") == "answer"
    assert calls == ["passes", "answers"]


def test_when_every_function_passes_trynext_escapes(hooks: HookManager, fake_shell: Any) -> None:
    fake_shell.config.set("shell.editor", "false")  # the default editor fails too
    hooks.set_hook(
        "editor", lambda self, filename, linenum=None, wait=True: (_ for _ in ()).throw(TryNext)
    )
    with pytest.raises(TryNext):
        hooks.call("editor", "file.py")


def test_other_exceptions_propagate_from_call(hooks: HookManager) -> None:
    def broken(self: Any) -> None:
        raise RuntimeError("boom")

    hooks.set_hook("pre_run_code_hook", broken)
    with pytest.raises(RuntimeError, match="boom"):
        hooks.call("pre_run_code_hook")


def test_call_reporting_prints_the_error_and_survives(hooks: HookManager, capsys: Any) -> None:
    def broken(self: Any) -> None:
        raise RuntimeError("boom")

    hooks.set_hook("pre_prompt_hook", broken)
    assert hooks.call_reporting("pre_prompt_hook") is None
    err = capsys.readouterr().err
    assert "Error in hook 'pre_prompt_hook'" in err
    assert "RuntimeError: boom" in err


def test_hooks_can_be_called_as_attributes(hooks: HookManager) -> None:
    hooks.set_hook("editor", lambda self, filename, linenum=None, wait=True: (filename, linenum))
    assert hooks.editor("f.py", 7) == ("f.py", 7)
    with pytest.raises(AttributeError):
        hooks.no_such_hook  # noqa: B018


def test_remove_hook_restores_the_default(hooks: HookManager) -> None:
    def mine(self: Any) -> str:
        return "mine"

    hooks.set_hook("pre_prompt_hook", mine)
    assert hooks.has_user_functions("pre_prompt_hook")
    hooks.remove_hook("pre_prompt_hook", mine)
    assert not hooks.has_user_functions("pre_prompt_hook")
    assert hooks.call("pre_prompt_hook") is None
    with pytest.raises(ValueError, match="not registered"):
        hooks.remove_hook("pre_prompt_hook", mine)


def test_str_key_and_re_key_functions_answer_only_their_key(hooks: HookManager) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        hooks.set_hook("complete_command", lambda self, ev: ["exact"], str_key="%run")
        hooks.set_hook("complete_command", lambda self, ev: ["pattern"], re_key=r"import\b")
        hooks.set_hook("complete_command", lambda self, ev: ["general"], priority=90)
    assert hooks.call_matching("complete_command", "%run", None) == ["exact"]
    assert hooks.call_matching("complete_command", "import os", None) == ["pattern"]
    assert hooks.call_matching("complete_command", "other", None) == ["general"]
    assert hooks.call("complete_command", None) == ["general"]


# -- names ---------------------------------------------------------------------------


def test_pre_runcode_hook_is_the_same_hook_as_pre_run_code_hook(hooks: HookManager) -> None:
    hooks.set_hook("pre_runcode_hook", lambda self: "old spelling")
    assert hooks.call("pre_run_code_hook") == "old spelling"
    assert hooks.call("pre_runcode_hook") == "old spelling"


def test_unknown_hook_name_warns_and_is_accepted(hooks: HookManager) -> None:
    with pytest.warns(UserWarning, match="'my_hook' is not one of the known hooks") as record:
        hooks.set_hook("my_hook", lambda self, x: x * 2, stacklevel=2)
    assert record[0].filename == __file__
    assert hooks.call("my_hook", 21) == 42


def test_calling_a_hook_nobody_defined_is_a_clear_error(hooks: HookManager) -> None:
    with pytest.raises(KeyError, match="No hook named 'nothing'"):
        hooks.call("nothing")


def test_non_callable_is_refused(hooks: HookManager) -> None:
    with pytest.raises(TypeError, match="needs a callable"):
        hooks.set_hook("editor", "vim")  # type: ignore[arg-type]


def test_deprecated_hooks_name_their_replacement() -> None:
    assert "pre_run_cell" in (deprecation_message("pre_run_code_hook") or "")
    assert "pre_run_cell" in (deprecation_message("pre_runcode_hook") or "")
    assert "shell_initialized" in (deprecation_message("late_startup_hook") or "")
    assert "atexit" in (deprecation_message("shutdown_hook") or "")
    for name in ("editor", "show_in_pager", "pre_prompt_hook", "synchronize_with_editor"):
        assert deprecation_message(name) is None


# -- defaults --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["pre_prompt_hook", "pre_run_code_hook", "late_startup_hook", "shutdown_hook"]
)
def test_notification_hooks_default_to_doing_nothing(hooks: HookManager, name: str) -> None:
    assert name in KNOWN_HOOKS
    assert hooks.call(name) is None
    assert not hooks.has_user_functions(name)


def test_synchronize_with_editor_defaults_to_doing_nothing(hooks: HookManager) -> None:
    assert hooks.call("synchronize_with_editor", "f.py", 1, 0) is None


def test_user_function_runs_before_the_default(hooks: HookManager) -> None:
    hooks.set_hook("pre_prompt_hook", lambda self: "user", priority=DEFAULT_PRIORITY - 1)
    assert hooks.call("pre_prompt_hook") == "user"


def test_default_pager_hands_text_to_the_output_sink(
    hooks: HookManager, capsys: Any, fake_shell: Any
) -> None:
    hooks.call("show_in_pager", "line 1\nline 2\nline 3")
    assert capsys.readouterr().out == "line 1\nline 2\nline 3\n"
    hooks.call("show_in_pager", {"text/plain": "a\nb\nc", "text/html": "<p>"}, 1)
    assert capsys.readouterr().out == "b\nc\n"
    assert fake_shell.output.pages == ["line 1\nline 2\nline 3", "b\nc"]


def test_default_editor_runs_the_configured_command(
    hooks: HookManager, fake_shell: Any, capfd: Any
) -> None:
    fake_shell.config.set("shell.editor", "echo edit")
    hooks.call("editor", "my file.py", 12)
    assert capfd.readouterr().out == "edit +12 my file.py\n"


def test_default_editor_falls_back_to_environment(
    hooks: HookManager, monkeypatch: pytest.MonkeyPatch, capfd: Any
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "echo from-env")
    hooks.call("editor", "f.py")
    assert capfd.readouterr().out == "from-env f.py\n"


def test_default_editor_failure_raises_trynext(hooks: HookManager, fake_shell: Any) -> None:
    fake_shell.config.set("shell.editor", f"{sys.executable} -c 'raise SystemExit(3)'")
    with pytest.raises(TryNext, match="exited with status 3"):
        hooks.call("editor", "f.py")


def test_editor_hook_replaces_default_unless_it_passes(
    hooks: HookManager, fake_shell: Any, capfd: Any
) -> None:
    fake_shell.config.set("shell.editor", "echo default")
    opened = []

    def my_editor(self: Any, filename: str, linenum: int | None = None, wait: bool = True) -> None:
        opened.append(filename)
        if filename.endswith(".txt"):
            raise TryNext

    hooks.set_hook("editor", my_editor)
    hooks.call("editor", "a.py")
    assert capfd.readouterr().out == ""
    hooks.call("editor", "b.txt")
    assert capfd.readouterr().out == "default b.txt\n"
    assert opened == ["a.py", "b.txt"]


# -- the shell calls its hooks ---------------------------------------------------------
# ``set_hook`` and the shell's own callers of hooks (``page``, ``run_startup``,
# ``atexit_operations``) are not on the shell API: they are used from cells, in
# the shell's process, where the hook functions are defined too.


def in_shell(shell: Any, code: str) -> None:
    """Run ``code`` (dedented) in a cell; its error, if any, is raised here."""
    shell.run_cell(textwrap.dedent(code)).raise_error()


def set_hook_quietly(shell: Any, name: str, fn: str) -> None:
    """``set_hook(name, <fn>)`` in the shell (``fn``: an expression there).

    Some hooks warn as deprecated; not what these tests check.
    """
    in_shell(
        shell,
        f"""
        import warnings as _warnings
        with _warnings.catch_warnings():
            _warnings.simplefilter("ignore", DeprecationWarning)
            get_ipython().set_hook({name!r}, {fn})
        del _warnings
        """,
    )


def test_shell_runs_pre_run_code_hook_before_each_cells_code(shell: Any) -> None:
    in_shell(
        shell,
        """
        def before(self):
            self.user_ns["runs"] = self.user_ns.get("runs", 0) + 1
        """,
    )
    set_hook_quietly(shell, "pre_run_code_hook", "before")
    shell.run_cell("seen = runs", store_history=True)
    shell.run_cell("seen2 = runs", store_history=True)
    assert (shell.user_ns["seen"], shell.user_ns["seen2"]) == (1, 2)


def test_shell_page_goes_through_show_in_pager(shell: Any, capsys: Any) -> None:
    in_shell(shell, "get_ipython().page('plain help')")
    assert capsys.readouterr().out == "plain help\n"
    set_hook_quietly(
        shell, "show_in_pager", "lambda self, data, start=0, screen_lines=0: print('HOOK', data)"
    )
    in_shell(shell, "get_ipython().page('more help')")
    assert capsys.readouterr().out == "HOOK {'text/plain': 'more help'}\n"


def test_late_startup_hook_runs_after_startup_files(shell: Any, shell_home: Any) -> None:
    in_shell(shell, "_startup = str(get_ipython().paths.startup_dir)")
    startup = Path(shell.user_ns.pop("_startup"))
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-set.py").write_text("from_startup_file = True\n")
    in_shell(shell, "seen = []")
    set_hook_quietly(
        shell,
        "late_startup_hook",
        "lambda self: seen.append(self.user_ns.get('from_startup_file'))",
    )
    in_shell(shell, "get_ipython().run_startup()")
    assert shell.user_ns["seen"] == [True]


def test_shutdown_hook_runs_at_exit(shell: Any) -> None:
    in_shell(shell, "seen = []")
    set_hook_quietly(shell, "shutdown_hook", "lambda self: seen.append(self is get_ipython())")
    in_shell(shell, "get_ipython().atexit_operations()")
    assert shell.user_ns["seen"] == [True]  # called once, with the shell


def test_edit_magic_uses_the_editor_hook(shell: Any, tmp_path: Any) -> None:
    target = tmp_path / "script.py"
    target.write_text("")
    in_shell(
        shell,
        """
        opened = []

        def fake_editor(self, filename, linenum=None, wait=True):
            opened.append(filename)
            with open(filename, "w") as f:
                f.write("edited = 'yes'\\n")
        """,
    )
    set_hook_quietly(shell, "editor", "fake_editor")
    shell.run_line_magic("edit", str(target))
    assert shell.user_ns["opened"] == [str(target)]
    assert shell.user_ns["edited"] == "yes"


def test_edit_reports_an_editor_that_fails(shell: Any, tmp_path: Any, capsys: Any) -> None:
    shell.run_line_magic("config", "InteractiveShell.editor = false")
    shell.run_line_magic("edit", str(tmp_path / "x.py"))
    assert "Could not open editor" in capsys.readouterr().err

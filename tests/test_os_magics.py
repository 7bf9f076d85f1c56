"""%pwd, %cd, %dhist, %pushd/%popd, %bookmark, %env, %alias, %sx, %pip: the shell as a system shell."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
from shellside import in_shell, setenv

from legacy_shell.aliases import Alias, InvalidAliasError
from legacy_shell.errors import UsageError


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in ``tmp_path`` (resolved, as ``os.getcwd()`` reports it)."""
    monkeypatch.chdir(tmp_path)
    return Path(os.getcwd())


@pytest.fixture
def shell(here: Path, shell: Any) -> Any:
    """The suite's fresh shell, started in ``here`` (its directory history begins there)."""
    return shell


def cwd(shell: Any) -> str:
    """The working directory of the shell's process."""
    return str(in_shell(shell, "__import__('os').getcwd()"))


def getenv(shell: Any, name: str) -> str | None:
    """A variable of the shell's environment."""
    value: str | None = in_shell(shell, f"__import__('os').environ.get({name!r})")
    return value


def set_dir_history(shell: Any, *dirs: str) -> None:
    """Replace the contents of ``_dh`` (the list the shell itself appends to)."""
    shell.run_cell(f"_dh[:] = {list(dirs)!r}", silent=True).raise_error()


# -- directories ----------------------------------------------------------------------


def test_pwd_returns_the_current_directory(shell: Any, here: Path) -> None:
    assert shell.run_line_magic("pwd", "") == str(here)


def test_cd_changes_directory_prints_it_and_records_it(
    shell: Any, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / "sub").mkdir()
    start = len(shell.user_ns["_dh"])
    shell.run_line_magic("cd", "sub")
    assert cwd(shell) == str(here / "sub")
    assert capsys.readouterr().out == f"{here / 'sub'}\n"
    assert shell.user_ns["_dh"][start:] == [str(here / "sub")]


def test_cd_dash_goes_back(shell: Any, here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "a").mkdir()
    (here / "b").mkdir()
    shell.run_line_magic("cd", "a")
    shell.run_line_magic("cd", str(here / "b"))
    capsys.readouterr()
    shell.run_line_magic("cd", "-")
    assert cwd(shell) == str(here / "a")
    assert capsys.readouterr().out == f"{here / 'a'}\n"


def test_cd_dash_without_history_is_a_usage_error(shell: Any) -> None:
    set_dir_history(shell, cwd(shell))
    with pytest.raises(UsageError, match="No previous directory"):
        shell.run_line_magic("cd", "-")


def test_cd_q_is_quiet(shell: Any, here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "q").mkdir()
    shell.run_line_magic("cd", "-q q")
    assert cwd(shell) == str(here / "q")
    assert capsys.readouterr().out == ""


def test_cd_to_a_numbered_history_entry(shell: Any, here: Path) -> None:
    (here / "one").mkdir()
    (here / "two").mkdir()
    set_dir_history(shell, str(here))
    shell.run_line_magic("cd", "one")
    shell.run_line_magic("cd", "../two")
    shell.run_line_magic("cd", "-1")
    assert cwd(shell) == str(here / "one")


def test_cd_double_dash_searches_the_history(shell: Any, here: Path) -> None:
    (here / "project_alpha").mkdir()
    shell.run_line_magic("cd", "project_alpha")
    shell.run_line_magic("cd", str(here))
    shell.run_line_magic("cd", "--alpha")
    assert cwd(shell) == str(here / "project_alpha")


def test_cd_without_argument_goes_home(
    shell: Any, here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = here / "home"
    home.mkdir()
    setenv(shell, monkeypatch, "HOME", str(home))
    shell.run_line_magic("cd", "")
    assert cwd(shell) == str(home)
    shell.run_line_magic("cd", "~")
    assert cwd(shell) == str(home)


def test_cd_to_a_missing_directory_reports_and_stays(
    shell: Any, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shell.run_line_magic("cd", "nowhere")
    assert "No such file or directory" in capsys.readouterr().out
    assert cwd(shell) == str(here)


def test_cd_into_a_directory_with_spaces(shell: Any, here: Path) -> None:
    (here / "my dir").mkdir()
    shell.run_line_magic("cd", '"my dir"')
    assert cwd(shell) == str(here / "my dir")


def test_dhist_prints_the_numbered_history(
    shell: Any, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / "d").mkdir()
    set_dir_history(shell, str(here))
    shell.run_line_magic("cd", "d")
    capsys.readouterr()
    shell.run_line_magic("dhist", "")
    assert (
        capsys.readouterr().out == f"Directory history (kept in _dh)\n0: {here}\n1: {here / 'd'}\n"
    )
    shell.run_line_magic("dhist", "1")
    assert capsys.readouterr().out == f"Directory history (kept in _dh)\n1: {here / 'd'}\n"


def test_automagic_cd_and_pwd_through_run_cell(
    shell: Any, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / "auto").mkdir()
    shell.run_cell("cd auto")
    result = shell.run_cell("pwd")
    assert result.result == str(here / "auto")


def test_pushd_popd_dirs(shell: Any, here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "p").mkdir()
    stack = list(shell.run_line_magic("pushd", "p"))
    assert cwd(shell) == str(here / "p")
    assert shell.run_line_magic("dirs", "") == stack
    assert len(stack) == 1
    capsys.readouterr()
    shell.run_line_magic("popd", "")
    assert cwd(shell) == str(here)
    assert capsys.readouterr().out.endswith(f"popd -> {stack[0]}\n")
    with pytest.raises(UsageError, match="empty stack"):
        shell.run_line_magic("popd", "")


def test_bookmarks_list_jump_and_delete(
    shell: Any, here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / "marked").mkdir()
    shell.run_line_magic("bookmark", f"spot {here / 'marked'}")
    capsys.readouterr()
    shell.run_line_magic("bookmark", "-l")
    assert capsys.readouterr().out == f"Current bookmarks:\nspot -> {here / 'marked'}\n"
    shell.run_line_magic("cd", "-b spot")
    assert cwd(shell) == str(here / "marked")
    assert capsys.readouterr().out.startswith(f"(bookmark:spot) -> {here / 'marked'}\n")
    shell.run_line_magic("bookmark", "-d spot")
    with pytest.raises(UsageError, match="Bookmark 'spot' not found"):
        shell.run_line_magic("cd", "-b spot")


def test_bookmark_needs_a_name(shell: Any) -> None:
    with pytest.raises(UsageError, match="must specify the bookmark name"):
        shell.run_line_magic("bookmark", "")


# -- environment ----------------------------------------------------------------------


def test_env_without_arguments_returns_the_environment_with_secrets_hidden(
    shell: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    setenv(shell, monkeypatch, "LS_TEST_PLAIN", "visible")
    setenv(shell, monkeypatch, "LS_TEST_API_TOKEN", "s3cret")
    env = shell.run_line_magic("env", "")
    assert env["LS_TEST_PLAIN"] == "visible"
    assert env["LS_TEST_API_TOKEN"] == "<hidden>"


def test_env_var_returns_its_value(shell: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(shell, monkeypatch, "LS_TEST_VAR", "value 1")
    assert shell.run_line_magic("env", "LS_TEST_VAR") == "value 1"


def test_env_of_a_missing_var_is_a_usage_error(shell: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    setenv(shell, monkeypatch, "LS_TEST_MISSING", None)
    with pytest.raises(UsageError, match="Environment does not have key: LS_TEST_MISSING"):
        shell.run_line_magic("env", "LS_TEST_MISSING")


@pytest.mark.parametrize("line", ["LS_TEST_SET=hello", "LS_TEST_SET hello", "LS_TEST_SET = hello"])
def test_env_sets_a_variable(
    shell: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, line: str
) -> None:
    setenv(shell, monkeypatch, "LS_TEST_SET", None)
    assert shell.run_line_magic("env", line) is None
    assert getenv(shell, "LS_TEST_SET") == "hello"
    assert capsys.readouterr().out == "env: LS_TEST_SET=hello\n"


def test_env_expands_python_variables(
    shell: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    setenv(shell, monkeypatch, "LS_TEST_EXP", None)
    shell.run_cell("where = '/opt/x'")
    shell.run_cell("%env LS_TEST_EXP=$where")
    assert getenv(shell, "LS_TEST_EXP") == "/opt/x"


def test_set_env_refuses_bad_input(shell: Any) -> None:
    with pytest.raises(UsageError, match="usage is 'set_env var=val'"):
        shell.run_line_magic("set_env", "NOVALUE")


# -- aliases --------------------------------------------------------------------------


def test_alias_with_percent_s_parameters(shell: Any, capfd: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("alias", "parts echo first %s second %s")
    shell.run_line_magic("parts", "A B")
    assert capfd.readouterr().out == "first A second B\n"


def test_alias_with_too_few_arguments(shell: Any) -> None:
    shell.run_line_magic("alias", "parts echo first %s second %s")
    with pytest.raises(UsageError, match=r"Alias <parts> requires 2 arguments, 1 given\."):
        shell.run_line_magic("parts", "A")


def test_alias_with_percent_l_takes_the_whole_line(
    shell: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    shell.run_line_magic("alias", 'bracket echo "Input in brackets: <%l>"')
    shell.run_line_magic("bracket", "hello world")
    assert capfd.readouterr().out == "Input in brackets: <hello world>\n"


def test_alias_extra_arguments_are_appended(shell: Any, capfd: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("alias", "say echo")
    shell.run_line_magic("say", "one two")
    assert capfd.readouterr().out == "one two\n"


def test_alias_runs_through_automagic(shell: Any, capfd: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("alias", "parts echo first %s second %s")
    result = shell.run_cell("parts A B")
    assert result.success
    assert capfd.readouterr().out == "first A second B\n"


def test_alias_lists_and_unalias_removes(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("alias", "greet echo hi")
    aliases = shell.run_line_magic("alias", "")
    assert ("greet", "echo hi") in aliases
    assert capsys.readouterr().out == f"Total number of aliases: {len(aliases)}\n"
    shell.run_line_magic("unalias", "greet")
    assert in_shell(shell, "get_ipython().find_line_magic('greet')") is None
    shell.run_line_magic("unalias", "greet")
    assert capsys.readouterr().out == "greet is not an alias\n"


def test_alias_cannot_shadow_a_magic(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("alias", "who echo no")
    assert "because it is another magic command" in capsys.readouterr().out
    shell.run_line_magic("alias", "cd echo no")
    assert "can't be aliased" in capsys.readouterr().out


def test_posix_shells_start_with_ls_and_friends(shell: Any) -> None:
    aliases = dict(shell.run_line_magic("alias", ""))
    assert {"ls", "ll", "cat", "mkdir", "rm"} <= set(aliases)
    assert "--color" not in aliases["ls"]  # the fixture's shell has colours off


def test_alias_expansion_rules() -> None:
    class FakeShell:
        class magics_manager:
            magics: dict[str, dict[str, Any]] = {"line": {}}

    shell = FakeShell()
    assert Alias(shell, "a", "echo %s-%s").expand("1 2 3") == "echo 1-2 3"
    assert Alias(shell, "b", "ls %l | wc").expand("-a x") == "ls -a x | wc"
    assert Alias(shell, "c", "printf %%s").expand("z") == "printf %s z"
    with pytest.raises(InvalidAliasError, match="mutually exclusive"):
        Alias(shell, "d", "echo %s %l")


# -- running commands ---------------------------------------------------------------------


def test_sx_returns_the_output_lines(shell: Any) -> None:
    out = shell.run_line_magic("sx", "printf 'a\\nb\\n'")
    assert list(out) == ["a", "b"]
    assert shell.run_line_magic("system", "echo hi") == ["hi"]


def test_sx_cell_with_out_stores_the_lines(shell: Any) -> None:
    shell.run_cell_magic("sx", "--out lines", "echo one; echo two")
    assert list(shell.user_ns["lines"]) == ["one", "two"]


def test_pip_runs_the_interpreters_own_pip(shell: Any, capsys: pytest.CaptureFixture[str]) -> None:
    shell.run_line_magic("pip", "--version")
    out = capsys.readouterr().out
    first, note = out.splitlines()[0], out.splitlines()[-1]
    # "pip 24.0 from /venv/lib/python3.11/site-packages/pip (python 3.11)"
    location = Path(first.split(" from ", 1)[1].rsplit(" (python", 1)[0])
    assert first.startswith("pip ")
    assert location.resolve().is_relative_to(Path(sys.prefix).resolve())
    assert note == "Note: you may need to restart the kernel to use updated packages."

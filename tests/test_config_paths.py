"""Configuration (typed keys, TOML file, KEY=VALUE) and the shell's own directories."""

from __future__ import annotations

from pathlib import Path

import pytest

from legacy_shell.config import ShellConfig
from legacy_shell.errors import ConfigError
from legacy_shell.paths import ShellPaths


def test_defaults_and_typed_assignment() -> None:
    cfg = ShellConfig()
    assert cfg["terminal.confirm_exit"] is True
    cfg.apply_assignment("terminal.confirm_exit=false")
    assert cfg["terminal.confirm_exit"] is False
    cfg.apply_assignment("history.length=50")
    assert cfg["history.length"] == 50
    cfg.apply_assignment("shell.extensions=['a', 'b']")
    assert cfg["shell.extensions"] == ["a", "b"]
    cfg.apply_assignment("shell.xmode=verbose")
    assert cfg["shell.xmode"] == "Verbose"


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("terminal.confirm_exit=maybe", "terminal.confirm_exit: expected bool"),
        ("history.length=many", "history.length: expected int"),
        ("shell.xmode=Loud", "shell.xmode: expected one of Plain, Context, Verbose, Minimal"),
        ("no.such_key=1", "Unknown configuration key 'no.such_key'"),
        ("justtext", "Expected KEY=VALUE"),
    ],
)
def test_bad_values_name_the_key_and_the_expected_type(assignment: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ShellConfig().apply_assignment(assignment)


def test_ipython_class_spellings_map_to_keys() -> None:
    cfg = ShellConfig()
    cfg.apply_assignment("TerminalInteractiveShell.confirm_exit = False")
    assert cfg["terminal.confirm_exit"] is False


def test_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[terminal]\nconfirm_exit = false\n[prompts]\nin = ">>> "\n[shell]\nextensions = ["x"]\n'
    )
    cfg = ShellConfig()
    cfg.load_file(path)
    assert cfg["terminal.confirm_exit"] is False
    assert cfg["prompts.in"] == ">>> "
    assert cfg["shell.extensions"] == ["x"]


def test_bad_toml_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[terminal]\nconfirm_exit = 3\n")
    with pytest.raises(ConfigError, match=r"config.toml: terminal.confirm_exit: expected bool"):
        ShellConfig().load_file(path)
    path.write_text("not toml [")
    with pytest.raises(ConfigError, match=r"config\.toml"):
        ShellConfig().load_file(path)


def test_observers_see_changes() -> None:
    cfg = ShellConfig()
    seen = []
    cfg.observe(lambda k, v: seen.append((k, v)))
    cfg.set("shell.automagic", False)
    assert seen == [("shell.automagic", False)]


def test_paths_follow_the_override_variable(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LEGACY_SHELL_DIR", str(tmp_path / "d"))
    p = ShellPaths.from_env()
    assert p.config_file == tmp_path / "d" / "config.toml"
    assert p.history_file == tmp_path / "d" / "history.sqlite"
    assert p.startup_dir == tmp_path / "d" / "startup"


def test_paths_follow_xdg_and_never_use_dot_ipython(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LEGACY_SHELL_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    p = ShellPaths.from_env()
    assert p.config_dir == tmp_path / "cfg" / "legacy-shell"
    assert p.history_file == tmp_path / "data" / "legacy-shell" / "history.sqlite"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert ShellPaths.from_env().config_dir == tmp_path / ".config" / "legacy-shell"
    assert ".ipython" not in str(ShellPaths.from_env().config_dir)


def test_bad_keys_in_the_file_do_not_cost_the_good_ones(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[shell]\ncache_size = "abc"\nxmode = "Plain"\n')
    cfg = ShellConfig()
    with pytest.raises(ConfigError, match=r"shell\.cache_size: expected int"):
        cfg.load_file(path)
    assert cfg["shell.xmode"] == "Plain"

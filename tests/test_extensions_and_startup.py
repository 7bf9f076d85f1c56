"""Extensions load, unload and reload; startup files run in order; failures are reported."""

from __future__ import annotations

import textwrap

import pytest
from shellside import in_shell


@pytest.fixture
def ext_dir(shell, tmp_path):
    """A directory on ``sys.path`` of the shell's process (the shell fixture restores it)."""
    shell.run_cell(f"import sys\nsys.path.insert(0, {str(tmp_path)!r})", silent=True).raise_error()
    return tmp_path


@pytest.fixture
def pythonstartup(tmp_path, monkeypatch):
    """``$PYTHONSTARTUP`` names ``tmp_path/pythonstartup.py``.

    Asked for before ``shell``: the shell's process starts with this environment.
    """
    path = tmp_path / "pythonstartup.py"
    monkeypatch.setenv("PYTHONSTARTUP", str(path))
    return path


def run_startup(shell, pythonstartup: bool = True) -> None:
    """``run_startup`` is not part of the shell API: the shell's process calls it."""
    shell.run_cell(f"get_ipython().run_startup(pythonstartup={pythonstartup})").raise_error()


def write(path, text):
    path.write_text(textwrap.dedent(text))


def test_load_unload_reload_extension(shell, ext_dir, capsys) -> None:
    write(
        ext_dir / "ext_counter.py",
        """
        def load_ipython_extension(ip):
            ip.user_ns["loads"] = ip.user_ns.get("loads", 0) + 1
        def unload_ipython_extension(ip):
            ip.user_ns["unloaded"] = True
    """,
    )
    shell.run_line_magic("load_ext", "ext_counter")
    assert shell.user_ns["loads"] == 1
    shell.run_line_magic("load_ext", "ext_counter")
    assert "already loaded" in capsys.readouterr().out
    shell.run_line_magic("reload_ext", "ext_counter")
    assert shell.user_ns["loads"] == 2
    shell.run_line_magic("unload_ext", "ext_counter")
    assert shell.user_ns["unloaded"] is True
    assert not in_shell(shell, "'ext_counter' in get_ipython().extension_manager.loaded")


def test_extension_that_raises_is_one_message_and_the_shell_goes_on(shell, ext_dir, capsys) -> None:
    write(
        ext_dir / "ext_broken.py",
        """
        def load_ipython_extension(ip):
            raise ValueError("cannot start")
    """,
    )
    res = shell.run_cell("%load_ext ext_broken")
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "ext_broken" in err and "ValueError: cannot start" in err
    assert res.success
    assert shell.run_cell("1 + 1").result == 2


def test_missing_extension_is_reported(shell, capsys) -> None:
    shell.run_cell("%load_ext no_such_extension_here")
    assert "No module named 'no_such_extension_here'" in capsys.readouterr().err


def test_module_without_load_function(shell, ext_dir, capsys) -> None:
    write(ext_dir / "ext_plain.py", "X = 1\n")
    shell.run_line_magic("load_ext", "ext_plain")
    assert "not an IPython extension" in capsys.readouterr().err


def test_startup_files_run_in_name_order_then_pythonstartup(
    pythonstartup, shell, shell_home
) -> None:
    startup = shell_home / "startup"
    startup.mkdir()
    (startup / "10-second.py").write_text("order.append('second')\n")
    (startup / "00-first.py").write_text("order = ['first']\n")
    (startup / "20-broken.py").write_text("raise RuntimeError('broken startup')\n")
    pythonstartup.write_text("order.append('PYTHONSTARTUP')\n")
    shell.config.set("shell.exec_lines", ["order_before = 'exec_lines'"])
    run_startup(shell)
    assert shell.user_ns["order"] == ["first", "second", "PYTHONSTARTUP"]
    assert shell.user_ns["order_before"] == "exec_lines"


def test_extensions_from_config_load_at_startup(shell, ext_dir) -> None:
    write(
        ext_dir / "ext_cfg.py",
        """
        def load_ipython_extension(ip):
            ip.push({"from_config": True})
    """,
    )
    shell.config.set("shell.extensions", ["ext_cfg", "missing_ext_xyz"])
    run_startup(shell)
    assert shell.user_ns["from_config"] is True


def test_pythonstartup_is_for_interactive_sessions_only(pythonstartup, shell) -> None:
    pythonstartup.write_text("from_pythonstartup = True\n")
    run_startup(shell, pythonstartup=False)
    assert "from_pythonstartup" not in shell.user_ns

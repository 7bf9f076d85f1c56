"""Extensions load, unload and reload; startup files run in order; failures are reported."""

from __future__ import annotations

import textwrap

import pytest


@pytest.fixture
def ext_dir(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


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
    assert "ext_counter" not in shell.extension_manager.loaded


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
    shell, shell_home, tmp_path, monkeypatch
) -> None:
    startup = shell_home / "startup"
    startup.mkdir()
    (startup / "10-second.py").write_text("order.append('second')\n")
    (startup / "00-first.py").write_text("order = ['first']\n")
    (startup / "20-broken.py").write_text("raise RuntimeError('broken startup')\n")
    ps = tmp_path / "pythonstartup.py"
    ps.write_text("order.append('PYTHONSTARTUP')\n")
    monkeypatch.setenv("PYTHONSTARTUP", str(ps))
    shell.config.set("shell.exec_lines", ["order_before = 'exec_lines'"])
    shell.run_startup()
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
    shell.run_startup()
    assert shell.user_ns["from_config"] is True


def test_pythonstartup_is_for_interactive_sessions_only(shell, tmp_path, monkeypatch) -> None:
    ps = tmp_path / "pythonstartup.py"
    ps.write_text("from_pythonstartup = True\n")
    monkeypatch.setenv("PYTHONSTARTUP", str(ps))
    shell.run_startup(pythonstartup=False)
    assert "from_pythonstartup" not in shell.user_ns

def test_here_runs_its_lines_and_the_alias_exists(shell, ext, capsys) -> None:
    ext.load("legacy_shortcuts")
    assert shell.user_ns["target_dir"] == "."
    shell.run_line_magic("here", "")
    assert shell.user_ns["shortcut_ran"] is True
    assert shell.user_ns["shortcut_target"] == "."
    capsys.readouterr()
    shell.run_line_magic("shortcut_echo", "now")
    assert "shortcut now" in capsys.readouterr().out

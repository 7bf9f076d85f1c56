def test_the_pager_hook_double_and_who_am_i(shell, ext, capsys) -> None:
    ext.load("legacy_callbacks")
    assert shell.run_cell("double(21)").result == 42
    capsys.readouterr()
    shell.run_line_magic("who_am_i", "")
    assert "True" in capsys.readouterr().out
    shell.run_line_magic("page", "-r double")
    assert "PAGED:" in capsys.readouterr().out

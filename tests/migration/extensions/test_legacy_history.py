def test_recent_shows_the_last_inputs(shell, ext, capsys) -> None:
    ext.load("legacy_history")
    shell.run_cell("first_input = 1", store_history=True)
    shell.run_cell("second_input = 2", store_history=True)
    capsys.readouterr()
    shell.run_line_magic("recent", "2")
    out = capsys.readouterr().out
    assert "first_input = 1" in out and "second_input = 2" in out

def test_cells_counts_the_cells_run_since_loading(shell, ext, capsys) -> None:
    ext.load("legacy_timer")
    shell.run_cell("a = 1")
    shell.run_cell("b = 2")
    capsys.readouterr()
    shell.run_line_magic("cells", "")
    assert "2 cell(s)" in capsys.readouterr().out

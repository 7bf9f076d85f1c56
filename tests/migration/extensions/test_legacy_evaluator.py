def test_ev_evaluates_in_the_user_namespace(shell, ext, capsys) -> None:
    ext.load("legacy_evaluator")
    shell.run_cell("answer = 6 * 7")
    capsys.readouterr()
    shell.run_line_magic("ev", "answer + 1")
    assert "43 True" in capsys.readouterr().out

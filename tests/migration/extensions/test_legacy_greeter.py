def test_greet_prints_and_stores_the_greeting(shell, ext, capsys) -> None:
    ext.load("legacy_greeter")
    shell.run_line_magic("greet", "Ada")
    assert "Hello, Ada!" in capsys.readouterr().out
    assert shell.user_ns["last_greeting"] == "Hello, Ada!"
    shell.run_line_magic("greet", "")
    shell.run_line_magic("greeted", "")
    assert "2 greeting(s)" in capsys.readouterr().out

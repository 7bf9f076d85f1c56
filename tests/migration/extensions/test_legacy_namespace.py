def test_seed_puts_values_in_the_namespace(shell, ext) -> None:
    ext.load("legacy_namespace")
    assert shell.user_ns["namespace_loaded"] is True
    assert shell.user_ns["namespace_shell_seen"] is True
    shell.run_line_magic("seed", "3")
    assert shell.user_ns["seed"] == 3
    assert shell.user_ns["seeds"] == [0, 1, 2]

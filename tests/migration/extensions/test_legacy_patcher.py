def test_the_patch_is_there_and_the_alias_works(shell, ext, capsys) -> None:
    ext.load("legacy_patcher")
    assert shell.run_cell("get_ipython().patched_by_extension").result is True
    capsys.readouterr()
    shell.run_line_magic("patched_echo", "ok")
    assert "patched ok" in capsys.readouterr().out

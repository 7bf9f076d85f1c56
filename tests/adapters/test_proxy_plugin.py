"""The pytest plugin, as a project that installs legacy-shell gets it (the ``pytest11`` entry point).

Each test here runs pytest in a subprocess on a small suite written for it
(``pytester``), with no conftest of ours: ``--shell-mode`` (or
``$LEGACY_SHELL_MODE``) picks where the ``shell`` fixture's shell lives,
``both`` runs every test that uses it twice, ``inprocess_only`` keeps a test
in-process, ``fresh_kernel`` gives a test a kernel of its own, and a summary
line counts what ran where. The inner runs start
kernels, so they are few and small.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

SUITE = """
import pytest


def test_uses_shell(shell, shell_mode):
    shell.run_cell("x = 1")
    assert shell.user_ns["x"] == 1
    expected = "InteractiveShell" if shell_mode == "inprocess" else "ShellProxy"
    assert type(shell).__name__ == expected


def test_without_shell():
    pass


@pytest.mark.inprocess_only(reason="needs the real object")
def test_inprocess_only(shell, shell_mode):
    assert shell_mode == "inprocess"
    assert type(shell).__name__ == "InteractiveShell"


def test_capsys_sees_a_cells_print(shell, capsys):
    shell.run_cell("print('hello from the cell')")
    assert capsys.readouterr().out == "hello from the cell\\n"


def test_1_sets_state(shell):
    shell.run_cell("leaked = 1", store_history=True)
    shell.run_cell("leaked += 1", store_history=True)
    assert shell.execution_count == 3


def test_2_sees_a_fresh_shell(shell):
    assert "leaked" not in shell.user_ns
    assert shell.execution_count == 1


PIDS = {}


def shell_pid(shell, shell_mode):
    pid = shell.run_cell("import os; os.getpid()").result
    PIDS.setdefault(shell_mode, []).append(pid)
    return PIDS[shell_mode]


def test_3_shares_the_session_kernel(shell, shell_mode):
    shell_pid(shell, shell_mode)


@pytest.mark.fresh_kernel
def test_4_fresh_kernel_gets_a_kernel_of_its_own(shell, shell_mode):
    before, mine = shell_pid(shell, shell_mode)
    assert (mine != before) == (shell_mode == "two-process")


def test_5_the_next_test_does_not_inherit_it(shell, shell_mode):
    _, fresh, mine = shell_pid(shell, shell_mode)
    assert (mine != fresh) == (shell_mode == "two-process")
"""

SUMMARY = "shell modes: {} tests ran in-process, {} in two-process mode; {} are in-process only"


@pytest.fixture
def suite(pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.delenv("LEGACY_SHELL_MODE", raising=False)
    pytester.makepyfile(test_suite=SUITE)


def test_both_runs_each_shell_test_in_each_mode(pytester: pytest.Pytester, suite: None) -> None:
    result = pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider", "--shell-mode=both")
    result.assert_outcomes(passed=16)
    result.stdout.fnmatch_lines_random(
        [
            "*::test_uses_shell[[]inprocess[]] PASSED*",
            "*::test_uses_shell[[]two-process[]] PASSED*",
            "*::test_without_shell PASSED*",
            "*::test_inprocess_only[[]inprocess[]] PASSED*",
            "*::test_capsys_sees_a_cells_print[[]two-process[]] PASSED*",
            "*::test_2_sees_a_fresh_shell[[]two-process[]] PASSED*",
        ]
    )
    output = result.stdout.str()
    assert "test_inprocess_only[two-process]" not in output
    assert "test_without_shell[" not in output
    assert SUMMARY.format(8, 7, 1) in output


def test_the_environment_picks_two_process_by_default(
    pytester: pytest.Pytester, suite: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEGACY_SHELL_MODE", "two-process")
    result = pytester.runpytest_subprocess("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=8, skipped=1)
    result.stdout.fnmatch_lines_random(
        [
            "*::test_uses_shell PASSED*",
            "*::test_capsys_sees_a_cells_print PASSED*",
            "*::test_inprocess_only SKIPPED*",
            "*::test_2_sees_a_fresh_shell PASSED*",
        ]
    )
    assert "[two-process]" not in result.stdout.str()
    assert SUMMARY.format(0, 7, 1) in result.stdout.str()


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_bogus_mode_is_a_usage_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    pytester.makepyfile(test_nothing="def test_nothing(): pass\n")
    if how == "option":
        monkeypatch.delenv("LEGACY_SHELL_MODE", raising=False)
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--shell-mode=bogus")
    else:
        monkeypatch.setenv("LEGACY_SHELL_MODE", "bogus")
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = result.stderr.str()
    assert "bogus" in errors
    assert "inprocess" in errors and "two-process" in errors and "both" in errors
    assert "passed" not in result.stdout.str()  # nothing ran


def test_an_inprocess_only_marker_without_a_reason_is_a_collection_error(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LEGACY_SHELL_MODE", raising=False)
    pytester.makepyfile(
        test_unexplained="""
import pytest

@pytest.mark.inprocess_only
def test_it(shell):
    pass
"""
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.INTERRUPTED  # collection errors stop the run
    output = result.stdout.str()
    assert "inprocess_only needs a reason" in output
    assert "Traceback (most recent call last)" not in output and "_pytest/" not in output

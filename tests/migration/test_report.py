"""``shell-migrate report``: the audit, the tests in both modes and their coverage, per project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migration.cli import main

EXTENSIONS = Path(__file__).resolve().parent / "extensions"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_audit_part_lists_every_manual_site(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", str(EXTENSIONS / "legacy_patcher.py"))
    assert code == 1
    assert "| manual | 2 |" in out
    assert "`InteractiveShell` | manual | subclassing the shell |" in out
    assert out.rstrip().splitlines()[-1].startswith(f"- {EXTENSIONS / 'legacy_patcher.py'}: ")


def test_a_ported_extensions_tests_run_in_both_modes_with_coverage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "greeter"
    project.mkdir()
    for name in ("legacy_greeter.py", "test_legacy_greeter.py", "conftest.py"):
        shutil.copy(EXTENSIONS / name, project / name)
    assert main(["codemod", "--write", str(project)]) == 0
    capsys.readouterr()
    html = tmp_path / "report.html"
    code, out, _ = run(
        capsys, "report", "--tests", f"pytest {project}", "--html", str(html), str(project)
    )
    assert code == 0, out
    rows = [line for line in out.splitlines() if line.startswith(("| inprocess", "| two-process"))]
    assert [row.split(" | ")[1] for row in rows] == ["passed", "passed"]
    assert all(row.rstrip(" |").endswith("%") for row in rows)
    assert "<table>" in html.read_text() and "two-process" in html.read_text()


def test_tests_must_be_a_pytest_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", "--tests", "make check", str(tmp_path))
    assert code == 2
    assert "--tests takes a pytest command" in err

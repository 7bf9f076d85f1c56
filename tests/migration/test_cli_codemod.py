"""``shell-migrate codemod``: a diff by default, safe writes, rules chosen, bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from migration.cli import main

LEGACY = 'def init_ipython(ip):\n    ip.magic("cd /tmp")\n'
PORTED = 'def load_ipython_extension(ip):\n    ip.run_line_magic("cd", "/tmp")\n'


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_dry_run_prints_a_diff_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ext = tmp_path / "ext.py"
    ext.write_text(LEGACY)
    code, out, _ = run(capsys, "codemod", str(ext))
    assert code == 0
    assert ext.read_text() == LEGACY
    assert f"--- {ext}\n+++ {ext}\n" in out
    assert '\n-    ip.magic("cd /tmp")\n' in out
    assert '\n+    ip.run_line_magic("cd", "/tmp")\n' in out
    assert f"{ext}:2:5: rewritten magic (rule magic)" in out
    assert "would change 1" in out


def test_write_changes_the_file_keeping_encoding_line_endings_and_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ext = tmp_path / "ext.py"
    latin = "# -*- coding: latin-1 -*-\r\n# caf\xe9\r\n" + LEGACY.replace("\n", "\r\n")
    ext.write_bytes(latin.encode("latin-1"))
    ext.chmod(0o640)
    untouched = tmp_path / "other.py"
    untouched.write_text("x = 1\n")
    before = untouched.stat().st_mtime_ns
    code, out, _ = run(capsys, "codemod", "--write", str(tmp_path))
    assert code == 0
    expected = "# -*- coding: latin-1 -*-\r\n# caf\xe9\r\n" + PORTED.replace("\n", "\r\n")
    assert ext.read_bytes() == expected.encode("latin-1")
    assert ext.stat().st_mode & 0o777 == 0o640
    assert untouched.stat().st_mtime_ns == before
    assert f"rewrote {ext}" in out
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_only_runs_the_rules_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ext = tmp_path / "ext.py"
    ext.write_text(LEGACY)
    run(capsys, "codemod", "--write", "--only", "init-ipython", "--", str(ext))
    assert ext.read_text() == LEGACY.replace("init_ipython", "load_ipython_extension")


def test_an_unknown_rule_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "codemod", "--only", "nope", "--", str(tmp_path))
    assert code == 2
    assert err.startswith("shell-migrate codemod: error: unknown rule nope (the rules: ")


def test_list_rules_describes_each(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "codemod", "--list-rules")
    assert code == 0
    for name in ("magic", "ip-attr", "push", "runlines", "expose-magic", "set-hook",
                 "init-ipython", "get-ipython", "imports"):  # fmt: skip
        assert f"{name}\n    " in out


def test_json_names_the_rule_of_each_rewritten_site_and_the_reason_of_each_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ext = tmp_path / "ext.py"
    ext.write_text(LEGACY + "    ip.set_hook('editor', print)\n")
    code, out, _ = run(capsys, "codemod", "--json", str(ext))
    data = json.loads(out)
    assert code == 1  # one site needs a human
    sites = data["files"][0]["sites"]
    assert {"line": 2, "col": 5, "chain": "magic", "class": "rewritable", "reason": "rewritten",
            "proven": True, "rule": "magic"} in sites  # fmt: skip
    left = [s for s in sites if s["class"] == "manual"]
    assert [(s["line"], s["rule"]) for s in left] == [(3, "set-hook")]
    assert data["files"][0]["changed"] is True
    assert ext.read_text().startswith(LEGACY)  # a dry run


def test_a_file_that_does_not_parse_is_reported_and_the_rest_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a_broken.py").write_text("def init_ipython(ip:\n")
    ext = tmp_path / "b_ext.py"
    ext.write_text(LEGACY)
    code, out, _ = run(capsys, "codemod", "--write", str(tmp_path))
    assert code == 1
    assert "a_broken.py: error: does not parse" in out
    assert ext.read_text() == PORTED

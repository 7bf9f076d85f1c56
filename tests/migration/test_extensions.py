"""Proof on extensions: eight legacy extensions, audited, ported, and their tests run in both modes.

``tests/migration/extensions/`` holds small extensions written against the
legacy API, each with tests of its magics and hooks (which run in the normal
suite too, on the originals: they work, and warn). Here: the audit reports
every manual site with the right reason and line; ``shell-migrate codemod
--write`` on a copy ports the rest; the copy's tests then pass in both modes,
with no DeprecationWarning from the extensions that had no manual site.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest

from migration.audit import (
    MANUAL_CALLBACK,
    MANUAL_EVAL,
    MANUAL_FRAME,
    MANUAL_NOT_API,
    MANUAL_PATCH,
    MANUAL_PRIVATE,
    MANUAL_SUBCLASS,
    MANUAL_VALUE,
    audit_module,
)
from migration.contract import load_contract
from migration.rules import RULES

EXTENSIONS = Path(__file__).resolve().parent / "extensions"
SHELL_MIGRATE = str(Path(sys.executable).with_name("shell-migrate"))
NAMES = sorted(p.stem for p in EXTENSIONS.glob("legacy_*.py"))

#: The manual sites of each original: (line, reason).
MANUAL = {
    "legacy_callbacks": [
        (21, f"{MANUAL_CALLBACK}: hook show_in_pager has no event that is the same moment"),
        (22, MANUAL_VALUE),
    ],
    "legacy_evaluator": [(11, MANUAL_FRAME), (12, MANUAL_EVAL)],
    "legacy_greeter": [],
    "legacy_history": [(10, MANUAL_NOT_API), (11, MANUAL_PRIVATE)],
    "legacy_namespace": [],
    "legacy_patcher": [(6, MANUAL_SUBCLASS), (15, MANUAL_PATCH)],
    "legacy_shortcuts": [],
    "legacy_timer": [],
}


def _audit(path: Path) -> list:
    module = cst.parse_module(path.read_text())
    return audit_module(cst.MetadataWrapper(module), load_contract())


def test_there_are_at_least_eight_and_each_has_tests() -> None:
    assert len(NAMES) >= 8
    assert set(NAMES) == set(MANUAL)
    for name in NAMES:
        assert (EXTENSIONS / f"test_{name}.py").is_file(), name


@pytest.mark.parametrize("name", NAMES)
def test_every_manual_site_is_reported_with_its_reason_and_line(name: str) -> None:
    manual = [(s.line, s.reason) for s in _audit(EXTENSIONS / f"{name}.py") if s.cls == "manual"]
    assert manual == MANUAL[name]


def test_together_they_cover_every_rule_and_every_manual_reason() -> None:
    rules = {s.rule for name in NAMES for s in _audit(EXTENSIONS / f"{name}.py") if s.rule}
    # `imports` leaves no site of its own: it drops what the others left unused
    assert rules == {rule.NAME for rule in RULES} - {"imports"}
    reasons = {reason.split(":")[0] for sites in MANUAL.values() for _, reason in sites}
    assert reasons == {
        MANUAL_CALLBACK, MANUAL_PRIVATE, MANUAL_PATCH, MANUAL_SUBCLASS, MANUAL_EVAL,
        MANUAL_FRAME, MANUAL_VALUE, MANUAL_NOT_API,
    }  # fmt: skip


def test_ported_copies_pass_their_tests_in_both_modes_and_stop_warning(tmp_path: Path) -> None:
    copy = tmp_path / "extensions"
    shutil.copytree(EXTENSIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    ported = subprocess.run(
        [SHELL_MIGRATE, "codemod", "--write", str(copy)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert ported.returncode == 1, ported.stdout  # some sites need a human
    for name in NAMES:  # a ported extension uses no legacy entry point or getter
        code = (copy / f"{name}.py").read_text().split('"""', 2)[-1]  # after the docstring
        assert "init_ipython" not in code and "ipapi" not in code, name
    log = tmp_path / "warnings.jsonl"
    env = {**os.environ, "MIGRATION_WARNINGS_LOG": str(log)}
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--shell-mode=both",
         "-o", "addopts=", str(copy)],
        capture_output=True, text=True, timeout=600, cwd=copy, env=env,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert f"{2 * len(NAMES)} passed" in tests.stdout
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert {(r["extension"], r["test"].rsplit("[", 1)[1]) for r in records} == {
        (name, mode) for name in NAMES for mode in ("inprocess]", "two-process]")
    }
    for record in records:
        name = record["extension"]
        manual_lines = {s.line for s in _audit(copy / f"{name}.py") if s.cls == "manual"}
        lines = {line for _, line, _ in record["deprecations"]}
        if not MANUAL[name]:
            assert lines == set(), record  # fully rewritable: warning-free
        else:
            assert lines <= manual_lines, record  # warns only where a human must look

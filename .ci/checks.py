"""The whole check suite: ruff (lint + format), mypy, import-linter, pytest under coverage.

Run by ``./dev test`` (and so by CI). Exits non-zero when any step fails;
every step runs even if an earlier one failed, so one run shows everything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PACKAGES = ["legacy_shell", "split", "adapters", "migration"]
#: The shell suite runs in both modes: in-process and against a kernel through the proxy.
PYTEST_DEFAULTS = ["--shell-mode=both"]


def run(title: str, argv: list[str], env: dict[str, str] | None = None) -> int:
    print(f"\n=== {title}: {' '.join(argv)}", flush=True)
    return subprocess.call(argv, cwd=ROOT, env=env)


def main(pytest_args: list[str]) -> int:
    failures = []
    if run("ruff check", [str(BIN / "ruff"), "check", "."]):
        failures.append("ruff check")
    if run("ruff format", [str(BIN / "ruff"), "format", "--check", "."]):
        failures.append("ruff format")
    if run("mypy", [str(BIN / "mypy"), *PACKAGES]):
        failures.append("mypy")
    # the architecture rules (contracts in pyproject.toml, see docs/architecture.md)
    if run("import-linter", [str(BIN / "lint-imports"), "--no-cache"]):
        failures.append("import-linter")
    env = dict(os.environ)
    env["COVERAGE_PROCESS_START"] = str(ROOT / "pyproject.toml")
    subprocess.call([str(BIN / "coverage"), "erase"], cwd=ROOT)
    code = run(
        "pytest (under coverage)",
        [
            str(BIN / "coverage"),
            "run",
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            *PYTEST_DEFAULTS,
            *pytest_args,
        ],
        env,
    )
    if code not in (0,):
        failures.append(f"pytest (exit {code})")
    subprocess.call([str(BIN / "coverage"), "combine", "-q"], cwd=ROOT)
    run("coverage total", [str(BIN / "coverage"), "report", "--format=total"])
    subprocess.call([str(BIN / "coverage"), "report", "--skip-covered", "--sort=cover"], cwd=ROOT)
    if failures:
        print(f"\nFAILED: {', '.join(failures)}")
        return 1
    print("\nAll checks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

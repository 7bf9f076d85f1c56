"""shell-migrate against libcst's own runner, over the same tree of Python files.

``shell-migrate audit`` and ``shell-migrate codemod`` (a dry run) against
``python -m libcst.tool codemod`` running a codemod that changes nothing
(``bench/noop_codemod.py``), all on every core, interleaved (ours, theirs,
ours, ...); files per second, medians, and the ratio (target >= 3x: the text
pre-filter keeps files that never mention the shell away from libcst).

    .venv/bin/python bench/migration_bench.py            # the stdlib + the venv's site-packages
    .venv/bin/python bench/migration_bench.py --quick    # a few stdlib packages, one round
    .venv/bin/python bench/migration_bench.py --tree DIR [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BIN, Row, median, print_table

HERE = Path(__file__).resolve().parent
QUICK = ("email", "json", "asyncio", "concurrent", "http", "xml", "importlib")


def trees(quick: bool, given: list[str]) -> list[str]:
    if given:
        return given
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    if quick:
        return [str(stdlib / name) for name in QUICK]
    # the stdlib (without the site-packages some installs keep inside it) and this venv's
    tops = sorted(p for p in stdlib.iterdir() if p.name != "site-packages")
    return [str(p) for p in tops if p.is_dir() or p.suffix == ".py"] + [
        sysconfig.get_paths()["purelib"]
    ]


def count_files(paths: list[str]) -> int:
    return sum(
        1 for p in paths for _, _, files in os.walk(p) for name in files if name.endswith(".py")
    )


def timed(argv: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few stdlib packages, one round")
    parser.add_argument("--tree", action="append", default=[], help="a directory (repeatable)")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (1)")
    args = parser.parse_args()
    paths = trees(args.quick, args.tree)
    rounds = args.rounds or 1
    jobs = str(len(os.sched_getaffinity(0)))
    files = count_files(paths)
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    ours_audit = [str(BIN / "shell-migrate"), "audit", "--jobs", jobs, *paths]
    ours_codemod = [str(BIN / "shell-migrate"), "codemod", "--jobs", jobs, *paths]
    # libcst.tool reads the command first: options after it
    theirs = [sys.executable, "-m", "libcst.tool", "codemod", "-x", "noop_codemod.NoOp",
              "--no-format", "--hide-progress", "-j", jobs, *paths]  # fmt: skip
    samples: dict[str, list[float]] = {"audit": [], "codemod": [], "libcst": []}
    for _ in range(rounds):
        samples["audit"].append(timed(ours_audit))
        samples["libcst"].append(timed(theirs, env))
        samples["codemod"].append(timed(ours_codemod))
    rate = {name: files / median(times) for name, times in samples.items()}
    where = ", ".join(paths) if len(paths) <= 8 else f"{len(paths)} directories and files"
    print(f"{files} files under {where}; {rounds} round(s), {jobs} jobs; medians")
    print_table(
        "shell-migrate against libcst's runner (no-op codemod), files per second",
        [
            Row("`shell-migrate audit`", rate["audit"], rate["libcst"], "files/s",
                target=3, lower_is_better=False),
            Row("`shell-migrate codemod` (dry run)", rate["codemod"], rate["libcst"], "files/s",
                target=3, lower_is_better=False),
        ],
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

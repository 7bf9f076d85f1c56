"""Start-up benchmark: ``ipython -c pass`` against IPython's and plain Python's.

Runs the three commands interleaved (so a noisy neighbour hurts all of them
alike), prints medians and the ratio to IPython. Measured as users get it:
the packages are byte-compiled first and the children may write bytecode,
whatever ``PYTHONDONTWRITEBYTECODE`` says in this shell.

    .venv/bin/python bench/startup.py [--runs 30]
"""

from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from common import BenchError, check_our_ipython, median  # noqa: E402


def byte_compile() -> None:
    """Compile our package and site-packages, as an installed copy would be."""
    for path in (ROOT / "legacy_shell", Path(sysconfig.get_paths()["purelib"])):
        compileall.compile_dir(str(path), quiet=1, workers=0)


def time_once(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per command (default 30)")
    args = parser.parse_args()
    try:
        ours = check_our_ipython()
    except BenchError as e:
        print(e, file=sys.stderr)
        return 2
    byte_compile()
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env.update(LEGACY_SHELL_DIR=f"{home}/ls", IPYTHONDIR=f"{home}/ipy", HOME=home)
        commands = {
            "legacy-shell: ipython -c pass": [str(ours), "-c", "pass"],
            "IPython: python -m IPython -c pass": [sys.executable, "-m", "IPython", "-c", "pass"],
            "python -c pass": [sys.executable, "-c", "pass"],
        }
        for argv in commands.values():  # warm up: first runs create profiles and caches
            for _ in range(2):
                time_once(argv, env)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                samples[name].append(time_once(argv, env))
    med = {name: median(s) for name, s in samples.items()}
    ipy = med["IPython: python -m IPython -c pass"]
    print(f"start-up, median of {args.runs} runs (interleaved)")
    for name, value in med.items():
        print(f"  {name:<40} {value * 1000:8.1f} ms   {value / ipy:5.2f}x IPython")
    target = 0.8
    ratio = med["legacy-shell: ipython -c pass"] / ipy
    print(f"legacy-shell / IPython = {ratio:.2f} (target <= {target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

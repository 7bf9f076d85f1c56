"""Run ``./dev test`` several times while every core is kept busy: the suite must not flake.

    python3 .ci/under_load.py [RUNS] [-- pytest args...]

CI machines are small and shared; a test that passes only on an idle machine
blocks every later landing. This starts one busy loop per core (``stress-ng
--cpu N`` when it is installed, a Python busy loop per core otherwise), runs the
whole suite RUNS times (default 3), stops the loops it started (by pid) and
prints how each run ended. Exit status 0 only when every run passed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_hogs(cores: int) -> list[subprocess.Popen[bytes]]:
    """One busy loop per core; ``stress-ng`` if the machine has it."""
    stress = shutil.which("stress-ng")
    if stress:
        argv = [stress, "--cpu", str(cores), "--quiet"]
        return [subprocess.Popen(argv, start_new_session=True)]
    loop = [sys.executable, "-c", "while True: pass"]
    return [subprocess.Popen(loop, start_new_session=True) for _ in range(cores)]


def stop_hogs(hogs: list[subprocess.Popen[bytes]]) -> None:
    for hog in hogs:
        if hog.poll() is None:
            os.killpg(hog.pid, signal.SIGTERM)  # its own session: stress-ng's workers too
    for hog in hogs:
        try:
            hog.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(hog.pid, signal.SIGKILL)
            hog.wait()


def main(argv: list[str]) -> int:
    # stopped from outside: still stop the busy loops (the finally below)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    runs = int(argv[0]) if argv and argv[0].isdigit() else 3
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []
    cores = os.cpu_count() or 2
    hogs = start_hogs(cores)
    results = []
    suite: subprocess.Popen[bytes] | None = None
    try:
        for n in range(1, runs + 1):
            started = time.monotonic()
            suite = subprocess.Popen([str(ROOT / "dev"), "test", *extra], cwd=ROOT)
            status = suite.wait()
            took = time.monotonic() - started
            results.append(status)
            print(f"\n*** run {n} of {runs} under load: exit {status} in {took:.0f} s", flush=True)
    finally:
        if suite is not None and suite.poll() is None:
            suite.terminate()  # the suite's own clean-up stops its kernels
            try:
                suite.wait(60)
            except subprocess.TimeoutExpired:
                suite.kill()
        stop_hogs(hogs)
    passed = sum(1 for status in results if status == 0)
    print(f"\n*** {passed} of {runs} runs passed with {cores} busy loops")
    return 0 if passed == runs else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

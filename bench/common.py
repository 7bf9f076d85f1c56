"""Shared pieces of the split benchmarks: statistics, the result table, processes, Jupyter dirs.

The benchmarks compare our kernel and frontend with ipykernel and jupyter_console
side by side in one run, on a shared and noisy machine: every measurement is
interleaved (ours, theirs, ours, ...) and reported as a median (and p99 where
a tail matters), with the ratio to the incumbent and whether the target is met.
Benchmarks (not product code) may use jupyter_client; ``split`` never does.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BIN",
    "ROOT",
    "BenchError",
    "JupyterDirs",
    "Row",
    "check_our_ipython",
    "descendants",
    "jupyter_dirs",
    "median",
    "percentile",
    "print_table",
    "rss_bytes",
    "tree_rss_bytes",
]

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
KERNEL_NAME = "legacy-shell"


class BenchError(Exception):
    """A benchmark could not run (a missing command, a kernel that did not answer)."""


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def percentile(samples: list[float], pct: float) -> float:
    """The ``pct`` percentile by nearest rank: with few samples it is the worst one, honestly."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class Row:
    """One line of the result table.

    ``lower_is_better`` says which way the target goes; ``target`` is either a
    ratio to the incumbent (``target_kind="ratio"``) or an absolute bound in
    the row's own unit (``"abs"``), e.g. p99 <= 50 ms.
    """

    what: str
    ours: float | None
    theirs: float | None
    unit: str
    target: float | None = None
    target_kind: str = "ratio"
    lower_is_better: bool = True
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.theirs:
            return None
        return self.ours / self.theirs

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        value = self.ratio if self.target_kind == "ratio" else self.ours
        if value is None:
            return None
        return value <= self.target if self.lower_is_better else value >= self.target

    def target_text(self) -> str:
        if self.target is None:
            return "-"
        op = "<=" if self.lower_is_better else ">="
        if self.target_kind == "ratio":
            return f"{op} {self.target:g}x"
        return f"{op} {self.target:g} {self.unit}"


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if abs(value) >= 100:
        return f"{value:.0f} {unit}"
    if abs(value) >= 10:
        return f"{value:.1f} {unit}"
    return f"{value:.2f} {unit}"


def print_table(title: str, rows: list[Row], out: Callable[[str], None] = print) -> None:
    """Print the rows as a Markdown table (so a run can be pasted into docs/benchmarks.md)."""
    out(f"\n### {title}\n")
    out("| what | ours | theirs | ratio | target | met? |")
    out("|---|---:|---:|---:|---|---|")
    for row in rows:
        ratio = "n/a" if row.ratio is None else f"{row.ratio:.3f}x"
        met = {True: "yes", False: "**no**", None: "-"}[row.met]
        note = f" ({row.note})" if row.note else ""
        out(
            f"| {row.what}{note} | {_fmt(row.ours, row.unit)} | {_fmt(row.theirs, row.unit)} "
            f"| {ratio} | {row.target_text()} | {met} |"
        )


def rss_bytes(pid: int) -> int:
    """Resident set size of one process, from ``/proc/<pid>/status`` (VmRSS, in kB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise BenchError(f"no VmRSS for pid {pid}")


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (from /proc/<pid>/task/*/children)."""
    found: list[int] = []
    stack = [pid]
    while stack:
        current = stack.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                children = [int(c) for c in (task / "children").read_text().split()]
                found.extend(children)
                stack.extend(children)
    return found


def tree_rss_bytes(pid: int) -> int:
    """RSS of a process and all its descendants (a kernel may fork helpers)."""
    total = 0
    for p in [pid, *descendants(pid)]:
        with contextlib.suppress(OSError, BenchError):
            total += rss_bytes(p)
    return total


def check_our_ipython() -> Path:
    """The venv's ``ipython`` script, after checking that it is ours and not IPython's."""
    script = BIN / "ipython"
    if "split.launcher" not in script.read_text(errors="replace"):
        raise BenchError(f"{script} is IPython's script, not legacy-shell's: run ./dev start once")
    return script


@dataclass
class JupyterDirs:
    """A private Jupyter world: kernelspecs, runtime dir and a shell home, via environment."""

    root: Path

    @property
    def env(self) -> dict[str, str]:
        return {
            "JUPYTER_PATH": str(self.root / "jupyter"),
            "JUPYTER_DATA_DIR": str(self.root / "data"),
            "JUPYTER_RUNTIME_DIR": str(self.root / "runtime"),
            "JUPYTER_CONFIG_DIR": str(self.root / "config"),
            "LEGACY_SHELL_DIR": str(self.root / "shellhome"),
            "IPYTHONDIR": str(self.root / "ipythondir"),
            "JUPYTER_PLATFORM_DIRS": "1",
        }


def _write_spec(kernels: Path, name: str, spec: dict[str, object]) -> None:
    (kernels / name).mkdir(parents=True, exist_ok=True)
    (kernels / name / "kernel.json").write_text(json.dumps(spec, indent=1))


@contextlib.contextmanager
def jupyter_dirs() -> Iterator[JupyterDirs]:
    """Set up (and set in ``os.environ``) a temporary Jupyter world with both kernelspecs.

    ``legacy-shell`` runs ``python -m split.kernel``; ``python3`` runs ipykernel
    with this same interpreter, so both sides use identical Pythons.
    """
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="splitbench-") as tmp:
        dirs = JupyterDirs(Path(tmp))
        os.environ.update(dirs.env)
        for key in ("data", "runtime", "config", "shellhome", "ipythondir"):
            (dirs.root / key).mkdir(mode=0o700)
        kernels = dirs.root / "jupyter" / "kernels"
        _write_spec(
            kernels,
            KERNEL_NAME,
            {
                "argv": [sys.executable, "-m", "split.kernel", "-f", "{connection_file}"],
                "display_name": "Python 3 (legacy-shell)",
                "language": "python",
                "interrupt_mode": "signal",
            },
        )
        _write_spec(
            kernels,
            "python3",
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "interrupt_mode": "signal",
            },
        )
        try:
            yield dirs
        finally:
            os.environ.clear()
            os.environ.update(saved)

"""``shell-migrate report``: the audit, the tests in both modes, and coverage, per project.

For each PATH (an extension's directory or file): the audit's counts and its
manual sites; with ``--tests "CMD"``, the project's tests run twice through
the dual-mode pytest plugin (``--shell-mode=inprocess``, then
``--shell-mode=two-process``) under coverage, which follows the tests into
the kernel the plugin starts (``patch = subprocess``), so each mode's figure
covers the extension's code where it ran. Markdown on stdout, or HTML.
"""

from __future__ import annotations

import html
import os
import shlex
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .runner import FileResult

__all__ = [
    "ModeRun",
    "ProjectReport",
    "render_html",
    "render_markdown",
    "run_tests",
    "test_command",
]

MODES = ("inprocess", "two-process")


@dataclass
class ModeRun:
    mode: str
    passed: bool
    status: int
    coverage: float | None
    tail: str = ""


@dataclass
class ProjectReport:
    path: str
    results: list[FileResult]
    runs: list[ModeRun] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(site.cls for r in self.results for site in r.sites)

    @property
    def errors(self) -> list[FileResult]:
        return [r for r in self.results if r.error]

    def summary(self) -> str:
        c = self.counts
        line = (
            f"{self.path}: {sum(c.values())} shell accesses ({c['proxy-safe']} proxy-safe, "
            f"{c['rewritable']} rewritable, {c['manual']} manual)"
        )
        if self.errors:
            line += f", {len(self.errors)} files not read or parsed"
        for run in self.runs:
            cover = f", coverage {run.coverage:.0f}%" if run.coverage is not None else ""
            line += f"; {run.mode}: {'passed' if run.passed else 'FAILED'}{cover}"
        return line


def test_command(tests: str) -> list[str]:
    """``--tests "CMD"`` as arguments after ``python``: a pytest command (``pytest ...`` or
    ``python -m pytest ...``); anything else is a ``ValueError`` saying so."""
    argv = shlex.split(tests)
    if argv[:1] in (["pytest"], ["py.test"]):
        return ["-m", "pytest", *argv[1:]]
    if len(argv) >= 3 and argv[1:3] == ["-m", "pytest"]:
        return argv[1:]
    raise ValueError(f"--tests takes a pytest command (pytest ARGS...), not {tests!r}")


def run_tests(project: Path, tests: str, cwd: Path) -> list[ModeRun]:
    """Run ``tests`` in each mode under coverage of ``project``; one ``ModeRun`` each."""
    runs = []
    for mode in MODES:
        with tempfile.TemporaryDirectory(prefix="shell-migrate-report-") as tmp:
            rc = Path(tmp) / "coveragerc"
            source = project if project.is_dir() else project.parent
            rc.write_text(
                "[run]\n"
                f"source = {source}\n"
                "parallel = true\n"
                "patch = subprocess\n"
                f"data_file = {Path(tmp) / '.coverage'}\n"
            )
            env = {**os.environ, "COVERAGE_PROCESS_START": str(rc)}
            argv = [
                sys.executable, "-m", "coverage", "run", f"--rcfile={rc}",
                *test_command(tests), f"--shell-mode={mode}", "-p", "no:cacheprovider",
            ]  # fmt: skip
            done = subprocess.run(
                argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=3600
            )
            coverage = _total(rc, cwd, env)
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-5:])
            runs.append(ModeRun(mode, done.returncode == 0, done.returncode, coverage, tail))
    return runs


def _total(rc: Path, cwd: Path, env: dict[str, str]) -> float | None:
    base = [sys.executable, "-m", "coverage"]
    subprocess.run([*base, "combine", "-q", f"--rcfile={rc}"], cwd=cwd, env=env,
                   capture_output=True, timeout=600)  # fmt: skip
    done = subprocess.run(
        [*base, "report", "--format=total", "--precision=1", f"--rcfile={rc}"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    try:
        return float(done.stdout.strip())
    except ValueError:
        return None


def _rows(report: ProjectReport) -> list[tuple[str, str, str, str]]:
    rows = []
    for result in report.results:
        if result.error:
            rows.append((result.path, "", "error", result.error))
        for site in result.sites:
            if site.cls == "manual":
                rows.append((f"{result.path}:{site.line}", site.chain, "manual", site.reason))
    return rows


def render_markdown(reports: list[ProjectReport]) -> str:
    out: list[str] = ["# Migration report", ""]
    for report in reports:
        c = report.counts
        out += [f"## {report.path}", "", "| class | sites |", "|---|---:|"]
        out += [f"| {cls} | {c[cls]} |" for cls in ("proxy-safe", "rewritable", "manual")]
        out.append("")
        if report.runs:
            out += ["| mode | tests | coverage |", "|---|---|---:|"]
            for run in report.runs:
                cover = f"{run.coverage:.1f}%" if run.coverage is not None else "-"
                result = "passed" if run.passed else f"failed (exit {run.status})"
                out.append(f"| {run.mode} | {result} | {cover} |")
            out.append("")
            for run in report.runs:
                if not run.passed:
                    out += [f"{run.mode}, last lines:", "", "```", run.tail, "```", ""]
        rows = _rows(report)
        if rows:
            out += ["| where | chain | class | reason |", "|---|---|---|---|"]
            out += [f"| {w} | `{ch}` | {cls} | {why} |" for w, ch, cls, why in rows]
            out.append("")
    out += ["## Summary", ""] + [f"- {r.summary()}" for r in reports]
    return "\n".join(out) + "\n"


def render_html(reports: list[ProjectReport]) -> str:
    esc = html.escape
    parts = ["<!doctype html>", "<meta charset='utf-8'>", "<title>Migration report</title>",
             "<h1>Migration report</h1>"]  # fmt: skip
    for report in reports:
        c = report.counts
        parts.append(f"<h2>{esc(report.path)}</h2><table><tr><th>class</th><th>sites</th></tr>")
        parts += [
            f"<tr><td>{cls}</td><td>{c[cls]}</td></tr>"
            for cls in ("proxy-safe", "rewritable", "manual")
        ]
        parts.append("</table>")
        if report.runs:
            parts.append("<table><tr><th>mode</th><th>tests</th><th>coverage</th></tr>")
            for run in report.runs:
                cover = f"{run.coverage:.1f}%" if run.coverage is not None else "-"
                result = "passed" if run.passed else f"failed (exit {run.status})"
                parts.append(f"<tr><td>{run.mode}</td><td>{result}</td><td>{cover}</td></tr>")
            parts.append("</table>")
        rows = _rows(report)
        if rows:
            parts.append(
                "<table><tr><th>where</th><th>chain</th><th>class</th><th>reason</th></tr>"
            )
            parts += [
                f"<tr><td>{esc(w)}</td><td><code>{esc(ch)}</code></td><td>{cls}</td>"
                f"<td>{esc(why)}</td></tr>"
                for w, ch, cls, why in rows
            ]
            parts.append("</table>")
    parts.append("<h2>Summary</h2><ul>")
    parts += [f"<li>{esc(r.summary())}</li>" for r in reports]
    parts.append("</ul>")
    return "\n".join(parts) + "\n"

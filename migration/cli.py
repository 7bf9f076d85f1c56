"""``shell-migrate``: audit (and port) code that uses the shell, from the command line.

    shell-migrate audit PATH... [--json] [--jobs N]
    shell-migrate codemod PATH... [--only RULE ...] [--write] [--jobs N] [--json]
    shell-migrate codemod --list-rules
    shell-migrate report PATH... [--tests "pytest ARGS"] [--html FILE]

Exit status: 0 when nothing is manual and every file could be read and
parsed, 1 otherwise, 2 for a mistake on the command line.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import libcst as cst

from .contract import Contract, ContractError, load_contract
from .files import write_atomically
from .runner import FileResult, audit_file, codemod_file, default_jobs, run_over_files

__all__ = ["main"]

PROG = "shell-migrate"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{PROG} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Port code from the legacy shell API to ShellAPI.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    audit = sub.add_parser(
        "audit",
        help="list every access to the shell: proxy-safe, rewritable or manual",
        description="List every access to the shell object, with its class and reason.",
    )
    audit.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    audit.add_argument("--json", action="store_true", help="one JSON object on stdout")
    audit.add_argument(
        "--jobs", type=int, default=default_jobs(), metavar="N", help="processes (all cores)"
    )
    codemod = sub.add_parser(
        "codemod",
        help="port what the rules can: a diff by default, files changed with --write",
        description="Rewrite legacy shell calls to ShellAPI (a unified diff unless --write).",
    )
    codemod.add_argument("paths", nargs="*", metavar="PATH", help="files or directories")
    codemod.add_argument(
        "--only", nargs="+", metavar="RULE", help="run only these rules (see --list-rules)"
    )
    codemod.add_argument("--write", action="store_true", help="change the files in place")
    codemod.add_argument("--json", action="store_true", help="one JSON object on stdout")
    codemod.add_argument(
        "--jobs", type=int, default=default_jobs(), metavar="N", help="processes (all cores)"
    )
    codemod.add_argument("--list-rules", action="store_true", help="describe each rule, then exit")
    report = sub.add_parser(
        "report",
        help="audit, tests in both modes and coverage, per project, as Markdown",
        description="The audit of each PATH, with its tests run in both modes under coverage.",
    )
    report.add_argument("paths", nargs="+", metavar="PATH", help="each extension's directory")
    report.add_argument(
        "--tests", metavar="CMD", help='its tests, run in each mode (e.g. "pytest tests")'
    )
    report.add_argument("--html", metavar="FILE", help="also write the report as HTML to FILE")
    report.add_argument(
        "--jobs", type=int, default=default_jobs(), metavar="N", help="processes (all cores)"
    )
    return parser


def _contract() -> Contract | None:
    """The shell API, or ``None`` after saying on stderr why it cannot be read."""
    try:
        return load_contract()
    except ContractError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return None


def _summary(results: list[FileResult]) -> dict[str, int]:
    classes = Counter(site.cls for r in results for site in r.sites)
    return {
        "files": len(results),
        "sites": sum(len(r.sites) for r in results),
        "proxy-safe": classes["proxy-safe"],
        "rewritable": classes["rewritable"],
        "manual": classes["manual"],
        "probable": sum(1 for r in results for s in r.sites if not s.proven),
        "errors": sum(1 for r in results if r.error),
    }


def _print_text(results: list[FileResult], summary: dict[str, int]) -> None:
    for result in results:
        if result.error:
            print(f"{result.path}: error: {result.error}")
        if result.skipped:
            print(f"{result.path}: skipped ({result.skipped})")
        for site in result.sites:
            why = f"rule {site.rule}" if site.rule else site.reason
            probable = "" if site.proven else " [probable]"
            print(
                f"{result.path}:{site.line}:{site.col}: {site.cls} {site.chain} ({why}){probable}"
            )
    print(
        f"{summary['files']} files, {summary['sites']} shell accesses: "
        f"{summary['proxy-safe']} proxy-safe, {summary['rewritable']} rewritable, "
        f"{summary['manual']} manual ({summary['probable']} probable); "
        f"{summary['errors']} files could not be read or parsed"
    )


def _audit(opts: argparse.Namespace) -> int:
    contract = _contract()
    if contract is None:
        return 2
    results = list(
        run_over_files(
            opts.paths,
            functools.partial(audit_file, contract=contract),
            lambda problem: FileResult(problem.path, error=problem.message),
            max(1, opts.jobs),
            _progress(0),
        )
    )
    summary = _summary(results)
    if opts.json:
        payload = {
            "files": [
                {
                    "path": r.path,
                    "sites": [
                        {k: v for k, v in s.as_json().items() if k != "rule"} for s in r.sites
                    ],
                    "error": r.error,
                }
                for r in results
            ],
            "summary": summary,
        }
        json.dump(payload, sys.stdout, indent=1)
        print()
    else:
        _print_text(results, summary)
    return 0 if summary["manual"] == 0 and summary["errors"] == 0 else 1


def _progress(total_hint: int) -> Callable[[int], None] | None:
    """A progress bar on stderr when it is a terminal (tqdm), else nothing."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar = tqdm(total=total_hint or None, unit="file", file=sys.stderr, leave=False)
    return bar.update


def _codemod(opts: argparse.Namespace) -> int:
    from .rules import RULES

    if opts.list_rules:
        for rule in RULES:
            print(f"{rule.NAME}\n    {rule.DESCRIPTION}")
        return 0
    if not opts.paths:
        print(f"{PROG} codemod: error: give at least one PATH (or --list-rules)", file=sys.stderr)
        return 2
    known = {rule.NAME for rule in RULES}
    unknown = sorted(set(opts.only or ()) - known)
    if unknown:
        print(
            f"{PROG} codemod: error: unknown rule {', '.join(unknown)} "
            f"(the rules: {', '.join(sorted(known))})",
            file=sys.stderr,
        )
        return 2
    contract = _contract()
    if contract is None:
        return 2
    results = []
    for result in run_over_files(
        opts.paths,
        functools.partial(codemod_file, contract=contract, rules=opts.only),
        lambda problem: FileResult(problem.path, error=problem.message),
        max(1, opts.jobs),
        _progress(0),
    ):
        if opts.write and result.new_text is not None:
            try:
                write_atomically(Path(result.path), result.new_text, result.encoding)
            except (OSError, cst.ParserSyntaxError, UnicodeEncodeError) as e:
                result.error = f"not written: {e}"
        results.append(result)
    summary = _summary(results)
    summary["changed"] = sum(1 for r in results if r.new_text is not None)
    if opts.json:
        payload = {
            "files": [
                {
                    "path": r.path,
                    "sites": [s.as_json() for s in r.sites],
                    "error": r.error,
                    "changed": r.new_text is not None,
                }
                for r in results
            ],
            "summary": summary,
        }
        json.dump(payload, sys.stdout, indent=1)
        print()
    else:
        _print_codemod(results, summary, opts.write)
    return 0 if summary["manual"] == 0 and summary["errors"] == 0 else 1


def _print_codemod(results: list[FileResult], summary: dict[str, int], wrote: bool) -> None:
    for result in results:
        if result.error:
            print(f"{result.path}: error: {result.error}")
            continue
        if result.new_text is not None and not wrote:
            old = Path(result.path).read_text(encoding=result.encoding)
            sys.stdout.writelines(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    result.new_text.splitlines(keepends=True),
                    result.path,
                    result.path,
                )
            )
        elif result.new_text is not None:
            print(f"rewrote {result.path}")
        for site in result.sites:
            if site.reason == "rewritten":
                print(
                    f"{result.path}:{site.line}:{site.col}: rewritten {site.chain} (rule {site.rule})"
                )
            elif site.cls == "manual":
                print(
                    f"{result.path}:{site.line}:{site.col}: needs a human: {site.chain}: {site.reason}"
                )
    action = "changed" if wrote else "would change"
    print(
        f"{summary['files']} files, {action} {summary['changed']}; "
        f"{summary['rewritable']} sites rewritten, {summary['manual']} need a human; "
        f"{summary['errors']} files could not be read, parsed or written"
    )


def _report(opts: argparse.Namespace) -> int:
    from .report import ProjectReport, render_html, render_markdown, run_tests, test_command

    if opts.tests is not None:
        try:
            test_command(opts.tests)
        except ValueError as e:
            print(f"{PROG} report: error: {e}", file=sys.stderr)
            return 2
    contract = _contract()
    if contract is None:
        return 2
    reports = []
    for path in opts.paths:
        results = list(
            run_over_files(
                [path],
                functools.partial(audit_file, contract=contract),
                lambda problem: FileResult(problem.path, error=problem.message),
                max(1, opts.jobs),
            )
        )
        report = ProjectReport(path, results)
        if opts.tests is not None and Path(path).exists():
            print(f"{PROG} report: running the tests of {path} in both modes", file=sys.stderr)
            report.runs = run_tests(Path(path).resolve(), opts.tests, Path.cwd())
        reports.append(report)
    sys.stdout.write(render_markdown(reports))
    if opts.html:
        Path(opts.html).write_text(render_html(reports), encoding="utf-8")
    ok = all(
        not r.counts["manual"] and not r.errors and all(run.passed for run in r.runs)
        for r in reports
    )
    return 0 if ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    opts = build_parser().parse_args(argv)
    try:
        if opts.command == "audit":
            return _audit(opts)
        if opts.command == "codemod":
            return _codemod(opts)
        if opts.command == "report":
            return _report(opts)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `shell-migrate audit . | head`: the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 2

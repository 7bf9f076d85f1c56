"""``shell-migrate``: audit (and port) code that uses the shell, from the command line.

    shell-migrate audit PATH... [--json] [--jobs N]

Exit status: 0 when nothing is manual and every file could be read and
parsed, 1 otherwise, 2 for a mistake on the command line.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from typing import NoReturn

from .contract import ContractError, load_contract
from .runner import FileResult, audit_file, default_jobs, run_over_files

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
    return parser


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
    try:
        contract = load_contract()
    except ContractError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    results = list(
        run_over_files(
            opts.paths,
            functools.partial(audit_file, contract=contract),
            lambda problem: FileResult(problem.path, error=problem.message),
            max(1, opts.jobs),
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


def main(argv: Sequence[str] | None = None) -> int:
    opts = build_parser().parse_args(argv)
    try:
        if opts.command == "audit":
            return _audit(opts)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `shell-migrate audit . | head`: the reader has gone
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 2

"""Running the audit (and the codemods) over many files, on every core.

A file that cannot be read or parsed is a result with an ``error`` (one line):
the run goes on, and the exit code says so at the end. Files that never say a
word of the shell's (:func:`.files.mentions_shell`) are not parsed at all, and
files marked ``@generated`` are left alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import libcst as cst

from .audit import Site, audit_module
from .contract import Contract
from .files import Problem, is_generated, iter_python_files, mentions_shell, read_source

__all__ = ["FileResult", "audit_file", "codemod_file", "default_jobs", "run_over_files"]

T = TypeVar("T")


@dataclass
class FileResult:
    path: str
    sites: list[Site] = field(default_factory=list)
    error: str | None = None
    #: Set by the codemod: the new text (``None``: unchanged).
    new_text: str | None = None
    skipped: str | None = None
    encoding: str = "utf-8"


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def parse(text: str) -> cst.Module | str:
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as e:
        return f"does not parse (line {e.raw_line}, column {e.raw_column}): {e.message}"
    except RecursionError:
        return "does not parse: nested too deeply"


def audit_file(path: Path, contract: Contract) -> FileResult:
    """The sites of one file, or why it has none."""
    source = read_source(path)
    if isinstance(source, Problem):
        return FileResult(str(path), error=source.message)
    if is_generated(source.text):
        return FileResult(str(path), skipped="@generated")
    if not mentions_shell(source.text):
        return FileResult(str(path))
    module = parse(source.text)
    if isinstance(module, str):
        return FileResult(str(path), error=module)
    return FileResult(str(path), sites=audit_module(cst.MetadataWrapper(module), contract))


def run_over_files(
    paths: list[str],
    work: Callable[[Path], T],
    on_problem: Callable[[Problem], T],
    jobs: int,
    progress: Callable[[int], None] | None = None,
) -> Iterator[T]:
    """``work(file)`` for each Python file under ``paths`` (in order), ``jobs`` processes."""
    items = list(iter_python_files(paths))
    files = [item for item in items if isinstance(item, Path)]
    done = iter(_map(work, files, jobs))
    for item in items:
        if isinstance(item, Problem):
            yield on_problem(item)
        else:
            yield next(done)
        if progress is not None:
            progress(1)


def _map(work: Callable[[Path], T], files: list[Path], jobs: int) -> Iterable[T]:
    """Results in the files' order, each as soon as it and those before it are done."""
    if jobs <= 1 or len(files) < 8:
        yield from map(work, files)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(work, files, chunksize=max(1, min(16, len(files) // (jobs * 8))))


def codemod_file(path: Path, contract: Contract, rules: list[str] | None) -> FileResult:
    """Apply the rules (all, or those named) to one file; the new text and what happened."""
    from libcst.codemod import CodemodContext, SkipFile

    from .rules import RULES

    source = read_source(path)
    if isinstance(source, Problem):
        return FileResult(str(path), error=source.message)
    if is_generated(source.text):
        return FileResult(str(path), skipped="@generated")
    if not mentions_shell(source.text):
        return FileResult(str(path))
    module = parse(source.text)
    if isinstance(module, str):
        return FileResult(str(path), error=module)
    audited = audit_module(cst.MetadataWrapper(module), contract)
    manual = [site for site in audited if site.cls == "manual"]
    if not any(s.cls == "rewritable" or s.chain == "user_ns.__setitem__" for s in audited):
        # nothing a rule would change (the audit asks the rules' own questions): no rule runs
        return FileResult(str(path), sites=manual, encoding=source.encoding)
    sites: list[Site] = []
    for rule_class in RULES:
        if rules is not None and rule_class.NAME not in rules:
            continue
        if not rule_class.TRIGGER.search(module.code):  # nothing for it here: no metadata built
            continue
        rule = rule_class(CodemodContext(filename=str(path)))
        try:
            module = rule.transform_module(module)
        except SkipFile:
            continue
        for note in rule.notes:
            if note.reason:
                sites.append(
                    Site(note.line, note.col, note.chain, "manual", note.reason, True, note.rule)
                )
            else:
                sites.append(
                    Site(
                        note.line, note.col, note.chain, "rewritable", "rewritten", True, note.rule
                    )
                )
    left = {(s.line, s.chain) for s in sites}
    sites += [s for s in manual if (s.line, s.chain) not in left]
    sites.sort(key=lambda s: (s.line, s.col))
    new_text = module.code if module.code != source.text else None
    return FileResult(str(path), sites=sites, new_text=new_text, encoding=source.encoding)

"""Profiling behind ``%prun`` and ``%run -p``: run under cProfile, report as IPython does.

The report is the ``pstats`` text (``N function calls in X seconds`` and the
table), sorted and limited by the ``-s`` and ``-l`` options, shown through the
shell's pager; ``-D`` and ``-T`` save it. cProfile and pstats are imported only
when a profile is taken, to keep start-up fast.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol


class Pager(Protocol):
    """Where a profile report goes: the shell's pager."""

    def page(self, data: Any, start: int = 0) -> None: ...


__all__ = ["PROFILE_OPTIONS", "profile_call", "profile_code"]

#: The getopt letters of the profiler options (shared by ``%prun`` and ``%run -p``).
PROFILE_OPTIONS = "D:l:rs:T:q"

_SYSTEM_EXIT = "*** SystemExit exception caught in code being profiled."


def profile_code(
    shell: Pager, code: Any, namespace: dict[str, Any], opts: Mapping[str, Sequence[str]]
) -> Any:
    """Profile ``exec(code, namespace)`` and report; returns the ``pstats.Stats`` with ``-r``."""
    import cProfile

    prof = cProfile.Profile()
    try:
        prof.runctx(code, namespace, namespace)
        system_exit = ""
    except SystemExit:
        system_exit = _SYSTEM_EXIT
    return _report(shell, prof, opts, system_exit)


def profile_call(shell: Pager, func: Callable[[], Any], opts: Mapping[str, Sequence[str]]) -> Any:
    """Profile ``func()`` and report; returns the ``pstats.Stats`` with ``-r``."""
    import cProfile

    prof = cProfile.Profile()
    try:
        prof.runcall(func)
        system_exit = ""
    except SystemExit:
        system_exit = _SYSTEM_EXIT
    return _report(shell, prof, opts, system_exit)


def _limits(values: Sequence[str]) -> list[int | float | str]:
    """``-l`` values as pstats restrictions: a line count, a fraction, or a name pattern."""
    limits: list[int | float | str] = []
    for value in values:
        try:
            limits.append(int(value))
        except ValueError:
            try:
                limits.append(float(value))
            except ValueError:
                limits.append(value)
    return limits


def _report(shell: Pager, prof: Any, opts: Mapping[str, Sequence[str]], system_exit: str) -> Any:
    import pstats

    keys = list(opts.get("s") or ["time"])
    stats = pstats.Stats(prof).strip_dirs().sort_stats(*keys)
    buffer = io.StringIO()
    stream = stats.stream  # type: ignore[attr-defined]
    stats.stream = buffer  # type: ignore[attr-defined]
    try:
        stats.print_stats(*_limits(opts.get("l") or []))
    finally:
        stats.stream = stream  # type: ignore[attr-defined]
    text = buffer.getvalue().rstrip()

    if "q" not in opts:
        shell.page(text)
    if system_exit:
        print(system_exit)
    dump_file = (opts.get("D") or [""])[-1]
    text_file = (opts.get("T") or [""])[-1]
    if dump_file:
        prof.dump_stats(dump_file)
        print(f"\n*** Profile stats marshalled to file {dump_file!r}.{system_exit}")
    if text_file:
        Path(text_file).write_text(text, encoding="utf-8")
        print(f"\n*** Profile printout saved to text file {text_file!r}.{system_exit}")
    return stats if "r" in opts else None

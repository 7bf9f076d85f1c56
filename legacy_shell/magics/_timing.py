"""Timing helpers behind ``%time`` and ``%timeit``: clocks, formats, the timer loop.

Kept apart from the magics so that the formats (which users compare with
IPython's, digit for digit) and the timing loop can be tested without a shell.
Nothing heavy is imported here: this module loads at shell start-up.
"""

from __future__ import annotations

import ast
import gc
import itertools
import math
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import Any

from ..api import ShellAPI

__all__ = [
    "TimeitResult",
    "apply_ast_transformers",
    "autorange",
    "build_timer",
    "cpu_times",
    "format_time",
    "split_leading_options",
    "trim_traceback",
]

#: The total time one measurement must reach when the loop count is chosen (IPython's).
AUTORANGE_TARGET = 0.2

_TIMER_TEMPLATE = """\
def inner(_it, _timer):
    pass
    _t0 = _timer()
    for _i in _it:
        pass
    _t1 = _timer()
    return _t1 - _t0
"""


def _encodable(text: str) -> bool:
    """Whether the current stdout can print ``text`` (old terminals cannot print µ or ±)."""
    encoding = getattr(sys.stdout, "encoding", None)
    if not encoding:
        return False
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def format_time(timespan: float, precision: int = 3) -> str:
    """A duration as IPython prints it: ``1.23 ms``, ``456 ns``, ``2min 3s``.

    Below a minute: ``precision`` significant digits in the largest unit among
    s, ms, μs, ns that keeps the number at or above 1 (ns for zero).
    """
    if timespan >= 60.0:
        parts = []
        leftover = timespan
        for suffix, length in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
            value = int(leftover / length)
            if value > 0:
                leftover = leftover % length
                parts.append(f"{value}{suffix}")
            if leftover < 1:
                break
        return " ".join(parts)
    micro = "\u03bcs" if _encodable("\u03bc") else "us"
    units = ("s", "ms", micro, "ns")
    order = min(-(math.floor(math.log10(timespan)) // 3), 3) if timespan > 0.0 else 3
    order = max(order, 0)
    text = "%.*g" % (precision, timespan * 1000**order)  # noqa: UP031
    if order > 0 and float(text) >= 1000:
        # 999.9996 ns rounds up: say "1 μs" where IPython would print "1e+03 ns"
        order -= 1
        text = "%.*g" % (precision, timespan * 1000**order)  # noqa: UP031
    return f"{text} {units[order]}"


class TimeitResult:
    """What ``%timeit -o`` returns: the measurements of one ``%timeit`` run.

    ``all_runs`` holds the total time of each run (``loops`` executions each);
    ``best``, ``worst``, ``average`` and ``stdev`` are per loop, in seconds.
    """

    def __init__(
        self,
        loops: int,
        repeat: int,
        best: float,
        worst: float,
        all_runs: Sequence[float],
        compile_time: float,
        precision: int = 3,
    ) -> None:
        self.loops = loops
        self.repeat = repeat
        self.best = best
        self.worst = worst
        self.all_runs = list(all_runs)
        self.compile_time = compile_time
        self._precision = precision
        self.timings = [run / loops for run in self.all_runs]

    @property
    def average(self) -> float:
        """Mean time of one loop over all runs."""
        return math.fsum(self.timings) / len(self.timings)

    @property
    def stdev(self) -> float:
        """Population standard deviation of the per-loop times (as IPython computes it)."""
        mean = self.average
        return (math.fsum((t - mean) ** 2 for t in self.timings) / len(self.timings)) ** 0.5

    def __str__(self) -> str:
        pm = "\xb1" if _encodable("\xb1") else "+-"
        runs = "run" if self.repeat == 1 else "runs"
        loops = "loop" if self.loops == 1 else "loops"
        mean = format_time(self.average, self._precision)
        std = format_time(self.stdev, self._precision)
        return (
            f"{mean} {pm} {std} per loop (mean {pm} std. dev. of {self.repeat} {runs}, "
            f"{self.loops:,} {loops} each)"
        )

    def __repr__(self) -> str:
        return f"<TimeitResult : {self}>"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))


def cpu_times() -> tuple[float, float]:
    """(user, system) CPU seconds of this process, at microsecond resolution where possible."""
    try:
        import resource
    except ImportError:  # not POSIX: no split between user and system time
        return time.process_time(), 0.0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def apply_ast_transformers(shell: ShellAPI, tree: ast.Module) -> ast.Module:
    """Run the shell's ``ast_transformers`` over ``tree``, as a cell's code gets them."""
    for transformer in shell.ast_transformers:
        tree = transformer.visit(tree)
    return ast.fix_missing_locations(tree)


def build_timer(
    setup: ast.Module, stmt: ast.Module, namespace: dict[str, Any]
) -> Callable[..., float]:
    """Compile ``inner(iterator, timer) -> seconds`` that runs setup once then stmt per item.

    The user's statements are spliced into the template as trees, so their line
    numbers and the shell's AST transformations survive; globals are ``namespace``.
    """
    template = ast.parse(_TIMER_TEMPLATE)
    func = template.body[0]
    assert isinstance(func, ast.FunctionDef)
    loop = next(node for node in func.body if isinstance(node, ast.For))
    loop.body = list(stmt.body) or [ast.Pass()]
    func.body[:1] = list(setup.body) or [ast.Pass()]
    code = compile(ast.fix_missing_locations(template), "<magic-timeit>", "exec", dont_inherit=True)
    scope: dict[str, Any] = {}
    exec(code, namespace, scope)
    return scope["inner"]  # type: ignore[no-any-return]


def _measure(inner: Callable[..., float], timer: Callable[[], float], number: int) -> float:
    """One measurement of ``number`` loops, with the garbage collector off (as ``timeit``)."""
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return inner(itertools.repeat(None, number), timer)
    finally:
        if gc_was_enabled:
            gc.enable()


def autorange(inner: Callable[..., float], timer: Callable[[], float]) -> int:
    """The loop count IPython would choose: the first power of ten taking >= 0.2 s."""
    number = 1
    for index in range(10):
        number = 10**index
        if _measure(inner, timer, number) >= AUTORANGE_TARGET:
            break
    return number


def repeat_runs(
    inner: Callable[..., float], timer: Callable[[], float], repeat: int, number: int
) -> list[float]:
    """``repeat`` measurements of ``number`` loops each (total seconds per run)."""
    return [_measure(inner, timer, number) for _ in range(repeat)]


def split_leading_options(
    line: str, optstring: str, long_flags: Iterable[str] = ()
) -> tuple[dict[str, list[str]], str]:
    """Take getopt-style options off the front of ``line``; keep the rest verbatim.

    The rest is code (``%timeit -n1 x = "a  b"``), so unlike ``parse_options``
    it is not re-tokenised. Parsing stops at ``--`` or at the first word that is
    not a known option, so ``%timeit -x`` times the expression ``-x``.
    """
    takes_value = {
        c for i, c in enumerate(optstring) if i + 1 < len(optstring) and optstring[i + 1] == ":"
    }
    letters = set(optstring.replace(":", ""))
    long_set = set(long_flags)
    opts: dict[str, list[str]] = {}
    rest = line.lstrip()
    while rest.startswith("-"):
        word, after = _first_word(rest)
        if word == "--":
            rest = after.lstrip()
            break
        if word.startswith("--") and word[2:] in long_set:
            opts.setdefault(word[2:], []).append("")
            rest = after.lstrip()
            continue
        parsed = _parse_short_group(word[1:], after, letters, takes_value)
        if parsed is None:
            break
        group, rest = parsed
        for key, value in group:
            opts.setdefault(key, []).append(value)
    return opts, rest


def _first_word(text: str) -> tuple[str, str]:
    """Split ``text`` into its first whitespace-separated word and the rest."""
    parts = text.lstrip().split(None, 1)
    return (parts[0], parts[1] if len(parts) > 1 else "") if parts else ("", "")


def _parse_short_group(
    chars: str, after: str, letters: set[str], takes_value: set[str]
) -> tuple[list[tuple[str, str]], str] | None:
    """Parse ``-qo`` / ``-n10`` / ``-n 10``; ``None`` if the word is not an option group."""
    found: list[tuple[str, str]] = []
    for i, char in enumerate(chars):
        if char not in letters:
            return None
        if char in takes_value:
            value = chars[i + 1 :]
            if not value:
                value, after = _first_word(after)
                if not value:
                    return None
            found.append((char, value))
            return found, after.lstrip()
        found.append((char, ""))
    return (found, after.lstrip()) if found else None


def trim_traceback(tb: TracebackType | None, filenames: Iterable[str]) -> TracebackType | None:
    """Drop the shell's own frames: start ``tb`` at the first frame of one of ``filenames``."""
    wanted = set(filenames)
    node = tb
    while node is not None and node.tb_frame.f_code.co_filename not in wanted:
        node = node.tb_next
    return node if node is not None else tb

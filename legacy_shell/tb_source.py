"""Source lines of a traceback frame: the window around the failing line.

Reading source is where tracebacks usually break: the file may be gone, be a
cell (kept in ``linecache``), live in a zip (read through the module's
loader) or have changed since it was imported. This module returns what it
can find, dedented, clipped to the frame's own code (not the body of a
function defined next to it) and with the columns of the failing expression,
and returns nothing rather than raising.
"""

from __future__ import annotations

import itertools
import linecache
import types

from .tb_frames import FrameRecord

__all__ = ["source_lines", "source_window"]


def source_lines(filename: str, frame: types.FrameType | None = None) -> list[str]:
    """The lines of ``filename`` (cells and zip-imported modules included), or ``[]``."""
    try:
        module_globals = frame.f_globals if frame is not None else None
        return linecache.getlines(filename, module_globals)
    except Exception:
        return []


def _code_lines(code: types.CodeType) -> set[int]:
    try:
        return {line for _, _, line in code.co_lines() if line is not None}
    except Exception:
        return set()


def _nested_lines(code: types.CodeType) -> set[int]:
    """Lines that belong to functions and classes defined inside ``code``, not to it."""
    nested: set[int] = set()
    stack = [c for c in code.co_consts if isinstance(c, types.CodeType)]
    while stack:
        inner = stack.pop()
        nested |= _code_lines(inner)
        stack.extend(c for c in inner.co_consts if isinstance(c, types.CodeType))
    return nested - _code_lines(code)


def _def_bodies(source: list[str], lineno: int) -> set[int]:
    """Body lines of the ``def`` / ``class`` statements of ``source`` not around ``lineno``.

    The shell compiles each top-level statement of a cell on its own, so a
    cell's code object does not know the functions defined beside it.
    """
    import ast

    try:
        tree = ast.parse("".join(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    out: set[int] = set()
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    for node in ast.walk(tree):
        if isinstance(node, kinds) and node.body and node.end_lineno is not None:
            start = node.body[0].lineno
            if not start <= lineno <= node.end_lineno:
                out.update(range(start, node.end_lineno + 1))
    return out


def source_window(
    record: FrameRecord, context: int
) -> tuple[list[tuple[int, str]], tuple[int, int] | None]:
    """The numbered, dedented source lines around the failing line, and its columns.

    Returns ``(lines, span)``: ``span`` is the (start, end) character columns
    of the failing expression in the dedented failing line, when known.
    """
    all_lines = source_lines(record.filename, record.frame)
    lineno = record.lineno
    if not all_lines or not 1 <= lineno <= len(all_lines):
        return [], None
    after = max(context - 1, 0) // 2
    before = max(context - 1 - after, 0)
    first, last = max(1, lineno - before), min(len(all_lines), lineno + after)
    code = record.frame.f_code
    if not record.is_module:
        first = max(first, min(code.co_firstlineno, lineno))
        own = _code_lines(code)
        if own:
            last = min(last, max(max(own), lineno))
    # stop at the body of a function or class defined in this code
    foreign = _nested_lines(code)
    if record.is_module and len(all_lines) <= 2000:
        foreign |= _def_bodies(all_lines, lineno)
    while first < lineno and any(n in foreign for n in range(first, lineno)):
        first += 1
    while last > lineno and any(n in foreign for n in range(lineno + 1, last + 1)):
        last -= 1
    while first < lineno and not all_lines[first - 1].strip():
        first += 1
    while last > lineno and not all_lines[last - 1].strip():
        last -= 1
    window = [(n, all_lines[n - 1].rstrip("\r\n")) for n in range(first, last + 1)]
    indents = [len(t) - len(t.lstrip()) for _, t in window if t.strip()]
    cut = min(indents) if indents else 0
    window = [(n, t[cut:] if t.strip() else "") for n, t in window]
    span = _failing_span(record, all_lines[lineno - 1].rstrip("\r\n"), cut)
    return window, span


def _failing_span(record: FrameRecord, line: str, cut: int) -> tuple[int, int] | None:
    if record.lasti < 0:
        return None
    try:
        positions = itertools.islice(record.frame.f_code.co_positions(), record.lasti // 2, None)
        start_line, end_line, col, end_col = next(positions)
    except (StopIteration, AttributeError, ValueError):
        return None
    if start_line != record.lineno or end_line != record.lineno or col is None or end_col is None:
        return None
    raw = line.encode("utf-8", errors="replace")
    start = len(raw[:col].decode("utf-8", errors="replace")) - cut
    end = len(raw[:end_col].decode("utf-8", errors="replace")) - cut
    if start < 0 or end <= start:
        return None
    return start, end

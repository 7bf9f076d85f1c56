"""Frames of a traceback, as the traceback formatter needs them.

This layer turns a traceback object into plain records (file, line, function,
source window, the failing columns, the variables a line uses) and knows which
frames to leave out: the shell's own frames in front of the user's code,
frames marked ``__tracebackhide__``, and the thousand identical frames of a
runaway recursion. Everything here is defensive: a frame whose source cannot
be read, whose ``repr`` raises or whose code has no positions still gives a
record, never an exception.
"""

from __future__ import annotations

import os
import re
import types
from dataclasses import dataclass
from typing import Any

from .cells import cell_label

__all__ = [
    "FrameRecord",
    "Repeated",
    "collapse_recursion",
    "frame_args",
    "location",
    "records_from_tb",
    "safe_repr",
    "used_variables",
]

_SHELL_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_NAME = re.compile(r"[A-Za-z_]\w*")
_STRING = re.compile(r"""("[^"\\]*(?:\\.[^"\\]*)*"|'[^'\\]*(?:\\.[^'\\]*)*')""")
_CO_VARARGS = 0x04
_CO_VARKEYWORDS = 0x08
_CONTAINERS = (list, tuple, dict, set, frozenset, str, bytes)
_SKIP_TYPES = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type)


@dataclass
class FrameRecord:
    """One frame of a traceback: where it was and what it was doing."""

    frame: types.FrameType
    filename: str
    lineno: int
    name: str
    lasti: int

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.filename, self.lineno, self.name)

    @property
    def is_module(self) -> bool:
        return self.frame.f_code.co_name == "<module>"


@dataclass
class Repeated:
    """Marks frames left out of a recursion: ``count`` repeats of ``block``."""

    block: list[FrameRecord]
    count: int

    def describe(self) -> str:
        where = ", ".join(f"{r.name} at line {r.lineno}" for r in self.block)
        return f"[... skipping similar frames: {where} ({self.count} times)]"


def _is_hidden(frame: types.FrameType) -> bool:
    try:
        return bool(frame.f_locals.get("__tracebackhide__", False))
    except Exception:
        return False


def records_from_tb(tb: types.TracebackType | None, tb_offset: int | None) -> list[FrameRecord]:
    """The frames of ``tb`` worth showing.

    ``tb_offset`` skips that many leading frames; then the leading frames that
    belong to the shell itself (its run loop) are skipped too, so the user's
    code comes first; when any user frame is left, the shell's frames are dropped. Frames with a true ``__tracebackhide__`` local are dropped,
    unless that would leave nothing.
    """
    records: list[FrameRecord] = []
    seen = 0
    while tb is not None and seen < 100_000:
        frame = tb.tb_frame
        code = frame.f_code
        lineno = tb.tb_lineno if isinstance(tb.tb_lineno, int) else frame.f_lineno
        name = getattr(code, "co_qualname", None) or code.co_name
        records.append(FrameRecord(frame, code.co_filename, lineno or 0, name, tb.tb_lasti))
        tb = tb.tb_next
        seen += 1
    if tb_offset and tb_offset > 0:
        records = records[tb_offset:]
    start = 0
    while start < len(records) - 1 and records[start].filename.startswith(_SHELL_DIR):
        start += 1
    records = records[start:]
    # the shell's own frames (magic machinery, the magic's implementation) are
    # plumbing to the user, as IPython's are: once there is user code to show,
    # leave them out; only an error with no user frame at all shows them
    user = [r for r in records if not r.filename.startswith(_SHELL_DIR)]
    if user:
        records = user
    visible = [r for r in records if not _is_hidden(r.frame)]
    return visible or records


def collapse_recursion(
    records: list[FrameRecord], max_period: int = 4, min_repeats: int = 4
) -> list[FrameRecord | Repeated]:
    """Replace runs of repeated frames (period up to ``max_period``) by a ``Repeated``.

    The first and last repetition stay visible; the ones between are counted.
    """
    keys = [r.key for r in records]
    out: list[FrameRecord | Repeated] = []
    i = 0
    n = len(records)
    while i < n:
        best_period, best_reps = 0, 1
        for period in range(1, max_period + 1):
            block = keys[i : i + period]
            if len(block) < period:
                break
            reps = 1
            while keys[i + reps * period : i + (reps + 1) * period] == block:
                reps += 1
            if reps >= min_repeats and reps * period > best_reps * max(best_period, 1):
                best_period, best_reps = period, reps
        if best_period:
            first = records[i : i + best_period]
            out.extend(first)
            out.append(Repeated(first, best_reps - 2))
            last = i + (best_reps - 1) * best_period
            out.extend(records[last : last + best_period])
            i += best_reps * best_period
        else:
            out.append(records[i])
            i += 1
    return out


def _compress_user(path: str) -> str:
    home = os.path.expanduser("~")
    if home and home != "~" and path.startswith(home + os.sep):
        return "~" + path[len(home) :]
    return path


def location(filename: str, lineno: int | None) -> tuple[str, str]:
    """``("Cell", "In[3], line 2")`` for a cell, ``("File", "/path/f.py:12")`` otherwise."""
    label = cell_label(filename)
    if label is not None:
        word, _, rest = label.partition(" ")
        return word, rest + (f", line {lineno}" if lineno else "")
    return "File", _compress_user(filename) + (f":{lineno}" if lineno else "")


def safe_repr(value: Any, limit: int = 200) -> str:
    """``repr(value)``, shortened to ``limit`` characters; never raises.

    Built-in containers go through ``reprlib`` so that a list of ten million
    items is not printed in full only to be cut.
    """
    try:
        if type(value) in _CONTAINERS:
            import reprlib

            short = reprlib.Repr()
            short.maxstring = short.maxother = limit
            text = short.repr(value)
        else:
            text = repr(value)
    except Exception:
        try:
            text = f"<unprintable {type(value).__name__} object>"
        except Exception:
            text = "<unprintable object>"
    if not isinstance(text, str):
        text = "<unprintable object>"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text


def frame_args(frame: types.FrameType, with_values: bool) -> str:
    """``(a, b, *args, **kw)``, or ``(a=1, b=2, ...)`` with values."""
    code = frame.f_code
    count = code.co_argcount + code.co_kwonlyargcount
    names = list(code.co_varnames[:count])
    extra = count
    if code.co_flags & _CO_VARARGS:
        names.insert(code.co_argcount, "*" + code.co_varnames[extra])
        extra += 1
    if code.co_flags & _CO_VARKEYWORDS:
        names.append("**" + code.co_varnames[extra])
    if not with_values:
        return "(" + ", ".join(names) + ")"
    try:
        local_ns = frame.f_locals
    except Exception:
        local_ns = {}
    parts = []
    for name in names:
        bare = name.lstrip("*")
        parts.append(f"{name}={safe_repr(local_ns[bare], 60)}" if bare in local_ns else name)
    return "(" + ", ".join(parts) + ")"


def used_variables(frame: types.FrameType, line: str) -> list[tuple[str, str]]:
    """(name, repr) of the variables ``line`` reads, found in the frame's namespace.

    Attribute names, keywords, modules, functions and classes are left out:
    they say little about why the line failed.
    """
    import keyword

    code_only = _STRING.sub('""', line.split("#", 1)[0])
    try:
        local_ns = frame.f_locals
    except Exception:
        return []
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for m in _NAME.finditer(code_only):
        name = m.group()
        before = code_only[: m.start()].rstrip()
        if name in seen or keyword.iskeyword(name) or before.endswith("."):
            continue
        if m.start() > 0 and code_only[m.start() - 1].isdigit():
            continue  # "1e5", "0x1f"
        seen.add(name)
        if name not in local_ns:
            continue
        value = local_ns[name]
        if isinstance(value, _SKIP_TYPES):
            continue
        found.append((name, safe_repr(value)))
    return found

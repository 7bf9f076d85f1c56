"""Tracebacks a user can read: the ``TracebackFormatter`` behind ``%xmode``.

The shell hands every uncaught exception to one formatter and sends the lines
it returns to ``output.error(ename, evalue, lines)``; a kernel sends the same
lines to its clients, so the formatter returns *structured* tracebacks (a list
of strings, each possibly holding several lines, as IPython's do) and does no
I/O. Four modes, as in IPython: ``Plain`` (Python's own layout, with cell
names), ``Context`` (source lines around each failing line), ``Verbose``
(``Context`` plus the values of the variables each failing line uses) and
``Minimal`` (the last line only). Frames are read by ``tb_frames`` and
``tb_source``, the exception's own lines made by ``tb_errors``, colours
chosen by ``tb_colors``.

A formatter must never raise while reporting an error: any failure inside
falls back to the standard library's formatting, and then to one line.
"""

from __future__ import annotations

import types
from typing import Any

from . import tb_frames
from .cells import cell_label
from .tb_colors import Palette, scheme_name
from .tb_errors import exception_lines, safe_str, syntax_block
from .tb_source import source_lines, source_window

__all__ = ["MODES", "TracebackFormatter"]

#: The traceback modes, in the order ``%xmode`` cycles through them.
MODES: tuple[str, ...] = ("Plain", "Context", "Verbose", "Minimal")

_CAUSE = "The above exception was the direct cause of the following exception:"
_CONTEXT = "During handling of the above exception, another exception occurred:"
_RULE_WIDTH = 75
_TB_TITLE = "Traceback (most recent call last)"
_MAX_GROUP_WIDTH = 15
_MAX_GROUP_DEPTH = 10


def _canonical_mode(mode: str) -> str:
    for known in MODES:
        if known.lower() == str(mode).strip().lower():
            return known
    raise ValueError(f"Unknown traceback mode {mode!r}: choose one of {', '.join(MODES)}")


class TracebackFormatter:
    """Formats exceptions for display, in one of :data:`MODES` and one colour scheme."""

    def __init__(self, mode: str = "Context", colors: str = "Neutral", context: int = 5) -> None:
        self.mode = mode
        self.colors = colors
        self.context = context

    # -- settings ----------------------------------------------------------------
    @property
    def mode(self) -> str:
        """``Plain``, ``Context``, ``Verbose`` or ``Minimal`` (set case-insensitively)."""
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        self._mode = _canonical_mode(value)

    @property
    def colors(self) -> str:
        """``Neutral``, ``Linux``, ``LightBG`` or ``NoColor`` (set case-insensitively)."""
        return self._palette.scheme

    @colors.setter
    def colors(self, value: str) -> None:
        self._palette = Palette(scheme_name(value))

    @property
    def context(self) -> int:
        """How many source lines a frame shows around its failing line."""
        return self._context

    @context.setter
    def context(self, value: int) -> None:
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"context must be a positive int, not {value!r}")
        self._context = value

    # -- public API ----------------------------------------------------------------
    def structured_traceback(
        self,
        etype: type[BaseException] | None,
        evalue: BaseException | None,
        tb: types.TracebackType | None,
        tb_offset: int | None = None,
    ) -> list[str]:
        """The lines that show this exception (with its chain) in the current mode.

        ``tb_offset`` skips that many leading frames (the caller's own); the
        shell's frames left in front of the user's code are skipped as well.
        """
        try:
            evalue = self._exception(etype, evalue)
            if self._mode == "Minimal":
                return exception_lines(evalue, self._palette)
            return self._chain(evalue, tb, tb_offset, set(), depth=0, top=True)
        except Exception:
            return self._fallback(etype, evalue, tb)

    def text(
        self,
        etype: type[BaseException] | None,
        evalue: BaseException | None,
        tb: types.TracebackType | None,
        tb_offset: int | None = None,
    ) -> str:
        """The structured traceback joined into one string."""
        return "\n".join(self.structured_traceback(etype, evalue, tb, tb_offset))

    def syntax_error(self, evalue: SyntaxError) -> list[str]:
        """``Cell In[1], line 1`` / the line / a caret under the error / ``SyntaxError: ...``."""
        try:
            if self._mode == "Minimal":
                return exception_lines(evalue, self._palette, with_location=False)
            return syntax_block(evalue, self._palette) + exception_lines(
                evalue, self._palette, with_location=False
            )
        except Exception:
            return self._fallback(type(evalue), evalue, None)

    # -- chains and groups -------------------------------------------------------
    @staticmethod
    def _exception(etype: Any, evalue: Any) -> BaseException:
        if isinstance(evalue, BaseException):
            return evalue
        if isinstance(etype, type) and issubclass(etype, BaseException):
            try:
                return etype() if evalue is None else etype(evalue)
            except Exception:
                return Exception(safe_str(evalue))
        return Exception(safe_str(evalue))

    def _chain(
        self,
        evalue: BaseException,
        tb: types.TracebackType | None,
        tb_offset: int | None,
        seen: set[int],
        depth: int,
        top: bool,
    ) -> list[str]:
        # newest first while walking, printed oldest first
        links: list[tuple[BaseException, types.TracebackType | None, int | None, str | None]] = []
        exc: BaseException | None = evalue
        cur_tb, offset = tb, tb_offset
        while exc is not None and (exc is evalue or id(exc) not in seen):
            seen.add(id(exc))
            message: str | None = None
            nxt: BaseException | None = None
            if exc.__cause__ is not None:
                nxt, message = exc.__cause__, _CAUSE
            elif exc.__context__ is not None and not exc.__suppress_context__:
                nxt, message = exc.__context__, _CONTEXT
            if nxt is not None and id(nxt) in seen:
                nxt, message = None, None
            links.append((exc, cur_tb, offset, message))
            exc = nxt
            cur_tb, offset = (exc.__traceback__ if exc is not None else None), 0
        out: list[str] = []
        for i, (exc, exc_tb, exc_offset, message) in enumerate(reversed(links)):
            if i > 0 and message:
                out.append("\n" + self._palette("note", message) + "\n")
            first = top and i == 0
            out.extend(self._one_exception(exc, exc_tb, exc_offset, seen, depth, first))
        return out

    def _one_exception(
        self,
        evalue: BaseException,
        tb: types.TracebackType | None,
        tb_offset: int | None,
        seen: set[int],
        depth: int,
        first: bool,
    ) -> list[str]:
        records = tb_frames.records_from_tb(tb, tb_offset)
        color = self._palette
        out: list[str] = []
        name = type(evalue).__name__
        if self._mode == "Plain":
            if records:
                out.append(_TB_TITLE + ":")
                out.extend(self._plain_frames(records))
        else:
            if first:
                out.append(color("rule", "-" * _RULE_WIDTH))
            if records or first:
                pad = " " * max(1, _RULE_WIDTH - len(_TB_TITLE) - len(name))
                out.append(color("excname", name) + pad + _TB_TITLE)
            out.extend(self._context_frames(records))
        out.extend(exception_lines(evalue, self._palette))
        if isinstance(evalue, BaseExceptionGroup):
            out.extend(self._group(evalue, seen, depth))
        return out

    def _group(self, group: BaseExceptionGroup[Any], seen: set[int], depth: int) -> list[str]:
        if depth >= _MAX_GROUP_DEPTH:
            return [f"... (max_group_depth is {_MAX_GROUP_DEPTH})"]
        subs = list(group.exceptions)
        out: list[str] = []
        for i, sub in enumerate(subs[:_MAX_GROUP_WIDTH], 1):
            out.append(f"+---------------- {i} ----------------")
            body = self._chain(sub, sub.__traceback__, 0, seen, depth + 1, top=False)
            text = "\n".join(body)
            out.append("\n".join("| " + line for line in text.split("\n")))
        if len(subs) > _MAX_GROUP_WIDTH:
            more = len(subs) - _MAX_GROUP_WIDTH
            out.append(f"+---------------- ... ----------------\n| and {more} more exceptions")
        out.append("+------------------------------------")
        return ["\n".join("    " + line for line in "\n".join(out).split("\n"))]

    # -- frames --------------------------------------------------------------------
    def _plain_frames(self, records: list[tb_frames.FrameRecord]) -> list[str]:
        out: list[str] = []
        color = self._palette
        for item in tb_frames.collapse_recursion(records):
            if isinstance(item, tb_frames.Repeated):
                frames = len(item.block) * item.count
                out.append(color("note", f"  [Previous frames repeated {frames} more times]"))
                continue
            label = cell_label(item.filename)
            if label is not None:
                head = f"  {label}, line {item.lineno}"
            else:
                head = f'  File "{item.filename}", line {item.lineno}'
            if label is None or not item.is_module:
                head += f", in {item.name}"
            lines = source_lines(item.filename, item.frame)
            if 1 <= item.lineno <= len(lines):
                head += "\n    " + lines[item.lineno - 1].strip()
            out.append(head)
        return out

    def _context_frames(self, records: list[tb_frames.FrameRecord]) -> list[str]:
        out: list[str] = []
        for item in tb_frames.collapse_recursion(records):
            if isinstance(item, tb_frames.Repeated):
                out.append("    " + self._palette("note", item.describe()) + "\n")
            else:
                out.append(self._context_frame(item))
        return out

    def _context_frame(self, record: tb_frames.FrameRecord) -> str:
        color = self._palette
        verbose = self._mode == "Verbose"
        word, where = tb_frames.location(record.filename, record.lineno)
        head = color("location", word + " ") + color("filename", where)
        if not record.is_module:
            args = tb_frames.frame_args(record.frame, with_values=verbose)
            head += ", in " + color("func", record.name) + color("args", args)
        window, span = source_window(record, self._context)
        lines = [head]
        failing = ""
        for n, code in window:
            num = str(n)
            if n == record.lineno:
                failing = code
                if span is not None and color.enabled:
                    s, e = span
                    code = code[:s] + color("highlight", code[s:e]) + code[e:]
                arrow = "-" * max(1, 5 - len(num)) + "> "
                lines.append(color("marker", arrow + num) + " " + code)
            else:
                lines.append((color("lineno", num.rjust(7)) + " " + code).rstrip(" "))
        if verbose and failing:
            for name, value in tb_frames.used_variables(record.frame, failing):
                value = value.replace("\n", "\n" + " " * (11 + len(name)))
                lines.append(" " * 8 + color("varname", name) + " = " + color("value", value))
        return "\n".join(lines) + "\n"

    # -- last resort -------------------------------------------------------------
    @staticmethod
    def _fallback(etype: Any, evalue: Any, tb: types.TracebackType | None) -> list[str]:
        import traceback

        try:
            if isinstance(evalue, BaseException):
                text = "".join(traceback.format_exception(type(evalue), evalue, tb))
                return [text.rstrip("\n")]
        except Exception:
            pass
        name = getattr(etype, "__name__", "Exception")
        return [f"{name}: {safe_str(evalue)}"]

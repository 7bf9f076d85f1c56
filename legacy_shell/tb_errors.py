"""The last lines of a traceback: ``Name: message``, its notes, a syntax error's caret.

Shared by every traceback mode (``Minimal`` shows only these lines) and by
the shell's report of a cell that does not compile. ``str()`` of an exception
is user code and may raise; nothing here does.
"""

from __future__ import annotations

from .cells import cell_label
from .tb_colors import Palette
from .tb_frames import safe_repr

__all__ = ["exception_lines", "safe_str", "syntax_block"]


def safe_str(value: object) -> str:
    """``str(value)``, or a placeholder when that raises."""
    try:
        return str(value)
    except Exception:
        return f"<exception str() failed: {type(value).__name__}>"


def exception_lines(evalue: BaseException, color: Palette, with_location: bool = True) -> list[str]:
    """``Name: message`` and the exception's notes (a syntax error's located line first)."""
    out: list[str] = []
    if with_location and isinstance(evalue, SyntaxError):
        out.extend(syntax_block(evalue, color))
    name = color("excname", type(evalue).__name__)
    if isinstance(evalue, SyntaxError) and evalue.msg is not None:
        message = safe_str(evalue.msg)
    else:
        message = safe_str(evalue)
    out.append(f"{name}: {message}" if message else name)
    notes = getattr(evalue, "__notes__", None)
    if notes is not None:
        if isinstance(notes, (list, tuple)):
            out.extend(n if isinstance(n, str) else safe_repr(n) for n in notes)
        else:
            out.append(f"<__notes__ is not a sequence: {safe_repr(notes)}>")
    return out


def syntax_block(evalue: SyntaxError, color: Palette) -> list[str]:
    """``  Cell In[1], line 1`` / the line / a caret (``^^^`` over a known range)."""
    filename = evalue.filename if isinstance(evalue.filename, str) else "<unknown>"
    lineno = evalue.lineno if isinstance(evalue.lineno, int) else None
    label = cell_label(filename)
    if label is not None:
        head = f"  {label}" + (f", line {lineno}" if lineno else "")
    else:
        head = f"  File {filename}" + (f":{lineno}" if lineno else "")
    out = [head]
    text = evalue.text
    if isinstance(text, str) and text.strip():
        line = text.split("\n")[0].rstrip("\r\n")
        stripped = line.lstrip(" \t\f")
        shift = len(line) - len(stripped)
        out.append("    " + stripped)
        offset = evalue.offset
        if isinstance(offset, int) and offset >= 1:
            start = max(0, min(offset - 1 - shift, len(stripped)))
            width = 1
            end_offset = getattr(evalue, "end_offset", None)
            same_line = getattr(evalue, "end_lineno", lineno) in (lineno, None)
            if isinstance(end_offset, int) and same_line and end_offset > offset:
                width = max(1, min(end_offset - offset, len(stripped) - start))
            out.append("    " + " " * start + color("caret", "^" * width))
    return out

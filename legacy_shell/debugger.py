"""The shell's debugger: pdb with an ``ipdb>`` prompt, for ``%debug`` and ``%pdb``.

A thin layer over the standard library's ``pdb``: it starts post-mortem at the
frame that raised (the shell's own frames in front of the user's code are cut
off, so ``up`` never wanders into the shell), reads commands through
``input()`` from whatever ``sys.stdin`` is current (a terminal, a kernel's
input requests, a test's ``io.StringIO``) and writes to the current
``sys.stdout``. Cells are in ``linecache``, so ``list`` shows cell lines.

``pdb`` is imported only when a debugger starts (start-up time), and the
tracer that was active before (a coverage tool, another debugger) is put back
afterwards, since pdb clears it on quit.
"""

from __future__ import annotations

import hashlib
import linecache
import os
import sys
import types
from typing import Any

from .api import ShellAPI

__all__ = ["PROMPT", "make_debugger", "post_mortem", "run_under_debugger"]

PROMPT = "ipdb> "
_SHELL_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def make_debugger(shell: ShellAPI | None = None) -> Any:
    """A ``pdb.Pdb`` that prompts ``ipdb> `` and talks to the current stdin/stdout."""
    import pdb

    class ShellPdb(pdb.Pdb):
        """pdb as the shell shows it: ``ipdb>`` prompt, the shell's colour-free I/O."""

        def __init__(self) -> None:
            super().__init__(stdout=sys.stdout, nosigint=True)
            # pdb turns input() off when given stdout; keep it: input() reads the
            # current sys.stdin (with readline on a terminal, or a kernel's input request)
            self.use_rawinput = True
            self.prompt = PROMPT
            self.shell = shell

    return ShellPdb()


def _user_tb(tb: types.TracebackType) -> types.TracebackType:
    """``tb`` without the shell's own frames in front of the user's code."""
    while tb.tb_next is not None and tb.tb_frame.f_code.co_filename.startswith(_SHELL_DIR):
        tb = tb.tb_next
    return tb


def post_mortem(shell: ShellAPI | None, tb: types.TracebackType | None = None) -> None:
    """Debug the frame where the last (or the given) exception was raised.

    ``%debug`` and the automatic ``%pdb`` call this; quitting (``q``, Ctrl-D)
    returns to the shell.
    """
    if tb is None:
        tb = getattr(sys, "last_traceback", None)
    if tb is None:
        print("No traceback has been produced, nothing to debug.")
        return
    debugger = make_debugger(shell)
    tracer = sys.gettrace()
    try:
        debugger.reset()
        debugger.interaction(None, _user_tb(tb))
    finally:
        sys.settrace(tracer)


def _debug_filename(source: str) -> str:
    """Keep ``source`` in ``linecache`` under a pseudo file name, so ``list`` shows it."""
    digest = hashlib.sha1(source.encode("utf-8", errors="replace")).hexdigest()[:12]
    filename = f"<debug-{digest}>"
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    linecache.cache[filename] = (len(source), None, lines, filename)
    return filename


def run_under_debugger(
    shell: ShellAPI | None,
    code: str | types.CodeType,
    globals: dict[str, Any],
    locals: dict[str, Any] | None = None,
    breakpoint: tuple[str, int] | None = None,
) -> None:
    """Run ``code`` under the debugger, stopping at its first line (``%debug stmt``).

    With ``breakpoint=(filename, line)`` it runs on to that breakpoint instead.
    Exceptions of the code propagate to the caller, as if it ran without the debugger.
    """
    if isinstance(code, str):
        code = compile(code, _debug_filename(code), "exec")
    debugger = make_debugger(shell)
    if breakpoint is not None:
        filename, line = breakpoint
        error = debugger.set_break(filename, line)
        if error:
            print(error, file=debugger.stdout)
            return
        debugger.rcLines.append("continue")
    tracer = sys.gettrace()
    try:
        debugger.run(code, globals, locals if locals is not None else globals)
    finally:
        sys.settrace(tracer)

"""Magics about errors: ``%xmode``, ``%tb``, ``%debug`` / ``%%debug`` and ``%pdb``.

They only steer two components the shell already owns: its traceback
formatter (mode) and the debugger module (imported when a debugger starts, so
``pdb`` costs nothing at start-up). The last exception is the one the shell
recorded in ``sys.last_type`` / ``sys.last_value`` / ``sys.last_traceback``.
"""

from __future__ import annotations

import sys
from typing import Any

from ..errors import UsageError
from ..magic import Magics, line_cell_magic, line_magic, magics_class, needs_local_scope
from ..tracebacks import MODES

__all__ = ["DebuggingMagics"]

_ON = ("on", "1", "true", "yes")
_OFF = ("off", "0", "false", "no")


def _mode_name(text: str) -> str:
    for mode in MODES:
        if mode.lower() == text.strip().lower():
            return mode
    raise UsageError(
        f"Unrecognized exception reporting mode {text.strip()!r}; use one of {', '.join(MODES)}"
    )


def _parse_breakpoint(spec: str) -> tuple[str, int]:
    filename, sep, line = spec.rpartition(":")
    if not sep or not filename or not line.strip().isdigit():
        raise UsageError(f"Breakpoint must be FILE:LINE, not {spec!r}")
    return filename, int(line)


def _split_breakpoint(line: str) -> tuple[str | None, str]:
    """``-b FILE:LINE rest`` -> (``FILE:LINE``, ``rest``); the statement is kept verbatim."""
    text = line.strip()
    for flag in ("--breakpoint=", "--breakpoint ", "-b "):
        if text.startswith(flag):
            spec, _, rest = text[len(flag) :].lstrip().partition(" ")
            return spec, rest.strip()
    if text.startswith("-b") and len(text) > 2 and not text[2].isspace():
        spec, _, rest = text[2:].partition(" ")
        return spec, rest.strip()
    return None, line


@magics_class
class DebuggingMagics(Magics):
    """Exception reporting mode, the last traceback, and the debugger."""

    @line_magic
    def xmode(self, line: str) -> None:
        """Switch the exception reporting mode.

        Usage: %xmode [Plain|Context|Verbose|Minimal]

        Without an argument, cycles Plain -> Context -> Verbose -> Minimal -> Plain.
        """
        formatter = self.shell.traceback_formatter
        if line.strip():
            mode = _mode_name(line)
        else:
            current = MODES.index(formatter.mode) if formatter.mode in MODES else -1
            mode = MODES[(current + 1) % len(MODES)]
        formatter.mode = mode
        self.shell.config.set("shell.xmode", mode)
        print(f"Exception reporting mode: {mode}")

    @line_magic
    def tb(self, line: str) -> None:
        """Print the last traceback again.

        Usage: %tb [Plain|Context|Verbose|Minimal]

        Uses the current exception reporting mode (%xmode), or the mode given
        for this one report.
        """
        if getattr(sys, "last_value", None) is None:
            raise UsageError("No traceback available to show.")
        formatter = self.shell.traceback_formatter
        saved = formatter.mode
        if line.strip():
            formatter.mode = _mode_name(line)
        try:
            self.shell.showtraceback((sys.last_type, sys.last_value, sys.last_traceback))
        finally:
            formatter.mode = saved

    @line_magic
    def pdb(self, line: str) -> None:
        """Control the automatic calling of the pdb interactive debugger.

        Usage: %pdb [on|off|1|0]

        With automatic calling on, the debugger starts post-mortem after every
        uncaught exception. Without an argument, toggles it.
        """
        arg = line.strip().lower()
        if not arg:
            new = not self.shell.call_pdb
        elif arg in _ON:
            new = True
        elif arg in _OFF:
            new = False
        else:
            raise UsageError(f"%pdb takes on, off, 1 or 0, not {line.strip()!r}")
        self.shell.call_pdb = new
        self.shell.config.set("shell.pdb", new)
        print(f"Automatic pdb calling has been turned {'ON' if new else 'OFF'}")

    @line_cell_magic
    @needs_local_scope
    def debug(
        self, line: str, cell: str | None = None, local_ns: dict[str, Any] | None = None
    ) -> None:
        """Activate the interactive debugger.

        Usage:
          %debug                  post-mortem on the last exception
          %debug [-b FILE:LINE] statement
          %%debug [-b FILE:LINE]  (the cell's code)

        With code, runs it under the debugger, stopping at its first line (or
        running on to the breakpoint given with -b / --breakpoint).
        """
        from .. import debugger

        spec, statement = _split_breakpoint(line)
        code = statement if cell is None else cell
        if not code.strip():
            if spec:
                raise UsageError("%debug -b needs a statement to run")
            debugger.post_mortem(self.shell, getattr(sys, "last_traceback", None))
            return
        source = self.shell.transform_cell(code)
        breakpoint = _parse_breakpoint(spec) if spec else None
        ns = self.shell.user_ns
        local = local_ns if local_ns is not None and local_ns is not ns else None
        debugger.run_under_debugger(self.shell, source, ns, local, breakpoint=breakpoint)

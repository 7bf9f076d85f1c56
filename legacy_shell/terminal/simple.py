"""Line mode: the terminal without prompt_toolkit.

Used with ``--simple-prompt`` and whenever stdin is not a terminal, so that
``echo 'print(40+2)' | ipython`` prints 42 and nothing else. Lines are read one
at a time and gathered until the backend's ``is_complete`` says the cell is
complete (a blank line ends a block, as at IPython's prompt; end of input runs
what was gathered). Prompts are printed only when reading from a terminal,
which keeps piped output clean. Being free of prompt_toolkit, this is also the
terminal the unit tests drive, with any streams and any ``Backend``.
"""

from __future__ import annotations

import sys
from typing import IO

from .backend import Backend
from .session import (
    ConsoleHandler,
    TerminalOptions,
    ask_exit_confirmation,
    block_code,
    continuation_prompt,
    format_prompt,
    on_empty_line,
    run_code,
)

__all__ = ["LineReader", "run_line_mode"]


class LineReader:
    """Reads one line, showing ``prompt`` only in interactive use; EOF raises ``EOFError``."""

    def __init__(self, stdin: IO[str], stdout: IO[str], interactive: bool) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.interactive = interactive

    def __call__(self, prompt: str) -> str:
        if self.interactive and self.stdin is sys.stdin and self.stdout is sys.stdout:
            return input(prompt)  # the terminal's own line editing, as IPython's simple prompt
        if self.interactive:
            self.stdout.write(prompt)
            self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise EOFError
        return line[:-1] if line.endswith("\n") else line


def _read_cell(backend: Backend, read: LineReader, options: TerminalOptions) -> str:
    """Lines until the cell is complete; ``EOFError`` if input ends before any line."""
    first = format_prompt(options.in_prompt, backend.execution_count)
    lines: list[str] = []
    while True:
        prompt = first if not lines else continuation_prompt(options.continuation, len(first))
        try:
            line = read(prompt)
        except EOFError:
            if lines:
                return "\n".join(lines)
            raise
        lines.append(line)
        if len(lines) == 1 and not line.strip():
            return ""
        status, _indent = backend.is_complete(block_code(lines))
        if status != "incomplete":
            return "\n".join(lines)


def run_line_mode(
    backend: Backend,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    options: TerminalOptions | None = None,
    *,
    interactive: bool | None = None,
) -> int:
    """Read, run and show cells until end of input (or ``exit``); return the exit status.

    ``interactive`` (default: whether ``stdin`` is a terminal) shows the banner
    and prompts, and asks before leaving on end of input when configured to.
    """
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    options = options if options is not None else TerminalOptions(colors=False)
    if interactive is None:
        interactive = bool(getattr(stdin, "isatty", lambda: False)())
    read = LineReader(stdin, stdout, interactive)
    handler = ConsoleHandler(options, stdout=None if stdout is sys.stdout else stdout, stdin=stdin)
    if interactive and options.banner:
        stdout.write(backend.banner())
    while True:
        backend.pre_prompt()
        if interactive:
            stdout.write("\n")
            stdout.flush()
        try:
            code = _read_cell(backend, read, options)
        except EOFError:
            if interactive:
                stdout.write("\n")
                if options.confirm_exit and not ask_exit_confirmation(read):
                    continue
            break
        except KeyboardInterrupt:
            stdout.write("\nKeyboardInterrupt\n")
            continue
        if not code.strip():
            on_empty_line(backend)
            continue
        outcome = run_code(backend, code, handler, stdout)
        if outcome.exit_requested:
            break
    backend.shutdown()
    return 0

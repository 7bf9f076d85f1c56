"""What both terminals share: options, the printing ``OutputHandler``, one cell's run.

The prompt_toolkit terminal (:mod:`.app`) and line mode (:mod:`.simple`)
differ only in how they read a cell. Everything after that is here: printing
outputs as they arrive (``Out[n]:`` before a result, tracebacks as given),
acting on the reply's payloads (pager text is printed, ``set_next_input``
pre-fills the next prompt, ``ask_exit`` leaves), and surviving a dead backend
(one plain line, ``restart()`` when the backend has it, then carry on). It
imports nothing heavy: line mode and ``ipython -c`` must stay fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from .backend import (
    Backend,
    BackendDied,
    BackendGone,
    BackendStopped,
    ExecuteReply,
    OutputHandler,
    page_text,
)

__all__ = [
    "CellOutcome",
    "ConsoleHandler",
    "TerminalOptions",
    "ask_exit_confirmation",
    "block_code",
    "continuation_prompt",
    "format_prompt",
    "on_empty_line",
    "report_death",
    "run_code",
]

EXIT_QUESTION = "Do you really want to exit ([y]/n)? "
_RED, _BOLD, _NORMAL, _RESET = "\x1b[31m", "\x1b[1m", "\x1b[22m", "\x1b[0m"


@dataclass
class TerminalOptions:
    """The terminal's settings, read once from the shell's configuration."""

    in_prompt: str = "In [{count}]: "
    continuation: str = "...: "
    out_prompt: str = "Out[{count}]: "
    confirm_exit: bool = True
    autoindent: bool = True
    highlight: bool = True
    editing_mode: str = "emacs"
    banner: bool = True
    history_length: int = 10000
    colors: bool = True

    @classmethod
    def from_config(cls, config: Any, *, colors: bool = True) -> TerminalOptions:
        """Build from a ``ShellConfig`` (keys ``prompts.*``, ``terminal.*``...)."""
        return cls(
            in_prompt=config["prompts.in"],
            continuation=config["prompts.continuation"],
            out_prompt=config["prompts.out"],
            confirm_exit=bool(config["terminal.confirm_exit"]),
            autoindent=bool(config["terminal.autoindent"]),
            highlight=bool(config["terminal.highlight"]),
            editing_mode=str(config["terminal.editing_mode"]),
            banner=bool(config["shell.banner"]),
            history_length=int(config["history.length"]),
            colors=colors and config["shell.colors"] != "NoColor",
        )

    def follow(self, config: Any) -> None:
        """Keep prompts and the exit question in step with later ``%config`` changes.

        Colours, highlighting and the editing mode are fixed when the terminal starts.
        """
        live = ("in_prompt", "continuation", "out_prompt", "confirm_exit", "autoindent")

        def changed(key: str, value: Any) -> None:
            fresh = TerminalOptions.from_config(config, colors=self.colors)
            for name in live:
                setattr(self, name, getattr(fresh, name))

        config.observe(changed)


def format_prompt(template: str, count: int) -> str:
    """``template`` with ``{count}`` filled in (a broken template is shown as is)."""
    try:
        return template.format(count=count)
    except (KeyError, IndexError, ValueError):
        return template


def continuation_prompt(template: str, width: int) -> str:
    """The continuation prompt right-aligned under an ``In`` prompt of ``width``."""
    return template.rjust(width)


def block_code(lines: list[str]) -> str:
    """The code to ask ``is_complete`` about, given the physical lines typed so far.

    A whitespace-only last line means the user ended the block with a blank
    line, which the protocol's checkers see as the cell ending in ``"\\n\\n"``.
    """
    if len(lines) > 1 and not lines[-1].strip():
        return "\n".join(lines[:-1]) + "\n\n"
    return "\n".join(lines)


class ConsoleHandler:
    """An ``OutputHandler`` that prints to a terminal (or any text stream)."""

    def __init__(
        self,
        options: TerminalOptions,
        stdout: IO[str] | None = None,
        stderr: IO[str] | None = None,
        stdin: IO[str] | None = None,
    ) -> None:
        self.options = options
        self._stdout = stdout
        self._stderr = stderr
        self._stdin = stdin

    # the streams are looked up late: tests and %capture swap sys.stdout
    @property
    def stdout(self) -> IO[str]:
        return self._stdout if self._stdout is not None else sys.stdout

    @property
    def stderr(self) -> IO[str]:
        return self._stderr if self._stderr is not None else sys.stderr

    def _write(self, text: str, stream: IO[str] | None = None) -> None:
        out = stream if stream is not None else self.stdout
        out.write(text)
        out.flush()

    def stream(self, name: str, text: str) -> None:
        self._write(text, self.stderr if name == "stderr" else self.stdout)

    def display(self, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        text = data.get("text/plain")
        if text:
            self._write(f"{text}\n")

    def out_prompt(self, count: int) -> str:
        """``Out[n]: `` in IPython's red, with a bold number, when colours are on."""
        template = self.options.out_prompt
        if not self.options.colors:
            return format_prompt(template, count)
        head, sep, tail = template.partition("{count}")
        if not sep:
            return f"{_RED}{format_prompt(template, count)}{_RESET}"
        number = f"{_BOLD}{count}{_NORMAL}"
        return f"{_RED}{format_prompt(head, count)}{number}{format_prompt(tail, count)}{_RESET}"

    def execute_result(self, count: int, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        text = data.get("text/plain", "")
        if not isinstance(text, str):
            text = str(text)
        if "\n" in text:
            text = "\n" + text
        self._write(f"{self.out_prompt(count)}{text}\n")

    def error(self, ename: str, evalue: str, traceback_lines: list[str]) -> None:
        self._write("\n".join(traceback_lines) + "\n")

    def clear_output(self, wait: bool) -> None:
        out = self.stdout
        if getattr(out, "isatty", lambda: False)():
            self._write("\x1b[2K\r")

    def input_request(self, prompt: str, password: bool) -> str:
        if password:
            import getpass

            return getpass.getpass(prompt)
        if self._stdin is None or (self._stdin is sys.stdin and self._stdout is None):
            return input(prompt)
        self._write(prompt)
        line = self._stdin.readline()
        if not line:
            raise EOFError("EOF when reading a line")
        return line.rstrip("\n")


@dataclass
class CellOutcome:
    """What the terminal must do after a cell: leave, pre-fill the next prompt."""

    reply: ExecuteReply | None = None
    exit_requested: bool = False
    next_input: str | None = None


def report_death(backend: Backend, error: BackendDied, out: IO[str]) -> bool:
    """Say in one plain line that the backend died; restart it when it can be.

    Returns ``False`` when the terminal should leave: the backend's
    ``restart()`` gave up for good (``BackendGone``). A backend that stops
    restarting (``BackendStopped``) keeps the terminal: its message says what
    the user can do.
    """
    reason = str(error).strip().rstrip(".") or "the kernel died"
    restart: Callable[[], Any] | None = getattr(backend, "restart", None)
    if restart is None:
        print(f"{reason}.", file=out, flush=True)
        return True
    try:
        restart()
    except BackendGone as gone:
        print(f"{reason}; {gone}", file=out, flush=True)
        return False
    except BackendStopped as stopped:
        print(f"{reason}; {stopped}", file=out, flush=True)
        return True
    except BackendDied as again:
        print(f"{reason}; restarting failed: {again}", file=out, flush=True)
        return True
    print(f"{reason}; restarted (variables are gone, history is kept).", file=out, flush=True)
    return True


def on_empty_line(backend: Backend) -> None:
    """The user entered an empty line: tell a backend that wants to know (see ``Backend``)."""
    empty_line: Callable[[], Any] | None = getattr(backend, "empty_line", None)
    if empty_line is not None:
        empty_line()


def run_code(
    backend: Backend, code: str, handler: OutputHandler, out: IO[str] | None = None
) -> CellOutcome:
    """Execute one cell and act on its reply's payloads.

    ``KeyboardInterrupt`` escaping the backend (it came between two calls, or
    the backend could not forward it) is shown as IPython shows it, and the
    terminal goes on; so does a dead backend.
    """
    out = out if out is not None else sys.stdout
    try:
        reply = backend.execute(code, handler, store_history=True)
    except KeyboardInterrupt:
        backend.interrupt()
        print("\nKeyboardInterrupt", file=out, flush=True)
        return CellOutcome()
    except BackendDied as died:
        return CellOutcome(exit_requested=not report_death(backend, died, out))
    outcome = CellOutcome(reply=reply)
    for payload in reply.payloads:
        source = payload.get("source")
        if source == "page":
            text = page_text(payload)
            if text:
                print(text, file=out, flush=True)
        elif source == "set_next_input":
            outcome.next_input = str(payload.get("text", ""))
        elif source == "ask_exit":
            outcome.exit_requested = True
    return outcome


def ask_exit_confirmation(read_answer: Callable[[str], str]) -> bool:
    """Ask "Do you really want to exit ([y]/n)?" until answered; EOF means yes."""
    while True:
        try:
            answer = read_answer(EXIT_QUESTION).strip().lower()
        except EOFError:
            return True
        except KeyboardInterrupt:
            return False
        if answer in ("", "y", "yes"):
            return True
        if answer in ("n", "no"):
            return False

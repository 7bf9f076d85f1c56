"""The seam between the terminal and "the thing that runs code": the ``Backend``.

The terminal (prompt_toolkit or line mode) only ever talks to a ``Backend``.
One implementation (:mod:`.inprocess`) calls the shell in this process; the
other (``split.frontend.backend.KernelBackend``) is a Jupyter kernel client, so
the interface is shaped after the Jupyter messaging protocol: ``execute`` streams its outputs to an
``OutputHandler`` as they happen (the iopub messages ``stream``,
``display_data``, ``execute_result``, ``error``, ``clear_output``, and the stdin
channel's ``input_request``), and returns an ``ExecuteReply`` whose payloads
have Jupyter's shape (``set_next_input``, ``page``, ``ask_exit``). ``complete``,
``inspect``, ``is_complete`` and ``history`` mirror the requests of the same
names. A backend whose process is gone raises ``BackendDied``; the terminal
then says so in one line, restarts it when it can, and carries on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from ..errors import ShellError

__all__ = [
    "Backend",
    "BackendDied",
    "BackendGone",
    "BackendStopped",
    "CompleteReply",
    "CompletionItem",
    "ExecuteReply",
    "ExecuteStatus",
    "OutputHandler",
    "page_text",
]

ExecuteStatus = Literal["ok", "error", "aborted"]


class BackendDied(ShellError):
    """The backend's process is gone (a kernel crashed or was killed).

    Raised by ``execute`` and ``complete`` (and may be by the other requests).
    The message says what happened, in words a user can read on one line.
    """


class BackendGone(BackendDied):
    """The backend is dead and will not come back (``restart()`` gave up).

    Raised by ``restart()`` when restarting is refused and nobody can be asked
    what to do (a script, piped input): the terminal says so and leaves.
    """


class BackendStopped(BackendDied):
    """The backend is dead and is not restarted automatically; the user decides.

    Raised by ``restart()`` when it stops restarting (a kernel that keeps dying
    while it starts). The message explains why and what the user can type; the
    terminal prints it and goes on prompting: typed code is never taken as an
    answer, and only the usual ways out (Ctrl-D, ``exit``) leave.
    """


@runtime_checkable
class OutputHandler(Protocol):
    """What the terminal offers a running ``execute``: where its outputs go.

    Methods are called as the outputs happen, in order, from the thread that
    called ``execute``.
    """

    def stream(self, name: str, text: str) -> None:
        """A chunk of ``"stdout"`` or ``"stderr"`` text (no newline added)."""
        ...

    def display(self, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        """Rich output (``display()``): a MIME bundle."""
        ...

    def execute_result(self, count: int, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        """The value of the cell's last expression, shown after ``Out[count]:``."""
        ...

    def error(self, ename: str, evalue: str, traceback_lines: list[str]) -> None:
        """An exception: the lines are already formatted (maybe coloured)."""
        ...

    def clear_output(self, wait: bool) -> None:
        """Clear the output shown so far (``wait``: when the next output comes)."""
        ...

    def input_request(self, prompt: str, password: bool) -> str:
        """The running code called ``input()`` (or ``getpass``): read a line."""
        ...


@dataclass
class ExecuteReply:
    """The reply to ``execute``: status, the count it used, Jupyter-shaped payloads.

    Payload dicts: ``{"source": "set_next_input", "text": str, "replace": bool}``,
    ``{"source": "page", "data": {mime: ...}, "start": int}``,
    ``{"source": "ask_exit", "keepkernel": bool}``.
    """

    status: ExecuteStatus
    execution_count: int
    payloads: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CompletionItem:
    """One completion: replace ``code[start:end]`` with ``text``."""

    start: int
    end: int
    text: str
    type: str = ""
    signature: str = ""


@dataclass
class CompleteReply:
    """The reply to ``complete``: the span the matches replace, and the matches."""

    cursor_start: int
    cursor_end: int
    matches: list[CompletionItem] = field(default_factory=list)


@runtime_checkable
class Backend(Protocol):
    """What the terminal needs from the thing that runs code.

    A backend may also have ``restart() -> None``: the terminal calls it after
    ``BackendDied`` when it exists; it raises ``BackendDied`` when restarting
    failed, ``BackendStopped`` when it will not restart by itself, and
    ``BackendGone`` when the terminal should leave. And ``empty_line() -> None``:
    called when the user enters an empty line (a backend with nothing running
    takes it as the go-ahead to start again).
    """

    @property
    def execution_count(self) -> int:
        """The number the next stored cell will get (shown in ``In [n]:``)."""
        ...

    def banner(self) -> str:
        """The text shown when the terminal starts."""
        ...

    def execute(
        self, code: str, handler: OutputHandler, *, store_history: bool = True, silent: bool = False
    ) -> ExecuteReply:
        """Run ``code``; outputs go to ``handler`` as they happen.

        ``KeyboardInterrupt`` while it runs: a backend that can forward it
        (``interrupt``) does so and keeps waiting for the reply; if it escapes,
        the terminal shows it and gives a new prompt.
        """
        ...

    def complete(self, code: str, cursor_pos: int) -> CompleteReply:
        """Completions at ``cursor_pos``; called from a worker thread."""
        ...

    def inspect(self, code: str, cursor_pos: int, detail_level: int = 0) -> str | None:
        """Help text for the name at ``cursor_pos``, or ``None``."""
        ...

    def is_complete(self, code: str) -> tuple[str, str | None]:
        """``("complete"|"incomplete"|"invalid"|"unknown", indent)``."""
        ...

    def history(self, limit: int) -> list[str]:
        """Up to ``limit`` raw inputs of past and present sessions, oldest first."""
        ...

    def interrupt(self) -> None:
        """Interrupt the running code (a no-op where SIGINT already does it)."""
        ...

    def shutdown(self) -> None:
        """The terminal is leaving: release what the backend holds."""
        ...

    def pre_prompt(self) -> None:
        """Called before each prompt is shown (IPython's ``pre_prompt_hook``)."""
        ...


def page_text(payload: dict[str, Any]) -> str:
    """The ``text/plain`` of a ``page`` payload, from its ``start`` line on."""
    data = payload.get("data") or {}
    text = data.get("text/plain", "") if isinstance(data, dict) else str(data)
    if not isinstance(text, str):
        text = str(text)
    start = int(payload.get("start", 0) or 0)
    if start > 0:
        text = "\n".join(text.split("\n")[start:])
    return text

"""The first ``Backend``: the shell in this very process.

Each request is a call on the shell's public API. ``execute`` swaps the
shell's output sink for one that forwards rich output to the terminal's
``OutputHandler`` and turns pager text, ``set_next_input`` and ``exit`` into
Jupyter-shaped payloads, exactly what a kernel would send; the sink is put back
afterwards. What user code prints goes straight to ``sys.stdout`` and
``input()`` is the real builtin: in one process nothing needs relaying.
``interrupt`` is a no-op because SIGINT already raises ``KeyboardInterrupt`` in
the running cell, which the shell shows.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..api import ShellAPI
from ..completion import Completer
from ..history import HistoryManager
from ..inputtransform import InputTransformer
from ..inspector import Inspector
from ..output import OutputSink
from .backend import CompleteReply, CompletionItem, ExecuteReply, ExecuteStatus, OutputHandler

__all__ = ["InProcessBackend", "name_at_cursor"]

_IDENT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


class _PayloadSink:
    """An ``OutputSink`` that forwards to an ``OutputHandler`` and collects payloads."""

    def __init__(self, handler: OutputHandler) -> None:
        self.handler = handler
        self.payloads: list[dict[str, Any]] = []

    def display(
        self,
        data: dict[str, Any],
        metadata: dict[str, Any],
        transient: dict[str, Any] | None = None,
        update: bool = False,
    ) -> None:
        self.handler.display(data, metadata or {})

    def execute_result(
        self, execution_count: int, data: dict[str, Any], metadata: dict[str, Any]
    ) -> None:
        self.handler.execute_result(execution_count, data, metadata or {})

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self.handler.error(ename, evalue, list(traceback))

    def clear_output(self, wait: bool = False) -> None:
        self.handler.clear_output(wait)

    def page(self, data: dict[str, Any], start: int = 0) -> None:
        self.payloads.append({"source": "page", "data": dict(data), "start": start})

    def set_next_input(self, text: str, replace: bool = False) -> None:
        self.payloads.append({"source": "set_next_input", "text": text, "replace": replace})

    def ask_exit(self, keep_kernel: bool = False) -> None:
        self.payloads.append({"source": "ask_exit", "keepkernel": keep_kernel})


def name_at_cursor(code: str, cursor_pos: int) -> str:
    """The dotted name under (or just before) the cursor; inside ``f(`` it is ``f``.

    What a user means when asking for help at the cursor, as Jupyter's
    ``inspect_request`` does: ``os.pa|th`` gives ``os.path``, ``len(x|`` gives ``len``.
    """
    cursor_pos = max(0, min(cursor_pos, len(code)))
    end = cursor_pos
    while end < len(code) and code[end] in _IDENT:
        end += 1
    start = cursor_pos
    while start > 0 and (code[start - 1] in _IDENT or code[start - 1] == "."):
        start -= 1
    name = code[start:end].strip(".")
    if name and not name[0].isdigit():
        return name
    depth = 0
    for i in range(cursor_pos - 1, -1, -1):
        ch = code[i]
        if ch in ")]}":
            depth += 1
        elif ch in "([{":
            if depth == 0:
                return name_at_cursor(code, i) if ch == "(" and i > 0 else ""
            depth -= 1
    return ""


class TerminalHost(ShellAPI, Protocol):
    """What the terminal needs of a shell in this process: its API and its helpers."""

    output: OutputSink  # swapped while a cell runs, to collect payloads

    @property
    def completer(self) -> Completer: ...
    @property
    def inspector(self) -> Inspector: ...
    @property
    def input_transformer(self) -> InputTransformer: ...
    @property
    def history_manager(self) -> HistoryManager: ...
    def banner(self) -> str: ...


class InProcessBackend:
    """A ``Backend`` over an ``InteractiveShell`` living in this process."""

    def __init__(self, shell: TerminalHost) -> None:
        self.shell = shell

    @property
    def execution_count(self) -> int:
        return int(self.shell.execution_count)

    def banner(self) -> str:
        return self.shell.banner()

    def execute(
        self, code: str, handler: OutputHandler, *, store_history: bool = True, silent: bool = False
    ) -> ExecuteReply:
        shell = self.shell
        sink = _PayloadSink(handler)
        saved = shell.output
        shell.output = sink
        count = self.execution_count
        try:
            result = shell.run_cell(code, store_history=store_history, silent=silent)
        finally:
            shell.output = saved
        payloads = list(sink.payloads)
        for payload in getattr(result, "payloads", None) or []:
            if payload not in payloads:
                payloads.append(payload)
        status: ExecuteStatus = "ok" if result.success else "error"
        used = result.execution_count if result.execution_count is not None else count
        return ExecuteReply(status, used, payloads)

    def complete(self, code: str, cursor_pos: int) -> CompleteReply:
        found = self.shell.completer.completions(code, cursor_pos)
        items = [
            CompletionItem(
                c.start, c.end, c.text, getattr(c, "type", ""), getattr(c, "signature", "")
            )
            for c in found
        ]
        start = min((item.start for item in items), default=cursor_pos)
        end = max((item.end for item in items), default=cursor_pos)
        return CompleteReply(start, end, items)

    def inspect(self, code: str, cursor_pos: int, detail_level: int = 0) -> str | None:
        name = name_at_cursor(code, cursor_pos)
        if not name:
            return None
        text = self.shell.inspector.text(name, detail_level)
        return text if text else None

    def is_complete(self, code: str) -> tuple[str, str | None]:
        status, indent = self.shell.input_transformer.check_complete(code)
        return str(status), indent

    def history(self, limit: int) -> list[str]:
        return list(self.shell.history_manager.prompt_history(limit))

    def interrupt(self) -> None:
        """Nothing to do: SIGINT already raised ``KeyboardInterrupt`` in the cell."""

    def shutdown(self) -> None:
        """Nothing to release: the caller ends the shell (``atexit_operations``)."""

    def pre_prompt(self) -> None:
        hooks = getattr(self.shell, "hooks", None)
        if hooks is None:
            return
        call = getattr(hooks, "call_reporting", None) or getattr(hooks, "call", None)
        if call is not None:
            call("pre_prompt_hook")

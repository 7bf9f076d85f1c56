"""Jupyter messages to the terminal's types: pure functions, no sockets.

The terminal speaks ``legacy_shell.terminal.backend`` (``OutputHandler``,
``ExecuteReply``, ``CompleteReply``); the kernel speaks the Jupyter messaging
protocol. This module is the one place that maps one onto the other, so the
mapping is unit-testable without a kernel.
"""

from __future__ import annotations

from typing import Any

from legacy_shell.terminal.backend import (
    CompleteReply,
    CompletionItem,
    ExecuteReply,
    OutputHandler,
)

from ..wire import Message

__all__ = [
    "OUTPUT_TYPES",
    "HeldOutput",
    "complete_reply",
    "execute_reply",
    "history_inputs",
    "inspect_text",
    "route_output",
]

#: iopub messages that carry output a user should see.
OUTPUT_TYPES = frozenset(
    {"stream", "display_data", "update_display_data", "execute_result", "error", "clear_output"}
)


def route_output(msg: Message, handler: OutputHandler) -> bool:
    """Hand one iopub output message to ``handler``; False when it is not an output."""
    kind, content = msg.msg_type, msg.content
    if kind == "stream":
        handler.stream(str(content.get("name", "stdout")), str(content.get("text", "")))
    elif kind in ("display_data", "update_display_data"):
        handler.display(dict(content.get("data") or {}), dict(content.get("metadata") or {}))
    elif kind == "execute_result":
        handler.execute_result(
            int(content.get("execution_count") or 0),
            dict(content.get("data") or {}),
            dict(content.get("metadata") or {}),
        )
    elif kind == "error":
        lines = [str(line) for line in content.get("traceback") or []]
        if not lines:
            lines = [f"{content.get('ename', 'Error')}: {content.get('evalue', '')}"]
        handler.error(str(content.get("ename", "")), str(content.get("evalue", "")), lines)
    elif kind == "clear_output":
        handler.clear_output(bool(content.get("wait", False)))
    else:
        return False
    return True


def execute_reply(content: dict[str, Any], fallback_count: int) -> ExecuteReply:
    """An ``execute_reply``'s content as the terminal's ``ExecuteReply``."""
    status = content.get("status", "error")
    if status not in ("ok", "error", "aborted"):
        status = "error"
    count = content.get("execution_count")
    payloads = [p for p in content.get("payload") or [] if isinstance(p, dict)]
    return ExecuteReply(status, int(count) if count is not None else fallback_count, payloads)


def complete_reply(content: dict[str, Any], cursor_pos: int) -> CompleteReply:
    """A ``complete_reply``: typed items from IPython's experimental metadata when present."""
    if content.get("status", "ok") != "ok":
        return CompleteReply(cursor_pos, cursor_pos, [])
    start = int(content.get("cursor_start", cursor_pos))
    end = int(content.get("cursor_end", cursor_pos))
    metadata = content.get("metadata") or {}
    typed = metadata.get("_jupyter_types_experimental") if isinstance(metadata, dict) else None
    items: list[CompletionItem] = []
    if isinstance(typed, list) and typed:
        for entry in typed:
            if not isinstance(entry, dict) or "text" not in entry:
                continue
            items.append(
                CompletionItem(
                    int(entry.get("start", start)),
                    int(entry.get("end", end)),
                    str(entry["text"]),
                    str(entry.get("type") or ""),
                    str(entry.get("signature") or ""),
                )
            )
    else:
        items = [CompletionItem(start, end, str(m)) for m in content.get("matches") or []]
    return CompleteReply(start, end, items)


def inspect_text(content: dict[str, Any]) -> str | None:
    """The ``text/plain`` of an ``inspect_reply``, or ``None`` when nothing was found."""
    if content.get("status", "ok") != "ok" or not content.get("found"):
        return None
    text = (content.get("data") or {}).get("text/plain")
    return str(text) if text else None


def history_inputs(entries: Any, limit: int) -> list[str]:
    """Raw inputs from ``history_reply`` entries, oldest first, without repeats in a row."""
    out: list[str] = []
    for entry in entries or []:
        if not isinstance(entry, list | tuple) or len(entry) < 3:
            continue
        source = entry[2]
        if isinstance(source, list | tuple):  # (input, output) when output was asked for
            source = source[0]
        text = str(source)
        if not text.strip() or (out and out[-1] == text):
            continue
        out.append(text)
    return out[-limit:] if limit > 0 else []


class HeldOutput:
    """An ``OutputHandler`` that keeps what it is given, to show it later (``replay``).

    Output of a restarted kernel's start-up files comes while the terminal is
    still saying that the old one died: it is held, and shown after that line.
    """

    def __init__(self) -> None:
        self._calls: list[tuple[str, tuple[Any, ...]]] = []

    def stream(self, name: str, text: str) -> None:
        self._calls.append(("stream", (name, text)))

    def display(self, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        self._calls.append(("display", (data, metadata)))

    def execute_result(self, count: int, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        self._calls.append(("execute_result", (count, data, metadata)))

    def error(self, ename: str, evalue: str, traceback_lines: list[str]) -> None:
        self._calls.append(("error", (ename, evalue, traceback_lines)))

    def clear_output(self, wait: bool) -> None:
        self._calls.append(("clear_output", (wait,)))

    def input_request(self, prompt: str, password: bool) -> str:
        raise EOFError("no input while the kernel restarts")

    def replay(self, handler: OutputHandler) -> None:
        """Give everything held to ``handler``, in order, and forget it."""
        calls, self._calls = self._calls, []
        for method, args in calls:
            getattr(handler, method)(*args)

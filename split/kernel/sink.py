"""The shell's rich output as iopub messages and reply payloads: ``PublishingSink``.

``legacy_shell`` hands every result, display, traceback and pager text to its
``OutputSink``; in a kernel that sink is this one, swapped in for the duration
of an ``execute``. Displays, results, errors and ``clear_output`` become iopub
messages; pager text, ``set_next_input`` and ``exit`` become the reply's
payloads, as the Jupyter messaging spec says. Before anything is published the
pending stream text is flushed, so what was printed before a ``display()``
arrives before it. The last error is remembered: the ``execute_reply`` of a
failed cell carries the same traceback lines as the ``error`` message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Publish", "PublishingSink"]

#: ``(msg_type, content, metadata)``: the kernel core binds the parent request.
Publish = Callable[[str, dict[str, Any], dict[str, Any] | None], None]


class PublishingSink:
    """An ``OutputSink`` (see ``legacy_shell.output``) that publishes on iopub.

    ``flush_streams`` is called before each message to keep stream text in order.
    Call ``reset`` before each cell: it forgets the payloads and the last error.
    """

    def __init__(self, publish: Publish, flush_streams: Callable[[], None]) -> None:
        self._publish = publish
        self._flush_streams = flush_streams
        self.payloads: list[dict[str, Any]] = []
        self.last_error: tuple[str, str, list[str]] | None = None

    def reset(self) -> None:
        self.payloads = []
        self.last_error = None

    def _send(self, msg_type: str, content: dict[str, Any]) -> None:
        self._flush_streams()
        self._publish(msg_type, content, None)

    # -- iopub -----------------------------------------------------------------------
    def display(
        self,
        data: dict[str, Any],
        metadata: dict[str, Any],
        transient: dict[str, Any] | None = None,
        update: bool = False,
    ) -> None:
        content = {"data": data, "metadata": metadata or {}, "transient": transient or {}}
        self._send("update_display_data" if update else "display_data", content)

    def execute_result(
        self, execution_count: int, data: dict[str, Any], metadata: dict[str, Any]
    ) -> None:
        content = {"execution_count": execution_count, "data": data, "metadata": metadata or {}}
        self._send("execute_result", content)

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        lines = [str(line) for line in traceback]
        self.last_error = (str(ename), str(evalue), lines)
        self._send("error", {"ename": str(ename), "evalue": str(evalue), "traceback": lines})

    def clear_output(self, wait: bool = False) -> None:
        self._send("clear_output", {"wait": bool(wait)})

    # -- payloads --------------------------------------------------------------------
    def _payload(self, payload: dict[str, Any]) -> None:
        """One payload per source and reply, the last wins (as IPython's payload manager)."""
        source = payload["source"]
        self.payloads = [p for p in self.payloads if p["source"] != source]
        self.payloads.append(payload)

    def page(self, data: dict[str, Any], start: int = 0) -> None:
        self._payload({"source": "page", "data": dict(data), "start": int(start)})

    def set_next_input(self, text: str, replace: bool = False) -> None:
        self._payload({"source": "set_next_input", "text": str(text), "replace": bool(replace)})

    def ask_exit(self, keep_kernel: bool = False) -> None:
        self._payload({"source": "ask_exit", "keepkernel": bool(keep_kernel)})

"""Where the shell's rich output goes: the ``OutputSink``.

The shell never prints results, display data, tracebacks or pager text
itself; it hands them to a sink. The terminal sink below prints ``text/plain``;
a kernel injects a sink that turns the same calls into iopub messages and
payloads. Plain ``print()`` output of user code is not routed here: it goes to
``sys.stdout``, which a kernel replaces with its own stream.
"""

from __future__ import annotations

import sys
from typing import Any, Protocol

__all__ = ["OutputSink", "TerminalSink"]


class OutputSink(Protocol):
    def display(
        self,
        data: dict[str, Any],
        metadata: dict[str, Any],
        transient: dict[str, Any] | None = None,
        update: bool = False,
    ) -> None: ...

    def execute_result(
        self, execution_count: int, data: dict[str, Any], metadata: dict[str, Any]
    ) -> None: ...

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None: ...

    def clear_output(self, wait: bool = False) -> None: ...

    def page(self, data: dict[str, Any], start: int = 0) -> None: ...

    def set_next_input(self, text: str, replace: bool = False) -> None: ...

    def ask_exit(self, keep_kernel: bool = False) -> None: ...


class TerminalSink:
    """Prints ``text/plain`` to the (current) ``sys.stdout``; remembers payloads.

    ``next_input`` and ``exit_requested`` are read and cleared by the terminal
    after each cell; they are the in-process form of the kernel's payloads.
    """

    def __init__(self, out_prompt: str = "Out[{count}]: ") -> None:
        self.out_prompt = out_prompt
        self.next_input: str | None = None
        self.exit_requested: bool = False
        self.keep_kernel: bool = False
        self.pages: list[str] = []

    @staticmethod
    def _text(data: dict[str, Any]) -> str:
        text = data.get("text/plain")
        if text is None:
            return ""
        return text if isinstance(text, str) else str(text)

    def display(self, data, metadata, transient=None, update=False) -> None:  # type: ignore[no-untyped-def]
        text = self._text(data)
        if text:
            print(text, file=sys.stdout, flush=True)

    def execute_result(self, execution_count, data, metadata) -> None:  # type: ignore[no-untyped-def]
        text = self._text(data)
        prompt = self.out_prompt.format(count=execution_count)
        if "\n" in text:
            text = "\n" + text
        sys.stdout.write(f"{prompt}{text}\n")
        sys.stdout.flush()

    def error(self, ename, evalue, traceback) -> None:  # type: ignore[no-untyped-def]
        sys.stdout.write("\n".join(traceback) + "\n")
        sys.stdout.flush()

    def clear_output(self, wait: bool = False) -> None:
        out = sys.stdout
        if out.isatty() if hasattr(out, "isatty") else False:
            out.write("\033[2K\r")
            out.flush()

    def page(self, data, start: int = 0) -> None:  # type: ignore[no-untyped-def]
        text = self._text(data)
        self.pages.append(text)
        print(text, file=sys.stdout, flush=True)

    def set_next_input(self, text: str, replace: bool = False) -> None:
        self.next_input = text

    def ask_exit(self, keep_kernel: bool = False) -> None:
        self.exit_requested = True
        self.keep_kernel = keep_kernel

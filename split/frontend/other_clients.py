"""Output of other clients' executions on the same kernel (iopub is broadcast).

Two frontends attached to one kernel both receive everything it publishes.
What another client ran is shown here as jupyter_console shows it: its input
marked ``[remote]``, then its outputs, printed through the terminal's own
``OutputHandler`` so it looks like the rest of the session. The client routes only other sessions' messages here.
"""

from __future__ import annotations

from legacy_shell.terminal.backend import OutputHandler
from legacy_shell.terminal.session import ConsoleHandler, TerminalOptions

from ..wire import Message
from .replies import route_output

__all__ = ["OtherClientsPrinter"]


class OtherClientsPrinter:
    """Shows iopub messages whose parent request came from another session."""

    def __init__(self, handler: OutputHandler | None = None) -> None:
        self.handler: OutputHandler = (
            handler if handler is not None else ConsoleHandler(TerminalOptions(colors=False))
        )

    def show(self, msg: Message) -> None:
        """Print ``msg`` (the client routes only other sessions' messages here)."""
        if msg.msg_type == "execute_input":
            count = msg.content.get("execution_count", "?")
            code = str(msg.content.get("code", ""))
            self.handler.stream("stdout", f"[remote] In [{count}]: {code}\n")
            return
        route_output(msg, self.handler)

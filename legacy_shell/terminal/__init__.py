"""The terminal: prompt_toolkit UI and line mode over a ``Backend``.

The terminal never touches the shell directly: it talks to a ``Backend``
(:mod:`.backend`), whose first implementation runs the shell in this process
(:mod:`.inprocess`) and whose next one will be a kernel client. prompt_toolkit
is imported only by :mod:`.app`, when a real terminal is shown.
"""

from __future__ import annotations

from .backend import (
    Backend,
    BackendDied,
    BackendGone,
    BackendStopped,
    CompleteReply,
    CompletionItem,
    ExecuteReply,
    OutputHandler,
)

__all__ = [
    "Backend",
    "BackendDied",
    "BackendGone",
    "BackendStopped",
    "CompleteReply",
    "CompletionItem",
    "ExecuteReply",
    "OutputHandler",
]

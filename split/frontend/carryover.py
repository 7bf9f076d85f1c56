"""What a two-process terminal carries from one kernel to the next across a restart.

A restart (after a crash, or ``%restart``) gives a fresh process: variables
are gone, on purpose. But the user should not find the session changed in
ways they did not ask for: the working directory they ``%cd``-ed to, the
``%xmode`` they chose, and the history of this terminal (``%history`` shows
the lines typed before the restart, as the Up arrow does). The terminal
learns the first two after each cell of the user's (``user_expressions`` of
its execute request, so a crash loses nothing noted before it) and the
kernel's history session from its start-up request, and sends them to each
new kernel as silent setup lines.
"""

from __future__ import annotations

import ast
from typing import Any

__all__ = ["CarryOver"]

#: Asked in the start-up request: the kernel's history session.
SESSION = {"legacy_shell.session": "get_ipython().history_manager.session_number"}
#: Asked of the kernel after each cell of the user's (in the execute request).
EXPRESSIONS = {
    "legacy_shell.cwd": "__import__('os').getcwd()",
    "legacy_shell.xmode": "get_ipython().config['shell.xmode']",
    **SESSION,
}

_XMODES = ("Plain", "Context", "Verbose", "Minimal")


def _value(expressions: Any, key: str) -> Any:
    """The value of one user expression from a reply, or ``None``."""
    found = (expressions or {}).get(key) if isinstance(expressions, dict) else None
    if not isinstance(found, dict) or found.get("status") != "ok":
        return None
    text = (found.get("data") or {}).get("text/plain")
    try:
        return ast.literal_eval(text) if isinstance(text, str) else None
    except (ValueError, SyntaxError):
        return None


class CarryOver:
    """The working directory, traceback mode and history sessions of one terminal."""

    def __init__(self) -> None:
        self.cwd: str | None = None
        self.xmode: str | None = None
        #: History sessions of this terminal's earlier kernels, oldest first.
        self.sessions: list[int] = []
        #: The history session of the kernel that runs now, once known.
        self.current_session: int | None = None

    def note_cell(self, reply_content: dict[str, Any]) -> None:
        """After a cell of the user's: where the kernel is now, and how it shows errors."""
        expressions = reply_content.get("user_expressions")
        cwd = _value(expressions, "legacy_shell.cwd")
        if isinstance(cwd, str):
            self.cwd = cwd
        xmode = _value(expressions, "legacy_shell.xmode")
        if xmode in _XMODES:
            self.xmode = xmode
        session = self.note_start(reply_content)
        if session is not None:
            self.current_session = session

    def note_start(self, reply_content: dict[str, Any]) -> int | None:
        """After a kernel's start-up request: its history session (``None`` if unknown)."""
        session = _value(reply_content.get("user_expressions"), "legacy_shell.session")
        return session if isinstance(session, int) and not isinstance(session, bool) else None

    def kernel_ended(self) -> None:
        """The kernel is being replaced: its session becomes one of the earlier ones."""
        if self.current_session is not None and self.current_session not in self.sessions:
            self.sessions.append(self.current_session)
        self.current_session = None

    def lines(self) -> list[str]:
        """Code for a new kernel: what it should carry over (silent, unstored)."""
        out = []
        if self.cwd is not None:
            out.append(f"import os as _o; _o.chdir({self.cwd!r}); del _o")
        if self.xmode is not None:
            out.append(f"get_ipython().config['shell.xmode'] = {self.xmode!r}")
        if self.sessions:
            out.append(f"get_ipython().history_manager.earlier_sessions = {self.sessions!r}")
        return out

"""The user's editor and clipboard, asked of the terminal that sent the cell.

In two-process mode the shell lives in a kernel, maybe on another host, with
no terminal; ``%edit`` and ``%paste`` must reach the user's. So while a cell
runs for a terminal that said it can (``legacy_shell.terminal`` in the
``execute_request``'s metadata), the shell's ``user_site`` is a
:class:`TerminalSite`: editing a file sends its text to the terminal in an
``input_request`` (with ``legacy_shell: {"op": "edit", ...}``), the terminal
runs the user's editor on a copy and answers with the new text, which is
written back here; the kernel then goes on exactly as ``%edit`` does in one
process. The answer is a small JSON document in the reply's ``value``. Any
other client (a notebook) gets ``NoSite``, which says in one line why.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from legacy_shell.usersite import NoSite, SiteUnavailable, UserSite

__all__ = ["FEATURES", "TerminalSite", "site_for"]

#: What our terminal offers, as announced in ``metadata["legacy_shell"]["terminal"]``.
FEATURES = ("edit", "clipboard")

AskTerminal = Callable[[dict[str, Any]], str]


class TerminalSite:
    """A ``UserSite`` whose editor and clipboard are the requesting terminal's."""

    def __init__(
        self, ask: AskTerminal, features: frozenset[str], editor: Callable[[], str] = str
    ) -> None:
        """``editor()``: the shell's ``shell.editor`` setting ("" leaves it to the terminal's
        ``$VISUAL``/``$EDITOR``)."""
        self._ask = ask
        self.features = features
        self._editor = editor

    def _request(self, op: str, **fields: Any) -> dict[str, Any]:
        if op not in self.features:
            raise SiteUnavailable(f"this terminal does not offer {op}")
        answer = self._ask({"op": op, **fields})
        try:
            reply = json.loads(answer)
        except ValueError:
            raise SiteUnavailable(f"the terminal gave no answer to {op}") from None
        if not isinstance(reply, dict) or reply.get("status") != "ok":
            reason = reply.get("error") if isinstance(reply, dict) else None
            raise SiteUnavailable(str(reason or f"the terminal could not {op}"))
        return reply

    def edit_file(self, path: str, line: int | None = None) -> None:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            text = ""
        except OSError as e:
            raise SiteUnavailable(f"{path} could not be read: {e}") from None
        reply = self._request(
            "edit", name=os.path.basename(path), text=text, line=line, editor=self._editor()
        )
        new = reply.get("text")
        if not isinstance(new, str):
            raise SiteUnavailable("the terminal sent back no text")
        if new != text:
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)

    def read_clipboard(self) -> str:
        reply = self._request("clipboard")
        text = reply.get("text")
        if not isinstance(text, str):
            raise SiteUnavailable("the terminal sent back no text")
        return text


def site_for(
    metadata: dict[str, Any] | None,
    allow_stdin: bool,
    ask: AskTerminal,
    editor: Callable[[], str] = str,
) -> UserSite:
    """The user's site for a cell: its terminal's, if it announced one and answers stdin."""
    announced = ((metadata or {}).get("legacy_shell") or {}).get("terminal")
    if allow_stdin and isinstance(announced, list):
        features = frozenset(str(f) for f in announced) & frozenset(FEATURES)
        if features:
            return TerminalSite(ask, features, editor)
    return NoSite("this kernel's client")

"""The terminal's answers to a kernel's requests for the user's editor and clipboard.

A kernel running ``%edit`` or ``%paste`` for this terminal sends an
``input_request`` carrying ``legacy_shell: {"op": ...}`` (see
``split.kernel.terminal_site``). The terminal does here what one process does
(``legacy_shell.usersite``): the editor runs on a local copy of the text, in a
private temporary directory, under the file's own name (so the editor picks
its mode by the extension), and the clipboard is read with the machine's
clipboard tool. The answer is a small JSON document; a failure is an answer
too (``status: error`` with the reason), never a crash of the terminal.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from legacy_shell.usersite import SiteUnavailable, read_clipboard, run_editor

__all__ = ["ANNOUNCEMENT", "answer"]

#: What this terminal lends a kernel, announced in each execute_request's metadata.
ANNOUNCEMENT = {"legacy_shell": {"terminal": ["edit", "clipboard"]}}


def _safe_name(name: Any) -> str:
    """A file name the kernel suggested, as a plain name in our own directory."""
    base = os.path.basename(str(name or "")).strip()
    return base if base and base not in (".", "..") else "edit.py"


def _edit(request: dict[str, Any], editor: str) -> dict[str, Any]:
    text = request.get("text")
    if not isinstance(text, str):
        return {"status": "error", "error": "the kernel sent no text to edit"}
    line = request.get("line")
    line = int(line) if isinstance(line, int) and not isinstance(line, bool) else None
    configured = request.get("editor") if isinstance(request.get("editor"), str) else ""
    with tempfile.TemporaryDirectory(prefix="legacy-shell-edit-") as folder:
        path = os.path.join(folder, _safe_name(request.get("name")))
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        run_editor(path, line, configured or editor)
        with open(path, encoding="utf-8") as f:
            return {"status": "ok", "text": f.read()}


def answer(request: Any, editor: str = "") -> str:
    """The reply ``value`` for a kernel's terminal request (JSON)."""
    op = request.get("op") if isinstance(request, dict) else None
    try:
        if op == "edit":
            reply = _edit(request, editor)
        elif op == "clipboard":
            reply = {"status": "ok", "text": read_clipboard()}
        else:
            reply = {"status": "error", "error": f"this terminal does not know {op!r}"}
    except (SiteUnavailable, OSError, UnicodeError) as e:
        reply = {"status": "error", "error": str(e)}
    return json.dumps(reply)

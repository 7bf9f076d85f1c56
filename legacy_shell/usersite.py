"""The user's side of the shell: their editor and their clipboard (``shell.user_site``).

``%edit`` opens the user's editor and ``%paste`` reads the user's clipboard.
Both belong to the machine the user sits at, which is not always the one the
code runs on: in two-process mode the shell lives in a kernel, maybe on
another host, with no terminal. So the shell never runs an editor or reads a
clipboard itself; it asks its ``UserSite``. In one process that is
:class:`LocalSite` (this machine); a kernel swaps in one that asks its
terminal over the wire, and a client that cannot do either (a notebook)
gets :class:`NoSite`, which says so in one line.

The local implementations are plain functions (:func:`run_editor`,
:func:`read_clipboard`), so the two-process terminal answers a kernel's
request with exactly what one process does.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Callable
from typing import Protocol

from .errors import ShellError

__all__ = [
    "LocalSite",
    "NoSite",
    "SiteUnavailable",
    "UserSite",
    "editor_command",
    "read_clipboard",
    "run_editor",
]


class SiteUnavailable(ShellError):
    """The user's editor or clipboard cannot be used; the message says why, in one line."""


class UserSite(Protocol):
    """What the shell asks of the place where the user sits."""

    def edit_file(self, path: str, line: int | None = None) -> None:
        """Let the user edit ``path`` (at ``line``); return when done (``SiteUnavailable``)."""
        ...

    def read_clipboard(self) -> str:
        """The text on the user's clipboard (``SiteUnavailable`` if it cannot be read)."""
        ...


def editor_command(configured: str = "") -> str:
    """``shell.editor`` if set, else ``$VISUAL``, ``$EDITOR``, then ``vi``."""
    return configured or os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"


def run_editor(path: str, line: int | None = None, configured: str = "") -> None:
    """Run the editor on ``path`` and wait; ``SiteUnavailable`` if it fails.

    The command is a shell command line (``"code -w"`` works), so it runs
    through ``/bin/sh``, the file name quoted; ``+LINE`` goes before it, as
    vi, emacs, nano and most others understand.
    """
    command = editor_command(configured)
    linemark = f"+{int(line)}" if line is not None else ""
    argv = " ".join(part for part in (command, linemark, shlex.quote(path)) if part)
    try:
        status = subprocess.call(argv, shell=True)
    except OSError as e:
        raise SiteUnavailable(f"the editor {command!r} could not be started: {e}") from None
    if status != 0:
        raise SiteUnavailable(f"the editor command {argv!r} exited with status {status}")


#: Clipboard readers, tried in order; each is used only when its program is on the PATH.
_CLIPBOARD_TOOLS: tuple[tuple[str, ...], ...] = (
    ("wl-paste", "--no-newline"),
    ("xclip", "-selection", "clipboard", "-out"),
    ("xsel", "--clipboard", "--output"),
    ("pbpaste",),
    ("termux-clipboard-get",),
)


def read_clipboard() -> str:
    """The clipboard's text, through the first clipboard tool found on the PATH."""
    tried = []
    for argv in _CLIPBOARD_TOOLS:
        program = shutil.which(argv[0])
        if program is None:
            continue
        tried.append(argv[0])
        try:
            done = subprocess.run(
                [program, *argv[1:]], capture_output=True, timeout=10, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if done.returncode == 0:
            return done.stdout.decode("utf-8", errors="replace").replace("\r\n", "\n")
    if tried:
        raise SiteUnavailable(f"the clipboard could not be read ({', '.join(tried)} failed)")
    raise SiteUnavailable(
        "no clipboard tool was found (wl-paste, xclip, xsel or pbpaste); "
        "use %cpaste and paste the text at its prompt instead"
    )


class LocalSite:
    """This machine: the editor runs here, the clipboard is read here."""

    def __init__(self, editor: str | Callable[[], str] = "") -> None:
        """``editor``: ``shell.editor`` from the configuration, or how to read it when needed
        ("" for the environment's)."""
        self._editor = editor

    @property
    def editor(self) -> str:
        return self._editor() if callable(self._editor) else self._editor

    def edit_file(self, path: str, line: int | None = None) -> None:
        run_editor(path, line, self.editor)

    def read_clipboard(self) -> str:
        return read_clipboard()


class NoSite:
    """A client that has no editor or clipboard to offer (a notebook, a script)."""

    def __init__(self, who: str = "this kernel's client") -> None:
        self.who = who

    def edit_file(self, path: str, line: int | None = None) -> None:
        raise SiteUnavailable(
            f"{self.who} cannot open an editor (use %load to bring code in, %save to keep it)"
        )

    def read_clipboard(self) -> str:
        raise SiteUnavailable(f"{self.who} cannot read its clipboard (paste into a cell instead)")

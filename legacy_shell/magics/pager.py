"""Magics that show text through the pager: ``%page``, ``%less``, ``%more``, ``%pycat``, ``%man``.

The pager is the shell's (``shell.page``): the terminal prints the text; a
kernel sends it as a ``page`` payload, which its terminal prints the same way
and a notebook shows in its pager.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

from ..errors import UsageError
from ..magic import Magics, line_magic, magics_class

__all__ = ["PagerMagics"]


@magics_class
class PagerMagics(Magics):
    """Paging objects, files and manual pages."""

    def _colored(self, code: str) -> str:
        if self.shell.config["shell.colors"] == "NoColor":
            return code
        try:
            from pygments import highlight
            from pygments.formatters import TerminalFormatter
            from pygments.lexers.python import PythonLexer
        except ImportError:
            return code
        return str(highlight(code, PythonLexer(), TerminalFormatter()))

    @line_magic
    def page(self, parameter_s: str = "") -> None:
        """Show an object through the pager, pretty-printed: ``%page [-r] OBJECT``.

        ``-r``: its ``str()`` instead of the pretty form. No object: the last result.
        """
        opts, name = self.parse_options(parameter_s, "r")
        name = name.strip() or "_"
        try:
            obj = self.shell.ev(name)
        except Exception:
            raise UsageError(f"Object {name!r} not found") from None
        if "r" in opts:
            text = str(obj)
        else:
            text = str(self.shell.display_formatter.formatters["text/plain"](obj))
        self.shell.page(text)

    def _file_text(self, parameter_s: str, magic: str) -> tuple[str, str]:
        path = os.path.expanduser(parameter_s.strip())
        if not path:
            raise UsageError(f"Missing file name. Usage: %{magic} FILE")
        if not os.path.isfile(path):
            raise UsageError(f"{magic}: {path}: no such file")
        with open(path, encoding="utf-8", errors="replace") as f:
            return path, f.read()

    @line_magic
    def less(self, parameter_s: str = "") -> None:
        """Show a file through the pager (a ``.py`` file highlighted)."""
        path, text = self._file_text(parameter_s, "less")
        self.shell.page(self._colored(text) if path.endswith(".py") else text)

    line_magic("more")(less)

    @line_magic
    def pycat(self, parameter_s: str = "") -> None:
        """Show Python code highlighted through the pager: ``%pycat SOURCE``.

        ``SOURCE`` is a file, a history range or a name, as for ``%load``.
        """
        if not parameter_s.strip():
            raise UsageError("Missing source. Usage: %pycat FILE|RANGE|NAME")
        code_magics: Any = self.shell.magics_manager.registry.get("CodeMagics")
        if code_magics is None:
            _, text = self._file_text(parameter_s, "pycat")
        else:
            text = code_magics.find_user_code(parameter_s.strip())
        self.shell.page(self._colored(text))

    @line_magic
    def man(self, parameter_s: str = "") -> None:
        """Show the manual page of a command through the pager: ``%man [SECTION] NAME``."""
        args = parameter_s.split()
        if not args:
            raise UsageError("Missing name. Usage: %man [SECTION] NAME")
        program = shutil.which("man")
        if program is None:
            raise UsageError("%man: the man program is not installed on this machine")
        env = {**os.environ, "MANPAGER": "cat", "PAGER": "cat", "MAN_KEEP_FORMATTING": ""}
        env.setdefault("MANWIDTH", "80")
        done = subprocess.run(
            [program, *args], capture_output=True, text=True, env=env, check=False, timeout=60
        )
        if done.returncode != 0 or not done.stdout.strip():
            reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "not found"
            raise UsageError(f"%man {parameter_s.strip()}: {reason}")
        self.shell.page(done.stdout)

"""Magics of the user's terminal: ``%cpaste``, ``%paste``, ``%clear``, ``%autoindent``.

``%paste`` reads the user's clipboard through the shell's ``clipboard_get``
hook (by default ``shell.user_site``: this machine in one process, the
terminal when the shell lives in a kernel); ``%cpaste`` reads pasted lines
with ``input()``, which a kernel asks its terminal for. Both clean the text as
IPython does (e-mail quotes, ``>>>`` and ``In [n]:`` prompts, a common
indentation) and run it, or keep it in a variable.
"""

from __future__ import annotations

import re
import sys
import textwrap

from ..errors import UsageError
from ..hooks import TryNext
from ..inputtransform import InputTransformer
from ..magic import Magics, line_magic, magics_class

__all__ = ["TerminalMagics", "clean_pasted"]

_QUOTE = re.compile(r"^\s*>\s?")


def strip_email_quotes(text: str) -> str:
    """Remove ``>`` quote marks that begin every non-blank line (as many levels as share it)."""
    lines = text.splitlines(keepends=True)
    while True:
        filled = [line for line in lines if line.strip()]
        if not filled or not all(_QUOTE.match(line) for line in filled):
            return "".join(lines)
        lines = [_QUOTE.sub("", line, count=1) if line.strip() else line for line in lines]


def clean_pasted(text: str) -> str:
    """Pasted text as code: quotes, prompts and the common indentation removed."""
    text = strip_email_quotes(text.replace("\r\n", "\n"))
    text = InputTransformer.strip_prompts(text)
    text = textwrap.dedent(text)
    return text if text.endswith("\n") or not text else text + "\n"


@magics_class
class TerminalMagics(Magics):
    """Pasting code, clearing the screen, automatic indentation."""

    def _store_or_run(self, block: str, name: str) -> None:
        """Keep ``block`` in ``name``, or run it (as IPython, also kept in ``pasted_block``)."""
        if name:
            self.shell.user_ns[name] = block
            print(f"Block assigned to '{name}'")
            return
        self.shell.user_ns["pasted_block"] = block
        self.shell.run_cell(block, store_history=False)

    def _rerun(self, name: str) -> None:
        block = self.shell.user_ns.get(name or "pasted_block")
        if not isinstance(block, str):
            raise UsageError(f"Variable '{name or 'pasted_block'}' holds no pasted text to run")
        print(f"Re-executing '{block.splitlines()[0] if block else ''}...'")
        self.shell.run_cell(block, store_history=False)

    @line_magic
    def cpaste(self, parameter_s: str = "") -> None:
        """Paste a block of code at the prompt, end it with ``--``, and run it.

        Usage: ``%cpaste [-q] [-r] [-s SENTINEL] [name]``. Lines are read until
        one holds only ``--`` (or ``-s``'s sentinel) or end of input (Ctrl-D).
        ``>`` quotes, ``>>>``/``...`` and ``In [n]:`` prompts and the common
        indentation are removed, so mail, doctests and sessions paste as they
        are. The block runs and is kept in ``pasted_block``; with ``name`` it is
        only stored there. ``-r`` runs ``pasted_block`` (or ``name``) again;
        ``-q`` says nothing before reading.
        """
        opts, name = self.parse_options(parameter_s, "rqs:")
        name = name.strip()
        if "r" in opts:
            self._rerun(name)
            return
        sentinel = opts.get("s", "--")
        if "q" not in opts:
            print(
                f"Pasting code; enter '{sentinel}' alone on the line to stop or use Ctrl-D.",
                flush=True,
            )
        lines = []
        while True:
            try:
                line = input(":")
            except EOFError:
                print()
                break
            if line.strip() == sentinel:
                break
            lines.append(line)
        self._store_or_run(clean_pasted("\n".join(lines)), name)

    @line_magic
    def paste(self, parameter_s: str = "") -> None:
        """Run the code on the clipboard: ``%paste [-q] [-r] [name]``.

        The clipboard is the user's (in two-process mode the terminal's, not
        the kernel's machine). The text is cleaned as ``%cpaste`` cleans it,
        shown (unless ``-q``), then run and kept in ``pasted_block``; with
        ``name`` it is only stored. ``-r`` runs ``pasted_block`` again.
        """
        opts, name = self.parse_options(parameter_s, "rq")
        name = name.strip()
        if "r" in opts:
            self._rerun(name)
            return
        try:
            text = self.shell.hooks.call("clipboard_get")
        except TryNext as e:
            raise UsageError(f"The clipboard could not be read: {e}") from None
        block = clean_pasted(str(text))
        if not block.strip():
            raise UsageError("The clipboard is empty")
        if "q" not in opts and not name:
            sys.stdout.write(block)
            print("## -- End pasted text --", flush=True)
        self._store_or_run(block, name)

    @line_magic
    def clear(self, parameter_s: str = "") -> None:
        """Clear the terminal screen."""
        sys.stdout.write("\x1b[H\x1b[2J")
        sys.stdout.flush()

    @line_magic
    def autoindent(self, parameter_s: str = "") -> None:
        """Toggle the automatic indentation of the next line of a block (``on``/``off`` too)."""
        arg = parameter_s.strip().lower()
        config = self.shell.config
        if arg in ("on", "1", "true"):
            value = True
        elif arg in ("off", "0", "false"):
            value = False
        elif not arg:
            value = not config["terminal.autoindent"]
        else:
            raise UsageError(f"%autoindent takes on, off or nothing, not {parameter_s.strip()!r}")
        config.set("terminal.autoindent", value)
        print(f"Automatic indentation is: {'ON' if value else 'OFF'}")

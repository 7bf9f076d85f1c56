"""``%macro``: keep code from the history (or a file, or a string) under a name."""

from __future__ import annotations

from typing import Any

from ..errors import UsageError
from ..macro import Macro
from ..magic import Magics, line_magic, magics_class

__all__ = ["MacroMagics"]


@magics_class
class MacroMagics(Magics):
    """Defining macros; typing a macro's name alone runs it."""

    @line_magic
    def macro(self, parameter_s: str = "") -> None:
        """Define a macro: ``%macro [-r] [-q] NAME SOURCE...``.

        ``SOURCE`` is what ``%load`` takes: history ranges (``%macro m 4-6 9``),
        a file, or a string variable. Typing ``NAME`` alone then runs the code.
        ``-r``: the raw input as typed; ``-q``: do not show what was kept.
        """
        opts, args = self.parse_options(parameter_s, "rq", mode="list")
        if len(args) < 2:
            raise UsageError("Usage: %macro [-r] [-q] NAME SOURCE...  (e.g. %macro m 1-3 5)")
        name, sources = args[0], " ".join(args[1:])
        if not name.isidentifier():
            raise UsageError(f"{name!r} is not a valid variable name for a macro")
        code_magics: Any = self.shell.magics_manager.registry.get("CodeMagics")
        try:
            lines = code_magics.find_user_code(sources, raw="r" in opts)
        except UsageError as e:
            raise UsageError(f"%macro: {e}") from None
        macro = Macro(lines)
        self.shell.user_ns[name] = macro
        if "q" not in opts:
            print(f"Macro `{name}` created. To execute, type its name (without quotes).")
            print("=== Macro contents: ===")
            print(macro.value, end="")

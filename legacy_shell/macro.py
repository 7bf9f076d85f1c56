"""``Macro``: code kept under a name, run again by typing that name alone (``%macro``).

A macro is a plain object in the user namespace; the input transformer turns
a line that is only a macro's name into a run of its code (the line itself is
what the history records). ``str(macro)`` is its code, so ``%edit macro`` and
``print(macro)`` show it; it can be kept with ``%store``.
"""

from __future__ import annotations

__all__ = ["Macro"]


class Macro:
    """Code to run again; ``value`` ends with a newline."""

    def __init__(self, code: str) -> None:
        self.value = code if code.endswith("\n") else code + "\n"

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"legacy_shell.macro.Macro({self.value!r})"

    def __add__(self, other: object) -> Macro:
        if isinstance(other, Macro):
            return Macro(self.value + other.value)
        if isinstance(other, str):
            return Macro(self.value + other)
        return NotImplemented

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Macro) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __getstate__(self) -> dict[str, str]:
        """Pickled (``%store``) as its code only."""
        return {"value": self.value}

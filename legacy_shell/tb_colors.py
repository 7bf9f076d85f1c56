"""Colour schemes of tracebacks: a role -> ANSI escape table per scheme.

The traceback formatter asks for a *role* (the exception name, a file name, the
marker of the failing line...) and never for a colour, so a scheme is one small
table here. ``NoColor`` maps every role to nothing: its output contains no
escape sequences at all, which is what pipes, logs and tests want.
"""

from __future__ import annotations

__all__ = ["COLOR_SCHEMES", "ROLES", "Palette", "scheme_name"]

#: The roles a traceback colours.
ROLES: tuple[str, ...] = (
    "rule",  # the dashed line on top
    "excname",  # the exception's class name (header and last line)
    "location",  # "Cell" / "File" word
    "filename",  # the cell label's number part or the path:line
    "func",  # function name in a frame header
    "args",  # "(a, b)" or "(a=1, b=2)" after the function name
    "lineno",  # line numbers of context lines
    "marker",  # "---->" and the failing line's number
    "highlight",  # the failing expression inside the failing line
    "varname",  # Verbose: a local variable's name
    "value",  # Verbose: its value
    "caret",  # syntax error carets
    "note",  # "The above exception..." and skipped-frame notices
)

_RESET = "\x1b[0m"

# Each scheme: role -> SGR parameters (the part between "\x1b[" and "m").
COLOR_SCHEMES: dict[str, dict[str, str]] = {
    "NoColor": {},
    # Neutral: readable on dark and light backgrounds alike (no white, no yellow text).
    "Neutral": {
        "rule": "31",
        "excname": "31",
        "location": "36",
        "filename": "32",
        "func": "35",
        "args": "34",
        "lineno": "32",
        "marker": "32;1",
        "highlight": "1;4",
        "varname": "36",
        "value": "34",
        "caret": "31;1",
        "note": "2",
    },
    # Linux: bright colours for dark terminals.
    "Linux": {
        "rule": "91",
        "excname": "91",
        "location": "96",
        "filename": "32",
        "func": "36",
        "args": "94",
        "lineno": "92",
        "marker": "92",
        "highlight": "30;43",
        "varname": "96",
        "value": "94",
        "caret": "91;1",
        "note": "2",
    },
    # LightBG: darker colours for light terminals.
    "LightBG": {
        "rule": "31",
        "excname": "31",
        "location": "34",
        "filename": "32",
        "func": "35",
        "args": "34",
        "lineno": "32",
        "marker": "32;1",
        "highlight": "30;103",
        "varname": "34",
        "value": "35",
        "caret": "31;1",
        "note": "2",
    },
}


def scheme_name(name: str) -> str:
    """The canonical spelling of a scheme name (case-insensitive); ValueError if unknown."""
    for known in COLOR_SCHEMES:
        if known.lower() == str(name).strip().lower():
            return known
    raise ValueError(f"Unknown colour scheme {name!r}: choose one of {', '.join(COLOR_SCHEMES)}")


class Palette:
    """Wraps text in the escapes of one scheme's roles."""

    def __init__(self, scheme: str) -> None:
        self.scheme = scheme_name(scheme)
        self._table = COLOR_SCHEMES[self.scheme]

    @property
    def enabled(self) -> bool:
        """False for ``NoColor``: callers may skip colour-only work."""
        return bool(self._table)

    def __call__(self, role: str, text: str) -> str:
        """``text`` coloured as ``role`` (unchanged when the role has no colour or text is empty)."""
        code = self._table.get(role)
        if not code or not text:
            return text
        return f"\x1b[{code}m{text}{_RESET}"

"""``SList``: the list of lines that ``x = !cmd`` gives, with IPython's shortcuts."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["SList"]


class SList(list[str]):
    """Lines of a command's output; ``.s`` space-joined, ``.n`` newline-joined, ``.l`` the list."""

    @property
    def s(self) -> str:
        return " ".join(self)

    @property
    def n(self) -> str:
        return "\n".join(self)

    @property
    def l(self) -> list[str]:  # noqa: E743 - IPython's name
        return list(self)

    @property
    def p(self) -> list[Any]:
        from pathlib import Path

        return [Path(line) for line in self if Path(line).exists()]

    def grep(self, pattern: str, prune: bool = False, field: int | None = None) -> SList:
        """Lines matching the regex ``pattern`` (``prune=True``: not matching)."""
        rx = re.compile(pattern)

        def target(line: str) -> str:
            if field is None:
                return line
            parts = line.split()
            return parts[field] if -len(parts) <= field < len(parts) else ""

        return SList(line for line in self if bool(rx.search(target(line))) != prune)

    def fields(self, *idx: int) -> SList:
        """Whitespace-separated columns ``idx`` of each line, joined by spaces."""
        out = SList()
        for line in self:
            parts = line.split()
            picked = [parts[i] for i in idx if -len(parts) <= i < len(parts)] if idx else parts
            out.append(" ".join(picked))
        return out

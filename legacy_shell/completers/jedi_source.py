"""Type-aware completions from jedi, the slow source that the budget keeps in check.

jedi infers what the namespace completer cannot see without running code
(``"abc".upper().lo``, ``f().x``, names bound earlier in the same cell). It is
imported on first use, because importing it costs more than the whole shell's
start-up. The caller runs a source in a worker thread and stops waiting after
``completion.timeout`` seconds; this module knows nothing about that.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from .base import Completion, is_private

__all__ = ["CompletionSource", "JediSource"]


class CompletionSource(Protocol):
    """Anything that completes ``code`` at ``cursor`` given the user namespace."""

    def __call__(
        self, code: str, cursor: int, namespace: Mapping[str, Any]
    ) -> list[Completion]: ...


class JediSource:
    """Completions of ``jedi.Interpreter`` over the code and a copy of the namespace."""

    def __call__(self, code: str, cursor: int, namespace: Mapping[str, Any]) -> list[Completion]:
        import jedi

        before = code[:cursor]
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1)
        script = jedi.Interpreter(code, [dict(namespace)])
        results = []
        for c in script.complete(line, column):
            typed_length = len(c.name) - len(c.complete or "")
            start = cursor - typed_length
            typed = code[start:cursor]
            if not c.name.startswith(typed):  # jedi also matches case-insensitively
                continue
            if is_private(c.name) and not typed.startswith("_"):
                continue
            results.append(Completion(start, cursor, c.name_with_symbols, c.type or "instance"))
        return results

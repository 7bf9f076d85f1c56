"""What every completer shares: the ``Completion`` record and the ``Context`` it works on.

The completers are plain functions of a ``Context`` (the code, the cursor and
what the shell exposes to completion) returning ``Completion`` records whose
offsets are into the code. Keeping them free of the shell object makes each one
testable alone and lets a kernel answer ``complete_request`` with the same code.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Completion", "Context", "classify", "is_private", "signature_of"]


@dataclass(frozen=True)
class Completion:
    """Replace ``code[start:end]`` with ``text``; ``type`` says what it names."""

    start: int
    end: int
    text: str
    type: str
    signature: str = ""


@dataclass
class Context:
    """The code being completed and the shell state completers may read."""

    code: str
    cursor: int
    namespace: Mapping[str, Any]
    magics: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    config_keys: tuple[str, ...] = ()
    automagic: bool = True

    @property
    def before(self) -> str:
        """The code before the cursor."""
        return self.code[: self.cursor]

    @property
    def line_start(self) -> int:
        """Offset of the start of the cursor's line."""
        return self.before.rfind("\n") + 1

    @property
    def line(self) -> str:
        """The cursor's line, up to the cursor."""
        return self.before[self.line_start :]

    def lookup(self, name: str) -> tuple[bool, Any]:
        """``(found, value)`` of a bare name in the user namespace, then builtins."""
        if name in self.namespace:
            return True, self.namespace[name]
        import builtins

        if hasattr(builtins, name):
            return True, getattr(builtins, name)
        return False, None


def is_private(name: str) -> bool:
    """Names hidden unless the user typed a leading underscore."""
    return name.startswith("_")


def classify(value: Any) -> str:
    """The completion type of an object, without calling or evaluating it."""
    if isinstance(value, property):
        return "property"
    if isinstance(value, types.ModuleType):
        return "module"
    if isinstance(value, type):
        return "class"
    if isinstance(value, staticmethod | classmethod) or inspect.isroutine(value):
        return "function"
    return "instance"


def signature_of(value: Any, name: str) -> str:
    """``name(params)`` for functions and classes; empty when it cannot be had cheaply."""
    if isinstance(value, staticmethod | classmethod):
        value = value.__func__
    if not (inspect.isroutine(value) or isinstance(value, type)):
        return ""
    try:
        return f"{name}{inspect.signature(value)}"
    except (TypeError, ValueError):
        return ""

"""The rules, each a libcst codemod in its own module, in the order they run.

``init-ipython`` first (what the entry point gets changes), then the rewrites
of calls on the shell, ``get-ipython`` (which adds an import) and ``imports``
(which drops the legacy ones left unused) last.
"""

from __future__ import annotations

from .base import Note, ShellRule
from .expose_magic import ExposeMagicToRegister
from .get_ipython import LegacyGetterToGetIpython
from .imports import DropLegacyImports
from .init_ipython import InitToLoadExtension
from .ip_attr import DropIPAttribute
from .magic import MagicToRunLineMagic
from .push import PushToUserNamespace
from .runlines import RunlinesToRunCell
from .set_hook import SetHookToEvents

__all__ = ["RULES", "Note", "ShellRule", "rule_named"]

RULES: list[type[ShellRule]] = [
    InitToLoadExtension,
    DropIPAttribute,
    MagicToRunLineMagic,
    RunlinesToRunCell,
    PushToUserNamespace,
    ExposeMagicToRegister,
    SetHookToEvents,
    LegacyGetterToGetIpython,
    DropLegacyImports,
]


def rule_named(name: str) -> type[ShellRule] | None:
    return next((rule for rule in RULES if name == rule.NAME), None)

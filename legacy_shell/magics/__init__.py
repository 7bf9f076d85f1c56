"""The built-in magics, one ``Magics`` class per topic.

The shell registers every class of :data:`BUILTIN_MAGICS` at construction.
Modules here are imported at start-up, so they import heavy modules inside the
magic functions, not at the top.
"""

from __future__ import annotations

import importlib

from ..magic import Magics

__all__ = ["BUILTIN_ALIASES", "BUILTIN_MAGICS", "builtin_magics"]

#: (module, class) of every built-in magics class, in registration order.
BUILTIN_MAGICS: tuple[tuple[str, str], ...] = (
    ("basic", "BasicMagics"),
    ("namespace", "NamespaceMagics"),
    ("osm", "OSMagics"),
    ("script", "ScriptMagics"),
    ("code", "CodeMagics"),
    ("execution", "ExecutionMagics"),
    ("debugging", "DebuggingMagics"),
    ("display", "DisplayMagics"),
    ("history", "HistoryMagics"),
    ("inspection", "InspectionMagics"),
    ("terminal", "TerminalMagics"),
    ("settings", "SettingsMagics"),
    ("pager", "PagerMagics"),
    ("macros", "MacroMagics"),
    ("logging", "LoggingMagics"),
    ("store", "StoreMagics"),
    ("kernel_only", "KernelOnlyMagics"),
)

#: (alias, magic, kind): other spellings of built-in magics, as IPython has them.
BUILTIN_ALIASES: tuple[tuple[str, str, str], ...] = (
    ("file", "writefile", "cell"),
    ("HTML", "html", "cell"),
    ("SVG", "svg", "cell"),
    ("!", "sx", "cell"),
)


def builtin_magics() -> list[type[Magics]]:
    """The built-in ``Magics`` classes, imported."""
    classes = []
    for module, name in BUILTIN_MAGICS:
        mod = importlib.import_module(f"{__name__}.{module}")
        classes.append(getattr(mod, name))
    return classes

"""legacy_shell: an IPython-style interactive Python shell in one process.

The public names are re-exported here lazily, so that ``import legacy_shell``
(and ``ipython -c pass``) stays fast: nothing heavy is imported until used.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"
#: Marks this package as ours: a foreign top-level package of the same name lacks it.
__project__ = "legacy-shell"

_EXPORTS = {
    "get_ipython": "._current",
    "InteractiveShell": ".shell",
    "ShellAPI": ".api",
    "ExecutionInfo": ".api",
    "ExecutionResult": ".api",
    "ShellConfig": ".config",
    "ShellPaths": ".paths",
    "UsageError": ".errors",
    "Magics": ".magic",
    "magics_class": ".magic",
    "line_magic": ".magic",
    "cell_magic": ".magic",
    "line_cell_magic": ".magic",
    "register_line_magic": ".magic",
    "register_cell_magic": ".magic",
    "register_line_cell_magic": ".magic",
    "needs_local_scope": ".magic",
    "no_var_expand": ".magic",
    "display": ".display",
    "clear_output": ".display",
    "update_display": ".display",
    "DisplayHandle": ".display",
    "HTML": ".display",
    "Markdown": ".display",
    "Image": ".display",
    "JSON": ".display",
    "Latex": ".display",
    "SVG": ".display",
    "Javascript": ".display",
    "Pretty": ".display",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    if name == "display":
        # the module is callable (calling it calls display()), so both
        # ``from legacy_shell import display; display(x)`` and
        # ``legacy_shell.display.HTML`` work whatever was imported first
        return importlib.import_module(".display", __name__)
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'legacy_shell' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))

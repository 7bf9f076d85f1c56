"""Loading, unloading and reloading extensions (``%load_ext`` and friends).

An extension is a module with ``load_ipython_extension(shell)`` (and
optionally ``unload_ipython_extension(shell)``), or an old one with
``init_ipython(ip)``, which gets the legacy wrapper. Bundled extensions live in
``legacy_shell.extensions`` and are found by their short name
(``%load_ext autoreload``).
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any, Protocol

from .api import ShellAPI
from .errors import ExtensionError

__all__ = ["BUNDLED_PACKAGE", "ExtensionHost", "ExtensionManager", "bundled_extensions"]


class ExtensionHost(ShellAPI, Protocol):
    """What extensions get: the shell API, and the legacy wrapper for ``init_ipython(ip)``."""

    @property
    def legacy(self) -> object: ...


BUNDLED_PACKAGE = "legacy_shell.extensions"


def bundled_extensions() -> list[str]:
    """Short names of the extensions shipped with the shell (``%load_ext autoreload``)."""
    import pkgutil

    package = importlib.import_module(BUNDLED_PACKAGE)
    return sorted(
        m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_")
    )


class ExtensionManager:
    """The extensions loaded into one shell."""

    def __init__(self, shell: ExtensionHost) -> None:
        self.shell = shell
        self.loaded: set[str] = set()

    def _import(self, name: str) -> ModuleType:
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name != name and not name.startswith(f"{e.name}."):
                raise
            try:
                return importlib.import_module(f"{BUNDLED_PACKAGE}.{name}")
            except ModuleNotFoundError as e2:
                if e2.name not in (f"{BUNDLED_PACKAGE}.{name}", name):
                    raise
            raise ExtensionError(f"No module named {name!r}") from None

    def _call_load(self, name: str, module: ModuleType) -> bool:
        load = getattr(module, "load_ipython_extension", None)
        if load is not None:
            load(self.shell)
            return True
        init = getattr(module, "init_ipython", None)
        if init is not None:
            init(self.shell.legacy)
            return True
        return False

    def load_extension(self, name: str) -> str | None:
        """Load ``name``; returns ``"already loaded"`` / ``"no load function"`` or ``None``.

        Errors raised by the extension propagate, wrapped as the original
        exception: the caller decides how to report them.
        """
        if name in self.loaded:
            return "already loaded"
        module = self._import(name)
        if self._call_load(name, module):
            self.loaded.add(name)
            return None
        return "no load function"

    def unload_extension(self, name: str) -> str | None:
        """Unload ``name``; ``"not loaded"`` / ``"no unload function"`` or ``None``."""
        if name not in self.loaded:
            return "not loaded"
        module = sys.modules.get(name) or sys.modules.get(f"{BUNDLED_PACKAGE}.{name}")
        unload = getattr(module, "unload_ipython_extension", None)
        if unload is None:
            return "no unload function"
        unload(self.shell)
        self.loaded.discard(name)
        return None

    def reload_extension(self, name: str) -> Any:
        """Unload (if possible), re-import the module's code, load again."""
        module = sys.modules.get(name) or sys.modules.get(f"{BUNDLED_PACKAGE}.{name}")
        if name in self.loaded and module is not None:
            unload = getattr(module, "unload_ipython_extension", None)
            if unload is not None:
                unload(self.shell)
            self.loaded.discard(name)
        if module is not None:
            module = importlib.reload(module)
            if self._call_load(name, module):
                self.loaded.add(name)
            return None
        return self.load_extension(name)

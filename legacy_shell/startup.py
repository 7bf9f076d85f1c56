"""What runs when the shell starts: extensions, ``exec_lines``, startup files.

Each step reports its own failure and the next step still runs: a broken
startup file or extension must never keep the user from getting a prompt.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Protocol

from .api import ExecutionResult
from .config import ShellConfig
from .extmanager import ExtensionManager
from .hooks import HookManager
from .paths import ShellPaths

__all__ = ["StartupHost", "load_extension_reporting", "run_startup"]


class StartupHost(Protocol):
    """What start-up needs of the shell: its settings, extensions, files and namespace."""

    @property
    def config(self) -> ShellConfig: ...
    @property
    def paths(self) -> ShellPaths: ...
    @property
    def hooks(self) -> HookManager: ...
    @property
    def extension_manager(self) -> ExtensionManager: ...
    @property
    def user_ns(self) -> dict[str, Any]: ...
    @property
    def user_ns_hidden(self) -> dict[str, Any]: ...
    def run_cell(self, raw_cell: str, store_history: bool = False) -> ExecutionResult: ...
    def safe_execfile(
        self, fname: str | Path, *where: dict[str, Any], raise_exceptions: bool = False
    ) -> None: ...
    def _remember_exception(self, info: Any = None) -> Any: ...


def load_extension_reporting(shell: StartupHost, name: str) -> bool:
    """Load extension ``name``; on failure print one message and return False."""
    try:
        status = shell.extension_manager.load_extension(name)
    except Exception as e:
        shell._remember_exception()
        print(
            f"Error loading extension {name!r}: {type(e).__name__}: {e} (%tb shows the traceback)",
            file=sys.stderr,
        )
        return False
    if status == "no load function":
        print(f"The {name} module is not an IPython extension.", file=sys.stderr)
        return False
    return True


def _run_file(shell: StartupHost, path: Path) -> None:
    shell.user_ns_hidden.pop("__file__", None)
    saved = shell.user_ns.get("__file__")
    try:
        shell.safe_execfile(path, shell.user_ns)
    finally:
        if saved is None:
            shell.user_ns.pop("__file__", None)
        else:
            shell.user_ns["__file__"] = saved


def run_startup(shell: StartupHost, pythonstartup: bool = True) -> None:
    for name in shell.config["shell.extensions"]:
        load_extension_reporting(shell, str(name))
    for line in shell.config["shell.exec_lines"]:
        shell.run_cell(str(line), store_history=False)
    for path in shell.paths.startup_files():
        _run_file(shell, path)
    startup_file = os.environ.get("PYTHONSTARTUP")
    if pythonstartup and startup_file and Path(startup_file).is_file():
        _run_file(shell, Path(startup_file))
    shell.hooks.call_reporting("late_startup_hook")

"""The one way a shell is built: ``build_shell``.

The terminal, the kernel, the kernel's test-session hook, ``adapters.get_shell``
and the pytest plugin all build their shell here, so what a shell needs at
birth (its settings, where its files are, where its output goes, becoming the
current shell) is decided in one place.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

from .config import ShellConfig, load_user_config
from .output import OutputSink
from .paths import ShellPaths
from .shell import InteractiveShell

__all__ = ["build_shell"]


def _warn(message: str) -> None:
    warnings.warn(message, stacklevel=3)


def build_shell(
    config: ShellConfig | None = None,
    paths: ShellPaths | None = None,
    output: OutputSink | None = None,
    *,
    warn: Callable[[str], None] = _warn,
    current: bool = True,
) -> InteractiveShell:
    """A new shell.

    ``paths`` default to the environment's (``LEGACY_SHELL_DIR``, ...);
    ``config`` to the user's config file there (a bad key is reported through
    ``warn`` and skipped, never fatal); ``output`` to the terminal. With
    ``current`` (the default) it becomes the shell ``get_ipython()`` returns;
    a caller that scopes it (``use_shell``) says ``current=False``.
    """
    from ._current import set_current

    paths = paths if paths is not None else ShellPaths.from_env()
    if config is None:
        config = load_user_config(paths.config_file, warn)
    shell = InteractiveShell(config=config, paths=paths, output=output)
    if current:
        set_current(shell)
    return shell

"""The ``shell`` fixture: a fresh shell per test, reached only through its public API.

The in-process fixture restores everything a shell changes in the test
process (builtins, ``sys.displayhook``/``excepthook``, signal handlers, cwd,
``sys.argv``/``sys.path``), so tests never depend on what an earlier one left.
"""

from __future__ import annotations

import builtins
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from legacy_shell._current import use_shell
from legacy_shell.config import ShellConfig
from legacy_shell.output import TerminalSink
from legacy_shell.paths import ShellPaths
from legacy_shell.shell import InteractiveShell


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own LEGACY_SHELL_DIR: no test touches the user's files."""
    home = tmp_path_factory.mktemp("shellhome")
    monkeypatch.setenv("LEGACY_SHELL_DIR", str(home))
    monkeypatch.delenv("PYTHONSTARTUP", raising=False)
    return home


@pytest.fixture
def shell_home() -> Path:
    return Path(os.environ["LEGACY_SHELL_DIR"])


@pytest.fixture
def shell() -> Iterator[InteractiveShell]:
    """A fresh in-process shell, current for ``get_ipython()``, with no colours."""
    saved_builtins = dict(builtins.__dict__)
    saved_hooks = (sys.displayhook, sys.excepthook)
    saved_signals = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    saved_cwd = os.getcwd()
    saved_argv, saved_path = list(sys.argv), list(sys.path)
    config = ShellConfig({"shell.colors": "NoColor"})
    sh = InteractiveShell(config=config, paths=ShellPaths.from_env(), output=TerminalSink())
    try:
        with use_shell(sh):
            yield sh
    finally:
        sh.atexit_operations()
        sh.history_manager.close()
        os.chdir(saved_cwd)
        sys.argv[:], sys.path[:] = saved_argv, saved_path
        for s, handler in saved_signals.items():
            if handler is not None:
                signal.signal(s, handler)
        sys.displayhook, sys.excepthook = saved_hooks
        for key in set(builtins.__dict__) - set(saved_builtins):
            del builtins.__dict__[key]
        builtins.__dict__.update(saved_builtins)

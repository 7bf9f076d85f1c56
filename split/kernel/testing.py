"""For test sessions: the kernel's shell as the RPC channel sees it, replaceable by a fresh one.

Not part of any protocol a user meets: ``new_shell`` is served only by kernels
started with ``LEGACY_SHELL_RPC_NEW_SHELL=1`` (the pytest plugin's). It is what lets a test session keep one kernel and still start
every test from the state of a fresh shell (``adapters``' pytest plugin calls
it between tests): the old shell is ended, what a shell changes in its process
is put back as it was when the kernel started (builtins, display and except
hooks, ``sys.argv``/``sys.path``, the environment, the working directory, the
kernel's SIGINT and SIGTERM handlers),
then a new shell is built the way the in-process test fixture builds one and
becomes the shell that every request and call uses.
"""

from __future__ import annotations

import builtins
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from legacy_shell.shell import InteractiveShell

__all__ = ["KernelShellHost", "ProcessState"]


class ProcessState:
    """What a shell may change in its process, captured once and put back on demand.

    ``signals``: SIGINT and SIGTERM handlers too (a kernel leaves them out: its
    core installs its own after the capture, see ``KernelShellHost``).
    """

    def __init__(self, signals: bool = False) -> None:
        self.signals = (
            {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)} if signals else {}
        )
        self.builtins = dict(builtins.__dict__)
        self.hooks = (sys.displayhook, sys.excepthook)
        self.cwd = os.getcwd()
        self.argv, self.path = list(sys.argv), list(sys.path)
        self.environ = dict(os.environ)

    def restore(self) -> None:
        for key in set(builtins.__dict__) - set(self.builtins):
            del builtins.__dict__[key]
        builtins.__dict__.update(self.builtins)
        sys.displayhook, sys.excepthook = self.hooks
        sys.argv[:], sys.path[:] = self.argv, self.path
        for key in set(os.environ) - set(self.environ):
            del os.environ[key]
        os.environ.update(self.environ)
        os.chdir(self.cwd)
        for signum, handler in self.signals.items():
            if handler is not None:
                signal.signal(signum, handler)


class KernelShellHost:
    """``split.rpc.server.ShellHost`` over the kernel's (lazy) interpreter."""

    def __init__(
        self,
        interpreter: Callable[[], Any],
        connection_file: Path,
        register_magics: Callable[[Any, Path], None],
    ) -> None:
        self._interpreter = interpreter
        self._connection_file = connection_file
        self._register_magics = register_magics
        self._state = ProcessState()
        #: The kernel's own signal handlers, taken at the first replacement (the core is
        #: serving by then); a test that changed them gets them back.
        self._signals: dict[int, Any] | None = None

    @property
    def shell(self) -> InteractiveShell:
        return self._interpreter().shell

    def new_shell(self, config: dict[str, Any], env: dict[str, str], cwd: str | None) -> None:
        from legacy_shell.config import ShellConfig
        from legacy_shell.factory import build_shell

        interpreter = self._interpreter()
        old = interpreter.shell
        try:
            old.atexit_operations()
        finally:
            old.history_manager.close()
        self._state.restore()
        if self._signals is None:
            self._signals = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
        for signum, handler in self._signals.items():
            if handler is not None:
                signal.signal(signum, handler)
        if env:  # the caller's environment, exactly (a test's own LEGACY_SHELL_DIR, ...)
            os.environ.clear()
            os.environ.update(env)
        if cwd:
            os.chdir(cwd)
        shell = build_shell(ShellConfig(config))
        interpreter.shell = shell
        self._register_magics(shell, self._connection_file)

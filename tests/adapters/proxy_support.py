"""Kernels for the proxy's specification tests: started, reached, stopped by pid.

Every kernel here is started through ``split.manager.KernelManager`` with its
connection file and log in a private runtime directory and its shell home in a
private ``LEGACY_SHELL_DIR`` (a module-scoped kernel starts before any test's
own home exists); every wait has a timeout and waits on an event (a reply, a
pidfd, a pipe), never on a sleep.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from adapters import ShellProxy
from adapters.connect import connect_info
from split.connection import ConnectionInfo
from split.manager import KernelManager

__all__ = [
    "TEST_CONFIG",
    "TIMEOUT",
    "Kernel",
    "Sent",
    "count_sends",
    "inprocess_shell",
    "read_line",
    "restored_process_state",
    "start_kernel",
    "wait_gone",
]

#: Every wait of these tests ends within this many seconds (a hang is a failure).
TIMEOUT = 30.0

#: The configuration of every test's fresh shell (plain text output, as the plugin uses).
TEST_CONFIG: dict[str, Any] = {"shell.colors": "NoColor"}


@dataclass
class Kernel:
    """A kernel we started, and a proxy to it (``connect_info`` with the manager's death event)."""

    manager: KernelManager
    info: ConnectionInfo
    proxy: ShellProxy
    root: Path

    @property
    def pid(self) -> int:
        assert self.manager.pid is not None
        return self.manager.pid

    @property
    def connection_file(self) -> Path:
        assert self.manager.connection_file is not None
        return self.manager.connection_file

    def log(self) -> str:
        """What the kernel wrote to its log (warnings and above) so far."""
        return self.manager.stderr_tail(lines=1000)

    def second_proxy(self, timeout: float = TIMEOUT) -> ShellProxy:
        """Another client of the same kernel (closing it does not stop the kernel)."""
        return connect_info(self.info, timeout=timeout, died=self.manager.died)

    def fresh_shell(self) -> ShellProxy:
        """The proxy, its kernel's shell replaced by a fresh one with this test's env and cwd."""
        self.proxy.client.new_shell(dict(TEST_CONFIG), dict(os.environ), os.getcwd())
        return self.proxy

    def stop(self) -> None:
        pid = self.manager.pid
        try:
            self.proxy.close()
        finally:
            self.manager.shutdown()
        if pid is not None:
            assert wait_gone(pid, TIMEOUT), f"kernel pid {pid} still runs after shutdown"


def start_kernel(root: Path, timeout: float = TIMEOUT) -> Kernel:
    """A kernel with its runtime dir and shell home under ``root``; a proxy to it."""
    runtime, home = root / "runtime", root / "home"
    home.mkdir(parents=True, exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:  # where the manager writes the file and the log
        mp.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
        manager = KernelManager(
            env={
                "LEGACY_SHELL_DIR": str(home),
                "JUPYTER_RUNTIME_DIR": str(runtime),
                "LEGACY_SHELL_RPC_NEW_SHELL": "1",  # fresh_shell() replaces its shell
            }
        )
        manager.start()
    try:
        manager.wait_ready(timeout=timeout)
        assert manager.info is not None
        proxy = connect_info(manager.info, timeout=timeout, died=manager.died)
    except BaseException:
        manager.shutdown(now=True)
        raise
    return Kernel(manager, manager.info, proxy, root)


def kernel_fixture(root: Path) -> Iterator[Kernel]:
    kernel = start_kernel(root)
    try:
        yield kernel
    finally:
        kernel.stop()


def wait_gone(pid: int, timeout: float) -> bool:
    """Wait for ``pid`` to end (a pidfd becomes readable when it does)."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)


def read_line(proc: subprocess.Popen[bytes], timeout: float = TIMEOUT) -> str:
    """One line of ``proc``'s stdout, or an assertion error after ``timeout`` seconds."""
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    data = b""
    deadline = time.monotonic() + timeout
    while not data.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise AssertionError(f"no line from pid {proc.pid} within {timeout:g} s: {data!r}")
        chunk = os.read(fd, 1)
        if not chunk:
            raise AssertionError(f"pid {proc.pid} closed its stdout: {data!r}")
        data += chunk
    return data.decode()


@dataclass
class Sent:
    """The messages a client sent from the test's thread (the callback thread's ``alive`` aside)."""

    messages: list[dict[str, Any]]

    @property
    def count(self) -> int:
        return len(self.messages)

    def ops(self) -> list[str]:
        return [str(m.get("op")) for m in self.messages]


def count_sends(monkeypatch: pytest.MonkeyPatch, proxy: ShellProxy) -> Sent:
    """Record every message ``proxy`` sends from this thread (wraps ``RpcClient._send``)."""
    client = proxy.client
    original = client._send
    here = threading.current_thread()
    sent = Sent([])

    def send(sock: Any, message: dict[str, Any]) -> None:
        if threading.current_thread() is here:
            sent.messages.append(dict(message))
        original(sock, message)

    monkeypatch.setattr(client, "_send", send)
    return sent


@contextlib.contextmanager
def restored_process_state() -> Iterator[None]:
    """Put back what a shell built in this process changes in it (as the plugin does)."""
    saved_builtins = dict(builtins.__dict__)
    saved_hooks = (sys.displayhook, sys.excepthook)
    saved_signals = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    saved_cwd, saved_argv, saved_path = os.getcwd(), list(sys.argv), list(sys.path)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        sys.argv[:], sys.path[:] = saved_argv, saved_path
        for s, handler in saved_signals.items():
            if handler is not None:
                signal.signal(s, handler)
        sys.displayhook, sys.excepthook = saved_hooks
        for key in set(builtins.__dict__) - set(saved_builtins):
            del builtins.__dict__[key]
        builtins.__dict__.update(saved_builtins)


@contextlib.contextmanager
def inprocess_shell() -> Iterator[Any]:
    """A fresh shell in this process, configured as the kernel's test shells, made current."""
    from legacy_shell._current import use_shell
    from legacy_shell.config import ShellConfig
    from legacy_shell.output import TerminalSink
    from legacy_shell.paths import ShellPaths
    from legacy_shell.shell import InteractiveShell

    with restored_process_state():
        shell = InteractiveShell(
            config=ShellConfig(dict(TEST_CONFIG)),
            paths=ShellPaths.from_env(),
            output=TerminalSink(),
        )
        try:
            with use_shell(shell):
                yield shell
        finally:
            shell.atexit_operations()
            shell.history_manager.close()

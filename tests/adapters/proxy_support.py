"""Kernels for the proxy's specification tests: started, reached, stopped by pid.

Every kernel here is started through ``split.manager.KernelManager`` with its
connection file and log in a private runtime directory and its shell home in a
private ``LEGACY_SHELL_DIR`` (a module-scoped kernel starts before any test's
own home exists); every wait has a timeout and waits on an event (a reply, a
pidfd, a pipe), never on a sleep.
"""

from __future__ import annotations

import os
import select
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from kernel_processes import wait_gone

from adapters import ShellProxy
from adapters.connect import connect_info
from adapters.pytest_plugin import TEST_CONFIG, inprocess_shell
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
    "start_kernel",
    "wait_gone",
]

#: Every wait of these tests ends within this many seconds (a hang is a failure).
TIMEOUT = 30.0


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

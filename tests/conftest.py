"""Fixtures of the whole suite: a private shell home per test, debugger input, no process left.

The ``shell`` fixture comes from the project's pytest plugin
(``adapters.pytest_plugin``): a fresh shell per test, in-process or in a
kernel (``--shell-mode``).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from shellside import run_quietly


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
def feed_debugger(shell: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """``feed(commands)``: what the user types at ``ipdb>``, as ``sys.stdin`` of the shell's process.

    That process gets its own stdin back afterwards (in-process: by monkeypatch's undo).
    """
    monkeypatch.setattr(sys, "stdin", sys.stdin)

    def feed(commands: str) -> None:
        run_quietly(shell, f"import io, sys\nsys.stdin = io.StringIO({commands!r})")

    yield feed
    run_quietly(shell, "import sys\nsys.stdin = sys.__stdin__")


# -- no test leaves a kernel process behind ------------------------------------

#: Environment marker inherited by every process this test run starts (kernels included).
TEST_RUN_MARKER = "LEGACY_SHELL_TEST_RUN"


def _marked_processes(marker: bytes) -> dict[int, str]:
    """Live processes (not this one) whose environment carries ``marker``: pid -> command line."""
    found: dict[int, str] = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").strip()
        except OSError:  # gone, a zombie, or not ours to read
            continue
        if cmdline:  # zombies have no command line: they are already dead
            found[int(entry.name)] = cmdline.decode("utf-8", errors="replace")
    return found


@pytest.fixture(scope="session", autouse=True)
def _no_leftover_processes() -> Iterator[None]:
    """Mark every child of this run; at the end, kill and report any still alive."""
    import time
    import uuid

    value = uuid.uuid4().hex
    saved = os.environ.get(TEST_RUN_MARKER)
    os.environ[TEST_RUN_MARKER] = value
    yield
    if saved is None:
        os.environ.pop(TEST_RUN_MARKER, None)
    else:
        os.environ[TEST_RUN_MARKER] = saved
    marker = f"{TEST_RUN_MARKER}={value}".encode()
    deadline = time.monotonic() + 3.0  # a kernel told to exit may take a moment to go
    leftovers = _marked_processes(marker)
    while leftovers and time.monotonic() < deadline:
        time.sleep(0.05)  # polling /proc: there is no event for "some process exited"
        leftovers = _marked_processes(marker)
    if not leftovers:
        return
    for pid in leftovers:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    names = "\n".join(f"  pid {pid}: {cmd}" for pid, cmd in sorted(leftovers.items()))
    pytest.fail(f"tests left processes behind (now killed):\n{names}", pytrace=False)

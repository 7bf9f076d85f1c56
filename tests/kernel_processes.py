"""Finding and waiting for kernel processes in tests (by pid, never by name alone)."""

from __future__ import annotations

import os
import select
from pathlib import Path

__all__ = ["kernel_pids", "wait_gone"]


def kernel_pids(marker: Path) -> list[int]:
    """Kernel processes whose command line names a file under ``marker`` (a test's runtime dir)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "split.kernel" in cmdline and str(marker) in cmdline:
            pids.append(int(entry.name))
    return pids


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

"""A kernel never outlives the frontend that started it, even one killed with SIGKILL.

The parent keeps the write end of a pipe and gives the kernel the read end
(``--parent-fd N``). Nothing is ever written: a thread blocks reading the pipe,
and end-of-file means every copy of the write end is closed, which the system
does when the parent dies, however it dies. The kernel then exits at once.

Kernels started by other Jupyter tools get no pipe; jupyter_client names the
parent in ``JPY_PARENT_PID`` instead, and :func:`watch_parent_pid` waits on a
pidfd for that process (Linux 5.3+), falling back to a once-a-second check of
our own parent pid elsewhere.

Linux's ``prctl(PR_SET_PDEATHSIG)`` is offered as a further line, but only on
request: it fires when the *thread* that forked the kernel ends, so a manager
that restarts kernels from a short-lived thread would see them killed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable

from ..sigmask import start_helper_thread

__all__ = ["exit_now", "set_parent_death_signal", "watch_parent_fd", "watch_parent_pid"]

log = logging.getLogger("split.kernel.parentwatch")

_PR_SET_PDEATHSIG = 1


def exit_now() -> None:
    log.warning("the parent process is gone: the kernel exits")
    logging.shutdown()
    os._exit(0)


def watch_parent_fd(fd: int, on_gone: Callable[[], None] = exit_now) -> threading.Thread:
    """Start a daemon thread that calls ``on_gone`` when ``fd`` reaches end-of-file."""
    os.set_inheritable(fd, False)  # children of user code must not keep it open

    def wait() -> None:
        try:
            while os.read(fd, 4096):
                pass  # the parent wrote something: not part of the protocol, ignore
        except OSError as e:
            log.warning("parent pipe fd %d failed: %s", fd, e)
        on_gone()

    thread = threading.Thread(target=wait, name="split-parent-watch", daemon=True)
    start_helper_thread(thread)
    return thread


def set_parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send ``sig`` when the forking thread's process ends; False elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        ok = libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
    if ok and os.getppid() == 1:  # the parent died before prctl took effect
        os.kill(os.getpid(), sig)
    return ok


def watch_parent_pid(pid: int, on_gone: Callable[[], None] = exit_now) -> threading.Thread | None:
    """Call ``on_gone`` when process ``pid`` (the launching frontend) ends.

    Returns ``None`` when ``pid`` is not our parent (nothing sensible to watch).
    """
    if pid <= 1 or os.getppid() != pid:
        return None
    pidfd_open = getattr(os, "pidfd_open", None)
    fd = None
    if pidfd_open is not None:
        try:
            fd = pidfd_open(pid)
        except OSError:
            fd = None

    def wait() -> None:
        if fd is not None:
            import select

            poller = select.poll()
            poller.register(fd, select.POLLIN)
            while not poller.poll():
                pass
        else:
            stop = threading.Event()
            while os.getppid() == pid:  # no pidfd here: check once a second
                stop.wait(1.0)
        on_gone()

    thread = threading.Thread(target=wait, name="split-parent-pid-watch", daemon=True)
    start_helper_thread(thread)
    return thread

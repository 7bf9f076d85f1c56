"""How a kernel process ends: watched without delay, told in words a user understands.

``KernelProcess`` is one launched kernel: a watcher thread blocks in
``Popen.wait()`` (no polling), so its end is known the moment it happens.
``DeathInfo`` is how it ended: a negative ``Popen.returncode`` is a signal
number, and a user wants "killed by signal SIGSEGV (segmentation fault)", not
"-11". ``DeathInfo`` is plain data, so the frontend and tests can build and
describe deaths freely.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field

__all__ = ["DeathInfo", "KernelProcess"]

#: What the common fatal signals usually mean, said plainly.
_MEANING = {
    "SIGSEGV": "segmentation fault",
    "SIGBUS": "bus error",
    "SIGFPE": "floating-point exception",
    "SIGILL": "illegal instruction",
    "SIGKILL": "killed from outside, e.g. by the out-of-memory killer",
    "SIGTERM": "terminated",
    "SIGINT": "interrupted",
    "SIGHUP": "hang-up",
    "SIGPIPE": "broken pipe",
}


@dataclass(frozen=True)
class DeathInfo:
    """One ended kernel process: its exit status and when we noticed."""

    returncode: int
    pid: int | None = None
    #: ``time.monotonic()`` when the manager saw the process end.
    noticed_at: float = field(default_factory=time.monotonic)

    @property
    def signum(self) -> int | None:
        """The signal that ended the process, or ``None`` when it exited on its own."""
        return -self.returncode if self.returncode < 0 else None

    @property
    def signal_name(self) -> str | None:
        """``"SIGSEGV"`` for a process killed by signal 11, ``None`` for a plain exit."""
        if self.signum is None:
            return None
        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return f"signal {self.signum}"

    def describe(self) -> str:
        """One phrase: "killed by signal SIGSEGV (segmentation fault)", "exited with code 3"."""
        name = self.signal_name
        if name is None:
            return f"exited with code {self.returncode}"
        if name == "SIGABRT":
            return "aborted (SIGABRT)"
        meaning = _MEANING.get(name)
        return f"killed by signal {name} ({meaning})" if meaning else f"killed by signal {name}"


class KernelProcess:
    """One launched kernel process: its parent pipe, its end, whether we meant it."""

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        parent_w: int,
        log_offset: int,
        output_fds: tuple[int, ...] = (),
        log_path: str | None = None,
    ) -> None:
        """``output_fds``: our copies of the read ends of the kernel's fd 1 and 2 pipes; what
        is left in them when it dies (its last words) is appended to ``log_path``."""
        self.proc = proc
        self._output_fds = list(output_fds)
        self._log_path = log_path
        self.pid = proc.pid
        self.log_offset = log_offset
        self.exited = threading.Event()
        #: Set before we stop it on purpose: its end is then no "death".
        self.expected = False
        self.death: DeathInfo | None = None
        self._parent_w = parent_w
        self._lock = threading.Lock()

    def wait_for_end(self) -> DeathInfo:
        """Block until the process ends (on the watcher thread); record and return how."""
        self.death = DeathInfo(self.proc.wait(), self.pid)
        self.close_pipe()
        self._keep_last_words()
        self.exited.set()
        return self.death

    def _keep_last_words(self) -> None:
        """Append what the kernel wrote but never read (it died first) to its log."""
        fds, self._output_fds = self._output_fds, []
        left = b""
        for fd in fds:
            try:
                os.set_blocking(fd, False)
                while True:
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        break
                    left += chunk
            except (BlockingIOError, OSError):
                pass
            finally:
                with contextlib.suppress(OSError):
                    os.close(fd)
        if left and self._log_path is not None:
            with contextlib.suppress(OSError), open(self._log_path, "ab") as log:
                log.write(left)

    def close_pipe(self) -> None:
        """Close our end of the parent pipe once (the kernel then exits on EOF)."""
        with self._lock:
            fd, self._parent_w = self._parent_w, -1
        if fd >= 0:
            with contextlib.suppress(OSError):
                os.close(fd)

    def signal_group(self, sig: int) -> None:
        """Send ``sig`` to the kernel's process group while the kernel has not been reaped."""
        if self.exited.is_set():
            return
        try:
            os.killpg(self.pid, sig)
        except ProcessLookupError:
            pass
        except PermissionError:  # the group leader is gone and its id reused: pid only
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

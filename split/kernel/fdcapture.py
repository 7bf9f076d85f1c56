"""What the kernel process writes to its fds 1 and 2, published as ``stream`` output.

``print`` in a cell goes through the interpreter's streams; but a C extension,
a subprocess started with ``os.system`` or a thread's ``print`` after its cell
ended write to the process's file descriptors 1 and 2, which a kernel has no
terminal behind. So those descriptors are pipes, and a helper thread per pipe
publishes what arrives as ``stream`` messages (the parent is the cell that is
running, or the last one: see ``KernelCore.publish_output``), and copies it to
the kernel's log, so a post-mortem still has it.

Two ways to get the pipes. A kernel started by our manager gets them from it
(``--output-fds OUT,ERR,LOG``: the read ends and the log file): the manager
keeps its own copy of the read ends and, when the kernel dies, drains what is
left in them into the log. For that to hold the kernel's last words (a
traceback printed just before exiting, a crashing C library's message), the
reader thread only *peeks* first (Linux ``tee(2)`` into a private pipe: the
bytes stay in the shared one), publishes and logs them, and only then takes
them out: whatever a sudden death interrupts is still there for the manager.
Where ``tee`` is not available the reader simply reads. A kernel started by
any other tool makes its own pipes and copies to the descriptors it was given
(the log that tool set up).
"""

from __future__ import annotations

import codecs
import ctypes
import errno
import logging
import os
import threading
from collections.abc import Callable
from typing import IO, Any

from ..sigmask import start_helper_thread

__all__ = ["OutputCapture"]

log = logging.getLogger(__name__)

#: ``(name, text)``: publish a piece of ``stdout``/``stderr`` output.
PublishText = Callable[[str, str], None]

_CHUNK = 65536


class OutputCapture:
    """Pipes behind fds 1 and 2, a reader thread each, and the log everything is copied to."""

    def __init__(self, read_fds: dict[str, int], copy_fds: dict[str, int], log_fd: int) -> None:
        """``read_fds``/``copy_fds``: per stream name, the pipe's read end and where to copy."""
        self.read_fds = read_fds
        self.copy_fds = copy_fds
        #: Where the kernel's own diagnostics go (logging, faulthandler): never a pipe.
        self.log_fd = log_fd
        self._threads: list[threading.Thread] = []

    @classmethod
    def from_manager(cls, spec: str) -> OutputCapture:
        """``"OUT,ERR,LOG"`` from ``--output-fds``: the pipes are already fds 1 and 2."""
        out_r, err_r, log_fd = (int(part) for part in spec.split(","))
        return cls({"stdout": out_r, "stderr": err_r}, {"stdout": log_fd, "stderr": log_fd}, log_fd)

    @classmethod
    def of_this_process(cls) -> OutputCapture:
        """Put pipes behind fds 1 and 2; copy to what they were (the caller's log)."""
        copies: dict[str, int] = {}
        reads: dict[str, int] = {}
        for name, fd in (("stdout", 1), ("stderr", 2)):
            copies[name] = os.dup(fd)
            r, w = os.pipe()
            os.dup2(w, fd)
            os.close(w)
            reads[name] = r
        return cls(reads, copies, copies["stderr"])

    def log_stream(self) -> IO[str]:
        """A text stream on the log descriptor, for ``logging`` and ``faulthandler``."""
        return open(os.dup(self.log_fd), "w", buffering=1, encoding="utf-8", errors="replace")

    def start(self, publish: PublishText) -> None:
        """Start publishing (what was written before waits in the pipes)."""
        for name, fd in self.read_fds.items():
            thread = threading.Thread(
                target=self._pump, args=(name, fd, publish), name=f"split-{name}-pipe", daemon=True
            )
            self._threads.append(thread)
            start_helper_thread(thread)

    def _pump(self, name: str, fd: int, publish: PublishText) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        copy = self.copy_fds.get(name)
        peek = _Peek.open()
        while True:
            try:
                data = peek.next(fd) if peek is not None else os.read(fd, _CHUNK)
            except OSError as e:
                log.debug("%s pipe: %s", name, e)
                return
            if not data:
                return
            if copy is not None:
                try:
                    os.write(copy, data)
                except OSError:
                    copy = None  # the log is gone: keep publishing
            text = decoder.decode(data)
            if text:
                try:
                    publish(name, text)
                except Exception:  # a kernel shutting down: the copy above is kept
                    log.debug("could not publish %s output", name, exc_info=True)
            if peek is not None:
                peek.consume(fd, len(data))  # published and logged: now it may go


class _Peek:
    """Looks at a pipe's bytes without taking them (``tee(2)`` into a private pipe)."""

    def __init__(self, tee: Any, r: int, w: int) -> None:
        self._tee = tee
        self._r, self._w = r, w

    @classmethod
    def open(cls) -> _Peek | None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            tee = libc.tee
        except (OSError, AttributeError):
            return None  # not Linux
        tee.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_size_t, ctypes.c_uint]
        tee.restype = ctypes.c_ssize_t
        r, w = os.pipe()
        return cls(tee, r, w)

    def next(self, fd: int) -> bytes:
        """The next bytes in ``fd``, left there (blocks until some come; b"" at its end)."""
        while True:
            n = self._tee(fd, self._w, _CHUNK, 0)  # the GIL is free meanwhile
            if n >= 0:
                break
            err = ctypes.get_errno()
            if err != errno.EINTR:
                raise OSError(err, os.strerror(err))
        return os.read(self._r, n) if n else b""

    def consume(self, fd: int, count: int) -> None:
        """Take ``count`` bytes (already seen) out of ``fd``."""
        while count > 0:
            count -= len(os.read(fd, count))

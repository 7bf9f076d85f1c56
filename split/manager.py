"""The kernel manager: start a kernel process, notice its death at once, restart, stop.

Layer 5 of ``split``. The manager writes the connection file (or reuses a
given one), launches ``python -m split.kernel`` in its own session and process
group (so a Ctrl-C in the terminal reaches the kernel only through the
frontend, as one interrupt), and sends its stdout/stderr to a log file in the
runtime directory: a pipe nobody drains would block a chatty kernel.

Death is noticed without polling: a watcher thread sits in ``Popen.wait()``
and, the moment the child ends, records a ``DeathInfo``, sets ``died`` and runs
the death callbacks (which wake any ``KernelClient`` waiting on a reply).
The kernel never outlives us: it holds the read end of a pipe whose write end
only we keep, and exits when that pipe reaches end-of-file, which the
operating system guarantees even when we are killed with SIGKILL.

The log file is removed at shutdown unless a kernel of this manager crashed,
in which case it is kept (and its path logged) for the post-mortem.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

from .client import KernelClient
from .connection import (
    CHANNELS,
    ConnectionInfo,
    read_connection_file,
    resolve_connection_file,
    write_connection_file,
)
from .death import DeathInfo, KernelProcess
from .errors import ClientTimeout, KernelDied, KernelNotRunning, KernelStartError
from .sigmask import start_helper_thread

__all__ = ["KernelManager", "default_kernel_argv"]

log = logging.getLogger(__name__)

#: Seconds between SIGTERM and SIGKILL when a kernel ignores a polite shutdown.
_TERM_GRACE = 1.0
#: How long a new client waits for an XPUB kernel's ``iopub_welcome``.
_WELCOME_WAIT = 0.2


def default_kernel_argv() -> list[str]:
    """Our own kernel, run by this interpreter (never whatever ``python`` is on the PATH)."""
    return [
        sys.executable,
        "-m",
        "split.kernel",
        "-f",
        "{connection_file}",
        "--parent-fd",
        "{parent_fd}",
        "--output-fds",
        "{output_fds}",
    ]


class _Resources:
    """What must be released even if the manager is forgotten (``weakref.finalize``)."""

    def __init__(self) -> None:
        self.process: KernelProcess | None = None
        self.connection_file: Path | None = None
        self.owns_connection_file = False
        self.log_path: Path | None = None
        self.crashed = False

    def cleanup(self) -> None:
        """Stop the kernel quickly and remove our files; idempotent, never raises."""
        process = self.process
        if process is not None and not process.exited.is_set():
            process.expected = True
            process.close_pipe()  # the kernel's parent watch makes it exit
            if not process.exited.wait(1.0):
                process.signal_group(signal.SIGKILL)
                process.exited.wait(5.0)
        if process is not None:
            process.close_pipe()
        self.remove_files()

    def remove_files(self) -> None:
        if self.owns_connection_file and self.connection_file is not None:
            with contextlib.suppress(OSError):
                self.connection_file.unlink()
            self.owns_connection_file = False
        if self.log_path is not None:
            if self.crashed:
                log.info("kernel log kept for inspection: %s", self.log_path)
            else:
                with contextlib.suppress(OSError):
                    self.log_path.unlink()
            self.log_path = None


def _watch(process: KernelProcess, manager_ref: weakref.ref[KernelManager]) -> None:
    """Report an unexpected end of ``process`` to its manager, if the manager still exists."""
    death = process.wait_for_end()
    manager = manager_ref()
    if manager is not None and not process.expected:
        manager._report_death(death)


class KernelManager:
    """Owns one kernel process at a time, on one connection file."""

    def __init__(
        self,
        connection_file: str | os.PathLike[str] | None = None,
        *,
        ip: str = "127.0.0.1",
        transport: str = "tcp",
        argv: list[str] | None = None,
        env: dict[str, str] | None = None,
        interrupt_mode: str = "signal",
    ) -> None:
        if interrupt_mode not in ("signal", "message"):
            raise ValueError(
                f"interrupt_mode must be 'signal' or 'message', not {interrupt_mode!r}"
            )
        self.ip = ip
        self.transport = transport
        #: The kernel command: ``{connection_file}`` becomes the file's path and
        #: ``{parent_fd}`` the pipe the kernel watches (a kernel without it is
        #: not tied to our lifetime: say so in its kernelspec, not here).
        self.argv = list(argv) if argv is not None else default_kernel_argv()
        #: Added to (not replacing) this process's environment for the kernel.
        self.env = dict(env or {})
        self.interrupt_mode = interrupt_mode
        self.connection_file: Path | None = (
            resolve_connection_file(connection_file) if connection_file is not None else None
        )
        self.info: ConnectionInfo | None = None
        #: Set by the watcher thread the moment the kernel ends unexpectedly.
        self.died = threading.Event()
        self.death: DeathInfo | None = None
        self._callbacks: list[Callable[[DeathInfo], None]] = []
        self._clients: weakref.WeakSet[KernelClient] = weakref.WeakSet()
        self._own_client: KernelClient | None = None
        self._res = _Resources()
        self._finalizer = weakref.finalize(self, self._res.cleanup)

    # -- starting ---------------------------------------------------------------

    def _prepare_connection(self) -> ConnectionInfo:
        if self.info is not None:
            return self.info
        path = self.connection_file
        if path is not None and path.exists():
            self.info = read_connection_file(path)
        else:
            path, self.info = write_connection_file(path, ip=self.ip, transport=self.transport)
            self.connection_file = path
            self._res.owns_connection_file = True
        self._res.connection_file = path
        return self.info

    def _check_ports_free(self, info: ConnectionInfo) -> None:
        """Fail clearly when another process took one of our ports (reused info only)."""
        if info.transport != "tcp":
            return
        family = socket.AF_INET6 if ":" in info.ip else socket.AF_INET
        for channel in CHANNELS:
            port = info.port(channel)
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    s.bind((info.ip, port))
                except OSError as e:
                    if e.errno != errno.EADDRINUSE:
                        raise
                    raise KernelStartError(
                        f"cannot start the kernel: port {port} on {info.ip} ({channel} channel, "
                        f"from {self.connection_file}) is taken by another process"
                    ) from None

    def start(self) -> None:
        """Launch the kernel (writing the connection file the first time)."""
        if self.is_alive():
            raise KernelStartError("the kernel is already running")
        reused = self.info is not None or (
            self.connection_file is not None and self.connection_file.exists()
        )
        info = self._prepare_connection()
        if reused:
            self._check_ports_free(info)
        assert self.connection_file is not None
        log_path = self.connection_file.with_suffix(".log")  # beside it: the runtime dir by default
        log_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._res.log_path = log_path
        r, w = os.pipe()
        watched = any("{parent_fd}" in a for a in self.argv)
        piped = any("{output_fds}" in a for a in self.argv)
        env = {**os.environ, **self.env}
        out_r, out_w = os.pipe() if piped else (-1, -1)
        err_r, err_w = os.pipe() if piped else (-1, -1)
        try:
            with open(log_path, "ab") as logf:
                offset = logf.tell()
                fds = f"{out_r},{err_r},{logf.fileno()}"
                argv = [
                    a.replace("{connection_file}", str(self.connection_file))
                    .replace("{parent_fd}", str(r))
                    .replace("{output_fds}", fds)
                    for a in self.argv
                ]
                # the kernel's fds 1 and 2 are pipes it reads itself (see
                # split.kernel.fdcapture); we keep the read ends for its last words
                proc = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=out_w if piped else logf,
                    stderr=err_w if piped else subprocess.STDOUT,
                    pass_fds=((r,) if watched else ())
                    + ((out_r, err_r, logf.fileno()) if piped else ()),
                    start_new_session=True,
                    env=env,
                )
        except OSError as e:
            os.close(w)
            for fd in (out_r, err_r):
                if fd >= 0:
                    os.close(fd)
            raise KernelStartError(f"cannot launch the kernel ({self.argv[0]}): {e}") from None
        finally:
            os.close(r)
            for fd in (out_w, err_w):
                if fd >= 0:
                    os.close(fd)
        self.died.clear()
        self.death = None
        process = KernelProcess(
            proc, w, offset, (out_r, err_r) if piped else (), log_path=str(log_path)
        )
        self._res.process = process
        start_helper_thread(
            threading.Thread(
                target=_watch,
                args=(process, weakref.ref(self)),
                name="split-kernel-watch",
                daemon=True,
            )
        )
        log.debug("kernel started: pid %d, %s", proc.pid, self.connection_file)

    def wait_ready(self, timeout: float = 10.0, client: KernelClient | None = None) -> None:
        """Wait for a kernel_info reply (and live iopub) from ``client`` or our own client."""
        process = self._require_process()
        client = client or self._client()
        try:
            client.wait_for_ready(timeout)
        except KernelDied as e:
            raise KernelStartError(
                f"the kernel {e.death.describe() if e.death else 'died'} before answering; "
                f"{self._tail_text()}"
            ) from None
        except ClientTimeout:
            raise KernelStartError(
                f"the kernel started (pid {process.pid}) but did not answer within "
                f"{timeout:g} s; {self._tail_text()}"
            ) from None

    def _tail_text(self) -> str:
        tail = self.stderr_tail()
        return f"its output ends with:\n{tail}" if tail else "it wrote nothing to its log."

    # -- state ------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        process = self._res.process
        return process.pid if process is not None else None

    def is_alive(self) -> bool:
        process = self._res.process
        return process is not None and not process.exited.is_set()

    def _require_process(self) -> KernelProcess:
        process = self._res.process
        if process is None:
            raise KernelNotRunning("the kernel was never started")
        return process

    def add_death_callback(self, fn: Callable[[DeathInfo], None]) -> None:
        """Call ``fn(death)`` (on the watcher thread) whenever the kernel dies unexpectedly."""
        self._callbacks.append(fn)

    def remove_death_callback(self, fn: Callable[[DeathInfo], None]) -> None:
        with contextlib.suppress(ValueError):
            self._callbacks.remove(fn)

    def _report_death(self, death: DeathInfo) -> None:
        log.info("kernel pid %s %s", death.pid, death.describe())
        self.death = death
        self._res.crashed = True
        self.died.set()
        for client in list(self._clients):
            client.wake()
        for fn in list(self._callbacks):
            try:
                fn(death)
            except Exception:  # one bad callback must not stop the others
                log.exception("kernel death callback %r failed", fn)

    def stderr_tail(self, lines: int = 20) -> str:
        """The last ``lines`` lines the current (or last) kernel wrote to its log."""
        process, path = self._res.process, self._res.log_path
        if process is None or path is None:
            return ""
        try:
            with open(path, "rb") as f:
                size = f.seek(0, os.SEEK_END)
                f.seek(max(process.log_offset, size - 65536))
                data = f.read()
        except OSError:
            return ""
        text = data.decode("utf-8", errors="replace").rstrip("\n")
        return "\n".join(text.splitlines()[-lines:])

    # -- clients ----------------------------------------------------------------

    def client(self, ready_timeout: float = 10.0) -> KernelClient:
        """A started client that raises ``KernelDied`` the moment this kernel dies.

        When the kernel runs, its iopub subscription is live on return (else
        the first cell's output could be lost, as a SUB socket misses what is
        published before it joins): an XPUB kernel's ``iopub_welcome`` says
        so at once, without a request a busy kernel would delay; a PUB-only
        kernel gets kernel_info requests until output arrives.
        """
        info = self.info
        if info is None:
            raise KernelNotRunning("start the kernel before asking for a client")
        client = KernelClient(info, death_watch=self)
        client.start_channels()
        self._clients.add(client)
        if self.is_alive():
            try:
                if not client.wait_for_iopub(_WELCOME_WAIT):
                    client.wait_for_ready(ready_timeout)
            except (KernelDied, ClientTimeout) as e:
                log.debug("new client not confirmed ready: %s", e)
        return client

    def _client(self) -> KernelClient:
        """Our own client, for kernel_info at start and control requests (no readiness wait)."""
        if self._own_client is None:
            info = self.info
            if info is None:
                raise KernelNotRunning("start the kernel before asking for a client")
            self._own_client = KernelClient(info, death_watch=self)
            self._own_client.start_channels()
            self._clients.add(self._own_client)
        return self._own_client

    # -- control ----------------------------------------------------------------

    def interrupt(self) -> None:
        """Interrupt the running cell: SIGINT to the kernel's process group, or a message."""
        process = self._require_process()
        if self.interrupt_mode == "message":
            client = self._client()
            with contextlib.suppress(ClientTimeout, KernelDied):
                client.request("interrupt_request", channel="control", timeout=1.0)
            return
        if process.exited.is_set():
            raise KernelNotRunning("the kernel is not running")
        process.signal_group(signal.SIGINT)

    def _stop(self, now: bool, grace: float, restart: bool) -> None:
        process = self._res.process
        if process is None:
            return
        process.expected = True
        if not process.exited.is_set() and not now:
            try:
                self._client().shutdown(restart=restart)
            except Exception as e:  # a broken channel must not stop the escalation below
                log.debug("shutdown_request not sent: %s", e)
            process.exited.wait(grace)
        if not process.exited.is_set() and not now:
            process.signal_group(signal.SIGTERM)
            process.exited.wait(_TERM_GRACE)
        if not process.exited.is_set():
            process.signal_group(signal.SIGKILL)
            if not process.exited.wait(10.0):
                log.warning("kernel pid %d did not end after SIGKILL", process.pid)
        process.close_pipe()

    def restart(self, now: bool = False, grace: float = 2.0) -> None:
        """Stop the kernel if it runs and start a new one on the same connection info."""
        self._stop(now, grace, restart=True)
        self.start()

    def shutdown(self, now: bool = False, grace: float = 2.0) -> None:
        """Ask the kernel to stop, then SIGTERM, then SIGKILL; remove our files. Idempotent."""
        self._stop(now, grace, restart=False)
        if self._own_client is not None:
            self._own_client.stop_channels()
            self._own_client = None
        self._res.remove_files()

    def __enter__(self) -> KernelManager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

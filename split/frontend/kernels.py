"""The kernel behind a frontend: one we started, or one we attached to.

The frontend's backend (:mod:`.backend`) talks to a kernel through a client;
what differs between a kernel it started (``ipython --two-process``) and one it
attached to (``ipython --existing``) is everything around the client: how its
death is noticed (a thread blocked on the child process, versus missed
heartbeats), whether it can be restarted, how it is interrupted (SIGINT to its
process group, versus ``interrupt_request`` on control), and whether leaving
stops it. Those differences live here, behind one small interface, so the
backend has no ``if attached`` branches.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..client import KernelClient
    from ..connection import ConnectionInfo
    from ..death import DeathInfo

__all__ = ["AttachedKernel", "KernelHandle", "OwnKernel"]

log = logging.getLogger(__name__)


class KernelHandle(Protocol):
    """What the backend needs around its client."""

    #: Whether ``restart()`` can bring a fresh kernel back (only for kernels we started).
    can_restart: bool
    #: Whether leaving the frontend stops the kernel.
    owned: bool

    @property
    def connection_file(self) -> Path: ...

    @property
    def died(self) -> threading.Event:
        """Set (from another thread) as soon as the kernel is known to be dead."""
        ...

    def launch(self) -> None:
        """Begin starting the kernel without waiting for it (``start`` then finishes).

        The frontend calls it as early as it can, so the kernel boots while the
        terminal loads; a handle with nothing to launch does nothing.
        """
        ...

    def start(self) -> None: ...

    def new_client(self) -> KernelClient: ...

    def death_reason(self) -> str:
        """``"killed by signal SIGSEGV (segmentation fault)"``, ``"stopped answering"``..."""
        ...

    def interrupt(self) -> None: ...

    def restart(self) -> None: ...

    def shutdown(self) -> None: ...

    def stderr_tail(self, lines: int = 20) -> str: ...


class OwnKernel:
    """A kernel this frontend starts, watches and stops (``split.manager.KernelManager``)."""

    can_restart = True
    owned = True

    def __init__(self, manager: Any | None = None, *, ready_timeout: float = 20.0) -> None:
        if manager is None:
            from ..manager import KernelManager

            manager = KernelManager()
        self.manager = manager
        self.ready_timeout = ready_timeout
        self._launched = False

    @property
    def connection_file(self) -> Path:
        path = self.manager.connection_file
        assert path is not None, "the kernel was never started"
        return Path(path)

    @property
    def died(self) -> threading.Event:
        event: threading.Event = self.manager.died
        return event

    @property
    def pid(self) -> int | None:
        """The kernel's process id."""
        pid = self.manager.pid
        return int(pid) if pid is not None else None

    def launch(self) -> None:
        """Spawn the kernel process now; ``start`` waits for it to answer."""
        if not self._launched:
            self.manager.start()
            self._launched = True

    def start(self) -> None:
        """Launch the kernel unless ``launch`` already did, and wait until it answers."""
        self.launch()
        self._launched = False  # a later start() (a new kernel) launches again
        self.manager.wait_ready(timeout=self.ready_timeout)

    def new_client(self) -> KernelClient:
        client: KernelClient = self.manager.client()
        return client

    def death_reason(self) -> str:
        death = getattr(self.manager, "death", None)
        return death.describe() if death is not None else "died"

    def interrupt(self) -> None:
        self.manager.interrupt()

    def restart(self) -> None:
        self.manager.restart()
        self.manager.wait_ready(timeout=self.ready_timeout)

    def shutdown(self) -> None:
        self.manager.shutdown()

    def stderr_tail(self, lines: int = 20) -> str:
        return str(self.manager.stderr_tail(lines))


class AttachedKernel:
    """A kernel someone else started (``--existing``): watched by heartbeat, never stopped on exit."""

    can_restart = False
    owned = False

    def __init__(self, connection_file: Path, *, period: float = 1.0, misses: int = 3) -> None:
        from ..connection import read_connection_file

        self._file = connection_file
        self.info: ConnectionInfo = read_connection_file(connection_file)
        self.period = period
        self.misses = misses
        #: Set by the heartbeat monitor (``DeathWatch`` of ``split.client``).
        self.died = threading.Event()
        #: How it ended: never known for a process we do not own.
        self.death: DeathInfo | None = None
        self._monitor: Any = None
        self._control: KernelClient | None = None

    @property
    def connection_file(self) -> Path:
        return self._file

    def launch(self) -> None:
        """Nothing to launch: the kernel runs already."""

    def start(self) -> None:
        from ..heartbeat import HeartbeatMonitor

        self._monitor = HeartbeatMonitor(
            self.info, on_dead=self.died.set, period=self.period, misses=self.misses
        )
        self._monitor.start()

    def new_client(self) -> KernelClient:
        from ..client import KernelClient

        return KernelClient(self.info, death_watch=self)

    def death_reason(self) -> str:
        return f"stopped answering its heartbeat for {self.period * self.misses:g} s"

    def interrupt(self) -> None:
        """``interrupt_request`` on control, from a client of its own (any thread may call)."""
        from ..client import KernelClient

        if self._control is None:
            self._control = KernelClient(self.info)
            self._control.start_channels()
        self._control.interrupt_request()

    def restart(self) -> None:
        raise NotImplementedError("a kernel this terminal did not start cannot be restarted")

    def shutdown(self) -> None:
        """Stop watching; the kernel itself keeps running (it is not ours)."""
        if self._monitor is not None:
            self._monitor.stop()
            self._monitor = None
        if self._control is not None:
            self._control.stop_channels()
            self._control = None

    def stderr_tail(self, lines: int = 20) -> str:
        return ""

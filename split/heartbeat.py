"""Heartbeat: how a frontend notices that a kernel it did not start has died.

For a kernel we started, the manager watches the child process itself (no
delay). An attached kernel (``--existing``) is someone else's process, so the
only sign of life is its heartbeat channel: a REP/ROUTER socket that echoes
whatever it receives. ``HeartbeatMonitor`` pings it every ``period`` seconds
from its own thread and declares the kernel dead when no echo came for
``period * misses`` seconds: exactly then, not a period later. A stopped
process (SIGSTOP) looks dead too, which is what the user needs to hear.

A REQ socket whose request got no reply cannot send again, so it is closed
and recreated after every miss.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import zmq

from .connection import ConnectionInfo
from .death import DeathInfo
from .sigmask import start_helper_thread

__all__ = ["HeartbeatMonitor"]

log = logging.getLogger(__name__)


class HeartbeatMonitor:
    """Pings ``info``'s heartbeat port; calls ``on_dead()`` once when the echoes stop."""

    def __init__(
        self,
        info: ConnectionInfo,
        period: float = 1.0,
        misses: int = 3,
        on_dead: Callable[[], None] | None = None,
        context: zmq.Context | None = None,
    ) -> None:
        if period <= 0 or misses < 1:
            raise ValueError("period must be positive and misses at least 1")
        self.info = info
        self.period = period
        self.misses = misses
        self.on_dead = on_dead
        #: Set once the kernel is declared dead.
        self.dead = threading.Event()
        #: The same event under the ``DeathWatch`` names, so that
        #: ``KernelClient(info, death_watch=monitor)`` raises ``KernelDied`` for
        #: an attached kernel (pass ``on_dead=client.wake`` to make it prompt).
        self.died = self.dead
        self.death: DeathInfo | None = None
        #: ``time.monotonic()`` of the last echo (or of ``start()``).
        self.last_beat = 0.0
        #: Set at every echo (clear it to wait for the next one).
        self.beat = threading.Event()
        self._context = context or zmq.Context.instance()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start pinging on a daemon thread; idempotent."""
        if self._thread is not None:
            return
        self.last_beat = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="split-heartbeat", daemon=True)
        start_helper_thread(self._thread)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop pinging (without calling ``on_dead``); idempotent."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    @property
    def is_beating(self) -> bool:
        return self._thread is not None and not self.dead.is_set() and not self._stop.is_set()

    def _socket(self) -> zmq.Socket:
        sock = self._context.socket(zmq.REQ)
        sock.linger = 0
        sock.connect(self.info.url("hb"))
        return sock

    def _run(self) -> None:
        sock = self._socket()
        poller = zmq.Poller()
        poller.register(sock, zmq.POLLIN)
        try:
            while not self._stop.is_set():
                sent_at = time.monotonic()
                deadline = self.last_beat + self.period * self.misses
                sock.send(b"ping")
                # Wait for the echo at most one period, and never past the deadline.
                wait = max(0.0, min(self.period, deadline - sent_at))
                if poller.poll(round(wait * 1000)):
                    sock.recv()
                    self.last_beat = time.monotonic()
                    self.beat.set()
                    self._stop.wait(max(0.0, self.period - (self.last_beat - sent_at)))
                    continue
                if time.monotonic() >= deadline:
                    self._declare_dead()
                    return
                log.debug("heartbeat: no echo within %.2fs; recreating the socket", wait)
                poller.unregister(sock)
                sock.close(linger=0)
                sock = self._socket()
                poller.register(sock, zmq.POLLIN)
        finally:
            sock.close(linger=0)

    def _declare_dead(self) -> None:
        if self._stop.is_set() or self.dead.is_set():
            return
        log.info(
            "heartbeat: no echo from %s for %.1fs: kernel presumed dead",
            self.info.url("hb"),
            self.period * self.misses,
        )
        self.dead.set()
        if self.on_dead is not None:
            try:
                self.on_dead()
            except Exception:  # a failing callback must not kill silently our thread's report
                log.exception("heartbeat: on_dead callback failed")

"""In-memory channels: the ``KernelChannels`` contract over queues, for unit tests.

Behaves like the ZeroMQ transport where the kernel core can tell: messages
still travel as signed frames through ``serialize``/``deserialize`` with the
key (so signature, replay and malformed-frame tests apply), replies route by
the sender's identity, iopub is broadcast to every client (each greeted with
``iopub_welcome``), and control is served on its own thread. What it does
not have is sockets: no ports, no heartbeat.
"""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Sequence
from typing import Any

from ..channels import ControlHandler
from ..session import Session
from ..wire import Message, ReplayGuard, deserialize, serialize
from . import BadMessages, CountsBadMessages, TransportError, Verifier

__all__ = ["InMemoryChannels", "InMemoryClient"]


Frames = list[bytes]
_STOP: Frames = []  # sentinel: wakes a reader without being a message


class InMemoryChannels(CountsBadMessages):
    """Kernel side. Make clients with :meth:`client`."""

    def __init__(self, session: Session, key: bytes = b"") -> None:
        self.session = session
        self.key = key
        self._bad = BadMessages()
        self._verify = Verifier(key, self._bad)
        self._shell: queue.SimpleQueue[Frames] = queue.SimpleQueue()
        self._control: queue.SimpleQueue[Frames] = queue.SimpleQueue()
        self._stdin: queue.SimpleQueue[Frames] = queue.SimpleQueue()
        self._clients: dict[bytes, InMemoryClient] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._thread: threading.Thread | None = None
        self._closed = False

    def client(self, session: Session | None = None) -> InMemoryClient:
        """A new connected client; it is greeted on iopub as an XPUB subscriber is."""
        identity = f"client-{next(self._ids)}".encode()
        c = InMemoryClient(self, identity, session or Session())
        with self._lock:
            self._clients[identity] = c
        welcome = self.session.msg("iopub_welcome", {"subscription": ""})
        c._iopub.put(serialize(welcome, self.key))
        return c

    # -- KernelChannels ------------------------------------------------------

    def start(self, control_handler: ControlHandler) -> None:
        if self._closed:
            raise TransportError("channels are closed")
        self._thread = threading.Thread(
            target=self._control_loop, args=(control_handler,), name="split-control", daemon=True
        )
        self._thread.start()

    def _control_loop(self, handler: ControlHandler) -> None:
        while True:
            frames = self._control.get()
            if frames is _STOP:
                return
            self._verify.serve_control(frames, handler)

    def recv_shell(self, timeout: float | None) -> Message | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                frames = self._shell.get(timeout=wait)
            except queue.Empty:
                return None
            if frames is _STOP:
                return None
            msg = self._verify.decode("shell", frames)
            if msg is not None:
                return msg

    def wake(self) -> None:
        """Make a blocked ``recv_shell`` return ``None`` now (from any thread)."""
        self._shell.put(_STOP)

    def has_pending(self) -> bool:
        return not self._shell.empty()

    def pending_shell(self) -> list[Message]:
        queued: list[Message] = []
        while True:
            try:
                frames = self._shell.get_nowait()
            except queue.Empty:
                return queued
            if frames is _STOP:
                self._shell.put(_STOP)  # keep the wake-up for the next recv_shell
                return queued
            msg = self._verify.decode("shell", frames)
            if msg is not None:
                queued.append(msg)

    def _route(self, msg: Message, channel: str) -> None:
        frames = serialize(msg, self.key)
        ident = msg.identities[0] if msg.identities else b""
        client = self._clients.get(ident)
        if client is not None:
            getattr(client, f"_{channel}").put(frames[len(msg.identities) :])

    def send_shell(self, msg: Message) -> None:
        self._route(msg, "shell")

    def send_control(self, msg: Message) -> None:
        self._route(msg, "control")

    def publish(self, msg: Message) -> None:
        frames = serialize(msg, self.key)
        with self._lock:
            for client in self._clients.values():
                client._iopub.put(frames)

    def stdin_request(self, msg: Message, timeout: float | None = None) -> Message | None:
        self._route(msg, "stdin")
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                frames = self._stdin.get(timeout=wait)
            except queue.Empty:
                return None
            reply = self._verify.decode("stdin", frames)
            # jupyter_client sends input_reply without a parent: only another request's is stale
            if reply is not None and reply.parent_id in ("", msg.msg_id):
                return reply

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._control.put(_STOP)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)


class InMemoryClient:
    """Client side of ``InMemoryChannels``: send requests, read each channel."""

    def __init__(self, channels: InMemoryChannels, identity: bytes, session: Session) -> None:
        self.channels = channels
        self.identity = identity
        self.session = session
        self._replay = ReplayGuard()
        self._shell: queue.SimpleQueue[Frames] = queue.SimpleQueue()
        self._control: queue.SimpleQueue[Frames] = queue.SimpleQueue()
        self._stdin: queue.SimpleQueue[Frames] = queue.SimpleQueue()
        self._iopub: queue.SimpleQueue[Frames] = queue.SimpleQueue()

    def _msg(
        self, msg_type: str, content: dict[str, Any] | None, parent: Message | None
    ) -> Message:
        msg = self.session.msg(msg_type, content, parent=parent)
        msg.identities = []
        return msg

    def _send(self, target: queue.SimpleQueue[Frames], msg: Message) -> Message:
        target.put([self.identity, *serialize(msg, self.channels.key)])
        return msg

    def send_shell(
        self, msg_type: str, content: dict[str, Any] | None = None, parent: Message | None = None
    ) -> Message:
        return self._send(self.channels._shell, self._msg(msg_type, content, parent))

    def send_control(
        self, msg_type: str, content: dict[str, Any] | None = None, parent: Message | None = None
    ) -> Message:
        return self._send(self.channels._control, self._msg(msg_type, content, parent))

    def send_stdin(
        self, msg_type: str, content: dict[str, Any] | None = None, parent: Message | None = None
    ) -> Message:
        return self._send(self.channels._stdin, self._msg(msg_type, content, parent))

    def send_raw(self, channel: str, frames: Sequence[bytes]) -> None:
        """Put raw frames on ``channel`` ("shell", "control", "stdin"), as an attacker could."""
        getattr(self.channels, f"_{channel}").put([self.identity, *frames])

    def _get(self, source: queue.SimpleQueue[Frames], timeout: float | None) -> Message:
        try:
            frames = source.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError("no message in time") from None
        return deserialize(frames, self.channels.key, self._replay)

    def get_shell(self, timeout: float | None = 5.0) -> Message:
        return self._get(self._shell, timeout)

    def get_control(self, timeout: float | None = 5.0) -> Message:
        return self._get(self._control, timeout)

    def get_stdin(self, timeout: float | None = 5.0) -> Message:
        return self._get(self._stdin, timeout)

    def get_iopub(self, timeout: float | None = 5.0) -> Message:
        return self._get(self._iopub, timeout)

    def close(self) -> None:
        with self.channels._lock:
            self.channels._clients.pop(self.identity, None)

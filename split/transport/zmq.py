"""ZeroMQ channels: the kernel's five sockets, as Jupyter clients expect them.

Sockets and threads, each with one owner:

- shell and stdin (ROUTER): the main thread, where cells run;
- control (ROUTER): its own thread, so ``interrupt_request`` and
  ``shutdown_request`` are answered while a cell runs;
- heartbeat (ROUTER): a libzmq proxy of the socket onto itself on its own
  thread; the echo never takes the GIL, so a busy kernel still answers;
- iopub (XPUB): sent from any thread under one lock (no thread hop on the hot
  path). New subscriptions are read under the same lock, by the control
  thread when the socket's notification fd fires and after each send, and
  each is greeted with ``iopub_welcome`` (protocol 5.3+).

Every incoming frame set goes through ``split.wire.deserialize`` with the key;
bad ones are dropped and counted (``bad_messages``) with a rate-limited
warning. Nothing from a socket is unpickled.
"""

from __future__ import annotations

import errno
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from typing import Any, cast

import zmq

from ..channels import ControlHandler
from ..connection import ConnectionInfo
from ..session import Session
from ..sigmask import start_helper_thread
from ..wire import Message, serialize
from . import BadMessages, CountsBadMessages, PortInUse, TransportError, Verifier

__all__ = ["ZmqKernelChannels"]

log = logging.getLogger("split.transport.zmq")

_LINGER_MS = 1000


_SNDMORE = int(zmq.SNDMORE)
_EVENTS, _POLLIN = int(zmq.EVENTS), int(zmq.POLLIN)


def _send(sock: zmq.Socket[Any], frames: list[bytes]) -> None:
    """``send_multipart`` without its per-frame checks: a third of the cost on the hot path."""
    send = sock.send
    for frame in frames[:-1]:
        send(frame, _SNDMORE)
    send(frames[-1])


def _ms(seconds: float | None) -> int | None:
    """A poll timeout in whole milliseconds, rounded up (never a busy 0 before the deadline)."""
    return None if seconds is None else math.ceil(seconds * 1000)


class ZmqKernelChannels(CountsBadMessages):
    """``KernelChannels`` over ZeroMQ sockets bound as ``info`` says."""

    def __init__(self, info: ConnectionInfo, session: Session) -> None:
        self.info = info
        self.session = session
        self._key = info.key_bytes
        self._bad = BadMessages()
        self._verify = Verifier(self._key, self._bad)
        self._ctx: zmq.Context[Any] = zmq.Context()
        self._iopub_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._wake_r, self._wake_w = os.pipe()  # wakes the main thread's recv_shell
        self._stop_r, self._stop_w = os.pipe()  # stops the control thread
        self._bound = False
        self._closed = False
        self._shell_poller = zmq.Poller()
        self._readers: dict[Any, Callable[[], None]] = {}

    # -- setup ---------------------------------------------------------------

    def _socket(self, kind: int, channel: str) -> zmq.Socket[Any]:
        sock = self._ctx.socket(kind)
        sock.setsockopt(zmq.LINGER, _LINGER_MS)
        if kind == zmq.XPUB:
            # no high-water mark on iopub: a slow reader must never silently lose
            # output or the idle status it is waiting for (the default drops at 1000)
            sock.setsockopt(zmq.SNDHWM, 0)
        if ":" in self.info.ip:
            sock.setsockopt(zmq.IPV6, 1)
        port = self.info.port(channel)
        try:
            if self.info.transport == "tcp" and port == 0:
                setattr(
                    self.info, f"{channel}_port", sock.bind_to_random_port(f"tcp://{self._host}")
                )
            else:
                sock.bind(self.info.url(channel))
        except zmq.ZMQError as e:
            sock.close(linger=0)
            if e.errno == errno.EADDRINUSE:
                raise PortInUse(
                    f"port {port} on {self.info.ip} is taken ({channel} channel): "
                    "another process listens there"
                ) from None
            raise TransportError(f"cannot bind {self.info.url(channel)}: {e}") from None
        return sock

    @property
    def _host(self) -> str:
        return f"[{self.info.ip}]" if ":" in self.info.ip else self.info.ip

    def bind(self) -> None:
        """Bind every socket now (``start`` does it too): a taken port fails here."""
        if self._bound:
            return
        made: list[zmq.Socket[Any]] = []
        try:
            self._shell = self._socket(zmq.ROUTER, "shell")
            made.append(self._shell)
            self._control = self._socket(zmq.ROUTER, "control")
            made.append(self._control)
            self._stdin = self._socket(zmq.ROUTER, "stdin")
            made.append(self._stdin)
            self._iopub = self._socket(zmq.XPUB, "iopub")
            made.append(self._iopub)
            self._hb = self._socket(zmq.ROUTER, "hb")
            made.append(self._hb)
        except TransportError:
            for sock in made:
                sock.close(linger=0)
            self.close()
            raise
        for sock in (self._shell, self._control, self._stdin):
            sock.setsockopt(zmq.ROUTER_HANDOVER, 1)
        self._iopub.setsockopt(zmq.XPUB_VERBOSE, 1)
        self._iopub_fd: int = self._iopub.getsockopt(zmq.FD)  # type: ignore[assignment]
        self._shell_poller.register(self._shell, zmq.POLLIN)
        self._shell_poller.register(self._wake_r, zmq.POLLIN)
        self._bound = True

    def start(self, control_handler: ControlHandler) -> None:
        self.bind()
        hb_ctrl_addr = f"inproc://hb-ctrl-{id(self)}"
        self._hb_ctrl = self._ctx.socket(zmq.PAIR)
        self._hb_ctrl.bind(hb_ctrl_addr)
        self._threads = [
            threading.Thread(
                target=self._heartbeat, args=(hb_ctrl_addr,), name="split-heartbeat", daemon=True
            ),
            threading.Thread(
                target=self._control_loop,
                args=(control_handler,),
                name="split-control",
                daemon=True,
            ),
        ]
        for t in self._threads:
            start_helper_thread(t)

    @property
    def context(self) -> zmq.Context[Any]:
        """The sockets' context (a kernel feature with its own socket shares it)."""
        return self._ctx

    def add_reader(self, sock: zmq.Socket[Any], handler: Callable[[], None]) -> None:
        """Call ``handler()`` on the main thread when ``sock`` is readable while it waits.

        The RPC channel uses this: its socket is owned by the main thread, where
        the shell lives, so a proxy call costs no thread hop.
        """
        self._shell_poller.register(sock, zmq.POLLIN)
        self._readers[sock] = handler

    # -- threads -------------------------------------------------------------

    def _heartbeat(self, ctrl_addr: str) -> None:
        ctrl = self._ctx.socket(zmq.PAIR)
        ctrl.connect(ctrl_addr)
        try:
            zmq.proxy_steerable(self._hb, self._hb, None, ctrl)
        except zmq.ZMQError as e:
            if e.errno != zmq.ETERM:
                log.error("heartbeat stopped: %s", e)
        finally:
            ctrl.close(linger=0)
            self._hb.close(linger=0)

    def _control_loop(self, handler: ControlHandler) -> None:
        poller = zmq.Poller()
        poller.register(self._control, zmq.POLLIN)
        poller.register(self._iopub_fd, zmq.POLLIN)
        poller.register(self._stop_r, zmq.POLLIN)
        with self._iopub_lock:
            self._greet_subscribers()
        try:
            while True:
                events = dict(poller.poll())
                if self._stop_r in events:
                    break
                if self._iopub_fd in events:
                    with self._iopub_lock:
                        self._greet_subscribers()
                if self._control in events:
                    self._serve_control(handler)
        finally:
            self._control.close()

    def _serve_control(self, handler: ControlHandler) -> None:
        while True:
            try:
                frames = self._control.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return
            self._verify.serve_control(frames, handler)

    def _iopub_events(self) -> int:
        return cast(int, self._iopub.getsockopt(zmq.EVENTS))

    def _greet_subscribers(self) -> None:
        """Welcome new iopub subscribers; caller holds the iopub lock."""
        while self._iopub_events() & zmq.POLLIN:
            event = self._iopub.recv(zmq.NOBLOCK)
            if event[:1] == b"\x01":
                topic = event[1:].decode("utf-8", errors="replace")
                welcome = self.session.msg("iopub_welcome", {"subscription": topic})
                _send(self._iopub, serialize(welcome, self._key))

    # -- KernelChannels ------------------------------------------------------

    def recv_shell(self, timeout: float | None) -> Message | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if cast(int, self._shell.get(_EVENTS)) & _POLLIN:
                msg = self._verify.decode("shell", self._shell.recv_multipart())
                if msg is not None:
                    return msg
                continue
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            events = dict(self._shell_poller.poll(_ms(wait)))
            if self._wake_r in events:
                os.read(self._wake_r, 512)
                return None
            for sock, handler in self._readers.items():
                if sock in events:
                    handler()
            if not events and deadline is not None:
                return None

    def has_pending(self) -> bool:
        if self._closed:
            return False
        return any(cast(int, sock.get(_EVENTS)) & _POLLIN for sock in (self._shell, *self._readers))

    def wake(self) -> None:
        """Make a blocked ``recv_shell`` return ``None`` now (from any thread)."""
        if not self._closed:
            os.write(self._wake_w, b"w")

    def pending_shell(self) -> list[Message]:
        queued: list[Message] = []
        while True:
            try:
                frames = self._shell.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return queued
            msg = self._verify.decode("shell", frames)
            if msg is not None:
                queued.append(msg)

    def send_shell(self, msg: Message) -> None:
        _send(self._shell, serialize(msg, self._key))

    def send_control(self, msg: Message) -> None:
        _send(self._control, serialize(msg, self._key))

    def publish(self, msg: Message) -> None:
        frames = serialize(msg, self._key)
        with self._iopub_lock:
            if self._closed:
                return
            # greet new subscribers first (reading the events applies pending
            # subscriptions): the first message a client sees is its welcome
            if self._iopub_events() & zmq.POLLIN:
                self._greet_subscribers()
            _send(self._iopub, frames)
            # a subscription the send itself took in has used up the edge of the
            # socket's fd: the control thread's poll would not wake for it, and
            # the subscriber would wait for its welcome until the next publish
            if self._iopub_events() & zmq.POLLIN:
                self._greet_subscribers()

    def stdin_request(self, msg: Message, timeout: float | None = None) -> Message | None:
        """Send ``input_request``; wait for the reply to it (stale replies are dropped)."""
        _send(self._stdin, serialize(msg, self._key))
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            if not self._stdin.poll(_ms(wait)):
                return None
            reply = self._verify.decode("stdin", self._stdin.recv_multipart())
            # jupyter_client sends input_reply without a parent: only another request's is stale
            if reply is not None and reply.parent_id in ("", msg.msg_id):
                return reply

    def close(self) -> None:
        if self._closed:
            return
        if not self._bound:
            self._closed = True
            for fd in (self._wake_r, self._wake_w, self._stop_r, self._stop_w):
                os.close(fd)
            self._ctx.term()
            return
        os.write(self._stop_w, b"s")
        if self._threads:
            try:
                self._hb_ctrl.send(b"TERMINATE")
            except zmq.ZMQError:
                pass
        current = threading.current_thread()
        joined = True
        for t in self._threads:
            if t is not current:
                t.join(timeout=2.0)
                joined = joined and not t.is_alive()
        with self._iopub_lock:
            self._closed = True
            self._iopub.close()
        if self._threads:
            self._hb_ctrl.close(linger=0)
        else:
            self._control.close(linger=0)
            self._hb.close(linger=0)
        self._shell.close()
        self._stdin.close()
        for sock in self._readers:
            sock.close(linger=0)
        for fd in (self._wake_r, self._wake_w, self._stop_r, self._stop_w):
            os.close(fd)
        if joined:
            self._ctx.term()
        else:  # a control handler is stuck: do not hang the exit on it
            self._ctx.destroy(linger=0)

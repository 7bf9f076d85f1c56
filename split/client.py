"""The client side of the five channels: what a frontend uses to talk to a kernel.

Blocking and single-threaded by design: the thread that calls
``start_channels`` owns the sockets and is the only one that uses them (ZeroMQ
sockets are not thread-safe). The one cross-thread entry is ``wake()``, which
writes to a pipe the poller watches, so a waiting call notices the kernel's
death within milliseconds instead of waiting for a reply that never comes.

Shell, control and stdin are DEALER sockets sharing one ZeroMQ identity (the
kernel routes its stdin ``input_request`` to the identity that sent the
execute request); iopub is a SUB socket subscribed to everything. Every
message goes through ``split.wire.deserialize`` with the key and a replay
guard; a bad one is dropped, counted and logged at debug level.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import zmq

from .connection import ConnectionInfo
from .death import DeathInfo
from .errors import ClientTimeout, KernelDied, SplitError, WaitStopped
from .session import Session
from .sigmask import sigint_handler
from .wire import Message, ProtocolError, ReplayGuard, deserialize, serialize

__all__ = ["DeathWatch", "KernelClient", "OutputHook"]

log = logging.getLogger(__name__)

#: How often a wait re-checks a ``died`` event that nobody wired to ``wake()``.
_DEATH_CHECK = 0.05
#: After the execute_reply, how long iopub may stay silent before we stop waiting for idle.
_IDLE_QUIET = 2.0
#: Retry a refused connection after 10 ms, backing off to 25 ms (ZeroMQ's default:
#: every 100 ms plus up to 100 ms of random jitter). A client started with its kernel
#: connects before the kernel binds (~0.1 s later); it then gets through within
#: ~25 ms of the bind instead of up to 0.2 s after it.
_RECONNECT_IVL_MS = 10
_RECONNECT_IVL_MAX_MS = 25

OutputHook = Callable[[Message], None]


class DeathWatch(Protocol):
    """What tells a client its kernel died (a ``KernelManager`` is one)."""

    died: threading.Event
    death: DeathInfo | None


class KernelClient:
    """Requests, replies and output of one kernel, over its connection info."""

    def __init__(
        self,
        info: ConnectionInfo,
        session: Session | None = None,
        *,
        death_watch: DeathWatch | None = None,
        context: zmq.Context | None = None,
    ) -> None:
        self.info = info
        self.session = session or Session()
        #: When set, every wait raises ``KernelDied`` as soon as ``death_watch.died`` is set.
        self.death_watch = death_watch
        #: Called with iopub messages from other clients' requests (iopub is broadcast).
        self.other_output_hook: OutputHook | None = None
        #: Messages of our own cells that came after their reply (a thread's output,
        #: the status of a cell we stopped waiting for) or with no parent at all;
        #: dropped when ``None``.
        self.late_output_hook: OutputHook | None = None
        #: Messages dropped for a bad signature, a replay or malformed frames.
        self.bad_messages = 0
        self._key = info.key_bytes
        self._replay = ReplayGuard()
        self._context = context or zmq.Context.instance()
        self._sockets: dict[str, zmq.Socket] = {}
        self._wake_r = self._wake_w = -1

    # -- channels ---------------------------------------------------------------

    def start_channels(self) -> None:
        """Connect the four channels (heartbeat is ``HeartbeatMonitor``'s); idempotent."""
        if self._sockets:
            return
        identity = self.session.session_id.encode("ascii")
        for name in ("shell", "control", "stdin"):
            sock = self._socket_for(zmq.DEALER)
            sock.setsockopt(zmq.IDENTITY, identity)
            sock.connect(self.info.url(name))
            self._sockets[name] = sock
        sub = self._socket_for(zmq.SUB)
        sub.setsockopt(zmq.RCVHWM, 0)  # never drop iopub messages we have not read yet
        sub.setsockopt(zmq.SUBSCRIBE, b"")
        sub.connect(self.info.url("iopub"))
        self._sockets["iopub"] = sub
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)

    def _socket_for(self, kind: int) -> zmq.Socket:
        sock = self._context.socket(kind)
        sock.linger = 0
        sock.setsockopt(zmq.RECONNECT_IVL, _RECONNECT_IVL_MS)
        sock.setsockopt(zmq.RECONNECT_IVL_MAX, _RECONNECT_IVL_MAX_MS)
        return sock

    def stop_channels(self) -> None:
        """Close every socket and the wake-up pipe; idempotent."""
        for sock in self._sockets.values():
            sock.close(linger=0)
        self._sockets.clear()
        for fd in (self._wake_r, self._wake_w):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._wake_r = self._wake_w = -1

    def wake(self) -> None:
        """Interrupt a wait in progress (any thread): it re-checks whether the kernel died."""
        if self._wake_w >= 0:
            with contextlib.suppress(OSError):
                os.write(self._wake_w, b"!")

    def _socket(self, channel: str) -> zmq.Socket:
        try:
            return self._sockets[channel]
        except KeyError:
            raise SplitError("the client's channels are not started") from None

    # -- sending ----------------------------------------------------------------

    def send(
        self,
        channel: str,
        msg_type: str,
        content: dict[str, Any] | None = None,
        parent: Message | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """Send a request on ``channel``; returns its msg_id."""
        msg = self.session.msg(msg_type, content, parent, metadata=metadata)
        msg.identities = []  # a DEALER adds its own
        self._socket(channel).send_multipart(serialize(msg, self._key))
        return msg.msg_id

    def execute(
        self,
        code: str,
        silent: bool = False,
        store_history: bool = True,
        user_expressions: dict[str, str] | None = None,
        allow_stdin: bool = True,
        stop_on_error: bool = True,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        content = {
            "code": code,
            "silent": silent,
            "store_history": store_history,
            "user_expressions": user_expressions or {},
            "allow_stdin": allow_stdin,
            "stop_on_error": stop_on_error,
        }
        return self.send("shell", "execute_request", content, metadata=metadata)

    def kernel_info(self) -> str:
        return self.send("shell", "kernel_info_request")

    def complete(self, code: str, cursor_pos: int | None = None) -> str:
        pos = len(code) if cursor_pos is None else cursor_pos
        return self.send("shell", "complete_request", {"code": code, "cursor_pos": pos})

    def inspect(self, code: str, cursor_pos: int | None = None, detail_level: int = 0) -> str:
        pos = len(code) if cursor_pos is None else cursor_pos
        content = {"code": code, "cursor_pos": pos, "detail_level": detail_level}
        return self.send("shell", "inspect_request", content)

    def is_complete(self, code: str) -> str:
        return self.send("shell", "is_complete_request", {"code": code})

    def history(self, **kwargs: Any) -> str:
        """``history_request``; defaults: tail of 10 with raw input, no output."""
        content: dict[str, Any] = {
            "raw": True,
            "output": False,
            "hist_access_type": "tail",
            "n": 10,
        }
        content.update(kwargs)
        return self.send("shell", "history_request", content)

    def comm_info(self, target_name: str | None = None) -> str:
        content = {} if target_name is None else {"target_name": target_name}
        return self.send("shell", "comm_info_request", content)

    def shutdown(self, restart: bool = False) -> str:
        return self.send("control", "shutdown_request", {"restart": restart})

    def interrupt_request(self) -> str:
        return self.send("control", "interrupt_request")

    def input(self, text: str, request: Message | None = None) -> None:
        """Answer the kernel's ``input_request`` (named as the reply's parent when given)."""
        self.send("stdin", "input_reply", {"value": text}, request)

    # -- receiving --------------------------------------------------------------

    def _recv_ready(self, sock: zmq.Socket) -> list[Message]:
        """Every valid message already queued on ``sock``, without waiting."""
        out: list[Message] = []
        while True:
            try:
                frames = sock.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                return out
            try:
                out.append(deserialize(frames, self._key, self._replay))
            except ProtocolError as e:
                self.bad_messages += 1
                log.debug("dropped a bad message from the kernel: %s", e)

    def _died_event(self, died: threading.Event | None) -> threading.Event | None:
        if died is None and self.death_watch is not None:
            return self.death_watch.died
        return died

    def _raise_if_died(self, died: threading.Event | None) -> None:
        if died is not None and died.is_set():
            watch = self.death_watch
            raise KernelDied(watch.death if watch is not None else None)

    def _poll(
        self,
        poller: zmq.Poller,
        deadline: float | None,
        died: threading.Event | None,
        on_interrupt: Callable[[], None] | None = None,
    ) -> dict[Any, int]:
        """One wait: ready sockets, ``{}`` at ``deadline``; raises ``KernelDied`` when ``died``."""
        self._raise_if_died(died)
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        if died is not None:
            wait = _DEATH_CHECK if wait is None else min(wait, _DEATH_CHECK)
        try:
            events = dict(poller.poll(None if wait is None else round(wait * 1000)))
        except KeyboardInterrupt:
            if on_interrupt is None:
                raise
            on_interrupt()
            return {}
        if self._wake_r in events:
            with contextlib.suppress(OSError):
                while os.read(self._wake_r, 512):
                    pass
        self._raise_if_died(died)
        return events

    def _poller(self, *channels: str) -> zmq.Poller:
        poller = zmq.Poller()
        for name in channels:
            poller.register(self._socket(name), zmq.POLLIN)
        poller.register(self._wake_r, zmq.POLLIN)
        return poller

    def _get(self, channel: str, timeout: float | None) -> Message:
        sock = self._socket(channel)
        poller = self._poller(channel)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            events = self._poll(poller, deadline, self._died_event(None))
            if sock in events:
                msgs = self._recv_ready_one(sock)
                if msgs is not None:
                    return msgs
            if deadline is not None and time.monotonic() >= deadline:
                raise ClientTimeout(f"no message on {channel} within {timeout} s")

    def _recv_ready_one(self, sock: zmq.Socket) -> Message | None:
        try:
            frames = sock.recv_multipart(zmq.NOBLOCK)
        except zmq.Again:
            return None
        try:
            return deserialize(frames, self._key, self._replay)
        except ProtocolError as e:
            self.bad_messages += 1
            log.debug("dropped a bad message from the kernel: %s", e)
            return None

    def get_shell_msg(self, timeout: float | None = None) -> Message:
        return self._get("shell", timeout)

    def get_control_msg(self, timeout: float | None = None) -> Message:
        return self._get("control", timeout)

    def get_iopub_msg(self, timeout: float | None = None) -> Message:
        return self._get("iopub", timeout)

    def get_stdin_msg(self, timeout: float | None = None) -> Message:
        return self._get("stdin", timeout)

    def wait_for_reply(
        self, msg_id: str, timeout: float | None = 10.0, channel: str = "shell"
    ) -> Message:
        """The reply to ``msg_id`` on ``channel``; stale replies to older requests are dropped."""
        sock = self._socket(channel)
        poller = self._poller(channel)
        died = self._died_event(None)
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if sock in self._poll(poller, deadline, died):
                for msg in self._recv_ready(sock):
                    if msg.parent_id == msg_id:
                        return msg
                    log.debug("dropped a stale %s on %s", msg.msg_type, channel)
            if deadline is not None and time.monotonic() >= deadline:
                raise ClientTimeout(f"no reply to a request on {channel} within {timeout} s")

    def request(
        self,
        msg_type: str,
        content: dict[str, Any] | None = None,
        *,
        channel: str = "shell",
        timeout: float | None = 10.0,
    ) -> Message:
        """Send ``msg_type`` and wait for its reply (``ClientTimeout``, ``KernelDied``)."""
        return self.wait_for_reply(self.send(channel, msg_type, content), timeout, channel)

    def wait_for_ready(self, timeout: float = 10.0, channel: str = "shell") -> Message:
        """Block until the kernel answers kernel_info *and* our iopub subscription is live.

        A SUB socket misses whatever is published before its subscription
        reaches the kernel, so a reply on shell is not enough: we also wait for
        an iopub message (the kernel's ``iopub_welcome`` or the status around
        kernel_info), asking again until one arrives. ``channel="control"``
        asks there: a kernel busy with a cell answers on control at once.
        """
        deadline = time.monotonic() + timeout
        iopub = self._socket("iopub")
        seen_iopub = False
        answered = False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ClientTimeout(f"the kernel did not answer kernel_info within {timeout} s")
            try:
                # the first request may wait for a kernel still starting (a busy machine
                # makes that slow); later ones only ask again for an iopub message
                reply = self.request(
                    "kernel_info_request",
                    channel=channel,
                    timeout=min(remaining, 1.0) if answered else remaining,
                )
            except ClientTimeout:
                continue
            answered = True
            poller = self._poller("iopub")
            quiet = time.monotonic() + min(0.25, max(0.0, deadline - time.monotonic()))
            while not seen_iopub and time.monotonic() < quiet:
                if iopub in self._poll(poller, quiet, self._died_event(None)):
                    seen_iopub = self._drain_iopub(None, None) > 0
            if seen_iopub:
                self._drain_iopub(None, None)
                return reply

    def wait_for_iopub(self, timeout: float) -> bool:
        """True once any iopub message arrived: our subscription is then live.

        A kernel with an XPUB iopub greets each new subscriber with
        ``iopub_welcome`` (protocol 5.3+), so this returns in milliseconds
        without disturbing a busy kernel; with a plain PUB it times out.
        """
        iopub = self._socket("iopub")
        poller = self._poller("iopub")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = self._poll(poller, deadline, self._died_event(None))
            if iopub in ready and self._drain_iopub(None, None):
                return True
        return False

    def _drain_iopub(self, own_parent: str | None, output_hook: OutputHook | None) -> int:
        """Route every queued iopub message; returns how many there were."""
        msgs = self._recv_ready(self._socket("iopub"))
        for msg in msgs:
            self._route_iopub(msg, own_parent, output_hook)
        return len(msgs)

    def _route_iopub(
        self, msg: Message, own_parent: str | None, output_hook: OutputHook | None
    ) -> None:
        if own_parent is not None and msg.parent_id == own_parent:
            if output_hook is not None:
                output_hook(msg)
        elif msg.parent_header and msg.parent_header.get("session") != self.session.session_id:
            if self.other_output_hook is not None:
                self.other_output_hook(msg)
        elif self.late_output_hook is not None:
            # ours, but its cell has ended (a thread's print, a subprocess's output,
            # the status of a cell we stopped waiting for), or the kernel's own
            self.late_output_hook(msg)
        else:
            log.debug("iopub %s not for a pending request of ours", msg.msg_type)

    def poll_other_output(self) -> int:
        """Show what came meanwhile: other clients' cells (``other_output_hook``), and late
        output of ours (``late_output_hook``)."""
        return self._drain_iopub(None, None)

    def output_waiting(self) -> bool:
        """Whether iopub messages are queued (a cheap look, nothing is read)."""
        sock = self._sockets.get("iopub")
        return sock is not None and bool(int(sock.get(zmq.EVENTS)) & zmq.POLLIN)

    # -- the frontend's call ----------------------------------------------------

    def execute_interactive(
        self,
        code: str,
        *,
        output_hook: OutputHook | None = None,
        stdin_hook: Callable[[Message], str] | None = None,
        died: threading.Event | None = None,
        timeout: float | None = None,
        on_interrupt: Callable[[], None] | None = None,
        stop: threading.Event | None = None,
        **execute_kwargs: Any,
    ) -> Message:
        """Run ``code``; return its execute_reply once the kernel is idle again.

        Iopub messages of this request (status included) go to ``output_hook``,
        others' to ``other_output_hook``; each ``input_request`` is answered
        with ``stdin_hook(msg)``. ``KernelDied`` is raised within milliseconds
        of ``died`` (default: the death watch's) being set; Ctrl-C while
        waiting calls ``on_interrupt`` (e.g. ``manager.interrupt``) and keeps
        waiting for the interrupted cell's reply.
        """
        execute_kwargs.setdefault("allow_stdin", stdin_hook is not None)
        msg_id = self.execute(code, **execute_kwargs)
        return self.wait_for_execute(
            msg_id,
            output_hook=output_hook,
            stdin_hook=stdin_hook,
            died=died,
            timeout=timeout,
            on_interrupt=on_interrupt,
            stop=stop,
        )

    def wait_for_execute(
        self,
        msg_id: str,
        *,
        output_hook: OutputHook | None = None,
        stdin_hook: Callable[[Message], str] | None = None,
        died: threading.Event | None = None,
        timeout: float | None = None,
        on_interrupt: Callable[[], None] | None = None,
        stop: threading.Event | None = None,
    ) -> Message:
        """Wait for the execute request ``msg_id`` as :meth:`execute_interactive` does.

        ``stop`` (set from any thread, then :meth:`wake`) ends the wait with
        ``WaitStopped`` while the cell goes on in the kernel; calling this again
        with the same ``msg_id`` waits for it again.
        """
        # Ctrl-C calls on_interrupt for the whole wait, not only while it polls: a Ctrl-C
        # while a message is handled is no KeyboardInterrupt escaping from the middle of it
        calls = None if on_interrupt is None else lambda signum, frame: on_interrupt()
        with sigint_handler(calls) if calls is not None else contextlib.nullcontext():
            return self._wait_for_execute(msg_id, output_hook, stdin_hook, died, timeout, stop)

    def _wait_for_execute(
        self,
        msg_id: str,
        output_hook: OutputHook | None,
        stdin_hook: Callable[[Message], str] | None,
        died: threading.Event | None,
        timeout: float | None,
        stop: threading.Event | None,
    ) -> Message:
        on_interrupt = None  # Ctrl-C is the SIGINT handler's for the whole wait
        died = self._died_event(died)
        shell, iopub, stdin = (self._socket(n) for n in ("shell", "iopub", "stdin"))
        poller = self._poller("shell", "iopub", "stdin")
        deadline = None if timeout is None else time.monotonic() + timeout
        reply: Message | None = None
        idle = False
        quiet_until = 0.0
        while reply is None or not idle:
            wait_until = deadline
            if reply is not None:
                wait_until = quiet_until if deadline is None else min(deadline, quiet_until)
            try:
                events = self._poll(poller, wait_until, died, on_interrupt)
            except KernelDied:
                self._drain_iopub(msg_id, output_hook)  # what it printed before dying
                raise
            if stop is not None and stop.is_set():
                self._drain_iopub(msg_id, output_hook)
                raise WaitStopped(msg_id)
            if iopub in events:
                for msg in self._recv_ready(iopub):
                    self._route_iopub(msg, msg_id, output_hook)
                    if msg.parent_id == msg_id:
                        quiet_until = time.monotonic() + _IDLE_QUIET
                        if msg.msg_type == "status":
                            idle = idle or msg.content.get("execution_state") == "idle"
            if stdin in events:
                for msg in self._recv_ready(stdin):
                    if msg.msg_type == "input_request":
                        self.input(stdin_hook(msg) if stdin_hook is not None else "", msg)
            if shell in events:
                for msg in self._recv_ready(shell):
                    if msg.parent_id == msg_id:
                        reply = msg
                        quiet_until = time.monotonic() + _IDLE_QUIET
                    else:
                        log.debug("dropped a stale %s on shell", msg.msg_type)
            now = time.monotonic()
            if reply is not None and not idle and now >= quiet_until:
                log.debug("no idle status after the execute_reply; returning the reply")
                break
            if deadline is not None and now >= deadline:
                raise ClientTimeout(f"the cell did not finish within {timeout} s")
        assert reply is not None
        return reply

"""The client end of the kernel's RPC channel: calls, their output, callbacks, death.

Each thread that makes calls has its own DEALER socket (one I/O owner per
socket, no locks on the hot path), named ``<client id>:<n>``; the kernel
knows them all as one client from their ``hello``. While a call waits for its
reply, the calling thread also writes the call's ``stream`` messages to the
*current* ``sys.stdout``/``sys.stderr`` (so pytest's capsys sees them) and
runs the callbacks the kernel asks for (which may call the kernel again).
Callbacks that fire when no call of ours is pending (a cell another client
ran) arrive on a separate socket served by a daemon thread.

Every wait has a timeout (``CallTimeout`` names the call) and watches a death
event when one is given (the kernel manager's for a kernel we started, the
heartbeat monitor's for one we attached to): ``KernelDied``, never a hang.
"""

from __future__ import annotations

import collections
import itertools
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import zmq

from split.rpc.codec import decode_frames, encode_frames
from split.rpc.endpoint import PROTOCOL
from split.rpc.exceptions import exception_body
from split.sigmask import start_helper_thread
from split.wire import ProtocolError, ReplayGuard

from . import interrupts
from .errors import CallTimeout, KernelDied, ProxyError
from .values import Callbacks, ValueCodec

__all__ = ["RpcClient"]

log = logging.getLogger("adapters")

#: How often a wait looks at the death event and the clock (a message wakes it at once).
_WAIT_SLICE = 0.05


class RpcClient:
    """Talks to one kernel's RPC channel at ``endpoint`` (``tcp://host:port``)."""

    def __init__(
        self,
        endpoint: str,
        key: bytes,
        *,
        timeout: float = 60.0,
        died: threading.Event | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.timeout = timeout
        self.died = died
        #: Interrupts the kernel (SIGINT for a kernel we started, ``interrupt_request``
        #: otherwise): Ctrl-C while a call waits stops the code it runs, as in-process.
        self.interrupt: Callable[[], None] | None = None
        #: Says whether the kernel looks alive when a call times out (its heartbeat).
        self.alive_hint: Callable[[], str] | None = None
        self.client_id = uuid.uuid4().hex[:16]
        self.callbacks = Callbacks()
        self.codec = ValueCodec(self.callbacks, self._release)
        self.hello: dict[str, Any] = {}
        self._key = key
        self._ctx: zmq.Context[Any] = zmq.Context()
        self._local = threading.local()
        self._sockets: list[zmq.Socket[Any]] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._names = itertools.count(1)
        self._replay = ReplayGuard()
        self._released: collections.deque[int] = collections.deque()  # appended from any thread
        self._closed = False
        self._stop_r, self._stop_w = os.pipe()
        self._events_thread: threading.Thread | None = None
        self._events_socket: zmq.Socket[Any] | None = None

    # -- sockets ---------------------------------------------------------------------

    def _new_socket(self, name: str) -> zmq.Socket[Any]:
        sock = self._ctx.socket(zmq.DEALER)
        sock.setsockopt(zmq.LINGER, 200)
        sock.setsockopt(zmq.RCVHWM, 0)
        # a blocking receive wakes up this often to look at the death event and the deadline
        sock.setsockopt(zmq.RCVTIMEO, int(_WAIT_SLICE * 1000))
        sock.setsockopt(zmq.ROUTING_ID, f"{self.client_id}:{name}".encode())
        sock.connect(self.endpoint)
        with self._lock:
            self._sockets.append(sock)
        return sock

    def _socket(self, timeout: float | None = None) -> zmq.Socket[Any]:
        """This thread's socket; a new one says hello first (within the call's ``timeout``)."""
        sock = getattr(self._local, "socket", None)
        if sock is None:
            if self._closed:
                raise KernelDied(message="the proxy is closed")
            sock = self._new_socket(str(next(self._names)))
            self._local.socket = sock
            self.hello = self._exchange(sock, self._hello_message(), "hello", timeout)
            if self.hello.get("protocol") != PROTOCOL:
                raise ProxyError(
                    f"the kernel speaks version {self.hello.get('protocol')} of the shell RPC "
                    f"protocol, this client version {PROTOCOL}: use the same legacy-shell on both"
                )
        return sock

    def _hello_message(self, events: bool = False) -> dict[str, Any]:
        message: dict[str, Any] = {"op": "hello", "client": self.client_id}
        if events:
            message["events"] = True
        return message

    def start(self) -> dict[str, Any]:
        """Say hello (the member table comes back) and start the callback thread."""
        self._socket()
        ready = threading.Event()
        self._events_thread = threading.Thread(
            target=self._serve_events, args=(ready,), name="adapters-callbacks", daemon=True
        )
        start_helper_thread(self._events_thread)  # Ctrl-C is the main thread's
        if not ready.wait(self.timeout):
            raise CallTimeout(f"hello (callback socket) got no answer within {self.timeout:g} s")
        return self.hello

    def close(self) -> None:
        """Say goodbye (the kernel drops our callbacks) and close every socket."""
        if self._closed:
            return
        try:
            if not self._dead():
                self._send(self._socket(), {"op": "bye"})
        except (zmq.ZMQError, ProxyError, KernelDied):
            pass
        self._closed = True
        os.write(self._stop_w, b"s")
        if self._events_thread is not None:
            self._events_thread.join(timeout=2.0)
        with self._lock:
            for sock in self._sockets:
                sock.close(linger=0 if self._dead() else 200)
            self._sockets.clear()
        self._ctx.term()
        os.close(self._stop_r)
        os.close(self._stop_w)

    # -- calls -----------------------------------------------------------------------

    def call(
        self,
        name: str,
        args: list[Any],
        kwargs: dict[str, Any] | None = None,
        *,
        oneway: bool = False,
        timeout: float | None = None,
    ) -> Any:
        """Call ``name`` (already-encoded ``args``/``kwargs``); the decoded result."""
        sock = self._socket(timeout)
        message: dict[str, Any] = {"op": "call", "name": name, "args": args, "kwargs": kwargs or {}}
        if oneway:
            message["oneway"] = True
            self._send(sock, message)
            return None
        reply = self._exchange(sock, message, name, timeout)
        return self.codec.decode(reply)

    def batch(self, calls: list[dict[str, Any]], timeout: float | None = None) -> list[Any]:
        """Many calls in one round trip; a list of ``{"ok", "value"|"error"}`` bodies."""
        reply = self._exchange(
            self._socket(timeout), {"op": "batch", "calls": calls}, "a batch", timeout
        )
        return list(reply)

    def new_shell(self, config: dict[str, Any], env: dict[str, str], cwd: str) -> None:
        """Have the kernel replace its shell by a fresh one (see ``split.kernel.testing``)."""
        message = {"op": "new_shell", "config": config, "env": env, "cwd": cwd}
        self._exchange(self._socket(), message, "new_shell")

    def ping(self, timeout: float | None = None) -> None:
        self._exchange(self._socket(timeout), {"op": "ping"}, "ping", timeout)

    def _release(self, ref_id: int) -> None:
        """A reference handle was collected: tell the kernel with the next call (any thread)."""
        self._released.append(ref_id)

    def _send(self, sock: zmq.Socket[Any], message: dict[str, Any]) -> None:
        if self._released and message.get("op") not in ("release", "hello"):  # a known socket
            refs = []
            while self._released:  # popleft is atomic: a finalizer may append meanwhile
                refs.append(self._released.popleft())
            sock.send_multipart(encode_frames({"op": "release", "refs": refs}, self._key))
        sock.send_multipart(encode_frames(message, self._key))

    def _dead(self) -> bool:
        return self.died is not None and self.died.is_set()

    def _exchange(
        self,
        sock: zmq.Socket[Any],
        message: dict[str, Any],
        what: str,
        timeout: float | None = None,
    ) -> Any:
        """Send ``message`` with a fresh id and wait for its reply; the reply's ``value``."""
        if self._dead():
            raise KernelDied(message=f"{what}: the kernel has died")
        request = next(self._ids)
        message["id"] = request
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        answered = False
        # Ctrl-C belongs to this call from before its request leaves until its reply is in
        with interrupts.waiting(self.interrupt) as ctrl_c:
            self._send(sock, message)
            try:
                while True:
                    if ctrl_c.pressed:
                        ctrl_c.interrupt_kernel()
                    try:
                        frames = sock.recv_multipart()
                    except zmq.Again:  # RCVTIMEO: a slice passed with nothing; look at the clock
                        if self._dead():
                            raise KernelDied(
                                message=f"{what}: the kernel died before answering"
                            ) from None
                        if time.monotonic() >= deadline:
                            hint = self.alive_hint() if self.alive_hint is not None else ""
                            raise CallTimeout(
                                f"{what}: no answer from the kernel within {limit:g} s{hint}"
                            ) from None
                        continue
                    incoming = self._decode(frames)
                    if incoming is None:
                        continue
                    op = incoming["op"]
                    if op == "reply" and incoming.get("id") == request:
                        answered = True
                        break
                    if op == "stream":
                        _write(incoming)
                    elif op == "callback":
                        self._run_callback(sock, incoming)
            finally:
                if not answered:
                    self._retire(sock)
        if incoming.get("ok"):
            return incoming.get("value")
        error = incoming.get("error") or {}
        if error.get("type") == "NeedHello" and message.get("op") != "hello":
            # our connection dropped and came back: the kernel forgot this socket
            self._exchange(sock, self._hello_message(events=sock is self._events_socket), "hello")
            return self._exchange(sock, message, what, timeout)
        raise self.codec.decode({"$exc": error})

    def _retire(self, sock: zmq.Socket[Any]) -> None:
        """A call stopped waiting (Ctrl-C twice, a timeout, a dead kernel): drop its socket.

        Whatever the kernel still sends for that call (output, a callback it
        waits on) must not reach this thread's next call; closing the socket
        also tells the kernel, whose wait for a callback then ends at once. The
        thread's next call gets a new socket (and says hello).
        """
        if sock is self._events_socket or getattr(self._local, "socket", None) is not sock:
            return
        self._local.socket = None
        with self._lock:
            if sock in self._sockets:
                self._sockets.remove(sock)
        sock.close(linger=0)

    def _recv(self, sock: zmq.Socket[Any]) -> dict[str, Any] | None:
        return self._decode(sock.recv_multipart())

    def _decode(self, frames: list[bytes]) -> dict[str, Any] | None:
        try:
            return decode_frames(frames, self._key, self._replay)
        except ProtocolError as e:
            log.warning("dropped a bad message from the kernel's RPC channel: %s", e)
            return None

    # -- callbacks -------------------------------------------------------------------

    def _run_callback(self, sock: zmq.Socket[Any], message: dict[str, Any]) -> None:
        function = self.callbacks.get(message.get("callback"))  # type: ignore[arg-type]
        reply: dict[str, Any] = {"op": "callback_reply", "id": message.get("id")}
        try:
            if function is None:
                raise LookupError(f"no callback {message.get('callback')!r} in this client")
            args = self.codec.decode(message.get("args") or [])
            kwargs = self.codec.decode(message.get("kwargs") or {})
            with interrupts.client_code():  # Ctrl-C meanwhile raises in the function
                value = function(*args, **kwargs)
            name = getattr(function, "__name__", "callback")
            reply.update(ok=True, value=self.codec.encode(value, member=f"{name}() result"))
        except BaseException as e:  # KeyboardInterrupt too: the kernel must hear, and raises it
            reply.update(ok=False, error=exception_body(e))
        self._send(sock, reply)

    def _serve_events(self, ready: threading.Event) -> None:
        """The callback thread: callbacks that arrive while no call of ours is waiting."""
        sock = self._events_socket = self._new_socket("events")
        self._local.socket = sock  # its callbacks' own calls go out on this thread's socket
        try:
            self._exchange(sock, self._hello_message(events=True), "hello")
        except Exception as e:
            log.warning("the callback socket could not say hello: %s", e)
            return
        ready.set()
        poller = zmq.Poller()
        poller.register(sock, zmq.POLLIN)
        poller.register(self._stop_r, zmq.POLLIN)
        while True:
            events = dict(poller.poll())
            if self._stop_r in events:
                return
            if sock in events:
                message = self._recv(sock)
                if message is None:
                    continue
                if message["op"] == "callback":
                    self._run_callback(sock, message)
                elif message["op"] == "stream":
                    _write(message)


def _write(message: dict[str, Any]) -> None:
    stream = sys.stderr if message.get("name") == "stderr" else sys.stdout
    stream.write(str(message.get("text", "")))
    stream.flush()

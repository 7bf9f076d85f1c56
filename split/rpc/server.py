"""The kernel's RPC channel: ``ShellAPI`` calls from proxies, served on the main thread.

One ROUTER socket on its own port (:mod:`.endpoint`, bound when the kernel
starts and announced in ``kernel_info_reply``, so a client finds it for any
kernel of ours, whoever launched it; this server is built when the first
message arrives). The kernel's main thread owns the socket: the kernel core's wait for shell requests also waits on
it (``ZmqKernelChannels.add_reader``) and calls :meth:`RpcServer.on_readable`,
so a call costs no thread hop and runs where the shell lives. Heartbeat and
control have their own threads and are never blocked by it.

Messages (JSON objects, signed, see :mod:`.codec`; every reply echoes ``id``):

- ``hello {client, events}``: the names it serves, the formatters' MIME types, pid;
- ``call {name, args, kwargs, oneway}``: one entry of :data:`.surface.CALLS`;
- ``batch {calls: [{name, args, kwargs}]}``: many calls, one reply, a result each;
- ``callback_reply {ok, value|error}``: the answer to a ``callback`` we sent;
- ``release {refs}``, ``bye``, ``ping``, ``new_shell {config, env, cwd}``.

A request from a socket that has not said hello (a client whose connection
dropped and came back) gets the error ``NeedHello``; the client says hello
and sends it again.

While a call runs, what the kernel prints (and the shell shows) is sent to the
caller as ``stream {id, name, text}`` messages, before the ``reply``. A
callback stub sends ``callback {id, callback, args, kwargs}`` to its client and
serves other messages (nested calls included) until the answer comes, the
client is gone or the timeout passes. A client is gone when it says ``bye``
or when a probe to it fails (the socket is ``ROUTER_MANDATORY``; a monitor on
it reports closed connections, TCP keepalive closes those of a vanished host,
and a wait probes every 100 ms); its callbacks are then dropped from the shell.
Forged or malformed messages are dropped with a rate-limited warning.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, cast

import zmq

from legacy_shell._current import use_shell

from ..transport import BadMessages
from ..wire import MalformedMessage, ProtocolError, ReplayGuard
from .callbacks import CallbackError, CallbackGone, CallbackStub, callback_exception, drop_callbacks
from .codec import NotSerializable, decode_frames, decode_value, encode_frames, encode_value
from .endpoint import PROTOCOL, RpcEndpoint
from .exceptions import Refused, RefusedName, RefusedPermission, RefusedValue, exception_body
from .handles import Handles
from .streams import RpcStream
from .surface import CALLS, describe

if TYPE_CHECKING:
    from legacy_shell.shell import InteractiveShell

__all__ = ["NEW_SHELL_VARIABLE", "PROTOCOL", "RpcServer", "ShellHost"]

log = logging.getLogger("split.rpc")

_EVENTS, _POLLIN = int(zmq.EVENTS), int(zmq.POLLIN)  # plain ints: no enum work per message


class ShellHost(Protocol):
    """Where the server finds the shell (built lazily) and how it replaces it."""

    @property
    def shell(self) -> InteractiveShell: ...
    def new_shell(self, config: dict[str, Any], env: dict[str, str], cwd: str | None) -> None: ...


#: Set to 1 in a kernel's environment to let clients replace its shell (``new_shell``).
NEW_SHELL_VARIABLE = "LEGACY_SHELL_RPC_NEW_SHELL"


class NeedHello(Refused):
    """A request from a socket the server does not know: the client says hello again."""


@dataclass
class _Client:
    id: str
    events_ident: bytes | None = None
    idents: set[bytes] = field(default_factory=set)
    gone: bool = False
    #: How ``$callback``/``$ref`` arguments of this client are decoded (made once).
    resolve: Any = None


@dataclass
class _Serving:
    ident: bytes
    request: Any
    client: str


#: Ops that run shell code: an interrupt that came while one waited in the queue is its own.
_STARTS_CODE = frozenset({"call", "batch"})


def _private(name: str) -> bool:
    return any(part.startswith("_") or not part for part in name.split("."))


class RpcServer:
    """Serves proxy calls on the thread that constructed it (the kernel's main thread)."""

    def __init__(
        self,
        endpoint: RpcEndpoint,
        key: bytes,
        host: ShellHost,
        *,
        callback_timeout: float = 120.0,
        executing: Callable[[], contextlib.AbstractContextManager[None]] | None = None,
        begin_request: Callable[[], bool] | None = None,
        settle_interrupt: Callable[[], None] | None = None,
        allow_new_shell: bool = False,
    ) -> None:
        """``executing()`` marks the time a call runs code (the kernel core's interrupt state);
        ``begin_request()`` says whether an interrupt came while a call waited in the queue,
        ``settle_interrupt()`` drops such an interrupt once nothing waits (the core's).
        """
        self.host = host
        #: Whether ``new_shell`` is served (the kernel reads it from its start-up environment).
        self.allow_new_shell = allow_new_shell
        self._executing = executing or contextlib.nullcontext
        self._begin_request = begin_request or (lambda: False)
        self._settle_interrupt = settle_interrupt or (lambda: None)
        #: an interrupt for the message being handled, or for the next one (see _wait_callback)
        self._interrupt_queued = False
        self._interrupt_call = False
        self.callback_timeout = callback_timeout
        self._key = key
        self._owner = threading.current_thread()
        self._replay = ReplayGuard()
        self._bad = BadMessages(logger=log)
        self._clients: dict[str, _Client] = {}
        self._idents: dict[bytes, str] = {}
        self._stack: list[_Serving] = []
        self.handles = Handles(self)
        self._callback_ids = itertools.count(1)
        self._callback_replies: dict[int, dict[str, Any]] = {}
        self.endpoint = endpoint
        self.socket = endpoint.socket
        self.monitor = endpoint.monitor
        self._ops = {
            "hello": self._hello,
            "ping": self._ping,
            "call": self._call,
            "batch": self._batch,
            "callback_reply": self._callback_reply,
            "release": self._release,
            "bye": self._bye,
            "new_shell": self._new_shell,
        }

    @property
    def bad_messages(self) -> int:
        return self._bad.count

    # -- socket ------------------------------------------------------------------------

    def on_monitor(self) -> None:
        """A connection closed: find out whose by probing every client (main thread)."""
        while True:
            try:
                self.monitor.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                break
            except zmq.ZMQError:
                return
        for ident in list(self._idents):
            self._probe(ident)

    def _probe(self, ident: bytes) -> bool:
        """Whether ``ident`` is still connected (a gone one is forgotten now)."""
        self._send(ident, {"op": "probe"})
        return ident in self._idents

    def _readable(self) -> bool:
        try:
            return bool(cast(int, self.socket.get(_EVENTS)) & _POLLIN)
        except zmq.ZMQError:
            return False

    def on_readable(self) -> None:
        """Serve every message waiting on the socket (main thread)."""
        sock = self.socket
        try:
            while cast(int, sock.get(_EVENTS)) & _POLLIN:
                self._handle(sock.recv_multipart())
        except zmq.ZMQError as e:  # closed under us at shutdown
            log.debug("rpc socket: %s", e)
        self._settle_interrupt()

    def _send(self, ident: bytes, message: dict[str, Any]) -> None:
        try:
            self.socket.send_multipart([ident, *encode_frames(message, self._key)])
        except zmq.ZMQError as e:
            if e.errno == zmq.EHOSTUNREACH:
                self._disconnected(ident)
            else:
                log.warning("rpc: cannot send to a client: %s", e)

    def send_stream(self, ident: bytes, request: Any, name: str, text: str) -> None:
        """A piece of a call's output, to its caller (main thread)."""
        self._send(ident, {"op": "stream", "id": request, "name": name, "text": text})

    def on_main_thread(self) -> bool:
        return threading.current_thread() is self._owner

    def _handle(self, frames: list[bytes]) -> None:
        ident = frames[0]
        try:
            message = decode_frames(frames[1:], self._key, self._replay)
        except ProtocolError as e:
            self._bad.drop("rpc", e)
            return
        op = self._ops.get(message["op"])
        if op is None:
            self._bad.drop("rpc", MalformedMessage(f"unknown RPC op {message['op']!r}"))
            return
        if message["op"] in _STARTS_CODE:
            # an interrupt that came while this call waited is its own: if it runs code,
            # that ends with KeyboardInterrupt at once
            self._interrupt_call = self._begin_request() or self._interrupt_queued
            self._interrupt_queued = False
        try:
            op(ident, message)
        except NeedHello as e:
            self._reply_error(ident, message.get("id"), e)
        except ProtocolError as e:  # a well-signed but malformed request
            self._bad.drop("rpc", e)
            if message.get("id") is not None:
                self._reply_error(ident, message["id"], ValueError(str(e)))
        except KeyboardInterrupt:
            raise  # an interrupt: the kernel core's to handle
        except BaseException:  # nothing a client sends may end the kernel's loop
            log.exception("rpc: serving %r failed", message.get("op"))
        finally:
            self._interrupt_call = False

    # -- clients -----------------------------------------------------------------------

    def _client_of(self, ident: bytes) -> _Client:
        client_id = self._idents.get(ident)
        if client_id is None:
            raise NeedHello("this socket has not said hello (or its client was dropped)")
        return self._clients[client_id]

    def _hello(self, ident: bytes, message: dict[str, Any]) -> None:
        client_id = message.get("client")
        if not isinstance(client_id, str) or not client_id:
            raise MalformedMessage("hello needs a client id")
        client = self._clients.get(client_id)
        if client is None or client.gone:
            client = self._clients[client_id] = _Client(client_id)
        client.idents.add(ident)
        self._idents[ident] = client_id
        if message.get("events"):
            client.events_ident = ident
        shell = self.host.shell
        value = {
            "protocol": PROTOCOL,
            "members": sorted(CALLS),
            "mimes": list(shell.display_formatter.formatters),
            "pid": os.getpid(),
        }
        self._reply(ident, message.get("id"), value)

    def _ping(self, ident: bytes, message: dict[str, Any]) -> None:
        self._reply(ident, message.get("id"), "pong")

    def _bye(self, ident: bytes, message: dict[str, Any]) -> None:
        client_id = self._idents.get(ident)
        if client_id is not None:
            self._drop_client(client_id)

    def _disconnected(self, ident: bytes) -> None:
        client_id = self._idents.pop(ident, None)
        if client_id is None:
            return
        client = self._clients.get(client_id)
        if client is None:
            return
        client.idents.discard(ident)
        if ident == client.events_ident or not client.idents:
            self._drop_client(client_id)

    def _drop_client(self, client_id: str) -> None:
        client = self._clients.pop(client_id, None)
        if client is None:
            return
        client.gone = True
        for ident in client.idents:
            self._idents.pop(ident, None)
        self.handles.drop(client_id)
        dropped = drop_callbacks(self.host.shell, client_id)
        log.info("rpc client %s gone; %d callbacks dropped", client_id, dropped)

    def _reply(self, ident: bytes, request: Any, value: Any) -> None:
        self._send(ident, {"op": "reply", "id": request, "ok": True, "value": value})

    def _reply_error(self, ident: bytes, request: Any, error: BaseException) -> None:
        self._send(
            ident, {"op": "reply", "id": request, "ok": False, "error": exception_body(error)}
        )

    # -- calls -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _serving(self, ident: bytes, request: Any, client_id: str) -> Iterator[None]:
        """Output of the call goes to its caller; the shell is current for ``get_ipython()``."""
        self._stack.append(_Serving(ident, request, client_id))
        out = RpcStream(self, ident, request, "stdout")
        err = RpcStream(self, ident, request, "stderr")
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            with use_shell(self.host.shell), self._executing():
                if self._interrupt_call:
                    self._interrupt_call = False
                    raise KeyboardInterrupt  # Ctrl-C came while the call waited in the queue
                yield
        finally:
            out.flush()
            err.flush()
            sys.stdout, sys.stderr = saved
            self._stack.pop()

    def _invoke(self, ident: bytes, client: _Client, request: Any, spec: Any) -> tuple[Any, bool]:
        """Run one call; ``(result, refs allowed)``; exceptions propagate."""
        if not isinstance(spec, dict):
            raise MalformedMessage("a call is an object with name, args, kwargs")
        name = spec.get("name")
        call = CALLS.get(name) if isinstance(name, str) else None
        if call is None:  # CALLS holds no private or dunder name: those end here too
            kind = "a private name" if isinstance(name, str) and _private(name) else "unknown"
            log.warning("rpc: refused %r from client %s (%s)", name, client.id, kind)
            raise RefusedName(f"{name!r} is not a member of the shell API")
        raw_args, raw_kwargs = spec.get("args", []), spec.get("kwargs", {})
        if not isinstance(raw_args, list) or not isinstance(raw_kwargs, dict):
            raise MalformedMessage("args must be a list and kwargs an object")
        resolve = client.resolve or self.handles.resolver(client.id)
        client.resolve = resolve
        args = decode_value(raw_args, resolve) if raw_args else []
        kwargs = decode_value(raw_kwargs, resolve) if raw_kwargs else {}
        if any(not isinstance(k, str) for k in kwargs):
            raise MalformedMessage("keyword argument names must be strings")
        if not call.output:  # plain data access: no output to route, no callbacks to serve
            return call.invoke(self.host.shell, args, kwargs), call.refs
        with self._serving(ident, request, client.id):
            return call.invoke(self.host.shell, args, kwargs), call.refs

    def _encode_result(self, client_id: str, name: str, args: Any, value: Any, refs: bool) -> Any:
        try:
            return encode_value(value, self.handles.fallback(client_id, refs))
        except NotSerializable as e:
            member = describe(name, args if isinstance(args, list) else [])
            raise RefusedValue(
                f"{member}: a {e.type_name} cannot be sent by value from the kernel"
            ) from None

    def _run(self, ident: bytes, client: _Client, request: Any, spec: Any) -> dict[str, Any]:
        """One call as a reply body (``ok`` and ``value`` or ``error``)."""
        try:
            value, refs = self._invoke(ident, client, request, spec)
            encoded = self._encode_result(client.id, spec["name"], spec.get("args"), value, refs)
        except ProtocolError:
            raise
        except BaseException as e:  # SystemExit from a magic too: the caller gets it, not the loop
            return {"ok": False, "error": exception_body(e)}
        return {"ok": True, "value": encoded}

    def _call(self, ident: bytes, message: dict[str, Any]) -> None:
        client = self._client_of(ident)
        request = message.get("id")
        body = self._run(ident, client, request, message)
        if message.get("oneway"):
            if not body["ok"]:
                log.warning(
                    "rpc: one-way call %s failed: %s", message.get("name"), body["error"]["message"]
                )
            return
        self._send(ident, {"op": "reply", "id": request, **body})

    def _batch(self, ident: bytes, message: dict[str, Any]) -> None:
        client = self._client_of(ident)
        calls = message.get("calls")
        if not isinstance(calls, list):
            raise MalformedMessage("a batch has a list of calls")
        request = message.get("id")
        results = [self._run(ident, client, request, spec) for spec in calls]
        self._reply(ident, request, results)

    def _release(self, ident: bytes, message: dict[str, Any]) -> None:
        client_id = self._idents.get(ident)
        refs = message.get("refs")
        if client_id is not None and isinstance(refs, list):
            self.handles.release(client_id, refs)

    def _new_shell(self, ident: bytes, message: dict[str, Any]) -> None:
        """Replace the shell by a fresh one (test harnesses: a clean state between tests).

        Only a kernel started for that (``LEGACY_SHELL_RPC_NEW_SHELL=1`` in its
        environment, as the pytest plugin's kernels are) does it: it is not part
        of the shell API, and ends the shell other clients may be using.
        """
        self._client_of(ident)
        if not self.allow_new_shell:
            log.warning("rpc: refused new_shell: this kernel was not started for tests")
            self._reply_error(
                ident,
                message.get("id"),
                RefusedPermission(
                    "new_shell is served only by kernels started with "
                    f"{NEW_SHELL_VARIABLE}=1 (the test plugin's kernels)"
                ),
            )
            return
        config, env, cwd = message.get("config") or {}, message.get("env") or {}, message.get("cwd")
        if not isinstance(config, dict) or not isinstance(env, dict):
            raise MalformedMessage("new_shell takes a config object and an env object")
        try:
            self.host.new_shell(config, {str(k): str(v) for k, v in env.items()}, cwd)
            self.handles.clear_refs()
        except Exception as e:
            log.exception("new_shell failed")
            self._reply_error(ident, message.get("id"), e)
            return
        self._reply(ident, message.get("id"), None)

    # -- callbacks ---------------------------------------------------------------------

    def _callback_reply(self, ident: bytes, message: dict[str, Any]) -> None:
        request = message.get("id")
        if isinstance(request, int):
            self._callback_replies[request] = message

    def call_back(self, stub: CallbackStub, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """Run ``stub``'s function in its client and return its result (main thread)."""
        name = stub.__name__
        if not self.on_main_thread():
            raise CallbackError(
                f"{name}: a client callback can only run on the kernel's main thread"
            )
        client = self._clients.get(stub.client_id)
        if client is None or client.gone:
            raise CallbackGone(f"{name}: the client that registered it has disconnected")
        if self._stack and self._stack[-1].client == client.id:
            target = self._stack[-1].ident  # the caller is waiting: it runs the callback itself
        elif client.events_ident is not None:
            target = client.events_ident
        else:
            raise CallbackGone(f"{name}: its client takes no callbacks between calls")
        fallback = self.handles.fallback(client.id, refs=True)
        request = next(self._callback_ids)
        self._send(
            target,
            {
                "op": "callback",
                "id": request,
                "callback": stub.callback_id,
                "args": encode_value(list(args), fallback),
                "kwargs": encode_value(kwargs, fallback),
            },
        )
        reply = self._wait_callback(request, client, name, target)
        if reply.get("ok"):
            return decode_value(reply.get("value"), self.handles.resolver(client.id))
        raise callback_exception(name, reply.get("error") or {})

    def _wait_callback(
        self, request: int, client: _Client, name: str, target: bytes
    ) -> dict[str, Any]:
        """Serve the socket until the answer; a slow answer makes us look for the client.

        Every 100 ms without the answer, the socket it was sent to is probed: a
        caller that stopped waiting (Ctrl-C twice, a timeout) closes its socket,
        and the cell goes on at once instead of waiting out the timeout.
        """
        deadline = time.monotonic() + self.callback_timeout
        try:
            while request not in self._callback_replies:
                if client.gone:
                    raise CallbackGone(f"{name}: its client disconnected before answering")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CallbackError(
                        f"{name}: its client did not answer within {self.callback_timeout:g} s"
                    )
                try:
                    if self.socket.poll(int(min(remaining, 0.1) * 1000) + 1):
                        self.on_readable()
                    elif not self._probe(target):
                        raise CallbackGone(f"{name}: the caller stopped waiting for it")
                except KeyboardInterrupt:
                    # a client interrupts only a call it waits on; with a message already
                    # here, that may be the call the callback's code made (not yet started)
                    if not self._readable():
                        raise
                    self._interrupt_queued = True
            if self._interrupt_queued:  # no call of the callback's took it: the caller's code
                self._interrupt_queued = False
                raise KeyboardInterrupt
            return self._callback_replies.pop(request)
        finally:
            self._callback_replies.pop(request, None)

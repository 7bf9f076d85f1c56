"""Layer 3 of the split: the kernel core, from messages to interpreter calls and back.

A dispatch table maps each ``msg_type`` to a handler. The core owns the
protocol's ordering rules, so the interpreter and the transport need not:

- ``status: starting`` once; ``busy`` (parent = the request) first and
  ``idle`` last around *every* request, ``kernel_info`` and control included;
- for ``execute_request``: ``execute_input`` (unless silent), then the cell's
  outputs, then the stream flush, then the reply, then ``idle`` -- outputs are
  strictly between busy and idle and before the reply;
- an error reply with ``stop_on_error`` aborts the executes already queued
  (``status: aborted``, each with its own busy/idle); other queued requests
  are served in order; an unknown request gets an error reply, as the spec says.

Shell requests run on the thread that calls :meth:`KernelCore.run` (the main
thread in a kernel process); control requests arrive on the transport's control
thread. An interrupt raises ``KeyboardInterrupt`` in the running cell only: on
the main thread SIGINT is handled so that it never ends an idle kernel. An
interrupt that finds the kernel idle *with a request already waiting* (the user
pressed Ctrl-C right after Enter, before the kernel took the cell up) belongs
to that request: the next request to start takes it (:meth:`begin_request`),
and if it runs code, that code ends with ``KeyboardInterrupt`` at once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from ..channels import KernelChannels
from ..session import Session
from ..wire import Message
from .sink import Publish
from .stdin import RequestInput

__all__ = ["InterpreterAPI", "KernelCore"]

log = logging.getLogger("split.kernel.core")


class InterpreterAPI(Protocol):
    """What the core calls (``split.kernel.interpreter.Interpreter`` provides it)."""

    @property
    def execution_count(self) -> int: ...
    def kernel_info(self) -> dict[str, Any]: ...
    def execute(self, code: str, silent: bool = ..., store_history: bool = ...,
                user_expressions: dict[str, Any] | None = ..., allow_stdin: bool = ...,
                stop_on_error: bool = ...,
                metadata: dict[str, Any] | None = ...) -> dict[str, Any]: ...  # fmt: skip
    def complete(self, code: str, cursor_pos: int) -> dict[str, Any]: ...
    def inspect(self, code: str, cursor_pos: int, detail_level: int = ...) -> dict[str, Any]: ...
    def is_complete(self, code: str) -> dict[str, Any]: ...
    def history(self, hist_access_type: str, output: bool = ..., raw: bool = ...,
                session: int = ..., start: int = ..., stop: int | None = ..., n: int | None = ...,
                pattern: str | None = ..., unique: bool = ...) -> dict[str, Any]: ...  # fmt: skip
    def comm_info(self, target_name: str | None = ...) -> dict[str, Any]: ...
    def shutdown(self, restart: bool) -> dict[str, Any]: ...
    def flush_output(self) -> None: ...
    def close(self) -> None: ...


_HISTORY_ARGS = ("output", "raw", "session", "start", "stop", "n", "pattern", "unique")


def _error_content(error: BaseException) -> dict[str, Any]:
    return {
        "status": "error",
        "ename": type(error).__name__,
        "evalue": str(error),
        "traceback": traceback.format_exception(error),
    }


class KernelCore:
    """Serves one kernel's requests.

    ``make_interpreter`` gets the core's :meth:`publish_output` and
    :meth:`request_input` (how the interpreter's output and ``input()`` reach
    the clients) and returns the interpreter; it is called once, last, when
    the core is built.
    """

    def __init__(
        self,
        channels: KernelChannels,
        session: Session,
        make_interpreter: Callable[[Publish, RequestInput], InterpreterAPI],
        *,
        interrupt: Callable[[], None] | None = None,
    ) -> None:
        self.channels = channels
        self.session = session
        self.restart_requested = False
        #: Merged into every ``kernel_info_reply`` (the RPC channel announces itself here).
        self.kernel_info_extra: dict[str, Any] = {}
        self._interrupt = interrupt
        self._parent: Message | None = None
        #: The last execute request: the parent of output (also after the cell ended).
        self._output_parent: Message | None = None
        self._executing = False
        #: An interrupt that arrived while idle with a request queued: the next request's.
        self._queued_interrupt = False
        #: The SIGINT handler ``run`` installs on the main thread (a kernel process
        #: wraps it, see ``split.kernel.sigwatch``).
        self.sigint_handler: Callable[[int, Any], None] = self._on_sigint
        self._stop = threading.Event()
        self._backlog: deque[Message] = deque()
        self._run_thread: threading.Thread | None = None
        self._shell_handlers: dict[str, Callable[[Message], dict[str, Any] | None]] = {
            "execute_request": self._execute,
            "kernel_info_request": self._kernel_info,
            "complete_request": self._complete,
            "inspect_request": self._inspect,
            "is_complete_request": self._is_complete,
            "history_request": self._history,
            "comm_info_request": self._comm_info,
            "comm_open": self._comm_open,
            "comm_msg": self._ignore,
            "comm_close": self._ignore,
            "shutdown_request": self._shutdown,
        }
        self._control_handlers: dict[str, Callable[[Message], dict[str, Any] | None]] = {
            "kernel_info_request": self._kernel_info,
            "shutdown_request": self._shutdown,
            "interrupt_request": self._interrupt_request,
        }
        self.interpreter: InterpreterAPI = make_interpreter(self.publish_output, self.request_input)

    # -- what the interpreter calls ---------------------------------------------------

    def publish_output(
        self, msg_type: str, content: dict[str, Any], metadata: dict[str, Any] | None = None
    ) -> None:
        """Publish on iopub as an output of the cell that runs, or of the last one (any thread).

        Output after a cell ended (a thread's ``print``, a subprocess writing to
        the kernel's fd 1) belongs to the cell that started it as far as anyone
        can tell: the last one, as ipykernel does; clients show it as it comes.
        """
        self._publish(msg_type, content, self._output_parent or self._parent, metadata)

    def request_input(
        self, prompt: str, password: bool, terminal: dict[str, Any] | None = None
    ) -> str:
        """Ask the requesting frontend for a line on stdin (main thread, in a cell).

        ``terminal``: a request to our own terminal (an editor, the clipboard),
        sent along as ``legacy_shell`` in the ``input_request``; the answer comes
        back as the reply's ``value``.
        """
        content: dict[str, Any] = {"prompt": prompt, "password": password}
        if terminal is not None:
            content["legacy_shell"] = terminal
        request = self.session.msg("input_request", content, parent=self._parent)
        reply = self.channels.stdin_request(request)
        if reply is None:
            raise EOFError("no input reply from the frontend")
        return str(reply.content.get("value", ""))

    # -- loop ----------------------------------------------------------------------

    def run(self) -> None:
        """Serve until a shutdown request or :meth:`stop`; then end the shell, close channels."""
        self._run_thread = threading.current_thread()
        on_main = self._run_thread is threading.main_thread()
        saved_sigint = signal.signal(signal.SIGINT, self.sigint_handler) if on_main else None
        self.channels.start(self._on_control)
        self._publish("status", {"execution_state": "starting"}, None)
        try:
            while not self._stop.is_set():
                if not self._backlog:
                    self.settle_interrupt()
                msg = self._backlog.popleft() if self._backlog else self._recv()
                if msg is not None:
                    self._dispatch_shell(msg)
        finally:
            try:
                self.interpreter.shutdown(self.restart_requested)
                self.interpreter.close()
            finally:
                self.channels.close()
                if saved_sigint is not None:
                    signal.signal(signal.SIGINT, saved_sigint)

    def stop(self) -> None:
        """End :meth:`run` after the current request (any thread, signal handlers too)."""
        self._stop.set()
        self.channels.wake()

    def _recv(self) -> Message | None:
        try:
            return self.channels.recv_shell(None)  # stop() wakes it
        except KeyboardInterrupt:  # an interrupt that arrived while idle
            return None

    def _on_sigint(self, signum: int, frame: Any) -> None:
        __tracebackhide__ = True  # the user's traceback ends in their code, not here
        if self._executing:
            raise KeyboardInterrupt
        if self.channels.has_pending():  # meant for the request that has not started yet
            self._queued_interrupt = True

    def begin_request(self) -> bool:
        """A request starts: whether an interrupt arrived while it waited in the queue.

        Every request takes the flag, whatever it is, so an interrupt never
        outlives the request it was queued behind; one that runs code ends at once.
        """
        queued, self._queued_interrupt = self._queued_interrupt, False
        return queued

    def settle_interrupt(self) -> None:
        """Nothing waits any more: an interrupt kept for a queued request is dropped."""
        if self._queued_interrupt and not self.channels.has_pending():
            self._queued_interrupt = False

    # -- dispatch ------------------------------------------------------------------

    def _publish(
        self,
        msg_type: str,
        content: dict[str, Any],
        parent: Message | None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        msg = self.session.msg(msg_type, content, parent=parent, metadata=metadata)
        msg.identities = [b"kernel." + msg_type.encode()]
        self.channels.publish(msg)

    def _serve(
        self,
        msg: Message,
        handlers: dict[str, Callable[[Message], dict[str, Any] | None]],
        send: Callable[[Message], None],
    ) -> None:
        self._publish("status", {"execution_state": "busy"}, msg)
        try:
            handler = handlers.get(msg.msg_type)
            if handler is None:
                content: dict[str, Any] | None = {
                    "status": "error",
                    "ename": "UnknownMessageType",
                    "evalue": f"unknown message type {msg.msg_type!r}",
                    "traceback": [],
                }
            else:
                try:
                    content = handler(msg)
                except Exception as e:
                    log.exception("handler for %s failed", msg.msg_type)
                    content = _error_content(e)
            if content is not None and msg.msg_type.endswith("_request"):
                reply_type = msg.msg_type[: -len("_request")] + "_reply"
                send(self.session.msg(reply_type, content, parent=msg))
        finally:
            self._publish("status", {"execution_state": "idle"}, msg)
        # actions that must follow the reply
        if msg.msg_type == "interrupt_request":
            self.interrupt()
        elif msg.msg_type == "shutdown_request":
            self.stop()

    def _dispatch_shell(self, msg: Message) -> None:
        self._parent = msg
        self._interrupt_this_cell = self.begin_request()
        self._serve(msg, self._shell_handlers, self.channels.send_shell)
        if msg.msg_type == "execute_request" and self._to_abort is not None:
            queued, self._to_abort = self._to_abort, None
            self._abort_queued(queued)

    def _on_control(self, msg: Message) -> None:
        self._serve(msg, self._control_handlers, self.channels.send_control)

    def _abort_queued(self, pending: list[Message]) -> None:
        for queued in pending:
            if queued.msg_type != "execute_request":
                self._backlog.append(queued)
                continue
            self._publish("status", {"execution_state": "busy"}, queued)
            content = {"status": "aborted", "execution_count": self.interpreter.execution_count}
            self.channels.send_shell(self.session.msg("execute_reply", content, parent=queued))
            self._publish("status", {"execution_state": "idle"}, queued)

    # -- handlers ------------------------------------------------------------------

    #: requests that were queued when an execute failed (taken BEFORE its reply went
    #: out: a request sent after the client saw the error reply is not aborted)
    _to_abort: list[Message] | None = None
    #: the request being served was interrupted while it waited in the queue
    _interrupt_this_cell = False

    def _execute(self, msg: Message) -> dict[str, Any]:
        c = msg.content
        code = str(c.get("code", ""))
        silent = bool(c.get("silent", False))
        stop_on_error = bool(c.get("stop_on_error", True))
        interp = self.interpreter
        self._output_parent = msg
        # from here on an interrupt belongs to this cell (a SIGINT arriving while
        # execute_input goes out must not be lost)
        self._executing = True
        try:
            if self._interrupt_this_cell:
                self._interrupt_this_cell = False
                raise KeyboardInterrupt  # Ctrl-C came while the cell waited in the queue
            if not silent:
                self._publish(
                    "execute_input", {"code": code, "execution_count": interp.execution_count}, msg
                )
            reply = interp.execute(
                code,
                silent=silent,
                store_history=bool(c.get("store_history", not silent)),
                user_expressions=c.get("user_expressions") or {},
                allow_stdin=bool(c.get("allow_stdin", False)),
                stop_on_error=stop_on_error,
                metadata=msg.metadata,
            )
        except KeyboardInterrupt:
            # the interrupt landed outside the cell's own code (before it started
            # or as it ended): the cell still ends with KeyboardInterrupt
            reply = {
                "status": "error",
                "ename": "KeyboardInterrupt",
                "evalue": "",
                "traceback": ["KeyboardInterrupt"],
                "execution_count": interp.execution_count,
            }
        finally:
            self._executing = False
            interp.flush_output()
        if reply.get("status") == "error" and stop_on_error:
            self._to_abort = self.channels.pending_shell()
        return reply

    def _kernel_info(self, msg: Message) -> dict[str, Any]:
        reply = self.interpreter.kernel_info()
        return {**reply, **self.kernel_info_extra} if self.kernel_info_extra else reply

    def _complete(self, msg: Message) -> dict[str, Any]:
        code = str(msg.content.get("code", ""))
        return self.interpreter.complete(code, int(msg.content.get("cursor_pos", len(code))))

    def _inspect(self, msg: Message) -> dict[str, Any]:
        c = msg.content
        code = str(c.get("code", ""))
        return self.interpreter.inspect(
            code, int(c.get("cursor_pos", len(code))), int(c.get("detail_level", 0))
        )

    def _is_complete(self, msg: Message) -> dict[str, Any]:
        return self.interpreter.is_complete(str(msg.content.get("code", "")))

    def _history(self, msg: Message) -> dict[str, Any]:
        c = msg.content
        kwargs = {k: c[k] for k in _HISTORY_ARGS if k in c}
        return self.interpreter.history(str(c.get("hist_access_type", "tail")), **kwargs)

    def _comm_info(self, msg: Message) -> dict[str, Any]:
        return self.interpreter.comm_info(msg.content.get("target_name"))

    def _comm_open(self, msg: Message) -> None:
        # no comm targets are registered: the spec says to close the comm at once
        comm_id = msg.content.get("comm_id")
        if isinstance(comm_id, str):
            self._publish("comm_close", {"comm_id": comm_id, "data": {}}, msg)

    def _ignore(self, msg: Message) -> None:
        return None

    def _shutdown(self, msg: Message) -> dict[str, Any]:
        self.restart_requested = bool(msg.content.get("restart", False))
        content = {"status": "ok", "restart": self.restart_requested}
        self._publish("shutdown_reply", content, msg)
        return content  # _serve stops the loop once the reply is sent

    @contextlib.contextmanager
    def executing(self) -> Iterator[None]:
        """Code runs on the main thread meanwhile: an interrupt raises ``KeyboardInterrupt`` in it.

        ``execute_request`` uses this state; so do proxy calls that run code.
        """
        saved, self._executing = self._executing, True
        try:
            yield
        finally:
            self._executing = saved

    def _interrupt_request(self, msg: Message) -> dict[str, Any]:
        return {"status": "ok"}  # _serve interrupts once the reply is sent

    def interrupt(self) -> None:
        """Raise ``KeyboardInterrupt`` in the running cell, if one runs."""
        if self._interrupt is not None:
            self._interrupt()
        elif self._run_thread is threading.main_thread():
            # to the process, as a terminal's Ctrl-C: whichever thread takes it, the
            # kernel's watchdog (split.kernel.sigwatch) sees that the main thread runs it
            os.kill(os.getpid(), signal.SIGINT)
        elif self._executing and self._run_thread is not None and self._run_thread.ident:
            # a core run on another thread (tests): an asynchronous exception
            import ctypes

            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(self._run_thread.ident), ctypes.py_object(KeyboardInterrupt)
            )

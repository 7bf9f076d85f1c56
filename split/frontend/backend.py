"""``KernelBackend``: the terminal's ``Backend`` over a kernel client.

The terminal of ``legacy_shell`` talks to a ``Backend``; this is the one that
runs code in another process, over the Jupyter messaging protocol. Each
terminal request becomes a request on the kernel's shell channel, with a
timeout so the prompt never freezes: ``is_complete`` waits at most ~0.3 s and
then judges the cell locally (Enter never stalls while the kernel is busy),
``complete``/``inspect``/``history`` give empty answers on timeout. Outputs of
a running cell come from iopub as they happen; ``input()`` in the kernel comes
back as an ``input_request`` on stdin. Ctrl-C during a cell interrupts the
kernel (the terminal keeps waiting for the reply).

When the kernel dies, the client's wait ends at once (the manager's ``died``
event) and ``BackendDied`` carries one plain line; the terminal then calls
``restart()``, which starts a fresh kernel unless it keeps dying
(:class:`.crashpolicy.CrashPolicy`), in which case it shows the tail of the
kernel's stderr and asks. ``%restart`` and ``%shutdown_kernel`` are answered
here, before anything is sent to the kernel.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from legacy_shell.inputtransform import InputTransformer
from legacy_shell.terminal.backend import (
    BackendDied,
    BackendGone,
    CompleteReply,
    ExecuteReply,
    OutputHandler,
)

from ..errors import KernelDied, SplitError
from ..wire import Message
from .crashpolicy import CrashPolicy
from .kernels import KernelHandle
from .other_clients import OtherClientsPrinter
from .replies import complete_reply, execute_reply, history_inputs, inspect_text, route_output

__all__ = ["FRONTEND_MAGICS", "KernelBackend"]

log = logging.getLogger(__name__)

#: Lines the frontend answers itself; they never reach the kernel.
FRONTEND_MAGICS = ("%restart", "%shutdown_kernel")
#: Ctrl-C presses during one cell after which the frontend stops waiting for the kernel.
_GIVE_UP_AFTER = 3


class KernelBackend:
    """A ``legacy_shell.terminal.backend.Backend`` whose code runs in a kernel."""

    def __init__(
        self,
        kernel: KernelHandle,
        *,
        policy: CrashPolicy | None = None,
        ask: Callable[[str], str] | None = None,
        out: IO[str] | None = None,
        request_timeout: float = 1.0,
        is_complete_timeout: float = 0.3,
        history_file: Any = None,
        setup_lines: list[str] | None = None,
    ) -> None:
        """``ask`` reads the user's answer when restarting stops (``None``: never ask, leave).

        ``setup_lines`` run silently in every kernel this backend connects to
        (the first and each restarted one): e.g. ``%config`` from the command line.
        """
        self.kernel = kernel
        self.policy = policy if policy is not None else CrashPolicy()
        self.request_timeout = request_timeout
        self.is_complete_timeout = is_complete_timeout
        self.history_file = history_file
        self.setup_lines = list(setup_lines or [])
        self._ask = ask
        self._out = out
        self._lock = threading.RLock()
        self._client: Any = None
        self._count = 1
        self._kernel_info: dict[str, Any] = {}
        self._local_check = InputTransformer(lambda name: False).check_complete
        self._stop_kernel = kernel.owned
        self._others = OtherClientsPrinter()
        self._closed = False

    # -- life cycle ---------------------------------------------------------

    @property
    def out(self) -> IO[str]:
        return self._out if self._out is not None else sys.stdout

    def start(self) -> None:
        """Start (or attach to) the kernel and connect; ``BackendDied`` if it cannot be done."""
        try:
            self.kernel.start()
            self._connect()
        except SplitError as e:
            raise BackendDied(str(e)) from None
        if not self.kernel.owned:
            self._count = self._current_count()

    def _connect(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.stop_channels()
            client = self.kernel.new_client()
            client.start_channels()
            client.other_output_hook = self._others.show
            self._client = client
            self._count = 1
            # a kernel_info round trip that also proves the iopub subscription is live
            reply = client.wait_for_ready(timeout=self.request_timeout * 10)
            self._kernel_info = dict(reply.content)
            for line in self.setup_lines:
                done = client.execute_interactive(line, silent=True, store_history=False)
                if done.content.get("status") != "ok":
                    print(f"warning: {line!r} failed in the kernel", file=sys.stderr)

    def _current_count(self) -> int:
        """The count an attached kernel's next cell gets (a silent, unstored execute)."""
        try:
            with self._lock:
                reply = self._request(
                    "execute", self.request_timeout, code="", silent=True, store_history=False
                )
            count = reply.content.get("execution_count")
            return int(count) if count else 1
        except (TimeoutError, SplitError):
            return 1

    def restart(self) -> None:
        """After a death: a fresh kernel, unless it keeps dying (then ask, or ``BackendGone``)."""
        if not self.kernel.can_restart:
            self._offer_new_kernel("this terminal did not start it, so it cannot restart it")
            return
        if not self.policy.allow_restart():
            self._explain_refusal()
            self._offer_new_kernel("")
            return
        self._restart_now()

    def _explain_refusal(self) -> None:
        out = self.out
        print(
            f"The kernel died {self.policy.describe()}; not restarting it automatically.",
            file=out,
        )
        tail = self.kernel.stderr_tail(20).rstrip()
        if tail:
            print("Last lines of the kernel's stderr:", file=out)
            for line in tail.splitlines():
                print(f"    {line}", file=out)
        else:
            print("The kernel wrote nothing to stderr.", file=out)
        out.flush()

    def _offer_new_kernel(self, why: str) -> None:
        """Ask whether to start a new kernel; without a way to ask, or on "n", leave."""
        if why:
            print(f"The kernel is gone ({why}).", file=self.out, flush=True)
        answer = "n"
        if self._ask is not None:
            try:
                answer = self._ask("Start a new kernel ([y]/n)? ").strip().lower()
            except (EOFError, KeyboardInterrupt):
                answer = "n"
        if answer not in ("", "y", "yes"):
            raise BackendGone("no new kernel started; leaving.")
        if not self.kernel.can_restart:
            from .kernels import OwnKernel

            self.kernel.shutdown()
            self.kernel = OwnKernel()
            self._stop_kernel = True
            try:
                self.start()
            except BackendDied as e:
                raise BackendGone(f"a new kernel could not be started: {e}") from None
            return
        self.policy.reset()
        self._restart_now()

    def _restart_now(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.stop_channels()
                self._client = None
            try:
                self.kernel.restart()
                self._connect()
            except SplitError as e:
                raise BackendDied(str(e)) from None

    def shutdown(self) -> None:
        """Leave: stop our own kernel; an attached one keeps running unless asked to stop."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            client, self._client = self._client, None
            if client is not None and not self.kernel.owned and self._stop_kernel:
                try:
                    client.shutdown()
                except SplitError as e:
                    log.debug("shutdown request failed: %s", e)
            if client is not None:
                client.stop_channels()
            if self.kernel.owned:
                self.kernel.shutdown()
                return
            self.kernel.shutdown()
            if not self._stop_kernel and not self.kernel.died.is_set():
                print(
                    "The kernel keeps running; attach again with: "
                    f"ipython --existing {self.kernel.connection_file}",
                    file=self.out,
                    flush=True,
                )

    # -- requests -----------------------------------------------------------

    def _request(self, kind: str, timeout: float, **content: Any) -> Message:
        """Send ``<kind>_request`` and wait for its reply (stale replies are dropped)."""
        if self._client is None or self.kernel.died.is_set():
            raise KernelDied(message="the kernel is not running")
        msg: Message = self._client.request(f"{kind}_request", content, timeout=timeout)
        return msg

    def _ask_kernel(self, kind: str, timeout: float, **kwargs: Any) -> dict[str, Any] | None:
        """A reply's content, or ``None`` (timeout, busy lock, dead kernel): never a freeze."""
        if not self._lock.acquire(timeout=timeout):
            return None
        try:
            return self._request(kind, timeout, **kwargs).content
        except (TimeoutError, SplitError) as e:
            log.debug("%s request failed: %s", kind, e)
            return None
        finally:
            self._lock.release()

    # -- the Backend interface ----------------------------------------------

    @property
    def execution_count(self) -> int:
        return self._count

    def banner(self) -> str:
        text = str(self._kernel_info.get("banner") or "").rstrip("\n")
        pid = getattr(self.kernel, "pid", None)
        where = f"in process {pid}" if pid else f"at {self.kernel.connection_file}"
        how = (
            "%restart restarts it" if self.kernel.can_restart else "it keeps running when you leave"
        )
        extra = f"Two-process mode: the kernel runs {where}; {how}, %connect_info shows how to attach.\n"
        return (text + "\n" if text else "") + extra

    def execute(
        self, code: str, handler: OutputHandler, *, store_history: bool = True, silent: bool = False
    ) -> ExecuteReply:
        self._others.handler = handler
        line = code.strip()
        if line in FRONTEND_MAGICS:
            return self._frontend_magic(line, handler)
        if self._client is None or self.kernel.died.is_set():
            raise self._death("Kernel died before this cell ran")
        with self._lock, self._forward_sigint():
            try:
                msg = self._client.execute_interactive(
                    code,
                    output_hook=lambda m: self._on_output(m, handler),
                    stdin_hook=lambda m: self._on_input(m, handler),
                    died=self.kernel.died,
                    silent=silent,
                    store_history=store_history,
                    allow_stdin=True,
                )
            except KernelDied:
                raise self._death() from None
        reply = execute_reply(msg.content, self._count)
        if store_history and not silent and reply.status != "aborted":
            self._count = reply.execution_count + 1
        return reply

    def evaluate(self, expression: str) -> str | None:
        """The ``text/plain`` repr of ``expression`` in the kernel (a silent execute
        with a user expression), or ``None`` when it fails or the kernel is gone."""
        if self._client is None or self.kernel.died.is_set():
            return None
        with self._lock:
            try:
                msg = self._client.execute_interactive(
                    "",
                    output_hook=lambda m: None,
                    stdin_hook=lambda m: "",
                    died=self.kernel.died,
                    silent=True,
                    store_history=False,
                    user_expressions={"value": expression},
                )
            except (KernelDied, SplitError):
                return None
        found = msg.content.get("user_expressions", {}).get("value", {})
        if found.get("status") != "ok":
            return None
        text = found.get("data", {}).get("text/plain")
        return str(text) if text is not None else None

    @property
    def died(self) -> Any:
        """The kernel's death event (a ``threading.Event``): the terminal watches it
        while it waits at the prompt, so a death there is reported at once."""
        return self.kernel.died

    def death_at_prompt(self) -> BackendDied:
        """The one-line report of a death noticed while the user was at the prompt."""
        return self._death("Kernel died")

    def _death(self, what: str = "Kernel died") -> BackendDied:
        self.policy.record_death()
        return BackendDied(f"{what}: {self.kernel.death_reason()}")

    def _on_output(self, msg: Message, handler: OutputHandler) -> None:
        route_output(msg, handler)

    def _on_input(self, msg: Message, handler: OutputHandler) -> str:
        """``input()`` in the kernel: read here; Ctrl-C interrupts the kernel, Ctrl-D is EOF."""
        prompt = str(msg.content.get("prompt", ""))
        password = bool(msg.content.get("password", False))
        with self._sigint_raises():
            try:
                return handler.input_request(prompt, password)
            except KeyboardInterrupt:
                self.interrupt()
                return ""
            except EOFError:
                return "\x04"  # the kernel's input() raises EOFError, as at a terminal

    @contextmanager
    def _forward_sigint(self) -> Iterator[None]:
        """While a cell runs, Ctrl-C interrupts the kernel instead of this process."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        presses = 0

        def forward(signum: int, frame: Any) -> None:
            nonlocal presses
            presses += 1
            self.interrupt()
            if presses >= _GIVE_UP_AFTER:
                raise KeyboardInterrupt

        previous = signal.signal(signal.SIGINT, forward)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

    @contextmanager
    def _sigint_raises(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

    def _frontend_magic(self, line: str, handler: OutputHandler) -> ExecuteReply:
        if line == "%shutdown_kernel":
            self._stop_kernel = True
            return ExecuteReply("ok", self._count, [{"source": "ask_exit", "keepkernel": False}])
        if not self.kernel.can_restart:
            handler.stream("stderr", "%restart: this terminal did not start the kernel.\n")
            return ExecuteReply("error", self._count, [])
        try:
            self._restart_now()
        except BackendDied as e:
            handler.stream("stderr", f"Restarting the kernel failed: {e}\n")
            return ExecuteReply("error", self._count, [])
        handler.stream("stdout", "Kernel restarted (variables are gone, history is kept).\n")
        return ExecuteReply("ok", self._count, [])

    def complete(self, code: str, cursor_pos: int) -> CompleteReply:
        content = self._ask_kernel(
            "complete", self.request_timeout, code=code, cursor_pos=cursor_pos
        )
        if content is None:
            return CompleteReply(cursor_pos, cursor_pos, [])
        return complete_reply(content, cursor_pos)

    def inspect(self, code: str, cursor_pos: int, detail_level: int = 0) -> str | None:
        content = self._ask_kernel(
            "inspect",
            self.request_timeout,
            code=code,
            cursor_pos=cursor_pos,
            detail_level=detail_level,
        )
        return inspect_text(content) if content is not None else None

    def is_complete(self, code: str) -> tuple[str, str | None]:
        content = None
        if not self.kernel.died.is_set():
            content = self._ask_kernel("is_complete", self.is_complete_timeout, code=code)
        if content is None or content.get("status") not in ("complete", "incomplete", "invalid"):
            return self._local_check(code)
        indent = content.get("indent")
        return str(content["status"]), str(indent) if indent is not None else None

    def history(self, limit: int) -> list[str]:
        if self.history_file is not None and self.kernel.owned:
            return _local_history(self.history_file, limit)
        content = self._ask_kernel(
            "history",
            self.request_timeout,
            hist_access_type="tail",
            n=limit,
            raw=True,
            output=False,
        )
        return history_inputs((content or {}).get("history"), limit)

    def interrupt(self) -> None:
        try:
            self.kernel.interrupt()
        except (SplitError, OSError) as e:
            log.debug("interrupt failed: %s", e)

    def pre_prompt(self) -> None:
        """Show what other clients ran on this kernel since the last prompt."""
        if self._client is None or self.kernel.died.is_set():
            return
        if not self._lock.acquire(blocking=False):
            return
        try:
            self._client.poll_other_output()
        except SplitError as e:
            log.debug("reading other clients' output failed: %s", e)
        finally:
            self._lock.release()


def _local_history(path: Any, limit: int) -> list[str]:
    """Up-arrow history straight from the shared SQLite file the kernel writes."""
    from pathlib import Path

    from legacy_shell.history_store import HistoryStore

    if limit <= 0 or not Path(path).exists():
        return []
    store = HistoryStore(Path(path), warn=lambda message: log.debug("history: %s", message))
    try:
        collected: list[str] = []
        for text in store.raw_inputs_newest_first(max(limit, 100)):
            if not text.strip() or (collected and collected[-1] == text):
                continue
            collected.append(text)
            if len(collected) >= limit:
                break
    finally:
        store.close()
    collected.reverse()
    return collected

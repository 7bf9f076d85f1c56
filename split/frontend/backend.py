"""``KernelBackend``: the terminal's ``Backend`` over a kernel client.

The terminal of ``legacy_shell`` talks to a ``Backend``; this is the one that
runs code in another process, over the Jupyter messaging protocol. Each
terminal request becomes a request on the kernel's shell channel, with a
timeout so the prompt never freezes: ``is_complete`` waits at most ~0.3 s and
then judges the cell locally (Enter never stalls while the kernel is busy),
``complete``/``inspect``/``history`` give empty answers on timeout. Outputs of
a running cell come from iopub as they happen; ``input()`` in the kernel comes
back as an ``input_request`` on stdin (as do the kernel's requests for the
user's editor and clipboard: :mod:`.terminal_requests`). Ctrl-C during a cell
interrupts the kernel and the terminal keeps waiting for the reply; a kernel
that does not stop (:mod:`.sigint`) leaves the terminal at a prompt with the
kernel *busy*: typed code is not queued behind it, Enter waits again. Output
that comes after its cell (a thread's print) is shown at the prompt.

When the user has start-up work (files, extensions, ``exec_lines``), a kernel
of ours is *started* only once it has answered a start-up request (a silent,
empty execute): the kernel runs that work for it, and its output is shown
here, before the first prompt, as IPython shows it. That is also what tells a
death while starting from a death the user's code caused. A restart carries
over the working directory, ``%xmode`` and this terminal's history
(:mod:`.carryover`).

When the kernel dies, the client's wait ends at once (the manager's ``died``
event) and ``BackendDied`` carries one plain line; the terminal then calls
``restart()``, which starts a fresh kernel. A kernel that died running the
user's cell is always restarted; one that keeps dying with no cell of the
user's running (while starting, or idle) is restarted until the
:class:`.crashpolicy.CrashPolicy` says stop. Then the kernel's last stderr
lines are shown and, in an interactive session, the terminal goes on with no
kernel until the user asks for one (Enter on an empty line, ``y``,
``%restart``); typed code is never taken as that answer. ``%restart`` and
``%shutdown_kernel`` are answered here, before anything is sent to the kernel.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import IO, Any, NoReturn

from legacy_shell.inputtransform import InputTransformer
from legacy_shell.terminal.backend import (
    BackendDied,
    BackendGone,
    BackendStopped,
    CompleteReply,
    ExecuteReply,
    OutputHandler,
)

from ..errors import KernelDied, SplitError, WaitStopped
from ..extensions import TERMINAL_CONFIG_PAYLOAD, TERMINAL_KEYS
from ..wire import Message
from . import terminal_requests
from .carryover import EXPRESSIONS, SESSION, CarryOver
from .crashpolicy import CrashPolicy, DeathCause
from .kernels import KernelHandle
from .other_clients import OtherClientsPrinter
from .replies import (
    HeldOutput,
    complete_reply,
    execute_reply,
    history_inputs,
    inspect_text,
    route_output,
)
from .sigint import GIVE_UP_PRESSES, CellInterrupts, sigint_ignored, sigint_raises
from .typeahead import typeahead_kept

__all__ = ["FRONTEND_MAGICS", "KernelBackend"]

log = logging.getLogger(__name__)

#: Lines the frontend answers itself; they never reach the kernel.
FRONTEND_MAGICS = ("%restart", "%shutdown_kernel")
#: What to do while the kernel runs a cell that did not stop on Ctrl-C.
BUSY_HINT = (
    "Enter on an empty line waits for it again; %restart (or Ctrl-X Ctrl-R) restarts "
    "the kernel, losing its variables."
)
#: What to type when no kernel runs (after the crash policy stopped restarting).
NO_KERNEL_HINT = (
    "No kernel is running: press Enter on an empty line (or type y, or %restart) "
    "to start a new one; Ctrl-D or exit leaves."
)
#: Typed when no kernel runs: start one.
_START_ANSWERS = ("y", "yes")
_LEAVE_ANSWERS = ("exit", "quit", "exit()", "quit()")


class KernelBackend:
    """A ``legacy_shell.terminal.backend.Backend`` whose code runs in a kernel."""

    def __init__(
        self,
        kernel: KernelHandle,
        *,
        policy: CrashPolicy | None = None,
        interactive: bool = False,
        out: IO[str] | None = None,
        request_timeout: float = 1.0,
        is_complete_timeout: float = 0.3,
        history_file: Any = None,
        setup_lines: list[str] | None = None,
        editor: str = "",
        terminal_config: Any = None,
        interrupt_timeout: float = 3.0,
        attach_timeout: float = 30.0,
        startup_work: Callable[[], bool] | None = None,
    ) -> None:
        """``interactive``: someone at a terminal can decide when restarting stops (else: leave).

        ``setup_lines`` run silently in every kernel this backend connects to
        (the first and each restarted one): e.g. ``%config`` from the command line.
        """
        self.kernel = kernel
        self.policy = policy if policy is not None else CrashPolicy()
        self.interactive = interactive
        self.request_timeout = request_timeout
        self.is_complete_timeout = is_complete_timeout
        self.history_file = history_file
        self.setup_lines = list(setup_lines or [])
        #: ``shell.editor`` of this terminal's configuration ("": ``$VISUAL``, ``$EDITOR``, vi).
        self.editor = editor
        #: The terminal's configuration (a ``ShellConfig``): the kernel's changes of the
        #: keys the terminal uses (prompts...) are applied to it, and the terminal follows.
        self.terminal_config = terminal_config
        #: Seconds after a Ctrl-C the kernel did not answer before the prompt comes back.
        self.interrupt_timeout = interrupt_timeout
        #: Seconds to wait for a busy kernel we attach to before the first prompt.
        self.attach_timeout = attach_timeout
        #: Whether the user has start-up work for a kernel (files, extensions, exec_lines):
        #: only then is the first prompt held until the kernel has done it (default: always).
        self.startup_work = startup_work if startup_work is not None else (lambda: True)
        self._out = out
        self._lock = threading.RLock()
        self._client: Any = None
        self._count = 1
        self._kernel_info: dict[str, Any] = {}
        self._local_check = InputTransformer(lambda name: False).check_complete
        self._stop_kernel = kernel.owned
        self._others = OtherClientsPrinter()
        self._closed = False
        #: Why no kernel runs, once restarting stopped (``None``: one runs, or is on its way).
        self._stopped: str | None = None
        self._never = threading.Event()  # the death event while no kernel runs
        #: The cell the kernel still runs after we stopped waiting for it (Ctrl-C unanswered).
        self._busy_with: str | None = None
        self._busy_count: int | None = None
        self._carry = CarryOver()
        #: Start-up output of a restarted kernel, held until the death has been reported.
        self._startup_output: HeldOutput | None = None

    # -- life cycle ---------------------------------------------------------

    @property
    def out(self) -> IO[str]:
        return self._out if self._out is not None else sys.stdout

    @property
    def output_handler(self) -> OutputHandler:
        """Where output that belongs to no cell of ours goes (start-up files, other clients)."""
        return self._others.handler

    @output_handler.setter
    def output_handler(self, handler: OutputHandler) -> None:
        self._others.handler = handler

    @property
    def stopped(self) -> str | None:
        """Why no kernel runs and none is started by itself; ``None`` while one runs."""
        return self._stopped

    def start(self) -> None:
        """Start (or attach to) the kernel and connect.

        A kernel of ours that dies while starting is started again, under the
        crash policy. When it keeps dying, an interactive session goes on with
        no kernel (the reason is printed, the user asks for one at the prompt);
        other sessions get ``BackendDied``. An attached kernel that cannot be
        reached is ``BackendDied`` at once.
        """
        if not self.kernel.can_restart:
            try:
                self.kernel.start()
                self._connect()
            except SplitError as e:
                raise BackendDied(str(e)) from None
            self._count = self._current_count()
            return
        try:
            self._bring_up(self.kernel.start)
        except BackendGone as gone:
            raise BackendDied(str(gone)) from None
        except BackendStopped as stopped:
            text = str(stopped)
            print(text[:1].upper() + text[1:], file=self.out, flush=True)

    def restart(self) -> None:
        """After a death: a fresh kernel, unless restarting stops (``BackendStopped``/``Gone``).

        What the new kernel's start-up files print is shown after the terminal
        has said that the old one died (at the next prompt).
        """
        if not self.kernel.can_restart:
            self._stop("this terminal did not start the kernel, so it cannot restart it")
        if not self.policy.allow_restart():
            self._stop(f"the kernel died {self.policy.describe()}")
        self._startup_output = HeldOutput()
        try:
            self._bring_up(self.kernel.restart)
        except BackendDied:
            self._release_held_output()
            raise

    def _bring_up(self, launch: Callable[[], None]) -> None:
        """``launch`` a kernel and connect; one that dies while starting is launched again."""
        self._carry.kernel_ended()
        while True:
            try:
                with self._lock, typeahead_kept():
                    self._drop_client()
                    launch()
                    self._connect()
                self._stopped = None
                return
            except SplitError as e:
                reason = self._start_failure(e)
            self.policy.record_death("starting")
            if not self.policy.allow_restart():
                self._stop(f"the kernel died {self.policy.describe()} ({reason})")
            print(
                f"The kernel died while starting ({reason}); starting another.",
                file=self.out,
                flush=True,
            )
            launch = self.kernel.restart

    def _start_failure(self, error: SplitError) -> str:
        """What went wrong with a kernel that did not start, in a few words."""
        if self.kernel.died.is_set():
            return self.kernel.death_reason()
        return str(error).splitlines()[0].rstrip(":;. ")

    def _stop(self, why: str) -> NoReturn:
        """Stop restarting: say why; the terminal goes on with no kernel, or leaves.

        Raises ``BackendStopped`` in an interactive session (the user decides,
        see :meth:`_start_again`), ``BackendGone`` otherwise.
        """
        with self._lock:
            self._drop_client()
        lines = [f"{why}; no kernel is started by itself now."]
        tail = self.kernel.stderr_tail(20).rstrip()
        if tail:
            lines.append("Last lines of the kernel's stderr:")
            lines.extend(f"    {line}" for line in tail.splitlines())
        elif self.kernel.owned:
            lines.append("The kernel wrote nothing to stderr.")
        if not self.interactive:
            raise BackendGone("\n".join([*lines, "Leaving."]))
        self._stopped = why
        raise BackendStopped("\n".join([*lines, NO_KERNEL_HINT]))

    def _start_again(self, handler: OutputHandler) -> ExecuteReply:
        """The user asked for a kernel while none runs (Enter, ``y``, ``%restart``)."""
        self.policy.reset()
        launch = self.kernel.restart
        if not self.kernel.can_restart:  # an attached kernel that is gone: one of our own
            from .kernels import OwnKernel

            self.kernel.shutdown()
            self.kernel = OwnKernel()
            self._stop_kernel = True
            launch = self.kernel.start
        handler.stream("stdout", "Starting a new kernel...\n")
        try:
            self._bring_up(launch)
        except BackendDied as e:
            handler.stream("stderr", f"No kernel could be started: {e}\n")
            return ExecuteReply("error", self._count, [])
        handler.stream("stdout", "A new kernel is running (variables are gone, history is kept).\n")
        return ExecuteReply("ok", self._count, [])

    def _while_stopped(self, code: str, handler: OutputHandler) -> ExecuteReply:
        """A line typed while no kernel runs: never run as code, never taken as a "no"."""
        answer = code.strip()
        if answer.lower() in _START_ANSWERS:
            return self._start_again(handler)
        if answer in _LEAVE_ANSWERS:
            return ExecuteReply("ok", self._count, [{"source": "ask_exit", "keepkernel": False}])
        handler.stream("stderr", f"Not run. {NO_KERNEL_HINT}\n")
        return ExecuteReply("error", self._count, [])

    def empty_line(self) -> None:
        """Enter on an empty line: with no kernel, start one; with a busy one, wait for it."""
        if self._stopped is not None:
            self._start_again(self.output_handler)
        elif self._busy_with is not None and self._client is not None:
            handler = self.output_handler
            handler.stream("stderr", "Waiting for the earlier cell (Ctrl-C interrupts it)...\n")
            with self._lock:
                msg = self._wait_for(self._busy_with, handler, users_cell=True)
            if msg is not None:
                self._busy_with = None
                self._finish(msg, users_cell=True)
                handler.stream("stderr", "(The earlier cell has finished.)\n")

    def _drop_client(self) -> None:
        if self._client is not None:
            self._client.stop_channels()
            self._client = None

    def _connect(self) -> None:
        """A client for the kernel, its start-up done (own kernels), the setup lines run."""
        with self._lock:
            self._drop_client()
            client = self.kernel.new_client()
            client.start_channels()
            client.other_output_hook = self._others.show
            client.late_output_hook = self._late_output
            self._client = client
            self._count = 1
            self._busy_with = None
            # a kernel_info round trip that also proves the iopub subscription is live
            reply = self._kernel_info_reply(client)
            self._kernel_info = dict(reply.content)
            if self.kernel.owned:
                if self.startup_work():
                    self._carry.current_session = self._run_startup(client)
                # a restart keeps cwd, %xmode, history: queued before any cell of the user's,
                # not waited for (the first prompt comes as soon as the kernel answers)
                carried = "\n".join(self._carry.lines())
                if carried:
                    client.execute(carried, silent=True, store_history=False, allow_stdin=False)
            for line in self.setup_lines:
                done = client.execute_interactive(line, silent=True, store_history=False)
                if done.content.get("status") != "ok":
                    print(f"warning: {line!r} failed in the kernel", file=sys.stderr)

    def _run_startup(self, client: Any) -> int | None:
        """The start-up request: the kernel runs the user's start-up files, shown here.

        Its reply is what makes the kernel *started*: a death before it is a
        death while starting. Ctrl-C meanwhile interrupts the start-up files.
        Returns the kernel's history session.
        """
        handler = self._startup_output or self.output_handler
        interrupts = CellInterrupts(self.interrupt, client.wake, self.interrupt_timeout)
        with interrupts.installed():
            try:
                reply = client.execute_interactive(
                    "",
                    output_hook=lambda m: self._on_output(m, handler),
                    died=self.kernel.died,
                    stop=interrupts.stop,
                    silent=True,
                    store_history=False,
                    user_expressions=SESSION,
                )
            except WaitStopped as stopped:  # start-up files that do not stop on Ctrl-C
                self._stopped_waiting(stopped.msg_id, interrupts, handler)
                return None
        return self._carry.note_start(reply.content)

    def _kernel_info_reply(self, client: Any) -> Message:
        """``kernel_info``, asked on control for an attached kernel: it may be busy with a
        cell of another client's, and a kernel answers on control even then."""
        timeout = self.request_timeout * 10
        if not self.kernel.owned:
            try:
                reply: Message = client.wait_for_ready(timeout=timeout, channel="control")
                return reply
            except TimeoutError:
                log.debug("no kernel_info on control; asking on shell")
        reply = client.wait_for_ready(timeout=timeout)
        return reply

    def _current_count(self) -> int:
        """The count an attached kernel's next cell gets (a silent, unstored execute).

        A busy kernel answers when its cell ends: we say so and wait, up to
        ``attach_timeout`` seconds (Ctrl-C goes on at once); then the prompt comes
        anyway, and what is typed waits in the kernel's queue.
        """
        client = self._client
        try:
            with self._lock:
                msg_id = client.execute("", silent=True, store_history=False, allow_stdin=False)
                try:
                    reply = client.wait_for_reply(msg_id, self.request_timeout)
                except TimeoutError:
                    print(
                        "The kernel is busy (a cell of another client's is running); waiting "
                        f"for it, at most {self.attach_timeout:g} s (Ctrl-C: go on now)...",
                        file=self.out,
                        flush=True,
                    )
                    reply = client.wait_for_reply(msg_id, self.attach_timeout)
        except (TimeoutError, KeyboardInterrupt):
            print(
                "The kernel is still busy: what you run waits until it is free.",
                file=self.out,
                flush=True,
            )
            return 1
        except SplitError:
            return 1
        count = reply.content.get("execution_count")
        # the reply carries the count of the last stored cell; the next one gets one more
        return count + 1 if isinstance(count, int) and not isinstance(count, bool) else 1

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
        if self._stopped is not None:
            return (text + "\n" if text else "") + f"Two-process mode. {NO_KERNEL_HINT}\n"
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
        if self._stopped is not None:
            return self._while_stopped(code, handler)
        if self._busy_with is not None:
            handler.stream(
                "stderr", f"Not run: the kernel is still running an earlier cell.\n{BUSY_HINT}\n"
            )
            return ExecuteReply("error", self._count, [])
        users_cell = store_history and not silent
        if self._client is None or self.kernel.died.is_set():
            raise self._death("Kernel died before this cell ran", "idle")
        with self._lock:
            msg_id = self._client.execute(
                code,
                silent=silent,
                store_history=store_history,
                allow_stdin=True,
                user_expressions=EXPRESSIONS if users_cell else None,  # what a restart keeps
                metadata=terminal_requests.ANNOUNCEMENT,  # our editor and clipboard
            )
            msg = self._wait_for(msg_id, handler, users_cell)
        if msg is None:  # we stopped waiting: the cell goes on in the kernel
            return ExecuteReply("error", self._count, [])
        return self._finish(msg, users_cell)

    def _wait_for(self, msg_id: str, handler: OutputHandler, users_cell: bool) -> Message | None:
        """The reply to the cell ``msg_id``; ``None`` when we stopped waiting (Ctrl-C unanswered)."""
        client = self._client
        interrupts = CellInterrupts(self.interrupt, client.wake, self.interrupt_timeout)
        with interrupts.installed():
            try:
                msg: Message = client.wait_for_execute(
                    msg_id,
                    output_hook=lambda m: self._on_output(m, handler),
                    stdin_hook=lambda m: self._on_input(m, handler),
                    died=self.kernel.died,
                    stop=interrupts.stop,
                )
            except KernelDied:
                self._busy_with = None
                raise self._death("Kernel died", "cell" if users_cell else "idle") from None
            except WaitStopped:
                self._stopped_waiting(msg_id, interrupts, handler)
                return None
        return msg

    def _stopped_waiting(
        self, msg_id: str, interrupts: CellInterrupts, handler: OutputHandler
    ) -> None:
        """Say that the kernel did not stop on Ctrl-C; the prompt comes back, the kernel is busy."""
        self._busy_with = msg_id
        if interrupts.presses >= GIVE_UP_PRESSES:
            why = f"Stopped waiting after {interrupts.presses} Ctrl-C: the kernel did not stop."
        else:
            why = (
                f"The kernel did not stop within {interrupts.give_up_after:g} s of Ctrl-C "
                "(does the cell ignore SIGINT?)."
            )
        handler.stream("stderr", f"\n{why} It is still running that cell.\n{BUSY_HINT}\n")

    def _finish(self, msg: Message, users_cell: bool) -> ExecuteReply:
        reply = execute_reply(msg.content, self._count)
        reply.payloads = self._apply_terminal_config(reply.payloads)
        if users_cell:
            self._carry.note_cell(msg.content)
        if users_cell and reply.status != "aborted":
            self._count = reply.execution_count + 1
            self.policy.cell_ran()
        return reply

    def _apply_terminal_config(self, payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Settings the cell changed that the terminal applies itself (prompts...), applied."""
        kept = []
        for payload in payloads:
            if payload.get("source") != TERMINAL_CONFIG_PAYLOAD:
                kept.append(payload)
                continue
            values = payload.get("values")
            if self.terminal_config is None or not isinstance(values, dict):
                continue
            for key, value in values.items():
                if isinstance(key, str) and key.startswith(TERMINAL_KEYS):
                    try:
                        self.terminal_config.set(key, value)
                    except Exception as e:  # a value this terminal's version refuses
                        log.debug("terminal setting %s=%r not applied: %s", key, value, e)
        return kept

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
        while it waits at the prompt, so a death there is reported at once. With
        no kernel running, an event that never fires."""
        return self._never if self._stopped is not None else self.kernel.died

    def death_at_prompt(self) -> BackendDied:
        """The one-line report of a death noticed while the user was at the prompt."""
        return self._death("Kernel died", "idle")

    def _death(self, what: str, cause: DeathCause) -> BackendDied:
        self.policy.record_death(cause)
        return BackendDied(f"{what}: {self.kernel.death_reason()}")

    def _on_output(self, msg: Message, handler: OutputHandler) -> None:
        if msg.msg_type == "execute_input":  # the number the cell got, should we stop waiting
            count = msg.content.get("execution_count")
            self._busy_count = int(count) if isinstance(count, int) else None
        route_output(msg, handler)

    def _on_input(self, msg: Message, handler: OutputHandler) -> str:
        """``input()`` in the kernel: read here; Ctrl-C interrupts the kernel, Ctrl-D is EOF.

        A request for the user's editor or clipboard (``%edit``, ``%paste``) is
        answered here too (:mod:`.terminal_requests`); Ctrl-C meanwhile belongs
        to the editor, as with ``os.system``.
        """
        request = msg.content.get("legacy_shell")
        if request is not None:
            with sigint_ignored():
                return terminal_requests.answer(request, self.editor)
        prompt = str(msg.content.get("prompt", ""))
        password = bool(msg.content.get("password", False))
        with sigint_raises():
            try:
                return handler.input_request(prompt, password)
            except KeyboardInterrupt:
                if self._kernel_info.get("implementation") == "legacy-shell":
                    return "\x03"  # ours raises KeyboardInterrupt at the input() call itself
                self.interrupt()  # another kernel: the interrupt, and an empty line meanwhile
                return ""
            except EOFError:
                return "\x04"  # the kernel's input() raises EOFError, as at a terminal

    def _frontend_magic(self, line: str, handler: OutputHandler) -> ExecuteReply:
        if line == "%shutdown_kernel":
            self._stop_kernel = True
            return ExecuteReply("ok", self._count, [{"source": "ask_exit", "keepkernel": False}])
        if self._stopped is not None:
            return self._start_again(handler)
        if not self.kernel.can_restart:
            handler.stream("stderr", "%restart: this terminal did not start the kernel.\n")
            return ExecuteReply("error", self._count, [])
        self.policy.reset()  # asked for: a fresh start, however the last ones went
        held = self._startup_output = HeldOutput()  # start-up output after the line below
        try:
            self._bring_up(self.kernel.restart)
        except BackendDied as e:  # BackendStopped too: no kernel runs now
            handler.stream("stderr", f"Restarting the kernel failed: {e}\n")
            reply = ExecuteReply("error", self._count, [])
        else:
            handler.stream("stdout", "Kernel restarted (variables are gone, history is kept).\n")
            reply = ExecuteReply("ok", self._count, [])
        self._startup_output = None
        held.replay(handler)
        return reply

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
        """Show what came while no cell ran: a new kernel's start-up output, other clients'
        cells, late output of ours."""
        self._release_held_output()
        self.show_waiting_output()

    def _release_held_output(self) -> None:
        held, self._startup_output = self._startup_output, None
        if held is not None:
            held.replay(self.output_handler)

    def output_waiting(self) -> bool:
        """Whether output came from the kernel while no cell of ours runs (a cheap look).

        The terminal looks while it waits at the prompt, and then calls
        :meth:`show_waiting_output` where it can print above the prompt.
        """
        client = self._client
        return client is not None and not self.kernel.died.is_set() and client.output_waiting()

    def show_waiting_output(self) -> None:
        """Print what came meanwhile (a thread's print after its cell, another client's cell)."""
        if self._client is None or self.kernel.died.is_set():
            return
        if not self._lock.acquire(blocking=False):
            return  # a request is under way (a completion): next time
        try:
            self._client.poll_other_output()
        except SplitError as e:
            log.debug("reading the kernel's output failed: %s", e)
        finally:
            self._lock.release()

    def _late_output(self, msg: Message) -> None:
        """Ours, after its cell: output to show, or the end of a cell we stopped waiting for."""
        if msg.msg_type == "status":
            if msg.parent_id == self._busy_with and msg.content.get("execution_state") == "idle":
                self._busy_with = None
                if self._busy_count is not None:
                    self._count = self._busy_count + 1
                self.output_handler.stream("stderr", "(The earlier cell has finished.)\n")
            return
        route_output(msg, self.output_handler)


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

"""Layer 4 of the split: the ``Interpreter``, one method per Jupyter request, over a shell.

Decoded request arguments come in, reply content goes out, and everything a
cell shows on the way (stream text, displays, results, errors) goes through
the ``publish`` callable the kernel core injects, which binds the parent
request and sends on iopub. The interpreter knows no sockets, threads of the
transport or message headers, so it is tested with a plain recording function
(``tests/split/test_interpreter.py``), and any transport can drive it.

What ``execute`` changes for the duration of a cell, and puts back after:
``sys.stdout``/``sys.stderr`` (batched ``OutStream`` objects, see
:mod:`.iostream`), the shell's output sink (:mod:`.sink`), ``input``/``getpass``
(:mod:`.stdin`), and the current shell (for ``get_ipython()`` and ``display()``).
Field names and behaviours follow the Jupyter messaging spec 5.3.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from legacy_shell._current import use_shell
from legacy_shell.shell import InteractiveShell
from legacy_shell.terminal.inprocess import name_at_cursor

from ..extensions import TERMINAL_CONFIG_PAYLOAD, TERMINAL_KEYS
from .iostream import OutStream, StreamBatcher
from .kernelinfo import kernel_info
from .sink import Publish, PublishingSink
from .stdin import InputRouter, RequestInput, StdinNotImplementedError
from .terminal_site import site_for

__all__ = [
    "Interpreter",
    "StdinNotImplementedError",
    "normalise_completions",
    "token_to_inspect",
]

log = logging.getLogger(__name__)

#: The key of the typed completions in ``complete_reply`` metadata (as IPython kernels send).
EXPERIMENTAL_TYPES = "_jupyter_types_experimental"


class Interpreter:
    """Serves the shell-channel requests of one kernel with one ``InteractiveShell``."""

    def __init__(
        self,
        shell: InteractiveShell,
        publish: Publish,
        request_input: RequestInput,
    ) -> None:
        self.shell = shell
        self._publish = publish
        self._batcher = StreamBatcher(self._publish_stream)
        self._stdout = OutStream("stdout", self._batcher)
        self._stderr = OutStream("stderr", self._batcher)
        self._sink = PublishingSink(publish, self._batcher.flush)
        self._input = InputRouter(request_input)
        self._kernel_info: dict[str, Any] | None = None
        self._observed: Any = None  # the config whose terminal keys are followed
        self._terminal_changes: dict[str, Any] = {}

    def _publish_stream(self, name: str, text: str) -> None:
        self._publish("stream", {"name": name, "text": text}, None)

    @property
    def execution_count(self) -> int:
        """The count the next cell stored in the history gets (``In [n]``)."""
        return int(self.shell.execution_count)

    # -- kernel_info -----------------------------------------------------------------
    def kernel_info(self) -> dict[str, Any]:
        if self._kernel_info is None:
            self._kernel_info = kernel_info(self.shell.banner())
        return dict(self._kernel_info)

    # -- execute ---------------------------------------------------------------------
    def execute(
        self,
        code: str,
        silent: bool = False,
        store_history: bool = True,
        user_expressions: dict[str, str] | None = None,
        allow_stdin: bool = False,
        stop_on_error: bool = True,
        metadata: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Run ``code``; its outputs are published as they happen; returns the reply content.

        ``stop_on_error`` concerns the queue of requests, which the kernel core
        owns: it is accepted here and not used. ``metadata`` is the request's: a
        terminal of ours announces there the editor and clipboard it lends the
        shell (``shell.user_site``, see :mod:`.terminal_site`).
        """
        shell = self.shell
        if silent:
            store_history = False  # the spec: silent forces store_history off
        sink = self._sink
        sink.reset()
        self._follow_terminal_keys()
        expressions: dict[str, Any] = {}
        error: BaseException | None = None
        try:
            with self._cell_io(allow_stdin, metadata):
                try:
                    result = shell.run_cell(code, store_history=store_history, silent=silent)
                    error = result.error_before_exec or result.error_in_exec
                    if error is None and user_expressions:
                        expressions = self._user_expressions(user_expressions)
                except KeyboardInterrupt as e:  # arrived outside the cell's own code
                    error = e
                    self._report(e)
        except KeyboardInterrupt as e:  # arrived while installing or restoring
            error = e
            self._report(e)
        except Exception as e:  # a bug in the shell, not the user's error
            log.exception("execute failed in the shell")
            error = e
            self._report(e)
        reply: dict[str, Any] = {"execution_count": shell.execution_count - 1}
        if error is None:
            reply["status"] = "ok"
            reply["user_expressions"] = expressions
        else:
            ename, evalue, traceback = self._error_fields(error)
            reply.update(status="error", ename=ename, evalue=evalue, traceback=traceback)
            reply["user_expressions"] = {}
        reply["payload"] = list(sink.payloads)
        if self._terminal_changes:
            reply["payload"].append(
                {"source": TERMINAL_CONFIG_PAYLOAD, "values": dict(self._terminal_changes)}
            )
            self._terminal_changes.clear()
        return reply

    def _follow_terminal_keys(self) -> None:
        """Note changes of the keys the terminal uses (prompts...): its reply carries them."""
        config = self.shell.config
        if self._observed is config:
            return
        self._observed = config
        self._terminal_changes.clear()

        def changed(key: str, value: Any) -> None:
            if config is self._observed and key.startswith(TERMINAL_KEYS):
                self._terminal_changes[key] = value

        config.observe(changed)

    @contextlib.contextmanager
    def _cell_io(self, allow_stdin: bool, metadata: dict[str, Any] | None = None) -> Iterator[None]:
        """While code of the user's runs: its output published, ``input()`` asked of the
        frontend, the editor and clipboard the frontend's (when it lends them)."""
        shell = self.shell
        saved = sys.stdout, sys.stderr, shell.output, shell.user_site
        sys.stdout, sys.stderr, shell.output = self._stdout, self._stderr, self._sink
        editor = lambda: str(shell.config["shell.editor"])  # noqa: E731
        shell.user_site = site_for(metadata, allow_stdin, self._input.ask_terminal, editor)
        try:
            with use_shell(shell), self._input.installed(allow_stdin):
                yield
        finally:
            sys.stdout, sys.stderr, shell.output, shell.user_site = saved

    def run_startup(self) -> None:
        """The user's extensions and start-up files, once, their output published as a cell's.

        The kernel runs them for the first request that needs the shell, so
        whatever they print or raise reaches the client that sent it (the
        terminal sends a start-up request first, and shows it before the first
        prompt). ``input()`` there raises ``StdinNotImplementedError``: the
        request that happens to come first may be one no client answers.
        """
        self._sink.reset()
        try:
            with self._cell_io(allow_stdin=False):
                self.shell.run_startup(pythonstartup=False)
        except Exception:  # a bug in the shell: each step reports the user's own errors
            log.exception("start-up files failed")

    def _report(self, error: BaseException) -> None:
        """Publish ``error`` as the shell would have (for errors outside the cell)."""
        lines = self._traceback_lines(error)
        self._sink.error(type(error).__name__, str(error), lines)

    def _error_fields(self, error: BaseException) -> tuple[str, str, list[str]]:
        last = self._sink.last_error
        if last is not None:
            return type(error).__name__, str(error), list(last[2])
        return type(error).__name__, str(error), self._traceback_lines(error)

    def _traceback_lines(self, error: BaseException, skip: int | None = None) -> list[str]:
        """The shell's traceback lines for ``error``, ``skip`` leading frames left out."""
        formatter = self.shell.traceback_formatter
        tb = error.__traceback__
        return list(formatter.structured_traceback(type(error), error, tb, tb_offset=skip))

    def _user_expressions(self, expressions: dict[str, str]) -> dict[str, Any]:
        """Each expression evaluated in the user namespace: a MIME bundle or an error."""
        shell = self.shell
        results: dict[str, Any] = {}
        for key, expr in expressions.items():
            try:
                value = shell.ev(expr)
                data, metadata = shell.display_formatter.format(value)
                results[key] = {"status": "ok", "data": data, "metadata": metadata or {}}
            except Exception as e:
                results[key] = {
                    "status": "error",
                    "ename": type(e).__name__,
                    "evalue": str(e),
                    # leave out this method's frame and the shell's ``ev``
                    "traceback": self._traceback_lines(e, skip=2),
                }
        return results

    def flush_output(self) -> None:
        """Publish the buffered stream text now; nothing of it is published later."""
        self._batcher.flush()

    # -- complete, inspect, is_complete ----------------------------------------------
    def complete(self, code: str, cursor_pos: int | None = None) -> dict[str, Any]:
        """Completions at ``cursor_pos``, all replacing one range ``[cursor_start, cursor_end)``."""
        cursor = len(code) if cursor_pos is None else max(0, min(int(cursor_pos), len(code)))
        found = self.shell.completer.completions(code, cursor)
        start, end, items = normalise_completions(code, cursor, found)
        matches = list(dict.fromkeys(item["text"] for item in items))
        return {
            "status": "ok",
            "matches": matches,
            "cursor_start": start,
            "cursor_end": end,
            "metadata": {EXPERIMENTAL_TYPES: items},
        }

    def inspect(
        self, code: str, cursor_pos: int | None = None, detail_level: int = 0
    ) -> dict[str, Any]:
        """What ``name?`` (``detail_level`` 1: ``name??``) shows for the name at the cursor."""
        cursor = len(code) if cursor_pos is None else int(cursor_pos)
        name = token_to_inspect(code, cursor)
        bundle: dict[str, Any] | None = None
        if name:
            try:
                bundle = self.shell.object_inspect_mime(name, 1 if detail_level else 0)
            except Exception:  # inspecting arbitrary user objects can fail in many ways
                log.exception("inspecting %r failed", name)
        return {
            "status": "ok",
            "found": bundle is not None,
            "data": dict(bundle) if bundle else {},
            "metadata": {},
        }

    def is_complete(self, code: str) -> dict[str, Any]:
        """Whether ``code`` is ready to run or the frontend should ask for another line."""
        try:
            status, indent = self.shell.input_transformer.check_complete(code)
        except Exception:
            log.exception("check_complete failed")
            return {"status": "unknown"}
        reply: dict[str, Any] = {"status": status}
        if status == "incomplete":
            reply["indent"] = indent or ""
        return reply

    # -- history, comms, shutdown ----------------------------------------------------
    def history(
        self,
        hist_access_type: str,
        output: bool = False,
        raw: bool = True,
        session: int = 0,
        start: int = 0,
        stop: int | None = None,
        n: int | None = None,
        pattern: str | None = None,
        unique: bool = False,
    ) -> dict[str, Any]:
        """History rows ``[session, line, input]`` (``[session, line, [input, output]]``)."""
        manager = self.shell.history_manager
        rows: Iterable[tuple[int, int, Any]]
        if hist_access_type == "tail":
            rows = manager.get_tail(n, raw=raw, output=output, include_latest=True)
        elif hist_access_type == "range":
            rows = manager.get_range(session, start, stop, raw=raw, output=output)
        elif hist_access_type == "search":
            rows = manager.search(pattern or "*", raw=raw, output=output, n=n, unique=unique)
        else:
            message = f"unknown hist_access_type {hist_access_type!r}: use tail, range or search"
            return {"status": "error", "ename": "ValueError", "evalue": message, "traceback": []}
        # the store reports the current session as 0; clients want its real number
        current = manager.session_number
        return {
            "status": "ok",
            "history": [_history_row((row[0] or current, *row[1:])) for row in rows],
        }

    def comm_info(self, target_name: str | None = None) -> dict[str, Any]:
        """No comms are ever opened here: an empty registry."""
        return {"status": "ok", "comms": {}}

    def shutdown(self, restart: bool) -> dict[str, Any]:
        """Say goodbye as the shell does (shutdown hook, history session end)."""
        self.flush_output()
        try:
            self.shell.exit_now = True
            self.shell.atexit_operations()
        except Exception:
            log.exception("the shell's exit operations failed")
        return {"status": "ok", "restart": bool(restart)}

    def close(self) -> None:
        """Publish what is left and stop the stream flusher thread."""
        self._batcher.close()


def _history_row(row: tuple[int, int, Any]) -> list[Any]:
    session, line, entry = row
    if isinstance(entry, tuple):
        entry = list(entry)
    return [session, line, entry]


def token_to_inspect(code: str, cursor: int) -> str:
    """The name a user asks about at ``cursor``: inside a call, the callable.

    As IPython kernels do, calls come first: ``os.path.join(a, b|`` asks about
    ``os.path.join``; elsewhere it is the dotted name under the cursor.
    """
    cursor = max(0, min(cursor, len(code)))
    depth = 0
    for i in range(cursor - 1, -1, -1):
        ch = code[i]
        if ch in ")]}":
            depth += 1
        elif ch in "([{":
            if depth:
                depth -= 1
            elif ch == "(":
                callee = name_at_cursor(code[:i], i)
                if callee:
                    return callee
        elif ch == "\n" and depth == 0:
            break
    return name_at_cursor(code, cursor)


def normalise_completions(
    code: str, cursor: int, found: Iterable[Any]
) -> tuple[int, int, list[dict[str, Any]]]:
    """Completions widened to one common range, as ``complete_reply`` has only one.

    A completion replacing ``code[s:e]`` becomes one replacing ``code[start:end]``
    (the union of all ranges): its text gets the code between ``start`` and
    ``s`` in front and between ``e`` and ``end`` behind.
    """
    found = list(found)
    if not found:
        return cursor, cursor, []
    start = min(c.start for c in found)
    end = max(c.end for c in found)
    items = []
    for c in found:
        text = code[start : c.start] + c.text + code[c.end : end]
        items.append(
            {
                "start": start,
                "end": end,
                "text": text,
                "type": c.type or "",
                "signature": getattr(c, "signature", "") or "",
            }
        )
    return start, end, items

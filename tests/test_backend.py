"""The terminal against the ``Backend`` interface: fakes for the terminal, the shell for the backend.

The terminal's behaviour that does not need a real terminal (what it runs,
what it prints, how it survives a dead or interrupted backend) is driven here
through line mode with string streams; the in-process backend is checked over
the ``shell`` fixture, through the same calls a kernel client would make.
"""

from __future__ import annotations

import io
from typing import IO, Any, cast

import pytest

from legacy_shell.terminal import (
    Backend,
    BackendDied,
    CompleteReply,
    CompletionItem,
    ExecuteReply,
    OutputHandler,
)
from legacy_shell.terminal.inprocess import InProcessBackend, name_at_cursor
from legacy_shell.terminal.session import ConsoleHandler, TerminalOptions, block_code
from legacy_shell.terminal.simple import run_line_mode


class RecordingHandler:
    """An ``OutputHandler`` that remembers every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def stream(self, name: str, text: str) -> None:
        self.calls.append(("stream", (name, text)))

    def display(self, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        self.calls.append(("display", data))

    def execute_result(self, count: int, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        self.calls.append(("execute_result", (count, data)))

    def error(self, ename: str, evalue: str, traceback_lines: list[str]) -> None:
        self.calls.append(("error", (ename, evalue)))

    def clear_output(self, wait: bool) -> None:
        self.calls.append(("clear_output", wait))

    def input_request(self, prompt: str, password: bool) -> str:
        return "typed"


class FakeBackend:
    """A scripted backend: ``script`` maps code to what ``execute`` does."""

    def __init__(self, script: dict[str, Any] | None = None, restartable: bool = True) -> None:
        self.script = script or {}
        self.executed: list[str] = []
        self.count = 1
        self.restarts = 0
        self.interrupts = 0
        self.shut_down = False
        if restartable:
            self.restart = self._restart

    @property
    def execution_count(self) -> int:
        return self.count

    def banner(self) -> str:
        return "Fake backend\n"

    def execute(
        self, code: str, handler: OutputHandler, *, store_history: bool = True, silent: bool = False
    ) -> ExecuteReply:
        action = self.script.get(code.strip())
        if isinstance(action, BaseException):
            raise action
        self.executed.append(code)
        count = self.count
        self.count += 1
        handler.stream("stdout", f"ran {code.strip()}\n")
        return ExecuteReply("ok", count, list(action or []))

    def complete(self, code: str, cursor_pos: int) -> CompleteReply:
        return CompleteReply(0, cursor_pos, [CompletionItem(0, cursor_pos, "alpha", "instance")])

    def inspect(self, code: str, cursor_pos: int, detail_level: int = 0) -> str | None:
        return None

    def is_complete(self, code: str) -> tuple[str, str | None]:
        if code.rstrip().endswith(":") or (code.count("\n") and not code.endswith("\n\n")):
            return "incomplete", "    "
        return "complete", None

    def history(self, limit: int) -> list[str]:
        return ["old 1", "old 2"][-limit:]

    def interrupt(self) -> None:
        self.interrupts += 1

    def shutdown(self) -> None:
        self.shut_down = True

    def pre_prompt(self) -> None:
        pass

    def _restart(self) -> None:
        self.restarts += 1
        self.count = 1


class _ScriptedInput:
    """Stdin whose ``readline`` returns the given strings ("" is an end of input, then more)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = iter(lines)

    def readline(self) -> str:
        return next(self.lines, "")


def scripted_input(lines: list[str]) -> IO[str]:
    return cast(IO[str], _ScriptedInput(lines))


def run_lines(backend: Any, text: str, **kwargs: Any) -> str:
    out = io.StringIO()
    status = run_line_mode(backend, io.StringIO(text), out, TerminalOptions(colors=False), **kwargs)
    assert status == 0
    return out.getvalue()


# -- the interface itself ----------------------------------------------------------------------


def test_fakes_and_the_in_process_backend_satisfy_the_protocols(shell: Any) -> None:
    assert isinstance(FakeBackend(), Backend)
    assert isinstance(InProcessBackend(shell), Backend)
    assert isinstance(RecordingHandler(), OutputHandler)
    assert isinstance(ConsoleHandler(TerminalOptions()), OutputHandler)


# -- a dead backend ---------------------------------------------------------------------------


def test_a_dead_backend_is_reported_in_one_line_restarted_and_the_next_cell_runs() -> None:
    backend = FakeBackend({"crash()": BackendDied("Kernel died (signal 11)")})
    out = run_lines(backend, "crash()\nnext_cell\n")
    assert backend.restarts == 1
    death = [line for line in out.splitlines() if "died" in line]
    assert death == ["Kernel died (signal 11); restarted (variables are gone, history is kept)."]
    assert "Traceback" not in out
    assert backend.executed == ["next_cell"]
    assert "ran next_cell" in out


def test_a_dead_backend_without_restart_is_reported_and_the_terminal_goes_on() -> None:
    backend = FakeBackend({"crash()": BackendDied("Kernel died")}, restartable=False)
    out = run_lines(backend, "crash()\nafter\n")
    assert out.splitlines()[0] == "Kernel died."
    assert backend.executed == ["after"]


def test_keyboard_interrupt_escaping_execute_is_shown_and_forwarded() -> None:
    backend = FakeBackend({"slow()": KeyboardInterrupt()})
    out = run_lines(backend, "slow()\nafter\n")
    assert "KeyboardInterrupt" in out
    assert backend.interrupts == 1
    assert backend.executed == ["after"]


# -- line mode --------------------------------------------------------------------------------


def test_line_mode_gathers_a_block_until_a_blank_line() -> None:
    backend = FakeBackend()
    run_lines(backend, "for i in x:\n    body(i)\n\nafter\n")
    assert backend.executed == ["for i in x:\n    body(i)\n", "after"]


def test_line_mode_runs_an_unfinished_block_at_end_of_input() -> None:
    backend = FakeBackend()
    run_lines(backend, "if x:\n    y")
    assert backend.executed == ["if x:\n    y"]


def test_piped_line_mode_prints_no_prompt_and_no_banner() -> None:
    out = run_lines(FakeBackend(), "a\n\nb\n")
    assert out == "ran a\nran b\n"


def test_payloads_page_is_printed_and_ask_exit_leaves() -> None:
    backend = FakeBackend(
        {
            "help()": [{"source": "page", "data": {"text/plain": "l1\nl2\nl3"}, "start": 1}],
            "exit": [{"source": "ask_exit", "keepkernel": False}],
        }
    )
    out = run_lines(backend, "help()\nexit\nnever\n")
    assert "l2\nl3\n" in out and "l1" not in out
    assert backend.executed == ["help()", "exit"]
    assert backend.shut_down


def test_interactive_line_mode_shows_prompts_and_asks_before_leaving() -> None:
    backend = FakeBackend()
    # EOF at the prompt, "n" to the question, one more cell, EOF, then EOF at the question
    out = io.StringIO()
    stdin = scripted_input(["", "n\n", "x = 1\n", "", ""])
    status = run_line_mode(backend, stdin, out, TerminalOptions(colors=False), interactive=True)
    text = out.getvalue()
    assert status == 0
    assert text.startswith("Fake backend\n\nIn [1]: ")
    assert text.count("Do you really want to exit ([y]/n)? ") == 2
    assert backend.executed == ["x = 1"]


def test_interactive_line_mode_shows_the_continuation_prompt_right_aligned() -> None:
    out = io.StringIO()
    stdin = scripted_input(["for i in x:\n", "    pass\n", "\n", ""])
    options = TerminalOptions(colors=False, banner=False, confirm_exit=False)
    run_line_mode(FakeBackend(), stdin, out, options, interactive=True)
    assert "\nIn [1]:    ...:    ...: ran for" in out.getvalue()


def test_block_code_turns_a_blank_last_line_into_the_end_of_the_block() -> None:
    assert block_code(["x = 1"]) == "x = 1"
    assert block_code(["for i in x:", "    f(i)"]) == "for i in x:\n    f(i)"
    assert block_code(["for i in x:", "    f(i)", "    "]) == "for i in x:\n    f(i)\n\n"


# -- printing ---------------------------------------------------------------------------------


def test_console_handler_prints_results_like_ipython() -> None:
    out = io.StringIO()
    handler = ConsoleHandler(TerminalOptions(colors=False), stdout=out)
    handler.execute_result(3, {"text/plain": "42"}, {})
    handler.execute_result(4, {"text/plain": "[1,\n 2]"}, {})
    handler.display({"text/plain": "shown", "text/html": "<b>x</b>"}, {})
    handler.error("ZeroDivisionError", "x", ["Traceback line", "ZeroDivisionError: x"])
    assert out.getvalue() == (
        "Out[3]: 42\nOut[4]: \n[1,\n 2]\nshown\nTraceback line\nZeroDivisionError: x\n"
    )


def test_console_handler_colours_the_out_prompt_red() -> None:
    out = io.StringIO()
    ConsoleHandler(TerminalOptions(colors=True), stdout=out).execute_result(
        7, {"text/plain": "1"}, {}
    )
    assert out.getvalue() == "\x1b[31mOut[\x1b[1m7\x1b[22m]: \x1b[0m1\n"


def test_console_handler_streams_and_input_requests() -> None:
    out, err = io.StringIO(), io.StringIO()
    handler = ConsoleHandler(TerminalOptions(), stdout=out, stderr=err, stdin=io.StringIO("Ada\n"))
    handler.stream("stdout", "a")
    handler.stream("stderr", "b")
    assert handler.input_request("Name? ", False) == "Ada"
    assert (out.getvalue(), err.getvalue()) == ("aName? ", "b")


# -- prompt_toolkit pieces (no terminal needed) -------------------------------------------------


def test_enter_submits_a_complete_cell_and_opens_an_indented_line_otherwise() -> None:
    from legacy_shell.terminal.ptparts import enter_action

    backend = FakeBackend()
    assert enter_action(backend, "x = 1", 5) == ("submit", "")
    assert enter_action(backend, "x = 1", 0) == ("submit", "")  # one line: cursor anywhere
    assert enter_action(backend, "for i in x:", 11) == ("newline", "    ")
    block = "for i in x:\n    f(i)\n    "
    assert enter_action(backend, block, len(block)) == ("submit", "")
    assert enter_action(backend, block, 3) == ("newline", "")  # editing an upper line


def test_completer_and_history_are_fed_by_the_backend() -> None:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from legacy_shell.terminal.ptparts import BackendCompleter, BackendHistory

    backend = FakeBackend()
    found = list(BackendCompleter(backend).get_completions(Document("al", 2), CompleteEvent()))
    assert [(c.text, c.start_position) for c in found] == [("alpha", -2)]
    assert list(BackendHistory(backend, 10).load_history_strings()) == ["old 2", "old 1"]


def test_completer_offers_nothing_when_the_backend_died() -> None:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from legacy_shell.terminal.ptparts import BackendCompleter

    class Dead(FakeBackend):
        def complete(self, code: str, cursor_pos: int) -> CompleteReply:
            raise BackendDied("gone")

    assert list(BackendCompleter(Dead()).get_completions(Document("x"), CompleteEvent())) == []


# -- the in-process backend -------------------------------------------------------------------

#: ``InProcessBackend`` drives a shell object in this process: these tests are about it by nature.
IN_PROCESS_BACKEND = pytest.mark.inprocess_only(
    reason="checks the in-process terminal backend object (it drives a shell in this process); "
    "its two-process counterpart is tested in tests/split/test_frontend_backend.py"
)


@IN_PROCESS_BACKEND
def test_in_process_execute_routes_outputs_and_restores_the_shell_sink(shell: Any) -> None:
    backend = InProcessBackend(shell)
    handler = RecordingHandler()
    sink = shell.output
    reply = backend.execute("6 * 7", handler)
    assert reply == ExecuteReply("ok", 1, [])
    assert handler.calls == [("execute_result", (1, {"text/plain": "42"}))]
    assert shell.output is sink
    assert backend.execution_count == 2


@IN_PROCESS_BACKEND
def test_in_process_errors_go_to_the_handler_with_status_error(shell: Any) -> None:
    handler = RecordingHandler()
    reply = InProcessBackend(shell).execute("1/0", handler)
    assert reply.status == "error"
    assert handler.calls == [("error", ("ZeroDivisionError", "division by zero"))]


@IN_PROCESS_BACKEND
def test_in_process_payloads_have_jupyters_shape(shell: Any) -> None:
    backend = InProcessBackend(shell)
    reply = backend.execute("get_ipython().set_next_input('x = 1')", RecordingHandler())
    assert reply.payloads == [{"source": "set_next_input", "text": "x = 1", "replace": False}]
    reply = backend.execute("get_ipython().page('some help')", RecordingHandler())
    assert reply.payloads == [{"source": "page", "data": {"text/plain": "some help"}, "start": 0}]
    reply = backend.execute("exit", RecordingHandler())
    assert reply.payloads == [{"source": "ask_exit", "keepkernel": False}]


@IN_PROCESS_BACKEND
def test_in_process_requests(shell: Any) -> None:
    backend = InProcessBackend(shell)
    backend.execute("a_long_name = 1", RecordingHandler())
    reply = backend.complete("a_long_n", 8)
    assert "a_long_name" in [m.text for m in reply.matches]
    assert reply.cursor_start == 0 and reply.cursor_end == 8
    assert backend.is_complete("for i in x:") == ("incomplete", "    ")
    assert backend.is_complete("x = 1")[0] == "complete"
    assert "a_long_name = 1" in backend.history(10)
    help_text = backend.inspect("len(", 4)
    assert help_text is not None and "Return the number of items" in help_text
    assert "Python" in backend.banner()


def test_name_at_cursor_finds_what_the_user_means() -> None:
    assert name_at_cursor("os.pa", 5) == "os.pa"
    assert name_at_cursor("x = os.path.join", 9) == "os.path"
    assert name_at_cursor("len(x, ", 7) == "len"
    assert name_at_cursor("f(g(1), ", 8) == "f"
    assert name_at_cursor("1 + ", 4) == ""


@IN_PROCESS_BACKEND
@pytest.mark.parametrize("text", ["1\n", "print('x')\n"])
def test_in_process_line_mode_end_to_end(
    shell: Any, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    run_line_mode(InProcessBackend(shell), io.StringIO(text), options=TerminalOptions(colors=False))
    out = capsys.readouterr().out
    assert out in ("Out[1]: 1\n", "x\n")


def test_terminal_options_follow_config_changes() -> None:
    from legacy_shell.config import ShellConfig

    config = ShellConfig()
    options = TerminalOptions.from_config(config, colors=False)
    options.follow(config)
    config.set("prompts.in", ">>> ")
    config.set("terminal.confirm_exit", False)
    assert (options.in_prompt, options.confirm_exit) == (">>> ", False)

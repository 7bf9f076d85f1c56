"""The ``Interpreter``: Jupyter requests in, reply content and iopub messages out.

No sockets here: the interpreter publishes through a recording function, as
the kernel core's publisher would, and asks for input through a fake
``request_input``. Each test gets a fresh shell in this process (the ``real_shell`` fixture).
"""

from __future__ import annotations

import builtins
import getpass
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from legacy_shell.shell import InteractiveShell
from split.kernel.interpreter import Interpreter, normalise_completions


class Recorder:
    """The publisher: records ``(msg_type, content)``; tests may wait on it."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, dict[str, Any]]] = []
        self.cond = threading.Condition()

    def __call__(self, msg_type: str, content: dict[str, Any], metadata: dict | None) -> None:
        with self.cond:
            self.messages.append((msg_type, content))
            self.cond.notify_all()

    def types(self) -> list[str]:
        return [t for t, _ in self.messages]

    def of(self, msg_type: str) -> list[dict[str, Any]]:
        return [c for t, c in self.messages if t == msg_type]

    def text(self, name: str = "stdout") -> str:
        return "".join(c["text"] for c in self.of("stream") if c["name"] == name)


class Answers:
    """``request_input``: gives canned answers and remembers what was asked."""

    def __init__(self, recorder: Recorder, *answers: str) -> None:
        self.recorder = recorder
        self.answers = list(answers)
        self.asked: list[tuple[str, bool]] = []
        self.published_before: list[list[str]] = []

    def __call__(self, prompt: str, password: bool) -> str:
        self.asked.append((prompt, password))
        self.published_before.append(self.recorder.types())
        return self.answers.pop(0)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def answers(recorder: Recorder) -> Answers:
    return Answers(recorder, "Ada", "s3cret", "\x04")


@pytest.fixture
def interp(
    real_shell: InteractiveShell, recorder: Recorder, answers: Answers
) -> Iterator[Interpreter]:
    it = Interpreter(real_shell, recorder, answers)
    yield it
    it.close()


def run(interp: Interpreter, code: str, **kwargs: Any) -> dict[str, Any]:
    """What the kernel core does for an execute_request: execute, then flush_output."""
    reply = interp.execute(code, **kwargs)
    interp.flush_output()
    return reply


# -- kernel_info ----------------------------------------------------------------------
def test_kernel_info_describes_a_python_kernel_speaking_5_3(interp: Interpreter) -> None:
    info = interp.kernel_info()
    assert info["status"] == "ok"
    assert info["protocol_version"] == "5.3"
    assert info["implementation"] == "legacy-shell"
    assert info["implementation_version"] == "0.1.0"
    lang = info["language_info"]
    assert lang["name"] == "python"
    assert lang["version"] == "{}.{}.{}".format(*sys.version_info[:3])
    assert lang["mimetype"] == "text/x-python"
    assert lang["file_extension"] == ".py"
    assert lang["pygments_lexer"] == "ipython3"
    assert lang["codemirror_mode"] == {"name": "ipython", "version": 3}
    assert lang["nbconvert_exporter"] == "python"
    assert info["banner"].startswith("Python ") and "legacy_shell" in info["banner"]
    assert info["help_links"][0]["url"].startswith("https://docs.python.org/")


# -- execute: replies -----------------------------------------------------------------
def test_execute_replies_ok_with_the_count_it_used(interp: Interpreter) -> None:
    assert interp.execution_count == 1
    reply = run(interp, "x = 1")
    assert reply == {"status": "ok", "execution_count": 1, "user_expressions": {}, "payload": []}
    assert interp.execution_count == 2


def test_without_store_history_the_count_does_not_move(
    interp: Interpreter, real_shell: InteractiveShell
) -> None:
    run(interp, "a = 1", store_history=False)
    assert interp.execution_count == 1
    assert real_shell.user_ns["a"] == 1


def test_silent_runs_without_result_history_or_count(
    interp: Interpreter, recorder: Recorder, real_shell: InteractiveShell
) -> None:
    reply = run(interp, "b = 2\nb * 21", silent=True, store_history=True)
    assert reply["status"] == "ok"
    assert recorder.of("execute_result") == []
    assert interp.execution_count == 1
    assert real_shell.user_ns["b"] == 2
    assert interp.history("tail", n=5)["history"] == []


def test_an_error_replies_with_the_traceback_of_the_error_message(
    interp: Interpreter, recorder: Recorder
) -> None:
    reply = run(interp, "def f():\n    1/0\nf()")
    assert reply["status"] == "error"
    assert reply["ename"] == "ZeroDivisionError"
    assert reply["evalue"] == "division by zero"
    assert reply["execution_count"] == 1
    [error] = recorder.of("error")
    assert error == {
        "ename": "ZeroDivisionError",
        "evalue": "division by zero",
        "traceback": reply["traceback"],
    }
    assert any("1/0" in line for line in error["traceback"])
    assert recorder.text("stderr") == ""  # the traceback goes only in the error message


def test_a_syntax_error_is_an_error_before_execution(
    interp: Interpreter, recorder: Recorder
) -> None:
    reply = run(interp, "1 +")
    assert reply["status"] == "error"
    assert reply["ename"] == "SyntaxError"
    assert recorder.types() == ["error"]


def test_an_interrupted_cell_replies_keyboard_interrupt(
    interp: Interpreter, recorder: Recorder
) -> None:
    reply = run(interp, "print('before')\nraise KeyboardInterrupt")
    assert reply["status"] == "error"
    assert reply["ename"] == "KeyboardInterrupt"
    assert recorder.types() == ["stream", "error"]
    assert recorder.of("error")[0]["ename"] == "KeyboardInterrupt"


def test_the_kernel_keeps_working_after_an_error(interp: Interpreter) -> None:
    run(interp, "1/0")
    assert run(interp, "y = 3")["status"] == "ok"


def test_user_expressions_are_evaluated_after_an_ok_cell(interp: Interpreter) -> None:
    reply = run(interp, "z = 20", user_expressions={"double": "z * 2", "bad": "nothing_here"})
    double = reply["user_expressions"]["double"]
    assert double == {"status": "ok", "data": {"text/plain": "40"}, "metadata": {}}
    bad = reply["user_expressions"]["bad"]
    assert bad["status"] == "error"
    assert bad["ename"] == "NameError"
    assert "nothing_here" in bad["evalue"]
    assert bad["traceback"][-1].startswith("NameError")
    assert not any("interpreter.py" in line for line in bad["traceback"])


def test_user_expressions_are_not_evaluated_after_an_error(interp: Interpreter) -> None:
    reply = run(interp, "1/0", user_expressions={"one": "1"})
    assert reply["user_expressions"] == {}


# -- execute: what is published -------------------------------------------------------
def test_print_becomes_stream_messages(interp: Interpreter, recorder: Recorder) -> None:
    run(interp, "import sys\nprint('out')\nprint('err', file=sys.stderr)")
    assert recorder.messages == [
        ("stream", {"name": "stdout", "text": "out\n"}),
        ("stream", {"name": "stderr", "text": "err\n"}),
    ]


def test_the_last_expression_is_an_execute_result(interp: Interpreter, recorder: Recorder) -> None:
    run(interp, "6 * 7")
    assert recorder.messages == [
        ("execute_result", {"execution_count": 1, "data": {"text/plain": "42"}, "metadata": {}})
    ]


def test_display_publishes_every_mime_type_of_the_formatters(
    interp: Interpreter, recorder: Recorder
) -> None:
    run(interp, "from legacy_shell.display import HTML, display\ndisplay(HTML('<b>hi</b>'))")
    [content] = recorder.of("display_data")
    assert content["data"]["text/html"] == "<b>hi</b>"
    assert "text/plain" in content["data"]
    assert content["metadata"] == {}
    assert content["transient"] == {}


def test_update_display_and_clear_output(interp: Interpreter, recorder: Recorder) -> None:
    code = (
        "from legacy_shell.display import display, update_display, clear_output\n"
        "display('one', display_id='d1')\n"
        "update_display('two', display_id='d1')\n"
        "clear_output(wait=True)\n"
    )
    assert run(interp, code)["status"] == "ok"
    assert recorder.types() == ["display_data", "update_display_data", "clear_output"]
    first, update, clear = (c for _, c in recorder.messages)
    assert first["transient"] == {"display_id": "d1"}
    assert update["transient"] == {"display_id": "d1"}
    assert update["data"]["text/plain"] == "'two'"
    assert clear == {"wait": True}


def test_printed_text_arrives_before_the_display_that_follows_it(
    interp: Interpreter, recorder: Recorder
) -> None:
    code = (
        "from legacy_shell.display import display\n"
        "print('first')\n"
        "display('second')\n"
        "print('third')\n"
        "'fourth'"
    )
    run(interp, code)
    assert recorder.types() == ["stream", "display_data", "stream", "execute_result"]
    assert [c.get("text") for _, c in recorder.messages][::2] == ["first\n", "third\n"]


def test_a_thousand_prints_make_few_messages_in_order(
    interp: Interpreter, recorder: Recorder
) -> None:
    run(interp, "for i in range(1000):\n    print(i)")
    assert recorder.text() == "".join(f"{i}\n" for i in range(1000))
    assert len(recorder.of("stream")) <= 20


def test_flush_output_leaves_nothing_pending(interp: Interpreter, recorder: Recorder) -> None:
    interp.execute("print('no newline', end='')")
    interp.flush_output()
    assert recorder.text() == "no newline"
    count = len(recorder.messages)
    interp.flush_output()  # nothing left for it, or for the flusher thread, to publish
    interp.close()  # stops the flusher thread, publishing whatever would still be pending
    assert len(recorder.messages) == count


def test_streams_are_restored_after_execute(interp: Interpreter) -> None:
    before = sys.stdout, sys.stderr
    run(interp, "1/0")
    assert (sys.stdout, sys.stderr) == before


def test_threads_of_the_cell_print_too(interp: Interpreter, recorder: Recorder) -> None:
    code = (
        "import threading\n"
        "import sys\n"
        "def work(n):\n"
        "    for i in range(100):\n"
        "        sys.stdout.write(f'{n}:{i}\\n')\n"
        "ts = [threading.Thread(target=work, args=(n,)) for n in range(4)]\n"
        "for t in ts: t.start()\n"
        "for t in ts: t.join()\n"
    )
    run(interp, code)
    lines = recorder.text().splitlines()
    assert sorted(lines) == sorted(f"{n}:{i}" for n in range(4) for i in range(100))


def test_the_output_of_a_shell_command_is_a_stream(interp: Interpreter, recorder: Recorder) -> None:
    run(interp, "!echo hi from the child")
    assert recorder.text() == "hi from the child\n"


def test_get_ipython_in_a_cell_is_the_shell(
    interp: Interpreter, real_shell: InteractiveShell
) -> None:
    run(interp, "me = get_ipython()")
    assert real_shell.user_ns["me"] is real_shell


# -- payloads -------------------------------------------------------------------------
def test_set_next_input_is_a_payload(interp: Interpreter) -> None:
    reply = run(interp, "get_ipython().set_next_input('x = 2', replace=True)")
    assert reply["payload"] == [{"source": "set_next_input", "text": "x = 2", "replace": True}]


def test_help_text_is_a_page_payload(interp: Interpreter, recorder: Recorder) -> None:
    reply = run(interp, "len?")
    [page] = reply["payload"]
    assert page["source"] == "page" and page["start"] == 0
    assert "Return the number of items" in page["data"]["text/plain"]
    assert recorder.messages == []


def test_exit_is_an_ask_exit_payload(interp: Interpreter) -> None:
    assert run(interp, "exit")["payload"] == [{"source": "ask_exit", "keepkernel": False}]
    assert run(interp, "pass")["payload"] == []  # payloads belong to one reply


# -- stdin ----------------------------------------------------------------------------
def test_input_asks_the_frontend(interp: Interpreter, recorder: Recorder, answers: Answers) -> None:
    reply = run(interp, "print('hello')\nname = input('Name: ')\nprint(name)", allow_stdin=True)
    assert reply["status"] == "ok"
    assert answers.asked == [("Name: ", False)]
    assert answers.published_before == [["stream"]]  # 'hello' was out before the prompt
    assert recorder.text() == "hello\nAda\n"


def test_getpass_asks_for_a_password(
    interp: Interpreter, answers: Answers, real_shell: InteractiveShell
) -> None:
    answers.answers = ["s3cret"]
    run(interp, "import getpass\npw = getpass.getpass()", allow_stdin=True)
    assert answers.asked == [("Password: ", True)]
    assert real_shell.user_ns["pw"] == "s3cret"


def test_ctrl_d_at_the_frontend_is_eof(interp: Interpreter, answers: Answers) -> None:
    answers.answers = ["\x04"]
    reply = run(interp, "input()", allow_stdin=True)
    assert reply["ename"] == "EOFError"


def test_without_stdin_input_raises_a_clear_error(interp: Interpreter, answers: Answers) -> None:
    reply = run(interp, "input('never asked')", allow_stdin=False)
    assert reply["status"] == "error"
    assert reply["ename"] == "StdinNotImplementedError"
    assert "allow_stdin" in reply["evalue"]
    assert answers.asked == []


def test_input_and_getpass_are_restored_after_execute(interp: Interpreter) -> None:
    before = builtins.input, getpass.getpass
    run(interp, "input()", allow_stdin=True)
    assert (builtins.input, getpass.getpass) == before


# -- complete, inspect, is_complete ---------------------------------------------------
def test_complete_names_from_the_namespace(interp: Interpreter) -> None:
    run(interp, "alpha_value = 1\nalpha_other = 2")
    reply = interp.complete("x = alpha_", 10)
    assert reply["status"] == "ok"
    assert {"alpha_value", "alpha_other"} <= set(reply["matches"])
    assert (reply["cursor_start"], reply["cursor_end"]) == (4, 10)
    types = reply["metadata"]["_jupyter_types_experimental"]
    assert {
        "start": 4,
        "end": 10,
        "text": "alpha_value",
        "type": "instance",
        "signature": "",
    } in types


def test_complete_attributes_relative_to_the_code(interp: Interpreter) -> None:
    run(interp, "import os")
    reply = interp.complete("os.pa", 5)
    assert "path" in reply["matches"] or "os.path" in reply["matches"]
    start = reply["cursor_start"]
    assert all(("os.pa"[start:] in m or m.startswith("pa")) for m in reply["matches"])
    assert reply["cursor_end"] == 5


def test_complete_with_nothing_to_offer(interp: Interpreter) -> None:
    reply = interp.complete("zzzqqq", None)
    assert reply["matches"] == []
    assert reply["cursor_start"] == reply["cursor_end"] == 6


@dataclass
class _C:
    start: int
    end: int
    text: str
    type: str = "function"
    signature: str = ""


def test_completions_of_different_ranges_share_one_range() -> None:
    code = "foo.ba"
    start, end, items = normalise_completions(code, 6, [_C(4, 6, "bar"), _C(0, 6, "foo.baz")])
    assert (start, end) == (0, 6)
    assert [i["text"] for i in items] == ["foo.bar", "foo.baz"]


def test_inspect_finds_the_name_at_the_cursor(interp: Interpreter) -> None:
    reply = interp.inspect("x = len", 6)
    assert reply["status"] == "ok" and reply["found"] is True
    assert "Return the number of items" in reply["data"]["text/plain"]
    assert reply["metadata"] == {}


def test_inspect_inside_a_call_is_about_the_callable(interp: Interpreter) -> None:
    run(interp, "import os")
    reply = interp.inspect("os.path.join(a, b", 17)
    assert reply["found"] is True
    assert "join" in reply["data"]["text/plain"]


def test_inspect_detail_level_1_shows_source(interp: Interpreter) -> None:
    run(interp, "def documented():\n    '''The doc.'''\n    return 12345")
    brief = interp.inspect("documented", 10, detail_level=0)
    full = interp.inspect("documented", 10, detail_level=1)
    assert "The doc." in brief["data"]["text/plain"]
    assert "12345" in full["data"]["text/plain"]


def test_inspect_of_an_unknown_name_is_not_found(interp: Interpreter) -> None:
    assert interp.inspect("no_such_thing", 5) == {
        "status": "ok",
        "found": False,
        "data": {},
        "metadata": {},
    }


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("x = 1", {"status": "complete"}),
        ("for i in range(3):", {"status": "incomplete", "indent": "    "}),
        ("x = (1,", {"status": "incomplete", "indent": ""}),
        ("1 +* 2", {"status": "invalid"}),
    ],
)
def test_is_complete(interp: Interpreter, code: str, expected: dict[str, str]) -> None:
    assert interp.is_complete(code) == expected


# -- history --------------------------------------------------------------------------
@pytest.fixture
def three_cells(interp: Interpreter) -> Interpreter:
    for code in ("a = 1", "a + 1", "b = a * 10"):
        run(interp, code)
    return interp


def test_history_tail(three_cells: Interpreter) -> None:
    reply = three_cells.history("tail", n=2)
    assert reply["status"] == "ok"
    assert [row[1:] for row in reply["history"]] == [[2, "a + 1"], [3, "b = a * 10"]]


def test_history_tail_with_output(three_cells: Interpreter) -> None:
    rows = three_cells.history("tail", n=3, output=True)["history"]
    assert [row[2] for row in rows] == [["a = 1", None], ["a + 1", "2"], ["b = a * 10", None]]


def test_history_range_of_the_current_session(three_cells: Interpreter) -> None:
    rows = three_cells.history("range", session=0, start=1, stop=3)["history"]
    current = three_cells.shell.history_manager.session_number
    assert current >= 1
    assert rows == [[current, 1, "a = 1"], [current, 2, "a + 1"]]


def test_history_search(three_cells: Interpreter) -> None:
    run(three_cells, "a = 1")
    rows = three_cells.history("search", pattern="a =*", unique=True)["history"]
    assert [row[2] for row in rows] == ["a = 1"]
    rows = three_cells.history("search", pattern="a =*", unique=False)["history"]
    assert [row[2] for row in rows] == ["a = 1", "a = 1"]


def test_history_of_an_unknown_kind_is_an_error_reply(interp: Interpreter) -> None:
    reply = interp.history("everything")
    assert reply["status"] == "error" and "hist_access_type" in reply["evalue"]


# -- comms, shutdown ------------------------------------------------------------------
def test_comm_info_is_an_empty_registry(interp: Interpreter) -> None:
    assert interp.comm_info() == {"status": "ok", "comms": {}}
    assert interp.comm_info("jupyter.widget") == {"status": "ok", "comms": {}}


def test_shutdown_runs_the_shells_exit_operations(
    interp: Interpreter, real_shell: InteractiveShell
) -> None:
    said: list[str] = []
    with pytest.warns(DeprecationWarning):  # the old hook still works, with a warning
        real_shell.set_hook("shutdown_hook", lambda sh: said.append("bye"))
    assert interp.shutdown(restart=True) == {"status": "ok", "restart": True}
    assert said == ["bye"]

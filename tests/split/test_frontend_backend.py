"""``KernelBackend`` against a real kernel: the terminal's Backend, over messages.

Outputs reach the terminal's ``OutputHandler`` as the kernel publishes them;
payloads come back in the reply; ``input()`` is read at the terminal; Enter
never waits on a busy kernel; a dead kernel is one ``BackendDied`` line and a
restart away from a working prompt; restarting stops when it keeps dying.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from legacy_shell.terminal.backend import Backend, BackendDied, BackendGone
from split.frontend import CrashPolicy, KernelBackend, OwnKernel
from split.frontend.replies import complete_reply, history_inputs
from split.manager import KernelManager


class Recorder:
    """An ``OutputHandler`` that keeps every call, and answers ``input()`` from a list."""

    def __init__(self, answers: list[str] | None = None) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.answers = list(answers or [])

    def stream(self, name: str, text: str) -> None:
        self.calls.append(("stream", name, text))

    def display(self, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        self.calls.append(("display", data))

    def execute_result(self, count: int, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        self.calls.append(("result", count, data.get("text/plain")))

    def error(self, ename: str, evalue: str, traceback_lines: list[str]) -> None:
        self.calls.append(("error", ename, evalue))

    def clear_output(self, wait: bool) -> None:
        self.calls.append(("clear", wait))

    def input_request(self, prompt: str, password: bool) -> str:
        self.calls.append(("input", prompt, password))
        return self.answers.pop(0)

    def text(self, name: str = "stdout") -> str:
        return "".join(c[2] for c in self.calls if c[0] == "stream" and c[1] == name)


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    return tmp_path / "runtime"


@pytest.fixture
def backend(runtime: Path) -> Iterator[KernelBackend]:
    kb = KernelBackend(OwnKernel(KernelManager()), setup_lines=["%config shell.colors=NoColor"])
    kb.start()
    try:
        yield kb
    finally:
        pid = kb.kernel.pid  # type: ignore[attr-defined]
        kb.shutdown()
        if pid is not None:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)


def test_it_is_a_backend(backend: KernelBackend) -> None:
    assert isinstance(backend, Backend)
    assert backend.execution_count == 1


def test_outputs_are_routed_to_the_handler_in_order(backend: KernelBackend) -> None:
    rec = Recorder()
    reply = backend.execute("import sys; print('out'); print('err', file=sys.stderr); 6*7", rec)
    assert reply.status == "ok"
    assert rec.text() == "out\n"
    assert rec.text("stderr") == "err\n"
    assert ("result", 1, "42") in rec.calls
    assert backend.execution_count == 2


def test_display_and_errors(backend: KernelBackend) -> None:
    rec = Recorder()
    backend.execute("from legacy_shell import display; display('shown')", rec)
    assert any(c[0] == "display" and c[1].get("text/plain") == "'shown'" for c in rec.calls)
    rec = Recorder()
    reply = backend.execute("1/0", rec)
    assert reply.status == "error"
    assert [c[:2] for c in rec.calls if c[0] == "error"] == [("error", "ZeroDivisionError")]


def test_payloads_come_back_in_the_reply(backend: KernelBackend) -> None:
    reply = backend.execute("get_ipython().set_next_input('next one')", Recorder())
    assert {"source": "set_next_input", "text": "next one"}.items() <= reply.payloads[0].items()
    reply = backend.execute("exit", Recorder())
    assert [p["source"] for p in reply.payloads] == ["ask_exit"]


def test_input_is_read_at_the_terminal(backend: KernelBackend) -> None:
    rec = Recorder(answers=["bob"])
    backend.execute("name = input('who? ')", rec)
    assert ("input", "who? ", False) in rec.calls
    rec = Recorder()
    backend.execute("print(name * 2)", rec)
    assert rec.text() == "bobbob\n"


def test_complete_inspect_is_complete_history(backend: KernelBackend) -> None:
    backend.execute("alpha_beta = 1", Recorder())
    reply = backend.complete("alpha_b", 7)
    assert "alpha_beta" in [m.text for m in reply.matches]
    assert "len" in (backend.inspect("len", 3) or "")
    assert backend.is_complete("for i in x:")[0] == "incomplete"
    assert backend.is_complete("x = 1")[0] == "complete"
    assert backend.history(10)[-1] == "alpha_beta = 1"


def test_enter_never_waits_on_a_busy_kernel(backend: KernelBackend) -> None:
    other = backend.kernel.manager.client()  # type: ignore[attr-defined]
    try:
        other.execute("import time; time.sleep(60)")
        # the kernel is now busy with another client's cell
        time_before = time.monotonic()
        status, _indent = backend.is_complete("for i in x:")
        assert status == "incomplete"  # judged locally
        assert time.monotonic() - time_before < 10  # not the cell's 60 s
    finally:
        backend.interrupt()
        other.stop_channels()


def test_a_dead_kernel_is_one_line_and_a_restart(backend: KernelBackend) -> None:
    backend.execute("x = 1", Recorder())
    with pytest.raises(BackendDied, match=r"^Kernel died: exited with code 3$"):
        backend.execute("import os; os._exit(3)", Recorder())
    backend.restart()
    rec = Recorder()
    backend.execute("print(6*7)", rec)
    assert rec.text() == "42\n"
    assert backend.execution_count == 2


def test_a_kill_during_a_cell_is_noticed_within_100_ms(backend: KernelBackend) -> None:
    rec = Recorder()
    backend.execute("import os; pid = os.getpid(); print(pid)", rec)
    pid = int(rec.text())
    manager = backend.kernel.manager  # type: ignore[attr-defined]
    manager.add_death_callback(lambda death: None)
    import threading

    timer = threading.Timer(0.3, os.kill, (pid, signal.SIGKILL))
    timer.start()
    with pytest.raises(BackendDied, match="SIGKILL"):
        backend.execute("import time; time.sleep(30)", Recorder())
    assert time.monotonic() - manager.death.noticed_at < 0.1
    backend.restart()


CRASH = "import os; os.write(2, b'dying words\\n'); os._exit(5)"


def test_a_kernel_that_dies_running_the_users_cells_is_always_restarted(runtime: Path) -> None:
    kb = KernelBackend(OwnKernel(KernelManager()), policy=CrashPolicy(limit=2))
    kb.start()
    try:
        for _ in range(4):  # twice the limit: deaths the user's code caused never count
            with pytest.raises(BackendDied, match="exited with code 5"):
                kb.execute(CRASH, Recorder())
            kb.restart()
        rec = Recorder()
        kb.execute("print(6*7)", rec)
        assert rec.text() == "42\n"
    finally:
        kb.shutdown()


def _crashing_startup_file(shell_home: Path) -> Path:
    startup = shell_home / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    path = startup / "00-crash.py"
    path.write_text(CRASH + "\n")
    return path


def test_a_kernel_that_dies_while_starting_is_tried_limit_times_then_left_stopped(
    runtime: Path, shell_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crash = _crashing_startup_file(shell_home)
    kb = KernelBackend(OwnKernel(KernelManager()), policy=CrashPolicy(limit=3), interactive=True)
    kb.start()  # an interactive session starts even so, with no kernel
    try:
        said = capsys.readouterr().out
        assert said.count("The kernel died while starting (exited with code 5); starting") == 2
        assert "died 3 times in a row while starting (exited with code 5)" in said
        assert "dying words" in said  # the kernel's last stderr lines
        assert "No kernel is running" in said
        assert kb.stopped is not None
        assert not kb.died.is_set()  # nothing is running, so nothing can die at the prompt
        rec = Recorder()
        reply = kb.execute("print(6*7)", rec)  # typed code is not an answer, and is not run
        assert reply.status == "error"
        assert "Not run. No kernel is running" in rec.text("stderr")
        assert kb.execute("n", Recorder()).status == "error"  # nor is "n": nothing leaves
        crash.unlink()
        rec = Recorder()
        assert kb.execute("y", rec).status == "ok"
        assert "A new kernel is running" in rec.text()
        rec = Recorder()
        kb.execute("print(6*7)", rec)
        assert rec.text() == "42\n"
    finally:
        kb.shutdown()


def test_enter_on_an_empty_line_and_percent_restart_start_a_kernel_when_none_runs(
    runtime: Path, shell_home: Path
) -> None:
    crash = _crashing_startup_file(shell_home)
    kb = KernelBackend(OwnKernel(KernelManager()), policy=CrashPolicy(limit=1), interactive=True)
    kb.start()
    try:
        assert kb.stopped is not None
        rec = Recorder()
        kb.output_handler = rec
        kb.empty_line()  # still crashing: tried once more, then stopped again
        assert kb.stopped is not None
        assert "No kernel could be started" in rec.text("stderr")
        crash.unlink()
        rec = Recorder()
        assert kb.execute("%restart", rec).status == "ok"
        assert kb.stopped is None
        kb.empty_line()  # with a kernel running, an empty line does nothing
        rec = Recorder()
        kb.execute("print(6*7)", rec)
        assert rec.text() == "42\n"
        assert kb.execute("exit", Recorder()).status == "ok"
    finally:
        kb.shutdown()


def test_without_a_terminal_a_kernel_that_keeps_dying_while_starting_ends_the_session(
    runtime: Path, shell_home: Path
) -> None:
    _crashing_startup_file(shell_home)
    kb = KernelBackend(OwnKernel(KernelManager()), policy=CrashPolicy(limit=2))
    try:
        with pytest.raises(BackendDied, match="died 2 times in a row while starting") as caught:
            kb.start()
        assert not isinstance(caught.value, BackendGone)  # start() says "could not start"
    finally:
        kb.shutdown()


def test_exit_typed_while_no_kernel_runs_leaves(runtime: Path, shell_home: Path) -> None:
    _crashing_startup_file(shell_home)
    kb = KernelBackend(OwnKernel(KernelManager()), policy=CrashPolicy(limit=1), interactive=True)
    kb.start()
    try:
        reply = kb.execute("exit", Recorder())
        assert reply.payloads == [{"source": "ask_exit", "keepkernel": False}]
    finally:
        kb.shutdown()


def test_start_up_files_output_reaches_the_terminal_before_the_first_cell(
    runtime: Path, shell_home: Path
) -> None:
    startup = shell_home / "startup"
    startup.mkdir(parents=True)
    (startup / "00-hello.py").write_text("print('hello from start-up')\n1/0\n")
    kb = KernelBackend(OwnKernel(KernelManager()))
    rec = Recorder()
    kb.output_handler = rec
    kb.start()
    try:
        assert rec.text() == "hello from start-up\n"
        assert [c[1] for c in rec.calls if c[0] == "error"] == ["ZeroDivisionError"]
    finally:
        kb.shutdown()


def test_percent_restart_is_answered_by_the_frontend(backend: KernelBackend) -> None:
    backend.execute("x = 1", Recorder())
    rec = Recorder()
    assert backend.execute("%restart", rec).status == "ok"
    assert "Kernel restarted" in rec.text()
    rec = Recorder()
    backend.execute("print('x' in dir())", rec)
    assert rec.text() == "False\n"


def test_other_clients_output_is_shown_before_the_next_prompt(backend: KernelBackend) -> None:
    rec = Recorder()
    backend.execute("pass", rec)  # the handler the terminal uses
    other = backend.kernel.manager.client()  # type: ignore[attr-defined]
    try:
        other.execute_interactive("print('from elsewhere')")
    finally:
        other.stop_channels()
    backend.pre_prompt()
    assert "from elsewhere\n" in rec.text()
    assert any("[remote]" in c[2] for c in rec.calls if c[0] == "stream")


def test_crash_policy_counts_only_deaths_no_cell_of_the_users_caused() -> None:
    policy = CrashPolicy(limit=3)
    for _ in range(10):
        policy.record_death("cell")
    assert policy.allow_restart()
    policy.record_death("starting")
    policy.record_death("idle")
    assert policy.allow_restart()
    policy.cell_ran()  # a cell of the user's worked: the streak is over
    for _ in range(3):
        policy.record_death("starting")
    assert not policy.allow_restart()
    assert policy.describe() == "3 times in a row while starting"
    policy.record_death("cell")
    assert policy.allow_restart()
    policy.record_death("starting")
    policy.record_death("idle")
    assert policy.describe() == "2 times in a row with no cell of yours running"
    policy.reset()
    assert policy.streak == 0


def test_reply_mapping_without_a_kernel() -> None:
    typed = {"_jupyter_types_experimental": [{"start": 0, "end": 2, "text": "abc", "type": "f"}]}
    reply = complete_reply({"status": "ok", "cursor_start": 0, "cursor_end": 2, "matches": ["abc"],
                            "metadata": typed}, 2)  # fmt: skip
    assert [(m.text, m.type) for m in reply.matches] == [("abc", "f")]
    assert history_inputs([[1, 1, "a"], [1, 2, "a"], [1, 3, ("b", "out")]], 10) == ["a", "b"]


def test_connect_info_shows_the_file_with_its_key_and_how_to_attach(
    backend: KernelBackend,
) -> None:
    import json

    rec = Recorder()
    backend.execute("%connect_info", rec)
    conn = backend.kernel.connection_file
    text = rec.text()
    assert json.loads(conn.read_text())["key"] in text
    assert f"ipython --existing {conn.name}" in text


def test_connect_info_says_how_to_make_a_file_the_kernel_accepts(
    backend: KernelBackend, tmp_path: Path
) -> None:
    """Its paste recipe gives a file only the user can read, as ``--existing`` demands."""
    import subprocess

    from split.connection import read_connection_file

    rec = Recorder()
    backend.execute("%connect_info", rec)
    text = rec.text()
    recipe = next(line for line in text.splitlines() if "umask 077" in line)
    command = recipe.strip().removeprefix("$>").split("#")[0].strip()
    pasted = text.split("\n\n")[0]  # the JSON comes first
    subprocess.run(["sh", "-c", command], input=pasted, text=True, cwd=tmp_path, check=True)
    made = tmp_path / "kernel.json"
    assert made.stat().st_mode & 0o077 == 0
    assert (
        read_connection_file(made).key == read_connection_file(backend.kernel.connection_file).key
    )


@pytest.fixture(params=["start-up waited for", "no start-up work"])
def any_backend(request: pytest.FixtureRequest, runtime: Path) -> Iterator[KernelBackend]:
    """A backend that waits for the kernel's start-up, and one that has none to wait for."""
    work = request.param == "start-up waited for"
    kb = KernelBackend(OwnKernel(KernelManager()), startup_work=lambda: work)
    kb.start()
    try:
        yield kb
    finally:
        kb.shutdown()


def test_a_restart_keeps_the_directory_the_xmode_and_the_history(
    any_backend: KernelBackend, tmp_path: Path
) -> None:
    backend = any_backend
    backend.execute(f"%cd {tmp_path}", Recorder())
    backend.execute("%xmode Minimal", Recorder())
    backend.execute("kept_line = 1", Recorder())
    assert backend.execute("%restart", Recorder()).status == "ok"
    rec = Recorder()
    backend.execute("import os; print(os.getcwd())", rec)
    assert rec.text() == f"{tmp_path}\n"
    rec = Recorder()
    backend.execute("print(get_ipython().config['shell.xmode'])", rec)
    assert rec.text() == "Minimal\n"
    rec = Recorder()
    backend.execute("%history", rec)
    assert "kept_line = 1" in rec.text()  # the lines before the restart come first
    assert rec.text().index("kept_line") < rec.text().index("print(os.getcwd())")


class _Said:
    """A text stream that releases ``flag`` (creates the file) once ``text`` was written."""

    def __init__(self, text: str, flag: Path) -> None:
        self.text, self.flag, self.written = text, flag, ""

    def write(self, data: str) -> int:
        self.written += data
        if self.text in self.written:
            self.flag.touch()
        return len(data)

    def flush(self) -> None:
        pass


def test_attaching_to_a_busy_kernel_waits_for_it_and_numbers_prompts_right(
    runtime: Path, tmp_path: Path
) -> None:
    from split.frontend import AttachedKernel

    flag = tmp_path / "go-on"
    manager = KernelManager()
    manager.start()
    try:
        manager.wait_ready()
        other = manager.client()
        other.execute_interactive("first = 1")  # In [1]
        # In [2] runs as we attach, until we have said that it is busy
        other.execute(
            "import os, time\nprint('looping', flush=True)\n"
            f"while not os.path.exists({str(flag)!r}): time.sleep(0.01)"
        )
        while other.get_iopub_msg(timeout=30).content.get("text") != "looping\n":
            pass  # the cell runs: the kernel is busy from now on
        assert manager.connection_file is not None
        said = _Said("The kernel is busy", flag)
        kb = KernelBackend(AttachedKernel(manager.connection_file), out=said)  # type: ignore[arg-type]
        kb.start()
        try:
            assert "The kernel is busy" in said.written
            assert kb.execution_count == 3
            rec = Recorder()
            reply = kb.execute("first", rec)
            assert reply.execution_count == 3
            assert ("result", 3, "1") in rec.calls
        finally:
            kb.shutdown()
        other.stop_channels()
    finally:
        manager.shutdown()


def test_an_attached_kernel_that_dies_is_reported_within_the_heartbeat_period(
    runtime: Path,
) -> None:
    from split.frontend import AttachedKernel

    manager = KernelManager()
    manager.start()
    try:
        manager.wait_ready()
        assert manager.connection_file is not None
        kb = KernelBackend(AttachedKernel(manager.connection_file, period=0.2, misses=3))
        kb.start()
        rec = Recorder()
        kb.execute("print(6*7)", rec)
        assert rec.text() == "42\n"
        pid = manager.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(BackendDied, match="heartbeat"):
            kb.execute("import time; time.sleep(30)", Recorder())
        with pytest.raises(BackendGone, match="did not start the kernel"):  # nobody to ask
            kb.restart()
        kb.shutdown()
    finally:
        manager.shutdown()

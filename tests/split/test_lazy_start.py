"""A kernel answers ``kernel_info`` before its shell exists, and builds the shell once.

``split.kernel.lazy.LazyInterpreter`` is tested in-process with a recording
build function; the kernel process is tested with an import gate: a finder on
``sys.meta_path`` that holds the import of ``legacy_shell.shell`` until the test
opens a pipe, which proves what is answered without the shell. No sleeps: every
wait is on a reply, a pipe or a process exit, with a timeout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from test_kernel_conformance import WireClient

from legacy_shell.shell import InteractiveShell
from split.connection import write_connection_file
from split.kernel.interpreter import Interpreter
from split.kernel.kernelinfo import kernel_info
from split.kernel.lazy import InterpreterUnavailable, LazyInterpreter
from split.wire import Message

TIMEOUT = 10.0


# -- LazyInterpreter in-process ------------------------------------------------------


class FakeInterpreter:
    """Records calls; answers like an interpreter would."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.execution_count = 1

    def kernel_info(self) -> dict[str, Any]:
        return {"status": "ok", "from": "real"}

    def execute(self, code: str, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(f"execute {code}")
        return {"status": "ok", "execution_count": self.execution_count}

    def flush_output(self) -> None:
        self.calls.append("flush_output")

    def shutdown(self, restart: bool) -> dict[str, Any]:
        self.calls.append("shutdown")
        return {"status": "ok", "restart": restart}

    def close(self) -> None:
        self.calls.append("close")


@dataclass
class Recorder:
    builds: int = 0
    finished_on: list[str] | None = None
    real: FakeInterpreter | None = None
    fail: bool = False

    def build(self) -> Any:
        self.builds += 1
        if self.fail:
            raise RuntimeError("no shell today")
        self.real = FakeInterpreter()
        return self.real

    def finish(self, real: Any) -> None:
        self.finished_on = [*(self.finished_on or []), threading.current_thread().name]


def lazy_with(recorder: Recorder) -> LazyInterpreter:
    return LazyInterpreter(
        recorder.build, lambda: {"status": "ok", "from": "static"}, recorder.finish
    )


def test_kernel_info_is_static_and_builds_nothing() -> None:
    rec = Recorder()
    lazy = lazy_with(rec)
    assert lazy.kernel_info() == {"status": "ok", "from": "static"}
    assert rec.builds == 0 and not lazy.built


def test_shutdown_flush_and_close_before_the_build_build_nothing() -> None:
    rec = Recorder()
    lazy = lazy_with(rec)
    lazy.flush_output()
    assert lazy.shutdown(restart=True) == {"status": "ok", "restart": True}
    lazy.close()
    assert rec.builds == 0 and rec.finished_on is None


def test_the_first_request_builds_once_and_finishes_on_its_own_thread() -> None:
    rec = Recorder()
    lazy = lazy_with(rec)
    assert lazy.execute("1")["status"] == "ok"
    assert lazy.execute("2")["status"] == "ok"
    assert rec.builds == 1
    assert rec.finished_on == [threading.current_thread().name]
    lazy.flush_output()
    assert lazy.shutdown(False) == {"status": "ok", "restart": False}
    lazy.close()
    assert rec.real is not None
    assert rec.real.calls == ["execute 1", "execute 2", "flush_output", "shutdown", "close"]


def test_a_background_build_is_finished_on_the_serving_thread() -> None:
    rec = Recorder()
    lazy = lazy_with(rec)
    lazy.start_building()
    assert lazy.execution_count == 1  # waits for the build thread
    assert rec.builds == 1
    assert rec.finished_on == [threading.current_thread().name]


def test_a_shutdown_during_the_build_waits_and_ends_the_real_interpreter() -> None:
    release = threading.Event()
    rec = Recorder()

    def slow_build() -> Any:
        assert release.wait(TIMEOUT)
        return rec.build()

    lazy = LazyInterpreter(slow_build, dict, rec.finish)
    lazy.start_building()
    release.set()
    assert lazy.shutdown(False)["status"] == "ok"
    assert rec.real is not None and rec.real.calls == ["shutdown"]
    assert rec.finished_on is None  # start-up files never run just to shut down


def test_a_failed_build_fails_the_requests_that_need_it_only() -> None:
    rec = Recorder(fail=True)
    lazy = lazy_with(rec)
    with pytest.raises(InterpreterUnavailable, match="no shell today"):
        lazy.execute("1")
    with pytest.raises(InterpreterUnavailable):
        lazy.complete("x", 1)
    assert rec.builds == 1  # not retried for every request
    assert lazy.kernel_info()["from"] == "static"
    assert lazy.shutdown(False)["status"] == "ok"


def test_the_static_kernel_info_is_the_interpreters(real_shell: InteractiveShell) -> None:
    interp = Interpreter(real_shell, lambda *a: None, lambda prompt, password: "")
    assert kernel_info() == interp.kernel_info()
    interp.close()


# -- the kernel process, with the shell's import held at a gate ----------------------

GATED_KERNEL = textwrap.dedent(
    """
    import os, select, sys
    GATE = int(os.environ["SPLIT_TEST_GATE_FD"])

    class HoldShellImport:
        def find_spec(self, name, path=None, target=None):
            if name == "legacy_shell.shell":
                sys.meta_path.remove(self)
                select.select([GATE], [], [], 30.0)  # until the test opens the gate
            return None

    sys.meta_path.insert(0, HoldShellImport())
    from split.kernel.app import main
    sys.exit(main(sys.argv[1:]))
    """
)


@dataclass
class GatedKernel:
    proc: subprocess.Popen[bytes]
    client: WireClient
    gate: int
    marker: Path

    def open_gate(self) -> None:
        if self.gate >= 0:
            os.write(self.gate, b"go")
            os.close(self.gate)
            self.gate = -1

    def request(self, channel: str, msg_type: str, content: dict[str, Any] | None = None) -> Any:
        sent = self.client.send(channel, msg_type, content or {})
        reply = self.client.get(channel)
        while reply.parent_id != sent.msg_id:
            reply = self.client.get(channel)
        return reply

    def run(self, code: str) -> tuple[Message, str]:
        sent = self.client.send("shell", "execute_request", {"code": code, "silent": False})
        text = ""
        while True:
            msg = self.client.get("iopub")
            if msg.parent_id != sent.msg_id:
                continue
            if msg.msg_type == "stream":
                text += msg.content["text"]
            if msg.msg_type == "status" and msg.content["execution_state"] == "idle":
                break
        reply = self.client.get("shell")
        while reply.parent_id != sent.msg_id:
            reply = self.client.get("shell")
        return reply, text


@pytest.fixture
def gated_kernel(tmp_path: Path, shell_home: Path) -> Iterator[GatedKernel]:
    marker = tmp_path / "startup-ran"
    (shell_home / "startup").mkdir()
    (shell_home / "startup" / "00-probe.py").write_text(
        "import threading, pathlib\n"
        "from_startup = 6 * 7\n"
        "startup_thread = threading.current_thread().name\n"
        f"pathlib.Path({str(marker)!r}).write_text('ran')\n"
    )
    (shell_home / "config.toml").write_text('[shell]\nextensions = ["probe_ext"]\n')
    (tmp_path / "probe_ext.py").write_text(
        "import threading\n"
        "def load_ipython_extension(ip):\n"
        "    ip.user_ns['from_extension'] = 'ext on ' + threading.current_thread().name\n"
    )
    conn, info = write_connection_file(tmp_path / "kernel.json")
    r, w = os.pipe()
    env = dict(os.environ, SPLIT_TEST_GATE_FD=str(r))
    with open(tmp_path / "kernel.stderr", "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", GATED_KERNEL, "-f", str(conn)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=tmp_path,
            env=env,
            pass_fds=(r,),
            start_new_session=True,
        )
    os.close(r)
    client = WireClient(info)
    kernel = GatedKernel(proc, client, w, marker)
    try:
        client.wait_for_welcome()
        yield kernel
    finally:
        kernel.open_gate()
        client.close()
        if proc.poll() is None:
            proc.kill()
        proc.wait(TIMEOUT)


def test_kernel_info_is_answered_while_the_shell_cannot_even_be_imported(
    gated_kernel: GatedKernel,
) -> None:
    reply = gated_kernel.request("shell", "kernel_info_request")
    assert reply.content["status"] == "ok"
    assert "An enhanced Interactive Python" in reply.content["banner"]
    assert gated_kernel.request("control", "kernel_info_request").content["status"] == "ok"
    assert gated_kernel.proc.poll() is None


def test_the_first_cell_sees_startup_files_and_extensions_run_on_the_main_thread(
    gated_kernel: GatedKernel,
) -> None:
    gated_kernel.request("shell", "kernel_info_request")
    gated_kernel.open_gate()
    reply, text = gated_kernel.run(
        "print(from_startup, startup_thread, from_extension, get_ipython() is not None)"
    )
    assert reply.content["status"] == "ok"
    assert reply.content["execution_count"] == 1
    assert text == "42 MainThread ext on MainThread True\n"
    reply, text = gated_kernel.run(
        "import threading\n"
        "seen = []\n"
        "t = threading.Thread(target=lambda: seen.append(get_ipython() is not None))\n"
        "t.start(); t.join(); print(seen)"
    )
    assert text == "[True]\n"  # user threads see the shell too


def test_a_shutdown_before_any_cell_is_clean_and_runs_no_startup_file(
    gated_kernel: GatedKernel,
) -> None:
    gated_kernel.request("shell", "kernel_info_request")
    reply = gated_kernel.request("control", "shutdown_request", {"restart": False})
    assert reply.content == {"status": "ok", "restart": False}
    gated_kernel.open_gate()  # the half-built shell is then waited for and ended
    assert gated_kernel.proc.wait(TIMEOUT) == 0
    assert not gated_kernel.marker.exists()

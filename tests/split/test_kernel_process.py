"""The real kernel process, ``python -m split.kernel``, over real sockets on 127.0.0.1.

Every test ends every process it starts (by pid) and waits on events (a reply,
a process exit through ``waitpid``/pidfd), never on sleeps.
"""

from __future__ import annotations

import os
import select
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from kernel_processes import wait_gone
from test_kernel_conformance import WireClient

from split.connection import ConnectionInfo, write_connection_file
from split.session import Session
from split.wire import Message, serialize

TIMEOUT = 10.0


@dataclass
class KernelProcess:
    proc: subprocess.Popen[bytes]
    info: ConnectionInfo
    client: WireClient
    stderr: Path

    def request(self, channel: str, msg_type: str, content: dict | None = None) -> Message:
        sent = self.client.send(channel, msg_type, content or {})
        reply = self.client.get(channel)
        while reply.parent_id != sent.msg_id:
            reply = self.client.get(channel)
        return reply

    def execute(self, code: str) -> Message:
        return self.client.send(
            "shell", "execute_request", {"code": code, "silent": False, "allow_stdin": False}
        )

    def reply_to(self, request: Message, channel: str = "shell") -> Message:
        reply = self.client.get(channel)
        while reply.parent_id != request.msg_id:
            reply = self.client.get(channel)
        return reply

    def wait_iopub(self, request: Message, msg_type: str) -> Message:
        while True:
            msg = self.client.get("iopub")
            if msg.parent_id == request.msg_id and msg.msg_type == msg_type:
                return msg


def _start(conn: Path, cwd: Path, *extra: str) -> tuple[subprocess.Popen[bytes], Path]:
    stderr = cwd / "kernel.stderr"
    with open(stderr, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "split.kernel", "-f", str(conn), *extra],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            cwd=cwd,
            start_new_session=True,
        )
    return proc, stderr


def _end(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait(TIMEOUT)


@pytest.fixture
def kernel(tmp_path: Path) -> Iterator[KernelProcess]:
    conn, info = write_connection_file(tmp_path / "kernel.json")
    proc, stderr = _start(conn, tmp_path)
    client = WireClient(info)
    try:
        client.wait_for_welcome()
        yield KernelProcess(proc, info, client, stderr)
    finally:
        client.close()
        _end(proc)


def test_start_kernel_info_execute_shutdown(kernel: KernelProcess) -> None:
    info = kernel.request("shell", "kernel_info_request")
    assert info.content["protocol_version"] >= "5.3"
    assert info.header["version"] == "5.3"
    request = kernel.execute("print(6*7)")
    assert kernel.wait_iopub(request, "stream").content["text"] == "42\n"
    assert kernel.reply_to(request).content["status"] == "ok"
    reply = kernel.request("control", "shutdown_request", {"restart": False})
    assert reply.content == {"status": "ok", "restart": False}
    assert kernel.proc.wait(TIMEOUT) == 0


def test_interrupt_request_stops_a_sleeping_cell_within_a_second(kernel: KernelProcess) -> None:
    request = kernel.execute("import time; time.sleep(30)")
    kernel.wait_iopub(request, "execute_input")
    start = time.monotonic()
    assert kernel.request("control", "interrupt_request").content["status"] == "ok"
    reply = kernel.reply_to(request)
    assert time.monotonic() - start < 5.0  # at once, not after the cell's 30 s
    assert reply.content["status"] == "error"
    assert reply.content["ename"] == "KeyboardInterrupt"
    assert kernel.request("shell", "kernel_info_request").content["status"] == "ok"


def test_control_answers_kernel_info_while_a_cell_runs(kernel: KernelProcess) -> None:
    request = kernel.execute("import time; time.sleep(30)")
    kernel.wait_iopub(request, "execute_input")
    assert kernel.request("control", "kernel_info_request").msg_type == "kernel_info_reply"
    kernel.request("control", "interrupt_request")
    assert kernel.reply_to(request).content["ename"] == "KeyboardInterrupt"


def test_sigint_interrupts_a_cell_and_never_ends_an_idle_kernel(kernel: KernelProcess) -> None:
    os.kill(kernel.proc.pid, signal.SIGINT)  # idle: nothing to interrupt
    assert kernel.request("shell", "kernel_info_request").content["status"] == "ok"
    assert kernel.proc.poll() is None
    request = kernel.execute("import time; time.sleep(30)")
    kernel.wait_iopub(request, "execute_input")
    os.kill(kernel.proc.pid, signal.SIGINT)
    assert kernel.reply_to(request).content["ename"] == "KeyboardInterrupt"


#: A cell whose main thread does not take SIGINT itself: a thread of the user's does (as
#: when the signal lands on another thread, or just before the main thread blocks).
SIGINT_ELSEWHERE = (
    "import signal, threading, time\n"
    "threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
    "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})\n"
    "print('blocked', flush=True)\n"
    "try:\n"
    "    time.sleep(30)\n"
    "finally:\n"
    "    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})\n"
)


@pytest.mark.parametrize("how", ["signal", "interrupt_request"])
def test_an_interrupt_taken_by_another_thread_still_stops_the_cell(
    kernel: KernelProcess, how: str
) -> None:
    """The main thread is woken to run the handler: the cell does not sleep on for 30 s."""
    request = kernel.execute(SIGINT_ELSEWHERE)
    assert kernel.wait_iopub(request, "stream").content["text"] == "blocked\n"
    start = time.monotonic()
    if how == "signal":
        os.kill(kernel.proc.pid, signal.SIGINT)
    else:
        kernel.request("control", "interrupt_request")
    reply = kernel.reply_to(request)
    assert time.monotonic() - start < 5.0
    assert reply.content["ename"] == "KeyboardInterrupt"


def test_sigterm_shuts_down_cleanly(kernel: KernelProcess) -> None:
    kernel.request("shell", "kernel_info_request")
    os.kill(kernel.proc.pid, signal.SIGTERM)
    # a generous bound: a kernel stopped while it builds its shell finishes the build first
    assert kernel.proc.wait(60) == 0


def test_stop_on_error_aborts_the_queued_executes(kernel: KernelProcess) -> None:
    first = kernel.execute("import time; time.sleep(0.3); 1/0")
    second, third = kernel.execute("y = 2"), kernel.execute("z = 3")
    statuses = [kernel.reply_to(r).content["status"] for r in (first, second, third)]
    assert statuses == ["error", "aborted", "aborted"]


# -- bad input ---------------------------------------------------------------------


def test_forged_messages_are_never_executed(kernel: KernelProcess, tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    code = f"open({str(marker)!r}, 'w').close()"
    forged = Session().msg("execute_request", {"code": code, "silent": False})
    kernel.client.send_raw("shell", serialize(forged, b""))  # unsigned
    kernel.client.send_raw("shell", serialize(forged, b"not the key"))  # forged
    kernel.client.send_raw("shell", [b"garbage", b"\xff"])
    # the shell socket is ordered: once this is answered, the bad ones were handled
    assert kernel.request("shell", "kernel_info_request").content["status"] == "ok"
    assert not marker.exists()
    assert "dropped a bad message on shell" in kernel.stderr.read_text()


def test_a_flood_of_bad_messages_logs_a_few_lines(kernel: KernelProcess) -> None:
    for i in range(1000):
        kernel.client.send_raw("shell", [b"<IDS|MSG>", b"bad", b"{}", b"{}", b"{}", b"%d" % i])
    assert kernel.request("shell", "kernel_info_request").content["status"] == "ok"
    lines = [line for line in kernel.stderr.read_text().splitlines() if "bad message" in line]
    assert 1 <= len(lines) <= 5  # each of the first few, then a count (BadMessages.burst)


def test_a_taken_port_is_a_clear_error_not_a_loop(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        conn, _ = write_connection_file(tmp_path / "kernel.json", ports={"shell_port": port})
        proc, stderr = _start(conn, tmp_path)
        try:
            assert proc.wait(TIMEOUT) != 0
        finally:
            _end(proc)
    message = stderr.read_text()
    assert f"port {port} on 127.0.0.1 is taken" in message
    assert "Traceback" not in message


def test_a_bad_connection_file_is_named_in_the_error(tmp_path: Path) -> None:
    conn, _ = write_connection_file(tmp_path / "kernel.json")
    conn.chmod(0o644)
    proc, stderr = _start(conn, tmp_path)
    try:
        assert proc.wait(TIMEOUT) != 0
    finally:
        _end(proc)
    assert f"{conn} is readable by other users" in stderr.read_text()


def test_a_missing_connection_file_is_created(tmp_path: Path) -> None:
    conn = tmp_path / "new-kernel.json"
    proc, _ = _start(conn, tmp_path)
    try:
        from split.connection import read_connection_file

        # the file appears once the kernel has chosen ports; then it answers
        deadline = time.monotonic() + TIMEOUT
        while not conn.exists():
            assert proc.poll() is None and time.monotonic() < deadline
            select.select([], [], [], 0.01)
        client = WireClient(read_connection_file(conn))
        try:
            client.wait_for_welcome()
            sent = client.send("shell", "kernel_info_request")
            assert client.get("shell").parent_id == sent.msg_id
        finally:
            client.close()
    finally:
        _end(proc)


# -- parent death ------------------------------------------------------------------

PARENT = textwrap.dedent(
    """
    import os, subprocess, sys
    r, w = os.pipe()  # both ends non-inheritable; only r is passed on
    kernel = subprocess.Popen(
        [sys.executable, "-m", "split.kernel", "-f", sys.argv[1], "--parent-fd", str(r)],
        pass_fds=(r,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=open(sys.argv[2], "wb"), start_new_session=True,
    )
    os.close(r)
    print(kernel.pid, flush=True)
    sys.stdin.read()  # wait to be killed
    """
)


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs pidfd_open (Linux)")
def test_the_kernel_exits_with_its_connection_file_when_its_parent_is_killed(
    tmp_path: Path,
) -> None:
    conn, info = write_connection_file(tmp_path / "kernel.json")
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(conn), str(tmp_path / "kernel.stderr")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert parent.stdout is not None
    kernel_pid = int(parent.stdout.readline())
    try:
        client = WireClient(info)
        try:
            client.wait_for_welcome()  # the kernel runs, its watch thread too
        finally:
            client.close()
        parent.kill()
        parent.wait(TIMEOUT)
        assert wait_gone(kernel_pid, 5.0), "the kernel outlived its parent"
        # and it took its connection file along: `--existing` must not find a dead kernel
        assert not conn.exists()
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(TIMEOUT)
        if not wait_gone(kernel_pid, 0):
            os.kill(kernel_pid, signal.SIGKILL)


def test_connect_info_names_the_connection_file(kernel: KernelProcess, tmp_path: Path) -> None:
    request = kernel.execute("%connect_info")
    shown = []
    while True:
        msg = kernel.client.get("iopub")
        if msg.parent_id != request.msg_id:
            continue
        if msg.msg_type == "status" and msg.content["execution_state"] == "idle":
            break
        shown.append(str(msg.content.get("text", "")) + str(msg.content.get("data", "")))
    assert kernel.reply_to(request).content["status"] == "ok"
    assert "kernel.json" in "".join(shown)

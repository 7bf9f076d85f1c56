"""The kernel manager: start, notice death at once, restart, interrupt, shut down.

Real processes and real sockets. Each test owns its kernels and shuts them
down; the session-end check in ``tests/conftest.py`` fails the run if any is
left. Waits are on events with timeouts, never sleeps.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kernel_processes import wait_gone

from split.connection import read_connection_file
from split.death import DeathInfo
from split.errors import KernelDied, KernelStartError
from split.manager import KernelManager, default_kernel_argv

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups")

FAKE_KERNEL = Path(__file__).with_name("fake_kernel.py")


def kernel_argv() -> list[str]:
    """The real kernel; ``SPLIT_FAKE_KERNEL=1`` switches to the protocol stand-in."""
    if os.environ.get("SPLIT_FAKE_KERNEL"):
        return [
            sys.executable,
            str(FAKE_KERNEL),
            "-f",
            "{connection_file}",
            "--parent-fd",
            "{parent_fd}",
        ]
    return default_kernel_argv()


@pytest.fixture(autouse=True)
def _runtime_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    runtime = tmp_path / "runtime"
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    return runtime


@pytest.fixture
def make_manager() -> Iterator[Callable[..., KernelManager]]:
    """Started, ready managers; every one is shut down (hard) at teardown."""
    managers: list[KernelManager] = []

    def make(**kwargs: object) -> KernelManager:
        km = KernelManager(argv=kernel_argv(), **kwargs)  # type: ignore[arg-type]
        managers.append(km)
        km.start()
        km.wait_ready(timeout=20)
        return km

    yield make
    for km in managers:
        km.shutdown(now=True)


@pytest.fixture
def km(make_manager: Callable[..., KernelManager]) -> KernelManager:
    return make_manager()


def pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def run(km: KernelManager, code: str, timeout: float = 20) -> dict:
    client = km.client()
    try:
        return client.execute_interactive(code, timeout=timeout).content
    finally:
        client.stop_channels()


# -- start ---------------------------------------------------------------------


def test_start_writes_a_private_connection_file_in_the_runtime_dir(
    km: KernelManager, _runtime_dir: Path
) -> None:
    assert km.connection_file is not None and km.connection_file.parent == _runtime_dir
    assert km.connection_file.name.startswith("kernel-")
    assert km.connection_file.stat().st_mode & 0o777 == 0o600
    info = read_connection_file(km.connection_file)
    assert info == km.info and info.ip == "127.0.0.1" and len(info.key) == 64


def test_execute_round_trip_with_output(km: KernelManager) -> None:
    client = km.client()
    outputs: list[str] = []

    def hook(msg: object) -> None:
        if msg.msg_type == "stream":  # type: ignore[attr-defined]
            outputs.append(msg.content["text"])  # type: ignore[attr-defined]

    reply = client.execute_interactive("print(6*7)", output_hook=hook, timeout=20)
    client.stop_channels()
    assert reply.content["status"] == "ok"
    assert "".join(outputs) == "42\n"


def test_kernel_that_exits_at_start_gives_its_stderr_tail() -> None:
    km = KernelManager(argv=[sys.executable, "-c", "import sys; sys.exit('no kernel for you')"])
    km.start()
    try:
        with pytest.raises(KernelStartError, match=r"(?s)exited with code 1.*no kernel for you"):
            km.wait_ready(timeout=20)
    finally:
        km.shutdown(now=True)


def test_kernel_that_never_answers_is_reported() -> None:
    km = KernelManager(
        argv=[sys.executable, "-c", "import signal; print('started', flush=True); signal.pause()"]
    )
    km.start()
    try:
        with pytest.raises(KernelStartError, match=r"(?s)did not answer within 0.5 s.*started"):
            km.wait_ready(timeout=0.5)
    finally:
        km.shutdown(now=True)
    assert not km.is_alive()


# -- death ---------------------------------------------------------------------

CRASHES = {
    "os._exit": ("import os; os._exit(3)", "exited with code 3", None),
    "segfault": (
        "import ctypes; ctypes.string_at(0)",
        "killed by signal SIGSEGV (segmentation fault)",
        "SIGSEGV",
    ),
    "abort": ("import os; os.abort()", "aborted (SIGABRT)", "SIGABRT"),
}


@pytest.mark.parametrize("kind", CRASHES)
def test_crash_in_a_cell_is_detected_at_once(km: KernelManager, kind: str) -> None:
    code, described, signame = CRASHES[kind]
    seen: list[DeathInfo] = []
    called = threading.Event()

    def on_death(death: DeathInfo) -> None:
        seen.append(death)
        called.set()

    km.add_death_callback(on_death)
    client = km.client()
    with pytest.raises(KernelDied) as err:
        client.execute_interactive(code, timeout=20)
    client.stop_channels()
    assert km.died.is_set() and not km.is_alive()
    assert called.wait(5)  # callbacks run on the watcher thread, right after ``died``
    assert km.death is not None and seen == [km.death]
    assert err.value.death is km.death
    assert km.death.describe() == described
    assert km.death.signal_name == signame


def test_sigkill_from_outside_is_detected_within_100_ms(km: KernelManager) -> None:
    assert km.pid is not None
    os.kill(km.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    assert km.died.wait(0.5)
    assert km.death is not None
    assert km.death.noticed_at - killed_at < 0.1
    assert km.death.describe().startswith("killed by signal SIGKILL")


def test_execute_interactive_raises_kernel_died_promptly(km: KernelManager) -> None:
    client = km.client()
    pid = km.pid
    assert pid is not None
    raised_at: list[float] = []
    killer = threading.Timer(0.3, os.kill, (pid, signal.SIGKILL))
    killer.start()
    started = time.monotonic()
    try:
        with pytest.raises(KernelDied, match="SIGKILL"):
            client.execute_interactive("import time; time.sleep(100)", timeout=20)
        raised_at.append(time.monotonic())
    finally:
        killer.cancel()
        client.stop_channels()
    assert km.death is not None
    assert raised_at[0] - km.death.noticed_at < 0.05
    assert raised_at[0] - started < 5


def test_deliberate_shutdown_is_not_a_death(km: KernelManager) -> None:
    seen: list[DeathInfo] = []
    km.add_death_callback(seen.append)
    km.shutdown()
    assert not km.died.is_set() and seen == []


# -- restart -------------------------------------------------------------------


def test_restart_keeps_the_connection_info(km: KernelManager) -> None:
    assert km.connection_file is not None
    before_file, before_info, before_pid = km.connection_file, km.info, km.pid
    before_text = km.connection_file.read_text()
    km.restart()
    km.wait_ready(timeout=20)
    assert km.pid != before_pid and pid_gone(before_pid)  # type: ignore[arg-type]
    assert km.connection_file == before_file and km.info == before_info
    assert km.connection_file.read_text() == before_text
    assert run(km, "x = 1")["status"] == "ok"


def test_restart_after_a_crash_clears_the_death(km: KernelManager) -> None:
    assert km.pid is not None
    os.kill(km.pid, signal.SIGKILL)
    assert km.died.wait(5)
    km.restart()
    km.wait_ready(timeout=20)
    assert not km.died.is_set() and km.death is None
    assert run(km, "print(6*7)")["status"] == "ok"


def test_restart_names_a_port_another_process_took(km: KernelManager) -> None:
    import socket

    assert km.info is not None
    km.shutdown()
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past TIME_WAIT
        squatter.bind(("127.0.0.1", km.info.shell_port))
        squatter.listen()
        with pytest.raises(KernelStartError, match=f"port {km.info.shell_port} on 127.0.0.1"):
            km.start()


# -- interrupt -----------------------------------------------------------------


@pytest.mark.parametrize("code", ["while True: pass", "import time; time.sleep(100)"])
@pytest.mark.parametrize("mode", ["signal", "message"])
def test_interrupt_stops_a_running_cell(
    make_manager: Callable[..., KernelManager], code: str, mode: str
) -> None:
    km = make_manager(interrupt_mode=mode)
    client = km.client()
    busy = threading.Event()

    def hook(msg: object) -> None:
        if msg.msg_type == "execute_input":  # type: ignore[attr-defined]
            busy.set()

    def interrupt_when_busy() -> None:
        if busy.wait(20):
            km.interrupt()

    interrupter = threading.Thread(target=interrupt_when_busy)
    interrupter.start()
    reply = client.execute_interactive(code, output_hook=hook, timeout=20)
    interrupter.join()
    client.stop_channels()
    assert reply.content["status"] == "error"
    assert reply.content["ename"] == "KeyboardInterrupt"
    assert km.is_alive() and not km.died.is_set()


# -- shutdown and lifetime -----------------------------------------------------


def test_shutdown_leaves_no_process_and_no_files(km: KernelManager, _runtime_dir: Path) -> None:
    pid, path = km.pid, km.connection_file
    assert pid is not None and path is not None
    km.shutdown()
    assert pid_gone(pid) and not path.exists()
    assert list(_runtime_dir.iterdir()) == []
    km.shutdown()  # idempotent


def test_shutdown_kills_a_kernel_that_ignores_the_request(km: KernelManager) -> None:
    client = km.client()
    client.execute("import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True: pass")
    pid = km.pid
    started = time.monotonic()
    km.shutdown(grace=0.2)
    client.stop_channels()
    assert pid_gone(pid)  # type: ignore[arg-type]
    assert time.monotonic() - started < 5


def test_crashed_kernel_log_is_kept(km: KernelManager, _runtime_dir: Path) -> None:
    assert km.pid is not None
    os.kill(km.pid, signal.SIGKILL)
    assert km.died.wait(5)
    km.shutdown()
    assert [p.suffix for p in _runtime_dir.iterdir()] == [".log"]


def test_kernel_exits_when_its_manager_is_killed(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from split.manager import KernelManager
        km = KernelManager(argv={kernel_argv()!r})
        km.start()
        km.wait_ready(timeout=20)
        print(km.pid, flush=True)
        sys.stdin.read()
        """
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert parent.stdout is not None
        kernel_pid = int(parent.stdout.readline())
        parent.kill()
        parent.wait(10)
        # The kernel is not our child: watch it through a pidfd when we can.
        assert wait_gone(kernel_pid, 10), "kernel outlived its killed manager"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_forgotten_manager_is_cleaned_up_by_its_finalizer() -> None:
    km = KernelManager(argv=kernel_argv())
    km.start()
    km.wait_ready(timeout=20)
    pid, path = km.pid, km.connection_file
    assert pid is not None and path is not None
    km._finalizer()  # what garbage collection or interpreter exit runs
    assert pid_gone(pid) and not path.exists()

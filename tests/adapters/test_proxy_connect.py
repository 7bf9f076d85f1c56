"""Getting a shell: ``connect`` to a kernel someone started, ``get_shell`` in either mode.

The acceptance test: ``ipython kernel --connection-file k.json`` runs in its
own process; ``adapters.connect("k.json")`` gives a proxy that behaves like the
shell in this process (cells, the namespace, push, event callbacks, the
kernel's exceptions); closing the proxy leaves the kernel running.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from proxy_support import TIMEOUT, read_line, wait_gone

import adapters
from adapters import MODE_VARIABLE, MODES, ShellProxy, get_shell, resolve_mode
from legacy_shell._current import use_shell
from legacy_shell.api import ExecutionResult
from legacy_shell.shell import InteractiveShell
from split.client import KernelClient
from split.connection import ConnectionFileError, read_connection_file
from split.kernel.testing import ProcessState

# -- the acceptance test -------------------------------------------------------------------

#: The project's ``ipython`` script (``split.launcher:main``), as a user runs it.
IPYTHON = str(Path(sys.executable).with_name("ipython"))


@pytest.fixture
def standalone_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[subprocess.Popen[bytes]]:
    """``ipython kernel --connection-file k.json``, k.json in this test's runtime dir."""
    runtime = tmp_path / "runtime"
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
    launcher = subprocess.Popen(
        [IPYTHON, "kernel", "--connection-file", "k.json"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        env=dict(os.environ),
        cwd=tmp_path,
    )
    try:
        yield launcher
    finally:
        if launcher.poll() is None:  # the test failed before stopping it: SIGTERM, then kill
            launcher.terminate()  # its kernel exits too: it watches its parent
            try:
                launcher.wait(TIMEOUT)
            except subprocess.TimeoutExpired:
                launcher.kill()
                launcher.wait(TIMEOUT)
        assert launcher.stdout is not None
        launcher.stdout.close()


def test_connect_to_a_standalone_kernel_by_its_connection_file_name(
    standalone_kernel: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    first = read_line(standalone_kernel)  # printed once the kernel answered kernel_info
    assert first.startswith("Kernel started (pid ")
    kernel_pid = int(first.split("(pid ")[1].split(")")[0])
    connection_file = tmp_path / "runtime" / "k.json"
    assert connection_file.exists()

    proxy = adapters.connect("k.json")  # a bare name: the runtime directory
    try:
        assert isinstance(proxy, ShellProxy)
        assert proxy.kernel_pid == kernel_pid

        result = proxy.run_cell("a = 1")
        assert result.success
        assert proxy.user_ns["a"] == 1

        proxy.push({"b": 2})
        assert proxy.run_cell("a + b").result == 3

        seen: list[Any] = []
        proxy.events.register("post_run_cell", seen.append)
        proxy.run_cell("c = a * 10")
        assert len(seen) == 1
        assert isinstance(seen[0], ExecutionResult)
        assert seen[0].info.raw_cell == "c = a * 10"

        try:
            proxy.user_ns["nope"]
        except KeyError as e:
            assert "Remote traceback" in str(e)
        else:
            pytest.fail("user_ns['nope'] did not raise KeyError")
    finally:
        proxy.close()

    # closing the proxy did not stop a kernel it did not start
    client = KernelClient(read_connection_file(connection_file))
    client.start_channels()
    try:
        reply = client.request("kernel_info_request", timeout=TIMEOUT)
        assert reply.content["status"] == "ok"
        shutdown = client.request(
            "shutdown_request", {"restart": False}, channel="control", timeout=TIMEOUT
        )
        assert shutdown.content["status"] == "ok"
    finally:
        client.stop_channels()
    assert wait_gone(kernel_pid, TIMEOUT)
    assert standalone_kernel.wait(TIMEOUT) == 0


def test_a_second_connect_sees_the_first_ones_state(
    standalone_kernel: subprocess.Popen[bytes],
) -> None:
    read_line(standalone_kernel)
    with adapters.connect("k.json") as one, adapters.connect("k.json") as two:
        one.push({"shared": [1, 2]})
        assert two.user_ns["shared"] == [1, 2]
        kernel_pid = one.kernel_pid
    # SIGTERM, not SIGINT: a test run started in the background inherits SIGINT ignored
    standalone_kernel.terminate()
    assert standalone_kernel.wait(TIMEOUT) == -signal.SIGTERM
    assert wait_gone(kernel_pid, TIMEOUT)  # the kernel never outlives its launcher


def test_a_kernel_not_started_for_tests_refuses_to_replace_its_shell(
    standalone_kernel: subprocess.Popen[bytes],
) -> None:
    read_line(standalone_kernel)
    with adapters.connect("k.json") as shell:
        shell.push({"kept": 1})
        with pytest.raises(PermissionError, match="LEGACY_SHELL_RPC_NEW_SHELL=1") as error:
            shell.client.new_shell({}, {}, os.getcwd())
        assert "Traceback" not in str(error.value)  # the channel's own answer: a sentence
        assert shell.user_ns["kept"] == 1  # the shell other clients use is untouched
    standalone_kernel.terminate()
    standalone_kernel.wait(TIMEOUT)


def test_connect_to_a_missing_connection_file_fails_clearly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    with pytest.raises(ConnectionFileError, match=re.escape(str(tmp_path / "missing.json"))):
        adapters.connect("missing.json", timeout=2.0)


# -- the mode --------------------------------------------------------------------------------


def test_the_mode_is_the_argument_then_the_environment_then_inprocess(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert MODES == ("inprocess", "two-process")
    assert MODE_VARIABLE == "LEGACY_SHELL_MODE"
    monkeypatch.delenv(MODE_VARIABLE, raising=False)
    assert resolve_mode() == "inprocess"
    assert resolve_mode("two-process") == "two-process"
    monkeypatch.setenv(MODE_VARIABLE, "two-process")
    assert resolve_mode() == "two-process"
    assert resolve_mode("inprocess") == "inprocess"
    monkeypatch.setenv(MODE_VARIABLE, "")
    assert resolve_mode() == "inprocess"


@pytest.mark.parametrize("where", ["argument", "environment"])
def test_a_bad_mode_is_a_value_error_naming_the_allowed_modes(
    monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    if where == "environment":
        monkeypatch.setenv(MODE_VARIABLE, "three-process")
        call = resolve_mode
    else:
        monkeypatch.delenv(MODE_VARIABLE, raising=False)

        def call() -> str:
            return resolve_mode("three-process")

    with pytest.raises(ValueError) as caught:
        call()
    message = str(caught.value)
    assert "inprocess" in message and "two-process" in message
    assert "three-process" in message
    if where == "environment":
        assert MODE_VARIABLE in message
    with pytest.raises(ValueError):
        get_shell("three-process" if where == "argument" else None)


@pytest.fixture
def no_current_shell() -> Iterator[list[Any]]:
    """No current shell; whatever shell the test creates is ended and its changes undone."""
    created: list[Any] = []
    state = ProcessState(signals=True)
    try:
        with use_shell(None):
            yield created
    finally:
        for shell in created:
            shell.atexit_operations()
            shell.history_manager.close()
        state.restore()


def test_inprocess_is_the_default_and_gives_the_real_shell(
    no_current_shell: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(MODE_VARIABLE, raising=False)
    shell = get_shell()
    no_current_shell.append(shell)
    assert type(shell) is InteractiveShell
    assert get_shell() is shell  # now the current shell
    assert get_shell("inprocess") is shell
    assert shell.run_cell("1 + 1").result == 2


def test_inprocess_gives_the_current_shell_when_there_is_one(
    no_current_shell: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODE_VARIABLE, "inprocess")
    shell = InteractiveShell()
    no_current_shell.append(shell)
    with use_shell(shell):
        assert get_shell() is shell


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_two_process_starts_a_kernel_that_closing_the_proxy_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    if how == "argument":
        monkeypatch.delenv(MODE_VARIABLE, raising=False)
        proxy = get_shell("two-process", timeout=TIMEOUT)
    else:
        monkeypatch.setenv(MODE_VARIABLE, "two-process")
        proxy = get_shell(timeout=TIMEOUT)
    try:
        assert isinstance(proxy, ShellProxy)
        assert proxy.kernel_pid != os.getpid()
        assert _alive(proxy.kernel_pid)
        assert proxy.run_cell("import os; os.getpid()").result == proxy.kernel_pid
    finally:
        proxy.close()
    assert wait_gone(proxy.kernel_pid, TIMEOUT)
    assert list((tmp_path / "runtime").glob("*.json")) == []  # its connection file went too
    proxy.close()  # closing again is harmless

"""Functions given to the kernel stay here and are called back, whenever the kernel needs them.

An event callback, a magic or a formatter registered through a proxy runs in
this process: during one of the proxy's own calls (on the calling thread),
or when another client made the kernel run a cell (on the proxy's callback
thread). A callback may use the proxy itself; its exceptions are reported as
in-process; a client that disappears never blocks the kernel.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from proxy_support import TIMEOUT, Kernel, read_line, wait_gone

from adapters import ShellProxy
from legacy_shell.api import ExecutionInfo, ExecutionResult
from legacy_shell.errors import UsageError
from split.client import KernelClient
from split.errors import ClientTimeout


def test_a_post_run_cell_callback_runs_during_the_proxys_own_run_cell(
    proxy: ShellProxy,
) -> None:
    calls: list[tuple[Any, threading.Thread]] = []

    def post(result: Any) -> None:
        calls.append((result, threading.current_thread()))

    proxy.events.register("post_run_cell", post)
    proxy.run_cell("a = 1")
    assert len(calls) == 1  # called before run_cell returned
    result, thread = calls[0]
    assert isinstance(result, ExecutionResult)
    assert result.info.raw_cell == "a = 1"
    assert result.success
    assert thread is threading.current_thread()
    proxy.events.unregister("post_run_cell", post)
    proxy.run_cell("b = 2")
    assert len(calls) == 1


def test_a_pre_run_cell_callback_gets_the_execution_info(proxy: ShellProxy) -> None:
    infos: list[Any] = []
    proxy.events.register("pre_run_cell", infos.append)
    proxy.run_cell("c = 3", store_history=True)
    assert len(infos) == 1
    assert isinstance(infos[0], ExecutionInfo)
    assert (infos[0].raw_cell, infos[0].store_history) == ("c = 3", True)


def test_registering_something_not_callable_is_a_type_error(proxy: ShellProxy) -> None:
    with pytest.raises(TypeError):
        proxy.events.register("post_run_cell", 42)  # type: ignore[arg-type]


def _callback_recorder() -> tuple[list[Any], threading.Event, Any]:
    seen: list[Any] = []
    called = threading.Event()

    def post(result: Any) -> None:
        seen.append((result, threading.current_thread().name))
        called.set()

    return seen, called, post


def _run_from_jupyter(kernel: Kernel, code: str, called: threading.Event) -> str:
    """Run ``code`` as another (Jupyter) client; wait for ``called`` and the reply's status."""
    client = KernelClient(kernel.info)
    client.start_channels()
    try:
        msg_id = client.execute(code, allow_stdin=False)
        assert called.wait(TIMEOUT), "the callback was not called"
        reply = client.wait_for_reply(msg_id, timeout=TIMEOUT)
    finally:
        client.stop_channels()
    return str(reply.content["status"])


def test_a_cell_run_by_a_jupyter_client_calls_back_on_the_callback_thread(
    kernel: Kernel, proxy: ShellProxy
) -> None:
    seen, called, post = _callback_recorder()
    proxy.events.register("post_run_cell", post)
    assert _run_from_jupyter(kernel, "from_jupyter = 6 * 7", called) == "ok"
    ((result, thread_name),) = seen
    assert isinstance(result, ExecutionResult)
    assert result.info.raw_cell == "from_jupyter = 6 * 7"
    assert thread_name == "adapters-callbacks"
    assert proxy.user_ns["from_jupyter"] == 42


def test_a_cell_run_by_another_proxy_calls_back_on_the_callback_thread(
    kernel: Kernel, proxy: ShellProxy
) -> None:
    seen, called, post = _callback_recorder()
    proxy.events.register("post_run_cell", post)
    other = kernel.second_proxy()
    try:
        other.run_cell("from_other = 1")
        assert called.wait(TIMEOUT), "the callback was not called"
    finally:
        other.close()
    ((result, thread_name),) = seen
    assert result.info.raw_cell == "from_other = 1"
    assert thread_name == "adapters-callbacks"
    assert proxy.run_cell("from_other").result == 1  # closing the other proxy left the kernel


def test_a_magic_registered_here_runs_here_and_may_use_the_proxy(proxy: ShellProxy) -> None:
    proxy.user_ns["a"] = 5
    proxy.register_magic_function(lambda line: proxy.user_ns["a"], "line", "geta")
    assert proxy.run_line_magic("geta", "") == 5
    proxy.user_ns["a"] = 6
    assert proxy.run_cell("%geta").result == 6
    assert proxy.run_cell("got = %geta\ngot * 2").result == 12


def test_a_cell_magic_registered_here_gets_its_line_and_body(proxy: ShellProxy) -> None:
    def shout(line: str, cell: str) -> str:
        return f"{line}:{cell.upper()}"

    proxy.register_magic_function(shout, "cell")
    assert proxy.run_cell_magic("shout", "x", "body") == "x:BODY"
    assert proxy.run_cell("%%shout y\nquiet").result == "y:QUIET\n"


def test_an_exception_in_a_callback_is_reported_and_the_cell_completes(
    proxy: ShellProxy, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(result: Any) -> None:
        raise RuntimeError("broken callback")

    proxy.events.register("post_run_cell", broken)
    result = proxy.run_cell("after = 1")
    assert result.success
    assert proxy.user_ns["after"] == 1
    err = capsys.readouterr().err
    assert "Error in callback" in err
    assert "RuntimeError: broken callback" in err


def test_an_exception_in_a_magic_reaches_the_cell_that_used_it(proxy: ShellProxy) -> None:
    def failing(line: str) -> None:
        raise ValueError(f"bad {line}")

    proxy.register_magic_function(failing, "line", "failing")
    result = proxy.run_cell("%failing input")
    assert not result.success
    assert "bad input" in str(result.error_in_exec)


def test_a_formatter_registered_here_formats_in_the_kernel(proxy: ShellProxy) -> None:
    html = proxy.display_formatter.formatters["text/html"]
    html.for_type(int, lambda n: f"<b>{n}</b>")
    data, _metadata = proxy.display_formatter.format(5)
    assert data["text/html"] == "<b>5</b>"
    assert data["text/plain"] == "5"
    assert "text/html" not in proxy.display_formatter.format("text")[0]


# -- a client that goes away ------------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import sys
    import adapters

    proxy = adapters.connect(sys.argv[1], timeout=30)
    proxy.events.register("post_run_cell", lambda result: None)
    proxy.register_magic_function(lambda line: line, "line", "childmagic")
    print("ready", flush=True)
    sys.stdin.read()  # until killed
    """
)


def test_a_client_killed_with_callbacks_registered_does_not_block_the_kernel(
    kernel: Kernel, proxy: ShellProxy, tmp_path: Path
) -> None:
    script = tmp_path / "child_client.py"
    script.write_text(_CHILD)
    child = subprocess.Popen(
        [sys.executable, str(script), str(kernel.connection_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert read_line(child) == "ready\n"
        assert proxy.run_line_magic("childmagic", "hi") == "hi"  # the child answers
        child.send_signal(signal.SIGKILL)
        assert child.wait(TIMEOUT) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(TIMEOUT)
        assert child.stdin is not None and child.stdout is not None
        child.stdin.close()
        child.stdout.close()
    start = time.monotonic()
    result = proxy.run_cell("after_kill = 1")
    elapsed = time.monotonic() - start
    assert result.success
    assert elapsed < 10.0, f"the cell waited {elapsed:.1f} s for a dead client"
    start = time.monotonic()
    assert proxy.run_cell("after_kill + 1").result == 2
    assert time.monotonic() - start < 10.0
    with pytest.raises(UsageError, match="childmagic"):  # its magic went with it
        proxy.run_line_magic("childmagic", "hi")


def test_a_callback_on_the_callback_thread_may_use_the_proxy(
    kernel: Kernel, proxy: ShellProxy
) -> None:
    seen: list[Any] = []
    called = threading.Event()

    def post(result: Any) -> None:
        if result.info.raw_cell != "from_jupyter = 7":
            return  # the callback's own cell calls it again
        seen.append((proxy.user_ns.get("from_jupyter"), proxy.run_cell("inner = 1").success))
        called.set()

    proxy.events.register("post_run_cell", post)
    status = _run_from_jupyter(kernel, "from_jupyter = 7", called)
    proxy.events.unregister("post_run_cell", post)
    assert status == "ok"
    assert seen[0] == (7, True)
    assert proxy.user_ns["inner"] == 1


def test_threads_share_a_proxy_and_each_runs_its_own_callbacks(proxy: ShellProxy) -> None:
    calls: list[tuple[str, str]] = []
    errors: list[BaseException] = []

    def post(result: Any) -> None:
        calls.append((threading.current_thread().name, result.info.raw_cell))

    proxy.events.register("post_run_cell", post)

    def work(name: str) -> None:
        try:
            for i in range(20):
                proxy.user_ns[name] = i
                assert proxy.user_ns[name] == i
                proxy.run_cell(f"{name} = {name} + 1")
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work, args=(f"w{n}",), name=f"w{n}") for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert len(calls) == 80
    assert all(cell.startswith(thread) for thread, cell in calls)  # on the thread that ran it
    assert [proxy.user_ns[f"w{n}"] for n in range(4)] == [20] * 4


def test_a_callback_interrupted_here_does_not_leave_the_kernel_waiting(
    fresh_kernel: Kernel,
) -> None:
    proxy = fresh_kernel.proxy

    def interrupted(result: Any) -> None:
        raise KeyboardInterrupt

    proxy.events.register("post_run_cell", interrupted)
    with pytest.raises(KeyboardInterrupt):  # as in-process: it reaches the caller
        proxy.run_cell("q = 1")
    client = KernelClient(fresh_kernel.info)
    client.start_channels()
    try:
        reply = client.request("kernel_info_request", timeout=3.0)
    except ClientTimeout:
        reply = None
        os.kill(fresh_kernel.pid, signal.SIGKILL)  # a kernel stuck for 120 s: end it now
        assert wait_gone(fresh_kernel.pid, TIMEOUT)
    finally:
        client.stop_channels()
    assert reply is not None, "the kernel still waits for the interrupted callback's answer"
    proxy.events.unregister("post_run_cell", interrupted)
    assert proxy.run_cell("q + 1").result == 2


def test_a_slow_callback_on_the_callback_thread_keeps_its_client(fresh_kernel: Kernel) -> None:
    proxy = fresh_kernel.proxy
    cells: list[str] = []

    def post(result: Any) -> None:
        cells.append(result.info.raw_cell)
        if result.info.raw_cell == "slow = 1":
            time.sleep(1.0)  # a busy client is not a gone one

    proxy.events.register("post_run_cell", post)
    client = KernelClient(fresh_kernel.info)
    client.start_channels()
    try:
        for cell in ("slow = 1", "fast = 1"):
            reply = client.wait_for_reply(client.execute(cell, allow_stdin=False), TIMEOUT)
            assert reply.content["status"] == "ok"
    finally:
        client.stop_channels()
    assert proxy.run_cell("mine = 1").success  # the proxy still works
    assert cells == ["slow = 1", "fast = 1", "mine = 1"]  # and its callback is still there

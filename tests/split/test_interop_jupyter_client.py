"""jupyter_client's own clients run code on our kernel, from the ``legacy-shell`` kernelspec.

What every Jupyter frontend does, done with jupyter_client 8's
``KernelManager`` and ``BlockingKernelClient``: start the kernel from its
kernelspec, execute (with the messages in protocol order), complete, inspect,
is_complete, history, interrupt (by signal, as the kernelspec says, and by
``interrupt_request`` for ``interrupt_mode: message``), restart and shut down.
Every kernel started here is shut down and waited for.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from interop_helpers import (
    KERNEL_NAME,
    JupyterWorld,
    drain_until_idle,
    jupyter_world,
    our_ipython_script,
    shut_down,
    wait_reply,
)
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager, start_new_kernel

TIMEOUT = 30


@pytest.fixture(scope="module")
def world() -> Iterator[JupyterWorld]:
    with jupyter_world() as w:
        yield w


@pytest.fixture(scope="module")
def kernel(world: JupyterWorld) -> Iterator[tuple[KernelManager, Any]]:
    """One kernel for the module's read-mostly tests."""
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=TIMEOUT)
    try:
        yield km, kc
    finally:
        shut_down(km, kc)


@pytest.fixture
def kc(kernel: tuple[KernelManager, Any]) -> Any:
    return kernel[1]


@pytest.fixture
def fresh_kernel(world: JupyterWorld) -> Iterator[tuple[KernelManager, Any]]:
    """A kernel of its own, for tests that interrupt, restart or stop it."""
    km, kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=TIMEOUT)
    try:
        yield km, kc
    finally:
        shut_down(km, kc)


#: The cell says when it is running: an interrupt sent after ``execute_input`` but before
#: the user's code starts is a separate race, not what the interrupt tests are about.
RUNNING = "print('running', flush=True)\n"


def wait_until_running(kc: Any, msg_id: str) -> None:
    while True:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if (
            msg["parent_header"].get("msg_id") == msg_id
            and msg["msg_type"] == "stream"
            and "running" in msg["content"]["text"]
        ):
            return


def run(kc: Any, code: str, **kwargs: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Execute ``code``; its reply and every iopub message of it, busy to idle."""
    msg_id = kc.execute(code, **kwargs)
    reply = wait_reply(kc, msg_id)
    return reply, drain_until_idle(kc, msg_id)


def stdout_of(msgs: list[dict[str, Any]]) -> str:
    return "".join(
        m["content"]["text"]
        for m in msgs
        if m["msg_type"] == "stream" and m["content"]["name"] == "stdout"
    )


# ---------------------------------------------------------------- the setting


def test_the_ipython_script_in_the_venv_is_ours_not_ipythons() -> None:
    our_ipython_script()


def test_the_kernelspec_names_this_interpreter_and_our_kernel_module(world: JupyterWorld) -> None:
    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    assert spec.argv[:3] == [sys.executable, "-m", "split.kernel"]
    assert "{connection_file}" in spec.argv
    assert spec.language == "python"
    assert spec.interrupt_mode == "signal"
    assert spec.resource_dir.startswith(str(world.root))


# ---------------------------------------------------------------- requests


def test_kernel_info_says_python_and_protocol_5_3_or_later(kc: Any) -> None:
    reply = wait_reply(kc, kc.kernel_info())
    content = reply["content"]
    assert tuple(int(p) for p in content["protocol_version"].split(".")[:2]) >= (5, 3)
    assert content["language_info"]["name"] == "python"
    assert content["language_info"]["file_extension"] == ".py"
    assert content["status"] == "ok"


def test_execute_publishes_busy_input_outputs_idle_in_order(kc: Any) -> None:
    reply, msgs = run(kc, "print('hi')\n6*7")
    assert reply["content"]["status"] == "ok"
    types = [m["msg_type"] for m in msgs]
    assert types[0] == "status" and msgs[0]["content"]["execution_state"] == "busy"
    assert types[1] == "execute_input"
    assert types[-1] == "status" and msgs[-1]["content"]["execution_state"] == "idle"
    assert stdout_of(msgs) == "hi\n"
    (result,) = [m for m in msgs if m["msg_type"] == "execute_result"]
    assert result["content"]["data"]["text/plain"] == "42"
    assert result["content"]["execution_count"] == reply["content"]["execution_count"]


def test_execute_interactive_hands_each_output_to_the_hook(kc: Any) -> None:
    seen: list[dict[str, Any]] = []
    reply = kc.execute_interactive(
        "for i in range(3):\n    print(i)", output_hook=seen.append, timeout=TIMEOUT
    )
    assert reply["content"]["status"] == "ok"
    assert stdout_of(seen) == "0\n1\n2\n"


def test_execute_interactive_answers_input_through_the_stdin_hook(
    fresh_kernel: tuple[KernelManager, Any],
) -> None:
    _, kc = fresh_kernel  # a kernel of its own: a lost input_reply would leave it waiting
    prompts: list[str] = []

    def answer(msg: dict[str, Any]) -> None:
        prompts.append(msg["content"]["prompt"])
        kc.input("Ada")

    seen: list[dict[str, Any]] = []
    reply = kc.execute_interactive(
        "print('hello', input('name? '))",
        allow_stdin=True,
        stdin_hook=answer,
        output_hook=seen.append,
        timeout=TIMEOUT,
    )
    assert reply["content"]["status"] == "ok"
    assert prompts == ["name? "]
    assert "hello Ada" in stdout_of(seen)


def test_an_error_is_an_error_reply_and_one_error_message(kc: Any) -> None:
    reply, msgs = run(kc, "1/0")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "ZeroDivisionError"
    errors = [m for m in msgs if m["msg_type"] == "error"]
    assert len(errors) == 1
    assert not [m for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stderr"]


def test_complete_gives_matches_and_the_replaced_range(kc: Any) -> None:
    reply = wait_reply(kc, kc.complete("impo", 4))
    content = reply["content"]
    assert content["status"] == "ok"
    assert "import" in content["matches"]
    assert (content["cursor_start"], content["cursor_end"]) == (0, 4)


def test_inspect_finds_len(kc: Any) -> None:
    reply = wait_reply(kc, kc.inspect("len", 3, detail_level=0))
    content = reply["content"]
    assert content["status"] == "ok" and content["found"]
    assert "len" in content["data"]["text/plain"]


@pytest.mark.parametrize(
    ("code", "status"),
    [("x = 1", "complete"), ("for i in range(3):", "incomplete"), ("1 +* 2", "invalid")],
)
def test_is_complete(kc: Any, code: str, status: str) -> None:
    reply = wait_reply(kc, kc.is_complete(code))
    assert reply["content"]["status"] == status
    if status == "incomplete":
        assert reply["content"]["indent"] == "    "


def test_history_tail_has_the_last_cell(kc: Any) -> None:
    run(kc, "marker_for_history = 12345")
    reply = wait_reply(kc, kc.history(hist_access_type="tail", n=1, output=False, raw=True))
    (entry,) = reply["content"]["history"]
    assert entry[2] == "marker_for_history = 12345"


def test_comm_info_answers_with_an_empty_registry(kc: Any) -> None:
    reply = wait_reply(kc, kc.comm_info())
    assert reply["content"]["status"] == "ok"
    assert reply["content"]["comms"] == {}


# ---------------------------------------------------------------- lifecycle


@pytest.mark.parametrize("code", ["import time; time.sleep(100)", "while True: pass"])
def test_interrupt_by_signal_stops_the_cell_with_keyboardinterrupt(
    fresh_kernel: tuple[KernelManager, Any], code: str
) -> None:
    km, kc = fresh_kernel
    msg_id = kc.execute(RUNNING + code)
    wait_until_running(kc, msg_id)
    km.interrupt_kernel()
    reply = wait_reply(kc, msg_id, timeout=10)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    again, msgs = run(kc, "print('still here')")
    assert again["content"]["status"] == "ok"
    assert stdout_of(msgs) == "still here\n"


def test_interrupt_by_message_when_the_kernelspec_says_so(world: JupyterWorld) -> None:
    spec_dir = world.kernels / "legacy-shell-message"
    spec_dir.mkdir()
    spec = json.loads((world.kernels / KERNEL_NAME / "kernel.json").read_text())
    spec["interrupt_mode"] = "message"
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    km, kc = start_new_kernel(kernel_name="legacy-shell-message", startup_timeout=TIMEOUT)
    try:
        msg_id = kc.execute(RUNNING + "import time; time.sleep(100)")
        wait_until_running(kc, msg_id)
        km.interrupt_kernel()  # an interrupt_request on control
        reply = wait_reply(kc, msg_id, timeout=10)
        assert reply["content"]["ename"] == "KeyboardInterrupt"
    finally:
        shut_down(km, kc)


def test_restart_keeps_the_connection_and_clears_the_namespace(
    fresh_kernel: tuple[KernelManager, Any],
) -> None:
    km, kc = fresh_kernel
    run(kc, "kept = 1")
    old_pid = km.provisioner.process.pid  # type: ignore[union-attr]
    km.restart_kernel(now=False)
    assert km.provisioner.process.pid != old_pid  # type: ignore[union-attr]
    kc.wait_for_ready(timeout=TIMEOUT)
    reply, _ = run(kc, "kept")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "NameError"


def test_shutdown_request_on_control_ends_the_kernel_process(
    fresh_kernel: tuple[KernelManager, Any],
) -> None:
    km, kc = fresh_kernel
    process = km.provisioner.process  # type: ignore[union-attr]
    msg_id = kc.shutdown()
    while True:
        reply = kc.control_channel.get_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    assert reply["msg_type"] == "shutdown_reply"
    assert reply["content"]["restart"] is False
    assert process.wait(timeout=10) == 0  # it exits by itself, cleanly

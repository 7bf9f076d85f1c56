"""Our client drives ipykernel: the client layer is protocol-correct, not only our kernel.

ipykernel is started by jupyter_client from the ``python3`` kernelspec (this
interpreter, in a temporary JUPYTER_PATH); everything after that is
``split.client.KernelClient`` reading jupyter_client's connection file with
``split.connection.read_connection_file``: execute with output, complete,
inspect, is_complete, history, kernel_info, stdin, interrupt (both by
``interrupt_request`` on control and by SIGINT) and shutdown. ipykernel
would drop any message we signed wrongly, so each answer also proves our
signatures; ``bad_messages`` proves we accept all of its.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from interop_helpers import JupyterWorld, jupyter_world, shut_down
from jupyter_client.manager import KernelManager

from split.client import KernelClient
from split.connection import read_connection_file
from split.wire import Message

TIMEOUT = 30.0


@pytest.fixture(scope="module")
def world() -> Iterator[JupyterWorld]:
    with jupyter_world() as w:
        yield w


def _start_ipykernel() -> tuple[KernelManager, KernelClient]:
    km = KernelManager(kernel_name="python3")
    km.start_kernel()
    client = KernelClient(read_connection_file(km.connection_file))
    client.start_channels()
    try:
        client.wait_for_ready(timeout=TIMEOUT)
    except BaseException:
        client.stop_channels()
        km.shutdown_kernel(now=True)
        raise
    return km, client


@pytest.fixture(scope="module")
def ipykernel(world: JupyterWorld) -> Iterator[tuple[KernelManager, KernelClient]]:
    km, client = _start_ipykernel()
    try:
        yield km, client
    finally:
        client.stop_channels()
        shut_down(km)


@pytest.fixture
def client(ipykernel: tuple[KernelManager, KernelClient]) -> Iterator[KernelClient]:
    c = ipykernel[1]
    yield c
    assert c.bad_messages == 0, "our client dropped a message ipykernel sent"


@pytest.fixture
def fresh_ipykernel(world: JupyterWorld) -> Iterator[tuple[KernelManager, KernelClient]]:
    km, client = _start_ipykernel()
    try:
        yield km, client
    finally:
        client.stop_channels()
        shut_down(km)


def stdout_of(msgs: list[Message]) -> str:
    return "".join(
        m.content["text"]
        for m in msgs
        if m.msg_type == "stream" and m.content.get("name") == "stdout"
    )


def test_kernel_info_is_ipykernels(client: KernelClient) -> None:
    reply = client.request("kernel_info_request", timeout=TIMEOUT)
    assert reply.msg_type == "kernel_info_reply"
    assert reply.content["implementation"] == "ipython"
    assert reply.content["language_info"]["name"] == "python"


def test_execute_interactive_routes_outputs_and_returns_the_reply(client: KernelClient) -> None:
    seen: list[Message] = []
    reply = client.execute_interactive("print('hi')\n6*7", output_hook=seen.append, timeout=TIMEOUT)
    assert reply.msg_type == "execute_reply"
    assert reply.content["status"] == "ok"
    assert stdout_of(seen) == "hi\n"
    (result,) = [m for m in seen if m.msg_type == "execute_result"]
    assert result.content["data"]["text/plain"] == "42"
    states = [m.content["execution_state"] for m in seen if m.msg_type == "status"]
    assert states == ["busy", "idle"]


def test_an_error_reply_comes_back_with_its_traceback(client: KernelClient) -> None:
    seen: list[Message] = []
    reply = client.execute_interactive("1/0", output_hook=seen.append, timeout=TIMEOUT)
    assert reply.content["status"] == "error"
    assert reply.content["ename"] == "ZeroDivisionError"
    assert [m for m in seen if m.msg_type == "error"]


def test_complete(client: KernelClient) -> None:
    reply = client.wait_for_reply(client.complete("impo", 4), TIMEOUT)
    assert "import" in reply.content["matches"]
    assert reply.content["cursor_end"] == 4


def test_inspect(client: KernelClient) -> None:
    reply = client.wait_for_reply(client.inspect("len", 3), TIMEOUT)
    assert reply.content["found"] is True
    assert "text/plain" in reply.content["data"]


def test_is_complete(client: KernelClient) -> None:
    reply = client.wait_for_reply(client.is_complete("for i in range(3):"), TIMEOUT)
    assert reply.content["status"] == "incomplete"
    reply = client.wait_for_reply(client.is_complete("x = 1"), TIMEOUT)
    assert reply.content["status"] == "complete"


def test_history_tail(client: KernelClient) -> None:
    client.execute_interactive("history_marker = 1", timeout=TIMEOUT)
    reply = client.wait_for_reply(
        client.history(hist_access_type="tail", n=1, output=False, raw=True), TIMEOUT
    )
    assert reply.content["history"][-1][2] == "history_marker = 1"


def test_stdin_round_trip_for_input(client: KernelClient) -> None:
    prompts: list[str] = []

    def answer(request: Message) -> str:
        prompts.append(request.content["prompt"])
        return "Ada"

    seen: list[Message] = []
    reply = client.execute_interactive(
        "print('hello', input('name? '))",
        output_hook=seen.append,
        stdin_hook=answer,
        timeout=TIMEOUT,
    )
    assert reply.content["status"] == "ok"
    assert prompts == ["name? "]
    assert stdout_of(seen) == "hello Ada\n"


#: The cell says when it is running: an interrupt sent after ``execute_input`` but before
#: the user's code starts is a race inside the kernel, not what these tests are about.
RUNNING = "print('running', flush=True)\n"


def _wait_until_running(client: KernelClient, msg_id: str) -> None:
    while True:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if (
            msg.parent_id == msg_id
            and msg.msg_type == "stream"
            and "running" in msg.content["text"]
        ):
            return


def test_interrupt_request_on_control_interrupts_the_cell(
    fresh_ipykernel: tuple[KernelManager, KernelClient],
) -> None:
    _, client = fresh_ipykernel
    msg_id = client.execute(RUNNING + "import time; time.sleep(100)")
    _wait_until_running(client, msg_id)
    control = client.wait_for_reply(client.interrupt_request(), TIMEOUT, channel="control")
    assert control.msg_type == "interrupt_reply"
    reply = client.wait_for_reply(msg_id, TIMEOUT)
    assert reply.content["status"] == "error"
    assert reply.content["ename"] == "KeyboardInterrupt"


def test_sigint_interrupts_the_cell(fresh_ipykernel: tuple[KernelManager, KernelClient]) -> None:
    km, client = fresh_ipykernel
    msg_id = client.execute(RUNNING + "while True: pass")
    _wait_until_running(client, msg_id)
    km.interrupt_kernel()  # SIGINT to the kernel's process group (interrupt_mode signal)
    reply = client.wait_for_reply(msg_id, TIMEOUT)
    assert reply.content["ename"] == "KeyboardInterrupt"


def test_shutdown_request_ends_ipykernel(
    fresh_ipykernel: tuple[KernelManager, KernelClient],
) -> None:
    km, client = fresh_ipykernel
    process = km.provisioner.process  # type: ignore[union-attr]
    reply = client.wait_for_reply(client.shutdown(), TIMEOUT, channel="control")
    assert reply.msg_type == "shutdown_reply"
    assert reply.content["restart"] is False
    assert process.wait(timeout=TIMEOUT) == 0

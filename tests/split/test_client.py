"""The client: requests and replies, output routing, stdin, and bad messages dropped.

Against the real kernel over real sockets (and, for bad input, against a
hand-driven publisher that sends what no kernel should).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import zmq

from split.client import KernelClient, OutputHook
from split.connection import write_connection_file
from split.errors import ClientTimeout, KernelNotRunning, SplitError
from split.manager import KernelManager, default_kernel_argv
from split.session import Session
from split.wire import Message, serialize

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups")


@pytest.fixture(autouse=True)
def _runtime_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    return tmp_path / "runtime"


@pytest.fixture(scope="module")
def km() -> Iterator[KernelManager]:
    """One kernel for the module's read-mostly tests; shut down at the end."""
    manager = KernelManager(argv=default_kernel_argv())
    manager.start()
    try:
        manager.wait_ready(timeout=20)
        yield manager
    finally:
        manager.shutdown(now=True)


@pytest.fixture
def client(km: KernelManager) -> Iterator[KernelClient]:
    c = km.client()
    yield c
    c.stop_channels()


def collect(kinds: tuple[str, ...] = ("stream",)) -> tuple[list[Message], OutputHook]:
    seen: list[Message] = []

    def hook(msg: Message) -> None:
        if msg.msg_type in kinds:
            seen.append(msg)

    return seen, hook


def test_execute_interactive_routes_this_requests_output_in_order(client: KernelClient) -> None:
    seen: list[Message] = []
    reply = client.execute_interactive("print('a'); 1 + 1", output_hook=seen.append, timeout=20)
    kinds = [m.msg_type for m in seen]
    assert reply.msg_type == "execute_reply" and reply.content["status"] == "ok"
    assert kinds[0] == "status" and kinds[-1] == "status"
    assert seen[-1].content["execution_state"] == "idle"
    assert "execute_input" in kinds and "stream" in kinds and "execute_result" in kinds
    assert all(m.parent_id == reply.parent_id for m in seen)


def test_input_request_is_answered_by_the_stdin_hook(client: KernelClient) -> None:
    prompts: list[str] = []
    seen, hook = collect()

    def answer(msg: Message) -> str:
        prompts.append(msg.content["prompt"])
        return "Ada"

    reply = client.execute_interactive(
        "print('hi', input('name? '))", output_hook=hook, stdin_hook=answer, timeout=20
    )
    assert reply.content["status"] == "ok"
    assert prompts == ["name? "]
    assert "".join(m.content["text"] for m in seen) == "hi Ada\n"


def test_error_reply(client: KernelClient) -> None:
    reply = client.execute_interactive("1/0", timeout=20)
    assert reply.content["status"] == "error" and reply.content["ename"] == "ZeroDivisionError"


@pytest.mark.parametrize(
    ("msg_type", "content", "reply_type"),
    [
        ("kernel_info_request", {}, "kernel_info_reply"),
        ("complete_request", {"code": "impo", "cursor_pos": 4}, "complete_reply"),
        ("is_complete_request", {"code": "for x in y:"}, "is_complete_reply"),
        ("inspect_request", {"code": "len", "cursor_pos": 3, "detail_level": 0}, "inspect_reply"),
    ],
)
def test_request_waits_for_its_own_reply(
    client: KernelClient, msg_type: str, content: dict, reply_type: str
) -> None:
    stale = client.kernel_info()  # its reply arrives first and must be skipped
    reply = client.request(msg_type, content, timeout=20)
    assert reply.msg_type == reply_type and reply.parent_id != stale


def test_other_clients_output_goes_to_the_other_output_hook(km: KernelManager) -> None:
    ours, theirs = km.client(), km.client()
    try:
        others: list[Message] = []
        ours.other_output_hook = others.append
        theirs.execute_interactive("print('from them')", timeout=20)
        ours.execute_interactive("pass", timeout=20)
        texts = [m.content.get("text") for m in others if m.msg_type == "stream"]
        assert texts == ["from them\n"]
        # nothing of ours is there (status messages of the manager's own client may be)
        assert all(m.parent_header.get("session") != ours.session.session_id for m in others)
    finally:
        ours.stop_channels()
        theirs.stop_channels()


def test_get_msg_timeout_is_a_timeout_error(client: KernelClient) -> None:
    with pytest.raises(TimeoutError):
        client.get_shell_msg(timeout=0.05)
    assert issubclass(ClientTimeout, SplitError)


def test_wake_interrupts_a_wait_for_a_died_event(client: KernelClient) -> None:
    died = threading.Event()

    def die() -> None:
        died.set()
        client.wake()

    timer = threading.Timer(0.2, die)
    timer.start()
    try:
        with pytest.raises(SplitError, match="died"):
            client.execute_interactive("import time; time.sleep(1)", died=died, timeout=20)
    finally:
        timer.cancel()
    client.wait_for_reply(client.execute("pass"), timeout=20)  # still usable afterwards


def test_using_channels_that_are_not_started_is_an_error(km: KernelManager) -> None:
    assert km.info is not None
    with pytest.raises(SplitError, match="not started"):
        KernelClient(km.info).kernel_info()
    with pytest.raises(KernelNotRunning):
        KernelManager().client()


def test_bad_messages_are_dropped_and_counted(tmp_path: Path) -> None:
    _, info = write_connection_file(tmp_path / "fake.json")
    pub: zmq.Socket = zmq.Context.instance().socket(zmq.XPUB)
    pub.linger = 0
    pub.bind(info.url("iopub"))
    client = KernelClient(info)
    client.start_channels()
    try:
        pub.recv()  # the subscription: the client is listening now
        session = Session()
        good = session.msg("stream", {"name": "stdout", "text": "ok"})
        frames = serialize(good, info.key_bytes)
        pub.send_multipart([b"<IDS|MSG>", b"bad signature", *frames[2:]])
        pub.send_multipart([b"garbage"])
        pub.send_multipart(frames)
        pub.send_multipart(frames)  # a replay
        pub.send_multipart(serialize(session.msg("status", {"execution_state": "idle"}), b"k"))
        assert client.get_iopub_msg(timeout=5).content["text"] == "ok"
        with pytest.raises(ClientTimeout):
            client.get_iopub_msg(timeout=0.2)
        assert client.bad_messages == 4
    finally:
        client.stop_channels()
        pub.close()


def test_ctrl_c_while_execute_interactive_waits_calls_on_interrupt(
    client: KernelClient, km: KernelManager
) -> None:
    """The handler is there for the whole wait: the cell gets the interrupt, we get its reply."""
    import os
    import signal

    started = threading.Event()

    def hook(msg: Message) -> None:
        if msg.msg_type == "stream" and "going" in msg.content.get("text", ""):
            started.set()

    def press() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # from outside, as a tty's
        if started.wait(30):
            os.kill(os.getpid(), signal.SIGINT)

    saved = signal.signal(signal.SIGINT, signal.default_int_handler)
    presser = threading.Thread(target=press)
    presser.start()
    try:
        reply = client.execute_interactive(
            "import time; print('going', flush=True); time.sleep(30)",
            output_hook=hook,
            on_interrupt=km.interrupt,
            timeout=60,
        )
    finally:
        presser.join(30)
        signal.signal(signal.SIGINT, saved)
    assert reply.content["ename"] == "KeyboardInterrupt"

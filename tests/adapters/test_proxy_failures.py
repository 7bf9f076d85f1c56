"""When things go wrong: a dead kernel, a slow one, a hostile peer on the RPC port.

A proxy never hangs: a kernel that dies raises ``KernelDied`` (before or
during a call), one that does not answer in time raises ``CallTimeout``
naming the call. The kernel drops forged and malformed messages with a
warning in its log and goes on serving; a correctly signed call to a name that
is not part of the shell API (private, dunder, or simply not there) is
refused with ``AttributeError`` and logged.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import zmq
from proxy_support import TIMEOUT, Kernel, wait_gone

from adapters import CallTimeout, KernelDied, ShellProxy
from adapters.connect import connect_info, rpc_endpoint, start_kernel_proxy
from split.client import KernelClient
from split.rpc.codec import decode_frames, encode_frames

# -- a dead kernel ---------------------------------------------------------------------------


@pytest.fixture
def started(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ShellProxy]:
    """A proxy from ``start_kernel_proxy`` (its kernel's files in this test's runtime dir)."""
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    proxy = start_kernel_proxy(timeout=TIMEOUT)
    try:
        yield proxy
    finally:
        proxy.close()
        assert wait_gone(proxy.kernel_pid, TIMEOUT)


def test_a_call_to_a_killed_kernel_raises_kernel_died_at_once(started: ShellProxy) -> None:
    assert started.run_cell("1 + 1").result == 2
    os.kill(started.kernel_pid, signal.SIGKILL)
    assert wait_gone(started.kernel_pid, TIMEOUT)
    start = time.monotonic()
    with pytest.raises(KernelDied):
        started.run_cell("1 + 1")
    with pytest.raises(KernelDied):
        started.user_ns["x"]
    assert time.monotonic() - start < 5.0


def _run_in_thread(proxy: ShellProxy, cell: str) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = proxy.run_cell(cell)
        except BaseException as e:
            outcome["error"] = e

    thread = threading.Thread(target=run, name="test-cell", daemon=True)
    thread.start()
    return thread, outcome


def _started_event(proxy: ShellProxy) -> threading.Event:
    """Set by ``%started`` in a cell: the cell's own code is running from then on."""
    started = threading.Event()
    proxy.register_magic_function(lambda line: started.set(), "line", "started")
    return started


#: A cell that says it started, then runs long.
LONG_CELL = "%started\nimport time\ntime.sleep(30)"


def test_a_call_in_flight_when_the_kernel_is_killed_raises_kernel_died(
    started: ShellProxy,
) -> None:
    running = _started_event(started)
    thread, outcome = _run_in_thread(started, LONG_CELL)
    assert running.wait(TIMEOUT)
    killed = time.monotonic()
    os.kill(started.kernel_pid, signal.SIGKILL)
    thread.join(TIMEOUT)
    assert not thread.is_alive(), "run_cell still waits for a dead kernel"
    assert isinstance(outcome.get("error"), KernelDied), outcome
    assert time.monotonic() - killed < 5.0


def test_a_kernel_we_attached_to_is_watched_through_its_heartbeat(fresh_kernel: Kernel) -> None:
    attached = connect_info(fresh_kernel.info, timeout=TIMEOUT)  # no death event: heartbeat
    try:
        assert attached.run_cell("2 * 3").result == 6
        os.kill(fresh_kernel.pid, signal.SIGKILL)
        assert wait_gone(fresh_kernel.pid, TIMEOUT)
        start = time.monotonic()
        with pytest.raises(KernelDied):
            attached.run_cell("1")
        assert time.monotonic() - start < 10.0  # 3 missed beats of 1 s, not the call timeout
    finally:
        attached.close()


# -- a slow kernel ---------------------------------------------------------------------------


def test_a_call_without_an_answer_in_time_is_a_call_timeout_naming_it(
    fresh_kernel: Kernel,
) -> None:
    short = connect_info(fresh_kernel.info, timeout=0.3, died=fresh_kernel.manager.died)
    try:
        start = time.monotonic()
        with pytest.raises(CallTimeout) as caught:
            short.run_cell("import time; time.sleep(60)")
        assert time.monotonic() - start < 30  # the call's 0.3 s (and slack), not the cell's 60 s
        assert isinstance(caught.value, TimeoutError)
        assert "run_cell" in str(caught.value)
        fresh_kernel.manager.interrupt()
        # the late reply is ignored: the proxy goes on working once the kernel is free
        short.client.ping(timeout=TIMEOUT)
        assert short.client.call("execution_count.get", [], timeout=TIMEOUT) == 1
    finally:
        short.close()


def test_interrupting_the_kernel_stops_a_cell_a_proxy_runs(fresh_kernel: Kernel) -> None:
    proxy = fresh_kernel.proxy
    running = _started_event(proxy)
    thread, outcome = _run_in_thread(proxy, LONG_CELL)
    assert running.wait(TIMEOUT)
    fresh_kernel.manager.interrupt()  # what Ctrl-C in a frontend does
    thread.join(3.0)
    if thread.is_alive():  # not interrupted: end it, so that the test fails rather than hangs
        os.kill(fresh_kernel.pid, signal.SIGKILL)
        thread.join(TIMEOUT)
    result = outcome.get("result")
    assert result is not None, outcome
    assert isinstance(result.error_in_exec, KeyboardInterrupt)
    assert proxy.run_cell("1 + 1").result == 2


@contextlib.contextmanager
def ctrl_c_once(running: threading.Event) -> Iterator[None]:
    """Ctrl-C (SIGINT to this process) once ``running`` is set, as a user at a terminal would.

    A terminal's Ctrl-C comes from outside the process, which hands it to a thread that
    does not block it; the pressing thread blocks it, so that it does not take the signal
    itself (a thread that sends a signal to its own process may be the one to get it).
    A run started in the background inherits SIGINT ignored: Python's default handler is
    installed meanwhile, and the handler before it put back after.
    """
    saved = signal.signal(signal.SIGINT, signal.default_int_handler)

    def press() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        if running.wait(TIMEOUT):
            os.kill(os.getpid(), signal.SIGINT)

    presser = threading.Thread(target=press)
    presser.start()
    try:
        yield
    finally:
        presser.join(TIMEOUT)
        signal.signal(signal.SIGINT, saved)


def test_ctrl_c_while_a_call_waits_stops_the_cell_in_the_kernel(fresh_kernel: Kernel) -> None:
    """As in-process: Ctrl-C stops the running cell, and run_cell returns its KeyboardInterrupt."""
    proxy = fresh_kernel.proxy
    running = _started_event(proxy)  # the magic's callback runs on this (the main) thread
    started = time.monotonic()
    with ctrl_c_once(running):
        result = proxy.run_cell(LONG_CELL + "\nfinished = True")
    assert time.monotonic() - started < 10  # not the cell's 30 s
    assert isinstance(result.error_in_exec, KeyboardInterrupt)
    assert "finished" not in proxy.user_ns
    assert proxy.run_cell("1 + 1").result == 2  # and the kernel goes on


# -- a hostile peer ----------------------------------------------------------------------------


class RawPeer:
    """A DEALER on the kernel's RPC port that sends whatever frames a test gives it."""

    def __init__(self, kernel: Kernel) -> None:
        self.key = kernel.info.key_bytes
        self.context: zmq.Context[Any] = zmq.Context()
        self.socket = self.context.socket(zmq.DEALER)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(rpc_endpoint(kernel.info))

    def send(self, frames: list[bytes]) -> None:
        self.socket.send_multipart(frames)

    def recv(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        assert self.socket.poll(int(timeout * 1000)), "no answer from the kernel"
        return decode_frames(self.socket.recv_multipart(), self.key)

    def ping(self, request: int) -> None:
        """A signed ping: its ``pong`` proves every earlier message of ours was handled."""
        self.send(encode_frames({"op": "ping", "id": request}, self.key))
        reply = self.recv()
        assert (reply["op"], reply["id"], reply["value"]) == ("reply", request, "pong"), reply

    def close(self) -> None:
        self.socket.close(linger=0)
        self.context.term()


@pytest.fixture
def raw_peer(fresh_kernel: Kernel) -> Iterator[RawPeer]:
    peer = RawPeer(fresh_kernel)
    try:
        yield peer
    finally:
        peer.close()


def _signed(key: bytes, payload: bytes) -> list[bytes]:
    import hmac

    return [hmac.digest(key, payload, "sha256").hex().encode(), payload]


BAD_MESSAGES = {
    "forged signature": (
        lambda key: encode_frames({"op": "ping", "id": 99}, b"not the key"),
        "signature",
    ),
    "no signature": (lambda key: [b"", b'{"op": "ping", "id": 99}'], "signature"),
    "signed, not JSON": (lambda key: _signed(key, b"{not json"), "not valid JSON"),
    "signed, no op": (lambda key: _signed(key, b'{"id": 99}'), "string 'op'"),
    "signed, unknown op": (
        lambda key: encode_frames({"op": "format_disk", "id": 99}, key),
        "unknown RPC op",
    ),
    "three frames": (
        lambda key: [*encode_frames({"op": "ping", "id": 99}, key), b"extra"],
        "2 frames",
    ),
}


@pytest.mark.parametrize("case", list(BAD_MESSAGES))
def test_a_bad_message_is_dropped_with_a_warning_and_the_kernel_goes_on(
    fresh_kernel: Kernel, raw_peer: RawPeer, case: str
) -> None:
    make, reason = BAD_MESSAGES[case]
    raw_peer.send(make(raw_peer.key))
    raw_peer.ping(1)  # the first answer is the pong: nothing answered the bad message
    log = fresh_kernel.log()
    assert "WARNING" in log and "dropped a bad message on rpc" in log, log
    assert reason in log, log
    assert fresh_kernel.proxy.run_cell("6 * 7").result == 42


def test_a_replayed_message_is_dropped(fresh_kernel: Kernel, raw_peer: RawPeer) -> None:
    frames = encode_frames({"op": "ping", "id": 1}, raw_peer.key)
    raw_peer.send(frames)
    assert raw_peer.recv()["id"] == 1
    raw_peer.send(frames)  # the same signature again
    raw_peer.ping(2)  # answered first: the replay was not
    assert "dropped a bad message on rpc" in fresh_kernel.log()


def test_a_call_before_hello_is_refused_with_need_hello(
    fresh_kernel: Kernel, raw_peer: RawPeer
) -> None:
    raw_peer.send(encode_frames({"op": "call", "id": 5, "name": "run_cell"}, raw_peer.key))
    reply = raw_peer.recv()
    assert (reply["op"], reply["id"], reply["ok"]) == ("reply", 5, False)
    assert reply["error"]["type"] == "NeedHello"  # a client says hello and sends it again
    assert "hello" in reply["error"]["message"]
    raw_peer.ping(6)  # and the kernel goes on serving


def test_a_proxy_whose_socket_the_kernel_forgot_says_hello_again(fresh_kernel: Kernel) -> None:
    proxy = fresh_kernel.proxy
    client = proxy.client
    # the kernel forgets this client (as after a dropped connection)...
    client._socket().send_multipart(encode_frames({"op": "bye"}, client._key))
    assert proxy.run_cell("back = 41 + 1").success  # ...and the next call still works
    assert proxy.user_ns["back"] == 42


@pytest.mark.parametrize(
    "name",
    [
        "_secret",
        "__class__",
        "user_ns.__class__",
        "run_cell.__globals__",
        "user_ns._private",
        "user_ns..getitem",
        "history_manager",
        "system",
        "user_ns.clear",
    ],
)
def test_a_signed_call_outside_the_api_is_refused_and_logged(
    kernel: Kernel, proxy: ShellProxy, name: str
) -> None:
    with pytest.raises(AttributeError) as caught:
        proxy.client.call(name, [])
    assert "not a member of the shell API" in str(caught.value)
    assert f"rpc: refused {name!r}" in kernel.log()
    assert proxy.run_cell("1 + 1").result == 2


def test_a_client_function_raising_system_exit_does_not_end_the_kernel(
    fresh_kernel: Kernel,
) -> None:
    proxy = fresh_kernel.proxy

    def leave(line: str) -> None:
        raise SystemExit(3)

    proxy.register_magic_function(leave, "line", "leave")
    with pytest.raises(Exception, match="SystemExit") as caught:
        proxy.run_line_magic("leave", "")
    assert not isinstance(caught.value, KernelDied)
    assert proxy.run_cell("6 * 7").result == 42  # the kernel is still there
    assert fresh_kernel.manager.is_alive()


def test_a_call_that_stopped_waiting_leaves_no_callback_behind(fresh_kernel: Kernel) -> None:
    """A timed-out call's socket is dropped: the kernel's wait for its callback ends at once,
    and the callback never runs inside a later call."""
    short = connect_info(fresh_kernel.info, timeout=0.3, died=fresh_kernel.manager.died)
    calls: list[str] = []
    try:
        short.register_magic_function(lambda line: calls.append(line), "line", "late")
        with pytest.raises(CallTimeout):
            short.run_cell("import time\ntime.sleep(0.6)\n%late from the abandoned call")
        client = KernelClient(fresh_kernel.info)
        client.start_channels()
        try:  # the kernel is free again well before the 120 s callback timeout
            reply = client.request("kernel_info_request", timeout=5.0)
        finally:
            client.stop_channels()
        assert reply.content["status"] == "ok"
        assert short.run_cell("1 + 1", store_history=False).result == 2
        assert calls == []  # the abandoned call's callback did not run in this one
    finally:
        short.close()


def test_ctrl_c_in_a_call_made_from_a_callback_interrupts_that_call(
    fresh_kernel: Kernel,
) -> None:
    proxy = fresh_kernel.proxy
    running = _started_event(proxy)

    def inner(line: str) -> bool:  # a magic of ours that runs a long cell in the kernel
        result = proxy.run_cell(LONG_CELL + "\nfinished = True")
        return isinstance(result.error_in_exec, KeyboardInterrupt)

    proxy.register_magic_function(inner, "line", "inner")
    started = time.monotonic()
    with ctrl_c_once(running):
        interrupted = proxy.run_line_magic("inner", "")
        # both calls are over: the handler they found is back
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert interrupted is True  # the innermost call's cell got the KeyboardInterrupt
    assert time.monotonic() - started < 10
    assert proxy.run_cell("1 + 1").result == 2


def test_ctrl_c_while_a_callbacks_own_code_runs_raises_in_that_code(fresh_kernel: Kernel) -> None:
    """As in-process: the Ctrl-C lands in the code that runs, here the client's callback.

    The callback is a magic of ours that is busy in this process when Ctrl-C comes
    (before it calls the kernel again): ``KeyboardInterrupt`` is raised in it, the
    kernel's magic call fails with it, and it comes back out of ``run_line_magic``.
    """
    proxy = fresh_kernel.proxy
    busy = threading.Event()

    def inner(line: str) -> None:  # a magic of ours: busy here, then a long cell in the kernel
        busy.set()
        # busy for 30 s, interrupted here by the Ctrl-C (short sleeps: a signal that comes
        # just before a blocking call is handled only when it returns, in any Python program)
        for _ in range(3000):
            time.sleep(0.01)
        proxy.run_cell(LONG_CELL)

    proxy.register_magic_function(lambda line: None, "line", "started")
    proxy.register_magic_function(inner, "line", "inner")
    started = time.monotonic()
    with ctrl_c_once(busy):
        with pytest.raises(KeyboardInterrupt):
            proxy.run_line_magic("inner", "")
        # the call is over: the handler it found is back
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert time.monotonic() - started < 10
    assert proxy.run_cell("1 + 1").result == 2

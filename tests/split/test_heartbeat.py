"""The heartbeat monitor: an attached kernel that stops answering is declared dead on time.

Dead means no echo for ``period * misses`` seconds: a stopped (SIGSTOP) or
killed kernel is reported after at least ``(misses - 1) * period`` (it may
have answered up to a period before it stopped) and at most
``period * misses`` plus a scheduling margin; a live kernel never is.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from split.client import KernelClient
from split.errors import KernelDied
from split.heartbeat import HeartbeatMonitor
from split.manager import KernelManager, default_kernel_argv

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

PERIOD, MISSES, MARGIN = 0.2, 3, 0.25


@pytest.fixture
def km(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[KernelManager]:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    manager = KernelManager(argv=default_kernel_argv())
    manager.start()
    try:
        manager.wait_ready(timeout=20)
        yield manager
    finally:
        if manager.pid is not None and manager.is_alive():
            os.kill(manager.pid, signal.SIGCONT)
        manager.shutdown(now=True)


def monitor(km: KernelManager) -> tuple[HeartbeatMonitor, threading.Event]:
    dead = threading.Event()
    calls: list[float] = []

    def on_dead() -> None:
        calls.append(time.monotonic())
        dead.set()

    assert km.info is not None
    hb = HeartbeatMonitor(km.info, period=PERIOD, misses=MISSES, on_dead=on_dead)
    hb.calls = calls  # type: ignore[attr-defined]
    return hb, dead


def beats(hb: HeartbeatMonitor, n: int) -> None:
    """Wait until ``n`` more echoes came back (watching the monitor's own record)."""
    for _ in range(n):
        hb.beat.clear()
        assert hb.beat.wait(5), "no heartbeat echo"


def test_a_live_kernel_is_never_declared_dead(km: KernelManager) -> None:
    hb, dead = monitor(km)
    hb.start()
    try:
        assert not dead.wait(PERIOD * MISSES * 3)
        assert hb.is_beating
    finally:
        hb.stop()


@pytest.mark.parametrize("sig", [signal.SIGSTOP, signal.SIGKILL])
def test_a_silent_kernel_is_declared_dead_on_time(km: KernelManager, sig: int) -> None:
    hb, dead = monitor(km)
    hb.start()
    try:
        beats(hb, 2)
        assert km.pid is not None
        os.kill(km.pid, sig)
        silenced = time.monotonic()
        assert dead.wait(PERIOD * MISSES + 2)
        elapsed = hb.calls[0] - silenced  # type: ignore[attr-defined]
        assert (MISSES - 1) * PERIOD - 0.05 <= elapsed <= MISSES * PERIOD + MARGIN
        assert hb.calls == [hb.calls[0]]  # type: ignore[attr-defined]
        assert not hb.is_beating
    finally:
        hb.stop()


def test_stop_ends_the_thread_without_calling_on_dead(km: KernelManager) -> None:
    hb, dead = monitor(km)
    hb.start()
    beats(hb, 1)
    hb.stop()
    assert km.pid is not None
    os.kill(km.pid, signal.SIGSTOP)
    assert not dead.wait(PERIOD * MISSES + MARGIN)


def test_bad_parameters_are_refused(km: KernelManager) -> None:
    assert km.info is not None
    with pytest.raises(ValueError):
        HeartbeatMonitor(km.info, period=0)
    with pytest.raises(ValueError):
        HeartbeatMonitor(km.info, misses=0)


def test_an_attached_client_raises_kernel_died_when_the_heartbeat_stops(km: KernelManager) -> None:
    assert km.info is not None and km.pid is not None
    client = KernelClient(km.info)
    hb = HeartbeatMonitor(km.info, period=PERIOD, misses=MISSES, on_dead=client.wake)
    client.death_watch = hb
    client.start_channels()
    hb.start()
    try:
        assert client.wait_for_ready(timeout=20).msg_type == "kernel_info_reply"
        os.kill(km.pid, signal.SIGSTOP)
        with pytest.raises(KernelDied, match="the kernel died"):
            client.execute_interactive("pass", timeout=20)
        assert hb.dead.is_set()
    finally:
        hb.stop()
        client.stop_channels()

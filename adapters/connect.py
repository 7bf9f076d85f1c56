"""Getting a shell: ``connect`` to a running kernel, ``get_shell`` for either mode.

``connect`` reads the connection file (a bare name is looked up in the Jupyter
runtime directory, as ``ipython --existing`` does), asks the kernel where its
RPC channel is (``kernel_info_reply`` carries ``legacy_shell.rpc``; asked on
the control channel, so a busy kernel still answers), connects and says hello.
It works for any kernel of ours, whoever started it, over TCP too. A kernel we
did not start is watched through its heartbeat, so a dead one raises
``KernelDied`` instead of timing out.

``get_shell(mode)``: ``inprocess`` gives the real shell of this process (the
current one, or a new one); ``two-process`` starts a kernel, returns a proxy
to it and stops the kernel when the proxy is closed or the program exits.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from split.client import KernelClient
from split.connection import ConnectionInfo, read_connection_file, resolve_connection_file
from split.errors import SplitError

from .client import RpcClient
from .errors import KernelDied, ProxyError
from .proxy import ShellProxy

__all__ = ["MODES", "MODE_VARIABLE", "connect", "connect_info", "get_shell", "resolve_mode"]

#: The environment variable that picks the mode when no argument does.
MODE_VARIABLE = "LEGACY_SHELL_MODE"
MODES = ("inprocess", "two-process")


class NoRpcChannel(ProxyError):
    """The kernel does not announce a shell RPC channel (not one of ours, or too old)."""


def rpc_endpoint(info: ConnectionInfo, timeout: float = 10.0) -> str:
    """Where the kernel's RPC channel listens, from its ``kernel_info_reply``."""
    client = KernelClient(info)
    try:
        client.start_channels()
        reply = client.request("kernel_info_request", channel="control", timeout=timeout)
    except SplitError as e:
        raise KernelDied(message=f"the kernel did not answer kernel_info: {e}") from None
    finally:
        client.stop_channels()
    rpc = (reply.content.get("legacy_shell") or {}).get("rpc")
    if not isinstance(rpc, dict) or "port" not in rpc:
        name = reply.content.get("implementation", "this kernel")
        raise NoRpcChannel(
            f"{name} has no shell RPC channel: only legacy-shell kernels "
            "(`ipython kernel`) can be driven through a proxy"
        )
    transport, ip = str(rpc.get("transport", "tcp")), str(rpc.get("ip", info.ip))
    if transport == "ipc":
        return f"ipc://{ip}-rpc"
    if ip in ("0.0.0.0", "*", ""):
        ip = info.ip if info.ip not in ("0.0.0.0", "*", "") else "127.0.0.1"
    host = f"[{ip}]" if ":" in ip else ip
    return f"{transport}://{host}:{int(rpc['port'])}"


def connect_info(
    info: ConnectionInfo,
    *,
    timeout: float = 60.0,
    died: threading.Event | None = None,
    on_close: Callable[[], None] | None = None,
    interrupt: Callable[[], None] | None = None,
) -> ShellProxy:
    """A proxy to the kernel ``info`` describes; ``died`` (if given) replaces the heartbeat."""
    monitor = None
    if died is None:
        from split.heartbeat import HeartbeatMonitor

        monitor = HeartbeatMonitor(info, period=1.0, misses=3)
        monitor.start()
        died = monitor.died
    client = RpcClient(
        rpc_endpoint(info, min(timeout, 10.0)), info.key_bytes, timeout=timeout, died=died
    )
    client.interrupt = interrupt or (lambda: _interrupt_request(info))
    if monitor is not None:
        client.alive_hint = lambda: _heartbeat_hint(monitor)

    def close() -> None:
        if monitor is not None:
            monitor.stop()
        if on_close is not None:
            on_close()

    try:
        client.start()
        return ShellProxy(client, on_close=close)  # checks the member table
    except BaseException:
        client.close()
        close()
        raise


def _interrupt_request(info: ConnectionInfo) -> None:
    """Interrupt a kernel we did not start: ``interrupt_request`` on its control channel."""
    client = KernelClient(info)
    try:
        client.start_channels()
        client.request("interrupt_request", channel="control", timeout=5.0)
    except SplitError:
        pass  # a dead or stuck kernel: the call's wait reports it
    finally:
        client.stop_channels()


def _heartbeat_hint(monitor: Any) -> str:
    """For a timeout's message: whether the kernel still answers its heartbeat."""
    silent = time.monotonic() - monitor.last_beat
    if silent > 2 * monitor.period:
        return f" (its heartbeat has not answered for {silent:.1f} s: it may have died)"
    return " (it is alive: the call is still running)"


def connect(connection_file: str | os.PathLike[str], *, timeout: float = 60.0) -> ShellProxy:
    """A proxy to the running kernel of ``connection_file`` (bare names: the runtime dir)."""
    path = resolve_connection_file(connection_file)
    return connect_info(read_connection_file(path), timeout=timeout)


def resolve_mode(mode: str | None = None) -> str:
    """The mode: the argument, else ``$LEGACY_SHELL_MODE``, else ``inprocess``."""
    chosen = mode or os.environ.get(MODE_VARIABLE) or "inprocess"
    if chosen not in MODES:
        source = "mode" if mode else MODE_VARIABLE
        raise ValueError(f"{source} must be one of {', '.join(MODES)}, not {chosen!r}")
    return chosen


def get_shell(mode: str | None = None, *, timeout: float = 60.0) -> Any:
    """The shell in this process (``inprocess``) or a proxy to a new kernel (``two-process``)."""
    if resolve_mode(mode) == "inprocess":
        return _inprocess_shell()
    return start_kernel_proxy(timeout=timeout)


def start_kernel_proxy(
    *,
    timeout: float = 60.0,
    env: dict[str, str] | None = None,
    connection_file: str | os.PathLike[str] | None = None,
) -> ShellProxy:
    """Start a kernel of ours; a proxy that stops it when closed (or at exit)."""
    from split.manager import KernelManager

    manager = KernelManager(connection_file, env=env)
    manager.start()
    try:
        manager.wait_ready(timeout=min(timeout, 30.0))
        assert manager.info is not None
        stopped = False

        def stop() -> None:
            nonlocal stopped
            if not stopped:
                stopped = True
                atexit.unregister(stop)
                manager.shutdown()

        proxy = connect_info(
            manager.info,
            timeout=timeout,
            died=manager.died,
            on_close=stop,
            interrupt=manager.interrupt,
        )
    except BaseException:
        manager.shutdown(now=True)
        raise
    atexit.register(proxy.close)
    return proxy


def _inprocess_shell() -> Any:
    from legacy_shell._current import get_ipython

    shell = get_ipython()
    if shell is not None:
        return shell
    from legacy_shell.factory import build_shell

    return build_shell()

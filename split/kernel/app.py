"""The kernel process: ``python -m split.kernel -f FILE [--parent-fd N] [--ip ADDR] [--transport T]``.

Builds, in this order and nothing more: the connection info (read from FILE,
or FILE created with free ports and a new key when it does not exist), the
ZeroMQ channels (bound first, so a taken port fails fast with one clear line
and a non-zero exit, never a restart loop), and the core; then serves until
shutdown. The ``legacy_shell`` shell (the user's config file,
``LEGACY_SHELL_DIR``-aware paths), the interpreter and the kernel-side magics
are built on a background thread started once the channels are bound, while
the core already answers ``kernel_info`` from static data
(:mod:`.lazy`); the shell is made current and the user's start-up files run on
the main thread, before the first request that needs the shell. SIGTERM shuts
down cleanly; SIGINT interrupts a running cell and never ends an idle kernel.
Diagnostics go to stderr through ``logging``. Heavy modules (jedi,
prompt_toolkit, pygments) are left for the first request that needs them.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..connection import (
    ConnectionFileError,
    ConnectionInfo,
    read_connection_file,
    resolve_connection_file,
    write_connection_file,
)
from ..session import Session
from ..transport import TransportError

if TYPE_CHECKING:
    from legacy_shell.api import ShellAPI

    from .sink import Publish
    from .stdin import RequestInput

__all__ = ["KernelOptions", "main", "parse_args"]

PROG = "python -m split.kernel"
log = logging.getLogger("split.kernel")

#: Exit statuses: the manager tells a bad start from a crash by them.
EXIT_CONNECTION_FILE = 2
EXIT_TRANSPORT = 3


@dataclass
class KernelOptions:
    """The command line, parsed."""

    connection_file: str
    parent_fd: int | None = None
    pdeathsig: bool = False
    ip: str = "127.0.0.1"
    transport: str = "tcp"
    log_level: str = "WARNING"
    #: ``OUT,ERR,LOG`` from our manager: the read ends of the pipes behind fds 1 and 2,
    #: and the log file (see :mod:`.fdcapture`); absent: the kernel makes its own pipes.
    output_fds: str | None = None


def _valid_output_fds(spec: str) -> bool:
    parts = spec.split(",")
    return len(parts) == 3 and all(part.isdigit() for part in parts)


def parse_args(argv: Sequence[str]) -> KernelOptions:
    """The command line (argparse: a mistake is a message on stderr and status 2)."""
    import argparse

    p = argparse.ArgumentParser(prog=PROG, description="Run a legacy-shell kernel.")
    p.add_argument(
        "-f", "--connection-file", required=True, help="connection file (made if missing)"
    )
    p.add_argument("--parent-fd", type=int, default=None, help="exit when this pipe closes")
    p.add_argument(
        "--pdeathsig",
        action="store_true",
        help="also ask Linux to kill the kernel with its parent (launch from a long-lived thread)",
    )
    p.add_argument("--ip", default="127.0.0.1", help="address to listen on (new files only)")
    p.add_argument("--transport", choices=("tcp", "ipc"), default="tcp")
    p.add_argument("--log-level", default="WARNING", help="logging level for stderr")
    p.add_argument(
        "--output-fds",
        default=None,
        metavar="OUT,ERR,LOG",
        help="pipes behind fds 1 and 2 and the log file, from the kernel manager",
    )
    opts = KernelOptions(**vars(p.parse_args(list(argv))))
    if opts.output_fds is not None and not _valid_output_fds(opts.output_fds):
        p.error(f"--output-fds takes three descriptor numbers OUT,ERR,LOG, not {opts.output_fds!r}")
    return opts


def _connection(opts: KernelOptions) -> tuple[Path, ConnectionInfo]:
    path = resolve_connection_file(opts.connection_file)
    if path.exists():
        return path, read_connection_file(path)
    return write_connection_file(path, ip=opts.ip, transport=opts.transport)


def _build_shell() -> Any:
    from legacy_shell.config import load_user_config
    from legacy_shell.factory import build_shell
    from legacy_shell.paths import ShellPaths

    from .settings import apply_environment

    paths = ShellPaths.from_env()
    config = load_user_config(paths.config_file, log.warning)
    apply_environment(config, log.warning)  # what the command line that started us said
    return build_shell(config, paths)


def _register_kernel_magics(shell: ShellAPI, connection_file: Path) -> None:
    """The kernel's own magics (``%connect_info``, ``%restart``, ...) on its shell."""
    from .magics import KernelMagics

    shell.register_magics(KernelMagics(shell, connection_file=connection_file))


def _build_interpreter(publish: Publish, ask: RequestInput, connection_file: Path) -> Any:
    """The shell, the interpreter over it, ``%connect_info``: any thread (see :mod:`.lazy`)."""
    from .interpreter import Interpreter

    shell = _build_shell()
    interpreter = Interpreter(shell, publish, ask)
    _register_kernel_magics(shell, connection_file)
    return interpreter


def _finish(interpreter: Any) -> None:
    """On the thread that serves requests: the shell is current there; start-up files run.

    They run inside the request that first needs the shell, their output
    published to that request's client (see ``Interpreter.run_startup``).
    """
    from legacy_shell._current import set_current

    set_current(interpreter.shell)
    interpreter.run_startup()


def main(argv: Sequence[str] | None = None) -> int:
    """Run a kernel until it is shut down; the exit status.

    The channels are bound before anything that is not needed for it (the
    parent watch, the core, the shell): a client that connected before the
    kernel listened retries every 100 ms (ZeroMQ's reconnect interval), so
    binding a few ms earlier can answer its first request 100 ms sooner.
    """
    jupyter_parent = _jupyter_parent()  # read now: the parent may die while we start
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    capture = _capture_output(opts)
    diagnostics = capture.log_stream()  # never the pipes: the user's output is not for logs
    logging.basicConfig(
        stream=diagnostics,
        level=opts.log_level.upper(),
        format="[split.kernel %(asctime)s %(levelname)s] %(message)s",
    )
    faulthandler.enable(file=diagnostics)  # a crash's Python traceback, in the log
    try:
        path, info = _connection(opts)
    except (ConnectionFileError, OSError) as e:
        print(f"{PROG}: {e}", file=diagnostics)
        return EXIT_CONNECTION_FILE

    from ..transport.zmq import ZmqKernelChannels

    session = Session()
    channels = ZmqKernelChannels(info, session)
    try:
        channels.bind()
    except TransportError as e:
        print(f"{PROG}: cannot listen: {e} (connection file {path})", file=diagnostics)
        return EXIT_TRANSPORT
    if not _watch_parent(opts, jupyter_parent, path):
        log.warning("the parent process is gone: the kernel exits")
        channels.close()
        return 0

    from .core import KernelCore
    from .kernelinfo import kernel_info
    from .lazy import LazyInterpreter

    lazy: LazyInterpreter | None = None

    def make_interpreter(publish: Publish, ask: RequestInput) -> LazyInterpreter:
        nonlocal lazy
        lazy = LazyInterpreter(
            lambda: _build_interpreter(publish, ask, path), kernel_info, finish=_finish
        )
        return lazy

    core = KernelCore(channels, session, make_interpreter)
    _watch_signals(core)
    capture.start(lambda name, text: core.publish_output("stream", {"name": name, "text": text}))
    assert lazy is not None
    _serve_rpc(core, channels, info, lazy, path)
    lazy.start_building()
    log.info("kernel %d serving %s", os.getpid(), path)
    core.run()
    return 0


def _capture_output(opts: KernelOptions) -> Any:
    """Pipes behind fds 1 and 2 (:mod:`.fdcapture`): the manager's, or our own."""
    from .fdcapture import OutputCapture

    if opts.output_fds is not None:
        return OutputCapture.from_manager(opts.output_fds)
    return OutputCapture.of_this_process()


def _watch_signals(core: Any) -> None:
    """SIGTERM shuts down cleanly, SIGINT interrupts: both handled at once (:mod:`.sigwatch`)."""
    from .sigwatch import SignalWatchdog, Watched

    sigint = Watched(core.sigint_handler)
    core.sigint_handler = sigint  # installed by the core's run(), counted here
    sigterm = Watched(lambda signum, frame: core.stop())
    SignalWatchdog({signal.SIGINT: sigint, signal.SIGTERM: sigterm}).install()


def _serve_rpc(core: Any, channels: Any, info: ConnectionInfo, lazy: Any, path: Path) -> None:
    """Open the RPC channel of the shell proxy and announce it in ``kernel_info_reply``.

    The socket is bound now; the server behind it is built (and imported) when
    the first message arrives, so the kernel's first reply is not delayed. A
    kernel that cannot open the channel still serves Jupyter clients: it says
    why and goes on.
    """
    import zmq

    from ..rpc.endpoint import RpcEndpoint
    from .testing import KernelShellHost

    try:
        endpoint = RpcEndpoint(channels.context, info)
    except zmq.ZMQError as e:
        log.warning("the shell proxy's RPC channel is not available: %s", e)
        return
    host = KernelShellHost(lazy.get, path, _register_kernel_magics)  # captures the process now
    allow_new_shell = os.environ.get("LEGACY_SHELL_RPC_NEW_SHELL") == "1"  # test kernels only
    server: Any = None

    def serve() -> Any:
        nonlocal server
        if server is None:
            from ..rpc.server import RpcServer

            server = RpcServer(
                endpoint,
                info.key_bytes,
                host,
                executing=core.executing,
                begin_request=core.begin_request,
                settle_interrupt=core.settle_interrupt,
                allow_new_shell=allow_new_shell,
            )
        return server

    channels.add_reader(endpoint.socket, lambda: serve().on_readable())
    channels.add_reader(endpoint.monitor, lambda: serve().on_monitor())
    core.kernel_info_extra = {"legacy_shell": {"rpc": endpoint.announce()}}


def _jupyter_parent() -> tuple[int, bool] | None:
    """``JPY_PARENT_PID`` (set by Jupyter tools), and whether it is our parent right now."""
    value = os.environ.get("JPY_PARENT_PID", "")
    if not value.isdigit():
        return None
    return int(value), os.getppid() == int(value)


def _parent_gone(connection_file: Path) -> Callable[[], None]:
    """Exit, taking the connection file along: the frontend that wrote it is gone, so it
    only names a dead kernel (``ipython --existing`` would otherwise pick it)."""

    def gone() -> None:
        from .parentwatch import exit_now

        try:
            connection_file.unlink()
        except OSError:
            pass
        exit_now()

    return gone


def _watch_parent(
    opts: KernelOptions, jupyter_parent: tuple[int, bool] | None, connection_file: Path
) -> bool:
    """Never outlive the parent (:mod:`.parentwatch`); False if it is already gone."""
    if opts.parent_fd is not None:
        from .parentwatch import set_parent_death_signal, watch_parent_fd

        # a parent already gone: end-of-file at once
        watch_parent_fd(opts.parent_fd, _parent_gone(connection_file))
        if opts.pdeathsig:
            set_parent_death_signal()
    elif jupyter_parent is not None:
        # started by a Jupyter tool: do not outlive it either
        from .parentwatch import watch_parent_pid

        pid, was_parent = jupyter_parent
        if watch_parent_pid(pid, _parent_gone(connection_file)) is None and was_parent:
            return False  # it was our parent when we started, and is gone
    return True

"""The kernel process: ``python -m split.kernel -f FILE [--parent-fd N] [--ip ADDR] [--transport T]``.

Builds, in this order and nothing more: the connection info (read from FILE,
or FILE created with free ports and a new key when it does not exist), the
ZeroMQ channels (bound first, so a taken port fails fast with one clear line
and a non-zero exit, never a restart loop), the ``legacy_shell`` shell (the
user's config file, ``LEGACY_SHELL_DIR``-aware paths), the interpreter, the
kernel-side magics, and the core; then serves until shutdown. SIGTERM shuts
down cleanly; SIGINT interrupts a running cell and never ends an idle kernel.
Diagnostics go to stderr through ``logging``. Heavy modules (jedi,
prompt_toolkit, pygments) are left for the first request that needs them.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..connection import (
    ConnectionFileError,
    ConnectionInfo,
    read_connection_file,
    resolve_connection_file,
    write_connection_file,
)
from ..session import Session
from ..transport import TransportError

__all__ = ["main", "parse_args"]

PROG = "python -m split.kernel"
log = logging.getLogger("split.kernel")

#: Exit statuses: the manager tells a bad start from a crash by them.
EXIT_CONNECTION_FILE = 2
EXIT_TRANSPORT = 3


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
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
    return p.parse_args(list(argv))


def _connection(opts: argparse.Namespace) -> tuple[Path, ConnectionInfo]:
    path = resolve_connection_file(opts.connection_file)
    if path.exists():
        return path, read_connection_file(path)
    return write_connection_file(path, ip=opts.ip, transport=opts.transport)


def _build_shell() -> Any:
    from legacy_shell._current import set_current
    from legacy_shell.config import ShellConfig
    from legacy_shell.errors import ConfigError
    from legacy_shell.paths import ShellPaths
    from legacy_shell.shell import InteractiveShell

    paths = ShellPaths.from_env()
    config = ShellConfig()
    try:
        config.load_file(paths.config_file)
    except ConfigError as e:
        log.warning("%s; using the defaults", e)
        config = ShellConfig()
    shell = InteractiveShell(config=config, paths=paths)
    set_current(shell)
    return shell


def _register_kernel_magics(shell: Any, connection_file: Path) -> None:
    """Register ``split.kernel.magics.KernelMagics`` (``%connect_info``) when it ships."""
    if importlib.util.find_spec("split.kernel.magics") is None:
        return
    module = importlib.import_module("split.kernel.magics")
    register = getattr(module, "register", None)
    if register is not None:
        register(shell, connection_file)
    else:
        shell.register_magics(module.KernelMagics(shell, connection_file=connection_file))


def main(argv: Sequence[str] | None = None) -> int:
    """Run a kernel until it is shut down; the exit status."""
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=opts.log_level.upper(),
        format="[split.kernel %(asctime)s %(levelname)s] %(message)s",
    )
    if opts.parent_fd is not None:
        from .parentwatch import set_parent_death_signal, watch_parent_fd

        watch_parent_fd(opts.parent_fd)
        if opts.pdeathsig:
            set_parent_death_signal()
    elif os.environ.get("JPY_PARENT_PID", "").isdigit():
        # started by a Jupyter tool: do not outlive it either
        from .parentwatch import watch_parent_pid

        watch_parent_pid(int(os.environ["JPY_PARENT_PID"]))
    try:
        path, info = _connection(opts)
    except (ConnectionFileError, OSError) as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return EXIT_CONNECTION_FILE

    from ..transport.zmq import ZmqKernelChannels

    session = Session()
    channels = ZmqKernelChannels(info, session)
    try:
        channels.bind()
    except TransportError as e:
        print(f"{PROG}: cannot listen: {e} (connection file {path})", file=sys.stderr)
        return EXIT_TRANSPORT

    from .core import KernelCore
    from .interpreter import Interpreter

    shell = _build_shell()
    core = KernelCore.create(channels, session, lambda pub, ask: Interpreter(shell, pub, ask))
    _register_kernel_magics(shell, path)
    signal.signal(signal.SIGTERM, lambda signum, frame: core.stop())
    try:
        shell.run_startup(pythonstartup=False)
    except Exception:
        log.exception("start-up files failed")
    log.info("kernel %d serving %s", os.getpid(), path)
    core.run()
    return 0

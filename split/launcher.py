"""The ``ipython`` command: one launcher above both modes.

In-process mode is ``legacy_shell``'s own command line, unchanged; the
two-process mode, the standalone kernel, attaching to a kernel and the
kernelspec installer live here, so ``legacy_shell`` never imports ``split``.

- ``ipython kernel [--connection-file F] [--ip ADDR] [--transport tcp|ipc]``
- ``ipython kernelspec install [--user | --sys-prefix | --prefix P] [--name N]``
- ``ipython --two-process [the usual options]``
- ``ipython --existing [FILE] [the usual options]``
- anything else: ``legacy_shell.cli.main`` (one process, as always).

A mistake on the command line is one line on stderr and status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

__all__ = ["main", "run_standalone_kernel", "split_mode_flags"]

PROG = "ipython"


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors and status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def split_mode_flags(argv: list[str]) -> tuple[str | None, str | None, list[str]]:
    """``(mode, existing_file, rest)``: the launcher's own flags taken out of ``argv``.

    Only options before the first positional argument (``FILE``, or what
    follows ``-m MODULE``) count: ``ipython script.py --two-process`` passes
    the flag to the script. ``--existing`` takes the next word as its file
    unless it starts with ``-``; ``--existing=FILE`` also works.
    """
    from legacy_shell.cli import TAKES_VALUE, options_end

    end = options_end(argv, optional_value=frozenset({"--existing"}))
    mode: str | None = None
    existing: str | None = None
    rest: list[str] = []
    i = 0
    while i < end:
        arg = argv[i]
        if arg == "--two-process":
            mode = mode or "two-process"
        elif arg == "--existing":
            mode = "existing"
            if i + 1 < end and not argv[i + 1].startswith("-"):
                existing = argv[i + 1]
                i += 1
        elif arg.startswith("--existing="):
            mode, existing = "existing", arg.split("=", 1)[1] or None
        elif arg in TAKES_VALUE:
            rest += argv[i : i + 2]
            i += 1
        else:
            rest.append(arg)
        i += 1
    return mode, existing, rest + argv[end:]


def _kernel_command(argv: list[str]) -> int:
    parser = _Parser(prog=f"{PROG} kernel", description="Run a standalone kernel.")
    parser.add_argument(
        "--connection-file",
        "-f",
        metavar="F",
        help="connection file: used when it exists, created when not (a bare name lives "
        "in the Jupyter runtime directory)",
    )
    parser.add_argument("--ip", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--transport", choices=("tcp", "ipc"), default="tcp")
    try:
        opts = parser.parse_args(argv)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 2
    return run_standalone_kernel(opts.connection_file, ip=opts.ip, transport=opts.transport)


def _attach_name(path: Path) -> str:
    """How to name ``path`` to ``--existing``: the bare name when it is in the runtime dir."""
    from .connection import runtime_dir

    try:
        if path.parent.resolve() == runtime_dir().resolve():
            return path.name
    except OSError:
        pass
    return str(path)


def run_standalone_kernel(
    connection_file: str | None, *, ip: str = "127.0.0.1", transport: str = "tcp"
) -> int:
    """``ipython kernel``: start a kernel, say how to attach, wait; Ctrl-C stops it cleanly.

    The kernel runs as a child (its own process group, so Ctrl-C reaches only
    this launcher, which then shuts the kernel down politely); it cannot
    outlive the launcher.
    """
    from .connection import ConnectionFileError
    from .errors import SplitError
    from .manager import KernelManager

    manager = KernelManager(connection_file, ip=ip, transport=transport)
    try:
        manager.start()
        manager.wait_ready(timeout=30.0)
    except (SplitError, ConnectionFileError, OSError) as e:
        manager.shutdown(now=True)
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1
    assert manager.connection_file is not None
    name = _attach_name(manager.connection_file)
    print(
        f"Kernel started (pid {manager.pid}); connection file: {manager.connection_file}\n"
        "To connect another client to this kernel, use:\n"
        f"    ipython --existing {name}\n"
        f"    jupyter console --existing {name}\n"
        "Press Ctrl-C to stop the kernel.",
        flush=True,
    )
    try:
        while not manager.died.wait(1.0):
            if not manager.is_alive():  # ended on request (shutdown_request from a client)
                break
    except KeyboardInterrupt:
        print("\nStopping the kernel.", flush=True)
        manager.shutdown()
        return 0
    death = manager.death
    manager.shutdown()
    if death is not None and death.returncode != 0:
        print(f"{PROG}: the kernel ended: {death.describe()}", file=sys.stderr)
        return 1
    print("The kernel stopped.", flush=True)
    return 0


def _kernelspec_command(argv: list[str]) -> int:
    parser = _Parser(prog=f"{PROG} kernelspec", description="Manage the legacy-shell kernelspec.")
    sub = parser.add_subparsers(dest="action", required=True, parser_class=_Parser)
    install = sub.add_parser("install", help="install the kernelspec for Jupyter clients")
    where = install.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="for this user (the default)")
    where.add_argument("--sys-prefix", action="store_true", help="into sys.prefix (a venv)")
    where.add_argument("--prefix", metavar="P", help="into P/share/jupyter/kernels")
    install.add_argument("--name", default="legacy-shell", help="kernelspec name (legacy-shell)")
    install.add_argument("--display-name", default=None, help="name shown in Jupyter clients")
    try:
        opts = parser.parse_args(argv)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 2
    from .kernelspec import KernelspecError, install_kernelspec

    try:
        path = install_kernelspec(
            name=opts.name,
            user=opts.user or not (opts.sys_prefix or opts.prefix),
            sys_prefix=opts.sys_prefix,
            prefix=opts.prefix,
            display_name=opts.display_name,
        )
    except KernelspecError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1
    print(f"Installed kernelspec {opts.name} in {path}")
    return 0


def _foreign_package() -> str | None:
    """A sentence when ``legacy_shell`` on the path is not ours (the name is generic)."""
    try:
        from legacy_shell.ownership import ForeignPackageError, require_own
    except ImportError:
        import importlib

        try:
            module = importlib.import_module("legacy_shell")
        except ImportError as e:
            return f"cannot import legacy_shell: {e}"
        where = getattr(module, "__file__", None) or "an unknown location"
        return (
            f"the package 'legacy_shell' imported from {where} is not legacy-shell's: "
            "another package of the same name shadows ours; use the project's venv (./dev start)"
        )
    try:
        require_own("legacy_shell")
    except ForeignPackageError as e:
        return str(e)
    return None


#: What ``ipython --help`` adds to the one-process shell's options: the launcher's own.
HELP_MORE = """
two processes (your code runs in a kernel; a crash ends the kernel, not the session):
  --two-process       the same shell, its code run in a kernel process
  --existing [FILE]   attach to a running kernel (without FILE: the newest one)

commands:
  ipython kernel [-f FILE] [--ip ADDR] [--transport tcp|ipc]
                      a standalone kernel that Jupyter clients can attach to
  ipython kernelspec install [--user | --sys-prefix | --prefix P]
                      let jupyter console, nbclient and JupyterLab start it

'ipython kernel --help' and 'ipython kernelspec --help' show their options.
"""


def _wants_help(argv: list[str]) -> bool:
    """``-h``/``--help`` among the options (not after FILE or ``-m``: those are the script's)."""
    from legacy_shell.cli import options_end

    _, _, rest = split_mode_flags(argv)
    return any(a in ("-h", "--help") for a in rest[: options_end(rest)])


def _print_help() -> int:
    from legacy_shell.cli import build_parser

    print(build_parser().format_help().rstrip("\n"))
    print(HELP_MORE, end="")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ipython`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    problem = _foreign_package()
    if problem is not None:
        print(f"{PROG}: error: {problem}", file=sys.stderr)
        return 2
    if args and args[0] == "kernel":
        return _kernel_command(args[1:])
    if args and args[0] == "kernelspec":
        return _kernelspec_command(args[1:])
    if _wants_help(args):
        return _print_help()
    mode, existing, rest = split_mode_flags(args)
    from legacy_shell.cli import main as inprocess_main

    if mode is None:
        return inprocess_main(args)
    from legacy_shell.cli import parse_args

    try:
        opts = parse_args(rest)
    except SystemExit as e:  # --help (0) or a usage error (2, already printed)
        return e.code if isinstance(e.code, int) else 2
    if opts.version:
        return inprocess_main(["--version"])
    from .frontend.app import run_frontend

    return run_frontend(opts, attach=mode == "existing", existing=existing)


if __name__ == "__main__":
    sys.exit(main())

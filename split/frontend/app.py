"""``ipython --two-process`` and ``ipython --existing``: the usual options, code run in a kernel.

The options are ``legacy_shell``'s own (``-c``, ``-m``, ``FILE``, ``-i``,
``--simple-prompt``, ``--config``...), parsed by its parser, and the terminal is
its own (``legacy_shell.cli.interact``); only the backend differs. The
frontend builds no shell: configuration for the terminal (prompts, colours) is
read here, and what the kernel's shell must know (``--config`` assignments,
no colours when output is not a terminal) is sent to it as ``%config`` lines.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..kernel.settings import config_environment
from .kernels import AttachedKernel, KernelHandle, OwnKernel

if TYPE_CHECKING:
    from legacy_shell.terminal.backend import OutputHandler

    from .backend import KernelBackend

__all__ = ["run_frontend"]

PROG = "ipython"


def _fail(message: str, status: int = 2) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return status


def _kernel_assignments(opts: argparse.Namespace) -> list[str]:
    """``KEY=VALUE`` settings the kernel's shell needs from the command line."""
    assignments = list(opts.assignments)
    if not opts.colors and not sys.stdout.isatty():
        assignments.append("shell.colors=NoColor")
    return assignments


def _make_kernel(existing: str | None, attach: bool, assignments: list[str]) -> KernelHandle:
    """Our own kernel gets the command line's settings at start (before its start-up files
    run: their tracebacks have the right colours); an attached one as ``%config`` lines."""
    if not attach:
        from ..manager import KernelManager

        return OwnKernel(KernelManager(env=config_environment(assignments)))
    from ..connection import newest_connection_file, resolve_connection_file

    path = resolve_connection_file(existing) if existing else newest_connection_file()
    return AttachedKernel(path)


def _preload_terminal() -> None:
    """Import the terminal UI while the kernel starts: the two waits overlap.

    The main thread mostly waits on the kernel's socket then (the GIL is free),
    so the first prompt comes about as soon as the slower of the two is ready.
    """
    import threading

    def load() -> None:
        try:
            import prompt_toolkit.lexers
            import prompt_toolkit.shortcuts  # noqa: F401
            import pygments.lexers.python  # noqa: F401

            import legacy_shell.terminal.app
            import legacy_shell.terminal.ptparts  # noqa: F401
        except ImportError:  # the main thread will report it when it needs the UI
            pass

    threading.Thread(target=load, name="preload-terminal", daemon=True).start()


def run_frontend(
    opts: argparse.Namespace, *, attach: bool = False, existing: str | None = None
) -> int:
    """Start (or attach to) a kernel, run what ``opts`` ask for, leave; the exit status."""
    from legacy_shell.cli import build_config
    from legacy_shell.errors import ConfigError
    from legacy_shell.paths import ShellPaths

    from ..connection import ConnectionFileError
    from ..errors import SplitError

    runs_file = opts.file is not None and opts.code is None and opts.module is None
    if runs_file and not Path(opts.file).exists():
        return _fail(f"file not found: {opts.file}")
    paths = ShellPaths.from_env()
    try:
        config = build_config(opts, paths)
    except ConfigError as e:
        return _fail(str(e))
    try:
        kernel = _make_kernel(existing, attach, _kernel_assignments(opts))
    except (ConnectionFileError, SplitError, OSError) as e:
        return _fail(str(e), 1)
    try:
        # the kernel boots while the rest of the frontend (the client, the terminal UI) loads
        kernel.launch()
    except (SplitError, OSError) as e:
        return _fail(f"the kernel could not be started: {e}", 1)
    try:
        backend = _backend(kernel, opts, paths, config)
    except BaseException:
        kernel.shutdown()
        raise
    from legacy_shell.terminal.backend import BackendDied
    from legacy_shell.terminal.session import ConsoleHandler, TerminalOptions

    colors = opts.colors or sys.stdout.isatty()
    handler = ConsoleHandler(TerminalOptions.from_config(config, colors=colors))
    backend.output_handler = handler  # the start-up files' output, before the first prompt
    try:
        backend.start()
    except BackendDied as e:
        if kernel.owned:
            backend.shutdown()  # a kernel that never answered must not linger
            return _fail(f"the kernel could not be started: {e}", 1)
        return _fail(f"could not attach to the kernel of {kernel.connection_file}: {e}", 1)
    except KeyboardInterrupt:
        backend.shutdown()
        print("\nKeyboardInterrupt", file=sys.stderr)
        return 130
    try:
        return _run_actions(backend, config, opts, handler)
    except KeyboardInterrupt:
        print("\nKeyboardInterrupt", file=sys.stderr)
        return 130
    finally:
        backend.shutdown()


def _backend(
    kernel: KernelHandle, opts: argparse.Namespace, paths: Any, config: Any
) -> KernelBackend:
    """The terminal's backend over ``kernel`` (the terminal UI starts loading meanwhile)."""
    interactive = sys.stdin.isatty()
    if interactive and sys.stdout.isatty() and not opts.simple_prompt:
        _preload_terminal()
    from .backend import KernelBackend

    return KernelBackend(
        kernel,
        # someone at the prompt decides when restarting stops; a script just ends
        interactive=interactive and (opts.interactive or not _runs_something(opts)),
        history_file=paths.history_file,
        setup_lines=[] if kernel.owned else [f"%config {a}" for a in _kernel_assignments(opts)],
        editor=str(config["shell.editor"]),
        terminal_config=config,
        interrupt_timeout=float(config["terminal.interrupt_timeout"]),
        attach_timeout=float(config["terminal.attach_timeout"]),
        # the kernel reads the same files: without start-up work, nothing delays the prompt
        startup_work=lambda: bool(
            paths.startup_files() or config["shell.extensions"] or config["shell.exec_lines"]
        ),
    )


def _runs_something(opts: argparse.Namespace) -> bool:
    """Whether the command line runs code (``-c``, ``-m``, FILE) rather than a prompt only."""
    return opts.code is not None or opts.module is not None or opts.file is not None


def _quiet_run(backend: KernelBackend, line: str, handler: OutputHandler) -> None:
    """One setup line in the kernel, unstored; only its errors are shown."""
    reply = backend.execute(line, handler, store_history=False, silent=True)
    if reply.status != "ok":
        print(f"{PROG}: warning: {line!r} failed in the kernel", file=sys.stderr)


_EXIT_CODE = (
    "(lambda e: (e.code if isinstance(e.code, int) else (0 if e.code is None else 1))"
    " if isinstance(e, SystemExit) else 0)(getattr(__import__('sys'), 'last_value', None))"
)


def _script_exit_status(backend: KernelBackend) -> int:
    """The status a script's ``sys.exit()`` asked for (0 when it did not call it)."""
    text = backend.evaluate(_EXIT_CODE)
    try:
        return int(text) if text is not None else 0
    except ValueError:
        return 1


def _run_actions(
    backend: KernelBackend, config: Any, opts: argparse.Namespace, handler: OutputHandler
) -> int:
    """Setup lines, then ``-c``/``-m``/FILE, then the terminal when asked for."""
    from legacy_shell.cli import interact
    from legacy_shell.terminal.session import run_code

    status = 0
    ran_something = _runs_something(opts)
    cell = None
    if opts.code is not None:
        extra = ([opts.file] if opts.file is not None else []) + list(opts.args or [])
        argv_line = f"import sys as __s; __s.argv = {['-c', *extra]!r}; del __s"
        _quiet_run(backend, argv_line, handler)
        cell = opts.code
    elif opts.module is not None:
        cell = "%run -m " + " ".join(shlex.quote(a) for a in [opts.module, *(opts.args or [])])
    elif opts.file is not None:
        target = str(Path(opts.file).resolve())  # the kernel may run elsewhere (--existing)
        # -e: a sys.exit() in the script ends it quietly, as `ipython FILE` does in one
        # process; its status is read back below
        cell = "%run -e " + " ".join(shlex.quote(a) for a in [target, *(opts.args or [])])
    if cell is not None:
        outcome = run_code(backend, cell, handler, sys.stdout)
        if outcome.reply is None or outcome.reply.status != "ok":
            status = 1
        elif opts.file is not None and opts.code is None and opts.module is None:
            status = _script_exit_status(backend)
        if outcome.exit_requested:
            return status
    if opts.interactive or not ran_something:
        status = interact(backend, config, opts)
    return status

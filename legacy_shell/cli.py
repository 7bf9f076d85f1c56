"""The ``ipython`` command (and ``python -m legacy_shell``): options to a running shell.

``ipython [options] [FILE.py [args...]]``: build the configuration (file, then
``--config``), the shell and its startup, then run ``-c CODE``, ``-m MODULE`` or
``FILE``, then the terminal when nothing was given or ``-i`` asks for it: the
prompt_toolkit terminal on a real terminal, line mode otherwise. A user's
mistake on the command line is one line on stderr and status 2, never a
traceback. Exit statuses follow IPython: 1 when ``-c`` code or the file raised,
a file's own ``sys.exit(n)`` status, 0 otherwise. Heavy modules are imported
only on the path that needs them (``ipython -c pass`` must start fast).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

if TYPE_CHECKING:  # imported when the shell is built, not to parse the command line
    from .terminal.inprocess import TerminalHost
    from .tracebacks import TracebackFormatter

    class CliShell(TerminalHost, Protocol):
        """What the command line does with the shell it builds."""

        exit_now: bool
        traceback_formatter: TracebackFormatter

        def showtraceback(self, exc_tuple: Any = None, tb_offset: int | None = None) -> None: ...
        def run_startup(self, pythonstartup: bool = True) -> None: ...
        def atexit_operations(self) -> None: ...


__all__ = ["build_config", "build_parser", "interact", "main", "parse_args"]

PROG = "ipython"


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line (``ipython: error: ...``), status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: error: {message} (see '{PROG} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="An IPython-style interactive Python shell.",
        epilog="With no CODE, MODULE or FILE (or with -i), the interactive shell starts.",
    )
    parser.add_argument("-c", dest="code", metavar="CODE", help="run CODE, then exit (unless -i)")
    parser.add_argument(
        "-m", dest="module", metavar="MODULE", help="run library module MODULE as a script"
    )
    parser.add_argument(
        "-i", dest="interactive", action="store_true", help="stay interactive after -c/-m/FILE"
    )
    parser.add_argument(
        "--simple-prompt",
        action="store_true",
        help="plain input()-based prompts, without prompt_toolkit",
    )
    parser.add_argument("--no-banner", action="store_true", help="do not show the banner")
    parser.add_argument(
        "--config",
        dest="assignments",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="set a configuration key (repeatable), e.g. --config shell.xmode=Plain",
    )
    parser.add_argument(
        "--quick", action="store_true", help="skip the config file and startup files"
    )
    parser.add_argument(
        "--colors",
        action="store_true",
        help="keep colours even when stdout is not a terminal (--colors=SCHEME sets the scheme)",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("file", nargs="?", metavar="FILE", help="a Python file to run")
    parser.add_argument(
        "args", nargs=argparse.REMAINDER, metavar="ARGS", help="arguments for FILE or MODULE"
    )
    return parser


#: Options of the command line that take the next word as their value.
TAKES_VALUE = frozenset({"-c", "--config"})


def options_end(argv: Sequence[str], optional_value: frozenset[str] = frozenset()) -> int:
    """Where the shell's options end: the index of the first word that is not one of them.

    That word is ``FILE``, ``-m``/``-mMODULE`` or ``--``: what follows belongs
    to the script or the module, as with ``python``. The one pre-scan of the
    command line, shared with the ``ipython`` launcher (its ``--two-process``
    and ``--existing [FILE]`` count only here, too). ``-c`` and ``--config``
    take the next word; an option in ``optional_value`` takes it unless it
    starts with ``-``.
    """
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--" or not arg.startswith("-") or (arg.startswith("-m") and arg[:2] != "--"):
            return i
        if arg in TAKES_VALUE or (
            arg in optional_value and i + 1 < len(argv) and not argv[i + 1].startswith("-")
        ):
            i += 2
        else:
            i += 1
    return len(argv)


def _split_module(argv: list[str]) -> tuple[list[str], list[str]]:
    """Everything after ``-m MODULE`` belongs to the module, as with ``python -m``."""
    i = options_end(argv)
    if i < len(argv):
        arg = argv[i]
        if arg == "-m" and i + 1 < len(argv):
            return argv[: i + 2], argv[i + 2 :]
        if arg.startswith("-m") and len(arg) > 2 and not arg.startswith("--"):
            return argv[: i + 1], argv[i + 1 :]
    return argv, []


def _normalise(argv: list[str]) -> list[str]:
    """``--colors=SCHEME`` (IPython's spelling) becomes ``--config shell.colors=SCHEME --colors``."""
    out: list[str] = []
    for arg in argv:
        if arg.startswith("--colors=") or arg.startswith("--theme="):
            out += ["--config", "shell.colors=" + arg.split("=", 1)[1], "--colors"]
        else:
            out.append(arg)
    return out


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    head, module_args = _split_module(list(argv))
    opts = build_parser().parse_args(_normalise(head))
    if opts.module is not None:
        opts.args = module_args + (opts.args or [])
    return opts


def _version() -> str:
    from . import __version__

    return str(__version__)


def _fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 2


def build_config(opts: argparse.Namespace, paths: Any) -> Any:
    """The configuration: defaults, the config file (unless ``--quick``), ``--config``.

    A config file's bad keys are reported and skipped (its good keys still
    apply; a file that does not parse is ignored as a whole); a bad
    ``--config`` raises ``ConfigError`` worded for the command line.
    """
    from .config import ShellConfig, load_user_config
    from .errors import ConfigError

    if opts.quick:
        config = ShellConfig()
    else:
        config = load_user_config(
            paths.config_file, lambda e: print(f"{PROG}: warning: {e}", file=sys.stderr)
        )
    for text in opts.assignments:
        try:
            config.apply_assignment(text)
        except ConfigError as e:
            # "shell.automagic: expected bool..." -> "--config shell.automagic=maybe: expected bool..."
            message = str(e)
            head, sep, rest = message.partition(": ")
            if sep and " " not in head:
                message = rest
            raise ConfigError(f"--config {text}: {message}") from None
    if opts.no_banner:
        config.set("shell.banner", False)
    return config


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``ipython``; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # as in Python's own REPL and IPython: modules in the current directory import
    if "" not in sys.path:
        sys.path.insert(0, "")
    try:
        opts = parse_args(argv)
    except SystemExit as e:  # argparse: --help (0) or a usage error (2, already printed)
        return e.code if isinstance(e.code, int) else 2
    if opts.version:
        print(_version())
        return 0
    runs_file = opts.file is not None and opts.code is None and opts.module is None
    if runs_file and not os.path.exists(opts.file):
        return _fail(f"file not found: {opts.file}")
    from .errors import ConfigError
    from .paths import ShellPaths

    paths = ShellPaths.from_env()
    try:
        config = build_config(opts, paths)
    except ConfigError as e:
        return _fail(str(e))

    return _run(opts, config, paths)


def _exit_status(exc: SystemExit) -> int:
    """The status ``sys.exit(code)`` means, as the interpreter reads it."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _run_code(shell: CliShell, opts: argparse.Namespace) -> int:
    """``-c CODE``: status 1 when the cell raised (IPython's), 0 otherwise."""
    extra = ([opts.file] if opts.file is not None else []) + list(opts.args or [])
    sys.argv = ["-c", *extra]
    try:
        result = shell.run_cell(opts.code, store_history=True)
    except SystemExit:
        return 1
    return 0 if result.success else 1


def _run_module(shell: CliShell, opts: argparse.Namespace) -> int:
    """``-m MODULE [args]``: run it as ``__main__``; its globals join the namespace."""
    import importlib.util
    import runpy

    try:
        found = importlib.util.find_spec(opts.module)
    except (ImportError, ValueError):
        found = None
    if found is None:
        print(f"{PROG}: error: No module named {opts.module!r}", file=sys.stderr)
        return 1
    sys.argv = [opts.module, *(opts.args or [])]
    try:
        module_ns = runpy.run_module(opts.module, run_name="__main__", alter_sys=True)
    except SystemExit as e:
        return _exit_status(e)
    except Exception:
        shell.showtraceback()
        return 1
    shell.user_ns.update({k: v for k, v in module_ns.items() if not k.startswith("__")})
    return 0


def _run_file(shell: CliShell, opts: argparse.Namespace) -> int:
    """``FILE [args]``, through ``%run``: 1 if it raised, its own status on ``sys.exit``."""
    import shlex

    # -e: a sys.exit() in the script ends it quietly, as `python FILE` would;
    # its status becomes ours
    line = "-e " + " ".join(shlex.quote(a) for a in [opts.file, *(opts.args or [])])
    before = getattr(sys, "last_value", None)
    try:
        shell.run_line_magic("run", line)
    except SystemExit as e:
        return _exit_status(e)
    except Exception:
        shell.showtraceback()
        return 1
    after = getattr(sys, "last_value", None)
    if after is before:
        return 0
    return _exit_status(after) if isinstance(after, SystemExit) else 1


def _interact(shell: CliShell, config: Any, opts: argparse.Namespace) -> int:
    """The terminal over the shell of this process."""
    from .terminal.inprocess import InProcessBackend

    return interact(InProcessBackend(shell), config, opts)


def interact(backend: Any, config: Any, opts: argparse.Namespace) -> int:
    """The terminal over any ``Backend``: prompt_toolkit on a real terminal, line mode otherwise.

    Public so that another launcher (the two-process mode, whose backend is a
    kernel client) reuses this very terminal instead of a second copy of it.
    """
    from .terminal.session import TerminalOptions

    stdin_tty, stdout_tty = sys.stdin.isatty(), sys.stdout.isatty()
    options = TerminalOptions.from_config(config, colors=stdout_tty or opts.colors)
    options.follow(config)
    if stdin_tty and stdout_tty and not opts.simple_prompt:
        from .terminal.app import run_prompt_toolkit

        return run_prompt_toolkit(backend, options)
    from .terminal.simple import run_line_mode

    return run_line_mode(backend, options=options, interactive=stdin_tty)


def _run(opts: argparse.Namespace, config: Any, paths: Any) -> int:
    """Build the shell, run what the options ask for, end the shell; the exit status."""
    from .factory import build_shell

    shell = build_shell(config, paths)
    if not opts.colors and not sys.stdout.isatty():
        shell.traceback_formatter.colors = "NoColor"
    status = 0
    try:
        status = _run_actions(shell, config, opts)
    except KeyboardInterrupt:
        print("\nKeyboardInterrupt", file=sys.stderr)
        status = 130
    finally:
        shell.atexit_operations()
    return status


def _run_actions(shell: CliShell, config: Any, opts: argparse.Namespace) -> int:
    """Startup, then ``-c``/``-m``/FILE, then the terminal when asked for."""
    status = 0
    ran_something = opts.code is not None or opts.module is not None or opts.file is not None
    if not opts.quick:
        # $PYTHONSTARTUP is for interactive sessions only, as in Python and IPython
        shell.run_startup(pythonstartup=not ran_something)
    if opts.code is not None:
        status = _run_code(shell, opts)
    elif opts.module is not None:
        status = _run_module(shell, opts)
    elif opts.file is not None:
        status = _run_file(shell, opts)
    if (opts.interactive or not ran_something) and not shell.exit_now:
        status = _interact(shell, config, opts)
    return status

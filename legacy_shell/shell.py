"""The shell object: the one thing user code, magics, extensions and the terminal touch.

``InteractiveShell`` is deliberately the "global shell object" of the monolith:
everything reaches it directly. Its internals are separate components, each
built here explicitly with what it needs (history, formatters, tracebacks,
completion, inspection, magics, events, hooks, extensions); the shell wires
them together and implements the public ``ShellAPI``.
"""

from __future__ import annotations

import builtins
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .api import ExecutionInfo, ExecutionResult, ShellAPI
from .banner import banner
from .builtin_trap import BuiltinTrap
from .cellexec import CellExecutor
from .config import ShellConfig
from .displayhook import DisplayHook
from .errors import UsageError
from .events import EventManager
from .execution import CellRunner
from .extmanager import ExtensionManager
from .inputtransform import InputTransformer
from .magic import MagicsManager
from .magic_calls import call_cell_magic, call_line_magic
from .namespace import initial_names, module_defaults, names_from_frame
from .output import OutputSink, TerminalSink
from .paths import ShellPaths
from .slist import SList
from .tb_errors import safe_str
from .usersite import LocalSite, UserSite

__all__ = ["InteractiveShell"]

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


class InteractiveShell:
    """An interactive Python shell in the style of IPython."""

    def __init__(
        self,
        config: ShellConfig | None = None,
        paths: ShellPaths | None = None,
        output: OutputSink | None = None,
        user_ns: dict[str, Any] | None = None,
    ) -> None:
        from .aliases import AliasManager
        from .completion import Completer
        from .formatters import DisplayFormatter
        from .history import HistoryManager
        from .hooks import HookManager
        from .inspector import Inspector
        from .ipapi import LegacyAPI, make_ipmagic
        from .magics import BUILTIN_ALIASES, builtin_magics
        from .tracebacks import TracebackFormatter

        self.config = config if config is not None else ShellConfig()
        self.paths = paths if paths is not None else ShellPaths.from_env()
        self.output: OutputSink = (
            output if output is not None else TerminalSink(self.config["prompts.out"])
        )
        self.execution_count = 1
        self.storing_history = False
        self.exit_now = False
        self.call_pdb = bool(self.config["shell.pdb"])
        self.ast_transformers: list[Any] = []
        self.input_transformers_post: list[Callable[[list[str]], list[str]]] = []
        self.input_transformers_cleanup: list[Callable[[list[str]], list[str]]] = []

        self.events = EventManager()
        self.hooks = HookManager(self)
        #: The user's editor and clipboard (a kernel swaps in its terminal's, see usersite).
        self.user_site: UserSite = LocalSite(lambda: str(self.config["shell.editor"]))
        self.runner = CellRunner()
        self.executor = CellExecutor(self)
        self.builtin_trap = BuiltinTrap(self._lent_builtins)
        self.magics_manager = MagicsManager(self)
        self.magics_manager.auto_magic = bool(self.config["shell.automagic"])
        self.input_transformer = InputTransformer(self._is_automagic, self._is_macro)
        history_path = self.paths.history_file if self.config["history.enabled"] else None
        self.history_manager = HistoryManager(
            history_path, enabled=bool(self.config["history.enabled"])
        )
        self.display_formatter = DisplayFormatter()
        self.displayhook = DisplayHook(self, cache_size=int(self.config["shell.cache_size"]))
        self.traceback_formatter = TracebackFormatter(
            mode=self.config["shell.xmode"], colors=self.config["shell.colors"]
        )
        self.completer = Completer(self)
        self.inspector = Inspector(self)
        self.extension_manager = ExtensionManager(self)
        self.legacy = LegacyAPI(self)
        self._ipmagic = make_ipmagic(self)
        self._apply_run_settings()
        self.config.observe(self._config_changed)

        self.user_ns: dict[str, Any] = user_ns if user_ns is not None else {}
        self.user_ns_hidden: dict[str, Any] = {}
        self._init_user_ns()
        self.alias_manager = AliasManager(self)
        self.magics_manager.register(*builtin_magics())
        for alias, magic_name, kind in BUILTIN_ALIASES:
            self.magics_manager.register_alias(alias, magic_name, kind)
        self.events.trigger("shell_initialized", self)

    # -- namespace -----------------------------------------------------------------------
    @property
    def user_global_ns(self) -> dict[str, Any]:
        return self.user_ns

    def _init_user_ns(self) -> None:
        for name, value in module_defaults().items():
            self.user_ns.setdefault(name, value)
            self.user_ns_hidden[name] = self.user_ns[name]
        initial = initial_names(self)
        self.user_ns.update(initial)
        self.user_ns_hidden.update(initial)

    def push(self, variables: Any, interactive: bool = True) -> None:
        """Put variables into the user namespace.

        ``variables`` is a dict, or names (a space-separated string or a list)
        looked up in the caller's frame, as IPython's ``push`` does. With
        ``interactive=False`` the names are hidden from ``%who``.
        """
        if isinstance(variables, dict):
            values = dict(variables)
        elif isinstance(variables, str | list | tuple):
            values = names_from_frame(variables, sys._getframe(1))
        else:
            raise TypeError(
                "push() takes a dict, a string of names or a list of names, "
                f"not {type(variables).__name__}"
            )
        self.user_ns.update(values)
        if interactive:
            for name in values:
                self.user_ns_hidden.pop(name, None)
        else:
            self.user_ns_hidden.update(values)

    def banner(self) -> str:
        """What the terminal prints first (and a kernel reports in ``kernel_info``)."""
        return banner()

    def get_ipython(self) -> InteractiveShell:
        """Return this shell (what ``get_ipython()`` in user code gives)."""
        return self

    def reset(self, new_session: bool = True, aggressive: bool = False) -> None:
        """Clear the user namespace and the output cache (``%reset``)."""
        self.history_manager.reset(new_session=new_session)
        if new_session:
            self.execution_count = 1
        self.displayhook.flush()
        self.displayhook.last_result = None
        keep = {
            k: v
            for k, v in self.user_ns.items()
            if k in self.user_ns_hidden and self.user_ns_hidden[k] is v
        }
        self.user_ns.clear()
        self.user_ns.update(keep)
        self.user_ns_hidden = {k: v for k, v in self.user_ns_hidden.items() if k in keep}
        self._init_user_ns()
        for name in ("last_type", "last_value", "last_traceback", "last_exc"):
            if hasattr(sys, name):
                delattr(sys, name)

    # -- magics --------------------------------------------------------------------------
    def _is_automagic(self, name: str) -> bool:
        if not self.magics_manager.auto_magic or name not in self.magics_manager.magics["line"]:
            return False
        return name not in self.user_ns and not hasattr(builtins, name)

    def _is_macro(self, name: str) -> bool:
        from .macro import Macro

        return isinstance(self.user_ns.get(name), Macro)

    def register_magics(self, *objs: Any) -> None:
        """Register ``Magics`` classes or instances (IPython's ``register_magics``)."""
        self.magics_manager.register(*objs)

    def register_magic_function(
        self, func: Callable[..., Any], magic_kind: str = "line", magic_name: str | None = None
    ) -> None:
        """Register a plain function as a magic: ``f(line)`` or ``f(line, cell)``."""
        self.magics_manager.register_function(func, magic_kind, magic_name)

    def find_line_magic(self, name: str) -> Callable[..., Any] | None:
        return self.magics_manager.find(name, "line")

    def find_cell_magic(self, name: str) -> Callable[..., Any] | None:
        return self.magics_manager.find(name, "cell")

    def find_magic(self, name: str, kind: str = "line") -> Callable[..., Any] | None:
        return self.magics_manager.find(name, kind)

    def run_line_magic(self, magic_name: str, line: str, _stack_depth: int = 1) -> Any:
        """Run ``%magic_name line`` and return its result.

        ``$name`` and ``{expr}`` in ``line`` expand from the caller's frame
        (``_stack_depth`` frames up) and the user namespace; ``_stack_depth=0``
        means no caller frame: the user namespace only (a remote caller's case).
        """
        frame = sys._getframe(_stack_depth) if _stack_depth > 0 else None
        return call_line_magic(self, magic_name, line, frame)

    def run_cell_magic(self, magic_name: str, line: str, cell: str) -> Any:
        """Run ``%%magic_name line`` with ``cell`` as its body and return its result."""
        return call_cell_magic(self, magic_name, line, cell)

    def magic(self, arg_s: str) -> Any:
        """Deprecated: ``magic("name args")``; use ``run_line_magic(name, args)``."""
        warnings.warn(
            "InteractiveShell.magic() is deprecated: use run_line_magic(name, line)",
            DeprecationWarning,
            stacklevel=2,
        )
        name, _, rest = arg_s.lstrip().lstrip("%").partition(" ")
        return self.run_line_magic(name, rest, _stack_depth=2)

    # -- running code --------------------------------------------------------------------
    def transform_cell(self, raw_cell: str) -> str:
        """The plain Python that ``raw_cell`` runs as (IPython syntax rewritten)."""
        lines = raw_cell.splitlines(keepends=True)
        for fn in self.input_transformers_cleanup:
            lines = fn(lines)
        source = self.input_transformer.transform_cell("".join(lines))
        lines = source.splitlines(keepends=True)
        for fn in self.input_transformers_post:
            lines = fn(lines)
        return "".join(lines)

    def _lent_builtins(self) -> dict[str, Any]:
        from .display import display

        return {
            "get_ipython": self.get_ipython,
            "__IPYTHON__": self.legacy,
            "ipmagic": self._ipmagic,
            "display": display,
        }

    def run_cell(
        self,
        raw_cell: str,
        store_history: bool = False,
        silent: bool = False,
        shell_futures: bool = True,
        cell_id: str | None = None,
    ) -> ExecutionResult:
        """Run a cell of IPython syntax, as typed at the prompt.

        ``store_history=True`` numbers it (``In[n]``/``Out[n]``) and records it;
        ``silent=True`` runs it without events, history or displayed result.
        Errors are shown and returned in the result, never raised.
        """
        info = ExecutionInfo(raw_cell, store_history, silent, shell_futures, cell_id)
        result = ExecutionResult(info)
        if silent:
            store_history = False
        self.events.trigger("pre_execute")
        if not silent:
            self.events.trigger("pre_run_cell", info)
        self.executor.run(raw_cell, store_history, silent, result)
        if store_history:
            self.execution_count += 1
        self.events.trigger("post_execute")
        if not silent:
            self.events.trigger("post_run_cell", result)
        return result

    def ex(self, cmd: str) -> None:
        """Execute a Python statement in the user namespace."""
        with self.builtin_trap():
            exec(cmd, self.user_ns)

    def ev(self, expr: str) -> Any:
        """Evaluate a Python expression in the user namespace and return its value."""
        with self.builtin_trap():
            return eval(expr, self.user_ns)

    def safe_execfile(
        self, fname: str | Path, *where: dict[str, Any], raise_exceptions: bool = False
    ) -> None:
        """Run a Python file in the given namespaces; errors are shown, not raised."""
        path = Path(fname).expanduser()
        glob = where[0] if where else self.user_ns
        loc = where[1] if len(where) > 1 else glob
        try:
            source = path.read_text(encoding="utf-8")
            code = compile(source, str(path), "exec", dont_inherit=True)
        except OSError as e:
            print(f"Could not open file <{path}> for safe execution: {e}", file=sys.stderr)
            return
        except SyntaxError:
            if raise_exceptions:
                raise
            self.showsyntaxerror()
            return
        glob.setdefault("__file__", str(path))
        try:
            with self.builtin_trap():
                exec(code, glob, loc)
        except SystemExit as e:
            if e.code not in (None, 0) and raise_exceptions:
                raise
        except BaseException:
            if raise_exceptions:
                raise
            self.showtraceback(tb_offset=1)

    # -- system commands -----------------------------------------------------------------
    def var_expand(self, cmd: str, depth: int = 0, namespace: dict[str, Any] | None = None) -> str:
        """Expand ``$name`` and ``{expr}`` with values from the user namespace."""
        from .system import var_expand

        if namespace is None:
            namespace = dict(self.user_ns)
            namespace.update(sys._getframe(depth + 1).f_locals)
        return var_expand(cmd, namespace)

    def system(self, cmd: str) -> None:
        """Run ``cmd`` in a shell (``!cmd``); sets ``_exit_code``."""
        from .system import system

        cmd = self.var_expand(cmd, depth=1)
        self.user_ns["_exit_code"] = system(cmd)

    def getoutput(self, cmd: str, split: bool = True, depth: int = 0) -> SList | str:
        """The output of ``cmd`` (``x = !cmd``) as an ``SList`` of lines."""
        from .system import getoutput

        return getoutput(self.var_expand(cmd, depth=depth + 1), split=split)

    # -- errors --------------------------------------------------------------------------
    def _remember_exception(self, info: ExcInfo | None = None) -> ExcInfo:
        etype, value, tb = info if info is not None else sys.exc_info()  # type: ignore[assignment]
        sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb  # type: ignore[assignment]
        if sys.version_info >= (3, 12):
            sys.last_exc = value
        return etype, value, tb  # type: ignore[return-value]

    def showtraceback(self, exc_tuple: ExcInfo | None = None, tb_offset: int | None = None) -> None:
        """Show the current (or given) exception the way the user asked (``%xmode``)."""
        etype, value, tb = self._remember_exception(exc_tuple)
        if etype is None:
            print("No traceback available to show.", file=sys.stderr)
            return
        if issubclass(etype, UsageError):
            self.output.error(etype.__name__, safe_str(value), [f"UsageError: {safe_str(value)}"])
            return
        if issubclass(etype, SyntaxError):
            lines = self.traceback_formatter.syntax_error(value)  # type: ignore[arg-type]
        else:
            lines = self.traceback_formatter.structured_traceback(
                etype, value, tb, tb_offset=tb_offset
            )
        self.output.error(etype.__name__, safe_str(value), lines)

    def showsyntaxerror(self, filename: str | None = None) -> None:
        """Show the pending ``SyntaxError`` with its line and a caret."""
        etype, value, _tb = self._remember_exception()
        if filename and isinstance(value, SyntaxError) and value.filename in (None, "<string>"):
            value.filename = filename
        if not isinstance(value, SyntaxError):
            self.showtraceback((etype, value, _tb))
            return
        lines = self.traceback_formatter.syntax_error(value)
        self.output.error(etype.__name__, safe_str(value), lines)

    def debugger(self, force: bool = False) -> None:
        """Post-mortem debugger on the last exception (``%debug``, ``%pdb on``)."""
        if not (force or self.call_pdb):
            return
        tb = getattr(sys, "last_traceback", None)
        if tb is None:
            print("No traceback has been produced, nothing to debug.")
            return
        from .debugger import post_mortem

        post_mortem(self, tb)

    # -- output and frontends ------------------------------------------------------------
    def page(self, text: str | dict[str, Any], start: int = 0) -> None:
        """Show long text (help, ``obj?``): the terminal prints it, a kernel sends a payload."""
        data = text if isinstance(text, dict) else {"text/plain": text}
        if self.hooks.has_user_functions("show_in_pager"):
            self.hooks.call("show_in_pager", data, start)
        else:
            self.output.page(data, start)

    def set_next_input(self, text: str, replace: bool = False) -> None:
        """Pre-fill the next prompt with ``text``."""
        self.output.set_next_input(text, replace)

    def ask_exit(self, keep_kernel: bool = False) -> None:
        """Ask the frontend to leave after this cell (``exit``, ``quit``)."""
        self.exit_now = True
        self.output.ask_exit(keep_kernel)

    def complete(
        self, text: str, line: str | None = None, cursor_pos: int | None = None
    ) -> tuple[str, Sequence[str]]:
        """IPython's ``complete``: ``(matched_text, matches)``."""
        return self.completer.complete(text, line, cursor_pos)

    def object_inspect_text(self, oname: str, detail_level: int = 0) -> str | None:
        """What ``oname?`` (``detail_level=1``: ``oname??``) shows, or ``None``."""
        return self.inspector.text(oname, detail_level)

    def object_inspect_mime(self, oname: str, detail_level: int = 0) -> dict[str, str] | None:
        """The inspection of ``oname`` as a MIME bundle (for kernels)."""
        return self.inspector.mime(oname, detail_level)

    def history(
        self, n: int = 10, raw: bool = True, output: bool = False
    ) -> list[tuple[int, int, Any]]:
        """The last ``n`` history entries as ``(session, line, input)`` tuples."""
        return list(self.history_manager.get_tail(n, raw=raw, output=output, include_latest=True))

    # -- hooks and legacy ----------------------------------------------------------------
    def set_hook(
        self, name: str, hook: Callable[..., Any], priority: int = 50, **kwargs: Any
    ) -> None:
        """Register an old-style hook: ``hook(shell, *args)`` (deprecated where IPython's is)."""
        from .hooks import deprecation_message

        message = deprecation_message(name)
        if message is not None:
            warnings.warn(message, DeprecationWarning, stacklevel=2)
        self.hooks.set_hook(name, hook, priority=priority, **kwargs)

    def _config_changed(self, key: str, value: Any) -> None:
        if key == "shell.xmode":
            self.traceback_formatter.mode = value
        elif key == "shell.colors":
            self.traceback_formatter.colors = value
        elif key == "shell.automagic":
            self.magics_manager.auto_magic = bool(value)
        elif key == "shell.pdb":
            self.call_pdb = bool(value)
        elif key == "prompts.out" and isinstance(self.output, TerminalSink):
            self.output.out_prompt = str(value)
        elif key in ("shell.pprint", "shell.autoawait", "shell.ast_node_interactivity"):
            self._apply_run_settings()

    def _apply_run_settings(self) -> None:
        """Pretty printing, top-level await, what shows a value: from the configuration."""
        plain: Any = self.display_formatter.formatters["text/plain"]  # a PlainTextFormatter
        plain.pprint = bool(self.config["shell.pprint"])
        self.runner.autoawait = bool(self.config["shell.autoawait"])
        self.runner.interactivity = str(self.config["shell.ast_node_interactivity"])

    # -- start and end -------------------------------------------------------------------
    def run_startup(self, pythonstartup: bool = True) -> None:
        """Run what the configuration and the user's files ask for at start.

        Order as IPython's: extensions, ``exec_lines``, ``startup/*.py`` in name
        order, ``$PYTHONSTARTUP`` (interactive sessions only: ``pythonstartup``),
        then the ``late_startup_hook``. A failure in any
        of them is reported and the rest still runs.
        """
        from .startup import run_startup

        run_startup(self, pythonstartup=pythonstartup)

    def atexit_operations(self) -> None:
        """Say goodbye: shutdown hook, history session end, event loop closed."""
        self.hooks.call_reporting("shutdown_hook")
        self.history_manager.end_session()
        self.runner.close()


if TYPE_CHECKING:
    # mypy checks the shell against its contract: a member that differs fails ./dev test
    _IS_A_SHELL: type[ShellAPI] = InteractiveShell

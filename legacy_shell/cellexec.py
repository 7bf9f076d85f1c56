"""One cell, start to end: transform, record, parse, run, report.

``CellExecutor`` is the body of ``InteractiveShell.run_cell`` without the
events around it. The input is stored in the history *before* it runs, so a
crash never loses the line that caused it. Nested calls (a magic that runs
cells, such as ``%rerun``) keep the outer cell's display state intact.
"""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager
from typing import Any, Protocol

from . import cells
from .api import ExecutionResult
from .displayhook import DisplayHook
from .execution import CellRunner, displayhook_installed, ends_with_semicolon
from .history import HistoryManager
from .hooks import HookManager
from .output import OutputSink

__all__ = ["CellExecutor", "CellHost"]


class CellHost(Protocol):
    """What running a cell needs of the shell: its parts, and how it reports errors."""

    storing_history: bool

    @property
    def user_ns(self) -> dict[str, Any]: ...
    @property
    def execution_count(self) -> int: ...
    @property
    def ast_transformers(self) -> list[Any]: ...
    @property
    def call_pdb(self) -> bool: ...
    @property
    def displayhook(self) -> DisplayHook: ...
    @property
    def runner(self) -> CellRunner: ...
    @property
    def history_manager(self) -> HistoryManager: ...
    @property
    def hooks(self) -> HookManager: ...
    @property
    def output(self) -> OutputSink: ...
    def transform_cell(self, raw_cell: str) -> str: ...
    def builtin_trap(self) -> AbstractContextManager[Any]: ...
    def showtraceback(self, exc_tuple: Any = None, tb_offset: int | None = None) -> None: ...
    def showsyntaxerror(self, filename: str | None = None) -> None: ...
    def debugger(self, force: bool = False) -> None: ...
    def _remember_exception(self, info: Any = None) -> Any: ...


class CellExecutor:
    """Runs cells in one shell's namespace, through its runner and display hook."""

    def __init__(self, shell: CellHost) -> None:
        self.shell = shell

    def run(
        self, raw_cell: str, store_history: bool, silent: bool, result: ExecutionResult
    ) -> None:
        hook = self.shell.displayhook
        saved = (hook.quiet, hook.last_result, self.shell.storing_history)
        try:
            self._run(raw_cell, store_history, silent, result)
        finally:
            hook.quiet, hook.last_result, self.shell.storing_history = saved

    def _record_input(self, count: int, source: str, raw_cell: str) -> None:
        shell = self.shell
        shell.history_manager.store_inputs(count, source, raw_cell)
        ns = shell.user_ns
        stored = shell.history_manager.input_hist_parsed[-1]
        ns["_iii"], ns["_ii"], ns["_i"] = ns.get("_ii", ""), ns.get("_i", ""), stored
        ns[f"_i{count}"] = stored

    def _run(
        self, raw_cell: str, store_history: bool, silent: bool, result: ExecutionResult
    ) -> None:
        shell = self.shell
        count = shell.execution_count
        result.execution_count = count if store_history else None
        try:
            source = shell.transform_cell(raw_cell)
        except Exception as e:
            shell.showtraceback()
            result.error_before_exec = e
            return
        if store_history:
            self._record_input(count, source, raw_cell)
        filename = cells.register_cell(count, source)
        shell.storing_history = store_history
        shell.displayhook.quiet = silent or ends_with_semicolon(source)
        shell.displayhook.last_result = None
        try:
            tree = shell.runner.parse(source, filename)
        except (SyntaxError, ValueError, OverflowError) as e:
            shell.showsyntaxerror(filename)
            result.error_before_exec = e
            return
        tree = shell.runner.apply_transformers(
            tree, shell.ast_transformers, _report_ast_transformer
        )
        error = self._run_tree(tree, filename, interactive=not silent)
        result.error_in_exec = error
        result.result = shell.displayhook.last_result if error is None else None

    def _run_tree(self, tree: Any, filename: str, interactive: bool) -> BaseException | None:
        shell = self.shell
        with shell.builtin_trap(), displayhook_installed(shell.displayhook):
            shell.hooks.call_reporting("pre_run_code_hook")
            try:
                for code in shell.runner.code_objects(tree, filename, interactive):
                    shell.runner.run_code(code, shell.user_ns)
            except SystemExit as e:
                shell._remember_exception()
                code_text = "" if e.code is None else e.code
                shell.output.error(
                    "SystemExit",
                    str(e.code),
                    [
                        "An exception has occurred, use %tb to see the full traceback.\n",
                        f"SystemExit: {code_text}",
                    ],
                )
                return e
            except BaseException as e:  # the user's error, shown to the user
                shell.showtraceback(tb_offset=1)
                if shell.call_pdb:
                    shell.debugger(force=True)
                return e
        return None


def _report_ast_transformer(transformer: Any, error: BaseException) -> None:
    print(
        f"AST transformer {transformer!r} threw an error. It will be unregistered.",
        file=sys.stderr,
    )
    print(f"  {type(error).__name__}: {error}", file=sys.stderr)

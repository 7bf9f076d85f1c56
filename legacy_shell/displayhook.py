"""The display hook: what happens to the value of a cell's last expression.

It keeps IPython's output cache (``Out``, ``_``, ``__``, ``___``, ``_N``),
formats the value in every MIME type the formatters give, records the
``text/plain`` form in the history, and hands the bundle to the shell's output
sink (the terminal prints ``Out[n]:``; a kernel sends ``execute_result``).
"""

from __future__ import annotations

from typing import Any, Protocol

from .history import HistoryManager
from .output import OutputSink

__all__ = ["DisplayHook", "DisplayHost", "ExitAutocall", "ExitHost"]


class ExitHost(Protocol):
    """What ``exit`` needs: a shell it can ask to leave."""

    def ask_exit(self, keep_kernel: bool = False) -> None: ...


class _Formats(Protocol):
    def format(self, obj: Any) -> tuple[dict[str, Any], dict[str, Any]]: ...


class DisplayHost(Protocol):
    """What the display hook needs of the shell: the count, the formatters, history, output."""

    @property
    def execution_count(self) -> int: ...
    @property
    def storing_history(self) -> bool: ...
    @property
    def display_formatter(self) -> _Formats: ...
    @property
    def history_manager(self) -> HistoryManager: ...
    @property
    def output(self) -> OutputSink: ...
    @property
    def user_ns(self) -> dict[str, Any]: ...


class ExitAutocall:
    """``exit`` / ``quit``: typing the bare name or calling it leaves the shell."""

    def __init__(self, shell: ExitHost) -> None:
        self._shell = shell

    def __repr__(self) -> str:
        return "Use exit() or Ctrl-D (i.e. EOF) to exit"

    def __call__(self, keep_kernel: bool = False) -> None:
        self._shell.ask_exit(keep_kernel=keep_kernel)


class DisplayHook:
    """``sys.displayhook`` while a cell runs (see ``execution.displayhook_installed``)."""

    def __init__(self, shell: DisplayHost, cache_size: int = 1000) -> None:
        self.shell = shell
        self.cache_size = cache_size
        self.quiet = False  # set per cell: trailing ';'
        self.last_result: Any = None

    def __call__(self, result: Any) -> None:
        if result is None:
            return
        if isinstance(result, ExitAutocall):
            result()
            return
        self.last_result = result
        if self.quiet:
            return
        count = self.shell.execution_count
        self.update_user_ns(result, count)
        data, metadata = self.shell.display_formatter.format(result)
        if not data:
            return
        if self.shell.storing_history:
            self.shell.history_manager.store_output(count, str(data.get("text/plain", "")))
        self.shell.output.execute_result(count, data, metadata)

    def update_user_ns(self, result: Any, count: int) -> None:
        """Shift ``_``, ``__``, ``___`` and store ``Out[count]`` / ``_count``."""
        ns = self.shell.user_ns
        if result is ns.get("Out"):
            return  # do not cache Out in itself
        out = self.shell.history_manager.output_hist
        if self.cache_size and len(out) >= self.cache_size:
            self.flush()
        ns["___"] = ns.get("__", "")
        ns["__"] = ns.get("_", "")
        ns["_"] = result
        if self.shell.storing_history:
            out[count] = result
            ns[f"_{count}"] = result

    def flush(self) -> None:
        """Forget every cached result (``%reset out``)."""
        ns = self.shell.user_ns
        for key in list(ns):
            if key.startswith("_") and key[1:].isdigit():
                del ns[key]
        self.shell.history_manager.output_hist.clear()
        for name in ("_", "__", "___"):
            ns[name] = ""

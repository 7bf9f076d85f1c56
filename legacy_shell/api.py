"""The shell's public contract: ``ShellAPI`` and the values it returns.

``ShellAPI`` is the proxy-safe surface: everything an extension or a frontend
may touch on the shell object. The real shell implements it; the remote proxy
(``adapters``) will implement the same ``Protocol``, so code written against it
works whether the shell is in this process or in a kernel.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

__all__ = ["EventsAPI", "ExecutionInfo", "ExecutionResult", "FormatterAPI", "ShellAPI"]


@dataclass
class ExecutionInfo:
    """What is about to run; passed to ``pre_run_cell`` callbacks."""

    raw_cell: str
    store_history: bool = False
    silent: bool = False
    shell_futures: bool = True
    cell_id: str | None = None


@dataclass
class ExecutionResult:
    """The outcome of ``run_cell``; passed to ``post_run_cell`` callbacks."""

    info: ExecutionInfo
    execution_count: int | None = None
    error_before_exec: BaseException | None = None
    error_in_exec: BaseException | None = None
    result: Any = None
    payloads: list[dict[str, Any]] = field(default_factory=list)

    @property
    def success(self) -> bool:
        return self.error_before_exec is None and self.error_in_exec is None

    def raise_error(self) -> None:
        """Re-raise the error of the cell, if any (as IPython's does)."""
        if self.error_before_exec is not None:
            raise self.error_before_exec
        if self.error_in_exec is not None:
            raise self.error_in_exec

    def __repr__(self) -> str:
        return (
            f"<ExecutionResult execution_count={self.execution_count} "
            f"error_before_exec={self.error_before_exec!r} "
            f"error_in_exec={self.error_in_exec!r} info={self.info!r} result={self.result!r}>"
        )


@runtime_checkable
class EventsAPI(Protocol):
    def register(self, event: str, function: Callable[..., Any]) -> None: ...
    def unregister(self, event: str, function: Callable[..., Any]) -> None: ...


@runtime_checkable
class FormatterAPI(Protocol):
    def for_type(self, typ: Any, func: Callable[..., Any] | None = None) -> Any: ...


@runtime_checkable
class ShellAPI(Protocol):
    """Everything an extension or a frontend may use on the shell object."""

    user_ns: MutableMapping[str, Any]
    user_global_ns: MutableMapping[str, Any]
    events: EventsAPI
    ast_transformers: list[Any]
    input_transformers_post: list[Callable[[list[str]], list[str]]]

    @property
    def execution_count(self) -> int: ...

    @property
    def config(self) -> Any: ...

    @property
    def display_formatter(self) -> Any: ...

    def run_cell(
        self,
        raw_cell: str,
        store_history: bool = False,
        silent: bool = False,
        shell_futures: bool = True,
        cell_id: str | None = None,
    ) -> ExecutionResult: ...

    def run_line_magic(self, magic_name: str, line: str, _stack_depth: int = 1) -> Any: ...

    def run_cell_magic(self, magic_name: str, line: str, cell: str) -> Any: ...

    def register_magics(self, *objs: Any) -> None: ...

    def register_magic_function(
        self, func: Callable[..., Any], magic_kind: str = "line", magic_name: str | None = None
    ) -> None: ...

    def push(self, variables: Any, interactive: bool = True) -> None: ...

    def set_next_input(self, text: str, replace: bool = False) -> None: ...

    def complete(
        self, text: str, line: str | None = None, cursor_pos: int | None = None
    ) -> tuple[str, Sequence[str]]: ...

    def object_inspect_text(self, oname: str, detail_level: int = 0) -> str | None: ...

    def object_inspect_mime(self, oname: str, detail_level: int = 0) -> dict[str, str] | None: ...

    def history(
        self, n: int = 10, raw: bool = True, output: bool = False
    ) -> list[tuple[int, int, Any]]: ...

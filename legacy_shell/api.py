"""The shell's public contract: ``ShellAPI``, the values it returns, and how it crosses.

``ShellAPI`` is the proxy-safe surface: everything an extension or a frontend
may touch on the shell object. The real shell implements it, and so does the
remote proxy (``adapters.ShellProxy``), so code written against it works
whether the shell is in this process or in a kernel.

This module is the *single* description of that surface. Each member says here
how it crosses to a shell in another process (see ``docs/architecture.md``,
"The shell API contract"): methods carry a :class:`Remote` policy set by the
:func:`remote` decorator; attributes that are containers say, through
``typing.Annotated`` metadata (:class:`Via`), which small Protocol lists the
operations that cross; attributes typed with a Protocol of this module (``events``,
``config``, ``display_formatter``) cross as that Protocol's members. The kernel's
allow-list and call table (``split.rpc.surface``) and the proxy's generated
methods are read from here by introspection: adding a member is one edit here,
its implementation in the shell, and its test.

Two mechanisms because Python offers no single one: a decorator cannot sit on
an annotated attribute, and ``Annotated`` cannot wrap a ``def``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol, TypeVar, runtime_checkable

__all__ = [
    "ConfigAPI",
    "DisplayFormatterAPI",
    "EventsAPI",
    "ExecutionInfo",
    "ExecutionResult",
    "FormatterAPI",
    "ListOps",
    "NamespaceOps",
    "Remote",
    "ShellAPI",
    "Via",
    "policy_of",
    "remote",
]

_F = TypeVar("_F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Remote:
    """How one method of the contract behaves when the shell is in another process.

    The default is the common case: arguments and result travel by value, and
    a result that cannot is an error naming the member.
    """

    #: A result that cannot travel by value comes back as a reference handle.
    refs: bool = False
    #: Runs user code or may print: its output streams to the caller while it runs.
    output: bool = False
    #: Takes functions of the caller (they stay there and are called back).
    functions: bool = False
    #: Takes classes of the caller (sent by name, resolved when an instance shows up).
    types: bool = False
    #: May be sent without waiting for the answer (``proxy.oneway.<name>(...)``).
    oneway: bool = False
    #: Arguments the kernel passes for a remote caller, whatever it sent
    #: (``run_line_magic``: no caller frame to expand ``$names`` from).
    fixed: Mapping[str, Any] = field(default_factory=dict)


def remote(
    *,
    refs: bool = False,
    output: bool = False,
    functions: bool = False,
    types: bool = False,
    oneway: bool = False,
    fixed: Mapping[str, Any] | None = None,
) -> Callable[[_F], _F]:
    """Declare a method of a contract Protocol as reachable remotely, with its policy."""
    policy = Remote(refs, output, functions, types, oneway, dict(fixed or {}))

    def mark(func: _F) -> _F:
        func.__remote__ = policy  # type: ignore[attr-defined]
        return func

    return mark


def policy_of(member: Any) -> Remote | None:
    """The :class:`Remote` policy of a member of a contract Protocol, if it is reachable."""
    if isinstance(member, property):
        member = member.fget
    found = getattr(member, "__remote__", None)
    return found if isinstance(found, Remote) else None


@dataclass(frozen=True)
class Via:
    """``Annotated`` metadata: this attribute crosses as the members of ``ops``.

    ``keyed``: the attribute is a mapping from a string to objects that each
    cross as ``ops`` (``display_formatter.formatters[mime]``).
    """

    ops: type
    keyed: bool = False


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


class NamespaceOps(Protocol):
    """What crosses of a namespace (``user_ns``, ``user_global_ns``): by value, in one call each."""

    @remote()
    def __getitem__(self, key: str) -> Any: ...
    @remote(oneway=True)
    def __setitem__(self, key: str, value: Any) -> None: ...
    @remote(oneway=True)
    def __delitem__(self, key: str) -> None: ...
    @remote()
    def __contains__(self, key: object) -> bool: ...
    @remote()
    def __len__(self) -> int: ...
    @remote()
    def keys(self) -> list[str]: ...
    @remote(refs=True)
    def items(self) -> list[tuple[str, Any]]: ...
    @remote(refs=True)
    def values(self) -> list[Any]: ...
    @remote()
    def get(self, key: str, default: Any = None) -> Any: ...
    @remote()
    def pop(self, key: str, *default: Any) -> Any: ...
    @remote(oneway=True)
    def update(self, values: dict[str, Any]) -> None: ...


class ListOps(Protocol):
    """What crosses of a list of the shell's (``ast_transformers``, ``input_transformers_post``)."""

    @remote()
    def __len__(self) -> int: ...
    @remote(refs=True)
    def __iter__(self) -> list[Any]: ...
    @remote(functions=True)
    def __contains__(self, item: Any) -> bool: ...
    @remote(functions=True, oneway=True)
    def append(self, item: Any) -> None: ...
    @remote(functions=True, oneway=True)
    def remove(self, item: Any) -> None: ...
    @remote(oneway=True)
    def clear(self) -> None: ...


@runtime_checkable
class EventsAPI(Protocol):
    """``shell.events``: callbacks run by the shell at ``pre_run_cell``, ``post_run_cell``, ..."""

    @remote(functions=True, oneway=True)
    def register(self, event: str, function: Callable[..., Any]) -> None: ...
    @remote(functions=True, oneway=True)
    def unregister(self, event: str, function: Callable[..., Any]) -> None: ...


@runtime_checkable
class FormatterAPI(Protocol):
    """One MIME type's formatter: ``display_formatter.formatters[mime]``."""

    @remote(refs=True, functions=True, types=True)
    def for_type(self, typ: Any, func: Callable[..., Any] | None = None) -> Any: ...


@runtime_checkable
class DisplayFormatterAPI(Protocol):
    """``shell.display_formatter``: the formatters by MIME type, and formatting an object."""

    @property
    def formatters(
        self,
    ) -> Annotated[Mapping[str, FormatterAPI], Via(FormatterAPI, keyed=True)]: ...

    @remote(output=True)
    def format(
        self, obj: Any, include: Any = None, exclude: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]: ...


@runtime_checkable
class ConfigAPI(Protocol):
    """``shell.config``: read and set the shell's settings (``"shell.xmode"``, ...)."""

    @remote()
    def __getitem__(self, key: str) -> Any: ...
    @remote()
    def get(self, key: str, default: Any = None) -> Any: ...
    @remote(oneway=True)
    def set(self, key: str, value: Any) -> None: ...
    @remote()
    def as_dict(self) -> dict[str, Any]: ...


@runtime_checkable
class ShellAPI(Protocol):
    """Everything an extension or a frontend may use on the shell object."""

    # read-only properties, not attributes: a plain attribute of the shell (or
    # of the proxy) with a narrower type still satisfies them

    @property
    def user_ns(self) -> Annotated[MutableMapping[str, Any], Via(NamespaceOps)]: ...

    @property
    def user_global_ns(self) -> Annotated[MutableMapping[str, Any], Via(NamespaceOps)]: ...

    @property
    def events(self) -> EventsAPI: ...

    @property
    def ast_transformers(self) -> Annotated[list[Any], Via(ListOps)]: ...

    @property
    def input_transformers_post(
        self,
    ) -> Annotated[list[Callable[[list[str]], list[str]]], Via(ListOps)]: ...

    @property
    @remote()
    def execution_count(self) -> int: ...

    @property
    def config(self) -> ConfigAPI: ...

    @property
    def display_formatter(self) -> DisplayFormatterAPI: ...

    @remote(refs=True, output=True, oneway=True)
    def run_cell(
        self,
        raw_cell: str,
        store_history: bool = False,
        silent: bool = False,
        shell_futures: bool = True,
        cell_id: str | None = None,
    ) -> ExecutionResult: ...

    @remote(refs=True, output=True, oneway=True, fixed={"_stack_depth": 0})
    def run_line_magic(self, magic_name: str, line: str, _stack_depth: int = 1) -> Any: ...

    @remote(refs=True, output=True, oneway=True)
    def run_cell_magic(self, magic_name: str, line: str, cell: str) -> Any: ...

    def register_magics(self, *objs: Any) -> None:
        """Not a remote call: the proxy registers each magic of ``objs`` as a function."""

    @remote(functions=True, oneway=True)
    def register_magic_function(
        self, func: Callable[..., Any], magic_kind: str = "line", magic_name: str | None = None
    ) -> None: ...

    @remote(oneway=True)
    def push(self, variables: Any, interactive: bool = True) -> None: ...

    @remote(oneway=True)
    def set_next_input(self, text: str, replace: bool = False) -> None: ...

    @remote(output=True)
    def complete(
        self, text: str, line: str | None = None, cursor_pos: int | None = None
    ) -> tuple[str, Sequence[str]]: ...

    @remote(output=True)
    def object_inspect_text(self, oname: str, detail_level: int = 0) -> str | None: ...

    @remote(output=True)
    def object_inspect_mime(self, oname: str, detail_level: int = 0) -> dict[str, str] | None: ...

    @remote(refs=True)
    def history(
        self, n: int = 10, raw: bool = True, output: bool = False
    ) -> list[tuple[int, int, Any]]: ...

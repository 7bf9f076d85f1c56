"""What the RPC channel serves: the members of ``ShellAPI``, by name, and nothing else.

``CALLS`` *is* the allow-list. A call names one entry (``"run_cell"``,
``"user_ns.setitem"``, ``"events.register"``, ...); the server looks the name
up here and nowhere else, so no client can reach an attribute of the shell
that is not in the table, whatever it sends (private and dunder names are
refused before the lookup). ``MEMBERS`` is the member table a client receives
at ``hello``: each ``ShellAPI`` member and how the proxy presents it.

Each handler takes the shell and the decoded arguments and returns a plain
value; ``Call.refs`` says whether a result that cannot cross by value comes
back as a reference handle (what users expect of ``run_cell`` results and of
bulk reads of the namespace) or as a ``TypeError`` naming the member (a
single ``user_ns[k]`` read).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["CALLS", "MEMBERS", "TAKES_FUNCTIONS", "TAKES_TYPES", "Call", "describe", "resolve_type"]

#: ``ShellAPI`` member -> how the proxy presents it.
MEMBERS: dict[str, str] = {
    "user_ns": "mapping",
    "user_global_ns": "mapping",
    "events": "events",
    "ast_transformers": "list",
    "input_transformers_post": "list",
    "execution_count": "value",
    "config": "config",
    "display_formatter": "formatter",
    "run_cell": "method",
    "run_line_magic": "method",
    "run_cell_magic": "method",
    "register_magics": "method",  # the proxy turns it into register_magic_function calls
    "register_magic_function": "method",
    "push": "method",
    "set_next_input": "method",
    "complete": "method",
    "object_inspect_text": "method",
    "object_inspect_mime": "method",
    "history": "method",
}


@dataclass(frozen=True)
class Call:
    """One servable name: its handler and whether results may come back as references."""

    handler: Callable[..., Any]
    refs: bool = False
    #: May print, show, or call back a client: runs with the caller's output streams.
    output: bool = False


#: The calls whose arguments may be functions of the client (they stay there: callbacks).
TAKES_FUNCTIONS = frozenset(
    {
        "register_magic_function",
        "events.register",
        "events.unregister",
        "display_formatter.for_type",
        "input_transformers_post.append",
        "input_transformers_post.remove",
        "input_transformers_post.contains",
    }
)

#: The calls that may name a class (sent as ``"module.Name"``, see :func:`resolve_type`).
TAKES_TYPES = frozenset({"display_formatter.for_type"})


def describe(name: str, args: Sequence[Any]) -> str:
    """How a call is named in messages: ``user_ns['x']`` rather than ``user_ns.getitem``."""
    base, _, op = name.rpartition(".")
    if op in ("getitem", "setitem", "get", "pop") and args:
        return f"{base}[{args[0]!r}]"
    if name == "display_formatter.for_type" and args:
        return f"display_formatter.formatters[{args[0]!r}].for_type"
    return name


def resolve_type(name: str) -> Any:
    """A class named by the client: a builtin class itself, anything else by name.

    Formatters accept ``"module.Name"`` and resolve it when an instance shows
    up, so the kernel never imports a module because a client named it.
    """
    module, _, qualname = name.rpartition(".")
    if module == "builtins":
        found = getattr(builtins, qualname, None)
        if isinstance(found, type):
            return found
    return name


# -- the namespace mappings ------------------------------------------------------------


def _mapping_calls(attr: str) -> dict[str, Call]:
    def ns(shell: Any) -> Any:
        return getattr(shell, attr)

    _missing = object()

    def pop(shell: Any, key: Any, default: Any = _missing) -> Any:
        if default is _missing:
            return ns(shell).pop(key)
        return ns(shell).pop(key, default)

    def delitem(shell: Any, key: Any) -> None:
        del ns(shell)[key]

    def update(shell: Any, values: dict[str, Any]) -> None:
        ns(shell).update(values)

    def setitem(shell: Any, key: Any, value: Any) -> None:
        ns(shell)[key] = value

    return {
        f"{attr}.getitem": Call(lambda shell, key: ns(shell)[key]),
        f"{attr}.setitem": Call(setitem),
        f"{attr}.delitem": Call(delitem),
        f"{attr}.contains": Call(lambda shell, key: key in ns(shell)),
        f"{attr}.len": Call(lambda shell: len(ns(shell))),
        f"{attr}.keys": Call(lambda shell: list(ns(shell))),
        f"{attr}.items": Call(lambda shell: [(k, v) for k, v in ns(shell).items()], refs=True),
        f"{attr}.values": Call(lambda shell: list(ns(shell).values()), refs=True),
        f"{attr}.get": Call(lambda shell, key, default=None: ns(shell).get(key, default)),
        f"{attr}.pop": Call(pop),
        f"{attr}.update": Call(update),
    }


# -- lists of transformers ---------------------------------------------------------------


def _list_calls(attr: str) -> dict[str, Call]:
    def lst(shell: Any) -> list[Any]:
        return list(getattr(shell, attr))

    def append(shell: Any, item: Any) -> None:
        getattr(shell, attr).append(item)

    def remove(shell: Any, item: Any) -> None:
        getattr(shell, attr).remove(item)

    def clear(shell: Any) -> None:
        getattr(shell, attr).clear()

    return {
        f"{attr}.len": Call(lambda shell: len(lst(shell))),
        f"{attr}.list": Call(lst, refs=True),
        f"{attr}.contains": Call(lambda shell, item: item in lst(shell)),
        f"{attr}.append": Call(append),
        f"{attr}.remove": Call(remove),
        f"{attr}.clear": Call(clear),
    }


# -- methods -----------------------------------------------------------------------------


def _run_cell(
    shell: Any,
    raw_cell: str,
    store_history: bool = False,
    silent: bool = False,
    shell_futures: bool = True,
    cell_id: str | None = None,
) -> Any:
    return shell.run_cell(
        raw_cell,
        store_history=store_history,
        silent=silent,
        shell_futures=shell_futures,
        cell_id=cell_id,
    )


def _line_magic(shell: Any, magic_name: str, line: str, _stack_depth: int = 1) -> Any:
    # as a line of a cell: names expand from the user namespace, not from a frame of ours
    from legacy_shell.magic_calls import call_line_magic

    return call_line_magic(shell, magic_name, line, None)


def _cell_magic(shell: Any, magic_name: str, line: str, cell: str) -> Any:
    from legacy_shell.magic_calls import call_cell_magic

    return call_cell_magic(shell, magic_name, line, cell)


def _for_type(shell: Any, mime: str, typ: Any, func: Any = None) -> Any:
    formatter = shell.display_formatter.formatters[mime]
    if isinstance(typ, str):
        typ = resolve_type(typ)
    return formatter.for_type(typ, func)


def _format(shell: Any, obj: Any, include: Any = None, exclude: Any = None) -> Any:
    return shell.display_formatter.format(obj, include=include, exclude=exclude)


def _config_set(shell: Any, key: str, value: Any) -> None:
    shell.config.set(key, value)


CALLS: dict[str, Call] = {
    "run_cell": Call(_run_cell, refs=True, output=True),
    "run_line_magic": Call(_line_magic, refs=True, output=True),
    "run_cell_magic": Call(_cell_magic, refs=True, output=True),
    "register_magic_function": Call(
        lambda shell, func, magic_kind="line", magic_name=None: shell.register_magic_function(
            func, magic_kind, magic_name
        )
    ),
    "push": Call(lambda shell, variables, interactive=True: shell.push(variables, interactive)),
    "set_next_input": Call(lambda shell, text, replace=False: shell.set_next_input(text, replace)),
    "complete": Call(
        lambda shell, text, line=None, cursor_pos=None: shell.complete(text, line, cursor_pos),
        output=True,
    ),
    "object_inspect_text": Call(
        lambda shell, oname, detail_level=0: shell.object_inspect_text(oname, detail_level),
        output=True,
    ),
    "object_inspect_mime": Call(
        lambda shell, oname, detail_level=0: shell.object_inspect_mime(oname, detail_level),
        output=True,
    ),
    "history": Call(
        lambda shell, n=10, raw=True, output=False: shell.history(n, raw, output), refs=True
    ),
    "execution_count.get": Call(lambda shell: shell.execution_count),
    "events.register": Call(lambda shell, event, function: shell.events.register(event, function)),
    "events.unregister": Call(
        lambda shell, event, function: shell.events.unregister(event, function)
    ),
    "display_formatter.for_type": Call(_for_type, refs=True),
    "display_formatter.format": Call(_format, output=True),
    "config.getitem": Call(lambda shell, key: shell.config[key]),
    "config.get": Call(lambda shell, key, default=None: shell.config.get(key, default)),
    "config.set": Call(_config_set),
    "config.as_dict": Call(lambda shell: shell.config.as_dict()),
    **_mapping_calls("user_ns"),
    **_mapping_calls("user_global_ns"),
    **_list_calls("ast_transformers"),
    **_list_calls("input_transformers_post"),
}

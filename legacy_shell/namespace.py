"""The user namespace: what a fresh one holds, and names taken from a caller's frame."""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable
from types import FrameType
from typing import Any, Protocol

from .displayhook import ExitAutocall, ExitHost
from .history import HistoryManager

__all__ = ["MODULE_DUNDERS", "initial_names", "names_from_frame"]

#: What every module namespace has; ``%who`` hides them.
MODULE_DUNDERS = ("__name__", "__builtins__", "__doc__", "__package__", "__spec__", "__loader__")


class NamespaceHost(ExitHost, Protocol):
    """What a fresh namespace takes from the shell: its history lists and its handles."""

    @property
    def history_manager(self) -> HistoryManager: ...
    @property
    def legacy(self) -> object: ...
    def get_ipython(self) -> Any: ...


def initial_names(shell: NamespaceHost) -> dict[str, Any]:
    """The names the shell itself puts in a fresh user namespace (hidden from ``%who``)."""
    hm = shell.history_manager
    return {
        "get_ipython": shell.get_ipython,
        "_ip": shell.legacy,
        "In": hm.input_hist_parsed,
        "_ih": hm.input_hist_parsed,
        "Out": hm.output_hist,
        "_oh": hm.output_hist,
        "_dh": [os.getcwd()],
        **dict.fromkeys(("_", "__", "___", "_i", "_ii", "_iii"), ""),
        "exit": ExitAutocall(shell),
        "quit": ExitAutocall(shell),
    }


def module_defaults() -> dict[str, Any]:
    """What ``__main__`` looks like before any code ran."""
    return {
        "__name__": "__main__",
        "__builtins__": builtins,
        "__doc__": None,
        "__package__": None,
        "__spec__": None,
        "__loader__": None,
    }


def names_from_frame(
    names: str | list[str] | tuple[str, ...],
    frame: FrameType,
    missing: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Look ``names`` (space-separated or a list) up in ``frame``: locals, then globals.

    This is how ``push("a b")`` and the legacy ``to_user_ns("a b")`` read the
    caller's variables. A missing name raises ``NameError``, or is passed to
    ``missing`` and skipped when that is given.
    """
    wanted = names.split() if isinstance(names, str) else list(names)
    found: dict[str, Any] = {}
    for name in wanted:
        if name in frame.f_locals:
            found[name] = frame.f_locals[name]
        elif name in frame.f_globals:
            found[name] = frame.f_globals[name]
        elif missing is not None:
            missing(name)
        else:
            raise NameError(f"name {name!r} is not defined in the caller's frame")
    return found

"""Event callbacks: ``shell.events.register(name, fn)``.

Same names and signatures as IPython: ``pre_execute()``, ``pre_run_cell(info)``,
``post_execute()``, ``post_run_cell(result)``, ``shell_initialized(shell)``.
A failing callback is reported and the others still run: one broken extension
must not take the shell down.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["AVAILABLE_EVENTS", "EventManager"]

AVAILABLE_EVENTS: tuple[str, ...] = (
    "pre_execute",
    "pre_run_cell",
    "post_execute",
    "post_run_cell",
    "shell_initialized",
)


class EventManager:
    """Holds the callbacks of each event and calls them in registration order."""

    def __init__(self, available_events: Iterable[str] = AVAILABLE_EVENTS) -> None:
        self.callbacks: dict[str, list[Callable[..., Any]]] = {n: [] for n in available_events}

    def _list(self, event: str) -> list[Callable[..., Any]]:
        try:
            return self.callbacks[event]
        except KeyError:
            known = ", ".join(self.callbacks)
            raise KeyError(f"Unknown event {event!r}; known events: {known}") from None

    def register(self, event: str, function: Callable[..., Any]) -> None:
        """Call ``function`` each time ``event`` fires (once, even if registered twice)."""
        if not callable(function):
            raise TypeError(f"Need a callable, got {function!r}")
        callbacks = self._list(event)
        if function not in callbacks:
            callbacks.append(function)

    def unregister(self, event: str, function: Callable[..., Any]) -> None:
        """Stop calling ``function``; ``ValueError`` if it was not registered."""
        callbacks = self._list(event)
        try:
            callbacks.remove(function)
        except ValueError:
            raise ValueError(
                f"Function {function!r} is not registered as a {event} callback"
            ) from None

    def trigger(self, event: str, *args: Any, **kwargs: Any) -> None:
        """Call every callback of ``event``; report and survive their exceptions."""
        for func in list(self._list(event)):
            try:
                func(*args, **kwargs)
            except (KeyboardInterrupt, SystemExit):
                raise
            except Exception:
                print(
                    f"Error in callback {func!r} (for {event}), with arguments args {args},kwargs {kwargs}:",
                    file=sys.stderr,
                )
                traceback.print_exc()

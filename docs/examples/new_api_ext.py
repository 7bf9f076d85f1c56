"""A stopwatch for the shell: an example extension written against the new API.

Load it with ``%load_ext new_api_ext`` (the directory of this file on
``sys.path``), then::

    In [2]: %lap start          # a lap: time since the previous lap
    In [3]: %%stopwatch         # time one cell
       ...: sum(range(10**6))
    In [4]: %laps               # every lap so far, as a table (HTML in Jupyter)

It also records how long each cell takes (``pre_run_cell`` / ``post_run_cell``
events) into ``cell_times`` in the user namespace, and teaches the display
system an HTML form of its ``LapTable``. ``%unload_ext new_api_ext`` undoes the
events and the formatter.

Everything here is on the proxy-safe surface (``ShellAPI``): it works the same
whether the shell runs in this process or in a kernel.
"""

from __future__ import annotations

import html
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from legacy_shell.magic import Magics, cell_magic, line_magic, magics_class


@dataclass
class LapTable:
    """The laps recorded so far: ``(label, seconds)`` pairs."""

    laps: list[tuple[str, float]] = field(default_factory=list)

    def __repr__(self) -> str:
        if not self.laps:
            return "No laps yet."
        rows = [
            f"{i:>3}  {seconds:8.3f} s  {label}" for i, (label, seconds) in enumerate(self.laps, 1)
        ]
        return "\n".join(rows)


def lap_table_html(table: LapTable) -> str:
    """The ``text/html`` form of a ``LapTable`` (registered with the formatter)."""
    rows = "".join(
        f"<tr><td>{i}</td><td>{seconds:.3f} s</td><td>{html.escape(label)}</td></tr>"
        for i, (label, seconds) in enumerate(table.laps, 1)
    )
    return f"<table><tr><th>#</th><th>time</th><th>label</th></tr>{rows}</table>"


@magics_class
class StopwatchMagics(Magics):
    """``%lap``, ``%laps`` and ``%%stopwatch``; also times every cell."""

    def __init__(self, shell: Any) -> None:
        super().__init__(shell)
        self.table = LapTable()
        self.last_lap = time.perf_counter()
        self.cell_started: float | None = None

    @line_magic
    def lap(self, line: str) -> None:
        """Record a lap: the time since the previous lap (or since loading).

        Usage: ``%lap [label]``
        """
        now = time.perf_counter()
        label = line.strip() or f"lap {len(self.table.laps) + 1}"
        self.table.laps.append((label, now - self.last_lap))
        self.last_lap = now
        print(f"{label}: {self.table.laps[-1][1]:.3f} s")

    @line_magic
    def laps(self, line: str) -> LapTable:
        """Show every lap so far (its result is displayed like any value)."""
        return self.table

    @cell_magic
    def stopwatch(self, line: str, cell: str) -> None:
        """Run the cell and print how long it took.

        Usage: ``%%stopwatch [label]`` on the first line of a cell.
        """
        start = time.perf_counter()
        self.shell.run_cell(cell, store_history=False)
        elapsed = time.perf_counter() - start
        print(f"Stopwatch{' ' + line.strip() if line.strip() else ''}: {elapsed:.3f} s")

    # -- event callbacks (same signatures as IPython's) ---------------------------
    # Only cells stored in the history count: the quiet run_cell of %%stopwatch
    # (store_history=False) also fires these events, nested in the outer cell's.
    def pre_run_cell(self, info: Any) -> None:
        if info.store_history:
            self.cell_started = time.perf_counter()

    def post_run_cell(self, result: Any) -> None:
        if not result.info.store_history or self.cell_started is None:
            return
        elapsed = time.perf_counter() - self.cell_started
        self.cell_started = None
        times = self.shell.user_ns.setdefault("cell_times", {})
        times[result.execution_count] = elapsed


def load_ipython_extension(shell: Any) -> None:
    """Called by ``%load_ext new_api_ext``."""
    magics = StopwatchMagics(shell)
    shell.register_magics(magics)
    shell.events.register("pre_run_cell", magics.pre_run_cell)
    shell.events.register("post_run_cell", magics.post_run_cell)
    shell.display_formatter.formatters["text/html"].for_type(LapTable, lap_table_html)
    shell.push({"cell_times": {}})
    _loaded[shell] = magics


def unload_ipython_extension(shell: Any) -> None:
    """Called by ``%unload_ext new_api_ext``: stop timing cells, forget the formatter.

    (Magics stay registered, as in IPython, which has no public call to remove them.)
    """
    magics = _loaded.pop(shell, None)
    if magics is None:
        return
    shell.events.unregister("pre_run_cell", magics.pre_run_cell)
    shell.events.unregister("post_run_cell", magics.post_run_cell)
    shell.display_formatter.formatters["text/html"].pop(LapTable, None)


# Which StopwatchMagics serves which shell, so that unloading finds its callbacks
# (weak: a shell that goes away without unloading takes its entry with it).
_loaded: weakref.WeakKeyDictionary[Any, StopwatchMagics] = weakref.WeakKeyDictionary()

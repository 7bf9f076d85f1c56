"""When to stop restarting a kernel that keeps dying: deaths nobody's cell caused, in a row.

A kernel that dies while running a cell the user sent (a segfault in a C
extension, ``os._exit``, the out-of-memory killer) is always restarted: that
is the case the two-process mode exists for, however often it happens. A
restart *loop* is something else: a kernel that dies while it starts (a
start-up file or an extension that crashes on load) or while it sits idle with
no cell of the user's running, again and again. After ``limit`` such deaths in
a row the frontend stops restarting, says why, and waits for the user to ask
for a new kernel. A cell of the user's that runs to its reply ends the streak,
as does a death during one: the kernel demonstrably works until the user's
code breaks it.

No clock is involved, so a busy machine (slow starts) changes nothing.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["CrashPolicy", "DeathCause"]

#: What the kernel was doing when it died: running a cell the user sent, starting
#: (before it had answered its start-up request), or idle with no cell of the user's.
DeathCause = Literal["cell", "starting", "idle"]


class CrashPolicy:
    """Counts deaths that no cell of the user's caused; ``allow_restart()`` says when to stop."""

    def __init__(self, limit: int = 5) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self._streak: list[DeathCause] = []

    def record_death(self, cause: DeathCause) -> None:
        """Note one death; one during a cell of the user's ends the streak instead."""
        if cause == "cell":
            self._streak.clear()
        else:
            self._streak.append(cause)

    def cell_ran(self) -> None:
        """A cell of the user's got its reply: the kernel works."""
        self._streak.clear()

    def reset(self) -> None:
        """Forget the streak (the user asked for a new kernel explicitly)."""
        self._streak.clear()

    @property
    def streak(self) -> int:
        """Deaths in a row that no cell of the user's caused."""
        return len(self._streak)

    def allow_restart(self) -> bool:
        """False once ``limit`` deaths in a row came with no cell of the user's running."""
        return len(self._streak) < self.limit

    def describe(self) -> str:
        """``"5 times in a row while starting"``: why restarting stopped, for the user."""
        n = len(self._streak)
        times = "once" if n == 1 else f"{n} times in a row"
        if self._streak and all(cause == "starting" for cause in self._streak):
            return f"{times} while starting"
        return f"{times} with no cell of yours running"

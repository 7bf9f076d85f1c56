"""When to stop restarting a kernel that keeps dying: a sliding window of crashes.

A kernel that crashes once (a segfault in a C extension, the out-of-memory
killer) is restarted at once: that is the point of the two-process mode. A
kernel that crashes again and again within seconds (a startup file that
segfaults, an extension that aborts on import) would turn that into a restart
loop; after ``limit`` deaths within ``window`` seconds the frontend stops,
says why, and lets the user choose. The clock is injected, so tests need no
sleeps.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

__all__ = ["CrashPolicy"]


class CrashPolicy:
    """Counts kernel deaths; ``allow_restart()`` says whether another restart is sensible."""

    def __init__(
        self, limit: int = 3, window: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._deaths: deque[float] = deque()

    def record_death(self) -> None:
        """Note one death, now."""
        now = self._clock()
        self._deaths.append(now)
        self._forget_old(now)

    def _forget_old(self, now: float) -> None:
        while self._deaths and now - self._deaths[0] > self.window:
            self._deaths.popleft()

    @property
    def recent_deaths(self) -> int:
        """Deaths within the window, counting back from now."""
        self._forget_old(self._clock())
        return len(self._deaths)

    def allow_restart(self) -> bool:
        """False once ``limit`` deaths happened within ``window`` seconds."""
        return self.recent_deaths < self.limit

    def reset(self) -> None:
        """Forget the past deaths (the user asked for a new kernel explicitly)."""
        self._deaths.clear()

    def describe(self) -> str:
        """``"3 times within 30 s"``: why restarting stopped, for the user."""
        return f"{self.recent_deaths} times within {self.window:g} s"

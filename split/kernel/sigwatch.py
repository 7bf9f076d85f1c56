"""The kernel's interrupt watchdog: a SIGINT always reaches the running cell promptly.

An interrupt is a SIGINT. Python runs its handler on the main thread between
bytecodes, and a blocking call (``time.sleep``, a socket read, a lock) gives
way early only if the signal interrupts that very call. Two cases slip
through: the signal lands on another thread (a thread of the user's takes
process-directed signals too), or it lands on the main thread just before it
enters the blocking call (the C-level handler has run, so the call does not
see it). Either way the Python handler runs only when the call returns by
itself, perhaps minutes later, and the Ctrl-C looks lost; a busy machine makes
the second case common.

The watchdog hears every SIGINT at once, through the wakeup fd that Python's
C-level handler writes on whatever thread it runs. If the kernel's handler has
not run soon after, it pokes the main thread with SIGURG, whose own handler
does nothing: the blocking call is interrupted, Python runs the pending SIGINT
handler, and the cell gets its ``KeyboardInterrupt``. A poke that turns out
unneeded costs nothing (an interrupted call is retried, PEP 475).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from ..sigmask import start_helper_thread

__all__ = ["POKE", "SigintWatchdog"]

log = logging.getLogger(__name__)

#: The signal that wakes the main thread: ignored by default, no one else's business.
POKE = signal.SIGURG


def _ignore(signum: int, frame: Any) -> None:
    """The poke's handler: its only job is to interrupt a blocking call."""


class SigintWatchdog:
    """Pokes the main thread until the SIGINT handler has run (installed from the main thread)."""

    def __init__(
        self,
        handled: Callable[[], int],
        handler: Callable[[int, Any], None],
        *,
        poke_after: float = 0.05,
        give_up_after: float = 5.0,
    ) -> None:
        """``handled()`` counts the runs of ``handler``, the kernel's SIGINT handler.

        When another handler is installed (user code may), its runs cannot be
        counted: the main thread is poked once.
        """
        self._handled = handled
        self._handler = handler
        self.poke_after = poke_after
        self.give_up_after = give_up_after
        self._main = threading.main_thread().ident or 0
        self._read_fd = -1
        self._write_fd = -1
        self._seen = 0

    def install(self) -> bool:
        """Hear every signal through the wakeup fd; False where that cannot be done."""
        if threading.current_thread() is not threading.main_thread():
            return False
        r, w = os.pipe()
        os.set_blocking(w, False)
        try:
            signal.signal(POKE, _ignore)
            signal.set_wakeup_fd(w, warn_on_full_buffer=False)
        except (ValueError, OSError) as e:
            log.warning("the interrupt watchdog is not available: %s", e)
            os.close(r)
            os.close(w)
            return False
        self._read_fd, self._write_fd = r, w
        thread = threading.Thread(target=self._watch, name="split-sigint-watch", daemon=True)
        start_helper_thread(thread)
        return True

    def _watch(self) -> None:
        while True:
            try:
                data = os.read(self._read_fd, 512)
            except OSError:
                return
            if not data:
                return
            if signal.SIGINT in data:
                self._see_it_handled()

    def _see_it_handled(self) -> None:
        """Poke the main thread until its SIGINT handler has run once more (or give up)."""
        deadline = time.monotonic() + self.give_up_after
        if signal.getsignal(signal.SIGINT) != self._handler:
            deadline = 0.0  # someone else's handler: one poke, then it is theirs
        while self._handled() <= self._seen:
            time.sleep(self.poke_after)
            if self._handled() > self._seen:
                break
            try:
                signal.pthread_kill(self._main, POKE)
            except (ProcessLookupError, OSError):
                return
            if time.monotonic() > deadline:
                if deadline:
                    log.warning("a SIGINT was not handled within %g s", self.give_up_after)
                break
        self._seen = self._handled()

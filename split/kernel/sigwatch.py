"""The kernel's signal watchdog: a SIGINT (or SIGTERM) always reaches the main thread promptly.

An interrupt is a SIGINT. Python runs its handler on the main thread between
bytecodes, and a blocking call (``time.sleep``, a socket read, a lock) gives
way early only if the signal interrupts that very call. Two cases slip
through: the signal lands on another thread (a thread of the user's takes
process-directed signals too), or it lands on the main thread just before it
enters the blocking call (the C-level handler has run, so the call does not
see it). Either way the Python handler runs only when the call returns by
itself, perhaps minutes later, and the Ctrl-C looks lost; a busy machine makes
the second case common.

The same goes for SIGTERM, which must end an idle kernel that waits for
requests in a poll with no timeout.

The watchdog hears every signal at once, through the wakeup fd that Python's
C-level handler writes on whatever thread it runs. If the kernel's handler has
not run soon after, it pokes the main thread with SIGURG, whose own handler
does nothing: the blocking call is interrupted, Python runs the pending
handler, and the cell gets its ``KeyboardInterrupt`` (or the kernel stops). A
poke that turns out unneeded costs nothing (an interrupted call is retried,
PEP 475).
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

__all__ = ["POKE", "SignalWatchdog", "Watched"]

log = logging.getLogger(__name__)

#: The signal that wakes the main thread: ignored by default, no one else's business.
POKE = signal.SIGURG


def _ignore(signum: int, frame: Any) -> None:
    """The poke's handler: its only job is to interrupt a blocking call."""


class Watched:
    """One signal the watchdog sees through: its handler, and how often that handler ran."""

    def __init__(self, handler: Callable[[int, Any], None]) -> None:
        self.handler = handler
        self.runs = 0
        self.seen = 0  # runs when the watchdog last looked

    def __call__(self, signum: int, frame: Any) -> None:
        """The handler to install: counts, then runs the real one."""
        __tracebackhide__ = True
        self.runs += 1
        self.handler(signum, frame)

    def __repr__(self) -> str:  # what signal.signal() gives back to user code
        return f"<the kernel's handler {getattr(self.handler, '__qualname__', 'of this signal')}>"


class SignalWatchdog:
    """Pokes the main thread until a watched signal's handler has run (install on the main thread)."""

    def __init__(
        self,
        watched: dict[int, Watched],
        *,
        poke_after: float = 0.05,
        give_up_after: float = 5.0,
    ) -> None:
        """``watched``: the signals to see through, each with its counting handler.

        When another handler is installed for one of them (user code may), its
        runs cannot be counted: the main thread is poked once.
        """
        self.watched = watched
        self.poke_after = poke_after
        self.give_up_after = give_up_after
        self._main = threading.main_thread().ident or 0
        self._read_fd = -1

    def install(self) -> bool:
        """Install the watched handlers and hear every signal; False where that cannot be done."""
        if threading.current_thread() is not threading.main_thread():
            return False
        r, w = os.pipe()
        os.set_blocking(w, False)
        try:
            for signum, watched in self.watched.items():
                signal.signal(signum, watched)
            signal.signal(POKE, _ignore)
            signal.set_wakeup_fd(w, warn_on_full_buffer=False)
        except (ValueError, OSError) as e:
            log.warning("the signal watchdog is not available: %s", e)
            os.close(r)
            os.close(w)
            return False
        self._read_fd = r
        thread = threading.Thread(target=self._watch, name="split-signal-watch", daemon=True)
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
            for signum in set(data):
                watched = self.watched.get(signum)
                if watched is not None:
                    self._see_it_handled(signum, watched)

    def _see_it_handled(self, signum: int, watched: Watched) -> None:
        """Poke the main thread until the handler has run once more (or give up)."""
        deadline = time.monotonic() + self.give_up_after
        if signal.getsignal(signum) is not watched:
            deadline = 0.0  # someone else's handler: one poke, then it is theirs
        while watched.runs <= watched.seen:
            time.sleep(self.poke_after)
            if watched.runs > watched.seen:
                break
            try:
                signal.pthread_kill(self._main, POKE)
            except (ProcessLookupError, OSError):
                return
            if time.monotonic() > deadline:
                if deadline:
                    log.warning("signal %d was not handled within %g s", signum, self.give_up_after)
                break
        watched.seen = watched.runs

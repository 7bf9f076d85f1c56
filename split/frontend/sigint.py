"""Ctrl-C at the terminal while the kernel works: forwarded, and never a frozen prompt.

While a cell runs in the kernel, Ctrl-C in the terminal interrupts the kernel
(the cell ends with ``KeyboardInterrupt`` there) and the terminal keeps waiting
for the reply. A kernel that does not react (the cell ignores SIGINT, or is
stuck in C code) must not keep the user waiting with no word: once
``give_up_after`` seconds passed since the first Ctrl-C (or at the third one),
:attr:`CellInterrupts.stop` is set and the terminal stops waiting, says so and
gives the prompt back (the backend then treats the kernel as busy). Each
further Ctrl-C interrupts the kernel again.

The other two helpers are for moments when Ctrl-C belongs to someone else: an
editor the terminal runs for the kernel (ignored here, as ``os.system``
does), and a line the terminal reads for ``input()`` in the kernel (raised
here, so reading stops).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..sigmask import sigint_handler

__all__ = ["GIVE_UP_PRESSES", "CellInterrupts", "sigint_ignored", "sigint_raises"]

#: Ctrl-C presses in one wait after which the terminal stops waiting at once.
GIVE_UP_PRESSES = 3


class CellInterrupts:
    """Ctrl-C during one wait for the kernel: interrupt it; after a while, stop waiting."""

    def __init__(
        self,
        interrupt: Callable[[], None],
        wake: Callable[[], None],
        give_up_after: float,
    ) -> None:
        """``interrupt()`` interrupts the kernel; ``wake()`` makes the wait look at ``stop``."""
        self._interrupt = interrupt
        self._wake = wake
        self.give_up_after = give_up_after
        #: Set when the terminal should stop waiting (the cell goes on in the kernel).
        self.stop = threading.Event()
        self.presses = 0
        self._timer: threading.Timer | None = None

    def _give_up(self) -> None:
        self.stop.set()
        self._wake()

    def press(self) -> None:
        """One Ctrl-C (from the signal handler)."""
        self.presses += 1
        self._interrupt()
        if self.presses >= GIVE_UP_PRESSES:
            self._give_up()
        elif self._timer is None:
            self._timer = threading.Timer(self.give_up_after, self._give_up)
            self._timer.daemon = True
            self._timer.start()

    @contextmanager
    def installed(self) -> Iterator[CellInterrupts]:
        """The SIGINT handler for the wait (only the main thread receives signals)."""
        try:
            with sigint_handler(lambda signum, frame: self.press()):
                yield self
        finally:
            if self._timer is not None:
                self._timer.cancel()


def sigint_ignored() -> Any:
    """Ctrl-C belongs to a program the terminal runs (the user's editor)."""
    return sigint_handler(signal.SIG_IGN)


def sigint_raises() -> Any:
    """Ctrl-C raises ``KeyboardInterrupt`` here (reading a line for the kernel's ``input()``)."""
    return sigint_handler(signal.default_int_handler)

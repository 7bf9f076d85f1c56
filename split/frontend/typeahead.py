"""Keys typed while the terminal is busy restarting a kernel: kept, not echoed.

Between two prompts the terminal is in its ordinary (cooked) mode, which
echoes what is typed. While a kernel restarts, that echo would print the
typed-ahead text above "Kernel restarted"; with echo off it is simply kept by
the terminal driver and shows up at the next prompt, where it belongs.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import IO

__all__ = ["typeahead_kept"]


@contextlib.contextmanager
def typeahead_kept(stream: IO[str] | None = None) -> Iterator[None]:
    """No echo of typed keys meanwhile (a terminal only; anything else is left alone)."""
    stream = stream if stream is not None else sys.stdin
    try:
        import termios

        fd = stream.fileno()
        if not stream.isatty():
            raise OSError("not a terminal")
        saved = termios.tcgetattr(fd)
    except (ImportError, OSError, ValueError, AttributeError):
        yield
        return
    quiet = list(saved)
    quiet[3] &= ~termios.ECHO  # lflag: no echo; the driver keeps the keys
    try:
        termios.tcsetattr(fd, termios.TCSANOW, quiet)
    except termios.error:
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(termios.error):
            termios.tcsetattr(fd, termios.TCSANOW, saved)

"""Signals and threads: helpers that never take the main thread's signals, and a
SIGINT handler for the length of a block.

Python runs signal handlers on the main thread, but the operating system may
hand a process-directed signal (Ctrl-C, an interrupt sent to a kernel's
process group, a SIGTERM) to any thread that does not block it. When a helper
thread takes it, the main thread is not woken: a cell blocked in
``time.sleep(30)`` (in a kernel, or in a proxy's callback) sleeps on, and the
interrupt is as good as lost. The kernel's threads and the client side's
(heartbeat, death watch, the proxy's callback thread) use this. Helper threads are therefore
started with SIGINT and SIGTERM blocked (a thread inherits its creator's mask;
the creator's own mask is put back at once, and a signal that arrived
meanwhile is delivered then).

:func:`sigint_handler` puts a SIGINT handler in place for a block and the
previous one back after; on any thread but the main one it does nothing, as
only the main thread runs handlers.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["MAIN_THREAD_SIGNALS", "sigint_handler", "start_helper_thread"]

#: The signals whose handlers the kernel's main thread must run promptly.
MAIN_THREAD_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


def start_helper_thread(thread: threading.Thread) -> None:
    """``thread.start()``, with :data:`MAIN_THREAD_SIGNALS` blocked in the new thread."""
    saved = signal.pthread_sigmask(signal.SIG_BLOCK, MAIN_THREAD_SIGNALS)
    try:
        thread.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, saved)


@contextmanager
def sigint_handler(handler: Any) -> Iterator[None]:
    """``handler`` (a function, ``SIG_IGN``...) is SIGINT's inside the block (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)

"""Helper threads that never take a signal meant for the main thread.

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
"""

from __future__ import annotations

import signal
import threading

__all__ = ["MAIN_THREAD_SIGNALS", "start_helper_thread"]

#: The signals whose handlers the kernel's main thread must run promptly.
MAIN_THREAD_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})


def start_helper_thread(thread: threading.Thread) -> None:
    """``thread.start()``, with :data:`MAIN_THREAD_SIGNALS` blocked in the new thread."""
    saved = signal.pthread_sigmask(signal.SIG_BLOCK, MAIN_THREAD_SIGNALS)
    try:
        thread.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, saved)

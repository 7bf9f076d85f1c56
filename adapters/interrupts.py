"""Ctrl-C while a proxy call waits: the kernel's code gets it, as it would in one process.

In-process, Ctrl-C raises ``KeyboardInterrupt`` in whatever code runs. Through
the proxy, the code that runs is in the kernel while the caller waits, so the
first Ctrl-C interrupts the kernel (the call then returns as it would
in-process, e.g. ``run_cell`` with the ``KeyboardInterrupt`` in
``error_in_exec``); a second one, for a kernel that does not react, raises
``KeyboardInterrupt`` here and abandons the call.

The handler is installed *before* a call's request goes out and stays until
its reply is in: a Ctrl-C at any moment of the call is the call's. (Swapping it
in only once a call took its time left a window in which a Ctrl-C went to
nobody.) Calls made from a callback while another call waits nest on one
stack; the top of the stack owns a Ctrl-C: a waiting call interrupts the
kernel, and client code running for a callback gets ``KeyboardInterrupt``
raised in it, as in-process (the kernel then sees the callback fail with it).
Only Python's default handler is replaced, and only on the main thread (where
Python runs signal handlers): a program's own handler is left alone.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["CallWait", "client_code", "waiting"]

log = logging.getLogger("adapters")


class CallWait:
    """One call's share of Ctrl-C: ``pressed`` is set by the handler; the wait loop acts on it."""

    def __init__(self, interrupt: Callable[[], None] | None) -> None:
        self._interrupt = interrupt
        self.pressed = False
        self._sent = False

    def interrupt_kernel(self) -> None:
        """Interrupt the kernel once for this call (the wait loop calls it, not the handler)."""
        if self._sent or self._interrupt is None:
            return
        self._sent = True
        try:
            self._interrupt()
        except Exception as e:  # a kernel that just ended: the wait reports that
            log.debug("could not interrupt the kernel: %s", e)


#: What owns a Ctrl-C on the main thread, innermost last: a waiting call, or ``None``
#: for client code running for a callback (it gets ``KeyboardInterrupt`` raised).
_stack: list[CallWait | None] = []
_saved: Any = None
_installed = False


def _on_sigint(signum: int, frame: Any) -> None:
    top = _stack[-1] if _stack else None
    if top is None or top.pressed or top._interrupt is None:
        raise KeyboardInterrupt
    top.pressed = True  # acted on by the call's wait loop, outside the signal handler


def _push(entry: CallWait | None) -> bool:
    """Put ``entry`` on top; install the handler for the outermost one. False: not ours here."""
    global _saved, _installed
    if threading.current_thread() is not threading.main_thread():
        return False
    if not _stack:
        _installed = signal.getsignal(signal.SIGINT) is signal.default_int_handler
        if _installed:
            _saved = signal.signal(signal.SIGINT, _on_sigint)
    _stack.append(entry)
    return True


def _pop(entry: CallWait | None) -> None:
    global _saved, _installed
    if _stack and _stack[-1] is entry:
        _stack.pop()
    elif entry in _stack:  # unwound out of order: drop it anyway
        _stack.remove(entry)
    if not _stack and _installed:
        _installed = False
        signal.signal(signal.SIGINT, _saved)
        _saved = None


@contextlib.contextmanager
def waiting(interrupt: Callable[[], None] | None) -> Iterator[CallWait]:
    """Around one call, from before its request is sent until its reply is in."""
    wait = CallWait(interrupt)
    pushed = _push(wait)
    try:
        yield wait
    finally:
        if pushed:
            _pop(wait)


@contextlib.contextmanager
def client_code() -> Iterator[None]:
    """Around a callback's client code: Ctrl-C raises ``KeyboardInterrupt`` in it."""
    pushed = _push(None) if _stack else False  # outside any call: the default handler does it
    try:
        yield
    finally:
        if pushed:
            _pop(None)

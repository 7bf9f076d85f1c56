"""``input()`` and ``getpass`` in a kernel: asked of the frontend over the stdin channel.

A kernel has no terminal: while a cell runs, ``builtins.input`` and
``getpass.getpass`` are replaced by functions that send an ``input_request``
to the frontend (through the ``request_input`` callable the kernel core gives
the interpreter) and return its answer. A frontend that said it cannot answer
(``allow_stdin: false``, as notebooks running headless do) makes them raise
``StdinNotImplementedError`` at once instead of hanging. Our terminal answers
Ctrl-D with ``"\x04"`` and Ctrl-C with ``"\x03"``: ``input()`` then raises
``EOFError`` or ``KeyboardInterrupt`` at the user's own line, as at a terminal
(an interrupt sent alongside would race with the answer).
"""

from __future__ import annotations

import builtins
import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import SplitError

__all__ = ["InputRouter", "RequestInput", "StdinError", "StdinNotImplementedError"]

#: ``(prompt, password) -> text``: the kernel core sends ``input_request`` and waits.
#: A third argument, a dict, rides along in the request as ``legacy_shell`` (a request
#: to the terminal: see :mod:`.terminal_site`).
RequestInput = Callable[..., str]


class StdinError(SplitError, RuntimeError):
    """Reading from the frontend failed."""


class StdinNotImplementedError(StdinError, NotImplementedError):
    """The frontend does not accept input requests (``allow_stdin`` was false)."""


class InputRouter:
    """Installs the kernel's ``input``/``getpass`` for the duration of one cell."""

    def __init__(self, request_input: RequestInput) -> None:
        self._request_input = request_input
        self._allowed = False

    @property
    def allowed(self) -> bool:
        """Whether the running cell's frontend answers input requests."""
        return self._allowed

    def ask_terminal(self, request: dict[str, Any]) -> str:
        """Send a request to the terminal (``input_request`` with ``legacy_shell``); its answer."""
        __tracebackhide__ = True
        if not self._allowed:
            raise StdinNotImplementedError("this frontend does not answer input requests")
        self._flush_streams()
        try:
            return self._request_input("", False, request)
        except KeyboardInterrupt:
            raise KeyboardInterrupt from None  # no frames of the kernel's own below the user's

    @staticmethod
    def _flush_streams() -> None:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass

    def _ask(self, prompt: str, password: bool) -> str:
        __tracebackhide__ = True  # the user's traceback ends at their input() call
        if not self._allowed:
            raise StdinNotImplementedError(
                "input() was called, but this frontend does not support input requests "
                "(the execute_request had allow_stdin false)"
            )
        # what was printed before the prompt must reach the frontend first
        self._flush_streams()
        try:
            value = self._request_input(prompt, password)
        except KeyboardInterrupt:
            # Ctrl-C at the prompt: as at a terminal, the traceback ends at input()
            raise KeyboardInterrupt from None
        if value == "\x04":  # Ctrl-D at the frontend's prompt
            raise EOFError from None  # as input() at a terminal: no message
        if value == "\x03":  # Ctrl-C there (our terminal's answer: no interrupt to race with)
            raise KeyboardInterrupt from None
        return value

    def input(self, prompt: Any = "") -> str:
        """The kernel's ``input()``: the prompt goes with the request, not to stdout."""
        __tracebackhide__ = True
        return self._ask(str(prompt), False)

    def getpass(self, prompt: str = "Password: ", stream: Any = None) -> str:
        """The kernel's ``getpass.getpass()``: the frontend hides what is typed."""
        __tracebackhide__ = True
        return self._ask(str(prompt), True)

    @contextmanager
    def installed(self, allow_stdin: bool) -> Iterator[None]:
        """``input``/``getpass`` routed to the frontend inside the block; restored after."""
        saved = builtins.input, getpass.getpass
        self._allowed = allow_stdin
        builtins.input = self.input
        getpass.getpass = self.getpass
        try:
            yield
        finally:
            builtins.input, getpass.getpass = saved
            self._allowed = False

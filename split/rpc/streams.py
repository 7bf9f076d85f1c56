"""``sys.stdout``/``sys.stderr`` while the kernel serves a proxy call: text goes to the caller.

Written on the main thread (which owns the RPC socket), a piece of text is
sent at once, so the caller sees it as it happens, as it would in-process.
Text written by other threads meanwhile is kept and sent by the main thread
at its next write or when the call ends: only the socket's owner touches it.
There is no ``fileno``, so child processes' output is read and copied through
(see ``legacy_shell.system``).
"""

from __future__ import annotations

import io
import threading
from typing import Any, Protocol

__all__ = ["RpcStream"]


class _Sender(Protocol):
    def send_stream(self, ident: bytes, request: Any, name: str, text: str) -> None: ...
    def on_main_thread(self) -> bool: ...


class RpcStream(io.TextIOBase):
    """A text stream that sends each write to the client being served."""

    def __init__(self, sender: _Sender, ident: bytes, request: Any, name: str) -> None:
        super().__init__()
        self._sender = sender
        self._ident = ident
        self._request = request
        self.name = name  # type: ignore[misc]
        self._pending: list[str] = []
        self._lock = threading.Lock()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if not self._sender.on_main_thread():
            with self._lock:
                self._pending.append(text)
            return len(text)
        if self._pending:
            self.flush()
        if text:
            self._sender.send_stream(self._ident, self._request, self.name, text)
        return len(text)

    def flush(self) -> None:
        if not self._pending or not self._sender.on_main_thread():
            return
        with self._lock:
            text, self._pending = "".join(self._pending), []
        if text:
            self._sender.send_stream(self._ident, self._request, self.name, text)

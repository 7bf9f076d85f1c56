"""Transports: the kernel side of the five Jupyter channels (``KernelChannels``).

Two implementations share one contract and one conformance suite: ZeroMQ
sockets (``split.transport.zmq``, what real clients talk to) and in-memory
queues (``split.transport.memory``, for unit tests). Both decode and verify
every incoming message with the connection key, and drop what fails: this
module holds what they share for that, the drop counter with its
rate-limited warning, and a replay guard that threads can share.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from ..errors import SplitError
from ..wire import Message, ProtocolError, ReplayGuard, deserialize

__all__ = ["BadMessages", "CountsBadMessages", "PortInUse", "TransportError", "Verifier"]

log = logging.getLogger("split.transport")


class TransportError(SplitError):
    """The channels cannot be opened or used."""


class PortInUse(TransportError):
    """A port of the connection file is already taken by another process."""


class BadMessages:
    """Counts dropped messages and warns about each, up to ``burst`` per ``interval`` seconds.

    A few bad messages are each worth a line (what was wrong with each); a
    flood of forged frames must not become a flood of log lines: past the
    burst, drops are counted and the count is reported with the next warning.
    """

    def __init__(
        self, interval: float = 10.0, logger: logging.Logger = log, burst: int = 5
    ) -> None:
        self.interval = interval
        self.burst = burst
        self.count = 0
        self._log = logger
        self._lock = threading.Lock()
        self._window_end = 0.0
        self._in_window = 0
        self._unreported = 0

    def drop(self, channel: str, error: ProtocolError) -> None:
        with self._lock:
            self.count += 1
            now = time.monotonic()
            if now >= self._window_end:
                self._window_end, self._in_window = now + self.interval, 0
            self._in_window += 1
            if self._in_window > self.burst:
                self._unreported += 1
                return
            suppressed, self._unreported = self._unreported, 0
        if suppressed:
            self._log.warning(
                "dropped a bad message on %s: %s (and %d more not shown: at most %d "
                "warnings per %gs)",
                channel,
                error,
                suppressed,
                self.burst,
                self.interval,
            )
        else:
            self._log.warning("dropped a bad message on %s: %s", channel, error)


class Verifier:
    """Checks and decodes frames with the key; one replay memory for every channel."""

    def __init__(self, key: bytes, bad: BadMessages) -> None:
        self.key = key
        self.bad = bad
        self._replay = ReplayGuard()
        self._lock = threading.Lock()

    def decode(self, channel: str, frames: Sequence[bytes]) -> Message | None:
        """The message, or ``None`` (counted and maybe logged) when it must be dropped."""
        try:
            with self._lock:
                return deserialize(frames, self.key, self._replay)
        except ProtocolError as e:
            self.bad.drop(channel, e)
            return None

    def serve_control(self, frames: Sequence[bytes], handler: Callable[[Message], None]) -> None:
        """Decode a control message and hand it over; a failing handler is logged, not fatal."""
        msg = self.decode("control", frames)
        if msg is None:
            return
        try:
            handler(msg)
        except Exception:
            log.exception("control handler failed on %s", msg.msg_type)


class CountsBadMessages:
    """``KernelChannels.bad_messages`` for a transport that keeps a :class:`BadMessages`."""

    _bad: BadMessages

    @property
    def bad_messages(self) -> int:
        """Messages dropped so far (bad signature, replay, malformed frames)."""
        return self._bad.count

    @bad_messages.setter
    def bad_messages(self, value: int) -> None:  # the Protocol declares a plain attribute
        self._bad.count = value

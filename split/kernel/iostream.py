"""What user code prints, as iopub ``stream`` messages: ``OutStream`` and its ``StreamBatcher``.

While a cell runs, ``sys.stdout`` and ``sys.stderr`` are ``OutStream`` objects.
One message per ``print`` would cost a message (and a socket send) per line, so
both streams share one ``StreamBatcher``: writes are buffered and published
when 8 KiB are pending, on a short interval (a flusher thread, so text without
a newline shows up too), on ``flush()``, and always when the kernel core calls
``flush_output`` before the reply. Sharing one buffer keeps stdout and stderr
in the order they were written: consecutive chunks of one stream become one
message.

Publishing happens under a lock that ``flush`` also takes, so a flush that has
returned has nothing pending *and* no flusher still publishing older text: no
output can trail after the request's reply and ``idle``. Any thread may write.
"""

from __future__ import annotations

import io
import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable

from ..sigmask import start_helper_thread

__all__ = ["OutStream", "StreamBatcher", "StreamPublisher"]

log = logging.getLogger(__name__)

#: ``(name, text)``: publishes one ``stream`` message ("stdout" or "stderr").
StreamPublisher = Callable[[str, str], None]

DEFAULT_INTERVAL = 0.05
#: a large batch while output streams (an interactive print is flushed by the interval)
DEFAULT_MAX_BUFFER = 256 * 1024


class StreamBatcher:
    """The buffer behind both ``OutStream`` objects, and the thread that flushes it late.

    Writes do not take a lock (a lock per ``print`` costs more than the print):
    chunks go into a ``deque``, whose ``append`` and ``popleft`` are atomic, so
    a flush drains exactly what was written before it and leaves what comes
    later for the next one. The flusher thread is started on first use and is
    a daemon: it waits for a write, then ``interval`` seconds, then flushes.
    """

    def __init__(
        self,
        publish: StreamPublisher,
        *,
        interval: float = DEFAULT_INTERVAL,
        max_buffer: int = DEFAULT_MAX_BUFFER,
    ) -> None:
        self._publish = publish
        self.interval = interval
        self.max_buffer = max_buffer
        self._chunks: deque[tuple[str, str]] = deque()
        self._size = 0  # approximate under concurrent writers: only decides when to flush
        self._scheduled = False  # the flusher has been woken for what is pending
        self._flush_lock = threading.RLock()  # one drain-and-publish at a time
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, name: str, text: str) -> None:
        """Buffer ``text`` for stream ``name``; flush now if the buffer is full."""
        self._chunks.append((name, text))
        self._size += len(text)
        if self._size >= self.max_buffer:
            self.flush()
        elif not self._scheduled:
            self._schedule()

    @property
    def pending(self) -> int:
        """How many characters are buffered and not yet published."""
        return sum(len(text) for _, text in list(self._chunks))

    def flush(self) -> None:
        """Publish everything written before this call, in order, before returning."""
        with self._flush_lock:
            self._size = 0
            chunks = []
            popleft = self._chunks.popleft
            try:
                while True:
                    chunks.append(popleft())
            except IndexError:
                pass
            if not chunks:
                return
            for name, text in _coalesce(chunks):
                try:
                    self._publish(name, text)
                except Exception:  # a failing transport must not break the user's print()
                    log.exception("could not publish %s output", name)

    def close(self) -> None:
        """Flush, and let the flusher thread end."""
        self._closed.set()
        self._wake.set()
        self.flush()

    # -- the flusher -----------------------------------------------------------------
    def _schedule(self) -> None:
        self._scheduled = True
        if self._thread is None:
            with self._flush_lock:
                if self._thread is None and not self._closed.is_set():
                    self._thread = threading.Thread(
                        target=self._run, name="split-stream-flusher", daemon=True
                    )
                    start_helper_thread(self._thread)
        self._wake.set()

    def _run(self) -> None:
        while not self._closed.is_set():
            self._wake.wait()
            self._wake.clear()
            # let more text gather: one message for a burst of prints
            if self._closed.wait(self.interval):
                break
            # before draining: a write after this point wakes us again
            self._scheduled = False
            self.flush()


def _coalesce(chunks: list[tuple[str, str]]) -> Iterable[tuple[str, str]]:
    """Consecutive chunks of the same stream joined: ``[(name, text), ...]`` in order."""
    current = chunks[0][0]
    parts: list[str] = []
    for name, text in chunks:
        if name != current:
            yield current, "".join(parts)
            current, parts = name, []
        parts.append(text)
    yield current, "".join(parts)


class OutStream(io.TextIOBase):
    """A text stream (``sys.stdout``/``sys.stderr`` while a cell runs) that publishes.

    It has no file descriptor (``fileno`` raises ``io.UnsupportedOperation``),
    so the shell's ``!cmd`` copies a child's output through ``write``.
    """

    def __init__(self, name: str, batcher: StreamBatcher) -> None:
        super().__init__()
        self._name = name
        self._batcher = batcher

    @property
    def name(self) -> str:  # type: ignore[override]
        return self._name

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    @property
    def errors(self) -> str:  # type: ignore[override]
        return "strict"

    def write(self, text: str) -> int:
        # the hot path of every print(): kept short (see StreamBatcher.add)
        if type(text) is not str and not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if text:
            self._batcher.add(self._name, text)
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:  # type: ignore[override]
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        """Publish what is buffered now (``print(..., flush=True)``, progress bars)."""
        self._batcher.flush()

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return False

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise io.UnsupportedOperation(f"{self._name} of a kernel has no file descriptor")

    def close(self) -> None:
        """Closing ``sys.stdout`` from user code must not end the kernel's output: ignored."""

    @property
    def closed(self) -> bool:
        return False

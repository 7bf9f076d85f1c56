"""Batched stream output: what ``print`` in a kernel becomes on iopub.

The ``StreamBatcher`` turns many small writes into few ``stream`` messages
without losing, reordering or delaying text past a ``flush``.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator

import pytest

from split.kernel.iostream import OutStream, StreamBatcher

NEVER = 3600.0  # an interval so long that only size and flush() publish


class Published:
    """Records ``(name, text)`` publications; tests wait on it, never sleep."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []
        self.cond = threading.Condition()

    def __call__(self, name: str, text: str) -> None:
        with self.cond:
            self.items.append((name, text))
            self.cond.notify_all()

    def wait_for(self, predicate: Callable[[list[tuple[str, str]]], bool]) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: predicate(self.items), timeout=5.0), self.items

    def text(self, name: str = "stdout") -> str:
        return "".join(t for n, t in self.items if n == name)


@pytest.fixture
def published() -> Published:
    return Published()


@pytest.fixture
def batcher(published: Published) -> Iterator[StreamBatcher]:
    b = StreamBatcher(published, interval=NEVER)
    yield b
    b.close()


def test_writes_are_buffered_until_flushed(published: Published, batcher: StreamBatcher) -> None:
    out = OutStream("stdout", batcher)
    out.write("a")
    out.write("b\n")
    assert published.items == []
    assert batcher.pending == 3
    batcher.flush()
    assert published.items == [("stdout", "ab\n")]
    assert batcher.pending == 0


def test_flush_with_nothing_pending_publishes_nothing(
    published: Published, batcher: StreamBatcher
) -> None:
    batcher.flush()
    assert published.items == []


def test_stdout_and_stderr_keep_their_interleaving(
    published: Published, batcher: StreamBatcher
) -> None:
    out, err = OutStream("stdout", batcher), OutStream("stderr", batcher)
    out.write("1")
    out.write("2")
    err.write("3")
    out.write("4")
    batcher.flush()
    assert published.items == [("stdout", "12"), ("stderr", "3"), ("stdout", "4")]


def test_a_full_buffer_is_published_at_once(published: Published) -> None:
    batcher = StreamBatcher(published, interval=NEVER, max_buffer=100)
    out = OutStream("stdout", batcher)
    out.write("x" * 60)
    assert published.items == []
    out.write("y" * 60)
    assert published.items == [("stdout", "x" * 60 + "y" * 60)]
    batcher.close()


def test_text_without_newline_arrives_on_the_interval(published: Published) -> None:
    batcher = StreamBatcher(published, interval=0.01)
    OutStream("stdout", batcher).write("progress 50%")
    published.wait_for(lambda items: items == [("stdout", "progress 50%")])
    OutStream("stdout", batcher).write(" done")
    published.wait_for(lambda items: len(items) == 2)
    assert published.text() == "progress 50% done"
    batcher.close()


def test_many_small_writes_make_few_messages(published: Published) -> None:
    batcher = StreamBatcher(published, interval=NEVER)
    out = OutStream("stdout", batcher)
    for i in range(5000):
        print(i, file=out)
    batcher.flush()
    assert published.text() == "".join(f"{i}\n" for i in range(5000))
    assert len(published.items) <= 5  # ~24 KB in 8 KiB messages


def test_flush_waits_for_a_publication_already_under_way() -> None:
    """Once ``flush`` returns, everything written before has been published:
    a flusher-thread publication still in progress is waited for."""
    started, release = threading.Event(), threading.Event()
    done: list[tuple[str, str]] = []

    def slow_publish(name: str, text: str) -> None:
        started.set()
        release.wait(5.0)
        done.append((name, text))

    batcher = StreamBatcher(slow_publish, interval=0.0)
    OutStream("stdout", batcher).write("early")
    assert started.wait(5.0)  # the flusher thread is inside publish

    seen_after_flush: list[list[tuple[str, str]]] = []

    def flush_and_look() -> None:
        batcher.flush()
        seen_after_flush.append(list(done))

    flusher = threading.Thread(target=flush_and_look)
    flusher.start()
    flusher.join(0.1)
    assert flusher.is_alive(), "flush returned while older text was still being published"
    release.set()
    flusher.join(5.0)
    assert seen_after_flush == [[("stdout", "early")]]
    batcher.close()


def test_threads_writing_at_once_lose_nothing(published: Published, batcher: StreamBatcher) -> None:
    out = OutStream("stdout", batcher)

    def work(n: int) -> None:
        for i in range(300):
            out.write(f"t{n}-{i}\n")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    batcher.flush()
    lines = published.text().splitlines()
    assert len(lines) == 6 * 300
    for n in range(6):
        mine = [line for line in lines if line.startswith(f"t{n}-")]
        assert mine == [f"t{n}-{i}" for i in range(300)]  # each thread's order is kept


def test_outstream_behaves_as_a_text_stream_without_a_descriptor(batcher: StreamBatcher) -> None:
    out = OutStream("stderr", batcher)
    assert out.name == "stderr"
    assert out.writable() and not out.readable() and not out.isatty()
    assert out.encoding == "utf-8"
    with pytest.raises(io.UnsupportedOperation):
        out.fileno()
    with pytest.raises(TypeError):
        out.write(b"bytes")  # type: ignore[arg-type]
    assert out.write("") == 0
    out.writelines(["a", "b"])
    out.close()  # ignored: user code closing sys.stdout must not end the kernel's output
    assert not out.closed
    assert out.write("c") == 1
    assert batcher.pending == 3


def test_flush_on_the_stream_publishes_now(published: Published, batcher: StreamBatcher) -> None:
    out = OutStream("stdout", batcher)
    print("now", file=out, flush=True)
    assert published.items == [("stdout", "now\n")]


def test_a_failing_publisher_does_not_break_print(batcher: StreamBatcher) -> None:
    def broken(name: str, text: str) -> None:
        raise OSError("socket gone")

    b = StreamBatcher(broken, interval=NEVER)
    out = OutStream("stdout", b)
    print("still fine", file=out)
    b.flush()  # logged, not raised
    assert b.pending == 0
    b.close()

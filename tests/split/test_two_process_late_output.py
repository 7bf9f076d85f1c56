"""Output that comes after its cell ended: shown at the prompt, and sent to every client.

A thread's ``print`` and a subprocess writing to the kernel's fd 1 after the
cell's reply are shown while the terminal waits at the prompt (above it,
without spoiling what is being typed), as IPython shows them; other Jupyter
clients get them as ``stream`` messages.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from ptyterm import screen
from twoproc import LINE, Spawn, run

from split.manager import KernelManager

pytestmark = pytest.mark.pty

TIMEOUT = 30.0


def test_a_threads_print_after_its_cell_shows_at_the_prompt(spawn: Spawn, tmp_path: Path) -> None:
    go = tmp_path / "go"
    child = spawn()
    child.expect(screen("In [1]: "))
    # a thread that prints once the test says so, long after its cell ended
    later = (
        "def later():\n"
        f"    while not os.path.exists({str(go)!r}): time.sleep(0.01)\n"
        "    print('late output')\n"
    )
    run(
        child,
        f"import os, threading, time; exec({later!r}); threading.Thread(target=later).start()",
    )
    child.expect(screen("In [2]: "))
    child.send("x = 4")  # typing when the output comes
    child.expect(screen("x = 4"))
    go.touch()
    child.expect(LINE + "late output")
    child.send("2\r")  # what was typed is intact: x = 42
    child.expect(screen("In [3]: "))
    run(child, "print(x)")
    child.expect(LINE + r"42\r\n")


def test_a_subprocess_writing_to_the_kernels_stdout_shows_at_the_prompt(spawn: Spawn) -> None:
    child = spawn()
    child.expect(screen("In [1]: "))
    run(child, "import os; os.system('(sleep 0.5; echo from-a-subprocess) &')")
    child.expect(LINE + "from-a-subprocess")
    child.send("print(6*7)\r")
    child.expect(LINE + r"42\r\n")


def test_other_clients_get_late_output_as_stream_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    manager = KernelManager()
    manager.start()
    try:
        manager.wait_ready(timeout=TIMEOUT)
        runner, watcher = manager.client(), manager.client()
        seen: list[tuple[str, str]] = []
        watcher.other_output_hook = lambda m: seen.append(
            (m.msg_type, str(m.content.get("text", "")))
        )
        cell = (
            "import os, threading\n"
            "threading.Timer(0.3, lambda: print('from a thread', flush=True)).start()\n"
            "threading.Timer(0.3, lambda: os.system('echo from-fd-1')).start()\n"
        )
        runner.execute_interactive(cell, timeout=TIMEOUT)
        deadline = time.monotonic() + TIMEOUT
        texts = ""
        while "from a thread" not in texts or "from-fd-1" not in texts:
            assert time.monotonic() < deadline, f"late output never came: {seen}"
            watcher.wait_for_iopub(1.0)
            watcher.poll_other_output()
            texts = "".join(text for kind, text in seen if kind == "stream")
        runner.stop_channels()
        watcher.stop_channels()
    finally:
        manager.shutdown()

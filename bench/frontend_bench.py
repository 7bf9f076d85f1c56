"""Frontend benchmarks: ``ipython --two-process`` against jupyter_console and jupyter_client.

First prompt: from spawning the command in a pseudo-terminal to ``In [1]:``
(ours: ``ipython --two-process``; theirs: ``jupyter console --kernel python3``).
Crash to working prompt: the kernel segfaults (``ctypes.string_at(0)``); ours
is timed in a real pty from sending the line to ``print(6*7)`` answering 42 at
the next prompt. jupyter_console never restarts a dead kernel (and says
nothing), so theirs is jupyter_client's own auto-restart (AsyncIOLoopKernelManager
with its KernelRestarter), timed from sending the crashing cell to the restarted
kernel answering ``print(6*7)``. Medians (and the worst case for crashes).

    .venv/bin/python bench/frontend_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pexpect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    BIN,
    BenchError,
    Row,
    check_our_ipython,
    descendants,
    jupyter_dirs,
    median,
    print_table,
)

__all__ = ["main"]

ESC = r"(?:\x1b\[[0-9;?]*[A-Za-z])*"
#: ``In [n]:`` with any colour codes around the number.
PROMPT = re.compile(rf"In \[{ESC}\d+{ESC}\]:".encode())
FORTY_TWO = re.compile(rb"(?<![\d*])42\b")
#: Our frontend's one line when the kernel dies ("Kernel died: killed by signal SIGSEGV ...").
DIED = re.compile(rb"(?i)kernel died[^\r\n]*")
CRASH = "import ctypes; ctypes.string_at(0)"
TIMEOUT = 30.0


def spawn(argv: list[str]) -> pexpect.spawn:
    # pexpect does not answer cursor-position requests; a real terminal does. Both
    # frontends use prompt_toolkit, which skips the request with PROMPT_TOOLKIT_NO_CPR.
    env = dict(os.environ, TERM="xterm-256color", PROMPT_TOOLKIT_NO_CPR="1")
    return pexpect.spawn(argv[0], argv[1:], env=env, dimensions=(40, 120), timeout=TIMEOUT)


def close_tree(child: pexpect.spawn) -> None:
    """End a frontend and every process it started (by pid), waiting for them."""
    pids = descendants(child.pid) if child.isalive() else []
    with contextlib.suppress(OSError, pexpect.ExceptionPexpect):
        if child.isalive():
            child.sendeof()
            child.expect(pexpect.EOF, timeout=5)
    child.close(force=True)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for pid in pids:  # reap (they may be our grandchildren: then init reaps them)
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, 0)


def first_prompt(argv: list[str]) -> float:
    start = time.perf_counter()
    child = spawn(argv)
    try:
        child.expect(PROMPT)
        return time.perf_counter() - start
    finally:
        close_tree(child)


def ours_crash() -> tuple[float, float, bytes]:
    """Seconds from sending the segfaulting line to our notice and to 42 at the next prompt."""
    child = spawn([str(BIN / "ipython"), "--two-process"])
    try:
        child.expect(PROMPT)
        child.send("x = 1\r")
        child.expect(PROMPT)
        start = time.perf_counter()
        child.send(CRASH + "\r")
        child.expect(DIED)
        noticed = time.perf_counter() - start
        said = child.after
        child.expect(PROMPT)
        child.send("print(6*7)\r")
        child.expect(FORTY_TWO)
        return noticed, time.perf_counter() - start, said
    finally:
        close_tree(child)


async def _theirs_crash_once(phase: float) -> float:
    """One crash, ``phase`` (0-1) of the way into the restarter's polling period."""
    from jupyter_client.ioloop.manager import AsyncIOLoopKernelManager

    km = AsyncIOLoopKernelManager(kernel_name="python3")
    restarted = asyncio.Event()
    await km.start_kernel(stderr=asyncio.subprocess.DEVNULL)
    km.add_restart_callback(restarted.set, "restart")  # the restarter exists once started
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=TIMEOUT)
        # The restarter polls every time_to_dead seconds from the start: crash at a given
        # phase of that period, so the samples cover it evenly (as crashes in real use do).
        await asyncio.sleep(phase * km._restarter.time_to_dead)
        start = time.perf_counter()
        kc.execute(CRASH)
        await asyncio.wait_for(restarted.wait(), TIMEOUT)
        msg_id = kc.execute("print(6*7)")
        while True:  # the iopub socket resubscribes on its own; the reply proves it works
            msg: dict[str, Any] = await kc.get_shell_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") == msg_id:
                return time.perf_counter() - start
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


def theirs_crash(phase: float) -> float:
    return asyncio.run(_theirs_crash_once(phase))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (few samples)")
    args = parser.parse_args(argv)
    ours_cmd = [str(check_our_ipython()), "--two-process"]
    theirs_cmd = [str(BIN / "jupyter"), "console", "--kernel", "python3"]
    n_prompt, n_crash = (2, 1) if args.quick else (8, 4)
    with jupyter_dirs():
        for argv_ in (ours_cmd, theirs_cmd):  # warm caches (bytecode, font cache, history db)
            first_prompt(argv_)
        prompts: dict[str, list[float]] = {"ours": [], "theirs": []}
        for r in range(n_prompt):
            sides = [("ours", ours_cmd), ("theirs", theirs_cmd)]
            for side, cmd in sides if r % 2 == 0 else reversed(sides):
                prompts[side].append(first_prompt(cmd))
        crashes: dict[str, list[float]] = {"ours": [], "theirs": []}
        notices: list[float] = []
        said = b""
        errors: list[str] = []
        for i in range(n_crash):
            try:
                noticed, t, said = ours_crash()
                notices.append(noticed)
                crashes["ours"].append(t)
            except (pexpect.ExceptionPexpect, BenchError) as exc:
                errors.append(f"ours: {type(exc).__name__}")
            crashes["theirs"].append(theirs_crash((i + 0.5) / n_crash))
    rows = [
        Row(
            "first prompt: `ipython --two-process` vs `jupyter console`",
            median(prompts["ours"]) * 1000,
            median(prompts["theirs"]) * 1000,
            "ms",
            0.5,
        ),
    ]
    if notices:
        rows.append(
            Row(
                "segfault to our one-line notice, worst case",
                max(notices) * 1000,
                None,
                "ms",
                note="theirs: jupyter console says nothing",
            )
        )
    ours_c = crashes["ours"]
    theirs_c = crashes["theirs"]
    rows.append(
        Row(
            "segfault to working prompt, median (theirs: jupyter_client auto-restart)",
            median(ours_c) * 1000 if ours_c else None,
            median(theirs_c) * 1000,
            "ms",
        )
    )
    rows.append(
        Row(
            "segfault to working prompt, worst case",
            max(ours_c) * 1000 if ours_c else None,
            max(theirs_c) * 1000,
            "ms",
            500.0,
            "abs",
            note="; ".join(errors),
        )
    )
    print_table(f"Frontend ({n_prompt} prompts, {n_crash} crashes each, interleaved)", rows)
    text = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", said).decode(errors="replace").strip()
    if text:
        print(f"\nours said after the crash: {text.splitlines()[-1]!r}")
    print("jupyter console itself never restarts a dead kernel and prints nothing.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Kernel benchmarks: our kernel against ipykernel, driven by the same jupyter_client code.

Measures, side by side in one run (interleaved, medians; p99 for completion):
round trips (execute ``pass`` to reply and idle, kernel_info, complete ``impor``,
inspect ``len``), kernel start to first reply (through jupyter_client's
KernelManager and by launching the kernel directly), iopub throughput
(100k ``print(i)``; 50 MiB in 1 KiB lines) and idle RSS. Both kernels run on
this interpreter, from kernelspecs in a temporary JUPYTER_PATH.

    .venv/bin/python bench/kernel_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import queue
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import zmq
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.manager import KernelManager

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (
    KERNEL_NAME,
    BenchError,
    Row,
    jupyter_dirs,
    median,
    percentile,
    print_table,
    tree_rss_bytes,
)

__all__ = ["main"]

SIDES = {"ours": KERNEL_NAME, "theirs": "python3"}
MODULES = {"ours": "split.kernel", "theirs": "ipykernel_launcher"}
TIMEOUT = 60.0
#: iopub silence after which a cell's idle status is taken as lost.
IDLE_QUIET = 5.0


# ---------------------------------------------------------------- messaging helpers


def wait_reply(kc: BlockingKernelClient, msg_id: str, timeout: float = TIMEOUT) -> dict[str, Any]:
    """The shell reply to ``msg_id`` (other replies are skipped)."""
    while True:
        msg = kc.get_shell_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def wait_idle(
    kc: BlockingKernelClient,
    msg_id: str,
    timeout: float = TIMEOUT,
    on_output: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """Read iopub until the ``idle`` status of ``msg_id``."""
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return
        if on_output is not None:
            on_output(msg)


@contextlib.contextmanager
def running_kernel(side: str) -> Iterator[tuple[KernelManager, BlockingKernelClient]]:
    """A kernel started through jupyter_client, ready, and shut down (and waited for) afterwards."""
    km = KernelManager(kernel_name=SIDES[side])
    km.start_kernel(stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=TIMEOUT)
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel()


def kernel_pid(km: KernelManager) -> int:
    process = getattr(km.provisioner, "process", None)
    if process is None:
        raise BenchError("jupyter_client did not expose the kernel process")
    return int(process.pid)


# ---------------------------------------------------------------- round trips


def rt_execute(kc: BlockingKernelClient) -> float:
    start = time.perf_counter()
    msg_id = kc.execute("pass", store_history=False)
    wait_reply(kc, msg_id)
    wait_idle(kc, msg_id)
    return time.perf_counter() - start


def _rt_request(kc: BlockingKernelClient, send: Callable[[], str]) -> float:
    start = time.perf_counter()
    msg_id = send()
    wait_reply(kc, msg_id)
    elapsed = time.perf_counter() - start
    wait_idle(kc, msg_id)  # untimed: keep iopub drained between samples
    return elapsed


def rt_kernel_info(kc: BlockingKernelClient) -> float:
    return _rt_request(kc, kc.kernel_info)


def rt_complete(kc: BlockingKernelClient) -> float:
    return _rt_request(kc, lambda: kc.complete("impor", 5))


def rt_inspect(kc: BlockingKernelClient) -> float:
    return _rt_request(kc, lambda: kc.inspect("len", 3))


def round_trips(n: int, batch: int) -> list[Row]:
    kinds = {
        "execute `pass`": rt_execute,
        "kernel_info": rt_kernel_info,
        "complete `impor`": rt_complete,
        "inspect `len`": rt_inspect,
    }
    samples: dict[tuple[str, str], list[float]] = {(k, s): [] for k in kinds for s in SIDES}
    with running_kernel("ours") as (_, ours), running_kernel("theirs") as (_, theirs):
        clients = {"ours": ours, "theirs": theirs}
        for fn in kinds.values():  # warm up: first completion loads jedi, etc.
            for kc in clients.values():
                for _ in range(3):
                    fn(kc)
        rounds = max(1, n // batch)
        for r in range(rounds):
            order = list(SIDES) if r % 2 == 0 else list(reversed(SIDES))
            for kind, fn in kinds.items():
                for side in order:
                    for _ in range(batch):
                        samples[kind, side].append(fn(clients[side]))
    ms = 1000.0
    rows = []
    for kind in kinds:
        ours_s, theirs_s = samples[kind, "ours"], samples[kind, "theirs"]
        target = {"execute `pass`": 0.4, "kernel_info": 0.4, "complete `impor`": 0.25}.get(kind)
        rows.append(
            Row(
                f"{kind} p50",
                median(ours_s) * ms,
                median(theirs_s) * ms,
                "ms",
                target,
            )
        )
        if kind == "complete `impor`":
            rows.append(
                Row(
                    f"{kind} p99",
                    percentile(ours_s, 99) * ms,
                    percentile(theirs_s, 99) * ms,
                    "ms",
                    50.0,
                    "abs",
                )
            )
    return rows


# ---------------------------------------------------------------- start-up and RSS


def start_via_manager(side: str) -> tuple[float, int]:
    """Seconds from KernelManager.start_kernel to the first kernel_info reply; then idle RSS."""
    start = time.perf_counter()
    km = KernelManager(kernel_name=SIDES[side])
    km.start_kernel(stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        wait_reply(kc, kc.kernel_info())
        elapsed = time.perf_counter() - start
        msg_id = kc.execute("pass", store_history=False)
        wait_reply(kc, msg_id)
        rss = tree_rss_bytes(kernel_pid(km))
    finally:
        kc.stop_channels()
        km.shutdown_kernel()
    return elapsed, rss


def start_direct(side: str, runtime: Path) -> float:
    """Seconds from spawning ``python -m <kernel> -f FILE`` to its first kernel_info reply."""
    fname, _ = write_connection_file(str(runtime / f"bench-{side}-{time.monotonic_ns()}.json"))
    kc = BlockingKernelClient(connection_file=fname)
    kc.load_connection_file()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", MODULES[side], "-f", fname],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    kc.start_channels()
    try:
        wait_reply(kc, kc.kernel_info())
        elapsed = time.perf_counter() - start
        kc.shutdown()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    finally:
        kc.stop_channels()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        Path(fname).unlink(missing_ok=True)
    return elapsed


def start_split_manager() -> float | None:
    """Our own manager (split.manager.KernelManager): start to ready, when it exists."""
    try:
        from split.manager import KernelManager as SplitManager
    except ImportError:
        return None
    start = time.perf_counter()
    km = SplitManager()
    km.start()
    try:
        km.wait_ready(timeout=TIMEOUT)
        return time.perf_counter() - start
    finally:
        km.shutdown()


def startup(n: int, runtime: Path) -> list[Row]:
    via: dict[str, list[float]] = {s: [] for s in SIDES}
    direct: dict[str, list[float]] = {s: [] for s in SIDES}
    rss: dict[str, list[float]] = {s: [] for s in SIDES}
    ours_mgr: list[float] = []
    for r in range(n):
        order = list(SIDES) if r % 2 == 0 else list(reversed(SIDES))
        for side in order:
            t, mem = start_via_manager(side)
            via[side].append(t)
            rss[side].append(mem / 2**20)
            direct[side].append(start_direct(side, runtime))
        t_mgr = start_split_manager()
        if t_mgr is not None:
            ours_mgr.append(t_mgr)
    rows = [
        Row(
            "kernel start to first reply, jupyter_client KernelManager",
            median(via["ours"]) * 1000,
            median(via["theirs"]) * 1000,
            "ms",
            0.5,
        ),
        Row(
            "kernel start to first reply, direct launch",
            median(direct["ours"]) * 1000,
            median(direct["theirs"]) * 1000,
            "ms",
            0.5,
        ),
    ]
    if ours_mgr:
        rows.append(
            Row(
                "kernel start to ready, split.manager vs ipykernel direct",
                median(ours_mgr) * 1000,
                median(direct["theirs"]) * 1000,
                "ms",
                0.5,
            )
        )
    rows.append(Row("kernel idle RSS", median(rss["ours"]), median(rss["theirs"]), "MiB", 0.6))
    return rows


# ---------------------------------------------------------------- iopub throughput

PRINTS = "for i in range({n}):\n    print(i)\n"
LINES = "_line = 'x' * 1023\nfor _ in range({n}):\n    print(_line)\n"


def run_cell_counting(kc: BlockingKernelClient, code: str) -> tuple[float, int]:
    """Seconds from execute_request to idle, and the stdout characters that arrived."""
    received = 0

    def count(msg: dict[str, Any]) -> None:
        nonlocal received
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            received += len(msg["content"]["text"])

    start = time.perf_counter()
    msg_id = kc.execute(code, store_history=False)
    try:
        wait_idle(kc, msg_id, timeout=IDLE_QUIET, on_output=count)
    except queue.Empty:
        # iopub went quiet without our idle: it was dropped (a publisher over its
        # high-water mark drops messages). The reply on shell still comes.
        wait_reply(kc, msg_id)
        raise IdleLost(time.perf_counter() - start - IDLE_QUIET, received) from None
    elapsed = time.perf_counter() - start
    wait_reply(kc, msg_id)
    return elapsed, received


class IdleLost(BenchError):
    """The ``idle`` status never arrived (dropped on iopub); carries what was measured."""

    def __init__(self, elapsed: float, received: int) -> None:
        super().__init__("the idle status was lost on iopub")
        self.elapsed = elapsed
        self.received = received


@contextlib.contextmanager
def raw_iopub_kernel(side: str) -> Iterator[tuple[BlockingKernelClient, zmq.Socket]]:
    """A kernel whose iopub is read by a bare SUB socket: no client-side decoding cost.

    jupyter_client's decoding of every message (JSON, dates) bounds what the
    client measures at a few tens of MiB/s for both kernels; a SUB socket that
    only looks at the header frame measures what the kernel itself can publish.
    """
    km = KernelManager(kernel_name=SIDES[side])
    km.start_kernel(stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels(iopub=False, stdin=False, hb=False)
    sub: zmq.Socket = zmq.Context.instance().socket(zmq.SUB)
    sub.linger = 0
    sub.rcvhwm = 0
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(f"tcp://127.0.0.1:{km.iopub_port}")
    try:
        while True:  # ready when a request is answered and iopub delivers to us
            wait_reply(kc, kc.kernel_info())
            if sub.poll(250):
                while sub.poll(50):
                    sub.recv_multipart()
                break
        yield kc, sub
    finally:
        sub.close()
        kc.stop_channels()
        km.shutdown_kernel()


def raw_run(kc: BlockingKernelClient, sub: zmq.Socket, code: str) -> tuple[float, int]:
    """Seconds to idle and stream content bytes, reading iopub frames without decoding content."""
    received = 0
    start = time.perf_counter()
    msg_id = kc.execute(code, store_history=False)
    needle = msg_id.encode()
    while True:
        frames = sub.recv_multipart(copy=True)
        i = frames.index(b"<IDS|MSG>")
        header, parent, content = frames[i + 2], frames[i + 3], frames[i + 5]
        if needle not in parent:
            continue
        if b'"stream"' in header:
            received += len(content)
        elif b'"status"' in header and b'"idle"' in content:
            break
    elapsed = time.perf_counter() - start
    wait_reply(kc, msg_id)
    return elapsed, received


def throughput_raw(reps: int, mib: int) -> list[Row]:
    lines = mib * 1024
    times: dict[str, list[float]] = {s: [] for s in SIDES}
    with raw_iopub_kernel("ours") as ours, raw_iopub_kernel("theirs") as theirs:
        kernels = {"ours": ours, "theirs": theirs}
        for r in range(reps):
            order = list(SIDES) if r % 2 == 0 else list(reversed(SIDES))
            for side in order:
                t, got = raw_run(*kernels[side], LINES.format(n=lines))
                if got < lines * 1024:
                    raise BenchError(f"{side}: only {got} bytes of stream content arrived")
                times[side].append(t)
    rate = {s: mib / median(times[s]) for s in SIDES}
    return [
        Row(
            f"{mib} MiB in 1 KiB lines, raw SUB reader",
            rate["ours"],
            rate["theirs"],
            "MiB/s",
            2.0,
            lower_is_better=False,
        ),
    ]


def throughput(reps: int, prints: int, mib: int) -> list[Row]:
    lines = mib * 1024
    expected_prints = sum(len(str(i)) + 1 for i in range(prints))
    expected_bytes = lines * 1024
    t_prints: dict[str, list[float]] = {s: [] for s in SIDES}
    t_lines: dict[str, list[float]] = {s: [] for s in SIDES}
    lost: dict[str, int] = {s: 0 for s in SIDES}
    idles_lost: dict[str, int] = {s: 0 for s in SIDES}

    def timed(kc: BlockingKernelClient, code: str, side: str, expected: int) -> float:
        try:
            t, got = run_cell_counting(kc, code)
        except IdleLost as e:
            idles_lost[side] += 1
            t, got = e.elapsed, e.received
        lost[side] += expected - got
        return t

    with running_kernel("ours") as (_, ours), running_kernel("theirs") as (_, theirs):
        clients = {"ours": ours, "theirs": theirs}
        for r in range(reps):
            order = list(SIDES) if r % 2 == 0 else list(reversed(SIDES))
            for side in order:
                kc = clients[side]
                t_prints[side].append(timed(kc, PRINTS.format(n=prints), side, expected_prints))
                t_lines[side].append(timed(kc, LINES.format(n=lines), side, expected_bytes))
    mib_s = {s: mib / median(t_lines[s]) for s in SIDES}
    note = ", ".join(
        f"{s} lost {lost[s] / 2**20:.1f} MiB of output and {idles_lost[s]} idle statuses"
        for s in SIDES
        if lost[s] or idles_lost[s]
    )
    return [
        Row(
            f"{prints // 1000}k `print(i)` to idle",
            median(t_prints["ours"]) * 1000,
            median(t_prints["theirs"]) * 1000,
            "ms",
            0.5,
        ),
        Row(
            f"{mib} MiB in 1 KiB lines, jupyter_client reader",
            mib_s["ours"],
            mib_s["theirs"],
            "MiB/s",
            2.0,
            lower_is_better=False,
            note=f"both cells: {note}" if note else "",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (few samples)")
    parser.add_argument(
        "--only",
        choices=["rt", "start", "io"],
        action="append",
        help="run only these groups (repeatable)",
    )
    args = parser.parse_args(argv)
    groups = args.only or ["rt", "start", "io"]
    with jupyter_dirs() as dirs:
        runtime = dirs.root / "runtime"
        if "rt" in groups:
            n, batch = (20, 5) if args.quick else (300, 10)
            print_table(
                f"Round trips ({n} samples each, interleaved batches of {batch})",
                round_trips(n, batch),
            )
        if "start" in groups:
            n = 2 if args.quick else 8
            print_table(
                f"Kernel start and idle RSS ({n} starts each, interleaved)", startup(n, runtime)
            )
        if "io" in groups:
            reps, prints, mib = (1, 10_000, 5) if args.quick else (3, 100_000, 50)
            print_table(
                f"iopub throughput ({reps} runs each, interleaved)",
                throughput(reps, prints, mib) + throughput_raw(reps, mib),
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

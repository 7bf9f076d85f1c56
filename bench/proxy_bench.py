"""Proxy benchmark: our shell proxy (``adapters``) against raw pyzmq, rpyc and Pyro5.

Every ratio refers to one baseline, a raw pyzmq DEALER->ROUTER echo round trip
of 50 bytes ("raw"). The incumbents each run in a child process on 127.0.0.1
that this script starts and stops by pid: the echo loop, an rpyc classic
server (``ThreadedServer(SlaveService)``) and a Pyro5 daemon exposing an object
with a property and a method, called once with serpent and once with marshal
(Pyro5 has no accept list: its daemon answers in the serializer of the
request). Ours is ``python -m split.kernel`` started by ``split.manager``, reached
through ``adapters.connect(connection_file)``; when ``adapters`` is missing or
fails, the incumbents are still measured and a line says why ours was not.

Each operation is timed call by call (a batch of 100 calls as one sample,
divided by 100), interleaved with all the others in rotating order, and
reported as the median of many samples. The children read their stdin and
exit at its end-of-file and the kernel watches a pipe of its manager, so
nothing outlives this script, even when it is killed.

    .venv/bin/python bench/proxy_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import zmq

# The working tree's packages (adapters, split, legacy_shell) before any installed copy:
# the proxy is measured as it is in this checkout, here and in the kernel (PYTHONPATH).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, BenchError, Row, descendants, jupyter_dirs, median, print_table

__all__ = ["main"]

#: Seconds a child, the kernel or one batch of samples may take before we give up on it.
TIMEOUT = 30.0
PAYLOAD = b"x" * 50
BATCH_CALLS = 100
US = 1e6

# ---------------------------------------------------------------- the incumbents' children

#: Every child ends when its stdin reaches end-of-file: when we close it, and
#: also when we die in any way (the operating system closes our end).
_WATCH_STDIN = """
import os, sys, threading
def _watch():
    sys.stdin.buffer.read()
    os._exit(0)
threading.Thread(target=_watch, daemon=True).start()
"""

ECHO_CHILD = (
    _WATCH_STDIN
    + """
import zmq
sock = zmq.Context().socket(zmq.ROUTER)
sock.linger = 0
print(sock.bind_to_random_port("tcp://127.0.0.1"), flush=True)
while True:
    sock.send_multipart(sock.recv_multipart())
"""
)

RPYC_CHILD = (
    _WATCH_STDIN
    + """
import rpyc
from rpyc.utils.server import ThreadedServer
server = ThreadedServer(rpyc.SlaveService, hostname="127.0.0.1", port=0)
print(server.port, flush=True)
server.start()
"""
)

PYRO_CHILD = (
    _WATCH_STDIN
    + """
from Pyro5.api import Daemon, expose

@expose
class Thing:
    @property
    def value(self):
        return 42

    def ping(self):
        return None

daemon = Daemon(host="127.0.0.1", port=0)
print(daemon.register(Thing(), "bench.thing"), flush=True)
daemon.requestLoop()
"""
)


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """End a child: close its stdin (it exits at EOF), then SIGTERM, then SIGKILL, by pid."""
    if proc.stdin is not None:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    for step in (None, proc.terminate, proc.kill):
        if step is not None:
            with contextlib.suppress(OSError):
                step()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=2.0)
            break
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


@contextlib.contextmanager
def child(name: str, code: str) -> Iterator[str]:
    """Run ``code`` in a child process; yield the first line it prints (its address)."""
    with tempfile.TemporaryFile() as errf:
        proc = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errf,
            start_new_session=True,  # a Ctrl-C reaches us, and we stop it
        )
        try:
            assert proc.stdout is not None
            ready, _, _ = select.select([proc.stdout], [], [], TIMEOUT)
            line = proc.stdout.readline().decode().strip() if ready else ""
            if not line:
                errf.seek(0)
                tail = errf.read().decode(errors="replace").strip().splitlines()[-5:]
                raise BenchError(f"the {name} child did not start: {' / '.join(tail)}")
            yield line
        finally:
            stop_process(proc)


# ---------------------------------------------------------------- measurement


class Stuck(BenchError):
    """An operation did not return within its deadline."""


@contextlib.contextmanager
def deadline(seconds: float, what: str) -> Iterator[None]:
    """Raise :class:`Stuck` in the main thread if the block takes longer than ``seconds``."""

    def fire(signum: int, frame: Any) -> None:
        raise Stuck(f"{what} took more than {seconds:g} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def single(call: Callable[[], object]) -> Callable[[], float]:
    """One sample: the seconds of one call."""

    def sample() -> float:
        start = time.perf_counter()
        call()
        return time.perf_counter() - start

    return sample


@dataclass
class Op:
    """One timed operation of one side; ``cost`` is its weight in round trips per sample."""

    what: str
    sample: Callable[[], float]
    check: Callable[[], None] | None = None
    cost: int = 1
    rounds: list[list[float]] = field(default_factory=list)
    error: str | None = None

    @property
    def samples(self) -> list[float]:
        return [s for r in self.rounds for s in r]

    def median_us(self) -> float | None:
        samples = self.samples
        return median(samples) * US if samples and self.error is None else None


def run(ops: list[Op], n: int, batch: int, warmup: int, notes: list[str]) -> None:
    """Warm up and check each op, then take about ``n`` samples of each, interleaved.

    Each round takes ``batch`` samples (fewer for costly ops) of every op, in
    an order that rotates and reverses from round to round. An op that fails
    is dropped, with a note saying why.
    """

    def fail(op: Op, when: str, e: BaseException) -> None:
        op.error = f"{type(e).__name__}: {e}"
        notes.append(f"{op.what}: failed {when}: {op.error}")

    for op in ops:
        try:
            with deadline(TIMEOUT, f"warming up {op.what}"):
                if op.check is not None:
                    op.check()
                for _ in range(warmup):
                    op.sample()
        except Exception as e:
            fail(op, "in the warm-up", e)
    live = [op for op in ops if op.error is None]
    for r in range(max(1, n // batch)):
        shift = r % len(live) if live else 0
        order = live[shift:] + live[:shift]
        if r % 2:
            order.reverse()
        gc.collect()
        gc.disable()
        try:
            for op in order:
                if op.error is not None:
                    continue
                k = max(1, batch // op.cost)
                try:
                    with deadline(TIMEOUT, f"{k} samples of {op.what}"):
                        op.rounds.append([op.sample() for _ in range(k)])
                except Exception as e:
                    fail(op, f"in round {r}", e)
        finally:
            gc.enable()


# ---------------------------------------------------------------- the sides


def raw_ops(stack: contextlib.ExitStack) -> list[Op]:
    port = stack.enter_context(child("pyzmq echo", ECHO_CHILD))
    sock = zmq.Context.instance().socket(zmq.DEALER)
    stack.callback(sock.close, 0)
    sock.linger = 0
    sock.rcvtimeo = int(TIMEOUT * 1000)
    sock.connect(f"tcp://127.0.0.1:{port}")

    def echo() -> None:
        sock.send(PAYLOAD)
        sock.recv()

    def check() -> None:
        sock.send(PAYLOAD)
        if sock.recv() != PAYLOAD:
            raise BenchError("the echo child answered something else")

    return [Op("raw pyzmq DEALER->ROUTER echo, 50 B", single(echo), check)]


def rpyc_ops(stack: contextlib.ExitStack) -> list[Op]:
    import rpyc

    port = stack.enter_context(child("rpyc", RPYC_CHILD))
    conn = rpyc.classic.connect("127.0.0.1", int(port))
    stack.callback(conn.close)
    sysmod = conn.modules.sys
    osmod = conn.modules.os
    getpid = osmod.getpid

    def check() -> None:
        if sysmod.maxsize != sys.maxsize or not isinstance(osmod.getpid(), int):
            raise BenchError("rpyc answered something else")

    return [
        Op("rpyc netref attribute get `sysmod.maxsize`", single(lambda: sysmod.maxsize), check),
        Op("rpyc method call `osmod.getpid()` (getattr + call)", single(lambda: osmod.getpid())),
        Op("rpyc call of a cached bound netref `getpid()`", single(lambda: getpid())),
    ]


def pyro_ops(stack: contextlib.ExitStack) -> list[Op]:
    from Pyro5.api import Proxy

    uri = stack.enter_context(child("Pyro5", PYRO_CHILD))
    ops = []
    for serializer in ("serpent", "marshal"):
        proxy = Proxy(uri)
        stack.callback(proxy._pyroRelease)
        proxy._pyroSerializer = serializer
        proxy._pyroTimeout = TIMEOUT
        proxy._pyroBind()  # connected once, for every call that follows
        if serializer == "marshal":
            # Pyro5 5.17's marshal serializer cannot send `p.value`: the proxy passes
            # kwargs=None and MarshalSerializer.dumpsCall calls None.items(). Send the
            # very request `p.value` sends, with kwargs={}, one round trip as well.
            what = "Pyro5 marshal property get (`p.value`'s request, see note)"

            def get(p: Any = proxy) -> object:
                return p._pyroInvoke("__getattr__", ("value",), {})
        else:
            what = f"Pyro5 {serializer} property get `p.value`"

            def get(p: Any = proxy) -> object:
                return p.value

        def check(get: Callable[[], object] = get, p: Any = proxy) -> None:
            if get() != 42 or p.ping() is not None:
                raise BenchError("Pyro5 answered something else")

        ops += [
            Op(what, single(get), check),
            Op(f"Pyro5 {serializer} method call `p.ping()`", single(lambda p=proxy: p.ping())),
        ]
    return ops


OURS = {
    "attr": "attribute get `shell.execution_count`",
    "call": "method call `shell.push({})`",
    "setitem": '`shell.user_ns["k"] = 1`',
    "setitem_cached": '`ns["k"] = 1`, `ns = shell.user_ns` cached',
    "batch": f"{BATCH_CALLS} `b.push(...)` in one `shell.batch()`, per call",
    "callback": "callback round trip `shell.run_line_magic('cbping', '')`",
}


def load_adapters() -> ModuleType:
    """Our ``adapters`` package (checked to be ours), or :class:`BenchError` saying why not."""
    if not (ROOT / "adapters" / "client.py").exists():
        raise BenchError(f"{ROOT / 'adapters' / 'client.py'} does not exist yet")
    from legacy_shell.ownership import require_own

    return require_own("adapters")


def close_shell(shell: Any, notes: list[str]) -> None:
    """``shell.shutdown()`` when the proxy has it, then ``shell.close()``; failures noted."""
    for name in ("shutdown", "close"):
        try:
            method = getattr(shell, name)
        except AttributeError:
            continue
        try:
            with deadline(TIMEOUT, f"shell.{name}()"):
                method()
        except Exception as e:
            notes.append(f"ours: `shell.{name}()` failed: {type(e).__name__}: {e}")


def our_ops(stack: contextlib.ExitStack, notes: list[str]) -> dict[str, Op]:
    """Start our kernel, connect the proxy and return its ops (empty, with a note, on failure)."""
    from split.manager import KernelManager

    try:
        adapters = load_adapters()
    except Exception as e:
        notes.append(f"ours was not measured: `adapters` cannot be used: {type(e).__name__}: {e}")
        return {}
    pythonpath = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    km = KernelManager(env={"PYTHONPATH": pythonpath})
    stack.callback(km.shutdown)  # reaps the kernel (by pid, escalating) whatever happened
    try:
        with deadline(TIMEOUT, "starting our kernel and connecting the proxy"):
            km.start()
            km.wait_ready(timeout=TIMEOUT)
            shell = adapters.connect(str(km.connection_file))
    except Exception as e:
        notes.append(f"ours was not measured: start or connect failed: {type(e).__name__}: {e}")
        return {}
    stack.callback(close_shell, shell, notes)

    def batched() -> float:
        start = time.perf_counter()
        with shell.batch() as b:
            futures = [b.push({"i": i}) for i in range(BATCH_CALLS)]
        for f in futures:
            f.result()
        return (time.perf_counter() - start) / BATCH_CALLS

    def check_batch() -> None:
        with shell.batch() as b:
            futures = [b.push({"i": i}) for i in range(BATCH_CALLS)]
        results = [f.result() for f in futures]
        if results != [None] * BATCH_CALLS:
            raise BenchError(f"batched push returned {results[:3]}...")

    def check_basics() -> None:
        count = shell.execution_count
        if not isinstance(count, int):
            raise BenchError(f"execution_count is a {type(count).__name__}, not an int")
        if shell.push({}) is not None:
            raise BenchError("push returned something else than None")

    def check_setitem() -> None:
        shell.user_ns["k"] = 1
        if shell.user_ns["k"] != 1:
            raise BenchError("user_ns['k'] does not read back as 1")

    ops = {
        "attr": Op(OURS["attr"], single(lambda: shell.execution_count), check_basics),
        "call": Op(OURS["call"], single(lambda: shell.push({}))),
        "setitem": Op(
            OURS["setitem"], single(lambda: shell.user_ns.__setitem__("k", 1)), check_setitem
        ),
        "batch": Op(OURS["batch"], batched, check_batch, cost=10),
    }
    with contextlib.suppress(Exception):  # an error here shows in the op's own check
        ns = shell.user_ns
        ops["setitem_cached"] = Op(OURS["setitem_cached"], single(lambda: ns.__setitem__("k", 1)))

    calls = [0]

    def cbping(line: str) -> None:
        calls[0] += 1

    def check_callback() -> None:
        before = calls[0]
        shell.run_line_magic("cbping", "")
        if calls[0] != before + 1:
            raise BenchError("the magic ran, but not our callback in this process")

    try:
        with deadline(TIMEOUT, "register_magic_function"):
            shell.register_magic_function(cbping, "line", "cbping")
    except Exception as e:
        notes.append(f"ours: register_magic_function failed: {type(e).__name__}: {e}")
    else:
        ops["callback"] = Op(
            OURS["callback"],
            single(lambda: shell.run_line_magic("cbping", "")),
            check_callback,
            cost=2,
        )
    return ops


# ---------------------------------------------------------------- report


def print_incumbents(title: str, ops: list[Op], raw_us: float | None) -> None:
    """The incumbents as a Markdown table: median and ratio to the raw round trip."""
    print(f"\n### {title}\n")
    print("| what | median | ratio to raw |")
    print("|---|---:|---:|")
    for op in ops:
        value = op.median_us()
        if value is None:
            print(f"| {op.what} | n/a ({op.error or 'not measured'}) | n/a |")
            continue
        ratio = f"{value / raw_us:.3f}x" if raw_us else "n/a"
        print(f"| {op.what} | {value:.1f} µs | {ratio} |")


def our_rows(ours: dict[str, Op], raw_us: float | None) -> list[Row]:
    def value(key: str) -> float | None:
        op = ours.get(key)
        return op.median_us() if op is not None else None

    rows = [
        Row(OURS["attr"], value("attr"), raw_us, "µs", 1.3),
        Row(OURS["call"], value("call"), raw_us, "µs"),
        Row(OURS["setitem"], value("setitem"), raw_us, "µs"),
        Row(OURS["setitem_cached"], value("setitem_cached"), raw_us, "µs"),
        Row(OURS["batch"], value("batch"), raw_us, "µs", 10.0, "abs"),
        Row(
            OURS["callback"],
            value("callback"),
            2 * raw_us if raw_us else None,
            "µs",
            note="theirs: 2x raw, a call and a callback",
        ),
    ]
    return rows


def noise_line(raw: Op, load_before: str, load_after: str) -> str:
    per_round = [median(r) * US for r in raw.rounds if r]
    if len(per_round) < 2:
        return f"noise: too few rounds to say; load average {load_before} -> {load_after}"
    spread = statistics.quantiles(per_round, n=10)
    samples = raw.samples
    deciles = statistics.quantiles(samples, n=10)
    return (
        f"noise: the raw round trip's median per round ranged {min(per_round):.0f}-"
        f"{max(per_round):.0f} µs (middle 80 % of rounds {spread[0]:.0f}-{spread[-1]:.0f} µs); "
        f"single samples p10 {deciles[0] * US:.0f} µs, p90 "
        f"{deciles[-1] * US:.0f} µs; load average {load_before} -> {load_after} "
        f"on {os.cpu_count()} CPUs"
    )


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def leftover_children(out: IO[str]) -> None:
    left = descendants(os.getpid())
    if left:
        print(f"warning: processes left behind: {left}", file=out)


def suite_times(rounds: int) -> None:
    """The shell suite's wall time in-process and in two-process mode, interleaved; medians."""
    tests = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_*.py"))
    times: dict[str, list[float]] = {"inprocess": [], "two-process": []}
    for _ in range(rounds):
        for mode in times:
            argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
            started = time.perf_counter()
            done = subprocess.run(
                [*argv, f"--shell-mode={mode}", *tests], cwd=ROOT, capture_output=True, text=True
            )
            times[mode].append(time.perf_counter() - started)
            if done.returncode != 0:
                raise BenchError(f"the suite failed in {mode} mode:\n{done.stdout[-2000:]}")
    inproc, twoproc = median(times["inprocess"]), median(times["two-process"])
    print_table(
        f"The shell suite ({len(tests)} files), wall time, median of {rounds} interleaved runs",
        [
            Row(
                "two-process run (ours) against the in-process run (theirs)",
                twoproc,
                inproc,
                "s",
                2.0,
            )
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a fast smoke run (few samples)")
    parser.add_argument(
        "--suite",
        action="store_true",
        help="also time the shell test suite in each mode (about a minute per round)",
    )
    args = parser.parse_args(argv)
    n, batch, warmup = (100, 20, 10) if args.quick else (3000, 50, 50)
    # SIGTERM unwinds like Ctrl-C, through every cleanup below.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    notes: list[str] = []
    load_before = loadavg()
    with jupyter_dirs(), contextlib.ExitStack() as stack:
        raw = raw_ops(stack)[0]
        incumbents: list[Op] = []
        for name, build in (("rpyc", rpyc_ops), ("Pyro5", pyro_ops)):
            try:
                incumbents += build(stack)
            except Exception as e:
                notes.append(f"{name} was not measured: {type(e).__name__}: {e}")
        ours = our_ops(stack, notes)
        started = time.perf_counter()
        run([raw, *incumbents, *ours.values()], n, batch, warmup, notes)
        elapsed = time.perf_counter() - started
    leftover_children(sys.stderr)
    load_after = loadavg()
    raw_us = raw.median_us()
    if raw_us is None:
        raise BenchError(f"the raw baseline failed: {raw.error}")
    rounds = max(1, n // batch)
    print(
        f"\n{rounds} interleaved rounds of up to {batch} samples per operation "
        f"({warmup} warm-up calls each), measured in {elapsed:.1f} s; medians."
    )
    for note in notes:
        print(f"- {note}")
    print_table(
        f"Our proxy (adapters) against raw pyzmq (theirs = the raw round trip, {raw_us:.1f} µs)",
        our_rows(ours, raw_us),
    )
    print_incumbents("Incumbents against the same raw round trip", [raw, *incumbents], raw_us)
    if any("marshal property" in op.what for op in incumbents):
        print(
            "\nNote: with marshal, Pyro5 5.17 fails on `p.value` (the proxy passes kwargs=None, "
            "which MarshalSerializer.dumpsCall cannot take); that row sends the same "
            "`__getattr__` request through `p._pyroInvoke(..., {})`."
        )
    print(f"\n{noise_line(raw, load_before, load_after)}")
    if args.suite:
        suite_times(1 if args.quick else 3)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Cell magics that hand the cell to another program: ``%%script``, ``%%bash``, ``%%writefile``.

The cell is the program's standard input; its output is relayed to the
shell's ``sys.stdout`` / ``sys.stderr`` while it runs (not when it ends), so a
long script shows progress, and a kernel that replaced ``sys.stdout`` sees the
output as its own. One thread does all of it with a selector over the three
pipes, which also keeps Ctrl-C simple: the ``KeyboardInterrupt`` arrives in
that thread, which then stops the child (SIGINT, then SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import os
import sys
import weakref
from collections.abc import Callable
from typing import Any

from ..api import ShellAPI
from ..errors import UsageError
from ..magic import Magics, cell_magic, line_magic, magics_class

__all__ = [
    "ProcessInterrupted",
    "ScriptMagics",
    "run_streaming",
    "stop_child",
    "stream_writer",
]

#: Interpreters that get a ``%%name`` shortcut for ``%%script name``, as in IPython.
SCRIPT_MAGICS = ("sh", "bash", "perl", "ruby", "python", "python2", "python3", "pypy")
_GRACE = 1.0  # seconds a child gets to exit after each signal (wait returns as soon as it does)


class ProcessInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped a child process; ``how`` is interrupted, terminated or killed."""

    def __init__(self, how: str) -> None:
        super().__init__(how)
        self.how = how


def stop_child(proc: Any) -> str:
    """Stop ``proc`` gently first: SIGINT, then SIGTERM, then SIGKILL; say which worked."""
    import signal
    import subprocess

    steps: list[tuple[str, Callable[[], None]]] = [
        ("interrupted", lambda: proc.send_signal(signal.SIGINT)),
        ("terminated", proc.terminate),
    ]
    for how, send in steps:
        if proc.poll() is not None:
            return "interrupted" if how == "interrupted" else "terminated"
        try:
            send()
            proc.wait(timeout=_GRACE)
            return how
        except subprocess.TimeoutExpired:
            continue
        except OSError:
            return how
    try:
        proc.kill()
    except OSError:
        pass
    proc.wait()
    return "killed"


def run_streaming(
    argv: list[str],
    stdin_data: bytes | None,
    on_stdout: Callable[[str], Any],
    on_stderr: Callable[[str], Any],
    inherit_stdin: bool = False,
) -> int:
    """Run ``argv``, feed it ``stdin_data``, pass its output to the callbacks as it comes.

    Returns the exit status. On Ctrl-C the child is stopped and
    ``ProcessInterrupted`` (a ``KeyboardInterrupt``) is raised. ``OSError``
    (e.g. ``FileNotFoundError``) if the program cannot be started.
    """
    import selectors
    import subprocess
    from codecs import getincrementaldecoder

    if stdin_data is not None:
        stdin: Any = subprocess.PIPE
    else:
        stdin = None if inherit_stdin else subprocess.DEVNULL
    proc = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    try:
        with selectors.DefaultSelector() as sel:
            pending = memoryview(stdin_data or b"")
            if proc.stdin is not None:
                if pending:
                    os.set_blocking(proc.stdin.fileno(), False)
                    sel.register(proc.stdin, selectors.EVENT_WRITE)
                else:
                    proc.stdin.close()
            for stream, sink in ((proc.stdout, on_stdout), (proc.stderr, on_stderr)):
                decoder = getincrementaldecoder("utf-8")(errors="replace")
                sel.register(stream, selectors.EVENT_READ, (sink, decoder))
            while sel.get_map():
                for key, _ in sel.select():
                    if key.fileobj is proc.stdin:
                        pending = _feed(sel, proc.stdin, pending)
                        continue
                    sink, decoder = key.data
                    chunk = os.read(key.fd, 65536)
                    if not chunk:
                        sel.unregister(key.fileobj)
                    text = decoder.decode(chunk, final=not chunk)
                    if text:
                        sink(text)
        return proc.wait()
    except KeyboardInterrupt:
        raise ProcessInterrupted(stop_child(proc)) from None
    finally:
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


def _feed(sel: Any, pipe: Any, pending: memoryview) -> memoryview:
    """Write what the pipe takes now; close it when all is written or the child left."""
    try:
        written = os.write(pipe.fileno(), pending[:65536])
    except BlockingIOError:
        return pending
    except BrokenPipeError:
        written = len(pending)  # the child does not read its input: drop the rest
    pending = pending[written:]
    if not pending:
        sel.unregister(pipe)
        try:
            pipe.close()
        except BrokenPipeError:
            pass
    return pending


def _parse_script_line(line: str) -> tuple[dict[str, Any], list[str]]:
    """Split ``%%script`` options (``--out v --err v --bg --proc v --no-raise-error``) from the command."""
    import shlex

    opts: dict[str, Any] = {
        "out": None,
        "err": None,
        "proc": None,
        "bg": False,
        "raise_error": True,
    }
    cmd: list[str] = []
    words = iter(shlex.split(line))
    for word in words:
        name, eq, value = word.partition("=")
        if name in ("--out", "--err", "--proc"):
            if not eq:
                value = next(words, "")
            if not value:
                raise UsageError(f"%%script: {name} needs a variable name")
            opts[name[2:]] = value
        elif word == "--bg":
            opts["bg"] = True
        elif word == "--no-raise-error":
            opts["raise_error"] = False
        else:
            cmd.append(word)
    return opts, cmd


def _kill_all(processes: list[Any]) -> None:
    for proc in processes:
        if proc.poll() is None:
            stop_child(proc)
    processes.clear()


def _named_script_magic(program: str) -> Callable[..., Any]:
    def magic(self: ScriptMagics, line: str, cell: str) -> None:
        return self.shebang(f"{program} {line}".strip(), cell)

    magic.__name__ = program
    magic.__doc__ = f"""%%{program} script magic: run the cell with {program} in a subprocess.

    A shortcut for ``%%script {program}``; takes the same options.
    """
    return cell_magic(program)(magic)


@magics_class
class ScriptMagics(Magics):
    """``%%script``, ``%%bash``, ``%%sh``, ``%%python3``..., ``%%writefile``, ``%killbgscripts``."""

    def __init__(self, shell: ShellAPI | None = None, **kwargs: Any) -> None:
        super().__init__(shell=shell, **kwargs)
        #: Processes started with ``--bg``; killed by ``%killbgscripts`` or at exit.
        self.bg_processes: list[Any] = []
        weakref.finalize(self, _kill_all, self.bg_processes)

    @cell_magic("script")
    def shebang(self, line: str, cell: str) -> None:
        """Run the cell with a program, like a ``#!`` line: ``%%script [options] program [args]``.

        Options: ``--out var`` / ``--err var`` store the output in ``var``
        instead of showing it; ``--bg`` runs in the background (``--out`` then
        holds the output pipe, ``--proc var`` the process); ``--no-raise-error``
        does not raise ``CalledProcessError`` on a non-zero exit status.
        Ctrl-C stops the program and returns.
        """
        opts, cmd = _parse_script_line(line)
        if not cmd:
            raise UsageError("%%script: which program should run the cell?")
        if not cell.endswith("\n"):
            cell += "\n"
        data = cell.encode("utf-8", "replace")
        ns = self.shell.user_ns
        sinks = []
        for name, stream in (("out", sys.stdout), ("err", sys.stderr)):
            var = opts[name]
            if var and not opts["bg"]:
                ns[var] = ""
                sinks.append(_append_to(ns, var))
            else:
                sinks.append(stream_writer(stream))
        if opts["bg"]:
            return self._run_background(cmd, data, opts)
        try:
            status = run_streaming(cmd, data, sinks[0], sinks[1])
        except FileNotFoundError:
            print(f"Couldn't find program: {cmd[0]!r}")
            return None
        except ProcessInterrupted as e:
            print(f"Process was {e.how}.")
            return None
        if status != 0 and opts["raise_error"]:
            from subprocess import CalledProcessError

            raise CalledProcessError(status, cell)
        return None

    def _run_background(self, cmd: list[str], data: bytes, opts: dict[str, Any]) -> None:
        import subprocess
        import threading

        pipe, devnull = subprocess.PIPE, subprocess.DEVNULL
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=pipe,
                stdout=pipe if opts["out"] else devnull,
                stderr=pipe if opts["err"] else devnull,
            )
        except FileNotFoundError:
            print(f"Couldn't find program: {cmd[0]!r}")
            return
        self.bg_processes[:] = [p for p in self.bg_processes if p.poll() is None]
        self.bg_processes.append(proc)
        threading.Thread(target=_write_and_close, args=(proc.stdin, data), daemon=True).start()
        ns = self.shell.user_ns
        if opts["out"]:
            ns[opts["out"]] = proc.stdout
        if opts["err"]:
            ns[opts["err"]] = proc.stderr
        if opts["proc"]:
            ns[opts["proc"]] = proc

    sh = _named_script_magic("sh")
    bash = _named_script_magic("bash")
    perl = _named_script_magic("perl")
    ruby = _named_script_magic("ruby")
    python = _named_script_magic("python")
    python2 = _named_script_magic("python2")
    python3 = _named_script_magic("python3")
    pypy = _named_script_magic("pypy")

    @line_magic
    def killbgscripts(self, parameter_s: str = "") -> None:
        """Kill every background process started by ``%%script --bg`` and its family."""
        _kill_all(self.bg_processes)
        print("All background processes were killed.")

    @cell_magic
    def writefile(self, line: str, cell: str) -> None:
        """Write the cell to a file: ``%%writefile [-a|--append] filename``.

        The file is overwritten unless ``-a`` appends to it.
        """
        opts, args = self.parse_options(line, "a", "append", mode="list")
        if len(args) != 1:
            raise UsageError("usage: %%writefile [-a] filename")
        filename = os.path.expanduser(args[0])
        append = "a" in opts or "append" in opts
        if os.path.exists(filename):
            print(f"{'Appending to' if append else 'Overwriting'} {filename}")
        else:
            print(f"Writing {filename}")
        with open(filename, "a" if append else "w", encoding="utf-8") as f:
            f.write(cell)


def _write_and_close(pipe: Any, data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except OSError:
        pass


def stream_writer(stream: Any) -> Callable[[str], None]:
    """A callback for :func:`run_streaming` that writes to ``stream`` and flushes."""

    def write(text: str) -> None:
        stream.write(text)
        stream.flush()

    return write


def _append_to(ns: Any, var: str) -> Callable[[str], None]:
    def append(text: str) -> None:
        ns[var] += text

    return append

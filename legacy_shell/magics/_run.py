"""``%run``: run a script (or ``-m`` module) as a program inside the shell.

What IPython users rely on: the script runs as ``__main__`` in a fresh
namespace (``-i``: in the user's), with ``sys.argv`` set to the script and its
arguments and the script's directory first on ``sys.path``, all restored
afterwards; its globals then land in the user namespace. A ``SystemExit`` is
reported in one line (``-e`` hides it), other exceptions as a traceback that
starts in the script, not in the shell.
"""

from __future__ import annotations

import builtins
import contextlib
import getopt
import glob
import os
import sys
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ._profile import profile_call
from ._timing import cpu_times, trim_traceback

__all__ = ["RUN_OPTIONS", "RunRequest", "ScriptRunner", "find_script", "parse_run_line", "split_args"]

#: getopt letters of ``%run`` (the profiler's ``-D -l -r -s -T`` included, for ``-p``).
RUN_OPTIONS = "nidtN:b:pD:l:rs:T:em:G"


@dataclass
class RunRequest:
    """A parsed ``%run`` line: options, the script (or module) and its arguments."""

    opts: dict[str, list[str]]
    filename: str
    args: list[str] = field(default_factory=list)
    module: str | None = None


def split_args(line: str) -> list[tuple[str, bool]]:
    """Split like a POSIX shell; each word comes with whether any part of it was quoted.

    Quoted words are not glob-expanded, as in a real shell.
    """
    words: list[tuple[str, bool]] = []
    current: list[str] = []
    quote = ""
    quoted = in_word = False
    chars = iter(line)
    for char in chars:
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"':
                nxt = next(chars, "")
                current.append(nxt if nxt in '"\\$`' else char + nxt)
            else:
                current.append(char)
        elif char.isspace():
            if in_word:
                words.append(("".join(current), quoted))
                current, quoted, in_word = [], False, False
        elif char in "'\"":
            quote, quoted, in_word = char, True, True
        elif char == "\\":
            current.append(next(chars, ""))
            quoted = in_word = True
        else:
            current.append(char)
            in_word = True
    if quote:
        raise UsageError("No closing quotation")
    if in_word:
        words.append(("".join(current), quoted))
    return words


def find_script(name: str) -> str:
    """The file ``name`` names, trying ``name.py`` too (as IPython's ``%run x`` does)."""
    path = os.path.expanduser(name)
    if os.path.isfile(path):
        return path
    if not path.endswith(".py") and os.path.isfile(path + ".py"):
        return path + ".py"
    raise UsageError(f"File `{path!r}` not found.")


def _module_origin(name: str) -> str:
    """The source file ``python -m name`` would run."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.submodule_search_locations is not None:
            spec = importlib.util.find_spec(f"{name}.__main__")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin or not os.path.isfile(spec.origin):
        raise UsageError(f"{name!r} is not a valid modulename on sys.path")
    return spec.origin


def parse_run_line(line: str) -> RunRequest:
    """Parse ``[options] (-m module | file) [args]``; arguments are glob-expanded unless ``-G``."""
    words = split_args(line)
    if not any(word == "--" for word, _ in words):
        # IPython: what follows ``-m module`` belongs to the module, not to %run
        for index, (word, quoted) in enumerate(words):
            if quoted or not word.startswith("-") or word == "-":
                break
            if word == "-m":
                words.insert(index + 2, ("--", False))
                break
    values = [word for word, _ in words]
    try:
        pairs, rest = getopt.getopt(values, RUN_OPTIONS)
    except getopt.GetoptError as e:
        raise UsageError(f"{e.msg} (allowed: {RUN_OPTIONS!r})") from None
    opts: dict[str, list[str]] = {}
    for key, value in pairs:
        opts.setdefault(key.lstrip("-"), []).append(value)
    positional = words[len(words) - len(rest) :]

    module = opts["m"][-1] if "m" in opts else None
    if module is not None:
        filename = _module_origin(module)
    elif not positional:
        raise UsageError("you must provide at least a filename.")
    else:
        filename = find_script(positional.pop(0)[0])
    args: list[str] = []
    for word, quoted in positional:
        word = os.path.expanduser(word)
        if quoted or "G" in opts or not glob.has_magic(word):
            args.append(word)
        else:
            args.extend(sorted(glob.glob(word)) or [word])
    return RunRequest(opts, filename, args, module)


@contextlib.contextmanager
def _program_environment(
    argv: list[str], script_dir: str, name: str, module: types.ModuleType | None
) -> Iterator[None]:
    """``sys.argv``, ``sys.path[0]`` and ``sys.modules[name]`` as the program expects them."""
    saved_argv = sys.argv
    missing = object()
    saved_module = sys.modules.get(name, missing)
    added_path = script_dir not in sys.path
    sys.argv = argv
    if added_path:
        sys.path.insert(0, script_dir)
    if module is not None:
        sys.modules[name] = module
    try:
        yield
    finally:
        sys.argv = saved_argv
        if added_path:
            with contextlib.suppress(ValueError):
                sys.path.remove(script_dir)
        if module is not None:
            if saved_module is missing:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = saved_module  # type: ignore[assignment]


class ScriptRunner:
    """Runs ``%run`` requests for one shell; keeps the last namespace of each script alive."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self._main_modules: dict[str, types.ModuleType] = {}

    def run(self, request: RunRequest) -> Any:
        """Run the request; returns the ``pstats.Stats`` for ``-p -r``, else ``None``."""
        if request.filename.lower().endswith(".ipy"):
            self._run_ipy(request)
            return None
        opts = request.opts
        name = Path(request.filename).stem if "n" in opts else "__main__"
        user_ns = self.shell.user_ns
        saved: dict[str, Any] = {}
        module: types.ModuleType | None
        if "i" in opts:
            prog_ns = user_ns
            module = getattr(self.shell, "user_module", None)
            saved = {key: user_ns[key] for key in ("__name__", "__file__") if key in user_ns}
            prog_ns["__file__"] = request.filename
        else:
            module = types.ModuleType(name, doc="Module created for script run in the shell")
            module.__file__ = os.path.abspath(request.filename)
            self._main_modules[module.__file__] = module
            prog_ns = module.__dict__
        prog_ns["__name__"] = name
        prog_ns["__builtins__"] = builtins

        argv = [request.filename, *request.args]
        script_dir = str(Path(request.filename).expanduser().resolve().parent)
        try:
            with _program_environment(argv, script_dir, name, module):
                return self._execute(request, prog_ns, name)
        finally:
            if "i" in opts:
                user_ns.pop("__file__", None)
                user_ns.update(saved)
            else:
                prog_ns.pop("__name__", None)
                had_file, old_file = "__file__" in user_ns, user_ns.get("__file__")
                user_ns.update(prog_ns)
                if had_file:
                    user_ns["__file__"] = old_file
                else:
                    user_ns.pop("__file__", None)
            user_ns["__builtins__"] = builtins

    def _execute(self, request: RunRequest, prog_ns: dict[str, Any], name: str) -> Any:
        opts = request.opts
        source_file = str(Path(request.filename).expanduser().resolve())
        if request.module is not None and "d" not in opts:
            import runpy

            module_name = request.module

            def body() -> None:
                prog_ns.update(runpy.run_module(module_name, run_name=name, alter_sys=True))

        else:
            try:
                code = compile(Path(source_file).read_bytes(), source_file, "exec", dont_inherit=True)
            except SyntaxError:
                self.shell.showsyntaxerror()
                return None
            if "d" in opts:
                try:
                    from ..debugger import run_under_debugger  # type: ignore[attr-defined]
                except ImportError:
                    raise UsageError("%run -d: the debugger is not available") from None
                run_under_debugger(self.shell, code, prog_ns, prog_ns)
                return None

            def body() -> None:
                exec(code, prog_ns)

        guarded = self._guard(body, source_file, exit_ignore="e" in opts)
        if "p" in opts:
            return profile_call(self.shell, guarded, opts)
        if "t" in opts:
            runs = int(opts.get("N", ["1"])[-1])
            if runs < 1:
                raise UsageError("Number of runs must be >=1")
            report_timing(guarded, runs)
        else:
            guarded()
        return None

    def _guard(self, body: Callable[[], None], filename: str, exit_ignore: bool) -> Callable[[], None]:
        """Wrap ``body`` so that the script's errors are shown, not raised into the shell."""

        def guarded() -> None:
            try:
                body()
            except SystemExit as e:
                if e.code and not exit_ignore:
                    self._show_system_exit(e)
            except (Exception, KeyboardInterrupt):
                etype, value, tb = sys.exc_info()
                self.shell.showtraceback((etype, value, trim_traceback(tb, [filename])))

        return guarded

    def _show_system_exit(self, exc: SystemExit) -> None:
        """One short report, as IPython's: the full traceback stays available to ``%tb``."""
        sys.last_type, sys.last_value, sys.last_traceback = type(exc), exc, exc.__traceback__
        lines = [
            "An exception has occurred, use %tb to see the full traceback.",
            "",
            f"SystemExit: {exc.code}",
        ]
        self.shell.output.error("SystemExit", str(exc.code), lines)

    def _run_ipy(self, request: RunRequest) -> None:
        """An ``.ipy`` file is shell input: run it as a cell, with ``__file__`` set."""
        source = Path(request.filename).read_text(encoding="utf-8")
        user_ns = self.shell.user_ns
        had_file, old_file = "__file__" in user_ns, user_ns.get("__file__")
        user_ns["__file__"] = request.filename
        script_dir = str(Path(request.filename).expanduser().resolve().parent)
        try:
            with _program_environment([request.filename, *request.args], script_dir, "", None):
                self.shell.run_cell(source, store_history=False, silent=True)
        finally:
            if had_file:
                user_ns["__file__"] = old_file
            else:
                user_ns.pop("__file__", None)


def report_timing(run: Callable[[], None], runs: int) -> None:
    """Run ``run`` ``runs`` times and print IPython's ``%run -t`` report."""
    wall0 = time.perf_counter()
    user0, sys0 = cpu_times()
    for _ in range(runs):
        run()
    user1, sys1 = cpu_times()
    t_user, t_sys = user1 - user0, sys1 - sys0
    print("\nIPython CPU timings (estimated):")
    if runs == 1:
        print(f"  User   : {t_user:10.2f} s.")
        print(f"  System : {t_sys:10.2f} s.")
    else:
        print("Total runs performed:", runs)
        print("  Times  : {:>10}   {:>10}".format("Total", "Per run"))
        print(f"  User   : {t_user:10.2f} s, {t_user / runs:10.2f} s.")
        print(f"  System : {t_sys:10.2f} s, {t_sys / runs:10.2f} s.")
    print(f"Wall time: {time.perf_counter() - wall0:10.2f} s.")

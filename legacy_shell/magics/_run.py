"""``%run``: run a script (or ``-m`` module) as a program inside the shell.

What IPython users rely on: the script runs as ``__main__`` in a fresh
namespace (``-i``: in the user's), with ``sys.argv`` set to the script and its
arguments and the script's directory first on ``sys.path``, all restored
afterwards; its globals then land in the user namespace. A ``SystemExit`` is
reported in one line (``-e`` hides it), other exceptions as a traceback that
starts in the script, not in the shell. The command line is parsed in
``_run_args``.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import sys
import time
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from ..api import ShellAPI
from ..errors import UsageError
from ..output import OutputSink
from ._profile import profile_call
from ._run_args import RunRequest
from ._timing import cpu_times, trim_traceback

__all__ = ["ScriptRunner", "report_timing"]


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


def _breakpoint(spec: str, script: str) -> tuple[str, int]:
    """``-b 40`` (a line of the script) or ``-b other.py:20``, as IPython's ``%run -d``."""
    filename, _, line = spec.rpartition(":")
    try:
        return (os.path.abspath(filename) if filename else script), int(line)
    except ValueError:
        raise UsageError(f"%run -b: expected LINE or FILE:LINE, not {spec!r}") from None


class RunHost(ShellAPI, Protocol):
    """What ``%run`` needs of the shell beyond its API: output, the pager, error reports."""

    @property
    def user_ns(self) -> dict[str, Any]: ...
    @property
    def output(self) -> OutputSink: ...
    def page(self, data: Any, start: int = 0) -> None: ...
    def showtraceback(self, exc_tuple: Any = None, tb_offset: int | None = None) -> None: ...
    def showsyntaxerror(self, filename: str | None = None) -> None: ...


class ScriptRunner:
    """Runs ``%run`` requests for one shell; keeps the last namespace of each script alive."""

    def __init__(self, shell: RunHost) -> None:
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
                code = compile(
                    Path(source_file).read_bytes(), source_file, "exec", dont_inherit=True
                )
            except SyntaxError:
                self.shell.showsyntaxerror()
                return None
            if "d" in opts:
                breakpoint = _breakpoint(opts["b"][-1], source_file) if "b" in opts else None

                def body() -> None:
                    self._debug(code, prog_ns, source_file, breakpoint)

            else:

                def body() -> None:
                    exec(code, prog_ns)

        guarded = self._guard(body, source_file, exit_ignore="e" in opts)
        if "d" in opts:
            guarded()
            return None
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

    def _debug(
        self,
        code: types.CodeType,
        prog_ns: dict[str, Any],
        script: str,
        breakpoint: tuple[str, int] | None,
    ) -> None:
        """Run the script under the shell's debugger, stopping at its first line (IPython's -d).

        pdb's own "wait for the main file" switch keeps the first stop in the
        script, not in whatever else runs first (a finalizer, an import hook).
        """
        from ..debugger import make_debugger

        debugger = make_debugger(self.shell)
        if breakpoint is not None:
            error = debugger.set_break(*breakpoint)
            if error:
                raise UsageError(f"%run -b: {error}")
            number = debugger.get_breaks(*breakpoint)[-1].number
            print(f"Breakpoint {number} at {breakpoint[0]}:{breakpoint[1]}")
        debugger._wait_for_mainpyfile = True
        debugger.mainpyfile = debugger.canonic(script)
        print(f"NOTE: Enter 'c' at the {debugger.prompt.strip()} prompt to continue execution.")
        tracer = sys.gettrace()
        try:
            debugger.run(code, prog_ns, prog_ns)
        finally:
            sys.settrace(tracer)
            debugger.clear_all_breaks()

    def _guard(
        self, body: Callable[[], None], filename: str, exit_ignore: bool
    ) -> Callable[[], None]:
        """Wrap ``body`` so that the script's errors are shown, not raised into the shell."""

        def guarded() -> None:
            try:
                body()
            except SystemExit as e:
                if exit_ignore:  # silent, but still there for %tb and `ipython FILE`'s status
                    sys.last_type, sys.last_value, sys.last_traceback = type(e), e, e.__traceback__
                elif e.code:
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

"""Magics that run the user's code in a special way: ``%time``, ``%timeit``, ``%prun``, ``%run``.

Their output copies IPython's formats exactly (``CPU times: ...``, ``Wall
time: ...``, ``... per loop (mean ± std. dev. of ...)``), because users compare
numbers across the two and scripts parse them. The timing, profiling and
script-running machinery lives in ``_timing``, ``_profile`` and ``_run``.
"""

from __future__ import annotations

import ast
import sys
import time as _time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..api import ShellAPI
from ..errors import UsageError
from ..magic import (
    Magics,
    line_cell_magic,
    line_magic,
    magics_class,
    needs_local_scope,
    no_var_expand,
)

if TYPE_CHECKING:
    from ._run import ScriptRunner
    from ._timing import TimeitResult

__all__ = ["ExecutionMagics", "TimeitResult"]


def __getattr__(name: str) -> Any:
    # the helpers load on first use, not at shell start-up
    if name == "TimeitResult":
        from ._timing import TimeitResult

        return TimeitResult
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Compile or parse times above this are reported by ``%time`` and ``%timeit`` (IPython's).
REPORT_THRESHOLD = 0.1

_TIMED_FILES = ("<timed eval>", "<timed exec>")


def _int_option(opts: dict[str, list[str]], key: str, default: int) -> int:
    try:
        return int(opts[key][-1]) if key in opts else default
    except ValueError:
        raise UsageError(f"option -{key} needs an integer, not {opts[key][-1]!r}") from None


@magics_class
class ExecutionMagics(Magics):
    """Timing, profiling and running scripts."""

    def __init__(self, shell: ShellAPI | None = None, **kwargs: Any) -> None:
        super().__init__(shell, **kwargs)
        self._runner: ScriptRunner | None = None

    def _parse(self, source: str, filename: str) -> ast.Module:
        """Shell syntax to Python, to a tree with the shell's AST transformations applied."""
        from ._timing import apply_ast_transformers

        python = self.shell.transform_cell(source)
        return apply_ast_transformers(self.shell, ast.parse(python, filename=filename))

    @no_var_expand
    @needs_local_scope
    @line_cell_magic
    def time(
        self, line: str = "", cell: str | None = None, local_ns: dict[str, Any] | None = None
    ) -> Any:
        """Time the execution of a statement or expression (or, ``%%time``, of the cell).

        Prints CPU (user, system, total) and wall-clock times, and returns the
        value of a final expression so that it is displayed as the result.
        An exception in the timed code is raised after the times are printed,
        so the cell fails as it would without ``%time``.

        Usage: ``%time stmt`` or ``%%time`` followed by the code.
        """
        from ._timing import cpu_times, format_time, split_leading_options, trim_traceback

        _, stmt = split_leading_options(line, "", ["no-raise-error"])
        if cell is not None and stmt.strip():
            raise UsageError("Can't use statement directly after '%%time'!")
        started = _time.perf_counter()
        tree = self._parse(cell if cell is not None else stmt, "<timed exec>")
        parse_time = _time.perf_counter() - started

        started = _time.perf_counter()
        last_value = None
        final = tree.body[-1] if tree.body else None
        is_eval = len(tree.body) == 1 and isinstance(final, ast.Expr)
        if is_eval and isinstance(final, ast.Expr):
            code = compile(ast.Expression(final.value), "<timed eval>", "eval", dont_inherit=True)
        else:
            if isinstance(final, ast.Expr):  # a cell ending with an expression: return its value
                tree.body.pop()
                last_expr = ast.Expression(final.value)
                last_value = compile(last_expr, "<timed exec>", "eval", dont_inherit=True)
            code = compile(tree, "<timed exec>", "exec", dont_inherit=True)
        compile_time = _time.perf_counter() - started

        namespace = self.shell.user_ns
        result = failure = None
        wall0 = _time.perf_counter()
        user0, sys0 = cpu_times()
        try:
            if is_eval:
                result = eval(code, namespace, local_ns)
            else:
                exec(code, namespace, local_ns)
                if last_value is not None:
                    result = eval(last_value, namespace, local_ns)
        except Exception:
            failure = sys.exc_info()
        finally:
            user1, sys1 = cpu_times()
            wall = _time.perf_counter() - wall0
            user, system = user1 - user0, sys1 - sys0
            print(
                f"CPU times: user {format_time(user)}, sys: {format_time(system)}, "
                f"total: {format_time(user + system)}"
            )
            print(f"Wall time: {format_time(wall)}")
            if compile_time > REPORT_THRESHOLD:
                print(f"Compiler : {format_time(compile_time)}")
            if parse_time > REPORT_THRESHOLD:
                print(f"Parser   : {format_time(parse_time)}")
        if failure is not None:
            # as IPython 8.3+: the times are printed, then the cell fails with the error
            _etype, value, tb = failure
            assert value is not None
            raise value.with_traceback(trim_traceback(tb, _TIMED_FILES))
        source = cell if cell is not None else stmt
        if source.rstrip().endswith(";"):  # a trailing ";" silences the result, as in a cell
            return None
        return result

    @no_var_expand
    @needs_local_scope
    @line_cell_magic
    def timeit(
        self, line: str = "", cell: str | None = None, local_ns: dict[str, Any] | None = None
    ) -> TimeitResult | None:
        """Time a statement with the ``timeit`` method: many loops, several runs.

        Usage: ``%timeit [-n<N> -r<R> [-t|-c] -q -p<P> [-o|-v <V>]] statement``,
        or ``%%timeit [options] setup_code`` followed by the timed cell.

        -n<N>  loops per run (default: the first power of ten taking 0.2 s)
        -r<R>  runs (default 7)
        -t     time with ``time.time``;  -c  with ``time.process_time`` (CPU)
        -p<P>  significant digits shown (default 3)
        -q     print nothing;  -o  return a ``TimeitResult``;  -v <V>  store it in V
        """
        from ._timing import (
            TimeitResult,
            autorange,
            build_timer,
            repeat_runs,
            split_leading_options,
        )

        opts, stmt = split_leading_options(line, "n:r:tcp:qov:")
        if not stmt.strip() and cell is None:
            return None
        number = _int_option(opts, "n", 0)
        repeat = _int_option(opts, "r", 7)
        precision = _int_option(opts, "p", 3)
        timer: Callable[[], float] = _time.perf_counter
        if "t" in opts:
            timer = _time.time
        if "c" in opts:
            timer = _time.process_time

        if cell is None:
            setup, body = ast.Module([], []), self._parse(stmt, "<magic-timeit-stmt>")
        else:
            setup = self._parse(stmt, "<magic-timeit-setup>")
            body = self._parse(cell, "<magic-timeit-stmt>")
        # invalid code can become valid inside the timing loop (``break``): check it alone first
        compile(setup, "<magic-timeit-setup>", "exec", dont_inherit=True)
        compile(body, "<magic-timeit-stmt>", "exec", dont_inherit=True)

        namespace = self.shell.user_ns
        shadowed: dict[str, Any] = {}
        added: list[str] = []
        if local_ns and cell is None and local_ns is not namespace:
            # called inside a function: its locals are visible to the statement
            for name, value in local_ns.items():
                if name in namespace:
                    shadowed[name] = namespace[name]
                else:
                    added.append(name)
                namespace[name] = value
        try:
            started = _time.perf_counter()
            inner = build_timer(setup, body, namespace)
            compile_time = _time.perf_counter() - started
            if number <= 0:
                number = autorange(inner, timer)
            all_runs = repeat_runs(inner, timer, repeat, number)
        finally:
            namespace.update(shadowed)
            for name in added:
                namespace.pop(name, None)

        best, worst = min(all_runs) / number, max(all_runs) / number
        result = TimeitResult(number, repeat, best, worst, all_runs, compile_time, precision)
        if "q" not in opts:
            if worst > 4 * best and best > 0 and worst > 1e-6:
                print(
                    f"The slowest run took {worst / best:0.2f} times longer than the fastest. "
                    "This could mean that an intermediate result is being cached."
                )
            print(result)
            if compile_time > REPORT_THRESHOLD:
                print(f"Compiler time: {compile_time:.2f} s")
        if "v" in opts:
            self.shell.user_ns[opts["v"][-1]] = result
        return result if "o" in opts else None

    @no_var_expand
    @line_cell_magic
    def prun(self, line: str = "", cell: str | None = None) -> Any:
        """Run a statement under the cProfile profiler and show the statistics.

        Usage: ``%prun [-s key]... [-l limit]... [-r] [-q] [-D file] [-T file] statement``
        or ``%%prun [options] [statement]`` followed by code.

        -s <key>   sort by key (repeatable; default ``time``): calls, cumulative, ...
        -l <limit> a line count, a fraction (0.4) or a name pattern (repeatable)
        -r         return the ``pstats.Stats``;  -q  do not show the report
        -D <file>  dump the raw stats;  -T <file>  save the report as text
        """
        from ._profile import PROFILE_OPTIONS, profile_code
        from ._timing import split_leading_options

        opts, stmt = split_leading_options(line, PROFILE_OPTIONS)
        if cell is not None:
            stmt += "\n" + cell
        code = self.shell.transform_cell(stmt)
        return profile_code(self.shell, code, self.shell.user_ns, opts)

    @line_magic
    def run(self, parameter_s: str = "") -> Any:
        """Run a Python file as a program, then load its variables into the namespace.

        Usage: ``%run [-n -i -e -G] [(-t [-N<N>] | -d [-b<L>] | -p [profile options])]
        (-m mod | file) [args]``

        -i  run in the user namespace instead of a fresh one
        -n  do not set ``__name__`` to ``"__main__"`` (use the file's stem)
        -e  ignore ``sys.exit()`` in the script
        -t  print timings (-N<N>: run N times);  -p  profile (see ``%prun``)
        -d  run under the debugger (-b<L>: break at line L, or FILE:L, first)
        -m  run a module, as ``python -m``
        -G  no glob expansion of the arguments

        ``.ipy`` files are run as shell input (magics and all).
        """
        from ._run import ScriptRunner
        from ._run_args import parse_run_line

        request = parse_run_line(parameter_s)
        if self._runner is None:
            self._runner = ScriptRunner(self.shell)
        return self._runner.run(request)

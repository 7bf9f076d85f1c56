"""``%time``, ``%timeit`` and ``%prun``: they run the user's code and print IPython's formats."""

from __future__ import annotations

import pstats
import re
from collections.abc import Iterable

import pytest

from legacy_shell.errors import UsageError
from legacy_shell.magics._timing import (
    TimeitResult,
    autorange,
    format_time,
    split_leading_options,
)

UNIT = r"(?:s|ms|μs|us|ns)"
NUMBER = r"\d+(?:\.\d+)?"
DURATION = rf"{NUMBER} {UNIT}"
TIME_LINES = re.compile(
    rf"CPU times: user {DURATION}, sys: {DURATION}, total: {DURATION}\nWall time: {DURATION}\n"
    # on a loaded machine compiling may pass IPython's 0.1 s reporting threshold
    rf"(?:(?:Compiler |Parser   ): {DURATION}\n)*"
)


def timeit_line(runs: int, loops: int) -> re.Pattern[str]:
    run_word = "run" if runs == 1 else "runs"
    loop_word = "loop" if loops == 1 else "loops"
    return re.compile(
        rf"^{DURATION} ± {DURATION} per loop \(mean ± std\. dev\. of {runs} {run_word}, "
        rf"{loops:,} {loop_word} each\)$",
        re.MULTILINE,
    )


# --- formats, without a shell ------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.0, "0 ns"),
        (4.2e-8, "42 ns"),
        (7.15e-6, "7.15 μs"),
        (0.0015, "1.5 ms"),
        (0.015, "15 ms"),
        (0.1234567, "123 ms"),
        (1.5, "1.5 s"),
        (59.9, "59.9 s"),
        (61.0, "1min 1s"),
        (3700.5, "1h 1min 40s"),
    ],
)
def test_durations_are_formatted_with_three_significant_digits_in_the_best_unit(
    seconds: float, text: str
) -> None:
    assert format_time(seconds) == text


def test_a_value_that_rounds_up_to_1000_moves_to_the_larger_unit() -> None:
    assert format_time(9.999999e-7) == "1 μs"  # IPython prints "1e+03 ns"
    assert format_time(0.9999999) == "1 s"


def test_precision_sets_the_significant_digits() -> None:
    assert format_time(0.00123456, 5) == "1.2346 ms"


def test_timeit_result_prints_mean_and_deviation_per_loop() -> None:
    runs = [0.421, 0.42, 0.423, 0.43, 0.42, 0.42, 0.42]
    result = TimeitResult(10_000_000, 7, 4.2e-8, 4.3e-8, runs, 0.0)
    assert str(result) == (
        "42.2 ns ± 0.342 ns per loop (mean ± std. dev. of 7 runs, 10,000,000 loops each)"
    )
    assert repr(result) == f"<TimeitResult : {result}>"
    assert result.timings == pytest.approx([r / 10_000_000 for r in runs])


def test_timeit_result_uses_the_singular_for_one_run_of_one_loop() -> None:
    result = TimeitResult(1, 1, 0.5, 0.5, [0.5], 0.0)
    assert str(result) == "500 ms ± 0 ns per loop (mean ± std. dev. of 1 run, 1 loop each)"
    assert result.average == 0.5
    assert result.stdev == 0.0


def test_autorange_picks_the_first_power_of_ten_that_takes_a_fifth_of_a_second() -> None:
    def inner(iterator: Iterable[None], timer: object) -> float:
        return len(list(iterator)) * 0.001  # pretend each loop takes 1 ms

    assert autorange(inner, lambda: 0.0) == 1000


def test_leading_options_are_taken_off_and_the_code_is_kept_verbatim() -> None:
    opts, rest = split_leading_options('-n1 -r 3 -qo x = "a  b"  # note', "n:r:qo")
    assert opts == {"n": ["1"], "r": ["3"], "q": [""], "o": [""]}
    assert rest == 'x = "a  b"  # note'


def test_a_word_that_is_not_an_option_starts_the_code() -> None:
    assert split_leading_options("-n2 -x + 1", "n:") == ({"n": ["2"]}, "-x + 1")
    assert split_leading_options("-- -n", "n:") == ({}, "-n")


# --- %time ---------------------------------------------------------------------------------


def test_time_prints_cpu_and_wall_times_and_returns_the_value(shell, capsys) -> None:
    assert shell.run_line_magic("time", "2 ** 10") == 1024
    assert TIME_LINES.fullmatch(capsys.readouterr().out)


def test_time_result_is_displayed_as_the_cell_result(shell, capsys) -> None:
    result = shell.run_cell("%time 6 * 7", store_history=True)
    assert result.success
    out = capsys.readouterr().out
    assert TIME_LINES.match(out)
    assert "Out[1]: 42" in out


def test_time_cell_runs_in_the_user_namespace_and_returns_the_last_expression(
    shell, capsys
) -> None:
    assert shell.run_cell_magic("time", "", "x = 5\ny = x * 2\ny + 1") == 11
    assert shell.user_ns["y"] == 10
    assert TIME_LINES.fullmatch(capsys.readouterr().out)


def test_time_of_a_statement_assigns_in_the_user_namespace_and_shows_no_result(
    shell, capsys
) -> None:
    result = shell.run_cell("%time z = 3", store_history=True)
    assert result.result is None
    assert shell.user_ns["z"] == 3
    assert "Out[" not in capsys.readouterr().out


def test_a_trailing_semicolon_silences_the_time_result(shell, capsys) -> None:
    assert shell.run_cell_magic("time", "", "x = 4\nx * 2;") is None
    assert shell.run_line_magic("time", "3 + 4;") is None


def test_time_cell_with_a_statement_on_the_magic_line_is_a_usage_error(shell) -> None:
    with pytest.raises(UsageError, match="Can't use statement directly after '%%time'"):
        shell.run_cell_magic("time", "x = 1", "y = 2")


def test_time_sees_the_locals_of_the_calling_function(shell) -> None:
    shell.run_cell(
        "def f():\n    local = 20\n    return get_ipython().run_line_magic('time', 'local + 1')"
    )
    assert shell.run_cell("f()").result == 21


def test_an_exception_in_timed_code_fails_the_cell_after_the_times(shell, capsys) -> None:
    res = shell.run_cell("%time 1 / 0\nafter = True")
    assert isinstance(res.error_in_exec, ZeroDivisionError)
    assert "after" not in shell.user_ns
    out = capsys.readouterr().out
    assert TIME_LINES.match(out)
    assert "ZeroDivisionError" in out
    assert "_timing.py" not in out and "execution.py" not in out


# --- %timeit -------------------------------------------------------------------------------


def test_timeit_prints_mean_and_deviation_in_ipython_format(shell, capsys) -> None:
    shell.run_line_magic("timeit", "-n1 -r3 sum(range(100))")
    out = capsys.readouterr().out
    assert timeit_line(3, 1).search(out), out


def test_timeit_cell_form_from_the_input_syntax(shell, capsys) -> None:
    shell.run_cell("%%timeit -n10 -r2\nsorted([3, 1, 2])")
    assert timeit_line(2, 10).search(capsys.readouterr().out)


def test_timeit_o_returns_the_measurements(shell, capsys) -> None:
    shell.run_cell("r = %timeit -o -n10 -r2 1 + 1")
    assert timeit_line(2, 10).search(capsys.readouterr().out)
    summary = shell.run_cell(
        "(type(r).__name__, r.loops, r.repeat, len(r.all_runs),"
        " r.best <= r.average <= r.worst, r.stdev >= 0, r.compile_time >= 0,"
        " repr(r) == f'<TimeitResult : {r}>')"
    ).result
    assert summary == ("TimeitResult", 10, 2, 2, True, True, True, True)


def test_timeit_q_prints_nothing(shell, capsys) -> None:
    assert shell.run_line_magic("timeit", "-q -n1 -r1 pass") is None
    assert capsys.readouterr().out == ""


def test_timeit_v_stores_the_result_in_a_variable(shell, capsys) -> None:
    shell.run_line_magic("timeit", "-q -n1 -r1 -v measured pass")
    assert shell.run_cell("type(measured).__name__").result == "TimeitResult"


def test_timeit_cell_runs_the_setup_line_once_per_run(shell, capsys) -> None:
    shell.push({"calls": []})
    shell.run_cell_magic("timeit", "-q -n2 -r3 calls.append('setup')", "calls.append('stmt')")
    assert shell.user_ns["calls"] == ["setup", "stmt", "stmt"] * 3


def test_timeit_setup_names_are_visible_to_the_cell_but_not_kept(shell, capsys) -> None:
    shell.run_cell("%%timeit -q -n2 -r2 -v sorted_timing data = [3, 1, 2]\ndata.sort()")
    assert shell.run_cell("sorted_timing.loops").result == 2
    assert "data" not in shell.user_ns


def test_timeit_reads_user_variables(shell, capsys) -> None:
    shell.push({"big": list(range(50))})
    shell.run_line_magic("timeit", "-n1 -r1 sum(big)")
    assert timeit_line(1, 1).search(capsys.readouterr().out)


def test_timeit_inside_a_function_sees_its_locals_without_leaking_them(shell) -> None:
    shell.run_cell(
        "def g():\n"
        "    local_w = 2\n"
        "    return get_ipython().run_line_magic('timeit', '-q -o -n1 -r1 local_w + 1')"
    )
    assert shell.run_cell("g().loops").result == 1
    assert "local_w" not in shell.user_ns


def test_timeit_warns_when_the_slowest_run_is_much_slower(shell, capsys) -> None:
    shell.push({"cache": []})
    shell.run_line_magic("timeit", "-n1 -r5 cache or cache.append(sum(range(300000)))")
    out = capsys.readouterr().out
    assert re.search(
        r"The slowest run took \d+\.\d\d times longer than the fastest\. "
        r"This could mean that an intermediate result is being cached\.",
        out,
    )


def test_timeit_applies_the_input_syntax(shell, capsys) -> None:
    shell.run_line_magic("timeit", "-n1 -r1 %pwd")
    assert timeit_line(1, 1).search(capsys.readouterr().out)


def test_timeit_of_invalid_code_is_a_syntax_error(shell) -> None:
    with pytest.raises(SyntaxError):
        shell.run_line_magic("timeit", "-n1 -r1 1 +")


def test_timeit_without_code_does_nothing(shell, capsys) -> None:
    assert shell.run_line_magic("timeit", "") is None
    assert capsys.readouterr().out == ""


def test_timeit_bad_option_value_is_a_usage_error(shell) -> None:
    with pytest.raises(UsageError, match="-n"):
        shell.run_line_magic("timeit", "-nfew pass")


# --- %prun ---------------------------------------------------------------------------------


def test_prun_prints_the_profile(shell, capsys) -> None:
    shell.run_line_magic("prun", "sum(range(1000))")
    out = capsys.readouterr().out
    assert re.search(r"\d+ function calls in \d+\.\d+ seconds", out)
    assert "Ordered by: internal time" in out


def test_prun_sort_limit_and_return(shell, capsys) -> None:
    shell.run_cell("stats = %prun -r -s cumulative -l 2 sorted(range(10))")
    assert shell.run_cell("type(stats).__module__, type(stats).__name__").result == (
        "pstats",
        "Stats",
    )
    assert "Ordered by: cumulative time" in capsys.readouterr().out


def test_prun_cell_runs_in_the_user_namespace(shell, capsys) -> None:
    shell.run_cell("%%prun -q\ndef h():\n    return 5\nprofiled = h()")
    assert shell.user_ns["profiled"] == 5
    assert "function calls" not in capsys.readouterr().out


def test_prun_saves_the_report_and_the_raw_stats(shell, capsys, tmp_path) -> None:
    text, dump = tmp_path / "report.txt", tmp_path / "raw.prof"
    shell.run_line_magic("prun", f"-q -T {text} -D {dump} sum(range(10))")
    assert "function calls" in text.read_text()
    assert pstats.Stats(str(dump)).get_stats_profile().func_profiles
    out = capsys.readouterr().out
    assert "Profile printout saved to text file" in out
    assert "Profile stats marshalled to file" in out

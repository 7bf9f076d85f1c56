"""The example extensions of docs/examples load and their magics run.

One is written against the new API (``new_api_ext``), one against the legacy
API (``legacy_ext``, which must warn). Both are loaded the way a user loads
them: ``%load_ext`` with docs/examples on ``sys.path`` (of the shell's process,
where extensions run; their warnings are recorded there too).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"


def on_sys_path(shell: Any, directory: Path) -> None:
    """Put ``directory`` first on ``sys.path`` in the shell's process."""
    shell.run_cell(f"__import__('sys').path.insert(0, {str(directory)!r})").raise_error()


def forget_modules(shell: Any, *names: str) -> None:
    """Drop ``names`` from ``sys.modules`` in the shell's process."""
    for name in names:
        shell.run_cell(f"__import__('sys').modules.pop({name!r}, None)").raise_error()


_RECORDING_CELL = """\
import warnings as _warnings
with _warnings.catch_warnings(record=True) as _caught:
    _warnings.simplefilter("always")
{cell}
_deprecations = [str(w.message) for w in _caught if issubclass(w.category, DeprecationWarning)]
del _warnings, _caught
"""


def deprecations(shell: Any, cell: str, *, store_history: bool = False) -> list[str]:
    """Run ``cell`` (magics and all); the DeprecationWarnings it emits in the shell's process."""
    code = _RECORDING_CELL.format(cell=textwrap.indent(cell, "    "))
    shell.run_cell(code, store_history=store_history).raise_error()
    return list(shell.user_ns.pop("_deprecations"))


@pytest.fixture(autouse=True)
def examples_on_path(shell: Any) -> Any:
    on_sys_path(shell, EXAMPLES)
    yield
    forget_modules(shell, "new_api_ext", "legacy_ext")


# -- the new API: a stopwatch ----------------------------------------------------------


@pytest.fixture
def stopwatch(shell: Any) -> Any:
    assert deprecations(shell, "%load_ext new_api_ext") == []  # the new API never warns
    return shell


def lap_labels(shell: Any, table: Any) -> list[str]:
    """The labels of a ``LapTable`` (a ``%laps`` result), read in the shell."""
    shell.user_ns["_table"] = table
    shell.run_cell("_labels = [label for label, _ in _table.laps]").raise_error()
    del shell.user_ns["_table"]
    return list(shell.user_ns.pop("_labels"))


def test_new_api_extension_lap_magic(stopwatch: Any, capsys: Any) -> None:
    stopwatch.run_line_magic("lap", "warm-up")
    stopwatch.run_cell("%lap")
    out = capsys.readouterr().out
    assert re.search(r"^warm-up: \d+\.\d{3} s$", out, re.M)
    assert re.search(r"^lap 2: \d+\.\d{3} s$", out, re.M)
    table = stopwatch.run_line_magic("laps", "")
    assert lap_labels(stopwatch, table) == ["warm-up", "lap 2"]


def test_new_api_extension_stopwatch_cell_magic(stopwatch: Any, capsys: Any) -> None:
    stopwatch.run_cell("%%stopwatch build\ntotal = sum(range(1000))\n", store_history=True)
    assert re.search(r"^Stopwatch build: \d+\.\d{3} s$", capsys.readouterr().out, re.M)
    assert stopwatch.user_ns["total"] == 499500


def test_new_api_extension_times_each_stored_cell(stopwatch: Any) -> None:
    first = stopwatch.run_cell("x = 1", store_history=True).execution_count
    second = stopwatch.run_cell("%%stopwatch\ny = 2", store_history=True).execution_count
    stopwatch.run_cell("w = 0", store_history=False)
    times = stopwatch.user_ns["cell_times"]
    assert set(times) == {first, second}  # the quiet cell and %%stopwatch's inner run: not
    assert all(t >= 0 for t in times.values())


def test_new_api_extension_registers_an_html_formatter(stopwatch: Any) -> None:
    stopwatch.run_line_magic("lap", "a <b>")
    table = stopwatch.run_line_magic("laps", "")
    data, _ = stopwatch.display_formatter.format(table)
    assert "<td>a &lt;b&gt;</td>" in data["text/html"]
    assert re.match(r"\s+1\s+\d+\.\d{3} s  a <b>", data["text/plain"])


def test_new_api_extension_result_shows_as_text(stopwatch: Any, capsys: Any) -> None:
    stopwatch.run_cell("%laps", store_history=True)
    assert "No laps yet." in capsys.readouterr().out


def test_new_api_extension_unload_removes_events_and_formatter(stopwatch: Any) -> None:
    stopwatch.run_line_magic("unload_ext", "new_api_ext")
    before = dict(stopwatch.user_ns["cell_times"])
    stopwatch.run_cell("z = 3", store_history=True)
    assert stopwatch.user_ns["cell_times"] == before
    data, _ = stopwatch.display_formatter.format(stopwatch.run_line_magic("laps", ""))
    assert "text/html" not in data


# -- the legacy API: a greeter -----------------------------------------------------------


def load_legacy(shell: Any) -> list[str]:
    return deprecations(shell, "%load_ext legacy_ext")


def test_legacy_extension_loads_through_init_ipython_and_warns(shell: Any) -> None:
    messages = load_legacy(shell)
    # expose_magic, define_magic, set_hook, to_user_ns, options: one warning each
    assert len(messages) == 5
    for old in ("expose_magic", "define_magic", "set_hook", "to_user_ns", "options"):
        assert any(old in m for m in messages), old
    assert all("deprecated" in m and "use " in m for m in messages)
    assert shell.user_ns["_greeter_cells"] == 0


def test_legacy_extension_magic_runs(shell: Any, capsys: Any) -> None:
    load_legacy(shell)
    messages = deprecations(shell, "%greet Ada", store_history=True)
    assert capsys.readouterr().out == "Hello, Ada!\n"
    assert shell.user_ns["last_greeting"] == "Hello, Ada!"
    assert any("ipapi.get()" in m for m in messages)
    assert any("to_user_ns" in m for m in messages)


def test_legacy_extension_hook_counts_cells(shell: Any, capsys: Any) -> None:
    load_legacy(shell)
    shell.run_cell("a = 1", store_history=True)
    shell.run_cell("b = 2", store_history=True)
    messages = deprecations(shell, "%greet", store_history=True)
    messages += deprecations(shell, "%greetings", store_history=True)
    assert messages  # the greeter's magics use the legacy API
    out = capsys.readouterr().out
    assert "Hello, world!" in out
    assert "1 greeting(s) so far; 4 cell(s) run since loading." in out


# -- the snippets of docs/extensions.md --------------------------------------------------

GUIDE = EXAMPLES.parent / "extensions.md"


def guide_extensions() -> list[str]:
    """The Python blocks of the extension guide that are whole extensions."""
    blocks = re.findall(r"```python\n(.*?)```", GUIDE.read_text(), re.S)
    return [b for b in blocks if "def load_ipython_extension" in b or "def init_ipython" in b]


@pytest.mark.parametrize("index", range(len(guide_extensions())))
def test_guide_snippet_loads_and_unloads(
    shell: Any, index: int, tmp_path: Path, capsys: Any
) -> None:
    name = f"guide_snippet_{index}"
    (tmp_path / f"{name}.py").write_text(guide_extensions()[index])
    on_sys_path(shell, tmp_path)
    try:
        # (recorded, not shown: the legacy snippet warns, which is not what this checks)
        deprecations(shell, f"%load_ext {name}")
        shell.run_cell("1", store_history=True)
        deprecations(shell, f"%unload_ext {name}")
        err = capsys.readouterr().err
        assert "Error" not in err and "Traceback" not in err, err
    finally:
        forget_modules(shell, name)


def test_guide_counter_magics_snippet(shell: Any, tmp_path: Path, capsys: Any) -> None:
    (snippet,) = [b for b in guide_extensions() if "CounterMagics" in b]
    (tmp_path / "guide_counter.py").write_text(snippet)
    on_sys_path(shell, tmp_path)
    try:
        shell.run_line_magic("load_ext", "guide_counter")
        assert shell.run_line_magic("bump", "-n 2") == 2
        assert shell.run_line_magic("bump", "") == 3
        shell.run_cell_magic("upper", "", "text")
        shell.run_cell("%bump -n x", store_history=True)
        captured = capsys.readouterr()
        assert "TEXT" in captured.out
        assert "UsageError: %bump -n needs an integer" in captured.out + captured.err
    finally:
        forget_modules(shell, "guide_counter")

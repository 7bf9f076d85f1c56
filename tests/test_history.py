"""HistoryManager: persistence, concurrency, bad files, ranges, search, tail, prompt history."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from legacy_shell.history import HistoryManager, extract_hist_ranges


@pytest.fixture
def hist_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite"


def make(path: Path | None, warnings: list[str] | None = None, **kw: object) -> HistoryManager:
    sink = warnings if warnings is not None else []
    return HistoryManager(path, warn=sink.append, **kw)  # type: ignore[arg-type]


def fill(hm: HistoryManager, *inputs: str) -> None:
    for text in inputs:
        hm.store_inputs(len(hm.input_hist_raw), text)


# -- ranges -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [(0, 1, None)]),
        ("4", [(0, 4, 5)]),
        ("1-5", [(0, 1, 6)]),
        ("4-", [(0, 4, None)]),
        ("4:6", [(0, 4, 6)]),
        ("~2/7", [(-2, 7, 8)]),
        ("~1/", [(-1, 1, None)]),
        ("3/1-4", [(3, 1, 5)]),
        ("~4/4-", [(-4, 4, None)]),
        ("~8/5-~7/4 2", [(-8, 5, None), (-7, 1, 5), (0, 2, 3)]),
        ("~3/2-~1/2", [(-3, 2, None), (-2, 1, None), (-1, 1, 3)]),
        ("nonsense 2", [(0, 2, 3)]),
    ],
)
def test_range_grammar_matches_ipython(
    text: str, expected: list[tuple[int, int, int | None]]
) -> None:
    assert list(extract_hist_ranges(text)) == expected


# -- the current session ------------------------------------------------------


def test_inputs_are_indexed_by_cell_number(hist_path: Path) -> None:
    with make(hist_path) as hm:
        hm.store_inputs(1, "a = 1\n", "a = 1\n")
        hm.store_inputs(2, "get_ipython().run_line_magic('pwd', '')", "%pwd")
        assert hm.input_hist_raw == ["", "a = 1", "%pwd"]
        assert hm.input_hist_parsed[2] == "get_ipython().run_line_magic('pwd', '')"
        # A skipped number keeps In[N] aligned with cell N.
        hm.store_inputs(4, "b = 2")
        assert hm.input_hist_raw[4] == "b = 2" and hm.input_hist_raw[3] == ""


def test_get_range_current_session_raw_translated_and_output(hist_path: Path) -> None:
    with make(hist_path) as hm:
        hm.store_inputs(1, "x = 1")
        hm.store_inputs(2, "get_ipython().run_line_magic('who', '')", "%who")
        hm.store_inputs(3, "x + 1")
        hm.output_hist[3] = 2
        hm.store_output(3, "2")
        assert list(hm.get_range(start=1, stop=3)) == [(0, 1, "x = 1"), (0, 2, "%who")]
        ((_, _, translated),) = hm.get_range(start=2, stop=3, raw=False)
        assert translated.startswith("get_ipython()")
        assert list(hm.get_range_by_str("2-3", output=True)) == [
            (0, 2, ("%who", None)),
            (0, 3, ("x + 1", "2")),
        ]
        assert [line for _, line, _ in hm.get_range_by_str("")] == [1, 2, 3]


def test_store_output_falls_back_to_repr_of_the_result(hist_path: Path) -> None:
    with make(None) as hm:
        hm.store_inputs(1, "[1]")
        hm.output_hist[1] = [1]
        assert list(hm.get_range(output=True)) == [(0, 1, ("[1]", "[1]"))]


# -- persistence and sessions -------------------------------------------------


def test_history_survives_a_restart(hist_path: Path) -> None:
    first = make(hist_path)
    fill(first, "a = 1", "b = 2")
    first.store_output(2, "'two'")
    s1 = first.session_number
    first.close()

    second = make(hist_path)
    fill(second, "c = 3")
    assert second.session_number == s1 + 1
    assert list(second.get_range(-1)) == [(s1, 1, "a = 1"), (s1, 2, "b = 2")]
    assert list(second.get_range_by_str("~1/2", output=True)) == [(s1, 2, ("b = 2", "'two'"))]
    assert list(second.get_range_by_str(f"{s1}/1")) == [(s1, 1, "a = 1")]
    info = second.get_session_info(-1)
    assert info is not None and info[0] == s1 and info[3] == 2  # num_cmds recorded at close
    second.close()


def test_each_input_is_committed_when_stored(hist_path: Path) -> None:
    hm = make(hist_path)
    fill(hm, "import os", "os._exit(1)")  # the process could die right after this
    rows = sqlite3.connect(hist_path).execute("SELECT line, source_raw FROM history").fetchall()
    assert rows == [(1, "import os"), (2, "os._exit(1)")]
    hm.close()


def test_uses_wal_and_creates_parent_directories(hist_path: Path) -> None:
    assert not hist_path.parent.exists()
    with make(hist_path) as hm:
        fill(hm, "1")
    assert sqlite3.connect(hist_path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reset_starts_a_new_session_and_clears_lists_in_place(hist_path: Path) -> None:
    with make(hist_path) as hm:
        ins, outs = hm.input_hist_parsed, hm.output_hist
        fill(hm, "a", "b")
        outs[2] = "b"
        old = hm.session_number
        hm.reset()
        assert ins == [""] and outs == {} and hm.input_hist_parsed is ins
        fill(hm, "c")
        assert hm.session_number == old + 1
        assert [r[2] for r in hm.get_range(-1)] == ["a", "b"]


def test_disabled_or_no_path_is_in_memory(hist_path: Path) -> None:
    with make(hist_path, enabled=False) as hm:
        fill(hm, "x")
        assert hm.in_memory and [r[2] for r in hm.get_tail(include_latest=True)] == ["x"]
    assert not hist_path.exists()


def test_nothing_is_written_until_used(hist_path: Path) -> None:
    make(hist_path).close()
    assert not hist_path.exists()


# -- two shells at once ---------------------------------------------------------


WRITER = """
import sys
from pathlib import Path
from legacy_shell.history import HistoryManager

warnings = []
hm = HistoryManager(Path(sys.argv[1]), warn=warnings.append)
print("ready", flush=True)
sys.stdin.readline()  # both start writing at the same moment
for i in range(1, 1001):
    hm.store_inputs(i, f"{sys.argv[2]}{i}")
hm.close()
print(len(warnings), hm.in_memory)
"""


def test_two_shells_writing_at_once_keep_every_input(hist_path: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(hist_path), tag],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline() == "ready\n"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.close()
    assert [p.wait(timeout=60) for p in procs] == [0, 0]
    outs = [p.stdout.read().split() for p in procs if p.stdout is not None]
    assert outs == [["0", "False"], ["0", "False"]]
    with make(hist_path) as c:
        assert len(c.search("a*")) == 1000 and len(c.search("b*")) == 1000
        assert {r[0] for r in c.search("a*")} != {r[0] for r in c.search("b*")}
        assert not c.in_memory


def test_two_managers_in_one_process_get_distinct_sessions(hist_path: Path) -> None:
    with make(hist_path) as a, make(hist_path) as b:
        fill(a, "a")
        fill(b, "b")
        fill(a, "a2")
        assert a.session_number != b.session_number
        assert [r[2] for r in b.get_tail(3, include_latest=True)] == ["a", "a2", "b"]


# -- bad files ------------------------------------------------------------------


def test_corrupt_file_gives_one_warning_and_memory_history(hist_path: Path) -> None:
    hist_path.parent.mkdir(parents=True)
    hist_path.write_bytes(b"this is not a database" * 100)
    warnings: list[str] = []
    with make(hist_path, warnings) as hm:
        fill(hm, "a = 1", "b = 2")
        hm.store_output(2, "2")
        assert hm.in_memory
        assert [r[2] for r in hm.get_tail(include_latest=True)] == ["a = 1", "b = 2"]
        assert hm.prompt_history(10) == ["a = 1", "b = 2"]
    assert len(warnings) == 1
    assert str(hist_path) in warnings[0] and "memory" in warnings[0]
    # The damaged file was moved aside: the next start gets a working history again.
    assert list(hist_path.parent.glob("history-corrupt-*.sqlite"))
    with make(hist_path, warnings) as hm:
        fill(hm, "c")
        assert not hm.in_memory
    assert len(warnings) == 1


def test_locked_file_gives_one_warning_and_memory_history(hist_path: Path) -> None:
    hist_path.parent.mkdir(parents=True)
    locker = sqlite3.connect(hist_path, isolation_level=None)
    locker.execute("CREATE TABLE t (x)")
    locker.execute("BEGIN EXCLUSIVE")
    warnings: list[str] = []
    try:
        with make(hist_path, warnings, timeout=0.05, retries=1) as hm:
            fill(hm, "a", "b")
            assert hm.in_memory and [r[2] for r in hm.get_range()] == ["a", "b"]
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert len(warnings) == 1 and "locked" in warnings[0]


def test_unreadable_location_gives_one_warning(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    warnings: list[str] = []
    with make(blocker / "sub" / "history.sqlite", warnings) as hm:  # parent is a file
        fill(hm, "a")
        assert hm.in_memory and hm.input_hist_raw == ["", "a"]
    assert len(warnings) == 1


def test_failure_mid_session_keeps_the_session_in_memory(hist_path: Path) -> None:
    warnings: list[str] = []
    hm = make(hist_path, warnings, timeout=0.05, retries=1)
    fill(hm, "a", "b")
    hm.store_output(2, "'b'")
    locker = sqlite3.connect(hist_path, isolation_level=None, timeout=5)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        fill(hm, "c")
        assert hm.in_memory and len(warnings) == 1
        assert [r[2] for r in hm.get_tail(include_latest=True)] == ["a", "b", "c"]
        assert hm.search("b", output=True)[0][2] == ("b", "'b'")
        fill(hm, "d")
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    hm.close()
    assert len(warnings) == 1


# -- search, tail, prompt history -------------------------------------------------


@pytest.fixture
def two_sessions(hist_path: Path) -> HistoryManager:
    old = make(hist_path)
    fill(old, "import os", "x = 1", "x = 1", "print(x)")
    old.close()
    hm = make(hist_path)
    fill(hm, "y = 2", "print(y)", "%history -l 3")
    return hm


def test_get_tail_spans_sessions_and_leaves_out_the_latest(two_sessions: HistoryManager) -> None:
    hm = two_sessions
    s = hm.session_number
    assert hm.get_tail(3) == [(s - 1, 4, "print(x)"), (s, 1, "y = 2"), (s, 2, "print(y)")]
    assert [r[2] for r in hm.get_tail(2, include_latest=True)] == ["print(y)", "%history -l 3"]
    hm.close()


def test_search_is_a_glob_over_all_sessions(two_sessions: HistoryManager) -> None:
    hm = two_sessions
    s = hm.session_number
    assert [r[2] for r in hm.search("print*")] == ["print(x)", "print(y)"]
    assert hm.search("print*", n=1) == [(s, 2, "print(y)")]
    assert [r[2] for r in hm.search("x = ?")] == ["x = 1", "x = 1"]
    assert hm.search("x = ?", unique=True) == [(s - 1, 3, "x = 1")]
    assert hm.search("nothing*") == []
    hm.close()


def test_prompt_history_oldest_first_without_consecutive_duplicates(
    two_sessions: HistoryManager,
) -> None:
    hm = two_sessions
    assert hm.prompt_history(100) == [
        "import os",
        "x = 1",
        "print(x)",
        "y = 2",
        "print(y)",
        "%history -l 3",
    ]
    assert hm.prompt_history(2) == ["print(y)", "%history -l 3"]
    assert hm.prompt_history(0) == []
    hm.close()

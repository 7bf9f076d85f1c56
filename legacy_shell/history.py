"""The shell's input/output history: this session in memory, every session on disk.

``HistoryManager`` is what the shell, the magics and the terminal use. It keeps
the current session in lists (the shell shows them as ``In``/``_ih``, indexed by
cell number) and ``output_hist`` (``Out``/``_oh``), and records every input in
the SQLite file through :class:`~legacy_shell.history_store.HistoryStore`, which
owns the rules that keep that file safe. Range strings (``"~1/3-5"``) follow
IPython's grammar, so ``%history``, ``%rerun``, ``%recall`` and friends read as
IPython users expect.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .history_store import HistoryStore, Row, Snapshot

__all__ = ["HistoryManager", "extract_hist_ranges"]

# [session/]start[(-|:)[session/][end]], or session/ alone; a session is N or ~N (N before now).
_RANGE_RE = re.compile(
    r"""^(?:(?P<startsess>~?\d+)/)?
        (?P<start>\d+)?
        (?:(?P<sep>[-:])(?:(?P<endsess>~?\d+)/)?(?P<end>\d*))?$""",
    re.VERBOSE,
)


def _session(text: str) -> int:
    return -int(text[1:]) if text.startswith("~") else int(text)


def extract_hist_ranges(ranges: str) -> Iterator[tuple[int, int, int | None]]:
    """Turn a range string into ``(session, start, stop)`` triples (``stop`` excluded).

    ``""`` is the whole current session; ``"4"`` one line; ``"4-6"`` lines 4 to 6
    inclusive; ``"4-"`` line 4 onwards; ``"4:6"`` lines 4 and 5; ``"243/1-5"``
    lines of session 243; ``"~2/"`` all of the session two before this one;
    ``"~8/1-~6/5"`` spans sessions. Session 0 is the current one, negative numbers
    count back from it. Tokens that do not parse are ignored, as in IPython.
    """
    if ranges == "":
        yield (0, 1, None)
        return
    for token in ranges.split():
        m = _RANGE_RE.match(token)
        if m is None:
            continue
        startsess = m.group("startsess")
        if m.group("start"):
            start = int(m.group("start"))
            end = m.group("end")
            if m.group("sep") == "-":
                stop: int | None = int(end) + 1 if end else None
            elif m.group("sep") == ":":
                stop = int(end) if end else start + 1
            else:
                stop = start + 1
        elif startsess is not None:  # "~2/": the whole session
            start, stop = 1, None
        else:
            continue
        first = _session(startsess) if startsess is not None else 0
        last = _session(m.group("endsess")) if m.group("endsess") else first
        if last < first:
            continue
        if first == last:
            yield (first, start, stop)
            continue
        yield (first, start, None)
        for sess in range(first + 1, last):
            yield (sess, 1, None)
        yield (last, 1, stop)


def _print_warning(message: str) -> None:
    print(f"WARNING: {message}", file=sys.stderr)


class HistoryManager:
    """The history of one shell: current-session lists plus the SQLite store.

    ``path=None`` or ``enabled=False`` keeps history in memory only. A file that
    cannot be used gives one message through ``warn`` (default: stderr) and the
    history goes on in memory; no method raises because of the file.
    """

    def __init__(
        self,
        path: Path | None,
        enabled: bool = True,
        warn: Callable[[str], None] | None = None,
        *,
        timeout: float = 0.5,
        retries: int = 2,
    ) -> None:
        self.enabled = bool(enabled and path is not None)
        self.path = Path(path) if self.enabled and path is not None else None
        self._store = HistoryStore(
            self.path, warn or _print_warning, timeout=timeout, retries=retries
        )
        self._store.snapshot = self._snapshot
        self._session: int | None = None
        self._ended = False
        #: Inputs as run (after input transformation); index N is cell N.
        self.input_hist_parsed: list[str] = [""]
        #: Inputs as typed; index N is cell N.
        self.input_hist_raw: list[str] = [""]
        #: Results of this session by cell number (the shell's ``Out``).
        self.output_hist: dict[int, Any] = {}
        #: Text form of each result, as stored in the database.
        self.output_hist_reprs: dict[int, str] = {}
        #: Sessions that came before this one in the same terminal (the kernels a
        #: two-process terminal had before a restart): ``%history`` shows them first.
        self.earlier_sessions: list[int] = []

    # -- sessions -----------------------------------------------------------

    @property
    def session_number(self) -> int:
        """This session's number in the database (0 once the session has ended)."""
        if self._session is None:
            if self._ended:
                return 0
            self._session = self._store.new_session()
        return self._session

    @property
    def in_memory(self) -> bool:
        """True when nothing reaches a file (disabled, or fell back after an error)."""
        return self._store.in_memory

    def _snapshot(self) -> Snapshot | None:
        if self._session is None:
            return None
        inputs = [
            (n, self.input_hist_parsed[n], raw)
            for n, raw in enumerate(self.input_hist_raw)
            if n and raw
        ]
        return (self._session, inputs, dict(self.output_hist_reprs))

    def end_session(self) -> None:
        """Record the end time and the number of inputs of this session."""
        if self._session is not None:
            self._store.end_session(self._session, len(self.input_hist_raw) - 1)
            self._session = None
            self._ended = True

    def reset(self, new_session: bool = True) -> None:
        """Forget this session's outputs; with ``new_session``, its inputs too, and start another."""
        self.output_hist.clear()
        self.output_hist_reprs.clear()
        if new_session:
            self.end_session()
            self._ended = False
            self.input_hist_parsed[:] = [""]
            self.input_hist_raw[:] = [""]

    def close(self) -> None:
        """End the session and release the file (safe to call twice)."""
        self.end_session()
        self._store.close()

    def __enter__(self) -> HistoryManager:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_session_info(self, session: int = 0) -> tuple[Any, ...] | None:
        """``(session, start, end, num_cmds, remark)``; 0 is this session, negative counts back."""
        if session <= 0:
            session += self.session_number
        return self._store.session_info(session)

    # -- storing ------------------------------------------------------------

    def store_inputs(self, line_num: int, source: str, source_raw: str | None = None) -> None:
        """Record cell ``line_num``; it is committed to the file before this returns."""
        if source_raw is None:
            source_raw = source
        source = source.rstrip("\n")
        source_raw = source_raw.rstrip("\n")
        for hist, text in ((self.input_hist_parsed, source), (self.input_hist_raw, source_raw)):
            while len(hist) < line_num:
                hist.append("")
            if len(hist) == line_num:
                hist.append(text)
            elif line_num > 0:
                hist[line_num] = text
        if self._session is None:
            self._ended = False
        self._store.add_input(self.session_number, line_num, source, source_raw)

    def store_output(self, line_num: int, output_text: str) -> None:
        """Record the text form of cell ``line_num``'s result."""
        self.output_hist_reprs[line_num] = output_text
        self._store.add_output(self.session_number, line_num, output_text)

    # -- reading ------------------------------------------------------------

    def _current_range(
        self, start: int, stop: int | None, raw: bool, output: bool
    ) -> Iterator[Row]:
        hist = self.input_hist_raw if raw else self.input_hist_parsed
        n = len(hist)
        if start < 0:
            start += n
        if not stop or stop > n:
            stop = n
        elif stop < 0:
            stop += n
        for i in range(max(start, 1), stop):
            if output:
                yield (0, i, (hist[i], self._output_text(i)))
            else:
                yield (0, i, hist[i])

    def _output_text(self, line: int) -> str | None:
        if line in self.output_hist_reprs:
            return self.output_hist_reprs[line]
        if line in self.output_hist:
            return repr(self.output_hist[line])
        return None

    def get_range(
        self,
        session: int = 0,
        start: int = 1,
        stop: int | None = None,
        raw: bool = True,
        output: bool = False,
    ) -> Iterator[Row]:
        """Inputs ``start`` to ``stop`` (excluded) of a session: ``(session, line, input)``.

        With ``output``, the third item is ``(input, output_text_or_None)``. Session 0
        is the current one (reported as session 0), negative numbers count back.
        """
        if session <= 0:
            session += self.session_number
        if session == self.session_number:
            return self._current_range(start, stop, raw, output)
        return iter(self._store.get_range(session, start, stop, raw, output))

    def get_range_by_str(
        self, rangestr: str, raw: bool = True, output: bool = False
    ) -> Iterator[Row]:
        """Inputs selected by an IPython range string (see :func:`extract_hist_ranges`).

        The empty string is this terminal's session: its earlier sessions first.
        """
        if rangestr == "":
            for session in self.earlier_sessions:
                yield from self.get_range(session, 1, None, raw=raw, output=output)
        for session, start, stop in extract_hist_ranges(rangestr):
            yield from self.get_range(session, start, stop, raw=raw, output=output)

    def get_tail(
        self,
        n: int | None = 10,
        raw: bool = True,
        output: bool = False,
        include_latest: bool = False,
    ) -> list[Row]:
        """The last ``n`` inputs across sessions, oldest first.

        Without ``include_latest`` the very latest input (normally the command
        asking, such as ``%history -l``) is left out.
        """
        if n is None:
            n = 10
        rows = self._store.tail(self.session_number, n + (0 if include_latest else 1), raw, output)
        if not include_latest:
            rows = rows[1:]
        rows.reverse()
        return rows

    def search(
        self,
        pattern: str = "*",
        raw: bool = True,
        search_raw: bool = True,
        output: bool = False,
        n: int | None = None,
        unique: bool = False,
    ) -> list[Row]:
        """Inputs of every session matching a glob ``pattern`` (``*``, ``?``), oldest first.

        ``n`` keeps the newest ``n`` matches; ``unique`` keeps one row per input
        text, at its latest occurrence.
        """
        if not unique:
            return self._store.search(pattern, raw, search_raw, output, n)
        rows = self._store.search(pattern, raw, search_raw, output, None)
        latest: dict[str, Row] = {}
        for row in rows:
            text = row[2][0] if output else row[2]
            latest.pop(text, None)
            latest[text] = row
        result = list(latest.values())
        return result[-n:] if n else result

    def prompt_history(self, limit: int) -> list[str]:
        """Up to ``limit`` raw inputs across sessions for up-arrow and Ctrl-R, oldest first.

        Consecutive duplicates and blank entries are dropped, so repeating a
        command does not make the user press up-arrow once per repetition.
        """
        if limit <= 0:
            return []
        collected: list[str] = []
        for text in self._store.raw_inputs_newest_first(max(limit, 100)):
            if not text.strip() or (collected and collected[-1] == text):
                continue
            collected.append(text)
            if len(collected) >= limit:
                break
        collected.reverse()
        return collected

"""The SQLite file behind the history: connection, schema, retries and fallback.

This is the only layer that talks to the database, so that the rules which keep
a user's history safe live in one place:

- the schema is IPython's (``sessions``, ``history``, ``output_history``), so
  the file reads naturally to anyone who knows IPython's ``history.sqlite``;
- WAL journal, a busy timeout and a few retries on "database is locked", so
  that two shells running at once both keep their history;
- every write is its own committed transaction, so a crash never loses the
  input that caused it;
- a corrupt, unreadable or locked file gives *one* warning and the store goes
  on in memory: a bad history file must never stop the shell. A corrupt file
  found at start-up is moved aside, so that the next start begins a fresh one.

The file is opened lazily, on first use: a shell that never stores anything
(``ipython -c ...``) neither pays for SQLite nor leaves an empty session behind.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import sqlite3

__all__ = ["HistoryStore", "Row", "Snapshot"]

T = TypeVar("T")
#: A row as returned to callers: (session, line, input) or (session, line, (input, output)).
Row = tuple[int, int, Any]
#: What the owner hands over when the store falls back to memory mid-session:
#: (session number, [(line, source, source_raw)], {line: output text}).
Snapshot = tuple[int, list[tuple[int, str, str]], dict[int, str]]

_SCHEMA = {
    "sessions": "CREATE TABLE IF NOT EXISTS sessions (session integer primary key autoincrement,"
    " start timestamp, end timestamp, num_cmds integer, remark text)",
    "history": "CREATE TABLE IF NOT EXISTS history (session integer, line integer, source text,"
    " source_raw text, PRIMARY KEY (session, line))",
    "output_history": "CREATE TABLE IF NOT EXISTS output_history (session integer, line integer,"
    " output text, PRIMARY KEY (session, line))",
}
MEMORY = ":memory:"


def _sqlite() -> Any:
    """``sqlite3``, imported on first use (it costs milliseconds at start-up)."""
    import sqlite3

    return sqlite3


def _now() -> str:
    return datetime.datetime.now().isoformat(" ")


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class HistoryStore:
    """One connection to the history database, safe to share between threads.

    ``path=None`` keeps everything in memory from the start (no warning).
    ``warn`` receives the single warning given when the file cannot be used;
    ``snapshot`` (set by the owner) returns the current session, so that it can
    be copied into memory when the file fails mid-session.
    """

    def __init__(
        self,
        path: Path | None,
        warn: Callable[[str], None],
        *,
        timeout: float = 0.5,
        retries: int = 2,
    ) -> None:
        self.path = path
        self.in_memory = path is None
        self.snapshot: Callable[[], Snapshot | None] | None = None
        self._warn = warn
        self._timeout = timeout
        self._retries = retries
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._warned = False

    # -- connection ---------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            if self.in_memory:
                self._conn = self._open(MEMORY)
            else:
                assert self.path is not None
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._conn = self._open(str(self.path))
        return self._conn

    def _open(self, target: str) -> sqlite3.Connection:
        sqlite3 = _sqlite()
        conn = sqlite3.connect(
            target, timeout=self._timeout, isolation_level=None, check_same_thread=False
        )
        try:
            if target != MEMORY:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            missing = [sql for name, sql in _SCHEMA.items() if name not in tables]
            if missing:  # checked again inside the write lock, for a shell starting alongside
                self._transaction(conn, [(sql, ()) for sql in missing])
        except BaseException:
            conn.close()
            raise
        return conn

    @staticmethod
    def _transaction(
        conn: sqlite3.Connection, statements: Sequence[tuple[str, tuple[Any, ...]]]
    ) -> Any:
        """Run ``statements`` as one committed write; returns the last cursor."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            cur = None
            for sql, params in statements:
                cur = conn.execute(sql, params)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return cur

    def _run(self, op: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``op`` with retries on a busy file; fall back to memory if it keeps failing."""
        sqlite3 = _sqlite()
        with self._lock:
            error: BaseException | None = None
            for attempt in range(self._retries + 1):
                try:
                    return op(self._connect())
                except sqlite3.OperationalError as exc:
                    error = exc
                    if self.in_memory:
                        raise
                    if _is_busy(exc) and attempt < self._retries:
                        time.sleep(0.02 * 2**attempt)
                        continue
                except (sqlite3.Error, OSError) as exc:
                    error = exc
                    if self.in_memory:
                        raise
                break
            assert error is not None
            self._fall_back(error)
            return op(self._connect())

    def _fall_back(self, error: BaseException) -> None:
        """Warn once, move a corrupt file aside, go on in memory with the current session."""
        sqlite3 = _sqlite()
        at_start = self._conn is None
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error:
                pass
            self._conn = None
        message = f"The history file {self.path} cannot be used ({error})."
        # A file that is not a database at all (as opposed to busy or unreadable).
        if at_start and type(error) is sqlite3.DatabaseError and self.path is not None:
            backup = self.path.with_name(
                f"{self.path.stem}-corrupt-{datetime.datetime.now():%Y%m%d-%H%M%S}{self.path.suffix}"
            )
            try:
                self.path.rename(backup)
                message += f" It was moved to {backup}; a new file starts next time."
            except OSError:
                pass
        message += " History is kept in memory for this session."
        self.in_memory = True
        if not self._warned:
            self._warned = True
            self._warn(message)
        conn = self._connect()
        snap = self.snapshot() if self.snapshot is not None else None
        if snap is not None:
            session, inputs, outputs = snap
            statements: list[tuple[str, tuple[Any, ...]]] = [
                ("INSERT OR REPLACE INTO sessions VALUES (?, ?, NULL, NULL, '')", (session, _now()))
            ]
            statements += [
                ("INSERT OR REPLACE INTO history VALUES (?, ?, ?, ?)", (session, *row))
                for row in inputs
            ]
            statements += [
                ("INSERT OR REPLACE INTO output_history VALUES (?, ?, ?)", (session, line, text))
                for line, text in outputs.items()
            ]
            self._transaction(conn, statements)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- writes -------------------------------------------------------------

    def new_session(self) -> int:
        """Start a session; its number is unique even with other shells writing."""

        def op(conn: sqlite3.Connection) -> int:
            cur = self._transaction(
                conn, [("INSERT INTO sessions VALUES (NULL, ?, NULL, NULL, '')", (_now(),))]
            )
            return int(cur.lastrowid)

        return self._run(op)

    def end_session(self, session: int, num_cmds: int) -> None:
        self._write(
            "UPDATE sessions SET end=?, num_cmds=? WHERE session==?", (_now(), num_cmds, session)
        )

    def add_input(self, session: int, line: int, source: str, source_raw: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO history VALUES (?, ?, ?, ?)",
            (session, line, source, source_raw),
        )

    def add_output(self, session: int, line: int, output: str) -> None:
        self._write(
            "INSERT OR REPLACE INTO output_history VALUES (?, ?, ?)", (session, line, output)
        )

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        self._run(lambda conn: self._transaction(conn, [(sql, params)]))

    # -- reads --------------------------------------------------------------

    def _select(self, where: str, params: tuple[Any, ...], raw: bool, output: bool) -> list[Row]:
        column = "source_raw" if raw else "source"
        if output:
            sql = (
                f"SELECT session, line, history.{column}, output_history.output FROM history"
                f" LEFT JOIN output_history USING (session, line) {where}"
            )
        else:
            sql = f"SELECT session, line, {column} FROM history {where}"
        rows = self._run(lambda conn: conn.execute(sql, params).fetchall())
        if output:
            return [(s, n, (inp, out)) for s, n, inp, out in rows]
        return [(s, n, inp) for s, n, inp in rows]

    def get_range(
        self, session: int, start: int, stop: int | None, raw: bool, output: bool
    ) -> list[Row]:
        if stop:
            return self._select(
                "WHERE session==? AND line>=? AND line<? ORDER BY line",
                (session, start, stop),
                raw,
                output,
            )
        return self._select(
            "WHERE session==? AND line>=? ORDER BY line", (session, start), raw, output
        )

    def tail(self, current: int, n: int, raw: bool, output: bool) -> list[Row]:
        """The last ``n`` inputs, newest first, the current session's before older ones."""
        return self._select(
            "ORDER BY session==? DESC, session DESC, line DESC LIMIT ?", (current, n), raw, output
        )

    def search(
        self, pattern: str, raw: bool, search_raw: bool, output: bool, limit: int | None
    ) -> list[Row]:
        """Inputs matching the glob ``pattern``, oldest first (the newest ``limit`` of them)."""
        column = "history.source_raw" if search_raw else "history.source"
        if limit is None:
            return self._select(
                f"WHERE {column} GLOB ? ORDER BY session, line", (pattern,), raw, output
            )
        rows = self._select(
            f"WHERE {column} GLOB ? ORDER BY session DESC, line DESC LIMIT ?",
            (pattern, limit),
            raw,
            output,
        )
        rows.reverse()
        return rows

    def raw_inputs_newest_first(self, batch: int) -> Iterable[str]:
        """Every raw input, newest first, fetched ``batch`` rows at a time."""
        offset = 0
        while True:
            rows = self._run(
                lambda conn, o=offset: conn.execute(  # type: ignore[misc]
                    "SELECT source_raw FROM history ORDER BY session DESC, line DESC LIMIT ? OFFSET ?",
                    (batch, o),
                ).fetchall()
            )
            for (text,) in rows:
                yield text
            if len(rows) < batch:
                return
            offset += batch

    def session_info(self, session: int) -> tuple[Any, ...] | None:
        return self._run(
            lambda conn: conn.execute(
                "SELECT * FROM sessions WHERE session==?", (session,)
            ).fetchone()
        )

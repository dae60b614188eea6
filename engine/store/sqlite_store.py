"""SQLite persistence for the engine: one writer connection, one transaction per batch.

Durability choice — ``journal_mode=WAL`` with ``synchronous=FULL`` by default:

* WAL lets the query API read (its own read-only connection) while the writer writes, and makes
  a commit one sequential append to the ``-wal`` file.
* The engine answers a client only after the batch that holds its records is committed, and the
  gRPC contract promises those effects survive. ``synchronous=NORMAL`` in WAL mode survives a
  process crash (SIGKILL: the WAL pages are already in the OS page cache) but can lose the last
  committed transactions on power loss or an OS crash — a worker would have been told "job
  completed" for a completion that then never happened. ``FULL`` fsyncs the WAL on every commit,
  which closes that hole. The cost is one fsync per *batch*, not per command: group commit packs
  every command that arrived while the previous fsync ran into the next transaction, so the
  fsync is amortised across them. ``NORMAL`` remains available (``synchronous="NORMAL"``) for
  tests and for users who accept the power-loss window.

Everything here runs on the writer thread; the class is not thread-safe and needs not be.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.store.schema import DDL, READ_MODEL_COLUMNS, RECORD_COLUMNS

DB_FILE_NAME = "engine.db"


def _upsert_sql(table: str, columns: Sequence[str]) -> str:
    cols = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    return f"INSERT OR REPLACE INTO {table} ({cols}) VALUES ({marks})"


_UPSERTS = {t: _upsert_sql(t, c) for t, c in READ_MODEL_COLUMNS.items()}
_INSERT_RECORD = _upsert_sql("record", RECORD_COLUMNS).replace("INSERT OR REPLACE", "INSERT")
_UPSERT_STATE = "INSERT OR REPLACE INTO rt_state (key, kind, data) VALUES (?, ?, ?)"
_DELETE_STATE = "DELETE FROM rt_state WHERE key = ?"
_UPSERT_META = "INSERT OR REPLACE INTO rt_meta (name, value) VALUES (?, ?)"


@dataclass(slots=True)
class WriteBatch:
    """Everything one group commit writes: records, state rows, read-model rows, meta values."""

    records: list[tuple[Any, ...]] = field(default_factory=list)
    state_upserts: list[tuple[int, str, str]] = field(default_factory=list)
    state_deletes: list[tuple[int]] = field(default_factory=list)
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    deletes: dict[str, list[tuple[int]]] = field(default_factory=dict)
    meta: dict[str, int] = field(default_factory=dict)

    def row(self, table: str, values: tuple[Any, ...]) -> None:
        self.rows.setdefault(table, []).append(values)

    def delete(self, table: str, key: int) -> None:
        self.deletes.setdefault(table, []).append((key,))

    def is_empty(self) -> bool:
        return not (
            self.records
            or self.state_upserts
            or self.state_deletes
            or self.rows
            or self.deletes
            or self.meta
        )


class SqliteStore:
    """The engine database. ``path=None`` keeps everything in memory (unit tests)."""

    def __init__(self, path: Path | None, *, synchronous: str = "FULL") -> None:
        if synchronous not in ("FULL", "NORMAL", "EXTRA"):
            raise ValueError(f"unsupported synchronous mode {synchronous!r}")
        self.path = path
        self.synchronous = synchronous
        self._conn: sqlite3.Connection | None = None

    # ------------------------------------------------------------------ lifecycle

    def open(self) -> None:
        target = ":memory:" if self.path is None else str(self.path)
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        if self.path is not None:
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={self.synchronous}")
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA cache_size=-65536")
        conn.executescript(DDL)
        self._conn = conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("store is not open")
        return self._conn

    # ------------------------------------------------------------------ loading

    def load_meta(self) -> dict[str, int]:
        return {name: value for name, value in self.conn.execute("SELECT name, value FROM rt_meta")}

    def max_record_position(self) -> int:
        row = self.conn.execute("SELECT MAX(position) FROM record").fetchone()
        return int(row[0] or 0)

    def load_state(self) -> list[tuple[int, str, str]]:
        return list(self.conn.execute("SELECT key, kind, data FROM rt_state ORDER BY key"))

    def load_process_definitions(self) -> list[tuple[Any, ...]]:
        cols = ", ".join(READ_MODEL_COLUMNS["process_definition"])
        return list(self.conn.execute(f"SELECT {cols} FROM process_definition ORDER BY key"))

    def load_decisions(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        drg_cols = ", ".join(READ_MODEL_COLUMNS["decision_requirements"])
        dec_cols = ", ".join(READ_MODEL_COLUMNS["decision"])
        drgs = list(self.conn.execute(f"SELECT {drg_cols} FROM decision_requirements ORDER BY key"))
        decisions = list(self.conn.execute(f"SELECT {dec_cols} FROM decision ORDER BY key"))
        return drgs, decisions

    def load_live_variables(self) -> list[tuple[Any, ...]]:
        """Variables whose scope is a live element instance (kept in ``rt_state``)."""
        cols = ", ".join("v." + c for c in READ_MODEL_COLUMNS["variable"])
        return list(
            self.conn.execute(
                f"SELECT {cols} FROM variable v JOIN rt_state s ON s.key = v.scope_key "
                "WHERE s.kind = 'ei' ORDER BY v.key"
            )
        )

    def query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        return list(self.conn.execute(sql, tuple(params)))

    # ------------------------------------------------------------------ writing

    def commit(self, batch: WriteBatch) -> None:
        """Write the whole batch in one transaction; on any error nothing of it is kept."""
        if batch.is_empty():
            return
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            if batch.records:
                conn.executemany(_INSERT_RECORD, batch.records)
            if batch.state_upserts:
                conn.executemany(_UPSERT_STATE, batch.state_upserts)
            if batch.state_deletes:
                conn.executemany(_DELETE_STATE, batch.state_deletes)
            for table, keys in batch.deletes.items():
                conn.executemany(f"DELETE FROM {table} WHERE key = ?", keys)
            for table, rows in batch.rows.items():
                conn.executemany(_UPSERTS[table], rows)
            if batch.meta:
                conn.executemany(_UPSERT_META, list(batch.meta.items()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

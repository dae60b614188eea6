"""Who did what in the console, kept next to the engine's store.

The engine's records say *what* happened (``INCIDENT RESOLVED``) but, like Zeebe's, not *who*
asked: a gRPC client has no user. Console actions are made by people, so each one is written
here before and after it runs (who, what, on which instance, with which outcome) and shown on
the instance page beside the engine's records. A separate SQLite file keeps the engine's store
single-writer.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

AUDIT_FILE = "console-audit.db"

_DDL = """
CREATE TABLE IF NOT EXISTS console_action (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    process_instance_key INTEGER,
    target_key INTEGER,
    details TEXT NOT NULL,
    outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS console_action_pi ON console_action(process_instance_key);
"""


class AuditLog:
    """Append-only log of console actions; ``directory=None`` keeps it in memory."""

    def __init__(self, directory: Path | None) -> None:
        target = ":memory:" if directory is None else str(directory / AUDIT_FILE)
        self._conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(_DDL)

    def begin(
        self,
        at_ms: int,
        actor: str,
        action: str,
        process_instance_key: int | None,
        target_key: int | None,
        details: dict[str, Any],
    ) -> int:
        """Record the intent before calling the engine: a crash mid-call still leaves a trace."""
        with self._lock:
            cursor = self._conn.execute(
                "INSERT INTO console_action (at, actor, action, process_instance_key, target_key,"
                " details, outcome) VALUES (?, ?, ?, ?, ?, ?, 'PENDING')",
                (
                    at_ms,
                    actor,
                    action,
                    process_instance_key,
                    target_key,
                    json.dumps(details, ensure_ascii=False),
                ),
            )
            return int(cursor.lastrowid or 0)

    def finish(self, entry_id: int, outcome: str) -> None:
        with self._lock:
            self._conn.execute(
                "UPDATE console_action SET outcome = ? WHERE id = ?", (outcome, entry_id)
            )

    def for_instance(self, process_instance_key: int, limit: int = 200) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM console_action WHERE process_instance_key = ?"
                " ORDER BY id DESC LIMIT ?",
                (process_instance_key, limit),
            ).fetchall()
        return [{**dict(row), "details": json.loads(row["details"])} for row in rows]

    def close(self) -> None:
        with self._lock:
            self._conn.close()

"""Read-only access to the runtime's SQLite read model.

Each query opens its own read-only connection (``mode=ro``): SQLite in WAL mode lets it read a
consistent snapshot while the engine's writer commits, and a read-only handle can never take the
writer's lock. Opening a connection costs tens of microseconds, far below a request's cost.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine.query.problems import QueryError


class ReadModel:
    def __init__(self, path: Path | None) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        if self.path is None:
            raise QueryError(
                503, "The engine runs in memory (no --data-dir): there is no read model to query"
            )
        if not self.path.exists():
            raise QueryError(503, "The engine's store is not created yet; try again shortly")
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)
        conn.row_factory = sqlite3.Row
        return conn

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        conn = self._connect()
        try:
            return conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as error:
            if "no such table" in str(error):
                return []  # the runtime has not created its tables yet: nothing to show
            raise
        finally:
            conn.close()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        found = self.rows(sql, params)
        return found[0][0] if found else 0

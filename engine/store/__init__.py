"""SQLite persistence of the engine: record log, runtime state and read model in one file."""

from engine.store.sqlite_store import DB_FILE_NAME, SqliteStore, WriteBatch

__all__ = ["DB_FILE_NAME", "SqliteStore", "WriteBatch"]

"""Database connection for the ledger: SQLite by default, PostgreSQL by ``DATABASE_URL``.

SQLite is the single-machine default (``sqlite:///./data/shenhou.db``, directory created). Every
SQLite transaction starts with ``BEGIN IMMEDIATE``: with pysqlite's deferred transactions, two
writers that both read first deadlock on the lock upgrade and one fails at once with "database
is locked" instead of waiting, which is exactly the concurrent-second-report case. WAL lets
readers carry on while one writer works; foreign keys are switched on (SQLite's default is off).

``postgresql://…`` and ``postgres://…`` URLs are mapped to the psycopg 3 driver we install.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_DATABASE_URL = "sqlite:///./data/shenhou.db"
SQLITE_BUSY_TIMEOUT_MS = 15_000


def database_url(url: str | None = None) -> str:
    """``url`` if given, else ``DATABASE_URL``, else the SQLite default; driver normalised."""
    raw = url or os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://") :]
    if raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw[len("postgresql://") :]
    return raw


def _ensure_sqlite_directory(url: str) -> None:
    parsed = make_url(url)
    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (see :func:`database_url`) with the SQLite settings above."""
    resolved = database_url(url)
    if make_url(resolved).get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(resolved, **kwargs)
    _ensure_sqlite_directory(resolved)
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    connect_args.setdefault("check_same_thread", False)
    engine = create_engine(resolved, connect_args=connect_args, **kwargs)
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if make_url(str(engine.url)).database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    """Switch SQLite's foreign keys off around a schema change, then check them.

    Alembic's batch mode rebuilds a table (create copy, DROP, rename); with foreign keys on,
    the DROP of a referenced table fails as soon as another table has rows pointing to it.
    SQLite ignores this pragma inside a transaction, so it is set on the raw connection before
    the migration's transaction begins. ``PRAGMA foreign_key_check`` afterwards makes sure the
    rebuild left every reference intact. No-op on other databases.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    if connection.in_transaction():
        raise RuntimeError("foreign keys can only be switched off outside a transaction")
    raw: Any = connection.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
        problems = raw.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"migration broke foreign keys: {problems[:5]}")
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)

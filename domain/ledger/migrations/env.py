"""Alembic environment of the ledger: SQLite (batch mode for ALTERs) and PostgreSQL.

Used both by :func:`domain.ledger.migrate.upgrade_database` (which hands over a connection in
``config.attributes["connection"]``) and by the ``alembic`` CLI with
``-c domain/ledger/alembic.ini`` (URL from ``DATABASE_URL`` or the SQLite default).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from domain.ledger.db import database_url, make_engine, sqlite_foreign_keys_off
from domain.ledger.tables import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with sqlite_foreign_keys_off(connection), context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(config.get_main_option("sqlalchemy.url") or None),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or None)
    try:
        with engine.connect() as connection:
            _configure(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

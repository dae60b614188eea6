"""Schema migrations of the ledger (Alembic), callable from the app at start.

The migration scripts ship inside the package (``domain/ledger/migrations``), so an installed
``shenhou`` can upgrade its database without a checkout. From a checkout the usual CLI works
too: ``alembic -c domain/ledger/alembic.ini upgrade head`` (the URL comes from
``DATABASE_URL`` or the SQLite default).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from domain.ledger.db import database_url, make_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str | None = None) -> Config:
    """An Alembic config pointing at the packaged scripts and the resolved database URL."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    config.set_main_option("sqlalchemy.url", database_url(url).replace("%", "%%"))
    return config


def upgrade_database(url: str | None = None, revision: str = "head") -> None:
    """Bring the database at ``url`` / ``DATABASE_URL`` to ``revision`` (creates SQLite's dir)."""
    engine = make_engine(url)  # creates the SQLite directory and applies our connect settings
    try:
        # Not begun here: env.py must see the connection outside a transaction (SQLite
        # foreign keys are switched off around batch rebuilds) and commits it itself.
        with engine.connect() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def downgrade_database(url: str | None = None, revision: str = "base") -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        engine.dispose()


def current_revision(url: str | None = None) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()

"""Ledger fixtures: a fresh SQLite file per test, and a fresh PostgreSQL schema per test inside a
database created for this test run (so parallel runs and other suites never collide).

PostgreSQL comes from ``DATABASE_URL_TEST`` or ``postgresql://postgres@127.0.0.1:5432/test``;
the tests marked ``postgres`` skip with the reason only when that server cannot be reached.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, ProgrammingError

from domain.clock import SHANGHAI
from domain.ledger import Ledger, database_url, make_engine
from domain.ledger.tables import Base

# Test data need not survive a crash: skip the WAL flush wait on every commit.
FAST_COMMITS = "-csynchronous_commit=off"
PG_ADMIN_URL = database_url(
    os.environ.get("DATABASE_URL_TEST") or "postgresql://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """URL of a database created for this run (or a run-specific schema if we may not create
    databases); dropped at the end."""
    admin = create_engine(
        PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    name = f"shenhou_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            try:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
                created_db = True
            except ProgrammingError:  # no CREATEDB privilege: use the given database
                created_db = False
    except OperationalError as error:
        admin.dispose()
        where = make_url(PG_ADMIN_URL).render_as_string(hide_password=True)
        pytest.skip(f"PostgreSQL not reachable at {where}: {error.orig}")
    url = make_url(PG_ADMIN_URL)
    yield (
        url.set(database=name).render_as_string(hide_password=False) if created_db else PG_ADMIN_URL
    )
    if created_db:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url(pg_database: str) -> Iterator[str]:
    """A fresh schema per test, selected by ``search_path`` in the URL."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(pg_database).update_query_dict(
        {"options": f"-csearch_path={schema} {FAST_COMMITS}"}
    )
    yield url.render_as_string(hide_password=False)
    with engine.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite:///{tmp_path}/ledger/shenhou.db"


@pytest.fixture(
    params=[pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)]
)
def db_url(request: pytest.FixtureRequest) -> str:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))


class SteppingClock:
    """A controllable clock for the ledger's own timestamps (received_at, audit times)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock(datetime(2026, 11, 29, 12, 0, tzinfo=SHANGHAI))


@pytest.fixture(scope="session")
def pg_ledger_schema(pg_database: str) -> Iterator[str]:
    """One schema with the ledger's tables for all ledger tests of the run (emptied per test)."""
    schema = f"ledger_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_database, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(pg_database).update_query_dict(
        {"options": f"-csearch_path={schema} {FAST_COMMITS}"}
    )
    rendered = url.render_as_string(hide_password=False)
    engine = make_engine(rendered)
    Base.metadata.create_all(engine)
    engine.dispose()
    yield rendered
    with admin.connect() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(
    params=[pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)]
)
def ledger(request: pytest.FixtureRequest, clock: SteppingClock) -> Iterator[Ledger]:
    """An empty ledger on SQLite and on PostgreSQL.

    Tables come from ``create_all`` (fast); test_migrations proves the migrated schema equals
    these models (``compare_metadata`` is empty on both databases). On PostgreSQL the tables of
    one run-wide schema are truncated before each test.
    """
    if request.param == "sqlite":
        engine = make_engine(str(request.getfixturevalue("sqlite_url")))
        Base.metadata.create_all(engine)
    else:
        engine = make_engine(str(request.getfixturevalue("pg_ledger_schema")))
        with engine.begin() as connection:  # DELETE: much faster than TRUNCATE on tiny tables
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
    yield Ledger(engine, clock=clock)
    engine.dispose()

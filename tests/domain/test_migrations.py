"""Alembic migrations: upgrade, downgrade, upgrade again, and the schema equals the models."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, inspect, text

from domain.ledger import (
    Ledger,
    current_revision,
    database_url,
    downgrade_database,
    make_engine,
    upgrade_database,
)
from domain.ledger.migrate import alembic_config
from domain.ledger.tables import RECONCILIATION_TABLES, Base, reconciliation_notices

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()
TABLES = {
    "escalations",
    "family_trips",
    "cases",
    "reports",
    "department_actions",
    "notifications",
    "certificates",
    "certificate_serials",
    "unit_records",
    "audit_log",
    "reconciliation_runs",
    "reconciliation_discrepancies",
    "reconciliation_follow_ups",
    "reconciliation_uploads",
    "reconciliation_notices",
}
REPO = Path(__file__).resolve().parents[2]


def test_upgrade_downgrade_upgrade(db_url: str) -> None:
    upgrade_database(db_url)
    assert current_revision(db_url) == HEAD
    engine = make_engine(db_url)
    try:
        assert set(inspect(engine).get_table_names()) >= TABLES
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()
    downgrade_database(db_url)
    assert current_revision(db_url) is None
    engine = make_engine(db_url)
    try:
        assert not TABLES & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    upgrade_database(db_url)  # and back up: the downgrade left nothing behind
    assert current_revision(db_url) == HEAD


def test_head_is_the_latest_revision() -> None:
    assert HEAD == "0004"


def test_reconciliation_tables_are_in_the_ledger_schema() -> None:
    """compare_metadata against Base.metadata covers them only if they are on it."""
    names = {table.name for table in RECONCILIATION_TABLES}
    assert names == {name for name in TABLES if name.startswith("reconciliation_")}
    assert names <= set(Base.metadata.tables)


def test_0004_creates_and_drops_exactly_the_reconciliation_tables(db_url: str) -> None:
    upgrade_database(db_url, "0003")
    engine = make_engine(db_url)
    try:
        before = set(inspect(engine).get_table_names())
        assert not before & {table.name for table in RECONCILIATION_TABLES}
        engine.dispose()
        upgrade_database(db_url, "0004")
        inspector = inspect(engine)
        added = set(inspector.get_table_names()) - before
        assert added == {table.name for table in RECONCILIATION_TABLES}
        indexes = {
            (table.name, index["name"])
            for table in RECONCILIATION_TABLES
            for index in inspector.get_indexes(table.name)
            if not index.get("duplicates_constraint")  # PostgreSQL lists UNIQUE's index too
        }
        assert indexes == {
            (table.name, index.name) for table in RECONCILIATION_TABLES for index in table.indexes
        }
        uniques = {
            (table.name, unique["name"])
            for table in RECONCILIATION_TABLES
            for unique in inspector.get_unique_constraints(table.name)
        }
        assert uniques == {
            ("reconciliation_discrepancies", "uq_reconciliation_discrepancies_key"),
            ("reconciliation_follow_ups", "uq_reconciliation_follow_ups_discrepancy_id"),
            ("reconciliation_uploads", "uq_reconciliation_uploads_unit"),
        }
        engine.dispose()
        downgrade_database(db_url, "0003")
        assert set(inspect(engine).get_table_names()) == before
    finally:
        engine.dispose()


def test_0004_adopts_tables_made_by_the_old_create_all(db_url: str) -> None:
    """Before 0004 the reconciliation store created its tables itself (own MetaData, no
    naming convention); such a database upgrades, keeps its rows and equals the models."""
    upgrade_database(db_url, "0003")
    old = MetaData()
    for table in RECONCILIATION_TABLES:
        table.to_metadata(old)
    engine = make_engine(db_url)
    try:
        old.create_all(engine)
        with engine.begin() as connection:
            connection.execute(
                reconciliation_notices.insert().values(
                    key="chase:2026-10", sent_at=datetime(2026, 11, 10, 9, tzinfo=UTC)
                )
            )
        engine.dispose()
        upgrade_database(db_url)
        assert current_revision(db_url) == HEAD
        with engine.connect() as connection:
            keys = connection.execute(reconciliation_notices.select()).all()
            assert [row.key for row in keys] == ["chase:2026-10"]
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_0002_backfills_report_lateness_from_existing_rows(db_url: str) -> None:
    upgrade_database(db_url, "0001")
    engine = make_engine(db_url)
    insert = text(
        "INSERT INTO cases (id, status, stage, township, id_type, died_at, place_of_death, "
        "village, profile, reported_at, report_count, created_at, updated_at) VALUES "
        "(:id, 'open', 'reported', '前童镇', 'none', :died, 'home', 'x村', '{}', :reported, 1, "
        ":died, :died)"
    )
    died = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)
    died_value = died.replace(tzinfo=None) if engine.dialect.name == "sqlite" else died
    try:
        with engine.begin() as connection:
            for case_id, hours in (("on-time", 11), ("late", 13)):
                reported = died_value + timedelta(hours=hours)
                connection.execute(
                    insert, {"id": case_id, "died": died_value, "reported": reported}
                )
            # a row referencing the case: SQLite's batch rebuild of `cases` must keep it
            connection.execute(
                text(
                    "INSERT INTO department_actions (case_id, unit, action, done_at, "
                    "idempotency_key, details, actor_id, recorded_at) VALUES ('late', 'police', "
                    "'household_deregistration', :at, 'k1', '{}', 'x', :at)"
                ),
                {"at": died_value},
            )
    finally:
        engine.dispose()
    upgrade_database(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            result = connection.execute(text("SELECT id, report_on_time FROM cases"))
            rows = {str(row[0]): bool(row[1]) for row in result}
        assert rows == {"on-time": True, "late": False}
        with engine.connect() as connection:
            actions = connection.execute(text("SELECT case_id FROM department_actions")).all()
        assert [a[0] for a in actions] == ["late"]
    finally:
        engine.dispose()
    downgrade_database(db_url, "0001")  # the data survives a step down
    assert current_revision(db_url) == "0001"
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            count = connection.execute(text("SELECT count(*) FROM department_actions")).scalar()
        assert count == 1
    finally:
        engine.dispose()


def test_default_url_creates_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url() == "sqlite:///./data/shenhou.db"
    ledger = Ledger.from_url()
    assert (tmp_path / "data" / "shenhou.db").is_file()
    assert ledger.list_cases() == []
    ledger.engine.dispose()


def test_database_url_env_and_driver_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_alembic_cli_upgrades_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    env = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", "domain/ledger/alembic.ini", "upgrade", "head"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert current_revision(url) == HEAD

"""Alembic migrations: upgrade, downgrade, upgrade again, and the schema equals the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from domain.ledger import (
    Ledger,
    current_revision,
    database_url,
    downgrade_database,
    make_engine,
    upgrade_database,
)
from domain.ledger.tables import Base

TABLES = {
    "cases",
    "reports",
    "department_actions",
    "notifications",
    "certificates",
    "certificate_serials",
    "unit_records",
    "audit_log",
}
REPO = Path(__file__).resolve().parents[2]


def test_upgrade_downgrade_upgrade(db_url: str) -> None:
    upgrade_database(db_url)
    assert current_revision(db_url) == "0001"
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
    assert current_revision(db_url) == "0001"


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
    assert current_revision(url) == "0001"

"""The reconciliation store's tables come from the ledger's migrations (revision 0004), never
from the store itself: an unmigrated database is a clear error and is left untouched."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import inspect

from domain.clock import SHANGHAI
from domain.ledger import make_engine, upgrade_database
from domain.ledger.tables import RECONCILIATION_TABLES
from domain.reconciliation import store
from tests.domain.conftest import db_url, pg_database, pg_url, sqlite_url  # noqa: F401

AT = datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI)


def test_an_unmigrated_database_is_refused_and_nothing_is_created(db_url: str) -> None:  # noqa: F811
    upgrade_database(db_url, "0003")
    engine = make_engine(db_url)
    try:
        with pytest.raises(store.SchemaNotMigrated) as caught:
            store.uploads_for(engine, date(2026, 10, 1))
        message = str(caught.value)
        assert "0004" in message and "upgrade_database" in message
        for table in RECONCILIATION_TABLES:
            assert table.name in message
        assert not {t.name for t in RECONCILIATION_TABLES} & set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_migrated_database_is_used_as_it_is(db_url: str) -> None:  # noqa: F811
    upgrade_database(db_url)
    engine = make_engine(db_url)
    try:
        store.record_upload(
            engine,
            unit="police",
            period=date(2026, 10, 1),
            kind="table",
            rows=3,
            at=AT,
            actor_id="police-1",
        )
        store.record_notice(engine, "chase:2026-10", AT)
        assert [u["rows"] for u in store.uploads_for(engine, date(2026, 10, 1))] == [3]
        assert store.notice_sent(engine, "chase:2026-10")
    finally:
        engine.dispose()

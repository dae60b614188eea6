from __future__ import annotations

from pathlib import Path

import pytest

from engine.store import SqliteStore, WriteBatch


def test_batch_is_atomic(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "e.db")
    store.open()
    try:
        ok = WriteBatch()
        ok.records.append((1, 10, "EVENT", "JOB", "CREATED", 5, None, "{}"))
        ok.state_upserts.append((10, "job", "{}"))
        ok.meta["next_key"] = 11
        store.commit(ok)
        bad = WriteBatch()
        bad.records.append((2, 11, "EVENT", "JOB", "COMPLETED", 6, None, "{}"))
        bad.records.append((1, 12, "EVENT", "JOB", "CREATED", 7, None, "{}"))  # duplicate pos
        with pytest.raises(Exception):  # noqa: B017 - sqlite3.IntegrityError
            store.commit(bad)
        assert store.max_record_position() == 1
        assert store.load_meta() == {"next_key": 11}
        assert store.load_state() == [(10, "job", "{}")]
    finally:
        store.close()


def test_reopen_keeps_data_and_schema_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "e.db"
    store = SqliteStore(path)
    store.open()
    batch = WriteBatch()
    batch.row("variable", (1, "a", "1", 5, 5, "<default>"))
    batch.state_upserts.append((5, "ei", "{}"))
    store.commit(batch)
    store.close()
    again = SqliteStore(path, synchronous="NORMAL")
    again.open()
    try:
        assert again.load_live_variables() == [(1, "a", "1", 5, 5, "<default>")]
        tables = {r[0] for r in again.query("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {
            "process_definition",
            "process_instance",
            "element_instance",
            "variable",
            "job",
            "incident",
            "timer",
            "message_subscription",
            "record",
        } <= tables
    finally:
        again.close()


def test_unknown_synchronous_mode_refused() -> None:
    with pytest.raises(ValueError):
        SqliteStore(None, synchronous="OFF")

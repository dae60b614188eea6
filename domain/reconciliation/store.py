"""Reconciliation runs, their discrepancies and the follow-ups chasing them, in the ledger DB.

Schema: the tables are part of the ledger's schema (``domain.ledger.tables``, created by the
ledger's Alembic revision 0004). Nothing is created at run time: :func:`require_schema` checks
once per engine that they exist and raises :class:`SchemaNotMigrated` if the database was not
migrated.

A discrepancy is identified across months by its key (rule | unit | person): the same open
problem found again next month updates ``last_seen_run`` and keeps its one follow-up, whose
deadline the BPMN timers chase; a problem no longer found is resolved by the next run.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, inspect, select, update

from domain.ledger.tables import (
    RECONCILIATION_TABLES,
    reconciliation_discrepancies,
    reconciliation_follow_ups,
    reconciliation_notices,
    reconciliation_runs,
    reconciliation_uploads,
)
from domain.reconciliation.checker import Discrepancy, Outcome

runs = reconciliation_runs
discrepancies = reconciliation_discrepancies
follow_ups = reconciliation_follow_ups
notices = reconciliation_notices
uploads = reconciliation_uploads

FOLLOW_UP_DAYS = 10  # days a unit has to fix a discrepancy (before the next month's check)
# Rules that look only at the deaths (or tables) of the month checked: October's run cannot see
# September's case again, so it must not resolve September's finding by not finding it. The
# other rules look at every record up to the month and would find a standing problem again.
PERIOD_SCOPED = frozenset({"missing-from-unit", "unit-table-not-uploaded"})


MIGRATION = "0004"  # the ledger revision that creates these tables


class SchemaNotMigrated(RuntimeError):
    """The ledger database lacks the reconciliation tables: it was not migrated to head."""


_READY: weakref.WeakSet[Engine] = weakref.WeakSet()


def require_schema(engine: Engine) -> None:
    """Check once per engine that the tables exist (every function below calls it).

    Nothing is created here: the tables belong to the ledger's migrations (revision 0004),
    applied by ``domain.ledger.upgrade_database`` (``Ledger.from_url`` does it at start).
    """
    if engine in _READY:
        return
    present = set(inspect(engine).get_table_names())
    missing = sorted(table.name for table in RECONCILIATION_TABLES if table.name not in present)
    if missing:
        where = engine.url.render_as_string(hide_password=True)
        raise SchemaNotMigrated(
            f"the ledger database {where} has no {', '.join(missing)}: it is not migrated to "
            f"revision {MIGRATION} or later; run domain.ledger.upgrade_database(url) or "
            "`alembic -c domain/ledger/alembic.ini upgrade head`"
        )
    _READY.add(engine)


@dataclass(frozen=True, slots=True)
class StoredRun:
    run_id: int
    new: list[int]  # discrepancy ids first found by this run
    still_open: list[int]
    resolved: list[int]


def record_upload(
    engine: Engine,
    *,
    unit: str,
    period: date,
    kind: str,
    rows: int,
    at: datetime,
    actor_id: str,
    path: str | None = None,
) -> None:
    """Remember the latest upload of (unit, month, kind); a new upload replaces the old one."""
    require_schema(engine)
    with engine.begin() as con:
        found = con.execute(
            select(uploads.c.id).where(
                uploads.c.unit == unit, uploads.c.period == period, uploads.c.kind == kind
            )
        ).scalar()
        values = dict(rows=rows, path=path, uploaded_at=at, actor_id=actor_id)
        if found is None:
            con.execute(insert(uploads).values(unit=unit, period=period, kind=kind, **values))
        else:
            con.execute(update(uploads).where(uploads.c.id == found).values(**values))


def uploads_for(engine: Engine, period: date) -> list[dict[str, Any]]:
    require_schema(engine)
    with engine.connect() as con:
        rows = con.execute(select(uploads).where(uploads.c.period == period)).mappings()
        return [dict(row) for row in rows]


def store_outcome(
    engine: Engine,
    outcome: Outcome,
    *,
    at: datetime,
    townships: dict[str, str] | None = None,
    process_instance_key: str | None = None,
) -> StoredRun:
    """Save a run; open new discrepancies with a follow-up, resolve those no longer found."""
    require_schema(engine)
    townships = townships or {}
    with engine.begin() as con:
        run_id: Any = con.execute(
            insert(runs).values(
                period=outcome.period,
                as_of=outcome.as_of,
                started_at=at,
                people=outcome.people,
                counts=outcome.counts,
                process_instance_key=process_instance_key,
            )
        )
        run_id = _new_id(run_id)
        open_found = list(
            con.execute(
                select(
                    discrepancies.c.key,
                    discrepancies.c.id,
                    discrepancies.c.rule,
                    discrepancies.c.period,
                ).where(discrepancies.c.status == "open")
            )
        )
        open_rows = {row.key: row.id for row in open_found}
        new: list[int] = []
        still: list[int] = []
        seen: set[str] = set()
        for item in outcome.discrepancies:
            if item.key in seen:
                continue
            seen.add(item.key)
            existing = open_rows.get(item.key)
            if existing is not None:
                con.execute(
                    update(discrepancies)
                    .where(discrepancies.c.id == existing)
                    .values(last_run=run_id, period=outcome.period, details=_jsonable(item.details))
                )
                still.append(existing)
                continue
            reopened = con.execute(
                select(discrepancies.c.id).where(discrepancies.c.key == item.key)
            ).scalar()
            values = _values(item, townships.get(item.case_id or ""))
            values["period"] = outcome.period
            if reopened is None:
                disc_id = _new_id(
                    con.execute(
                        insert(discrepancies).values(
                            **values, first_run=run_id, last_run=run_id, status="open"
                        )
                    )
                )
            else:
                disc_id = reopened
                con.execute(
                    update(discrepancies)
                    .where(discrepancies.c.id == reopened)
                    .values(**values, last_run=run_id, status="open", resolved_at=None)
                )
                con.execute(follow_ups.delete().where(follow_ups.c.discrepancy_id == reopened))
            con.execute(
                insert(follow_ups).values(
                    discrepancy_id=disc_id,
                    unit=item.unit,
                    opened_at=at,
                    due_at=at + timedelta(days=FOLLOW_UP_DAYS),
                    reminders=0,
                )
            )
            new.append(int(disc_id))
        resolved = [
            row.id
            for row in open_found
            if row.key not in seen
            and (row.rule not in PERIOD_SCOPED or row.period == outcome.period)
        ]
        if resolved:
            con.execute(
                update(discrepancies)
                .where(discrepancies.c.id.in_(resolved))
                .values(status="resolved", resolved_at=at, resolution=f"not found by run {run_id}")
            )
            con.execute(
                update(follow_ups)
                .where(follow_ups.c.discrepancy_id.in_(resolved), follow_ups.c.closed_at.is_(None))
                .values(closed_at=at)
            )
        return StoredRun(int(run_id), new, still, resolved)


def resolve(engine: Engine, discrepancy_id: int, *, at: datetime, note: str) -> bool:
    """A unit reports the discrepancy fixed (the next run confirms or reopens it)."""
    require_schema(engine)
    with engine.begin() as con:
        changed = con.execute(
            update(discrepancies)
            .where(discrepancies.c.id == discrepancy_id, discrepancies.c.status == "open")
            .values(status="resolved", resolved_at=at, resolution=note[:500])
        ).rowcount
        con.execute(
            update(follow_ups)
            .where(follow_ups.c.discrepancy_id == discrepancy_id, follow_ups.c.closed_at.is_(None))
            .values(closed_at=at)
        )
        return bool(changed)


def open_follow_ups(engine: Engine, run_id: int | None = None) -> list[dict[str, Any]]:
    """Open follow-ups (of one run's new discrepancies, or all) with their discrepancy."""
    require_schema(engine)
    query = (
        select(
            follow_ups.c.id,
            follow_ups.c.unit,
            follow_ups.c.due_at,
            follow_ups.c.reminders,
            follow_ups.c.escalated_at,
            discrepancies.c.id.label("discrepancy_id"),
            discrepancies.c.rule,
            discrepancies.c.case_id,
            discrepancies.c.township,
        )
        .join(discrepancies, discrepancies.c.id == follow_ups.c.discrepancy_id)
        .where(follow_ups.c.closed_at.is_(None))
        .order_by(follow_ups.c.id)
    )
    if run_id is not None:
        query = query.where(discrepancies.c.first_run == run_id)
    with engine.connect() as con:
        return [dict(row) for row in con.execute(query).mappings()]


def follow_up(engine: Engine, follow_up_id: int) -> dict[str, Any] | None:
    require_schema(engine)
    with engine.connect() as con:
        row = (
            con.execute(
                select(
                    follow_ups,
                    discrepancies.c.status.label("discrepancy_status"),
                    discrepancies.c.rule,
                    discrepancies.c.case_id,
                    discrepancies.c.township,
                )
                .join(discrepancies, discrepancies.c.id == follow_ups.c.discrepancy_id)
                .where(follow_ups.c.id == follow_up_id)
            )
            .mappings()
            .first()
        )
        return None if row is None else dict(row)


def mark_reminded(engine: Engine, follow_up_id: int) -> None:
    require_schema(engine)
    with engine.begin() as con:
        con.execute(
            update(follow_ups)
            .where(follow_ups.c.id == follow_up_id)
            .values(reminders=follow_ups.c.reminders + 1)
        )


def mark_escalated(engine: Engine, follow_up_id: int, at: datetime) -> None:
    require_schema(engine)
    with engine.begin() as con:
        con.execute(
            update(follow_ups)
            .where(follow_ups.c.id == follow_up_id, follow_ups.c.escalated_at.is_(None))
            .values(escalated_at=at)
        )


def notice_sent(engine: Engine, key: str) -> bool:
    require_schema(engine)
    with engine.connect() as con:
        return con.execute(select(notices.c.key).where(notices.c.key == key)).first() is not None


def notice_sent_like(engine: Engine, prefix: str) -> bool:
    """Whether any notice whose key starts with ``prefix`` was sent."""
    require_schema(engine)
    with engine.connect() as con:
        query = select(notices.c.key).where(notices.c.key.startswith(prefix, autoescape=True))
        return con.execute(query).first() is not None


def record_notice(engine: Engine, key: str, at: datetime) -> None:
    """Remember a sent notice (a second record of the same key is ignored)."""
    require_schema(engine)
    with engine.begin() as con:
        if con.execute(select(notices.c.key).where(notices.c.key == key)).first() is None:
            con.execute(insert(notices).values(key=key, sent_at=at))


def run_for_instance(engine: Engine, process_instance_key: str) -> dict[str, Any] | None:
    """The run a process instance already stored (a redelivered cross-check job)."""
    require_schema(engine)
    with engine.connect() as con:
        row = (
            con.execute(
                select(runs)
                .where(runs.c.process_instance_key == process_instance_key)
                .order_by(runs.c.id.desc())
            )
            .mappings()
            .first()
        )
        return None if row is None else dict(row)


def run_by_id(engine: Engine, run_id: int) -> dict[str, Any]:
    require_schema(engine)
    with engine.connect() as con:
        row = con.execute(select(runs).where(runs.c.id == run_id)).mappings().first()
        if row is None:
            raise LookupError(f"reconciliation run {run_id} does not exist")
        return dict(row)


def latest_run(engine: Engine, period: date | None = None) -> dict[str, Any] | None:
    require_schema(engine)
    query = select(runs).order_by(runs.c.id.desc()).limit(1)
    if period is not None:
        query = query.where(runs.c.period == period)
    with engine.connect() as con:
        row = con.execute(query).mappings().first()
        return None if row is None else dict(row)


def discrepancies_of_run(engine: Engine, run_id: int) -> list[dict[str, Any]]:
    """Discrepancies found by a run (first found then or earlier and still seen)."""
    require_schema(engine)
    with engine.connect() as con:
        rows = con.execute(
            select(discrepancies)
            .where(discrepancies.c.last_run == run_id)
            .order_by(discrepancies.c.rule, discrepancies.c.unit, discrepancies.c.id)
        ).mappings()
        return [dict(row) for row in rows]


def open_counts(engine: Engine) -> dict[tuple[str, str | None], int]:
    """Open discrepancies per (unit, township) for the assessment."""
    require_schema(engine)
    with engine.connect() as con:
        rows = con.execute(
            select(discrepancies.c.unit, discrepancies.c.township, func.count())
            .where(discrepancies.c.status == "open")
            .group_by(discrepancies.c.unit, discrepancies.c.township)
        )
        return {(unit, township): int(n) for unit, township, n in rows}


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _values(item: Discrepancy, township: str | None) -> dict[str, Any]:
    return dict(
        key=item.key,
        rule=item.rule,
        unit=item.unit,
        person_key=item.person_key,
        case_id=item.case_id,
        name=item.name,
        id_number=item.id_number,
        died_on=item.died_on,
        township=township,
        details=_jsonable(item.details),
    )


def _jsonable(details: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(details, default=str))
    return result

"""The monthly run on a real ledger (SQLite): process side from cases and actions, units'
tables and uploads, stored rolls, discrepancies kept across months with one follow-up each."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from domain.clock import SHANGHAI
from domain.enums import ActionKind, Role, Unit
from domain.fakes import fake_death_report
from domain.ledger import Ledger, make_engine
from domain.ledger.tables import Base
from domain.models import Actor, DepartmentAction
from domain.models.report import ProfileFlags
from domain.reconciliation import store
from domain.reconciliation.rolls import import_roll_csv
from domain.reconciliation.service import roll_path, run_month
from domain.reconciliation.sources import process_records
from domain.reconciliation.synthetic import unit_rows_for

OPERATOR = Actor(id="op-1", role=Role.HOTLINE_OPERATOR, unit=Unit.HOTLINE)
SYSTEM = Actor(id="worker", role=Role.SYSTEM)
PERIOD = date(2026, 10, 1)
AS_OF = date(2026, 11, 10)
AT = datetime(2026, 11, 10, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    engine = make_engine(f"sqlite:///{tmp_path}/ledger.db")
    Base.metadata.create_all(engine)
    return Ledger(engine, clock=lambda: AT)


def handled_case(ledger: Ledger, rng: random.Random, died_at: datetime, pension: bool) -> str:
    report = fake_death_report(rng, died_at, report_delay=timedelta(hours=2))
    profile = ProfileFlags(
        has_pension=pension,
        has_social_insurance=False,
        receives_welfare=frozenset(),
        has_disability_card=False,
        is_business_owner=False,
    )
    report = report.model_copy(update={"profile": profile})
    case = ledger.record_report(report, OPERATOR).case
    certified = died_at + timedelta(hours=5)
    ledger.mark_step(case.id, "directive_at", died_at + timedelta(hours=2, minutes=5), SYSTEM)
    ledger.mark_step(case.id, "certificate_at", certified, SYSTEM)
    done = [
        (Unit.FUNERAL_HOME, ActionKind.CREMATION),
        (Unit.POLICE, ActionKind.HOUSEHOLD_DEREGISTRATION),
    ]
    if pension:
        done.append((Unit.HRSS, ActionKind.PENSION_STOPPED))
    for unit, action in done:
        ledger.record_action(
            DepartmentAction(
                case_id=case.id, unit=unit, action=action, done_at=certified + timedelta(hours=3)
            ),
            SYSTEM,
        )
    return case.id


def upload_tables(ledger: Ledger, skip: tuple[str, Unit] | None = None) -> None:
    records = process_records(ledger, date(2026, 11, 1))
    tables: dict[Unit, list] = {
        u: []
        for u in (Unit.HOTLINE, Unit.HEALTH, Unit.POLICE, Unit.CIVIL_AFFAIRS, Unit.HRSS, Unit.DPF)
    }
    for record in records:
        for unit, row in unit_rows_for(record, PERIOD).items():
            if skip is not None and (record.case_id, unit) == skip:
                continue
            tables[unit].append(row)
    for unit, rows in tables.items():
        ledger.store_unit_records(unit, PERIOD, rows, OPERATOR)
        store.record_upload(
            ledger.engine,
            unit=unit.value,
            period=PERIOD,
            kind="table",
            rows=len(rows),
            at=AT,
            actor_id=OPERATOR.id,
        )


def test_month_on_the_ledger_clean_then_paid_after_death_then_fixed(
    ledger: Ledger, tmp_path: Path
) -> None:
    rng = random.Random(3)
    ids = [
        handled_case(ledger, rng, datetime(2026, 10, d, 8, tzinfo=SHANGHAI), pension=d % 2 == 0)
        for d in (2, 3, 4, 5, 6)
    ]
    upload_tables(ledger)
    rolls = tmp_path / "rolls"
    first = run_month(ledger, PERIOD, AS_OF, at=AT, rolls=rolls)
    assert first.outcome.discrepancies == []
    assert first.outcome.people == 5

    pensioner = next(r for r in process_records(ledger, date(2026, 11, 1)) if r.case_id == ids[1])
    csv = tmp_path / "nov.csv"
    csv.write_text(
        f"证件号码,姓名,发放月份,发放金额\n{pensioner.id_number},{pensioner.name},2026-11,2100\n",
        encoding="utf-8",
    )
    import_roll_csv(
        csv, roll_path(rolls, "hrss", date(2026, 11, 1)), source="hrss", period=date(2026, 11, 1)
    )
    second = run_month(ledger, PERIOD, AS_OF, at=AT + timedelta(minutes=5), rolls=rolls)
    assert [(d.rule, d.unit, d.case_id) for d in second.outcome.discrepancies] == [
        ("paid-after-death", "hrss", ids[1])
    ]
    assert len(second.stored.new) == 1
    follow_ups = store.open_follow_ups(ledger.engine, second.stored.run_id)
    assert [(f["unit"], f["rule"]) for f in follow_ups] == [("hrss", "paid-after-death")]
    assert follow_ups[0]["township"]  # for the per-township assessment

    # found again: the same discrepancy, still one follow-up
    third = run_month(ledger, PERIOD, AS_OF, at=AT + timedelta(minutes=10), rolls=rolls)
    assert third.stored.new == [] and third.stored.still_open == second.stored.new
    assert len(store.open_follow_ups(ledger.engine)) == 1

    # HRSS takes the payee off the roll: the next run resolves it and closes the follow-up
    csv.write_text("证件号码,姓名,发放月份,发放金额\n", encoding="utf-8")
    import_roll_csv(
        csv, roll_path(rolls, "hrss", date(2026, 11, 1)), source="hrss", period=date(2026, 11, 1)
    )
    fourth = run_month(ledger, PERIOD, AS_OF, at=AT + timedelta(minutes=15), rolls=rolls)
    assert fourth.stored.resolved == second.stored.new
    assert store.open_follow_ups(ledger.engine) == []
    assert store.open_counts(ledger.engine) == {}


def test_missing_row_and_missing_table_on_the_ledger(ledger: Ledger, tmp_path: Path) -> None:
    rng = random.Random(4)
    ids = [
        handled_case(ledger, rng, datetime(2026, 10, d, 8, tzinfo=SHANGHAI), pension=True)
        for d in (7, 8)
    ]
    upload_tables(ledger, skip=(ids[0], Unit.POLICE))
    outcome = run_month(ledger, PERIOD, AS_OF, at=AT, rolls=tmp_path).outcome
    assert [(d.rule, d.unit, d.case_id) for d in outcome.discrepancies] == [
        ("missing-from-unit", "police", ids[0])
    ]


def test_a_later_month_does_not_resolve_what_it_cannot_see(ledger: Ledger) -> None:
    from domain.reconciliation.checker import Discrepancy, Outcome

    def outcome(period: date, *found: Discrepancy) -> Outcome:
        return Outcome(period, period, list(found), {}, 0)

    missing = Discrepancy("missing-from-unit", "police", "330226…", "c-1", None, None, None)
    table = Discrepancy(
        "unit-table-not-uploaded", "dpf", "table:dpf:2026-09", None, None, None, None
    )
    paid = Discrepancy("paid-after-death", "hrss", "330227…", "c-2", None, None, None)
    first = store.store_outcome(
        ledger.engine, outcome(PERIOD.replace(month=9), missing, table, paid), at=AT
    )
    assert len(first.new) == 3
    # October's run looks at October's deaths and tables and at every roll: the roll is clean now
    second = store.store_outcome(ledger.engine, outcome(PERIOD), at=AT + timedelta(days=30))
    assert len(second.resolved) == 1  # only the payment; September's findings stay open
    assert {f["rule"] for f in store.open_follow_ups(ledger.engine)} == {
        "missing-from-unit",
        "unit-table-not-uploaded",
    }
    # September checked again, clean: now they are resolved
    third = store.store_outcome(
        ledger.engine, outcome(PERIOD.replace(month=9)), at=AT + timedelta(days=31)
    )
    assert len(third.resolved) == 2 and store.open_follow_ups(ledger.engine) == []

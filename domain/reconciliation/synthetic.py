"""A clean synthetic month for tests and the simulation: process records and the six units'
tables that agree with them, plus the payment rolls of the living and the dead.

"Clean" means every unit listed exactly what the process says it did and the rolls stopped
paying from the month after each death, so the rules must find nothing; tests then inject one
error at a time and expect exactly one finding. Names and ID numbers come from
:mod:`domain.fakes` (invented people, valid numbers).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.enums import IdType, Unit
from domain.fakes import fake_birth_date, fake_name
from domain.ids import NINGHAI_REGION, generate_citizen_id
from domain.models.unit_record import UnitRecord
from domain.ninghai import Township
from domain.reconciliation.workspace import ProcessRecord, Workspace


@dataclass(frozen=True, slots=True)
class Payment:
    source: str
    id_number: str
    name: str
    pay_month: date
    amount: float


@dataclass(slots=True)
class Month:
    period: date
    process: list[ProcessRecord] = field(default_factory=list)
    units: dict[Unit, list[UnitRecord]] = field(default_factory=dict)
    payments: list[Payment] = field(default_factory=list)

    def load(self, workspace: Workspace) -> None:
        workspace.add_process_records(self.process)
        for unit, records in self.units.items():
            workspace.add_unit_records(records)
            workspace.mark_uploaded(unit, self.period)
        if self.payments:
            workspace.insert(
                "rolls",
                6,
                [
                    (p.source, p.id_number, p.name, p.pay_month, p.amount, None)
                    for p in self.payments
                ],
            )


def unit_rows_for(record: ProcessRecord, period: date) -> dict[Unit, UnitRecord]:
    """What each unit's table says of one case when every unit recorded what it did."""
    base = {
        "period": period,
        "name": record.name,
        "id_type": IdType(record.id_type or "citizen_id"),
        "id_number": record.id_number,
        "died_on": record.died_on,
        "township": record.township,
        "case_id": record.case_id,
    }
    rows: dict[Unit, UnitRecord] = {
        Unit.HOTLINE: UnitRecord.model_validate({**base, "unit": Unit.HOTLINE})
    }
    if record.certified_on or record.certificate_code:
        rows[Unit.HEALTH] = UnitRecord.model_validate(
            {
                **base,
                "unit": Unit.HEALTH,
                "certificate_code": record.certificate_code,
                "certificate_issued_on": record.certified_on,
            }
        )
    if record.certified_on or record.status == "handed_to_police":
        rows[Unit.POLICE] = UnitRecord.model_validate(
            {**base, "unit": Unit.POLICE, "household_deregistered_on": record.deregistered_on}
        )
    if record.expects_civil_affairs or record.welfare_stopped_on:
        rows[Unit.CIVIL_AFFAIRS] = UnitRecord.model_validate(
            {
                **base,
                "unit": Unit.CIVIL_AFFAIRS,
                "welfare_stopped_on": record.welfare_stopped_on,
                "cremated_on": record.cremated_on,
            }
        )
    if record.expects_hrss or record.pension_stopped_on:
        rows[Unit.HRSS] = UnitRecord.model_validate(
            {
                **base,
                "unit": Unit.HRSS,
                "social_insurance_stopped_on": record.pension_stopped_on,
                "pension_last_paid_month": record.died_on.replace(day=1),
            }
        )
    if record.expects_dpf or record.card_cancelled_on:
        rows[Unit.DPF] = UnitRecord.model_validate(
            {**base, "unit": Unit.DPF, "disability_card_cancelled_on": record.card_cancelled_on}
        )
    return rows


def clean_month(rng: random.Random, period: date, deaths: int = 60, living: int = 200) -> Month:
    """``deaths`` certified, fully handled deaths in ``period`` and ``living`` live payees."""
    period = period.replace(day=1)
    month = Month(period=period, units={unit: [] for unit in _UNITS})
    days = ((period.replace(day=28) + timedelta(days=4)).replace(day=1) - period).days
    townships = list(Township)
    used: set[str] = set()
    for index in range(deaths):
        died_on = period + timedelta(days=rng.randrange(days))
        name = fake_name(rng)
        id_number = _unique_id(rng, died_on, used)
        certified = died_on + timedelta(days=rng.choice((0, 0, 1)))
        pension = rng.random() < 0.7
        welfare = rng.random() < 0.3
        card = rng.random() < 0.1
        record = ProcessRecord(
            case_id=f"case-{period:%Y%m}-{index:04d}",
            name=name,
            died_on=died_on,
            status="closed",
            id_type="citizen_id",
            id_number=id_number,
            birth_date=date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
            township=rng.choice(townships).value,
            certificate_code=id_number,
            certified_on=certified,
            cremated_on=certified + timedelta(days=rng.randint(1, 3)),
            deregistered_on=certified + timedelta(days=rng.randint(0, 5)),
            welfare_stopped_on=certified if welfare else None,
            pension_stopped_on=certified if pension else None,
            card_cancelled_on=certified + timedelta(days=1) if card else None,
            expects_civil_affairs=welfare,
            expects_hrss=pension,
            expects_dpf=card,
        )
        month.process.append(record)
        for unit, row in unit_rows_for(record, period).items():
            month.units[unit].append(row)
        if pension:  # paid for the month of death, not after
            month.payments.append(Payment("hrss", id_number, name, period, 2000.0))
    for _ in range(living):
        id_number = _unique_id(rng, period, used)
        name = fake_name(rng)
        month.payments.append(Payment("hrss", id_number, name, period, 1800.0))
        next_month = (period + timedelta(days=32)).replace(day=1)
        month.payments.append(Payment("hrss", id_number, name, next_month, 1800.0))
    return month


_UNITS = (Unit.HOTLINE, Unit.HEALTH, Unit.POLICE, Unit.CIVIL_AFFAIRS, Unit.HRSS, Unit.DPF)


def _unique_id(rng: random.Random, died_on: date, used: set[str]) -> str:
    while True:
        birth = fake_birth_date(rng, died_on)
        number = generate_citizen_id(rng, region=NINGHAI_REGION, birth=birth)
        if number not in used:
            used.add(number)
            return number

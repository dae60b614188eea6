"""Run the rules over a loaded :class:`Workspace` and return the month's discrepancies."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.deadlines import add_months
from domain.reconciliation.rules import PREPARE_SQL, RECONCILING_UNIT_VALUES, RULES, Rule
from domain.reconciliation.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """One finding of one rule: who must act (``unit``) about whom (``person_key``)."""

    rule: str
    unit: str
    person_key: str
    case_id: str | None
    name: str | None
    id_number: str | None
    died_on: date | None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Stable across months: the same open problem is one follow-up, not one a month."""
        return f"{self.rule}|{self.unit}|{self.person_key}"


@dataclass(frozen=True, slots=True)
class Outcome:
    period: date
    as_of: date
    discrepancies: list[Discrepancy]
    counts: dict[str, int]  # per rule code, every rule present (0 when clean)
    people: int  # distinct people checked


def period_bounds(period: date) -> tuple[date, date]:
    start = period.replace(day=1)
    return start, add_months(start, 1)


def reconcile(
    workspace: Workspace,
    period: date,
    as_of: date,
    *,
    rules: tuple[Rule, ...] = RULES,
) -> Outcome:
    """Cross-check ``period`` (any day of the month) as of ``as_of`` (usually the 10th after)."""
    start, end = period_bounds(period)
    if as_of < end:
        raise ValueError(f"as_of {as_of} is inside the period checked ({start:%Y-%m})")
    workspace.compute_deadlines()
    params: dict[str, object] = {
        "period_start": start,
        "period_end": end,
        "as_of": as_of,
    }
    con = workspace.con
    for statement in _statements(PREPARE_SQL):
        con.execute(statement, _used(statement, params))
    found: list[Discrepancy] = []
    counts: dict[str, int] = {}
    for rule in rules:
        rule_params = dict(params, reconciling_units=RECONCILING_UNIT_VALUES)
        rows = con.execute(rule.sql, _used(rule.sql, rule_params)).fetchall()
        counts[rule.code] = len(rows)
        for unit, person_key, case_id, name, id_number, died_on, details in rows:
            found.append(
                Discrepancy(
                    rule=rule.code,
                    unit=str(unit),
                    person_key=str(person_key),
                    case_id=case_id,
                    name=name,
                    id_number=id_number,
                    died_on=died_on,
                    details=json.loads(details) if details else {},
                )
            )
    people_row = con.execute(
        "SELECT count(*) FROM people WHERE died_on >= ? AND died_on < ?", [start, end]
    ).fetchone()
    found.sort(key=lambda d: (d.rule, d.unit, d.person_key))
    return Outcome(
        period=start,
        as_of=as_of,
        discrepancies=found,
        counts=counts,
        people=int(people_row[0]) if people_row else 0,
    )


def _statements(script: str) -> list[str]:
    """Split the preparation script on ``;`` at line ends (no ``;`` inside its literals)."""
    return [part.strip() for part in script.split(";\n") if part.strip()]


def _used(sql: str, params: dict[str, object]) -> dict[str, object]:
    """DuckDB refuses named parameters a statement does not use: pass only those it names."""
    return {name: value for name, value in params.items() if f"${name}" in sql}

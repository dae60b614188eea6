"""Assessment (考核) figures per township and per unit, for any period, from the ledger.

The bulletin's promises become numbers: reports within 12 hours of the death (the grid
worker's subsidy depends on it), certificates within 24 hours of the 12345 directive, time from
the report to the certificate (the bulletin: "about 3 hours on average, fastest 1 hour"), days
from the certificate to each downstream action, families that made no trip at all (零跑腿), and
the reconciliation's open discrepancies. Cases are those *reported* in the period; a case
handed to the police (not a normal death) counts for the report rate but not for the
certificate figures, as the bulletin counts "normal-death cases".

A county's month is a few hundred cases, so this reads rows with SQLAlchemy and computes in
Python; the province-scale work is the reconciliation's (DuckDB).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, column, inspect, select, table

from domain.clock import require_aware
from domain.enums import ActionKind, CaseStatus, Unit
from domain.ledger.tables import CaseRow, DepartmentActionRow, EscalationRow
from domain.ninghai import Township
from domain.reconciliation import store as reconciliation_store

REPORT_WINDOW = timedelta(hours=12)
# bins of the time from report to certificate, in hours: [0,1) [1,2) ... [24, ∞)
HOUR_BINS: tuple[tuple[float, float], ...] = (
    (0, 1),
    (1, 2),
    (2, 3),
    (3, 4),
    (4, 6),
    (6, 8),
    (8, 12),
    (12, 24),
    (24, math.inf),
)
CERTIFICATE_WINDOW = timedelta(hours=24)

# the downstream action each unit is assessed on, measured from the certificate
DOWNSTREAM: dict[ActionKind, Unit] = {
    ActionKind.CREMATION: Unit.FUNERAL_HOME,
    ActionKind.HOUSEHOLD_DEREGISTRATION: Unit.POLICE,
    ActionKind.WELFARE_STOPPED: Unit.CIVIL_AFFAIRS,
    ActionKind.FUNERAL_SUBSIDY: Unit.CIVIL_AFFAIRS,
    ActionKind.PENSION_STOPPED: Unit.HRSS,
    ActionKind.SURVIVOR_BENEFITS: Unit.HRSS,
    ActionKind.DISABILITY_CARD_CANCELLED: Unit.DPF,
    ActionKind.BUSINESS_DEREGISTRATION: Unit.MARKET_SUPERVISION,
}


@dataclass(frozen=True, slots=True)
class Spread:
    """Summary of durations (hours for the certificate, days downstream)."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None
    fastest: float | None
    slowest: float | None

    @classmethod
    def of(cls, values: Iterable[float]) -> Spread:
        data = sorted(values)
        if not data:
            return cls(0, None, None, None, None, None)
        return cls(
            count=len(data),
            mean=round(sum(data) / len(data), 2),
            median=round(_quantile(data, 0.5), 2),
            p90=round(_quantile(data, 0.9), 2),
            fastest=round(data[0], 2),
            slowest=round(data[-1], 2),
        )


def _quantile(data: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default), on sorted data."""
    position = (len(data) - 1) * q
    low = math.floor(position)
    high = math.ceil(position)
    return data[low] + (data[high] - data[low]) * (position - low)


@dataclass(slots=True)
class TownshipKpis:
    township: str
    cases: int = 0
    normal_cases: int = 0
    reported_within_12h: int = 0
    certified: int = 0
    certified_within_24h: int = 0
    families: int = 0
    zero_trip_families: int | None = 0
    open_discrepancies: int = 0
    hours_to_certificate: Spread = field(default_factory=lambda: Spread.of([]))
    hours_histogram: list[int] = field(default_factory=lambda: [0] * len(HOUR_BINS))
    days_downstream: dict[str, Spread] = field(default_factory=dict)

    @property
    def report_rate_12h(self) -> float | None:
        return _rate(self.reported_within_12h, self.cases)

    @property
    def certificate_rate_24h(self) -> float | None:
        return _rate(self.certified_within_24h, self.certified)

    @property
    def zero_trip_rate(self) -> float | None:
        if self.zero_trip_families is None:
            return None
        return _rate(self.zero_trip_families, self.families)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            report_rate_12h=self.report_rate_12h,
            certificate_rate_24h=self.certificate_rate_24h,
            zero_trip_rate=self.zero_trip_rate,
        )
        return data


@dataclass(slots=True)
class UnitKpis:
    unit: str
    actions: dict[str, Spread] = field(default_factory=dict)  # days from certificate
    escalations: int = 0
    open_discrepancies: int = 0
    certificate_rate_24h: float | None = None  # health only
    report_rate_12h: float | None = None  # grid workers / village cadres only

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Assessment:
    period_from: datetime
    period_to: datetime
    county: TownshipKpis
    townships: list[TownshipKpis]
    units: list[UnitKpis]
    trips_recorded: bool  # False: the ledger has no family-trip records (zero-trip unknown)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period_from": self.period_from.isoformat(),
            "period_to": self.period_to.isoformat(),
            "county": self.county.as_dict(),
            "townships": [t.as_dict() for t in self.townships],
            "units": [u.as_dict() for u in self.units],
            "trips_recorded": self.trips_recorded,
        }


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def assess(engine: Engine, period_from: datetime, period_to: datetime) -> Assessment:
    """Figures for cases reported in ``[period_from, period_to)``."""
    start = require_aware(period_from, "period_from")
    end = require_aware(period_to, "period_to")
    if end <= start:
        raise ValueError("period_to must be after period_from")
    with engine.connect() as con:
        cases = [
            dict(row)
            for row in con.execute(
                select(
                    CaseRow.id,
                    CaseRow.township,
                    CaseRow.status,
                    CaseRow.died_at,
                    CaseRow.reported_at,
                    CaseRow.directive_at,
                    CaseRow.certificate_at,
                    CaseRow.report_on_time,
                ).where(
                    CaseRow.reported_at >= start,
                    CaseRow.reported_at < end,
                    CaseRow.status != CaseStatus.CANCELLED,
                )
            ).mappings()
        ]
        ids = [c["id"] for c in cases]
        actions: list[dict[str, Any]] = []
        escalations: list[dict[str, Any]] = []
        trips: set[str] = set()
        for chunk in _chunks(ids, 500):
            actions.extend(
                dict(r)
                for r in con.execute(
                    select(
                        DepartmentActionRow.case_id,
                        DepartmentActionRow.unit,
                        DepartmentActionRow.action,
                        DepartmentActionRow.done_at,
                        DepartmentActionRow.details,
                    ).where(DepartmentActionRow.case_id.in_(chunk))
                ).mappings()
            )
            escalations.extend(
                dict(r)
                for r in con.execute(
                    select(EscalationRow.case_id, EscalationRow.unit).where(
                        EscalationRow.case_id.in_(chunk)
                    )
                ).mappings()
            )
        trips_recorded = inspect(con).has_table("family_trips")
        if trips_recorded:
            family_trips = table("family_trips", column("case_id"))
            for chunk in _chunks(ids, 500):
                trips.update(
                    con.execute(
                        select(family_trips.c.case_id).where(family_trips.c.case_id.in_(chunk))
                    ).scalars()
                )
    open_counts = reconciliation_store.open_counts(engine)
    return _compute(start, end, cases, actions, escalations, trips, trips_recorded, open_counts)


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _compute(
    start: datetime,
    end: datetime,
    cases: list[dict[str, Any]],
    actions: list[dict[str, Any]],
    escalations: list[dict[str, Any]],
    trips: set[str],
    trips_recorded: bool,
    open_counts: dict[tuple[str, str | None], int],
) -> Assessment:
    by_case = {c["id"]: c for c in cases}
    groups: dict[str, TownshipKpis] = {t.value: TownshipKpis(t.value) for t in Township}
    county = TownshipKpis("宁海县")
    cert_hours: dict[str, list[float]] = defaultdict(list)
    downstream: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    health_within = health_total = 0
    for case in cases:
        group = groups.setdefault(case["township"], TownshipKpis(case["township"]))
        normal = case["status"] is not CaseStatus.HANDED_TO_POLICE
        for target in (group, county):
            target.cases += 1
            target.reported_within_12h += bool(case["report_on_time"])
            if not normal:
                continue
            target.normal_cases += 1
            target.families += 1
            if trips_recorded and case["id"] not in trips:
                assert target.zero_trip_families is not None
                target.zero_trip_families += 1
            if case["certificate_at"] is not None:
                target.certified += 1
                directive = case["directive_at"] or case["reported_at"]
                within = case["certificate_at"] - directive <= CERTIFICATE_WINDOW
                target.certified_within_24h += within
        if normal and case["certificate_at"] is not None:
            hours = (case["certificate_at"] - case["reported_at"]).total_seconds() / 3600
            cert_hours[case["township"]].append(hours)
            cert_hours["宁海县"].append(hours)
            health_total += 1
            directive = case["directive_at"] or case["reported_at"]
            health_within += case["certificate_at"] - directive <= CERTIFICATE_WINDOW
    unit_days: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for action in actions:
        kind = action["action"]
        if kind not in DOWNSTREAM or not (action["details"] or {}).get("performed", True):
            continue
        owner = by_case.get(action["case_id"])
        if owner is None or owner["certificate_at"] is None:
            continue
        days = (action["done_at"] - owner["certificate_at"]).total_seconds() / 86400
        downstream[owner["township"]][kind.value].append(days)
        downstream["宁海县"][kind.value].append(days)
        unit_days[DOWNSTREAM[kind].value][kind.value].append(days)
    for name, group in [*groups.items(), ("宁海县", county)]:
        group.hours_to_certificate = Spread.of(cert_hours.get(name, []))
        group.hours_histogram = [
            sum(low <= h < high for h in cert_hours.get(name, [])) for low, high in HOUR_BINS
        ]
        group.days_downstream = {k: Spread.of(v) for k, v in sorted(downstream[name].items())}
        if not trips_recorded:
            group.zero_trip_families = None
    for (_unit, township), count in open_counts.items():
        county.open_discrepancies += count
        if township in groups:
            groups[township].open_discrepancies += count
    escalated: dict[str, int] = defaultdict(int)
    for item in escalations:
        if item["unit"] is not None:
            escalated[item["unit"].value] += 1
    open_by_unit: dict[str, int] = defaultdict(int)
    for (unit, _township), count in open_counts.items():
        open_by_unit[unit] += count
    units: list[UnitKpis] = []
    for unit in (
        Unit.HOTLINE,
        Unit.GRID,
        Unit.HEALTH,
        Unit.FUNERAL_HOME,
        Unit.POLICE,
        Unit.CIVIL_AFFAIRS,
        Unit.HRSS,
        Unit.DPF,
        Unit.MARKET_SUPERVISION,
    ):
        kpis = UnitKpis(
            unit.value,
            actions={k: Spread.of(v) for k, v in sorted(unit_days[unit.value].items())},
            escalations=escalated[unit.value],
            open_discrepancies=open_by_unit[unit.value],
        )
        if unit is Unit.HEALTH:
            kpis.certificate_rate_24h = _rate(health_within, health_total)
        if unit is Unit.GRID:
            kpis.report_rate_12h = county.report_rate_12h
        units.append(kpis)
    return Assessment(
        period_from=start,
        period_to=end,
        county=county,
        townships=list(groups.values()),
        units=units,
        trips_recorded=trips_recorded,
    )

"""KPIs from a real (SQLite) ledger with hand-picked times, so every figure can be checked."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from domain.assessment import Spread, assess
from domain.clock import SHANGHAI
from domain.enums import ActionKind, CaseStatus, Role, Unit
from domain.fakes import fake_death_report
from domain.ledger import Ledger, make_engine
from domain.ledger.tables import Base
from domain.models import Actor, DepartmentAction
from domain.ninghai import Township

OPERATOR = Actor(id="op-1", role=Role.HOTLINE_OPERATOR, unit=Unit.HOTLINE)
SYSTEM = Actor(id="worker", role=Role.SYSTEM)
T0 = datetime(2026, 10, 1, 6, 0, tzinfo=SHANGHAI)
MONTH = (datetime(2026, 10, 1, tzinfo=SHANGHAI), datetime(2026, 11, 1, tzinfo=SHANGHAI))


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    engine = make_engine(f"sqlite:///{tmp_path}/ledger.db")
    Base.metadata.create_all(engine)
    return Ledger(engine, clock=lambda: T0)


def case(
    ledger: Ledger,
    rng: random.Random,
    *,
    day: int,
    report_h: float,
    cert_h: float | None,
    township: Township = Township.TAOYUAN,
    cremation_days: float | None = None,
) -> str:
    died = T0 + timedelta(days=day)
    report = fake_death_report(rng, died, report_delay=timedelta(hours=report_h), township=township)
    case_id = ledger.record_report(report, OPERATOR).case.id
    reported = died + timedelta(hours=report_h)
    ledger.mark_step(case_id, "directive_at", reported + timedelta(minutes=10), SYSTEM)
    if cert_h is not None:
        certified = reported + timedelta(hours=cert_h)
        ledger.mark_step(case_id, "certificate_at", certified, SYSTEM)
        if cremation_days is not None:
            ledger.record_action(
                DepartmentAction(
                    case_id=case_id,
                    unit=Unit.FUNERAL_HOME,
                    action=ActionKind.CREMATION,
                    done_at=certified + timedelta(days=cremation_days),
                ),
                SYSTEM,
            )
    return case_id


def test_spread_figures() -> None:
    spread = Spread.of([1.0, 2.0, 3.0, 4.0, 10.0])
    assert (spread.count, spread.mean, spread.median, spread.fastest, spread.slowest) == (
        5,
        4.0,
        3.0,
        1.0,
        10.0,
    )
    assert spread.p90 == pytest.approx(7.6)
    assert Spread.of([]).mean is None


def test_county_and_township_figures(ledger: Ledger) -> None:
    rng = random.Random(5)
    case(ledger, rng, day=0, report_h=2, cert_h=1, cremation_days=1)
    case(ledger, rng, day=1, report_h=3, cert_h=3, cremation_days=2)
    case(ledger, rng, day=2, report_h=13, cert_h=5)  # reported late
    case(ledger, rng, day=3, report_h=1, cert_h=30, township=Township.CHANGJIE)  # cert late
    police = case(ledger, rng, day=4, report_h=1, cert_h=None)
    ledger.close_case(police, CaseStatus.HANDED_TO_POLICE, T0 + timedelta(days=4, hours=3), SYSTEM)
    case(ledger, rng, day=40, report_h=1, cert_h=1)  # November: outside the period

    result = assess(ledger.engine, *MONTH)
    county = result.county
    assert (county.cases, county.normal_cases, county.certified) == (5, 4, 4)
    assert county.report_rate_12h == 0.8
    assert county.certificate_rate_24h == 0.75
    assert county.hours_to_certificate.mean == pytest.approx((1 + 3 + 5 + 30) / 4)
    assert county.hours_to_certificate.fastest == pytest.approx(1.0)
    assert county.days_downstream["cremation"].mean == pytest.approx(1.5)
    taoyuan = next(t for t in result.townships if t.township == "桃源街道")
    assert (taoyuan.cases, taoyuan.certified, taoyuan.certificate_rate_24h) == (4, 3, 1.0)
    assert len(result.townships) == 18
    health = next(u for u in result.units if u.unit == "health")
    assert health.certificate_rate_24h == 0.75
    grid = next(u for u in result.units if u.unit == "grid")
    assert grid.report_rate_12h == 0.8
    funeral = next(u for u in result.units if u.unit == "funeral_home")
    assert funeral.actions["cremation"].count == 2
    data = result.as_dict()
    assert data["county"]["report_rate_12h"] == 0.8


def test_zero_trip_families_when_trips_are_recorded(ledger: Ledger) -> None:
    rng = random.Random(6)
    first = case(ledger, rng, day=0, report_h=1, cert_h=2)
    case(ledger, rng, day=1, report_h=1, cert_h=2)
    if not hasattr(ledger, "record_family_trip"):
        assert assess(ledger.engine, *MONTH).county.zero_trip_families in (None, 2)
        return
    import domain.models

    # the ledger's family-trip records are new work of the ledger's engineers
    family_trip = getattr(domain.models, "FamilyTrip")  # noqa: B009
    trip = family_trip.model_validate(
        {"case_id": first, "unit": Unit.POLICE, "at": T0 + timedelta(days=1), "purpose": "户籍注销"}
    )
    ledger.record_family_trip(trip, SYSTEM)  # type: ignore[attr-defined,unused-ignore]
    county = assess(ledger.engine, *MONTH).county
    assert (county.families, county.zero_trip_families) == (2, 1)


def test_empty_period_and_bad_range(ledger: Ledger) -> None:
    result = assess(ledger.engine, *MONTH)
    assert result.county.cases == 0 and result.county.report_rate_12h is None
    with pytest.raises(ValueError):
        assess(ledger.engine, MONTH[1], MONTH[0])

"""The simulation's behaviour model and deliberate errors, without the running system."""

from __future__ import annotations

import csv
import io
import random
import statistics
from datetime import date, timedelta

import pytest

from domain.ids import citizen_id_check_char, is_valid_citizen_id
from domain.reconciliation.checker import reconcile
from domain.reconciliation.synthetic import Payment, clean_month
from domain.reconciliation.workspace import Workspace
from shenhou.simulate import BehaviourModel, build_rolls, default_start, plan_month, typo_of

START = date(2026, 9, 1)


def test_the_plan_is_reproducible_from_the_seed() -> None:
    a = plan_month(7, START, 3)
    b = plan_month(7, START, 3)
    assert [p.report.deceased.id_number for p in a] == [p.report.deceased.id_number for p in b]
    assert [p.visit_after_directive for p in a] == [p.visit_after_directive for p in b]
    assert [p.report.deceased.id_number for p in plan_month(8, START, 3)] != [
        p.report.deceased.id_number for p in a
    ]


def test_the_stated_distributions() -> None:
    model = BehaviourModel()
    plans = plan_month(1, START, 30, model)
    per_day = len(plans) / 30
    assert 10.5 < per_day < 13.5  # Poisson(12) a day
    delays = [(p.reported_at - p.report.deceased.died_at).total_seconds() / 3600 for p in plans]
    assert 0.8 < statistics.median(delays) < 1.3  # log-normal, median 1 h
    late = sum(d > 12 for d in delays) / len(delays)
    assert late < 0.06
    visits = [p.visit_after_directive.total_seconds() / 3600 for p in plans]
    normal = [v for v in visits if v < 20]
    assert min(normal) >= model.visit_offset_h
    assert 2.2 < statistics.mean(normal) < 3.2  # 0.8 h + Gamma(2, 0.9 h): mean 2.6 h
    assert 0 < sum(p.non_normal for p in plans) < 0.06 * len(plans)
    townships = {p.report.deceased.address.township for p in plans}
    assert len(townships) == 18
    assert all(is_valid_citizen_id(p.report.deceased.id_number or "") for p in plans)
    assert plans == sorted(plans, key=lambda p: p.reported_at)


def test_default_start_is_the_month_before_last() -> None:
    assert default_start(date(2026, 11, 29)) == date(2026, 9, 1)
    assert default_start(date(2026, 1, 5)) == date(2025, 11, 1)


@pytest.mark.parametrize("kind", ["check", "swap"])
def test_typos_are_one_edit_and_invalid(kind: str) -> None:
    first17 = "33022619400305123"
    number = first17 + citizen_id_check_char(first17)
    typo = typo_of(number, kind)
    assert typo != number and len(typo) == 18
    assert not is_valid_citizen_id(typo)


def test_the_rolls_carry_exactly_the_deliberate_errors_and_the_rules_find_them() -> None:
    rng = random.Random(4)
    month = clean_month(rng, date(2026, 9, 1), deaths=40, living=0)
    month.payments = []
    dead = [
        (r.case_id, r.id_number or "", r.name, r.expects_hrss, r.expects_civil_affairs)
        for r in month.process
    ]
    rolls = build_rolls(rng, date(2026, 10, 1), dead, BehaviourModel(living_pensioners=300))
    assert [e.rule for e in rolls.errors].count("paid-after-death") == 4
    assert [e.rule for e in rolls.errors].count("same-person-two-ids") == 2
    for source, text in (("hrss", rolls.hrss), ("civil_affairs", rolls.civil_affairs)):
        for row in list(csv.DictReader(io.StringIO(text))):
            month.payments.append(
                Payment(
                    source, row["证件号码"], row["姓名"], date(2026, 10, 1), float(row["发放金额"])
                )
            )
    with Workspace.open(memory_limit="256MB", threads=1) as ws:
        month.load(ws)
        outcome = reconcile(ws, date(2026, 9, 1), date(2026, 10, 10) + timedelta(days=2))
    found = {(d.rule, d.unit, d.case_id) for d in outcome.discrepancies}
    assert found == {(e.rule, e.unit, e.case_id) for e in rolls.errors}

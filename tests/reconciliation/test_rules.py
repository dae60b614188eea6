"""Each cross-check rule on a clean synthetic month with exactly one injected error.

The clean month must give no finding at all (so a rule that flags too much fails here), and each
injected error must give exactly one finding, of its rule, about the right person and unit.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

import pytest

from domain.enums import IdType, Unit
from domain.ids import citizen_id_check_char
from domain.reconciliation.checker import Outcome, reconcile
from domain.reconciliation.rules import RULES
from domain.reconciliation.synthetic import Month, Payment, clean_month
from domain.reconciliation.workspace import Workspace

PERIOD = date(2026, 10, 1)
AS_OF = date(2026, 11, 25)  # after every October death's household deadline


def run(month: Month, as_of: date = AS_OF) -> Outcome:
    with Workspace.open(memory_limit="256MB", threads=1) as ws:
        month.load(ws)
        return reconcile(ws, PERIOD, as_of)


@pytest.fixture
def month() -> Month:
    return clean_month(random.Random(7), PERIOD, deaths=40, living=100)


def only(outcome: Outcome) -> tuple[str, str, str]:
    assert len(outcome.discrepancies) == 1, outcome.discrepancies
    found = outcome.discrepancies[0]
    return found.rule, found.unit, found.person_key


def with_id(number17: str) -> str:
    return number17 + citizen_id_check_char(number17)


def test_a_clean_month_has_no_finding(month: Month) -> None:
    outcome = run(month)
    assert outcome.discrepancies == []
    assert set(outcome.counts) == {rule.code for rule in RULES}
    assert outcome.people == 40


def test_every_rule_is_documented() -> None:
    for rule in RULES:
        assert rule.title_zh and rule.title_en and len(rule.why) > 40
    assert len({rule.code for rule in RULES}) == len(RULES)


def test_household_not_deregistered_after_the_deadline(month: Month) -> None:
    victim = month.process[0]
    month.process[0] = dataclasses.replace(victim, deregistered_on=None)
    month.units[Unit.POLICE] = [
        r.model_copy(update={"household_deregistered_on": None})
        if r.id_number == victim.id_number
        else r
        for r in month.units[Unit.POLICE]
    ]
    assert only(run(month)) == ("household-not-deregistered", "police", victim.id_number)


def test_household_deadline_not_yet_passed_is_no_finding(month: Month) -> None:
    victim = max(month.process, key=lambda r: r.died_on)
    index = month.process.index(victim)
    month.process[index] = dataclasses.replace(victim, deregistered_on=None)
    month.units[Unit.POLICE] = [
        r.model_copy(update={"household_deregistered_on": None})
        if r.id_number == victim.id_number
        else r
        for r in month.units[Unit.POLICE]
    ]
    # the 10th of November: a death late in October still has time (one month, art. 202/203)
    assert victim.died_on.day > 11
    assert run(month, as_of=date(2026, 11, 10)).discrepancies == []


def test_a_forwarded_deregistration_is_not_a_miss(month: Month) -> None:
    victim = month.process[1]
    month.process[1] = dataclasses.replace(
        victim, deregistered_on=None, deregistration_forwarded=True
    )
    month.units[Unit.POLICE] = [
        r.model_copy(update={"household_deregistered_on": None})
        if r.id_number == victim.id_number
        else r
        for r in month.units[Unit.POLICE]
    ]
    assert run(month).discrepancies == []


def test_pension_paid_after_the_month_of_death(month: Month) -> None:
    victim = next(r for r in month.process if r.expects_hrss)
    month.payments.append(
        Payment("hrss", victim.id_number or "", victim.name, date(2026, 11, 1), 2000.0)
    )
    outcome = run(month)
    assert only(outcome) == ("paid-after-death", "hrss", victim.id_number)
    assert outcome.discrepancies[0].details["months"] == ["2026-11-01"]


def test_welfare_paid_after_death_is_civil_affairs(month: Month) -> None:
    victim = month.process[2]
    month.payments.append(
        Payment("civil_affairs", victim.id_number or "", victim.name, date(2026, 12, 1), 300.0)
    )
    assert only(run(month)) == ("paid-after-death", "civil_affairs", victim.id_number)


def test_payment_for_the_month_of_death_is_due(month: Month) -> None:
    victim = month.process[3]
    month.payments.append(
        Payment("civil_affairs", victim.id_number or "", victim.name, PERIOD, 300.0)
    )
    assert run(month).discrepancies == []


def test_hrss_table_saying_paid_after_death(month: Month) -> None:
    victim = next(r for r in month.process if r.expects_hrss)
    month.units[Unit.HRSS] = [
        r.model_copy(update={"pension_last_paid_month": date(2026, 11, 1)})
        if r.id_number == victim.id_number
        else r
        for r in month.units[Unit.HRSS]
    ]
    assert only(run(month)) == ("paid-after-death", "hrss", victim.id_number)


def test_cremation_without_certificate(month: Month) -> None:
    victim = month.process[4]
    month.process[4] = dataclasses.replace(
        victim, certified_on=None, certificate_code=None, deregistered_on=None
    )
    for unit in (Unit.HEALTH, Unit.POLICE):  # nobody certified, so they do not list it
        month.units[unit] = [r for r in month.units[unit] if r.id_number != victim.id_number]
    assert only(run(month)) == ("cremation-without-certificate", "funeral_home", victim.id_number)


def test_certificate_without_case(month: Month) -> None:
    victim = month.process.pop(5)
    for unit in list(month.units):
        if unit is not Unit.HEALTH:
            month.units[unit] = [r for r in month.units[unit] if r.id_number != victim.id_number]
        else:
            month.units[unit] = [
                r.model_copy(update={"case_id": None}) if r.id_number == victim.id_number else r
                for r in month.units[unit]
            ]
    month.payments = [p for p in month.payments if p.id_number != victim.id_number]
    outcome = run(month)
    # what follows from the bypassed intake is reported too: 12345 and the police never heard
    # of the death, so it is missing from their tables and the household is still registered
    rules = sorted((d.rule, d.unit) for d in outcome.discrepancies)
    assert rules == [
        ("certificate-without-case", "health"),
        ("household-not-deregistered", "police"),
        ("missing-from-unit", "hotline_12345"),
        ("missing-from-unit", "police"),
    ]


@pytest.mark.parametrize("unit", [Unit.HOTLINE, Unit.HEALTH, Unit.POLICE])
def test_missing_from_one_unit(month: Month, unit: Unit) -> None:
    victim = month.process[6]
    month.units[unit] = [r for r in month.units[unit] if r.id_number != victim.id_number]
    assert only(run(month)) == ("missing-from-unit", unit.value, victim.id_number)


def test_missing_from_hrss_when_the_process_stopped_a_pension(month: Month) -> None:
    victim = next(r for r in month.process if r.expects_hrss)
    month.units[Unit.HRSS] = [r for r in month.units[Unit.HRSS] if r.id_number != victim.id_number]
    assert only(run(month)) == ("missing-from-unit", "hrss", victim.id_number)


def test_a_unit_listing_a_death_the_process_never_had(month: Month) -> None:
    stranger = (
        month.units[Unit.DPF][0].model_copy(
            update={
                "name": "葛素英",
                "id_number": with_id("33022619300101002"),
                "case_id": None,
                "birth_date": None,
                "sex": None,
            }
        )
        if month.units[Unit.DPF]
        else None
    )
    assert stranger is not None
    month.units[Unit.DPF].append(stranger)
    rules = sorted((d.rule, d.unit) for d in run(month).discrepancies)
    assert rules == [("missing-from-unit", "hotline_12345"), ("missing-from-unit", "process")]


def test_a_table_not_uploaded_is_one_finding_not_one_per_person(month: Month) -> None:
    del month.units[Unit.DPF]
    assert only(run(month)) == ("unit-table-not-uploaded", "dpf", "table:dpf:2026-10")


def test_same_person_with_a_typo_in_one_units_table(month: Month) -> None:
    victim = month.process[7]
    number = victim.id_number or ""
    # a clerk typed one digit of the birth date wrong; the system recomputed the check character
    first17 = number[:12] + ("1" if number[12] != "1" else "2") + number[13:17]
    typo = with_id(first17)
    month.units[Unit.POLICE] = [
        r.model_copy(update={"id_number": typo, "birth_date": None, "sex": None})
        if r.id_number == number
        else r
        for r in month.units[Unit.POLICE]
    ]
    outcome = run(month)
    assert only(outcome) == ("same-person-two-ids", "police", number)
    assert sorted(outcome.discrepancies[0].details["numbers"]) == sorted([number, typo])


def test_dead_person_still_paid_under_a_check_digit_error(month: Month) -> None:
    victim = next(r for r in month.process if r.expects_hrss)
    number = victim.id_number or ""
    wrong_check = number[:17] + ("0" if number[17] != "0" else "1")
    month.payments.append(Payment("hrss", wrong_check, victim.name, date(2026, 11, 1), 2000.0))
    outcome = run(month)
    assert only(outcome) == ("same-person-two-ids", "hrss", number)
    details = outcome.discrepancies[0].details
    assert details["paid_under"] == wrong_check and details["roll_id_valid"] is False


def test_dead_person_paid_under_swapped_digits(month: Month) -> None:
    victim = next(r for r in month.process if r.expects_hrss)
    number = victim.id_number or ""
    i = next(i for i in range(6, 16) if number[i] != number[i + 1])
    swapped = number[:i] + number[i + 1] + number[i] + number[i + 2 :]
    month.payments.append(Payment("hrss", swapped, victim.name, date(2026, 11, 1), 2000.0))
    assert only(run(month)) == ("same-person-two-ids", "hrss", number)


def test_living_payee_with_the_same_name_and_another_number_is_not_flagged(month: Month) -> None:
    victim = month.process[8]
    other = with_id("33022619550505123")
    month.payments.append(Payment("hrss", other, victim.name, date(2026, 11, 1), 2000.0))
    assert run(month).discrepancies == []


def test_as_of_inside_the_period_is_refused(month: Month) -> None:
    with Workspace.open() as ws, pytest.raises(ValueError, match="inside the period"):
        month.load(ws)
        reconcile(ws, PERIOD, date(2026, 10, 31))


def test_a_case_without_id_number_is_keyed_by_its_case(month: Month) -> None:
    victim = month.process[9]
    month.process[9] = dataclasses.replace(
        victim, id_type="none", id_number=None, certificate_code="12330226MB0000000X20260001"
    )
    for unit in list(month.units):
        month.units[unit] = [
            r.model_copy(
                update={"id_type": IdType.NONE, "id_number": None, "birth_date": None, "sex": None}
            )
            if r.id_number == victim.id_number
            else r
            for r in month.units[unit]
        ]
    month.payments = [p for p in month.payments if p.id_number != victim.id_number]
    assert run(month).discrepancies == []


def test_cancelled_cases_are_not_deaths(month: Month) -> None:
    victim = month.process[10]
    month.process[10] = dataclasses.replace(victim, status="cancelled")
    for unit in list(month.units):
        month.units[unit] = [r for r in month.units[unit] if r.id_number != victim.id_number]
    month.payments.append(
        Payment("hrss", victim.id_number or "", victim.name, date(2026, 11, 1), 2000.0)
    )
    assert run(month).discrepancies == []


def test_a_later_month_sees_earlier_listings(month: Month) -> None:
    """A death listed by a unit in an earlier month is not missing from it now."""
    victim = month.process[11]
    month.process[11] = dataclasses.replace(victim, died_on=victim.died_on - timedelta(days=40))
    for unit in list(month.units):
        month.units[unit] = [
            r.model_copy(
                update={
                    "period": date(2026, 8, 1),
                    "died_on": victim.died_on - timedelta(days=40),
                    "pension_last_paid_month": date(2026, 8, 1)
                    if r.pension_last_paid_month
                    else None,
                }
            )
            if r.id_number == victim.id_number
            else r
            for r in month.units[unit]
        ]
    month.payments = [p for p in month.payments if p.id_number != victim.id_number]
    assert run(month).discrepancies == []


def test_a_case_without_id_matches_unit_rows_without_case_id_by_name_and_date(
    month: Month,
) -> None:
    victim = month.process[12]
    month.process[12] = dataclasses.replace(
        victim, id_type="none", id_number=None, certificate_code="12330226MB0000000X20260002"
    )
    for unit in list(month.units):
        month.units[unit] = [
            r.model_copy(
                update={
                    "id_type": IdType.NONE,
                    "id_number": None,
                    "birth_date": None,
                    "sex": None,
                    "case_id": None,
                }
            )
            if r.id_number == victim.id_number
            else r
            for r in month.units[unit]
        ]
    month.payments = [p for p in month.payments if p.id_number != victim.id_number]
    assert run(month).discrepancies == []

"""Pydantic models: derived fields, cross-field rules and bilingual validation messages."""

from __future__ import annotations

import copy
import random
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from domain.clock import SHANGHAI
from domain.enums import ActionKind, CaseStatus, IdType, Sex, Unit
from domain.fakes import fake_death_report
from domain.ids import citizen_id_check_char
from domain.models import (
    Address,
    Case,
    DeathReport,
    Deceased,
    DepartmentAction,
    FamilyContact,
    Notification,
    Township,
    UnitRecord,
)

FIRST17 = "33022619400301607"  # Ninghai, 1940-03-01, odd sequence: male
CITIZEN = FIRST17 + citizen_id_check_char(FIRST17)


def report_data(**deceased: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "deceased": {
            "name": "王小明",
            "id_number": CITIZEN,
            "died_at": "2026-11-28T22:00:00+08:00",
            "address": {"township": "前童镇", "village": "塘里村"},
        },
        "reporter": {"role": "grid_worker", "name": "李娟", "phone": "138 1234 5678"},
        "family_contact": {"name": "王大", "phone": "+8613912345678", "relation": "son"},
        "reported_at": "2026-11-29T06:00:00+08:00",
    }
    data["deceased"].update(deceased)
    return data


def errors_of(data: dict[str, Any], model: type[BaseModel] = DeathReport) -> list[ErrorDetails]:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    return info.value.errors()


def test_valid_report_derives_sex_birth_and_lateness() -> None:
    report = DeathReport.model_validate(report_data())
    assert report.deceased.sex is Sex.MALE
    assert report.deceased.birth_date == date(1940, 3, 1)
    assert report.deceased.age_at_death == 86
    assert report.deceased.address.township is Township.QIANTONG
    assert report.reporter.phone == "13812345678"
    assert report.family_contact is not None and report.family_contact.phone == "13912345678"
    assert report.lateness == timedelta(hours=8) and report.on_time
    assert report.deceased.identity_key == f"citizen_id:{CITIZEN}"


def test_report_round_trips_through_json() -> None:
    report = DeathReport.model_validate(report_data())
    again = DeathReport.model_validate_json(report.model_dump_json())
    assert again == report


def test_wrong_check_character_message_and_location() -> None:
    errors = errors_of(report_data(id_number=CITIZEN[:-1] + ("0" if CITIZEN[-1] != "0" else "1")))
    assert errors[0]["loc"] == ("deceased", "id_number")
    assert errors[0]["type"] == "citizen_id.check"
    assert errors[0]["msg"] == "公民身份号码校验位错误 / citizen ID check character is wrong"


def test_sex_and_birth_date_must_agree_with_the_id() -> None:
    assert errors_of(report_data(sex="female"))[0]["type"] == "deceased.sex_mismatch"
    errors = errors_of(report_data(birth_date="1940-03-02"))
    assert errors[0]["type"] == "deceased.birth_mismatch" and "1940-03-01" in errors[0]["msg"]


def test_no_id_needs_a_reason_and_no_number() -> None:
    errors = errors_of(report_data(id_type="none", id_number=None, name=None))
    assert errors[0]["type"] == "deceased.no_id_reason"
    report = DeathReport.model_validate(
        report_data(id_type="none", id_number=None, name=None, no_id_reason="unidentified_body")
    )
    assert report.deceased.identity_key is None and report.deceased.sex is None
    errors = errors_of(report_data(id_type="none", id_number="E1234567", no_id_reason="other"))
    assert errors[0]["type"] == "id.none_with_number"


def test_passport_holder() -> None:
    report = DeathReport.model_validate(report_data(id_type="passport", id_number="e1234567"))
    assert report.deceased.id_number == "E1234567"
    assert report.deceased.identity_key == "passport:E1234567"


def test_naive_time_is_refused() -> None:
    errors = errors_of(report_data(died_at="2026-11-28T22:00:00"))
    assert errors[0]["type"] == "datetime.naive"
    assert "时区" in errors[0]["msg"] and "time zone" in errors[0]["msg"]


def test_times_are_converted_to_shanghai() -> None:
    report = DeathReport.model_validate(report_data(died_at="2026-11-28T14:00:00Z"))
    assert report.deceased.died_at == datetime(2026, 11, 28, 22, tzinfo=SHANGHAI)
    assert report.deceased.died_at.utcoffset() == timedelta(hours=8)


def test_report_before_death_is_refused() -> None:
    data = report_data()
    data["reported_at"] = "2026-11-28T21:00:00+08:00"
    assert errors_of(data)[0]["type"] == "report.before_death"


def test_future_death_is_refused_unless_the_clock_is_simulated() -> None:
    data = report_data(died_at="2099-01-01T00:00:00+08:00")
    data["reported_at"] = "2099-01-01T01:00:00+08:00"
    types = {e["type"] for e in errors_of(data)}
    assert "datetime.future" in types
    report = DeathReport.model_validate(data, context={"now": None})
    assert report.deceased.died_at.year == 2099
    simulated = datetime(2099, 1, 1, 2, tzinfo=SHANGHAI)
    assert DeathReport.model_validate(data, context={"now": simulated}).on_time


def test_died_before_birth_is_refused() -> None:
    errors = errors_of(report_data(died_at="1939-01-01T00:00:00+08:00"))
    assert errors[0]["type"] == "deceased.died_before_birth"


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("13812345678", True),
        ("0086 138-1234-5678", True),
        ("12812345678", False),
        ("1381234567", False),
        ("057465512345", False),
    ],
)
def test_mobile_validation(phone: str, ok: bool) -> None:
    data = report_data()
    data["reporter"]["phone"] = phone
    if ok:
        assert DeathReport.model_validate(data).reporter.phone == "13812345678"
    else:
        error = errors_of(data)[0]
        assert error["type"] == "phone.mobile" and error["loc"] == ("reporter", "phone")
        assert "手机号码" in error["msg"]


@pytest.mark.parametrize("name", ["王", "欧阳娜娜", "阿依古丽·买买提", "John Smith"])
def test_names_accepted(name: str) -> None:
    data = report_data(name=name)
    assert DeathReport.model_validate(data).deceased.name == name


@pytest.mark.parametrize("name", ["王2", "  ", "张三!", "x" * 51])
def test_names_refused(name: str) -> None:
    error = errors_of(report_data(name=name))[0]
    assert error["type"].startswith("name.") and " / " in error["msg"]


def test_township_must_be_one_of_ninghais_eighteen() -> None:
    assert len(list(Township)) == 18
    assert Address(township="QIANTONG", village="x村").township is Township.QIANTONG  # type: ignore[arg-type]
    assert Address(township="梅林", village="x村").township is Township.MEILIN  # type: ignore[arg-type]
    error = errors_of(report_data(address={"township": "象山县", "village": "a"}))[0]
    assert error["type"] == "township.unknown" and "宁海县" in error["msg"]


def test_unknown_field_is_refused() -> None:
    data = report_data(nickname="x")
    assert errors_of(data)[0]["type"] == "extra_forbidden"


def test_agent_family_contact_needs_authorisation() -> None:
    data = report_data()
    data["family_contact"] = {"name": "陈邻", "phone": "13912345678", "relation": "neighbour"}
    error = errors_of(data)[0]
    assert error["type"] == "relative.agent_principal"
    contact = FamilyContact.model_validate(
        {**data["family_contact"], "principal_relation": "son", "authorisation_ref": "委托书1号"}
    )
    assert contact.is_agent


def test_profile_switches_downstream_branches() -> None:
    data = report_data()
    data["profile"] = {
        "has_pension": True,
        "has_disability_card": True,
        "receives_welfare": ["old_age_allowance"],
    }
    required = DeathReport.model_validate(data).profile.required_downstream()
    assert (Unit.HRSS, ActionKind.PENSION_STOPPED) in required
    assert (Unit.DPF, ActionKind.DISABILITY_CARD_CANCELLED) in required
    assert (Unit.CIVIL_AFFAIRS, ActionKind.WELFARE_STOPPED) in required
    assert (Unit.MARKET_SUPERVISION, ActionKind.BUSINESS_DEREGISTRATION) not in required
    assert (Unit.POLICE, ActionKind.HOUSEHOLD_DEREGISTRATION) in required


def _case(**overrides: Any) -> Case:
    deceased = Deceased.model_validate(report_data()["deceased"])
    data: dict[str, Any] = {
        "id": "case-1",
        "township": "前童镇",
        "deceased": deceased,
        "reported_at": "2026-11-29T06:00:00+08:00",
    }
    data.update(overrides)
    return Case.model_validate(data)


def test_case_deadlines_and_step_order() -> None:
    case = _case(directive_at="2026-11-29T06:05:00+08:00")
    assert case.report_due_at == datetime(2026, 11, 29, 10, tzinfo=SHANGHAI)
    assert case.certificate_due_at == datetime(2026, 11, 30, 6, 5, tzinfo=SHANGHAI)
    with pytest.raises(ValidationError) as info:
        _case(directive_at="2026-11-29T06:05:00+08:00", certificate_at="2026-11-29T06:00:00+08:00")
    assert info.value.errors()[0]["type"] == "case.steps_out_of_order"
    with pytest.raises(ValidationError):
        _case(status=CaseStatus.CLOSED)


def test_department_action_allowed_per_unit_and_keyed() -> None:
    action = DepartmentAction.model_validate(
        {
            "case_id": "c1",
            "unit": "police",
            "action": "household_deregistration",
            "done_at": "2026-11-29T10:00:00+08:00",
            "reference": "HJ-1",
        }
    )
    assert action.idempotency_key == "c1:police:household_deregistration"
    error = errors_of(
        {
            "case_id": "c1",
            "unit": "police",
            "action": "cremation",
            "done_at": "2026-11-29T10:00:00+08:00",
        },
        DepartmentAction,
    )[0]
    assert error["type"] == "action.not_for_unit" and "公安" in error["msg"]


def test_notification_recipient_checked_by_channel() -> None:
    base = {
        "case_id": "c1",
        "template": "family.closed",
        "sent_at": "2026-11-29T10:00:00+08:00",
        "idempotency_key": "c1:family.closed",
    }
    sms = Notification.model_validate({**base, "channel": "sms", "recipient": "+86 139 1234 5678"})
    assert sms.recipient == "13912345678"
    assert (
        errors_of({**base, "channel": "sms", "recipient": "hello"}, Notification)[0]["type"]
        == "phone.mobile"
    )
    assert (
        errors_of({**base, "channel": "dingtalk", "recipient": "群 一"}, Notification)[0]["type"]
        == "notification.dingtalk_recipient"
    )
    no_key = {k: v for k, v in base.items() if k != "idempotency_key"}
    assert (
        errors_of({**no_key, "channel": "sms", "recipient": "13912345678"}, Notification)[0]["type"]
        == "missing"
    )


def test_unit_record_standard_template() -> None:
    record = UnitRecord.model_validate(
        {
            "unit": "hrss",
            "period": "2026-11-01",
            "name": "王小明",
            "id_number": CITIZEN,
            "died_on": "2026-11-28",
            "pension_last_paid_month": "2026-12-01",
        }
    )
    assert record.birth_date == date(1940, 3, 1) and record.sex is Sex.MALE
    assert record.identity_key == f"citizen_id:{CITIZEN}"
    bad = {
        "unit": "hrss",
        "period": "2026-11-15",
        "name": "王小明",
        "died_on": "2026-11-28",
        "id_number": CITIZEN,
    }
    assert errors_of(bad, UnitRecord)[0]["type"] == "unit_record.month"
    later = {**bad, "period": "2026-10-01"}
    assert errors_of(later, UnitRecord)[0]["type"] == "unit_record.died_after_period"
    grid = {**bad, "period": "2026-11-01", "unit": "grid"}
    assert errors_of(grid, UnitRecord)[0]["type"] == "unit_record.unit"


def test_fake_reports_are_valid_and_reproducible() -> None:
    first = [fake_death_report(random.Random(11)) for _ in range(2)]
    assert first[0] == first[1]
    reports = [fake_death_report(random.Random(seed)) for seed in range(200)]
    assert all(
        DeathReport.model_validate(copy.deepcopy(r.model_dump()), context={"now": None})
        for r in reports
    )
    assert {r.deceased.address.township for r in reports} == set(Township)
    assert sum(not r.on_time for r in reports) < 20  # most reports are on time


def test_case_township_must_match_the_address() -> None:
    with pytest.raises(ValidationError) as info:
        _case(township="黄坛镇")
    assert info.value.errors()[0]["type"] == "case.township_mismatch"


@pytest.mark.parametrize("id_type", [IdType.PASSPORT, IdType.NONE])
def test_fakes_cover_the_certificate_code_branches(id_type: IdType) -> None:
    report = fake_death_report(random.Random(3), id_type=id_type)
    assert report.deceased.id_type is id_type
    if id_type is IdType.NONE:
        assert report.deceased.name is None and report.deceased.identity_key is None
    else:
        assert report.deceased.identity_key == f"passport:{report.deceased.id_number}"


def test_hospital_reporter_names_the_institution() -> None:
    data = report_data()
    data["reporter"]["role"] = "hospital"
    assert errors_of(data)[0]["type"] == "reporter.organisation"
    data["reporter"]["organisation"] = "宁海县第一医院"
    assert DeathReport.model_validate(data).reporter.organisation == "宁海县第一医院"

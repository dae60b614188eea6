"""The 2026 certificate rules: code branches, forms, reporting deadlines, parts, reissue."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest
from pydantic import ValidationError

from domain.certificate import (
    NINGHAI_PARTS,
    CodeBasis,
    certificate_code,
    forms_to_issue,
    is_issuer_serial_code,
    name_on_certificate,
    reporting_deadline,
    rules_in_force,
)
from domain.clock import SHANGHAI
from domain.enums import CertificateForm, CertificatePart, IdType, IssueKind
from domain.errors import DomainError
from domain.ids import generate_uscc
from domain.models import Certificate

CITIZEN = "11010519491231002X"
USCC = "91350100M000100Y43"


def test_code_is_the_citizen_id() -> None:
    code = certificate_code(IdType.CITIZEN_ID, "11010519491231002x")
    assert code.code == CITIZEN and code.basis is CodeBasis.CITIZEN_ID
    assert code.id_type_shown == "居民身份证"


def test_code_is_the_passport_number_without_citizen_id() -> None:
    code = certificate_code(IdType.PASSPORT, "e12345678", issuer_uscc=USCC, serial=3)
    assert code.code == "E12345678" and code.basis is CodeBasis.OTHER_ID


def test_code_without_any_id_is_uscc_plus_four_digit_serial() -> None:
    code = certificate_code(IdType.NONE, None, issuer_uscc=USCC.lower(), serial=7)
    assert code.code == USCC + "0007"
    assert code.basis is CodeBasis.ISSUER_SERIAL and code.id_type_shown == "无"
    assert is_issuer_serial_code(code.code)
    assert not is_issuer_serial_code(CITIZEN)
    assert name_on_certificate(IdType.NONE, "小宝") == "无"
    assert name_on_certificate(IdType.CITIZEN_ID, " 王芳 ") == "王芳"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({}, "certificate.issuer_required"),
        ({"issuer_uscc": USCC}, "certificate.serial_range"),
        ({"issuer_uscc": USCC, "serial": 0}, "certificate.serial_range"),
        ({"issuer_uscc": USCC, "serial": 10000}, "certificate.serial_range"),
        ({"issuer_uscc": USCC[:-1] + "4", "serial": 1}, "uscc.check"),
    ],
)
def test_no_id_branch_needs_issuer_and_serial(kwargs: dict[str, object], error: str) -> None:
    with pytest.raises(DomainError) as info:
        certificate_code(IdType.NONE, None, **kwargs)  # type: ignore[arg-type]
    assert info.value.code == error


def test_bad_citizen_id_cannot_become_a_code() -> None:
    with pytest.raises(DomainError) as info:
        certificate_code(IdType.CITIZEN_ID, "110105194912310021")
    assert info.value.code == "citizen_id.check"


def test_forms_both_from_2027() -> None:
    assert forms_to_issue(date(2026, 12, 31)) == (CertificateForm.PAPER,)
    assert forms_to_issue(date(2026, 12, 31), frozenset({CertificateForm.ELECTRONIC})) == (
        CertificateForm.ELECTRONIC,
    )
    assert forms_to_issue(date(2027, 1, 1), frozenset({CertificateForm.PAPER})) == (
        CertificateForm.PAPER,
        CertificateForm.ELECTRONIC,
    )
    assert not rules_in_force(date(2026, 6, 30)) and rules_in_force(date(2026, 7, 1))


def test_reporting_deadlines_in_working_days() -> None:
    issued = datetime(2026, 9, 30, 15, 0, tzinfo=SHANGHAI)
    assert reporting_deadline(CertificateForm.ELECTRONIC, issued).last_day == date(2026, 10, 13)
    # paper: 15 working days: Oct 8,9,10(调休),12-16 (8), 19-23 (13), 26, 27 → Oct 27
    assert reporting_deadline(CertificateForm.PAPER, issued).last_day == date(2026, 10, 27)


def _certificate(**overrides: object) -> Certificate:
    data: dict[str, object] = {
        "case_id": "c1",
        "code": CITIZEN,
        "form": "paper",
        "deceased_name": "王芳",
        "id_type": "citizen_id",
        "id_number": CITIZEN,
        "issuer_name": "宁海县前童镇卫生院",
        "issuer_uscc": USCC,
        "issued_at": "2026-11-29T10:00:00+08:00",
    }
    data.update(overrides)
    return Certificate.model_validate(data)


def test_paper_certificate_has_ninghai_three_parts() -> None:
    cert = _certificate()
    assert cert.parts == NINGHAI_PARTS
    assert CertificatePart.POLICE not in cert.parts
    assert cert.reporting_deadline.last_day == date(2026, 12, 18)
    assert cert.reported_on_time is None


def test_electronic_certificate_has_no_parts() -> None:
    assert _certificate(form="electronic").parts == ()
    with pytest.raises(ValidationError) as info:
        _certificate(form="electronic", parts=["stub"])
    assert info.value.errors()[0]["type"] == "certificate.electronic_parts"


def test_police_part_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        _certificate(parts=["stub", "police", "family", "funeral"])
    assert "公安联" in info.value.errors()[0]["msg"]


def test_code_must_follow_the_rule() -> None:
    with pytest.raises(ValidationError) as info:
        _certificate(code="NH-2026-0001")
    assert info.value.errors()[0]["type"] == "certificate.code_rule"
    assert CITIZEN in info.value.errors()[0]["msg"]


def test_no_id_certificate_shows_none_for_name() -> None:
    uscc = generate_uscc(random.Random(5))
    cert = _certificate(
        code=f"{uscc}0042",
        id_type="none",
        id_number=None,
        deceased_name="无",
        issuer_uscc=uscc,
        serial=42,
    )
    assert cert.code.endswith("0042")
    with pytest.raises(ValidationError) as info:
        _certificate(
            code=f"{uscc}0042",
            id_type="none",
            id_number=None,
            deceased_name="小宝",
            issuer_uscc=uscc,
            serial=42,
        )
    assert info.value.errors()[0]["type"] == "certificate.name_none"


def test_reissue_keeps_code_and_marks_reissue() -> None:
    original = _certificate(reported_at="2026-11-30T10:00:00+08:00")
    assert original.reported_on_time is True
    again = original.reissue(issued_at=datetime(2026, 12, 20, 9, tzinfo=SHANGHAI), sequence_no=2)
    assert again.code == original.code and again.issue_kind is IssueKind.REISSUE
    assert again.sequence_no == 2 and again.reported_at is None
    with pytest.raises(DomainError):
        original.reissue(issued_at=datetime(2026, 12, 20, 9, tzinfo=SHANGHAI), sequence_no=1)


def test_original_must_be_sequence_one() -> None:
    with pytest.raises(ValidationError) as info:
        _certificate(sequence_no=2)
    assert info.value.errors()[0]["type"] == "certificate.sequence"

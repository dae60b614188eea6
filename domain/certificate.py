"""Rules of the medical death certificate (《居民死亡医学证明》).

National rules 国卫规划发〔2026〕5号, in force 2026-07-01:

* **Code.** The certificate code is the deceased's citizen ID number; without one, another legal
  ID number (e.g. the passport number); without any ID (an unregistered infant, an unidentified
  body) the name and the ID type on the form are "无" and the code is the issuing institution's
  unified social credit code followed by a 4-digit serial that restarts every year. A serial code
  is therefore unique only together with its year (the ledger allocates serials per issuer and
  year).
* **Forms.** Paper and electronic certificates (电子证照) are equally valid; from 2027-01-01 both
  are issued together for every death.
* **Reporting.** A paper certificate is reported to the population death information system
  within 15 working days of issue; an electronic one is exchanged to the national platform within
  5 working days.
* **Reissue.** A lost certificate is reissued (补发); the reissue carries the same code.

Ninghai's three-part form: the national form has four parts (stub, police, family, funeral);
Ninghai dropped the police part because police deregister households from shared information
("what can be checked online needs no paper"). The "two no limits" mean any document proving
the death is a valid proof and the family may ask for any number of copies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from domain.deadlines import DayDeadline, working_days_deadline
from domain.enums import CertificateForm, CertificatePart, IdType
from domain.errors import DomainError
from domain.ids import normalize_id_number, validate_uscc
from domain.workdays import DEFAULT_CALENDAR, WorkdayCalendar

RULES_IN_FORCE = date(2026, 7, 1)
BOTH_FORMS_FROM = date(2027, 1, 1)
NONE_MARK = "无"  # name and ID type on the form when the deceased has no ID at all
MAX_YEARLY_SERIAL = 9999

NATIONAL_PARTS: tuple[CertificatePart, ...] = (
    CertificatePart.STUB,
    CertificatePart.POLICE,
    CertificatePart.FAMILY,
    CertificatePart.FUNERAL,
)
NINGHAI_PARTS: tuple[CertificatePart, ...] = (
    CertificatePart.STUB,
    CertificatePart.FAMILY,
    CertificatePart.FUNERAL,
)

REPORTING_WORKING_DAYS: dict[CertificateForm, int] = {
    CertificateForm.PAPER: 15,  # to the population death information system
    CertificateForm.ELECTRONIC: 5,  # exchanged to the national platform
}


class CodeBasis(StrEnum):
    """Which branch of the code rule produced a certificate code."""

    CITIZEN_ID = "citizen_id"
    OTHER_ID = "other_id"
    ISSUER_SERIAL = "issuer_serial"


@dataclass(frozen=True, slots=True)
class CertificateCode:
    """A certificate code and how it was formed."""

    code: str
    basis: CodeBasis
    id_type_shown: str  # what the form shows in the ID-type field ("无" without ID)
    serial: int | None = None

    def __str__(self) -> str:
        return self.code


def certificate_code(
    id_type: IdType,
    id_number: str | None,
    *,
    issuer_uscc: str | None = None,
    serial: int | None = None,
) -> CertificateCode:
    """Apply the 2026 code rule.

    With a citizen ID or another legal ID the code is that number (validated here); with
    ``IdType.NONE`` the issuer's unified social credit code and the yearly ``serial`` (1-9999,
    allocated by the ledger) are required.
    """
    if id_type is IdType.CITIZEN_ID:
        number = normalize_id_number(id_type, id_number)
        assert number is not None
        return CertificateCode(number, CodeBasis.CITIZEN_ID, id_type.label_zh)
    if id_type is not IdType.NONE:
        number = normalize_id_number(id_type, id_number)
        assert number is not None
        return CertificateCode(number, CodeBasis.OTHER_ID, id_type.label_zh)
    normalize_id_number(id_type, id_number)  # rejects a number given with type NONE
    if not issuer_uscc:
        raise DomainError(
            "certificate.issuer_required",
            "死者无任何身份证件时，须提供签发机构的统一社会信用代码",
            "without any ID the issuing institution's unified social credit code is required",
        )
    uscc = validate_uscc(issuer_uscc)
    if serial is None or not 1 <= serial <= MAX_YEARLY_SERIAL:
        raise DomainError(
            "certificate.serial_range",
            f"年度流水号应为1至{MAX_YEARLY_SERIAL}",
            f"the yearly serial must be between 1 and {MAX_YEARLY_SERIAL}, got {serial}",
        )
    return CertificateCode(f"{uscc}{serial:04d}", CodeBasis.ISSUER_SERIAL, NONE_MARK, serial)


_SERIAL_CODE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}\d{4}")


def is_issuer_serial_code(code: str) -> bool:
    """True when ``code`` has the USCC + 4-digit serial shape (the no-ID branch)."""
    return bool(_SERIAL_CODE.fullmatch(code)) and code[-4:] != "0000"


def name_on_certificate(id_type: IdType, name: str | None) -> str:
    """The name field: "无" when the deceased has no ID at all, else the name."""
    if id_type is IdType.NONE:
        return NONE_MARK
    if not (name or "").strip():
        raise DomainError(
            "certificate.name_missing", "缺少死者姓名", "the deceased's name is missing"
        )
    return (name or "").strip()


def forms_to_issue(
    issued_on: date, requested: frozenset[CertificateForm] | None = None
) -> tuple[CertificateForm, ...]:
    """Forms to issue for a death: both from 2027-01-01, else those requested (default paper)."""
    if issued_on >= BOTH_FORMS_FROM:
        return (CertificateForm.PAPER, CertificateForm.ELECTRONIC)
    chosen = requested or frozenset({CertificateForm.PAPER})
    return tuple(form for form in CertificateForm if form in chosen)


def parts_for(form: CertificateForm) -> tuple[CertificatePart, ...]:
    """Ninghai's three parts for paper; an electronic certificate has no parts."""
    return NINGHAI_PARTS if form is CertificateForm.PAPER else ()


def reporting_deadline(
    form: CertificateForm, issued_at: datetime, *, workdays: WorkdayCalendar = DEFAULT_CALENDAR
) -> DayDeadline:
    """When the certificate must have reached the death information system / national platform."""
    return working_days_deadline(issued_at, REPORTING_WORKING_DAYS[form], workdays=workdays)


def rules_in_force(on: date) -> bool:
    """Whether 国卫规划发〔2026〕5号 applies to a certificate issued on ``on``."""
    return on >= RULES_IN_FORCE

"""Request and response bodies of the case API, with the examples OpenAPI shows.

The intake body is the domain's own :class:`~domain.models.report.DeathReport`, so the API
validates exactly the rules the domain states (ID check characters, 12-hour lateness,
close relatives ...). Callback bodies are small: the case and the acting unit are in the
URL and the token; only what the unit knows is in the body. Example data is generated
(valid check characters, no real person).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.enums import ActionKind, CertificateForm, Unit

EXAMPLE_REPORT: dict[str, Any] = {
    "deceased": {
        "name": "林某华",
        "id_type": "citizen_id",
        "id_number": "330226194403150011",
        "died_at": "2026-11-29T06:10:00+08:00",
        "place_of_death": "home",
        "address": {"township": "桃源街道", "village": "下畈村", "detail": "18号"},
    },
    "reporter": {"role": "grid_worker", "name": "王某平", "phone": "13800000001"},
    "family_contact": {"name": "林某强", "phone": "13900000002", "relation": "son"},
    "reported_at": "2026-11-29T08:00:00+08:00",
    "profile": {"has_pension": True, "receives_welfare": ["old_age_allowance"]},
}


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class AcknowledgementIn(_Body):
    """A unit read the death summary (指令). ``unit`` defaults to the caller's own unit; it
    must be a unit the caller's role acts for."""

    unit: Unit | None = None
    acknowledged_at: datetime | None = Field(
        default=None, description="when it was read; default: now"
    )
    model_config = ConfigDict(json_schema_extra={"examples": [{"unit": "police"}]})


class CertificateIn(_Body):
    """The medical death certificate (《居民死亡医学证明》) as issued by the health institution.

    The code must follow the 2026 rule: the deceased's ID number, or without any ID the
    issuer's unified social credit code + the 4-digit yearly ``serial``. A code that is
    given is checked (422 when wrong); without one the API forms it — for a deceased without
    any ID it allocates the issuer's next yearly serial (the answer says which).
    """

    code: str | None = Field(default=None, min_length=5, max_length=40)
    forms: list[CertificateForm] = Field(
        default_factory=lambda: [CertificateForm.PAPER],
        min_length=1,
        description="paper and/or electronic (both from 2027-01-01, equally valid)",
    )
    issuer_name: str = Field(min_length=1, max_length=100)
    issuer_uscc: str = Field(min_length=18, max_length=18)
    serial: int | None = Field(default=None, ge=1, le=9999)
    issued_at: datetime
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "330226194403150011",
                    "forms": ["paper"],
                    "issuer_name": "宁海县桃源街道社区卫生服务中心",
                    "issuer_uscc": "12330226MB0000001H",
                    "issued_at": "2026-11-29T10:30:00+08:00",
                }
            ]
        }
    )


class NonNormalFindingIn(_Body):
    """The doctor found the death not normal: the police take over, the normal flow stops."""

    finding: str = Field(min_length=2, max_length=500, description="what was found")
    found_at: datetime
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"finding": "颈部外伤，疑似非自然死亡", "found_at": "2026-11-29T10:00:00+08:00"}
            ]
        }
    )


class NoticeDeliveredIn(_Body):
    """The grid worker handed the 30-day deregistration notice and the cremation contact."""

    delivered_at: datetime
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"delivered_at": "2026-11-29T10:40:00+08:00"}]}
    )


class DoneIn(_Body):
    """A downstream step done by the calling unit (cremation, household deregistration)."""

    done_at: datetime
    reference: str | None = Field(default=None, max_length=200, description="the unit's own number")
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"done_at": "2026-11-30T09:00:00+08:00", "reference": "HZ-2026-0815"}]
        }
    )


BenefitAction = Literal[
    "welfare_stopped",
    "funeral_subsidy",
    "pension_stopped",
    "survivor_benefits",
    "disability_card_cancelled",
]


class BenefitActionIn(_Body):
    """Civil affairs, HRSS or DPF stopped or settled a benefit."""

    action: BenefitAction
    done_at: datetime
    reference: str | None = Field(default=None, max_length=200)
    details: dict[str, Any] = Field(default_factory=dict)
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "action": "pension_stopped",
                    "done_at": "2026-11-30T09:30:00+08:00",
                    "reference": "YL-330226-77",
                    "details": {"last_paid_month": "2026-11"},
                }
            ]
        }
    )


class ReportedIn(_Body):
    """The certificate reached the death information system / the national platform."""

    reported_at: datetime
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"reported_at": "2026-12-02T15:00:00+08:00"}]}
    )


ProofKind = Literal["medical_certificate", "cremation_proof", "deregistration_proof", "death_proof"]


class ProofRequestIn(_Body):
    """The family asks for death proofs: any number, any time (两个不限). ``request_id``
    makes a retried request safe; without it every call is a new request."""

    request_id: str | None = Field(default=None, min_length=1, max_length=64)
    kind: ProofKind = "medical_certificate"
    copies: int = Field(default=1, ge=1, le=20)
    delivery: Literal["in_person", "letter", "electronic"] = "electronic"
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"request_id": "req-7f3a", "copies": 2}]}
    )


class CallbackOut(BaseModel):
    """The answer to every callback. A replay answers ``recorded: false`` and changes nothing."""

    case_id: str
    action: ActionKind
    recorded: bool = Field(description="false when this was a replay of a recorded action")
    message: str | None = Field(default=None, description="the process message published")
    reference: str | None = Field(default=None, description="e.g. the certificate code")


class TimelineEntry(BaseModel):
    """One step of the case: done (``at`` set, ``actor`` who acted) or still pending (``at``
    null) with its deadline; ``on_time`` is false for a step done late or overdue now."""

    step: str
    label_zh: str
    state: Literal["done", "pending"] = "done"
    at: datetime | None
    due_at: datetime | None = None
    on_time: bool | None = None
    actor: str | None = None
    reference: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class CaseSummaryOut(BaseModel):
    id: str
    status: str
    stage: str
    township: str
    deceased_name: str | None
    died_at: datetime
    reported_at: datetime
    report_late: bool
    certificate_due_at: datetime | None
    certificate_at: datetime | None
    closed_at: datetime | None
    report_count: int


class CaseOut(CaseSummaryOut):
    deceased: dict[str, Any]
    family_contact: dict[str, Any] | None
    profile: dict[str, Any]
    process_instance_key: int | None = None
    timeline: list[TimelineEntry]


class ReportOut(BaseModel):
    case_id: str
    joined: bool = Field(description="true when the report joined an already open case")
    report_count: int
    report_late: bool
    family_link: str | None = None
    case: CaseSummaryOut


class CertificateCopyOut(BaseModel):
    case_id: str
    code: str
    issue_kind: str
    sequence_no: int
    issued_at: datetime
    issuer_name: str


class FamilyProgressOut(BaseModel):
    case_id: str
    deceased_name: str | None
    status: str
    stage: str
    steps: list[TimelineEntry]
    certificate_available: bool
    copies_issued: int

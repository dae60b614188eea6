"""The API's side of the BPMN contract (bpmn/README.md): start variables and messages.

Kept in one module so the names the diagram depends on are in one place: the start
variables (no personal data — names, ID numbers and phones stay in the ledger), and for
each callback the message name, correlation key, variables, message id and TTL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from domain.clock import to_feel
from domain.ledger import ReportEntry
from domain.models import Case, DeathReport, ProfileFlags


def profile_variables(profile: ProfileFlags) -> dict[str, Any]:
    return {
        "hasPension": profile.has_pension,
        "hasSocialInsurance": profile.has_social_insurance,
        "receivesWelfare": sorted(w.value for w in profile.receives_welfare),
        "hasDisabilityCard": profile.has_disability_card,
        "isBusinessOwner": profile.is_business_owner,
    }


def start_variables(case: Case, reporter_role: str) -> dict[str, Any]:
    """Exactly the contract's start variables."""
    deceased = case.deceased
    return {
        "caseId": case.id,
        "diedAt": to_feel(deceased.died_at),
        "reportedAt": to_feel(case.reported_at),
        "township": case.township.value,
        "village": deceased.address.village,
        "placeOfDeath": deceased.place_of_death.value,
        "idType": deceased.id_type.value,
        "reporterRole": reporter_role,
        "profile": profile_variables(case.profile),
    }


def start_variables_for_report(case: Case, report: DeathReport) -> dict[str, Any]:
    return start_variables(case, report.reporter.role.value)


def start_variables_for_case(case: Case, reports: list[ReportEntry]) -> dict[str, Any]:
    """For a case whose instance was not started at intake: the first report's reporter."""
    role = "grid_worker"
    if reports:
        role = str(reports[0].payload.get("reporter", {}).get("role", role))
    return start_variables(case, role)


@dataclass(frozen=True)
class Message:
    name: str
    correlation_key: str
    message_id: str
    ttl: timedelta
    variables: dict[str, Any]

    @property
    def ttl_ms(self) -> int:
        return int(self.ttl.total_seconds() * 1000)


def duplicate_report(case_id: str, report_id: int, reported_at: str, role: str) -> Message:
    return Message(
        "duplicate-report-received",
        case_id,
        f"dup:{report_id}",
        timedelta(hours=1),
        {
            "duplicateReport": {
                "reportId": str(report_id),
                "reportedAt": reported_at,
                "reporterRole": role,
            }
        },
    )


def acknowledged(case_id: str, unit: str) -> Message:
    return Message(
        "directive-acknowledged",
        f"{case_id}:{unit}",
        f"ack:{case_id}:{unit}",
        timedelta(hours=24),
        {},
    )


def notice_delivered(case_id: str, at: str) -> Message:
    return Message(
        "notice-delivered",
        case_id,
        f"notice:{case_id}",
        timedelta(days=7),
        {"noticeDeliveredAt": at},
    )


def certificate_issued(case_id: str, code: str, forms: list[str], at: str) -> Message:
    return Message(
        "certificate-issued",
        case_id,
        f"certificate:{case_id}",
        timedelta(days=7),
        {"certificateCode": code, "certificateForms": forms, "certificateIssuedAt": at},
    )


def non_normal_death(case_id: str, finding: str) -> Message:
    return Message(
        "non-normal-death-found",
        case_id,
        f"non-normal:{case_id}",
        timedelta(hours=1),
        {"nonNormalFinding": finding},
    )


def cremation_recorded(case_id: str, at: str) -> Message:
    return Message(
        "cremation-recorded",
        case_id,
        f"cremation:{case_id}",
        timedelta(days=30),
        {"crematedAt": at},
    )


def paper_reported(case_id: str, at: str) -> Message:
    return Message(
        "paper-certificate-reported",
        case_id,
        f"paper-report:{case_id}",
        timedelta(days=30),
        {"paperReportedAt": at},
    )


def electronic_exchanged(case_id: str, at: str) -> Message:
    return Message(
        "electronic-certificate-exchanged",
        case_id,
        f"e-exchange:{case_id}",
        timedelta(days=30),
        {"electronicExchangedAt": at},
    )


def copy_requested(case_id: str, request: dict[str, Any]) -> Message:
    return Message(
        "certificate-copy-requested",
        case_id,
        f"copy:{request['requestId']}",
        timedelta(hours=1),
        {"copyRequest": request},
    )

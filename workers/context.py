"""What every task handler gets: the ledger, the notice sender, the department adapters,
the settings and a clock; plus the helpers all departments share (case fields for the
templates, recording an action once, the crash hook of the kill test).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from pyzeebe import Job

from domain.clock import SHANGHAI, to_feel
from domain.deadlines import household_deregistration_deadline
from domain.enums import ActionKind, Unit
from domain.family_links import family_link
from domain.models import Case, Certificate, DepartmentAction, action_idempotency_key
from workers.adapters.interfaces import (
    ActionRequest,
    ActionResult,
    CivilAffairsSystem,
    DisabilitySystem,
    HrssSystem,
    MarketSupervisionSystem,
    PoliceSystem,
)
from workers.notices import NoticeSender
from workers.ports import WorkerLedger
from workers.settings import WorkerSettings

log = structlog.get_logger(__name__)


@dataclass
class Departments:
    police: PoliceSystem
    civil: CivilAffairsSystem
    hrss: HrssSystem
    dpf: DisabilitySystem
    market: MarketSupervisionSystem


@dataclass
class Context:
    settings: WorkerSettings
    ledger: WorkerLedger
    notices: NoticeSender
    departments: Departments
    clock: Callable[[], datetime]

    def crash_point(self, job: Job) -> None:
        """Test hook: die right after the task's effect is durable, before completing the job
        (the e2e "worker killed in the middle of a job" test sets the task type)."""
        if self.settings.shenhou_worker_crash_after_action == job.type:
            log.warning("crash hook: exiting before completing the job", task=job.type)
            os._exit(70)

    def case_link(self, case_id: str) -> str:
        return f"{self.settings.public_url}/cases/{case_id}"

    def family_link(self, case_id: str) -> str:
        return family_link(
            self.settings.public_url, self.settings.shenhou_family_link_secret, case_id
        )

    def fields(
        self, case: Case, certificate: Certificate | None = None, **extra: Any
    ) -> dict[str, Any]:
        """Everything a template may need about a case (templates mask what they must)."""
        deceased = case.deceased
        contact = case.family_contact
        due = case.certificate_due_at
        fields: dict[str, Any] = {
            "case_id": case.id,
            "deceased_name": deceased.name or "无名氏",
            "deceased_id_number": deceased.id_number or "无",
            "died_at": _local(deceased.died_at),
            "place_of_death": _PLACE_ZH.get(deceased.place_of_death.value, "其他"),
            "township": case.township.value,
            "village": deceased.address.village,
            "reported_at": _local(case.reported_at),
            "reporter_role": "—",
            "contact_name": contact.name if contact else "家属",
            "contact_phone": contact.phone if contact else "—",
            "certificate_due": _local(due) if due else "—",
            "deregistration_due": household_deregistration_deadline(
                deceased.died_at
            ).last_day.isoformat(),
            "case_link": self.case_link(case.id),
            "family_link": self.family_link(case.id),
            "cremation_contact": self.settings.shenhou_cremation_contact,
            "certificate_code": certificate.code if certificate else "—",
            "finding": "—",
            "report_delay": "—",
            "pending_units": "—",
            "step_label": "—",
            "reporting_due": "—",
            "copy_no": "—",
            "registration_place": "—",
        }
        fields.update(extra)
        return fields

    def request(
        self, case: Case, unit: Unit, kind: ActionKind, certificate: Certificate | None
    ) -> ActionRequest:
        """What a department is asked to do. One request per (case, unit, action): a task
        that does two things (welfare stop and funeral subsidy) sends two requests with two
        idempotency keys, so a department never mistakes the second for a replay."""
        return ActionRequest(
            case_id=case.id,
            action=kind.value,
            id_type=case.deceased.id_type.value,
            deceased_id_number=case.deceased.id_number,
            deceased_name=case.deceased.name or "无",
            died_at=case.deceased.died_at,
            township=case.township.value,
            certificate_code=certificate.code if certificate else None,
            idempotency_key=action_idempotency_key(case.id, unit, kind),
        )

    async def act_once(
        self,
        job: Job,
        case: Case,
        unit: Unit,
        kind: ActionKind,
        perform: Callable[[ActionRequest], Awaitable[ActionResult]],
        *,
        performed_hint: bool = True,
    ) -> DepartmentAction:
        """Do a department action exactly once per (case, unit, action).

        An action already in the ledger (a redelivered job, or the department recorded it
        through the API first) is not performed again: its first record is returned and the
        job completes with the same variables as the first time.
        """
        existing = await self.ledger.find_action(case.id, unit, kind)
        if existing is not None:
            log.info("action already recorded; not acting again", case_id=case.id, action=kind)
            return existing
        certificate = await self.ledger.certificate(case.id)
        result = await perform(self.request(case, unit, kind, certificate))
        stored, _ = await self.ledger.record_action(
            DepartmentAction(
                case_id=case.id,
                unit=unit,
                action=kind,
                done_at=result.done_at,
                reference=result.reference,
                details={**result.details, "performed": result.performed and performed_hint},
            )
        )
        self.crash_point(job)
        return stored


_PLACE_ZH = {
    "home": "家中",
    "hospital": "医疗卫生机构",
    "nursing_home": "养老机构",
    "en_route": "来院途中",
    "other": "其他",
}


def _local(value: datetime) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def feel(value: datetime | None) -> str | None:
    """A variable's date-time as the contract wants it (ISO 8601 with offset, seconds)."""
    return None if value is None else to_feel(value)


def case_id_of(job: Job) -> str:
    case_id = var(job, "caseId")
    if not isinstance(case_id, str) or not case_id:
        raise ValueError(f"job {job.key} ({job.type}) has no caseId variable")
    return case_id


def var(job: Job, name: str, default: Any = None) -> Any:
    """A job variable, untyped: each handler validates what it reads."""
    variables: Mapping[str, Any] = job.variables
    return variables.get(name, default)


def time_var(job: Job, name: str) -> datetime:
    """A date-time variable; it must carry its offset (contract: ISO 8601 with offset)."""
    value = var(job, name)
    if not isinstance(value, str):
        raise ValueError(f"variable {name} missing or not a date-time string")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"variable {name} has no offset: {value}")
    return parsed

"""What each open case still waits for, who owes it, and by when.

A supervisor's question is "which cases are late, and at whose desk?", so every open case is
reduced to its pending steps, each with the unit that owes it and the domain's own deadline
(``domain.deadlines``): the certificate 24 h after the directive (from the report while the
directive is pending), cremation within three days of the certificate, household
deregistration within a month of the death, benefit stops by the first unpaid month.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from domain.clock import SHANGHAI
from domain.deadlines import first_unpaid_month, household_deregistration_deadline
from domain.enums import ActionKind, CaseStage, Unit
from domain.models import Case

CERTIFICATE_HOURS = 24
CREMATION_DAYS = 3
LABELS_ZH = {
    ActionKind.CERTIFICATE_ISSUED: "出具死亡医学证明",
    ActionKind.CREMATION: "火化",
    ActionKind.HOUSEHOLD_DEREGISTRATION: "注销户籍",
    ActionKind.WELFARE_STOPPED: "停发社会救助",
    ActionKind.PENSION_STOPPED: "停发养老金与社保",
    ActionKind.DISABILITY_CARD_CANCELLED: "注销残疾人证",
}


@dataclass(frozen=True)
class PendingStep:
    action: ActionKind
    unit: Unit
    due_at: datetime | None

    def overdue(self, now: datetime) -> bool:
        return self.due_at is not None and self.due_at < now


def _month_start(day_of_death: datetime) -> datetime:
    return datetime.combine(first_unpaid_month(day_of_death), time(0), tzinfo=SHANGHAI)


def pending_steps(case: Case, done: Iterable[ActionKind]) -> list[PendingStep]:
    """The steps of an open case not yet recorded, soonest deadline first."""
    finished = set(done)
    died_at = case.deceased.died_at
    steps: list[PendingStep] = []
    if case.stage in (CaseStage.REPORTED, CaseStage.DIRECTED):
        due = case.certificate_due_at or case.reported_at + timedelta(hours=CERTIFICATE_HOURS)
        steps.append(PendingStep(ActionKind.CERTIFICATE_ISSUED, Unit.HEALTH, due))
    elif case.stage in (CaseStage.CERTIFIED, CaseStage.DOWNSTREAM):
        certified = case.certificate_at
        candidates = [
            PendingStep(
                ActionKind.CREMATION,
                Unit.FUNERAL_HOME,
                certified + timedelta(days=CREMATION_DAYS) if certified else None,
            ),
            PendingStep(
                ActionKind.HOUSEHOLD_DEREGISTRATION,
                Unit.POLICE,
                household_deregistration_deadline(died_at).due_at,
            ),
        ]
        profile = case.profile
        if profile.receives_welfare:
            candidates.append(
                PendingStep(ActionKind.WELFARE_STOPPED, Unit.CIVIL_AFFAIRS, _month_start(died_at))
            )
        if profile.has_pension or profile.has_social_insurance:
            candidates.append(
                PendingStep(ActionKind.PENSION_STOPPED, Unit.HRSS, _month_start(died_at))
            )
        if profile.has_disability_card:
            candidates.append(
                PendingStep(ActionKind.DISABILITY_CARD_CANCELLED, Unit.DPF, _month_start(died_at))
            )
        steps = [s for s in candidates if s.action not in finished]
    far = datetime.max.replace(tzinfo=SHANGHAI)
    return sorted(steps, key=lambda s: s.due_at or far)

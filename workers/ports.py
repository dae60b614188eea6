"""What the workers need from the ledger (the death-information database), as one port.

Process variables carry no personal data (bpmn/README.md), so a worker loads the case by
``caseId`` and writes what its unit did back to the ledger. The idempotency of every task
rests on this port: ``record_action`` keeps the *first* record of a (case, unit, action)
and returns it again, and ``record_notification`` the first record of a dedupe key, so a
redelivered job finds its own earlier work and completes with the same variables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.enums import ActionKind, CaseStage, CaseStatus, Unit
from domain.models import Case, Certificate, DepartmentAction, Notification


class WorkerLedger(Protocol):
    async def case(self, case_id: str) -> Case:
        """The case; raises ``LookupError`` when there is none (a technical failure: retry)."""
        ...

    async def certificate(self, case_id: str) -> Certificate | None: ...

    async def record_action(self, action: DepartmentAction) -> tuple[DepartmentAction, bool]:
        """Store the action unless one with its idempotency key exists; returns the stored
        action and whether it was stored now."""
        ...

    async def find_action(
        self, case_id: str, unit: Unit, kind: ActionKind
    ) -> DepartmentAction | None: ...

    async def acknowledged_units(self, case_id: str) -> set[Unit]: ...

    async def find_notification(self, idempotency_key: str) -> Notification | None: ...

    async def record_notification(
        self, notification: Notification
    ) -> tuple[Notification, bool]: ...

    async def set_stage(
        self,
        case_id: str,
        *,
        stage: CaseStage | None = None,
        status: CaseStatus | None = None,
        at: datetime,
    ) -> None:
        """Move the case forward (directive_at, certificate_at, closed_at ... set from ``at``
        the first time only)."""
        ...

    async def record_escalation(self, case_id: str, reason: str, at: datetime) -> bool:
        """One escalation per (case, reason) for the assessment (考核); True if new."""
        ...

    async def merge_report(self, case_id: str, report_id: str) -> bool:
        """Count a duplicate report once per report id; True if new."""
        ...

    async def issue_copy(
        self, case_id: str, request_id: str, at: datetime
    ) -> tuple[Certificate, bool]:
        """One more proof (IssueKind.COPY) per request id, no limit on requests."""
        ...

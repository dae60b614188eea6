"""The workers' :class:`~workers.ports.WorkerLedger` on the domain's :class:`Ledger`.

The ledger is synchronous SQLAlchemy (one short transaction per call); the workers are
asyncio, so each call runs in a thread and the event loop keeps polling and completing
other jobs meanwhile. Every call is committed before it returns, so a job is completed only
after its effect is durable.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from domain.enums import ActionKind, CaseStage, CaseStatus, CertificateForm, Role, Unit
from domain.ledger import Ledger
from domain.models import Actor, Case, Certificate, DepartmentAction, Notification


class LedgerWorkerPort:
    def __init__(self, ledger: Ledger, worker_name: str = "shenhou-workers") -> None:
        self.ledger = ledger
        self.actor = Actor(id=worker_name[:100], role=Role.SYSTEM)

    async def case(self, case_id: str) -> Case:
        return await asyncio.to_thread(
            self.ledger.get_case, case_id, self.actor, purpose="job worker"
        )

    async def certificate(self, case_id: str) -> Certificate | None:
        paper = await asyncio.to_thread(self.ledger.current_certificate, case_id)
        if paper is not None:
            return paper
        return await asyncio.to_thread(
            self.ledger.current_certificate, case_id, CertificateForm.ELECTRONIC
        )

    async def record_action(self, action: DepartmentAction) -> tuple[DepartmentAction, bool]:
        recorded = await asyncio.to_thread(self.ledger.record_action, action, self.actor)
        return recorded.value, recorded.created

    async def find_action(
        self, case_id: str, unit: Unit, kind: ActionKind
    ) -> DepartmentAction | None:
        entry = await asyncio.to_thread(self.ledger.find_action, case_id, unit, kind)
        return None if entry is None else entry.action

    async def acknowledged_units(self, case_id: str) -> set[Unit]:
        return await asyncio.to_thread(self.ledger.acknowledged_units, case_id)

    async def find_notification(self, idempotency_key: str) -> Notification | None:
        return await asyncio.to_thread(self.ledger.find_notification, idempotency_key)

    async def record_notification(self, notification: Notification) -> tuple[Notification, bool]:
        recorded = await asyncio.to_thread(
            self.ledger.record_notification, notification, self.actor
        )
        return recorded.value, recorded.created

    async def set_stage(
        self,
        case_id: str,
        *,
        stage: CaseStage | None = None,
        status: CaseStatus | None = None,
        at: datetime,
    ) -> None:
        await asyncio.to_thread(
            self.ledger.advance, case_id, at=at, actor=self.actor, stage=stage, status=status
        )

    async def record_escalation(self, case_id: str, reason: str, at: datetime) -> bool:
        recorded = await asyncio.to_thread(
            self.ledger.record_escalation, case_id, reason, at, self.actor
        )
        return recorded.created

    async def merge_report(self, case_id: str, report_id: str) -> bool:
        """The API stored and counted the report when it joined the case (one transaction
        with the lookup), so merging only confirms the case exists; nothing is counted twice."""
        await self.case(case_id)
        return False

    async def issue_copy(
        self, case_id: str, request_id: str, at: datetime
    ) -> tuple[Certificate, bool]:
        recorded = await asyncio.to_thread(
            self.ledger.issue_copy, case_id, request_id, at, self.actor
        )
        return recorded.value, recorded.created

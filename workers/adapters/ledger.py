"""The default department adapters: each department's record is kept in our ledger.

In the embedded setup there is no real police or HRSS system to call, so "the department
acts" means "the department's record of the act is written to the death-information
ledger", exactly once per (case, unit, action) — the same record the monthly
reconciliation (月对账) compares. Replacing one of these with the HTTP adapter changes
nothing else in the workers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from domain.enums import ActionKind, Unit
from domain.models import DepartmentAction
from workers.adapters.interfaces import ActionRequest, ActionResult
from workers.ports import WorkerLedger


class _LedgerUnit:
    unit: Unit

    def __init__(self, ledger: WorkerLedger, clock: Callable[[], datetime]) -> None:
        self._ledger = ledger
        self._clock = clock

    async def _record(
        self, request: ActionRequest, kind: ActionKind, *, performed: bool = True
    ) -> ActionResult:
        stored, now = await self._ledger.record_action(
            DepartmentAction(
                case_id=request.case_id,
                unit=self.unit,
                action=kind,
                done_at=self._clock(),
                reference=f"LEDGER-{self.unit.value}-{request.case_id}",
                details={"performed": performed, "via": "ledger"},
            )
        )
        return ActionResult(
            action=request.action,
            case_id=request.case_id,
            performed=bool(stored.details.get("performed", True)),
            done_at=stored.done_at,
            reference=stored.reference,
            replayed=not now,
        )


class LedgerPolice(_LedgerUnit):
    unit = Unit.POLICE

    async def deregister_household(self, request: ActionRequest) -> ActionResult:
        return await self._record(request, ActionKind.HOUSEHOLD_DEREGISTRATION)


class LedgerCivilAffairs(_LedgerUnit):
    unit = Unit.CIVIL_AFFAIRS

    async def stop_welfare(self, request: ActionRequest) -> ActionResult:
        return await self._record(request, ActionKind.WELFARE_STOPPED)

    async def decide_funeral_subsidy(self, request: ActionRequest) -> ActionResult:
        return await self._record(request, ActionKind.FUNERAL_SUBSIDY)


class LedgerHrss(_LedgerUnit):
    unit = Unit.HRSS

    async def stop_pension(self, request: ActionRequest) -> ActionResult:
        return await self._record(request, ActionKind.PENSION_STOPPED)

    async def settle_survivor_benefits(self, request: ActionRequest) -> ActionResult:
        return await self._record(request, ActionKind.SURVIVOR_BENEFITS)


class LedgerDisability(_LedgerUnit):
    unit = Unit.DPF

    async def cancel_disability_card(self, request: ActionRequest) -> ActionResult:
        return await self._record(request, ActionKind.DISABILITY_CARD_CANCELLED)


class LedgerMarketSupervision(_LedgerUnit):
    unit = Unit.MARKET_SUPERVISION

    async def deregister_business(self, request: ActionRequest) -> ActionResult:
        return await self._record(request, ActionKind.BUSINESS_DEREGISTRATION)

"""What the workers ask of each department's system, and what they get back.

Every action is idempotent by contract: the request carries an ``idempotency_key``
(case id + action) and an adapter must return the *first* result again for a repeated
key instead of acting twice. That is what makes a redelivered job harmless.

Failures come in two kinds, because the BPMN treats them differently:
- :class:`DepartmentRejected` — the department answered and said no for a business reason
  (e.g. no household registration under this ID number). The worker throws a BPMN error
  the diagram handles.
- :class:`DepartmentUnavailable` — we could not get an answer (timeout, 5xx, connection
  refused). The worker fails the job; the engine retries it with back-off.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from pydantic import BaseModel, Field


class ActionRequest(BaseModel):
    """The facts a department needs to act on a death, taken from the case."""

    case_id: str
    action: str
    id_type: str = "citizen_id"
    deceased_id_number: str | None
    deceased_name: str
    died_at: datetime
    township: str
    certificate_code: str | None = None
    idempotency_key: str


class ActionResult(BaseModel):
    """What the department did. ``performed`` is False when there was nothing to do
    (e.g. no pension was being paid); that is a normal outcome, not an error."""

    action: str
    case_id: str
    performed: bool
    done_at: datetime
    reference: str | None = None
    effective_date: date | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    replayed: bool = False


class DepartmentRejected(Exception):
    """A business refusal; ``code`` is a stable code the worker maps to a BPMN error, and
    ``variables`` go with it (e.g. ``householdRegistrationPlace``)."""

    def __init__(self, code: str, message: str, variables: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.variables = variables or {}


class DepartmentUnavailable(Exception):
    """No usable answer from the department's system; retry later."""


class PoliceSystem(Protocol):
    """公安 household registration: cancels the registration from shared information."""

    async def deregister_household(self, request: ActionRequest) -> ActionResult: ...


class CivilAffairsSystem(Protocol):
    """民政: stops welfare (低保, 特困供养, 高龄补贴 ...) and starts funeral subsidies."""

    async def stop_welfare(self, request: ActionRequest) -> ActionResult: ...

    async def decide_funeral_subsidy(self, request: ActionRequest) -> ActionResult: ...


class HrssSystem(Protocol):
    """人力社保: stops pension / social insurance and settles the survivors' benefits."""

    async def stop_pension(self, request: ActionRequest) -> ActionResult: ...

    async def settle_survivor_benefits(self, request: ActionRequest) -> ActionResult: ...


class DisabilitySystem(Protocol):
    """残联: cancels the disability card and its subsidies, if the deceased had one."""

    async def cancel_disability_card(self, request: ActionRequest) -> ActionResult: ...


class MarketSupervisionSystem(Protocol):
    """市场监管: handles the registration of the deceased's business (经营主体登记事项)."""

    async def deregister_business(self, request: ActionRequest) -> ActionResult: ...

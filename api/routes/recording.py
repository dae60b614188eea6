"""Shared steps of the callbacks: record a unit's act in the ledger (committed before
anything else happens), then publish the contract's message and answer — or answer 503 so the
caller retries, and the replay publishes without recording twice."""

from __future__ import annotations

from datetime import datetime

from api.auth import Principal
from api.engine_client import EngineUnavailable
from api.problems import ERROR_RESPONSES, Problem
from api.process import Message
from api.runtime import Runtime, actor_for
from api.schemas import CallbackOut
from domain.enums import ActionKind, Unit
from domain.models import Case, DepartmentAction

RESPONSES = {**ERROR_RESPONSES, 503: {"description": "已记录，引擎暂不可用，请重试 / retry"}}


async def record(
    runtime: Runtime,
    principal: Principal,
    role: str,
    case: Case,
    unit: Unit,
    kind: ActionKind,
    done_at: datetime,
    reference: str | None = None,
    details: dict[str, object] | None = None,
) -> tuple[DepartmentAction, bool]:
    action = DepartmentAction(
        case_id=case.id,
        unit=unit,
        action=kind,
        done_at=done_at,
        reference=reference,
        details=details or {},
    )
    recorded = await runtime.call(runtime.ledger.record_action, action, actor_for(principal, role))
    return recorded.value, recorded.created


async def publish(runtime: Runtime, message: Message) -> None:
    try:
        await runtime.publish(message)
    except EngineUnavailable as error:
        raise Problem(
            503,
            "engine_unavailable",
            "已记录，但流程引擎暂不可用；请稍后重试（重试不会重复记录）",
            "recorded, but the process engine is unavailable; retry later (a retry records "
            "nothing twice)",
            headers={"Retry-After": "5"},
        ) from error


async def publish_and_answer(
    runtime: Runtime,
    message: Message,
    case: Case,
    kind: ActionKind,
    recorded: bool,
    reference: str | None = None,
) -> CallbackOut:
    """Publish the contract's message for an act already recorded (503 when the engine is
    unavailable), then answer the callback."""
    await publish(runtime, message)
    return CallbackOut(
        case_id=case.id,
        action=kind,
        recorded=recorded,
        message=message.name,
        reference=reference,
    )

"""Unit callbacks: each records the unit's act in the ledger, then publishes the contract's
message to the case's process instance (certificates are in ``certificates``).

Idempotent end to end: the ledger keeps one record per (case, unit, action) and answers a
replay with ``recorded: false`` and the first record; the message carries a message id
derived from the case (and unit), so the engine drops a replayed message. The record is
committed before the message is published, and a failed publish answers 503: the caller
retries, the replay finds the record and publishes again — nothing is lost, nothing doubled.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.auth import BenefitUnits, Funeral, Grid, Health, Police, UnitStaff
from api.process import acknowledged, cremation_recorded, non_normal_death, notice_delivered
from api.routes.access import load_case, role_for_unit, runtime_of, units_of
from api.routes.recording import RESPONSES, publish_and_answer, record
from api.schemas import (
    AcknowledgementIn,
    BenefitActionIn,
    CallbackOut,
    DoneIn,
    NonNormalFindingIn,
    NoticeDeliveredIn,
)
from domain.clock import now_in_shanghai, to_feel
from domain.enums import ActionKind, Unit
from domain.logs import mask_text

router = APIRouter(tags=["callbacks"], responses={404: {"description": "no such case"}})

BENEFIT_UNITS = {
    "welfare_stopped": Unit.CIVIL_AFFAIRS,
    "funeral_subsidy": Unit.CIVIL_AFFAIRS,
    "pension_stopped": Unit.HRSS,
    "survivor_benefits": Unit.HRSS,
    "disability_card_cancelled": Unit.DPF,
}


@router.post(
    "/cases/{case_id}/acknowledgements",
    response_model=CallbackOut,
    summary="确认收到指令 / acknowledge the directive",
    responses=RESPONSES,
)
async def acknowledge(
    case_id: str,
    body: AcknowledgementIn,
    request: Request,
    principal: UnitStaff,
) -> CallbackOut:
    runtime = runtime_of(request)
    units = units_of(principal)
    unit = body.unit or sorted(units, key=lambda u: u.value)[0]
    role = role_for_unit(principal, unit)
    case = await load_case(runtime, case_id, principal, purpose="acknowledge", role=role)
    action, created = await record(
        runtime,
        principal,
        role,
        case,
        unit,
        ActionKind.DIRECTIVE_ACKNOWLEDGED,
        body.acknowledged_at or now_in_shanghai(),
    )
    message = acknowledged(case.id, unit.value)
    return await publish_and_answer(runtime, message, case, action.action, created)


@router.post(
    "/cases/{case_id}/notice-delivery",
    response_model=CallbackOut,
    summary="告知书已送达 / the 30-day notice and cremation contact were delivered",
    responses=RESPONSES,
)
async def notice_delivery(
    case_id: str,
    body: NoticeDeliveredIn,
    request: Request,
    principal: Grid,
) -> CallbackOut:
    runtime = runtime_of(request)
    case = await load_case(runtime, case_id, principal, purpose="notice delivered", role="grid")
    action, created = await record(
        runtime, principal, "grid", case, Unit.GRID, ActionKind.NOTICE_DELIVERED, body.delivered_at
    )
    message = notice_delivered(case.id, to_feel(action.done_at))
    return await publish_and_answer(runtime, message, case, action.action, created)


@router.post(
    "/cases/{case_id}/non-normal-finding",
    response_model=CallbackOut,
    summary="非正常死亡 / the death is not normal: the police take over",
    responses=RESPONSES,
)
async def non_normal_finding(
    case_id: str,
    body: NonNormalFindingIn,
    request: Request,
    principal: Health,
) -> CallbackOut:
    runtime = runtime_of(request)
    case = await load_case(runtime, case_id, principal, purpose="non-normal", role="health")
    finding = mask_text(body.finding)  # process variables carry no personal data
    action, created = await record(
        runtime,
        principal,
        "health",
        case,
        Unit.HEALTH,
        ActionKind.NOT_NORMAL_DEATH,
        body.found_at,
        details={"finding": finding},
    )
    message = non_normal_death(case.id, str(action.details.get("finding", finding)))
    return await publish_and_answer(runtime, message, case, action.action, created)


@router.post(
    "/cases/{case_id}/cremation",
    response_model=CallbackOut,
    summary="火化已办 / cremation done",
    responses=RESPONSES,
)
async def cremation(
    case_id: str,
    body: DoneIn,
    request: Request,
    principal: Funeral,
) -> CallbackOut:
    runtime = runtime_of(request)
    case = await load_case(runtime, case_id, principal, purpose="cremation", role="funeral")
    action, created = await record(
        runtime,
        principal,
        "funeral",
        case,
        Unit.FUNERAL_HOME,
        ActionKind.CREMATION,
        body.done_at,
        reference=body.reference,
    )
    message = cremation_recorded(case.id, to_feel(action.done_at))
    return await publish_and_answer(runtime, message, case, action.action, created)


@router.post(
    "/cases/{case_id}/household-deregistration",
    response_model=CallbackOut,
    summary="户籍已注销 / household deregistered",
    description="Recorded in the ledger; the process's deregistration task finds it there "
    "and completes without acting again.",
    responses=RESPONSES,
)
async def household_deregistration(
    case_id: str,
    body: DoneIn,
    request: Request,
    principal: Police,
) -> CallbackOut:
    runtime = runtime_of(request)
    case = await load_case(runtime, case_id, principal, purpose="deregistration", role="police")
    action, created = await record(
        runtime,
        principal,
        "police",
        case,
        Unit.POLICE,
        ActionKind.HOUSEHOLD_DEREGISTRATION,
        body.done_at,
        reference=body.reference,
    )
    return CallbackOut(case_id=case.id, action=action.action, recorded=created)


@router.post(
    "/cases/{case_id}/benefit-actions",
    response_model=CallbackOut,
    summary="待遇停发或核定 / a benefit stopped or settled",
    description="civil: welfare_stopped, funeral_subsidy; hrss: pension_stopped, "
    "survivor_benefits; dpf: disability_card_cancelled. Another unit's action is 403.",
    responses=RESPONSES,
)
async def benefit_action(
    case_id: str,
    body: BenefitActionIn,
    request: Request,
    principal: BenefitUnits,
) -> CallbackOut:
    runtime = runtime_of(request)
    unit = BENEFIT_UNITS[body.action]
    role = role_for_unit(principal, unit)
    case = await load_case(runtime, case_id, principal, purpose="benefit", role=role)
    action, created = await record(
        runtime,
        principal,
        role,
        case,
        unit,
        ActionKind(body.action),
        body.done_at,
        reference=body.reference,
        details=body.details,
    )
    return CallbackOut(case_id=case.id, action=action.action, recorded=created)

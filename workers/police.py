"""Public security (公安): take over a non-normal death, deregister the household from
shared information (no police copy of the certificate, no family visit), or forward it to
the police of the place of registration."""

from __future__ import annotations

from typing import Any

from pyzeebe import Job, ZeebeTaskRouter

from domain.enums import ActionKind, CaseStatus, Unit
from workers.adapters.interfaces import DepartmentRejected
from workers.context import Context, case_id_of, feel, var
from workers.failures import BpmnError
from workers.notices import unit_recipient
from workers.tasks import add_task, new_router

HOUSEHOLD_NOT_IN_COUNTY = "HOUSEHOLD_NOT_IN_COUNTY"


async def take_over_case(ctx: Context, job: Job) -> dict[str, Any]:
    case = await ctx.ledger.case(case_id_of(job))
    notice = await ctx.notices.send_once(
        job.custom_headers.get("template", "police_handover"),
        "units",
        ctx.fields(case, finding=str(var(job, "nonNormalFinding") or "—")),
        case_id=case.id,
        recipient=unit_recipient(Unit.POLICE, case.township),
        recipient_unit=Unit.POLICE,
        occurrence=str(job.element_instance_key),
    )
    await ctx.ledger.set_stage(case.id, status=CaseStatus.HANDED_TO_POLICE, at=notice.sent_at)
    return {"handedToPoliceAt": feel(notice.sent_at)}


async def deregister_household(ctx: Context, job: Job) -> dict[str, Any]:
    case = await ctx.ledger.case(case_id_of(job))
    try:
        action = await ctx.act_once(
            job,
            case,
            Unit.POLICE,
            ActionKind.HOUSEHOLD_DEREGISTRATION,
            ctx.departments.police.deregister_household,
        )
    except DepartmentRejected as refusal:
        if refusal.code == HOUSEHOLD_NOT_IN_COUNTY:
            raise BpmnError(refusal.code, refusal.message, refusal.variables) from refusal
        raise  # any other refusal: a job failure for ops (contract: no other BPMN error)
    return {"householdDeregisteredAt": feel(action.done_at)}


async def forward_deregistration(ctx: Context, job: Job) -> dict[str, Any]:
    case = await ctx.ledger.case(case_id_of(job))
    notice = await ctx.notices.send_once(
        "deregistration_forward",
        "units",
        ctx.fields(case, registration_place=str(var(job, "householdRegistrationPlace") or "—")),
        case_id=case.id,
        recipient=unit_recipient(Unit.POLICE, case.township),
        recipient_unit=Unit.POLICE,
        occurrence=str(job.element_instance_key),
    )
    return {"deregistrationForwardedAt": feel(notice.sent_at)}


def router(ctx: Context) -> ZeebeTaskRouter:
    r = new_router(ctx)
    add_task(r, ctx, "police.take-over-case", take_over_case, ["nonNormalFinding"])
    add_task(
        r,
        ctx,
        "police.deregister-household",
        deregister_household,
        ["certificateCode", "householdDeregistrationDueAt"],
    )
    add_task(
        r,
        ctx,
        "police.forward-deregistration",
        forward_deregistration,
        ["householdRegistrationPlace"],
    )
    return r

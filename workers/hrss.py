"""Human resources & social security (人力社保): stop pension and social insurance payments,
settle the funeral grant and survivors' pension (丧葬补助金、抚恤金) for the family.
A redelivered job never stops a pension twice: the first ledger record answers it."""

from __future__ import annotations

from typing import Any

from pyzeebe import Job, ZeebeTaskRouter

from domain.enums import ActionKind, Unit
from workers.context import Context, case_id_of, feel
from workers.tasks import add_task, new_router


async def stop_pension(ctx: Context, job: Job) -> dict[str, Any]:
    case = await ctx.ledger.case(case_id_of(job))
    action = await ctx.act_once(
        job, case, Unit.HRSS, ActionKind.PENSION_STOPPED, ctx.departments.hrss.stop_pension
    )
    return {"pensionStoppedAt": feel(action.done_at)}


async def settle_survivor_benefits(ctx: Context, job: Job) -> dict[str, Any]:
    case = await ctx.ledger.case(case_id_of(job))
    action = await ctx.act_once(
        job,
        case,
        Unit.HRSS,
        ActionKind.SURVIVOR_BENEFITS,
        ctx.departments.hrss.settle_survivor_benefits,
    )
    return {"survivorBenefitsSettledAt": feel(action.done_at)}


def router(ctx: Context) -> ZeebeTaskRouter:
    r = new_router(ctx)
    add_task(r, ctx, "hrss.stop-pension", stop_pension, ["profile", "paymentStopDueAt"])
    add_task(r, ctx, "hrss.settle-survivor-benefits", settle_survivor_benefits)
    return r

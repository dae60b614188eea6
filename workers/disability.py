"""Disabled persons' federation (残联): cancel the disability card and stop its subsidies."""

from __future__ import annotations

from typing import Any

from pyzeebe import Job, ZeebeTaskRouter

from domain.enums import ActionKind, Unit
from workers.context import Context, case_id_of, feel
from workers.tasks import add_task, new_router


async def cancel_disability_card(ctx: Context, job: Job) -> dict[str, Any]:
    case = await ctx.ledger.case(case_id_of(job))
    action = await ctx.act_once(
        job,
        case,
        Unit.DPF,
        ActionKind.DISABILITY_CARD_CANCELLED,
        ctx.departments.dpf.cancel_disability_card,
    )
    return {"disabilityCardCancelledAt": feel(action.done_at)}


def router(ctx: Context) -> ZeebeTaskRouter:
    r = new_router(ctx)
    add_task(r, ctx, "dpf.cancel-disability-card", cancel_disability_card, ["paymentStopDueAt"])
    return r

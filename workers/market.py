"""Market supervision (市场监管, one of the "X"): told when the deceased ran a business, and
its action on the business's registration (经营主体登记事项) recorded once, like the other
departments' actions (the ledger's required step for a business owner)."""

from __future__ import annotations

from typing import Any

from pyzeebe import Job, ZeebeTaskRouter

from domain.enums import ActionKind, Unit
from workers.context import Context, case_id_of, feel
from workers.notices import unit_recipient
from workers.tasks import add_task, new_router


async def notify_market(ctx: Context, job: Job) -> dict[str, Any]:
    case = await ctx.ledger.case(case_id_of(job))
    notice = await ctx.notices.send_once(
        "market_notice",
        "units",
        ctx.fields(case),
        case_id=case.id,
        recipient=unit_recipient(Unit.MARKET_SUPERVISION, case.township),
        recipient_unit=Unit.MARKET_SUPERVISION,
        occurrence=str(job.element_instance_key),
    )
    await ctx.act_once(
        job,
        case,
        Unit.MARKET_SUPERVISION,
        ActionKind.BUSINESS_DEREGISTRATION,
        ctx.departments.market.deregister_business,
    )
    return {"marketNotifiedAt": feel(notice.sent_at)}


def router(ctx: Context) -> ZeebeTaskRouter:
    r = new_router(ctx)
    add_task(r, ctx, "market.notify", notify_market)
    return r

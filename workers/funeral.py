"""Funeral home (殡仪馆): cremates on the certificate alone; the worker books it by telling
the funeral home (the cremation itself is recorded by the funeral home through the API)."""

from __future__ import annotations

from typing import Any

from pyzeebe import Job, ZeebeTaskRouter

from domain.enums import Unit
from workers.context import Context, case_id_of, feel
from workers.notices import unit_recipient
from workers.tasks import add_task, new_router


async def schedule_cremation(ctx: Context, job: Job) -> dict[str, Any]:
    case = await ctx.ledger.case(case_id_of(job))
    certificate = await ctx.ledger.certificate(case.id)
    notice = await ctx.notices.send_once(
        "cremation_booking",
        "units",
        ctx.fields(case, certificate),
        case_id=case.id,
        recipient=unit_recipient(Unit.FUNERAL_HOME, case.township),
        recipient_unit=Unit.FUNERAL_HOME,
        occurrence=str(job.element_instance_key),
    )
    return {"cremationBookedAt": feel(notice.sent_at)}


def router(ctx: Context) -> ZeebeTaskRouter:
    r = new_router(ctx)
    add_task(r, ctx, "funeral.schedule-cremation", schedule_cremation, ["certificateCode"])
    return r

"""Civil affairs (民政): stop welfare (低保, 特困供养, 高龄补贴 ...) and decide the funeral
subsidy — proactively, from the shared death information."""

from __future__ import annotations

from typing import Any

from pyzeebe import Job, ZeebeTaskRouter

from domain.enums import ActionKind, Unit
from workers.context import Context, case_id_of, feel, var
from workers.tasks import add_task, new_router


async def stop_welfare(ctx: Context, job: Job) -> dict[str, Any]:
    case = await ctx.ledger.case(case_id_of(job))
    civil = ctx.departments.civil
    profile: dict[str, Any] = var(job, "profile") or {}
    welfare_at = None
    if profile.get("receivesWelfare"):
        stopped = await ctx.act_once(
            job, case, Unit.CIVIL_AFFAIRS, ActionKind.WELFARE_STOPPED, civil.stop_welfare
        )
        welfare_at = feel(stopped.done_at)
    subsidy = await ctx.act_once(
        job, case, Unit.CIVIL_AFFAIRS, ActionKind.FUNERAL_SUBSIDY, civil.decide_funeral_subsidy
    )
    return {"welfareStoppedAt": welfare_at, "funeralSubsidyDecidedAt": feel(subsidy.done_at)}


def router(ctx: Context) -> ZeebeTaskRouter:
    r = new_router(ctx)
    add_task(r, ctx, "civil.stop-welfare", stop_welfare, ["profile", "paymentStopDueAt"])
    return r

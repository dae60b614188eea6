"""Death proofs for the family on request, with no limit on the number (两个不限)."""

from __future__ import annotations

from typing import Any

from pyzeebe import Job, ZeebeTaskRouter

from workers.context import Context, case_id_of, var
from workers.tasks import add_task, new_router


async def issue_copy(ctx: Context, job: Job) -> dict[str, Any]:
    """One copy per request id: the API may have issued it already (it answers the family at
    once); then this finds it and issues nothing more."""
    request: dict[str, Any] = var(job, "copyRequest") or {}
    request_id = str(request.get("requestId") or job.element_instance_key)
    await ctx.ledger.issue_copy(case_id_of(job), request_id, ctx.clock())
    return {}


def router(ctx: Context) -> ZeebeTaskRouter:
    r = new_router(ctx)
    add_task(r, ctx, "proof.issue-copy", issue_copy, ["copyRequest"])
    return r

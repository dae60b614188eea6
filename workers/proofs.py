"""Death proofs for the family on request, with no limit on the number (两个不限)."""

from __future__ import annotations

from typing import Any

from pyzeebe import Job, ZeebeTaskRouter

from workers.context import Context, case_id_of, var
from workers.tasks import add_task, new_router


def copy_keys(request_id: str, copies: int) -> list[str]:
    """The ledger keys of a request's copies: ``{requestId}:1`` … ``{requestId}:{copies}``,
    the same keys the case API uses when it answers the family at once."""
    return [f"{request_id}:{n}" for n in range(1, copies + 1)]


async def issue_copy(ctx: Context, job: Job) -> dict[str, Any]:
    """Issue the request's copies unless they exist: the API has usually issued them already
    (it answers the family at once); then this finds them and issues nothing more."""
    request: dict[str, Any] = var(job, "copyRequest") or {}
    request_id = str(request.get("requestId") or job.element_instance_key)
    copies = max(1, int(request.get("copies") or 1))
    for key in copy_keys(request_id, copies):
        await ctx.ledger.issue_copy(case_id_of(job), key, ctx.clock())
    return {}


def router(ctx: Context) -> ZeebeTaskRouter:
    r = new_router(ctx)
    add_task(r, ctx, "proof.issue-copy", issue_copy, ["copyRequest"])
    return r

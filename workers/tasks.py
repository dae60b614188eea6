"""Registering a department's handlers on a pyzeebe router, the same way for all.

A handler is ``async def handler(ctx, job) -> dict`` returning exactly the variables the
contract lists under "writes". The wrapper fetches only ``caseId`` and the variables the
contract lists under "reads" (a job never sees more than it needs), passes the whole
:class:`pyzeebe.Job` (headers, element instance key, retries) and installs the shared
failure handling (business errors → BPMN errors, others → retries with back-off).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from pyzeebe import Job, ZeebeTaskRouter

from workers.context import Context
from workers.failures import make_exception_handler

Handler = Callable[[Context, Job], Awaitable[dict[str, Any]]]

# Long enough for a slow department call with its in-process retries; short enough that a
# job held by a dead worker comes back soon (the engine then hands it to another worker).
DEFAULT_JOB_TIMEOUT_MS = 60_000


def new_router(ctx: Context) -> ZeebeTaskRouter:
    return ZeebeTaskRouter(
        exception_handler=make_exception_handler(ctx.settings.shenhou_worker_max_back_off_ms)
    )


def add_task(
    router: ZeebeTaskRouter,
    ctx: Context,
    task_type: str,
    handler: Handler,
    reads: Sequence[str] = (),
    *,
    timeout_ms: int = DEFAULT_JOB_TIMEOUT_MS,
) -> None:
    async def run(job: Job, **_fetched: Any) -> dict[str, Any]:
        return await handler(ctx, job)

    # pyzeebe finds the Job parameter by its annotation object; postponed annotations would
    # leave a string there, so the real class is set explicitly.
    run.__annotations__ = {"job": Job, "_fetched": Any, "return": dict}
    run.__name__ = f"task_{task_type.replace('.', '_').replace('-', '_')}"
    router.task(
        task_type=task_type,
        variables_to_fetch=["caseId", *reads],
        timeout_ms=timeout_ms,
    )(run)  # type: ignore[arg-type]  # pyzeebe types the decorator for ParamSpec-less use

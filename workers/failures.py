"""How a task's exception becomes a job outcome in the engine.

- :class:`pyzeebe.BusinessError` (raised by tasks for business outcomes, e.g. a department
  refused) → ThrowError with its code; the diagram's error boundary handles it.
- Anything else is technical → FailJob with the remaining retries minus one and an
  exponential ``retry_back_off_ms`` (1 s, 2 s, 4 s ... capped), so a department system that
  is down is not hammered; at zero retries the engine raises an incident for ops.

Error messages go to the engine (and Operate / our console), so they are masked like logs.
"""

from __future__ import annotations

from typing import Any

import structlog
from pydantic import ValidationError
from pyzeebe import Job
from pyzeebe.errors import BusinessError
from pyzeebe.job.job import JobController
from pyzeebe.task.exception_handler import ExceptionHandler

from domain.logs import mask_text

log = structlog.get_logger(__name__)

ZEEBE_DEFAULT_RETRIES = 3
BASE_BACK_OFF_MS = 1_000


class BpmnError(BusinessError):
    """A business outcome the diagram handles (contract: bpmn/README.md, "BPMN errors"),
    thrown with the error variables the catching boundary event needs."""

    def __init__(self, error_code: str, message: str, variables: dict[str, Any] | None = None):
        super().__init__(error_code, message)
        self.variables = variables or {}


def describe(error: Exception) -> str:
    """A failure message safe to hand to the engine (ops see it in incidents).

    pydantic's messages repeat the input (names, addresses), so validation errors are
    reduced to their locations and codes; everything else is masked and shortened.
    """
    if isinstance(error, ValidationError):
        parts = [
            f"{'.'.join(str(p) for p in e['loc']) or e.get('ctx', {}).get('model', '')}"
            f"[{e['type']}]"
            for e in error.errors()
        ]
        return f"ValidationError({error.title}): " + "; ".join(parts)[:450]
    return mask_text(f"{type(error).__name__}: {error}")[:500]


def back_off_ms(retries_left: int, max_ms: int) -> int:
    """Back-off before the next attempt: doubles with each failure already seen."""
    failures_seen = max(0, ZEEBE_DEFAULT_RETRIES - retries_left)
    return int(min(max_ms, BASE_BACK_OFF_MS * 2**failures_seen))


def make_exception_handler(max_back_off_ms: int) -> ExceptionHandler:
    async def handle(error: Exception, job: Job, controller: JobController) -> None:
        message = describe(error)
        if isinstance(error, BusinessError):
            log.info("business error", task=job.type, job=job.key, code=error.error_code)
            variables = error.variables if isinstance(error, BpmnError) else None
            await controller.set_error_status(
                message, error_code=error.error_code, variables=variables
            )
            return
        delay = back_off_ms(job.retries - 1, max_back_off_ms)
        log.warning(
            "job failed",
            task=job.type,
            job=job.key,
            retries_left=job.retries - 1,
            back_off=delay,
            error=message,
        )
        await controller.set_failure_status(message, retry_back_off_ms=delay)

    return handle

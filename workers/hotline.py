"""12345 hotline (12345政务服务热线): register the case, push the death summary (the
directive), chase unacknowledged units, merge duplicate reports, close the case."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pyzeebe import Job, ZeebeTaskRouter

from domain.clock import SHANGHAI
from domain.deadlines import (
    first_unpaid_month,
    household_deregistration_deadline,
    is_report_on_time,
    report_lateness,
    working_days_deadline,
)
from domain.enums import ActionKind, CaseStage, CaseStatus, Unit
from domain.models import DepartmentAction
from workers.context import Context, case_id_of, feel, time_var, var
from workers.notices import unit_recipient
from workers.tasks import add_task, new_router

HOUSEHOLD_REMINDER_BEFORE = timedelta(days=7)


NEEDS_FLAGS = (
    "needsCremation",
    "needsHouseholdDeregistration",
    "needsCivilAffairs",
    "needsPensionStop",
    "needsDisabilityCardCancel",
    "needsMarketNotice",
)
"""The downstream branch switches. The process decides them itself: ``Task_DecideDownstream``
evaluates ``downstream-needs`` of ``bpmn/affairs.dmn`` (the one source of truth); the workers
only read them."""


def directive_units(flags: dict[str, Any]) -> list[str]:
    """Units that must acknowledge the death summary: the township's 3+X team and the
    departments whose branch will run. Market supervision is told later (``market.notify``)
    and has no acknowledging role in the API, so it is not waited for."""
    units = [Unit.HEALTH, Unit.POLICE, Unit.CIVIL_AFFAIRS, Unit.GRID]
    if flags.get("needsCremation"):
        units.append(Unit.FUNERAL_HOME)
    if flags.get("needsPensionStop"):
        units.append(Unit.HRSS)
    if flags.get("needsDisabilityCardCancel"):
        units.append(Unit.DPF)
    return [u.value for u in units]


PAYMENT_STOP_MIN_WORKING_DAYS = 3


def payment_stop_due(died_at: datetime, reported_at: datetime) -> datetime:
    """When welfare, pension and disability payments must have stopped (contract, Timers):
    00:00 of the first month not paid (the month after the death), but not earlier than 3
    working days after the report, so a death on the 30th does not escalate at once."""
    first_unpaid = first_unpaid_month(died_at)
    month_start = datetime(first_unpaid.year, first_unpaid.month, 1, tzinfo=SHANGHAI)
    earliest = working_days_deadline(reported_at, PAYMENT_STOP_MIN_WORKING_DAYS).due_at
    return max(month_start, earliest)


async def register_case(ctx: Context, job: Job) -> dict[str, Any]:
    """Pure computation from the start variables (so a redelivery writes the same values);
    the case itself was stored by the API before the instance started."""
    await ctx.ledger.case(case_id_of(job))  # fails (and retries) if the ledger lacks it
    died_at, reported_at = time_var(job, "diedAt"), time_var(job, "reportedAt")
    lateness = report_lateness(died_at, reported_at)
    due = household_deregistration_deadline(died_at).due_at
    return {
        "reportLatenessMinutes": int(lateness.total_seconds() // 60),
        "reportLate": not is_report_on_time(died_at, reported_at),
        "householdDeregistrationDueAt": feel(due),
        "householdDeregistrationReminderAt": feel(due - HOUSEHOLD_REMINDER_BEFORE),
        "paymentStopDueAt": feel(payment_stop_due(died_at, reported_at)),
    }


async def push_directive(ctx: Context, job: Job) -> dict[str, Any]:
    case = await ctx.ledger.case(case_id_of(job))
    template = job.custom_headers.get("template", "death_summary")
    units = directive_units({k: var(job, k) for k in NEEDS_FLAGS})
    fields = ctx.fields(case, reporter_role=var(job, "reporterRole", "—"))
    notice = await ctx.notices.send_once(
        template,
        "units",
        fields,
        case_id=case.id,
        recipient=unit_recipient("all", case.township),
        occurrence=str(job.element_instance_key),
    )
    action, _ = await ctx.ledger.record_action(
        DepartmentAction(
            case_id=case.id,
            unit=Unit.HOTLINE,
            action=ActionKind.DIRECTIVE_SENT,
            done_at=notice.sent_at,
            details={"units": units},
        )
    )
    await ctx.ledger.set_stage(case.id, stage=CaseStage.DIRECTED, at=action.done_at)
    if case.family_contact is not None:
        # The family's only credential: the link to progress and certificate copies.
        phone = case.family_contact.phone
        await ctx.notices.send_once(
            "case_accepted",
            "family",
            fields,
            case_id=case.id,
            recipient=phone,
            phones=(phone,),
            occurrence=str(job.element_instance_key),
        )
    ctx.crash_point(job)
    return {"directiveAt": feel(action.done_at), "directiveUnits": units}


async def pending_units(ctx: Context, case_id: str, units: list[str]) -> list[Unit]:
    acknowledged = await ctx.ledger.acknowledged_units(case_id)
    return [Unit(u) for u in units if Unit(u) not in acknowledged]


async def chase_acknowledgement(ctx: Context, job: Job) -> dict[str, Any]:
    case = await ctx.ledger.case(case_id_of(job))
    pending = await pending_units(ctx, case.id, list(var(job, "directiveUnits") or []))
    if pending:
        await ctx.notices.send_once(
            job.custom_headers.get("template", "acknowledgement_chase"),
            "units",
            ctx.fields(case, pending_units="、".join(u.label_zh for u in pending)),
            case_id=case.id,
            recipient=unit_recipient("all", case.township),
            occurrence=str(job.element_instance_key),
        )
    return {}


async def merge_duplicate_report(ctx: Context, job: Job) -> dict[str, Any]:
    duplicate = var(job, "duplicateReport") or {}
    report_id = str(duplicate.get("reportId") or job.element_instance_key)
    await ctx.ledger.merge_report(case_id_of(job), report_id)
    return {}


async def close_case(ctx: Context, job: Job) -> dict[str, Any]:
    case_id = case_id_of(job)
    await ctx.ledger.set_stage(
        case_id, stage=CaseStage.COMPLETED, status=CaseStatus.CLOSED, at=ctx.clock()
    )
    case = await ctx.ledger.case(case_id)
    return {"closedAt": feel(case.closed_at)}


def router(ctx: Context) -> ZeebeTaskRouter:
    r = new_router(ctx)
    add_task(
        r,
        ctx,
        "hotline.register-case",
        register_case,
        ["diedAt", "reportedAt"],
    )
    add_task(
        r,
        ctx,
        "hotline.push-directive",
        push_directive,
        ["township", "reporterRole", *NEEDS_FLAGS],
    )
    add_task(r, ctx, "hotline.chase-acknowledgement", chase_acknowledgement, ["directiveUnits"])
    add_task(r, ctx, "hotline.merge-duplicate-report", merge_duplicate_report, ["duplicateReport"])
    add_task(r, ctx, "hotline.close-case", close_case)
    return r

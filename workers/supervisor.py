"""County reform office (县改革办): record late reports and escalations for the assessment
(考核), and tell the supervisor. One record per (case, reason), however often the job runs."""

from __future__ import annotations

from typing import Any

from pyzeebe import Job, ZeebeTaskRouter

from domain.certificate import reporting_deadline
from domain.enums import CertificateForm
from workers.context import Context, case_id_of, var
from workers.hotline import pending_units
from workers.notices import unit_recipient
from workers.tasks import add_task, new_router

# The assessment's names for what was late (step_label of the downstream_overdue notice).
STEP_LABELS = {
    "directive-unacknowledged": "确认收到指令",
    "notice-overdue": "送达户籍注销告知书",
    "certificate-overdue": "出具死亡医学证明",
    "household-deregistration-overdue": "注销户籍",
    "welfare-stop-overdue": "停发社会救助与福利",
    "pension-stop-overdue": "停发养老金与社保",
    "disability-card-overdue": "注销残疾人证",
    "market-notice-overdue": "告知市场监管",
    "paper-report-overdue": "纸质证明上报",
    "electronic-exchange-overdue": "电子证照交换",
}


def _duration_zh(minutes: int) -> str:
    hours, rest = divmod(max(minutes, 0), 60)
    return f"{hours}小时{rest}分" if rest else f"{hours}小时"


async def record_late_report(ctx: Context, job: Job) -> dict[str, Any]:
    case = await ctx.ledger.case(case_id_of(job))
    minutes = int(var(job, "reportLatenessMinutes", 0))
    await ctx.ledger.record_escalation(case.id, "late-report", ctx.clock())
    await ctx.notices.send_once(
        job.custom_headers.get("template", "late_report"),
        "supervisor",
        ctx.fields(case, report_delay=_duration_zh(minutes)),
        case_id=case.id,
        recipient=unit_recipient("supervisor", case.township),
        occurrence=str(job.element_instance_key),
    )
    return {}


async def escalate(ctx: Context, job: Job) -> dict[str, Any]:
    case = await ctx.ledger.case(case_id_of(job))
    reason = job.custom_headers.get("reason")
    template = job.custom_headers.get("template")
    if not reason or not template:
        raise ValueError(f"{job.element_id}: supervisor.escalate needs headers reason and template")
    await ctx.ledger.record_escalation(case.id, reason, ctx.clock())
    extra: dict[str, Any] = {"step_label": STEP_LABELS.get(reason, reason)}
    if reason == "directive-unacknowledged":
        pending = await pending_units(ctx, case.id, list(var(job, "directiveUnits") or []))
        extra["pending_units"] = "、".join(u.label_zh for u in pending) or "—"
    certificate = await ctx.ledger.certificate(case.id)
    if certificate is not None and reason in (
        "paper-report-overdue",
        "electronic-exchange-overdue",
    ):
        form = (
            CertificateForm.PAPER
            if reason == "paper-report-overdue"
            else CertificateForm.ELECTRONIC
        )
        extra["reporting_due"] = reporting_deadline(
            form, certificate.issued_at
        ).last_day.isoformat()
    await ctx.notices.send_once(
        template,
        "supervisor",
        ctx.fields(case, certificate, **extra),
        case_id=case.id,
        recipient=unit_recipient("supervisor", case.township),
        occurrence=str(job.element_instance_key),
    )
    return {}


def router(ctx: Context) -> ZeebeTaskRouter:
    r = new_router(ctx)
    add_task(
        r,
        ctx,
        "supervisor.record-late-report",
        record_late_report,
        ["reportLatenessMinutes", "township"],
    )
    add_task(r, ctx, "supervisor.escalate", escalate, ["directiveUnits"])
    return r

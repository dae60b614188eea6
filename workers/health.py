"""Township health institution (乡镇卫生院): dispatch the prevention doctor, and register the
certificate with its reporting deadlines in working days (chinese-calendar, 调休 included)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pyzeebe import Job, ZeebeTaskRouter

from domain.certificate import reporting_deadline
from domain.enums import CaseStage, CertificateForm, Unit
from workers.context import Context, case_id_of, feel, time_var, var
from workers.notices import unit_recipient
from workers.tasks import add_task, new_router


async def dispatch_doctor(ctx: Context, job: Job) -> dict[str, Any]:
    case = await ctx.ledger.case(case_id_of(job))
    notice = await ctx.notices.send_once(
        "doctor_dispatch",
        "units",
        ctx.fields(case),
        case_id=case.id,
        recipient=unit_recipient(Unit.HEALTH, case.township),
        recipient_unit=Unit.HEALTH,
        occurrence=str(job.element_instance_key),
    )
    return {"doctorDispatchedAt": feel(notice.sent_at)}


async def record_certificate(ctx: Context, job: Job) -> dict[str, Any]:
    """Deadlines only: the certificate itself was validated and stored by the API."""
    case = await ctx.ledger.case(case_id_of(job))
    issued_at = time_var(job, "certificateIssuedAt")
    forms = {CertificateForm(f) for f in (var(job, "certificateForms") or ["paper"])}
    # A step never precedes the one before it in the ledger's case (a certificate written
    # out in the same second as the directive, or by a doctor already at the home).
    step_at = max(issued_at, case.directive_at) if case.directive_at else issued_at
    await ctx.ledger.set_stage(case.id, stage=CaseStage.CERTIFIED, at=step_at)
    result: dict[str, Any] = {
        "paperCertificate": CertificateForm.PAPER in forms,
        "electronicCertificate": CertificateForm.ELECTRONIC in forms,
    }
    for form, due_name, reminder_name in (
        (CertificateForm.PAPER, "paperReportDueAt", "paperReportReminderAt"),
        (CertificateForm.ELECTRONIC, "electronicExchangeDueAt", "electronicExchangeReminderAt"),
    ):
        if form in forms:
            due = reporting_deadline(form, issued_at).due_at
            # 00:00 of the last day: the last day is a working day, so one working day before.
            result[due_name] = feel(due)
            result[reminder_name] = feel(due - timedelta(days=1))
    return result


def router(ctx: Context) -> ZeebeTaskRouter:
    r = new_router(ctx)
    add_task(r, ctx, "health.dispatch-doctor", dispatch_doctor, ["township", "directiveAt"])
    add_task(
        r,
        ctx,
        "health.record-certificate",
        record_certificate,
        ["certificateCode", "certificateForms", "certificateIssuedAt"],
    )
    return r

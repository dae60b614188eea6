"""``notify.send``: the generic notice task. The element's headers say what to send
(``template``) and to whom (``to``: unit values of the case's township, or ``family``)."""

from __future__ import annotations

from typing import Any

import structlog
from pyzeebe import Job, ZeebeTaskRouter

from domain.certificate import reporting_deadline
from domain.enums import ActionKind, CertificateForm, IssueKind, Unit
from domain.models import DepartmentAction
from workers.context import Context, case_id_of
from workers.notices import unit_recipient
from workers.tasks import add_task, new_router

log = structlog.get_logger(__name__)

FAMILY_DONE_TEMPLATE = "case_closed"


async def send(ctx: Context, job: Job) -> dict[str, Any]:
    template = job.custom_headers.get("template")
    to = [t.strip() for t in job.custom_headers.get("to", "").split(",") if t.strip()]
    if not template or not to:
        raise ValueError(f"{job.element_id}: notify.send needs headers template and to")
    case = await ctx.ledger.case(case_id_of(job))
    certificate = await ctx.ledger.certificate(case.id)
    extra: dict[str, Any] = {}
    if certificate is not None:
        form = (
            CertificateForm.ELECTRONIC if "Electronic" in job.element_id else CertificateForm.PAPER
        )
        extra["reporting_due"] = reporting_deadline(
            form, certificate.issued_at
        ).last_day.isoformat()
        if certificate.issue_kind is not IssueKind.ORIGINAL:
            extra["copy_no"] = certificate.sequence_no
    fields = ctx.fields(case, certificate, **extra)
    for target in to:
        if target == "family":
            if case.family_contact is None:
                log.info("no family contact; family notice not sent", case_id=case.id)
                continue
            phone = case.family_contact.phone
            notice = await ctx.notices.send_once(
                template,
                "family",
                fields,
                case_id=case.id,
                recipient=phone,
                phones=(phone,),
                occurrence=str(job.element_instance_key),
            )
            if template == FAMILY_DONE_TEMPLATE:
                # 12345 told the family that everything is done: a step of the case itself.
                await ctx.ledger.record_action(
                    DepartmentAction(
                        case_id=case.id,
                        unit=Unit.HOTLINE,
                        action=ActionKind.FAMILY_NOTIFIED_COMPLETE,
                        done_at=notice.sent_at,
                        details={"channel": notice.channel.value},
                    )
                )
        else:
            unit = Unit(target)
            await ctx.notices.send_once(
                template,
                "units",
                fields,
                case_id=case.id,
                recipient=unit_recipient(unit, case.township),
                recipient_unit=unit,
                occurrence=str(job.element_instance_key),
            )
    return {}


def router(ctx: Context) -> ZeebeTaskRouter:
    r = new_router(ctx)
    add_task(r, ctx, "notify.send", send)
    return r

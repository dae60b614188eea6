"""The health institution's certificate: issued (the 2026 code rule checked, or applied
when no code is given) and reported to the death information system / national platform.
Recorded first, then the contract's message, like every callback."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request

from api.auth import Health, Principal
from api.problems import Problem
from api.process import certificate_issued, electronic_exchanged, paper_reported
from api.routes.access import load_case, runtime_of
from api.routes.recording import RESPONSES, publish_and_answer, record
from api.runtime import Runtime, actor_for
from api.schemas import CallbackOut, CertificateIn, ReportedIn
from domain.certificate import certificate_code, name_on_certificate
from domain.clock import to_feel
from domain.enums import ActionKind, CertificateForm, IdType, IssueKind, Unit
from domain.errors import DomainError
from domain.models import Case, Certificate

router = APIRouter(tags=["certificates"], responses={404: {"description": "no such case"}})


@router.post(
    "/cases/{case_id}/certificate",
    response_model=CallbackOut,
    summary="出具居民死亡医学证明 / the medical death certificate was issued",
    description="The code is checked against the 2026 rule (ID number, or without any ID the "
    "issuer's unified social credit code + 4-digit serial); a wrong code is 422.",
    responses=RESPONSES,
)
async def certificate(
    case_id: str,
    body: CertificateIn,
    request: Request,
    principal: Health,
) -> CallbackOut:
    runtime = runtime_of(request)
    case = await load_case(runtime, case_id, principal, purpose="certificate", role="health")
    earlier = await runtime.call(
        runtime.ledger.find_action, case.id, Unit.HEALTH, ActionKind.CERTIFICATE_ISSUED
    )
    if earlier is not None:  # a replay: answer the first certificate, change nothing
        action = earlier.action
        forms = [str(f) for f in action.details.get("forms", ["paper"])]
        code = action.reference or ""
        created = False
    else:
        code, serial = await _certificate_code(runtime, case, body)
        forms = [f.value for f in sorted(set(body.forms), key=lambda f: f.value)]
        actor = actor_for(principal, "health")
        for form in forms:
            # Raises pydantic's ValidationError (→ 422 with the rule's message) for a bad code.
            certificate = Certificate(
                case_id=case.id,
                code=code,
                form=CertificateForm(form),
                issue_kind=IssueKind.ORIGINAL,
                sequence_no=1,
                deceased_name=name_on_certificate(case.deceased.id_type, case.deceased.name),
                id_type=case.deceased.id_type,
                id_number=case.deceased.id_number,
                issuer_name=body.issuer_name,
                issuer_uscc=body.issuer_uscc,
                serial=serial,
                issued_at=body.issued_at,
            )
            await runtime.call(runtime.ledger.record_certificate, certificate, actor)
        action, created = await record(
            runtime,
            principal,
            "health",
            case,
            Unit.HEALTH,
            ActionKind.CERTIFICATE_ISSUED,
            body.issued_at,
            reference=code,
            details={"forms": forms},
        )
    message = certificate_issued(case.id, code, forms, to_feel(action.done_at))
    return await publish_and_answer(runtime, message, case, action.action, created, reference=code)


async def _certificate_code(
    runtime: Runtime, case: Case, body: CertificateIn
) -> tuple[str, int | None]:
    """The code given (checked later by the model), or the one the rule gives: the ID number,
    or without any ID the issuer's code + its next yearly serial (allocated once here)."""
    deceased = case.deceased
    serial = body.serial
    if deceased.id_type is IdType.NONE and serial is None:
        if body.code:
            raise Problem(
                422,
                "certificate.serial_required",
                "无身份证件的证明须同时提供年度流水号（或不填编码，由系统分配）",
                "without any ID give the yearly serial with the code (or neither: the system "
                "allocates them)",
            )
        serial = await runtime.call(
            runtime.ledger.allocate_certificate_serial, body.issuer_uscc, body.issued_at.year
        )
    if body.code:
        return body.code, serial
    try:
        expected = certificate_code(
            deceased.id_type, deceased.id_number, issuer_uscc=body.issuer_uscc, serial=serial
        )
    except DomainError as error:
        raise Problem(422, error.code, error.zh, error.en) from None
    return expected.code, serial


async def _certificate_reported(
    request: Request, principal: Principal, case_id: str, form: CertificateForm, at: datetime
) -> CallbackOut:
    runtime = runtime_of(request)
    case = await load_case(runtime, case_id, principal, purpose="reporting", role="health")
    current = await runtime.call(runtime.ledger.current_certificate, case.id, form)
    if current is None:
        raise Problem(
            409,
            "certificate.not_issued",
            f"本案尚无{'纸质' if form is CertificateForm.PAPER else '电子'}证明",
            f"this case has no {form.value} certificate",
        )
    await runtime.call(
        runtime.ledger.mark_certificate_reported, case.id, form, current.sequence_no, at
    )
    stored = await runtime.call(runtime.ledger.current_certificate, case.id, form)
    first_at = stored.reported_at if stored and stored.reported_at else at
    message = (paper_reported if form is CertificateForm.PAPER else electronic_exchanged)(
        case.id, to_feel(first_at)
    )
    return await publish_and_answer(
        runtime, message, case, ActionKind.CERTIFICATE_ISSUED, current.reported_at is None
    )


@router.post(
    "/cases/{case_id}/certificate/paper-report",
    response_model=CallbackOut,
    summary="纸质证明已上报人口死亡信息系统 / paper certificate reported",
    responses=RESPONSES,
)
async def paper_report(
    case_id: str,
    body: ReportedIn,
    request: Request,
    principal: Health,
) -> CallbackOut:
    return await _certificate_reported(
        request, principal, case_id, CertificateForm.PAPER, body.reported_at
    )


@router.post(
    "/cases/{case_id}/certificate/electronic-exchange",
    response_model=CallbackOut,
    summary="电子证照已交换至国家平台 / electronic certificate exchanged",
    responses=RESPONSES,
)
async def electronic_exchange(
    case_id: str,
    body: ReportedIn,
    request: Request,
    principal: Health,
) -> CallbackOut:
    return await _certificate_reported(
        request, principal, case_id, CertificateForm.ELECTRONIC, body.reported_at
    )

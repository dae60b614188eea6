"""Unit callbacks: each records the unit's act in the ledger, then publishes the contract's
message to the case's process instance.

Idempotent end to end: the ledger keeps one record per (case, unit, action) and answers a
replay with ``recorded: false`` and the first record; the message carries a message id
derived from the case (and unit), so the engine drops a replayed message. The record is
committed before the message is published, and a failed publish answers 503: the caller
retries, the replay finds the record and publishes again — nothing is lost, nothing doubled.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request

from api.auth import BenefitUnits, Funeral, Grid, Health, Police, Principal, UnitStaff
from api.engine_client import EngineUnavailable
from api.problems import ERROR_RESPONSES, Problem
from api.process import (
    Message,
    acknowledged,
    certificate_issued,
    cremation_recorded,
    electronic_exchanged,
    non_normal_death,
    notice_delivered,
    paper_reported,
)
from api.routes.access import load_case, role_for_unit, runtime_of, units_of
from api.runtime import Runtime, actor_for
from api.schemas import (
    AcknowledgementIn,
    BenefitActionIn,
    CallbackOut,
    CertificateIn,
    DoneIn,
    NonNormalFindingIn,
    NoticeDeliveredIn,
    ReportedIn,
)
from domain.certificate import certificate_code, name_on_certificate
from domain.clock import now_in_shanghai, to_feel
from domain.enums import ActionKind, CertificateForm, IdType, IssueKind, Unit
from domain.errors import DomainError
from domain.logs import mask_text
from domain.models import Case, Certificate, DepartmentAction

router = APIRouter(tags=["callbacks"], responses={404: {"description": "no such case"}})
RESPONSES = {**ERROR_RESPONSES, 503: {"description": "已记录，引擎暂不可用，请重试 / retry"}}

BENEFIT_UNITS = {
    "welfare_stopped": Unit.CIVIL_AFFAIRS,
    "funeral_subsidy": Unit.CIVIL_AFFAIRS,
    "pension_stopped": Unit.HRSS,
    "survivor_benefits": Unit.HRSS,
    "disability_card_cancelled": Unit.DPF,
}


async def _record(
    runtime: Runtime,
    principal: Principal,
    role: str,
    case: Case,
    unit: Unit,
    kind: ActionKind,
    done_at: datetime,
    reference: str | None = None,
    details: dict[str, object] | None = None,
) -> tuple[DepartmentAction, bool]:
    action = DepartmentAction(
        case_id=case.id,
        unit=unit,
        action=kind,
        done_at=done_at,
        reference=reference,
        details=details or {},
    )
    recorded = await runtime.call(runtime.ledger.record_action, action, actor_for(principal, role))
    return recorded.value, recorded.created


async def _publish(runtime: Runtime, message: Message) -> None:
    try:
        await runtime.publish(message)
    except EngineUnavailable as error:
        raise Problem(
            503,
            "engine_unavailable",
            "已记录，但流程引擎暂不可用；请稍后重试（重试不会重复记录）",
            "recorded, but the process engine is unavailable; retry later (a retry records "
            "nothing twice)",
            headers={"Retry-After": "5"},
        ) from error


@router.post(
    "/cases/{case_id}/acknowledgements",
    response_model=CallbackOut,
    summary="确认收到指令 / acknowledge the directive",
    responses=RESPONSES,
)
async def acknowledge(
    case_id: str,
    body: AcknowledgementIn,
    request: Request,
    principal: UnitStaff,
) -> CallbackOut:
    runtime = runtime_of(request)
    units = units_of(principal)
    unit = body.unit or sorted(units, key=lambda u: u.value)[0]
    role = role_for_unit(principal, unit)
    case = await load_case(runtime, case_id, principal, purpose="acknowledge", role=role)
    action, created = await _record(
        runtime,
        principal,
        role,
        case,
        unit,
        ActionKind.DIRECTIVE_ACKNOWLEDGED,
        body.acknowledged_at or now_in_shanghai(),
    )
    message = acknowledged(case.id, unit.value)
    await _publish(runtime, message)
    return CallbackOut(
        case_id=case.id, action=action.action, recorded=created, message=message.name
    )


@router.post(
    "/cases/{case_id}/notice-delivery",
    response_model=CallbackOut,
    summary="告知书已送达 / the 30-day notice and cremation contact were delivered",
    responses=RESPONSES,
)
async def notice_delivery(
    case_id: str,
    body: NoticeDeliveredIn,
    request: Request,
    principal: Grid,
) -> CallbackOut:
    runtime = runtime_of(request)
    case = await load_case(runtime, case_id, principal, purpose="notice delivered", role="grid")
    action, created = await _record(
        runtime, principal, "grid", case, Unit.GRID, ActionKind.NOTICE_DELIVERED, body.delivered_at
    )
    message = notice_delivered(case.id, to_feel(action.done_at))
    await _publish(runtime, message)
    return CallbackOut(
        case_id=case.id, action=action.action, recorded=created, message=message.name
    )


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
        action, created = await _record(
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
    await _publish(runtime, message)
    return CallbackOut(
        case_id=case.id,
        action=action.action,
        recorded=created,
        message=message.name,
        reference=code,
    )


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


@router.post(
    "/cases/{case_id}/non-normal-finding",
    response_model=CallbackOut,
    summary="非正常死亡 / the death is not normal: the police take over",
    responses=RESPONSES,
)
async def non_normal_finding(
    case_id: str,
    body: NonNormalFindingIn,
    request: Request,
    principal: Health,
) -> CallbackOut:
    runtime = runtime_of(request)
    case = await load_case(runtime, case_id, principal, purpose="non-normal", role="health")
    finding = mask_text(body.finding)  # process variables carry no personal data
    action, created = await _record(
        runtime,
        principal,
        "health",
        case,
        Unit.HEALTH,
        ActionKind.NOT_NORMAL_DEATH,
        body.found_at,
        details={"finding": finding},
    )
    message = non_normal_death(case.id, str(action.details.get("finding", finding)))
    await _publish(runtime, message)
    return CallbackOut(
        case_id=case.id, action=action.action, recorded=created, message=message.name
    )


@router.post(
    "/cases/{case_id}/cremation",
    response_model=CallbackOut,
    summary="火化已办 / cremation done",
    responses=RESPONSES,
)
async def cremation(
    case_id: str,
    body: DoneIn,
    request: Request,
    principal: Funeral,
) -> CallbackOut:
    runtime = runtime_of(request)
    case = await load_case(runtime, case_id, principal, purpose="cremation", role="funeral")
    action, created = await _record(
        runtime,
        principal,
        "funeral",
        case,
        Unit.FUNERAL_HOME,
        ActionKind.CREMATION,
        body.done_at,
        reference=body.reference,
    )
    message = cremation_recorded(case.id, to_feel(action.done_at))
    await _publish(runtime, message)
    return CallbackOut(
        case_id=case.id, action=action.action, recorded=created, message=message.name
    )


@router.post(
    "/cases/{case_id}/household-deregistration",
    response_model=CallbackOut,
    summary="户籍已注销 / household deregistered",
    description="Recorded in the ledger; the process's deregistration task finds it there "
    "and completes without acting again.",
    responses=RESPONSES,
)
async def household_deregistration(
    case_id: str,
    body: DoneIn,
    request: Request,
    principal: Police,
) -> CallbackOut:
    runtime = runtime_of(request)
    case = await load_case(runtime, case_id, principal, purpose="deregistration", role="police")
    action, created = await _record(
        runtime,
        principal,
        "police",
        case,
        Unit.POLICE,
        ActionKind.HOUSEHOLD_DEREGISTRATION,
        body.done_at,
        reference=body.reference,
    )
    return CallbackOut(case_id=case.id, action=action.action, recorded=created)


@router.post(
    "/cases/{case_id}/benefit-actions",
    response_model=CallbackOut,
    summary="待遇停发或核定 / a benefit stopped or settled",
    description="civil: welfare_stopped, funeral_subsidy; hrss: pension_stopped, "
    "survivor_benefits; dpf: disability_card_cancelled. Another unit's action is 403.",
    responses=RESPONSES,
)
async def benefit_action(
    case_id: str,
    body: BenefitActionIn,
    request: Request,
    principal: BenefitUnits,
) -> CallbackOut:
    runtime = runtime_of(request)
    unit = BENEFIT_UNITS[body.action]
    role = role_for_unit(principal, unit)
    case = await load_case(runtime, case_id, principal, purpose="benefit", role=role)
    action, created = await _record(
        runtime,
        principal,
        role,
        case,
        unit,
        ActionKind(body.action),
        body.done_at,
        reference=body.reference,
        details=body.details,
    )
    return CallbackOut(case_id=case.id, action=action.action, recorded=created)


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
    await _publish(runtime, message)
    return CallbackOut(
        case_id=case.id,
        action=ActionKind.CERTIFICATE_ISSUED,
        recorded=current.reported_at is None,
        message=message.name,
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

"""The family service, by the per-case link token (no account, no trip): progress, and
death proofs on request with no limit on copies (两个不限).

An invalid or foreign token is 404 (a capability link reveals nothing about other cases).
Copies are issued at once in the ledger (the answer carries them); while the case's
instance runs, the ``certificate-copy-requested`` message also lets the process deliver
them. After the instance has ended the API alone answers (bpmn/README.md, known gaps).
The same proof-request logic serves staff at ``POST /cases/{id}/proof-requests``.
"""

from __future__ import annotations

import contextlib
import uuid

from fastapi import APIRouter, Request

from api.auth import ProofDesk
from api.engine_client import EngineUnavailable
from api.problems import Problem
from api.process import copy_requested
from api.routes.access import load_case, not_found, runtime_of
from api.routes.views import pending_steps, timeline
from api.runtime import FAMILY_ACTOR, Runtime, actor_for
from api.schemas import CertificateCopyOut, FamilyProgressOut, ProofRequestIn
from domain.clock import now_in_shanghai
from domain.enums import CaseStatus, IssueKind
from domain.errors import DomainError
from domain.family_links import case_for_token
from domain.ledger import CaseNotFound
from domain.models import Actor, Case, Certificate

router = APIRouter(tags=["family"])


def _copy_out(cert: Certificate) -> CertificateCopyOut:
    return CertificateCopyOut(
        case_id=cert.case_id,
        code=cert.code,
        issue_kind=cert.issue_kind.value,
        sequence_no=cert.sequence_no,
        issued_at=cert.issued_at,
        issuer_name=cert.issuer_name,
    )


async def _family_case(request: Request, token: str) -> tuple[Runtime, Case]:
    runtime = runtime_of(request)
    case_id = case_for_token(runtime.settings.shenhou_family_link_secret, token)
    if case_id is None:
        raise Problem(404, "family_link.invalid", "链接无效", "this link is not valid")
    try:
        case = await runtime.call(
            runtime.ledger.get_case, case_id, FAMILY_ACTOR, purpose="family service"
        )
    except CaseNotFound:
        raise not_found(case_id) from None
    return runtime, case


@router.get("/family/{token}", response_model=FamilyProgressOut, summary="办理进度 / progress")
async def progress(token: str, request: Request) -> FamilyProgressOut:
    runtime, case = await _family_case(request, token)
    actions = await runtime.call(runtime.ledger.action_log, case.id)
    certificates = await runtime.call(runtime.ledger.certificates_for, case.id)
    outstanding = await runtime.call(runtime.ledger.outstanding_actions, case.id)
    pending = pending_steps(case, outstanding, actions, now_in_shanghai())
    steps = timeline(case, actions, [], [], pending)
    for step in steps:  # the family sees what was done and when, not staff identities
        step.actor = None
        step.details = {}
    return FamilyProgressOut(
        case_id=case.id,
        deceased_name=case.deceased.name,
        status=case.status.value,
        stage=case.stage.value,
        steps=steps,
        certificate_available=any(c.issue_kind is not IssueKind.COPY for c in certificates),
        copies_issued=sum(1 for c in certificates if c.issue_kind is IssueKind.COPY),
    )


async def _issue(
    runtime: Runtime, case: Case, body: ProofRequestIn, actor: Actor
) -> list[CertificateCopyOut]:
    request_id = body.request_id or uuid.uuid4().hex
    copies: list[Certificate] = []
    try:
        for n in range(body.copies):
            recorded = await runtime.call(
                runtime.ledger.issue_copy,
                case.id,
                f"{request_id}:{n + 1}",
                now_in_shanghai(),
                actor,
            )
            copies.append(recorded.value)
    except DomainError as error:
        if error.code == "certificate.none_issued":
            raise Problem(409, error.code, error.zh, error.en) from None
        raise
    if case.status is CaseStatus.OPEN:
        request = {
            "requestId": request_id,
            "kind": body.kind,
            "copies": body.copies,
            "delivery": body.delivery,
        }
        # The copies are issued and answered already; delivery by the process is a bonus.
        with contextlib.suppress(EngineUnavailable):
            await runtime.publish(copy_requested(case.id, request))
    return [_copy_out(c) for c in copies]


@router.post(
    "/family/{token}/proof-requests",
    response_model=list[CertificateCopyOut],
    status_code=201,
    summary="申请死亡证明（不限次数） / request death proofs (no limit)",
    responses={409: {"description": "no certificate issued yet"}},
)
async def family_proof_request(
    token: str, body: ProofRequestIn, request: Request
) -> list[CertificateCopyOut]:
    runtime, case = await _family_case(request, token)
    return await _issue(runtime, case, body, FAMILY_ACTOR)


@router.get(
    "/family/{token}/certificates",
    response_model=list[CertificateCopyOut],
    summary="已出具的证明 / certificates and copies issued",
)
async def family_certificates(token: str, request: Request) -> list[CertificateCopyOut]:
    runtime, case = await _family_case(request, token)
    return [_copy_out(c) for c in await runtime.call(runtime.ledger.certificates_for, case.id)]


@router.post(
    "/cases/{case_id}/proof-requests",
    response_model=list[CertificateCopyOut],
    status_code=201,
    tags=["callbacks"],
    summary="代家属申请死亡证明 / request proofs for the family",
    responses={409: {"description": "no certificate issued yet"}},
)
async def staff_proof_request(
    case_id: str, body: ProofRequestIn, request: Request, principal: ProofDesk
) -> list[CertificateCopyOut]:
    runtime = runtime_of(request)
    case = await load_case(runtime, case_id, principal, purpose="proof request")
    return await _issue(runtime, case, body, actor_for(principal))

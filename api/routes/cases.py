"""Case queries: ``GET /cases`` with filters (within the caller's townships) and
``GET /cases/{id}`` with the timeline of every step, its deadline and who acted."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from api.auth import Anyone, HotlineOrSupervisor, forbidden
from api.problems import ERROR_RESPONSES
from api.routes.access import load_case, runtime_of
from api.routes.views import case_summary, pending_steps, timeline
from api.runtime import actor_for
from api.schemas import CaseOut, CaseSummaryOut
from domain.clock import now_in_shanghai
from domain.enums import CaseStage, CaseStatus

router = APIRouter(tags=["cases"])


class CaseListOut(BaseModel):
    total: int
    items: list[CaseSummaryOut]


@router.get(
    "/cases",
    response_model=CaseListOut,
    summary="案件列表 / list cases",
    description="Only cases in the caller's townships (county-wide roles see all). "
    "A `township` outside the caller's scope is 403.",
    responses=ERROR_RESPONSES,
)
async def list_cases(
    request: Request,
    principal: Anyone,
    township: str | None = None,
    status: CaseStatus | None = None,
    stage: CaseStage | None = None,
    report_late: bool | None = None,
    died_from: datetime | None = None,
    died_to: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> CaseListOut:
    if township is not None and not principal.may_act_in(township):
        raise forbidden(f"无权查看{township}的案件", "township outside your scope")
    scope = principal.townships if township is None else {township}
    runtime = runtime_of(request)
    cases, total = await runtime.call(
        runtime.ledger.search_cases,
        townships=None if scope is None else sorted(scope),
        status=status,
        stage=stage,
        report_late=report_late,
        died_from=died_from,
        died_to=died_to,
        limit=limit,
        offset=offset,
    )
    return CaseListOut(total=total, items=[case_summary(c) for c in cases])


@router.get(
    "/cases/{case_id}",
    response_model=CaseOut,
    summary="案件详情与办理时间线 / a case with its timeline",
    responses={404: {"description": "no such case"}, **ERROR_RESPONSES},
)
async def get_case(case_id: str, request: Request, principal: Anyone) -> CaseOut:
    runtime = runtime_of(request)
    case = await load_case(runtime, case_id, principal, purpose="case detail")
    ledger = runtime.ledger
    actions = await runtime.call(ledger.action_log, case.id)
    reports = await runtime.call(ledger.reports_for, case.id, actor_for(principal))
    escalations = await runtime.call(ledger.escalations_for, case.id)
    outstanding = await runtime.call(ledger.outstanding_actions, case.id)
    pending = pending_steps(case, outstanding, actions, now_in_shanghai())
    summary = case_summary(case)
    return CaseOut(
        **summary.model_dump(),
        deceased=case.deceased.model_dump(mode="json"),
        family_contact=None
        if case.family_contact is None
        else case.family_contact.model_dump(mode="json"),
        profile=case.profile.model_dump(mode="json"),
        process_instance_key=case.process_instance_key,
        timeline=timeline(case, actions, reports, escalations, pending),
    )


@router.get(
    "/cases/{case_id}/family-link",
    summary="家属服务链接 / the family's link",
    responses={404: {"description": "no such case"}, **ERROR_RESPONSES},
)
async def family_link(
    case_id: str, request: Request, principal: HotlineOrSupervisor
) -> dict[str, str]:
    runtime = runtime_of(request)
    case = await load_case(runtime, case_id, principal, purpose="family link")
    return {"case_id": case.id, "family_link": runtime.family_link(case.id)}

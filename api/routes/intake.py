"""Intake: ``POST /reports`` — the single entrance (一个口子) for a death report.

The report is validated by the domain model and stored by the ledger, which enforces one
open case per deceased (a second report joins the open case, in the same transaction as
the lookup). Only then is the engine told: a new case starts its process instance, a
joined case gets the ``duplicate-report-received`` message. If the engine cannot be
reached the report stays stored and the answer is 503 with the case id; the same request
retried, or the API's start-up pass, starts the missing instance — no report is lost.
"""

from __future__ import annotations

from typing import Annotated

import structlog
from fastapi import APIRouter, Body, Request, Response

from api.auth import Intake, check_township
from api.engine_client import EngineUnavailable
from api.problems import ERROR_RESPONSES, Problem
from api.process import duplicate_report, start_variables_for_report
from api.routes.views import case_summary
from api.runtime import Runtime, actor_for
from api.schemas import EXAMPLE_REPORT, ReportOut
from domain.clock import to_feel
from domain.models import DeathReport

log = structlog.get_logger(__name__)
router = APIRouter(tags=["intake"])


@router.post(
    "/reports",
    response_model=ReportOut,
    status_code=201,
    summary="报告死讯 / report a death",
    description="201: a new case was opened. 200: the report joined the open case of the same "
    "deceased (or repeated an earlier request with the same `idempotency_key`).",
    responses={
        200: {"model": ReportOut, "description": "并入已有案件 / joined the open case"},
        503: {"description": "已保存，流程引擎暂不可用 / stored; engine unavailable, retried"},
        **ERROR_RESPONSES,
    },
)
async def report_death(
    request: Request,
    response: Response,
    report: Annotated[DeathReport, Body(openapi_examples={"grid": {"value": EXAMPLE_REPORT}})],
    principal: Intake,
) -> ReportOut:
    check_township(principal, report.deceased.address.township.value)
    runtime: Runtime = request.app.state.runtime
    role = "hotline" if "hotline" in principal.roles else "grid"
    outcome = await runtime.call(runtime.ledger.record_report, report, actor_for(principal, role))
    case = outcome.case
    try:
        await runtime.ensure_instance(case.id, lambda: start_variables_for_report(case, report))
        if not outcome.created_case and not outcome.duplicate:
            await runtime.publish(
                duplicate_report(
                    case.id,
                    outcome.report_id,
                    to_feel(report.reported_at),
                    report.reporter.role.value,
                )
            )
    except EngineUnavailable as error:
        log.warning("engine unavailable at intake; report kept", case_id=case.id, error=str(error))
        raise Problem(
            503,
            "engine_unavailable",
            f"报告已保存（案件{case.id}），流程引擎暂不可用，将自动启动",
            f"report stored as case {case.id}; the process engine is unavailable and the "
            "case will be started automatically",
            headers={"Retry-After": "5"},
            extra={"case_id": case.id},
        ) from error
    if not outcome.created_case:
        response.status_code = 200
    return ReportOut(
        case_id=case.id,
        joined=not outcome.created_case,
        report_count=case.report_count,
        report_late=not report.on_time,
        family_link=runtime.family_link(case.id),
        case=case_summary(case),
    )

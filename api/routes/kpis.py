"""Assessment (考核): ``GET /kpis`` for any period and the monthly report as HTML and PDF.

``GET /kpis?from=…&to=…`` answers the figures of cases reported in ``[from, to)`` (default: the
current month so far), county-wide and per township and unit. A caller limited to some
townships sees only those townships (the county line is then omitted: it would reveal the
others' figures by subtraction). The monthly report (``/reports/monthly/{YYYY-MM}.html`` and
``.pdf``) is the supervisor's: it adds the month's reconciliation.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.auth import Anyone, Principal, require
from api.problems import ERROR_RESPONSES, Problem
from api.routes.access import runtime_of
from api.routes.reconciliation import parse_month
from domain.assessment import Assessment, assess
from domain.assessment.pdf import render_pdf
from domain.assessment.report import ReconciliationSummary, render_html
from domain.clock import SHANGHAI, now_in_shanghai, require_aware
from domain.deadlines import add_months
from domain.reconciliation import store

router = APIRouter(tags=["assessment"])
Supervisor = Annotated[Principal, Depends(require("supervisor"))]


def _aware(value: datetime | None, what: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:  # a bare date-time in the query means Asia/Shanghai
        return value.replace(tzinfo=SHANGHAI)
    return require_aware(value, what)


@router.get(
    "/kpis",
    summary="考核指标 / assessment figures",
    responses=ERROR_RESPONSES,
)
async def kpis(
    request: Request,
    principal: Anyone,
    from_: Annotated[datetime | None, Query(alias="from")] = None,
    to: datetime | None = None,
) -> dict[str, Any]:
    now = now_in_shanghai()
    start = _aware(from_, "from") or datetime.combine(
        now.date().replace(day=1), time(0), tzinfo=SHANGHAI
    )
    end = _aware(to, "to") or now
    if end <= start:
        raise Problem(422, "kpis.range", "结束时间须晚于开始时间", "`to` must be after `from`")
    runtime = runtime_of(request)
    result: Assessment = await runtime.call(assess, runtime.ledger.engine, start, end)
    data = result.as_dict()
    if principal.townships is not None:
        allowed = set(principal.townships)
        data["townships"] = [t for t in data["townships"] if t["township"] in allowed]
        data["county"] = None
        data["units"] = []
    return data


async def _monthly(request: Request, month: str) -> tuple[Assessment, ReconciliationSummary | None]:
    period = parse_month(month)
    start = datetime.combine(period, time(0), tzinfo=SHANGHAI)
    end = datetime.combine(add_months(period, 1), time(0), tzinfo=SHANGHAI)
    runtime = runtime_of(request)
    engine = runtime.ledger.engine
    result = await runtime.call(assess, engine, start, end)
    run = await runtime.call(store.latest_run, engine, period)
    summary = None
    if run is not None:
        items = await runtime.call(store.discrepancies_of_run, engine, run["id"])
        summary = ReconciliationSummary(
            period=month,
            counts=dict(run["counts"]),
            people=int(run["people"]),
            discrepancies=items,
        )
    return result, summary


@router.get(
    "/reports/monthly/{month}.html",
    response_class=HTMLResponse,
    summary="月度考核与对账报告（HTML） / monthly report as HTML",
    responses=ERROR_RESPONSES,
)
async def monthly_html(month: str, request: Request, principal: Supervisor) -> HTMLResponse:
    result, summary = await _monthly(request, month)
    return HTMLResponse(render_html(result, reconciliation=summary))


@router.get(
    "/reports/monthly/{month}.pdf",
    summary="月度考核与对账报告（PDF） / monthly report as PDF",
    responses={200: {"content": {"application/pdf": {}}}, **ERROR_RESPONSES},
)
async def monthly_pdf(month: str, request: Request, principal: Supervisor) -> Response:
    result, summary = await _monthly(request, month)
    runtime = runtime_of(request)
    pdf = await runtime.call(render_pdf, result, reconciliation=summary)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f"inline; filename=shenhou-{month}.pdf"},
    )

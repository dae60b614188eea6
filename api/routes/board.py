"""The case board: ``GET /board`` (the page) and ``GET /board/data`` (its JSON).

The page holds no data and no credential: it asks for the caller's bearer token, keeps it in
the tab's sessionStorage and sends it in the ``Authorization`` header, so no cookie a forged
cross-site request could ride on is ever involved. The data is the caller's township scope;
unit staff see the cases with a step pending at their unit, supervisors all (or one unit).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse

from api.auth import Anyone, forbidden
from api.board.build import OPEN_STAGES, board
from api.board.pending import pending_steps
from api.board.settings import BoardSettings
from api.problems import ERROR_RESPONSES
from api.routes.access import runtime_of, units_of
from domain.clock import now_in_shanghai
from domain.enums import CaseStage, CaseStatus, Unit
from domain.models import Case

router = APIRouter(tags=["board"])
STATIC = Path(__file__).resolve().parents[1] / "board" / "static"
ASSETS = {"board.js": "text/javascript", "board.css": "text/css"}
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}
CHART_DAYS = 30
MAX_CASES = 5_000
STEP_UNITS = frozenset(
    {Unit.HEALTH, Unit.POLICE, Unit.FUNERAL_HOME, Unit.CIVIL_AFFAIRS, Unit.HRSS, Unit.DPF}
)


@router.get("/board", include_in_schema=False)
async def board_page() -> FileResponse:
    return FileResponse(STATIC / "board.html", headers=PAGE_HEADERS)


@router.get("/board/static/{name}", include_in_schema=False)
async def board_asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise HTTPException(404)
    return FileResponse(STATIC / name, media_type=ASSETS[name], headers=PAGE_HEADERS)


@router.get(
    "/board/data",
    summary="案件看板 / case board: open cases by stage with deadlines, overdue first",
    responses=ERROR_RESPONSES,
)
async def board_data(
    request: Request,
    principal: Anyone,
    township: str | None = None,
    unit: Unit | None = None,
) -> dict[str, Any]:
    if township is not None and not principal.may_act_in(township):
        raise forbidden(f"无权查看{township}的案件", "township outside your scope")
    scope = principal.townships if township is None else {township}
    townships = None if scope is None else sorted(scope)
    # Units that owe board steps see their own desk; the others (grid, 12345) their townships.
    own_units = set(units_of(principal)) & STEP_UNITS
    if unit is not None:
        units: set[Unit] | None = {unit}
    elif "supervisor" in principal.roles or not own_units:
        units = None
    else:
        units = own_units
    runtime = runtime_of(request)
    ledger = runtime.ledger
    now = now_in_shanghai()

    def load() -> tuple[list[tuple[Case, list[Any]]], list[Case]]:
        open_cases, _ = ledger.search_cases(
            townships=townships, status=CaseStatus.OPEN, limit=MAX_CASES
        )
        with_steps = []
        for case in open_cases:
            if case.stage not in OPEN_STAGES:
                continue
            done = (
                [entry.action.action for entry in ledger.action_log(case.id)]
                if case.stage in (CaseStage.CERTIFIED, CaseStage.DOWNSTREAM)
                else []
            )
            with_steps.append((case, pending_steps(case, done)))
        recent, _ = ledger.search_cases(
            townships=townships,
            died_from=now - timedelta(days=CHART_DAYS + 2),
            limit=MAX_CASES,
        )
        return with_steps, recent

    open_cases, recent = await runtime.call(load)
    result = board(
        open_cases,
        recent,
        now=now,
        units=units,
        settings=BoardSettings(),
        days=CHART_DAYS,
    )
    result["scope"] = {
        "townships": townships,
        "units": None if units is None else sorted(u.value for u in units),
    }
    return result

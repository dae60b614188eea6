"""Monthly reconciliation (月对账): the template, the units' uploads, the payment rolls, runs.

* ``GET /reconciliation/rules`` — the cross-check rules with their names and reasons.
* ``GET /reconciliation/template.csv`` / ``.xlsx`` — the standard template (标准样本).
* ``POST /reconciliation/tables/{unit}/{month}`` — a unit's monthly table (CSV or XLSX). Every
  row is validated; any bad row refuses the whole file (422 with one error per row and column)
  and nothing is stored. A new upload of the same unit and month replaces the old one.
* ``POST /reconciliation/rolls/{source}/{month}`` — a payment roll (CSV, millions of rows):
  HRSS pensions (``hrss``) or civil-affairs welfare (``civil_affairs``).
* ``POST /reconciliation/runs`` — run the cross-check now (the BPMN timer does it on the 10th).
* ``GET /reconciliation/runs/latest`` — the latest run's counts and discrepancies.
* ``POST /reconciliation/discrepancies/{id}/resolution`` — a unit says it fixed one.

Uploads are by the unit itself (a role acts for its own unit) or by the supervisor.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.auth import Anyone, Principal, forbidden, require
from api.problems import ERROR_RESPONSES, FieldProblem, Problem
from api.process import Message
from api.routes.access import runtime_of, units_of
from api.runtime import actor_for
from domain.clock import now_in_shanghai
from domain.deadlines import MONTHLY_UPLOAD_DAY, add_months
from domain.enums import RECONCILING_UNITS, Unit
from domain.reconciliation import store
from domain.reconciliation.importer import parse_unit_table
from domain.reconciliation.rolls import ROLL_SOURCES, FileRejected, RowError, import_roll_csv
from domain.reconciliation.rules import RULES
from domain.reconciliation.service import roll_path, rolls_dir, run_month
from domain.reconciliation.template import template_csv, template_xlsx

router = APIRouter(prefix="/reconciliation", tags=["reconciliation"])

Supervisor = Annotated[Principal, Depends(require("supervisor"))]
MAX_TABLE_BYTES = 20 * 2**20
ROLL_UNITS = {"hrss": Unit.HRSS, "civil_affairs": Unit.CIVIL_AFFAIRS}


class UploadOut(BaseModel):
    unit: str
    month: str
    rows: int
    replaced_previous: bool = False


class RollOut(BaseModel):
    source: str
    month: str
    rows: int
    payees: int
    amount: float


class RunIn(BaseModel):
    period: str = Field(pattern=r"^\d{4}-\d{2}$", description="the month checked, YYYY-MM")
    as_of: date | None = Field(
        default=None, description="judge deadlines as of this day (default: today)"
    )


class RunOut(BaseModel):
    run_id: int
    period: str
    as_of: date
    people: int
    counts: dict[str, int]
    new: int
    still_open: int
    resolved: int


class ResolutionIn(BaseModel):
    note: str = Field(min_length=2, max_length=500)


def parse_month(text: str) -> date:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not match or not 1 <= int(match[2]) <= 12:
        raise Problem(
            422, "month.format", f"月份“{text}”应写为YYYY-MM", f"month {text!r} must be YYYY-MM"
        )
    return date(int(match[1]), int(match[2]), 1)


def rejected(error: FileRejected) -> Problem:
    return Problem(
        422,
        "upload.rejected",
        error.zh,
        error.en,
        errors=[_field_problem(e) for e in error.errors],
        extra={"total_errors": error.total},
    )


def _field_problem(error: RowError) -> FieldProblem:
    where = f"line {error.line}" + (f" / {error.column}" if error.column else "")
    return FieldProblem(
        field=where, type=error.code, message_zh=error.message_zh, message_en=error.message_en
    )


def _acting_role(principal: Principal, unit: Unit) -> str:
    """The role the caller uploads as: its own unit's, or supervisor."""
    for u, role in units_of(principal).items():
        if u is unit:
            return role
    if "supervisor" in principal.roles:
        return "supervisor"
    raise forbidden(f"无权上传{unit.label_zh}的月度表", f"you may not upload {unit.value}'s table")


@router.get("/rules", summary="对账规则 / the cross-check rules, named and explained")
async def rules(principal: Anyone) -> list[dict[str, str]]:
    return [
        {"code": r.code, "title_zh": r.title_zh, "title_en": r.title_en, "why": r.why}
        for r in RULES
    ]


@router.get("/template.csv", summary="标准样本（CSV） / the template as CSV")
async def template_as_csv(principal: Anyone) -> Response:
    return Response(
        template_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=death-information-template.csv"},
    )


@router.get("/template.xlsx", summary="标准样本（XLSX） / the template as XLSX")
async def template_as_xlsx(principal: Anyone) -> Response:
    return Response(
        await asyncio.to_thread(template_xlsx),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=death-information-template.xlsx"},
    )


@router.post(
    "/tables/{unit}/{month}",
    response_model=UploadOut,
    summary="上传单位月度死亡信息表 / upload a unit's monthly table",
    responses={422: {"description": "refused whole: one error per bad row"}, **ERROR_RESPONSES},
)
async def upload_table(
    unit: Unit,
    month: str,
    request: Request,
    principal: Anyone,
    file: Annotated[UploadFile, File(description="CSV (UTF-8) or XLSX on the template")],
) -> UploadOut:
    period = parse_month(month)
    if unit not in RECONCILING_UNITS and unit is not Unit.FUNERAL_HOME:
        raise Problem(
            422,
            "unit.no_table",
            f"{unit.label_zh}不上报月度表",
            f"{unit.value} does not upload a monthly table",
        )
    role = _acting_role(principal, unit)
    content = await file.read(MAX_TABLE_BYTES + 1)
    if len(content) > MAX_TABLE_BYTES:
        raise Problem(413, "upload.too_large", "文件超过20MB", "the file is larger than 20 MB")
    try:
        records = await asyncio.to_thread(
            parse_unit_table, content, file.filename or "", unit=unit, period=period
        )
    except FileRejected as error:
        raise rejected(error) from None
    runtime = runtime_of(request)
    ledger = runtime.ledger
    actor = actor_for(principal, role)
    previous = await runtime.call(store.uploads_for, ledger.engine, period)
    await runtime.call(ledger.store_unit_records, unit, period, records, actor)
    await runtime.call(
        lambda: store.record_upload(
            ledger.engine,
            unit=unit.value,
            period=period,
            kind="table",
            rows=len(records),
            at=now_in_shanghai(),
            actor_id=actor.id,
        )
    )
    replaced = any(p["unit"] == unit.value and p["kind"] == "table" for p in previous)
    return UploadOut(unit=unit.value, month=month, rows=len(records), replaced_previous=replaced)


@router.post(
    "/rolls/{source}/{month}",
    response_model=RollOut,
    summary="上传发放名册 / upload a payment roll",
    description="HRSS (`hrss`) pensions or civil affairs (`civil_affairs`) welfare: CSV, UTF-8, "
    "columns 证件号码, 姓名, 发放月份 (YYYY-MM), 发放金额 [, 待遇类别]. "
    "Refused whole on any bad row.",
    responses={422: {"description": "refused whole"}, **ERROR_RESPONSES},
)
async def upload_roll(
    source: str,
    month: str,
    request: Request,
    principal: Anyone,
    file: Annotated[UploadFile, File(description="the roll as CSV (UTF-8)")],
) -> RollOut:
    period = parse_month(month)
    if source not in ROLL_SOURCES:
        raise Problem(
            404, "roll.source", f"未知的名册来源{source}", f"unknown roll source {source}"
        )
    role = _acting_role(principal, ROLL_UNITS[source])
    with tempfile.TemporaryDirectory(prefix="shenhou-roll-") as tmp:
        path = Path(tmp) / "roll.csv"
        with path.open("wb") as handle:
            await asyncio.to_thread(shutil.copyfileobj, file.file, handle, 1 << 20)
        dest = roll_path(rolls_dir(), source, period)
        try:
            summary = await asyncio.to_thread(
                import_roll_csv, path, dest, source=source, period=period
            )
        except FileRejected as error:
            raise rejected(error) from None
    runtime = runtime_of(request)
    actor = actor_for(principal, role)
    await runtime.call(
        lambda: store.record_upload(
            runtime.ledger.engine,
            unit=source,
            period=period,
            kind="roll",
            rows=summary.rows,
            at=now_in_shanghai(),
            actor_id=actor.id,
            path=str(dest),
        )
    )
    return RollOut(
        source=source, month=month, rows=summary.rows, payees=summary.payees, amount=summary.amount
    )


@router.post(
    "/runs",
    response_model=RunOut,
    summary="立即对账 / run the cross-check now",
    responses=ERROR_RESPONSES,
)
async def run_now(body: RunIn, request: Request, principal: Supervisor) -> RunOut:
    period = parse_month(body.period)
    now = now_in_shanghai()
    as_of = body.as_of or now.date()
    if as_of < add_months(period, 1):
        raise Problem(
            422, "run.too_early", "所查月份尚未结束", "the month checked has not ended on as_of"
        )
    runtime = runtime_of(request)
    result = await runtime.call(run_month, runtime.ledger, period, as_of, at=now)
    return _run_out(result.stored.run_id, body.period, result)


def _run_out(run_id: int, period: str, result: Any) -> RunOut:
    return RunOut(
        run_id=run_id,
        period=period,
        as_of=result.outcome.as_of,
        people=result.outcome.people,
        counts=result.outcome.counts,
        new=len(result.stored.new),
        still_open=len(result.stored.still_open),
        resolved=len(result.stored.resolved),
    )


@router.get(
    "/runs/latest",
    summary="最近一次对账结果 / the latest run",
    responses={404: {"description": "no run yet"}, **ERROR_RESPONSES},
)
async def latest(request: Request, principal: Anyone, period: str | None = None) -> dict[str, Any]:
    month = parse_month(period) if period else None
    runtime = runtime_of(request)
    engine = runtime.ledger.engine
    run = await runtime.call(store.latest_run, engine, month)
    if run is None:
        raise Problem(404, "run.none", "尚无对账结果", "no reconciliation run yet")
    items = await runtime.call(store.discrepancies_of_run, engine, run["id"])
    mine = units_of(principal)
    county_wide = principal.townships is None and (
        "supervisor" in principal.roles or "hotline" in principal.roles
    )
    visible = [
        {k: v for k, v in item.items() if k not in ("name", "id_number")}
        for item in items
        if county_wide or any(u.value == item["unit"] for u in mine)
    ]
    return {
        "run_id": run["id"],
        "period": f"{run['period']:%Y-%m}",
        "as_of": run["as_of"],
        "people": run["people"],
        "counts": run["counts"],
        "discrepancies": visible,
        "upload_due": add_months(run["period"], 1).replace(day=MONTHLY_UPLOAD_DAY),
    }


@router.post(
    "/discrepancies/{discrepancy_id}/resolution",
    summary="差异已整改 / a unit reports a discrepancy fixed",
    responses={404: {"description": "no such open discrepancy"}, **ERROR_RESPONSES},
)
async def resolve(
    discrepancy_id: int, body: ResolutionIn, request: Request, principal: Anyone
) -> dict[str, Any]:
    runtime = runtime_of(request)
    engine = runtime.ledger.engine
    open_items = await runtime.call(store.open_follow_ups, engine)
    item = next((f for f in open_items if f["discrepancy_id"] == discrepancy_id), None)
    if item is None:
        raise Problem(
            404, "discrepancy.not_open", "该差异不存在或已办结", "no such open discrepancy"
        )
    try:
        responsible = Unit(item["unit"])
    except ValueError:  # e.g. "process": only the supervisor settles those
        responsible = Unit.SUPERVISOR
    _acting_role(principal, responsible)
    done = await runtime.call(
        lambda: store.resolve(
            engine, discrepancy_id, at=now_in_shanghai(), note=f"{principal.sub}: {body.note}"
        )
    )
    # ends the follow-up's wait in monthly-reconciliation (bpmn/README.md); idempotent by id
    await runtime.publish(
        Message(
            name="discrepancy-resolved",
            correlation_key=str(item["id"]),
            message_id=f"resolved:{item['id']}",
            ttl=timedelta(days=10),
            variables={},
        )
    )
    # the next monthly run confirms it (or finds it again and reopens it)
    return {"discrepancy_id": discrepancy_id, "resolved": done}

"""Job workers of ``monthly-reconciliation.bpmn`` (月对账): collect, chase, cross-check, publish,
follow up. The contract is bpmn/README.md, section "monthly-reconciliation".

Times come from ``ctx.clock`` (the worker process's clock; the simulation gives it the engine's
controlled clock) except the run's own instant, which the diagram passes as ``startedAt`` from
the engine (``=string(now())``), so "the previous month" is the engine's idea of it.

Every handler is idempotent: a redelivered job finds the notice already sent (``store.notice_*``),
the follow-up already reminded or escalated, or the run already stored for this job.
"""

from __future__ import annotations

import asyncio
import os
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from pyzeebe import Job, ZeebeTaskRouter

from domain.assessment import assess
from domain.assessment.pdf import render_pdf
from domain.assessment.report import RULE_ZH, ReconciliationSummary, render_html, unit_zh
from domain.clock import SHANGHAI, to_feel
from domain.deadlines import add_months
from domain.enums import RECONCILING_UNITS
from domain.ledger import Ledger, make_engine
from domain.reconciliation import store
from domain.reconciliation.service import run_month
from workers.context import Context
from workers.notify.configured import build_dispatcher
from workers.notify.dispatcher import Audience, Dispatcher
from workers.notify.message import Message
from workers.tasks import add_task, new_router

TASK_TYPES = (
    "reconciliation.collect-tables",
    "reconciliation.chase-uploads",
    "reconciliation.cross-check",
    "reconciliation.publish-report",
    "reconciliation.open-follow-up",
    "reconciliation.remind-follow-up",
    "reconciliation.escalate-follow-up",
)
REMIND_BEFORE = timedelta(days=3)
# the whole month's cross-check: longer than a department call
CROSS_CHECK_TIMEOUT_MS = 15 * 60_000


def reports_dir() -> Path:
    """``SHENHOU_REPORTS_DIR`` or ``./data/reports``: where published monthly reports go."""
    return Path(os.environ.get("SHENHOU_REPORTS_DIR") or "./data/reports")


def parse_engine_time(text: str) -> datetime:
    """An instant from FEEL's ``string(now())``: ``…Z``, ``…+08:00`` or ``…@Asia/Shanghai``."""
    cleaned = re.sub(r"(\[[^\]]+\]|@[\w/+-]+)$", "", text.strip())
    value = datetime.fromisoformat(cleaned.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=SHANGHAI)
    return value.astimezone(SHANGHAI)


class _Deps:
    """The ledger (sync, for the reconciliation's bulk reads) and the notice dispatcher."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._ledger: Ledger | None = getattr(ctx.ledger, "ledger", None)
        self._dispatcher: Dispatcher | None = None

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            self._ledger = Ledger(make_engine(self.ctx.settings.database_url))
        return self._ledger

    @property
    def dispatcher(self) -> Dispatcher:
        if self._dispatcher is None:
            self._dispatcher = build_dispatcher(self.ctx.settings)
        return self._dispatcher

    async def send_once(self, key: str, audience: Audience, title: str, text: str) -> bool:
        """Send a notice unless one with ``key`` was sent (a redelivered job sends nothing)."""
        engine = self.ledger.engine
        if await asyncio.to_thread(store.notice_sent, engine, key):
            return False
        message = Message(
            template="reconciliation",
            title=title,
            markdown=f"### {title}\n\n{text}",
            text=text,
            dedupe_key=key,
        )
        await self.dispatcher.send(audience, message)
        await asyncio.to_thread(store.record_notice, engine, key, self.ctx.clock())
        return True


def _vars(job: Job) -> dict[str, Any]:
    return dict(job.variables or {})


def _period(job: Job) -> date:
    text = str(_vars(job)["period"])
    return date(int(text[:4]), int(text[5:7]), 1)


async def collect_tables(deps: _Deps, job: Job) -> dict[str, Any]:
    started = parse_engine_time(str(_vars(job)["startedAt"]))
    period = add_months(started.date().replace(day=1), -1)
    uploads = await asyncio.to_thread(store.uploads_for, deps.ledger.engine, period)
    have = {u["unit"] for u in uploads if u["kind"] == "table"}
    missing = sorted(u.value for u in RECONCILING_UNITS if u.value not in have)
    return {
        "period": f"{period:%Y-%m}",
        "asOf": started.date().isoformat(),
        "missingUnits": missing,
        "tablesComplete": not missing,
    }


async def chase_uploads(deps: _Deps, job: Job) -> dict[str, Any]:
    period = _period(job)
    missing = [unit_zh(str(u)) for u in _vars(job).get("missingUnits") or []]
    if missing:
        await deps.send_once(
            f"reconciliation:chase:{period:%Y-%m}:{job.element_instance_key}",
            "units",
            f"{period:%Y年%m月}死亡信息表催报",
            f"以下单位尚未上传{period:%Y年%m月}死亡信息表：{'、'.join(missing)}。"
            "请于两天内按标准样本上传，逾期计入对账差异。",
        )
    return {}


async def cross_check(deps: _Deps, job: Job) -> dict[str, Any]:
    variables = _vars(job)
    period = _period(job)
    as_of = date.fromisoformat(str(variables["asOf"]))
    key = str(job.process_instance_key)
    done = await asyncio.to_thread(store.run_for_instance, deps.ledger.engine, key)
    if done is None:
        result = await asyncio.to_thread(
            run_month, deps.ledger, period, as_of, at=deps.ctx.clock(), process_instance_key=key
        )
        run_id, found = result.stored.run_id, len(result.outcome.discrepancies)
    else:  # redelivered after the run was stored: answer the same
        run_id, found = int(done["id"]), sum(int(v) for v in done["counts"].values())
    follow_ups = await asyncio.to_thread(store.open_follow_ups, deps.ledger.engine, run_id)
    return {
        "runId": run_id,
        "discrepancyCount": found,
        "followUps": [int(f["id"]) for f in follow_ups],
    }


async def publish_report(deps: _Deps, job: Job) -> dict[str, Any]:
    period = _period(job)
    run_id = int(_vars(job)["runId"])
    engine = deps.ledger.engine
    start = datetime.combine(period, time(0), tzinfo=SHANGHAI)
    end = datetime.combine(add_months(period, 1), time(0), tzinfo=SHANGHAI)
    assessment = await asyncio.to_thread(assess, engine, start, end)
    run = await asyncio.to_thread(store.run_by_id, engine, run_id)
    items = await asyncio.to_thread(store.discrepancies_of_run, engine, run_id)
    summary = ReconciliationSummary(
        period=f"{period:%Y-%m}",
        counts=dict(run["counts"]),
        people=int(run["people"]),
        discrepancies=items,
    )
    folder = reports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    html = folder / f"shenhou-{period:%Y-%m}.html"
    pdf = folder / f"shenhou-{period:%Y-%m}.pdf"
    html.write_text(render_html(assessment, reconciliation=summary), encoding="utf-8")
    pdf.write_bytes(await asyncio.to_thread(render_pdf, assessment, reconciliation=summary))
    lines = [f"- {RULE_ZH.get(code, code)}：{count}" for code, count in summary.counts.items()]
    text = (
        f"{period:%Y年%m月}对账完成：核对{summary.people}人，差异如下：\n"
        + "\n".join(lines)
        + f"\n报告：{pdf}"
    )
    title = f"{period:%Y年%m月}身后一件事月度对账报告"
    for audience in ("units", "supervisor"):
        await deps.send_once(f"reconciliation:report:{run_id}:{audience}", audience, title, text)
    return {"reportPublishedAt": to_feel(deps.ctx.clock())}


async def open_follow_up(deps: _Deps, job: Job) -> dict[str, Any]:
    follow_up_id = int(_vars(job)["followUpId"])
    item = await asyncio.to_thread(store.follow_up, deps.ledger.engine, follow_up_id)
    if item is None:
        raise LookupError(f"follow-up {follow_up_id} does not exist")
    due: datetime = item["due_at"]  # aware (AwareDateTime)
    await deps.send_once(
        f"reconciliation:follow-up:{follow_up_id}",
        "units",
        f"对账差异整改通知（{unit_zh(item['unit'])}）",
        f"月对账发现差异（{RULE_ZH.get(item['rule'], item['rule'])}），"
        f"案件{item['case_id'] or '—'}，"
        f"请于{due.astimezone(SHANGHAI):%Y-%m-%d %H:%M}前整改并在系统中报告。",
    )
    return {
        "followUpDueAt": to_feel(due),
        "followUpReminderAt": to_feel(due - REMIND_BEFORE),
    }


async def remind_follow_up(deps: _Deps, job: Job) -> dict[str, Any]:
    follow_up_id = int(_vars(job)["followUpId"])
    engine = deps.ledger.engine
    item = await asyncio.to_thread(store.follow_up, engine, follow_up_id)
    if item is None or item["closed_at"] is not None:
        return {}  # fixed meanwhile (or by the next run): nothing to remind
    sent = await deps.send_once(
        f"reconciliation:remind:{follow_up_id}",
        "units",
        f"对账差异整改提醒（{unit_zh(item['unit'])}）",
        f"差异（{RULE_ZH.get(item['rule'], item['rule'])}）整改期限将到，请尽快整改。",
    )
    if sent:
        await asyncio.to_thread(store.mark_reminded, engine, follow_up_id)
    return {}


async def escalate_follow_up(deps: _Deps, job: Job) -> dict[str, Any]:
    follow_up_id = int(_vars(job)["followUpId"])
    engine = deps.ledger.engine
    item = await asyncio.to_thread(store.follow_up, engine, follow_up_id)
    if item is None or item["closed_at"] is not None:
        return {}
    await asyncio.to_thread(store.mark_escalated, engine, follow_up_id, deps.ctx.clock())
    await deps.send_once(
        f"reconciliation:escalate:{follow_up_id}",
        "supervisor",
        "对账差异逾期未整改",
        f"{unit_zh(item['unit'])}未在期限内整改差异（{RULE_ZH.get(item['rule'], item['rule'])}），"
        f"案件{item['case_id'] or '—'}，请督办。",
    )
    return {}


def router(ctx: Context) -> ZeebeTaskRouter:
    deps = _Deps(ctx)
    r = new_router(ctx)

    def bind(handler: Any) -> Any:
        async def run(_ctx: Context, job: Job) -> dict[str, Any]:
            result: dict[str, Any] = await handler(deps, job)
            return result

        return run

    add_task(r, ctx, "reconciliation.collect-tables", bind(collect_tables), ["startedAt"])
    add_task(
        r, ctx, "reconciliation.chase-uploads", bind(chase_uploads), ["period", "missingUnits"]
    )
    add_task(
        r,
        ctx,
        "reconciliation.cross-check",
        bind(cross_check),
        ["period", "asOf"],
        timeout_ms=CROSS_CHECK_TIMEOUT_MS,
    )
    add_task(
        r,
        ctx,
        "reconciliation.publish-report",
        bind(publish_report),
        ["period", "runId"],
        timeout_ms=CROSS_CHECK_TIMEOUT_MS,
    )
    add_task(r, ctx, "reconciliation.open-follow-up", bind(open_follow_up), ["followUpId"])
    add_task(r, ctx, "reconciliation.remind-follow-up", bind(remind_follow_up), ["followUpId"])
    add_task(r, ctx, "reconciliation.escalate-follow-up", bind(escalate_follow_up), ["followUpId"])
    return r


__all__ = ["TASK_TYPES", "parse_engine_time", "reports_dir", "router"]

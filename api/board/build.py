"""The board's answer: open cases grouped by stage (overdue first), counts per township and
unit, and the charts, all within the caller's township scope."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from api.board.charts import daily_volume, time_to_certificate
from api.board.pending import LABELS_ZH, PendingStep
from api.board.settings import BoardSettings
from domain.enums import CaseStage, Unit
from domain.models import Case

OPEN_STAGES = (CaseStage.REPORTED, CaseStage.DIRECTED, CaseStage.CERTIFIED, CaseStage.DOWNSTREAM)
STAGE_ZH = {
    CaseStage.REPORTED: "已报告",
    CaseStage.DIRECTED: "已推送指令",
    CaseStage.CERTIFIED: "已出具证明",
    CaseStage.DOWNSTREAM: "后续办理中",
}


def _step(step: PendingStep, now: datetime) -> dict[str, Any]:
    return {
        "action": step.action.value,
        "label_zh": LABELS_ZH.get(step.action, step.action.value),
        "unit": step.unit.value,
        "unit_zh": step.unit.label_zh,
        "due_at": None if step.due_at is None else step.due_at.isoformat(),
        "overdue": step.overdue(now),
    }


def board(
    open_cases: Sequence[tuple[Case, list[PendingStep]]],
    recent: Sequence[Case],
    *,
    now: datetime,
    units: set[Unit] | None,
    settings: BoardSettings,
    days: int,
) -> dict[str, Any]:
    """``units`` = show only cases with a step pending at one of these units (None = all)."""
    per_stage: dict[CaseStage, list[dict[str, Any]]] = {stage: [] for stage in OPEN_STAGES}
    townships: Counter[str] = Counter()
    township_overdue: Counter[str] = Counter()
    unit_pending: Counter[str] = Counter()
    unit_overdue: Counter[str] = Counter()
    for case, steps in open_cases:
        shown = [s for s in steps if units is None or s.unit in units]
        if units is not None and not shown:
            continue
        overdue = any(s.overdue(now) for s in shown)
        townships[case.township.value] += 1
        township_overdue[case.township.value] += overdue
        for s in shown:
            unit_pending[s.unit.value] += 1
            unit_overdue[s.unit.value] += s.overdue(now)
        per_stage.setdefault(case.stage, []).append(
            {
                "id": case.id,
                "township": case.township.value,
                "stage": case.stage.value,
                "deceased_name": case.deceased.name,
                "died_at": case.deceased.died_at.isoformat(),
                "reported_at": case.reported_at.isoformat(),
                "overdue": overdue,
                "next": _step(shown[0], now) if shown else None,
                "pending": [_step(s, now) for s in shown],
                "instance_url": settings.instance_url(case.process_instance_key),
            }
        )
    far = "9999"
    stages = []
    for stage in OPEN_STAGES:
        cases = per_stage.get(stage, [])
        cases.sort(key=lambda c: (not c["overdue"], (c["next"] or {}).get("due_at") or far))
        stages.append({"stage": stage.value, "label_zh": STAGE_ZH[stage], "cases": cases})
    return {
        "now": now.isoformat(),
        "open": sum(townships.values()),
        "overdue": sum(township_overdue.values()),
        "stages": stages,
        "townships": [
            {"township": t, "open": n, "overdue": township_overdue[t]}
            for t, n in sorted(townships.items(), key=lambda kv: (-township_overdue[kv[0]], kv[0]))
        ],
        "units": [
            {"unit": u, "unit_zh": Unit(u).label_zh, "pending": n, "overdue": unit_overdue[u]}
            for u, n in sorted(unit_pending.items(), key=lambda kv: (-unit_overdue[kv[0]], kv[0]))
        ],
        "daily_volume": daily_volume(recent, now, days),
        "time_to_certificate": time_to_certificate(recent),
    }

"""How cases look in answers: the summary row and the timeline of every step.

The timeline puts each step of DOMAIN.md's flow next to its deadline and who acted, from
the ledger: the reports, the directive and each unit's acknowledgement, the certificate,
every department action, the escalations and the closing. Deadlines are the domain's own
(12 h report, 24 h certificate, one month for the household, payments from the month
after death, working days for reporting the certificate).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta

from api.schemas import CaseSummaryOut, TimelineEntry
from domain.clock import SHANGHAI
from domain.deadlines import (
    certificate_deadline,
    first_unpaid_month,
    household_deregistration_deadline,
    is_report_on_time,
    report_deadline,
)
from domain.enums import ActionKind, CaseStatus, Unit
from domain.ledger import ActionEntry, ReportEntry
from domain.models import Case

ACTION_LABELS_ZH = {
    ActionKind.DIRECTIVE_SENT: "12345推送死讯简况（指令）",
    ActionKind.DIRECTIVE_ACKNOWLEDGED: "确认收到指令",
    ActionKind.HOME_VISIT: "上门调查",
    ActionKind.CERTIFICATE_ISSUED: "出具居民死亡医学证明",
    ActionKind.NOT_NORMAL_DEATH: "认定非正常死亡，移交公安",
    ActionKind.NOTICE_DELIVERED: "送达户籍注销告知书及火化预约方式",
    ActionKind.CREMATION: "火化",
    ActionKind.HOUSEHOLD_DEREGISTRATION: "注销户籍",
    ActionKind.WELFARE_STOPPED: "停发社会救助与福利",
    ActionKind.FUNERAL_SUBSIDY: "核定丧葬补贴",
    ActionKind.PENSION_STOPPED: "停发养老金与社保",
    ActionKind.SURVIVOR_BENEFITS: "核定丧葬补助金与抚恤金",
    ActionKind.DISABILITY_CARD_CANCELLED: "注销残疾人证",
    ActionKind.BUSINESS_DEREGISTRATION: "经营主体登记事项",
    ActionKind.FAMILY_NOTIFIED_COMPLETE: "告知家属全部办结",
}


def case_summary(case: Case) -> CaseSummaryOut:
    return CaseSummaryOut(
        id=case.id,
        status=case.status.value,
        stage=case.stage.value,
        township=case.township.value,
        deceased_name=case.deceased.name,
        died_at=case.deceased.died_at,
        reported_at=case.reported_at,
        report_late=not is_report_on_time(case.deceased.died_at, case.reported_at),
        certificate_due_at=case.certificate_due_at,
        certificate_at=case.certificate_at,
        closed_at=case.closed_at,
        report_count=case.report_count,
    )


def _due_for(case: Case, kind: ActionKind) -> datetime | None:
    died_at = case.deceased.died_at
    directive = case.directive_at
    if kind is ActionKind.CERTIFICATE_ISSUED and directive:
        return certificate_deadline(directive)
    if kind is ActionKind.DIRECTIVE_ACKNOWLEDGED and directive:
        return directive + timedelta(hours=4)
    if kind is ActionKind.NOTICE_DELIVERED and directive:
        return directive + timedelta(hours=48)
    if kind is ActionKind.HOUSEHOLD_DEREGISTRATION:
        return household_deregistration_deadline(died_at).due_at
    if kind in (
        ActionKind.PENSION_STOPPED,
        ActionKind.WELFARE_STOPPED,
        ActionKind.DISABILITY_CARD_CANCELLED,
    ):
        return datetime.combine(first_unpaid_month(died_at), time(0), tzinfo=SHANGHAI)
    if kind is ActionKind.CREMATION and case.certificate_at:
        return case.certificate_at + timedelta(days=3)
    return None


def pending_steps(
    case: Case,
    outstanding: Iterable[tuple[Unit, ActionKind]],
    actions: Iterable[ActionEntry],
    now: datetime,
) -> list[TimelineEntry]:
    """Required steps not done yet, with their deadlines (none once the case has ended)."""
    if case.status is not CaseStatus.OPEN:
        return []
    steps = set(outstanding)
    if not any(a.action.action is ActionKind.CERTIFICATE_ISSUED for a in actions):
        steps.add((Unit.HEALTH, ActionKind.CERTIFICATE_ISSUED))
    entries = []
    for unit, kind in sorted(steps, key=lambda s: (s[1].value, s[0].value)):
        due = _due_for(case, kind)
        entries.append(
            TimelineEntry(
                step=kind.value,
                label_zh=f"{unit.label_zh}：{ACTION_LABELS_ZH.get(kind, kind.value)}",
                state="pending",
                at=None,
                due_at=due,
                on_time=False if due is not None and now >= due else None,
            )
        )
    return entries


def timeline(
    case: Case,
    actions: list[ActionEntry],
    reports: list[ReportEntry],
    escalations: Sequence[tuple[str, object, datetime]],
    pending: Sequence[TimelineEntry] = (),
) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for index, report in enumerate(reports):
        payload = report.payload
        reported_at = datetime.fromisoformat(str(payload["reported_at"]))
        due = report_deadline(case.deceased.died_at)
        entries.append(
            TimelineEntry(
                step="report" if index == 0 else "report_joined",
                label_zh="报告死讯" if index == 0 else "再次报告（并入本案）",
                at=reported_at,
                due_at=due if index == 0 else None,
                on_time=report.on_time if index == 0 else None,
                actor=str(payload.get("reporter", {}).get("role", "")) or None,
            )
        )
    for entry in actions:
        action = entry.action
        action_due = _due_for(case, action.action)
        step = action.action.value
        if action.action is ActionKind.DIRECTIVE_ACKNOWLEDGED:
            step = f"{step}:{action.unit.value}"
        entries.append(
            TimelineEntry(
                step=step,
                label_zh=f"{action.unit.label_zh}：{ACTION_LABELS_ZH.get(action.action, step)}",
                at=action.done_at,
                due_at=action_due,
                on_time=None if action_due is None else action.done_at < action_due,
                actor=f"{action.unit.value}:{entry.actor_id}",
                reference=action.reference,
                details={k: v for k, v in action.details.items() if k != "via"},
            )
        )
    for reason, _unit, at in escalations:
        entries.append(
            TimelineEntry(step=f"escalation:{reason}", label_zh=f"督办：{reason}", at=at)
        )
    if case.closed_at is not None:
        entries.append(
            TimelineEntry(step=f"closed:{case.status.value}", label_zh="结案", at=case.closed_at)
        )
    entries.extend(pending)
    # Done steps first, in time order; recorded times mix whole seconds (process variables)
    # and finer ones (callbacks), so order by the second, then by the flow's own order
    # (reports first, closing last). Pending steps follow, by deadline.
    end = datetime.max.replace(tzinfo=SHANGHAI)

    def order(entry: TimelineEntry) -> tuple[int, datetime, int]:
        if entry.at is None:
            return (1, entry.due_at or end, 0)
        rank = 2 if entry.step.startswith("closed") else 0 if entry.step.startswith("report") else 1
        return (0, entry.at.replace(microsecond=0), rank)

    entries.sort(key=order)
    return entries

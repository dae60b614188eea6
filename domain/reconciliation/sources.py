"""Both sides of the check, read from the ledger: the process's records and the units' tables.

The process side is what the system itself did for each case: the certificate issued, the
department actions recorded by the workers (cremation, deregistration, payments stopped, card
cancelled), a deregistration forwarded outside the county, and what the profile says each unit
must do (``ProfileFlags.required_downstream``). Reads are bulk selects, one per table, and the
export of personal data is written to the audit log once per run.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from domain.clock import SHANGHAI
from domain.enums import ActionKind, IssueKind, Role, Unit
from domain.ledger.repository import Ledger
from domain.ledger.tables import (
    CaseRow,
    CertificateRow,
    DepartmentActionRow,
    NotificationRow,
    UnitRecordRow,
)
from domain.models import Actor
from domain.models.report import ProfileFlags
from domain.models.unit_record import UnitRecord
from domain.reconciliation.checker import period_bounds
from domain.reconciliation.workspace import ProcessRecord, Workspace

RECONCILIATION_ACTOR = Actor(id="system:reconciliation", role=Role.SYSTEM, unit=Unit.SUPERVISOR)
FORWARD_TEMPLATE = "deregistration_forward"


def _day(value: datetime | None) -> date | None:
    return None if value is None else value.astimezone(SHANGHAI).date()


def process_records(ledger: Ledger, until: date) -> list[ProcessRecord]:
    """Every case of a death before ``until`` (exclusive), as the process recorded it."""
    limit = datetime.combine(until, datetime.min.time(), tzinfo=SHANGHAI)
    with ledger.engine.connect() as con:
        cases = con.execute(select(CaseRow.__table__).where(CaseRow.died_at < limit)).mappings()
        case_rows: dict[str, dict[str, Any]] = {c["id"]: dict(c) for c in cases}
        # paper and electronic certificates carry the same code; the first issued counts
        certs: dict[str, tuple[str, date | None]] = {}
        for row in con.execute(
            select(CertificateRow.case_id, CertificateRow.code, CertificateRow.issued_at)
            .where(CertificateRow.issue_kind != IssueKind.COPY)
            .order_by(CertificateRow.issued_at)
        ):
            certs.setdefault(row.case_id, (row.code, _day(row.issued_at)))
        actions: dict[str, dict[ActionKind, date | None]] = defaultdict(dict)
        for row in con.execute(
            select(
                DepartmentActionRow.case_id,
                DepartmentActionRow.action,
                DepartmentActionRow.done_at,
                DepartmentActionRow.details,
            )
        ):
            performed = (row.details or {}).get("performed", True)
            actions[row.case_id][row.action] = _day(row.done_at) if performed else None
        forwarded = set(
            con.execute(
                select(NotificationRow.case_id).where(NotificationRow.template == FORWARD_TEMPLATE)
            ).scalars()
        )
    result: list[ProcessRecord] = []
    for case_id, case in case_rows.items():
        done = actions.get(case_id, {})
        profile = ProfileFlags.model_validate(case["profile"] or {})
        required = profile.required_downstream(case["id_type"])
        required_units = {unit for unit, _ in required}
        code, issued = certs.get(case_id, (None, None))
        result.append(
            ProcessRecord(
                case_id=case_id,
                name=case["deceased_name"] or "",
                died_on=_day(case["died_at"]) or until,
                status=str(getattr(case["status"], "value", case["status"])),
                id_type=str(getattr(case["id_type"], "value", case["id_type"])),
                id_number=case["id_number"],
                birth_date=case["birth_date"],
                township=case["township"],
                certificate_code=code,
                certified_on=issued or _day(case["certificate_at"]),
                cremated_on=done.get(ActionKind.CREMATION),
                deregistered_on=done.get(ActionKind.HOUSEHOLD_DEREGISTRATION),
                deregistration_forwarded=case_id in forwarded,
                welfare_stopped_on=done.get(ActionKind.WELFARE_STOPPED),
                pension_stopped_on=done.get(ActionKind.PENSION_STOPPED),
                card_cancelled_on=done.get(ActionKind.DISABILITY_CARD_CANCELLED),
                # civil affairs checks the funeral subsidy for everyone; it lists a death in its
                # table when it had welfare to stop
                expects_civil_affairs=(Unit.CIVIL_AFFAIRS, ActionKind.WELFARE_STOPPED) in required,
                expects_hrss=Unit.HRSS in required_units,
                expects_dpf=Unit.DPF in required_units,
            )
        )
    return result


def load_ledger(ledger: Ledger, workspace: Workspace, period: date) -> dict[str, str]:
    """Load the process side and the units' tables up to ``period``'s month; return the
    township of every case (for the per-township assessment of discrepancies)."""
    _, end = period_bounds(period)
    records = process_records(ledger, end)
    workspace.add_process_records(records)
    start = period.replace(day=1)
    with ledger.engine.connect() as con:
        periods = sorted(
            set(
                con.execute(
                    select(UnitRecordRow.period).where(UnitRecordRow.period <= start)
                ).scalars()
            )
        )
    for month in periods:
        rows: list[UnitRecord] = ledger.unit_records(
            month, RECONCILIATION_ACTOR, purpose=f"monthly reconciliation of {start:%Y-%m}"
        )
        workspace.add_unit_records(rows)
    return {r.case_id: r.township or "" for r in records}

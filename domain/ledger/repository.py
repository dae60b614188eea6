"""The ledger's repository: the only way the API, the workers and reconciliation touch the data.

Each public method is one transaction. Writes that callers may repeat (a redelivered job, a
retried HTTP call, a second report of the same death) are idempotent and say whether they
created something (``created``) or found it already there. Every read or change of personal data
writes an audit entry with the acting :class:`~domain.models.case.Actor`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from domain.clock import now_in_shanghai, require_aware
from domain.enums import (
    ActionKind,
    CaseStage,
    CaseStatus,
    CertificateForm,
    IdType,
    IssueKind,
    Unit,
)
from domain.errors import DomainError
from domain.ids import identity_key as make_identity_key
from domain.ids import normalize_id_number
from domain.ledger.db import make_engine, make_session_factory
from domain.ledger.tables import (
    AuditRow,
    Base,
    CaseRow,
    CertificateRow,
    CertificateSerialRow,
    DepartmentActionRow,
    EscalationRow,
    FamilyTripRow,
    NotificationRow,
    ReportRow,
    UnitRecordRow,
)
from domain.models import (
    Actor,
    Case,
    Certificate,
    DeathReport,
    DepartmentAction,
    FamilyTrip,
    Notification,
    UnitRecord,
)
from domain.models.people import Address, Deceased, FamilyContact
from domain.models.report import ProfileFlags

T = TypeVar("T")
R = TypeVar("R", bound=Base)
AuditAction = Literal["read", "create", "update", "export"]
Step = Literal["directive_at", "certificate_at", "downstream_done_at"]
_STEP_STAGE: dict[Step, CaseStage] = {
    "directive_at": CaseStage.DIRECTED,
    "certificate_at": CaseStage.CERTIFIED,
    "downstream_done_at": CaseStage.COMPLETED,
}
_STAGE_STEP: dict[CaseStage, Step] = {stage: step for step, stage in _STEP_STAGE.items()}
_STAGE_ORDER = list(CaseStage)
# The order a case's step times must keep (the Case model refuses anything else).
_STEP_TIMES = ("reported_at", "directive_at", "certificate_at", "downstream_done_at", "closed_at")


def _not_before_earlier_steps(row: CaseRow, step: str, at: datetime) -> datetime:
    """Clamp a step time to the latest earlier step.

    Times come from different clocks (a unit's system, the workers' whole-second clock,
    the reporter's phone); a directive stamped a few hundred milliseconds "before" the
    report it answers must not make the case unreadable. Causality is known — the step
    happened after the earlier ones — so it is stored no earlier than they are.
    """
    earlier = [
        value
        for name in _STEP_TIMES[: _STEP_TIMES.index(step)]
        if (value := getattr(row, name)) is not None
    ]
    return max([at, *earlier])


# Stored rows were validated on the way in; reading them back must not fail on the wall clock.
_STORED = {"now": None}
MAX_SERIAL = 9999

DECEASED_FIELDS = ["deceased_name", "id_type", "id_number", "sex", "birth_date", "died_at"]


class CaseNotFound(DomainError):
    def __init__(self, case_id: str) -> None:
        super().__init__("case.not_found", f"案件{case_id}不存在", f"case {case_id} does not exist")


@dataclass(frozen=True, slots=True)
class ReportOutcome:
    case: Case
    report_id: int
    created_case: bool  # False: the report joined the open case of the same deceased
    duplicate: bool = False  # True: the same idempotency key was seen before; nothing stored


@dataclass(frozen=True, slots=True)
class Recorded:
    """Result of an idempotent write: what is stored, and whether this call stored it."""

    created: bool
    value: Any


@dataclass(frozen=True, slots=True)
class ActionEntry:
    """A stored department action with who recorded it and when (for case detail views)."""

    action: DepartmentAction
    actor_id: str
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ReportEntry:
    """A stored report: the validated payload plus what the ledger learnt on receipt."""

    id: int
    received_at: datetime
    joined_existing: bool
    on_time: bool
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor_id: str
    actor_role: str
    action: str
    case_id: str | None
    entity: str
    fields: list[str]
    purpose: str | None


class Ledger:
    """Repository over the ledger database (see :mod:`domain.ledger.tables`)."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] = now_in_shanghai):
        self.engine = engine
        self._sessions: sessionmaker[Session] = make_session_factory(engine)
        self._clock = clock

    @classmethod
    def from_url(cls, url: str | None = None, *, migrate: bool = True) -> Ledger:
        """Open the ledger at ``url`` / ``DATABASE_URL``, upgrading the schema first."""
        if migrate:
            from domain.ledger.migrate import upgrade_database

            upgrade_database(url)
        return cls(make_engine(url))

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # --- audit --------------------------------------------------------------------------

    def _audit(
        self,
        session: Session,
        actor: Actor,
        action: AuditAction,
        entity: str,
        *,
        case_id: str | None,
        fields: Iterable[str],
        purpose: str | None = None,
    ) -> None:
        session.add(
            AuditRow(
                at=self._clock(),
                actor_id=actor.id,
                actor_role=actor.role,
                actor_unit=actor.unit,
                action=action,
                case_id=case_id,
                entity=entity,
                fields=sorted(set(fields)),
                purpose=purpose,
            )
        )

    def audit_entries(self, *, case_id: str | None = None) -> list[AuditEntry]:
        with self._tx() as session:
            query = select(AuditRow).order_by(AuditRow.id)
            if case_id is not None:
                query = query.where(AuditRow.case_id == case_id)
            return [
                AuditEntry(
                    at=row.at,
                    actor_id=row.actor_id,
                    actor_role=row.actor_role.value,
                    action=row.action,
                    case_id=row.case_id,
                    entity=row.entity,
                    fields=list(row.fields),
                    purpose=row.purpose,
                )
                for row in session.scalars(query)
            ]

    # --- cases and reports ----------------------------------------------------------------

    def record_report(
        self, report: DeathReport, actor: Actor, *, case_id: str | None = None
    ) -> ReportOutcome:
        """Store a report: open a case, or join the open case of the same deceased.

        The one-open-case rule is enforced by the UNIQUE ``open_identity_key``: when two reports
        of the same person race, one insert wins and the other joins its case. Without any ID
        number nothing identifies the person, so a follow-up report must name ``case_id``.
        A repeated ``idempotency_key`` returns the first outcome and stores nothing.
        """
        key = report.deceased.identity_key
        for _attempt in range(3):
            try:
                with self._tx() as session:
                    return self._record_report(session, report, actor, key, case_id)
            except IntegrityError:
                # Lost a race: another transaction opened the case (or stored the same
                # idempotency key) between our read and our insert. Retry: we now find it.
                continue
        raise RuntimeError("could not record the report after 3 attempts")  # pragma: no cover

    def _record_report(
        self,
        session: Session,
        report: DeathReport,
        actor: Actor,
        key: str | None,
        case_id: str | None,
    ) -> ReportOutcome:
        if report.idempotency_key:
            seen = session.scalar(
                select(ReportRow).where(ReportRow.idempotency_key == report.idempotency_key)
            )
            if seen is not None:
                return ReportOutcome(
                    case=_case_model(seen.case),
                    report_id=seen.id,
                    created_case=False,
                    duplicate=True,
                )
        case_row: CaseRow | None = None
        if case_id is not None:
            case_row = session.get(CaseRow, case_id, with_for_update=True)
            if case_row is None:
                raise CaseNotFound(case_id)
            if key is not None and case_row.identity_key not in (None, key):
                raise DomainError(
                    "case.identity_mismatch",
                    "报告的死者身份与所指案件不一致",
                    "the reported deceased does not match the case named",
                )
        elif key is not None:
            # Row lock (PostgreSQL): joining reports update report_count one after another.
            case_row = session.scalar(
                select(CaseRow).where(CaseRow.open_identity_key == key).with_for_update()
            )
        now = self._clock()
        created = case_row is None
        if case_row is None:
            case_row = _new_case_row(report, key, now)
            session.add(case_row)
            session.flush()  # raises IntegrityError if a concurrent report opened it first
            self._audit(
                session,
                actor,
                "create",
                "case",
                case_id=case_row.id,
                fields=[*DECEASED_FIELDS, "address", "family_contact", "profile"],
            )
        else:
            case_row.report_count += 1
            case_row.updated_at = now
            if case_row.family_contact is None and report.family_contact is not None:
                case_row.family_contact = report.family_contact.model_dump(mode="json")
        row = ReportRow(
            case=case_row,
            reported_at=report.reported_at,
            received_at=now,
            reporter_role=report.reporter.role,
            reporter_name=report.reporter.name,
            reporter_phone=report.reporter.phone,
            lateness_seconds=int(report.lateness.total_seconds()),
            on_time=report.on_time,
            joined_existing=not created,
            idempotency_key=report.idempotency_key,
            payload=report.model_dump(mode="json"),
        )
        session.add(row)
        session.flush()
        self._audit(
            session,
            actor,
            "create",
            "report",
            case_id=case_row.id,
            fields=["reporter_name", "reporter_phone", "deceased", "family_contact"],
        )
        return ReportOutcome(case=_case_model(case_row), report_id=row.id, created_case=created)

    def get_case(self, case_id: str, actor: Actor, *, purpose: str | None = None) -> Case:
        """Read a case (audited: it holds the deceased's and the family's personal data)."""
        with self._tx() as session:
            row = session.get(CaseRow, case_id)
            if row is None:
                raise CaseNotFound(case_id)
            self._audit(
                session,
                actor,
                "read",
                "case",
                case_id=case_id,
                fields=[*DECEASED_FIELDS, "family_contact"],
                purpose=purpose,
            )
            return _case_model(row)

    def find_open_case(
        self, id_type: IdType, id_number: str, actor: Actor, *, purpose: str | None = None
    ) -> Case | None:
        key = make_identity_key(id_type, normalize_id_number(id_type, id_number))
        with self._tx() as session:
            row = session.scalar(select(CaseRow).where(CaseRow.open_identity_key == key))
            self._audit(
                session,
                actor,
                "read",
                "case",
                case_id=row.id if row else None,
                fields=["id_number"] if row is None else [*DECEASED_FIELDS, "family_contact"],
                purpose=purpose or "lookup by ID number",
            )
            return None if row is None else _case_model(row)

    def list_cases(
        self,
        *,
        status: CaseStatus | None = None,
        township: str | None = None,
        reported_from: datetime | None = None,
        reported_to: datetime | None = None,
    ) -> list[Case]:
        """Cases for KPIs and reconciliation (not audited per case: callers audit exports)."""
        with self._tx() as session:
            query = select(CaseRow).order_by(CaseRow.reported_at)
            if status is not None:
                query = query.where(CaseRow.status == status)
            if township is not None:
                query = query.where(CaseRow.township == township)
            if reported_from is not None:
                query = query.where(CaseRow.reported_at >= require_aware(reported_from))
            if reported_to is not None:
                query = query.where(CaseRow.reported_at < require_aware(reported_to))
            return [_case_model(row) for row in session.scalars(query)]

    def search_cases(
        self,
        *,
        townships: Iterable[str] | None = None,
        status: CaseStatus | None = None,
        stage: CaseStage | None = None,
        report_late: bool | None = None,
        died_from: datetime | None = None,
        died_to: datetime | None = None,
        limit: int = 50,
        offset: int = 0,
        actor: Actor | None = None,
        purpose: str | None = None,
    ) -> tuple[list[Case], int]:
        """A page of cases (newest report first) and the total matching, for the case API.

        ``townships`` restricts to a caller's townships (None = county-wide). With ``actor``
        every case on the page gets a "read" audit entry, so "who saw this person's data"
        includes people who saw it in a list; system callers (KPIs) pass no actor.
        """
        conditions: list[Any] = []
        if townships is not None:
            conditions.append(CaseRow.township.in_(list(townships)))
        if status is not None:
            conditions.append(CaseRow.status == status)
        if stage is not None:
            conditions.append(CaseRow.stage == stage)
        if report_late is not None:
            conditions.append(CaseRow.report_on_time.is_(not report_late))
        if died_from is not None:
            conditions.append(CaseRow.died_at >= require_aware(died_from))
        if died_to is not None:
            conditions.append(CaseRow.died_at < require_aware(died_to))
        with self._tx() as session:
            total = session.scalar(select(func.count()).select_from(CaseRow).where(*conditions))
            rows = session.scalars(
                select(CaseRow)
                .where(*conditions)
                .order_by(CaseRow.reported_at.desc(), CaseRow.id)
                .limit(limit)
                .offset(offset)
            )
            cases = [_case_model(row) for row in rows]
            if actor is not None:
                for case in cases:
                    self._audit(
                        session,
                        actor,
                        "read",
                        "case",
                        case_id=case.id,
                        fields=[*DECEASED_FIELDS, "family_contact"],
                        purpose=purpose or "case search",
                    )
            return cases, int(total or 0)

    def cases_without_process_instance(self) -> list[Case]:
        """Open cases whose process instance was never started (e.g. the engine was down)."""
        with self._tx() as session:
            rows = session.scalars(
                select(CaseRow)
                .where(CaseRow.status == CaseStatus.OPEN, CaseRow.process_instance_key.is_(None))
                .order_by(CaseRow.reported_at)
            )
            return [_case_model(row) for row in rows]

    def reports_for(self, case_id: str, actor: Actor) -> list[ReportEntry]:
        """Every report of a case, first first (audited: reporters' and family's data)."""
        with self._tx() as session:
            rows = session.scalars(
                select(ReportRow).where(ReportRow.case_id == case_id).order_by(ReportRow.id)
            ).all()
            self._audit(
                session,
                actor,
                "read",
                "report",
                case_id=case_id,
                fields=["reporter_name", "reporter_phone", "deceased", "family_contact"],
            )
            return [
                ReportEntry(
                    id=row.id,
                    received_at=row.received_at,
                    joined_existing=row.joined_existing,
                    on_time=row.on_time,
                    payload=dict(row.payload),
                )
                for row in rows
            ]

    def mark_step(self, case_id: str, step: Step, at: datetime, actor: Actor) -> Recorded:
        """Set a step timestamp once (a replay keeps the first time) and advance the stage."""
        at = require_aware(at)
        with self._tx() as session:
            row = session.get(CaseRow, case_id, with_for_update=True)
            if row is None:
                raise CaseNotFound(case_id)
            if getattr(row, step) is not None:
                return Recorded(False, getattr(row, step))
            at = _not_before_earlier_steps(row, step, at)
            setattr(row, step, at)
            stage = _STEP_STAGE[step]
            if _STAGE_ORDER.index(stage) > _STAGE_ORDER.index(row.stage):
                row.stage = stage
            row.updated_at = self._clock()
            self._audit(session, actor, "update", "case", case_id=case_id, fields=[step])
            return Recorded(True, at)

    def advance(
        self,
        case_id: str,
        *,
        at: datetime,
        actor: Actor,
        stage: CaseStage | None = None,
        status: CaseStatus | None = None,
    ) -> bool:
        """Move a case forward: a stage sets its timestamp the first time (DIRECTED →
        directive_at, CERTIFIED → certificate_at, COMPLETED → downstream_done_at); a final
        status closes the case. Never moves backwards. True if anything changed."""
        changed = False
        step = _STAGE_STEP.get(stage) if stage is not None else None
        if step is not None:
            changed |= self.mark_step(case_id, step, at, actor).created
        elif stage is not None:
            with self._tx() as session:
                row = session.get(CaseRow, case_id, with_for_update=True)
                if row is None:
                    raise CaseNotFound(case_id)
                if _STAGE_ORDER.index(stage) > _STAGE_ORDER.index(row.stage):
                    row.stage = stage
                    row.updated_at = self._clock()
                    self._audit(session, actor, "update", "case", case_id=case_id, fields=["stage"])
                    changed = True
        if status is not None and status is not CaseStatus.OPEN:
            changed |= self.close_case(case_id, status, at, actor).created
        return changed

    def set_process_instance(self, case_id: str, key: int) -> None:
        with self._tx() as session:
            result = session.execute(
                update(CaseRow).where(CaseRow.id == case_id).values(process_instance_key=key)
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                raise CaseNotFound(case_id)

    def close_case(self, case_id: str, status: CaseStatus, at: datetime, actor: Actor) -> Recorded:
        """End a case (closed, handed to police, cancelled); frees the identity for a new case."""
        if status is CaseStatus.OPEN:
            raise ValueError("close_case needs a final status")
        at = require_aware(at)
        with self._tx() as session:
            row = session.get(CaseRow, case_id, with_for_update=True)
            if row is None:
                raise CaseNotFound(case_id)
            if row.status is not CaseStatus.OPEN:
                return Recorded(False, row.status)
            row.status = status
            row.closed_at = _not_before_earlier_steps(row, "closed_at", at)
            row.open_identity_key = None
            if status is CaseStatus.CLOSED:
                row.stage = CaseStage.COMPLETED
            row.updated_at = self._clock()
            self._audit(session, actor, "update", "case", case_id=case_id, fields=["status"])
            return Recorded(True, status)

    # --- department actions, notifications ------------------------------------------------

    def record_action(self, action: DepartmentAction, actor: Actor) -> Recorded:
        """Store a department action once per (case, unit, action); replays return the first."""
        assert action.idempotency_key is not None

        def find(session: Session) -> DepartmentActionRow | None:
            return session.scalar(
                select(DepartmentActionRow).where(
                    DepartmentActionRow.case_id == action.case_id,
                    DepartmentActionRow.unit == action.unit,
                    DepartmentActionRow.action == action.action,
                )
            ) or session.scalar(
                select(DepartmentActionRow).where(
                    DepartmentActionRow.idempotency_key == action.idempotency_key
                )
            )

        created, row = self._insert_for_case(
            action.case_id,
            find,
            lambda: DepartmentActionRow(
                case_id=action.case_id,
                unit=action.unit,
                action=action.action,
                done_at=action.done_at,
                reference=action.reference,
                idempotency_key=action.idempotency_key,
                details=action.details,
                actor_id=actor.id,
                recorded_at=self._clock(),
            ),
            audit=(actor, "department_action", [action.action.value]),
        )
        return Recorded(created, _action_model(row))

    def actions_for(self, case_id: str) -> list[DepartmentAction]:
        with self._tx() as session:
            rows = session.scalars(
                select(DepartmentActionRow)
                .where(DepartmentActionRow.case_id == case_id)
                .order_by(DepartmentActionRow.done_at, DepartmentActionRow.id)
            )
            return [_action_model(row) for row in rows]

    def find_action(self, case_id: str, unit: Unit, action: ActionKind) -> ActionEntry | None:
        with self._tx() as session:
            row = session.scalar(
                select(DepartmentActionRow).where(
                    DepartmentActionRow.case_id == case_id,
                    DepartmentActionRow.unit == unit,
                    DepartmentActionRow.action == action,
                )
            )
            return None if row is None else _action_entry(row)

    def action_log(self, case_id: str) -> list[ActionEntry]:
        """Actions of a case in the order they were done, with who recorded them."""
        with self._tx() as session:
            rows = session.scalars(
                select(DepartmentActionRow)
                .where(DepartmentActionRow.case_id == case_id)
                .order_by(DepartmentActionRow.done_at, DepartmentActionRow.id)
            )
            return [_action_entry(row) for row in rows]

    def acknowledged_units(self, case_id: str) -> set[Unit]:
        """Units that acknowledged the 12345 directive (the others are chased)."""
        with self._tx() as session:
            return set(
                session.scalars(
                    select(DepartmentActionRow.unit).where(
                        DepartmentActionRow.case_id == case_id,
                        DepartmentActionRow.action == ActionKind.DIRECTIVE_ACKNOWLEDGED,
                    )
                )
            )

    def record_escalation(
        self,
        case_id: str,
        reason: str,
        at: datetime,
        actor: Actor,
        *,
        unit: Unit | None = None,
        details: dict[str, Any] | None = None,
    ) -> Recorded:
        """Escalate a missed deadline to the supervisor once per (case, reason)."""
        at = require_aware(at)

        def find(session: Session) -> EscalationRow | None:
            return session.scalar(
                select(EscalationRow).where(
                    EscalationRow.case_id == case_id, EscalationRow.reason == reason
                )
            )

        created, row = self._insert_for_case(
            case_id,
            find,
            lambda: EscalationRow(
                case_id=case_id,
                reason=reason,
                unit=unit,
                at=at,
                details=details or {},
                actor_id=actor.id,
                recorded_at=self._clock(),
            ),
        )
        return Recorded(created, row.at)

    def record_family_trip(self, trip: FamilyTrip, actor: Actor) -> Recorded:
        """Record a trip the family had to make; idempotent when the trip carries a key."""

        def find(session: Session) -> FamilyTripRow | None:
            if trip.idempotency_key is None:
                return None
            return session.scalar(
                select(FamilyTripRow).where(FamilyTripRow.idempotency_key == trip.idempotency_key)
            )

        created, row = self._insert_for_case(
            trip.case_id,
            find,
            lambda: FamilyTripRow(
                case_id=trip.case_id,
                unit=trip.unit,
                at=trip.at,
                purpose=trip.purpose,
                idempotency_key=trip.idempotency_key,
                actor_id=actor.id,
                recorded_at=self._clock(),
            ),
        )
        return Recorded(created, row.id)

    def family_trip_counts(self, case_ids: Iterable[str] | None = None) -> dict[str, int]:
        """Trips per case (cases without trips are absent: they are the zero-trip families)."""
        with self._tx() as session:
            query = select(FamilyTripRow.case_id, func.count()).group_by(FamilyTripRow.case_id)
            if case_ids is not None:
                query = query.where(FamilyTripRow.case_id.in_(list(case_ids)))
            return {case_id: int(count) for case_id, count in session.execute(query).all()}

    def escalations_for(self, case_id: str) -> list[tuple[str, Unit | None, datetime]]:
        with self._tx() as session:
            rows = session.scalars(
                select(EscalationRow)
                .where(EscalationRow.case_id == case_id)
                .order_by(EscalationRow.at, EscalationRow.id)
            )
            return [(row.reason, row.unit, row.at) for row in rows]

    def outstanding_actions(self, case_id: str) -> set[tuple[Unit, ActionKind]]:
        """Required downstream actions (from the profile) not yet recorded."""
        with self._tx() as session:
            row = session.get(CaseRow, case_id)
            if row is None:
                raise CaseNotFound(case_id)
            required = ProfileFlags.model_validate(row.profile).required_downstream(row.id_type)
            done = {
                (r.unit, r.action)
                for r in session.scalars(
                    select(DepartmentActionRow).where(DepartmentActionRow.case_id == case_id)
                )
            }
            return set(required - done)

    def record_notification(self, notification: Notification, actor: Actor) -> Recorded:
        """Store a sent notification once per idempotency key (so nobody is texted twice)."""

        def find(session: Session) -> NotificationRow | None:
            return session.scalar(
                select(NotificationRow).where(
                    NotificationRow.idempotency_key == notification.idempotency_key
                )
            )

        created, row = self._insert_for_case(
            notification.case_id,
            find,
            lambda: NotificationRow(
                case_id=notification.case_id,
                channel=notification.channel,
                template=notification.template,
                recipient=notification.recipient,
                recipient_unit=notification.recipient_unit,
                sent_at=notification.sent_at,
                idempotency_key=notification.idempotency_key,
                variables=notification.variables,
                recorded_at=self._clock(),
            ),
            audit=(actor, "notification", ["recipient"]),
        )
        return Recorded(created, _notification_model(row))

    def find_notification(self, idempotency_key: str) -> Notification | None:
        with self._tx() as session:
            row = session.scalar(
                select(NotificationRow).where(NotificationRow.idempotency_key == idempotency_key)
            )
            return None if row is None else _notification_model(row)

    def notification_sent(self, idempotency_key: str) -> bool:
        with self._tx() as session:
            return (
                session.scalar(
                    select(NotificationRow.id).where(
                        NotificationRow.idempotency_key == idempotency_key
                    )
                )
                is not None
            )

    def notifications_for(self, case_id: str) -> list[Notification]:
        with self._tx() as session:
            rows = session.scalars(
                select(NotificationRow)
                .where(NotificationRow.case_id == case_id)
                .order_by(NotificationRow.sent_at, NotificationRow.id)
            )
            return [_notification_model(row) for row in rows]

    # --- certificates ----------------------------------------------------------------------

    def allocate_certificate_serial(self, issuer_uscc: str, year: int) -> int:
        """Next yearly serial (1-9999) of an issuer, for a deceased without any ID.

        The counter row is created on first use; the increment is a single UPDATE, which locks
        the row (PostgreSQL) or the database (SQLite) until commit, so concurrent calls never
        hand out the same serial.
        """
        for _attempt in range(3):
            try:
                with self._tx() as session:
                    result = session.execute(
                        update(CertificateSerialRow)
                        .where(
                            CertificateSerialRow.issuer_uscc == issuer_uscc,
                            CertificateSerialRow.year == year,
                        )
                        .values(last_serial=CertificateSerialRow.last_serial + 1)
                    )
                    if result.rowcount == 0:  # type: ignore[attr-defined]
                        session.add(
                            CertificateSerialRow(issuer_uscc=issuer_uscc, year=year, last_serial=1)
                        )
                        session.flush()
                        return 1
                    serial = session.scalar(
                        select(CertificateSerialRow.last_serial).where(
                            CertificateSerialRow.issuer_uscc == issuer_uscc,
                            CertificateSerialRow.year == year,
                        )
                    )
                    assert serial is not None
                    if serial > MAX_SERIAL:
                        raise DomainError(
                            "certificate.serial_exhausted",
                            f"{year}年度流水号已用完（最多{MAX_SERIAL}）",
                            f"the yearly serials of {year} are used up (at most {MAX_SERIAL})",
                        )
                    return serial
            except IntegrityError:
                continue  # two first uses raced on the insert; the retry increments
        raise RuntimeError("could not allocate a serial after 3 attempts")  # pragma: no cover

    def next_certificate_sequence(self, case_id: str, form: CertificateForm) -> int:
        with self._tx() as session:
            numbers = session.scalars(
                select(CertificateRow.sequence_no).where(
                    CertificateRow.case_id == case_id, CertificateRow.form == form
                )
            ).all()
            return max(numbers, default=0) + 1

    def record_certificate(self, certificate: Certificate, actor: Actor) -> Recorded:
        """Store an issued certificate (original, reissue or copy) once per sequence number."""

        def find(session: Session) -> CertificateRow | None:
            return session.scalar(
                select(CertificateRow).where(
                    CertificateRow.case_id == certificate.case_id,
                    CertificateRow.form == certificate.form,
                    CertificateRow.sequence_no == certificate.sequence_no,
                )
            )

        created, row = self._insert_for_case(
            certificate.case_id,
            find,
            lambda: CertificateRow(
                **certificate.model_dump(exclude={"parts"}),
                parts=[p.value for p in certificate.parts],
                recorded_at=self._clock(),
            ),
            audit=(actor, "certificate", ["deceased_name", "id_number", "code"]),
        )
        return Recorded(created, _certificate_model(row))

    def current_certificate(
        self, case_id: str, form: CertificateForm = CertificateForm.PAPER
    ) -> Certificate | None:
        """The certificate in force: the latest original or reissue of that form (not copies)."""
        with self._tx() as session:
            row = session.scalar(
                select(CertificateRow)
                .where(
                    CertificateRow.case_id == case_id,
                    CertificateRow.form == form,
                    CertificateRow.issue_kind != IssueKind.COPY,
                )
                .order_by(CertificateRow.sequence_no.desc())
                .limit(1)
            )
            return None if row is None else _certificate_model(row)

    def issue_copy(
        self,
        case_id: str,
        request_key: str,
        at: datetime,
        actor: Actor,
        *,
        form: CertificateForm = CertificateForm.PAPER,
    ) -> Recorded:
        """One more death proof for the family (两个不限: no limit on copies), once per request.

        The copy repeats the certificate in force (same code) with the next sequence number.
        Raises ``certificate.none_issued`` when no certificate exists yet.
        """
        at = require_aware(at)

        def find(session: Session) -> CertificateRow | None:
            return session.scalar(
                select(CertificateRow).where(CertificateRow.request_key == request_key)
            )

        def insert(session: Session) -> CertificateRow:
            rows = session.scalars(
                select(CertificateRow)
                .where(CertificateRow.case_id == case_id, CertificateRow.form == form)
                .order_by(CertificateRow.sequence_no.desc())
                .with_for_update()
            ).all()
            source = next((r for r in rows if r.issue_kind is not IssueKind.COPY), None)
            if source is None:
                raise DomainError(
                    "certificate.none_issued",
                    "尚未出具死亡证明，无法提供副本",
                    "no certificate has been issued yet, so there is nothing to copy",
                )
            copy = _certificate_model(source).model_copy(
                update={
                    "issue_kind": IssueKind.COPY,
                    "sequence_no": rows[0].sequence_no + 1,
                    "issued_at": at,
                    "reported_at": None,
                }
            )
            data = copy.model_dump(exclude={"parts"})
            row = CertificateRow(
                **data,
                parts=[p.value for p in copy.parts],
                request_key=request_key,
                recorded_at=self._clock(),
            )
            session.add(row)
            session.flush()
            self._audit(
                session,
                actor,
                "create",
                "certificate",
                case_id=case_id,
                fields=["deceased_name", "id_number", "code"],
                purpose=f"copy for request {request_key}",
            )
            return row

        created, row = self._insert_once(find, insert)
        return Recorded(created, _certificate_model(row))

    def mark_certificate_reported(
        self, case_id: str, form: CertificateForm, sequence_no: int, at: datetime
    ) -> None:
        with self._tx() as session:
            session.execute(
                update(CertificateRow)
                .where(
                    CertificateRow.case_id == case_id,
                    CertificateRow.form == form,
                    CertificateRow.sequence_no == sequence_no,
                    CertificateRow.reported_at.is_(None),
                )
                .values(reported_at=require_aware(at))
            )

    def certificates_for(self, case_id: str) -> list[Certificate]:
        with self._tx() as session:
            rows = session.scalars(
                select(CertificateRow)
                .where(CertificateRow.case_id == case_id)
                .order_by(CertificateRow.issued_at, CertificateRow.id)
            )
            return [_certificate_model(row) for row in rows]

    # --- unit records (monthly standard template) ------------------------------------------

    def store_unit_records(
        self, unit: Unit, period: date, records: Iterable[UnitRecord], actor: Actor
    ) -> int:
        """Store one unit's table for one month, replacing rows of an earlier upload.

        Rows are keyed by identity (or name + date of death without an ID); a row missing
        from the new upload is removed, so the stored table always equals the last upload.
        """
        rows = list(records)
        for record in rows:
            if record.unit is not unit or record.period != period:
                raise DomainError(
                    "unit_record.mixed_table",
                    "一张表只能包含同一单位、同一月份的记录",
                    "one table holds records of one unit and one month only",
                )
        now = self._clock()
        with self._tx() as session:
            existing = {
                r.row_key: r
                for r in session.scalars(
                    select(UnitRecordRow).where(
                        UnitRecordRow.unit == unit, UnitRecordRow.period == period
                    )
                )
            }
            keys: set[str] = set()
            for record in rows:
                key = _row_key(record)
                if key in keys:
                    raise DomainError(
                        "unit_record.duplicate_row",
                        f"同一人在表中出现两次：{record.name}",
                        "the same person appears twice in the table",
                    )
                keys.add(key)
                values = record.model_dump()
                values.update(
                    row_key=key,
                    identity_key=record.identity_key,
                    township=record.township.value if record.township else None,
                    uploaded_at=now,
                )
                row = existing.get(key)
                if row is None:
                    session.add(UnitRecordRow(**values))
                else:
                    for name, value in values.items():
                        setattr(row, name, value)
            for key, row in existing.items():
                if key not in keys:
                    session.delete(row)
            self._audit(
                session,
                actor,
                "create",
                "unit_records",
                case_id=None,
                fields=["name", "id_number", "birth_date", "died_on"],
                purpose=f"{unit.value} {period:%Y-%m} upload ({len(rows)} rows)",
            )
            return len(rows)

    def unit_records(
        self, period: date, actor: Actor, *, unit: Unit | None = None, purpose: str | None = None
    ) -> list[UnitRecord]:
        """Read a month's tables (audited as an export of personal data)."""
        with self._tx() as session:
            query = select(UnitRecordRow).where(UnitRecordRow.period == period)
            if unit is not None:
                query = query.where(UnitRecordRow.unit == unit)
            result = [
                _unit_record_model(r) for r in session.scalars(query.order_by(UnitRecordRow.id))
            ]
            self._audit(
                session,
                actor,
                "export",
                "unit_records",
                case_id=None,
                fields=["name", "id_number", "birth_date", "died_on"],
                purpose=purpose or f"read {period:%Y-%m} {unit.value if unit else 'all units'}",
            )
            return result

    # --- helpers ---------------------------------------------------------------------------

    def _insert_for_case(
        self,
        case_id: str,
        find: Callable[[Session], R | None],
        new_row: Callable[[], R],
        *,
        audit: tuple[Actor, str, list[str]] | None = None,
    ) -> tuple[bool, R]:
        """:meth:`_insert_once` of a row of case ``case_id``: the row ``find`` finds, or else
        ``new_row()`` inserted (:class:`CaseNotFound` when there is no such case) and, with
        ``audit=(actor, entity, fields)``, its creation audited."""

        def insert(session: Session) -> R:
            if session.get(CaseRow, case_id) is None:
                raise CaseNotFound(case_id)
            row = new_row()
            session.add(row)
            session.flush()
            if audit is not None:
                actor, entity, fields = audit
                self._audit(session, actor, "create", entity, case_id=case_id, fields=fields)
            return row

        return self._insert_once(find, insert)

    def _insert_once(
        self, find: Callable[[Session], T | None], insert: Callable[[Session], T]
    ) -> tuple[bool, T]:
        """Find-or-insert that survives a concurrent insert of the same natural key."""
        for _attempt in range(3):
            try:
                with self._tx() as session:
                    found = find(session)
                    if found is not None:
                        return False, found
                    return True, insert(session)
            except IntegrityError:
                continue
        raise RuntimeError(
            "insert kept conflicting; is a unique key inconsistent?"
        )  # pragma: no cover


def _row_key(record: UnitRecord) -> str:
    return record.identity_key or f"name:{record.name}|{record.died_on.isoformat()}"


def _new_case_row(report: DeathReport, key: str | None, now: datetime) -> CaseRow:
    deceased = report.deceased
    return CaseRow(
        id=str(uuid.uuid4()),
        status=CaseStatus.OPEN,
        stage=CaseStage.REPORTED,
        township=deceased.address.township.value,
        identity_key=key,
        open_identity_key=key,
        deceased_name=deceased.name,
        id_type=deceased.id_type,
        id_number=deceased.id_number,
        no_id_reason=deceased.no_id_reason,
        sex=deceased.sex,
        birth_date=deceased.birth_date,
        died_at=deceased.died_at,
        place_of_death=deceased.place_of_death,
        village=deceased.address.village,
        address_detail=deceased.address.detail,
        family_contact=(
            report.family_contact.model_dump(mode="json") if report.family_contact else None
        ),
        profile=report.profile.model_dump(mode="json"),
        reported_at=report.reported_at,
        report_count=1,
        report_on_time=report.on_time,
        created_at=now,
        updated_at=now,
    )


def _case_model(row: CaseRow) -> Case:
    deceased = Deceased.model_validate(
        {
            "name": row.deceased_name,
            "id_type": row.id_type,
            "id_number": row.id_number,
            "no_id_reason": row.no_id_reason,
            "sex": row.sex,
            "birth_date": row.birth_date,
            "died_at": row.died_at,
            "place_of_death": row.place_of_death,
            "address": Address(
                township=row.township,  # type: ignore[arg-type]
                village=row.village,
                detail=row.address_detail,
            ),
        },
        context=_STORED,
    )
    return Case.model_validate(
        {
            "id": row.id,
            "status": row.status,
            "stage": row.stage,
            "township": row.township,
            "deceased": deceased,
            "family_contact": (
                FamilyContact.model_validate(row.family_contact) if row.family_contact else None
            ),
            "profile": ProfileFlags.model_validate(row.profile),
            "reported_at": row.reported_at,
            "directive_at": row.directive_at,
            "certificate_at": row.certificate_at,
            "downstream_done_at": row.downstream_done_at,
            "closed_at": row.closed_at,
            "report_count": row.report_count,
            "process_instance_key": row.process_instance_key,
        },
        context=_STORED,
    )


def _action_entry(row: DepartmentActionRow) -> ActionEntry:
    return ActionEntry(_action_model(row), row.actor_id, row.recorded_at)


def _action_model(row: DepartmentActionRow) -> DepartmentAction:
    return DepartmentAction.model_validate(
        {
            "case_id": row.case_id,
            "unit": row.unit,
            "action": row.action,
            "done_at": row.done_at,
            "reference": row.reference,
            "idempotency_key": row.idempotency_key,
            "details": row.details or {},
        },
        context=_STORED,
    )


def _notification_model(row: NotificationRow) -> Notification:
    return Notification.model_validate(
        {
            "case_id": row.case_id,
            "channel": row.channel,
            "template": row.template,
            "recipient": row.recipient,
            "recipient_unit": row.recipient_unit,
            "sent_at": row.sent_at,
            "idempotency_key": row.idempotency_key,
            "variables": row.variables or {},
        },
        context=_STORED,
    )


def _certificate_model(row: CertificateRow) -> Certificate:
    return Certificate.model_validate(
        {
            "case_id": row.case_id,
            "code": row.code,
            "form": row.form,
            "issue_kind": row.issue_kind,
            "sequence_no": row.sequence_no,
            "deceased_name": row.deceased_name,
            "id_type": row.id_type,
            "id_number": row.id_number,
            "issuer_name": row.issuer_name,
            "issuer_uscc": row.issuer_uscc,
            "serial": row.serial,
            "issued_at": row.issued_at,
            "parts": row.parts,
            "reported_at": row.reported_at,
        },
        context=_STORED,
    )


def _unit_record_model(row: UnitRecordRow) -> UnitRecord:
    fields = UnitRecord.model_fields
    data: dict[str, Any] = {name: getattr(row, name) for name in fields}
    return UnitRecord.model_validate(data, context=_STORED)

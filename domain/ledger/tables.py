"""The death-information ledger's tables (SQLAlchemy 2, typed ``Mapped`` ORM).

Integrity lives in the database so that replays and races cannot break it, whatever the caller:

* **One open case per deceased.** ``cases.open_identity_key`` holds the identity key while the
  case is open and NULL once it is closed; a plain UNIQUE constraint on it (NULLs are distinct on
  SQLite and PostgreSQL alike) lets exactly one open case exist per identity, and a concurrent
  second report fails its insert and joins the winner's case. A partial index would do the same
  on both databases, but a UNIQUE column is simpler to reason about and to migrate.
* **Idempotent department actions.** UNIQUE (case_id, unit, action) and a UNIQUE idempotency key.
* **Notifications sent once.** UNIQUE idempotency key.
* **Certificates.** UNIQUE (case_id, form, sequence_no); serials for no-ID codes come from
  ``certificate_serials`` (one counter per issuer and year).
* **Escalations**: UNIQUE (case_id, reason), one per missed deadline.
* **Unit records** (the monthly standard template): UNIQUE (unit, period, row_key), so uploading
  a month again replaces rows instead of duplicating them.

Personal data at rest: ID numbers, names and phones are stored in clear and ID numbers are
indexed, because reconciliation joins six units' tables on them and the one-open-case rule needs
them unique. Protection is by database access control, disk encryption of the host, masked logs
and the ``audit_log`` of every read and change of personal data (see DECISIONS in the package
README). A keyed-hash column would keep equality joins without clear text; it is not done yet.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from domain.enums import (
    ActionKind,
    CaseStage,
    CaseStatus,
    CertificateForm,
    IdType,
    IssueKind,
    NoIdReason,
    NotificationChannel,
    PlaceOfDeath,
    ReporterRole,
    Role,
    Sex,
    Unit,
)
from domain.ledger.types import AwareDateTime, EnumText

# Stable constraint names: Alembic migrations and both databases agree on them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[CaseStatus] = mapped_column(EnumText(CaseStatus, 20), index=True)
    stage: Mapped[CaseStage] = mapped_column(EnumText(CaseStage, 20))
    township: Mapped[str] = mapped_column(String(20), index=True)
    identity_key: Mapped[str | None] = mapped_column(String(80), index=True)
    open_identity_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    # the deceased
    deceased_name: Mapped[str | None] = mapped_column(String(50))
    id_type: Mapped[IdType] = mapped_column(EnumText(IdType, 32))
    id_number: Mapped[str | None] = mapped_column(String(40), index=True)
    no_id_reason: Mapped[NoIdReason | None] = mapped_column(EnumText(NoIdReason, 32))
    sex: Mapped[Sex | None] = mapped_column(EnumText(Sex, 10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    died_at: Mapped[datetime] = mapped_column(AwareDateTime())
    place_of_death: Mapped[PlaceOfDeath] = mapped_column(EnumText(PlaceOfDeath, 20))
    village: Mapped[str] = mapped_column(String(40))
    address_detail: Mapped[str | None] = mapped_column(String(200))
    # family contact (close relative or authorised agent)
    family_contact: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # step timestamps (KPIs)
    reported_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    directive_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    certificate_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    downstream_done_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    report_count: Mapped[int] = mapped_column(Integer, default=1)
    # first report within 12 h of the death (the grid worker's KPI); filterable in SQL
    report_on_time: Mapped[bool] = mapped_column(Boolean, server_default=true())
    process_instance_key: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime())
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime())

    reports: Mapped[list[ReportRow]] = relationship(back_populates="case", order_by="ReportRow.id")


class ReportRow(Base):
    """Every report received, including second reports that joined an open case."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    reported_at: Mapped[datetime] = mapped_column(AwareDateTime())
    received_at: Mapped[datetime] = mapped_column(AwareDateTime())
    reporter_role: Mapped[ReporterRole] = mapped_column(EnumText(ReporterRole, 20))
    reporter_name: Mapped[str] = mapped_column(String(50))
    reporter_phone: Mapped[str] = mapped_column(String(20))
    lateness_seconds: Mapped[int] = mapped_column(Integer)
    on_time: Mapped[bool] = mapped_column(Boolean)
    joined_existing: Mapped[bool] = mapped_column(Boolean, default=False)
    idempotency_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)

    case: Mapped[CaseRow] = relationship(back_populates="reports")


class DepartmentActionRow(Base):
    __tablename__ = "department_actions"
    __table_args__ = (UniqueConstraint("case_id", "unit", "action"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    unit: Mapped[Unit] = mapped_column(EnumText(Unit, 32))
    action: Mapped[ActionKind] = mapped_column(EnumText(ActionKind, 40))
    done_at: Mapped[datetime] = mapped_column(AwareDateTime())
    reference: Mapped[str | None] = mapped_column(String(200))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor_id: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(AwareDateTime())


class NotificationRow(Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    channel: Mapped[NotificationChannel] = mapped_column(EnumText(NotificationChannel, 20))
    template: Mapped[str] = mapped_column(String(100))
    recipient: Mapped[str] = mapped_column(String(200))
    recipient_unit: Mapped[Unit | None] = mapped_column(EnumText(Unit, 32))
    sent_at: Mapped[datetime] = mapped_column(AwareDateTime())
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    variables: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recorded_at: Mapped[datetime] = mapped_column(AwareDateTime())


class CertificateRow(Base):
    """Certificates and their reissues and copies (两个不限: copies are unlimited)."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("case_id", "form", "sequence_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    form: Mapped[CertificateForm] = mapped_column(EnumText(CertificateForm, 20))
    issue_kind: Mapped[IssueKind] = mapped_column(EnumText(IssueKind, 20))
    sequence_no: Mapped[int] = mapped_column(Integer)
    deceased_name: Mapped[str] = mapped_column(String(50))
    id_type: Mapped[IdType] = mapped_column(EnumText(IdType, 32))
    id_number: Mapped[str | None] = mapped_column(String(40))
    issuer_name: Mapped[str] = mapped_column(String(100))
    issuer_uscc: Mapped[str] = mapped_column(String(18))
    serial: Mapped[int | None] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(AwareDateTime())
    parts: Mapped[list[str]] = mapped_column(JSON, default=list)
    reported_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    # for copies: the family's request it answers (one copy per request, any number of requests)
    request_key: Mapped[str | None] = mapped_column(String(100), unique=True)
    recorded_at: Mapped[datetime] = mapped_column(AwareDateTime())


class CertificateSerialRow(Base):
    """Yearly serial counters per issuing institution, for codes of deceased without any ID."""

    __tablename__ = "certificate_serials"

    issuer_uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer)


class UnitRecordRow(Base):
    """A row of a unit's monthly death-information table on the standard template."""

    __tablename__ = "unit_records"
    __table_args__ = (
        UniqueConstraint("unit", "period", "row_key"),
        Index("ix_unit_records_name_birth", "name", "birth_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit: Mapped[Unit] = mapped_column(EnumText(Unit, 32))
    period: Mapped[date] = mapped_column(Date, index=True)
    row_key: Mapped[str] = mapped_column(String(120))
    identity_key: Mapped[str | None] = mapped_column(String(80), index=True)
    name: Mapped[str] = mapped_column(String(50))
    id_type: Mapped[IdType] = mapped_column(EnumText(IdType, 32))
    id_number: Mapped[str | None] = mapped_column(String(40))
    sex: Mapped[Sex | None] = mapped_column(EnumText(Sex, 10))
    birth_date: Mapped[date | None] = mapped_column(Date)
    died_on: Mapped[date] = mapped_column(Date)
    township: Mapped[str | None] = mapped_column(String(20))
    certificate_code: Mapped[str | None] = mapped_column(String(40))
    certificate_issued_on: Mapped[date | None] = mapped_column(Date)
    cremated_on: Mapped[date | None] = mapped_column(Date)
    household_deregistered_on: Mapped[date | None] = mapped_column(Date)
    welfare_stopped_on: Mapped[date | None] = mapped_column(Date)
    social_insurance_stopped_on: Mapped[date | None] = mapped_column(Date)
    pension_last_paid_month: Mapped[date | None] = mapped_column(Date)
    disability_card_cancelled_on: Mapped[date | None] = mapped_column(Date)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), index=True)
    remarks: Mapped[str | None] = mapped_column(String(500))
    uploaded_at: Mapped[datetime] = mapped_column(AwareDateTime())


class EscalationRow(Base):
    """A missed deadline escalated to the supervisor (考核), once per case and reason."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("case_id", "reason"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    reason: Mapped[str] = mapped_column(String(60))
    unit: Mapped[Unit | None] = mapped_column(EnumText(Unit, 32))
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor_id: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(AwareDateTime())


class FamilyTripRow(Base):
    """A trip the family had to make to an office (the KPI counts families with none)."""

    __tablename__ = "family_trips"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    unit: Mapped[Unit] = mapped_column(EnumText(Unit, 32))
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    purpose: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    actor_id: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[datetime] = mapped_column(AwareDateTime())


class AuditRow(Base):
    """Who read or changed personal data, when, and which fields (个人信息保护法 art. 51/54).

    No foreign key to ``cases``: the audit trail must outlive any correction of the case data.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    actor_id: Mapped[str] = mapped_column(String(100), index=True)
    actor_role: Mapped[Role] = mapped_column(EnumText(Role, 32))
    actor_unit: Mapped[Unit | None] = mapped_column(EnumText(Unit, 32))
    action: Mapped[str] = mapped_column(String(20))  # read / create / update / export
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    purpose: Mapped[str | None] = mapped_column(Text)


# --- monthly reconciliation (domain.reconciliation.store; revision 0004) -------------------
# Core tables on the ledger's metadata: they are part of the ledger's schema (migrations, the
# schema test), used through SQL expressions by the reconciliation store.

reconciliation_runs = Table(
    "reconciliation_runs",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("period", Date, nullable=False, index=True),
    Column("as_of", Date, nullable=False),
    Column("started_at", AwareDateTime(), nullable=False),
    Column("people", Integer, nullable=False),
    Column("counts", JSON, nullable=False),
    Column("process_instance_key", String(40), index=True),
)

reconciliation_discrepancies = Table(
    "reconciliation_discrepancies",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(300), nullable=False),
    Column("rule", String(60), nullable=False, index=True),
    Column("unit", String(32), nullable=False, index=True),
    Column("person_key", String(200), nullable=False),
    Column("case_id", String(64), index=True),
    Column("name", String(50)),
    Column("id_number", String(40)),
    Column("died_on", Date),
    Column("township", String(20)),
    # the month of the run that last found it: a period-scoped rule is judged again only by a
    # run of the same month (domain.reconciliation.store.PERIOD_SCOPED)
    Column("period", Date, nullable=False, index=True),
    Column("details", JSON, nullable=False),
    Column("first_run", ForeignKey("reconciliation_runs.id"), nullable=False),
    Column("last_run", ForeignKey("reconciliation_runs.id"), nullable=False),
    Column("status", String(20), nullable=False, index=True),  # open / resolved
    Column("resolved_at", AwareDateTime()),
    Column("resolution", String(500)),
    UniqueConstraint("key", name="uq_reconciliation_discrepancies_key"),
)

reconciliation_follow_ups = Table(
    "reconciliation_follow_ups",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("discrepancy_id", ForeignKey("reconciliation_discrepancies.id"), nullable=False),
    Column("unit", String(32), nullable=False),
    Column("opened_at", AwareDateTime(), nullable=False),
    Column("due_at", AwareDateTime(), nullable=False),
    Column("reminders", Integer, nullable=False, default=0),
    Column("escalated_at", AwareDateTime()),
    Column("closed_at", AwareDateTime()),
    UniqueConstraint("discrepancy_id", name="uq_reconciliation_follow_ups_discrepancy_id"),
)

reconciliation_notices = Table(
    "reconciliation_notices",
    Base.metadata,
    Column("key", String(200), primary_key=True),
    Column("sent_at", AwareDateTime(), nullable=False),
)

reconciliation_uploads = Table(
    "reconciliation_uploads",
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit", String(32), nullable=False),
    Column("period", Date, nullable=False),
    Column("kind", String(20), nullable=False),  # table / roll
    Column("rows", Integer, nullable=False),
    Column("path", String(500)),
    Column("uploaded_at", AwareDateTime(), nullable=False),
    Column("actor_id", String(100), nullable=False),
    UniqueConstraint("unit", "period", "kind", name="uq_reconciliation_uploads_unit"),
)

RECONCILIATION_TABLES = (
    reconciliation_runs,
    reconciliation_discrepancies,
    reconciliation_follow_ups,
    reconciliation_notices,
    reconciliation_uploads,
)

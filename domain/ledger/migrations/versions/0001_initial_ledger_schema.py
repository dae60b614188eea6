"""Initial ledger schema: cases, reports, department actions, notifications, certificates,
certificate serials, unit records (monthly standard template) and the audit log.

Written with plain SQLAlchemy types (not the app's type decorators) so the migration stays
valid whatever later code does; it matches domain/ledger/tables.py at this revision.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(length=100), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=False),
        sa.Column("actor_unit", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_actor_id"), "audit_log", ["actor_id"], unique=False)
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    op.create_index(op.f("ix_audit_log_case_id"), "audit_log", ["case_id"], unique=False)

    op.create_table(
        "cases",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("township", sa.String(length=20), nullable=False),
        sa.Column("identity_key", sa.String(length=80), nullable=True),
        sa.Column("open_identity_key", sa.String(length=80), nullable=True),
        sa.Column("deceased_name", sa.String(length=50), nullable=True),
        sa.Column("id_type", sa.String(length=32), nullable=False),
        sa.Column("id_number", sa.String(length=40), nullable=True),
        sa.Column("no_id_reason", sa.String(length=32), nullable=True),
        sa.Column("sex", sa.String(length=10), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("died_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place_of_death", sa.String(length=20), nullable=False),
        sa.Column("village", sa.String(length=40), nullable=False),
        sa.Column("address_detail", sa.String(length=200), nullable=True),
        sa.Column("family_contact", sa.JSON(), nullable=True),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("directive_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("certificate_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("downstream_done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("process_instance_key", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("open_identity_key", name=op.f("uq_cases_open_identity_key")),
    )
    op.create_index(op.f("ix_cases_id_number"), "cases", ["id_number"], unique=False)
    op.create_index(op.f("ix_cases_identity_key"), "cases", ["identity_key"], unique=False)
    op.create_index(op.f("ix_cases_reported_at"), "cases", ["reported_at"], unique=False)
    op.create_index(op.f("ix_cases_status"), "cases", ["status"], unique=False)
    op.create_index(op.f("ix_cases_township"), "cases", ["township"], unique=False)

    op.create_table(
        "certificate_serials",
        sa.Column("issuer_uscc", sa.String(length=18), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_serial", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("issuer_uscc", "year", name=op.f("pk_certificate_serials")),
    )
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("form", sa.String(length=20), nullable=False),
        sa.Column("issue_kind", sa.String(length=20), nullable=False),
        sa.Column("sequence_no", sa.Integer(), nullable=False),
        sa.Column("deceased_name", sa.String(length=50), nullable=False),
        sa.Column("id_type", sa.String(length=32), nullable=False),
        sa.Column("id_number", sa.String(length=40), nullable=True),
        sa.Column("issuer_name", sa.String(length=100), nullable=False),
        sa.Column("issuer_uscc", sa.String(length=18), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_certificates_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint(
            "case_id", "form", "sequence_no", name=op.f("uq_certificates_case_id_form_sequence_no")
        ),
    )
    op.create_index(op.f("ix_certificates_case_id"), "certificates", ["case_id"], unique=False)
    op.create_index(op.f("ix_certificates_code"), "certificates", ["code"], unique=False)

    op.create_table(
        "department_actions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("actor_id", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_department_actions_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_actions")),
        sa.UniqueConstraint(
            "case_id", "unit", "action", name=op.f("uq_department_actions_case_id_unit_action")
        ),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_department_actions_idempotency_key")),
    )
    op.create_index(
        op.f("ix_department_actions_case_id"), "department_actions", ["case_id"], unique=False
    )

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("template", sa.String(length=100), nullable=False),
        sa.Column("recipient", sa.String(length=200), nullable=False),
        sa.Column("recipient_unit", sa.String(length=32), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("variables", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_notifications_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_notifications_idempotency_key")),
    )
    op.create_index(op.f("ix_notifications_case_id"), "notifications", ["case_id"], unique=False)

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reporter_role", sa.String(length=20), nullable=False),
        sa.Column("reporter_name", sa.String(length=50), nullable=False),
        sa.Column("reporter_phone", sa.String(length=20), nullable=False),
        sa.Column("lateness_seconds", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        sa.Column("joined_existing", sa.Boolean(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_reports_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_reports_idempotency_key")),
    )
    op.create_index(op.f("ix_reports_case_id"), "reports", ["case_id"], unique=False)

    op.create_table(
        "unit_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("row_key", sa.String(length=120), nullable=False),
        sa.Column("identity_key", sa.String(length=80), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("id_type", sa.String(length=32), nullable=False),
        sa.Column("id_number", sa.String(length=40), nullable=True),
        sa.Column("sex", sa.String(length=10), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("died_on", sa.Date(), nullable=False),
        sa.Column("township", sa.String(length=20), nullable=True),
        sa.Column("certificate_code", sa.String(length=40), nullable=True),
        sa.Column("certificate_issued_on", sa.Date(), nullable=True),
        sa.Column("cremated_on", sa.Date(), nullable=True),
        sa.Column("household_deregistered_on", sa.Date(), nullable=True),
        sa.Column("welfare_stopped_on", sa.Date(), nullable=True),
        sa.Column("social_insurance_stopped_on", sa.Date(), nullable=True),
        sa.Column("pension_last_paid_month", sa.Date(), nullable=True),
        sa.Column("disability_card_cancelled_on", sa.Date(), nullable=True),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("remarks", sa.String(length=500), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_unit_records_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit_records")),
        sa.UniqueConstraint(
            "unit", "period", "row_key", name=op.f("uq_unit_records_unit_period_row_key")
        ),
    )
    op.create_index(op.f("ix_unit_records_case_id"), "unit_records", ["case_id"], unique=False)
    op.create_index(
        op.f("ix_unit_records_identity_key"), "unit_records", ["identity_key"], unique=False
    )
    op.create_index(
        "ix_unit_records_name_birth", "unit_records", ["name", "birth_date"], unique=False
    )
    op.create_index(op.f("ix_unit_records_period"), "unit_records", ["period"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_unit_records_period"), table_name="unit_records")
    op.drop_index("ix_unit_records_name_birth", table_name="unit_records")
    op.drop_index(op.f("ix_unit_records_identity_key"), table_name="unit_records")
    op.drop_index(op.f("ix_unit_records_case_id"), table_name="unit_records")

    op.drop_table("unit_records")
    op.drop_index(op.f("ix_reports_case_id"), table_name="reports")

    op.drop_table("reports")
    op.drop_index(op.f("ix_notifications_case_id"), table_name="notifications")

    op.drop_table("notifications")
    op.drop_index(op.f("ix_department_actions_case_id"), table_name="department_actions")

    op.drop_table("department_actions")
    op.drop_index(op.f("ix_certificates_code"), table_name="certificates")
    op.drop_index(op.f("ix_certificates_case_id"), table_name="certificates")

    op.drop_table("certificates")
    op.drop_table("certificate_serials")
    op.drop_index(op.f("ix_cases_township"), table_name="cases")
    op.drop_index(op.f("ix_cases_status"), table_name="cases")
    op.drop_index(op.f("ix_cases_reported_at"), table_name="cases")
    op.drop_index(op.f("ix_cases_identity_key"), table_name="cases")
    op.drop_index(op.f("ix_cases_id_number"), table_name="cases")

    op.drop_table("cases")
    op.drop_index(op.f("ix_audit_log_case_id"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_actor_id"), table_name="audit_log")

    op.drop_table("audit_log")

"""Monthly reconciliation: runs, discrepancies, follow-ups, uploads and notices.

These tables were created by ``domain.reconciliation.store`` on first use (``create_all``)
before they joined the ledger's chain. A database where that already happened is adopted: a
table that exists is left as it is (same DDL), only the missing ones are created.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "reconciliation_runs": ["period", "process_instance_key"],
    "reconciliation_discrepancies": ["rule", "unit", "case_id", "period", "status"],
}


def _existing() -> set[str]:
    return set(sa.inspect(op.get_bind()).get_table_names())


def upgrade() -> None:
    existing = _existing()
    if "reconciliation_runs" not in existing:
        op.create_table(
            "reconciliation_runs",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("period", sa.Date(), nullable=False),
            sa.Column("as_of", sa.Date(), nullable=False),
            sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("people", sa.Integer(), nullable=False),
            sa.Column("counts", sa.JSON(), nullable=False),
            sa.Column("process_instance_key", sa.String(length=40), nullable=True),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_runs")),
        )
        _create_indexes("reconciliation_runs")
    if "reconciliation_discrepancies" not in existing:
        op.create_table(
            "reconciliation_discrepancies",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("key", sa.String(length=300), nullable=False),
            sa.Column("rule", sa.String(length=60), nullable=False),
            sa.Column("unit", sa.String(length=32), nullable=False),
            sa.Column("person_key", sa.String(length=200), nullable=False),
            sa.Column("case_id", sa.String(length=64), nullable=True),
            sa.Column("name", sa.String(length=50), nullable=True),
            sa.Column("id_number", sa.String(length=40), nullable=True),
            sa.Column("died_on", sa.Date(), nullable=True),
            sa.Column("township", sa.String(length=20), nullable=True),
            sa.Column("period", sa.Date(), nullable=False),
            sa.Column("details", sa.JSON(), nullable=False),
            sa.Column("first_run", sa.Integer(), nullable=False),
            sa.Column("last_run", sa.Integer(), nullable=False),
            sa.Column("status", sa.String(length=20), nullable=False),
            sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("resolution", sa.String(length=500), nullable=True),
            sa.ForeignKeyConstraint(
                ["first_run"],
                ["reconciliation_runs.id"],
                name=op.f("fk_reconciliation_discrepancies_first_run_reconciliation_runs"),
            ),
            sa.ForeignKeyConstraint(
                ["last_run"],
                ["reconciliation_runs.id"],
                name=op.f("fk_reconciliation_discrepancies_last_run_reconciliation_runs"),
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_discrepancies")),
            sa.UniqueConstraint("key", name="uq_reconciliation_discrepancies_key"),
        )
        _create_indexes("reconciliation_discrepancies")
    if "reconciliation_follow_ups" not in existing:
        op.create_table(
            "reconciliation_follow_ups",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("discrepancy_id", sa.Integer(), nullable=False),
            sa.Column("unit", sa.String(length=32), nullable=False),
            sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("reminders", sa.Integer(), nullable=False),
            sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
            sa.ForeignKeyConstraint(
                ["discrepancy_id"],
                ["reconciliation_discrepancies.id"],
                name=op.f(
                    "fk_reconciliation_follow_ups_discrepancy_id_reconciliation_discrepancies"
                ),
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_follow_ups")),
            sa.UniqueConstraint(
                "discrepancy_id", name="uq_reconciliation_follow_ups_discrepancy_id"
            ),
        )
    if "reconciliation_notices" not in existing:
        op.create_table(
            "reconciliation_notices",
            sa.Column("key", sa.String(length=200), nullable=False),
            sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("key", name=op.f("pk_reconciliation_notices")),
        )
    if "reconciliation_uploads" not in existing:
        op.create_table(
            "reconciliation_uploads",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("unit", sa.String(length=32), nullable=False),
            sa.Column("period", sa.Date(), nullable=False),
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("rows", sa.Integer(), nullable=False),
            sa.Column("path", sa.String(length=500), nullable=True),
            sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("actor_id", sa.String(length=100), nullable=False),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_uploads")),
            sa.UniqueConstraint("unit", "period", "kind", name="uq_reconciliation_uploads_unit"),
        )


def _create_indexes(table: str) -> None:
    for column in INDEXES[table]:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def downgrade() -> None:
    op.drop_table("reconciliation_uploads")
    op.drop_table("reconciliation_notices")
    op.drop_table("reconciliation_follow_ups")
    for column in INDEXES["reconciliation_discrepancies"]:
        op.drop_index(
            op.f(f"ix_reconciliation_discrepancies_{column}"),
            table_name="reconciliation_discrepancies",
        )
    op.drop_table("reconciliation_discrepancies")
    for column in INDEXES["reconciliation_runs"]:
        op.drop_index(op.f(f"ix_reconciliation_runs_{column}"), table_name="reconciliation_runs")
    op.drop_table("reconciliation_runs")

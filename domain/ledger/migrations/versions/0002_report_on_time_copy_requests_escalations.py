"""Report lateness as a column, copy requests on certificates, escalations.

* ``cases.report_on_time``: whether the first report came within 12 h of the death, so the case
  API can filter late reports in SQL; existing rows are backfilled from their times.
* ``certificates.request_key``: one copy per family request (两个不限: any number of requests).
* ``escalations``: missed deadlines escalated to the supervisor, once per case and reason.

Batch mode makes the ALTERs work on SQLite (table rebuild) and is a no-op wrapper on PostgreSQL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORT_WINDOW = timedelta(hours=12)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def upgrade() -> None:
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("reason", sa.String(length=60), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("actor_id", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_escalations_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
        sa.UniqueConstraint("case_id", "reason", name=op.f("uq_escalations_case_id_reason")),
    )
    op.create_index(op.f("ix_escalations_case_id"), "escalations", ["case_id"], unique=False)

    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(
            sa.Column("report_on_time", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    cases = sa.table(
        "cases",
        sa.column("id", sa.String()),
        sa.column("died_at", sa.DateTime(timezone=True)),
        sa.column("reported_at", sa.DateTime(timezone=True)),
        sa.column("report_on_time", sa.Boolean()),
    )
    connection = op.get_bind()
    late = [
        row.id
        for row in connection.execute(sa.select(cases.c.id, cases.c.died_at, cases.c.reported_at))
        if _aware(row.reported_at) - _aware(row.died_at) > REPORT_WINDOW
    ]
    if late:
        connection.execute(
            sa.update(cases).where(cases.c.id.in_(late)).values(report_on_time=False)
        )

    with op.batch_alter_table("certificates") as batch_op:
        batch_op.add_column(sa.Column("request_key", sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(op.f("uq_certificates_request_key"), ["request_key"])


def downgrade() -> None:
    with op.batch_alter_table("certificates") as batch_op:
        batch_op.drop_constraint(op.f("uq_certificates_request_key"), type_="unique")
        batch_op.drop_column("request_key")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("report_on_time")
    op.drop_index(op.f("ix_escalations_case_id"), table_name="escalations")
    op.drop_table("escalations")

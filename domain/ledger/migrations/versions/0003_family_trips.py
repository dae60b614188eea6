"""Family trips: each time a family had to go to an office in person (zero-trip KPI).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "family_trips",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("actor_id", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_family_trips_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_trips")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_family_trips_idempotency_key")),
    )
    op.create_index(op.f("ix_family_trips_case_id"), "family_trips", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_family_trips_case_id"), table_name="family_trips")
    op.drop_table("family_trips")

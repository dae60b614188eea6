"""The death-information ledger: cases, reports, department actions, notifications,
certificates, the units' monthly tables and the audit log (SQLAlchemy 2 + Alembic).

SQLite by default (``sqlite:///./data/shenhou.db``), PostgreSQL when ``DATABASE_URL`` says so.
The app calls :func:`upgrade_database` at start and then uses :class:`Ledger`.
"""

from domain.ledger.db import DEFAULT_DATABASE_URL, database_url, make_engine
from domain.ledger.migrate import current_revision, downgrade_database, upgrade_database
from domain.ledger.repository import (
    ActionEntry,
    AuditEntry,
    CaseNotFound,
    Ledger,
    Recorded,
    ReportEntry,
    ReportOutcome,
)

__all__ = [
    "DEFAULT_DATABASE_URL",
    "ActionEntry",
    "AuditEntry",
    "CaseNotFound",
    "Ledger",
    "Recorded",
    "ReportEntry",
    "ReportOutcome",
    "current_revision",
    "database_url",
    "downgrade_database",
    "make_engine",
    "upgrade_database",
]

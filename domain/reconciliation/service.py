"""The monthly run as the worker and the API call it: ledger + stored rolls → rules → store.

Payment rolls are kept as Parquet files under ``rolls_dir/<source>/<YYYY-MM>.parquet`` (see
:mod:`domain.reconciliation.rolls`); a run reads every stored roll up to the month of ``as_of``:
a death late in October is "paid after death" on November's roll, which is on hand by the check
on the 10th of November, and still on December's if nobody stopped it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from domain.enums import Unit
from domain.ledger.repository import Ledger
from domain.reconciliation import store
from domain.reconciliation.checker import Outcome, reconcile
from domain.reconciliation.rolls import ROLL_SOURCES
from domain.reconciliation.sources import load_ledger
from domain.reconciliation.workspace import Workspace

DEFAULT_ROLLS_DIR = "./data/rolls"


def rolls_dir() -> Path:
    """``SHENHOU_ROLLS_DIR`` or ``./data/rolls``: where accepted payment rolls are kept."""
    return Path(os.environ.get("SHENHOU_ROLLS_DIR") or DEFAULT_ROLLS_DIR)


def roll_path(base: Path, source: str, month: date) -> Path:
    return base / source / f"{month:%Y-%m}.parquet"


@dataclass(frozen=True, slots=True)
class MonthlyRun:
    outcome: Outcome
    stored: store.StoredRun


def run_month(
    ledger: Ledger,
    period: date,
    as_of: date,
    *,
    at: datetime,
    rolls: Path | None = None,
    memory_limit: str = "1GB",
    process_instance_key: str | None = None,
) -> MonthlyRun:
    """Cross-check ``period``'s month as of ``as_of`` and store the outcome (new discrepancies
    each get a follow-up; those no longer found are resolved)."""
    store.require_schema(ledger.engine)
    period = period.replace(day=1)
    base = rolls or rolls_dir()
    with Workspace.open(memory_limit=memory_limit) as workspace:
        townships = load_ledger(ledger, workspace, period)
        for upload in store.uploads_for(ledger.engine, period):
            if upload["kind"] == "table":
                workspace.mark_uploaded(Unit(upload["unit"]), period)
        for source in ROLL_SOURCES:
            folder = base / source
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob("*.parquet")):
                if path.stem <= f"{as_of:%Y-%m}":
                    workspace.add_roll_parquet(str(path), source)
        outcome = reconcile(workspace, period, as_of)
    stored = store.store_outcome(
        ledger.engine,
        outcome,
        at=at,
        townships=townships,
        process_instance_key=process_instance_key,
    )
    return MonthlyRun(outcome, stored)

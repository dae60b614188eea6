"""The reconciliation's workspace: one in-memory DuckDB database holding both sides of the check.

Why DuckDB: the checks are joins and anti-joins of a few hundred thousand deaths against payment
rolls of millions of rows. A columnar engine with a vectorised hash join does that in seconds
inside a fixed memory budget (it spills to disk past ``memory_limit``) and reads CSV and Parquet
itself, so no row ever passes through a Python loop. The rules stay plain SQL, short enough to
review next to their Chinese names.

Tables (all dates are Asia/Shanghai calendar dates):

``process``  the process's own record of every case: the other side of every comparison.
``units``    the rows of the units' monthly tables (标准样本) for the period and earlier periods.
``rolls``    the payment rolls (发放名册) of HRSS (pensions) and civil affairs (welfare).
``uploads``  which unit uploaded its table for which period.
``deadlines`` the legal last day of household deregistration per date of death (computed in
             Python by :func:`domain.deadlines.household_deregistration_deadline`, holidays and
             调休 included, once per distinct date, so SQL and the diagram's timers agree).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

import duckdb

from domain.clock import SHANGHAI
from domain.deadlines import household_deregistration_deadline
from domain.enums import Unit
from domain.models.unit_record import UnitRecord

SCHEMA = """
CREATE TABLE process (
    case_id VARCHAR NOT NULL,
    id_type VARCHAR,
    id_number VARCHAR,
    name VARCHAR NOT NULL,
    birth_date DATE,
    died_on DATE NOT NULL,
    township VARCHAR,
    status VARCHAR NOT NULL,            -- domain.enums.CaseStatus value
    certificate_code VARCHAR,
    certified_on DATE,
    cremated_on DATE,
    deregistered_on DATE,
    deregistration_forwarded BOOLEAN NOT NULL DEFAULT false,
    welfare_stopped_on DATE,
    pension_stopped_on DATE,
    card_cancelled_on DATE,
    expects_civil_affairs BOOLEAN NOT NULL DEFAULT false,
    expects_hrss BOOLEAN NOT NULL DEFAULT false,
    expects_dpf BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE units (
    unit VARCHAR NOT NULL,
    period DATE NOT NULL,
    id_type VARCHAR,
    id_number VARCHAR,
    name VARCHAR NOT NULL,
    birth_date DATE,
    died_on DATE NOT NULL,
    certificate_code VARCHAR,
    certificate_issued_on DATE,
    cremated_on DATE,
    household_deregistered_on DATE,
    welfare_stopped_on DATE,
    social_insurance_stopped_on DATE,
    pension_last_paid_month DATE,
    disability_card_cancelled_on DATE,
    case_id VARCHAR
);
CREATE TABLE rolls (
    source VARCHAR NOT NULL,            -- 'hrss' (pensions) or 'civil_affairs' (welfare)
    id_number VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    pay_month DATE NOT NULL,
    amount DECIMAL(12, 2) NOT NULL,
    benefit VARCHAR
);
CREATE TABLE uploads (unit VARCHAR NOT NULL, period DATE NOT NULL);
CREATE TABLE deadlines (died_on DATE PRIMARY KEY, household_due DATE NOT NULL);
"""

PROCESS_COLUMNS = (
    "case_id",
    "id_type",
    "id_number",
    "name",
    "birth_date",
    "died_on",
    "township",
    "status",
    "certificate_code",
    "certified_on",
    "cremated_on",
    "deregistered_on",
    "deregistration_forwarded",
    "welfare_stopped_on",
    "pension_stopped_on",
    "card_cancelled_on",
    "expects_civil_affairs",
    "expects_hrss",
    "expects_dpf",
)

UNIT_COLUMNS = (
    "unit",
    "period",
    "id_type",
    "id_number",
    "name",
    "birth_date",
    "died_on",
    "certificate_code",
    "certificate_issued_on",
    "cremated_on",
    "household_deregistered_on",
    "welfare_stopped_on",
    "social_insurance_stopped_on",
    "pension_last_paid_month",
    "disability_card_cancelled_on",
    "case_id",
)


@dataclass(frozen=True, slots=True)
class ProcessRecord:
    """What the process itself knows of one case (built from the ledger by ``sources``)."""

    case_id: str
    name: str
    died_on: date
    status: str
    id_type: str | None = None
    id_number: str | None = None
    birth_date: date | None = None
    township: str | None = None
    certificate_code: str | None = None
    certified_on: date | None = None
    cremated_on: date | None = None
    deregistered_on: date | None = None
    deregistration_forwarded: bool = False
    welfare_stopped_on: date | None = None
    pension_stopped_on: date | None = None
    card_cancelled_on: date | None = None
    expects_civil_affairs: bool = False
    expects_hrss: bool = False
    expects_dpf: bool = False

    def row(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in PROCESS_COLUMNS)


@dataclass(slots=True)
class Workspace:
    """A DuckDB connection with the schema above; load both sides, then run the rules."""

    con: duckdb.DuckDBPyConnection
    loaded_units: set[tuple[Unit, date]] = field(default_factory=set)

    @classmethod
    def open(cls, *, memory_limit: str = "1GB", threads: int | None = None) -> Workspace:
        """An in-memory workspace. ``memory_limit`` bounds DuckDB's buffers (it spills past it),
        which keeps a province-sized check inside a small container."""
        con = duckdb.connect(":memory:")
        con.execute(f"SET memory_limit = '{_checked_size(memory_limit)}'")
        if threads is not None:
            con.execute(f"SET threads = {int(threads)}")
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = false")
        con.execute(SCHEMA)
        return cls(con)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- loading -------------------------------------------------------------------------

    def add_process_records(self, records: Iterable[ProcessRecord]) -> int:
        rows = [record.row() for record in records]
        self.insert("process", len(PROCESS_COLUMNS), rows)
        return len(rows)

    def add_unit_records(self, records: Iterable[UnitRecord]) -> int:
        rows: list[tuple[object, ...]] = []
        for record in records:
            rows.append(
                (
                    record.unit.value,
                    record.period,
                    record.id_type.value,
                    record.id_number,
                    record.name,
                    record.birth_date,
                    record.died_on,
                    record.certificate_code,
                    record.certificate_issued_on,
                    record.cremated_on,
                    record.household_deregistered_on,
                    record.welfare_stopped_on,
                    record.social_insurance_stopped_on,
                    record.pension_last_paid_month,
                    record.disability_card_cancelled_on,
                    record.case_id,
                )
            )
        self.insert("units", len(UNIT_COLUMNS), rows)
        return len(rows)

    def insert(self, table: str, width: int, rows: Sequence[Sequence[object]]) -> None:
        """Insert Python rows in multi-row statements (DuckDB's executemany is per row, slow)."""
        chunk = max(1, 4000 // width)
        row_marks = "(" + ", ".join("?" for _ in range(width)) + ")"
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            values = ", ".join(row_marks for _ in part)
            self.con.execute(
                f"INSERT INTO {table} VALUES {values}", [v for row in part for v in row]
            )

    def mark_uploaded(self, unit: Unit, period: date) -> None:
        """Record that ``unit`` delivered its table for ``period`` (even an empty one)."""
        if (unit, period) not in self.loaded_units:
            self.loaded_units.add((unit, period))
            self.con.execute("INSERT INTO uploads VALUES (?, ?)", [unit.value, period])

    def add_roll_parquet(self, path: str, source: str) -> int:
        """Append a stored payment roll (see :mod:`domain.reconciliation.rolls`)."""
        before = self._count("rolls")
        self.con.execute(
            "INSERT INTO rolls SELECT ?, id_number, name, pay_month, amount, benefit "
            "FROM read_parquet(?)",
            [source, path],
        )
        return self._count("rolls") - before

    def compute_deadlines(self, extra_dates: Sequence[date] = ()) -> None:
        """Fill ``deadlines`` for every date of death present (see the module doc)."""
        known = {
            row[0]
            for row in self.con.execute(
                "SELECT DISTINCT died_on FROM process UNION SELECT DISTINCT died_on FROM units"
            ).fetchall()
        }
        known.update(extra_dates)
        done = {row[0] for row in self.con.execute("SELECT died_on FROM deadlines").fetchall()}
        rows = [
            (day, household_deregistration_deadline(_noon(day)).last_day)
            for day in sorted(known - done)
        ]
        self.insert("deadlines", 2, rows)

    def _count(self, table: str) -> int:
        row = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=SHANGHAI)


def _checked_size(text: str) -> str:
    cleaned = text.strip().upper().replace(" ", "")
    number = cleaned.rstrip("KMGTIB")
    unit = cleaned[len(number) :]
    if not number.replace(".", "", 1).isdigit() or unit not in {
        "KB",
        "MB",
        "GB",
        "TB",
        "KIB",
        "MIB",
        "GIB",
        "TIB",
    }:
        raise ValueError(f"memory limit must look like '1GB' or '512MB', got {text!r}")
    return cleaned

"""Payment rolls (发放名册): HRSS pensions and civil-affairs welfare, one CSV per month.

A province's pension roll has millions of rows, so it never passes through Python row by row:
DuckDB reads the CSV, the checks below are SQL over all rows at once, and an accepted roll is
kept as Parquet (a tenth of the CSV's size, read back in a fraction of a second by the rules).

What is refused (the whole file, nothing kept): missing columns, an empty ID number or name, a
pay month that is not ``YYYY-MM`` (or ``YYYY-MM-DD``), an amount that is not a number ≥ 0, a
month other than the roll's own month, a file that is not UTF-8. What is *not* refused: an ID
number with a wrong check character. A roll is the department's record of whom it pays; a
payee whose number fails the check is a finding (``same-person-two-ids``), not a typing error
we could send back, and refusing five million rows for it would stop the whole check.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from domain.errors import DomainError

ROLL_SOURCES = ("hrss", "civil_affairs")
# canonical column -> accepted header spellings (Chinese template header first)
ROLL_HEADERS: dict[str, tuple[str, ...]] = {
    "id_number": ("证件号码", "身份证号码", "公民身份号码", "id_number"),
    "name": ("姓名", "name"),
    "pay_month": ("发放月份", "pay_month"),
    "amount": ("发放金额", "金额", "amount"),
    "benefit": ("待遇类别", "benefit"),
}
REQUIRED = ("id_number", "name", "pay_month", "amount")
MAX_REPORTED_ERRORS = 100


@dataclass(frozen=True, slots=True)
class RowError:
    """One bad row of an uploaded file: its line in the file (header = line 1) and why."""

    line: int
    column: str | None
    code: str
    message_zh: str
    message_en: str


class FileRejected(DomainError):
    """The file is refused whole; ``errors`` says which rows and why (first ones)."""

    def __init__(self, errors: list[RowError], total: int | None = None) -> None:
        self.errors = errors
        self.total = total if total is not None else len(errors)
        super().__init__(
            "upload.rejected",
            f"文件有{self.total}处错误，整份未导入",
            f"the file has {self.total} error(s); nothing was imported",
        )


@dataclass(frozen=True, slots=True)
class RollSummary:
    source: str
    period: date
    rows: int
    payees: int
    amount: float
    path: Path


def import_roll_csv(
    csv_path: Path, dest: Path, *, source: str, period: date, memory_limit: str = "1GB"
) -> RollSummary:
    """Validate the roll at ``csv_path`` and store it as Parquet at ``dest`` (atomically)."""
    if source not in ROLL_SOURCES:
        raise DomainError(
            "roll.source",
            f"未知的发放名册来源：{source}",
            f"unknown payment roll source {source!r} (hrss, civil_affairs)",
        )
    period = period.replace(day=1)
    header = _read_header(csv_path)
    mapping = _map_headers(header)
    names = [mapping.get(i, f"extra_{i}") for i in range(len(header))]
    columns = {name: "VARCHAR" for name in names}
    con = duckdb.connect(":memory:")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_suffix(".partial")
    try:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute("SET enable_progress_bar = false")
        benefit = "nullif(trim(benefit), '')" if "benefit" in names else "NULL::VARCHAR"
        # no sniffing: a sniffer that guesses another dialect reads a malformed file as "fine"
        source_sql = (
            "read_csv(?, auto_detect = false, skip = 1, sep = ',', quote = '\"', "
            "escape = '\"', columns = ?, strict_mode = true, null_padding = false)"
        )
        # happy path in one pass over the CSV: convert and store; a failed conversion is NULL
        _copy_or_reject(
            con,
            f"""
            COPY (SELECT upper(trim(id_number)) AS id_number, trim(name) AS name,
                         {_MONTH_SQL.format(col="pay_month")} AS pay_month,
                         {_AMOUNT_SQL.format(col="amount")} AS amount,
                         {benefit} AS benefit
                  FROM {source_sql})
            TO '{_sql_path(partial)}' (FORMAT parquet)
            """,
            [str(csv_path), columns],
        )
        bad_row = con.execute(
            f"SELECT count(*) FROM read_parquet('{_sql_path(partial)}') WHERE {_ERROR_CONDITIONS}",
            [period],
        ).fetchone()
        bad = int(bad_row[0]) if bad_row else 0
        if bad:
            # second pass only for a refused file: find the lines to show the clerk
            con.execute(
                f"""
                CREATE TABLE checked AS
                SELECT * FROM (
                    SELECT row_number() OVER () + 1 AS line,
                           upper(trim(id_number)) AS id_number, trim(name) AS name,
                           {_MONTH_SQL.format(col="pay_month")} AS pay_month,
                           {_AMOUNT_SQL.format(col="amount")} AS amount,
                           pay_month AS pay_month_text, amount AS amount_text
                    FROM {source_sql})
                WHERE {_ERROR_CONDITIONS}
                """,
                [str(csv_path), columns, period],
            )
            raise FileRejected(_roll_errors(con, period), bad)
        stats = con.execute(
            "SELECT count(*), count(DISTINCT id_number), coalesce(sum(amount), 0) "
            f"FROM read_parquet('{_sql_path(partial)}')"
        ).fetchone()
        assert stats is not None
        partial.replace(dest)
        return RollSummary(source, period, int(stats[0]), int(stats[1]), float(stats[2]), dest)
    finally:
        con.close()
        partial.unlink(missing_ok=True)


def _copy_or_reject(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> None:
    """Run the conversion; a CSV DuckDB cannot parse (a row with extra or missing fields, e.g.
    an unquoted "1,800.00") is refused with the line DuckDB names, never read half."""
    try:
        con.execute(sql, params)
    except duckdb.InvalidInputException as error:
        text = str(error)
        match = re.search(r"[Ll]ine:?\s*(\d+)", text)
        line = int(match[1]) if match else 0
        first = text.strip().splitlines()[0] if text.strip() else "CSV error"
        raise FileRejected(
            [
                RowError(
                    line,
                    None,
                    "file.csv",
                    "CSV格式错误（列数不符，或含逗号的数值未加引号）",
                    f"malformed CSV: {first}",
                )
            ]
        ) from None


_MONTH_SQL = (
    "CASE WHEN regexp_full_match(trim({col}), '\\d{{4}}-\\d{{2}}(-\\d{{2}})?') "
    "THEN TRY_CAST(left(trim({col}), 7) || '-01' AS DATE) END"
)
_AMOUNT_SQL = "TRY_CAST(replace(trim({col}), ',', '') AS DECIMAL(12, 2))"
_ERROR_CONDITIONS = """
    id_number IS NULL OR id_number = '' OR name IS NULL OR name = ''
    OR pay_month IS NULL OR amount IS NULL OR amount < 0 OR pay_month <> ?
"""


def _roll_errors(con: duckdb.DuckDBPyConnection, period: date) -> list[RowError]:
    rows = con.execute(
        f"SELECT line, id_number, name, pay_month, pay_month_text, amount, amount_text "
        f"FROM checked ORDER BY line LIMIT {MAX_REPORTED_ERRORS}"
    ).fetchall()
    errors: list[RowError] = []
    for line, id_number, name, month, month_text, amount, amount_text in rows:
        if not id_number:
            errors.append(
                RowError(
                    line, "id_number", "roll.id_missing", "缺少证件号码", "the ID number is missing"
                )
            )
        if not name:
            errors.append(
                RowError(line, "name", "roll.name_missing", "缺少姓名", "the name is missing")
            )
        if month is None:
            errors.append(
                RowError(
                    line,
                    "pay_month",
                    "roll.month_format",
                    f"发放月份“{month_text or ''}”应写为YYYY-MM",
                    f"pay month {month_text!r} must be YYYY-MM",
                )
            )
        elif month != period:
            errors.append(
                RowError(
                    line,
                    "pay_month",
                    "roll.month_other",
                    f"发放月份{month:%Y-%m}不是本名册的月份{period:%Y-%m}",
                    f"pay month {month:%Y-%m} is not the roll's month {period:%Y-%m}",
                )
            )
        if amount is None or amount < 0:
            errors.append(
                RowError(
                    line,
                    "amount",
                    "roll.amount",
                    f"发放金额“{amount_text or ''}”不是非负数",
                    f"amount {amount_text!r} is not a number ≥ 0",
                )
            )
    return errors


def _read_header(path: Path) -> list[str]:
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the buffer's end
            raise FileRejected(
                [
                    RowError(
                        1,
                        None,
                        "file.encoding",
                        "文件不是UTF-8编码（请另存为“CSV UTF-8”）",
                        "the file is not UTF-8 (save it as 'CSV UTF-8')",
                    )
                ]
            ) from None
        text = head[: error.start].decode("utf-8-sig")
    first = next(csv.reader(io.StringIO(text)), [])
    if head.startswith(b"\xef\xbb\xbf"):
        # DuckDB skips the BOM itself; the header we map must not carry it either
        first = [first[0].lstrip("\ufeff"), *first[1:]] if first else first
    return [cell.strip() for cell in first]


def _map_headers(header: list[str]) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for index, cell in enumerate(header):
        for canonical, spellings in ROLL_HEADERS.items():
            if cell in spellings or cell.lower() in spellings:
                mapping[index] = canonical
    missing = [c for c in REQUIRED if c not in mapping.values()]
    if missing:
        wanted = "、".join(ROLL_HEADERS[c][0] for c in missing)
        raise FileRejected(
            [
                RowError(
                    1,
                    None,
                    "file.columns",
                    f"缺少列：{wanted}",
                    f"missing columns: {', '.join(missing)}",
                )
            ]
        )
    return mapping


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")

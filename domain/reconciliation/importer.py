"""Import a unit's monthly table (CSV or XLSX on the standard template), all rows or none.

Every row is validated with the domain's own rules (``UnitRecord``: ``domain.ids`` validators
for ID numbers and check characters, dates, the month) and every error is reported with its line
and column, so the clerk fixes the whole file in one go. A file with any bad row is refused
whole: a half-imported table would make next month's cross-check report people as missing
who were only in the refused half.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from typing import Any

from openpyxl import load_workbook
from pydantic import ValidationError

from domain.enums import Unit
from domain.errors import DomainError
from domain.models.unit_record import UnitRecord
from domain.reconciliation.rolls import FileRejected, RowError
from domain.reconciliation.template import (
    COLUMNS,
    HEADER_TO_FIELD,
    ID_TYPE_LABELS,
    SEX_LABELS,
)

MAX_ROWS = 50_000  # a county's month is a few hundred; more is the wrong file
_FIELDS = {c.field: c for c in COLUMNS}
_DATE_PATTERNS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


def parse_unit_table(
    content: bytes, filename: str, *, unit: Unit, period: date
) -> list[UnitRecord]:
    """The validated rows of an uploaded table, or :class:`FileRejected` with every error."""
    period = period.replace(day=1)
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        header, rows = _read_xlsx(content)
    elif lower.endswith(".csv"):
        header, rows = _read_csv(content)
    else:
        raise FileRejected(
            [RowError(0, None, "file.type", "只接受.xlsx或.csv文件", "only .xlsx or .csv files")]
        )
    fields = _map_header(header)
    if len(rows) > MAX_ROWS:
        raise FileRejected(
            [
                RowError(
                    0,
                    None,
                    "file.too_many_rows",
                    f"超过{MAX_ROWS}行，请检查是否选错文件",
                    f"more than {MAX_ROWS} rows; is this the right file?",
                )
            ]
        )
    records: list[UnitRecord] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        if all(_blank(v) for v in cells):
            continue
        data: dict[str, Any] = {"unit": unit, "period": period}
        row_errors: list[RowError] = []
        for index, field in fields.items():
            value = cells[index] if index < len(cells) else None
            try:
                converted = _convert(field, value)
            except _CellError as error:
                row_errors.append(RowError(line, field, error.code, error.zh, error.en))
                continue
            if converted is not None:
                data[field] = converted
        if not row_errors:
            try:
                record = UnitRecord.model_validate(data)
            except ValidationError as error:
                row_errors.extend(_pydantic_errors(line, error))
            else:
                key = record.identity_key or f"{record.name}|{record.died_on}"
                if key in seen:
                    row_errors.append(
                        RowError(
                            line,
                            "id_number",
                            "row.duplicate",
                            f"与第{seen[key]}行是同一人",
                            f"same person as line {seen[key]}",
                        )
                    )
                else:
                    seen[key] = line
                    records.append(record)
        errors.extend(row_errors)
    if errors:
        raise FileRejected(errors)
    return records


class _CellError(Exception):
    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _convert(field: str, value: object) -> object:
    if _blank(value):
        return None
    column = _FIELDS[field]
    if column.kind == "id":
        if isinstance(value, float | int) and not isinstance(value, bool):
            raise _CellError(
                "cell.id_as_number",
                "证件号码被存成了数字（末几位已丢失），请把该列设为文本后重新填写",
                "the ID number was stored as a number (its last digits are lost); "
                "format the column as text and enter it again",
            )
        return str(value).strip()
    if column.kind == "date":
        return _date(value)
    if column.kind == "month":
        if isinstance(value, datetime | date):
            day = value.date() if isinstance(value, datetime) else value
            return day.replace(day=1)
        text = str(value).strip()
        match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?", text)
        if not match:
            raise _CellError(
                "cell.month", f"月份“{text}”应写为YYYY-MM", f"month {text!r} must be YYYY-MM"
            )
        try:
            return date(int(match[1]), int(match[2]), 1)
        except ValueError:
            raise _CellError(
                "cell.month", f"月份“{text}”无效", f"month {text!r} is not valid"
            ) from None
    text = str(value).strip()
    if field == "id_type":
        if text not in ID_TYPE_LABELS:
            raise _CellError(
                "cell.id_type", f"证件类型“{text}”无效", f"ID type {text!r} is not known"
            )
        return ID_TYPE_LABELS[text]
    if field == "sex":
        if text not in SEX_LABELS:
            raise _CellError(
                "cell.sex", f"性别“{text}”应为男或女", f"sex {text!r} must be 男 or 女"
            )
        return SEX_LABELS[text]
    return text


def _date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in _DATE_PATTERNS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _CellError(
        "cell.date", f"日期“{text}”应写为YYYY-MM-DD", f"date {text!r} must be YYYY-MM-DD"
    )


def _pydantic_errors(line: int, error: ValidationError) -> list[RowError]:
    result: list[RowError] = []
    for item in error.errors():
        field = str(item["loc"][0]) if item.get("loc") else None
        ctx = item.get("ctx") or {}
        domain_error = ctx.get("error")
        if isinstance(domain_error, DomainError):
            result.append(
                RowError(line, field, domain_error.code, domain_error.zh, domain_error.en)
            )
            continue
        message = str(item.get("msg", "invalid"))
        zh, en = _split_bilingual(message)
        result.append(RowError(line, field, str(item.get("type", "invalid")), zh, en))
    return result


def _split_bilingual(message: str) -> tuple[str, str]:
    """``bilingual()`` errors read "Value error, <zh> / <en>" (see domain.models._base)."""
    text = message.removeprefix("Value error, ")
    if " / " in text:
        zh, en = text.split(" / ", 1)
        return zh, en
    return text, text


def _map_header(header: list[object]) -> dict[int, str]:
    fields: dict[int, str] = {}
    unknown: list[str] = []
    for index, cell in enumerate(header):
        text = "" if cell is None else str(cell).strip().lstrip("\ufeff")
        if not text:
            continue
        field = HEADER_TO_FIELD.get(text)
        if field is None:
            unknown.append(text)
        elif field in fields.values():
            raise FileRejected(
                [
                    RowError(
                        1,
                        field,
                        "file.duplicate_column",
                        f"列“{text}”出现两次",
                        f"column {text!r} appears twice",
                    )
                ]
            )
        else:
            fields[index] = field
    missing = [c for c in COLUMNS if c.required and c.field not in fields.values()]
    problems = [
        RowError(
            1,
            c.field,
            "file.missing_column",
            f"缺少必填列“{c.header}”",
            f"required column {c.header} ({c.field}) is missing",
        )
        for c in missing
    ] + [
        RowError(
            1,
            None,
            "file.unknown_column",
            f"不是模板中的列：“{text}”",
            f"not a column of the template: {text!r}",
        )
        for text in unknown
    ]
    if problems:
        raise FileRejected(problems)
    return fields


def _read_csv(content: bytes) -> tuple[list[object], list[tuple[int, list[object]]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected(
            [
                RowError(
                    0,
                    None,
                    "file.encoding",
                    "CSV文件不是UTF-8编码（请另存为“CSV UTF-8”）",
                    "the CSV file is not UTF-8 (save it as 'CSV UTF-8')",
                )
            ]
        ) from None
    reader = csv.reader(io.StringIO(text))
    header: list[object] | None = None
    rows: list[tuple[int, list[object]]] = []
    for line, cells in enumerate(reader, start=1):
        if header is None:
            header = list(cells)
        else:
            rows.append((line, list(cells)))
    if header is None:
        raise FileRejected([RowError(0, None, "file.empty", "文件为空", "the file is empty")])
    return header, rows


def _read_xlsx(content: bytes) -> tuple[list[object], list[tuple[int, list[object]]]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a non-XLSX file
        raise FileRejected(
            [
                RowError(
                    0, None, "file.xlsx", "无法读取XLSX文件", f"cannot read the XLSX file: {error}"
                )
            ]
        ) from None
    try:
        sheet = book.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        first = next(rows_iter, None)
        if first is None:
            raise FileRejected([RowError(0, None, "file.empty", "文件为空", "the file is empty")])
        rows = [(line, list(cells)) for line, cells in enumerate(rows_iter, start=2)]
        return list(first), rows
    finally:
        book.close()

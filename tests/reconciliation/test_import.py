"""Uploads: the template round-trips, every bad row is reported, a bad file is refused whole."""

from __future__ import annotations

import io
import random
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from domain.enums import IdType, Unit
from domain.ids import generate_citizen_id
from domain.reconciliation.importer import parse_unit_table
from domain.reconciliation.rolls import FileRejected, import_roll_csv
from domain.reconciliation.template import COLUMNS, template_csv, template_xlsx

PERIOD = date(2026, 10, 1)
RNG = random.Random(11)
GOOD_ID = generate_citizen_id(RNG, birth=date(1940, 3, 5))
OTHER_ID = generate_citizen_id(RNG, birth=date(1938, 7, 9))
BAD_CHECK = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_template_headers_are_the_columns() -> None:
    header = template_csv().decode("utf-8-sig").splitlines()[0].split(",")
    assert header == [c.header for c in COLUMNS]
    sheet = load_workbook(io.BytesIO(template_xlsx())).worksheets[0]
    assert [cell.value for cell in sheet[1]] == [c.header for c in COLUMNS]


def test_the_downloaded_template_filled_in_imports() -> None:
    content = template_csv() + csv_bytes(
        f"王国华,,{GOOD_ID},,,2026-10-03,桃源街道,,,,2026-10-05,,,,,,",
        f"李秀英,居民身份证,{OTHER_ID},女,,2026/10/09,,,,,,,,2026-10,,,备注",
    )
    records = parse_unit_table(content, "police.csv", unit=Unit.POLICE, period=PERIOD)
    assert [r.name for r in records] == ["王国华", "李秀英"]
    assert records[0].household_deregistered_on == date(2026, 10, 5)
    assert records[0].birth_date == date(1940, 3, 5)  # decoded from the ID number
    assert records[1].pension_last_paid_month == date(2026, 10, 1)
    assert all(r.unit is Unit.POLICE and r.period == PERIOD for r in records)


def test_every_bad_row_is_reported_and_nothing_is_returned() -> None:
    content = csv_bytes(
        "姓名,证件号码,死亡日期,户籍注销日期",
        f"王国华,{GOOD_ID},2026-10-03,2026-10-05",
        f"李四,{BAD_CHECK},2026-10-02,",
        "张三,,2026-13-01,",
        f"赵六,{OTHER_ID},2026-11-02,",
        f"王国华,{GOOD_ID},2026-10-03,",
    )
    with pytest.raises(FileRejected) as caught:
        parse_unit_table(content, "t.csv", unit=Unit.POLICE, period=PERIOD)
    found = {(e.line, e.column, e.code) for e in caught.value.errors}
    assert found == {
        (3, "id_number", "citizen_id.check"),
        (4, "died_on", "cell.date"),
        (5, None, "unit_record.died_after_period"),
        (6, "id_number", "row.duplicate"),
    }
    assert all(e.message_zh and e.message_en for e in caught.value.errors)


def test_missing_and_unknown_columns_are_refused() -> None:
    with pytest.raises(FileRejected) as caught:
        parse_unit_table(
            csv_bytes("姓名,证件号,备注", "王华,1,x"), "t.csv", unit=Unit.HRSS, period=PERIOD
        )
    codes = sorted(e.code for e in caught.value.errors)
    assert codes == ["file.missing_column", "file.unknown_column"]


def test_not_utf8_and_wrong_type_are_refused() -> None:
    with pytest.raises(FileRejected, match="1 error"):
        parse_unit_table(
            "姓名,死亡日期\n".encode("gb18030"), "t.csv", unit=Unit.HRSS, period=PERIOD
        )
    with pytest.raises(FileRejected):
        parse_unit_table(b"x", "t.xls", unit=Unit.HRSS, period=PERIOD)


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_real_dates_imports() -> None:
    content = xlsx(
        [
            ["姓名", "证件类型", "证件号码", "死亡日期", "出证日期"],
            ["王国华", "居民身份证", GOOD_ID, datetime(2026, 10, 3), datetime(2026, 10, 3)],
            ["无名氏", "无", None, datetime(2026, 10, 4), None],
        ]
    )
    records = parse_unit_table(content, "health.xlsx", unit=Unit.HEALTH, period=PERIOD)
    assert records[0].certificate_issued_on == date(2026, 10, 3)
    assert records[1].id_type is IdType.NONE and records[1].id_number is None


def test_xlsx_id_number_stored_as_a_number_is_refused() -> None:
    content = xlsx([["姓名", "证件号码", "死亡日期"], ["王国华", 330226194003051234, "2026-10-03"]])
    with pytest.raises(FileRejected) as caught:
        parse_unit_table(content, "t.xlsx", unit=Unit.HEALTH, period=PERIOD)
    assert [e.code for e in caught.value.errors] == ["cell.id_as_number"]


def test_a_unit_without_a_monthly_table_is_refused() -> None:
    content = csv_bytes("姓名,死亡日期", "王华,2026-10-01")
    with pytest.raises(FileRejected) as caught:
        parse_unit_table(content, "t.csv", unit=Unit.GRID, period=PERIOD)
    assert caught.value.errors[0].code == "unit_record.unit"


# --- payment rolls --------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roll.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_roll_imports_to_parquet(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeff证件号码,姓名,发放月份,发放金额,待遇类别\n"
        f'{GOOD_ID},王国华,2026-11,"1,800.00",pension\n'
        f"{BAD_CHECK},李四,2026-11-01,20.5,pension\n",
    )
    summary = import_roll_csv(path, tmp_path / "r.parquet", source="hrss", period=date(2026, 11, 9))
    assert (summary.rows, summary.payees, summary.amount) == (2, 2, 1820.5)
    assert summary.period == date(2026, 11, 1) and summary.path.exists()


def test_roll_with_bad_rows_is_refused_whole(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "证件号码,姓名,发放月份,发放金额\n"
        f"{GOOD_ID},王华,2026-11,100\n,李四,2026/11,abc\n{GOOD_ID},张三,2026-10,5\n",
    )
    dest = tmp_path / "r.parquet"
    with pytest.raises(FileRejected) as caught:
        import_roll_csv(path, dest, source="hrss", period=date(2026, 11, 1))
    assert caught.value.total == 2
    assert {(e.line, e.code) for e in caught.value.errors} == {
        (3, "roll.id_missing"),
        (3, "roll.month_format"),
        (3, "roll.amount"),
        (4, "roll.month_other"),
    }
    assert not dest.exists() and not dest.with_suffix(".partial").exists()


def test_roll_with_an_unquoted_comma_is_refused_not_misread(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"证件号码,姓名,发放月份,发放金额\n{GOOD_ID},王华,2026-11,100\n"
        f"{GOOD_ID},王华,2026-11,1,800.00\n",
    )
    with pytest.raises(FileRejected) as caught:
        import_roll_csv(path, tmp_path / "r.parquet", source="hrss", period=date(2026, 11, 1))
    assert [(e.line, e.code) for e in caught.value.errors] == [(3, "file.csv")]


def test_roll_missing_columns_or_source(tmp_path: Path) -> None:
    path = write(tmp_path, "证件号码,姓名\nx,y\n")
    with pytest.raises(FileRejected, match="1 error"):
        import_roll_csv(path, tmp_path / "r.parquet", source="hrss", period=date(2026, 11, 1))
    with pytest.raises(Exception, match="unknown payment roll source"):
        import_roll_csv(path, tmp_path / "r.parquet", source="tax", period=date(2026, 11, 1))


def test_the_xlsx_template_filled_in_by_a_clerk_imports() -> None:
    book = load_workbook(io.BytesIO(template_xlsx()))
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    row = {
        "姓名": "王国华",
        "证件号码": GOOD_ID,
        "死亡日期": datetime(2026, 10, 3),
        "证件类型": "居民身份证",
        "户籍注销日期": datetime(2026, 10, 6),
    }
    for column, header in enumerate(headers, start=1):
        if header in row:
            sheet.cell(row=2, column=column, value=row[header])
    buffer = io.BytesIO()
    book.save(buffer)
    records = parse_unit_table(
        buffer.getvalue(), "公安-2026-10.xlsx", unit=Unit.POLICE, period=PERIOD
    )
    assert [(r.name, r.household_deregistered_on) for r in records] == [
        ("王国华", date(2026, 10, 6))
    ]

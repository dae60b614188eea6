"""The standard template (标准样本) of a unit's monthly death-information table.

One template for all six units (bulletin, 四、一: 死亡身份信息、福利停发情况、社保停发情况、户籍注销
情况 ...): each unit fills the identity columns and the columns of what it did; the others stay
empty. Headers are Chinese, as the units' clerks use them; the English field name is accepted
too, so a department system can export the table directly.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from domain.enums import IdType


@dataclass(frozen=True, slots=True)
class Column:
    field: str  # UnitRecord field name
    header: str  # Chinese header of the template
    required: bool
    kind: str  # text, id, date, month, enum
    hint: str  # second header row: how to fill it


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, "text", "必填"),
    Column("id_type", "证件类型", False, "enum", "默认居民身份证；无证件填“无”"),
    Column("id_number", "证件号码", False, "id", "文本格式，18位，末位可为X"),
    Column("sex", "性别", False, "enum", "男/女，可空（由身份证号推出）"),
    Column("birth_date", "出生日期", False, "date", "YYYY-MM-DD，可空"),
    Column("died_on", "死亡日期", True, "date", "必填，YYYY-MM-DD"),
    Column("township", "乡镇（街道）", False, "text", "宁海县乡镇（街道）名"),
    Column("certificate_code", "死亡证明编号", False, "text", "卫健填"),
    Column("certificate_issued_on", "出证日期", False, "date", "卫健填"),
    Column("cremated_on", "火化日期", False, "date", "殡仪馆/民政填"),
    Column("household_deregistered_on", "户籍注销日期", False, "date", "公安填"),
    Column("welfare_stopped_on", "福利停发日期", False, "date", "民政填"),
    Column("social_insurance_stopped_on", "社保停发日期", False, "date", "人力社保填"),
    Column("pension_last_paid_month", "养老金最后发放月份", False, "month", "人力社保填，YYYY-MM"),
    Column("disability_card_cancelled_on", "残疾人证注销日期", False, "date", "残联填"),
    Column("case_id", "案件编号", False, "text", "12345案件编号，可空"),
    Column("remarks", "备注", False, "text", ""),
)
HEADER_TO_FIELD: dict[str, str] = {
    **{c.header: c.field for c in COLUMNS},
    **{c.field: c.field for c in COLUMNS},
}
ID_TYPE_LABELS: dict[str, IdType] = {
    **{t.label_zh: t for t in IdType},
    **{t.value: t for t in IdType},
    "身份证": IdType.CITIZEN_ID,
}
SEX_LABELS = {
    "男": "male",
    "女": "female",
    "未知": "unknown",
    "male": "male",
    "female": "female",
    "unknown": "unknown",
}


def template_csv() -> bytes:
    """The template as UTF-8 CSV with a BOM (so that Excel opens the Chinese headers right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The template as XLSX: headers, a hint row as a comment-like note, ID column as text.

    The ID number column is formatted as text because Excel turns an 18-digit number into a
    float and silently loses its last three digits; the importer refuses such cells.
    """
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "死亡信息"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = bold
        if column.required:
            cell.fill = fill
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        if column.kind == "id":
            for row in range(2, 2002):
                sheet.cell(row=row, column=index).number_format = "@"
    id_types = DataValidation(
        type="list", formula1='"' + ",".join(t.label_zh for t in IdType) + '"', allow_blank=True
    )
    sheet.add_data_validation(id_types)
    id_type_col = [c.field for c in COLUMNS].index("id_type") + 1
    letter = sheet.cell(row=1, column=id_type_col).column_letter
    id_types.add(f"{letter}2:{letter}2001")
    notes = book.create_sheet("填写说明")
    notes.append(["列", "必填", "说明"])
    for column in COLUMNS:
        notes.append([column.header, "是" if column.required else "否", column.hint])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

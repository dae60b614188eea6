"""A row of a unit's monthly death-information table on the standard template (标准样本).

12345, health, police, civil affairs, HRSS and DPF each keep such a table and upload it on the
10th of every month; the reconciliation cross-checks the rows by identity (and by name + birth
date + date of death, to find the same person under two ID numbers). Each unit fills the columns
it knows; the rest stay empty.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field, ValidationInfo, field_validator, model_validator

from domain.enums import RECONCILING_UNITS, IdType, Sex, Unit
from domain.errors import DomainError
from domain.ids import identity_key, normalize_id_number, parse_citizen_id
from domain.models._base import DomainModel, PersonName, bilingual, from_domain
from domain.ninghai import Township


class UnitRecord(DomainModel):
    """One deceased person in one unit's table for one month."""

    unit: Unit
    period: date = Field(description="first day of the month the table covers")
    # identity (死亡身份信息)
    name: PersonName
    id_type: IdType = IdType.CITIZEN_ID
    id_number: str | None = None
    sex: Sex | None = None
    birth_date: date | None = None
    died_on: date
    township: Township | None = None
    # per-unit facts
    certificate_code: str | None = Field(default=None, max_length=40)
    certificate_issued_on: date | None = None  # health
    cremated_on: date | None = None  # funeral home (reported via civil affairs)
    household_deregistered_on: date | None = None  # police
    welfare_stopped_on: date | None = None  # civil affairs (福利停发)
    social_insurance_stopped_on: date | None = None  # HRSS (社保停发)
    pension_last_paid_month: date | None = None  # HRSS: first day of the last month paid
    disability_card_cancelled_on: date | None = None  # DPF
    case_id: str | None = Field(default=None, max_length=64)
    remarks: str | None = Field(default=None, max_length=500)

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str | None, info: ValidationInfo) -> str | None:
        id_type = info.data.get("id_type")
        if id_type is None:
            return value
        try:
            return normalize_id_number(id_type, value)
        except DomainError as error:
            raise from_domain(error) from None

    @field_validator("period", "pension_last_paid_month")
    @classmethod
    def _first_of_month(cls, value: date | None) -> date | None:
        if value is not None and value.day != 1:
            raise bilingual(
                "unit_record.month", "月份应写为当月1日", "a month is given as its first day"
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> UnitRecord:
        if self.unit not in RECONCILING_UNITS and self.unit is not Unit.FUNERAL_HOME:
            raise bilingual(
                "unit_record.unit",
                f"{self.unit.label_zh}不上报月度死亡信息库",
                f"unit {self.unit.value} does not upload a monthly death-information table",
            )
        try:
            self.id_number = normalize_id_number(self.id_type, self.id_number)
        except DomainError as error:
            raise from_domain(error) from None
        if self.id_type is IdType.CITIZEN_ID and self.id_number:
            decoded = parse_citizen_id(self.id_number)
            self.sex = self.sex or decoded.sex
            self.birth_date = self.birth_date or decoded.birth_date
        if (self.died_on.year, self.died_on.month) > (self.period.year, self.period.month):
            raise bilingual(
                "unit_record.died_after_period",
                "死亡日期晚于本表所属月份",
                "the date of death is after the month of the table",
            )
        return self

    @property
    def identity_key(self) -> str | None:
        return identity_key(self.id_type, self.id_number)

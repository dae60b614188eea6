"""The people of a case: the deceased (with the address that routes the case), the reporter and
the family contact."""

from __future__ import annotations

from datetime import date

from pydantic import Field, ValidationInfo, field_validator, model_validator

from domain.enums import IdType, NoIdReason, PlaceOfDeath, ReporterRole, Sex
from domain.errors import DomainError
from domain.ids import identity_key, normalize_id_number, parse_citizen_id
from domain.models._base import (
    DomainModel,
    MobilePhone,
    PersonName,
    ShanghaiDatetime,
    bilingual,
    from_domain,
    not_in_future,
)
from domain.ninghai import Township, parse_township
from domain.relatives import Relation, check_may_act


class Address(DomainModel):
    """Where the deceased lived: the township picks the 3+X team and the health centre."""

    township: Township
    village: str = Field(min_length=1, max_length=40, description="村（社区）")
    detail: str | None = Field(default=None, max_length=200, description="门牌等")

    @field_validator("township", mode="before")
    @classmethod
    def _township(cls, value: object) -> object:
        if isinstance(value, str) and not isinstance(value, Township):
            try:
                return parse_township(value)
            except DomainError as error:
                raise from_domain(error) from None
        return value


class Deceased(DomainModel):
    """The deceased. Sex and birth date are derived from a citizen ID number (and must agree
    with it when given); without any ID the reason is required."""

    name: PersonName | None = None
    id_type: IdType = IdType.CITIZEN_ID
    id_number: str | None = None
    no_id_reason: NoIdReason | None = None
    sex: Sex | None = None
    birth_date: date | None = None
    died_at: ShanghaiDatetime
    place_of_death: PlaceOfDeath = PlaceOfDeath.HOME
    address: Address

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str | None, info: ValidationInfo) -> str | None:
        id_type = info.data.get("id_type")
        if id_type is None:  # the id_type itself failed; its error is reported
            return value
        try:
            return normalize_id_number(id_type, value)
        except DomainError as error:
            raise from_domain(error) from None

    @field_validator("died_at")
    @classmethod
    def _died_not_future(cls, value: ShanghaiDatetime, info: ValidationInfo) -> ShanghaiDatetime:
        return not_in_future(value, info, "死亡时间", "the time of death")

    @model_validator(mode="after")
    def _identity(self) -> Deceased:
        try:
            self.id_number = normalize_id_number(self.id_type, self.id_number)
        except DomainError as error:
            raise from_domain(error) from None
        if self.id_type is IdType.NONE:
            if self.no_id_reason is None:
                raise bilingual(
                    "deceased.no_id_reason",
                    "死者无身份证件时须说明原因（未登记户口婴儿、身份不明遗体等）",
                    "without any ID the reason is required (unregistered infant, "
                    "unidentified body, ...)",
                )
        else:
            if self.no_id_reason is not None:
                raise bilingual(
                    "deceased.no_id_reason_with_id",
                    "已有身份证件时不应填写无证件原因",
                    "a no-ID reason was given although the deceased has an ID",
                )
            if self.name is None:
                raise bilingual("name.missing", "缺少死者姓名", "the deceased's name is missing")
        if self.id_type is IdType.CITIZEN_ID:
            assert self.id_number is not None
            decoded = parse_citizen_id(self.id_number)
            if self.sex not in (None, decoded.sex):
                raise bilingual(
                    "deceased.sex_mismatch",
                    f"性别与公民身份号码不符（号码显示为{decoded.sex.label_zh}）",
                    f"the sex does not match the citizen ID (which says {decoded.sex.value})",
                )
            if self.birth_date not in (None, decoded.birth_date):
                raise bilingual(
                    "deceased.birth_mismatch",
                    f"出生日期与公民身份号码不符（号码显示为{decoded.birth_date.isoformat()}）",
                    "the birth date does not match the citizen ID "
                    f"(which says {decoded.birth_date.isoformat()})",
                )
            self.sex, self.birth_date = decoded.sex, decoded.birth_date
        if self.birth_date and self.died_at.date() < self.birth_date:
            raise bilingual(
                "deceased.died_before_birth",
                "死亡时间早于出生日期",
                "the time of death is before the birth date",
            )
        return self

    @property
    def identity_key(self) -> str | None:
        """Key of the one-open-case rule (``citizen_id:…``); None without any ID."""
        return identity_key(self.id_type, self.id_number)

    @property
    def age_at_death(self) -> int | None:
        if self.birth_date is None:
            return None
        died = self.died_at.date()
        before_birthday = (died.month, died.day) < (self.birth_date.month, self.birth_date.day)
        return died.year - self.birth_date.year - before_birthday


class Reporter(DomainModel):
    """Who reported the death to 12345 (the 12-hour rule is assessed against grid workers)."""

    role: ReporterRole
    name: PersonName
    phone: MobilePhone
    organisation: str | None = Field(default=None, max_length=100, description="e.g. the hospital")

    @model_validator(mode="after")
    def _hospital_named(self) -> Reporter:
        if self.role is ReporterRole.HOSPITAL and not self.organisation:
            raise bilingual(
                "reporter.organisation",
                "医疗机构报告时须填写机构名称",
                "a hospital reporting a death must name the institution",
            )
        return self


class FamilyContact(DomainModel):
    """The family's contact person: a close relative, or an agent authorised by one."""

    name: PersonName
    phone: MobilePhone
    relation: Relation
    principal_relation: Relation | None = Field(
        default=None, description="for an agent: relation of the close relative who authorised"
    )
    authorisation_ref: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def _may_act(self) -> FamilyContact:
        try:
            check_may_act(
                self.relation,
                principal_relation=self.principal_relation,
                authorisation_ref=self.authorisation_ref,
            )
        except DomainError as error:
            raise from_domain(error) from None
        return self

    @property
    def is_agent(self) -> bool:
        return not self.relation.is_close_relative

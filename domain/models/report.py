"""The death report (死讯简况): what 12345 takes on the phone and pushes to every unit."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator, model_validator

from domain.deadlines import REPORT_WINDOW
from domain.downstream import required_downstream
from domain.enums import ActionKind, IdType, Unit
from domain.models._base import DomainModel, ShanghaiDatetime, bilingual, not_in_future
from domain.models.people import Deceased, FamilyContact, Reporter


class WelfareKind(StrEnum):
    """Civil-affairs benefits that must stop at death."""

    MINIMUM_LIVING = "minimum_living"  # 低保
    EXTREME_POVERTY = "extreme_poverty"  # 特困供养
    OLD_AGE_ALLOWANCE = "old_age_allowance"  # 高龄补贴
    OTHER = "other"


class ProfileFlags(DomainModel):
    """What the downstream departments need to know; each flag switches a branch on.

    Reporters may not know everything: departments also check their own registers, so a False
    here means "not known", and a department that finds a record anyway still acts.
    """

    has_pension: bool = False  # 养老金 (HRSS)
    has_social_insurance: bool = False  # 社保 (HRSS)
    receives_welfare: frozenset[WelfareKind] = frozenset()  # 民政
    has_disability_card: bool = False  # 残疾人证 (DPF)
    is_business_owner: bool = False  # 个体工商户/企业 (市场监管)

    def required_downstream(
        self, id_type: IdType | str = IdType.CITIZEN_ID
    ) -> frozenset[tuple[Unit, ActionKind]]:
        """Required downstream actions for this profile and the deceased's ID type
        (``domain.downstream.required_downstream``)."""
        return required_downstream(
            has_pension=self.has_pension,
            has_social_insurance=self.has_social_insurance,
            receives_welfare=bool(self.receives_welfare),
            has_disability_card=self.has_disability_card,
            is_business_owner=self.is_business_owner,
            id_type=id_type,
        )


class DeathReport(DomainModel):
    """One report of a death. A second report of the same person joins the open case."""

    deceased: Deceased
    reporter: Reporter
    family_contact: FamilyContact | None = None
    reported_at: ShanghaiDatetime
    profile: ProfileFlags = Field(default_factory=ProfileFlags)
    notes: str | None = Field(default=None, max_length=2000)
    idempotency_key: str | None = Field(
        default=None, min_length=1, max_length=100, description="client key for safe retries"
    )

    @field_validator("reported_at")
    @classmethod
    def _reported_not_future(
        cls, value: ShanghaiDatetime, info: ValidationInfo
    ) -> ShanghaiDatetime:
        return not_in_future(value, info, "报告时间", "the report time")

    @model_validator(mode="after")
    def _after_death(self) -> DeathReport:
        if self.reported_at < self.deceased.died_at:
            raise bilingual(
                "report.before_death",
                "报告时间早于死亡时间",
                "the report time is before the time of death",
            )
        return self

    @property
    def lateness(self) -> timedelta:
        """reported_at − died_at; over 12 h counts against the reporting grid worker."""
        return self.reported_at - self.deceased.died_at

    @property
    def on_time(self) -> bool:
        return self.lateness <= REPORT_WINDOW

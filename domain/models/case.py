"""The case: one deceased, one case, from the report to the family being told all is done."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

from pydantic import Field, model_validator

from domain.deadlines import certificate_deadline, report_deadline
from domain.enums import CaseStage, CaseStatus, Role, Unit
from domain.models._base import DomainModel, PersonName, ShanghaiDatetime, bilingual
from domain.models.people import Deceased, FamilyContact
from domain.models.report import ProfileFlags
from domain.ninghai import Township


class Actor(DomainModel):
    """Someone (or some system) acting on a case; recorded in the audit log."""

    id: str = Field(min_length=1, max_length=100, description="staff number, worker name, ...")
    role: Role
    unit: Unit | None = None
    name: PersonName | None = None


SYSTEM_ACTOR = Actor(id="system", role=Role.SYSTEM)


class Case(DomainModel):
    """A case as the API and the workers see it. Step timestamps feed the KPIs."""

    id: str = Field(min_length=1, max_length=64)
    status: CaseStatus = CaseStatus.OPEN
    stage: CaseStage = CaseStage.REPORTED
    township: Township
    deceased: Deceased
    family_contact: FamilyContact | None = None
    profile: ProfileFlags = Field(default_factory=ProfileFlags)
    reported_at: ShanghaiDatetime  # first report
    directive_at: ShanghaiDatetime | None = None
    certificate_at: ShanghaiDatetime | None = None
    downstream_done_at: ShanghaiDatetime | None = None
    closed_at: ShanghaiDatetime | None = None
    report_count: int = Field(default=1, ge=1)
    process_instance_key: int | None = Field(default=None, description="engine instance key")

    @model_validator(mode="after")
    def _ordered(self) -> Case:
        steps = [
            ("reported_at", self.reported_at),
            ("directive_at", self.directive_at),
            ("certificate_at", self.certificate_at),
            ("downstream_done_at", self.downstream_done_at),
            ("closed_at", self.closed_at),
        ]
        seen = [(name, at) for name, at in steps if at is not None]
        for (earlier, a), (later, b) in pairwise(seen):
            if b < a:
                raise bilingual(
                    "case.steps_out_of_order",
                    f"办理环节时间顺序错误：{later}早于{earlier}",
                    f"case steps out of order: {later} is before {earlier}",
                )
        if self.township is not self.deceased.address.township:
            raise bilingual(
                "case.township_mismatch",
                "案件所属乡镇与死者住址乡镇不一致",
                "the case's township differs from the deceased's address",
            )
        if self.status is not CaseStatus.OPEN and self.closed_at is None:
            raise bilingual(
                "case.closed_without_time",
                "已结束的案件须有结束时间",
                "a case that is no longer open needs closed_at",
            )
        return self

    @property
    def report_due_at(self) -> datetime:
        return report_deadline(self.deceased.died_at)

    @property
    def report_on_time(self) -> bool:
        """The first report came within 12 hours of the death."""
        return self.reported_at <= self.report_due_at

    @property
    def certificate_due_at(self) -> datetime | None:
        return None if self.directive_at is None else certificate_deadline(self.directive_at)

    @property
    def identity_key(self) -> str | None:
        return self.deceased.identity_key

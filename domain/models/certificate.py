"""The certificate as a document (the rules are in :mod:`domain.certificate`)."""

from __future__ import annotations

from pydantic import Field, model_validator

from domain.certificate import (
    CodeBasis,
    certificate_code,
    name_on_certificate,
    parts_for,
    reporting_deadline,
)
from domain.deadlines import DayDeadline
from domain.enums import CertificateForm, CertificatePart, IdType, IssueKind
from domain.errors import DomainError
from domain.models._base import USCC, DomainModel, ShanghaiDatetime, bilingual, from_domain


class Certificate(DomainModel):
    """One issued certificate document: original, reissue (补发) or a further copy.

    The code is checked against the 2026 rule: it must be the citizen ID / other ID number, or,
    without any ID, ``issuer_uscc`` + the 4-digit ``serial``. Name and ID type shown are "无" then.
    """

    case_id: str = Field(min_length=1, max_length=64)
    code: str = Field(min_length=5, max_length=40)
    form: CertificateForm
    issue_kind: IssueKind = IssueKind.ORIGINAL
    sequence_no: int = Field(default=1, ge=1, description="1 for the original, then 2, 3 ...")
    deceased_name: str = Field(min_length=1, max_length=50)
    id_type: IdType
    id_number: str | None = None
    issuer_name: str = Field(min_length=1, max_length=100)
    issuer_uscc: USCC
    serial: int | None = Field(default=None, ge=1, le=9999)
    issued_at: ShanghaiDatetime
    parts: tuple[CertificatePart, ...] = ()
    reported_at: ShanghaiDatetime | None = Field(
        default=None, description="when it reached the death information system / platform"
    )

    @model_validator(mode="before")
    @classmethod
    def _default_parts(cls, data: object) -> object:
        if isinstance(data, dict) and "parts" not in data and "form" in data:
            try:
                return {**data, "parts": parts_for(CertificateForm(data["form"]))}
            except ValueError:
                return data
        return data

    @model_validator(mode="after")
    def _code_rule(self) -> Certificate:
        try:
            expected = certificate_code(
                self.id_type, self.id_number, issuer_uscc=self.issuer_uscc, serial=self.serial
            )
            expected_name = name_on_certificate(self.id_type, self.deceased_name)
        except DomainError as error:
            raise from_domain(error) from None
        if self.code != expected.code:
            raise bilingual(
                "certificate.code_rule",
                f"证明编码应为{expected.code}（国卫规划发〔2026〕5号）",
                f"the certificate code must be {expected.code} (rule of 2026)",
            )
        if expected.basis is not CodeBasis.ISSUER_SERIAL and self.serial is not None:
            raise bilingual(
                "certificate.serial_with_id",
                "有身份证件时不使用年度流水号",
                "a yearly serial is only used when the deceased has no ID",
            )
        if self.deceased_name != expected_name:
            raise bilingual(
                "certificate.name_none",
                "无身份证件时姓名应填写“无”",
                "without any ID the name on the certificate must be '无'",
            )
        if self.form is CertificateForm.ELECTRONIC and self.parts:
            raise bilingual(
                "certificate.electronic_parts",
                "电子证照没有分联",
                "an electronic certificate has no parts",
            )
        if self.form is CertificateForm.PAPER and CertificatePart.POLICE in self.parts:
            raise bilingual(
                "certificate.police_part",
                "宁海三联式证明已取消公安联",
                "Ninghai's three-part certificate has no police part",
            )
        if (self.issue_kind is IssueKind.ORIGINAL) != (self.sequence_no == 1):
            raise bilingual(
                "certificate.sequence",
                "原件序号为1，补发或副本序号大于1",
                "the original has sequence_no 1, reissues and copies more",
            )
        return self

    @property
    def reporting_deadline(self) -> DayDeadline:
        """15 working days (paper) / 5 working days (electronic) after issue."""
        return reporting_deadline(self.form, self.issued_at)

    @property
    def reported_on_time(self) -> bool | None:
        if self.reported_at is None:
            return None
        return self.reporting_deadline.is_met_by(self.reported_at)

    def reissue(self, *, issued_at: ShanghaiDatetime, sequence_no: int) -> Certificate:
        """A replacement for a lost certificate: same code, same deceased, marked 补发."""
        if sequence_no <= self.sequence_no:
            raise DomainError(
                "certificate.sequence",
                "补发序号须大于原序号",
                "a reissue needs a sequence_no greater than the certificate it replaces",
            )
        data = self.model_dump()
        data.update(
            issue_kind=IssueKind.REISSUE,
            sequence_no=sequence_no,
            issued_at=issued_at,
            reported_at=None,
        )
        return Certificate.model_validate(data)

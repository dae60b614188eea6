"""What units do on a case, and what the family and staff are told: both recorded once."""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from domain.downstream import ALLOWED_ACTIONS
from domain.enums import ActionKind, NotificationChannel, Unit
from domain.models._base import (
    DomainModel,
    ShanghaiDatetime,
    bilingual,
    normalize_mobile,
    not_in_future,
)


def action_idempotency_key(case_id: str, unit: Unit, action: ActionKind) -> str:
    """The natural key of a department action: one per case, unit and action kind."""
    return f"{case_id}:{unit.value}:{action.value}"


class DepartmentAction(DomainModel):
    """A unit did something on a case, on a date. Replays of the same job or callback carry the
    same (case, unit, action) and are absorbed by the ledger (idempotent)."""

    case_id: str = Field(min_length=1, max_length=64)
    unit: Unit
    action: ActionKind
    done_at: ShanghaiDatetime
    reference: str | None = Field(
        default=None, max_length=200, description="the department's own record number"
    )
    idempotency_key: str | None = Field(default=None, max_length=200)
    details: dict[str, Any] = Field(default_factory=dict)

    @field_validator("done_at")
    @classmethod
    def _not_future(cls, value: ShanghaiDatetime, info: ValidationInfo) -> ShanghaiDatetime:
        return not_in_future(value, info, "办理时间", "done_at")

    @model_validator(mode="after")
    def _allowed(self) -> DepartmentAction:
        if self.action not in ALLOWED_ACTIONS[self.unit]:
            raise bilingual(
                "action.not_for_unit",
                f"{self.unit.label_zh}不能办理“{self.action.value}”",
                f"unit {self.unit.value} does not do {self.action.value}",
            )
        if self.idempotency_key is None:
            self.idempotency_key = action_idempotency_key(self.case_id, self.unit, self.action)
        return self


_DINGTALK_ID = re.compile(r"[A-Za-z0-9_\-:.@]{1,100}")


class Notification(DomainModel):
    """A message sent about a case (SMS to the family, DingTalk to a unit, ...).

    ``idempotency_key`` is required: a redelivered job must not text the family twice.
    """

    case_id: str = Field(min_length=1, max_length=64)
    channel: NotificationChannel
    template: str = Field(
        min_length=1, max_length=100, pattern=r"^[a-z0-9_.\-]+$", description="e.g. family.closed"
    )
    recipient: str = Field(min_length=1, max_length=200)
    recipient_unit: Unit | None = None
    sent_at: ShanghaiDatetime
    idempotency_key: str = Field(min_length=1, max_length=200)
    variables: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _recipient(self) -> Notification:
        if self.channel in (NotificationChannel.SMS, NotificationChannel.PHONE_CALL):
            self.recipient = normalize_mobile(self.recipient)
        elif self.channel is NotificationChannel.DINGTALK and not _DINGTALK_ID.fullmatch(
            self.recipient
        ):
            raise bilingual(
                "notification.dingtalk_recipient",
                "钉钉接收人应为用户或群的ID",
                "a DingTalk recipient must be a user or group id",
            )
        return self


class FamilyTrip(DomainModel):
    """The family had to go to an office in person. The reform's promise is zero trips
    (群众动动嘴、政府来跑腿); every trip is recorded so the "zero-trip families" figure is
    measured, not assumed."""

    case_id: str = Field(min_length=1, max_length=64)
    unit: Unit
    at: ShanghaiDatetime
    purpose: str = Field(min_length=1, max_length=200)
    idempotency_key: str | None = Field(default=None, max_length=200)

    @field_validator("at")
    @classmethod
    def _not_future(cls, value: ShanghaiDatetime, info: ValidationInfo) -> ShanghaiDatetime:
        return not_in_future(value, info, "到访时间", "the time of the trip")

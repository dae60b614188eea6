"""Pydantic v2 models of the case domain, validated at every boundary.

Validation errors carry a stable ``type`` (e.g. ``citizen_id.check``) and a message in Chinese
and English (``"公民身份号码校验位错误 / citizen ID check character is wrong"``). Times must be
timezone-aware and are converted to Asia/Shanghai. "Not in the future" checks use
``context={"now": …}`` when given (simulated clocks), ``context={"now": None}`` to turn them off.
"""

from domain.enums import (
    ActionKind,
    CaseStage,
    CaseStatus,
    CertificateForm,
    CertificatePart,
    IdType,
    IssueKind,
    NoIdReason,
    NotificationChannel,
    PlaceOfDeath,
    ReporterRole,
    Role,
    Sex,
    Unit,
)
from domain.models._base import DomainModel, MobilePhone, PersonName, ShanghaiDatetime
from domain.models.actions import (
    DepartmentAction,
    FamilyTrip,
    Notification,
    action_idempotency_key,
)
from domain.models.case import SYSTEM_ACTOR, Actor, Case
from domain.models.certificate import Certificate
from domain.models.people import Address, Deceased, FamilyContact, Reporter
from domain.models.report import DeathReport, ProfileFlags, WelfareKind
from domain.models.unit_record import UnitRecord
from domain.ninghai import Township
from domain.relatives import Relation

__all__ = [
    "SYSTEM_ACTOR",
    "ActionKind",
    "Actor",
    "Address",
    "Case",
    "CaseStage",
    "CaseStatus",
    "Certificate",
    "CertificateForm",
    "CertificatePart",
    "DeathReport",
    "Deceased",
    "DepartmentAction",
    "DomainModel",
    "FamilyContact",
    "FamilyTrip",
    "IdType",
    "IssueKind",
    "MobilePhone",
    "NoIdReason",
    "Notification",
    "NotificationChannel",
    "PersonName",
    "PlaceOfDeath",
    "ProfileFlags",
    "Relation",
    "Reporter",
    "ReporterRole",
    "Role",
    "Sex",
    "ShanghaiDatetime",
    "Township",
    "Unit",
    "UnitRecord",
    "WelfareKind",
    "action_idempotency_key",
]

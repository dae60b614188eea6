"""Enumerations shared by the rules, the models and the ledger.

They live in a module with no imports of ours so that the ID rules, the pydantic models and the
SQLAlchemy tables can all use them without import cycles. Values are stable English identifiers
(stored in the ledger, sent as job variables); ``label_zh`` gives the Chinese wording for people.
"""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    """Sex as encoded in the citizen ID number (odd sequence = male)."""

    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"  # e.g. an unidentified body before examination

    @property
    def label_zh(self) -> str:
        return {"male": "男", "female": "女", "unknown": "未知"}[self.value]


class IdType(StrEnum):
    """Kinds of identity documents a deceased may have (国卫规划发〔2026〕5号: ID type field)."""

    CITIZEN_ID = "citizen_id"  # 居民身份证 (GB 11643-1999 number)
    PASSPORT = "passport"  # 护照
    HK_MACAO_PERMIT = "hk_macao_permit"  # 港澳居民来往内地通行证
    TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证
    FOREIGN_PERMANENT_RESIDENT = "foreign_permanent_resident"  # 外国人永久居留身份证
    OTHER = "other"  # another legal identity document
    NONE = "none"  # 无: unregistered infant, unidentified body

    @property
    def label_zh(self) -> str:
        return _ID_TYPE_ZH[self]


_ID_TYPE_ZH = {
    IdType.CITIZEN_ID: "居民身份证",
    IdType.PASSPORT: "护照",
    IdType.HK_MACAO_PERMIT: "港澳居民来往内地通行证",
    IdType.TAIWAN_PERMIT: "台湾居民来往大陆通行证",
    IdType.FOREIGN_PERMANENT_RESIDENT: "外国人永久居留身份证",
    IdType.OTHER: "其他有效身份证件",
    IdType.NONE: "无",
}


class NoIdReason(StrEnum):
    """Why a deceased has no identity document at all (then the certificate code is USCC+serial)."""

    UNREGISTERED_INFANT = "unregistered_infant"  # 未登记户口的婴儿
    UNIDENTIFIED_BODY = "unidentified_body"  # 身份不明的遗体
    OTHER = "other"


class Unit(StrEnum):
    """The units (departments) of the 3+X team and the single intake."""

    HOTLINE = "hotline_12345"  # 12345政务服务热线
    HEALTH = "health"  # 乡镇卫生院 / 社区卫生服务中心 (卫生健康)
    POLICE = "police"  # 公安 (户籍民警)
    CIVIL_AFFAIRS = "civil_affairs"  # 民政
    HRSS = "hrss"  # 人力社保
    DPF = "dpf"  # 残联 (disabled persons' federation)
    FUNERAL_HOME = "funeral_home"  # 殡仪馆
    MARKET_SUPERVISION = "market_supervision"  # 市场监管
    GRID = "grid"  # 村干部 / 网格员
    SUPERVISOR = "supervisor"  # 县改革办 (assessment, reconciliation)

    @property
    def label_zh(self) -> str:
        return _UNIT_ZH[self]


_UNIT_ZH = {
    Unit.HOTLINE: "12345政务服务热线",
    Unit.HEALTH: "卫生健康",
    Unit.POLICE: "公安",
    Unit.CIVIL_AFFAIRS: "民政",
    Unit.HRSS: "人力社保",
    Unit.DPF: "残联",
    Unit.FUNERAL_HOME: "殡仪馆",
    Unit.MARKET_SUPERVISION: "市场监管",
    Unit.GRID: "村干部/网格员",
    Unit.SUPERVISOR: "县改革办",
}

# Units that upload a monthly death-information table on the standard template (bulletin, 四、一).
RECONCILING_UNITS: frozenset[Unit] = frozenset(
    {Unit.HOTLINE, Unit.HEALTH, Unit.POLICE, Unit.CIVIL_AFFAIRS, Unit.HRSS, Unit.DPF}
)


class Role(StrEnum):
    """Roles of people who act on a case (used for authorisation and the audit log)."""

    GRID_WORKER = "grid_worker"  # 网格员
    VILLAGE_CADRE = "village_cadre"  # 村干部
    HOTLINE_OPERATOR = "hotline_operator"  # 12345话务员
    PREVENTION_DOCTOR = "prevention_doctor"  # 防保医生
    HOUSEHOLD_POLICE = "household_police"  # 户籍民警
    CIVIL_AFFAIRS_OFFICER = "civil_affairs_officer"  # 民政管理员
    HRSS_CLERK = "hrss_clerk"  # 人力社保经办
    DPF_CLERK = "dpf_clerk"  # 残联经办
    FUNERAL_HOME_CLERK = "funeral_home_clerk"  # 殡仪馆
    MARKET_SUPERVISION_CLERK = "market_supervision_clerk"  # 市场监管
    SUPERVISOR = "supervisor"  # 考核 / 对账
    FAMILY = "family"  # 家属 / 代理人
    SYSTEM = "system"  # workers, timers, reconciliation jobs


class ReporterRole(StrEnum):
    """Who reported the death to 12345."""

    GRID_WORKER = "grid_worker"
    VILLAGE_CADRE = "village_cadre"
    FAMILY = "family"
    HOSPITAL = "hospital"

    @property
    def label_zh(self) -> str:
        return {
            "grid_worker": "网格员",
            "village_cadre": "村干部",
            "family": "家属",
            "hospital": "医疗机构",
        }[self.value]


class PlaceOfDeath(StrEnum):
    """Place of death categories of the national certificate form."""

    HOME = "home"  # 家中
    HOSPITAL = "hospital"  # 医疗卫生机构
    NURSING_HOME = "nursing_home"  # 养老机构
    EN_ROUTE = "en_route"  # 来院途中
    OTHER = "other"  # 其他 (outdoors, unknown)


class CaseStatus(StrEnum):
    """Lifecycle of a case. Only OPEN cases take part in the one-open-case-per-deceased rule."""

    OPEN = "open"
    CLOSED = "closed"  # every branch done, family told
    HANDED_TO_POLICE = "handed_to_police"  # not a normal death: the normal flow stops
    CANCELLED = "cancelled"  # reported in error (e.g. the person is alive)


class CaseStage(StrEnum):
    """Where an open case stands in the flow (the design card's shape), in order."""

    REPORTED = "reported"
    DIRECTED = "directed"  # 12345 pushed the death summary (指令)
    CERTIFIED = "certified"  # medical death certificate issued
    DOWNSTREAM = "downstream"  # cremation, benefits, deregistration running in parallel
    COMPLETED = "completed"  # every branch done, family notified


class ActionKind(StrEnum):
    """Things a unit does on a case; each is recorded once per case and unit (idempotent)."""

    DIRECTIVE_SENT = "directive_sent"  # 12345 pushed the death summary
    DIRECTIVE_ACKNOWLEDGED = "directive_acknowledged"  # a unit read the directive
    HOME_VISIT = "home_visit"  # doctor + grid worker at the home
    CERTIFICATE_ISSUED = "certificate_issued"
    NOT_NORMAL_DEATH = "not_normal_death"  # health hands the case to the police
    NOTICE_DELIVERED = "notice_delivered"  # 30-day deregistration notice + cremation contact
    CREMATION = "cremation"
    HOUSEHOLD_DEREGISTRATION = "household_deregistration"
    WELFARE_STOPPED = "welfare_stopped"  # 低保 / 特困 / 高龄补贴
    FUNERAL_SUBSIDY = "funeral_subsidy"  # civil affairs funeral subsidy
    PENSION_STOPPED = "pension_stopped"  # pension / social insurance payments stopped
    SURVIVOR_BENEFITS = "survivor_benefits"  # 丧葬补助金、抚恤金 settled
    DISABILITY_CARD_CANCELLED = "disability_card_cancelled"
    BUSINESS_DEREGISTRATION = "business_deregistration"  # market supervision, when relevant
    FAMILY_NOTIFIED_COMPLETE = "family_notified_complete"


class NotificationChannel(StrEnum):
    SMS = "sms"
    DINGTALK = "dingtalk"  # 政务钉钉 work group
    PHONE_CALL = "phone_call"
    LETTER = "letter"
    IN_PERSON = "in_person"  # handed over at the home


class CertificateForm(StrEnum):
    """Paper and electronic certificates are equally valid (国卫规划发〔2026〕5号)."""

    PAPER = "paper"
    ELECTRONIC = "electronic"


class CertificatePart(StrEnum):
    """Parts of the national four-part form; Ninghai dropped the police part."""

    STUB = "stub"  # 存根 (kept by the issuing institution)
    POLICE = "police"  # 公安联 (dropped in Ninghai: police deregister from shared data)
    FAMILY = "family"  # 家属联
    FUNERAL = "funeral"  # 殡葬联 (the funeral home cremates on it)


class IssueKind(StrEnum):
    """Why a certificate document was produced."""

    ORIGINAL = "original"
    REISSUE = "reissue"  # 补发 after loss
    COPY = "copy"  # a further death proof for the family (两个不限: no limit on copies)

"""The standard texts (标准化样板): the death summary 死讯简况 and the notices.

The bulletin made these texts standard so every unit reads the same thing in the same
place. Each template renders to a :class:`~workers.notify.message.Message` in markdown
(group chats) and plain text (SMS, sinks).

Personal data: group chats and webhooks are third-party platforms, so notices to units
carry the deceased's name and ID number **masked** (张**, 330226********123X); the unit
opens the full record behind authentication through the case link. Notices to the family
go to the family's own phone and may name the deceased in full, but still never carry an
ID number. ``masked`` on each template says which rule applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.logs import mask_name, mask_text
from workers.notify.message import Message

# Fields that hold personal data and are masked in masked templates.
_NAME_FIELDS = frozenset({"deceased_name", "reporter_name", "contact_name"})
_ID_FIELDS = frozenset(
    {"deceased_id_number", "certificate_code", "contact_phone", "reporter_phone"}
)


class TemplateError(ValueError):
    """A template was rendered without a field it needs (a programming error, not data)."""


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    markdown: str
    text: str
    masked: bool

    def render(
        self,
        fields: Mapping[str, Any],
        *,
        dedupe_key: str,
        case_id: str | None = None,
        recipients: tuple[str, ...] = (),
    ) -> Message:
        values = {k: ("—" if v is None else v) for k, v in fields.items()}
        if self.masked:
            for key in _NAME_FIELDS & values.keys():
                values[key] = mask_name(str(values[key]))
            for key in _ID_FIELDS & values.keys():
                values[key] = mask_text(str(values[key]))
        try:
            return Message(
                template=self.name,
                title=self.title.format_map(values),
                markdown=self.markdown.format_map(values),
                text=self.text.format_map(values),
                dedupe_key=dedupe_key,
                case_id=case_id,
                recipients=recipients,
            )
        except KeyError as missing:
            raise TemplateError(f"template {self.name} needs field {missing}") from None


DEATH_SUMMARY = Template(
    name="death_summary",
    title="死讯简况 {case_id}",
    markdown=(
        "### 死讯简况（{case_id}）\n\n"
        "- 逝者：{deceased_name}（{deceased_id_number}）\n"
        "- 死亡时间：{died_at}\n"
        "- 死亡地点：{place_of_death}\n"
        "- 住址：{township}{village}\n"
        "- 报告人：{reporter_role}，报告时间 {reported_at}\n"
        "- 家属联系人：{contact_name} {contact_phone}\n\n"
        "**请{township}卫生院于 {certificate_due} 前上门调查并出具《居民死亡医学证明》。**\n"
        "各单位收到后请确认：{case_link}"
    ),
    text=(
        "死讯简况（{case_id}）：逝者{deceased_name}（{deceased_id_number}），"
        "{died_at}于{place_of_death}死亡，住址{township}{village}。"
        "证明出具期限 {certificate_due}。详情：{case_link}"
    ),
    masked=True,
)

DEREGISTRATION_NOTICE = Template(
    name="deregistration_notice",
    title="户籍注销30日期限告知书",
    markdown=(
        "### 户籍注销30日期限告知书\n\n"
        "{contact_name}家属：{deceased_name}的户口将由公安机关依据共享信息主动注销，"
        "法定期限为死亡后一个月内（{deregistration_due}前），您无需到派出所办理。\n\n"
        "火化预约：{cremation_contact}\n\n办理进度与死亡证明：{family_link}"
    ),
    text=(
        "【身后一件事】{contact_name}您好，{deceased_name}的户口将由公安机关主动注销"
        "（期限{deregistration_due}前），无需跑腿。火化预约：{cremation_contact}。"
        "进度及证明：{family_link}"
    ),
    masked=False,
)

CERTIFICATE_REMINDER = Template(
    name="certificate_reminder",
    title="死亡证明出具提醒 {case_id}",
    markdown=(
        "### 死亡证明出具提醒（{case_id}）\n\n"
        "{township}卫生院：逝者{deceased_name}的《居民死亡医学证明》应于 {certificate_due} 前出具，"
        "目前尚未出具。\n\n{case_link}"
    ),
    text="{township}卫生院：{case_id} 的死亡证明应于{certificate_due}前出具，尚未出具。{case_link}",
    masked=True,
)

CERTIFICATE_OVERDUE = Template(
    name="certificate_overdue",
    title="督办：死亡证明超时 {case_id}",
    markdown=(
        "### 督办：死亡证明超过24小时未出具（{case_id}）\n\n"
        "{township}卫生院未在 {certificate_due} 前出具逝者{deceased_name}的死亡证明，"
        "请县改革办督办。\n\n{case_link}"
    ),
    text="督办：{case_id}（{township}）死亡证明超过{certificate_due}未出具。{case_link}",
    masked=True,
)

LATE_REPORT = Template(
    name="late_report",
    title="迟报：超过12小时 {case_id}",
    markdown=(
        "### 迟报记录（{case_id}）\n\n"
        "{township}{village}逝者{deceased_name}于 {died_at} 死亡，{reported_at} 才报告，"
        "超过12小时（迟报 {report_delay}）。计入报告人考核。\n\n{case_link}"
    ),
    text="迟报：{case_id}（{township}{village}）死亡后{report_delay}才报告，超过12小时。",
    masked=True,
)

POLICE_HANDOVER = Template(
    name="police_handover",
    title="非正常死亡移交公安 {case_id}",
    markdown=(
        "### 非正常死亡移交（{case_id}）\n\n"
        "{township}卫生院调查认定逝者{deceased_name}的死亡非正常死亡（{finding}），"
        "请公安机关接手，出具死亡证明。常规流程对本案停止。\n\n{case_link}"
    ),
    text="非正常死亡移交：{case_id}（{township}），卫生院认定：{finding}。请公安机关接手。",
    masked=True,
)

DEREGISTRATION_REMINDER = Template(
    name="deregistration_reminder",
    title="户籍注销期限提醒 {case_id}",
    markdown=(
        "### 户籍注销期限提醒（{case_id}）\n\n"
        "逝者{deceased_name}（{township}）的户口应于 {deregistration_due} 前注销，目前尚未注销。"
        "请户籍民警依共享信息办理。\n\n{case_link}"
    ),
    text="户籍注销提醒：{case_id}（{township}）应于{deregistration_due}前注销，尚未办理。",
    masked=True,
)

ACKNOWLEDGEMENT_CHASE = Template(
    name="acknowledgement_chase",
    title="催办：请确认收到死讯简况 {case_id}",
    markdown=(
        "### 催办（{case_id}）\n\n以下单位尚未确认收到死讯简况：{pending_units}。\n\n{case_link}"
    ),
    text="催办：{case_id} 尚未确认的单位：{pending_units}。{case_link}",
    masked=True,
)

CASE_CLOSED = Template(
    name="case_closed",
    title="身后事项已全部办结",
    markdown=(
        "### 身后事项已全部办结\n\n{contact_name}家属：{deceased_name}的死亡证明、火化、"
        "户籍注销及待遇停发等事项已全部办结。如需死亡证明复印件，可随时在此申请，不限次数："
        "{family_link}"
    ),
    text=(
        "【身后一件事】{contact_name}您好，{deceased_name}的身后事项已全部办结。"
        "死亡证明可随时申请，不限次数：{family_link}"
    ),
    masked=False,
)

ACKNOWLEDGEMENT_OVERDUE = Template(
    name="acknowledgement_overdue",
    title="督办：指令4小时未确认 {case_id}",
    markdown=(
        "### 督办：死讯简况4小时仍未确认（{case_id}）\n\n"
        "{township}尚有单位未确认收到逝者{deceased_name}的死讯简况：{pending_units}。\n\n{case_link}"
    ),
    text="督办：{case_id}（{township}）指令4小时未确认：{pending_units}。{case_link}",
    masked=True,
)

HOME_VISIT_REQUEST = Template(
    name="home_visit_request",
    title="请随医生上门并送达告知书 {case_id}",
    markdown=(
        "### 上门送达（{case_id}）\n\n"
        "{township}{village}网格员：请会同防保医生到逝者{deceased_name}家中，"
        "送达《户籍注销30日期限告知书》（期限 {deregistration_due}）及火化预约方式"
        "（{cremation_contact}），送达后在系统登记。\n\n{case_link}"
    ),
    text="网格员：请随医生上门送达户籍注销告知书及火化预约方式（{case_id}，{township}{village}）。",
    masked=True,
)

NOTICE_REMINDER = Template(
    name="notice_reminder",
    title="提醒：告知书尚未送达 {case_id}",
    markdown=(
        "### 提醒（{case_id}）\n\n{township}{village}网格员：户籍注销告知书及火化预约方式"
        "尚未登记送达，请尽快上门。\n\n{case_link}"
    ),
    text="提醒：{case_id}（{township}{village}）告知书尚未登记送达。{case_link}",
    masked=True,
)

NOTICE_OVERDUE = Template(
    name="notice_overdue",
    title="督办：告知书48小时未送达 {case_id}",
    markdown=(
        "### 督办：告知书未送达（{case_id}）\n\n{township}{village}指令后48小时"
        "仍未登记送达户籍注销告知书。\n\n{case_link}"
    ),
    text="督办：{case_id}（{township}{village}）告知书48小时未送达。",
    masked=True,
)

CREMATION_REMINDER = Template(
    name="cremation_reminder",
    title="提醒：火化尚未登记 {case_id}",
    markdown=(
        "### 提醒殡仪馆（{case_id}）\n\n逝者{deceased_name}（{township}）已出具死亡证明3天，"
        "火化尚未登记。如已火化请登记。\n\n{case_link}"
    ),
    text="提醒：{case_id}（{township}）出证3天火化尚未登记。{case_link}",
    masked=True,
)

DEREGISTRATION_OVERDUE = Template(
    name="deregistration_overdue",
    title="督办：户籍逾期未注销 {case_id}",
    markdown=(
        "### 督办：户籍逾期未注销（{case_id}）\n\n逝者{deceased_name}（{township}）"
        "死亡已满一个月（{deregistration_due}），户口仍未注销。\n\n{case_link}"
    ),
    text="督办：{case_id}（{township}）户口逾期（{deregistration_due}）未注销。",
    masked=True,
)

DOWNSTREAM_OVERDUE = Template(
    name="downstream_overdue",
    title="督办：逾期未办 {case_id}",
    markdown=(
        "### 督办：逾期未办（{case_id}）\n\n逝者{deceased_name}（{township}）的"
        "“{step_label}”已超过办理期限，仍未办结。\n\n{case_link}"
    ),
    text="督办：{case_id}（{township}）“{step_label}”逾期未办。",
    masked=True,
)

REPORTING_REMINDER = Template(
    name="reporting_reminder",
    title="提醒：死亡证明待上报 {case_id}",
    markdown=(
        "### 提醒上报（{case_id}）\n\n{township}卫生院：证明{certificate_code}"
        "应于 {reporting_due} 前上报（人口死亡信息系统 / 国家平台），明天期满。\n\n{case_link}"
    ),
    text="提醒：{case_id} 的死亡证明应于{reporting_due}前上报。",
    masked=True,
)

REPORTING_OVERDUE = Template(
    name="reporting_overdue",
    title="督办：死亡证明逾期未上报 {case_id}",
    markdown=(
        "### 督办：逾期未上报（{case_id}）\n\n{township}卫生院未在 {reporting_due} 前上报"
        "死亡证明{certificate_code}。\n\n{case_link}"
    ),
    text="督办：{case_id}（{township}）死亡证明逾期（{reporting_due}）未上报。",
    masked=True,
)

PROOF_COPY_ISSUED = Template(
    name="proof_copy_issued",
    title="死亡证明已出具",
    markdown=(
        "### 死亡证明已出具\n\n{contact_name}家属：您申请的{deceased_name}死亡证明"
        "（第{copy_no}份）已出具，可在此查看下载，申请不限次数：{family_link}"
    ),
    text=(
        "【身后一件事】{contact_name}您好，{deceased_name}的死亡证明（第{copy_no}份）已出具，"
        "查看：{family_link}"
    ),
    masked=False,
)

DOCTOR_DISPATCH = Template(
    name="doctor_dispatch",
    title="请指派防保医生上门 {case_id}",
    markdown=(
        "### 指派防保医生（{case_id}）\n\n{township}卫生院：请指派防保医生会同网格员到"
        "{village}逝者{deceased_name}家中调查死因，于 {certificate_due} 前出具"
        "《居民死亡医学证明》。\n\n{case_link}"
    ),
    text="{township}卫生院：请指派防保医生上门（{case_id}，{village}），{certificate_due}前出证。",
    masked=True,
)

CREMATION_BOOKING = Template(
    name="cremation_booking",
    title="凭证明预约火化 {case_id}",
    markdown=(
        "### 火化预约（{case_id}）\n\n殡仪馆：逝者{deceased_name}（{township}{village}）的"
        "《居民死亡医学证明》已出具（{certificate_code}），可凭证明火化，请与家属"
        "{contact_name}（{contact_phone}）联系预约。\n\n{case_link}"
    ),
    text="殡仪馆：{case_id}（{township}）已出证，可预约火化，家属{contact_phone}。",
    masked=True,
)

DEREGISTRATION_FORWARD = Template(
    name="deregistration_forward",
    title="转户籍地公安注销户口 {case_id}",
    markdown=(
        "### 转户籍地注销（{case_id}）\n\n逝者{deceased_name}户籍不在本县（户籍地 "
        "{registration_place}），已将死亡信息转户籍地公安机关注销户口。\n\n{case_link}"
    ),
    text="{case_id}：户籍地{registration_place}，已转户籍地公安注销。",
    masked=True,
)

MARKET_NOTICE = Template(
    name="market_notice",
    title="经营主体负责人死亡告知 {case_id}",
    markdown=(
        "### 告知市场监管（{case_id}）\n\n逝者{deceased_name}（{township}）为经营主体"
        "（个体工商户/企业）负责人，请依法办理相关登记事项。\n\n{case_link}"
    ),
    text="市场监管：{case_id}（{township}）逝者为经营主体负责人，请办理相关登记。",
    masked=True,
)

CASE_ACCEPTED = Template(
    name="case_accepted",
    title="身后事已受理",
    markdown=(
        "### 身后事已受理\n\n{contact_name}家属：{deceased_name}的身后事项已由12345统一受理，"
        "卫生院将会同网格员上门出具死亡证明，其余事项由各部门主动办理，您无需跑腿。"
        "办理进度与死亡证明：{family_link}"
    ),
    text=(
        "【身后一件事】{contact_name}您好，{deceased_name}的身后事项已受理，"
        "各部门主动办理，无需跑腿。进度：{family_link}"
    ),
    masked=False,
)

TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        DEATH_SUMMARY,
        DEREGISTRATION_NOTICE,
        CERTIFICATE_REMINDER,
        CERTIFICATE_OVERDUE,
        LATE_REPORT,
        POLICE_HANDOVER,
        DEREGISTRATION_REMINDER,
        ACKNOWLEDGEMENT_CHASE,
        CASE_CLOSED,
        ACKNOWLEDGEMENT_OVERDUE,
        HOME_VISIT_REQUEST,
        NOTICE_REMINDER,
        NOTICE_OVERDUE,
        CREMATION_REMINDER,
        DEREGISTRATION_OVERDUE,
        DOWNSTREAM_OVERDUE,
        REPORTING_REMINDER,
        REPORTING_OVERDUE,
        PROOF_COPY_ISSUED,
        DOCTOR_DISPATCH,
        CREMATION_BOOKING,
        DEREGISTRATION_FORWARD,
        MARKET_NOTICE,
        CASE_ACCEPTED,
    )
}

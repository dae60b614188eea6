"""Ninghai County (宁海县, Ningbo, Zhejiang; administrative code 330226): its townships.

Every case belongs to one of the 18 townships/subdistricts: the township's 3+X team (civil
affairs officer, household police officer, prevention doctor) and its health centre act on it.
"""

from __future__ import annotations

from enum import StrEnum

from domain.errors import DomainError

NINGHAI_REGION_CODE = "330226"


class Township(StrEnum):
    """The 18 townships (街道/镇/乡) of Ninghai; the value is the Chinese name."""

    YUELONG = "跃龙街道"
    TAOYUAN = "桃源街道"
    MEILIN = "梅林街道"
    QIAOTOUHU = "桥头胡街道"
    CHANGJIE = "长街镇"
    LIYANG = "力洋镇"
    YISHI = "一市镇"
    CHALU = "岔路镇"
    QIANTONG = "前童镇"
    SANGZHOU = "桑洲镇"
    HUANGTAN = "黄坛镇"
    DAJIAHE = "大佳何镇"
    QIANGJIAO = "强蛟镇"
    XIDIAN = "西店镇"
    SHENZHEN = "深甽镇"
    HUCHEN = "胡陈乡"
    CHAYUAN = "茶院乡"
    YUEXI = "越溪乡"

    @property
    def is_subdistrict(self) -> bool:
        """街道 (urban subdistrict) rather than 镇/乡 (town/township)."""
        return self.value.endswith("街道")


def parse_township(value: str) -> Township:
    """Accept the Chinese name (with or without the 街道/镇/乡 suffix) or the member name."""
    text = value.strip()
    for township in Township:
        if text in (township.value, township.name, township.name.lower()):
            return township
        if text and township.value.startswith(text) and len(text) >= 2:
            return township
    raise DomainError(
        "township.unknown",
        f"“{value}”不是宁海县的乡镇（街道）",
        f"'{value}' is not a township of Ninghai County",
    )

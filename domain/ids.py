"""Identity numbers: citizen ID (GB 11643-1999), unified social credit code (GB 32100-2015), others.

Every case is keyed on the deceased's identity, every certificate code derives from it, and the
monthly reconciliation cross-checks six units' tables by it, so a wrong check character must be
caught at intake, not in next month's reconciliation. Errors carry Chinese and English messages.

The generators exist for test data and the simulation: they make numbers that pass the checks but
use them only with synthetic names (see ``domain.fakes``), never with real people.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta

from domain.clock import today_in_shanghai
from domain.enums import IdType, Sex
from domain.errors import InvalidIdentifier

# ---------------------------------------------------------------------------------------------
# Citizen ID number, GB 11643-1999
# ---------------------------------------------------------------------------------------------

_CITIZEN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CITIZEN_CHECK = "10X98765432"  # remainder 0..10 -> check character
# First two digits of GB/T 2260 region codes; 81/82/83 are the residence permits of Hong Kong,
# Macao and Taiwan residents, which use the same number format.
_PROVINCE_CODES = (
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83"
)
_PROVINCES = frozenset(_PROVINCE_CODES.split())
EARLIEST_BIRTH_YEAR = 1880  # older birth dates are typing errors, not people
NINGHAI_REGION = "330226"


@dataclass(frozen=True, slots=True)
class CitizenId:
    """A checked citizen ID number and what it encodes."""

    number: str
    region: str
    birth_date: date
    sequence: int
    sex: Sex

    def __str__(self) -> str:
        return self.number


def citizen_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InvalidIdentifier(
            "citizen_id.format",
            "公民身份号码前17位必须是数字",
            "the first 17 characters of a citizen ID must be digits",
        )
    total = sum(int(c) * w for c, w in zip(first17, _CITIZEN_WEIGHTS, strict=True))
    return _CITIZEN_CHECK[total % 11]


def parse_citizen_id(value: str, *, today: date | None = None) -> CitizenId:
    """Check a citizen ID number and decode it; raise :class:`InvalidIdentifier` if it is wrong.

    Accepts surrounding spaces and a lower-case ``x``; the returned number is normalised
    (upper-case ``X``). ``today`` bounds the birth date (default: today in Asia/Shanghai).
    """
    number = value.strip().upper() if isinstance(value, str) else ""
    if len(number) == 15 and number.isascii() and number.isdigit():
        raise InvalidIdentifier(
            "citizen_id.legacy_15",
            "这是15位旧身份号码，请先升位为18位",
            "this is a legacy 15-digit ID number; convert it to 18 digits first",
        )
    if len(number) != 18:
        raise InvalidIdentifier(
            "citizen_id.length",
            f"公民身份号码应为18位，实际为{len(number)}位",
            f"a citizen ID must have 18 characters, got {len(number)}",
        )
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise InvalidIdentifier(
            "citizen_id.format",
            "公民身份号码前17位必须是数字，第18位为数字或X",
            "a citizen ID is 17 digits followed by a digit or X",
        )
    region = number[:6]
    if number[0] == "9":
        raise InvalidIdentifier(
            "citizen_id.foreigner",
            "以9开头的号码是外国人永久居留身份证号码，不是公民身份号码",
            "a number starting with 9 is a foreign permanent resident ID, not a citizen ID",
        )
    if region[:2] not in _PROVINCES:
        raise InvalidIdentifier(
            "citizen_id.region",
            f"公民身份号码地址码{region}无效",
            f"the region code {region} of the citizen ID is not valid",
        )
    birth = _birth_date(number[6:14], today or today_in_shanghai())
    expected = citizen_id_check_char(number[:17])
    if number[17] != expected:
        raise InvalidIdentifier(
            "citizen_id.check",
            "公民身份号码校验位错误",
            "citizen ID check character is wrong",
        )
    sequence = int(number[14:17])
    return CitizenId(
        number=number,
        region=region,
        birth_date=birth,
        sequence=sequence,
        sex=Sex.MALE if sequence % 2 else Sex.FEMALE,
    )


def _birth_date(text: str, today: date) -> date:
    try:
        birth = date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise InvalidIdentifier(
            "citizen_id.birth_date",
            f"公民身份号码中的出生日期{text}不是有效日期",
            f"the birth date {text} in the citizen ID is not a valid date",
        ) from None
    if birth > today:
        raise InvalidIdentifier(
            "citizen_id.birth_future",
            f"公民身份号码中的出生日期{text}晚于今天",
            f"the birth date {text} in the citizen ID is in the future",
        )
    if birth.year < EARLIEST_BIRTH_YEAR:
        raise InvalidIdentifier(
            "citizen_id.birth_past",
            f"公民身份号码中的出生日期{text}早于{EARLIEST_BIRTH_YEAR}年",
            f"the birth date {text} in the citizen ID is before {EARLIEST_BIRTH_YEAR}",
        )
    return birth


def is_valid_citizen_id(value: str, *, today: date | None = None) -> bool:
    try:
        parse_citizen_id(value, today=today)
    except InvalidIdentifier:
        return False
    return True


def upgrade_legacy_citizen_id(number15: str) -> str:
    """Convert a 15-digit ID number (issued before 1999, born 19xx) to its 18-character form."""
    if not re.fullmatch(r"\d{15}", number15.strip()):
        raise InvalidIdentifier(
            "citizen_id.legacy_format",
            "15位旧身份号码必须是15位数字",
            "a legacy ID number must be 15 digits",
        )
    first17 = number15.strip()[:6] + "19" + number15.strip()[6:]
    return first17 + citizen_id_check_char(first17)


def generate_citizen_id(
    rng: random.Random,
    region: str = NINGHAI_REGION,
    birth: date | None = None,
    sex: Sex | None = None,
) -> str:
    """A valid citizen ID for test data (birth 1925-2005 and random sex unless given)."""
    if not re.fullmatch(r"\d{6}", region) or region[:2] not in _PROVINCES:
        raise InvalidIdentifier(
            "citizen_id.region", f"地址码{region}无效", f"region code {region} is not valid"
        )
    if birth is None:
        start = date(1925, 1, 1)
        birth = start + timedelta(days=rng.randrange((date(2005, 12, 31) - start).days + 1))
    if sex is None or sex is Sex.UNKNOWN:
        sex = rng.choice((Sex.MALE, Sex.FEMALE))
    sequence = rng.randrange(0, 500) * 2 + (1 if sex is Sex.MALE else 0)
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + citizen_id_check_char(first17)


# ---------------------------------------------------------------------------------------------
# Unified social credit code, GB 32100-2015
# ---------------------------------------------------------------------------------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Registration authorities (position 1): 1 机构编制, 2 外交, 3 司法行政, 4 文化, 5 民政, 6 旅游,
# 7 宗教, 8 工会, 9 市场监管(工商), A 中央军委改革和编制办公室, N 农业, Y 其他.
_USCC_AUTHORITIES = frozenset("123456789ANY")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code, positions 9-17


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015 check character (MOD 31) of the first 17 characters."""
    try:
        total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    except (ValueError, TypeError):
        raise InvalidIdentifier(
            "uscc.format",
            "统一社会信用代码含有非法字符（不得含I、O、Z、S、V）",
            "the unified social credit code has an illegal character (I, O, Z, S, V not allowed)",
        ) from None
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> str:
    """Check a unified social credit code and return it normalised (upper case)."""
    code = value.strip().upper() if isinstance(value, str) else ""
    if len(code) != 18:
        raise InvalidIdentifier(
            "uscc.length",
            f"统一社会信用代码应为18位，实际为{len(code)}位",
            f"a unified social credit code must have 18 characters, got {len(code)}",
        )
    bad = sorted({c for c in code if c not in USCC_CHARSET})
    if bad:
        raise InvalidIdentifier(
            "uscc.charset",
            f"统一社会信用代码含有非法字符：{''.join(bad)}（不得含I、O、Z、S、V）",
            f"the unified social credit code has illegal characters: {''.join(bad)} "
            "(I, O, Z, S, V are not allowed)",
        )
    if code[0] not in _USCC_AUTHORITIES:
        raise InvalidIdentifier(
            "uscc.authority",
            f"统一社会信用代码的登记管理部门码{code[0]}无效",
            f"registration authority code {code[0]} of the unified social credit code is invalid",
        )
    if not code[2:8].isdigit():
        raise InvalidIdentifier(
            "uscc.region",
            "统一社会信用代码第3至8位应为行政区划码",
            "positions 3-8 of the unified social credit code must be a region code",
        )
    if code[17] != uscc_check_char(code[:17]):
        raise InvalidIdentifier(
            "uscc.check",
            "统一社会信用代码校验位错误",
            "unified social credit code check character is wrong",
        )
    return code


def is_valid_uscc(value: str) -> bool:
    try:
        validate_uscc(value)
    except InvalidIdentifier:
        return False
    return True


def _org_code_check_char(first8: str) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    total = sum(digits.index(c) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def generate_uscc(
    rng: random.Random, region: str = NINGHAI_REGION, authority: str = "1", category: str = "2"
) -> str:
    """A valid code for test data; default ``12…`` = a public institution such as a health centre.

    Positions 9-17 are a GB 11714 organisation code with its own check character; the validator
    does not insist on that inner check (not all issued codes are guaranteed to carry one), the
    generator always produces it.
    """
    org8 = "".join(rng.choice("0123456789") for _ in range(8))
    org = org8 + _org_code_check_char(org8)
    if org[-1] == "X":  # X is a valid GB 11714 check char but not in the USCC charset
        org = org8[:-1] + "0"
        org += _org_code_check_char(org)
        if org[-1] == "X":
            return generate_uscc(rng, region, authority, category)
    first17 = f"{authority}{category}{region}{org}"
    return first17 + uscc_check_char(first17)


# ---------------------------------------------------------------------------------------------
# Other legal identity documents (minimal syntax checks) and the identity key
# ---------------------------------------------------------------------------------------------

_OTHER_ID_PATTERNS: dict[IdType, tuple[re.Pattern[str], str, str]] = {
    IdType.PASSPORT: (
        re.compile(r"[A-Z0-9]{5,17}"),
        "护照号码应为5至17位字母或数字",
        "a passport number has 5-17 letters or digits",
    ),
    IdType.HK_MACAO_PERMIT: (
        re.compile(r"[HM]\d{8}(\d{2})?"),
        "港澳居民来往内地通行证号码应为H或M加8位（或10位）数字",
        "a Hong Kong/Macao permit number is H or M followed by 8 (or 10) digits",
    ),
    IdType.TAIWAN_PERMIT: (
        re.compile(r"\d{8}(\d{2})?"),
        "台湾居民来往大陆通行证号码应为8位（或10位）数字",
        "a Taiwan permit number has 8 (or 10) digits",
    ),
    IdType.FOREIGN_PERMANENT_RESIDENT: (
        re.compile(r"[A-Z]{3}\d{12}|9\d{16}[\dX]"),
        "外国人永久居留身份证号码应为15位（3字母+12数字）或以9开头的18位",
        "a foreign permanent resident ID is 3 letters + 12 digits, "
        "or 18 characters starting with 9",
    ),
    IdType.OTHER: (
        re.compile(r"[A-Z0-9\-]{4,30}"),
        "其他证件号码应为4至30位字母、数字或连字符",
        "another ID number has 4-30 letters, digits or hyphens",
    ),
}


def normalize_id_number(id_type: IdType, number: str | None) -> str | None:
    """Validate an identity number for its type; returns the normalised number (None for NONE)."""
    if id_type is IdType.NONE:
        if number not in (None, "", "无"):
            raise InvalidIdentifier(
                "id.none_with_number",
                "证件类型为“无”时不能填写证件号码",
                "an ID number was given although the ID type is 'none'",
            )
        return None
    text = (number or "").strip().upper().replace(" ", "")
    if not text:
        raise InvalidIdentifier(
            "id.missing", "缺少证件号码", f"the {id_type.value} number is missing"
        )
    if id_type is IdType.CITIZEN_ID:
        return parse_citizen_id(text).number
    pattern, zh, en = _OTHER_ID_PATTERNS[id_type]
    if not pattern.fullmatch(text):
        raise InvalidIdentifier(f"{id_type.value}.format", zh, en)
    if (
        id_type is IdType.FOREIGN_PERMANENT_RESIDENT
        and len(text) == 18
        and text[17] != citizen_id_check_char(text[:17])
    ):
        raise InvalidIdentifier(
            "foreign_permanent_resident.check",
            "外国人永久居留身份证号码校验位错误",
            "foreign permanent resident ID check character is wrong",
        )
    return text


def identity_key(id_type: IdType, number: str | None) -> str | None:
    """The key one deceased is known by across reports, units and months; None without an ID.

    ``citizen_id:330226…`` etc. The ID type is part of the key because a passport number and a
    permit number may coincide.
    """
    if id_type is IdType.NONE or not number:
        return None
    return f"{id_type.value}:{number}"

"""Citizen ID (GB 11643-1999), unified social credit code (GB 32100-2015), other IDs."""

from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.enums import IdType, Sex
from domain.errors import InvalidIdentifier
from domain.ids import (
    USCC_CHARSET,
    citizen_id_check_char,
    generate_citizen_id,
    generate_uscc,
    identity_key,
    is_valid_citizen_id,
    is_valid_uscc,
    normalize_id_number,
    parse_citizen_id,
    upgrade_legacy_citizen_id,
    uscc_check_char,
    validate_uscc,
)

# The example of GB 11643-1999 itself (its check character is X).
STANDARD_EXAMPLE = "11010519491231002X"


def test_standard_example_parses_with_check_x() -> None:
    parsed = parse_citizen_id(STANDARD_EXAMPLE)
    assert parsed.region == "110105"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sequence == 2
    assert parsed.sex is Sex.FEMALE  # even sequence


def test_check_char_computed_by_hand() -> None:
    # weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 over 11010519491231002 sum to 167;
    # 167 mod 11 = 2 → "X"
    assert citizen_id_check_char("11010519491231002") == "X"
    assert citizen_id_check_char("33022619400301607") == "5"  # 1940-03-01, male


def test_lower_case_x_and_spaces_are_normalised() -> None:
    assert parse_citizen_id("  11010519491231002x ").number == STANDARD_EXAMPLE


def test_odd_sequence_is_male() -> None:
    number = "33022619400301607" + citizen_id_check_char("33022619400301607")
    assert parse_citizen_id(number).sex is Sex.MALE


@pytest.mark.parametrize(
    ("number", "code", "zh"),
    [
        ("110105194912310021", "citizen_id.check", "校验位错误"),
        ("11010519491231002", "citizen_id.length", "应为18位"),
        ("1101051949123100211", "citizen_id.length", "应为18位"),
        ("11010519491231002Y", "citizen_id.format", "第18位为数字或X"),
        ("1101051949A231002X", "citizen_id.format", "前17位必须是数字"),
        ("110105194902300021", "citizen_id.birth_date", "不是有效日期"),
        ("110105194913010021", "citizen_id.birth_date", "不是有效日期"),
        ("990105194912310021", "citizen_id.foreigner", "外国人永久居留"),
        ("000105194912310021", "citizen_id.region", "地址码"),
        ("110105187912310021", "citizen_id.birth_past", "早于1880"),
        ("110105491231002", "citizen_id.legacy_15", "15位"),
    ],
)
def test_invalid_citizen_ids_have_bilingual_errors(number: str, code: str, zh: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_citizen_id(number)
    assert info.value.code == code
    assert zh in info.value.zh
    assert " / " in str(info.value) and info.value.en


def test_check_error_message_is_exact() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        parse_citizen_id("110105194912310021")
    assert str(info.value) == "公民身份号码校验位错误 / citizen ID check character is wrong"


def test_birth_date_in_the_future_is_rejected() -> None:
    number17 = "33022620301231001"
    number = number17 + citizen_id_check_char(number17)
    with pytest.raises(InvalidIdentifier) as info:
        parse_citizen_id(number, today=date(2026, 11, 29))
    assert info.value.code == "citizen_id.birth_future"
    # the same number is fine once the birth date has passed
    assert parse_citizen_id(number, today=date(2031, 1, 1)).birth_date == date(2030, 12, 31)


def test_born_today_is_accepted() -> None:
    number17 = "33022620261129002"
    number = number17 + citizen_id_check_char(number17)
    assert parse_citizen_id(number, today=date(2026, 11, 29)).sex is Sex.FEMALE


def test_upgrade_legacy_id() -> None:
    assert upgrade_legacy_citizen_id("110105491231002") == STANDARD_EXAMPLE


@given(st.integers(min_value=0, max_value=2**32), st.sampled_from([Sex.MALE, Sex.FEMALE]))
def test_generated_citizen_ids_are_valid_and_carry_sex(seed: int, sex: Sex) -> None:
    rng = random.Random(seed)
    number = generate_citizen_id(rng, sex=sex)
    parsed = parse_citizen_id(number)
    assert parsed.region == "330226"
    assert parsed.sex is sex


@given(st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=16))
def test_changing_any_digit_breaks_the_check(seed: int, position: int) -> None:
    number = generate_citizen_id(random.Random(seed), birth=date(1950, 6, 15))
    digit = number[position]
    changed = number[:position] + str((int(digit) + 1) % 10) + number[position + 1 :]
    assert not is_valid_citizen_id(changed)


def test_generator_respects_region_and_birth() -> None:
    number = generate_citizen_id(random.Random(1), region="110105", birth=date(1930, 2, 28))
    assert number.startswith("11010519300228")
    with pytest.raises(InvalidIdentifier):
        generate_citizen_id(random.Random(1), region="99999")


# --- unified social credit code ---------------------------------------------------------------


# A published example of GB 32100-2015 style codes (computed check character).
def test_uscc_check_char_by_hand() -> None:
    first17 = "91350100M000100Y4"
    # sum of value × weight mod 31, check = 31 - r
    total = sum(
        USCC_CHARSET.index(c) * w
        for c, w in zip(
            first17, (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28), strict=True
        )
    )
    assert uscc_check_char(first17) == USCC_CHARSET[(31 - total % 31) % 31]
    assert validate_uscc(first17 + "3") == "91350100M000100Y43"


@given(st.integers(min_value=0, max_value=2**32))
def test_generated_uscc_are_valid(seed: int) -> None:
    code = generate_uscc(random.Random(seed))
    assert is_valid_uscc(code)
    assert code.startswith("12330226")
    broken = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert not is_valid_uscc(broken)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y4", "uscc.length"),
        ("91350100M000100YO3", "uscc.charset"),  # O is not allowed
        ("91350100I000100Y43", "uscc.charset"),  # I is not allowed
        ("B1350100M000100Y43", "uscc.authority"),
        ("9135010AM000100Y43", "uscc.region"),
        ("91350100M000100Y44", "uscc.check"),
    ],
)
def test_invalid_uscc(code: str, error: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        validate_uscc(code)
    assert info.value.code == error


def test_uscc_lower_case_is_normalised() -> None:
    assert validate_uscc(" 91350100m000100y43 ") == "91350100M000100Y43"


def test_uscc_error_names_the_bad_characters() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        validate_uscc("91350100M000100ZS3")
    assert "SZ" in info.value.zh and "SZ" in info.value.en


# --- other IDs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("id_type", "number", "normalised"),
    [
        (IdType.PASSPORT, "e12345678", "E12345678"),
        (IdType.HK_MACAO_PERMIT, "H12345678", "H12345678"),
        (IdType.TAIWAN_PERMIT, "12345678", "12345678"),
        (IdType.FOREIGN_PERMANENT_RESIDENT, "USA330226123456", "USA330226123456"),
        (IdType.OTHER, "JG-2019-0001", "JG-2019-0001"),
        (IdType.CITIZEN_ID, "11010519491231002x", STANDARD_EXAMPLE),
    ],
)
def test_other_ids_normalise(id_type: IdType, number: str, normalised: str) -> None:
    assert normalize_id_number(id_type, number) == normalised


@pytest.mark.parametrize(
    ("id_type", "number", "code"),
    [
        (IdType.PASSPORT, "E12", "passport.format"),
        (IdType.HK_MACAO_PERMIT, "X12345678", "hk_macao_permit.format"),
        (IdType.TAIWAN_PERMIT, "1234", "taiwan_permit.format"),
        (IdType.PASSPORT, "", "id.missing"),
        (IdType.NONE, "E12345678", "id.none_with_number"),
    ],
)
def test_other_ids_rejected(id_type: IdType, number: str, code: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        normalize_id_number(id_type, number)
    assert info.value.code == code


def test_new_foreign_permanent_resident_id_uses_mod_11_2() -> None:
    first17 = "93384019800101001"
    good = first17 + citizen_id_check_char(first17)
    assert normalize_id_number(IdType.FOREIGN_PERMANENT_RESIDENT, good) == good
    bad = first17 + ("0" if good[-1] != "0" else "1")
    with pytest.raises(InvalidIdentifier):
        normalize_id_number(IdType.FOREIGN_PERMANENT_RESIDENT, bad)


def test_identity_key_includes_type() -> None:
    assert identity_key(IdType.CITIZEN_ID, STANDARD_EXAMPLE) == f"citizen_id:{STANDARD_EXAMPLE}"
    assert identity_key(IdType.PASSPORT, "12345678") != identity_key(
        IdType.TAIWAN_PERMIT, "12345678"
    )
    assert identity_key(IdType.NONE, None) is None
    assert normalize_id_number(IdType.NONE, "无") is None

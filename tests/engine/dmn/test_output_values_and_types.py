"""The two small rule books the evaluator leans on: ``outputValues`` literals (priority order)
and the decision variable's ``typeRef`` check."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from engine.dmn.output_values import parse_value_list, priority
from engine.dmn.type_refs import type_mismatch
from engine.feel import YearsMonthsDuration, evaluate


def test_value_lists_keep_order_and_literal_types() -> None:
    assert list(parse_value_list('"high", "medium","low"')) == ["high", "medium", "low"]
    assert list(parse_value_list("1, 2.5, -3")) == [Decimal(1), Decimal("2.5"), Decimal(-3)]
    assert list(parse_value_list('true, "a, b", "say \\"hi\\""')) == [True, "a, b", 'say "hi"']


def test_a_value_list_with_a_bare_word_is_refused() -> None:
    with pytest.raises(ValueError, match="'medium' is neither a quoted string"):
        list(parse_value_list('"high", medium'))


def test_priority_matches_feel_values_by_type() -> None:
    numbers = (Decimal(1), Decimal("2.5"))
    assert priority(numbers, 1) == 0
    assert priority(numbers, Decimal("2.50")) == 1
    assert priority(numbers, "1") == 2  # a string is not the number 1
    assert priority((Decimal(1),), True) == 1  # nor is true
    assert priority(("low", "high"), "high") == 1
    assert priority(("low", "high"), None) == 2


@pytest.mark.parametrize(
    ("type_ref", "value"),
    [
        ("string", "x"),
        ("feel:string", "x"),
        ("number", 3),
        ("number", Decimal("0.1")),
        ("boolean", False),
        ("date", dt.date(2026, 11, 29)),
        ("dateTime", dt.datetime(2026, 11, 29, 8, 0)),
        ("time", dt.time(8, 0)),
        ("dayTimeDuration", dt.timedelta(hours=72)),
        ("yearMonthDuration", evaluate('duration("P1M")')),
        ("number", None),  # null is of every type
        ("context", {"a": 1}),  # not a type dmn-scala checks
        ("tDepartment", "police"),  # an item definition: not checked either
    ],
)
def test_values_of_the_declared_type_pass(type_ref: str, value: object) -> None:
    assert type_mismatch(type_ref, value) is None


@pytest.mark.parametrize(
    ("type_ref", "value", "shown"),
    [
        ("number", "3", '"3"'),
        ("number", True, "true"),
        ("boolean", 1, "1"),
        ("date", dt.datetime(2026, 11, 29, 8, 0), '"2026-11-29T08:00:00"'),
        ("string", ["a"], '["a"]'),
    ],
)
def test_values_of_another_type_fail_with_the_value_shown(
    type_ref: str, value: object, shown: str
) -> None:
    assert type_mismatch(type_ref, value) == (
        f"expected the result to be of type '{type_ref}', but found {shown}"
    )


def test_feel_years_months_duration_is_what_feel_returns() -> None:
    assert isinstance(evaluate('duration("P1Y2M")'), YearsMonthsDuration)

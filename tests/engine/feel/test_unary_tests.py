"""FEEL docs, chapter "Unary tests" (DMN input entries): ``-``, lists of values, comparisons,
intervals, ``not(...)`` and expressions with ``?``."""

from __future__ import annotations

import datetime as dt

import pytest

from engine import feel


@pytest.mark.parametrize(
    ("tests", "value", "expected"),
    [
        ("-", 5, True),
        ("-", None, True),
        ("", "x", True),
        ("5", 5, True),
        ("5", 6, False),
        ('"gold"', "gold", True),
        ('"gold", "silver"', "silver", True),
        ('"gold", "silver"', "bronze", False),
        ("< 10", 5, True),
        ("< 10", 10, False),
        ("<= 10", 10, True),
        ("> 10", 11, True),
        (">= 10", 9, False),
        ("[1..10]", 1, True),
        ("[1..10]", 10, True),
        ("(1..10)", 1, False),
        ("(1..10)", 10, False),
        ("]1..10[", 5, True),
        ("[1..10]", 11, False),
        ("< 5, > 10", 12, True),
        ("< 5, > 10", 7, False),
        ("not(5)", 5, False),
        ("not(5)", 6, True),
        ('not("a", "b")', "c", True),
        ("not(< 10)", 20, True),
        ("not([1..3])", 2, False),
        ("? > 5", 6, True),
        ("? > 5 and ? < 10", 7, True),
        ("odd(?)", 3, True),
        ('starts with(?, "Z")', "Zhengzhou", True),
        ("count(?) > 1", [1, 2], True),
        ("null", None, True),
        ("null", 1, False),
        ("true", True, True),
        ("true", False, False),
        ("false", False, True),
        ("[1, 2, 3]", 2, True),
        ("[1, 2, 3]", 4, False),
        ("x", 5, True),
        ("< x", 4, True),
        ("[x..y]", 6, True),
        ('< date("2020-01-01")', dt.date(2019, 12, 31), True),
        ('[date("2020-01-01")..date("2020-12-31")]', dt.date(2020, 6, 1), True),
        ('< duration("P1D")', dt.timedelta(hours=5), True),
        ("< 10", "a", False),  # not comparable: no match
        ("[1..10]", None, False),
        ("5", 5.0, True),
    ],
)
def test_unary_tests(tests: str, value: object, expected: bool) -> None:
    assert feel.evaluate_unary_tests(tests, value, {"x": 5, "y": 10}) is expected


def test_three_valued_form_and_compiled_reuse() -> None:
    compiled = feel.compile_unary_tests("< 10")
    assert compiled is feel.compile_unary_tests("< 10")
    assert compiled.test(5) is True
    assert compiled.test("a") is None
    assert compiled.evaluate("a") is False


def test_unary_syntax_error_has_position() -> None:
    with pytest.raises(feel.FeelSyntaxError) as err:
        feel.compile_unary_tests("< < 3")
    assert err.value.position == 2

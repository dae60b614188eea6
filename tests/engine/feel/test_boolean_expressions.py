"""FEEL docs, chapter "Boolean expressions": comparison, between, in, and/or, not."""

from __future__ import annotations

import pytest

from .helpers import check

V = {
    "x": 5,
    "name": "Ada",
    "flag": True,
    "nothing": None,
    "price": 9.99,
    "order": {"total": 150, "status": "ok"},
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 = 1", True),
        ("1 = 1.0", True),
        ("1 != 2", True),
        ('"a" = "a"', True),
        ('"a" != "a"', False),
        ("x < 10", True),
        ("x <= 5", True),
        ("x > 5", False),
        ("x >= 5", True),
        ('"a" < "b"', True),
        ('"B" < "a"', True),
        ('@"2020-01-01" < @"2020-01-02"', True),
        ('@"P1D" > @"PT23H"', True),
        ('@"P1Y" > @"P11M"', True),
        ('@"10:00:00" < @"11:00:00"', True),
        ("null = null", True),
        ("null = 1", False),
        ("1 = null", False),
        ("nothing = null", True),
        ("missing = null", True),
        ("null != 1", True),
        ('1 = "1"', None),
        ('1 < "1"', None),
        ("true < false", None),
        ("null < 1", None),
        ("[1, 2] = [1, 2]", True),
        ("[1, 2] = [2, 1]", False),
        ("{a: 1} = {a: 1}", True),
        ("{a: 1} = {a: 2}", False),
        ("{a: 1} = {b: 1}", False),
        ("true = true", True),
        ("price = 9.99", True),
        ("price > 9.98", True),
        ('order.total > 100 and order.status = "ok"', True),
    ],
)
def test_comparison(expression: str, expected: object) -> None:
    check(expression, expected, V)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("x between 1 and 10", True),
        ("x between 5 and 5", True),
        ("x between 6 and 10", False),
        ('"b" between "a" and "c"', True),
        ('@"2020-06-01" between @"2020-01-01" and @"2020-12-31"', True),
        ("null between 1 and 2", None),
    ],
)
def test_between(expression: str, expected: object) -> None:
    check(expression, expected, V)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("x in [1, 5, 7]", True),
        ("x in [1, 2]", False),
        ("x in (1, 5)", True),
        ("x in (4, 6)", False),
        ("x in [1..10]", True),
        ("x in (5..10]", False),
        ("x in [1..5)", False),
        ("x in < 10", True),
        ("x in > 10", False),
        ("x in (< 3, > 4)", True),
        ("x in 5", True),
        ('name in ("Ada", "Bob")', True),
        ('name in ["Bob"]', False),
        ("5 in ? < 10", True),
        ("5 in ? < 3", False),
        ("[1,2] in [[1,2], [3]]", True),
        ("x in [1..10] and x > 2", True),
    ],
)
def test_in(expression: str, expected: object) -> None:
    check(expression, expected, V)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("true and true", True),
        ("true and false", False),
        ("true and null", None),
        ("false and null", False),
        ("null and false", False),
        ('true and "yes"', None),
        ('false and "yes"', False),
        ("true or false", True),
        ("false or false", False),
        ("null or true", True),
        ("false or null", None),
        ('"yes" or true', True),
        ('false or "yes"', None),
        ("true and true and true and false", False),
        ("false or false or false or true", True),
        ("flag and x > 3", True),
        ("not(true)", False),
        ("not(false)", True),
        ("not(null)", None),
        ('not("a")', None),
        ("not(x > 3)", False),
        ("not(missing)", None),
        ("x > 3 and (flag or missing)", True),
    ],
)
def test_logic(expression: str, expected: object) -> None:
    check(expression, expected, V)

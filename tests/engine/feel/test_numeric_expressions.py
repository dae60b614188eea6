"""FEEL docs, chapter "Numeric expressions": exact decimal arithmetic."""

from __future__ import annotations

import pytest

from .helpers import D, check


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 + 1", 2),
        ("0.1 + 0.2", D("0.3")),
        ("0.1 + 0.2 = 0.3", True),
        ("5 - 3", 2),
        ("3 - 5", -2),
        ("2 * 3", 6),
        ("1.5 * 2", 3),
        ("10 / 4", D("2.5")),
        ("6 / 3", 2),
        ("1 / 3", D("0.3333333333333333333333333333333333")),
        ("2 / 3", D("0.6666666666666666666666666666666667")),
        ("1 / 0", None),
        ("0 / 0", None),
        ("2 ** 3", 8),
        ("2 ** -1", D("0.5")),
        ("4 ** 0.5", 2),
        ("-2 ** 2", 4),
        ("(-2) ** 3", -8),
        ("-x", -5),
        ("- -5", 5),
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 2 - 3", 5),
        ("2 * 3 / 4", D("1.5")),
        ("100 / 10 / 2", 5),
        ("1 + x", 6),
        ("1 + missing", None),
        ('1 + "a"', None),
        ("1 + null", None),
        ("-null", None),
        ('-"a"', None),
        ("price * 3", D("29.97")),
        ("1.1 * 3", D("3.3")),
        ("99999999999999999999 + 1", 100000000000000000000),
        ("10 ** 40 = 10 ** 40", True),
        ("3.000 * 2", 6),
    ],
)
def test_arithmetic(expression: str, expected: object) -> None:
    check(expression, expected, {"x": 5, "price": 9.99})


def test_float_inputs_are_exact_decimals() -> None:
    check("a + b", D("0.3"), {"a": 0.1, "b": 0.2})
    check("a * 100", 1999, {"a": 19.99})
    check("a", D("1.5"), {"a": 1.5})

"""Shared helpers: compare FEEL results strictly (type and value), so that ``1`` is not
accepted for ``1.5`` and ``True`` is not accepted for ``1``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from engine import feel

D = Decimal
NOW = dt.datetime(2024, 3, 15, 10, 30, 0, tzinfo=dt.UTC)


def same(actual: Any, expected: Any) -> bool:
    if type(expected) is float:
        expected = Decimal(repr(expected))
    if isinstance(expected, (list, tuple)):
        return (
            type(actual) is list
            and len(actual) == len(expected)
            and all(same(a, e) for a, e in zip(actual, expected, strict=True))
        )
    if isinstance(expected, dict):
        return (
            type(actual) is dict
            and actual.keys() == expected.keys()
            and all(same(actual[k], expected[k]) for k in expected)
        )
    if type(expected) is Decimal:
        return type(actual) is Decimal and actual == expected
    if type(expected) is int:
        return type(actual) is int and actual == expected
    if type(expected) is dt.datetime and expected.tzinfo is not None:
        return (
            type(actual) is dt.datetime
            and actual == expected
            and actual.utcoffset() == expected.utcoffset()
        )
    return type(actual) is type(expected) and actual == expected


def check(expression: str, expected: Any, variables: dict[str, Any] | None = None) -> None:
    actual = feel.evaluate(expression, variables, now=NOW)
    assert same(actual, expected), f"{expression!r}: expected {expected!r}, got {actual!r}"

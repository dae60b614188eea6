"""FEEL docs, chapter "Data types": literals and how values come back to Python."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.feel import FeelRange, YearsMonthsDuration

from .helpers import D, check

UTC = dt.UTC


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("null", None),
        ("1", 1),
        ("0.5", D("0.5")),
        ("-2", -2),
        (".5", D("0.5")),
        ("1.0", 1),  # integral decimals come back as int
        ("12345678901234567890", 12345678901234567890),
        ('"valid"', "valid"),
        ('"a\\"b"', 'a"b'),
        ('"line\\nbreak"', "line\nbreak"),
        ('"tab\\tstop"', "tab\tstop"),
        ('"\\d+"', "\\d+"),  # unknown escapes stay for regular expressions
        ('"\\u00e4"', "ä"),
        ('"郑州"', "郑州"),
        ("true", True),
        ("false", False),
        ("[]", []),
        ("[1, 2, 3]", [1, 2, 3]),
        ('["a", 1, true, null]', ["a", 1, True, None]),
        ("[[1, 2], [3]]", [[1, 2], [3]]),
        ("{}", {}),
        ('{a: 1, b: "x"}', {"a": 1, "b": "x"}),
        ('{"a b": 1}', {"a b": 1}),
        ("{first name: 1}", {"first name": 1}),
        ("{a+b: 1}", {"a+b": 1}),
        ("{a: {b: {c: 1}}}", {"a": {"b": {"c": 1}}}),
        ("{a: 1, b: a + 1}", {"a": 1, "b": 2}),
        ("{`a-b`: 2}", {"a-b": 2}),
    ],
)
def test_literals(expression: str, expected: object) -> None:
    check(expression, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('@"2019-03-31"', dt.date(2019, 3, 31)),
        ('date("2019-03-31")', dt.date(2019, 3, 31)),
        ('@"10:30:00"', dt.time(10, 30)),
        ('time("10:30:00.5")', dt.time(10, 30, 0, 500000)),
        ('@"10:30:00+01:00"', dt.time(10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))),
        ('@"10:30:00Z"', dt.time(10, 30, tzinfo=UTC)),
        ('@"2019-03-31T10:30:00"', dt.datetime(2019, 3, 31, 10, 30)),
        ('@"2019-03-31T10:30:00Z"', dt.datetime(2019, 3, 31, 10, 30, tzinfo=UTC)),
        (
            '@"2019-03-31T10:30:00-05:00"',
            dt.datetime(2019, 3, 31, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        ),
        ('date and time("2019-03-31")', dt.datetime(2019, 3, 31)),
        ('@"P1D"', dt.timedelta(days=1)),
        ('@"PT2H30M"', dt.timedelta(hours=2, minutes=30)),
        ('@"P1DT2H3M4S"', dt.timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ('@"-PT5M"', -dt.timedelta(minutes=5)),
        ('@"PT1.5S"', dt.timedelta(seconds=1, microseconds=500000)),
        ('duration("P2Y")', YearsMonthsDuration(2, 0)),
        ('@"P1Y2M"', YearsMonthsDuration(1, 2)),
        ('@"P14M"', YearsMonthsDuration(1, 2)),
        ('@"not a date"', None),
        ('date("2019-02-30")', None),
    ],
)
def test_temporal_literals(expression: str, expected: object) -> None:
    check(expression, expected)


def test_zoned_date_time_keeps_its_zone() -> None:
    from engine.feel import evaluate

    value = evaluate('@"2019-03-31T10:30:00@Europe/Berlin"')
    assert value.tzinfo is not None and str(value.tzinfo) == "Europe/Berlin"
    assert value.utcoffset() == dt.timedelta(hours=2)  # summer time on that day


def test_years_months_duration_isoformat() -> None:
    assert YearsMonthsDuration(1, 2).isoformat() == "P1Y2M"
    assert YearsMonthsDuration(0, -3).isoformat() == "-P3M"
    assert YearsMonthsDuration(0, 0).isoformat() == "P0Y"
    assert YearsMonthsDuration(2, 0).isoformat() == "P2Y"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("[1..10]", FeelRange(1, 10, True, True)),
        ("(1..10)", FeelRange(1, 10, False, False)),
        ("[1..10)", FeelRange(1, 10, True, False)),
        ('range("(1..10]")', FeelRange(1, 10, False, True)),
    ],
)
def test_range_values(expression: str, expected: FeelRange) -> None:
    check(expression, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 instance of number", True),
        ('"a" instance of string', True),
        ("true instance of boolean", True),
        ('@"2020-01-01" instance of date', True),
        ('@"10:00:00" instance of time', True),
        ('@"2020-01-01T10:00:00" instance of date and time', True),
        ('@"P1D" instance of days and time duration', True),
        ('@"P1Y" instance of years and months duration', True),
        ("[1] instance of list", True),
        ("{} instance of context", True),
        ("(function(x) x) instance of function", True),
        ("1 instance of string", False),
        ("null instance of number", False),
        ("1 instance of Any", True),
        ("null instance of Any", False),
        ("[1..2] instance of range", True),
    ],
)
def test_instance_of(expression: str, expected: object) -> None:
    check(expression, expected)

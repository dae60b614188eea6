"""FEEL docs, chapter "Temporal expressions": arithmetic, comparison and properties of
dates, times, date-times and durations (expected values from the Camunda FEEL docs)."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.feel import YearsMonthsDuration as YM

from .helpers import check

UTC = dt.UTC
PLUS1 = dt.timezone(dt.timedelta(hours=1))


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('date("2020-04-06") + duration("P1D")', dt.date(2020, 4, 7)),
        ('date("2020-04-06") - duration("P5D")', dt.date(2020, 4, 1)),
        ('date("2020-01-31") + duration("P1M")', dt.date(2020, 2, 29)),
        ('date("2020-04-06") + duration("P1Y2M")', dt.date(2021, 6, 6)),
        ('date("2020-04-06") - date("2020-04-01")', dt.timedelta(days=5)),
        ('date("2020-04-01") - date("2020-04-06")', dt.timedelta(days=-5)),
        ('duration("P1D") + date("2020-04-06")', dt.date(2020, 4, 7)),
        ('date and time("2020-04-06T08:00:00") + duration("PT2H")', dt.datetime(2020, 4, 6, 10)),
        ('date and time("2020-04-06T08:00:00") - duration("P1Y")', dt.datetime(2019, 4, 6, 8)),
        (
            'date and time("2020-04-06T08:00:00") - date and time("2020-04-05T06:00:00")',
            dt.timedelta(days=1, hours=2),
        ),
        (
            'date and time("2020-04-06T08:00:00Z") - date and time("2020-04-06T08:00:00+01:00")',
            dt.timedelta(hours=1),
        ),
        ('date and time("2020-04-06T08:00:00") - date and time("2020-04-06T08:00:00Z")', None),
        (
            'date and time("2021-03-28T01:30:00@Europe/Berlin") + duration("PT1H")',
            dt.datetime(
                2021, 3, 28, 3, 30, tzinfo=__import__("zoneinfo").ZoneInfo("Europe/Berlin")
            ),
        ),
        ('time("10:00:00") + duration("PT3H")', dt.time(13, 0)),
        ('time("23:00:00") + duration("PT2H")', dt.time(1, 0)),
        ('time("10:00:00") - time("08:30:00")', dt.timedelta(hours=1, minutes=30)),
        ('time("10:00:00+01:00") + duration("PT1H")', dt.time(11, 0, tzinfo=PLUS1)),
        ('duration("P1D") + duration("PT6H")', dt.timedelta(days=1, hours=6)),
        ('duration("P1D") - duration("PT6H")', dt.timedelta(hours=18)),
        ('duration("PT2H") * 3', dt.timedelta(hours=6)),
        ('duration("PT6H") / 2', dt.timedelta(hours=3)),
        ('duration("P1D") / duration("PT6H")', 4),
        ('duration("P1Y") + duration("P2M")', YM(1, 2)),
        ('duration("P1Y") - duration("P2M")', YM(0, 10)),
        ('duration("P1Y") * 2', YM(2, 0)),
        ('duration("P2Y") / 4', YM(0, 6)),
        ('duration("P1Y") / duration("P1M")', 12),
        ('date("2020-01-01") + 1', None),
        ('duration("P1D") + duration("P1Y")', None),
        ('date("2020-01-01") = date("2020-01-01")', True),
        ('date("2020-01-01") < date("2020-01-02")', True),
        (
            'date and time("2020-01-01T10:00:00+01:00") = date and time("2020-01-01T09:00:00Z")',
            False,
        ),
        (
            'date and time("2020-01-01T10:00:00+01:00") < date and time("2020-01-01T09:30:00Z")',
            True,
        ),
        ('time("10:00:00+01:00") < time("10:00:00Z")', True),
        ('duration("PT24H") = duration("P1D")', True),
        ('duration("P12M") = duration("P1Y")', True),
        ('date("2020-01-01") < date and time("2020-01-01T10:00:00")', None),
    ],
)
def test_temporal_arithmetic_and_comparison(expression: str, expected: object) -> None:
    check(expression, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('date("2024-03-15").year', 2024),
        ('date("2024-03-15").month', 3),
        ('date("2024-03-15").day', 15),
        ('date("2024-03-15").weekday', 5),
        ('date and time("2024-03-15T10:20:30").hour', 10),
        ('date and time("2024-03-15T10:20:30").minute', 20),
        ('date and time("2024-03-15T10:20:30").second', 30),
        ('date and time("2024-03-15T10:20:30").weekday', 5),
        ('date and time("2024-03-15T10:20:30+01:00").time offset', dt.timedelta(hours=1)),
        ('date and time("2024-03-15T10:20:30@Europe/Paris").timezone', "Europe/Paris"),
        ('date and time("2024-03-15T10:20:30").timezone', None),
        ('time("10:20:30").hour', 10),
        ('time("10:20:30+02:00").time offset', dt.timedelta(hours=2)),
        ('duration("P1DT2H3M4S").days', 1),
        ('duration("P1DT2H3M4S").hours', 2),
        ('duration("P1DT2H3M4S").minutes', 3),
        ('duration("P1DT2H3M4S").seconds', 4),
        ('duration("P2Y3M").years', 2),
        ('duration("P2Y3M").months', 3),
        ('date("2024-03-15").hour', None),
        ("today() = date(now())", True),
    ],
)
def test_temporal_properties(expression: str, expected: object) -> None:
    check(expression, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("string(date(2024, 3, 5))", "2024-03-05"),
        ('string(time("08:05:00"))', "08:05:00"),
        ('string(time("08:05:00.25"))', "08:05:00.25"),
        ('string(time("08:05:00+01:00"))', "08:05:00+01:00"),
        ('string(date and time("2024-03-05T08:05:00"))', "2024-03-05T08:05:00"),
        ('string(date and time("2024-03-05T08:05:00Z"))', "2024-03-05T08:05:00Z"),
        (
            'string(date and time("2024-03-05T08:05:00@Asia/Shanghai"))',
            "2024-03-05T08:05:00@Asia/Shanghai",
        ),
        ('string(duration("PT36H"))', "P1DT12H"),
        ('string(duration("PT0S"))', "P0D"),
        ('string(duration("-PT90M"))', "-PT1H30M"),
        ('string(duration("P18M"))', "P1Y6M"),
        ('string(duration("P0Y"))', "P0Y"),
        ('string(-duration("P1D"))', None),
    ],
)
def test_temporal_strings(expression: str, expected: object) -> None:
    check(expression, expected)

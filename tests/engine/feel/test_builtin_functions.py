"""FEEL docs, chapter "Built-in functions": one table per family (conversion, boolean,
string, list, numeric, context, range, temporal)."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.feel import FeelRange
from engine.feel import YearsMonthsDuration as YM

from .helpers import D, check


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('number("1500.5")', D("1500.5")),
        ('number("1,500.5", ",")', D("1500.5")),
        ('number("1.500,5", ".", ",")', D("1500.5")),
        ('number("1 500", " ")', 1500),
        ('number("abc")', None),
        ('number("")', None),
        ("number(null)", None),
        ("string(1.1)", "1.1"),
        ("string(1.0)", "1.0"),
        ("string(10)", "10"),
        ("string(true)", "true"),
        ("string(null)", None),
        ('string("a")', "a"),
        ('string([1, "a", null])', '[1, "a", null]'),
        ('string({a: 1, b: "x"})', '{a:1, b:"x"}'),
        ("string([1..3])", "[1..3]"),
        ('date("2018-04-29")', dt.date(2018, 4, 29)),
        ('date(date and time("2012-12-25T11:00:00"))', dt.date(2012, 12, 25)),
        ("date(2012, 12, 25)", dt.date(2012, 12, 25)),
        ("date(2012, 2, 30)", None),
        ('time("12:45:00")', dt.time(12, 45)),
        ("time(23, 59, 0)", dt.time(23, 59)),
        (
            'time(14, 30, 0, duration("PT1H"))',
            dt.time(14, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        ),
        ('time(date and time("2012-12-25T11:00:00"))', dt.time(11, 0)),
        ('date and time("2012-12-24T23:59:00")', dt.datetime(2012, 12, 24, 23, 59)),
        ('date and time(date("2012-12-24"), time("23:59:00"))', dt.datetime(2012, 12, 24, 23, 59)),
        (
            'date and time(date and time("2020-01-01T10:00:00"), "Z")',
            dt.datetime(2020, 1, 1, 10, tzinfo=dt.UTC),
        ),
        ('date and time("2012-12-24 23:59:00")', None),
        ('duration("P1DT6H")', dt.timedelta(days=1, hours=6)),
        ('duration("P2Y4M")', YM(2, 4)),
        ('duration("xyz")', None),
        ('years and months duration(date("2011-12-22"), date("2013-08-24"))', YM(1, 8)),
        ('years and months duration(date("2013-08-24"), date("2011-12-22"))', YM(-1, -8)),
        (
            'from json("{\\"a\\": 1, \\"b\\": [true, null, 1.5]}")',
            {"a": 1, "b": [True, None, D("1.5")]},
        ),
        ('from json("\\"text\\"")', "text"),
        ('from json("{invalid")', None),
        ('to json({a: 1, b: [true, null, "x"]})', '{"a":1,"b":[true,null,"x"]}'),
        ('to json(@"2023-06-14")', '"2023-06-14"'),
        ('to json(@"PT2H30M")', '"PT2H30M"'),
        ('to json(@"P1Y6M")', '"P1Y6M"'),
        (
            'to json(@"2023-06-14T14:55:00@Europe/Berlin")',
            '"2023-06-14T14:55:00+02:00[Europe/Berlin]"',
        ),
    ],
)
def test_conversion(expression: str, expected: object) -> None:
    check(expression, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("is defined(1)", True),
        ("is defined(null)", False),
        ("is defined(missing)", False),
        ("is defined({a: 1}.b)", False),
        ('get or else("a", "b")', "a"),
        ('get or else(null, "b")', "b"),
        ("get or else(missing, 0)", 0),
        ("assert(5, 5 > 1)", 5),
    ],
)
def test_boolean_functions(expression: str, expected: object) -> None:
    check(expression, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('substring("testing", 3)', "sting"),
        ('substring("testing", 3, 3)', "sti"),
        ('substring("testing", -2, 1)', "n"),
        ('substring("testing", 0)', ""),
        ('string length("tes")', 3),
        ('upper case("aBc4")', "ABC4"),
        ('lower case("aBc4")', "abc4"),
        ('substring before("testing", "ing")', "test"),
        ('substring before("testing", "xyz")', ""),
        ('substring after("testing", "test")', "ing"),
        ('substring after("", "a")', ""),
        ('replace("abcd", "(ab)|(a)", "[1=$1][2=$2]")', "[1=ab][2=]cd"),
        ('replace("0123456789", "(\\d{3})(\\d{3})(\\d{4})", "($1) $2-$3")', "(012) 345-6789"),
        ('replace("Abc", "a", "x", "i")', "xbc"),
        ('replace("a.b", "[", "x")', None),
        ('contains("testing", "to")', False),
        ('contains("testing", "in")', True),
        ('starts with("testing", "te")', True),
        ('ends with("testing", "g")', True),
        ('matches("teeesting", "^te*sting")', True),
        ('matches("Teeesting", "^te*sting", "i")', True),
        ('matches("abc", "[")', None),
        ('matches("Zhēngzhōu", "^\\p{L}+$")', True),
        ('split("John Doe", "\\s")', ["John", "Doe"]),
        ('split("a;b;c;;", ";")', ["a", "b", "c", "", ""]),
        ('extract("references are 1234, 1256, 1378", "12[0-9]*")', ["1234", "1256"]),
        ('trim("  hello world  ")', "hello world"),
        ('to base64("FEEL")', "RkVFTA=="),
        ('from base64("RkVFTA==")', "FEEL"),
        ('from base64("%%%")', None),
        ('is blank("")', True),
        ('is blank("  ")', True),
        ('is blank("hello")', False),
        ("string length(uuid())", 36),
        ("upper case(1)", None),
        ('contains(null, "a")', None),
    ],
)
def test_string_functions(expression: str, expected: object) -> None:
    check(expression, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("list contains([1, 2, 3], 2)", True),
        ("list contains([1, 2, 3], 5)", False),
        ("list contains([1, null], null)", True),
        ("count([1, 2, 3])", 3),
        ("count([])", 0),
        ("min([1, 2, 3])", 1),
        ("min(1, 2, 3)", 1),
        ("min([])", None),
        ('max(["a", "c", "b"])', "c"),
        ('max([1, "a"])', None),
        ('max([date("2020-01-01"), date("2021-01-01")])', dt.date(2021, 1, 1)),
        ("sum([1, 2, 3])", 6),
        ("sum(1, 2.5)", D("3.5")),
        ("sum([])", None),
        ('sum([1, "a"])', None),
        ("product([2, 3, 4])", 24),
        ("product([])", None),
        ("mean([1, 2, 3])", 2),
        ("mean(1, 2)", D("1.5")),
        ("mean([])", None),
        ("median([8, 2, 5, 3, 4])", 4),
        ("median([6, 1, 2, 3])", D("2.5")),
        ("median([])", None),
        ("stddev([2, 4, 7, 5])", D("2.0816659994661326")),
        ("mode([6, 3, 9, 6, 6])", [6]),
        ("mode([6, 1, 9, 6, 1])", [1, 6]),
        ("mode([])", []),
        ("all([true, false])", False),
        ("all([])", True),
        ("all([true, null])", None),
        ("any([false, true])", True),
        ("any([])", False),
        ("any([false, null])", None),
        ("sublist([4, 5, 6], 1, 2)", [4, 5]),
        ("sublist([4, 5, 6], 2)", [5, 6]),
        ("sublist([4, 5, 6], -2)", [5, 6]),
        ("append([1], 2, 3)", [1, 2, 3]),
        ("concatenate([1, 2], [3])", [1, 2, 3]),
        ("concatenate([1], [2], [3, 4])", [1, 2, 3, 4]),
        ("insert before([1, 3], 1, 2)", [2, 1, 3]),
        ("insert before([1, 3], 2, 2)", [1, 2, 3]),
        ("remove([1, 2, 3], 2)", [1, 3]),
        ("remove([1, 2, 3], -1)", [1, 2]),
        ("reverse([1, 2, 3])", [3, 2, 1]),
        ("index of([1, 2, 3, 2], 2)", [2, 4]),
        ("union([1, 2], [2, 3])", [1, 2, 3]),
        ("distinct values([1, 2, 3, 2, 1])", [1, 2, 3]),
        ("duplicate values([1, 2, 3, 2, 1])", [1, 2]),
        ("flatten([[1, 2], [[3]], 4])", [1, 2, 3, 4]),
        ("sort([3, 1, 4, 2], function(x, y) x < y)", [1, 2, 3, 4]),
        ('string join(["a", "b", "c"])', "abc"),
        ('string join(["a", "b", "c"], ", ")', "a, b, c"),
        ('string join(["a", null, "c"], "-")', "a-c"),
        ('string join(["a", "b"], ", ", "[", "]")', "[a, b]"),
        ("string join([1, 2])", None),
        ("is empty([])", True),
        ("is empty([1])", False),
        ("partition([1, 2, 3, 4, 5], 2)", [[1, 2], [3, 4], [5]]),
        ("count(5)", None),
    ],
)
def test_list_functions(expression: str, expected: object) -> None:
    check(expression, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("decimal(1/3, 2)", D("0.33")),
        ("decimal(1.5, 0)", 2),
        ("decimal(2.5, 0)", 2),
        ('decimal(2.5, 0, "half_up")', 3),
        ('decimal(2.5, 0, "UNNECESSARY")', None),
        ("floor(1.5)", 1),
        ("floor(-1.5)", -2),
        ("floor(-1.56, 1)", D("-1.6")),
        ("ceiling(1.5)", 2),
        ("ceiling(-1.5)", -1),
        ("ceiling(-1.56, 1)", D("-1.5")),
        ("round up(5.5, 0)", 6),
        ("round up(-5.5, 0)", -6),
        ("round up(1.121, 2)", D("1.13")),
        ("round down(5.5, 0)", 5),
        ("round down(-1.126, 2)", D("-1.12")),
        ("round half up(5.5, 0)", 6),
        ("round half up(-5.5, 0)", -6),
        ("round half up(1.121, 2)", D("1.12")),
        ("round half down(5.5, 0)", 5),
        ("round half down(-1.126, 2)", D("-1.13")),
        ("abs(10)", 10),
        ("abs(-10)", 10),
        ('abs(duration("-PT1H"))', dt.timedelta(hours=1)),
        ("modulo(12, 5)", 2),
        ("modulo(-12, 5)", 3),
        ("modulo(12, -5)", -3),
        ("modulo(10.1, 4.5)", D("1.1")),
        ("modulo(1, 0)", None),
        ("sqrt(16)", 4),
        ("sqrt(-3)", None),
        ("log(10)", D("2.302585092994046")),
        ("exp(5)", D("148.4131591025766")),
        ("odd(5)", True),
        ("odd(2)", False),
        ("even(5)", False),
        ("even(2)", True),
        ("random number() >= 0 and random number() < 1", True),
    ],
)
def test_numeric_functions(expression: str, expected: object) -> None:
    check(expression, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('get value({foo: 123}, "foo")', 123),
        ('get value({a: 1}, "b")', None),
        ('get value({a: {b: 2}}, ["a", "b"])', 2),
        ("get entries({foo: 123})", [{"key": "foo", "value": 123}]),
        ('context put({x: 1}, "y", 2)', {"x": 1, "y": 2}),
        ('context put({x: 1}, "x", 2)', {"x": 2}),
        ('context put({x: 1, a: {b: 1}}, ["a", "c"], 3)', {"x": 1, "a": {"b": 1, "c": 3}}),
        ("context merge([{x: 1}, {y: 2}])", {"x": 1, "y": 2}),
        ("context merge({x: 1}, {x: 2})", {"x": 2}),
        ('context([{key: "a", value: 1}, {key: "b", value: 2}])', {"a": 1, "b": 2}),
        ("context([{value: 1}])", None),
    ],
)
def test_context_functions(expression: str, expected: object) -> None:
    check(expression, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("before(1, 10)", True),
        ("before(10, 1)", False),
        ("before(1, [2..5])", True),
        ("before([1..5], 10)", True),
        ("before([1..5], [6..10])", True),
        ("before([1..5), [5..10])", True),
        ("before([1..5], [5..10])", False),
        ("after(10, 1)", True),
        ("after([6..10], [1..5])", True),
        ("meets([1..5], [5..10])", True),
        ("meets([1..5), [5..10])", False),
        ("met by([5..10], [1..5])", True),
        ("overlaps([1..5], [3..8])", True),
        ("overlaps([1..5], [6..8])", False),
        ("overlaps before([1..5], [3..8])", True),
        ("overlaps after([3..8], [1..5])", True),
        ("finishes(10, [1..10])", True),
        ("finishes([3..5], [1..5])", True),
        ("finished by([1..10], 10)", True),
        ("includes([1..10], 5)", True),
        ("includes([1..10], [4..6])", True),
        ("during(5, [1..10])", True),
        ("during([4..6], [1..10])", True),
        ("during(11, [1..10])", False),
        ("starts(1, [1..5])", True),
        ("starts((1..5], [1..5])", False),
        ("started by([1..10], 1)", True),
        ("coincides(5, 5)", True),
        ("coincides([1..5], [1..5])", True),
        ("coincides([1..5], (1..5])", False),
        ('before(date("2020-01-01"), date("2020-01-02"))', True),
        ('before("a", "b")', None),
        ('range("[1..10]")', FeelRange(1, 10, True, True)),
        ('range("[1..")', None),
    ],
)
def test_range_functions(expression: str, expected: object) -> None:
    check(expression, expected)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('day of year(date("2019-09-17"))', 260),
        ('day of week(date("2019-09-17"))', "Tuesday"),
        ('month of year(date("2019-09-17"))', "September"),
        ('week of year(date("2019-09-17"))', 38),
        ('week of year(date("2021-01-01"))', 53),
        ('last day of month(date("2022-10-01"))', 31),
        ('last day of month(date("2024-02-01"))', 29),
        ('last day of month(date and time("2023-02-01T10:00:00"))', 28),
        ("now()", dt.datetime(2024, 3, 15, 10, 30, tzinfo=dt.UTC)),
        ("today()", dt.date(2024, 3, 15)),
        ('now() - duration("P1D") < now()', True),
        ("day of week(1)", None),
    ],
)
def test_temporal_functions(expression: str, expected: object) -> None:
    check(expression, expected)

"""FEEL docs, chapters "Conditions" and "Functions": if/then/else, function definitions,
invocation with positional and named parameters, recursion, names with spaces."""

from __future__ import annotations

import pytest

from .helpers import check


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('if x > 3 then "high" else "low"', "high"),
        ('if x > 10 then "high" else "low"', "low"),
        ('if null then "yes" else "no"', "no"),
        ('if "text" then "yes" else "no"', "no"),
        ('if missing then "yes" else "no"', "no"),
        ("if x > 3 then if x > 4 then 2 else 1 else 0", 2),
        ("if true then null else 1", None),
        ('if x > 3 then "a" else if x > 1 then "b" else "c"', "a"),
        ("(if x > 3 then 1 else 2) + 10", 11),
    ],
)
def test_if(expression: str, expected: object) -> None:
    check(expression, expected, {"x": 5})


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("{f: function(a, b) a + b, r: f(1, 2)}.r", 3),
        ("{f: function(a, b) a - b, r: f(b: 1, a: 5)}.r", 4),
        ("{f: function(a, b) a, r: f(a: 1)}.r", 1),
        ("{f: function() 42, r: f()}.r", 42),
        ("{f: function(x) x * x}.f(4)", 16),
        ("{f: function(x) x * x, g: function(x) f(x) + 1, r: g(3)}.r", 10),
        ("{fac: function(n) if n <= 1 then 1 else n * fac(n - 1), r: fac(5)}.r", 120),
        ("{fib: function(n) if n < 2 then n else fib(n - 1) + fib(n - 2), r: fib(15)}.r", 610),
        ("{f: function(a) a + offset, r: f(1)}.r", 11),
        ("{f: function(a, b) a + b, r: f(1)}.r", None),  # wrong parameter count
        ("sort([3, 1, 2], function(x, y) x > y)", [3, 2, 1]),
        ('sort(["b", "a"], function(x, y) x < y)', ["a", "b"]),
        ("sort([{n: 2}, {n: 1}], function(x, y) x.n < y.n).n", [1, 2]),
        ("unknown fn(1)", None),
        ("f(1)", None),
        ("count([1, 2, 3])", 3),
        ("count(list: [1, 2])", 2),
        ('substring(string: "abcdef", start position: 2, length: 3)', "bcd"),
        ('substring(start position: 2, string: "abcdef")', "bcdef"),
        ('string length(string: "abc")', 3),
        ('upper case("abc") + lower case("DEF")', "ABCdef"),
        (
            'date and time(date: date("2020-01-01"), time: time("10:00:00"))',
            __import__("datetime").datetime(2020, 1, 1, 10, 0),
        ),
        ("and([true, true])", True),
        ("or([false, true])", True),
        ("not(1 > 2)", True),
    ],
)
def test_functions(expression: str, expected: object) -> None:
    check(expression, expected, {"offset": 10})


def test_function_from_variables_is_called() -> None:
    from engine import feel

    double = feel.evaluate("function(x) x * 2")
    assert feel.evaluate("double(21)", {"double": double}) == 42


def test_parameter_names_with_spaces() -> None:
    from engine import feel

    f = feel.evaluate("function(test   name yada) `test   name yada` + 1")
    assert feel.evaluate("f(test   name yada: 1)", {"f": f}) == 2
    assert feel.evaluate("f(2)", {"f": f}) == 3
    assert feel.evaluate("{g: function(first name) `first name` + 1, r: g(first name: 1)}.r") == 2

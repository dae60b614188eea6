"""The public API the engine calls: compile cache, errors with positions, BPMN's ``=``
marker, JSON conversion, the injectable clock and variable conversion."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from engine import feel


def test_compile_is_cached_by_text() -> None:
    a = feel.compile("x + 1")
    assert a is feel.compile("x + 1")
    assert a.evaluate({"x": 1}) == 2
    assert a.evaluate({"x": 41}) == 42


def test_bpmn_expression_marker() -> None:
    assert feel.is_expression("=a + 1")
    assert feel.is_expression("  = a")
    assert not feel.is_expression("a + 1")
    assert not feel.is_expression(None)
    assert feel.strip_expression_marker(" =a + 1") == "a + 1"
    assert feel.strip_expression_marker("plain") == "plain"
    assert feel.evaluate("= 1 + 2") == 3


@pytest.mark.parametrize(
    ("expression", "position", "fragment"),
    [
        ("1 +", 3, "end of the expression"),
        ("(1 + 2", 6, "expected ')' or an operator"),
        ('"unterminated', 0, "unterminated string"),
        ("a ! b", 2, "'!' is not FEEL"),
        ("a # b", 2, "unexpected character '#'"),
        ("a == b", 2, "single '='"),
        ("a && b", 2, "use 'and'"),
        ("a || b", 2, "use 'or'"),
        ("'text'", 0, "double quotes"),
        ("for x in xs x", 12, "expected 'return'"),
        ("some x in xs x > 1", 13, "expected 'satisfies'"),
        ("if a b else c", 5, "expected 'then'"),
        ("f(1 2)", 4, "expected ')', ','"),
        ("(1 2)", 3, "expected ')' or an operator"),
        ("if x then 1", 11, "expected 'else'"),
        ("", 0, "empty"),
        ("{a 1}", 4, "expected ':'"),
    ],
)
def test_syntax_errors_say_where(expression: str, position: int, fragment: str) -> None:
    with pytest.raises(feel.FeelSyntaxError) as err:
        feel.compile(expression)
    assert err.value.position == position
    assert fragment in err.value.message
    assert isinstance(err.value, feel.FeelError)
    assert "column" in str(err.value) or expression == ""


def test_syntax_error_line_and_column() -> None:
    with pytest.raises(feel.FeelSyntaxError) as err:
        feel.compile("{\n  a: 1,\n  b: )\n}")
    assert (err.value.line, err.value.column) == (3, 6)


def test_evaluation_failures_are_feel_errors() -> None:
    with pytest.raises(feel.FeelEvaluationError, match="input value"):
        feel.evaluate("? > 1")
    with pytest.raises(feel.FeelEvaluationError, match="assertion"):
        feel.evaluate('assert(x, x > 10, "x too small")', {"x": 1})
    with pytest.raises(feel.FeelError):
        feel.evaluate("{a: 1}.f(1)")


def test_results_as_python_values() -> None:
    assert feel.evaluate("2.50 * 2") == 5 and type(feel.evaluate("2.50 * 2")) is int
    assert feel.evaluate("1 / 4") == Decimal("0.25")
    assert feel.evaluate("[1.0, 1.5]") == [1, Decimal("1.5")]
    assert feel.evaluate("{a: 2.0}") == {"a": 2}
    assert type(feel.evaluate("{a: 2.0}")["a"]) is int


def test_to_json_value_writes_what_zeebe_stores() -> None:
    value = feel.evaluate(
        '{n: 1.5, i: 2.0, d: @"2024-01-02", t: @"10:00:00", t2: @"10:00:01.5",'
        ' tz: @"10:00:00+01:00", ldt: @"2024-01-02T03:04:00", dt: @"2024-01-02T03:04:05Z",'
        ' z: @"2024-01-02T03:04:05@Asia/Shanghai", dtd: @"P1DT12H", ymd: @"P14M",'
        ' l: [null, true, "s"], r: [1..2], f: function(x) x}'
    )
    assert feel.to_json_value(value) == {
        "n": 1.5,
        "i": 2,
        "d": "2024-01-02",
        "t": "10:00",
        "t2": "10:00:01.500",
        "tz": "10:00:00+01:00",
        "ldt": "2024-01-02T03:04:00",
        "dt": "2024-01-02T03:04:05Z",
        "z": "2024-01-02T03:04:05+08:00[Asia/Shanghai]",
        "dtd": "P1DT12H",
        "ymd": "P1Y2M",
        "l": [None, True, "s"],
        "r": None,
        "f": None,
    }
    assert feel.to_json_value(0.1) == 0.1


def test_clock_is_injectable() -> None:
    pinned = dt.datetime(2030, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    assert feel.evaluate("now()", now=pinned) == pinned
    assert feel.evaluate("today()", now=pinned) == dt.date(2030, 5, 6)
    naive = dt.datetime(2030, 5, 6, 7, 8, 9)
    assert feel.evaluate("now()", now=naive).tzinfo is not None
    assert feel.compile('today() + duration("P1D")').evaluate(now=pinned) == dt.date(2030, 5, 7)
    assert isinstance(feel.evaluate("now()"), dt.datetime)


def test_variables_from_json_and_python() -> None:
    assert feel.evaluate("x.y[1] + 0.2", {"x": {"y": [0.1]}}) == Decimal("0.3")
    assert feel.evaluate("t", {"t": (1, 2)}) == [1, 2]
    assert feel.evaluate("x", {"x": float("nan")}) is None
    assert feel.evaluate("x", {"x": object()}) is None
    assert feel.evaluate('d + duration("P1D")', {"d": dt.date(2024, 1, 1)}) == dt.date(2024, 1, 2)
    assert feel.evaluate("k", {"k": {1: "a"}}) == {"1": "a"}


def test_warnings_explain_nulls() -> None:
    value, warnings = feel.compile("missing + 1").evaluate_with_warnings({})
    assert value is None
    assert [str(w) for w in warnings] == [
        "[NO_VARIABLE_FOUND] No variable found with name 'missing'",
        "[INVALID_TYPE] Can't add '1' to 'null'",
    ]
    value, warnings = feel.compile("nope(1)").evaluate_with_warnings()
    assert value is None and any("nope" in w.message for w in warnings)
    assert warnings[0].failure_type == "NO_FUNCTION_FOUND"


def test_names_with_spaces_and_builtin_names() -> None:
    assert feel.evaluate('date and time("2020-01-01T00:00:00Z") < now()') is True
    # a local date-time and a zoned one are not comparable: null, as in feel-scala
    assert feel.evaluate('date and time("2020-01-01T00:00:00") < now()') is None
    assert feel.evaluate("x and y", {"x": True, "y": False}) is False
    assert feel.evaluate("a and (b or c)", {"a": True, "b": False, "c": True}) is True
    assert feel.evaluate("date and time", {"date": True, "time": True}) is True
    assert feel.evaluate('last day of month(date("2021-02-03"))') == 28
    assert feel.evaluate('string length ("abc")') == 3
    assert feel.evaluate("{day of week: 1}.`day of week`") == 1
    assert feel.evaluate("get or else(null, 1)") == 1
    assert feel.evaluate("or([false, true]) and and([true])") is True


def test_comments_are_ignored() -> None:
    assert feel.evaluate("1 + /* two */ 2 // three\n") == 3


def test_budget_stops_long_loops() -> None:
    with pytest.raises(feel.FeelEvaluationError, match="too long"):
        feel.evaluate("for i in 1..100000 return i", budget=1000)
    assert len(feel.evaluate("for i in 1..1000 return i")) == 1000


def test_variables_may_be_any_mapping_read_lazily() -> None:
    import collections

    reads: list[str] = []

    class Scope(collections.abc.Mapping):  # type: ignore[type-arg]
        def __init__(self, data: dict[str, object]) -> None:
            self.data = data

        def __getitem__(self, key: str) -> object:
            reads.append(key)
            return self.data[key]

        def __iter__(self):  # type: ignore[no-untyped-def]
            raise AssertionError("variables must not be copied")

        def __len__(self) -> int:
            raise AssertionError("variables must not be copied")

    scope = Scope({"a": 1, "b": 2, "unused": 3})
    assert feel.evaluate("a + b + a", scope) == 4
    assert sorted(set(reads)) == ["a", "b"]
    chained = collections.ChainMap({"a": 10}, {"a": 1, "b": 2})
    assert feel.evaluate("a + b", chained) == 12
    with pytest.raises(feel.FeelEvaluationError, match="mapping"):
        feel.evaluate("a", [1, 2])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("expression", "names"),
    [
        ('order.total > 100 and status = "ok"', ["order", "status"]),
        ("for x in xs return x + y", ["xs", "y"]),
        ("orders[amount > limit].id", ["orders", "amount", "limit"]),
        ("{a: 1, b: a + c}.b", ["c"]),
        ("{f: function(p) p * k, r: f(2)}.r", ["k"]),
        ("some i in items satisfies i > min", ["items", "min"]),
        ("count(xs) + sum(values: ys)", ["xs", "ys"]),
        ('date("2020-01-01")', []),
    ],
)
def test_variable_names(expression: str, names: list[str]) -> None:
    assert feel.compile(expression).variable_names == names


def test_invalid_range_fails_at_the_top_but_is_null_as_an_argument() -> None:
    with pytest.raises(feel.FeelEvaluationError, match="invalid range"):
        feel.evaluate('[1.."a"]')
    value, warnings = feel.compile('before([1.."a"], 1)').evaluate_with_warnings()
    assert value is None
    assert warnings[0].failure_type == "FUNCTION_INVOCATION_FAILURE"
    assert feel.evaluate("x in [1..y]", {"x": 1, "y": None}) is None


@pytest.mark.parametrize(
    "space",
    [
        "\t",
        " ",
        "\u0085",
        "\u00a0",
        "\u1680",
        "\u180e",
        "\u2000",
        "\u200a",
        "\u200b",
        "\u2028",
        "\u2029",
        "\u202f",
        "\u205f",
        "\u3000",
        "\ufeff",
        "\n",
        "\u000b",
        "\u000c",
        "\r",
    ],
)
def test_every_feel_whitespace_separates_tokens(space: str) -> None:
    assert feel.evaluate(f"{space}1{space}+{space}2{space}") == 3
    assert feel.evaluate(f"for x{space}in [1] return{space}x") == [1]
    assert feel.evaluate(f"every{space}x in [1]{space}satisfies odd(x)") is True


def test_python_callables_are_feel_functions() -> None:
    variables = {
        "f": lambda x: x * 10,
        "g": lambda a, b: a - b,
        "h": lambda *xs: sum(xs),
        "bad": lambda x: 1 / 0,
    }
    assert feel.evaluate("f(2) + g(b: 3, a: 1) + h(1, 2, 3)", variables) == 24
    value, warnings = feel.compile("bad(1)").evaluate_with_warnings(variables)
    assert value is None
    assert "ZeroDivisionError" in warnings[0].message

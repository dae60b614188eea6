"""FEEL docs, chapters "String expressions", "List expressions" and "Context expressions":
concatenation, filters, projection, quantifiers, paths."""

from __future__ import annotations

import pytest

from .helpers import check

ORDERS = {
    "orders": [
        {"id": "o1", "amount": 10, "status": "open", "items": [{"sku": "a"}]},
        {"id": "o2", "amount": 25, "status": "paid", "items": [{"sku": "b"}, {"sku": "c"}]},
        {"id": "o3", "amount": 40, "status": "open", "items": []},
    ],
    "numbers": [1, 2, 3, 4, 5],
    "customer": {"name": "Ada", "address": {"city": "Zhengzhou", "zip": "450000"}},
    "empty": [],
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('"foo" + "bar"', "foobar"),
        ('"foo" + null', None),
        ('"a" + 1', None),
        ('"Hello " + customer.name', "Hello Ada"),
        ('string length("郑州市")', 3),
    ],
)
def test_strings(expression: str, expected: object) -> None:
    check(expression, expected, ORDERS)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("numbers[1]", 1),
        ("numbers[5]", 5),
        ("numbers[-1]", 5),
        ("numbers[-5]", 1),
        ("numbers[0]", None),
        ("numbers[6]", None),
        ("numbers[-6]", None),
        ("numbers[item > 3]", [4, 5]),
        ("numbers[item > 10]", []),
        ("numbers[even(item)]", [2, 4]),
        ("numbers[item > 1 and item < 4]", [2, 3]),
        ("[1, 2, 3][item >= 2][1]", 2),
        ('orders[status = "open"].id', ["o1", "o3"]),
        ("orders[amount > 20].amount", [25, 40]),
        ("orders[item.amount > 20].id", ["o2", "o3"]),
        ("orders.id", ["o1", "o2", "o3"]),
        ("orders.amount", [10, 25, 40]),
        ("sum(orders.amount)", 75),
        ("orders[1].items.sku", ["a"]),
        ("orders.items", [[{"sku": "a"}], [{"sku": "b"}, {"sku": "c"}], []]),
        ("orders[2].items[2].sku", "c"),
        ("orders.missing", [None, None, None]),
        ("empty[1]", None),
        ("empty[item > 1]", []),
        ("missing[1]", None),
        ("x[1]", None),
        ("[{a: 1}, {a: 2}][a = 2]", [{"a": 2}]),
        ("[{item: 1}, {item: 2}][item >= 2]", [{"item": 2}]),
        ("[1, null, 3][item = null]", [None]),
        ("[1, 2, 3][item > null]", []),
        ("numbers[index]", 3),
    ],
)
def test_lists_and_filters(expression: str, expected: object) -> None:
    check(expression, expected, {**ORDERS, "x": 5, "index": 3})


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("some n in numbers satisfies n > 4", True),
        ("some n in numbers satisfies n > 5", False),
        ("every n in numbers satisfies n > 0", True),
        ("every n in numbers satisfies n > 1", False),
        ("some n in empty satisfies n > 1", False),
        ("every n in empty satisfies n > 1", True),
        ("some x in [1, 2], y in [2, 3] satisfies x = y", True),
        ("every x in [1, 2], y in [3, 4] satisfies x < y", True),
        ("some x in [1, null] satisfies x > 0", True),
        ("every x in [1, null] satisfies x > 0", None),
        ('some o in orders satisfies o.status = "paid"', True),
        ("some x in missing satisfies x > 1", None),
    ],
)
def test_quantifiers(expression: str, expected: object) -> None:
    check(expression, expected, ORDERS)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("for n in numbers return n * 2", [2, 4, 6, 8, 10]),
        ("for i in 1..3 return i", [1, 2, 3]),
        ("for i in 3..1 return i", [3, 2, 1]),
        ("for i in 1..1 return i", [1]),
        ("for x in [1, 2], y in [10, 20] return x + y", [11, 21, 12, 22]),
        ("for o in orders return o.id", ["o1", "o2", "o3"]),
        ("for x in empty return x", []),
        ("for i in 1..4 return if i = 1 then 1 else partial[-1] * i", [1, 2, 6, 24]),
        ("for x in missing return x", None),
        ('for x in "abc" return x', None),
        ("for i in 0..n return i", [0, 1, 2]),
    ],
)
def test_for(expression: str, expected: object) -> None:
    check(expression, expected, {**ORDERS, "n": 2})


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("customer.name", "Ada"),
        ("customer.address.city", "Zhengzhou"),
        ("customer.address.country", None),
        ("customer.phone.number", None),
        ("missing.path.deep", None),
        ("{a: 1}.a", 1),
        ("{a: {b: 2}}.a.b", 2),
        ('{"first name": "Ada"}.`first name`', "Ada"),
        ("{a: [1, 2]}.a[2]", 2),
        ("({a: 1}).a", 1),
        ("[{a: 1}, {a: 2}].a", [1, 2]),
        ("{x: 1, y: x + 1, z: y * 2}.z", 4),
        ("{a: 1}.b", None),
        ("5.a", None),
        ('"text".length', None),
    ],
)
def test_paths(expression: str, expected: object) -> None:
    check(expression, expected, ORDERS)

"""List functions (feel-scala ``ListBuiltinFunctions``); positions are 1-based, negative ones
count from the end.  Functions marked varargs accept ``f([1, 2])`` as well as ``f(1, 2)``."""

from __future__ import annotations

import functools
import math
from decimal import Decimal
from typing import Any

from ..errors import InvalidValue
from ..runtime import MISSING, State
from ..values import DECIMAL, FeelFunction, compare, equal, kind
from . import NoMatch, builtin
from .checks import integer, lst


def _numbers(items: list[Any]) -> list[Any]:
    for n in items:
        if type(n) is not int and type(n) is not Decimal:
            raise InvalidValue(f"expected a list of numbers but found {items!r}")
    return items


def _comparable(items: list[Any]) -> None:
    k = kind(items[0])
    if any(kind(i) != k for i in items) or compare(items[0], items[0]) is None:
        raise InvalidValue("the list items are not comparable")


def _contains(items: list[Any], value: Any) -> bool:
    return any(equal(i, value) is True for i in items)


@builtin("list contains", "list", "element")
def list_contains(items: Any, element: Any) -> bool:
    return _contains(lst(items), element)


@builtin("count", "list")
def count(items: Any) -> int:
    return len(lst(items))


def _extreme(items: list[Any], sign: int) -> Any:
    if not items:
        return None
    _comparable(items)
    best = items[0]
    for i in items[1:]:
        c = compare(i, best)
        if c is not None and c * sign > 0:
            best = i
    return best


@builtin("min", "list", varargs=True)
def min_(items: Any) -> Any:
    return _extreme(lst(items), -1)


@builtin("max", "list", varargs=True)
def max_(items: Any) -> Any:
    return _extreme(lst(items), 1)


@builtin("sum", "list", varargs=True)
def sum_(items: Any) -> Any:
    items = _numbers(lst(items))
    if not items:
        return None
    total: Any = 0
    for n in items:
        total = total + n if type(total) is int and type(n) is int else DECIMAL.add(total, n)
    return total


@builtin("product", "list", varargs=True)
def product(items: Any) -> Any:
    items = _numbers(lst(items))
    if not items:
        return None
    total: Any = 1
    for n in items:
        total = DECIMAL.multiply(total, n)
    return total


@builtin("mean", "list", varargs=True)
def mean(items: Any) -> Any:
    items = _numbers(lst(items))
    if not items:
        return None
    return DECIMAL.divide(sum_(items), len(items))


@builtin("median", "list", varargs=True)
def median(items: Any) -> Any:
    items = sorted(_numbers(lst(items)))
    if not items:
        return None
    n = len(items)
    if n % 2:
        return items[n // 2]
    return DECIMAL.divide(DECIMAL.add(items[n // 2 - 1], items[n // 2]), 2)


@builtin("stddev", "list", varargs=True)
def stddev(items: Any) -> Any:
    items = _numbers(lst(items))
    if not items:
        return None
    if len(items) < 2:
        raise InvalidValue("stddev needs at least two numbers")
    m = DECIMAL.divide(sum_(items), len(items))
    dev = sum((DECIMAL.power(DECIMAL.subtract(n, m), 2) for n in items), Decimal(0))
    variance = DECIMAL.divide(dev, len(items) - 1)
    return Decimal(repr(math.sqrt(float(variance))))


@builtin("mode", "list", varargs=True)
def mode(items: Any) -> list[Any]:
    items = _numbers(lst(items))
    if not items:
        return []
    counts: dict[Any, int] = {}
    for n in items:
        counts[n] = counts.get(n, 0) + 1
    top = max(counts.values())
    return sorted(n for n, c in counts.items() if c == top)


def _all(items: list[Any]) -> Any:
    result: Any = True
    for i in items:
        if i is False:
            return False
        if i is not True:
            result = None
    return result


def _any(items: list[Any]) -> Any:
    result: Any = False
    for i in items:
        if i is True:
            return True
        if i is not False:
            result = None
    return result


builtin("and", "list", varargs=True)(lambda items: _all(lst(items)))
builtin("all", "list", varargs=True)(lambda items: _all(lst(items)))
builtin("or", "list", varargs=True)(lambda items: _any(lst(items)))
builtin("any", "list", varargs=True)(lambda items: _any(lst(items)))


def _position(items: list[Any], position: int) -> int:
    if position == 0:
        raise InvalidValue("position must be a non-zero number")
    return position - 1 if position > 0 else len(items) + position


@builtin("sublist", "list", "start")
def sublist(items: Any, start: Any) -> list[Any]:
    items = lst(items)
    i = max(_position(items, integer(start)), 0)
    return items[i:]


@builtin("sublist", "list", "start", "length")
def sublist3(items: Any, start: Any, length: Any) -> list[Any]:
    items = lst(items)
    i = _position(items, integer(start))
    n = integer(length)
    return items[max(i, 0) : max(i + n, 0)]


@builtin("append", "list", "items", varargs=True)
def append(items: Any, more: Any) -> list[Any]:
    return [*lst(items), *more]


@builtin("concatenate", "lists", varargs=True)
def concatenate(lists: Any) -> list[Any]:
    out: list[Any] = []
    for item in lists:
        if type(item) is list:
            out.extend(item)
        else:
            out.append(item)
    return out


@builtin("insert before", "list", "position", "newItem")
def insert_before(items: Any, position: Any, new_item: Any) -> list[Any]:
    items = lst(items)
    i = max(_position(items, integer(position)), 0)
    return [*items[:i], new_item, *items[i:]]


@builtin("remove", "list", "position")
def remove(items: Any, position: Any) -> list[Any]:
    items = lst(items)
    p = integer(position)
    i = _position(items, p)
    j = _position(items, p + 1) if p != -1 else len(items)
    return [*items[: max(i, 0)], *items[max(j, 0) :]]


@builtin("reverse", "list")
def reverse(items: Any) -> list[Any]:
    return lst(items)[::-1]


@builtin("index of", "list", "match")
def index_of(items: Any, match: Any) -> list[int]:
    return [n for n, i in enumerate(lst(items), 1) if equal(i, match) is True]


def _distinct(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for i in items:
        if not _contains(out, i):
            out.append(i)
    return out


@builtin("union", "lists", varargs=True)
def union(lists: Any) -> list[Any]:
    return _distinct(concatenate(lists))


@builtin("distinct values", "list")
def distinct_values(items: Any) -> list[Any]:
    return _distinct(lst(items))


@builtin("duplicate values", "list")
def duplicate_values(items: Any) -> list[Any]:
    items = lst(items)
    return [x for x in _distinct(items) if sum(1 for i in items if equal(i, x) is True) > 1]


def _flatten(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for i in items:
        if type(i) is list:
            out.extend(_flatten(i))
        else:
            out.append(i)
    return out


@builtin("flatten", "list")
def flatten(items: Any) -> list[Any]:
    return _flatten(lst(items))


@builtin("sort", "list", "precedes", state=True)
def sort(state: State, items: Any, precedes: Any) -> list[Any]:
    items = lst(items)
    if type(precedes) is not FeelFunction or len(precedes.params) != 2:
        raise NoMatch

    def cmp(x: Any, y: Any) -> int:
        state.spend()
        before = precedes.invoke([x, y], state)
        if before is MISSING or type(before) is not bool:
            raise InvalidValue("the sort function must return true or false")
        if before:
            return -1
        after = precedes.invoke([y, x], state)
        return 1 if after is True else 0

    return sorted(items, key=functools.cmp_to_key(cmp))


def _join(items: list[Any], delimiter: str = "", prefix: str = "", suffix: str = "") -> str:
    if any(i is not None and type(i) is not str for i in items):
        raise InvalidValue("expected a list of strings")
    return prefix + delimiter.join(i for i in items if i is not None) + suffix


def _opt_str(v: Any) -> str:
    if v is None:
        return ""
    if type(v) is not str:
        raise NoMatch
    return v


@builtin("string join", "list")
def string_join(items: Any) -> str:
    return _join(lst(items))


@builtin("string join", "list", "delimiter")
def string_join2(items: Any, delimiter: Any) -> str:
    return _join(lst(items), _opt_str(delimiter))


@builtin("string join", "list", "delimiter", "prefix", "suffix")
def string_join4(items: Any, delimiter: Any, prefix: Any, suffix: Any) -> str:
    return _join(lst(items), _opt_str(delimiter), _opt_str(prefix), _opt_str(suffix))


@builtin("is empty", "list")
def is_empty(items: Any) -> bool:
    return not lst(items)


@builtin("partition", "list", "size")
def partition(items: Any, size: Any) -> list[list[Any]]:
    items = lst(items)
    n = integer(size)
    if n <= 0:
        raise InvalidValue("the size must be positive")
    return [items[i : i + n] for i in range(0, len(items), n)]

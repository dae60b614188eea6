"""Range functions (before, after, meets, overlaps, includes, during, starts, coincides ...)
and ``range("[1..10)")``, following the DMN 1.4 table that feel-scala implements.

A point is any comparable value; a range is a :class:`FeelRange`.  Comparing values that are
not comparable gives null.
"""

from __future__ import annotations

from typing import Any

from ..errors import InvalidValue
from ..values import FeelRange, compare
from . import NoMatch, builtin
from .checks import string


def _cmp(a: Any, b: Any) -> int:
    if type(a) is str or type(b) is str:
        raise NoMatch  # feel-scala's range functions take numbers and temporal values
    c = compare(a, b)
    if c is None:
        raise InvalidValue("the values are not comparable")
    return c


def _is_range(v: Any) -> bool:
    return type(v) is FeelRange


def _point(v: Any) -> Any:
    if _is_range(v) or v is None:
        raise NoMatch
    return v


def _range(v: Any) -> FeelRange:
    if not _is_range(v):
        raise NoMatch
    return v


def _before(a: Any, b: Any) -> bool:
    if not _is_range(a) and not _is_range(b):
        return _cmp(a, b) < 0
    if not _is_range(a):
        r = _range(b)
        c = _cmp(a, r.start)
        return c < 0 or (c == 0 and not r.start_included)
    if not _is_range(b):
        r = _range(a)
        c = _cmp(r.end, b)
        return c < 0 or (c == 0 and not r.end_included)
    r1, r2 = _range(a), _range(b)
    c = _cmp(r1.end, r2.start)
    return c < 0 or (c == 0 and (not r1.end_included or not r2.start_included))


for p in (("point1", "point2"), ("point", "range"), ("range", "point"), ("range1", "range2")):
    builtin("before", *p)(_before)
    builtin("after", *p)(lambda a, b: _before(b, a))


@builtin("meets", "range1", "range2")
def meets(a: Any, b: Any) -> bool:
    r1, r2 = _range(a), _range(b)
    return r1.end_included and r2.start_included and _cmp(r1.end, r2.start) == 0


@builtin("met by", "range1", "range2")
def met_by(a: Any, b: Any) -> bool:
    return meets(b, a)


def _overlaps_before(r1: FeelRange, r2: FeelRange) -> bool:
    c_ss = _cmp(r1.start, r2.start)
    c_es = _cmp(r1.end, r2.start)
    c_ee = _cmp(r1.end, r2.end)
    starts_before = c_ss < 0 or (c_ss == 0 and r1.start_included and not r2.start_included)
    end_after_start = c_es > 0 or (c_es == 0 and r1.end_included and r2.start_included)
    end_before_end = c_ee < 0 or (c_ee == 0 and (not r1.end_included or r2.end_included))
    return starts_before and end_after_start and end_before_end


@builtin("overlaps before", "range1", "range2")
def overlaps_before(a: Any, b: Any) -> bool:
    return _overlaps_before(_range(a), _range(b))


@builtin("overlaps after", "range1", "range2")
def overlaps_after(a: Any, b: Any) -> bool:
    return _overlaps_before(_range(b), _range(a))


@builtin("overlaps", "range1", "range2")
def overlaps(a: Any, b: Any) -> bool:
    r1, r2 = _range(a), _range(b)
    c1 = _cmp(r1.end, r2.start)
    c2 = _cmp(r2.end, r1.start)
    ok1 = c1 > 0 or (c1 == 0 and r1.end_included and r2.start_included)
    ok2 = c2 > 0 or (c2 == 0 and r2.end_included and r1.start_included)
    return ok1 and ok2


def _finishes(a: Any, b: Any) -> bool:
    r2 = _range(b)
    if not _is_range(a):
        return r2.end_included and _cmp(a, r2.end) == 0
    r1 = _range(a)
    c_start = _cmp(r1.start, r2.start)
    starts_inside = c_start > 0 or (c_start == 0 and (not r1.start_included or r2.start_included))
    return r1.end_included == r2.end_included and _cmp(r1.end, r2.end) == 0 and starts_inside


builtin("finishes", "point", "range")(_finishes)
builtin("finishes", "range1", "range2")(_finishes)
builtin("finished by", "range", "point")(lambda a, b: _finishes(b, a))
builtin("finished by", "range1", "range2")(lambda a, b: _finishes(b, a))


def _includes(a: Any, b: Any) -> bool:
    r1 = _range(a)
    if not _is_range(b):
        result = r1.contains(_point(b))
        if result is None:
            raise InvalidValue("the values are not comparable")
        return result
    r2 = _range(b)
    c_s = _cmp(r1.start, r2.start)
    c_e = _cmp(r1.end, r2.end)
    start_ok = c_s < 0 or (c_s == 0 and (r1.start_included or not r2.start_included))
    end_ok = c_e > 0 or (c_e == 0 and (r1.end_included or not r2.end_included))
    return start_ok and end_ok


builtin("includes", "range", "point")(_includes)
builtin("includes", "range1", "range2")(_includes)
builtin("during", "point", "range")(lambda a, b: _includes(b, a))
builtin("during", "range1", "range2")(lambda a, b: _includes(b, a))


def _starts(a: Any, b: Any) -> bool:
    r2 = _range(b)
    if not _is_range(a):
        return r2.start_included and _cmp(a, r2.start) == 0
    r1 = _range(a)
    c_end = _cmp(r1.end, r2.end)
    ends_inside = c_end < 0 or (c_end == 0 and (not r1.end_included or r2.end_included))
    return r1.start_included == r2.start_included and _cmp(r1.start, r2.start) == 0 and ends_inside


builtin("starts", "point", "range")(_starts)
builtin("starts", "range1", "range2")(_starts)
builtin("started by", "range", "point")(lambda a, b: _starts(b, a))
builtin("started by", "range1", "range2")(lambda a, b: _starts(b, a))


def _coincides(a: Any, b: Any) -> bool:
    if not _is_range(a) and not _is_range(b):
        return _cmp(a, b) == 0
    r1, r2 = _range(a), _range(b)
    return (
        _cmp(r1.start, r2.start) == 0
        and _cmp(r1.end, r2.end) == 0
        and r1.start_included == r2.start_included
        and r1.end_included == r2.end_included
    )


builtin("coincides", "point1", "point2")(_coincides)
builtin("coincides", "range1", "range2")(_coincides)


@builtin("range", "from")
def range_(text: Any) -> FeelRange:
    """``range("[1..10)")``: parse the text with the FEEL parser itself."""
    from ..errors import FeelSyntaxError
    from ..interpreter import compile_node
    from ..parser import parse_expression
    from ..runtime import Env, State

    s = string(text).strip()
    try:
        node = parse_expression(s)
    except FeelSyntaxError as exc:
        raise InvalidValue(f"'{s}' is not a range: {exc.message}") from None
    from ..ast import RangeLit

    if not isinstance(node, RangeLit):
        raise InvalidValue(f"'{s}' is not a range")
    state = State(None, None, 10_000)
    value = compile_node(node)(Env({}, None, state))
    if type(value) is not FeelRange:
        raise InvalidValue(f"'{s}' is not a range")
    return value

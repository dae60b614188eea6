"""Conversion functions: date, time, date and time, number, string, duration,
years and months duration, from json, to json (feel-scala ``ConversionBuiltinFunctions``)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import InvalidValue
from ..temporal import format_iso, parse_date, parse_datetime, parse_duration, parse_time, zone
from ..values import DECIMAL, FeelFunction, FeelRange, YearsMonthsDuration, from_python, to_string
from . import NoMatch, builtin
from .checks import integer, number, string


def _invalid(kind: str, text: str) -> InvalidValue:
    return InvalidValue(f"failed to parse {kind} from '{text}'")


@builtin("date", "from")
def date(v: Any) -> dt.date:
    t = type(v)
    if t is str:
        d = parse_date(v)
        if d is None:
            raise _invalid("date", v)
        return d
    if t is dt.datetime:
        return v.date()
    if t is dt.date:
        return v
    raise NoMatch


@builtin("date", "year", "month", "day")
def date3(year: Any, month: Any, day: Any) -> dt.date:
    return dt.date(integer(year), integer(month), integer(day))


@builtin("date and time", "from")
def date_and_time(v: Any) -> dt.datetime:
    d = parse_datetime(string(v))
    if d is None:
        raise _invalid("date and time", v)
    return d


@builtin("date and time", "date", "time")
def date_and_time2(d: Any, t: Any) -> dt.datetime:
    if type(d) not in (dt.date, dt.datetime):
        raise NoMatch
    day = d if type(d) is dt.date else d.date()
    if type(t) is dt.time:
        return dt.datetime.combine(day, t)
    if type(t) is str and type(d) is dt.datetime:
        tz = zone(t)
        if tz is None:
            raise InvalidValue(f"unknown time zone '{t}'")
        if d.tzinfo is None:
            return d.replace(tzinfo=tz)
        return d.astimezone(tz)
    raise NoMatch


@builtin("time", "from")
def time(v: Any) -> dt.time:
    t = type(v)
    if t is str:
        r = parse_time(v)
        if r is None:
            raise _invalid("time", v)
        return r
    if t is dt.datetime:
        return v.timetz()
    if t is dt.date:
        return dt.time(0, 0, tzinfo=dt.UTC)
    if t is dt.time:
        return v
    raise NoMatch


def _seconds(second: Any) -> tuple[int, int]:
    s = Decimal(number(second))
    whole = int(s)
    micro = int((s - whole) * 1_000_000)
    return whole, micro


@builtin("time", "hour", "minute", "second")
def time3(hour: Any, minute: Any, second: Any) -> dt.time:
    s, micro = _seconds(second)
    return dt.time(integer(hour), integer(minute), s, micro)


@builtin("time", "hour", "minute", "second", "offset")
def time4(hour: Any, minute: Any, second: Any, offset: Any) -> dt.time:
    s, micro = _seconds(second)
    if offset is None:
        return dt.time(integer(hour), integer(minute), s)
    if type(offset) is not dt.timedelta:
        raise NoMatch
    tz = dt.timezone(dt.timedelta(seconds=int(offset.total_seconds())))
    return dt.time(integer(hour), integer(minute), s, micro, tzinfo=tz)


def _parse_number(text: str) -> Any:
    t = text.strip() if text != text.strip() else text
    if (
        not t
        or t != text
        or "_" in t
        or t.lower() in ("nan", "inf", "infinity", "-inf", "+inf", "-infinity", "+infinity")
    ):
        raise _invalid("number", text)
    try:
        d = Decimal(t)
    except InvalidOperation as exc:
        raise _invalid("number", text) from exc
    if not d.is_finite():
        raise _invalid("number", text)
    d = DECIMAL.plus(d)
    return d


@builtin("number", "from")
def number1(v: Any) -> Any:
    return _parse_number(string(v))


_GROUPING = (" ", ",", ".")


@builtin("number", "from", "grouping separator")
def number2(v: Any, grouping: Any) -> Any:
    text, g = string(v), string(grouping)
    if g not in _GROUPING:
        raise InvalidValue("the grouping separator must be one of ' ', ',' or '.'")
    return _parse_number(text.replace(g, ""))


@builtin("number", "from", "grouping separator", "decimal separator")
def number3(v: Any, grouping: Any, decimal: Any) -> Any:
    text = string(v)
    if grouping is not None:
        g = string(grouping)
        if g not in _GROUPING:
            raise InvalidValue("the grouping separator must be one of ' ', ',' or '.'")
        text = text.replace(g, "")
    if decimal is not None:
        d = string(decimal)
        if d not in (",", ".") or d == grouping:
            raise InvalidValue("the decimal separator must be ',' or '.'")
        text = text.replace(d, ".")
    return _parse_number(text)


@builtin("string", "from")
def string_(v: Any) -> Any:
    if v is None:
        return None
    return to_string(v)


@builtin("duration", "from")
def duration(v: Any) -> Any:
    d = parse_duration(string(v))
    if d is None:
        raise _invalid("duration", v)
    return d


def _months_between(a: dt.date, b: dt.date) -> int:
    months = (b.year - a.year) * 12 + (b.month - a.month)
    if months > 0 and b.day < a.day:
        months -= 1
    elif months < 0 and b.day > a.day:
        months += 1
    return months


@builtin("years and months duration", "from", "to")
def years_and_months(a: Any, b: Any) -> YearsMonthsDuration:
    if type(a) not in (dt.date, dt.datetime) or type(b) not in (dt.date, dt.datetime):
        raise NoMatch
    da = a if type(a) is dt.date else a.date()
    db = b if type(b) is dt.date else b.date()
    if (
        type(a) is dt.datetime
        and type(b) is dt.datetime
        and ((a.tzinfo is None) != (b.tzinfo is None))
    ):
        pass  # feel-scala compares the local dates either way
    return YearsMonthsDuration(0, _months_between(da, db))


@builtin("from json", "json")
def from_json(text: Any) -> Any:
    if text is None:
        return None
    try:
        return from_python(json.loads(string(text), parse_float=Decimal))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise InvalidValue(f"failed to parse JSON from '{text}'") from exc


@builtin("to json", "value")
def to_json(v: Any) -> str:
    return _dump(v)


def _dump(v: Any) -> str:
    t = type(v)
    if v is None:
        return "null"
    if t is bool:
        return "true" if v else "false"
    if t is int:
        return str(v)
    if t is Decimal:
        return str(v)
    if t is str:
        return json.dumps(v, ensure_ascii=False)
    if t is list:
        return "[" + ",".join(_dump(i) for i in v) + "]"
    if t is dict:
        return (
            "{"
            + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _dump(i) for k, i in v.items())
            + "}"
        )
    if type(v) in (FeelRange, FeelFunction):
        return json.dumps(to_string(v), ensure_ascii=False)
    return json.dumps(format_iso(v), ensure_ascii=False)

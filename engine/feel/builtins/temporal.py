"""Temporal functions: now, today, day of year, day of week, month of year, week of year,
last day of month (feel-scala ``TemporalBuiltinFunctions``).

``now()`` and ``today()`` read the evaluation's clock, which the engine can pin in tests.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..runtime import State
from ..temporal import last_day
from . import NoMatch, builtin

_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@builtin("now", state=True)
def now(state: State) -> dt.datetime:
    return state.clock()


@builtin("today", state=True)
def today(state: State) -> dt.date:
    return state.clock().date()


def _date(v: Any) -> dt.date:
    t = type(v)
    if t is dt.date:
        return v
    if t is dt.datetime:
        return v.date()
    raise NoMatch


@builtin("day of year", "date")
def day_of_year(v: Any) -> int:
    return _date(v).timetuple().tm_yday


@builtin("day of week", "date")
def day_of_week(v: Any) -> str:
    return _DAYS[_date(v).weekday()]


@builtin("month of year", "date")
def month_of_year(v: Any) -> str:
    return _MONTHS[_date(v).month - 1]


@builtin("week of year", "date")
def week_of_year(v: Any) -> int:
    return _date(v).isocalendar()[1]


@builtin("last day of month", "date")
def last_day_of_month(v: Any) -> int:
    d = _date(v)
    return last_day(d.year, d.month)

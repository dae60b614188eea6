"""Checking a decision's result against the ``typeRef`` of its ``<variable>``.

dmn-scala (Zeebe's DMN engine) checks only this one ``typeRef`` and never converts: a result of
the wrong type fails the evaluation, ``null`` always passes, the ``feel:`` prefix is allowed and
types it does not know (item definitions, ``Any``, ``context``, ``list``) are not checked. Input
and output column ``typeRef`` are documentation only. We do exactly the same, so a table that
evaluates on Camunda 8 evaluates here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from engine.dmn.expressions import is_years_months_duration, to_json
from engine.dmn.results import to_json_text


def type_mismatch(type_ref: str, value: Any) -> str | None:
    """Why ``value`` is not of ``type_ref``, or ``None`` when it is (or cannot be checked)."""
    if value is None:
        return None
    type_name = type_ref.removeprefix("feel:")
    check = _CHECKS.get(type_name)
    if check is None or check(value):
        return None
    return (
        f"expected the result to be of type '{type_name}', but found {to_json_text(to_json(value))}"
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | Decimal | float) and not isinstance(value, bool)


_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "date": lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime),
    "dateTime": lambda v: isinstance(v, dt.datetime),
    "time": lambda v: isinstance(v, dt.time),
    "dayTimeDuration": lambda v: isinstance(v, dt.timedelta),
    "yearMonthDuration": is_years_months_duration,
}

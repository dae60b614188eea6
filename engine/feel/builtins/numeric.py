"""Numeric functions (feel-scala ``NumericBuiltinFunctions``).

Rounding works on exact decimals; sqrt/log/exp go through binary floating point exactly as
feel-scala does (``Math.sqrt(n.toDouble)``), so their digits match.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)
from typing import Any

from ..errors import InvalidValue
from ..values import DECIMAL, YearsMonthsDuration
from . import NoMatch, builtin
from .checks import integer, number, string

_MODES = {
    "UP": ROUND_UP,
    "DOWN": ROUND_DOWN,
    "CEILING": ROUND_CEILING,
    "FLOOR": ROUND_FLOOR,
    "HALF_UP": ROUND_HALF_UP,
    "HALF_DOWN": ROUND_HALF_DOWN,
    "HALF_EVEN": ROUND_HALF_EVEN,
}


def _round(n: Any, scale: Any, mode: str) -> Any:
    n = number(n)
    s = integer(scale)
    if abs(s) > 6000:
        raise InvalidValue("scale out of range")
    d = Decimal(n)
    result = d.quantize(Decimal(1).scaleb(-s), rounding=mode, context=DECIMAL)
    return result


def _float_result(f: float) -> Decimal:
    if math.isnan(f) or math.isinf(f):
        raise InvalidValue("no finite result")
    return Decimal(repr(f))


@builtin("decimal", "n", "scale")
def decimal(n: Any, scale: Any) -> Any:
    return _round(n, scale, ROUND_HALF_EVEN)


@builtin("decimal", "n", "scale", "mode")
def decimal3(n: Any, scale: Any, mode: Any) -> Any:
    name = string(mode).upper()
    if name == "UNNECESSARY":
        rounded = _round(n, scale, ROUND_DOWN)
        if rounded != number(n):
            raise InvalidValue("rounding necessary")
        return rounded
    m = _MODES.get(name)
    if m is None:
        raise InvalidValue(f"illegal rounding mode '{mode}'")
    return _round(n, scale, m)


@builtin("floor", "n")
def floor(n: Any) -> Any:
    return _round(n, 0, ROUND_FLOOR)


@builtin("floor", "n", "scale")
def floor2(n: Any, scale: Any) -> Any:
    return _round(n, scale, ROUND_FLOOR)


@builtin("ceiling", "n")
def ceiling(n: Any) -> Any:
    return _round(n, 0, ROUND_CEILING)


@builtin("ceiling", "n", "scale")
def ceiling2(n: Any, scale: Any) -> Any:
    return _round(n, scale, ROUND_CEILING)


@builtin("round up", "n", "scale")
def round_up(n: Any, scale: Any) -> Any:
    return _round(n, scale, ROUND_UP)


@builtin("round down", "n", "scale")
def round_down(n: Any, scale: Any) -> Any:
    return _round(n, scale, ROUND_DOWN)


@builtin("round half up", "n", "scale")
def round_half_up(n: Any, scale: Any) -> Any:
    return _round(n, scale, ROUND_HALF_UP)


@builtin("round half down", "n", "scale")
def round_half_down(n: Any, scale: Any) -> Any:
    return _round(n, scale, ROUND_HALF_DOWN)


def _abs(n: Any) -> Any:
    t = type(n)
    if t is int:
        return abs(n)
    if t is Decimal:
        return DECIMAL.abs(n)
    if t is YearsMonthsDuration:
        return YearsMonthsDuration(0, abs(n.months))
    if t is dt.timedelta:
        return abs(n)
    raise NoMatch


builtin("abs", "number")(_abs)
builtin("abs", "n")(_abs)


@builtin("modulo", "dividend", "divisor")
def modulo(dividend: Any, divisor: Any) -> Any:
    a, b = number(dividend), number(divisor)
    if b == 0:
        raise InvalidValue("division by zero")
    if type(a) is int and type(b) is int:
        return a % b  # Python's % already takes the sign of the divisor
    r = DECIMAL.remainder(DECIMAL.add(DECIMAL.remainder(Decimal(a), b), b), b)
    return r


@builtin("sqrt", "number")
def sqrt(n: Any) -> Any:
    n = number(n)
    if n < 0:
        return None
    return _float_result(math.sqrt(float(n)))


@builtin("log", "number")
def log(n: Any) -> Any:
    n = number(n)
    if n <= 0:
        raise InvalidValue("log of a number <= 0")
    return _float_result(math.log(float(n)))


@builtin("exp", "number")
def exp(n: Any) -> Any:
    return _float_result(math.exp(float(number(n))))


@builtin("odd", "number")
def odd(n: Any) -> bool:
    n = number(n)
    return abs(n) % 2 == 1


@builtin("even", "number")
def even(n: Any) -> bool:
    return number(n) % 2 == 0


@builtin("random number")
def random_number() -> Any:
    return _float_result(random.random())

"""Arithmetic on FEEL values (``+ - * / **`` and negation), following feel-scala's type table.

Each function returns the result or raises :class:`InvalidValue`; the interpreter turns that
into null, as feel-scala does ("Can't add '1' to '"a"'" is a suppressed failure).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any

from .errors import InvalidValue
from .temporal import add_duration, add_months, duration_millis, time_difference
from .values import DECIMAL, YearsMonthsDuration, from_float, normalize_int, show

_D = dt.date
_DT = dt.datetime
_T = dt.time
_TD = dt.timedelta
_YM = YearsMonthsDuration


def _floats(x: Any, y: Any) -> tuple[Any, Any, type, type]:
    """Variables keep JSON floats as they came; read them as the decimal they print as."""
    if type(x) is float:
        x = from_float(x)
    if type(y) is float:
        y = from_float(y)
    return x, y, type(x), type(y)


_MESSAGES = {
    "add": "Can't add '{y}' to '{x}'",
    "subtract": "Can't subtract '{y}' from '{x}'",
    "multiply": "Can't multiply '{x}' by '{y}'",
    "divide": "Can't divide '{x}' by '{y}'",
    "raise": "Can't raise '{x}' to the power of '{y}'",
}


def _fail(verb: str, x: Any, y: Any) -> InvalidValue:
    return InvalidValue(_MESSAGES[verb].format(x=show(x), y=show(y)))


def _same_kind(x: Any, y: Any) -> bool:
    return (x.tzinfo is None) == (y.tzinfo is None)


def add(x: Any, y: Any) -> Any:
    tx, ty = type(x), type(y)
    if tx is float or ty is float:
        x, y, tx, ty = _floats(x, y)
    if tx is int and ty is int:
        return normalize_int(x + y)
    if (tx is int or tx is Decimal) and (ty is int or ty is Decimal):
        return DECIMAL.add(x, y)
    if tx is str and ty is str:
        return x + y
    if ty is _TD and tx in (_DT, _D, _T):
        return add_duration(x, y)
    if tx is _TD and ty in (_DT, _D, _T):
        return add_duration(y, x)
    if tx is _TD and ty is _TD:
        return x + y
    if ty is _YM and tx in (_DT, _D):
        return add_months(x, y.months)
    if tx is _YM and ty in (_DT, _D):
        return add_months(y, x.months)
    if tx is _YM and ty is _YM:
        return _YM(0, x.months + y.months)
    raise _fail("add", x, y)


def subtract(x: Any, y: Any) -> Any:
    tx, ty = type(x), type(y)
    if tx is float or ty is float:
        x, y, tx, ty = _floats(x, y)
    if tx is int and ty is int:
        return normalize_int(x - y)
    if (tx is int or tx is Decimal) and (ty is int or ty is Decimal):
        return DECIMAL.subtract(x, y)
    if tx is _DT and ty is _DT:
        if not _same_kind(x, y):
            raise _fail("subtract", x, y)
        return x - y
    if tx is _D and ty is _D:
        return x - y
    if tx is _T and ty is _T:
        if not _same_kind(x, y):
            raise _fail("subtract", x, y)
        return time_difference(x, y)
    if ty is _TD and tx in (_DT, _D, _T):
        return add_duration(x, -y)
    if ty is _YM and tx in (_DT, _D):
        return add_months(x, -y.months)
    if tx is _TD and ty is _TD:
        return x - y
    if tx is _YM and ty is _YM:
        return _YM(0, x.months - y.months)
    raise _fail("subtract", x, y)


def _int_value(n: Any) -> int:
    # Java's BigDecimal.intValue truncates towards zero
    return int(n)


def multiply(x: Any, y: Any) -> Any:
    tx, ty = type(x), type(y)
    if tx is float or ty is float:
        x, y, tx, ty = _floats(x, y)
    if tx is int and ty is int:
        return normalize_int(x * y)
    num_x = tx is int or tx is Decimal
    num_y = ty is int or ty is Decimal
    if num_x and num_y:
        return DECIMAL.multiply(x, y)
    if num_x and ty is _YM:
        return _YM(0, y.months * _int_value(x))
    if tx is _YM and num_y:
        return _YM(0, x.months * _int_value(y))
    if num_x and ty is _TD:
        return y * _int_value(x)
    if tx is _TD and num_y:
        return x * _int_value(y)
    raise _fail("multiply", x, y)


def divide(x: Any, y: Any) -> Any:
    tx, ty = type(x), type(y)
    if tx is float or ty is float:
        x, y, tx, ty = _floats(x, y)
    num_x = tx is int or tx is Decimal
    num_y = ty is int or ty is Decimal
    if num_x and num_y:
        if y == 0:
            raise _fail("divide", x, y)
        return DECIMAL.divide(x, y)
    if tx is _YM and num_y:
        if y == 0:
            raise _fail("divide", x, y)
        return _YM(0, int(DECIMAL.divide(x.months, y)))
    if tx is _YM and ty is _YM:
        if y.months == 0:
            raise _fail("divide", x, y)
        return int(x.months / y.months)  # Long division in feel-scala
    if tx is _TD and ty is _TD:
        ym = duration_millis(y)
        if ym == 0:
            raise _fail("divide", x, y)
        return int(duration_millis(x) / ym)
    if tx is _TD and num_y:
        if y == 0:
            raise _fail("divide", x, y)
        millis = int(DECIMAL.divide(duration_millis(x), y))
        return dt.timedelta(milliseconds=millis)
    raise _fail("divide", x, y)


def power(x: Any, y: Any) -> Any:
    tx, ty = type(x), type(y)
    if tx is float or ty is float:
        x, y, tx, ty = _floats(x, y)
    if not ((tx is int or tx is Decimal) and (ty is int or ty is Decimal)):
        raise _fail("raise", x, y)
    if y == y.to_integral_value() if ty is Decimal else True:
        e = int(y)
        if abs(e) > 999_999_999:
            raise InvalidValue("exponent too large")
        if tx is int and e >= 0 and (abs(x) < 2 or e * max(abs(x), 1).bit_length() < 120):
            return normalize_int(x**e)
        return java_pow(Decimal(x), e)
    # non-integral exponent: feel-scala goes through double
    try:
        result = float(x) ** float(y)
    except (OverflowError, ZeroDivisionError) as exc:
        raise InvalidValue("number too large") from exc
    if isinstance(result, complex):
        raise InvalidValue("no real result")
    return Decimal(repr(result))


def java_pow(x: Decimal, n: int) -> Decimal:
    """``BigDecimal.pow(n, DECIMAL128)`` step by step (ANSI X3.274), so that results agree
    with feel-scala to the last digit: square-and-multiply at 34 + digits(n) + 1 digits,
    a reciprocal for negative n, then rounding to 34 digits."""
    if n == 0:
        return Decimal(1)
    mag = abs(n)
    work = Context(
        prec=DECIMAL.prec + len(str(mag)) + 1,
        rounding=ROUND_HALF_EVEN,
        Emax=DECIMAL.Emax,
        Emin=DECIMAL.Emin,
    )
    acc = Decimal(1)
    seen = False
    for bit in bin(mag)[2:]:
        if seen:
            acc = work.multiply(acc, acc)
        if bit == "1":
            seen = True
            acc = work.multiply(acc, x)
    if n < 0:
        acc = work.divide(Decimal(1), acc)
    return DECIMAL.plus(acc)


def negate(x: Any) -> Any:
    if type(x) is float:
        x = from_float(x)
    t = type(x)
    if t is int:
        return -x
    if t is Decimal:
        return DECIMAL.minus(x)
    raise InvalidValue(f"Can't negate '{show(x)}'")


ARITHMETIC = {"+": add, "-": subtract, "*": multiply, "/": divide, "**": power}

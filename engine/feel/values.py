"""FEEL values as Python values, and the operations every part of the interpreter shares.

Representation (chosen so that results need no unwrapping for the engine):

==========================  ===========================================================
FEEL                        Python
==========================  ===========================================================
null                        ``None``
boolean                     ``bool``
number                      ``int`` or ``decimal.Decimal`` (never ``float``; floats that
                            come in are read as the decimal they print as)
string                      ``str``
date                        ``datetime.date``
time                        ``datetime.time`` (naive = local time, else with offset/zone)
date and time               ``datetime.datetime`` (naive = local, else with offset/zone)
days and time duration      ``datetime.timedelta``
years and months duration   :class:`YearsMonthsDuration`
list / context              ``list`` / ``dict`` with ``str`` keys
range                       :class:`FeelRange`
function                    :class:`FeelFunction`
==========================  ===========================================================
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from typing import Any

# feel-scala computes with Scala's BigDecimal and MathContext.DECIMAL128: 34 significant digits
DECIMAL = Context(prec=34, rounding=ROUND_HALF_EVEN, Emax=6144, Emin=-6143)
_INT_LIMIT = 10**34


class YearsMonthsDuration:
    """A years-and-months duration, stored as a signed number of months.

    ``isoformat()`` gives the ISO 8601 text feel-scala prints (``P1Y2M``, ``-P3M``, ``P0Y``).
    """

    __slots__ = ("months",)

    def __init__(self, years: int = 0, months: int = 0) -> None:
        self.months = int(years) * 12 + int(months)

    @property
    def years(self) -> int:
        return int(self.months / 12)  # truncates towards zero, like java.time.Period

    @property
    def remaining_months(self) -> int:
        return self.months - self.years * 12

    def isoformat(self) -> str:
        total = self.months
        if total == 0:
            return "P0Y"
        sign = "-" if total < 0 else ""
        y, m = divmod(abs(total), 12)
        return sign + "P" + (f"{y}Y" if y else "") + (f"{m}M" if m else "")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, YearsMonthsDuration) and other.months == self.months

    def __hash__(self) -> int:
        return hash(("ym", self.months))

    def __lt__(self, other: YearsMonthsDuration) -> bool:
        return self.months < other.months

    def __le__(self, other: YearsMonthsDuration) -> bool:
        return self.months <= other.months

    def __gt__(self, other: YearsMonthsDuration) -> bool:
        return self.months > other.months

    def __ge__(self, other: YearsMonthsDuration) -> bool:
        return self.months >= other.months

    def __repr__(self) -> str:
        return f"YearsMonthsDuration({self.isoformat()!r})"

    def __str__(self) -> str:
        return self.isoformat()


@dataclass(frozen=True, slots=True)
class FeelRange:
    """A range such as ``[1..10)``; a missing end (``< 10`` as a range) is ``None``."""

    start: Any
    end: Any
    start_included: bool = True
    end_included: bool = True

    def contains(self, value: Any) -> bool | None:
        """True/False, or None when the value cannot be compared with the bounds."""
        if self.start is not None:
            c = compare(value, self.start)
            if c is None:
                return None
            if c < 0 or (c == 0 and not self.start_included):
                return False
        if self.end is not None:
            c = compare(value, self.end)
            if c is None:
                return None
            if c > 0 or (c == 0 and not self.end_included):
                return False
        return True

    def __str__(self) -> str:
        return (
            ("[" if self.start_included else "(")
            + to_string(self.start)
            + ".."
            + to_string(self.end)
            + ("]" if self.end_included else ")")
        )


class FeelFunction:
    """A FEEL function value: a built-in or a ``function(a, b) ...`` definition.

    ``invoke(args, state)`` receives the arguments in parameter order (missing named arguments
    are ``None``; with ``varargs`` the last parameter receives a list) and the evaluation state
    (clock, budget), because function values can outlive the evaluation that made them.
    """

    __slots__ = ("invoke", "name", "params", "varargs")

    def __init__(
        self,
        params: Sequence[str],
        invoke: Callable[[list[Any], Any], Any],
        *,
        varargs: bool = False,
        name: str = "anonymous",
    ) -> None:
        self.params = tuple(params)
        self.invoke = invoke
        self.varargs = varargs
        self.name = name

    def __repr__(self) -> str:
        return f"function({', '.join(self.params)})"


# ---------------------------------------------------------------------------- type names


def type_name(v: Any) -> str:
    """The FEEL type name of a value, as ``instance of`` and error messages use it."""
    if v is None:
        return "null"
    t = type(v)
    if t is bool:
        return "boolean"
    if t is int or t is Decimal or t is float:
        return "number"
    if t is str:
        return "string"
    if t is dt.datetime:
        return "date and time"
    if t is dt.date:
        return "date"
    if t is dt.time:
        return "time"
    if t is dt.timedelta:
        return "days and time duration"
    if t is YearsMonthsDuration:
        return "years and months duration"
    if t is list:
        return "list"
    if t is dict:
        return "context"
    if t is FeelRange:
        return "range"
    if t is FeelFunction:
        return "function"
    return t.__name__


# comparison classes: values compare only within the same class (feel-scala: same Val class)
_NUM, _STR, _BOOL, _DATE, _LTIME, _TIME, _LDT, _DT, _YM, _DTD, _LIST, _CTX = range(12)


def kind(v: Any) -> int:
    t = type(v)
    if t is int or t is Decimal or t is float:
        return _NUM
    if t is str:
        return _STR
    if t is bool:
        return _BOOL
    if t is dt.datetime:
        return _LDT if v.tzinfo is None else _DT
    if t is dt.date:
        return _DATE
    if t is dt.time:
        return _LTIME if v.tzinfo is None else _TIME
    if t is dt.timedelta:
        return _DTD
    if t is YearsMonthsDuration:
        return _YM
    if t is list:
        return _LIST
    if t is dict:
        return _CTX
    return -1


_ORDERED = {_NUM, _STR, _DATE, _LTIME, _TIME, _LDT, _DT, _YM, _DTD}


def _time_key(t: dt.time) -> Any:
    """Times with an offset compare as instants on an arbitrary common day."""
    from .temporal import time_instant

    return time_instant(t)


def compare(x: Any, y: Any) -> int | None:
    """-1/0/1 for two comparable values of the same type, else None."""
    if type(x) is float:
        x = from_float(x)
    if type(y) is float:
        y = from_float(y)
    kx = kind(x)
    if kx != kind(y) or kx not in _ORDERED:
        return None
    if kx == _TIME:
        x, y = _time_key(x), _time_key(y)
    try:
        return -1 if x < y else (1 if x > y else 0)
    except (TypeError, InvalidOperation):
        return None


def equal(x: Any, y: Any) -> bool | None:
    """FEEL ``=``: null equals only null; different types give None (feel-scala: null)."""
    if x is None or y is None:
        return x is None and y is None
    if type(x) is float:
        x = from_float(x)
    if type(y) is float:
        y = from_float(y)
    kx = kind(x)
    if kx != kind(y):
        return None
    if kx == _LIST:
        if len(x) != len(y):
            return False
        return all(equal(a, b) is True for a, b in zip(x, y, strict=True))
    if kx == _CTX:
        if x.keys() != y.keys():
            return False
        return all(equal(x[k], y[k]) is True for k in x)
    if kx == _TIME:
        return _time_key(x) == _time_key(y) and x.tzinfo == y.tzinfo
    if kx == _DT:
        return x == y and x.utcoffset() == y.utcoffset()
    if kx == -1:  # ranges and functions are not comparable (feel-scala's ValComparator)
        return None
    return bool(x == y)


# ---------------------------------------------------------------------------- numbers


def is_number(v: Any) -> bool:
    t = type(v)
    return t is int or t is Decimal or t is float


def to_decimal(v: int | Decimal) -> Decimal:
    return v if type(v) is Decimal else Decimal(v)


def normalize_int(v: int) -> int | Decimal:
    """Ints beyond 34 digits are rounded like feel-scala's BigDecimal would."""
    if -_INT_LIMIT < v < _INT_LIMIT:
        return v
    return DECIMAL.create_decimal(v)


def number_result(v: Any) -> Any:
    """int when integral (as the API promises), else the Decimal itself."""
    if type(v) is Decimal:
        if not v.is_finite():
            return None
        if v == v.to_integral_value():
            return int(v)
        return v
    return v


def from_float(f: float) -> Decimal | int | None:
    """Floats from JSON are read as the decimal they print as (0.1 stays 0.1)."""
    if math.isnan(f) or math.isinf(f):
        return None
    d = Decimal(repr(f))
    return int(d) if d == d.to_integral_value() and abs(d) < _INT_LIMIT else d


# ---------------------------------------------------------------------------- conversions

_CLEAN = frozenset(
    {str, int, bool, type(None), Decimal, dict, list, dt.date, dt.time, dt.datetime, dt.timedelta}
)


def from_variable(v: Any) -> Any:
    """A variable's value as the interpreter reads it, converted lazily.

    JSON-shaped values (dicts, lists, str, int, float, bool, None) are used as they are, so
    that a condition over a large order does not pay for copying it: floats are read as
    decimals wherever a number is used (``values.compare``, ``operators``, built-in
    arguments, results).  Anything else is converted deeply with :func:`from_python`.
    """
    t = type(v)
    if t in _CLEAN:
        return v
    if t is float:
        return from_float(v)
    return from_python(v)


def from_python(v: Any) -> Any:
    """Make an input value a FEEL value; returns the very same object when nothing changes.

    Floats become decimals, tuples lists, non-string keys strings; unknown objects become null.
    """
    t = type(v)
    if t is str or t is int or t is bool or v is None or t is Decimal:
        return v
    if t is float:
        return from_float(v)
    if t is dict:
        changed = False
        out = {}
        for k, item in v.items():
            conv = from_python(item)
            if conv is not item or type(k) is not str:
                changed = True
            out[k if type(k) is str else str(k)] = conv
        return out if changed else v
    if t is list or t is tuple:
        conv_items = [from_python(item) for item in v]
        if t is list and all(a is b for a, b in zip(conv_items, v, strict=True)):
            return v
        return conv_items
    if t in (
        dt.date,
        dt.time,
        dt.datetime,
        dt.timedelta,
        YearsMonthsDuration,
        FeelRange,
        FeelFunction,
    ):
        return v
    if isinstance(v, bool):
        return bool(v)
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return from_float(float(v))
    if isinstance(v, Decimal):
        return Decimal(v)
    if isinstance(v, str):
        return str(v)
    if isinstance(v, dict):
        return {str(k): from_python(i) for k, i in v.items()}
    if isinstance(v, (list, tuple)):
        return [from_python(i) for i in v]
    if isinstance(v, dt.datetime):
        return dt.datetime.combine(v.date(), v.timetz())
    if isinstance(v, dt.date):
        return dt.date(v.year, v.month, v.day)
    if callable(v) and not isinstance(v, type):
        return python_function(v)
    return None


def python_function(fn: Callable[..., Any]) -> FeelFunction | None:
    """A Python callable passed as a variable becomes a FEEL function (``f(1, b: 2)``);
    its result is read back like any other variable value."""
    import inspect

    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    params: list[str] = []
    varargs = False
    for p in signature.parameters.values():
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            params.append(p.name)
        elif p.kind is p.VAR_POSITIONAL:
            params.append(p.name)
            varargs = True
            break

    def invoke(args: list[Any], state: Any) -> Any:
        from .errors import FeelError, InvalidValue

        if varargs:
            args = [*args[:-1], *args[-1]]
        try:
            result = fn(*(to_python(a) for a in args))
        except (FeelError, RecursionError):
            raise
        except Exception as exc:  # the caller's function failed: null, as for built-ins
            raise InvalidValue(f"{type(exc).__name__}: {exc}") from exc
        return from_python(result)

    return FeelFunction(params, invoke, varargs=varargs, name=getattr(fn, "__name__", "function"))


def to_python(v: Any) -> Any:
    """The value handed back by ``evaluate``: integral decimals become ints (deeply)."""
    t = type(v)
    if t is Decimal:
        return number_result(v)
    if t is float:
        return number_result(from_float(v))
    if t is tuple:
        return [to_python(i) for i in v]
    if t is list:
        return [to_python(i) for i in v]
    if t is dict:
        return {k if type(k) is str else str(k): to_python(i) for k, i in v.items()}
    return v


def to_string(v: Any) -> str:
    """The text feel-scala's ``string()`` gives for a value (null → "null")."""
    from .temporal import format_temporal

    if v is None:
        return "null"
    t = type(v)
    if t is str:
        return v
    if t is bool:
        return "true" if v else "false"
    if t is int:
        return str(v)
    if t is Decimal:
        return _decimal_string(v)
    if t is list:
        return "[" + ", ".join(_nested_string(i) for i in v) + "]"
    if t is dict:
        return "{" + ", ".join(f"{k}:{_nested_string(i)}" for k, i in v.items()) + "}"
    if t is FeelRange or t is FeelFunction:
        return str(v) if t is FeelRange else repr(v)
    text = format_temporal(v)
    return text if text is not None else str(v)


def _nested_string(v: Any) -> str:
    if type(v) is str:
        return '"' + v + '"'
    return to_string(v)


def _decimal_string(d: Decimal) -> str:
    # Java BigDecimal.toString and Python str(Decimal) implement the same
    # to-scientific-string rules, so the text matches feel-scala.
    return str(d)


def to_json_value(v: Any) -> Any:
    """FEEL result → JSON-compatible Python, as Zeebe stores a FEEL result as a variable.

    Integral numbers become ``int``, others ``float``; temporal values the text Zeebe writes
    (see :func:`temporal.format_zeebe`: ``2024-01-02``, ``2024-01-02T03:04:05Z``,
    ``10:30``, ``P1DT12H``, ``P1Y2M``); ranges and functions become null (Zeebe cannot store
    them either).
    """
    from .temporal import format_zeebe

    t = type(v)
    if v is None or t is str or t is bool or t is int:
        return v
    if t is Decimal:
        n = number_result(v)
        return float(n) if type(n) is Decimal else n
    if t is float:
        n = number_result(from_float(v))
        return float(n) if type(n) is Decimal else n
    if t is list or t is tuple:
        return [to_json_value(i) for i in v]
    if t is dict:
        return {str(k): to_json_value(i) for k, i in v.items()}
    return format_zeebe(v)


def show(v: Any) -> str:
    """A value as feel-scala prints it in messages: strings quoted, null as null."""
    text = _nested_string(v)
    return text if len(text) <= 60 else text[:57] + "..."

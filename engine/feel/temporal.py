"""Temporal values: parsing ISO text the way feel-scala does, printing it back, arithmetic
and properties.

Python's datetime types stand in for java.time: a naive ``datetime``/``time`` is feel-scala's
LocalDateTime/LocalTime, an aware one its ZonedDateTime/ZonedTime.  Arithmetic on aware
date-times goes through UTC (java.time adds a Duration to the instant, not the wall clock).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from .values import YearsMonthsDuration

UTC = dt.UTC

_DATE = r"(-?\d{4,9})-(\d{2})-(\d{2})"
_TIME = r"(\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d{1,9}))?"
_OFFSET = r"(Z|[+-]\d{2}:\d{2}(?::\d{2})?)?(?:\[([^\]]+)\])?(?:@(.+))?"
_DATE_RE = re.compile(_DATE + r"$")
_TIME_RE = re.compile(r"T?" + _TIME + _OFFSET + r"$")
_DATETIME_RE = re.compile(_DATE + "T" + _TIME + _OFFSET + r"$")
_YM_RE = re.compile(r"(-)?P(?:(-?\d+)Y)?(?:(-?\d+)M)?$")
_DTD_RE = re.compile(
    r"(-)?P(?:(-?\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+)(?:\.(\d{0,9}))?S)?)?$"
)


def zone(name: str) -> dt.tzinfo | None:
    """A time zone from an id (``Europe/Berlin``, ``UTC``, ``Z``, ``+01:00``) or None."""
    if name in ("Z", "UTC", "GMT") or name == "Etc/UTC":
        return ZoneInfo("UTC") if name != "Z" else UTC
    m = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?", name)
    if m:
        delta = dt.timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0))
        return dt.timezone(-delta if m.group(1) == "-" else delta)
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return None
    except Exception:  # zoneinfo raises several types for odd names
        return None


def _offset(text: str | None) -> dt.tzinfo | None:
    if text is None:
        return None
    if text == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    parts = [int(p) for p in text[1:].split(":")]
    delta = dt.timedelta(
        hours=parts[0], minutes=parts[1], seconds=parts[2] if len(parts) > 2 else 0
    )
    if delta > dt.timedelta(hours=18):
        raise ValueError("offset out of range")
    return dt.timezone(sign * delta)


def _tz(offset: str | None, bracket: str | None, at: str | None) -> dt.tzinfo | None:
    name = bracket or at
    if name is not None:
        tz = zone(name)
        if tz is None:
            raise ValueError(f"unknown time zone {name!r}")
        return tz
    return _offset(offset)


def _micro(fraction: str | None) -> int:
    return int((fraction or "").ljust(6, "0")[:6])


def parse_date(text: str) -> dt.date | None:
    m = _DATE_RE.match(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_time(text: str) -> dt.time | None:
    m = _TIME_RE.match(text)
    if not m:
        return None
    h, mi, s, frac, off, bracket, at = m.groups()
    try:
        tz = _tz(off, bracket, at)
        return dt.time(int(h), int(mi), int(s or 0), _micro(frac), tzinfo=tz)
    except ValueError:
        return None


def parse_datetime(text: str) -> dt.datetime | None:
    """``date and time("...")``: a date alone means midnight (feel-scala does the same)."""
    d = parse_date(text)
    if d is not None:
        return dt.datetime(d.year, d.month, d.day)
    m = _DATETIME_RE.match(text)
    if not m:
        return None
    y, mo, da, h, mi, s, frac, off, bracket, at = m.groups()
    try:
        tz = _tz(off, bracket, at)
        hour = int(h)
        extra = dt.timedelta(0)
        if hour == 24 and mi == "00" and int(s or 0) == 0 and not frac:
            hour, extra = 0, dt.timedelta(days=1)
        value = dt.datetime(int(y), int(mo), int(da), hour, int(mi), int(s or 0), _micro(frac))
        value = value + extra
        if tz is not None:
            value = value.replace(tzinfo=tz)
        return value
    except (ValueError, OverflowError):
        return None


def parse_duration(text: str) -> dt.timedelta | YearsMonthsDuration | None:
    m = _YM_RE.match(text)
    if m and (m.group(2) or m.group(3)):
        sign = -1 if m.group(1) else 1
        return YearsMonthsDuration(sign * int(m.group(2) or 0), sign * int(m.group(3) or 0))
    m = _DTD_RE.match(text)
    if not m or not any(m.group(i) for i in (2, 3, 4, 5)):
        return None
    if "T" in text and not any(m.group(i) for i in (3, 4, 5)):
        return None
    neg, d, h, mi, s, frac = m.groups()
    secs = int(s or 0)
    micro = _micro(frac)
    if secs < 0 or (s or "").startswith("-"):
        micro = -micro
    try:
        value = dt.timedelta(
            days=int(d or 0),
            hours=int(h or 0),
            minutes=int(mi or 0),
            seconds=secs,
            microseconds=micro,
        )
    except OverflowError:
        return None
    return -value if neg else value


def parse_temporal(text: str) -> Any:
    """``@"..."``: whichever temporal type the text is; None if none."""
    for parse in (parse_date, _parse_time_strict, _parse_datetime_strict, parse_duration):
        v = parse(text)
        if v is not None:
            return v
    return parse_time(text)


def _parse_time_strict(text: str) -> dt.time | None:
    return parse_time(text) if not text.startswith("T") and re.match(r"\d{2}:", text) else None


def _parse_datetime_strict(text: str) -> dt.datetime | None:
    return parse_datetime(text) if "T" in text else None


# ---------------------------------------------------------------------------- printing


def _fraction(micro: int) -> str:
    if not micro:
        return ""
    return "." + f"{micro:06d}".rstrip("0")


def _time_text(t: dt.time | dt.datetime) -> str:
    return f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}{_fraction(t.microsecond)}"


def _offset_text(off: dt.timedelta | None) -> str:
    if off is None:
        return ""
    if not off:
        return "Z"
    sign = "-" if off < dt.timedelta(0) else "+"
    secs = int(abs(off).total_seconds())
    h, rem = divmod(secs, 3600)
    m, s = divmod(rem, 60)
    return f"{sign}{h:02d}:{m:02d}" + (f":{s:02d}" if s else "")


def zone_id(tz: dt.tzinfo | None) -> str | None:
    """The region id of a zone (``Europe/Berlin``), None for fixed offsets."""
    if isinstance(tz, ZoneInfo):
        return tz.key
    return None


def _date_text(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


def _with_zone(text: str, v: dt.time | dt.datetime) -> str:
    """``text`` followed by ``v``'s zone: ``@`` and its id, else its offset (nothing when local)."""
    if v.tzinfo is None:
        return text
    zid = zone_id(v.tzinfo)
    if zid is not None:
        return text + "@" + zid
    return text + _offset_text(v.utcoffset())


def format_temporal(v: Any) -> str | None:
    """feel-scala's text for a temporal value; None when ``v`` is not temporal."""
    t = type(v)
    if t is dt.datetime:
        return _with_zone(_date_text(v) + "T" + _time_text(v), v)
    if t is dt.date:
        return _date_text(v)
    if t is dt.time:
        return _with_zone(_time_text(v), v)
    if t is dt.timedelta:
        return format_days_time(v)
    if t is YearsMonthsDuration:
        return v.isoformat()
    return None


def _duration_parts(v: dt.timedelta) -> tuple[int, int, int, int]:
    total = v.days * 86400 + v.seconds
    if total < 0 and v.microseconds:
        total += 1  # java.time truncates seconds towards zero
    sign = -1 if total < 0 else 1
    total = abs(total)
    days, rem = divmod(total, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, seconds = divmod(rem, 60)
    return sign * days, sign * hours, sign * minutes, sign * seconds


def format_days_time(v: dt.timedelta) -> str:
    d, h, m, s = _duration_parts(v)
    if d == h == m == s == 0:
        return "P0D"
    sign = ""
    if d <= 0 and h <= 0 and m <= 0 and s <= 0:
        sign, d, h, m, s = "-", -d, -h, -m, -s
    text = "P" + (f"{d}D" if d else "")
    if h or m or s:
        text += "T" + (f"{h}H" if h else "") + (f"{m}M" if m else "") + (f"{s}S" if s else "")
    return sign + text


# ---------------------------------------------------------------------------- arithmetic


def add_months(value: Any, months: int) -> Any:
    """java.time's plusMonths: the day is clamped to the end of the target month."""
    y, m = divmod(value.month - 1 + months, 12)
    year = value.year + y
    month = m + 1
    day = min(value.day, last_day(year, month))
    return value.replace(year=year, month=month, day=day)


def last_day(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day


def add_duration(value: Any, delta: dt.timedelta) -> Any:
    """date-time/time/date + days-time duration, as java.time does it."""
    t = type(value)
    if t is dt.datetime:
        if value.tzinfo is not None and isinstance(value.tzinfo, ZoneInfo):
            return (value.astimezone(UTC) + delta).astimezone(value.tzinfo)
        return value + delta
    if t is dt.date:
        return (dt.datetime(value.year, value.month, value.day) + delta).date()
    if t is dt.time:
        base = dt.datetime.combine(dt.date(2000, 1, 1), value.replace(tzinfo=None))
        return (base + delta).time().replace(tzinfo=value.tzinfo)
    raise TypeError(t)


def standard_offset(tz: dt.tzinfo) -> dt.timedelta:
    """A time with a zone id but no date uses the zone's standard (non-summer) offset, as
    feel-scala's ZonedTime does."""
    now = dt.datetime.now(UTC).astimezone(tz)
    return (now.utcoffset() or dt.timedelta(0)) - (now.dst() or dt.timedelta(0))


def time_instant(t: dt.time) -> dt.datetime:
    """A time as an instant on an arbitrary common day (for comparing and subtracting)."""
    base = dt.datetime.combine(dt.date(2000, 1, 1), t.replace(tzinfo=None))
    return base - (time_offset(t) or dt.timedelta(0))


def time_difference(x: dt.time, y: dt.time) -> dt.timedelta:
    """x - y: signed for local times; feel-scala gives the absolute gap for times with an
    offset or zone."""
    if x.tzinfo is None:
        return time_instant(x) - time_instant(y)
    return abs(time_instant(x) - time_instant(y))


def duration_millis(v: dt.timedelta) -> int:
    return (v.days * 86400 + v.seconds) * 1000 + v.microseconds // 1000


def time_offset(v: Any) -> dt.timedelta | None:
    if v.tzinfo is None:
        return None
    off = v.utcoffset()
    if off is None and type(v) is dt.time:
        off = standard_offset(v.tzinfo)
    return off


def properties(v: Any) -> dict[str, Any] | None:
    """The properties feel-scala gives temporal values (``.year``, ``.weekday`` ...)."""
    t = type(v)
    if t is dt.datetime:
        return {
            "year": v.year,
            "month": v.month,
            "day": v.day,
            "weekday": v.isoweekday(),
            "hour": v.hour,
            "minute": v.minute,
            "second": v.second,
            "time offset": time_offset(v),
            "timezone": zone_id(v.tzinfo),
        }
    if t is dt.date:
        return {"year": v.year, "month": v.month, "day": v.day, "weekday": v.isoweekday()}
    if t is dt.time:
        return {
            "hour": v.hour,
            "minute": v.minute,
            "second": v.second,
            "time offset": time_offset(v),
            "timezone": zone_id(v.tzinfo),
        }
    if t is YearsMonthsDuration:
        return {"years": v.years, "months": v.remaining_months}
    if t is dt.timedelta:
        d, h, m, s = _duration_parts(v)
        return {"days": d, "hours": h, "minutes": m, "seconds": s}
    return None


def seconds_decimal(v: dt.timedelta) -> Decimal:
    return Decimal(v.days * 86400 + v.seconds) + Decimal(v.microseconds) / Decimal(1_000_000)


def format_iso(v: Any) -> str | None:
    """java.time's ISO text, as feel-scala's ``to json`` writes temporal values:
    ``2023-06-14T14:55:00+02:00[Europe/Berlin]``, ``14:55:00+02:00``, ``PT36H``, ``P1Y6M``."""
    t = type(v)
    if t is dt.datetime and v.tzinfo is not None:
        return _zoned_iso(v)
    if t is dt.time and v.tzinfo is not None:
        return _time_text(v) + _offset_text(time_offset(v))
    if t is dt.timedelta:
        return java_duration(v)
    if t is YearsMonthsDuration:
        if v.months == 0:
            return "P0D"
        y = v.years
        m = v.remaining_months
        return "P" + (f"{y}Y" if y else "") + (f"{m}M" if m else "")
    return format_temporal(v)


def format_zeebe(v: Any) -> str | None:
    """The text Zeebe stores for a temporal FEEL result (its FeelToMessagePackTransformer):
    dates and date-times in ISO form (``2023-06-14T14:55:00+02:00[Europe/Berlin]``), local
    times as ``LocalTime.toString`` (``14:55``), times with an offset and durations in FEEL's
    own form (``14:55:00+02:00``, ``P1DT12H``, ``P1Y2M``)."""
    t = type(v)
    if t is dt.datetime:
        if v.tzinfo is not None:
            return _zoned_iso(v)
        return _date_text(v) + "T" + _time_text(v)
    if t is dt.time and v.tzinfo is None:
        return _java_local_time(v)
    return format_temporal(v)


def _zoned_iso(v: dt.datetime) -> str:
    text = _date_text(v) + "T" + _time_text(v) + _offset_text(v.utcoffset())
    zid = zone_id(v.tzinfo)
    return text + (f"[{zid}]" if zid is not None else "")


def _java_local_time(t: dt.time) -> str:
    """``java.time.LocalTime.toString``: seconds only when not zero, fractions in groups of
    three digits."""
    text = f"{t.hour:02d}:{t.minute:02d}"
    if t.second or t.microsecond:
        text += f":{t.second:02d}"
    if t.microsecond:
        text += "." + (
            f"{t.microsecond // 1000:03d}" if t.microsecond % 1000 == 0 else f"{t.microsecond:06d}"
        )
    return text


def java_duration(v: dt.timedelta) -> str:
    """java.time.Duration.toString: hours, minutes and seconds only (``PT36H``)."""
    micros = (v.days * 86400 + v.seconds) * 1_000_000 + v.microseconds
    if micros == 0:
        return "PT0S"
    sign = -1 if micros < 0 else 1
    micros = abs(micros)
    total_seconds, frac = divmod(micros, 1_000_000)
    hours, rem = divmod(total_seconds, 3600)
    minutes, seconds = divmod(rem, 60)
    s = "-" if sign < 0 else ""
    text = "PT"
    if hours:
        text += f"{s}{hours}H"
    if minutes:
        text += f"{s}{minutes}M"
    if seconds or frac:
        text += f"{s}{seconds}" + (("." + f"{frac:06d}".rstrip("0")) if frac else "") + "S"
    return text

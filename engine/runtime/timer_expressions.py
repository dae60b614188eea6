"""ISO 8601 timer values (date, duration, repeating interval) and cron cycles, as Zeebe reads them.

* ``timeDate``: an ISO date-time (``2025-01-01T09:00:00Z``, ``...+08:00``, ``...[Asia/Shanghai]``);
  a date-time without offset is taken as UTC (Zeebe uses the system zone, UTC in its images).
* ``timeDuration``: ``PnYnMnWnDTnHnMnS`` (fractions allowed on the smallest unit).
* ``timeCycle``: ``R[n]/[start/]duration`` (``R`` alone = forever) or a Spring-style cron
  expression (6 fields, seconds first, or 5 fields; macros like ``@daily``), evaluated in UTC.

FEEL timer expressions may also produce typed values: a days-time duration (``timedelta``), a
years-months duration (has ``isoformat()``), a date-time (``datetime``); :func:`coerce_text`
turns those into the ISO text the parsers below read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

_DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<years>\d+(?:[.,]\d+)?)Y)?(?:(?P<months>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<weeks>\d+(?:[.,]\d+)?)W)?(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?$"
)


class TimerValueError(ValueError):
    """A timer value that cannot be read; the message says what was expected."""


@dataclass(frozen=True, slots=True)
class Duration:
    months: int
    delta: timedelta

    def add_to(self, epoch_ms: int) -> int:
        moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
        if self.months:
            total = moment.month - 1 + self.months
            year = moment.year + total // 12
            month = total % 12 + 1
            day = min(moment.day, _days_in_month(year, month))
            moment = moment.replace(year=year, month=month, day=day)
        return int((moment + self.delta).timestamp() * 1000)


def _days_in_month(year: int, month: int) -> int:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - timedelta(days=1)).day


def _num(text: str | None) -> float:
    return float(text.replace(",", ".")) if text else 0.0


def parse_duration(text: str) -> Duration:
    m = _DURATION.match(text.strip())
    if not m or text.strip() in ("P", "PT") or text.strip().endswith("T"):
        raise TimerValueError(f"Invalid duration '{text}': expected ISO 8601 like 'PT15M' or 'P3D'")
    sign = -1 if m.group("sign") else 1
    months = int(_num(m.group("years")) * 12 + _num(m.group("months")))
    delta = timedelta(
        weeks=_num(m.group("weeks")),
        days=_num(m.group("days")),
        hours=_num(m.group("hours")),
        minutes=_num(m.group("minutes")),
        seconds=_num(m.group("seconds")),
    )
    return Duration(months * sign, delta * sign)


def parse_date(text: str) -> int:
    """Epoch milliseconds of an ISO date-time."""
    raw = text.strip()
    zone = None
    if raw.endswith("]") and "[" in raw:
        raw, zone_name = raw[:-1].split("[", 1)
        try:
            zone = ZoneInfo(zone_name)
        except Exception as exc:
            raise TimerValueError(
                f"Invalid date '{text}': unknown time zone '{zone_name}'"
            ) from exc
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise TimerValueError(
            f"Invalid date '{text}': expected ISO 8601 like '2025-01-01T09:00:00Z'"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone or UTC)
    return int(moment.timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class Cycle:
    """A repeating timer: ``repetitions`` (-1 = forever) and how to find the next due date."""

    text: str
    repetitions: int
    interval: Duration | None = None
    start_ms: int | None = None
    cron: str | None = None

    def first_due(self, now_ms: int) -> int:
        if self.start_ms is not None and self.start_ms > now_ms:
            return self.start_ms
        return self.next_due(now_ms)

    def next_due(self, now_ms: int) -> int:
        if self.cron is not None:
            return _cron_next(self.cron, now_ms)
        assert self.interval is not None
        return self.interval.add_to(now_ms)


_CRON_MACROS = {
    "@yearly": "0 0 0 1 1 *",
    "@annually": "0 0 0 1 1 *",
    "@monthly": "0 0 0 1 * *",
    "@weekly": "0 0 0 * * 0",
    "@daily": "0 0 0 * * *",
    "@midnight": "0 0 0 * * *",
    "@hourly": "0 0 * * * *",
}


def _cron_next(expr: str, now_ms: int) -> int:
    from croniter import croniter

    fields = expr.split()
    start = datetime.fromtimestamp(now_ms / 1000, tz=UTC)
    if len(fields) == 6:
        spec = " ".join(f.replace("?", "*") for f in fields)
        it = croniter(spec, start, second_at_beginning=True)
    else:
        it = croniter(" ".join(f.replace("?", "*") for f in fields), start)
    nxt: datetime = it.get_next(datetime)
    return int(nxt.timestamp() * 1000)


def parse_cycle(text: str) -> Cycle:
    raw = text.strip()
    raw = _CRON_MACROS.get(raw, raw)
    if raw.startswith("R"):
        parts = raw.split("/")
        reps_text = parts[0][1:]
        try:
            reps = int(reps_text) if reps_text else -1
        except ValueError as exc:
            raise TimerValueError(f"Invalid cycle '{text}': bad repetition count") from exc
        if len(parts) == 2:
            return Cycle(text, reps, interval=parse_duration(parts[1]))
        if len(parts) == 3:
            if parts[1].startswith("P"):
                # R/duration/end: Zeebe does not support an end; use the duration
                return Cycle(text, reps, interval=parse_duration(parts[1]))
            return Cycle(
                text, reps, interval=parse_duration(parts[2]), start_ms=parse_date(parts[1])
            )
        raise TimerValueError(f"Invalid cycle '{text}': expected 'R5/PT10S' or a cron expression")
    fields = raw.split()
    if len(fields) in (5, 6):
        from croniter import croniter

        spec = " ".join(f.replace("?", "*") for f in fields)
        try:
            if len(fields) == 6:
                croniter(spec, second_at_beginning=True)
            else:
                croniter(spec)
        except Exception as exc:
            raise TimerValueError(f"Invalid cron expression '{text}': {exc}") from exc
        return Cycle(text, -1, cron=raw)
    raise TimerValueError(f"Invalid cycle '{text}': expected 'R5/PT10S' or a cron expression")


def coerce_text(value: Any) -> str:
    """Turn a FEEL result into timer text (strings pass through)."""
    if isinstance(value, str):
        return value
    if isinstance(value, timedelta):
        total = value.total_seconds()
        return f"PT{total:g}S" if total >= 0 else f"-PT{-total:g}S"
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    iso = getattr(value, "isoformat", None)
    if callable(iso):
        return str(iso())
    raise TimerValueError(
        f"Expected a timer value (date-time, duration or cycle text), but was '{value!r}'"
    )

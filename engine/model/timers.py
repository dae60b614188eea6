"""Timer definitions → schedules: ISO 8601 dates, durations, repeating intervals and cron.

The same functions run at deployment (static values are checked then, so a typo is refused) and at
run time (FEEL values are evaluated by the runtime and handed to :func:`timer_schedule`).

A :class:`TimerSchedule` is stateless: it answers *when is the first firing for a timer created at
``now``* and *when is the next firing after one that was due at ``previous_due``*. The caller
(the runtime's timer record) keeps the remaining repetition count, exactly like Zeebe's timer
record does (``repetitions``; ``-1`` = forever).

Rules, chosen to be predictable under a controlled clock:

* **Never early.** A due date is never before the instant the definition designates (a zero
  or negative `timeDuration`, as FEEL may compute, designates now or the past); a timer
  created after its ``timeDate`` is due immediately (at the date, which is already past).
* **Repeating intervals** keep their phase: ``R/PT10S`` created at 0 is due at 10 s, 20 s, 30 s...
  When the engine was stopped (or the clock moved) across several periods, the missed firings
  collapse into the one that happens now and the next one is the first phase point after ``now``:
  no burst of catch-up firings.
* **Cycles with a start** (``R/2026-01-01T00:00:00Z/P1D``): the first firing is the start, or the
  first phase point at or after ``now`` when the start is past.
* **Cron** (Spring's 6 fields: second minute hour day-of-month month day-of-week, ``?``, ``L``,
  ``#``, names like ``MON-FRI``) is evaluated in UTC; day-of-month and day-of-week must both match
  (Spring semantics). Cron cycles repeat forever.
* Calendar durations (``P1M``, ``P1Y``) add months/years on the calendar, clamping to the end of
  a shorter month (31 Jan + P1M = 28/29 Feb), then the time part.
* All arithmetic is in UTC epoch milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

from engine.model.elements import TimerKind


class TimerFormatError(ValueError):
    """A timer value that is not a valid date, duration, cycle or cron expression."""


# --------------------------------------------------------------------------------- durations


@dataclass(frozen=True, slots=True)
class IsoDuration:
    """An ISO 8601 duration split into its calendar part (months) and exact part (a timedelta).

    Months and years cannot be a fixed number of milliseconds, so they are kept apart and applied
    on the calendar (:meth:`add_to`).
    """

    months: int = 0
    exact: timedelta = timedelta(0)

    @property
    def is_zero(self) -> bool:
        return self.months == 0 and self.exact == timedelta(0)

    def add_to(self, moment: datetime) -> datetime:
        result = moment
        if self.months:
            result = _add_months(result, self.months)
        return result + self.exact

    def __str__(self) -> str:
        return f"IsoDuration(months={self.months}, exact={self.exact})"


_DURATION = re.compile(
    r"^(?P<sign>[-+])?P(?!$)"
    r"(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?$"
)


def parse_duration(text: str) -> IsoDuration:
    """``P1D``, ``PT10S``, ``P1Y2M3DT4H5M6.5S``, ``P2W``, ``PT0S``, ``-PT5M``.

    Zero and negative durations are valid, as in Zeebe: a ``timeDuration`` timer with one is
    simply due at once (typical of a FEEL ``deadline - now()`` that is already past). Cycles need
    a positive interval (:func:`parse_interval`).
    """
    match = _DURATION.match(text.strip())
    if not match or text.strip().endswith("T"):
        raise TimerFormatError(f"'{text}' is not an ISO 8601 duration (e.g. 'PT10S', 'P1D')")
    sign = -1 if match.group("sign") == "-" else 1
    g = {k: v for k, v in match.groupdict().items() if v is not None and k != "sign"}
    months = int(g.get("years", 0)) * 12 + int(g.get("months", 0))
    seconds = float(g.get("seconds", "0").replace(",", "."))
    exact = timedelta(
        weeks=int(g.get("weeks", 0)),
        days=int(g.get("days", 0)),
        hours=int(g.get("hours", 0)),
        minutes=int(g.get("minutes", 0)),
        seconds=seconds,
    )
    return IsoDuration(months=sign * months, exact=sign * exact)


def parse_interval(text: str) -> IsoDuration:
    """The period of a cycle: a duration that is positive (a zero period would fire forever)."""
    interval = parse_duration(text)
    if interval.months < 0 or interval.exact < timedelta(0) or interval.is_zero:
        raise TimerFormatError(f"'{text}' is not a positive duration, so it cannot repeat")
    return interval


def _add_months(moment: datetime, months: int) -> datetime:
    total = moment.year * 12 + (moment.month - 1) + months
    year, month0 = divmod(total, 12)
    month = month0 + 1
    day = min(moment.day, _days_in_month(year, month))
    return moment.replace(year=year, month=month, day=day)


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (datetime(year, month + 1, 1) - datetime(year, month, 1)).days


# ------------------------------------------------------------------------------------- dates

_ZONE_SUFFIX = re.compile(
    r"^(?P<dt>.+?)(?:\[(?P<bracket>[^\]]+)\]|@(?P<at>[A-Za-z_]+/[A-Za-z_/+-]+))$"
)


def parse_datetime(text: str) -> datetime:
    """An ISO 8601 date-time with a time zone: ``2026-01-01T00:00:00Z``, ``...+08:00``,
    ``...+08:00[Asia/Shanghai]`` (Java's format) or ``2026-01-01T08:00:00@Asia/Shanghai`` (FEEL's).

    A date-time without zone information is refused, as Zeebe does: "which midnight?" must not
    depend on the server's settings.
    """
    raw = text.strip()
    zone: ZoneInfo | None = None
    m = _ZONE_SUFFIX.match(raw)
    if m:
        raw = m.group("dt")
        zone_name = m.group("bracket") or m.group("at")
        try:
            zone = ZoneInfo(zone_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise TimerFormatError(f"'{text}' names an unknown time zone '{zone_name}'") from None
    if raw.endswith(("z", "Z")):
        raw = raw[:-1] + "+00:00"
    if "T" not in raw:
        raise TimerFormatError(
            f"'{text}' is not an ISO 8601 date-time (e.g. '2026-01-01T09:00:00+08:00')"
        )
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise TimerFormatError(
            f"'{text}' is not an ISO 8601 date-time (e.g. '2026-01-01T09:00:00+08:00')"
        ) from None
    if moment.tzinfo is None:
        if zone is None:
            raise TimerFormatError(f"'{text}' has no time zone; add 'Z' or an offset like '+08:00'")
        moment = moment.replace(tzinfo=zone)
    return moment


def _to_ms(moment: datetime) -> int:
    # Exact integer arithmetic: float timestamps lose sub-millisecond precision unpredictably.
    delta = moment.astimezone(UTC) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _from_ms(ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=ms)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


# --------------------------------------------------------------------------------- schedules


@dataclass(frozen=True, slots=True)
class TimerSchedule:
    """When a timer fires. Build one with :func:`timer_schedule`.

    ``repetitions``: how many times the timer fires in total (``1`` for dates and durations,
    ``n`` for ``Rn/...``, ``-1`` for forever). The runtime stores the remaining count on its timer
    and asks :meth:`next_due` while it is not exhausted.
    """

    kind: str  # "date" | "duration" | "cycle" | "cron"
    repetitions: int
    at_ms: int | None = None  # date
    interval: IsoDuration | None = None  # duration / cycle
    start_ms: int | None = None  # cycle with explicit start
    cron: str | None = None

    @property
    def repeats_forever(self) -> bool:
        return self.repetitions < 0

    def first_due(self, now_ms: int) -> int:
        """Due date of the first firing of a timer created at ``now_ms``."""
        if self.kind == "date":
            assert self.at_ms is not None
            return self.at_ms
        if self.kind == "duration":
            assert self.interval is not None
            return _to_ms(self.interval.add_to(_from_ms(now_ms)))
        if self.kind == "cycle":
            assert self.interval is not None
            if self.start_ms is None:
                return _to_ms(self.interval.add_to(_from_ms(now_ms)))
            if self.start_ms >= now_ms:
                return self.start_ms
            return self._phase_point_after(self.start_ms, now_ms - 1)
        return self._cron_after(now_ms)

    def next_due(self, previous_due_ms: int, now_ms: int) -> int | None:
        """Due date of the firing after one that was due at ``previous_due_ms`` and fired at
        ``now_ms``; ``None`` for one-shot timers. Always later than both arguments."""
        if self.kind in ("date", "duration"):
            return None
        if self.kind == "cron":
            return self._cron_after(max(previous_due_ms, now_ms))
        # A cycle with a start keeps its calendar phase from that start (31 Jan + P1M, P2M...
        # gives 28 Feb, 31 Mar); without one, the previous due date is the only anchor known.
        anchor = self.start_ms if self.start_ms is not None else previous_due_ms
        return self._phase_point_after(anchor, max(previous_due_ms, now_ms))

    def remaining_after_firing(self, remaining: int) -> int:
        """Repetitions left after a firing, given ``remaining`` before it (-1 stays -1)."""
        if remaining < 0:
            return -1
        return max(remaining - 1, 0)

    # -- helpers

    def _phase_point_after(self, anchor_ms: int, after_ms: int) -> int:
        """The first ``anchor + k*interval`` (k ≥ 1) strictly after ``after_ms``."""
        assert self.interval is not None
        interval = self.interval
        if interval.months == 0:
            step = _timedelta_ms(interval.exact)
            k = max(1, (after_ms - anchor_ms) // step + 1)
            return anchor_ms + k * step
        # Calendar intervals: step on the calendar from the anchor (months vary in length).
        anchor = _from_ms(anchor_ms)
        k = 1
        if after_ms > anchor_ms:  # jump close, then walk: k*months is exact on the calendar
            approx_ms = interval.months * 28 * 86_400_000 + _timedelta_ms(interval.exact)
            k = max(1, (after_ms - anchor_ms) // max(approx_ms * 2, 1))
        while True:
            candidate = _to_ms(
                IsoDuration(months=interval.months * k, exact=interval.exact * k).add_to(anchor)
            )
            if candidate > after_ms:
                return candidate
            k += 1

    def _cron_after(self, after_ms: int) -> int:
        assert self.cron is not None
        start = _from_ms(after_ms)
        nxt = croniter(self.cron, start, day_or=False, second_at_beginning=True).get_next(datetime)
        due = _to_ms(nxt)
        if due <= after_ms:  # croniter works in whole seconds; never fire early or twice
            nxt = croniter(self.cron, nxt, day_or=False, second_at_beginning=True).get_next(
                datetime
            )
            due = _to_ms(nxt)
        return due


def _timedelta_ms(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


_REPEAT = re.compile(r"^R(?P<count>\d*)$")


def parse_cycle(text: str) -> TimerSchedule:
    """``R5/PT10S``, ``R/PT1H``, ``R/2026-01-01T00:00:00Z/P1D``, ``R3/<start>/<end>``, or a
    6-field cron expression."""
    raw = text.strip()
    if not raw.startswith("R"):
        return parse_cron(raw)
    parts = raw.split("/")
    match = _REPEAT.match(parts[0])
    if not match or len(parts) not in (2, 3):
        raise TimerFormatError(
            f"'{text}' is not a repeating interval (e.g. 'R5/PT10S', 'R/2026-01-01T00:00:00Z/P1D') "
            "nor a cron expression"
        )
    repetitions = int(match.group("count")) if match.group("count") else -1
    if repetitions == 0:
        raise TimerFormatError(f"'{text}' repeats zero times")
    if len(parts) == 2:
        return TimerSchedule(
            kind="cycle", repetitions=repetitions, interval=parse_interval(parts[1])
        )
    first, second = parts[1], parts[2]
    if first.lstrip("+-").startswith("P"):
        # R/duration/end: the cycle ends at `end`; we treat it as a plain cycle (the end date is
        # informative for Zeebe too, which only schedules by repetitions).
        return TimerSchedule(kind="cycle", repetitions=repetitions, interval=parse_interval(first))
    start = parse_datetime(first)
    if second.lstrip("+-").startswith("P"):
        interval = parse_interval(second)
    else:
        end = parse_datetime(second)
        if end <= start:
            raise TimerFormatError(f"'{text}': the interval's end is not after its start")
        interval = IsoDuration(exact=end - start)
    return TimerSchedule(
        kind="cycle", repetitions=repetitions, interval=interval, start_ms=_to_ms(start)
    )


_CRON_MACROS = {
    "@yearly": "0 0 0 1 1 *",
    "@annually": "0 0 0 1 1 *",
    "@monthly": "0 0 0 1 * *",
    "@weekly": "0 0 0 * * 0",
    "@daily": "0 0 0 * * *",
    "@midnight": "0 0 0 * * *",
    "@hourly": "0 0 * * * *",
}


def parse_cron(text: str) -> TimerSchedule:
    """A Spring-style 6-field cron expression (seconds first) or one of Spring's macros
    (``@daily``, ``@hourly``, ...), evaluated in UTC."""
    raw = " ".join(text.split())
    raw = _CRON_MACROS.get(raw.lower(), raw)
    fields = raw.split(" ")
    if len(fields) != 6:
        raise TimerFormatError(
            f"'{text}' is not a repeating interval (e.g. 'R5/PT10S') nor a 6-field cron "
            f"expression (e.g. '0 0 9 * * MON-FRI'); it has {len(fields)} field(s)"
        )
    if not croniter.is_valid(raw, second_at_beginning=True):
        raise TimerFormatError(f"'{text}' is not a valid cron expression")
    try:  # is_valid accepts some expressions that cannot produce a date; try once
        croniter(raw, _EPOCH, day_or=False, second_at_beginning=True).get_next(datetime)
    except Exception as exc:  # croniter raises a zoo of types
        raise TimerFormatError(f"'{text}' is not a valid cron expression: {exc}") from None
    return TimerSchedule(kind="cron", repetitions=-1, cron=raw)


def timer_schedule(kind: TimerKind, value: Any) -> TimerSchedule:
    """The schedule of a timer definition's (static or evaluated) value.

    ``value`` may be the text of the definition, or what FEEL returned: a ``datetime`` for
    ``timeDate`` (a naive one is taken as UTC, the engine's zone), a ``timedelta`` or an object
    whose ``isoformat()`` is an ISO duration (FEEL's years-months duration) for ``timeDuration``.
    Raises :class:`TimerFormatError` with a message fit for an incident or a deployment rejection.
    """
    if kind is TimerKind.DATE:
        if isinstance(value, datetime):
            moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
            return TimerSchedule(kind="date", repetitions=1, at_ms=_to_ms(moment))
        return TimerSchedule(kind="date", repetitions=1, at_ms=_to_ms(parse_datetime(_text(value))))
    if kind is TimerKind.DURATION:
        if isinstance(value, timedelta):
            return TimerSchedule(kind="duration", repetitions=1, interval=IsoDuration(exact=value))
        return TimerSchedule(kind="duration", repetitions=1, interval=parse_duration(_text(value)))
    return parse_cycle(_text(value))


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    iso = getattr(value, "isoformat", None)
    if callable(iso):
        return str(iso())
    raise TimerFormatError(f"expected a text timer value, got {type(value).__name__} '{value}'")

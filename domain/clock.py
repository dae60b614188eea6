"""The one time zone of the domain: Asia/Shanghai, and helpers that refuse naive datetimes.

Deadlines become BPMN timer dates (FEEL date-time strings with an offset), KPIs compare times
from several systems: a naive datetime would silently mean UTC in one place and local time in
another, so every function of the domain takes and returns timezone-aware datetimes.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.errors import DeadlineInputError

SHANGHAI = ZoneInfo("Asia/Shanghai")


def require_aware(value: datetime, what: str = "time") -> datetime:
    """Return ``value`` in Asia/Shanghai; raise for a naive datetime (its zone is unknowable)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise DeadlineInputError(
            "time.naive",
            f"{what}缺少时区（请使用带时区的时间，如+08:00）",
            f"{what} has no time zone (use an aware datetime, e.g. +08:00)",
        )
    return value.astimezone(SHANGHAI)


def now_in_shanghai() -> datetime:
    return datetime.now(SHANGHAI)


def today_in_shanghai() -> date:
    return now_in_shanghai().date()


def to_feel(value: datetime) -> str:
    """ISO 8601 with offset and whole seconds, as a FEEL date-time timer wants it.

    ``2026-12-01T09:00:00+08:00``; sub-second precision is dropped (timers are not that fine).
    """
    return require_aware(value).replace(microsecond=0).isoformat()

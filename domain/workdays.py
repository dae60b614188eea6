"""Working days on China's official holiday schedule, make-up working weekends (调休) included.

The national certificate rules count reporting deadlines in working days (paper 15, electronic
5), and China moves weekends around its holidays: 2026-02-14 (a Saturday) and 2026-10-10 (a
Saturday) are working days, 2026-10-05 (a Monday) is not. We take the schedule from the
``chinese-calendar`` package (the State Council's yearly notices, kept up to date) rather than a
hand-written table.

The package knows only the years it was released with (2004-2026 in 1.11). For a date outside,
:class:`WorkdayCalendar` either

* ``strict=True``: raises :class:`~domain.errors.CalendarYearUnknown`, or
* ``strict=False`` (the default): falls back to Monday-Friday and logs a warning once per year
  and process (``workdays.calendar_year_unknown``). A deadline for early 2027 may then be off by
  the days of the 2027 holiday notice (published each November/December); upgrading
  ``chinese-calendar`` fixes it without code changes. The default is lenient because a process
  must not stop on New Year's Eve for want of a calendar; the warning makes the gap visible.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import structlog
from chinese_calendar import constants as _calendar_data

from domain.errors import CalendarYearUnknown

_log = structlog.get_logger(__name__)

KNOWN_FIRST_YEAR: int = min(_calendar_data.holidays).year
KNOWN_LAST_YEAR: int = max(_calendar_data.holidays).year


class WorkdayCalendar:
    """Working-day arithmetic; see the module docstring for years the calendar does not know."""

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self._warned_years: set[int] = set()

    @staticmethod
    def knows(day: date) -> bool:
        return KNOWN_FIRST_YEAR <= day.year <= KNOWN_LAST_YEAR

    def is_workday(self, day: date) -> bool:
        if self.knows(day):
            return bool(chinese_calendar.is_workday(day))
        if self.strict:
            raise CalendarYearUnknown(
                "calendar.year_unknown",
                f"节假日日历没有{day.year}年的数据（已知{KNOWN_FIRST_YEAR}-{KNOWN_LAST_YEAR}年），"
                "请升级chinese-calendar",
                f"the holiday calendar has no data for {day.year} (knows "
                f"{KNOWN_FIRST_YEAR}-{KNOWN_LAST_YEAR}); upgrade chinese-calendar",
            )
        if day.year not in self._warned_years:
            self._warned_years.add(day.year)
            _log.warning(
                "workdays.calendar_year_unknown",
                year=day.year,
                known=f"{KNOWN_FIRST_YEAR}-{KNOWN_LAST_YEAR}",
                fallback="monday-friday",
            )
        return day.weekday() < 5

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself is not counted).

        This is the last day of a period of ``count`` working days that begins on ``start``
        (Civil Code art. 201: the first day is not counted). ``count`` must be ≥ 1.
        """
        if count < 1:
            raise ValueError(f"count must be at least 1, got {count}")
        day = start
        remaining = count
        while remaining:
            day += timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def next_workday(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 0 when end ≤ start. Used for KPIs such as lateness."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count


DEFAULT_CALENDAR = WorkdayCalendar()


def is_workday(day: date) -> bool:
    return DEFAULT_CALENDAR.is_workday(day)


def add_working_days(start: date, count: int) -> date:
    return DEFAULT_CALENDAR.add_working_days(start, count)

"""Deadlines of the flow, as timezone-aware instants a BPMN timer can use.

* Report: within **12 hours of the death** (the grid worker's subsidy depends on it).
* Certificate: within **24 hours of the 12345 directive**, with reminders before and an
  escalation when missed.
* Household deregistration: 户口登记条例 art. 8 — "公民死亡，城市在葬前，农村在一个月以内" — the
  county applies the one-month limit to everybody (and Ninghai's notice to the family says 30
  days, see :func:`deregistration_notice_deadline`). Month periods follow the Civil Code: the day
  of the death is not counted (art. 201), the period ends on the corresponding day of the next
  month, or on that month's last day when there is none (art. 202: died Jan 31 → Feb 28, or
  Feb 29 in a leap year), a last day that is a statutory rest day moves to the next working day
  (art. 203), and the last day ends at 24:00 (art. 203).
* Certificate reporting in working days: see :mod:`domain.certificate`.

A day-based deadline is a :class:`DayDeadline`: the legal last day plus ``due_at``, the instant it
ends (24:00 of the last day = 00:00 of the next day, Asia/Shanghai). ``due_at`` is the instant a
boundary timer should fire to say "missed"; :func:`domain.clock.to_feel` formats it for FEEL.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from domain.clock import SHANGHAI, require_aware, to_feel
from domain.workdays import DEFAULT_CALENDAR, WorkdayCalendar

REPORT_WINDOW = timedelta(hours=12)
CERTIFICATE_WINDOW = timedelta(hours=24)
# Reminders to the health institution before the certificate deadline (time before it).
CERTIFICATE_REMINDERS_BEFORE: tuple[timedelta, ...] = (timedelta(hours=6), timedelta(hours=2))
DEREGISTRATION_NOTICE_DAYS = 30  # 户籍注销30日期限告知书
MONTHLY_UPLOAD_DAY = 10  # units upload their death-information tables on the 10th


@dataclass(frozen=True, slots=True)
class DayDeadline:
    """A deadline that is a whole day: met by anything before 24:00 of ``last_day``."""

    last_day: date

    @property
    def due_at(self) -> datetime:
        """24:00 of the last day (00:00 of the next), Asia/Shanghai: when it is missed."""
        return datetime.combine(self.last_day + timedelta(days=1), time(0), tzinfo=SHANGHAI)

    def is_met_by(self, when: datetime) -> bool:
        return require_aware(when, "done_at") < self.due_at

    def feel(self) -> str:
        """``due_at`` as a FEEL date-time string, e.g. ``2026-10-30T00:00:00+08:00``."""
        return to_feel(self.due_at)


# --- hours-based --------------------------------------------------------------------------


def report_deadline(died_at: datetime) -> datetime:
    """The death must be reported to 12345 within 12 hours of it."""
    return require_aware(died_at, "died_at") + REPORT_WINDOW


def report_lateness(died_at: datetime, reported_at: datetime) -> timedelta:
    """How long after the death the report came (negative means a clock or data error)."""
    return require_aware(reported_at, "reported_at") - require_aware(died_at, "died_at")


def is_report_on_time(died_at: datetime, reported_at: datetime) -> bool:
    return report_lateness(died_at, reported_at) <= REPORT_WINDOW


def certificate_deadline(directive_at: datetime) -> datetime:
    """The certificate is due 24 hours after the 12345 directive."""
    return require_aware(directive_at, "directive_at") + CERTIFICATE_WINDOW


def certificate_reminders(
    directive_at: datetime, before: tuple[timedelta, ...] = CERTIFICATE_REMINDERS_BEFORE
) -> list[datetime]:
    """Reminder instants before the certificate deadline, earliest first (past ones included)."""
    due = certificate_deadline(directive_at)
    return sorted(due - offset for offset in before if timedelta(0) < offset < CERTIFICATE_WINDOW)


# --- month- and day-based ---------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The corresponding day ``months`` later, or that month's last day (Civil Code art. 202)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def household_deregistration_deadline(
    died_at: datetime,
    *,
    workdays: WorkdayCalendar = DEFAULT_CALENDAR,
    extend_over_rest_days: bool = True,
) -> DayDeadline:
    """Legal deadline to deregister the household: one month after the death (see module doc).

    With ``extend_over_rest_days`` (default, Civil Code art. 203) a last day on a weekend or
    public holiday moves to the next working day, so reconciliation does not flag a case the law
    still allows.
    """
    died_on = require_aware(died_at, "died_at").date()
    last = add_months(died_on, 1)
    if extend_over_rest_days:
        last = workdays.next_workday(last)
    return DayDeadline(last)


def deregistration_notice_deadline(died_at: datetime) -> DayDeadline:
    """The 30-day limit written on Ninghai's notice to the family (户籍注销30日期限告知书)."""
    died_on = require_aware(died_at, "died_at").date()
    return DayDeadline(died_on + timedelta(days=DEREGISTRATION_NOTICE_DAYS))


def working_days_deadline(
    start: datetime, count: int, *, workdays: WorkdayCalendar = DEFAULT_CALENDAR
) -> DayDeadline:
    """A period of ``count`` working days starting the day after ``start`` (Asia/Shanghai)."""
    start_day = require_aware(start, "start").date()
    return DayDeadline(workdays.add_working_days(start_day, count))


def first_unpaid_month(died_at: datetime) -> date:
    """First day of the first month for which no pension may be paid: the month after death.

    Pensions are paid for the month of death (and stop from the next month), so a payment for
    any month ≥ this one is "pension still paid after the month of death".
    """
    died_on = require_aware(died_at, "died_at").date()
    return add_months(died_on.replace(day=1), 1)


def monthly_upload_due(period: date) -> date:
    """The day the units upload the death-information table of ``period``'s month: the 10th of
    the following month."""
    return add_months(period.replace(day=1), 1).replace(day=MONTHLY_UPLOAD_DAY)

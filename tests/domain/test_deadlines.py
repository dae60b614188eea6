"""Deadlines: 12 h report, 24 h certificate, one month for deregistration, working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from structlog.testing import capture_logs

from domain.clock import SHANGHAI, require_aware, to_feel
from domain.deadlines import (
    DayDeadline,
    add_months,
    certificate_deadline,
    certificate_reminders,
    deregistration_notice_deadline,
    first_unpaid_month,
    household_deregistration_deadline,
    is_report_on_time,
    monthly_upload_due,
    report_deadline,
    working_days_deadline,
)
from domain.errors import CalendarYearUnknown, DeadlineInputError
from domain.workdays import KNOWN_LAST_YEAR, WorkdayCalendar, add_working_days, is_workday


def sh(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=SHANGHAI)


# --- hours ----------------------------------------------------------------------------------


def test_report_deadline_is_twelve_hours_after_death() -> None:
    died = sh(2026, 11, 28, 22, 30)
    assert report_deadline(died) == sh(2026, 11, 29, 10, 30)
    assert is_report_on_time(died, sh(2026, 11, 29, 10, 30))
    assert not is_report_on_time(died, sh(2026, 11, 29, 10, 31))


def test_deadlines_accept_other_zones_and_return_shanghai() -> None:
    died_utc = datetime(2026, 11, 28, 14, 30, tzinfo=UTC)  # 22:30 in Shanghai
    assert to_feel(report_deadline(died_utc)) == "2026-11-29T10:30:00+08:00"


def test_naive_datetime_is_refused_bilingually() -> None:
    with pytest.raises(DeadlineInputError) as info:
        report_deadline(datetime(2026, 11, 28, 22, 30))
    assert "时区" in info.value.zh and "time zone" in info.value.en


def test_certificate_due_24h_after_directive_with_reminders() -> None:
    directive = sh(2026, 11, 29, 9, 0)
    assert certificate_deadline(directive) == sh(2026, 11, 30, 9, 0)
    assert certificate_reminders(directive) == [sh(2026, 11, 30, 3, 0), sh(2026, 11, 30, 7, 0)]
    assert certificate_reminders(directive, (timedelta(hours=1), timedelta(hours=30))) == [
        sh(2026, 11, 30, 8, 0)
    ]


def test_feel_format_drops_microseconds() -> None:
    assert to_feel(sh(2026, 12, 1, 9, 0, 0, 123456)) == "2026-12-01T09:00:00+08:00"
    assert require_aware(sh(2026, 12, 1)).tzinfo is SHANGHAI


# --- months -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 12, 31), 1, date(2027, 1, 31)),
        (date(2026, 2, 28), 1, date(2026, 3, 28)),  # not "end of month to end of month"
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_add_months_clamps_to_month_end(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


def test_deregistration_deadline_jan_31_is_feb_28_without_extension() -> None:
    deadline = household_deregistration_deadline(sh(2026, 1, 31, 8), extend_over_rest_days=False)
    assert deadline.last_day == date(2026, 2, 28)
    # the period ends at 24:00 of the last day
    assert deadline.feel() == "2026-03-01T00:00:00+08:00"
    assert deadline.is_met_by(sh(2026, 2, 28, 23, 59, 59))
    assert not deadline.is_met_by(sh(2026, 3, 1, 0, 0))


def test_deregistration_deadline_on_a_make_up_saturday_stays() -> None:
    # 2026-02-28 is a Saturday but a make-up working day (调休) after Spring Festival
    assert household_deregistration_deadline(sh(2026, 1, 31, 8)).last_day == date(2026, 2, 28)


def test_deregistration_deadline_over_national_day_moves_to_next_working_day() -> None:
    # died 2026-09-02 → last day 2026-10-02 (National Day holiday) → 2026-10-08 (Civil Code 203)
    assert household_deregistration_deadline(sh(2026, 9, 2, 10)).last_day == date(2026, 10, 8)


def test_deregistration_deadline_uses_shanghai_date_of_death() -> None:
    # 2026-01-14 20:00 UTC is already 2026-01-15 in Ninghai
    died = datetime(2026, 1, 14, 20, 0, tzinfo=UTC)
    plain = household_deregistration_deadline(died, extend_over_rest_days=False)
    assert plain.last_day == date(2026, 2, 15)
    # 2026-02-15..23 is the Spring Festival holiday: the period ends on Tue 2026-02-24
    assert household_deregistration_deadline(died).last_day == date(2026, 2, 24)


def test_notice_deadline_is_thirty_days() -> None:
    assert deregistration_notice_deadline(sh(2026, 1, 31, 8)).last_day == date(2026, 3, 2)


def test_first_unpaid_month_and_upload_day() -> None:
    assert first_unpaid_month(sh(2026, 12, 31, 23, 59)) == date(2027, 1, 1)
    assert first_unpaid_month(sh(2026, 3, 1, 0, 1)) == date(2026, 4, 1)
    assert monthly_upload_due(date(2026, 12, 1)) == date(2027, 1, 10)


# --- working days -----------------------------------------------------------------------------


def test_make_up_weekends_are_working_days() -> None:
    assert is_workday(date(2026, 2, 14))  # Saturday before Spring Festival
    assert is_workday(date(2026, 2, 28))  # Saturday after it
    assert is_workday(date(2026, 9, 20))  # Sunday before National Day
    assert is_workday(date(2026, 10, 10))  # Saturday after it
    assert not is_workday(date(2026, 10, 5))  # a Monday inside the holiday
    assert not is_workday(date(2026, 2, 16))  # Monday, Spring Festival


def test_five_working_days_over_national_day_2026() -> None:
    # Issued Wed 2026-09-30: Oct 1-7 off, Thu 8, Fri 9, Sat 10 (调休), Mon 12, Tue 13
    assert add_working_days(date(2026, 9, 30), 5) == date(2026, 10, 13)


def test_fifteen_working_days_over_spring_festival_2026() -> None:
    # Issued Fri 2026-02-13: Sat 14 (调休) is day 1, Feb 15-23 off, Feb 24-27 are 2-5,
    # Sat 28 (调休) 6, Mar 2-6 7-11, Mar 9-12 12-15
    assert add_working_days(date(2026, 2, 13), 15) == date(2026, 3, 12)


def test_working_days_deadline_counts_from_the_next_day() -> None:
    deadline = working_days_deadline(sh(2026, 11, 27, 16), 5)  # a Friday
    assert deadline.last_day == date(2026, 12, 4)
    assert deadline.feel() == "2026-12-05T00:00:00+08:00"


def test_working_days_between() -> None:
    cal = WorkdayCalendar()
    assert cal.working_days_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert cal.working_days_between(date(2026, 10, 13), date(2026, 9, 30)) == 0


def test_unknown_year_strict_raises() -> None:
    cal = WorkdayCalendar(strict=True)
    with pytest.raises(CalendarYearUnknown) as info:
        cal.is_workday(date(KNOWN_LAST_YEAR + 1, 1, 4))
    assert "chinese-calendar" in info.value.zh and str(KNOWN_LAST_YEAR + 1) in info.value.en


def test_unknown_year_falls_back_to_monday_friday_and_warns_once() -> None:
    cal = WorkdayCalendar()
    year = KNOWN_LAST_YEAR + 1
    with capture_logs() as logs:
        # 2027-01-01 is a Friday: a holiday in reality, a working day in the fallback
        assert cal.is_workday(date(year, 1, 1)) is (date(year, 1, 1).weekday() < 5)
        assert not cal.is_workday(date(year, 1, 2 if date(year, 1, 2).weekday() >= 5 else 3))
        cal.is_workday(date(year, 1, 4))
    warnings = [entry for entry in logs if entry["event"] == "workdays.calendar_year_unknown"]
    assert len(warnings) == 1
    assert warnings[0]["year"] == year and warnings[0]["log_level"] == "warning"


def test_deadline_crossing_into_unknown_year_uses_fallback() -> None:
    # issued Thu 2026-12-31: 5 working days with Mon-Fri fallback → Thu 2027-01-07
    if KNOWN_LAST_YEAR != 2026:
        pytest.skip("chinese-calendar now knows 2027; the fallback is no longer reached here")
    assert add_working_days(date(2026, 12, 31), 5) == date(2027, 1, 7)


def test_day_deadline_is_hashable_value() -> None:
    assert DayDeadline(date(2026, 1, 1)) == DayDeadline(date(2026, 1, 1))


@given(st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 11, 30)))
def test_one_month_is_28_to_31_days_before_extension(died_on: date) -> None:
    died = datetime(died_on.year, died_on.month, died_on.day, 12, tzinfo=SHANGHAI)
    plain = household_deregistration_deadline(died, extend_over_rest_days=False).last_day
    assert 28 <= (plain - died_on).days <= 31
    assert (
        plain.day == died_on.day or plain.month != add_months(died_on.replace(day=1), 1).month - 1
    )
    extended = household_deregistration_deadline(died).last_day
    assert extended >= plain and is_workday(extended)
    assert (extended - plain).days <= 10  # the longest run of rest days (Spring Festival) + 1

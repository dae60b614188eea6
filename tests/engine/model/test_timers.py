"""Timer values → schedules: formats, edge cases, and the 'never early' guarantee."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.model.elements import TimerKind
from engine.model.timers import (
    TimerFormatError,
    parse_datetime,
    parse_duration,
    timer_schedule,
)

SECOND = 1000
HOUR = 3600 * SECOND
DAY = 24 * HOUR


def ms(text: str) -> int:
    return int(parse_datetime(text).timestamp() * 1000)


class TestDurations:
    @pytest.mark.parametrize(
        ("text", "months", "exact"),
        [
            ("PT10S", 0, timedelta(seconds=10)),
            ("P1D", 0, timedelta(days=1)),
            ("P2W", 0, timedelta(weeks=2)),
            ("PT1.5S", 0, timedelta(seconds=1.5)),
            ("PT0,25S", 0, timedelta(milliseconds=250)),
            ("P1Y2M3DT4H5M6S", 14, timedelta(days=3, hours=4, minutes=5, seconds=6)),
            ("PT36H", 0, timedelta(hours=36)),
        ],
    )
    def test_valid(self, text: str, months: int, exact: timedelta) -> None:
        duration = parse_duration(text)
        assert (duration.months, duration.exact) == (months, exact)

    @pytest.mark.parametrize(
        ("text", "why"),
        [
            ("P", "not an ISO 8601 duration"),
            ("PT", "not an ISO 8601 duration"),
            ("P1DT", "not an ISO 8601 duration"),
            ("PT10", "not an ISO 8601 duration"),
            ("10S", "not an ISO 8601 duration"),
            ("P1.5D", "not an ISO 8601 duration"),
        ],
    )
    def test_invalid(self, text: str, why: str) -> None:
        with pytest.raises(TimerFormatError, match=why):
            parse_duration(text)

    def test_zero_and_negative_durations_are_due_at_once(self) -> None:
        assert timer_schedule(TimerKind.DURATION, "PT0S").first_due(5_000) == 5_000
        assert timer_schedule(TimerKind.DURATION, "-PT1S").first_due(5_000) == 4_000
        assert timer_schedule(TimerKind.DURATION, timedelta(0)).first_due(5_000) == 5_000
        assert parse_duration("-P1M").months == -1

    def test_duration_timer_is_due_after_the_duration(self) -> None:
        schedule = timer_schedule(TimerKind.DURATION, "PT10S")
        assert schedule.repetitions == 1
        assert schedule.first_due(5_000) == 15_000
        assert schedule.next_due(15_000, 15_000) is None

    def test_months_clamp_to_the_end_of_a_shorter_month(self) -> None:
        schedule = timer_schedule(TimerKind.DURATION, "P1M")
        assert schedule.first_due(ms("2026-01-31T10:00:00Z")) == ms("2026-02-28T10:00:00Z")
        assert schedule.first_due(ms("2028-01-31T10:00:00Z")) == ms("2028-02-29T10:00:00Z")
        year = timer_schedule(TimerKind.DURATION, "P1Y")
        assert year.first_due(ms("2028-02-29T00:00:00Z")) == ms("2029-02-28T00:00:00Z")


class TestDates:
    @pytest.mark.parametrize(
        "text",
        [
            "2026-01-01T01:00:00Z",
            "2026-01-01T09:00:00+08:00",
            "2026-01-01T09:00:00+08:00[Asia/Shanghai]",
            "2026-01-01T09:00:00@Asia/Shanghai",
            "2026-01-01T09:00:00.000+08:00",
        ],
    )
    def test_zone_forms_designate_the_same_instant(self, text: str) -> None:
        assert parse_datetime(text) == datetime(2026, 1, 1, 1, 0, tzinfo=UTC)

    def test_region_zone_follows_daylight_saving(self) -> None:
        summer = parse_datetime("2026-07-01T12:00:00@Europe/Berlin")
        winter = parse_datetime("2026-01-01T12:00:00@Europe/Berlin")
        assert summer.utcoffset() == timedelta(hours=2)
        assert winter.utcoffset() == timedelta(hours=1)

    @pytest.mark.parametrize(
        ("text", "why"),
        [
            ("2026-01-01T09:00:00", "has no time zone"),
            ("2026-01-01", "not an ISO 8601 date-time"),
            ("tomorrow", "not an ISO 8601 date-time"),
            ("2026-13-01T00:00:00Z", "not an ISO 8601 date-time"),
            ("2026-01-01T00:00:00@Mars/Olympus", "unknown time zone"),
        ],
    )
    def test_invalid(self, text: str, why: str) -> None:
        with pytest.raises(TimerFormatError, match=why):
            timer_schedule(TimerKind.DATE, text)

    def test_date_timer_is_due_at_the_date_even_when_created_after_it(self) -> None:
        schedule = timer_schedule(TimerKind.DATE, "2026-01-01T00:00:00Z")
        at = ms("2026-01-01T00:00:00Z")
        assert schedule.first_due(at - DAY) == at
        assert schedule.first_due(at + DAY) == at  # past: the runtime fires it at once
        assert schedule.next_due(at, at) is None
        assert schedule.repetitions == 1


class TestRepeatingIntervals:
    def test_counted_cycle_keeps_its_phase(self) -> None:
        schedule = timer_schedule(TimerKind.CYCLE, "R5/PT10S")
        assert schedule.repetitions == 5 and not schedule.repeats_forever
        first = schedule.first_due(1_000)
        assert first == 11_000
        assert schedule.next_due(first, first) == 21_000
        assert schedule.next_due(first, first + 3) == 21_000  # fired a little late: same phase

    def test_missed_periods_collapse_into_one_firing(self) -> None:
        schedule = timer_schedule(TimerKind.CYCLE, "R/PT10S")
        # due at 10 s, but the clock jumped to one hour: next is the first phase point after now
        assert schedule.next_due(10_000, HOUR + 5) == HOUR + 10_000

    def test_infinite_cycle(self) -> None:
        schedule = timer_schedule(TimerKind.CYCLE, "R/PT1H")
        assert schedule.repeats_forever and schedule.repetitions == -1
        assert schedule.remaining_after_firing(-1) == -1
        assert schedule.remaining_after_firing(5) == 4
        assert schedule.remaining_after_firing(1) == 0

    def test_cycle_with_start_in_the_future_begins_at_the_start(self) -> None:
        schedule = timer_schedule(TimerKind.CYCLE, "R/2026-01-01T00:00:00Z/P1D")
        start = ms("2026-01-01T00:00:00Z")
        assert schedule.first_due(start - 5 * DAY) == start
        assert schedule.first_due(start) == start
        assert schedule.next_due(start, start) == start + DAY

    def test_cycle_with_past_start_continues_on_its_phase(self) -> None:
        schedule = timer_schedule(TimerKind.CYCLE, "R/2026-01-01T00:00:00Z/P1D")
        start = ms("2026-01-01T00:00:00Z")
        assert schedule.first_due(start + 10 * DAY + 1) == start + 11 * DAY

    def test_monthly_cycle_counts_months_from_its_start(self) -> None:
        schedule = timer_schedule(TimerKind.CYCLE, "R/2026-01-31T00:00:00Z/P1M")
        due = schedule.first_due(ms("2026-02-01T00:00:00Z"))
        assert due == ms("2026-02-28T00:00:00Z")
        assert schedule.next_due(due, due) == ms("2026-03-31T00:00:00Z")  # not the 28th

    def test_start_and_end_form(self) -> None:
        schedule = timer_schedule(TimerKind.CYCLE, "R3/2026-01-01T00:00:00Z/2026-01-01T06:00:00Z")
        start = ms("2026-01-01T00:00:00Z")
        assert schedule.repetitions == 3
        assert schedule.next_due(start, start) == start + 6 * HOUR

    @pytest.mark.parametrize(
        ("text", "why"),
        [
            ("R0/PT1S", "repeats zero times"),
            ("R/PT0S", "not a positive duration"),
            ("R3/-PT1S", "not a positive duration"),
            ("R5", "not a repeating interval"),
            ("R5/PT10", "not an ISO 8601 duration"),
            ("RX/PT1S", "not a repeating interval"),
            ("R/2026-01-01T00:00:00/P1D", "has no time zone"),
            ("R/2026-01-02T00:00:00Z/2026-01-01T00:00:00Z", "end is not after its start"),
        ],
    )
    def test_invalid(self, text: str, why: str) -> None:
        with pytest.raises(TimerFormatError, match=why):
            timer_schedule(TimerKind.CYCLE, text)


class TestCron:
    def test_monthly_at_two_in_the_night(self) -> None:
        schedule = timer_schedule(TimerKind.CYCLE, "0 0 2 10 * ?")
        assert schedule.repeats_forever
        first = schedule.first_due(ms("2026-01-10T02:00:00Z"))  # exactly on a firing: next one
        assert first == ms("2026-02-10T02:00:00Z")
        assert schedule.next_due(first, first) == ms("2026-03-10T02:00:00Z")

    def test_working_days_skip_the_weekend(self) -> None:
        schedule = timer_schedule(TimerKind.CYCLE, "0 0 9 * * MON-FRI")
        friday_ten = ms("2026-01-02T10:00:00Z")  # 2 Jan 2026 is a Friday
        assert schedule.first_due(friday_ten) == ms("2026-01-05T09:00:00Z")

    def test_sub_second_now_is_never_early(self) -> None:
        schedule = timer_schedule(TimerKind.CYCLE, "* * * * * *")
        assert schedule.first_due(1_500) == 2_000
        assert schedule.first_due(2_000) == 3_000

    def test_day_of_month_and_day_of_week_must_both_match(self) -> None:
        friday_13th = timer_schedule(TimerKind.CYCLE, "0 0 0 13 * FRI")
        assert friday_13th.first_due(ms("2026-01-01T00:00:00Z")) == ms("2026-02-13T00:00:00Z")

    def test_macros(self) -> None:
        daily = timer_schedule(TimerKind.CYCLE, "@daily")
        assert daily.first_due(ms("2026-01-01T10:00:00Z")) == ms("2026-01-02T00:00:00Z")

    @pytest.mark.parametrize(
        ("text", "why"),
        [
            ("0 9 * * *", "has 5 field"),
            ("0 0 25 * * ?", "not a valid cron expression"),
            ("a b c d e f", "not a valid cron expression"),
            ("0 0 0 30 2 ?", "not a valid cron expression"),
        ],
    )
    def test_invalid(self, text: str, why: str) -> None:
        with pytest.raises(TimerFormatError, match=why):
            timer_schedule(TimerKind.CYCLE, text)


class TestFeelValues:
    """What the runtime hands over after evaluating a FEEL timer expression."""

    def test_aware_and_naive_datetimes(self) -> None:
        aware = datetime(2026, 1, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
        assert timer_schedule(TimerKind.DATE, aware).first_due(0) == ms("2026-01-01T01:00:00Z")
        naive = datetime(2026, 1, 1, 1, 0)
        assert timer_schedule(TimerKind.DATE, naive).first_due(0) == ms("2026-01-01T01:00:00Z")

    def test_durations(self) -> None:
        assert timer_schedule(TimerKind.DURATION, timedelta(minutes=5)).first_due(0) == 300_000

        class YearsMonths:
            def isoformat(self) -> str:
                return "P1M"

        monthly = timer_schedule(TimerKind.DURATION, YearsMonths())
        assert monthly.first_due(ms("2026-01-15T00:00:00Z")) == ms("2026-02-15T00:00:00Z")
        overdue = timer_schedule(TimerKind.DURATION, timedelta(hours=-1))
        assert overdue.first_due(ms("2026-01-15T00:00:00Z")) == ms("2026-01-14T23:00:00Z")

    def test_real_feel_values(self) -> None:
        from engine.feel import evaluate

        value = evaluate('date and time("2026-01-01T09:00:00@Asia/Shanghai")')
        assert timer_schedule(TimerKind.DATE, value).first_due(0) == ms("2026-01-01T01:00:00Z")
        value = evaluate('duration("P1M")')
        assert timer_schedule(TimerKind.DURATION, value).first_due(
            ms("2026-03-31T00:00:00Z")
        ) == ms("2026-04-30T00:00:00Z")

    def test_cycle_text_from_feel(self) -> None:
        assert timer_schedule(TimerKind.CYCLE, "R2/PT1S").repetitions == 2

    def test_wrong_type(self) -> None:
        with pytest.raises(TimerFormatError, match="expected a text timer value, got int"):
            timer_schedule(TimerKind.CYCLE, 42)


@settings(max_examples=200, deadline=None)
@given(
    step_s=st.integers(min_value=1, max_value=10 * 86_400),
    start=st.integers(min_value=0, max_value=4_000_000_000_000),
    late=st.integers(min_value=0, max_value=10**10),
)
def test_interval_cycles_are_never_early_and_stay_on_phase(
    step_s: int, start: int, late: int
) -> None:
    schedule = timer_schedule(TimerKind.CYCLE, f"R/PT{step_s}S")
    first = schedule.first_due(start)
    assert first == start + step_s * 1000
    now = first + late
    nxt = schedule.next_due(first, now)
    assert nxt is not None
    assert nxt > now and nxt > first
    assert (nxt - first) % (step_s * 1000) == 0
    assert nxt - now <= step_s * 1000


@settings(max_examples=100, deadline=None)
@given(now=st.integers(min_value=0, max_value=4_000_000_000_000))
def test_cron_is_never_early(now: int) -> None:
    schedule = timer_schedule(TimerKind.CYCLE, "0 */15 9-17 * * MON-FRI")
    due = schedule.first_due(now)
    assert due > now
    moment = datetime.fromtimestamp(due / 1000, tz=UTC)
    assert moment.second == 0 and moment.minute % 15 == 0 and 9 <= moment.hour <= 17
    assert moment.weekday() < 5

"""The board's two charts: daily report volume and time from directive to certificate."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from domain.clock import SHANGHAI
from domain.models import Case

BUCKETS = ((0, 6), (6, 12), (12, 18), (18, 24), (24, 36), (36, None))


def daily_volume(cases: Sequence[Case], now: datetime, days: int) -> list[dict[str, Any]]:
    """Reports per day (Asia/Shanghai) for the last ``days`` days, oldest first, zeros kept."""
    today = now.astimezone(SHANGHAI).date()
    counts = {today - timedelta(days=n): 0 for n in range(days)}
    for case in cases:
        day = case.reported_at.astimezone(SHANGHAI).date()
        if day in counts:
            counts[day] += 1
    return [{"day": day.isoformat(), "reports": counts[day]} for day in sorted(counts)]


def time_to_certificate(cases: Sequence[Case]) -> dict[str, Any]:
    """Hours from the directive (or the report, when no directive was recorded) to the
    certificate, in buckets around the 24 h rule, with the median and the on-time share."""
    hours = [
        (case.certificate_at - (case.directive_at or case.reported_at)).total_seconds() / 3600
        for case in cases
        if case.certificate_at is not None
    ]
    buckets = []
    for low, high in BUCKETS:
        label = f"{low}–{high} h" if high is not None else f"≥{low} h"
        count = sum(1 for h in hours if h >= low and (high is None or h < high))
        buckets.append({"label": label, "count": count, "late": low >= 24})
    return {
        "buckets": buckets,
        "certified": len(hours),
        "median_hours": round(median(hours), 1) if hours else None,
        "within_24h": round(sum(1 for h in hours if h < 24) / len(hours), 3) if hours else None,
    }

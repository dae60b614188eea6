"""Pieces of the reconciliation workers that need no engine."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.clock import SHANGHAI
from workers.reconciliation import parse_engine_time


@pytest.mark.parametrize(
    "text",
    [
        "2026-10-10T01:00:00Z",
        "2026-10-10T01:00:00.000123Z",
        "2026-10-10T09:00:00+08:00",
        "2026-10-10T09:00:00@Asia/Shanghai",
        "2026-10-10T01:00:00Z[Etc/UTC]",
    ],
)
def test_the_engine_s_now_in_every_spelling(text: str) -> None:
    value = parse_engine_time(text)
    assert value.replace(microsecond=0) == datetime(2026, 10, 10, 9, 0, tzinfo=SHANGHAI)
    assert value.utcoffset() is not None


def test_a_date_time_without_zone_is_shanghai() -> None:
    assert parse_engine_time("2026-10-10T09:00:00").hour == 9


def test_garbage_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_engine_time("tomorrow")

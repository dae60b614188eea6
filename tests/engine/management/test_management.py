"""The management app: health groups, Zeebe's clock actuator, Prometheus metrics."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from engine.management import create_management_app
from engine.management.clock import instant
from engine.runtime.clock import Clock


class _Engine:
    def __init__(self, controlled: bool) -> None:
        self.clock = Clock(controlled)

    def stats(self) -> dict[str, Any]:
        return {
            "commands_processed_total": 12,
            "queue_depth": 3,
            "commit_latency_seconds": {
                "buckets": [(0.001, 2), (0.01, 5), (float("inf"), 6)],
                "sum": 0.05,
                "count": 6,
            },
        }


def _client(controlled: bool = True, ready: bool = True) -> httpx.AsyncClient:
    app = create_management_app(_Engine(controlled), is_ready=lambda: ready)  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://m")


def test_instant_is_javas_instant_to_string() -> None:
    assert instant(0) == "1970-01-01T00:00:00Z"
    assert instant(1_767_225_600_123) == "2026-01-01T00:00:00.123Z"


async def test_health_groups_up_and_down() -> None:
    async with _client() as client:
        for path in (
            "/actuator/health",
            "/actuator/health/status",
            "/actuator/health/readiness",
            "/actuator/health/liveness",
        ):
            answer = await client.get(path)
            assert answer.status_code == 200 and answer.json()["status"] == "UP", path
    async with _client(ready=False) as client:
        assert (await client.get("/actuator/health/readiness")).status_code == 503
        assert (await client.get("/actuator/health/status")).json() == {"status": "DOWN"}
        assert (await client.get("/actuator/health/liveness")).status_code == 200


async def test_clock_pin_add_reset() -> None:
    async with _client() as client:
        pinned = await client.post("/actuator/clock/pin", json={"epochMilli": 1_767_225_600_000})
        assert pinned.status_code == 200
        assert pinned.json() == {"epochMilli": 1_767_225_600_000, "instant": "2026-01-01T00:00:00Z"}
        added = await client.post("/actuator/clock/add", json={"offsetMilli": -1000})
        assert added.json()["epochMilli"] == 1_767_225_599_000
        assert (await client.get("/actuator/clock")).json()["epochMilli"] == 1_767_225_599_000
        reset = await client.delete("/actuator/clock")
        assert reset.status_code == 200 and reset.json()["epochMilli"] > 1_767_225_600_000 + 10**9


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/actuator/clock/pin", {"offsetMilli": 5}),
        ("/actuator/clock/pin", {"epochMilli": "soon"}),
        ("/actuator/clock/add", {"offsetMilli": 1.5}),
        ("/actuator/clock/add", [1]),
        ("/actuator/clock/warp", {"offsetMilli": 1}),
    ],
)
async def test_clock_bad_bodies_are_400(path: str, body: Any) -> None:
    async with _client() as client:
        assert (await client.post(path, json=body)).status_code == 400
        assert (await client.post("/actuator/clock/pin", content=b"{nope")).status_code == 400


async def test_uncontrolled_clock_reads_but_refuses_changes_with_403() -> None:
    async with _client(controlled=False) as client:
        assert (await client.get("/actuator/clock")).status_code == 200
        refused = await client.post("/actuator/clock/add", json={"offsetMilli": 1})
        assert refused.status_code == 403
        assert refused.text == "Expected to add time to the clock, but it is immutable"
        refused = await client.post("/actuator/clock/pin", json={"epochMilli": 1})
        assert refused.text == "Expected to pin the clock to the given time, but it is immutable"
        reset = await client.delete("/actuator/clock")
        assert reset.status_code == 403
        assert reset.text == "Expected to reset the clock, but the clock is immutable"
        # as in Zeebe, a malformed request is a 400 before the clock is even looked at
        assert (await client.post("/actuator/clock/add", json={})).status_code == 400


async def test_clock_messages_match_zeebes() -> None:
    async with _client() as client:
        missing = await client.post("/actuator/clock/pin", json={})
        assert missing.text == "Expected pin the clock to the given `epochMilli`, but none given"
        missing = await client.post("/actuator/clock/add", json={"epochMilli": 5})
        assert missing.text == "Expected to add `offsetMilli` to the clock, but none given"
        unknown = await client.post("/actuator/clock/warp", json={"offsetMilli": 1})
        assert unknown.status_code == 400 and "no operation named `warp` is known" in unknown.text
        before_epoch = await client.post("/actuator/clock/pin", json={"epochMilli": -1000})
        assert before_epoch.json() == {"epochMilli": -1000, "instant": "1969-12-31T23:59:59Z"}


async def test_metrics_expose_runtime_stats_in_prometheus_format() -> None:
    async with _client() as client:
        text = (await client.get("/metrics")).text
    assert "zeebe_engine_commands_processed_total 12.0" in text
    assert "zeebe_engine_queue_depth 3.0" in text
    assert 'zeebe_engine_commit_latency_seconds_bucket{le="0.01"} 5.0' in text
    assert "zeebe_engine_commit_latency_seconds_count 6.0" in text

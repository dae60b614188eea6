"""The HTTP department adapter against a real local server: retries, timeouts, refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.workers.recording_server import Answer, recording_server
from workers.adapters.http import HttpDepartmentClient, HttpHrss
from workers.adapters.interfaces import ActionRequest, DepartmentRejected, DepartmentUnavailable

REQUEST = ActionRequest(
    case_id="NH-1",
    action="hrss.stop_pension",
    deceased_id_number="330226193501010014",
    deceased_name="测试明",
    died_at=datetime(2026, 11, 29, 6, tzinfo=UTC),
    township="桃源街道",
    idempotency_key="NH-1:hrss.stop_pension",
)
DONE = {
    "action": "hrss.stop_pension",
    "case_id": "NH-1",
    "performed": True,
    "done_at": "2026-11-29T09:00:00Z",
    "reference": "HRSS-77",
}


async def _no_sleep(_s: float) -> None:
    return None


async def test_success_sends_idempotency_key_and_token() -> None:
    with recording_server(Answer(body=DONE)) as server:
        client = HttpDepartmentClient(server.url, token="dept", sleep=_no_sleep)
        result = await HttpHrss(client).stop_pension(REQUEST)
        await client.aclose()
    assert result.reference == "HRSS-77" and result.performed
    [request] = server.requests
    assert request.path == "/actions/hrss.stop_pension"
    assert request.headers["idempotency-key"] == "NH-1:hrss.stop_pension"
    assert request.headers["authorization"] == "Bearer dept"


async def test_5xx_then_success_is_retried_with_the_same_key() -> None:
    with recording_server(Answer(body=DONE)) as server:
        server.answers.extend([Answer(status=503), Answer(status=502)])
        client = HttpDepartmentClient(server.url, retries=3, sleep=_no_sleep)
        result = await client.perform(REQUEST)
        await client.aclose()
    assert result.performed
    assert len(server.requests) == 3
    assert {r.headers["idempotency-key"] for r in server.requests} == {REQUEST.idempotency_key}


async def test_timeout_is_retried_then_unavailable() -> None:
    with recording_server(Answer(body=DONE, delay_s=0.5)) as server:
        client = HttpDepartmentClient(server.url, timeout_s=0.1, retries=1, sleep=_no_sleep)
        with pytest.raises(DepartmentUnavailable, match="2 attempts"):
            await client.perform(REQUEST)
        await client.aclose()
    assert len(server.requests) == 2


async def test_conflict_means_done_before() -> None:
    with recording_server(Answer(status=409, body=DONE)) as server:
        client = HttpDepartmentClient(server.url, sleep=_no_sleep)
        result = await client.perform(REQUEST)
        await client.aclose()
    assert result.replayed and result.reference == "HRSS-77"


async def test_422_is_a_business_refusal_with_the_department_code() -> None:
    refusal = {"code": "NOT_INSURED", "message": "无参保记录"}
    with recording_server(Answer(status=422, body=refusal)) as server:
        client = HttpDepartmentClient(server.url, sleep=_no_sleep)
        with pytest.raises(DepartmentRejected) as caught:
            await client.perform(REQUEST)
        await client.aclose()
    assert caught.value.code == "NOT_INSURED"
    assert len(server.requests) == 1  # refusals are not retried


async def test_unreadable_success_body_is_unavailable_not_success() -> None:
    with recording_server(Answer(body={"unexpected": True})) as server:
        client = HttpDepartmentClient(server.url, sleep=_no_sleep)
        with pytest.raises(DepartmentUnavailable, match="unreadable"):
            await client.perform(REQUEST)
        await client.aclose()

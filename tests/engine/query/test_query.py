"""The v2-shaped query API against a real SQLite file with the store's read-model schema."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from engine.query import create_query_app
from engine.store.schema import DDL
from tests.engine.gateway.fake_engine import FakeEngine

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z


def _fill(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(DDL)
    conn.execute(
        "INSERT INTO process_definition VALUES (10, 'order', 1, 'order.bpmn', 'Order', '<xml/>',"
        " 'c', 9, '<default>', ?)",
        (T0,),
    )
    for i in range(5):
        conn.execute(
            "INSERT INTO process_instance VALUES (?, 10, 'order', 1, ?, ?, ?, ?, NULL, NULL,"
            " '<default>')",
            (
                100 + i,
                "COMPLETED" if i % 2 else "ACTIVE",
                int(i == 4),
                T0 + i * 1000,
                T0 + 5000 if i % 2 else None,
            ),
        )
    conn.execute(
        "INSERT INTO incident VALUES (200, 104, 10, 'order', 'task', 300, 400,"
        " 'JOB_NO_RETRIES', 'boom', 'ACTIVE', ?, NULL, '<default>')",
        (T0,),
    )
    conn.execute(
        "INSERT INTO job (key, type, worker, state, retries, deadline, process_instance_key,"
        " element_instance_key, element_id, bpmn_process_id, process_definition_key,"
        " custom_headers, creation_time, tenant_id) VALUES (400, 'pay', 'w', 'FAILED', 0, NULL,"
        " 104, 300, 'task', 'order', 10, '{\"h\": \"v\"}', ?, '<default>')",
        (T0,),
    )
    conn.execute("INSERT INTO variable VALUES (500, 'amount', '12.5', 104, 104, '<default>')")
    conn.execute(
        "INSERT INTO element_instance VALUES (300, 104, 10, 'task', 'SERVICE_TASK', 104,"
        " 'ACTIVE', ?, NULL, 200)",
        (T0,),
    )
    conn.commit()
    conn.close()


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    store = tmp_path / "engine.db"
    _fill(store)
    app = create_query_app(
        FakeEngine(),
        store,
        grpc_host="127.0.0.1",
        grpc_port=26500,
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://q") as c:
        yield c


async def _search(client: httpx.AsyncClient, resource: str, body: Any) -> Any:
    answer = await client.post(f"/v2/{resource}/search", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_process_instances_in_camunda_shape(client: httpx.AsyncClient) -> None:
    found = await _search(client, "process-instances", {"filter": {"state": "ACTIVE"}})
    assert found["page"]["totalItems"] == 3
    first = found["items"][0]
    assert first == {
        "processInstanceKey": "100",
        "processDefinitionId": "order",
        "processDefinitionName": "Order",
        "processDefinitionVersion": 1,
        "processDefinitionKey": "10",
        "parentProcessInstanceKey": None,
        "parentElementInstanceKey": None,
        "startDate": "2026-01-01T00:00:00.000Z",
        "endDate": None,
        "state": "ACTIVE",
        "hasIncident": False,
        "tenantId": "<default>",
    }


async def test_filters_sort_and_pages(client: httpx.AsyncClient) -> None:
    found = await _search(
        client,
        "process-instances",
        {
            "filter": {"startDate": {"$gte": "2026-01-01T00:00:02Z"}, "hasIncident": False},
            "sort": [{"field": "startDate", "order": "DESC"}],
        },
    )
    assert [i["processInstanceKey"] for i in found["items"]] == ["103", "102"]
    found = await _search(
        client,
        "process-instances",
        {"filter": {"processInstanceKey": {"$in": ["101", 103]}, "endDate": {"$exists": True}}},
    )
    assert [i["processInstanceKey"] for i in found["items"]] == ["101", "103"]
    page1 = await _search(client, "process-instances", {"page": {"limit": 2}})
    assert [i["processInstanceKey"] for i in page1["items"]] == ["100", "101"]
    assert page1["page"]["totalItems"] == 5
    page2 = await _search(
        client, "process-instances", {"page": {"limit": 2, "after": page1["page"]["endCursor"]}}
    )
    assert [i["processInstanceKey"] for i in page2["items"]] == ["102", "103"]
    back = await _search(
        client, "process-instances", {"page": {"limit": 2, "before": page2["page"]["startCursor"]}}
    )
    assert [i["processInstanceKey"] for i in back["items"]] == ["100", "101"]
    skipped = await _search(client, "process-instances", {"page": {"from": 4, "limit": 10}})
    assert [i["processInstanceKey"] for i in skipped["items"]] == ["104"]
    like = await _search(client, "process-definitions", {"filter": {"name": {"$like": "Ord*"}}})
    assert like["items"][0]["processDefinitionKey"] == "10"


@pytest.mark.parametrize(
    "body",
    [
        {"filter": {"colour": "red"}},
        {"filter": {"state": {"$near": 1}}},
        {"sort": [{"field": "colour"}]},
        {"sort": [{"field": "state", "order": "UP"}]},
        {"page": {"limit": -1}},
        {"page": {"after": "garbage!"}},
        {"filter": {"processInstanceKey": "abc"}},
        {"filters": {}},
    ],
)
async def test_bad_requests_are_400_problems(client: httpx.AsyncClient, body: Any) -> None:
    answer = await client.post("/v2/process-instances/search", json=body)
    assert answer.status_code == 400
    problem = answer.json()
    assert problem["status"] == 400 and problem["title"] == "INVALID_ARGUMENT"
    assert problem["detail"] and problem["instance"] == "/v2/process-instances/search"


async def test_unknown_filter_field_names_the_known_ones(client: httpx.AsyncClient) -> None:
    answer = await client.post("/v2/incidents/search", json={"filter": {"colour": 1}})
    assert "Unknown filter field 'colour'" in answer.json()["detail"]
    assert "errorType" in answer.json()["detail"]


async def test_incidents_jobs_variables(client: httpx.AsyncClient) -> None:
    incident = (await _search(client, "incidents", {"filter": {"state": "ACTIVE"}}))["items"][0]
    assert incident["incidentKey"] == "200" and incident["errorType"] == "JOB_NO_RETRIES"
    assert incident["jobKey"] == "400" and incident["creationTime"] == "2026-01-01T00:00:00.000Z"
    job = (await _search(client, "jobs", {"filter": {"type": "pay"}}))["items"][0]
    assert job["customHeaders"] == {"h": "v"} and job["state"] == "FAILED"
    assert job["hasFailedWithRetriesLeft"] is False and job["kind"] == "BPMN_ELEMENT"
    variable = await _search(client, "variables", {"filter": {"processInstanceKey": "104"}})
    assert variable["items"][0]["value"] == "12.5" and variable["items"][0]["name"] == "amount"


async def test_get_by_key_xml_and_topology(client: httpx.AsyncClient) -> None:
    instance = await client.get("/v2/process-instances/104")
    assert instance.status_code == 200 and instance.json()["hasIncident"] is True
    missing = await client.get("/v2/process-instances/999")
    assert missing.status_code == 404 and missing.json()["title"] == "NOT_FOUND"
    xml = await client.get("/v2/process-definitions/10/xml")
    assert xml.text == "<xml/>" and xml.headers["content-type"].startswith("text/xml")
    assert (await client.get("/v2/process-definitions/11/xml")).status_code == 404
    assert (await client.get("/v2/status")).status_code == 204
    topology = (await client.get("/v2/topology")).json()
    assert topology["brokers"][0]["partitions"][0] == {
        "partitionId": 1,
        "role": "leader",
        "health": "healthy",
    }


async def test_deploy_multipart_and_create_instance(client: httpx.AsyncClient) -> None:
    deployed = await client.post(
        "/v2/deployments", files=[("resources", ("order.bpmn", b"<xml/>", "text/xml"))]
    )
    assert deployed.status_code == 200, deployed.text
    body = deployed.json()
    assert body["deployments"][0]["processDefinition"]["processDefinitionId"] == "order"
    assert isinstance(body["deploymentKey"], str)
    assert (await client.post("/v2/deployments", json={})).status_code in (400, 415)
    created = await client.post(
        "/v2/process-instances", json={"processDefinitionId": "order", "variables": {"a": 1}}
    )
    assert created.status_code == 200 and created.json()["processInstanceKey"] == "42"
    missing = await client.post("/v2/process-instances", json={"processDefinitionId": "missing"})
    assert missing.status_code == 404
    assert (await client.post("/v2/process-instances", json={"variables": []})).status_code == 400
    from_modeler = await client.post(
        "/v2/process-instances",
        json={
            "processDefinitionId": "order",
            "variables": None,
            "tenantId": None,
            "startInstructions": None,
            "runtimeInstructions": [],
        },
    )
    assert from_modeler.status_code == 200, from_modeler.text
    unsupported = await client.post(
        "/v2/process-instances",
        json={"processDefinitionId": "order", "runtimeInstructions": [{"type": "x"}]},
    )
    assert unsupported.status_code == 400
    other_tenant = await client.post(
        "/v2/process-instances", json={"processDefinitionId": "order", "tenantId": "county-b"}
    )
    assert other_tenant.status_code == 400
    assert "multi-tenancy is disabled" in other_tenant.json()["detail"]


async def test_in_memory_engine_has_no_read_model() -> None:
    app = create_query_app(FakeEngine(), None, grpc_host="h", grpc_port=1)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://q") as c:
        answer = await c.post("/v2/jobs/search", json={})
    assert answer.status_code == 503


async def test_element_instances_show_where_an_instance_stands(client: httpx.AsyncClient) -> None:
    found = await _search(client, "element-instances", {"filter": {"processInstanceKey": "104"}})
    (item,) = found["items"]
    assert item["elementId"] == "task" and item["type"] == "SERVICE_TASK"
    assert item["hasIncident"] is True and item["incidentKey"] == "200"
    assert item["processDefinitionId"] == "order" and item["tenantId"] == "<default>"


async def test_operations_call_the_engine_and_answer_like_camunda(tmp_path: Path) -> None:
    engine = FakeEngine()
    app = create_query_app(engine, tmp_path / "none.db", grpc_host="h", grpc_port=1)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://q"
    ) as client:
        assert (await client.post("/v2/process-instances/42/cancellation")).status_code == 204
        answer = await client.put(
            "/v2/element-instances/8/variables", json={"variables": {"v": 1}, "local": True}
        )
        assert answer.status_code == 204
        answer = await client.post("/v2/jobs/5/completion", json={"variables": {"ok": True}})
        assert answer.status_code == 204
        answer = await client.post(
            "/v2/jobs/5/failure", json={"retries": 2, "errorMessage": "x", "retryBackOff": 100}
        )
        assert answer.status_code == 204
        answer = await client.patch("/v2/jobs/5", json={"changeset": {"retries": 3, "timeout": 9}})
        assert answer.status_code == 204
        published = await client.post(
            "/v2/messages/publication", json={"name": "m", "correlationKey": "c", "timeToLive": 1}
        )
        assert published.json() == {"messageKey": "555", "tenantId": "<default>"}
        signal = await client.post("/v2/signals/broadcast", json={"signalName": "s"})
        assert signal.json() == {"signalKey": "556", "tenantId": "<default>"}
    assert engine.calls[:6] == [
        ("cancel", 42),
        ("set_variables", (8, {"v": 1}, True)),
        ("complete", (5, {"ok": True})),
        ("fail", (5, 2, "x", 100)),
        ("retries", (5, 3)),
        ("timeout", (5, 9)),
    ]
    assert engine.calls[6][0] == "publish" and engine.calls[6][1]["time_to_live_ms"] == 1
    assert engine.calls[7] == ("signal", "s")


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/v2/jobs/404/completion", {}, 404),
        ("POST", "/v2/jobs/1/error", {"errorCode": "E"}, 409),
        ("POST", "/v2/jobs/1/error", {}, 400),
        ("POST", "/v2/incidents/1/resolution", None, 503),
        ("PATCH", "/v2/jobs/1", {"changeset": {}}, 400),
        ("POST", "/v2/jobs/abc/completion", {}, 400),
        ("POST", "/v2/messages/publication", {"name": "m", "tenantId": "county-b"}, 400),
    ],
)
async def test_operation_errors_are_problems(
    client: httpx.AsyncClient, method: str, path: str, body: Any, status: int
) -> None:
    answer = await client.request(method, path, json=body)
    assert answer.status_code == status, answer.text
    assert answer.json()["status"] == status and answer.json()["detail"]

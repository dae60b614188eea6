"""The console's HTTP surface against a real engine: login, CSRF, roles, actions, live stream.

Actions must go through the engine (the read model and record log show their effects) and be
refused — before reaching the engine — without the ops role, without the session's CSRF token,
or from another origin.
"""

from __future__ import annotations

import json

import httpx
import pytest

from tests.engine.console.harness import HEALTH, OPS, SUPERVISOR, ConsoleEngine, Zeebe
from tests.engine.e2e.harness import wait_for

pytestmark = pytest.mark.e2e


def login(engine: ConsoleEngine, token: str) -> tuple[httpx.Client, str]:
    """A client holding a console session cookie, and the session's CSRF token."""
    client = httpx.Client(base_url=engine.console_url, timeout=10)
    answer = client.post("/login", data={"token": token, "next": "/console/processes"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/console/processes"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/console" in cookie
    me = client.get("/api/me").json()
    return client, me["csrf"]


def waiting_instance(zeebe: Zeebe) -> int:
    return zeebe.create("console-demo", {"caseId": "C-9", "deceased": {"name": "李四"}})


def test_a_wrong_token_is_refused_and_the_api_needs_a_session(
    console_engine: ConsoleEngine, zeebe: Zeebe
) -> None:
    client = httpx.Client(base_url=console_engine.console_url)
    answer = client.post("/login", data={"token": "guess"})
    assert answer.status_code == 303 and "failed=1" in answer.headers["location"]
    assert "set-cookie" not in answer.headers
    assert client.get("/api/instances").status_code == 401
    assert client.get("/api/me", headers={"Authorization": "Bearer guess"}).status_code == 401
    cross = client.post("/login", data={"token": OPS}, headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403


def test_actions_need_the_csrf_token_the_ops_role_and_the_same_origin(
    console_engine: ConsoleEngine, zeebe: Zeebe
) -> None:
    key = waiting_instance(zeebe)
    ops, csrf = login(console_engine, OPS)
    path = f"/api/instances/{key}/cancel"
    assert ops.post(path).status_code == 403  # no CSRF token
    assert ops.post(path, headers={"X-CSRF-Token": "forged"}).status_code == 403
    cross = ops.post(path, headers={"X-CSRF-Token": csrf, "Origin": "http://evil.example"})
    assert cross.status_code == 403
    supervisor, supervisor_csrf = login(console_engine, SUPERVISOR)
    refused = supervisor.post(path, headers={"X-CSRF-Token": supervisor_csrf})
    assert refused.status_code == 403 and "ops role" in refused.json()["detail"]
    assert (
        console_engine.search("process-instances", {"processInstanceKey": str(key)})[0]["state"]
        == "ACTIVE"
    )

    done = ops.post(path, headers={"X-CSRF-Token": csrf})
    assert done.status_code == 200, done.text
    assert (
        console_engine.search("process-instances", {"processInstanceKey": str(key)})[0]["state"]
        == "TERMINATED"
    )
    detail = ops.get(f"/api/instances/{key}").json()
    assert detail["instance"]["state"] == "CANCELED"
    assert [(a["actor"], a["action"], a["outcome"]) for a in detail["audit"]] == [
        ("ops:alice", "CANCEL_INSTANCE", "DONE")
    ]
    again = ops.post(path, headers={"X-CSRF-Token": csrf})
    assert again.status_code == 404  # the engine's own answer: no such active instance
    assert ops.get(f"/api/instances/{key}").json()["audit"][0]["outcome"].startswith("REJECTED")

    out = ops.post("/logout", headers={"X-CSRF-Token": csrf})
    assert out.status_code == 200
    assert ops.get("/api/me").status_code == 401


def test_a_bearer_caller_moves_a_token_without_csrf(
    console_engine: ConsoleEngine, zeebe: Zeebe
) -> None:
    key = waiting_instance(zeebe)
    bearer = {"Authorization": f"Bearer {OPS}"}
    client = httpx.Client(base_url=console_engine.console_url, headers=bearer, timeout=10)
    detail = client.get(f"/api/instances/{key}").json()
    check = next(e for e in detail["elements"] if e["elementId"] == "check")
    moved = client.post(
        f"/api/instances/{key}/modify",
        json={"fromElementInstanceKey": check["key"], "toElementId": "certify"},
    )
    assert moved.status_code == 200, moved.text
    after = client.get(f"/api/instances/{key}").json()
    states = {(e["elementId"], e["state"]) for e in after["elements"]}
    assert ("check", "TERMINATED") in states and ("certify", "ACTIVE") in states
    history = client.get(f"/api/instances/{key}/records").json()["items"]
    assert any(r["valueType"] == "PROCESS_INSTANCE_MODIFICATION" for r in history), [
        (r["valueType"], r["intent"]) for r in history
    ]
    bad = client.post(
        f"/api/instances/{key}/modify",
        json={"fromElementInstanceKey": check["key"], "toElementId": "no-such-element"},
    )
    assert bad.status_code in (400, 409), bad.text


def test_a_role_without_personal_data_sees_names_but_no_values(
    console_engine: ConsoleEngine, zeebe: Zeebe
) -> None:
    key = waiting_instance(zeebe)
    zeebe.complete(zeebe.job_of("console.check", key).key)
    zeebe.fail(zeebe.job_of("console.certify", key).key, 0, "no hospital record for 李四")
    console_engine.wait_search("incidents", {"processInstanceKey": str(key)})
    health = httpx.Client(
        base_url=console_engine.console_url, headers={"Authorization": f"Bearer {HEALTH}"}
    )
    detail = health.get(f"/api/instances/{key}").json()
    assert {v["name"] for v in detail["variables"]} == {"caseId", "deceased"}
    assert all(v["value"] is None and v["hidden"] for v in detail["variables"])
    assert [i["errorType"] for i in detail["incidents"]] == ["JOB_NO_RETRIES"]
    assert "李四" not in json.dumps(detail, ensure_ascii=False)
    records = health.get(f"/api/instances/{key}/records").text
    assert "JOB_NO_RETRIES" in records and "李四" not in records
    ops = httpx.Client(
        base_url=console_engine.console_url, headers={"Authorization": f"Bearer {OPS}"}
    )
    seen = ops.get(f"/api/instances/{key}").json()
    assert seen["incidents"][0]["errorMessage"] == "no hospital record for 李四"
    assert {v["name"]: v["value"] for v in seen["variables"]}["deceased"] == '{"name":"李四"}'


def test_definitions_counts_and_xml_download(console_engine: ConsoleEngine, zeebe: Zeebe) -> None:
    key = waiting_instance(zeebe)
    client = httpx.Client(
        base_url=console_engine.console_url, headers={"Authorization": f"Bearer {SUPERVISOR}"}
    )
    items = client.get("/api/definitions").json()["items"]
    demo = next(d for d in items if d["processId"] == "console-demo")
    assert demo["counts"]["ACTIVE"] >= 1
    xml = client.get(f"/api/definitions/{demo['key']}/xml", params={"download": "1"})
    assert xml.headers["content-disposition"].startswith("attachment")
    assert 'id="certify"' in xml.text
    elements = client.get(f"/api/definitions/{demo['key']}/elements").json()["items"]
    assert {"id": "certify", "name": "Issue certificate", "kind": "serviceTask"} in elements
    listed = client.get("/api/instances", params={"key": str(key)}).json()
    assert [i["key"] for i in listed["items"]] == [str(key)]
    assert client.get("/api/instances", params={"state": "stuck"}).status_code == 400
    assert client.get("/api/instances", params={"started_from": "yesterday"}).status_code == 400


def test_the_live_stream_announces_changes(console_engine: ConsoleEngine, zeebe: Zeebe) -> None:
    key = waiting_instance(zeebe)
    client = httpx.Client(
        base_url=console_engine.console_url, headers={"Authorization": f"Bearer {OPS}"}, timeout=10
    )
    first = client.get(f"/api/instances/{key}").json()["position"]
    events: list[dict[str, object]] = []
    with client.stream(
        "GET", f"/api/instances/{key}/events", headers={"Last-Event-ID": str(first)}
    ) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        zeebe.complete(zeebe.job_of("console.check", key).key)

        def next_change() -> dict[str, object] | None:
            for line in lines:
                if line.startswith("data: "):
                    return dict(json.loads(line[6:]))
            return None

        events.append(wait_for(next_change, what="a change event"))
    assert int(str(events[0]["position"])) > first
    assert events[0]["state"] == "ACTIVE"


CALLER = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="defs_caller"
  targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="console-caller" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call" />
    <bpmn:callActivity id="call">
      <bpmn:extensionElements>
        <zeebe:calledElement processId="console-demo" />
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:callActivity>
    <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="end" />
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def test_called_and_calling_instances_link_both_ways(
    console_engine: ConsoleEngine, zeebe: Zeebe
) -> None:
    zeebe.deploy("caller.bpmn", CALLER)
    parent = zeebe.create("console-caller", {"caseId": "C-call"})
    child = console_engine.wait_search(
        "process-instances", {"parentProcessInstanceKey": str(parent)}
    )[0]["processInstanceKey"]
    client = httpx.Client(
        base_url=console_engine.console_url, headers={"Authorization": f"Bearer {OPS}"}
    )
    above = client.get(f"/api/instances/{parent}").json()
    assert [c["key"] for c in above["children"]] == [child]
    below = client.get(f"/api/instances/{child}").json()
    assert (
        below["parent"]["key"] == str(parent) and below["parent"]["processId"] == "console-caller"
    )
    assert below["timers"] == [] and below["jobs"][0]["type"] == "console.check"
    listed = client.get("/api/instances", params={"parent": str(parent)}).json()
    assert [i["key"] for i in listed["items"]] == [child]

"""The HTTP side of the engine process: Camunda-v2-shaped REST (Modeler's deploy path), metrics."""

from __future__ import annotations

import grpc
import httpx
import pytest
from pyzeebe.proto import gateway_pb2 as pb
from pyzeebe.proto.gateway_pb2_grpc import GatewayStub

from tests.engine.e2e import models
from tests.engine.e2e.harness import EngineProcess

pytestmark = pytest.mark.e2e


def test_rest_deploy_start_and_query_like_camunda_modeler(engine_proc: EngineProcess) -> None:
    base = f"{engine_proc.http_url}/v2"
    topology = httpx.get(f"{base}/topology").json()
    assert topology["clusterSize"] == 1 and topology["brokers"][0]["partitions"][0]["role"] == (
        "leader"
    )
    xml = models.one_task("rest-one", "rest-job")
    deployed = httpx.post(
        f"{base}/deployments", files=[("resources", ("rest-one.bpmn", xml, "application/xml"))]
    )
    assert deployed.status_code == 200, deployed.text
    definition = deployed.json()["deployments"][0]["processDefinition"]
    assert definition["processDefinitionId"] == "rest-one"
    key = definition["processDefinitionKey"]
    assert httpx.get(f"{base}/process-definitions/{key}/xml").content == xml

    created = httpx.post(
        f"{base}/process-instances",
        json={"processDefinitionId": "rest-one", "variables": {"caseId": "c-7"}},
    )
    assert created.status_code == 200, created.text
    instance_key = created.json()["processInstanceKey"]
    instance = httpx.get(f"{base}/process-instances/{instance_key}").json()
    assert instance["state"] == "ACTIVE" and instance["processDefinitionId"] == "rest-one"
    assert instance["processDefinitionName"] == "rest-one process"
    (job,) = engine_proc.wait_search("jobs", {"processInstanceKey": instance_key})
    assert job["type"] == "rest-job" and job["state"] == "CREATED"
    assert job["customHeaders"] == {"department": "civil"}
    (variable,) = engine_proc.search("variables", {"processInstanceKey": instance_key})
    assert (variable["name"], variable["value"]) == ("caseId", '"c-7"')

    broken = httpx.post(
        f"{base}/deployments", files=[("resources", ("broken.bpmn", b"<nope", "application/xml"))]
    )
    assert broken.status_code == 400 and broken.json()["title"] == "INVALID_ARGUMENT"
    unknown = httpx.post(f"{base}/process-instances", json={"processDefinitionId": "rest-none"})
    assert unknown.status_code == 404
    bad = httpx.post(f"{base}/process-instances/search", json={"filter": {"colour": "red"}})
    assert bad.status_code == 400 and "colour" in bad.json()["detail"]


def test_metrics_count_the_engines_work(engine_proc: EngineProcess) -> None:
    httpx.post(
        f"{engine_proc.http_url}/v2/deployments",
        files=[
            ("resources", ("rest-m.bpmn", models.one_task("rest-m", "rest-m"), "application/xml"))
        ],
    )
    text = httpx.get(f"{engine_proc.management_url}/metrics").text
    samples = {
        line.split(" ")[0]: float(line.split(" ")[1])
        for line in text.splitlines()
        if line and not line.startswith("#")
    }
    assert samples["zeebe_engine_commands_total"] >= 1
    assert samples["zeebe_engine_records_total"] >= 1
    assert samples["zeebe_engine_commit_latency_seconds_count"] >= 1
    assert "zeebe_engine_process_instances_active" in samples
    assert "zeebe_engine_incidents_active" in samples
    assert "zeebe_engine_process_instances_completed" in samples


def test_rest_operations_drive_real_instances(engine_proc: EngineProcess) -> None:
    base = f"{engine_proc.http_url}/v2"
    for name, xml in (
        ("rest-op.bpmn", models.one_task("rest-op", "rest-op", retries=1)),
        ("rest-msg.bpmn", models.message_wait("rest-msg", "rest-paid")),
    ):
        deployed = httpx.post(
            f"{base}/deployments", files=[("resources", (name, xml, "application/xml"))]
        )
        assert deployed.status_code == 200, deployed.text

    def start(pid: str, variables: dict[str, object]) -> str:
        created = httpx.post(
            f"{base}/process-instances", json={"processDefinitionId": pid, "variables": variables}
        )
        assert created.status_code == 200, created.text
        key: str = created.json()["processInstanceKey"]
        return key

    # a job failed to an incident, retried with PATCH, resolved, completed — all over REST
    first = start("rest-op", {})
    (job,) = engine_proc.wait_search("jobs", {"processInstanceKey": first})
    with grpc.insecure_channel(engine_proc.grpc_address) as channel:  # REST has no activation here
        activated = [
            j.key
            for answer in GatewayStub(channel).ActivateJobs(
                pb.ActivateJobsRequest(
                    type="rest-op",
                    worker="w",
                    timeout=60_000,
                    maxJobsToActivate=1,
                    requestTimeout=5_000,
                ),
                timeout=10,
            )
            for j in answer.jobs
        ]
    assert activated == [int(job["jobKey"])]
    failed = httpx.post(
        f"{base}/jobs/{job['jobKey']}/failure",
        json={"retries": 0, "errorMessage": "registry offline"},
    )
    assert failed.status_code == 204, failed.text
    (incident,) = engine_proc.wait_search(
        "incidents", {"processInstanceKey": first, "state": "ACTIVE"}
    )
    assert (
        httpx.patch(f"{base}/jobs/{job['jobKey']}", json={"changeset": {"retries": 1}}).status_code
        == 204
    )
    assert httpx.post(f"{base}/incidents/{incident['incidentKey']}/resolution").status_code == 204
    engine_proc.wait_search(
        "incidents", {"incidentKey": incident["incidentKey"], "state": "RESOLVED"}
    )
    # Zeebe completes a job that is activatable as well as an activated one
    assert (
        httpx.post(
            f"{base}/jobs/{job['jobKey']}/completion", json={"variables": {"done": True}}
        ).status_code
        == 204
    )
    engine_proc.wait_search(
        "process-instances", {"processInstanceKey": first, "state": "COMPLETED"}
    )

    # messages and cancellation
    waiting = start("rest-msg", {"orderId": "r-1"})
    other = start("rest-msg", {"orderId": "r-2"})
    published = httpx.post(
        f"{base}/messages/publication",
        json={"name": "rest-paid", "correlationKey": "r-1", "timeToLive": 0},
    )
    assert published.status_code == 200 and published.json()["messageKey"]
    engine_proc.wait_search(
        "process-instances", {"processInstanceKey": waiting, "state": "COMPLETED"}
    )
    assert httpx.post(f"{base}/process-instances/{other}/cancellation").status_code == 204
    engine_proc.wait_search(
        "process-instances", {"processInstanceKey": other, "state": "TERMINATED"}
    )
    assert httpx.post(f"{base}/process-instances/{other}/cancellation").status_code == 404

from __future__ import annotations

import json

import pytest

from engine import api
from engine.api import EngineError, ErrorCode
from engine.gateway import convert


def test_variables_parse_objects_and_treat_empty_as_empty_object() -> None:
    assert convert.parse_variables('{"a": [1, {"b": null}]}', "X") == {"a": [1, {"b": None}]}
    assert convert.parse_variables("", "X") == {}
    assert convert.parse_variables("  ", "X") == {}


@pytest.mark.parametrize("text", ["[1, 2]", "42", '"s"', "{not json", "true"])
def test_variables_that_are_not_a_json_object_are_invalid_argument(text: str) -> None:
    with pytest.raises(EngineError) as raised:
        convert.parse_variables(text, "CompleteJob")
    assert raised.value.code is ErrorCode.INVALID_ARGUMENT
    if text.startswith("{"):
        assert raised.value.message.startswith(
            "Expected to handle gRPC request CompleteJob with variables, but the variables are "
            "not a valid JSON object"
        )
    else:  # Zeebe's own words for a JSON value that is not an object
        assert raised.value.message.startswith(
            "Property 'variables' is invalid: Expected document to be a root level object, but was"
        )


def test_non_object_message_names_the_type_as_zeebe_does() -> None:
    with pytest.raises(EngineError) as raised:
        convert.parse_variables("[]", "CompleteJob")
    assert raised.value.message == (
        "Property 'variables' is invalid: Expected document to be a root level object, "
        "but was 'ARRAY'"
    )


def test_activated_job_carries_every_field_and_json_texts() -> None:
    job = api.ActivatedJob(
        key=1,
        type="t",
        process_instance_key=2,
        bpmn_process_id="p",
        process_definition_version=3,
        process_definition_key=4,
        element_id="e",
        element_instance_key=5,
        custom_headers={"k": "v"},
        worker="w",
        retries=6,
        deadline_ms=7,
        variables={"名": "值"},
        tenant_id="<default>",
    )
    message = convert.activated_job(job)
    assert (message.key, message.type, message.processInstanceKey, message.bpmnProcessId) == (
        1,
        "t",
        2,
        "p",
    )
    assert (message.processDefinitionVersion, message.processDefinitionKey) == (3, 4)
    assert (message.elementId, message.elementInstanceKey, message.worker) == ("e", 5, "w")
    assert (message.retries, message.deadline, message.tenantId) == (6, 7, "<default>")
    assert json.loads(message.customHeaders) == {"k": "v"}
    assert json.loads(message.variables) == {"名": "值"}


def test_version_zero_or_negative_means_latest() -> None:
    assert convert.version(0) == -1
    assert convert.version(-1) == -1
    assert convert.version(3) == 3


def test_deploy_response_lists_processes_decisions_and_drgs() -> None:
    deployment = api.Deployment(
        key=10,
        processes=[api.DeployedProcess("p", 1, 11, "p.bpmn")],
        decisions=[api.DeployedDecision("d", "D", 1, 12, "drg", 13)],
        decision_requirements=[api.DeployedDecisionRequirements("drg", "DRG", 1, 13, "d.dmn")],
    )
    response = convert.deploy_resource_response(deployment)
    assert response.key == 10
    kinds = [d.WhichOneof("Metadata") for d in response.deployments]
    assert kinds == ["process", "decision", "decisionRequirements"]
    assert response.deployments[0].process.processDefinitionKey == 11
    assert response.deployments[1].decision.decisionRequirementsKey == 13
    legacy = convert.deploy_process_response(deployment)
    assert [p.bpmnProcessId for p in legacy.processes] == ["p"]


def test_topology_is_one_healthy_leader() -> None:
    topology = convert.topology_response("127.0.0.1", 26500)
    assert (topology.clusterSize, topology.partitionsCount, topology.replicationFactor) == (1, 1, 1)
    (broker,) = topology.brokers
    (partition,) = broker.partitions
    assert partition.role == partition.LEADER and partition.health == partition.HEALTHY
    assert topology.gatewayVersion.startswith("8.")

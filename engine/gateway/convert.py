"""Protobuf messages of Zeebe's gateway ↔ the engine's api dataclasses, in one place.

Variables travel as JSON text in the protocol; here they become dicts (and back). A
payload that is not a JSON object is refused the way Zeebe refuses it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pyzeebe.proto import gateway_pb2 as pb

from engine import api
from engine.api import DEFAULT_TENANT, EngineError, ErrorCode, JsonObject

GATEWAY_VERSION = "8.7.0"


def parse_variables(text: str, rpc: str) -> JsonObject:
    """The ``variables`` JSON text of a request → dict; empty text (or ``null``) is ``{}``.

    A JSON value that is not an object is refused with Zeebe's own message; text that is not
    JSON at all names the request it came with.
    """
    if not text or not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError as error:
        raise EngineError(
            ErrorCode.INVALID_ARGUMENT,
            f"Expected to handle gRPC request {rpc} with variables, but the variables are "
            f"not a valid JSON object: {error}",
        ) from error
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise EngineError(
            ErrorCode.INVALID_ARGUMENT,
            "Property 'variables' is invalid: Expected document to be a root level object, "
            f"but was '{_MSGPACK_TYPE.get(type(value), type(value).__name__.upper())}'",
        )
    return value


# How Zeebe names a JSON value's type in its "not a root level object" message (msgpack types)
_MSGPACK_TYPE = {list: "ARRAY", int: "INTEGER", float: "FLOAT", str: "STRING", bool: "BOOLEAN"}


def dump_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def tenant(tenant_id: str, rpc: str) -> str:
    """Multi-tenancy is disabled, as in a default Zeebe: only ``<default>`` (or none) passes."""
    if tenant_id and tenant_id != DEFAULT_TENANT:
        raise EngineError(
            ErrorCode.INVALID_ARGUMENT,
            f"Expected to handle gRPC request {rpc} with tenant identifier '{tenant_id}', "
            "but multi-tenancy is disabled",
        )
    return DEFAULT_TENANT


def tenants(tenant_ids: Sequence[str], rpc: str) -> tuple[str, ...]:
    return tuple(tenant(t, rpc) for t in tenant_ids if t)


def version(requested: int) -> int:
    """-1 (and an unset 0, which no version can have) means the latest version."""
    return -1 if requested <= 0 else requested


# ------------------------------------------------------------------ jobs


def activated_job(job: api.ActivatedJob) -> pb.ActivatedJob:
    return pb.ActivatedJob(
        key=job.key,
        type=job.type,
        processInstanceKey=job.process_instance_key,
        bpmnProcessId=job.bpmn_process_id,
        processDefinitionVersion=job.process_definition_version,
        processDefinitionKey=job.process_definition_key,
        elementId=job.element_id,
        elementInstanceKey=job.element_instance_key,
        customHeaders=dump_json(job.custom_headers),
        worker=job.worker,
        retries=job.retries,
        deadline=job.deadline_ms,
        variables=dump_json(job.variables),
        tenantId=job.tenant_id,
    )


# ------------------------------------------------------------ deployment


def process_metadata(process: api.DeployedProcess) -> pb.ProcessMetadata:
    return pb.ProcessMetadata(
        bpmnProcessId=process.bpmn_process_id,
        version=process.version,
        processDefinitionKey=process.process_definition_key,
        resourceName=process.resource_name,
        tenantId=process.tenant_id,
    )


def deploy_resource_response(deployment: api.Deployment) -> pb.DeployResourceResponse:
    items: list[pb.Deployment] = [
        pb.Deployment(process=process_metadata(p)) for p in deployment.processes
    ]
    items += [
        pb.Deployment(
            decision=pb.DecisionMetadata(
                dmnDecisionId=d.decision_id,
                dmnDecisionName=d.decision_name,
                version=d.version,
                decisionKey=d.decision_key,
                dmnDecisionRequirementsId=d.decision_requirements_id,
                decisionRequirementsKey=d.decision_requirements_key,
                tenantId=d.tenant_id,
            )
        )
        for d in deployment.decisions
    ]
    items += [
        pb.Deployment(
            decisionRequirements=pb.DecisionRequirementsMetadata(
                dmnDecisionRequirementsId=r.decision_requirements_id,
                dmnDecisionRequirementsName=r.decision_requirements_name,
                version=r.version,
                decisionRequirementsKey=r.decision_requirements_key,
                resourceName=r.resource_name,
                tenantId=r.tenant_id,
            )
        )
        for r in deployment.decision_requirements
    ]
    return pb.DeployResourceResponse(
        key=deployment.key, deployments=items, tenantId=deployment.tenant_id
    )


def deploy_process_response(deployment: api.Deployment) -> pb.DeployProcessResponse:
    return pb.DeployProcessResponse(
        key=deployment.key, processes=[process_metadata(p) for p in deployment.processes]
    )


# -------------------------------------------------------------- instances


def start_instructions(
    instructions: Sequence[pb.ProcessInstanceCreationStartInstruction],
) -> tuple[api.StartInstruction, ...]:
    return tuple(api.StartInstruction(element_id=i.elementId) for i in instructions)


def create_instance_response(
    created: api.ProcessInstanceCreated,
) -> pb.CreateProcessInstanceResponse:
    return pb.CreateProcessInstanceResponse(
        processDefinitionKey=created.process_definition_key,
        bpmnProcessId=created.bpmn_process_id,
        version=created.version,
        processInstanceKey=created.process_instance_key,
        tenantId=created.tenant_id,
    )


def create_instance_with_result_response(
    result: api.ProcessInstanceResult,
) -> pb.CreateProcessInstanceWithResultResponse:
    return pb.CreateProcessInstanceWithResultResponse(
        processDefinitionKey=result.process_definition_key,
        bpmnProcessId=result.bpmn_process_id,
        version=result.version,
        processInstanceKey=result.process_instance_key,
        variables=dump_json(result.variables),
        tenantId=result.tenant_id,
    )


def activate_instructions(
    instructions: Sequence[pb.ModifyProcessInstanceRequest.ActivateInstruction],
) -> tuple[api.ActivateInstruction, ...]:
    return tuple(
        api.ActivateInstruction(
            element_id=i.elementId,
            ancestor_element_instance_key=i.ancestorElementInstanceKey or -1,
            variables=tuple(
                (v.scopeId, parse_variables(v.variables, "ModifyProcessInstance"))
                for v in i.variableInstructions
            ),
        )
        for i in instructions
    )


# --------------------------------------------------------------- decisions


def _evaluated_decision(d: api.EvaluatedDecision) -> pb.EvaluatedDecision:
    return pb.EvaluatedDecision(
        decisionKey=d.decision_key,
        decisionId=d.decision_id,
        decisionName=d.decision_name,
        decisionVersion=d.decision_version,
        decisionType=d.decision_type,
        decisionOutput=d.decision_output,
        evaluatedInputs=[
            pb.EvaluatedDecisionInput(
                inputId=str(i.get("inputId", "")),
                inputName=str(i.get("inputName", "")),
                inputValue=str(i.get("inputValue", "")),
            )
            for i in d.evaluated_inputs
        ],
        matchedRules=[
            pb.MatchedDecisionRule(
                ruleId=str(r.get("ruleId", "")),
                ruleIndex=int(r.get("ruleIndex", 0)),
                evaluatedOutputs=[
                    pb.EvaluatedDecisionOutput(
                        outputId=str(o.get("outputId", "")),
                        outputName=str(o.get("outputName", "")),
                        outputValue=str(o.get("outputValue", "")),
                    )
                    for o in r.get("evaluatedOutputs", ())
                ],
            )
            for r in d.matched_rules
        ],
        tenantId=d.tenant_id,
    )


def evaluate_decision_response(result: api.DecisionEvaluation) -> pb.EvaluateDecisionResponse:
    return pb.EvaluateDecisionResponse(
        decisionKey=result.decision_key,
        decisionId=result.decision_id,
        decisionName=result.decision_name,
        decisionVersion=result.decision_version,
        decisionRequirementsId=result.decision_requirements_id,
        decisionRequirementsKey=result.decision_requirements_key,
        decisionOutput=result.decision_output,
        evaluatedDecisions=[_evaluated_decision(d) for d in result.evaluated_decisions],
        failedDecisionId=result.failed_decision_id,
        failureMessage=result.failure_message,
        tenantId=result.tenant_id,
    )


# ---------------------------------------------------------------- topology


def topology_response(host: str, port: int) -> pb.TopologyResponse:
    partition = pb.Partition(partitionId=1, role=pb.Partition.LEADER, health=pb.Partition.HEALTHY)
    broker = pb.BrokerInfo(
        nodeId=0, host=host, port=port, partitions=[partition], version=GATEWAY_VERSION
    )
    return pb.TopologyResponse(
        brokers=[broker],
        clusterSize=1,
        partitionsCount=1,
        replicationFactor=1,
        gatewayVersion=GATEWAY_VERSION,
    )

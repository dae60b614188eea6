"""Every RPC of Zeebe's gateway through the raw generated stubs, status codes included."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pyzeebe.proto import gateway_pb2 as pb
from pyzeebe.proto.gateway_pb2_grpc import GatewayStub

from tests.engine.e2e import models
from tests.engine.e2e.harness import EngineProcess, wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stub(engine_proc: EngineProcess) -> Iterator[GatewayStub]:
    with grpc.insecure_channel(engine_proc.grpc_address) as channel:
        yield GatewayStub(channel)


def _code(call: object) -> grpc.StatusCode:
    with pytest.raises(grpc.RpcError) as raised:
        call()  # type: ignore[operator]
    error = raised.value
    assert isinstance(error, grpc.Call)
    assert error.details(), "an error must say what went wrong"
    return error.code()


def _deploy(stub: GatewayStub, name: str, xml: bytes) -> pb.ProcessMetadata:
    response = stub.DeployResource(
        pb.DeployResourceRequest(resources=[pb.Resource(name=name, content=xml)])
    )
    return response.deployments[0].process


def _activate(
    stub: GatewayStub,
    job_type: str,
    *,
    max_jobs: int = 10,
    request_timeout: int = -1,
    deadline: float = 10,
) -> list[pb.ActivatedJob]:
    jobs: list[pb.ActivatedJob] = []
    for response in stub.ActivateJobs(
        pb.ActivateJobsRequest(
            type=job_type,
            worker="raw",
            timeout=60_000,
            maxJobsToActivate=max_jobs,
            requestTimeout=request_timeout,
        ),
        timeout=deadline,
    ):
        jobs.extend(response.jobs)
    return jobs


def test_topology_and_health(engine_proc: EngineProcess, stub: GatewayStub) -> None:
    topology = stub.Topology(pb.TopologyRequest())
    assert topology.clusterSize == 1 and topology.partitionsCount == 1
    assert topology.brokers[0].partitions[0].role == pb.Partition.LEADER
    assert topology.brokers[0].partitions[0].health == pb.Partition.HEALTHY
    assert topology.gatewayVersion.startswith("8.")
    with grpc.insecure_channel(engine_proc.grpc_address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        answer = health.Check(health_pb2.HealthCheckRequest(service="gateway_protocol.Gateway"))
        assert answer.status == health_pb2.HealthCheckResponse.SERVING


def test_deploy_resource_deploy_process_and_delete(stub: GatewayStub) -> None:
    first = _deploy(stub, "raw-dep.bpmn", models.one_task("raw-dep", "raw-dep"))
    assert (first.bpmnProcessId, first.version, first.resourceName) == (
        "raw-dep",
        1,
        "raw-dep.bpmn",
    )
    again = _deploy(stub, "raw-dep.bpmn", models.one_task("raw-dep", "raw-dep"))
    assert again.version == 1, "an unchanged resource is not a new version (Zeebe)"
    legacy = stub.DeployProcess(
        pb.DeployProcessRequest(
            processes=[
                pb.ProcessRequestObject(
                    name="raw-dep.bpmn", definition=models.one_task("raw-dep", "raw-dep-2")
                )
            ]
        )
    )
    assert legacy.processes[0].version == 2
    assert _code(
        lambda: stub.DeployResource(
            pb.DeployResourceRequest(resources=[pb.Resource(name="bad.bpmn", content=b"<not-bpmn")])
        )
    ) == (grpc.StatusCode.INVALID_ARGUMENT)
    stub.DeleteResource(
        pb.DeleteResourceRequest(resourceKey=legacy.processes[0].processDefinitionKey)
    )
    assert _code(lambda: stub.DeleteResource(pb.DeleteResourceRequest(resourceKey=123))) == (
        grpc.StatusCode.NOT_FOUND
    )


def test_create_instance_errors(stub: GatewayStub) -> None:
    assert (
        _code(
            lambda: stub.CreateProcessInstance(
                pb.CreateProcessInstanceRequest(bpmnProcessId="raw-nowhere", version=-1)
            )
        )
        == grpc.StatusCode.NOT_FOUND
    )
    _deploy(stub, "raw-c.bpmn", models.one_task("raw-c", "raw-c"))
    for bad in ("[1]", "{nope", '"text"'):
        assert _code(
            lambda bad=bad: stub.CreateProcessInstance(
                pb.CreateProcessInstanceRequest(bpmnProcessId="raw-c", version=-1, variables=bad)
            )
        ) == (grpc.StatusCode.INVALID_ARGUMENT)


def test_job_lifecycle_complete_fail_retries_timeout(stub: GatewayStub) -> None:
    _deploy(stub, "raw-job.bpmn", models.one_task("raw-job", "raw-job"))
    created = stub.CreateProcessInstance(
        pb.CreateProcessInstanceRequest(
            bpmnProcessId="raw-job", version=-1, variables=json.dumps({"n": 1})
        )
    )
    (job,) = _activate(stub, "raw-job")
    assert job.processInstanceKey == created.processInstanceKey
    assert json.loads(job.variables) == {"n": 1}
    assert json.loads(job.customHeaders) == {"department": "civil"}
    assert job.retries == 3 and job.worker == "raw" and job.elementId == "task"
    stub.UpdateJobTimeout(pb.UpdateJobTimeoutRequest(jobKey=job.key, timeout=120_000))
    stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=2, errorMessage="try again"))
    (again,) = _activate(stub, "raw-job")
    assert again.key == job.key and again.retries == 2
    stub.UpdateJobRetries(pb.UpdateJobRetriesRequest(jobKey=job.key, retries=5))
    stub.CompleteJob(pb.CompleteJobRequest(jobKey=job.key, variables='{"done": true}'))
    assert _code(lambda: stub.CompleteJob(pb.CompleteJobRequest(jobKey=job.key))) == (
        grpc.StatusCode.NOT_FOUND
    )
    for call in (
        lambda: stub.FailJob(pb.FailJobRequest(jobKey=1, retries=1)),
        lambda: stub.UpdateJobRetries(pb.UpdateJobRetriesRequest(jobKey=1, retries=1)),
        lambda: stub.UpdateJobTimeout(pb.UpdateJobTimeoutRequest(jobKey=1, timeout=1)),
        lambda: stub.ThrowError(pb.ThrowErrorRequest(jobKey=1, errorCode="E")),
    ):
        assert _code(call) == grpc.StatusCode.NOT_FOUND
    assert (
        _code(lambda: stub.CompleteJob(pb.CompleteJobRequest(jobKey=job.key, variables="[]")))
        == grpc.StatusCode.INVALID_ARGUMENT
    )


def _long_polls_waiting(proc: EngineProcess) -> float:
    text = httpx.get(f"{proc.management_url}/metrics", timeout=5).text
    for line in text.splitlines():
        if line.startswith("zeebe_gateway_long_polls_waiting "):
            return float(line.split()[1])
    return 0.0


def test_activate_jobs_long_polls_until_a_job_arrives(
    engine_proc: EngineProcess, stub: GatewayStub
) -> None:
    _deploy(stub, "raw-lp.bpmn", models.one_task("raw-lp", "raw-lp"))
    started = time.monotonic()
    assert _activate(stub, "raw-lp", request_timeout=500) == []
    assert time.monotonic() - started >= 0.45, "an empty answer must wait out requestTimeout"
    got: list[pb.ActivatedJob] = []
    poll = threading.Thread(
        target=lambda: got.extend(_activate(stub, "raw-lp", request_timeout=10_000, deadline=20))
    )
    poll.start()
    wait_for(lambda: _long_polls_waiting(engine_proc) >= 1, what="the poll to park")
    created = stub.CreateProcessInstance(
        pb.CreateProcessInstanceRequest(bpmnProcessId="raw-lp", version=-1)
    )
    t0 = time.monotonic()
    poll.join(15)
    assert not poll.is_alive() and len(got) == 1
    assert got[0].processInstanceKey == created.processInstanceKey
    assert time.monotonic() - t0 < 5, "the long poll must be woken, not time out"


def test_stream_activated_jobs(stub: GatewayStub) -> None:
    _deploy(stub, "raw-st.bpmn", models.one_task("raw-st", "raw-st"))
    stream = stub.StreamActivatedJobs(
        pb.StreamActivatedJobsRequest(type="raw-st", worker="s", timeout=60_000), timeout=20
    )
    created = stub.CreateProcessInstance(
        pb.CreateProcessInstanceRequest(bpmnProcessId="raw-st", version=-1)
    )
    job = next(stream)
    assert job.processInstanceKey == created.processInstanceKey and job.worker == "s"
    stream.cancel()
    stub.CompleteJob(pb.CompleteJobRequest(jobKey=job.key))


def test_incident_from_failed_job_is_resolved(
    engine_proc: EngineProcess, stub: GatewayStub
) -> None:
    _deploy(stub, "raw-inc.bpmn", models.one_task("raw-inc", "raw-inc"))
    created = stub.CreateProcessInstance(
        pb.CreateProcessInstanceRequest(bpmnProcessId="raw-inc", version=-1)
    )
    (job,) = _activate(stub, "raw-inc")
    stub.FailJob(pb.FailJobRequest(jobKey=job.key, retries=0, errorMessage="no retries"))
    (incident,) = engine_proc.wait_search(
        "incidents", {"processInstanceKey": str(created.processInstanceKey), "state": "ACTIVE"}
    )
    assert incident["errorType"] == "JOB_NO_RETRIES" and incident["jobKey"] == str(job.key)
    stub.UpdateJobRetries(pb.UpdateJobRetriesRequest(jobKey=job.key, retries=1))
    stub.ResolveIncident(pb.ResolveIncidentRequest(incidentKey=int(incident["incidentKey"])))
    (retried,) = _activate(stub, "raw-inc", request_timeout=5000)
    assert retried.key == job.key and retried.retries == 1
    assert _code(lambda: stub.ResolveIncident(pb.ResolveIncidentRequest(incidentKey=7))) == (
        grpc.StatusCode.NOT_FOUND
    )


def test_throw_error_with_result_cancel_and_variables(
    engine_proc: EngineProcess, stub: GatewayStub
) -> None:
    _deploy(stub, "raw-err.bpmn", models.error_boundary("raw-err", "raw-err", "BAD"))
    created = stub.CreateProcessInstance(
        pb.CreateProcessInstanceRequest(bpmnProcessId="raw-err", version=-1)
    )
    (job,) = _activate(stub, "raw-err")
    stub.ThrowError(pb.ThrowErrorRequest(jobKey=job.key, errorCode="BAD", errorMessage="no"))
    engine_proc.wait_search(
        "process-instances",
        {"processInstanceKey": str(created.processInstanceKey), "state": "COMPLETED"},
    )

    _deploy(stub, "raw-wr.bpmn", models.timer_wait("raw-wr", "PT0S"))
    result = stub.CreateProcessInstanceWithResult(
        pb.CreateProcessInstanceWithResultRequest(
            request=pb.CreateProcessInstanceRequest(
                bpmnProcessId="raw-wr", version=-1, variables='{"a": 1}'
            ),
            requestTimeout=10_000,
        ),
        timeout=15,
    )
    assert json.loads(result.variables) == {"a": 1}

    _deploy(stub, "raw-cv.bpmn", models.message_wait("raw-cv", "raw-cv"))
    waiting = stub.CreateProcessInstance(
        pb.CreateProcessInstanceRequest(
            bpmnProcessId="raw-cv", version=-1, variables='{"orderId": "x"}'
        )
    )
    key = stub.SetVariables(
        pb.SetVariablesRequest(
            elementInstanceKey=waiting.processInstanceKey, variables='{"note": "hi"}'
        )
    ).key
    assert key > 0
    engine_proc.wait_search(
        "variables", {"processInstanceKey": str(waiting.processInstanceKey), "name": "note"}
    )
    assert (
        _code(
            lambda: stub.SetVariables(pb.SetVariablesRequest(elementInstanceKey=5, variables="{}"))
        )
        == grpc.StatusCode.NOT_FOUND
    )
    stub.CancelProcessInstance(
        pb.CancelProcessInstanceRequest(processInstanceKey=waiting.processInstanceKey)
    )
    assert (
        _code(
            lambda: stub.CancelProcessInstance(
                pb.CancelProcessInstanceRequest(processInstanceKey=waiting.processInstanceKey)
            )
        )
        == grpc.StatusCode.NOT_FOUND
    )


def test_messages_signals_and_unsupported_rpcs(stub: GatewayStub) -> None:
    published = stub.PublishMessage(
        pb.PublishMessageRequest(
            name="raw-m", correlationKey="k", timeToLive=60_000, messageId="m-1"
        )
    )
    assert published.key > 0
    assert _code(
        lambda: stub.PublishMessage(
            pb.PublishMessageRequest(
                name="raw-m", correlationKey="k", timeToLive=60_000, messageId="m-1"
            )
        )
    ) == (grpc.StatusCode.ALREADY_EXISTS)
    assert stub.BroadcastSignal(pb.BroadcastSignalRequest(signalName="raw-s")).key > 0
    assert (
        _code(
            lambda: stub.MigrateProcessInstance(
                pb.MigrateProcessInstanceRequest(processInstanceKey=1)
            )
        )
        == grpc.StatusCode.UNIMPLEMENTED
    )
    assert (
        _code(
            lambda: stub.ModifyProcessInstance(
                pb.ModifyProcessInstanceRequest(processInstanceKey=1)
            )
        )
        == grpc.StatusCode.NOT_FOUND
    )


def test_evaluate_unknown_decision_is_not_found(stub: GatewayStub) -> None:
    assert (
        _code(lambda: stub.EvaluateDecision(pb.EvaluateDecisionRequest(decisionId="raw-none")))
        == grpc.StatusCode.NOT_FOUND
    )


def test_deploy_and_evaluate_a_decision(stub: GatewayStub) -> None:
    deployed = stub.DeployResource(
        pb.DeployResourceRequest(
            resources=[
                pb.Resource(name="raw-discount.dmn", content=models.discount_dmn("raw-disc"))
            ]
        )
    )
    kinds = {d.WhichOneof("Metadata") for d in deployed.deployments}
    assert kinds == {"decision", "decisionRequirements"}
    evaluated = stub.EvaluateDecision(
        pb.EvaluateDecisionRequest(decisionId="raw-disc", variables='{"tier": "gold"}')
    )
    assert json.loads(evaluated.decisionOutput) == 0.2
    assert evaluated.decisionId == "raw-disc" and evaluated.decisionName == "Discount"
    (decision,) = evaluated.evaluatedDecisions
    assert [r.ruleId for r in decision.matchedRules] == ["gold"]
    other = stub.EvaluateDecision(
        pb.EvaluateDecisionRequest(decisionId="raw-disc", variables='{"tier": "tin"}')
    )
    assert json.loads(other.decisionOutput) == 0


def test_modify_process_instance_moves_the_token(
    engine_proc: EngineProcess, stub: GatewayStub
) -> None:
    """Camunda's documented example: terminate the stuck catch event B, activate task C."""
    _deploy(stub, "raw-mod.bpmn", models.message_then_task("raw-mod", "raw-mod-never", "raw-mod-c"))
    created = stub.CreateProcessInstance(
        pb.CreateProcessInstanceRequest(
            bpmnProcessId="raw-mod", version=-1, variables='{"orderId": "m"}'
        )
    )
    key = str(created.processInstanceKey)
    (waiting,) = engine_proc.wait_search(
        "element-instances", {"processInstanceKey": key, "elementId": "B", "state": "ACTIVE"}
    )
    stub.ModifyProcessInstance(
        pb.ModifyProcessInstanceRequest(
            processInstanceKey=created.processInstanceKey,
            activateInstructions=[
                pb.ModifyProcessInstanceRequest.ActivateInstruction(elementId="C")
            ],
            terminateInstructions=[
                pb.ModifyProcessInstanceRequest.TerminateInstruction(
                    elementInstanceKey=int(waiting["elementInstanceKey"])
                )
            ],
        )
    )
    (job,) = _activate(stub, "raw-mod-c", request_timeout=5000)
    assert job.processInstanceKey == created.processInstanceKey
    (b,) = engine_proc.search("element-instances", {"processInstanceKey": key, "elementId": "B"})
    assert b["state"] == "TERMINATED"
    stub.CompleteJob(pb.CompleteJobRequest(jobKey=job.key))
    engine_proc.wait_search("process-instances", {"processInstanceKey": key, "state": "COMPLETED"})


def test_create_with_result_times_out_with_deadline_exceeded(stub: GatewayStub) -> None:
    _deploy(stub, "raw-slow.bpmn", models.message_wait("raw-slow", "raw-slow-never"))
    started = time.monotonic()
    assert (
        _code(
            lambda: stub.CreateProcessInstanceWithResult(
                pb.CreateProcessInstanceWithResultRequest(
                    request=pb.CreateProcessInstanceRequest(
                        bpmnProcessId="raw-slow", version=-1, variables='{"orderId": "s"}'
                    ),
                    requestTimeout=500,
                ),
                timeout=10,
            )
        )
        == grpc.StatusCode.DEADLINE_EXCEEDED
    )
    assert time.monotonic() - started < 5


def _poll_in_thread(
    stub: GatewayStub, job_type: str
) -> tuple[threading.Thread, list[pb.ActivatedJob]]:
    got: list[pb.ActivatedJob] = []
    poll = threading.Thread(
        target=lambda: got.extend(_activate(stub, job_type, request_timeout=15_000, deadline=25))
    )
    poll.start()
    return poll, got


def test_timed_out_and_backed_off_jobs_wake_parked_long_polls(
    engine_proc: EngineProcess, stub: GatewayStub
) -> None:
    _deploy(stub, "raw-to.bpmn", models.one_task("raw-to", "raw-to"))
    stub.CreateProcessInstance(pb.CreateProcessInstanceRequest(bpmnProcessId="raw-to", version=-1))
    (job,) = _activate(stub, "raw-to")  # activated with a 60 s job timeout

    # the job times out when the clock passes its deadline: the parked poll gets it again
    baseline = _long_polls_waiting(engine_proc)
    poll, got = _poll_in_thread(stub, "raw-to")
    wait_for(lambda: _long_polls_waiting(engine_proc) > baseline, what="the poll to park")
    engine_proc.clock_add(61_000)
    poll.join(10)
    assert not poll.is_alive() and [j.key for j in got] == [job.key]

    # a failure with a retry back-off: activatable again once the back-off has passed
    stub.FailJob(
        pb.FailJobRequest(jobKey=job.key, retries=2, errorMessage="later", retryBackOff=30_000)
    )
    assert _activate(stub, "raw-to") == []
    poll, got = _poll_in_thread(stub, "raw-to")
    wait_for(lambda: _long_polls_waiting(engine_proc) > baseline, what="the poll to park")
    engine_proc.clock_add(31_000)
    poll.join(10)
    assert not poll.is_alive() and [(j.key, j.retries) for j in got] == [(job.key, 2)]

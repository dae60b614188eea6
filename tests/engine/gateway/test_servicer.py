"""The gateway over real loopback gRPC, against a test double of the engine."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pyzeebe.proto import gateway_pb2 as pb

from engine.gateway.jobs_available import JobsAvailable
from engine.gateway.servicer import GIVEN_BACK_MESSAGE, Gateway
from tests.engine.gateway.conftest import Harness
from tests.engine.gateway.fake_engine import FakeEngine


def last_call(gw: Harness) -> Any:
    return gw.engine.calls[-1]


async def _activate(gw: Harness, request: pb.ActivateJobsRequest, timeout: float = 5) -> list:
    jobs = []
    async for response in gw.stub.ActivateJobs(request, timeout=timeout):
        jobs.extend(response.jobs)
    return jobs


async def test_activate_jobs_returns_waiting_jobs_at_once(gw: Harness) -> None:
    gw.engine.add_job("pay")
    gw.engine.add_job("pay")
    started = time.monotonic()
    jobs = await _activate(
        gw,
        pb.ActivateJobsRequest(
            type="pay", worker="w", timeout=1000, maxJobsToActivate=5, requestTimeout=5000
        ),
    )
    assert len(jobs) == 2 and time.monotonic() - started < 1
    assert json.loads(jobs[0].variables) == {"x": 1, "名": "值"}
    assert jobs[0].worker == "w"


async def test_long_poll_is_woken_by_a_new_job(gw: Harness) -> None:
    request = pb.ActivateJobsRequest(
        type="pay", worker="w", timeout=1000, maxJobsToActivate=5, requestTimeout=10_000
    )
    call = asyncio.create_task(_activate(gw, request, timeout=20))
    # wait (bounded) until the poll is parked on the engine's notification
    for _ in range(200):
        if gw.server.gateway and gw.server.gateway._jobs.waiting("pay"):
            break
        await asyncio.sleep(0.01)
    assert not call.done()
    started = time.monotonic()
    key = gw.engine.add_job("pay")
    jobs = await asyncio.wait_for(call, 5)
    assert [j.key for j in jobs] == [key]
    assert time.monotonic() - started < 1


async def test_long_poll_answers_empty_when_request_timeout_expires(gw: Harness) -> None:
    started = time.monotonic()
    jobs = await _activate(
        gw,
        pb.ActivateJobsRequest(
            type="none", worker="w", timeout=1000, maxJobsToActivate=1, requestTimeout=300
        ),
    )
    elapsed = time.monotonic() - started
    assert jobs == []
    assert 0.25 <= elapsed < 2


async def test_long_poll_answers_before_the_client_deadline(gw: Harness) -> None:
    # requestTimeout 0 means Zeebe's 10 s default; the client's 1 s deadline must still win.
    started = time.monotonic()
    jobs = await _activate(
        gw,
        pb.ActivateJobsRequest(
            type="none", worker="w", timeout=1000, maxJobsToActivate=1, requestTimeout=0
        ),
        timeout=1,
    )
    assert jobs == [] and time.monotonic() - started < 1


async def test_negative_request_timeout_disables_long_polling(gw: Harness) -> None:
    started = time.monotonic()
    jobs = await _activate(
        gw,
        pb.ActivateJobsRequest(
            type="none", worker="w", timeout=1000, maxJobsToActivate=1, requestTimeout=-1
        ),
    )
    assert jobs == [] and time.monotonic() - started < 0.5
    assert gw.engine.activate_calls == 1


async def test_a_job_of_another_type_does_not_wake_the_poll(gw: Harness) -> None:
    call = asyncio.create_task(
        _activate(
            gw,
            pb.ActivateJobsRequest(
                type="a", worker="w", timeout=1000, maxJobsToActivate=1, requestTimeout=400
            ),
        )
    )
    for _ in range(200):
        if gw.server.gateway and gw.server.gateway._jobs.waiting("a"):
            break
        await asyncio.sleep(0.01)
    gw.engine.add_job("b")
    assert await asyncio.wait_for(call, 5) == []
    assert gw.engine.activate_calls == 1  # the poll never re-asked the engine


async def test_activate_jobs_validates_like_zeebe(gw: Harness) -> None:
    cases = [
        (
            pb.ActivateJobsRequest(type="t", timeout=1, maxJobsToActivate=0),
            "Expected to activate job batch with max jobs to activate to be greater than zero, "
            "but it was '0'",
        ),
        (
            pb.ActivateJobsRequest(type="t", timeout=0, maxJobsToActivate=1),
            "Expected to activate job batch with timeout to be greater than zero, but it was '0'",
        ),
        (
            pb.ActivateJobsRequest(type="", timeout=1, maxJobsToActivate=1),
            "Expected to activate job batch with type to be present, but it was blank",
        ),
    ]
    for request, message in cases:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await _activate(gw, request)
        assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert raised.value.details() == message


async def test_job_stream_pushes_jobs_as_they_arrive_until_cancelled(gw: Harness) -> None:
    first = gw.engine.add_job("stream")
    call = gw.stub.StreamActivatedJobs(
        pb.StreamActivatedJobsRequest(type="stream", worker="w", timeout=1000)
    )
    job = await asyncio.wait_for(call.read(), 5)
    assert job.key == first
    second = gw.engine.add_job("stream")
    job = await asyncio.wait_for(call.read(), 5)
    assert job.key == second
    call.cancel()
    for _ in range(200):
        if gw.server.gateway and not gw.server.gateway._jobs.waiting("stream"):
            break
        await asyncio.sleep(0.01)
    assert gw.server.gateway is not None and gw.server.gateway._jobs.waiting("stream") == 0


async def test_engine_errors_map_to_zeebe_status_codes(gw: Harness) -> None:
    cases = [
        (gw.stub.CompleteJob(pb.CompleteJobRequest(jobKey=404)), grpc.StatusCode.NOT_FOUND),
        (
            gw.stub.ThrowError(pb.ThrowErrorRequest(jobKey=1, errorCode="E")),
            grpc.StatusCode.FAILED_PRECONDITION,
        ),
        (
            gw.stub.ResolveIncident(pb.ResolveIncidentRequest(incidentKey=1)),
            grpc.StatusCode.RESOURCE_EXHAUSTED,
        ),
        (
            gw.stub.DeleteResource(pb.DeleteResourceRequest(resourceKey=1)),
            grpc.StatusCode.NOT_FOUND,
        ),
        (
            gw.stub.MigrateProcessInstance(pb.MigrateProcessInstanceRequest(processInstanceKey=1)),
            grpc.StatusCode.UNIMPLEMENTED,
        ),
        (
            gw.stub.CreateProcessInstance(pb.CreateProcessInstanceRequest(bpmnProcessId="missing")),
            grpc.StatusCode.NOT_FOUND,
        ),
    ]
    for call, code in cases:
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await call
        assert raised.value.code() == code, raised.value.details()
        assert raised.value.details()


async def test_invalid_variables_are_invalid_argument_with_zeebe_like_message(gw: Harness) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await gw.stub.CompleteJob(pb.CompleteJobRequest(jobKey=1, variables="[1]"))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.details() == (
        "Property 'variables' is invalid: Expected document to be a root level object, "
        "but was 'ARRAY'"
    )
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await gw.stub.CreateProcessInstance(
            pb.CreateProcessInstanceRequest(bpmnProcessId="p", variables="{oops")
        )
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "CreateProcessInstance with variables, but the variables are not a valid JSON" in (
        raised.value.details() or ""
    )
    assert not [c for c in gw.engine.calls if c[0] == "create"]


async def test_commands_pass_their_arguments_through(gw: Harness) -> None:
    created = await gw.stub.CreateProcessInstance(
        pb.CreateProcessInstanceRequest(
            bpmnProcessId="order",
            version=-1,
            variables='{"a": 1}',
            startInstructions=[pb.ProcessInstanceCreationStartInstruction(elementId="s")],
        )
    )
    assert created.processInstanceKey == 42 and created.bpmnProcessId == "order"
    kwargs = last_call(gw)[1]
    assert kwargs["variables"] == {"a": 1} and kwargs["version"] == -1
    assert kwargs["tenant_id"] == "<default>" and kwargs["start_instructions"][0].element_id == "s"

    result = await gw.stub.CreateProcessInstanceWithResult(
        pb.CreateProcessInstanceWithResultRequest(
            request=pb.CreateProcessInstanceRequest(bpmnProcessId="order"),
            requestTimeout=5000,
            fetchVariables=["done"],
        )
    )
    assert json.loads(result.variables) == {"done": True, "n": 1}
    kwargs = last_call(gw)[1]
    assert kwargs["request_timeout_ms"] == 5000 and kwargs["fetch_variables"] == ("done",)
    # 0 (pyzeebe's default) is the gateway's default request timeout, as Zeebe: 15 s
    for zero_or_less in (0, -1):
        await gw.stub.CreateProcessInstanceWithResult(
            pb.CreateProcessInstanceWithResultRequest(
                request=pb.CreateProcessInstanceRequest(bpmnProcessId="order"),
                requestTimeout=zero_or_less,
            )
        )
        assert last_call(gw)[1]["request_timeout_ms"] == 15_000

    await gw.stub.FailJob(
        pb.FailJobRequest(jobKey=5, retries=2, errorMessage="boom", retryBackOff=1000)
    )
    assert gw.engine.calls[-1] == ("fail", (5, 2, "boom", 1000))
    assert (
        await gw.stub.SetVariables(
            pb.SetVariablesRequest(elementInstanceKey=8, variables='{"v": 2}', local=True)
        )
    ).key == 99
    assert gw.engine.calls[-1] == ("set_variables", (8, {"v": 2}, True))
    published = await gw.stub.PublishMessage(
        pb.PublishMessageRequest(name="m", correlationKey="c", timeToLive=1000, messageId="id")
    )
    assert published.key == 555
    kwargs = last_call(gw)[1]
    assert (kwargs["name"], kwargs["correlation_key"], kwargs["time_to_live_ms"]) == (
        "m",
        "c",
        1000,
    )
    await gw.stub.UpdateJobRetries(pb.UpdateJobRetriesRequest(jobKey=5, retries=3))
    await gw.stub.UpdateJobTimeout(pb.UpdateJobTimeoutRequest(jobKey=5, timeout=60_000))
    assert gw.engine.calls[-2:] == [("retries", (5, 3)), ("timeout", (5, 60_000))]
    await gw.stub.CancelProcessInstance(pb.CancelProcessInstanceRequest(processInstanceKey=42))
    assert gw.engine.calls[-1] == ("cancel", 42)
    assert (await gw.stub.BroadcastSignal(pb.BroadcastSignalRequest(signalName="s"))).key == 556
    await gw.stub.ModifyProcessInstance(
        pb.ModifyProcessInstanceRequest(
            processInstanceKey=42,
            activateInstructions=[
                pb.ModifyProcessInstanceRequest.ActivateInstruction(
                    elementId="t",
                    variableInstructions=[
                        pb.ModifyProcessInstanceRequest.VariableInstruction(variables='{"z": 1}')
                    ],
                )
            ],
            terminateInstructions=[
                pb.ModifyProcessInstanceRequest.TerminateInstruction(elementInstanceKey=77)
            ],
        )
    )
    (key,), kwargs = last_call(gw)[1]
    assert key == 42 and kwargs["terminate"] == (77,)
    assert kwargs["activate"][0].variables == (("", {"z": 1}),)


async def test_deploy_resource_and_legacy_deploy_process(gw: Harness) -> None:
    deployed = await gw.stub.DeployResource(
        pb.DeployResourceRequest(resources=[pb.Resource(name="order.bpmn", content=b"<xml/>")])
    )
    assert deployed.deployments[0].process.bpmnProcessId == "order"
    legacy = await gw.stub.DeployProcess(
        pb.DeployProcessRequest(
            processes=[pb.ProcessRequestObject(name="order.bpmn", definition=b"<xml/>")]
        )
    )
    assert legacy.processes[0].resourceName == "order.bpmn"
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await gw.stub.DeployResource(pb.DeployResourceRequest())
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_evaluate_decision_and_topology(gw: Harness) -> None:
    evaluated = await gw.stub.EvaluateDecision(pb.EvaluateDecisionRequest(decisionId="d"))
    assert evaluated.decisionOutput == '"ok"'
    rule = evaluated.evaluatedDecisions[0].matchedRules[0]
    assert rule.ruleIndex == 1 and rule.evaluatedOutputs[0].outputValue == '"ok"'
    topology = await gw.stub.Topology(pb.TopologyRequest())
    assert topology.brokers[0].port == gw.server.port


async def test_health_reports_serving_for_the_gateway_and_the_server(gw: Harness) -> None:
    health = health_pb2_grpc.HealthStub(gw.channel)
    for service in ("gateway_protocol.Gateway", ""):
        answer = await health.Check(health_pb2.HealthCheckRequest(service=service))
        assert answer.status == health_pb2.HealthCheckResponse.SERVING


async def test_metrics_count_requests_by_method_and_code(gw: Harness) -> None:
    with pytest.raises(grpc.aio.AioRpcError):
        await gw.stub.CompleteJob(pb.CompleteJobRequest(jobKey=404))
    await gw.stub.CompleteJob(pb.CompleteJobRequest(jobKey=1))
    registry = gw.server.metrics.registry
    assert (
        registry.get_sample_value(
            "zeebe_gateway_requests_total", {"method": "CompleteJob", "code": "NOT_FOUND"}
        )
        == 1
    )
    assert (
        registry.get_sample_value(
            "zeebe_gateway_requests_total", {"method": "CompleteJob", "code": "OK"}
        )
        == 1
    )


async def test_shutdown_answers_parked_long_polls_and_ends_streams(gw: Harness) -> None:
    poll = asyncio.create_task(
        _activate(
            gw,
            pb.ActivateJobsRequest(
                type="idle", worker="w", timeout=1000, maxJobsToActivate=1, requestTimeout=60_000
            ),
            timeout=90,
        )
    )
    stream = gw.stub.StreamActivatedJobs(
        pb.StreamActivatedJobsRequest(type="idle", worker="w", timeout=1000)
    )
    reading = asyncio.ensure_future(stream.read())
    for _ in range(200):
        if gw.server.gateway and gw.server.gateway._jobs.waiting("idle") == 2:
            break
        await asyncio.sleep(0.01)
    assert gw.server.gateway is not None and gw.server.gateway._jobs.waiting("idle") == 2
    started = time.monotonic()
    await gw.server.stop(grace_s=5)
    assert await asyncio.wait_for(poll, 5) == []
    assert await asyncio.wait_for(reading, 5) is grpc.aio.EOF
    assert time.monotonic() - started < 2, "shutdown must not wait for parked polls"


async def test_other_tenants_are_refused_as_multi_tenancy_is_disabled(gw: Harness) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await gw.stub.CreateProcessInstance(
            pb.CreateProcessInstanceRequest(bpmnProcessId="p", tenantId="county-b")
        )
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert raised.value.details() == (
        "Expected to handle gRPC request CreateProcessInstance with tenant identifier "
        "'county-b', but multi-tenancy is disabled"
    )
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await _activate(
            gw,
            pb.ActivateJobsRequest(
                type="t", timeout=1000, maxJobsToActivate=1, tenantIds=["county-b"]
            ),
        )
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "multi-tenancy is disabled" in (raised.value.details() or "")
    created = await gw.stub.CreateProcessInstance(
        pb.CreateProcessInstanceRequest(bpmnProcessId="p", tenantId="<default>")
    )
    assert created.processInstanceKey == 42


class _Context:
    """Just enough of grpc.aio.ServicerContext to drive a handler directly: the client hangs
    up after ``deliverable`` messages; with ``write_fails`` the next write raises."""

    def __init__(self, deliverable: int, *, write_fails: bool = False) -> None:
        self.deliverable = deliverable
        self.write_fails = write_fails
        self.written: list[Any] = []

    def time_remaining(self) -> float | None:
        return None

    def cancelled(self) -> bool:
        return not self.write_fails and len(self.written) >= self.deliverable

    async def write(self, message: Any) -> None:
        if len(self.written) >= self.deliverable:
            raise ConnectionResetError("stream closed by the client")
        self.written.append(message)

    async def abort(self, code: grpc.StatusCode, details: str) -> None:
        raise AssertionError(f"unexpected abort {code}: {details}")


async def _given_back(engine: Any, count: int) -> list[Any]:
    for _ in range(200):
        if len([c for c in engine.calls if c[0] == "fail"]) >= count:
            break
        await asyncio.sleep(0.01)
    return [c[1] for c in engine.calls if c[0] == "fail"]


def _gateway(engine: FakeEngine) -> Gateway:
    return Gateway(engine, JobsAvailable(asyncio.get_running_loop()))


async def test_jobs_a_closed_stream_never_got_are_given_back() -> None:
    engine = FakeEngine()
    keys = [engine.add_job("s", notify=False) for _ in range(3)]
    context = _Context(deliverable=1)
    await _gateway(engine).StreamActivatedJobs(
        pb.StreamActivatedJobsRequest(type="s", worker="w", timeout=1000), context
    )
    assert [m.key for m in context.written] == keys[:1]
    assert await _given_back(engine, 2) == [(k, 3, GIVEN_BACK_MESSAGE, 0) for k in keys[1:]]


async def test_a_job_whose_write_failed_is_left_to_its_time_out() -> None:
    """A failed write may still have reached the worker: only the jobs after it go back."""
    engine = FakeEngine()
    keys = [engine.add_job("s", notify=False) for _ in range(3)]
    context = _Context(deliverable=1, write_fails=True)
    with pytest.raises(ConnectionResetError):
        await _gateway(engine).StreamActivatedJobs(
            pb.StreamActivatedJobsRequest(type="s", worker="w", timeout=1000), context
        )
    assert await _given_back(engine, 1) == [(keys[2], 3, GIVEN_BACK_MESSAGE, 0)]


async def test_jobs_activated_for_a_client_that_left_meanwhile_are_given_back() -> None:
    engine = FakeEngine()
    key = engine.add_job("slow", notify=False)
    engine.activation_gate = asyncio.Event()
    call = asyncio.create_task(
        _gateway(engine).ActivateJobs(
            pb.ActivateJobsRequest(type="slow", worker="w", timeout=1000, maxJobsToActivate=1),
            _Context(deliverable=1),
        )
    )
    await asyncio.wait_for(engine.activation_entered.wait(), 5)
    call.cancel()  # the client hangs up while the engine activates
    with pytest.raises(asyncio.CancelledError):
        await call
    engine.activation_gate.set()
    assert await _given_back(engine, 1) == [(key, 3, GIVEN_BACK_MESSAGE, 0)]


async def test_a_worker_that_hangs_up_after_its_jobs_keeps_them(gw: Harness) -> None:
    """The client may cancel the response stream once it has its batch (zbctl, the Java client
    and our console tests do); the jobs it received stay activated."""
    key = gw.engine.add_job("keep")
    call = gw.stub.ActivateJobs(
        pb.ActivateJobsRequest(
            type="keep", worker="w", timeout=1000, maxJobsToActivate=1, requestTimeout=1000
        )
    )
    response = await call.read()
    call.cancel()
    assert [j.key for j in response.jobs] == [key]
    registry = gw.server.metrics.registry
    for _ in range(1000):  # until the server side of the call is over (bounded: 10 s)
        if registry.get_sample_value(
            "zeebe_gateway_requests_total", {"method": "ActivateJobs", "code": "OK"}
        ):
            break
        await asyncio.sleep(0.01)
    assert (
        registry.get_sample_value(
            "zeebe_gateway_requests_total", {"method": "ActivateJobs", "code": "OK"}
        )
        == 1
    )
    assert [c for c in gw.engine.calls if c[0] == "fail"] == []

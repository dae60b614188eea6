"""A create-with-result whose client names no timeout gets the engine's default, not forever.

Zeebe's gateway reads ``requestTimeout`` 0 of CreateProcessInstanceWithResult (pyzeebe's
``run_process_with_result(timeout=0)`` default) as its own ``cluster.requestTimeout`` (15 s)
and answers DEADLINE_EXCEEDED when it passes. The engine does the same with
``--request-timeout``, for gRPC and for REST ``awaitCompletion``; here it is 1 s so that the
test is short, and the process waits at a user task nobody completes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from pyzeebe import ZeebeClient, create_insecure_channel
from pyzeebe.errors import ProcessTimeoutError
from pyzeebe.proto import gateway_pb2 as pb
from pyzeebe.proto.gateway_pb2_grpc import GatewayStub

from tests.engine.e2e import models
from tests.engine.e2e.harness import EngineProcess

pytestmark = pytest.mark.e2e

CLIENT_DEADLINE_S = 20.0
"""The client's own gRPC deadline: far beyond the engine's 1 s, so an answer before it is the
engine's, and an engine that waited forever fails the time bound instead of hanging."""
BOUND_S = 8.0


@pytest.fixture(scope="module")
def short_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineProcess]:
    data_dir: Path = tmp_path_factory.mktemp("request-timeout") / "data"
    proc = EngineProcess(data_dir, extra_args=("--request-timeout", "1s")).start()
    try:
        yield proc
    finally:
        code = proc.stop()
        assert code == 0, f"engine exited with {code} on SIGTERM:\n{proc.logs()[-4000:]}"


@pytest.fixture(scope="module")
def stub(short_engine: EngineProcess) -> Iterator[GatewayStub]:
    with grpc.insecure_channel(short_engine.grpc_address) as channel:
        stub = GatewayStub(channel)
        stub.DeployResource(
            pb.DeployResourceRequest(
                resources=[pb.Resource(name="wait.bpmn", content=models.user_task("rt-wait"))]
            )
        )
        yield stub


def test_grpc_with_result_and_timeout_zero_answers_deadline_exceeded(
    short_engine: EngineProcess, stub: GatewayStub
) -> None:
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as raised:
        stub.CreateProcessInstanceWithResult(
            pb.CreateProcessInstanceWithResultRequest(
                request=pb.CreateProcessInstanceRequest(bpmnProcessId="rt-wait", version=-1),
                requestTimeout=0,
            ),
            timeout=CLIENT_DEADLINE_S,
        )
    took = time.monotonic() - started
    error = raised.value
    assert isinstance(error, grpc.Call)
    assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED, error.details()
    # the engine's answer (it names the 1 s it waited), not the client's own deadline
    assert "within 1000 ms" in (error.details() or ""), error.details()
    assert 0.9 <= took < BOUND_S, took
    # the instance itself is still there, waiting at the user task, as in Zeebe
    waiting = short_engine.search(
        "process-instances", {"processDefinitionId": "rt-wait", "state": "ACTIVE"}
    )
    assert len(waiting) >= 1


async def test_pyzeebe_run_process_with_result_default_timeout_times_out(
    short_engine: EngineProcess, stub: GatewayStub
) -> None:
    """pyzeebe's ``run_process_with_result`` sends ``timeout=0`` unless told otherwise."""
    channel = create_insecure_channel(grpc_address=short_engine.grpc_address)
    try:
        started = time.monotonic()
        with pytest.raises(ProcessTimeoutError):
            await asyncio.wait_for(ZeebeClient(channel).run_process_with_result("rt-wait"), BOUND_S)
        assert time.monotonic() - started >= 0.9
    finally:
        await channel.close()


def test_rest_await_completion_without_timeout_answers_504(
    short_engine: EngineProcess, stub: GatewayStub
) -> None:
    for body in (
        {"processDefinitionId": "rt-wait", "awaitCompletion": True},
        {"processDefinitionId": "rt-wait", "awaitCompletion": True, "requestTimeout": 0},
    ):
        started = time.monotonic()
        answer = httpx.post(
            f"{short_engine.http_url}/v2/process-instances", json=body, timeout=CLIENT_DEADLINE_S
        )
        took = time.monotonic() - started
        assert answer.status_code == 504, answer.text
        assert "within 1000 ms" in answer.json()["detail"], answer.text
        assert 0.9 <= took < BOUND_S, took


def test_a_timeout_the_client_names_still_wins(stub: GatewayStub) -> None:
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as raised:
        stub.CreateProcessInstanceWithResult(
            pb.CreateProcessInstanceWithResultRequest(
                request=pb.CreateProcessInstanceRequest(bpmnProcessId="rt-wait", version=-1),
                requestTimeout=300,
            ),
            timeout=CLIENT_DEADLINE_S,
        )
    error = raised.value
    assert isinstance(error, grpc.Call)
    assert error.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert "within 300 ms" in (error.details() or "")
    assert time.monotonic() - started < BOUND_S

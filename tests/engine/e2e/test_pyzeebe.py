"""Unmodified pyzeebe (4.7) against the engine process: workers, client, messages, errors."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pyzeebe import ZeebeClient, ZeebeWorker, create_insecure_channel
from pyzeebe.errors import BusinessError

from tests.engine.e2e import models
from tests.engine.e2e.harness import ROOT, EngineProcess, await_search

pytestmark = pytest.mark.e2e


@pytest.fixture
async def client(engine_proc: EngineProcess) -> AsyncIterator[ZeebeClient]:
    channel = create_insecure_channel(grpc_address=engine_proc.grpc_address)
    yield ZeebeClient(channel)
    await channel.close()


async def _deploy(client: ZeebeClient, tmp_path: Path, name: str, xml: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(xml)
    await client.deploy_resource(str(path))


async def test_worker_completes_the_job_of_run_process(
    engine_proc: EngineProcess, client: ZeebeClient, tmp_path: Path
) -> None:
    await _deploy(client, tmp_path, "pz-one.bpmn", models.one_task("pz-one", "pz-double"))
    channel = create_insecure_channel(grpc_address=engine_proc.grpc_address)
    worker = ZeebeWorker(channel, poll_retry_delay=0)
    seen: list[dict[str, object]] = []

    @worker.task(task_type="pz-double")
    def double(x: int) -> dict[str, Any]:
        seen.append({"x": x})
        return {"y": x * 2}

    work = asyncio.create_task(worker.work())
    try:
        created = await client.run_process("pz-one", {"x": 21})
        key = str(created.process_instance_key)
        await await_search(
            engine_proc, "process-instances", {"processInstanceKey": key, "state": "COMPLETED"}
        )
        variables = await await_search(
            engine_proc, "variables", {"processInstanceKey": key, "name": "y"}
        )
        assert json.loads(variables[0]["value"]) == 42
        assert seen == [{"x": 21}]
    finally:
        await worker.stop()
        await asyncio.wait_for(work, 30)
        await channel.close()


async def test_run_process_with_result_and_a_streaming_worker(
    engine_proc: EngineProcess, client: ZeebeClient, tmp_path: Path
) -> None:
    await _deploy(client, tmp_path, "pz-res.bpmn", models.one_task("pz-res", "pz-greet"))
    channel = create_insecure_channel(grpc_address=engine_proc.grpc_address)
    worker = ZeebeWorker(channel, poll_retry_delay=0, stream_enabled=True)

    @worker.task(task_type="pz-greet")
    def greet(name: str) -> dict[str, str]:
        return {"greeting": f"你好, {name}"}

    work = asyncio.create_task(worker.work())
    try:
        result = await client.run_process_with_result("pz-res", {"name": "世界"}, timeout=20_000)
        assert result.variables["greeting"] == "你好, 世界"
        assert result.variables["name"] == "世界"
        fetched = await client.run_process_with_result(
            "pz-res", {"name": "b"}, timeout=20_000, variables_to_fetch=["greeting"]
        )
        assert fetched.variables == {"greeting": "你好, b"}
    finally:
        await worker.stop()
        await asyncio.wait_for(work, 30)
        await channel.close()


async def test_publish_message_correlates_to_the_waiting_instance(
    engine_proc: EngineProcess, client: ZeebeClient, tmp_path: Path
) -> None:
    await _deploy(client, tmp_path, "pz-msg.bpmn", models.message_wait("pz-msg", "pz-paid"))
    first = await client.run_process("pz-msg", {"orderId": "o-1"})
    second = await client.run_process("pz-msg", {"orderId": "o-2"})
    await await_search(
        engine_proc,
        "process-instances",
        {"processInstanceKey": str(first.process_instance_key), "state": "ACTIVE"},
    )
    await client.publish_message("pz-paid", "o-1", variables={"amount": 5})
    await await_search(
        engine_proc,
        "process-instances",
        {"processInstanceKey": str(first.process_instance_key), "state": "COMPLETED"},
    )
    still = await await_search(
        engine_proc, "process-instances", {"processInstanceKey": str(second.process_instance_key)}
    )
    assert still[0]["state"] == "ACTIVE"
    amount = await await_search(
        engine_proc,
        "variables",
        {"processInstanceKey": str(first.process_instance_key), "name": "amount"},
    )
    assert json.loads(amount[0]["value"]) == 5
    await client.cancel_process_instance(second.process_instance_key)
    await await_search(
        engine_proc,
        "process-instances",
        {"processInstanceKey": str(second.process_instance_key), "state": "TERMINATED"},
    )


async def test_business_error_takes_the_boundary_and_exceptions_become_incidents(
    engine_proc: EngineProcess, client: ZeebeClient, tmp_path: Path
) -> None:
    await _deploy(
        client, tmp_path, "pz-err.bpmn", models.error_boundary("pz-err", "pz-reject", "REJECTED")
    )
    await _deploy(client, tmp_path, "pz-inc.bpmn", models.one_task("pz-inc", "pz-crash", retries=1))
    channel = create_insecure_channel(grpc_address=engine_proc.grpc_address)
    worker = ZeebeWorker(channel, poll_retry_delay=0)

    @worker.task(task_type="pz-reject")
    def reject() -> dict[str, str]:
        raise BusinessError("REJECTED")

    @worker.task(task_type="pz-crash")
    def crash() -> dict[str, str]:
        raise RuntimeError("department system down")

    work = asyncio.create_task(worker.work())
    try:
        rejected = await client.run_process("pz-err")
        crashed = await client.run_process("pz-inc")
        await await_search(
            engine_proc,
            "process-instances",
            {"processInstanceKey": str(rejected.process_instance_key), "state": "COMPLETED"},
        )
        incidents = await await_search(
            engine_proc,
            "incidents",
            {"processInstanceKey": str(crashed.process_instance_key), "state": "ACTIVE"},
        )
        assert incidents[0]["errorType"] == "JOB_NO_RETRIES"
        assert "department system down" in incidents[0]["errorMessage"]
        instance = await await_search(
            engine_proc,
            "process-instances",
            {"processInstanceKey": str(crashed.process_instance_key), "hasIncident": True},
        )
        assert instance[0]["state"] == "ACTIVE"
    finally:
        await worker.stop()
        await asyncio.wait_for(work, 30)
        await channel.close()


README_WORKER = (Path(__file__).parent / "pyzeebe_readme_worker.txt").read_text()


async def test_pyzeebe_readme_worker_example(
    engine_proc: EngineProcess, client: ZeebeClient, tmp_path: Path
) -> None:
    """pyzeebe's README worker, as published, in its own process.

    Two things cannot run as printed against any gateway: the address is fixed to
    localhost:26500 (we substitute the engine's port), and ``asyncio.get_running_loop()`` at
    module level raises "no running event loop" in every Python. We change that one call to
    ``asyncio.get_event_loop()`` (the loop the module-level channel was bound to); everything
    else is the README's text.
    """
    script = README_WORKER.replace("localhost:26500", engine_proc.grpc_address)
    script = script.replace("asyncio.get_running_loop()", "asyncio.get_event_loop()")
    assert script.count("get_event_loop") == 1
    (tmp_path / "readme_worker.py").write_text(textwrap.dedent(script))
    await _deploy(client, tmp_path, "pz-readme.bpmn", models.one_task("pz-readme", "example"))
    process = subprocess.Popen(
        [sys.executable, str(tmp_path / "readme_worker.py")],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        result = await client.run_process_with_result(
            "pz-readme", {"input": "shenhou"}, timeout=30_000
        )
        assert result.variables["output"] == "Hello world, shenhou!"
    finally:
        process.terminate()
        process.wait(10)

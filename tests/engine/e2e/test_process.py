"""The engine process itself: flags, errors, signals, the clock actuator, timers."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import grpc
import httpx
import pytest
from pyzeebe.proto import gateway_pb2 as pb
from pyzeebe.proto.gateway_pb2_grpc import GatewayStub

from tests.engine.e2e import models
from tests.engine.e2e.harness import ROOT, EngineProcess

pytestmark = pytest.mark.e2e


def test_help_lists_every_flag() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "engine", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0
    for flag in (
        "--grpc-address",
        "--http-address",
        "--management-address",
        "--data-dir",
        "--clock",
        "--log-level",
    ):
        assert flag in done.stdout


def test_a_port_in_use_is_one_clear_line(fresh_dir: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = EngineProcess(fresh_dir)
        proc.grpc_port = port
        proc.start(wait=False)
        assert proc.process is not None
        code = proc.process.wait(30)
    assert code == 1
    lines = [line for line in proc.logs().splitlines() if line.strip()]
    assert lines == [f"engine: cannot listen for gRPC on 127.0.0.1:{port}: the port is in use"]


def test_a_second_engine_on_the_same_data_dir_is_refused(engine_proc: EngineProcess) -> None:
    other = EngineProcess(engine_proc.data_dir)
    other.start(wait=False)
    assert other.process is not None and other.process.wait(30) == 1
    assert "is in use by another engine process" in other.logs()


def test_clock_actuator_moves_time_and_fires_timers(engine_proc: EngineProcess) -> None:
    base = engine_proc.management_url
    now = httpx.get(f"{base}/actuator/clock").json()
    assert set(now) == {"epochMilli", "instant"}
    with grpc.insecure_channel(engine_proc.grpc_address) as channel:
        stub = GatewayStub(channel)
        stub.DeployResource(
            pb.DeployResourceRequest(
                resources=[
                    pb.Resource(
                        name="proc-timer.bpmn", content=models.timer_wait("proc-timer", "PT1H")
                    )
                ]
            )
        )
        created = stub.CreateProcessInstance(
            pb.CreateProcessInstanceRequest(bpmnProcessId="proc-timer", version=-1)
        )
    key = str(created.processInstanceKey)
    engine_proc.wait_search("process-instances", {"processInstanceKey": key, "state": "ACTIVE"})
    moved = engine_proc.clock_add(59 * 60 * 1000)  # not yet due
    assert moved["epochMilli"] >= now["epochMilli"] + 59 * 60 * 1000
    assert engine_proc.search("process-instances", {"processInstanceKey": key})[0]["state"] == (
        "ACTIVE"
    )
    engine_proc.clock_add(2 * 60 * 1000)
    engine_proc.wait_search("process-instances", {"processInstanceKey": key, "state": "COMPLETED"})
    assert httpx.post(f"{base}/actuator/clock/add", json={"offsetMilli": "x"}).status_code == 400


def test_uncontrolled_clock_refuses_changes(fresh_dir: Path) -> None:
    proc = EngineProcess(fresh_dir, controlled_clock=False).start()
    try:
        answer = httpx.post(f"{proc.management_url}/actuator/clock/add", json={"offsetMilli": 1000})
        assert answer.status_code == 403
        health = httpx.get(f"{proc.management_url}/actuator/health/status")
        assert health.json() == {"status": "UP"}
        metrics = httpx.get(f"{proc.management_url}/metrics").text
        assert "zeebe_gateway_requests_total" in metrics or "zeebe_gateway" in metrics
    finally:
        assert proc.stop() == 0, proc.logs()[-3000:]


def test_logs_are_json_lines_without_variable_values(engine_proc: EngineProcess) -> None:
    with grpc.insecure_channel(engine_proc.grpc_address) as channel:
        stub = GatewayStub(channel)
        stub.DeployResource(
            pb.DeployResourceRequest(
                resources=[
                    pb.Resource(
                        name="proc-log.bpmn", content=models.one_task("proc-log", "proc-log")
                    )
                ]
            )
        )
        stub.CreateProcessInstance(
            pb.CreateProcessInstanceRequest(
                bpmnProcessId="proc-log",
                version=-1,
                variables=json.dumps({"idNumber": "110101199003071234", "secretName": "张三丰"}),
            )
        )
    text = engine_proc.logs()
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines and all(line.startswith("{") for line in lines), lines[:5]
    assert all(isinstance(json.loads(line), dict) for line in lines)
    assert "110101199003071234" not in text and "张三丰" not in text


def test_sigint_stops_cleanly_too(fresh_dir: Path) -> None:
    proc = EngineProcess(fresh_dir).start()
    assert proc.process is not None
    proc.process.send_signal(signal.SIGINT)
    assert proc.process.wait(15) == 0, proc.logs()[-3000:]
    events = [json.loads(line)["event"] for line in proc.logs().splitlines() if line.strip()]
    assert "engine.stopping" in events and events[-1] == "engine.stopped"

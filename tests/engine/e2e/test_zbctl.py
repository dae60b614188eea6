"""The official zbctl CLI (npm package zbctl 8.4.1, a static Go binary) against the engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.engine.e2e import models
from tests.engine.e2e.harness import ZBCTL, EngineProcess, as_json, zbctl

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.zbctl,
    pytest.mark.skipif(
        not ZBCTL.exists(),
        reason=f"zbctl binary missing at {ZBCTL}: run `npm install` (or `make node`) first",
    ),
]


def test_status_shows_one_healthy_leader(engine_proc: EngineProcess) -> None:
    out = zbctl(engine_proc, "status").stdout
    assert "Cluster size: 1" in out and "Partitions count: 1" in out
    assert "Partition 1 : Leader, Healthy" in out


def test_deploy_create_activate_complete(engine_proc: EngineProcess, tmp_path: Path) -> None:
    legacy = tmp_path / "zb-legacy.bpmn"
    legacy.write_bytes(models.one_task("zb-legacy", "zb-legacy"))
    deployed = as_json(zbctl(engine_proc, "deploy", str(legacy)))  # DeployProcess (deprecated)
    assert deployed["processes"][0]["bpmnProcessId"] == "zb-legacy"

    resource = tmp_path / "zb-one.bpmn"
    resource.write_bytes(models.one_task("zb-one", "zb-work"))
    deployed = as_json(zbctl(engine_proc, "deploy", "resource", str(resource)))
    assert deployed["deployments"][0]["process"]["bpmnProcessId"] == "zb-one"

    created = as_json(
        zbctl(engine_proc, "create", "instance", "zb-one", "--variables", '{"case": "c-1"}')
    )
    instance_key = created["processInstanceKey"]
    jobs = as_json(zbctl(engine_proc, "activate", "jobs", "zb-work", "--maxJobsToActivate", "5"))
    (job,) = jobs["jobs"]
    assert str(job["processInstanceKey"]) == str(instance_key)
    assert json.loads(job["variables"]) == {"case": "c-1"}
    zbctl(engine_proc, "complete", "job", str(job["key"]), "--variables", '{"ok": true}')
    engine_proc.wait_search(
        "process-instances", {"processInstanceKey": str(instance_key), "state": "COMPLETED"}
    )

    again = zbctl(engine_proc, "complete", "job", str(job["key"]), ok=False)
    assert again.returncode != 0 and "NotFound" in (again.stdout + again.stderr)


def test_fail_job_to_incident(engine_proc: EngineProcess, tmp_path: Path) -> None:
    resource = tmp_path / "zb-fail.bpmn"
    resource.write_bytes(models.one_task("zb-fail", "zb-fail"))
    zbctl(engine_proc, "deploy", "resource", str(resource))
    created = as_json(zbctl(engine_proc, "create", "instance", "zb-fail"))
    (job,) = as_json(zbctl(engine_proc, "activate", "jobs", "zb-fail"))["jobs"]
    zbctl(
        engine_proc,
        "fail",
        "job",
        str(job["key"]),
        "--retries",
        "0",
        "--errorMessage",
        "ledger offline",
    )
    (incident,) = engine_proc.wait_search(
        "incidents", {"processInstanceKey": str(created["processInstanceKey"])}
    )
    assert incident["errorMessage"] == "ledger offline"
    assert incident["errorType"] == "JOB_NO_RETRIES"


def test_publish_message_and_create_with_result(engine_proc: EngineProcess, tmp_path: Path) -> None:
    resource = tmp_path / "zb-msg.bpmn"
    resource.write_bytes(models.message_wait("zb-msg", "zb-arrived"))
    zbctl(engine_proc, "deploy", "resource", str(resource))
    created = as_json(
        zbctl(engine_proc, "create", "instance", "zb-msg", "--variables", '{"orderId": "z-9"}')
    )
    zbctl(
        engine_proc,
        "publish",
        "message",
        "zb-arrived",
        "--correlationKey",
        "z-9",
        "--variables",
        '{"arrived": 1}',
    )
    engine_proc.wait_search(
        "process-instances",
        {"processInstanceKey": str(created["processInstanceKey"]), "state": "COMPLETED"},
    )

    instant = tmp_path / "zb-now.bpmn"
    instant.write_bytes(models.timer_wait("zb-now", "PT0S"))
    zbctl(engine_proc, "deploy", "resource", str(instant))
    result = as_json(
        zbctl(
            engine_proc, "create", "instance", "zb-now", "--variables", '{"x": 7}', "--withResult"
        )
    )
    assert json.loads(result["variables"]) == {"x": 7}

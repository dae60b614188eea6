"""An engine process with console users, and raw gRPC helpers to give it work.

Reuses the engine end-to-end harness (real ``python -m engine`` on free ports); the only
addition is the environment the console reads its users from.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import grpc
from pyzeebe.proto import gateway_pb2 as pb
from pyzeebe.proto.gateway_pb2_grpc import GatewayStub

from tests.engine.e2e.harness import EngineProcess

DEMO_BPMN = Path(__file__).with_name("console_demo.bpmn")
USERS: dict[str, dict[str, Any]] = {
    "ops-token-alice": {"sub": "alice", "roles": ["ops"]},
    "supervisor-token-sun": {"sub": "sun", "roles": ["supervisor"]},
    "health-token-hu": {"sub": "hu", "roles": ["health"]},
}
OPS, SUPERVISOR, HEALTH = USERS


class ConsoleEngine(EngineProcess):
    """The engine with ``ENGINE_CONSOLE_TOKENS`` set (the base harness clears ENGINE_*)."""

    def __init__(self, data_dir: Path, *, env: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(data_dir, **kwargs)
        self.env = env or {}

    def environment(self) -> dict[str, str]:
        env = super().environment()
        env.pop("SHENHOU_API_TOKENS", None)
        for name in [k for k in env if k.startswith("SHENHOU_JWT_")]:
            env.pop(name)  # JWT login only where a test asks for it
        env.pop("SHENHOU_OIDC_DISCOVERY", None)
        env["ENGINE_CONSOLE_TOKENS"] = json.dumps(USERS)
        env.update(self.env)
        return env

    @property
    def console_url(self) -> str:
        return f"{self.http_url}/console"


class Zeebe:
    """The few gateway calls the console tests need, on pyzeebe's generated stubs."""

    def __init__(self, address: str) -> None:
        self.channel = grpc.insecure_channel(address)
        self.stub = GatewayStub(self.channel)

    def close(self) -> None:
        self.channel.close()

    def deploy(self, name: str, xml: bytes) -> pb.ProcessMetadata:
        answer = self.stub.DeployResource(
            pb.DeployResourceRequest(resources=[pb.Resource(name=name, content=xml)])
        )
        return answer.deployments[0].process

    def create(self, process_id: str, variables: dict[str, Any] | None = None) -> int:
        answer = self.stub.CreateProcessInstance(
            pb.CreateProcessInstanceRequest(
                bpmnProcessId=process_id, version=-1, variables=json.dumps(variables or {})
            )
        )
        return int(answer.processInstanceKey)

    def create_many(self, process_id: str, count: int, variables: Any) -> list[int]:
        """``count`` instances, 32 calls in flight (the engine group-commits them)."""
        with ThreadPoolExecutor(32) as pool:
            return list(pool.map(lambda i: self.create(process_id, variables(i)), range(count)))

    def activate(self, job_type: str, *, max_jobs: int = 1) -> list[pb.ActivatedJob]:
        jobs: list[pb.ActivatedJob] = []
        for answer in self.stub.ActivateJobs(
            pb.ActivateJobsRequest(
                type=job_type,
                worker="console-test",
                timeout=60_000,
                maxJobsToActivate=max_jobs,
                requestTimeout=5_000,
            ),
            timeout=10,
        ):
            jobs.extend(answer.jobs)
            if jobs:
                break
        return jobs

    def job_of(self, job_type: str, instance_key: int) -> pb.ActivatedJob:
        for job in self.activate(job_type, max_jobs=50):
            if job.processInstanceKey == instance_key:
                return job
        raise AssertionError(f"no {job_type} job of instance {instance_key} to activate")

    def complete(self, job_key: int, variables: dict[str, Any] | None = None) -> None:
        self.stub.CompleteJob(
            pb.CompleteJobRequest(jobKey=job_key, variables=json.dumps(variables or {}))
        )

    def fail(self, job_key: int, retries: int, message: str) -> None:
        self.stub.FailJob(pb.FailJobRequest(jobKey=job_key, retries=retries, errorMessage=message))

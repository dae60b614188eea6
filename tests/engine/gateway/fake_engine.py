"""A TEST DOUBLE of EngineApi for the gateway's unit tests only.

It keeps just enough state (jobs waiting per type, calls received) to check the
gateway's conversion, error mapping and long polling. The end-to-end tests in
tests/engine/e2e use the real engine (`engine.runtime.Engine`) in a real process.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from engine import api
from engine.api import EngineError, ErrorCode


class FakeClock:
    @property
    def controlled(self) -> bool:
        return True

    def __init__(self) -> None:
        self.ms = 1_700_000_000_000

    def now_ms(self) -> int:
        return self.ms

    def pin(self, epoch_milli: int) -> None:
        self.ms = epoch_milli

    def add(self, offset_milli: int) -> None:
        self.ms += offset_milli

    def reset(self) -> None:
        self.ms = 1_700_000_000_000


class FakeEngine:
    def __init__(self) -> None:
        self.clock: api.ClockApi = FakeClock()
        self.listeners: list[api.JobsAvailableListener] = []
        self.pending: dict[str, list[int]] = {}
        self.calls: list[tuple[str, Any]] = []
        self.activate_calls = 0
        self.activation_gate: asyncio.Event | None = None
        self.activation_entered = asyncio.Event()
        self._keys = itertools.count(2251799813685249)

    # --- helpers for tests
    def add_job(self, job_type: str, *, notify: bool = True) -> int:
        key = next(self._keys)
        self.pending.setdefault(job_type, []).append(key)
        if notify:
            for listener in self.listeners:
                listener(job_type)
        return key

    # --- EngineApi
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def add_jobs_available_listener(self, listener: api.JobsAvailableListener) -> None:
        self.listeners.append(listener)

    async def deploy(
        self, resources: Sequence[tuple[str, bytes]], tenant_id: str = api.DEFAULT_TENANT
    ) -> api.Deployment:
        self.calls.append(("deploy", [name for name, _ in resources]))
        if any(not content.strip() for _, content in resources):
            raise EngineError(ErrorCode.INVALID_ARGUMENT, "Expected a BPMN or DMN resource")
        return api.Deployment(
            key=next(self._keys),
            processes=[
                api.DeployedProcess(name.removesuffix(".bpmn"), 1, next(self._keys), name)
                for name, _ in resources
            ],
            tenant_id=tenant_id,
        )

    async def delete_resource(self, resource_key: int) -> None:
        raise EngineError(ErrorCode.NOT_FOUND, f"no resource with key '{resource_key}'")

    async def create_process_instance(self, **kwargs: Any) -> api.ProcessInstanceCreated:
        self.calls.append(("create", kwargs))
        if kwargs.get("bpmn_process_id") == "missing":
            raise EngineError(
                ErrorCode.NOT_FOUND,
                "Expected to find process definition with process ID 'missing', but none found",
            )
        return api.ProcessInstanceCreated(7, kwargs.get("bpmn_process_id") or "p", 1, 42)

    async def create_process_instance_with_result(self, **kwargs: Any) -> api.ProcessInstanceResult:
        self.calls.append(("create_with_result", kwargs))
        return api.ProcessInstanceResult(7, "p", 1, 43, {"done": True, "n": 1})

    async def cancel_process_instance(self, process_instance_key: int) -> None:
        self.calls.append(("cancel", process_instance_key))

    async def set_variables(
        self, element_instance_key: int, variables: Mapping[str, Any], local: bool = False
    ) -> int:
        self.calls.append(("set_variables", (element_instance_key, dict(variables), local)))
        return 99

    async def modify_process_instance(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append(("modify", (args, kwargs)))

    async def activate_jobs(
        self,
        *,
        job_type: str,
        worker: str,
        timeout_ms: int,
        max_jobs: int,
        fetch_variables: Sequence[str] = (),
        tenant_ids: Sequence[str] = (),
    ) -> list[api.ActivatedJob]:
        self.activate_calls += 1
        if self.activation_gate is not None:  # lets a test hold an activation in flight
            self.activation_entered.set()
            await self.activation_gate.wait()
        keys = self.pending.get(job_type, [])
        taken, self.pending[job_type] = keys[:max_jobs], keys[max_jobs:]
        return [
            api.ActivatedJob(
                key=k,
                type=job_type,
                process_instance_key=1,
                bpmn_process_id="p",
                process_definition_version=1,
                process_definition_key=7,
                element_id="task",
                element_instance_key=k + 1,
                custom_headers={"h": "v"},
                worker=worker,
                retries=3,
                deadline_ms=self.clock.now_ms() + timeout_ms,
                variables={"x": 1, "名": "值"},
            )
            for k in taken
        ]

    async def complete_job(self, job_key: int, variables: Mapping[str, Any] | None = None) -> None:
        self.calls.append(("complete", (job_key, variables)))
        if job_key == 404:
            raise EngineError(
                ErrorCode.NOT_FOUND,
                "Expected to complete job with key '404', but no such job was found",
            )

    async def fail_job(
        self,
        job_key: int,
        retries: int,
        error_message: str = "",
        retry_backoff_ms: int = 0,
        variables: Mapping[str, Any] | None = None,
    ) -> None:
        self.calls.append(("fail", (job_key, retries, error_message, retry_backoff_ms)))

    async def throw_error(
        self,
        job_key: int,
        error_code: str,
        error_message: str = "",
        variables: Mapping[str, Any] | None = None,
    ) -> None:
        self.calls.append(("throw_error", (job_key, error_code, error_message)))
        raise EngineError(ErrorCode.FAILED_PRECONDITION, "job is not activated")

    async def update_job_retries(self, job_key: int, retries: int) -> None:
        self.calls.append(("retries", (job_key, retries)))

    async def update_job_timeout(self, job_key: int, timeout_ms: int) -> None:
        self.calls.append(("timeout", (job_key, timeout_ms)))

    async def publish_message(self, **kwargs: Any) -> api.MessagePublished:
        self.calls.append(("publish", kwargs))
        return api.MessagePublished(key=555)

    async def broadcast_signal(
        self, signal_name: str, variables: Mapping[str, Any] | None = None
    ) -> int:
        self.calls.append(("signal", signal_name))
        return 556

    async def resolve_incident(self, incident_key: int) -> None:
        raise EngineError(ErrorCode.RESOURCE_EXHAUSTED, "queue full")

    async def evaluate_decision(self, **kwargs: Any) -> api.DecisionEvaluation:
        return api.DecisionEvaluation(
            decision_key=1,
            decision_id="d",
            decision_name="D",
            decision_version=1,
            decision_requirements_id="drg",
            decision_requirements_key=2,
            decision_output='"ok"',
            evaluated_decisions=[
                api.EvaluatedDecision(
                    decision_id="d",
                    decision_key=1,
                    decision_name="D",
                    decision_version=1,
                    decision_type="DECISION_TABLE",
                    decision_output='"ok"',
                    evaluated_inputs=[{"inputId": "i", "inputName": "I", "inputValue": "1"}],
                    matched_rules=[
                        {
                            "ruleId": "r",
                            "ruleIndex": 1,
                            "evaluatedOutputs": [
                                {"outputId": "o", "outputName": "O", "outputValue": '"ok"'}
                            ],
                        }
                    ],
                )
            ],
        )

"""The contract between the engine's runtime and its front doors.

The gRPC gateway (``engine.gateway``), the management port, the query API and the
console never touch the runtime's internals: they call the methods of
:class:`EngineApi` and read the result dataclasses defined here. This keeps the
state machine free of protobuf and HTTP concerns and lets the front doors be
tested against the same runtime the production server uses.

Every command method is ``async`` and returns only after the records the command
produced are durable (committed to the store). A command that is refused raises
:class:`EngineError` with a :class:`ErrorCode` the gateway maps 1:1 onto the gRPC
status code Zeebe uses for the same situation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

JsonObject = dict[str, Any]

DEFAULT_TENANT = "<default>"


class ErrorCode(StrEnum):
    """Why a command was refused; named after the gRPC status Zeebe answers with."""

    NOT_FOUND = "NOT_FOUND"
    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    FAILED_PRECONDITION = "FAILED_PRECONDITION"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED"
    DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
    UNIMPLEMENTED = "UNIMPLEMENTED"
    UNAVAILABLE = "UNAVAILABLE"


class EngineError(Exception):
    """A command the engine refuses, with a message a user can act on."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"EngineError({self.code.value}, {self.message!r})"


# ---------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class DeployedProcess:
    bpmn_process_id: str
    version: int
    process_definition_key: int
    resource_name: str
    tenant_id: str = DEFAULT_TENANT


@dataclass(frozen=True, slots=True)
class DeployedDecision:
    decision_id: str
    decision_name: str
    version: int
    decision_key: int
    decision_requirements_id: str
    decision_requirements_key: int
    tenant_id: str = DEFAULT_TENANT


@dataclass(frozen=True, slots=True)
class DeployedDecisionRequirements:
    decision_requirements_id: str
    decision_requirements_name: str
    version: int
    decision_requirements_key: int
    resource_name: str
    tenant_id: str = DEFAULT_TENANT


@dataclass(frozen=True, slots=True)
class Deployment:
    key: int
    processes: list[DeployedProcess] = field(default_factory=list)
    decisions: list[DeployedDecision] = field(default_factory=list)
    decision_requirements: list[DeployedDecisionRequirements] = field(default_factory=list)
    tenant_id: str = DEFAULT_TENANT


@dataclass(frozen=True, slots=True)
class ProcessInstanceCreated:
    process_definition_key: int
    bpmn_process_id: str
    version: int
    process_instance_key: int
    tenant_id: str = DEFAULT_TENANT


@dataclass(frozen=True, slots=True)
class ProcessInstanceResult:
    process_definition_key: int
    bpmn_process_id: str
    version: int
    process_instance_key: int
    variables: JsonObject
    tenant_id: str = DEFAULT_TENANT


@dataclass(frozen=True, slots=True)
class ActivatedJob:
    key: int
    type: str
    process_instance_key: int
    bpmn_process_id: str
    process_definition_version: int
    process_definition_key: int
    element_id: str
    element_instance_key: int
    custom_headers: dict[str, str]
    worker: str
    retries: int
    deadline_ms: int
    variables: JsonObject
    tenant_id: str = DEFAULT_TENANT


@dataclass(frozen=True, slots=True)
class MessagePublished:
    key: int
    tenant_id: str = DEFAULT_TENANT


@dataclass(frozen=True, slots=True)
class StartInstruction:
    """Start the instance at this element instead of the none start event."""

    element_id: str


@dataclass(frozen=True, slots=True)
class ActivateInstruction:
    """ModifyProcessInstance: activate ``element_id`` (optionally inside a given ancestor)."""

    element_id: str
    ancestor_element_instance_key: int = -1
    # (scope element id or "" for the instance scope, variables)
    variables: Sequence[tuple[str, JsonObject]] = ()


@dataclass(frozen=True, slots=True)
class EvaluatedDecision:
    decision_id: str
    decision_key: int
    decision_name: str
    decision_version: int
    decision_type: str
    decision_output: str  # JSON text
    evaluated_inputs: list[JsonObject]
    matched_rules: list[JsonObject]
    tenant_id: str = DEFAULT_TENANT


@dataclass(frozen=True, slots=True)
class DecisionEvaluation:
    decision_key: int
    decision_id: str
    decision_name: str
    decision_version: int
    decision_requirements_id: str
    decision_requirements_key: int
    decision_output: str  # JSON text
    evaluated_decisions: list[EvaluatedDecision]
    failed_decision_id: str = ""
    failure_message: str = ""
    tenant_id: str = DEFAULT_TENANT


# ------------------------------------------------------------------ clock


class ClockApi(Protocol):
    """The engine's clock; controllable in tests like Zeebe's clock actuator."""

    @property
    def controlled(self) -> bool: ...

    def now_ms(self) -> int: ...

    def pin(self, epoch_milli: int) -> None: ...

    def add(self, offset_milli: int) -> None: ...

    def reset(self) -> None: ...


# ----------------------------------------------------------------- engine


JobsAvailableListener = Callable[[str], None]
"""Called (from the engine's writer thread, after commit) with a job type that has
new activatable jobs. The gateway uses it to wake long-polling ActivateJobs calls."""


class EngineApi(Protocol):
    """What the gateway, management port and console may call."""

    clock: ClockApi

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def add_jobs_available_listener(self, listener: JobsAvailableListener) -> None: ...

    async def deploy(
        self, resources: Sequence[tuple[str, bytes]], tenant_id: str = DEFAULT_TENANT
    ) -> Deployment: ...

    async def delete_resource(self, resource_key: int) -> None: ...

    async def create_process_instance(
        self,
        *,
        bpmn_process_id: str | None = None,
        process_definition_key: int | None = None,
        version: int = -1,
        variables: Mapping[str, Any] | None = None,
        start_instructions: Sequence[StartInstruction] = (),
        tenant_id: str = DEFAULT_TENANT,
    ) -> ProcessInstanceCreated: ...

    async def create_process_instance_with_result(
        self,
        *,
        bpmn_process_id: str | None = None,
        process_definition_key: int | None = None,
        version: int = -1,
        variables: Mapping[str, Any] | None = None,
        start_instructions: Sequence[StartInstruction] = (),
        fetch_variables: Sequence[str] = (),
        request_timeout_ms: int = 0,
        tenant_id: str = DEFAULT_TENANT,
    ) -> ProcessInstanceResult: ...

    async def cancel_process_instance(self, process_instance_key: int) -> None: ...

    async def set_variables(
        self, element_instance_key: int, variables: Mapping[str, Any], local: bool = False
    ) -> int: ...

    async def modify_process_instance(
        self,
        process_instance_key: int,
        activate: Sequence[ActivateInstruction] = (),
        terminate: Sequence[int] = (),
    ) -> None: ...

    async def activate_jobs(
        self,
        *,
        job_type: str,
        worker: str,
        timeout_ms: int,
        max_jobs: int,
        fetch_variables: Sequence[str] = (),
        tenant_ids: Sequence[str] = (),
    ) -> list[ActivatedJob]:
        """Activate up to ``max_jobs`` jobs now; never waits (long polling is the gateway's)."""
        ...

    async def complete_job(
        self, job_key: int, variables: Mapping[str, Any] | None = None
    ) -> None: ...

    async def fail_job(
        self,
        job_key: int,
        retries: int,
        error_message: str = "",
        retry_backoff_ms: int = 0,
        variables: Mapping[str, Any] | None = None,
    ) -> None: ...

    async def throw_error(
        self,
        job_key: int,
        error_code: str,
        error_message: str = "",
        variables: Mapping[str, Any] | None = None,
    ) -> None: ...

    async def update_job_retries(self, job_key: int, retries: int) -> None: ...

    async def update_job_timeout(self, job_key: int, timeout_ms: int) -> None: ...

    async def publish_message(
        self,
        *,
        name: str,
        correlation_key: str,
        time_to_live_ms: int,
        message_id: str = "",
        variables: Mapping[str, Any] | None = None,
        tenant_id: str = DEFAULT_TENANT,
    ) -> MessagePublished: ...

    async def broadcast_signal(
        self, signal_name: str, variables: Mapping[str, Any] | None = None
    ) -> int: ...

    async def resolve_incident(self, incident_key: int) -> None: ...

    async def evaluate_decision(
        self,
        *,
        decision_id: str | None = None,
        decision_key: int | None = None,
        variables: Mapping[str, Any] | None = None,
        tenant_id: str = DEFAULT_TENANT,
    ) -> DecisionEvaluation: ...

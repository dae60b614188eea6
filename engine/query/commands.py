"""The two write endpoints Camunda Modeler and scripts need: deploy and start an instance.

``POST /v2/deployments`` takes ``multipart/form-data`` with one or more ``resources`` files (and
an optional ``tenantId``), as Camunda's REST API and Modeler ≥ 5.39 send it.
``POST /v2/process-instances`` takes Camunda's JSON body. Both call :class:`EngineApi`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.datastructures import UploadFile
from starlette.requests import Request

from engine import api
from engine.api import DEFAULT_TENANT, EngineApi, EngineError, ErrorCode
from engine.config import DEFAULT_REQUEST_TIMEOUT_MS
from engine.query.problems import QueryError

HTTP_STATUS = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.INVALID_ARGUMENT: 400,
    ErrorCode.FAILED_PRECONDITION: 409,
    ErrorCode.ALREADY_EXISTS: 409,
    ErrorCode.RESOURCE_EXHAUSTED: 503,
    ErrorCode.DEADLINE_EXCEEDED: 504,
    ErrorCode.UNIMPLEMENTED: 501,
    ErrorCode.UNAVAILABLE: 503,
}


def engine_problem(error: EngineError) -> QueryError:
    return QueryError(HTTP_STATUS.get(error.code, 500), error.message, title=error.code.value)


def _single_tenant(tenant_id: str) -> None:
    if tenant_id and tenant_id != DEFAULT_TENANT:
        raise QueryError(
            400,
            f"Expected a request with tenant identifier '{tenant_id}', "
            "but multi-tenancy is disabled",
        )


def deployment_body(deployment: api.Deployment) -> dict[str, Any]:
    items: list[dict[str, Any]] = [
        {
            "processDefinition": {
                "processDefinitionId": p.bpmn_process_id,
                "processDefinitionVersion": p.version,
                "resourceName": p.resource_name,
                "tenantId": p.tenant_id,
                "processDefinitionKey": str(p.process_definition_key),
            }
        }
        for p in deployment.processes
    ]
    items += [
        {
            "decisionDefinition": {
                "decisionDefinitionId": d.decision_id,
                "version": d.version,
                "name": d.decision_name,
                "tenantId": d.tenant_id,
                "decisionRequirementsId": d.decision_requirements_id,
                "decisionDefinitionKey": str(d.decision_key),
                "decisionRequirementsKey": str(d.decision_requirements_key),
            }
        }
        for d in deployment.decisions
    ]
    items += [
        {
            "decisionRequirements": {
                "decisionRequirementsId": r.decision_requirements_id,
                "decisionRequirementsName": r.decision_requirements_name,
                "version": r.version,
                "resourceName": r.resource_name,
                "tenantId": r.tenant_id,
                "decisionRequirementsKey": str(r.decision_requirements_key),
            }
        }
        for r in deployment.decision_requirements
    ]
    return {
        "deploymentKey": str(deployment.key),
        "tenantId": deployment.tenant_id,
        "deployments": items,
    }


async def deploy(engine: EngineApi, request: Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise QueryError(
            415 if content_type else 400,
            "Expected multipart/form-data with one or more 'resources' files",
            title="INVALID_ARGUMENT",
        )
    form = await request.form()
    try:
        resources: list[tuple[str, bytes]] = []
        for item in form.getlist("resources"):
            if not isinstance(item, UploadFile):
                raise QueryError(400, "Each 'resources' part must be a file with a filename")
            resources.append((item.filename or "resource.bpmn", await item.read()))
        tenant = form.get("tenantId")
    finally:
        await form.close()
    if not resources:
        raise QueryError(400, "Expected at least one 'resources' file to deploy, but none given")
    _single_tenant(tenant if isinstance(tenant, str) else "")
    try:
        deployment = await engine.deploy(resources, tenant_id=DEFAULT_TENANT)
    except EngineError as error:
        raise engine_problem(error) from error
    return deployment_body(deployment)


class StartInstructionBody(BaseModel):
    elementId: str


class CreateInstanceBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    processDefinitionId: str | None = None
    processDefinitionKey: str | int | None = None
    # JSON nulls are accepted where Camunda's clients may send them (Camunda Modeler, SDKs)
    processDefinitionVersion: int | None = -1
    variables: dict[str, Any] | None = None
    tenantId: str | None = None
    startInstructions: list[StartInstructionBody] | None = None
    runtimeInstructions: list[dict[str, Any]] | None = None
    awaitCompletion: bool | None = False
    fetchVariables: list[str] | None = None
    requestTimeout: int | None = 0
    operationReference: int | str | None = None


async def create_instance(
    engine: EngineApi, body: Any, default_request_timeout_ms: int = DEFAULT_REQUEST_TIMEOUT_MS
) -> dict[str, Any]:
    """``POST /v2/process-instances``; with ``awaitCompletion`` and no (or a zero)
    ``requestTimeout`` it waits ``default_request_timeout_ms`` (the engine's
    ``--request-timeout``, as Zeebe's gateway), then answers 504 DEADLINE_EXCEEDED."""
    try:
        parsed = CreateInstanceBody.model_validate(body)
    except ValidationError as error:
        details = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in error.errors()
        )
        raise QueryError(400, f"Invalid process instance creation request: {details}") from None
    _single_tenant(parsed.tenantId or "")
    if parsed.runtimeInstructions:
        raise QueryError(
            400,
            "runtimeInstructions are not supported by the embedded engine",
            title="INVALID_ARGUMENT",
        )
    if not parsed.processDefinitionId and parsed.processDefinitionKey is None:
        raise QueryError(
            400, "Expected either 'processDefinitionId' or 'processDefinitionKey', but none given"
        )
    try:
        definition_key = (
            int(parsed.processDefinitionKey) if parsed.processDefinitionKey is not None else None
        )
    except ValueError:
        raise QueryError(400, "'processDefinitionKey' must be a number") from None
    requested = parsed.processDefinitionVersion
    common: dict[str, Any] = {
        "bpmn_process_id": parsed.processDefinitionId,
        "process_definition_key": definition_key,
        "version": requested if requested and requested > 0 else -1,  # -1: the latest
        "variables": parsed.variables or {},
        "start_instructions": tuple(
            api.StartInstruction(i.elementId) for i in parsed.startInstructions or ()
        ),
        "tenant_id": DEFAULT_TENANT,
    }
    try:
        if parsed.awaitCompletion:
            result = await engine.create_process_instance_with_result(
                **common,
                fetch_variables=tuple(parsed.fetchVariables or ()),
                request_timeout_ms=(
                    parsed.requestTimeout
                    if parsed.requestTimeout and parsed.requestTimeout > 0
                    else default_request_timeout_ms
                ),
            )
            variables: dict[str, Any] = result.variables
            created: api.ProcessInstanceCreated | api.ProcessInstanceResult = result
        else:
            created = await engine.create_process_instance(**common)
            variables = {}
    except EngineError as error:
        raise engine_problem(error) from error
    return {
        "processDefinitionId": created.bpmn_process_id,
        "processDefinitionVersion": created.version,
        "tenantId": created.tenant_id,
        "variables": variables,
        "processDefinitionKey": str(created.process_definition_key),
        "processInstanceKey": str(created.process_instance_key),
    }

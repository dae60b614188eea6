"""Camunda-v2-shaped write endpoints for running instances, jobs, messages and signals.

Thin wrappers over :class:`EngineApi` for REST clients (Camunda's SDKs speak these):

* ``POST /v2/process-instances/{key}/cancellation`` → 204
* ``POST /v2/incidents/{key}/resolution`` → 204
* ``PUT /v2/element-instances/{key}/variables`` ``{variables, local}`` → 204
* ``POST /v2/jobs/{key}/completion`` ``{variables}`` → 204
* ``POST /v2/jobs/{key}/failure`` ``{retries, errorMessage, retryBackOff, variables}`` → 204
* ``POST /v2/jobs/{key}/error`` ``{errorCode, errorMessage, variables}`` → 204
* ``PATCH /v2/jobs/{key}`` ``{changeset: {retries, timeout}}`` → 204
* ``POST /v2/messages/publication`` → ``{messageKey, tenantId}``
* ``POST /v2/signals/broadcast`` → ``{signalKey, tenantId}``
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from engine.api import DEFAULT_TENANT, EngineApi, EngineError
from engine.query.commands import engine_problem
from engine.query.problems import QueryError

Body = TypeVar("Body", bound=BaseModel)
Handler = Callable[[Request], Awaitable[Response]]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class VariablesBody(_Body):
    variables: dict[str, Any] | None = None
    local: bool | None = False


class CompletionBody(_Body):
    variables: dict[str, Any] | None = None


class FailureBody(_Body):
    retries: int | None = 0
    errorMessage: str | None = None
    retryBackOff: int | None = 0
    variables: dict[str, Any] | None = None


class ErrorBody(_Body):
    errorCode: str
    errorMessage: str | None = None
    variables: dict[str, Any] | None = None


class JobChangeset(_Body):
    retries: int | None = None
    timeout: int | None = None


class JobUpdateBody(_Body):
    changeset: JobChangeset


class MessageBody(_Body):
    name: str
    correlationKey: str | None = ""
    timeToLive: int | None = 0
    messageId: str | None = None
    variables: dict[str, Any] | None = None
    tenantId: str | None = None


class SignalBody(_Body):
    signalName: str
    variables: dict[str, Any] | None = None
    tenantId: str | None = None


def _parse(model: type[Body], body: Any) -> Body:
    try:
        return model.model_validate(body)
    except ValidationError as error:
        details = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in error.errors()
        )
        raise QueryError(400, f"Invalid request body: {details}") from None


def _key(request: Request) -> int:
    text = request.path_params["key"]
    try:
        return int(text)
    except ValueError:
        raise QueryError(400, f"'{text}' is not a valid key") from None


def _tenant(tenant_id: str | None) -> str:
    if tenant_id and tenant_id != DEFAULT_TENANT:
        raise QueryError(
            400,
            f"Expected a request with tenant identifier '{tenant_id}', "
            "but multi-tenancy is disabled",
        )
    return DEFAULT_TENANT


async def _run(call: Awaitable[Any]) -> Any:
    try:
        return await call
    except EngineError as error:
        raise engine_problem(error) from error


NO_CONTENT = 204


def operation_routes(
    engine: EngineApi,
    guarded: Callable[[Handler], Handler],
    json_body: Callable[[Request], Awaitable[Any]],
) -> list[BaseRoute]:
    async def cancel(request: Request) -> Response:
        await _run(engine.cancel_process_instance(_key(request)))
        return Response(status_code=NO_CONTENT)

    async def resolve(request: Request) -> Response:
        await _run(engine.resolve_incident(_key(request)))
        return Response(status_code=NO_CONTENT)

    async def set_variables(request: Request) -> Response:
        body = _parse(VariablesBody, await json_body(request))
        await _run(engine.set_variables(_key(request), body.variables or {}, bool(body.local)))
        return Response(status_code=NO_CONTENT)

    async def complete(request: Request) -> Response:
        body = _parse(CompletionBody, await json_body(request))
        await _run(engine.complete_job(_key(request), body.variables or {}))
        return Response(status_code=NO_CONTENT)

    async def fail(request: Request) -> Response:
        body = _parse(FailureBody, await json_body(request))
        await _run(
            engine.fail_job(
                _key(request),
                body.retries or 0,
                body.errorMessage or "",
                body.retryBackOff or 0,
                body.variables or {},
            )
        )
        return Response(status_code=NO_CONTENT)

    async def throw_error(request: Request) -> Response:
        body = _parse(ErrorBody, await json_body(request))
        await _run(
            engine.throw_error(
                _key(request), body.errorCode, body.errorMessage or "", body.variables or {}
            )
        )
        return Response(status_code=NO_CONTENT)

    async def update_job(request: Request) -> Response:
        body = _parse(JobUpdateBody, await json_body(request))
        key = _key(request)
        if body.changeset.retries is None and body.changeset.timeout is None:
            raise QueryError(
                400, "Expected a changeset with 'retries' or 'timeout', but none given"
            )
        if body.changeset.retries is not None:
            await _run(engine.update_job_retries(key, body.changeset.retries))
        if body.changeset.timeout is not None:
            await _run(engine.update_job_timeout(key, body.changeset.timeout))
        return Response(status_code=NO_CONTENT)

    async def publish(request: Request) -> Response:
        body = _parse(MessageBody, await json_body(request))
        tenant = _tenant(body.tenantId)
        published = await _run(
            engine.publish_message(
                name=body.name,
                correlation_key=body.correlationKey or "",
                time_to_live_ms=body.timeToLive or 0,
                message_id=body.messageId or "",
                variables=body.variables or {},
                tenant_id=tenant,
            )
        )
        return JSONResponse({"messageKey": str(published.key), "tenantId": published.tenant_id})

    async def broadcast(request: Request) -> Response:
        body = _parse(SignalBody, await json_body(request))
        tenant = _tenant(body.tenantId)
        key = await _run(engine.broadcast_signal(body.signalName, body.variables or {}))
        return JSONResponse({"signalKey": str(key), "tenantId": tenant})

    return [
        Route("/v2/process-instances/{key}/cancellation", guarded(cancel), methods=["POST"]),
        Route("/v2/incidents/{key}/resolution", guarded(resolve), methods=["POST"]),
        Route("/v2/element-instances/{key}/variables", guarded(set_variables), methods=["PUT"]),
        Route("/v2/jobs/{key}/completion", guarded(complete), methods=["POST"]),
        Route("/v2/jobs/{key}/failure", guarded(fail), methods=["POST"]),
        Route("/v2/jobs/{key}/error", guarded(throw_error), methods=["POST"]),
        Route("/v2/jobs/{key}", guarded(update_job), methods=["PATCH"]),
        Route("/v2/messages/publication", guarded(publish), methods=["POST"]),
        Route("/v2/signals/broadcast", guarded(broadcast), methods=["POST"]),
    ]

"""The HTTP app on the engine's HTTP address: Camunda-v2-shaped search and a few commands.

Searches read the runtime's read model (SQLite, read-only, off the event loop); deploying and
starting instances go through :class:`EngineApi` like any gRPC command.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from engine.api import EngineApi
from engine.config import DEFAULT_REQUEST_TIMEOUT_MS
from engine.query import commands
from engine.query.element_instances import ELEMENT_INSTANCES
from engine.query.incidents import INCIDENTS
from engine.query.jobs import JOBS
from engine.query.operations import operation_routes
from engine.query.problems import QueryError, problem
from engine.query.process_definitions import PROCESS_DEFINITIONS, XML_SQL
from engine.query.process_instances import PROCESS_INSTANCES
from engine.query.read_model import ReadModel
from engine.query.search import Resource, get_one, search
from engine.query.topology import topology_body
from engine.query.variables import VARIABLES

SEARCHABLE: dict[str, Resource] = {
    "process-instances": PROCESS_INSTANCES,
    "process-definitions": PROCESS_DEFINITIONS,
    "element-instances": ELEMENT_INSTANCES,
    "incidents": INCIDENTS,
    "jobs": JOBS,
    "variables": VARIABLES,
}


async def _json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError as error:
        raise QueryError(400, f"The request body is not valid JSON: {error}") from None


def create_query_app(
    engine: EngineApi,
    store_path: Path | None,
    *,
    grpc_host: str,
    grpc_port: int,
    default_request_timeout_ms: int = DEFAULT_REQUEST_TIMEOUT_MS,
) -> Starlette:
    read_model = ReadModel(store_path)

    def guarded(handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except QueryError as error:
                return problem(error.status, error.detail, request.url.path, error.title)

        return endpoint

    def search_endpoint(resource: Resource) -> Any:
        async def handler(request: Request) -> Response:
            body = await _json_body(request)
            return JSONResponse(await run_in_threadpool(search, read_model, resource, body))

        return guarded(handler)

    def get_endpoint(resource: Resource) -> Any:
        async def handler(request: Request) -> Response:
            key = request.path_params["key"]
            return JSONResponse(await run_in_threadpool(get_one, read_model, resource, key))

        return guarded(handler)

    async def definition_xml(request: Request) -> Response:
        key = request.path_params["key"]
        try:
            numeric = int(key)
        except ValueError:
            raise QueryError(400, f"'{key}' is not a valid processDefinitionKey") from None
        rows = await run_in_threadpool(read_model.rows, XML_SQL, [numeric])
        if not rows:
            raise QueryError(404, f"process definition with key '{key}' not found")
        return Response(rows[0][0], media_type="text/xml")

    async def topology(_request: Request) -> Response:
        return JSONResponse(topology_body(grpc_host, grpc_port))

    async def status(_request: Request) -> Response:
        # Camunda: 204 when at least one partition has a healthy leader; ours always does
        return Response(status_code=204)

    async def deploy(request: Request) -> Response:
        return JSONResponse(await commands.deploy(engine, request))

    async def create_instance(request: Request) -> Response:
        body = await _json_body(request)
        return JSONResponse(
            await commands.create_instance(engine, body, default_request_timeout_ms)
        )

    routes: list[BaseRoute] = [
        Route("/v2/topology", guarded(topology), methods=["GET"]),
        Route("/v2/status", status, methods=["GET"]),
        Route("/v2/deployments", guarded(deploy), methods=["POST"]),
        Route("/v2/process-instances", guarded(create_instance), methods=["POST"]),
        Route("/v2/process-definitions/{key}/xml", guarded(definition_xml), methods=["GET"]),
    ]
    routes += operation_routes(engine, guarded, _json_body)
    for path, resource in SEARCHABLE.items():
        routes.append(Route(f"/v2/{path}/search", search_endpoint(resource), methods=["POST"]))
        routes.append(Route(f"/v2/{path}/{{key}}", get_endpoint(resource), methods=["GET"]))
    return Starlette(routes=routes)

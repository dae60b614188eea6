"""The console's read endpoints: who am I, definitions, the instance list, one instance, its
records and its live stream. All read the read model off the event loop."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from engine.console import definitions, instance_detail
from engine.console.auth import caller
from engine.console.context import console_of
from engine.console.endpoints import number
from engine.console.instance_list import list_instances, parse_filter
from engine.console.live import instance_events
from engine.console.settings import ConsoleUser
from engine.query.problems import QueryError


async def me(request: Request, user: ConsoleUser) -> Any:
    console = console_of(request)
    return {
        "user": user.sub,
        "roles": sorted(user.roles),
        "label": user.label,
        "mayAct": user.may_act,
        "seesPersonalData": user.sees_personal_data,
        "csrf": (await caller(request, console.sessions)).csrf,
        "diagram": console.viewer is not None,
        "loginConfigured": console.sessions.enabled,
    }


async def list_definitions(request: Request, _user: ConsoleUser) -> Any:
    model = console_of(request).read_model
    return {"items": await run_in_threadpool(definitions.list_definitions, model)}


async def _xml_of(request: Request) -> tuple[int, str]:
    key = number(request.path_params["key"], "process definition key")
    text = await run_in_threadpool(definitions.definition_xml, console_of(request).read_model, key)
    if text is None:
        raise QueryError(404, f"process definition {key} not found")
    return key, text


async def xml(request: Request, _user: ConsoleUser) -> Any:
    key, text = await _xml_of(request)
    headers = {"Cache-Control": "no-store"}
    if request.query_params.get("download"):
        headers["Content-Disposition"] = f'attachment; filename="process-{key}.bpmn"'
    return Response(text, media_type="application/xml", headers=headers)


async def elements(request: Request, _user: ConsoleUser) -> Any:
    _, text = await _xml_of(request)
    return {"items": definitions.flow_nodes(text)}


async def instances(request: Request, _user: ConsoleUser) -> Any:
    query = request.query_params
    f = parse_filter({k: v for k, v in query.items() if k != "state"}, query.getlist("state"))
    return await run_in_threadpool(list_instances, console_of(request).read_model, f)


async def instance(request: Request, user: ConsoleUser) -> Any:
    console = console_of(request)
    key = number(request.path_params["key"], "instance key")
    found = await run_in_threadpool(instance_detail.instance_detail, console.read_model, key, user)
    if found is None:
        raise QueryError(404, f"process instance {key} not found")
    found["audit"] = [
        entry if user.sees_personal_data else {**entry, "details": sorted(entry["details"])}
        for entry in await run_in_threadpool(console.audit.for_instance, key)
    ]
    return found


async def records(request: Request, user: ConsoleUser) -> Any:
    key = number(request.path_params["key"], "instance key")
    after = number(request.query_params.get("after", "0"), "after")
    return await run_in_threadpool(
        instance_detail.instance_records, console_of(request).read_model, key, user, after=after
    )


async def events(request: Request, _user: ConsoleUser) -> Any:
    key = number(request.path_params["key"], "instance key")
    last = request.headers.get("last-event-id")
    last_seen = int(last) if last and last.isdigit() else None
    return StreamingResponse(
        instance_events(request, console_of(request).read_model, key, last_seen),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )

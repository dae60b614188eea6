"""The ops console on the engine's HTTP address, under ``/console``.

Pages are static HTML + JavaScript (no build step) that read the JSON API below; the diagram
is drawn by bpmn-js's prebuilt viewer, served from ``node_modules`` when npm installed it (the
page says so and shows everything else when it did not). Reads come from the read model,
actions go through :class:`EngineApi` (``engine.console.actions``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from engine.api import EngineApi
from engine.console import definitions, instance_detail
from engine.console.actions import ActionError, Actions
from engine.console.audit import AuditLog
from engine.console.auth import AuthError, actor, caller, same_origin
from engine.console.instance_list import FilterError, list_instances, parse_filter
from engine.console.live import instance_events
from engine.console.sessions import COOKIE, CSRF_HEADER, IDLE_TIMEOUT_S, Sessions, csrf_ok
from engine.console.settings import ConsoleUser, describe, load_tokens
from engine.logs import get_logger
from engine.query.problems import QueryError
from engine.query.read_model import ReadModel

log = get_logger("engine.console")
PREFIX = "/console"
STATIC = Path(__file__).parent / "static"
ROOT = Path(__file__).resolve().parents[2]
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

Handler = Callable[[Request], Awaitable[Response]]


def bpmn_js_dir() -> Path | None:
    """bpmn-js's prebuilt bundles, where ``npm install`` put them (or ENGINE_CONSOLE_BPMN_JS)."""
    configured = os.environ.get("ENGINE_CONSOLE_BPMN_JS")
    path = Path(configured) if configured else ROOT / "node_modules" / "bpmn-js" / "dist"
    return path if (path / "bpmn-navigated-viewer.production.min.js").exists() else None


def _int(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise QueryError(400, f"{what} {text!r} is not a number") from None


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"status": status, "detail": message}, status_code=status)


def create_console_app(
    engine: EngineApi,
    store_path: Path | None,
    *,
    users: dict[str, ConsoleUser] | None = None,
) -> Starlette:
    read_model = ReadModel(store_path)
    users = load_tokens() if users is None else users
    sessions = Sessions(users)
    audit = AuditLog(None if store_path is None else store_path.parent)
    actions = Actions(engine, read_model, audit)
    viewer = bpmn_js_dir()
    log.info("console.ready", users_by_role=describe(users), diagram=viewer is not None)
    if not users:
        log.warning(
            "console.no_users",
            hint="set ENGINE_CONSOLE_TOKENS (JSON token -> {sub, roles}; role ops acts)",
        )
    if viewer is None:
        log.warning(
            "console.no_diagram",
            hint="bpmn-js not in node_modules (npm install needs Node.js); diagrams are not drawn",
        )

    def api(handler: Callable[[Request, ConsoleUser], Awaitable[Any]]) -> Handler:
        """JSON endpoint for any logged-in user; errors as small problem documents."""

        async def endpoint(request: Request) -> Response:
            try:
                user = caller(request, sessions).user
                result = await handler(request, user)
            except AuthError as error:
                return _problem(error.status, error.message)
            except QueryError as error:
                return _problem(error.status, error.detail)
            except ActionError as error:
                return _problem(error.status, error.message)
            except FilterError as error:
                return _problem(400, str(error))
            if isinstance(result, Response):
                return result
            return JSONResponse(result, headers={"Cache-Control": "no-store"})

        return endpoint

    def action(handler: Callable[[Request, ConsoleUser, Any], Awaitable[None]]) -> Handler:
        async def endpoint(request: Request) -> Response:
            try:
                user = actor(request, sessions)
                raw = await request.body()
                body = json.loads(raw) if raw.strip() else {}
                if not isinstance(body, dict):
                    raise ActionError(400, "the request body must be a JSON object")
                await handler(request, user, body)
            except AuthError as error:
                return _problem(error.status, error.message)
            except ValueError as error:
                return _problem(400, f"the request body is not valid JSON: {error}")
            except QueryError as error:
                return _problem(error.status, error.detail)
            except ActionError as error:
                return _problem(error.status, error.message)
            return JSONResponse({"ok": True})

        return endpoint

    def page(name: str) -> Handler:
        async def endpoint(_request: Request) -> Response:
            return FileResponse(STATIC / name, headers=PAGE_HEADERS)

        return endpoint

    # ------------------------------------------------------------------ session

    async def login(request: Request) -> Response:
        if not same_origin(request):
            return PlainTextResponse("cross-site login refused", status_code=403)
        form = await request.form()
        token = str(form.get("token", ""))
        target = str(form.get("next", "")) or f"{PREFIX}/instances"
        if not target.startswith(f"{PREFIX}/") or target.startswith("//"):
            target = f"{PREFIX}/instances"
        made = sessions.login(token.strip())
        if made is None:
            again = urlencode({"failed": "1", "next": target})
            return RedirectResponse(f"{PREFIX}/login?{again}", status_code=303)
        session_id, _ = made
        answer = RedirectResponse(target, status_code=303)
        answer.set_cookie(
            COOKIE,
            session_id,
            max_age=int(IDLE_TIMEOUT_S),
            path=PREFIX,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return answer

    async def logout(request: Request) -> Response:
        try:
            who = caller(request, sessions)
            if who.csrf is not None and not csrf_ok(who.csrf, request.headers.get(CSRF_HEADER)):
                return _problem(403, "missing or wrong CSRF token")
        except AuthError:
            pass
        sessions.logout(request.cookies.get(COOKIE))
        answer = JSONResponse({"ok": True})
        answer.delete_cookie(COOKIE, path=PREFIX)
        return answer

    async def me(request: Request, user: ConsoleUser) -> Any:
        who = caller(request, sessions)
        return {
            "user": user.sub,
            "roles": sorted(user.roles),
            "label": user.label,
            "mayAct": user.may_act,
            "seesPersonalData": user.sees_personal_data,
            "csrf": who.csrf,
            "diagram": viewer is not None,
            "loginConfigured": sessions.enabled,
        }

    async def login_info(_request: Request) -> Response:
        return JSONResponse({"configured": sessions.enabled})

    # -------------------------------------------------------------------- reads

    async def list_definitions(_request: Request, _user: ConsoleUser) -> Any:
        return {"items": await run_in_threadpool(definitions.list_definitions, read_model)}

    async def xml(request: Request, _user: ConsoleUser) -> Any:
        key = _int(request.path_params["key"], "process definition key")
        text = await run_in_threadpool(definitions.definition_xml, read_model, key)
        if text is None:
            raise QueryError(404, f"process definition {key} not found")
        headers = {"Cache-Control": "no-store"}
        if request.query_params.get("download"):
            headers["Content-Disposition"] = f'attachment; filename="process-{key}.bpmn"'
        return Response(text, media_type="application/xml", headers=headers)

    async def elements(request: Request, _user: ConsoleUser) -> Any:
        key = _int(request.path_params["key"], "process definition key")
        text = await run_in_threadpool(definitions.definition_xml, read_model, key)
        if text is None:
            raise QueryError(404, f"process definition {key} not found")
        return {"items": definitions.flow_nodes(text)}

    async def instances(request: Request, _user: ConsoleUser) -> Any:
        query = request.query_params
        f = parse_filter({k: v for k, v in query.items() if k != "state"}, query.getlist("state"))
        return await run_in_threadpool(list_instances, read_model, f)

    async def instance(request: Request, user: ConsoleUser) -> Any:
        key = _int(request.path_params["key"], "instance key")
        found = await run_in_threadpool(instance_detail.instance_detail, read_model, key, user)
        if found is None:
            raise QueryError(404, f"process instance {key} not found")
        found["audit"] = [
            entry if user.sees_personal_data else {**entry, "details": sorted(entry["details"])}
            for entry in await run_in_threadpool(audit.for_instance, key)
        ]
        return found

    async def records(request: Request, user: ConsoleUser) -> Any:
        key = _int(request.path_params["key"], "instance key")
        after = _int(request.query_params.get("after", "0"), "after")
        return await run_in_threadpool(
            instance_detail.instance_records, read_model, key, user, after=after
        )

    async def events(request: Request, _user: ConsoleUser) -> Any:
        key = _int(request.path_params["key"], "instance key")
        last = request.headers.get("last-event-id")
        last_seen = int(last) if last and last.isdigit() else None
        return StreamingResponse(
            instance_events(request, read_model, key, last_seen),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    # ------------------------------------------------------------------ actions

    async def retry(request: Request, user: ConsoleUser, body: Any) -> None:
        retries = body.get("retries", 1)
        if isinstance(retries, bool) or not isinstance(retries, int):
            raise ActionError(400, "retries must be a whole number")
        key = _int(request.path_params["key"], "incident key")
        await actions.retry_incident(user, key, retries)

    async def cancel(request: Request, user: ConsoleUser, _body: Any) -> None:
        await actions.cancel_instance(user, _int(request.path_params["key"], "instance key"))

    async def set_variable(request: Request, user: ConsoleUser, body: Any) -> None:
        await actions.set_variable(
            user,
            _int(request.path_params["key"], "instance key"),
            _int(str(body.get("scopeKey", "")), "scope key"),
            str(body.get("name", "")),
            str(body.get("value", "")),
        )

    async def modify(request: Request, user: ConsoleUser, body: Any) -> None:
        await actions.move_token(
            user,
            _int(request.path_params["key"], "instance key"),
            _int(str(body.get("fromElementInstanceKey", "")), "element instance key"),
            str(body.get("toElementId", "")),
        )

    async def root(_request: Request) -> Response:
        return RedirectResponse(f"{PREFIX}/instances", status_code=307)

    routes: list[BaseRoute] = [
        Route("/", root),
        Route("/login", page("login.html"), methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/processes", page("processes.html")),
        Route("/instances", page("instances.html")),
        Route("/instances/{key}", page("instance.html")),
        Route("/api/login-info", login_info),
        Route("/api/me", api(me)),
        Route("/api/definitions", api(list_definitions)),
        Route("/api/definitions/{key}/xml", api(xml)),
        Route("/api/definitions/{key}/elements", api(elements)),
        Route("/api/instances", api(instances)),
        Route("/api/instances/{key}", api(instance)),
        Route("/api/instances/{key}/records", api(records)),
        Route("/api/instances/{key}/events", api(events)),
        Route("/api/incidents/{key}/retry", action(retry), methods=["POST"]),
        Route("/api/instances/{key}/cancel", action(cancel), methods=["POST"]),
        Route("/api/instances/{key}/variables", action(set_variable), methods=["POST"]),
        Route("/api/instances/{key}/modify", action(modify), methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=STATIC)),
    ]
    if viewer is not None:
        routes.append(Mount("/vendor/bpmn-js", app=StaticFiles(directory=viewer)))
    return Starlette(routes=routes)


def mount_console(app: Starlette, engine: EngineApi, store_path: Path | None) -> Starlette:
    """Serve the console under ``/console`` of the engine's HTTP app (and ``/`` leads there)."""

    async def home(_request: Request) -> Response:
        return RedirectResponse(f"{PREFIX}/instances", status_code=307)

    app.router.routes.append(Mount(PREFIX, app=create_console_app(engine, store_path)))
    app.router.routes.append(Route("/", home))
    return app
